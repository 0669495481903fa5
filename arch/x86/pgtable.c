/*
 * pgtable.c - the paging mode and x86's part of the page-table API (Linux
 * arch/x86/mm/pgtable.c, init_64.c, pat/set_memory.c): entry flags and
 * protections, populating a slot (pt_populate), a new mm's top level
 * (pgd_alloc) and the kernel-half synchronisation, freeing whole trees,
 * lookups.  The generic half (table pages, allocation on the way down, the
 * PTE lock, verify) is mm/pgtable-generic.c.
 *
 * The mode is chosen once per boot (paging_mode_setup, from cfg.levels) and
 * filled into `pgmode` (shifts, PTRS_PER_*, which levels are folded, entry
 * width, reserved bits per hardware level) and the layout variables
 * (PAGE_OFFSET, VMALLOC_*, TASK_SIZE, ...), after Linux's
 * arch/x86/include/asm/pgtable_{32,64}_types.h and
 * Documentation/arch/x86/x86_64/mm.rst.
 *
 * Kernel page tables are shared by every mm:
 * the kernel half of each top-level table is copied from init_mm when an mm
 * is created (pgd_alloc), and whenever init_mm gains a new top-level kernel
 * entry it is copied into every pgd on pgd_list (Linux sync_global_pgds /
 * arch_sync_kernel_mappings).  In PAE mode the single kernel PMD (PDPT entry
 * 3) is shared instead, and the three user PMDs are preallocated, as Linux
 * does, because PDPT entries are only reloaded on a CR3 write.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"
#include "mmkit/mm.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mmzone.h"

unsigned long PAGE_OFFSET, VMALLOC_START, VMALLOC_END, VMEMMAP_START;
unsigned long TASK_SIZE, DEFAULT_MAP_WINDOW, STACK_TOP;
unsigned long PKMAP_BASE, LAST_PKMAP, FIXADDR_START, FIXADDR_TOP;
unsigned long max_low_pfn, high_memory; /* set by paging_mode_setup() */
unsigned long direct_pages_count[PG_LEVEL_NUM];
bool direct_gbpages;
static DEFINE_SPINLOCK(pgd_lock);
static LIST_HEAD(pgd_list); /* every pgd but init_mm's, guarded by pgd_lock */

/* ------------------------------------------------------------ modes -- */

#define BITS(lo, hi) ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))
#define MB(x) ((unsigned long)(x) << 20)

static void mode_hw(int i, int level, const char *name, unsigned int shift, unsigned int ptrs,
		    bool leaf_ok, u64 rsvd_table, u64 rsvd_leaf)
{
	struct pt_hw_level *h = &pgmode.hw[i];

	h->level = level;
	h->name = name;
	h->shift = shift;
	h->ptrs = ptrs;
	h->leaf_ok = leaf_ok;
	h->rsvd_table = rsvd_table;
	h->rsvd_leaf = rsvd_leaf;
}

/* Fill shift[]/ptrs[]/folded[] from the hardware levels: a generic level
 * with no hardware level of its own takes the shift of the level above. */
static void mode_fold(void)
{
	int lvl, i;

	for (lvl = PT_PTE; lvl <= PT_PGD; lvl++) {
		pgmode.folded[lvl] = true;
		pgmode.ptrs[lvl] = 1;
	}
	for (i = 0; i < pgmode.nhw; i++) {
		const struct pt_hw_level *h = &pgmode.hw[i];
		int top = i ? pgmode.hw[i - 1].level - 1 : PT_PGD;

		for (lvl = h->level; lvl <= top; lvl++)
			pgmode.shift[lvl] = h->shift;
		/* The hardware table belongs to its highest generic level. */
		pgmode.folded[top] = false;
		pgmode.ptrs[top] = h->ptrs;
	}
}

static void mode_32bit(int levels)
{
	pgmode.va_bits = 32;
	pgmode.lowmem_limit = MB(896);
	pgmode.soft_dirty = pgmode.uffd_wp = 0;
	pgmode.saved_dirty = 1ULL << _PAGE_BIT_SOFTW2; /* shared with UFFD_WP */
	if (levels == 2) {
		pgmode.name = "2-level (i386, 32-bit)";
		pgmode.entry_shift = 2;
		pgmode.phys_bits = 32;
		pgmode.nx = false;
		pgmode.pfn_mask = BITS(12, 31);
		pgmode.supported_pte_mask = BITS(0, 31);
		pgmode.nhw = 2;
		mode_hw(0, PT_PMD, "PGD", 22, 1024, true, 0, BITS(13, 21));
		mode_hw(1, PT_PTE, "PTE", 12, 1024, false, 0, 0);
		return;
	}
	u64 rsvd = BITS(46, 62);
	pgmode.name = "3-level (PAE, 32-bit)";
	pgmode.entry_shift = 3;
	pgmode.phys_bits = 46;
	pgmode.nx = true;
	pgmode.pfn_mask = BITS(12, 43); /* Linux PAE: 44-bit physical */
	pgmode.supported_pte_mask = ~0ULL;
	pgmode.nhw = 3;
	mode_hw(0, PT_PUD, "PGD", 30, 4, false, BITS(1, 2) | BITS(5, 8) | BITS(46, 63), 0);
	mode_hw(1, PT_PMD, "PMD", 21, 512, true, rsvd, rsvd | BITS(13, 20));
	mode_hw(2, PT_PTE, "PTE", 12, 512, false, rsvd, rsvd);
}

/* X86_FEATURE_GBPAGES of the booting CPU (machine_config.gbpages). */
static bool cpu_has_gbpages;

static void mode_64bit(int levels)
{
	unsigned int pb = levels == 5 ? 52 : 46;
	u64 rsvd = pb < 52 ? BITS(pb, 51) : 0;
	int i = 0;

	pgmode.name = levels == 5 ? "5-level (x86-64 LA57, 57-bit)" : "4-level (x86-64, 48-bit)";
	pgmode.entry_shift = 3;
	pgmode.va_bits = levels == 5 ? 57 : 48;
	pgmode.phys_bits = pb;
	pgmode.nx = true;
	pgmode.gbpages = cpu_has_gbpages; /* else PS in a PUD is a reserved bit */
	pgmode.pfn_mask = BITS(12, 51);
	pgmode.supported_pte_mask = ~0ULL;
	pgmode.saved_dirty = 1ULL << _PAGE_BIT_SOFTW5;
	pgmode.soft_dirty = 1ULL << _PAGE_BIT_SOFTW3;
	pgmode.uffd_wp = 1ULL << _PAGE_BIT_SOFTW2;
	pgmode.lowmem_limit = levels == 5 ? (1UL << 52) : (64UL << 40);
	pgmode.nhw = levels;
	if (levels == 5)
		mode_hw(i++, PT_PGD, "PGD", 48, 512, false, rsvd | _PAGE_PSE, 0);
	mode_hw(i++, PT_P4D, levels == 5 ? "P4D" : "PGD", 39, 512, false, rsvd | _PAGE_PSE, 0);
	if (cpu_has_gbpages)
		mode_hw(i++, PT_PUD, "PUD", 30, 512, true, rsvd, rsvd | BITS(13, 29));
	else
		mode_hw(i++, PT_PUD, "PUD", 30, 512, false, rsvd | _PAGE_PSE, 0);
	mode_hw(i++, PT_PMD, "PMD", 21, 512, true, rsvd, rsvd | BITS(13, 20));
	mode_hw(i++, PT_PTE, "PTE", 12, 512, false, rsvd, rsvd);
}

/* The layout: 64-bit from mm.rst, 32-bit from pgtable_32_areas.h with the
 * fixmap/cpu_entry_area sizes of a typical i386 kernel. */
static void layout_setup(int levels, u64 ram_bytes)
{
	u64 low = min(ram_bytes, (u64)pgmode.lowmem_limit);

	if (levels >= 4) {
		PAGE_OFFSET = levels == 5 ? 0xff11000000000000UL : 0xffff888000000000UL;
		VMALLOC_START = levels == 5 ? 0xffa0000000000000UL : 0xffffc90000000000UL;
		VMALLOC_END = VMALLOC_START + ((levels == 5 ? 12800UL : 32UL) << 40) - 1;
		VMEMMAP_START = levels == 5 ? 0xffd4000000000000UL : 0xffffea0000000000UL;
		TASK_SIZE = (1UL << (levels == 5 ? 56 : 47)) - PAGE_SIZE;
		DEFAULT_MAP_WINDOW = (1UL << 47) - PAGE_SIZE;
		STACK_TOP = DEFAULT_MAP_WINDOW;
		FIXADDR_TOP = 0xffffffffff7ff000UL;
		FIXADDR_START = 0xffffffffff578000UL;
		PKMAP_BASE = LAST_PKMAP = 0;
	} else {
		PAGE_OFFSET = 0xc0000000UL;
		TASK_SIZE = DEFAULT_MAP_WINDOW = STACK_TOP = PAGE_OFFSET;
		FIXADDR_TOP = 0xfffff000UL;
		FIXADDR_START = 0xfff16000UL;
		LAST_PKMAP = levels == 3 ? 512 : 1024;
		PKMAP_BASE = levels == 3 ? 0xffa00000UL : 0xff800000UL;
		VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE;
		VMEMMAP_START = 0;
	}
	max_low_pfn = low >> PAGE_SHIFT;
	high_memory = PAGE_OFFSET + low;
	if (levels < 4)
		VMALLOC_START = high_memory + MB(8); /* VMALLOC_OFFSET */
}

int paging_mode_setup(int levels, u64 ram_bytes)
{
	if (levels < 2 || levels > 5)
		return -EINVAL;
	memset(&pgmode, 0, sizeof(pgmode));
	pgmode.levels = levels;
	if (levels <= 3)
		mode_32bit(levels);
	else
		mode_64bit(levels);
	mode_fold();
	layout_setup(levels, ram_bytes);
	return 0;
}

/* Before the page allocator, which needs max_low_pfn for its zones. */
static int paging_mode_init(void)
{
	cpu_has_gbpages = mmk->cfg.gbpages;
	return paging_mode_setup(mmk->cfg.levels, mmk->cfg.ram_bytes);
}
mmk_initcall(INIT_PAGE_ALLOC - 5, paging_mode_init, NULL);

/* --------------------------------------------------- entries, flags -- */

/* A table entry is bad when it is a leaf or carries flags a table entry
 * never has (Linux pmd_bad/pud_bad/p4d_bad/pgd_bad, folded for the mode). */
static bool table_entry_bad(pteval_t v)
{
	pteval_t ok = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY |
		      _PAGE_NX | _PAGE_PWT | _PAGE_PCD;

	return !(v & _PAGE_PRESENT) || (pt_flags(v) & ~ok);
}
bool pmd_bad(pmd_t v) { return table_entry_bad(pmd_val(v)); }
bool pud_bad(pud_t v) { return !pgmode.folded[PT_PMD] && table_entry_bad(pud_val(v)); }
bool p4d_bad(p4d_t v) { return !pgmode.folded[PT_PUD] && table_entry_bad(p4d_val(v)); }
bool pgd_bad(pgd_t v) { return !pgmode.folded[PT_P4D] && table_entry_bad(pgd_val(v)); }

/* x86 protection_map (arch/x86/mm/pgprot.c): private writable maps are
 * read-only until the COW fault. */
pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	static const pteval_t map[16] = {
		[0x0] = _PAGE_PROTNONE | _PAGE_ACCESSED,
		[0x1] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0x2] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0x3] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0x4] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0x5] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0x6] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0x7] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0x8] = _PAGE_PROTNONE | _PAGE_ACCESSED,
		[0x9] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0xa] = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0xb] = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX,
		[0xc] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0xd] = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
		[0xe] = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
		[0xf] = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
	};
	return __pgprot(massage_pgprot(__pgprot(map[vm_flags & 0xf])));
}

struct page *pte_page(pte_t p) { return pfn_to_page(pte_pfn(p)); }
pte_t mk_pte(struct page *page, pgprot_t prot) { return pfn_pte(page_to_pfn(page), prot); }
pgtable_t pmd_pgtable(pmd_t v) { return pfn_to_page(pmd_pfn(v)); }
struct page *pmd_page(pmd_t v) { return pfn_to_page(pmd_pfn(v)); }
struct page *pud_page(pud_t v) { return pfn_to_page(pud_pfn(v)); }

bool ptep_set_access_flags(struct vm_area_struct *vma, unsigned long addr, ptep_t p, pte_t entry,
			   int dirty)
{
	bool changed = pte_val(ptep_get(p)) != pte_val(entry);

	(void)dirty;
	if (changed)
		set_pte(p, entry);
	return changed;
}

static struct page *table_page(const void *slot)
{
	return virt_to_page((const void *)ALIGN_DOWN((uintptr_t)slot, PAGE_SIZE));
}

/* --------------------------------------------------------- populate -- */

static bool slot_in_top_level(struct mm_struct *mm, const void *slot)
{
	return (const u8 *)slot >= (const u8 *)mm->pgd &&
	       (const u8 *)slot < (const u8 *)mm->pgd + PAGE_SIZE;
}

/* The PAE PDPT entries hold only P (RW/U/A/D are reserved there). */
static pteval_t upper_table_flags(void *slot, struct mm_struct *mm)
{
	if (pgmode.levels == 3 && slot_in_top_level(mm, slot))
		return _PAGE_PDPTE;
	return _PAGE_TABLE;
}

/* Copy init_mm's top-level entry at `index` into every other pgd. */
static void sync_global_pgd(unsigned long index)
{
	u64 v = pt_entry_read(pt_slot_add(init_mm.pgd, (long)index));
	struct page *page;

	spin_lock(&pgd_lock);
	list_for_each_entry(page, &pgd_list, lru)
		pt_entry_write(pt_slot_add(page_address(page), (long)index), v);
	spin_unlock(&pgd_lock);
}

void pt_populate(struct mm_struct *mm, void *slot, struct page *table, int child_level)
{
	pteval_t flags;

	lockdep_assert_held(&mm->page_table_lock);
	if (child_level == PT_PTE)
		flags = mm == &init_mm ? _KERNPG_TABLE : _PAGE_TABLE;
	else
		flags = upper_table_flags(slot, mm);
	pt_entry_write(slot, page_to_phys(table) | flags);
	if (mm == &init_mm && slot_in_top_level(mm, slot)) {
		unsigned long index = ((uintptr_t)slot & (PAGE_SIZE - 1)) >> pgmode.entry_shift;

		if (index >= KERNEL_PGD_BOUNDARY)
			sync_global_pgd(index);
	}
}

void for_each_pgd(void (*fn)(void *pgd, void *arg), void *arg)
{
	struct page *page;

	spin_lock(&pgd_lock);
	list_for_each_entry(page, &pgd_list, lru)
		fn(page_address(page), arg);
	spin_unlock(&pgd_lock);
}

/* ------------------------------------------------- pgd_alloc / free -- */

/* PAE: the three user PMDs of a new pgd (Linux preallocate_pmds). */
static int pgd_prepopulate_pmds(struct mm_struct *mm, void *pgd)
{
	unsigned long n;

	for (n = 0; n < KERNEL_PGD_BOUNDARY; n++) {
		struct page *pmd = pagetable_alloc(mm, PT_PMD);

		if (!pmd)
			return -ENOMEM;
		mm_inc_nr_pmds(mm);
		pt_entry_write(pt_slot_add(pgd, (long)n), page_to_phys(pmd) | _PAGE_PDPTE);
	}
	return 0;
}

static void pgd_mop_up_pmds(struct mm_struct *mm, void *pgd)
{
	unsigned long n;

	for (n = 0; n < KERNEL_PGD_BOUNDARY; n++) {
		void *slot = pt_slot_add(pgd, (long)n);
		u64 e = pt_entry_read(slot);

		if (!e)
			continue;
		pt_entry_write(slot, 0);
		mm_dec_nr_pmds(mm);
		pagetable_free(table_page(pud_pgtable(__pud(e))));
	}
}

int pgd_alloc(struct mm_struct *mm)
{
	struct page *page = pagetable_alloc(mm, PT_PGD);
	unsigned long k = KERNEL_PGD_BOUNDARY;
	void *pgd;

	if (!page)
		return -ENOMEM;
	pgd = page_address(page);
	if (pgmode.levels == 3 && pgd_prepopulate_pmds(mm, pgd)) {
		pgd_mop_up_pmds(mm, pgd);
		pagetable_free(page);
		return -ENOMEM;
	}
	spin_lock(&pgd_lock);
	memcpy(pt_slot_add(pgd, (long)k), pt_slot_add(init_mm.pgd, (long)k),
	       (PTRS_PER_PGD - k) << pgmode.entry_shift);
	list_add(&page->lru, &pgd_list);
	spin_unlock(&pgd_lock);
	mm->pgd = pgd;
	return 0;
}

void pgd_free(struct mm_struct *mm)
{
	struct page *page;

	if (!mm->pgd)
		return;
	page = table_page(mm->pgd);
	spin_lock(&pgd_lock);
	list_del(&page->lru);
	spin_unlock(&pgd_lock);
	if (pgmode.levels == 3)
		pgd_mop_up_pmds(mm, mm->pgd);
	mm->pgd = NULL;
	pagetable_free(page);
}

/* ----------------------------------------------------------- lookups -- */

ptep_t lookup_address_in_pgd(void *pgd_table, unsigned long addr, int *level)
{
	pgdp_t pgd = pgd_offset_pgd(pgd_table, addr);
	p4dp_t p4d;
	pudp_t pud;
	pmdp_t pmd;

	*level = PT_PGD;
	if (pgd_none(pgdp_get(pgd)))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	*level = PT_P4D;
	if (p4d_none(p4dp_get(p4d)) || !p4d_present(p4dp_get(p4d)))
		return NULL;
	pud = pud_offset(p4d, addr);
	*level = PT_PUD;
	if (pud_none(pudp_get(pud)))
		return NULL;
	if (pud_leaf(pudp_get(pud)) || !pud_present(pudp_get(pud)))
		return (ptep_t)pud;
	pmd = pmd_offset(pud, addr);
	*level = PT_PMD;
	if (pmd_none(pmdp_get(pmd)))
		return NULL;
	if (pmd_leaf(pmdp_get(pmd)) || !(pmd_val(pmdp_get(pmd)) & _PAGE_PRESENT))
		return (ptep_t)pmd;
	*level = PT_PTE;
	return pte_offset_kernel(pmd, addr);
}

ptep_t lookup_address(unsigned long addr, int *level)
{
	return lookup_address_in_pgd(init_mm.pgd, addr, level);
}

int follow_phys(struct mm_struct *mm, unsigned long addr, phys_addr_t *phys, u64 *leaf, int *level)
{
	int lvl;
	ptep_t p = lookup_address_in_pgd(mm->pgd, addr, &lvl);
	u64 v;

	if (!p)
		return -EFAULT;
	v = pt_entry_read(p);
	if (!(v & _PAGE_PRESENT))
		return -EFAULT;
	*phys = (v & pt_leaf_phys_mask(lvl)) | (addr & ((1UL << pgmode.shift[lvl]) - 1));
	if (leaf)
		*leaf = v;
	if (level)
		*level = lvl;
	return 0;
}

phys_addr_t slow_virt_to_phys(unsigned long kva)
{
	phys_addr_t phys;

	if (follow_phys(&init_mm, kva, &phys, NULL, NULL))
		return (phys_addr_t)-1;
	return phys;
}

int set_pte_vaddr(unsigned long vaddr, pte_t pte)
{
	int level;
	ptep_t p = lookup_address(vaddr, &level);

	if (p && level != PT_PTE && (pt_entry_read(p) & _PAGE_PSE))
		return -EEXIST;
	p = pte_alloc_walk(&init_mm, vaddr);
	if (!p)
		return -ENOMEM;
	set_pte(p, pte);
	__flush_tlb_one_kernel(vaddr);
	return 0;
}
