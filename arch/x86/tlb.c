/*
 * tlb.c - TLB maintenance: the CPU's own flush "instructions" (invlpg, CR3
 * reload, global flush), switch_mm, and Linux's flush API with TLB
 * shootdown (arch/x86/mm/tlb.c: flush_tlb_mm_range, flush_tlb_func,
 * native_flush_tlb_multi, flush_tlb_kernel_range, flush_tlb_all).
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
#include <stdlib.h>
#include <string.h>
#include "mmkit/tlb.h"
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/mm.h"

unsigned long tlb_single_page_flush_ceiling = 33;

static void tlb_entry_invalidate(struct tlb *tlb, int mmu_idx, int i)
{
	struct tlb_entry *e = &tlb->e[mmu_idx][i];

	e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
	e->addend = 0;
	tlb->full[mmu_idx][i].vaddr = TLB_INVALID;
	tlb->full[mmu_idx][i].global = false;
}

void tlb_init(struct tlb *tlb)
{
	int m, i;

	for (m = 0; m < NB_MMU_MODES; m++) {
		for (i = 0; i < TLB_SIZE; i++)
			tlb_entry_invalidate(tlb, m, i);
		tlb->nr_large[m] = 0;
	}
	tlb->misses = tlb->flushes = 0;
}

/* Drop every entry (keep_global: all but the global ones). */
static void tlb_flush_entries(struct tlb *tlb, bool keep_global)
{
	int m, i;

	for (m = 0; m < NB_MMU_MODES; m++) {
		int large = 0;

		for (i = 0; i < TLB_SIZE; i++) {
			struct tlb_entry_full *full = &tlb->full[m][i];

			if (full->vaddr == TLB_INVALID)
				continue;
			if (keep_global && full->global) {
				large += full->level > PT_PTE;
				continue;
			}
			tlb_entry_invalidate(tlb, m, i);
		}
		tlb->nr_large[m] = large;
	}
	tlb->flushes++;
}

void __flush_tlb_local(void)
{
	struct cpu *c = this_cpu();

	tlb_flush_entries(&c->tlb, c->cr4_pge);
}

void __flush_tlb_global(void)
{
	tlb_flush_entries(&this_cpu()->tlb, false);
}

/* invlpg: the page's entries, and every entry of a large page covering it. */
void __flush_tlb_one_kernel(unsigned long addr)
{
	struct tlb *tlb = &this_cpu()->tlb;
	unsigned long page = addr & PAGE_MASK;
	int idx = (int)tlb_index(addr);
	int m, i;

	for (m = 0; m < NB_MMU_MODES; m++) {
		if (tlb->full[m][idx].vaddr == page)
			tlb_entry_invalidate(tlb, m, idx);
		if (!tlb->nr_large[m])
			continue;
		for (i = 0; i < TLB_SIZE; i++) {
			struct tlb_entry_full *full = &tlb->full[m][i];
			unsigned long mask;

			if (full->vaddr == TLB_INVALID || full->level == PT_PTE)
				continue;
			mask = ~((1UL << pgmode.shift[full->level]) - 1);
			if ((full->vaddr & mask) == (addr & mask))
				tlb_entry_invalidate(tlb, m, i);
		}
	}
	tlb->flushes++;
}

void write_cr3(unsigned long cr3)
{
	struct cpu *c = this_cpu();

	c->cr3 = cr3;
	__flush_tlb_local();
}

unsigned long read_cr3_pa(void)
{
	return this_cpu()->cr3 & PAGE_MASK;
}

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
	struct mm_struct *mm;       /* NULL: kernel range / everything */
	unsigned long start, end;   /* end == TLB_FLUSH_ALL: the whole TLB */
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

static void flush_tlb_func_remote(void *info)
{
	flush_tlb_func(info, false);
}

static u64 all_cpus_mask(void)
{
	return mmk->nr_cpus >= 64 ? ~0ULL : BIT(mmk->nr_cpus) - 1;
}

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
	struct flush_tlb_info f = { .mm = mm, .start = start, .end = end,
				    .stride_shift = stride_shift, .freed_tables = freed_tables };

	if (end != TLB_FLUSH_ALL &&
	    ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling)
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
	struct flush_tlb_info f = { .start = start & PAGE_MASK, .end = end, .stride_shift = PAGE_SHIFT };

	if (end == TLB_FLUSH_ALL || ((end - start) >> PAGE_SHIFT) > tlb_single_page_flush_ceiling)
		f.end = TLB_FLUSH_ALL;
	flush_tlb_on_cpus(&f, all_cpus_mask());
}

void flush_tlb_all(void)
{
	struct flush_tlb_info f = { .end = TLB_FLUSH_ALL };

	flush_tlb_on_cpus(&f, all_cpus_mask());
}

/* ------------------------------------------------------------- view -- */

int tlb_nr_valid(int mmu_idx)
{
	struct tlb *tlb = &this_cpu()->tlb;
	int i, n = 0;

	for (i = 0; i < TLB_SIZE; i++)
		n += tlb->full[mmu_idx][i].vaddr != TLB_INVALID;
	return n;
}

struct tlb_row { int mode; int idx; unsigned long vaddr; };

static int tlb_row_cmp(const void *a, const void *b)
{
	const struct tlb_row *x = a, *y = b;

	if (x->mode != y->mode)
		return x->mode - y->mode;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static const char *level_size(int level)
{
	if (level == PT_PUD)
		return "1G";
	if (level == PT_PMD)
		return pgmode.levels == 2 ? "4M" : "2M";
	return "4K";
}

static void tlb_show_row(FILE *out, const struct tlb *tlb, const struct tlb_row *r)
{
	const struct tlb_entry *e = &tlb->e[r->mode][r->idx];
	const struct tlb_entry_full *full = &tlb->full[r->mode][r->idx];
	int w = pgmode.va_bits > 32 ? 16 : 8;

	fprintf(out, "%-6s 0x%0*lx -> 0x%0*llx %s %c%c%c%s pte 0x%0*llx\n",
		r->mode == MMU_KERNEL_IDX ? "kernel" : "user", w, full->vaddr,
		pgmode.levels == 2 ? 8 : 12, (unsigned long long)full->phys, level_size(full->level),
		e->addr_read != TLB_INVALID ? 'r' : '-', e->addr_write != TLB_INVALID ? 'w' : '-',
		e->addr_code != TLB_INVALID ? 'x' : '-', full->global ? " G" : "  ",
		pgmode.entry_shift == 2 ? 8 : 16, (unsigned long long)full->pte);
}

void tlb_show(FILE *out)
{
	struct cpu *c = this_cpu();
	struct tlb_row *rows = malloc(sizeof(*rows) * NB_MMU_MODES * TLB_SIZE);
	int m, i, n = 0;

	BUG_ON(!rows);
	for (m = 0; m < NB_MMU_MODES; m++)
		for (i = 0; i < TLB_SIZE; i++)
			if (c->tlb.full[m][i].vaddr != TLB_INVALID)
				rows[n++] = (struct tlb_row){ m, i, c->tlb.full[m][i].vaddr };
	qsort(rows, (size_t)n, sizeof(*rows), tlb_row_cmp);
	fprintf(out, "cpu %d TLB: %d entries\n", c->id, n);
	for (i = 0; i < n; i++)
		tlb_show_row(out, &c->tlb, &rows[i]);
	free(rows);
}
