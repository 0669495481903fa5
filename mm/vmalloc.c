/*
 * vmalloc.c - virtually contiguous kernel memory (Linux mm/vmalloc.c):
 * vmalloc, vzalloc, vfree, vmap, vunmap, the busy-area lookups behind them,
 * the data of /proc/vmallocinfo and meminfo's Vmalloc lines, and the
 * `verify` check of it all.
 *
 * Algorithm.  The managed range [VMALLOC_START, vmalloc_end) is tiled by
 * vmap_areas: free ones in an address-ordered tree augmented with the largest
 * free block of each subtree, busy ones in a second tree (vmalloc_tree.c).
 * An allocation takes the lowest free block that fits (size + one guard
 * page, VM_NO_GUARD aside) in O(log n) and clips it; it then allocates
 * order-0 frames one by one (they need not be contiguous), maps them into
 * init_mm's page tables (allocating tables on demand; arch/x86 copies a new
 * top-level kernel entry into every pgd) and aliases them in the
 * host window (machine/vmalloc_window.c) so that C code gets one contiguous
 * host pointer.  vfree unlinks the busy area, clears its PTEs, shoots the
 * range down from every CPU's TLB, and only then frees the frames (in
 * reverse order) and merges the range back into the free tree, so a freed
 * area is never reachable through a stale translation once its frames or
 * its addresses are reused.
 *
 * Lazy mode (vmalloc_set_lazy_free, off by default) batches the shootdown as
 * Linux's purge does: vfree clears the PTEs and flushes only this CPU, parks
 * the area (frames included) and, past lazy_max_pages(), one flush of every
 * CPU releases all parked areas.
 *
 * Differences from Linux (docs/ARCHITECTURE.md, vmalloc): the TLB flush is
 * eager by default; lazily freed areas keep their frames until the purge;
 * the trees are
 * AVL rather than red-black and cover only the managed range; there are no
 * per-node busy trees or vmap_block (vm_map_ram) caches.  vmap_areas come
 * from the "vmap_area" cache and vm_structs from kmalloc, as in Linux; the
 * page arrays are host allocations (Linux kmallocs or vmallocs them), each
 * behind a fault site.
 *
 * Lock order:
 *   vmap_area_lock                  busy tree (vmap_area_root)
 *     purge_vmap_area_lock          parked areas (lazy mode)
 *       free_vmap_area_lock         free tree; the three nest only in verify
 *   init_mm.page_table_lock         taken inside the pXd_alloc helpers, never with the above
 * No lock is held across the TLB shootdown (other CPUs must be able to run
 * the IPI while we wait).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mm.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagewalk.h"
#include "mmkit/pgtable.h"
#include "mmkit/slab.h"
#include "mmkit/tlbflush.h"
#include "mmkit/vmalloc.h"

/* --- guarded by free_vmap_area_lock --- */
static spinlock_t free_vmap_area_lock;
static struct vmap_tree free_vmap_area_root;
/* --- guarded by vmap_area_lock --- */
static spinlock_t vmap_area_lock;
static struct vmap_tree vmap_area_root;
/* --- per CPU, touched only by its CPU: a spare node for a middle clip --- */
static struct vmap_area *ne_fit_preload_node[MMK_MAX_CPUS];

/* --- guarded by purge_vmap_area_lock: lazily freed areas (lazy mode) --- */
static spinlock_t purge_vmap_area_lock;
static struct vmap_tree purge_vmap_area_root;

static _Atomic unsigned long vmap_lazy_nr; /* pages parked in purge_vmap_area_root */
static _Atomic bool vmap_lazy_free;	   /* the mode: see vmalloc_set_lazy_free() */
static _Atomic unsigned long nr_vmalloc_pages;
unsigned long vmalloc_end;

static DEFINE_FAULT_SITE(fail_vmap_area, "vmap_area_alloc");
static DEFINE_FAULT_SITE(fail_vm_struct, "vm_struct_alloc");
static DEFINE_FAULT_SITE(fail_vm_pages_array, "vmalloc_pages_array");
static DEFINE_FAULT_SITE(fail_vmalloc_window, "vmalloc_window");

/* ------------------------------------------------ descriptors ---- */

static struct kmem_cache *vmap_area_cachep;

/* From the "vmap_area" cache (Linux KMEM_CACHE(vmap_area, SLAB_PANIC)).
 * gfp: GFP_NOWAIT under free_vmap_area_lock.  NULL on -ENOMEM. */
static struct vmap_area *vmap_area_alloc(gfp_t gfp)
{
	if (should_fail(&fail_vmap_area))
		return NULL;
	return kmem_cache_zalloc(vmap_area_cachep, gfp);
}

static void vmap_area_free(struct vmap_area *va) { kmem_cache_free(vmap_area_cachep, va); }

/* kzalloc'ed, as Linux's (kmalloc-64).  NULL on -ENOMEM. */
static struct vm_struct *vm_struct_alloc(void)
{
	if (should_fail(&fail_vm_struct))
		return NULL;
	return kzalloc(sizeof(struct vm_struct), GFP_KERNEL);
}

static struct page **vm_pages_array_alloc(unsigned int nr)
{
	if (should_fail(&fail_vm_pages_array))
		return NULL;
	return calloc(nr, sizeof(struct page *));
}

/* warn_alloc() for vmalloc's failures; silent with __GFP_NOWARN. */
static __printf(2, 3) void vmalloc_warn(gfp_t gfp, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	if (gfp & __GFP_NOWARN)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("mmkit: %s, mode:%#x\n", msg, gfp);
}

/* ------------------------------------------ the address space ---- */

static void purge_vmap_area_lazy(void);

/* Refill this CPU's spare node before taking the free-tree lock, so that a
 * middle clip need not allocate under it (Linux ne_fit_preload_node). */
static void ne_fit_preload(void)
{
	struct cpu *c = this_cpu();

	if (c && !ne_fit_preload_node[c->id])
		ne_fit_preload_node[c->id] = vmap_area_alloc(GFP_KERNEL);
}

static struct vmap_area *ne_fit_take_spare(void)
{
	struct cpu *c = this_cpu();
	struct vmap_area *spare = NULL;

	if (c) {
		spare = ne_fit_preload_node[c->id];
		ne_fit_preload_node[c->id] = NULL;
	}
	return spare ? spare : vmap_area_alloc(GFP_NOWAIT);
}

/* Carve the lowest fitting block out of the free tree.  Called with
 * free_vmap_area_lock held.  Returns 0 and *addr, -ENOSPC (no block fits)
 * or -ENOMEM (the node for a middle clip); the tree is unchanged on error. */
static int __alloc_vmap_area(unsigned long size, unsigned long align, unsigned long *addr)
{
	struct vmap_area *va, *spare = NULL, *gone;
	unsigned long start;

	lockdep_assert_held(&free_vmap_area_lock);
	va = vmap_tree_lowest_match(&free_vmap_area_root, size, align);
	if (!va)
		return -ENOSPC;
	start = ALIGN(va->va_start, align);
	if (start != va->va_start && start + size != va->va_end) {
		spare = ne_fit_take_spare();
		if (!spare)
			return -ENOMEM;
	}
	gone = va_clip(&free_vmap_area_root, va, start, size, &spare);
	BUG_ON(spare);
	if (gone)
		vmap_area_free(gone);
	*addr = start;
	return 0;
}

/* Reserve size bytes (guard included) for vm and publish the busy area.
 * Returns the area, or NULL with the trees unchanged.  No locks held. */
static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align, gfp_t gfp,
					 struct vm_struct *vm)
{
	struct vmap_area *va = vmap_area_alloc(GFP_KERNEL);
	unsigned long addr;
	int err;

	if (!va)
		return NULL;
	ne_fit_preload();
	spin_lock(&free_vmap_area_lock);
	err = __alloc_vmap_area(size, max(align, PAGE_SIZE), &addr);
	spin_unlock(&free_vmap_area_lock);
	if (err == -ENOSPC && atomic_load(&vmap_lazy_nr)) { /* parked ranges: purge, retry */
		purge_vmap_area_lazy();
		spin_lock(&free_vmap_area_lock);
		err = __alloc_vmap_area(size, max(align, PAGE_SIZE), &addr);
		spin_unlock(&free_vmap_area_lock);
	}
	if (err) {
		if (err == -ENOSPC && !(gfp & __GFP_NOWARN))
			printk("vmap allocation for size %lu failed: use vmalloc=<size> to increase size\n",
			       size);
		vmap_area_free(va);
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	va->vm = vm;
	vm->addr = vmalloc_host_of(addr);
	vm->size = size;
	spin_lock(&vmap_area_lock);
	vmap_tree_insert(&vmap_area_root, va);
	spin_unlock(&vmap_area_lock);
	return va;
}

/* Give va's range back to the free tree, merging with its free neighbours. */
static void free_vmap_area(struct vmap_area *va)
{
	struct vmap_area *unused[2], *merged;
	int n;

	va->vm = NULL;
	spin_lock(&free_vmap_area_lock);
	n = va_merge_or_insert(&free_vmap_area_root, va, unused, &merged);
	spin_unlock(&free_vmap_area_lock);
	while (n--)
		vmap_area_free(unused[n]);
}

/* ------------------------------------------------ page tables ---- */

struct vmap_walk {
	pgprot_t prot;
	struct page **pages;
	unsigned int nr; /* pages mapped so far */
};

/* The next page goes into a none PTE (the walk allocated its tables). */
static int vmap_install_pte(unsigned long addr, unsigned long next, pte_t *pte,
			    struct mm_walk *walk)
{
	struct vmap_walk *w = walk->private;

	*pte = mk_pte(w->pages[w->nr++], w->prot);
	return 0;
}

/* A PTE of the range that is already in use: the range was not free. */
static int vmap_busy_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	WARN_ON(1);
	return -EBUSY;
}

static const struct mm_walk_ops vmap_walk_ops = {
	.install_pte = vmap_install_pte,
	.pte_entry = vmap_busy_pte,
};

/* Map pages[0..] at [addr, end) in init_mm with prot, allocating page
 * tables on the way (the kernel walk with install_pte); no TLB flush needed
 * (the range had no translation).  Returns 0 or -ENOMEM/-EBUSY; on error the
 * PTEs set so far stay and the caller's vfree/vunmap clears them. */
static int vmap_pages_range(unsigned long addr, unsigned long end, pgprot_t prot,
			    struct page **pages)
{
	struct vmap_walk w = { .prot = prot, .pages = pages };

	return walk_kernel_page_table_range(addr, end, &vmap_walk_ops, &w);
}

static int vunmap_pte(ptep_t pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	ptep_get_and_clear(&init_mm, addr, pte);
	return 0;
}

static const struct mm_walk_ops vunmap_walk_ops = { .pte_entry = vunmap_pte };

/* Clear every PTE of [addr, end) in init_mm; tables stay (as in Linux).
 * The caller flushes the TLBs. */
static void vunmap_range_noflush(unsigned long addr, unsigned long end)
{
	walk_kernel_page_table_range(addr, end, &vunmap_walk_ops, NULL);
}

int vmalloc_window_map(unsigned long off, struct page **pages, unsigned int nr)
{
	unsigned int i = 0, j;

	if (should_fail(&fail_vmalloc_window))
		return -ENOMEM;
	while (i < nr) {
		unsigned long pfn = page_to_pfn(pages[i]);

		for (j = i + 1; j < nr && page_to_pfn(pages[j]) == pfn + (j - i); j++)
			;
		if (vmalloc_window_map_pfns(off + ((unsigned long)i << PAGE_SHIFT), pfn, j - i))
			return -ENOMEM;
		i = j;
	}
	return 0;
}

/* Map pages at the area's start in init_mm and in the host window. */
static int vm_area_map_pages(struct vm_struct *area, struct page **pages, unsigned int nr,
			     pgprot_t prot)
{
	unsigned long kva = vmalloc_kva_of(area->addr);
	int err;

	err = vmap_pages_range(kva, kva + ((unsigned long)nr << PAGE_SHIFT), prot, pages);
	if (!err)
		err = vmalloc_window_map(kva - VMALLOC_START, pages, nr);
	if (!err)
		area->nr_mapped = nr;
	return err;
}

/* -------------------------------------------------- vm areas ---- */

static struct vm_struct *__get_vm_area_node(unsigned long size, unsigned long align,
					    unsigned long flags, gfp_t gfp, const void *caller,
					    const char *caller_name)
{
	struct vm_struct *area;

	size = PAGE_ALIGN(size);
	if (!size)
		return NULL;
	area = vm_struct_alloc();
	if (!area)
		return NULL;
	area->flags = flags;
	area->caller = caller;
	area->caller_name = caller_name;
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	if (!alloc_vmap_area(size, align, gfp, area)) {
		kfree(area);
		return NULL;
	}
	return area;
}

/* The busy area containing kva, unlinked from the busy tree; NULL if none. */
static struct vmap_area *find_unlink_vmap_area(unsigned long kva)
{
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	va = vmap_tree_find(&vmap_area_root, kva);
	if (va)
		vmap_tree_erase(&vmap_area_root, va);
	spin_unlock(&vmap_area_lock);
	return va;
}

/* ------------------------------------------------- lazy purge ---- */

static int fls_int(int x) { return x ? 32 - __builtin_clz((unsigned int)x) : 0; }

/* Pages parked before a purge: Linux's 32 MiB * fls(CPUs), but at most
 * 1/32 of RAM, since mmkit keeps the parked areas' frames until the purge. */
static unsigned long lazy_max_pages(void)
{
	unsigned long linux_max =
		((32UL << 20) >> PAGE_SHIFT) * (unsigned long)fls_int(mmk->nr_cpus);

	return min(linux_max, totalram_pages() / 32);
}

/* Frames of a vmalloc area back to the buddy allocator, last first (see
 * vmalloc_window.c). */
static void vm_free_frames(struct vm_struct *vm)
{
	unsigned int i = vm->nr_pages;

	while (i--)
		__free_pages(vm->pages[i], 0);
}

static void vm_struct_free(struct vm_struct *vm)
{
	free(vm->pages);
	kfree(vm);
}

/* Take every parked area out of the purge tree (in address order). */
static void steal_lazy_areas(struct list_head *batch, unsigned long *start, unsigned long *end)
{
	struct list_head *h = &purge_vmap_area_root.head;

	INIT_LIST_HEAD(batch);
	spin_lock(&purge_vmap_area_lock);
	if (!list_empty(h)) {
		*start = list_first_entry(h, struct vmap_area, list)->va_start;
		*end = list_last_entry(h, struct vmap_area, list)->va_end;
		batch->next = h->next;
		batch->prev = h->prev;
		batch->next->prev = batch;
		batch->prev->next = batch;
		INIT_LIST_HEAD(h);
		purge_vmap_area_root.root = NULL;
		purge_vmap_area_root.nr = 0;
	}
	spin_unlock(&purge_vmap_area_lock);
}

/*
 * Shoot down every CPU's translations of all parked areas with one flush,
 * then free their frames and give their ranges back (Linux
 * __purge_vmap_area_lazy).  No locks held: concurrent purges take disjoint
 * batches.
 */
static void purge_vmap_area_lazy(void)
{
	unsigned long start = 0, end = 0, nr = 0;
	struct vmap_area *va;
	LIST_HEAD(batch);

	steal_lazy_areas(&batch, &start, &end);
	if (list_empty(&batch))
		return;
	flush_tlb_kernel_range(start, end);
	/* last area first: the LIFO per-CPU list then gives the lowest range,
	 * taken first by the next lowest-fit allocation, its own frames back */
	while (!list_empty(&batch)) {
		va = list_last_entry(&batch, struct vmap_area, list);
		list_del(&va->list);
		nr += va_size(va) >> PAGE_SHIFT;
		vmalloc_window_unmap(va->va_start - VMALLOC_START, va_size(va));
		vm_free_frames(va->vm);
		vm_struct_free(va->vm);
		free_vmap_area(va);
	}
	atomic_fetch_sub(&vmap_lazy_nr, nr);
}

/* Park an unmapped vmalloc area until the next purge.  Only this CPU's TLB
 * is flushed now, so its own accesses oops at once; another CPU may use a
 * stale entry until the purge, which is why the frames and the range stay
 * taken until then: a stale entry never reaches a reused frame. */
static void defer_vmap_area(struct vmap_area *va)
{
	unsigned long addr, nr = va_size(va) >> PAGE_SHIFT;

	if (nr > tlb_single_page_flush_ceiling)
		__flush_tlb_global();
	else
		for (addr = va->va_start; addr < va->va_end; addr += PAGE_SIZE)
			__flush_tlb_one_kernel(addr);
	spin_lock(&purge_vmap_area_lock);
	vmap_tree_insert(&purge_vmap_area_root, va);
	spin_unlock(&purge_vmap_area_lock);
	if (atomic_fetch_add(&vmap_lazy_nr, nr) + nr > lazy_max_pages())
		purge_vmap_area_lazy();
}

/* ------------------------------------------------- unmapping ---- */

/*
 * Tear down an unlinked busy area: clear its PTEs; then either shoot the
 * range down from every CPU's TLB and free the frames (free_frames: a
 * vmalloc area being vfree'd) and the range, or (lazy mode, may_defer) park
 * it for the next purge.  Either way no CPU can reach the frames through a
 * stale translation once they are reused.  No locks held (IPIs).
 */
static void vm_area_release(struct vmap_area *va, bool free_frames, bool may_defer)
{
	struct vm_struct *vm = va->vm;

	if (free_frames)
		atomic_fetch_sub(&nr_vmalloc_pages, vm->nr_pages);
	vunmap_range_noflush(va->va_start, va->va_end);
	if (free_frames && may_defer && this_cpu() && atomic_load(&vmap_lazy_free)) {
		defer_vmap_area(va);
		return;
	}
	flush_tlb_kernel_range(va->va_start, va->va_end);
	vmalloc_window_unmap(va->va_start - VMALLOC_START, va_size(va));
	if (free_frames)
		vm_free_frames(vm);
	vm_struct_free(vm);
	free_vmap_area(va);
}

/* The busy area containing the host address addr, unlinked; NULL if none. */
static struct vmap_area *unlink_vm_area(const void *addr)
{
	if (!is_vmalloc_addr(addr))
		return NULL;
	return find_unlink_vmap_area(vmalloc_kva_of(addr));
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va;
	struct vm_struct *vm = NULL;

	if (!is_vmalloc_addr(addr))
		return NULL;
	spin_lock(&vmap_area_lock);
	va = vmap_tree_find(&vmap_area_root, vmalloc_kva_of(addr));
	if (va)
		vm = va->vm;
	spin_unlock(&vmap_area_lock);
	return vm;
}

/* ---------------------------------------------- vmalloc/vfree ---- */

static void __vfree(const void *addr, bool may_defer);

/* Allocate nr order-0 frames into pages[]; returns how many it got. */
static unsigned int vm_area_alloc_pages(gfp_t gfp, unsigned int nr, struct page **pages)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		pages[i] = alloc_pages(gfp, 0);
		if (!pages[i])
			break;
	}
	return i;
}

static int cmp_page(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * Order the frames by pfn.  Which frame backs which page of an area is
 * arbitrary (Linux takes whatever the bulk allocator returns); ascending
 * frames form runs that the host window aliases with one mmap each, where a
 * LIFO per-CPU list would hand out descending ones.  The common cases are
 * checked first: already ascending (the steady state), or descending.
 */
static void vm_sort_pages(struct page **pages, unsigned int nr)
{
	unsigned int i, up = 0, down = 0;

	for (i = 1; i < nr; i++) {
		up += pages[i - 1] < pages[i];
		down += pages[i - 1] > pages[i];
	}
	if (up == nr - 1 || nr < 2)
		return;
	if (down == nr - 1) {
		for (i = 0; i < nr / 2; i++) {
			struct page *t = pages[i];

			pages[i] = pages[nr - 1 - i];
			pages[nr - 1 - i] = t;
		}
		return;
	}
	qsort(pages, nr, sizeof(struct page *), cmp_page);
}

static void *__vmalloc_area_node(struct vm_struct *area, gfp_t gfp_mask, pgprot_t prot)
{
	unsigned int nr = (unsigned int)(get_vm_area_size(area) >> PAGE_SHIFT);
	unsigned long size = get_vm_area_size(area);
	gfp_t page_gfp = gfp_mask | __GFP_NOWARN;

	if (!(gfp_mask & (__GFP_DMA | __GFP_DMA32)))
		page_gfp |= __GFP_HIGHMEM;
	area->pages = vm_pages_array_alloc(nr);
	if (!area->pages) {
		vmalloc_warn(gfp_mask,
			     "vmalloc error: size %lu, failed to allocate page array size %lu",
			     size, (unsigned long)nr * sizeof(struct page *));
		goto free_area;
	}
	area->nr_pages = vm_area_alloc_pages(page_gfp, nr, area->pages);
	if (area->nr_pages != nr && atomic_load(&vmap_lazy_nr)) { /* parked frames: purge, retry */
		purge_vmap_area_lazy();
		area->nr_pages += vm_area_alloc_pages(page_gfp, nr - area->nr_pages,
						      area->pages + area->nr_pages);
	}
	atomic_fetch_add(&nr_vmalloc_pages, area->nr_pages);
	if (area->nr_pages != nr) {
		vmalloc_warn(gfp_mask,
			     "vmalloc error: size %lu, page order 0, failed to allocate pages",
			     size);
		goto free_area;
	}
	vm_sort_pages(area->pages, nr);
	if (vm_area_map_pages(area, area->pages, nr, prot)) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, failed to map pages", size);
		goto free_area;
	}
	return area->addr;
free_area:
	__vfree(area->addr, false);
	return NULL;
}

/* Allocate size bytes of virtually contiguous memory (Linux
 * __vmalloc_node_range without start/end/node: always the vmalloc range).
 * align is a power of two (1 = page).  Returns the host pointer or NULL.
 * No locks held on entry or exit. */
void *__vmalloc_node_range(unsigned long size, unsigned long align, gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, const void *caller, const char *caller_name)
{
	unsigned long real_size = size;
	struct vm_struct *area;
	void *addr;

	might_alloc(gfp_mask);
	size = PAGE_ALIGN(size);
	if (WARN_ON(!size) || size < real_size)
		return NULL;
	if ((size >> PAGE_SHIFT) > totalram_pages()) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, exceeds total pages", real_size);
		return NULL;
	}
	area = __get_vm_area_node(size, align, VM_ALLOC | VM_UNINITIALIZED | vm_flags, gfp_mask,
				  caller, caller_name);
	if (!area) {
		vmalloc_warn(gfp_mask, "vmalloc error: size %lu, vm_struct allocation failed",
			     real_size);
		return NULL;
	}
	addr = __vmalloc_area_node(area, gfp_mask, prot);
	if (addr) /* publish the area to vmallocinfo (clear_vm_uninitialized_flag) */
		__atomic_and_fetch(&area->flags, ~VM_UNINITIALIZED, __ATOMIC_RELEASE);
	return addr;
}

void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node_range(size, 1, gfp_mask, PAGE_KERNEL, 0, __builtin_return_address(0),
				    NULL);
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, GFP_KERNEL, PAGE_KERNEL, 0,
				    __builtin_return_address(0), NULL);
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, GFP_KERNEL | __GFP_ZERO, PAGE_KERNEL, 0,
				    __builtin_return_address(0), NULL);
}

/* Linux prints these through WARN(): message, then the warning line. */
static void vmalloc_bad_free(const char *fn, const char *what, const void *addr)
{
	unsigned long kva = is_vmalloc_addr(addr) ? vmalloc_kva_of(addr) : (unsigned long)addr;

	printk("Trying to %s() %s (%#lx)\n", fn, what, kva);
	mmk_warn("mm/vmalloc.c", __LINE__, fn);
}

static void __vfree(const void *addr, bool may_defer)
{
	struct vmap_area *va;

	if (!addr)
		return;
	if (!IS_ALIGNED((uintptr_t)addr, PAGE_SIZE)) {
		vmalloc_bad_free("vfree", "bad address", addr);
		return;
	}
	va = unlink_vm_area(addr);
	if (!va) {
		vmalloc_bad_free("vfree", "nonexistent vm area", addr);
		return;
	}
	vm_area_release(va, va->vm->flags & VM_ALLOC, may_defer);
}

/* Free a vmalloc'ed (or vmap'ed) area: unmap, flush every CPU, then free
 * its frames (VM_ALLOC only: vmap'ed pages belong to the caller); in lazy
 * mode a vmalloc area is parked for the next purge instead.  NULL is a
 * no-op.  No locks held on entry or exit (IPIs every CPU). */
void vfree(const void *addr)
{
	might_sleep();
	__vfree(addr, true);
}

/* ------------------------------------------------- vmap/vunmap ---- */

void *vmap_caller(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot,
		  const void *caller, const char *caller_name)
{
	struct vm_struct *area;

	if (count > totalram_pages())
		return NULL;
	area = __get_vm_area_node((unsigned long)count << PAGE_SHIFT, 1, flags, GFP_KERNEL, caller,
				  caller_name);
	if (!area)
		return NULL;
	area->pages = vm_pages_array_alloc(count);
	if (!area->pages)
		goto unmap;
	memcpy(area->pages, pages, count * sizeof(struct page *));
	if (vm_area_map_pages(area, pages, count, prot))
		goto unmap;
	return area->addr;
unmap:
	vunmap(area->addr);
	return NULL;
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	return vmap_caller(pages, count, flags, prot, __builtin_return_address(0), NULL);
}

/* Undo vmap: unmap and flush; the pages are the caller's.  (On a vmalloc'ed
 * area its frames leak, as in Linux: use vfree.) */
void vunmap(const void *addr)
{
	struct vmap_area *va;

	might_sleep();
	if (!addr)
		return;
	va = unlink_vm_area(addr);
	if (!va) {
		vmalloc_bad_free("vunmap", "nonexistent vm area", addr);
		return;
	}
	vm_area_release(va, false, false);
}

/* ------------------------------------------------------ queries ---- */

struct page *vmalloc_to_page(const void *addr)
{
	ptep_t ptep;
	pte_t pte;
	int level;

	if (!is_vmalloc_addr(addr))
		return NULL;
	ptep = lookup_address(vmalloc_kva_of(addr), &level);
	if (!ptep || level != PT_PTE)
		return NULL;
	pte = ptep_get(ptep);
	if (!pte_present(pte) || !pfn_valid(pte_pfn(pte)))
		return NULL;
	return pfn_to_page(pte_pfn(pte));
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

unsigned long vmalloc_nr_pages(void) { return atomic_load(&nr_vmalloc_pages); }

unsigned long vmalloc_total_bytes(void) { return VMALLOC_END - VMALLOC_START; }

void vmalloc_for_each_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg)
{
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	vmap_tree_for_each(va, &vmap_area_root) fn(va, arg);
	spin_unlock(&vmap_area_lock);
}

void vmalloc_for_each_lazy_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg)
{
	struct vmap_area *va;

	spin_lock(&purge_vmap_area_lock);
	vmap_tree_for_each(va, &purge_vmap_area_root) fn(va, arg);
	spin_unlock(&purge_vmap_area_lock);
}

void vmalloc_set_lazy_free(bool on)
{
	atomic_store(&vmap_lazy_free, on);
	if (!on)
		purge_vmap_area_lazy();
}

bool vmalloc_lazy_free(void) { return atomic_load(&vmap_lazy_free); }

unsigned long vmalloc_lazy_nr_pages(void) { return atomic_load(&vmap_lazy_nr); }

void vm_unmap_aliases(void) { purge_vmap_area_lazy(); }

void vm_caller_str(const struct vm_struct *vm, char *buf, size_t len)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	if (vm->caller_name) {
		snprintf(buf, len, "%s", vm->caller_name);
	} else if (vm->caller && dladdr1(vm->caller, &info, (void **)&sym, RTLD_DL_SYMENT) &&
		   info.dli_sname && sym) {
		snprintf(buf, len, "%s+%#lx/%#lx", info.dli_sname,
			 (unsigned long)((const char *)vm->caller - (const char *)info.dli_saddr),
			 (unsigned long)sym->st_size);
	} else {
		snprintf(buf, len, "%#lx", (unsigned long)(uintptr_t)vm->caller);
	}
}

/* ------------------------------------------------ boot and exit ---- */

static void vmalloc_free_tree(struct vmap_tree *t)
{
	struct vmap_area *va, *n;

	list_for_each_entry_safe(va, n, &t->head, list) {
		vmap_tree_erase(t, va);
		if (va->vm)
			vm_struct_free(va->vm);
		vmap_area_free(va);
	}
}

static void vmalloc_exit(void);

static int vmalloc_init(void)
{
	unsigned long size = min((VMALLOC_END & PAGE_MASK) - VMALLOC_START, VMALLOC_WINDOW_MAX);
	struct vmap_area *va;
	int err;

	err = vmalloc_window_init(size);
	if (err)
		return err;
	vmalloc_end = VMALLOC_START + size;
	spin_lock_init(&free_vmap_area_lock);
	spin_lock_init(&vmap_area_lock);
	spin_lock_init(&purge_vmap_area_lock);
	vmap_tree_init(&free_vmap_area_root, true);
	vmap_tree_init(&vmap_area_root, false);
	vmap_tree_init(&purge_vmap_area_root, false);
	atomic_store(&nr_vmalloc_pages, 0);
	atomic_store(&vmap_lazy_nr, 0);
	atomic_store(&vmap_lazy_free, false);
	vmap_area_cachep = kmem_cache_create("vmap_area", sizeof(struct vmap_area),
					     __alignof__(struct vmap_area), SLAB_PANIC, NULL);
	va = kmem_cache_zalloc(vmap_area_cachep, GFP_KERNEL);
	if (!va) {
		vmalloc_exit(); /* everything is still empty */
		return -ENOMEM;
	}
	va->va_start = VMALLOC_START;
	va->va_end = vmalloc_end;
	vmap_tree_insert(&free_vmap_area_root, va);
	return 0;
}

static void vmalloc_exit(void)
{
	int i;

	vmalloc_free_tree(&vmap_area_root);
	vmalloc_free_tree(&purge_vmap_area_root);
	vmalloc_free_tree(&free_vmap_area_root);
	for (i = 0; i < MMK_MAX_CPUS; i++) {
		vmap_area_free(ne_fit_preload_node[i]);
		ne_fit_preload_node[i] = NULL;
	}
	kmem_cache_destroy(vmap_area_cachep);
	vmap_area_cachep = NULL;
	spin_lock_destroy(&free_vmap_area_lock);
	spin_lock_destroy(&vmap_area_lock);
	spin_lock_destroy(&purge_vmap_area_lock);
	vmalloc_window_exit();
	vmalloc_end = 0;
}
mmk_initcall(INIT_VMALLOC, vmalloc_init, vmalloc_exit);

/* ------------------------------------------------------- verify ---- */

static void verify_report(void *arg, const char *msg) { verify_fail(arg, "%s", msg); }

/* The lowest-addressed area under the three list cursors; *which = its list. */
static struct vmap_area *lowest_at(struct vmap_tree *t[3], struct list_head *pos[3], int *which)
{
	struct vmap_area *va = NULL, *c;
	int i;

	for (i = 0; i < 3; i++) {
		if (pos[i] == &t[i]->head)
			continue;
		c = list_entry(pos[i], struct vmap_area, list);
		if (!va || c->va_start < va->va_start) {
			va = c;
			*which = i;
		}
	}
	return va;
}

/* Free, busy and parked areas tile [VMALLOC_START, vmalloc_end) exactly:
 * merge the three address-ordered lists and follow a cursor. */
static void verify_tiling(struct verify_ctx *v)
{
	static const char *const kind[] = { "free", "busy", "parked" };
	struct vmap_tree *t[3] = { &free_vmap_area_root, &vmap_area_root, &purge_vmap_area_root };
	struct list_head *pos[3];
	unsigned long cursor = VMALLOC_START;
	struct vmap_area *va;
	int i;

	for (i = 0; i < 3; i++)
		pos[i] = t[i]->head.next;
	while ((va = lowest_at(t, pos, &i))) {
		if (va->va_start != cursor) {
			verify_fail(v, "%s area [%#lx-%#lx) found where %#lx was expected", kind[i],
				    va->va_start, va->va_end, cursor);
			return;
		}
		cursor = va->va_end;
		pos[i] = pos[i]->next;
	}
	if (cursor != vmalloc_end)
		verify_fail(v, "areas end at %#lx, the range at %#lx", cursor, vmalloc_end);
}

/* Parked areas: vmalloc areas with their frames, and the pages counted. */
static void verify_parked(struct verify_ctx *v)
{
	unsigned long pages = 0;
	struct vmap_area *va;

	vmap_tree_for_each(va, &purge_vmap_area_root)
	{
		if (!va->vm || !(va->vm->flags & VM_ALLOC))
			verify_fail(v, "parked area %#lx is not a vmalloc area", va->va_start);
		pages += va_size(va) >> PAGE_SHIFT;
	}
	if (pages != vmalloc_lazy_nr_pages())
		verify_fail(v, "vmap_lazy_nr is %lu, parked areas span %lu pages",
			    vmalloc_lazy_nr_pages(), pages);
}

/* The leaf PTE of a kernel address, 0 when there is none. */
static u64 kernel_pte(unsigned long addr, int *level)
{
	ptep_t p = lookup_address(addr, level);

	return p ? pte_val(ptep_get(p)) : 0;
}

/* One busy area: size, guard page, PTEs == pages[], host aliases. */
static void verify_busy_area(struct verify_ctx *v, const struct vmap_area *va)
{
	const struct vm_struct *vm = va->vm;
	unsigned long guard = (vm->flags & VM_NO_GUARD) ? 0 : PAGE_SIZE;
	unsigned int i;
	int level;

	if (vm->size != va_size(va) || vm->addr != vmalloc_host_of(va->va_start))
		verify_fail(v, "area %#lx: vm_struct says size %#lx, the area is %#lx",
			    va->va_start, vm->size, va_size(va));
	if ((unsigned long)vm->nr_mapped * PAGE_SIZE + guard != va_size(va))
		verify_fail(v, "area %#lx: %u pages mapped, area size %#lx", va->va_start,
			    vm->nr_mapped, va_size(va));
	for (i = 0; i < vm->nr_mapped; i++) {
		unsigned long addr = va->va_start + ((unsigned long)i << PAGE_SHIFT);
		unsigned long pfn = page_to_pfn(vm->pages[i]);
		pte_t pte = __pte(kernel_pte(addr, &level));

		if (!pte_present(pte) || level != PT_PTE || pte_pfn(pte) != pfn)
			verify_fail(v, "area %#lx: PTE of page %u is %#llx, should map pfn %#lx",
				    va->va_start, i, (unsigned long long)pte_val(pte), pfn);
		if (!vmalloc_window_aliases(addr - VMALLOC_START, pfn))
			verify_fail(v, "area %#lx: host window page %u does not alias pfn %#lx",
				    va->va_start, i, pfn);
	}
	if (guard && kernel_pte(va->va_end - PAGE_SIZE, &level))
		verify_fail(v, "area %#lx: its guard page %#lx is mapped", va->va_start,
			    va->va_end - PAGE_SIZE);
}

static void verify_busy_areas(struct verify_ctx *v)
{
	unsigned long pages = 0;
	struct vmap_area *va;

	vmap_tree_for_each(va, &vmap_area_root)
	{
		if (!va->vm) {
			verify_fail(v, "busy area %#lx has no vm_struct", va->va_start);
			continue;
		}
		if (va->vm->flags & VM_UNINITIALIZED)
			continue; /* being set up by another CPU */
		verify_busy_area(v, va);
		if (va->vm->flags & VM_ALLOC)
			pages += va->vm->nr_pages;
	}
	if (pages != vmalloc_nr_pages())
		verify_fail(v, "nr_vmalloc_pages is %lu, busy areas hold %lu", vmalloc_nr_pages(),
			    pages);
}

struct stray_ctx {
	struct verify_ctx *v;
	int reported;
};

static int check_stray_pte(ptep_t p, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct stray_ctx *s = walk->private;
	const struct vmap_area *va;
	pte_t pte = ptep_get(p);

	if (!pte_present(pte) || s->reported >= 5)
		return 0;
	va = vmap_tree_find(&vmap_area_root, addr);
	if (va && va->vm && addr < va->va_start + ((unsigned long)va->vm->nr_mapped << PAGE_SHIFT))
		return 0;
	verify_fail(s->v, "stray PTE %#llx at %#lx (no vmalloc page there)",
		    (unsigned long long)pte_val(pte), addr);
	s->reported++;
	return 0;
}

static const struct mm_walk_ops stray_walk_ops = { .pte_entry = check_stray_pte };

/* Every present PTE of the managed range belongs to a busy area's pages:
 * nothing freed stays mapped.  Walks only the tables that exist. */
static void verify_no_stray_ptes(struct verify_ctx *v)
{
	struct stray_ctx s = { .v = v };

	walk_kernel_page_table_range(VMALLOC_START, vmalloc_end, &stray_walk_ops, &s);
}

static void vmalloc_verify(struct verify_ctx *v)
{
	if (!vmalloc_end)
		return;
	spin_lock(&vmap_area_lock);
	spin_lock(&purge_vmap_area_lock);
	spin_lock(&free_vmap_area_lock);
	vmap_tree_check(&free_vmap_area_root, true, verify_report, v);
	vmap_tree_check(&vmap_area_root, false, verify_report, v);
	vmap_tree_check(&purge_vmap_area_root, false, verify_report, v);
	verify_tiling(v);
	spin_unlock(&free_vmap_area_lock);
	verify_parked(v);
	spin_unlock(&purge_vmap_area_lock);
	verify_busy_areas(v);
	verify_no_stray_ptes(v);
	spin_unlock(&vmap_area_lock);
}
VERIFY_CHECK(vmalloc_check, "vmalloc", 40, vmalloc_verify);
