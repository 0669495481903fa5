/*
 * locking.c - the contended paths of spin_lock/down_read/down_write (see
 * include/mmkit/spinlock.h): wait for the lock in short timed slices and
 * serve this CPU's IPIs between them, so a CPU blocked on a lock never
 * blocks a shootdown that the lock's holder is waiting for.  Spinlock waits
 * serve only irq-safe IPIs (TLB flushes); rw_semaphore waits, which like
 * Linux's sleeping locks are never taken inside per-CPU work, serve all.
 * The split PTE lock (ptlock_t) is a plain word: its waiter polls, serving
 * irq-safe IPIs and yielding the host core between attempts.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include "mmkit/machine.h"

#define LOCK_SLICE_NS 50000   /* 50 us between IPI checks */

static struct timespec deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += LOCK_SLICE_NS;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Sleeping locks: no per-CPU work can be in progress, serve every IPI. */
static void serve_ipis(void)
{
	if (mmk && mmk_this_cpu)
		cpu_handle_ipis();
}

/* Spinlocks may be taken inside per-CPU work: serve irq-safe IPIs only. */
static void serve_irqsafe_ipis(void)
{
	struct cpu *c = mmk ? mmk_this_cpu : NULL;

	if (c && atomic_load_explicit(&c->ipi_pending, memory_order_acquire))
		__cpu_handle_irqsafe_ipis(c);
}

void __spin_lock_slow(spinlock_t *l)
{
	for (;;) {
		struct timespec ts = deadline();

		serve_irqsafe_ipis();
		if (pthread_mutex_timedlock(&l->m, &ts) == 0)
			return;
	}
}

void __down_read_slow(struct rw_semaphore *s)
{
	for (;;) {
		struct timespec ts = deadline();

		serve_ipis();
		if (pthread_rwlock_timedrdlock(&s->l, &ts) == 0)
			return;
	}
}

void __down_write_slow(struct rw_semaphore *s)
{
	for (;;) {
		struct timespec ts = deadline();

		serve_ipis();
		if (pthread_rwlock_timedwrlock(&s->l, &ts) == 0)
			return;
	}
}

/* A PTE lock is a spinlock taken with interrupts enabled in Linux, and its
 * holder may shoot down TLBs (ptep_clear_flush, zap): a CPU waiting for it
 * keeps serving TLB-flush IPIs, or the two CPUs would deadlock. */
void __ptl_lock_slow(ptlock_t *l)
{
	unsigned int spins = 0;

	for (;;) {
		struct cpu *c = mmk ? mmk_this_cpu : NULL;

		if (!atomic_load_explicit(l, memory_order_relaxed) && ptl_trylock(l))
			return;
		if (c && atomic_load_explicit(&c->ipi_pending, memory_order_acquire))
			__cpu_handle_irqsafe_ipis(c);
		if (++spins > 16)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}
