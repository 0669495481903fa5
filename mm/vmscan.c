/*
 * vmscan.c - reclaim of a list of pages (Linux 6.18 mm/vmscan.c
 * reclaim_pages, reclaim_folio_list, shrink_folio_list, pageout,
 * __remove_mapping): the swap-out half of reclaim, which MADV_PAGEOUT
 * drives today.  The other half - LRU lists, scanning, kswapd, direct
 * reclaim from the allocator - is the reclaim issue's; it will call
 * shrink_folio_list with the pages it isolates from the inactive lists.
 *
 * Isolation: until the LRU lists exist, a page is taken for reclaim by
 * locking it (trylock_page where Linux clears PG_lru), so no two reclaimers
 * hold it at once; the list holds it locked and with one reference.
 *
 * shrink_folio_list, for each page of the list, as Linux with
 * ignore_references (MADV_PAGEOUT):
 *   - a page under writeback or mlocked stays;
 *   - an anonymous swap-backed page gets a slot and enters the swap cache
 *     (add_to_swap; no slot: it stays, "activated");
 *   - a mapped page is unmapped from every PTE (try_to_unmap): anonymous
 *     PTEs become swap PTEs, file PTEs empty; a PTE in a VM_LOCKED VMA
 *     keeps it mapped;
 *   - a lazily freed page (MADV_FREE: anonymous, not swap-backed) that
 *     nobody wrote since is discarded (pglazyfreed); written again, it is
 *     swap-backed again and stays;
 *   - a dirty page is written: anonymous pages to their slot (pageout ->
 *     swap_writeout), shmem pages to swap through shmem_writeout; dirty
 *     file pages only kswapd writes (Linux), so they stay;
 *   - a clean page that nothing else holds leaves its cache (swap cache or
 *     page cache, __remove_mapping) and is freed.
 * Writes of neighbouring slots are batched into one request and submitted
 * before the pages written are looked at again (their I/O is synchronous):
 * the ones now clean and unused are freed in the same pass, as Linux frees
 * a page whose write completed at once.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/swap.h"
#include "mmkit/writeback.h"

/* What shrink_folio_list did with a page. */
enum folio_fate { FATE_KEEP, FATE_ACTIVATE, FATE_WRITTEN, FATE_FREE };

struct reclaim_ctx {
	struct swap_iocb *plug;
	unsigned long nr_reclaimed, nr_activate, nr_lazyfreed;
};

/* Linux __remove_mapping: take the locked, unmapped, clean page out of its
 * cache if the only references left are the cache's and the list's.  True
 * if it did (the cache's reference is gone; the list's remains). */
static bool __remove_mapping(struct page *page)
{
	if (page_mapcount(page) > 0 || PageDirty(page) || PageWriteback(page))
		return false;
	if (PageSwapCache(page)) {
		if (page_ref_count(page) != 2)
			return false;
		swap_cache_del_folio(page);
		return true;
	}
	if (page->mapping && !PageAnon(page)) {
		if (page_ref_count(page) != 2)
			return false;
		truncate_inode_page(page->mapping, page);
		return true;
	}
	return false;
}

/* A lazily freed page (MADV_FREE) after try_to_unmap: discarded if clean
 * and unused, else swap-backed again (Linux's lazyfree path). */
static enum folio_fate reclaim_lazyfree(struct reclaim_ctx *rc, struct page *page)
{
	if (page_mapcount(page) <= 0 && !PageDirty(page) && page_ref_count(page) == 1) {
		rc->nr_lazyfreed++;
		count_vm_event(PGLAZYFREED);
		return FATE_FREE;
	}
	SetPageSwapBacked(page);
	return FATE_ACTIVATE;
}

/* Linux pageout: write the locked dirty page.  FATE_WRITTEN (unlocked,
 * maybe still under writeback in the plug) or FATE_ACTIVATE/KEEP (locked). */
static enum folio_fate pageout(struct reclaim_ctx *rc, struct page *page)
{
	int err;

	if (!PageSwapCache(page) && (PageAnon(page) || !PageSwapBacked(page)))
		return FATE_ACTIVATE;          /* file pages: only kswapd writes them */
	if (!TestClearPageDirty(page))
		return FATE_KEEP;
	err = PageSwapCache(page) ? swap_writeout(page, &rc->plug) : shmem_writeout(page, &rc->plug);
	if (err) {                             /* still locked: shmem kept it */
		SetPageDirty(page);
		return FATE_ACTIVATE;
	}
	return FATE_WRITTEN;
}

/* One page of shrink_folio_list, locked.  Returns its fate with the page
 * still locked, except FATE_WRITTEN. */
static enum folio_fate shrink_one(struct reclaim_ctx *rc, struct page *page)
{
	if (PageWriteback(page) || PageUnevictable(page) || PageMlocked(page))
		return FATE_KEEP;
	if (PageAnon(page) && PageSwapBacked(page) && !PageSwapCache(page) && !add_to_swap(page))
		return FATE_ACTIVATE;
	if (page_mapcount(page) > 0 && !try_to_unmap(page))
		return FATE_ACTIVATE;
	if (PageAnon(page) && !PageSwapBacked(page))
		return reclaim_lazyfree(rc, page);
	if (PageDirty(page))
		return pageout(rc, page);
	return __remove_mapping(page) ? FATE_FREE : FATE_KEEP;
}

/* A written page, after the plug went out: free it if the write left it
 * clean and nothing else uses it (Linux: "a synchronous write - probably a
 * ramdisk.  Go ahead and try to reclaim the folio"). */
static bool reclaim_written(struct page *page)
{
	bool freed = false;

	if (!trylock_page(page))
		return false;
	if (!PageDirty(page) && !PageWriteback(page))
		freed = __remove_mapping(page);
	unlock_page(page);
	return freed;
}

/* Linux shrink_folio_list (the swap-out part), on locked pages.  Pages that
 * stay remain on the list, unlocked; those freed leave it (their last
 * reference dropped). */
static unsigned long shrink_folio_list(struct list_head *pages, struct reclaim_ctx *rc)
{
	struct page *page, *next;
	LIST_HEAD(written);

	list_for_each_entry_safe(page, next, pages, lru) {
		enum folio_fate fate = shrink_one(rc, page);

		if (fate != FATE_WRITTEN)
			unlock_page(page);
		if (fate == FATE_ACTIVATE) {
			/* Linux sets PG_active and puts it on the active LRU;
			 * with no LRU yet only the event counts */
			rc->nr_activate++;
		} else if (fate == FATE_WRITTEN) {
			list_move_tail(&page->lru, &written);
		} else if (fate == FATE_FREE) {
			list_del(&page->lru);
			put_page(page);
			rc->nr_reclaimed++;
		}
	}
	swap_write_unplug(rc->plug);
	rc->plug = NULL;
	while (!list_empty(&written)) {
		page = list_first_entry(&written, struct page, lru);
		list_del(&page->lru);
		if (reclaim_written(page)) {
			put_page(page);
			rc->nr_reclaimed++;
		} else {
			list_add_tail(&page->lru, pages);
		}
	}
	if (rc->nr_activate)
		count_vm_events(PGACTIVATE, rc->nr_activate);
	return rc->nr_reclaimed;
}

unsigned long reclaim_pages(struct list_head *pages)
{
	struct reclaim_ctx rc = { 0 };
	struct page *page, *next;
	unsigned long n = shrink_folio_list(pages, &rc);

	list_for_each_entry_safe(page, next, pages, lru) {   /* folio_putback_lru */
		list_del(&page->lru);
		put_page(page);
	}
	return n;
}

void folio_deactivate(struct page *page)
{
	if (PageActive(page)) {
		ClearPageActive(page);
		count_vm_event(PGDEACTIVATE);
	}
	ClearPageReferenced(page);
}
