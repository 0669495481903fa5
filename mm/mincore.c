/*
 * mincore.c - mincore(2) (Linux mm/mincore.c): which pages of a range are
 * resident.  A mapped PTE is resident; an empty PTE of a file mapping is
 * resident if its page is in the file's page cache and uptodate (mmkit
 * grants every caller the right to see that: the files it maps are its
 * own); an empty PTE of anonymous memory is not.  A swapped-out page (a
 * swap PTE, or a shmem page whose cache slot holds its swap entry) is
 * resident if its page is in the swap cache and uptodate (mincore_swap).
 * Errors as Linux: an
 * unaligned start is -EINVAL, a range beyond the user address space or
 * running into a hole -ENOMEM (after the VMAs before it are reported).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/pagemap.h"
#include "mmkit/rmap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

struct mincore_walk {
	struct vm_area_struct *vma;
	unsigned char *vec;
	unsigned long start;
};

/* Linux mincore_swap: is the entry's page in the swap cache? */
static unsigned char mincore_swap(swp_entry_t entry)
{
	struct page *page = swap_cache_lookup(entry);
	unsigned char present = page && PageUptodate(page);

	if (page)
		put_page(page);
	return present;
}

static unsigned char mincore_page(struct address_space *m, unsigned long index)
{
	void *entry = filemap_get_entry(m, index);
	struct page *page = entry && !xa_is_value_entry(entry) ? entry : NULL;
	unsigned char present = page && PageUptodate(page);

	if (page)
		put_page(page);
	else if (entry)
		present = mincore_swap((swp_entry_t){ xa_to_value(entry) });
	return present;
}

static unsigned char mincore_unmapped(struct vm_area_struct *vma, unsigned long addr)
{
	struct address_space *m;

	if (!vma->vm_file)
		return 0;
	m = vma->vm_file->f_mapping;
	return m ? mincore_page(m, linear_page_index(vma, addr)) : 0;
}

static int mincore_pmd(pmdp_t pmd, unsigned long addr, unsigned long end, void *arg)
{
	struct mincore_walk *w = arg;
	ptlock_t *ptl;
	ptep_t pte = pte_offset_map_lock(w->vma->vm_mm, pmd, addr, &ptl);

	if (!pte)
		return 0;
	for (; addr != end; addr += PAGE_SIZE, pte = pte_next(pte)) {
		pte_t v = ptep_get(pte);

		if (pte_present(v))
			w->vec[(addr - w->start) >> PAGE_SHIFT] = 1;
		else if (is_swap_entry_pte(v))
			w->vec[(addr - w->start) >> PAGE_SHIFT] = mincore_swap(pte_to_swp_entry(v));
	}
	pte_unmap_unlock(pte, ptl);
	return 0;
}

/* One VMA's part [addr, end): present PTEs, then the empty ones. */
static void do_mincore(struct vm_area_struct *vma, unsigned long addr, unsigned long end,
		       unsigned char *vec)
{
	struct mincore_walk w = { .vma = vma, .vec = vec, .start = addr };
	unsigned long a;

	memset(vec, 0, (end - addr) >> PAGE_SHIFT);
	walk_pmd_range(vma->vm_mm, addr, end, mincore_pmd, &w);
	for (a = addr; a < end; a += PAGE_SIZE)
		if (!vec[(a - addr) >> PAGE_SHIFT])
			vec[(a - addr) >> PAGE_SHIFT] = mincore_unmapped(vma, a);
}

long sys_mincore(unsigned long start, size_t len, unsigned char *vec)
{
	struct mm_struct *mm = current->mm;
	unsigned long pages, end, addr;
	long ret = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (start + len < start || start + len > TASK_SIZE_MAX)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	end = start + (pages << PAGE_SHIFT);
	mmap_read_lock(mm);
	for (addr = start; addr < end; ) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long stop;

		if (!vma) {
			ret = -ENOMEM;
			break;
		}
		stop = min(end, vma->vm_end);
		do_mincore(vma, addr, stop, vec + ((addr - start) >> PAGE_SHIFT));
		addr = stop;
	}
	mmap_read_unlock(mm);
	return ret;
}
