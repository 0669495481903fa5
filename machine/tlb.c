/*
 * tlb.c - the TLB hardware of each simulated CPU (include/mmkit/tlb.h): its
 * flush "instructions" (invlpg, a CR3 write, a global flush by toggling
 * CR4.PGE), CR3 itself, and the `tlb CPU` view.  The fill is the MMU's
 * (machine/mmu.c); Linux's flush API, which sends these instructions to
 * other CPUs by IPI, is arch/x86/tlb.c.  Every function runs on the CPU whose
 * TLB it touches.
 */
#include <stdlib.h>
#include <string.h>
#include "mmkit/machine.h"
#include "mmkit/mmu.h"
#include "mmkit/paging.h"
#include "mmkit/tlb.h"

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

/* The CPU's engine (arch/x86/unicorn_cpu.c) keeps its own TLB: flush it too. */
static inline void engine_flush(struct cpu *c)
{
	if (c->engine_tlb_flush)
		c->engine_tlb_flush(c);
}

void __flush_tlb_local(void)
{
	struct cpu *c = this_cpu();

	tlb_flush_entries(&c->tlb, c->cr4_pge);
	engine_flush(c);
}

void __flush_tlb_global(void)
{
	tlb_flush_entries(&this_cpu()->tlb, false);
	engine_flush(this_cpu());
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
	engine_flush(this_cpu());
}

void write_cr3(unsigned long cr3)
{
	struct cpu *c = this_cpu();

	c->cr3 = cr3;
	__flush_tlb_local();
}

unsigned long read_cr3_pa(void) { return this_cpu()->cr3 & PAGE_MASK; }

/* ------------------------------------------------------------- view -- */

int tlb_nr_valid(int mmu_idx)
{
	struct tlb *tlb = &this_cpu()->tlb;
	int i, n = 0;

	for (i = 0; i < TLB_SIZE; i++)
		n += tlb->full[mmu_idx][i].vaddr != TLB_INVALID;
	return n;
}

struct tlb_row {
	int mode;
	int idx;
	unsigned long vaddr;
};

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
		pgmode.levels == 2 ? 8 : 12, (unsigned long long)full->phys,
		level_size(full->level), e->addr_read != TLB_INVALID ? 'r' : '-',
		e->addr_write != TLB_INVALID ? 'w' : '-', e->addr_code != TLB_INVALID ? 'x' : '-',
		full->global ? " G" : "  ", pgmode.entry_shift == 2 ? 8 : 16,
		(unsigned long long)full->pte);
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
