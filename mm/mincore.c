/*
 * mincore.c - mincore(2) (Linux mm/mincore.c): one byte per page of a
 * range, 1 when the page is resident.  A page is resident when a present
 * PTE maps it, or, where no PTE maps it (none, or a guard marker), when its
 * file's page cache holds it (shmem, file mappings); anonymous holes are 0.
 * A swapped-out page (a swap PTE, or a shmem page whose cache slot holds
 * its swap entry) is resident when its page is in the swap cache and
 * uptodate (mincore_swap); a PTE marker reads as an empty PTE.
 *
 * The range is walked one VMA at a time with mm/pagewalk.c: pte_entry
 * for each PTE of a table (the walk holds the PTE lock) and pte_hole for
 * the ranges without a table.  A VMA whose page-cache state the caller may
 * not learn (Linux can_do_mincore: not anonymous and no file, i.e. the
 * special mappings [vdso], [vvar]) reads as all resident.  A range that
 * runs into a gap fails with -ENOMEM after the VMAs before the gap were
 * reported, as Linux's loop does.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/memory.h"
#include "mmkit/pagemap.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/* Linux mincore_swap: is the entry's page in the swap cache, uptodate? */
static unsigned char mincore_swap(swp_entry_t entry)
{
	struct page *page = swap_cache_lookup(entry);
	unsigned char present = page && PageUptodate(page);

	if (page)
		put_page(page);
	return present;
}

/* Is page index of the mapping in its page cache (and up to date), or,
 * for a swapped shmem page, in the swap cache? */
static unsigned char mincore_page(struct address_space *m, unsigned long index)
{
	void *entry = filemap_get_entry(m, index);
	unsigned char present = 0;

	if (entry && xa_is_value_entry(entry)) /* shmem's swap entry, or a shadow */
		return m->shmem ? mincore_swap((swp_entry_t){ xa_to_value(entry) }) : 0;
	if (entry) {
		present = PageUptodate((struct page *)entry);
		put_page(entry);
	}
	return present;
}

/* [addr, end) of the walk's VMA has no PTE mapping it. */
static void mincore_unmapped(unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	unsigned char *vec = walk->private;
	unsigned long i, nr = (end - addr) >> PAGE_SHIFT;

	if (vma->vm_file && vma->vm_file->f_mapping) {
		unsigned long pgoff = linear_page_index(vma, addr);

		for (i = 0; i < nr; i++)
			vec[i] = mincore_page(vma->vm_file->f_mapping, pgoff + i);
	} else {
		memset(vec, 0, nr);
	}
	walk->private = vec + nr;
}

static int mincore_hole(unsigned long addr, unsigned long end, int depth, struct mm_walk *walk)
{
	mincore_unmapped(addr, end, walk);
	return 0;
}

static int mincore_pte(ptep_t ptep, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	pte_t pte = ptep_get(ptep);
	unsigned char *vec = walk->private;

	if (pte_none(pte) || is_pte_marker(pte)) {
		mincore_unmapped(addr, next, walk);
		return 0;
	}
	if (pte_present(pte) || !is_swap_entry_pte(pte))
		*vec = 1; /* mapped, or a migration entry (Linux: resident) */
	else
		*vec = mincore_swap(pte_to_swp_entry(pte));
	walk->private = vec + 1;
	return 0;
}

static const struct mm_walk_ops mincore_walk_ops = {
	.pte_entry = mincore_pte,
	.pte_hole = mincore_hole,
};

/* Linux can_do_mincore: mmkit has no file permissions; a file VMA's owner
 * is its process. */
static bool can_do_mincore(const struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) || vma->vm_file;
}

/* One VMA's part of the range from addr, at most `pages` pages, into vec.
 * Returns the pages done, or -ENOMEM when addr is in no VMA.  Caller holds
 * mmap_lock. */
static long do_mincore(struct mm_struct *mm, unsigned long addr, unsigned long pages,
		       unsigned char *vec)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	unsigned long end;

	mmap_assert_locked(mm);
	if (!vma)
		return -ENOMEM;
	end = min(vma->vm_end, addr + (pages << PAGE_SHIFT));
	if (!can_do_mincore(vma)) {
		memset(vec, 1, (end - addr) >> PAGE_SHIFT);
		return (long)((end - addr) >> PAGE_SHIFT);
	}
	walk_page_range_vma(vma, addr, end, &mincore_walk_ops, vec);
	return (long)((end - addr) >> PAGE_SHIFT);
}

long sys_mincore(unsigned long start, size_t len, unsigned char *vec)
{
	struct mm_struct *mm = current->mm;
	unsigned long pages;
	long done = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (start > TASK_SIZE || len > TASK_SIZE - start)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	mmap_read_lock(mm);
	while (pages) {
		done = do_mincore(mm, start, pages, vec);
		if (done <= 0)
			break;
		pages -= (unsigned long)done;
		vec += done;
		start += (unsigned long)done << PAGE_SHIFT;
	}
	mmap_read_unlock(mm);
	return done < 0 ? done : 0;
}
