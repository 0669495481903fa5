/*
 * mlock.c - locking ranges in memory (Linux mm/mlock.c) at the layout level:
 * VM_LOCKED/VM_LOCKONFAULT on the VMAs (split and merged as mprotect does),
 * mm->locked_vm, RLIMIT_MEMLOCK (ENOMEM; EPERM when the limit is 0), CAP_IPC_LOCK
 * (`set root=1`), mlockall's def_flags.  A hole makes mlock/munlock fail with
 * -ENOMEM after the VMAs before it were changed.  Faulting the pages in
 * (__mm_populate) is the fault path's, through the mm_populate seam.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/memory.h"
#include "mmkit/mm_inline.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pagewalk.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/*
 * The pages (Linux 6.18 mm/mlock.c mlock_folio, mlock_new_folio,
 * munlock_folio): a page mapped in a VM_LOCKED VMA is PG_mlocked (NR_MLOCK,
 * unevictable_pgs_mlocked) at once, and moves to the unevictable list,
 * where mlock_count counts the locked VMAs mapping it, when this CPU's
 * mlock batch (up to MLOCK_BATCH_SIZE pages, each holding a reference) is
 * moved: when it fills, or at lru_add_drain (the batch is a CPU's own, as
 * the LRU batches are; a thread that is no CPU moves its page at once).
 * Until then the page is evictable: folio_mark_accessed may still
 * activate it (a populate's second touch of a page it has just mlocked
 * clears PG_referenced, as on the host).  A new page of a locked VMA waits
 * in this batch instead of the lru_add one (Linux folio_add_lru_vma).
 * mlock_fixup walks the present pages of a range that gains or loses
 * VM_LOCKED (mlock_vma_pages_range, draining before and after); reclaim
 * culls a page it finds in a locked VMA (folio_referenced, try_to_unmap).
 */
#define MLOCK_BATCH_SIZE 31

enum mlock_op { MLOCK_LRU, MLOCK_NEW, MUNLOCK };

struct mlock_fbatch {
	unsigned int nr;
	struct page *pages[MLOCK_BATCH_SIZE];
	unsigned char op[MLOCK_BATCH_SIZE];
} __attribute__((aligned(64)));

static struct mlock_fbatch *mlock_fbatches; /* [nr_cpus] */

static void nr_mlock_mod(struct page *page, long d)
{
	mod_zone_page_state_any(page_zone(page), NR_MLOCK, d);
}

/* Linux __mlock_folio: a page on a list goes to the unevictable one (one
 * more mlock_count if it is there already); nothing while it is isolated
 * (the putback sees PG_mlocked).  lru_lock held. */
static void __mlock_folio(struct lruvec *lruvec, struct page *page)
{
	if (!PageLRU(page))
		return;
	if (!PageMlocked(page)) { /* munlocked meanwhile: evictable again */
		if (PageUnevictable(page)) {
			lruvec_del_folio(lruvec, page);
			ClearPageUnevictable(page);
			lruvec_add_folio(lruvec, page);
			count_vm_event(UNEVICTABLE_PGRESCUED);
		}
		return;
	}
	if (PageUnevictable(page)) {
		page->mlock_count++;
		return;
	}
	lruvec_del_folio(lruvec, page);
	ClearPageActive(page);
	SetPageUnevictable(page);
	page->mlock_count = 1;
	lruvec_add_folio(lruvec, page);
	count_vm_event(UNEVICTABLE_PGCULLED);
}

/* Linux __mlock_new_folio: a new page (not on a list) joins the LRU,
 * unevictable unless munlocked meanwhile.  lru_lock held. */
static void __mlock_new_folio(struct lruvec *lruvec, struct page *page)
{
	VM_BUG_ON(PageLRU(page));
	if (PageMlocked(page)) {
		ClearPageActive(page);
		SetPageUnevictable(page);
		page->mlock_count = 1;
		count_vm_event(UNEVICTABLE_PGCULLED);
	}
	lruvec_add_folio(lruvec, page);
	SetPageLRU(page);
}

/* Linux __munlock_folio: one locked mapping fewer; the last one clears
 * PG_mlocked and rescues the page to an evictable list.  A page off the
 * lists (isolated) loses PG_mlocked; its putback decides.  lru_lock held. */
static void __munlock_folio(struct lruvec *lruvec, struct page *page)
{
	bool on_lru = PageLRU(page);

	if (on_lru && PageUnevictable(page)) {
		if (page->mlock_count)
			page->mlock_count--;
		if (page->mlock_count)
			return; /* another locked VMA maps it */
	}
	if (TestClearPageMlocked(page)) {
		nr_mlock_mod(page, -1);
		/* stranded: off the LRU but unevictable */
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
}

/* Apply a batch under lru_lock, then drop its references (a last one frees
 * the page, which takes lru_lock itself). */
static void mlock_folio_batch(struct mlock_fbatch *fb)
{
	struct lruvec *lruvec = NULL;

	for (unsigned int i = 0; i < fb->nr; i++) {
		struct page *page = fb->pages[i];

		if (!lruvec) {
			lruvec = folio_lruvec(page);
			spin_lock(&lruvec->lru_lock);
		}
		if (fb->op[i] == MLOCK_LRU)
			__mlock_folio(lruvec, page);
		else if (fb->op[i] == MLOCK_NEW)
			__mlock_new_folio(lruvec, page);
		else
			__munlock_folio(lruvec, page);
	}
	if (lruvec)
		spin_unlock(&lruvec->lru_lock);
	for (unsigned int i = 0; i < fb->nr; i++)
		put_page(fb->pages[i]);
	fb->nr = 0;
}

/* Queue page (a reference taken) on this CPU's mlock batch; move the batch
 * when full, or at once on a thread that is no CPU. */
static void mlock_batch_add(struct page *page, enum mlock_op op)
{
	struct cpu *c = this_cpu();
	struct mlock_fbatch *fb, one;

	get_page(page);
	if (c && mlock_fbatches) {
		fb = &mlock_fbatches[c->id];
	} else {
		fb = &one;
		fb->nr = 0;
	}
	fb->pages[fb->nr] = page;
	fb->op[fb->nr++] = (unsigned char)op;
	if (fb->nr == MLOCK_BATCH_SIZE || fb == &one)
		mlock_folio_batch(fb);
}

void mlock_drain_local(void)
{
	struct cpu *c = this_cpu();

	if (c && mlock_fbatches && mlock_fbatches[c->id].nr)
		mlock_folio_batch(&mlock_fbatches[c->id]);
}

bool need_mlock_drain(int cpu) { return mlock_fbatches && READ_ONCE(mlock_fbatches[cpu].nr); }

void mlock_batch_count(unsigned int *refs)
{
	if (!mlock_fbatches)
		return;
	for (int c = 0; c < mmk->nr_cpus; c++)
		for (unsigned int j = 0; j < READ_ONCE(mlock_fbatches[c].nr); j++)
			refs[page_to_pfn(mlock_fbatches[c].pages[j])]++;
}

void mlock_new_folio(struct page *page)
{
	SetPageMlocked(page);
	nr_mlock_mod(page, 1);
	count_vm_event(UNEVICTABLE_PGMLOCKED);
	mlock_batch_add(page, MLOCK_NEW);
}

void mlock_folio(struct page *page)
{
	if (!TestSetPageMlocked(page)) {
		nr_mlock_mod(page, 1);
		count_vm_event(UNEVICTABLE_PGMLOCKED);
	}
	mlock_batch_add(page, MLOCK_LRU);
}

void munlock_folio(struct page *page) { mlock_batch_add(page, MUNLOCK); }

static int mlock_batch_init(void)
{
	size_t sz = sizeof(*mlock_fbatches) * (size_t)mmk->nr_cpus;

	mlock_fbatches = aligned_alloc(64, sz);
	if (!mlock_fbatches)
		return -ENOMEM;
	memset(mlock_fbatches, 0, sz);
	return 0;
}

static void mlock_batch_exit(void)
{
	free(mlock_fbatches);
	mlock_fbatches = NULL;
}
mmk_initcall(INIT_PAGE_ALLOC + 1, mlock_batch_init, mlock_batch_exit);

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
	/* Linux mlock_vma_pages_range: the pages already there follow, their
	 * batch moved before and after the walk */
	if ((oldflags ^ newflags) & VM_LOCKED) {
		lru_add_drain();
		walk_page_range_vma(vma, start, end, &mlock_walk_ops, NULL);
		lru_add_drain();
	}
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
