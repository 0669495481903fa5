/*
 * init-mm.c - init_mm, the kernel's own address space (Linux mm/init-mm.c).
 *
 * Its page tables are the kernel half that every mm shares; arch/x86/init.c
 * builds them at INIT_PAGING (pgd, the direct map) and every CPU starts with
 * init_mm loaded.  Its mmlist is the list of every mm (Linux links only
 * swapped mms there; mmkit links all, so verify and /proc can find them).
 */
#include "mmkit/sched.h"

DEFINE_PERCPU_RWSEM_STORAGE(init_mm_mmap_lock_slots);

struct mm_struct init_mm = {
	/* --- page tables --- */
	.pgd = NULL,                    /* set by paging_init */
	.page_table_lock = { PTHREAD_MUTEX_INITIALIZER },
	.pgtables_bytes = 0,
	.cpu_bitmap = 0,
	/* --- address space --- */
	.mmap_lock = PERCPU_RWSEM_INITIALIZER(init_mm_mmap_lock_slots),
	.mm_users = 2,
	.mm_count = 1,
	.mmlist = LIST_HEAD_INIT(init_mm.mmlist),
};
spinlock_t mmlist_lock = { PTHREAD_MUTEX_INITIALIZER };
