/*
 * bench_vmalloc.c - vmalloc+vfree of 64 KiB with 0, 100, 1000 and 10000
 * live areas (the trees hold about twice that many nodes: every live area
 * has a free hole next to it), side by side with the host's mmap+munmap of
 * 64 KiB, the real-world counterpart, untouched and populated (vmalloc
 * allocates and maps its 16 frames, an untouched mmap allocates nothing).
 * Then a cold pattern: 1000 vmallocs kept live, then 1000 vfrees, where each
 * area lands at a new address and needs its host alias mapped: on a fresh
 * machine (frames come in runs, one host mmap per area) and after the runs
 * above (every other frame free: one host mmap per page, the worst case).  For
 * reference, the share of the page allocator: 16 x alloc_pages + 16 x
 * __free_pages, which vmalloc+vfree of 64 KiB includes.
 *
 * Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the host
 * kernel's time in mmap/munmap included, time spent descheduled excluded),
 * so the figures hold on a loaded machine; with cpus=1 no other thread takes
 * part in vmalloc (the TLB shootdown is local).
 *
 * Last, with 2 and 4 CPUs, where every eager vfree IPIs the other CPUs and
 * waits for them: eager against lazy mode (one shootdown per purge), in
 * wall-clock time, since the cost is the waiting.
 *
 *   build/release/bench_vmalloc [iterations]
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include "mmkit/machine.h"
#include "mmkit/mm.h"
#include "mmkit/vmalloc.h"

#define SIZE (64UL << 10)

static double clock_ns(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double now_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

static double bench_vmalloc_pair(long iters)
{
	double t0;
	long i;

	for (i = 0; i < 1000; i++) /* warm up: tables, per-CPU lists, host aliases */
		vfree(vmalloc(SIZE));
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		void *p = vmalloc(SIZE);

		if (!p) {
			fprintf(stderr, "vmalloc failed\n");
			exit(1);
		}
		vfree(p);
	}
	return (now_ns() - t0) / (double)iters;
}

static double bench_mmap_pair(long iters, int flags)
{
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		munmap(p, SIZE);
	}
	return (now_ns() - t0) / (double)iters;
}

static double bench_page_alloc(long iters)
{
	struct page *pg[16];
	double t0 = now_ns();
	long i;
	int j;

	for (i = 0; i < iters; i++) {
		for (j = 0; j < 16; j++)
			pg[j] = alloc_pages(GFP_KERNEL, 0);
		for (j = 15; j >= 0; j--)
			__free_pages(pg[j], 0);
	}
	return (now_ns() - t0) / (double)iters;
}

/* live one-page areas, each followed by a one-page free hole (plus guards) */
static void **make_live(int live)
{
	void **keep = calloc((size_t)live * 2 + 1, sizeof(void *));
	int i;

	for (i = 0; i < live * 2; i++)
		keep[i] = vmalloc(PAGE_SIZE);
	for (i = 1; i < live * 2; i += 2) {
		vfree(keep[i]);
		keep[i] = NULL;
	}
	return keep;
}

static void drop_live(void **keep, int live)
{
	int i;

	for (i = 0; i < live * 2; i++)
		vfree(keep[i]);
	free(keep);
}

static double bench_cold(int n, unsigned long *mmaps)
{
	void **p = calloc((size_t)n, sizeof(void *));
	unsigned long m0 = vmalloc_window_nr_mmaps();
	double t0 = now_ns();
	int i;

	for (i = 0; i < n; i++)
		p[i] = vmalloc(SIZE);
	for (i = 0; i < n; i++)
		vfree(p[i]);
	t0 = (now_ns() - t0) / n;
	*mmaps = vmalloc_window_nr_mmaps() - m0;
	free(p);
	return t0;
}

/* Wall-clock ns per vmalloc+vfree pair on a machine with `cpus` CPUs. */
static double bench_smp(int cpus, bool lazy, long iters)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	double t0;
	long i;

	cfg.cpus = cpus;
	if (machine_boot(&cfg, NULL))
		exit(1);
	vmalloc_set_lazy_free(lazy);
	for (i = 0; i < 100; i++)
		vfree(vmalloc(SIZE));
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < iters; i++)
		vfree(vmalloc(SIZE));
	t0 = (clock_ns(CLOCK_MONOTONIC) - t0) / (double)iters;
	machine_shutdown();
	return t0;
}

int main(int argc, char **argv)
{
	static const int lives[] = { 0, 100, 1000, 10000 };
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	double host, host_pop, cold, floor;
	unsigned long mmaps;
	size_t k;

	cfg.ram_bytes = 1ULL << 30;
	if (machine_boot(&cfg, NULL)) {
		fprintf(stderr, "boot failed\n");
		return 1;
	}
	cold = bench_cold(1000, &mmaps);
	host = bench_mmap_pair(iters / 4, 0);
	host_pop = bench_mmap_pair(iters / 4, MAP_POPULATE);
	printf("vmalloc+vfree of 64 KiB vs host mmap+munmap of 64 KiB (cpus=1, levels=4, %ld iterations;"
	       " thread CPU time)\n",
	       iters);
	floor = bench_page_alloc(iters);
	printf("%-12s %14s %16s %16s %10s %10s %10s\n", "live areas", "vmalloc ns/op", "mmap ns/op",
	       "mmap+pop ns/op", "ratio", "ratio pop", "x floor");
	for (k = 0; k < sizeof(lives) / sizeof(lives[0]); k++) {
		void **keep = make_live(lives[k]);
		unsigned long m0 = vmalloc_window_nr_mmaps();
		double v = bench_vmalloc_pair(iters);

		printf("%-12d %14.0f %16.0f %16.0f %10.2f %10.2f %10.2f   (%lu host mmaps)\n",
		       lives[k], v, host, host_pop, v / host, v / host_pop, v / floor,
		       vmalloc_window_nr_mmaps() - m0);
		drop_live(keep, lives[k]);
	}
	printf("floor, the page allocator: 16 x alloc_pages + 16 x __free_pages: %.0f ns\n", floor);
	printf("cold, fresh machine: 1000 x vmalloc 64 KiB kept live, then 1000 x vfree: %.0f ns per pair"
	       " (%lu host mmaps)\n",
	       cold, mmaps);
	cold = bench_cold(1000, &mmaps);
	printf("cold, fragmented frames: the same after the runs above: %.0f ns per pair"
	       " (%lu host mmaps)\n",
	       cold, mmaps);
	machine_shutdown();
	printf("SMP, wall clock, ns per vmalloc+vfree of 64 KiB: eager shootdown vs lazy purge\n");
	for (k = 2; k <= 4; k *= 2) {
		double eager = bench_smp((int)k, false, iters / 100);
		double lazy = bench_smp((int)k, true, iters / 10);

		printf("cpus=%zu: eager %.0f ns, lazy %.0f ns (%.1fx)\n", k, eager, lazy,
		       eager / lazy);
	}
	return 0;
}
