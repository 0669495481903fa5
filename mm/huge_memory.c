/*
 * huge_memory.c - transparent huge page policy without huge pages (Linux
 * mm/huge_memory.c __thp_vma_allowable_orders, thp_vma_suitable_order,
 * do_huge_pmd_anonymous_page; mm/khugepaged.c madvise_collapse,
 * hpage_collapse_scan_pmd).
 *
 * mmkit maps no huge pages, but the reference kernel's THP mode
 * ("madvise": THP only in VM_HUGEPAGE VMAs; use_zero_page on) decides things
 * a process can see, and those follow Linux:
 *   - smaps' THPeligible;
 *   - a fault that Linux would serve with a huge page (an anonymous
 *     VM_HUGEPAGE VMA holding the PMD-aligned 2 MiB window around the
 *     address, no page table there yet) first gives the VMA its anon_vma,
 *     for reads too (Linux maps the huge zero page after vmf_anon_prepare);
 *     mmkit then maps a 4 KiB page;
 *   - MADV_COLLAPSE's answers: EINVAL for a VMA that may not have THPs
 *     (not anonymous, VM_NOHUGEPAGE, no aligned window, no anon_vma yet);
 *     then each 2 MiB window of the range is scanned: no page table
 *     (SCAN_PMD_NULL) or a guard marker (SCAN_PTE_NON_PRESENT) lets the
 *     scan go on to fail with EINVAL at the end; any other window is
 *     collapsible (for MADV_COLLAPSE neither empty, zero-page nor
 *     write-protected PTEs stop it, as the reference shows); a range
 *     inside one window that does not start at the window's start fails
 *     (Linux's window count wraps: hstart > hend).
 * mmkit does not allocate the huge page (the window keeps its 4 KiB pages
 * and its page table), so a window Linux had PMD-mapped and then emptied
 * with MADV_DONTNEED (no page table left: SCAN_PMD_NULL) still scans as
 * collapsible here (docs/ARCHITECTURE.md, "Where mmkit differs").
 */
#include <errno.h>
#include "mmkit/pagewalk.h"
#include "mmkit/memory.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"

/* The reference kernel's /sys/kernel/mm/transparent_hugepage/enabled. */
#define THP_MODE_MADVISE 1

/* Does the PMD-aligned window around addr lie inside vma, with the file
 * offsets aligned too for a file or shmem VMA (Linux thp_vma_suitable_order,
 * PMD order: an anonymous VMA's pgoff does not matter)? */
bool thp_vma_suitable(const struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long pmd = mmk_pmd_size(), haddr = addr & ~(pmd - 1);

	if (!vma_is_anonymous(vma) &&
	    (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) & ((pmd >> PAGE_SHIFT) - 1)))
		return false;
	/* Unsigned as in Linux: for a VMA ending below 2 MiB, vm_end - 2 MiB
	 * wraps and haddr + 2 MiB wraps to 0, so the check passes (smaps then
	 * shows THPeligible 1 for such a VMA, as on the reference). */
	return haddr >= vma->vm_start && haddr + pmd <= vma->vm_end;
}

static bool vma_is_anon_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_file && vma->vm_file->shmem;
}

/*
 * May vma have PMD-size THPs (Linux thp_vma_allowable_order, PMD order)?
 * Not VM_NOHUGEPAGE; anonymous memory with VM_HUGEPAGE, or any anonymous
 * memory for a forced collapse; shared anonymous memory (shmem_enabled
 * "never", but 2048kB's "inherit") only for a forced collapse; no files
 * (no large folios here); an aligned window at the end of the VMA except
 * in a fault (the fault checks its own address); an anonymous VMA needs
 * an anon_vma unless a fault or smaps asks.
 */
bool thp_vma_allowable(const struct vm_area_struct *vma, unsigned long vm_flags, enum tva_type type)
{
	unsigned long pmd = mmk_pmd_size();

	if (vm_flags & VM_NOHUGEPAGE)
		return false;
	if (!vma_is_anonymous(vma) && !(vma_is_anon_shmem(vma) && type == TVA_FORCED_COLLAPSE))
		return false;
	if (THP_MODE_MADVISE && type != TVA_FORCED_COLLAPSE && !(vm_flags & VM_HUGEPAGE))
		return false;
	if (type != TVA_PAGEFAULT && !thp_vma_suitable(vma, vma->vm_end - pmd))
		return false;
	return vma->anon_vma || type != TVA_FORCED_COLLAPSE || !vma_is_anonymous(vma);
}

/*
 * The first steps of Linux's huge anonymous fault: with no page table at
 * the PMD yet and THP allowed for the window, the VMA gets its anon_vma
 * (vmf_anon_prepare), for a read too.  mmkit then takes the 4 KiB path.
 * Caller holds mmap_lock.  0 or VM_FAULT_OOM.
 */
vm_fault_t thp_huge_fault_prepare(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	mmap_assert_locked(vma->vm_mm);
	if (!pmd_none(pmdp_get(vmf->pmd)) ||
	    !thp_vma_allowable(vma, vma->vm_flags, TVA_PAGEFAULT) ||
	    !thp_vma_suitable(vma, vmf->address))
		return 0;
	return anon_vma_prepare(vma) ? VM_FAULT_OOM : 0;
}

/* ------------------------------------------------------ MADV_COLLAPSE -- */

enum scan_result { SCAN_SUCCEED, SCAN_PMD_NULL, SCAN_PTE_NON_PRESENT };

struct collapse_scan {
	bool table, marker;
};

/* Each PTE of an existing table over the window: the table exists, and a
 * guard marker forbids the collapse.  Called with the PTE lock held. */
static int collapse_scan_pte(ptep_t pte, unsigned long addr, unsigned long next,
			     struct mm_walk *walk)
{
	struct collapse_scan *s = walk->private;

	s->table = true;
	if (is_guard_marker(ptep_get(pte)))
		s->marker = true;
	return 0;
}

static const struct mm_walk_ops collapse_scan_ops = { .pte_entry = collapse_scan_pte };

/* A shmem window collapses only when the object holds all its pages
 * (Linux hpage_collapse_scan_file: holes fail a forced collapse too). */
static enum scan_result collapse_scan_shmem(struct vm_area_struct *vma, unsigned long haddr)
{
	struct address_space *m = vma->vm_file->f_mapping;
	unsigned long i, index = linear_page_index(vma, haddr);

	for (i = 0; i < mmk_pmd_size() >> PAGE_SHIFT; i++) {
		struct page *page = m ? filemap_get_page(m, index + i) : NULL;

		if (!page)
			return SCAN_PTE_NON_PRESENT;
		put_page(page);
	}
	return SCAN_SUCCEED;
}

/* Linux hpage_collapse_scan_pmd's verdict for the window at haddr. */
static enum scan_result collapse_scan(struct vm_area_struct *vma, unsigned long haddr)
{
	struct collapse_scan s = { false, false };

	if (vma_is_anon_shmem(vma))
		return collapse_scan_shmem(vma, haddr);
	walk_page_range_vma(vma, haddr, haddr + mmk_pmd_size(), &collapse_scan_ops, &s);
	if (!s.table)
		return SCAN_PMD_NULL;
	return s.marker ? SCAN_PTE_NON_PRESENT : SCAN_SUCCEED;
}

/*
 * MADV_COLLAPSE of [start, end) inside vma (Linux madvise_collapse).
 * Caller holds mmap_lock for read.  0 when every 2 MiB window of the range
 * is collapsible, else -EINVAL (the windows' failures map to EINVAL:
 * madvise_collapse_errno).
 */
int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unsigned long pmd = mmk_pmd_size(), addr;
	unsigned long hstart = (start + pmd - 1) & ~(pmd - 1), hend = end & ~(pmd - 1);
	bool failed = false;

	mmap_assert_locked(vma->vm_mm);
	if (!thp_vma_allowable(vma, vma->vm_flags, TVA_FORCED_COLLAPSE))
		return -EINVAL;
	/* A range inside one window, not starting at its start, rounds to
	 * hstart > hend: Linux's count of windows wraps and the call fails. */
	if (hstart > hend)
		return -EINVAL;
	for (addr = hstart; addr < hend; addr += pmd)
		if (collapse_scan(vma, addr) != SCAN_SUCCEED)
			failed = true; /* whitelisted: the next window is tried */
	return failed ? -EINVAL : 0;
}
