/*
 * tlbflush.h - Linux's TLB-flush API (arch/x86/include/asm/tlbflush.h,
 * arch/x86/tlb.c): flushes that reach every CPU which may cache a
 * translation, by IPI (TLB shootdown), built on each CPU's own flush
 * instructions (include/mmkit/tlb.h).
 */
#ifndef MMKIT_TLBFLUSH_H
#define MMKIT_TLBFLUSH_H

#include "mmkit/tlb.h"

struct mm_struct;

/* These shoot down other CPUs by IPI and wait. */
#define TLB_FLUSH_ALL (~0UL) /* as `end`: the whole TLB */
/* Every entry on every CPU, global ones included. */
void flush_tlb_all(void);
/* Non-global entries of mm on the CPUs in mm->cpu_bitmap. */
void flush_tlb_mm(struct mm_struct *mm);
/* Pages of [start, end) of mm on the CPUs that may cache them; stride_shift
 * is PAGE_SHIFT (or PMD_SHIFT for huge mappings); freed_tables: page-table
 * pages are being freed.  Above tlb_single_page_flush_ceiling pages the
 * whole TLB is flushed instead, as Linux does. */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables);
#define flush_tlb_range(vma, start, end) \
	flush_tlb_mm_range((vma)->vm_mm, (start), (end), PAGE_SHIFT, false)
#define flush_tlb_page(vma, addr) \
	flush_tlb_mm_range((vma)->vm_mm, (addr), (addr) + PAGE_SIZE, PAGE_SHIFT, false)
/* Kernel mappings (global entries) of [start, end) on every CPU. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
extern unsigned long tlb_single_page_flush_ceiling;

/* Context switch on this CPU: record this CPU in next->cpu_bitmap (and drop
 * it from prev's), load next's page tables into CR3 (flushing non-global
 * entries: mmkit has no PCID).  No-op when prev == next. */
void switch_mm(struct mm_struct *prev, struct mm_struct *next);

#endif
