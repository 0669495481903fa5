/*
 * shmem.c - the shmem object behind MAP_SHARED|MAP_ANONYMOUS (Linux
 * mm/shmem.c shmem_zero_setup): a file on the internal shm mount, device
 * 00:01, a fresh inode number, named "/dev/zero" and already unlinked, so
 * /proc/PID/maps shows "/dev/zero (deleted)".  Its size is the mapping's
 * length at mmap time; mremap can grow the mapping past it, and faults
 * there are SIGBUS (populate fails with -EFAULT).  Only its identity exists at
 * the layout level; its pages arrive with the fault path.
 */
#include <errno.h>
#include "mmkit/mm_vma.h"

/* Does the part [start, end) of a shared VMA lie within its object?  The
 * first address beyond the object's size, or end. */
unsigned long shmem_fault_limit(const struct vm_area_struct *vma, unsigned long start,
				unsigned long end)
{
	unsigned long off, limit;

	if (!vma->vm_file || !vma->vm_file->shmem)
		return end;
	off = vma->vm_pgoff << PAGE_SHIFT;
	if (off >= vma->vm_file->size)
		return start;
	limit = vma->vm_start + (vma->vm_file->size - off);
	return limit < end ? max(limit, start) : end;
}

static _Atomic unsigned long shmem_next_ino = 1;

/* Give a shared anonymous VMA its shmem file.  Returns 0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	struct file *f;

	/* shmem_acct_size: the object is charged unless MAP_NORESERVE */
	if (!(vma->vm_flags & VM_NORESERVE) && vm_enough_memory(size >> PAGE_SHIFT))
		return -ENOMEM;
	f = file_id_get(0, 1, atomic_fetch_add(&shmem_next_ino, 1), "/dev/zero");
	if (!f)
		return -ENOMEM;
	f->deleted = true;
	f->shmem = true;
	f->size = size;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
	return 0;
}
