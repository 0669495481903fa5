/*
 * wait.h - the one way a simulated CPU waits (machine/wait.c).
 *
 * A CPU that waits for something another CPU will do (a lock to be
 * released, an IPI to be served, work to arrive) must keep taking the
 * interrupts it would take on real hardware in that state, or two CPUs can
 * deadlock: the one holding what the other waits for may itself be waiting
 * for the waiter to serve a TLB shootdown.  Which interrupts that is depends
 * on how Linux waits there, and is the caller's one decision:
 *
 *   IPI_NONE     interrupts off: serve nothing (a bit spinlock taken with
 *                interrupts disabled, as SLUB's slab_lock).
 *   IPI_IRQSAFE  a spinning waiter with interrupts on, possibly inside
 *                per-CPU work: serve only irq-safe IPIs (TLB flushes,
 *                smp_call_function_many_irqsafe), never a per-CPU list
 *                drain that could find the work half done (spinlock_t,
 *                the PTE lock).
 *   IPI_ALL      a sleeping waiter: serve every IPI (rw_semaphore,
 *                mmap_lock, the page lock, cpu_call and IPI completion,
 *                the idle loop).
 *
 * wait_until() polls ops->done(arg); between polls it serves this CPU's
 * IPIs of the class, pauses for the first ops->spins polls, and then lets
 * the host run something else: ops->sleep(arg) when given (a host sleep
 * bounded by WAIT_SLICE_NS that returns true when it completed the wait,
 * e.g. a timed mutex lock), else sched_yield() (the machine may have more
 * simulated CPUs than the host has cores).  A thread that is no simulated
 * CPU serves nothing.  The lock validator (machine/lockdep.c) checks the
 * class against the locks held at every interrupt point.
 */
#ifndef MMKIT_WAIT_H
#define MMKIT_WAIT_H

#include "mmkit/compiler.h"

enum ipi_class {
	IPI_NONE,
	IPI_IRQSAFE,
	IPI_ALL,
};

/* Host sleeps are at most this long, so IPIs are served between them. */
#define WAIT_SLICE_NS 50000

struct wait_ops {
	bool (*done)(void *arg);  /* true ends the wait */
	bool (*sleep)(void *arg); /* NULL: sched_yield(); true ends the wait */
	unsigned int spins;	  /* polls with a pause before sleeping */
};

/* Wait until ops->done(arg), serving IPIs of class irqs (see above).  No
 * lock is taken; ops run on the waiting thread. */
void wait_until(const struct wait_ops *ops, void *arg, enum ipi_class irqs);

/* An absolute CLOCK_REALTIME deadline WAIT_SLICE_NS from now, for sleep
 * callbacks that use pthread's timed waits. */
struct timespec;
void wait_slice_deadline(struct timespec *ts);

#endif
