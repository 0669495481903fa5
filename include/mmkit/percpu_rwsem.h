/*
 * percpu_rwsem.h - a reader-writer semaphore whose readers write only their
 * own CPU's cache line (Linux include/linux/percpu-rwsem.h and
 * kernel/locking/percpu-rwsem.c), for a lock taken for read on several CPUs
 * at once and seldom for write.  mmkit uses it for mm->mmap_lock
 * (include/mmkit/mmap_lock.h; Linux's mmap_lock is a plain rw_semaphore,
 * see docs/ARCHITECTURE.md "mmap_lock").
 *
 * State: read_count has one slot per CPU, each in its own cache line, plus
 * one slot for host threads that are no simulated CPU; the number of
 * readers is the sum of the slots (a reader may release on another CPU than
 * it acquired on, so one slot may go negative).  `block` is 1 while a writer
 * holds the lock or is waiting for readers to leave; `writer` orders the
 * writers.
 *
 *   down_read:  slot += 1 (a locked add: a full barrier); if block: slot -= 1,
 *               wait for the writer (serving IPIs), retry.
 *   up_read:    slot -= 1 (release).  A CPU's slot is written by that CPU's
 *               thread only (down_read, up_read and downgrade all use the
 *               caller's slot), so up_read is a load and a plain release
 *               store there, like Linux's this_cpu_dec, and no locked
 *               instruction: see "Why up_read is not locked" below.  The
 *               slot of the threads that are no CPU is shared: a locked
 *               subtract.
 *   down_write: take `writer` (waiting serves IPIs); block = 1 (a full
 *               barrier); wait (serving IPIs) until the slots sum to 0.
 *   up_write:   block = 0 (release); release `writer`.
 *   downgrade:  slot += 1, then as up_write: the holder is a reader now.
 *
 * Every access to block and the slots is seq_cst, so a reader and a writer
 * that race cannot both miss each other (store, then load of the other's
 * word: Dekker).  Linux skips the reader's barrier through rcu_sync and
 * makes the writer wait for a grace period instead; mmkit has no RCU, so
 * the reader pays one locked add on a line only its CPU writes.
 *
 * Why up_read is not locked: a locked instruction waits until every store
 * before it has reached the cache.  The anonymous write fault zeroes its
 * page just before it lets its locks go, the PTE lock and then this one
 * (mm/memory.c do_anonymous_page); a locked subtract here would stall each
 * fault for the write-back of those 4 KiB.
 * A plain store lets the write-back overlap the rest of the fault and the
 * next one.  down_read keeps its locked add: it is the full barrier the
 * reader-writer handshake needs.
 *
 * Rules, as Linux's: readers do not nest (a second down_read by a holder can
 * wait forever behind a waiting writer; CONFIG_DEBUG_VM builds check it),
 * a writer may downgrade but a reader may not upgrade, and a waiter serves
 * every IPI (a sleeping lock, never taken inside per-CPU work).
 */
#ifndef MMKIT_PERCPU_RWSEM_H
#define MMKIT_PERCPU_RWSEM_H

#include <pthread.h>
#include "mmkit/lockdep.h"
#include "mmkit/machine.h"

#define PERCPU_RWSEM_STRIDE (64 / (int)sizeof(int)) /* slots per cache line */

struct percpu_rw_semaphore {
	_Atomic int *read_count; /* slot s at read_count[s * STRIDE] */
	_Atomic int block;	 /* a writer holds or waits */
	int nr_slots;		 /* CPUs + 1 */
	pthread_mutex_t writer;
};

/* Static storage and initializer for a lock that exists before boot
 * (init_mm): enough slots for any machine. */
#define PERCPU_RWSEM_STATIC_SLOTS (MMK_MAX_CPUS + 1)
#define DEFINE_PERCPU_RWSEM_STORAGE(name)                                        \
	static _Atomic int name[PERCPU_RWSEM_STATIC_SLOTS * PERCPU_RWSEM_STRIDE] \
		__attribute__((aligned(64)))
/* (A lock defined with it gets its class from lockdep_init_static_lock, or
 * lockdep_init_lock before its first use.) */
#define PERCPU_RWSEM_INITIALIZER(storage)                                                   \
	{                                                                                   \
		.read_count = (storage), .block = 0, .nr_slots = PERCPU_RWSEM_STATIC_SLOTS, \
		.writer = PTHREAD_MUTEX_INITIALIZER                                         \
	}

/* Allocate the per-CPU slots (fault site "percpu_rwsem_alloc").  0 or
 * -ENOMEM, with nothing held on failure.  After boot.  The lock class is
 * named after the expression. */
int __percpu_init_rwsem(struct percpu_rw_semaphore *sem, const char *name, const char *file);
#define percpu_init_rwsem(sem) __percpu_init_rwsem((sem), #sem, __FILE__)
/* Free the slots; the lock must be free. */
void percpu_free_rwsem(struct percpu_rw_semaphore *sem);

void __percpu_down_read_slow(struct percpu_rw_semaphore *sem);
void __percpu_down_write(struct percpu_rw_semaphore *sem);
#define percpu_down_write(sem) LOCK_SITE(__percpu_down_write(sem))
void percpu_up_write(struct percpu_rw_semaphore *sem);
/* Turn the caller's write hold into a read hold; waiting readers enter, a
 * waiting writer still waits for this reader. */
void percpu_downgrade_write(struct percpu_rw_semaphore *sem);
bool __percpu_down_write_trylock(struct percpu_rw_semaphore *sem);
#define percpu_down_write_trylock(sem) LOCK_SITE(__percpu_down_write_trylock(sem))
/* Is it held (for read or write) by anyone?  Racy: for assertions. */
bool percpu_rwsem_is_locked(struct percpu_rw_semaphore *sem);
/* The validator's view (include/mmkit/lockdep.h); no-ops in release builds.
 * Readers do not nest: a second down_read by a holder is reported as
 * recursive locking. */
static inline void percpu_rwsem_debug_acquire(struct percpu_rw_semaphore *sem, bool read,
					      bool trylock)
{
	lock_acquire(sem, NULL, read, trylock);
}
static inline void percpu_rwsem_debug_release(struct percpu_rw_semaphore *sem)
{
	lock_release(sem);
}

/* The calling thread's slot: its CPU's, or the last for other threads. */
static __always_inline _Atomic int *percpu_rwsem_slot(struct percpu_rw_semaphore *sem)
{
	struct cpu *c = mmk_this_cpu;
	int s = likely(c) ? c->id : sem->nr_slots - 1;

	return &sem->read_count[s * PERCPU_RWSEM_STRIDE];
}

/* One attempt at the read side; true when held. */
static __always_inline bool __percpu_down_read_trylock(struct percpu_rw_semaphore *sem)
{
	_Atomic int *slot = percpu_rwsem_slot(sem);

	atomic_fetch_add_explicit(slot, 1, memory_order_seq_cst);
	if (likely(!atomic_load_explicit(&sem->block, memory_order_seq_cst)))
		return true;
	atomic_fetch_sub_explicit(slot, 1, memory_order_seq_cst);
	return false;
}

static __always_inline void __percpu_down_read(struct percpu_rw_semaphore *sem)
{
	percpu_rwsem_debug_acquire(sem, true, false);
	if (unlikely(!__percpu_down_read_trylock(sem)))
		__percpu_down_read_slow(sem);
}

static __always_inline bool __percpu_down_read_trylock_dep(struct percpu_rw_semaphore *sem)
{
	if (!__percpu_down_read_trylock(sem))
		return false;
	percpu_rwsem_debug_acquire(sem, true, true);
	return true;
}

static __always_inline void percpu_up_read(struct percpu_rw_semaphore *sem)
{
	_Atomic int *slot = percpu_rwsem_slot(sem);

	percpu_rwsem_debug_release(sem);
	if (likely(mmk_this_cpu)) /* only this thread writes the slot */
		atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) - 1,
				      memory_order_release);
	else
		atomic_fetch_sub_explicit(slot, 1, memory_order_release);
}

#define percpu_down_read(sem) LOCK_SITE(__percpu_down_read(sem))
#define percpu_down_read_trylock(sem) LOCK_SITE(__percpu_down_read_trylock_dep(sem))

#endif
