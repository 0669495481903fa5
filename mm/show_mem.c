/*
 * show_mem.c - memory totals and the failure report (Linux mm/show_mem.c):
 * totalram_pages, si_mem_available (meminfo MemAvailable), and
 * show_free_areas (Linux __show_mem), the memory picture printed after an
 * allocation failure and in the OOM report: the totals in pages, the node
 * in kB, each zone's watermarks and LRU sizes, its free blocks by order
 * with their migrate types, hugetlb, page cache and swap, and the page
 * totals, line for line as Linux 6.18 prints them.
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/swap.h"

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

/* Linux show_migration_types: the letters of the free lists that hold blocks. */
static void migration_types(char *buf, size_t n, unsigned int types)
{
	static const char symbols[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'I' };
	size_t k = 0;
	int t;

	for (t = 0; t < MIGRATE_TYPES && k + 1 < n; t++)
		if (types & (1U << t))
			buf[k++] = symbols[t];
	buf[k] = '\0';
}

static unsigned long pgdat_state_kb(enum node_stat_item item)
{
	return K(global_node_page_state(item));
}

/* The totals' lines and the node's line (Linux show_free_areas, first part). */
static void show_node_totals(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	unsigned long free_pcp = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		free_pcp += zone_pcp_pages(zone);
	printk("active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
	       " active_file:%lu inactive_file:%lu isolated_file:%lu\n"
	       " unevictable:%lu dirty:%lu writeback:%lu\n"
	       " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
	       " mapped:%lu shmem:%lu pagetables:%lu\n"
	       " sec_pagetables:%lu bounce:%lu\n"
	       " kernel_misc_reclaimable:%lu\n"
	       " free:%lu free_pcp:%lu free_cma:%lu\n",
	       global_node_page_state(NR_ACTIVE_ANON), global_node_page_state(NR_INACTIVE_ANON),
	       global_node_page_state(NR_ISOLATED_ANON), global_node_page_state(NR_ACTIVE_FILE),
	       global_node_page_state(NR_INACTIVE_FILE), global_node_page_state(NR_ISOLATED_FILE),
	       global_node_page_state(NR_UNEVICTABLE), global_node_page_state(NR_FILE_DIRTY),
	       global_node_page_state(NR_WRITEBACK),
	       global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B),
	       global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B),
	       global_node_page_state(NR_FILE_MAPPED), global_node_page_state(NR_SHMEM),
	       global_node_page_state(NR_PAGETABLE), global_node_page_state(NR_SECONDARY_PAGETABLE),
	       0UL, global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE),
	       global_zone_page_state_snapshot(NR_FREE_PAGES), free_pcp,
	       global_zone_page_state(NR_FREE_CMA_PAGES));
	printk("Node 0 active_anon:%lukB inactive_anon:%lukB active_file:%lukB inactive_file:%lukB "
	       "unevictable:%lukB isolated(anon):%lukB isolated(file):%lukB mapped:%lukB dirty:%lukB "
	       "writeback:%lukB shmem:%lukB shmem_thp:%lukB shmem_pmdmapped:%lukB anon_thp:%lukB "
	       "kernel_stack:%lukB pagetables:%lukB sec_pagetables:%lukB all_unreclaimable? %s "
	       "Balloon:%lukB\n",
	       pgdat_state_kb(NR_ACTIVE_ANON), pgdat_state_kb(NR_INACTIVE_ANON),
	       pgdat_state_kb(NR_ACTIVE_FILE), pgdat_state_kb(NR_INACTIVE_FILE),
	       pgdat_state_kb(NR_UNEVICTABLE), pgdat_state_kb(NR_ISOLATED_ANON),
	       pgdat_state_kb(NR_ISOLATED_FILE), pgdat_state_kb(NR_FILE_MAPPED),
	       pgdat_state_kb(NR_FILE_DIRTY), pgdat_state_kb(NR_WRITEBACK),
	       pgdat_state_kb(NR_SHMEM), 0UL, 0UL, 0UL, global_node_page_state(NR_KERNEL_STACK_KB),
	       pgdat_state_kb(NR_PAGETABLE), pgdat_state_kb(NR_SECONDARY_PAGETABLE),
	       READ_ONCE(pgdat->kswapd_failures) >= 16 ? "yes" : "no",
	       pgdat_state_kb(NR_BALLOON_PAGES));
}

static void show_zone(struct zone *zone)
{
	char line[512];
	int n = 0, j;

	printk("Node 0 %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
	       "reserved_highatomic:%luKB free_highatomic:%luKB active_anon:%lukB "
	       "inactive_anon:%lukB active_file:%lukB inactive_file:%lukB unevictable:%lukB "
	       "writepending:%lukB zspages:%lukB present:%lukB managed:%lukB mlocked:%lukB "
	       "bounce:%lukB free_pcp:%lukB local_pcp:%lukB free_cma:%lukB\n",
	       zone->name, K(zone_page_state_snapshot(zone, NR_FREE_PAGES)),
	       K(READ_ONCE(zone->watermark_boost)), K(min_wmark_pages(zone)),
	       K(low_wmark_pages(zone)), K(high_wmark_pages(zone)),
	       K(READ_ONCE(zone->nr_reserved_highatomic)), K(READ_ONCE(zone->nr_free_highatomic)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_ANON)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_ANON)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_FILE)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_FILE)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_UNEVICTABLE)),
	       K(zone_page_state_snapshot(zone, NR_ZONE_WRITE_PENDING)),
	       K(zone_page_state(zone, NR_ZSPAGES)), K(zone->present_pages),
	       K(zone_managed_pages(zone)), K(zone_page_state_snapshot(zone, NR_MLOCK)), 0UL,
	       K(zone_pcp_pages(zone)),
	       K(this_cpu() ? (unsigned long)READ_ONCE(zone->pageset[this_cpu()->id].pcp.count) :
			      0UL),
	       K(zone_page_state(zone, NR_FREE_CMA_PAGES)));
	n += snprintf(line + n, sizeof(line) - (size_t)n, "lowmem_reserve[]:");
	for (j = 0; j < MAX_NR_ZONES; j++)
		if (zone_type_configured(j))
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %ld",
				      zone->lowmem_reserve[j]);
	printk("%s\n", line);
}

/* "Node 0 DMA: 1*4kB (U) 0*8kB ... = 4kB": the free blocks by order, with
 * the lists that hold them (read without zone->lock: a report). */
static void show_zone_buddy(struct zone *zone)
{
	char line[1024], types[MIGRATE_TYPES + 1];
	unsigned long total = 0;
	unsigned int o;
	int n, t;

	n = snprintf(line, sizeof(line), "Node 0 %s: ", zone->name);
	for (o = 0; o < NR_PAGE_ORDERS && n < (int)sizeof(line); o++) {
		unsigned long nr = READ_ONCE(zone->free_area[o].nr_free);
		unsigned int mask = 0;

		for (t = 0; t < MIGRATE_TYPES; t++)
			if (READ_ONCE(zone->free_area[o].nr_free_mt[t]))
				mask |= 1U << t;
		total += nr << o;
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%lu*%lukB ", nr, K(1UL << o));
		if (nr && n < (int)sizeof(line)) {
			migration_types(types, sizeof(types), mask);
			n += snprintf(line + n, sizeof(line) - (size_t)n, "(%s) ", types);
		}
	}
	printk("%s= %lukB\n", line, K(total));
}

/* Linux __show_mem(0, NULL, MAX_NR_ZONES - 1): the memory picture that
 * warn_alloc and the OOM report print, line for line as Linux 6.18 (with
 * its THP, CMA and memory-failure lines; mmkit's values there are 0). */
void show_free_areas(void)
{
	unsigned long present = 0, reserved = 0, highmem = 0;
	struct zone *zone;

	printk("Mem-Info:\n");
	show_node_totals();
	for_each_populated_zone(zone)
		show_zone(zone);
	for_each_populated_zone(zone)
		show_zone_buddy(zone);
	/* hugetlb_show_meminfo_node: the one hstate of meminfo's Hugepagesize */
	printk("Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=%lukB\n",
	       mmk->cfg.levels == 2 ? 4096UL : 2048UL);
	printk("%lu total pagecache pages\n", global_node_page_state(NR_FILE_PAGES));
	printk("%lu pages in swap cache\n", total_swapcache_pages());
	/* negative while a swapoff takes its pages back (Linux prints that too) */
	printk("Free swap  = %ldkB\n", atomic_load_explicit(&nr_swap_pages, memory_order_relaxed) *
					       (long)(PAGE_SIZE / 1024));
	printk("Total swap = %lukB\n", K((unsigned long)READ_ONCE(total_swap_pages)));
	for_each_populated_zone(zone) {
		present += zone->present_pages;
		reserved += zone->present_pages - zone_managed_pages(zone);
		if (zone_idx(zone) == ZONE_HIGHMEM)
			highmem += zone->present_pages;
	}
	printk("%lu pages RAM\n", present);
	printk("%lu pages HighMem/MovableOnly\n", highmem);
	printk("%lu pages reserved\n", reserved);
	printk("0 pages cma reserved\n");
	printk("0 pages hwpoisoned\n");
}
