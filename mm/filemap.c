/*
 * filemap.c - the page cache (Linux mm/filemap.c, lib/xarray.c at the level
 * mmkit needs; include/mmkit/pagemap.h): each file's pages indexed by page
 * offset, lookup and insertion, read(2) and write(2) through the cache,
 * errors (errseq), and the fault side of file mappings (filemap_fault,
 * fault-around's filemap_map_pages, page_mkwrite).
 *
 * The index (i_pages) is a radix tree of 64-way nodes, as the xarray's: a
 * tree of height h covers offsets below 64^h; it grows at the top when a
 * larger offset is stored.  Nodes keep the xarray's count, nr_values,
 * parent and offset (xa_leaf_store on every leaf store); a slot holds a
 * page, NULL, or a value entry: shmem's swap entry, or, in other mappings,
 * the workingset shadow reclaim left (nrshadows counts them).  As in the
 * xarray, a node whose last entry goes is freed at once with the ancestors
 * it leaves empty, and a root left with only slot 0 gives way to that
 * child (xa_delete_node, Linux xas_delete_node and xas_shrink; under
 * i_pages_lock, nothing allocated): a tree without entries has no node.
 * A leaf holding only shadows is on the workingset's shadow-node list,
 * whose shrinker frees it with its shadows (xa_delete_shadow_node).  A
 * page in the cache holds one reference for it, points back with
 * page->mapping and page->index, and counts in NR_FILE_PAGES (meminfo
 * Cached) and, for shmem, NR_SHMEM.  i_pages_lock guards the tree; it is never held across a TLB
 * shootdown, an allocation or I/O: a store that needs a new tree node drops
 * the lock, allocates the node and retries (Linux xas_nomem).  A new page
 * enters the cache locked and not uptodate; whoever inserted it reads it (or
 * zeroes it) and unlocks it.
 *
 * Reads of single pages and write-back are synchronous (the block layer
 * charges their time to the clock); readahead's requests complete later
 * (submit_bio), so a page can be locked and not uptodate while its read is
 * in flight: lock_page's wait completes it.  A fault that has to wait for
 * I/O drops mmap_lock first and is retried, as Linux's is (filemap_fault).
 *
 * Identity-only files (imported VMAs, the built-in exec image) have a
 * mapping of their own without a host: their pages are created zeroed on
 * the first fault, and no offset is beyond their end.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/blkdev.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mmu.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/psi.h"
#include "mmkit/swap.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/wait.h"
#include "mmkit/writeback.h"

#define XA_SHIFT XA_CHUNK_SHIFT
#define XA_SLOTS XA_CHUNK_SIZE

/* A slot holds a page, NULL, or a value entry (low bit set: the xarray's
 * xa_mk_value): shmem keeps the swap entry of a page that went to swap in
 * the page's slot, other mappings a workingset shadow.  Page lookups see a
 * value entry as no page; nrpages counts pages only (xa_is_value_entry,
 * pagemap.h). */

static DEFINE_FAULT_SITE(xa_node_fail, "xa_node_alloc");
static DEFINE_FAULT_SITE(mapping_fail, "address_space_alloc");
static DEFINE_FAULT_SITE(pagecache_fail, "pagecache_alloc");

static struct kmem_cache *radix_tree_node_cachep, *mapping_cachep;

static int filemap_caches_init(void)
{
	radix_tree_node_cachep = kmem_cache_create("radix_tree_node", sizeof(struct xa_node), 0,
						   SLAB_RECLAIM_ACCOUNT, NULL);
	mapping_cachep = kmem_cache_create("address_space", sizeof(struct address_space), 0,
					   SLAB_ACCOUNT, NULL);
	return radix_tree_node_cachep && mapping_cachep ? 0 : -ENOMEM;
}

static void filemap_caches_exit(void)
{
	if (mapping_cachep)
		kmem_cache_destroy(mapping_cachep);
	if (radix_tree_node_cachep)
		kmem_cache_destroy(radix_tree_node_cachep);
	mapping_cachep = radix_tree_node_cachep = NULL;
}
mmk_initcall(INIT_MM, filemap_caches_init, filemap_caches_exit);

/* From the "radix_tree_node" cache (Linux's xarray nodes); NULL on -ENOMEM. */
static struct xa_node *xa_node_alloc(void)
{
	struct xa_node *node;

	if (should_fail(&xa_node_fail))
		return NULL;
	node = kmem_cache_zalloc(radix_tree_node_cachep, GFP_KERNEL);
	if (node)
		INIT_LIST_HEAD(&node->private_list);
	return node;
}

void xa_node_free(struct xa_node *node)
{
	VM_BUG_ON(!list_empty(&node->private_list));
	kmem_cache_free(radix_tree_node_cachep, node);
}

/* The leaf node holding slot, the leaf slot of index. */
static struct xa_node *xa_slot_node(void **slot, unsigned long index)
{
	return container_of(slot - (index & (XA_SLOTS - 1)), struct xa_node, slots[0]);
}

/* Store entry in a leaf slot, keeping count and nr_values and the
 * shadow-node list (Linux xas_store with workingset_update_node; shmem's
 * value entries are swap entries, never on the list: mapping_set_update).
 * The node stays even if left empty (see xa_leaf_store).  Caller holds
 * i_pages_lock. */
static void __xa_leaf_store(struct address_space *m, struct xa_node *node, void **slot, void *entry)
{
	void *old = *slot;

	node->count = (unsigned char)(node->count + (entry != NULL) - (old != NULL));
	node->nr_values = (unsigned char)(node->nr_values + xa_is_value_entry(entry) -
					  xa_is_value_entry(old));
	*slot = entry;
	if (!m->shmem)
		workingset_update_node(node);
}

/* A node out of the tree: chained on *freed (by private_list) for the
 * caller to free after dropping i_pages_lock, or freed now. */
static void xa_node_release(struct xa_node *node, struct list_head *freed)
{
	if (freed)
		list_add_tail(&node->private_list, freed);
	else
		xa_node_free(node);
}

/* Linux xas_shrink: while the root is an inner node whose only entry is
 * slot 0, that child becomes the root (mmkit keeps a leaf as the smallest
 * tree: no entry lives in the head).  Caller holds i_pages_lock. */
static void xa_shrink(struct address_space *m, struct list_head *freed)
{
	struct xa_node *root;

	while ((root = m->xa_root) && root->shift && root->count == 1 && root->slots[0]) {
		struct xa_node *child = root->slots[0];

		child->parent = NULL;
		m->xa_root = child;
		m->xa_height--;
		root->slots[0] = NULL;
		root->count = 0;
		xa_node_release(root, freed);
	}
}

/* Linux xas_delete_node: node (left without entries) and the ancestors
 * that leaves empty come out of the tree; then the tree shrinks at the top.
 * Nothing is allocated.  Caller holds i_pages_lock; the node is off the
 * shadow-node list (an empty leaf is never on it). */
static void xa_delete_node(struct address_space *m, struct xa_node *node, struct list_head *freed)
{
	lockdep_assert_held(&m->i_pages_lock);
	while (node && !node->count) {
		struct xa_node *parent = node->parent;

		if (parent) {
			parent->slots[node->offset] = NULL;
			parent->count--;
		} else {
			m->xa_root = NULL;
			m->xa_height = 0;
		}
		xa_node_release(node, freed);
		node = parent;
	}
	xa_shrink(m, freed);
}

/* __xa_leaf_store, then a node whose last entry went is freed at once
 * with the ancestors it leaves empty (Linux xas_store -> update_node ->
 * xas_delete_node).  Caller holds i_pages_lock; slot is stale after a
 * NULL store. */
static void xa_leaf_store(struct address_space *m, struct xa_node *node, void **slot, void *entry)
{
	__xa_leaf_store(m, node, slot, entry);
	if (!entry && !node->count)
		xa_delete_node(m, node, NULL);
}

static unsigned int xa_slot(unsigned long index, unsigned int level)
{
	return (unsigned int)(index >> (XA_SHIFT * level)) & (XA_SLOTS - 1);
}

static bool xa_fits(const struct address_space *m, unsigned long index)
{
	return m->xa_height * XA_SHIFT >= 64 || (index >> (XA_SHIFT * m->xa_height)) == 0;
}

/*
 * The leaf slot for index, creating the missing nodes from *spare: the tree
 * grows at the top until index fits, then gets the nodes on the way down.
 * NULL when a node is needed and *spare is empty: the caller drops
 * i_pages_lock, allocates one (xa_node_alloc may sleep) and calls again
 * (Linux xas_nomem).  Nodes installed so far stay.  Caller holds
 * i_pages_lock.
 */
static void **xa_create_slot(struct address_space *m, unsigned long index, struct xa_node **spare)
{
	struct xa_node *node;
	unsigned int level;

	lockdep_assert_held(&m->i_pages_lock);
	while (!m->xa_root || !xa_fits(m, index)) {
		struct xa_node *old = m->xa_root;

		if (!*spare)
			return NULL;
		node = *spare;
		*spare = NULL;
		node->array = m;
		if (!old) {
			/* an empty tree: one root as high as index needs, no
			 * empty node below it (Linux xas_expand of a NULL head) */
			m->xa_height = 1;
			while (!xa_fits(m, index))
				m->xa_height++;
			node->shift = (unsigned char)(XA_SHIFT * (m->xa_height - 1));
			m->xa_root = node;
			continue;
		}
		/* the old root becomes slot 0 of the new one */
		node->shift = (unsigned char)(XA_SHIFT * m->xa_height);
		node->slots[0] = old;
		node->count = 1;
		old->parent = node;
		old->offset = 0;
		m->xa_root = node;
		m->xa_height++;
	}
	node = m->xa_root;
	for (level = m->xa_height - 1; level > 0; level--) {
		unsigned int off = xa_slot(index, level);
		struct xa_node *child = node->slots[off];

		if (!child) {
			if (!*spare)
				return NULL;
			child = *spare;
			*spare = NULL;
			child->array = m;
			child->shift = (unsigned char)(XA_SHIFT * (level - 1));
			child->parent = node;
			child->offset = (unsigned char)off;
			node->slots[off] = child;
			node->count++;
		}
		node = child;
	}
	return &node->slots[xa_slot(index, 0)];
}

/* After a failed xa_create_slot: the deepest node on index's path, empty
 * if the creation installed it and no more, goes with the ancestors it
 * leaves empty, and a root grown for index shrinks back.  Caller holds
 * i_pages_lock. */
static void xa_prune_path(struct address_space *m, unsigned long index)
{
	struct xa_node *node = m->xa_root;

	if (!node)
		return;
	for (unsigned int level = m->xa_height - 1; level > 0 && xa_fits(m, index); level--) {
		struct xa_node *child = node->slots[xa_slot(index, level)];

		if (!child)
			break;
		node = child;
	}
	xa_delete_node(m, node, NULL);
}

/* The existing leaf slot for index, or NULL.  Caller holds i_pages_lock. */
static void **xa_lookup_slot(struct address_space *m, unsigned long index)
{
	struct xa_node *node = m->xa_root;
	unsigned int level = m->xa_height;

	lockdep_assert_held(&m->i_pages_lock);
	if (!node || !xa_fits(m, index))
		return NULL;
	while (--level > 0 && node)
		node = node->slots[xa_slot(index, level)];
	return node ? &node->slots[xa_slot(index, 0)] : NULL;
}

static void xa_free_nodes(struct xa_node *node, unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 0 && i < XA_SLOTS; i++)
		if (node->slots[i])
			xa_free_nodes(node->slots[i], level - 1);
	WARN_ON(node->shadow_listed); /* a shadow left behind */
	kmem_cache_free(radix_tree_node_cachep, node);
}

unsigned int xa_delete_shadow_node(struct address_space *m, struct xa_node *node,
				   struct list_head *freed)
{
	unsigned int cleared = 0;

	lockdep_assert_held(&m->i_pages_lock);
	VM_BUG_ON(node->shift || node->shadow_listed);
	for (unsigned int i = 0; i < XA_SLOTS; i++)
		if (xa_is_value_entry(node->slots[i])) {
			node->slots[i] = NULL;
			cleared++;
		}
	node->count = node->nr_values = 0;
	WRITE_ONCE(m->nrshadows, m->nrshadows - cleared);
	xa_delete_node(m, node, freed);
	return cleared;
}

/* ------------------------------------------------------ the cache -- */

static void pagecache_account(struct address_space *m, struct page *page, long d)
{
	mod_lruvec_page_state(page, NR_FILE_PAGES, d);
	if (m->shmem)
		mod_lruvec_page_state(page, NR_SHMEM, d);
}

struct page *filemap_get_page(struct address_space *m, unsigned long index)
{
	struct page *page;
	void **slot;

	spin_lock(&m->i_pages_lock);
	slot = xa_lookup_slot(m, index);
	page = slot ? *slot : NULL;
	if (xa_is_value_entry(page))
		page = NULL;
	if (page)
		get_page(page);
	spin_unlock(&m->i_pages_lock);
	return page;
}

/*
 * Takes i_pages_lock and returns the leaf slot for index, allocating the
 * missing nodes outside the lock (Linux xas_nomem).  NULL on -ENOMEM, with
 * the lock not held.  The caller hands *spare to xa_unlock_spare.
 */
static void **xa_lock_create_slot(struct address_space *m, unsigned long index,
				  struct xa_node **spare)
{
	void **slot;

	for (;;) {
		spin_lock(&m->i_pages_lock);
		slot = xa_create_slot(m, index, spare);
		if (slot)
			return slot;
		spin_unlock(&m->i_pages_lock);
		*spare = xa_node_alloc(); /* outside the lock */
		if (!*spare)
			break;
	}
	/* -ENOMEM: the nodes installed for index hold nothing; they go */
	spin_lock(&m->i_pages_lock);
	xa_prune_path(m, index);
	spin_unlock(&m->i_pages_lock);
	return NULL;
}

/* Drops i_pages_lock and frees a node another CPU made unneeded. */
static void xa_unlock_spare(struct address_space *m, struct xa_node *spare)
{
	spin_unlock(&m->i_pages_lock);
	if (spare)
		kmem_cache_free(radix_tree_node_cachep, spare);
}

/* xa_unlock_spare after a store that may not have happened: a leaf that
 * xa_create_slot made for it and that stayed empty goes again. */
static void xa_unlock_empty_spare(struct address_space *m, struct xa_node *leaf,
				  struct xa_node *spare)
{
	if (!leaf->count)
		xa_delete_node(m, leaf, NULL);
	xa_unlock_spare(m, spare);
}

/* Installs page at index (a reference taken); caller holds i_pages_lock. */
static void pagecache_install(struct address_space *m, void **slot, struct page *page,
			      unsigned long index)
{
	get_page(page);
	page->mapping = m;
	page->index = index;
	if (m->shmem)
		SetPageSwapBacked(page);
	xa_leaf_store(m, xa_slot_node(slot, index), slot, page);
	WRITE_ONCE(m->nrpages, m->nrpages + 1); /* read locklessly: mapping_empty */
	pagecache_account(m, page, 1);
}

/* ---------------------------------------------------- value entries -- */

void *filemap_get_entry(struct address_space *m, unsigned long index)
{
	void **slot;
	void *entry;

	spin_lock(&m->i_pages_lock);
	slot = xa_lookup_slot(m, index);
	entry = slot ? *slot : NULL;
	if (entry && !xa_is_value_entry(entry))
		get_page(entry);
	spin_unlock(&m->i_pages_lock);
	return entry;
}

int filemap_replace_page_with_value(struct address_space *m, struct page *page, void *value)
{
	void **slot;

	spin_lock(&m->i_pages_lock);
	slot = xa_lookup_slot(m, page->index);
	if (!slot || *slot != page) {
		spin_unlock(&m->i_pages_lock);
		return -EAGAIN;
	}
	xa_leaf_store(m, xa_slot_node(slot, page->index), slot, value);
	WRITE_ONCE(m->nrpages, m->nrpages - 1);
	pagecache_account(m, page, -1);
	page->mapping = NULL;
	spin_unlock(&m->i_pages_lock);
	return 0;
}

/* Install page at index in place of expected; with expected NULL, a
 * workingset shadow in the slot (not shmem) is taken too and returned in
 * *shadowp (Linux __filemap_add_folio).  0, -EEXIST or -ENOMEM. */
static int __filemap_add_page(struct address_space *m, struct page *page, unsigned long index,
			      void *expected, void **shadowp)
{
	struct xa_node *spare = NULL;
	void **slot = xa_lock_create_slot(m, index, &spare);
	int err = 0;
	void *old;

	*shadowp = NULL;
	if (!slot)
		return -ENOMEM;
	old = *slot;
	if (!expected && !m->shmem && xa_is_value_entry(old)) {
		/* the page takes the shadow's slot: stored over it below */
		*shadowp = old;
		WRITE_ONCE(m->nrshadows, m->nrshadows - 1);
		old = NULL;
	}
	if (old != expected)
		err = -EEXIST;
	else
		pagecache_install(m, slot, page, index);
	xa_unlock_empty_spare(m, xa_slot_node(slot, index), spare);
	return err;
}

int filemap_add_page_replace(struct address_space *m, struct page *page, unsigned long index,
			     void *expected)
{
	void *shadow;

	return __filemap_add_page(m, page, index, expected, &shadow);
}

int filemap_add_value(struct address_space *m, unsigned long index, void *value)
{
	struct xa_node *spare = NULL;
	void **slot = xa_lock_create_slot(m, index, &spare);
	int err = 0;

	if (!slot)
		return -ENOMEM;
	if (*slot)
		err = -EEXIST;
	else
		xa_leaf_store(m, xa_slot_node(slot, index), slot, value);
	xa_unlock_empty_spare(m, xa_slot_node(slot, index), spare);
	return err;
}

bool filemap_erase_value(struct address_space *m, unsigned long index, void *value)
{
	bool done = false;
	void **slot;

	spin_lock(&m->i_pages_lock);
	slot = xa_lookup_slot(m, index);
	if (slot && *slot == value) {
		xa_leaf_store(m, xa_slot_node(slot, index), slot, NULL);
		done = true;
	}
	spin_unlock(&m->i_pages_lock);
	return done;
}

/* The first value entry with start <= index < end under node, or false. */
static bool xa_find_value(struct xa_node *node, unsigned int level, unsigned long base,
			  unsigned long start, unsigned long end, unsigned long *index,
			  void **value)
{
	unsigned long span = 1UL << (XA_SHIFT * level);
	unsigned int i;

	for (i = 0; i < XA_SLOTS; i++) {
		unsigned long lo = base + i * span;

		if (!node->slots[i] || (span && lo >= end) || (span && lo + span <= start))
			continue;
		if (level == 0) {
			if (!xa_is_value_entry(node->slots[i]) || lo < start)
				continue;
			*index = lo;
			*value = node->slots[i];
			return true;
		}
		if (xa_find_value(node->slots[i], level - 1, lo, start, end, index, value))
			return true;
	}
	return false;
}

unsigned int filemap_get_values_range(struct address_space *m, unsigned long *start,
				      unsigned long end, unsigned long *indices, void **values,
				      unsigned int nr)
{
	unsigned int n = 0;

	spin_lock(&m->i_pages_lock);
	while (n < nr && *start < end && m->xa_root &&
	       xa_find_value(m->xa_root, m->xa_height - 1, 0, *start, end, &indices[n],
			     &values[n])) {
		*start = indices[n++] + 1;
		if (!*start)
			break;
	}
	spin_unlock(&m->i_pages_lock);
	return n;
}

#ifdef CONFIG_LOCKDEP
struct lockdep_map page_lock_dep_map = LOCKDEP_MAP_INIT("PG_locked", IPI_ALL);
#endif

static bool page_try(void *page)
{
	return !(atomic_fetch_or_explicit(&((struct page *)page)->flags, 1UL << PG_locked,
					  memory_order_acquire) &
		 (1UL << PG_locked));
}

/* Waiting for a page lock: an in-flight read may hold it (its batch is
 * completed, the disk finishing it); else another task does. */
static bool page_try_or_complete(void *page)
{
	return page_try(page) || (blk_complete_one() && page_try(page));
}

/* A sleeping lock: its waiter serves every IPI. */
static const struct wait_ops page_lock_wait = { .done = page_try_or_complete, .spins = 16 };

/* The wait for a page's lock; waiting for a refault of the working set to
 * be read (not uptodate, PG_workingset) is thrashing, a memory stall (Linux
 * folio_wait_bit_common for PG_locked). */
void __lock_page(struct page *page)
{
	unsigned long pflags;
	bool thrashing;

#ifdef CONFIG_LOCKDEP
	lock_acquire(page, &page_lock_dep_map, false, false);
#endif
	if (page_try(page))
		return;
	thrashing = !PageUptodate(page) && PageWorkingset(page);
	if (thrashing)
		psi_memstall_enter(&pflags);
	wait_until(&page_lock_wait, page, IPI_ALL);
	if (thrashing)
		psi_memstall_leave(&pflags);
}

struct page *filemap_lock_page(struct address_space *m, unsigned long index)
{
	struct page *page;

	for (;;) {
		page = filemap_get_page(m, index);
		if (!page)
			return NULL;
		lock_page(page);
		if (likely(page->mapping == m))
			return page;
		unlock_page(page); /* truncated meanwhile */
		put_page(page);
	}
}

/* A new page for the cache (GFP_HIGHUSER_MOVABLE), locked; NULL on -ENOMEM. */
static struct page *page_cache_alloc(bool zero)
{
	struct page *page;

	if (should_fail(&pagecache_fail))
		return NULL;
	page = alloc_page(GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0));
	if (page)
		(void)trylock_page(page); /* new, so free: locked (and known to lockdep) */
	return page;
}

/* Linux __filemap_get_folio(FGP_LOCK | FGP_CREAT): write is __GFP_WRITE. */
static struct page *__filemap_grab_page(struct address_space *m, unsigned long index, bool zero,
					bool write)
{
	for (;;) {
		struct page *page = filemap_lock_page(m, index);
		void *shadow;
		int err;

		if (page)
			return page;
		page = page_cache_alloc(zero);
		if (!page)
			return NULL;
		err = __filemap_add_page(m, page, index, NULL, &shadow);
		if (!err) { /* Linux filemap_add_folio */
			if (shadow && !write)
				workingset_refault(page, shadow);
			folio_add_lru(page);
			return page; /* locked, ours and the cache's reference */
		}
		unlock_page(page);
		put_page(page);
		if (err != -EEXIST)
			return NULL;
		if (m->shmem) { /* a page of shmem may be in swap */
			void *entry = filemap_get_entry(m, index);

			if (entry && !xa_is_value_entry(entry)) {
				put_page(entry);
			} else if (entry) {
				page = shmem_swapin_locked(m, index, entry, &err);
				if (page || err != -EEXIST)
					return page;
			}
		}
	}
}

struct page *filemap_grab_page(struct address_space *m, unsigned long index, bool zero)
{
	return __filemap_grab_page(m, index, zero, false);
}

struct page *filemap_grab_page_write(struct address_space *m, unsigned long index)
{
	return __filemap_grab_page(m, index, false, mapping_can_writeback(m));
}

/* A batch lookup's state: pages of [start, end) (end 0: no bound), in
 * index order, only PG_dirty ones if dirty (Linux's PAGECACHE_TAG_DIRTY). */
struct xa_batch {
	unsigned long start, end;
	bool dirty;
	struct page **pages;
	unsigned int nr, n;
};

/* Add the pages of node (at level, covering from base) to b until it is
 * full: false once it is.  Caller holds i_pages_lock. */
static bool xa_gather(struct xa_node *node, unsigned int level, unsigned long base,
		      struct xa_batch *b)
{
	unsigned int shift = XA_SHIFT * level;
	unsigned long span = shift < 8 * sizeof(unsigned long) ? 1UL << shift : 0;
	unsigned int i = 0;

	if (span && b->start > base)
		i = (unsigned int)min((b->start - base) / span, (unsigned long)XA_SLOTS);
	for (; i < XA_SLOTS; i++) {
		unsigned long lo = base + i * span;
		void *e = node->slots[i];

		if (!e || (span && b->end && lo >= b->end) || (span && lo + span <= b->start))
			continue;
		if (level) {
			if (!xa_gather(e, level - 1, lo, b))
				return false;
			continue;
		}
		if (xa_is_value_entry(e) || (b->dirty && !PageDirty((struct page *)e)))
			continue;
		b->pages[b->n++] = e;
		if (b->n == b->nr)
			return false;
	}
	return true;
}

/* Up to nr pages of [*start, end] (inclusive) in one walk under the lock,
 * with references; *start past the last one.  With nlocked, the first
 * pages are locked instead, as many as trylock takes in a row (*nlocked):
 * see filemap_get_dirty_pages. */
static unsigned int filemap_gather(struct address_space *m, unsigned long *start, unsigned long end,
				   bool dirty, struct page **pages, unsigned int nr,
				   unsigned int *nlocked)
{
	struct xa_batch b = { .start = *start,
			      .end = end == ~0UL ? 0 : end + 1,
			      .dirty = dirty,
			      .pages = pages,
			      .nr = nr };
	unsigned int i, locked = 0;

	if (nlocked)
		*nlocked = 0;
	if (!nr || *start > end)
		return 0;
	spin_lock(&m->i_pages_lock);
	if (m->xa_root)
		xa_gather(m->xa_root, m->xa_height - 1, 0, &b);
	for (i = 0; i < b.n; i++) {
		if (nlocked && locked == i && trylock_page(pages[i]))
			locked++;
		else
			get_page(pages[i]);
	}
	spin_unlock(&m->i_pages_lock);
	if (b.n)
		*start = pages[b.n - 1]->index + 1; /* no index is ~0UL (MAX_LFS_FILESIZE) */
	if (nlocked)
		*nlocked = locked;
	return b.n;
}

/* The first page with start <= index <= end (inclusive), with a reference. */
static struct page *filemap_find_get(struct address_space *m, unsigned long start,
				     unsigned long end)
{
	struct page *page;

	return filemap_gather(m, &start, end, false, &page, 1, NULL) ? page : NULL;
}

unsigned int filemap_get_pages_range(struct address_space *m, unsigned long *start,
				     unsigned long end, struct page **pages, unsigned int nr)
{
	return filemap_gather(m, start, end, false, pages, nr, NULL);
}

unsigned int filemap_get_dirty_pages(struct address_space *m, unsigned long *start,
				     unsigned long end, struct page **pages, unsigned int nr,
				     unsigned int *nlocked)
{
	return filemap_gather(m, start, end, true, pages, nr, nlocked);
}

bool filemap_range_has_page(struct address_space *m, unsigned long start, unsigned long end)
{
	struct page *page = filemap_find_get(m, start, end);

	if (page)
		put_page(page);
	return page != NULL;
}

/* Take a locked page out of the cache (Linux truncate_inode_folio), first
 * unmapping it where a fault mapped it after the caller's unmap (Linux
 * truncate_cleanup_folio; COW copies stay).  A dirty page is cleaned
 * without writeback (its accounting undone).  Not if it left already. */
/* The page leaves its slot, shadow (or NULL) taking it; the cache's
 * reference passes to the caller (Linux page_cache_delete).  No shadow in
 * a mapping being released (mapping_exiting).  Caller holds i_pages_lock. */
static void page_cache_delete(struct address_space *m, struct page *page, void *shadow)
{
	void **slot;

	lockdep_assert_held(&m->i_pages_lock);
	if (shadow && (m->shmem || (atomic_load(&m->flags) & (1UL << AS_EXITING))))
		shadow = NULL;
	slot = xa_lookup_slot(m, page->index); /* the page is in it */
	xa_leaf_store(m, xa_slot_node(slot, page->index), slot, shadow);
	if (shadow)
		WRITE_ONCE(m->nrshadows, m->nrshadows + 1);
	WRITE_ONCE(m->nrpages, m->nrpages - 1);
	pagecache_account(m, page, -1);
	page->mapping = NULL;
}

void truncate_inode_page(struct address_space *m, struct page *page)
{
	if (page->mapping != m)
		return;
	if (page_mapcount(page) > 0)
		unmap_mapping_pages(m, page->index, 1, false);
	if (PageDirty(page) && mapping_can_writeback(m))
		account_page_cleaned(page);
	spin_lock(&m->i_pages_lock);
	page_cache_delete(m, page, NULL);
	ClearPageDirty(page);
	ClearPageUptodate(page);
	ClearPagePrivate(page);
	ClearPageReadahead(page);
	spin_unlock(&m->i_pages_lock);
	put_page(page); /* the cache's reference */
}

void __filemap_remove_folio(struct address_space *m, struct page *page, void *shadow)
{
	VM_BUG_ON(!PageLocked(page) || page->mapping != m || PageDirty(page));
	page_cache_delete(m, page, shadow);
}

/* Clears the value entries of [start, end) under node; counts them.  A
 * child left empty is freed here; node itself, if left empty, by the
 * caller (the level above, or filemap_clear_shadows for the root). */
static unsigned long xa_clear_values(struct address_space *m, struct xa_node *node,
				     unsigned int level, unsigned long base, unsigned long start,
				     unsigned long end)
{
	unsigned int shift = XA_SHIFT * level;
	unsigned long span = shift < 8 * sizeof(unsigned long) ? 1UL << shift : 0, n = 0;

	for (unsigned int i = 0; i < XA_SLOTS; i++) {
		unsigned long lo = base + i * span;
		struct xa_node *child = node->slots[i];

		if (!child || (span && (lo >= end || lo + span <= start)))
			continue;
		if (level > 0) {
			n += xa_clear_values(m, child, level - 1, lo, start, end);
			if (!child->count) { /* Linux xas_delete_node, one level */
				node->slots[i] = NULL;
				node->count--;
				xa_node_free(child);
			}
		} else if (xa_is_value_entry(child) && lo >= start) {
			__xa_leaf_store(m, node, &node->slots[i], NULL);
			n++;
		}
		if (!span)
			break; /* the top level's slot 0 covers every index */
	}
	return n;
}

unsigned long filemap_clear_shadows(struct address_space *m, unsigned long start, unsigned long end)
{
	unsigned long n = 0;

	if (m->shmem || !READ_ONCE(m->nrshadows))
		return 0;
	spin_lock(&m->i_pages_lock);
	if (m->xa_root && start < end) {
		n = xa_clear_values(m, m->xa_root, m->xa_height - 1, 0, start, end);
		xa_delete_node(m, m->xa_root, NULL); /* if left empty; shrinks */
	}
	WRITE_ONCE(m->nrshadows, m->nrshadows - n);
	spin_unlock(&m->i_pages_lock);
	return n;
}

static unsigned long xa_count_nodes(const struct xa_node *node, unsigned int level)
{
	unsigned long n = 1;

	for (unsigned int i = 0; level > 0 && i < XA_SLOTS; i++)
		if (node->slots[i])
			n += xa_count_nodes(node->slots[i], level - 1);
	return n;
}

unsigned long filemap_count_nodes(struct address_space *m)
{
	unsigned long n = 0;

	spin_lock(&m->i_pages_lock);
	if (m->xa_root)
		n = xa_count_nodes(m->xa_root, m->xa_height - 1);
	spin_unlock(&m->i_pages_lock);
	return n;
}

unsigned long filemap_count_values(struct address_space *m)
{
	unsigned long n = 0, start = 0, idx[16];
	void *vals[16];
	unsigned int got;

	while ((got = filemap_get_values_range(m, &start, ~0UL, idx, vals, 16))) {
		n += got;
		if (got < 16 || !start)
			break;
	}
	return n;
}

void filemap_remove_range(struct address_space *m, unsigned long start, unsigned long end)
{
	unsigned long first = start;

	if (m->shmem)
		shmem_free_swap_range(m, start, end); /* pages in swap */
	while (start < end) {
		struct page *page = filemap_find_get(m, start, end - 1);

		if (!page)
			break;
		start = page->index + 1;
		lock_page(page);
		truncate_inode_page(m, page);
		unlock_page(page);
		put_page(page);
	}
	if (m->shmem)
		shmem_free_swap_range(m, first, end); /* went to swap meanwhile */
	else
		filemap_clear_shadows(m, first, end); /* reclaim's, even meanwhile */
}

static struct address_space *__mapping_alloc(void)
{
	struct address_space *m;

	if (should_fail(&mapping_fail))
		return NULL;
	m = kmem_cache_zalloc(mapping_cachep, GFP_KERNEL);
	if (!m)
		return NULL;
	spin_lock_init(&m->i_pages_lock);
	init_rwsem(&m->i_mmap_rwsem);
	INIT_LIST_HEAD(&m->i_mmap);
	INIT_LIST_HEAD(&m->swaplist);
	return m;
}

struct address_space *mapping_alloc(struct inode *host)
{
	struct address_space *m = __mapping_alloc();

	if (m)
		m->host = host;
	return m;
}

struct address_space *file_mapping(struct file *file)
{
	struct address_space *m = __atomic_load_n(&file->f_mapping, __ATOMIC_ACQUIRE), *none = NULL;

	if (m)
		return m;
	m = __mapping_alloc();
	if (!m)
		return NULL;
	m->shmem = file->shmem;
	if (__atomic_compare_exchange_n(&file->f_mapping, &none, m, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return m;
	spin_lock_destroy(&m->i_pages_lock);
	destroy_rwsem(&m->i_mmap_rwsem);
	kmem_cache_free(mapping_cachep, m);
	return none;
}

void mapping_release(struct address_space *m)
{
	/* Linux truncate_inode_pages_final: reclaim stores no shadow after
	 * this (it checks the flag under i_pages_lock) */
	atomic_fetch_or(&m->flags, 1UL << AS_EXITING);
	spin_lock(&m->i_pages_lock);
	spin_unlock(&m->i_pages_lock);
	filemap_remove_range(m, 0, ~0UL);
	WARN_ON(m->nrshadows);
	if (m->shmem)
		shmem_swaplist_del(m); /* waits for swapoff to let go */
	WARN_ON(m->nrpages);
	WARN_ON(!list_empty(&m->i_mmap)); /* each VMA holds a file reference */
	destroy_rwsem(&m->i_mmap_rwsem);
	if (m->xa_root)
		xa_free_nodes(m->xa_root, m->xa_height - 1);
	spin_lock_destroy(&m->i_pages_lock);
	kmem_cache_free(mapping_cachep, m);
}

/* ------------------------------------------------------------ errors -- */

void mapping_set_error(struct address_space *m, int err)
{
	if (!err)
		return;
	errseq_set(&m->wb_err, err);
	atomic_fetch_or(&m->flags, 1UL << (err == -ENOSPC ? AS_ENOSPC : AS_EIO));
}

int filemap_check_errors(struct address_space *m)
{
	unsigned long f = atomic_fetch_and(&m->flags, ~((1UL << AS_EIO) | (1UL << AS_ENOSPC)));

	if (f & (1UL << AS_ENOSPC))
		return -ENOSPC;
	return (f & (1UL << AS_EIO)) ? -EIO : 0;
}

int file_check_and_advance_wb_err(struct file *f)
{
	struct address_space *m = f->f_mapping;
	int err = 0;

	if (errseq_check(&m->wb_err, READ_ONCE(f->f_wb_err))) {
		down_write(&f->f_pos_lock);
		err = errseq_check_and_advance(&m->wb_err, &f->f_wb_err);
		up_write(&f->f_pos_lock);
	}
	atomic_fetch_and(&m->flags, ~((1UL << AS_EIO) | (1UL << AS_ENOSPC)));
	return err;
}

/* -------------------------------------------------------------- read -- */

int filemap_read_folio(struct file *f, struct page *page)
{
	struct address_space *m = page->mapping;
	bool workingset = PageWorkingset(page);
	unsigned long pflags;
	int err;

	/* reading a refault of the working set back is a memory stall (PSI) */
	if (unlikely(workingset))
		psi_memstall_enter(&pflags);
	err = m->a_ops->read_folio(f, page); /* unlocks the page */
	if (unlikely(workingset))
		psi_memstall_leave(&pflags);
	if (!err && !PageUptodate(page))
		err = -EIO;
	if (err && f)
		f->f_ra.ra_pages /= 4; /* shrink_readahead_size_eio */
	return err;
}

/* A page the read did not find: created, read (filemap_create_folio).
 * Returns it with a reference, uptodate, or an ERR-like NULL with *err. */
static struct page *filemap_create_page(struct file *f, struct address_space *m,
					unsigned long index, int *err)
{
	struct page *page = filemap_grab_page(m, index, false);

	*err = -ENOMEM;
	if (!page)
		return NULL;
	if (PageUptodate(page)) { /* raced with another reader */
		unlock_page(page);
		*err = 0;
		return page;
	}
	*err = filemap_read_folio(f, page);
	if (*err) {
		put_page(page);
		return NULL;
	}
	return page;
}

/* The not-uptodate page found in the cache: read it under its lock
 * (filemap_update_page).  0, or -EIO. */
static int filemap_update_page(struct file *f, struct address_space *m, struct page *page)
{
	lock_page(page);
	if (page->mapping != m) {
		unlock_page(page);
		return -EAGAIN; /* truncated: look again */
	}
	if (PageUptodate(page)) {
		unlock_page(page);
		return 0;
	}
	return filemap_read_folio(f, page);
}

/* The uptodate page at index for a read wanting pages up to last_index
 * (exclusive), with readahead as Linux's filemap_get_pages does it. */
static struct page *filemap_get_read_page(struct file *f, unsigned long index,
					  unsigned long last_index, int *err)
{
	struct address_space *m = f->f_mapping;
	struct readahead_control ractl = { .file = f, .mapping = m, .ra = &f->f_ra };
	struct page *page;

	for (;;) {
		page = filemap_get_page(m, index);
		if (!page) {
			ractl._index = index;
			page_cache_sync_ra(&ractl, last_index - index);
			page = filemap_get_page(m, index);
		}
		if (!page)
			return filemap_create_page(f, m, index, err);
		if (PageReadahead(page)) {
			ractl._index = page->index;
			page_cache_async_ra(&ractl, page, last_index - page->index);
		}
		*err = PageUptodate(page) ? 0 : filemap_update_page(f, m, page);
		if (!*err)
			return page;
		put_page(page);
		if (*err != -EAGAIN)
			return NULL;
	}
}

long filemap_read(struct file *f, unsigned long ubuf, size_t len, loff_t *ppos)
{
	struct inode *inode = f->f_mapping->host;
	loff_t pos = *ppos, last_pos = f->f_ra.prev_pos;
	long done = 0;
	int err = 0;

	if (pos >= MAX_LFS_FILESIZE || !len)
		return 0;
	while (len && pos < i_size_read(inode)) {
		unsigned long index = (unsigned long)pos >> PAGE_SHIFT;
		struct page *page = filemap_get_read_page(
			f, index, DIV_ROUND_UP(pos + (loff_t)len, PAGE_SIZE), &err);
		size_t off = pos & ~PAGE_MASK, n, left;
		loff_t isize;

		if (!page)
			break;
		isize = i_size_read(inode);
		if (pos >= isize) {
			put_page(page);
			break;
		}
		n = min(min(PAGE_SIZE - off, len), (size_t)(isize - pos));
		/* every page read, but a first one the previous read ended in
		 * (Linux filemap_read: pos_same_folio) */
		if (done || (pos >> PAGE_SHIFT) != ((last_pos - 1) >> PAGE_SHIFT))
			folio_mark_accessed(page);
		left = copy_to_user(ubuf + (unsigned long)done, (u8 *)page_address(page) + off, n);
		put_page(page);
		done += (long)(n - left);
		pos += (loff_t)(n - left);
		last_pos = pos;
		len -= n - left;
		if (left) {
			err = -EFAULT;
			break;
		}
	}
	f->f_ra.prev_pos = last_pos;
	*ppos = pos;
	return done ? done : err;
}

/* Read count bytes at *pos into kernel memory (Linux kernel_read): the
 * loader's headers.  Holes of memory file systems read as zeros.  The
 * bytes read (short at EOF) or -EIO. */
long kernel_read(struct file *f, void *buf, size_t count, loff_t *pos)
{
	struct inode *inode = f->f_inode;
	long done = 0;
	int err = 0;

	/* rw_verify_area: a negative position, or one the count overflows */
	if ((ssize_t)count < 0 || *pos < 0 || (loff_t)((u64)*pos + count) < 0)
		return -EINVAL;
	while (count && *pos < i_size_read(inode)) {
		unsigned long index = (unsigned long)(*pos >> PAGE_SHIFT);
		size_t off = *pos & ~PAGE_MASK, n = min(PAGE_SIZE - off, count);
		struct page *page;

		n = min(n, (size_t)(i_size_read(inode) - *pos));
		if (f->f_mapping->a_ops && f->f_mapping->a_ops->read_folio)
			page = filemap_get_read_page(f, index, index + 1, &err);
		else
			page = filemap_get_page(f->f_mapping, index);
		if (err)
			break;
		if (page && PageUptodate(page))
			memcpy((u8 *)buf + done, (u8 *)page_address(page) + off, n);
		else
			memset((u8 *)buf + done, 0, n);
		if (page)
			put_page(page);
		done += (long)n;
		*pos += (loff_t)n;
		count -= n;
	}
	return done ? done : err;
}

/* ------------------------------------------------------------- write -- */

/* The locked page a write of len bytes at pos goes into, uptodate or about
 * to be wholly written (write_begin): a partial write of a page inside the
 * file reads it first; beyond EOF it is zeroed (*fresh: a new block, as
 * ext4's buffer_new; inside EOF the file system says, a_ops->block_new).
 * NULL with *err. */
static struct page *write_begin(struct file *f, struct address_space *m, loff_t pos, size_t len,
				bool *fresh, int *err)
{
	unsigned long index = (unsigned long)pos >> PAGE_SHIFT;
	size_t off = pos & ~PAGE_MASK;
	struct page *page;

	*fresh = false;
	for (;;) {
		page = filemap_grab_page_write(m, index);
		*err = -ENOMEM;
		if (!page)
			return NULL;
		if (m->shmem || page_offset(page) >= i_size_read(m->host)) {
			if (!PageUptodate(page)) {
				memset(page_address(page), 0, PAGE_SIZE);
				SetPageUptodate(page);
			}
			*fresh = !m->shmem;
			return page;
		}
		if (PageUptodate(page) || (off == 0 && len == PAGE_SIZE))
			goto inside;
		*err = filemap_read_folio(f, page);
		if (!*err) {
			lock_page(page);
			if (page->mapping == m && PageUptodate(page))
				goto inside;
			unlock_page(page);
		}
		put_page(page);
		if (*err)
			return NULL;
	}
inside:
	*fresh = m->a_ops->block_new && m->a_ops->block_new(m->host, page);
	return page;
}

/*
 * write_end (Linux block_write_end + ext4_da_do_write_end): copied of len
 * bytes are in.  A short copy into a page that is not uptodate counts as
 * none.  The page becomes dirty where bytes went in -- and, as ext4's
 * buffers do, even with none when the write starts inside the page or the
 * page is a fresh one (zeroed).  i_size grows to pos + copied, even for
 * none: a write past EOF whose source faults leaves the file that long.  A
 * write starting past EOF leaves a gap the file system may have to zero
 * (a_ops->write_gap: ext4 zeroes the partial blocks around it).  Returns
 * the bytes that count.
 */
static size_t write_end(struct address_space *m, struct page *page, loff_t pos, size_t len,
			size_t copied, bool fresh)
{
	struct inode *inode = m->host;
	loff_t old = i_size_read(inode);

	if (copied < len && !PageUptodate(page))
		copied = 0;
	if (copied || fresh || (pos & ~PAGE_MASK)) {
		SetPageUptodate(page);
		ClearPagePrivate(page);
		folio_mark_dirty(page);
	}
	if (pos + (loff_t)copied > old)
		i_size_write(inode, pos + (loff_t)copied);
	unlock_page(page);
	put_page(page);
	if (pos > old && m->a_ops->write_gap)
		m->a_ops->write_gap(inode, old, pos);
	return copied;
}

/*
 * The source's next n bytes, done bytes in, into a locked page at dst:
 * kernel memory at kbuf (kernel_write: cannot fault) or user memory at
 * ubuf, copied with page faults disabled (the source may be a mapping of
 * this very page, whose fault would take its lock).  Returns the bytes
 * copied, short at an address that would fault.
 */
static size_t write_copy_in(void *dst, unsigned long ubuf, const void *kbuf, long done, size_t n)
{
	size_t left;

	if (kbuf) {
		memcpy(dst, (const u8 *)kbuf + done, n);
		return n;
	}
	pagefault_disable();
	left = copy_from_user(dst, ubuf + (unsigned long)done, n);
	pagefault_enable();
	return n - left;
}

/*
 * generic_perform_write (Linux 6.18): page by page, the page first, then an
 * atomic copy from the source (write_copy_in); when nothing could be copied
 * from user memory the source is faulted in with the page unlocked and the
 * page tried again, -EFAULT if it cannot be.  kbuf non-NULL: the source is
 * kernel memory (kernel_write), ubuf unused.
 */
static long perform_write(struct file *f, unsigned long ubuf, const void *kbuf, size_t len,
			  loff_t pos)
{
	struct address_space *m = f->f_mapping;
	long written = 0;
	int err = 0;

	while (len) {
		size_t off = pos & ~PAGE_MASK, bytes = min(PAGE_SIZE - off, len), copied, status;
		struct page *page;
		bool fresh;

		balance_dirty_pages_ratelimited(m);
		page = write_begin(f, m, pos, bytes, &fresh, &err);
		if (!page)
			break;
		copied = write_copy_in((u8 *)page_address(page) + off, ubuf, kbuf, written, bytes);
		status = write_end(m, page, pos, bytes, copied, fresh);
		if (!status) {
			if (kbuf ||
			    fault_in_readable(ubuf + (unsigned long)written, bytes) == bytes) {
				err = -EFAULT;
				break;
			}
			continue;
		}
		pos += (loff_t)status;
		written += (long)status;
		len -= status;
	}
	return written ? written : err;
}

long generic_perform_write(struct file *f, unsigned long ubuf, size_t len, loff_t pos)
{
	return perform_write(f, ubuf, NULL, len, pos);
}

/* generic_write_checks + generic_write_check_limits: O_APPEND, the count
 * clipped to RLIMIT_FSIZE and the maximum file size.  1: write *len bytes
 * at *pos; 0: nothing to write; -EFBIG. */
static long generic_write_checks(struct file *f, loff_t *pos, size_t *len)
{
	unsigned long limit = rlimit(RLIMIT_FSIZE);

	if (f->f_inode && f->f_inode->i_swapfile)
		return -ETXTBSY; /* an active swap area */
	if (f->f_flags & MMK_O_APPEND)
		*pos = i_size_read(f->f_inode);
	if (!*len)
		return 0;
	if (limit != RLIM_INFINITY) {
		if (*pos >= (loff_t)limit)
			return -EFBIG; /* Linux also sends SIGXFSZ */
		*len = min(*len, (size_t)((loff_t)limit - *pos));
	}
	if (*pos >= MAX_LFS_FILESIZE)
		return -EFBIG;
	*len = min(*len, (size_t)(MAX_LFS_FILESIZE - *pos));
	return 1;
}

/* generic_file_write of a user (ubuf) or kernel (kbuf) source. */
static long file_write(struct file *f, unsigned long ubuf, const void *kbuf, size_t len,
		       loff_t *ppos)
{
	struct inode *inode = f->f_inode;
	loff_t pos = *ppos;
	long ret;

	inode_lock(inode);
	ret = generic_write_checks(f, &pos, &len);
	if (ret > 0)
		ret = perform_write(f, ubuf, kbuf, len, pos);
	inode_unlock(inode);
	if (ret > 0) {
		*ppos = pos + ret;
		if (f->f_flags & (MMK_O_DSYNC | MMK_O_SYNC)) {
			int err = f->f_op->fsync ?
					  f->f_op->fsync(f, pos, pos + ret - 1,
							 (f->f_flags & MMK_O_SYNC) != MMK_O_SYNC) :
					  0; /* generic_write_sync */

			if (err)
				ret = err;
		}
	}
	return ret;
}

long generic_file_write(struct file *f, unsigned long ubuf, size_t len, loff_t *ppos)
{
	return file_write(f, ubuf, NULL, len, ppos);
}

long kernel_write(struct file *f, const void *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (f->f_op->write != generic_file_write)
		return -EINVAL;
	if (*pos < 0 || count > (size_t)MAX_RW_COUNT)
		return -EINVAL;
	return file_write(f, 0, buf, count, pos);
}

/* ------------------------------------------------------------- fault -- */

unsigned long fault_around_bytes = 65536;

static unsigned long file_max_index(const struct address_space *m)
{
	return m->host ? (unsigned long)DIV_ROUND_UP(i_size_read(m->host), PAGE_SIZE) : ~0UL;
}

/* Linux maybe_unlock_mmap_for_io: before waiting for I/O, a fault that may
 * be retried drops mmap_lock, pinning the file (the VMA may go meanwhile);
 * it then returns VM_FAULT_RETRY and is redone with FAULT_FLAG_TRIED. */
static struct file *maybe_unlock_mmap_for_io(struct vm_fault *vmf, struct file *fpin)
{
	if (fpin)
		return fpin;
	if (fault_flag_allow_retry_first(vmf->flags) && !(vmf->flags & FAULT_FLAG_RETRY_NOWAIT)) {
		fpin = get_file(vmf->vma->vm_file);
		release_fault_lock(vmf);
	}
	return fpin;
}

/* Linux do_sync_mmap_readahead: no page at the fault.  mmap read-around:
 * ra_pages centred on the fault (text: ra_pages from the fault on, inside
 * the VMA), unless the VMA says random (no readahead; not for text) or
 * sequential (a plain sync readahead), or the file's mmap faults have
 * mostly missed (mmap_miss over MMAP_LOTSAMISS).  Returns the pinned file
 * if mmap_lock was dropped for the I/O. */
#define MMAP_LOTSAMISS 100
static struct file *do_sync_mmap_readahead(struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file, *fpin = NULL;
	struct file_ra_state *ra = &f->f_ra;
	struct readahead_control ractl = {
		.file = f, .mapping = f->f_mapping, .ra = ra, ._index = vmf->pgoff
	};
	unsigned long vm_flags = vmf->vma->vm_flags;

	if ((vm_flags & (VM_RAND_READ | VM_EXEC)) == VM_RAND_READ || !ra->ra_pages)
		return NULL;
	if (vm_flags & VM_SEQ_READ) {
		fpin = maybe_unlock_mmap_for_io(vmf, fpin);
		page_cache_sync_ra(&ractl, ra->ra_pages);
		return fpin;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return NULL;
	if (vm_flags & VM_EXEC) {
		/* text: from the fault on, inside the VMA, no async part
		 * (exec_folio_order() is 0 on x86) */
		unsigned long end = vmf->vma->vm_pgoff + vma_pages(vmf->vma);

		ra->start = max(vmf->pgoff, vmf->vma->vm_pgoff);
		ra->size = min(ra->start + ra->ra_pages, end) - ra->start;
		ra->async_size = 0;
	} else { /* mmap read-around */
		ra->start = vmf->pgoff > ra->ra_pages / 2 ? vmf->pgoff - ra->ra_pages / 2 : 0;
		ra->size = ra->ra_pages;
		ra->async_size = ra->ra_pages / 4;
	}
	fpin = maybe_unlock_mmap_for_io(vmf, fpin); /* the VMA is not used after this */
	ractl._index = ra->start;
	ra_submit(ra, &ractl);
	return fpin;
}

/* Linux do_async_mmap_readahead: the page was cached; at its PG_readahead
 * mark the next window starts (mmap_lock dropped for it, as above). */
static struct file *do_async_mmap_readahead(struct vm_fault *vmf, struct page *page)
{
	struct file *f = vmf->vma->vm_file, *fpin = NULL;
	struct file_ra_state *ra = &f->f_ra;
	struct readahead_control ractl = {
		.file = f, .mapping = f->f_mapping, .ra = ra, ._index = vmf->pgoff
	};

	if ((vmf->vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return NULL;
	if (ra->mmap_miss)
		ra->mmap_miss--;
	if (PageReadahead(page)) {
		fpin = maybe_unlock_mmap_for_io(vmf, fpin);
		page_cache_async_ra(&ractl, page, ra->ra_pages);
	}
	return fpin;
}

/* Linux lock_folio_maybe_drop_mmap: a page another task holds locked (its
 * I/O) is waited for without mmap_lock when the fault may be retried. */
static void lock_page_maybe_drop_mmap(struct vm_fault *vmf, struct page *page, struct file **fpin)
{
	if (trylock_page(page))
		return;
	*fpin = maybe_unlock_mmap_for_io(vmf, *fpin);
	lock_page(page);
}

/*
 * filemap_fault - the page of a fault in a file mapping (Linux
 * mm/filemap.c).  Caller holds mmap_lock (read).  A page wholly past EOF is
 * VM_FAULT_SIGBUS.  A cached page may start async readahead; a missing one
 * counts a major fault (pgmajfault, VM_FAULT_MAJOR) and is read with the
 * read-around window.  A page that stays not uptodate after a read is read
 * once more alone, then VM_FAULT_SIGBUS (an I/O error).  Where it waits for
 * I/O a first attempt that may be retried drops mmap_lock and returns
 * VM_FAULT_RETRY once the I/O is done (nothing mapped; the retry finds the
 * page cached, and fault-around maps its neighbours too).  Else it returns
 * the page locked with a reference (VM_FAULT_LOCKED), or VM_FAULT_OOM/SIGBUS.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file, *fpin = NULL;
	struct address_space *m = f->f_mapping;
	unsigned long index = vmf->pgoff;
	vm_fault_t ret = 0;
	struct page *page;

	mmap_assert_locked(vmf->vma->vm_mm);
	if (index >= file_max_index(m))
		return VM_FAULT_SIGBUS;
	page = filemap_get_page(m, index);
	if (page) {
		if (!(vmf->flags & FAULT_FLAG_TRIED))
			fpin = do_async_mmap_readahead(vmf, page);
	} else {
		count_vm_event(PGMAJFAULT);
		ret = VM_FAULT_MAJOR;
		fpin = do_sync_mmap_readahead(vmf);
	}
	for (;;) {
		if (!page) {
			page = filemap_grab_page(m, index, false);
			if (!page) {
				if (fpin)
					goto out_retry;
				return VM_FAULT_OOM;
			}
		} else {
			lock_page_maybe_drop_mmap(vmf, page, &fpin);
		}
		if (unlikely(page->mapping != m)) { /* truncated */
			unlock_page(page);
			put_page(page);
			page = NULL;
			continue;
		}
		if (likely(PageUptodate(page)))
			break;
		/* page_not_uptodate: read it once more, alone */
		fpin = maybe_unlock_mmap_for_io(vmf, fpin);
		if (filemap_read_folio(f, page) && !fpin) {
			put_page(page);
			return VM_FAULT_SIGBUS;
		}
		if (fpin)
			goto out_retry;
	}
	if (fpin) {
		unlock_page(page);
		goto out_retry;
	}
	if (unlikely(index >= file_max_index(m))) {
		unlock_page(page);
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret | VM_FAULT_LOCKED;
out_retry:
	if (page)
		put_page(page);
	fput(fpin);
	return ret | VM_FAULT_RETRY;
}

/* A cached page fault-around may map: uptodate, no readahead mark, not
 * locked (it is trylocked here), still the file's, inside EOF.  Returns it
 * locked, else drops the caller's reference and returns NULL. */
static struct page *next_uptodate_page(struct page *page, struct address_space *m,
				       unsigned long max_idx)
{
	if (!PageUptodate(page) || PageReadahead(page) || !trylock_page(page))
		goto skip;
	if (page->mapping != m || !PageUptodate(page) || page->index >= max_idx) {
		unlock_page(page);
		goto skip;
	}
	return page;
skip:
	put_page(page);
	return NULL;
}

/* Map the pages of pages[0..n) into empty PTEs (PTE table locked); the
 * page references become the PTEs'.  Returns VM_FAULT_NOPAGE if the
 * faulting address got one. */
static vm_fault_t map_pages_locked(struct vm_fault *vmf, ptep_t pte0, unsigned long start_pgoff,
				   struct page **pages, unsigned int n, unsigned long *rss,
				   unsigned int *mmap_miss)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long base = vma->vm_start + ((start_pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	vm_fault_t ret = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct page *page = pages[i];
		unsigned long addr = base + ((page->index - start_pgoff) << PAGE_SHIFT);
		ptep_t pte = ptep_add(pte0, page->index - start_pgoff);

		(*mmap_miss)++;
		if (pte_none(ptep_get(pte))) {
			folio_add_file_rmap_pte(page, vma);
			set_pte_at(vma->vm_mm, addr, pte, mk_pte(page, vma->vm_page_prot));
			(*rss)++;
			if (addr == vmf->address)
				ret = VM_FAULT_NOPAGE;
			page = NULL; /* the PTE's reference */
		}
		unlock_page(pages[i]);
		if (page)
			put_page(page);
	}
	return ret;
}

/* Unlock and release pages[0..n) (next_uptodate_page's references). */
static void release_pages_locked(struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		unlock_page(pages[i]);
		put_page(pages[i]);
	}
}

/*
 * The PTE table fault-around maps into (the caller holds mmap_lock; first is
 * the first page found, locked).  Linux installs a missing table only when
 * the first folio ends inside i_size (can_map_large: file_end >=
 * folio_next_index), shmem excepted; otherwise it maps nothing and the
 * fault goes on to ->fault.  So a fault-around whose first cached page is
 * the one holding EOF maps nothing where the PMD had no table, and maps
 * every cached page up to EOF where it had one (6.18.y, "do not populate
 * page table entries beyond i_size").  Returns true with the table present;
 * false (with *ret VM_FAULT_OOM if the allocation failed) to map nothing.
 */
static bool fault_around_table(struct vm_fault *vmf, const struct address_space *m,
			       const struct page *first, unsigned long max_idx, vm_fault_t *ret)
{
	if (!pmd_none(pmdp_get(vmf->pmd)))
		return true;
	if (!m->shmem && first->index + 1 >= max_idx)
		return false;
	if (pte_alloc(vmf->vma->vm_mm, vmf->pmd)) {
		*ret |= VM_FAULT_OOM;
		return false;
	}
	return true;
}

/*
 * filemap_map_pages - fault-around (Linux mm/filemap.c): map every cached,
 * uptodate, unlocked page of [start_pgoff, end_pgoff] (inside the VMA and
 * the PTE table, see do_fault_around) whose PTE is empty, read-only as the
 * VMA's protection says.  Caller holds mmap_lock; a missing PTE table is
 * installed as fault_around_table says.  Returns VM_FAULT_NOPAGE when the
 * faulting address was mapped, VM_FAULT_OOM if the table could not be.
 */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct file *f = vma->vm_file;
	struct address_space *m = f->f_mapping;
	unsigned long max_idx = file_max_index(m), next = start_pgoff, rss = 0;
	unsigned int mmap_miss = 0, saved;
	struct page *pages[16], *any = NULL;
	vm_fault_t ret = 0;

	mmap_assert_locked(vma->vm_mm);
	while (next <= end_pgoff) {
		unsigned int got, n = 0, i;
		ptep_t pte0;
		ptlock_t *ptl;

		got = filemap_get_pages_range(m, &next, end_pgoff, pages, 16);
		if (!got)
			break;
		if (got < 16)
			next = end_pgoff + 1; /* the last batch (end_pgoff < ~0UL) */
		for (i = 0; i < got; i++) {
			struct page *page = next_uptodate_page(pages[i], m, max_idx);

			if (page)
				pages[n++] = any = page;
		}
		if (!n)
			continue;
		if (!fault_around_table(vmf, m, pages[0], max_idx, &ret)) {
			release_pages_locked(pages, n);
			break;
		}
		pte0 = pte_offset_map_lock(
			vma->vm_mm, vmf->pmd,
			vma->vm_start + ((start_pgoff - vma->vm_pgoff) << PAGE_SHIFT), &ptl);
		ret |= map_pages_locked(vmf, pte0, start_pgoff, pages, n, &rss, &mmap_miss);
		pte_unmap_unlock(pte0, ptl);
	}
	if (any && rss)
		add_mm_counter(vma->vm_mm, m->shmem ? MM_SHMEMPAGES : MM_FILEPAGES, (long)rss);
	saved = READ_ONCE(f->f_ra.mmap_miss);
	WRITE_ONCE(f->f_ra.mmap_miss, mmap_miss >= saved ? 0 : saved - mmap_miss);
	return ret;
}

/* A shared writable mapping's page is about to be written (write-notify):
 * it becomes dirty (Linux filemap_page_mkwrite; writeback write-protects it
 * again).  Returns VM_FAULT_LOCKED with the page locked, or VM_FAULT_NOPAGE
 * if truncation took it. */
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct address_space *m = vmf->vma->vm_file->f_mapping;

	lock_page(page);
	if (page->mapping != m || page->index >= file_max_index(m)) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	folio_mark_dirty(page);
	return VM_FAULT_LOCKED;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = filemap_page_mkwrite,
};

int generic_file_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f;
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}

/* ------------------------------------------- identity-only files -- */

/* The page at vmf->pgoff of mapping, created zero-filled if missing (an
 * identity-only file's or an imported shm object's).  0 with vmf->page (a
 * reference) or VM_FAULT_OOM. */
vm_fault_t filemap_get_or_create(struct address_space *m, struct vm_fault *vmf)
{
	struct page *page = filemap_get_page(m, vmf->pgoff);

	if (page) {
		vmf->page = page;
		return 0;
	}
	page = filemap_grab_page(m, vmf->pgoff, true);
	if (!page)
		return VM_FAULT_OOM;
	if (!PageUptodate(page))
		SetPageUptodate(page); /* zeroed at allocation */
	unlock_page(page);
	vmf->page = page;
	return 0;
}

/* The fault of an identity-only file: zeroed pages, no end. */
vm_fault_t identity_file_fault(struct vm_fault *vmf)
{
	struct address_space *m = file_mapping(vmf->vma->vm_file);

	if (!m)
		return VM_FAULT_OOM;
	return filemap_get_or_create(m, vmf);
}
