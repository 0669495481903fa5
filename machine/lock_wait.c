/*
 * lock_wait.c - the contended path of the split PTE lock (ptlock_t,
 * include/mmkit/pgtable.h).  A PTE lock is a spinlock taken with interrupts
 * enabled in Linux, and its holder may shoot down TLBs (ptep_clear_flush,
 * zap): a CPU waiting for it must keep serving TLB-flush IPIs or the two
 * CPUs deadlock.  So the waiter polls, serving this CPU's irq-safe IPIs
 * (TLB flushes; machine/locking.c has the same rule for spinlock_t) and
 * yielding the host core between attempts (the machine may have more
 * simulated CPUs than the host has cores).
 */
#include <sched.h>
#include "mmkit/machine.h"
#include "mmkit/pgtable.h"

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
