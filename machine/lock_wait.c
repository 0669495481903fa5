/*
 * lock_wait.c - the slow paths of the locks a simulated CPU may wait on
 * while another CPU holding them shoots down TLBs: rw_semaphores (mmap_lock,
 * anon_vma, i_mmap: sleeping locks in Linux, so the waiting CPU still takes
 * interrupts) and split PTE locks (spinlocks taken with interrupts enabled).
 *
 * A host thread blocked in pthread_*_lock could not serve the IPI its
 * holder waits for, and the two CPUs would deadlock; so waiters poll with
 * trylock, serving this CPU's pending IPIs between attempts and yielding
 * the host core (the machine has more simulated CPUs than host cores).
 * Threads that are not simulated CPUs (this_cpu() == NULL) just poll.
 */
#include <sched.h>
#include "mmkit/machine.h"
#include "mmkit/pgtable.h"

static void lock_wait_once(unsigned int *spins)
{
	if (this_cpu())
		cpu_handle_ipis();
	if (++*spins > 16)
		sched_yield();
	else
		__builtin_ia32_pause();
}

void __down_read_slow(struct rw_semaphore *s)
{
	unsigned int spins = 0;

	while (pthread_rwlock_tryrdlock(&s->l))
		lock_wait_once(&spins);
}

void __down_write_slow(struct rw_semaphore *s)
{
	unsigned int spins = 0;

	while (pthread_rwlock_trywrlock(&s->l))
		lock_wait_once(&spins);
}

void __ptl_lock_slow(ptlock_t *l)
{
	unsigned int spins = 0;

	for (;;) {
		if (!atomic_load_explicit(l, memory_order_relaxed) && ptl_trylock(l))
			return;
		lock_wait_once(&spins);
	}
}
