/*
 * shmem.c - the shmem object behind MAP_SHARED|MAP_ANONYMOUS (Linux
 * mm/shmem.c shmem_zero_setup, shmem_fault): an unlinked file on the
 * internal shm mount (device 00:01, a fresh inode number, named "/dev/zero",
 * so /proc/PID/maps shows "/dev/zero (deleted)") whose size is the length of
 * the mapping and whose page cache holds the memory.  Every VMA that maps
 * the object (the parent's and, after fork, the child's) finds the same
 * pages through it, so writes are seen by all.  Pages are created zeroed on
 * the first fault, are swap-backed (RssShmem, meminfo Shmem and Cached) and
 * live until the last VMA referencing the object goes (fput ->
 * mapping_release).  A fault beyond the object's size (the mapping was
 * grown by mremap) is SIGBUS, as in Linux.
 */
#include <errno.h>
#include "mmkit/memory.h"

static _Atomic unsigned long shmem_next_ino = 1;

/* Give a shared anonymous VMA its shmem object.  Returns 0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct file *f = file_id_get(0, 1, atomic_fetch_add(&shmem_next_ino, 1), "/dev/zero");
	struct address_space *m;

	if (!f)
		return -ENOMEM;
	f->deleted = true;
	f->shmem = true;
	m = file_mapping(f);
	if (!m) {
		fput(f);
		return -ENOMEM;
	}
	m->size = vma->vm_end - vma->vm_start;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
	return 0;
}

vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct address_space *m = file_mapping(vmf->vma->vm_file);

	if (!m)
		return VM_FAULT_OOM;
	if (m->size && vmf->pgoff >= DIV_ROUND_UP(m->size, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	return filemap_get_or_create(m, vmf);
}
