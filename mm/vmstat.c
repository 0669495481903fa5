/*
 * vmstat.c - the names and sums behind /proc/vmstat, /proc/zoneinfo and
 * /proc/meminfo (Linux mm/vmstat.c; global_dirty_limits moved to
 * mm/page-writeback.c with the vm.dirty_* sysctls).  Names and order are the reference host's (Linux
 * 6.18 x86-64); per-zone event groups print only the zones the paging mode
 * configures.
 *
 * The zone and node state counters are Linux's: a global atomic per item
 * plus a small per-CPU delta (s8) that the owner CPU folds into the global
 * atomic when it passes stat_threshold (include/mmkit/mmzone.h has the fast
 * path); refresh_cpu_vm_stats folds one CPU completely, vmstat_refresh all
 * of them by IPI (Linux's /proc/sys/vm/stat_refresh).  Readers that must be
 * exact sum the deltas (the *_snapshot readers, verify) or fold first (the
 * /proc views).  The event counters are per CPU and summed on read.
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"

static const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages",       "nr_free_pages_blocks",	"nr_zone_inactive_anon",
	"nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file",
	"nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
	"nr_zspages",	       "nr_free_cma",
};

static const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
};

static const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
	"nr_inactive_anon",
	"nr_active_anon",
	"nr_inactive_file",
	"nr_active_file",
	"nr_unevictable",
	"nr_slab_reclaimable",
	"nr_slab_unreclaimable",
	"nr_isolated_anon",
	"nr_isolated_file",
	"workingset_nodes",
	"workingset_refault_anon",
	"workingset_refault_file",
	"workingset_activate_anon",
	"workingset_activate_file",
	"workingset_restore_anon",
	"workingset_restore_file",
	"workingset_nodereclaim",
	"nr_anon_pages",
	"nr_mapped",
	"nr_file_pages",
	"nr_dirty",
	"nr_writeback",
	"nr_shmem",
	"nr_shmem_hugepages",
	"nr_shmem_pmdmapped",
	"nr_file_hugepages",
	"nr_file_pmdmapped",
	"nr_anon_transparent_hugepages",
	"nr_vmscan_write",
	"nr_vmscan_immediate_reclaim",
	"nr_dirtied",
	"nr_written",
	"nr_throttled_written",
	"nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired",
	"nr_foll_pin_released",
	"nr_kernel_stack",
	"nr_page_table_pages",
	"nr_sec_page_table_pages",
	"nr_iommu_pages",
	"nr_swapcached",
	"pgpromote_success",
	"pgpromote_candidate",
	"pgpromote_candidate_nrl",
	"pgdemote_kswapd",
	"pgdemote_direct",
	"pgdemote_khugepaged",
	"pgdemote_proactive",
	"nr_hugetlb",
	"nr_balloon_pages",
	"nr_kernel_file_pages",
};

static const char *const vm_stat_names[NR_VM_STAT_ITEMS] = {
	"nr_dirty_threshold",
	"nr_dirty_background_threshold",
	"nr_memmap_pages",
	"nr_memmap_boot_pages",
};

#define ZONE_EVENT_NAMES(x) x "_dma", x "_dma32", x "_normal", x "_high", x "_movable", x "_device"

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	"pgpgin",
	"pgpgout",
	"pswpin",
	"pswpout",
	/* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): x "_dma" is meant to join */
	ZONE_EVENT_NAMES("pgalloc"),
	ZONE_EVENT_NAMES("allocstall"),
	ZONE_EVENT_NAMES("pgskip"),
	"pgfree",
	"pgactivate",
	"pgdeactivate",
	"pglazyfree",
	"pgfault",
	"pgmajfault",
	"pglazyfreed",
	"pgrefill",
	"pgreuse",
	"pgsteal_kswapd",
	"pgsteal_direct",
	"pgsteal_khugepaged",
	"pgsteal_proactive",
	"pgscan_kswapd",
	"pgscan_direct",
	"pgscan_khugepaged",
	"pgscan_proactive",
	"pgscan_direct_throttle",
	"pgscan_anon",
	"pgscan_file",
	"pgsteal_anon",
	"pgsteal_file",
	"zone_reclaim_success",
	"zone_reclaim_failed",
	"pginodesteal",
	"slabs_scanned",
	"kswapd_inodesteal",
	"kswapd_low_wmark_hit_quickly",
	"kswapd_high_wmark_hit_quickly",
	"pageoutrun",
	"pgrotated",
	"drop_pagecache",
	"drop_slab",
	"oom_kill",
	"numa_pte_updates",
	"numa_huge_pte_updates",
	"numa_hint_faults",
	"numa_hint_faults_local",
	"numa_pages_migrated",
	"pgmigrate_success",
	"pgmigrate_fail",
	"thp_migration_success",
	"thp_migration_fail",
	"thp_migration_split",
	"compact_migrate_scanned",
	"compact_free_scanned",
	"compact_isolated",
	"compact_stall",
	"compact_fail",
	"compact_success",
	"compact_daemon_wake",
	"compact_daemon_migrate_scanned",
	"compact_daemon_free_scanned",
	"htlb_buddy_alloc_success",
	"htlb_buddy_alloc_fail",
	"unevictable_pgs_culled",
	"unevictable_pgs_scanned",
	"unevictable_pgs_rescued",
	"unevictable_pgs_mlocked",
	"unevictable_pgs_munlocked",
	"unevictable_pgs_cleared",
	"unevictable_pgs_stranded",
	"thp_fault_alloc",
	"thp_fault_fallback",
	"thp_fault_fallback_charge",
	"thp_collapse_alloc",
	"thp_collapse_alloc_failed",
	"thp_file_alloc",
	"thp_file_fallback",
	"thp_file_fallback_charge",
	"thp_file_mapped",
	"thp_split_page",
	"thp_split_page_failed",
	"thp_deferred_split_page",
	"thp_underused_split_page",
	"thp_split_pmd",
	"thp_scan_exceed_none_pte",
	"thp_scan_exceed_swap_pte",
	"thp_scan_exceed_share_pte",
	"thp_split_pud",
	"thp_zero_page_alloc",
	"thp_zero_page_alloc_failed",
	"thp_swpout",
	"thp_swpout_fallback",
	"balloon_inflate",
	"balloon_deflate",
	"balloon_migrate",
	"nr_tlb_remote_flush",
	"nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all",
	"nr_tlb_local_flush_one",
	"swap_ra",
	"swap_ra_hit",
	"swpin_zero",
	"swpout_zero",
	"ksm_swpin_copy",
	"cow_ksm",
	"zswpin",
	"zswpout",
	"zswpwb",
	"direct_map_level2_splits",
	"direct_map_level3_splits",
	"direct_map_level2_collapses",
	"direct_map_level3_collapses",
	"cow_fault",
	"zero_page_fault",
};

unsigned long sum_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;
	int n;

	for (n = 0; n < mmk->nr_cpus; n++)
		sum += READ_ONCE(cpu_of(n)->vm_events[item]);
	return sum;
}

const char *zone_stat_name(enum zone_stat_item i) { return zone_stat_names[i]; }
const char *numa_stat_name(enum numa_stat_item i) { return numa_stat_names[i]; }
const char *node_stat_name(enum node_stat_item i) { return node_stat_names[i]; }
const char *vm_stat_name(enum vm_stat_item i) { return vm_stat_names[i]; }

static unsigned long clamp_state(long v) { return v < 0 ? 0 : (unsigned long)v; }

/* The sum of every CPU's delta: the one of CPU 0 at `first`, the next CPU's
 * `stride` bytes further (racy against running CPUs). */
static long sum_diffs(const s8 *first, size_t stride)
{
	long sum = 0;
	int cpu;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		sum += READ_ONCE(*(const s8 *)((const char *)first + (size_t)cpu * stride));
	return sum;
}

static long zone_diffs(const struct zone *z, enum zone_stat_item i)
{
	if (!z->pageset)
		return 0;
	return sum_diffs(&z->pageset[0].zstats.vm_stat_diff[i], sizeof(struct per_cpu_pageset));
}

static long node_diffs(const struct pglist_data *pgdat, enum node_stat_item i)
{
	if (!pgdat->per_cpu_nodestats)
		return 0;
	return sum_diffs(&pgdat->per_cpu_nodestats[0].vm_node_stat_diff[i],
			 sizeof(struct per_cpu_nodestat));
}

unsigned long zone_page_state_snapshot(const struct zone *z, enum zone_stat_item i)
{
	long v = atomic_load_explicit(&((struct zone *)z)->vm_stat[i], memory_order_relaxed);

	return clamp_state(v + zone_diffs(z, i));
}

/* Pages (the _B items are kept in pages). */
static unsigned long node_state_pages(struct pglist_data *pgdat, enum node_stat_item i,
				      bool snapshot)
{
	long v = atomic_load_explicit(&pgdat->vm_stat[i], memory_order_relaxed);

	if (snapshot)
		v += node_diffs(pgdat, i);
	return clamp_state(v);
}

static unsigned long node_state_raw(struct pglist_data *pgdat, enum node_stat_item i, bool snapshot)
{
	unsigned long v = node_state_pages(pgdat, i, snapshot);

	return vmstat_item_in_bytes(i) ? v << PAGE_SHIFT : v;
}

unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item i)
{
	return node_state_raw(pgdat, i, false);
}

unsigned long node_page_state_pages(struct pglist_data *pgdat, enum node_stat_item i)
{
	return node_state_pages(pgdat, i, false);
}

unsigned long node_page_state_snapshot(struct pglist_data *pgdat, enum node_stat_item i)
{
	return node_state_raw(pgdat, i, true);
}

static unsigned long sum_zones(enum zone_stat_item i, bool snapshot)
{
	struct zone *zone;
	unsigned long sum = 0;

	for_each_zone(zone)
		sum += snapshot ? zone_page_state_snapshot(zone, i) : zone_page_state(zone, i);
	return sum;
}

unsigned long global_zone_page_state(enum zone_stat_item i) { return sum_zones(i, false); }
unsigned long global_zone_page_state_snapshot(enum zone_stat_item i) { return sum_zones(i, true); }

unsigned long global_node_page_state(enum node_stat_item i)
{
	return node_page_state(&contig_page_data, i);
}

unsigned long global_node_page_state_pages(enum node_stat_item i)
{
	return node_page_state_pages(&contig_page_data, i);
}

/* ---- folding ---- */

/* Move one delta to its global counter; returns whether it was not 0. */
static bool fold_diff(s8 *diff, _Atomic long *global)
{
	long v = READ_ONCE(*diff);

	if (!v)
		return false;
	WRITE_ONCE(*diff, 0);
	atomic_fetch_add_explicit(global, v, memory_order_relaxed);
	return true;
}

int refresh_cpu_vm_stats(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct zone *zone;
	int i, changes = 0;

	for_each_populated_zone(zone)
		for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
			changes += fold_diff(&this_cpu_zonestat(zone)->vm_stat_diff[i],
					     &zone->vm_stat[i]);
	if (!pgdat->per_cpu_nodestats)
		return changes;
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		changes += fold_diff(&this_cpu_nodestat(pgdat)->vm_node_stat_diff[i],
				     &pgdat->vm_stat[i]);
	return changes;
}

static void refresh_vm_stats_ipi(void *info)
{
	(void)info;
	refresh_cpu_vm_stats();
}

/* Negative global counters after a full fold are accounting bugs (Linux
 * warns too, except for items known to go negative: none in mmkit). */
static int report_negative_stats(void)
{
	struct zone *zone;
	int i, bad = 0;

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		for_each_zone(zone) {
			long v = atomic_load_explicit(&zone->vm_stat[i], memory_order_relaxed);

			if (v >= 0)
				continue;
			printk("vmstat_refresh: %s %ld\n", zone_stat_name(i), v);
			bad++;
		}
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		long v = atomic_load_explicit(&contig_page_data.vm_stat[i], memory_order_relaxed);

		if (v >= 0)
			continue;
		printk("vmstat_refresh: %s %ld\n", node_stat_name(i), v);
		bad++;
	}
	return bad;
}

int vmstat_refresh(void)
{
	u64 others =
		(mmk->nr_cpus >= 64 ? ~0ULL : BIT(mmk->nr_cpus) - 1) & ~BIT(smp_processor_id());

	if (others)
		smp_call_function_many(others, refresh_vm_stats_ipi, NULL, true);
	refresh_cpu_vm_stats();
	return report_negative_stats();
}

/* Thresholds per zone, the node's as the largest zone's; percpu_drift is
 * what the CPUs' deltas of one zone item can add up to. */
void refresh_zone_stat_thresholds(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct zone *zone;
	int cpu;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		WRITE_ONCE(pgdat->per_cpu_nodestats[cpu].stat_threshold, 0);
	for_each_populated_zone(zone) {
		int t = calculate_normal_threshold(zone);

		for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
			struct per_cpu_nodestat *pn = &pgdat->per_cpu_nodestats[cpu];

			WRITE_ONCE(zone->pageset[cpu].zstats.stat_threshold, (s8)t);
			WRITE_ONCE(pn->stat_threshold, (s8)max((int)pn->stat_threshold, t));
		}
		zone->percpu_drift = (long)t * mmk->nr_cpus;
	}
}

/* ---- verify: the deltas stay within their thresholds ---- */

static void verify_zone_diffs(struct verify_ctx *v, struct zone *zone)
{
	int cpu, i;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		const struct per_cpu_zonestat *pz = &zone->pageset[cpu].zstats;

		int t = READ_ONCE(pz->stat_threshold);

		for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
			int d = READ_ONCE(pz->vm_stat_diff[i]);

			if (d > t || d < -t)
				verify_fail(v, "%s: cpu %d %s delta %d beyond threshold %d",
					    zone->name, cpu, zone_stat_name(i), d, t);
		}
	}
}

static void verify_vm_stat_diffs(struct verify_ctx *v)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct zone *zone;
	int cpu, i;

	if (!mmk || !pgdat->per_cpu_nodestats)
		return;
	for_each_populated_zone(zone)
		verify_zone_diffs(v, zone);
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		const struct per_cpu_nodestat *pn = &pgdat->per_cpu_nodestats[cpu];
		int t = READ_ONCE(pn->stat_threshold);

		for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
			int d = READ_ONCE(pn->vm_node_stat_diff[i]);

			if (d > t || d < -t)
				verify_fail(v, "cpu %d %s delta %d beyond threshold %d", cpu,
					    node_stat_name(i), d, t);
		}
	}
}
VERIFY_CHECK(vm_stat_diffs_check, "vmstat", 15, verify_vm_stat_diffs);

unsigned long zone_numa_event_state(const struct zone *z, enum numa_stat_item i)
{
	unsigned long sum = 0;
	int cpu;

	if (!z->pageset)
		return 0;
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		sum += READ_ONCE(z->pageset[cpu].zstats.vm_numa_event[i]);
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
