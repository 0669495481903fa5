/*
 * bench_fault.c - page faults on mmkit next to the host kernel, in one run
 * and with the same shapes (after will-it-scale page_fault1 and a fork+COW
 * test).  Each line prints ns per page (or per fork) for mmkit and the host
 * and the ratio host/mmkit (> 1: mmkit is faster):
 *
 *   floor          buddy order-0 alloc + zeroing 4 KiB, N distinct pages (the
 *                  same working set as one fault round), then freeing them
 *                  (mmkit only: what any anonymous write fault must pay)
 *   anon write     mmap N pages, store one byte per page, munmap
 *   zero read      mmap N pages, load one byte per page (zero page), munmap
 *   cow            N populated pages, fork, the parent stores to each page
 *   cow floor      buddy order-0 alloc + a 4 KiB copy from one hot source
 *                  page, N distinct pages, then freeing them (what a COW
 *                  fault must pay at least, timed as the floor above)
 *   cow cold src   the same with N distinct source pages written before
 *                  (as the COW's sources are: 64 MiB ago, past the L3), a
 *                  diagnostic next to the floor: what the copy costs when
 *                  its source must come from DRAM
 *   fork 256M      fork of a process with 256 MiB populated (per fork)
 *   munmap         munmap of N populated pages (per page)
 *   free floor     __free_page of N pages allocated before (what munmap
 *                  must pay at least per page; mmkit only)
 *   2 CPUs         throughput on 2 CPUs relative to 1, as will-it-scale
 *                  measures it: each worker repeats rounds of its shape for
 *                  the same 250 ms window from a common start and counts the
 *                  pages done inside it (best of 3 runs, 1 and 2 CPUs
 *                  interleaved); under it, the workers' CPU time per page
 *                  with 1 and 2 CPUs (the same time on 2 CPUs: no
 *                  contention; a lower throughput gain then means the host
 *                  did not give the second vCPU).  Shapes: the floor (mmkit)
 *                  next to plain zeroing of pre-faulted 4 KiB pages by host
 *                  threads (no faults: what the VM's memory and its second
 *                  vCPU allow); page_fault1 by 2 processes (2 mms);
 *                  threads: 2 threads of one mm, each faulting its half of
 *                  one mapping and dropping it with MADV_DONTNEED (only
 *                  mmap_lock read: the fault path's scaling in one mm);
 *                  threads+mmap: page_fault1 by 2 threads of one mm (each
 *                  maps, touches and unmaps its own range, as will-it-scale's
 *                  threads do: their mmap and munmap take mmap_lock for
 *                  write, so one thread's waits for the other's unmapping)
 *
 * Simulated CPU n and host worker n run bound to host CPU n (as
 * will-it-scale binds its tasks).
 *
 * The machine has 4 GiB of RAM so that, as on the host (24 GiB), each CPU's
 * page lists hold a whole round.  Linux caps a list's high mark at 1/8 of
 * the zone split between the CPUs (high_max): 65280 pages here, 337141 in
 * the host's Normal zone.  On a 1 GiB machine high_max is 16128 pages,
 * under the 16384 pages plus page tables a round needs, so every round
 * frees thousands of pages to the zone's buddy lists and the other CPU
 * allocates them: struct pages and frames then move between the CPUs'
 * caches.  The bench ends with the processes and threads lines on such a
 * 1 GiB machine, to show that.
 *
 * Usage: bench_fault [pages] [RAM MiB] [quick|cpu] (defaults: 16384 = 64 MiB
 * per round, 4096 MiB; quick: the one-CPU fault lines and their floors only;
 * cpu: the same in thread CPU time, best of 15, for a busy host).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/mmu.h"
#include "mmkit/sched.h"

#define U MMU_USER_IDX
#define PG 4096UL

static unsigned long npages = 16384;
/* CLOCK_THREAD_CPUTIME_ID with "cpu": time the host did not give this
 * thread does not count (the one-CPU lines only; see main). */
static clockid_t bench_clock = CLOCK_MONOTONIC;
static int rounds = 5;

/* The machine of the second set of 2-CPU lines (see main). */
#define SMALL_RAM_MIB 1024UL

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ------------------------------------------------------------ host -- */

static char *host_map(unsigned long n)
{
	char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static double host_anon_write(unsigned long n)
{
	char *p = host_map(n);
	double t = now_ns();

	for (unsigned long i = 0; i < n; i++)
		((volatile char *)p)[i * PG] = 1;
	t = now_ns() - t;
	munmap(p, n * PG);
	return t / n;
}

static double host_zero_read(unsigned long n)
{
	char *p = host_map(n);
	double t = now_ns();

	for (unsigned long i = 0; i < n; i++)
		(void)((volatile char *)p)[i * PG];
	t = now_ns() - t;
	munmap(p, n * PG);
	return t / n;
}

static double host_cow(unsigned long n)
{
	char *p = host_map(n);
	int fds[2];
	double t;
	pid_t pid;
	char c;

	for (unsigned long i = 0; i < n; i++)
		p[i * PG] = 1;
	if (pipe(fds))
		exit(1);
	pid = fork();
	if (!pid) {
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		((volatile char *)p)[i * PG] = 2;
	t = now_ns() - t;
	(void)!write(fds[1], "x", 1);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	munmap(p, n * PG);
	return t / n;
}

static double host_fork(unsigned long n)
{
	char *p = host_map(n);
	double t;
	pid_t pid;

	for (unsigned long i = 0; i < n; i++)
		p[i * PG] = 1;
	t = now_ns();
	pid = fork();
	if (!pid)
		_exit(0);
	t = now_ns() - t;
	waitpid(pid, NULL, 0);
	munmap(p, n * PG);
	return t;
}

static double host_munmap(unsigned long n)
{
	char *p = host_map(n);
	double t;

	for (unsigned long i = 0; i < n; i++)
		p[i * PG] = 1;
	t = now_ns();
	munmap(p, n * PG);
	return (now_ns() - t) / n;
}

/* FLOOR: alloc + zero (no faults).  PROCESSES, THREADS_MAP: page_fault1
 * rounds (mmap, a store per page, munmap) by 2 processes / 2 threads of one
 * mm.  THREADS: 2 threads of one mm, each faulting its half of one mapping
 * made beforehand and dropping it with MADV_DONTNEED (mmap_lock read only:
 * the fault path's own scaling within one mm). */
enum shape { SHAPE_FLOOR, SHAPE_PROCESSES, SHAPE_THREADS, SHAPE_THREADS_MAP };

static bool shape_is_threads(enum shape s) { return s == SHAPE_THREADS || s == SHAPE_THREADS_MAP; }

/* THREADS: worker i's half of the shared mapping (a PTE table apart). */
static unsigned long half_offset(int i, unsigned long n) { return i * (n + 512) * PG; }

/* A parallel run: wall-clock throughput, and the CPU time the workers were
 * actually running per page (thread CPU time: what contention costs,
 * without the time the host scheduler gave the core to someone else). */
struct par_result {
	double pages_per_s;
	double cpu_ns_per_page;
};

static struct par_result par_result_of(unsigned long pages0, double cpu0, unsigned long pages1,
				       double cpu1);

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Bind the calling thread to host CPU `cpu` (as will-it-scale binds each
 * task): otherwise the host scheduler may wake both workers on one core and
 * leave them there for a whole run. */
static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The 2-CPU lines measure as will-it-scale does: every worker repeats its
 * shape's rounds for the same fixed window of wall time and counts what it
 * did inside it, so the figure is the steady throughput of 1 or 2 CPUs
 * working at once, not the start-up of a worker or the tail of the slower
 * one.  All workers wait (spinning) for a common start, set WINDOW_HEAD
 * after the last one was dispatched; a round cut by the window's end stops
 * at once, and its unmap falls outside the window.
 */
#define WINDOW_NS 250e6	 /* 250 ms per run */
#define WINDOW_HEAD 20e6 /* dispatch margin before the start */
#define CLOCK_EVERY 64	 /* pages between two looks at the clock */

struct window {
	double start, end;
};

static void spin_until(double t)
{
	while (now_ns() < t)
		__builtin_ia32_pause();
}

/* Has the window ended?  Looks at the clock every CLOCK_EVERY pages. */
static bool window_over(const struct window *win, unsigned long i)
{
	return i % CLOCK_EVERY == 0 && now_ns() >= win->end;
}

struct host_worker {
	enum shape shape;
	unsigned long n;
	int cpu;
	char *half; /* THREADS: this worker's half */
	struct window win;
	unsigned long pages;
	double cpu_ns;
};

/* One host round (a page_fault1 iteration: mmap, a store per page, munmap;
 * floor: zeroing each page of a pre-faulted range); pages done. */
static unsigned long host_round(struct host_worker *w, char *zero_src)
{
	unsigned long i;
	char *p;

	if (w->shape == SHAPE_FLOOR) {
		for (i = 0; i < w->n && !window_over(&w->win, i); i++)
			memset(zero_src + i * PG, 0, PG);
		return i;
	}
	if (w->shape == SHAPE_THREADS) {
		for (i = 0; i < w->n && !window_over(&w->win, i); i++)
			((volatile char *)w->half)[i * PG] = 1;
		madvise(w->half, w->n * PG, MADV_DONTNEED);
		return i;
	}
	p = host_map(w->n);
	for (i = 0; i < w->n && !window_over(&w->win, i); i++)
		((volatile char *)p)[i * PG] = 1;
	munmap(p, w->n * PG);
	return i;
}

static void host_worker_run(struct host_worker *w)
{
	char *zero_src = NULL;
	double c;

	pin_self(w->cpu);
	if (w->shape == SHAPE_FLOOR) {
		zero_src = host_map(w->n);
		memset(zero_src, 1, w->n * PG);
	}
	spin_until(w->win.start);
	c = thread_cpu_ns();
	while (now_ns() < w->win.end)
		w->pages += host_round(w, zero_src);
	w->cpu_ns = thread_cpu_ns() - c;
	if (zero_src)
		munmap(zero_src, w->n * PG);
}

static void *host_thread(void *arg)
{
	host_worker_run(arg);
	return NULL;
}

/* `ways` workers: threads, or processes (which report through a shared page). */
static struct par_result host_parallel(int ways, enum shape shape, unsigned long n)
{
	struct host_worker *w =
		mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *shared = shape == SHAPE_THREADS ? host_map(2 * n + 512) : NULL;
	struct window win;
	struct par_result r;
	pthread_t th[2];
	pid_t pid[2];

	win.start = now_ns() + WINDOW_HEAD;
	win.end = win.start + WINDOW_NS;
	for (int i = 0; i < ways; i++) {
		w[i] = (struct host_worker){ .shape = shape, .n = n, .cpu = i, .win = win };
		if (shared)
			w[i].half = shared + half_offset(i, n);
		if (shape != SHAPE_PROCESSES) {
			pthread_create(&th[i], NULL, host_thread, &w[i]);
		} else if (!(pid[i] = fork())) {
			host_worker_run(&w[i]);
			_exit(0);
		}
	}
	for (int i = 0; i < ways; i++) {
		if (shape != SHAPE_PROCESSES)
			pthread_join(th[i], NULL);
		else
			waitpid(pid[i], NULL, 0);
	}
	r = par_result_of(w[0].pages, w[0].cpu_ns, ways == 2 ? w[1].pages : 0,
			  ways == 2 ? w[1].cpu_ns : 0);
	munmap(w, PG);
	if (shared)
		munmap(shared, (2 * n + 512) * PG);
	return r;
}

/* ----------------------------------------------------------- mmkit -- */

static struct task_struct *sim_spawn(void)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t = mm ? task_create("bench", mm) : NULL;

	if (!t) {
		fprintf(stderr, "bench_fault: spawn failed\n");
		exit(1);
	}
	arch_pick_mmap_layout(mm, 8UL << 20);
	return t;
}

static unsigned long sim_map(unsigned long n)
{
	unsigned long a = sys_mmap(0, n * PG, MMK_PROT_READ | MMK_PROT_WRITE,
				   MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);

	if (IS_ERR_VALUE(a)) {
		fprintf(stderr, "bench_fault: mmap failed\n");
		exit(1);
	}
	return a;
}

static void sim_touch(unsigned long a, unsigned long n, u8 v)
{
	for (unsigned long i = 0; i < n; i++)
		if (mmk_write8(U, a + i * PG, v))
			exit(1);
}

/* The floor on the same memory: n distinct pages allocated and zeroed (the
 * working set of one anon-write round), then freed; per page. */
static double sim_floor(unsigned long n)
{
	struct page **pages = malloc(n * sizeof(*pages));
	double t;

	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	for (unsigned long i = 0; i < n; i++)
		__free_page(pages[i]);
	t = now_ns() - t;
	free(pages);
	return t / n;
}

/* The COW floor on the same memory: n distinct pages allocated and filled
 * with a copy of one hot source page, then freed; per page. */
static double sim_cow_floor(unsigned long n)
{
	struct page **pages = malloc(n * sizeof(*pages));
	struct page *src = alloc_page(GFP_HIGHUSER_MOVABLE);
	const void *from = page_address(src);
	double t;

	memset(page_address(src), 1, PG);
	t = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER_MOVABLE);
		memcpy(page_address(pages[i]), from, PG);
	}
	for (unsigned long i = 0; i < n; i++)
		__free_page(pages[i]);
	t = now_ns() - t;
	__free_page(src);
	free(pages);
	return t / n;
}

/* The copy with cold sources: n source pages written in order, then n
 * distinct pages allocated and each filled from its own source, as the COW
 * round reads them; per page (the sources' allocation is not timed). */
static double sim_cow_floor_cold(unsigned long n)
{
	struct page **src = malloc(n * sizeof(*src)), **pages = malloc(n * sizeof(*pages));
	double t;

	for (unsigned long i = 0; i < n; i++) {
		src[i] = alloc_page(GFP_HIGHUSER_MOVABLE);
		memset(page_address(src[i]), 1, PG);
	}
	t = now_ns();
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER_MOVABLE);
		memcpy(page_address(pages[i]), page_address(src[i]), PG);
	}
	for (unsigned long i = 0; i < n; i++)
		__free_page(pages[i]);
	t = now_ns() - t;
	for (unsigned long i = 0; i < n; i++)
		__free_page(src[i]);
	free(src);
	free(pages);
	return t / n;
}

static double sim_anon_write(unsigned long n)
{
	unsigned long a = sim_map(n);
	double t = now_ns();

	sim_touch(a, n, 1);
	t = now_ns() - t;
	sys_munmap(a, n * PG);
	return t / n;
}

static double sim_zero_read(unsigned long n)
{
	unsigned long a = sim_map(n);
	double t = now_ns();
	u8 v;

	for (unsigned long i = 0; i < n; i++)
		if (mmk_read8(U, a + i * PG, &v))
			exit(1);
	t = now_ns() - t;
	sys_munmap(a, n * PG);
	return t / n;
}

static double sim_cow(struct task_struct *parent, unsigned long n)
{
	unsigned long a = sim_map(n);
	struct task_struct *child;
	double t;

	sim_touch(a, n, 1);
	child = task_fork(parent, "child", dup_mm(parent->mm));
	t = now_ns();
	sim_touch(a, n, 2);
	t = now_ns() - t;
	task_exit(child);
	context_switch(parent);
	sys_munmap(a, n * PG);
	return t / n;
}

static double sim_fork(struct task_struct *parent, unsigned long n)
{
	unsigned long a = sim_map(n);
	struct mm_struct *mm;
	double t;

	sim_touch(a, n, 1);
	t = now_ns();
	mm = dup_mm(parent->mm);
	t = now_ns() - t;
	mmput(mm);
	sys_munmap(a, n * PG);
	return t;
}

/* The munmap floor: freeing n distinct pages allocated before; per page. */
static double sim_free_floor(unsigned long n)
{
	struct page **pages = malloc(n * sizeof(*pages));
	double t;

	for (unsigned long i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_HIGHUSER_MOVABLE);
	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		__free_page(pages[i]);
	t = now_ns() - t;
	free(pages);
	return t / n;
}

static double sim_munmap(unsigned long n)
{
	unsigned long a = sim_map(n);
	double t;

	sim_touch(a, n, 1);
	t = now_ns();
	sys_munmap(a, n * PG);
	return (now_ns() - t) / n;
}

struct sim_worker {
	struct task_struct *task;
	enum shape shape;
	unsigned long n;
	unsigned long half; /* THREADS: this worker's half */
	struct window win;
	unsigned long pages;
	double cpu_ns;
};

/* One mmkit round, as host_round: map, a store per page, unmap (floor: n
 * zeroed pages allocated, then freed); pages done. */
static unsigned long sim_round(struct sim_worker *w, struct page **pages)
{
	unsigned long i, a;

	if (w->shape == SHAPE_FLOOR) {
		for (i = 0; i < w->n && !window_over(&w->win, i); i++)
			pages[i] = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		for (unsigned long j = 0; j < i; j++)
			__free_page(pages[j]);
		return i;
	}
	if (w->shape == SHAPE_THREADS) {
		for (i = 0; i < w->n && !window_over(&w->win, i); i++)
			if (mmk_write8(U, w->half + i * PG, 1))
				exit(1);
		sys_madvise(w->half, w->n * PG, MMK_MADV_DONTNEED);
		return i;
	}
	a = sim_map(w->n);
	for (i = 0; i < w->n && !window_over(&w->win, i); i++)
		if (mmk_write8(U, a + i * PG, 1))
			exit(1);
	sys_munmap(a, w->n * PG);
	return i;
}

static void sim_worker_run(void *info)
{
	struct sim_worker *w = info;
	struct page **pages = malloc(w->n * sizeof(*pages));
	double c;

	context_switch(w->task);
	spin_until(w->win.start);
	c = thread_cpu_ns();
	while (now_ns() < w->win.end)
		w->pages += sim_round(w, pages);
	w->cpu_ns = thread_cpu_ns() - c;
	free(pages);
}

/* `ways` workers on CPUs 0..ways-1: separate processes (2 mms), or
 * threads of one mm (see enum shape). */
static struct par_result sim_parallel(int ways, enum shape shape, unsigned long n)
{
	struct task_struct *lead = sim_spawn(), *t2 = NULL;
	unsigned long shared = 0;
	struct sim_worker w[2];
	struct window win;

	if (ways == 2)
		t2 = shape_is_threads(shape) ? task_create_thread(lead, "t2") : sim_spawn();
	if (shape == SHAPE_THREADS) {
		context_switch(lead);
		shared = sim_map(2 * n + 512);
	}
	win.start = now_ns() + WINDOW_HEAD;
	win.end = win.start + WINDOW_NS;
	w[0] = (struct sim_worker){ .task = lead, .shape = shape, .n = n, .win = win };
	w[1] = (struct sim_worker){ .task = t2, .shape = shape, .n = n, .win = win };
	if (shared) {
		w[0].half = shared + half_offset(0, n);
		w[1].half = shared + half_offset(1, n);
	}
	if (ways == 2)
		cpu_call_async(1, sim_worker_run, &w[1]);
	sim_worker_run(&w[0]);
	if (ways == 2)
		cpu_call_wait(1);
	if (t2)
		task_exit(t2);
	task_exit(lead);
	return par_result_of(w[0].pages, w[0].cpu_ns, ways == 2 ? w[1].pages : 0,
			     ways == 2 ? w[1].cpu_ns : 0);
}

/* Throughput over the window and CPU time per page of the workers. */
static struct par_result par_result_of(unsigned long pages0, double cpu0, unsigned long pages1,
				       double cpu1)
{
	return (struct par_result){
		.pages_per_s = (pages0 + pages1) / (WINDOW_NS / 1e9),
		.cpu_ns_per_page = (cpu0 + cpu1) / (double)(pages0 + pages1),
	};
}

static void pin_cpu_thread(void *info)
{
	(void)info;
	pin_self(smp_processor_id());
}

/* ------------------------------------------------------------ main -- */

static void row(const char *what, double sim, double host, const char *unit)
{
	printf("%-22s mmkit %10.1f %s   host %10.1f %s   host/mmkit %5.2f\n", what, sim, unit, host,
	       unit, host / sim);
}

static double best(double a, double b) { return a < b ? a : b; }

static void keep_best(struct par_result *b, struct par_result r)
{
	b->pages_per_s = fmax(b->pages_per_s, r.pages_per_s);
	b->cpu_ns_per_page = b->cpu_ns_per_page ? fmin(b->cpu_ns_per_page, r.cpu_ns_per_page) :
						  r.cpu_ns_per_page;
}

/* One scaling line: the best of 3 runs for 1 and 2 CPUs, the runs of mmkit
 * and the host interleaved.  Under it, the CPU time per page with 1 and 2
 * CPUs: equal times mean no contention, whatever the wall clock says. */
static void scaling_row(const char *what, enum shape shape, const char *host_what)
{
	struct par_result s1 = { 0 }, s2 = { 0 }, h1 = { 0 }, h2 = { 0 };

	for (int r = 0; r < 3; r++) {
		keep_best(&s1, sim_parallel(1, shape, npages));
		keep_best(&s2, sim_parallel(2, shape, npages));
		keep_best(&h1, host_parallel(1, shape, npages));
		keep_best(&h2, host_parallel(2, shape, npages));
	}
	printf("%-22s mmkit %5.2fx (%.0f -> %.0f pages/s)   %s %5.2fx\n", what,
	       s2.pages_per_s / s1.pages_per_s, s1.pages_per_s, s2.pages_per_s, host_what,
	       h2.pages_per_s / h1.pages_per_s);
	printf("%-22s mmkit %6.1f -> %6.1f ns/page (%4.2fx)   host %8.1f -> %8.1f ns/page (%4.2fx)\n",
	       "  CPU time", s1.cpu_ns_per_page, s2.cpu_ns_per_page,
	       s2.cpu_ns_per_page / s1.cpu_ns_per_page, h1.cpu_ns_per_page, h2.cpu_ns_per_page,
	       h2.cpu_ns_per_page / h1.cpu_ns_per_page);
}

/* Boot a 2-CPU machine of `ram_mib` MiB for the bench: simulated CPU n runs
 * on host CPU n for the whole run. */
static void bench_boot(unsigned long ram_mib)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.ram_bytes = (u64)ram_mib << 20;
	cfg.cpus = 2;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot: %s\n", why);
		exit(1);
	}
	pin_self(0);
	cpu_call(1, pin_cpu_thread, NULL);
	/* The simulated RAM is a host memfd: fault all of it in now, so the
	 * host's first-touch faults (~10 us each on this VM) are not charged
	 * to whichever simulated fault first hands a frame out. */
	madvise(mmk->ram, mmk->cfg.ram_bytes, MADV_POPULATE_WRITE);
}

/* The largest per-CPU list high mark of the machine's zones (pages). */
static int pcp_high_max(void)
{
	struct zone *zone;
	int high = 0;

	for_each_populated_zone(zone)
		high = max(high, zone_pcp(zone, 0)->high_max);
	return high;
}

/* A fault line and its floor: the best of 5, the floor timed after an
 * untimed floor, fault and floor alternating (see main). */
static void fault_and_floor(double (*fault)(unsigned long), double (*floor)(unsigned long),
			    double *f, double *fl)
{
	*f = *fl = INFINITY;
	for (int r = 0; r < rounds; r++) {
		floor(npages);
		*fl = best(*fl, floor(npages));
		*f = best(*f, fault(npages));
	}
}

static struct task_struct *cow_task;
static double sim_cow_self(unsigned long n) { return sim_cow(cow_task, n); }

static void print_machine(unsigned long ram_mib)
{
	printf("machine: %lu MiB RAM, 2 CPUs; per-CPU list high_max %d pages, a round %lu pages\n",
	       ram_mib, pcp_high_max(), npages);
}

int main(int argc, char **argv)
{
	unsigned long n256 = (256UL << 20) / PG, ram_mib = 4096;
	struct task_struct *t;
	double fl, aw, cfl, cw;
	bool quick = argc > 3 && !strcmp(argv[3], "quick");

	if (argc > 3 && !strcmp(argv[3], "cpu")) {
		/* on a busy host: thread CPU time, best of 15, one-CPU lines */
		bench_clock = CLOCK_THREAD_CPUTIME_ID;
		rounds = 15;
		quick = true;
	}

	if (argc > 1)
		npages = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		ram_mib = strtoul(argv[2], NULL, 0);
	bench_boot(ram_mib);
	t = sim_spawn();
	context_switch(t);
	sim_anon_write(npages); /* warm up: page tables, pcp lists */
	host_anon_write(npages);
	printf("bench_fault: %lu pages per round, best of 3 (write fault, COW and their floors: of %d, alternating;\n"
	       "             the floor after an untimed floor)%s\n",
	       npages, rounds, bench_clock == CLOCK_MONOTONIC ? "" : "; thread CPU time");
	print_machine(ram_mib);
	/* The floor and the fault alternate, so both see the VM in one state.
	 * The floor is timed after an untimed floor: right after a fault round
	 * it ran up to 17 ns/page slower, by an amount that depends on the fault
	 * path's code (the state the round leaves in the caches), which would
	 * make the ratio say more about that than about the fault. */
	fault_and_floor(sim_anon_write, sim_floor, &aw, &fl);
	row("anon write fault", aw, best(host_anon_write(npages), host_anon_write(npages)),
	    "ns/page");
	printf("%-22s mmkit %10.1f ns/page   (anon write / floor %4.2f)\n", "floor alloc+zero", fl,
	       aw / fl);
	cow_task = t;
	fault_and_floor(sim_cow_self, sim_cow_floor, &cw, &cfl);
	row("COW fault after fork", cw, best(host_cow(npages), host_cow(npages)), "ns/page");
	printf("%-22s mmkit %10.1f ns/page   (COW / floor %4.2f)\n", "floor alloc+copy", cfl,
	       cw / cfl);
	cfl = best(sim_cow_floor_cold(npages), sim_cow_floor_cold(npages));
	printf("%-22s mmkit %10.1f ns/page   (COW / it %4.2f: the copy from DRAM, a diagnostic)\n",
	       "  with cold sources", cfl, cw / cfl);
	if (quick) {
		task_exit(t);
		machine_shutdown();
		return 0;
	}
	row("zero-page read fault", best(sim_zero_read(npages), sim_zero_read(npages)),
	    best(host_zero_read(npages), host_zero_read(npages)), "ns/page");
	row("fork of 256 MiB", best(sim_fork(t, n256), sim_fork(t, n256)) / 1e3,
	    best(host_fork(n256), host_fork(n256)) / 1e3, "us     ");
	fault_and_floor(sim_munmap, sim_free_floor, &cw, &cfl);
	row("munmap", cw, best(host_munmap(npages), host_munmap(npages)), "ns/page");
	printf("%-22s mmkit %10.1f ns/page   (munmap / floor %4.2f)\n", "floor free", cfl,
	       cw / cfl);
	task_exit(t);
	scaling_row("2 CPUs, floor", SHAPE_FLOOR, "host zeroing");
	scaling_row("2 CPUs, processes", SHAPE_PROCESSES, "host faults ");
	scaling_row("2 CPUs, threads", SHAPE_THREADS, "host faults ");
	scaling_row("2 CPUs, threads+mmap", SHAPE_THREADS_MAP, "host faults ");
	machine_shutdown();
	if (ram_mib > SMALL_RAM_MIB) {
		/* The same lines on a machine whose per-CPU lists cannot hold a
		 * round: the rest of each round goes through the zone's buddy
		 * lists, where the other CPU picks it up. */
		bench_boot(SMALL_RAM_MIB);
		print_machine(SMALL_RAM_MIB);
		scaling_row("2 CPUs, processes", SHAPE_PROCESSES, "host faults ");
		scaling_row("2 CPUs, threads", SHAPE_THREADS, "host faults ");
		machine_shutdown();
	}
	return 0;
}
