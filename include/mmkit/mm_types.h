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

#include "mmkit/compiler.h"
#include "mmkit/list.h"
#include "mmkit/spinlock.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
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
};
#define ZONES_SHIFT 3
#define ZONES_PGSHIFT (64 - ZONES_SHIFT)

/* page->page_type values (PGTY_*): a frame is at most one of these. */
enum pagetype {
	PGTY_none = 0,
	PGTY_buddy = 0xf0,      /* free, head of a buddy block */
	PGTY_table = 0xf2,      /* a page-table page */
	PGTY_guard = 0xf3,      /* debug_pagealloc guard */
	PGTY_slab = 0xf5,       /* owned by a slab cache */
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
		struct {                         /* PGTY_slab (mm/slab.c) */
			struct kmem_cache *slab_cache;
			void *freelist;          /* first free object (host ptr) */
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
			struct list_head slab_list;
		};
		struct {                         /* PGTY_table (arch/x86/pgtable.c) */
			unsigned long _pt_pad[2];
			struct mm_struct *pt_mm;     /* owner, for the top level */
			unsigned long pt_index;
			unsigned long pt_level;
		};
	};
	unsigned int page_type;
	_Atomic int _mapcount;   /* -1 = unmapped */
	_Atomic int _refcount;
	unsigned int _pad;
};

#define PAGE_MAPPING_ANON 0x1UL

/*
 * struct mm_struct - an address space (include/linux/mm_types.h).  The paging
 * fields are used by arch/x86; the address-space work (kernel/, mm/vma.c,
 * mm/mmap.c) adds the VMA tree, counters and layout fields below them.
 */
struct mm_struct {
	/* --- page tables: guarded by page_table_lock --- */
	void *pgd;                       /* host pointer to the top-level table */
	spinlock_t page_table_lock;
	_Atomic long pgtables_bytes;     /* VmPTE, and meminfo PageTables */
	u64 cpu_bitmap;                  /* CPUs that may hold TLB entries for this mm */
};
extern struct mm_struct init_mm;

#endif
