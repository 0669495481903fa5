/*
 * bench_page_alloc.c - the page allocator against its real-world
 * counterparts, in the same process: an alloc+free pair of mmkit's buddy
 * allocator (order 0 through the per-CPU lists; order 0 with the per-CPU
 * lists disabled, i.e. the zone->lock path, as Linux's zone_pcp_disable
 * leaves them; order 3 and order 9 through their per-CPU lists; order 4 and
 * order 10 straight from the buddy lists), glibc malloc(4096)+free, and host
 * mmap(4 KiB, MAP_POPULATE)+munmap.  Prints ns per pair, best of 5 runs, and
 * the ratio to malloc and to mmap.
 *
 * Usage: bench_page_alloc [iterations-scale]   (default 1; 0.1 for a smoke run)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include "mmkit/mmzone.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef void (*bench_fn)(long n, unsigned int order);

static void pair_pages(long n, unsigned int order)
{
	for (long i = 0; i < n; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		__asm__ volatile("" : : "r"(p) : "memory");
		__free_pages(p, order);
	}
}

static void pair_malloc(long n, unsigned int order)
{
	for (long i = 0; i < n; i++) {
		void *p = malloc(4096);

		__asm__ volatile("" : : "r"(p) : "memory");
		free(p);
	}
	(void)order;
}

static void pair_mmap(long n, unsigned int order)
{
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		munmap(p, 4096);
	}
	(void)order;
}

static double best_ns(bench_fn fn, long n, unsigned int order)
{
	double best = 1e30;

	fn(n / 10 + 1, order); /* warm up */
	for (int r = 0; r < 5; r++) {
		double t0 = now_ns();

		fn(n, order);
		best = min(best, (now_ns() - t0) / (double)n);
	}
	return best;
}

/* Linux zone_pcp_disable(): high 0 and batch 1, so every free goes straight
 * back to the buddy lists and every allocation takes zone->lock. */
static void pcp_set(bool on, int saved[][3])
{
	struct zone *zone;
	int i = 0;

	drain_all_pages();
	for_each_zone(zone) {
		struct per_cpu_pages *pcp;

		if (!zone->pageset)
			continue;
		pcp = zone_pcp(zone, 0);
		if (!on) {
			saved[i][0] = pcp->high_min;
			saved[i][1] = pcp->high_max;
			saved[i][2] = pcp->batch;
			pcp->high_min = pcp->high_max = pcp->high = 0;
			pcp->batch = 1;
		} else {
			pcp->high_min = saved[i][0];
			pcp->high_max = saved[i][1];
			pcp->batch = saved[i][2];
		}
		i++;
	}
}

int main(int argc, char **argv)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	long n = (long)(5e6 * scale) + 1, nbig = (long)(2e5 * scale) + 1;
	double t_malloc, t_mmap, t;
	int saved[MAX_NR_ZONES][3];
	const char *why;

	cfg.ram_bytes = 256ULL << 20;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot failed: %s\n", why ? why : "?");
		return 1;
	}
	t_malloc = best_ns(pair_malloc, n, 0);
	t_mmap = best_ns(pair_mmap, nbig, 0);
	printf("%-44s %9s %10s %10s\n", "alloc+free pair", "ns/pair", "x malloc", "x mmap");
	printf("%-44s %9.1f %10.2f %10.3f\n", "glibc malloc(4096)+free", t_malloc, 1.0,
	       t_malloc / t_mmap);
	printf("%-44s %9.1f %10.2f %10.3f\n", "host mmap(4K, MAP_POPULATE)+munmap", t_mmap,
	       t_mmap / t_malloc, 1.0);
	t = best_ns(pair_pages, n, 0);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-0, per-CPU list", t, t / t_malloc,
	       t / t_mmap);
	t = best_ns(pair_pages, n, 3);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-3, per-CPU list", t, t / t_malloc,
	       t / t_mmap);
	t = best_ns(pair_pages, nbig, 9);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-9, per-CPU (THP) list", t, t / t_malloc,
	       t / t_mmap);
	t = best_ns(pair_pages, n, 4);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-4, buddy (zone->lock)", t, t / t_malloc,
	       t / t_mmap);
	t = best_ns(pair_pages, nbig, 10);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-10, buddy (zone->lock)", t, t / t_malloc,
	       t / t_mmap);
	pcp_set(false, saved);
	t = best_ns(pair_pages, n, 0);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-0, per-CPU lists off (zone->lock)", t,
	       t / t_malloc, t / t_mmap);
	t = best_ns(pair_pages, n, 9);
	printf("%-44s %9.1f %10.2f %10.3f\n", "mmkit order-9, per-CPU lists off (zone->lock)", t,
	       t / t_malloc, t / t_mmap);
	pcp_set(true, saved);
	machine_shutdown();
	return 0;
}
