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
#include "mmkit/proc.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swapops.h"

#define PM_PFRAME_MASK     ((1ULL << 55) - 1)
#define PM_SOFT_DIRTY      (1ULL << 55)
#define PM_MMAP_EXCLUSIVE  (1ULL << 56)
#define PM_UFFD_WP         (1ULL << 57)
#define PM_GUARD_REGION    (1ULL << 58)
#define PM_FILE            (1ULL << 61)
#define PM_SWAP            (1ULL << 62)
#define PM_PRESENT         (1ULL << 63)

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
	static const struct { u64 bit; const char *name; } bits[] = {
		{ PM_PRESENT, "present" }, { PM_SWAP, "swapped" }, { PM_FILE, "file" },
		{ PM_MMAP_EXCLUSIVE, "exclusive" }, { PM_SOFT_DIRTY, "soft-dirty" },
		{ PM_UFFD_WP, "uffd-wp" }, { PM_GUARD_REGION, "guard" },
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

struct pagemap_walk {
	struct vm_area_struct *vma;
	FILE *out;
	unsigned long next;              /* the next address to print */
};

/* Pages of [w->next, to) not covered by a PTE table: holes. */
static void pagemap_holes(struct pagemap_walk *w, unsigned long to)
{
	u64 e = w->vma && (w->vma->vm_flags & VM_SOFTDIRTY) ? PM_SOFT_DIRTY : 0;

	for (; w->next < to; w->next += PAGE_SIZE)
		show_pme(w->out, w->next, e);
}

static int pagemap_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, void *arg)
{
	struct pagemap_walk *w = arg;
	ptlock_t *ptl;
	ptep_t pte;

	pagemap_holes(w, addr);
	pte = pte_offset_map_lock(w->vma->vm_mm, pmd, addr, &ptl);
	if (!pte)
		return 0;
	for (; addr != end; addr += PAGE_SIZE, pte = pte_next(pte))
		show_pme(w->out, addr, pte_to_pagemap_entry(w->vma, addr, ptep_get(pte)));
	pte_unmap_unlock(pte, ptl);
	w->next = end;
	return 0;
}

/* Every VMA's pages (cat /proc/A/pagemap without a range). */
static void pagemap_show_vmas(FILE *out, struct mm_struct *mm)
{
	struct pagemap_walk w = { .out = out };
	struct vm_area_struct *vma;

	for (vma = mm->mm_mt.first; vma; vma = vma->vm_next) {
		w.vma = vma;
		w.next = vma->vm_start;
		walk_pmd_range(mm, vma->vm_start, vma->vm_end, pagemap_pmd, &w);
		pagemap_holes(&w, vma->vm_end);
	}
}

static int pagemap_show_range(FILE *out, struct task_struct *t, unsigned long addr,
			      unsigned long len)
{
	struct mm_struct *mm = t->mm;
	struct pagemap_walk w = { .out = out, .next = addr & PAGE_MASK };
	unsigned long end = PAGE_ALIGN(addr + len);

	if (end < w.next)
		return -EINVAL;
	if (!mm)
		return 0;
	mmap_read_lock(mm);
	if (!len) {
		pagemap_show_vmas(out, mm);
		mmap_read_unlock(mm);
		return 0;
	}
	while (w.next < end) {
		struct vm_area_struct *vma = find_vma(mm, w.next);
		unsigned long stop;

		w.vma = NULL;
		if (!vma || vma->vm_start >= end) {
			pagemap_holes(&w, end);
			break;
		}
		pagemap_holes(&w, vma->vm_start);
		w.vma = vma;
		stop = min(end, vma->vm_end);
		walk_pmd_range(mm, w.next, stop, pagemap_pmd, &w);
		pagemap_holes(&w, stop);
	}
	mmap_read_unlock(mm);
	return 0;
}
PROC_VIEW_RANGE(proc_pagemap, "pagemap", pagemap_show_range);
