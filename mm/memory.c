/*
 * memory.c - the page-fault handlers (Linux 6.18 mm/memory.c): page tables
 * on demand, demand-zero anonymous pages, the shared zero page, file and
 * shmem pages, copy-on-write with the 6.x reuse rules.
 *
 * handle_mm_fault walks pgd -> p4d -> pud -> pmd, allocating missing tables
 * (VM_FAULT_OOM when one cannot be allocated), and handle_pte_fault
 * dispatches on the PTE:
 *   none, anonymous VMA   do_anonymous_page: the VMA gets its anon_vma
 *                         (for reads too, as the 6.18 host shows); a read
 *                         maps the shared zero page read-only with
 *                         _PAGE_SPECIAL (no refcount, mapcount or RSS, as
 *                         Linux); a write maps a new zeroed page, exclusive.
 *   none, file/shmem VMA  do_fault: read -> the page-cache page; private
 *                         write -> a private copy (do_cow_fault); shared
 *                         write -> the page-cache page, writable and dirty.
 *   present, write to a write-protected PTE
 *                         do_wp_page: shared mappings make the PTE writable;
 *                         an anonymous page is reused when PageAnonExclusive,
 *                         or when its only reference is this mapping
 *                         (wp_can_reuse_anon_folio: refcount == 1; it is then
 *                         moved to this VMA's anon_vma and marked exclusive);
 *                         anything else (shared after fork, zero page, page-
 *                         cache page of a private mapping) is copied
 *                         (wp_page_copy): the old PTE is cleared and the TLBs
 *                         of every CPU using the mm flushed before the new
 *                         PTE is set and the old page's mapping dropped.
 *   present otherwise     Accessed/Dirty bookkeeping (the MMU sets A/D
 *                         itself; this path covers a fault that raced).
 *   a swap PTE            do_swap_page: the page from the swap cache, or
 *                         read in with readahead (a major fault); mapped
 *                         writable at once when the swap PTE says the page
 *                         was exclusive (or nothing else holds it), else
 *                         read-only and a write goes on to do_wp_page; the
 *                         swap reference is dropped and the slot freed when
 *                         the fault writes and holds the only reference (or
 *                         swap is half full).  A failed read is SIGBUS with
 *                         the entry kept; a guard marker SIGSEGV, a
 *                         poisoned one (swapoff could not read it) SIGBUS.
 * The x86 MMU re-walks the tables on every permission miss, so a spurious
 * fault needs no local flush (Linux flush_tlb_fix_spurious_fault is empty
 * on x86).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/writeback.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

unsigned long zero_pfn;
static DEFINE_FAULT_SITE(user_page_fail, "user_page_alloc");

/* ---------------------------------------------------------- zero page -- */

/* The zero page is allocated on its first use (Linux has it in the kernel
 * image; allocating it at boot would shift every boot-time free count).
 * Two CPUs may race: the loser frees its page.  Returns false on -ENOMEM. */
static bool zero_page_get(void)
{
	struct page *page;
	unsigned long none = 0;

	if (likely(READ_ONCE(zero_pfn)))
		return true;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return false;
	SetPageReserved(page);
	if (!__atomic_compare_exchange_n(&zero_pfn, &none, page_to_pfn(page), false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		ClearPageReserved(page);
		__free_page(page);
	}
	return true;
}

static int zero_page_init(void)
{
	zero_pfn = 0;
	return 0;
}

static void zero_page_exit(void)
{
	struct page *page;

	if (!zero_pfn)
		return;
	page = ZERO_PAGE();
	ClearPageReserved(page);
	__free_page(page);
	zero_pfn = 0;
}
mmk_initcall(INIT_MM, zero_page_init, zero_page_exit);

/* ------------------------------------------------------------ helpers -- */

struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	(void)vma;
	(void)addr;
	if (pte_special(pte) || is_zero_pfn(pfn) || !pfn_valid(pfn))
		return NULL;
	return pfn_to_page(pfn);
}

int mm_counter(const struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return PageSwapBacked(page) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* mmkit takes the exact sum where Linux reads get_mm_rss (the folded
 * part), so VmHWM does not depend on where the CPUs' deltas sit. */
void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss_sum(mm);

	if (READ_ONCE(mm->hiwater_rss) < rss)
		WRITE_ONCE(mm->hiwater_rss, rss);
}

/* A page for user memory (GFP_HIGHUSER_MOVABLE), zeroed if asked. */
static struct page *alloc_user_page(bool zero)
{
	if (should_fail(&user_page_fail))
		return NULL;
	return alloc_page(GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0));
}

/* Linux clear_user_highpage: zero a user page (no highmem mapping here:
 * all of RAM is mapped). */
static void clear_user_highpage(struct page *page) { memset(page_address(page), 0, PAGE_SIZE); }

/* Start fetching a new page's lines for writing, so that the zeroing or
 * the copy into it, later in the fault, stores into lines already in the
 * cache.  Not ordered by locked instructions (SDM: PREFETCHh), so the PTE
 * lock taken meanwhile does not wait for them. */
static __always_inline void prefetchw_user_page(struct page *page)
{
	const char *p = page_address(page);

	for (unsigned int off = 0; off < PAGE_SIZE; off += 64) {
#if defined(__x86_64__) || defined(__i386__)
		__asm__ volatile("prefetchw %0" : : "m"(p[off]));
#else
		__builtin_prefetch(p + off, 1, 3);
#endif
	}
}

/* The same for reading: a COW fault's source page, whose lines come from
 * DRAM after a round (the struct page checks and the allocation overlap
 * them). */
static __always_inline void prefetch_user_page(struct page *page)
{
	const char *p = page_address(page);

	for (unsigned int off = 0; off < PAGE_SIZE; off += 64)
		__builtin_prefetch(p + off, 0, 3);
}

/* Linux copy_user_highpage. */
static void copy_user_highpage(struct page *to, struct page *from)
{
	memcpy(page_address(to), page_address(from), PAGE_SIZE);
}

static pte_t maybe_mkwrite(pte_t pte, const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte_mkwrite(pte) : pte;
}

static bool pte_same(pte_t a, pte_t b) { return pte_val(a) == pte_val(b); }

/* Clear a present PTE and flush it from every CPU that may cache it
 * (Linux ptep_clear_flush).  Caller holds the PTE lock. */
static pte_t ptep_clear_flush(struct vm_area_struct *vma, unsigned long addr, ptep_t pte)
{
	pte_t old = ptep_get_and_clear(vma->vm_mm, addr, pte);

	if (pte_present(old))
		flush_tlb_page(vma, addr);
	return old;
}

/*
 * Map the page frame pfn at addr of a VM_PFNMAP VMA (Linux vmf_insert_pfn):
 * a special PTE, no struct page, no RSS, never COWed or reclaimed.  From a
 * fault handler (mmap_lock held, no PTE lock).  Returns VM_FAULT_NOPAGE, or
 * VM_FAULT_OOM when the page table cannot be allocated.
 */
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn)
{
	struct mm_struct *mm = vma->vm_mm;
	p4dp_t p4d = p4d_alloc(mm, pgd_offset(mm, addr), addr);
	pudp_t pud = p4d ? pud_alloc(mm, p4d, addr) : NULL;
	pmdp_t pmd = pud ? pmd_alloc(mm, pud, addr) : NULL;
	ptlock_t *ptl;
	ptep_t pte;

	mmap_assert_locked(mm);
	if (!pmd || pte_alloc(vma->vm_mm, pmd))
		return VM_FAULT_OOM;
	pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);
	if (!pte)
		return VM_FAULT_NOPAGE;
	if (pte_none(ptep_get(pte)))
		set_pte_at(vma->vm_mm, addr, pte, pte_mkspecial(pfn_pte(pfn, vma->vm_page_prot)));
	pte_unmap_unlock(pte, ptl);
	return VM_FAULT_NOPAGE;
}

/* ---------------------------------------------------- anonymous pages -- */

static vm_fault_t do_anonymous_zero(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry;

	if (!zero_page_get())
		return VM_FAULT_OOM;
	entry = pte_mkspecial(pfn_pte(zero_pfn, vma->vm_page_prot));
	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte)
		return 0;
	if (pte_none(ptep_get(vmf->pte))) {
		set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);
		count_vm_event(ZERO_PAGE_FAULT);
	}
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

/*
 * Linux do_anonymous_page.  No locks held but mmap_lock.
 *
 * One difference in order: Linux zeroes the new page before it takes the
 * PTE lock (vma_alloc_zeroed_movable_folio); mmkit zeroes it with the lock
 * held, just before set_pte.  Nothing can see the page before set_pte
 * either way (set_pte is a release store after the zeroing).  The reason
 * is the host CPU: the lock's xchg waits until the 4 KiB of zeroing stores
 * have reached the cache, so zeroing first stalls the fault there for the
 * whole write-back.  Zeroed under the lock, the write-back runs on while
 * the fault finishes and the next one starts, until the next locked
 * instruction (the next fault's mmap_lock).  See docs/PERFORMANCE.md.  A
 * fault that finds the PTE already filled frees the page without zeroing.
 * The page is prefetched for writing right after its allocation, and the
 * counter, rmap and LRU add come before the zeroing (nothing reaches the
 * page before set_pte: rmap walks need this PTE lock, the LRU batch holds
 * a reference), so that its lines arrive while they run.
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pte_t entry;

	mmap_assert_locked(vmf->vma->vm_mm);
	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (pte_alloc(mm, vmf->pmd))
		return VM_FAULT_OOM;
	/* A read maps the zero page and, as in Linux, leaves the VMA without
	 * an anon_vma: it still merges and moves as an unfaulted one
	 * (cases5/zero_page_anon_vma.mm, checked on the reference host).
	 * Where the zero page is forbidden, a read allocates like a write. */
	if (!(vmf->flags & FAULT_FLAG_WRITE) && !mm_forbids_zeropage(mm))
		return do_anonymous_zero(vmf);
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_user_page(false);
	if (!page)
		return VM_FAULT_OOM;
	prefetchw_user_page(page);
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page, vma->vm_page_prot)), vma);
	vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte || !pte_none(ptep_get(vmf->pte))) {
		if (vmf->pte)
			pte_unmap_unlock(vmf->pte, vmf->ptl);
		put_page(page);
		return 0;
	}
	inc_mm_counter(mm, MM_ANONPAGES);
	folio_add_new_anon_rmap(page, vma, vmf->address);
	folio_add_lru_vma(page, vma);
	clear_user_highpage(page);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

/* --------------------------------------------------- file and shmem -- */

/* The file page of the fault, locked, with a reference (Linux __do_fault):
 * the VMA's fault handler (filemap_fault, shmem_fault) returns it locked;
 * an identity-only file's page (imported VMAs) is locked here (one that
 * truncation took out of the cache before the lock is looked up again).
 * VM_FAULT_MAJOR and VM_FAULT_RETRY (mmap_lock dropped) pass through. */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;
	struct file *f = vmf->vma->vm_file;
	vm_fault_t ret;

	if (ops && ops->fault) {
		ret = ops->fault(vmf);
		if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_LOCKED))
			return ret;   /* a file's page comes locked */
		lock_page(vmf->page); /* a special mapping's kernel page: no cache to race */
		return ret | VM_FAULT_LOCKED;
	}
	if (!f)
		return VM_FAULT_SIGBUS;
	for (;;) {
		ret = f->shmem ? identity_shmem_fault(vmf) : identity_file_fault(vmf);
		if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
			return ret;
		lock_page(vmf->page);
		if (likely(vmf->page->mapping))
			return ret | VM_FAULT_LOCKED;
		unlock_page(vmf->page); /* truncated meanwhile: look again */
		put_page(vmf->page);
	}
}

/*
 * Map vmf->page (the caller's reference becomes the PTE's) at vmf->address
 * (Linux finish_fault / set_pte_range).  anon: a new private copy.  A write
 * maps a shared page writable and dirty (its page was dirtied by
 * page_mkwrite or is by fault_dirty_shared_page).  Returns 0; if the PTE
 * was filled meanwhile the page is released.
 */
static vm_fault_t finish_fault(struct vm_fault *vmf, bool anon)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = vmf->page;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pte_t entry = mk_pte(page, vma->vm_page_prot);

	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	vmf->pte = pte_alloc_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte) {
		put_page(page);
		return VM_FAULT_OOM;
	}
	if (!pte_none(ptep_get(vmf->pte))) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		put_page(page);
		return 0;
	}
	if (anon) {
		folio_add_new_anon_rmap(page, vma, vmf->address);
		folio_add_lru_vma(page, vma);
		inc_mm_counter(mm, MM_ANONPAGES);
	} else {
		folio_add_file_rmap_pte(page, vma);
		inc_mm_counter(mm, mm_counter(page));
	}
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct page *copy, *orig;
	vm_fault_t ret;

	mmap_assert_locked(vmf->vma->vm_mm);
	if (anon_vma_prepare(vmf->vma))
		return VM_FAULT_OOM;
	copy = alloc_user_page(false);
	if (!copy)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		put_page(copy);
		return ret;
	}
	orig = vmf->page;
	memcpy(page_address(copy), page_address(orig), PAGE_SIZE);
	unlock_page(orig);
	put_page(orig);
	vmf->page = copy;
	return ret | finish_fault(vmf, true);
}

/* fault_around_bytes as pages (Linux fault_around_pages). */
static unsigned long fault_around_pages(void)
{
	unsigned long n = READ_ONCE(fault_around_bytes) >> PAGE_SHIFT;

	return n ? 1UL << (63 - __builtin_clzl(n)) : 0; /* rounddown_pow_of_two */
}

/* Linux do_fault_around: map the cached pages of the fault_around_bytes
 * window that holds the address (aligned in the PTE table, clamped to the
 * VMA and to the table). */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	unsigned long nr = fault_around_pages(), pte_off = pte_index(vmf->address);
	unsigned long vma_off = vmf->pgoff - vmf->vma->vm_pgoff, from_pte, to_pte;

	from_pte = max(ALIGN_DOWN(pte_off, nr), pte_off - min(pte_off, vma_off));
	to_pte = min(min(from_pte + nr, (unsigned long)PTRS_PER_PTE),
		     pte_off + vma_pages(vmf->vma) - vma_off) -
		 1;
	return vmf->vma->vm_ops->map_pages(vmf, vmf->pgoff + from_pte - pte_off,
					   vmf->pgoff + to_pte - pte_off);
}

static bool should_fault_around(const struct vm_fault *vmf)
{
	return vmf->vma->vm_ops && vmf->vma->vm_ops->map_pages && fault_around_pages() > 1;
}

/* A read fault: fault around first; if that mapped the address, done. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	struct page *page;
	vm_fault_t ret;

	if (should_fault_around(vmf)) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	page = vmf->page;
	ret |= finish_fault(vmf, false);
	unlock_page(page); /* still in the cache, which holds a reference */
	return ret;
}

/* Linux do_page_mkwrite: the file system hears that vmf->page (unlocked,
 * referenced) is about to be written through a shared mapping.  Returns
 * with the page locked (VM_FAULT_LOCKED), or 0 (truncated: retry), or an
 * error / VM_FAULT_NOPAGE with it unlocked. */
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf)
{
	unsigned int old = vmf->flags;
	struct page *page = vmf->page;
	vm_fault_t ret;

	vmf->flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE;
	ret = vmf->vma->vm_ops->page_mkwrite(vmf);
	vmf->flags = old;
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED)) {
		lock_page(page);
		if (!page->mapping) {
			unlock_page(page);
			return 0;
		}
		ret |= VM_FAULT_LOCKED;
	}
	return ret;
}

/* Linux fault_dirty_shared_page: the page (locked) is dirty now; unlock
 * it, then throttle the writer as balance_dirty_pages says. */
static vm_fault_t fault_dirty_shared_page(struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct address_space *m = page->mapping;
	bool dirtied = folio_mark_dirty(page);
	bool mkwrite = vmf->vma->vm_ops && vmf->vma->vm_ops->page_mkwrite;

	unlock_page(page);
	if ((dirtied || mkwrite) && m) {
		/* throttled without mmap_lock if the fault may drop it; the
		 * file pins the mapping meanwhile */
		struct file *fpin = NULL;

		if (fault_flag_allow_retry_first(vmf->flags) &&
		    !(vmf->flags & FAULT_FLAG_RETRY_NOWAIT)) {
			fpin = get_file(vmf->vma->vm_file);
			release_fault_lock(vmf);
		}
		balance_dirty_pages_ratelimited(m);
		if (fpin) {
			fput(fpin);
			return VM_FAULT_COMPLETED;
		}
	}
	return 0;
}

/* A write fault on an empty PTE of a shared file mapping (Linux
 * do_shared_fault): page_mkwrite, then the page mapped writable and dirty. */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	vm_fault_t ret, tmp;

	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	page = vmf->page;
	if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
		unlock_page(page);
		tmp = do_page_mkwrite(vmf);
		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(page);
			return tmp;
		}
	}
	get_page(page); /* finish_fault consumes one reference */
	ret |= finish_fault(vmf, false);
	vmf->page = page;
	ret |= fault_dirty_shared_page(vmf);
	put_page(page);
	return ret;
}

static vm_fault_t do_fault(struct vm_fault *vmf)
{
	/* No PTE table allocated here: as in Linux, fault-around installs one
	 * only when it maps (filemap_map_pages) and finish_fault when the
	 * fault gives a page; a fault that fails leaves the PMD empty. */
	mmap_assert_locked(vmf->vma->vm_mm);
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vmf->vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/* ----------------------------------------------------- copy-on-write -- */

/* Make the write-protected PTE writable in place.  Unlocks the PTE. */
static vm_fault_t wp_page_reuse(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(vmf->orig_pte)), vma);

	ptl_assert_held(vmf->ptl);
	ptep_set_access_flags(vma, vmf->address, vmf->pte, entry, 1);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	count_vm_event(PGREUSE);
	return 0;
}

/* Linux wp_can_reuse_anon_folio: our PTE holds the only reference.  With
 * the PTE lock held no new mapping of the page can appear (an anonymous
 * page is reachable only through page tables). */
static bool wp_can_reuse_anon_folio(struct page *page, struct vm_area_struct *vma)
{
	if (page_ref_count(page) > 1 + PageSwapCache(page))
		return false;
	if (PageSwapCache(page)) { /* the cache's reference may go */
		if (!trylock_page(page))
			return false;
		folio_free_swap(page);
		unlock_page(page);
	}
	if (page_ref_count(page) != 1)
		return false;
	folio_move_anon_rmap(page, vma);
	return true;
}

/* Install the new page in place of orig_pte (PTE locked, unchanged).  With
 * `fill`, the copy of old (or the zeroing, for the zero page) is made here,
 * after the new page's counters, rmap and LRU add and before the PTE is
 * cleared (see wp_page_copy_locked). */
static void wp_page_replace(struct vm_fault *vmf, struct page *old, struct page *new, bool fill)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t entry = maybe_mkwrite(pte_mkdirty(mk_pte(new, vma->vm_page_prot)), vma);

	if (!old) {
		inc_mm_counter(mm, MM_ANONPAGES);
	} else if (!PageAnon(old)) {
		dec_mm_counter(mm, mm_counter(old));
		inc_mm_counter(mm, MM_ANONPAGES);
	}
	folio_add_new_anon_rmap(new, vma, vmf->address);
	folio_add_lru_vma(new, vma);
	if (fill) {
		if (old)
			copy_user_highpage(new, old);
		else
			clear_user_highpage(new);
	}
	ptep_clear_flush(vma, vmf->address, vmf->pte);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	if (old) {
		folio_remove_rmap_pte(old);
		munlock_vma_folio(old, vma); /* Linux __folio_remove_rmap */
	}
	count_vm_event(COW_FAULT);
}

/*
 * Linux wp_page_copy: a private copy of the page (or a zeroed page for the
 * zero page).  Entered with no PTE lock and a reference on vmf->page (if
 * any), which it drops.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *old = vmf->page, *new = NULL;
	vm_fault_t ret = VM_FAULT_OOM;

	if (anon_vma_prepare(vma))
		goto out_put_old;
	new = alloc_user_page(!old);
	if (!new)
		goto out_put_old;
	if (old)
		copy_user_highpage(new, old);
	ret = 0;
	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		wp_page_replace(vmf, old, new, false);
		new = old; /* drop the old PTE's reference below */
	}
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
	if (new)
		put_page(new);
out_put_old:
	if (old)
		put_page(old);
	return ret;
}

/* Linux finish_mkwrite_fault: after page_mkwrite, make the PTE writable if
 * it is still the one that faulted.  Returns with the PTE lock dropped. */
static vm_fault_t finish_mkwrite_fault(struct vm_fault *vmf)
{
	vmf->pte = pte_offset_map_lock(vmf->vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte)
		return VM_FAULT_NOPAGE;
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		return VM_FAULT_NOPAGE;
	}
	return wp_page_reuse(vmf);
}

/* A write to a read-only PTE of a shared mapping (Linux wp_page_shared):
 * write-notify through page_mkwrite, the PTE made writable and dirty, the
 * page dirtied.  Entered with the PTE lock held. */
static vm_fault_t wp_page_shared(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vmf->page;
	vm_fault_t tmp;

	ptl_assert_held(vmf->ptl);
	if (!page)
		return wp_page_reuse(vmf); /* a raw PFN (VM_PFNMAP) */
	get_page(page);
	if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		tmp = do_page_mkwrite(vmf);
		if (!tmp || (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) {
			put_page(page);
			return tmp;
		}
		tmp = finish_mkwrite_fault(vmf);
		if (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
			unlock_page(page);
			put_page(page);
			return tmp;
		}
	} else {
		wp_page_reuse(vmf);
		lock_page(page);
	}
	tmp = fault_dirty_shared_page(vmf);
	put_page(page);
	return tmp;
}

/* The copy's page when it can be had without waiting: from the CPU's page
 * lists or the buddy lists above the watermark, no reclaim, no reserves,
 * so no IPI is served or sent (the PTE lock may be held). */
#define GFP_COPY_NOWAIT \
	((GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN | __GFP_NOMEMALLOC)

/*
 * wp_page_copy without dropping the PTE lock (mmkit; Linux drops it because
 * its allocation may sleep).  When the VMA has its anon_vma and a page can
 * be had without waiting, the copy (or the zeroing, for the zero page) is
 * made and installed under the lock the fault already holds: the PTE needs
 * no second lookup and recheck, the old page no extra reference.  Nothing
 * can change the old page meanwhile: its PTE is write-protected and
 * locked, and its refcount (> 1) keeps the other mappers from reusing it.
 * The fault-injection site is consulted once, as on Linux's path.
 * The order differs from Linux's (copy, then rmap, LRU add, set_pte): the
 * new page is prefetched for writing, its counters, rmap and LRU add come
 * next, then the copy, then ptep_clear_flush and set_pte.  Nothing can
 * reach the new page before set_pte either way: an rmap walk or reclaim's
 * unmap needs this PTE lock, and the LRU batch holds a reference.  Done
 * this way, the page's lines arrive while the bookkeeping runs, and the
 * copy's stores reach the cache before the PTE's xchg instead of making it
 * wait (docs/PERFORMANCE.md, "Page faults", session 8).
 * Returns true with the fault done (PTE unlocked, *ret set), false with
 * nothing done (PTE still locked).
 */
static bool wp_page_copy_locked(struct vm_fault *vmf, vm_fault_t *ret)
{
	struct page *old = vmf->page, *new;

	ptl_assert_held(vmf->ptl);
	if (unlikely(!vmf->vma->anon_vma))
		return false;
	new = alloc_page(GFP_COPY_NOWAIT);
	if (!new)
		return false;
	*ret = 0;
	if (unlikely(should_fail(&user_page_fail))) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		__free_page(new);
		*ret = VM_FAULT_OOM;
		return true;
	}
	prefetchw_user_page(new);
	wp_page_replace(vmf, old, new, true);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	if (old)
		put_page(old); /* the old PTE's reference */
	return true;
}

/* Linux do_wp_page.  Entered with the PTE lock held; returns with it dropped. */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
	vm_fault_t ret;

	ptl_assert_held(vmf->ptl);
	vmf->page = page;
	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE))
		return wp_page_shared(vmf);
	/* Before the reuse checks read the old struct page, so that its miss
	 * and the source's overlap.  A reused page pays 64 prefetches. */
	if (page)
		prefetch_user_page(page);
	if (page && PageAnon(page) &&
	    (PageAnonExclusive(page) || wp_can_reuse_anon_folio(page, vma))) {
		SetPageAnonExclusive(page);
		return wp_page_reuse(vmf);
	}
	if (wp_page_copy_locked(vmf, &ret))
		return ret;
	if (page)
		get_page(page);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return wp_page_copy(vmf);
}

/* ------------------------------------------------------------ swap-in -- */

/* Linux handle_pte_marker: a guard region is SIGSEGV, a poisoned entry
 * (a slot swapoff could not read back) SIGBUS. */
static vm_fault_t handle_pte_marker(struct vm_fault *vmf)
{
	unsigned long marker = pte_marker_get(pte_to_swp_entry(vmf->orig_pte));

	if (marker & PTE_MARKER_GUARD)
		return VM_FAULT_SIGSEGV;
	if (marker & PTE_MARKER_POISONED)
		return VM_FAULT_HWPOISON;
	return VM_FAULT_SIGBUS;
}

/* Linux should_try_to_free_swap: drop the page's slot when swapping in? */
static bool should_try_to_free_swap(struct page *page, struct vm_area_struct *vma,
				    unsigned int fault_flags)
{
	if (!PageSwapCache(page))
		return false;
	if (vm_swap_full() || (vma->vm_flags & VM_LOCKED) || PageMlocked(page))
		return true;
	/* to map it writable, the cache's reference must go: likely worth it
	 * when ours and the cache's are the only ones */
	return (fault_flags & FAULT_FLAG_WRITE) && page_ref_count(page) == 2;
}

/* The page of the swap PTE, locked, still the entry's swap-cache page,
 * with a reference; NULL with *ret set (0: retry, VM_FAULT_OOM). */
static struct page *swapin_page(struct vm_fault *vmf, swp_entry_t entry, vm_fault_t *ret)
{
	struct page *page = swap_cache_get_folio_vmf(entry, vmf);

	if (!page) {
		page = swapin_readahead(entry, vmf);
		if (!page) {
			/* gone meanwhile (another fault, swapoff): retry; else OOM */
			vmf->pte = pte_offset_map_lock(vmf->vma->vm_mm, vmf->pmd, vmf->address,
						       &vmf->ptl);
			if (vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))
				*ret = VM_FAULT_OOM;
			if (vmf->pte)
				pte_unmap_unlock(vmf->pte, vmf->ptl);
			return NULL;
		}
		*ret = VM_FAULT_MAJOR;
		count_vm_event(PGMAJFAULT);
	}
	lock_page(page);
	if (!PageSwapCache(page) || page_swap_entry(page).val != entry.val) {
		unlock_page(page); /* freed from the cache meanwhile: retry */
		put_page(page);
		return NULL;
	}
	return page;
}

/* Map the uptodate swap-cache page in place of the swap PTE (PTE locked,
 * unchanged): the reference of swapin_page becomes the PTE's. */
static void swapin_map(struct vm_fault *vmf, struct page *page, swp_entry_t entry)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	bool exclusive = pte_swp_exclusive(vmf->orig_pte);
	pte_t pte;

	swap_free(entry);
	if (should_try_to_free_swap(page, vma, vmf->flags))
		folio_free_swap(page);
	inc_mm_counter(mm, MM_ANONPAGES);
	dec_mm_counter(mm, MM_SWAPENTS);
	pte = mk_pte(page, vma->vm_page_prot);
	if (pte_swp_soft_dirty(vmf->orig_pte))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(vmf->orig_pte))
		pte = pte_mkuffd_wp(pte);
	/* As do_wp_page, but certain: exclusive by the swap PTE, or the
	 * fault holds the only reference. */
	if (exclusive || page_ref_count(page) == 1) {
		if (vma->vm_flags & VM_WRITE) {
			pte = pte_mkwrite(pte);
			if (vmf->flags & FAULT_FLAG_WRITE) {
				pte = pte_mkdirty(pte);
				vmf->flags &= ~FAULT_FLAG_WRITE;
			}
		}
		exclusive = true;
	}
	folio_add_anon_rmap_swapin(page, vma, vmf->address, exclusive);
	set_pte_at(mm, vmf->address, vmf->pte, pte);
	vmf->orig_pte = pte;
}

/*
 * Linux do_swap_page (6.18, order-0 pages, a swap file that is not
 * SWP_SYNCHRONOUS_IO: every swap-in goes through the swap cache).  No lock
 * held but mmap_lock.  0, VM_FAULT_MAJOR (the page was read), VM_FAULT_OOM,
 * VM_FAULT_SIGBUS (the read failed: the entry stays), or a marker's result.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	struct swap_info_struct *si;
	struct page *page;
	vm_fault_t ret = 0;

	if (non_swap_entry(entry))
		return is_pte_marker_entry(entry) ? handle_pte_marker(vmf) : VM_FAULT_SIGBUS;
	si = get_swap_device(entry);
	if (!si)
		return 0; /* swapoff took it back meanwhile */
	page = swapin_page(vmf, entry, &ret);
	if (!page)
		goto out;
	vmf->pte = pte_offset_map_lock(vmf->vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte || !pte_same(ptep_get(vmf->pte), vmf->orig_pte))
		goto out_nomap;
	if (!PageUptodate(page)) {
		ret = VM_FAULT_SIGBUS; /* the read failed: the entry stays */
		goto out_nomap;
	}
	swapin_map(vmf, page, entry);
	unlock_page(page);
	if (vmf->flags & FAULT_FLAG_WRITE) { /* not exclusive: COW or reuse */
		ret |= do_wp_page(vmf);
		goto out;
	}
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	goto out;
out_nomap:
	if (vmf->pte)
		pte_unmap_unlock(vmf->pte, vmf->ptl);
	unlock_page(page);
	put_page(page);
out:
	put_swap_device(si);
	return ret;
}

/* ---------------------------------------------------------- dispatch -- */

static vm_fault_t handle_present_pte(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pte_t entry;

	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl);
	if (!vmf->pte)
		return 0;
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		pte_unmap_unlock(vmf->pte, vmf->ptl);
		return 0; /* changed meanwhile: retry */
	}
	entry = vmf->orig_pte;
	if (pte_protnone(entry)) /* not left by mmkit in accessible VMAs */
		entry = pte_modify(entry, vma->vm_page_prot);
	if (write && !pte_write(entry))
		return do_wp_page(vmf);
	if (write)
		entry = pte_mkdirty(entry);
	ptep_set_access_flags(vma, vmf->address, vmf->pte, pte_mkyoung(entry), write);
	pte_unmap_unlock(vmf->pte, vmf->ptl);
	return 0;
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	pmd_t pmdval = pmdp_get(vmf->pmd);

	vmf->orig_pte = __pte(0);
	if (!pmd_none(pmdval) && !pmd_leaf(pmdval))
		vmf->orig_pte = ptep_get(pte_offset_map(vmf->pmd, vmf->address));
	if (pte_none(vmf->orig_pte))
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) : do_fault(vmf);
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);
	return handle_present_pte(vmf);
}

/* Linux mm_account_fault: pgfault for every fault that is not retried;
 * the task's maj_flt or min_flt for every one that succeeded (major: it
 * waited for I/O).  The ones populate makes count for the current task,
 * as gup's do in Linux. */
static void mm_account_fault(vm_fault_t ret, unsigned int flags)
{
	struct task_struct *t;

	if (ret & VM_FAULT_RETRY)
		return;
	count_vm_event(PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return;
	t = this_cpu() ? current : NULL;
	if (!t)
		return;
	if ((ret & VM_FAULT_MAJOR) || (flags & FAULT_FLAG_TRIED))
		t->maj_flt++;
	else
		t->min_flt++;
}

void release_fault_lock(struct vm_fault *vmf) { mmap_read_unlock(vmf->vma->vm_mm); }

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.real_address = address,
		.flags = flags,
		.pgoff = linear_page_index(vma, address),
	};
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret = VM_FAULT_OOM;
	p4dp_t p4d;
	pudp_t pud;

	mmap_assert_locked(vma->vm_mm);
	p4d = p4d_alloc(mm, pgd_offset(mm, address), address);
	pud = p4d ? pud_alloc(mm, p4d, address) : NULL;
	vmf.pmd = pud ? pmd_alloc(mm, pud, address) : NULL;
	/* no table, or the THP preparation (mm/huge_memory.c) failed: OOM */
	if (vmf.pmd && !(vma_is_anonymous(vma) && thp_huge_fault_prepare(&vmf)))
		ret = handle_pte_fault(&vmf);
	mm_account_fault(ret, flags);
	return ret;
}
