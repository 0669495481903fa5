/*
 * vmalloc_tree.c - the two trees behind vmalloc: address-ordered AVL trees of
 * vmap_areas, one of free ranges augmented with the largest free block of
 * each subtree, one of busy areas (Linux mm/vmalloc.c: free_vmap_area_root
 * with subtree_max_size, the busy vmap_area_root, find_vmap_lowest_match,
 * va_clip, merge_or_add_vmap_area).
 *
 * Algorithm.  Each node keeps its AVL height and, in the free tree,
 * subtree_max_size = max(va_size(node), left->max, right->max).  Insert and
 * erase are the textbook AVL ones; after either, the path from the change to
 * the root is retraced, recomputing height and max and rotating where the
 * balance factor reaches 2, so both stay exact in O(log n).  A node whose
 * bounds change in place (clip, merge) only needs its max propagated upward,
 * stopping where it no longer changes.
 *
 * Lowest fit: descend from the root; go left whenever the left subtree's max
 * can hold the request (then a fitting block is certainly there, so the
 * lowest one is too); otherwise take this node if the aligned block fits in
 * it; otherwise go right.  When align > PAGE_SIZE the search length is
 * size + align - 1, which every block that long can hold whatever its start
 * (Linux's adjust_search_size).  O(height).
 *
 * Linux uses a red-black tree with augment callbacks; an AVL tree gives the
 * same O(log n) bounds with a single retrace loop for balance and
 * augmentation (see docs/ARCHITECTURE.md, vmalloc).  An address-ordered list
 * through the same nodes gives O(1) neighbours for merging, as Linux's
 * free_vmap_area_list does.
 */
#include <stdarg.h>
#include <stdio.h>
#include "mmkit/vmalloc.h"

static inline int va_height(const struct vmap_area *va) { return va ? va->height : 0; }
static inline unsigned long va_max(const struct vmap_area *va)
{
	return va ? va->subtree_max_size : 0;
}

static unsigned long compute_max(const struct vmap_area *va)
{
	unsigned long m = va_size(va);

	m = max(m, va_max(va->left));
	return max(m, va_max(va->right));
}

/* Recompute height and (augmented trees) max from the children. */
static void va_update(const struct vmap_tree *t, struct vmap_area *va)
{
	va->height = 1 + max(va_height(va->left), va_height(va->right));
	if (t->augmented)
		va->subtree_max_size = compute_max(va);
}

/* Make `parent` (or the root) point at `new` where it pointed at `old`. */
static void replace_child(struct vmap_tree *t, struct vmap_area *parent, struct vmap_area *old,
			  struct vmap_area *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct vmap_area *rotate_left(struct vmap_tree *t, struct vmap_area *x)
{
	struct vmap_area *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	va_update(t, x);
	va_update(t, y);
	return y;
}

static struct vmap_area *rotate_right(struct vmap_tree *t, struct vmap_area *x)
{
	struct vmap_area *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	va_update(t, x);
	va_update(t, y);
	return y;
}

/* Restore the AVL balance at va (children already balanced); returns the
 * root of the subtree that replaced va. */
static struct vmap_area *rebalance(struct vmap_tree *t, struct vmap_area *va)
{
	int bf = va_height(va->left) - va_height(va->right);

	if (bf > 1) {
		if (va_height(va->left->left) < va_height(va->left->right))
			rotate_left(t, va->left);
		return rotate_right(t, va);
	}
	if (bf < -1) {
		if (va_height(va->right->right) < va_height(va->right->left))
			rotate_right(t, va->right);
		return rotate_left(t, va);
	}
	return va;
}

/* Walk from va to the root fixing heights, maxima and balance. */
static void retrace(struct vmap_tree *t, struct vmap_area *va)
{
	while (va) {
		va_update(t, va);
		va = rebalance(t, va)->parent;
	}
}

void vmap_tree_init(struct vmap_tree *t, bool augmented)
{
	t->root = NULL;
	INIT_LIST_HEAD(&t->head);
	t->nr = 0;
	t->augmented = augmented;
}

static bool va_overlap(const struct vmap_area *a, const struct vmap_area *b)
{
	return a->va_start < b->va_end && b->va_start < a->va_end;
}

void vmap_tree_insert(struct vmap_tree *t, struct vmap_area *va)
{
	struct vmap_area **link = &t->root, *parent = NULL, *pred = NULL;

	BUG_ON(va->va_start >= va->va_end);
	while (*link) {
		parent = *link;
		BUG_ON(va_overlap(va, parent));
		if (va->va_start < parent->va_start) {
			link = &parent->left;
		} else {
			pred = parent;
			link = &parent->right;
		}
	}
	va->left = va->right = NULL;
	va->parent = parent;
	va->height = 1;
	va->subtree_max_size = va_size(va);
	*link = va;
	list_add(&va->list, pred ? &pred->list : &t->head);
	t->nr++;
	retrace(t, parent);
}

/* Put s (the in-order successor of va, leftmost in va's right subtree) in
 * va's place.  Returns where the retrace must start. */
static struct vmap_area *swap_in_successor(struct vmap_tree *t, struct vmap_area *va,
					   struct vmap_area *s)
{
	struct vmap_area *from = s;

	if (s != va->right) {
		from = s->parent;
		from->left = s->right;
		if (s->right)
			s->right->parent = from;
		s->right = va->right;
		va->right->parent = s;
	}
	s->left = va->left;
	va->left->parent = s;
	replace_child(t, va->parent, va, s);
	s->height = va->height;
	return from;
}

void vmap_tree_erase(struct vmap_tree *t, struct vmap_area *va)
{
	struct vmap_area *from;

	if (va->left && va->right) {
		from = swap_in_successor(t, va, list_entry(va->list.next, struct vmap_area, list));
	} else {
		from = va->parent;
		replace_child(t, va->parent, va, va->left ? va->left : va->right);
	}
	list_del(&va->list);
	va->left = va->right = va->parent = NULL;
	t->nr--;
	retrace(t, from);
}

struct vmap_area *vmap_tree_find(const struct vmap_tree *t, unsigned long addr)
{
	struct vmap_area *va = t->root;

	while (va) {
		if (addr < va->va_start)
			va = va->left;
		else if (addr >= va->va_end)
			va = va->right;
		else
			return va;
	}
	return NULL;
}

struct vmap_area *vmap_tree_find_above(const struct vmap_tree *t, unsigned long addr)
{
	struct vmap_area *va = t->root, *best = NULL;

	while (va) {
		if (addr < va->va_end) {
			best = va;
			va = va->left;
		} else {
			va = va->right;
		}
	}
	return best;
}

void vmap_tree_propagate(struct vmap_tree *t, struct vmap_area *va)
{
	if (!t->augmented)
		return;
	for (; va; va = va->parent) {
		unsigned long m = compute_max(va);

		if (m == va->subtree_max_size)
			break;
		va->subtree_max_size = m;
	}
}

/* Does an aligned block of size fit in va?  (is_within_this_va) */
static bool va_fits(const struct vmap_area *va, unsigned long size, unsigned long align)
{
	unsigned long start = ALIGN(va->va_start, align);

	return start >= va->va_start && start + size >= start && start + size <= va->va_end;
}

struct vmap_area *vmap_tree_lowest_match(const struct vmap_tree *t, unsigned long size,
					 unsigned long align)
{
	unsigned long length = align > PAGE_SIZE ? size + align - 1 : size;
	struct vmap_area *va = t->root;

	VM_BUG_ON(!t->augmented);
	if (length < size)
		return NULL;
	while (va) {
		if (va_max(va->left) >= length)
			va = va->left;
		else if (va_fits(va, size, align))
			return va;
		else if (va_max(va->right) >= length)
			va = va->right;
		else
			return NULL;
	}
	return NULL;
}

struct vmap_area *vmap_tree_prev(const struct vmap_tree *t, const struct vmap_area *va)
{
	return va->list.prev == &t->head ? NULL : list_entry(va->list.prev, struct vmap_area, list);
}

struct vmap_area *vmap_tree_next(const struct vmap_tree *t, const struct vmap_area *va)
{
	return va->list.next == &t->head ? NULL : list_entry(va->list.next, struct vmap_area, list);
}

/* ---- free-tree operations ---- */

struct vmap_area *va_clip(struct vmap_tree *t, struct vmap_area *va, unsigned long start,
			  unsigned long size, struct vmap_area **spare)
{
	unsigned long end = start + size;
	struct vmap_area *lva;

	BUG_ON(start < va->va_start || end > va->va_end || end <= start);
	if (start == va->va_start && end == va->va_end) { /* full fit */
		vmap_tree_erase(t, va);
		return va;
	}
	if (start == va->va_start) { /* left edge */
		va->va_start = end;
	} else if (end == va->va_end) { /* right edge */
		va->va_end = start;
	} else { /* middle */
		lva = *spare;
		BUG_ON(!lva);
		*spare = NULL;
		lva->va_start = va->va_start;
		lva->va_end = start;
		va->va_start = end;
		vmap_tree_propagate(t, va);
		vmap_tree_insert(t, lva);
		return NULL;
	}
	vmap_tree_propagate(t, va);
	return NULL;
}

int va_merge_or_insert(struct vmap_tree *t, struct vmap_area *va, struct vmap_area *unused[2],
		       struct vmap_area **merged)
{
	struct vmap_area *next = vmap_tree_find_above(t, va->va_start);
	struct vmap_area *prev = next ? vmap_tree_prev(t, next) :
				 list_empty(&t->head) ?
					NULL :
					list_last_entry(&t->head, struct vmap_area, list);
	int n = 0;

	BUG_ON(next && next->va_start < va->va_end);
	BUG_ON(prev && prev->va_end > va->va_start);
	if (next && next->va_start == va->va_end) {
		next->va_start = va->va_start;
		unused[n++] = va;
		va = next;
		if (prev && prev->va_end == va->va_start) {
			prev->va_end = va->va_end;
			vmap_tree_erase(t, va);
			unused[n++] = va;
			va = prev;
		}
		vmap_tree_propagate(t, va);
	} else if (prev && prev->va_end == va->va_start) {
		prev->va_end = va->va_end;
		unused[n++] = va;
		va = prev;
		vmap_tree_propagate(t, va);
	} else {
		vmap_tree_insert(t, va);
	}
	*merged = va;
	return n;
}

/* ---- structural check ---- */

struct check_state {
	const struct vmap_tree *t;
	bool is_free;
	void (*report)(void *arg, const char *msg);
	void *arg;
	int errors;
	unsigned long count;
	const struct list_head *pos; /* list cursor, walked with the in-order walk */
	const struct vmap_area *prev;
};

static __printf(2, 3) void check_fail(struct check_state *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	s->errors++;
	if (s->errors > 20 || !s->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->report(s->arg, msg);
}

/* Node-local invariants: links, height, balance, augmentation. */
static void check_node(struct check_state *s, const struct vmap_area *va)
{
	int hl = va_height(va->left), hr = va_height(va->right);

	if (va->va_start >= va->va_end)
		check_fail(s, "area [%#lx-%#lx) is empty or inverted", va->va_start, va->va_end);
	if ((va->left && va->left->parent != va) || (va->right && va->right->parent != va))
		check_fail(s, "area %#lx: a child's parent link is wrong", va->va_start);
	if (va->height != 1 + max(hl, hr))
		check_fail(s, "area %#lx: height %d, children %d/%d", va->va_start, va->height, hl,
			   hr);
	if (hl - hr > 1 || hr - hl > 1)
		check_fail(s, "area %#lx: unbalanced (%d/%d)", va->va_start, hl, hr);
	if (s->t->augmented && va->subtree_max_size != compute_max(va))
		check_fail(s, "area %#lx: subtree_max_size %#lx, should be %#lx", va->va_start,
			   va->subtree_max_size, compute_max(va));
}

/* In-order position: list agreement, order, overlap, touching free areas. */
static void check_order(struct check_state *s, const struct vmap_area *va)
{
	const struct vmap_area *prev = s->prev;

	s->pos = s->pos->next;
	if (s->pos != &va->list)
		check_fail(s, "area %#lx: list order differs from tree order", va->va_start);
	if (prev && prev->va_end > va->va_start)
		check_fail(s, "areas [%#lx-%#lx) and [%#lx-%#lx) overlap or are out of order",
			   prev->va_start, prev->va_end, va->va_start, va->va_end);
	else if (prev && s->is_free && prev->va_end == va->va_start)
		check_fail(s, "free areas [%#lx-%#lx) and [%#lx-%#lx) touch but are not merged",
			   prev->va_start, prev->va_end, va->va_start, va->va_end);
	s->prev = va;
	s->count++;
}

static void check_walk(struct check_state *s, const struct vmap_area *va, int depth)
{
	if (!va)
		return;
	if (depth > 128) {
		check_fail(s, "tree deeper than 128: a cycle?");
		return;
	}
	check_walk(s, va->left, depth + 1);
	check_node(s, va);
	check_order(s, va);
	check_walk(s, va->right, depth + 1);
}

int vmap_tree_check(const struct vmap_tree *t, bool is_free,
		    void (*report)(void *arg, const char *msg), void *arg)
{
	struct check_state s = {
		.t = t, .is_free = is_free, .report = report, .arg = arg, .pos = &t->head
	};

	if (t->root && t->root->parent)
		check_fail(&s, "root %#lx has a parent", t->root->va_start);
	check_walk(&s, t->root, 0);
	if (s.pos->next != &t->head)
		check_fail(&s, "list holds areas that are not in the tree");
	if (s.count != t->nr)
		check_fail(&s, "tree holds %lu areas, counter says %lu", s.count, t->nr);
	return s.errors;
}
