/*
 * shmem.c - the shmem object behind MAP_SHARED|MAP_ANONYMOUS (Linux
 * mm/shmem.c shmem_zero_setup, shmem_fault): an unlinked file on the
 * internal shm mount (device 00:01, a fresh inode number, named "/dev/zero",
 * so /proc/PID/maps shows "/dev/zero (deleted)") whose size is the length of
 * the mapping at mmap time and whose page cache holds the memory.  The
 * object is charged (overcommit) unless MAP_NORESERVE, as shmem_acct_size.
 * Every VMA that maps the object (the parent's and, after fork, the child's)
 * finds the same pages through it, so writes are seen by all.  Pages are
 * created zeroed on the first fault, are swap-backed (RssShmem, meminfo
 * Shmem and Cached) and live until the last VMA referencing the object goes
 * (fput -> mapping_release).  mremap can grow the mapping past the object:
 * a fault there is SIGBUS and populate fails with -EFAULT, as in Linux.
 */
#include <errno.h>
#include "mmkit/memory.h"

static _Atomic unsigned long shmem_next_ino = 1;

/* Give a shared anonymous VMA its shmem object.  Returns 0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	struct address_space *m;
	struct file *f;

	if (!(vma->vm_flags & VM_NORESERVE) && vm_enough_memory(size >> PAGE_SHIFT))
		return -ENOMEM;
	f = file_id_get(0, 1, atomic_fetch_add(&shmem_next_ino, 1), "/dev/zero");
	if (!f)
		return -ENOMEM;
	f->deleted = true;
	f->shmem = true;
	f->size = size;
	m = file_mapping(f);
	if (!m) {
		fput(f);
		return -ENOMEM;
	}
	m->size = size;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
	return 0;
}

vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file;
	struct address_space *m = file_mapping(f);

	if (!m)
		return VM_FAULT_OOM;
	/* an imported "/dev/zero (deleted)" VMA has no known size */
	if (f->size && vmf->pgoff >= DIV_ROUND_UP(f->size, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	return filemap_get_or_create(m, vmf);
}
