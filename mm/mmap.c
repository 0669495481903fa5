/*
 * mmap.c - creating and removing mappings: mmap, munmap, brk, stack growth,
 * and the choice of address (Linux mm/mmap.c, mm/vma.c __mmap_region and
 * do_vmi_align_munmap, arch/x86/kernel/sys_x86_64.c, arch/x86/mm/mmap.c).
 *
 * Address choice (x86-64, ASLR off, checked on a 6.18 host):
 *   - MAP_FIXED: the address as given;
 *   - a hint (rounded down to a page, raised to mmap_min_addr, i.e. at
 *     least CONFIG_LSM_MMAP_MIN_ADDR): used when
 *     addr + len <= vm_start_gap(the VMA above it);
 *   - otherwise top-down: the highest gap below mmap_base that holds len,
 *     rejecting a gap that ends inside the guard gap of a VM_GROWSDOWN VMA
 *     above it and searching again below that VMA's guard (Linux
 *     unmapped_area_topdown); bottom-up from mmap_legacy_base if that fails;
 *   - anonymous private mappings without a hint whose length is a multiple
 *     of PMD_SIZE search for len + PMD_SIZE and then align the start to
 *     PMD_SIZE (thp_get_unmapped_area; when the found start is already
 *     aligned, the top-down layout takes start + PMD_SIZE);
 *   - MAP_32BIT searches bottom-up in [1 GiB, 2 GiB).
 * Errors follow do_mmap's order of checks.  munmap splits at both ends
 * (max_map_count applies only when one VMA would become three) and accounts
 * the removed pages; MAP_FIXED over existing VMAs unmaps them only after
 * every check and allocation of the new mapping has succeeded.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/fs.h"
#include "mmkit/sched.h"

/*
 * Two floors, as in Linux (security/min_addr.c): vm.mmap_min_addr
 * (dac_mmap_min_addr, 4096 on the reference host) is what MAP_FIXED below
 * needs CAP_SYS_RAWIO for (cap_mmap_addr); mmap_min_addr, the larger of it
 * and the kernel's CONFIG_LSM_MMAP_MIN_ADDR (65536 on the reference
 * kernel), is what a hint is raised to, the floor of the gap search and of
 * stack growth.  So a hint of 0x8000 gives 0x10000 while MAP_FIXED at
 * 0x8000 works (cases/mmap_min_addr.mm).
 */
unsigned long dac_mmap_min_addr = 4096;
unsigned long mmap_min_addr = CONFIG_LSM_MMAP_MIN_ADDR;

#define SIZE_128M (128UL << 20)

/* ---- layout constants of the paging mode (arch/x86/pgtable.c sets them) ---- */

unsigned long mmk_task_size(void) { return TASK_SIZE; }

/* The top of the default (47-bit) window (DEFAULT_MAP_WINDOW). */
static unsigned long default_map_window(void) { return DEFAULT_MAP_WINDOW; }

unsigned long default_stack_top(void) { return STACK_TOP; }

unsigned long mmk_pmd_size(void)
{
	int levels = mmk ? mmk->cfg.levels : 4;

	return levels == 2 ? (4UL << 20) : (2UL << 20);
}

/* Linux x86 mmap_base(): below the stack rlimit plus guard, at least 128 MiB
 * and at most 5/6 of the task size below its top.  No randomization. */
unsigned long mmap_base_for(unsigned long task_size, unsigned long stack_rlimit)
{
	unsigned long gap = stack_rlimit, pad = stack_guard_gap;

	if (gap + pad > gap)
		gap += pad;
	if (gap < SIZE_128M)
		gap = SIZE_128M;
	else if (gap > task_size / 6 * 5)
		gap = task_size / 6 * 5;
	return PAGE_ALIGN(task_size - gap);
}

void arch_pick_mmap_layout(struct mm_struct *mm, unsigned long stack_rlimit)
{
	unsigned long ts = default_map_window();

	mm->flags |= MMF_TOPDOWN;
	mm->mmap_legacy_base = PAGE_ALIGN(ts / 3);
	mm->mmap_base = mmap_base_for(ts, stack_rlimit);
	mm->task_size = mmk_task_size();
}

static bool mlock_future_ok(struct mm_struct *mm, unsigned long flags, unsigned long bytes)
{
	unsigned long locked;

	if (!(flags & VM_LOCKED) || capable(CAP_IPC_LOCK))
		return true;
	locked = (bytes >> PAGE_SHIFT) + mm->locked_vm;
	return locked <= rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

/* The vm.mmap_min_addr sysctl changed: recompute the effective floor
 * (Linux update_mmap_min_addr). */
void update_mmap_min_addr(void)
{
	mmap_min_addr = max(dac_mmap_min_addr, (unsigned long)CONFIG_LSM_MMAP_MIN_ADDR);
}

/* Linux cap_mmap_addr (no LSM with an mmap_addr hook is active on the
 * reference host, so only the sysctl's floor applies). */
static int security_mmap_addr(unsigned long addr)
{
	return addr < dac_mmap_min_addr && !capable(CAP_SYS_RAWIO) ? -EPERM : 0;
}

/* ---- get_unmapped_area ---- */

struct unmapped_area_info {
	bool topdown;
	unsigned long length, low_limit, high_limit;
};

/* Linux unmapped_area_topdown: retry below a VM_GROWSDOWN VMA whose guard
 * gap reaches into the chosen gap. */
static unsigned long unmapped_area_topdown(struct mm_struct *mm, struct unmapped_area_info *info)
{
	unsigned long low = max(info->low_limit, mmap_min_addr), high = info->high_limit;
	unsigned long gs, ge;
	struct vm_area_struct *next;

	for (;;) {
		if (vt_gap_highest(&mm->mm_mt, low, high, info->length, &gs, &ge))
			return (unsigned long)-ENOMEM;
		next = find_vma(mm, ge - 1);
		if (!next || !(next->vm_flags & VM_STARTGAP_FLAGS) || vm_start_gap(next) >= ge)
			return ge - info->length;
		high = vm_start_gap(next);
	}
}

static unsigned long unmapped_area(struct mm_struct *mm, struct unmapped_area_info *info)
{
	unsigned long low = max(info->low_limit, mmap_min_addr), high = info->high_limit;
	unsigned long gs, ge;
	struct vm_area_struct *next;

	for (;;) {
		if (vt_gap_lowest(&mm->mm_mt, low, high, info->length, &gs, &ge))
			return (unsigned long)-ENOMEM;
		next = find_vma(mm, gs);
		if (!next || !(next->vm_flags & VM_STARTGAP_FLAGS) ||
		    vm_start_gap(next) >= gs + info->length)
			return gs;
		low = next->vm_end;
	}
}

static bool mmap_address_hint_valid(unsigned long addr, unsigned long len)
{
	unsigned long win = default_map_window();

	if (mmk_task_size() - len < addr)
		return false;
	return (addr > win) == (addr + len > win);
}

static bool hint_fits(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return !vma || addr + len <= vm_start_gap(vma);
}

/* x86 arch_get_unmapped_area (bottom-up; MAP_32BIT and the fallback). */
static unsigned long get_area_bottomup(struct mm_struct *mm, unsigned long addr, unsigned long len,
				       unsigned long flags)
{
	struct unmapped_area_info info = { .length = len };
	unsigned long begin = mm->mmap_legacy_base, end = default_map_window();

	if (flags & MMK_MAP_FIXED)
		return addr;
	if (flags & MMK_MAP_32BIT) {
		begin = 0x40000000UL;
		end = 0x80000000UL;
	}
	if (len > end)
		return (unsigned long)-ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		if (mmap_address_hint_valid(addr, len) && end - len >= addr &&
		    hint_fits(mm, addr, len))
			return addr;
	}
	info.low_limit = begin;
	info.high_limit = end;
	return unmapped_area(mm, &info);
}

/* x86 arch_get_unmapped_area_topdown. */
static unsigned long get_area_topdown(struct mm_struct *mm, unsigned long addr, unsigned long len,
				      unsigned long flags)
{
	struct unmapped_area_info info = { .topdown = true, .length = len };
	unsigned long addr0 = addr, res;

	if (len > mmk_task_size())
		return (unsigned long)-ENOMEM;
	if (flags & MMK_MAP_FIXED)
		return addr;
	if (flags & MMK_MAP_32BIT)
		return get_area_bottomup(mm, addr0, len, flags);
	if (addr) {
		addr &= PAGE_MASK;
		if (mmap_address_hint_valid(addr, len) && hint_fits(mm, addr, len))
			return addr;
	}
	info.low_limit = (flags & MMK_MAP_ABOVE4G) ? (4UL << 30) : PAGE_SIZE;
	info.high_limit = mm->mmap_base;
	if (addr > default_map_window())
		info.high_limit += mmk_task_size() - default_map_window();
	res = unmapped_area_topdown(mm, &info);
	if (!IS_ERR_VALUE(res))
		return res;
	return get_area_bottomup(mm, addr0, len, flags);
}

static unsigned long mm_get_unmapped_area(struct mm_struct *mm, unsigned long addr,
					  unsigned long len, unsigned long flags)
{
	if (mm->flags & MMF_TOPDOWN)
		return get_area_topdown(mm, addr, len, flags);
	return get_area_bottomup(mm, addr, len, flags);
}

/* Linux __thp_get_unmapped_area: an area whose start is congruent to the
 * file offset OFF modulo PMD_SIZE, found by searching len + PMD_SIZE; 0 when
 * the range holds no whole aligned PMD of the file or the padded search fails
 * (the caller then searches without padding).  64-bit (4/5-level) only. */
static unsigned long __thp_get_unmapped_area(struct mm_struct *mm, unsigned long addr,
					     unsigned long len, unsigned long off,
					     unsigned long flags)
{
	unsigned long size = mmk_pmd_size(), ret, off_sub;
	unsigned long off_end = off + len, off_align = ALIGN(off, size);

	if (pgmode.levels < 4 || off_end <= off_align || off_end - off_align < size)
		return 0;
	if (len + size < len || off + len + size < off)
		return 0;
	ret = mm_get_unmapped_area(mm, addr, len + size, flags);
	if (IS_ERR_VALUE(ret))
		return 0;
	if (ret == addr)
		return addr;
	off_sub = (off - ret) & (size - 1);
	if ((mm->flags & MMF_TOPDOWN) && !off_sub)
		return ret + size;
	return ret + off_sub;
}

/*
 * thp_get_unmapped_area - a file system's get_unmapped_area that places
 * mappings of PMD_SIZE and more PMD-aligned to their file offset (Linux
 * mm/huge_memory.c; ext4 and xfs use it, so mmkit's host mounts do).  mmap
 * lock held.  Returns the address or -errno.
 */
unsigned long thp_get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				    unsigned long pgoff, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret = __thp_get_unmapped_area(mm, addr, len, pgoff << PAGE_SHIFT, flags);

	(void)file;
	return ret ? ret : mm_get_unmapped_area(mm, addr, len, flags);
}

unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags, unsigned long vm_flags)
{
	struct mm_struct *mm = current->mm;
	bool shmem = (file && file->shmem) || (!file && (flags & MMK_MAP_SHARED));
	int err;

	(void)vm_flags;
	if (len > mmk_task_size())
		return (unsigned long)-ENOMEM;
	if (file && file->f_op && file->f_op->get_unmapped_area)
		addr = file->f_op->get_unmapped_area(file, addr, len, pgoff, flags);
	else if (!file && !shmem && !addr && IS_ALIGNED(len, mmk_pmd_size()))
		addr = thp_get_unmapped_area(NULL, addr, len, 0, flags); /* larger anonymous */
	else
		addr = mm_get_unmapped_area(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if (addr > mmk_task_size() - len)
		return (unsigned long)-ENOMEM;
	if (addr & ~PAGE_MASK)
		return (unsigned long)-EINVAL;
	err = security_mmap_addr(addr);
	return err ? (unsigned long)(long)err : addr;
}

/* ---- unmapping ---- */

struct munmap_stats {
	unsigned long nr_pages, locked, exec, stack, data, accounted;
	int count;
};

static void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

static void munmap_collect(struct munmap_stats *s, const struct vm_area_struct *v)
{
	unsigned long np = vma_pages(v);

	s->nr_pages += np;
	s->count++;
	if (v->vm_flags & VM_LOCKED)
		s->locked += np;
	if (v->vm_flags & VM_ACCOUNT)
		s->accounted += np;
	if (is_exec_mapping(v->vm_flags))
		s->exec += np;
	else if (is_stack_mapping(v->vm_flags))
		s->stack += np;
	else if (is_data_mapping(v->vm_flags))
		s->data += np;
}

/* Split the VMAs straddling start and end (Linux vms_gather_munmap_vmas).
 * On return *first is the first VMA inside [start, end). */
static int munmap_split_edges(struct mm_struct *mm, struct vm_area_struct **first,
			      unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = *first, *last;
	int err;

	if (start > vma->vm_start) {
		if (end < vma->vm_end && mm->map_count >= sysctl_max_map_count)
			return -ENOMEM;
		err = __split_vma(vma, start, 1);
		if (err)
			return err;
	}
	last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end) {
		err = __split_vma(last, end, 0);
		if (err)
			return err;
	}
	*first = vma;
	return 0;
}

/* Take the VMAs inside [start, end) (edges already split) out of the tree
 * and the list, chained among themselves by vm_next (Linux's detached
 * tree, vms_gather_munmap_vmas), and account them.  Returns the first. */
static struct vm_area_struct *munmap_detach(struct mm_struct *mm, struct vm_area_struct *vma,
					    unsigned long end, struct munmap_stats *s)
{
	struct vm_area_struct *first = vma, **link = &first;

	while (vma && vma->vm_start < end) {
		struct vm_area_struct *next = vma->vm_next;

		munmap_collect(s, vma);
		vma_unlink(mm, vma);
		*link = vma;
		link = &vma->vm_next;
		vma = next;
	}
	*link = NULL;
	if (s->accounted) /* Linux vms_complete_munmap_vmas */
		vm_unacct_memory((long)s->accounted);
	update_hiwater_vm(mm);
	mm->total_vm -= s->nr_pages;
	mm->locked_vm -= s->locked;
	mm->exec_vm -= s->exec;
	mm->stack_vm -= s->stack;
	mm->data_vm -= s->data;
	return first;
}

/* The page side of detached VMAs (Linux vms_complete_munmap_vmas): zap,
 * flush, free the tables between prev and next, then free the VMAs.  With
 * mmap_lock for write, or for read after munmap's downgrade: nothing can
 * find the detached VMAs any more, and the tables freed are only those no
 * VMA between prev and next uses, so faults elsewhere may run meanwhile. */
static void munmap_complete(struct mm_struct *mm, struct vm_area_struct *detached,
			    unsigned long end, struct vm_area_struct *prev,
			    struct vm_area_struct *next)
{
	unmap_region(mm, detached, detached->vm_start, end, prev, next);
	while (detached) {
		struct vm_area_struct *v = detached;

		detached = v->vm_next;
		v->vm_next = NULL;
		vma_free_detached(v);
	}
}

/* Remove the VMAs inside [start, end) (edges already split); account them.
 * Caller holds mmap_lock for write and keeps it. */
static void munmap_remove(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long end,
			  struct munmap_stats *s)
{
	struct vm_area_struct *prev = vma->vm_prev, *next;

	mmap_assert_write_locked(mm);
	next = find_vma(mm, end);
	munmap_complete(mm, munmap_detach(mm, vma, end, s), end, prev, next);
}

/* Unmap [start, end) where vma is the first VMA ending above start.  With
 * unlock, a success returns with mmap_lock released: it is downgraded to
 * read once the VMAs are out of the tree, and the pages and tables go
 * under the read lock (Linux: munmap since 4.20), so the mm's other threads
 * can fault meanwhile.  A failure returns with the write lock held. */
static int do_vmi_align_munmap(struct mm_struct *mm, struct vm_area_struct *vma,
			       unsigned long start, unsigned long end, bool unlock)
{
	struct munmap_stats s = { 0 };
	struct vm_area_struct *prev, *next, *detached;
	int err;

	mmap_assert_write_locked(mm);
	err = munmap_split_edges(mm, &vma, start, end);
	if (err)
		return err;
	prev = vma->vm_prev;
	next = find_vma(mm, end);
	detached = munmap_detach(mm, vma, end, &s);
	if (unlock)
		mmap_write_downgrade(mm);
	munmap_complete(mm, detached, end, prev, next);
	if (unlock)
		mmap_read_unlock(mm);
	return 0;
}

/* munmap's checks and work.  Caller holds mmap_lock for write; with
 * unlock, a success (0) returns with it released (do_vmi_align_munmap).
 * 0 or -errno. */
int do_vmi_munmap(struct mm_struct *mm, unsigned long start, unsigned long len, bool unlock)
{
	unsigned long ts = mmk_task_size(), end;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	if ((start & ~PAGE_MASK) || start > ts || len > ts - start)
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if (end == start)
		return -EINVAL;
	vma = find_vma_intersection(mm, start, end);
	if (!vma) {
		if (unlock)
			mmap_write_unlock(mm);
		return 0;
	}
	return do_vmi_align_munmap(mm, vma, start, end, unlock);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	return do_vmi_munmap(mm, start, len, false);
}

/* ---- mapping ---- */

struct mmap_state {
	struct mm_struct *mm;
	unsigned long addr, end, pgoff, flags;
	struct file *file;
	struct vm_area_struct *prev, *next, *first_old;
	struct munmap_stats old; /* what MAP_FIXED replaces */
};

static bool accountable_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* Split the VMAs the new range overlaps and count them (not yet removed). */
static int mmap_gather_old(struct mmap_state *m)
{
	struct vm_area_struct *v = find_vma_intersection(m->mm, m->addr, m->end);
	int err;

	if (!v)
		return 0;
	err = munmap_split_edges(m->mm, &v, m->addr, m->end);
	if (err)
		return err;
	m->first_old = v;
	for (; v && v->vm_start < m->end; v = v->vm_next)
		munmap_collect(&m->old, v);
	return 0;
}

/* The new VMA, or NULL with *err set: -ENOMEM, or what the file's mmap
 * method refused it with (ext4-like host mounts: -EOPNOTSUPP for VM_SYNC). */
static struct vm_area_struct *mmap_new_vma(struct mmap_state *m, int *err)
{
	struct vm_area_struct *vma = vm_area_alloc(m->mm);

	*err = -ENOMEM;
	if (!vma)
		return NULL;
	vma->vm_start = m->addr;
	vma->vm_end = m->end;
	vma->vm_flags = m->flags;
	vma->vm_pgoff = m->pgoff;
	if (m->file) {
		vma->vm_file = get_file(m->file);
		*err = m->file->f_op->mmap(m->file, vma); /* the file's vm_ops */
		if (*err) {
			vma_free_detached(vma);
			return NULL;
		}
		*err = -ENOMEM;
	} else if ((m->flags & VM_SHARED) && shmem_zero_setup(vma)) {
		vm_area_free(vma);
		return NULL;
	}
	vma_set_page_prot(vma);
	if (vma_prepare_file(vma)) {
		vma_free_detached(vma);
		return NULL;
	}
	return vma;
}

/* Remove what MAP_FIXED replaces, then merge or insert the new range. */
static struct vm_area_struct *mmap_commit(struct mmap_state *m, struct vm_area_struct *vma)
{
	struct munmap_stats s = { 0 };
	struct vm_area_struct *merged = NULL;

	if (m->first_old)
		munmap_remove(m->mm, m->first_old, m->end, &s);
	m->prev = NULL;
	m->next = find_vma_prev(m->mm, m->addr, &m->prev);
	if (m->file || !(m->flags & VM_SHARED))
		merged = vma_merge_new_range(m->mm, m->prev, m->next, m->addr, m->end, m->flags,
					     m->pgoff, m->file, NULL);
	if (merged) {
		vma_free_detached(vma); /* never linked */
		return merged;
	}
	vma_link_prepared(m->mm, vma);
	return vma;
}

/* Remove what a failed MAP_FIXED covered (the gap Linux leaves). */
static void mmap_leave_gap(struct mmap_state *m)
{
	struct munmap_stats s = { 0 };

	munmap_remove(m->mm, m->first_old, m->end, &s);
}

static unsigned long mmap_region(struct file *file, unsigned long addr, unsigned long len,
				 unsigned long vm_flags, unsigned long pgoff)
{
	struct mmap_state m = { .mm = current->mm,
				.addr = addr,
				.end = addr + len,
				.pgoff = pgoff,
				.flags = vm_flags,
				.file = file };
	unsigned long pglen = len >> PAGE_SHIFT;
	struct vm_area_struct *vma;
	long charged = 0;
	int err = mmap_gather_old(&m);

	if (err)
		return (unsigned long)(long)err;
	if (!may_expand_vm(m.mm, vm_flags, pglen - m.old.nr_pages))
		return (unsigned long)-ENOMEM;
	/* Linux: charge the new pages less those of the private writable
	 * mappings MAP_FIXED replaces (their charge passes to this one) */
	if (accountable_mapping(vm_flags)) {
		charged = (long)pglen - (long)m.old.accounted;
		if (charged && vm_enough_memory(charged))
			return (unsigned long)-ENOMEM;
		m.flags |= VM_ACCOUNT;
	}
	vma = mmap_new_vma(&m, &err);
	if (vma && vt_preallocate(&m.mm->mm_mt, 1)) {
		vma_free_detached(vma);
		vma = NULL;
	}
	if (!vma) {
		/* Past the checks Linux has cleared the old range (vms_clean_up_area):
		 * a failure now (the shmem object's charge, an allocation, the
		 * file's mmap method) leaves the gap where the MAP_FIXED mapping
		 * failed (vms_abort_munmap_vmas). */
		if (charged)
			vm_unacct_memory(charged);
		if (m.first_old)
			mmap_leave_gap(&m);
		return (unsigned long)(long)err;
	}
	vma = mmap_commit(&m, vma);
	if (m.flags & VM_ACCOUNT) /* the replaced pages' charge, released by the removal */
		vm_acct_memory((long)m.old.accounted);
	vm_stat_account(m.mm, vma->vm_flags, pglen);
	if (vm_flags & VM_LOCKED) {
		if (!vma_supports_mlock(vma)) /* also MAP_DROPPABLE under mlockall */
			vma->vm_flags &= ~VM_LOCKED_MASK;
		else
			m.mm->locked_vm += pglen;
	}
	return addr;
}

/* calc_vm_prot_bits | calc_vm_flag_bits */
static unsigned long calc_vm_bits(unsigned long prot, unsigned long flags)
{
	unsigned long vm = 0;

	vm |= (prot & MMK_PROT_READ) ? VM_READ : 0;
	vm |= (prot & MMK_PROT_WRITE) ? VM_WRITE : 0;
	vm |= (prot & MMK_PROT_EXEC) ? VM_EXEC : 0;
	vm |= (flags & MMK_MAP_GROWSDOWN) ? VM_GROWSDOWN : 0;
	vm |= (flags & MMK_MAP_LOCKED) ? VM_LOCKED : 0;
	vm |= (flags & MMK_MAP_SYNC) ? VM_SYNC : 0; /* whatever the type, as Linux */
	vm |= (flags & MMK_MAP_STACK) ? VM_NOHUGEPAGE : 0;
	return vm;
}

static unsigned long round_hint_to_min(unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < mmap_min_addr)
		return PAGE_ALIGN(mmap_min_addr);
	return hint;
}

static bool can_do_mlock(void) { return rlimit(RLIMIT_MEMLOCK) != 0 || capable(CAP_IPC_LOCK); }

/* The type-specific part of do_mmap for anonymous memory. */
static long mmap_anon_type(unsigned long flags, unsigned long addr, unsigned long *vm_flags,
			   unsigned long *pgoff)
{
	switch (flags & MMK_MAP_TYPE) {
	case MMK_MAP_SHARED:
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		*pgoff = 0;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		return 0;
	case MMK_MAP_DROPPABLE:
		/* neither locked nor a stack; never reserved, copied or dumped */
		if ((flags & (MMK_MAP_LOCKED | MMK_MAP_HUGETLB)) || (*vm_flags & VM_GROWSDOWN))
			return -EINVAL;
		*vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
		/* fall through */
	case MMK_MAP_PRIVATE:
		*pgoff = addr >> PAGE_SHIFT;
		return 0;
	default:
		return -EINVAL;
	}
}

#define LEGACY_MAP_MASK                                                                       \
	(MMK_MAP_SHARED | MMK_MAP_PRIVATE | MMK_MAP_FIXED | MMK_MAP_ANONYMOUS |               \
	 MMK_MAP_DENYWRITE | MMK_MAP_EXECUTABLE | MMK_MAP_UNINITIALIZED | MMK_MAP_GROWSDOWN | \
	 MMK_MAP_LOCKED | MMK_MAP_NORESERVE | MMK_MAP_POPULATE | MMK_MAP_NONBLOCK |           \
	 MMK_MAP_STACK | MMK_MAP_HUGETLB)

/* The type-specific part of do_mmap for a file (Linux do_mmap's file
 * branch): the access the file was opened with decides what may be mapped. */
static long mmap_file_type(struct file *file, unsigned long flags, unsigned long prot,
			   unsigned long *vm_flags)
{
	unsigned long flags_mask = LEGACY_MAP_MASK;

	if (file->f_op && (file->f_op->fop_flags & FOP_MMAP_SYNC))
		flags_mask |= MMK_MAP_SYNC;
	switch (flags & MMK_MAP_TYPE) {
	case MMK_MAP_SHARED:
	case MMK_MAP_SHARED_VALIDATE:
		if ((flags & MMK_MAP_TYPE) == MMK_MAP_SHARED_VALIDATE && (flags & ~flags_mask))
			return -EOPNOTSUPP;
		if ((prot & MMK_PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MMK_MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (!file->f_op || !file->f_op->mmap)
			return -ENODEV;
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * do_mmap - map [addr, addr+len) (Linux mm/mmap.c).  Caller holds mmap_lock
 * for write.  Returns the address or -errno; *populate is set to len when
 * the caller should prefault (MAP_POPULATE, VM_LOCKED: the fault path).
 */
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len, unsigned long prot,
		      unsigned long flags, unsigned long vm_flags, unsigned long pgoff,
		      unsigned long *populate)
{
	struct mm_struct *mm = current->mm;
	long err;

	mmap_assert_write_locked(mm);
	*populate = 0;
	if (!len)
		return (unsigned long)-EINVAL;
	if (flags & MMK_MAP_FIXED_NOREPLACE)
		flags |= MMK_MAP_FIXED;
	if (!(flags & MMK_MAP_FIXED))
		addr = round_hint_to_min(addr);
	len = PAGE_ALIGN(len);
	if (!len)
		return (unsigned long)-ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return (unsigned long)-EOVERFLOW;
	if (mm->map_count > sysctl_max_map_count)
		return (unsigned long)-ENOMEM;
	vm_flags |=
		calc_vm_bits(prot, flags) | mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	addr = get_unmapped_area(file, addr, len, pgoff, flags, vm_flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MMK_MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return (unsigned long)-EEXIST;
	if ((flags & MMK_MAP_LOCKED) && !can_do_mlock())
		return (unsigned long)-EPERM;
	if (!mlock_future_ok(mm, vm_flags, len))
		return (unsigned long)-EAGAIN;
	/* file_mmap_ok: first in Linux's file branch, after EEXIST and mlock's */
	if (file && (len > (unsigned long)MAX_LFS_FILESIZE ||
		     pgoff > ((unsigned long)MAX_LFS_FILESIZE - len) >> PAGE_SHIFT))
		return (unsigned long)-EOVERFLOW;
	err = file ? mmap_file_type(file, flags, prot, &vm_flags) :
		     mmap_anon_type(flags, addr, &vm_flags, &pgoff);
	if (err)
		return (unsigned long)err;
	if ((flags & MMK_MAP_NORESERVE) && sysctl_overcommit_memory != 2)
		vm_flags |= VM_NORESERVE;
	addr = mmap_region(file, addr, len, vm_flags, pgoff);
	if (!IS_ERR_VALUE(addr) &&
	    ((vm_flags & VM_LOCKED) ||
	     (flags & (MMK_MAP_POPULATE | MMK_MAP_NONBLOCK)) == MMK_MAP_POPULATE))
		*populate = len;
	return addr;
}

/*
 * MAP_HUGETLB (Linux: an anonymous hugetlbfs file; flag bits 26-31 are the
 * huge page size's log, 21 or none).  The reference host has
 * no huge pages reserved (HugePages_Total 0), so such a mapping never
 * succeeds unless MAP_NORESERVE (not modelled: mmkit has no hugetlb VMAs
 * and answers -ENOMEM there too).  What a process sees is the order of
 * the failures: the length is rounded up to 2 MiB (0 after an overflow:
 * EINVAL), a MAP_FIXED address must be 2 MiB aligned (EINVAL), NOREPLACE
 * finds EEXIST, MAP_LOCKED's checks, the file's size limit (an offset past
 * MAX_LFS_FILESIZE: EOVERFLOW), the file's type rules (no
 * MAP_DROPPABLE, no MAP_GROWSDOWN: EINVAL); then the range a MAP_FIXED
 * covers is unmapped (a file mapping's failure leaves the gap,
 * vms_abort_munmap_vmas), RLIMIT_AS, and the reservation fails: -EINVAL for an offset
 * that is not 2 MiB aligned, else -ENOMEM.  Caller holds mmap_lock for
 * write.
 */
static long mmap_hugetlb(unsigned long addr, unsigned long len, unsigned long prot,
			 unsigned long flags, unsigned long pgoff)
{
	unsigned long hsize = mmk_pmd_size(), vm_flags;
	struct mm_struct *mm = current->mm;
	unsigned long sizelog = (flags >> MMK_MAP_HUGE_SHIFT) & 0x3f;

	if (sizelog && sizelog != 21) /* only 2 MiB pages (hstate_sizelog) */
		return -EINVAL;
	len = (len + hsize - 1) & ~(hsize - 1);
	if (!len)
		return -EINVAL;
	if (flags & MMK_MAP_FIXED_NOREPLACE)
		flags |= MMK_MAP_FIXED;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > sysctl_max_map_count)
		return -ENOMEM;
	vm_flags =
		calc_vm_bits(prot, flags) | mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (len > mmk_task_size())
		return -ENOMEM;
	if (flags & MMK_MAP_FIXED) {
		if (addr & (hsize - 1))
			return -EINVAL;
		if (addr > mmk_task_size() - len)
			return -ENOMEM;
		if (security_mmap_addr(addr))
			return -EPERM;
		if ((flags & MMK_MAP_FIXED_NOREPLACE) &&
		    find_vma_intersection(mm, addr, addr + len))
			return -EEXIST;
	}
	if ((flags & MMK_MAP_LOCKED) && !can_do_mlock())
		return -EPERM;
	if (!mlock_future_ok(mm, vm_flags, len))
		return -EAGAIN;
	if (pgoff > ((~0UL >> 1) - len) >> PAGE_SHIFT) /* file_mmap_ok: MAX_LFS_FILESIZE */
		return -EOVERFLOW;
	if ((flags & MMK_MAP_TYPE) == MMK_MAP_SHARED_VALIDATE && (flags & ~MMK_LEGACY_MAP_MASK))
		return -EOPNOTSUPP; /* hugetlbfs supports no more (MAP_SYNC...) */
	if (((flags & MMK_MAP_TYPE) != MMK_MAP_SHARED &&
	     (flags & MMK_MAP_TYPE) != MMK_MAP_PRIVATE &&
	     (flags & MMK_MAP_TYPE) != MMK_MAP_SHARED_VALIDATE) ||
	    (vm_flags & VM_GROWSDOWN))
		return -EINVAL;
	if (flags & MMK_MAP_FIXED) {
		long err = do_munmap(mm, addr, len); /* a special mapping refuses: EINVAL */

		if (err)
			return err;
	}
	if (!may_expand_vm(mm, vm_flags, len >> PAGE_SHIFT))
		return -ENOMEM;
	return (pgoff & ((hsize >> PAGE_SHIFT) - 1)) ? -EINVAL : -ENOMEM;
}

/* mm_populate ignores errors, as Linux's. */
void mm_populate(unsigned long start, unsigned long len) { (void)__mm_populate(start, len, true); }

/* mmap(2) on current->mm (Linux ksys_mmap_pgoff): a file from the
 * descriptor unless MAP_ANONYMOUS. */
unsigned long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		       unsigned long flags, long fd, unsigned long off)
{
	struct mm_struct *mm = current->mm;
	struct file *file = NULL;
	unsigned long ret, populate;

	if (off & ~PAGE_MASK)
		return (unsigned long)-EINVAL;
	if (!(flags & MMK_MAP_ANONYMOUS)) {
		file = fget_current((int)fd);
		if (!file)
			return (unsigned long)-EBADF;
		if (flags & MMK_MAP_HUGETLB) { /* not a hugetlbfs file */
			fput(file);
			return (unsigned long)-EINVAL;
		}
	}
	mmap_write_lock(mm);
	if (flags & MMK_MAP_HUGETLB) { /* no huge pages reserved */
		ret = (unsigned long)mmap_hugetlb(addr, len, prot, flags, off >> PAGE_SHIFT);
		populate = 0;
	} else {
		ret = do_mmap(file, addr, len, prot, flags, 0, off >> PAGE_SHIFT, &populate);
	}
	mmap_write_unlock(mm);
	if (file)
		fput(file);
	if (populate)
		mm_populate(ret, populate);
	return ret;
}

/* The VMA's PTE protection: a shared writable mapping of a file that
 * writes back gets read-only PTEs, so that the first write to each clean
 * page faults and dirties it (write-notify, Linux vma_set_page_prot). */
bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
		return false;
	return vma->vm_ops && vma->vm_ops->page_mkwrite;
}

void vma_set_page_prot(struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	if (vma_wants_writenotify(vma))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(flags);
}

int sys_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int ret;

	mmap_write_lock(mm);
	ret = do_vmi_munmap(mm, addr, len, true);
	if (ret)
		mmap_write_unlock(mm);
	return ret;
}

/* ---- brk ---- */

/* Grow the heap by [addr, addr+len): extend brkvma or make a new VMA. */
int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *brkvma, unsigned long addr,
		 unsigned long len, unsigned long vm_flags)
{
	unsigned long np = len >> PAGE_SHIFT;
	struct vm_area_struct *vma = NULL;

	mmap_assert_write_locked(mm);
	vm_flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	if (!may_expand_vm(mm, vm_flags, np) || mm->map_count > sysctl_max_map_count ||
	    vm_enough_memory(np))
		return -ENOMEM;
	if (brkvma && brkvma->vm_end == addr)
		vma = vma_merge_new_range(mm, brkvma, NULL, addr, addr + len, vm_flags,
					  addr >> PAGE_SHIFT, NULL, NULL);
	if (!vma) {
		vma = vm_area_alloc(mm);
		if (!vma) {
			vm_unacct_memory((long)np);
			return -ENOMEM;
		}
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		vma->vm_pgoff = addr >> PAGE_SHIFT;
		vma->vm_flags = vm_flags;
		vma->vm_page_prot = vm_get_page_prot(vm_flags);
		if (vma_link(mm, vma)) {
			vm_area_free(vma);
			vm_unacct_memory((long)np);
			return -ENOMEM;
		}
	}
	mm->total_vm += np;
	mm->data_vm += np;
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += np;
	return 0;
}

static int check_data_rlimit(unsigned long rlim, unsigned long new, unsigned long start,
			     unsigned long end_data, unsigned long start_data)
{
	if (rlim < RLIM_INFINITY && (new - start) + (end_data - start_data) > rlim)
		return -ENOSPC;
	return 0;
}

/* Shrink: unmap [newbrk, oldbrk) if a VMA is there.  0, with mmap_lock
 * released (the zap runs under the downgraded lock, as Linux's brk), or
 * -errno with the write lock still held. */
static int brk_shrink(struct mm_struct *mm, unsigned long newbrk, unsigned long oldbrk)
{
	struct vm_area_struct *vma = find_vma(mm, newbrk);

	if (!vma || vma->vm_start >= oldbrk)
		return -ENOMEM;
	return do_vmi_align_munmap(mm, vma, newbrk, oldbrk, true);
}

/* Linux check_brk_limits: [addr, addr + len) below TASK_SIZE (-ENOMEM)
 * and within RLIMIT_MEMLOCK if new mappings are locked (-EAGAIN). */
static int check_brk_limits(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long a = get_unmapped_area(NULL, addr, len, 0, MMK_MAP_FIXED, 0);

	if (IS_ERR_VALUE(a))
		return (int)(long)a;
	return mlock_future_ok(mm, mm->def_flags, len) ? 0 : -EAGAIN;
}

static int brk_grow(struct mm_struct *mm, unsigned long oldbrk, unsigned long newbrk)
{
	struct vm_area_struct *next, *brkvma;
	int err = check_brk_limits(mm, oldbrk, newbrk - oldbrk);

	if (err)
		return err;
	next = find_vma_prev(mm, oldbrk, &brkvma);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return -ENOMEM;
	if (brkvma && brkvma->vm_end <= mm->start_brk)
		brkvma = NULL;
	return do_brk_flags(mm, brkvma, oldbrk, newbrk - oldbrk, 0);
}

int vm_brk_flags(unsigned long addr, unsigned long request, unsigned long vm_flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *prev = NULL;
	unsigned long len = PAGE_ALIGN(request);
	bool populate;
	int err;

	if (len < request)
		return -ENOMEM;
	if (!len)
		return 0;
	if (vm_flags & ~VM_EXEC)
		return -EINVAL;
	mmap_write_lock(mm);
	err = check_brk_limits(mm, addr, len);
	if (!err)
		err = do_munmap(mm, addr, len);
	if (!err) {
		find_vma_prev(mm, addr, &prev);
		err = do_brk_flags(mm, prev, addr, len, vm_flags);
	}
	populate = (mm->def_flags & VM_LOCKED) != 0;
	mmap_write_unlock(mm);
	if (populate && !err)
		mm_populate(addr, len);
	return err;
}

/* brk(2): returns the new break, or the old one when the request fails. */
unsigned long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long origbrk, newbrk = 0, oldbrk = 0;
	bool populate = false;
	int err = -ENOMEM;

	mmap_write_lock(mm);
	origbrk = mm->brk;
	if (brk < mm->start_brk || check_data_rlimit(rlimit(RLIMIT_DATA), brk, mm->start_brk,
						     mm->end_data, mm->start_data))
		goto out;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk)
		err = 0;
	else if (brk <= mm->brk) {
		mm->brk = brk; /* under the write lock, before it goes */
		err = brk_shrink(mm, newbrk, oldbrk);
		if (!err)
			return brk; /* mmap_lock already released */
	} else {
		err = brk_grow(mm, oldbrk, newbrk);
	}
	populate = !err && (mm->def_flags & VM_LOCKED) && newbrk > oldbrk;
out:
	mm->brk = err ? origbrk : brk;
	origbrk = mm->brk;
	mmap_write_unlock(mm);
	if (populate)
		mm_populate(oldbrk, newbrk - oldbrk); /* after the lock, as Linux */
	return origbrk;
}

/* ---- stack growth (fault path) ---- */

static int acct_stack_growth(struct vm_area_struct *vma, unsigned long size, unsigned long grow)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!may_expand_vm(mm, vma->vm_flags, grow))
		return -ENOMEM;
	if (size > rlimit(RLIMIT_STACK))
		return -ENOMEM;
	if (!mlock_future_ok(mm, vma->vm_flags, grow << PAGE_SHIFT))
		return -ENOMEM;
	if (vm_enough_memory((long)grow))
		return -ENOMEM;
	/* Linux charges the growth of any VM_GROWSDOWN VMA and releases only
	 * VM_ACCOUNT ones at unmap: mmkit keeps the check but not the charge
	 * of one without VM_ACCOUNT, so Committed_AS stays what verify sums */
	if (!(vma->vm_flags & VM_ACCOUNT))
		vm_unacct_memory((long)grow);
	return 0;
}

/* Grow a VM_GROWSDOWN VMA down to address (Linux expand_downwards).
 * Caller holds mmap_lock for write.  0 or -errno. */
int expand_downwards(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev = vma->vm_prev;
	unsigned long grow;
	int err;

	mmap_assert_write_locked(mm);
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	address &= PAGE_MASK;
	if (address < mmap_min_addr)
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    address - prev->vm_end < stack_guard_gap)
		return -ENOMEM;
	if (address >= vma->vm_start)
		return 0;
	if (prev && address < prev->vm_end)
		return -ENOMEM;
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	grow = (vma->vm_start - address) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff)
		return -ENOMEM;
	err = acct_stack_growth(vma, vma->vm_end - address, grow);
	if (err)
		return err;
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	vm_stat_account(mm, vma->vm_flags, grow);
	vma_lock_file(vma);
	vma->vm_start = address;
	vma->vm_pgoff -= grow;
	vma_unlock_file(vma);
	vt_update(&mm->mm_mt, vma);
	return 0;
}

/* ---- special mappings (Linux mm/vma.c _install_special_mapping) ---- */

/* A special mapping is one piece: splitting it fails, so munmap,
 * mprotect, madvise and mremap of part of it, and MAP_FIXED over
 * part of it, give -EINVAL (Linux special_mapping_split). */
static int special_mapping_split(struct vm_area_struct *vma, unsigned long addr)
{
	(void)vma;
	(void)addr;
	return -EINVAL;
}

/* The mapping's own fault handler, else SIGBUS (Linux special_mapping_fault;
 * mmkit's special mappings all have a handler, none a pages[] array). */
static vm_fault_t special_mapping_fault(struct vm_fault *vmf)
{
	const struct vm_special_mapping *sm = vmf->vma->vm_private_data;

	return sm->fault ? sm->fault(sm, vmf->vma, vmf) : VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct special_mapping_vmops = {
	.may_split = special_mapping_split,
	.fault = special_mapping_fault,
};

/*
 * Map sm at [addr, addr + len) of mm with vm_flags (VM_DONTEXPAND is added;
 * VM_LOCKED never applies).  The range must be free.  Caller holds
 * mmap_lock for write.  Returns the VMA or an error value (VMA_ERR):
 * -ENOMEM.
 */
bool vma_is_special_mapping(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &special_mapping_vmops;
}

struct vm_area_struct *_install_special_mapping(struct mm_struct *mm, unsigned long addr,
						unsigned long len, unsigned long vm_flags,
						const struct vm_special_mapping *sm)
{
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	vma = vm_area_alloc(mm);
	if (!vma)
		return (struct vm_area_struct *)(long)-ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = (vm_flags | mm->def_flags | VM_DONTEXPAND) & ~VM_LOCKED_MASK;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_ops = &special_mapping_vmops;
	vma->vm_private_data = (void *)sm;
	vma->vm_name = sm->name;
	if (vma_link(mm, vma)) {
		vm_area_free(vma);
		return (struct vm_area_struct *)(long)-ENOMEM;
	}
	vm_stat_account(mm, vma->vm_flags, (long)(len >> PAGE_SHIFT));
	return vma;
}
