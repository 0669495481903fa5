/*
 * bench_reclaim.c - the cost of page reclaim on mmkit (issue 19), with a
 * swap file on a host directory (no simulated latency):
 *
 *   anon -> swap   a 4x-RAM anonymous working set written once, one word
 *                  per page; kswapd gets its turn after every fault, so it
 *                  (not direct reclaim) does the reclaim: kswapd's CPU time
 *                  per page it reclaimed, and pages per kswapd CPU-second
 *   clean file     the same with a read of every page of a 4x-RAM host file
 *                  mapped MAP_SHARED read-only: clean mapped page-cache pages
 *                  dropped by kswapd (no write; three rmap walks per page:
 *                  folio_referenced twice, try_to_unmap once)
 *   clean read     the same file read() page by page into one user buffer:
 *                  clean unmapped page-cache pages (PG_referenced from the
 *                  read's mark_page_accessed; no rmap walk, as in Linux)
 *   fault          CPU time per write fault of the anon pass (fault, zeroing,
 *                  swap-out of the victims included) next to the same faults
 *                  on a machine big enough not to reclaim
 *
 *   bench_reclaim [RAM_MiB [anon|file|read|fault]]
 *       (default 64 MiB, every shape; files in $MMKIT_BENCH_DIR or /var/tmp;
 *       one shape alone is the one to profile, e.g. perf record on "file")
 *
 * Figures: docs/PERFORMANCE.md "Reclaim".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "mmkit/fs.h"
#include "mmkit/machine.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/vmscan.h"
#include "mmkit/vmstat.h"

#define PG 4096UL
#define U MMU_USER_IDX

static char dir[256];
static double kswapd_ns;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void kswapd_turn(void)
{
	double t = cpu_ns();

	if (kswapd_run_pending())
		kswapd_ns += cpu_ns() - t;
}

static void host_file(const char *name, unsigned long pages, bool swap)
{
	unsigned char page[PG] = { 0 }, uuid[16] = { 0x42 };
	char path[400];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path);
	if (swap) {
		swap_header_build(page, pages, "bench", uuid);
		if (pwrite(fd, page, PG, 0) != (ssize_t)PG)
			die(path);
	}
	if (posix_fallocate(fd, 0, (off_t)(pages * PG)))
		die(path);
	close(fd);
}

static void boot(unsigned long ram_mib)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.ram_bytes = ram_mib << 20;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot: %s\n", why);
		exit(1);
	}
	mmk->log = NULL;
	if (do_mount_host(dir, "/bench", false, 0, 0))
		die("mount");
	if (sys_swapon("/bench/swap", 0))
		die("swapon");
}

static struct task_struct *spawn(void)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t = mm ? task_create("bench", mm) : NULL;

	if (!t)
		die("spawn");
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(t);
	return t;
}

/* The bench's host directory goes; 0, or 1 if it could not. */
static int remove_dir(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? 1 : 0;
}

/* One write per page of n pages; returns CPU ns per page. */
static double anon_pass(unsigned long n, bool kswapd)
{
	unsigned long a = sys_mmap(0, n * PG, MMK_PROT_READ | MMK_PROT_WRITE,
				   MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_NORESERVE, -1, 0);
	double t = cpu_ns(), k0 = kswapd_ns;

	for (unsigned long i = 0; i < n; i++) {
		if (mmk_write(U, a + i * PG, 8, i))
			die("write");
		if (kswapd)
			kswapd_turn();
	}
	return (cpu_ns() - t - (kswapd_ns - k0)) / (double)n;
}

static void report(const char *what, unsigned long steal, double ns)
{
	printf("%-14s %8lu pages reclaimed by kswapd, %7.0f ns kswapd CPU per page, "
	       "%6.2f M pages per kswapd CPU-second\n",
	       what, steal, ns / (double)steal, (double)steal / ns * 1e3);
}

/* The clean-file shapes: every page of the 4x-RAM data file read once, in
 * order, through a shared read-only mapping (mapped) or by read() into a
 * one-page buffer; kswapd reclaims after every page. */
static void file_pass(unsigned long ram, unsigned long n, bool mapped)
{
	unsigned long a, s0;
	long fd;
	u64 v;

	boot(ram);
	spawn();
	fd = sys_open("/bench/data", 0, 0);
	if (fd < 0)
		die("open data");
	if (mapped)
		a = sys_mmap(0, n * PG, MMK_PROT_READ, MMK_MAP_SHARED, (int)fd, 0);
	else
		a = sys_mmap(0, PG, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_POPULATE, -1, 0);
	s0 = sum_vm_event(PGSTEAL_KSWAPD);
	kswapd_ns = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (mapped ? mmk_read(U, a + i * PG, 8, &v) != 0 :
			     sys_read((int)fd, a, PG) != (long)PG)
			die("read");
		kswapd_turn();
	}
	report(mapped ? "clean file" : "clean read", sum_vm_event(PGSTEAL_KSWAPD) - s0, kswapd_ns);
	printf("%-14s %8lu pgsteal_file, %lu pgsteal_anon, %lu pgscan_kswapd, %lu pgrefill, "
	       "%lu kswapd runs\n",
	       "", sum_vm_event(PGSTEAL_FILE), sum_vm_event(PGSTEAL_ANON),
	       sum_vm_event(PGSCAN_KSWAPD), sum_vm_event(PGREFILL), sum_vm_event(PAGEOUTRUN));
	printf("%-14s %8lu pgscan_direct, %lu pgsteal_direct, %lu workingset_refault_file\n", "",
	       sum_vm_event(PGSCAN_DIRECT), sum_vm_event(PGSTEAL_DIRECT),
	       global_node_page_state(WORKINGSET_REFAULT_FILE));
	machine_shutdown();
}

/* Does the command line ask for shape s (no shape: every one)? */
static bool want(const char *only, const char *s) { return !only || !strcmp(only, s); }

int main(int argc, char **argv)
{
	const char *base = getenv("MMKIT_BENCH_DIR");
	unsigned long ram = argc > 1 ? strtoul(argv[1], NULL, 0) : 64, n = (ram << 20) / PG * 4;
	const char *only = argc > 2 ? argv[2] : NULL;
	unsigned long s0;
	double fault_pressure = 0, fault_free;

	if (only && strcmp(only, "anon") && strcmp(only, "file") && strcmp(only, "read") &&
	    strcmp(only, "fault")) {
		fprintf(stderr, "bench_reclaim: shape %s: not anon, file, read or fault\n", only);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/mmkit-bench-reclaim-XXXXXX", base ? base : "/var/tmp");
	if (!mkdtemp(dir))
		die(dir);
	host_file("swap", n + 1024, true);
	host_file("data", n, false);
	printf("bench_reclaim: %lu MiB RAM, working sets of %lu pages (4x RAM), files in %s\n", ram,
	       n, dir);

	/* anon -> swap, kswapd reclaiming (also the fault shape's pressure run) */
	if (want(only, "anon") || want(only, "fault")) {
		boot(ram);
		spawn();
		s0 = sum_vm_event(PGSTEAL_KSWAPD);
		kswapd_ns = 0;
		fault_pressure = anon_pass(n, true);
		report("anon -> swap", sum_vm_event(PGSTEAL_KSWAPD) - s0, kswapd_ns);
		printf("%-14s %8lu pgsteal_direct (the faulting CPU's own reclaim)\n", "",
		       sum_vm_event(PGSTEAL_DIRECT));
		machine_shutdown();
	}
	if (want(only, "file"))
		file_pass(ram, n, true);
	if (want(only, "read"))
		file_pass(ram, n, false);
	/* the same faults with no pressure */
	if (want(only, "fault")) {
		boot(ram * 6);
		spawn();
		fault_free = anon_pass(n, false);
		machine_shutdown();
		printf("%-14s %7.0f ns per write fault under pressure (kswapd excluded), %7.0f ns "
		       "without\n",
		       "fault", fault_pressure, fault_free);
	}
	return remove_dir();
}
