/*
 * pte_move_prot.c - the page-table side of mprotect and mremap (Linux
 * mm/mprotect.c change_pte_range, mm/mremap.c move_ptes), behind the seams
 * change_protection() and move_page_tables() that mm/mprotect.c and
 * mm/mremap.c call with mmap_lock held for write.
 *
 * change_protection rewrites every present PTE of the range with the VMA's
 * new vm_page_prot (pte_modify keeps the PFN, A, D and the software bits).
 * Like Linux it makes a PTE writable at once only when no write fault is
 * needed to keep the semantics: an exclusive anonymous page of a private
 * writable VMA, or a dirty page of a shared writable one; the others stay
 * read-only until their write fault (COW, dirty tracking).  The TLBs of the
 * range are flushed on every CPU that may cache them before the call
 * returns, so a narrowed right takes effect at once.
 *
 * move_page_tables moves each PTE of the old range to the same offset of
 * the new range, page by page: the pages keep their mapcount, RSS and
 * anon rmap (the new VMA has the old one's anon_vma chain and pgoff).  The
 * old range's TLB entries are flushed before the locks are dropped.  Linux
 * moves whole PTE tables when both ranges are PMD aligned (move_normal_pmd);
 * mmkit always moves entries, so VmPTE can differ after such a move.  If a
 * destination page table cannot be allocated the remaining PTEs stay in the
 * old range (Linux moves them back and fails mremap; mmkit's seam cannot
 * fail yet).
 */
#include "mmkit/memory.h"
#include "mmkit/pagewalk.h"
#include "mmkit/rmap.h"

struct prot_walk {
	struct vm_area_struct *vma;
	bool flush;
};

static bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (!(vma->vm_flags & VM_WRITE) || !pte_present(pte) || pte_protnone(pte))
		return false;
	if (vma->vm_flags & VM_SHARED)
		return pte_dirty(pte);
	page = vm_normal_page(vma, addr, pte);
	return page && PageAnon(page) && PageAnonExclusive(page);
}

/* One PTE, with its table's lock held by the walk (Linux
 * change_pte_range's body). */
static int prot_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct prot_walk *w = walk->private;
	struct mm_struct *mm = w->vma->vm_mm;
	pte_t old = ptep_get(pte), new;

	if (pte_none(old) || !pte_present(old))
		return 0;
	old = ptep_get_and_clear(mm, addr, pte);
	new = pte_modify(old, w->vma->vm_page_prot);
	if (can_change_pte_writable(w->vma, addr, new))
		new = pte_mkwrite(new);
	set_pte_at(mm, addr, pte, new);
	w->flush = true;
	return 0;
}

static const struct mm_walk_ops prot_walk_ops = { .pte_entry = prot_pte };

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct prot_walk w = { .vma = vma };

	vma_assert_write_locked(vma);
	walk_page_range_vma(vma, start, end, &prot_walk_ops, &w);
	if (w.flush)
		flush_tlb_range(vma, start, end);
}

/* -------------------------------------------------------------- move -- */

struct move_walk {
	struct vm_area_struct *vma, *new_vma;
	long delta; /* new_addr - old_addr */
	bool failed;
};

/* The destination PTE table's pmd for new_addr, allocated on the way. */
static pmdp_t dst_pmd(struct mm_struct *mm, unsigned long addr)
{
	p4dp_t p4d = p4d_alloc(mm, pgd_offset(mm, addr), addr);
	pudp_t pud = p4d ? pud_alloc(mm, p4d, addr) : NULL;
	pmdp_t pmd = pud ? pmd_alloc(mm, pud, addr) : NULL;

	if (!pmd || pte_alloc(mm, pmd))
		return NULL;
	return pmd;
}

/* Move the PTEs of [addr, end) (one old table, one new table at most:
 * the caller splits at the new range's table boundaries). */
static void move_ptes(struct move_walk *w, pmdp_t old_pmd, pmdp_t new_pmd, unsigned long addr,
		      unsigned long end)
{
	struct mm_struct *mm = w->vma->vm_mm;
	ptlock_t *old_ptl, *new_ptl;
	ptep_t old_pte = pte_offset_map_lock(mm, old_pmd, addr, &old_ptl);
	ptep_t new_pte;
	unsigned long a;

	if (!old_pte)
		return;
	new_ptl = pte_lockptr(mm, new_pmd);
	if (new_ptl != old_ptl)
		ptl_lock(new_ptl);
	new_pte = pte_offset_map(new_pmd, addr + w->delta);
	for (a = addr; a != end; a += PAGE_SIZE) {
		pte_t pte = ptep_get(old_pte);

		if (!pte_none(pte)) {
			pte = ptep_get_and_clear(mm, a, old_pte);
			set_pte_at(mm, a + w->delta, new_pte, pte);
		}
		old_pte = pte_next(old_pte);
		new_pte = pte_next(new_pte);
	}
	flush_tlb_range(w->vma, addr, end);
	if (new_ptl != old_ptl)
		ptl_unlock(new_ptl);
	ptl_unlock(old_ptl);
}

/* Where the piece from addr ends: the end of the source PMD range (end),
 * or earlier where the destination crosses into another PTE table (Linux
 * get_extent). */
static unsigned long move_extent(const struct move_walk *w, unsigned long addr, unsigned long end)
{
	unsigned long new = addr + w->delta, boundary = (new &PMD_MASK) + PMD_SIZE;

	return boundary - 1 < new + (end - addr) - 1 ? boundary - w->delta : end;
}

static int move_pmd(pmdp_t old_pmd, unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	struct move_walk *w = walk->private;

	while (addr != end && !w->failed) {
		unsigned long next = move_extent(w, addr, end);
		pmdp_t new_pmd = dst_pmd(w->new_vma->vm_mm, addr + w->delta);

		if (!new_pmd) {
			w->failed = true;
			break;
		}
		move_ptes(w, old_pmd, new_pmd, addr, next);
		addr = next;
	}
	return w->failed ? -1 : 0;
}

static const struct mm_walk_ops move_walk_ops = { .pmd_entry = move_pmd };

void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		      struct vm_area_struct *new_vma, unsigned long new_addr, unsigned long len)
{
	mmap_assert_write_locked(new_vma->vm_mm);
	/* Only new_vma is used: copy_vma may have merged the source VMA into
	 * it (and freed the source struct), as Linux's copy_vma allows for an
	 * unfaulted VMA. */
	struct move_walk w = { .vma = new_vma,
			       .new_vma = new_vma,
			       .delta = (long)(new_addr - old_addr) };

	(void)vma;
	/* Linux take_rmap_locks: a walker of the file's i_mmap
	 * (unmap_mapping_pages) must not visit the destination before the
	 * PTEs arrive and the source after they left */
	vma_lock_file(new_vma);
	walk_page_range_novma(new_vma->vm_mm, old_addr, old_addr + len, &move_walk_ops, NULL, &w);
	vma_unlock_file(new_vma);
	if (w.failed)
		printk("mremap: out of memory for page tables; PTEs left at %#lx\n", old_addr);
}
