/*
 * mm.h - the page allocator's and the address conversions' public face
 * (include/linux/mm.h, gfp.h).  Implemented in mm/page_alloc.c.
 *
 * Kernel C code in mmkit holds host pointers into the RAM buffer: page_address()
 * returns one.  Scenarios and page tables see simulated kernel virtual addresses
 * (KVA): direct map KVA = PAGE_OFFSET + phys.  kva_of()/host_of_kva() convert.
 */
#ifndef MMKIT_MM_H
#define MMKIT_MM_H

#include "mmkit/machine.h"
#include "mmkit/mm_types.h"
#include "mmkit/mmap_lock.h"
#include "mmkit/gfp.h"
#include "mmkit/vmstat.h"

static __always_inline struct page *pfn_to_page(unsigned long pfn) { return mmk->mem_map + pfn; }
static __always_inline unsigned long page_to_pfn(const struct page *p)
{
	return (unsigned long)(p - mmk->mem_map);
}
static __always_inline bool pfn_valid(unsigned long pfn) { return pfn < mmk->max_pfn; }
static __always_inline phys_addr_t page_to_phys(const struct page *p)
{
	return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT;
}
/* Host pointer to the bytes of physical address `phys`. */
static __always_inline void *phys_to_host(phys_addr_t phys) { return mmk->ram + phys; }
static __always_inline phys_addr_t host_to_phys(const void *p)
{
	return (phys_addr_t)((const u8 *)p - mmk->ram);
}
/* Host pointer of the page's first byte (Linux page_address; highmem pages too,
 * since the host can always reach them; kmap() is the simulated-KVA side). */
static __always_inline void *page_address(const struct page *p)
{
	return phys_to_host(page_to_phys(p));
}
static __always_inline struct page *virt_to_page(const void *host)
{
	return pfn_to_page(host_to_phys(host) >> PAGE_SHIFT);
}
static __always_inline bool host_in_ram(const void *p)
{
	return (const u8 *)p >= mmk->ram && (const u8 *)p < mmk->ram + (mmk->max_pfn << PAGE_SHIFT);
}

/* A blocking allocation may sleep: reclaim and the slow path's pcp drain,
 * an IPI that waits (Linux might_alloc).  Debug builds check the caller may. */
#define might_alloc(gfp)                        \
	do {                                    \
		if ((gfp)&__GFP_DIRECT_RECLAIM) \
			might_sleep();          \
	} while (0)

/* Simulated KVA <-> host pointer, for the direct map and (once it exists) the
 * vmalloc window.  host_of_kva returns NULL for an address with no host alias. */
unsigned long kva_of(const void *host);
void *host_of_kva(unsigned long kva);

/* Reference counts.  page_ref_count is an acquire load: a caller that sees
 * the count a put_page (acq_rel) left behind may rely on that holder being
 * done with the page (do_wp_page's reuse: a zap on another CPU read the
 * page's mapping before it dropped its reference).  Free on x86. */
static inline int page_ref_count(const struct page *p)
{
	return atomic_load_explicit(&((struct page *)p)->_refcount, memory_order_acquire);
}
static inline void set_page_count(struct page *p, int v)
{
	atomic_store_explicit(&p->_refcount, v, memory_order_relaxed);
}
static inline void get_page(struct page *p)
{
	atomic_fetch_add_explicit(&p->_refcount, 1, memory_order_relaxed);
}
/* Drop a reference; returns true when it was the last. */
static inline bool put_page_testzero(struct page *p)
{
	return atomic_fetch_sub_explicit(&p->_refcount, 1, memory_order_acq_rel) == 1;
}
/* Linux page_ref_freeze: the count from `count` to 0 in one step, true if
 * it was exactly `count` (no one else can take a reference then: lookups
 * take theirs only from a nonzero count, under the lock the freezer holds
 * or with folio_try_get).  page_ref_unfreeze gives the count back. */
static inline bool page_ref_freeze(struct page *p, int count)
{
	return atomic_compare_exchange_strong_explicit(&p->_refcount, &count, 0,
						       memory_order_acquire, memory_order_relaxed);
}
static inline void page_ref_unfreeze(struct page *p, int count)
{
	atomic_store_explicit(&p->_refcount, count, memory_order_release);
}
static inline int page_mapcount(const struct page *p)
{
	return atomic_load_explicit(&((struct page *)p)->_mapcount, memory_order_relaxed) + 1;
}

/* Page flags (atomic; the __ forms are for pages nobody else can see). */
static inline bool test_page_flag(const struct page *p, int bit)
{
	return (atomic_load_explicit(&((struct page *)p)->flags, memory_order_relaxed) >> bit) & 1;
}
static inline void set_page_flag(struct page *p, int bit)
{
	atomic_fetch_or_explicit(&p->flags, 1UL << bit, memory_order_relaxed);
}
static inline void clear_page_flag(struct page *p, int bit)
{
	atomic_fetch_and_explicit(&p->flags, ~(1UL << bit), memory_order_relaxed);
}
/* A plain store, for a page whose count is frozen at 0 (Linux __folio_clear_*). */
static inline void __clear_page_flag(struct page *p, int bit)
{
	atomic_store_explicit(&p->flags,
			      atomic_load_explicit(&p->flags, memory_order_relaxed) & ~(1UL << bit),
			      memory_order_relaxed);
}
#define PAGEFLAG(Name, bit)                                                                    \
	static inline bool Page##Name(const struct page *p) { return test_page_flag(p, bit); } \
	static inline void SetPage##Name(struct page *p) { set_page_flag(p, bit); }            \
	static inline void ClearPage##Name(struct page *p) { clear_page_flag(p, bit); }        \
	static inline void __ClearPage##Name(struct page *p) { __clear_page_flag(p, bit); }
/* One per line (clang-format cannot lay out macro calls without a ';'). */
// clang-format off
PAGEFLAG(Locked, PG_locked)
PAGEFLAG(Referenced, PG_referenced)
PAGEFLAG(Uptodate, PG_uptodate)
PAGEFLAG(Dirty, PG_dirty)
PAGEFLAG(LRU, PG_lru)
PAGEFLAG(Active, PG_active)
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Private, PG_private)
PAGEFLAG(Writeback, PG_writeback)
PAGEFLAG(Head, PG_head)
PAGEFLAG(SwapBacked, PG_swapbacked)
PAGEFLAG(Unevictable, PG_unevictable)
PAGEFLAG(Mlocked, PG_mlocked)
PAGEFLAG(SwapCache, PG_swapcache)
PAGEFLAG(Reclaim, PG_reclaim)
PAGEFLAG(Workingset, PG_workingset)
// clang-format on
#undef PAGEFLAG
#define PAGETYPE(Name, ty)                                                                     \
	static inline bool Page##Name(const struct page *p)                                    \
	{                                                                                      \
		return READ_ONCE(((struct page *)p)->page_type) == (ty);                       \
	}                                                                                      \
	static inline void __SetPage##Name(struct page *p) { WRITE_ONCE(p->page_type, (ty)); } \
	static inline void __ClearPage##Name(struct page *p)                                   \
	{                                                                                      \
		WRITE_ONCE(p->page_type, PGTY_none);                                           \
	}
// clang-format off
PAGETYPE(Buddy, PGTY_buddy)
PAGETYPE(Table, PGTY_table)
PAGETYPE(Slab, PGTY_slab)
PAGETYPE(LargeKmalloc, PGTY_large_kmalloc)
// clang-format on
#undef PAGETYPE
static inline bool PageAnon(const struct page *p)
{
	return ((unsigned long)p->mapping & PAGE_MAPPING_ANON) != 0;
}
static inline int page_zonenum(const struct page *p)
{
	return (int)(atomic_load_explicit(&((struct page *)p)->flags, memory_order_relaxed) >>
		     ZONES_PGSHIFT);
}

/* The buddy allocator.  All may be called from any CPU thread; they take
 * zone->lock as needed and use this CPU's per-CPU lists for order 0.
 * alloc_pages returns NULL on failure (after the slow path; reclaim will plug
 * in at the marked seam).  The page comes back with _refcount == 1. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
void __free_pages(struct page *page, unsigned int order);
static inline void __free_page(struct page *page) { __free_pages(page, 0); }
/* Returns a host pointer (Linux returns the KVA as unsigned long; the
 * scenario layer prints kva_of() of it). */
void *__get_free_pages(gfp_t gfp, unsigned int order);
void *get_zeroed_page(gfp_t gfp);
void free_pages(void *addr, unsigned int order);
static inline void free_page(void *addr) { free_pages(addr, 0); }
/* Drop a reference and free the page when it was the last (order 0). */
void put_page(struct page *page);

void drain_local_pages(void);
void drain_all_pages(void);

/* Paging-mode constants, set at boot from cfg.levels (arch/x86). */
extern unsigned long PAGE_OFFSET;

#endif
