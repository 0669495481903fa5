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
 * (__filemap_remove_folio), in the swap table for anon and shmem pages
 * (swap_cache_del_folio_shadow).  Page-cache insertion
 * (filemap_grab_page, mm/filemap.c) and swap-in (__read_swap_cache_async,
 * mm/swap_state.c) hand the shadow they replace to workingset_refault.
 * Shadows go with truncation, invalidation and release of the mapping, and
 * with the swap slot when it is freed.
 */
#include <errno.h>
#include <stdio.h>
#include "mmkit/debug.h"
#include "mmkit/list.h"
#include "mmkit/mm_inline.h"
#include "mmkit/pagemap.h"
#include "mmkit/spinlock.h"
#include "mmkit/swap.h"
#include "mmkit/vmscan.h"

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
	mod_node_page_state_any(page_pgdat(page), item, 1);
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

/* ------------------------------------------------ shadow nodes -- */

/*
 * Page-cache leaves that hold only shadows (Linux's shadow_nodes list_lru,
 * one list: mmkit has one node and no memcg).  A leaf joins at the tail
 * when its last page goes and leaves when a page comes back or its last
 * shadow goes (workingset_update_node, under the mapping's i_pages_lock),
 * so a listed node's mapping is alive while shadow_nodes_lock is held.
 * Lock order: i_pages_lock -> shadow_nodes_lock; the shrinker, coming from
 * the list, only trylocks i_pages_lock (Linux shadow_lru_isolate).
 */
static DEFINE_SPINLOCK(shadow_nodes_lock);
static LIST_HEAD(shadow_nodes);
static unsigned long nr_shadow_nodes; /* shadow_nodes_lock */
static struct shrinker *workingset_shadow_shrinker;

void workingset_update_node(struct xa_node *node)
{
	bool shadows_only = node->count && node->count == node->nr_values;

	/* shadow_listed changes only under this node's i_pages_lock, held (the
	 * list pointers also move under shadow_nodes_lock alone: a rotation) */
	if (shadows_only == node->shadow_listed)
		return;
	spin_lock(&shadow_nodes_lock);
	node->shadow_listed = shadows_only;
	if (shadows_only) {
		list_add_tail(&node->private_list, &shadow_nodes);
		WRITE_ONCE(nr_shadow_nodes, nr_shadow_nodes + 1); /* read locklessly: count */
	} else {
		list_del_init(&node->private_list);
		WRITE_ONCE(nr_shadow_nodes, nr_shadow_nodes - 1);
	}
	mod_node_page_state_any(&contig_page_data, WORKINGSET_NODES, shadows_only ? 1 : -1);
	spin_unlock(&shadow_nodes_lock);
}

/* Linux count_shadow_nodes: the shadow nodes beyond what the memory can
 * use.  A refault distance beyond the memory's pages never activates, and
 * Linux keeps at worst 1/8th node density: pages >> (XA_CHUNK_SHIFT - 3)
 * nodes (1.8% of memory on 64-bit). */
static unsigned long count_shadow_nodes(struct shrinker *shrinker, struct shrink_control *sc)
{
	unsigned long nodes = READ_ONCE(nr_shadow_nodes), max_nodes;

	(void)shrinker;
	(void)sc;
	if (!nodes)
		return SHRINK_EMPTY;
	max_nodes = NODE_DATA(0)->node_present_pages >> (XA_CHUNK_SHIFT - 3);
	return nodes > max_nodes ? nodes - max_nodes : 0;
}

/* One node from the head of the list, oldest first (Linux
 * shadow_lru_isolate): 1 if it was freed, 0 if its mapping's lock was
 * busy (the node goes to the tail), -1 if the list is empty. */
static int shadow_lru_isolate(struct list_head *freed)
{
	struct address_space *m;
	struct xa_node *node;

	spin_lock(&shadow_nodes_lock);
	if (list_empty(&shadow_nodes)) {
		spin_unlock(&shadow_nodes_lock);
		return -1;
	}
	node = list_first_entry(&shadow_nodes, struct xa_node, private_list);
	m = node->array;
	if (!spin_trylock(&m->i_pages_lock)) { /* coming from the list: inverted */
		list_move_tail(&node->private_list, &shadow_nodes);
		spin_unlock(&shadow_nodes_lock);
		return 0;
	}
	list_del_init(&node->private_list);
	node->shadow_listed = false;
	WRITE_ONCE(nr_shadow_nodes, nr_shadow_nodes - 1);
	mod_node_page_state_any(&contig_page_data, WORKINGSET_NODES, -1);
	spin_unlock(&shadow_nodes_lock);
	VM_BUG_ON(!node->nr_values || node->count != node->nr_values);
	xa_delete_shadow_node(m, node, freed);
	mod_node_page_state_any(&contig_page_data, WORKINGSET_NODERECLAIM, 1);
	spin_unlock(&m->i_pages_lock);
	return 1;
}

/* Linux scan_shadow_nodes: free up to nr_to_scan shadow nodes. */
static unsigned long scan_shadow_nodes(struct shrinker *shrinker, struct shrink_control *sc)
{
	unsigned long freed = 0;
	LIST_HEAD(nodes);
	struct xa_node *node, *next;

	(void)shrinker;
	for (unsigned long i = 0; i < sc->nr_to_scan; i++) {
		int ret = shadow_lru_isolate(&nodes);

		if (ret < 0)
			break;
		freed += (unsigned long)ret;
	}
	/* the nodes (and emptied ancestors) go back to the slab, no lock held */
	list_for_each_entry_safe(node, next, &nodes, private_list) {
		list_del_init(&node->private_list);
		xa_node_free(node);
	}
	return freed;
}

/* verify: every listed node holds only shadows, and the count agrees. */
static void verify_shadow_nodes(struct verify_ctx *v)
{
	unsigned long n = 0;
	struct xa_node *node;

	spin_lock(&shadow_nodes_lock);
	list_for_each_entry(node, &shadow_nodes, private_list) {
		unsigned int values = 0, used = 0;

		for (unsigned int i = 0; i < XA_CHUNK_SIZE; i++) {
			used += node->slots[i] != NULL;
			values += xa_is_value_entry(node->slots[i]);
		}
		if (node->shift || !values || used != values || node->count != used ||
		    !node->shadow_listed || node->nr_values != values || node->array->shmem)
			verify_fail(v,
				    "shadow node %p: shift %u, %u entries (%u shadows), count %u "
				    "nr_values %u",
				    (void *)node, node->shift, used, values, node->count,
				    node->nr_values);
		n++;
	}
	if (n != nr_shadow_nodes ||
	    n != node_page_state_snapshot(&contig_page_data, WORKINGSET_NODES))
		verify_fail(v, "%lu shadow nodes listed, nr_shadow_nodes %lu, workingset_nodes %lu",
			    n, nr_shadow_nodes,
			    node_page_state_snapshot(&contig_page_data, WORKINGSET_NODES));
	spin_unlock(&shadow_nodes_lock);
}
VERIFY_CHECK(shadow_nodes_check, "workingset", 66, verify_shadow_nodes);

static int workingset_init(void)
{
	unsigned long max_order = 0;

	while ((1UL << max_order) < mmk->max_pfn)
		max_order++;
	bucket_order = max_order > EVICTION_BITS ? max_order - EVICTION_BITS : 0;
	WRITE_ONCE(nr_shadow_nodes, 0);
	workingset_shadow_shrinker = shrinker_alloc("mm-shadow");
	if (!workingset_shadow_shrinker)
		return -ENOMEM;
	workingset_shadow_shrinker->count_objects = count_shadow_nodes;
	workingset_shadow_shrinker->scan_objects = scan_shadow_nodes;
	workingset_shadow_shrinker->seeks = 0; /* count reports only expendable nodes */
	shrinker_register(workingset_shadow_shrinker);
	return 0;
}

static void workingset_exit(void)
{
	shrinker_free(workingset_shadow_shrinker);
	workingset_shadow_shrinker = NULL;
	WARN_ON(!list_empty(&shadow_nodes)); /* every mapping was released */
	INIT_LIST_HEAD(&shadow_nodes);
}
mmk_initcall(INIT_MM, workingset_init, workingset_exit);
