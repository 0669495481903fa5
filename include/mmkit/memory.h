/*
 * memory.h - the page-fault path and what acts on user page tables (Linux
 * include/linux/mm.h, mm/memory.c, mm/gup.c, mm/filemap.c, mm/shmem.c):
 * handle_mm_fault and its vm_fault_t outcomes, the shared zero page,
 * vm_normal_page, RSS counters, zapping and freeing page tables, fork's
 * copy_page_range, population (MAP_POPULATE, mlock, MADV_POPULATE_*), the
 * page cache of files and shmem objects.
 *
 * Locking (the full order is at the top of mm/rmap.c):
 *   faults            mmap_lock read (write while expanding a stack)
 *   zap/free tables   mmap_lock write (exit, MAP_FIXED, mremap moves), read
 *                     after the downgrade of munmap, brk and mremap shrinks
 *                     (their VMAs already out of the tree), or read
 *                     (MADV_DONTNEED, which frees no tables)
 *   a PTE             its table's split lock (pte_offset_map_lock)
 */
#ifndef MMKIT_MEMORY_H
#define MMKIT_MEMORY_H

#include "mmkit/mm.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/swapops.h"

/* ---- fault outcomes (include/linux/mm_types.h vm_fault_reason) ---- */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_MAJOR 0x000004
#define VM_FAULT_HWPOISON 0x000010
#define VM_FAULT_SIGSEGV 0x000040
#define VM_FAULT_NOPAGE 0x000100
#define VM_FAULT_LOCKED 0x000200
#define VM_FAULT_RETRY 0x000400
#define VM_FAULT_COMPLETED 0x004000
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

/* fault_flag (include/linux/mm_types.h) */
#define FAULT_FLAG_WRITE 0x01
#define FAULT_FLAG_MKWRITE 0x02
#define FAULT_FLAG_ALLOW_RETRY 0x04  /* the handler may drop mmap_lock for I/O: VM_FAULT_RETRY */
#define FAULT_FLAG_RETRY_NOWAIT 0x08 /* ... but must not wait with it dropped */
#define FAULT_FLAG_KILLABLE 0x10
#define FAULT_FLAG_TRIED 0x20  /* a retry: the lock is not dropped again */
#define FAULT_FLAG_REMOTE 0x80 /* not current's mm (populate from another task) */
#define FAULT_FLAG_USER 0x40
#define FAULT_FLAG_INSTRUCTION 0x100
#define FAULT_FLAG_UNSHARE 0x400

/* The state of one fault (Linux struct vm_fault). */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address; /* page aligned */
	unsigned long real_address;
	unsigned int flags;
	unsigned long pgoff; /* file/linear page index of address */
	pmdp_t pmd;
	ptep_t pte; /* with ptl held, or NULL */
	ptlock_t *ptl;
	pte_t orig_pte;
	struct page *page; /* the page the PTE maps (vm_normal_page) */
};

/* Handle a fault at address in vma.  Caller holds mmap_lock for read; no
 * other lock.  Returns 0 (the access can be retried) or VM_FAULT_* error
 * bits; with FAULT_FLAG_ALLOW_RETRY also VM_FAULT_RETRY (the handler
 * dropped mmap_lock to wait for I/O, nothing was mapped: retry the fault
 * with FAULT_FLAG_TRIED) or VM_FAULT_COMPLETED (done, and mmap_lock was
 * dropped).  Counts pgfault and the task's min_flt/maj_flt (Linux
 * mm_account_fault: a fault that was retried is a major one). */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags);

/* A first attempt that may drop the fault lock (Linux fault_flag_allow_retry_first). */
static inline bool fault_flag_allow_retry_first(unsigned int flags)
{
	return (flags & FAULT_FLAG_ALLOW_RETRY) && !(flags & FAULT_FLAG_TRIED);
}

/* Drop the lock the fault holds (Linux release_fault_lock: mmap_lock, read). */
void release_fault_lock(struct vm_fault *vmf);

/* The page a present PTE maps for rmap purposes: NULL for the shared zero
 * page and special entries (Linux vm_normal_page). */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte);

/* Map page frame pfn at addr of a VM_PFNMAP VMA from a fault handler (a
 * special PTE).  Returns VM_FAULT_NOPAGE or VM_FAULT_OOM. */
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);

/* ---- transparent huge page policy (mm/huge_memory.c; no huge pages) ---- */
enum tva_type { TVA_SMAPS, TVA_PAGEFAULT, TVA_FORCED_COLLAPSE };
/* The PMD-aligned window around addr lies in vma, pgoff aligned too. */
bool thp_vma_suitable(const struct vm_area_struct *vma, unsigned long addr);
/* May vma have PMD-size THPs (the reference's "madvise" mode)? */
bool thp_vma_allowable(const struct vm_area_struct *vma, unsigned long vm_flags,
		       enum tva_type type);
/* A fault Linux would serve with a huge page gives the VMA its anon_vma
 * first; call with mmap_lock held before the PTE table is allocated.
 * 0 or VM_FAULT_OOM. */
vm_fault_t thp_huge_fault_prepare(struct vm_fault *vmf);
/* MADV_COLLAPSE of [start, end) inside vma; mmap_lock held.  0 or -EINVAL. */
int madvise_collapse(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* ---- the shared zero page (mm/memory.c) ---- */
extern unsigned long zero_pfn;
/* zero_pfn is 0 until the first zero-page fault (pfn 0 is never a user page). */
static inline bool is_zero_pfn(unsigned long pfn) { return pfn == READ_ONCE(zero_pfn) && pfn; }
static inline struct page *ZERO_PAGE(void) { return pfn_to_page(zero_pfn); }
/*
 * Linux mm_forbids_zeropage (include/linux/pgtable.h; an architecture hook,
 * true for s390 KVM guests): the zero page must not be mapped.  A read
 * fault of private anonymous memory then allocates a page as a write fault
 * does (writable and dirty in a writable VMA), and a read fault that Linux
 * serves with a huge page allocates one instead of the huge zero page.
 * The machine setting zero_page=0 turns it on (machine_config.no_zero_page):
 * a kernel booted without the zero page, as this project's development VM
 * is (pvm_no_zero_page=1; docs/TESTING.md).
 */
static inline bool mm_forbids_zeropage(const struct mm_struct *mm)
{
	(void)mm;
	return mmk->cfg.no_zero_page;
}

/* ---- PTE markers (Linux pte_marker, MADV_GUARD_INSTALL) ----
 * A guard marker is Linux's: a swap entry of type SWP_PTE_MARKER with
 * PTE_MARKER_GUARD as its offset, in the mode's swap PTE format
 * (include/mmkit/swapops.h).  A fault on it is SIGSEGV; MADV_DONTNEED
 * keeps it, munmap and exit drop it, fork copies it, mremap moves it,
 * MADV_GUARD_REMOVE clears it. */
static inline pte_t make_guard_marker(void) { return make_pte_marker(PTE_MARKER_GUARD); }
static inline bool is_guard_marker(pte_t p)
{
	return is_pte_marker(p) && (pte_marker_get(pte_to_swp_entry(p)) & PTE_MARKER_GUARD);
}

/* ---- RSS counters (mm->rss_stat, pages; per-CPU counters as Linux) ---- */
/* On a CPU thread: the delta goes to the CPU's share of the counter. */
static inline void add_mm_counter(struct mm_struct *mm, int member, long v)
{
	percpu_counter_add(&mm->rss_stat[member], v);
}
static inline void inc_mm_counter(struct mm_struct *mm, int member)
{
	add_mm_counter(mm, member, 1);
}
static inline void dec_mm_counter(struct mm_struct *mm, int member)
{
	add_mm_counter(mm, member, -1);
}
/* The folded part (Linux get_mm_counter): cheap, off by the CPUs' deltas. */
static inline unsigned long get_mm_counter(const struct mm_struct *mm, int member)
{
	return (unsigned long)percpu_counter_read_positive(&mm->rss_stat[member]);
}
/* The exact value (Linux get_mm_counter_sum): views, verify, hiwater. */
static inline unsigned long get_mm_counter_sum(const struct mm_struct *mm, int member)
{
	return (unsigned long)percpu_counter_sum_positive(&mm->rss_stat[member]);
}
static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}
static inline unsigned long get_mm_rss_sum(const struct mm_struct *mm)
{
	return get_mm_counter_sum(mm, MM_FILEPAGES) + get_mm_counter_sum(mm, MM_ANONPAGES) +
	       get_mm_counter_sum(mm, MM_SHMEMPAGES);
}
/* The counter a mapped page is accounted in (Linux mm_counter). */
int mm_counter(const struct page *page);
/* hiwater_rss = max(hiwater_rss, rss) (before RSS drops: unmap, exit). */
void update_hiwater_rss(struct mm_struct *mm);

/* ---- tearing down (mm/zap.c; walks are mm/pagewalk.c's) ---- */
/* exit_mmap's page side: every page and user page table of mm. */
void exit_mmap_pages(struct mm_struct *mm);
/* Unmap every page of [start, end) in vma and flush the TLBs that may hold
 * them before any freed page can be reused.  Caller holds mmap_lock. */
void zap_page_range_single(struct vm_area_struct *vma, unsigned long start, unsigned long size);
/* Linux unmap_mapping_pages: unmap file pages [first, first + nr) of m
 * from every VMA on m->i_mmap, in every mm; private COW copies stay unless
 * even_cows (truncation).  Caller may hold its own mmap_lock (read); takes
 * i_mmap_rwsem for read, then PTE locks. */
void unmap_mapping_pages(struct address_space *m, unsigned long first, unsigned long nr,
			 bool even_cows);
/* munmap's page side: zap [start, end) over the VMAs from vma on (linked by
 * vm_next: in the tree, or detached by munmap), then free the tables no VMA
 * between prev and next needs.  Caller holds mmap_lock for write, or for
 * read once the VMAs are detached (munmap's downgrade). */
void unmap_region(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		  unsigned long end, struct vm_area_struct *prev, struct vm_area_struct *next);

/* ---- fork (mm/copy_page_range.c) ---- */
/* Copy src_vma's PTEs into dst_vma (same range, the child's mm), write-
 * protecting private writable ones in both.  Caller holds both mmap_locks
 * for write.  0 or -ENOMEM (a page table could not be allocated). */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);

/* ---- population (mm/gup.c) ---- */
/* Fault in [start, end) of vma as MAP_POPULATE/mlock do.  Caller holds
 * mmap_lock (read or write).  With locked (only under the read lock) a
 * fault may drop the lock to wait for I/O: *locked becomes 0.  Returns the
 * pages done (all, or up to the dropped lock), or -errno. */
long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			     int *locked);
/* __mm_populate: every VMA of [start, start+len), takes mmap_lock read
 * (mm_populate in mm/mmap.c ignores the errors). */
int __mm_populate(unsigned long start, unsigned long len, bool ignore_errors);
/* Fault in [uaddr, uaddr + size) for reading (Linux fault_in_readable):
 * the bytes that could not be. */
size_t fault_in_readable(unsigned long uaddr, size_t size);
/* MADV_POPULATE_READ/WRITE: 0, -ENOMEM (hole), -EFAULT, -EINVAL... */
int faultin_page_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool write);
/*
 * The page at addr of current's mm for a core dump (Linux get_dump_page,
 * FOLL_FORCE | FOLL_DUMP).  Caller holds mmap_lock for read.  Returns 0
 * with *pagep the page (a reference: put_page it) or NULL for a hole:
 *   - no VMA, VM_IO/VM_PFNMAP, no VM_MAYREAD: a hole;
 *   - the shared zero page or a PTE with no struct page: a hole;
 *   - an empty entry of anonymous memory (no fault handler): a hole, and
 *     nothing is allocated;
 *   - an empty entry of a file, shmem or special VMA, or a non-present one
 *     (swapped out): faulted in with a read fault, as FOLL_FORCE does,
 *     unless the page lies past the end of the file (a hole);
 *   - a fault that ends in SIGSEGV (a guard marker): a hole.
 * mmkit departs from Linux in one point, so a dump is never silently
 * incomplete: a fault that runs out of memory gives -ENOMEM and one that
 * ends in SIGBUS (a read error) -EIO, where Linux leaves a hole.
 */
int get_dump_page(unsigned long addr, struct page **pagep);

/* ---- mprotect / mremap page side (the seams of mm/mprotect.c, mremap.c) ---- */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		      struct vm_area_struct *new_vma, unsigned long new_addr, unsigned long len);
int madvise_pages(struct vm_area_struct *vma, unsigned long start, unsigned long end, int behavior);

/* ---- the page cache of files and shmem objects (mm/filemap.c, mm/shmem.c) ---- */
/* The page at index with a reference taken, or NULL. */
struct page *filemap_get_page(struct address_space *mapping, unsigned long index);
/* Remove the pages of [start, end) (indexes) from the cache (truncate,
 * Linux truncate_inode_pages_range): each under its page lock, unmapped
 * first from every VMA of the file if a fault mapped it since the caller's
 * unmap_mapping_pages.  Sleeps (page locks, i_mmap_rwsem): no spinlock
 * held. */
void filemap_remove_range(struct address_space *mapping, unsigned long start, unsigned long end);
/* filemap_remove_range's step for one page the caller has locked: unmapped
 * if mapped, then out of the cache (Linux truncate_inode_folio).  No-op if
 * it left the cache already. */
void truncate_inode_page(struct address_space *mapping, struct page *page);
/* The page lock (PG_locked, Linux's folio lock; a sleeping lock whose
 * waiters serve IPIs).  A page-cache page is mapped by a fault and taken
 * out of the cache only under it, so no fault maps a page truncation has
 * removed.  Order: mmap_lock -> page lock -> i_mmap_rwsem -> PTE lock. */
#ifdef CONFIG_LOCKDEP
extern struct lockdep_map page_lock_dep_map; /* class "PG_locked" */
#endif
static inline bool __trylock_page(struct page *page)
{
	if (atomic_fetch_or_explicit(&page->flags, 1UL << PG_locked, memory_order_acquire) &
	    (1UL << PG_locked))
		return false;
#ifdef CONFIG_LOCKDEP
	lock_acquire(page, &page_lock_dep_map, false, true);
#endif
	return true;
}
#define trylock_page(page) LOCK_SITE(__trylock_page(page))
void __lock_page(struct page *page);
#define lock_page(page) LOCK_SITE(__lock_page(page))
static inline void unlock_page(struct page *page)
{
	lock_release(page);
	atomic_fetch_and_explicit(&page->flags, ~(1UL << PG_locked), memory_order_release);
}
/* The lock of a page whose count reclaim froze at 0 to free it: no one can
 * hold a reference to wait with, so a plain store ends it (Linux
 * __folio_clear_locked in shrink_folio_list). */
static inline void __unlock_page_frozen(struct page *page)
{
	lock_release(page);
	__ClearPageLocked(page);
}
/* A locked page handed to an asynchronous I/O request (submit_bio): the
 * lock is the request's now, no task's (lockdep forgets it), and the
 * request's completion ends it with unlock_page_io, on whatever CPU runs
 * it. */
static inline void page_lock_handoff(struct page *page) { lock_release(page); }
static inline void unlock_page_io(struct page *page)
{
	atomic_fetch_and_explicit(&page->flags, ~(1UL << PG_locked), memory_order_release);
}
/* The private mapping of an identity-only file, created on first use.
 * NULL on -ENOMEM. */
struct address_space *file_mapping(struct file *file);
/* Drop every page and free the mapping (its inode or file goes). */
void mapping_release(struct address_space *mapping);
/* The page at vmf->pgoff of m, created zeroed if missing, with a reference
 * (not locked): identity-only files.  0 or VM_FAULT_OOM. */
vm_fault_t filemap_get_or_create(struct address_space *m, struct vm_fault *vmf);
/* Give a shared anonymous VMA its shmem object.  0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma);
/* The rest of the page cache: include/mmkit/pagemap.h. */

#endif
