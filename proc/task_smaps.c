/*
 * task_smaps.c - /proc/PID/smaps (Linux fs/proc/task_mmu.c show_smap,
 * smaps_pte_entry, smaps_account, show_smap_vma_flags), fields in the
 * 6.18 order and format ("%-16s%8lu kB" after the maps line).
 *
 * Each VMA's PTEs are walked under mmap_lock (read) and the PTE locks:
 * pages vm_normal_page does not return (the shared zero page) count
 * nowhere, as in Linux.  A page with _refcount 1 is private to this PTE;
 * otherwise its mapcount decides: >= 2 is shared and adds size/mapcount to
 * Pss (in 1/4096 fractions, PSS_SHIFT 12), else private.  Dirty is the PTE's
 * Dirty bit or PG_dirty; Referenced the Accessed bit or PG_referenced;
 * Anonymous counts anonymous pages, LazyFree those MADV_FREE made clean and
 * not swap-backed; Locked is the Pss of VM_LOCKED VMAs.  Swap counts the
 * VMA's swap PTEs and SwapPss each divided by its slot's count (swapped
 * out pages shared after fork count half); a shmem VMA adds the swapped
 * pages of its part of the object (shared or read-only mappings: all of
 * them; private writable ones: those its PTEs do not hide behind a COW
 * copy), which SwapPss does not count, as Linux.  The huge-page fields
 * are 0; THPeligible follows the
 * reference's THP mode "madvise" (thp_vma_allowable, mm/huge_memory.c).
 */
#include <string.h>
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"
#include "mmkit/proc.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

#define PSS_SHIFT 12

struct mem_size_stats {
	struct vm_area_struct *vma;
	unsigned long resident, shared_clean, shared_dirty, private_clean, private_dirty;
	unsigned long referenced, anonymous, lazyfree, swap;
	u64 pss, pss_dirty, pss_locked, swap_pss;
	bool shmem_holes; /* count the object's swapped pages behind empty PTEs */
};

static void smaps_page_accumulate(struct mem_size_stats *m, u64 pss, bool dirty, bool private)
{
	m->pss += pss;
	if (m->vma->vm_flags & VM_LOCKED)
		m->pss_locked += pss;
	if (dirty) {
		m->pss_dirty += pss;
		if (private)
			m->private_dirty += PAGE_SIZE;
		else
			m->shared_dirty += PAGE_SIZE;
	} else if (private) {
		m->private_clean += PAGE_SIZE;
	} else {
		m->shared_clean += PAGE_SIZE;
	}
}

static void smaps_pte_entry(struct mem_size_stats *m, pte_t pte, unsigned long addr)
{
	struct page *page;
	bool dirty;
	int mapcount;

	if (is_swap_entry_pte(pte)) {
		int count = swp_swapcount(pte_to_swp_entry(pte));

		m->swap += PAGE_SIZE;
		m->swap_pss += ((u64)PAGE_SIZE << PSS_SHIFT) / (u64)(count >= 2 ? count : 1);
		return;
	}
	if (!pte_present(pte))
		return;
	page = vm_normal_page(m->vma, addr, pte);
	if (!page)
		return;
	dirty = pte_dirty(pte) || PageDirty(page);
	if (PageAnon(page)) {
		m->anonymous += PAGE_SIZE;
		if (!PageSwapBacked(page) && !dirty)
			m->lazyfree += PAGE_SIZE;
	}
	m->resident += PAGE_SIZE;
	if (pte_young(pte) || PageReferenced(page))
		m->referenced += PAGE_SIZE;
	if (page_ref_count(page) == 1) {
		smaps_page_accumulate(m, (u64)PAGE_SIZE << PSS_SHIFT, dirty, true);
		return;
	}
	mapcount = page_mapcount(page);
	smaps_page_accumulate(m,
			      ((u64)PAGE_SIZE << PSS_SHIFT) / (u64)(mapcount >= 2 ? mapcount : 1),
			      dirty, mapcount < 2);
}

/* Linux smaps_pte_hole: the swapped shmem pages behind [addr, end), where
 * no PTE maps the object (only for the walks smaps_shmem_prepare chose). */
static int smaps_hole(unsigned long addr, unsigned long end, int depth, struct mm_walk *walk)
{
	struct mem_size_stats *m = walk->private;
	struct vm_area_struct *v = walk->vma;

	(void)depth;
	if (m->shmem_holes)
		m->swap +=
			shmem_partial_swap_usage(v->vm_file->f_mapping, linear_page_index(v, addr),
						 linear_page_index(v, end));
	return 0;
}

/* Linux show_smap's shmem part: a shared or read-only mapping of a shmem
 * object with swapped pages counts them all now (*swap); a private
 * writable one counts those no PTE hides behind a COW copy during the walk
 * (returns true).  SwapPss does not count them, as Linux. */
static bool smaps_shmem_prepare(struct vm_area_struct *v, unsigned long *swap)
{
	struct address_space *m = v->vm_file ? v->vm_file->f_mapping : NULL;

	if (!m || !m->shmem || !READ_ONCE(m->swapped))
		return false;
	if ((v->vm_flags & VM_SHARED) || !(v->vm_flags & VM_WRITE)) {
		*swap += shmem_partial_swap_usage(m, v->vm_pgoff, v->vm_pgoff + vma_pages(v));
		return false;
	}
	return true;
}

/* Linux smaps_pte_range, one PTE at a time (the walk holds the PTE lock). */
static int smaps_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	pte_t v = ptep_get(pte);

	if (pte_none(v))
		return smaps_hole(addr, next, 4, walk);
	smaps_pte_entry(walk->private, v, addr);
	return 0;
}

/* The two letters of each VM_* bit in smaps' VmFlags (Linux mnemonics[]). */
static const char mnemonics[64][3] = {
	[0] = "rd",  [1] = "wr",  [2] = "ex",  [3] = "sh",  [4] = "mr",	 [5] = "mw",  [6] = "me",
	[7] = "ms",  [8] = "gd",  [9] = "um",  [10] = "pf", [11] = "gu", [12] = "uw", [13] = "lo",
	[14] = "io", [15] = "sr", [16] = "rr", [17] = "dc", [18] = "de", [19] = "lf", [20] = "ac",
	[21] = "nr", [22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf", [26] = "dd", [27] = "sd",
	[28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg", [40] = "dp",
};

/* The VM_* bit a VmFlags mnemonic stands for, or 0 for an unknown one. */
unsigned long vm_flag_from_mnemonic(const char *mn)
{
	for (int i = 0; i < 64; i++)
		if (mnemonics[i][0] && !strcmp(mnemonics[i], mn))
			return 1UL << i;
	return 0;
}

static const struct mm_walk_ops smaps_walk_ops = { .pte_entry = smaps_pte, .pte_hole = smaps_hole };

/* Linux show_smap_vma_flags: two letters per set VM_* bit, in bit order. */
static void show_smap_vma_flags(FILE *out, unsigned long flags)
{
	int i;

	fprintf(out, "VmFlags: ");
	for (i = 0; i < 64; i++)
		if ((flags & (1UL << i)) && mnemonics[i][0])
			fprintf(out, "%s ", mnemonics[i]);
	fputc('\n', out);
}

static bool thp_eligible(const struct vm_area_struct *v)
{
	return thp_vma_allowable(v, v->vm_flags, TVA_SMAPS); /* mm/huge_memory.c */
}

static void kb_line(FILE *out, const char *label, unsigned long bytes)
{
	fprintf(out, "%-16s%8lu kB\n", label, bytes >> 10);
}

static void show_smap(FILE *out, struct vm_area_struct *v, struct mm_struct *mm)
{
	struct mem_size_stats m = { .vma = v };

	m.shmem_holes = smaps_shmem_prepare(v, &m.swap);
	walk_page_range_vma(v, v->vm_start, v->vm_end, &smaps_walk_ops, &m);
	show_map_vma(out, v, mm);
	kb_line(out, "Size:", v->vm_end - v->vm_start);
	kb_line(out, "KernelPageSize:", PAGE_SIZE);
	kb_line(out, "MMUPageSize:", PAGE_SIZE);
	kb_line(out, "Rss:", m.resident);
	kb_line(out, "Pss:", (unsigned long)(m.pss >> PSS_SHIFT));
	kb_line(out, "Pss_Dirty:", (unsigned long)(m.pss_dirty >> PSS_SHIFT));
	kb_line(out, "Shared_Clean:", m.shared_clean);
	kb_line(out, "Shared_Dirty:", m.shared_dirty);
	kb_line(out, "Private_Clean:", m.private_clean);
	kb_line(out, "Private_Dirty:", m.private_dirty);
	kb_line(out, "Referenced:", m.referenced);
	kb_line(out, "Anonymous:", m.anonymous);
	kb_line(out, "KSM:", 0);
	kb_line(out, "LazyFree:", m.lazyfree);
	kb_line(out, "AnonHugePages:", 0);
	kb_line(out, "ShmemPmdMapped:", 0);
	kb_line(out, "FilePmdMapped:", 0);
	kb_line(out, "Shared_Hugetlb:", 0);
	kb_line(out, "Private_Hugetlb:", 0);
	kb_line(out, "Swap:", m.swap);
	kb_line(out, "SwapPss:", (unsigned long)(m.swap_pss >> PSS_SHIFT));
	kb_line(out, "Locked:", (unsigned long)(m.pss_locked >> PSS_SHIFT));
	fprintf(out, "THPeligible:    %8u\n", thp_eligible(v) ? 1U : 0U);
	show_smap_vma_flags(out, v->vm_flags);
}

static int show_smaps(FILE *out, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *v;

	if (!mm)
		return 0;
	mmap_read_lock(mm);
	for_each_vma(mm, v)
		show_smap(out, v, mm);
	mmap_read_unlock(mm);
	return 0;
}
PROC_VIEW(proc_smaps, "smaps", true, show_smaps);
