/*
 * pagemap.h - the page cache of files (mm/filemap.c, mm/readahead.c,
 * mm/truncate.c, mm/page-writeback.c; Linux include/linux/pagemap.h,
 * errseq.h, writeback.h at the level mmkit needs).
 *
 * Page states of a cache page (Linux's folio flags, order-0 pages):
 *   PG_locked     I/O or truncation in progress; the fault maps it, truncate
 *                 removes it and writeback starts on it only under this lock
 *   PG_uptodate   its bytes are the file's (read, or written whole)
 *   PG_dirty      newer than the backing store; counted in NR_FILE_DIRTY
 *                 (mappings with writeback only: shmem pages are never
 *                 written back)
 *   PG_writeback  being written (NR_WRITEBACK); cleared when the write ends
 *   PG_readahead  (= PG_reclaim, as in Linux) the async readahead mark: a
 *                 read or fault that reaches it starts the next window
 * i_size rules: a page wholly past EOF is never mapped (a fault there is
 * SIGBUS) and never written back; the bytes past EOF in the last page read
 * as 0 and are never written to the file.
 *
 * errseq (Linux lib/errseq.c): a 32-bit word holding the last writeback
 * error (low 12 bits), a SEEN flag and a counter bumped when a new error is
 * recorded after the previous one was seen.  Each open file samples it at
 * open; fsync reports an error recorded since its sample, once, and moves
 * the sample on.
 */
#ifndef MMKIT_PAGEMAP_H
#define MMKIT_PAGEMAP_H

#include "mmkit/fs.h"
#include "mmkit/memory.h"

/* PG_readahead shares PG_reclaim's bit, as in Linux. */
static inline bool PageReadahead(const struct page *p) { return PageReclaim(p); }
static inline void SetPageReadahead(struct page *p) { SetPageReclaim(p); }
static inline void ClearPageReadahead(struct page *p) { ClearPageReclaim(p); }
static inline bool TestClearPageDirty(struct page *p)
{
	return atomic_fetch_and(&p->flags, ~(1UL << PG_dirty)) & (1UL << PG_dirty);
}
static inline bool TestSetPageDirty(struct page *p)
{
	return atomic_fetch_or(&p->flags, 1UL << PG_dirty) & (1UL << PG_dirty);
}

static inline loff_t page_offset(const struct page *page)
{
	return (loff_t)page->index << PAGE_SHIFT;
}

/* ---- errors (mm/filemap.c, errseq) ---- */
#define AS_EIO 0
#define AS_ENOSPC 1
#define AS_EXITING 4 /* the mapping is being released: reclaim leaves no shadow */
errseq_t errseq_set(_Atomic errseq_t *eseq, int err);
errseq_t errseq_sample(_Atomic errseq_t *eseq);
int errseq_check(_Atomic errseq_t *eseq, errseq_t since);
int errseq_check_and_advance(_Atomic errseq_t *eseq, errseq_t *since);
/* Record a writeback error of m (errseq and AS_EIO/AS_ENOSPC). */
void mapping_set_error(struct address_space *m, int err);
/* The AS_* error of m, cleared (legacy reporting): 0, -EIO or -ENOSPC. */
int filemap_check_errors(struct address_space *m);
/* The error recorded since f last looked, once: 0 or -errno. */
int file_check_and_advance_wb_err(struct file *f);
/* Does the mapping write back dirty pages (not shmem, not identity)? */
static inline bool mapping_can_writeback(const struct address_space *m)
{
	return m->a_ops && m->a_ops->writepages;
}

/* Do accesses through this VMA count for the LRU (Linux vma_has_recency):
 * not with MADV_SEQUENTIAL/RANDOM, nor for a POSIX_FADV_NOREUSE file. */
static inline bool vma_has_recency(const struct vm_area_struct *vma)
{
	if (READ_ONCE(vma->vm_flags) & (VM_SEQ_READ | VM_RAND_READ))
		return false;
	return !(vma->vm_file && (vma->vm_file->f_mode & FMODE_NOREUSE));
}

/* Linux folio_mark_accessed (mm/swap.c, declared in swap.h): the first
 * access sets PG_referenced, the next one activates the page. */
void folio_mark_accessed(struct page *page);

/* ---- lookup and insertion (mm/filemap.c) ---- */
/* A new, empty address_space for inode host (new_inode).  NULL on -ENOMEM. */
struct address_space *mapping_alloc(struct inode *host);
/* The fault of an identity-only file (no inode): zeroed pages. */
vm_fault_t identity_file_fault(struct vm_fault *vmf);
/* The locked page at index with a reference, or NULL if there is none. */
struct page *filemap_lock_page(struct address_space *m, unsigned long index);
/* The page at index, locked, with a reference: created (not uptodate,
 * zeroed if zero) if missing.  NULL on -ENOMEM.  A page created where
 * reclaim left a workingset shadow is a refault (workingset_refault). */
struct page *filemap_grab_page(struct address_space *m, unsigned long index, bool zero);
/* The same for write(2) (Linux FGP_WRITEBEGIN: __GFP_WRITE on a mapping
 * that writes back): a page created over a shadow is no refault. */
struct page *filemap_grab_page_write(struct address_space *m, unsigned long index);
/* Linux mapping_empty: no page and no shadow (shmem: no swap entry is
 * counted here; see m->swapped).  Lockless. */
static inline bool mapping_empty(const struct address_space *m)
{
	return !READ_ONCE(m->nrpages) && !READ_ONCE(m->nrshadows);
}
/* Reclaim's removal of the locked, clean, unmapped page from its mapping
 * (Linux __filemap_remove_folio), shadow (workingset_eviction's, or NULL)
 * taking its slot unless the mapping is exiting.  The cache's reference
 * passes to the caller (__remove_mapping froze it).  Caller holds the page
 * lock and m->i_pages_lock. */
void __filemap_remove_folio(struct address_space *m, struct page *page, void *shadow);
/* Clear the workingset shadows of [start, end) (indexes; not shmem: its
 * value entries are swap entries).  Returns how many went. */
unsigned long filemap_clear_shadows(struct address_space *m, unsigned long start,
				    unsigned long end);
/* The value entries in m's tree (verify). */
unsigned long filemap_count_values(struct address_space *m);
/* The nodes of m's tree (tests): 0 once it holds no entry.  Takes
 * i_pages_lock. */
unsigned long filemap_count_nodes(struct address_space *m);
/* Up to nr pages with start <= index <= end, with references, in index
 * order; *start is set past the last one.  Returns how many: fewer than nr
 * means the range holds no more (callers stop then). */
unsigned int filemap_get_pages_range(struct address_space *m, unsigned long *start,
				     unsigned long end, struct page **pages, unsigned int nr);
/* The same for the pages with PG_dirty set when looked at (Linux
 * filemap_get_folios_tag with PAGECACHE_TAG_DIRTY: mmkit's tree has no
 * marks, so the walk tests the flag under i_pages_lock).  The caller
 * checks again under the page lock.  With nlocked (write_cache_pages),
 * the first *nlocked pages come locked and without a reference: each was
 * trylocked under i_pages_lock while in the cache, and a locked page stays
 * in the cache (which holds a reference) until it is unlocked, so the lock
 * pins it as a reference would; the first page trylock fails on and those
 * after it come with references, so that the caller, which locks them in
 * index order, never sleeps on a page lock while holding a later one. */
unsigned int filemap_get_dirty_pages(struct address_space *m, unsigned long *start,
				     unsigned long end, struct page **pages, unsigned int nr,
				     unsigned int *nlocked);
/* Read page (locked, not uptodate) with a_ops->read_folio and wait: 0 with
 * the page uptodate and unlocked, or -EIO (unlocked).  f may be NULL.  A
 * refault of the working set (PG_workingset) is a memory stall (PSI). */
int filemap_read_folio(struct file *f, struct page *page);
/* Is any page of [start, end] (indexes) in the cache? */
bool filemap_range_has_page(struct address_space *m, unsigned long start, unsigned long end);

/* ---- the tree (mm/filemap.c; Linux's xarray node) ----
 * i_pages is a radix tree of 64-way nodes.  count and nr_values are kept
 * exact on every store; a leaf of a mapping that is not shmem whose
 * entries are all workingset shadows sits on the workingset's shadow-node
 * list (mm/workingset.c), which its shrinker trims.  Fields change under
 * the mapping's i_pages_lock (private_list also under shadow_nodes_lock). */
#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1U << XA_CHUNK_SHIFT)
struct xa_node {
	unsigned char shift;	 /* XA_CHUNK_SHIFT x the level: 0 for a leaf */
	unsigned char offset;	 /* its slot in the parent */
	unsigned char count;	 /* non-NULL slots */
	unsigned char nr_values; /* value entries */
	bool shadow_listed;	 /* on the shadow-node list (changed under both locks) */
	struct xa_node *parent;	 /* NULL for the root */
	struct address_space *array;
	struct list_head private_list; /* on the shadow-node list, or empty */
	void *slots[XA_CHUNK_SIZE];
};
/* Linux workingset_update_node: put a leaf that holds only shadows on the
 * shadow-node list, take any other off.  Caller holds i_pages_lock. */
void workingset_update_node(struct xa_node *node);
/* The shrinker's end of a shadows-only leaf of m (Linux xa_delete_node):
 * its shadows cleared, the node and the ancestors it leaves empty taken
 * out of the tree and chained on *freed (by private_list) for the caller
 * to free with xa_node_free after dropping the lock.  Caller holds
 * i_pages_lock; the node is off the shadow-node list.  Returns the
 * shadows cleared. */
unsigned int xa_delete_shadow_node(struct address_space *m, struct xa_node *node,
				   struct list_head *freed);
/* Free a tree node (radix_tree_node cache).  No lock needed. */
void xa_node_free(struct xa_node *node);

/* ---- value entries (shmem pages in swap; mm/filemap.c) ----
 * A page-cache slot of a shmem mapping may hold a value entry instead of a
 * page: xa_mk_value(the swap entry), as Linux's shmem keeps it.  Page
 * lookups skip value entries. */
static inline void *xa_mk_value(unsigned long v) { return (void *)((v << 1) | 1); }
static inline unsigned long xa_to_value(const void *entry) { return (unsigned long)entry >> 1; }
static inline bool xa_is_value_entry(const void *entry) { return (unsigned long)entry & 1; }
/* The slot's content: a page (with a reference taken), a value entry, or
 * NULL. */
void *filemap_get_entry(struct address_space *m, unsigned long index);
/* The locked page leaves the cache and value takes its slot (the cache's
 * reference passes to the caller).  0, or -EAGAIN if page is not there. */
int filemap_replace_page_with_value(struct address_space *m, struct page *page, void *value);
/* Put page (locked, referenced by the caller) at index in place of the
 * value entry `expected` (shmem swap-in).  0, -EEXIST (the slot changed) or
 * -ENOMEM. */
int filemap_add_page_replace(struct address_space *m, struct page *page, unsigned long index,
			     void *expected);
/* Store value in the empty slot at index.  0, -EEXIST or -ENOMEM. */
int filemap_add_value(struct address_space *m, unsigned long index, void *value);
/* Clear the slot if it still holds value.  True if it did. */
bool filemap_erase_value(struct address_space *m, unsigned long index, void *value);
/* Up to nr value entries with *start <= index < end, in index order;
 * *start moves past the last one.  Returns how many. */
unsigned int filemap_get_values_range(struct address_space *m, unsigned long *start,
				      unsigned long end, unsigned long *indices, void **values,
				      unsigned int nr);
/* mm/shmem.c: swap the page of a value entry back in, locked and in the
 * page cache, with a reference; NULL on failure (*err, if not NULL:
 * -ENOMEM, -EIO, or -EEXIST when the slot changed meanwhile). */
struct page *shmem_swapin_locked(struct address_space *m, unsigned long index, void *entry,
				 int *err);
/* mm/shmem.c: free the swap entries of [start, end) (truncation). */
void shmem_free_swap_range(struct address_space *m, unsigned long start, unsigned long end);
/* mm/shmem.c: m leaves the list of mappings with swap entries (release). */
void shmem_swaplist_del(struct address_space *m);

/* ---- read and write (mm/filemap.c) ---- */
/* Copy from the cache to user memory at ubuf (copy_to_user): the bytes
 * read, short at EOF or a bad buffer; -EFAULT if none could be copied, -EIO
 * on a read error before any byte.  *pos advances.  No lock held. */
long filemap_read(struct file *f, unsigned long ubuf, size_t len, loff_t *pos);
/* Read into kernel memory through the cache (the ELF loader): the bytes
 * read (short at EOF) or -EIO.  *pos advances. */
long kernel_read(struct file *f, void *buf, size_t count, loff_t *pos);
/* Write count bytes of kernel memory at *pos through the cache (Linux
 * __kernel_write: the core dump): the file's own write path, so O_APPEND,
 * RLIMIT_FSIZE (-EFBIG) and O_SYNC apply; the bytes written or -errno
 * (-EBADF not open for writing, -ENOMEM, -ENOSPC, -EFBIG).  *pos advances.
 * No lock held. */
long kernel_write(struct file *f, const void *buf, size_t count, loff_t *pos);
/* Copy user memory into the cache at pos (copy_from_user): the bytes
 * written or -EFAULT/-ENOSPC/-ENOMEM/-EFBIG.  Caller holds inode_lock. */
long generic_perform_write(struct file *f, unsigned long ubuf, size_t len, loff_t pos);
/* write(2) of a regular file: O_APPEND, RLIMIT_FSIZE/EFBIG, inode_lock,
 * O_SYNC.  *pos advances. */
long generic_file_write(struct file *f, unsigned long ubuf, size_t len, loff_t *pos);

/* ---- fault (mm/filemap.c) ---- */
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff);
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf);
extern const struct vm_operations_struct generic_file_vm_ops;
/* generic_file_mmap: the VMA gets generic_file_vm_ops.  0. */
int generic_file_mmap(struct file *f, struct vm_area_struct *vma);
/* fault_around_bytes (debugfs in Linux): 65536 by default. */
extern unsigned long fault_around_bytes;

/* ---- readahead (mm/readahead.c) ---- */
#define VM_READAHEAD_PAGES 32 /* 128 KiB: Linux's default ra_pages */
struct readahead_control {
	struct file *file;
	struct address_space *mapping;
	struct file_ra_state *ra;
	unsigned long _index;	/* the next page to read */
	unsigned int _nr_pages; /* pages of this batch */
	unsigned int _batch_count;
	bool _workingset;	 /* a page of the batch refaulted (PG_workingset) */
	unsigned long _pflags;	 /* its memstall (psi_memstall_enter) */
	struct page *_pages[64]; /* the batch, locked, in index order */
};
void file_ra_state_init(struct file_ra_state *ra, struct address_space *m);
/* A read or fault found no page at ractl->_index: read around / ahead
 * (on-demand readahead).  req_count: pages the caller wants. */
void page_cache_sync_ra(struct readahead_control *ractl, unsigned long req_count);
/* A read or fault reached page, which has PG_readahead: the next window. */
void page_cache_async_ra(struct readahead_control *ractl, struct page *page,
			 unsigned long req_count);
/* Read nr_to_read pages from ractl->_index, marking the one lookahead_size
 * before the end with PG_readahead.  Pages present are skipped. */
void page_cache_ra_unbounded(struct readahead_control *ractl, unsigned long nr_to_read,
			     unsigned long lookahead_size);
/* WILLNEED / readahead(2): read [index, index + nr) in ra_pages chunks. */
void force_page_cache_ra(struct readahead_control *ractl, unsigned long nr_to_read);
/* The mmap read-around of a fault (filemap_fault): ra->start etc. set. */
void ra_submit(struct file_ra_state *ra, struct readahead_control *ractl);

/* ---- truncate (mm/truncate.c) ---- */
void truncate_inode_pages_range(struct address_space *m, loff_t lstart, loff_t lend);
void truncate_inode_pages(struct address_space *m, loff_t lstart);
/* The size of inode changed to newsize: unmap (private copies too) and drop
 * the cache past it, zero the tail of its last page. */
void truncate_pagecache(struct inode *inode, loff_t newsize);
void truncate_setsize(struct inode *inode, loff_t newsize);
/* A hole [lstart, lend] was punched: unmap (not private copies), drop. */
void truncate_pagecache_range(struct inode *inode, loff_t lstart, loff_t lend);
/* Drop clean, unmapped, unlocked pages of [start, end] (indexes): the count. */
unsigned long invalidate_mapping_pages(struct address_space *m, unsigned long start,
				       unsigned long end);
/* Linux unmap_mapping_range (mm/memory.c): even_cows also zaps private
 * copies of the file's pages in private mappings. */
void unmap_mapping_range(struct address_space *m, loff_t holebegin, loff_t holelen, bool even_cows);

/* ---- dirty pages and writeback (mm/page-writeback.c) ---- */
/* Mark a page dirty through its mapping's a_ops (accounting included). */
bool folio_mark_dirty(struct page *page);
/* a_ops->dirty_folio of file systems with writeback: account the page in
 * NR_FILE_DIRTY/NR_DIRTIED and put the inode on its bdi's dirty list. */
bool filemap_dirty_folio(struct address_space *m, struct page *page);
/* a_ops->dirty_folio of shmem: the flag only. */
bool noop_dirty_folio(struct address_space *m, struct page *page);
/* A dirty page leaves the cache without being written (truncate): undo its
 * NR_FILE_DIRTY accounting.  The caller clears PG_dirty. */
void account_page_cleaned(struct page *page);
/* Before writing a locked page back: write-protect and clean its PTEs
 * (folio_mkclean), clear PG_dirty.  True if it was dirty. */
bool folio_clear_dirty_for_io(struct page *page);
void folio_start_writeback(struct page *page);
void folio_end_writeback(struct page *page);
/* folio_end_writeback and unlock_page of pages their writer kept locked
 * through a synchronous write (hostfs): one atomic flag step a page, the
 * counters once for the pages of a zone. */
void folio_end_writeback_unlock_pages(struct page **pages, unsigned int n);
/* Write back the dirty pages of [start, end] (bytes) and wait.  0 or the
 * first error (-EIO, -ENOSPC), also reported through AS_* bits. */
int filemap_write_and_wait_range(struct address_space *m, loff_t start, loff_t end);
/* fsync's form: the error is the file's errseq report. */
int file_write_and_wait_range(struct file *f, loff_t start, loff_t end);
int filemap_fdatawrite_range(struct address_space *m, loff_t start, loff_t end);
/* vfs_fsync_range: f_op->fsync. */
int vfs_fsync_range(struct file *f, loff_t start, loff_t end, bool datasync);

/* ---- fadvise (mm/fadvise.c) ---- */
/* posix_fadvise on an open file (Linux vfs_fadvise -> generic_fadvise):
 * 0, -EINVAL. */
int vfs_fadvise(struct file *f, loff_t offset, loff_t len, int advice);

/* ---- shmem (mm/shmem.c) ---- */
/* The fault of an imported "/dev/zero (deleted)" VMA (identity-only). */
vm_fault_t identity_shmem_fault(struct vm_fault *vmf);
/* A tmpfs super block (the root, minor N) or the shm mount (minor 1). */
struct super_block *shmem_fill_super(unsigned int minor, const char *type);

/* ---- rmap of file pages (mm/rmap.c) ---- */
/* Write-protect and clean every PTE mapping page (a file page): returns how
 * many were dirty or writable.  Caller holds the page lock. */
int folio_mkclean(struct page *page);

#endif
