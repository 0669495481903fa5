/*
 * pagewalk.h - the one walker of page-table ranges (mm/pagewalk.c, Linux
 * include/linux/pagewalk.h): walk_page_range and its variants call the
 * ops' callbacks at each level of Linux's generic tables (pgd, p4d, pud,
 * pmd, pte; a folded level passes the same slot on), so code that visits
 * page tables says what it does per entry and never writes the descent.
 *
 * Per level, for each entry of the range (addr, next = the end of the
 * entry's range within the walk):
 *   none or not present  pte_hole(addr, next, depth, walk), depth 0..3 for
 *                        pgd..pmd, 4 for a pte (only when the op is set);
 *                        with install_pte set, the missing table is
 *                        allocated instead and the walk goes on below it
 *   present              pXd_entry(slot, addr, next, walk); then, unless
 *                        the callback set walk->action = ACTION_CONTINUE or
 *                        the entry is a leaf, the level below is walked if
 *                        an op below is set, and then pXd_post (mmkit: the
 *                        table below was walked; free_pgtables frees it)
 *   pte level            pte_entry(pte, addr, addr + PAGE_SIZE, walk) for
 *                        every PTE of the table, with the PTE lock held for
 *                        a walk of a VMA; install_pte for a none PTE when
 *                        set (its result is stored, as Linux 6.14+)
 * A callback returning nonzero stops the walk with that value.  Most mm
 * users set pmd_entry alone and take the PTE lock themselves (zap, smaps,
 * mprotect), as Linux's mincore and smaps do.
 *
 * Locking: a walk of a VMA needs its mm's mmap_lock (checked); a walk
 * without VMA (walk_page_range_novma, verify) reads tables the caller keeps
 * alive; the kernel variant walks init_mm's tables (vmalloc's ranges).
 */
#ifndef MMKIT_PAGEWALK_H
#define MMKIT_PAGEWALK_H

#include "mmkit/pgtable.h"

struct mm_walk;

struct mm_walk_ops {
	int (*pgd_entry)(pgdp_t pgd, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*p4d_entry)(p4dp_t p4d, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pud_entry)(pudp_t pud, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pmd_entry)(pmdp_t pmd, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pte_entry)(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pte_hole)(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk);
	/* Fill *pte for a none PTE; missing tables are allocated (-ENOMEM). */
	int (*install_pte)(unsigned long addr, unsigned long next, pte_t *pte,
			   struct mm_walk *walk);
	/* mmkit: after the table below a pud / p4d / pgd entry was walked. */
	int (*pud_post)(pudp_t pud, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*p4d_post)(p4dp_t p4d, unsigned long addr, unsigned long next, struct mm_walk *walk);
	int (*pgd_post)(pgdp_t pgd, unsigned long addr, unsigned long next, struct mm_walk *walk);
};

enum page_walk_action {
	ACTION_SUBTREE = 0,  /* descend into the entry (the default) */
	ACTION_CONTINUE = 1, /* skip the level below this entry */
};

struct mm_walk {
	const struct mm_walk_ops *ops;
	struct mm_struct *mm;
	void *pgd;		      /* the top-level table walked */
	struct vm_area_struct *vma;   /* NULL for a walk without VMA */
	enum page_walk_action action; /* set by a pXd_entry callback */
	void *private;
};

/* [start, end) of one VMA of vma->vm_mm, start..end inside it.  Caller
 * holds mmap_lock.  Returns 0 or the first nonzero callback result. */
int walk_page_range_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			const struct mm_walk_ops *ops, void *private);
/* Every VMA of mm that overlaps [start, end): the ops see each VMA's part
 * (walk->vma), gaps go to pte_hole with depth -1.  Caller holds mmap_lock. */
int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private);
/* The tables of pgd (mm's when NULL) over [start, end), no VMAs and no PTE
 * lock (verify; Linux's ptdump).  end 0 means the top of the address
 * space. */
int walk_page_range_novma(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct mm_walk_ops *ops, void *pgd, void *private);
/* init_mm's tables over [start, end) (vmalloc; Linux
 * walk_kernel_page_table_range).  With install_pte, missing tables are
 * allocated (Linux's vmap does this with its own ladder). */
int walk_kernel_page_table_range(unsigned long start, unsigned long end,
				 const struct mm_walk_ops *ops, void *private);

#endif
