/*
 * wait.c - wait_until(), the one waiting loop of the machine (include/mmkit/
 * wait.h has the rule it enforces).  Every wait of a simulated CPU goes
 * through it: lock waits (machine/locking.c, percpu_rwsem.c, the page lock
 * in mm/filemap.c, the slab lock in mm/slab.c), IPI and cpu_call
 * completion and the idle loop (machine/machine.c).  Each poll is an
 * interrupt point of the caller's class, so which IPIs a waiter serves is
 * decided at one call and checked by the lock validator in one place.
 */
#include <sched.h>
#include <time.h>
#include "mmkit/lockdep.h"
#include "mmkit/machine.h"
#include "mmkit/wait.h"

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* An interrupt point of class irqs on CPU c (NULL: not a CPU), while
 * waiting for `arg` (the lock, when it is a lock wait). */
static void serve_ipis(struct cpu *c, enum ipi_class irqs, const void *arg)
{
	if (!c || irqs == IPI_NONE)
		return;
	lockdep_interrupt_point(irqs, arg);
	if (irqs == IPI_ALL)
		cpu_handle_ipis();
	else if (atomic_load_explicit(&c->ipi_pending, memory_order_acquire))
		__cpu_handle_irqsafe_ipis(c);
}

void wait_until(const struct wait_ops *ops, void *arg, enum ipi_class irqs)
{
	struct cpu *c = mmk ? mmk_this_cpu : NULL;
	unsigned int polls = 0;

	while (!ops->done(arg)) {
		serve_ipis(c, irqs, arg);
		if (polls < ops->spins) {
			polls++;
			cpu_relax();
		} else if (ops->sleep) {
			if (ops->sleep(arg))
				return;
		} else {
			sched_yield();
		}
	}
}

void wait_slice_deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += WAIT_SLICE_NS;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}
