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
 *   zone NR_FREE_PAGES (global + every CPU's delta, see "state counters")
 *     == sum over k, mt of 2^k * |free_area[k].free_list[mt]|
 *   free_area[k].nr_free == sum over mt of |free_area[k].free_list[mt]|
 *   NR_FREE_PAGES_BLOCKS == sum over k >= pageblock_order of 2^k * nr_free[k]
 *   nr_free_highatomic == pages on the MIGRATE_HIGHATOMIC lists
 *   pcp->count == sum over lists of 2^order(list) * |list|
 *   pages on pcp lists are not counted in NR_FREE_PAGES (as in Linux)
 *   spanned >= present >= managed;  lowmem_reserve[j] == 0 for j <= idx
 *
 * Locking
 *   zone->lock          free_area[], nr_free_highatomic, nr_reserved_highatomic,
 *                       pageblock migratetypes (writes), watermark_boost; the
 *                       NR_FREE_PAGES* diffs are changed under it too
 *   owner CPU only      the CPU's per_cpu_pages (lists, counters) and its
 *                       vm_stat_diff[] deltas; other CPUs read them racily
 *                       (READ_ONCE) and ask the owner by IPI to drain its
 *                       lists (drain_all_pages) or fold its deltas
 *                       (vmstat_refresh)
 *   atomics             global vm_stat[] counters, zone->flags, managed_pages
 */
#ifndef MMKIT_MMZONE_H
#define MMKIT_MMZONE_H

#include "mmkit/mm.h"

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES, /* the types on the per-CPU lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE, /* never set by mmkit; counted as Linux does */
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
	NR_FREE_PAGES_BLOCKS, /* free pages in blocks of order >= pageblock_order */
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
	NUMA_HIT,
	NUMA_MISS,
	NUMA_FOREIGN,
	NUMA_INTERLEAVE_HIT,
	NUMA_LOCAL,
	NUMA_OTHER,
	NR_VM_NUMA_EVENT_ITEMS
};

enum node_stat_item {
	NR_LRU_BASE,
	NR_INACTIVE_ANON = NR_LRU_BASE,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_SLAB_RECLAIMABLE_B,	 /* bytes; printed in pages */
	NR_SLAB_UNRECLAIMABLE_B, /* bytes; printed in pages */
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
	NR_SHMEM_THPS, /* the *_THPS/PMDMAPPED items print in THPs */
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
	NR_KERNEL_STACK_KB, /* KiB, printed as is */
	NR_PAGETABLE,	    /* page-table pages (meminfo PageTables) */
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
	NR_DIRTY_THRESHOLD,
	NR_DIRTY_BG_THRESHOLD,
	NR_MEMMAP_PAGES,
	NR_MEMMAP_BOOT_PAGES,
	NR_VM_STAT_ITEMS
};

const char *zone_stat_name(enum zone_stat_item item);
const char *numa_stat_name(enum numa_stat_item item);
const char *node_stat_name(enum node_stat_item item);
const char *vm_stat_name(enum vm_stat_item item);
static inline bool vmstat_item_in_bytes(int item)
{
	return item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B;
}
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
#define PCP_BATCH_SCALE_MAX 5 /* CONFIG_PCP_BATCH_SCALE_MAX */
#define PCPF_PREV_FREE_HIGH_ORDER 0x01
#define PCPF_FREE_HIGH_BATCH 0x02

struct per_cpu_pages {
	int count; /* pages on the lists; others READ_ONCE it */
	int high;  /* drain above this; tuned between high_min and high_max */
	int high_min;
	int high_max;
	int batch;	 /* refill/drain chunk */
	u8 flags;	 /* PCPF_* */
	u8 alloc_factor; /* batch scale for consecutive allocations */
	int free_count;	 /* pages freed since the last allocation (capped) */
	struct list_head lists[NR_PCP_LISTS];
};

/* A CPU's share of a zone's statistics (Linux struct per_cpu_zonestat): the
 * state-counter deltas not yet folded into zone->vm_stat[], and the NUMA
 * events (summed on read).  Written by the owner CPU only. */
struct per_cpu_zonestat {
	s8 vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
	s8 stat_threshold; /* fold past +-this; zoneinfo shows it */
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
};

/* A CPU's unfolded deltas of the node's counters (Linux per_cpu_nodestat);
 * the _B items are kept in pages, as Linux does.  One cache line per CPU. */
struct per_cpu_nodestat {
	s8 stat_threshold; /* the largest of the zones' */
	s8 vm_node_stat_diff[NR_VM_NODE_STAT_ITEMS];
} __attribute__((aligned(64)));

/* One per CPU per zone: the pcp lists and the CPU's share of the zone's
 * statistics (Linux keeps them in two per-CPU areas; one cache-aligned struct
 * here). */
struct per_cpu_pageset {
	struct per_cpu_pages pcp;
	struct per_cpu_zonestat zstats;
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
	ZONE_BOOSTED_WATERMARK, /* a fallback boosted the watermarks: wake kswapd */
	ZONE_RECLAIM_ACTIVE,	/* kswapd is reclaiming (never set yet) */
	ZONE_BELOW_HIGH,	/* free pages fell below the high watermark */
};

struct pglist_data;

struct zone {
	/* --- read-mostly --- */
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;	      /* zone->lock */
	unsigned long nr_reserved_highatomic; /* zone->lock */
	unsigned long nr_free_highatomic;     /* zone->lock; read racily */
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pageset *pageset;  /* [nr_cpus] */
	u8 *pageblock_mt;		  /* migratetype of each pageblock */
	unsigned long pageblock_base_pfn; /* pfn of pageblock_mt[0] */
	unsigned long zone_start_pfn;
	_Atomic long managed_pages;
	/* sum of the CPUs' stat_threshold: how far the global counters may be off */
	long percpu_drift;
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

/*
 * The LRU lists of a node (Linux struct lruvec, mm/swap.c, mm/vmscan.c).
 * A page on a list has PG_lru; its list follows from its flags
 * (folio_lru_list): PG_unevictable -> LRU_UNEVICTABLE, else anon (swap-backed)
 * or file, and active with PG_active.  lru_lock guards the lists, nr_pages[],
 * PG_lru changes of listed pages and the cost/refault fields; the
 * NR_LRU_BASE/NR_ZONE_LRU_BASE counters follow nr_pages[] (verify checks).
 */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};
#define LRU_ACTIVE 1
#define LRU_FILE 2
#define for_each_lru(lru) for ((lru) = 0; (lru) < NR_LRU_LISTS; (lru)++)
#define for_each_evictable_lru(lru) for ((lru) = 0; (lru) <= LRU_ACTIVE_FILE; (lru)++)
static inline bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}
static inline bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

enum lruvec_flags { LRUVEC_CGROUP_CONGESTED, LRUVEC_NODE_CONGESTED };

struct lruvec {
	struct list_head lists[NR_LRU_LISTS];
	spinlock_t lru_lock;
	unsigned long nr_pages[NR_LRU_LISTS][MAX_NR_ZONES]; /* lru_lock: exact sizes */
	unsigned long anon_cost, file_cost;		    /* lru_lock: lru_note_cost */
	_Atomic unsigned long nonresident_age; /* evictions + activations (workingset) */
	unsigned long refaults[2];	       /* workingset refaults at the last reclaim */
	unsigned long flags;
	struct pglist_data *pgdat;
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	/* Per highest usable zone type: the populated zones a request may use,
	 * highest first, NULL-terminated (Linux node_zonelists). */
	struct zone *zonelist[MAX_NR_ZONES][MAX_NR_ZONES + 1];
	int nr_zones; /* highest populated zone + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long totalreserve_pages;
	int kswapd_failures;			     /* balance_pgdat runs that freed nothing */
	_Atomic int kswapd_order;		     /* the largest order woken for (Linux) */
	_Atomic int kswapd_highest_zoneidx;	     /* MAX_NR_ZONES: none pending */
	_Atomic bool kswapd_woken;		     /* wake_up_interruptible(&kswapd_wait) */
	struct task_struct *kswapd;		     /* kswapd0 (mm/vmscan.c) */
	struct lruvec __lruvec;			     /* the node's LRU lists (mm/swap.c) */
	struct per_cpu_nodestat *per_cpu_nodestats;  /* [nr_cpus] */
	_Atomic long vm_stat[NR_VM_NODE_STAT_ITEMS]; /* _B items in pages */
} pg_data_t;

/* One node (UMA), as on a PC without NUMA topology. */
extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)
#define for_each_zone(z)                                                                          \
	for ((z) = contig_page_data.node_zones; (z) < contig_page_data.node_zones + MAX_NR_ZONES; \
	     (z)++)

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
/* Recompute every zone's watermarks from min_free_kbytes (mm/mm_init.c). */
void setup_per_zone_wmarks(void);
extern int watermark_scale_factor; /* 10 */
extern int watermark_boost_factor; /* 15000 */
extern int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];
extern int percpu_pagelist_high_fraction;
extern unsigned long totalreserve_pages;
/* Lowest pfn not in the direct map (32-bit: 896 MiB; 64-bit: max_pfn);
 * set by arch/x86 (include/mmkit/pgtable.h). */
extern unsigned long max_low_pfn;

/* ---- zone helpers ---- */
static inline struct zone *page_zone(const struct page *page)
{
	return &contig_page_data.node_zones[page_zonenum(page)];
}
static inline struct pglist_data *page_pgdat(const struct page *page)
{
	(void)page;
	return &contig_page_data;
}
static inline int zone_idx(const struct zone *z) { return (int)(z - z->zone_pgdat->node_zones); }
static inline unsigned long zone_managed_pages(const struct zone *z)
{
	return (unsigned long)atomic_load_explicit(&((struct zone *)z)->managed_pages,
						   memory_order_relaxed);
}
static inline bool populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline bool managed_zone(const struct zone *z) { return zone_managed_pages(z) != 0; }
static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}
static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return z->zone_start_pfn <= pfn && pfn < zone_end_pfn(z);
}
static inline bool is_highmem_idx(int idx) { return idx == ZONE_HIGHMEM; }
static inline bool is_highmem(const struct zone *z) { return is_highmem_idx(zone_idx(z)); }
/* Does the paging mode's kernel configure this zone type? */
bool zone_type_configured(enum zone_type t);
#define for_each_populated_zone(z)      \
	for_each_zone(z)                \
		if (!populated_zone(z)) \
			;               \
		else

static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + READ_ONCE(((struct zone *)z)->watermark_boost);
}
#define min_wmark_pages(z) wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z) wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z) wmark_pages(z, WMARK_HIGH)
#define promo_wmark_pages(z) wmark_pages(z, WMARK_PROMO)

/*
 * ---- state counters (Linux vmstat.h, mm/vmstat.c) ----
 * Each zone and node item is a global atomic plus one small delta per CPU:
 *
 *   exact value == vm_stat[i] + sum over CPUs of vm_stat_diff[i]
 *   |vm_stat_diff[i]| <= that CPU's stat_threshold       (verify checks both)
 *
 * A CPU adds to its own delta with plain loads and stores (only the owner
 * writes it, and mmkit CPUs take no interrupt inside the update) and moves
 * the whole delta into the global atomic once it passes the threshold
 * (calculate_normal_threshold: 2..125), so a counter bumped on every fault
 * shares no cache line between CPUs.  Readers choose:
 *   zone_page_state, node_page_state, global_*   the global part only, off by
 *       at most zone->percpu_drift (Linux; cheap, for heuristics)
 *   zone_page_state_snapshot, node_page_state_snapshot   global + every
 *       CPU's delta: exact when the CPUs are quiescent (verify, tests)
 *   vmstat_refresh()   folds every CPU's deltas by IPI, after which the
 *       global parts are exact (the /proc views call it first)
 * The watermark checks (mm/page_alloc.c) read the global part and take the
 * snapshot only when it is within percpu_drift of the mark, so allocation
 * decisions are those of exact counters.
 */
static __always_inline void zone_page_state_add(long x, struct zone *z, enum zone_stat_item i)
{
	atomic_fetch_add_explicit(&z->vm_stat[i], x, memory_order_relaxed);
}
static __always_inline void node_page_state_add(long x, struct pglist_data *pgdat,
						enum node_stat_item i)
{
	atomic_fetch_add_explicit(&pgdat->vm_stat[i], x, memory_order_relaxed);
}

static __always_inline struct per_cpu_zonestat *this_cpu_zonestat(struct zone *z)
{
	return &z->pageset[smp_processor_id()].zstats;
}
static __always_inline struct per_cpu_nodestat *this_cpu_nodestat(struct pglist_data *pgdat)
{
	return &pgdat->per_cpu_nodestats[smp_processor_id()];
}

/* Delta d + the CPU's delta, folded to the global counter past the
 * threshold (Linux __mod_zone_page_state; every mmkit context may use it).
 * On a CPU thread; NR_FREE_PAGES* only under zone->lock. */
static __always_inline void __mod_zone_page_state(struct zone *z, enum zone_stat_item i, long d)
{
	struct per_cpu_zonestat *pz = this_cpu_zonestat(z);
	long x = d + READ_ONCE(pz->vm_stat_diff[i]);
	long t = READ_ONCE(pz->stat_threshold);

	if (unlikely(x > t || x < -t)) {
		zone_page_state_add(x, z, i);
		x = 0;
	}
	WRITE_ONCE(pz->vm_stat_diff[i], (s8)x);
}
#define mod_zone_page_state __mod_zone_page_state

/* The node's version; _B items take bytes (whole pages) and keep pages. */
static __always_inline void __mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item i,
						  long d)
{
	struct per_cpu_nodestat *pn = this_cpu_nodestat(pgdat);
	long x, t;

	if (vmstat_item_in_bytes(i)) {
		VM_WARN_ON(d & (long)(PAGE_SIZE - 1));
		d /= (long)PAGE_SIZE;
	}
	x = d + READ_ONCE(pn->vm_node_stat_diff[i]);
	t = READ_ONCE(pn->stat_threshold);
	if (unlikely(x > t || x < -t)) {
		node_page_state_add(x, pgdat, i);
		x = 0;
	}
	WRITE_ONCE(pn->vm_node_stat_diff[i], (s8)x);
}
#define mod_node_page_state __mod_node_page_state

/* The same from any thread: the CPU's delta on a simulated CPU, the global
 * counter itself from a thread that is none (the CLI, boot, a test's
 * main thread, which have no per-CPU delta to use). */
static __always_inline void mod_zone_page_state_any(struct zone *z, enum zone_stat_item i, long d)
{
	if (this_cpu())
		__mod_zone_page_state(z, i, d);
	else
		zone_page_state_add(d, z, i);
}
static __always_inline void mod_node_page_state_any(struct pglist_data *pgdat,
						    enum node_stat_item i, long d)
{
	if (this_cpu())
		__mod_node_page_state(pgdat, i, d);
	else
		node_page_state_add(vmstat_item_in_bytes(i) ? d / (long)PAGE_SIZE : d, pgdat, i);
}

/* +-1 with overstep (Linux __inc_zone_state/__dec_zone_state): a delta that
 * passes the threshold folds with half a threshold more, so that a counter
 * moving one way folds half as often. */
static __always_inline void vmstat_step(s8 *diff, int step, long t, long *fold)
{
	long v = READ_ONCE(*diff) + step;

	*fold = 0;
	if (unlikely(v > t || v < -t)) {
		*fold = v + step * (t >> 1);
		v = -step * (t >> 1);
	}
	WRITE_ONCE(*diff, (s8)v);
}
static __always_inline void __mod_zone_state_step(struct zone *z, enum zone_stat_item i, int step)
{
	struct per_cpu_zonestat *pz = this_cpu_zonestat(z);
	long fold;

	vmstat_step(&pz->vm_stat_diff[i], step, READ_ONCE(pz->stat_threshold), &fold);
	if (unlikely(fold))
		zone_page_state_add(fold, z, i);
}
static __always_inline void __mod_node_state_step(struct pglist_data *pgdat, enum node_stat_item i,
						  int step)
{
	struct per_cpu_nodestat *pn = this_cpu_nodestat(pgdat);
	long fold;

	VM_WARN_ON(vmstat_item_in_bytes(i));
	vmstat_step(&pn->vm_node_stat_diff[i], step, READ_ONCE(pn->stat_threshold), &fold);
	if (unlikely(fold))
		node_page_state_add(fold, pgdat, i);
}
static inline void inc_zone_page_state(struct page *page, enum zone_stat_item i)
{
	__mod_zone_state_step(page_zone(page), i, 1);
}
static inline void dec_zone_page_state(struct page *page, enum zone_stat_item i)
{
	__mod_zone_state_step(page_zone(page), i, -1);
}
static inline void inc_node_page_state(struct page *page, enum node_stat_item i)
{
	__mod_node_state_step(page_pgdat(page), i, 1);
}
static inline void dec_node_page_state(struct page *page, enum node_stat_item i)
{
	__mod_node_state_step(page_pgdat(page), i, -1);
}
/* Linux charges these to the page's memcg and node; mmkit has no memcg. */
static inline void mod_lruvec_page_state(struct page *page, enum node_stat_item i, long d)
{
	mod_node_page_state(page_pgdat(page), i, d);
}
#define __mod_lruvec_page_state mod_lruvec_page_state

/* The global part, clamped at 0 (a transiently negative sum reads 0). */
static inline unsigned long zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	long v = atomic_load_explicit(&((struct zone *)z)->vm_stat[i], memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}
/* Global part + every CPU's delta, clamped at 0. */
unsigned long zone_page_state_snapshot(const struct zone *z, enum zone_stat_item i);
/* Global part.  Raw: bytes for the _B items, KiB for NR_KERNEL_STACK_KB. */
unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item i);
/* In pages: the _B items as pages. */
unsigned long node_page_state_pages(struct pglist_data *pgdat, enum node_stat_item i);
/* Global part + every CPU's delta; raw units as node_page_state. */
unsigned long node_page_state_snapshot(struct pglist_data *pgdat, enum node_stat_item i);
unsigned long global_zone_page_state(enum zone_stat_item i);
unsigned long global_node_page_state(enum node_stat_item i);
unsigned long global_node_page_state_pages(enum node_stat_item i);
/* Sum of zone_page_state_snapshot over the zones (exact NR_FREE_PAGES etc.). */
unsigned long global_zone_page_state_snapshot(enum zone_stat_item i);

/* Fold this CPU's deltas into the global counters (Linux
 * refresh_cpu_vm_stats).  On a CPU thread; returns how many deltas were
 * not zero. */
int refresh_cpu_vm_stats(void);
/* Fold every CPU's deltas (Linux vmstat_refresh, /proc/sys/vm/stat_refresh):
 * the others by IPI, waiting for them.  On a CPU thread holding no spinlock.
 * Returns the number of global counters found negative afterwards (each
 * printk'd; 0 unless the accounting is broken). */
int vmstat_refresh(void);
/* Set every CPU's thresholds and the zones' percpu_drift (Linux
 * refresh_zone_stat_thresholds).  Boot only: with deltas at 0. */
void refresh_zone_stat_thresholds(void);

/* NUMA events of a zone, summed over the CPUs. */
unsigned long zone_numa_event_state(const struct zone *z, enum numa_stat_item i);
unsigned long global_numa_event_state(enum numa_stat_item i);
/* nr_dirty_threshold / nr_dirty_background_threshold (vm.dirty_ratio 20,
 * dirty_background_ratio 10), as global_dirty_limits computes them. */
void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty);

/* ---- memory totals (mm/show_mem.c) ---- */
unsigned long totalram_pages(void); /* sum of managed pages */
unsigned long totalhigh_pages(void);
unsigned long nr_free_highpages(void);
unsigned long nr_free_buffer_pages(void);
long si_mem_available(void); /* meminfo MemAvailable, in pages */

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
/* zone_watermark_ok on the exact free count (kswapd's check). */
bool zone_watermark_ok_safe(struct zone *z, unsigned int order, unsigned long mark,
			    int highest_zoneidx);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags);
/* vmstat stat_threshold, as calculate_normal_threshold(). */
int calculate_normal_threshold(const struct zone *z);
static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page->private;
}

/* Allocation record (like page_owner's page_ext): struct page alloc_rec is
 * order+1 at the head of each live buddy allocation, 0 elsewhere.  Used to
 * detect frees with the wrong order or of a pointer inside an allocation. */
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
static inline struct per_cpu_pages *zone_pcp(struct zone *z, int cpu)
{
	return &z->pageset[cpu].pcp;
}
/* Drain the pcp lists of one zone (NULL = all) on every CPU (IPI). */
void drain_all_pages_zone(struct zone *zone);

/* Reports of allocations refused or frees rejected since boot (mmkit). */
extern _Atomic unsigned long nr_bad_pages;

#endif
