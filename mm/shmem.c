/*
 * shmem.c - the shmem object behind MAP_SHARED|MAP_ANONYMOUS (Linux
 * mm/shmem.c shmem_zero_setup): a file on the internal shm mount, device
 * 00:01, a fresh inode number, named "/dev/zero" and already unlinked, so
 * /proc/PID/maps shows "/dev/zero (deleted)".  Only its identity exists at
 * the layout level; its pages arrive with the fault path.
 */
#include <errno.h>
#include "mmkit/mm_vma.h"

static _Atomic unsigned long shmem_next_ino = 1;

/* Give a shared anonymous VMA its shmem file.  Returns 0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct file *f = file_id_get(0, 1, atomic_fetch_add(&shmem_next_ino, 1), "/dev/zero");

	if (!f)
		return -ENOMEM;
	f->deleted = true;
	f->shmem = true;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
	return 0;
}
