/*
 * init-mm.c - init_mm, the kernel's own address space (Linux mm/init-mm.c).
 *
 * Its page tables are the kernel half that every mm shares; arch/x86/init.c
 * builds them at INIT_PAGING (pgd, the direct map) and every CPU starts with
 * init_mm loaded.  Fields are grouped as in struct mm_struct; the
 * address-space helpers add theirs below the paging group.
 */
#include "mmkit/mm_types.h"

struct mm_struct init_mm = {
	/* --- page tables --- */
	.pgd = NULL,                    /* set by paging_init */
	.page_table_lock = { PTHREAD_MUTEX_INITIALIZER },
	.pgtables_bytes = 0,
	.cpu_bitmap = 0,
};
