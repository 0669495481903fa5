/*
 * lockdep.h - the lock validator (machine/lockdep.c), after Linux's lockdep,
 * and the lock assertions built on it.  Debug builds only (CONFIG_LOCKDEP,
 * set with CONFIG_DEBUG_VM): in other builds every hook below is an empty
 * inline and the lock types carry no extra field.
 *
 * Every lock has a class: its name (the expression it was initialised from,
 * "&zone->lock", or the name it was defined with).  Each thread (simulated
 * CPU or host thread) keeps the stack of locks it holds.  An acquisition
 * while holding other locks records the dependency "held -> new" with the
 * acquisition chain of the first time it was seen, and is checked:
 *   - a cycle in the dependency graph (an inversion: A -> B seen once and
 *     B -> A now) is reported with both chains;
 *   - against the lock-order tree of mm/rmap.c (lockdep_load_order): a
 *     nesting the tree orders the other way, or one it does not list;
 *   - taking a lock this thread already holds (recursive locking).
 * IPIs are the interrupts: a lock taken inside an IPI handler must not be
 * held at an interrupt point that serves that handler's class (the CPU
 * would deadlock with itself), and an IPI must not be sent and waited for
 * while holding a lock whose waiters do not serve it (a CPU spinning on
 * that lock would never answer).  A report goes to the kernel log and
 * stops the machine with a BUG, unless a test cleared lockdep_fatal.
 */
#ifndef MMKIT_LOCKDEP_H
#define MMKIT_LOCKDEP_H

#include "mmkit/compiler.h"
#include "mmkit/wait.h"

/* A class the validator knows a lock by.  Locks of the lock types
 * (spinlock_t, rw_semaphore, percpu_rw_semaphore) carry nothing: their
 * class and owner are kept in a table keyed by the lock's address, filled
 * when the lock is initialised, so that debug and release builds lay out
 * every structure alike (the golden outputs print physical addresses that
 * depend on the sizes of slab objects).  Bit locks and the PTE lock, one
 * class each, pass a static map. */
struct lockdep_map {
	const char *name;    /* the class */
	const char *file;    /* where the lock was defined */
	enum ipi_class wait; /* the IPIs its waiters serve */
	int id;		     /* class id, assigned on first use */
};
#define LOCKDEP_MAP_INIT(n, w)                                      \
	{                                                           \
		.name = (n), .file = __FILE__, .wait = (w), .id = 0 \
	}

#ifdef CONFIG_LOCKDEP
extern __thread const char *lockdep_site_fn;
extern __thread int lockdep_site_line;
static inline void lockdep_set_site(const char *fn, int line)
{
	lockdep_site_fn = fn;
	lockdep_site_line = line;
}
/* Record the caller's function and line for the next acquisition. */
#define LOCK_SITE(call) (lockdep_set_site(__func__, __LINE__), (call))

/* A lock instance gets its class (named `name`, defined in `file`, whose
 * waiters serve `wait`): at initialisation (spin_lock_init, init_rwsem,
 * percpu_init_rwsem), or, for locks with static storage, from a
 * constructor (lockdep_init_static_lock, kept across machine resets). */
void lockdep_init_lock(const void *lock, const char *name, const char *file, enum ipi_class wait);
void lockdep_init_static_lock(const void *lock, const char *name, const char *file,
			      enum ipi_class wait);
/* Forget every lock instance but the static ones (machine shutdown). */
void lockdep_reset_locks(void);
/* Before waiting for a lock (trylock: after it succeeded): check the new
 * dependencies, then push the lock on this thread's stack.  map: the class
 * of a bit lock or PTE lock; NULL: the lock's class from its initialisation. */
void lock_acquire(const void *lock, struct lockdep_map *map, bool read, bool trylock);
/* The lock was taken for write: this thread is its owner. */
void lock_acquired_write(const void *lock);
/* The lock leaves this thread's stack (it must be there; a lock with an
 * owner must be owned by this thread). */
void lock_release(const void *lock);
/* This thread's write hold becomes a read hold (Linux lock_downgrade). */
void lock_downgrade(const void *lock);
/* Does this thread hold the lock (any mode / for write)? */
bool lock_is_held(const void *lock);
bool lock_is_held_write(const void *lock);
/* A nonzero number unique to this thread (lock owner fields). */
unsigned int lockdep_owner_tag(void);
void lockdep_assert_failed(const char *what, const char *fn, int line);

/* A CPU reaches an interrupt point serving irqs while waiting for
 * `waiting_for` (NULL: none), e.g. in wait_until(). */
void lockdep_interrupt_point(enum ipi_class irqs, const void *waiting_for);
/* An IPI handler of this class starts / ends on this CPU. */
void lockdep_ipi_enter(bool irqsafe);
void lockdep_ipi_exit(void);
/* This CPU sends IPIs of this class and waits until they are served. */
void lockdep_ipi_wait(bool irqsafe);
/* The reference order: an indented tree of class names (a child may be
 * taken while its ancestors are held); `source` names where it is written. */
void lockdep_load_order(const char *tree, const char *source);

/* The caller may sleep (Linux might_sleep): it holds no lock whose waiters
 * do not serve every IPI (spinlock_t, the PTE lock, a bit lock) and runs in
 * no IPI handler.  A blocking allocation may reach the page allocator's
 * slow path, which sends a drain IPI and waits (might_alloc). */
void __might_sleep(const char *fn, int line);
#define might_sleep() __might_sleep(__func__, __LINE__)

/* Tests: reports are fatal unless cleared; count them; forget everything. */
extern bool lockdep_fatal;
int lockdep_reports(void);
void lockdep_reset(void);
/* Every class and dependency seen so far (MMKIT_LOCKDEP_DUMP=FILE: appended
 * to FILE at exit). */
#include <stdio.h>
void lockdep_dump(FILE *out);
#else
#define LOCK_SITE(call) (call)
static inline void lockdep_init_lock(const void *lock, const char *name, const char *file,
				     enum ipi_class wait)
{
}
static inline void lockdep_reset_locks(void) {}
static inline void lock_acquire(const void *lock, struct lockdep_map *map, bool read, bool trylock)
{
}
static inline void lock_acquired_write(const void *lock) {}
static inline void lock_release(const void *lock) {}
static inline void lock_downgrade(const void *lock) {}
static inline void lockdep_interrupt_point(enum ipi_class irqs, const void *waiting_for) {}
static inline void lockdep_ipi_enter(bool irqsafe) {}
static inline void lockdep_ipi_exit(void) {}
static inline void lockdep_ipi_wait(bool irqsafe) {}
static inline void lockdep_load_order(const char *tree, const char *source) {}
#define might_sleep() ((void)0)
#endif

/* Static locks register from a constructor (debug builds). */
#ifdef CONFIG_LOCKDEP
#define LOCKDEP_STATIC_LOCK(id, lockp, name, wait)                           \
	__attribute__((constructor)) static void __lockdep_static_##id(void) \
	{                                                                    \
		lockdep_init_static_lock((lockp), (name), __FILE__, (wait)); \
	}
#else
#define LOCKDEP_STATIC_LOCK(id, lockp, name, wait)
#endif

/* Assertions (Linux lockdep_assert_held): the calling thread holds lock
 * (on its held-lock stack, and, for a lock held for write, in the lock's
 * owner field). */
#ifdef CONFIG_LOCKDEP
#define lockdep_assert_held(l)                                                                    \
	do {                                                                                      \
		if (unlikely(!lock_is_held(l)))                                                   \
			lockdep_assert_failed("lockdep_assert_held(" #l ")", __func__, __LINE__); \
	} while (0)
#define lockdep_assert_held_write(l)                                                         \
	do {                                                                                 \
		if (unlikely(!lock_is_held_write(l)))                                        \
			lockdep_assert_failed("lockdep_assert_held_write(" #l ")", __func__, \
					      __LINE__);                                     \
	} while (0)
#else
#define lockdep_assert_held(l) ((void)sizeof((uintptr_t)(l)))
#define lockdep_assert_held_write(l) ((void)sizeof((uintptr_t)(l)))
#endif

#endif
