/*
 * swap.c - the LRU lists' entry points (Linux 6.18 mm/swap.c): per-CPU folio
 * batches, folio_add_lru, folio_mark_accessed, folio_activate,
 * folio_deactivate, folio_mark_lazyfree, lru_add_drain*, lru_note_cost and
 * the LRU half of freeing a page (__page_cache_release).
 *
 * A page reaches the LRU through a per-CPU batch of up to FOLIO_BATCH_SIZE
 * (31) pages, as in Linux: folio_add_lru takes a reference and queues the
 * page on this CPU's lru_add batch; a full batch (or one on a thread that is
 * no CPU) is moved to the lists under lru_lock in one go (folio_batch_move_lru)
 * and its references dropped.  A page in a batch is not PG_lru, so reclaim
 * cannot isolate it; lru_add_drain empties this CPU's batches (reclaim does
 * it before scanning), lru_add_drain_all every CPU's by IPI.  The activate
 * batch holds pages that are on a list (PG_lru) and moves them to the
 * active list when drained; a page whose PG_lru went meanwhile (isolated)
 * is skipped, as Linux's folio_test_clear_lru skips it.  MADV_COLD and
 * MADV_FREE (folio_deactivate, folio_mark_lazyfree) move their page at
 * once where Linux queues it (see folio_move_now).
 *
 * Freeing: the last put_page of a page on a list takes it off under lru_lock
 * (__page_cache_release) and clears PG_lru, PG_active, PG_unevictable and
 * PG_mlocked (NR_MLOCK) before the buddy allocator sees it.
 *
 * Locks: lruvec->lru_lock is a leaf below the PTE lock, i_pages_lock and the
 * swap cluster lock (a page's last reference may go under any of them);
 * nothing is taken inside it.  The batches are their CPU's own (only that
 * CPU's thread touches them, remote drains go by IPI).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/mm_inline.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/swap.h"

#define FOLIO_BATCH_SIZE 31

struct folio_batch {
	unsigned int nr;
	struct page *pages[FOLIO_BATCH_SIZE];
};

enum { FB_LRU_ADD, FB_ACTIVATE, NR_FBATCHES };

struct cpu_fbatches {
	struct folio_batch fb[NR_FBATCHES];
} __attribute__((aligned(64)));

static struct cpu_fbatches *cpu_fbatches; /* [nr_cpus] */

typedef void (*move_fn_t)(struct lruvec *lruvec, struct page *page);

/* ---------------------------------------------------------- counters -- */

static void lru_stat_mod(struct lruvec *lruvec, struct zone *zone, enum lru_list lru, long nr)
{
	if (this_cpu()) {
		__mod_node_page_state(lruvec->pgdat, NR_LRU_BASE + lru, nr);
		__mod_zone_page_state(zone, NR_ZONE_LRU_BASE + lru, nr);
	} else {
		node_page_state_add(nr, lruvec->pgdat, NR_LRU_BASE + lru);
		zone_page_state_add(nr, zone, NR_ZONE_LRU_BASE + lru);
	}
}

void update_lru_size(struct lruvec *lruvec, enum lru_list lru, int zid, long nr)
{
	WRITE_ONCE(lruvec->nr_pages[lru][zid], lruvec->nr_pages[lru][zid] + (unsigned long)nr);
	lru_stat_mod(lruvec, &lruvec->pgdat->node_zones[zid], lru, nr);
}

void lru_note_cost(struct lruvec *lruvec, bool file, unsigned int nr_io, unsigned int nr_rotated)
{
	unsigned long cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;
	unsigned long lrusize;

	spin_lock(&lruvec->lru_lock);
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	/* decay: halve both once they exceed a quarter of the LRU (Linux) */
	lrusize = lruvec_lru_size(lruvec, LRU_INACTIVE_ANON, MAX_NR_ZONES) +
		  lruvec_lru_size(lruvec, LRU_ACTIVE_ANON, MAX_NR_ZONES) +
		  lruvec_lru_size(lruvec, LRU_INACTIVE_FILE, MAX_NR_ZONES) +
		  lruvec_lru_size(lruvec, LRU_ACTIVE_FILE, MAX_NR_ZONES);
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
	spin_unlock(&lruvec->lru_lock);
}

unsigned long lruvec_lru_size(struct lruvec *lruvec, int lru, int zone_idx)
{
	unsigned long size = 0;

	for (int zid = 0; zid < MAX_NR_ZONES && zid <= zone_idx; zid++)
		size += READ_ONCE(lruvec->nr_pages[lru][zid]);
	return size;
}

/* ----------------------------------------------------------- batches -- */

static void folio_batch_move_lru(struct folio_batch *fb, move_fn_t move_fn)
{
	struct lruvec *lruvec = NULL;

	for (unsigned int i = 0; i < fb->nr; i++) {
		struct page *page = fb->pages[i];

		if (!lruvec) {
			lruvec = folio_lruvec(page);
			spin_lock(&lruvec->lru_lock);
		}
		move_fn(lruvec, page);
	}
	if (lruvec)
		spin_unlock(&lruvec->lru_lock);
	for (unsigned int i = 0; i < fb->nr; i++)
		put_page(fb->pages[i]); /* the batch's references */
	fb->nr = 0;
}

/* Queue page (a reference taken here) on this CPU's batch `which`; move the
 * batch when full, or at once on a thread that is no CPU. */
static void folio_batch_add_and_move(struct page *page, int which, move_fn_t move_fn)
{
	struct cpu *c = this_cpu();
	struct folio_batch *fb, one;

	get_page(page);
	if (c && cpu_fbatches) {
		fb = &cpu_fbatches[c->id].fb[which];
	} else {
		one.nr = 0; /* only its first page is used: no need to clear it all */
		fb = &one;
	}
	fb->pages[fb->nr++] = page;
	if (fb->nr == FOLIO_BATCH_SIZE || fb == &one)
		folio_batch_move_lru(fb, move_fn);
}

/* Linux folio_evictable: mlocked pages are not (mapping_unevictable:
 * SHM_LOCK and ramfs are not modelled). */
static bool folio_evictable(const struct page *page) { return !PageMlocked(page); }

static void lru_add(struct lruvec *lruvec, struct page *page)
{
	bool was_unevictable = TestClearPageUnevictable(page);

	VM_BUG_ON(PageLRU(page));
	if (folio_evictable(page)) {
		if (was_unevictable)
			count_vm_event(UNEVICTABLE_PGRESCUED);
	} else {
		ClearPageActive(page);
		SetPageUnevictable(page);
		page->mlock_count = PageMlocked(page) ? 1 : 0;
		if (!was_unevictable)
			count_vm_event(UNEVICTABLE_PGCULLED);
	}
	lruvec_add_folio(lruvec, page);
	SetPageLRU(page);
}

static void lru_activate(struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page) || PageActive(page) || PageUnevictable(page))
		return;
	lruvec_del_folio(lruvec, page);
	SetPageActive(page);
	lruvec_add_folio(lruvec, page);
	count_vm_event(PGACTIVATE);
}

static void lru_deactivate(struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page) || PageUnevictable(page) || !(PageActive(page) || PageReferenced(page)))
		return;
	lruvec_del_folio(lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	lruvec_add_folio(lruvec, page);
	count_vm_event(PGDEACTIVATE);
}

static void lru_lazyfree(struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page) || !PageAnon(page) || !PageSwapBacked(page) || PageSwapCache(page) ||
	    PageUnevictable(page))
		return;
	lruvec_del_folio(lruvec, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	/* a lazily freed page is clean anonymous memory: it goes to the
	 * inactive file list, where reclaim drops it (Linux) */
	ClearPageSwapBacked(page);
	lruvec_add_folio(lruvec, page);
	count_vm_event(PGLAZYFREE);
}

static const move_fn_t fbatch_fn[NR_FBATCHES] = {
	[FB_LRU_ADD] = lru_add,
	[FB_ACTIVATE] = lru_activate,
};

void folio_add_lru(struct page *page)
{
	VM_BUG_ON(PageActive(page) && PageUnevictable(page));
	VM_BUG_ON(PageLRU(page));
	folio_batch_add_and_move(page, FB_LRU_ADD, lru_add);
}

void folio_add_lru_vma(struct page *page, struct vm_area_struct *vma)
{
	if (unlikely((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED))
		mlock_new_folio(page); /* to the LRU through the mlock batch */
	else
		folio_add_lru(page);
}

void lru_add_drain(void)
{
	struct cpu *c = this_cpu();

	if (!c || !cpu_fbatches)
		return;
	for (int i = 0; i < NR_FBATCHES; i++)
		if (cpu_fbatches[c->id].fb[i].nr)
			folio_batch_move_lru(&cpu_fbatches[c->id].fb[i], fbatch_fn[i]);
	mlock_drain_local();
}

static bool cpu_needs_drain(int cpu)
{
	for (int i = 0; i < NR_FBATCHES; i++)
		if (READ_ONCE(cpu_fbatches[cpu].fb[i].nr))
			return true;
	return need_mlock_drain(cpu);
}

static void lru_add_drain_ipi(void *info)
{
	(void)info;
	lru_add_drain();
}

void lru_add_drain_all(void)
{
	struct cpu *self = this_cpu();
	u64 mask = 0;

	if (!cpu_fbatches)
		return;
	for (int n = 0; n < mmk->nr_cpus; n++)
		if ((!self || n != self->id) && cpu_needs_drain(n))
			mask |= BIT(n);
	if (mask && self)
		smp_call_function_many(mask, lru_add_drain_ipi, NULL, true);
	else if (mask)
		for (int n = 0; n < mmk->nr_cpus; n++)
			if (mask & BIT(n))
				cpu_call(n, lru_add_drain_ipi, NULL);
	lru_add_drain();
}

unsigned long lru_batched_pages(void)
{
	unsigned long n = 0;

	if (!cpu_fbatches)
		return 0;
	for (int c = 0; c < mmk->nr_cpus; c++)
		n += READ_ONCE(cpu_fbatches[c].fb[FB_LRU_ADD].nr);
	return n;
}

void lru_batch_count(unsigned int *refs)
{
	if (!cpu_fbatches)
		return;
	for (int c = 0; c < mmk->nr_cpus; c++)
		for (int i = 0; i < NR_FBATCHES; i++)
			for (unsigned int j = 0; j < READ_ONCE(cpu_fbatches[c].fb[i].nr); j++)
				refs[page_to_pfn(cpu_fbatches[c].fb[i].pages[j])]++;
	mlock_batch_count(refs);
}

/* ------------------------------------------------------- promotions -- */

void folio_activate(struct page *page)
{
	if (PageActive(page) || PageUnevictable(page))
		return;
	folio_batch_add_and_move(page, FB_ACTIVATE, lru_activate);
}

/* A page still in this CPU's lru_add batch becomes active there (Linux
 * __lru_cache_activate_folio): it goes to the active list when the batch
 * moves. */
static void __lru_cache_activate_folio(struct page *page)
{
	struct cpu *c = this_cpu();
	struct folio_batch *fb;

	if (!c || !cpu_fbatches)
		return;
	fb = &cpu_fbatches[c->id].fb[FB_LRU_ADD];
	for (unsigned int i = fb->nr; i-- > 0;)
		if (fb->pages[i] == page) {
			SetPageActive(page);
			break;
		}
}

/* The classic policy's second touch (Linux folio_mark_accessed without
 * lru_gen): on the LRU, queue the activation; else, in this CPU's add
 * batch, mark it active in place. */
void lru_classic_mark_accessed(struct page *page)
{
	if (PageLRU(page))
		folio_activate(page);
	else
		__lru_cache_activate_folio(page);
	ClearPageReferenced(page);
	workingset_activation(page);
}

void folio_mark_accessed(struct page *page)
{
	if (!PageReferenced(page))
		SetPageReferenced(page);
	else if (!PageUnevictable(page) && !PageActive(page))
		lru_policy->mark_accessed(page);
}

/* A batch of one, moved now: MADV_COLD and MADV_FREE move their pages at
 * once (Linux queues them on the lru_deactivate and lru_lazyfree batches;
 * mmkit's scenarios read the counters right after the call, and a queued
 * page could not be reclaimed meanwhile anyway). */
static void folio_move_now(struct page *page, move_fn_t fn)
{
	struct folio_batch one = { .nr = 1, .pages = { page } };

	get_page(page);
	folio_batch_move_lru(&one, fn);
}

void folio_deactivate(struct page *page)
{
	if (PageUnevictable(page) || !(PageActive(page) || PageReferenced(page)))
		return;
	folio_move_now(page, lru_deactivate);
}

void folio_mark_lazyfree(struct page *page)
{
	if (!PageAnon(page) || !PageSwapBacked(page) || PageSwapCache(page) ||
	    PageUnevictable(page))
		return;
	folio_move_now(page, lru_lazyfree);
}

/* Linux folio_rotate_reclaimable (the lru_move_tail batch, moved at once):
 * a page reclaim wanted, clean now that its write ended, goes to the tail
 * of its inactive list, where the next scan reclaims it (pgrotated). */
void folio_rotate_reclaimable(struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(page);

	if (PageLocked(page) || PageDirty(page) || PageUnevictable(page) || !PageLRU(page))
		return;
	spin_lock(&lruvec->lru_lock);
	if (PageLRU(page) && !PageUnevictable(page)) {
		lruvec_del_folio(lruvec, page);
		ClearPageActive(page);
		lruvec_add_folio_tail(lruvec, page);
		count_vm_event(PGROTATED);
	}
	spin_unlock(&lruvec->lru_lock);
}

/* ------------------------------------------------------------ freeing -- */

void __page_cache_release(struct page *page)
{
	if (PageLRU(page)) {
		struct lruvec *lruvec = folio_lruvec(page);

		spin_lock(&lruvec->lru_lock);
		lruvec_del_folio(lruvec, page);
		ClearPageLRU(page);
		spin_unlock(&lruvec->lru_lock);
	}
	ClearPageActive(page);
	ClearPageUnevictable(page);
	if (unlikely(PageMlocked(page))) {
		ClearPageMlocked(page);
		if (this_cpu())
			__mod_zone_page_state(page_zone(page), NR_MLOCK, -1);
		else
			zone_page_state_add(-1, page_zone(page), NR_MLOCK);
		count_vm_event(UNEVICTABLE_PGCLEARED);
	}
}

/* -------------------------------------------------------------- init -- */

static int lru_init(void)
{
	struct lruvec *lruvec = node_lruvec(&contig_page_data);
	enum lru_list lru;

	memset(lruvec, 0, sizeof(*lruvec));
	for_each_lru(lru) INIT_LIST_HEAD(&lruvec->lists[lru]);
	spin_lock_init(&lruvec->lru_lock);
	lruvec->pgdat = &contig_page_data;
	cpu_fbatches = aligned_alloc(64, sizeof(*cpu_fbatches) * (size_t)mmk->nr_cpus);
	if (!cpu_fbatches)
		return -ENOMEM;
	memset(cpu_fbatches, 0, sizeof(*cpu_fbatches) * (size_t)mmk->nr_cpus);
	return 0;
}

static void lru_exit(void)
{
	free(cpu_fbatches);
	cpu_fbatches = NULL;
}
mmk_initcall(INIT_PAGE_ALLOC + 1, lru_init, lru_exit);
