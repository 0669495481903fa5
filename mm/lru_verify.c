/*
 * lru_verify.c - the `verify` check of the LRU lists ("lru"), with the
 * machine quiescent (between commands: no page isolated by a reclaimer).
 *
 *   - every page on list L has PG_lru, a reference, no buddy or slab type,
 *     and flags that name L (folio_lru_list); none is on two lists (a page
 *     seen twice) and no list has a cycle;
 *   - every PG_lru page of mem_map is on a list;
 *   - lruvec->nr_pages[L][zone] equals the pages counted, the node counter
 *     NR_LRU_BASE + L their sum and the zone counter NR_ZONE_LRU_BASE + L
 *     its zone's share (exact: snapshot);
 *   - NR_ISOLATED_ANON and NR_ISOLATED_FILE are 0: no page left isolated;
 *   - a page that is mapped anonymous memory or in the page cache or swap
 *     cache is on a list or waiting in a CPU's batch (then without PG_lru
 *     unless it is an activate/deactivate entry);
 *   - an unevictable page is PG_mlocked or in no locked state at all only
 *     while its mlock_count is 0; NR_MLOCK counts the PG_mlocked pages.
 */
#include <stdlib.h>
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mm_inline.h"
#include "mmkit/swap.h"

#ifndef BITS_PER_LONG
#define BITS_PER_LONG (8 * (int)sizeof(long))
#endif

static const char *const lru_names[NR_LRU_LISTS] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
};

static bool test_and_set(unsigned long *bm, unsigned long pfn)
{
	unsigned long bit = 1UL << (pfn % BITS_PER_LONG);
	bool was = bm[pfn / BITS_PER_LONG] & bit;

	bm[pfn / BITS_PER_LONG] |= bit;
	return was;
}

static bool test_bit_pfn(const unsigned long *bm, unsigned long pfn)
{
	return bm[pfn / BITS_PER_LONG] & (1UL << (pfn % BITS_PER_LONG));
}

/* Walk list lru: flags, duplicates, per-zone counts.  Returns the pages. */
static unsigned long verify_list(struct verify_ctx *v, struct lruvec *lruvec, enum lru_list lru,
				 unsigned long *seen, unsigned long *per_zone)
{
	unsigned long n = 0, limit = mmk->max_pfn + 1;
	struct list_head *pos;

	for (pos = lruvec->lists[lru].next; pos != &lruvec->lists[lru]; pos = pos->next) {
		struct page *page = list_entry(pos, struct page, lru);
		unsigned long pfn = page_to_pfn(page);

		if (++n > limit) {
			verify_fail(v, "%s list has a cycle", lru_names[lru]);
			break;
		}
		if (!pfn_valid(pfn)) {
			verify_fail(v, "%s list holds a non-page %p", lru_names[lru], (void *)page);
			break;
		}
		if (test_and_set(seen, pfn))
			verify_fail(v, "pfn %#lx is on two lists (or twice on %s)", pfn,
				    lru_names[lru]);
		if (!PageLRU(page))
			verify_fail(v, "pfn %#lx on %s without PG_lru", pfn, lru_names[lru]);
		if (folio_lru_list(page) != lru)
			verify_fail(v, "pfn %#lx on %s but its flags name %s", pfn, lru_names[lru],
				    lru_names[folio_lru_list(page)]);
		if (page_ref_count(page) <= 0 || PageBuddy(page) || PageSlab(page))
			verify_fail(v, "pfn %#lx on %s is free (refcount %d)", pfn, lru_names[lru],
				    page_ref_count(page));
		if (lru == LRU_UNEVICTABLE && !PageMlocked(page) && page->mlock_count)
			verify_fail(v, "pfn %#lx unevictable, mlock_count %u, not PG_mlocked", pfn,
				    page->mlock_count);
		per_zone[page_zonenum(page)]++;
	}
	return n;
}

static bool needs_lru(const struct page *page)
{
	if (PageReserved(page) || PageBuddy(page) || PageSlab(page) || PageTable(page) ||
	    page_ref_count(page) <= 0)
		return false;
	if (PageAnon(page))
		return page_mapcount(page) > 0 || PageSwapCache(page);
	return PageSwapCache(page) || page->mapping != NULL;
}

static void verify_lru(struct verify_ctx *v)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct lruvec *lruvec = node_lruvec(pgdat);
	size_t words = mmk->max_pfn / BITS_PER_LONG + 1;
	unsigned long *seen = verify_scratch_zalloc(words * sizeof(unsigned long)), mlocked = 0;
	unsigned int *batched = verify_scratch_zalloc(mmk->max_pfn * sizeof(*batched));
	enum lru_list lru;

	if (!seen || !batched) {
		verify_fail(v, "no host memory for the check");
		goto out;
	}
	lru_batch_count(batched);
	for_each_lru(lru)
	{
		unsigned long per_zone[MAX_NR_ZONES] = { 0 }, total;

		total = verify_list(v, lruvec, lru, seen, per_zone);
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (per_zone[z] != lruvec->nr_pages[lru][z])
				verify_fail(v, "%s zone %s: %lu pages listed, nr_pages %lu",
					    lru_names[lru], zone_names[z], per_zone[z],
					    lruvec->nr_pages[lru][z]);
			if (per_zone[z] != zone_page_state_snapshot(zone, NR_ZONE_LRU_BASE + lru))
				verify_fail(v, "%s zone %s: %lu pages listed, nr_zone counter %lu",
					    lru_names[lru], zone_names[z], per_zone[z],
					    zone_page_state_snapshot(zone, NR_ZONE_LRU_BASE + lru));
		}
		if (total != node_page_state_snapshot(pgdat, NR_LRU_BASE + lru))
			verify_fail(v, "%s: %lu pages listed, node counter %lu", lru_names[lru],
				    total, node_page_state_snapshot(pgdat, NR_LRU_BASE + lru));
	}
	for (unsigned long pfn = 0; pfn < mmk->max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageMlocked(page))
			mlocked++;
		/* a bad free (reported, nr_bad_pages) leaks its page as it was */
		if (PageLRU(page) && !test_bit_pfn(seen, pfn) && !atomic_load(&nr_bad_pages))
			verify_fail(v, "pfn %#lx has PG_lru but is on no list", pfn);
		else if (!PageLRU(page) && needs_lru(page) && !batched[pfn])
			verify_fail(
				v, "pfn %#lx (%s, refcount %d) is neither on a list nor in a batch",
				pfn, PageAnon(page) ? "anon" : "file", page_ref_count(page));
	}
	if (node_page_state_snapshot(pgdat, NR_ISOLATED_ANON) ||
	    node_page_state_snapshot(pgdat, NR_ISOLATED_FILE))
		verify_fail(v, "pages left isolated: anon %lu file %lu",
			    node_page_state_snapshot(pgdat, NR_ISOLATED_ANON),
			    node_page_state_snapshot(pgdat, NR_ISOLATED_FILE));
	{
		unsigned long nr_mlock = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			nr_mlock += zone_page_state_snapshot(&pgdat->node_zones[z], NR_MLOCK);
		if (nr_mlock != mlocked)
			verify_fail(v, "NR_MLOCK %lu, PG_mlocked pages %lu", nr_mlock, mlocked);
	}
out:
	verify_scratch_free(seen);
	verify_scratch_free(batched);
}
VERIFY_CHECK(lru_check, "lru", 65, verify_lru);
