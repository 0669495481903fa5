/*
 * stress.c - randomized multi-CPU stress of the fault path and the address-
 * space calls (docs/TESTING.md "Concurrency stress").
 *
 *   stress [--cpus N] [--procs P] [--seed S] [--ops N | --seconds T] [--quiet]
 *
 * P processes (default 3) each have one thread per CPU; every CPU (2..8, the
 * boot CPU included) runs a worker that, per step, picks a process at random,
 * switches to its thread there and does one random operation on its own
 * windows of that address space:
 *
 *   write / read-check  one 8-byte word per page, against a shadow copy
 *   racy read           a page of another CPU's window (no lock, no shadow:
 *                       the value must be 0 or one that CPU wrote to that
 *                       very page of that process; anything else is a frame
 *                       reached through a stale translation or a mix-up)
 *   munmap + mmap       part of the private window, MAP_FIXED back (zeros)
 *   mprotect            part of a window read-only or back; a write there
 *                       must fault and change nothing
 *   madvise             DONTNEED (private: zeros; shared: kept), REMOVE
 *                       (shared: zeros), FREE (private: old value or zero)
 *   fork + exit         the child sees the parent's values, its writes to the
 *                       private window stay its own, to the shared window
 *                       reach the parent; then the child exits
 *   thread + exit       a short-lived thread of the process writes and exits
 *
 * Each CPU's window is fixed (MAP_FIXED at an address of its own), so a value
 * names where it was written: process, CPU, page, sequence number.  So the
 * CPUs race on the same mm_structs, VMA trees, page tables, mmap_locks, TLBs
 * (shootdowns), page and slab allocators, while each can still check its own
 * memory exactly.  The seed fixes every worker's choices; with --seconds the
 * number of steps depends on timing, with --ops it does not.
 *
 * At the end: every word of every window holds what its CPU last wrote, every
 * verify check passes, and once every task has exited the free-page count
 * and every slab cache's object count are back at their values before the
 * run.  Exit status 0, 1 on any violation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mmkit/debug.h"
#include "mmkit/machine.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/mmzone.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"

#define U MMU_USER_IDX
#define MAX_CPUS 8
#define MAX_PROCS 8
#define NPRIV 32  /* pages of a private window */
#define NSHARED 8 /* pages of a shared window */
#define WIN_BASE 0x100000000UL
#define WIN_STRIDE 0x1000000UL /* per (process, CPU) */
#define SHARED_OFF 0x800000UL

/* page state in the shadow: read-only (a write must fault), and "MADV_FREE'd":
 * the kernel may have dropped it, so it reads as its value or as zero */
enum { ST_RO = 1, ST_MAYBE_ZERO = 2 };

struct window {
	unsigned long priv, shared; /* fixed addresses */
	u64 val_priv[NPRIV], val_shared[NSHARED];
	u8 st_priv[NPRIV], st_shared[NSHARED];
	u32 seq;
};

struct worker {
	int cpu;
	u64 rng;
	long ops, steps;
	struct task_struct *thread[MAX_PROCS];
	struct window win[MAX_PROCS];
	long counts[10];
	int errors;
};

static int nr_cpus = 2, nr_procs = 3;
static long opt_ops = 20000;
static double opt_seconds;
static u64 opt_seed = 1;
static bool quiet;
static struct task_struct *leader[MAX_PROCS];
static struct worker workers[MAX_CPUS];
static struct timespec t_end;
static _Atomic int total_errors;

static const char *const op_names[] = {
	"write", "read", "racy-read", "remap", "mprotect", "madvise", "fork", "thread",
};

#define fail(w, ...)                                                                \
	do {                                                                        \
		fprintf(stderr, "stress: cpu %d step %ld: ", (w)->cpu, (w)->steps); \
		fprintf(stderr, __VA_ARGS__);                                       \
		fputc('\n', stderr);                                                \
		(w)->errors++;                                                      \
		atomic_fetch_add(&total_errors, 1);                                 \
	} while (0)

static u64 rnd(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static unsigned long win_addr(int proc, int cpu)
{
	return WIN_BASE + ((unsigned long)proc * MAX_CPUS + (unsigned long)cpu) * WIN_STRIDE;
}

static u64 encode(int proc, int cpu, int shared, int page, u32 seq)
{
	return (u64)(proc + 1) << 56 | (u64)cpu << 48 | (u64)shared << 47 | (u64)page << 32 | seq;
}

static bool time_up(void)
{
	struct timespec now;

	if (opt_seconds <= 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t_end.tv_sec ||
	       (now.tv_sec == t_end.tv_sec && now.tv_nsec >= t_end.tv_nsec);
}

/* ---- one page ---- */

static u64 *val_of(struct window *v, int shared, int p)
{
	return shared ? &v->val_shared[p] : &v->val_priv[p];
}

static u8 *st_of(struct window *v, int shared, int p)
{
	return shared ? &v->st_shared[p] : &v->st_priv[p];
}

static unsigned long page_addr(struct window *v, int shared, int p)
{
	return (shared ? v->shared : v->priv) + (unsigned long)p * PAGE_SIZE;
}

static void check_page(struct worker *w, int k, int shared, int p, const char *why)
{
	struct window *v = &w->win[k];
	u64 got;

	if (mmk_read(U, page_addr(v, shared, p), 8, &got)) {
		fail(w, "%s: read of process %d %s page %d faulted", why, k,
		     shared ? "shared" : "private", p);
		return;
	}
	if ((*st_of(v, shared, p) & ST_MAYBE_ZERO) && (got == 0 || got == *val_of(v, shared, p))) {
		*val_of(v, shared, p) = got;
		*st_of(v, shared, p) &= (u8)~ST_MAYBE_ZERO;
		return;
	}
	if (got != *val_of(v, shared, p))
		fail(w, "%s: process %d %s page %d holds %#llx, last written %#llx", why, k,
		     shared ? "shared" : "private", p, (unsigned long long)got,
		     (unsigned long long)*val_of(v, shared, p));
}

static void op_write(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	int shared = rnd(w) % 4 == 0, p = (int)(rnd(w) % (shared ? NSHARED : NPRIV));
	u64 val = encode(k, w->cpu, shared, p, ++v->seq);
	int err = mmk_write(U, page_addr(v, shared, p), 8, val);

	if (*st_of(v, shared, p) & ST_RO) {
		if (!err)
			fail(w, "write to read-only page %d of process %d succeeded", p, k);
		return;
	}
	if (err) {
		fail(w, "write to process %d %s page %d faulted", k, shared ? "shared" : "private",
		     p);
		return;
	}
	*val_of(v, shared, p) = val;
	*st_of(v, shared, p) &= (u8)~ST_MAYBE_ZERO;
}

static void op_read(struct worker *w, int k)
{
	int shared = rnd(w) % 4 == 0;

	check_page(w, k, shared, (int)(rnd(w) % (shared ? NSHARED : NPRIV)), "read");
}

/* A page of another CPU's window: 0, or a value written to exactly it. */
static void op_racy_read(struct worker *w, int k)
{
	int other = (int)(rnd(w) % (u64)nr_cpus), shared = rnd(w) % 4 == 0;
	int p = (int)(rnd(w) % (shared ? NSHARED : NPRIV));
	unsigned long a =
		win_addr(k, other) + (shared ? SHARED_OFF : 0) + (unsigned long)p * PAGE_SIZE;
	u64 got, want = encode(k, other, shared, p, 0);

	if (mmk_read(U, a, 8, &got) || got == 0)
		return; /* unmapped at that moment, or never written */
	if ((got & ~0xffffffffULL) != want)
		fail(w, "racy read of cpu %d's process %d %s page %d: %#llx is not from that page",
		     other, k, shared ? "shared" : "private", p, (unsigned long long)got);
}

/* ---- address-space calls ---- */

static void range(struct worker *w, int n, int *first, int *count)
{
	*first = (int)(rnd(w) % (u64)n);
	*count = 1 + (int)(rnd(w) % (u64)(n - *first));
}

static void op_remap(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	int first, n, i;
	unsigned long a, r;

	range(w, NPRIV, &first, &n);
	a = v->priv + (unsigned long)first * PAGE_SIZE;
	if (sys_munmap(a, (unsigned long)n * PAGE_SIZE)) {
		fail(w, "munmap failed");
		return;
	}
	r = sys_mmap(a, (unsigned long)n * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0);
	if (r != a) {
		fail(w, "mmap MAP_FIXED at %#lx returned %#lx", a, r);
		return;
	}
	for (i = first; i < first + n; i++) {
		v->val_priv[i] = 0;
		v->st_priv[i] = 0;
	}
}

static void op_mprotect(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	int shared = rnd(w) % 3 == 0, first, n, i;
	bool ro = rnd(w) % 2;
	unsigned long prot = MMK_PROT_READ | (ro ? 0 : MMK_PROT_WRITE);

	range(w, shared ? NSHARED : NPRIV, &first, &n);
	if (sys_mprotect(page_addr(v, shared, first), (unsigned long)n * PAGE_SIZE, prot)) {
		fail(w, "mprotect failed");
		return;
	}
	for (i = first; i < first + n; i++)
		*st_of(v, shared, i) = (u8)((*st_of(v, shared, i) & ~ST_RO) | (ro ? ST_RO : 0));
}

static void op_madvise(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	int shared = rnd(w) % 3 == 0, kind = (int)(rnd(w) % 2), first, n, i, advice;

	range(w, shared ? NSHARED : NPRIV, &first, &n);
	advice = shared ? (kind ? MMK_MADV_REMOVE : MMK_MADV_DONTNEED) :
			  (kind ? MMK_MADV_FREE : MMK_MADV_DONTNEED);
	for (i = first; advice == MMK_MADV_REMOVE && i < first + n; i++)
		if (*st_of(v, shared, i) & ST_RO)
			return; /* MADV_REMOVE needs a writable mapping (EACCES) */
	if (sys_madvise(page_addr(v, shared, first), (unsigned long)n * PAGE_SIZE, advice)) {
		fail(w, "madvise %d failed", advice);
		return;
	}
	for (i = first; i < first + n; i++) {
		if (advice == MMK_MADV_DONTNEED && !shared) {
			*val_of(v, 0, i) = 0;
			*st_of(v, 0, i) &= (u8)~ST_MAYBE_ZERO;
		} else if (advice == MMK_MADV_REMOVE) {
			*val_of(v, 1, i) = 0;
		} else if (advice == MMK_MADV_FREE) {
			*st_of(v, 0, i) |= ST_MAYBE_ZERO;
		}
	}
}

/* fork the process from this CPU's thread; check and use the child; exit it. */
static void op_fork(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	struct task_struct *child;
	struct mm_struct *mm = dup_mm(w->thread[k]->mm);
	int p = (int)(rnd(w) % NPRIV), s = (int)(rnd(w) % NSHARED), i;

	if (!mm) {
		fail(w, "dup_mm failed");
		return;
	}
	child = task_fork(w->thread[k], "child", mm);
	if (!child) {
		mmput(mm);
		fail(w, "task_fork failed");
		return;
	}
	context_switch(child);
	for (i = 0; i < NPRIV; i++)
		if (!(v->st_priv[i] & ST_MAYBE_ZERO))
			check_page(w, k, 0, i, "child");
	if (!(v->st_priv[p] & ST_RO) && mmk_write(U, page_addr(v, 0, p), 8, 0xc41d))
		fail(w, "child's write faulted");
	if (!(v->st_shared[s] & ST_RO)) {
		u64 val = encode(k, w->cpu, 1, s, ++v->seq);

		if (mmk_write(U, page_addr(v, 1, s), 8, val))
			fail(w, "child's shared write faulted");
		v->val_shared[s] = val;
	}
	task_exit(child);
	context_switch(w->thread[k]);
	check_page(w, k, 0, p, "parent after the child's write");
	check_page(w, k, 1, s, "parent after the child's shared write");
}

static void op_thread(struct worker *w, int k)
{
	struct window *v = &w->win[k];
	struct task_struct *t = task_create_thread(leader[k], "extra");
	int p = (int)(rnd(w) % NPRIV);
	u64 val = encode(k, w->cpu, 0, p, ++v->seq);

	if (!t) {
		fail(w, "task_create_thread failed");
		return;
	}
	context_switch(t);
	if (!(v->st_priv[p] & ST_RO)) {
		if (mmk_write(U, page_addr(v, 0, p), 8, val))
			fail(w, "extra thread's write faulted");
		v->val_priv[p] = val;
		v->st_priv[p] &= (u8)~ST_MAYBE_ZERO;
	}
	context_switch(w->thread[k]);
	task_exit(t);
	check_page(w, k, 0, p, "after the extra thread");
}

/* ---- workers ---- */

static void (*const ops[])(struct worker *, int) = {
	op_write, op_read, op_racy_read, op_remap, op_mprotect, op_madvise, op_fork, op_thread,
};
/* weights out of 100, in the order of ops[] */
static const int weights[] = { 38, 24, 12, 6, 8, 6, 3, 3 };

static int pick(struct worker *w)
{
	int r = (int)(rnd(w) % 100), i;

	for (i = 0; r >= weights[i]; i++)
		r -= weights[i];
	return i;
}

static void final_check(struct worker *w)
{
	int k, i;

	for (k = 0; k < nr_procs; k++) {
		context_switch(w->thread[k]);
		for (i = 0; i < NPRIV; i++)
			check_page(w, k, 0, i, "final");
		for (i = 0; i < NSHARED; i++)
			check_page(w, k, 1, i, "final");
	}
}

static void worker_run(void *info)
{
	struct worker *w = info;

	while ((opt_seconds > 0 || w->steps < w->ops) && !time_up() && w->errors < 10) {
		int k = (int)(rnd(w) % (u64)nr_procs), op = pick(w);

		cpu_handle_ipis();
		if (cpu_curr(this_cpu()) != w->thread[k])
			context_switch(w->thread[k]);
		ops[op](w, k);
		w->counts[op]++;
		w->steps++;
	}
	final_check(w);
}

/* ---- setup and the end checks ---- */

static int map_windows(struct worker *w)
{
	int k;

	for (k = 0; k < nr_procs; k++) {
		struct window *v = &w->win[k];

		context_switch(w->thread[k]);
		v->priv = win_addr(k, w->cpu);
		v->shared = v->priv + SHARED_OFF;
		if (sys_mmap(v->priv, NPRIV * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1,
			     0) != v->priv ||
		    sys_mmap(v->shared, NSHARED * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_SHARED | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1,
			     0) != v->shared)
			return -ENOMEM;
	}
	return 0;
}

static void setup_worker(void *info)
{
	struct worker *w = info;

	if (map_windows(w))
		fail(w, "cannot map the windows");
}

/* Free pages with every slab cache's CPU slabs flushed and empty slabs freed,
 * and every CPU's page lists drained (as tests/unit/test_fault.c does). */
static unsigned long quiesced_free_pages(void)
{
	struct kmem_cache *s, *caches[256];
	int n = 0;

	slab_mutex_lock();
	for (s = slab_cache_first(); s && n < (int)ARRAY_SIZE(caches); s = slab_cache_next(s))
		caches[n++] = s;
	slab_mutex_unlock();
	while (n--)
		kmem_cache_shrink(caches[n]);
	lru_add_drain_all(); /* the CPUs' LRU batches hold references */
	drain_all_pages();
	return global_zone_page_state_snapshot(NR_FREE_PAGES);
}

struct slab_counts {
	int n;
	char name[256][32];
	unsigned long objs[256];
};

static void slab_counts(struct slab_counts *c)
{
	struct kmem_cache *s;
	struct slabinfo si;

	c->n = 0;
	slab_mutex_lock();
	for (s = slab_cache_first(); s && c->n < 256; s = slab_cache_next(s), c->n++) {
		get_slabinfo(s, &si);
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s", s->name);
		c->objs[c->n] = si.active_objs;
	}
	slab_mutex_unlock();
}

static int compare_slabs(const struct slab_counts *a, const struct slab_counts *b)
{
	int i, j, bad = 0;

	for (i = 0; i < b->n; i++) {
		unsigned long before = 0;

		for (j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				before = a->objs[j];
		if (b->objs[i] != before) {
			fprintf(stderr, "stress: slab %s: %lu objects in use, %lu before\n",
				b->name[i], b->objs[i], before);
			bad++;
		}
	}
	return bad;
}

static void warm_up_zero_page(void)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t = mm ? task_create("warm", mm) : NULL;
	unsigned long m;
	u64 v;

	if (!t)
		return;
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(t);
	m = sys_mmap(0, PAGE_SIZE, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	if (!IS_ERR_VALUE(m))
		mmk_read(U, m, 8, &v);
	task_exit(t);
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quiet")) {
			quiet = true;
			continue;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--cpus"))
			nr_cpus = atoi(v);
		else if (!strcmp(a, "--procs"))
			nr_procs = atoi(v);
		else if (!strcmp(a, "--seed"))
			opt_seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--ops"))
			opt_ops = atol(v);
		else if (!strcmp(a, "--seconds"))
			opt_seconds = atof(v);
		else
			return -1;
		i++;
	}
	return nr_cpus >= 1 && nr_cpus <= MAX_CPUS && nr_procs >= 1 && nr_procs <= MAX_PROCS ? 0 :
											       -1;
}

static int create_tasks(void)
{
	int k, c;

	for (k = 0; k < nr_procs; k++) {
		struct mm_struct *mm = mm_alloc();

		leader[k] = mm ? task_create("P", mm) : NULL;
		if (!leader[k])
			return -ENOMEM;
		arch_pick_mmap_layout(mm, 8UL << 20);
		for (c = 0; c < nr_cpus; c++) {
			workers[c].thread[k] = c ? task_create_thread(leader[k], "T") : leader[k];
			if (!workers[c].thread[k])
				return -ENOMEM;
		}
	}
	return 0;
}

static void exit_tasks(void)
{
	int k, c;

	for (k = 0; k < nr_procs; k++)
		for (c = nr_cpus - 1; c >= 0; c--)
			task_exit(workers[c].thread[k]);
}

static void report(double secs)
{
	long total[10] = { 0 }, steps = 0;
	int c, i;

	for (c = 0; c < nr_cpus; c++) {
		steps += workers[c].steps;
		for (i = 0; i < 8; i++)
			total[i] += workers[c].counts[i];
	}
	printf("stress: %d CPUs, %d processes, seed %llu: %ld steps in %.1f s (", nr_cpus, nr_procs,
	       (unsigned long long)opt_seed, steps, secs);
	for (i = 0; i < 8; i++)
		printf("%s%s %ld", i ? ", " : "", op_names[i], total[i]);
	printf(")\n");
}

int main(int argc, char **argv)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	struct slab_counts *before = calloc(1, sizeof(*before)), *after = calloc(1, sizeof(*after));
	struct timespec t0, t1;
	unsigned long free_before, free_after;
	const char *why;
	int c, errors;

	if (!before || !after || parse_args(argc, argv)) {
		fprintf(stderr, "usage: stress [--cpus 1-8] [--procs 1-8] [--seed S] "
				"[--ops N | --seconds T] [--quiet]\n");
		return 2;
	}
	cfg.cpus = nr_cpus;
	cfg.ram_bytes = 128ULL << 20;
	cfg.seed = opt_seed;
	if (machine_boot(&cfg, &why)) {
		fprintf(stderr, "stress: cannot boot: %s\n", why ? why : "?");
		return 2;
	}
	warm_up_zero_page();
	free_before = quiesced_free_pages();
	slab_counts(before);
	if (create_tasks()) {
		fprintf(stderr, "stress: cannot create the tasks\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t_end = t0;
	t_end.tv_sec += (time_t)opt_seconds;
	t_end.tv_nsec += (long)((opt_seconds - (double)(time_t)opt_seconds) * 1e9);
	if (t_end.tv_nsec >= 1000000000L) {
		t_end.tv_sec++;
		t_end.tv_nsec -= 1000000000L;
	}
	for (c = 0; c < nr_cpus; c++) {
		workers[c].cpu = c;
		workers[c].ops = opt_ops;
		workers[c].rng =
			(opt_seed + 1) * 0x9E3779B97F4A7C15ULL + (u64)c * 0xBF58476D1CE4E5B9ULL;
		cpu_call(c, setup_worker, &workers[c]);
	}
	for (c = 1; c < nr_cpus; c++)
		cpu_call_async(c, worker_run, &workers[c]);
	worker_run(&workers[0]);
	for (c = 1; c < nr_cpus; c++)
		cpu_call_wait(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!quiet || atomic_load(&total_errors))
		report((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (verify_all(stderr))
		atomic_fetch_add(&total_errors, 1);
	exit_tasks();
	if (verify_all(stderr))
		atomic_fetch_add(&total_errors, 1);
	free_after = quiesced_free_pages();
	slab_counts(after);
	if (free_after != free_before) {
		fprintf(stderr, "stress: %lu free pages after every task exited, %lu before\n",
			free_after, free_before);
		atomic_fetch_add(&total_errors, 1);
	}
	atomic_fetch_add(&total_errors, compare_slabs(before, after));
	errors = atomic_load(&total_errors);
	machine_shutdown();
	free(before);
	free(after);
	printf("stress: %s\n", errors ? "FAILED" : "ok");
	return errors ? 1 : 0;
}
