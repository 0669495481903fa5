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
 *
 * Debug builds (CONFIG_LOCKDEP) tell the lock validator (include/mmkit/
 * lockdep.h) of every acquisition and release with its call site; the
 * validator keeps each lock's class and owner (the holder for spinlock_t,
 * the writer for rw_semaphore) in its own table, so the types are the bare
 * host primitives in every build.  Initialise with spin_lock_init /
 * init_rwsem (the class is named after the expression) or DEFINE_SPINLOCK.
 */
#ifndef MMKIT_SPINLOCK_H
#define MMKIT_SPINLOCK_H

#include <pthread.h>
#include "mmkit/compiler.h"
#include "mmkit/lockdep.h"

typedef struct {
	pthread_mutex_t m;
} spinlock_t;
struct rw_semaphore {
	pthread_rwlock_t l;
};

#define __SPIN_LOCK_UNLOCKED(name)        \
	{                                 \
		PTHREAD_MUTEX_INITIALIZER \
	}
/* A spinlock with static storage: `static DEFINE_SPINLOCK(x);`. */
#define DEFINE_SPINLOCK(x)                            \
	spinlock_t x = __SPIN_LOCK_UNLOCKED(#x);      \
	LOCKDEP_STATIC_LOCK(x, &(x), #x, IPI_IRQSAFE) \
	extern spinlock_t x

static inline void __spin_lock_init(spinlock_t *l, const char *name, const char *file)
{
	pthread_mutex_init(&l->m, NULL);
	lockdep_init_lock(l, name, file, IPI_IRQSAFE);
}
#define spin_lock_init(l) __spin_lock_init((l), #l, __FILE__)

void __spin_lock_slow(spinlock_t *l);
void __down_read_slow(struct rw_semaphore *s);
void __down_write_slow(struct rw_semaphore *s);

static inline void __spin_lock(spinlock_t *l)
{
	lock_acquire(l, NULL, false, false);
	if (__builtin_expect(pthread_mutex_trylock(&l->m) != 0, 0))
		__spin_lock_slow(l);
	lock_acquired_write(l);
}
static inline bool __spin_trylock(spinlock_t *l)
{
	if (pthread_mutex_trylock(&l->m) != 0)
		return false;
	lock_acquire(l, NULL, false, true);
	lock_acquired_write(l);
	return true;
}
static inline void spin_unlock(spinlock_t *l)
{
	lock_release(l);
	pthread_mutex_unlock(&l->m);
}
#define spin_lock(l) LOCK_SITE(__spin_lock(l))
#define spin_trylock(l) LOCK_SITE(__spin_trylock(l))
static inline void spin_lock_destroy(spinlock_t *l) { pthread_mutex_destroy(&l->m); }

/* The split PTE lock (Linux's ptlock, a spinlock in the PTE table's struct
 * page): one word, so that it fits in struct page.  A waiter spins serving
 * irq-safe IPIs, as spinlock_t waiters do (machine/locking.c).  Debug
 * builds store the holder's owner tag in the word instead of 1, and every
 * PTE lock is one class, as in Linux. */
typedef _Atomic unsigned int ptlock_t;
void __ptl_lock_slow(ptlock_t *l);
#ifdef CONFIG_LOCKDEP
extern struct lockdep_map ptlock_dep_map;
#define PTL_LOCKED lockdep_owner_tag()
#define PTL_MAP (&ptlock_dep_map)
#else
#define PTL_LOCKED 1u
#define PTL_MAP NULL
#endif
/* A compare-and-exchange from 0, as Linux's queued spinlock fast path: an
 * exchange would write the failed taker's owner tag over the holder's in
 * debug builds (ptl_assert_held then failed under contention). */
static inline bool __ptl_trylock(ptlock_t *l)
{
	unsigned int unlocked = 0;

	return atomic_compare_exchange_strong_explicit(l, &unlocked, PTL_LOCKED,
						       memory_order_acquire, memory_order_relaxed);
}
static inline bool ptl_trylock(ptlock_t *l)
{
	if (!__ptl_trylock(l))
		return false;
	lock_acquire(l, PTL_MAP, false, true);
	return true;
}
static inline void __ptl_lock(ptlock_t *l)
{
	lock_acquire(l, PTL_MAP, false, false);
	if (unlikely(!__ptl_trylock(l)))
		__ptl_lock_slow(l);
}
static inline void ptl_unlock(ptlock_t *l)
{
	lock_release(l);
	atomic_store_explicit(l, 0, memory_order_release);
}
#define ptl_lock(l) LOCK_SITE(__ptl_lock(l))
/* The calling thread holds the PTE lock (debug builds: on its stack and in
 * the lock word; Linux lockdep_assert_held(ptl)). */
#ifdef CONFIG_LOCKDEP
#define ptl_assert_held(l)                                                                  \
	do {                                                                                \
		lockdep_assert_held(l);                                                     \
		if (atomic_load_explicit((l), memory_order_relaxed) != lockdep_owner_tag()) \
			lockdep_assert_failed("PTE lock owner", __func__, __LINE__);        \
	} while (0)
#else
#define ptl_assert_held(l) ((void)sizeof((uintptr_t)(l)))
#endif

/* A sleeping lock (Linux struct mutex): its waiters serve every IPI, so
 * whoever holds it may allocate with GFP_KERNEL and wait for IPIs. */
struct mutex {
	pthread_mutex_t m;
};
#define DEFINE_MUTEX(x)                                 \
	struct mutex x = { PTHREAD_MUTEX_INITIALIZER }; \
	LOCKDEP_STATIC_LOCK(x, &(x), #x, IPI_ALL)       \
	extern struct mutex x
void __mutex_lock_slow(struct mutex *l);
static inline void __mutex_lock(struct mutex *l)
{
	lock_acquire(l, NULL, false, false);
	if (__builtin_expect(pthread_mutex_trylock(&l->m) != 0, 0))
		__mutex_lock_slow(l);
	lock_acquired_write(l);
}
static inline void mutex_unlock(struct mutex *l)
{
	lock_release(l);
	pthread_mutex_unlock(&l->m);
}
#define mutex_lock(l) LOCK_SITE(__mutex_lock(l))
/* One attempt: true when taken (Linux mutex_trylock). */
static inline bool __mutex_trylock(struct mutex *l)
{
	if (pthread_mutex_trylock(&l->m) != 0)
		return false;
	lock_acquire(l, NULL, false, true);
	lock_acquired_write(l);
	return true;
}
#define mutex_trylock(l) LOCK_SITE(__mutex_trylock(l))

/* A statically initialised rw_semaphore (Linux DECLARE_RWSEM), known to lockdep. */
#define DECLARE_RWSEM(x)                                        \
	struct rw_semaphore x = { PTHREAD_RWLOCK_INITIALIZER }; \
	LOCKDEP_STATIC_LOCK(x, &(x), #x, IPI_ALL)               \
	extern struct rw_semaphore x

static inline void __init_rwsem(struct rw_semaphore *s, const char *name, const char *file)
{
	pthread_rwlock_init(&s->l, NULL);
	lockdep_init_lock(s, name, file, IPI_ALL);
}
#define init_rwsem(s) __init_rwsem((s), #s, __FILE__)

static inline void __down_read(struct rw_semaphore *s)
{
	lock_acquire(s, NULL, true, false);
	if (__builtin_expect(pthread_rwlock_tryrdlock(&s->l) != 0, 0))
		__down_read_slow(s);
}
static inline void up_read(struct rw_semaphore *s)
{
	lock_release(s);
	pthread_rwlock_unlock(&s->l);
}
static inline void __down_write(struct rw_semaphore *s)
{
	lock_acquire(s, NULL, false, false);
	if (__builtin_expect(pthread_rwlock_trywrlock(&s->l) != 0, 0))
		__down_write_slow(s);
	lock_acquired_write(s);
}
static inline void up_write(struct rw_semaphore *s)
{
	lock_release(s);
	pthread_rwlock_unlock(&s->l);
}
static inline bool __down_read_trylock(struct rw_semaphore *s)
{
	if (pthread_rwlock_tryrdlock(&s->l) != 0)
		return false;
	lock_acquire(s, NULL, true, true);
	return true;
}
static inline bool __down_write_trylock(struct rw_semaphore *s)
{
	if (pthread_rwlock_trywrlock(&s->l) != 0)
		return false;
	lock_acquire(s, NULL, false, true);
	lock_acquired_write(s);
	return true;
}
#define down_read(s) LOCK_SITE(__down_read(s))
#define down_write(s) LOCK_SITE(__down_write(s))
#define down_read_trylock(s) LOCK_SITE(__down_read_trylock(s))
#define down_write_trylock(s) LOCK_SITE(__down_write_trylock(s))
static inline void destroy_rwsem(struct rw_semaphore *s) { pthread_rwlock_destroy(&s->l); }

#endif
