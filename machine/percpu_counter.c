/*
 * percpu_counter.c - counters with a per-CPU delta folded in batches (Linux
 * lib/percpu_counter.c; see include/mmkit/percpu_counter.h for the layout
 * and the invariants).  The per-CPU memory of a group of counters is one
 * allocation of one cache line per CPU, as Linux's percpu allocator gives
 * each CPU its own unit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/percpu_counter.h"

static DEFINE_FAULT_SITE(percpu_counter_fail, "percpu_counter_alloc");

int percpu_counter_init_many(struct percpu_counter *fbc, s64 amount, int nr)
{
	size_t size = (size_t)mmk->nr_cpus * PERCPU_COUNTER_STRIDE * sizeof(s32);
	s32 *base;
	int i;

	BUG_ON(nr < 1 || nr > PERCPU_COUNTER_MAX_GROUP);
	if (should_fail(&percpu_counter_fail))
		return -ENOMEM;
	base = aligned_alloc(64, size);
	if (!base)
		return -ENOMEM;
	memset(base, 0, size);
	for (i = 0; i < nr; i++) {
		atomic_store_explicit(&fbc[i].count, amount, memory_order_relaxed);
		fbc[i].counters = base + i;
	}
	return 0;
}

void percpu_counter_destroy_many(struct percpu_counter *fbc, int nr)
{
	int i;

	if (!fbc[0].counters)
		return;
	free(fbc[0].counters);
	for (i = 0; i < nr; i++)
		fbc[i].counters = NULL;
}

s64 percpu_counter_sum(const struct percpu_counter *fbc)
{
	s64 sum = percpu_counter_read(fbc);
	int cpu;

	if (!fbc->counters)
		return sum;
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		sum += READ_ONCE(fbc->counters[cpu * PERCPU_COUNTER_STRIDE]);
	return sum;
}

void percpu_counter_fold_local(struct percpu_counter *fbc)
{
	s32 *p = fbc->counters + smp_processor_id() * PERCPU_COUNTER_STRIDE;
	s32 c = READ_ONCE(*p);

	if (!c)
		return;
	WRITE_ONCE(*p, 0);
	atomic_fetch_add_explicit(&fbc->count, c, memory_order_relaxed);
}
