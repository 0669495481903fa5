/*
 * zap.c - tearing user mappings down (Linux mm/memory.c unmap_vmas,
 * zap_pte_range, free_pgd_range); the batching is mm/mmu_gather.c.
 *
 * Unmapping is three steps, in Linux's order:
 *   1. zap: clear each PTE of the range (atomically, so a Dirty bit the MMU
 *      sets meanwhile is seen), drop the page's mapcount and the mm's RSS,
 *      and gather the page in an mmu_gather batch instead of freeing it;
 *   2. flush: shoot down the TLB entries of the range on every CPU that may
 *      hold them (flush_tlb_mm_range; an IPI to the CPUs in mm->cpu_bitmap,
 *      each served before the sender goes on);
 *   3. free: drop the gathered pages' references, freeing them.
 * So no CPU can reach a page through a stale TLB entry once it is free.  A
 * gather holds ~9678 pages (include/mmkit/mmu_gather.h); when it is full the
 * zap flushes and frees early and goes on (tlb_flush_mmu).  A dirty page of
 * a file loses its rmap only after the flush, which then comes before its
 * PTE table's lock is dropped.
 *
 * free_pgtables frees the page-table pages that served only the unmapped
 * range: a PTE table is freed when the PMD range it covers lies within
 * [floor, ceiling) (the gap between the neighbouring VMAs), and so on up,
 * exactly as Linux's free_pmd_range/free_pud_range/free_p4d_range decide.
 * Both walks are mm/pagewalk.c's: zap a pmd_entry, free_pgtables a
 * pmd_entry and the post-order hooks that free a table after its entries.
 * The upper entries are cleared first, then the TLBs flushed (freed_tables),
 * then the tables freed: a CPU walking the tables serves the flush IPI only
 * between walks, so no walk can read a freed table.  PAE keeps its four
 * preallocated PMDs, as Linux does.
 */
#include "mmkit/memory.h"
#include "mmkit/mmu_gather.h"
#include "mmkit/pagemap.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/* ---------------------------------------------------------------- zap -- */

struct zap_details {
	struct mmu_gather *tlb;
	struct vm_area_struct *vma;
	bool drop_markers; /* munmap/exit; not MADV_DONTNEED */
	bool keep_cows;	   /* hole punch: private COW copies stay */
	long rss[NR_MM_COUNTERS];
};

/* Clear one present PTE.  A dirty file page keeps its rmap until the TLBs
 * are flushed (*force_flush: before this table's lock is dropped).  Returns
 * true when the gather is full. */
static bool zap_present_pte(struct zap_details *z, ptep_t pte, unsigned long addr,
			    bool *force_flush)
{
	struct vm_area_struct *vma = z->vma;
	pte_t ptent = ptep_get_and_clear(vma->vm_mm, addr, pte);
	struct page *page = vm_normal_page(vma, addr, ptent);
	bool delay_rmap = false;

	tlb_remove_tlb_entry(z->tlb, addr);
	if (!page)
		return false; /* the zero page */
	if (!PageAnon(page)) {
		if (pte_dirty(ptent)) {
			folio_mark_dirty(page);
			delay_rmap = *force_flush = true;
		}
		if (pte_young(ptent) && vma_has_recency(vma))
			folio_mark_accessed(page); /* Linux zap_present_folio_ptes */
	}
	/* after the accessed mark, as Linux's __folio_remove_rmap: a locked
	 * page keeps PG_referenced (unevictable pages are not activated) */
	munlock_vma_folio(page, vma);
	z->rss[mm_counter(page)]--;
	if (!delay_rmap)
		folio_remove_rmap_pte(page);
	return __tlb_remove_page(z->tlb, page, delay_rmap);
}

/* An anonymous page in a file VMA: a private copy made by COW, which
 * truncation and hole punching leave alone (Linux should_zap_cows). */
static bool is_cow_copy(struct vm_area_struct *vma, unsigned long addr, pte_t ptent)
{
	struct page *page = vm_normal_page(vma, addr, ptent);

	return page && PageAnon(page);
}

/* A swap PTE drops its slot reference (freeing a page only the swap cache
 * still holds) and MM_SWAPENTS; a poisoned marker goes; a guard marker
 * only with munmap/exit.  A hole punch keeps private COW copies, swapped
 * ones included (Linux zap_nonpresent_ptes / should_zap_cows). */
static void zap_nonpresent_pte(struct zap_details *z, ptep_t pte, unsigned long addr, pte_t ptent)
{
	struct mm_struct *mm = z->vma->vm_mm;

	if (is_swap_entry_pte(ptent)) {
		if (z->keep_cows)
			return;
		z->rss[MM_SWAPENTS]--;
		free_swap_and_cache(pte_to_swp_entry(ptent));
	} else if ((is_guard_marker(ptent) && !z->drop_markers) ||
		   (is_poisoned_marker(ptent) && z->keep_cows)) {
		return; /* markers that stay */
	}
	pte_clear(mm, addr, pte);
}

/* Zap [addr, end) of one PTE table; returns where it stopped (end, or
 * earlier when the gather filled up), having flushed and freed what it
 * gathered if it stopped early or delayed an rmap (Linux zap_pte_range).
 * Flush IPIs from other CPUs are served as it goes: Linux zaps with
 * interrupts enabled, the PTE lock being a plain spinlock. */
static unsigned long zap_pte_range(struct zap_details *z, pmdp_t pmd, unsigned long addr,
				   unsigned long end)
{
	struct mm_struct *mm = z->vma->vm_mm;
	bool full = false, force_flush = false;
	ptlock_t *ptl;
	ptep_t pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	int i;

	if (!pte)
		return end;
	for (; addr != end && !full; addr += PAGE_SIZE, pte = pte_next(pte)) {
		pte_t ptent = ptep_get(pte);

		if (!(addr & (63 * PAGE_SIZE)))
			cpu_handle_irqsafe_ipis();
		if (pte_none(ptent))
			continue;
		if (pte_present(ptent) && z->keep_cows && is_cow_copy(z->vma, addr, ptent))
			continue;
		if (pte_present(ptent))
			full = zap_present_pte(z, pte, addr, &force_flush);
		else
			zap_nonpresent_pte(z, pte, addr, ptent);
	}
	for (i = 0; i < NR_MM_COUNTERS; i++) {
		add_mm_counter(mm, i, z->rss[i]);
		z->rss[i] = 0;
	}
	if (force_flush) { /* before the lock goes */
		tlb_flush_mmu_tlbonly(z->tlb);
		tlb_flush_rmaps(z->tlb);
	}
	pte_unmap_unlock(pte, ptl);
	if (full || force_flush)
		tlb_flush_mmu(z->tlb);
	return addr;
}

/* Every PTE table of the range: zapped in batches the gather can hold. */
static int zap_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct zap_details *z = walk->private;

	while (addr != end)
		addr = zap_pte_range(z, pmd, addr, end);
	return 0;
}

static const struct mm_walk_ops zap_walk_ops = { .pmd_entry = zap_pmd };

static void unmap_single_vma(struct mmu_gather *tlb, struct vm_area_struct *vma,
			     unsigned long start, unsigned long end, bool drop_markers,
			     bool keep_cows)
{
	struct zap_details z = {
		.tlb = tlb, .vma = vma, .drop_markers = drop_markers, .keep_cows = keep_cows
	};

	start = max(start, vma->vm_start);
	end = min(end, vma->vm_end);
	if (start < end)
		walk_page_range_vma(vma, start, end, &zap_walk_ops, &z);
}

void zap_page_range_single(struct vm_area_struct *vma, unsigned long start, unsigned long size)
{
	struct mmu_gather tlb;

	mmap_assert_locked(vma->vm_mm);
	lru_add_drain(); /* Linux: this CPU's batches let go first */
	tlb_gather_mmu(&tlb, vma->vm_mm);
	update_hiwater_rss(vma->vm_mm);
	unmap_single_vma(&tlb, vma, start, start + size, false, false);
	tlb_finish_mmu(&tlb);
}

void unmap_mapping_pages(struct address_space *m, unsigned long first, unsigned long nr,
			 bool even_cows)
{
	unsigned long last = first + nr - 1;
	struct vm_area_struct *v;

	might_sleep();
	if (!nr)
		return;
	down_read(&m->i_mmap_rwsem);
	list_for_each_entry(v, &m->i_mmap, shared) {
		unsigned long vfirst = v->vm_pgoff, vlast = vfirst + vma_pages(v) - 1;
		struct mmu_gather tlb;

		if (vlast < first || vfirst > last)
			continue;
		tlb_gather_mmu(&tlb, v->vm_mm);
		update_hiwater_rss(v->vm_mm);
		unmap_single_vma(&tlb, v,
				 v->vm_start + ((max(first, vfirst) - vfirst) << PAGE_SHIFT),
				 v->vm_start + ((min(last, vlast) - vfirst + 1) << PAGE_SHIFT),
				 false, !even_cows);
		tlb_finish_mmu(&tlb);
	}
	up_read(&m->i_mmap_rwsem);
}

/* ------------------------------------------------------ free tables -- */

struct free_range {
	struct mmu_gather *tlb;
	unsigned long floor, ceiling;
};

static void free_pte_table(struct mmu_gather *tlb, pmdp_t pmd, unsigned long addr)
{
	struct page *table = pmd_pgtable(pmdp_get(pmd));

	pmd_clear(pmd);
	mm_dec_nr_ptes(tlb->mm);
	tlb_remove_table(tlb, table, addr & PMD_MASK, PMD_SIZE);
}

/* May the table covering [start & ~(size-1), +size) go, given floor/ceiling
 * and the end of the range being freed (Linux's free_*_range tail test)? */
static bool table_free_ok(unsigned long start, unsigned long end, unsigned long size,
			  const struct free_range *f)
{
	unsigned long mask = ~(size - 1), ceiling = f->ceiling;

	start &= mask;
	if (start < f->floor)
		return false;
	if (ceiling) {
		ceiling &= mask;
		if (!ceiling)
			return false;
	}
	return end - 1 <= ceiling - 1;
}

/* Each PTE table of the range goes (pmd_entry)... */
static int free_pte_tables(pmdp_t pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct free_range *f = walk->private;

	if (!pmd_leaf(pmdp_get(pmd)))
		free_pte_table(f->tlb, pmd, addr);
	return 0;
}

/* ...then, once the PMDs below a PUD entry are done, the PMD table if the
 * range covers it between floor and ceiling (PAE keeps its four PMDs)... */
static int free_pmd_table(pudp_t pud, unsigned long start, unsigned long end, struct mm_walk *walk)
{
	struct free_range *f = walk->private;
	pmdp_t pmd;

	if (pgmode.folded[PT_PMD] || pgmode.levels == 3 || !table_free_ok(start, end, PUD_SIZE, f))
		return 0;
	pmd = pmd_offset(pud, start);
	pud_clear(pud);
	mm_dec_nr_pmds(f->tlb->mm);
	tlb_remove_table(f->tlb, pfn_to_page(host_to_phys(pmd) >> PAGE_SHIFT), start & PUD_MASK,
			 PUD_SIZE);
	return 0;
}

/* ...the PUD table below a P4D entry... */
static int free_pud_table(p4dp_t p4d, unsigned long start, unsigned long end, struct mm_walk *walk)
{
	struct free_range *f = walk->private;
	pudp_t pud;

	if (pgmode.folded[PT_PUD] || !table_free_ok(start, end, P4D_SIZE, f))
		return 0;
	pud = pud_offset(p4d, start);
	p4d_clear(p4d);
	mm_dec_nr_puds(f->tlb->mm);
	tlb_remove_table(f->tlb, pfn_to_page(host_to_phys(pud) >> PAGE_SHIFT), start & P4D_MASK,
			 P4D_SIZE);
	return 0;
}

/* ...and the P4D table below a PGD entry (Linux free_p4d_range's tail). */
static int free_p4d_table(pgdp_t pgd, unsigned long start, unsigned long end, struct mm_walk *walk)
{
	struct free_range *f = walk->private;
	p4dp_t p4d;

	if (pgmode.folded[PT_P4D] || !table_free_ok(start, end, PGDIR_SIZE, f))
		return 0;
	p4d = p4d_offset(pgd, start);
	pgd_clear(pgd);
	tlb_remove_table(f->tlb, pfn_to_page(host_to_phys(p4d) >> PAGE_SHIFT), start & PGDIR_MASK,
			 PGDIR_SIZE);
	return 0;
}

static const struct mm_walk_ops free_pgtables_ops = {
	.pmd_entry = free_pte_tables,
	.pud_post = free_pmd_table,
	.p4d_post = free_pud_table,
	.pgd_post = free_p4d_table,
};

/* Linux free_pgd_range: the floor/ceiling trimming at PMD granularity,
 * then the walk (free_pmd_range .. free_p4d_range). */
static void free_pgd_range(struct free_range *f, unsigned long addr, unsigned long end)
{
	unsigned long ceiling = f->ceiling;

	addr &= PMD_MASK;
	if (addr < f->floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= PMD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	walk_page_range_novma(f->tlb->mm, addr, end, &free_pgtables_ops, NULL, f);
}

static void free_pgtables_tlb(struct mmu_gather *tlb, unsigned long start, unsigned long end,
			      unsigned long floor, unsigned long ceiling)
{
	struct free_range f = { .tlb = tlb, .floor = floor, .ceiling = ceiling };

	if (tlb->mm->pgd && start < end)
		free_pgd_range(&f, start, end);
}

/* --------------------------------------------------- munmap and exit -- */

void unmap_region(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		  unsigned long end, struct vm_area_struct *prev, struct vm_area_struct *next)
{
	struct mmu_gather tlb;
	struct vm_area_struct *v, *last = vma;

	mmap_assert_locked(mm);
	if (!mm->pgd)
		return;
	lru_add_drain(); /* Linux unmap_region, exit_mmap */
	tlb_gather_mmu(&tlb, mm);
	update_hiwater_rss(mm);
	for (v = vma; v && v->vm_start < end; v = v->vm_next) {
		unmap_single_vma(&tlb, v, start, end, true, false);
		unlink_file_vma(v);  /* off i_mmap before its tables go (Linux free_pgtables) */
		unlink_anon_vmas(v); /* and off its anon_vmas: try_to_unmap walks them */
		last = v;
	}
	free_pgtables_tlb(&tlb, vma->vm_start, last->vm_end, prev ? prev->vm_end : 0,
			  next ? next->vm_start : 0);
	tlb_finish_mmu(&tlb);
}

/* The page side of exit_mmap: every page and every user page table.
 * Caller holds mmap_lock for write; the mm has no users left. */
void exit_mmap_pages(struct mm_struct *mm)
{
	struct vm_area_struct *first = mm->mm_mt.first;

	mmap_assert_write_locked(mm);
	if (!first)
		return;
	unmap_region(mm, first, first->vm_start, mm->mm_mt.last->vm_end, NULL, NULL);
}
