/*
 * page_verify.c - the `verify` checks of mapped memory (Linux DEBUG_VM's
 * page and rmap checks, as whole-structure validators).
 *
 * With the machine quiescent, every user page table of every mm is walked
 * (the user half, hardware level by level) and:
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
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swapops.h"

struct pv_state {
	struct verify_ctx *v;
	struct mm_struct *mm;
	unsigned int *maps;              /* PTEs per pfn, all mms */
	unsigned long tables;            /* counted tables of this mm */
	long rss[NR_MM_COUNTERS];        /* of this mm */
};

static bool level_counted(int i)
{
	int generic = pgmode.hw[i - 1].level - 1;

	return generic == PT_PTE || generic == PT_PMD || generic == PT_PUD;
}

static void pv_leaf(struct pv_state *s, u64 e, unsigned long va)
{
	unsigned long pfn = (e & PTE_PFN_MASK) >> PAGE_SHIFT;
	struct page *page;

	if (!(e & (_PAGE_PRESENT | _PAGE_PROTNONE))) {
		if (is_swap_entry_pte(__pte(e)))
			s->rss[MM_SWAPENTS]++;       /* its slot: the "swap" check */
		return;
	}
	if (is_zero_pfn(pfn)) {
		if (!(e & _PAGE_SPECIAL))
			verify_fail(s->v, "mm %lu %#lx: zero page without _PAGE_SPECIAL", s->mm->mm_id, va);
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
	if (e & _PAGE_SPECIAL) {      /* a VM_PFNMAP entry ([vvar]): no rmap, no RSS */
		if (!PageReserved(page))
			verify_fail(s->v, "mm %lu %#lx: special PTE maps pfn %#lx, not a kernel page",
				    s->mm->mm_id, va, pfn);
		return;
	}
	s->maps[pfn]++;
	s->rss[mm_counter(page)]++;
}

static void pv_table(struct pv_state *s, void *table, int i, unsigned long first,
		     unsigned long last, unsigned long base)
{
	const struct pt_hw_level *h = &pgmode.hw[i];
	unsigned long n;

	for (n = first; n <= last; n++) {
		u64 e = pt_entry_read(pt_slot_add(table, (long)n));
		unsigned long va = base + (n << h->shift);

		if (i == pgmode.nhw - 1) {
			pv_leaf(s, e, va);
			continue;
		}
		if (!(e & _PAGE_PRESENT))
			continue;
		if (h->leaf_ok && (e & _PAGE_PSE)) {
			verify_fail(s->v, "mm %lu %#lx: large leaf in user space", s->mm->mm_id, va);
			continue;
		}
		if (level_counted(i + 1))
			s->tables++;
		pv_table(s, pt_table_of(e), i + 1, 0, pgmode.hw[i + 1].ptrs - 1, va);
	}
}

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
		pv_table(s, mm->pgd, 0, 0, KERNEL_PGD_BOUNDARY - 1, 0);
	bytes = s->tables << PAGE_SHIFT;
	if (bytes != mm_pgtables_bytes(mm))
		verify_fail(s->v, "mm %lu: %lu bytes of page tables reachable, pgtables_bytes %lu",
			    mm->mm_id, bytes, mm_pgtables_bytes(mm));
	for (i = 0; i < NR_MM_COUNTERS; i++)
		if (percpu_counter_sum(&mm->rss_stat[i]) != s->rss[i])
			verify_fail(s->v, "mm %lu: %s is %ld, its PTEs map %ld", mm->mm_id, names[i],
				    (long)percpu_counter_sum(&mm->rss_stat[i]), s->rss[i]);
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
	int mapcount = page_mapcount(page), ref = page_ref_count(page);
	bool cached = (page->mapping && !PageAnon(page)) || PageSwapCache(page);
	bool own = cached || PageReserved(page);   /* + the cache's or the kernel's ([vdso]) */
	struct rmap_count rc = { 0 };

	if (!s->maps[pfn] && !PageAnon(page) && !cached)
		return;
	if ((unsigned int)mapcount != s->maps[pfn])
		verify_fail(s->v, "pfn %#lx: _mapcount + 1 = %d, %u PTEs map it", pfn, mapcount,
			    s->maps[pfn]);
	if (ref != mapcount + (own ? 1 : 0))
		verify_fail(s->v, "pfn %#lx: _refcount %d, expected %d (mapcount %d%s)", pfn, ref,
			    mapcount + (own ? 1 : 0), mapcount,
			    cached ? " + page cache" : own ? " + kernel" : "");
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
	struct mm_struct *mm;
	long anon = 0, file = 0;
	unsigned long pfn;

	if (!mmk)
		return;
	s.maps = calloc(mmk->max_pfn, sizeof(*s.maps));
	BUG_ON(!s.maps);
	spin_lock(&mmlist_lock);
	list_for_each_entry(mm, &init_mm.mmlist, mmlist) {
		mmap_read_lock(mm);
		pv_mm(&s, mm);
		mmap_read_unlock(mm);
	}
	for (pfn = 0; pfn < mmk->max_pfn; pfn++)
		if (s.maps[pfn] || (READ_ONCE(pfn_to_page(pfn)->page_type) == PGTY_none &&
				    pfn_to_page(pfn)->mapping && page_ref_count(pfn_to_page(pfn)) > 0))
			pv_page(&s, pfn, &anon, &file);
	spin_unlock(&mmlist_lock);
	if ((unsigned long)anon != node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED))
		verify_fail(v, "NR_ANON_MAPPED %lu, %ld anonymous pages are mapped",
			    node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED), anon);
	if ((unsigned long)file != node_page_state_snapshot(NODE_DATA(0), NR_FILE_MAPPED))
		verify_fail(v, "NR_FILE_MAPPED %lu, %ld page-cache pages are mapped",
			    node_page_state_snapshot(NODE_DATA(0), NR_FILE_MAPPED), file);
	free(s.maps);
}
VERIFY_CHECK(mapped_pages_check, "pages", 60, verify_mapped_pages);
