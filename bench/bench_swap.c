/*
 * bench_swap.c - swap-out and swap-in on mmkit next to the device floor and
 * the host kernel, in one run, on the same disk.
 *
 * mmkit: a machine with a swap file on a host mount (latency 0, unlimited
 * bandwidth: the block layer adds no simulated time, every request is a real
 * pwritev/preadv of the host file).  A process fills N MiB of anonymous
 * memory with distinct, non-zero data, then
 *   swap-out   MADV_PAGEOUT of the N MiB (unmap, slot, swap cache, write in
 *              requests of up to 256 neighbouring slots, BIO_MAX_VECS: one
 *              PMD's pages are reclaimed as one list, free)
 *   swap-in    one read and one write of a byte per page (major faults
 *              with page-cluster readahead, requests of up to 8 slots; the
 *              write frees the slot, so every round swaps out afresh)
 * timed twice:
 *   cached     the host file's pages stay in the host's page cache: the I/O
 *              is host memory copies, what is left is mmkit's own CPU
 *   real I/O   swap-out ends with fdatasync of the host file (the data is on
 *              the disk), and before swap-in the host's cached copy of the
 *              file is dropped (POSIX_FADV_DONTNEED), so the reads reach the
 *              disk
 * The floor: the same file, the same slots, the same I/O sizes, raw
 * pwrite(1 MiB) and pread(32 KiB) from a host buffer, with the same
 * fdatasync / DONTNEED for real I/O.  Targets (docs/PERFORMANCE.md): real
 * I/O within 1.2x of the floor; cached, mmkit's CPU beyond the floor's at
 * most 1 us per page.
 *
 * The host kernel (root, and a file system that takes swap files): a child
 * process with a swap file of the same size in the same directory (util-
 * linux mkswap, swapon at priority 32767), MADV_PAGEOUT of N MiB, the wait
 * until the kernel has written it (its writeback is asynchronous: /proc/
 * meminfo Writeback back to its value before), then the reads back (the
 * pages are still in the host's swap cache: minor faults).  Skipped, with
 * the reason, where swapon is refused.
 *
 * Each figure is the median of RUNS runs with its min and max.  Usage:
 * bench_swap [MiB (default 64)] [RUNS (default 5)]; the swap files go in
 * $MMKIT_BENCH_DIR, else /var/tmp (a real disk, not tmpfs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mmkit/fs.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

#define U MMU_USER_IDX
#define PG 4096UL
#define WRITE_IO (256 * PG) /* mmkit's largest swap write request (BIO_MAX_VECS) */
#define READ_IO (8 * PG)   /* page-cluster readahead: 8 slots */
#define MAX_RUNS 15

static unsigned long mib = 64, npages;
static int runs = 5;
static char dir[512], mm_file[600], host_file[600];
static int mm_fd = -1;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_swap: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ------------------------------------------------------------- stats -- */

struct series {
	double v[MAX_RUNS];
	int n;
};

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(struct series *s)
{
	qsort(s->v, (size_t)s->n, sizeof(double), cmpd);
	return s->v[s->n / 2];
}

static void add(struct series *s, double v) { s->v[s->n++] = v; }

/* "median (min-max)" of per-page figures, in ns. */
static void show(const char *what, struct series *s, const char *note)
{
	double m = median(s);

	printf("  %-34s %8.0f ns/page (%.0f-%.0f)  %7.1f MB/s%s%s\n", what, m, s->v[0],
	       s->v[s->n - 1], PG / m * 1e3, note ? "  " : "", note ? note : "");
}

/* ------------------------------------------------------------ mmkit -- */

static void mm_setup(void)
{
	unsigned char page[PG] = { 0 }, uuid[16] = { 0x42 };
	unsigned long pages = npages + 64;
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;
	int fd;

	snprintf(mm_file, sizeof(mm_file), "%s/mmkit.swap", dir);
	swap_header_build(page, pages, "bench", uuid);
	fd = open(mm_file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, page, PG, 0) != (ssize_t)PG ||
	    posix_fallocate(fd, 0, (off_t)(pages * PG)) || fsync(fd))
		die(mm_file);
	close(fd);
	cfg.ram_bytes = (mib * 2 + 64) << 20;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot: %s\n", why);
		exit(1);
	}
	mmk->log = NULL;
	madvise(mmk->ram, mmk->cfg.ram_bytes, MADV_POPULATE_WRITE);
	if (do_mount_host(dir, "/bench", false, 0, 0) ||
	    sys_swapon("/bench/mmkit.swap", SWAP_FLAG_PREFER | 10))
		die("mmkit swapon");
	mm_fd = open(mm_file, O_RDWR);
	if (mm_fd < 0)
		die(mm_file);
}

static unsigned long mm_region(void)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t = mm ? task_create("bench", mm) : NULL;
	unsigned long a;
	u64 buf[PG / 8];

	if (!t)
		die("spawn");
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(t);
	a = sys_mmap(0, npages * PG, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(a))
		die("mmap");
	for (unsigned long i = 0; i < npages; i++) {
		for (unsigned int w = 0; w < PG / 8; w++)
			buf[w] = (i + 1) * 0x9e3779b97f4a7c15ULL + w;
		if (mmk_copy_to(U, a + i * PG, buf, PG, NULL))
			die("fill");
	}
	return a;
}

/* One swap-out and swap-in of the region: wall ns/page of each, and the
 * thread's CPU ns/page.  real: fdatasync after, cache dropped before in. */
static void mm_round(unsigned long a, bool real, double *out_ns, double *in_ns, double *out_cpu,
		     double *in_cpu)
{
	double t, c;
	u8 v;

	t = now_ns();
	c = cpu_ns();
	if (sys_madvise(a, npages * PG, MMK_MADV_PAGEOUT))
		die("MADV_PAGEOUT");
	if (real && fdatasync(mm_fd))
		die("fdatasync");
	*out_cpu = (cpu_ns() - c) / npages;
	*out_ns = (now_ns() - t) / npages;
	if (get_mm_counter_sum(current->mm, MM_SWAPENTS) != npages) {
		fprintf(stderr, "bench_swap: only %lu of %lu pages went out\n",
			get_mm_counter_sum(current->mm, MM_SWAPENTS), npages);
		exit(1);
	}
	if (real)
		posix_fadvise(mm_fd, 0, 0, POSIX_FADV_DONTNEED);
	t = now_ns();
	c = cpu_ns();
	for (unsigned long i = 0; i < npages; i++)
		if (mmk_read8(U, a + i * PG, &v) || mmk_write8(U, a + i * PG, v))
			die("touch");
	*in_cpu = (cpu_ns() - c) / npages;
	*in_ns = (now_ns() - t) / npages;
}

/* ------------------------------------------------------------ floor -- */

/* pwrite of the region's slots in WRITE_IO requests, pread in READ_IO:
 * wall ns/page each, CPU ns/page each. */
static void floor_round(bool real, double *w_ns, double *r_ns, double *w_cpu, double *r_cpu)
{
	char *buf = aligned_alloc(PG, WRITE_IO);
	double t, c;
	off_t off;

	for (size_t i = 0; i < WRITE_IO; i++)
		buf[i] = (char)(i * 7 + 1);
	t = now_ns();
	c = cpu_ns();
	for (off = PG; off < (off_t)((npages + 1) * PG); off += WRITE_IO)
		if (pwrite(mm_fd, buf, WRITE_IO, off) != (ssize_t)WRITE_IO)
			die("pwrite");
	if (real && fdatasync(mm_fd))
		die("fdatasync");
	*w_cpu = (cpu_ns() - c) / npages;
	*w_ns = (now_ns() - t) / npages;
	if (real)
		posix_fadvise(mm_fd, 0, 0, POSIX_FADV_DONTNEED);
	t = now_ns();
	c = cpu_ns();
	for (off = PG; off < (off_t)((npages + 1) * PG); off += READ_IO)
		if (pread(mm_fd, buf, READ_IO, off) != (ssize_t)READ_IO)
			die("pread");
	*r_cpu = (cpu_ns() - c) / npages;
	*r_ns = (now_ns() - t) / npages;
	free(buf);
}

/* ------------------------------------------------------------- host -- */

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void host_cleanup(void)
{
	if (host_file[0]) {
		swapoff(host_file);
		unlink(host_file);
	}
}

static void host_sig(int sig)
{
	host_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The host swap file: util-linux mkswap, swapon at the top priority.  A
 * reason string when it cannot be had. */
static const char *host_setup(void)
{
	char cmd[800];
	int fd;

	if (geteuid())
		return "not root";
	snprintf(host_file, sizeof(host_file), "%s/host.swap", dir);
	fd = open(host_file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || posix_fallocate(fd, 0, (off_t)((npages + 64) * PG)))
		return "cannot allocate the host swap file";
	close(fd);
	snprintf(cmd, sizeof(cmd), "mkswap -q %s >/dev/null 2>&1", host_file);
	if (system(cmd))
		return "util-linux mkswap failed or is missing";
	atexit(host_cleanup);
	signal(SIGINT, host_sig);
	signal(SIGTERM, host_sig);
	if (swapon(host_file, SWAP_FLAG_PREFER | 32767))
		return strerror(errno);
	return NULL;
}

/* In a child: fill, MADV_PAGEOUT (submit), wait for the writeback, read back. */
static void host_child(int wfd)
{
	char *p =
		mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double r[3], t;
	long wb0 = meminfo_kb("Writeback:");
	volatile char v;

	for (unsigned long i = 0; i < npages * PG; i += 8)
		*(unsigned long *)(p + i) = (i + 1) * 0x9e3779b97f4a7c15ULL;
	t = now_ns();
	madvise(p, npages * PG, MADV_PAGEOUT);
	r[0] = (now_ns() - t) / npages;
	while (meminfo_kb("Writeback:") > wb0)
		usleep(200);
	r[1] = (now_ns() - t) / npages;
	t = now_ns();
	for (unsigned long i = 0; i < npages * PG; i += PG)
		v = p[i];
	(void)v;
	r[2] = (now_ns() - t) / npages;
	if (write(wfd, r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static bool host_round(double *submit, double *written, double *in)
{
	int fds[2], st;
	double r[3];
	pid_t pid;

	if (pipe(fds))
		return false;
	pid = fork();
	if (!pid)
		host_child(fds[1]);
	close(fds[1]);
	if (read(fds[0], r, sizeof(r)) != sizeof(r))
		return false;
	close(fds[0]);
	waitpid(pid, &st, 0);
	*submit = r[0];
	*written = r[1];
	*in = r[2];
	return true;
}

/* ------------------------------------------------------------- main -- */

static void bench_mmkit(unsigned long a, bool real)
{
	struct series o = { 0 }, i = { 0 }, oc = { 0 }, ic = { 0 }, fw = { 0 }, fr = { 0 },
		      fwc = { 0 }, frc = { 0 };
	double x[4];
	char note[160];

	for (int r = 0; r < runs; r++) {
		mm_round(a, real, &x[0], &x[1], &x[2], &x[3]);
		add(&o, x[0]);
		add(&i, x[1]);
		add(&oc, x[2]);
		add(&ic, x[3]);
		floor_round(real, &x[0], &x[1], &x[2], &x[3]);
		add(&fw, x[0]);
		add(&fr, x[1]);
		add(&fwc, x[2]);
		add(&frc, x[3]);
	}
	printf("%s:\n",
	       real ? "real I/O (fdatasync after swap-out; host cache dropped before swap-in)" :
		      "cached (the host file stays in the host page cache)");
	snprintf(note, sizeof(note), "mmkit/floor %.2f", median(&o) / median(&fw));
	show("mmkit swap-out (MADV_PAGEOUT)", &o, real ? note : NULL);
	show("floor pwrite 1 MiB", &fw, NULL);
	snprintf(note, sizeof(note), "mmkit/floor %.2f", median(&i) / median(&fr));
	show("mmkit swap-in (touch back)", &i, real ? note : NULL);
	show("floor pread 32 KiB", &fr, NULL);
	if (!real) {
		printf("  CPU per page: swap-out %.0f ns (floor %.0f: mmkit's own %.0f); swap-in %.0f ns "
		       "(floor %.0f: mmkit's own %.0f)\n",
		       median(&oc), median(&fwc), median(&oc) - median(&fwc), median(&ic),
		       median(&frc), median(&ic) - median(&frc));
	}
}

static void bench_host(void)
{
	struct series s = { 0 }, w = { 0 }, in = { 0 };
	const char *why = host_setup();
	double x[3];

	printf("host kernel (%s swap file, MADV_PAGEOUT then reads):\n", dir);
	if (why) {
		printf("  SKIPPED: %s\n", why);
		return;
	}
	for (int r = 0; r < runs; r++) {
		if (!host_round(&x[0], &x[1], &x[2])) {
			printf("  SKIPPED: the child failed\n");
			return;
		}
		add(&s, x[0]);
		add(&w, x[1]);
		add(&in, x[2]);
	}
	show("host MADV_PAGEOUT (submitted)", &s, NULL);
	show("host MADV_PAGEOUT + writeback", &w, NULL);
	show("host touch back (swap cache)", &in, NULL);
	host_cleanup();
	host_file[0] = 0;
}

int main(int argc, char **argv)
{
	const char *base = getenv("MMKIT_BENCH_DIR");
	unsigned long a;

	if (argc > 1)
		mib = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		runs = atoi(argv[2]);
	if (runs < 1 || runs > MAX_RUNS || !mib)
		return fprintf(stderr, "usage: bench_swap [MiB] [RUNS 1..%d]\n", MAX_RUNS), 2;
	npages = mib << 20 >> 12;
	snprintf(dir, sizeof(dir), "%s/mmkit-bench-swap-XXXXXX", base ? base : "/var/tmp");
	if (!mkdtemp(dir))
		die(dir);
	printf("bench_swap: %lu MiB (%lu pages), median of %d runs (min-max); files in %s\n", mib,
	       npages, runs, dir);
	mm_setup();
	a = mm_region();
	bench_mmkit(a, false);
	bench_mmkit(a, true);
	bench_host();
	unlink(mm_file);
	machine_shutdown();
	rmdir(dir);
	return 0;
}
