/*
 * vmscan.c - page reclaim (Linux 6.18 mm/vmscan.c, the classic LRU): the
 * scan of the LRU lists, the eviction of a list of pages, direct reclaim
 * from the allocator and the reclaim of MADV_PAGEOUT.
 *
 * The scan, top down, as Linux's:
 *   try_to_free_pages (direct reclaim, allocstall_*) -> do_try_to_free_pages:
 *       priority DEF_PRIORITY (12) down to 0 until SWAP_CLUSTER_MAX pages
 *       came free, then once more with forced deactivation if an active
 *       list was skipped;
 *   shrink_node: prepare_scan_control (costs, may_deactivate from the
 *       inactive ratio and the workingset refaults, cache_trim_mode,
 *       file_is_tiny), the policy's shrink_lruvec, then the shrinkers;
 *   shrink_lruvec: get_scan_count splits lru_size >> priority between the
 *       lists (SCAN_EQUAL at priority 0, SCAN_FILE without swap or with
 *       enough inactive cache, SCAN_ANON when the file lists are tiny,
 *       else SCAN_FRACT: swappiness against the anon and file costs), then
 *       scans in SWAP_CLUSTER_MAX steps, proportionally trimmed once enough
 *       is reclaimed (kswapd), and rebalances the anon lists at the end;
 *   shrink_active_list: isolated pages lose PG_active (pgdeactivate,
 *       pgrefill) unless a referenced executable file page (rotated);
 *   shrink_inactive_list: isolate (pgscan_*), shrink_folio_list
 *       (pgsteal_*), put the rest back, lru_note_cost.
 * shrink_folio_list, per isolated page (trylocked):
 *   - under writeback: PG_reclaim, kept active; mlocked: to the
 *     unevictable list;
 *   - folio_check_references (unless MADV_PAGEOUT's ignore_references):
 *     PTEs young through rmap -> keep or activate as Linux decides;
 *   - anonymous swap-backed: a slot and the swap cache (add_to_swap; no
 *     slot: activated);
 *   - mapped: try_to_unmap (anonymous PTEs become swap PTEs);
 *   - lazily freed (MADV_FREE, not swap-backed) and clean: dropped
 *     (pglazyfreed); written again: swap-backed again, activated;
 *   - dirty: anonymous and shmem pages written to swap (pageout; writes
 *     of neighbouring slots batched in one plug); dirty file pages get
 *     PG_reclaim and are activated, the flushers write them (6.18 reclaim
 *     writes no filesystem page) and their end of writeback rotates them
 *     to the inactive tail (pgrotated);
 *   - clean and unused: out of the swap cache or page cache
 *     (__remove_mapping, which leaves a workingset shadow entry) and freed.
 *
 * Isolation (folio_isolate_lru, isolate_lru_folios) is Linux's: PG_lru is
 * cleared under lru_lock with a reference taken (never on a page whose
 * count already reached 0: its put_page is taking it off the list), so a
 * page is isolated by one reclaimer at a time and NR_ISOLATED_* counts it.
 *
 * Reclaim does not recurse: a thread in reclaim (PF_MEMALLOC in Linux; here
 * the thread-local in_reclaim, since a scenario CPU may run no task)
 * allocates without watermarks and never enters direct reclaim again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/memory.h"
#include "mmkit/mm_inline.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/psi.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/sysctl.h"
#include "mmkit/vmscan.h"
#include "mmkit/writeback.h"

#define DEF_PRIORITY 12
#define MAX_SWAPPINESS 200

/* /proc/sys/vm/swappiness: the anon/file scan balance (Linux mm/vmscan.c). */
int vm_swappiness = 60;

__thread int in_reclaim;

/* ----------------------------------------------------- scan control -- */

struct scan_control {
	unsigned long nr_to_reclaim;
	gfp_t gfp_mask;
	int order;
	int priority;
	int reclaim_idx;
	bool may_writepage, may_unmap, may_swap;
	bool ignore_references;	     /* MADV_PAGEOUT */
	unsigned int may_deactivate; /* DEACTIVATE_ANON | DEACTIVATE_FILE */
	bool force_deactivate, skipped_deactivate;
	bool cache_trim_mode, file_is_tiny;
	bool kswapd;
	unsigned long anon_cost, file_cost;
	unsigned long nr_scanned, nr_reclaimed;
	struct {
		unsigned int dirty, unqueued_dirty, congested, writeback, immediate, file_taken,
			taken;
	} nr;
};
#define DEACTIVATE_ANON 1
#define DEACTIVATE_FILE 2

struct reclaim_stat {
	unsigned int nr_dirty, nr_unqueued_dirty, nr_congested, nr_writeback, nr_immediate;
	unsigned int nr_pageout, nr_activate[2], nr_ref_keep, nr_unmap_fail, nr_lazyfree_fail;
};

/* ---------------------------------------------------- classic policy -- */

static void classic_add_folio(struct lruvec *lruvec, struct page *page, bool tail)
{
	enum lru_list lru = folio_lru_list(page);

	update_lru_size(lruvec, lru, page_zonenum(page), 1);
	if (tail)
		list_add_tail(&page->lru, &lruvec->lists[lru]);
	else
		list_add(&page->lru, &lruvec->lists[lru]);
}

static void classic_del_folio(struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);

	list_del(&page->lru);
	update_lru_size(lruvec, lru, page_zonenum(page), -1);
}

static void shrink_lruvec(struct lruvec *lruvec, struct scan_control *sc);

const struct lru_policy lru_policy_classic = {
	.name = "classic",
	.add_folio = classic_add_folio,
	.del_folio = classic_del_folio,
	.mark_accessed = lru_classic_mark_accessed,
	.shrink_lruvec = shrink_lruvec,
};
const struct lru_policy *lru_policy = &lru_policy_classic;

/* -------------------------------------------------------- isolation -- */

static bool folio_try_get(struct page *page)
{
	int c = atomic_load_explicit(&page->_refcount, memory_order_relaxed);

	while (c > 0)
		if (atomic_compare_exchange_weak_explicit(&page->_refcount, &c, c + 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

/* NR_ISOLATED_ANON/FILE (file: 0 or 1) += nr, on a CPU or off one. */
static void isolated_add(struct pglist_data *pgdat, int file, long nr)
{
	mod_node_page_state_any(pgdat, NR_ISOLATED_ANON + file, nr);
}

static void isolated_mod(struct page *page, long nr)
{
	isolated_add(page_pgdat(page), folio_is_file_lru(page), nr);
}

/* nr_isolated[file] pages (anon, file) are isolated no more: one counter
 * update per list of pages, as Linux's shrink_inactive_list makes. */
static void isolated_mod_batch(const long *nr_isolated)
{
	for (int file = 0; file < 2; file++)
		if (nr_isolated[file])
			isolated_add(&contig_page_data, file, -nr_isolated[file]);
}

bool folio_isolate_lru(struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(page);
	bool ret = false;

	if (!PageLRU(page) || !folio_try_get(page))
		return false;
	spin_lock(&lruvec->lru_lock);
	if (TestClearPageLRU(page)) {
		lruvec_del_folio(lruvec, page);
		ret = true;
	}
	spin_unlock(&lruvec->lru_lock);
	if (!ret) {
		put_page(page);
		return false;
	}
	isolated_mod(page, 1);
	return true;
}

void folio_putback_lru(struct page *page)
{
	isolated_mod(page, -1);
	folio_add_lru(page);
	put_page(page); /* the isolation's reference */
}

/* Linux isolate_lru_folios: up to nr_to_scan pages from the tail of list
 * lru onto dst (pages above sc->reclaim_idx are skipped, pgskip_*).
 * lru_lock held.  Returns the pages taken; *nr_scanned those looked at. */
static unsigned long isolate_lru_folios(unsigned long nr_to_scan, struct lruvec *lruvec,
					struct list_head *dst, unsigned long *nr_scanned,
					struct scan_control *sc, enum lru_list lru)
{
	struct list_head *src = &lruvec->lists[lru];
	unsigned long nr_taken = 0, scan = 0, total = 0, skipped = 0;
	unsigned long nr_skipped[MAX_NR_ZONES] = { 0 }, nr_zone_taken[MAX_NR_ZONES] = { 0 };
	LIST_HEAD(folios_skipped);

	lruvec_assert_locked(lruvec);
	while (scan < nr_to_scan && !list_empty(src)) {
		struct page *page = list_last_entry(src, struct page, lru);
		struct list_head *move_to = src;

		total++;
		if (skipped < SWAP_CLUSTER_MAX * 4 && page_zonenum(page) > sc->reclaim_idx) {
			nr_skipped[page_zonenum(page)]++;
			move_to = &folios_skipped;
			skipped++;
			goto move;
		}
		scan++;
		if (!sc->may_unmap && page_mapcount(page) > 0)
			goto move;
		if (!folio_try_get(page))
			goto move;
		if (!TestClearPageLRU(page)) {
			put_page(page); /* not the last: the list's page */
			goto move;
		}
		nr_zone_taken[page_zonenum(page)]++;
		nr_taken++;
		move_to = dst;
move:
		list_move(&page->lru, move_to);
	}
	if (!list_empty(&folios_skipped)) {
		while (!list_empty(&folios_skipped)) /* to the head (Linux list_splice) */
			list_move(folios_skipped.prev, src);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (nr_skipped[z])
				count_vm_events(PGSKIP_DMA + z, nr_skipped[z]);
	}
	for (int z = 0; z < MAX_NR_ZONES; z++) /* Linux update_lru_sizes */
		if (nr_zone_taken[z])
			update_lru_size(lruvec, lru, z, -(long)nr_zone_taken[z]);
	*nr_scanned = total;
	return nr_taken;
}

/* Linux move_folios_to_lru: every page of list back on its list (by its
 * flags), the isolation's reference dropped; a page whose last reference
 * that was comes off again and is freed.  No lock held.  Returns the
 * pages put on an active list. */
static unsigned int move_folios_to_lru(struct lruvec *lruvec, struct list_head *list)
{
	unsigned int nr_active = 0;
	long nr_isolated[2] = { 0, 0 };
	struct page *page;
	LIST_HEAD(free_list);

	spin_lock(&lruvec->lru_lock);
	while (!list_empty(list)) {
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		nr_isolated[folio_is_file_lru(page)]++;
		if (unlikely(PageMlocked(page) && !PageUnevictable(page))) {
			ClearPageActive(page);
			SetPageUnevictable(page);
			page->mlock_count = 1;
			count_vm_event(UNEVICTABLE_PGCULLED);
		}
		SetPageLRU(page);
		lruvec_add_folio(lruvec, page);
		if (put_page_testzero(page)) {
			ClearPageLRU(page);
			lruvec_del_folio(lruvec, page);
			list_add(&page->lru, &free_list);
			continue;
		}
		if (PageActive(page))
			nr_active++;
	}
	spin_unlock(&lruvec->lru_lock);
	isolated_mod_batch(nr_isolated);
	while (!list_empty(&free_list)) {
		page = list_first_entry(&free_list, struct page, lru);
		list_del(&page->lru);
		__page_cache_release(page);
		free_frozen_pages(page, 0);
	}
	return nr_active;
}

static bool current_is_kswapd(const struct scan_control *sc) { return sc->kswapd; }

/* Linux can_reclaim_anon_pages: is there swap space left? */
static bool can_reclaim_anon_pages(void)
{
	return atomic_load_explicit(&nr_swap_pages, memory_order_relaxed) > 0;
}

unsigned long zone_reclaimable_pages(struct zone *zone)
{
	unsigned long nr = zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_FILE) +
			   zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_FILE);

	if (can_reclaim_anon_pages())
		nr += zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_ANON) +
		      zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_ANON);
	return nr;
}

/* ------------------------------------------------ shrink_folio_list -- */

enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE
};

/* Linux folio_check_references (classic LRU). */
static enum folio_references folio_check_references(struct page *page)
{
	unsigned long vm_flags;
	int referenced_ptes = folio_referenced(page, true, &vm_flags);
	bool referenced_folio;

	if (vm_flags & VM_LOCKED)
		return FOLIOREF_ACTIVATE;
	if (referenced_ptes) {
		/* mapped pages start with a young PTE: look twice.  (Linux's
		 * test-and-clear then set, with no locked operation when the
		 * flag is set already.) */
		referenced_folio = PageReferenced(page);
		if (!referenced_folio)
			SetPageReferenced(page);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && folio_is_file_lru(page))
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	referenced_folio = PageReferenced(page) && TestClearPageReferenced(page);
	if (referenced_folio && folio_is_file_lru(page))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/* Linux __remove_mapping: take the locked, unmapped, clean page out of its
 * cache if the only references left are the cache's and the isolation's,
 * leaving a workingset shadow (reclaimed, not truncated).  A page-cache
 * page's count is frozen from 2 to 0 under i_pages_lock, where every
 * lookup takes its reference, so none can come meanwhile; a swap-cache
 * page keeps the isolation's reference.  True if it did; the caller frees
 * the page (see free_reclaimed). */
static bool __remove_mapping(struct page *page, bool reclaimed)
{
	struct address_space *m;

	if (page_mapcount(page) > 0 || PageDirty(page) || PageWriteback(page))
		return false;
	if (PageSwapCache(page)) { /* anon and shmem: the shadow in the swap table */
		if (page_ref_count(page) != 2)
			return false;
		swap_cache_del_folio_shadow(page, reclaimed ? workingset_eviction(page) : NULL);
		return true;
	}
	m = page->mapping;
	if (!m || PageAnon(page))
		return false;
	spin_lock(&m->i_pages_lock);
	if (!page_ref_freeze(page, 2))
		goto cannot_free;
	if (unlikely(PageDirty(page))) {
		page_ref_unfreeze(page, 2);
		goto cannot_free;
	}
	if (unlikely(PagePrivate(page))) /* its buffer state goes with it */
		__ClearPagePrivate(page);
	/* file pages only: a shmem page's slot is its swap entry's */
	__filemap_remove_folio(
		m, page, reclaimed && folio_is_file_lru(page) ? workingset_eviction(page) : NULL);
	spin_unlock(&m->i_pages_lock);
	return true;
cannot_free:
	spin_unlock(&m->i_pages_lock);
	return false;
}

enum pageout_t { PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS, PAGE_CLEAN };

/* Linux pageout: write the locked dirty swap-backed page (anonymous to its
 * slot, shmem through shmem_writeout).  PAGE_SUCCESS unlocks it. */
static enum pageout_t pageout(struct page *page, struct swap_iocb **plug)
{
	int err;

	if (!PageSwapCache(page) && (PageAnon(page) || !PageSwapBacked(page)))
		return PAGE_ACTIVATE;
	if (!TestClearPageDirty(page))
		return PAGE_CLEAN;
	SetPageReclaim(page);
	err = PageSwapCache(page) ? swap_writeout(page, plug) : shmem_writeout(page, plug);
	if (err) { /* still locked: kept dirty */
		ClearPageReclaim(page);
		SetPageDirty(page);
		return PAGE_ACTIVATE;
	}
	return PAGE_SUCCESS;
}

/* The locked page reclaim took out of its cache (F_FREE): ours to free once
 * its count is frozen at 0 (it is already, unless it was in the swap cache,
 * whose removal leaves the isolation's reference); queued on `free` with
 * the lock ended as Linux's __folio_clear_locked.  A speculative reference
 * that came meanwhile frees it on its put_page instead.  Either way it was
 * reclaimed and is no longer isolated. */
static void free_reclaimed(struct page *page, struct list_head *free, long *nr_isolated)
{
	nr_isolated[folio_is_file_lru(page)]++;
	if (page_ref_count(page) == 0 || page_ref_freeze(page, 1)) {
		__unlock_page_frozen(page);
		list_add_tail(&page->lru, free);
		return;
	}
	unlock_page(page);
	put_page(page);
}

/* Linux free_unref_folios for the pages free_reclaimed queued: off the LRU
 * already (isolated), count 0, never mlocked (those were culled). */
static void free_reclaimed_list(struct list_head *free)
{
	while (!list_empty(free)) {
		struct page *page = list_first_entry(free, struct page, lru);

		list_del(&page->lru);
		VM_BUG_ON(PageLRU(page) || PageMlocked(page) || page_ref_count(page));
		if (PageActive(page)) /* MADV_PAGEOUT's isolated active pages */
			__ClearPageActive(page);
		if (PageUnevictable(page))
			__ClearPageUnevictable(page);
		free_frozen_pages(page, 0);
	}
}

/* A page whose write went into the plug: after the plug is out, free it
 * if the write left it clean and unused (Linux: "a synchronous write -
 * probably a ramdisk.  Go ahead and try to reclaim the folio"). */
static bool reclaim_written(struct page *page, struct list_head *free, long *nr_isolated)
{
	if (!trylock_page(page))
		return false;
	if (!PageDirty(page) && !PageWriteback(page)) {
		ClearPageReclaim(page);
		if (__remove_mapping(page, true)) {
			free_reclaimed(page, free, nr_isolated);
			return true;
		}
	}
	unlock_page(page);
	return false;
}

/* The locked page for which reclaim gave up: it goes back active (Linux
 * activate_locked), dropping its slot if it is mlocked. */
static void activate_locked(struct page *page, struct reclaim_stat *stat)
{
	if (PageSwapCache(page) && (PageMlocked(page) || vm_swap_full()))
		folio_free_swap(page);
	if (!PageMlocked(page)) {
		SetPageActive(page);
		stat->nr_activate[folio_is_file_lru(page)]++;
	}
}

/* The swap and unmap half of one page; returns the next step. */
enum fate { F_KEEP, F_KEEP_LOCKED, F_ACTIVATE, F_FREE, F_WRITTEN };

static enum fate shrink_one(struct page *page, struct scan_control *sc, struct reclaim_stat *stat,
			    struct swap_iocb **plug)
{
	enum folio_references references = FOLIOREF_RECLAIM;
	bool was_swapbacked = PageSwapBacked(page);

	if (PageMlocked(page))
		return F_ACTIVATE; /* to the unevictable list */
	if (!sc->may_unmap && page_mapcount(page) > 0)
		return F_KEEP_LOCKED;
	if (PageDirty(page) || PageWriteback(page))
		stat->nr_dirty++;
	if (PageDirty(page) && !PageWriteback(page))
		stat->nr_unqueued_dirty++;
	if (PageWriteback(page)) {
		if (current_is_kswapd(sc) && PageReclaim(page)) {
			stat->nr_immediate++;
			return F_KEEP_LOCKED;
		}
		SetPageReclaim(page);
		stat->nr_writeback++;
		return F_ACTIVATE;
	}
	if (!sc->ignore_references)
		references = folio_check_references(page);
	if (references == FOLIOREF_ACTIVATE)
		return F_ACTIVATE;
	if (references == FOLIOREF_KEEP) {
		stat->nr_ref_keep++;
		return F_KEEP_LOCKED;
	}
	if (PageAnon(page) && PageSwapBacked(page) && !PageSwapCache(page)) {
		if (!(sc->gfp_mask & __GFP_IO))
			return F_KEEP_LOCKED;
		if (!add_to_swap(page))
			return F_ACTIVATE;
	}
	if (page_mapcount(page) > 0) {
		try_to_unmap(page);
		if (page_mapcount(page) > 0) {
			stat->nr_unmap_fail++;
			if (!was_swapbacked && PageSwapBacked(page))
				stat->nr_lazyfree_fail++;
			return F_ACTIVATE;
		}
	}
	if (PageDirty(page)) {
		if (folio_is_file_lru(page)) {
			/* only the flushers write filesystem pages: reclaim
			 * them at the end of writeback (folio_rotate_reclaimable) */
			if (this_cpu())
				__mod_node_page_state(page_pgdat(page), NR_VMSCAN_IMMEDIATE, 1);
			SetPageReclaim(page);
			return F_ACTIVATE;
		}
		if (references == FOLIOREF_RECLAIM_CLEAN || !sc->may_writepage)
			return F_KEEP_LOCKED;
		switch (pageout(page, plug)) {
		case PAGE_KEEP:
			return F_KEEP_LOCKED;
		case PAGE_ACTIVATE:
			return F_ACTIVATE;
		case PAGE_SUCCESS:
			stat->nr_pageout++;
			return F_WRITTEN;
		case PAGE_CLEAN:
			break;
		}
	}
	if (PageAnon(page) && !PageSwapBacked(page)) {
		/* lazily freed: only the isolation's reference may be left */
		if (PageDirty(page) || !page_ref_freeze(page, 1))
			return F_KEEP_LOCKED;
		count_vm_event(PGLAZYFREED);
		return F_FREE;
	}
	/* reclaimed: MADV_PAGEOUT's pages leave shadows too (Linux) */
	return __remove_mapping(page, true) ? F_FREE : F_KEEP_LOCKED;
}

/*
 * Linux shrink_folio_list: pages of `list` are isolated (PG_lru clear, one
 * reference each).  Freed ones leave the list (their reference dropped);
 * the rest stay on it, unlocked, active or not as decided.  No lock held.
 * Returns the pages freed.
 */
static unsigned long shrink_folio_list(struct list_head *list, struct scan_control *sc,
				       struct reclaim_stat *stat)
{
	struct swap_iocb *plug = NULL;
	unsigned long nr_reclaimed = 0;
	long nr_isolated[2] = { 0, 0 };
	struct page *page, *next;
	LIST_HEAD(ret);
	LIST_HEAD(written);
	LIST_HEAD(free);

	list_for_each_entry_safe(page, next, list, lru) {
		enum fate fate;

		list_del(&page->lru);
		if (!trylock_page(page)) {
			list_add(&page->lru, &ret);
			continue;
		}
		sc->nr_scanned++;
		fate = shrink_one(page, sc, stat, &plug);
		switch (fate) {
		case F_WRITTEN: /* unlocked by the write */
			list_add_tail(&page->lru, &written);
			continue;
		case F_FREE:
			free_reclaimed(page, &free, nr_isolated);
			nr_reclaimed++;
			continue;
		case F_ACTIVATE:
			activate_locked(page, stat);
			break;
		default:
			break;
		}
		unlock_page(page);
		list_add(&page->lru, &ret);
	}
	swap_write_unplug(plug);
	while (!list_empty(&written)) {
		page = list_first_entry(&written, struct page, lru);
		list_del(&page->lru);
		if (reclaim_written(page, &free, nr_isolated))
			nr_reclaimed++;
		else
			list_add(&page->lru, &ret);
	}
	isolated_mod_batch(nr_isolated);
	free_reclaimed_list(&free);
	list_splice_tail_init(&ret, list);
	count_vm_events(PGACTIVATE, stat->nr_activate[0] + stat->nr_activate[1]);
	return nr_reclaimed;
}

/* MADV_PAGEOUT (Linux reclaim_pages -> reclaim_folio_list): every page of
 * the list, isolated by folio_isolate_lru, is reclaimed ignoring its
 * references; the rest go back to their lists. */
unsigned long reclaim_pages(struct list_head *pages)
{
	struct scan_control sc = {
		.gfp_mask = GFP_KERNEL,
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = true,
		.ignore_references = true,
		.priority = DEF_PRIORITY,
		.reclaim_idx = MAX_NR_ZONES - 1,
	};
	struct reclaim_stat stat = { 0 };
	unsigned long n;

	in_reclaim++;
	n = shrink_folio_list(pages, &sc, &stat);
	in_reclaim--;
	move_folios_to_lru(folio_lruvec(NULL), pages);
	return n;
}

/* ------------------------------------------------------ list shrink -- */

static unsigned long shrink_inactive_list(unsigned long nr_to_scan, struct lruvec *lruvec,
					  struct scan_control *sc, enum lru_list lru)
{
	bool file = is_file_lru(lru);
	unsigned long nr_scanned, nr_taken, nr_reclaimed;
	struct reclaim_stat stat = { 0 };
	LIST_HEAD(folio_list);

	lru_add_drain();
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(nr_to_scan, lruvec, &folio_list, &nr_scanned, sc, lru);
	spin_unlock(&lruvec->lru_lock);
	__mod_node_page_state(lruvec->pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(current_is_kswapd(sc) ? PGSCAN_KSWAPD : PGSCAN_DIRECT, nr_scanned);
	count_vm_events(PGSCAN_ANON + file, nr_scanned);
	if (!nr_taken)
		return 0;
	nr_reclaimed = shrink_folio_list(&folio_list, sc, &stat);
	move_folios_to_lru(lruvec, &folio_list);
	count_vm_events(current_is_kswapd(sc) ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, nr_reclaimed);
	count_vm_events(PGSTEAL_ANON + file, nr_reclaimed);
	lru_note_cost(lruvec, file, stat.nr_pageout, (unsigned int)(nr_scanned - nr_reclaimed));
	sc->nr.dirty += stat.nr_dirty;
	sc->nr.congested += stat.nr_congested;
	sc->nr.unqueued_dirty += stat.nr_unqueued_dirty;
	sc->nr.writeback += stat.nr_writeback;
	sc->nr.immediate += stat.nr_immediate;
	sc->nr.taken += (unsigned int)nr_taken;
	if (file)
		sc->nr.file_taken += (unsigned int)nr_taken;
	return nr_reclaimed;
}

static void shrink_active_list(unsigned long nr_to_scan, struct lruvec *lruvec,
			       struct scan_control *sc, enum lru_list lru)
{
	bool file = is_file_lru(lru);
	unsigned long nr_taken, nr_scanned, nr_rotated = 0;
	unsigned int nr_deactivate;
	LIST_HEAD(l_hold);
	LIST_HEAD(l_active);
	LIST_HEAD(l_inactive);

	lru_add_drain();
	spin_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(nr_to_scan, lruvec, &l_hold, &nr_scanned, sc, lru);
	spin_unlock(&lruvec->lru_lock);
	__mod_node_page_state(lruvec->pgdat, NR_ISOLATED_ANON + file, (long)nr_taken);
	count_vm_events(PGREFILL, nr_scanned);
	while (!list_empty(&l_hold)) {
		struct page *page = list_last_entry(&l_hold, struct page, lru);
		unsigned long vm_flags;

		list_del(&page->lru);
		if (unlikely(PageMlocked(page))) {
			list_add(&page->lru, &l_active);
			continue;
		}
		if (folio_referenced(page, false, &vm_flags) && (vm_flags & VM_EXEC) &&
		    folio_is_file_lru(page)) {
			nr_rotated++;
			list_add(&page->lru, &l_active);
			continue;
		}
		ClearPageActive(page);
		SetPageWorkingset(page);
		list_add(&page->lru, &l_inactive);
	}
	(void)move_folios_to_lru(lruvec, &l_active);
	nr_deactivate = (unsigned int)nr_taken - (unsigned int)nr_rotated;
	(void)move_folios_to_lru(lruvec, &l_inactive);
	count_vm_events(PGDEACTIVATE, nr_deactivate);
	lru_note_cost(lruvec, file, 0, (unsigned int)nr_rotated);
}

/* Linux inactive_is_low: inactive * sqrt(10 * GiB of both) < active. */
static bool inactive_is_low(struct lruvec *lruvec, enum lru_list inactive_lru)
{
	unsigned long inactive = lruvec_lru_size(lruvec, inactive_lru, MAX_NR_ZONES);
	unsigned long active = lruvec_lru_size(lruvec, inactive_lru + LRU_ACTIVE, MAX_NR_ZONES);
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT), ratio = 1;

	if (gb)
		for (ratio = 1; (ratio + 1) * (ratio + 1) <= 10 * gb; ratio++)
			; /* int_sqrt */
	return inactive * ratio < active;
}

static unsigned long shrink_list(enum lru_list lru, unsigned long nr_to_scan, struct lruvec *lruvec,
				 struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (1u << is_file_lru(lru)))
			shrink_active_list(nr_to_scan, lruvec, sc, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(nr_to_scan, lruvec, sc, lru);
}

/* ---------------------------------------------------- get_scan_count -- */

void calculate_pressure_balance(unsigned long anon_cost_in, unsigned long file_cost_in,
				int swappiness, u64 *fraction, u64 *denominator)
{
	unsigned long total_cost = anon_cost_in + file_cost_in;
	unsigned long anon_cost = total_cost + anon_cost_in;
	unsigned long file_cost = total_cost + file_cost_in;
	u64 ap, fp;

	total_cost = anon_cost + file_cost;
	ap = (u64)swappiness * (total_cost + 1);
	ap /= anon_cost + 1;
	fp = (u64)(MAX_SWAPPINESS - swappiness) * (total_cost + 1);
	fp /= file_cost + 1;
	fraction[0] = ap;
	fraction[1] = fp;
	*denominator = ap + fp;
}

enum scan_balance scan_balance_of(const struct scan_input *in)
{
	if (!in->may_swap || !in->swap_space)
		return SCAN_FILE;
	if (!in->priority && in->swappiness)
		return SCAN_EQUAL;
	if (in->file_is_tiny)
		return SCAN_ANON;
	if (in->cache_trim_mode)
		return SCAN_FILE;
	return SCAN_FRACT;
}

void get_scan_count_of(const struct scan_input *in, const unsigned long *lru_size,
		       unsigned long *nr)
{
	enum scan_balance balance = scan_balance_of(in);
	u64 fraction[2] = { 0, 0 }, denominator = 1;
	int lru;

	if (balance == SCAN_FRACT)
		calculate_pressure_balance(in->anon_cost, in->file_cost, in->swappiness, fraction,
					   &denominator);
	for (lru = 0; lru <= LRU_ACTIVE_FILE; lru++) {
		bool file = is_file_lru((enum lru_list)lru);
		unsigned long scan = lru_size[lru] >> in->priority;

		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? (unsigned long)(scan * fraction[file] / denominator) :
					     0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
}

static void get_scan_count(struct lruvec *lruvec, struct scan_control *sc, unsigned long *nr)
{
	struct scan_input in = {
		.may_swap = sc->may_swap,
		.swap_space = can_reclaim_anon_pages(),
		.priority = sc->priority,
		.swappiness = vm_swappiness,
		.file_is_tiny = sc->file_is_tiny,
		.cache_trim_mode = sc->cache_trim_mode,
		.anon_cost = sc->anon_cost,
		.file_cost = sc->file_cost,
	};
	unsigned long size[NR_LRU_LISTS];
	int lru;

	for (lru = 0; lru <= LRU_ACTIVE_FILE; lru++)
		size[lru] = lruvec_lru_size(lruvec, lru, sc->reclaim_idx);
	get_scan_count_of(&in, size, nr);
}

/* ----------------------------------------------------- shrink_lruvec -- */

static void shrink_lruvec(struct lruvec *lruvec, struct scan_control *sc)
{
	unsigned long nr[NR_LRU_LISTS] = { 0 }, targets[NR_LRU_LISTS];
	unsigned long nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;
	bool proportional_reclaim;
	int lru;

	get_scan_count(lruvec, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	proportional_reclaim = !current_is_kswapd(sc) && sc->priority == DEF_PRIORITY;
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		unsigned long nr_anon, nr_file, percentage, nr_scanned;

		for (lru = 0; lru <= LRU_ACTIVE_FILE; lru++) {
			if (nr[lru]) {
				unsigned long n = min(nr[lru], SWAP_CLUSTER_MAX);

				nr[lru] -= n;
				nr_reclaimed += shrink_list((enum lru_list)lru, n, lruvec, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || proportional_reclaim)
			continue;
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			percentage = nr_anon * 100 /
				     (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
			lru = LRU_INACTIVE_ANON;
		} else {
			percentage = nr_file * 100 /
				     (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
			lru = LRU_INACTIVE_FILE;
		}
		nr[lru] = 0;
		nr[lru + LRU_ACTIVE] = 0;
		lru = lru == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= min(nr[lru], nr_scanned);
		lru += LRU_ACTIVE;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= min(nr[lru], nr_scanned);
	}
	sc->nr_reclaimed += nr_reclaimed;
	if (can_reclaim_anon_pages() && inactive_is_low(lruvec, LRU_INACTIVE_ANON))
		shrink_active_list(SWAP_CLUSTER_MAX, lruvec, sc, LRU_ACTIVE_ANON);
}

/* ------------------------------------------------------- shrink_node -- */

static void prepare_scan_control(struct pglist_data *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = node_lruvec(pgdat);
	unsigned long file, anon, free = 0, high = 0;
	struct zone *z;

	spin_lock(&lruvec->lru_lock);
	sc->anon_cost = lruvec->anon_cost;
	sc->file_cost = lruvec->file_cost;
	spin_unlock(&lruvec->lru_lock);
	if (!sc->force_deactivate) {
		unsigned long refaults = node_page_state(pgdat, WORKINGSET_ACTIVATE_ANON);

		if (refaults != READ_ONCE(lruvec->refaults[0]) ||
		    inactive_is_low(lruvec, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		else
			sc->may_deactivate &= ~DEACTIVATE_ANON;
		refaults = node_page_state(pgdat, WORKINGSET_ACTIVATE_FILE);
		if (refaults != READ_ONCE(lruvec->refaults[1]) ||
		    inactive_is_low(lruvec, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
		else
			sc->may_deactivate &= ~DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	}
	file = lruvec_lru_size(lruvec, LRU_INACTIVE_FILE, MAX_NR_ZONES);
	sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE);
	for_each_populated_zone(z) {
		free += zone_page_state(z, NR_FREE_PAGES);
		high += high_wmark_pages(z);
	}
	file += lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES);
	anon = lruvec_lru_size(lruvec, LRU_INACTIVE_ANON, MAX_NR_ZONES);
	sc->file_is_tiny = file + free <= high && !(sc->may_deactivate & DEACTIVATE_ANON) &&
			   (anon >> sc->priority);
}

static void shrink_node(struct pglist_data *pgdat, struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed, nr_scanned = sc->nr_scanned;
	struct lruvec *lruvec = node_lruvec(pgdat);

	memset(&sc->nr, 0, sizeof(sc->nr));
	prepare_scan_control(pgdat, sc);
	lru_policy->shrink_lruvec(lruvec, sc);
	(void)shrink_slab(sc->gfp_mask, pgdat->node_id, sc->priority);
	if (sc->nr_reclaimed - nr_reclaimed)
		WRITE_ONCE(pgdat->kswapd_failures, 0);
	/* all the dirty file pages taken were not queued: kick the flushers */
	if (sc->nr.unqueued_dirty && sc->nr.unqueued_dirty == sc->nr.file_taken)
		wakeup_flusher_threads(WB_REASON_VMSCAN);
	(void)nr_scanned;
}

/* Linux snapshot_refaults: the refault counts this reclaim saw. */
static void snapshot_refaults(struct pglist_data *pgdat)
{
	struct lruvec *lruvec = node_lruvec(pgdat);

	WRITE_ONCE(lruvec->refaults[0], node_page_state(pgdat, WORKINGSET_ACTIVATE_ANON));
	WRITE_ONCE(lruvec->refaults[1], node_page_state(pgdat, WORKINGSET_ACTIVATE_FILE));
}

static unsigned long do_try_to_free_pages(struct scan_control *sc)
{
	int initial_priority = sc->priority;

retry:
	count_vm_event(ALLOCSTALL_DMA + sc->reclaim_idx);
	do {
		sc->nr_scanned = 0;
		shrink_node(&contig_page_data, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->priority < DEF_PRIORITY - 2)
			sc->may_writepage = true;
	} while (--sc->priority >= 0);
	snapshot_refaults(&contig_page_data);
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	return 0;
}

unsigned long try_to_free_pages(gfp_t gfp, unsigned int order)
{
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.order = (int)order,
		.priority = DEF_PRIORITY,
		.reclaim_idx = gfp_zone(gfp),
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = true,
	};
	unsigned long n;

	if (sc.reclaim_idx < 0 || !this_cpu())
		return 0;
	in_reclaim++;
	n = do_try_to_free_pages(&sc);
	in_reclaim--;
	return n;
}

/* ------------------------------------------------------------ kswapd -- */

/*
 * kswapd0 is a kernel thread (PF_KTHREAD, mm NULL, borrowing the loaded mm
 * as active_mm while it runs) on the task list.  mmkit's CPUs run work
 * handed to them, not a scheduler, so "kswapd runs" is a turn: wakeup_kswapd
 * marks it runnable (Linux wake_up_interruptible on kswapd_wait) and
 * kswapd_run_pending, called where a CPU would schedule it (after each
 * scenario command, as run_timers is, and in the stress tests' loop on a
 * CPU of its own), switches that CPU to kswapd, runs balance_pgdat and
 * switches back: it sleeps again when every eligible zone is above high.
 */

static bool pgdat_balanced(struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	bool managed = false;

	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!managed_zone(zone))
			continue;
		managed = true;
		if (zone_watermark_ok_safe(zone, (unsigned int)order, high_wmark_pages(zone),
					   highest_zoneidx))
			return true;
	}
	return !managed;
}

static bool pgdat_watermark_boosted(struct pglist_data *pgdat, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--)
		if (READ_ONCE(pgdat->node_zones[i].watermark_boost))
			return true;
	return false;
}

void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	int cur;

	if (!managed_zone(zone) || !pgdat->kswapd)
		return;
	cur = atomic_load(&pgdat->kswapd_highest_zoneidx);
	if (cur == MAX_NR_ZONES || cur < highest_zoneidx)
		atomic_store(&pgdat->kswapd_highest_zoneidx, highest_zoneidx);
	if (atomic_load(&pgdat->kswapd_order) < (int)order)
		atomic_store(&pgdat->kswapd_order, (int)order);
	if (READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES) {
		/* hopeless node (Linux leaves it to direct reclaim): mmkit also
		 * drops the zone's boost, which kswapd can no longer pay back
		 * and which would otherwise hold the watermarks up for good */
		spin_lock(&zone->lock);
		WRITE_ONCE(zone->watermark_boost, 0);
		spin_unlock(&zone->lock);
		return;
	}
	if ((pgdat_balanced(pgdat, (int)order, highest_zoneidx) &&
	     !pgdat_watermark_boosted(pgdat, highest_zoneidx)))
		return;
	(void)gfp;
	atomic_store(&pgdat->kswapd_woken, true);
}

static bool kswapd_shrink_node(struct pglist_data *pgdat, struct scan_control *sc)
{
	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= sc->reclaim_idx; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (managed_zone(zone))
			sc->nr_to_reclaim += max(high_wmark_pages(zone), SWAP_CLUSTER_MAX);
	}
	shrink_node(pgdat, sc);
	if (sc->order && sc->nr_reclaimed >= 2UL << sc->order)
		sc->order = 0; /* no compaction: recheck at order 0 */
	return sc->nr_scanned >= sc->nr_to_reclaim;
}

/* Linux balance_pgdat: reclaim until an eligible zone is above high (or
 * the boost is paid back).  Returns the pages reclaimed; *reclaim_order is
 * the order it ended balancing for (0 once enough came free). */
static unsigned long balance_pgdat(struct pglist_data *pgdat, int order, int highest_zoneidx,
				   int *reclaim_order)
{
	unsigned long nr_boost_reclaim = 0, zone_boosts[MAX_NR_ZONES] = { 0 };
	struct scan_control sc = {
		.gfp_mask = GFP_KERNEL,
		.order = order,
		.may_unmap = true,
		.kswapd = true,
	};
	unsigned long pflags;
	bool boosted;

	psi_memstall_enter(&pflags);
	count_vm_event(PAGEOUTRUN);
	for (int i = 0; i <= highest_zoneidx; i++) {
		zone_boosts[i] = READ_ONCE(pgdat->node_zones[i].watermark_boost);
		nr_boost_reclaim += zone_boosts[i];
	}
	boosted = nr_boost_reclaim != 0;
restart:
	sc.priority = DEF_PRIORITY;
	do {
		unsigned long nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true, balanced;

		sc.reclaim_idx = highest_zoneidx;
		balanced = pgdat_balanced(pgdat, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == DEF_PRIORITY - 2)
			raise_priority = false;
		sc.may_writepage = !nr_boost_reclaim;
		sc.may_swap = !nr_boost_reclaim;
		/* kswapd_age_node: background aging of the anon lists */
		if (can_reclaim_anon_pages() &&
		    inactive_is_low(node_lruvec(pgdat), LRU_INACTIVE_ANON))
			shrink_active_list(SWAP_CLUSTER_MAX, node_lruvec(pgdat), &sc,
					   LRU_ACTIVE_ANON);
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = true;
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(pgdat, &sc))
			raise_priority = false;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= min(nr_boost_reclaim, nr_reclaimed);
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);
	if (!sc.nr_reclaimed)
		WRITE_ONCE(pgdat->kswapd_failures, READ_ONCE(pgdat->kswapd_failures) + 1);
out:
	if (boosted) {
		for (int i = 0; i <= highest_zoneidx; i++) {
			struct zone *zone = &pgdat->node_zones[i];

			spin_lock(&zone->lock);
			WRITE_ONCE(zone->watermark_boost,
				   zone->watermark_boost -
					   min(zone->watermark_boost, zone_boosts[i]));
			spin_unlock(&zone->lock);
		}
	}
	snapshot_refaults(pgdat);
	psi_memstall_leave(&pflags);
	*reclaim_order = sc.order;
	return sc.nr_reclaimed;
}

/* kswapd's sleep (Linux kswapd_try_to_sleep, one thread's locals here):
 * after a run it naps HZ/10 if the node is balanced; a wakeup during the
 * nap is premature (kswapd_low_wmark_hit_quickly) and it runs again; a nap
 * that ends on a node no longer balanced (below high, not yet low) makes
 * it run again by itself (kswapd_high_wmark_hit_quickly), as does a node
 * still unbalanced after the run; a nap that ends balanced is the full
 * sleep, until wakeup_kswapd.  Guarded by kswapd_busy (one turn at a
 * time). */
static struct timer_list kswapd_nap_timer;
static _Atomic bool kswapd_nap_over; /* the nap's schedule_timeout ran out */
static _Atomic bool kswapd_busy;     /* a CPU runs kswapd's turn */
static bool kswapd_napping;
static int kswapd_sleep_order, kswapd_sleep_idx;

static void kswapd_nap_end(struct timer_list *t)
{
	(void)t;
	atomic_store(&kswapd_nap_over, true);
}

/* Linux prepare_kswapd_sleep: a hopeless node or a balanced one. */
static bool prepare_kswapd_sleep(struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	if (READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced(pgdat, order, highest_zoneidx);
}

/* The first half of kswapd_try_to_sleep, after a run: nap, or count the
 * high watermark missed and stay runnable. */
static void kswapd_try_to_sleep(struct pglist_data *pgdat, int reclaim_order, int highest_zoneidx)
{
	kswapd_sleep_order = reclaim_order;
	kswapd_sleep_idx = highest_zoneidx;
	if (prepare_kswapd_sleep(pgdat, reclaim_order, highest_zoneidx)) {
		kswapd_napping = true;
		mod_timer(&kswapd_nap_timer, jiffies + HZ / 10);
		return;
	}
	count_vm_event(KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	atomic_store(&pgdat->kswapd_woken, true);
}

/* The second half, when kswapd gets the CPU again (woken, or its nap
 * over): true if it goes to sleep for good (nothing to run). */
static bool kswapd_nap_done(struct pglist_data *pgdat, bool woken)
{
	if (!kswapd_napping)
		return !woken;
	kswapd_napping = false;
	if (woken) { /* woken before the nap ran out: remaining != 0 */
		timer_delete_sync(&kswapd_nap_timer);
		atomic_store(&kswapd_nap_over, false);
		count_vm_event(KSWAPD_LOW_WMARK_HIT_QUICKLY);
		return false;
	}
	if (prepare_kswapd_sleep(pgdat, kswapd_sleep_order, kswapd_sleep_idx))
		return true; /* schedule(): asleep until wakeup_kswapd */
	count_vm_event(KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	return false;
}

unsigned long kswapd_run_pending(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct task_struct *prev;
	unsigned long n = 0;
	int order, idx, reclaim_order;
	bool woken;

	if (!this_cpu() || !pgdat->kswapd || in_reclaim || atomic_exchange(&kswapd_busy, true))
		return 0;
	woken = atomic_exchange(&pgdat->kswapd_woken, false);
	if (!woken && !atomic_exchange(&kswapd_nap_over, false))
		goto out;
	if (kswapd_nap_done(pgdat, woken))
		goto out;
	order = atomic_exchange(&pgdat->kswapd_order, 0);
	idx = atomic_exchange(&pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
	if (idx == MAX_NR_ZONES) /* Linux kswapd_highest_zoneidx(): the previous one */
		idx = woken ? MAX_NR_ZONES - 1 : kswapd_sleep_idx;
	prev = cpu_curr(this_cpu());
	context_switch(pgdat->kswapd);
	psi_task_running(true);
	in_reclaim++;
	n = balance_pgdat(pgdat, order, idx, &reclaim_order);
	kswapd_try_to_sleep(pgdat, reclaim_order, idx);
	in_reclaim--;
	psi_task_running(false);
	if (prev)
		context_switch(prev);
	else
		context_switch_idle();
out:
	atomic_store(&kswapd_busy, false);
	return n;
}

static int kswapd_init(void)
{
	struct pglist_data *pgdat = &contig_page_data;

	atomic_store(&pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
	atomic_store(&pgdat->kswapd_order, 0);
	atomic_store(&pgdat->kswapd_woken, false);
	atomic_store(&kswapd_nap_over, false);
	atomic_store(&kswapd_busy, false);
	kswapd_napping = false;
	timer_setup(&kswapd_nap_timer, kswapd_nap_end, 0);
	/* pid PID_MAX_LIMIT - 1: off the sequence the scenarios' tasks use */
	pgdat->kswapd = kthread_create_task_pid("kswapd0", 4194303);
	return pgdat->kswapd ? 0 : -ENOMEM;
}

static void kswapd_exit(void)
{
	timer_delete_sync(&kswapd_nap_timer);
	if (contig_page_data.kswapd)
		task_exit(contig_page_data.kswapd);
	contig_page_data.kswapd = NULL;
}
mmk_initcall(INIT_MM + 6, kswapd_init, kswapd_exit);
