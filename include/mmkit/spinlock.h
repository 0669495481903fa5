/*
 * spinlock.h - the kernel's lock names over host primitives.  Simulated CPUs
 * are host threads that the host may deschedule at any point, so a "spinlock"
 * is a futex-backed pthread mutex (spinning on a descheduled holder with more
 * simulated CPUs than host cores would collapse).  Kernel code in mmkit is
 * never preempted between two simulated instructions in a way that matters:
 * each simulated CPU runs on exactly one host thread at a time.
 *
 * A CPU waiting for a lock keeps serving IPIs, as a real CPU spinning (or a
 * task sleeping) on a lock still takes interrupts: the uncontended path is
 * one trylock; the contended path (machine/locking.c) alternates a short
 * timed wait with serving IPIs (spinlocks: irq-safe ones only, i.e. TLB
 * flushes; see smp_call_function_many_irqsafe).  Without it, a CPU that holds
 * a lock and waits for a TLB-shootdown IPI would deadlock with a CPU blocked
 * on that lock.
 */
#ifndef MMKIT_SPINLOCK_H
#define MMKIT_SPINLOCK_H

#include <pthread.h>
#include "mmkit/compiler.h"

typedef struct { pthread_mutex_t m; } spinlock_t;
struct rw_semaphore { pthread_rwlock_t l; };

static inline void spin_lock_init(spinlock_t *l) { pthread_mutex_init(&l->m, NULL); }
void __spin_lock_slow(spinlock_t *l);
void __down_read_slow(struct rw_semaphore *s);
void __down_write_slow(struct rw_semaphore *s);
static inline void spin_lock(spinlock_t *l)
{
	if (__builtin_expect(pthread_mutex_trylock(&l->m) != 0, 0))
		__spin_lock_slow(l);
}
static inline bool spin_trylock(spinlock_t *l) { return pthread_mutex_trylock(&l->m) == 0; }
static inline void spin_unlock(spinlock_t *l) { pthread_mutex_unlock(&l->m); }
static inline void spin_lock_destroy(spinlock_t *l) { pthread_mutex_destroy(&l->m); }

/* The split PTE lock (Linux's ptlock, a spinlock in the PTE table's struct
 * page): one word, so that it fits in struct page.  A waiter spins serving
 * irq-safe IPIs, as spinlock_t waiters do (machine/locking.c). */
typedef _Atomic unsigned int ptlock_t;
void __ptl_lock_slow(ptlock_t *l);
static inline bool ptl_trylock(ptlock_t *l)
{ return !atomic_exchange_explicit(l, 1, memory_order_acquire); }
static inline void ptl_lock(ptlock_t *l) { if (unlikely(!ptl_trylock(l))) __ptl_lock_slow(l); }
static inline void ptl_unlock(ptlock_t *l) { atomic_store_explicit(l, 0, memory_order_release); }

static inline void init_rwsem(struct rw_semaphore *s) { pthread_rwlock_init(&s->l, NULL); }
static inline void down_read(struct rw_semaphore *s)
{
	if (__builtin_expect(pthread_rwlock_tryrdlock(&s->l) != 0, 0))
		__down_read_slow(s);
}
static inline void up_read(struct rw_semaphore *s) { pthread_rwlock_unlock(&s->l); }
static inline void down_write(struct rw_semaphore *s)
{
	if (__builtin_expect(pthread_rwlock_trywrlock(&s->l) != 0, 0))
		__down_write_slow(s);
}
static inline void up_write(struct rw_semaphore *s) { pthread_rwlock_unlock(&s->l); }
static inline bool down_read_trylock(struct rw_semaphore *s) { return pthread_rwlock_tryrdlock(&s->l) == 0; }
static inline bool down_write_trylock(struct rw_semaphore *s) { return pthread_rwlock_trywrlock(&s->l) == 0; }
static inline void destroy_rwsem(struct rw_semaphore *s) { pthread_rwlock_destroy(&s->l); }

#endif
