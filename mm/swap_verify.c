/*
 * swap_verify.c - the `verify` check of swap ("swap"), with the machine
 * quiescent (between commands: no swap I/O is in flight, no page locked).
 *
 * References are counted from scratch: every swap PTE of every mm (each
 * VMA's page tables) and every swap entry shmem keeps in a page cache.
 * Then, for every slot of every active area:
 *   - its swap_map count (continuation pages included) equals those
 *     references: no PTE or shmem entry names a free slot, no slot counts a
 *     reference nobody holds;
 *   - SWAP_HAS_CACHE is set exactly when the cluster's swap table holds a
 *     page, and that page is PG_swapcache with page->private = the entry,
 *     not locked, not under writeback, holds the cache's reference and is
 *     not mapped by more PTEs than it has references;
 *   - the header and bad slots stay SWAP_MAP_BAD with no reference.
 * Per cluster, count equals the slots in use (past the end counts as used)
 * and the list it is on agrees (free: 0, full: all); per area, inuse_pages
 * equals the slots in use; over the areas, nr_swap_pages and
 * total_swap_pages add up.  A swap PTE naming no active area is reported.
 */
#include <stdlib.h>
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/pagemap.h"
#include "mmkit/pagewalk.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mm/swap_internal.h"

struct sv_state {
	struct verify_ctx *v;
	unsigned long *refs[MAX_SWAPFILES]; /* references counted per slot */
	struct mm_struct *mm;
};

static void sv_count(struct sv_state *s, swp_entry_t entry, const char *who, unsigned long addr)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned int type = swp_type(entry);

	if (!si || !s->refs[type] || swp_offset(entry) >= si->max) {
		verify_fail(s->v, "%s %lu %#lx: entry type %u offset %#lx names no active area",
			    who, s->mm ? s->mm->mm_id : 0, addr, type, swp_offset(entry));
		return;
	}
	s->refs[type][swp_offset(entry)]++;
}

static int sv_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	pte_t p = ptep_get(pte);

	(void)next;
	if (is_swap_entry_pte(p))
		sv_count(walk->private, pte_to_swp_entry(p), "mm", addr);
	return 0;
}

static const struct mm_walk_ops sv_walk_ops = { .pte_entry = sv_pte };

static void sv_shmem(swp_entry_t entry, void *arg)
{
	struct sv_state *s = arg;

	if (!non_swap_entry(entry))
		sv_count(s, entry, "shmem", 0);
}

static void sv_count_references(struct sv_state *s)
{
	struct mm_struct *mm;

	/* every user table, VMA or not (the machine is quiescent, as for
	 * page_verify's walk): a swap PTE outside every VMA is counted too */
	spin_lock(&mmlist_lock);
	list_for_each_entry(mm, &init_mm.mmlist, mmlist) {
		s->mm = mm;
		if (mm->pgd && KERNEL_PGD_BOUNDARY)
			walk_page_range_novma(mm, 0,
					      (unsigned long)KERNEL_PGD_BOUNDARY << PGDIR_SHIFT,
					      &sv_walk_ops, NULL, s);
	}
	spin_unlock(&mmlist_lock);
	s->mm = NULL;
	shmem_for_each_swap_entry(sv_shmem, s);
}

/* The page the swap table holds for a slot, checked. */
static void sv_cache_page(struct sv_state *s, struct swap_info_struct *si, unsigned long off,
			  struct page *page)
{
	if (!PageSwapCache(page) || page->private != swp_entry(si->type, off).val)
		verify_fail(s->v, "type %d offset %#lx: cached pfn %#lx is not its swap-cache page",
			    si->type, off, page_to_pfn(page));
	if (PageLocked(page) || PageWriteback(page))
		verify_fail(s->v,
			    "type %d offset %#lx: cached pfn %#lx %s with the machine quiescent",
			    si->type, off, page_to_pfn(page),
			    PageLocked(page) ? "locked" : "under writeback");
	if (page_ref_count(page) < 1 + max(page_mapcount(page), 0))
		verify_fail(s->v,
			    "type %d offset %#lx: cached pfn %#lx has %d references, %d mappings",
			    si->type, off, page_to_pfn(page), page_ref_count(page),
			    page_mapcount(page));
}

static void sv_slot(struct sv_state *s, struct swap_info_struct *si, unsigned long off,
		    unsigned long *inuse)
{
	struct swap_cluster_info *ci = swap_cluster(si, off);
	unsigned char v = si->swap_map[off];
	unsigned long count = swap_count_locked(si, off), refs = s->refs[si->type][off];
	struct page *page = ci->table ? ci->table[off % SWAPFILE_CLUSTER] : NULL;

	if (page && xa_is_value_entry(page)) { /* a workingset shadow */
		if (!v || (v & SWAP_HAS_CACHE))
			verify_fail(s->v,
				    "type %d offset %#lx: a shadow in the swap table of a %s slot",
				    si->type, off, v ? "cached" : "free");
		page = NULL;
	}

	if (v == SWAP_MAP_BAD) {
		if (refs)
			verify_fail(s->v, "type %d offset %#lx: a bad slot named %lu times",
				    si->type, off, refs);
		return;
	}
	if (v)
		(*inuse)++;
	if (count != refs)
		verify_fail(
			s->v,
			"type %d offset %#lx: swap_map count %lu, %lu references (PTEs + shmem)%s",
			si->type, off, count, refs, v ? "" : ": a free slot is named");
	if (!!(v & SWAP_HAS_CACHE) != !!page)
		verify_fail(s->v, "type %d offset %#lx: SWAP_HAS_CACHE %s, swap table %s", si->type,
			    off, (v & SWAP_HAS_CACHE) ? "set" : "clear",
			    page ? "holds a page" : "empty");
	if (page)
		sv_cache_page(s, si, off, page);
}

static void sv_cluster(struct sv_state *s, struct swap_info_struct *si, unsigned long c)
{
	struct swap_cluster_info *ci = &si->cluster_info[c];
	unsigned long off, used = 0;

	for (off = c * SWAPFILE_CLUSTER; off < (c + 1) * SWAPFILE_CLUSTER; off++)
		used += off >= si->max || si->swap_map[off];
	if (used != ci->count)
		verify_fail(s->v, "type %d cluster %lu: count %u, %lu slots in use", si->type, c,
			    ci->count, used);
	if ((ci->flags == CLUSTER_FLAG_FREE && ci->count) ||
	    (ci->flags == CLUSTER_FLAG_FULL && ci->count != SWAPFILE_CLUSTER) ||
	    ((ci->flags == CLUSTER_FLAG_NONFULL || ci->flags == CLUSTER_FLAG_FRAG) &&
	     (!ci->count || ci->count == SWAPFILE_CLUSTER)) ||
	    ci->flags == CLUSTER_FLAG_NONE)
		verify_fail(s->v, "type %d cluster %lu: on list %u with count %u", si->type, c,
			    ci->flags, ci->count);
	if (!ci->count && ci->table)
		verify_fail(s->v, "type %d cluster %lu: free with a swap table", si->type, c);
}

static void sv_area(struct sv_state *s, struct swap_info_struct *si)
{
	unsigned long off, c, inuse = 0;

	for (off = 0; off < si->max; off++)
		sv_slot(s, si, off, &inuse);
	for (c = 0; c < si->nr_clusters; c++)
		sv_cluster(s, si, c);
	if (inuse != atomic_load(&si->inuse_pages))
		verify_fail(s->v, "type %d: inuse_pages %lu, %lu slots in use", si->type,
			    atomic_load(&si->inuse_pages), inuse);
}

static bool sv_active(const struct swap_info_struct *si)
{
	return si && (si->flags & SWP_WRITEOK) && si->swap_map;
}

static void verify_swap(struct verify_ctx *v)
{
	struct sv_state s = { .v = v };
	long nfree = 0, total = 0;
	unsigned int t;

	if (!mmk)
		return;
	for (t = 0; t < MAX_SWAPFILES; t++)
		if (sv_active(swap_info[t]))
			s.refs[t] =
				verify_scratch_zalloc(swap_info[t]->max * sizeof(unsigned long));
	sv_count_references(&s);
	for (t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info_struct *si = swap_info[t];

		if (!s.refs[t])
			continue;
		sv_area(&s, si);
		total += si->pages;
		nfree += (long)si->pages - (long)atomic_load(&si->inuse_pages);
		verify_scratch_free(s.refs[t]);
	}
	if (total != total_swap_pages || nfree != atomic_load(&nr_swap_pages))
		verify_fail(v,
			    "total_swap_pages %ld, nr_swap_pages %ld; the areas have %ld, %ld free",
			    total_swap_pages, atomic_load(&nr_swap_pages), total, nfree);
}
VERIFY_CHECK(swap_check, "swap", 70, verify_swap);
