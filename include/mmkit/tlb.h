/*
 * tlb.h - the per-CPU software TLB (after QEMU's softmmu TLB).
 *
 * Direct-mapped, TLB_SIZE entries per MMU mode (kernel, user).  An entry keeps
 * one page-aligned comparator per access kind: addr_read/addr_write/addr_code
 * hold the page's virtual address when that access is permitted by the cached
 * translation, TLB_INVALID otherwise; addr_write is only set once the PTE's
 * Dirty bit is set, so the first write walks the tables and sets D as the
 * hardware does.  addend turns a virtual address into the host pointer:
 * host = (u8 *)(va + addend).  A hit is one compare and one add.
 *
 * The TLB is written only by its own CPU; other CPUs ask for flushes by IPI
 * (TLB shootdown), exactly as on hardware, so a PTE changed without a flush
 * stays visible through the stale entry until invlpg / CR3 reload.
 */
#ifndef MMKIT_TLB_H
#define MMKIT_TLB_H

#include "mmkit/compiler.h"

#define TLB_BITS 8
#define TLB_SIZE (1 << TLB_BITS)
#define TLB_INVALID (~0UL)

enum { MMU_KERNEL_IDX, MMU_USER_IDX, NB_MMU_MODES };

struct tlb_entry {
	unsigned long addr_read;
	unsigned long addr_write;
	unsigned long addr_code;
	uintptr_t addend;
	u64 pte;            /* the leaf entry as the walk saw it (for `tlb CPU`) */
	u8 level;           /* 1 = 4K PTE, 2 = 2M/4M PMD, 3 = 1G PUD */
	bool global;        /* survives a CR3 reload */
};

struct tlb {
	struct tlb_entry e[NB_MMU_MODES][TLB_SIZE];
	unsigned long hits, misses, flushes; /* owner-only statistics */
};

#endif
