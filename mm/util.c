/*
 * util.c - overcommit accounting (Linux mm/util.c __vm_enough_memory,
 * vm_commit_limit, vm_memory_committed; include/linux/mman.h
 * vm_acct_memory).
 *
 * Committed_AS (vm_committed_as) counts the pages the kernel has promised:
 * every private writable mapping (VM_ACCOUNT: mmap, brk, the stack, exec's
 * image, fork's copies, mprotect making one writable, mremap growth) and
 * every shared anonymous or SysV-like shmem object without MAP_NORESERVE
 * (shmem_acct_size).  A charge goes through __vm_enough_memory, which
 * counts it first and then decides by vm.overcommit_memory:
 *   0 (OVERCOMMIT_GUESS)  refuse only a single request above RAM + swap;
 *   1 (OVERCOMMIT_ALWAYS) never refuse;
 *   2 (OVERCOMMIT_NEVER)  refuse once Committed_AS would reach CommitLimit
 *      (overcommit_kbytes, else RAM * overcommit_ratio / 100, plus swap),
 *      less admin_reserve_kbytes for tasks without CAP_SYS_ADMIN and
 *      min(total_vm / 32, user_reserve_kbytes) of the caller's own mm.
 * A refused charge is taken back, logged as Linux 6.18 logs it, and the
 * call fails with ENOMEM.  Releases (munmap, exit, mprotect read-only of an
 * unfaulted anonymous mapping, shmem eviction) go through vm_unacct_memory.
 *
 * The counter is one exact atomic (Linux: a percpu_counter whose check
 * reads the folded part), so verify can check it: Committed_AS equals the
 * VM_ACCOUNT pages of every mm plus the shmem charges (the "commit" check).
 * Not modelled: tmpfs files' per-page charges (shmem_acct_blocks; mmkit's
 * tmpfs files charge nothing), hugetlb.
 */
#include <errno.h>
#include <stdlib.h>
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

int sysctl_overcommit_memory; /* OVERCOMMIT_GUESS */
int sysctl_overcommit_ratio = 50;
unsigned long sysctl_overcommit_kbytes;
unsigned long sysctl_admin_reserve_kbytes;
unsigned long sysctl_user_reserve_kbytes;
static _Atomic long vm_committed_as;
_Atomic long shmem_committed; /* shmem's part, for verify */

void vm_acct_memory(long pages) { atomic_fetch_add(&vm_committed_as, pages); }

void vm_unacct_memory(long pages) { atomic_fetch_sub(&vm_committed_as, pages); }

unsigned long vm_memory_committed(void)
{
	long v = atomic_load(&vm_committed_as);

	return v < 0 ? 0 : (unsigned long)v;
}

unsigned long vm_commit_limit(void)
{
	unsigned long allowed;

	if (READ_ONCE(sysctl_overcommit_kbytes))
		allowed = READ_ONCE(sysctl_overcommit_kbytes) >> (PAGE_SHIFT - 10);
	else
		allowed =
			totalram_pages() * (unsigned long)READ_ONCE(sysctl_overcommit_ratio) / 100;
	return allowed + (unsigned long)READ_ONCE(total_swap_pages);
}

int __vm_enough_memory(const struct mm_struct *mm, long pages, bool cap_sys_admin)
{
	struct task_struct *t = this_cpu() ? current : NULL;
	long allowed;

	vm_acct_memory(pages);
	switch (READ_ONCE(sysctl_overcommit_memory)) {
	case OVERCOMMIT_ALWAYS:
		return 0;
	case OVERCOMMIT_GUESS:
		if (pages > (long)(totalram_pages() + (unsigned long)READ_ONCE(total_swap_pages)))
			goto error;
		return 0;
	}
	allowed = (long)vm_commit_limit();
	if (!cap_sys_admin) /* reserve some for root */
		allowed -= (long)(READ_ONCE(sysctl_admin_reserve_kbytes) >> (PAGE_SHIFT - 10));
	if (mm) { /* don't let a single process grow so big a user can't recover */
		long reserve = (long)(READ_ONCE(sysctl_user_reserve_kbytes) >> (PAGE_SHIFT - 10));

		allowed -= min((long)(READ_ONCE(mm->total_vm) / 32), reserve);
	}
	if (atomic_load(&vm_committed_as) < allowed)
		return 0;
error:
	printk("__vm_enough_memory: pid: %d, comm: %s, bytes: %lu not enough memory for the allocation\n",
	       t ? t->pid : 0, t ? t->comm : "swapper/0", (unsigned long)pages << PAGE_SHIFT);
	vm_unacct_memory(pages);
	return -ENOMEM;
}

int vm_enough_memory(long pages)
{
	struct task_struct *t = this_cpu() ? current : NULL;

	/* cap_vm_enough_memory: CAP_SYS_ADMIN in the initial namespace */
	return __vm_enough_memory(t ? t->mm : NULL, pages, capable(CAP_SYS_ADMIN));
}

/* Linux init_admin_reserve / init_user_reserve: 1/32 of the free memory
 * at boot, at most 8 MiB and 128 MiB. */
static int overcommit_init(void)
{
	unsigned long free_kbytes = global_zone_page_state(NR_FREE_PAGES) << (PAGE_SHIFT - 10);

	sysctl_admin_reserve_kbytes = min(free_kbytes / 32, 1UL << 13);
	sysctl_user_reserve_kbytes = min(free_kbytes / 32, 1UL << 17);
	atomic_store(&vm_committed_as, 0);
	atomic_store(&shmem_committed, 0);
	return 0;
}

static void overcommit_exit(void)
{
	sysctl_overcommit_memory = OVERCOMMIT_GUESS;
	sysctl_overcommit_ratio = 50;
	sysctl_overcommit_kbytes = 0;
}
mmk_initcall(INIT_MM + 3, overcommit_init, overcommit_exit);

/* verify "commit": Committed_AS is the VM_ACCOUNT pages of every mm plus
 * shmem's charges (with the machine quiescent). */
static void verify_commit(struct verify_ctx *v)
{
	size_t n = 0, i;
	struct mm_struct **mms = mmlist_snapshot(&n);
	long sum = atomic_load(&shmem_committed);

	for (i = 0; i < n; i++) {
		struct vm_area_struct *vma;

		mmap_read_lock(mms[i]);
		for_each_vma(mms[i], vma)
			if (vma->vm_flags & VM_ACCOUNT)
				sum += (long)vma_pages(vma);
		mmap_read_unlock(mms[i]);
	}
	free(mms);
	if (sum != atomic_load(&vm_committed_as))
		verify_fail(v, "Committed_AS %ld pages, but VM_ACCOUNT VMAs and shmem hold %ld",
			    atomic_load(&vm_committed_as), sum);
}
VERIFY_CHECK(commit_check, "commit", 70, verify_commit);
