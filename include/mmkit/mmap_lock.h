/*
 * mmap_lock.h - the mm's mmap_lock, through Linux's wrappers
 * (include/linux/mmap_lock.h).  Read: looking at the VMAs and faulting;
 * write: changing them.  mmkit's mmap_lock is a percpu_rw_semaphore
 * (include/mmkit/percpu_rwsem.h) where Linux's is an rw_semaphore: the same
 * exclusion, but a reader writes only its own CPU's line, so faults of one
 * mm on several CPUs do not bounce a shared lock word (docs/ARCHITECTURE.md
 * "mmap_lock").  Readers do not nest; a waiter serves IPIs.  mmap_read_lock
 * and friends are macros in debug builds, so that the lock validator
 * records their callers.
 */
#ifndef MMKIT_MMAP_LOCK_H
#define MMKIT_MMAP_LOCK_H

#include "mmkit/mm_types.h"

/* Allocate the lock's per-CPU slots: 0 or -ENOMEM (nothing held). */
static inline int mmap_init_lock(struct mm_struct *mm) { return percpu_init_rwsem(&mm->mmap_lock); }
static inline void mmap_destroy_lock(struct mm_struct *mm) { percpu_free_rwsem(&mm->mmap_lock); }

static inline void __mmap_read_lock(struct mm_struct *mm) { __percpu_down_read(&mm->mmap_lock); }
static inline void mmap_read_unlock(struct mm_struct *mm) { percpu_up_read(&mm->mmap_lock); }
static inline void __mmap_write_lock(struct mm_struct *mm) { __percpu_down_write(&mm->mmap_lock); }
#define mmap_read_lock(mm) LOCK_SITE(__mmap_read_lock(mm))
/* One attempt (the OOM reaper's): true when held for read. */
#define mmap_read_trylock(mm) percpu_down_read_trylock(&(mm)->mmap_lock)
#define mmap_write_lock(mm) LOCK_SITE(__mmap_write_lock(mm))
static inline void mmap_write_unlock(struct mm_struct *mm) { percpu_up_write(&mm->mmap_lock); }
/* Write to read without letting a writer in between (munmap's page side). */
static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	percpu_downgrade_write(&mm->mmap_lock);
}

/* The caller holds mmap_lock (for read or write / for write): checked in
 * debug builds by the lock validator, nothing in release builds (Linux
 * mmap_assert_locked, mmap_assert_write_locked). */
#ifdef CONFIG_LOCKDEP
#define mmap_assert_locked(mm)                                                                    \
	do {                                                                                      \
		if (unlikely(!lock_is_held(&(mm)->mmap_lock)))                                    \
			lockdep_assert_failed("mmap_assert_locked(" #mm ")", __func__, __LINE__); \
	} while (0)
#define mmap_assert_write_locked(mm)                                                         \
	do {                                                                                 \
		if (unlikely(!lock_is_held_write(&(mm)->mmap_lock)))                         \
			lockdep_assert_failed("mmap_assert_write_locked(" #mm ")", __func__, \
					      __LINE__);                                     \
	} while (0)
#else
#define mmap_assert_locked(mm) ((void)sizeof((uintptr_t)(mm)))
#define mmap_assert_write_locked(mm) ((void)sizeof((uintptr_t)(mm)))
#endif
/* mmkit has no per-VMA locks: a VMA changes under its mm's mmap_lock held
 * for write, which is what Linux checks without CONFIG_PER_VMA_LOCK. */
#define vma_assert_write_locked(vma) mmap_assert_write_locked((vma)->vm_mm)

#endif
