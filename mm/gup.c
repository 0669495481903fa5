/*
 * gup.c - faulting pages in on behalf of a process (Linux mm/gup.c
 * populate_vma_page_range, __mm_populate, faultin_page_range).
 *
 * MAP_POPULATE, MAP_LOCKED, mlock and brk with MCL_FUTURE prefault their
 * range the way Linux does: a private writable VMA is touched with write
 * faults (breaking COW and allocating real pages), anything else with read
 * faults (a private read-only VMA maps the shared zero page; shmem maps its
 * pages); PROT_NONE and VM_IO/VM_PFNMAP VMAs and VM_LOCKONFAULT ones are
 * skipped; errors are ignored (mm_populate).  MADV_POPULATE_READ/WRITE
 * fault the same way but report: -ENOMEM for a hole or when memory ran out,
 * -EINVAL for a VMA whose flags refuse the access (VM_IO/VM_PFNMAP, no
 * VM_WRITE for a write, no VM_READ for a read: check_vma_flags), -EFAULT
 * for a fault that ends in SIGBUS/SIGSEGV.  A page already mapped with the needed access
 * is not faulted again (follow_page).  Faults taken here count in pgfault.
 * A fault that has to wait for I/O drops mmap_lock (FOLL_UNLOCKABLE, except
 * for mprotect's populate): populate goes on afresh, MADV_POPULATE retries.
 *
 * get_dump_page is the core dump's page lookup (Linux __get_user_pages with
 * FOLL_FORCE | FOLL_DUMP): see its contract below.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/* Is addr mapped in mm with the access (software walk, follow_page)? */
static bool page_mapped_for(struct mm_struct *mm, unsigned long addr, bool write)
{
	phys_addr_t phys;
	u64 leaf;

	if (!mm->pgd || follow_phys(mm, addr, &phys, &leaf, NULL))
		return false;
	return !write || (leaf & _PAGE_RW);
}

/* FOLL_TOUCH (Linux follow_page_pte): the page mapped at addr, found after
 * its fault or already there, counts as accessed.  Caller holds mmap_lock. */
static void follow_page_touch(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pgdp_t pgd = pgd_offset(mm, addr);
	struct page *page;
	ptlock_t *ptl;
	p4dp_t p4d;
	pudp_t pud;
	pmdp_t pmd;
	ptep_t pte;
	pte_t v;

	if (pgd_none(pgdp_get(pgd)))
		return;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(p4dp_get(p4d)))
		return;
	pud = pud_offset(p4d, addr);
	if (pud_none(pudp_get(pud)) || pud_leaf(pudp_get(pud)))
		return;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(pmdp_get(pmd)) || pmd_leaf(pmdp_get(pmd)))
		return;
	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return;
	v = ptep_get(pte);
	page = pte_present(v) ? vm_normal_page(vma, addr, v) : NULL;
	/* An mlocked page already moved to the unevictable list keeps
	 * PG_referenced; one still in this CPU's mlock batch is evictable
	 * yet, and a second access activates it (folio_mark_accessed). */
	if (page)
		folio_mark_accessed(page);
	pte_unmap_unlock(pte, ptl);
}

/*
 * Fault [start, end) of vma in (Linux __get_user_pages + faultin_page).
 * With locked (FOLL_UNLOCKABLE) a fault may drop mmap_lock to wait for I/O
 * (VM_FAULT_RETRY, or VM_FAULT_COMPLETED after write throttling): then
 * *locked = 0 and the pages done before it are returned; the caller takes
 * the lock again and goes on from there.  extra: FAULT_FLAG_TRIED for the
 * first page (a retry).  Returns the pages done (all of them, or up to a
 * dropped lock), or -errno for a fault that failed before any page.
 */
static long fault_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			bool write, int *locked, unsigned int extra)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned int flags = (write ? FAULT_FLAG_WRITE : 0) | (addr == start ? extra : 0);
		vm_fault_t ret;

		if (page_mapped_for(vma->vm_mm, addr, write)) {
			follow_page_touch(vma, addr);
			continue;
		}
		if (locked)
			flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
		ret = handle_mm_fault(vma, addr, flags);
		if (ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) {
			*locked = 0;
			break;
		}
		if (ret & VM_FAULT_ERROR) {
			if (addr > start)
				break;
			return ret & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
		}
		follow_page_touch(vma, addr); /* gup's retry finds the page */
	}
	return (long)((addr - start) >> PAGE_SHIFT);
}

static long populate_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			   int *locked, unsigned int extra)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	long ret;

	mmap_assert_locked(vma->vm_mm);
	if (vma->vm_flags & VM_LOCKONFAULT)
		return (long)((end - start) >> PAGE_SHIFT);
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	ret = fault_range(vma, start, end, write, locked, extra);
	/* as Linux: this CPU's batches move, so the pages just mlocked are
	 * unevictable (and keep PG_referenced) when the call returns */
	lru_add_drain();
	return ret;
}

long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			     int *locked)
{
	return populate_range(vma, start, end, locked, 0);
}

/*
 * Linux __mm_populate: VMA by VMA; where a fault dropped mmap_lock the walk
 * takes it again and goes on at that page (a fresh fault, not a retry).
 * One difference: where faults of the same page have dropped the lock
 * twice in a row with nothing done, the next one is made with
 * FAULT_FLAG_TRIED, which may not drop it.  In Linux that loop ends
 * because a page-cache allocation that fails (filemap_fault's, after its
 * readahead dropped the lock) means an OOM kill, and __get_user_pages
 * stops on the fatal signal; an allocation failure injected here comes
 * with no kill, and the walk would fault the page forever.  The retried
 * fault gives VM_FAULT_OOM instead.
 */
int __mm_populate(unsigned long start, unsigned long len, bool ignore_errors)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + len, nstart, nend, dropped_at = ~0UL;
	struct vm_area_struct *vma = NULL;
	int locked = 0, drops = 0;
	long ret = 0;

	for (nstart = start; nstart < end; nstart = nend) {
		if (!locked) {
			locked = 1;
			mmap_read_lock(mm);
			vma = find_vma_intersection(mm, nstart, end);
		} else if (nstart >= vma->vm_end) {
			vma = find_vma_intersection(mm, vma->vm_end, end);
		}
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		if (nstart < vma->vm_start)
			nstart = vma->vm_start;
		ret = populate_range(vma, nstart, nend, &locked,
				     dropped_at == nstart && drops >= 2 ? FAULT_FLAG_TRIED : 0);
		if (ret < 0) {
			if (ignore_errors) {
				ret = 0;
				continue;
			}
			break;
		}
		if (!locked && !ret) {
			drops = dropped_at == nstart ? drops + 1 : 1;
			dropped_at = nstart;
		} else {
			dropped_at = ~0UL;
		}
		nend = nstart + ((unsigned long)ret << PAGE_SHIFT);
		ret = 0;
	}
	if (locked)
		mmap_read_unlock(mm);
	return (int)ret;
}

static int faultin_range_locked(struct mm_struct *mm, unsigned long start, unsigned long end,
				bool write)
{
	unsigned int tried = 0;
	int locked = 1;

	mmap_assert_locked(mm);
	while (start < end) {
		struct vm_area_struct *vma = vma_lookup(mm, start);
		unsigned long vend;
		long ret;

		if (!vma)
			return -ENOMEM;
		/* check_vma_flags failing is -EINVAL for FOLL_MADV_POPULATE */
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			return -EINVAL;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;
		vend = min(end, vma->vm_end);
		ret = fault_range(vma, start, vend, write, &locked, tried);
		if (ret < 0)
			return (int)ret;
		start += (unsigned long)ret << PAGE_SHIFT;
		tried = 0;
		if (!locked) {
			mmap_read_lock(mm);
			locked = 1;
			tried = FAULT_FLAG_TRIED;
		}
	}
	return 0;
}

/* MADV_POPULATE_READ/WRITE over [start, end) (Linux madvise_populate and
 * __get_user_pages_locked).  Caller holds mmap_lock read; a fault that
 * dropped it is redone once the lock is back, as a retry
 * (FAULT_FLAG_TRIED: it counts as a major fault).  This CPU's LRU and
 * mlock batches are moved at the end, as Linux's faultin_page_range does. */
int faultin_page_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool write)
{
	int ret = faultin_range_locked(mm, start, end, write);

	lru_add_drain();
	return ret;
}

/* Linux fault_in_readable: touch each page of [uaddr, uaddr + size) as a
 * read from user space does, faulting it in.  Returns the bytes that could
 * not be (0: all of them are in). */
size_t fault_in_readable(unsigned long uaddr, size_t size)
{
	unsigned long end = uaddr + size, cur;
	char c;

	if (!size)
		return 0;
	if (end < uaddr || end > TASK_SIZE_MAX)
		return size;
	for (cur = uaddr; cur && cur < end; cur = (cur + PAGE_SIZE) & PAGE_MASK)
		if (copy_from_user(&c, cur, 1))
			break;
	return size - min((size_t)(max(cur, uaddr) - uaddr), size);
}

/* ---- the core dump's pages ---- */

enum dump_pte { DUMP_NONE, DUMP_NOT_PRESENT, DUMP_HOLE, DUMP_PAGE };

/* Linux follow_page_mask for FOLL_DUMP: what addr's page-table entry holds,
 * with a reference on the page it maps.  No allocation.  mmkit maps no huge
 * user pages, so a PMD leaf cannot be met here (treated as a hole). */
static enum dump_pte follow_dump_pte(struct vm_area_struct *vma, unsigned long addr,
				     struct page **pagep)
{
	struct mm_struct *mm = vma->vm_mm;
	enum dump_pte r = DUMP_HOLE;
	pgdp_t pgd = pgd_offset(mm, addr);
	p4dp_t p4d;
	pudp_t pud;
	pmdp_t pmd;
	ptlock_t *ptl;
	ptep_t pte;
	pte_t v;

	if (pgd_none(pgdp_get(pgd)))
		return DUMP_NONE;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(p4dp_get(p4d)))
		return DUMP_NONE;
	pud = pud_offset(p4d, addr);
	if (pud_none(pudp_get(pud)))
		return DUMP_NONE;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(pmdp_get(pmd)))
		return DUMP_NONE;
	pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return DUMP_HOLE;
	v = ptep_get(pte);
	if (pte_none(v)) {
		r = DUMP_NONE;
	} else if (!pte_present(v)) {
		r = DUMP_NOT_PRESENT;
	} else {
		*pagep = vm_normal_page(vma, addr, v); /* NULL: zero page, special */
		if (*pagep) {
			get_page(*pagep);
			r = DUMP_PAGE;
		}
	}
	pte_unmap_unlock(pte, ptl);
	return r;
}

/* Is addr's page of a file VMA wholly past the end of the file (where a
 * fault is SIGBUS, which FOLL_DUMP turns into a hole)? */
static bool dump_beyond_eof(struct vm_area_struct *vma, unsigned long addr)
{
	struct file *f = vma->vm_file;
	unsigned long size;

	if (!f || (vma->vm_flags & VM_PFNMAP) || !(f->f_inode || f->shmem))
		return false; /* special mappings, identity files */
	size = f->f_inode ? (unsigned long)i_size_read(f->f_inode) : f->size;
	return linear_page_index(vma, addr) >= (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* FOLL_DUMP's rule for an empty entry (Linux no_page_table): a hole where
 * a fault would surely fill in zeros (anonymous memory, no fault handler),
 * else fault the page in. */
static bool dump_none_is_hole(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) || !vma->vm_ops || !vma->vm_ops->fault;
}

int get_dump_page(unsigned long addr, struct page **pagep)
{
	struct vm_area_struct *vma = vma_lookup(current->mm, addr);
	int tries;

	*pagep = NULL;
	/* check_vma_flags with FOLL_FORCE: no I/O or PFN maps, VM_MAYREAD */
	if (!vma || (vma->vm_flags & (VM_IO | VM_PFNMAP)) || !(vma->vm_flags & VM_MAYREAD))
		return 0;
	for (tries = 0; tries < 3; tries++) {
		enum dump_pte r = follow_dump_pte(vma, addr, pagep);
		vm_fault_t ret;

		if (r == DUMP_PAGE || r == DUMP_HOLE)
			return 0;
		if ((r == DUMP_NONE && dump_none_is_hole(vma)) || dump_beyond_eof(vma, addr))
			return 0;
		ret = handle_mm_fault(vma, addr & PAGE_MASK, 0);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_SIGSEGV)
			return 0; /* a guard marker: Linux's hole */
		if (ret & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON))
			return -EIO; /* read error (mmkit: not a silent hole) */
	}
	return 0;
}
