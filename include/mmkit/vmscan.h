/*
 * vmscan.h - page reclaim's public face (Linux include/linux/swap.h's
 * reclaim part, mm/internal.h): direct reclaim for the allocator, kswapd,
 * the reference check through rmap, the shrinker API.  Implemented in
 * mm/vmscan.c, mm/rmap.c and mm/shrinker.c.
 */
#ifndef MMKIT_VMSCAN_H
#define MMKIT_VMSCAN_H

#include "mmkit/mmzone.h"

/* Rounds of reclaim without progress before the allocator gives up; kswapd
 * runs that freed nothing before the node is left to direct reclaim. */
#define MAX_RECLAIM_RETRIES 16

/* Nonzero while this thread reclaims (Linux PF_MEMALLOC): its allocations
 * ignore the watermarks and never enter reclaim again. */
extern __thread int in_reclaim;

/* Direct reclaim (Linux try_to_free_pages): up to SWAP_CLUSTER_MAX pages
 * from zones up to gfp_zone(gfp), priority 12 down to 0.  Counts
 * allocstall_*.  No lock held.  Returns the pages reclaimed (0: no
 * progress). */
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order);

/* How many PTEs mapping page were young (cleared now); *vm_flags gets the
 * flags of the VMAs that had them, VM_LOCKED if a locked VMA maps it (the
 * page is then mlocked).  A file page not locked by the caller is
 * trylocked (1 if that fails).  Linux folio_referenced (mm/rmap.c). */
int folio_referenced(struct page *page, bool is_locked, unsigned long *vm_flags);

/* Pages of zone that reclaim could free: file LRU, and anon with swap
 * (Linux zone_reclaimable_pages). */
unsigned long zone_reclaimable_pages(struct zone *zone);

/* kswapd (mm/vmscan.c): woken when zone falls below its low watermark for
 * an order-`order` request limited to highest_zoneidx (Linux
 * wakeup_kswapd).  Any context. */
void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx);
/* Run kswapd if it was woken (the scheduler's turn for it): on a CPU thread,
 * no lock held.  Returns the pages it reclaimed. */
unsigned long kswapd_run_pending(void);

/* ---- get_scan_count's rules, pure (unit-tested) ---- */
enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };
struct scan_input {
	bool may_swap, swap_space; /* sc->may_swap; swap slots left */
	int priority, swappiness;
	bool file_is_tiny, cache_trim_mode;
	unsigned long anon_cost, file_cost; /* lruvec costs (lru_note_cost) */
};
/* Which lists to scan (Linux get_scan_count's choice of scan_balance). */
enum scan_balance scan_balance_of(const struct scan_input *in);
/* fraction[0] (anon), fraction[1] (file) and their sum (Linux
 * calculate_pressure_balance). */
void calculate_pressure_balance(unsigned long anon_cost, unsigned long file_cost, int swappiness,
				u64 *fraction, u64 *denominator);
/* nr[lru] for the four evictable lists, from their sizes (Linux
 * get_scan_count without memcg protection). */
void get_scan_count_of(const struct scan_input *in, const unsigned long *lru_size,
		       unsigned long *nr);

/* ---- shrinkers (mm/shrinker.c) ---- */
struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};
#define SHRINK_STOP (~0UL)
#define SHRINK_EMPTY (~0UL - 1)
struct shrinker {
	const char *name;
	/* objects that could be freed (0 or SHRINK_EMPTY: nothing) */
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
	/* free up to sc->nr_to_scan; returns the number freed or SHRINK_STOP */
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
	int seeks;  /* DEFAULT_SEEKS (2) */
	long batch; /* 0: SHRINK_BATCH (128) */
	_Atomic long nr_deferred;
	struct list_head list;
	void *private_data;
};
#define DEFAULT_SEEKS 2
/* Linux shrinker_alloc + shrinker_register / shrinker_free. */
struct shrinker *shrinker_alloc(const char *name);
void shrinker_register(struct shrinker *s);
void shrinker_free(struct shrinker *s);
/* Call every shrinker in proportion to the LRU scan (Linux shrink_slab).
 * No lock held.  Returns the objects freed. */
unsigned long shrink_slab(gfp_t gfp, int nid, int priority);

#endif
