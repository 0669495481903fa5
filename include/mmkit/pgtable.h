/*
 * pgtable.h - x86 page tables: the paging mode, the entry formats, and the
 * generic page-table API (Linux include/linux/pgtable.h, arch/x86/include/asm/
 * pgtable*.h, asm-generic/pgtable-nop4d.h, -nopud.h, -nopmd.h).
 *
 * The paging mode is chosen at boot from mmk->cfg.levels and described by
 * `pgmode`; every "constant" that depends on it (PGDIR_SHIFT, PTRS_PER_PMD,
 * PAGE_OFFSET, VMALLOC_START, TASK_SIZE, ...) is read from there, as Linux
 * does for 4/5-level (pgdir_shift, ptrs_per_p4d, page_offset_base).
 *
 *   levels  mode             entry  split (bits)      leaf sizes     NX
 *   2       i386, non-PAE    32     10/10/12          4K, 4M (PSE)   no
 *   3       PAE              64     2/9/9/12          4K, 2M         yes
 *   4       x86-64           64     9/9/9/9/12        4K, 2M, 1G     yes
 *   5       x86-64 LA57      64     9/9/9/9/9/12      4K, 2M, 1G     yes
 *
 * Levels are numbered as in Linux's generic code: PGD(5) P4D(4) PUD(3) PMD(2)
 * PTE(1).  A mode with fewer hardware levels folds the missing ones exactly as
 * pgtable-nop4d/nopud/nopmd do: a folded level has one entry, its offset
 * function returns the slot of the level above unchanged, and the predicates
 * of the level ABOVE a folded one become trivial (pgd_none() is always false
 * in 4-level mode; the real top-level entry is examined as a p4d).  So one
 * generic walk pgd -> p4d -> pud -> pmd -> pte works in every mode.
 *
 * Entry values are 64-bit in every mode (pte_t etc.; zero-extended in 2-level
 * mode).  Entries in memory are 4 or 8 bytes, so a pointer to an entry slot is
 * an opaque type (ptep_t, pmdp_t, pudp_t, p4dp_t, pgdp_t: pointers to
 * incomplete structs): pointer arithmetic on them does not compile; step with
 * ptep_add()/pte_next(), read with ptep_get(), write with set_pte().  Every
 * entry access is a relaxed/acquire/release atomic of the entry's real width,
 * since the MMU of other CPUs reads and sets A/D bits concurrently.
 *
 * Page-table pages come from alloc_pages(), are marked PageTable, counted in
 * the NR_PAGETABLE statistic (meminfo PageTables) and, for PTE/PMD/PUD tables
 * of an mm, in mm->pgtables_bytes (VmPTE), as in Linux.
 */
#ifndef MMKIT_PGTABLE_H
#define MMKIT_PGTABLE_H

#include <stdio.h>
#include "mmkit/machine.h"
#include "mmkit/mm_types.h"
#include "mmkit/paging.h"
#include "mmkit/spinlock.h"
#include "mmkit/tlbflush.h"

/* ------------------------------------------ Linux's software bits -- */
#define _PAGE_BIT_SPECIAL _PAGE_BIT_SOFTW1
#define _PAGE_BIT_UFFD_WP _PAGE_BIT_SOFTW2 /* 64-bit only in Linux */
#define _PAGE_BIT_SOFT_DIRTY _PAGE_BIT_SOFTW3
#define _PAGE_BIT_PROTNONE _PAGE_BIT_GLOBAL /* when !P */
/* Saved Dirty is bit 58 with 64-bit entries; Linux's 32-bit kernels share
 * bit 10 with UFFD_WP (unused there): see _PAGE_SAVED_DIRTY below. */

#define _PAGE_SPECIAL (1ULL << _PAGE_BIT_SPECIAL)
/* Soft-dirty and uffd-wp exist only in 64-bit Linux kernels (0 in 2/3-level). */
#define _PAGE_UFFD_WP (pgmode.uffd_wp)
#define _PAGE_SOFT_DIRTY (pgmode.soft_dirty)
#define _PAGE_PROTNONE (1ULL << _PAGE_BIT_PROTNONE)
#define _PAGE_NX (1ULL << _PAGE_BIT_NX) /* masked off in 2-level mode */
#define _PAGE_SAVED_DIRTY (pgmode.saved_dirty)

#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _PAGE_PDPTE _PAGE_PRESENT /* PAE top level: only P (and PWT/PCD) exist */

/* Bits pte_modify() keeps (Linux _PAGE_CHG_MASK); the PFN is added at run time. */
#define _PAGE_CHG_FLAGS                                                                            \
	(_PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SOFT_DIRTY | \
	 _PAGE_UFFD_WP)

/* The address-space layout of the mode (Linux's names; set with pgmode).
 * 64-bit: as Documentation/arch/x86/x86_64/mm.rst (VMALLOC_END inclusive,
 * as in Linux).  32-bit: PAGE_OFFSET 0xC0000000 (3G/1G), lowmem up to
 * 896 MiB, VMALLOC_START = high_memory + 8 MiB, VMALLOC_END = PKMAP_BASE -
 * 2 pages (exclusive), the pkmap window below the fixmap. */
extern unsigned long PAGE_OFFSET;
extern unsigned long VMALLOC_START, VMALLOC_END;
extern unsigned long VMEMMAP_START;
extern unsigned long TASK_SIZE;		 /* TASK_SIZE_MAX of a native task */
extern unsigned long DEFAULT_MAP_WINDOW; /* 47-bit window (5-level), else TASK_SIZE */
extern unsigned long STACK_TOP;		 /* TASK_SIZE_LOW */
extern unsigned long PKMAP_BASE;	 /* 32-bit modes: kmap window (LAST_PKMAP pages) */
extern unsigned long LAST_PKMAP;
extern unsigned long FIXADDR_START, FIXADDR_TOP;
extern unsigned long max_low_pfn; /* first pfn NOT in the direct map */
extern unsigned long high_memory; /* KVA just past the direct map */
#define TASK_SIZE_MAX TASK_SIZE
#define KERNEL_PGD_BOUNDARY pgd_index(PAGE_OFFSET)
#define USER_PTRS_PER_PGD KERNEL_PGD_BOUNDARY

#define PGDIR_SHIFT (pgmode.shift[PT_PGD])
#define P4D_SHIFT (pgmode.shift[PT_P4D])
#define PUD_SHIFT (pgmode.shift[PT_PUD])
#define PMD_SHIFT (pgmode.shift[PT_PMD])
#define PTRS_PER_PGD (pgmode.ptrs[PT_PGD])
#define PTRS_PER_P4D (pgmode.ptrs[PT_P4D])
#define PTRS_PER_PUD (pgmode.ptrs[PT_PUD])
#define PTRS_PER_PMD (pgmode.ptrs[PT_PMD])
#define PTRS_PER_PTE (pgmode.ptrs[PT_PTE])
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define P4D_SIZE (1UL << P4D_SHIFT)
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define P4D_MASK (~(P4D_SIZE - 1))
#define PUD_MASK (~(PUD_SIZE - 1))
#define PMD_MASK (~(PMD_SIZE - 1))
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)
#define pgtable_l5_enabled() (pgmode.levels == 5)
#define pgtable_levels() (pgmode.levels)

/* The address of the top of the address space, exclusive (1 << va_bits). */
static inline u64 va_space_end(void) { return 1ULL << pgmode.va_bits; }

/* Choose the paging mode (2..5) and set pgmode and the layout variables.
 * Runs at boot before the page allocator (it needs max_low_pfn); also
 * callable directly by tests.  Returns 0 or -EINVAL. */
int paging_mode_setup(int levels, u64 ram_bytes);

/* ------------------------------------------------------ values, slots -- */
typedef u64 pteval_t;
typedef struct {
	pteval_t pte;
} pte_t;
typedef struct {
	pteval_t pmd;
} pmd_t;
typedef struct {
	pteval_t pud;
} pud_t;
typedef struct {
	pteval_t p4d;
} p4d_t;
typedef struct {
	pteval_t pgd;
} pgd_t;
/* pgprot_t is in mm_types.h (struct vm_area_struct holds one). */
typedef struct page *pgtable_t; /* a PTE table page */

/* Entry slots in simulated RAM (host pointers to the entry's first byte). */
typedef struct pte_slot *ptep_t;
typedef struct pmd_slot *pmdp_t;
typedef struct pud_slot *pudp_t;
typedef struct p4d_slot *p4dp_t;
typedef struct pgd_slot *pgdp_t;

#define pte_val(x) ((x).pte)
#define pmd_val(x) ((x).pmd)
#define pud_val(x) ((x).pud)
#define p4d_val(x) ((x).p4d)
#define pgd_val(x) ((x).pgd)
#define pgprot_val(x) ((x).pgprot)
#define __pte(x) ((pte_t){ (x) })
#define __pmd(x) ((pmd_t){ (x) })
#define __pud(x) ((pud_t){ (x) })
#define __p4d(x) ((p4d_t){ (x) })
#define __pgd(x) ((pgd_t){ (x) })
#define __pgprot(x) ((pgprot_t){ (x) })

#define ptep_add(p, n) ((ptep_t)pt_slot_add((p), (n)))
#define pte_next(p) ptep_add((p), 1)
#define pmdp_add(p, n) ((pmdp_t)pt_slot_add((p), (n)))
#define pudp_add(p, n) ((pudp_t)pt_slot_add((p), (n)))
#define p4dp_add(p, n) ((p4dp_t)pt_slot_add((p), (n)))
#define pgdp_add(p, n) ((pgdp_t)pt_slot_add((p), (n)))

static inline pte_t ptep_get(ptep_t p) { return __pte(pt_entry_read(p)); }
static inline pmd_t pmdp_get(pmdp_t p) { return __pmd(pt_entry_read(p)); }
static inline pud_t pudp_get(pudp_t p) { return __pud(pt_entry_read(p)); }
static inline p4d_t p4dp_get(p4dp_t p) { return __p4d(pt_entry_read(p)); }
static inline pgd_t pgdp_get(pgdp_t p) { return __pgd(pt_entry_read(p)); }
static inline void set_pte(ptep_t p, pte_t v) { pt_entry_write(p, pte_val(v)); }
static inline void set_pmd(pmdp_t p, pmd_t v) { pt_entry_write(p, pmd_val(v)); }
static inline void set_pud(pudp_t p, pud_t v) { pt_entry_write(p, pud_val(v)); }
static inline void set_p4d(p4dp_t p, p4d_t v) { pt_entry_write(p, p4d_val(v)); }
static inline void set_pgd(pgdp_t p, pgd_t v) { pt_entry_write(p, pgd_val(v)); }

/* ----------------------------------------------------------- indexes -- */
static inline unsigned long pgd_index(unsigned long a)
{
	return (a >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}
static inline unsigned long p4d_index(unsigned long a)
{
	return (a >> P4D_SHIFT) & (PTRS_PER_P4D - 1);
}
static inline unsigned long pud_index(unsigned long a)
{
	return (a >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}
static inline unsigned long pmd_index(unsigned long a)
{
	return (a >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}
static inline unsigned long pte_index(unsigned long a)
{
	return (a >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}
/* End of the current entry's range, clamped to end (Linux pXd_addr_end). */
static inline unsigned long pt_addr_end(unsigned long addr, unsigned long end, unsigned int shift)
{
	unsigned long b = (addr + (1UL << shift)) & ~((1UL << shift) - 1);
	return (b - 1 < end - 1) ? b : end;
}
#define pgd_addr_end(a, e) pt_addr_end((a), (e), PGDIR_SHIFT)
#define p4d_addr_end(a, e) pt_addr_end((a), (e), P4D_SHIFT)
#define pud_addr_end(a, e) pt_addr_end((a), (e), PUD_SHIFT)
#define pmd_addr_end(a, e) pt_addr_end((a), (e), PMD_SHIFT)

/* ------------------------------------------------------------- flags -- */
static inline pteval_t pt_flags(pteval_t v) { return v & ~pgmode.pfn_mask; }
static inline pteval_t pte_flags(pte_t p) { return pt_flags(pte_val(p)); }

/* PTE predicates (Linux arch/x86/include/asm/pgtable.h). */
static inline bool pte_none(pte_t p) { return pte_val(p) == 0; }
static inline bool pte_present(pte_t p) { return pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_protnone(pte_t p)
{
	return (pte_val(p) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}
static inline bool pte_young(pte_t p) { return pte_val(p) & _PAGE_ACCESSED; }
static inline bool pte_dirty(pte_t p) { return pte_val(p) & _PAGE_DIRTY; }
static inline bool pte_write(pte_t p) { return pte_val(p) & _PAGE_RW; }
static inline bool pte_user(pte_t p) { return pte_val(p) & _PAGE_USER; }
static inline bool pte_exec(pte_t p) { return !(pte_val(p) & _PAGE_NX); }
static inline bool pte_global(pte_t p) { return pte_val(p) & _PAGE_GLOBAL; }
static inline bool pte_special(pte_t p) { return pte_val(p) & _PAGE_SPECIAL; }
static inline bool pte_soft_dirty(pte_t p) { return pte_val(p) & _PAGE_SOFT_DIRTY; }
static inline bool pte_uffd_wp(pte_t p) { return pte_val(p) & _PAGE_UFFD_WP; }
static inline bool pte_huge(pte_t p) { return pte_val(p) & _PAGE_PSE; }

static inline pte_t pte_set_flags(pte_t p, pteval_t f) { return __pte(pte_val(p) | f); }
static inline pte_t pte_clear_flags(pte_t p, pteval_t f) { return __pte(pte_val(p) & ~f); }
static inline pte_t pte_mkwrite(pte_t p) { return pte_set_flags(p, _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t p) { return pte_clear_flags(p, _PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t p)
{
	return pte_set_flags(p, _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
}
static inline pte_t pte_mkclean(pte_t p) { return pte_clear_flags(p, _PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t p) { return pte_set_flags(p, _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t p) { return pte_clear_flags(p, _PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t p) { return pte_set_flags(p, _PAGE_SPECIAL); }
static inline pte_t pte_mkglobal(pte_t p) { return pte_set_flags(p, _PAGE_GLOBAL); }
static inline pte_t pte_clrglobal(pte_t p) { return pte_clear_flags(p, _PAGE_GLOBAL); }
static inline pte_t pte_mkhuge(pte_t p) { return pte_set_flags(p, _PAGE_PSE); }
static inline pte_t pte_mkexec(pte_t p) { return pte_clear_flags(p, _PAGE_NX); }
static inline pte_t pte_mksoft_dirty(pte_t p) { return pte_set_flags(p, _PAGE_SOFT_DIRTY); }
static inline pte_t pte_clear_soft_dirty(pte_t p) { return pte_clear_flags(p, _PAGE_SOFT_DIRTY); }
static inline pte_t pte_mkuffd_wp(pte_t p)
{
	return pte_wrprotect(pte_set_flags(p, _PAGE_UFFD_WP));
}
static inline pte_t pte_clear_uffd_wp(pte_t p) { return pte_clear_flags(p, _PAGE_UFFD_WP); }

/* Protections.  pfn_pte()/mk_pte() drop bits the mode lacks (NX in 2-level,
 * like Linux's massage_pgprot with __supported_pte_mask). */
#define PAGE_NONE __pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_SHARED __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_SHARED_EXEC __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_COPY_NOEXEC __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_COPY_EXEC __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_COPY PAGE_COPY_NOEXEC
#define PAGE_READONLY __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_READONLY_EXEC __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define __PAGE_KERNEL_EXEC (_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define __PAGE_KERNEL (__PAGE_KERNEL_EXEC | _PAGE_NX)
#define PAGE_KERNEL __pgprot(__PAGE_KERNEL)
#define PAGE_KERNEL_RO __pgprot(__PAGE_KERNEL & ~_PAGE_RW)
#define PAGE_KERNEL_EXEC __pgprot(__PAGE_KERNEL_EXEC)
#define PAGE_KERNEL_RX __pgprot(__PAGE_KERNEL_EXEC & ~_PAGE_RW)
#define PAGE_KERNEL_LARGE __pgprot(__PAGE_KERNEL | _PAGE_PSE)

/* protection_map[]: VM_READ 0x1, VM_WRITE 0x2, VM_EXEC 0x4, VM_SHARED 0x8. */
pgprot_t vm_get_page_prot(unsigned long vm_flags);

static inline pteval_t massage_pgprot(pgprot_t prot)
{
	pteval_t v = pgprot_val(prot) & pgmode.supported_pte_mask;
	/* A 2-level entry has no room above bit 31. */
	return pgmode.entry_shift == 2 ? (u32)v : v;
}
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte((((pteval_t)pfn << PAGE_SHIFT) & PTE_PFN_MASK) | massage_pgprot(prot));
}
static inline unsigned long pte_pfn(pte_t p) { return (pte_val(p) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pte_t pte_modify(pte_t p, pgprot_t newprot)
{
	pteval_t keep = PTE_PFN_MASK | _PAGE_CHG_FLAGS;
	return __pte((pte_val(p) & keep) | (massage_pgprot(newprot) & ~keep));
}
static inline pgprot_t pte_pgprot(pte_t p) { return __pgprot(pte_flags(p)); }
struct page;
struct page *pte_page(pte_t p);
pte_t mk_pte(struct page *page, pgprot_t prot);

/* ------------------------------------- upper levels, with folding -- */
static inline bool pmd_none(pmd_t v) { return pmd_val(v) == 0; }
static inline bool pmd_present(pmd_t v)
{
	return pmd_val(v) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}
static inline bool pmd_leaf(pmd_t v) { return pmd_val(v) & _PAGE_PSE; }
#define pmd_large pmd_leaf
bool pmd_bad(pmd_t v);
static inline bool pud_none(pud_t v) { return pgmode.folded[PT_PMD] ? false : pud_val(v) == 0; }
static inline bool pud_present(pud_t v)
{
	return pgmode.folded[PT_PMD] ? true : (pud_val(v) & _PAGE_PRESENT);
}
static inline bool pud_leaf(pud_t v) { return !pgmode.folded[PT_PUD] && (pud_val(v) & _PAGE_PSE); }
bool pud_bad(pud_t v);
static inline bool p4d_none(p4d_t v) { return pgmode.folded[PT_PUD] ? false : p4d_val(v) == 0; }
static inline bool p4d_present(p4d_t v)
{
	return pgmode.folded[PT_PUD] ? true : (p4d_val(v) & _PAGE_PRESENT);
}
static inline bool p4d_leaf(p4d_t v) { return false; }
bool p4d_bad(p4d_t v);
static inline bool pgd_none(pgd_t v) { return pgmode.folded[PT_P4D] ? false : pgd_val(v) == 0; }
static inline bool pgd_present(pgd_t v)
{
	return pgmode.folded[PT_P4D] ? true : (pgd_val(v) & _PAGE_PRESENT);
}
static inline bool pgd_leaf(pgd_t v) { return false; }
bool pgd_bad(pgd_t v);

/* Clearing a level above a folded one is a no-op, as in pgtable-nop*d.h. */
static inline void pmd_clear(pmdp_t p) { set_pmd(p, __pmd(0)); }
static inline void pud_clear(pudp_t p)
{
	if (!pgmode.folded[PT_PMD])
		set_pud(p, __pud(0));
}
static inline void p4d_clear(p4dp_t p)
{
	if (!pgmode.folded[PT_PUD])
		set_p4d(p, __p4d(0));
}
static inline void pgd_clear(pgdp_t p)
{
	if (!pgmode.folded[PT_P4D])
		set_pgd(p, __pgd(0));
}

static inline unsigned long pmd_pfn(pmd_t v)
{
	return (pmd_val(v) & (pmd_leaf(v) ? pt_leaf_phys_mask(PT_PMD) : PTE_PFN_MASK)) >>
	       PAGE_SHIFT;
}
static inline unsigned long pud_pfn(pud_t v)
{
	return (pud_val(v) & (pud_leaf(v) ? pt_leaf_phys_mask(PT_PUD) : PTE_PFN_MASK)) >>
	       PAGE_SHIFT;
}
static inline unsigned long p4d_pfn(p4d_t v) { return (p4d_val(v) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline unsigned long pgd_pfn(pgd_t v) { return (pgd_val(v) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pmd_t pfn_pmd(unsigned long pfn, pgprot_t prot)
{
	return __pmd((((pteval_t)pfn << PAGE_SHIFT) & PTE_PFN_MASK) | massage_pgprot(prot));
}
static inline pud_t pfn_pud(unsigned long pfn, pgprot_t prot)
{
	return __pud((((pteval_t)pfn << PAGE_SHIFT) & PTE_PFN_MASK) | massage_pgprot(prot));
}

static inline bool pmd_young(pmd_t v) { return pmd_val(v) & _PAGE_ACCESSED; }
static inline bool pmd_dirty(pmd_t v) { return pmd_val(v) & _PAGE_DIRTY; }
static inline bool pmd_write(pmd_t v) { return pmd_val(v) & _PAGE_RW; }
static inline pmd_t pmd_mkhuge(pmd_t v) { return __pmd(pmd_val(v) | _PAGE_PSE); }
static inline pmd_t pmd_mkwrite(pmd_t v) { return __pmd(pmd_val(v) | _PAGE_RW); }
static inline pmd_t pmd_wrprotect(pmd_t v) { return __pmd(pmd_val(v) & ~_PAGE_RW); }
static inline pmd_t pmd_mkdirty(pmd_t v)
{
	return __pmd(pmd_val(v) | _PAGE_DIRTY | _PAGE_SOFT_DIRTY);
}
static inline pmd_t pmd_mkclean(pmd_t v) { return __pmd(pmd_val(v) & ~_PAGE_DIRTY); }
static inline pmd_t pmd_mkyoung(pmd_t v) { return __pmd(pmd_val(v) | _PAGE_ACCESSED); }
static inline pmd_t pmd_mkold(pmd_t v) { return __pmd(pmd_val(v) & ~_PAGE_ACCESSED); }

/* The table an entry points to (host pointer to its first slot). */
static inline void *pt_table_of(pteval_t entry) { return mmk->ram + (entry & pgmode.pfn_mask); }
static inline ptep_t pmd_page_vaddr(pmd_t v) { return (ptep_t)pt_table_of(pmd_val(v)); }
static inline pmdp_t pud_pgtable(pud_t v) { return (pmdp_t)pt_table_of(pud_val(v)); }
static inline pudp_t p4d_pgtable(p4d_t v) { return (pudp_t)pt_table_of(p4d_val(v)); }
static inline p4dp_t pgd_pgtable(pgd_t v) { return (p4dp_t)pt_table_of(pgd_val(v)); }
struct page *pmd_page(pmd_t v); /* table page, or first page of a leaf */
struct page *pud_page(pud_t v);

/* ----------------------------------------------------------- offsets -- */
struct mm_struct;
static inline pgdp_t pgd_offset_pgd(void *pgd_table, unsigned long addr)
{
	return (pgdp_t)pt_slot_add(pgd_table, pgd_index(addr));
}
static inline pgdp_t pgd_offset(struct mm_struct *mm, unsigned long addr)
{
	return pgd_offset_pgd(mm->pgd, addr);
}
#define pgd_offset_k(addr) pgd_offset(&init_mm, (addr))
static inline p4dp_t p4d_offset(pgdp_t pgd, unsigned long addr)
{
	if (pgmode.folded[PT_P4D])
		return (p4dp_t)pgd;
	return p4dp_add(pgd_pgtable(pgdp_get(pgd)), p4d_index(addr));
}
static inline pudp_t pud_offset(p4dp_t p4d, unsigned long addr)
{
	if (pgmode.folded[PT_PUD])
		return (pudp_t)p4d;
	return pudp_add(p4d_pgtable(p4dp_get(p4d)), pud_index(addr));
}
static inline pmdp_t pmd_offset(pudp_t pud, unsigned long addr)
{
	if (pgmode.folded[PT_PMD])
		return (pmdp_t)pud;
	return pmdp_add(pud_pgtable(pudp_get(pud)), pmd_index(addr));
}
static inline ptep_t pte_offset_kernel(pmdp_t pmd, unsigned long addr)
{
	return ptep_add(pmd_page_vaddr(pmdp_get(pmd)), pte_index(addr));
}
/* No HIGHPTE: PTE tables are always reachable; map/unmap are plain. */
#define pte_offset_map(pmd, addr) pte_offset_kernel((pmd), (addr))
#define pte_unmap(pte) ((void)(pte))

/* Page-table locks.  PTE tables have split locks (Linux USE_SPLIT_PTE_PTLOCKS,
 * ptlock_ptr): a word in the table's struct page (pt_lock).  A CPU waiting
 * for one serves IPIs, as a CPU spinning with interrupts enabled does, so a
 * holder may shoot down TLBs (ptep_clear_flush) while others wait.  The
 * upper levels and table population use mm->page_table_lock (the PMD lock),
 * which is never held across a TLB shootdown. */
struct page *pmd_pgtable(pmd_t v);
static inline ptlock_t *pte_lockptr(struct mm_struct *mm, pmdp_t pmd)
{
	return &pmd_pgtable(pmdp_get(pmd))->pt_lock;
}
static inline spinlock_t *pmd_lockptr(struct mm_struct *mm, pmdp_t pmd)
{
	return &mm->page_table_lock;
}
static inline spinlock_t *pmd_lock(struct mm_struct *mm, pmdp_t pmd)
{
	spinlock_t *l = pmd_lockptr(mm, pmd);
	spin_lock(l);
	return l;
}
/* Returns the PTE slot with its lock held, or NULL (no PTE table, or the
 * PMD is a leaf) with no lock held. */
ptep_t pte_offset_map_lock(struct mm_struct *mm, pmdp_t pmd, unsigned long addr, ptlock_t **ptlp);
static inline void pte_unmap_unlock(ptep_t pte, ptlock_t *ptl) { ptl_unlock(ptl); }

/* ---------------------------------------------------- entry updates -- */
struct vm_area_struct;
/* set_pte_at: install a new entry (mm, addr: for the record, as in Linux). */
static inline void set_pte_at(struct mm_struct *mm, unsigned long addr, ptep_t p, pte_t v)
{
	set_pte(p, v);
}
static inline void pte_clear(struct mm_struct *mm, unsigned long addr, ptep_t p)
{
	set_pte(p, __pte(0));
}
/* Atomic read-and-clear: A/D bits the MMU sets concurrently are not lost. */
static inline pte_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr, ptep_t p)
{
	return __pte(pt_entry_xchg(p, 0));
}
static inline pmd_t pmdp_get_and_clear(struct mm_struct *mm, unsigned long addr, pmdp_t p)
{
	return __pmd(pt_entry_xchg(p, 0));
}
static inline void ptep_set_wrprotect(struct mm_struct *mm, unsigned long addr, ptep_t p)
{
	pt_entry_clear_bits(p, _PAGE_RW);
}
static inline void pmdp_set_wrprotect(struct mm_struct *mm, unsigned long addr, pmdp_t p)
{
	pt_entry_clear_bits(p, _PAGE_RW);
}
/* Returns whether the entry was young (no TLB flush: see ptep_clear_flush_young).
 * An old entry is left alone (x86's: no locked operation for it). */
static inline bool ptep_test_and_clear_young(struct vm_area_struct *vma, unsigned long addr,
					     ptep_t p)
{
	if (!(pte_val(ptep_get(p)) & _PAGE_ACCESSED))
		return false;
	return pt_entry_clear_bits(p, _PAGE_ACCESSED) & _PAGE_ACCESSED;
}
static inline bool pmdp_test_and_clear_young(struct vm_area_struct *vma, unsigned long addr,
					     pmdp_t p)
{
	return pt_entry_clear_bits(p, _PAGE_ACCESSED) & _PAGE_ACCESSED;
}
/* Widen access rights (A, D, RW) of a present entry in place; returns
 * whether it changed.  Caller holds the PTE lock.  No flush is needed to
 * widen rights: a stale narrower TLB entry only faults again, and the
 * retried walk sees the new entry (Linux ptep_set_access_flags on x86). */
bool ptep_set_access_flags(struct vm_area_struct *vma, unsigned long addr, ptep_t p, pte_t entry,
			   int dirty);

/* --------------------------------------------- allocation and freeing -- */
/* Counters of an mm's page tables (VmPTE = pgtables_bytes >> 10). */
static inline void mm_add_pgtables(struct mm_struct *mm, long bytes)
{
	atomic_fetch_add_explicit(&mm->pgtables_bytes, bytes, memory_order_relaxed);
}
static inline void mm_inc_nr_ptes(struct mm_struct *mm) { mm_add_pgtables(mm, (long)PAGE_SIZE); }
static inline void mm_dec_nr_ptes(struct mm_struct *mm) { mm_add_pgtables(mm, -(long)PAGE_SIZE); }
static inline void mm_inc_nr_pmds(struct mm_struct *mm) { mm_add_pgtables(mm, (long)PAGE_SIZE); }
static inline void mm_dec_nr_pmds(struct mm_struct *mm) { mm_add_pgtables(mm, -(long)PAGE_SIZE); }
static inline void mm_inc_nr_puds(struct mm_struct *mm) { mm_add_pgtables(mm, (long)PAGE_SIZE); }
static inline void mm_dec_nr_puds(struct mm_struct *mm) { mm_add_pgtables(mm, -(long)PAGE_SIZE); }
static inline unsigned long mm_pgtables_bytes(const struct mm_struct *mm)
{
	return (unsigned long)atomic_load_explicit(&((struct mm_struct *)mm)->pgtables_bytes,
						   memory_order_relaxed);
}

/* Allocate a zeroed table page: PageTable, counted in NR_PAGETABLE, owner
 * recorded.  NULL on failure (fault site "pgtable_alloc").  Any context. */
struct page *pagetable_alloc(struct mm_struct *mm, int level);
/* Free a table page allocated by pagetable_alloc (must be detached and no
 * longer reachable by any CPU's walk: callers flush first, as Linux does). */
void pagetable_free(struct page *page);

/* Install `table` (of child_level) in the none slot of mm's tables (arch/x86,
 * Linux's pXd_populate): table entry flags for the slot's level (_PAGE_TABLE,
 * _KERNPG_TABLE for a kernel PTE table, P alone in the PAE PDPT); a new
 * top-level kernel entry of init_mm is copied into every pgd (Linux
 * sync_global_pgds).  Caller holds mm->page_table_lock. */
void pt_populate(struct mm_struct *mm, void *slot, struct page *table, int child_level);

/* Allocate the next-level table if the slot is none and populate it under
 * mm->page_table_lock (another CPU may win: then the new table is freed).
 * Return 0 or -ENOMEM.  No locks held on entry. */
int __p4d_alloc(struct mm_struct *mm, pgdp_t pgd, unsigned long addr);
int __pud_alloc(struct mm_struct *mm, p4dp_t p4d, unsigned long addr);
int __pmd_alloc(struct mm_struct *mm, pudp_t pud, unsigned long addr);
int __pte_alloc(struct mm_struct *mm, pmdp_t pmd);
int __pte_alloc_kernel(pmdp_t pmd);
/* Linux's wrappers: the slot for addr, allocating on the way; NULL = -ENOMEM. */
p4dp_t p4d_alloc(struct mm_struct *mm, pgdp_t pgd, unsigned long addr);
pudp_t pud_alloc(struct mm_struct *mm, p4dp_t p4d, unsigned long addr);
pmdp_t pmd_alloc(struct mm_struct *mm, pudp_t pud, unsigned long addr);
ptep_t pte_alloc_map(struct mm_struct *mm, pmdp_t pmd, unsigned long addr);
ptep_t pte_alloc_kernel(pmdp_t pmd, unsigned long addr);
/* pte_alloc: 0 or -ENOMEM (Linux returns true on failure; here: an action). */
static inline int pte_alloc(struct mm_struct *mm, pmdp_t pmd)
{
	return pmd_none(pmdp_get(pmd)) ? __pte_alloc(mm, pmd) : 0;
}
/* Returns the slot with the PTE lock held, or NULL (no memory / PMD leaf). */
ptep_t pte_alloc_map_lock(struct mm_struct *mm, pmdp_t pmd, unsigned long addr, ptlock_t **ptlp);
/* Walk mm's tables to addr's PTE slot, allocating intermediate tables.
 * NULL on -ENOMEM or when a large leaf covers addr. */
ptep_t pte_alloc_walk(struct mm_struct *mm, unsigned long addr);

/* Freeing helpers for free_pgd_range (mm/memory.c): the caller has cleared
 * the upper entry (pmd_clear/pud_clear/...) and flushed the TLBs that could
 * walk through it.  Each returns the table to the buddy allocator and fixes
 * the counters; folded levels are a no-op. */
void pte_free(struct mm_struct *mm, pgtable_t pte_page);
void pte_free_kernel(struct mm_struct *mm, ptep_t pte_table);
void pmd_free(struct mm_struct *mm, pmdp_t pmd_table);
void pud_free(struct mm_struct *mm, pudp_t pud_table);
void p4d_free(struct mm_struct *mm, p4dp_t p4d_table);
/* Free every table of the user half of mm (exit without VMAs left); the
 * caller has flushed.  Kernel-half tables are shared and left alone. */
void free_user_pgtables(struct mm_struct *mm);
/* Free every page table of mm, the top level included (init_mm at
 * shutdown).  Every CPU must have stopped using it. */
void pgtable_free_all(struct mm_struct *mm);

/* A new mm's top level: zeroed user half, kernel half copied from init_mm
 * (PAE: user PMDs preallocated, the kernel PMD shared).  Sets mm->pgd,
 * links it on pgd_list.  Returns 0 or -ENOMEM. */
int pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);
/* Call fn for every pgd on pgd_list (every mm's but init_mm's), with
 * pgd_lock held (verify). */
void for_each_pgd(void (*fn)(void *pgd, void *arg), void *arg);

/* ------------------------------------------------ kernel address space -- */
/* The kernel entry mapping addr in init_mm: the PTE slot, or for a large
 * leaf the PMD/PUD slot cast to a ptep_t; *level = PT_PTE/PT_PMD/PT_PUD.
 * NULL when not mapped (Linux lookup_address). */
ptep_t lookup_address(unsigned long addr, int *level);
ptep_t lookup_address_in_pgd(void *pgd_table, unsigned long addr, int *level);
/* Install a 4K kernel PTE for vaddr in init_mm, allocating tables (Linux
 * set_pte_vaddr).  No flush.  Returns 0 or -ENOMEM (-EEXIST if a large
 * leaf covers vaddr). */
int set_pte_vaddr(unsigned long vaddr, pte_t pte);
/* Software walk of init_mm: the physical address of a kernel virtual
 * address, or (phys_addr_t)-1 (Linux slow_virt_to_phys). */
phys_addr_t slow_virt_to_phys(unsigned long kva);
/* Software walk of any mm (no A/D update, no TLB): 0 and *phys, or -EFAULT. */
int follow_phys(struct mm_struct *mm, unsigned long addr, phys_addr_t *phys, u64 *leaf, int *level);

/* Direct-map statistics for /proc/meminfo DirectMap4k/2M(4M)/1G (Linux
 * arch/x86/mm/pat/set_memory.c), indexed by Linux's enum pg_level. */
enum pg_level { PG_LEVEL_NONE, PG_LEVEL_4K, PG_LEVEL_2M, PG_LEVEL_1G, PG_LEVEL_512G, PG_LEVEL_NUM };
extern unsigned long direct_pages_count[PG_LEVEL_NUM];
extern bool direct_gbpages;
/* The DirectMap4k/2M(4M)/1G lines of /proc/meminfo (Linux arch_report_meminfo). */
void arch_report_meminfo(FILE *out);
/* Pages currently used as page tables: the NR_PAGETABLE node statistic,
 * exact (global + the CPUs' deltas). */
unsigned long nr_pagetable_pages(void);

/* ------------------------------------------------------------- views -- */
/* `pagewalk`: each hardware level's entry and flags for addr in mm's tables,
 * then the result line.  Pure software walk: no A/D update, no TLB fill. */
void pagewalk_show(FILE *out, struct mm_struct *mm, unsigned long addr);
/* Names of the flags set in an entry at `level` ("P RW U A D PSE G NX"). */
void pt_flags_str(char *buf, size_t len, u64 entry, int level, bool top_pae);

/* kmap for the 32-bit modes' highmem (pfn >= max_low_pfn): a slot of the
 * pkmap window; the direct-map KVA for lowmem pages.  Returns the KVA, or 0
 * when every slot is in use (Linux would sleep).  Any CPU; kunmap drops the
 * reference (the slot is flushed lazily before reuse, as in Linux). */
unsigned long kmap(struct page *page);
void kunmap(struct page *page);
/* The PTE table of the kmap window (arch/x86 paging_init), NULL in 64-bit
 * modes. */
extern ptep_t pkmap_page_table;

#endif
