/*
 * mprotect.c - changing the access rights of a range (Linux mm/mprotect.c).
 *
 * The range is walked VMA by VMA from its start; each VMA's part gets the
 * new VM_READ/WRITE/EXEC bits through vma_modify_flags (merge with a
 * compatible neighbour, else split).  A hole stops the walk with -ENOMEM
 * after the VMAs before it were changed, as in Linux.  Making a private
 * mapping writable charges it (VM_ACCOUNT) and counts against RLIMIT_DATA;
 * making an unfaulted anonymous one read-only drops VM_ACCOUNT again, which
 * decides what it can merge with later.  The page-table side
 * (change_protection) joins with the fault path.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/sched.h"

/* Seam for the fault path: rewrite the PTEs of [start, end). */
__attribute__((weak)) void change_protection(struct vm_area_struct *vma, unsigned long start,
					     unsigned long end)
{
	(void)vma;
	(void)start;
	(void)end;
}

static int mprotect_fixup(struct vm_area_struct *vma, struct vm_area_struct **pprev,
			  unsigned long start, unsigned long end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long oldflags = vma->vm_flags, nrpages = (end - start) >> PAGE_SHIFT;
	long charged = 0;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;
	}
	if (newflags & VM_WRITE) {
		if (!may_expand_vm(mm, newflags, nrpages) && may_expand_vm(mm, oldflags, nrpages))
			return -ENOMEM;
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
			if (vm_enough_memory((long)nrpages))
				return -ENOMEM;
			charged = (long)nrpages;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	vma = vma_modify_flags(*pprev, vma, start, end, &newflags);
	if (VMA_ERR(vma)) {
		vm_unacct_memory(charged);
		return VMA_ERRNO(vma);
	}
	*pprev = vma;
	if ((oldflags & VM_ACCOUNT) && !(newflags & VM_ACCOUNT))
		vm_unacct_memory((long)nrpages);
	vm_flags_reset(vma, newflags);
	vma_set_page_prot(vma);
	change_protection(vma, start, end);
	/* a locked private VMA becoming writable is COWed in at once */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		populate_vma_page_range(vma, start, end, NULL); /* mm/gup.c */
	vm_stat_account(mm, oldflags, -(long)nrpages);
	vm_stat_account(mm, newflags, nrpages);
	return 0;
}

static unsigned long prot_bits(unsigned long prot)
{
	return ((prot & MMK_PROT_READ) ? VM_READ : 0) | ((prot & MMK_PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & MMK_PROT_EXEC) ? VM_EXEC : 0);
}

/* Walk [start, end) from vma; returns 0 or -errno (-ENOMEM for a hole). */
static int mprotect_walk(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			 unsigned long prot)
{
	struct vm_area_struct *prev = start > vma->vm_start ? vma : vma->vm_prev;
	unsigned long nstart = start, tmp = vma->vm_start;
	int err = 0;

	for (; vma && vma->vm_start < end; vma = prev->vm_next) {
		unsigned long newflags = prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_FLAGS);

		if (vma->vm_start != tmp)
			return -ENOMEM;
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return -EACCES;
		tmp = min(vma->vm_end, end);
		err = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
		if (err)
			return err;
		tmp = prev->vm_end;
		nstart = tmp;
	}
	return tmp < end ? -ENOMEM : 0;
}

/* mprotect(2) on current->mm.  0 or -errno. */
int sys_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long grows = prot & (MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP), end;
	struct vm_area_struct *vma;
	int err = -ENOMEM;

	prot &= ~(MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP);
	if (grows == (MMK_PROT_GROWSDOWN | MMK_PROT_GROWSUP) || (start & ~PAGE_MASK))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(MMK_PROT_READ | MMK_PROT_WRITE | MMK_PROT_EXEC | MMK_PROT_SEM))
		return -EINVAL;
	mmap_write_lock(mm);
	vma = find_vma_intersection(mm, start, end);
	if (!vma)
		goto out;
	if (grows & MMK_PROT_GROWSDOWN) {
		start = vma->vm_start;
		err = -EINVAL;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			goto out;
	} else if (vma->vm_start > start || (grows & MMK_PROT_GROWSUP)) {
		err = vma->vm_start > start ? -ENOMEM : -EINVAL;
		goto out;
	}
	err = mprotect_walk(vma, start, end, prot);
out:
	mmap_write_unlock(mm);
	return err;
}
