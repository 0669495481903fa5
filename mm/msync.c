/*
 * msync.c - msync(2) (Linux mm/msync.c): argument checks, -EBUSY for
 * MS_INVALIDATE on a locked VMA, holes skipped but reported as -ENOMEM
 * (immediately for plain MS_ASYNC).  Writing back shared file pages comes
 * with the page cache.
 */
#include <errno.h>
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

static int msync_walk(struct mm_struct *mm, unsigned long start, unsigned long end, int flags)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int unmapped = 0;

	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			if (flags == MMK_MS_ASYNC)
				return -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return -ENOMEM;
			unmapped = -ENOMEM;
		}
		if ((flags & MMK_MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return -EBUSY;
		start = vma->vm_end;
		if (start >= end)
			return unmapped;
		vma = find_vma(mm, start);
	}
}

int sys_msync(unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err;

	if ((flags & ~(MMK_MS_ASYNC | MMK_MS_INVALIDATE | MMK_MS_SYNC)) || (start & ~PAGE_MASK) ||
	    ((flags & MMK_MS_ASYNC) && (flags & MMK_MS_SYNC)))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	mmap_read_lock(mm);
	err = msync_walk(mm, start, end, flags);
	mmap_read_unlock(mm);
	return err;
}
