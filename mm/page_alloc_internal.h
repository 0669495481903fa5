/*
 * page_alloc_internal.h - what mm/page_alloc.c shares with mm/mm_init.c,
 * mm/show_mem.c, mm/debug.c and the /proc views (Linux mm/internal.h):
 * allocation flags, the allocation context, free-list primitives and the
 * boot-time setup steps.
 */
#ifndef MMKIT_PAGE_ALLOC_INTERNAL_H
#define MMKIT_PAGE_ALLOC_INTERNAL_H

#include "mmkit/mmzone.h"

/* alloc_flags (mm/internal.h): the low bits select the watermark. */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04 /* __GFP_MEMALLOC: ignore watermarks */
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM 0x08	       /* OOM victim (not used yet) */
#define ALLOC_NON_BLOCK 0x10   /* cannot block: 25% more of min (62.5% with __GFP_HIGH) */
#define ALLOC_MIN_RESERVE 0x20 /* __GFP_HIGH: 50% of min */
#define ALLOC_CPUSET 0x40
#define ALLOC_CMA 0x80
#define ALLOC_NOFRAGMENT 0x100 /* do not steal from other pageblock types */
#define ALLOC_HIGHATOMIC 0x200 /* may use MIGRATE_HIGHATOMIC */
#define ALLOC_KSWAPD 0x800     /* may wake kswapd */
#define ALLOC_RESERVES (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* fpi_t: how a block goes back to the free lists. */
#define FPI_NONE 0
#define FPI_TO_TAIL 0x2 /* put it at the tail (boot, to keep it cold) */

struct alloc_context {
	struct zone *const *zonelist; /* zonelist[highest_zoneidx] */
	struct zone *preferred_zone;  /* first usable zone of the zonelist */
	int highest_zoneidx;	      /* gfp_zone(): start of the zonelist walk */
	int migratetype;
};

/* Page flags that must be clear when a page is freed / handed out
 * (include/linux/page-flags.h). */
#define PAGE_FLAGS_CHECK_AT_FREE                                                                  \
	(BIT(PG_lru) | BIT(PG_locked) | BIT(PG_private) | BIT(PG_private_2) | BIT(PG_writeback) | \
	 BIT(PG_reserved) | BIT(PG_active) | BIT(PG_unevictable) | BIT(PG_mlocked))
#define PAGEFLAGS_MASK (BIT(__NR_PAGEFLAGS) - 1)
#define PAGE_FLAGS_CHECK_AT_PREP PAGEFLAGS_MASK

static inline bool migratetype_is_mergeable(int mt) { return mt < MIGRATE_PCPTYPES; }
static inline bool is_migrate_isolate(int mt) { return mt == MIGRATE_ISOLATE; }

/* The pcp list index of (migratetype, order) and back; the THP order (the
 * pageblock order) has one list for movable and one for the rest. */
static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}
static inline unsigned int pindex_to_order(unsigned int pindex)
{
	return pindex >= NR_LOWORDER_PCP_LISTS ? pageblock_order : pindex / MIGRATE_PCPTYPES;
}
static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

/* Allocation record accessors (relaxed atomics: read racily by reports). */
static inline unsigned int pgalloc_rec_get(unsigned long pfn)
{
	return atomic_load_explicit(&pfn_to_page(pfn)->alloc_rec, memory_order_relaxed);
}
static inline void pgalloc_rec_set(unsigned long pfn, unsigned int v)
{
	atomic_store_explicit(&pfn_to_page(pfn)->alloc_rec, v, memory_order_relaxed);
}

static inline bool free_area_empty(const struct free_area *area, int mt)
{
	return READ_ONCE(((struct free_area *)area)->nr_free_mt[mt]) == 0;
}

/* page_alloc.c, for mm_init.c (boot): zone->lock held. */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype, int fpi);
int get_pfnblock_migratetype(unsigned long pfn);
/* mm_init.c */
void setup_per_zone_wmarks(void);
void zone_pcp_update(struct zone *zone);
void per_cpu_pages_init(struct per_cpu_pages *pcp);
extern unsigned long max_zone_pfn[MAX_NR_ZONES];

/* debug.c: the page report behind bad_page() and warn_alloc(). */
void format_gfp(char *buf, size_t n, gfp_t gfp);
const char *current_comm(void);
void show_free_areas(void);

#define for_each_zone_zonelist(zone, zp, ac) \
	for ((zp) = (ac)->zonelist; ((zone) = *(zp)) != NULL; (zp)++)

#endif
