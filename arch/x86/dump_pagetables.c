/*
 * dump_pagetables.c - the `pagewalk` view: one address walked through an
 * mm's page tables, one line per hardware level (Linux's folded levels are
 * not shown: 2 lines in 2-level mode, 5 in 5-level), then the result.
 * The entries come from the MMU's own trace (mmu_walk_trace, machine/mmu.c:
 * what the hardware walk reads, without setting Accessed/Dirty or filling a
 * TLB); this file prints them (Linux arch/x86/mm/dump_pagetables.c, fault.c
 * dump_pagetable).
 *
 *   pagewalk 0xffff888000123000: 4 levels
 *   PGD[273]  0x0000000001b59067 P RW U A D
 *   PUD[0]    0x0000000001b5a067 P RW U A D
 *   PMD[0]    0x80000000000001e3 P RW A D PSE G NX
 *   -> phys 0x123000 (2M page, kernel rw-)
 *
 * A swap PTE (P = 0, include/mmkit/swapops.h) is decoded in the mode's
 * format: "not-present swap type=0 offset=0x1 exclusive", then
 * "-> swapped out (type 0 offset 0x1)"; a PTE marker shows its kind
 * ("-> not mapped (PTE guard marker)").
 */
#include <string.h>
#include "mmkit/pgtable.h"
#include "mmkit/mmu.h"
#include "mmkit/mm.h"
#include "mmkit/swapops.h"

struct pt_flag_name {
	u64 bit;
	const char *name;
};

static void add_flag(char *buf, size_t len, size_t *n, const char *name)
{
	int w = snprintf(buf + *n, len - *n, "%s%s", *n ? " " : "", name);

	if (w > 0 && (size_t)w < len - *n)
		*n += (size_t)w;
}

/* A swap PTE's entry and the bits it keeps. */
static void swp_flags_str(char *buf, size_t len, size_t *n, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(pte);
	char s[64];

	if (is_pte_marker_entry(entry)) {
		add_flag(buf, len, n,
			 (pte_marker_get(entry) & PTE_MARKER_GUARD) ? "guard-marker" : "marker");
		return;
	}
	snprintf(s, sizeof(s), "swap type=%u offset=0x%lx", swp_type(entry), swp_offset(entry));
	add_flag(buf, len, n, s);
	if (pte_swp_exclusive(pte))
		add_flag(buf, len, n, "exclusive");
	if (pte_swp_soft_dirty(pte))
		add_flag(buf, len, n, "soft-dirty");
	if (pte_swp_uffd_wp(pte))
		add_flag(buf, len, n, "uffd-wp");
}

void pt_flags_str(char *buf, size_t len, u64 e, int level, bool top_pae)
{
	static const struct pt_flag_name hw[] = {
		{ _PAGE_PRESENT, "P" }, { _PAGE_RW, "RW" },   { _PAGE_USER, "U" },
		{ _PAGE_PWT, "PWT" },	{ _PAGE_PCD, "PCD" }, { _PAGE_ACCESSED, "A" },
		{ _PAGE_DIRTY, "D" },
	};
	bool leaf = level == PT_PTE || (e & _PAGE_PSE);
	size_t n = 0;

	buf[0] = '\0';
	if (!(e & _PAGE_PRESENT)) {
		add_flag(buf, len, &n, e ? "not-present" : "none");
		if (e && (e & _PAGE_PROTNONE) && leaf && !top_pae)
			add_flag(buf, len, &n, "PROTNONE");
		else if (level == PT_PTE && is_swap_pte(__pte(e)))
			swp_flags_str(buf, len, &n, __pte(e));
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(hw); i++)
		if (e & hw[i].bit)
			add_flag(buf, len, &n, hw[i].name);
	if (e & _PAGE_PSE)
		add_flag(buf, len, &n, level == PT_PTE ? "PAT" : "PSE");
	if ((e & _PAGE_GLOBAL) && !top_pae)
		add_flag(buf, len, &n, "G");
	if (leaf && (e & _PAGE_SPECIAL))
		add_flag(buf, len, &n, "SPECIAL");
	if (leaf && _PAGE_UFFD_WP && (e & _PAGE_UFFD_WP))
		add_flag(buf, len, &n, "UFFD_WP");
	if (leaf && _PAGE_SOFT_DIRTY && (e & _PAGE_SOFT_DIRTY))
		add_flag(buf, len, &n, "SOFT_DIRTY");
	if (leaf && pgmode.entry_shift == 3 && _PAGE_SAVED_DIRTY >> 32 && (e & _PAGE_SAVED_DIRTY))
		add_flag(buf, len, &n, "SAVED_DIRTY");
	if (pgmode.nx && (e & _PAGE_NX))
		add_flag(buf, len, &n, "NX");
}

static const char *leaf_size(int level)
{
	if (level == PT_PUD)
		return "1G";
	if (level == PT_PMD)
		return pgmode.levels == 2 ? "4M" : "2M";
	return "4K";
}

static void show_level(FILE *out, int i, unsigned long idx, u64 e, bool leaf)
{
	const struct pt_hw_level *h = &pgmode.hw[i];
	char name[16], flags[160];
	int level = h->level;

	snprintf(name, sizeof(name), "%s[%lu]", h->name, idx);
	pt_flags_str(flags, sizeof(flags), e, level, pgmode.levels == 3 && i == 0);
	fprintf(out, "%-9s 0x%0*llx %s\n", name, pgmode.entry_shift == 2 ? 8 : 16,
		(unsigned long long)e, flags);
}

struct walk_view {
	bool us, rw, nx;
};

static void show_result(FILE *out, const struct walk_view *w, int i, u64 e, unsigned long addr)
{
	int level = pgmode.hw[i].level;
	u64 phys = (e & pt_leaf_phys_mask(level)) | (addr & ((1UL << pgmode.hw[i].shift) - 1));

	fprintf(out, "-> phys 0x%llx (%s page, %s %c%c%c)\n", (unsigned long long)phys,
		leaf_size(level), w->us ? "user" : "kernel", 'r', w->rw ? 'w' : '-',
		w->nx ? '-' : 'x');
}

static void show_not_mapped(FILE *out, const struct pt_hw_level *h, u64 e, bool last)
{
	swp_entry_t entry = pte_to_swp_entry(__pte(e));

	if (!last || !is_swap_pte(__pte(e)) || (e & _PAGE_PROTNONE))
		fprintf(out, "-> not mapped (%s %s)\n", h->name, e ? "not present" : "none");
	else if (is_pte_marker_entry(entry))
		fprintf(out, "-> not mapped (%s %s marker)\n", h->name,
			(pte_marker_get(entry) & PTE_MARKER_GUARD) ? "guard" : "poisoned");
	else
		fprintf(out, "-> swapped out (type %u offset 0x%lx)\n", swp_type(entry),
			swp_offset(entry));
}

void pagewalk_show(FILE *out, struct mm_struct *mm, unsigned long addr)
{
	struct walk_view w = { true, true, false };
	struct mmu_walk_step steps[PT_NR_LEVELS];
	int i, n;

	fprintf(out, "pagewalk 0x%lx: %d levels\n", addr, pgmode.nhw);
	if (!mmu_canonical(addr)) {
		fprintf(out, "-> non-canonical address (#GP)\n");
		return;
	}
	n = mmu_walk_trace(mm->pgd, addr, steps);
	for (i = 0; i < n; i++) {
		const struct mmu_walk_step *st = &steps[i];
		const struct pt_hw_level *h = &pgmode.hw[st->hw];
		u64 e = st->entry;

		show_level(out, st->hw, st->index, e, st->leaf);
		if (!(e & _PAGE_PRESENT)) {
			show_not_mapped(out, h, e, i == pgmode.nhw - 1);
			return;
		}
		if (st->rsvd) {
			fprintf(out, "-> reserved bit set in %s (#PF RSVD)\n", h->name);
			return;
		}
		if (!(pgmode.levels == 3 && st->hw == 0)) {
			w.us &= !!(e & _PAGE_USER);
			w.rw &= !!(e & _PAGE_RW);
			w.nx |= pgmode.nx && (e & _PAGE_NX);
		}
		if (st->leaf) {
			show_result(out, &w, st->hw, e, addr);
			return;
		}
		if (st->outside) {
			fprintf(out, "-> %s points outside RAM\n", h->name);
			return;
		}
	}
}
