/*
 * copy_pte.c - fork's copy of the page tables (Linux mm/memory.c
 * copy_page_range, copy_pte_range, copy_present_pte).
 *
 * Only VMAs that may hold anonymous pages (an anon_vma), raw PFNs or guard
 * markers (VM_COPY_ON_FORK) are copied (vma_needs_copy); file and shmem VMAs are left to fault in the
 * child from the page cache.  Each present PTE is copied to the child:
 *   - an anonymous page gets one more reference and mapping and loses
 *     PG_anon_exclusive (folio_try_dup_anon_rmap_pte: no page is pinned in
 *     mmkit, so the dup never fails into an early copy);
 *   - a page-cache page gets one more reference and mapping;
 *   - the zero page is copied as is (no counts);
 *   - in a COW mapping (private, may write) a writable PTE is write-
 *     protected in the parent AND the child, so the first write on either
 *     side faults into do_wp_page;
 *   - the child's PTE is old (not accessed), and clean for shared mappings;
 *   - a swap PTE takes one more reference on its slot (swap_duplicate; past
 *     SWAP_MAP_MAX a continuation page, allocated atomically, or else with
 *     the locks dropped and the copy resumed: -ENOMEM only if that fails
 *     too) and loses its exclusive mark in parent and child (Linux
 *     copy_nonpresent_pte); guard and poisoned markers are copied.
 * The caller (dup_mmap) flushes the parent's TLBs once all VMAs are copied,
 * before the parent can run again (it holds the parent's mmap_lock for
 * write until then; the parent's other threads wait on it serving IPIs).
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/swap.h"

struct copy_ctx {
	struct vm_area_struct *dst_vma, *src_vma;
	long rss[NR_MM_COUNTERS];
	bool nomem;
	swp_entry_t need_cont; /* a continuation page is needed for it */
};

static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

static pte_t copy_present_pte(struct copy_ctx *c, ptep_t src_pte, unsigned long addr)
{
	struct vm_area_struct *src_vma = c->src_vma;
	pte_t pte = ptep_get(src_pte);
	struct page *page = vm_normal_page(src_vma, addr, pte);

	if (page) {
		get_page(page);
		if (PageAnon(page))
			folio_dup_anon_rmap_pte(page);
		else
			folio_add_file_rmap_pte(page, c->dst_vma); /* never VM_LOCKED */
		c->rss[mm_counter(page)]++;
	}
	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_vma->vm_mm, addr, src_pte);
		pte = pte_wrprotect(ptep_get(src_pte));
	}
	if (src_vma->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	return pte_mkold(pte);
}

/* A swap PTE or a marker (Linux copy_nonpresent_pte).  -ENOMEM when the
 * slot's count needs a continuation page the atomic allocation did not get
 * (c->need_cont says for which entry): nothing copied. */
static int copy_nonpresent_pte(struct copy_ctx *c, ptep_t src_pte, ptep_t dst_pte,
			       unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_swap_entry_pte(pte)) {
		if (swap_duplicate(entry) == -ENOMEM) {
			c->need_cont = entry;
			return -ENOMEM;
		}
		if (pte_swp_exclusive(pte)) { /* shared from now on */
			pte = pte_swp_clear_exclusive(pte);
			set_pte_at(c->src_vma->vm_mm, addr, src_pte, pte);
		}
		c->rss[MM_SWAPENTS]++;
	} else if (!is_pte_marker(pte)) {
		return 0; /* no other kind exists in mmkit */
	}
	if (!(c->dst_vma->vm_flags & VM_UFFD_WP))
		pte = __pte(pte_val(pte) & ~_PAGE_SWP_UFFD_WP());
	set_pte_at(c->dst_vma->vm_mm, addr, dst_pte, pte); /* guards survive fork */
	return 0;
}

/* Copy [addr, end) of one table; returns where it stopped (end, or the
 * PTE whose slot needs a continuation page). */
static unsigned long copy_pte_range(struct copy_ctx *c, pmdp_t dst_pmd, pmdp_t src_pmd,
				    unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = c->dst_vma->vm_mm, *src_mm = c->src_vma->vm_mm;
	ptlock_t *dst_ptl, *src_ptl;
	ptep_t dst_pte = pte_offset_map_lock(dst_mm, dst_pmd, addr, &dst_ptl);
	ptep_t src_pte = pte_offset_map_lock(src_mm, src_pmd, addr, &src_ptl);

	for (; addr != end; addr += PAGE_SIZE) {
		pte_t pte = ptep_get(src_pte);

		if (pte_present(pte))
			set_pte_at(dst_mm, addr, dst_pte, copy_present_pte(c, src_pte, addr));
		else if (!pte_none(pte) && copy_nonpresent_pte(c, src_pte, dst_pte, addr))
			break;
		src_pte = pte_next(src_pte);
		dst_pte = pte_next(dst_pte);
	}
	pte_unmap_unlock(src_pte, src_ptl);
	pte_unmap_unlock(dst_pte, dst_ptl);
	return addr;
}

static int copy_pmd(pmdp_t src_pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct copy_ctx *c = walk->private;
	struct mm_struct *dst_mm = c->dst_vma->vm_mm;

	if (pmd_leaf(pmdp_get(src_pmd)))
		return 0; /* no THP: user PMDs are tables */
	p4dp_t p4d = p4d_alloc(dst_mm, pgd_offset(dst_mm, addr), addr);
	pudp_t pud = p4d ? pud_alloc(dst_mm, p4d, addr) : NULL;
	pmdp_t dst_pmd = pud ? pmd_alloc(dst_mm, pud, addr) : NULL;

	if (!dst_pmd || pte_alloc(dst_mm, dst_pmd)) {
		c->nomem = true;
		return -1;
	}
	while ((addr = copy_pte_range(c, dst_pmd, src_pmd, addr, end)) != end) {
		/* locks dropped: a continuation page may wait for memory */
		if (add_swap_count_continuation(c->need_cont, GFP_KERNEL)) {
			c->nomem = true;
			return -1;
		}
	}
	return 0;
}

static const struct mm_walk_ops copy_walk_ops = { .pmd_entry = copy_pmd };

static bool vma_needs_copy(const struct vm_area_struct *dst_vma,
			   const struct vm_area_struct *src_vma)
{
	return (dst_vma->vm_flags & VM_COPY_ON_FORK) || src_vma->anon_vma;
}

int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct copy_ctx c = { .dst_vma = dst_vma, .src_vma = src_vma };
	int i;

	if (!vma_needs_copy(dst_vma, src_vma))
		return 0;
	mmap_assert_write_locked(src_vma->vm_mm);
	mmap_assert_write_locked(dst_vma->vm_mm);
	walk_page_range_vma(src_vma, src_vma->vm_start, src_vma->vm_end, &copy_walk_ops, &c);
	for (i = 0; i < NR_MM_COUNTERS; i++)
		add_mm_counter(dst_vma->vm_mm, i, c.rss[i]);
	return c.nomem ? -ENOMEM : 0;
}
