/* test_slab.c - the slab allocator: kmalloc size classes and semantics,
 * cache geometry (Linux's orders and layouts), bootstrap, remote frees,
 * a randomized run against a shadow model (contents survive, no overlap,
 * back to baseline; one of its caches has sheaves), fault injection at
 * every page allocation inside slab, and a multi-CPU producer/consumer
 * stress (run under TSan by CI).  The planted slab_debug bugs are in
 * test_slab_debug.c, the per-CPU partial lists and sheaves in
 * test_slab_percpu.c. */
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

/* ---- kmalloc ---- */

static unsigned int expected_class(size_t size)
{
	unsigned int c = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (c < size)
		c <<= 1;
	return c;
}

static void test_kmalloc_size_classes(void **state)
{
	char name[32];
	size_t size;

	boot(1);
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		struct kmem_cache *s = kmalloc_slab(size, GFP_KERNEL);
		unsigned int c = expected_class(size);

		assert_non_null(s);
		assert_int_equal(s->object_size, c);
		if (c >= 1024)
			snprintf(name, sizeof(name), "kmalloc-%uk", c >> 10);
		else
			snprintf(name, sizeof(name), "kmalloc-%u", c);
		assert_string_equal(s->name, name);
	}
	assert_string_equal(kmalloc_slab(100, GFP_KERNEL | __GFP_RECLAIMABLE)->name,
			    "kmalloc-rcl-128");
	assert_string_equal(kmalloc_slab(100, GFP_DMA)->name, "dma-kmalloc-128");
	assert_null(kmalloc_slab(0, GFP_KERNEL));
	assert_null(kmalloc_slab(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL));
	machine_shutdown();
}

static void test_kmalloc_semantics(void **state)
{
	struct baseline b;
	u8 *p, *q, *big;
	size_t i;

	boot(1);
	baseline_take(&b);
	assert_ptr_equal(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	assert_int_equal(ksize(ZERO_SIZE_PTR), 0);
	assert_null(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL)); /* overflow */
	assert_null(kmalloc_array(1UL << 40, 1UL << 40, GFP_KERNEL));
	p = kzalloc(100, GFP_KERNEL);
	assert_non_null(p);
	assert_true(host_in_ram(p));
	assert_int_equal(ksize(p), 128);
	for (i = 0; i < 128; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0x5c, 100);
	q = krealloc(p, 120, GFP_KERNEL); /* fits: in place */
	assert_ptr_equal(q, p);
	q = krealloc(p, 300, GFP_KERNEL); /* moves, keeps contents */
	assert_ptr_not_equal(q, p);
	assert_int_equal(ksize(q), 512);
	for (i = 0; i < 100; i++)
		assert_int_equal(q[i], 0x5c);
	assert_ptr_equal(krealloc(q, 0, GFP_KERNEL), ZERO_SIZE_PTR); /* frees */
	p = krealloc(NULL, 40, GFP_KERNEL);			     /* = kmalloc */
	assert_int_equal(ksize(p), 64);
	kfree(p);
	big = kmalloc(20000, GFP_KERNEL | __GFP_ZERO); /* large: pages */
	assert_non_null(big);
	assert_true(PageLargeKmalloc(virt_to_page(big)));
	assert_null(virt_to_cache(big));
	assert_int_equal(ksize(big), 32768);
	assert_true(slab_unreclaimable_bytes() >= b.unrec + 32768);
	big[19999] = 1;
	big = krealloc(big, 40000, GFP_KERNEL);
	assert_int_equal(big[19999], 1);
	kfree(big);
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	baseline_check(&b);
	assert_verify_ok();
	machine_shutdown();
}

/* meminfo's Slab lines are the node counters, which match the slab pages. */
static unsigned long meminfo_kb(const char *text, const char *label)
{
	const char *p = strstr(text, label);

	assert_non_null(p);
	return strtoul(p + strlen(label), NULL, 10);
}

static void test_meminfo_counters(void **state)
{
	struct kmem_cache *s;
	void *objs[100], *big;
	unsigned long boot_reclaimable;
	char *mi;
	int i;

	boot(1);
	boot_reclaimable = slab_reclaimable_bytes(); /* dentry, inode_cache of the root fs */
	s = kmem_cache_create("reclaimable", 1000, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	for (i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	big = kmalloc(100000, GFP_KERNEL);
	mi = view("/proc/meminfo");
	assert_int_equal(meminfo_kb(mi, "SReclaimable:"), slab_reclaimable_bytes() / 1024);
	assert_int_equal(meminfo_kb(mi, "SUnreclaim:"), slab_unreclaimable_bytes() / 1024);
	assert_int_equal(meminfo_kb(mi, "Slab:"),
			 (slab_reclaimable_bytes() + slab_unreclaimable_bytes()) / 1024);
	/* 100 objects of 1000 bytes at 8 per order-1 slab (cpus=1): 13 slabs */
	assert_int_equal(meminfo_kb(mi, "SReclaimable:"), boot_reclaimable / 1024 + 13 * 8);
	assert_true(meminfo_kb(mi, "SUnreclaim:") >= 128); /* the large kmalloc */
	free(mi);
	assert_verify_ok();
	for (i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	kfree(big);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_int_equal(slab_reclaimable_bytes(), boot_reclaimable);
	machine_shutdown();
}

/* /proc/slabinfo: the host kernel's two header lines, and Linux's row format. */
static void test_slabinfo_format(void **state)
{
	char host[2][512], *ours, *row;
	const char *exp;
	struct kmem_cache *s;
	void *p[3];
	FILE *f;
	int i;

	boot(1);
	s = kmem_cache_create("fmt-test", 100, 0, 0, NULL);
	for (i = 0; i < 3; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	ours = view("/proc/slabinfo");
	f = fopen("/proc/slabinfo", "r"); /* readable by root only */
	if (f && fgets(host[0], sizeof(host[0]), f) && fgets(host[1], sizeof(host[1]), f)) {
		assert_memory_equal(ours, host[0], strlen(host[0]));
		assert_memory_equal(ours + strlen(host[0]), host[1], strlen(host[1]));
	}
	if (f)
		fclose(f);
	/* newest cache first; its CPU slab counts as active, as in Linux */
	row = strchr(strchr(ours, '\n') + 1, '\n') + 1;
	exp = "fmt-test              39     39    104   39    1 : tunables    0    0    0 "
	      ": slabdata      1      1      0\n";
	assert_memory_equal(row, exp, strlen(exp));
	free(ours);
	for (i = 0; i < 3; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_shrink(s);
	ours = view("/proc/slabinfo");
	assert_non_null(strstr(ours, "fmt-test               0      0    104   39    1 :"));
	free(ours);
	assert_int_equal(kmem_cache_destroy(s), 0);
	machine_shutdown();
}

/* ---- geometry ---- */

static void test_cache_geometry(void **state)
{
	struct kmem_cache *s;

	/* With 2 CPUs, slub_min_objects = 4 * (fls(2) + 1) = 12: this is
	 * what the 2-CPU host's /sys/kernel/slab shows. */
	boot(2);
	s = kmalloc_slab(1024, 0);
	assert_int_equal(s->oo_order, 2);
	assert_int_equal(s->oo_objects, 16);
	s = kmalloc_slab(512, 0);
	assert_int_equal(s->oo_order, 1);
	assert_int_equal(s->oo_objects, 16);
	s = kmalloc_slab(8192, 0);
	assert_int_equal(s->oo_order, 3);
	assert_int_equal(s->oo_objects, 4);
	s = kmalloc_slab(96, 0);
	assert_int_equal(s->align, 32);
	assert_int_equal(s->oo_objects, 42);
	assert_int_equal(kmalloc_slab(4096, 0)->min_partial, 6);
	assert_int_equal(kmalloc_slab(64, 0)->min_partial, 5);
	assert_int_equal(
		kmem_cache_find("kmem_cache")->size,
		ALIGN(offsetof(struct kmem_cache, cpu_slab) + 2 * sizeof(struct kmem_cache_cpu),
		      64));
	assert_int_equal(kmem_cache_find("kmem_cache_node")->size, 128);
	/* Non-debug: free pointer mid-object, no metadata. */
	s = kmem_cache_create("geo", 100, 0, 0, NULL);
	assert_int_equal(s->size, 104);
	assert_int_equal(s->offset, 48);
	assert_int_equal(s->oo_objects, 39);
	assert_int_equal(kmem_cache_destroy(s), 0);
	/* slab_debug=FZPU on a kmalloc-64-like cache: left pad 64 (the
	 * alignment), red zone word, free pointer, 2 tracks, orig_size, pad. */
	s = kmem_cache_create("geo-debug", 64, 64, DEBUG_DEFAULT_FLAGS | SLAB_KMALLOC, NULL);
	assert_non_null(s);
	assert_int_equal(s->red_left_pad, 64);
	assert_int_equal(s->inuse, 72);
	assert_int_equal(s->offset, 72);
	assert_int_equal(s->size, 256); /* 64 + 72 + 8 + 2 * 32 + 8 + 8 = 224, aligned to 64 */
	machine_shutdown();
}

static void test_bootstrap_in_ram(void **state)
{
	struct kmem_cache *kc, *kn, *s;

	boot(1);
	kc = kmem_cache_find("kmem_cache");
	kn = kmem_cache_find("kmem_cache_node");
	/* The cache of caches is an object of itself, as in Linux. */
	assert_true(host_in_ram(kc));
	assert_ptr_equal(virt_to_cache(kc), kc);
	assert_ptr_equal(virt_to_cache(kn), kc);
	assert_ptr_equal(virt_to_cache(kc->node[0]), kn);
	s = kmalloc_slab(64, 0);
	assert_ptr_equal(virt_to_cache(s), kc);
	assert_ptr_equal(kmem_cache_from_kva(kva_of(s)), s);
	assert_int_equal(kmem_cache_destroy(kc), -EPERM);
	assert_int_equal(kmem_cache_destroy(s), -EPERM);
	assert_verify_ok();
	machine_shutdown();
}

/* ---- caches ---- */

static int ctor_calls;
static void ctor_fill(void *p)
{
	memset(p, 0x77, 40);
	ctor_calls++;
}

static void test_cache_lifecycle(void **state)
{
	struct baseline b;
	struct kmem_cache *s;
	void *objs[1000];
	char *log;
	int i, err;

	boot(1);
	baseline_take(&b);
	assert_null(kmem_cache_create_err("bad", 0, 0, 0, NULL, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(kmem_cache_create_err("bad", 40, 24, 0, NULL, &err)); /* align not 2^n */
	assert_int_equal(err, -EINVAL);
	ctor_calls = 0;
	s = kmem_cache_create("lifecycle", 40, 0, SLAB_HWCACHE_ALIGN, ctor_fill);
	assert_non_null(s);
	assert_int_equal(s->size, 64);
	for (i = 0; i < 1000; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_int_equal(((u8 *)objs[i])[39], 0x77); /* constructed once per slab object */
		assert_int_equal((uintptr_t)objs[i] % 64, 0);
	}
	assert_true(ctor_calls >= 1000);
	dmesg_clear();
	assert_int_equal(kmem_cache_destroy(s), -EBUSY);
	log = dmesg_copy();
	assert_non_null(strstr(
		log, "BUG lifecycle (Not tainted): Objects remaining on __kmem_cache_shutdown()"));
	assert_non_null(strstr(log, "kmem_cache_destroy lifecycle: Slab cache still has objects"));
	free(log);
	for (i = 0; i < 1000; i++)
		kmem_cache_free(s, objs[i]);
	assert_verify_ok();
	assert_int_equal(kmem_cache_destroy(s), 0);
	baseline_check(&b);
	assert_verify_ok();
	machine_shutdown();
}

/* Empty slabs stay up to min_partial on the node; shrink frees them.  20
 * full slabs of 64 objects, freed in order: each slab's first free puts it
 * on the CPU's partial list (limit DIV_ROUND_UP(2 * 120, 64) = 4 slabs);
 * the first free of slabs 5, 9, 13, 17 unfreezes the four before it to the
 * node, where empty ones are kept until min_partial (5) are listed: 1-4 and
 * 8 stay, 5-7 and 9-16 are freed.  Left: 5 on the node, 17-19 on the CPU's
 * partial list, 20 the CPU slab: 9. */
static void test_min_partial_and_shrink(void **state)
{
	struct kmem_cache *s;
	struct slabinfo si;
	void *objs[64 * 20];
	int i;

	boot(1);
	s = kmem_cache_create("partial", 64, 0, 0, NULL);
	assert_int_equal(s->cpu_partial, 120);
	assert_int_equal(s->cpu_partial_slabs, 4);
	assert_int_equal(s->min_partial, 5);
	for (i = 0; i < 64 * 20; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	get_slabinfo(s, &si);
	assert_int_equal(si.num_slabs, 20);
	for (i = 0; i < 64 * 20; i++)
		kmem_cache_free(s, objs[i]);
	get_slabinfo(s, &si);
	assert_int_equal(get_node(s)->nr_partial, s->min_partial);
	assert_int_equal(cpu_partial_len(s, 0), 3);
	assert_int_equal(si.num_slabs, 9);
	assert_int_equal(si.active_objs, 4 * 64); /* CPU slabs count as in use */
	assert_verify_ok();
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	assert_int_equal(si.num_slabs, 0);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_verify_ok();
	machine_shutdown();
}

/* ---- remote frees ---- */

static bool contains(void **set, int n, void *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (set[i] == p)
			return true;
	return false;
}

/* 100 objects of 32 per slab: slabs 1-3 full, slab 4 is CPU 0's with 4 in
 * use.  CPU 1 frees them all: the first free into each of slabs 1-3 puts
 * it on CPU 1's partial list (no list_lock; it stays there empty), slab
 * 4's four land on its slab freelist (it stays frozen).  CPU 0 then gets
 * the 28 never-used objects of its CPU freelist, the 4 remote frees
 * (get_freelist), then new slabs: nothing is on the node list.  CPU 1 gets
 * the 96 objects of slabs 1-3 back from its partial list. */
static void test_remote_free(void **state)
{
	struct kmem_cache *s;
	void *objs[100], *again[100], *again1[96];
	struct xfer x;
	int i, reused = 0;

	boot(2);
	s = kmem_cache_create("remote", 128, 0, 0, NULL);
	assert_int_equal(s->oo_objects, 32);
	for (i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	x = (struct xfer){ s, objs, 100 };
	cpu_call(1, free_them, &x);
	assert_int_equal(get_node(s)->nr_partial, 0);
	assert_int_equal(cpu_partial_len(s, 1), 3);
	assert_int_equal(cpu_partial_len(s, 0), 0);
	assert_verify_ok();
	for (i = 0; i < 100; i++)
		again[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 100; i++)
		reused += contains(objs, 100, again[i]);
	assert_int_equal(reused, 4);
	for (i = 96; i < 100; i++)
		assert_true(contains(again, 100, objs[i])); /* the remote frees on CPU 0's slab */
	x = (struct xfer){ s, again1, 96 };
	cpu_call(1, alloc_them, &x);
	for (i = 0; i < 96; i++)
		assert_true(contains(objs, 96, again1[i])); /* slabs 1-3, from CPU 1's list */
	assert_int_equal(cpu_partial_len(s, 1), 0);
	assert_verify_ok();
	cpu_call(1, free_them, &x);
	x = (struct xfer){ s, again, 100 };
	cpu_call(1, free_them, &x);
	kmem_cache_shrink(s);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_verify_ok();
	machine_shutdown();
}

/* ---- randomized run against a shadow model ---- */

#define NLIVE 2048
struct shadow {
	u8 *p;
	size_t size;
	u8 seed;
	struct kmem_cache *s; /* NULL: kmalloc */
};

static u8 *owner; /* one byte per RAM byte: 1 = inside a live object */
static u64 rng = 88172645463325252ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void claim(u8 *p, size_t size, int val)
{
	size_t off = host_to_phys(p), i;

	for (i = 0; i < size; i++) {
		assert_int_equal(owner[off + i], !val); /* no overlap, no double release */
		owner[off + i] = (u8)val;
	}
}

static void fill(struct shadow *o)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		o->p[i] = (u8)(o->seed + i * 7);
}

static void check(struct shadow *o, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		assert_int_equal(o->p[i], (u8)(o->seed + i * 7));
}

static size_t rnd_size(void)
{
	u64 r = rnd() % 100;

	if (r < 60)
		return 1 + rnd() % 256;
	if (r < 95)
		return 1 + rnd() % 4096;
	return 1 + rnd() % 40000; /* some large kmallocs */
}

static void shadow_alloc(struct shadow *o, struct kmem_cache **caches)
{
	o->s = (rnd() % 4 == 0) ? caches[rnd() % 4] : NULL;
	o->size = o->s ? o->s->object_size : rnd_size();
	o->p = o->s ? kmem_cache_alloc(o->s, GFP_KERNEL) : kmalloc(o->size, GFP_KERNEL);
	assert_non_null(o->p);
	o->seed = (u8)rnd();
	claim(o->p, o->size, 1);
	fill(o);
}

static void shadow_free(struct shadow *o)
{
	check(o, o->size);
	claim(o->p, o->size, 0);
	if (o->s)
		kmem_cache_free(o->s, o->p);
	else
		kfree(o->p);
	o->p = NULL;
}

static void shadow_realloc(struct shadow *o)
{
	size_t n = rnd_size();
	u8 *q;

	check(o, o->size);
	claim(o->p, o->size, 0);
	q = krealloc(o->p, n, GFP_KERNEL);
	assert_non_null(q);
	o->p = q;
	check(o, min(n, o->size));
	o->size = n;
	claim(o->p, o->size, 1);
	fill(o);
}

static void test_random_vs_shadow(void **state)
{
	static struct shadow live[NLIVE];
	struct kmem_cache_args sheaves = { .sheaf_capacity = 32 };
	struct kmem_cache *caches[4];
	struct baseline b;
	long op;
	int i;

	boot(1);
	owner = calloc(mmk->max_pfn << PAGE_SHIFT, 1);
	baseline_take(&b);
	caches[0] = kmem_cache_create("rnd-24", 24, 0, 0, NULL);
	caches[1] = kmem_cache_create("rnd-200", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	caches[2] = kmem_cache_create("rnd-3000", 3000, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	caches[3] = kmem_cache_create_args("rnd-sheaf-136", 136, &sheaves, 0, NULL);
	for (op = 0; op < 150000; op++) {
		struct shadow *o = &live[rnd() % NLIVE];

		if (!o->p)
			shadow_alloc(o, caches);
		else if (!o->s && rnd() % 3 == 0)
			shadow_realloc(o);
		else
			shadow_free(o);
		if (op % 25000 == 0)
			assert_verify_ok();
	}
	assert_verify_ok();
	for (i = 0; i < NLIVE; i++)
		if (live[i].p)
			shadow_free(&live[i]);
	for (i = 0; i < 4; i++)
		assert_int_equal(kmem_cache_destroy(caches[i]), 0);
	baseline_check(&b);
	assert_verify_ok();
	free(owner);
	machine_shutdown();
}

/* ---- fault injection ---- */

/* A workload touching every kind of page allocation inside slab: cache
 * creation (kmem_cache and kmem_cache_node objects), new slabs of several
 * orders, large kmalloc.  Frees everything it got. */
static int faulty_workload(void)
{
	void *p[300] = { 0 };
	struct kmem_cache *s;
	int i, got = 0;

	s = kmem_cache_create("faulty", 700, 0, 0, NULL);
	for (i = 0; i < 100; i++)
		got += (p[i] = kmalloc(64 + i * 40, GFP_KERNEL)) != NULL;
	for (i = 100; i < 200 && s; i++)
		got += (p[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL;
	for (i = 200; i < 205; i++)
		got += (p[i] = kmalloc(10000 * (i - 199), GFP_KERNEL)) != NULL;
	for (i = 0; i < 300; i++) {
		if (i >= 100 && i < 200)
			kmem_cache_free(s, p[i]);
		else
			kfree(p[i]);
	}
	if (s)
		assert_int_equal(kmem_cache_destroy(s), 0);
	return got;
}

static void test_fault_injection(void **state)
{
	struct baseline b;

	boot(1);
	baseline_take(&b);
	baseline_check(&b);
	fault_sweep(faulty_workload);
	machine_shutdown();
}

/* ---- multi-CPU stress ---- */

#define RING 1024
struct ring {
	_Atomic unsigned long head, tail;
	void *slot[RING];
	size_t size[RING];
	struct kmem_cache *s;
	long n;
	_Atomic long produced, consumed;
};

static void produce(void *info)
{
	struct ring *r = info;
	u64 x = 12345 + (u64)smp_processor_id();
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long h = atomic_load_explicit(&r->head, memory_order_relaxed);
		size_t size;
		u8 *p;

		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING)
			cpu_handle_ipis(), sched_yield();
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		size = (i & 1) ? r->s->object_size : 1 + (x >> 33) % 700;
		p = (i & 1) ? kmem_cache_alloc(r->s, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);
		assert_non_null(p);
		memset(p, (int)(size & 0xff), size);
		r->slot[h % RING] = p;
		r->size[h % RING] = size;
		atomic_store_explicit(&r->head, h + 1, memory_order_release);
	}
	atomic_fetch_add(&r->produced, r->n);
}

static void consume(void *info)
{
	struct ring *r = info;
	long i;

	for (i = 0; i < r->n; i++) {
		unsigned long t = atomic_load_explicit(&r->tail, memory_order_relaxed);
		u8 *p;
		size_t size;

		while (atomic_load_explicit(&r->head, memory_order_acquire) == t)
			cpu_handle_ipis(), sched_yield();
		p = r->slot[t % RING];
		size = r->size[t % RING];
		assert_int_equal(p[0], size & 0xff);
		assert_int_equal(p[size - 1], size & 0xff);
		if (virt_to_cache(p) == r->s)
			kmem_cache_free(r->s, p);
		else
			kfree(p);
		atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	}
	atomic_fetch_add(&r->consumed, r->n);
}

/* Mixed work on each CPU: its own alloc/free pairs. */
static void churn(void *info)
{
	struct kmem_cache *s = info;
	void *keep[64];
	int i, j;

	for (i = 0; i < 3000; i++) {
		for (j = 0; j < 64; j++)
			keep[j] = (j & 1) ? kmem_cache_alloc(s, GFP_KERNEL) :
					    kmalloc(32 + j * 8, GFP_KERNEL);
		for (j = 0; j < 64; j++) {
			if (j & 1)
				kmem_cache_free(s, keep[j]);
			else
				kfree(keep[j]);
		}
	}
}

static void test_multicpu_stress(void **state)
{
	static struct ring r1, r2;
	struct baseline b;
	struct kmem_cache *s;

	boot(4);
	baseline_take(&b);
	s = kmem_cache_create("stress", 192, 0, 0, NULL);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	r1.s = r2.s = s;
	r1.n = r2.n = 100000;
	cpu_call_async(1, produce, &r1); /* 1 -> 2 */
	cpu_call_async(2, consume, &r1);
	cpu_call_async(3, produce, &r2); /* 3 -> 0 */
	consume(&r2);
	cpu_call_wait(1);
	cpu_call_wait(2);
	cpu_call_wait(3);
	assert_int_equal(r1.consumed, r1.n);
	assert_int_equal(r2.consumed, r2.n);
	assert_verify_ok();
	cpu_call_async(1, churn, s);
	cpu_call_async(2, churn, s);
	cpu_call_async(3, churn, s);
	churn(s);
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
	cmocka_unit_test_teardown(test_kmalloc_size_classes, down),
	cmocka_unit_test_teardown(test_kmalloc_semantics, down),
	cmocka_unit_test_teardown(test_meminfo_counters, down),
	cmocka_unit_test_teardown(test_slabinfo_format, down),
	cmocka_unit_test_teardown(test_cache_geometry, down),
	cmocka_unit_test_teardown(test_bootstrap_in_ram, down),
	cmocka_unit_test_teardown(test_cache_lifecycle, down),
	cmocka_unit_test_teardown(test_min_partial_and_shrink, down),
	cmocka_unit_test_teardown(test_remote_free, down),
	cmocka_unit_test_teardown(test_random_vs_shadow, down),
	cmocka_unit_test_teardown(test_fault_injection, down),
	cmocka_unit_test_teardown(test_multicpu_stress, down),
};

MMK_TEST_MAIN(tests, NULL, NULL);
