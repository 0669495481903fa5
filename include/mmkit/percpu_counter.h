/*
 * percpu_counter.h - a counter kept as a global part plus one delta per CPU
 * (Linux include/linux/percpu_counter.h, lib/percpu_counter.c), for counts
 * bumped often on many CPUs and read seldom: the mm's RSS counters.
 *
 *   exact value == count + sum over CPUs of the CPU's delta
 *   |delta| < batch after every update       (batch: max(32, 2 * nr_cpus))
 *
 * A CPU adds to its own delta with plain loads and stores (only the owner
 * writes it; mmkit CPUs take no interrupt inside the update) and moves it
 * into `count` with one atomic add when it reaches the batch.  Linux folds
 * under fbc->lock; mmkit's count is an atomic instead, so the fold takes no
 * lock (a racing percpu_counter_sum may see a delta twice or not at all,
 * as Linux's may see a concurrent add or not; quiescent sums are exact).
 *
 * percpu_counter_init_many() gives a group of counters (an mm's
 * NR_MM_COUNTERS) one allocation with one cache line per CPU, so CPUs never
 * share a line: CPU n's delta of counter i is counters[n * STRIDE] of fbc[i].
 */
#ifndef MMKIT_PERCPU_COUNTER_H
#define MMKIT_PERCPU_COUNTER_H

#include "mmkit/machine.h"

struct percpu_counter {
	_Atomic s64 count; /* the folded part */
	s32 *counters;	   /* CPU 0's delta; NULL before init */
};

#define PERCPU_COUNTER_STRIDE (64 / (int)sizeof(s32)) /* deltas per CPU line */
#define PERCPU_COUNTER_MAX_GROUP PERCPU_COUNTER_STRIDE

/* Linux percpu_counter_batch (compute_batch_value). */
static __always_inline s32 percpu_counter_batch(void) { return max(32, 2 * mmk->nr_cpus); }

/* Set up nr (<= PERCPU_COUNTER_MAX_GROUP) counters at `amount`.  Returns 0
 * or -ENOMEM (fault site "percpu_counter_alloc"); on failure nothing is held. */
int percpu_counter_init_many(struct percpu_counter *fbc, s64 amount, int nr);
/* Free the group's per-CPU memory; the counters read their count after. */
void percpu_counter_destroy_many(struct percpu_counter *fbc, int nr);

/* Add amount on the calling CPU; fold once |delta| reaches batch. */
static __always_inline void percpu_counter_add_batch(struct percpu_counter *fbc, s64 amount,
						     s32 batch)
{
	s32 *p = fbc->counters + smp_processor_id() * PERCPU_COUNTER_STRIDE;
	s64 c = READ_ONCE(*p) + amount;

	if (unlikely(c >= batch || c <= -batch)) {
		atomic_fetch_add_explicit(&fbc->count, c, memory_order_relaxed);
		c = 0;
	}
	WRITE_ONCE(*p, (s32)c);
}
static __always_inline void percpu_counter_add(struct percpu_counter *fbc, s64 amount)
{
	percpu_counter_add_batch(fbc, amount, percpu_counter_batch());
}

/* The folded part only: off by up to nr_cpus * (batch - 1). */
static inline s64 percpu_counter_read(const struct percpu_counter *fbc)
{
	return atomic_load_explicit(&((struct percpu_counter *)fbc)->count, memory_order_relaxed);
}
static inline s64 percpu_counter_read_positive(const struct percpu_counter *fbc)
{
	s64 v = percpu_counter_read(fbc);

	return v < 0 ? 0 : v;
}
/* count + every CPU's delta: exact when the CPUs are quiescent. */
s64 percpu_counter_sum(const struct percpu_counter *fbc);
static inline s64 percpu_counter_sum_positive(const struct percpu_counter *fbc)
{
	s64 v = percpu_counter_sum(fbc);

	return v < 0 ? 0 : v;
}
/* Fold the calling CPU's delta into count (for tests and the CPU's own
 * quiet points). */
void percpu_counter_fold_local(struct percpu_counter *fbc);

#endif
