/*
 * mremap.c - resizing and moving mappings (Linux 6.18 mm/mremap.c).
 *
 * After the parameter checks (check_mremap_params) the request is one of:
 *   - a pure move (MREMAP_FIXED, old_len == new_len): every VMA in the old
 *     range moves by the same offset; the range must start inside a VMA,
 *     gaps between VMAs are allowed (6.17+);
 *   - no resize without a new address: returns addr, nothing checked;
 *   - shrink: unmap the tail [addr+new_len, addr+old_len), then move if
 *     MREMAP_FIXED/DONTUNMAP asked for a new place;
 *   - grow: in place when [addr, addr+old_len) ends at the VMA's end and
 *     the space above is free (merging with the next VMA if compatible),
 *     else move (MREMAP_MAYMOVE) to get_unmapped_area's choice.
 * A move copies the VMA (merging with neighbours at the destination; an
 * unfaulted anonymous VMA takes the pgoff of its new address, a faulted one
 * keeps its own), then unmaps the source, or with MREMAP_DONTUNMAP leaves it
 * in place without VM_LOCKED.  Page tables move with the fault
 * path (move_page_tables seam).
 */
#include <errno.h>
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

enum remap_type { MREMAP_NO_RESIZE, MREMAP_SHRINK, MREMAP_EXPAND };

struct vma_remap {
	unsigned long addr, old_len, new_len, flags, new_addr, delta;
	enum remap_type type;
	struct vm_area_struct *vma;
	bool populate_expand; /* a locked VMA grew: prefault the new part */
	bool mmap_locked;     /* false once a shrink released mmap_lock */
};

/* Seam for the fault path: move the PTEs of old_addr.. to new_addr.. */
__attribute__((weak)) void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
					    struct vm_area_struct *new_vma, unsigned long new_addr,
					    unsigned long len)
{
	(void)vma;
	(void)old_addr;
	(void)new_vma;
	(void)new_addr;
	(void)len;
}

static bool implies_new_addr(const struct vma_remap *r)
{
	return r->flags & (MMK_MREMAP_FIXED | MMK_MREMAP_DONTUNMAP);
}

static int check_mremap_params(struct vma_remap *r)
{
	unsigned long ts = mmk_task_size();

	if (r->flags &
	    ~(unsigned long)(MMK_MREMAP_FIXED | MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((r->addr & ~PAGE_MASK) || !r->new_len || r->new_len > ts)
		return -EINVAL;
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > ts - r->new_len || (r->new_addr & ~PAGE_MASK))
		return -EINVAL;
	if (!(r->flags & MMK_MREMAP_MAYMOVE))
		return -EINVAL;
	if ((r->flags & MMK_MREMAP_DONTUNMAP) && r->old_len != r->new_len)
		return -EINVAL;
	if (r->new_addr + r->new_len > r->addr && r->new_addr < r->addr + r->old_len)
		return -EINVAL;
	return 0;
}

static bool mlock_ok(struct mm_struct *mm, unsigned long flags, unsigned long bytes)
{
	if (!(flags & VM_LOCKED) || capable(CAP_IPC_LOCK))
		return true;
	return (bytes >> PAGE_SHIFT) + mm->locked_vm <= rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

static int check_prep_vma(struct vma_remap *r)
{
	struct vm_area_struct *vma = r->vma;
	struct mm_struct *mm = current->mm;
	unsigned long pgoff;

	if (!vma)
		return -EFAULT;
	r->delta = r->new_len > r->old_len ? r->new_len - r->old_len : r->old_len - r->new_len;
	r->type = !r->delta		  ? MREMAP_NO_RESIZE :
		  r->old_len > r->new_len ? MREMAP_SHRINK :
					    MREMAP_EXPAND;
	if (!implies_new_addr(r))
		r->new_addr = r->addr;
	if (r->type != MREMAP_EXPAND && !implies_new_addr(r))
		return 0;
	if (!r->old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((r->flags & MMK_MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	/* a shrink moves only what is left: the new length must fit the VMA */
	if ((r->type == MREMAP_SHRINK ? r->new_len : r->old_len) > vma->vm_end - r->addr)
		return -EFAULT;
	/* Linux's check_prep_vma stops here for a shrink too (it sets old_len
	 * = new_len first): a shrink that moves is neither prefaulted (that
	 * would fault in what follows the new range) nor checked against
	 * RLIMIT_MEMLOCK or the address-space limit */
	if (r->new_len == r->old_len || r->type == MREMAP_SHRINK)
		return 0;
	if (vma->vm_flags & VM_LOCKED)
		r->populate_expand = true;
	pgoff = vma->vm_pgoff + ((r->addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (r->new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if (!mlock_ok(mm, vma->vm_flags, r->delta))
		return -EAGAIN;
	if (!may_expand_vm(mm, vma->vm_flags, r->delta >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

static void stat_account(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long bytes)
{
	vm_stat_account(mm, vma->vm_flags, bytes >> PAGE_SHIFT);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += bytes >> PAGE_SHIFT;
}

/* copy_vma: the destination VMA for [addr, addr+len), merged if possible. */
static struct vm_area_struct *copy_vma(struct vm_area_struct *vma, unsigned long addr,
				       unsigned long len, unsigned long pgoff)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev, *next, *new;

	if (vma_is_anonymous(vma) && !vma->anon_vma)
		pgoff = addr >> PAGE_SHIFT;
	next = find_vma_prev(mm, addr, &prev);
	new = vma_merge_copied_range(prev, next, addr, addr + len, pgoff, vma);
	if (new)
		return new;
	new = vm_area_dup(vma);
	if (!new)
		return NULL;
	new->vm_start = addr;
	new->vm_end = addr + len;
	new->vm_pgoff = pgoff;
	if (anon_vma_clone(new, vma) || vma_link(mm, new)) {
		vma_free_detached(new);
		return NULL;
	}
	return new;
}

/* MREMAP_DONTUNMAP: the source VMA stays, without VM_LOCKED/LOCKONFAULT. */
static void dontunmap_complete(struct vma_remap *r, struct vm_area_struct *new_vma)
{
	struct vm_area_struct *vma = vma_lookup(current->mm, r->addr);

	if (!vma)
		return;
	if (vma->vm_flags & VM_LOCKED)
		current->mm->locked_vm_dontunmap += vma_pages(vma);
	vma->vm_flags &= ~VM_LOCKED_MASK;
	if (new_vma != vma && r->addr == vma->vm_start && r->addr + r->old_len == vma->vm_end)
		unlink_anon_vmas(vma);
}

/* Linux prep_move_vma: refuse what the unmap of the source would refuse
 * later (splitting a special mapping), before anything is copied. */
static int prep_move_vma(struct vma_remap *r)
{
	struct vm_area_struct *vma = r->vma;
	int err = 0;

	if (current->mm->map_count >= sysctl_max_map_count - 3)
		return -ENOMEM;
	if (vma->vm_ops && vma->vm_ops->may_split) {
		if (vma->vm_start != r->addr)
			err = vma->vm_ops->may_split(vma, r->addr);
		if (!err && vma->vm_end != r->addr + r->old_len)
			err = vma->vm_ops->may_split(vma, r->addr + r->old_len);
	}
	return err;
}

static unsigned long move_vma(struct vma_remap *r)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = r->vma, *new_vma;
	unsigned long hiwater, pgoff;
	bool accounted = vma->vm_flags & VM_ACCOUNT;
	long charged = 0;
	int err = prep_move_vma(r);

	if (err)
		return (unsigned long)(long)err;
	if (accounted) {
		/* the pages the move adds (a shrink has already unmapped its
		 * tail: old_len is new_len by now), or all of them with
		 * DONTUNMAP, whose source stays charged */
		if (r->flags & MMK_MREMAP_DONTUNMAP)
			charged = (long)(r->new_len >> PAGE_SHIFT);
		else if (r->new_len > r->old_len)
			charged = (long)((r->new_len - r->old_len) >> PAGE_SHIFT);
		if (charged && vm_enough_memory(charged))
			return (unsigned long)-ENOMEM;
	}
	pgoff = vma->vm_pgoff + ((r->addr - vma->vm_start) >> PAGE_SHIFT);
	new_vma = copy_vma(vma, r->new_addr, r->new_len, pgoff);
	if (!new_vma) {
		vm_unacct_memory(charged);
		return (unsigned long)-ENOMEM;
	}
	move_page_tables(vma, r->addr, new_vma, r->new_addr, r->old_len);
	hiwater = mm->hiwater_vm;
	stat_account(mm, new_vma, r->new_len);
	if (r->flags & MMK_MREMAP_DONTUNMAP) {
		dontunmap_complete(r, new_vma);
	} else {
		do_vmi_munmap(mm, r->addr, r->old_len, false);
		/* the moved pages' charge passes to the new VMA (Linux clears
		 * VM_ACCOUNT on the source before unmapping it); if the unmap
		 * failed, both exist and both are charged */
		if (accounted)
			vm_acct_memory((long)(r->old_len >> PAGE_SHIFT));
	}
	mm->hiwater_vm = hiwater;
	return r->new_addr;
}

static int set_new_addr(struct vma_remap *r)
{
	struct vm_area_struct *vma = r->vma;
	unsigned long flags = 0, res;

	if (r->flags & MMK_MREMAP_FIXED)
		flags |= MMK_MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		flags |= MMK_MAP_SHARED;
	res = get_unmapped_area(vma->vm_file, implies_new_addr(r) ? r->new_addr : 0, r->new_len,
				vma->vm_pgoff + ((r->addr - vma->vm_start) >> PAGE_SHIFT), flags,
				0);
	if (IS_ERR_VALUE(res))
		return (int)(long)res;
	r->new_addr = res;
	return 0;
}

static bool vma_expandable(struct vm_area_struct *vma, unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end || find_vma_intersection(vma->vm_mm, vma->vm_end, end))
		return false;
	return !IS_ERR_VALUE(
		get_unmapped_area(NULL, vma->vm_start, end - vma->vm_start, 0, MMK_MAP_FIXED, 0));
}

static unsigned long expand_vma(struct vma_remap *r)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = r->vma, *res;
	int err;

	if (vma->vm_end - r->addr == r->old_len && vma_expandable(vma, r->delta)) {
		long charged = (vma->vm_flags & VM_ACCOUNT) ? (long)(r->delta >> PAGE_SHIFT) : 0;

		if (charged && vm_enough_memory(charged))
			return (unsigned long)-ENOMEM;
		res = vma_merge_new_range(mm, vma, vma->vm_next, vma->vm_end,
					  vma->vm_end + r->delta, vma->vm_flags,
					  vma->vm_pgoff + vma_pages(vma), vma->vm_file, vma);
		if (!res) {
			vm_unacct_memory(charged);
			return (unsigned long)-ENOMEM;
		}
		stat_account(mm, res, r->delta);
		return r->addr;
	}
	if (!(r->flags & MMK_MREMAP_MAYMOVE))
		return (unsigned long)-ENOMEM;
	err = set_new_addr(r);
	if (err)
		return (unsigned long)(long)err;
	return move_vma(r);
}

static unsigned long mremap_to(struct vma_remap *r)
{
	struct mm_struct *mm = current->mm;
	int err;

	/* Both the source and the destination may be split in three before
	 * move_vma's own check: keep 4 maps below the limit (Linux mremap_to). */
	if (mm->map_count + 2 >= sysctl_max_map_count - 3)
		return (unsigned long)-ENOMEM;
	if (r->flags & MMK_MREMAP_FIXED) {
		err = do_munmap(mm, r->new_addr, r->new_len);
		if (err)
			return (unsigned long)(long)err;
		r->vma = vma_lookup(mm, r->addr);
		if (!r->vma)
			return (unsigned long)-EFAULT;
	}
	if (r->type == MREMAP_SHRINK) {
		err = do_vmi_munmap(mm, r->addr + r->new_len, r->delta, false);
		if (err)
			return (unsigned long)(long)err;
		/* the split may have left [addr, ...) in another struct */
		r->vma = vma_lookup(mm, r->addr);
		if (!r->vma)
			return (unsigned long)-EFAULT;
		r->old_len = r->new_len;
	}
	if ((r->flags & MMK_MREMAP_DONTUNMAP) &&
	    !may_expand_vm(mm, r->vma->vm_flags, r->old_len >> PAGE_SHIFT))
		return (unsigned long)-ENOMEM;
	err = set_new_addr(r);
	if (err)
		return (unsigned long)(long)err;
	return move_vma(r);
}

static unsigned long mremap_at(struct vma_remap *r)
{
	int err;

	switch (r->type) {
	case MREMAP_NO_RESIZE:
		return r->addr;
	case MREMAP_SHRINK:
		/* Linux shrink_vma(drop_lock): the tail is zapped under the
		 * downgraded lock, which a success releases */
		err = do_vmi_munmap(current->mm, r->addr + r->new_len, r->delta, true);
		if (err)
			return (unsigned long)(long)err;
		r->mmap_locked = false;
		return r->addr;
	default:
		return expand_vma(r);
	}
}

static unsigned long remap_one(struct vma_remap *r)
{
	int err;

	r->vma = vma_lookup(current->mm, r->addr);
	err = check_prep_vma(r);
	if (err)
		return (unsigned long)(long)err;
	return implies_new_addr(r) ? mremap_to(r) : mremap_at(r);
}

/* MREMAP_FIXED with old_len == new_len over several VMAs (Linux remap_move). */
static unsigned long remap_move(struct vma_remap *r)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = r->addr, end = r->addr + r->old_len, base = r->new_addr, res = 0, pos;
	struct vm_area_struct *vma = vma_lookup(mm, start);

	if (!vma)
		return (unsigned long)-EFAULT;
	if (vma->vm_end >= end)
		return remap_one(r);
	/* Every VMA mmkit has may move with others (Linux vma_multi_allowed
	 * refuses only userfaultfd-armed VMAs and files with their own
	 * get_unmapped_area); special mappings move whole, and a part of one
	 * fails in prep_move_vma.  Each piece keeps its offset from start,
	 * so the gaps between the VMAs stay.  pos only advances: a copy may
	 * merge with what is still to move. */
	for (pos = start; vma && vma->vm_start < end; vma = find_vma(mm, pos)) {
		struct vma_remap one = *r;
		unsigned long s = max(vma->vm_start, pos), e = min(vma->vm_end, end);

		one.addr = s;
		one.old_len = one.new_len = e - s;
		one.new_addr = base + (s - start);
		res = remap_one(&one);
		if (IS_ERR_VALUE(res))
			return res;
		pos = e;
		if (pos >= end)
			break;
	}
	return base;
}

/* mremap(2) on current->mm.  Returns the (new) address or -errno. */
unsigned long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
			 unsigned long flags, unsigned long new_addr)
{
	struct vma_remap r = { .addr = addr,
			       .old_len = PAGE_ALIGN(old_len),
			       .new_len = PAGE_ALIGN(new_len),
			       .flags = flags,
			       .new_addr = new_addr,
			       .mmap_locked = true };
	struct mm_struct *mm = current->mm;
	unsigned long res;
	int err = check_mremap_params(&r);

	if (err)
		return (unsigned long)(long)err;
	mmap_write_lock(mm);
	if ((flags & MMK_MREMAP_FIXED) && r.old_len == r.new_len)
		res = remap_move(&r);
	else
		res = remap_one(&r);
	if (r.mmap_locked)
		mmap_write_unlock(mm);
	if (!IS_ERR_VALUE(res) && r.populate_expand)
		mm_populate(res + r.old_len, r.delta);
	return res;
}
