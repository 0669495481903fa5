/*
 * madvise_pages.c - the page side of madvise (Linux mm/madvise.c
 * madvise_dontneed_single_vma, madvise_free_pte_range, madvise_remove);
 * mm/madvise.c validates the VMA and calls madvise_pages() for the part of
 * each VMA in the range.
 *
 *   MADV_DONTNEED(_LOCKED)  zap the range: private anonymous memory reads as
 *                           zeros afterwards, shmem re-reads its pages.
 *   MADV_FREE               anonymous pages mapped only here become lazily
 *                           free: the PTE is made clean and old (TLBs
 *                           flushed), the page loses PG_swapbacked and counts
 *                           in pglazyfree and smaps LazyFree.  Its contents
 *                           stay readable until reclaim discards it (mmkit
 *                           has no reclaim yet, so they stay); a write makes
 *                           it dirty again and so no longer lazily free.
 *   MADV_REMOVE             punch a hole in the file: its pages there leave
 *                           every VMA mapping them, in every process (the
 *                           file's i_mmap; private COW copies stay), then
 *                           the page cache; all those mappings read zeros.
 *   MADV_GUARD_INSTALL      zap the range and put a guard marker in every
 *                           PTE (any access is SIGSEGV; DONTNEED keeps the
 *                           markers, munmap drops them, fork copies them);
 *   MADV_GUARD_REMOVE       clear the markers of the range.
 *   WILLNEED, COLD, PAGEOUT
 *                           accepted and ignored: there is no swap, reclaim
 *                           or THP yet.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/mmu_gather.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"

struct lazyfree_walk {
	struct vm_area_struct *vma;
	struct mmu_gather *tlb;
};

static void lazyfree_one(struct lazyfree_walk *w, ptep_t pte, unsigned long addr)
{
	pte_t ptent = ptep_get(pte);
	struct page *page;

	if (!pte_present(ptent))
		return;
	page = vm_normal_page(w->vma, addr, ptent);
	if (!page || !PageAnon(page) || page_mapcount(page) != 1)
		return;
	if (pte_dirty(ptent) || pte_young(ptent)) {
		ptent = ptep_get_and_clear(w->vma->vm_mm, addr, pte);
		set_pte_at(w->vma->vm_mm, addr, pte, pte_mkold(pte_mkclean(ptent)));
		tlb_remove_tlb_entry(w->tlb, addr);
	}
	ClearPageDirty(page);
	if (PageSwapBacked(page)) {
		ClearPageSwapBacked(page);
		count_vm_event(PGLAZYFREE);
	}
}

static int lazyfree_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	lazyfree_one(walk->private, pte, addr);
	return 0;
}

static const struct mm_walk_ops lazyfree_walk_ops = { .pte_entry = lazyfree_pte };

/* The PTEs made clean and old are flushed at tlb_finish_mmu: only their
 * range, or everything if another gather of the mm is pending. */
static int madvise_free(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mmu_gather tlb;
	struct lazyfree_walk w = { .vma = vma, .tlb = &tlb };

	tlb_gather_mmu(&tlb, vma->vm_mm);
	walk_page_range_vma(vma, start, end, &lazyfree_walk_ops, &w);
	tlb_finish_mmu(&tlb);
	return 0;
}

/* A hole punched in the file (Linux: madvise_remove -> vfs_fallocate(
 * PUNCH_HOLE) -> shmem_fallocate): the pages leave every mapping of the
 * file, in every process, then the page cache; a later access of any of
 * those mappings reads zeros. */
static int madvise_remove(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct address_space *m = vma->vm_file->f_mapping;
	unsigned long first = linear_page_index(vma, start), last = linear_page_index(vma, end);

	unmap_mapping_pages(m, first, last - first, false);
	filemap_remove_range(m, first, last);
	return 0;
}

/* ------------------------------------------------------ guard regions -- */

/* MADV_GUARD_INSTALL: every page of the range loses its mapping and gets a
 * guard marker (Linux madvise_guard_install zaps and retries until every
 * PTE holds a marker).  0 or -ENOMEM (a page table could not be allocated). */
static int guard_install(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;

	/* As on the 6.18 host: the VMA gets an anon_vma (so fork copies its
	 * page tables, markers included; it then merges as a faulted VMA). */
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	zap_page_range_single(vma, start, end - start);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		ptep_t pte = pte_alloc_walk(mm, addr);
		ptlock_t *ptl;

		if (!pte)
			return -ENOMEM;
		/* the split lock of the PTE table the slot lies in */
		ptl = &virt_to_page((void *)ALIGN_DOWN((uintptr_t)pte, PAGE_SIZE))->pt_lock;
		ptl_lock(ptl);
		if (pte_none(ptep_get(pte)))
			set_pte_at(mm, addr, pte, make_guard_marker());
		ptl_unlock(ptl);
	}
	return 0;
}

static int guard_remove_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	if (is_guard_marker(ptep_get(pte)))
		pte_clear(walk->mm, addr, pte);
	return 0;
}

static const struct mm_walk_ops guard_remove_walk_ops = { .pte_entry = guard_remove_pte };

int madvise_pages(struct vm_area_struct *vma, unsigned long start, unsigned long end, int behavior)
{
	switch (behavior) {
	case MMK_MADV_DONTNEED:
	case MMK_MADV_DONTNEED_LOCKED:
		zap_page_range_single(vma, start, end - start);
		return 0;
	case MMK_MADV_FREE:
		return madvise_free(vma, start, end);
	case MMK_MADV_REMOVE:
		return madvise_remove(vma, start, end);
	case MMK_MADV_GUARD_INSTALL:
		return guard_install(vma, start, end);
	case MMK_MADV_GUARD_REMOVE:
		return walk_page_range_vma(vma, start, end, &guard_remove_walk_ops, NULL);
	default:
		return 0;
	}
}
