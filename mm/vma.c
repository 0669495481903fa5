/*
 * vma.c - VMAs: lookup, linking, merging and splitting (Linux mm/vma.c).
 *
 * The merge rules are those of Linux 6.18 (checked on a 6.18 host):
 *   - two ranges merge when their flags are equal apart from the sticky
 *     ones (VM_SOFTDIRTY, VM_MAYBE_GUARD), which the merged VMA then has if
 *     any part had them,
 *     they map the same file (or none) with continuous page offsets, and
 *     their anon_vmas are compatible: equal, or one side has none and the
 *     side that has one is not a fork child ("uncowed parents": its
 *     anon_vma_chain is not singular), is_mergeable_anon_vma();
 *   - merging with both neighbours also needs the two neighbours' anon_vmas
 *     compatible with each other;
 *   - VM_SPECIAL (IO, DONTEXPAND, PFNMAP, MIXEDMAP) never merges.
 * A new range (mmap, brk, mremap's copy) merges through
 * vma_merge_new_range(); a changed part of an existing VMA (mprotect,
 * madvise, mlock) through vma_modify_flags(), which splits what cannot be
 * merged.  Splitting checks vm.max_map_count where Linux does (split_vma),
 * and every allocation happens before the first change, so a failure
 * leaves the address space as it was (Linux's vma_iter_prealloc rule).
 *
 * Callers hold mm->mmap_lock for write for every change here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"

int sysctl_max_map_count = DEFAULT_MAX_MAP_COUNT;
unsigned long stack_guard_gap = STACK_GUARD_GAP_PAGES << PAGE_SHIFT;

static DEFINE_FAULT_SITE(vma_alloc_fail, "vm_area_alloc");
static struct kmem_cache *vm_area_cachep;

/* The "vm_area_struct" cache (Linux vma_state_init: hardware-cache aligned,
 * SLAB_PANIC, SLAB_ACCOUNT, per-CPU sheaves of 32 as in 6.18; mmkit has no
 * SLAB_TYPESAFE_BY_RCU). */
static int vma_state_init(void)
{
	struct kmem_cache_args args = { .sheaf_capacity = 32 };

	vm_area_cachep =
		kmem_cache_create_args("vm_area_struct", sizeof(struct vm_area_struct), &args,
				       SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	return 0;
}

static void vma_state_exit(void)
{
	kmem_cache_destroy(vm_area_cachep);
	vm_area_cachep = NULL;
}
mmk_initcall(INIT_MM, vma_state_init, vma_state_exit);

/* A zeroed VMA of mm from vm_area_cachep.  NULL on -ENOMEM. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	if (should_fail(&vma_alloc_fail))
		return NULL;
	vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);
	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	INIT_LIST_HEAD(&vma->shared);
	return vma;
}

/* A copy of orig's properties, unlinked, without anon_vma links (the caller
 * clones them).  Takes a reference on the file.  NULL on -ENOMEM. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (!vma)
		return NULL;
	vma->vm_start = orig->vm_start;
	vma->vm_end = orig->vm_end;
	vma->vm_page_prot = orig->vm_page_prot;
	vma->vm_flags = orig->vm_flags;
	vma->vm_pgoff = orig->vm_pgoff;
	vma->vm_ops = orig->vm_ops;
	vma->vm_private_data = orig->vm_private_data;
	vma->vm_name = orig->vm_name;
	vma->vm_file = orig->vm_file ? get_file(orig->vm_file) : NULL;
	return vma;
}

/* Frees the struct only: the caller unlinked anon_vmas and dropped the file. */
void vm_area_free(struct vm_area_struct *vma) { kmem_cache_free(vm_area_cachep, vma); }

/* ---- the file's list of VMAs (mapping->i_mmap) ---- */

/* Lock the i_mmap of vma's file, if it has one, to change vma's bounds. */
void vma_lock_file(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		down_write(&vma->vm_file->f_mapping->i_mmap_rwsem);
}

void vma_unlock_file(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		up_write(&vma->vm_file->f_mapping->i_mmap_rwsem);
}

/* A file VMA needs its file's address_space before it can be linked.
 * 0 or -ENOMEM. */
int vma_prepare_file(struct vm_area_struct *vma)
{
	return vma->vm_file && !file_mapping(vma->vm_file) ? -ENOMEM : 0;
}

/* Put a file VMA just linked into its mm on its file's i_mmap (Linux
 * vma_link_file); vma_prepare_file succeeded before. */
void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *m;

	if (!vma->vm_file)
		return;
	m = vma->vm_file->f_mapping;
	BUG_ON(!m || !list_empty(&vma->shared));
	down_write(&m->i_mmap_rwsem);
	list_add_tail(&vma->shared, &m->i_mmap);
	up_write(&m->i_mmap_rwsem);
}

/* Take a VMA off its file's i_mmap (Linux unlink_file_vma): before its page
 * tables are freed, so unmap_mapping_pages never walks freed tables.  No-op
 * when it is not on it.  The test is made under i_mmap_rwsem, as Linux does:
 * removing a neighbour on the list (another mm's VMA of the same file, on
 * another CPU) writes this node's links. */
void unlink_file_vma(struct vm_area_struct *vma)
{
	struct address_space *m;

	if (!vma->vm_file)
		return;
	m = vma->vm_file->f_mapping;
	if (!m) /* its address_space could not be made: never linked */
		return;
	down_write(&m->i_mmap_rwsem);
	if (!list_empty(&vma->shared))
		list_del_init(&vma->shared);
	up_write(&m->i_mmap_rwsem);
}

/* Release everything a detached VMA holds, then the VMA (Linux remove_vma). */
void vma_free_detached(struct vm_area_struct *vma)
{
	unlink_file_vma(vma);
	unlink_anon_vmas(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	vm_area_free(vma);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	mmap_assert_locked(mm);
	return vt_find(&mm->mm_mt, addr);
}

struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vma = vt_find(&mm->mm_mt, addr);
	*pprev = vma ? vma->vm_prev : mm->mm_mt.last;
	return vma;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vma = vt_find(&mm->mm_mt, start);
	return vma && vma->vm_start < end ? vma : NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vma = vt_find(&mm->mm_mt, addr);
	return vma && vma->vm_start <= addr ? vma : NULL;
}

/* Insert a new VMA (and put a file VMA on its file's i_mmap).  Returns 0
 * or -ENOMEM (nothing changed). */
int vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_assert_write_locked(mm);
	if (vma_prepare_file(vma) || vt_preallocate(&mm->mm_mt, 1))
		return -ENOMEM;
	vma_link_prepared(mm, vma);
	return 0;
}

/* vma_link's second half, which cannot fail: the caller made the tree
 * preallocation and vma_prepare_file before. */
void vma_link_prepared(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_assert_write_locked(mm);
	vt_insert(&mm->mm_mt, vma);
	mm->map_count++;
	vma_link_file(vma);
}

/* Take a VMA out of the tree (and the list); the struct stays. */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_assert_write_locked(mm);
	vt_erase(&mm->mm_mt, vma);
	mm->map_count--;
}

/* Take a VMA out of the tree and free it. */
void vma_unlink_free(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_unlink(mm, vma);
	vma_free_detached(vma);
}

/*
 * A merge changes several VMAs of one file (or none) at once.  The file's
 * i_mmap is write-locked across the whole change (Linux vma_prepare ..
 * vma_complete), so unmap_mapping_pages, walking i_mmap, never sees part of
 * the range covered by none of them.  The VMAs the merge removes leave the
 * tree and the list inside and are freed after (their
 * fput may not run under i_mmap_rwsem).
 */
struct merge_commit {
	struct file *file;
	struct vm_area_struct *gone[2];
	int nr_gone;
};

static void merge_begin(struct merge_commit *mc, struct file *file)
{
	mc->file = file;
	mc->nr_gone = 0;
	if (file)
		down_write(&file->f_mapping->i_mmap_rwsem);
}

/* Detach a VMA the merge removes.  survivor_fixes_gap: the survivor's
 * vma_set_range fixes the neighbour's gap afterwards (one tree update
 * instead of several). */
static void merge_remove(struct merge_commit *mc, struct mm_struct *mm, struct vm_area_struct *vma,
			 bool survivor_fixes_gap)
{
	if (survivor_fixes_gap)
		__vt_erase(&mm->mm_mt, vma);
	else
		vt_erase(&mm->mm_mt, vma);
	mm->map_count--;
	list_del_init(&vma->shared);
	mc->gone[mc->nr_gone++] = vma;
}

static void merge_end(struct merge_commit *mc)
{
	if (mc->file)
		up_write(&mc->file->f_mapping->i_mmap_rwsem);
	for (int i = 0; i < mc->nr_gone; i++)
		vma_free_detached(mc->gone[i]);
}

/* New bounds of a VMA inside a merge (merge_begin holds its i_mmap). */
static void vma_set_range(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long pgoff)
{
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vt_update(&mm->mm_mt, vma);
}

/* The merged VMA carries the sticky flags of every part it now covers. */
static void vma_set_sticky(struct vm_area_struct *vma, unsigned long sticky)
{
	vm_flags_set(vma, sticky & VM_STICKY);
}

/* ---- splitting ---- */

/* Split vma at addr; the new VMA takes the part below addr (new_below) or
 * above it.  No max_map_count check.  Returns 0, -EINVAL when vma may not
 * be split (a special mapping: vm_ops->may_split) or -ENOMEM (no change). */
int __split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *new;

	vma_assert_write_locked(vma);
	BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end || (addr & ~PAGE_MASK));
	if (vma->vm_ops && vma->vm_ops->may_split) {
		int err = vma->vm_ops->may_split(vma, addr);

		if (err)
			return err;
	}
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	if (vt_preallocate(&mm->mm_mt, 1) || anon_vma_clone(new, vma))
		goto out_free;
	vma_lock_file(vma);
	if (new_below) {
		new->vm_end = addr;
		vma->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_start = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_end = addr;
	}
	if (!list_empty(&vma->shared))
		list_add_tail(&new->shared, &new->vm_file->f_mapping->i_mmap);
	vma_unlock_file(vma);
	vt_split_insert(&mm->mm_mt, vma, new, new_below);
	mm->map_count++;
	return 0;
out_free:
	unlink_anon_vmas(new);
	if (new->vm_file)
		fput(new->vm_file);
	vm_area_free(new);
	return -ENOMEM;
}

/* As __split_vma, failing with -ENOMEM at vm.max_map_count (Linux split_vma). */
int split_vma(struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	if (vma->vm_mm->map_count >= sysctl_max_map_count)
		return -ENOMEM;
	return __split_vma(vma, addr, new_below);
}

/* ---- merging ---- */

struct vma_merge_struct {
	struct mm_struct *mm;
	struct vm_area_struct *prev, *middle, *next;
	unsigned long start, end, pgoff, flags;
	struct file *file;
	struct anon_vma *anon_vma;
	const char *name;
	struct vm_area_struct *copied_from; /* copy_vma()'s source (mremap) */
};

static bool is_mergeable_vma(const struct vma_merge_struct *vmg, const struct vm_area_struct *tgt)
{
	if ((tgt->vm_flags ^ vmg->flags) & ~VM_IGNORE_MERGE)
		return false;
	if (tgt->vm_file != vmg->file)
		return false;
	return tgt->vm_name == vmg->name;
}

/* A VMA whose anon_vma came from a parent by fork and was never COWed. */
static bool vma_had_uncowed_parents(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && !list_is_singular(&vma->anon_vma_chain);
}

static bool is_mergeable_anon_vma(const struct vma_merge_struct *vmg,
				  const struct vm_area_struct *tgt)
{
	struct anon_vma *src_anon = vmg->anon_vma;

	if (!tgt->anon_vma && src_anon)
		return !vma_had_uncowed_parents(vmg->middle) &&
		       !vma_had_uncowed_parents(vmg->copied_from);
	if (tgt->anon_vma && !src_anon)
		return !vma_had_uncowed_parents(tgt);
	return src_anon == tgt->anon_vma;
}

static bool are_anon_vmas_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

static bool can_vma_merge_left(const struct vma_merge_struct *vmg)
{
	const struct vm_area_struct *prev = vmg->prev;

	return prev && prev->vm_end == vmg->start && is_mergeable_vma(vmg, prev) &&
	       is_mergeable_anon_vma(vmg, prev) && prev->vm_pgoff + vma_pages(prev) == vmg->pgoff;
}

static bool can_vma_merge_right(const struct vma_merge_struct *vmg, bool can_merge_left)
{
	const struct vm_area_struct *next = vmg->next;

	if (!next || vmg->end != next->vm_start || !is_mergeable_vma(vmg, next) ||
	    !is_mergeable_anon_vma(vmg, next) ||
	    next->vm_pgoff != vmg->pgoff + ((vmg->end - vmg->start) >> PAGE_SHIFT))
		return false;
	return !can_merge_left || are_anon_vmas_compatible(vmg->prev, next);
}

/* dst absorbs memory that src's anon_vma may cover: give dst that anon_vma. */
static int dup_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	if (!src || !src->anon_vma || dst->anon_vma)
		return 0;
	return anon_vma_clone(dst, src);
}

static struct vm_area_struct *merge_new_range(struct vma_merge_struct *vmg,
					      struct vm_area_struct *src)
{
	struct mm_struct *mm = vmg->mm;
	struct vm_area_struct *prev = vmg->prev, *next = vmg->next;
	unsigned long start = vmg->start, end = vmg->end, pgoff = vmg->pgoff;
	struct merge_commit mc;
	bool left, right;

	if ((vmg->flags & VM_SPECIAL) || (!prev && !next))
		return NULL;
	left = can_vma_merge_left(vmg);
	right = can_vma_merge_right(vmg, left);
	if (left && right) {
		if (dup_anon_vma(prev, next->anon_vma ? next : src))
			return NULL;
		merge_begin(&mc, vmg->file);
		end = next->vm_end;
		vma_set_sticky(prev, vmg->flags | next->vm_flags);
		merge_remove(&mc, mm, next, true);
		vma_set_range(mm, prev, prev->vm_start, end, prev->vm_pgoff);
		merge_end(&mc);
		return prev;
	}
	if (left) {
		if (src != prev && dup_anon_vma(prev, src))
			return NULL;
		merge_begin(&mc, vmg->file);
		vma_set_sticky(prev, vmg->flags);
		vma_set_range(mm, prev, prev->vm_start, end, prev->vm_pgoff);
		merge_end(&mc);
		return prev;
	}
	if (right) {
		if (dup_anon_vma(next, src))
			return NULL;
		merge_begin(&mc, vmg->file);
		vma_set_sticky(next, vmg->flags);
		vma_set_range(mm, next, start, next->vm_end, pgoff);
		merge_end(&mc);
		return next;
	}
	return NULL;
}

struct vm_area_struct *vma_merge_new_range(struct mm_struct *mm, struct vm_area_struct *prev,
					   struct vm_area_struct *next, unsigned long start,
					   unsigned long end, unsigned long vm_flags,
					   unsigned long pgoff, struct file *file,
					   struct vm_area_struct *src)
{
	struct vma_merge_struct vmg = {
		.mm = mm,
		.prev = prev,
		.next = next,
		.start = start,
		.end = end,
		.pgoff = pgoff,
		.flags = vm_flags,
		.file = file,
		.anon_vma = src ? src->anon_vma : NULL,
		.name = src ? src->vm_name : NULL,
	};

	mmap_assert_write_locked(mm);
	VM_WARN_ON(start >= end); /* as Linux's vma_merge_new_range */
	VM_WARN_ON(prev && start <= prev->vm_start);
	VM_WARN_ON(next && end >= next->vm_end);
	return merge_new_range(&vmg, src);
}

struct vm_area_struct *vma_merge_copied_range(struct vm_area_struct *prev,
					      struct vm_area_struct *next, unsigned long start,
					      unsigned long end, unsigned long pgoff,
					      struct vm_area_struct *src)
{
	struct vma_merge_struct vmg = {
		.mm = src->vm_mm,
		.prev = prev,
		.next = next,
		.start = start,
		.end = end,
		.pgoff = pgoff,
		.flags = src->vm_flags,
		.file = src->vm_file,
		.anon_vma = src->anon_vma,
		.name = src->vm_name,
		.copied_from = src,
	};

	vma_assert_write_locked(src);
	return merge_new_range(&vmg, src);
}

/* Shrink middle to [start, end) (one side), keeping its pgoff continuous. */
static void shrink_middle(struct mm_struct *mm, struct vm_area_struct *mid, unsigned long start,
			  unsigned long end)
{
	vma_set_range(mm, mid, start, end, mid->vm_pgoff + ((start - mid->vm_start) >> PAGE_SHIFT));
}

/* The Linux vma_merge_existing_range() outcomes for [start,end) of middle. */
static struct vm_area_struct *merge_existing(struct vma_merge_struct *vmg, bool left, bool right)
{
	struct mm_struct *mm = vmg->mm;
	struct vm_area_struct *prev = vmg->prev, *mid = vmg->middle, *next = vmg->next;
	bool whole = vmg->start == mid->vm_start && vmg->end == mid->vm_end;
	struct merge_commit mc;
	unsigned long e;

	if (left && right) {
		if (dup_anon_vma(prev, next->anon_vma ? next : mid))
			return NULL;
		merge_begin(&mc, mid->vm_file);
		e = next->vm_end;
		vma_set_sticky(prev, vmg->flags | next->vm_flags);
		merge_remove(&mc, mm, mid, true);
		merge_remove(&mc, mm, next, true);
		vma_set_range(mm, prev, prev->vm_start, e, prev->vm_pgoff);
		merge_end(&mc);
		return prev;
	}
	if (left) {
		if (dup_anon_vma(prev, mid))
			return NULL;
		merge_begin(&mc, mid->vm_file);
		vma_set_sticky(prev, vmg->flags);
		if (whole)
			merge_remove(&mc, mm, mid, true);
		else
			shrink_middle(mm, mid, vmg->end, mid->vm_end);
		vma_set_range(mm, prev, prev->vm_start, vmg->end, prev->vm_pgoff);
		merge_end(&mc);
		return prev;
	}
	if (dup_anon_vma(next, mid))
		return NULL;
	merge_begin(&mc, mid->vm_file);
	vma_set_sticky(next, vmg->flags);
	if (whole)
		merge_remove(&mc, mm, mid, false);
	else
		vma_set_range(mm, mid, mid->vm_start, vmg->start, mid->vm_pgoff);
	vma_set_range(mm, next, vmg->start, next->vm_end, vmg->pgoff);
	merge_end(&mc);
	return next;
}

/* Returns the merged VMA, NULL when no merge applies, or ERR(-ENOMEM). */
static struct vm_area_struct *vma_merge_existing_range(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *mid = vmg->middle, *res;
	bool left_side = vmg->start == mid->vm_start, right_side = vmg->end == mid->vm_end;
	bool left = false, right = false;

	if ((vmg->flags & VM_SPECIAL) || (!left_side && !right_side))
		return NULL;
	if (left_side)
		left = can_vma_merge_left(vmg);
	if (right_side)
		right = can_vma_merge_right(vmg, left);
	if (!left && !right)
		return NULL;
	res = merge_existing(vmg, left, right);
	return res ? res : (struct vm_area_struct *)(long)-ENOMEM;
}

struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					unsigned long *new_flags_ptr)
{
	unsigned long new_flags = *new_flags_ptr;
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm,
		.prev = vma->vm_prev,
		.middle = vma,
		.next = vma->vm_next,
		.start = start,
		.end = end,
		.flags = new_flags,
		.file = vma->vm_file,
		.anon_vma = vma->anon_vma,
		.name = vma->vm_name,
		.pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
	};
	struct vm_area_struct *merged;
	int err;

	vma_assert_write_locked(vma);
	(void)prev;
	merged = vma_merge_existing_range(&vmg);
	if (merged) {
		if (!VMA_ERR(merged)) /* the neighbour's sticky flags */
			*new_flags_ptr |= merged->vm_flags & VM_STICKY;
		return merged;
	}
	if (vma->vm_start < start) {
		err = split_vma(vma, start, 1);
		if (err)
			return (struct vm_area_struct *)(long)err;
	}
	if (vma->vm_end > end) {
		err = split_vma(vma, end, 0);
		if (err)
			return (struct vm_area_struct *)(long)err;
	}
	return vma;
}

/* ---- accounting ---- */

void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages)
{
	WRITE_ONCE(mm->total_vm, mm->total_vm + npages);
	if (is_exec_mapping(flags))
		mm->exec_vm += npages;
	else if (is_stack_mapping(flags))
		mm->stack_vm += npages;
	else if (is_data_mapping(flags))
		mm->data_vm += npages;
}

/* May mm grow by npages of a mapping with these flags (RLIMIT_AS, RLIMIT_DATA)? */
bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long npages)
{
	if (mm->total_vm + npages > rlimit(RLIMIT_AS) >> PAGE_SHIFT)
		return false;
	if (is_data_mapping(flags) && mm->data_vm + npages > rlimit(RLIMIT_DATA) >> PAGE_SHIFT) {
		/* Valgrind's workaround, as Linux: a zero soft limit defers to the hard one. */
		if (rlimit(RLIMIT_DATA) == 0 &&
		    mm->data_vm + npages <= rlimit_max(RLIMIT_DATA) >> PAGE_SHIFT)
			return true;
		return false;
	}
	return true;
}

/* ---- verify ---- */

struct vcheck {
	FILE *out;
	const char *who;
	int errors;
	struct verify_ctx *v;
};

static void vreport(void *arg, const char *msg)
{
	struct vcheck *c = arg;

	c->errors++;
	if (c->v)
		verify_fail(c->v, "%s: %s", c->who, msg);
	else if (c->out)
		fprintf(c->out, "validate_mm: %s: %s\n", c->who, msg);
}

static void vcheck_vma(struct vcheck *c, struct mm_struct *mm, struct vm_area_struct *v)
{
	char msg[160];

	if (v->vm_start >= v->vm_end || ((v->vm_start | v->vm_end) & ~PAGE_MASK) ||
	    v->vm_end > mmk_task_size() || v->vm_mm != mm) {
		snprintf(msg, sizeof(msg), "bad VMA %#lx-%#lx", v->vm_start, v->vm_end);
		vreport(c, msg);
	}
	if (!v->anon_vma != list_empty(&v->anon_vma_chain)) {
		snprintf(msg, sizeof(msg), "VMA %#lx-%#lx: anon_vma and chain disagree",
			 v->vm_start, v->vm_end);
		vreport(c, msg);
	}
	if (!v->vm_file == !list_empty(&v->shared)) {
		snprintf(msg, sizeof(msg), "VMA %#lx-%#lx: %s", v->vm_start, v->vm_end,
			 v->vm_file ? "file VMA not on its file's i_mmap" :
				      "on an i_mmap without a file");
		vreport(c, msg);
	}
}

static void vcheck_counter(struct vcheck *c, const char *name, unsigned long have,
			   unsigned long want)
{
	char msg[160];

	if (have == want)
		return;
	snprintf(msg, sizeof(msg), "%s is %lu pages, the VMAs add up to %lu", name, have, want);
	vreport(c, msg);
}

static int validate_one(struct vcheck *c, struct mm_struct *mm)
{
	struct vm_area_struct *v;
	unsigned long total = 0, exec = 0, stack = 0, data = 0, locked = 0;
	int n = 0;

	vt_validate(&mm->mm_mt, vreport, c);
	for_each_vma(mm, v) {
		unsigned long np = vma_pages(v);

		vcheck_vma(c, mm, v);
		total += np;
		exec += is_exec_mapping(v->vm_flags) ? np : 0;
		stack += !is_exec_mapping(v->vm_flags) && is_stack_mapping(v->vm_flags) ? np : 0;
		data += !is_exec_mapping(v->vm_flags) && !is_stack_mapping(v->vm_flags) &&
					is_data_mapping(v->vm_flags) ?
				np :
				0;
		locked += (v->vm_flags & VM_LOCKED) ? np : 0;
		n++;
	}
	vcheck_counter(c, "map_count", (unsigned long)mm->map_count, (unsigned long)n);
	vcheck_counter(c, "total_vm", mm->total_vm, total);
	vcheck_counter(c, "exec_vm", mm->exec_vm, exec);
	vcheck_counter(c, "stack_vm", mm->stack_vm, stack);
	vcheck_counter(c, "data_vm", mm->data_vm, data);
	vcheck_counter(c, "locked_vm", mm->locked_vm - mm->locked_vm_dontunmap, locked);
	return c->errors;
}

int validate_mm(struct mm_struct *mm, FILE *out, const char *who)
{
	struct vcheck c = { .out = out, .who = who };

	return validate_one(&c, mm);
}

static void verify_mms(struct verify_ctx *v)
{
	size_t n, i;
	struct mm_struct **mms = mmlist_snapshot(&n);
	char who[32];

	for (i = 0; i < n; i++) {
		struct vcheck c = { .v = v, .who = who };

		snprintf(who, sizeof(who), "mm %lu", mms[i]->mm_id);
		mmap_read_lock(mms[i]);
		validate_one(&c, mms[i]);
		mmap_read_unlock(mms[i]);
	}
	free(mms);
}
VERIFY_CHECK(vma_verify, "vma", 50, verify_mms);
