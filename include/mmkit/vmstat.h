/*
 * vmstat.h - event counters (per CPU, summed on read), named and ordered as
 * in Linux's /proc/vmstat (mm/vmstat.c vmstat_text) on the reference host
 * (Linux 6.18 x86-64: CONFIG_NUMA, NUMA_BALANCING, MIGRATION, COMPACTION,
 * HUGETLB_PAGE, TRANSPARENT_HUGEPAGE, MEMORY_BALLOON, SWAP, KSM, ZSWAP).
 * Items of subsystems not built yet exist and read 0.
 *
 * The per-zone groups (pgalloc_*, allocstall_*, pgskip_*) hold one slot per
 * zone type of include/mmkit/mmzone.h (DMA, DMA32, Normal, HighMem, Movable,
 * Device), so PGALLOC_DMA + zone_idx(zone) is the zone's counter in every
 * paging mode; /proc/vmstat prints only the zones the mode configures (as a
 * kernel built for that mode would: 64-bit has no HighMem, 32-bit no DMA32
 * and no Device).
 *
 * The zone, NUMA and node *state* counters (nr_free_pages, nr_page_table_pages,
 * ...) are in mmzone.h.
 */
#ifndef MMKIT_VMSTAT_H
#define MMKIT_VMSTAT_H

#include "mmkit/machine.h"

#define VM_ZONE_EVENTS(x) x##_DMA, x##_DMA32, x##_NORMAL, x##_HIGH, x##_MOVABLE, x##_DEVICE

enum vm_event_item {
	PGPGIN,
	PGPGOUT,
	PSWPIN,
	PSWPOUT,
	VM_ZONE_EVENTS(PGALLOC),
	VM_ZONE_EVENTS(ALLOCSTALL),
	VM_ZONE_EVENTS(PGSKIP),
	PGFREE,
	PGACTIVATE,
	PGDEACTIVATE,
	PGLAZYFREE,
	PGFAULT,
	PGMAJFAULT,
	PGLAZYFREED,
	PGREFILL,
	PGREUSE,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGSTEAL_KHUGEPAGED,
	PGSTEAL_PROACTIVE,
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSCAN_KHUGEPAGED,
	PGSCAN_PROACTIVE,
	PGSCAN_DIRECT_THROTTLE,
	PGSCAN_ANON,
	PGSCAN_FILE,
	PGSTEAL_ANON,
	PGSTEAL_FILE,
	PGSCAN_ZONE_RECLAIM_SUCCESS,
	PGSCAN_ZONE_RECLAIM_FAILED,
	PGINODESTEAL,
	SLABS_SCANNED,
	KSWAPD_INODESTEAL,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,
	KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PAGEOUTRUN,
	PGROTATED,
	DROP_PAGECACHE,
	DROP_SLAB,
	OOM_KILL,
	NUMA_PTE_UPDATES,
	NUMA_HUGE_PTE_UPDATES,
	NUMA_HINT_FAULTS,
	NUMA_HINT_FAULTS_LOCAL,
	NUMA_PAGE_MIGRATE,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	THP_MIGRATION_SUCCESS,
	THP_MIGRATION_FAIL,
	THP_MIGRATION_SPLIT,
	COMPACTMIGRATE_SCANNED,
	COMPACTFREE_SCANNED,
	COMPACTISOLATED,
	COMPACTSTALL,
	COMPACTFAIL,
	COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	KCOMPACTD_MIGRATE_SCANNED,
	KCOMPACTD_FREE_SCANNED,
	HTLB_BUDDY_PGALLOC,
	HTLB_BUDDY_PGALLOC_FAIL,
	UNEVICTABLE_PGCULLED,
	UNEVICTABLE_PGSCANNED,
	UNEVICTABLE_PGRESCUED,
	UNEVICTABLE_PGMLOCKED,
	UNEVICTABLE_PGMUNLOCKED,
	UNEVICTABLE_PGCLEARED,
	UNEVICTABLE_PGSTRANDED,
	THP_FAULT_ALLOC,
	THP_FAULT_FALLBACK,
	THP_FAULT_FALLBACK_CHARGE,
	THP_COLLAPSE_ALLOC,
	THP_COLLAPSE_ALLOC_FAILED,
	THP_FILE_ALLOC,
	THP_FILE_FALLBACK,
	THP_FILE_FALLBACK_CHARGE,
	THP_FILE_MAPPED,
	THP_SPLIT_PAGE,
	THP_SPLIT_PAGE_FAILED,
	THP_DEFERRED_SPLIT_PAGE,
	THP_UNDERUSED_SPLIT_PAGE,
	THP_SPLIT_PMD,
	THP_SCAN_EXCEED_NONE_PTE,
	THP_SCAN_EXCEED_SWAP_PTE,
	THP_SCAN_EXCEED_SHARED_PTE,
	THP_SPLIT_PUD,
	THP_ZERO_PAGE_ALLOC,
	THP_ZERO_PAGE_ALLOC_FAILED,
	THP_SWPOUT,
	THP_SWPOUT_FALLBACK,
	BALLOON_INFLATE,
	BALLOON_DEFLATE,
	BALLOON_MIGRATE,
	/* Linux prints these only with CONFIG_DEBUG_TLBFLUSH, which the
	 * reference kernel lacks: mmkit shows them in /proc/mmkit/vmstat. */
	NR_TLB_REMOTE_FLUSH,
	NR_TLB_REMOTE_FLUSH_RECEIVED,
	NR_TLB_LOCAL_FLUSH_ALL,
	NR_TLB_LOCAL_FLUSH_ONE,
	SWAP_RA,
	SWAP_RA_HIT,
	SWPIN_ZERO,
	SWPOUT_ZERO,
	KSM_SWPIN_COPY,
	COW_KSM,
	ZSWPIN,
	ZSWPOUT,
	ZSWPWB,
	DIRECT_MAP_LEVEL2_SPLIT,
	DIRECT_MAP_LEVEL3_SPLIT,
	DIRECT_MAP_LEVEL2_COLLAPSE,
	DIRECT_MAP_LEVEL3_COLLAPSE,
	/* mmkit's own events, in /proc/mmkit/vmstat only */
	COW_FAULT,
	ZERO_PAGE_FAULT,
	NR_VM_EVENT_ITEMS
};

_Static_assert(NR_VM_EVENT_ITEMS <= CPU_EVENT_SLOTS, "struct cpu has too few event slots");

/* The /proc/vmstat name of each event item (mm/vmstat.c). */
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];

/* Event counters (Linux count_vm_event): kept in the CPU's own event slots
 * (struct cpu vm_events); the owner writes, others read racily. */
static __always_inline void count_vm_events(enum vm_event_item item, unsigned long n)
{
	unsigned long *p = &this_cpu()->vm_events[item];
	WRITE_ONCE(*p, READ_ONCE(*p) + n);
}
static __always_inline void count_vm_event(enum vm_event_item item) { count_vm_events(item, 1); }
/* The sum over every CPU (Linux sum_vm_event). */
unsigned long sum_vm_event(enum vm_event_item item);

#endif
