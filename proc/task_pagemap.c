/*
 * task_pagemap.c - /proc/PID/pagemap as text (Linux fs/proc/task_mmu.c
 * pagemap_read, pte_to_pagemap_entry): `cat /proc/A/pagemap ADDR LEN`
 * prints, for each page of [ADDR, ADDR + LEN), the 64-bit entry a reader
 * of the binary file would get (root's view, with PFNs and swap offsets),
 * then its fields decoded:
 *
 *   0x7f0000000000 0x8100000000001234 present exclusive pfn=0x1234
 *   0x7f0000001000 0x4000000000000020 swapped type=0 offset=0x1
 *   0x7f0000002000 0x0000000000000000 none
 *
 * Without ADDR LEN, every page of every VMA is shown (the holes between
 * VMAs are left out).
 *
 * Bits (Documentation/admin-guide/mm/pagemap.rst): 63 present, 62
 * swapped, 61 file page or shared anonymous, 58 guard region, 57 uffd-wp,
 * 56 exclusively mapped (mapcount 1, present pages only), 55 soft-dirty;
 * bits 0-54 the PFN of a present page, or the swap type (bits 0-4) and
 * offset (5-54) of a swap entry (a guard marker is type 31 offset 4, as on
 * the host).  Empty PTEs, pages outside VMAs and shmem pages in swap read 0,
 * as Linux's pagemap_pte_hole gives (without VM_SOFTDIRTY).
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"
#include "mmkit/proc.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swapops.h"

#define PM_PFRAME_MASK ((1ULL << 55) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_UFFD_WP (1ULL << 57)
#define PM_GUARD_REGION (1ULL << 58)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/* Linux pte_to_pagemap_entry with show_pfn (the reader is root). */
static u64 pte_to_pagemap_entry(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page = NULL;
	u64 frame = 0, flags = 0;

	if (pte_present(pte)) {
		frame = pte_pfn(pte);
		flags |= PM_PRESENT;
		page = vm_normal_page(vma, addr, pte);
		if (pte_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
		if (pte_uffd_wp(pte))
			flags |= PM_UFFD_WP;
	} else if (is_swap_pte(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		if (pte_swp_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
		if (pte_swp_uffd_wp(pte))
			flags |= PM_UFFD_WP;
		frame = swp_type(entry) | ((u64)swp_offset(entry) << MAX_SWAPFILES_SHIFT);
		flags |= PM_SWAP;
		if (is_pte_marker_entry(entry) && (pte_marker_get(entry) & PTE_MARKER_GUARD))
			flags |= PM_GUARD_REGION;
	}
	if (page) {
		if (!PageAnon(page))
			flags |= PM_FILE;
		if (page_mapcount(page) == 1)
			flags |= PM_MMAP_EXCLUSIVE;
	}
	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PM_SOFT_DIRTY;
	return (frame & PM_PFRAME_MASK) | flags;
}

static void show_pme(FILE *out, unsigned long addr, u64 e)
{
	static const struct {
		u64 bit;
		const char *name;
	} bits[] = {
		{ PM_PRESENT, "present" },
		{ PM_SWAP, "swapped" },
		{ PM_FILE, "file" },
		{ PM_MMAP_EXCLUSIVE, "exclusive" },
		{ PM_SOFT_DIRTY, "soft-dirty" },
		{ PM_UFFD_WP, "uffd-wp" },
		{ PM_GUARD_REGION, "guard" },
	};
	size_t i;

	fprintf(out, "0x%lx 0x%016llx", addr, (unsigned long long)e);
	if (!e) {
		fputs(" none\n", out);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (e & bits[i].bit)
			fprintf(out, " %s", bits[i].name);
	if (e & PM_PRESENT)
		fprintf(out, " pfn=0x%llx", (unsigned long long)(e & PM_PFRAME_MASK));
	else if (e & PM_SWAP)
		fprintf(out, " type=%llu offset=0x%llx", (unsigned long long)(e & 31),
			(unsigned long long)((e & PM_PFRAME_MASK) >> MAX_SWAPFILES_SHIFT));
	fputc('\n', out);
}

/* Linux pagemap_pte_hole: pages no PTE maps read 0, soft-dirty in a
 * VM_SOFTDIRTY VMA; depth -1 is a gap between VMAs. */
static int pagemap_hole(unsigned long addr, unsigned long end, int depth, struct mm_walk *walk)
{
	u64 e = depth >= 0 && walk->vma && (walk->vma->vm_flags & VM_SOFTDIRTY) ? PM_SOFT_DIRTY : 0;

	for (; addr < end; addr += PAGE_SIZE)
		show_pme(walk->private, addr, e);
	return 0;
}

/* Linux pagemap_pmd_range's PTE loop (the walk holds the PTE lock). */
static int pagemap_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	(void)next;
	show_pme(walk->private, addr, pte_to_pagemap_entry(walk->vma, addr, ptep_get(pte)));
	return 0;
}

static const struct mm_walk_ops pagemap_ops = { .pte_entry = pagemap_pte,
						.pte_hole = pagemap_hole };

/* Without a range every VMA's pages are shown, the gaps left out; with one,
 * every page of [addr, addr + len).  Caller holds no lock. */
static int pagemap_show_range(FILE *out, struct task_struct *t, unsigned long addr,
			      unsigned long len)
{
	struct mm_struct *mm = t->mm;
	unsigned long start = addr & PAGE_MASK, end = PAGE_ALIGN(addr + len);
	struct vm_area_struct *vma;

	if (len && end <= start)
		return -EINVAL;
	if (!mm)
		return 0;
	mmap_read_lock(mm);
	if (len)
		walk_page_range(mm, start, end, &pagemap_ops, out);
	for (vma = len ? NULL : mm->mm_mt.first; vma; vma = vma->vm_next)
		walk_page_range_vma(vma, vma->vm_start, vma->vm_end, &pagemap_ops, out);
	mmap_read_unlock(mm);
	return 0;
}
PROC_VIEW_RANGE(proc_pagemap, "pagemap", pagemap_show_range);
