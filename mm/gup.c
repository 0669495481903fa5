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
 *
 * get_dump_page is the core dump's page lookup (Linux __get_user_pages with
 * FOLL_FORCE | FOLL_DUMP): see its contract below.
 */
#include <errno.h>
#include "mmkit/memory.h"
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"

/* Is addr mapped in mm with the access (software walk, follow_page)? */
static bool page_mapped_for(struct mm_struct *mm, unsigned long addr, bool write)
{
	phys_addr_t phys;
	u64 leaf;

	if (!mm->pgd || follow_phys(mm, addr, &phys, &leaf, NULL))
		return false;
	return !write || (leaf & _PAGE_RW);
}

static long fault_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			bool write)
{
	unsigned long addr;

	for (addr = start; addr < end;) {
		vm_fault_t ret;

		if (page_mapped_for(vma->vm_mm, addr, write)) {
			addr += PAGE_SIZE;
			continue;
		}
		ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
		if (!(ret & VM_FAULT_RETRY))    /* RETRY: truncated meanwhile, again */
			addr += PAGE_SIZE;
	}
	return 0;
}

long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

	mmap_assert_locked(vma->vm_mm);
	if (vma->vm_flags & VM_LOCKONFAULT)
		return 0;
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	return fault_range(vma, start, end, write);
}

int __mm_populate(unsigned long start, unsigned long len, bool ignore_errors)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + len, nstart, nend;
	struct vm_area_struct *vma;
	long ret = 0;

	mmap_read_lock(mm);
	for (nstart = start; nstart < end; nstart = nend) {
		vma = find_vma_intersection(mm, nstart, end);
		if (!vma)
			break;
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		ret = populate_vma_page_range(vma, max(nstart, vma->vm_start), nend);
		if (ret < 0 && !ignore_errors)
			break;
		ret = 0;
	}
	mmap_read_unlock(mm);
	return (int)ret;
}

/* MADV_POPULATE_READ/WRITE over [start, end).  Caller holds mmap_lock read. */
int faultin_page_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool write)
{
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
		ret = fault_range(vma, start, vend, write);
		if (ret)
			return (int)ret;
		start = vend;
	}
	return 0;
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
		*pagep = vm_normal_page(vma, addr, v);   /* NULL: zero page, special */
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
		return false;                 /* special mappings, identity files */
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
			return 0;                 /* a guard marker: Linux's hole */
		if (ret & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON))
			return -EIO;              /* read error (mmkit: not a silent hole) */
	}
	return 0;
}
