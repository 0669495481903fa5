/*
 * vmstat.c - the names and sums behind /proc/vmstat, /proc/zoneinfo and
 * /proc/meminfo (Linux mm/vmstat.c, and global_dirty_limits from
 * mm/page-writeback.c).  Names and order are the reference host's (Linux
 * 6.18 x86-64); per-zone event groups print only the zones the paging mode
 * configures.
 *
 * mmkit's zone and node counters are exact atomics (Linux keeps per-CPU
 * deltas and folds them past a threshold); the event counters are per CPU
 * and summed on read, as in Linux.
 */
#include "mm/page_alloc_internal.h"

static const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages", "nr_free_pages_blocks", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
	"nr_zone_write_pending", "nr_mlock", "nr_zspages", "nr_free_cma",
};

static const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
};

static const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
	"nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
	"nr_isolated_file", "workingset_nodes", "workingset_refault_anon",
	"workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
	"nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback", "nr_shmem",
	"nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
	"nr_anon_transparent_hugepages", "nr_vmscan_write", "nr_vmscan_immediate_reclaim",
	"nr_dirtied", "nr_written", "nr_throttled_written", "nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
	"nr_sec_page_table_pages", "nr_iommu_pages", "nr_swapcached", "pgpromote_success",
	"pgpromote_candidate", "pgpromote_candidate_nrl", "pgdemote_kswapd", "pgdemote_direct",
	"pgdemote_khugepaged", "pgdemote_proactive", "nr_hugetlb", "nr_balloon_pages",
	"nr_kernel_file_pages",
};

static const char *const vm_stat_names[NR_VM_STAT_ITEMS] = {
	"nr_dirty_threshold", "nr_dirty_background_threshold", "nr_memmap_pages",
	"nr_memmap_boot_pages",
};

#define ZONE_EVENT_NAMES(x) x "_dma", x "_dma32", x "_normal", x "_high", x "_movable", x "_device"

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	"pgpgin", "pgpgout", "pswpin", "pswpout",
	ZONE_EVENT_NAMES("pgalloc"), ZONE_EVENT_NAMES("allocstall"), ZONE_EVENT_NAMES("pgskip"),
	"pgfree", "pgactivate", "pgdeactivate", "pglazyfree",
	"pgfault", "pgmajfault", "pglazyfreed",
	"pgrefill", "pgreuse",
	"pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged", "pgsteal_proactive",
	"pgscan_kswapd", "pgscan_direct", "pgscan_khugepaged", "pgscan_proactive",
	"pgscan_direct_throttle", "pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
	"zone_reclaim_success", "zone_reclaim_failed",
	"pginodesteal", "slabs_scanned", "kswapd_inodesteal",
	"kswapd_low_wmark_hit_quickly", "kswapd_high_wmark_hit_quickly",
	"pageoutrun", "pgrotated",
	"drop_pagecache", "drop_slab", "oom_kill",
	"numa_pte_updates", "numa_huge_pte_updates", "numa_hint_faults", "numa_hint_faults_local",
	"numa_pages_migrated",
	"pgmigrate_success", "pgmigrate_fail", "thp_migration_success", "thp_migration_fail",
	"thp_migration_split",
	"compact_migrate_scanned", "compact_free_scanned", "compact_isolated", "compact_stall",
	"compact_fail", "compact_success", "compact_daemon_wake", "compact_daemon_migrate_scanned",
	"compact_daemon_free_scanned",
	"htlb_buddy_alloc_success", "htlb_buddy_alloc_fail",
	"unevictable_pgs_culled", "unevictable_pgs_scanned", "unevictable_pgs_rescued",
	"unevictable_pgs_mlocked", "unevictable_pgs_munlocked", "unevictable_pgs_cleared",
	"unevictable_pgs_stranded",
	"thp_fault_alloc", "thp_fault_fallback", "thp_fault_fallback_charge",
	"thp_collapse_alloc", "thp_collapse_alloc_failed", "thp_file_alloc", "thp_file_fallback",
	"thp_file_fallback_charge", "thp_file_mapped", "thp_split_page", "thp_split_page_failed",
	"thp_deferred_split_page", "thp_underused_split_page", "thp_split_pmd",
	"thp_scan_exceed_none_pte", "thp_scan_exceed_swap_pte", "thp_scan_exceed_share_pte",
	"thp_split_pud", "thp_zero_page_alloc", "thp_zero_page_alloc_failed", "thp_swpout",
	"thp_swpout_fallback",
	"balloon_inflate", "balloon_deflate", "balloon_migrate",
	"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
	"swap_ra", "swap_ra_hit", "swpin_zero", "swpout_zero", "ksm_swpin_copy",
	"cow_ksm",
	"zswpin", "zswpout", "zswpwb",
	"direct_map_level2_splits", "direct_map_level3_splits",
	"direct_map_level2_collapses", "direct_map_level3_collapses",
	"cow_fault", "zero_page_fault",
};

const char *zone_stat_name(enum zone_stat_item i) { return zone_stat_names[i]; }
const char *numa_stat_name(enum numa_stat_item i) { return numa_stat_names[i]; }
const char *node_stat_name(enum node_stat_item i) { return node_stat_names[i]; }
const char *vm_stat_name(enum vm_stat_item i) { return vm_stat_names[i]; }

unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item i)
{
	long v = atomic_load_explicit(&pgdat->vm_stat[i], memory_order_relaxed);

	return v < 0 ? 0 : (unsigned long)v;
}

unsigned long node_page_state_pages(struct pglist_data *pgdat, enum node_stat_item i)
{
	unsigned long v = node_page_state(pgdat, i);

	return vmstat_item_in_bytes(i) ? v >> PAGE_SHIFT : v;
}

unsigned long global_zone_page_state(enum zone_stat_item i)
{
	struct zone *zone;
	unsigned long sum = 0;

	for_each_zone(zone)
		sum += zone_page_state(zone, i);
	return sum;
}

unsigned long global_node_page_state(enum node_stat_item i)
{
	return node_page_state(&contig_page_data, i);
}

unsigned long global_node_page_state_pages(enum node_stat_item i)
{
	return node_page_state_pages(&contig_page_data, i);
}

unsigned long zone_numa_event_state(const struct zone *z, enum numa_stat_item i)
{
	unsigned long sum = 0;
	int cpu;

	if (!z->pageset)
		return 0;
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		sum += READ_ONCE(z->pageset[cpu].vm_numa_event[i]);
	return sum;
}

unsigned long global_numa_event_state(enum numa_stat_item i)
{
	struct zone *zone;
	unsigned long sum = 0;

	for_each_zone(zone)
		sum += zone_numa_event_state(zone, i);
	return sum;
}

/* Free and file pages of highmem zones, less their high watermark: not
 * dirtyable while vm.highmem_is_dirtyable is 0. */
static unsigned long highmem_dirtyable_memory(unsigned long total)
{
	struct zone *z = &contig_page_data.node_zones[ZONE_HIGHMEM];
	unsigned long nr;

	if (!populated_zone(z))
		return 0;
	nr = zone_page_state(z, NR_FREE_PAGES) + zone_page_state(z, NR_ZONE_INACTIVE_FILE) +
	     zone_page_state(z, NR_ZONE_ACTIVE_FILE);
	nr -= min(nr, high_wmark_pages(z));
	return min(nr, total);
}

void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty)
{
	unsigned long x = global_zone_page_state(NR_FREE_PAGES);
	unsigned long ratio = 20 * PAGE_SIZE / 100, bg_ratio = 10 * PAGE_SIZE / 100;
	unsigned long thresh, bg;

	x -= min(x, totalreserve_pages);
	x += global_node_page_state(NR_INACTIVE_FILE) + global_node_page_state(NR_ACTIVE_FILE);
	x -= highmem_dirtyable_memory(x);
	x += 1;
	thresh = ratio * x / PAGE_SIZE;
	bg = bg_ratio * x / PAGE_SIZE;
	if (bg >= thresh)
		bg = thresh / 2;
	*pbackground = bg;
	*pdirty = thresh;
}
