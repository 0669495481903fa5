/*
 * swap_state.c - the swap cache and swap-in readahead (Linux 6.18
 * mm/swap_state.c, mm/swap_table.h).
 *
 * The swap cache maps a swap entry to the page holding its data while the
 * page is on its way out (written by reclaim) or back in (read by a fault,
 * readahead or swapoff).  In 6.18 it is the swap table: one pointer per
 * slot, in the slot's cluster, under the cluster lock together with the
 * slot's swap_map byte, and SWAP_HAS_CACHE is set exactly when the table
 * holds a page.  A page in the cache has PG_swapcache, page->private = its
 * entry, one reference held by the cache, and counts in NR_FILE_PAGES and
 * NR_SWAPCACHE (meminfo SwapCached; Cached excludes it).  When reclaim
 * frees the page, the slot keeps its workingset shadow (a value entry) until
 * a swap-in takes it (workingset_refault) or the slot is freed.
 *
 * Readahead (swapin_readahead), as Linux chooses it:
 *   - VMA readahead (vma_ra_enabled and no rotational area active): the
 *     swap PTEs around the faulting address, in a window that grows with
 *     the VMA's readahead hits (vma->swap_readahead_info: address, window,
 *     hits) up to 2^page-cluster pages (at most 32), clamped to the VMA
 *     and the PMD;
 *   - cluster readahead otherwise: the aligned block of 2^page-cluster
 *     (8) slots around the entry, its size from the global hit count
 *     (swapin_nr_pages: hits + 2, rounded up to a power of 2, not below
 *     half the last window; no hits and not adjacent to the last fault:
 *     1 page).
 *   Pages read ahead get PG_readahead and count in swap_ra; a later hit on
 *   one clears it and counts in swap_ra_hit.  Reads of neighbouring slots
 *   go out as one request (page_io.c's plug), and a window's requests as
 *   one block-layer batch (blk_plug): they are asynchronous, and the fault
 *   that waits for its page (lock_page) completes the window.
 */
#include <errno.h>
#include "mmkit/blkdev.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/swap.h"
#include "mm/swap_internal.h"

static DEFINE_FAULT_SITE(swapin_page_fail, "swapin_page_alloc");

static _Atomic int swapin_readahead_hits;

/* ======================================================= the cache == */

static struct page **swap_cache_slot(struct swap_cluster_info *ci, swp_entry_t entry)
{
	return ci->table ? &ci->table[swap_cache_index(entry)] : NULL;
}

/* The page a swap-table slot holds: NULL for an empty slot or a workingset
 * shadow (a value entry, as in Linux's swap table). */
static struct page *swap_slot_page(struct page **slot)
{
	return slot && *slot && !xa_is_value_entry(*slot) ? *slot : NULL;
}

/* Linux 6.18 swap_cache_get_folio: the entry's page with a reference, or
 * NULL.  The caller holds the area (get_swap_device: do_swap_page, the
 * readahead under it, swapoff's own area) and entry is within it. */
static struct page *swap_cache_get_folio(swp_entry_t entry)
{
	struct swap_cluster_info *ci = lock_cluster(swp_swap_info(entry), swp_offset(entry));
	struct page *page = swap_slot_page(swap_cache_slot(ci, entry));

	if (page)
		get_page(page);
	spin_unlock(&ci->lock);
	return page;
}

struct page *swap_cache_lookup(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device(entry);
	struct page *page;

	if (!si)
		return NULL;
	page = swap_cache_get_folio(entry);
	put_swap_device(si);
	return page;
}

/* Linux swap_update_readahead: a hit on a page read ahead. */
static void swap_update_readahead(struct page *page, struct vm_area_struct *vma,
				  unsigned long addr);

void *__swap_cache_add_folio(struct swap_cluster_info *ci, struct page *page, swp_entry_t entry)
{
	struct page **slot = swap_cache_slot(ci, entry);
	void *shadow;

	BUG_ON(!slot || swap_slot_page(slot));
	shadow = *slot;
	get_page(page);
	page->private = entry.val;
	SetPageSwapCache(page);
	*slot = page;
	mod_lruvec_page_state(page, NR_FILE_PAGES, 1);
	mod_lruvec_page_state(page, NR_SWAPCACHE, 1);
	return shadow;
}

/* Take page out of its slot's table, leaving shadow (a workingset shadow
 * or NULL) in its place (Linux __swap_cache_del_folio).  Cluster locked.
 * The slot keeps its byte; the caller drops HAS_CACHE, and the shadow goes
 * when the slot is freed (swap_entry_free_locked). */
static void __swap_cache_del_folio(struct swap_cluster_info *ci, struct page *page, void *shadow)
{
	swp_entry_t entry = page_swap_entry(page);
	struct page **slot = swap_cache_slot(ci, entry);

	BUG_ON(!slot || *slot != page);
	*slot = shadow;
	ClearPageSwapCache(page);
	page->private = 0;
	mod_lruvec_page_state(page, NR_FILE_PAGES, -1);
	mod_lruvec_page_state(page, NR_SWAPCACHE, -1);
}

void swap_cache_del_folio(struct page *page) { swap_cache_del_folio_shadow(page, NULL); }

void swap_cache_del_folio_shadow(struct page *page, void *shadow)
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swp_swap_info(entry);
	struct swap_cluster_info *ci;

	VM_BUG_ON(!PageLocked(page) || !PageSwapCache(page) || PageWriteback(page));
	ci = lock_cluster(si, swp_offset(entry));
	__swap_cache_del_folio(ci, page, shadow);
	swap_entry_put_locked(si, ci, swp_offset(entry), SWAP_HAS_CACHE);
	spin_unlock(&ci->lock);
	put_page(page); /* the cache's reference */
}

unsigned long total_swapcache_pages(void) { return global_node_page_state(NR_SWAPCACHE); }

bool add_to_swap(struct page *page)
{
	if (folio_alloc_swap(page))
		return false;
	/* A MADV_FREE page whose PTE was cleaned may still be swap-backed:
	 * always write it (Linux add_to_swap's folio_mark_dirty). */
	SetPageDirty(page);
	return true;
}

/* ===================================================== reading in == */

/* A page for a swap-in, locked and swap-backed (not yet anonymous: it
 * becomes so when a fault maps it).  NULL on -ENOMEM. */
static struct page *swapin_alloc_page(void)
{
	struct page *page;

	if (should_fail(&swapin_page_fail))
		return NULL;
	page = alloc_page(GFP_HIGHUSER_MOVABLE);
	if (!page)
		return NULL;
	/* new, so no one else changes its flags: one plain store sets
	 * PG_locked and PG_swapbacked (Linux __folio_set_locked,
	 * __folio_set_swapbacked); lockdep learns of the lock as a trylock */
	atomic_store_explicit(&page->flags,
			      atomic_load_explicit(&page->flags, memory_order_relaxed) |
				      (1UL << PG_locked) | (1UL << PG_swapbacked),
			      memory_order_relaxed);
#ifdef CONFIG_LOCKDEP
	lock_acquire(page, &page_lock_dep_map, false, true);
#endif
	return page;
}

static void swapin_free_page(struct page *page)
{
	unlock_page(page);
	ClearPageSwapBacked(page);
	put_page(page);
}

/*
 * Linux __read_swap_cache_async.  The entry's page from the cache, or a
 * new one put in the cache (locked, to be read by the caller: *new).  In
 * the swap table the slot's HAS_CACHE and the page go in together under
 * the cluster lock, so no racer ever sees one without the other.  NULL if
 * the slot is free (nothing to read) or on -ENOMEM; best_effort (a page of
 * readahead, which swap_ra_target gets again) reports the -ENOMEM absorbed.
 * The caller holds the area, as in Linux 6.18 (do_swap_page's
 * get_swap_device covers its readahead; read_swap_cache_async takes its
 * own).
 */
static struct page *__read_swap_cache_async(swp_entry_t entry, bool *new, bool best_effort)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	struct swap_cluster_info *ci;
	struct page *page = NULL, *fresh = NULL, **slot;
	void *shadow = NULL;

	*new = false;
	if (!si || swp_offset(entry) >= si->max)
		return NULL;
	for (;;) {
		ci = lock_cluster(si, swp_offset(entry));
		slot = swap_cache_slot(ci, entry);
		if (swap_slot_page(slot)) {
			page = *slot;
			get_page(page);
		} else if (!slot || !(si->swap_map[swp_offset(entry)] & ~SWAP_HAS_CACHE) ||
			   si->swap_map[swp_offset(entry)] == SWAP_MAP_BAD) {
			page = NULL; /* free: nothing to read */
		} else if (fresh) {
			si->swap_map[swp_offset(entry)] |= SWAP_HAS_CACHE;
			shadow = __swap_cache_add_folio(ci, fresh, entry);
			page = fresh;
			fresh = NULL;
			*new = true;
		} else {
			spin_unlock(&ci->lock);
			fresh = swapin_alloc_page();
			if (!fresh) {
				if (best_effort)
					fault_absorbed();
				break;
			}
			continue;
		}
		spin_unlock(&ci->lock);
		break;
	}
	if (page && *new) {
		if (shadow) /* evicted by reclaim: was it part of the workingset? */
			workingset_refault(page, shadow);
		folio_add_lru(page); /* Linux: before the read starts */
	}
	if (fresh)
		swapin_free_page(fresh);
	return page;
}

struct page *read_swap_cache_async(swp_entry_t entry, bool *new, bool readahead)
{
	struct swap_info_struct *si = get_swap_device(entry);
	struct page *page;

	(void)readahead;
	*new = false;
	if (!si)
		return NULL;
	page = __read_swap_cache_async(entry, new, false);
	if (page && *new)
		swap_read_folio(page, NULL);
	put_swap_device(si);
	return page;
}

/* ========================================================= readahead == */

/* Linux __swapin_nr_pages: the window from the hits of the last ones. */
static unsigned int __swapin_nr_pages(unsigned long prev_offset, unsigned long offset, int hits,
				      unsigned int max_pages, unsigned int prev_win)
{
	unsigned int pages = (unsigned int)hits + 2, last_ra;

	if (pages == 2) {
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		unsigned int roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	last_ra = prev_win / 2;
	if (pages < last_ra)
		pages = last_ra;
	return pages;
}

static unsigned int swapin_nr_pages(unsigned long offset)
{
	static _Atomic unsigned long prev_offset;
	static _Atomic unsigned int last_readahead_pages;
	unsigned int hits, pages, max_pages = 1U << READ_ONCE(page_cluster);

	if (max_pages <= 1)
		return 1;
	hits = (unsigned int)atomic_exchange(&swapin_readahead_hits, 0);
	pages = __swapin_nr_pages(atomic_load(&prev_offset), offset, (int)hits, max_pages,
				  atomic_load(&last_readahead_pages));
	if (!hits)
		atomic_store(&prev_offset, offset);
	atomic_store(&last_readahead_pages, pages);
	return pages;
}

/* Read entry (readahead: a neighbour, marked PG_readahead) into the
 * cache, batching the read in *plug.  The reference is dropped. */
static void swap_ra_one(swp_entry_t entry, bool ahead, struct swap_iocb **plug)
{
	bool new;
	struct page *page = __read_swap_cache_async(entry, &new, true);

	if (!page)
		return;
	if (new) {
		if (ahead) {
			SetPageReadahead(page);
			count_vm_event(SWAP_RA);
		}
		swap_read_folio(page, plug);
	}
	put_page(page);
}

/* The target itself, after its neighbours (likely read already). */
static struct page *swap_ra_target(swp_entry_t entry)
{
	bool new;
	struct page *page = __read_swap_cache_async(entry, &new, false);

	if (page && new)
		swap_read_folio(page, NULL);
	return page;
}

/* Linux swap_cluster_readahead: the aligned block of slots around entry. */
static struct page *swap_cluster_readahead(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned long offset = swp_offset(entry), mask = swapin_nr_pages(offset) - 1;
	unsigned long start = offset & ~mask, end = offset | mask, off;
	struct swap_iocb *plug = NULL;
	struct blk_plug bplug;
	struct page *page;

	blk_start_plug(&bplug);
	if (mask) {
		if (!start)
			start++; /* slot 0 is the header */
		if (end >= si->max)
			end = si->max - 1;
		for (off = start; off <= end; off++)
			swap_ra_one(swp_entry(swp_type(entry), off), off != offset, &plug);
		swap_read_unplug(plug);
	}
	page = swap_ra_target(entry);
	blk_finish_plug(&bplug);
	return page;
}

/* vma->swap_readahead_info: address | window << 6 | hits (Linux's). */
#define SWAP_RA_WIN_SHIFT (PAGE_SHIFT / 2)
#define SWAP_RA_HITS_MASK ((1UL << SWAP_RA_WIN_SHIFT) - 1)
#define SWAP_RA_HITS_MAX SWAP_RA_HITS_MASK
#define SWAP_RA_WIN_MASK (~PAGE_MASK & ~SWAP_RA_HITS_MASK)
#define SWAP_RA_HITS(v) ((v)&SWAP_RA_HITS_MASK)
#define SWAP_RA_WIN(v) (((v)&SWAP_RA_WIN_MASK) >> SWAP_RA_WIN_SHIFT)
#define SWAP_RA_ADDR(v) ((v)&PAGE_MASK)
#define SWAP_RA_VAL(addr, win, hits)                                              \
	(((addr)&PAGE_MASK) | (((win) << SWAP_RA_WIN_SHIFT) & SWAP_RA_WIN_MASK) | \
	 ((hits)&SWAP_RA_HITS_MASK))

static unsigned long swap_ra_val(struct vm_area_struct *vma)
{
	unsigned long v = atomic_load_explicit(&vma->swap_readahead_info, memory_order_relaxed);

	return v ? v : 4; /* 4 hits to start with a small window */
}

static void swap_update_readahead(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	bool readahead = PageReadahead(page), vma_ra = swap_use_vma_readahead();

	if (readahead)
		ClearPageReadahead(page);
	if (vma && vma_ra) {
		unsigned long v = swap_ra_val(vma), hits = SWAP_RA_HITS(v);

		if (readahead)
			hits = min(hits + 1, SWAP_RA_HITS_MAX);
		atomic_store_explicit(&vma->swap_readahead_info,
				      SWAP_RA_VAL(addr, SWAP_RA_WIN(v), hits),
				      memory_order_relaxed);
	}
	if (readahead) {
		count_vm_event(SWAP_RA_HIT);
		if (!vma || !vma_ra)
			atomic_fetch_add(&swapin_readahead_hits, 1);
	}
}

/* The fault's page from the cache, with the readahead bookkeeping of a
 * hit (do_swap_page's swap_cache_get_folio + swap_update_readahead). */
struct page *swap_cache_get_folio_vmf(swp_entry_t entry, struct vm_fault *vmf)
{
	struct page *page = swap_cache_get_folio(entry);

	if (page)
		swap_update_readahead(page, vmf ? vmf->vma : NULL, vmf ? vmf->address : 0);
	return page;
}

/* Linux swap_vma_ra_win / swap_ra_info: [*start, *end) around the fault. */
static unsigned int swap_vma_ra_win(struct vm_fault *vmf, unsigned long *start, unsigned long *end)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned int ceiling = pgmode.levels >= 4 ? 5 : 3; /* SWAP_RA_ORDER_CEILING */
	unsigned int max_win = 1U << min((unsigned int)READ_ONCE(page_cluster), ceiling), win;
	unsigned long v, faddr = vmf->address, prev, left, right, pmd = faddr & PMD_MASK;

	if (max_win == 1)
		return 1;
	v = swap_ra_val(vma);
	prev = SWAP_RA_ADDR(v);
	win = __swapin_nr_pages(PFN_DOWN(prev), PFN_DOWN(faddr), (int)SWAP_RA_HITS(v), max_win,
				(unsigned int)SWAP_RA_WIN(v));
	atomic_store_explicit(&vma->swap_readahead_info,
			      SWAP_RA_VAL(faddr, (unsigned long)win, 0UL), memory_order_relaxed);
	if (win == 1)
		return 1;
	if (faddr == prev + PAGE_SIZE)
		left = faddr;
	else if (prev == faddr + PAGE_SIZE)
		left = faddr - ((unsigned long)win << PAGE_SHIFT) + PAGE_SIZE;
	else
		left = faddr - ((unsigned long)(win - 1) / 2 << PAGE_SHIFT);
	right = left + ((unsigned long)win << PAGE_SHIFT);
	if ((long)left < 0)
		left = 0;
	*start = max(max(left, vma->vm_start), pmd);
	*end = min(min(right, vma->vm_end), pmd + PMD_SIZE);
	return win;
}

/* Linux swap_vma_readahead: the swap PTEs of the window. */
static struct page *swap_vma_readahead(swp_entry_t targ, struct vm_fault *vmf)
{
	struct swap_iocb *plug = NULL;
	unsigned long start, end, addr;
	struct blk_plug bplug;
	struct page *page;
	ptep_t pte0;

	if (swap_vma_ra_win(vmf, &start, &end) == 1)
		return swap_ra_target(targ);
	blk_start_plug(&bplug);
	pte0 = pte_offset_map(vmf->pmd, start);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t p = ptep_get(ptep_add(pte0, (long)((addr - start) >> PAGE_SHIFT)));
		struct swap_info_struct *si = NULL;
		swp_entry_t entry;

		if (!is_swap_entry_pte(p))
			continue;
		entry = pte_to_swp_entry(p);
		if (swp_type(entry) != swp_type(targ) && !(si = get_swap_device(entry)))
			continue;
		swap_ra_one(entry, addr != vmf->address, &plug);
		if (si)
			put_swap_device(si);
	}
	swap_read_unplug(plug);
	page = swap_ra_target(targ);
	blk_finish_plug(&bplug);
	return page;
}

struct page *swapin_readahead(swp_entry_t entry, struct vm_fault *vmf)
{
	return swap_use_vma_readahead() && vmf && vmf->vma ? swap_vma_readahead(entry, vmf) :
							     swap_cluster_readahead(entry);
}
