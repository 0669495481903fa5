/*
 * mmzone.h - zones, the node, free areas, per-CPU page lists, migratetypes,
 * watermarks and the zone/node state counters (Linux include/linux/mmzone.h,
 * vmstat.h).  Implemented by mm/page_alloc.c, mm/mm_init.c, mm/vmstat.c and
 * mm/show_mem.c.
 *
 * Glossary
 *   zone type   DMA (< 16 MiB), DMA32 (< 4 GiB), Normal, HighMem (32-bit, above
 *               896 MiB), Movable (empty), Device (empty).  The enum is the
 *               same in every paging mode; a mode *configures* a subset, the
 *               one a Linux kernel built for it has (zone_type_configured()).
 *   pageblock   2^pageblock_order frames that share one migratetype.
 *   pcp         per_cpu_pages: a CPU's private cache of free pages of small
 *               orders, refilled and drained in batches under zone->lock.
 *
 * Invariants (checked by verify, mm/debug.c)
 *   zone NR_FREE_PAGES == sum over k, mt of 2^k * |free_area[k].free_list[mt]|
 *   free_area[k].nr_free == sum over mt of |free_area[k].free_list[mt]|
 *   NR_FREE_PAGES_BLOCKS == sum over k >= pageblock_order of 2^k * nr_free[k]
 *   nr_free_highatomic == pages on the MIGRATE_HIGHATOMIC lists
 *   pcp->count == sum over lists of 2^order(list) * |list|
 *   pages on pcp lists are not counted in NR_FREE_PAGES (as in Linux)
 *   spanned >= present >= managed;  lowmem_reserve[j] == 0 for j <= idx
 *
 * Locking
 *   zone->lock          free_area[], nr_free_highatomic, nr_reserved_highatomic,
 *                       pageblock migratetypes (writes), watermark_boost
 *   owner CPU only      the CPU's per_cpu_pages (lists, counters); other CPUs
 *                       read count/high racily (READ_ONCE) and ask the owner
 *                       to drain by IPI (drain_all_pages)
 *   atomics             vm_stat[] counters, zone->flags, managed_pages
 */
#ifndef MMKIT_MMZONE_H
#define MMKIT_MMZONE_H

#include "mmkit/mm.h"

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,               /* the types on the per-CPU lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,                /* never set by mmkit; counted as Linux does */
	MIGRATE_TYPES
};
extern const char *const migratetype_names[MIGRATE_TYPES];

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	MAX_NR_ZONES
};
extern const char *const zone_names[MAX_NR_ZONES];

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

enum zone_stat_item {
	NR_FREE_PAGES,
	NR_FREE_PAGES_BLOCKS,           /* free pages in blocks of order >= pageblock_order */
	NR_ZONE_LRU_BASE,
	NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_ZSPAGES,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};

enum numa_stat_item {
	NUMA_HIT, NUMA_MISS, NUMA_FOREIGN, NUMA_INTERLEAVE_HIT, NUMA_LOCAL, NUMA_OTHER,
	NR_VM_NUMA_EVENT_ITEMS
};

enum node_stat_item {
	NR_LRU_BASE,
	NR_INACTIVE_ANON = NR_LRU_BASE,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_SLAB_RECLAIMABLE_B,          /* bytes; printed in pages */
	NR_SLAB_UNRECLAIMABLE_B,        /* bytes; printed in pages */
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	WORKINGSET_NODES,
	WORKINGSET_REFAULT_ANON,
	WORKINGSET_REFAULT_FILE,
	WORKINGSET_ACTIVATE_ANON,
	WORKINGSET_ACTIVATE_FILE,
	WORKINGSET_RESTORE_ANON,
	WORKINGSET_RESTORE_FILE,
	WORKINGSET_NODERECLAIM,
	NR_ANON_MAPPED,
	NR_FILE_MAPPED,
	NR_FILE_PAGES,
	NR_FILE_DIRTY,
	NR_WRITEBACK,
	NR_SHMEM,
	NR_SHMEM_THPS,                  /* the *_THPS/PMDMAPPED items print in THPs */
	NR_SHMEM_PMDMAPPED,
	NR_FILE_THPS,
	NR_FILE_PMDMAPPED,
	NR_ANON_THPS,
	NR_VMSCAN_WRITE,
	NR_VMSCAN_IMMEDIATE,
	NR_DIRTIED,
	NR_WRITTEN,
	NR_THROTTLED_WRITTEN,
	NR_KERNEL_MISC_RECLAIMABLE,
	NR_FOLL_PIN_ACQUIRED,
	NR_FOLL_PIN_RELEASED,
	NR_KERNEL_STACK_KB,             /* KiB, printed as is */
	NR_PAGETABLE,                   /* page-table pages (meminfo PageTables) */
	NR_SECONDARY_PAGETABLE,
	NR_IOMMU_PAGES,
	NR_SWAPCACHE,
	PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE,
	PGPROMOTE_CANDIDATE_NRL,
	PGDEMOTE_KSWAPD,
	PGDEMOTE_DIRECT,
	PGDEMOTE_KHUGEPAGED,
	PGDEMOTE_PROACTIVE,
	NR_HUGETLB,
	NR_BALLOON_PAGES,
	NR_KERNEL_FILE_PAGES,
	NR_VM_NODE_STAT_ITEMS
};

/* System-wide items printed between the node items and the events. */
enum vm_stat_item {
	NR_DIRTY_THRESHOLD, NR_DIRTY_BG_THRESHOLD, NR_MEMMAP_PAGES, NR_MEMMAP_BOOT_PAGES,
	NR_VM_STAT_ITEMS
};

const char *zone_stat_name(enum zone_stat_item item);
const char *numa_stat_name(enum numa_stat_item item);
const char *node_stat_name(enum node_stat_item item);
const char *vm_stat_name(enum vm_stat_item item);
static inline bool vmstat_item_in_bytes(int item)
{ return item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B; }
static inline bool vmstat_item_print_in_thp(int item)
{
	return item == NR_ANON_THPS || item == NR_FILE_THPS || item == NR_SHMEM_THPS ||
	       item == NR_SHMEM_PMDMAPPED || item == NR_FILE_PMDMAPPED;
}
#define HPAGE_PMD_NR 512

/* ---- per-CPU page lists (orders 0..3 and the THP order, as Linux 6.x) ---- */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_LOWORDER_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP 2
#define NR_PCP_LISTS (NR_LOWORDER_PCP_LISTS + NR_PCP_THP)
#define PCP_BATCH_SCALE_MAX 5           /* CONFIG_PCP_BATCH_SCALE_MAX */
#define PCPF_PREV_FREE_HIGH_ORDER 0x01
#define PCPF_FREE_HIGH_BATCH 0x02

struct per_cpu_pages {
	int count;              /* pages on the lists; others READ_ONCE it */
	int high;               /* drain above this; tuned between high_min and high_max */
	int high_min;
	int high_max;
	int batch;              /* refill/drain chunk */
	u8 flags;               /* PCPF_* */
	u8 alloc_factor;        /* batch scale for consecutive allocations */
	int free_count;         /* pages freed since the last allocation (capped) */
	struct list_head lists[NR_PCP_LISTS];
};

/* One per CPU per zone: the pcp lists and the CPU's share of the zone's
 * statistics (Linux keeps them in two per-CPU areas; one cache-aligned struct
 * here). */
struct per_cpu_pageset {
	struct per_cpu_pages pcp;
	int stat_threshold;                             /* shown by zoneinfo */
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
} __attribute__((aligned(64)));

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
	/* mmkit: per-list counts, so the lockless watermark check can ask "is
	 * this list empty" without reading list pointers other CPUs write. */
	unsigned long nr_free_mt[MIGRATE_TYPES];
};

/* zone->flags bits */
enum zone_flags {
	ZONE_BOOSTED_WATERMARK,         /* a fallback boosted the watermarks: wake kswapd */
	ZONE_RECLAIM_ACTIVE,            /* kswapd is reclaiming (never set yet) */
	ZONE_BELOW_HIGH,                /* free pages fell below the high watermark */
};

struct pglist_data;

struct zone {
	/* --- read-mostly --- */
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;          /* zone->lock */
	unsigned long nr_reserved_highatomic;   /* zone->lock */
	unsigned long nr_free_highatomic;       /* zone->lock; read racily */
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pageset *pageset;        /* [nr_cpus] */
	u8 *pageblock_mt;                       /* migratetype of each pageblock */
	unsigned long pageblock_base_pfn;       /* pfn of pageblock_mt[0] */
	unsigned long zone_start_pfn;
	_Atomic long managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	/* --- zone->lock and what it guards --- */
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	/* --- atomics --- */
	_Atomic unsigned long flags;
	_Atomic long vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	/* Per highest usable zone type: the populated zones a request may use,
	 * highest first, NULL-terminated (Linux node_zonelists). */
	struct zone *zonelist[MAX_NR_ZONES][MAX_NR_ZONES + 1];
	int nr_zones;                           /* highest populated zone + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long totalreserve_pages;
	int kswapd_failures;
	_Atomic long vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;

/* One node (UMA), as on a PC without NUMA topology. */
extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)
#define for_each_zone(z) \
	for ((z) = contig_page_data.node_zones; (z) < contig_page_data.node_zones + MAX_NR_ZONES; (z)++)

/* Pageblocks.  pageblock_order is 9 (2 MiB) in PAE and 64-bit modes, 10
 * (4 MiB, the non-PAE huge page) in levels=2, as Linux derives it from
 * HUGETLB_PAGE_ORDER capped at MAX_PAGE_ORDER. */
extern unsigned int pageblock_order;
#define pageblock_nr_pages (1UL << pageblock_order)
#define pageblock_start_pfn(pfn) ALIGN_DOWN((pfn), pageblock_nr_pages)
extern bool page_group_by_mobility_disabled;

/* Tunables (sysctl vm.*), as Linux's defaults. */
extern int min_free_kbytes;
extern int user_min_free_kbytes;
extern int watermark_scale_factor;      /* 10 */
extern int watermark_boost_factor;      /* 15000 */
extern int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];
extern int percpu_pagelist_high_fraction;
extern unsigned long totalreserve_pages;
/* Lowest pfn not in the direct map (32-bit: 896 MiB; 64-bit: max_pfn);
 * set by arch/x86 (include/mmkit/pgtable.h). */
extern unsigned long max_low_pfn;

/* ---- zone helpers ---- */
static inline struct zone *page_zone(const struct page *page)
{ return &contig_page_data.node_zones[page_zonenum(page)]; }
static inline struct pglist_data *page_pgdat(const struct page *page)
{ (void)page; return &contig_page_data; }
static inline int zone_idx(const struct zone *z) { return (int)(z - z->zone_pgdat->node_zones); }
static inline unsigned long zone_managed_pages(const struct zone *z)
{ return (unsigned long)atomic_load_explicit(&((struct zone *)z)->managed_pages, memory_order_relaxed); }
static inline bool populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline bool managed_zone(const struct zone *z) { return zone_managed_pages(z) != 0; }
static inline unsigned long zone_end_pfn(const struct zone *z) { return z->zone_start_pfn + z->spanned_pages; }
static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{ return z->zone_start_pfn <= pfn && pfn < zone_end_pfn(z); }
static inline bool is_highmem_idx(int idx) { return idx == ZONE_HIGHMEM; }
static inline bool is_highmem(const struct zone *z) { return is_highmem_idx(zone_idx(z)); }
/* Does the paging mode's kernel configure this zone type? */
bool zone_type_configured(enum zone_type t);
#define for_each_populated_zone(z) for_each_zone(z) if (!populated_zone(z)) ; else

static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{ return z->_watermark[w] + READ_ONCE(((struct zone *)z)->watermark_boost); }
#define min_wmark_pages(z)   wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)   wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)  wmark_pages(z, WMARK_HIGH)
#define promo_wmark_pages(z) wmark_pages(z, WMARK_PROMO)

/* ---- state counters (exact: one atomic per zone/node item) ---- */
static inline void mod_zone_page_state(struct zone *z, enum zone_stat_item i, long d)
{ atomic_fetch_add_explicit(&z->vm_stat[i], d, memory_order_relaxed); }
#define __mod_zone_page_state mod_zone_page_state
static inline unsigned long zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	long v = atomic_load_explicit(&((struct zone *)z)->vm_stat[i], memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}
static inline void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item i, long d)
{ atomic_fetch_add_explicit(&pgdat->vm_stat[i], d, memory_order_relaxed); }
#define __mod_node_page_state mod_node_page_state
static inline void inc_node_page_state(struct page *page, enum node_stat_item i)
{ mod_node_page_state(page_pgdat(page), i, 1); }
static inline void dec_node_page_state(struct page *page, enum node_stat_item i)
{ mod_node_page_state(page_pgdat(page), i, -1); }
/* Linux charges these to the page's memcg and node; mmkit has no memcg. */
static inline void mod_lruvec_page_state(struct page *page, enum node_stat_item i, long d)
{ mod_node_page_state(page_pgdat(page), i, d); }
#define __mod_lruvec_page_state mod_lruvec_page_state
static inline void inc_zone_page_state(struct page *page, enum zone_stat_item i)
{ mod_zone_page_state(page_zone(page), i, 1); }
static inline void dec_zone_page_state(struct page *page, enum zone_stat_item i)
{ mod_zone_page_state(page_zone(page), i, -1); }
/* Raw value (bytes for the _B items, KiB for NR_KERNEL_STACK_KB). */
unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item i);
/* In pages: the _B items divided by PAGE_SIZE. */
unsigned long node_page_state_pages(struct pglist_data *pgdat, enum node_stat_item i);
unsigned long global_zone_page_state(enum zone_stat_item i);
unsigned long global_node_page_state(enum node_stat_item i);
unsigned long global_node_page_state_pages(enum node_stat_item i);
/* NUMA events of a zone, summed over the CPUs. */
unsigned long zone_numa_event_state(const struct zone *z, enum numa_stat_item i);
unsigned long global_numa_event_state(enum numa_stat_item i);
/* nr_dirty_threshold / nr_dirty_background_threshold (vm.dirty_ratio 20,
 * dirty_background_ratio 10), as global_dirty_limits computes them. */
void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty);

/* ---- memory totals (mm/show_mem.c) ---- */
unsigned long totalram_pages(void);     /* sum of managed pages */
unsigned long totalhigh_pages(void);
unsigned long nr_free_highpages(void);
unsigned long nr_free_buffer_pages(void);
long si_mem_available(void);            /* meminfo MemAvailable, in pages */

/* ---- the allocator's internals that views, tests and verify use ---- */
/* GFP -> highest usable zone type; -1 for an invalid zone-modifier combination. */
int gfp_zone(gfp_t gfp);
static inline int gfp_migratetype(gfp_t gfp)
{
	if (unlikely(page_group_by_mobility_disabled))
		return MIGRATE_UNMOVABLE;
	return (int)((gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) >> 3);
}
int get_pageblock_migratetype(const struct page *page);
/* zone->lock held. */
void set_pageblock_migratetype(struct page *page, int migratetype);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);
/* vmstat stat_threshold, as calculate_normal_threshold(). */
int calculate_normal_threshold(const struct zone *z);
static inline unsigned int buddy_order(const struct page *page) { return (unsigned int)page->private; }

/* Allocation record (like page_owner's page_ext): order+1 at the head pfn of
 * each live buddy allocation, 0 elsewhere.  Used to detect frees with the
 * wrong order or of a pointer inside an allocation. */
extern u8 *pgalloc_order_rec;
/* The head pfn of the live allocation that covers pfn, or -1UL. */
unsigned long pgalloc_head_pfn(unsigned long pfn, unsigned int *order);

/* Free with a status: 0 when the reference was dropped (and the block
 * freed when it was the last one), -EINVAL when the free was refused with a
 * bad_page report (double free, wrong order, tail pointer, bad state).
 * __free_pages() is this without the status. */
int mmk_free_pages(struct page *page, unsigned int order);
/* Pages whose refcount is already 0 (Linux free_frozen_pages). */
void free_frozen_pages(struct page *page, unsigned int order);
/* Allocate without taking a reference (Linux alloc_frozen_pages). */
struct page *alloc_frozen_pages(gfp_t gfp, unsigned int order);

/* The CPU's pcp lists of a zone (for views and tests). */
static inline struct per_cpu_pages *zone_pcp(struct zone *z, int cpu) { return &z->pageset[cpu].pcp; }
/* Drain the pcp lists of one zone (NULL = all) on every CPU (IPI). */
void drain_all_pages_zone(struct zone *zone);

/* Reports of allocations refused or frees rejected since boot (mmkit). */
extern _Atomic unsigned long nr_bad_pages;

#endif
