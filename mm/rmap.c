/*
 * rmap.c - reverse mapping of anonymous pages (Linux mm/rmap.c): anon_vma
 * objects, the anon_vma_chain links between VMAs and anon_vmas, the page
 * side (mapcount, page->mapping/index, PageAnonExclusive, NR_ANON_MAPPED)
 * and rmap_walk_anon, which finds every PTE that may map an anonymous page.
 *
 * The structure is Linux's: each VMA with anonymous pages has its own
 * anon_vma (vma->anon_vma) and a chain of anon_vma_chain links to every
 * anon_vma whose pages it may map (its own and its fork ancestors'); each
 * anon_vma lists the links that point to it (avc_list: Linux keeps an
 * interval tree keyed by pgoff, mmkit a list that the walk filters by
 * pgoff).  A page faulted in a VMA points to that VMA's anon_vma, so the
 * walk visits exactly the VMAs of the processes that share it by fork.
 *
 * anon_vma lifetime: refcount counts the chain links that point to it plus
 * one for every child anon_vma rooted in it (the root reference of
 * anon_vma_fork); the last put frees it.  Pages hold no reference: every
 * page is unmapped (zapped) before its VMA's links are dropped.
 *
 * The lock order of mmkit is the tree below, mm_lock_order: a lock may be
 * taken while holding the locks above it on its path (a name listed again
 * elsewhere brings its subtree along).  It is code, not only a comment: in
 * debug builds the lock validator (machine/lockdep.c) checks every nesting
 * against it and reports one the tree orders the other way, one it does
 * not list, and a lock class missing from it.  Names are the validator's
 * class names (the expression each lock is initialised with).
 *
 * A TLB shootdown (an irq-safe IPI) may be sent with mmap_lock, a page
 * lock, i_mmap_rwsem, anon_vma or PTE locks held (their waiters serve it),
 * never with a lock whose waiters serve no IPIs (slab_lock); no other IPI
 * (pcp drain, slab flush) is sent with any spinlock held.  The validator
 * checks both.
 */
#include <errno.h>
#include "mmkit/pagewalk.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"

const char mm_lock_order[] =
	"softirq_sem                    timer callbacks and work items (the flushers' writeback)\n"
	"  f->f_pos_lock\n"
	"  inode->i_rwsem\n"
	"  mm->mmap_lock\n"
	"  namespace_sem\n"
	"  bdi_lock\n"
	"  timer_lock\n"
	"  work_lock\n"
	"  psi_avgs_lock                (the PSI averaging work)\n"
	"namespace_sem                  the dentry tree, the mounts and the super blocks\n"
	"  inode->i_rwsem\n"
	"  sb->s_inode_list_lock\n"
	"  shmem_swaplist_lock          (an unmounted tmpfs evicts its inodes)\n"
	"  bdev_lock\n"
	"  bdi_lock\n"
	"bdev_lock                      the block devices\n"
	"bdi_lock                       the backing devices (bdi_list)\n"
	"  timer_lock                   the armed timers (a bdi's flusher armed or stopped)\n"
	"  work_lock                    the queued work items\n"
	"f->f_pos_lock                  a file's position (fdget_pos: read, write, lseek)\n"
	"  inode->i_rwsem               a file's size and data (write, truncate, fallocate)\n"
	"    mm->mmap_lock              (write's fault on the user buffer: Linux's order)\n"
	"    vmap_area_lock             (swapon's swap_map and cluster array, vzalloc'd)\n"
	"    init_mm.page_table_lock\n"
	"    shmem_swaplist_lock        (a shmem inode evicted: off the swap list)\n"
	"  pipe->lock                   (read and write of a pipe)\n"
	"pipe->lock                     a pipe's ring and its reader/writer counts (fs/pipe.c)\n"
	"  uproc_lock                   (a reader or writer of a pipe blocks on it)\n"
	"uproc_lock                     real programs' threads and processes (kernel/sched_user.c)\n"
	"mm->mmap_lock                  the VMAs of an mm (percpu rwsem, waiters serve every IPI)\n"
	"  oom_lock                     (a fault's allocation runs the OOM killer)\n"
	"  PG_locked                    page lock: a page-cache page between fault and truncation\n"
	"    oom_lock\n"
	"    m->i_mmap_rwsem            a file's VMAs (mapping->i_mmap_rwsem; mremap's move)\n"
	"      av->rwsem                anon_vma->root->rwsem: the avc lists of an anon_vma tree\n"
	"        mm->page_table_lock    vma->anon_vma, page-table population\n"
	"        ptlock                 split PTE lock (pte_offset_map_lock)\n"
	"          lruvec->lru_lock     the LRU lists: a page's last put_page, mlock (a leaf)\n"
	"          m->i_pages_lock      mincore's page-cache lookup of an unmapped page\n"
	"          zone->lock           GFP_NOWAIT batch pages of an mmu_gather\n"
	"          ci->lock             swap_duplicate (fork), free_swap_and_cache (zap)\n"
	"    anon_vma_free_lock         reclaim's rmap walk takes its anon_vma reference\n"
	"    shrinker_lock              direct reclaim's shrink_slab (an allocation's reclaim)\n"
	"    m->i_pages_lock            a file's page cache (mapping->i_pages_lock)\n"
	"      lruvec->lru_lock\n"
	"      shadow_nodes_lock        the page-cache leaves holding only shadows (workingset)\n"
	"      barn->lock               (a tree node left without entries is freed: xa_delete_node)\n"
	"      n->list_lock\n"
	"      zone->lock               (its slab's page freed)\n"
	"    wb->list_lock              a bdi's dirty inodes (writeback, folio_account_dirtied)\n"
	"    b->bd_lock                 a block device's queue (submit_bio under a page lock)\n"
	"      lruvec->lru_lock         (a write's end rotates the page: folio_rotate_reclaimable)\n"
	"    blk_pending_lock           the in-flight requests (submit_bio; a page-lock waiter completes them)\n"
	"      lruvec->lru_lock\n"
	"    timer_lock                 (the first dirty page arms its bdi's flusher)\n"
	"    bdi_lock                   (a locked page's allocation reclaims: wakeup_flusher_threads)\n"
	"    n->list_lock               (a page-cache tree node allocated for a locked page)\n"
	"    barn->lock\n"
	"    shmem_swaplist_lock        (shmem_writeout puts its mapping on the swap list)\n"
	"    si->global_cluster_lock    add_to_swap's slot of a rotational area\n"
	"    ci->lock                   add_to_swap, folio_free_swap of a locked page\n"
	"  sb->s_inode_list_lock        a superblock's inodes (a shmem/file inode made by mmap)\n"
	"  shmem_swaplist_lock          (munmap's last reference to a shmem inode evicts it)\n"
	"  n->list_lock                 kmalloc and kfree under mmap_lock\n"
	"  barn->lock\n"
	"swapon_mutex                   swapon and swapoff against each other\n"
	"  shmem_swaplist_lock          the shmem mappings with swap entries (swapoff)\n"
	"    m->i_pages_lock            (verify reads the listed mappings' swap entries)\n"
	"  vmap_area_lock               (swapoff frees the swap_map)\n"
	"  n->list_lock\n"
	"  barn->lock\n"
	"  mm->mmap_lock                swapoff's try_to_unuse, every mm in turn\n"
	"  swap_lock                    swap_info[], the active list, priorities\n"
	"    si->lock                   an area's cluster lists, flags, inuse_pages\n"
	"      swap_avail_lock          the areas with free slots, by priority\n"
	"si->global_cluster_lock        a rotational area's next slot (one order)\n"
	"  ci->lock                     a cluster's swap_map bytes and swap table (swap cache)\n"
	"    lruvec->lru_lock           (a swap-cache page's last reference)\n"
	"    si->cont_lock              swap count continuation pages\n"
	"    table_pool_lock            the spare swap tables\n"
	"    zone->lock                 (a freed cluster's swap table page, a cache page freed)\n"
	"    si->lock\n"
	"files->file_lock               a task's descriptor table (a leaf)\n"
	"shrinker_lock                  the registered shrinkers (a leaf)\n"
	"psi_avgs_lock                  the PSI totals and averages (a leaf)\n"
	"mm->mmap_lock\n"
	"  anon_vma_free_lock           (munmap's last reference to an anon_vma)\n"
	"init_mm.page_table_lock        kernel page-table population\n"
	"  pgd_lock                     pgd_list: new kernel top-level entries copied to every pgd\n"
	"slab_mutex                     the cache list (kmem_cache_create/destroy)\n"
	"  barn->lock                   a node's full and empty sheaves (never with list_lock)\n"
	"    slab_lock                  (verify's check of the objects in sheaves)\n"
	"  n->list_lock                 a node's partial and full slabs\n"
	"    slab_lock                  a slab's freelist (PG_locked of its head, interrupts off)\n"
	"  zone->lock                   the buddy free lists\n"
	"vmap_area_lock                 vmalloc's busy areas\n"
	"  purge_vmap_area_lock         vmalloc's parked areas (the three nest in verify only)\n"
	"    free_vmap_area_lock        vmalloc's free areas\n"
	"      n->list_lock             kfree of a vmap_area\n"
	"      zone->lock\n"
	"oom_lock                       the OOM killer's decision (a trylock: no lock is ordered before it)\n"
	"  zone->lock                   (the last try at the high watermark)\n"
	"  tasklist_lock                (the walks of the tasks)\n"
	"  oom_reaper_lock\n"
	"  uproc_lock                   (a killed real program's blocked thread is woken)\n"
	"oom_reaper_lock                the OOM reaper's queue and deferred drops (a leaf)\n"
	"mmlist_lock                    every mm (init_mm.mmlist)\n"
	"tasklist_lock                  every task\n"
	"  sig->siglock                 a thread group's thread list (Linux sighand->siglock)\n"
	"kmap_lock                      the pkmap slots (32-bit modes)\n"
	"init_mm.mmap_lock              init_mm's VMAs (none)\n";

#ifdef CONFIG_LOCKDEP
__attribute__((constructor)) static void mm_lock_order_load(void)
{
	lockdep_load_order(mm_lock_order, "mm/rmap.c");
}
#endif

static DEFINE_FAULT_SITE(anon_vma_alloc_fail, "anon_vma_alloc");
static DEFINE_FAULT_SITE(avc_alloc_fail, "anon_vma_chain_alloc");
static _Atomic unsigned long anon_vma_serial;

/* ---------------------------------------------------------- objects -- */

static struct kmem_cache *anon_vma_cachep, *anon_vma_chain_cachep;

static int rmap_caches_init(void)
{
	anon_vma_cachep = kmem_cache_create("anon_vma", sizeof(struct anon_vma), 0,
					    SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, NULL);
	anon_vma_chain_cachep = kmem_cache_create("anon_vma_chain", sizeof(struct anon_vma_chain),
						  0, SLAB_ACCOUNT, NULL);
	return anon_vma_cachep && anon_vma_chain_cachep ? 0 : -ENOMEM;
}

static void rmap_caches_exit(void)
{
	if (anon_vma_chain_cachep)
		kmem_cache_destroy(anon_vma_chain_cachep);
	if (anon_vma_cachep)
		kmem_cache_destroy(anon_vma_cachep);
	anon_vma_cachep = anon_vma_chain_cachep = NULL;
}
mmk_initcall(INIT_MM, rmap_caches_init, rmap_caches_exit);

/* From the "anon_vma" cache (Linux anon_vma_cachep); NULL on -ENOMEM. */
static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av;

	if (should_fail(&anon_vma_alloc_fail))
		return NULL;
	av = kmem_cache_zalloc(anon_vma_cachep, GFP_KERNEL);
	if (!av)
		return NULL;
	init_rwsem(&av->rwsem);
	av->root = av;
	atomic_store(&av->refcount, 1);
	INIT_LIST_HEAD(&av->avc_list);
	av->id = atomic_fetch_add(&anon_vma_serial, 1) + 1;
	return av;
}

static void anon_vma_free(struct anon_vma *av)
{
	destroy_rwsem(&av->rwsem);
	kmem_cache_free(anon_vma_cachep, av);
}

/*
 * An rmap walk of a page that no held mm pins (reclaim's) reads
 * page->mapping and takes a reference on that anon_vma while the page is
 * still mapped, under anon_vma_free_lock; the last put of an anon_vma takes
 * and drops that lock before freeing it, so the walker either got its
 * reference first or sees the count at 0 and gives up (Linux does the same
 * with RCU and SLAB_TYPESAFE_BY_RCU in folio_get_anon_vma).
 */
static DEFINE_SPINLOCK(anon_vma_free_lock);

static void put_anon_vma(struct anon_vma *av)
{
	struct anon_vma *root = av->root;

	if (atomic_fetch_sub(&av->refcount, 1) != 1)
		return;
	spin_lock(&anon_vma_free_lock); /* wait out folio_get_anon_vma */
	spin_unlock(&anon_vma_free_lock);
	anon_vma_free(av);
	if (root != av)
		put_anon_vma(root);
}

static struct anon_vma_chain *avc_alloc(void)
{
	if (should_fail(&avc_alloc_fail))
		return NULL;
	return kmem_cache_zalloc(anon_vma_chain_cachep, GFP_KERNEL);
}

static void avc_free(struct anon_vma_chain *avc)
{
	if (avc)
		kmem_cache_free(anon_vma_chain_cachep, avc);
}

void anon_vma_lock_write(struct anon_vma *av) { down_write(&av->root->rwsem); }
void anon_vma_unlock_write(struct anon_vma *av) { up_write(&av->root->rwsem); }
void anon_vma_lock_read(struct anon_vma *av) { down_read(&av->root->rwsem); }
void anon_vma_unlock_read(struct anon_vma *av) { up_read(&av->root->rwsem); }

/* Caller holds the root's lock for write. */
static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *av)
{
	lockdep_assert_held_write(&av->root->rwsem);
	avc->vma = vma;
	avc->anon_vma = av;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	list_add_tail(&avc->same_anon_vma, &av->avc_list);
}

/* Linux anon_vma_compatible(): a and b could have been one VMA (the sticky
 * flags, VM_MAYBE_GUARD among them, do not matter, as for merging). */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_IGNORE_MERGE)) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/* A neighbour's anon_vma that may be shared (find_mergeable_anon_vma): only
 * one that was never forked (its chain is singular).  The neighbour cannot
 * go away: the caller holds mmap_lock. */
static struct anon_vma *reusable_anon_vma(const struct vm_area_struct *old,
					  const struct vm_area_struct *a,
					  const struct vm_area_struct *b)
{
	struct anon_vma *av = old ? READ_ONCE(((struct vm_area_struct *)old)->anon_vma) : NULL;

	if (av && anon_vma_compatible(a, b) && list_is_singular(&old->anon_vma_chain))
		return av;
	return NULL;
}

static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct anon_vma *av = NULL;

	if (vma->vm_next)
		av = reusable_anon_vma(vma->vm_next, vma, vma->vm_next);
	if (!av && vma->vm_prev)
		av = reusable_anon_vma(vma->vm_prev, vma->vm_prev, vma);
	return av;
}

/*
 * Give vma an anon_vma (Linux __anon_vma_prepare): a compatible neighbour's
 * or a new one.  Caller holds mmap_lock (read: two faults of one mm may race
 * here; the loser frees what it allocated).  0 or -ENOMEM.
 */
int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma_chain *avc = avc_alloc();
	struct anon_vma *av, *allocated = NULL;

	mmap_assert_locked(vma->vm_mm);
	if (!avc)
		return -ENOMEM;
	av = find_mergeable_anon_vma(vma);
	if (!av) {
		av = allocated = anon_vma_alloc();
		if (!av) {
			avc_free(avc);
			return -ENOMEM;
		}
	}
	anon_vma_lock_write(av);
	spin_lock(&mm->page_table_lock);
	if (!vma->anon_vma) {
		if (!allocated)
			atomic_fetch_add(&av->refcount, 1);
		WRITE_ONCE(vma->anon_vma, av);
		av->num_active_vmas++;
		anon_vma_chain_link(vma, avc, av);
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_unlock_write(av);
	if (allocated)
		put_anon_vma(allocated);
	avc_free(avc);
	return 0;
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	return READ_ONCE(vma->anon_vma) ? 0 : __anon_vma_prepare(vma);
}

/* Take vma's links off their anon_vmas onto `dead` (freed after the lock
 * is dropped, as Linux does); an anon_vma left with no links is no longer a
 * child of its parent.  Caller holds the root lock for write. */
static void unlink_chain_locked(struct vm_area_struct *vma, struct list_head *dead)
{
	struct anon_vma_chain *avc, *next;

	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *av = avc->anon_vma;

		lockdep_assert_held_write(&av->root->rwsem);
		list_del(&avc->same_vma);
		list_del(&avc->same_anon_vma);
		if (list_empty(&av->avc_list) && av->parent)
			av->parent->num_children--;
		list_add(&avc->same_vma, dead);
	}
	if (vma->anon_vma)
		vma->anon_vma->num_active_vmas--;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	vma->anon_vma = NULL;
}

/* After the lock is dropped: put the anon_vmas and free the links. */
static void free_dead_links(struct list_head *dead)
{
	struct anon_vma_chain *avc, *next;

	list_for_each_entry_safe(avc, next, dead, same_vma) {
		put_anon_vma(avc->anon_vma);
		avc_free(avc);
	}
}

/*
 * dst gets every anon_vma src is linked to (split, merge, mremap copy).
 * Caller holds mmap_lock for write.  Returns 0 or -ENOMEM with dst unchanged.
 */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *pavc, *avc, *tmp;
	LIST_HEAD(fresh);

	mmap_assert_write_locked(src->vm_mm);
	if (!src->anon_vma)
		return 0;
	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma) {
		avc = avc_alloc();
		if (!avc)
			goto enomem;
		list_add_tail(&avc->same_vma, &fresh);
	}
	anon_vma_lock_write(src->anon_vma);
	list_for_each_entry(pavc, &src->anon_vma_chain, same_vma) {
		avc = list_first_entry(&fresh, struct anon_vma_chain, same_vma);
		list_del(&avc->same_vma);
		atomic_fetch_add(&pavc->anon_vma->refcount, 1);
		anon_vma_chain_link(dst, avc, pavc->anon_vma);
	}
	if (!dst->anon_vma) {
		dst->anon_vma = src->anon_vma;
		dst->anon_vma->num_active_vmas++;
	}
	anon_vma_unlock_write(src->anon_vma);
	return 0;
enomem:
	list_for_each_entry_safe(avc, tmp, &fresh, same_vma)
		avc_free(avc);
	return -ENOMEM;
}

/*
 * Child VMA of a fork: the parent's chain plus a fresh anon_vma of its own
 * whose parent is the parent VMA's anon_vma (Linux anon_vma_fork).  Caller
 * holds both mmap_locks for write.  0 or -ENOMEM (vma left without links).
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma_chain *avc;
	struct anon_vma *av;

	mmap_assert_write_locked(pvma->vm_mm);
	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	if (anon_vma_clone(vma, pvma))
		return -ENOMEM;
	if (vma->anon_vma)
		vma->anon_vma->num_active_vmas--;
	vma->anon_vma = NULL;
	av = anon_vma_alloc();
	avc = av ? avc_alloc() : NULL;
	if (!avc) {
		if (av)
			anon_vma_free(av);
		unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	atomic_fetch_add(&av->root->refcount, 1);
	anon_vma_lock_write(av);
	av->parent->num_children++;
	vma->anon_vma = av;
	av->num_active_vmas++;
	anon_vma_chain_link(vma, avc, av);
	anon_vma_unlock_write(av);
	return 0;
}

/* Drop every anon_vma link of vma (unmap, failed setup).  Its pages must
 * already be unmapped.  Caller holds mmap_lock for write. */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma *lock = vma->anon_vma;
	struct anon_vma_chain *first;
	LIST_HEAD(dead);

	mmap_assert_locked(vma->vm_mm); /* read: a detached VMA (munmap) */
	if (!lock && !list_empty(&vma->anon_vma_chain)) {
		first = list_first_entry(&vma->anon_vma_chain, struct anon_vma_chain, same_vma);
		lock = first->anon_vma;
	}
	if (!lock) {
		INIT_LIST_HEAD(&vma->anon_vma_chain);
		return;
	}
	anon_vma_lock_write(lock);
	unlink_chain_locked(vma, &dead);
	/* lock's root stays alive until free_dead_links: dead holds its refs */
	anon_vma_unlock_write(lock);
	free_dead_links(&dead);
}

/* -------------------------------------------------------- page side -- */

void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	struct anon_vma *av = vma->anon_vma;

	unsigned long flags;

	BUG_ON(!av);
	VM_BUG_ON(addr < vma->vm_start || addr >= vma->vm_end); /* VM_BUG_ON_VMA */
	page->mapping = (struct address_space *)((unsigned long)av | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, addr);
	/* The page is not visible to anyone yet: set the flags with one plain
	 * store (Linux __folio_set_swapbacked / __folio_set_anon, and the
	 * __folio_mark_uptodate of the fault that filled it: a swap-cache
	 * page that was never read must read as uptodate). */
	flags = atomic_load_explicit(&page->flags, memory_order_relaxed);
	atomic_store_explicit(&page->flags,
			      flags | BIT(PG_swapbacked) | BIT(PG_anon_exclusive) |
				      BIT(PG_uptodate),
			      memory_order_relaxed);
	atomic_store_explicit(&page->_mapcount, 0, memory_order_relaxed);
	mod_lruvec_page_state(page, NR_ANON_MAPPED, 1);
}

void folio_dup_anon_rmap_pte(struct page *page)
{
	ClearPageAnonExclusive(page);
	atomic_fetch_add_explicit(&page->_mapcount, 1, memory_order_relaxed);
}

void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma)
{
	if (atomic_fetch_add_explicit(&page->_mapcount, 1, memory_order_relaxed) == -1)
		mod_lruvec_page_state(page, NR_FILE_MAPPED, 1);
	mlock_vma_folio(page, vma);
}

void folio_remove_rmap_pte(struct page *page)
{
	if (atomic_fetch_sub_explicit(&page->_mapcount, 1, memory_order_relaxed) != 0)
		return;
	mod_lruvec_page_state(page, PageAnon(page) ? NR_ANON_MAPPED : NR_FILE_MAPPED, -1);
	if (PageAnon(page))
		ClearPageAnonExclusive(page);
}

void folio_add_anon_rmap_swapin(struct page *page, struct vm_area_struct *vma, unsigned long addr,
				bool exclusive)
{
	struct anon_vma *av = vma->anon_vma;

	BUG_ON(!av || !PageLocked(page));
	if (!PageAnon(page)) {
		/* Not exclusive: the oldest anon_vma, whose walk reaches every
		 * process of the fork tree that may map it (__folio_set_anon). */
		if (!exclusive)
			av = av->root;
		page->index = linear_page_index(vma, addr);
		WRITE_ONCE(page->mapping,
			   (struct address_space *)((unsigned long)av | PAGE_MAPPING_ANON));
		if (!PageSwapBacked(page)) /* set at allocation: no atomic again */
			SetPageSwapBacked(page);
	}
	if (exclusive)
		SetPageAnonExclusive(page);
	if (atomic_fetch_add_explicit(&page->_mapcount, 1, memory_order_relaxed) == -1)
		mod_lruvec_page_state(page, NR_ANON_MAPPED, 1);
	mlock_vma_folio(page, vma);
}

/* Linux folio_move_anon_rmap: the page (mapped only by vma, PTE locked)
 * now belongs to vma's own anon_vma, so later walks start there. */
void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	WRITE_ONCE(page->mapping,
		   (struct address_space *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON));
}

/* ------------------------------------------------------------- walk -- */

static bool vma_covers_index(const struct vm_area_struct *vma, unsigned long index)
{
	return index >= vma->vm_pgoff && index < vma->vm_pgoff + vma_pages(vma);
}

/* The mapped page's anon_vma with a reference, or NULL (Linux
 * folio_get_anon_vma). */
static struct anon_vma *folio_get_anon_vma(struct page *page)
{
	struct anon_vma *av = NULL;

	spin_lock(&anon_vma_free_lock);
	if (page_mapcount(page) > 0) {
		av = page_anon_vma(page);
		if (av) {
			int c = atomic_load(&av->refcount);

			while (c > 0 && !atomic_compare_exchange_weak(&av->refcount, &c, c + 1))
				;
			if (c <= 0)
				av = NULL;
		}
	}
	spin_unlock(&anon_vma_free_lock);
	return av;
}

void rmap_walk_anon(struct page *page, rmap_one_t fn, void *arg)
{
	struct anon_vma *av = folio_get_anon_vma(page);
	struct anon_vma_chain *avc;

	if (!av)
		return;
	anon_vma_lock_read(av);
	list_for_each_entry(avc, &av->avc_list, same_anon_vma) {
		struct vm_area_struct *vma = avc->vma;

		if (!vma_covers_index(vma, page->index))
			continue;
		if (!fn(page, vma, vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT),
			arg))
			break;
	}
	anon_vma_unlock_read(av);
	put_anon_vma(av);
}

ptep_t page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	int level;
	ptep_t p;

	if (!vma->vm_mm->pgd)
		return NULL;
	p = lookup_address_in_pgd(vma->vm_mm->pgd, addr, &level);
	if (!p || level != PT_PTE)
		return NULL;
	if (!pte_present(ptep_get(p)) || pte_pfn(ptep_get(p)) != page_to_pfn(page))
		return NULL;
	return p;
}

/* Every VMA of the file that may map the page-cache page, with the address
 * the page has there; stop when fn returns false (Linux rmap_walk_file).
 * Takes i_mmap_rwsem for read: the VMAs cannot change or leave. */
void rmap_walk_file(struct page *page, rmap_one_t fn, void *arg)
{
	struct address_space *m = page->mapping;
	struct vm_area_struct *vma;

	if (!m || PageAnon(page))
		return;
	down_read(&m->i_mmap_rwsem);
	list_for_each_entry(vma, &m->i_mmap, shared) {
		if (!vma_covers_index(vma, page->index))
			continue;
		if (!fn(page, vma, vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT),
			arg))
			break;
	}
	up_read(&m->i_mmap_rwsem);
}

struct mkclean_walk {
	struct page *page;
	int cleaned;
};

/* page_mkclean_one on the PTE that maps the address (PTE lock held by the
 * walk). */
static int mkclean_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct mkclean_walk *w = walk->private;
	struct vm_area_struct *vma = walk->vma;
	pte_t entry = ptep_get(pte);

	if (pte_present(entry) && pte_pfn(entry) == page_to_pfn(w->page) &&
	    (pte_dirty(entry) || pte_write(entry))) {
		entry = ptep_get_and_clear(vma->vm_mm, addr, pte);
		flush_tlb_page(vma, addr);
		set_pte_at(vma->vm_mm, addr, pte, pte_mkclean(pte_wrprotect(entry)));
		w->cleaned++;
	}
	return 0;
}

static const struct mm_walk_ops mkclean_walk_ops = { .pte_entry = mkclean_pte };

static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	struct mkclean_walk *w = arg;

	if (!(vma->vm_flags & VM_SHARED))
		return true; /* private mappings never write the file */
	walk_page_range_vma(vma, addr, addr + PAGE_SIZE, &mkclean_walk_ops, w);
	return true;
}

int folio_mkclean(struct page *page)
{
	struct mkclean_walk w = { .page = page };

	if (page_mapcount(page) <= 0)
		return 0;
	rmap_walk_file(page, page_mkclean_one, &w);
	return w.cleaned;
}

/* -------------------------------------------------- folio_referenced -- */

struct referenced_walk {
	struct page *page;
	int referenced;
	unsigned long vm_flags;
	int mapcount; /* PTEs left to find */
};

static int referenced_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct referenced_walk *w = walk->private;
	struct vm_area_struct *vma = walk->vma;
	pte_t entry = ptep_get(pte);

	(void)next;
	if (!pte_present(entry) || pte_pfn(entry) != page_to_pfn(w->page))
		return 0;
	w->mapcount--;
	if (READ_ONCE(vma->vm_flags) & VM_LOCKED) {
		mlock_folio(w->page); /* Linux mlock_vma_folio: culled */
		w->vm_flags |= VM_LOCKED;
		return 0;
	}
	if (ptep_test_and_clear_young(vma, addr, pte)) {
		w->referenced++;
		w->vm_flags |= READ_ONCE(vma->vm_flags) & ~VM_LOCKED;
	}
	return 0;
}

static const struct mm_walk_ops referenced_walk_ops = { .pte_entry = referenced_pte };

/* Linux folio_referenced_one; invalid_folio_referenced_vma skips VMAs
 * without recency (MADV_SEQUENTIAL/RANDOM, FADV_NOREUSE). */
static bool folio_referenced_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
				 void *arg)
{
	struct referenced_walk *w = arg;

	if (!vma_has_recency(vma))
		return true;
	walk_page_range_vma(vma, addr, addr + PAGE_SIZE, &referenced_walk_ops, w);
	return !(w->vm_flags & VM_LOCKED) && w->mapcount > 0;
}

int folio_referenced(struct page *page, bool is_locked, unsigned long *vm_flags)
{
	struct referenced_walk w = { .page = page, .mapcount = page_mapcount(page) };
	bool we_locked = false;

	*vm_flags = 0;
	if (w.mapcount <= 0)
		return 0;
	if (!PageAnon(page) && !is_locked) {
		we_locked = trylock_page(page);
		if (!we_locked)
			return 1; /* rmap lock contention: rotate */
	}
	if (PageAnon(page))
		rmap_walk_anon(page, folio_referenced_one, &w);
	else
		rmap_walk_file(page, folio_referenced_one, &w);
	*vm_flags = w.vm_flags;
	if (we_locked)
		unlock_page(page);
	return w.referenced;
}

/* ----------------------------------------------------- try_to_unmap -- */

struct unmap_walk {
	struct page *page;
	struct vm_area_struct *vma;
	bool failed;
};

/* An anonymous page's PTE (cleared and flushed, value pteval) becomes a swap
 * PTE naming the page's slot (Linux try_to_unmap_one's anon branch), or,
 * for a lazily freed page nobody wrote, nothing.  False (PTE restored) if
 * the page must stay mapped. */
static bool unmap_anon_pte(struct unmap_walk *w, ptep_t pte, unsigned long addr, pte_t pteval)
{
	struct mm_struct *mm = w->vma->vm_mm;
	struct page *page = w->page;
	bool exclusive = PageAnonExclusive(page);
	swp_entry_t entry = page_swap_entry(page);
	pte_t swp_pte;

	if (!PageSwapBacked(page)) { /* MADV_FREE */
		if (page_ref_count(page) == 1 + page_mapcount(page) && !PageDirty(page) &&
		    !pte_dirty(pteval)) {
			dec_mm_counter(mm, MM_ANONPAGES);
			return true; /* discarded: the PTE stays empty */
		}
		SetPageSwapBacked(page); /* written again: swap-backed again */
		goto restore;
	}
	if (!PageSwapCache(page) || swap_duplicate(entry) < 0)
		goto restore;
	if (exclusive)
		ClearPageAnonExclusive(page); /* folio_try_share_anon_rmap_pte */
	dec_mm_counter(mm, MM_ANONPAGES);
	inc_mm_counter(mm, MM_SWAPENTS);
	swp_pte = swp_entry_to_pte(entry);
	if (exclusive)
		swp_pte = pte_swp_mkexclusive(swp_pte);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(mm, addr, pte, swp_pte);
	return true;
restore:
	set_pte_at(mm, addr, pte, pteval);
	w->failed = true;
	return false;
}

/* Linux try_to_unmap_one on the PTE at addr (the walk holds its lock). */
static int unmap_one_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct unmap_walk *w = walk->private;
	struct vm_area_struct *vma = w->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = w->page;
	pte_t pteval = ptep_get(pte);

	(void)next;
	if (!pte_present(pteval) || pte_pfn(pteval) != page_to_pfn(page))
		return 0;
	if (vma->vm_flags & VM_LOCKED) { /* mlocked: it stays */
		mlock_folio(page);	 /* Linux mlock_vma_folio */
		w->failed = true;
		return 0;
	}
	pteval = ptep_get_and_clear(mm, addr, pte);
	flush_tlb_page(vma, addr);
	if (pte_dirty(pteval)) {
		if (PageAnon(page))
			SetPageDirty(page);
		else
			folio_mark_dirty(page);
	}
	if (PageAnon(page)) {
		if (!unmap_anon_pte(w, pte, addr, pteval))
			return 0;
	} else {
		dec_mm_counter(mm, mm_counter(page));
	}
	folio_remove_rmap_pte(page);
	put_page(page); /* the PTE's reference */
	return 0;
}

static const struct mm_walk_ops unmap_walk_ops = { .pte_entry = unmap_one_pte };

static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	struct unmap_walk *w = arg;

	w->vma = vma;
	walk_page_range_vma(vma, addr, addr + PAGE_SIZE, &unmap_walk_ops, w);
	return !w->failed && page_mapcount(page) > 0;
}

bool try_to_unmap(struct page *page)
{
	struct unmap_walk w = { .page = page };

	VM_BUG_ON(!PageLocked(page));
	if (PageAnon(page))
		rmap_walk_anon(page, try_to_unmap_one, &w);
	else
		rmap_walk_file(page, try_to_unmap_one, &w);
	return page_mapcount(page) <= 0;
}
