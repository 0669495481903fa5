/*
 * workingset.c - the refault distance (Linux 6.18 mm/workingset.c, classic
 * LRU part): the age clock lruvec->nonresident_age (one tick per eviction
 * and per activation), the shadow entry an evicted page leaves behind, and
 * the test of whether a refaulting page would have stayed resident had the
 * active list given it room (workingset_test_recent).
 *
 * A shadow entry is an xarray value entry packing the clock at eviction
 * (shifted right by bucket_order so that it fits; bucket_order is nonzero
 * only for RAM beyond the field) and PG_workingset.  On refault,
 * distance = (clock now - clock at eviction) masked to the field; the page
 * is activated if distance <= the workingset size Linux uses: the active
 * file list, plus, with swap, the anon lists (and, for anon, the inactive
 * file list).  workingset_refault counts workingset_refault_*,
 * workingset_activate_* and workingset_restore_* (node counters), sets
 * PG_active (the caller puts the page on the LRU after this) and, for a page
 * that was in the workingset, PG_workingset and lru_note_cost_refault.
 *
 * Where shadows live: reclaim's __remove_mapping (mm/vmscan.c) stores one
 * where the page was - in the page cache for file pages
 * (filemap_remove_page_shadow), in the swap table for anon and shmem pages
 * (swap_cache_del_folio_shadow).  Page-cache insertion
 * (filemap_grab_page, mm/filemap.c) and swap-in (__read_swap_cache_async,
 * mm/swap_state.c) hand the shadow they replace to workingset_refault.
 * Shadows go with truncation, invalidation and release of the mapping, and
 * with the swap slot when it is freed.
 */
#include "mmkit/mm_inline.h"
#include "mmkit/pagemap.h"
#include "mmkit/swap.h"

#define EVICTION_SHIFT 2 /* the value tag and the workingset bit */
#define EVICTION_BITS (64 - 1 - EVICTION_SHIFT)
#define EVICTION_MASK ((1UL << EVICTION_BITS) - 1)

static unsigned int bucket_order; /* set at init for RAM beyond EVICTION_BITS */

void workingset_age_nonresident(struct lruvec *lruvec, unsigned long nr_pages)
{
	atomic_fetch_add_explicit(&lruvec->nonresident_age, nr_pages, memory_order_relaxed);
}

void *workingset_pack_shadow(unsigned long age, bool workingset, unsigned int order)
{
	unsigned long eviction = (age >> order) & EVICTION_MASK;

	return xa_mk_value((eviction << 1) | (workingset ? 1 : 0));
}

unsigned long workingset_unpack_shadow(const void *shadow, bool *workingset, unsigned int order)
{
	unsigned long entry = xa_to_value(shadow);

	*workingset = entry & 1;
	return (entry >> 1) << order;
}

void *workingset_eviction(struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(page);

	workingset_age_nonresident(lruvec, 1);
	return workingset_pack_shadow(
		atomic_load_explicit(&lruvec->nonresident_age, memory_order_relaxed),
		PageWorkingset(page), bucket_order);
}

bool workingset_test_recent(void *shadow, bool file, bool *workingset)
{
	struct lruvec *lruvec = node_lruvec(&contig_page_data);
	unsigned long refault, eviction, distance, size;

	eviction = workingset_unpack_shadow(shadow, workingset, bucket_order);
	refault = atomic_load_explicit(&lruvec->nonresident_age, memory_order_relaxed);
	distance = (refault - eviction) & EVICTION_MASK; /* unsigned: across wraps too */
	size = lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES);
	if (!file)
		size += lruvec_lru_size(lruvec, LRU_INACTIVE_FILE, MAX_NR_ZONES);
	if (atomic_load_explicit(&nr_swap_pages, memory_order_relaxed) > 0) {
		size += lruvec_lru_size(lruvec, LRU_ACTIVE_ANON, MAX_NR_ZONES);
		if (file)
			size += lruvec_lru_size(lruvec, LRU_INACTIVE_ANON, MAX_NR_ZONES);
	}
	return distance <= size;
}

static void node_stat_inc(struct page *page, enum node_stat_item item)
{
	if (this_cpu())
		__mod_node_page_state(page_pgdat(page), item, 1);
	else
		node_page_state_add(1, page_pgdat(page), item);
}

void workingset_refault(struct page *page, void *shadow)
{
	bool file = folio_is_file_lru(page), workingset;
	struct lruvec *lruvec = folio_lruvec(page);

	node_stat_inc(page, WORKINGSET_REFAULT_ANON + file);
	if (!workingset_test_recent(shadow, file, &workingset))
		return;
	SetPageActive(page);
	workingset_age_nonresident(lruvec, 1);
	node_stat_inc(page, WORKINGSET_ACTIVATE_ANON + file);
	if (workingset) {
		SetPageWorkingset(page);
		lru_note_cost(lruvec, file, 1, 0); /* lru_note_cost_refault */
		node_stat_inc(page, WORKINGSET_RESTORE_ANON + file);
	}
}

void workingset_activation(struct page *page) { workingset_age_nonresident(folio_lruvec(page), 1); }

static int workingset_init(void)
{
	unsigned long max_order = 0;

	while ((1UL << max_order) < mmk->max_pfn)
		max_order++;
	bucket_order = max_order > EVICTION_BITS ? max_order - EVICTION_BITS : 0;
	return 0;
}
mmk_initcall(INIT_MM, workingset_init, NULL);
