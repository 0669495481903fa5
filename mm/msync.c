/*
 * msync.c - msync(2) (Linux mm/msync.c): argument checks, -EBUSY for
 * MS_INVALIDATE on a locked VMA, holes skipped but reported as -ENOMEM
 * (immediately for plain MS_ASYNC).  MS_SYNC writes the shared file
 * mappings' pages of the range back and waits (an error of the write-back is
 * reported, once, as fsync's); MS_ASYNC has nothing to do (dirty pages are
 * known to the flusher already), and neither has MS_INVALIDATE (Linux 2.6.19+).
 */
#include <errno.h>
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

/* MS_SYNC of a shared file mapping: write [fstart, fend] of its file back
 * (vfs_fsync_range with datasync), with mmap_lock dropped as Linux does.
 * Identity-only files (imported VMAs) have nothing to write. */
static int msync_file(struct mm_struct *mm, struct file *file, loff_t fstart, loff_t fend)
{
	int err = 0;

	if (!file->f_inode || !file->f_op->fsync)
		return 0;
	get_file(file);
	mmap_read_unlock(mm);
	err = file->f_op->fsync(file, fstart, fend, true);
	fput(file);
	mmap_read_lock(mm);
	return err;
}

/* Linux msync's walk.  Caller holds mmap_lock for read (it may be dropped
 * and retaken around a file's write-back). */
static int msync_walk(struct mm_struct *mm, unsigned long start, unsigned long end, int flags)
{
	struct vm_area_struct *vma = find_vma(mm, start); /* asserts mmap_lock */
	int unmapped = 0, err;

	for (;;) {
		loff_t fstart, fend;
		struct file *file;

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
		file = vma->vm_file;
		fstart = (loff_t)(start - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
		fend = fstart + (loff_t)(min(end, vma->vm_end) - start) - 1;
		start = vma->vm_end;
		if ((flags & MMK_MS_SYNC) && file && (vma->vm_flags & VM_SHARED)) {
			err = msync_file(mm, file, fstart, fend);
			if (err)
				return err;
		}
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
