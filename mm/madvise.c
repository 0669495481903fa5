/*
 * madvise.c - advice on a range (Linux 6.18 mm/madvise.c) at the layout
 * level: argument validation in Linux's order, the walk over the VMAs that
 * applies the advice to every mapped part and returns -ENOMEM at the end if
 * the range had holes, and the VMA flags the advice records (VM_DONTCOPY,
 * VM_WIPEONFORK, VM_DONTDUMP, VM_SEQ_READ/RAND_READ, VM_HUGEPAGE/NOHUGEPAGE,
 * VM_MERGEABLE), splitting and merging as mprotect does; running out of
 * map_count there gives -EAGAIN, as in Linux.  The advice that acts on pages
 * (DONTNEED, FREE, COLD, PAGEOUT, WILLNEED, POPULATE_*, GUARD_*) validates
 * its VMA here and does its page work through the madvise_pages seam.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/sched.h"

static bool madvise_behavior_valid(int b)
{
	switch (b) {
	case MMK_MADV_DOFORK:
	case MMK_MADV_DONTFORK:
	case MMK_MADV_NORMAL:
	case MMK_MADV_SEQUENTIAL:
	case MMK_MADV_RANDOM:
	case MMK_MADV_REMOVE:
	case MMK_MADV_WILLNEED:
	case MMK_MADV_DONTNEED:
	case MMK_MADV_DONTNEED_LOCKED:
	case MMK_MADV_FREE:
	case MMK_MADV_COLD:
	case MMK_MADV_PAGEOUT:
	case MMK_MADV_POPULATE_READ:
	case MMK_MADV_POPULATE_WRITE:
	case MMK_MADV_GUARD_INSTALL:
	case MMK_MADV_GUARD_REMOVE:
	case MMK_MADV_MERGEABLE:
	case MMK_MADV_UNMERGEABLE:
	case MMK_MADV_HUGEPAGE:
	case MMK_MADV_NOHUGEPAGE:
	case MMK_MADV_COLLAPSE:
	case MMK_MADV_DONTDUMP:
	case MMK_MADV_DODUMP:
	case MMK_MADV_WIPEONFORK:
	case MMK_MADV_KEEPONFORK:
		return true;
	default:
		return false;
	}
}

/* Advice acting on pages: the VMA checks Linux makes.  0 or -errno. */
static int madvise_page_advice(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			       int b)
{
	unsigned long f = vma->vm_flags;

	switch (b) {
	case MMK_MADV_REMOVE:
		if (f & VM_LOCKED || !vma->vm_file)
			return -EINVAL;
		if ((f & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -EACCES;
		break;
	case MMK_MADV_COLD:
	case MMK_MADV_PAGEOUT:
		if (f & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB))
			return -EINVAL;
		break;
	case MMK_MADV_FREE:
		if (!vma_is_anonymous(vma)) /* also special mappings ([vdso]) */
			return -EINVAL;
		/* fall through */
	case MMK_MADV_DONTNEED:
	case MMK_MADV_DONTNEED_LOCKED:
		if (f & (VM_PFNMAP | (b == MMK_MADV_DONTNEED_LOCKED ? 0 : VM_LOCKED)))
			return -EINVAL;
		break;
	case MMK_MADV_GUARD_INSTALL:
	case MMK_MADV_GUARD_REMOVE:
		/* Linux is_valid_guard_vma: droppable memory may have guards */
		if (f & (VM_SPECIAL | VM_HUGETLB | (b == MMK_MADV_GUARD_INSTALL ? VM_LOCKED : 0)))
			return -EINVAL;
		/* The whole VMA is marked, without a split (mmap_lock is held
		 * for read: an atomic bit set, as Linux vma_flag_set_atomic). */
		if (b == MMK_MADV_GUARD_INSTALL)
			__atomic_fetch_or(&vma->vm_flags, VM_MAYBE_GUARD, __ATOMIC_RELAXED);
		break;
	case MMK_MADV_COLLAPSE:
		return madvise_collapse(vma, start, end); /* mm/huge_memory.c */
	}
	return madvise_pages(vma, start, end, b);
}

/* The flags the advice records, or -errno. */
static long madvise_new_flags(const struct vm_area_struct *vma, int b, unsigned long *nf)
{
	unsigned long f = vma->vm_flags;

	switch (b) {
	case MMK_MADV_NORMAL:
		f &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MMK_MADV_SEQUENTIAL:
		f = (f & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MMK_MADV_RANDOM:
		f = (f & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MMK_MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MMK_MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MMK_MADV_WIPEONFORK:
		if (vma->vm_file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MMK_MADV_KEEPONFORK:
		if (f & VM_DROPPABLE)
			return -EINVAL;
		f &= ~VM_WIPEONFORK;
		break;
	case MMK_MADV_DONTDUMP:
		f |= VM_DONTDUMP;
		break;
	case MMK_MADV_DODUMP:
		if ((f & VM_SPECIAL) || (f & VM_DROPPABLE))
			return -EINVAL;
		f &= ~VM_DONTDUMP;
		break;
	case MMK_MADV_MERGEABLE:
		if (!(f & (VM_MERGEABLE | VM_SHARED | VM_MAYSHARE | VM_SPECIAL | VM_HUGETLB |
			   VM_DROPPABLE)))
			f |= VM_MERGEABLE;
		break;
	case MMK_MADV_UNMERGEABLE:
		f &= ~VM_MERGEABLE;
		break;
	case MMK_MADV_HUGEPAGE:
		f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case MMK_MADV_NOHUGEPAGE:
		f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	}
	*nf = f;
	return 0;
}

static bool records_flags(int b)
{
	return b == MMK_MADV_NORMAL || b == MMK_MADV_SEQUENTIAL || b == MMK_MADV_RANDOM ||
	       b == MMK_MADV_DONTFORK || b == MMK_MADV_DOFORK || b == MMK_MADV_WIPEONFORK ||
	       b == MMK_MADV_KEEPONFORK || b == MMK_MADV_DONTDUMP || b == MMK_MADV_DODUMP ||
	       b == MMK_MADV_MERGEABLE || b == MMK_MADV_UNMERGEABLE || b == MMK_MADV_HUGEPAGE ||
	       b == MMK_MADV_NOHUGEPAGE;
}

static int madvise_vma_behavior(struct vm_area_struct *vma, struct vm_area_struct **prev,
				unsigned long start, unsigned long end, int b)
{
	unsigned long nf;
	long err;

	*prev = vma;
	if (!records_flags(b))
		return madvise_page_advice(vma, start, end, b);
	err = madvise_new_flags(vma, b, &nf);
	if (err || nf == vma->vm_flags)
		return (int)err;
	vma = vma_modify_flags(*prev, vma, start, end, &nf);
	if (VMA_ERR(vma))
		return VMA_ERRNO(vma) == -ENOMEM ? -EAGAIN : VMA_ERRNO(vma);
	*prev = vma;
	vm_flags_reset(vma, nf);
	return 0;
}

/* Linux madvise_need_mmap_write: advice that records VMA flags splits and
 * merges VMAs and needs mmap_lock for write; the rest (DONTNEED, FREE,
 * WILLNEED, COLD, PAGEOUT, REMOVE, POPULATE_*, GUARD_*, COLLAPSE) only acts
 * on pages and page tables, under mmap_lock read, so the mm's other threads
 * keep faulting meanwhile. */
static bool madvise_need_mmap_write(int b) { return records_flags(b); }

/* madvise_walk_vmas: every mapped part of [start, end), -ENOMEM for holes. */
static int madvise_walk(struct mm_struct *mm, unsigned long start, unsigned long end, int b)
{
	struct vm_area_struct *prev, *vma = find_vma(mm, start);
	int unmapped = 0, err;
	unsigned long tmp;

	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = min(vma->vm_end, end);
		err = madvise_vma_behavior(vma, &prev, start, tmp, b);
		if (err)
			return err;
		if (b == MMK_MADV_REMOVE) {
			/* mmap_lock was dropped: no VMA pointer is good now */
			start = tmp;
			if (start >= end)
				break;
			vma = find_vma(mm, start);
			continue;
		}
		start = max(tmp, prev->vm_end);
		if (start >= end)
			break;
		vma = find_vma(mm, prev->vm_end);
	}
	return unmapped;
}

/* madvise(2) on current->mm.  0 or -errno. */
int sys_madvise(unsigned long start, unsigned long len_in, int behavior)
{
	struct mm_struct *mm = current->mm;
	unsigned long len, end;
	bool write;
	int err;

	if (!madvise_behavior_valid(behavior) || (start & ~PAGE_MASK))
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	write = madvise_need_mmap_write(behavior);
	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	if (behavior == MMK_MADV_POPULATE_READ || behavior == MMK_MADV_POPULATE_WRITE) {
		/* VMA by VMA, as Linux: the VMAs before a failing one stay
		 * populated (and a write fault gives them their anon_vma). */
		err = faultin_page_range(mm, start, end, behavior == MMK_MADV_POPULATE_WRITE);
	} else {
		err = madvise_walk(mm, start, end, behavior);
	}
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return err;
}
