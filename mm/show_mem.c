/*
 * show_mem.c - memory totals and the failure report (Linux mm/show_mem.c):
 * totalram_pages, si_mem_available (meminfo MemAvailable), and
 * show_free_areas, the per-zone picture printed after an allocation failure.
 */
#include "mm/page_alloc_internal.h"

unsigned long totalram_pages(void)
{
	struct zone *zone;
	unsigned long n = 0;

	for_each_zone(zone)
		n += zone_managed_pages(zone);
	return n;
}

unsigned long totalhigh_pages(void)
{
	return zone_managed_pages(&contig_page_data.node_zones[ZONE_HIGHMEM]);
}

unsigned long nr_free_highpages(void)
{
	return zone_page_state(&contig_page_data.node_zones[ZONE_HIGHMEM], NR_FREE_PAGES);
}

/* Pages above the high watermark in the zones GFP_USER may use. */
unsigned long nr_free_buffer_pages(void)
{
	struct zone *zone;
	unsigned long sum = 0;

	for_each_zone(zone) {
		unsigned long size = zone_managed_pages(zone), high = high_wmark_pages(zone);

		if (zone_idx(zone) <= gfp_zone(GFP_USER) && size > high)
			sum += size - high;
	}
	return sum;
}

/*
 * An estimate of the pages available for new user allocations without
 * swapping: free pages above the reserves, plus the part of the page cache
 * and of reclaimable kernel memory that could be reclaimed (at least half,
 * or all but the low watermarks' worth).
 */
long si_mem_available(void)
{
	struct zone *zone;
	long available, pagecache, reclaimable;
	unsigned long wmark_low = 0;

	for_each_zone(zone)
		wmark_low += low_wmark_pages(zone);
	available = (long)global_zone_page_state(NR_FREE_PAGES) - (long)totalreserve_pages;
	pagecache = (long)(global_node_page_state(NR_ACTIVE_FILE) +
			   global_node_page_state(NR_INACTIVE_FILE));
	pagecache -= min(pagecache / 2, (long)wmark_low);
	available += pagecache;
	reclaimable = (long)(global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) +
			     global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	reclaimable -= min(reclaimable / 2, (long)wmark_low);
	available += reclaimable;
	return available < 0 ? 0 : available;
}

#define K(x) ((x) << (PAGE_SHIFT - 10))

static unsigned long zone_pcp_pages(struct zone *zone)
{
	unsigned long n = 0;
	int cpu;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		n += (unsigned long)READ_ONCE(zone->pageset[cpu].pcp.count);
	return n;
}

static void show_zone(struct zone *zone)
{
	char line[512];
	int n = 0, j;
	unsigned int o;
	unsigned long total = 0;

	printk("Node 0 %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
	       "reserved_highatomic:%luKB free_highatomic:%luKB present:%lukB managed:%lukB "
	       "free_pcp:%lukB\n",
	       zone->name, K(zone_page_state_snapshot(zone, NR_FREE_PAGES)),
	       K(READ_ONCE(zone->watermark_boost)), K(min_wmark_pages(zone)),
	       K(low_wmark_pages(zone)), K(high_wmark_pages(zone)),
	       K(READ_ONCE(zone->nr_reserved_highatomic)), K(READ_ONCE(zone->nr_free_highatomic)),
	       K(zone->present_pages), K(zone_managed_pages(zone)), K(zone_pcp_pages(zone)));
	n += snprintf(line + n, sizeof(line) - (size_t)n, "lowmem_reserve[]:");
	for (j = 0; j < MAX_NR_ZONES; j++)
		if (zone_type_configured(j))
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %ld",
				      zone->lowmem_reserve[j]);
	printk("%s\n", line);
	n = snprintf(line, sizeof(line), "Node 0 %s:", zone->name);
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long nr = READ_ONCE(zone->free_area[o].nr_free);

		total += nr << o;
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %lu*%lukB", nr, K(1UL << o));
	}
	printk("%s = %lukB\n", line, K(total));
}

/* The state of every populated zone, to the kernel log. */
void show_free_areas(void)
{
	struct zone *zone;

	printk("Mem-Info:\n");
	for_each_populated_zone(zone)
		show_zone(zone);
	printk("%lu pages RAM\n%lu pages HighMem/MovableOnly\n%lu pages reserved\n",
	       (unsigned long)(mmk->cfg.ram_bytes >> PAGE_SHIFT), totalhigh_pages(),
	       (unsigned long)(mmk->cfg.ram_bytes >> PAGE_SHIFT) - totalram_pages());
}
