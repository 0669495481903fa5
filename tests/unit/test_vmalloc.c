/* test_vmalloc.c - vmalloc: the free/busy trees against a simple model
 * (random insert/erase/find, lowest fit, clip and merge, augmentation); then
 * vmalloc on a booted machine: mapping and contents, guard-page and
 * use-after-free oopses, reuse after free with no stale TLB entry on another
 * CPU, vmap/vunmap, fragmentation with 10k live areas, fault injection at
 * every allocation site (NULL, no leak, verify clean), every paging mode,
 * /proc/vmallocinfo's format, a multi-CPU stress. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mm.h"
#include "mmkit/mmu.h"
#include "mmkit/mmzone.h"
#include "mmkit/pgtable.h"
#include "mmkit/proc.h"
#include "mmkit/slab.h"
#include "mmkit/vmalloc.h"

/* ---- helpers ---- */

static u64 rng_state = 88172645463325252ULL;
static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void report_print(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "tree check: %s\n", msg);
}

static void assert_tree_ok(const struct vmap_tree *t, bool is_free)
{
	assert_int_equal(vmap_tree_check(t, is_free, report_print, NULL), 0);
}

static struct vmap_area *new_va(unsigned long start, unsigned long end)
{
	struct vmap_area *va = calloc(1, sizeof(*va));

	assert_non_null(va);
	va->va_start = start;
	va->va_end = end;
	return va;
}

/* ---- busy tree: random insert/erase/find against an array of slots ---- */

#define SLOTS 2048
#define SLOT_SIZE (16 * PAGE_SIZE)
#define BASE 0xffffc90000000000UL

static void test_tree_random_vs_model(void **state)
{
	static struct vmap_area *slot[SLOTS];
	struct vmap_tree t;
	unsigned long live = 0;
	int i;

	vmap_tree_init(&t, false);
	memset(slot, 0, sizeof(slot));
	for (i = 0; i < 60000; i++) {
		int s = (int)(rnd() % SLOTS);
		unsigned long start = BASE + (unsigned long)s * SLOT_SIZE;

		if (!slot[s]) { /* a random length inside the slot */
			unsigned long len = (1 + rnd() % 16) * PAGE_SIZE;

			slot[s] = new_va(start, start + len);
			vmap_tree_insert(&t, slot[s]);
			live++;
		} else if (rnd() % 3) {
			vmap_tree_erase(&t, slot[s]);
			free(slot[s]);
			slot[s] = NULL;
			live--;
		}
		/* find: a random address in a random slot */
		s = (int)(rnd() % SLOTS);
		start = BASE + (unsigned long)s * SLOT_SIZE + (rnd() % SLOT_SIZE);
		if (slot[s] && start < slot[s]->va_end)
			assert_ptr_equal(vmap_tree_find(&t, start), slot[s]);
		else
			assert_null(vmap_tree_find(&t, start));
		assert_int_equal(t.nr, live);
		if (i % 997 == 0)
			assert_tree_ok(&t, false);
	}
	assert_tree_ok(&t, false);
	/* in-order traversal is sorted and complete */
	{
		struct vmap_area *va, *prev = NULL;
		unsigned long n = 0;

		vmap_tree_for_each(va, &t)
		{
			if (prev)
				assert_true(prev->va_end <= va->va_start);
			prev = va;
			n++;
		}
		assert_int_equal(n, live);
	}
	for (i = 0; i < SLOTS; i++) {
		if (slot[i]) {
			vmap_tree_erase(&t, slot[i]);
			free(slot[i]);
		}
	}
	assert_null(t.root);
	assert_true(list_empty(&t.head));
}

/* AVL height stays logarithmic on sequential inserts (the worst case for an
 * unbalanced tree). */
static void test_tree_sequential_height(void **state)
{
	struct vmap_tree t;
	struct vmap_area *va, *n;
	int i;

	vmap_tree_init(&t, true);
	for (i = 0; i < 100000; i++)
		vmap_tree_insert(&t, new_va(BASE + (unsigned long)i * 2 * PAGE_SIZE,
					    BASE + (unsigned long)i * 2 * PAGE_SIZE + PAGE_SIZE));
	assert_tree_ok(&t, true);
	/* AVL: height <= 1.44 log2(n + 2) */
	assert_true(t.root->height <= 25);
	assert_int_equal(t.root->subtree_max_size, PAGE_SIZE);
	list_for_each_entry_safe(va, n, &t.head, list) {
		vmap_tree_erase(&t, va);
		free(va);
	}
	assert_null(t.root);
}

/* ---- free tree: allocate with lowest fit + clip, free with merge ---- */

/* The model: a byte map of the range, one byte per page (1 = busy). */
#define RANGE_PAGES 4096
struct model {
	u8 busy[RANGE_PAGES];
};

static unsigned long model_lowest_fit(const struct model *m, unsigned long pages)
{
	unsigned long p, run = 0;

	for (p = 0; p < RANGE_PAGES; p++) {
		run = m->busy[p] ? 0 : run + 1;
		if (run == pages)
			return p + 1 - pages;
	}
	return ~0UL;
}

/* The tree's free areas must be exactly the model's maximal free runs. */
static void assert_free_matches(const struct vmap_tree *t, const struct model *m)
{
	struct vmap_area *va;
	unsigned long p = 0;

	vmap_tree_for_each(va, t)
	{
		unsigned long s = (va->va_start - BASE) >> PAGE_SHIFT;
		unsigned long e = (va->va_end - BASE) >> PAGE_SHIFT;

		while (p < s)
			assert_int_equal(m->busy[p++], 1);
		for (; p < e; p++)
			assert_int_equal(m->busy[p], 0);
	}
	while (p < RANGE_PAGES)
		assert_int_equal(m->busy[p++], 1);
}

struct alloc_rec {
	unsigned long start, size;
};

static bool tree_alloc(struct vmap_tree *t, unsigned long size, unsigned long align,
		       unsigned long *out)
{
	struct vmap_area *va = vmap_tree_lowest_match(t, size, align), *spare, *gone;

	if (!va)
		return false;
	*out = ALIGN(va->va_start, align);
	spare = new_va(0, 0);
	gone = va_clip(t, va, *out, size, &spare);
	free(spare);
	free(gone);
	return true;
}

static void tree_free(struct vmap_tree *t, unsigned long start, unsigned long size)
{
	struct vmap_area *unused[2], *merged;
	int n = va_merge_or_insert(t, new_va(start, start + size), unused, &merged);

	while (n--)
		free(unused[n]);
	assert_true(merged->va_start <= start && merged->va_end >= start + size);
}

static void test_free_tree_vs_model(void **state)
{
	static struct model m;
	static struct alloc_rec rec[RANGE_PAGES];
	struct vmap_tree t;
	struct vmap_area *va, *n;
	int nrec = 0, i;

	memset(&m, 0, sizeof(m));
	vmap_tree_init(&t, true);
	vmap_tree_insert(&t, new_va(BASE, BASE + RANGE_PAGES * PAGE_SIZE));
	for (i = 0; i < 40000; i++) {
		if (nrec && rnd() % 100 < 45) { /* free a random allocation */
			int k = (int)(rnd() % (u64)nrec);

			tree_free(&t, rec[k].start, rec[k].size);
			memset(&m.busy[(rec[k].start - BASE) >> PAGE_SHIFT], 0,
			       rec[k].size >> PAGE_SHIFT);
			rec[k] = rec[--nrec];
		} else { /* allocate 1..64 pages, lowest fit */
			unsigned long pages = 1 + (rnd() % 4 ? rnd() % 8 : rnd() % 64);
			unsigned long want = model_lowest_fit(&m, pages), got;
			bool ok = tree_alloc(&t, pages * PAGE_SIZE, PAGE_SIZE, &got);

			assert_int_equal(ok, want != ~0UL);
			if (ok) {
				assert_int_equal(got, BASE + want * PAGE_SIZE);
				memset(&m.busy[want], 1, pages);
				rec[nrec].start = got;
				rec[nrec++].size = pages * PAGE_SIZE;
			}
		}
		assert_free_matches(&t, &m);
		if (i % 499 == 0)
			assert_tree_ok(&t, true);
	}
	while (nrec) {
		nrec--;
		tree_free(&t, rec[nrec].start, rec[nrec].size);
	}
	assert_tree_ok(&t, true);
	assert_int_equal(t.nr, 1); /* everything merged back into one area */
	va = list_first_entry(&t.head, struct vmap_area, list);
	assert_int_equal(va->va_start, BASE);
	assert_int_equal(va->va_end, BASE + RANGE_PAGES * PAGE_SIZE);
	list_for_each_entry_safe(va, n, &t.head, list) {
		vmap_tree_erase(&t, va);
		free(va);
	}
}

/* Aligned requests: the block is aligned, inside a free area, and no free
 * area below it could hold size + align - 1 (the adjusted search length). */
static void test_free_tree_aligned(void **state)
{
	struct vmap_tree t;
	struct vmap_area *va, *n;
	int i;

	vmap_tree_init(&t, true);
	vmap_tree_insert(&t, new_va(BASE + PAGE_SIZE, BASE + (1UL << 30)));
	for (i = 0; i < 3000; i++) {
		unsigned long size = (1 + rnd() % 8) * PAGE_SIZE;
		unsigned long align = PAGE_SIZE << (rnd() % 6), got;
		struct vmap_area *hit;

		if (rnd() % 2 == 0) {
			/* punch: allocate and free odd sizes to fragment */
			if (tree_alloc(&t, size, PAGE_SIZE, &got) && rnd() % 2)
				tree_free(&t, got, size);
			continue;
		}
		assert_true(tree_alloc(&t, size, align, &got));
		assert_true(IS_ALIGNED(got, align));
		assert_null(vmap_tree_find(&t, got));
		assert_null(vmap_tree_find(&t, got + size - 1));
		vmap_tree_for_each(hit, &t)
		{
			if (hit->va_start >= got)
				break;
			assert_true(va_size(hit) < size + align - 1 || align == PAGE_SIZE);
		}
	}
	assert_tree_ok(&t, true);
	list_for_each_entry_safe(va, n, &t.head, list) {
		vmap_tree_erase(&t, va);
		free(va);
	}
}

/* The four clip cases and the three merge cases, drawn:
 *   [.......free.......]      full / left edge / right edge / middle */
static void test_clip_and_merge_cases(void **state)
{
	struct vmap_tree t;
	struct vmap_area *fa = new_va(BASE, BASE + 16 * PAGE_SIZE), *spare = new_va(0, 0);
	struct vmap_area *unused[2], *merged;

	vmap_tree_init(&t, true);
	vmap_tree_insert(&t, fa);
	/* left edge: [AA..............] */
	assert_null(va_clip(&t, fa, BASE, 2 * PAGE_SIZE, &spare));
	assert_int_equal(fa->va_start, BASE + 2 * PAGE_SIZE);
	/* right edge: [AA............BB] */
	assert_null(va_clip(&t, fa, BASE + 14 * PAGE_SIZE, 2 * PAGE_SIZE, &spare));
	assert_int_equal(fa->va_end, BASE + 14 * PAGE_SIZE);
	/* middle: [AA....CC......BB] consumes the spare */
	assert_null(va_clip(&t, fa, BASE + 6 * PAGE_SIZE, 2 * PAGE_SIZE, &spare));
	assert_null(spare);
	assert_int_equal(t.nr, 2);
	assert_tree_ok(&t, true);
	assert_int_equal(t.root->subtree_max_size, 6 * PAGE_SIZE);
	/* full fit of the left hole [AA DDDD CC......BB] */
	merged = vmap_tree_find(&t, BASE + 2 * PAGE_SIZE);
	assert_ptr_equal(va_clip(&t, merged, BASE + 2 * PAGE_SIZE, 4 * PAGE_SIZE, &spare), merged);
	free(merged);
	assert_int_equal(t.nr, 1);
	/* free D: no neighbour free -> insert */
	assert_int_equal(va_merge_or_insert(&t, new_va(BASE + 2 * PAGE_SIZE, BASE + 6 * PAGE_SIZE),
					    unused, &merged),
			 0);
	assert_int_equal(t.nr, 2);
	/* free C: touches both -> two nodes unused, one area [2, 14) */
	assert_int_equal(va_merge_or_insert(&t, new_va(BASE + 6 * PAGE_SIZE, BASE + 8 * PAGE_SIZE),
					    unused, &merged),
			 2);
	free(unused[0]);
	free(unused[1]);
	assert_int_equal(t.nr, 1);
	assert_int_equal(merged->va_start, BASE + 2 * PAGE_SIZE);
	assert_int_equal(merged->va_end, BASE + 14 * PAGE_SIZE);
	/* free A: merges into the next area's start */
	assert_int_equal(
		va_merge_or_insert(&t, new_va(BASE, BASE + 2 * PAGE_SIZE), unused, &merged), 1);
	free(unused[0]);
	/* free B: merges into the previous area's end */
	assert_int_equal(va_merge_or_insert(&t,
					    new_va(BASE + 14 * PAGE_SIZE, BASE + 16 * PAGE_SIZE),
					    unused, &merged),
			 1);
	free(unused[0]);
	assert_int_equal(t.nr, 1);
	assert_int_equal(merged->va_start, BASE);
	assert_int_equal(merged->va_end, BASE + 16 * PAGE_SIZE);
	assert_tree_ok(&t, true);
	vmap_tree_erase(&t, merged);
	free(merged);
}

/* The checker itself catches a corrupted augmentation and touching areas. */
static void test_check_catches_corruption(void **state)
{
	struct vmap_tree t;
	struct vmap_area *a = new_va(BASE, BASE + PAGE_SIZE);
	struct vmap_area *b = new_va(BASE + 2 * PAGE_SIZE, BASE + 3 * PAGE_SIZE);

	vmap_tree_init(&t, true);
	vmap_tree_insert(&t, a);
	vmap_tree_insert(&t, b);
	assert_int_equal(vmap_tree_check(&t, true, NULL, NULL), 0);
	t.root->subtree_max_size += PAGE_SIZE;
	assert_true(vmap_tree_check(&t, true, NULL, NULL) > 0);
	t.root->subtree_max_size -= PAGE_SIZE;
	a->va_end = b->va_start; /* touching free areas must have been merged */
	vmap_tree_propagate(&t, a);
	assert_true(vmap_tree_check(&t, true, NULL, NULL) > 0);
	assert_int_equal(vmap_tree_check(&t, false, NULL, NULL), 0); /* fine for busy areas */
	vmap_tree_erase(&t, a);
	vmap_tree_erase(&t, b);
	free(a);
	free(b);
}

/* ================================================ on a machine ==== */

static void boot(int cpus, int levels, unsigned long ram)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why = NULL;

	if (mmk) /* a failed test left its machine up */
		machine_shutdown();
	fault_inject_clear_all();
	cfg.cpus = cpus;
	cfg.levels = levels;
	cfg.ram_bytes = ram;
	assert_int_equal(machine_boot(&cfg, &why), 0);
}

static void shutdown_clean(void)
{
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* Free frames plus page-table and slab frames: what a failed vmalloc must
 * restore (page tables it allocated stay in init_mm, as in Linux; the
 * descriptors come from the vmap_area and kmalloc caches, whose slabs may
 * keep a page, e.g. for a refilled per-CPU preload node). */
static unsigned long frames_accounted(void)
{
	drain_all_pages();
	return global_zone_page_state_snapshot(NR_FREE_PAGES) + nr_pagetable_pages() +
	       (slab_unreclaimable_bytes() + slab_reclaimable_bytes()) / PAGE_SIZE;
}

static int kread(unsigned long kva, u64 *val) { return mmk_read(MMU_KERNEL_IDX, kva, 8, val); }

static int kwrite(unsigned long kva, u64 val) { return mmk_write(MMU_KERNEL_IDX, kva, 8, val); }

static bool dmesg_has(const char *what)
{
	char *log = dmesg_copy();
	bool found = log && strstr(log, what);

	free(log);
	return found;
}

/* A kernel access to kva oopses, naming the address. */
static void assert_oops_at(unsigned long kva, bool write)
{
	char hex[32];
	u64 v = 0;

	snprintf(hex, sizeof(hex), "%lx", kva);
	assert_int_equal(write ? kwrite(kva, 1) : kread(kva, &v), -EFAULT);
	assert_true(mmu_last_fault()->oops);
	assert_int_equal(mmu_last_fault()->address, kva);
	assert_non_null(strstr(mmu_last_fault()->msg, hex));
}

static void test_vmalloc_maps_and_frees(void **state)
{
	unsigned long free0, kva;
	struct vm_struct *vm;
	u64 *p, v;
	int i;

	boot(1, 4, 64 << 20);
	free0 = frames_accounted();
	p = vmalloc(64 << 10);
	assert_non_null(p);
	assert_true(is_vmalloc_addr(p));
	kva = vmalloc_kva_of(p);
	assert_int_equal(kva, VMALLOC_START); /* lowest fit in an empty range */
	assert_ptr_equal(host_of_kva(kva), p);
	assert_int_equal(kva_of(p), kva);
	vm = find_vm_area(p);
	assert_non_null(vm);
	assert_int_equal(vm->size, (64 << 10) + PAGE_SIZE);
	assert_int_equal(get_vm_area_size(vm), 64 << 10);
	assert_int_equal(vm->nr_pages, 16);
	assert_int_equal(vmalloc_nr_pages(), 16);
	/* C writes through the host window; the MMU reads the same frames */
	for (i = 0; i < 16 * 512; i++)
		p[i] = 0x1000000000000000ULL + (u64)i;
	for (i = 0; i < 16; i++) {
		assert_int_equal(kread(kva + (unsigned long)i * PAGE_SIZE + 8, &v), 0);
		assert_int_equal(v, 0x1000000000000000ULL + (u64)i * 512 + 1);
		/* the frame behind each page is the one the PTE names */
		assert_int_equal(*(u64 *)page_address(vmalloc_to_page((u8 *)p + i * PAGE_SIZE)),
				 0x1000000000000000ULL + (u64)i * 512);
	}
	assert_int_equal(kwrite(kva + 0x2000, 0xfeedULL), 0);
	assert_int_equal(p[0x2000 / 8], 0xfeedULL);
	assert_int_equal(verify_all(stderr), 0);
	vfree(p);
	assert_int_equal(vmalloc_nr_pages(), 0);
	assert_null(find_vm_area(p));
	assert_int_equal(frames_accounted(), free0);
	vfree(NULL); /* a no-op */
	shutdown_clean();
}

static void test_vzalloc_zeroes(void **state)
{
	u8 *p;
	int i;

	boot(1, 4, 64 << 20);
	p = vmalloc(32 << 10);
	memset(p, 0xa5, 32 << 10);
	vfree(p);
	p = vzalloc(32 << 10); /* likely the same frames again */
	assert_non_null(p);
	for (i = 0; i < (32 << 10); i++)
		assert_int_equal(p[i], 0);
	vfree(p);
	shutdown_clean();
}

/* The guard page after an area and a freed area oops; the machine goes on. */
static void test_guard_page_and_use_after_free_oops(void **state)
{
	unsigned long kva;
	u8 *p, *q;
	u64 v;

	boot(1, 4, 64 << 20);
	p = vmalloc(3 * PAGE_SIZE);
	q = vmalloc(PAGE_SIZE);
	kva = vmalloc_kva_of(p);
	assert_int_equal(vmalloc_kva_of(q), kva + 4 * PAGE_SIZE); /* after p's guard */
	assert_int_equal(kread(kva + 3 * PAGE_SIZE - 8, &v), 0);
	assert_oops_at(kva + 3 * PAGE_SIZE, false); /* the guard page */
	assert_oops_at(kva + 3 * PAGE_SIZE + 100, true);
	assert_int_equal(kread(kva + 4 * PAGE_SIZE, &v), 0); /* q is fine */
	vfree(p);
	assert_oops_at(kva, false); /* freed */
	assert_oops_at(kva + PAGE_SIZE, true);
	/* goes on: allocate again at the same place */
	p = vmalloc(2 * PAGE_SIZE);
	assert_int_equal(vmalloc_kva_of(p), kva);
	assert_int_equal(kwrite(kva, 42), 0);
	assert_oops_at(kva + 2 * PAGE_SIZE, false); /* the new guard */
	vfree(p);
	vfree(q);
	shutdown_clean();
}

/* Bad frees WARN and change nothing. */
static void test_bad_vfree(void **state)
{
	u8 *p;

	boot(1, 4, 64 << 20);
	p = vmalloc(PAGE_SIZE);
	vfree(p + 1); /* not page aligned */
	assert_non_null(find_vm_area(p));
	vfree(p);
	vfree(p); /* double free */
	assert_true(dmesg_has("Trying to vfree() nonexistent vm area"));
	assert_true(dmesg_has("Trying to vfree() bad address"));
	shutdown_clean();
}

/* The host window: an area's frames are ordered by pfn, fresh frames alias
 * with one host mmap, and vmalloc+vfree of the same size in a loop maps
 * nothing more in release builds (the same frames come back at the same
 * address); debug builds drop the aliases on vfree, so one mmap each time. */
static void test_host_alias_cache(void **state)
{
	unsigned long m0;
	struct vm_struct *vm;
	unsigned int i;
	int k;
	u8 *p;

	boot(1, 4, 64 << 20);
	m0 = vmalloc_window_nr_mmaps();
	p = vmalloc(64 << 10);
	assert_int_equal(vmalloc_window_nr_mmaps() - m0, 1);
	vm = find_vm_area(p);
	for (i = 1; i < vm->nr_pages; i++)
		assert_true(page_to_pfn(vm->pages[i]) > page_to_pfn(vm->pages[i - 1]));
	vfree(p);
	m0 = vmalloc_window_nr_mmaps();
	for (k = 0; k < 100; k++) {
		p = vmalloc(64 << 10);
		assert_int_equal(vmalloc_kva_of(p), VMALLOC_START);
		memset(p, k, 64 << 10);
		assert_int_equal(*(u8 *)page_address(vmalloc_to_page(p + 0x8000)), (u8)k);
		vfree(p);
	}
#ifdef CONFIG_DEBUG_VM
	assert_int_equal(vmalloc_window_nr_mmaps() - m0, 100);
#else
	assert_int_equal(vmalloc_window_nr_mmaps() - m0, 0);
#endif
	shutdown_clean();
}

/* The vmalloc verify check notices a corrupted state (each undone after). */
static void first_area(const struct vmap_area *va, void *arg)
{
	if (!*(struct vmap_area **)arg)
		*(struct vmap_area **)arg = (struct vmap_area *)va;
}

static void test_verify_catches_corruption(void **state)
{
	struct vmap_area *va = NULL;
	struct vm_struct *vm;
	struct page *saved;
	unsigned int nr;
	u8 *p;

	boot(1, 4, 64 << 20);
	p = vmalloc(4 * PAGE_SIZE);
	vm = find_vm_area(p);
	vmalloc_for_each_area(first_area, &va);
	assert_ptr_equal(va->vm, vm);
	assert_int_equal(verify_all(NULL), 0);
	/* a PTE that is not the page the area says */
	saved = vm->pages[2];
	vm->pages[2] = vm->pages[1];
	assert_true(verify_all(NULL) > 0);
	vm->pages[2] = saved;
	/* a gap in the tiling (and a size mismatch) */
	va->va_end -= PAGE_SIZE;
	assert_true(verify_all(NULL) > 0);
	va->va_end += PAGE_SIZE;
	/* the page counter */
	nr = vm->nr_pages;
	vm->nr_pages = nr + 1;
	assert_true(verify_all(NULL) > 0);
	vm->nr_pages = nr;
	assert_int_equal(verify_all(stderr), 0);
	vfree(p);
	shutdown_clean();
}

/* ---- reuse after free: no stale translation on another CPU ---- */

struct remote_read {
	unsigned long kva;
	u64 val;
	int err;
};

static void remote_read_fn(void *arg)
{
	struct remote_read *r = arg;

	r->err = kread(r->kva, &r->val);
}

static u64 read_on(int cpu, unsigned long kva, int *err)
{
	struct remote_read r = { .kva = kva };

	cpu_call(cpu, remote_read_fn, &r);
	*err = r.err;
	return r.val;
}

/*
 * CPU 1 caches the translation of a vmalloc page.  CPU 0 vfrees it, takes
 * the freed frames for itself (filling them with 0xcc) and vmallocs again:
 * same address, other frames (0xab).  CPU 1 must see 0xab: the vfree shot
 * its entry down.  Without the shootdown it would read 0xcc through the
 * stale entry.
 */
static void test_reuse_after_free_no_stale_tlb(void **state)
{
	enum { N = 4 };
	unsigned long kva, old_pfn[N];
	struct page *taken[256];
	int i, ntaken = 0, found = 0, err;
	u8 *p;

	boot(2, 4, 64 << 20);
	p = vmalloc(N * PAGE_SIZE);
	kva = vmalloc_kva_of(p);
	memset(p, 0x11, N * PAGE_SIZE);
	for (i = 0; i < N; i++) {
		old_pfn[i] = vmalloc_to_pfn(p + i * PAGE_SIZE);
		assert_int_equal(read_on(1, kva + (unsigned long)i * PAGE_SIZE, &err),
				 0x1111111111111111ULL);
		assert_int_equal(err, 0);
	}
	vfree(p);
	/* take the old frames (the allocator hands back recent frees first) */
	while (found < N && ntaken < (int)ARRAY_SIZE(taken)) {
		struct page *pg = alloc_pages(GFP_KERNEL, 0);

		assert_non_null(pg);
		taken[ntaken++] = pg;
		memset(page_address(pg), 0xcc, PAGE_SIZE);
		for (i = 0; i < N; i++)
			found += page_to_pfn(pg) == old_pfn[i];
	}
	assert_int_equal(found, N);
	p = vmalloc(N * PAGE_SIZE);
	assert_int_equal(vmalloc_kva_of(p), kva);
	memset(p, 0xab, N * PAGE_SIZE);
	for (i = 0; i < N; i++) {
		assert_int_equal(read_on(1, kva + (unsigned long)i * PAGE_SIZE, &err),
				 0xababababababababULL);
		assert_int_equal(err, 0);
	}
	vfree(p);
	/* and after a plain vfree, CPU 1 oopses rather than reading stale data */
	read_on(1, kva, &err);
	assert_int_equal(err, -EFAULT);
	while (ntaken)
		__free_pages(taken[--ntaken], 0);
	shutdown_clean();
}

/* ---- lazy purge ---- */

/* Parked areas keep their frames and ranges; another CPU's stale entry
 * reads the old frame, never a reused one; one purge releases everything. */
static void test_lazy_purge(void **state)
{
	unsigned long kva, pfn, free0, limit;
	struct page *frame;
	int err, n;
	u8 *p;

	boot(2, 4, 64 << 20);
	vmalloc_set_lazy_free(true);
	free0 = frames_accounted();
	p = vmalloc(2 * PAGE_SIZE);
	kva = vmalloc_kva_of(p);
	memset(p, 0x3c, 2 * PAGE_SIZE);
	pfn = vmalloc_to_pfn(p);
	frame = pfn_to_page(pfn);
	assert_int_equal(read_on(1, kva, &err), 0x3c3c3c3c3c3c3c3cULL);
	vfree(p);
	assert_int_equal(vmalloc_nr_pages(), 0);      /* VmallocUsed drops at once */
	assert_int_equal(vmalloc_lazy_nr_pages(), 3); /* two pages and the guard */
	assert_oops_at(kva, false);		      /* this CPU flushed */
	assert_int_equal(page_ref_count(frame), 1);   /* the frame waits */
	assert_int_equal(read_on(1, kva, &err), 0x3c3c3c3c3c3c3c3cULL); /* stale, old frame */
	assert_int_equal(err, 0);
	p = vmalloc(PAGE_SIZE);
	assert_int_equal(vmalloc_kva_of(p), kva + 3 * PAGE_SIZE); /* the range waits too */
	assert_int_equal(verify_all(stderr), 0);
	vm_unmap_aliases();
	assert_int_equal(vmalloc_lazy_nr_pages(), 0);
	read_on(1, kva, &err);
	assert_int_equal(err, -EFAULT); /* shot down everywhere */
	assert_int_equal(page_ref_count(frame), 0);
	vfree(p);
	vm_unmap_aliases();
	assert_int_equal(frames_accounted(), free0);
	/* past lazy_max_pages (RAM / 32 here) the purge runs by itself */
	limit = totalram_pages() / 32;
	for (n = 0; vmalloc_lazy_nr_pages() + 17 <= limit; n++)
		vfree(vmalloc(16 * PAGE_SIZE));
	assert_true(n > 0);
	vfree(vmalloc(16 * PAGE_SIZE));
	assert_int_equal(vmalloc_lazy_nr_pages(), 0);
	assert_int_equal(verify_all(stderr), 0);
	assert_int_equal(frames_accounted(), free0);
	/* turning lazy mode off purges */
	vfree(vmalloc(PAGE_SIZE));
	assert_int_equal(vmalloc_lazy_nr_pages(), 2);
	vmalloc_set_lazy_free(false);
	assert_int_equal(vmalloc_lazy_nr_pages(), 0);
	shutdown_clean();
}

/* A vmalloc that finds no room, or no frames, purges the parked areas and
 * tries again. */
static void test_lazy_purge_on_shortage(void **state)
{
	unsigned long range, lazy;
	void *big, *p, **one;
	int i, n = 0, purged = 0;

	/* room: i386 with 1 GiB has ~112 MiB of vmalloc range; fill all but
	 * 16 MiB, then park 1 MiB areas (below the 32 MiB threshold) */
	boot(1, 2, 1 << 30);
	vmalloc_set_lazy_free(true);
	range = vmalloc_end - VMALLOC_START;
	big = vmalloc(range - (16 << 20));
	assert_non_null(big);
	for (i = 0; i < 40; i++) {
		lazy = vmalloc_lazy_nr_pages();
		p = vmalloc(1 << 20);
		assert_non_null(p);
		purged += vmalloc_lazy_nr_pages() < lazy;
		vfree(p);
	}
	assert_true(purged >= 2);
	assert_int_equal(verify_all(stderr), 0);
	vfree(big);
	vmalloc_set_lazy_free(false);
	shutdown_clean();

	/* frames: fill RAM with one-page areas, park 60 of them (120 pages with
	 * their guards, below the threshold of RAM / 32), then ask for 20 pages */
	boot(1, 4, 16 << 20);
	vmalloc_set_lazy_free(true);
	one = calloc(8192, sizeof(void *));
	while (n < 8192 && (one[n] = __vmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN)))
		n++;
	assert_true(n > 1000 && n < 8192);
	for (i = 0; i < 60; i++)
		vfree(one[--n]);
	assert_int_equal(vmalloc_lazy_nr_pages(), 120);
	p = __vmalloc(20 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
	assert_non_null(p);
	assert_int_equal(vmalloc_lazy_nr_pages(), 0);
	assert_int_equal(verify_all(stderr), 0);
	vfree(p);
	while (n)
		vfree(one[--n]);
	free(one);
	vmalloc_set_lazy_free(false);
	shutdown_clean();
}

/* ---- vmap / vunmap ---- */

static void test_vmap_vunmap(void **state)
{
	struct page *pg[3], *order[3];
	unsigned long kva;
	u8 *v, *ro;
	u64 val;
	int i;

	boot(1, 4, 64 << 20);
	for (i = 0; i < 3; i++) {
		pg[i] = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		assert_non_null(pg[i]);
		*(u64 *)page_address(pg[i]) = 0x100 + (u64)i;
	}
	order[0] = pg[2], order[1] = pg[0], order[2] = pg[1];
	v = vmap(order, 3, VM_MAP, PAGE_KERNEL);
	assert_non_null(v);
	kva = vmalloc_kva_of(v);
	assert_int_equal(*(u64 *)(v + 0 * PAGE_SIZE), 0x102);
	assert_int_equal(*(u64 *)(v + 1 * PAGE_SIZE), 0x100);
	assert_int_equal(kread(kva + 2 * PAGE_SIZE, &val), 0);
	assert_int_equal(val, 0x101);
	assert_int_equal(kwrite(kva + PAGE_SIZE + 8, 0x77), 0); /* alias of pg[0] */
	assert_int_equal(((u64 *)page_address(pg[0]))[1], 0x77);
	assert_ptr_equal(vmalloc_to_page(v + 2 * PAGE_SIZE), pg[1]);
	assert_int_equal(vmalloc_nr_pages(), 0); /* vmap pages are not vmalloc's */
	assert_int_equal(find_vm_area(v)->flags & (VM_MAP | VM_ALLOC), VM_MAP);
	/* read-only mapping: a kernel write oopses (CR0.WP), a read works */
	ro = vmap(&pg[0], 1, VM_MAP, PAGE_KERNEL_RO);
	assert_non_null(ro);
	assert_int_equal(kread(vmalloc_kva_of(ro), &val), 0);
	assert_int_equal(val, 0x100);
	assert_oops_at(vmalloc_kva_of(ro), true);
	assert_int_equal(verify_all(stderr), 0);
	vunmap(ro);
	vunmap(v);
	assert_oops_at(kva, false);
	for (i = 0; i < 3; i++) { /* the pages are still ours */
		assert_int_equal(page_ref_count(pg[i]), 1);
		__free_pages(pg[i], 0);
	}
	assert_null(vmap(pg, 0, VM_MAP, PAGE_KERNEL));
	shutdown_clean();
}

/* ---- fragmentation: 10k live areas ---- */

static void test_fragmentation_10k(void **state)
{
	enum { N = 10000 };
	static u8 *area[N];
	static unsigned long len[N];
	unsigned long high = 0, total = 0, kva;
	int i, k;

	boot(1, 4, 256 << 20);
	for (i = 0; i < N; i++) {
		len[i] = (1 + rnd() % 3) * PAGE_SIZE;
		area[i] = vmalloc(len[i]);
		assert_non_null(area[i]);
		memset(area[i], (u8)i, len[i]);
		high = max(high, vmalloc_kva_of(area[i]) + len[i] + PAGE_SIZE);
		total += len[i] + PAGE_SIZE;
	}
	assert_int_equal(high, VMALLOC_START + total); /* packed: lowest fit, no gaps */
	/* free every other area, then refill the holes with one-page areas */
	for (i = 0; i < N; i += 2) {
		vfree(area[i]);
		area[i] = NULL;
	}
	assert_int_equal(verify_all(stderr), 0);
	for (i = 0; i < N; i += 2) {
		len[i] = PAGE_SIZE;
		area[i] = vmalloc(PAGE_SIZE);
		assert_non_null(area[i]);
		kva = vmalloc_kva_of(area[i]);
		assert_true(kva + 2 * PAGE_SIZE <= high); /* fits in a hole below the top */
		memset(area[i], (u8)i, PAGE_SIZE);
	}
	/* random churn, contents checked */
	for (k = 0; k < 20000; k++) {
		i = (int)(rnd() % N);
		assert_int_equal(area[i][len[i] - 1], (u8)i);
		vfree(area[i]);
		len[i] = (1 + rnd() % 4) * PAGE_SIZE;
		area[i] = vmalloc(len[i]);
		assert_non_null(area[i]);
		memset(area[i], (u8)i, len[i]);
	}
	assert_int_equal(verify_all(stderr), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(area[i][0], (u8)i);
		vfree(area[i]);
	}
	assert_int_equal(vmalloc_nr_pages(), 0);
	shutdown_clean();
}

/* ---- fault injection: every allocation in vmalloc, one at a time ---- */

static void count_area(const struct vmap_area *va, void *arg) { (*(unsigned long *)arg)++; }

static unsigned long busy_areas(void)
{
	unsigned long n = 0;

	vmalloc_for_each_area(count_area, &n);
	return n;
}

/*
 * The OOM loop: fail the 1st, 2nd, ... allocation of any kind during a
 * vmalloc (descriptors, page array, frames, page tables, the host alias),
 * until one runs with no failure injected.  Each failure: NULL, frames and
 * areas back to where they were, verify clean.  Every round allocates in a
 * 1 GiB slot never used before, so it needs new PMD and PTE tables (a
 * one-page blocker keeps each used slot taken).  Returns the rounds run.
 */
/* One-page areas that keep used 1 GiB slots taken, so that the next
 * 1 GiB-aligned allocation lands in a slot with no page tables yet. */
static void *blocker[64];
static int nblock;

static void block_slot(void)
{
	assert_true(nblock < (int)ARRAY_SIZE(blocker));
	blocker[nblock] = __vmalloc_node_range(PAGE_SIZE, 1UL << 30, GFP_KERNEL, PAGE_KERNEL, 0,
					       NULL, "blocker");
	assert_non_null(blocker[nblock++]);
}

static void unblock_slots(void)
{
	while (nblock)
		vfree(blocker[--nblock]);
}

static int oom_loop(unsigned long size)
{
	unsigned long free0;
	void *p = NULL;
	long nth;

	for (nth = 1; nth < 60; nth++) {
		long injected;

		free0 = frames_accounted();
		fault_inject_set("any", nth, false, 0);
		p = __vmalloc_node_range(size, 1UL << 30, GFP_KERNEL, PAGE_KERNEL, 0, NULL, "oom");
		injected = atomic_load(&fault_any.failures);
		fault_inject_clear_all();
		if (p && !injected)
			break; /* every allocation it makes has been failed once */
		if (p) {       /* a failure it could absorb (the preload) */
			vfree(p);
			p = NULL;
		}
		assert_int_equal(busy_areas(), (unsigned long)nblock);
		assert_int_equal(vmalloc_nr_pages(), (unsigned long)nblock);
		assert_int_equal(frames_accounted(), free0);
		assert_int_equal(verify_all(stderr), 0);
		block_slot();
	}
	assert_non_null(p);
	vfree(p);
	block_slot();
	return (int)nth;
}

static void test_fault_injection_every_site(void **state)
{
	static const char *const sites[] = {
		"vm_struct_alloc", "vmap_area_alloc", "vmalloc_pages_array",
		"alloc_pages",	   "pgtable_alloc",   "vmalloc_window",
	};
	unsigned long free0;
	void *a, *b;
	size_t i;

	boot(1, 4, 64 << 20);
	/* descriptors (2) and preload (each: its own site and the slab's
	 * kmem_cache_alloc), array, 16 frames, 2 tables (each: the
	 * pgtable_alloc and alloc_pages sites), host alias */
	assert_int_equal(oom_loop(64 << 10), 29);
	/* each site by name, sticky: NULL and no leak, in a fresh 1 GiB slot */
	for (i = 0; i < ARRAY_SIZE(sites); i++) {
		free0 = frames_accounted();
		assert_int_equal(fault_inject_set(sites[i], 1, true, 0), 0);
		assert_null(__vmalloc_node_range(8 * PAGE_SIZE, 1UL << 30, GFP_KERNEL, PAGE_KERNEL,
						 0, NULL, sites[i]));
		assert_true(fault_site_find(sites[i])->failures >= 1);
		fault_inject_clear_all();
		assert_int_equal(frames_accounted(), free0);
		assert_int_equal(busy_areas(), (unsigned long)nblock);
		assert_int_equal(verify_all(stderr), 0);
		block_slot();
	}
	unblock_slots();
	/* A 2 MiB-aligned area clipped out of the middle of a free area needs a
	 * second vmap_area: the per-CPU preload, else one allocated under the
	 * lock.  Empty the preload (b consumes it), then fail both. */
	a = vmalloc(PAGE_SIZE);
	b = __vmalloc_node_range(PAGE_SIZE, 1UL << 21, GFP_KERNEL, PAGE_KERNEL, 0, NULL, "b");
	assert_int_equal(vmalloc_kva_of(b), VMALLOC_START + (1UL << 21));
	vfree(b);
	free0 = frames_accounted();
	fault_inject_set("vmap_area_alloc", 2, true, 0); /* the area itself succeeds */
	assert_null(
		__vmalloc_node_range(PAGE_SIZE, 1UL << 21, GFP_KERNEL, PAGE_KERNEL, 0, NULL, "b"));
	assert_int_equal(fault_site_find("vmap_area_alloc")->failures, 2);
	fault_inject_clear_all();
	assert_int_equal(frames_accounted(), free0);
	assert_int_equal(busy_areas(), 1);
	assert_int_equal(verify_all(stderr), 0);
	vfree(a);
	shutdown_clean();
}

/* ---- every paging mode ---- */

static void test_every_paging_mode(void **state)
{
	int levels;

	for (levels = 2; levels <= 5; levels++) {
		unsigned long kva;
		u64 v;
		u8 *p;

		boot(1, levels, 64 << 20);
		assert_true(vmalloc_end > VMALLOC_START);
		assert_true(vmalloc_end - 1 <= VMALLOC_END);
		p = vmalloc(5 * PAGE_SIZE);
		assert_non_null(p);
		kva = vmalloc_kva_of(p);
		assert_int_equal(kva, VMALLOC_START);
		memset(p, 0x5a, 5 * PAGE_SIZE);
		assert_int_equal(kread(kva + 4 * PAGE_SIZE, &v), 0);
		assert_int_equal(v, 0x5a5a5a5a5a5a5a5aULL);
		assert_oops_at(kva + 5 * PAGE_SIZE, false);
		assert_int_equal(vmalloc_total_bytes(), VMALLOC_END - VMALLOC_START);
		if (levels == 4) /* the host's VmallocTotal */
			assert_int_equal(vmalloc_total_bytes() >> 10, 34359738367UL);
		vfree(p);
		assert_oops_at(kva, false);
		shutdown_clean();
	}
}

/* ---- /proc/vmallocinfo ---- */

static char *show_vmallocinfo(void)
{
	const struct proc_view *v = proc_view_find("/proc/vmallocinfo", false);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(v);
	assert_int_equal(v->show(f, NULL), 0);
	fclose(f);
	return buf;
}

static void test_vmallocinfo_format(void **state)
{
	struct page *pg[2];
	char expect[512], *text;
	void *a, *b, *c;

	boot(1, 4, 64 << 20);
	a = __vmalloc_node_range(5 * PAGE_SIZE, 1, GFP_KERNEL, PAGE_KERNEL, 0, NULL, "test_a");
	pg[0] = alloc_pages(GFP_KERNEL, 0);
	pg[1] = alloc_pages(GFP_KERNEL, 0);
	b = vmap_caller(pg, 2, VM_MAP, PAGE_KERNEL, NULL, "test_b");
	c = vmalloc(PAGE_SIZE); /* caller resolved by dladdr, or 0x... */
	text = show_vmallocinfo();
	snprintf(expect, sizeof(expect),
		 "0x%016lx-0x%016lx   24576 test_a pages=5 vmalloc N0=5\n"
		 "0x%016lx-0x%016lx   12288 test_b vmap\n",
		 VMALLOC_START, VMALLOC_START + 6 * PAGE_SIZE, VMALLOC_START + 6 * PAGE_SIZE,
		 VMALLOC_START + 9 * PAGE_SIZE);
	assert_memory_equal(text, expect, strlen(expect));
	snprintf(expect, sizeof(expect), "0x%016lx-0x%016lx    8192 ",
		 VMALLOC_START + 9 * PAGE_SIZE, VMALLOC_START + 11 * PAGE_SIZE);
	assert_non_null(strstr(text, expect));
	assert_non_null(strstr(text, " pages=1 vmalloc N0=1\n"));
	free(text);
	vfree(a);
	vunmap(b);
	vfree(c);
	text = show_vmallocinfo();
	assert_string_equal(text, "");
	free(text);
	__free_pages(pg[0], 0);
	__free_pages(pg[1], 0);
	shutdown_clean();
	/* 32-bit modes print 8 hex digits and no N0= */
	boot(1, 2, 64 << 20);
	a = __vmalloc_node_range(PAGE_SIZE, 1, GFP_KERNEL, PAGE_KERNEL, 0, NULL, "test_32");
	text = show_vmallocinfo();
	snprintf(expect, sizeof(expect), "0x%08lx-0x%08lx    8192 test_32 pages=1 vmalloc\n",
		 VMALLOC_START, VMALLOC_START + 2 * PAGE_SIZE);
	assert_string_equal(text, expect);
	free(text);
	vfree(a);
	shutdown_clean();
}

/* ---- multi-CPU: allocate on one CPU, free on another ---- */

#define STRESS_SLOTS 64
static u8 *_Atomic stress_slot[STRESS_SLOTS];
static _Atomic int stress_errors;

/* An area carries its owner's tag in byte 0 and at the end of page 0,
 * and the low byte of its page number in byte 1. */
static bool stress_area_ok(const u8 *p)
{
	return p[0] == p[PAGE_SIZE - 1] && p[1] == (u8)(vmalloc_kva_of(p) >> PAGE_SHIFT);
}

static void stress_fn(void *arg)
{
	int i;

	for (i = 0; i < 3000; i++) {
		int s = (int)(mmk_random() % STRESS_SLOTS);
		u8 *p = atomic_exchange(&stress_slot[s], NULL);

		if (p) { /* allocated by whichever CPU: check and free here */
			if (!stress_area_ok(p))
				atomic_fetch_add(&stress_errors, 1);
			vfree(p);
			continue;
		}
		p = vmalloc((1 + mmk_random() % 4) * PAGE_SIZE);
		if (!p) {
			atomic_fetch_add(&stress_errors, 1);
			continue;
		}
		memset(p, smp_processor_id() + 1, PAGE_SIZE);
		p[1] = (u8)(vmalloc_kva_of(p) >> PAGE_SHIFT);
		vfree(atomic_exchange(&stress_slot[s], p));
	}
	(void)arg;
}

static void multi_cpu_stress(bool lazy)
{
	int n, i;

	boot(4, 4, 64 << 20);
	vmalloc_set_lazy_free(lazy);
	atomic_store(&stress_errors, 0);
	for (n = 1; n < 4; n++)
		cpu_call_async(n, stress_fn, NULL);
	stress_fn(NULL);
	for (n = 1; n < 4; n++)
		cpu_call_wait(n);
	assert_int_equal(atomic_load(&stress_errors), 0);
	assert_int_equal(verify_all(stderr), 0);
	for (i = 0; i < STRESS_SLOTS; i++)
		vfree(atomic_exchange(&stress_slot[i], NULL));
	assert_int_equal(vmalloc_nr_pages(), 0);
	vmalloc_set_lazy_free(false);
	assert_int_equal(vmalloc_lazy_nr_pages(), 0);
	shutdown_clean();
}

static void test_multi_cpu_stress(void **state) { multi_cpu_stress(false); }

/* Lazy mode: parking and purges (with their shootdowns) on all CPUs at once. */
static void test_multi_cpu_stress_lazy(void **state) { multi_cpu_stress(true); }

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tree_random_vs_model),
	cmocka_unit_test(test_tree_sequential_height),
	cmocka_unit_test(test_free_tree_vs_model),
	cmocka_unit_test(test_free_tree_aligned),
	cmocka_unit_test(test_clip_and_merge_cases),
	cmocka_unit_test(test_check_catches_corruption),
	cmocka_unit_test(test_vmalloc_maps_and_frees),
	cmocka_unit_test(test_vzalloc_zeroes),
	cmocka_unit_test(test_guard_page_and_use_after_free_oops),
	cmocka_unit_test(test_bad_vfree),
	cmocka_unit_test(test_host_alias_cache),
	cmocka_unit_test(test_verify_catches_corruption),
	cmocka_unit_test(test_reuse_after_free_no_stale_tlb),
	cmocka_unit_test(test_lazy_purge),
	cmocka_unit_test(test_lazy_purge_on_shortage),
	cmocka_unit_test(test_vmap_vunmap),
	cmocka_unit_test(test_fragmentation_10k),
	cmocka_unit_test(test_fault_injection_every_site),
	cmocka_unit_test(test_every_paging_mode),
	cmocka_unit_test(test_vmallocinfo_format),
	cmocka_unit_test(test_multi_cpu_stress),
	cmocka_unit_test(test_multi_cpu_stress_lazy),
};

MMK_TEST_MAIN(tests, NULL, NULL);
