/*
 * percpu_rwsem.c - the allocation, writer side and reader slow path of the
 * per-CPU reader-writer semaphore (Linux kernel/locking/percpu-rwsem.c; the
 * protocol and its rules are in include/mmkit/percpu_rwsem.h).
 *
 * Waiting: like Linux's sleeping locks, a waiter serves every IPI between
 * attempts (machine/locking.c has the same rule for rw_semaphore), so a
 * reader that holds the lock while it waits for a TLB shootdown on the
 * writer's CPU cannot deadlock with the writer waiting for it to leave.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/percpu_rwsem.h"

static DEFINE_FAULT_SITE(percpu_rwsem_fail, "percpu_rwsem_alloc");

int percpu_init_rwsem(struct percpu_rw_semaphore *sem)
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

/* One pass of a wait: serve this CPU's IPIs, then let the host run others
 * (the machine may have more simulated CPUs than host cores). */
static void wait_pass(unsigned int *spins)
{
	if (mmk && mmk_this_cpu)
		cpu_handle_ipis();
	if (++*spins > 16)
		sched_yield();
	else
		__builtin_ia32_pause();
}

/* The writer's mutex, waited for as a sleeping lock. */
static void writer_lock(struct percpu_rw_semaphore *sem)
{
	unsigned int spins = 0;

	while (pthread_mutex_trylock(&sem->writer))
		wait_pass(&spins);
}

/* A reader found block set: wait until the writer is gone, then retry. */
void __percpu_down_read_slow(struct percpu_rw_semaphore *sem)
{
	unsigned int spins = 0;

	do {
		while (atomic_load_explicit(&sem->block, memory_order_relaxed))
			wait_pass(&spins);
	} while (!__percpu_down_read_trylock(sem));
}

void percpu_down_write(struct percpu_rw_semaphore *sem)
{
	unsigned int spins = 0;

	percpu_rwsem_debug_acquire(sem);
	writer_lock(sem);
	atomic_store_explicit(&sem->block, 1, memory_order_seq_cst);
	while (readers_active(sem))
		wait_pass(&spins);
}

bool percpu_down_write_trylock(struct percpu_rw_semaphore *sem)
{
	if (pthread_mutex_trylock(&sem->writer))
		return false;
	atomic_store_explicit(&sem->block, 1, memory_order_seq_cst);
	if (readers_active(sem)) {
		atomic_store_explicit(&sem->block, 0, memory_order_release);
		pthread_mutex_unlock(&sem->writer);
		return false;
	}
	percpu_rwsem_debug_acquire(sem);
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
	atomic_fetch_add_explicit(percpu_rwsem_slot(sem), 1, memory_order_seq_cst);
	atomic_store_explicit(&sem->block, 0, memory_order_seq_cst);
	pthread_mutex_unlock(&sem->writer);
}

#ifdef CONFIG_DEBUG_VM
/* The semaphores this host thread holds (read or write): a second
 * acquisition of one of them is the nesting the rules forbid. */
#define HELD_MAX 8
static __thread struct percpu_rw_semaphore *held[HELD_MAX];

void percpu_rwsem_debug_acquire(struct percpu_rw_semaphore *sem)
{
	int free_slot = -1;

	for (int i = 0; i < HELD_MAX; i++) {
		if (held[i] == sem)
			mmk_bug(__FILE__, __LINE__,
				"percpu_rw_semaphore taken again by its holder (recursive locking)");
		if (!held[i] && free_slot < 0)
			free_slot = i;
	}
	BUG_ON(free_slot < 0);
	held[free_slot] = sem;
}

void percpu_rwsem_debug_release(struct percpu_rw_semaphore *sem)
{
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i] == sem) {
			held[i] = NULL;
			return;
		}
	mmk_bug(__FILE__, __LINE__, "percpu_rw_semaphore released by a thread that does not hold it");
}
#endif
