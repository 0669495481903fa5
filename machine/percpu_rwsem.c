/*
 * percpu_rwsem.c - the allocation, writer side and reader slow path of the
 * per-CPU reader-writer semaphore (Linux kernel/locking/percpu-rwsem.c; the
 * protocol and its rules are in include/mmkit/percpu_rwsem.h).
 *
 * Waiting: like Linux's sleeping locks, a waiter serves every IPI between
 * attempts (wait_until with IPI_ALL, as rw_semaphore waiters), so a
 * reader that holds the lock while it waits for a TLB shootdown on the
 * writer's CPU cannot deadlock with the writer waiting for it to leave.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/percpu_rwsem.h"
#include "mmkit/wait.h"

static DEFINE_FAULT_SITE(percpu_rwsem_fail, "percpu_rwsem_alloc");

int __percpu_init_rwsem(struct percpu_rw_semaphore *sem, const char *name, const char *file)
{
	int slots = mmk->nr_cpus + 1;
	size_t size = (size_t)slots * PERCPU_RWSEM_STRIDE * sizeof(int);

	if (should_fail(&percpu_rwsem_fail))
		return -ENOMEM;
	sem->read_count = aligned_alloc(64, size);
	if (!sem->read_count)
		return -ENOMEM;
	memset((void *)sem->read_count, 0, size);
	sem->nr_slots = slots;
	atomic_store_explicit(&sem->block, 0, memory_order_relaxed);
	pthread_mutex_init(&sem->writer, NULL);
	lockdep_init_lock(sem, name, file, IPI_ALL);
	return 0;
}

void percpu_free_rwsem(struct percpu_rw_semaphore *sem)
{
	if (!sem->read_count)
		return;
	BUG_ON(percpu_rwsem_is_locked(sem));
	pthread_mutex_destroy(&sem->writer);
	free((void *)sem->read_count);
	sem->read_count = NULL;
}

/* The number of readers inside: the sum over all slots. */
static int readers_active(struct percpu_rw_semaphore *sem)
{
	int sum = 0;

	for (int s = 0; s < sem->nr_slots; s++)
		sum += atomic_load_explicit(&sem->read_count[s * PERCPU_RWSEM_STRIDE],
					    memory_order_seq_cst);
	return sum;
}

bool percpu_rwsem_is_locked(struct percpu_rw_semaphore *sem)
{
	return atomic_load_explicit(&sem->block, memory_order_relaxed) || readers_active(sem);
}

/* Waiters of every kind serve every IPI (a sleeping lock), then yield the
 * host core: the machine may have more simulated CPUs than host cores. */
#define PERCPU_RWSEM_SPINS 16

static bool writer_try(void *sem)
{
	return pthread_mutex_trylock(&((struct percpu_rw_semaphore *)sem)->writer) == 0;
}

static const struct wait_ops writer_wait = { .done = writer_try, .spins = PERCPU_RWSEM_SPINS };

/* A reader found block set: wait until the writer is gone and retry. */
static bool reader_try(void *arg)
{
	struct percpu_rw_semaphore *sem = arg;

	return !atomic_load_explicit(&sem->block, memory_order_relaxed) &&
	       __percpu_down_read_trylock(sem);
}

static const struct wait_ops reader_wait = { .done = reader_try, .spins = PERCPU_RWSEM_SPINS };

void __percpu_down_read_slow(struct percpu_rw_semaphore *sem)
{
	wait_until(&reader_wait, sem, IPI_ALL);
}

static bool readers_gone(void *sem) { return !readers_active(sem); }

static const struct wait_ops readers_wait = { .done = readers_gone, .spins = PERCPU_RWSEM_SPINS };

void __percpu_down_write(struct percpu_rw_semaphore *sem)
{
	percpu_rwsem_debug_acquire(sem, false, false);
	wait_until(&writer_wait, sem, IPI_ALL);
	atomic_store_explicit(&sem->block, 1, memory_order_seq_cst);
	wait_until(&readers_wait, sem, IPI_ALL);
	lock_acquired_write(sem);
}

bool __percpu_down_write_trylock(struct percpu_rw_semaphore *sem)
{
	if (pthread_mutex_trylock(&sem->writer))
		return false;
	atomic_store_explicit(&sem->block, 1, memory_order_seq_cst);
	if (readers_active(sem)) {
		atomic_store_explicit(&sem->block, 0, memory_order_release);
		pthread_mutex_unlock(&sem->writer);
		return false;
	}
	percpu_rwsem_debug_acquire(sem, false, true);
	lock_acquired_write(sem);
	return true;
}

void percpu_up_write(struct percpu_rw_semaphore *sem)
{
	percpu_rwsem_debug_release(sem);
	atomic_store_explicit(&sem->block, 0, memory_order_seq_cst);
	pthread_mutex_unlock(&sem->writer);
}

void percpu_downgrade_write(struct percpu_rw_semaphore *sem)
{
	lock_downgrade(sem);
	atomic_fetch_add_explicit(percpu_rwsem_slot(sem), 1, memory_order_seq_cst);
	atomic_store_explicit(&sem->block, 0, memory_order_seq_cst);
	pthread_mutex_unlock(&sem->writer);
}
