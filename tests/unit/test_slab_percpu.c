/* test_slab_percpu.c - SLUB's per-CPU layers: per-CPU partial slabs
 * (limits derived as Linux derives them, the overflow that unfreezes a
 * CPU's list to the node, refills from the node) and 6.18's sheaves (the
 * refill and flush paths, the barn's exchange and its limit, a remote free
 * into a sheaf, debug caches without sheaves, destroy, fault injection at
 * every allocation inside them, and a 4-CPU stress for TSan).  Every step
 * is checked with verify, which knows where each slab and sheaf object may
 * be (mm/slab_verify.c, mm/slab_sheaf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sched.h>
#include <cmocka.h>
#include "test_main.h"
#include "slab_helpers.h"

static struct page *slab_of(void *p) { return slab_head(virt_to_page(p)); }

static struct kmem_cache *sheaf_cache(const char *name, unsigned int size, unsigned int capacity)
{
	struct kmem_cache_args args = { .sheaf_capacity = capacity };
	struct kmem_cache *s = kmem_cache_create_args(name, size, &args, 0, NULL);

	assert_non_null(s);
	return s;
}

static struct slub_percpu_sheaves *pcs_of(struct kmem_cache *s, int cpu)
{
	return &s->cpu_sheaves[cpu];
}

/* ---- per-CPU partial slabs ---- */

/* Linux set_cpu_partial(): 120/52/24/6 objects by size, and the limit in
 * slabs assuming them half full.  The cpu_partial values are those of the
 * 2-CPU 6.18 host's /sys/kernel/slab/NAME/cpu_partial, and
 * /sys/kernel/slab/vm_area_struct/sheaf_capacity reads 32 there. */
static void test_cpu_partial_limits(void **state)
{
	static const struct {
		unsigned int size, cpu_partial, objects, slabs;
	} t[] = {
		{ 16, 120, 256, 1 }, { 64, 120, 64, 4 }, { 256, 52, 16, 7 },
		{ 1024, 24, 16, 3 }, { 4096, 6, 8, 2 },	 { 8192, 6, 4, 3 },
	};
	struct kmem_cache *s;
	unsigned int i;

	boot(2);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		s = kmalloc_slab(t[i].size, GFP_KERNEL);
		assert_int_equal(s->cpu_partial, t[i].cpu_partial);
		assert_int_equal(s->oo_objects, t[i].objects);
		assert_int_equal(s->cpu_partial_slabs, t[i].slabs);
		assert_int_equal(s->sheaf_capacity, 0);
	}
	s = kmem_cache_find("vm_area_struct");
	assert_int_equal(s->cpu_partial, 120);
	assert_int_equal(s->sheaf_capacity, 32);
	assert_non_null(s->cpu_sheaves);
	assert_int_equal(kmem_cache_find("vma_tree_node")->sheaf_capacity, 32);
	/* debug caches: no CPU partial lists */
	s = kmem_cache_create("dbg", 64, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	assert_int_equal(s->cpu_partial, 0);
	assert_int_equal(s->cpu_partial_slabs, 0);
	assert_int_equal(kmem_cache_destroy(s), 0);
	machine_shutdown();
}

/* The CPU's partial list fills with the slabs it frees into (first free
 * into a full slab, no list_lock), and when it holds cpu_partial_slabs the
 * next such free moves the whole list to the node (unfreezing) and starts
 * a new one.  Allocation then takes this CPU's list first (newest first),
 * then the node's list, taking up to half the limit more along. */
static void test_cpu_partial_overflow(void **state)
{
	struct kmem_cache *s;
	void *objs[7][64];
	void *p;
	int i, j, limit;

	boot(1);
	s = kmem_cache_create("overflow", 64, 0, 0, NULL);
	limit = (int)s->cpu_partial_slabs;
	assert_int_equal(limit, 4);
	for (i = 0; i < 7; i++) /* slabs 0-5 full, 6 is the CPU slab */
		for (j = 0; j < 64; j++)
			objs[i][j] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 7; i++)
		for (j = 1; j < 64; j++)
			assert_ptr_equal(slab_of(objs[i][j]), slab_of(objs[i][0]));
	for (i = 0; i < limit; i++) {
		kmem_cache_free(s, objs[i][0]);
		assert_int_equal(cpu_partial_len(s, 0), i + 1);
		assert_int_equal(s->cpu_slab[0].partial->slabs, i + 1);
		assert_ptr_equal(s->cpu_slab[0].partial, slab_of(objs[i][1]));
		assert_int_equal(get_node(s)->nr_partial, 0);
	}
	assert_verify_ok();
	kmem_cache_free(s, objs[limit][0]); /* overflow: slabs 0-3 to the node */
	assert_int_equal(get_node(s)->nr_partial, limit);
	assert_int_equal(cpu_partial_len(s, 0), 1);
	assert_ptr_equal(s->cpu_slab[0].partial, slab_of(objs[limit][1]));
	for (i = 0; i < limit; i++)
		assert_true(slab_test_node_partial(slab_of(objs[i][1])));
	assert_verify_ok();
	/* the CPU slab (6) is full: allocation takes slab 4 from the CPU's list */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(p, objs[limit][0]);
	assert_ptr_equal(s->cpu_slab[0].slab, slab_of(p));
	assert_int_equal(cpu_partial_len(s, 0), 0);
	/* then the node's first slab, and limit / 2 + 1 more onto the CPU list:
	 * the CPU list went to the node newest first, each at the tail, so
	 * the node's list is slabs 3, 2, 1, 0 */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(p, objs[limit - 1][0]);
	assert_int_equal(cpu_partial_len(s, 0), limit - 1);
	assert_int_equal(get_node(s)->nr_partial, 0);
	assert_verify_ok();
	kmem_cache_free(s, p);
	kmem_cache_free(s, objs[limit][0]);
	for (i = 0; i < 7; i++)
		for (j = 1; j < 64; j++)
			kmem_cache_free(s, objs[i][j]);
	for (i = limit + 1; i < 7; i++)
		kmem_cache_free(s, objs[i][0]);
	assert_verify_ok();
	kmem_cache_shrink(s);
	assert_int_equal(atomic_load(&get_node(s)->nr_slabs), 0);
	assert_int_equal(kmem_cache_destroy(s), 0);
	machine_shutdown();
}

/* ---- sheaves ---- */

/* Capacity 8, one CPU.  The CPU starts without a main sheaf (sheaf_none):
 * the first allocation fills a new sheaf from the slabs (8 objects) and
 * makes it main.  The ninth finds main empty, no spare, nothing in the
 * barn: it fills another new sheaf and parks the empty main in the barn.
 * Frees fill main, then swap it for the barn's empty one (main becomes the
 * spare), and once both are full they go to the barn as full sheaves, up to
 * MAX_FULL_SHEAVES; beyond that a full spare is flushed to the slabs. */
static void test_sheaf_refill_and_flush(void **state)
{
	enum { CAP = 8, N = CAP * (MAX_FULL_SHEAVES + 4) };
	static void *objs[N];
	struct slub_percpu_sheaves *pcs;
	struct baseline b;
	struct kmem_cache *s;
	struct node_barn *barn;
	int i;

	boot(1);
	baseline_take(&b);
	s = sheaf_cache("sheaf", 64, CAP);
	pcs = pcs_of(s, 0);
	barn = get_node(s)->barn;
	assert_non_null(barn);
	assert_ptr_equal(pcs->main, &sheaf_none);
	assert_null(pcs->spare);
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(pcs->main->size, CAP - 1);
	assert_int_equal(barn->nr_empty, 0);
	assert_int_equal(barn->nr_full, 0);
	/* the slab handed out CAP objects, in its freelist order, LIFO from the sheaf */
	assert_ptr_equal(pcs->main->objects[0], (u8 *)slab_address(slab_of(objs[0])) + 0);
	assert_verify_ok();
	for (i = 1; i < N; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(pcs->main->size, (CAP - N % CAP) % CAP);
	assert_int_equal(barn->nr_empty, 1);
	assert_verify_ok();
	/* frees: main fills, then trades places with the barn's empty sheaf */
	for (i = N - 1; i >= 0 && pcs->main->size < CAP; i--)
		kmem_cache_free(s, objs[i]);
	assert_null(pcs->spare);
	kmem_cache_free(s, objs[i--]);
	assert_int_equal(pcs->spare->size, CAP);
	assert_int_equal(pcs->main->size, 1);
	assert_int_equal(barn->nr_empty, 0);
	assert_verify_ok();
	/* then full sheaves go to the barn (new empty ones are allocated) */
	while (i >= 0 && barn->nr_full < MAX_FULL_SHEAVES)
		kmem_cache_free(s, objs[i--]);
	assert_int_equal(barn->nr_full, MAX_FULL_SHEAVES);
	assert_verify_ok();
	/* the barn is at its limit: the next overflow flushes the spare */
	while (i >= 0 && pcs->main->size < CAP)
		kmem_cache_free(s, objs[i--]);
	assert_true(i >= 0);
	kmem_cache_free(s, objs[i--]);
	assert_int_equal(barn->nr_full, MAX_FULL_SHEAVES);
	assert_int_equal(pcs->spare->size, CAP); /* the old main */
	assert_int_equal(pcs->main->size, 1);	 /* the flushed spare, reused */
	assert_verify_ok();
	while (i >= 0)
		kmem_cache_free(s, objs[i--]);
	assert_verify_ok();
	/* shrink: sheaves flushed and freed (main too), every slab freed */
	kmem_cache_shrink(s);
	assert_ptr_equal(pcs->main, &sheaf_none);
	assert_null(pcs->spare);
	assert_int_equal(barn->nr_full + barn->nr_empty, 0);
	assert_int_equal(atomic_load(&get_node(s)->nr_slabs), 0);
	assert_verify_ok();
	assert_int_equal(kmem_cache_destroy(s), 0);
	baseline_check(&b);
	assert_verify_ok();
	machine_shutdown();
}

/* A free on another CPU goes into that CPU's sheaf, whatever CPU allocated
 * the object: no slab lock, the slab's counters untouched.  That CPU reuses
 * the object first; full sheaves reach the other CPU through the barn. */
static void test_sheaf_remote_free(void **state)
{
	enum { CAP = 8 };
	void *objs[4 * CAP], *back[4 * CAP], *mine[2 * CAP], *p;
	struct kmem_cache *s;
	struct xfer x;
	unsigned int inuse;
	int i, n = 0;

	boot(2);
	s = sheaf_cache("remote-sheaf", 128, CAP);
	for (i = 0; i < 3; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL); /* CPU 0 */
	inuse = slab_of(objs[0])->inuse;
	x = (struct xfer){ s, objs, 3 };
	cpu_call(1, free_them, &x);
	assert_int_equal(pcs_of(s, 1)->main->size, 3);
	for (i = 0; i < 3; i++)
		assert_ptr_equal(pcs_of(s, 1)->main->objects[i], objs[i]);
	assert_int_equal(slab_of(objs[0])->inuse, inuse);
	assert_int_equal(pcs_of(s, 0)->main->size, CAP - 3);
	assert_verify_ok();
	x = (struct xfer){ s, back, 3 };
	cpu_call(1, alloc_them, &x); /* LIFO from CPU 1's sheaf */
	for (i = 0; i < 3; i++)
		assert_ptr_equal(back[i], objs[2 - i]);
	assert_int_equal(pcs_of(s, 1)->main->size, 0);
	/* CPU 0 allocates 4 sheaves' worth, CPU 1 frees them: its main and
	 * spare fill, then full sheaves go to the barn */
	x = (struct xfer){ s, back, 3 };
	cpu_call(1, free_them, &x);
	for (i = 0; i < 4 * CAP; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	x = (struct xfer){ s, objs, 4 * CAP };
	cpu_call(1, free_them, &x);
	assert_true(get_node(s)->barn->nr_full >= 1);
	assert_verify_ok();
	/* CPU 0 empties its sheaves, then gets a full one from the barn:
	 * objects that CPU 1 freed */
	while (pcs_of(s, 0)->main->size || (pcs_of(s, 0)->spare && pcs_of(s, 0)->spare->size))
		mine[n++] = kmem_cache_alloc(s, GFP_KERNEL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 4 * CAP && objs[i] != p; i++)
		;
	assert_true(i < 4 * CAP);
	assert_verify_ok();
	kmem_cache_free(s, p);
	while (n)
		kmem_cache_free(s, mine[--n]);
	kmem_cache_shrink(s);
	assert_int_equal(atomic_load(&get_node(s)->nr_slabs), 0);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_verify_ok();
	machine_shutdown();
}

/* Sheaves come and go with slab_debug: a debug cache has none (Linux
 * ignores sheaf_capacity then), and taking the flags off brings them back.
 * A double free into a sheaf is caught by the naive check, and the object
 * is not handed out twice. */
static void test_sheaf_debug_and_double_free(void **state)
{
	struct kmem_cache_args args = { .sheaf_capacity = 16 };
	struct kmem_cache *s;
	void *p, *q, *r;
	char *log;
	int err;

	boot(1);
	s = kmem_cache_create_args("dbg-sheaf", 96, &args, DEBUG_DEFAULT_FLAGS, &err);
	assert_non_null(s);
	assert_null(s->cpu_sheaves);
	assert_null(get_node(s)->barn);
	assert_int_equal(s->sheaf_capacity, 0);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	assert_verify_ok();
	assert_int_equal(kmem_cache_set_debug(s, 0), 0);
	assert_non_null(s->cpu_sheaves);
	assert_int_equal(s->sheaf_capacity, 16);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	dmesg_clear();
	kmem_cache_free(s, p); /* double free */
	log = dmesg_copy();
	assert_non_null(strstr(log, "naive detection of double free or corruption"));
	free(log);
	r = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(r, p);
	assert_ptr_not_equal(kmem_cache_alloc(s, GFP_KERNEL), p); /* not twice */
	assert_verify_ok();
	/* a pointer of another cache is refused before it reaches the sheaf */
	dmesg_clear();
	p = kmalloc(96, GFP_KERNEL);
	kmem_cache_free(s, p);
	log = dmesg_copy();
	assert_non_null(strstr(log, "cache_from_obj: Wrong slab cache"));
	free(log);
	assert_verify_ok();
	assert_int_equal(kmem_cache_set_debug(s, SLAB_RED_ZONE), -EBUSY);
	machine_shutdown();
	(void)q;
}

/* kmem_cache_destroy with a whole slab's objects in the barn: freeing the
 * barn hits that full slab first, which then joins the destroying CPU's
 * partial list; destroy must flush it again (it answered -EBUSY).
 * Capacity 8, 64 objects per slab: slabs A and B full, C the CPU slab.
 * Eight of C fill main and eight the spare; A's 64 and eight of B follow,
 * so the barn ends with C's first sheaf and all of A. */
static void test_sheaf_destroy_with_full_barn(void **state)
{
	enum { CAP = 8 };
	static void *objs[3][64];
	struct kmem_cache *s;
	struct node_barn *barn;
	int i, j;

	boot(1);
	s = sheaf_cache("barn-destroy", 64, CAP);
	barn = get_node(s)->barn;
	for (i = 0; i < 3; i++)
		for (j = 0; j < 64; j++)
			objs[i][j] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(slab_of(objs[0][63]), slab_of(objs[0][0]));
	assert_ptr_not_equal(slab_of(objs[1][0]), slab_of(objs[0][0]));
	for (j = 0; j < 2 * CAP; j++)
		kmem_cache_free(s, objs[2][j]);
	for (j = 0; j < 64; j++)
		kmem_cache_free(s, objs[0][j]);
	for (j = 0; j < CAP; j++)
		kmem_cache_free(s, objs[1][j]);
	assert_int_equal(barn->nr_full, 9);
	assert_int_equal(slab_of(objs[0][0])->inuse, 64); /* A: all in sheaves */
	assert_verify_ok();
	for (j = CAP; j < 64; j++)
		kmem_cache_free(s, objs[1][j]);
	for (j = 2 * CAP; j < 64; j++)
		kmem_cache_free(s, objs[2][j]);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_verify_ok();
	machine_shutdown();
}

/* verify is no test that cannot fail: plant what the per-CPU layers must
 * never hold and see it reported, then undo it. */
static bool verify_reports(const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	verify_all(f);
	fclose(f);
	found = strstr(buf, what) != NULL;
	if (!found)
		fprintf(stderr, "verify did not say \"%s\":\n%s", what, buf);
	free(buf);
	return found;
}

static void test_verify_catches_planted_bugs(void **state)
{
	struct kmem_cache *s = NULL;
	struct slab_sheaf *main;
	struct page *slab;
	void *objs[70], *other;
	int i;

	boot(1);
	s = sheaf_cache("planted", 64, 8);
	for (i = 0; i < 70; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, objs[0]);
	assert_verify_ok();
	main = pcs_of(s, 0)->main;
	/* an object that is free in its slab, also in a sheaf */
	other = main->objects[main->size - 1];
	main->objects[main->size - 1] = s->cpu_slab[0].freelist;
	assert_true(verify_reports("which is also free in its slab"));
	/* a pointer that is no object of the cache */
	main->objects[main->size - 1] = (u8 *)objs[1] + 8;
	assert_true(verify_reports("not an object of this cache"));
	/* the same object in two slots */
	main->objects[main->size - 1] = main->objects[0];
	assert_true(main->size >= 2);
	assert_true(verify_reports("is in two sheaf slots"));
	main->objects[main->size - 1] = other;
	assert_verify_ok();
	for (i = 1; i < 70; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	assert_int_equal(kmem_cache_destroy(s), 0);
	/* a CPU partial slab marked as on the node list, or miscounted */
	s = kmem_cache_create("planted-partial", 64, 0, 0, NULL);
	for (i = 0; i < 70; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, objs[0]);
	slab = s->cpu_slab[0].partial;
	assert_non_null(slab);
	atomic_fetch_or(&slab->flags, 1UL << SL_partial);
	assert_true(verify_reports("is marked SL_partial"));
	atomic_fetch_and(&slab->flags, ~(1UL << SL_partial));
	slab->slabs = 2;
	assert_true(verify_reports("says 2 slabs from it, the list has 1"));
	slab->slabs = 1;
	assert_verify_ok();
	for (i = 1; i < 70; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	assert_int_equal(kmem_cache_destroy(s), 0);
	machine_shutdown();
}

/* ---- fault injection ---- */

/* A workload on a sheaf cache: every refill, flush, barn exchange and new
 * sheaf, on two CPUs.  Returns the objects it got. */
static void *fi_objs[400];
static struct kmem_cache *fi_cache;

static void fi_free_half(void *info)
{
	int i;

	for (i = 0; i < 400; i += 2)
		if (fi_objs[i])
			kmem_cache_free(fi_cache, fi_objs[i]);
}

static int faulty_workload(void)
{
	struct kmem_cache_args args = { .sheaf_capacity = 4 };
	int i, got = 0;

	memset(fi_objs, 0, sizeof(fi_objs));
	fi_cache = kmem_cache_create_args("faulty-sheaf", 300, &args, 0, NULL);
	if (!fi_cache)
		return 0;
	for (i = 0; i < 400; i++)
		got += (fi_objs[i] = kmem_cache_alloc(fi_cache, GFP_KERNEL)) != NULL;
	cpu_call(1, fi_free_half, NULL);
	for (i = 1; i < 400; i += 2)
		if (fi_objs[i])
			kmem_cache_free(fi_cache, fi_objs[i]);
	for (i = 0; i < 100; i++)
		got += (fi_objs[i] = kmem_cache_alloc(fi_cache, GFP_NOWAIT)) != NULL;
	for (i = 0; i < 100; i++)
		if (fi_objs[i])
			kmem_cache_free(fi_cache, fi_objs[i]);
	assert_int_equal(kmem_cache_destroy(fi_cache), 0);
	return got;
}

static void test_sheaf_fault_injection(void **state)
{
	boot(2);
	fault_sweep(faulty_workload);
	machine_shutdown();
}

/* ---- 4 CPUs ---- */

#define RING 512
struct ring {
	_Atomic unsigned long head, tail;
	void *slot[RING];
	struct kmem_cache *s;
	long n;
	long shrink_every; /* consumer: kmem_cache_shrink every this many (0: never) */
};

static void produce(void *info)
{
	struct ring *r = info;
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long h = atomic_load_explicit(&r->head, memory_order_relaxed);
		u8 *p;

		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING)
			cpu_handle_ipis(), sched_yield();
		p = kmem_cache_alloc(r->s, GFP_KERNEL);
		assert_non_null(p);
		memset(p, (int)(i & 0xff), r->s->object_size);
		r->slot[h % RING] = p;
		atomic_store_explicit(&r->head, h + 1, memory_order_release);
	}
}

static void consume(void *info)
{
	struct ring *r = info;
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long t = atomic_load_explicit(&r->tail, memory_order_relaxed);
		u8 *p;

		while (atomic_load_explicit(&r->head, memory_order_acquire) == t)
			cpu_handle_ipis(), sched_yield();
		p = r->slot[t % RING];
		assert_int_equal(p[0], i & 0xff);
		assert_int_equal(p[r->s->object_size - 1], i & 0xff);
		kmem_cache_free(r->s, p);
		atomic_store_explicit(&r->tail, t + 1, memory_order_release);
		if (r->shrink_every && i % r->shrink_every == r->shrink_every - 1)
			kmem_cache_shrink(r->s);
	}
}

/* Objects allocated on one CPU are freed on another, so sheaves fill on
 * the consumers and empty on the producers and travel through the barn;
 * a fifth party shrinks the cache (flush IPIs) while it runs. */
static void test_sheaf_multicpu_stress(void **state)
{
	static struct ring r1, r2;
	struct baseline b;
	struct kmem_cache *s;

	boot(4);
	baseline_take(&b);
	s = sheaf_cache("stress-sheaf", 200, 32);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	r1.s = r2.s = s;
	r1.n = r2.n = 60000;
	r2.shrink_every = 20000;
	cpu_call_async(1, produce, &r1); /* 1 -> 2 */
	cpu_call_async(2, consume, &r1);
	cpu_call_async(3, produce, &r2); /* 3 -> 0, which shrinks now and then */
	consume(&r2);
	cpu_call_wait(1);
	cpu_call_wait(2);
	cpu_call_wait(3);
	assert_verify_ok();
	assert_int_equal(kmem_cache_destroy(s), 0);
	baseline_check(&b);
	assert_verify_ok();
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_cpu_partial_limits, down),
	cmocka_unit_test_teardown(test_cpu_partial_overflow, down),
	cmocka_unit_test_teardown(test_sheaf_refill_and_flush, down),
	cmocka_unit_test_teardown(test_sheaf_remote_free, down),
	cmocka_unit_test_teardown(test_sheaf_debug_and_double_free, down),
	cmocka_unit_test_teardown(test_sheaf_destroy_with_full_barn, down),
	cmocka_unit_test_teardown(test_verify_catches_planted_bugs, down),
	cmocka_unit_test_teardown(test_sheaf_fault_injection, down),
	cmocka_unit_test_teardown(test_sheaf_multicpu_stress, down),
};

MMK_TEST_MAIN(tests, NULL, NULL);
