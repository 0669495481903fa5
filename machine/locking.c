/*
 * locking.c - the contended paths of spin_lock/down_read/down_write and the
 * split PTE lock (include/mmkit/spinlock.h), each one wait_until() (machine/
 * wait.c) with the class of IPIs its waiter serves:
 *   spinlock_t      IPI_IRQSAFE, sleeping in timed slices on the host mutex
 *                   (simulated CPUs can outnumber host cores: spinning on a
 *                   descheduled holder would collapse);
 *   rw_semaphore,   IPI_ALL (Linux's sleeping locks are never taken inside
 *   mutex           per-CPU work), timed slices on the host lock;
 *   ptlock_t        IPI_IRQSAFE, a plain word: poll, pause, then yield.
 * So a CPU blocked on a lock never blocks a shootdown that the lock's holder
 * is waiting for.
 */
#include <errno.h>
#include <time.h>
#include "mmkit/machine.h"
#include "mmkit/wait.h"

#ifdef CONFIG_LOCKDEP
/* Every split PTE lock is one class, as in Linux. */
struct lockdep_map ptlock_dep_map = LOCKDEP_MAP_INIT("ptlock", IPI_IRQSAFE);
#endif

static bool spin_try(void *l) { return pthread_mutex_trylock(&((spinlock_t *)l)->m) == 0; }

static bool spin_sleep(void *l)
{
	struct timespec ts;

	wait_slice_deadline(&ts);
	return pthread_mutex_timedlock(&((spinlock_t *)l)->m, &ts) == 0;
}

static const struct wait_ops spin_wait = { .done = spin_try, .sleep = spin_sleep };

void __spin_lock_slow(spinlock_t *l) { wait_until(&spin_wait, l, IPI_IRQSAFE); }

static bool mutex_try(void *l) { return pthread_mutex_trylock(&((struct mutex *)l)->m) == 0; }

static bool mutex_sleep(void *l)
{
	struct timespec ts;

	wait_slice_deadline(&ts);
	return pthread_mutex_timedlock(&((struct mutex *)l)->m, &ts) == 0;
}

static const struct wait_ops mutex_wait = { .done = mutex_try, .sleep = mutex_sleep };

void __mutex_lock_slow(struct mutex *l) { wait_until(&mutex_wait, l, IPI_ALL); }

static bool read_try(void *s)
{
	return pthread_rwlock_tryrdlock(&((struct rw_semaphore *)s)->l) == 0;
}

static bool read_sleep(void *s)
{
	struct timespec ts;

	wait_slice_deadline(&ts);
	return pthread_rwlock_timedrdlock(&((struct rw_semaphore *)s)->l, &ts) == 0;
}

static const struct wait_ops read_wait = { .done = read_try, .sleep = read_sleep };

void __down_read_slow(struct rw_semaphore *s) { wait_until(&read_wait, s, IPI_ALL); }

static bool write_try(void *s)
{
	return pthread_rwlock_trywrlock(&((struct rw_semaphore *)s)->l) == 0;
}

static bool write_sleep(void *s)
{
	struct timespec ts;

	wait_slice_deadline(&ts);
	return pthread_rwlock_timedwrlock(&((struct rw_semaphore *)s)->l, &ts) == 0;
}

static const struct wait_ops write_wait = { .done = write_try, .sleep = write_sleep };

void __down_write_slow(struct rw_semaphore *s) { wait_until(&write_wait, s, IPI_ALL); }

/* A PTE lock is a spinlock taken with interrupts enabled in Linux, and its
 * holder may shoot down TLBs (ptep_clear_flush, zap): its waiter keeps
 * serving TLB-flush IPIs, or the two CPUs would deadlock. */
static bool ptl_try(void *l)
{
	return !atomic_load_explicit((ptlock_t *)l, memory_order_relaxed) && __ptl_trylock(l);
}

static const struct wait_ops ptl_wait = { .done = ptl_try, .spins = 16 };

void __ptl_lock_slow(ptlock_t *l) { wait_until(&ptl_wait, l, IPI_IRQSAFE); }
