/*
 * init-mm.c - init_mm, the kernel's own address space (Linux mm/init-mm.c).
 *
 * Its page tables are the kernel half that every mm shares; arch/x86/init.c
 * builds them at INIT_PAGING (pgd, the direct map) and every CPU starts with
 * init_mm loaded.  Its mmlist is the list of every mm (Linux links only
 * swapped mms there; mmkit links all, so verify and /proc can find them).
 */
#include <stdlib.h>
#include "mmkit/sched.h"

DEFINE_PERCPU_RWSEM_STORAGE(init_mm_mmap_lock_slots);

struct mm_struct init_mm = {
	/* --- page tables --- */
	.pgd = NULL, /* set by paging_init */
	.page_table_lock = __SPIN_LOCK_UNLOCKED(init_mm.page_table_lock),
	.pgtables_bytes = 0,
	.cpu_bitmap = 0,
	/* --- address space --- */
	.mmap_lock = PERCPU_RWSEM_INITIALIZER(init_mm_mmap_lock_slots),
	.mm_users = 2,
	.mm_count = 1,
	.mmlist = LIST_HEAD_INIT(init_mm.mmlist),
};
DEFINE_SPINLOCK(mmlist_lock);
LOCKDEP_STATIC_LOCK(init_mm_ptl, &init_mm.page_table_lock, "init_mm.page_table_lock", IPI_IRQSAFE)
LOCKDEP_STATIC_LOCK(init_mm_mmap_lock, &init_mm.mmap_lock, "init_mm.mmap_lock", IPI_ALL)

struct mm_struct **mmlist_snapshot(size_t *n)
{
	struct mm_struct **mms = NULL, *mm;
	size_t count = 0, i = 0;

	spin_lock(&mmlist_lock);
	list_for_each_entry(mm, &init_mm.mmlist, mmlist)
		count++;
	if (count)
		mms = malloc(count * sizeof(struct mm_struct *));
	if (mms)
		list_for_each_entry(mm, &init_mm.mmlist, mmlist)
			mms[i++] = mm;
	spin_unlock(&mmlist_lock);
	*n = i;
	return mms;
}
