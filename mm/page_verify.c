/*
 * page_verify.c - the `verify` checks of mapped memory (Linux DEBUG_VM's
 * page and rmap checks, as whole-structure validators).
 *
 * With the machine quiescent, every user page table of every mm is walked
 * (the user half, through mm/pagewalk.c without VMAs) and:
 *   - each present PTE must map a frame in RAM that is not free (not
 *     PageBuddy, _refcount > 0); the shared zero page only with
 *     _PAGE_SPECIAL; no large leaves in user space;
 *   - per frame, the PTEs mapping it are counted: _mapcount + 1 must equal
 *     that count, and _refcount must be exactly mapcount for an anonymous
 *     page and mapcount + 1 for a page-cache or swap-cache page (no transient references
 *     exist between commands); an unmapped anonymous or page-cache page
 *     must have _mapcount == -1; a kernel page mapped into user space
 *     ([vdso]: PG_reserved) holds one reference of its own; a special PTE
 *     that is not the zero page (VM_PFNMAP, [vvar]) maps a reserved kernel
 *     page and is not counted (no rmap, no RSS);
 *   - the page tables reachable from the mm (PTE, PMD and PUD tables, as
 *     Linux counts them) must add up to mm->pgtables_bytes (VmPTE);
 *   - the RSS counters must equal the PTEs of each kind (anon, file, shmem,
 *     swap entries: MM_SWAPENTS);
 *   - every mapped anonymous page must be found by rmap_walk_anon at every
 *     PTE that maps it (through its anon_vma: what reclaim will rely on);
 *   - NR_ANON_MAPPED / NR_FILE_MAPPED must count the mapped pages.
 */
#include <stdlib.h>
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/swapops.h"

struct pv_state {
	struct verify_ctx *v;
	struct mm_struct *mm;
	unsigned int *maps;	  /* PTEs per pfn, all mms */
	unsigned int *batched;	  /* LRU batch entries per pfn (mm/swap.c) */
	unsigned long tables;	  /* counted tables of this mm */
	long rss[NR_MM_COUNTERS]; /* of this mm */
};

static void pv_leaf(struct pv_state *s, u64 e, unsigned long va)
{
	unsigned long pfn = (e & PTE_PFN_MASK) >> PAGE_SHIFT;
	struct page *page;

	if (!(e & (_PAGE_PRESENT | _PAGE_PROTNONE))) {
		if (is_swap_entry_pte(__pte(e)))
			s->rss[MM_SWAPENTS]++; /* its slot: the "swap" check */
		return;
	}
	if (is_zero_pfn(pfn)) {
		if (!(e & _PAGE_SPECIAL))
			verify_fail(s->v, "mm %lu %#lx: zero page without _PAGE_SPECIAL",
				    s->mm->mm_id, va);
		return;
	}
	if (!pfn_valid(pfn)) {
		verify_fail(s->v, "mm %lu %#lx: PTE %#llx outside RAM", s->mm->mm_id, va,
			    (unsigned long long)e);
		return;
	}
	page = pfn_to_page(pfn);
	if (PageBuddy(page) || page_ref_count(page) <= 0)
		verify_fail(s->v, "mm %lu %#lx: PTE maps free pfn %#lx", s->mm->mm_id, va, pfn);
	if (e & _PAGE_SPECIAL) { /* a VM_PFNMAP entry ([vvar]): no rmap, no RSS */
		if (!PageReserved(page))
			verify_fail(s->v,
				    "mm %lu %#lx: special PTE maps pfn %#lx, not a kernel page",
				    s->mm->mm_id, va, pfn);
		return;
	}
	s->maps[pfn]++;
	s->rss[mm_counter(page)]++;
}

/* The user half through the page walk (no VMAs: every table counts): an
 * upper entry pointing to a PUD, PMD or PTE table counts one table (a
 * folded level is seen again one level down); a large leaf is an error. */
static int pv_upper(u64 e, int level, bool leaf, unsigned long va, struct mm_walk *walk)
{
	struct pv_state *s = walk->private;

	if (leaf) {
		verify_fail(s->v, "mm %lu %#lx: large leaf in user space", s->mm->mm_id, va);
		return 0;
	}
	if (level <= PT_PUD + 1 && !pgmode.folded[level - 1])
		s->tables++;
	return 0;
}

static int pv_p4d(p4dp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return pv_upper(p4d_val(p4dp_get(p)), PT_P4D, false, a, w);
}
static int pv_pud(pudp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return pv_upper(pud_val(pudp_get(p)), PT_PUD, pud_leaf(pudp_get(p)), a, w);
}
static int pv_pmd(pmdp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return pv_upper(pmd_val(pmdp_get(p)), PT_PMD, pmd_leaf(pmdp_get(p)), a, w);
}

static int pv_pte(ptep_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	pv_leaf(w->private, pte_val(ptep_get(p)), a);
	return 0;
}

static const struct mm_walk_ops pv_ops = {
	.p4d_entry = pv_p4d,
	.pud_entry = pv_pud,
	.pmd_entry = pv_pmd,
	.pte_entry = pv_pte,
};

static void pv_mm(struct pv_state *s, struct mm_struct *mm)
{
	static const char *const names[NR_MM_COUNTERS] = { "MM_FILEPAGES", "MM_ANONPAGES",
							   "MM_SWAPENTS", "MM_SHMEMPAGES" };
	unsigned long bytes;
	int i;

	s->mm = mm;
	s->tables = 0;
	for (i = 0; i < NR_MM_COUNTERS; i++)
		s->rss[i] = 0;
	if (mm->pgd && KERNEL_PGD_BOUNDARY)
		walk_page_range_novma(mm, 0, (unsigned long)KERNEL_PGD_BOUNDARY << PGDIR_SHIFT,
				      &pv_ops, NULL, s);
	bytes = s->tables << PAGE_SHIFT;
	if (bytes != mm_pgtables_bytes(mm))
		verify_fail(s->v, "mm %lu: %lu bytes of page tables reachable, pgtables_bytes %lu",
			    mm->mm_id, bytes, mm_pgtables_bytes(mm));
	for (i = 0; i < NR_MM_COUNTERS; i++)
		if (percpu_counter_sum(&mm->rss_stat[i]) != s->rss[i])
			verify_fail(s->v, "mm %lu: %s is %ld, its PTEs map %ld", mm->mm_id,
				    names[i], (long)percpu_counter_sum(&mm->rss_stat[i]),
				    s->rss[i]);
}

/* ------------------------------------------------------------ pages -- */

struct rmap_count {
	unsigned int found;
};

static bool rmap_count_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   void *arg)
{
	struct rmap_count *rc = arg;

	if (page_vma_mapped_pte(page, vma, addr))
		rc->found++;
	return true;
}

static void pv_page(struct pv_state *s, unsigned long pfn, long *anon, long *file)
{
	struct page *page = pfn_to_page(pfn);
	int mapcount = page_mapcount(page), ref = page_ref_count(page) - (int)s->batched[pfn];
	bool cached = (page->mapping && !PageAnon(page)) || PageSwapCache(page);
	bool own = cached || PageReserved(page); /* + the cache's or the kernel's ([vdso]) */
	struct rmap_count rc = { 0 };

	if (!s->maps[pfn] && !PageAnon(page) && !cached)
		return;
	if ((unsigned int)mapcount != s->maps[pfn])
		verify_fail(s->v, "pfn %#lx: _mapcount + 1 = %d, %u PTEs map it", pfn, mapcount,
			    s->maps[pfn]);
	if (ref != mapcount + (own ? 1 : 0))
		verify_fail(s->v, "pfn %#lx: _refcount %d, expected %d (mapcount %d%s)", pfn, ref,
			    mapcount + (own ? 1 : 0), mapcount,
			    cached ? " + page cache" :
			    own	   ? " + kernel" :
				     "");
	if (!s->maps[pfn])
		return;
	if (!PageAnon(page)) {
		(*file)++;
		return;
	}
	(*anon)++;
	rmap_walk_anon(page, rmap_count_one, &rc);
	if (rc.found != s->maps[pfn])
		verify_fail(s->v, "pfn %#lx: anon page mapped by %u PTEs, rmap walk finds %u", pfn,
			    s->maps[pfn], rc.found);
}

static void verify_mapped_pages(struct verify_ctx *v)
{
	struct pv_state s = { .v = v };
	struct mm_struct **mms;
	long anon = 0, file = 0;
	size_t n, i;
	unsigned long pfn;

	if (!mmk)
		return;
	s.maps = verify_scratch_zalloc(mmk->max_pfn * sizeof(*s.maps));
	s.batched = verify_scratch_zalloc(mmk->max_pfn * sizeof(*s.batched));
	BUG_ON(!s.maps || !s.batched);
	lru_batch_count(s.batched); /* a CPU's LRU batch holds a reference */
	mms = mmlist_snapshot(&n);
	for (i = 0; i < n; i++) {
		mmap_read_lock(mms[i]);
		pv_mm(&s, mms[i]);
		mmap_read_unlock(mms[i]);
	}
	free(mms);
	for (pfn = 0; pfn < mmk->max_pfn; pfn++)
		if (s.maps[pfn] ||
		    (READ_ONCE(pfn_to_page(pfn)->page_type) == PGTY_none &&
		     pfn_to_page(pfn)->mapping && page_ref_count(pfn_to_page(pfn)) > 0))
			pv_page(&s, pfn, &anon, &file);
	if ((unsigned long)anon != node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED))
		verify_fail(v, "NR_ANON_MAPPED %lu, %ld anonymous pages are mapped",
			    node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED), anon);
	if ((unsigned long)file != node_page_state_snapshot(NODE_DATA(0), NR_FILE_MAPPED))
		verify_fail(v, "NR_FILE_MAPPED %lu, %ld page-cache pages are mapped",
			    node_page_state_snapshot(NODE_DATA(0), NR_FILE_MAPPED), file);
	verify_scratch_free(s.maps);
	verify_scratch_free(s.batched);
}
VERIFY_CHECK(mapped_pages_check, "pages", 60, verify_mapped_pages);
