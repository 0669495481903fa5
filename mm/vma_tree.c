/*
 * vma_tree.c - the ordered index of an mm's VMAs: a B+tree with gap
 * augmentation (the role Linux's maple tree plays, lib/maple_tree.c; the
 * augmentation is the one the pre-6.1 rbtree kept, rb_subtree_gap).
 *
 * Leaves hold up to VT_MAX VMA pointers in address order; inner nodes hold
 * up to VT_MAX children.  For every slot a node keeps two summaries of what
 * is below it: pivot = the highest vm_end (the search key: find_vma descends
 * into the first slot whose pivot exceeds the address) and gap = the largest
 * free gap that ends at a VMA below it, where the gap in front of a VMA is
 * vm_start - vm_prev->vm_end (vm_start for the first VMA).  The free space
 * above the last VMA is not in any slot; the searches handle it apart.
 *
 * Insertion splits full nodes on the way up (in half; when the new entry
 * goes at either end, the full node stays as it is and a new node starts with
 * the entry, so that ordered runs fill every node; the nodes come from a spare
 * list filled beforehand by vt_preallocate, so an insertion cannot fail
 * half-way, like Linux's vma_iter_prealloc).  Deletion frees a node when it
 * becomes empty and collapses a root with one child, but does not merge
 * half-empty siblings: the height stays bounded by the logarithm of the
 * largest size the tree had (free-at-empty B-trees, Johnson & Shasha 1989).
 * Why a B+tree and not an rbtree: docs/ARCHITECTURE.md (measured).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/machine.h"
#include "mmkit/mm_vma.h"
#include "mmkit/slab.h"

#define VT_MAX 16

/* 64-byte aligned, the search keys first: a lookup touches the key lines
 * of one node per level and one slot line. */
struct vt_node {
	unsigned long pivot[VT_MAX]; /* highest vm_end in the slot */
	void *slot[VT_MAX];	     /* leaf: VMA, inner: child node */
	unsigned long gap[VT_MAX];   /* largest gap ending in the slot */
	struct vt_node *parent;
	unsigned char nr; /* slots in use, 1..VT_MAX (0 only transiently) */
	unsigned char leaf;
	unsigned char pslot; /* index of this node in parent */
} __attribute__((aligned(64)));

static DEFINE_FAULT_SITE(vt_node_fail, "vma_tree_node");
static struct kmem_cache *vt_node_cachep;

/* The "vma_tree_node" cache: 64-byte aligned nodes of every mm's tree (the
 * place of Linux's "maple_node" cache, whose 256-byte maple nodes are
 * aligned to their size; SLAB_PANIC and sheaves of 32 as there in 6.18). */
static int vt_node_cache_init(void)
{
	struct kmem_cache_args args = {
		.align = __alignof__(struct vt_node),
		.sheaf_capacity = 32,
	};

	vt_node_cachep = kmem_cache_create_args("vma_tree_node", sizeof(struct vt_node), &args,
						SLAB_PANIC, NULL);
	return 0;
}

static void vt_node_cache_exit(void)
{
	kmem_cache_destroy(vt_node_cachep);
	vt_node_cachep = NULL;
}
mmk_initcall(INIT_MM, vt_node_cache_init, vt_node_cache_exit);

static inline unsigned long vma_gap(const struct vm_area_struct *v)
{
	return v->vm_start - (v->vm_prev ? v->vm_prev->vm_end : 0);
}

void vt_init(struct vma_tree *t) { memset(t, 0, sizeof(*t)); }

/* Fill the spare list so that n insertions (each may split one node per
 * level and add a root) need no allocation.  Returns 0 or -ENOMEM. */
int vt_preallocate(struct vma_tree *t, int n)
{
	int want = n * (t->height + 2);

	while (t->nr_spare < want) {
		struct vt_node *node;

		if (should_fail(&vt_node_fail))
			return -ENOMEM;
		node = kmem_cache_alloc(vt_node_cachep, GFP_KERNEL);
		if (!node)
			return -ENOMEM;
		node->parent = t->spare;
		t->spare = node;
		t->nr_spare++;
	}
	return 0;
}

static struct vt_node *node_get(struct vma_tree *t, bool leaf)
{
	struct vt_node *node = t->spare;

	BUG_ON(!node); /* vt_preallocate was not called */
	t->spare = node->parent;
	t->nr_spare--;
	memset(node, 0, sizeof(*node));
	memset(node->pivot, 0xff, sizeof(node->pivot)); /* unused keys: ~0UL */
	node->leaf = leaf;
	return node;
}

static void node_put(struct vma_tree *t, struct vt_node *node)
{
	if (t->nr_spare >= 8) {
		kmem_cache_free(vt_node_cachep, node);
		return;
	}
	node->parent = t->spare;
	t->spare = node;
	t->nr_spare++;
}

void vt_destroy(struct vma_tree *t)
{
	BUG_ON(t->count);
	if (t->root)
		node_put(t, t->root);
	t->root = NULL;
	while (t->spare) {
		struct vt_node *n = t->spare;

		t->spare = n->parent;
		kmem_cache_free(vt_node_cachep, n);
	}
	t->nr_spare = 0;
}

/* Unused slots have gap 0, so all 16 can be scanned; four independent
 * maxima keep the dependency chain short. */
static unsigned long node_max_gap(const struct vt_node *n)
{
	unsigned long a = 0, b = 0, c = 0, d = 0;
	int i;

	for (i = 0; i < VT_MAX; i += 4) {
		a = n->gap[i] > a ? n->gap[i] : a;
		b = n->gap[i + 1] > b ? n->gap[i + 1] : b;
		c = n->gap[i + 2] > c ? n->gap[i + 2] : c;
		d = n->gap[i + 3] > d ? n->gap[i + 3] : d;
	}
	a = a > b ? a : b;
	c = c > d ? c : d;
	return a > c ? a : c;
}

/* n's slots changed: bring its ancestors' summaries up to date, stopping
 * at the first level whose stored summary of the child is already right
 * (nothing above can change then). */
static void propagate(struct vt_node *n)
{
	while (n->parent) {
		struct vt_node *p = n->parent;
		unsigned long piv = n->pivot[n->nr - 1], gap = node_max_gap(n);

		if (p->pivot[n->pslot] == piv && p->gap[n->pslot] == gap)
			return;
		p->pivot[n->pslot] = piv;
		p->gap[n->pslot] = gap;
		n = p;
	}
}

static int leaf_index(const struct vm_area_struct *vma)
{
	const struct vt_node *leaf = vma->vt_leaf;
	int i;

	for (i = 0; i < leaf->nr; i++)
		if (leaf->slot[i] == vma)
			return i;
	BUG();
}

/* Refresh the key and gap of one VMA in its leaf and above. */
static void refresh_vma(struct vm_area_struct *vma)
{
	struct vt_node *leaf = vma->vt_leaf;
	int i = leaf_index(vma);

	leaf->pivot[i] = vma->vm_end;
	leaf->gap[i] = vma_gap(vma);
	propagate(leaf);
}

/* The slot of n to descend into for addr: the number of keys <= addr (the
 * unused keys are ~0UL).  A two-step 4-ary search: three independent
 * compares pick the quarter, three more the slot in it, so the dependent
 * chain is two steps instead of the four of a binary search; the slot's line
 * is prefetched between them.  Never more than VT_MAX - 1: the caller only
 * descends where the last key exceeds addr. */
static __always_inline int vt_slot(const struct vt_node *n, unsigned long addr)
{
	int i;

	i = 4 * ((n->pivot[3] <= addr) + (n->pivot[7] <= addr) + (n->pivot[11] <= addr));
	__builtin_prefetch(&n->slot[i]);
	return i + (n->pivot[i] <= addr) + (n->pivot[i + 1] <= addr) + (n->pivot[i + 2] <= addr);
}
_Static_assert(VT_MAX == 16, "vt_slot searches 16 keys");

/* Aligned to a cache line: where the code around it moved, its placement
 * alone took the cached lookup from 1.4 to 2.0 ns on the AMD host
 * (docs/PERFORMANCE.md, VMAs). */
__attribute__((aligned(64))) struct vm_area_struct *vt_find(struct vma_tree *t, unsigned long addr)
{
	struct vm_area_struct *c = READ_ONCE(t->cache);
	const struct vt_node *n = t->root;
	int i;

	/* A VMA containing addr is the answer (VMAs do not overlap). */
	if (c && c->vm_start <= addr && addr < c->vm_end)
		return c;
	if (!n || n->pivot[n->nr - 1] <= addr)
		return NULL;
	for (;;) {
		i = vt_slot(n, addr);
		if (n->leaf) {
			c = n->slot[i];
			WRITE_ONCE(t->cache, c);
			return c;
		}
		n = n->slot[i];
	}
}

static void set_child(struct vt_node *n, int i, void *item)
{
	n->slot[i] = item;
	if (n->leaf) {
		struct vm_area_struct *v = item;

		v->vt_leaf = n;
		n->pivot[i] = v->vm_end;
		n->gap[i] = vma_gap(v);
	} else {
		struct vt_node *c = item;

		c->parent = n;
		c->pslot = (unsigned char)i;
		n->pivot[i] = c->pivot[c->nr - 1];
		n->gap[i] = node_max_gap(c);
	}
}

/* Insert item at index i of n, splitting n (and ancestors) when full. */
static void node_insert(struct vma_tree *t, struct vt_node *n, int i, void *item)
{
	struct vt_node *right;
	int j, half;

	if (n->nr < VT_MAX) {
		for (j = n->nr; j > i; j--)
			set_child(n, j, n->slot[j - 1]);
		n->nr++;
		set_child(n, i, item);
		propagate(n);
		return;
	}
	right = node_get(t, n->leaf);
	/* Appending (or prepending) runs - ascending brk growth, descending
	 * top-down mmaps - leave the full node as it is and start a new one
	 * with the new entry, so that such runs fill every node. */
	half = i == VT_MAX ? VT_MAX : i == 0 ? 0 : VT_MAX / 2;
	for (j = half; j < VT_MAX; j++) {
		set_child(right, j - half, n->slot[j]);
		n->pivot[j] = ~0UL;
		n->gap[j] = 0;
	}
	right->nr = VT_MAX - half;
	n->nr = half;
	if (i < half || (i == half && n->nr < VT_MAX))
		node_insert(t, n, i, item);
	else
		node_insert(t, right, i - half, item);
	if (!n->parent) {
		struct vt_node *root = node_get(t, false);

		root->nr = 1;
		set_child(root, 0, n);
		t->root = root;
		t->height++;
	} else {
		set_child(n->parent, n->pslot, n);
	}
	node_insert(t, n->parent, n->pslot + 1, right);
}

void vt_insert(struct vma_tree *t, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vt_find(t, vma->vm_start);
	struct vm_area_struct *prev = next ? next->vm_prev : t->last;
	struct vt_node *leaf;
	int i;

	BUG_ON(next && next->vm_start < vma->vm_end);
	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		t->first = vma;
	if (next)
		next->vm_prev = vma;
	else
		t->last = vma;
	if (!t->root) {
		t->root = node_get(t, true);
		t->height = 1;
	}
	if (next) {
		leaf = next->vt_leaf;
		i = leaf_index(next);
	} else {
		for (leaf = t->root; !leaf->leaf; leaf = leaf->slot[leaf->nr - 1])
			;
		i = leaf->nr;
	}
	node_insert(t, leaf, i, vma);
	t->count++;
	if (next)
		refresh_vma(next);
}

/* Split helper: vma's range was just cut (not yet propagated) and new takes
 * the other part, right below (new_below) or above it.  One leaf insertion
 * and one propagation, with no transient gap change. */
void vt_split_insert(struct vma_tree *t, struct vm_area_struct *vma, struct vm_area_struct *new,
		     bool new_below)
{
	struct vt_node *leaf = vma->vt_leaf;
	int i = leaf_index(vma);

	if (new_below) {
		new->vm_prev = vma->vm_prev;
		new->vm_next = vma;
		if (vma->vm_prev)
			vma->vm_prev->vm_next = new;
		else
			t->first = new;
		vma->vm_prev = new;
		node_insert(t, leaf, i, new);
	} else {
		leaf->pivot[i] = vma->vm_end;
		new->vm_prev = vma;
		new->vm_next = vma->vm_next;
		if (vma->vm_next)
			vma->vm_next->vm_prev = new;
		else
			t->last = new;
		vma->vm_next = new;
		node_insert(t, leaf, i + 1, new);
	}
	t->count++;
}

/* Remove slot i of n; free n when it empties. */
static void node_remove(struct vma_tree *t, struct vt_node *n, int i)
{
	int j;

	for (j = i; j < n->nr - 1; j++)
		set_child(n, j, n->slot[j + 1]);
	n->nr--;
	n->pivot[n->nr] = ~0UL;
	n->gap[n->nr] = 0;
	if (n->nr > 0) {
		propagate(n);
		return;
	}
	if (!n->parent) {
		t->root = NULL;
		t->height = 0;
		node_put(t, n);
		return;
	}
	node_remove(t, n->parent, n->pslot);
	node_put(t, n);
}

static void collapse_root(struct vma_tree *t)
{
	while (t->root && !t->root->leaf && t->root->nr == 1) {
		struct vt_node *old = t->root;

		t->root = old->slot[0];
		t->root->parent = NULL;
		t->root->pslot = 0;
		t->height--;
		node_put(t, old);
	}
}

void vt_erase(struct vma_tree *t, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next;

	__vt_erase(t, vma);
	if (next)
		refresh_vma(next);
}

/* Erase without fixing the successor's gap: the caller changes the VMA
 * before the hole next and calls vt_update on it, which fixes both. */
void __vt_erase(struct vma_tree *t, struct vm_area_struct *vma)
{
	if (READ_ONCE(t->cache) == vma)
		WRITE_ONCE(t->cache, NULL);
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;

	if (prev)
		prev->vm_next = next;
	else
		t->first = next;
	if (next)
		next->vm_prev = prev;
	else
		t->last = prev;
	node_remove(t, vma->vt_leaf, leaf_index(vma));
	collapse_root(t);
	t->count--;
	vma->vt_leaf = NULL;
	vma->vm_prev = vma->vm_next = NULL;
}

void vt_update(struct vma_tree *t, struct vm_area_struct *vma)
{
	BUG_ON(vma->vm_prev && vma->vm_prev->vm_end > vma->vm_start);
	BUG_ON(vma->vm_next && vma->vm_next->vm_start < vma->vm_end);
	refresh_vma(vma);
	if (vma->vm_next)
		refresh_vma(vma->vm_next);
}

/* ---- gap searches ---- */

struct gap_query {
	unsigned long low, high, len;
	unsigned long start, end; /* result, clipped */
};

/* Does the gap [gs, ge) hold len bytes inside [low, high)?  Record it. */
static bool gap_fits(struct gap_query *q, unsigned long gs, unsigned long ge)
{
	unsigned long s = gs > q->low ? gs : q->low;
	unsigned long e = ge < q->high ? ge : q->high;

	if (e <= s || e - s < q->len)
		return false;
	q->start = s;
	q->end = e;
	return true;
}

/* Slots of n cover gaps lying in [lo_i, pivot[i]) with lo_i = pivot[i-1]
 * (lo for slot 0).  A slot can hold the answer only if its max gap >= len
 * and that address range overlaps [low, high) by at least len. */
static bool slot_may_fit(const struct gap_query *q, const struct vt_node *n, int i,
			 unsigned long lo)
{
	unsigned long s = i ? n->pivot[i - 1] : lo;
	unsigned long e = n->pivot[i];

	if (n->gap[i] < q->len)
		return false;
	s = s > q->low ? s : q->low;
	e = e < q->high ? e : q->high;
	return e > s && e - s >= q->len;
}

static bool search_rev(struct gap_query *q, const struct vt_node *n, unsigned long lo)
{
	int i;

	for (i = n->nr - 1; i >= 0; i--) {
		unsigned long s = i ? n->pivot[i - 1] : lo;

		if (!slot_may_fit(q, n, i, lo))
			continue;
		if (n->leaf) {
			const struct vm_area_struct *v = n->slot[i];

			if (gap_fits(q, s, v->vm_start))
				return true;
		} else if (search_rev(q, n->slot[i], s)) {
			return true;
		}
	}
	return false;
}

static bool search_fwd(struct gap_query *q, const struct vt_node *n, unsigned long lo)
{
	int i;

	for (i = 0; i < n->nr; i++) {
		unsigned long s = i ? n->pivot[i - 1] : lo;

		if (!slot_may_fit(q, n, i, lo))
			continue;
		if (n->leaf) {
			const struct vm_area_struct *v = n->slot[i];

			if (gap_fits(q, s, v->vm_start))
				return true;
		} else if (search_fwd(q, n->slot[i], s)) {
			return true;
		}
	}
	return false;
}

int vt_gap_highest(const struct vma_tree *t, unsigned long low, unsigned long high,
		   unsigned long len, unsigned long *start, unsigned long *end)
{
	struct gap_query q = { .low = low, .high = high, .len = len };
	unsigned long top = t->last ? t->last->vm_end : 0;

	if (high <= low || len > high - low)
		return -ENOMEM;
	if (!gap_fits(&q, top, ~0UL) && !(t->root && search_rev(&q, t->root, 0)))
		return -ENOMEM;
	*start = q.start;
	*end = q.end;
	return 0;
}

int vt_gap_lowest(const struct vma_tree *t, unsigned long low, unsigned long high,
		  unsigned long len, unsigned long *start, unsigned long *end)
{
	struct gap_query q = { .low = low, .high = high, .len = len };
	unsigned long top = t->last ? t->last->vm_end : 0;

	if (high <= low || len > high - low)
		return -ENOMEM;
	if (!(t->root && search_fwd(&q, t->root, 0)) && !gap_fits(&q, top, ~0UL))
		return -ENOMEM;
	*start = q.start;
	*end = q.end;
	return 0;
}

/* ---- validation ---- */

struct vt_check {
	void (*report)(void *arg, const char *msg);
	void *arg;
	int errors;
	unsigned long count;
	const struct vm_area_struct *prev; /* in-order predecessor */
	int leaf_depth;
};

static void vt_fail(struct vt_check *c, const char *fmt, unsigned long a, unsigned long b)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, a, b);
	c->errors++;
	c->report(c->arg, msg);
}

static void check_leaf(struct vt_check *c, const struct vt_node *n)
{
	int i;

	for (i = 0; i < n->nr; i++) {
		const struct vm_area_struct *v = n->slot[i];

		if (v->vt_leaf != n)
			vt_fail(c, "VMA %#lx-%#lx: wrong leaf back-pointer", v->vm_start,
				v->vm_end);
		if (v->vm_prev != c->prev)
			vt_fail(c, "VMA %#lx-%#lx: vm_prev is not the tree predecessor",
				v->vm_start, v->vm_end);
		if (c->prev && c->prev->vm_end > v->vm_start)
			vt_fail(c, "VMAs overlap or are out of order at %#lx (prev end %#lx)",
				v->vm_start, c->prev->vm_end);
		if (n->pivot[i] != v->vm_end || n->gap[i] != vma_gap(v))
			vt_fail(c, "leaf key/gap stale at VMA %#lx-%#lx", v->vm_start, v->vm_end);
		c->prev = v;
		c->count++;
	}
}

static void check_node(struct vt_check *c, const struct vt_node *n, int depth)
{
	int i;

	if (n->nr < 1 || n->nr > VT_MAX)
		vt_fail(c, "node with %lu slots at depth %lu", n->nr, (unsigned long)depth);
	for (i = n->nr; i < VT_MAX; i++)
		if (n->pivot[i] != ~0UL || n->gap[i])
			vt_fail(c, "unused slot %lu not padded at depth %lu", i, depth);
	if (n->leaf) {
		if (c->leaf_depth < 0)
			c->leaf_depth = depth;
		else if (c->leaf_depth != depth)
			vt_fail(c, "leaves at depths %lu and %lu", (unsigned long)c->leaf_depth,
				depth);
		check_leaf(c, n);
		return;
	}
	for (i = 0; i < n->nr; i++) {
		const struct vt_node *ch = n->slot[i];

		if (ch->parent != n || ch->pslot != i)
			vt_fail(c, "bad parent link at depth %lu slot %lu", depth, i);
		check_node(c, ch, depth + 1);
		if (n->pivot[i] != ch->pivot[ch->nr - 1])
			vt_fail(c, "stale pivot %#lx (child max %#lx)", n->pivot[i],
				ch->pivot[ch->nr - 1]);
		if (n->gap[i] != node_max_gap(ch))
			vt_fail(c, "stale gap augmentation %#lx (recomputed %#lx)", n->gap[i],
				node_max_gap(ch));
	}
}

int vt_validate(const struct vma_tree *t, void (*report)(void *arg, const char *msg), void *arg)
{
	struct vt_check c = { .report = report, .arg = arg, .leaf_depth = -1 };

	if (t->root) {
		if (t->root->parent)
			vt_fail(&c, "root has a parent", 0, 0);
		check_node(&c, t->root, 1);
		if (c.leaf_depth != t->height)
			vt_fail(&c, "height %lu but leaves at depth %lu", (unsigned long)t->height,
				(unsigned long)c.leaf_depth);
	}
	if (c.count != t->count)
		vt_fail(&c, "tree holds %lu VMAs, count says %lu", c.count, t->count);
	if (c.prev != t->last)
		vt_fail(&c, "list tail is not the last VMA in the tree", 0, 0);
	if (!t->root && t->first)
		vt_fail(&c, "empty tree with a list head", 0, 0);
	if (t->cache && !t->cache->vt_leaf)
		vt_fail(&c, "lookup cache points to a VMA that is not in the tree", 0, 0);
	return c.errors;
}
