/* test_page_alloc.c - the buddy allocator: zone layout per paging mode,
 * min_free_kbytes/watermarks/lowmem_reserve formulas, split and merge,
 * migratetype claim and steal, per-CPU lists (batch, high, local and remote
 * drain), watermarks with GFP_ATOMIC below min, zone selection by GFP, every
 * kind of bad free, __GFP_ZERO, fault injection, the highatomic reserve, and
 * a multi-CPU stress test (alloc on one CPU, free on another). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/vmscan.h"
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"

/* Free pages once boot is over: other subsystems (page tables, slab
 * caches) allocate at boot, so tests compare with this, not with totalram. */
static unsigned long boot_free;

static void after_boot(void)
{
	mmk->log = NULL; /* keep the kernel log in the ring only */
	dmesg_clear();
	drain_all_pages();
	boot_free = global_zone_page_state_snapshot(NR_FREE_PAGES);
}

static void boot(u64 ram, int cpus, int levels)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.ram_bytes = ram;
	cfg.cpus = cpus;
	cfg.levels = levels;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	after_boot();
}

static void shutdown(void)
{
	assert_int_equal(verify_all(stderr), 0);
	fault_inject_clear_all();
	machine_shutdown();
}

/* After a failed assertion the test never reached shutdown(). */
static int teardown(void **state)
{
	(void)state;
	fault_inject_clear_all();
	if (mmk)
		machine_shutdown();
	return 0;
}

static struct zone *Z(int t) { return &contig_page_data.node_zones[t]; }

static unsigned long zfree(int t) { return zone_page_state_snapshot(Z(t), NR_FREE_PAGES); }

static void snapshot(unsigned long nr[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	int t;
	unsigned int o;

	for (t = 0; t < MAX_NR_ZONES; t++)
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			nr[t][o] = Z(t)->free_area[o].nr_free;
}

static bool dmesg_has(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	dmesg_show(f);
	fclose(f);
	found = buf && strstr(buf, s);
	free(buf);
	return found;
}

/* ---- layout and formulas ---- */

static void test_layout_64bit(void **state)
{
	boot(64 << 20, 1, 4);
	assert_int_equal(Z(ZONE_DMA)->zone_start_pfn, 1);
	assert_int_equal(Z(ZONE_DMA)->spanned_pages, 4095);
	assert_int_equal(Z(ZONE_DMA32)->zone_start_pfn, 4096);
	assert_int_equal(Z(ZONE_DMA32)->spanned_pages, (64 << 20) / PAGE_SIZE - 4096);
	assert_false(populated_zone(Z(ZONE_NORMAL)));
	assert_false(zone_type_configured(ZONE_HIGHMEM));
	assert_true(zone_type_configured(ZONE_DEVICE));
	assert_int_equal(totalram_pages(), (64 << 20) / PAGE_SIZE - 1);
	assert_int_equal(pageblock_order, 9);
	/* DMA [1, 4096): one block of each order 0..9, then 3 of order 10 */
	for (unsigned int o = 0; o < 10; o++)
		assert_int_equal(Z(ZONE_DMA)->free_area[o].nr_free, 1);
	assert_int_equal(Z(ZONE_DMA)->free_area[10].nr_free, 3);
	assert_true(PageReserved(pfn_to_page(0)));
	assert_int_equal(kva_of(page_address(pfn_to_page(5))), 0xffff888000005000UL);
	assert_ptr_equal(host_of_kva(0xffff888000005000UL), page_address(pfn_to_page(5)));
	assert_null(host_of_kva(0xffff888004000000UL));
	shutdown();
}

static void test_layout_32bit(void **state)
{
	boot(1ULL << 30, 2, 2);
	assert_int_equal(pageblock_order, 10);
	assert_int_equal(max_low_pfn, 896 << 8);
	assert_int_equal(zone_end_pfn(Z(ZONE_NORMAL)), 896 << 8);
	assert_int_equal(Z(ZONE_HIGHMEM)->zone_start_pfn, 896 << 8);
	assert_int_equal(zone_end_pfn(Z(ZONE_HIGHMEM)), 1 << 18);
	assert_false(zone_type_configured(ZONE_DMA32));
	assert_int_equal(kva_of(page_address(pfn_to_page(896 << 8))), 0); /* highmem */
	assert_int_equal(kva_of(page_address(pfn_to_page(1))), 0xC0001000UL);
	shutdown();
	boot(8ULL << 30, 1, 3);
	assert_int_equal(pageblock_order, 9);
	assert_int_equal(zone_managed_pages(Z(ZONE_HIGHMEM)), (8ULL << 18) - (896 << 8));
	shutdown();
}

/* The formulas, recomputed independently of mm_init.c. */
static void check_formulas(void)
{
	unsigned long lowmem = 0, pages_min;
	int t, j;

	for (t = 0; t <= ZONE_NORMAL; t++)
		lowmem += zone_managed_pages(Z(t));
	if (!mmk->cfg.min_free_kbytes) {
		long expect = (long)floor(sqrt((double)lowmem * 4 * 16));

		expect = expect < 128 ? 128 : expect > 262144 ? 262144 : expect;
		assert_int_equal(min_free_kbytes, expect);
	}
	pages_min = (unsigned long)min_free_kbytes / 4;
	for (t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *z = Z(t);
		unsigned long m = zone_managed_pages(z), min,
			      tmp = lowmem ? pages_min * m / lowmem : 0;
		unsigned long cum = 0;

		if (t == ZONE_HIGHMEM || t == ZONE_MOVABLE)
			min = m / 1024 < 32 ? 32 : m / 1024 > 128 ? 128 : m / 1024;
		else
			min = tmp;
		tmp = (tmp / 4 > m * 10 / 10000) ? tmp / 4 : m * 10 / 10000;
		assert_int_equal(min_wmark_pages(z), min);
		assert_int_equal(low_wmark_pages(z), min + tmp);
		assert_int_equal(high_wmark_pages(z), min + 2 * tmp);
		for (j = t + 1; j < MAX_NR_ZONES; j++) {
			cum += zone_managed_pages(Z(j));
			if (t < MAX_NR_ZONES - 1 && sysctl_lowmem_reserve_ratio[t] && m)
				assert_int_equal(z->lowmem_reserve[j],
						 cum / sysctl_lowmem_reserve_ratio[t]);
		}
	}
}

static void test_watermark_formulas(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	boot(64 << 20, 1, 4);
	assert_int_equal(min_free_kbytes, 1023); /* sqrt(16 * 65532) */
	check_formulas();
	/* pcp sizes: zone_batchsize, zone_highsize (low / nr_cpus) */
	assert_int_equal(zone_pcp(Z(ZONE_DMA32), 0)->batch, 3);
	assert_int_equal(zone_pcp(Z(ZONE_DMA32), 0)->high_min, low_wmark_pages(Z(ZONE_DMA32)));
	shutdown();
	boot(6ULL << 30, 4, 4);
	check_formulas();
	assert_int_equal(zone_pcp(Z(ZONE_NORMAL), 0)->batch, 63);
	assert_int_equal(zone_pcp(Z(ZONE_NORMAL), 3)->high_min,
			 low_wmark_pages(Z(ZONE_NORMAL)) / 4);
	assert_int_equal(zone_pcp(Z(ZONE_NORMAL), 3)->high_max,
			 zone_managed_pages(Z(ZONE_NORMAL)) / 8 / 4);
	shutdown();
	boot(3ULL << 30, 1, 3);
	check_formulas();
	shutdown();
	cfg.min_free_kbytes = 8192;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	after_boot();
	assert_int_equal(min_free_kbytes, 8192);
	check_formulas();
	shutdown();
}

/* ---- split and merge ---- */

static void test_split_merge(void **state)
{
	unsigned long boot_nr[MAX_NR_ZONES][NR_PAGE_ORDERS], nr[MAX_NR_ZONES][NR_PAGE_ORDERS];
	struct free_area *area;
	struct page *a, *b;
	unsigned int o, k;

	boot(64 << 20, 1, 4);
	area = Z(ZONE_DMA32)->free_area;
	/* the smallest movable block of order >= 4 is the one that will split */
	for (k = 4; k < NR_PAGE_ORDERS && !area[k].nr_free_mt[MIGRATE_MOVABLE]; k++)
		;
	assert_true(k > 4 && k < NR_PAGE_ORDERS);
	snapshot(boot_nr);
	/* order 4 is not a pcp order: straight from the buddy */
	a = alloc_pages(GFP_HIGHUSER_MOVABLE, 4);
	assert_non_null(a);
	assert_int_equal(page_zonenum(a), ZONE_DMA32);
	assert_true(IS_ALIGNED(page_to_pfn(a), 16));
	assert_int_equal(page_ref_count(a), 1);
	snapshot(nr);
	for (o = 4; o < k; o++)
		assert_int_equal(nr[ZONE_DMA32][o], boot_nr[ZONE_DMA32][o] + 1);
	assert_int_equal(nr[ZONE_DMA32][k], boot_nr[ZONE_DMA32][k] - 1);
	/* the next order-4 block is a's buddy */
	b = alloc_pages(GFP_HIGHUSER_MOVABLE, 4);
	assert_int_equal(page_to_pfn(b), page_to_pfn(a) ^ 16);
	assert_int_equal(area[4].nr_free, boot_nr[ZONE_DMA32][4]);
	/* freeing one leaves it alone; freeing the other merges all the way up */
	__free_pages(b, 4);
	assert_true(PageBuddy(b));
	assert_int_equal(buddy_order(b), 4);
	__free_pages(a, 4);
	snapshot(nr);
	assert_memory_equal(nr, boot_nr, sizeof(nr));
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), boot_free);
	shutdown();
}

/* Every order, freed in another order than allocated, returns to boot state. */
static void test_all_orders_roundtrip(void **state)
{
	unsigned long boot_nr[MAX_NR_ZONES][NR_PAGE_ORDERS], nr[MAX_NR_ZONES][NR_PAGE_ORDERS];
	struct page *p[3 * NR_PAGE_ORDERS];
	int i;

	boot(64 << 20, 1, 4);
	snapshot(boot_nr);
	for (i = 0; i < 3 * NR_PAGE_ORDERS; i++) {
		p[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % NR_PAGE_ORDERS));
		assert_non_null(p[i]);
	}
	for (i = 3 * NR_PAGE_ORDERS - 1; i >= 0; i -= 2)
		__free_pages(p[i], (unsigned int)(i % NR_PAGE_ORDERS));
	for (i = 3 * NR_PAGE_ORDERS - 2; i >= 0; i -= 2)
		__free_pages(p[i], (unsigned int)(i % NR_PAGE_ORDERS));
	assert_int_equal(verify_all(stderr), 0);
	drain_all_pages();
	snapshot(nr);
	assert_memory_equal(nr, boot_nr, sizeof(nr));
	shutdown();
}

/* ---- migratetypes ---- */

static unsigned long free_of_type(struct zone *z, int mt)
{
	unsigned long n = 0;
	unsigned int o;

	for (o = 0; o < NR_PAGE_ORDERS; o++)
		n += z->free_area[o].nr_free_mt[mt] << o;
	return n;
}

/* An unmovable request in an all-movable zone claims a whole free block.
 * (ZONE_DMA: nothing else allocates there while DMA32 has room.) */
static void test_fallback_claim_block(void **state)
{
	struct page *p;
	unsigned long pfn;

	boot(64 << 20, 1, 4);
	assert_int_equal(free_of_type(Z(ZONE_DMA), MIGRATE_UNMOVABLE), 0);
	assert_int_equal(free_of_type(Z(ZONE_DMA), MIGRATE_MOVABLE), 4095);
	p = alloc_pages(GFP_DMA, 4);
	assert_non_null(p);
	assert_int_equal(get_pageblock_migratetype(p), MIGRATE_UNMOVABLE);
	/* the largest block (order 10: two pageblocks) changed type as a whole */
	pfn = page_to_pfn(p) & ~1023UL;
	assert_int_equal(get_pfnblock_migratetype(pfn), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pfnblock_migratetype(pfn + 512), MIGRATE_UNMOVABLE);
	assert_int_equal(free_of_type(Z(ZONE_DMA), MIGRATE_UNMOVABLE), 1024 - 16);
	/* a movable request keeps to movable blocks */
	__free_pages(alloc_pages(GFP_DMA | __GFP_MOVABLE, 4), 4);
	assert_int_equal(free_of_type(Z(ZONE_DMA), MIGRATE_UNMOVABLE), 1024 - 16);
	__free_pages(p, 4);
	shutdown();
}

/* A small unmovable request claims a movable pageblock that is mostly free. */
static void test_fallback_claim_partial(void **state)
{
	static struct page *pages[5000];
	int n = 0, i, blocks_before = 0, blocks_after = 0;
	unsigned long pfn;
	struct page *p;

	boot(16 << 20, 1, 4);
	while (n < 5000 && (pages[n] = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0))) {
		n++;
		kswapd_run_pending(); /* kswapd's turn (see alloc_until_fail) */
	}
	for (i = 0; i < n; i++) /* keep one page per pageblock */
		if (page_to_pfn(pages[i]) % 512 != 300)
			__free_pages(pages[i], 0);
	drain_all_pages();
	for (pfn = 0; pfn < 4096; pfn += 512)
		blocks_before += get_pfnblock_migratetype(pfn) == MIGRATE_UNMOVABLE;
	assert_int_equal(blocks_before, 0);
	p = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(get_pageblock_migratetype(p), MIGRATE_UNMOVABLE);
	for (pfn = 0; pfn < 4096; pfn += 512)
		blocks_after += get_pfnblock_migratetype(pfn) == MIGRATE_UNMOVABLE;
	assert_int_equal(blocks_after, 1);
	assert_int_equal(verify_all(stderr), 0);
	__free_pages(p, 0);
	for (i = 0; i < n; i++)
		if (page_to_pfn(pages[i]) % 512 == 300)
			__free_pages(pages[i], 0);
	shutdown();
}

/* A small movable request steals from an unmovable pageblock without
 * claiming it when the block's free pages are only small fragments and the
 * movable lists are empty. */
static bool pair_full(unsigned long base)
{
	unsigned long i;

	for (i = 0; i < 1024; i++)
		if (!page_ref_count(pfn_to_page(base + i)))
			return false;
	return true;
}

static void test_fallback_steal(void **state)
{
	static struct page *unmov[5000], *mov[5000];
	struct page *p = NULL;
	unsigned long base;
	int n = 0, i, nu = 0;

	boot(16 << 20, 1, 4);
	/* fill the order-10 block the unmovable requests claimed (boot's page
	 * tables may already live there) */
	unmov[nu++] = alloc_pages(GFP_KERNEL, 0);
	base = page_to_pfn(unmov[0]) & ~1023UL;
	assert_int_equal(get_pfnblock_migratetype(base), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pfnblock_migratetype(base + 512), MIGRATE_UNMOVABLE);
	while (!pair_full(base)) {
		assert_true(nu < 5000);
		assert_non_null(unmov[nu++] = alloc_pages(GFP_KERNEL, 0));
	}
	for (i = 0; i < nu; i++) /* leave holes of order 0 only */
		if (page_to_pfn(unmov[i]) - base < 1024 && (page_to_pfn(unmov[i]) & 1)) {
			__free_pages(unmov[i], 0);
			unmov[i] = NULL;
		}
	drain_all_pages();
	assert_true(free_of_type(Z(ZONE_DMA), MIGRATE_UNMOVABLE) >= 400);
	while (n < 5000) {
		kswapd_run_pending(); /* kswapd's turn (see alloc_until_fail) */
		p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);
		assert_non_null(p);
		mov[n++] = p;
		if (page_to_pfn(p) - base < 1024)
			break;
	}
	/* taken from the unmovable pair only after movable ran out, and stolen:
	 * the pageblocks keep their type */
	assert_int_equal(free_of_type(Z(ZONE_DMA), MIGRATE_MOVABLE), 0);
	assert_int_equal(get_pfnblock_migratetype(base), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pfnblock_migratetype(base + 512), MIGRATE_UNMOVABLE);
	for (i = 0; i < n; i++)
		__free_pages(mov[i], 0);
	for (i = 0; i < nu; i++)
		if (unmov[i])
			__free_pages(unmov[i], 0);
	shutdown();
}

/* ---- per-CPU lists ---- */

static void test_pcp_local(void **state)
{
	struct per_cpu_pages *pcp;
	unsigned long before;
	struct page *p;

	boot(64 << 20, 1, 4);
	pcp = zone_pcp(Z(ZONE_DMA32), 0);
	before = zfree(ZONE_DMA32);
	assert_int_equal(pcp->count, 0);
	p = alloc_page(GFP_KERNEL);
	/* a batch came off the zone; the rest waits on the list */
	assert_true(pcp->count > 0);
	assert_int_equal(zfree(ZONE_DMA32) + (unsigned long)pcp->count + 1, before);
	__free_page(p);
	assert_int_equal(zfree(ZONE_DMA32) + (unsigned long)pcp->count, before);
	/* the same page comes back (hot) */
	assert_ptr_equal(alloc_page(GFP_KERNEL), p);
	__free_page(p);
	drain_local_pages();
	assert_int_equal(pcp->count, 0);
	assert_int_equal(zfree(ZONE_DMA32), before);
	shutdown();
}

/* Freeing past pcp->high sends a batch back to the zone. */
static void test_pcp_high(void **state)
{
	static struct page *pages[2000];
	struct per_cpu_pages *pcp;
	int i;

	boot(64 << 20, 1, 4);
	pcp = zone_pcp(Z(ZONE_DMA32), 0);
	for (i = 0; i < 2000; i++)
		assert_non_null(pages[i] = alloc_page(GFP_KERNEL));
	for (i = 0; i < 2000; i++) {
		__free_page(pages[i]);
		assert_true(pcp->count <= max(pcp->high, pcp->high_min));
	}
	assert_true(pcp->high >= pcp->high_min && pcp->high <= pcp->high_max);
	assert_true(pcp->count > 0);
	shutdown();
}

struct cpu_pages {
	struct page *p[64];
	int n;
};

static void fill_pcp(void *info)
{
	struct cpu_pages *cp = &((struct cpu_pages *)info)[smp_processor_id()];
	int i;

	cp->n = 64;
	for (i = 0; i < cp->n; i++)
		cp->p[i] = alloc_pages(i & 1 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE,
				       (unsigned int)(i % 4));
	for (i = 0; i < cp->n; i++)
		__free_pages(cp->p[i], (unsigned int)(i % 4));
	for (i = 0; i < 8; i++) /* order-0 frees last: they stay on the list */
		cp->p[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < 8; i++)
		__free_pages(cp->p[i], 0);
}

static void run_drain_all(void *info)
{
	(void)info;
	drain_all_pages();
}

/* drain_all_pages empties other CPUs' lists through IPIs to their owners. */
static void test_pcp_remote_drain(void **state)
{
	static struct cpu_pages cp[4];
	int cpu;

	boot(64 << 20, 4, 4);
	for (cpu = 0; cpu < 4; cpu++)
		cpu_call(cpu, fill_pcp, cp);
	for (cpu = 0; cpu < 4; cpu++)
		assert_true(zone_pcp(Z(ZONE_DMA32), cpu)->count > 0);
	assert_true(global_zone_page_state_snapshot(NR_FREE_PAGES) < boot_free);
	cpu_call(2, run_drain_all, NULL); /* from a non-boot CPU */
	for (cpu = 0; cpu < 4; cpu++)
		assert_int_equal(zone_pcp(Z(ZONE_DMA32), cpu)->count, 0);
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), boot_free);
	shutdown();
}

/* ---- watermarks ---- */

static int alloc_until_fail(gfp_t gfp, struct page **pages, int max_n)
{
	int n = 0;

	/* kswapd gets its turn between requests: it pays a watermark boost
	 * back (balance_pgdat) as it would running beside the allocator */
	while (n < max_n && (pages[n] = alloc_pages(gfp | __GFP_NOWARN, 0))) {
		n++;
		kswapd_run_pending();
	}
	kswapd_run_pending();
	return n;
}

static void test_watermarks_and_atomic(void **state)
{
	static struct page *pages[20000];
	struct zone *dma32, *dma;
	int n, n_nowait, n_atomic, i;
	long min32;

	boot(64 << 20, 1, 4);
	dma32 = Z(ZONE_DMA32);
	dma = Z(ZONE_DMA);
	n = alloc_until_fail(GFP_KERNEL, pages, 20000);
	/* GFP_KERNEL stops at min (+ the reserve DMA keeps for Normal requests) */
	min32 = (long)min_wmark_pages(dma32);
	assert_true((long)zfree(ZONE_DMA32) <= min32 + 1);
	assert_true((long)zfree(ZONE_DMA32) >= min32 - 1);
	assert_true(zfree(ZONE_DMA) <=
		    min_wmark_pages(dma) + (unsigned long)dma->lowmem_reserve[ZONE_NORMAL] + 1);
	assert_true(zfree(ZONE_DMA) >=
		    min_wmark_pages(dma) + (unsigned long)dma->lowmem_reserve[ZONE_NORMAL] - 1);
	/* a non-blocking request without __GFP_HIGH gets nothing more */
	n_nowait = alloc_until_fail(GFP_NOWAIT, pages + n, 20000 - n);
	assert_int_equal(n_nowait, 0);
	/* GFP_ATOMIC may go down to 3/8 of min */
	n_atomic = alloc_until_fail(GFP_ATOMIC, pages + n, 20000 - n);
	assert_true(n_atomic > 0);
	assert_true((long)zfree(ZONE_DMA32) <= min32 - min32 / 2 - (min32 - min32 / 2) / 4 + 1);
	/* GFP_DMA may empty the DMA zone down to its own min */
	n += n_atomic;
	n += alloc_until_fail(GFP_DMA, pages + n, 20000 - n);
	assert_true(zfree(ZONE_DMA) <= min_wmark_pages(dma) + 1);
	assert_int_equal(verify_all(stderr), 0);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	drain_all_pages();
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), boot_free);
	shutdown();
}

static void test_failure_report(void **state)
{
	boot(4 << 20, 1, 4);
	assert_null(alloc_pages(GFP_KERNEL, 10));
	assert_true(dmesg_has("page allocation failure: order:10, mode:"));
	assert_true(dmesg_has("GFP_KERNEL"));
	dmesg_clear();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 10));
	assert_false(dmesg_has("page allocation failure"));
	assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	shutdown();
}

/* ---- zones by GFP ---- */

static void test_zone_selection_64(void **state)
{
	struct page *p;

	boot(6ULL << 30, 1, 4);
	assert_int_equal(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_zone(GFP_DMA | GFP_DMA32), -1);
	p = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(page_zonenum(p), ZONE_NORMAL);
	__free_pages(p, 0);
	p = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(page_zonenum(p), ZONE_NORMAL); /* Movable is empty */
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32, 0);
	assert_int_equal(page_zonenum(p), ZONE_DMA32);
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA, 0);
	assert_int_equal(page_zonenum(p), ZONE_DMA);
	__free_pages(p, 0);
	assert_null(alloc_pages(GFP_DMA | GFP_DMA32, 0)); /* contradictory: WARN, NULL */
	shutdown();
}

static void test_zone_selection_32(void **state)
{
	struct page *p;

	boot(1ULL << 30, 1, 2);
	p = alloc_pages(GFP_HIGHUSER, 0);
	assert_int_equal(page_zonenum(p), ZONE_HIGHMEM);
	__free_pages(p, 0);
	p = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(page_zonenum(p), ZONE_NORMAL);
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32, 0); /* no DMA32: Normal */
	assert_int_equal(page_zonenum(p), ZONE_NORMAL);
	__free_pages(p, 0);
	/* __get_free_pages drops __GFP_HIGHMEM: a direct-map address */
	assert_int_not_equal(kva_of(__get_free_pages(GFP_HIGHUSER, 0)), 0);
	shutdown();
}

/* Normal exhausted: GFP_KERNEL falls back to DMA32, then DMA. */
static void test_zone_fallback(void **state)
{
	static struct page *pages[300000];
	int n, i, in_dma32 = 0;

	boot(5ULL << 30, 1, 4);
	n = alloc_until_fail(GFP_KERNEL, pages, 300000);
	for (i = 0; i < n; i++)
		in_dma32 += page_zonenum(pages[i]) == ZONE_DMA32;
	assert_true(zone_managed_pages(Z(ZONE_NORMAL)) < 300000);
	assert_true(in_dma32 > 0);
	/* Normal is down to min, but for the free pages of the pageblock the
	 * boot's reclaimable slabs (the dentry and inode caches of the root
	 * tmpfs) claimed: while DMA32 has room, unmovable requests do not
	 * steal from it (ALLOC_NOFRAGMENT). */
	assert_true(zfree(ZONE_NORMAL) <= min_wmark_pages(Z(ZONE_NORMAL)) + pageblock_nr_pages + 1);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	shutdown();
}

/* ---- bad frees ---- */

static void expect_bad(struct page *page, unsigned int order, const char *reason)
{
	unsigned long bad = atomic_load(&nr_bad_pages);

	dmesg_clear();
	assert_int_equal(mmk_free_pages(page, order), -EINVAL);
	assert_int_equal(atomic_load(&nr_bad_pages), bad + 1);
	assert_true(dmesg_has("BUG: Bad page state in process"));
	if (!dmesg_has(reason)) {
		dmesg_show(stderr);
		fail_msg("no '%s' in the report", reason);
	}
	assert_int_equal(verify_all(stderr), 0);
}

static void test_bad_double_free(void **state)
{
	struct page *p, *q;

	boot(64 << 20, 1, 4);
	p = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p, 0); /* now on this CPU's pcp list */
	expect_bad(p, 0, "page_ref_count(page) == 0");
	q = alloc_pages(GFP_KERNEL, 5);
	__free_pages(q, 5); /* now in the zone's free lists */
	expect_bad(q, 5,
		   PageBuddy(q) ? "double free: page is free in the buddy allocator" :
				  "page_ref_count(page) == 0");
	/* frozen path: the allocation record catches it */
	p = alloc_frozen_pages(GFP_KERNEL, 6);
	free_frozen_pages(p, 6);
	dmesg_clear();
	free_frozen_pages(p, 6);
	assert_true(dmesg_has("double free"));
	shutdown();
}

static void test_bad_wrong_order(void **state)
{
	struct page *p;

	boot(64 << 20, 1, 4);
	p = alloc_pages(GFP_KERNEL, 2);
	expect_bad(p, 1, "freed with order 1, but allocated with order 2");
	expect_bad(p, 3, "freed with order 3, but allocated with order 2");
	expect_bad(p + 1, 0, "not the head of its allocation (order 2");
	assert_int_equal(page_ref_count(p), 1); /* untouched: still allocated */
	assert_int_equal(mmk_free_pages(p, 2), 0);
	shutdown();
}

static void test_bad_state(void **state)
{
	struct page *p;
	unsigned long free_before;

	boot(64 << 20, 1, 4);
	p = alloc_pages(GFP_KERNEL, 0);
	atomic_store(&p->_mapcount, 0); /* still mapped */
	expect_bad(p, 0, "nonzero mapcount");
	p = alloc_pages(GFP_KERNEL, 0);
	p->mapping = (struct address_space *)0x1000;
	expect_bad(p, 0, "non-NULL mapping");
	p = alloc_pages(GFP_KERNEL, 0);
	SetPageLRU(p);
	expect_bad(p, 0, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	p = alloc_pages(GFP_KERNEL, 0);
	SetPageLocked(p);
	expect_bad(p, 0, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	/* a tail page still mapped: the whole block leaks */
	free_before = zfree(ZONE_DMA32);
	p = alloc_pages(GFP_KERNEL, 4);
	atomic_store(&p[3]._mapcount, 1);
	expect_bad(p, 4, "nonzero mapcount");
	assert_int_equal(zfree(ZONE_DMA32) + 16, free_before);
	/* the reserved first frame */
	expect_bad(pfn_to_page(0), 0, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	/* anonymous mapping pointers are cleared, not reported */
	p = alloc_pages(GFP_KERNEL, 0);
	p->mapping = (struct address_space *)(0x2000 | PAGE_MAPPING_ANON);
	assert_int_equal(mmk_free_pages(p, 0), 0);
	shutdown();
}

static void test_refcount_at_free(void **state)
{
	struct page *p;

	boot(64 << 20, 1, 4);
	/* a page referenced elsewhere: free drops one reference (Linux) */
	p = alloc_pages(GFP_KERNEL, 0);
	get_page(p);
	assert_int_equal(mmk_free_pages(p, 0), 0);
	assert_int_equal(page_ref_count(p), 1);
	assert_false(PageBuddy(p));
	assert_int_equal(mmk_free_pages(p, 0), 0);
	/* a non-compound order-2 block whose first page is held: the rest is freed */
	p = alloc_pages(GFP_KERNEL, 2);
	get_page(p);
	assert_int_equal(mmk_free_pages(p, 2), 0);
	assert_int_equal(page_ref_count(p), 1);
	assert_int_equal(mmk_free_pages(p, 0), 0);
	/* a frozen page freed while referenced */
	p = alloc_frozen_pages(GFP_KERNEL, 0);
	set_page_count(p, 1);
	dmesg_clear();
	free_frozen_pages(p, 0);
	assert_true(dmesg_has("nonzero _refcount"));
	shutdown();
}

/* ---- flags, faults, reserves ---- */

static void test_gfp_zero(void **state)
{
	struct page *p;
	u8 *b;
	int i;

	boot(64 << 20, 1, 4);
	p = alloc_pages(GFP_KERNEL, 1);
	memset(page_address(p), 0xaa, 2 * PAGE_SIZE);
	__free_pages(p, 1);
	drain_local_pages();
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	b = page_address(p);
	for (i = 0; i < 2 * (int)PAGE_SIZE; i++)
		assert_int_equal(b[i], 0);
	__free_pages(p, 1);
	b = get_zeroed_page(GFP_KERNEL);
	assert_int_equal(b[100], 0);
	free_page(b);
	shutdown();
}

static void test_fault_injection(void **state)
{
	unsigned long before;
	struct page *p;

	boot(64 << 20, 1, 4);
	before = global_zone_page_state_snapshot(NR_FREE_PAGES);
	assert_int_equal(fault_inject_set("alloc_pages", 2, false, 0), 0);
	p = alloc_pages(GFP_KERNEL, 3);
	assert_non_null(p);
	assert_null(alloc_pages(GFP_KERNEL, 3));
	__free_pages(p, 3);
	assert_non_null(p = alloc_pages(GFP_KERNEL, 3));
	__free_pages(p, 3);
	fault_inject_clear_all();
	drain_all_pages();
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), before);
	shutdown();
}

/* A high-order GFP_ATOMIC request served in the slow path sets its
 * pageblock aside for later ones; ordinary requests cannot use it. */
static void test_highatomic_reserve(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;
	struct page *p;
	struct zone *z;

	cfg.ram_bytes = 256 << 20;
	cfg.min_free_kbytes = 240 << 10; /* every zone is below its low watermark */
	assert_int_equal(machine_boot(&cfg, &why), 0);
	after_boot();
	z = Z(ZONE_DMA32);
	assert_true(zfree(ZONE_DMA32) < low_wmark_pages(z));
	p = alloc_pages(GFP_ATOMIC, 1);
	assert_non_null(p);
	assert_int_equal(z->nr_reserved_highatomic, pageblock_nr_pages);
	assert_int_equal(get_pageblock_migratetype(p), MIGRATE_HIGHATOMIC);
	/* the reserve's free pages (less p and the rest of the pcp batch) */
	assert_true(z->nr_free_highatomic > 0 && z->nr_free_highatomic <= pageblock_nr_pages - 2);
	assert_int_equal(verify_all(stderr), 0);
	__free_pages(p, 1);
	drain_all_pages();
	/* everything free in the reserved pageblock is on the highatomic lists
	 * (boot's page tables may hold a few of its pages) */
	{
		unsigned long start = page_to_pfn(p) & ~(pageblock_nr_pages - 1), i, used = 0;

		for (i = 0; i < pageblock_nr_pages; i++)
			used += page_ref_count(pfn_to_page(start + i)) != 0;
		assert_int_equal(z->nr_free_highatomic + used, pageblock_nr_pages);
	}
	shutdown();
}

/* ---- stress: every CPU allocates, hands pages to another CPU, frees ---- */

#define NSTRESS 4
#define RING 512
struct ring {
	pthread_mutex_t lock;
	struct {
		struct page *p;
		unsigned int order;
	} e[RING];
	int n;
};
static struct ring rings[NSTRESS];

static void ring_put(struct ring *r, struct page *p, unsigned int order)
{
	pthread_mutex_lock(&r->lock);
	if (r->n < RING) {
		r->e[r->n].p = p;
		r->e[r->n++].order = order;
		p = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	if (p)
		__free_pages(p, order);
}

static void ring_drain_some(struct ring *r, int max_n)
{
	for (int i = 0; i < max_n; i++) {
		struct page *p = NULL;
		unsigned int order = 0;

		pthread_mutex_lock(&r->lock);
		if (r->n) {
			p = r->e[--r->n].p;
			order = r->e[r->n].order;
		}
		pthread_mutex_unlock(&r->lock);
		if (!p)
			return;
		assert_int_equal(mmk_free_pages(p, order), 0);
	}
}

static void stress_cpu(void *info)
{
	int me = smp_processor_id(), i;
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
				      GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA32 };

	(void)info;
	for (i = 0; i < 20000; i++) {
		u64 r = mmk_random();
		unsigned int order =
			(r & 7) < 6 ? (unsigned int)(r >> 8) % 4 : (unsigned int)(r >> 8) % 11;
		struct page *p = alloc_pages(gfps[(r >> 16) % 5] | __GFP_NOWARN, order);

		if (p) {
			((volatile u8 *)page_address(p))[0] = (u8)me;
			ring_put(&rings[(me + 1 + (int)((r >> 24) % (NSTRESS - 1))) % NSTRESS], p,
				 order);
		}
		ring_drain_some(&rings[me], (int)(r >> 32) % 3);
		if (i % 5000 == 4999)
			drain_all_pages();
	}
}

static void test_stress_cross_cpu(void **state)
{
	int cpu;

	boot(32 << 20, NSTRESS, 4);
	for (cpu = 0; cpu < NSTRESS; cpu++) {
		pthread_mutex_init(&rings[cpu].lock, NULL);
		rings[cpu].n = 0;
	}
	for (cpu = 1; cpu < NSTRESS; cpu++)
		cpu_call_async(cpu, stress_cpu, NULL);
	stress_cpu(NULL);
	for (cpu = 1; cpu < NSTRESS; cpu++)
		cpu_call_wait(cpu);
	for (cpu = 0; cpu < NSTRESS; cpu++)
		ring_drain_some(&rings[cpu], RING);
	drain_all_pages();
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), boot_free);
	assert_int_equal(atomic_load(&nr_bad_pages), 0);
	assert_true(sum_vm_event(PGALLOC_DMA32) + sum_vm_event(PGALLOC_DMA) > 0);
	shutdown();
}

/* verify's scratch tables come back zeroed when reused, and a request
 * larger than any kept table gets a new one (mm/verify.c).  The size is
 * above any table of a check on these machines (a byte per pfn of 1 GiB is
 * 256 KiB), so the kept table that fits is this test's own. */
static void test_verify_scratch(void **state)
{
	const size_t size = (4UL << 20) + 123;
	unsigned char *a, *b, *c;
	size_t i;

	(void)state;
	a = verify_scratch_zalloc(size);
	assert_non_null(a);
	memset(a, 0xa5, size);
	verify_scratch_free(a);
	b = verify_scratch_zalloc(size - 100); /* the kept table, zeroed */
	assert_ptr_equal(b, a);
	for (i = 0; i < size - 100; i++)
		assert_int_equal(b[i], 0);
	c = verify_scratch_zalloc(2 * size); /* none kept is large enough */
	assert_non_null(c);
	assert_ptr_not_equal(c, b);
	for (i = 0; i < 2 * size; i++)
		assert_int_equal(c[i], 0);
	verify_scratch_free(b);
	verify_scratch_free(c);
	verify_scratch_free(NULL);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_layout_64bit, teardown),
	cmocka_unit_test_teardown(test_layout_32bit, teardown),
	cmocka_unit_test_teardown(test_watermark_formulas, teardown),
	cmocka_unit_test_teardown(test_split_merge, teardown),
	cmocka_unit_test_teardown(test_all_orders_roundtrip, teardown),
	cmocka_unit_test_teardown(test_fallback_claim_block, teardown),
	cmocka_unit_test_teardown(test_fallback_claim_partial, teardown),
	cmocka_unit_test_teardown(test_fallback_steal, teardown),
	cmocka_unit_test_teardown(test_pcp_local, teardown),
	cmocka_unit_test_teardown(test_pcp_high, teardown),
	cmocka_unit_test_teardown(test_pcp_remote_drain, teardown),
	cmocka_unit_test_teardown(test_watermarks_and_atomic, teardown),
	cmocka_unit_test_teardown(test_failure_report, teardown),
	cmocka_unit_test_teardown(test_zone_selection_64, teardown),
	cmocka_unit_test_teardown(test_zone_selection_32, teardown),
	cmocka_unit_test_teardown(test_zone_fallback, teardown),
	cmocka_unit_test_teardown(test_bad_double_free, teardown),
	cmocka_unit_test_teardown(test_bad_wrong_order, teardown),
	cmocka_unit_test_teardown(test_bad_state, teardown),
	cmocka_unit_test_teardown(test_refcount_at_free, teardown),
	cmocka_unit_test_teardown(test_gfp_zero, teardown),
	cmocka_unit_test_teardown(test_fault_injection, teardown),
	cmocka_unit_test_teardown(test_highatomic_reserve, teardown),
	cmocka_unit_test_teardown(test_stress_cross_cpu, teardown),
	cmocka_unit_test(test_verify_scratch),
};

MMK_TEST_MAIN(tests, NULL, NULL);
