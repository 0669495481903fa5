/*
 * debug.c - page reports and the buddy allocator's whole-structure check
 * (Linux mm/debug.c dump_page, %pGp/%pGg formatting; the check is mmkit's,
 * in the spirit of DEBUG_VM's free-list assertions).
 *
 * The "buddy" verify check walks every zone's free lists and every CPU's
 * pcp lists with the machine quiescent and checks them against the page
 * descriptors and the counters: each free block is PageBuddy with its order,
 * naturally aligned, inside its zone, on the list of its pageblock's
 * migratetype, unreferenced and unmapped; no frame is on two lists; every
 * PageBuddy page is on a list; nr_free, the per-type counts, NR_FREE_PAGES,
 * NR_FREE_PAGES_BLOCKS, nr_free_highatomic and each pcp->count add up; the
 * watermarks and reserves are ordered.
 */
#include <stdlib.h>
#include <string.h>
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"

static const char *const pageflag_names[__NR_PAGEFLAGS] = {
	"locked",  "writeback", "referenced", "uptodate",     "dirty",	     "lru",	"head",
	"waiters", "active",	"workingset", "owner_priv_1", "owner_2",     "arch_1",	"reserved",
	"private", "private_2", "reclaim",    "swapbacked",   "unevictable", "mlocked",
};

static const char *page_type_name(unsigned int type)
{
	switch (type) {
	case PGTY_buddy:
		return "buddy";
	case PGTY_table:
		return "table";
	case PGTY_guard:
		return "guard";
	case PGTY_slab:
		return "slab";
	case PGTY_large_kmalloc:
		return "large_kmalloc";
	default:
		return "unknown";
	}
}

/* Who "process ..." names in reports; kernel/ overrides this once tasks
 * exist. */
__attribute__((weak)) const char *current_comm(void)
{
	static __thread char buf[24];

	snprintf(buf, sizeof(buf), "swapper/%d", this_cpu() ? this_cpu()->id : 0);
	return buf;
}

static void format_page_flags(char *buf, size_t n, unsigned long flags)
{
	size_t len = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < __NR_PAGEFLAGS; i++)
		if (flags & BIT(i))
			len += (size_t)snprintf(buf + len, n - len, "%s|", pageflag_names[i]);
	snprintf(buf + len, n - len, "node=0|zone=%lu", flags >> ZONES_PGSHIFT);
}

/* Linux dump_page(): the descriptor, to the kernel log. */
void dump_page(const struct page *page, const char *reason)
{
	const unsigned long *raw = (const unsigned long *)page;
	unsigned long flags = atomic_load(&((struct page *)page)->flags);
	unsigned int type = READ_ONCE(((struct page *)page)->page_type);
	char fl[320];
	int i;

	printk("page: refcount:%d mapcount:%d mapping:%016lx index:0x%lx pfn:0x%lx\n",
	       page_ref_count(page), page_mapcount(page), (unsigned long)page->mapping, page->index,
	       page_to_pfn(page));
	format_page_flags(fl, sizeof(fl), flags);
	printk("%sflags: %#lx(%s)\n", PageAnon(page) ? "anon " : "", flags, fl);
	if (type != PGTY_none)
		printk("page_type: %x(%s)\n", type, page_type_name(type));
	for (i = 0; i < (int)(sizeof(struct page) / sizeof(long)); i += 4)
		printk("raw: %016lx %016lx %016lx %016lx\n", raw[i], raw[i + 1], raw[i + 2],
		       raw[i + 3]);
	if (reason)
		printk("page dumped because: %s\n", reason);
}

static const struct {
	const char *name;
	gfp_t mask;
} gfp_names[] = {
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", GFP_HIGHUSER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM },
	{ "GFP_DMA32", GFP_DMA32 },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "__GFP_WRITE", __GFP_WRITE },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_THISNODE", __GFP_THISNODE },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
};

/* %pGg: composite names first, then single flags, then leftover bits. */
void format_gfp(char *buf, size_t n, gfp_t gfp)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(gfp_names) && gfp; i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "|" : "",
					gfp_names[i].name);
		gfp &= ~gfp_names[i].mask;
	}
	if (gfp)
		snprintf(buf + len, n - len, "%s%#x", len ? "|" : "", gfp);
}

/* ------------------------------------------------------------------ */
/* verify: buddy lists vs page flags vs counters                        */
/* ------------------------------------------------------------------ */

enum { PFN_NONE, PFN_FREE_HEAD, PFN_FREE_TAIL, PFN_PCP };

struct buddy_walk {
	struct verify_ctx *v;
	struct zone *zone;
	u8 *state;	     /* per pfn: PFN_* */
	unsigned long pages; /* free pages found on the buddy lists */
	unsigned long blocks_pages, highatomic;
};

/* Mark a block's frames; false (and a report) if one was already on a list. */
static bool mark_block(struct buddy_walk *w, unsigned long pfn, unsigned int order, u8 head_state)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		if (w->state[pfn + i] != PFN_NONE) {
			verify_fail(w->v, "%s: pfn %#lx is on two free lists", w->zone->name,
				    pfn + i);
			return false;
		}
		w->state[pfn + i] =
			i ? (head_state == PFN_PCP ? PFN_PCP : PFN_FREE_TAIL) : head_state;
	}
	return true;
}

/* A page that is free must be unreferenced, unmapped, unrecorded. */
static void check_free_page(struct buddy_walk *w, struct page *p, const char *where)
{
	unsigned long pfn = page_to_pfn(p);

	if (page_ref_count(p) != 0)
		verify_fail(w->v, "%s: free pfn %#lx (%s) has refcount %d", w->zone->name, pfn,
			    where, page_ref_count(p));
	if (page_mapcount(p) != 0)
		verify_fail(w->v, "%s: free pfn %#lx (%s) is mapped %d times", w->zone->name, pfn,
			    where, page_mapcount(p));
	if (pgalloc_rec_get(pfn))
		verify_fail(w->v, "%s: free pfn %#lx (%s) is recorded as allocated", w->zone->name,
			    pfn, where);
}

static bool block_type_ok(struct zone *zone, unsigned long pfn, unsigned int order, int mt)
{
	unsigned long nr = order >= pageblock_order ? 1UL << (order - pageblock_order) : 1, i;

	for (i = 0; i < nr; i++)
		if (get_pfnblock_migratetype(pfn + i * pageblock_nr_pages) != mt)
			return false;
	return true;
}

static void check_free_block(struct buddy_walk *w, struct page *page, unsigned int order, int mt)
{
	struct zone *zone = w->zone;
	unsigned long pfn = page_to_pfn(page), i;

	if (!PageBuddy(page) || buddy_order(page) != order)
		verify_fail(w->v, "%s: pfn %#lx on the order-%u %s list: PageBuddy=%d order=%u",
			    zone->name, pfn, order, migratetype_names[mt], PageBuddy(page),
			    buddy_order(page));
	if (!IS_ALIGNED(pfn, 1UL << order) || !zone_spans_pfn(zone, pfn) ||
	    !zone_spans_pfn(zone, pfn + (1UL << order) - 1) || page_zone(page) != zone) {
		verify_fail(w->v,
			    "%s: order-%u block at pfn %#lx is misaligned or outside the zone",
			    zone->name, order, pfn);
		return;
	}
	if (!block_type_ok(zone, pfn, order, mt))
		verify_fail(w->v,
			    "%s: order-%u block at pfn %#lx is on the %s list of a %s pageblock",
			    zone->name, order, pfn, migratetype_names[mt],
			    migratetype_names[get_pfnblock_migratetype(pfn)]);
	if (!mark_block(w, pfn, order, PFN_FREE_HEAD))
		return;
	for (i = 0; i < (1UL << order); i++)
		check_free_page(w, page + i, "buddy");
	for (i = 1; i < (1UL << order); i++)
		if (PageBuddy(page + i))
			verify_fail(w->v, "%s: pfn %#lx inside a free order-%u block is PageBuddy",
				    zone->name, pfn + i, order);
}

static void check_free_list(struct buddy_walk *w, unsigned int order, int mt)
{
	struct free_area *area = &w->zone->free_area[order];
	struct list_head *head = &area->free_list[mt], *pos;
	unsigned long n = 0, limit = w->zone->spanned_pages + 1;

	for (pos = head->next; pos != head && n <= limit; pos = pos->next, n++)
		check_free_block(w, list_entry(pos, struct page, lru), order, mt);
	if (n > limit) {
		verify_fail(w->v, "%s: order-%u %s list does not end", w->zone->name, order,
			    migratetype_names[mt]);
		return;
	}
	if (n != area->nr_free_mt[mt])
		verify_fail(w->v, "%s: order-%u %s list holds %lu blocks, count says %lu",
			    w->zone->name, order, migratetype_names[mt], n, area->nr_free_mt[mt]);
	if (!is_migrate_isolate(mt))
		w->pages += n << order;
	if (order >= pageblock_order && !is_migrate_isolate(mt))
		w->blocks_pages += n << order;
	if (mt == MIGRATE_HIGHATOMIC)
		w->highatomic += n << order;
}

static void check_pcp(struct buddy_walk *w, int cpu)
{
	struct per_cpu_pages *pcp = zone_pcp(w->zone, cpu);
	long total = 0, limit = (long)w->zone->spanned_pages + 1;
	unsigned int pindex;

	for (pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
		unsigned int order = pindex_to_order(pindex);
		struct list_head *pos;

		for (pos = pcp->lists[pindex].next; pos != &pcp->lists[pindex] && total <= limit;
		     pos = pos->next) {
			struct page *p = list_entry(pos, struct page, lru);
			unsigned long pfn = page_to_pfn(p), i;

			total += 1L << order;
			if (page_zone(p) != w->zone || !IS_ALIGNED(pfn, 1UL << order) ||
			    PageBuddy(p)) {
				verify_fail(w->v,
					    "%s: cpu %d pcp order-%u page pfn %#lx is misplaced",
					    w->zone->name, cpu, order, pfn);
				continue;
			}
			if (mark_block(w, pfn, order, PFN_PCP))
				for (i = 0; i < (1UL << order); i++)
					check_free_page(w, p + i, "pcp");
		}
	}
	if (total != pcp->count)
		verify_fail(w->v, "%s: cpu %d pcp lists hold %ld pages, count says %d",
			    w->zone->name, cpu, total, pcp->count);
}

static void check_zone_counts(struct buddy_walk *w)
{
	struct zone *zone = w->zone;
	unsigned long sum = 0;
	unsigned int o;
	int mt;

	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		sum = 0;
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			sum += zone->free_area[o].nr_free_mt[mt];
		if (sum != zone->free_area[o].nr_free)
			verify_fail(w->v, "%s: order-%u nr_free %lu, lists hold %lu", zone->name, o,
				    zone->free_area[o].nr_free, sum);
	}
	/* global + every CPU's delta (those of NR_FREE_PAGES* change under
	 * zone->lock, which the walk holds) */
	if (zone_page_state_snapshot(zone, NR_FREE_PAGES) != w->pages)
		verify_fail(w->v, "%s: NR_FREE_PAGES %lu, free lists hold %lu", zone->name,
			    zone_page_state_snapshot(zone, NR_FREE_PAGES), w->pages);
	if (zone_page_state_snapshot(zone, NR_FREE_PAGES_BLOCKS) != w->blocks_pages)
		verify_fail(w->v, "%s: NR_FREE_PAGES_BLOCKS %lu, lists hold %lu", zone->name,
			    zone_page_state_snapshot(zone, NR_FREE_PAGES_BLOCKS), w->blocks_pages);
	if (zone->nr_free_highatomic != w->highatomic)
		verify_fail(w->v, "%s: nr_free_highatomic %lu, lists hold %lu", zone->name,
			    zone->nr_free_highatomic, w->highatomic);
	if (min_wmark_pages(zone) > low_wmark_pages(zone) ||
	    low_wmark_pages(zone) > high_wmark_pages(zone))
		verify_fail(w->v, "%s: watermarks out of order", zone->name);
	if (zone->present_pages > zone->spanned_pages ||
	    zone_managed_pages(zone) > zone->present_pages)
		verify_fail(w->v, "%s: managed > present > spanned violated", zone->name);
	for (mt = 0; mt <= zone_idx(zone); mt++)
		if (zone->lowmem_reserve[mt])
			verify_fail(w->v, "%s: lowmem_reserve[%d] is not 0", zone->name, mt);
}

/* Every PageBuddy frame must be a free head found on a list. */
static void check_stray_buddies(struct buddy_walk *w)
{
	struct zone *zone = w->zone;
	unsigned long pfn;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++)
		if (PageBuddy(pfn_to_page(pfn)) && w->state[pfn] != PFN_FREE_HEAD)
			verify_fail(w->v, "%s: pfn %#lx is PageBuddy but on no free list",
				    zone->name, pfn);
}

static void verify_zone(struct verify_ctx *v, struct zone *zone, u8 *state)
{
	struct buddy_walk w = { .v = v, .zone = zone, .state = state };
	unsigned int o;
	int mt, cpu;

	spin_lock(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			check_free_list(&w, o, mt);
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		check_pcp(&w, cpu);
	check_zone_counts(&w);
	check_stray_buddies(&w);
	spin_unlock(&zone->lock);
}

static void verify_buddy(struct verify_ctx *v)
{
	struct zone *zone;
	unsigned long managed = 0;
	u8 *state;

	if (!mmk || !mmk->booted)
		return;
	state = calloc(mmk->max_pfn, 1);
	if (!state) {
		verify_fail(v, "out of host memory");
		return;
	}
	for_each_populated_zone(zone) {
		verify_zone(v, zone, state);
		managed += zone_managed_pages(zone);
	}
	if (managed != totalram_pages())
		verify_fail(v, "managed pages %lu != totalram %lu", managed, totalram_pages());
	if (PageBuddy(pfn_to_page(0)) || state[0] != PFN_NONE)
		verify_fail(v, "pfn 0 (reserved) is free");
	free(state);
}
VERIFY_CHECK(verify_buddy_check, "buddy", 10, verify_buddy);
