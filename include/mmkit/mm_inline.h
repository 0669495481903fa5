/*
 * mm_inline.h - a page's place on the LRU lists (Linux include/linux/mm_inline.h)
 * and the replacement-policy interface (mm/swap.c, mm/vmscan.c).
 *
 * Linux keeps two policies side by side: the classic active/inactive lists
 * and the multi-generational LRU (lru_gen_*), chosen at run time at a few
 * call sites (lruvec_add_folio, lruvec_del_folio, folio_mark_accessed,
 * shrink_lruvec).  mmkit routes those same sites through one table, struct
 * lru_policy, so that a second policy (MGLRU, or a researcher's) is one more
 * table: callers (the fault path, the page cache, the swap cache, reclaim)
 * only use the functions below.  The reference kernel runs the classic LRU
 * (no MGLRU), which is the one policy built: lru_policy_classic in
 * mm/vmscan.c.
 *
 * Every function here runs with lruvec->lru_lock held.
 */
#ifndef MMKIT_MM_INLINE_H
#define MMKIT_MM_INLINE_H

#include "mmkit/mmzone.h"
#include "mmkit/spinlock.h"

struct scan_control;

struct lru_policy {
	const char *name;
	/* Put page (PG_lru clear, not on a list) on its list; lru_lock held. */
	void (*add_folio)(struct lruvec *lruvec, struct page *page, bool tail);
	/* Take page (on a list) off it; lru_lock held. */
	void (*del_folio)(struct lruvec *lruvec, struct page *page);
	/* A second touch (folio_mark_accessed's promotion); no lock held. */
	void (*mark_accessed)(struct page *page);
	/* Reclaim from lruvec as sc asks (shrink_lruvec); no lock held. */
	void (*shrink_lruvec)(struct lruvec *lruvec, struct scan_control *sc);
};

/* The policy in force (mm/vmscan.c: the classic LRU). */
extern const struct lru_policy *lru_policy;

static inline struct lruvec *folio_lruvec(const struct page *page)
{
	(void)page;
	return &contig_page_data.__lruvec;
}
static inline struct lruvec *node_lruvec(struct pglist_data *pgdat) { return &pgdat->__lruvec; }

/* Anonymous and shmem pages (swap-backed) are on the anon lists. */
static inline bool folio_is_file_lru(const struct page *page) { return !PageSwapBacked(page); }

static inline enum lru_list folio_lru_base_type(const struct page *page)
{
	return folio_is_file_lru(page) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
}

/* The list a page's flags name (Linux folio_lru_list). */
static inline enum lru_list folio_lru_list(const struct page *page)
{
	if (PageUnevictable(page))
		return LRU_UNEVICTABLE;
	return folio_lru_base_type(page) + (PageActive(page) ? LRU_ACTIVE : 0);
}

static inline bool TestClearPageLRU(struct page *p)
{
	return atomic_fetch_and_explicit(&p->flags, ~(1UL << PG_lru), memory_order_acq_rel) &
	       (1UL << PG_lru);
}
static inline bool TestClearPageActive(struct page *p)
{
	return atomic_fetch_and_explicit(&p->flags, ~(1UL << PG_active), memory_order_relaxed) &
	       (1UL << PG_active);
}
static inline bool TestClearPageReferenced(struct page *p)
{
	return atomic_fetch_and_explicit(&p->flags, ~(1UL << PG_referenced), memory_order_relaxed) &
	       (1UL << PG_referenced);
}
static inline bool TestClearPageUnevictable(struct page *p)
{
	return atomic_fetch_and_explicit(&p->flags, ~(1UL << PG_unevictable),
					 memory_order_relaxed) &
	       (1UL << PG_unevictable);
}

static inline bool TestSetPageMlocked(struct page *p)
{
	return atomic_fetch_or_explicit(&p->flags, 1UL << PG_mlocked, memory_order_relaxed) &
	       (1UL << PG_mlocked);
}
static inline bool TestClearPageMlocked(struct page *p)
{
	return atomic_fetch_and_explicit(&p->flags, ~(1UL << PG_mlocked), memory_order_relaxed) &
	       (1UL << PG_mlocked);
}

/* Linux update_lru_size: the exact size and the node and zone counters. */
void update_lru_size(struct lruvec *lruvec, enum lru_list lru, int zid, long nr);

/* The classic policy's list moves (Linux lruvec_add_folio & co.); lru_lock held. */
static inline void lruvec_add_folio(struct lruvec *lruvec, struct page *page)
{
	lru_policy->add_folio(lruvec, page, false);
}
static inline void lruvec_add_folio_tail(struct lruvec *lruvec, struct page *page)
{
	lru_policy->add_folio(lruvec, page, true);
}
static inline void lruvec_del_folio(struct lruvec *lruvec, struct page *page)
{
	lru_policy->del_folio(lruvec, page);
}

/* Is the page's lru_lock held by this thread? (lockdep builds) */
#define lruvec_assert_locked(l) lockdep_assert_held(&(l)->lru_lock)

#endif
