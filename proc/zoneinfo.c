/*
 * zoneinfo.c - /proc/zoneinfo (Linux mm/vmstat.c zoneinfo_show_print): every
 * zone the paging mode configures, populated or not (userspace must see
 * the zones lowmem_reserve_ratio applies to); the node's statistics under
 * the first populated zone; an empty zone stops after its protection line.
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/proc.h"

static bool is_zone_first_populated(const struct zone *zone)
{
	const struct zone *z;

	for_each_zone(z)
		if (populated_zone(z))
			return z == zone;
	return false;
}

static void show_node_stats(FILE *out, struct pglist_data *pgdat)
{
	int i;

	fprintf(out, "\n  per-node stats");
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		unsigned long pages = node_page_state_pages(pgdat, i);

		if (vmstat_item_print_in_thp(i))
			pages /= HPAGE_PMD_NR;
		fprintf(out, "\n      %-12s %lu", node_stat_name(i), pages);
	}
}

static void show_wmarks(FILE *out, struct zone *zone)
{
	bool first = true;
	int j;

	fprintf(out,
		"\n  pages free     %lu\n        boost    %lu\n        min      %lu"
		"\n        low      %lu\n        high     %lu\n        promo    %lu"
		"\n        spanned  %lu\n        present  %lu\n        managed  %lu"
		"\n        cma      %lu",
		zone_page_state(zone, NR_FREE_PAGES), READ_ONCE(zone->watermark_boost),
		min_wmark_pages(zone), low_wmark_pages(zone), high_wmark_pages(zone),
		promo_wmark_pages(zone), zone->spanned_pages, zone->present_pages,
		zone_managed_pages(zone), 0UL);
	fprintf(out, "\n        protection: (");
	for (j = 0; j < MAX_NR_ZONES; j++) {
		if (!zone_type_configured(j))
			continue;
		fprintf(out, "%s%ld", first ? "" : ", ", zone->lowmem_reserve[j]);
		first = false;
	}
	fputc(')', out);
}

static void show_pagesets(FILE *out, struct zone *zone)
{
	int cpu;

	fprintf(out, "\n  pagesets");
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = zone_pcp(zone, cpu);

		fprintf(out,
			"\n    cpu: %i\n              count:    %i\n              high:     %i"
			"\n              batch:    %i\n              high_min: %i"
			"\n              high_max: %i",
			cpu, READ_ONCE(pcp->count), READ_ONCE(pcp->high), READ_ONCE(pcp->batch),
			READ_ONCE(pcp->high_min), READ_ONCE(pcp->high_max));
		fprintf(out, "\n  vm stats threshold: %d",
			zone->pageset[cpu].zstats.stat_threshold);
	}
}

static void zoneinfo_show_print(FILE *out, struct pglist_data *pgdat, struct zone *zone)
{
	int i;

	fprintf(out, "Node %d, zone %8s", pgdat->node_id, zone->name);
	if (is_zone_first_populated(zone))
		show_node_stats(out, pgdat);
	show_wmarks(out, zone);
	if (!populated_zone(zone)) {
		fputc('\n', out);
		return;
	}
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(out, "\n      %-12s %lu", zone_stat_name(i), zone_page_state(zone, i));
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(out, "\n      %-12s %lu", numa_stat_name(i),
			zone_numa_event_state(zone, i));
	show_pagesets(out, zone);
	fprintf(out, "\n  node_unreclaimable:  %u\n  start_pfn:           %lu\n",
		READ_ONCE(pgdat->kswapd_failures) >= 16, zone->zone_start_pfn);
}

static int zoneinfo_show(FILE *out, struct task_struct *t)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct zone *zone;

	(void)t;
	vmstat_refresh(); /* exact counters: see docs/ARCHITECTURE.md */
	for_each_zone(zone) {
		if (!zone_type_configured(zone_idx(zone)))
			continue;
		spin_lock(&zone->lock);
		zoneinfo_show_print(out, pgdat, zone);
		spin_unlock(&zone->lock);
	}
	return 0;
}
PROC_VIEW(proc_zoneinfo, "/proc/zoneinfo", false, zoneinfo_show);
