/*
 * bench_slab.c - mmkit's slab allocator side by side with glibc malloc,
 * jemalloc and mimalloc, in one process.
 *
 * Allocators: mmkit kmem_cache_alloc/kmem_cache_free (a cache of the size),
 * the same on a cache with per-CPU sheaves of 32 objects (as 6.18 gives
 * vm_area_struct and maple_node: kmem_cache_args.sheaf_capacity), mmkit
 * kmalloc/kfree, glibc (__libc_malloc/__libc_free: glibc's own entry
 * points, since jemalloc's malloc interposes in this binary), jemalloc
 * (mallocx/dallocx, its non-standard API) and mimalloc (mi_malloc/mi_free).
 * The floor of each row is the fastest of glibc, jemalloc and mimalloc;
 * every mmkit column is printed as a ratio to it.
 * Patterns, for sizes 16, 64, 256, 1024, 4096:
 *   pair      alloc then free, repeated (the fast paths)
 *   batch     N allocs, then the N frees (N = 1M, capped at 256 MiB of objects)
 *   prodcons  one thread allocates, another frees (a ring between two CPUs)
 *   scale     each of 2 CPUs runs pairs; throughput relative to one CPU
 * Each figure is the best of REPEAT runs after one warm-up run (this VM's
 * first touch of fresh memory costs microseconds per page, for every
 * allocator alike), in ns per operation (pair: per
 * alloc+free; batch: per alloc+free; prodcons: per object).  pair and batch
 * are timed in thread CPU time, so other load on the host does not count;
 * prodcons in wall time.  scale2 is reported twice: from wall time (2N ops
 * in the time of the 2-CPU run over N ops in the time of a 1-CPU run) and
 * from CPU time (2 x the 1-CPU cost per op over the slower thread's cost per
 * op when both run at once: what contention costs, whatever else the host
 * is running).
 *
 * mmkit runs on simulated CPUs (host threads); the other allocators on plain
 * host threads.  Usage: bench_slab [quick] [-r RUNS] [PATTERN] [SIZE]:
 * RUNS timed runs per figure (default 3), PATTERN one of pair, batch,
 * prodcons, scale2 (default: all), SIZE one of the sizes.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <jemalloc/jemalloc.h>
#include <mimalloc.h>
#include "mmkit/machine.h"
#include "mmkit/slab.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);

enum alloc_kind { A_CACHE, A_SHEAF, A_KMALLOC, A_GLIBC, A_JEMALLOC, A_MIMALLOC, NR_ALLOC };
static const char *const alloc_names[NR_ALLOC] = {
	"mmkit-cache", "mmkit-sheaf", "mmkit-kmalloc", "glibc", "jemalloc", "mimalloc",
};

static long pair_iters = 5000000, batch_max = 1000000, prodcons_n = 500000;
static int repeat = 3;
static struct kmem_cache *bench_cache, *sheaf_cache;

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static double now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
static double cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

/* One loop per allocator, so every call is a direct call. */
#define PAIR_LOOP(ALLOC, FREE)                 \
	for (i = 0; i < n; i++) {              \
		p = ALLOC;                     \
		*(volatile char *)p = (char)i; \
		FREE;                          \
	}

static double run_pair(enum alloc_kind k, size_t size, long n)
{
	double t0 = cpu_ns();
	long i;
	void *p;

	switch (k) {
	case A_CACHE:
		PAIR_LOOP(kmem_cache_alloc(bench_cache, GFP_KERNEL),
			  kmem_cache_free(bench_cache, p));
		break;
	case A_SHEAF:
		PAIR_LOOP(kmem_cache_alloc(sheaf_cache, GFP_KERNEL),
			  kmem_cache_free(sheaf_cache, p));
		break;
	case A_KMALLOC:
		PAIR_LOOP(kmalloc(size, GFP_KERNEL), kfree(p));
		break;
	case A_GLIBC:
		PAIR_LOOP(__libc_malloc(size), __libc_free(p));
		break;
	case A_JEMALLOC:
		PAIR_LOOP(mallocx(size, 0), dallocx(p, 0));
		break;
	case A_MIMALLOC:
		PAIR_LOOP(mi_malloc(size), mi_free(p));
		break;
	default:
		break;
	}
	return (cpu_ns() - t0) / (double)n;
}

#define BATCH_LOOP(ALLOC, FREE)                           \
	do {                                              \
		for (i = 0; i < n; i++) {                 \
			v[i] = ALLOC;                     \
			*(volatile char *)v[i] = (char)i; \
		}                                         \
		for (i = 0; i < n; i++) {                 \
			void *p = v[i];                   \
			FREE;                             \
		}                                         \
	} while (0)

static double run_batch(enum alloc_kind k, size_t size, long n)
{
	void **v = __libc_malloc(sizeof(void *) * (size_t)n);
	double t0 = cpu_ns();
	long i;

	switch (k) {
	case A_CACHE:
		BATCH_LOOP(kmem_cache_alloc(bench_cache, GFP_KERNEL),
			   kmem_cache_free(bench_cache, p));
		break;
	case A_SHEAF:
		BATCH_LOOP(kmem_cache_alloc(sheaf_cache, GFP_KERNEL),
			   kmem_cache_free(sheaf_cache, p));
		break;
	case A_KMALLOC:
		BATCH_LOOP(kmalloc(size, GFP_KERNEL), kfree(p));
		break;
	case A_GLIBC:
		BATCH_LOOP(__libc_malloc(size), __libc_free(p));
		break;
	case A_JEMALLOC:
		BATCH_LOOP(mallocx(size, 0), dallocx(p, 0));
		break;
	case A_MIMALLOC:
		BATCH_LOOP(mi_malloc(size), mi_free(p));
		break;
	default:
		break;
	}
	t0 = (cpu_ns() - t0) / (double)n;
	__libc_free(v);
	return t0;
}

/* ---- two threads ---- */

#define RING 4096
struct ring {
	_Atomic unsigned long head;
	char pad1[56];
	_Atomic unsigned long tail;
	char pad2[56];
	void *slot[RING];
	enum alloc_kind k;
	size_t size;
	long n;
	double t; /* scale: this thread's loop time */
};

static void *do_alloc(enum alloc_kind k, size_t size)
{
	switch (k) {
	case A_CACHE:
		return kmem_cache_alloc(bench_cache, GFP_KERNEL);
	case A_SHEAF:
		return kmem_cache_alloc(sheaf_cache, GFP_KERNEL);
	case A_KMALLOC:
		return kmalloc(size, GFP_KERNEL);
	case A_GLIBC:
		return __libc_malloc(size);
	case A_JEMALLOC:
		return mallocx(size, 0);
	default:
		return mi_malloc(size);
	}
}

static void do_free(enum alloc_kind k, void *p)
{
	switch (k) {
	case A_CACHE:
		kmem_cache_free(bench_cache, p);
		break;
	case A_SHEAF:
		kmem_cache_free(sheaf_cache, p);
		break;
	case A_KMALLOC:
		kfree(p);
		break;
	case A_GLIBC:
		__libc_free(p);
		break;
	case A_JEMALLOC:
		dallocx(p, 0);
		break;
	default:
		mi_free(p);
		break;
	}
}

static void wait_relax(bool on_cpu)
{
	if (on_cpu)
		cpu_handle_ipis();
	sched_yield();
}

static void producer(void *info)
{
	struct ring *r = info;
	bool on_cpu = this_cpu() != NULL;
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long h = atomic_load_explicit(&r->head, memory_order_relaxed);
		void *p = do_alloc(r->k, r->size);

		*(volatile char *)p = 1;
		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING)
			wait_relax(on_cpu);
		r->slot[h % RING] = p;
		atomic_store_explicit(&r->head, h + 1, memory_order_release);
	}
}

static void consumer(void *info)
{
	struct ring *r = info;
	bool on_cpu = this_cpu() != NULL;
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long t = atomic_load_explicit(&r->tail, memory_order_relaxed);

		while (atomic_load_explicit(&r->head, memory_order_acquire) == t)
			wait_relax(on_cpu);
		do_free(r->k, r->slot[t % RING]);
		atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	}
}

static void *thread_fn(void *info)
{
	consumer(info);
	return NULL;
}

static bool is_mmkit(enum alloc_kind k) { return k <= A_KMALLOC; }

/* Producer on CPU 1 (or a thread), consumer on CPU 0 (the main thread). */
static double run_prodcons(enum alloc_kind k, size_t size, long n)
{
	static struct ring r;
	pthread_t th;
	double t0;

	memset(&r, 0, sizeof(r));
	r.k = k;
	r.size = size;
	r.n = n;
	t0 = now_ns();
	if (is_mmkit(k)) {
		cpu_call_async(1, producer, &r);
		consumer(&r);
		cpu_call_wait(1);
	} else {
		pthread_create(&th, NULL, thread_fn, &r);
		producer(&r);
		pthread_join(th, NULL);
	}
	return (now_ns() - t0) / (double)n;
}

static void scale_fn(void *info)
{
	struct ring *r = info;

	r->t = run_pair(r->k, r->size, r->n);
}

static void *scale_thread(void *info)
{
	scale_fn(info);
	return NULL;
}

/* Throughput of 2 CPUs running pairs, relative to 1 CPU: from wall time,
 * and (in *cpu_scale) from each thread's CPU time per op. */
static double run_scale(enum alloc_kind k, size_t size, long n, double *cpu_scale)
{
	static struct ring r0, r1;
	double one, one_cpu, t0, t2;
	pthread_t th;

	t0 = now_ns();
	one_cpu = run_pair(k, size, n);
	one = (now_ns() - t0) / (double)n;
	r0 = (struct ring){ .k = k, .size = size, .n = n };
	r1 = r0;
	t0 = now_ns();
	if (is_mmkit(k)) {
		cpu_call_async(1, scale_fn, &r1);
		scale_fn(&r0);
		cpu_call_wait(1);
	} else {
		pthread_create(&th, NULL, scale_thread, &r1);
		scale_fn(&r0);
		pthread_join(th, NULL);
	}
	t2 = now_ns() - t0;
	*cpu_scale = 2.0 * one_cpu / max(r0.t, r1.t);
	return (2.0 * (double)n / t2) / (1.0 / one);
}

/* ---- driver ---- */

enum pattern { P_PAIR, P_BATCH, P_PRODCONS, P_SCALE, P_SCALE_CPU, NR_PATTERNS };
static const char *const pattern_names[NR_PATTERNS] = {
	"pair", "batch", "prodcons", "scale2", "scale2cpu",
};
static double last_cpu_scale[NR_ALLOC];

static double measure(enum pattern pt, enum alloc_kind k, size_t size)
{
	long batch = batch_max;
	double best = 0, v, cs, best_cs = 0;
	int r;

	if (pt == P_SCALE_CPU)
		return last_cpu_scale[k];
	if ((long)size * batch > (256L << 20))
		batch = (256L << 20) / (long)size;
	for (r = -1; r < repeat; r++) { /* r = -1: warm-up, not counted */
		if (pt == P_PAIR)
			v = run_pair(k, size, pair_iters);
		else if (pt == P_BATCH)
			v = run_batch(k, size, batch);
		else if (pt == P_PRODCONS)
			v = run_prodcons(k, size, prodcons_n);
		else
			v = run_scale(k, size, pair_iters, &cs);
		if (r < 0)
			continue;
		if (r == 0 || (pt == P_SCALE ? v > best : v < best))
			best = v;
		if (pt == P_SCALE && (r == 0 || cs > best_cs))
			best_cs = cs;
	}
	last_cpu_scale[k] = best_cs;
	return best;
}

static void print_row(size_t size, enum pattern pt, const double *v)
{
	double fastest = v[A_GLIBC];
	int k;

	if (v[A_JEMALLOC] < fastest)
		fastest = v[A_JEMALLOC];
	if (v[A_MIMALLOC] < fastest)
		fastest = v[A_MIMALLOC];
	printf("%5zu %-9s", size, pattern_names[pt]);
	for (k = 0; k < NR_ALLOC; k++)
		printf(pt >= P_SCALE ? " %13.2fx" : " %12.1fns", v[k]);
	if (pt >= P_SCALE) {
		printf("\n");
		return;
	}
	printf("   floor %.1fns: cache %.2f  sheaf %.2f  kmalloc %.2f\n", fastest,
	       v[A_CACHE] / fastest, v[A_SHEAF] / fastest, v[A_KMALLOC] / fastest);
}

static const char *only_pattern;

static bool pattern_wanted(int pt)
{
	if (!only_pattern)
		return true;
	if (pt == P_SCALE_CPU)
		return !strcmp(only_pattern, pattern_names[P_SCALE]);
	return !strcmp(only_pattern, pattern_names[pt]);
}

static void bench_size(size_t size)
{
	struct kmem_cache_args args = { .sheaf_capacity = 32 };
	double v[NR_ALLOC];
	char name[32];
	int pt, k;

	snprintf(name, sizeof(name), "bench-%zu", size);
	bench_cache = kmem_cache_create(name, (unsigned int)size, 0, 0, NULL);
	snprintf(name, sizeof(name), "bench-sheaf-%zu", size);
	sheaf_cache = kmem_cache_create_args(name, (unsigned int)size, &args, 0, NULL);
	for (pt = 0; pt < NR_PATTERNS; pt++) {
		if (!pattern_wanted(pt))
			continue;
		for (k = 0; k < NR_ALLOC; k++)
			v[k] = measure((enum pattern)pt, (enum alloc_kind)k, size);
		print_row(size, (enum pattern)pt, v);
		fflush(stdout);
	}
	kmem_cache_shrink(bench_cache);
	kmem_cache_destroy(bench_cache);
	kmem_cache_shrink(sheaf_cache);
	kmem_cache_destroy(sheaf_cache);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 16, 64, 256, 1024, 4096 };
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	size_t only_size = 0;
	unsigned int i;
	int k, a = 1;

	if (argc > a && !strcmp(argv[a], "quick")) {
		pair_iters = 500000;
		batch_max = 100000;
		prodcons_n = 200000;
		repeat = 1;
		a++;
	}
	if (argc > a + 1 && !strcmp(argv[a], "-r")) {
		repeat = atoi(argv[a + 1]);
		a += 2;
	}
	if (argc > a)
		only_pattern = argv[a++];
	if (argc > a)
		only_size = strtoul(argv[a++], NULL, 0);
	cfg.cpus = 2;
	cfg.ram_bytes = 1ULL << 30;
	if (machine_boot(&cfg, NULL)) {
		fprintf(stderr, "bench_slab: cannot boot the machine\n");
		return 1;
	}
	mmk->log = NULL;
	/* Simulated RAM is RAM: fault the whole memfd in up front, so slab
	 * pages do not pay the host's first-touch page faults. */
	if (madvise(mmk->ram, cfg.ram_bytes, MADV_POPULATE_WRITE))
		perror("bench_slab: madvise(MADV_POPULATE_WRITE)");
	for (size_t off = 0; off < cfg.ram_bytes; off += 4096) { /* and write each page once */
		volatile u8 *b = mmk->ram + off;
		*b = *b;
	}
	printf("bench_slab: best of %d; pair %ld iterations, batch %ld (capped at 256 MiB), "
	       "prodcons %ld objects; ns per alloc+free (scale2: 2-CPU/1-CPU throughput)\n",
	       repeat, pair_iters, batch_max, prodcons_n);
	printf("%5s %-9s", "size", "pattern");
	for (k = 0; k < NR_ALLOC; k++)
		printf(" %14s", alloc_names[k]);
	printf("\n");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (!only_size || sizes[i] == only_size)
			bench_size(sizes[i]);
	machine_shutdown();
	return 0;
}
