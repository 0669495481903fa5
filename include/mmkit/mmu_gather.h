/*
 * mmu_gather.h - batching the teardown of user mappings (Linux
 * include/asm-generic/tlb.h, mm/mmu_gather.c).
 *
 * Whoever clears PTEs (zap, MADV_FREE) does so through an on-stack struct
 * mmu_gather:
 *
 *   tlb_gather_mmu(&tlb, mm);          mm->tlb_flush_pending++
 *   ... clear PTEs; tlb_remove_tlb_entry() widens the range to flush;
 *       __tlb_remove_page() gathers a page whose last reference may go;
 *       tlb_remove_table() gathers a page-table page already unlinked ...
 *   tlb_finish_mmu(&tlb);              flush the TLBs, then free; pending--
 *
 * Pages are kept as Linux keeps them: MMU_GATHER_BUNDLE on the stack, then
 * batch pages (one page of pointers each, from the page allocator with
 * GFP_NOWAIT) up to MAX_GATHER_BATCH_COUNT of them, about 10000 pages in
 * all.  Only when that is full, or a batch page cannot be had, does the
 * caller flush early (__tlb_remove_page returns true).  So one munmap or
 * MADV_DONTNEED of up to ~9678 pages sends one TLB shootdown, as on Linux.
 *
 * Delayed rmap: a dirty page of a file is unmapped from the rmap only after
 * the TLB flush, under the PTE lock (tlb_flush_rmaps), so no CPU can still
 * write through a stale entry once the page looks unmapped; the PTE table
 * that held it is flushed before its lock is dropped.
 *
 * Nested flushes: two gathers of one mm may run at once (MADV_DONTNEED and
 * MADV_FREE run under mmap_lock read).  One may find PTEs the other cleared
 * and has not flushed yet; so tlb_finish_mmu flushes the whole mm when
 * another gather is pending (Linux mm_tlb_flush_nested), and no caller
 * returns while a stale entry of its range can remain.
 *
 * Locking: a gather is its caller's; callers hold mmap_lock (read or write)
 * and take PTE locks themselves.  Batch pages are allocated without sleeping,
 * so gathering under a PTE lock is allowed.
 */
#ifndef MMKIT_MMU_GATHER_H
#define MMKIT_MMU_GATHER_H

#include "mmkit/mm.h"

#define MMU_GATHER_BUNDLE 8

/* A batch of gathered pages: the entries follow the header, in the same
 * page (batch pages) or in struct mmu_gather (the on-stack bundle).  An
 * entry's bit 0 marks a page whose rmap removal is delayed. */
struct mmu_gather_batch {
	struct mmu_gather_batch *next;
	unsigned int nr;
	unsigned int max;
};
#define MAX_GATHER_BATCH ((PAGE_SIZE - sizeof(struct mmu_gather_batch)) / sizeof(void *))
#define MAX_GATHER_BATCH_COUNT (10000UL / MAX_GATHER_BATCH)
/* Page-table pages gathered before a forced flush (Linux keeps a page of
 * them, freed after an RCU grace period; mmkit frees them after the flush). */
#define MAX_TABLE_BATCH 256

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	 /* range to flush; start >= end: none */
	bool freed_tables;		 /* flush paging-structure caches too */
	bool delayed_rmap;		 /* some entry waits for tlb_flush_rmaps */
	unsigned int batch_count;	 /* batch pages allocated */
	struct mmu_gather_batch *active; /* where the next page goes */
	struct mmu_gather_batch local;	 /* its entries: __pages, right after it */
	struct page *__pages[MMU_GATHER_BUNDLE];
	unsigned int nr_tables;
	struct page *tables[MAX_TABLE_BATCH];
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
/* Flush, free what was gathered, release the batch pages. */
void tlb_finish_mmu(struct mmu_gather *tlb);
/* Flush the TLBs for the range gathered so far (and reset it). */
void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb);
/* Flush, then free the gathered pages and tables; the gather goes on. */
void tlb_flush_mmu(struct mmu_gather *tlb);
/* Gather a page (a reference to drop after the flush); delay_rmap: remove
 * its rmap only in tlb_flush_rmaps.  True when the gather is full: flush
 * (tlb_flush_mmu) before gathering more. */
bool __tlb_remove_page(struct mmu_gather *tlb, struct page *page, bool delay_rmap);
/* The delayed rmap removals, after tlb_flush_mmu_tlbonly, under the lock of
 * the PTE table the pages were mapped from. */
void tlb_flush_rmaps(struct mmu_gather *tlb);
/* Gather an unlinked page-table page covering [addr, addr + size). */
void tlb_remove_table(struct mmu_gather *tlb, struct page *table, unsigned long addr,
		      unsigned long size);

/* A PTE of [addr, addr + size) changed: its TLB entries must go. */
static inline void tlb_flush_range_add(struct mmu_gather *tlb, unsigned long addr,
				       unsigned long size)
{
	tlb->start = min(tlb->start, addr);
	tlb->end = max(tlb->end, addr + size);
}
#define tlb_remove_tlb_entry(tlb, addr) tlb_flush_range_add((tlb), (addr), PAGE_SIZE)

#endif
