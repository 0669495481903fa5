/*
 * mm_init.c - boot of physical memory (Linux mm/mm_init.c and the setup half
 * of mm/page_alloc.c): zone ranges for the paging mode, struct page
 * initialization, handing every frame to the buddy allocator, then the
 * sizes derived from the result: min_free_kbytes, the per-zone watermarks,
 * lowmem reserves, totalreserve_pages, and each CPU's pcp batch/high.
 *
 * Memory map ("e820") of the simulated PC: RAM is one range [0, ram).  As
 * Linux's trim_bios_range() does, the first frame (pfn 0) is reserved for
 * the BIOS and is outside every zone (ZONE_DMA starts at pfn 1, as
 * /proc/zoneinfo shows on real x86).  There is no 640K-1M ISA hole and no
 * PCI hole below 4 GiB, and the kernel image, initrd and struct pages are
 * not carved from RAM, so present == managed for every zone.
 *
 * Zones: 64-bit (levels 4, 5): DMA < 16 MiB, DMA32 < 4 GiB, Normal above;
 * Movable and Device exist and are empty.  32-bit (levels 2, 3): DMA, Normal
 * up to 896 MiB (the direct map of the 3G/1G split), HighMem above, Movable
 * empty.
 *
 * The formulas are Linux 6.x's: calculate_min_free_kbytes (sqrt(16 *
 * lowmem_kbytes), clamped to [128, 262144]), __setup_per_zone_wmarks
 * (watermark_scale_factor), setup_per_zone_lowmem_reserve
 * (sysctl_lowmem_reserve_ratio), zone_batchsize, zone_highsize,
 * calculate_normal_threshold.  Transparent huge pages (which raise
 * min_free_kbytes on Linux via set_recommended_min_free_kbytes) are not
 * built, so min_free_kbytes is the plain formula.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"
#include "mmkit/vmalloc.h"

#define MAX_DMA_PFN (16UL << (20 - PAGE_SHIFT))
#define MAX_DMA32_PFN (1UL << (32 - PAGE_SHIFT))
#define MAXMEM_PFN_32 (896UL << (20 - PAGE_SHIFT)) /* i386 lowmem with the 3G/1G split */
#define SWAP_CLUSTER_MAX 32UL
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

const char *const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device",
};

int min_free_kbytes = 1024;
int user_min_free_kbytes = -1;
int watermark_scale_factor = 10;
int watermark_boost_factor = 15000;
int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0, 0 };
int percpu_pagelist_high_fraction;
unsigned long totalreserve_pages;
unsigned long max_zone_pfn[MAX_NR_ZONES];

static bool mode_is_64bit(void) { return mmk->cfg.levels >= 4; }

/* Zones a kernel built for the paging mode has (64-bit: no HighMem; 32-bit:
 * no DMA32, no Device). */
bool zone_type_configured(enum zone_type t)
{
	if (mode_is_64bit())
		return t != ZONE_HIGHMEM;
	return t != ZONE_DMA32 && t != ZONE_DEVICE;
}

/* ---- zone layout ---- */

/* Upper pfn limit of each zone type (x86 zone_sizes_init), and the mode's
 * constants. */
static void zone_sizes_init(void)
{
	unsigned long max_pfn = mmk->max_pfn;
	int t;

	pageblock_order = mmk->cfg.levels == 2 ? MAX_PAGE_ORDER : 9;
	/* arch/x86 (paging_mode_setup, just before us) set max_low_pfn and
	 * PAGE_OFFSET for the mode; the zones depend on the same limit. */
	WARN_ON(max_low_pfn != (mode_is_64bit() ? max_pfn : min(max_pfn, MAXMEM_PFN_32)));
	for (t = 0; t < MAX_NR_ZONES; t++)
		max_zone_pfn[t] = 0;
	max_zone_pfn[ZONE_DMA] = min(MAX_DMA_PFN, max_low_pfn);
	if (mode_is_64bit()) {
		max_zone_pfn[ZONE_DMA32] = min(MAX_DMA32_PFN, max_low_pfn);
		max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
	} else {
		max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
		max_zone_pfn[ZONE_HIGHMEM] = max_pfn;
	}
}

static void zone_init_lists(struct zone *zone)
{
	unsigned int o;
	int mt;

	spin_lock_init(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[mt]);
}

/* A CPU's empty lists with the boot pageset values (batch 1, high 0). */
void per_cpu_pages_init(struct per_cpu_pages *pcp)
{
	int i;

	memset(pcp, 0, sizeof(*pcp));
	for (i = 0; i < NR_PCP_LISTS; i++)
		INIT_LIST_HEAD(&pcp->lists[i]);
	pcp->batch = 1; /* BOOT_PAGESET_BATCH; high stays 0 until tuned */
}

/* Host memory for a populated zone: pageblock types and per-CPU sets. */
static int zone_alloc_tables(struct zone *zone)
{
	unsigned long base = pageblock_start_pfn(zone->zone_start_pfn);
	unsigned long nblocks = DIV_ROUND_UP(zone_end_pfn(zone) - base, pageblock_nr_pages);
	int cpu;

	zone->pageblock_base_pfn = base;
	zone->pageblock_mt = malloc(nblocks);
	zone->pageset = aligned_alloc(64, sizeof(struct per_cpu_pageset) * (size_t)mmk->nr_cpus);
	if (!zone->pageblock_mt || !zone->pageset)
		return -ENOMEM;
	memset(zone->pageblock_mt, MIGRATE_MOVABLE, nblocks);
	memset(zone->pageset, 0, sizeof(struct per_cpu_pageset) * (size_t)mmk->nr_cpus);
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		per_cpu_pages_init(&zone->pageset[cpu].pcp);
	return 0;
}

/* Spans of every zone; the node starts at pfn 1 (pfn 0 is the BIOS's). */
static int free_area_init(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	unsigned long start = 1;
	int t, err;

	pgdat->node_start_pfn = start;
	pgdat->per_cpu_nodestats =
		aligned_alloc(64, sizeof(struct per_cpu_nodestat) * (size_t)mmk->nr_cpus);
	if (!pgdat->per_cpu_nodestats)
		return -ENOMEM;
	memset(pgdat->per_cpu_nodestats, 0, sizeof(struct per_cpu_nodestat) * (size_t)mmk->nr_cpus);
	for (t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *zone = &pgdat->node_zones[t];
		unsigned long end = max(max_zone_pfn[t], start);

		zone->name = zone_names[t];
		zone->zone_pgdat = pgdat;
		zone_init_lists(zone);
		if (!zone_type_configured(t) || end == start)
			continue;
		zone->zone_start_pfn = start;
		zone->spanned_pages = zone->present_pages = end - start;
		pgdat->node_present_pages += zone->present_pages;
		pgdat->nr_zones = t + 1;
		err = zone_alloc_tables(zone);
		if (err)
			return err;
		start = end;
	}
	pgdat->node_spanned_pages = start - pgdat->node_start_pfn;
	return 0;
}

static void init_single_page(struct page *page, int zone)
{
	memset(page, 0, sizeof(*page));
	atomic_store_explicit(&page->flags, (unsigned long)zone << ZONES_PGSHIFT,
			      memory_order_relaxed);
	atomic_store_explicit(&page->_mapcount, -1, memory_order_relaxed);
	INIT_LIST_HEAD(&page->lru);
}

/* struct page of every frame: zone in the flags, unmapped, no references.
 * pfn 0 is PageReserved with a reference, as memblock leaves reserved pages. */
static void memmap_init(void)
{
	struct zone *zone;
	unsigned long pfn;

	init_single_page(pfn_to_page(0), ZONE_DMA);
	SetPageReserved(pfn_to_page(0));
	set_page_count(pfn_to_page(0), 1);
	for_each_populated_zone(zone)
		for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++)
			init_single_page(pfn_to_page(pfn), zone_idx(zone));
}

/* Hand a zone's frames to the buddy in the largest aligned blocks
 * (memblock_free_all -> __free_pages_core). */
static void free_zone_pages(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn, end = zone_end_pfn(zone), freed = 0;

	spin_lock(&zone->lock);
	while (pfn < end) {
		unsigned int order = MAX_PAGE_ORDER;

		while (order && (!IS_ALIGNED(pfn, 1UL << order) || pfn + (1UL << order) > end))
			order--;
		__free_one_page(pfn_to_page(pfn), pfn, zone, order, MIGRATE_MOVABLE, FPI_TO_TAIL);
		pfn += 1UL << order;
		freed += 1UL << order;
	}
	spin_unlock(&zone->lock);
	atomic_fetch_add(&zone->managed_pages, (long)freed);
	count_vm_events(PGFREE, freed);
}

static void print_zone_ranges(void)
{
	unsigned long lo = 1;
	int t;

	printk("Zone ranges:\n");
	for (t = 0; t < MAX_NR_ZONES; t++) {
		unsigned long hi = max(max_zone_pfn[t], lo);

		if (!zone_type_configured(t) || t == ZONE_MOVABLE)
			continue;
		if (hi == lo)
			printk("  %-8s empty\n", zone_names[t]);
		else
			printk("  %-8s [mem %#018llx-%#018llx]\n", zone_names[t],
			       (unsigned long long)lo << PAGE_SHIFT,
			       ((unsigned long long)hi << PAGE_SHIFT) - 1);
		lo = hi;
	}
	printk("Movable zone start for each node\n");
	printk("Early memory node ranges\n");
	printk("  node   0: [mem %#018llx-%#018llx]\n", 1ULL << PAGE_SHIFT,
	       ((unsigned long long)mmk->max_pfn << PAGE_SHIFT) - 1);
}

/* Each zonelist: the populated zones at or below its zone type, highest
 * first (one node: no NUMA ordering to decide). */
static void build_zonelists(struct pglist_data *pgdat)
{
	int h, t, n;

	for (h = 0; h < MAX_NR_ZONES; h++) {
		for (t = h, n = 0; t >= 0; t--)
			if (populated_zone(&pgdat->node_zones[t]))
				pgdat->zonelist[h][n++] = &pgdat->node_zones[t];
		pgdat->zonelist[h][n] = NULL;
	}
}

/* Grouping by mobility needs a few pageblocks per migratetype to work. */
static void build_all_zonelists(void)
{
	unsigned long vm_total_pages = 0;
	struct zone *zone;

	build_zonelists(&contig_page_data);

	for_each_zone(zone)
		if (zone_idx(zone) <= ZONE_MOVABLE)
			vm_total_pages += zone->present_pages;
	page_group_by_mobility_disabled = vm_total_pages < pageblock_nr_pages * MIGRATE_TYPES;
	printk("Built 1 zonelists, mobility grouping %s.  Total pages: %lu\n",
	       page_group_by_mobility_disabled ? "off" : "on", vm_total_pages);
}

/* ---- watermarks and reserves ---- */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, b = 1UL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

static void calculate_min_free_kbytes(void)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages() * (PAGE_SIZE >> 10);
	int new_min = (int)int_sqrt(lowmem_kbytes * 16);

	if (new_min > user_min_free_kbytes)
		min_free_kbytes = clamp(new_min, 128, 262144);
	else
		printk("min_free_kbytes is not updated to %d because user defined value %d is preferred\n",
		       new_min, user_min_free_kbytes);
}

static void calculate_totalreserve_pages(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	struct zone *zone;

	pgdat->totalreserve_pages = 0;
	for_each_zone(zone) {
		long max = 0;
		int j;

		for (j = zone_idx(zone); j < MAX_NR_ZONES; j++)
			max = max(max, zone->lowmem_reserve[j]);
		max += (long)high_wmark_pages(zone);
		max = min(max, (long)zone_managed_pages(zone));
		pgdat->totalreserve_pages += (unsigned long)max;
	}
	totalreserve_pages = pgdat->totalreserve_pages;
}

static void __setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;

	for_each_zone(zone)
		if (!is_highmem(zone) && zone_idx(zone) != ZONE_MOVABLE)
			lowmem_pages += zone_managed_pages(zone);
	for_each_zone(zone) {
		unsigned long managed = zone_managed_pages(zone);
		u64 tmp = lowmem_pages ? (u64)pages_min * managed / lowmem_pages : 0;

		spin_lock(&zone->lock);
		if (is_highmem(zone) || zone_idx(zone) == ZONE_MOVABLE)
			zone->_watermark[WMARK_MIN] =
				clamp(managed / 1024, SWAP_CLUSTER_MAX, 128UL);
		else
			zone->_watermark[WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, (u64)managed * (u64)watermark_scale_factor / 10000);
		WRITE_ONCE(zone->watermark_boost, 0);
		zone->_watermark[WMARK_LOW] = zone->_watermark[WMARK_MIN] + tmp;
		zone->_watermark[WMARK_HIGH] = zone->_watermark[WMARK_LOW] + tmp;
		zone->_watermark[WMARK_PROMO] = zone->_watermark[WMARK_HIGH] + tmp;
		spin_unlock(&zone->lock);
	}
	calculate_totalreserve_pages();
}

/* Watermarks changed: recompute them and every zone's pcp sizes.  Boot, or
 * the machine quiescent. */
void setup_per_zone_wmarks(void)
{
	struct zone *zone;

	__setup_per_zone_wmarks();
	for_each_zone(zone)
		if (zone->pageset)
			zone_pcp_update(zone);
}

static void setup_per_zone_lowmem_reserve(void)
{
	struct pglist_data *pgdat = &contig_page_data;
	int i, j;

	for (i = 0; i < MAX_NR_ZONES - 1; i++) {
		struct zone *zone = &pgdat->node_zones[i];
		int ratio = sysctl_lowmem_reserve_ratio[i];
		bool clear = !ratio || !zone_managed_pages(zone);
		unsigned long managed = 0;

		for (j = i + 1; j < MAX_NR_ZONES; j++) {
			managed += zone_managed_pages(&pgdat->node_zones[j]);
			zone->lowmem_reserve[j] =
				clear ? 0 : (long)(managed / (unsigned long)ratio);
		}
	}
	calculate_totalreserve_pages();
}

/* ---- per-CPU pagesets ---- */

static int rounddown_pow_of_two(int n)
{
	int p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

/* ~0.1% of the zone or 1 MiB, whichever is smaller, /4, clamped to 2^n - 1. */
static int zone_batchsize(const struct zone *zone)
{
	int batch = (int)min(zone_managed_pages(zone) >> 10, (1UL << 20) / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}

/* The pcp high mark: the zone's low watermark (or managed/fraction) split
 * between the node's CPUs, at least 4 batches. */
static int zone_highsize(const struct zone *zone, int batch, int high_fraction)
{
	unsigned long total = high_fraction ?
				      zone_managed_pages(zone) / (unsigned long)high_fraction :
				      low_wmark_pages(zone);
	int high = (int)(total / (unsigned long)mmk->nr_cpus);

	return max(high, batch << 2);
}

/* zone_set_pageset_high_and_batch(zone, 0) for every CPU. */
void zone_pcp_update(struct zone *zone)
{
	int batch = max(1, zone_batchsize(zone)), high_min, high_max, cpu;

	if (percpu_pagelist_high_fraction) {
		high_min = high_max = zone_highsize(zone, batch, percpu_pagelist_high_fraction);
	} else {
		high_min = zone_highsize(zone, batch, 0);
		high_max = zone_highsize(zone, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = zone_pcp(zone, cpu);

		WRITE_ONCE(pcp->high_min, high_min);
		WRITE_ONCE(pcp->high_max, high_max);
		WRITE_ONCE(pcp->batch, batch);
	}
}

static int fls_ul(unsigned long x) { return x ? 64 - __builtin_clzl(x) : 0; }

/* The per-CPU delta a zone's counters may reach before folding: more
 * memory and more CPUs defer longer (log2 of each, at most 125). */
int calculate_normal_threshold(const struct zone *zone)
{
	unsigned long mem = zone_managed_pages(zone) >> (27 - PAGE_SHIFT);
	int threshold = 2 * fls_ul((unsigned long)mmk->nr_cpus) * (1 + fls_ul(mem));

	return min(125, threshold);
}

static void init_per_zone_wmark_min(void)
{
	calculate_min_free_kbytes();
	setup_per_zone_wmarks();
	refresh_zone_stat_thresholds();
	setup_per_zone_lowmem_reserve();
	if (mmk->cfg.min_free_kbytes) {
		/* as `sysctl vm.min_free_kbytes=N` right after boot */
		min_free_kbytes = (int)min(mmk->cfg.min_free_kbytes, 0x7fffffffUL);
		user_min_free_kbytes = min_free_kbytes;
		setup_per_zone_wmarks();
	}
}

/* ---- boot and shutdown ---- */

static void page_alloc_exit(void)
{
	struct zone *zone;

	for_each_zone(zone) {
		free(zone->pageblock_mt);
		free(zone->pageset);
		spin_lock_destroy(&zone->lock);
	}
	free(contig_page_data.per_cpu_nodestats);
	memset(&contig_page_data, 0, sizeof(contig_page_data));
	min_free_kbytes = 1024;
	user_min_free_kbytes = -1;
	totalreserve_pages = 0;
	atomic_store(&nr_bad_pages, 0);
}

/*
 * The struct page array (Linux alloc_node_mem_map, FLATMEM's mem_map): one
 * per frame, page-aligned host memory zeroed on first touch, so that each
 * 64-byte struct page is one cache line as in Linux's vmemmap (calloc's
 * 16-byte alignment made every struct page straddle two lines, and
 * neighbouring pages of different CPUs share one).  Host memory, not carved
 * from RAM; set in mmk->mem_map, where pfn_to_page() finds it.
 */
static int alloc_node_mem_map(void)
{
	void *p = mmap(NULL, mmk->max_pfn * sizeof(struct page), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -ENOMEM;
	mmk->mem_map = p;
	return 0;
}

static void free_node_mem_map(void)
{
	munmap(mmk->mem_map, mmk->max_pfn * sizeof(struct page));
	mmk->mem_map = NULL;
}
mmk_initcall(INIT_PAGE_ALLOC - 1, alloc_node_mem_map, free_node_mem_map);

static int page_alloc_init(void)
{
	struct zone *zone;
	int err;

	memset(&contig_page_data, 0, sizeof(contig_page_data));
	zone_sizes_init();
	err = free_area_init();
	if (err) {
		page_alloc_exit();
		return err;
	}
	memmap_init();
	print_zone_ranges();
	build_all_zonelists();
	for_each_populated_zone(zone)
		free_zone_pages(zone);
	init_per_zone_wmark_min();
	printk("Memory: %luK/%lluK available (%luK reserved)\n",
	       totalram_pages() << (PAGE_SHIFT - 10), (unsigned long long)mmk->cfg.ram_bytes >> 10,
	       (unsigned long)((mmk->cfg.ram_bytes >> 10) -
			       (totalram_pages() << (PAGE_SHIFT - 10))));
	return 0;
}
mmk_initcall(INIT_PAGE_ALLOC, page_alloc_init, page_alloc_exit);

/* ---- the direct map: simulated KVA <-> host pointer ---- */

/* Host pointer in RAM -> its direct-map KVA (PAGE_OFFSET + phys), or 0 for
 * a highmem frame (no permanent kernel address) or a pointer outside RAM;
 * a pointer into the vmalloc window -> its vmalloc KVA. */
unsigned long kva_of(const void *host)
{
	phys_addr_t phys;

	if (!host_in_ram(host))
		return is_vmalloc_addr(host) ? vmalloc_kva_of(host) : 0;
	phys = host_to_phys(host);
	if (phys >= (phys_addr_t)max_low_pfn << PAGE_SHIFT)
		return 0;
	return PAGE_OFFSET + (unsigned long)phys;
}

/* Direct-map KVA -> host pointer; a vmalloc-range KVA -> its host window
 * pointer; NULL otherwise. */
void *host_of_kva(unsigned long kva)
{
	unsigned long off = kva - PAGE_OFFSET;

	if (kva < PAGE_OFFSET || off >= max_low_pfn << PAGE_SHIFT)
		return vmalloc_host_of(kva);
	return mmk->ram + off;
}
