/*
 * buddyinfo.c - /proc/buddyinfo (Linux mm/vmstat.c frag_show): one line per
 * populated zone, "Node %d, zone %8s " then the free block count of each
 * order as "%6lu ".
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/proc.h"

static int buddyinfo_show(FILE *out, struct task_struct *t)
{
	struct zone *zone;
	unsigned int o;

	(void)t;
	for_each_populated_zone(zone) {
		spin_lock(&zone->lock);
		fprintf(out, "Node %d, zone %8s ", zone->zone_pgdat->node_id, zone->name);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(out, "%6lu ", zone->free_area[o].nr_free);
		fputc('\n', out);
		spin_unlock(&zone->lock);
	}
	return 0;
}
PROC_VIEW(proc_buddyinfo, "/proc/buddyinfo", false, buddyinfo_show);

/* /proc/pagetypeinfo (frag_show's companion): free blocks per migratetype
 * and order, then pageblocks per migratetype. */
static void pagetypeinfo_free(FILE *out, struct zone *zone)
{
	unsigned int o;
	int mt;

	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		fprintf(out, "Node %4d, zone %8s, type %12s ", 0, zone->name,
			migratetype_names[mt]);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(out, "%6lu ", zone->free_area[o].nr_free_mt[mt]);
		fputc('\n', out);
	}
}

static void pagetypeinfo_blocks(FILE *out, struct zone *zone)
{
	unsigned long count[MIGRATE_TYPES] = { 0 }, pfn;
	int mt;

	for (pfn = pageblock_start_pfn(zone->zone_start_pfn); pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages) {
		unsigned long p = max(pfn, zone->zone_start_pfn);

		count[get_pfnblock_migratetype(p)]++;
	}
	fprintf(out, "Node %d, zone %8s ", 0, zone->name);
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(out, "%12lu ", count[mt]);
	fputc('\n', out);
}

static int pagetypeinfo_show(FILE *out, struct task_struct *t)
{
	struct zone *zone;
	unsigned int o;
	int mt;

	(void)t;
	fprintf(out, "Page block order: %u\nPages per block:  %lu\n\n", pageblock_order,
		pageblock_nr_pages);
	fprintf(out, "%-43s ", "Free pages count per migrate type at order");
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(out, "%6u ", o);
	fputc('\n', out);
	for_each_populated_zone(zone) {
		spin_lock(&zone->lock);
		pagetypeinfo_free(out, zone);
		spin_unlock(&zone->lock);
	}
	fprintf(out, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(out, "%12s ", migratetype_names[mt]);
	fputc('\n', out);
	for_each_populated_zone(zone) {
		spin_lock(&zone->lock);
		pagetypeinfo_blocks(out, zone);
		spin_unlock(&zone->lock);
	}
	return 0;
}
PROC_VIEW(proc_pagetypeinfo, "/proc/pagetypeinfo", false, pagetypeinfo_show);
