/*
 * test_reclaim.c - the rules of reclaim (issue 19): get_scan_count's choice
 * and anon/file balancing (Linux calculate_pressure_balance), the refault
 * test (workingset_test_recent) against the age clock, the shadow format,
 * eviction to refault through the page cache, the shadow-node shrinker,
 * the page-cache tree freeing emptied nodes at once, and the LRU entry
 * points (folio_add_lru batches, folio_mark_accessed's two touches,
 * isolation and putback) checked by verify.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mm_inline.h"
#include "mmkit/pagemap.h"
#include "mmkit/swap.h"
#include "mmkit/vmscan.h"

/* Reclaim's removal of a clean page from its cache, leaving its shadow
 * (__remove_mapping's, without the reference freeze). */
static void evict_with_shadow(struct address_space *m, struct page *page)
{
	spin_lock(&m->i_pages_lock);
	__filemap_remove_folio(m, page, workingset_eviction(page));
	spin_unlock(&m->i_pages_lock);
}

static void boot(int cpus, u64 ram)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.cpus = cpus;
	cfg.ram_bytes = ram;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
}

static int teardown(void **state)
{
	(void)state;
	if (mmk)
		machine_shutdown();
	return 0;
}

/* Linux's four cases before the fraction, in its order. */
static void test_scan_balance_cases(void **state)
{
	struct scan_input in = {
		.may_swap = true, .swap_space = true, .priority = 12, .swappiness = 60
	};

	(void)state;
	assert_int_equal(scan_balance_of(&in), SCAN_FRACT);
	in.swap_space = false;
	assert_int_equal(scan_balance_of(&in), SCAN_FILE); /* no swap: file only */
	in.swap_space = true;
	in.priority = 0;
	assert_int_equal(scan_balance_of(&in), SCAN_EQUAL); /* close to OOM */
	in.swappiness = 0;
	assert_int_equal(scan_balance_of(&in), SCAN_FRACT); /* ...unless swappiness 0 */
	in.priority = 12;
	in.swappiness = 60;
	in.file_is_tiny = true;
	assert_int_equal(scan_balance_of(&in), SCAN_ANON);
	in.file_is_tiny = false;
	in.cache_trim_mode = true;
	assert_int_equal(scan_balance_of(&in), SCAN_FILE);
}

/* calculate_pressure_balance: with no cost recorded, swappiness 60 gives
 * anon 60 parts and file 140 (each over total_cost + 1 = 1); a list whose
 * reclaim cost more gets less pressure; swappiness 100 with equal costs is
 * an even split; 200 is anon only. */
static void test_pressure_balance(void **state)
{
	u64 f[2], d;

	(void)state;
	calculate_pressure_balance(0, 0, 60, f, &d);
	assert_int_equal(f[0], 60);
	assert_int_equal(f[1], 140);
	assert_int_equal(d, 200);
	calculate_pressure_balance(1000, 1000, 100, f, &d);
	assert_int_equal(f[0], f[1]);
	/* anon expensive (refaults, swap I/O): anon's share drops */
	calculate_pressure_balance(3000, 1000, 100, f, &d);
	assert_true(f[0] < f[1]);
	/* total = 4000, anon_cost = 7000, file_cost = 5000, total' = 12000:
	 * ap = 100 * 12001 / 7001 = 171, fp = 100 * 12001 / 5001 = 239 */
	assert_int_equal(f[0], 171);
	assert_int_equal(f[1], 239);
	calculate_pressure_balance(5, 5, 200, f, &d);
	assert_int_equal(f[1], 0);
}

/* get_scan_count_of: sizes >> priority, split by the fraction. */
static void test_get_scan_count(void **state)
{
	struct scan_input in = {
		.may_swap = true, .swap_space = true, .priority = 2, .swappiness = 60
	};
	unsigned long size[4] = { 4000, 4000, 4000, 4000 }, nr[4];

	(void)state;
	get_scan_count_of(&in, size, nr);
	assert_int_equal(nr[LRU_INACTIVE_ANON], 1000 * 60 / 200);
	assert_int_equal(nr[LRU_INACTIVE_FILE], 1000 * 140 / 200);
	in.priority = 0;
	get_scan_count_of(&in, size, nr); /* SCAN_EQUAL */
	assert_int_equal(nr[LRU_ACTIVE_ANON], 4000);
	assert_int_equal(nr[LRU_ACTIVE_FILE], 4000);
	in.priority = 12;
	in.swap_space = false;
	size[LRU_INACTIVE_FILE] = 1 << 14;
	get_scan_count_of(&in, size, nr); /* SCAN_FILE */
	assert_int_equal(nr[LRU_INACTIVE_ANON], 0);
	assert_int_equal(nr[LRU_INACTIVE_FILE], 4);
}

/* The refault distance: a page evicted when the clock read E refaults
 * when it reads R; it is "recent" if R - E fits in the workingset (the
 * active file list, with no swap). */
static void test_refault_distance(void **state)
{
	struct lruvec *lruvec;
	struct page *p[8];
	void *shadow;
	bool ws;
	int i;

	(void)state;
	boot(1, 16 << 20);
	lruvec = node_lruvec(&contig_page_data);
	/* four active file pages make a workingset of 4 */
	for (i = 0; i < 4; i++)
		p[i] = alloc_page(GFP_KERNEL);
	spin_lock(&lruvec->lru_lock);
	for (i = 0; i < 4; i++) {
		SetPageActive(p[i]);
		lruvec_add_folio(lruvec, p[i]);
		SetPageLRU(p[i]);
	}
	spin_unlock(&lruvec->lru_lock);
	p[4] = alloc_page(GFP_KERNEL);
	SetPageWorkingset(p[4]);
	shadow = workingset_eviction(p[4]); /* clock ticks once */
	assert_true(workingset_test_recent(shadow, true, &ws));
	assert_true(ws);
	workingset_age_nonresident(lruvec, 4); /* distance 4: recent */
	assert_true(workingset_test_recent(shadow, true, &ws));
	workingset_age_nonresident(lruvec, 1); /* distance 5 > 4 */
	assert_false(workingset_test_recent(shadow, true, &ws));
	ClearPageWorkingset(p[4]);
	put_page(p[4]);
	for (i = 0; i < 4; i++)
		put_page(p[i]); /* off the list at the last put */
	assert_int_equal(lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES), 0);
	assert_int_equal(verify_all(stderr), 0);
}

/* The shadow format: the clock and PG_workingset survive a pack/unpack,
 * less the low bucket_order bits; a shadow is an xarray value entry. */
static void test_shadow_round_trip(void **state)
{
	unsigned long ages[] = { 0, 1, 4095, 0x123456789aUL, (1UL << 61) - 1 };
	unsigned int orders[] = { 0, 1, 3, 12 };
	bool ws;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(ages); i++)
		for (unsigned int o = 0; o < ARRAY_SIZE(orders); o++)
			for (int w = 0; w < 2; w++) {
				void *shadow = workingset_pack_shadow(ages[i], w, orders[o]);

				assert_true(xa_is_value_entry(shadow));
				assert_int_equal(workingset_unpack_shadow(shadow, &ws, orders[o]),
						 ages[i] & ~((1UL << orders[o]) - 1));
				assert_int_equal(ws, w);
			}
}

/* The distance is taken modulo the packed field: a clock that wrapped the
 * field between eviction and refault still gives the short distance. */
static void test_refault_distance_wraps(void **state)
{
	struct lruvec *lruvec;
	struct page *p;
	void *shadow;
	bool ws;

	(void)state;
	boot(1, 16 << 20);
	lruvec = node_lruvec(&contig_page_data);
	p = alloc_page(GFP_KERNEL);
	spin_lock(&lruvec->lru_lock);
	SetPageActive(p);
	lruvec_add_folio(lruvec, p); /* a workingset of one page */
	SetPageLRU(p);
	spin_unlock(&lruvec->lru_lock);
	atomic_store(&lruvec->nonresident_age, (1UL << 61) - 1); /* the field's top */
	shadow = workingset_eviction(p);			 /* packs 0 */
	assert_true(workingset_test_recent(shadow, true, &ws));	 /* distance 0 */
	workingset_age_nonresident(lruvec, 1);
	assert_true(workingset_test_recent(shadow, true, &ws)); /* distance 1 */
	workingset_age_nonresident(lruvec, 1);
	assert_false(workingset_test_recent(shadow, true, &ws)); /* 2 > 1 */
	put_page(p);
	assert_int_equal(verify_all(stderr), 0);
}

/* Eviction leaves a shadow in the page cache; adding the page back over it
 * is a refault: activated (distance within the workingset), restored
 * (PG_workingset at eviction), counted; truncation takes the shadows. */
static void test_refault_activates(void **state)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct address_space *m;
	struct page *page;
	unsigned long refault, activate, restore;

	(void)state;
	boot(1, 16 << 20);
	m = mapping_alloc(NULL);
	assert_non_null(m);
	refault = node_page_state_snapshot(pgdat, WORKINGSET_REFAULT_FILE);
	activate = node_page_state_snapshot(pgdat, WORKINGSET_ACTIVATE_FILE);
	restore = node_page_state_snapshot(pgdat, WORKINGSET_RESTORE_FILE);
	/* evicted as reclaim does, index 0 last: its refault distance is 0,
	 * within even an empty workingset */
	for (unsigned long i = 4; i-- > 0;) {
		page = filemap_grab_page(m, i, true);
		assert_non_null(page);
		SetPageUptodate(page);
		if (i == 0)
			SetPageWorkingset(page); /* deactivated once: workingset */
		evict_with_shadow(m, page);
		put_page(page); /* the cache's */
		unlock_page(page);
		put_page(page); /* ours */
	}
	assert_int_equal(m->nrpages, 0);
	assert_int_equal(m->nrshadows, 4);
	assert_int_equal(filemap_count_values(m), 4);
	assert_false(mapping_empty(m));
	lru_add_drain();
	page = filemap_grab_page(m, 0, false); /* the refault */
	assert_non_null(page);
	assert_true(PageActive(page));
	assert_true(PageWorkingset(page));
	assert_int_equal(m->nrshadows, 3);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_REFAULT_FILE), refault + 1);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_ACTIVATE_FILE), activate + 1);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_RESTORE_FILE), restore + 1);
	unlock_page(page);
	put_page(page);
	page = filemap_grab_page(m, 3, false); /* evicted 3 evictions earlier */
	assert_non_null(page);
	assert_false(PageActive(page)); /* distance 3 + 1 activation > 0 */
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_REFAULT_FILE), refault + 2);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_ACTIVATE_FILE), activate + 1);
	unlock_page(page);
	put_page(page);
	/* write(2) on a mapping without writeback (no __GFP_WRITE): a refault */
	page = filemap_grab_page_write(m, 1);
	assert_non_null(page);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_REFAULT_FILE), refault + 3);
	assert_int_equal(m->nrshadows, 1);
	unlock_page(page);
	put_page(page);
	lru_add_drain();
	assert_int_equal(verify_all(stderr), 0);
	filemap_remove_range(m, 0, ~0UL); /* truncation: pages and shadows */
	assert_int_equal(m->nrshadows, 0);
	assert_int_equal(filemap_count_values(m), 0);
	assert_true(mapping_empty(m));
	mapping_release(m);
	assert_int_equal(verify_all(stderr), 0);
}

/* The shadow-node shrinker (Linux's "mm-shadow"): a page-cache leaf that
 * holds only shadows is listed (workingset_nodes); reclaim's shrink_slab
 * counts those beyond node_present_pages >> 3 and frees them, oldest
 * first, with the ancestors they leave empty (workingset_nodereclaim,
 * slabs_scanned), and the radix_tree_node slab gives memory back. */
static void test_shadow_node_shrinker(void **state)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long nodes = 700, max_nodes, scanned, slab;
	struct address_space *m;
	struct page *page;

	(void)state;
	boot(1, 16 << 20);
	max_nodes = pgdat->node_present_pages >> 3;
	assert_true(nodes > max_nodes);
	m = mapping_alloc(NULL);
	assert_non_null(m);
	for (unsigned long i = 0; i < nodes; i++) { /* one shadow per leaf */
		page = filemap_grab_page(m, i * XA_CHUNK_SIZE, true);
		assert_non_null(page);
		SetPageUptodate(page);
		evict_with_shadow(m, page);
		put_page(page);
		unlock_page(page);
		put_page(page);
	}
	lru_add_drain();
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), nodes);
	assert_int_equal(m->nrshadows, nodes);
	assert_int_equal(verify_all(stderr), 0);
	/* a page back in a leaf takes it off the list */
	page = filemap_grab_page(m, 0, true);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), nodes - 1);
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
	lru_add_drain();
	scanned = sum_vm_event(SLABS_SCANNED);
	slab = node_page_state_snapshot(pgdat, NR_SLAB_RECLAIMABLE_B);
	for (int i = 0; i < 8 && node_page_state_snapshot(pgdat, WORKINGSET_NODES) > max_nodes; i++)
		try_to_free_pages(GFP_KERNEL, 0);
	assert_true(node_page_state_snapshot(pgdat, WORKINGSET_NODES) <= max_nodes);
	assert_true(node_page_state_snapshot(pgdat, WORKINGSET_NODERECLAIM) >=
		    nodes - 1 - max_nodes);
	assert_int_equal(m->nrshadows, node_page_state_snapshot(pgdat, WORKINGSET_NODES));
	assert_true(sum_vm_event(SLABS_SCANNED) > scanned);
	assert_true(node_page_state_snapshot(pgdat, NR_SLAB_RECLAIMABLE_B) < slab);
	assert_int_equal(verify_all(stderr), 0);
	filemap_remove_range(m, 0, ~0UL);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), 0);
	mapping_release(m);
	assert_int_equal(verify_all(stderr), 0);
}

/* Indexes over four levels of the page-cache tree: two full leaves, one
 * page in a third, and one at 64^3 + 5 (the root grows to height 4). */
static const unsigned long tree_idx[] = { 0, 1, 2, 63, 64, 65, 127, 5000, 262149 };

static void fill_tree(struct address_space *m, unsigned long first, unsigned long last)
{
	for (unsigned long i = 0; i < ARRAY_SIZE(tree_idx) + 60; i++) {
		/* then 3..62: the first leaf full */
		unsigned long idx =
			i < ARRAY_SIZE(tree_idx) ? tree_idx[i] : i - ARRAY_SIZE(tree_idx) + 3;
		struct page *page;

		if (idx < first || idx > last)
			continue;
		page = filemap_grab_page(m, idx, true);
		assert_non_null(page);
		SetPageUptodate(page);
		unlock_page(page);
		put_page(page);
	}
	lru_add_drain();
}

/* Every page of m reclaimed as kswapd would (isolated, reclaim_pages:
 * __remove_mapping's frozen removal), each leaving a shadow. */
static void reclaim_all(struct address_space *m)
{
	unsigned long start = 0, n = 0;
	struct page *pages[16];
	unsigned int got;
	LIST_HEAD(list);

	while ((got = filemap_get_pages_range(m, &start, ~0UL, pages, 16))) {
		for (unsigned int i = 0; i < got; i++) {
			assert_true(folio_isolate_lru(pages[i]));
			put_page(pages[i]); /* the lookup's */
			list_add_tail(&pages[i]->lru, &list);
			n++;
		}
		if (got < 16 || !start)
			break;
	}
	assert_int_equal(reclaim_pages(&list), n);
}

/* Linux's xarray frees a node as soon as its last entry goes
 * (xas_store(NULL) -> xas_delete_node, then xas_shrink): truncating pages,
 * reclaiming them and clearing their shadows each take the tree back to
 * no node at all, and verify (which fails on an empty node) agrees at
 * every step. */
static void test_empty_nodes_freed(void **state)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct address_space *m;
	unsigned long nodes, pages = 62 + ARRAY_SIZE(tree_idx) - 2;

	(void)state;
	boot(1, 32 << 20);
	m = mapping_alloc(NULL);
	assert_non_null(m);
	assert_int_equal(filemap_count_nodes(m), 0);

	/* pages only: the root; under its slot 0 a level-2 node, level-1
	 * nodes for 0-4095 and 4096-8191, leaves 0-63, 64-127 and 5000's;
	 * under its slot 1 262149's level-2, level-1 and leaf */
	fill_tree(m, 0, ~0UL);
	assert_int_equal(m->nrpages, pages);
	assert_int_equal(m->xa_height, 4);
	nodes = filemap_count_nodes(m);
	assert_int_equal(nodes, 1 + 2 + 3 + 4);
	assert_int_equal(verify_all(stderr), 0);
	/* truncating the second leaf's pages frees it at the last one */
	filemap_remove_range(m, 64, 128);
	assert_int_equal(filemap_count_nodes(m), nodes - 1);
	/* the page far out: its three nodes go, then the root (only slot 0
	 * left: xas_shrink) */
	filemap_remove_range(m, 262149, 262150);
	assert_int_equal(m->xa_height, 3);
	assert_int_equal(filemap_count_nodes(m), nodes - 1 - 3 - 1);
	assert_int_equal(verify_all(stderr), 0);
	/* 5000: its leaf and level-1 node go; the tree shrinks twice, down
	 * to the leaf of 0-63 */
	filemap_remove_range(m, 5000, 5001);
	assert_int_equal(m->xa_height, 1);
	assert_int_equal(filemap_count_nodes(m), 1);
	assert_int_equal(verify_all(stderr), 0);
	filemap_remove_range(m, 0, ~0UL);
	assert_int_equal(filemap_count_nodes(m), 0);
	assert_null(m->xa_root);
	assert_int_equal(m->xa_height, 0);
	assert_int_equal(verify_all(stderr), 0);

	/* reclaimed pages leave shadows (the nodes stay, the leaves listed);
	 * truncation clears them and every node goes */
	fill_tree(m, 0, ~0UL);
	reclaim_all(m);
	assert_int_equal(m->nrpages, 0);
	assert_int_equal(m->nrshadows, pages);
	assert_int_equal(filemap_count_nodes(m), nodes);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), 4);
	assert_int_equal(verify_all(stderr), 0);
	filemap_remove_range(m, 0, ~0UL);
	assert_int_equal(m->nrshadows, 0);
	assert_int_equal(filemap_count_nodes(m), 0);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), 0);
	assert_int_equal(verify_all(stderr), 0);

	/* refaults take the shadows' slots; reclaimed again, then the
	 * shadows alone are invalidated (POSIX_FADV_DONTNEED's
	 * clear_shadow_entries): no node either */
	fill_tree(m, 0, ~0UL);
	reclaim_all(m);
	fill_tree(m, 0, 100); /* refaults: shadows left at 127, 5000, 262149 */
	assert_int_equal(m->nrshadows, 3);
	assert_int_equal(filemap_count_nodes(m), nodes);
	reclaim_all(m);
	assert_int_equal(filemap_clear_shadows(m, 0, ~0UL), pages);
	assert_int_equal(filemap_count_nodes(m), 0);
	assert_int_equal(node_page_state_snapshot(pgdat, WORKINGSET_NODES), 0);
	assert_int_equal(verify_all(stderr), 0);
	mapping_release(m);
	assert_int_equal(verify_all(stderr), 0);
}

/* folio_add_lru through the batch; two touches activate; isolation and
 * putback keep every counter exact. */
static void test_lru_entry_points(void **state)
{
	struct lruvec *lruvec;
	struct page *p;

	(void)state;
	boot(1, 16 << 20);
	lruvec = node_lruvec(&contig_page_data);
	p = alloc_page(GFP_HIGHUSER_MOVABLE);
	folio_add_lru(p); /* in this CPU's batch */
	assert_false(PageLRU(p));
	assert_int_equal(verify_all(stderr), 0);
	lru_add_drain();
	assert_true(PageLRU(p));
	assert_int_equal(lruvec_lru_size(lruvec, LRU_INACTIVE_FILE, MAX_NR_ZONES), 1);
	folio_mark_accessed(p);
	assert_true(PageReferenced(p));
	folio_mark_accessed(p); /* queued activation */
	lru_add_drain();
	assert_true(PageActive(p));
	assert_int_equal(lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES), 1);
	assert_true(folio_isolate_lru(p));
	assert_false(folio_isolate_lru(p)); /* one isolator only */
	assert_int_equal(lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES), 0);
	folio_putback_lru(p);
	lru_add_drain();
	assert_int_equal(lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES), 1);
	assert_int_equal(verify_all(stderr), 0);
	put_page(p);
	assert_int_equal(lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES), 0);
	assert_int_equal(verify_all(stderr), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_scan_balance_cases),
	cmocka_unit_test(test_pressure_balance),
	cmocka_unit_test(test_get_scan_count),
	cmocka_unit_test_teardown(test_refault_distance, teardown),
	cmocka_unit_test(test_shadow_round_trip),
	cmocka_unit_test_teardown(test_refault_distance_wraps, teardown),
	cmocka_unit_test_teardown(test_refault_activates, teardown),
	cmocka_unit_test_teardown(test_shadow_node_shrinker, teardown),
	cmocka_unit_test_teardown(test_empty_nodes_freed, teardown),
	cmocka_unit_test_teardown(test_lru_entry_points, teardown),
};

MMK_TEST_MAIN(tests, NULL, NULL);
