/*
 * bench_filemap.c - the page cache of a host-directory mount on mmkit next
 * to the host kernel, in one run, on the same file (a 64 MiB file in a
 * temporary directory on a disk file system, cached on both sides):
 *
 *   cached read fault  mmap the cached file read-only (MAP_SHARED), load
 *                      one byte per page (fault-around maps 16 pages per
 *                      fault on both sides), munmap; ns per page.  Next to
 *                      it mmkit's own zero-page read fault per page (an
 *                      anonymous mapping read once), the yardstick:
 *                      the file fault should cost at most 1.5x that.
 *   read() cached      read(2) of the cached file in 64 KiB calls into one
 *                      64 KiB user buffer (copy_to_user through the MMU);
 *                      ns per page.  Its floor: memcpy of the same 64 MiB
 *                      from one host buffer into a 64 KiB one (what any
 *                      read of cached data must pay); target 1.5x.  The
 *                      host's read(2) is printed too.
 *   write-back         the file's 64 MiB dirtied with pwrite(2), then fsync:
 *                      the write-back alone (hostfs hands the host
 *                      pwritev requests of up to 1 MiB); MiB/s.  Its floor:
 *                      the host's pwrite(2) of the same amount to the same
 *                      file in 1 MiB calls (no fsync on either side:
 *                      hostfs's fsync does not fsync the host file); target
 *                      within 1.2x.  The floor's source is written just
 *                      before, 64 KiB at a time, as the mmkit side's pages
 *                      are dirtied just before its fsync: the stores of that
 *                      writing are still in the CPU's caches, and their
 *                      write-back to DRAM lands in the timed copy on both
 *                      sides alike (on this VM that costs the host's
 *                      pwrite up to 1.9x: "source written earlier", the
 *                      pwrite of a buffer written once at start, is printed
 *                      too).  A third line writes the same bytes from the
 *                      same memory: pwritev(2) of mmkit's cached pages
 *                      themselves (frames of the simulated RAM, a host
 *                      memfd), just dirtied the same way, in requests of
 *                      256 pages as hostfs sends them; the rest of the
 *                      write-back is mmkit's own cost.  The same also as
 *                      the thread's CPU time per page
 *                      (CLOCK_THREAD_CPUTIME_ID, best of the rounds), which
 *                      other load on the machine moves less.
 *
 * Each figure is the best of 5 rounds.  Linux's ext4 caches large files in
 * large folios (docs/ARCHITECTURE.md "Files"): the host's fault-around then
 * maps up to a folio per fault, so its cached read fault is cheaper per
 * page than order-0 pages allow; mmkit's pages are order 0.
 *
 * Usage: bench_filemap [MiB] (default 64).  TMPDIR picks the directory
 * (default /var/tmp; it must be a disk file system, not a tmpfs).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "mmkit/fs.h"
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"

#define U MMU_USER_IDX
#define PG 4096UL
#define CHUNK (64UL << 10) /* read(2) size */
#define WCHUNK (1UL << 20) /* the host pwrite size: hostfs's largest request */
#define ROUNDS 5
#define WB_ROUNDS 9 /* the write-back's rounds are short (~10 ms each) */

static unsigned long npages;
static char dir[512], path[600];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The calling thread's CPU time (user + system), ns. */
static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* ------------------------------------------------------------ host -- */

static double host_read_fault(int fd)
{
	char *p = mmap(NULL, npages * PG, PROT_READ, MAP_SHARED, fd, 0);
	double t;

	if (p == MAP_FAILED)
		die("mmap");
	t = now_ns();
	for (unsigned long i = 0; i < npages; i++)
		(void)((volatile char *)p)[i * PG];
	t = now_ns() - t;
	munmap(p, npages * PG);
	return t / npages;
}

static double host_read(int fd)
{
	static char buf[CHUNK];
	double t = now_ns();

	for (unsigned long off = 0; off < npages * PG; off += CHUNK)
		if (pread(fd, buf, CHUNK, (off_t)off) != (ssize_t)CHUNK)
			die("pread");
	return (now_ns() - t) / npages;
}

static double memcpy_floor(const char *src)
{
	static char buf[CHUNK];
	double t = now_ns();

	for (unsigned long off = 0; off < npages * PG; off += CHUNK) {
		memcpy(buf, src + off, CHUNK);
		__asm__ volatile("" : : "r"(buf) : "memory");
	}
	return (now_ns() - t) / npages;
}

/* MiB/s of pwrite(2) of src to the file in WCHUNK calls; *cpu its CPU
 * ns per page.  With fresh, src is first written (untimed) from a CHUNK
 * buffer, CHUNK bytes at a time, as sim_writeback dirties the file. */
static double host_pwrite(int fd, char *src, bool fresh, double *cpu)
{
	static char chunk[CHUNK];
	double t, c;

	if (fresh) {
		chunk[0]++;
		for (unsigned long off = 0; off < npages * PG; off += CHUNK) {
			memcpy(src + off, chunk, CHUNK);
			__asm__ volatile("" : : "r"(src) : "memory");
		}
	}
	t = now_ns();
	c = cpu_ns();

	for (unsigned long off = 0; off < npages * PG; off += WCHUNK)
		if (pwrite(fd, src + off, WCHUNK, (off_t)off) != (ssize_t)WCHUNK)
			die("pwrite");
	*cpu = (cpu_ns() - c) / npages;
	t = now_ns() - t;
	return (double)(npages * PG >> 20) / (t / 1e9);
}

/* The host addresses of the cached pages of mmkit's file fd, in index
 * order (the write-back's source). */
static char **cached_page_addrs(int fd)
{
	struct file *f = fget_current(fd);
	char **addr = calloc(npages, sizeof(*addr));
	struct page *pages[16];
	unsigned long index = 0, n = 0;
	unsigned int got;

	if (!f || !addr)
		die("cached pages");
	while (n < npages &&
	       (got = filemap_get_pages_range(f->f_mapping, &index, npages - 1, pages, 16))) {
		for (unsigned int i = 0; i < got; i++) {
			addr[n++] = page_address(pages[i]);
			put_page(pages[i]);
		}
	}
	fput(f);
	if (n != npages)
		die("the file is not all cached");
	return addr;
}

/* MiB/s of pwritev(2) of those pages to the host file, 256 pages a request
 * (neighbouring frames merged into one segment, as bio_add_buf does). */
static double ram_pwritev(int hfd, char **addr, double *cpu)
{
	static struct iovec iov[WCHUNK / PG];
	double t = now_ns(), c = cpu_ns();

	for (unsigned long p = 0; p < npages; p += WCHUNK / PG) {
		int v = 0;

		for (unsigned long i = p; i < p + WCHUNK / PG; i++) {
			if (v && (char *)iov[v - 1].iov_base + iov[v - 1].iov_len == addr[i]) {
				iov[v - 1].iov_len += PG;
				continue;
			}
			iov[v++] = (struct iovec){ addr[i], PG };
		}
		if (pwritev(hfd, iov, v, (off_t)(p * PG)) != (ssize_t)WCHUNK)
			die("pwritev");
	}
	*cpu = (cpu_ns() - c) / npages;
	t = now_ns() - t;
	return (double)(npages * PG >> 20) / (t / 1e9);
}

/* ----------------------------------------------------------- mmkit -- */

static unsigned long sim_mmap(unsigned long len, unsigned long prot, unsigned long flags, int fd)
{
	unsigned long a = sys_mmap(0, len, prot, flags, fd, 0);

	if (IS_ERR_VALUE(a)) {
		fprintf(stderr, "bench_filemap: mmap failed (%ld)\n", (long)a);
		exit(1);
	}
	return a;
}

static void sim_read_all(unsigned long a, unsigned long n)
{
	u8 v;

	for (unsigned long i = 0; i < n; i++)
		if (mmk_read8(U, a + i * PG, &v))
			exit(1);
}

static double sim_read_fault(int fd)
{
	unsigned long a = sim_mmap(npages * PG, MMK_PROT_READ, MMK_MAP_SHARED, fd);
	double t = now_ns();

	sim_read_all(a, npages);
	t = now_ns() - t;
	sys_munmap(a, npages * PG);
	return t / npages;
}

static double sim_zero_read(void)
{
	unsigned long a = sim_mmap(npages * PG, MMK_PROT_READ | MMK_PROT_WRITE,
				   MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1);
	double t = now_ns();

	sim_read_all(a, npages);
	t = now_ns() - t;
	sys_munmap(a, npages * PG);
	return t / npages;
}

static double sim_read(int fd, unsigned long ubuf)
{
	double t = now_ns();

	for (unsigned long off = 0; off < npages * PG; off += CHUNK)
		if (sys_pread64(fd, ubuf, CHUNK, (loff_t)off) != (long)CHUNK)
			exit(1);
	return (now_ns() - t) / npages;
}

/* Dirty the whole file: pwrite(2) of the CHUNK user buffer ubuf, CHUNK
 * bytes at a time. */
static void sim_dirty(int fd, unsigned long ubuf)
{
	for (unsigned long off = 0; off < npages * PG; off += CHUNK)
		if (sys_pwrite64(fd, ubuf, CHUNK, (loff_t)off) != (long)CHUNK)
			exit(1);
}

/* MiB/s of the write-back (fsync) of the whole file, dirtied first; *cpu
 * its CPU ns per page. */
static double sim_writeback(int fd, unsigned long ubuf, double *cpu)
{
	double t, c;

	sim_dirty(fd, ubuf);
	t = now_ns();
	c = cpu_ns();
	if (sys_fsync(fd))
		exit(1);
	*cpu = (cpu_ns() - c) / npages;
	t = now_ns() - t;
	return (double)(npages * PG >> 20) / (t / 1e9);
}

/* ------------------------------------------------------------ main -- */

static void make_file(char *src)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(dir, sizeof(dir), "%s/bench_filemap-XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(path, sizeof(path), "%s/f", dir);
	for (unsigned long i = 0; i < npages * PG; i++)
		src[i] = (char)(i * 7 + (i >> 12));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, src, npages * PG) != (ssize_t)(npages * PG) || fsync(fd))
		die(path);
	close(fd);
}

static struct task_struct *sim_boot(void)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	struct mm_struct *mm;
	struct task_struct *t;
	const char *why;

	cfg.ram_bytes = 4 * npages * PG + (256UL << 20);
	cfg.cpus = 1;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot: %s\n", why);
		exit(1);
	}
	madvise(mmk->ram, mmk->cfg.ram_bytes, MADV_POPULATE_WRITE);
	mm = mm_alloc();
	t = mm ? task_create("bench", mm) : NULL;
	if (!t)
		exit(1);
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(t);
	if (do_mount_host(dir, "/mnt", false, 0, 0))
		exit(1);
	return t;
}

static double best(double a, double b) { return a < b ? a : b; }

static double maxof(const double *v)
{
	double m = v[0];

	for (int r = 1; r < WB_ROUNDS; r++)
		m = fmax(m, v[r]);
	return m;
}

static double minof(const double *v)
{
	double m = v[0];

	for (int r = 1; r < WB_ROUNDS; r++)
		m = fmin(m, v[r]);
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of WB_ROUNDS values (sorts v). */
static double median(double *v)
{
	qsort(v, WB_ROUNDS, sizeof(*v), cmp_double);
	return v[WB_ROUNDS / 2];
}

/* The write-back's three floors, wbr[1..3]; wbr[0] is mmkit's fsync. */
static const char *const wb_floor_name[4] = {
	"write-back (fsync)",
	"host pwrite 1M, source just written",
	"host pwrite 1M, source written earlier",
	"pwritev of the cached pages, just dirtied",
};

int main(int argc, char **argv)
{
	double fault = INFINITY, hfault = INFINITY, zero = INFINITY, rd = INFINITY;
	double hrd = INFINITY, floor = INFINITY;
	double wbr[4][WB_ROUNDS], wbcr[4][WB_ROUNDS]; /* MiB/s and CPU ns/page */
	char **addr;
	struct task_struct *t;
	unsigned long ubuf;
	int hfd, fd;
	char *src, *fsrc;

	npages = (argc > 1 ? strtoul(argv[1], NULL, 0) : 64) << 20 >> 12;
	npages &= ~(WCHUNK / PG - 1);
	if (!npages)
		return 2;
	src = malloc(npages * PG);
	fsrc = malloc(npages * PG);
	if (!src || !fsrc)
		die("malloc");
	make_file(src);
	t = sim_boot();
	fd = (int)sys_open("/mnt/f", MMK_O_RDWR, 0);
	hfd = open(path, O_RDWR);
	if (fd < 0 || hfd < 0)
		die("open");
	ubuf = sim_mmap(CHUNK, MMK_PROT_READ | MMK_PROT_WRITE,
			MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_POPULATE, -1);
	sim_read(fd, ubuf); /* both caches hold the file */
	host_read(hfd);
	for (int r = 0; r < ROUNDS; r++) {
		fault = best(fault, sim_read_fault(fd));
		hfault = best(hfault, host_read_fault(hfd));
		zero = best(zero, sim_zero_read());
		rd = best(rd, sim_read(fd, ubuf));
		hrd = best(hrd, host_read(hfd));
		floor = best(floor, memcpy_floor(src));
	}
	addr = cached_page_addrs(fd);
	for (int r = -1; r < WB_ROUNDS; r++) { /* round -1 warms up: not kept */
		double x[4], xc[4];

		x[0] = sim_writeback(fd, ubuf, &xc[0]);
		x[1] = host_pwrite(hfd, fsrc, true, &xc[1]);
		x[2] = host_pwrite(hfd, src, false, &xc[2]);
		sim_dirty(fd, ubuf); /* the pages just dirtied, as the fsync's */
		x[3] = ram_pwritev(hfd, addr, &xc[3]);
		if (sys_fsync(fd))
			exit(1);
		for (int i = 0; r >= 0 && i < 4; i++) {
			wbr[i][r] = x[i];
			wbcr[i][r] = xc[i];
		}
	}
	printf("bench_filemap: a %lu MiB file cached on both sides, best of %d\n",
	       npages * PG >> 20, ROUNDS);
	printf("%-22s mmkit %8.1f ns/page   host %8.1f ns/page   host/mmkit %5.2f\n",
	       "cached read fault", fault, hfault, hfault / fault);
	printf("%-22s mmkit %8.1f ns/page   (file fault / zero-page fault %4.2f, target <= 1.5)\n",
	       "zero-page read fault", zero, fault / zero);
	printf("%-22s mmkit %8.1f ns/page   host %8.1f ns/page   host/mmkit %5.2f\n",
	       "read() 64K cached", rd, hrd, hrd / rd);
	printf("%-22s       %8.1f ns/page   (read / memcpy %4.2f, target <= 1.5)\n", "memcpy floor",
	       floor, rd / floor);
	printf("write-back (fsync), %d rounds: mmkit best %.0f MiB/s, CPU %.1f ns/page\n",
	       WB_ROUNDS, maxof(wbr[0]), minof(wbcr[0]));
	printf("  %-42s %11s %9s  %s\n", "floor / write-back, per round:", "best", "CPU ns/pg",
	       "median (min-max) of the rounds' ratios, ratio of the bests");
	for (int i = 1; i < 4; i++) {
		double q[WB_ROUNDS], lo = INFINITY, hi = 0;

		for (int r = 0; r < WB_ROUNDS; r++) {
			q[r] = wbr[i][r] / wbr[0][r];
			lo = fmin(lo, q[r]);
			hi = fmax(hi, q[r]);
		}
		printf("  %-42s %5.0f MiB/s %9.1f  %4.2f (%4.2f-%4.2f), %4.2f%s\n",
		       wb_floor_name[i], maxof(wbr[i]), minof(wbcr[i]), median(q), lo, hi,
		       maxof(wbr[i]) / maxof(wbr[0]), i == 1 ? "  target <= 1.2" : "");
	}
	free(addr);
	sys_close(fd);
	close(hfd);
	task_exit(t);
	machine_shutdown();
	unlink(path);
	rmdir(dir);
	free(src);
	free(fsrc);
	return 0;
}
