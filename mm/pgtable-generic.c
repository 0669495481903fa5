/*
 * pgtable-generic.c - the generic half of the page-table API (Linux
 * include/linux/mm.h pagetable_alloc/pagetable_free, mm/memory.c
 * __p4d_alloc/__pud_alloc/__pmd_alloc/__pte_alloc, mm/pgtable-generic.c
 * pte_offset_map_lock): page-table pages, allocation of missing tables on
 * the way down, the PTE lock, the freeing helpers of free_pgtables, and the
 * page-table invariants for `verify`.
 *
 * Allocation follows mm/memory.c: allocate a zeroed table outside the lock,
 * then under mm->page_table_lock populate the slot if it is still empty
 * (arch/x86's pt_populate writes the entry and syncs a new kernel top-level
 * entry into every pgd), else free the new table (another CPU won).  Table
 * pages are PageTable, record their owner and level, and count in the node's
 * NR_PAGETABLE (meminfo PageTables); an mm's PUD/PMD/PTE tables also count in
 * mm->pgtables_bytes (VmPTE).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mm.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagewalk.h"
#include "mmkit/pgtable.h"

static DEFINE_FAULT_SITE(pgtable_alloc_fault, "pgtable_alloc");

/* ------------------------------------------------------ table pages -- */

unsigned long nr_pagetable_pages(void)
{
	return node_page_state_snapshot(NODE_DATA(0), NR_PAGETABLE);
}

/* Linux pagetable_ctor/dtor: the node's NR_PAGETABLE (meminfo PageTables). */
static void pagetable_account(struct page *page, int delta)
{
	mod_lruvec_page_state(page, NR_PAGETABLE, delta);
}

struct page *pagetable_alloc(struct mm_struct *mm, int level)
{
	struct page *page;

	if (should_fail(&pgtable_alloc_fault))
		return NULL;
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!page)
		return NULL;
	__SetPageTable(page);
	atomic_store_explicit(&page->pt_lock, 0, memory_order_relaxed);
	page->_pt_pad0 = 0;
	page->_pt_pad1 = 0;
	page->pt_mm = mm;
	page->pt_level = (unsigned long)level;
	page->pt_index = 0;
	pagetable_account(page, 1);
	return page;
}

void pagetable_free(struct page *page)
{
	BUG_ON(!PageTable(page));
	pagetable_account(page, -1);
	page->pt_mm = NULL;
	page->pt_level = 0;
	__ClearPageTable(page);
	__free_pages(page, 0);
}

static struct page *table_page(const void *slot)
{
	return virt_to_page((const void *)ALIGN_DOWN((uintptr_t)slot, PAGE_SIZE));
}

/* ------------------------------------------------------------ populate -- */

/* Allocate a table of child_level for `slot` (an entry of the level above)
 * and populate it under mm->page_table_lock if the slot is still none. */
static int pt_alloc_slot(struct mm_struct *mm, void *slot, int child_level,
			 void (*count)(struct mm_struct *))
{
	struct page *table = pagetable_alloc(mm, child_level);

	if (!table)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (pt_entry_read(slot) == 0) {
		if (count)
			count(mm);
		pt_populate(mm, slot, table, child_level);
		table = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (table)
		pagetable_free(table);
	return 0;
}

int __p4d_alloc(struct mm_struct *mm, pgdp_t pgd, unsigned long addr)
{
	return pt_alloc_slot(mm, pgd, PT_P4D, NULL);
}
int __pud_alloc(struct mm_struct *mm, p4dp_t p4d, unsigned long addr)
{
	return pt_alloc_slot(mm, p4d, PT_PUD, mm_inc_nr_puds);
}
int __pmd_alloc(struct mm_struct *mm, pudp_t pud, unsigned long addr)
{
	return pt_alloc_slot(mm, pud, PT_PMD, mm_inc_nr_pmds);
}
int __pte_alloc(struct mm_struct *mm, pmdp_t pmd)
{
	return pt_alloc_slot(mm, pmd, PT_PTE, mm_inc_nr_ptes);
}
int __pte_alloc_kernel(pmdp_t pmd) { return pt_alloc_slot(&init_mm, pmd, PT_PTE, mm_inc_nr_ptes); }

p4dp_t p4d_alloc(struct mm_struct *mm, pgdp_t pgd, unsigned long addr)
{
	if (pgd_none(pgdp_get(pgd)) && __p4d_alloc(mm, pgd, addr))
		return NULL;
	return p4d_offset(pgd, addr);
}

pudp_t pud_alloc(struct mm_struct *mm, p4dp_t p4d, unsigned long addr)
{
	if (p4d_none(p4dp_get(p4d)) && __pud_alloc(mm, p4d, addr))
		return NULL;
	return pud_offset(p4d, addr);
}

pmdp_t pmd_alloc(struct mm_struct *mm, pudp_t pud, unsigned long addr)
{
	if (pud_none(pudp_get(pud)) && __pmd_alloc(mm, pud, addr))
		return NULL;
	return pmd_offset(pud, addr);
}

ptep_t pte_alloc_map(struct mm_struct *mm, pmdp_t pmd, unsigned long addr)
{
	if (pte_alloc(mm, pmd) || pmd_leaf(pmdp_get(pmd)))
		return NULL;
	return pte_offset_map(pmd, addr);
}

ptep_t pte_alloc_kernel(pmdp_t pmd, unsigned long addr)
{
	if (pmd_none(pmdp_get(pmd)) && __pte_alloc_kernel(pmd))
		return NULL;
	if (pmd_leaf(pmdp_get(pmd)))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

ptep_t pte_offset_map_lock(struct mm_struct *mm, pmdp_t pmd, unsigned long addr, ptlock_t **ptlp)
{
	ptlock_t *ptl;
	pmd_t v = pmdp_get(pmd);

	if (pmd_none(v) || pmd_leaf(v) || !(pmd_val(v) & _PAGE_PRESENT))
		return NULL;
	/* The table cannot go away under us: tables are freed only with
	 * mmap_lock held for write (free_pgtables), and callers hold it. */
	ptl = pte_lockptr(mm, pmd);
	ptl_lock(ptl);
	*ptlp = ptl;
	return pte_offset_map(pmd, addr);
}

ptep_t pte_alloc_map_lock(struct mm_struct *mm, pmdp_t pmd, unsigned long addr, ptlock_t **ptlp)
{
	if (pte_alloc(mm, pmd))
		return NULL;
	return pte_offset_map_lock(mm, pmd, addr, ptlp);
}

ptep_t pte_alloc_walk(struct mm_struct *mm, unsigned long addr)
{
	pgdp_t pgd = pgd_offset(mm, addr);
	p4dp_t p4d = p4d_alloc(mm, pgd, addr);
	pudp_t pud;
	pmdp_t pmd;

	if (!p4d)
		return NULL;
	pud = pud_alloc(mm, p4d, addr);
	if (!pud || pud_leaf(pudp_get(pud)))
		return NULL;
	pmd = pmd_alloc(mm, pud, addr);
	if (!pmd)
		return NULL;
	return mm == &init_mm ? pte_alloc_kernel(pmd, addr) : pte_alloc_map(mm, pmd, addr);
}

/* ------------------------------------------------------------ freeing -- */

void pte_free(struct mm_struct *mm, pgtable_t pte_page) { pagetable_free(pte_page); }
void pte_free_kernel(struct mm_struct *mm, ptep_t pte_table)
{
	pagetable_free(table_page(pte_table));
}

void pmd_free(struct mm_struct *mm, pmdp_t pmd_table)
{
	if (!pgmode.folded[PT_PMD])
		pagetable_free(table_page(pmd_table));
}

void pud_free(struct mm_struct *mm, pudp_t pud_table)
{
	if (!pgmode.folded[PT_PUD])
		pagetable_free(table_page(pud_table));
}

void p4d_free(struct mm_struct *mm, p4dp_t p4d_table)
{
	if (!pgmode.folded[PT_P4D])
		pagetable_free(table_page(p4d_table));
}

/* ----------------------------------------------------- whole trees -- */

/* Walk the entries [first, last) of the top-level table pgd (mm's tables;
 * mm NULL for a pgd of pgd_list): the addresses the callbacks see are
 * index << PGDIR_SHIFT, without the sign extension of the kernel half. */
static int walk_pgd_entries(struct mm_struct *mm, void *pgd, unsigned long first,
			    unsigned long last, const struct mm_walk_ops *ops, void *private)
{
	unsigned long start = first << PGDIR_SHIFT, end = last << PGDIR_SHIFT;

	if (first >= last)
		return 0;
	return walk_page_range_novma(mm, start, end, ops, pgd, private);
}

/* Free each table after its entries (post-order), as free_pgtables does,
 * but everything below the entries walked; keep_pmds: PAE's preallocated
 * user PMDs stay (their contents go). */
struct free_all {
	bool keep_pmds;
};

static int free_all_pte(pmdp_t pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct page *table;

	if (pmd_leaf(pmdp_get(pmd)))
		return 0;
	table = pmd_pgtable(pmdp_get(pmd));
	pmd_clear(pmd);
	mm_dec_nr_ptes(walk->mm);
	pagetable_free(table);
	return 0;
}

static int free_all_pmd(pudp_t pud, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct free_all *f = walk->private;
	struct page *table;

	if (pgmode.folded[PT_PMD] || f->keep_pmds)
		return 0;
	table = table_page(pud_pgtable(pudp_get(pud)));
	pud_clear(pud);
	mm_dec_nr_pmds(walk->mm);
	pagetable_free(table);
	return 0;
}

static int free_all_pud(p4dp_t p4d, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct page *table;

	if (pgmode.folded[PT_PUD])
		return 0;
	table = table_page(p4d_pgtable(p4dp_get(p4d)));
	p4d_clear(p4d);
	mm_dec_nr_puds(walk->mm);
	pagetable_free(table);
	return 0;
}

static int free_all_p4d(pgdp_t pgd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct page *table;

	if (pgmode.folded[PT_P4D])
		return 0;
	table = table_page(pgd_pgtable(pgdp_get(pgd)));
	pgd_clear(pgd);
	pagetable_free(table);
	return 0;
}

static const struct mm_walk_ops free_all_ops = {
	.pmd_entry = free_all_pte,
	.pud_post = free_all_pmd,
	.p4d_post = free_all_pud,
	.pgd_post = free_all_p4d,
};

void pgtable_free_all(struct mm_struct *mm)
{
	struct free_all f = { .keep_pmds = false };

	if (!mm->pgd)
		return;
	walk_pgd_entries(mm, mm->pgd, 0, PTRS_PER_PGD, &free_all_ops, &f);
	pagetable_free(table_page(mm->pgd));
	mm->pgd = NULL;
}

void free_user_pgtables(struct mm_struct *mm)
{
	struct free_all f = { .keep_pmds = pgmode.levels == 3 };

	walk_pgd_entries(mm, mm->pgd, 0, KERNEL_PGD_BOUNDARY, &free_all_ops, &f);
}

/* ------------------------------------------------------------- verify -- */

struct pt_census {
	struct verify_ctx *v;
	unsigned long tables; /* distinct tables reached */
};

/* An upper entry (of generic level `level`) that points to a table of the
 * level below, unless that level is folded (then the walk sees the same
 * slot again one level down) or the entry is a leaf: the table must be a
 * PageTable page in RAM; it is counted. */
static int census_entry(u64 e, int level, bool leaf, struct mm_walk *walk)
{
	struct pt_census *c = walk->private;
	unsigned long pfn = (e & PTE_PFN_MASK) >> PAGE_SHIFT;
	static const char *const names[] = { "", "PTE", "PMD", "PUD", "P4D", "PGD" };

	if (leaf || pgmode.folded[level - 1])
		return 0;
	if (!pfn_valid(pfn)) {
		verify_fail(c->v, "%s entry %#llx points outside RAM", names[level],
			    (unsigned long long)e);
		walk->action = ACTION_CONTINUE;
		return 0;
	}
	if (!PageTable(pfn_to_page(pfn)))
		verify_fail(c->v, "%s entry %#llx: pfn %#lx is not a page table", names[level],
			    (unsigned long long)e, pfn);
	c->tables++;
	return 0;
}

static int census_pgd(pgdp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return census_entry(pgd_val(pgdp_get(p)), PT_PGD, false, w);
}
static int census_p4d(p4dp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return census_entry(p4d_val(p4dp_get(p)), PT_P4D, false, w);
}
static int census_pud(pudp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return census_entry(pud_val(pudp_get(p)), PT_PUD, pud_leaf(pudp_get(p)), w);
}
static int census_pmd(pmdp_t p, unsigned long a, unsigned long n, struct mm_walk *w)
{
	return census_entry(pmd_val(pmdp_get(p)), PT_PMD, pmd_leaf(pmdp_get(p)), w);
}

static const struct mm_walk_ops census_ops = {
	.pgd_entry = census_pgd,
	.p4d_entry = census_p4d,
	.pud_entry = census_pud,
	.pmd_entry = census_pmd,
};

static void verify_kernel_half(struct verify_ctx *v, void *pgd)
{
	unsigned long k = KERNEL_PGD_BOUNDARY;

	if (memcmp(pt_slot_add(pgd, (long)k), pt_slot_add(init_mm.pgd, (long)k),
		   (PTRS_PER_PGD - k) << pgmode.entry_shift))
		verify_fail(v, "pgd %#llx: kernel half differs from init_mm",
			    (unsigned long long)host_to_phys(pgd));
}

/* One pgd of pgd_list: its kernel half equals init_mm's; count its user
 * half (the kernel half was counted with init_mm). */
static void verify_pgd(void *pgd, void *arg)
{
	struct pt_census *c = arg;

	c->tables++;
	verify_kernel_half(c->v, pgd);
	walk_pgd_entries(NULL, pgd, 0, KERNEL_PGD_BOUNDARY, &census_ops, c);
}

static void verify_pgtables(struct verify_ctx *v)
{
	struct pt_census c = { .v = v };
	unsigned long pfn, marked = 0;

	if (!mmk || !init_mm.pgd)
		return;
	c.tables = 1;
	walk_pgd_entries(&init_mm, init_mm.pgd, 0, PTRS_PER_PGD, &census_ops, &c);
	for_each_pgd(verify_pgd, &c);
	for (pfn = 0; pfn < mmk->max_pfn; pfn++)
		marked += PageTable(pfn_to_page(pfn));
	if (marked != nr_pagetable_pages())
		verify_fail(v, "%lu PageTable pages, NR_PAGETABLE says %lu", marked,
			    nr_pagetable_pages());
	if (c.tables != marked)
		verify_fail(v,
			    "%lu page tables reachable from the pgds, %lu pages marked PageTable",
			    c.tables, marked);
}
VERIFY_CHECK(pgtable_check, "pgtables", 20, verify_pgtables);
