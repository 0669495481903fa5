/*
 * filemap.c - the page cache (Linux mm/filemap.c, lib/xarray.c at the level
 * mmkit needs): each file's pages indexed by page offset, and the fault
 * handler of file-backed VMAs.
 *
 * The index (i_pages) is a radix tree of 64-way nodes, as the xarray's: a
 * tree of height h covers offsets below 64^h; it grows at the top when a
 * larger offset is stored and is freed with the mapping.  A page in the
 * cache holds one reference for it, points back with page->mapping and
 * page->index, and counts in NR_FILE_PAGES (meminfo Cached) and, for shmem,
 * NR_SHMEM.  i_pages_lock guards the tree; it is never held across a TLB
 * shootdown or an allocation: a store that needs a new tree node drops the
 * lock, allocates the node and retries (Linux xas_nomem).
 *
 * Files other than shmem objects are identities only (nothing is opened):
 * their pages read as zeros until the page-cache work gives files content;
 * they have no size, so no offset is beyond their end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/slab.h"
#include "mmkit/wait.h"

#define XA_SHIFT 6
#define XA_SLOTS (1U << XA_SHIFT)

struct xa_node {
	void *slots[XA_SLOTS];
};

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
	if (should_fail(&xa_node_fail))
		return NULL;
	return kmem_cache_zalloc(radix_tree_node_cachep, GFP_KERNEL);
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
		if (!*spare)
			return NULL;
		node = *spare;
		*spare = NULL;
		node->slots[0] = m->xa_root;
		m->xa_root = node;
		m->xa_height++;
	}
	node = m->xa_root;
	for (level = m->xa_height - 1; level > 0; level--) {
		void **slot = &node->slots[xa_slot(index, level)];

		if (!*slot) {
			if (!*spare)
				return NULL;
			*slot = *spare;
			*spare = NULL;
		}
		node = *slot;
	}
	return &node->slots[xa_slot(index, 0)];
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
	kmem_cache_free(radix_tree_node_cachep, node);
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
	if (page)
		get_page(page);
	spin_unlock(&m->i_pages_lock);
	return page;
}

int filemap_add_page(struct address_space *m, struct page *page, unsigned long index)
{
	struct xa_node *spare = NULL;
	void **slot;
	int err = 0;

	for (;;) {
		spin_lock(&m->i_pages_lock);
		slot = xa_create_slot(m, index, &spare);
		if (slot)
			break;
		spin_unlock(&m->i_pages_lock);
		spare = xa_node_alloc();      /* outside the lock (Linux xas_nomem) */
		if (!spare)
			return -ENOMEM;
	}
	if (*slot)
		err = -EEXIST;
	if (!err) {
		get_page(page);
		page->mapping = m;
		page->index = index;
		if (m->shmem)
			SetPageSwapBacked(page);
		SetPageUptodate(page);
		*slot = page;
		m->nrpages++;
		pagecache_account(m, page, 1);
	}
	spin_unlock(&m->i_pages_lock);
	if (spare)                            /* another CPU grew the tree meanwhile */
		kmem_cache_free(radix_tree_node_cachep, spare);
	return err;
}

#ifdef CONFIG_LOCKDEP
struct lockdep_map page_lock_dep_map = LOCKDEP_MAP_INIT("PG_locked", IPI_ALL);
#endif

static bool page_try(void *page)
{
	return !(atomic_fetch_or_explicit(&((struct page *)page)->flags, 1UL << PG_locked,
					  memory_order_acquire) & (1UL << PG_locked));
}

/* A sleeping lock: its waiter serves every IPI. */
static const struct wait_ops page_lock_wait = { .done = page_try, .spins = 16 };

void __lock_page(struct page *page)
{
#ifdef CONFIG_LOCKDEP
	lock_acquire(page, &page_lock_dep_map, false, false);
#endif
	if (!page_try(page))
		wait_until(&page_lock_wait, page, IPI_ALL);
}

/* The first page of the cache with start <= index < end, or NULL. */
static struct page *xa_find(struct xa_node *node, unsigned int level, unsigned long base,
			    unsigned long start, unsigned long end)
{
	unsigned long span = 1UL << (XA_SHIFT * level);
	unsigned int i;

	for (i = 0; i < XA_SLOTS; i++) {
		unsigned long lo = base + i * span;
		struct page *page;

		if (!node->slots[i] || (span && lo >= end) || (span && lo + span <= start))
			continue;
		if (level == 0)
			return node->slots[i];
		page = xa_find(node->slots[i], level - 1, lo, start, end);
		if (page)
			return page;
	}
	return NULL;
}

/* Take a locked page out of the cache (Linux truncate_inode_folio), first
 * unmapping it where a fault mapped it after the caller's unmap (Linux
 * truncate_cleanup_folio; COW copies stay).  Not if it left already. */
void truncate_inode_page(struct address_space *m, struct page *page)
{
	if (page->mapping != m)
		return;
	if (page_mapcount(page) > 0)
		unmap_mapping_pages(m, page->index, 1);
	spin_lock(&m->i_pages_lock);
	*xa_lookup_slot(m, page->index) = NULL;      /* the page is in it */
	m->nrpages--;
	pagecache_account(m, page, -1);
	page->mapping = NULL;
	ClearPageDirty(page);
	ClearPageUptodate(page);
	ClearPageSwapBacked(page);
	spin_unlock(&m->i_pages_lock);
	put_page(page);                              /* the cache's reference */
}

void filemap_remove_range(struct address_space *m, unsigned long start, unsigned long end)
{
	while (start < end) {
		struct page *page = NULL;

		spin_lock(&m->i_pages_lock);
		if (m->xa_root)
			page = xa_find(m->xa_root, m->xa_height - 1, 0, start, end);
		if (page)
			get_page(page);
		spin_unlock(&m->i_pages_lock);
		if (!page)
			return;
		start = page->index + 1;
		lock_page(page);
		truncate_inode_page(m, page);
		unlock_page(page);
		put_page(page);
	}
}

struct address_space *file_mapping(struct file *file)
{
	struct address_space *m = __atomic_load_n(&file->f_mapping, __ATOMIC_ACQUIRE), *none = NULL;

	if (m)
		return m;
	if (should_fail(&mapping_fail))
		return NULL;
	m = kmem_cache_zalloc(mapping_cachep, GFP_KERNEL);
	if (!m)
		return NULL;
	spin_lock_init(&m->i_pages_lock);
	init_rwsem(&m->i_mmap_rwsem);
	INIT_LIST_HEAD(&m->i_mmap);
	m->shmem = file->shmem;
	m->host = file;
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
	filemap_remove_range(m, 0, ~0UL);
	WARN_ON(m->nrpages);
	WARN_ON(!list_empty(&m->i_mmap));     /* each VMA holds a file reference */
	destroy_rwsem(&m->i_mmap_rwsem);
	if (m->xa_root)
		xa_free_nodes(m->xa_root, m->xa_height - 1);
	spin_lock_destroy(&m->i_pages_lock);
	kmem_cache_free(mapping_cachep, m);
}

/* ------------------------------------------------------------ fault -- */

/* The page at vmf->pgoff of mapping, created zero-filled if missing.
 * 0 with vmf->page (a reference) or VM_FAULT_OOM. */
vm_fault_t filemap_get_or_create(struct address_space *m, struct vm_fault *vmf)
{
	for (;;) {
		struct page *page = filemap_get_page(m, vmf->pgoff);
		int err;

		if (page) {
			vmf->page = page;
			return 0;
		}
		if (should_fail(&pagecache_fail))
			return VM_FAULT_OOM;
		page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		if (!page)
			return VM_FAULT_OOM;
		err = filemap_add_page(m, page, vmf->pgoff);
		if (!err) {
			vmf->page = page;
			return 0;
		}
		put_page(page);
		if (err != -EEXIST)
			return VM_FAULT_OOM;
	}
}

vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct address_space *m = file_mapping(vmf->vma->vm_file);

	if (!m)
		return VM_FAULT_OOM;
	return filemap_get_or_create(m, vmf);
}
