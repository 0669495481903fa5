/*
 * rmap.h - reverse mapping of pages to the PTEs that map them (Linux
 * include/linux/rmap.h, mm/rmap.c).
 *
 * Counts (one order-0 page; no large folios in mmkit yet):
 *   _mapcount + 1 == number of PTEs mapping the page (the shared zero page
 *                    is never counted: vm_normal_page skips it)
 *   _refcount     == _mapcount + 1 + (1 if in a page cache) + transient refs
 * Anonymous pages: mapping = anon_vma | PAGE_MAPPING_ANON, index = the linear
 * page index (vma->vm_pgoff + (addr - vm_start) / PAGE_SIZE), identical for
 * every VMA that maps the page; PG_anon_exclusive when one mm owns it
 * (Linux 6.x PageAnonExclusive: a write may reuse it without copying).
 * Page-cache pages: mapping = the address_space, index = file page offset.
 * Per-node statistics: NR_ANON_MAPPED counts anonymous pages with
 * _mapcount >= 0, NR_FILE_MAPPED mapped page-cache (and shmem) pages.
 */
#ifndef MMKIT_RMAP_H
#define MMKIT_RMAP_H

#include "mmkit/mm.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"

static inline bool PageAnonExclusive(const struct page *p)
{
	return test_page_flag(p, PG_anon_exclusive);
}
static inline void SetPageAnonExclusive(struct page *p) { set_page_flag(p, PG_anon_exclusive); }
static inline void ClearPageAnonExclusive(struct page *p) { clear_page_flag(p, PG_anon_exclusive); }

static inline struct anon_vma *page_anon_vma(const struct page *p)
{
	unsigned long m = (unsigned long)p->mapping;

	return (m & PAGE_MAPPING_ANON) ? (struct anon_vma *)(m - PAGE_MAPPING_ANON) : NULL;
}
static inline unsigned long linear_page_index(const struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* The anon_vma lock (the root's): write to change avc lists, read to walk. */
void anon_vma_lock_write(struct anon_vma *av);
void anon_vma_unlock_write(struct anon_vma *av);
void anon_vma_lock_read(struct anon_vma *av);
void anon_vma_unlock_read(struct anon_vma *av);

/* All with the PTE lock of the PTE held (the page is being (un)mapped there). */
/* A new anonymous page, now mapped once at addr of vma: mapcount 0,
 * mapping/index set, exclusive, NR_ANON_MAPPED + 1, swap-backed, uptodate. */
void folio_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
/* do_swap_page / swapoff: one more PTE maps the locked swap-cache page: a
 * page read from swap becomes anonymous here (vma's anon_vma, or its root
 * when not exclusive), one still anonymous from before gets a mapping
 * more; exclusive sets PG_anon_exclusive. */
void folio_add_anon_rmap_swapin(struct page *page, struct vm_area_struct *vma, unsigned long addr,
				bool exclusive);
/* fork: the child's PTE maps the page too; it is no longer exclusive. */
void folio_dup_anon_rmap_pte(struct page *page);
/* One more PTE of vma maps a page-cache page (NR_FILE_MAPPED on the
 * first); mlocked if vma is VM_LOCKED (mlock_vma_folio). */
void folio_add_file_rmap_pte(struct page *page, struct vm_area_struct *vma);
/* One PTE less; the last one takes the page out of NR_*_MAPPED. */
void folio_remove_rmap_pte(struct page *page);
/* do_wp_page reusing a page: make it belong to vma's own anon_vma. */
void folio_move_anon_rmap(struct page *page, struct vm_area_struct *vma);

/* Walk every VMA that may map the anonymous page (through its anon_vma
 * tree) and call fn with the address the page would have there; stop when
 * fn returns false.  Takes the anon_vma lock for read. */
typedef bool (*rmap_one_t)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   void *arg);
void rmap_walk_anon(struct page *page, rmap_one_t fn, void *arg);
/* The same for a page-cache page: every VMA on its file's i_mmap that
 * covers its index.  Takes i_mmap_rwsem for read. */
void rmap_walk_file(struct page *page, rmap_one_t fn, void *arg);
/* The PTE slot mapping page at addr in vma's mm, or NULL (software walk, no
 * lock: for verify with the machine quiescent; page_vma_mapped_walk). */
ptep_t page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr);

/* An anon_vma for vma if it has none (the first write fault).  Caller holds
 * mmap_lock (read is enough).  0 or -ENOMEM. */
int anon_vma_prepare(struct vm_area_struct *vma);

#endif
