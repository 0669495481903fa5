/*
 * fork.c - mm_struct lifetime (Linux kernel/fork.c): mm_alloc, the
 * mm_users/mm_count pair (mmget/mmput, mmgrab/mmdrop) and the teardown of an
 * address space when its last user goes (exit_mmap).  dup_mm (fork) comes
 * with copy-on-write.
 *
 * Invariant: mm_count >= 1 while mm_users > 0 (the users hold one mm_count
 * reference together); every live mm is on init_mm.mmlist.
 */
#include <errno.h>
#include <stdlib.h>
#include "mmkit/fault_inject.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/sched.h"

static DEFINE_FAULT_SITE(mm_alloc_fail, "mm_alloc");
static _Atomic unsigned long mm_serial;

static int mm_alloc_pgd(struct mm_struct *mm)
{
	return pgd_alloc(mm);
}

/* A new, empty address space with mm_users = mm_count = 1, on the mmlist.
 * Host calloc until the slab allocator lands (then mm_cachep).  NULL on -ENOMEM. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm;

	if (should_fail(&mm_alloc_fail))
		return NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	spin_lock_init(&mm->page_table_lock);
	init_rwsem(&mm->mmap_lock);
	vt_init(&mm->mm_mt);
	atomic_store(&mm->mm_users, 1);
	atomic_store(&mm->mm_count, 1);
	mm->task_size = mmk_task_size();
	mm->mm_id = atomic_fetch_add(&mm_serial, 1) + 1;
	if (mm_alloc_pgd(mm)) {
		free(mm);
		return NULL;
	}
	spin_lock(&mmlist_lock);
	list_add_tail(&mm->mmlist, &init_mm.mmlist);
	spin_unlock(&mmlist_lock);
	return mm;
}

void mmgrab(struct mm_struct *mm)
{
	atomic_fetch_add(&mm->mm_count, 1);
}

static void __mmdrop(struct mm_struct *mm)
{
	BUG_ON(mm == &init_mm);
	pgd_free(mm);
	vt_destroy(&mm->mm_mt);
	destroy_rwsem(&mm->mmap_lock);
	spin_lock_destroy(&mm->page_table_lock);
	free(mm);
}

/* Drop a reference to the struct; the last one frees it. */
void mmdrop(struct mm_struct *mm)
{
	int old = atomic_fetch_sub(&mm->mm_count, 1);

	BUG_ON(old <= 0);
	if (old == 1)
		__mmdrop(mm);
}

void mmget(struct mm_struct *mm)
{
	BUG_ON(atomic_fetch_add(&mm->mm_users, 1) <= 0);
}

bool mmget_not_zero(struct mm_struct *mm)
{
	int u = atomic_load(&mm->mm_users);

	while (u > 0)
		if (atomic_compare_exchange_weak(&mm->mm_users, &u, u + 1))
			return true;
	return false;
}

/* Remove every VMA; the mm is no longer used by any task.  Takes mmap_lock. */
void exit_mmap(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
	while (mm->mm_mt.first)
		vma_unlink_free(mm, mm->mm_mt.first);
	mm->total_vm = mm->data_vm = mm->exec_vm = mm->stack_vm = 0;
	mm->locked_vm = mm->locked_vm_dontunmap = mm->pinned_vm = 0;
	up_write(&mm->mmap_lock);
}

/* Drop a user; the last one tears the address space down and drops the
 * users' mm_count reference. */
void mmput(struct mm_struct *mm)
{
	int old = atomic_fetch_sub(&mm->mm_users, 1);

	BUG_ON(old <= 0);
	if (old != 1)
		return;
	exit_mmap(mm);
	spin_lock(&mmlist_lock);
	list_del_init(&mm->mmlist);
	spin_unlock(&mmlist_lock);
	mmdrop(mm);
}
