/*
 * slab_helpers.h - helpers shared by test_slab.c and test_slab_percpu.c:
 * boot a machine, read a /proc view, shrink every cache, take and compare
 * a baseline (slabinfo, buddyinfo, the slab byte counters), verify, walk
 * a CPU partial list, and the teardown of a failed test.
 */
#ifndef MMKIT_TEST_SLAB_HELPERS_H
#define MMKIT_TEST_SLAB_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include "mmkit/machine.h"
#include "mmkit/mm.h"
#include "mmkit/slab.h"
#include "mmkit/proc.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mm/slab.h"

static inline void boot(int cpus)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;

	cfg.cpus = cpus;
	assert_int_equal(machine_boot(&cfg, NULL), 0);
	mmk->log = NULL; /* reports go to the dmesg ring only */
}

/* The text of a /proc view, or "" if the view does not exist (yet). */
static __attribute__((noinline, unused)) char *view(const char *path)
{
	const struct proc_view *v = proc_view_find(path, false);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (v)
		v->show(f, NULL);
	fclose(f);
	return buf;
}

/* Every cache shrunk and the pcp lists drained: slabinfo and buddyinfo
 * are then a function of what is live. */
struct baseline {
	char *slabinfo, *buddyinfo;
	unsigned long rec, unrec;
};

static inline void shrink_all(void)
{
	struct kmem_cache *s, *list[256];
	int n = 0, i;

	slab_mutex_lock();
	for (s = slab_cache_first(); s && n < 256; s = slab_cache_next(s))
		list[n++] = s;
	slab_mutex_unlock();
	for (i = 0; i < n; i++)
		kmem_cache_shrink(list[i]);
	drain_all_pages();
}

static inline void baseline_take(struct baseline *b)
{
	shrink_all();
	b->slabinfo = view("/proc/slabinfo");
	b->buddyinfo = view("/proc/buddyinfo");
	b->rec = slab_reclaimable_bytes();
	b->unrec = slab_unreclaimable_bytes();
}

static inline void baseline_check(struct baseline *b)
{
	struct baseline now;

	baseline_take(&now);
	assert_string_equal(now.slabinfo, b->slabinfo);
	assert_string_equal(now.buddyinfo, b->buddyinfo);
	assert_int_equal(now.rec, b->rec);
	assert_int_equal(now.unrec, b->unrec);
	free(now.slabinfo);
	free(now.buddyinfo);
	free(b->slabinfo);
	free(b->buddyinfo);
}

static inline void assert_verify_ok(void)
{
	if (verify_all(NULL)) {
		verify_all(stderr);
		fail_msg("verify found violations");
	}
}

static inline int cpu_partial_len(struct kmem_cache *s, int cpu)
{
	struct page *slab;
	int n = 0;

	for (slab = s->cpu_slab[cpu].partial; slab; slab = slab->next)
		n++;
	return n;
}

/* Objects handed to another CPU (cpu_call) to free or to fill in. */
struct xfer {
	struct kmem_cache *s;
	void **objs;
	int n;
};

static inline void free_them(void *info)
{
	struct xfer *x = info;
	int i;

	for (i = 0; i < x->n; i++)
		kmem_cache_free(x->s, x->objs[i]);
}

static inline void alloc_them(void *info)
{
	struct xfer *x = info;
	int i;

	for (i = 0; i < x->n; i++)
		x->objs[i] = kmem_cache_alloc(x->s, GFP_KERNEL);
}

/* Fail the Nth call of each slab allocation site in turn (alloc_pages,
 * kmem_cache_alloc) while the workload runs, for N = 1, 2, ... until the
 * workload makes fewer calls: every time, the machine must be back at its
 * baseline and verify clean.  The workload must make more than 10 calls
 * of each site. */
static inline void fault_sweep(int (*workload)(void))
{
	static const char *const sites[] = { "alloc_pages", "kmem_cache_alloc" };
	struct baseline b;
	unsigned int k;
	long nth, failures;

	for (k = 0; k < ARRAY_SIZE(sites); k++) {
		for (nth = 1;; nth++) {
			baseline_take(&b);
			assert_int_equal(fault_inject_set(sites[k], nth, false, 0), 0);
			workload();
			failures = atomic_load(&fault_site_find(sites[k])->failures);
			fault_inject_clear_all();
			baseline_check(&b);
			assert_verify_ok();
			if (!failures)
				break; /* the workload made fewer than nth calls */
		}
		assert_true(nth > 10);
	}
}

/* A failed test leaves its machine up: take it down for the next one. */
static inline int down(void **state)
{
	(void)state;
	fault_inject_clear_all();
	machine_shutdown();
	return 0;
}

#endif
