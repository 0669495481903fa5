/*
 * tlb.c - switch_mm and Linux's TLB-flush API with TLB shootdown
 * (arch/x86/mm/tlb.c: flush_tlb_mm_range, flush_tlb_func,
 * native_flush_tlb_multi, flush_tlb_kernel_range, flush_tlb_all), on top of
 * the CPU's own flush instructions (invlpg, CR3 reload, global flush:
 * machine/tlb.c).
 *
 * A flush for an mm runs locally when this CPU has the mm loaded and is sent
 * by IPI (smp_call_function_many, waiting) to every other CPU in
 * mm->cpu_bitmap; a target that has switched to another mm meanwhile has
 * nothing of it left (its CR3 load flushed it) and does nothing.  Kernel
 * ranges and flush_tlb_all go to every CPU and include global entries.
 * Ranges above tlb_single_page_flush_ceiling pages become full flushes, as
 * in Linux.  Ordering: the caller changed the PTEs before calling; the full
 * barrier of reading cpu_bitmap pairs with the one in switch_mm, so a
 * CPU that is not seen in the bitmap loads CR3 after the PTE change and
 * cannot cache the old entry.
 */
#include "mmkit/tlbflush.h"
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/mm.h"

unsigned long tlb_single_page_flush_ceiling = 33;

void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	struct cpu *c = this_cpu();
	u64 bit = BIT(c->id);

	if (c->loaded_mm == next && prev == next)
		return;
	__atomic_fetch_or(&next->cpu_bitmap, bit, __ATOMIC_SEQ_CST);
	write_cr3(host_to_phys(next->pgd));
	if (prev && prev != next)
		__atomic_fetch_and(&prev->cpu_bitmap, ~bit, __ATOMIC_SEQ_CST);
	c->loaded_mm = next;
}

/* ------------------------------------------------------- shootdown -- */

struct flush_tlb_info {
	struct mm_struct *mm;	  /* NULL: kernel range / everything */
	unsigned long start, end; /* end == TLB_FLUSH_ALL: the whole TLB */
	unsigned int stride_shift;
	bool freed_tables;
};

static void flush_tlb_func(struct flush_tlb_info *f, bool local)
{
	struct cpu *c = this_cpu();
	unsigned long a;

	if (f->mm && c->loaded_mm != f->mm)
		return;
	if (!local)
		count_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	if (f->end == TLB_FLUSH_ALL) {
		if (f->mm)
			__flush_tlb_local();
		else
			__flush_tlb_global();
		if (local)
			count_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
		return;
	}
	for (a = f->start; a < f->end && a >= f->start; a += 1UL << f->stride_shift) {
		__flush_tlb_one_kernel(a);
		if (local)
			count_vm_event(NR_TLB_LOCAL_FLUSH_ONE);
	}
}

static void flush_tlb_func_remote(void *info) { flush_tlb_func(info, false); }

static u64 all_cpus_mask(void) { return mmk->nr_cpus >= 64 ? ~0ULL : BIT(mmk->nr_cpus) - 1; }

static void flush_tlb_on_cpus(struct flush_tlb_info *f, u64 mask)
{
	u64 self = BIT(smp_processor_id());

	if (mask & ~self) {
		count_vm_event(NR_TLB_REMOTE_FLUSH);
		smp_call_function_many_irqsafe(mask & ~self, flush_tlb_func_remote, f);
	}
	if ((mask & self) || (f->mm && this_cpu()->loaded_mm == f->mm))
		flush_tlb_func(f, true);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned int stride_shift, bool freed_tables)
{
	struct flush_tlb_info f = { .mm = mm,
				    .start = start,
				    .end = end,
				    .stride_shift = stride_shift,
				    .freed_tables = freed_tables };

	if (end != TLB_FLUSH_ALL && ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling)
		f.end = TLB_FLUSH_ALL;
	/* A locked RMW reads the bitmap: a full barrier after the PTE stores
	 * (pairs with switch_mm), and one TSan understands. */
	flush_tlb_on_cpus(&f, __atomic_fetch_or(&mm->cpu_bitmap, 0, __ATOMIC_SEQ_CST));
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, PAGE_SHIFT, false);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_tlb_info f = { .start = start & PAGE_MASK,
				    .end = end,
				    .stride_shift = PAGE_SHIFT };

	if (end == TLB_FLUSH_ALL || ((end - start) >> PAGE_SHIFT) > tlb_single_page_flush_ceiling)
		f.end = TLB_FLUSH_ALL;
	flush_tlb_on_cpus(&f, all_cpus_mask());
}

void flush_tlb_all(void)
{
	struct flush_tlb_info f = { .end = TLB_FLUSH_ALL };

	flush_tlb_on_cpus(&f, all_cpus_mask());
}
