/*
 * paging.h - x86 paging as the hardware defines it (Intel SDM vol. 3 ch. 4):
 * the entry bits, the page-fault error code, the paging mode the CPUs run in
 * and the width-exact atomic access to an entry slot that the hardware's
 * locked A/D updates and the kernel's entry updates share.  Machine code:
 * the MMU (machine/mmu.c) walks with it, arch/x86 (include/mmkit/pgtable.h)
 * builds Linux's page-table API on top of it.
 *
 * `pgmode` is what the kernel programs into CR0/CR4/EFER at boot (levels,
 * entry width, NX), the hardware levels the MMU walks (top first), and the
 * geometry of Linux's five generic levels that arch/x86 derives from them
 * (shift[], ptrs[], folded[]).  arch/x86's paging_mode_setup() fills it once,
 * before any walk; the MMU only reads it.
 */
#ifndef MMKIT_PAGING_H
#define MMKIT_PAGING_H

#include "mmkit/compiler.h"

/* ------------------------------------------------------- entry bits -- */
#define _PAGE_BIT_PRESENT 0
#define _PAGE_BIT_RW 1
#define _PAGE_BIT_USER 2
#define _PAGE_BIT_PWT 3
#define _PAGE_BIT_PCD 4
#define _PAGE_BIT_ACCESSED 5
#define _PAGE_BIT_DIRTY 6
#define _PAGE_BIT_PSE 7 /* 4M/2M/1G leaf in a PMD/PUD */
#define _PAGE_BIT_PAT 7 /* on 4K PTEs */
#define _PAGE_BIT_GLOBAL 8
#define _PAGE_BIT_SOFTW1 9
#define _PAGE_BIT_SOFTW2 10
#define _PAGE_BIT_SOFTW3 11
#define _PAGE_BIT_PAT_LARGE 12 /* on 2M/1G leaves */
#define _PAGE_BIT_SOFTW4 57
#define _PAGE_BIT_SOFTW5 58
#define _PAGE_BIT_NX 63

#define _PAGE_PRESENT (1ULL << _PAGE_BIT_PRESENT)
#define _PAGE_RW (1ULL << _PAGE_BIT_RW)
#define _PAGE_USER (1ULL << _PAGE_BIT_USER)
#define _PAGE_PWT (1ULL << _PAGE_BIT_PWT)
#define _PAGE_PCD (1ULL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED (1ULL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY (1ULL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE (1ULL << _PAGE_BIT_PSE)
#define _PAGE_PAT (1ULL << _PAGE_BIT_PAT)
#define _PAGE_GLOBAL (1ULL << _PAGE_BIT_GLOBAL)
#define _PAGE_SOFTW1 (1ULL << _PAGE_BIT_SOFTW1)
#define _PAGE_SOFTW2 (1ULL << _PAGE_BIT_SOFTW2)
#define _PAGE_SOFTW3 (1ULL << _PAGE_BIT_SOFTW3)
#define _PAGE_PAT_LARGE (1ULL << _PAGE_BIT_PAT_LARGE)
#define _PAGE_NX (1ULL << _PAGE_BIT_NX) /* where EFER.NXE exists (not 2-level) */

/* x86 page-fault error code (arch/x86/include/asm/trap_pf.h). */
#define X86_PF_PROT (1UL << 0) /* 0: not present; 1: protection or RSVD */
#define X86_PF_WRITE (1UL << 1)
#define X86_PF_USER (1UL << 2)
#define X86_PF_RSVD (1UL << 3)
#define X86_PF_INSTR (1UL << 4)
#define X86_PF_PK (1UL << 5)
#define X86_PF_SHSTK (1UL << 6)
#define X86_PF_SGX (1UL << 15)

/* ------------------------------------------------------------ the mode -- */
enum pt_level { /* Linux's generic level names */
		PT_PTE = 1,
		PT_PMD = 2,
		PT_PUD = 3,
		PT_P4D = 4,
		PT_PGD = 5,
		PT_NR_LEVELS = 5,
};

/* One hardware level of the walk (top first).  `level` is the lowest
 * generic level folded into it: where its leaves are interpreted (the 2-level
 * PGD holds 4M leaves as a PMD would). */
struct pt_hw_level {
	int level;	    /* PT_PTE .. PT_PGD */
	const char *name;   /* the Linux name of the highest level in it */
	unsigned int shift; /* index = (va >> shift) & (ptrs - 1) */
	unsigned int ptrs;
	bool leaf_ok;	/* PSE means a leaf here */
	u64 rsvd_table; /* reserved bits of a present table entry */
	u64 rsvd_leaf;	/* reserved bits of a present leaf */
};

struct pgtable_mode {
	int levels;			      /* 2, 3, 4, 5 */
	const char *name;		      /* "4-level (x86-64, 48-bit)" */
	unsigned int entry_shift;	      /* log2(entry size): 2 or 3 */
	unsigned int shift[PT_NR_LEVELS + 1]; /* [PT_PMD] = PMD_SHIFT ...; folded = level above */
	unsigned int ptrs[PT_NR_LEVELS + 1];  /* PTRS_PER_*; 1 when folded */
	bool folded[PT_NR_LEVELS + 1];
	unsigned int va_bits;	    /* 32, 32, 48, 57 */
	unsigned int phys_bits;	    /* MAXPHYADDR of the simulated CPU */
	bool nx;		    /* EFER.NXE: the NX bit exists */
	bool gbpages;		    /* 1G leaves at PUD level */
	u64 pfn_mask;		    /* PTE_PFN_MASK */
	u64 supported_pte_mask;	    /* __supported_pte_mask */
	u64 saved_dirty;	    /* _PAGE_SAVED_DIRTY */
	u64 soft_dirty;		    /* _PAGE_SOFT_DIRTY, 0 in 32-bit modes */
	u64 uffd_wp;		    /* _PAGE_UFFD_WP, 0 in 32-bit modes */
	unsigned long lowmem_limit; /* bytes of RAM the direct map can cover */
	int nhw;		    /* hardware levels (== levels) */
	struct pt_hw_level hw[PT_NR_LEVELS];
};
extern struct pgtable_mode pgmode;

#define PTE_PFN_MASK (pgmode.pfn_mask)

/* ---------------------------------------------------------- slots -- */
/* Raw entry access of the mode's width; `slot` is a host pointer. */
static __always_inline u64 pt_entry_read(const void *slot)
{
	if (pgmode.entry_shift == 2)
		return __atomic_load_n((const u32 *)slot, __ATOMIC_ACQUIRE);
	return __atomic_load_n((const u64 *)slot, __ATOMIC_ACQUIRE);
}
static __always_inline void pt_entry_write(void *slot, u64 v)
{
	if (pgmode.entry_shift == 2) {
		BUG_ON(v >> 32);
		__atomic_store_n((u32 *)slot, (u32)v, __ATOMIC_RELEASE);
	} else {
		__atomic_store_n((u64 *)slot, v, __ATOMIC_RELEASE);
	}
}
/* Atomic exchange / compare-exchange (hardware-style locked RMW). */
u64 pt_entry_xchg(void *slot, u64 v);
bool pt_entry_cmpxchg(void *slot, u64 *old, u64 new);
/* Atomically clear `bits`; returns the old value. */
u64 pt_entry_clear_bits(void *slot, u64 bits);

static __always_inline void *pt_slot_add(const void *slot, long n)
{
	return (u8 *)slot + (n << pgmode.entry_shift);
}

/* Physical address mask of a leaf at `level` (bits below the page size and
 * the large-page PAT bit excluded). */
static inline u64 pt_leaf_phys_mask(int level)
{
	return PTE_PFN_MASK & ~((1ULL << pgmode.shift[level]) - 1);
}

#endif
