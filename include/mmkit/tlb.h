/*
 * tlb.h - the per-CPU TLB hardware (after QEMU's softmmu TLB, accel/tcg/
 * cputlb.c) and the CPU's own flush instructions (machine/tlb.c).  Linux's
 * TLB-flush API, which shoots entries down on other CPUs, is tlbflush.h.
 *
 * Direct-mapped, TLB_SIZE entries per MMU mode (kernel, user), indexed by
 * the virtual page number.  The hot part of an entry (struct tlb_entry, 32
 * bytes) keeps one page-aligned comparator per access kind: addr_read,
 * addr_write, addr_code hold the page's virtual address when that access is
 * permitted by the cached translation, TLB_INVALID otherwise.  addr_write is
 * only set once the leaf's Dirty bit is set, so the first write walks the
 * tables and sets D as the hardware does.  addend turns a virtual address
 * into the host pointer: host = (u8 *)(va + addend).  A hit is one compare
 * and one add (include/mmkit/mmu.h).  The cold part (struct tlb_entry_full)
 * keeps what flushes and the `tlb CPU` view need: the leaf entry, its level,
 * the Global bit.
 *
 * Large pages (2M/4M/1G) are cached as 4K entries, like QEMU; invlpg of any
 * address inside a large page drops every entry of that page.
 *
 * The TLB is read and written only by its own CPU.  Other CPUs ask for
 * flushes by IPI (TLB shootdown) and wait, exactly as on hardware, so a PTE
 * changed without a flush stays visible through the stale entry until invlpg,
 * a CR3 reload (non-global entries) or a global flush.
 */
#ifndef MMKIT_TLB_H
#define MMKIT_TLB_H

#include "mmkit/compiler.h"

#define TLB_BITS 8
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID (~0UL)
#define TLB_ENTRY_BITS 5 /* log2(sizeof(struct tlb_entry)) */

enum { MMU_KERNEL_IDX, MMU_USER_IDX, NB_MMU_MODES };

struct tlb_entry { /* the fast path reads only this */
	unsigned long addr_read;
	unsigned long addr_write;
	unsigned long addr_code;
	uintptr_t addend;
} __attribute__((aligned(32)));
_Static_assert(sizeof(struct tlb_entry) == 1 << TLB_ENTRY_BITS, "TLB_ENTRY_BITS");

struct tlb_entry_full {
	unsigned long vaddr; /* the 4K page, TLB_INVALID when empty */
	u64 phys;	     /* physical address of the 4K page */
	u64 pte;	     /* the leaf entry as the walk left it (A/D set) */
	u8 level;	     /* 1 = 4K PTE, 2 = 2M/4M PMD, 3 = 1G PUD */
	bool global;	     /* survives a CR3 reload */
};

/* The slot of va's page in a CPU's own table (direct-mapped by page number;
 * a macro because PAGE_SHIFT comes from machine.h, which includes us). */
#define tlb_index(va) ((unsigned int)(((va) >> PAGE_SHIFT) & (TLB_SIZE - 1)))

struct tlb {
	struct tlb_entry e[NB_MMU_MODES][TLB_SIZE];
	struct tlb_entry_full full[NB_MMU_MODES][TLB_SIZE];
	int nr_large[NB_MMU_MODES];    /* large-page entries since the last full flush */
	unsigned long misses, flushes; /* owner-only statistics */
};

struct cpu;

/* ---- this CPU's TLB (the "instructions"); caller runs on the CPU ---- */
void tlb_init(struct tlb *tlb);
/* invlpg: drop the translation of one page (both modes, global or not). */
void __flush_tlb_one_kernel(unsigned long addr);
#define invlpg(addr) __flush_tlb_one_kernel(addr)
/* CR3 reload: drop every non-global entry (all entries without CR4.PGE). */
void __flush_tlb_local(void);
/* Toggle CR4.PGE: drop everything. */
void __flush_tlb_global(void);
/* Load CR3 (physical address of the top-level table) and flush as a CR3
 * write does. */
void write_cr3(unsigned long cr3);
unsigned long read_cr3_pa(void);

/* `tlb CPU`: this CPU's valid entries, sorted by mode and address. */
#include <stdio.h>
void tlb_show(FILE *out);
/* Count valid entries of this CPU's TLB (for tests). */
int tlb_nr_valid(int mmu_idx);

#endif
