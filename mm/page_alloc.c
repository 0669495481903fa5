/*
 * page_alloc.c - the buddy page allocator (Linux mm/page_alloc.c, 6.x).
 *
 * Free memory of each zone is kept in free_area[0..MAX_PAGE_ORDER]: a block
 * of 2^k naturally aligned frames sits on free_area[k].free_list[mt], where
 * mt is the migratetype of its pageblock, with PageBuddy set on its head and
 * k in head->private.  Allocation takes the smallest block that fits from
 * the requested type's lists and splits it (expand), putting the unused
 * halves back one order lower; when the type has nothing, it falls back to
 * another type (fallbacks[]), claiming the whole pageblock when enough of it
 * is free ("anti-fragmentation", Mel Gorman 2007) or else stealing just the
 * block.  Freeing merges a block with its buddy at pfn ^ (1 << order) for as
 * long as the buddy is free and of the same order (Knuth, TAOCP vol. 1,
 * 2.5; Knowlton 1965).
 *
 * Small orders (0..3 and the THP order) go through per-CPU lists first: each
 * CPU owns its lists and touches them without a lock; they are refilled
 * (rmqueue_bulk) and drained (free_pcppages_bulk) in batches under
 * zone->lock, and other CPUs empty them only by asking the owner with an IPI
 * (drain_all_pages).  A request walks the zones from gfp_zone() downwards
 * and takes from the first whose free pages stay above the watermark plus
 * the lowmem reserve for the requested zone; the slow path retries with the
 * min watermark, drains every CPU's lists and fails (reclaim and the OOM
 * killer plug in at the marked seams).
 *
 * Frees are checked as Linux's free_pages_prepare does (mapcount, mapping,
 * refcount, flags) plus an allocation record (the order each live block was
 * allocated with, like page_owner's), so double frees, wrong orders and tail
 * pointers are reported by bad_page() and refused without touching the
 * lists.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "mm/page_alloc_internal.h"
#include "mmkit/oom.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/psi.h"
#include "mmkit/swap.h"
#include "mmkit/vmscan.h"

DEFINE_FAULT_SITE(fail_page_alloc, "alloc_pages");

struct pglist_data contig_page_data;
unsigned int pageblock_order = 9;
bool page_group_by_mobility_disabled;
_Atomic unsigned long nr_bad_pages;

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

/* Where to look when a type's lists are empty (the highatomic reserve is
 * never a fallback). */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/* A blocking allocation that reaches the slow path is an interrupt point
 * of its CPU: in Linux it may sleep, so it never runs with interrupts off,
 * and a pending IPI (a remote pcp drain, a TLB shootdown) is served there.
 * Nothing else in the allocator serves IPIs - callers may be in the middle
 * of per-CPU work of their own (slab) that an IPI handler must not see. */
static __always_inline void handle_ipis_if_cpu(void)
{
	struct cpu *c = this_cpu();

	if (c && unlikely(atomic_load_explicit(&c->ipi_pending, memory_order_acquire)))
		__cpu_handle_ipis(c);
}

/* ------------------------------------------------------------------ */
/* Pageblock migratetypes                                              */
/* ------------------------------------------------------------------ */

static inline u8 *pageblock_slot(struct zone *zone, unsigned long pfn)
{
	return &zone->pageblock_mt[(pfn - zone->pageblock_base_pfn) >> pageblock_order];
}

/* Racy read (the free path reads it without zone->lock, as Linux does). */
int get_pfnblock_migratetype(unsigned long pfn)
{
	struct zone *zone = page_zone(pfn_to_page(pfn));

	return __atomic_load_n(pageblock_slot(zone, pfn), __ATOMIC_RELAXED);
}

/* The migratetype of page's pageblock (racy read, no lock needed). */
int get_pageblock_migratetype(const struct page *page)
{
	return get_pfnblock_migratetype(page_to_pfn(page));
}

/* zone->lock held (or the zone not yet live at boot). */
void set_pageblock_migratetype(struct page *page, int migratetype)
{
	unsigned long pfn = page_to_pfn(page);

	if (unlikely(page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES))
		migratetype = MIGRATE_UNMOVABLE;
	__atomic_store_n(pageblock_slot(page_zone(page), pfn), (u8)migratetype, __ATOMIC_RELAXED);
}

/* Set the type of every pageblock a block of 2^order pages covers. */
static void change_pageblock_range(struct page *page, unsigned int order, int migratetype)
{
	unsigned long nr = order >= pageblock_order ? 1UL << (order - pageblock_order) : 1;

	while (nr--) {
		set_pageblock_migratetype(page, migratetype);
		page += pageblock_nr_pages;
	}
}

/* ------------------------------------------------------------------ */
/* Free lists (zone->lock held)                                        */
/* ------------------------------------------------------------------ */

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
}

/* NR_FREE_PAGES and the highatomic count follow the pages' list type. */
static inline void account_freepages(struct zone *zone, long nr_pages, int migratetype)
{
	if (is_migrate_isolate(migratetype))
		return;
	mod_zone_page_state(zone, NR_FREE_PAGES, nr_pages);
	if (migratetype == MIGRATE_HIGHATOMIC)
		WRITE_ONCE(zone->nr_free_highatomic, zone->nr_free_highatomic + nr_pages);
}

static inline void area_count(struct zone *zone, struct free_area *area, unsigned int order,
			      int migratetype, long delta)
{
	WRITE_ONCE(area->nr_free, area->nr_free + delta);
	WRITE_ONCE(area->nr_free_mt[migratetype], area->nr_free_mt[migratetype] + delta);
	if (order >= pageblock_order && !is_migrate_isolate(migratetype))
		mod_zone_page_state(zone, NR_FREE_PAGES_BLOCKS, delta * (1L << order));
}

static inline void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				      int migratetype, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->lru, &area->free_list[migratetype]);
	else
		list_add(&page->lru, &area->free_list[migratetype]);
	area_count(zone, area, order, migratetype, 1);
}

static inline void __del_page_from_free_list(struct page *page, struct zone *zone,
					     unsigned int order, int migratetype)
{
	list_del(&page->lru);
	__ClearPageBuddy(page);
	page->private = 0;
	area_count(zone, &zone->free_area[order], order, migratetype, -1);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order,
					   int migratetype)
{
	__del_page_from_free_list(page, zone, order, migratetype);
	account_freepages(zone, -(1L << order), migratetype);
}

static inline void move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				     int old_mt, int new_mt)
{
	struct free_area *area = &zone->free_area[order];

	list_move_tail(&page->lru, &area->free_list[new_mt]);
	area_count(zone, area, order, old_mt, -1);
	area_count(zone, area, order, new_mt, 1);
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
}

static inline struct page *get_page_from_free_area(struct free_area *area, int migratetype)
{
	struct list_head *head = &area->free_list[migratetype];

	return list_empty(head) ? NULL : list_first_entry(head, struct page, lru);
}

/* ------------------------------------------------------------------ */
/* Merging on free                                                      */
/* ------------------------------------------------------------------ */

static inline bool page_is_buddy(const struct page *page, const struct page *buddy,
				 unsigned int order)
{
	return PageBuddy(buddy) && buddy_order(buddy) == order &&
	       page_zonenum(page) == page_zonenum(buddy);
}

/* The free buddy of the order-`order` block at pfn, or NULL; *buddy_pfn is
 * set either way. */
static inline struct page *find_buddy_page_pfn(struct page *page, unsigned long pfn,
					       unsigned int order, unsigned long *buddy_pfn)
{
	unsigned long bpfn = pfn ^ (1UL << order);
	struct page *buddy = page + ((long)bpfn - (long)pfn);

	if (buddy_pfn)
		*buddy_pfn = bpfn;
	if (bpfn >= mmk->max_pfn || !page_is_buddy(page, buddy, order))
		return NULL;
	return buddy;
}

/* Put a block that is about to merge further at the tail, so it stays free
 * longer and the larger block can form (Linux buddy_merge_likely). */
static bool buddy_merge_likely(unsigned long pfn, unsigned long buddy_pfn, struct page *page,
			       unsigned int order)
{
	unsigned long higher_pfn;

	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	higher_pfn = buddy_pfn & pfn;
	return find_buddy_page_pfn(page + ((long)higher_pfn - (long)pfn), higher_pfn, order + 1,
				   NULL) != NULL;
}

/*
 * Free a block into its zone's lists, merging with free buddies.  zone->lock
 * held.  Above pageblock_order a block only merges with a buddy of another
 * migratetype when both types are mergeable (the highatomic reserve is not),
 * and the merged buddy takes the block's type.
 */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype, int fpi)
{
	unsigned long buddy_pfn = 0, combined_pfn;
	struct page *buddy;
	bool to_tail;

	lockdep_assert_held(&zone->lock);
	VM_BUG_ON(pfn & ((1UL << order) - 1)); /* VM_BUG_ON_PAGE */
	account_freepages(zone, 1L << order, migratetype);
	while (order < MAX_PAGE_ORDER) {
		int buddy_mt = migratetype;

		buddy = find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		if (unlikely(order >= pageblock_order)) {
			buddy_mt = get_pfnblock_migratetype(buddy_pfn);
			if (migratetype != buddy_mt && (!migratetype_is_mergeable(migratetype) ||
							!migratetype_is_mergeable(buddy_mt)))
				break;
		}
		__del_page_from_free_list(buddy, zone, order, buddy_mt);
		if (unlikely(buddy_mt != migratetype))
			change_pageblock_range(buddy, order, migratetype);
		combined_pfn = buddy_pfn & pfn;
		page += (long)combined_pfn - (long)pfn;
		pfn = combined_pfn;
		order++;
	}
	set_buddy_order(page, order);
	to_tail = (fpi & FPI_TO_TAIL) || buddy_merge_likely(pfn, buddy_pfn, page, order);
	__add_to_free_list(page, zone, order, migratetype, to_tail);
}

/* ------------------------------------------------------------------ */
/* Splitting on allocation                                              */
/* ------------------------------------------------------------------ */

/* Split an order-`high` block down to `low`, freeing the upper halves;
 * returns the number of pages put back. */
static unsigned int expand(struct zone *zone, struct page *page, unsigned int low,
			   unsigned int high, int migratetype)
{
	unsigned int size = 1U << high, nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		__add_to_free_list(&page[size], zone, high, migratetype, false);
		set_buddy_order(&page[size], high);
		nr_added += size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page, unsigned int low,
				unsigned int high, int migratetype)
{
	long nr_pages = 1L << high;

	__del_page_from_free_list(page, zone, high, migratetype);
	nr_pages -= expand(zone, page, low, high, migratetype);
	account_freepages(zone, -nr_pages, migratetype);
}

/* The smallest block of `migratetype` that fits, split to `order`. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	unsigned int o;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct page *page = get_page_from_free_area(&zone->free_area[o], migratetype);

		if (!page)
			continue;
		page_del_and_expand(zone, page, order, o, migratetype);
		return page;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Fallback: claiming and stealing from other migratetypes             */
/* ------------------------------------------------------------------ */

/* Move every free block of one pageblock to new_mt's lists; returns pages
 * moved.  zone->lock held. */
static unsigned long __move_freepages_block(struct zone *zone, unsigned long start_pfn, int old_mt,
					    int new_mt)
{
	unsigned long pfn = start_pfn, end = start_pfn + pageblock_nr_pages, moved = 0;

	lockdep_assert_held(&zone->lock);
	while (pfn < end) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		if (!PageBuddy(page)) {
			pfn++;
			continue;
		}
		order = buddy_order(page);
		move_to_free_list(page, zone, order, old_mt, new_mt);
		pfn += 1UL << order;
		moved += 1UL << order;
	}
	return moved;
}

/* Count free and movable pages of page's pageblock; false when the block is
 * not wholly inside the zone (it cannot be moved then). */
static bool prep_move_freepages_block(struct zone *zone, struct page *page, unsigned long *start,
				      unsigned long *nr_free, unsigned long *nr_movable)
{
	unsigned long pfn = page_to_pfn(page), s = pageblock_start_pfn(pfn);
	unsigned long end = s + pageblock_nr_pages - 1;

	*start = s;
	if (nr_free)
		*nr_free = *nr_movable = 0;
	if (!zone_spans_pfn(zone, s) || !zone_spans_pfn(zone, end))
		return false;
	for (pfn = s; nr_free && pfn <= end;) {
		struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			*nr_free += 1UL << buddy_order(p);
			pfn += 1UL << buddy_order(p);
			continue;
		}
		if (PageLRU(p))
			(*nr_movable)++;
		pfn++;
	}
	return true;
}

/* Returns pages moved, or -1 when the pageblock straddles the zone. */
static long move_freepages_block(struct zone *zone, struct page *page, int old_mt, int new_mt)
{
	unsigned long start, moved;

	if (!prep_move_freepages_block(zone, page, &start, NULL, NULL))
		return -1;
	moved = __move_freepages_block(zone, start, old_mt, new_mt);
	set_pageblock_migratetype(pfn_to_page(start), new_mt);
	return (long)moved;
}

/* Raise the watermarks after a fragmenting fallback so kswapd reclaims a
 * little more (watermark_boost_factor).  zone->lock held. */
static bool boost_watermark(struct zone *zone)
{
	unsigned long max_boost;

	lockdep_assert_held(&zone->lock);
	if (!watermark_boost_factor)
		return false;
	if (pageblock_nr_pages * 4 > zone_managed_pages(zone))
		return false;
	max_boost = zone->_watermark[WMARK_HIGH] * (unsigned long)watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	max_boost = max(pageblock_nr_pages, max_boost);
	WRITE_ONCE(zone->watermark_boost,
		   min(zone->watermark_boost + pageblock_nr_pages, max_boost));
	return true;
}

static bool should_try_claim_block(unsigned int order, int start_mt)
{
	if (order >= pageblock_order / 2)
		return true;
	if (start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE)
		return true;
	return page_group_by_mobility_disabled;
}

/* A fallback type with a free block at this order: -1 none, -2 too small
 * to claim. */
static int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
				  bool claimable)
{
	int i;

	if (claimable && !should_try_claim_block(order, migratetype))
		return -2;
	if (!READ_ONCE(area->nr_free))
		return -1;
	for (i = 0; i < MIGRATE_PCPTYPES - 1; i++)
		if (!free_area_empty(area, fallbacks[migratetype][i]))
			return fallbacks[migratetype][i];
	return -1;
}

/*
 * Take over the pageblock of a block found on another type's list: the
 * whole block when it is at least a pageblock, else the pageblock if at
 * least half of it is free or compatible.  Returns the allocated page, or
 * NULL when the block could not be claimed.
 */
static struct page *try_to_claim_block(struct zone *zone, struct page *page,
				       unsigned int current_order, unsigned int order,
				       int start_type, int block_type, unsigned int alloc_flags)
{
	unsigned long start_pfn, free_pages, movable_pages, alike_pages;

	if (current_order >= pageblock_order) {
		del_page_from_free_list(page, zone, current_order, block_type);
		change_pageblock_range(page, current_order, start_type);
		account_freepages(zone, expand(zone, page, order, current_order, start_type),
				  start_type);
		return page;
	}
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		atomic_fetch_or(&zone->flags, BIT(ZONE_BOOSTED_WATERMARK));
	if (!prep_move_freepages_block(zone, page, &start_pfn, &free_pages, &movable_pages))
		return NULL;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages = pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages < (1UL << (pageblock_order - 1)) &&
	    !page_group_by_mobility_disabled)
		return NULL;
	__move_freepages_block(zone, start_pfn, block_type, start_type);
	set_pageblock_migratetype(pfn_to_page(start_pfn), start_type);
	return __rmqueue_smallest(zone, order, start_type);
}

/* Claim from the largest foreign block first (the pageblock most likely to
 * be mostly free). */
static struct page *__rmqueue_claim(struct zone *zone, unsigned int order, int start_mt,
				    unsigned int alloc_flags)
{
	int o, min_order = (int)order;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = (int)pageblock_order;
	for (o = MAX_PAGE_ORDER; o >= min_order; o--) {
		struct free_area *area = &zone->free_area[o];
		int fmt = find_suitable_fallback(area, (unsigned int)o, start_mt, true);
		struct page *page;

		if (fmt == -1)
			continue;
		if (fmt == -2)
			break;
		page = get_page_from_free_area(area, fmt);
		page = try_to_claim_block(zone, page, (unsigned int)o, order, start_mt, fmt,
					  alloc_flags);
		if (page)
			return page;
	}
	return NULL;
}

/* Take the smallest foreign block without changing its pageblock's type. */
static struct page *__rmqueue_steal(struct zone *zone, unsigned int order, int start_mt)
{
	unsigned int o;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];
		int fmt = find_suitable_fallback(area, o, start_mt, false);
		struct page *page;

		if (fmt == -1)
			continue;
		page = get_page_from_free_area(area, fmt);
		page_del_and_expand(zone, page, order, o, fmt);
		return page;
	}
	return NULL;
}

enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CLAIM, RMQUEUE_STEAL };

/* One block: own type, then claim, then steal.  *mode remembers where the
 * last call found pages, to save the search in a bulk refill.  zone->lock
 * held. */
static struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
			      unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	struct page *page;

	lockdep_assert_held(&zone->lock);
	if (*mode == RMQUEUE_NORMAL) {
		page = __rmqueue_smallest(zone, order, migratetype);
		if (page)
			return page;
	}
	if (*mode != RMQUEUE_STEAL) {
		page = __rmqueue_claim(zone, order, migratetype, alloc_flags);
		if (page) {
			*mode = RMQUEUE_NORMAL;
			return page;
		}
	}
	if (alloc_flags & ALLOC_NOFRAGMENT)
		return NULL;
	page = __rmqueue_steal(zone, order, migratetype);
	if (page)
		*mode = RMQUEUE_STEAL;
	return page;
}

/* ------------------------------------------------------------------ */
/* The highatomic reserve                                               */
/* ------------------------------------------------------------------ */

/* After a high-order atomic allocation, set its pageblock aside for future
 * ones (at most ~1% of the zone). */
static void reserve_highatomic_pageblock(struct page *page, unsigned int order, struct zone *zone)
{
	unsigned long max_managed = zone_managed_pages(zone) / 100;
	int mt;

	if (max_managed < pageblock_nr_pages)
		return;
	max_managed = ALIGN(max_managed, pageblock_nr_pages);
	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;
	spin_lock(&zone->lock);
	mt = get_pageblock_migratetype(page);
	if (zone->nr_reserved_highatomic >= max_managed || !migratetype_is_mergeable(mt))
		goto out_unlock;
	if (order < pageblock_order) {
		if (move_freepages_block(zone, page, mt, MIGRATE_HIGHATOMIC) == -1)
			goto out_unlock;
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + pageblock_nr_pages);
	} else {
		change_pageblock_range(page, order, MIGRATE_HIGHATOMIC);
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + (1UL << order));
	}
out_unlock:
	spin_unlock(&zone->lock);
}

/* Give one reserved pageblock back to ordinary use (before failing). */
static bool unreserve_zone_highatomic(struct zone *zone, int to_mt, bool force)
{
	unsigned int order;
	bool ret = false;

	if (!force && READ_ONCE(zone->nr_reserved_highatomic) <= pageblock_nr_pages)
		return false;
	spin_lock(&zone->lock);
	for (order = 0; order < NR_PAGE_ORDERS && !ret; order++) {
		struct page *page =
			get_page_from_free_area(&zone->free_area[order], MIGRATE_HIGHATOMIC);
		unsigned long size;

		if (!page)
			continue;
		size = min(max(pageblock_nr_pages, 1UL << order), zone->nr_reserved_highatomic);
		WRITE_ONCE(zone->nr_reserved_highatomic, zone->nr_reserved_highatomic - size);
		if (order < pageblock_order) {
			ret = move_freepages_block(zone, page, MIGRATE_HIGHATOMIC, to_mt) > 0;
		} else {
			move_to_free_list(page, zone, order, MIGRATE_HIGHATOMIC, to_mt);
			change_pageblock_range(page, order, to_mt);
			ret = true;
		}
	}
	spin_unlock(&zone->lock);
	return ret;
}

static bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	struct zone *const *zp;
	struct zone *zone;

	for_each_zone_zonelist(zone, zp, ac) if (unreserve_zone_highatomic(zone, ac->migratetype,
									   force)) return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* bad_page and the state checks                                        */
/* ------------------------------------------------------------------ */

static bool tainted;

/*
 * Report a page in a state it must not be in.  Like Linux, the caller then
 * takes the page out of circulation (it is neither freed nor handed out);
 * mmkit never changes it here, so a page that sits on a free list stays
 * consistent with the list.
 */
static void bad_page(const struct page *page, const char *reason)
{
	atomic_fetch_add_explicit(&nr_bad_pages, 1, memory_order_relaxed);
	printk("BUG: Bad page state in process %s  pfn:%05lx\n", current_comm(), page_to_pfn(page));
	dump_page(page, reason);
	if (!tainted) {
		tainted = true;
		printk("Disabling lock debugging due to kernel taint\n");
	}
}

static inline bool page_expected_state(const struct page *page, unsigned long check_flags)
{
	if (unlikely(atomic_load_explicit(&((struct page *)page)->_mapcount,
					  memory_order_relaxed) != -1))
		return false;
	if (unlikely((unsigned long)page->mapping | (unsigned long)page_ref_count(page) |
		     (atomic_load_explicit(&((struct page *)page)->flags, memory_order_relaxed) &
		      check_flags)))
		return false;
	return true;
}

static const char *page_bad_reason(const struct page *page, unsigned long flags)
{
	const char *reason = NULL;

	if (atomic_load(&((struct page *)page)->_mapcount) != -1)
		reason = "nonzero mapcount";
	if (page->mapping)
		reason = "non-NULL mapping";
	if (page_ref_count(page) != 0)
		reason = "nonzero _refcount";
	if (atomic_load(&((struct page *)page)->flags) & flags)
		reason = flags == PAGE_FLAGS_CHECK_AT_PREP ?
				 "PAGE_FLAGS_CHECK_AT_PREP flag(s) set" :
				 "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	return reason;
}

static __noinline bool free_page_report_bad(struct page *page)
{
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE));
	return true;
}

/* The state check is inline (it runs on every free); only the report is
 * out of line. */
static __always_inline bool free_page_is_bad(struct page *page)
{
	if (likely(page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE)))
		return false;
	return free_page_report_bad(page);
}

/* A page about to be handed out must look free.  Debug builds check every
 * page of the block; release builds skip the check, as Linux does unless
 * check_pages_enabled (debug_pagealloc, init_on_*, DEBUG_VM) - verify
 * still finds a corrupted free page. */
static __always_inline bool check_new_pages(struct page *page, unsigned int order)
{
#ifdef CONFIG_DEBUG_VM
	unsigned long i, n = 1UL << order;
#else
	unsigned long i, n = 0;
#endif
	for (i = 0; i < n; i++) {
		struct page *p = page + i;

		if (unlikely(!page_expected_state(p, PAGE_FLAGS_CHECK_AT_PREP) ||
			     READ_ONCE(p->page_type) != PGTY_none)) {
			bad_page(p, page_bad_reason(p, PAGE_FLAGS_CHECK_AT_PREP));
			return true;
		}
	}
	(void)order;
	return false;
}

/* The head pfn of the live allocation covering pfn (order in *order), or
 * -1UL.  Racy by design: it only names the culprit in a report. */
unsigned long pgalloc_head_pfn(unsigned long pfn, unsigned int *order)
{
	unsigned int k;

	for (k = 0; k <= MAX_PAGE_ORDER; k++) {
		unsigned long head = pfn & ~((1UL << k) - 1);
		unsigned int rec = pgalloc_rec_get(head);

		if (rec && rec - 1 >= k) {
			*order = rec - 1;
			return head;
		}
	}
	return -1UL;
}

/*
 * Is freeing (page, order) consistent with the allocation record?  Returns
 * NULL when it is, or the reason for bad_page.  A page the allocator never
 * handed out (reserved, or not recorded) passes: the state checks decide.
 */
static __noinline const char *free_order_problem(struct page *page, unsigned long pfn,
						 unsigned int order, char *buf, size_t n)
{
	unsigned int rec = pgalloc_rec_get(pfn), horder;
	unsigned long hpfn;

	if (rec == order + 1)
		return NULL;
	if (rec) {
		snprintf(buf, n, "freed with order %u, but allocated with order %u", order,
			 rec - 1);
		return buf;
	}
	hpfn = pgalloc_head_pfn(pfn, &horder);
	if (hpfn != -1UL) {
		snprintf(buf, n, "not the head of its allocation (order %u at pfn %#lx)", horder,
			 hpfn);
		return buf;
	}
	if (PageBuddy(page))
		return "double free: page is free in the buddy allocator";
	return NULL;
}

/*
 * The checks before pages go back (Linux free_pages_prepare).  Each page of
 * the block must be unmapped, unreferenced, without mapping and without the
 * flags that need clearing first; any bad page leaks the whole block (out of
 * circulation, as Linux does).  Returns true when the block may be freed.
 */
/* Clear the page-flag bits of a page nobody else can see (the zone bits
 * stay); a plain store, and none at all when they are already clear. */
static inline void clear_page_flags(struct page *page)
{
	unsigned long f = atomic_load_explicit(&page->flags, memory_order_relaxed);

	if (unlikely(f & PAGEFLAGS_MASK))
		atomic_store_explicit(&page->flags, f & ~PAGEFLAGS_MASK, memory_order_relaxed);
}

static __always_inline bool free_pages_prepare(struct page *page, unsigned long pfn,
					       unsigned int order)
{
	unsigned long i;
	bool bad = false;

	if (PageAnon(page))
		page->mapping = NULL;
	if (READ_ONCE(page->page_type) != PGTY_none)
		__ClearPageBuddy(page); /* resets any page type (table, slab, ...) */
	for (i = 1; i < (1UL << order); i++) {
		if (free_page_is_bad(page + i)) {
			bad = true;
			continue;
		}
		clear_page_flags(page + i);
	}
	if (free_page_is_bad(page))
		bad = true;
	if (unlikely(bad))
		return false;
	clear_page_flags(page);
	page->private = 0;
	pgalloc_rec_set(pfn, 0);
	return true;
}

/* ------------------------------------------------------------------ */
/* Per-CPU page lists                                                   */
/* ------------------------------------------------------------------ */

static inline void pcp_count_add(struct per_cpu_pages *pcp, int n)
{
	WRITE_ONCE(pcp->count, pcp->count + n);
}

static inline void pcp_set_high(struct per_cpu_pages *pcp, int high)
{
	WRITE_ONCE(pcp->high, high);
}

/* How many pages to pull from the zone when a list is empty (grows while a
 * CPU keeps allocating: alloc_factor). */
static int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order)
{
	int base_batch = pcp->batch, high_min = pcp->high_min, high_max = pcp->high_max;
	int high = clamp(pcp->high, high_min, high_max), batch, max_nr_alloc;

	pcp_set_high(pcp, high);
	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max && !(atomic_load(&zone->flags) & BIT(ZONE_BELOW_HIGH))) {
		high = min(high + batch, high_max);
		pcp_set_high(pcp, high);
	}
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

/* The effective high mark on a free, adjusting pcp->high (Linux nr_pcp_high). */
static __always_inline int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, int batch,
				       bool free_high)
{
	int high_min = pcp->high_min, high_max = pcp->high_max;
	int high = clamp(pcp->high, high_min, high_max);
	unsigned long zflags = atomic_load_explicit(&zone->flags, memory_order_relaxed);

	pcp_set_high(pcp, high);
	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp_set_high(pcp, max(high - (batch << PCP_BATCH_SCALE_MAX), high_min));
		return 0;
	}
	if (zflags & BIT(ZONE_RECLAIM_ACTIVE)) {
		pcp_set_high(pcp, max(high - max(pcp->free_count, batch), high_min));
		return min(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (zflags & BIT(ZONE_BELOW_HIGH)) {
		pcp_set_high(pcp, max(high - max(pcp->free_count, batch), high_min));
		return max(pcp->count, high_min);
	}
	if (pcp->count >= high && pcp->high < pcp->free_count + batch)
		pcp_set_high(pcp, clamp(pcp->free_count + batch, high_min, high_max));
	return high;
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return min(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	return clamp(pcp->free_count, batch, max(high - batch, batch));
}

/* Give `count` pages of the CPU's lists back to the zone, round-robin over
 * the lists starting with pindex.  Owner CPU; takes zone->lock. */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp, int pindex)
{
	count = min(pcp->count, count);
	pindex--;
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));
		order = pindex_to_order((unsigned int)pindex);
		do {
			struct page *page = list_last_entry(list, struct page, lru);
			unsigned long pfn = page_to_pfn(page);

			list_del(&page->lru);
			count -= 1 << order;
			pcp_count_add(pcp, -(1 << order));
			__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(pfn),
					FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/* Refill a pcp list with up to `count` blocks.  Returns blocks taken. */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
			int migratetype, unsigned int alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags, &mode);

		if (!page)
			break;
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

static inline void zone_statistics(struct zone *zone, int cpu)
{
	unsigned long *ev = zone->pageset[cpu].zstats.vm_numa_event;

	WRITE_ONCE(ev[NUMA_HIT], ev[NUMA_HIT] + 1);
	WRITE_ONCE(ev[NUMA_LOCAL], ev[NUMA_LOCAL] + 1);
}

/* The PGALLOC_* event and zone_statistics, for a caller that already holds
 * its CPU and pageset (plain per-CPU increments, no reloads). */
static __always_inline void pcp_alloc_stats(struct cpu *c, struct per_cpu_pageset *ps,
					    struct page *page, unsigned int order)
{
	unsigned long *ev = ps->zstats.vm_numa_event;
	unsigned long *pg = &c->vm_events[PGALLOC_DMA + page_zonenum(page)];

	WRITE_ONCE(*pg, *pg + (1UL << order));
	WRITE_ONCE(ev[NUMA_HIT], ev[NUMA_HIT] + 1);
	WRITE_ONCE(ev[NUMA_LOCAL], ev[NUMA_LOCAL] + 1);
}

/* Take the first block off a non-empty pcp list.  Its lru.prev is the list
 * head itself, so only one link has to be loaded (list_del, poisoned). */
static __always_inline struct page *pcp_list_pop_first(struct list_head *list)
{
	struct list_head *first = list->next, *next = first->next;

	VM_WARN_ON(first->prev != list);
	next->prev = list;
	list->next = next;
	first->next = (struct list_head *)0x100; /* LIST_POISON1 */
	first->prev = (struct list_head *)0x122; /* LIST_POISON2 */
	return list_entry(first, struct page, lru);
}

static struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
				    unsigned int alloc_flags, struct cpu *c)
{
	struct per_cpu_pages *pcp = &zone->pageset[c->id].pcp;
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	struct page *page;

	pcp->free_count >>= 1;
	do {
		if (list_empty(list)) {
			int batch = nr_pcp_alloc(pcp, zone, order);

			pcp_count_add(
				pcp,
				rmqueue_bulk(zone, order, batch, list, migratetype, alloc_flags)
					<< order);
			if (list_empty(list))
				return NULL;
		}
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		pcp_count_add(pcp, -(1 << order));
	} while (unlikely(check_new_pages(page, order)));
	count_vm_events(PGALLOC_DMA + page_zonenum(page), 1UL << order);
	zone_statistics(zone, c->id);
	return page;
}

/* Put a freed block on the CPU's list; drain a batch when over high. */
static __always_inline void free_frozen_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
						    struct page *page, int migratetype,
						    unsigned int order)
{
	unsigned int pindex = order_to_pindex(migratetype, order);
	int high, batch = pcp->batch;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	count_vm_events(PGFREE, 1UL << order);
	list_add(&page->lru, &pcp->lists[pindex]);
	pcp_count_add(pcp, 1 << order);
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (pcp->count < high)
		return;
	free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high), pcp, (int)pindex);
	if ((atomic_load(&zone->flags) & BIT(ZONE_BELOW_HIGH)) &&
	    zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0))
		atomic_fetch_and(&zone->flags, ~BIT(ZONE_BELOW_HIGH));
}

/* Empty this CPU's lists of one zone.  Owner CPU. */
static void drain_pages_zone(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->pageset[cpu].pcp;

	while (pcp->count > 0)
		free_pcppages_bulk(zone, min(pcp->count, pcp->batch << PCP_BATCH_SCALE_MAX), pcp,
				   0);
}

static void drain_local_pages_zone(struct zone *only)
{
	struct cpu *c = this_cpu();
	struct zone *zone;

	if (!c)
		return;
	for_each_zone(zone)
		if (zone->pageset && (!only || zone == only))
			drain_pages_zone(zone, c->id);
}

/* Drain this CPU's lists (all zones).  Called on the CPU that owns them. */
void drain_local_pages(void) { drain_local_pages_zone(NULL); }

static void drain_local_pages_ipi(void *info) { drain_local_pages_zone(info); }

static bool cpu_has_pcps(int cpu, struct zone *only)
{
	struct zone *zone;

	for_each_zone(zone)
		if (zone->pageset && (!only || zone == only) &&
		    READ_ONCE(zone->pageset[cpu].pcp.count))
			return true;
	return false;
}

/*
 * Empty every CPU's lists of `zone` (NULL: all zones): the local ones
 * directly, the others by IPI to their owners, waiting for them.  Must run
 * on a CPU thread holding no allocator lock (the targets take zone->lock).
 */
void drain_all_pages_zone(struct zone *zone)
{
	struct cpu *self = this_cpu();
	u64 mask = 0;
	int n;

	BUG_ON(!self);
	for (n = 0; n < mmk->nr_cpus; n++)
		if (n != self->id && cpu_has_pcps(n, zone))
			mask |= BIT(n);
	if (mask)
		smp_call_function_many(mask, drain_local_pages_ipi, zone, true);
	drain_local_pages_zone(zone);
}

/* All zones, every CPU; see drain_all_pages_zone. */
void drain_all_pages(void) { drain_all_pages_zone(NULL); }

/* ------------------------------------------------------------------ */
/* Watermarks                                                           */
/* ------------------------------------------------------------------ */

static inline long __zone_watermark_unusable_free(const struct zone *z, unsigned int order,
						  unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	if (likely(!(alloc_flags & ALLOC_RESERVES)))
		unusable += (long)READ_ONCE(((struct zone *)z)->nr_free_highatomic);
	return unusable;
}

/*
 * The free-page count with which to test "free > limit", given the global
 * counter free_pages: that is off by at most zone->percpu_drift (the CPUs'
 * unfolded NR_FREE_PAGES deltas), so only a count that close to the limit
 * needs the exact sum.  Linux takes the snapshot only in
 * zone_watermark_ok_safe (kswapd, compaction); mmkit in every check, so that
 * no allocation decision depends on where the deltas sit.
 */
static __always_inline long zone_free_pages_near(struct zone *z, long free_pages, long limit)
{
	if (unlikely(free_pages - limit <= z->percpu_drift &&
		     limit - free_pages <= z->percpu_drift))
		return (long)zone_page_state_snapshot(z, NR_FREE_PAGES);
	return free_pages;
}

/*
 * May an allocation of 2^order pages leave the zone above `mark` plus the
 * lowmem reserve it owes allocations that could have used highest_zoneidx?
 * __GFP_HIGH may dip to half of min, a non-blocking __GFP_HIGH (GFP_ATOMIC)
 * to 3/8 of it; a high-order request also needs a free block of that order.
 * free_pages: the zone's NR_FREE_PAGES (global part).
 */
static bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark, unusable = __zone_watermark_unusable_free(z, order, alloc_flags);
	unsigned int o;

	if (unlikely(alloc_flags & ALLOC_RESERVES)) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	min += z->lowmem_reserve[highest_zoneidx];
	if (zone_free_pages_near(z, free_pages, min + unusable) - unusable <= min)
		return false;
	if (!order)
		return true;
	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];
		int mt;

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(area, mt))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

/* Lockless; returns whether the zone passes the watermark check. */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

/* The same on the exact free count (Linux zone_watermark_ok_safe: kswapd). */
bool zone_watermark_ok_safe(struct zone *z, unsigned int order, unsigned long mark,
			    int highest_zoneidx)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, 0,
				   (long)zone_page_state_snapshot(z, NR_FREE_PAGES));
}

static inline bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				       int highest_zoneidx, unsigned int alloc_flags)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	if (!order) {
		long reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);
		long limit = (long)mark + z->lowmem_reserve[highest_zoneidx];
		long usable;

		free_pages = zone_free_pages_near(z, free_pages, limit + reserved);
		usable = free_pages - min(free_pages, reserved);
		if (usable > limit)
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	/* __GFP_HIGH order-0 requests ignore the boost at the min watermark. */
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && READ_ONCE(z->watermark_boost) &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)
		return __zone_watermark_ok(z, order, z->_watermark[WMARK_MIN], highest_zoneidx,
					   alloc_flags, free_pages);
	return false;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                           */
/* ------------------------------------------------------------------ */

/* Linux wake_all_kswapds: the slow path wakes kswapd for the node of the
 * request's zones (one node: once). */
static void wake_all_kswapds(gfp_t gfp, unsigned int order, const struct alloc_context *ac)
{
	struct zone *const *zp;
	struct zone *zone;

	for_each_zone_zonelist(zone, zp, ac)
	{
		wakeup_kswapd(zone, gfp, order, ac->highest_zoneidx);
		break;
	}
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, unsigned int alloc_flags,
				  int migratetype)
{
	struct page *page;

	do {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		page = NULL;
		spin_lock(&zone->lock);
		if (alloc_flags & ALLOC_HIGHATOMIC)
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (!page)
			page = __rmqueue(zone, order, migratetype, alloc_flags, &mode);
		if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		spin_unlock(&zone->lock);
		if (!page)
			return NULL;
	} while (unlikely(check_new_pages(page, order)));
	count_vm_events(PGALLOC_DMA + page_zonenum(page), 1UL << order);
	if (this_cpu())
		zone_statistics(zone, this_cpu()->id);
	return page;
}

static struct page *rmqueue(struct zone *zone, unsigned int order, unsigned int alloc_flags,
			    int migratetype)
{
	struct cpu *c = this_cpu();
	struct page *page = NULL;

	if (likely(pcp_allowed_order(order) && c))
		page = rmqueue_pcplist(zone, order, migratetype, alloc_flags, c);
	if (!page)
		page = rmqueue_buddy(zone, order, alloc_flags, migratetype);
	if ((alloc_flags & ALLOC_KSWAPD) &&
	    unlikely(atomic_load_explicit(&zone->flags, memory_order_relaxed) &
		     BIT(ZONE_BOOSTED_WATERMARK))) {
		atomic_fetch_and(&zone->flags, ~BIT(ZONE_BOOSTED_WATERMARK));
		wakeup_kswapd(zone, 0, 0, zone_idx(zone));
	}
	return page;
}

/* Make a block just taken off a list into an allocation. */
static __always_inline void prep_new_page(struct page *page, unsigned int order, gfp_t gfp,
					  bool frozen)
{
	if (!frozen)
		set_page_count(page, 1);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	if (order && (gfp & __GFP_COMP))
		SetPageHead(page);
	pgalloc_rec_set(page_to_pfn(page), order + 1);
}

/* Is the zone below `mark` (high, then the request's own)? */
static bool zone_ok_for_alloc(struct zone *zone, unsigned int order, unsigned int alloc_flags,
			      const struct alloc_context *ac)
{
	unsigned long zflags = atomic_load_explicit(&zone->flags, memory_order_relaxed);

	if (!(zflags & BIT(ZONE_BELOW_HIGH))) {
		if (zone_watermark_fast(zone, order, high_wmark_pages(zone), ac->highest_zoneidx,
					alloc_flags))
			return true;
		atomic_fetch_or(&zone->flags, BIT(ZONE_BELOW_HIGH));
	}
	if (zone_watermark_fast(zone, order, wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK),
				ac->highest_zoneidx, alloc_flags))
		return true;
	return alloc_flags & ALLOC_NO_WATERMARKS;
}

/* Walk the zonelist from highest_zoneidx down; the first zone that passes
 * its watermark and has a block wins. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					   const struct alloc_context *ac, bool frozen)
{
	struct zone *const *zp;
	struct zone *zone;

retry:
	for_each_zone_zonelist(zone, zp, ac)
	{
		struct page *page;

		if (!zone_ok_for_alloc(zone, order, alloc_flags, ac))
			continue;
		page = rmqueue(zone, order, alloc_flags, ac->migratetype);
		if (!page)
			continue;
		prep_new_page(page, order, gfp, frozen);
		if (unlikely(order && (alloc_flags & ALLOC_HIGHATOMIC)))
			reserve_highatomic_pageblock(page, order, zone);
		return page;
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

static const int gfp_zone_table[2][16] = {
	/* 64-bit: __GFP_HIGHMEM means Normal, there is DMA32 */
	{ ZONE_NORMAL, ZONE_DMA, ZONE_NORMAL, -1, ZONE_DMA32, -1, -1, -1, ZONE_NORMAL, ZONE_DMA,
	  ZONE_MOVABLE, -1, ZONE_DMA32, -1, -1, -1 },
	/* 32-bit: no DMA32 (it means Normal), __GFP_HIGHMEM means HighMem */
	{ ZONE_NORMAL, ZONE_DMA, ZONE_HIGHMEM, -1, ZONE_NORMAL, -1, -1, -1, ZONE_NORMAL, ZONE_DMA,
	  ZONE_MOVABLE, -1, ZONE_NORMAL, -1, -1, -1 },
};

/* The highest zone type a request may use (include/linux/gfp.h gfp_zone),
 * or -1 for a contradictory combination of zone modifiers. */
int gfp_zone(gfp_t gfp)
{
	unsigned int bits = gfp & (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE);

	return gfp_zone_table[mmk->cfg.levels <= 3][bits];
}

static bool prepare_alloc_pages(gfp_t gfp, unsigned int order, struct alloc_context *ac)
{
	ac->highest_zoneidx = gfp_zone(gfp);
	ac->migratetype = gfp_migratetype(gfp);
	if (WARN_ON(ac->highest_zoneidx < 0))
		return false;
	ac->zonelist = contig_page_data.zonelist[ac->highest_zoneidx];
	ac->preferred_zone = ac->zonelist[0];
	(void)order;
	return !should_fail(&fail_page_alloc);
}

/* 64-bit: Normal-zone requests first try not to fragment, since DMA32 can
 * take up the slack (alloc_flags_nofragment). */
static unsigned int alloc_flags_nofragment(const struct alloc_context *ac, gfp_t gfp)
{
	unsigned int flags = (gfp & __GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;

	if (ac->preferred_zone == &contig_page_data.node_zones[ZONE_NORMAL] && mmk->cfg.levels >= 4)
		flags |= ALLOC_NOFRAGMENT;
	return flags;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp & __GFP_HIGH)
		flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			flags |= ALLOC_NON_BLOCK;
			if (order > 0 && (flags & ALLOC_MIN_RESERVE))
				flags |= ALLOC_HIGHATOMIC;
		}
		if (flags & ALLOC_MIN_RESERVE)
			flags &= ~ALLOC_CPUSET;
	}
	return flags;
}

/* Failure report (Linux warn_alloc): the request, then the zones' state. */
static void warn_alloc(gfp_t gfp, unsigned int order)
{
	char mode[256];

	if (gfp & __GFP_NOWARN)
		return;
	format_gfp(mode, sizeof(mode), gfp);
	printk("%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null)\n",
	       current_comm(), order, gfp, mode);
	show_free_areas();
}

/* Linux __perform_reclaim: direct reclaim as the thread that allocates, a
 * memory stall for PSI. */
static unsigned long __perform_reclaim(gfp_t gfp, unsigned int order,
				       const struct alloc_context *ac)
{
	unsigned long pflags, progress;

	(void)ac;
	psi_memstall_enter(&pflags);
	progress = try_to_free_pages(gfp, order);
	psi_memstall_leave(&pflags);
	return progress;
}

/*
 * Linux __alloc_pages_direct_reclaim: reclaim, then retry; if the retry
 * still fails, the pages may sit on per-CPU lists or in the highatomic
 * reserve: release both once and retry.  Linux does that only when reclaim
 * made progress; mmkit does it always, so that the pages on other CPUs'
 * lists are taken back before the OOM killer shoots a process for them.
 */
static struct page *__alloc_pages_direct_reclaim(gfp_t gfp, unsigned int order,
						 unsigned int alloc_flags,
						 const struct alloc_context *ac, bool frozen,
						 unsigned long *did_some_progress)
{
	struct page *page;
	bool drained = false;

	*did_some_progress = __perform_reclaim(gfp, order, ac);
retry:
	page = get_page_from_freelist(gfp, order, alloc_flags & ~ALLOC_NO_WATERMARKS, ac, frozen);
	if (!page && !drained && this_cpu()) {
		unreserve_highatomic_pageblock(ac, false);
		drain_all_pages();
		drained = true;
		goto retry;
	}
	return page;
}

/* Linux should_reclaim_retry: go on while some zone would pass its min
 * watermark with every reclaimable page freed, for at most 16 rounds
 * without progress; before giving up, the highatomic reserve goes. */
static bool should_reclaim_retry(gfp_t gfp, unsigned int order, const struct alloc_context *ac,
				 unsigned int alloc_flags, bool did_some_progress,
				 int *no_progress_loops)
{
	struct zone *const *zp;
	struct zone *zone;

	(void)gfp;
	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return unreserve_highatomic_pageblock(ac, true);
	for_each_zone_zonelist(zone, zp, ac)
	{
		unsigned long available = zone_reclaimable_pages(zone) +
					  zone_page_state_snapshot(zone, NR_FREE_PAGES);

		if (__zone_watermark_ok(zone, order, min_wmark_pages(zone), ac->highest_zoneidx,
					alloc_flags, (long)available))
			return true;
	}
	return unreserve_highatomic_pageblock(ac, true);
}

/* The OOM killer's lock (Linux oom_lock): one OOM decision at a time.
 * Only ever trylocked, so it orders after nothing; a CPU that finds it
 * taken waits (serving IPIs) until it is free. */
static DEFINE_MUTEX(oom_lock);

static bool oom_lock_taken(void *arg)
{
	(void)arg;
	return mutex_trylock(&oom_lock);
}
static const struct wait_ops oom_lock_wait = { .done = oom_lock_taken, .spins = 64 };
/* The last OOM decision found no process to kill (written under
 * oom_lock, read by the CPUs that waited for it). */
static _Atomic bool oom_found_none;
#define OOM_WAITED 2	/* did_some_progress: another CPU decided */
#define OOM_NO_VICTIM 3 /* did_some_progress: "progress" without a victim */

/* Can the OOM killer help this request?  Not a core dump's (it could
 * deplete the reserves), a costly order's, a __GFP_RETRY_MAYFAIL or
 * __GFP_THISNODE one's, or a lowmem one's (Linux __alloc_pages_may_oom). */
static bool oom_may_help(gfp_t gfp, unsigned int order, const struct alloc_context *ac,
			 const struct task_struct *t)
{
	if (t && (t->flags & PF_DUMPCORE))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return false;
	return ac->highest_zoneidx >= ZONE_NORMAL;
}

/*
 * Linux __alloc_pages_may_oom: under oom_lock (busy: someone else is
 * killing for us, count it as progress), a last try at the high watermark
 * catches a parallel free; then, unless the OOM killer cannot help (costly
 * order, __GFP_RETRY_MAYFAIL or __GFP_THISNODE, a request below
 * ZONE_NORMAL, a core dump in progress), out_of_memory.  *did_some_progress
 * is set when it chose a victim or one is still dying; a __GFP_NOFAIL
 * request then gets the reserves.  Afterwards the allocator sleeps, which
 * is where the OOM reaper frees the victim's memory (oom_reaper_run).
 */
static struct page *__alloc_pages_may_oom(gfp_t gfp, unsigned int order,
					  const struct alloc_context *ac, bool frozen,
					  unsigned long *did_some_progress)
{
	struct oom_control oc = { .gfp_mask = gfp, .order = (int)order };
	struct task_struct *t = this_cpu() ? current : NULL;
	struct page *page;
	bool decided;

	*did_some_progress = 0;
	/* Where the OOM killer cannot help, Linux finds out under oom_lock
	 * and returns no progress; the answer does not depend on the lock,
	 * so mmkit asks first: such a request never waits for another CPU's
	 * OOM decision only to retry its whole slow path (a 4-CPU stress
	 * of failing lowmem requests spun on oom_lock for minutes). */
	if (!oom_may_help(gfp, order, ac, t))
		return get_page_from_freelist((gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
					      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac, frozen);
	if (!mutex_trylock(&oom_lock)) {
		/* someone else is killing for us: sleep until that decision is
		 * made (Linux schedule_timeout_uninterruptible(1)), then retry */
		wait_until(&oom_lock_wait, NULL, IPI_ALL);
		mutex_unlock(&oom_lock);
		/* that decision found nothing to kill (where Linux panics):
		 * no progress for this request either, else retry */
		if (!atomic_load(&oom_found_none))
			*did_some_progress = OOM_WAITED;
		oom_reaper_run();
		return NULL;
	}
	page = get_page_from_freelist((gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac, frozen);
	atomic_store(&oom_found_none, false);
	if (page)
		goto out;
	decided = out_of_memory(&oc); /* false only when nothing is killable */
	atomic_store(&oom_found_none, !decided);
	if (decided || WARN_ON(gfp & __GFP_NOFAIL)) {
		/* a victim chosen or still dying: real progress; else (no
		 * __GFP_FS, current already dying) only Linux's word for it */
		*did_some_progress = oc.chosen ? 1 : OOM_NO_VICTIM;
		if (gfp & __GFP_NOFAIL)
			page = get_page_from_freelist(gfp, order, ALLOC_NO_WATERMARKS, ac, frozen);
	}
out:
	mutex_unlock(&oom_lock);
	if (*did_some_progress)
		oom_reaper_run();
	return page;
}

/* Rounds of "the OOM killer made progress" without a victim (a GFP_NOFS
 * request, which Linux retries for ever waiting for others): mmkit, where
 * nothing else may run meanwhile, gives up after this many.  Rounds that
 * chose a victim or wait for one are not bounded, as in Linux: each ends
 * in a reaped (or given-up) victim, and victims run out. */
#define MAX_OOM_ROUNDS 64

static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   const struct alloc_context *ac, bool frozen)
{
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	unsigned long did_some_progress;
	int no_progress_loops = 0, oom_rounds = 0;
	struct task_struct *t = this_cpu() ? current : NULL;
	struct page *page;

	if (gfp & __GFP_DIRECT_RECLAIM)
		handle_ipis_if_cpu();
retry:
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(gfp, order, ac);
	page = get_page_from_freelist(gfp, order, alloc_flags, ac, frozen);
	if (page)
		return page;
	/* reclaim's own allocations (Linux PF_MEMALLOC) and __GFP_MEMALLOC
	 * may use the reserves, and never reclaim themselves; an OOM victim
	 * may use part of them (ALLOC_OOM: Linux __gfp_pfmemalloc_flags) */
	if ((in_reclaim || (gfp & __GFP_MEMALLOC)) && !(gfp & __GFP_NOMEMALLOC)) {
		page = get_page_from_freelist(gfp, order, ALLOC_NO_WATERMARKS, ac, frozen);
		if (page)
			return page;
	} else if (t && tsk_is_oom_victim(t) && !(gfp & __GFP_NOMEMALLOC)) {
		alloc_flags |= ALLOC_OOM;
		page = get_page_from_freelist(gfp, order, alloc_flags, ac, frozen);
		if (page)
			return page;
	}
	if (!(gfp & __GFP_DIRECT_RECLAIM) || in_reclaim)
		goto nopage;
	/* No compaction (out of scope): __alloc_pages_direct_compact would be here. */
	page = __alloc_pages_direct_reclaim(gfp, order, alloc_flags, ac, frozen,
					    &did_some_progress);
	if (page)
		return page;
	if (gfp & __GFP_NORETRY)
		goto nopage;
	/* costly orders are not retried without compaction (Linux: can_compact) */
	if (costly_order)
		goto nopage;
	if (should_reclaim_retry(gfp, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops))
		goto retry;
	/* reclaim has failed us: start killing things */
	page = __alloc_pages_may_oom(gfp, order, ac, frozen, &did_some_progress);
	if (page)
		return page;
	/* a victim that may use the reserves does not loop on them */
	if (t && tsk_is_oom_victim(t) && ((alloc_flags & ALLOC_OOM) || (gfp & __GFP_NOMEMALLOC)))
		goto nopage;
	if (did_some_progress == 1 || did_some_progress == OOM_WAITED ||
	    (did_some_progress == OOM_NO_VICTIM && ++oom_rounds <= MAX_OOM_ROUNDS)) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	WARN_ON(gfp & __GFP_NOFAIL); /* Linux loops forever; mmkit cannot make progress */
	warn_alloc(gfp, order);
	return NULL;
}

/*
 * The common case in one piece: a small-order request on a CPU whose
 * preferred zone passes the high-watermark check (plus the reserve it owes
 * the request's zone, and a free block of the order for order > 0) and whose
 * pcp list for (migratetype, order) has a block.  It makes exactly the
 * decision get_page_from_freelist() would make (the first zone passes the
 * high-watermark check, rmqueue_pcplist() pops the list head); anything
 * else - boosted or below-high zones, an empty list, armed fault injection -
 * returns NULL and takes the full path.
 */
static __always_inline struct page *alloc_pages_pcp_fast(gfp_t gfp, unsigned int order, bool frozen)
{
	struct cpu *c = this_cpu();
	struct per_cpu_pageset *ps;
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct zone *zone;
	struct page *page;
	long usable;
	int h;

	if (unlikely(!c || atomic_load_explicit(&fault_inject_armed, memory_order_relaxed)))
		return NULL;
	h = gfp_zone(gfp);
	if (unlikely(h < 0))
		return NULL;
	zone = contig_page_data.zonelist[h][0];
	if (unlikely(!zone || (atomic_load_explicit(&zone->flags, memory_order_relaxed) &
			       (BIT(ZONE_BELOW_HIGH) | BIT(ZONE_BOOSTED_WATERMARK)))))
		return NULL;
	ps = &zone->pageset[c->id];
	pcp = &ps->pcp;
	list = &pcp->lists[order_to_pindex(gfp_migratetype(gfp), order)];
	if (unlikely(list_empty(list)))
		return NULL;
	usable = (long)zone_page_state(zone, NR_FREE_PAGES);
	if (!order) {
		long highatomic = (long)READ_ONCE(zone->nr_free_highatomic);
		long limit = (long)high_wmark_pages(zone) + zone->lowmem_reserve[h];

		if (unlikely(zone_free_pages_near(zone, usable, limit + highatomic) - highatomic <=
			     limit))
			return NULL;
	} else if (!__zone_watermark_ok(zone, order, high_wmark_pages(zone), h, ALLOC_WMARK_LOW,
					usable)) {
		return NULL;
	}
	pcp->free_count >>= 1;
	page = pcp_list_pop_first(list);
	pcp_count_add(pcp, -(1 << order));
	if (unlikely(check_new_pages(page, order)))
		return NULL;
	pcp_alloc_stats(c, ps, page, order);
	prep_new_page(page, order, gfp, frozen);
	return page;
}

static struct page *__alloc_pages(gfp_t gfp, unsigned int order, bool frozen)
{
	struct alloc_context ac;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			WARN_ON(order > MAX_PAGE_ORDER);
		return NULL;
	}
	if (!prepare_alloc_pages(gfp, order, &ac))
		return NULL;
	page = get_page_from_freelist(
		gfp, order, ALLOC_WMARK_LOW | alloc_flags_nofragment(&ac, gfp), &ac, frozen);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp, order, &ac, frozen);
}

/* Any CPU thread (or the booting thread); no locks held.  Returns the head
 * page of 2^order frames with _refcount 1, or NULL. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	might_alloc(gfp);
	if (likely(order <= PAGE_ALLOC_COSTLY_ORDER)) {
		struct page *page = alloc_pages_pcp_fast(gfp, order, false);

		if (likely(page))
			return page;
	}
	return __alloc_pages(gfp, order, false);
}

/* As alloc_pages, but the page comes back with _refcount 0. */
struct page *alloc_frozen_pages(gfp_t gfp, unsigned int order)
{
	might_alloc(gfp);
	return __alloc_pages(gfp, order, true);
}

/* Returns a host pointer to lowmem pages (__GFP_HIGHMEM is ignored, as in
 * Linux), or NULL. */
void *__get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? page_address(page) : NULL;
}

/* One zeroed lowmem page (host pointer), or NULL. */
void *get_zeroed_page(gfp_t gfp) { return __get_free_pages(gfp | __GFP_ZERO, 0); }

/* ------------------------------------------------------------------ */
/* Freeing                                                              */
/* ------------------------------------------------------------------ */

/* Free straight into the buddy (orders the pcp lists do not take, or a
 * thread that is not a CPU). */
static void __free_pages_ok(struct page *page, unsigned int order, int fpi)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = page_zone(page);

	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(pfn), fpi);
	spin_unlock(&zone->lock);
	if (this_cpu())
		count_vm_events(PGFREE, 1UL << order);
}

/* Refcount already 0: check, then to the CPU's list or the buddy.  Returns
 * 0, or -EINVAL when the block was bad (and leaked). */
static __always_inline int free_frozen_pages_inline(struct page *page, unsigned long pfn,
						    unsigned int order)
{
	struct cpu *c = this_cpu();
	struct zone *zone;
	int mt;

	if (unlikely(!free_pages_prepare(page, pfn, order)))
		return -EINVAL;
	if (unlikely(!c || !pcp_allowed_order(order))) {
		__free_pages_ok(page, order, FPI_NONE);
		return 0;
	}
	zone = page_zone(page);
	mt = __atomic_load_n(pageblock_slot(zone, pfn), __ATOMIC_RELAXED);
	if (unlikely(mt >= MIGRATE_PCPTYPES))
		mt = MIGRATE_MOVABLE; /* highatomic pages ride the movable list */
	free_frozen_page_commit(zone, &zone->pageset[c->id].pcp, page, mt, order);
	return 0;
}

static __noinline int __free_frozen_pages(struct page *page, unsigned long pfn, unsigned int order)
{
	return free_frozen_pages_inline(page, pfn, order);
}

/* Any CPU thread; no locks held.  See mmzone.h. */
int mmk_free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	char buf[128];
	const char *why;
	bool head;

	why = likely(pgalloc_rec_get(pfn) == order + 1) ?
		      NULL :
		      free_order_problem(page, pfn, order, buf, sizeof(buf));
	if (!why && unlikely(page_ref_count(page) <= 0))
		why = "VM_BUG_ON_PAGE(page_ref_count(page) == 0)";
	if (unlikely(why)) {
		bad_page(page, why);
		return -EINVAL;
	}
	head = PageHead(page);
	if (put_page_testzero(page))
		return likely(!order) ? free_frozen_pages_inline(page, pfn, 0) :
					__free_frozen_pages(page, pfn, order);
	if (!head && order) {
		/* Someone else holds the first page: free the rest (Linux). */
		pgalloc_rec_set(pfn, 1);
		while (order-- > 0) {
			pgalloc_rec_set(pfn + (1UL << order), order + 1);
			__free_frozen_pages(page + (1UL << order), pfn + (1UL << order), order);
		}
	}
	return 0;
}

/* Any thread, no locks held: drop a reference; free on the last one. */
void __free_pages(struct page *page, unsigned int order) { (void)mmk_free_pages(page, order); }

/* For pages handed out with _refcount 0 (alloc_frozen_pages). */
void free_frozen_pages(struct page *page, unsigned int order)
{
	char buf[128];
	const char *why = free_order_problem(page, page_to_pfn(page), order, buf, sizeof(buf));

	if (!why && !pgalloc_rec_get(page_to_pfn(page)) && !PageReserved(page))
		why = "double free: page is not allocated";
	if (unlikely(why)) {
		bad_page(page, why);
		return;
	}
	(void)__free_frozen_pages(page, page_to_pfn(page), order);
}

/* addr: host pointer from __get_free_pages (NULL is ignored). */
void free_pages(void *addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page(addr), order);
}

/* Drop a reference; the last one takes the page off the LRU (Linux
 * __folio_put -> __page_cache_release, mm/swap.c) and frees it (or its
 * compound block). */
void put_page(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int rec = PageHead(page) ? pgalloc_rec_get(pfn) : 0;

	if (put_page_testzero(page)) {
		__page_cache_release(page);
		(void)__free_frozen_pages(page, pfn, rec ? rec - 1 : 0);
	}
}
