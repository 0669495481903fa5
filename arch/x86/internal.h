/*
 * internal.h - what arch/x86 files share among themselves only.
 */
#ifndef MMKIT_ARCH_X86_INTERNAL_H
#define MMKIT_ARCH_X86_INTERNAL_H

struct mm_struct;

/* Free every page table of mm, the top level included (init_mm at shutdown).
 * Every CPU must have stopped using it. */
void pgtable_free_all(struct mm_struct *mm);

#endif
