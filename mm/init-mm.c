/*
 * init-mm.c - init_mm, the kernel's own address space (Linux mm/init-mm.c).
 * Its mmlist is the list of every mm (Linux links only swapped mms there;
 * mmkit links all, so verify and /proc can find them).  The paging code
 * fills pgd at INIT_PAGING.
 */
#include "mmkit/sched.h"

struct mm_struct init_mm = {
	.page_table_lock = { PTHREAD_MUTEX_INITIALIZER },
	.mmap_lock = { PTHREAD_RWLOCK_INITIALIZER },
	.mm_users = 2,
	.mm_count = 1,
	.mmlist = LIST_HEAD_INIT(init_mm.mmlist),
};
spinlock_t mmlist_lock = { PTHREAD_MUTEX_INITIALIZER };
