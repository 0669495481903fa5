/*
 * mlock.c - locking ranges in memory (Linux mm/mlock.c) at the layout level:
 * VM_LOCKED/VM_LOCKONFAULT on the VMAs (split and merged as mprotect does),
 * mm->locked_vm, RLIMIT_MEMLOCK (ENOMEM; EPERM when the limit is 0), CAP_IPC_LOCK
 * (`set root=1`), mlockall's def_flags.  A hole makes mlock/munlock fail with
 * -ENOMEM after the VMAs before it were changed.  Faulting the pages in
 * (__mm_populate) is the fault path's, through the mm_populate seam.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/mm_inline.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pagewalk.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/*
 * The pages (Linux 6.18 mm/mlock.c mlock_folio, mlock_new_folio,
 * munlock_folio): a page mapped in a VM_LOCKED VMA is PG_mlocked (NR_MLOCK,
 * unevictable_pgs_mlocked) and sits on the unevictable list, where
 * mlock_count counts the locked VMAs mapping it.  mlock_fixup walks the
 * present pages of a range that gains or loses VM_LOCKED
 * (mlock_vma_pages_range); reclaim culls a page it finds in a locked VMA
 * (folio_referenced, try_to_unmap).  Linux batches these per CPU
 * (mlock_fbatch); mmkit moves the page at once under lru_lock.
 */
static void nr_mlock_mod(struct page *page, long d)
{
	if (this_cpu())
		__mod_zone_page_state(page_zone(page), NR_MLOCK, d);
	else
		zone_page_state_add(d, page_zone(page), NR_MLOCK);
}

void mlock_new_folio(struct page *page)
{
	if (!TestSetPageMlocked(page)) {
		nr_mlock_mod(page, 1);
		count_vm_event(UNEVICTABLE_PGMLOCKED);
	}
}

void mlock_folio(struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(page);

	if (!TestSetPageMlocked(page)) {
		nr_mlock_mod(page, 1);
		count_vm_event(UNEVICTABLE_PGMLOCKED);
	}
	spin_lock(&lruvec->lru_lock);
	if (PageLRU(page)) {
		if (PageUnevictable(page)) {
			page->mlock_count++;
		} else {
			lruvec_del_folio(lruvec, page);
			ClearPageActive(page);
			SetPageUnevictable(page);
			page->mlock_count = 1;
			lruvec_add_folio(lruvec, page);
			count_vm_event(UNEVICTABLE_PGCULLED);
		}
	}
	spin_unlock(&lruvec->lru_lock);
}

void munlock_folio(struct page *page)
{
	struct lruvec *lruvec = folio_lruvec(page);
	bool on_lru;

	spin_lock(&lruvec->lru_lock);
	on_lru = PageLRU(page);
	if (on_lru && PageUnevictable(page) && page->mlock_count > 1) {
		page->mlock_count--; /* another locked VMA maps it */
		spin_unlock(&lruvec->lru_lock);
		return;
	}
	if (TestClearPageMlocked(page)) {
		nr_mlock_mod(page, -1);
		/* stranded: off the LRU but unevictable (Linux __munlock_folio) */
		count_vm_event(on_lru || !PageUnevictable(page) ? UNEVICTABLE_PGMUNLOCKED :
								  UNEVICTABLE_PGSTRANDED);
	}
	if (on_lru && PageUnevictable(page)) {
		lruvec_del_folio(lruvec, page);
		ClearPageUnevictable(page);
		page->mlock_count = 0;
		lruvec_add_folio(lruvec, page);
		count_vm_event(UNEVICTABLE_PGRESCUED);
	}
	spin_unlock(&lruvec->lru_lock);
}

/* vm_flags is read once: truncation's zap holds only i_mmap_rwsem, so
 * mprotect or mlock may change the flags meanwhile; a page left mlocked
 * (or not) by such a race is put right by reclaim, as in Linux. */
void mlock_vma_folio(struct page *page, struct vm_area_struct *vma)
{
	if (unlikely((READ_ONCE(vma->vm_flags) & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED))
		mlock_folio(page);
}

void munlock_vma_folio(struct page *page, struct vm_area_struct *vma)
{
	if (unlikely(READ_ONCE(vma->vm_flags) & VM_LOCKED))
		munlock_folio(page);
}

static int mlock_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	pte_t entry = ptep_get(pte);
	struct page *page;

	(void)next;
	if (!pte_present(entry))
		return 0;
	page = vm_normal_page(walk->vma, addr, entry);
	if (!page || PageReserved(page) || (!PageAnon(page) && !page->mapping))
		return 0;
	if (walk->vma->vm_flags & VM_LOCKED)
		mlock_folio(page);
	else
		munlock_folio(page);
	return 0;
}

static const struct mm_walk_ops mlock_walk_ops = { .pte_entry = mlock_pte };

static bool can_do_mlock(void) { return rlimit(RLIMIT_MEMLOCK) != 0 || capable(CAP_IPC_LOCK); }

static int mlock_fixup(struct vm_area_struct *vma, struct vm_area_struct **prev,
		       unsigned long start, unsigned long end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long oldflags = vma->vm_flags;
	long nr_pages;

	if (newflags == oldflags || !vma_supports_mlock(vma))
		goto out;
	vma = vma_modify_flags(*prev, vma, start, end, &newflags);
	if (VMA_ERR(vma))
		return VMA_ERRNO(vma);
	nr_pages = (long)((end - start) >> PAGE_SHIFT);
	if (!(newflags & VM_LOCKED))
		nr_pages = -nr_pages;
	else if (oldflags & VM_LOCKED)
		nr_pages = 0;
	mm->locked_vm += nr_pages;
	vm_flags_reset(vma, newflags);
	/* Linux mlock_vma_pages_range: the pages already there follow */
	if ((oldflags ^ newflags) & VM_LOCKED)
		walk_page_range_vma(vma, start, end, &mlock_walk_ops, NULL);
out:
	*prev = vma;
	return 0;
}

static int apply_vma_lock_flags(struct mm_struct *mm, unsigned long start, unsigned long len,
				unsigned long flags)
{
	unsigned long end = start + len, nstart = start, tmp;
	struct vm_area_struct *vma, *prev;
	int err;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	prev = start > vma->vm_start ? vma : vma->vm_prev;
	tmp = vma->vm_start;
	for (; vma && vma->vm_start < end; vma = prev->vm_next) {
		if (vma->vm_start != tmp)
			return -ENOMEM;
		tmp = min(vma->vm_end, end);
		err = mlock_fixup(vma, &prev, nstart, tmp,
				  (vma->vm_flags & ~VM_LOCKED_MASK) | flags);
		if (err)
			return err;
		tmp = prev->vm_end;
		nstart = tmp;
	}
	return tmp < end ? -ENOMEM : 0;
}

static unsigned long count_mm_mlocked_page_nr(struct mm_struct *mm, unsigned long start,
					      unsigned long len)
{
	unsigned long end = start + len, count = 0;
	struct vm_area_struct *v;

	for (v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
		if (v->vm_flags & VM_LOCKED)
			count += (min(end, v->vm_end) - max(start, v->vm_start)) >> PAGE_SHIFT;
	return count;
}

static int do_mlock(unsigned long start, unsigned long len, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long locked, lock_limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	int err = -ENOMEM;

	if (!can_do_mlock())
		return -EPERM;
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	mmap_write_lock(mm);
	locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	if (locked > lock_limit && !capable(CAP_IPC_LOCK))
		locked -= count_mm_mlocked_page_nr(mm, start, len);
	if (locked <= lock_limit || capable(CAP_IPC_LOCK))
		err = apply_vma_lock_flags(mm, start, len, flags);
	mmap_write_unlock(mm);
	if (err)
		return err;
	err = __mm_populate(start, len, false);
	/* __mlock_posix_error_return */
	if (err == -EFAULT)
		return -ENOMEM;
	return err == -ENOMEM ? -EAGAIN : err;
}

int sys_mlock(unsigned long start, unsigned long len) { return do_mlock(start, len, VM_LOCKED); }

int sys_mlock2(unsigned long start, unsigned long len, int flags)
{
	if (flags & ~MMK_MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, VM_LOCKED | ((flags & MMK_MLOCK_ONFAULT) ? VM_LOCKONFAULT : 0));
}

int sys_munlock(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int err;

	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	mmap_write_lock(mm);
	err = apply_vma_lock_flags(mm, start, len, 0);
	mmap_write_unlock(mm);
	return err;
}

static void apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	struct vm_area_struct *vma, *prev = NULL, *next;
	unsigned long to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MMK_MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MMK_MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MMK_MCL_CURRENT))
			return;
	}
	if (flags & MMK_MCL_CURRENT)
		to_add = VM_LOCKED | ((flags & MMK_MCL_ONFAULT) ? VM_LOCKONFAULT : 0);
	for (vma = mm->mm_mt.first; vma; vma = next) {
		if (mlock_fixup(vma, &prev, vma->vm_start, vma->vm_end,
				(vma->vm_flags & ~VM_LOCKED_MASK) | to_add))
			prev = vma;
		/* mlock_fixup always sets prev (to vma or its replacement) */
		next = prev->vm_next; /* NOLINT(clang-analyzer-core.NullDereference) */
	}
}

int sys_mlockall(int flags)
{
	struct mm_struct *mm = current->mm;
	int err = -ENOMEM;

	if (!flags || (flags & ~(MMK_MCL_CURRENT | MMK_MCL_FUTURE | MMK_MCL_ONFAULT)) ||
	    flags == MMK_MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock())
		return -EPERM;
	mmap_write_lock(mm);
	if (!(flags & MMK_MCL_CURRENT) || mm->total_vm <= rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT ||
	    capable(CAP_IPC_LOCK)) {
		apply_mlockall_flags(mm, flags);
		err = 0;
	}
	mmap_write_unlock(mm);
	if (!err && (flags & MMK_MCL_CURRENT))
		mm_populate(0, mmk_task_size());
	return err;
}

int sys_munlockall(void)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	apply_mlockall_flags(mm, 0);
	mmap_write_unlock(mm);
	return 0;
}
