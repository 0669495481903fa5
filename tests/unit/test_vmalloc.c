/* test_vmalloc.c - vmalloc: the free/busy trees against a simple model
 * (random insert/erase/find, lowest fit, clip and merge, augmentation). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
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

		if (!slot[s]) {   /* a random length inside the slot */
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

		vmap_tree_for_each(va, &t) {
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

	vmap_tree_for_each(va, t) {
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

struct alloc_rec { unsigned long start, size; };

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
		if (nrec && rnd() % 100 < 45) {         /* free a random allocation */
			int k = (int)(rnd() % (u64)nrec);

			tree_free(&t, rec[k].start, rec[k].size);
			memset(&m.busy[(rec[k].start - BASE) >> PAGE_SHIFT], 0, rec[k].size >> PAGE_SHIFT);
			rec[k] = rec[--nrec];
		} else {                                /* allocate 1..64 pages, lowest fit */
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
	assert_int_equal(t.nr, 1);     /* everything merged back into one area */
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
		vmap_tree_for_each(hit, &t) {
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
					    unused, &merged), 0);
	assert_int_equal(t.nr, 2);
	/* free C: touches both -> two nodes unused, one area [2, 14) */
	assert_int_equal(va_merge_or_insert(&t, new_va(BASE + 6 * PAGE_SIZE, BASE + 8 * PAGE_SIZE),
					    unused, &merged), 2);
	free(unused[0]);
	free(unused[1]);
	assert_int_equal(t.nr, 1);
	assert_int_equal(merged->va_start, BASE + 2 * PAGE_SIZE);
	assert_int_equal(merged->va_end, BASE + 14 * PAGE_SIZE);
	/* free A: merges into the next area's start */
	assert_int_equal(va_merge_or_insert(&t, new_va(BASE, BASE + 2 * PAGE_SIZE), unused, &merged), 1);
	free(unused[0]);
	/* free B: merges into the previous area's end */
	assert_int_equal(va_merge_or_insert(&t, new_va(BASE + 14 * PAGE_SIZE, BASE + 16 * PAGE_SIZE),
					    unused, &merged), 1);
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
	a->va_end = b->va_start;      /* touching free areas must have been merged */
	vmap_tree_propagate(&t, a);
	assert_true(vmap_tree_check(&t, true, NULL, NULL) > 0);
	assert_int_equal(vmap_tree_check(&t, false, NULL, NULL), 0);   /* fine for busy areas */
	vmap_tree_erase(&t, a);
	vmap_tree_erase(&t, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_random_vs_model),
		cmocka_unit_test(test_tree_sequential_height),
		cmocka_unit_test(test_free_tree_vs_model),
		cmocka_unit_test(test_free_tree_aligned),
		cmocka_unit_test(test_clip_and_merge_cases),
		cmocka_unit_test(test_check_catches_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
