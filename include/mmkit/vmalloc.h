/*
 * vmalloc.h - virtually contiguous kernel memory (include/linux/vmalloc.h):
 * vmalloc/vzalloc/vfree, vmap/vunmap, and the two trees that manage the
 * VMALLOC_START..VMALLOC_END range (mm/vmalloc.c, mm/vmalloc_tree.c).
 *
 * Addresses.  A vmap_area holds simulated kernel virtual addresses (KVA):
 * that is what the page tables, /proc/vmallocinfo and scenarios see.  What
 * vmalloc() returns to C code is a HOST pointer into the vmalloc window, a
 * host reservation the size of the managed range in which each mapped page is
 * an alias (MAP_SHARED of the RAM memfd) of the same frame, so the returned
 * memory is contiguous for C code although its frames are not:
 *
 *     host = vmalloc_window + (kva - VMALLOC_START)
 *
 * vmalloc_kva_of()/vmalloc_host_of() convert; kva_of()/host_of_kva()
 * (mm/page_alloc.c) call them for addresses outside the direct map.
 *
 * Invariants (checked by `verify`, mm/vmalloc.c)
 *   free areas and busy areas tile [VMALLOC_START, vmalloc_end) exactly,
 *     without overlap; two free areas never touch (they are merged)
 *   busy area: va_end - va_start == vm->size == pages * PAGE_SIZE + guard,
 *     guard == PAGE_SIZE unless VM_NO_GUARD; its PTEs map vm->pages[i] at
 *     va_start + i * PAGE_SIZE and the guard page has no PTE
 *   free tree node: subtree_max_size == max(va_size) over its subtree
 *   nr_vmalloc_pages == sum of nr_pages over busy VM_ALLOC areas
 */
#ifndef MMKIT_VMALLOC_H
#define MMKIT_VMALLOC_H

#include "mmkit/compiler.h"
#include "mmkit/gfp.h"
#include "mmkit/list.h"
#include "mmkit/mm_types.h"
#include "mmkit/pgtable.h"
#include "mmkit/vmalloc_window.h"

/* vm_struct->flags (include/linux/vmalloc.h names; mmkit's values) */
#define VM_IOREMAP 0x00000001UL	      /* ioremap() and friends (not used yet) */
#define VM_ALLOC 0x00000002UL	      /* vmalloc() */
#define VM_MAP 0x00000004UL	      /* vmap()ed pages */
#define VM_USERMAP 0x00000008UL	      /* suitable for remap_vmalloc_range */
#define VM_UNINITIALIZED 0x00000020UL /* being set up: hidden from vmallocinfo */
#define VM_NO_GUARD 0x00000040UL      /* no guard page after the area */

struct page;

/*
 * struct vm_struct - one busy area's descriptor (Linux's, minus the list
 * link).  addr is the host pointer C code uses; size includes the guard page
 * (get_vm_area_size() excludes it).  pages[] holds nr_pages frames for
 * VM_ALLOC; for VM_MAP mmkit keeps a private copy of the mapped pages in
 * pages[] (nr_pages stays 0 as in Linux, so vmallocinfo prints no pages=),
 * so that verify can check the PTEs.
 */
struct vm_struct {
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
	unsigned int nr_mapped; /* pages[] entries that are mapped */
	phys_addr_t phys_addr;
	const void *caller;	 /* return address, resolved by dladdr */
	const char *caller_name; /* or an explicit name (stable output) */
};

static inline unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return (vm->flags & VM_NO_GUARD) ? vm->size : vm->size - PAGE_SIZE;
}

/*
 * struct vmap_area - a range [va_start, va_end) of the vmalloc space, free
 * or busy.  It sits in exactly one tree (free or busy) or none; the tree
 * links are an AVL tree ordered by va_start plus an address-ordered list.
 */
struct vmap_area {
	unsigned long va_start;
	unsigned long va_end; /* exclusive; a busy area includes its guard page */
	struct vmap_area *left, *right, *parent;
	int height;			/* AVL height, a leaf is 1 */
	unsigned long subtree_max_size; /* free tree: largest va_size in this subtree */
	struct list_head list;		/* address order within its tree */
	struct vm_struct *vm;		/* busy: the descriptor */
};

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

/*
 * struct vmap_tree - an address-ordered AVL tree of vmap_areas with an
 * address-ordered list through the same nodes (Linux: an rb_root plus a
 * list_head, free_vmap_area_root/list and the busy root/list).  With
 * `augmented`, every node also keeps subtree_max_size, which lets
 * vmap_tree_lowest_match() find the lowest fitting free area in O(log n).
 * Callers serialise access with the lock of the tree's owner.
 */
struct vmap_tree {
	struct vmap_area *root;
	struct list_head head;
	unsigned long nr;
	bool augmented;
};

void vmap_tree_init(struct vmap_tree *t, bool augmented);
/* Link va (not in any tree) in address order.  BUG()s on overlap. */
void vmap_tree_insert(struct vmap_tree *t, struct vmap_area *va);
/* Unlink va from t. */
void vmap_tree_erase(struct vmap_tree *t, struct vmap_area *va);
/* The area containing addr (va_start <= addr < va_end), or NULL. */
struct vmap_area *vmap_tree_find(const struct vmap_tree *t, unsigned long addr);
/* The first area whose va_end > addr (the one containing addr or the next
 * one above it), or NULL. */
struct vmap_area *vmap_tree_find_above(const struct vmap_tree *t, unsigned long addr);
/* va's bounds changed without changing its order: fix subtree_max_size up
 * to the root (augment_tree_propagate_from). */
void vmap_tree_propagate(struct vmap_tree *t, struct vmap_area *va);
/* Lowest-addressed area in an augmented tree in which an aligned block of
 * `size` fits (find_vmap_lowest_match).  align is a power of two >= PAGE_SIZE. */
struct vmap_area *vmap_tree_lowest_match(const struct vmap_tree *t, unsigned long size,
					 unsigned long align);
/* Neighbours in address order, or NULL. */
struct vmap_area *vmap_tree_prev(const struct vmap_tree *t, const struct vmap_area *va);
struct vmap_area *vmap_tree_next(const struct vmap_tree *t, const struct vmap_area *va);
#define vmap_tree_for_each(va, t) list_for_each_entry(va, &(t)->head, list)

/*
 * Free-tree operations on top of the tree (mm/vmalloc_tree.c).
 *
 * va_clip() carves the busy range [start, start + size) out of the free area
 * va (which must contain it).  The four cases of Linux's classify_va_fit_type:
 * the whole area (va leaves the tree and is returned for the caller to free),
 * its left edge, its right edge, or its middle (which needs a second node:
 * *spare is consumed and set to NULL).  Returns NULL except in the first case.
 *
 * va_merge_or_insert() returns a range to the free tree, merging it with the
 * free neighbours it touches (merge_or_add_vmap_area).  Nodes that the merge
 * made unnecessary are stored in unused[] (0, 1 or 2 of them) for the caller
 * to free; the count is returned.  *merged is set to the node that now holds
 * the range.
 */
struct vmap_area *va_clip(struct vmap_tree *t, struct vmap_area *va, unsigned long start,
			  unsigned long size, struct vmap_area **spare);
int va_merge_or_insert(struct vmap_tree *t, struct vmap_area *va, struct vmap_area *unused[2],
		       struct vmap_area **merged);

/* Structural check of a tree: order, no overlap, parent links, AVL heights
 * and balance, augmentation, list == in-order, node count; for a free tree
 * also that no two areas touch.  Calls report(arg, msg) per violation (at
 * most a few per kind) and returns the number of violations. */
int vmap_tree_check(const struct vmap_tree *t, bool is_free,
		    void (*report)(void *arg, const char *msg), void *arg);

/* ---------------------------------------------------------------- API -- */
/*
 * The allocator (mm/vmalloc.c).  Callable from any CPU thread, no locks held
 * (vfree and vunmap IPI every CPU for the TLB shootdown).  The makers return
 * a host pointer into the vmalloc window, or NULL; the failure reason goes to
 * the kernel log as Linux's warn_alloc does (unless __GFP_NOWARN).
 *
 * caller/caller_name: what /proc/vmallocinfo prints for the area; the plain
 * entry points record __builtin_return_address(0) (printed as symbol+off/size
 * when dladdr can resolve it), the scenario commands pass a fixed name so
 * that golden outputs are stable.
 */
void *__vmalloc_node_range(unsigned long size, unsigned long align, gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, const void *caller, const char *caller_name);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
/* Free a vmalloc()/vmap() area; NULL is a no-op; anything else WARNs. */
void vfree(const void *addr);
/* Map count pages at a fresh virtually contiguous range (flags: VM_MAP...). */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void *vmap_caller(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot,
		  const void *caller, const char *caller_name);
/* Undo vmap() (the pages stay allocated: they belong to the caller). */
void vunmap(const void *addr);

/* The busy area whose first byte is addr (host pointer), or NULL. */
struct vm_struct *find_vm_area(const void *addr);
/* The page mapped at a vmalloc host address (walks init_mm), or NULL. */
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);

/* meminfo: VmallocUsed = vmalloc_nr_pages() pages (vmalloc'ed pages, not
 * vmap'ed ones, as Linux), VmallocTotal = vmalloc_total_bytes(). */
unsigned long vmalloc_nr_pages(void);
unsigned long vmalloc_total_bytes(void);

/* Walk the busy areas in address order under the busy-tree lock (for
 * /proc/vmallocinfo).  fn must not call into vmalloc. */
void vmalloc_for_each_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg);
/* The lazily freed areas, parked until the next purge (lazy mode). */
void vmalloc_for_each_lazy_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg);

/*
 * Lazy mode (Linux's behaviour; off by default): vfree of a vmalloc area
 * clears its PTEs and flushes this CPU's TLB only, and parks the area, frames
 * included; once the parked areas span lazy_max_pages(), or an allocation
 * lacks room or frames, one shootdown of every CPU releases them all
 * (purge_vmap_area_lazy).  A CPU that cached a translation may read a freed
 * area until then, but never a reused frame.  Off: every vfree shoots down
 * every CPU, so a freed area oopses everywhere at once.  Turning it off
 * purges.  vm_unmap_aliases() purges now.  vmap'ed areas are always eager.
 */
void vmalloc_set_lazy_free(bool on);
bool vmalloc_lazy_free(void);
unsigned long vmalloc_lazy_nr_pages(void);
void vm_unmap_aliases(void);

/* The caller as /proc/vmallocinfo prints it ("name", "sym+0x1a/0x40" or
 * "0x..."). */
void vm_caller_str(const struct vm_struct *vm, char *buf, size_t len);

/* The managed part of the range: [VMALLOC_START, vmalloc_end).  Linux
 * manages all of VMALLOC_START..VMALLOC_END; mmkit caps it at the host
 * window (VMALLOC_WINDOW_MAX), see docs/ARCHITECTURE.md. */
extern unsigned long vmalloc_end;

/* ------------------------------------------------------- host window -- */
/* The host window (machine/vmalloc_window.c, include/mmkit/vmalloc_window.h)
 * mirrors [VMALLOC_START, vmalloc_end): conversions for kva_of()/host_of_kva()
 * and C code, pure arithmetic, valid for any address of the window (mapped or
 * not). */
static inline bool is_vmalloc_addr(const void *p)
{
	return (uintptr_t)p - (uintptr_t)vmalloc_window < vmalloc_window_size;
}
static inline unsigned long vmalloc_kva_of(const void *p)
{
	return VMALLOC_START + (unsigned long)((const u8 *)p - vmalloc_window);
}
/* Host pointer of a KVA in the managed range, or NULL. */
static inline void *vmalloc_host_of(unsigned long kva)
{
	return kva - VMALLOC_START < vmalloc_window_size ? vmalloc_window + (kva - VMALLOC_START) :
							   NULL;
}

/* Alias pages[0..nr) at window offset `off` (page aligned): one host mmap per
 * run of consecutive frames, pages already aliased there skipped.  0, or
 * -ENOMEM (fault site "vmalloc_window", or the host refused). */
int vmalloc_window_map(unsigned long off, struct page **pages, unsigned int nr);

#endif
