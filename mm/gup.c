/*
 * gup.c - faulting pages in on behalf of a process (Linux mm/gup.c
 * populate_vma_page_range, __mm_populate, faultin_page_range).
 *
 * MAP_POPULATE, MAP_LOCKED, mlock and brk with MCL_FUTURE prefault their
 * range the way Linux does: a private writable VMA is touched with write
 * faults (breaking COW and allocating real pages), anything else with read
 * faults (a private read-only VMA maps the shared zero page; shmem maps its
 * pages); PROT_NONE and VM_IO/VM_PFNMAP VMAs and VM_LOCKONFAULT ones are
 * skipped; errors are ignored (mm_populate).  MADV_POPULATE_READ/WRITE
 * fault the same way but report: -ENOMEM for a hole or when memory ran out,
 * -EINVAL for a VMA whose flags refuse the access (VM_IO/VM_PFNMAP, no
 * VM_WRITE for a write, no VM_READ for a read: check_vma_flags), -EFAULT
 * for a fault that ends in SIGBUS/SIGSEGV.  A page already mapped with the needed access
 * is not faulted again (follow_page).  Faults taken here count in pgfault.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/sched.h"

/* Is addr mapped in mm with the access (software walk, follow_page)? */
static bool page_mapped_for(struct mm_struct *mm, unsigned long addr, bool write)
{
	phys_addr_t phys;
	u64 leaf;

	if (!mm->pgd || follow_phys(mm, addr, &phys, &leaf, NULL))
		return false;
	return !write || (leaf & _PAGE_RW);
}

static long fault_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			bool write)
{
	unsigned long addr;

	for (addr = start; addr < end;) {
		vm_fault_t ret;

		if (page_mapped_for(vma->vm_mm, addr, write)) {
			addr += PAGE_SIZE;
			continue;
		}
		ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
		if (!(ret & VM_FAULT_RETRY))    /* RETRY: truncated meanwhile, again */
			addr += PAGE_SIZE;
	}
	return 0;
}

long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

	mmap_assert_locked(vma->vm_mm);
	if (vma->vm_flags & VM_LOCKONFAULT)
		return 0;
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	return fault_range(vma, start, end, write);
}

int __mm_populate(unsigned long start, unsigned long len, bool ignore_errors)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + len, nstart, nend;
	struct vm_area_struct *vma;
	long ret = 0;

	mmap_read_lock(mm);
	for (nstart = start; nstart < end; nstart = nend) {
		vma = find_vma_intersection(mm, nstart, end);
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		ret = populate_vma_page_range(vma, max(nstart, vma->vm_start), nend);
		if (ret < 0 && !ignore_errors)
			break;
		ret = 0;
	}
	mmap_read_unlock(mm);
	return (int)ret;
}

/* MADV_POPULATE_READ/WRITE over [start, end).  Caller holds mmap_lock read. */
int faultin_page_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool write)
{
	mmap_assert_locked(mm);
	while (start < end) {
		struct vm_area_struct *vma = vma_lookup(mm, start);
		unsigned long vend;
		long ret;

		if (!vma)
			return -ENOMEM;
		/* check_vma_flags failing is -EINVAL for FOLL_MADV_POPULATE */
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			return -EINVAL;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;
		vend = min(end, vma->vm_end);
		ret = fault_range(vma, start, vend, write);
		if (ret)
			return (int)ret;
		start = vend;
	}
	return 0;
}
