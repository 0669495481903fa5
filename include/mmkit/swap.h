/*
 * swap.h - swap areas and the swap cache (Linux include/linux/swap.h,
 * mm/swap.h, mm/swap_table.h; uapi linux/swap.h): the on-disk header,
 * swap_info_struct and its clusters, the swap_map counts, and the calls of
 * mm/swapfile.c (areas, slots, counts, swapon/swapoff), mm/swap_state.c
 * (the swap cache, readahead), mm/page_io.c (the I/O) and mm/vmscan.c
 * (reclaim of a page list: MADV_PAGEOUT's reclaim_pages).
 *
 * Glossary
 *   area     a swap file made active by swapon: swap_info[type].
 *   slot     one page of an area; slot 0 holds the header, so an area of
 *            last_page + 1 pages has last_page - bad usable slots.
 *   entry    (type, offset) naming a slot (include/mmkit/swapops.h).
 *   cluster  SWAPFILE_CLUSTER consecutive slots (512, Linux HPAGE_PMD_NR
 *            with CONFIG_THP_SWAP; 256 in the 32-bit modes, which lack it):
 *            the unit of allocation, each with its own lock and list.
 *
 * swap_map[offset] (one byte per slot):
 *   bits 0-5   the count: swap PTEs and shmem page-cache entries naming the
 *              slot, up to SWAP_MAP_MAX (0x3e); 0x3f (SWAP_MAP_BAD) marks
 *              the header and bad pages
 *   0x40       SWAP_HAS_CACHE: a page of the swap cache holds the slot
 *   0x80       COUNT_CONTINUED: the count goes on in continuation pages,
 *              whose byte at the same offset holds the next digit (base
 *              SWAP_MAP_MAX + 1 for the first, SWAP_CONT_MAX + 1 after;
 *              0x80 again chains to the next page)
 *   The reference kernel (6.13+) has no SWAP_MAP_SHMEM: a shmem entry is a
 *   count of 1 like a PTE's.
 *
 * Invariants (verify, mm/swapfile.c swap_verify):
 *   for every slot: count == swap PTEs naming it + shmem entries naming it;
 *   SWAP_HAS_CACHE <=> the cluster's swap table holds a page for it, and
 *   that page is PG_swapcache with page->private == the entry;
 *   no PTE names a free slot; cluster count == slots with swap_map != 0;
 *   inuse_pages == sum over slots of (swap_map != 0), header and bad excluded;
 *   nr_swap_pages == sum over active areas of pages - inuse_pages.
 *
 * Locks (the whole order is at the top of mm/rmap.c):
 *   swapon_mutex      swapon and swapoff against each other
 *   swap_lock         swap_info[], nr_swapfiles, the active list, least_priority,
 *                     total_swap_pages; nests swap_avail_lock and si->lock
 *   si->lock          si->flags (but SWP_USED, under swap_lock), the cluster lists
 *   si->global_cluster_lock  the next slot of a rotational area
 *   ci->lock          a cluster: its count and flags, its swap_map bytes and
 *                     swap-table slots (the swap cache); taken under the page
 *                     lock and under the PTE lock, never the other way round
 *   si->cont_lock     continuation pages (under ci->lock)
 */
#ifndef MMKIT_SWAP_H
#define MMKIT_SWAP_H

#include "mmkit/fs.h"
#include "mmkit/gfp.h"
#include "mmkit/swapops.h"

/* ---- uapi: swapon(2) flags ---- */
#define SWAP_FLAG_PREFER 0x8000
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_DISCARD 0x10000
#define SWAP_FLAG_DISCARD_ONCE 0x20000
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#define SWAP_FLAGS_VALID                                                                       \
	(SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE | \
	 SWAP_FLAG_DISCARD_PAGES)

/* ---- the header: page 0 of an area, as util-linux mkswap writes it ---- */
#define SWAP_HEADER_MAGIC "SWAPSPACE2"
#define SWAP_HEADER_MAGIC_OFF (PAGE_SIZE - 10)
#define MAX_SWAP_BADPAGES ((SWAP_HEADER_MAGIC_OFF - 1536) / sizeof(u32)) /* 637 */
/* Linux declares badpages[1] and indexes past it; mmkit sizes it to the
 * most the page holds, so bounds checkers see the real extent. */
union swap_header {
	struct {
		char reserved[PAGE_SIZE - 10];
		char magic[10];
	} magic;
	struct {
		char bootbits[1024];
		u32 version;
		u32 last_page;
		u32 nr_badpages;
		unsigned char sws_uuid[16];
		unsigned char sws_volume[16];
		u32 padding[117];
		u32 badpages[MAX_SWAP_BADPAGES];
	} info;
};
_Static_assert(sizeof(union swap_header) == PAGE_SIZE, "the header is one page");
#define SWAP_MIN_PAGES 10 /* util-linux mkswap's minimum */

/* ---- swap_map bytes ---- */
#define SWAP_HAS_CACHE 0x40
#define COUNT_CONTINUED 0x80
#define SWAP_MAP_MAX 0x3e
#define SWAP_MAP_BAD 0x3f
#define SWAP_CONT_MAX 0x7f

/* ---- si->flags (Linux's values) ---- */
#define SWP_USED (1UL << 0)
#define SWP_WRITEOK (1UL << 1) /* new slots may be allocated */
#define SWP_DISCARDABLE (1UL << 2)
#define SWP_DISCARDING (1UL << 3)
#define SWP_SOLIDSTATE (1UL << 4) /* non-rotational: per-CPU clusters, VMA readahead */
#define SWP_CONTINUED (1UL << 5)  /* has continuation pages */
#define SWP_BLKDEV (1UL << 6)
#define SWP_ACTIVATED (1UL << 7)
#define SWP_FS_OPS (1UL << 8)
#define SWP_AREA_DISCARD (1UL << 9)
#define SWP_PAGE_DISCARD (1UL << 10)
#define SWP_STABLE_WRITES (1UL << 11)
#define SWP_SYNCHRONOUS_IO (1UL << 12)
#define SWP_VALID (1UL << 16) /* mmkit: get_swap_device may succeed */

#define DEF_SWAP_PRIO (-1)

/* Cluster states (Linux CLUSTER_FLAG_*): the list a cluster is on. */
enum {
	CLUSTER_FLAG_NONE = 0,
	CLUSTER_FLAG_FREE,
	CLUSTER_FLAG_NONFULL,
	CLUSTER_FLAG_FRAG,
	CLUSTER_FLAG_FULL,
	CLUSTER_FLAG_DISCARD,
};

/*
 * One cluster (Linux struct swap_cluster_info).  count == slots whose
 * swap_map byte is not 0 (header and bad slots included); the cluster is on
 * the free list when 0, full when SWAPFILE_CLUSTER, else nonfull or frag.
 * table: the swap cache of its slots (6.18's swap table), allocated while
 * the cluster is in use; table[i] is the page in the swap cache for slot
 * cluster_offset + i, or NULL.
 */
struct swap_cluster_info {
	spinlock_t lock; /* count, flags, the slots' bytes, table */
	unsigned short count;
	unsigned char flags;   /* CLUSTER_FLAG_*, changed under si->lock too */
	struct list_head list; /* on one of si's lists, under si->lock */
	struct page **table;
};

struct swap_info_struct {
	unsigned long flags; /* SWP_*; under si->lock (SWP_USED: swap_lock) */
	signed short prio;
	struct list_head list;	     /* swap_active_head, by prio; swap_lock */
	struct list_head avail_list; /* swap_avail_head, by prio; swap_avail_lock */
	signed char type;
	unsigned int max;	 /* last_page + 1: slots covered by swap_map */
	unsigned char *swap_map; /* vzalloc'ed: one byte per slot */
	unsigned long *zeromap;	 /* slots holding a zero-filled page (no I/O) */
	struct swap_cluster_info *cluster_info;
	unsigned int nr_clusters;
	struct list_head free_clusters, nonfull_clusters, frag_clusters, full_clusters;
	struct list_head discard_clusters;
	unsigned int pages; /* usable slots: max - 1 - bad */
	_Atomic unsigned long inuse_pages;
	spinlock_t lock;
	spinlock_t global_cluster_lock; /* rotational areas allocate in one order */
	unsigned int global_next;	/* the next slot to try, 0 = none */
	spinlock_t cont_lock;
	struct list_head *cont_heads; /* continuation pages, per swap_map page */
	_Atomic long users;	      /* get_swap_device references (percpu_ref) */
	/* the file */
	struct file *swap_file;	   /* opened O_RDWR; its inode is S_SWAPFILE */
	struct block_device *bdev; /* the device of the file's host mount */
	int hostfd;		   /* the host file behind it */
	unsigned int nr_extents;
	unsigned long span;		   /* pages the extents cover (across:) */
	_Atomic unsigned long nr_discards; /* discard requests issued */
};

#define SWAPFILE_CLUSTER (swapfile_cluster)
extern unsigned int swapfile_cluster;

extern struct swap_info_struct *swap_info[MAX_SWAPFILES];
extern long total_swap_pages;	   /* usable pages of active areas; swap_lock */
extern _Atomic long nr_swap_pages; /* of which free */
extern int vm_swappiness;	   /* /proc/sys/vm/swappiness (60; mm/vmscan.c) */
extern int page_cluster;	   /* /proc/sys/vm/page-cluster (3) */
extern bool enable_vma_readahead;  /* /sys/kernel/mm/swap/vma_ra_enabled */

static inline struct swap_info_struct *swp_swap_info(swp_entry_t e)
{
	return swp_type(e) < MAX_SWAPFILES ? swap_info[swp_type(e)] : NULL;
}
static inline swp_entry_t page_swap_entry(const struct page *page)
{
	return (swp_entry_t){ page->private };
}

/* ---- the header (mm/swapfile.c; pure functions, no machine needed) ---- */
/* Fill page (PAGE_SIZE bytes, whose first 1024 are left as they are) with
 * the header of an area of `pages` pages: version 1, last_page = pages - 1,
 * the uuid (16 bytes) and label (at most 16 bytes, NUL-padded), the magic.
 * 0, or -EINVAL (fewer than SWAP_MIN_PAGES pages, too many for the header,
 * label too long). */
int swap_header_build(void *page, unsigned long pages, const char *label,
		      const unsigned char uuid[16]);
/* What swapon checks (Linux read_swap_header + setup_swap_map's bad-page
 * checks), on a copy it may byte-swap: the slots the area covers
 * (last_page + 1, limited to what the mode's swap PTE can address), or 0
 * with *why set (the kernel's message).  isize_pages: the file's size in
 * pages; regular: a file (no bad pages allowed).  *badp: usable pages. */
unsigned long swap_header_parse(union swap_header *h, unsigned long isize_pages, bool regular,
				unsigned long *usable, const char **why);

/* ---- swapon / swapoff (mm/swapfile.c) ---- */
/* swapon(2): 0, -EINVAL (bad header, not a regular file, tmpfs, holes,
 * bad flags), -EBUSY (already active), -ENOENT, -EPERM (MAX_SWAPFILES
 * active), -ENOMEM ... */
long sys_swapon(const char *path, int swap_flags);
/* swapoff(2): 0, -EINVAL (not an active area), -ENOENT, -ENOMEM (a page
 * could not be brought back: the area stays active) */
long sys_swapoff(const char *path);
/* The /proc/swaps text (mm/swapfile.c swap_show).  Takes swapon_mutex. */
void swap_show(FILE *out);
/* Kernel swap counts for views: free and total pages, the swap cache. */
unsigned long total_swapcache_pages(void);
/* Turn every area off at shutdown (no user left). */
void swapoff_all(void);

/* ---- slots and counts (mm/swapfile.c) ---- */
/* A slot for page (locked, anonymous or shmem), added to the swap cache:
 * page->private = the entry, PG_swapcache, swap_map = SWAP_HAS_CACHE.
 * 0, or -ENOMEM (no area has a free slot or the cache could not take it).
 * Linux folio_alloc_swap. */
int folio_alloc_swap(struct page *page);
/* Take a reference on entry for one more PTE (fork, Linux swap_duplicate):
 * 0, -ENOMEM (a continuation page is needed and none could be had: the
 * caller retries with a sleeping allocation), -EINVAL (bad entry). */
int swap_duplicate(swp_entry_t entry);
/* add_swap_count_continuation: a continuation page for entry's swap_map
 * page if it needs one.  0 or -ENOMEM. */
int add_swap_count_continuation(swp_entry_t entry, gfp_t gfp);
/* One shmem page-cache entry more / less (the slot is shmem's now). */
int swap_shmem_alloc(swp_entry_t entry);
/* Drop nr references (PTEs) of entry (Linux swap_free_nr).  The caller
 * holds entry's area (get_swap_device, or a locked page in its swap
 * cache, or swapoff's own area), as Linux's callers do. */
void swap_free_nr(swp_entry_t entry, int nr);
static inline void swap_free(swp_entry_t e) { swap_free_nr(e, 1); }
/* Drop a PTE's reference; if the slot is then held only by the swap
 * cache, free the cached page's swap too when it can be had without
 * waiting (Linux free_swap_and_cache_nr).  Any context (PTE lock held). */
void free_swap_and_cache(swp_entry_t entry);
/* The swap references (PTEs + shmem) of entry: Linux __swap_count. */
int __swap_count(swp_entry_t entry);
/* The references of page's slot besides the cache's (Linux folio_swapcount). */
int swp_swapcount(swp_entry_t entry);
/* The page is locked and in the swap cache: if no PTE or shmem entry
 * names its slot any more, take it out of the cache and free the slot.
 * True if it did (Linux folio_free_swap). */
bool folio_free_swap(struct page *page);
/* Is entry's slot named by anything but the swap cache? */
bool swap_entry_in_use(swp_entry_t entry);
/* Hold the area of entry against swapoff (Linux get_swap_device /
 * put_swap_device).  NULL if entry names no active area. */
struct swap_info_struct *get_swap_device(swp_entry_t entry);
void put_swap_device(struct swap_info_struct *si);
/* More than half of swap is in use (Linux vm_swap_full). */
static inline bool vm_swap_full(void)
{
	return atomic_load_explicit(&nr_swap_pages, memory_order_relaxed) * 2 < total_swap_pages;
}
/* The slot holds a zero-filled page that was never written (zeromap). */
bool swap_zeromap_test(swp_entry_t entry);
void swap_zeromap_set(swp_entry_t entry, bool zero);
/* mmkit's swap checks (verify): 0 or the number of violations printed. */
int swap_verify(FILE *out);

/* ---- the swap cache (mm/swap_state.c) ---- */
/* The page in the swap cache for entry, with a reference, or NULL. */
struct page *swap_cache_lookup(swp_entry_t entry);
/* The same for a fault (Linux swap_cache_get_folio + swap_update_readahead):
 * a hit on a page read ahead counts in swap_ra_hit and grows the window.
 * The caller holds entry's area (do_swap_page's get_swap_device). */
struct vm_fault;
struct page *swap_cache_get_folio_vmf(swp_entry_t entry, struct vm_fault *vmf);
/* Put the locked page in the cache for entry (the slot has
 * SWAP_HAS_CACHE): page->private, PG_swapcache, a reference for the
 * cache, NR_FILE_PAGES and NR_SWAPCACHE.  Returns the workingset shadow
 * the slot held (reclaim left it there), or NULL.  Caller holds the
 * cluster lock. */
void *__swap_cache_add_folio(struct swap_cluster_info *ci, struct page *page, swp_entry_t entry);
/* Take the locked page out of the cache (its cache reference dropped by
 * the caller; the slot's SWAP_HAS_CACHE is cleared and the slot freed if
 * nothing else names it).  Linux delete_from_swap_cache. */
void swap_cache_del_folio(struct page *page);
/* The same, leaving shadow (workingset_eviction's, or NULL) in the slot
 * until the slot is freed: reclaim's __remove_mapping. */
void swap_cache_del_folio_shadow(struct page *page, void *shadow);
/* Read entry's page into the swap cache (allocating it) and return it with
 * a reference, uptodate or (I/O error) not; NULL on -ENOMEM or if the
 * entry is gone.  *new set if this call read it.  Linux
 * read_swap_cache_async / __read_swap_cache_async. */
struct page *read_swap_cache_async(swp_entry_t entry, bool *new, bool readahead);
/* The page of entry for a fault at vmf (VMA readahead when
 * swap_use_vma_readahead(), else page-cluster readahead), with a reference;
 * NULL on -ENOMEM.  Linux swapin_readahead.  The caller holds entry's area
 * (do_swap_page's get_swap_device, swapoff's own). */
struct vm_fault;
struct page *swapin_readahead(swp_entry_t entry, struct vm_fault *vmf);
bool swap_use_vma_readahead(void);
/* Give the page a slot, put it in the swap cache and mark it dirty
 * (Linux add_to_swap).  Page locked.  true on success. */
bool add_to_swap(struct page *page);

/* ---- I/O (mm/page_io.c) ---- */
/* Write the locked swap-cache page to its slot (Linux swap_writeout): a
 * zero-filled page only sets the zeromap; else the page is under
 * writeback until the write ends.  Unlocks the page.  0, or -EIO/-ENOSPC:
 * the page is dirty again (redirtied) and nothing is lost.  plug: batch
 * with neighbouring slots (swap_write_unplug submits). */
struct swap_iocb;
int swap_writeout(struct page *page, struct swap_iocb **plug);
/* Submit a write batch built by swap_writeout. */
void swap_write_unplug(struct swap_iocb *plug);
/* Read the locked, not-uptodate swap-cache page (Linux swap_read_folio):
 * uptodate on success; unlocked in every case.  plug: batch readahead. */
void swap_read_folio(struct page *page, struct swap_iocb **plug);
void swap_read_unplug(struct swap_iocb *plug);

/* ---- the LRU lists (mm/swap.c; include/mmkit/mm_inline.h) ---- */
#define SWAP_CLUSTER_MAX 32UL
struct lruvec;
struct vm_area_struct;
/* Add a new page (not PG_lru, a reference held by the caller) to the LRU
 * through this CPU's batch.  Any lock but lru_lock may be held. */
void folio_add_lru(struct page *page);
/* The same for a page mapped into vma: in a VM_LOCKED one it is mlocked. */
void folio_add_lru_vma(struct page *page, struct vm_area_struct *vma);
/* Move this CPU's batches to the lists.  No spinlock held. */
void lru_add_drain(void);
/* Every CPU's (IPI).  No spinlock held. */
void lru_add_drain_all(void);
/* Pages waiting in the CPUs' lru_add batches (racy unless quiescent). */
unsigned long lru_batched_pages(void);
/* refs[pfn] += the CPUs' LRU and mlock batch entries (each holds a
 * reference) of every page in a batch.  Machine quiescent (verify). */
void lru_batch_count(unsigned int *refs);
/* Queue the activation of a page on an inactive list (Linux folio_activate). */
void folio_activate(struct page *page);
/* Linux folio_mark_accessed: the first call sets PG_referenced, the second
 * activates (through the policy).  Any lock but lru_lock. */
void folio_mark_accessed(struct page *page);
/* The classic policy's activation half of folio_mark_accessed. */
void lru_classic_mark_accessed(struct page *page);
/* MADV_COLD: the page is no longer recently used (Linux folio_deactivate). */
void folio_deactivate(struct page *page);
/* MADV_FREE: a clean anonymous page moves to the inactive file list and
 * loses PG_swapbacked (Linux folio_mark_lazyfree).  Only a page on a list. */
void folio_mark_lazyfree(struct page *page);
/* The LRU half of freeing (Linux __page_cache_release): off its list, LRU
 * flags cleared.  Called by the last put_page; takes lru_lock. */
void __page_cache_release(struct page *page);
/* A page reclaim marked PG_reclaim finished writeback: to the tail of
 * its inactive list (pgrotated).  Any lock but lru_lock. */
void folio_rotate_reclaimable(struct page *page);
/* Reclaim's record of I/O and rotations per type (lru_lock taken). */
void lru_note_cost(struct lruvec *lruvec, bool file, unsigned int nr_io, unsigned int nr_rotated);
/* Pages on list lru in zones up to zone_idx (racy read of the exact sizes). */
unsigned long lruvec_lru_size(struct lruvec *lruvec, int lru, int zone_idx);
/* Take page off the LRU for the caller (Linux folio_isolate_lru): true if
 * it was on a list (a reference taken, PG_lru cleared).  No lru_lock held. */
bool folio_isolate_lru(struct page *page);
/* Give an isolated page back (Linux folio_putback_lru): to its list by
 * its flags, and the isolation's reference dropped. */
void folio_putback_lru(struct page *page);
/* mlock of a page newly mapped in a VM_LOCKED VMA (Linux mlock_new_folio:
 * it joins the LRU through the mlock batch, not the lru_add one), and of a
 * mapped page (mlock_folio), munlock_folio when one such mapping goes.
 * PG_mlocked changes at once, the lists when this CPU's mlock batch moves.
 * Page locked or not yet visible; no lru_lock held. */
void mlock_new_folio(struct page *page);
void mlock_folio(struct page *page);
void munlock_folio(struct page *page);
/* This CPU's mlock batch moved (Linux mlock_drain_local; lru_add_drain
 * calls it).  No spinlock held. */
void mlock_drain_local(void);
/* Whether cpu's mlock batch holds pages (racy: lru_add_drain_all's test). */
bool need_mlock_drain(int cpu);
/* refs[pfn] += the CPUs' mlock batch entries.  Machine quiescent (verify). */
void mlock_batch_count(unsigned int *refs);
/* The rmap side (Linux mlock_vma_folio, munlock_vma_folio in mm/internal.h):
 * a page getting a PTE in a VM_LOCKED VMA (not VM_SPECIAL) is mlocked, a
 * page losing one there is munlocked.  PTE lock held; no lru_lock. */
struct vm_area_struct;
void mlock_vma_folio(struct page *page, struct vm_area_struct *vma);
void munlock_vma_folio(struct page *page, struct vm_area_struct *vma);

/* ---- workingset (mm/workingset.c) ---- */
/* The shadow entry a page leaves in its cache slot when evicted (Linux
 * workingset_eviction); an xarray value entry. */
void *workingset_eviction(struct page *page);
/* Was the page evicted by shadow recently enough to have stayed on a
 * bigger active list (Linux workingset_test_recent)?  *workingset: it was
 * part of the workingset when evicted. */
bool workingset_test_recent(void *shadow, bool file, bool *workingset);
/* A page read back in where shadow was (Linux workingset_refault): counts
 * the refault and, if recent, activates it. */
void workingset_refault(struct page *page, void *shadow);
/* A page activated (Linux workingset_activation). */
void workingset_activation(struct page *page);
/* The age clock: evictions and activations (lruvec->nonresident_age). */
void workingset_age_nonresident(struct lruvec *lruvec, unsigned long nr_pages);
/* The shadow format (exposed for the unit test): the clock value age,
 * shifted right by order, with PG_workingset; unpack gives the clock back
 * (its low order bits lost) and the flag. */
void *workingset_pack_shadow(unsigned long age, bool workingset, unsigned int order);
unsigned long workingset_unpack_shadow(const void *shadow, bool *workingset, unsigned int order);

/* ---- reclaim of a page list (mm/vmscan.c) ---- */
/* MADV_PAGEOUT's reclaim (Linux reclaim_pages -> shrink_folio_list): every
 * page of the list (isolated: locked, one reference held by the list, on
 * the list by page->lru) is unmapped and written to swap (anonymous,
 * shmem), or dropped (clean file pages, lazily freed anonymous pages);
 * what cannot be reclaimed is unlocked and let go.  Returns the pages
 * reclaimed.  No spinlock held. */
unsigned long reclaim_pages(struct list_head *pages);
/* ---- rmap (mm/rmap.c) ---- */
/* Unmap the locked page from every PTE (Linux try_to_unmap): an anonymous
 * page in the swap cache leaves a swap PTE (a reference on the slot per
 * PTE, MM_SWAPENTS), a file page an empty PTE.  True if no PTE maps it
 * any more. */
bool try_to_unmap(struct page *page);

/* ---- shmem (mm/shmem.c) ---- */
/* Move a shmem page (locked, not mapped, in its inode's page cache) to
 * swap: its page-cache slot becomes the swap entry (Linux shmem_writeout).
 * 0, or -errno with the page still in the page cache. */
int shmem_writeout(struct page *page, struct swap_iocb **plug);
/* Bring every shmem page of swap area `type` back (swapoff): 0 or -ENOMEM/-EIO. */
int shmem_unuse(unsigned int type);
/* The shmem swap entries of [start, end) (indexes) of m, for smaps Swap. */
unsigned long shmem_partial_swap_usage(struct address_space *m, unsigned long start,
				       unsigned long end);

#endif
