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
 *   MADV_COLD, MADV_PAGEOUT (mm/madvise.c's cold/pageout part in Linux,
 *                           madvise_cold_or_pageout_pte_range): every
 *                           present page mapped only here (mapcount 1: a
 *                           page shared with another mapping, after fork or
 *                           of a file, is left alone; the zero page too) is
 *                           made old (PTE young bit cleared, PG_referenced
 *                           cleared); COLD then deactivates it, PAGEOUT
 *                           isolates it and reclaims the PTE table's batch
 *                           with reclaim_pages (mm/vmscan.c): anonymous and
 *                           shmem pages go to swap, clean file pages are
 *                           dropped.  PAGEOUT takes file pages only where
 *                           the process could write the file (Linux
 *                           can_do_file_pageout); swap PTEs are skipped.
 *   MADV_WILLNEED           anonymous memory: reads the swapped pages of
 *                           the range into the swap cache; a file with a
 *                           backing store: readahead of the range
 *                           (vfs_fadvise WILLNEED); shmem: nothing yet
 *                           (Linux shmem_swapin_range is not built).
 *   MADV_FREE of a swapped-out page frees its slot and clears the PTE.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/mmu_gather.h"
#include "mmkit/pagemap.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

struct lazyfree_walk {
	struct vm_area_struct *vma;
	struct mmu_gather *tlb;
};

static void lazyfree_one(struct lazyfree_walk *w, ptep_t pte, unsigned long addr)
{
	pte_t ptent = ptep_get(pte);
	struct page *page;

	if (is_swap_entry_pte(ptent) || is_poisoned_marker(ptent)) {
		if (!is_poisoned_marker(ptent)) {
			free_swap_and_cache(pte_to_swp_entry(ptent));
			dec_mm_counter(w->vma->vm_mm, MM_SWAPENTS);
		}
		pte_clear(w->vma->vm_mm, addr, pte);
		return;
	}
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
	folio_mark_lazyfree(page); /* to the inactive file list, pglazyfree */
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

	lru_add_drain(); /* this CPU's new pages onto the lists */
	tlb_gather_mmu(&tlb, vma->vm_mm);
	walk_page_range_vma(vma, start, end, &lazyfree_walk_ops, &w);
	tlb_finish_mmu(&tlb);
	return 0;
}

/* A hole punched in the file (Linux: madvise_remove -> vfs_fallocate(
 * PUNCH_HOLE): shmem_fallocate, ext4_punch_hole): the pages leave every
 * mapping of the file, in every process, then the page cache; a later
 * access of any of those mappings reads zeros.  mmap_lock is dropped for
 * it (the caller must not use its VMA afterwards). */
static int madvise_remove(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct file *f = vma->vm_file;
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *m = f->f_mapping;
	unsigned long first = linear_page_index(vma, start), last = linear_page_index(vma, end);
	long err;

	if (f->f_op && f->f_op->fallocate) {
		/* the file system's hole punch, without mmap_lock (it takes
		 * inode_lock, which orders before mmap_lock): the caller finds
		 * its VMAs again */
		loff_t off = (loff_t)first << PAGE_SHIFT;

		get_file(f);
		mmap_read_unlock(mm);
		err = f->f_op->fallocate(f, MMK_FALLOC_FL_PUNCH_HOLE | MMK_FALLOC_FL_KEEP_SIZE, off,
					 (loff_t)(end - start));
		fput(f);
		mmap_read_lock(mm);
		return (int)err;
	}
	/* an identity-only shm object: its pages only */
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

static int guard_remove_pte(ptep_t pte, unsigned long addr, unsigned long next,
			    struct mm_walk *walk)
{
	if (is_guard_marker(ptep_get(pte)))
		pte_clear(walk->mm, addr, pte);
	return 0;
}

static const struct mm_walk_ops guard_remove_walk_ops = { .pte_entry = guard_remove_pte };

/* Linux madvise_willneed for a file with a backing store: readahead of the
 * range.  (Linux drops mmap_lock around vfs_fadvise; mmkit's readahead
 * takes no lock that mmap_lock must not be held across.)  Identity-only
 * files (imported mappings) have nothing to read. */
static int madvise_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct file *f = vma->vm_file;
	loff_t off;

	if (!f || f->shmem || !f->f_inode || !f->f_mapping || f->f_mapping->shmem)
		return 0;
	off = (loff_t)(start - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	vfs_fadvise(f, off, (loff_t)(end - start), MMK_POSIX_FADV_WILLNEED);
	return 0;
}

/* ------------------------------------------------- cold and pageout -- */

struct cold_walk {
	struct vm_area_struct *vma;
	bool pageout, anon_only;
};

/* Linux can_do_file_pageout: file pages are paged out only by a process
 * that could write the file. */
static bool can_do_file_pageout(const struct vm_area_struct *vma)
{
	return vma->vm_file && (vma->vm_file->f_mode & FMODE_WRITE);
}

/* One PTE of madvise_cold_or_pageout_pte_range; PTE table locked.  A page
 * to page out is isolated (locked, referenced) onto list: returns 1 then,
 * else 0. */
static int cold_one(struct cold_walk *w, ptep_t pte, unsigned long addr, struct list_head *list)
{
	struct mm_struct *mm = w->vma->vm_mm;
	pte_t ptent = ptep_get(pte);
	struct page *page;

	if (!pte_present(ptent))
		return 0;
	page = vm_normal_page(w->vma, addr, ptent);
	if (!page || PageReserved(page) || page_mapcount(page) != 1)
		return 0; /* shared, zero page, kernel page */
	if (w->anon_only && !PageAnon(page))
		return 0;
	if (pte_young(ptent)) {
		ptent = ptep_get_and_clear(mm, addr, pte);
		set_pte_at(mm, addr, pte, pte_mkold(ptent));
		flush_tlb_page(w->vma, addr);
	}
	ClearPageReferenced(page);
	if (PageActive(page))
		SetPageWorkingset(page);
	if (!w->pageout) {
		folio_deactivate(page);
	} else if (folio_isolate_lru(page)) {
		if (PageUnevictable(page)) {
			folio_putback_lru(page);
			return 0;
		}
		list_add_tail(&page->lru, list);
		return 1;
	}
	return 0;
}

/* The pages of [addr, end), one PMD's worth at most: isolated under the
 * PTE lock, then reclaimed in one list after dropping it, as Linux's
 * madvise_cold_or_pageout_pte_range (it restarts its PTE loop every
 * SWAP_CLUSTER_MAX entries only when it must reschedule, and calls
 * reclaim_pages once per PMD).  One list lets the swap writes of up to
 * 512 neighbouring slots go out in BIO_MAX_VECS requests. */
static int cold_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct cold_walk *w = walk->private;
	LIST_HEAD(list);
	ptlock_t *ptl;
	ptep_t pte;

	pte = pte_offset_map_lock(w->vma->vm_mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	for (; addr != end; addr += PAGE_SIZE, pte = pte_next(pte))
		cold_one(w, pte, addr, &list);
	pte_unmap_unlock(pte, ptl);
	if (!list_empty(&list))
		reclaim_pages(&list);
	return 0;
}

/* pmd_entry alone: the walk does not descend; cold_pmd takes the PTE lock
 * itself and reclaims the batch after dropping it. */
static const struct mm_walk_ops cold_walk_ops = { .pmd_entry = cold_pmd };

static int madvise_cold_or_pageout(struct vm_area_struct *vma, unsigned long start,
				   unsigned long end, bool pageout)
{
	struct cold_walk w = { .vma = vma,
			       .pageout = pageout,
			       .anon_only = pageout && !can_do_file_pageout(vma) };

	if (pageout)
		lru_add_drain();
	walk_page_range_vma(vma, start, end, &cold_walk_ops, &w);
	return 0;
}

/* MADV_WILLNEED of anonymous memory (Linux swapin_walk_pmd_entry): the
 * range's swapped pages are read into the swap cache. */
static int willneed_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;

	for (; addr != end; addr += PAGE_SIZE) {
		ptlock_t *ptl;
		ptep_t pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);
		pte_t ptent;
		struct page *page;
		bool new;

		if (!pte)
			return 0;
		ptent = ptep_get(pte);
		pte_unmap_unlock(pte, ptl);
		if (!is_swap_entry_pte(ptent))
			continue;
		page = read_swap_cache_async(pte_to_swp_entry(ptent), &new, true);
		if (page)
			put_page(page);
	}
	return 0;
}

/* pmd_entry alone: the swap-ins may sleep, so no PTE lock is held there. */
static const struct mm_walk_ops willneed_walk_ops = { .pmd_entry = willneed_pmd };

int madvise_pages(struct vm_area_struct *vma, unsigned long start, unsigned long end, int behavior)
{
	switch (behavior) {
	case MMK_MADV_COLD:
		return madvise_cold_or_pageout(vma, start, end, false);
	case MMK_MADV_PAGEOUT:
		return madvise_cold_or_pageout(vma, start, end, true);
	case MMK_MADV_WILLNEED:
		if (!vma_is_anonymous(vma))
			return madvise_willneed(vma, start, end);
		walk_page_range_vma(vma, start, end, &willneed_walk_ops, NULL);
		return 0;
	default:
		break;
	}
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
