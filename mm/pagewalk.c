/*
 * pagewalk.c - walk_page_range and its variants (Linux mm/pagewalk.c): the
 * one descent through page-table ranges in mmkit; include/mmkit/pagewalk.h
 * has the rules the callbacks see.
 *
 * One function per level walks the entries of [addr, end) in a table:
 * next = pXd_addr_end(addr, end); a none or not-present entry is a hole
 * (pte_hole, or with install_pte a table allocated on the way down, as
 * vmap needs); a present one goes to pXd_entry, then, unless the callback
 * asked ACTION_CONTINUE or the entry is a leaf, to the level below when an
 * op below is set, then to pXd_post.  Folded levels are Linux's generic
 * folding (pgtable.h): their offset returns the slot of the level above and
 * their range is the whole parent's, so the same code walks 2, 3, 4 and 5
 * levels.  The PTE level of a walk of a VMA holds the PTE lock while it
 * calls pte_entry/install_pte; kernel and no-VMA walks take none.
 *
 * The hardware's own walk (one address, hardware levels, A/D updates) is
 * the MMU's, machine/mmu.c; this file and that one are the only walks over
 * page-table levels in the tree (scripts/check.sh greps for others).
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"

/* Is there an op at or below the level after pgd / p4d / pud / pmd? */
static bool has_pte_ops(const struct mm_walk_ops *o) { return o->pte_entry || o->install_pte; }

static bool has_pmd_ops(const struct mm_walk_ops *o)
{
	return o->pmd_entry || o->pte_hole || has_pte_ops(o);
}

static bool has_pud_ops(const struct mm_walk_ops *o)
{
	return o->pud_entry || o->pud_post || has_pmd_ops(o);
}

static bool has_p4d_ops(const struct mm_walk_ops *o)
{
	return o->p4d_entry || o->p4d_post || has_pud_ops(o);
}

static int walk_hole(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk)
{
	return walk->ops->pte_hole ? walk->ops->pte_hole(addr, next, depth, walk) : 0;
}

/* One PTE: install_pte for a none entry when set, else pte_entry. */
static int walk_one_pte(ptep_t pte, unsigned long addr, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	pte_t v;
	int err;

	if (ops->install_pte && pte_none(ptep_get(pte))) {
		err = ops->install_pte(addr, addr + PAGE_SIZE, &v, walk);
		if (!err)
			set_pte_at(walk->mm, addr, pte, v);
		return err;
	}
	return ops->pte_entry ? ops->pte_entry(pte, addr, addr + PAGE_SIZE, walk) : 0;
}

static int walk_pte_range(pmdp_t pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	ptlock_t *ptl = NULL;
	ptep_t pte;
	int err = 0;

	if (walk->vma) {
		pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
		if (!pte)
			return 0;
	} else {
		pte = pte_offset_kernel(pmd, addr);
	}
	for (; addr != end; addr += PAGE_SIZE, pte = pte_next(pte)) {
		err = walk_one_pte(pte, addr, walk);
		if (err)
			break;
	}
	if (ptl)
		pte_unmap_unlock(pte, ptl);
	return err;
}

/* A missing table below an entry, allocated for install_pte (vmap). */
static int alloc_pte_table(pmdp_t pmd, struct mm_walk *walk)
{
	return walk->mm == &init_mm ? __pte_alloc_kernel(pmd) : __pte_alloc(walk->mm, pmd);
}

static int walk_pmd_range(pudp_t pud, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	pmdp_t pmd = pmd_offset(pud, addr);
	unsigned long next;
	int err = 0;

	do {
		pmd_t v = pmdp_get(pmd);

		next = pmd_addr_end(addr, end);
		if (pmd_none(v) || !(pmd_val(v) & _PAGE_PRESENT)) {
			if (!ops->install_pte) {
				err = walk_hole(addr, next, 3, walk);
				if (err)
					break;
				continue;
			}
			err = alloc_pte_table(pmd, walk);
			if (err)
				break;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->pmd_entry)
			err = ops->pmd_entry(pmd, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_CONTINUE || pmd_leaf(pmdp_get(pmd)) || !has_pte_ops(ops))
			continue;
		err = walk_pte_range(pmd, addr, next, walk);
		if (err)
			break;
	} while (pmd = pmdp_add(pmd, 1), addr = next, addr != end);
	return err;
}

static int walk_pud_range(p4dp_t p4d, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	pudp_t pud = pud_offset(p4d, addr);
	unsigned long next;
	int err = 0;

	do {
		next = pud_addr_end(addr, end);
		if (pud_none(pudp_get(pud)) || !pud_present(pudp_get(pud))) {
			if (!ops->install_pte) {
				err = walk_hole(addr, next, 2, walk);
				if (err)
					break;
				continue;
			}
			err = __pmd_alloc(walk->mm, pud, addr);
			if (err)
				break;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->pud_entry)
			err = ops->pud_entry(pud, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_CONTINUE || pud_leaf(pudp_get(pud)) || !has_pmd_ops(ops))
			continue;
		err = walk_pmd_range(pud, addr, next, walk);
		if (!err && ops->pud_post)
			err = ops->pud_post(pud, addr, next, walk);
		if (err)
			break;
	} while (pud = pudp_add(pud, 1), addr = next, addr != end);
	return err;
}

static int walk_p4d_range(pgdp_t pgd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	p4dp_t p4d = p4d_offset(pgd, addr);
	unsigned long next;
	int err = 0;

	do {
		next = p4d_addr_end(addr, end);
		if (p4d_none(p4dp_get(p4d)) || !p4d_present(p4dp_get(p4d))) {
			if (!ops->install_pte) {
				err = walk_hole(addr, next, 1, walk);
				if (err)
					break;
				continue;
			}
			err = __pud_alloc(walk->mm, p4d, addr);
			if (err)
				break;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->p4d_entry)
			err = ops->p4d_entry(p4d, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_CONTINUE || !has_pud_ops(ops))
			continue;
		err = walk_pud_range(p4d, addr, next, walk);
		if (!err && ops->p4d_post)
			err = ops->p4d_post(p4d, addr, next, walk);
		if (err)
			break;
	} while (p4d = p4dp_add(p4d, 1), addr = next, addr != end);
	return err;
}

static int walk_pgd_range(unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	pgdp_t pgd = pgd_offset_pgd(walk->pgd, addr);
	unsigned long next;
	int err = 0;

	if (!walk->pgd || addr == end)
		return 0;
	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none(pgdp_get(pgd)) || !pgd_present(pgdp_get(pgd))) {
			if (!ops->install_pte) {
				err = walk_hole(addr, next, 0, walk);
				if (err)
					break;
				continue;
			}
			err = __p4d_alloc(walk->mm, pgd, addr);
			if (err)
				break;
		}
		walk->action = ACTION_SUBTREE;
		if (ops->pgd_entry)
			err = ops->pgd_entry(pgd, addr, next, walk);
		if (err)
			break;
		if (walk->action == ACTION_CONTINUE || !has_p4d_ops(ops))
			continue;
		err = walk_p4d_range(pgd, addr, next, walk);
		if (!err && ops->pgd_post)
			err = ops->pgd_post(pgd, addr, next, walk);
		if (err)
			break;
	} while (pgd = pgdp_add(pgd, 1), addr = next, addr != end);
	return err;
}

/* A walk of a VMA needs its mm's mmap_lock, or, for a file VMA, the file's
 * i_mmap_rwsem: unmap_mapping_pages zaps other mms' tables under it alone,
 * as Linux's unmap_mapping_range does (their tables cannot be freed while
 * the VMA is on the i_mmap list, see free_pgtables); or, for a VMA with
 * anonymous pages, its anon_vma tree's lock: an rmap walk (try_to_unmap)
 * visits other mms' tables under it alone (unmap_region unlinks a VMA from
 * its anon_vmas before freeing its tables, as Linux's free_pgtables). */
static void assert_walk_locked(struct vm_area_struct *vma)
{
#ifdef CONFIG_LOCKDEP
	struct address_space *m = vma->vm_file ? vma->vm_file->f_mapping : NULL;

	if (m && lock_is_held(&m->i_mmap_rwsem))
		return;
	if (vma->anon_vma && lock_is_held(&vma->anon_vma->root->rwsem))
		return;
	mmap_assert_locked(vma->vm_mm);
#endif
}

/* The common case of an rmap walk (folio_referenced, try_to_unmap): one
 * page, pte_entry the only op.  The same descent as walk_pgd_range's for
 * that range (a missing or leaf entry above the PTE ends it, there being
 * no pte_hole to call) without the per-level range loops. */
static bool one_pte_op(const struct mm_walk_ops *o)
{
	return o->pte_entry && !o->pte_hole && !o->install_pte && !o->pmd_entry && !o->pud_entry &&
	       !o->p4d_entry && !o->pgd_entry && !o->pud_post && !o->p4d_post && !o->pgd_post;
}

static int walk_one_pte_vma(unsigned long addr, struct mm_walk *walk)
{
	pgdp_t pgd = pgd_offset_pgd(walk->pgd, addr);
	p4dp_t p4d;
	pudp_t pud;
	pmdp_t pmd;

	if (pgd_none(pgdp_get(pgd)) || !pgd_present(pgdp_get(pgd)))
		return 0;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(p4dp_get(p4d)) || !p4d_present(p4dp_get(p4d)))
		return 0;
	pud = pud_offset(p4d, addr);
	if (pud_none(pudp_get(pud)) || !pud_present(pudp_get(pud)) || pud_leaf(pudp_get(pud)))
		return 0;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(pmdp_get(pmd)) || !(pmd_val(pmdp_get(pmd)) & _PAGE_PRESENT) ||
	    pmd_leaf(pmdp_get(pmd)))
		return 0;
	return walk_pte_range(pmd, addr, addr + PAGE_SIZE, walk);
}

int walk_page_range_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = {
		.ops = ops, .mm = vma->vm_mm, .pgd = vma->vm_mm->pgd, .vma = vma, .private = private
	};

	if (start >= end || !walk.pgd)
		return 0;
	assert_walk_locked(vma);
	if (end - start == PAGE_SIZE && one_pte_op(ops))
		return walk_one_pte_vma(start, &walk);
	return walk_pgd_range(start, end, &walk);
}

int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .mm = mm, .pgd = mm->pgd, .private = private };
	struct vm_area_struct *vma;
	int err = 0;

	if (start >= end)
		return -EINVAL;
	mmap_assert_locked(mm);
	vma = find_vma(mm, start);
	while (!err && start < end) {
		unsigned long next;

		walk.vma = NULL;
		if (!vma || vma->vm_start >= end) { /* a gap to the end */
			next = end;
			err = walk_hole(start, next, -1, &walk);
		} else if (start < vma->vm_start) { /* a gap before vma */
			next = vma->vm_start;
			err = walk_hole(start, next, -1, &walk);
		} else {
			walk.vma = vma;
			next = min(end, vma->vm_end);
			if (walk.pgd)
				err = walk_pgd_range(start, next, &walk);
			vma = vma->vm_next;
		}
		start = next;
	}
	return err;
}

int walk_page_range_novma(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct mm_walk_ops *ops, void *pgd, void *private)
{
	struct mm_walk walk = {
		.ops = ops, .mm = mm, .pgd = pgd ? pgd : mm->pgd, .private = private
	};

	if (start == end)
		return 0;
	return walk_pgd_range(start, end, &walk);
}

int walk_kernel_page_table_range(unsigned long start, unsigned long end,
				 const struct mm_walk_ops *ops, void *private)
{
	return walk_page_range_novma(&init_mm, start, end, ops, init_mm.pgd, private);
}
