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
 *   fork 256M      fork of a process with 256 MiB populated (per fork)
 *   munmap         munmap of N populated pages (per page)
 *   2 CPUs         throughput on 2 CPUs relative to 1, best of 3 runs each
 *                  (1 and 2 CPUs interleaved), and the workers' CPU time
 *                  per page with 1 and 2 CPUs (the same time on 2 CPUs: no
 *                  contention; a lower throughput gain then means the host
 *                  did not give the second vCPU): the floor (mmkit) next to
 *                  plain zeroing of 4 KiB pages by host threads (no faults:
 *                  what the VM's memory and its second vCPU allow); anonymous
 *                  write faults by 2 processes (2 mms); by 2 threads of one
 *                  mm (mmkit: each faults its half of one VMA; host: each
 *                  maps its own range, as will-it-scale page_fault1)
 *
 * Simulated CPU n and host worker n run bound to host CPU n (as
 * will-it-scale binds its tasks).
 *
 * Usage: bench_fault [pages] (default 16384 = 64 MiB per round).
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
#include "mmkit/mmu.h"
#include "mmkit/sched.h"

#define U MMU_USER_IDX
#define PG 4096UL

static unsigned long npages = 16384;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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

/* Zeroing n pre-faulted pages, 4 KiB at a time: the host side of the floor. */
static double host_zero_pages(unsigned long n)
{
	char *p = host_map(n);
	double t;

	memset(p, 1, n * PG);
	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		memset(p + i * PG, 0, PG);
	t = now_ns() - t;
	munmap(p, n * PG);
	return t / n;
}

enum shape { SHAPE_FLOOR, SHAPE_PROCESSES, SHAPE_THREADS };

/* A parallel run: wall-clock throughput, and the CPU time the workers were
 * actually running per page (thread CPU time: what contention costs,
 * without the time the host scheduler gave the core to someone else). */
struct par_result {
	double pages_per_s;
	double cpu_ns_per_page;
};

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

struct host_worker {
	enum shape shape;
	unsigned long n;
	int cpu;
	double cpu_ns;
};

static void host_worker_run(struct host_worker *w)
{
	double c;

	pin_self(w->cpu);
	c = thread_cpu_ns();

	if (w->shape == SHAPE_FLOOR)
		host_zero_pages(w->n);
	else
		host_anon_write(w->n);
	w->cpu_ns = thread_cpu_ns() - c;
}

static void *host_thread(void *arg)
{
	host_worker_run(arg);
	return NULL;
}

/* `ways` workers doing n pages each: threads, or processes (which report
 * their CPU time through a shared page). */
static struct par_result host_parallel(int ways, enum shape shape, unsigned long n)
{
	struct host_worker *w = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				     -1, 0);
	struct par_result r;
	pthread_t th[2];
	pid_t pid[2];
	double t = now_ns();

	for (int i = 0; i < ways; i++) {
		w[i] = (struct host_worker){ .shape = shape, .n = n, .cpu = i };
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
	t = now_ns() - t;
	r.pages_per_s = ways * n / (t / 1e9);
	r.cpu_ns_per_page = (w[0].cpu_ns + (ways == 2 ? w[1].cpu_ns : 0)) / (ways * n);
	munmap(w, PG);
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
	unsigned long addr, n;       /* addr 0: map its own range */
	bool floor;
	double cpu_ns;
};

static void sim_worker_run(void *info)
{
	struct sim_worker *w = info;
	double c = thread_cpu_ns();

	context_switch(w->task);
	if (w->floor)
		sim_floor(w->n);
	else if (w->addr)
		sim_touch(w->addr, w->n, 1);
	else
		sim_anon_write(w->n);
	w->cpu_ns = thread_cpu_ns() - c;
}

/* A thread unmaps its own half, so that its pages go back to its own CPU's
 * lists (as each will-it-scale thread unmaps its own range). */
static void sim_worker_unmap(void *info)
{
	struct sim_worker *w = info;

	context_switch(w->task);
	sys_munmap(w->addr, w->n * PG);
}

/* `ways` workers on CPUs 0..ways-1.  threads: one mm, each worker faults
 * its own half of one VMA. */
static struct par_result sim_parallel(int ways, enum shape shape, unsigned long n)
{
	struct par_result r;
	struct task_struct *lead = sim_spawn(), *t2 = NULL;
	bool floor = shape == SHAPE_FLOOR;
	struct sim_worker w[2] = { { .task = lead, .n = n, .floor = floor },
				   { .n = n, .floor = floor } };
	unsigned long a = 0;
	double t;

	context_switch(lead);
	if (shape == SHAPE_THREADS) {
		a = sim_map(2 * n + 512);
		w[0].addr = a;
		w[1].addr = a + (n + 512) * PG;       /* separate PTE tables */
		t2 = task_create_thread(lead, "t2");
	} else if (ways == 2) {
		t2 = sim_spawn();
	}
	w[1].task = t2;
	t = now_ns();
	if (ways == 2)
		cpu_call_async(1, sim_worker_run, &w[1]);
	sim_worker_run(&w[0]);
	if (ways == 2)
		cpu_call_wait(1);
	t = now_ns() - t;
	if (shape == SHAPE_THREADS && ways == 2)
		cpu_call(1, sim_worker_unmap, &w[1]);   /* untimed, as each thread's munmap */
	if (t2)
		task_exit(t2);
	task_exit(lead);
	r.pages_per_s = ways * n / (t / 1e9);
	r.cpu_ns_per_page = (w[0].cpu_ns + (ways == 2 ? w[1].cpu_ns : 0)) / (ways * n);
	return r;
}

static void pin_cpu_thread(void *info)
{
	(void)info;
	pin_self(smp_processor_id());
}

/* ------------------------------------------------------------ main -- */

static void row(const char *what, double sim, double host, const char *unit)
{
	printf("%-22s mmkit %10.1f %s   host %10.1f %s   host/mmkit %5.2f\n", what, sim, unit,
	       host, unit, host / sim);
}

static double best(double a, double b) { return a < b ? a : b; }

static void keep_best(struct par_result *b, struct par_result r)
{
	b->pages_per_s = fmax(b->pages_per_s, r.pages_per_s);
	b->cpu_ns_per_page = b->cpu_ns_per_page ? fmin(b->cpu_ns_per_page, r.cpu_ns_per_page)
						: r.cpu_ns_per_page;
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

int main(int argc, char **argv)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	unsigned long n256 = (256UL << 20) / PG;
	struct task_struct *t;
	const char *why;
	double fl, aw;

	if (argc > 1)
		npages = strtoul(argv[1], NULL, 0);
	cfg.ram_bytes = 1ULL << 30;
	cfg.cpus = 2;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "boot: %s\n", why);
		return 1;
	}
	/* simulated CPU n runs on host CPU n, for the whole run */
	pin_self(0);
	cpu_call(1, pin_cpu_thread, NULL);
	/* The simulated RAM is a host memfd: fault all of it in now, so the
	 * host's first-touch faults (~10 us each on this VM) are not charged
	 * to whichever simulated fault first hands a frame out. */
	madvise(mmk->ram, mmk->cfg.ram_bytes, MADV_POPULATE_WRITE);
	t = sim_spawn();
	context_switch(t);
	sim_anon_write(npages);                 /* warm up: page tables, pcp lists */
	host_anon_write(npages);
	printf("bench_fault: %lu pages per round, best of 3\n", npages);
	fl = best(best(sim_floor(npages), sim_floor(npages)), sim_floor(npages));
	aw = best(best(sim_anon_write(npages), sim_anon_write(npages)), sim_anon_write(npages));
	row("anon write fault", aw, best(host_anon_write(npages), host_anon_write(npages)), "ns/page");
	printf("%-22s mmkit %10.1f ns/page   (anon write / floor %4.2f)\n", "floor alloc+zero", fl, aw / fl);
	row("zero-page read fault", best(sim_zero_read(npages), sim_zero_read(npages)),
	    best(host_zero_read(npages), host_zero_read(npages)), "ns/page");
	row("COW fault after fork", best(sim_cow(t, npages), sim_cow(t, npages)),
	    best(host_cow(npages), host_cow(npages)), "ns/page");
	row("fork of 256 MiB", best(sim_fork(t, n256), sim_fork(t, n256)) / 1e3,
	    best(host_fork(n256), host_fork(n256)) / 1e3, "us     ");
	row("munmap", best(sim_munmap(npages), sim_munmap(npages)),
	    best(host_munmap(npages), host_munmap(npages)), "ns/page");
	task_exit(t);
	scaling_row("2 CPUs, floor", SHAPE_FLOOR, "host zeroing");
	scaling_row("2 CPUs, processes", SHAPE_PROCESSES, "host faults ");
	scaling_row("2 CPUs, threads", SHAPE_THREADS, "host faults ");
	machine_shutdown();
	return 0;
}
