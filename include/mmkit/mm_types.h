/*
 * mm_types.h - the core structures of mmkit's memory manager, in one place
 * (after Linux include/linux/mm_types.h and mimalloc's types.h).
 *
 * Glossary
 *   frame      a 4 KiB unit of simulated RAM; pfn = its index.
 *   page       struct page, the descriptor of one frame (mem_map[pfn]).
 *   order      a block of 2^order contiguous, naturally aligned frames.
 *   zone       a pfn range with its own free lists and watermarks.
 *   pageblock  2^pageblock_order frames sharing one migratetype.
 *   KVA        simulated kernel virtual address (what scenarios print).
 *   host ptr   the C pointer to the same bytes in the RAM buffer.  Kernel C
 *              code in mmkit holds host pointers; kva_of()/host_of_kva()
 *              convert (see include/mmkit/mm.h).
 *
 * Invariants (checked by verify, mm/debug.c)
 *   page_to_pfn(pfn_to_page(pfn)) == pfn, for pfn < max_pfn
 *   a free buddy block of order k: PageBuddy(head), buddy_order(head) == k,
 *     pfn(head) % 2^k == 0, _refcount == 0, on zone->free_area[k].free_list[mt]
 *   sum over k of free_area[k].nr_free * 2^k + pages on pcp lists
 *     == zone NR_FREE_PAGES (+ pcp count, which NR_FREE_PAGES excludes)
 *   _mapcount + 1 == number of PTEs mapping the page (user pages)
 *   _refcount >= _mapcount + 1 for a mapped page
 */
#ifndef MMKIT_MM_TYPES_H
#define MMKIT_MM_TYPES_H

#include <sys/types.h>
#include "mmkit/compiler.h"
#include "mmkit/machine.h"
#include "mmkit/percpu_counter.h"
#include "mmkit/percpu_rwsem.h"
#include "mmkit/list.h"
#include "mmkit/spinlock.h"

#define PAGE_ALIGN(x) ALIGN((unsigned long)(x), PAGE_SIZE)
#define PFN_DOWN(x) ((unsigned long)(x) >> PAGE_SHIFT)
#define PFN_UP(x) (((unsigned long)(x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)

/* page->flags bits (include/linux/page-flags.h).  The zone number lives in
 * the top bits, as in Linux (ZONES_PGSHIFT). */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	__NR_PAGEFLAGS,
	PG_swapcache = PG_owner_priv_1,
	PG_anon_exclusive = PG_owner_2, /* anon page owned by one mm (Linux 6.x) */
};
#define ZONES_SHIFT 3
#define ZONES_PGSHIFT (64 - ZONES_SHIFT)

/* page->page_type values (PGTY_*): a frame is at most one of these. */
enum pagetype {
	PGTY_none = 0,
	PGTY_buddy = 0xf0, /* free, head of a buddy block */
	PGTY_table = 0xf2, /* a page-table page */
	PGTY_guard = 0xf3, /* debug_pagealloc guard */
	PGTY_slab = 0xf5,  /* owned by a slab cache */
	PGTY_large_kmalloc = 0xf8,
};

struct kmem_cache;
struct address_space;
struct mm_struct;

/*
 * struct page: 64 bytes.  Which union member is live depends on page_type
 * and flags: buddy (lru = free-list link, private = order), page cache and
 * anonymous (lru = LRU link, mapping = address_space or anon_vma|1, index =
 * file page offset or linear page index), slab, page table.
 */
struct page {
	_Atomic unsigned long flags;
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct { /* PGTY_slab (mm/slab.c) */
			struct kmem_cache *slab_cache;
			void *freelist; /* first free object (host ptr) */
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
			union {
				struct list_head slab_list;
				struct { /* on a per-CPU partial list */
					struct page *next;
					int slabs; /* slabs from here to the end */
				};
			};
		};
		struct {			      /* PGTY_table (arch/x86/pgtable.c) */
			_Atomic unsigned int pt_lock; /* split PTE lock (ptlock_t, pgtable.h) */
			unsigned int _pt_pad0;
			unsigned long _pt_pad1;
			struct mm_struct *pt_mm; /* owner, for the top level */
			unsigned long pt_index;
			unsigned long pt_level;
		};
	};
	unsigned int page_type;
	_Atomic int _mapcount; /* -1 = unmapped */
	_Atomic int _refcount;
	/* mmkit's allocation record (not in Linux): order + 1 while an
	 * allocation is headed here, else 0; checked when the block is freed
	 * (mm/page_alloc.c).  Kept here, in the line the allocator writes
	 * anyway, rather than in a byte array shared by 64 pages a line, which
	 * two CPUs allocating neighbouring frames would keep bouncing. */
	_Atomic unsigned int alloc_rec;
	/* How many VM_LOCKED VMAs map it while it is on the unevictable list
	 * (Linux folio->mlock_count, which overlays lru.prev there since 6.2;
	 * mmkit keeps the unevictable list a real list, so it has a field of
	 * its own in the line's spare bytes).  lru_lock. */
	unsigned int mlock_count;
};

#define PAGE_MAPPING_ANON 0x1UL

/* ==== address-space types (kernel/, mm/vma*.c, mm/mmap.c) ==== */

/*
 * struct vma_tree - the VMAs of one mm in address order (mm/vma_tree.c): a
 * B+tree whose leaves hold VMAs and whose inner nodes keep, per child, the
 * highest vm_end below it (the search key) and the largest gap below it (the
 * augmentation that makes get_unmapped_area O(log n)).  The VMAs are also
 * linked in address order through vm_prev/vm_next (first..last).
 */
struct vt_node;
struct vma_tree {
	struct vt_node *root;
	int height;	     /* 0 = empty, 1 = root is a leaf */
	unsigned long count; /* VMAs in the tree */
	struct vm_area_struct *first, *last;
	struct vt_node *spare; /* preallocated nodes (vt_preallocate) */
	int nr_spare;
	/* last VMA found (the old mmap_cache); written under mmap_lock read too, so
	 * READ/WRITE_ONCE */
	struct vm_area_struct *cache;
};

/*
 * struct address_space - the page cache of one file (Linux struct
 * address_space, i_pages an xarray): pages by file offset in a radix tree
 * of 64-way nodes (mm/filemap.c).  A page in it holds one reference for the
 * cache and has page->mapping == this, page->index == its offset.
 * Invariants: nrpages == pages in i_pages; shmem: NR_SHMEM counts them;
 * dirty pages (PG_dirty) of a mapping with writeback count in NR_FILE_DIRTY,
 * pages under writeback (PG_writeback) in NR_WRITEBACK.
 * i_mmap lists every VMA mapping the file (Linux keeps an interval tree of
 * them by file offset; a list here), so a hole punched in the file can be
 * unmapped from every process (unmap_mapping_pages).  A VMA joins when it is
 * linked into its mm and leaves before its page tables can be freed.
 * A file opened through the VFS has its inode's mapping (host = the inode,
 * a_ops its file system's); an identity-only file (an imported VMA) has one
 * of its own, created on first use, with no host and no a_ops.
 */
struct xa_node;
struct inode;
struct address_space_operations;
typedef u32 errseq_t; /* include/mmkit/pagemap.h */
struct address_space {
	spinlock_t i_pages_lock; /* guards the tree and nrpages */
	struct xa_node *xa_root;
	unsigned int xa_height; /* 0: empty; levels of 6 bits */
	unsigned long nrpages;
	/* workingset shadows (value entries) of a mapping that is not shmem;
	 * i_pages_lock (Linux keeps no such count: mapping_empty looks at the
	 * tree, whose empty nodes mmkit keeps) */
	unsigned long nrshadows;
	unsigned long size; /* identity shmem objects: the object size */
	bool shmem;	    /* pages are swap-backed shmem pages */
	struct inode *host; /* NULL for an identity-only file */
	const struct address_space_operations *a_ops;
	_Atomic unsigned long flags;   /* AS_EIO, AS_ENOSPC, AS_EXITING */
	_Atomic unsigned long nrdirty; /* PG_dirty pages counted in NR_FILE_DIRTY */
	_Atomic errseq_t wb_err;       /* the last writeback error (errseq) */
	/* guards i_mmap and the bounds (vm_start, vm_end, vm_pgoff) of the
	 * VMAs on it: writers hold it for write to change them */
	struct rw_semaphore i_mmap_rwsem;
	struct list_head i_mmap; /* VMAs mapping the file, by vma->shared */
	/* shmem pages in swap (mm/shmem.c): value entries in the tree */
	unsigned long swapped;	   /* value entries naming swap slots; i_pages_lock */
	struct list_head swaplist; /* on shmem_swaplist while swapped (its lock) */
	_Atomic int stop_eviction; /* swapoff is working on it: release waits */
};

/* Readahead state of an open file (Linux struct file_ra_state, mm/readahead.c). */
struct file_ra_state {
	unsigned long start;	 /* where the current window starts (page) */
	unsigned int size;	 /* its pages */
	unsigned int async_size; /* start the next window with this many left */
	unsigned int ra_pages;	 /* the maximum window */
	unsigned int mmap_miss;	 /* cache misses of mmap faults (read-around) */
	/* the folio order Linux would use (mmkit allocates order 0 and keeps the arithmetic) */
	unsigned int order;
	long prev_pos; /* the last read()'s end, -1 at open */
};

/* What a file does (Linux file_operations): release for every file (the
 * last reference went: fs/file_table.c's file_release frees it), the rest
 * for opened files, set from the inode's file system (include/mmkit/fs.h). */
struct file;
struct vm_area_struct;
/* file_operations.fop_flags (Linux include/linux/fs.h) */
#define FOP_MMAP_SYNC 0x1u /* MAP_SHARED_VALIDATE may carry MAP_SYNC */

struct file_operations {
	unsigned int fop_flags; /* FOP_* */
	void (*release)(struct file *f);
	long (*read)(struct file *f, unsigned long ubuf, size_t len, loff_t *pos);
	long (*write)(struct file *f, unsigned long ubuf, size_t len, loff_t *pos);
	int (*mmap)(struct file *f, struct vm_area_struct *vma);
	/* where a mapping of the file goes (NULL: the mm's layout decides) */
	unsigned long (*get_unmapped_area)(struct file *f, unsigned long addr, unsigned long len,
					   unsigned long pgoff, unsigned long flags);
	int (*fsync)(struct file *f, loff_t start, loff_t end, bool datasync);
	long (*fallocate)(struct file *f, int mode, loff_t off, loff_t len);
	loff_t (*llseek)(struct file *f, loff_t off, int whence);
};

/* A file a VMA maps.  Opened files (fs/open.c) have an inode, a position and
 * the inode's page cache; their identity fields are copied from the inode at
 * open.  Identity-only files (the `vma` import line, the built-in exec image)
 * have no inode: their pages read as zeros. */
struct dentry;
struct file {
	_Atomic int f_count;
	const struct file_operations *f_op; /* the file system's; release always set */
	unsigned int dev_major, dev_minor;
	unsigned long ino;
	bool deleted;	    /* shown with " (deleted)" (shmem objects) */
	bool shmem;	    /* a shmem object (MAP_SHARED|MAP_ANONYMOUS) */
	unsigned long size; /* identity shmem objects: i_size in bytes */
	struct address_space *f_mapping;
	char *path; /* as /proc/PID/maps prints it (kmalloc'ed) */
	/* ---- opened files (NULL / 0 for identity-only ones) ---- */
	struct inode *f_inode;
	struct dentry *f_dentry;	/* holds a reference */
	unsigned int f_flags;		/* O_* given to open (O_APPEND may change) */
	unsigned int f_mode;		/* FMODE_READ | FMODE_WRITE ... */
	struct rw_semaphore f_pos_lock; /* read/write/lseek on the position */
	loff_t f_pos;
	struct file_ra_state f_ra;
	errseq_t f_wb_err;  /* the mapping's wb_err this file has seen */
	void *private_data; /* pipes, host streams (fs/pipe.c, fs/stdio_host.c) */
};

/* anon_vma: the object that ties anonymous pages to the VMAs that may map
 * them (mm/rmap.c): an anonymous page's mapping points at one (tagged with
 * PAGE_MAPPING_ANON), and every VMA that may map the page is on the
 * avc_list of that anon_vma through an anon_vma_chain.  The lock of the
 * root anon_vma guards the avc_lists of the whole tree (Linux anon_vma->root->rwsem). */
struct anon_vma {
	struct rw_semaphore rwsem; /* used in the root only */
	struct anon_vma *root;	   /* root of this anon_vma tree */
	struct anon_vma *parent;   /* for fork */
	_Atomic int refcount;
	int num_children;	   /* anon_vmas whose parent is this one */
	int num_active_vmas;	   /* VMAs whose vma->anon_vma is this one */
	struct list_head avc_list; /* anon_vma_chain.same_anon_vma */
	unsigned long id;	   /* serial number, for debug output */
};
/* One link VMA <-> anon_vma (Linux anon_vma_chain). */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* on vma->anon_vma_chain */
	struct list_head same_anon_vma; /* on anon_vma->avc_list */
};

struct vm_fault;

/* What a VMA that is not plain anonymous memory does differently (Linux
 * struct vm_operations_struct): special mappings, files (mm/filemap.c,
 * mm/shmem.c). */
struct vm_operations_struct {
	/* 0, or -errno to refuse splitting vma at addr (__split_vma) */
	int (*may_split)(struct vm_area_struct *vma, unsigned long addr);
	/* sets vmf->page (with a reference; locked if it returns
	 * VM_FAULT_LOCKED) and returns 0, or maps the PTE itself and returns
	 * VM_FAULT_NOPAGE, or VM_FAULT_* error bits */
	unsigned int (*fault)(struct vm_fault *vmf);
	/* fault-around: map the cached pages of [start_pgoff, end_pgoff] */
	unsigned int (*map_pages)(struct vm_fault *vmf, unsigned long start_pgoff,
				  unsigned long end_pgoff);
	/* a shared page is about to become writable (write-notify) */
	unsigned int (*page_mkwrite)(struct vm_fault *vmf);
};

/*
 * A special mapping (Linux struct vm_special_mapping): a kernel-provided
 * range such as [vdso] or [vvar], installed by _install_special_mapping
 * (mm/mmap.c).  Its VMA never splits (munmap, mprotect, madvise, mremap or
 * MAP_FIXED over part of it give -EINVAL) and never merges (VM_DONTEXPAND).
 * Faults call fault (NULL: SIGBUS).
 */
struct vm_special_mapping {
	const char *name;
	unsigned int (*fault)(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
			      struct vm_fault *vmf);
	/* (Linux's mremap hook only updates mm->context.vdso, not modelled:
	 * a special mapping moves whole like any VMA) */
};

/* A PTE protection value (x86 bits; include/mmkit/pgtable.h). */
typedef struct {
	u64 pgprot;
} pgprot_t;

/*
 * struct vm_area_struct - one mapped range [vm_start, vm_end) of an mm.
 * Invariants (verify, mm/vma.c):
 *   vm_start < vm_end, both page aligned; VMAs do not overlap;
 *   vm_prev->vm_end <= vm_start; anonymous private: vm_pgoff = start >> 12
 *   when mapped (mremap of a faulted VMA keeps the old pgoff, as Linux);
 *   anon_vma != NULL iff anon_vma_chain is not empty.
 */
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	unsigned long vm_flags; /* VM_* (include/mmkit/mm_vma.h) */
	unsigned long vm_pgoff; /* offset in vm_file, in pages */
	struct file *vm_file;
	struct anon_vma *anon_vma;
	struct list_head anon_vma_chain; /* anon_vma_chain.same_vma */
	/* on vm_file's mapping->i_mmap (file VMAs linked into an mm); empty otherwise */
	struct list_head shared;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data; /* special mappings: the vm_special_mapping */
	/* special mappings: [vdso], [vvar], ...; [anon:NAME] of a named anonymous VMA */
	const char *vm_name;
	/* --- tree and list linkage, guarded by mmap_lock --- */
	struct vm_area_struct *vm_prev, *vm_next;
	struct vt_node *vt_leaf; /* leaf holding this VMA */
	/* swap VMA readahead (mm/swap_state.c): last fault address | window | hits */
	_Atomic unsigned long swap_readahead_info;
};

#define AT_VECTOR_SIZE 52 /* words of mm->saved_auxv: room for every pair */

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

/*
 * struct mm_struct - an address space (include/linux/mm_types.h).  The paging
 * fields are used by arch/x86; the address-space work (kernel/, mm/vma.c,
 * mm/mmap.c) adds the VMA tree, counters and layout fields below them.
 */
struct mm_struct {
	/* --- page tables: guarded by page_table_lock --- */
	void *pgd; /* host pointer to the top-level table */
	spinlock_t page_table_lock;
	_Atomic long pgtables_bytes;   /* VmPTE, and meminfo PageTables */
	u64 cpu_bitmap;		       /* CPUs that may hold TLB entries for this mm */
	_Atomic int tlb_flush_pending; /* mmu_gathers in progress (mm/mmu_gather.c) */

	/* ==== address space (kernel/fork.c, mm/vma.c, mm/mmap.c) ==== */
	/* --- guarded by mmap_lock (write to change, read to look) --- */
	struct percpu_rw_semaphore mmap_lock; /* include/mmkit/mmap_lock.h */
	struct vma_tree mm_mt;		      /* the VMAs, keyed by address (mm/vma_tree.c) */
	int map_count;			      /* == mm_mt.count */
	unsigned long flags;		      /* MMF_* (below) */
	unsigned long def_flags; /* VM_LOCKED|VM_LOCKONFAULT after mlockall(MCL_FUTURE) */
	/* Page counts (pages, not bytes), as vm_stat_account keeps them:
	 *   total_vm == sum of vma_pages over all VMAs
	 *   exec_vm  == sum over (flags & (EXEC|WRITE|STACK)) == EXEC
	 *   stack_vm == sum over (flags & STACK) == STACK
	 *   data_vm  == sum over (flags & (WRITE|SHARED|STACK)) == WRITE
	 *   locked_vm == sum over VM_LOCKED VMAs  (except special mappings)
	 *   hiwater_vm >= total_vm at every point it was sampled */
	unsigned long total_vm, locked_vm, pinned_vm, data_vm, exec_vm, stack_vm;
	unsigned long hiwater_vm, hiwater_rss;
	/* locked_vm Linux leaves counted after mremap(MREMAP_DONTUNMAP) of a locked VMA */
	unsigned long locked_vm_dontunmap;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long mmap_base, mmap_legacy_base, task_size;
	/* The auxiliary vector exec gave the program, {type, value} pairs up to
	 * AT_NULL: the core dump's NT_AUXV (Linux mm->saved_auxv) */
	unsigned long saved_auxv[AT_VECTOR_SIZE];
	/* RSS per kind, in pages: per-CPU deltas folded in batches
	 * (include/mmkit/percpu_counter.h), as Linux's rss_stat */
	struct percpu_counter rss_stat[NR_MM_COUNTERS];
	/* --- atomic --- */
	_Atomic int mm_users; /* tasks using the address space (mmget/mmput) */
	/* references to the struct (mmgrab/mmdrop); all mm_users together hold one */
	_Atomic int mm_count;
	/* --- guarded by mmlist_lock --- */
	struct list_head mmlist; /* every mm, on init_mm.mmlist */
	unsigned long mm_id;	 /* serial number, for debug output */
};
extern struct mm_struct init_mm;

/*
 * mm->flags (Linux MMF_*): bits 0-1 the dumpable mode (SUID_DUMP_*), bits
 * 2-10 the coredump filter (/proc/PID/coredump_filter shifted left by 2;
 * fs/coredump.c reads it, fork copies it), MMF_TOPDOWN at bit 31 (a mask
 * here, as mm/mmap.c tests it).
 */
#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1
#define SUID_DUMP_ROOT 2
#define MMF_DUMPABLE_BITS 2
#define MMF_DUMPABLE_MASK ((1UL << MMF_DUMPABLE_BITS) - 1)
#define MMF_DUMP_ANON_PRIVATE 2
#define MMF_DUMP_ANON_SHARED 3
#define MMF_DUMP_MAPPED_PRIVATE 4
#define MMF_DUMP_MAPPED_SHARED 5
#define MMF_DUMP_ELF_HEADERS 6
#define MMF_DUMP_HUGETLB_PRIVATE 7
#define MMF_DUMP_HUGETLB_SHARED 8
#define MMF_DUMP_DAX_PRIVATE 9
#define MMF_DUMP_DAX_SHARED 10
#define MMF_DUMP_FILTER_SHIFT MMF_DUMPABLE_BITS
#define MMF_DUMP_FILTER_BITS 9
#define MMF_DUMP_FILTER_MASK (((1UL << MMF_DUMP_FILTER_BITS) - 1) << MMF_DUMP_FILTER_SHIFT)
/* 0x33 in coredump_filter terms: anonymous private and shared, ELF headers
 * (CONFIG_CORE_DUMP_DEFAULT_ELF_HEADERS=y), hugetlb private */
#define MMF_DUMP_FILTER_DEFAULT                                           \
	((1UL << MMF_DUMP_ANON_PRIVATE) | (1UL << MMF_DUMP_ANON_SHARED) | \
	 (1UL << MMF_DUMP_ELF_HEADERS) | (1UL << MMF_DUMP_HUGETLB_PRIVATE))
#define MMF_TOPDOWN (1UL << 31) /* top-down get_unmapped_area */
/* The OOM killer's bits (mm/oom_kill.c), set with atomic ORs: */
#define MMF_OOM_SKIP (1UL << 21)	/* reaped or given up: not a victim to wait for */
#define MMF_UNSTABLE (1UL << 22)	/* the reaper unmapped its private memory */
#define MMF_OOM_VICTIM (1UL << 23)	/* an OOM victim's mm */
#define MMF_OOM_REAP_QUEUED (1UL << 25) /* on the reaper's queue once */

#endif
