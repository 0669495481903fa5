/*
 * swap_unuse.c - swapoff's try_to_unuse (Linux 6.18 mm/swapfile.c
 * try_to_unuse, unuse_mm, unuse_vma, unuse_pte_range, unuse_pte): bring
 * every page of an area back into memory before the area goes.
 *
 * The area is already out of the avail list (no new slots).  Then, until
 * no slot is in use:
 *   1. shmem_unuse: every shmem mapping with swap entries of the area reads
 *      them back into its page cache;
 *   2. every mm (init_mm.mmlist, each held by mmget_not_zero), every VMA
 *      with an anon_vma: each swap PTE of the area gets its page (from the
 *      swap cache, or read with readahead) mapped in its place, read-only
 *      and old as Linux maps it (a write then reuses it if it is exclusive);
 *      a page that cannot be read leaves a poisoned marker (SIGBUS on
 *      access) so that the area can still go;
 *   3. slots held only by the swap cache lose their page.
 * A page that cannot be allocated stops swapoff with -ENOMEM: the area
 * goes back into service with everything as it was (Linux
 * reinsert_swap_info).  Entries can reappear while a pass runs (a fork
 * copies them, an exiting mm holds them until it is gone), so passes
 * repeat while they make progress; a pass that finds slots in use and
 * makes none is retried (yielding) a bounded number of times, then swapoff
 * gives up with -EBUSY - Linux would wait for a signal; mmkit reports it,
 * as it can only be an entry nothing can reach.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/wait.h"
#include "mm/swap_internal.h"

struct unuse_walk {
	struct vm_area_struct *vma;
	unsigned int type;
	int err;
};

/* Linux unuse_pte: the page takes the swap PTE's place if it is still
 * there.  Page locked and uptodate, or not uptodate (poisoned marker). */
static void unuse_pte(struct unuse_walk *w, pmdp_t pmd, unsigned long addr, swp_entry_t entry,
		      struct page *page)
{
	struct vm_area_struct *vma = w->vma;
	struct mm_struct *mm = vma->vm_mm;
	ptlock_t *ptl;
	ptep_t pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	pte_t old, new;

	if (!pte)
		return;
	old = ptep_get(pte);
	if (!is_swap_entry_pte(old) || pte_to_swp_entry(old).val != entry.val)
		goto out;
	dec_mm_counter(mm, MM_SWAPENTS);
	if (!PageUptodate(page)) {
		new = make_pte_marker(PTE_MARKER_POISONED);
	} else {
		inc_mm_counter(mm, MM_ANONPAGES);
		get_page(page);
		folio_add_anon_rmap_swapin(page, vma, addr, pte_swp_exclusive(old));
		new = pte_mkold(mk_pte(page, vma->vm_page_prot));
		if (pte_swp_soft_dirty(old))
			new = pte_mksoft_dirty(new);
		if (pte_swp_uffd_wp(old))
			new = pte_mkuffd_wp(new);
	}
	set_pte_at(mm, addr, pte, new);
	swap_free(entry);
out:
	pte_unmap_unlock(pte, ptl);
}

/* The page for one swap PTE at addr, brought in and mapped.  0 or -ENOMEM. */
static int unuse_one(struct unuse_walk *w, pmdp_t pmd, unsigned long addr, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info[w->type];
	struct page *page = swap_cache_lookup(entry);

	if (!page) {
		struct vm_fault vmf = {
			.vma = w->vma, .address = addr, .real_address = addr, .pmd = pmd
		};

		page = swapin_readahead(entry, &vmf);
	}
	if (!page) {
		unsigned char v = READ_ONCE(si->swap_map[swp_offset(entry)]);

		return !v || v == SWAP_MAP_BAD ? 0 : -ENOMEM;
	}
	lock_page(page);
	if (PageSwapCache(page) && page_swap_entry(page).val == entry.val) {
		unuse_pte(w, pmd, addr, entry, page);
		folio_free_swap(page);
	}
	unlock_page(page);
	put_page(page);
	return 0;
}

/* Linux unuse_pte_range: the swap PTEs of area type in [addr, end). */
static int unuse_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct unuse_walk *w = walk->private;

	for (; addr != end; addr += PAGE_SIZE) {
		pte_t p = ptep_get(pte_offset_map(pmd, addr));
		swp_entry_t entry;

		if (!is_swap_entry_pte(p))
			continue;
		entry = pte_to_swp_entry(p);
		if (swp_type(entry) != w->type)
			continue;
		w->err = unuse_one(w, pmd, addr, entry);
		if (w->err)
			return w->err;
	}
	return 0;
}

/* pmd_entry alone: swap-ins sleep, so unuse_one takes the PTE lock for
 * each PTE it changes (unuse_pte) and none is held across the I/O. */
static const struct mm_walk_ops unuse_walk_ops = { .pmd_entry = unuse_pmd };

/* Linux unuse_mm.  0 or -ENOMEM. */
static int unuse_mm(struct mm_struct *mm, unsigned int type)
{
	struct unuse_walk w = { .type = type };
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	for (vma = mm->mm_mt.first; vma && !w.err; vma = vma->vm_next) {
		if (!vma->anon_vma || (vma->vm_flags & VM_HUGETLB))
			continue;
		w.vma = vma;
		walk_page_range_vma(vma, vma->vm_start, vma->vm_end, &unuse_walk_ops, &w);
	}
	mmap_read_unlock(mm);
	return w.err;
}

/* Every mm on init_mm.mmlist, each held while it is worked on. */
static int unuse_all_mms(unsigned int type)
{
	struct mm_struct *mm, *prev = NULL;
	struct list_head *p;
	int err = 0;

	spin_lock(&mmlist_lock);
	for (p = init_mm.mmlist.next; p != &init_mm.mmlist && !err; p = p->next) {
		mm = list_entry(p, struct mm_struct, mmlist);
		if (!mmget_not_zero(mm))
			continue;
		spin_unlock(&mmlist_lock);
		if (prev)
			mmput(prev);
		prev = mm;
		err = unuse_mm(mm, type);
		spin_lock(&mmlist_lock);
	}
	spin_unlock(&mmlist_lock);
	if (prev)
		mmput(prev);
	return err;
}

/* Slots held only by the swap cache lose their page (Linux's last loop). */
static void unuse_swap_cache(struct swap_info_struct *si)
{
	unsigned long off;

	for (off = 1; off < si->max && atomic_load(&si->inuse_pages); off++) {
		unsigned char v = READ_ONCE(si->swap_map[off]);
		struct page *page;

		if (!(v & SWAP_HAS_CACHE))
			continue;
		page = swap_cache_lookup(swp_entry(si->type, off));
		if (!page)
			continue;
		lock_page(page);
		folio_free_swap(page);
		unlock_page(page);
		put_page(page);
	}
}

/* A pass that freed nothing waits a little for the CPUs still holding the
 * slots (a fault between its swap-cache lookup and its PTE, a swap write
 * in flight): Linux's cond_resched before its retry. */
struct unuse_pause {
	struct swap_info_struct *si;
	unsigned long before;
	unsigned int polls;
};

static bool unuse_pause_done(void *arg)
{
	struct unuse_pause *p = arg;

	return atomic_load(&p->si->inuse_pages) < p->before || ++p->polls > 64;
}

static const struct wait_ops unuse_pause_wait = { .done = unuse_pause_done, .spins = 16 };

int try_to_unuse(unsigned int type)
{
	struct swap_info_struct *si = swap_info[type];
	struct unuse_pause pause = { .si = si };
	unsigned long before;
	int stalled = 0, err;

	while ((before = atomic_load(&si->inuse_pages))) {
		err = shmem_unuse(type);
		if (!err)
			err = unuse_all_mms(type);
		if (err)
			return err;
		unuse_swap_cache(si);
		if (atomic_load(&si->inuse_pages) < before) {
			stalled = 0;
		} else if (++stalled > 1000) {
			printk(KERN_WARNING "swapoff: %lu slots of area %u cannot be reached\n",
			       atomic_load(&si->inuse_pages), type);
			return -EBUSY;
		} else {
			pause.before = before;
			pause.polls = 0;
			wait_until(&unuse_pause_wait, &pause, IPI_ALL);
		}
	}
	return 0;
}

/* Shutdown, after try_to_unuse failed (no process is left: only shmem
 * objects can still hold slots): the swap cache lets its pages go; what
 * still names the area is dropped with it (later frees of its entries find
 * no area and do nothing). */
void swap_forget_area(struct swap_info_struct *si)
{
	unsigned long off;

	for (off = 1; off < si->max; off++) {
		struct page *page;

		if (!(READ_ONCE(si->swap_map[off]) & SWAP_HAS_CACHE))
			continue;
		page = swap_cache_lookup(swp_entry(si->type, off));
		if (!page)
			continue;
		lock_page(page);
		if (PageSwapCache(page) && !PageWriteback(page))
			swap_cache_del_folio(page);
		unlock_page(page);
		put_page(page);
	}
	printk(KERN_WARNING "swapoff: area %d dropped at shutdown with %lu slots in use\n",
	       si->type, atomic_load(&si->inuse_pages));
}
