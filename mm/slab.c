/*
 * slab.c - the SLUB slab allocator (Linux mm/slub.c, Christoph Lameter 2007;
 * the per-CPU-slab design of Linux 6.8-6.18 with per-CPU partial slabs and
 * 6.18's opt-in per-CPU sheaves; Vlastimil Babka 2025).
 *
 * A cache hands out objects of one size from slabs: runs of 2^order frames
 * from the buddy allocator, cut into objects.  A free object stores the
 * address of the next free one inside itself (at s->offset: mid-object, or
 * after the object when debugging or a constructor forbids overwriting it).
 *
 * Each CPU owns one "frozen" slab per cache and allocates from a private
 * freelist taken from it, with no lock and no atomic (a simulated CPU is one
 * host thread and per-CPU data is only touched by its owner; other CPUs ask
 * by IPI).  An object freed on its CPU slab's owner goes back on that list,
 * equally cheap.  Any other free (another CPU's slab, or a slab that is not
 * active) pushes the object on the slab's own freelist under the slab lock
 * (Linux's !cmpxchg_double fallback, a PG_locked bit spinlock).  The first
 * free into a full slab puts the slab on the freeing CPU's partial list
 * (CONFIG_SLUB_CPU_PARTIAL, put_cpu_partial), no list_lock needed; a CPU
 * whose list holds s->cpu_partial_slabs slabs moves them to the node's
 * partial list first (unfreezing).  Only a free that empties a slab of the
 * node list takes list_lock, to discard it beyond min_partial.  When its
 * freelist runs dry, a CPU takes the remote frees accumulated on its slab,
 * else a slab of its partial list, else a slab from the node's partial list
 * (and up to half its limit more onto its partial list), else a new slab.
 * kmem_cache_shrink frees every empty slab.
 *
 * Caches created with a sheaf_capacity put per-CPU sheaves in front of all
 * this (mm/slab_sheaf.c): arrays of objects, a main and a spare per CPU, a
 * barn of full and empty ones per node.  Their fast paths are here so that
 * they inline into the entry points: allocation pops main, a free pushes
 * it; the slabs are reached in bulk, a sheaf at a time.
 *
 * Caches with slab_debug flags (mm/slub_debug.c) bypass the CPU slabs: every
 * alloc and free runs under list_lock with the checks, as in Linux.
 *
 * The two bootstrap caches (kmem_cache_node, kmem_cache) are first built in
 * static memory, then copied into objects of the kmem_cache cache itself
 * (Linux's bootstrap()), so every struct kmem_cache lives in simulated RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "mm/slab.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/wait.h"

DEFINE_FAULT_SITE(fail_kmem_cache_alloc, "kmem_cache_alloc");

#define MIN_PARTIAL 5
#define MAX_PARTIAL 10
#define MAX_OBJS_PER_PAGE 32767 /* page->objects is 15 bits */
#define PAGE_ALLOC_COSTLY_ORDER 3

static unsigned int slub_min_order;
static unsigned int slub_max_order = PAGE_ALLOC_COSTLY_ORDER;
static unsigned int slub_min_objects;

struct kmem_cache *kmem_cache;
struct kmem_cache *kmem_cache_node;

/* ---- the slab lock: PG_locked in the head page's flags ---- */

/* Test, then test-and-set: spin on a plain load while the bit is held. */
static bool slab_try(void *slab)
{
	const unsigned long bit = 1UL << PG_locked;
	_Atomic unsigned long *flags = &((struct page *)slab)->flags;

	return !(atomic_load_explicit(flags, memory_order_relaxed) & bit) &&
	       !(atomic_fetch_or_explicit(flags, bit, memory_order_acquire) & bit);
}

/* Linux takes the slab lock with interrupts disabled: its waiter serves no
 * IPI, and no IPI is ever sent with it held.  The holder's host thread may
 * be descheduled: after a few polls, yield. */
static const struct wait_ops slab_lock_wait = { .done = slab_try, .spins = 64 };

#ifdef CONFIG_LOCKDEP
static struct lockdep_map slab_lock_dep_map = LOCKDEP_MAP_INIT("slab_lock", IPI_NONE);
#endif

void __slab_lock(struct page *slab)
{
	const unsigned long bit = 1UL << PG_locked;

#ifdef CONFIG_LOCKDEP
	lock_acquire(slab, &slab_lock_dep_map, false, false);
#endif
	if (atomic_fetch_or_explicit(&slab->flags, bit, memory_order_acquire) & bit)
		wait_until(&slab_lock_wait, slab, IPI_NONE);
}

/* A release store, not an atomic RMW: while the lock is held nobody else
 * changes this slab page's flags (lockers' fetch_or rewrites the same
 * value; SL_partial changes only under the slab lock, or under list_lock
 * for debug caches, where every slab lock holder holds list_lock), so no
 * update can be lost. */
void slab_unlock(struct page *slab)
{
	lock_release(slab);
	unsigned long f = atomic_load_explicit(&slab->flags, memory_order_relaxed);

	atomic_store_explicit(&slab->flags, f & ~(1UL << PG_locked), memory_order_release);
}

/* ---- sizes and orders (calculate_sizes, calculate_order) ---- */

static unsigned int fls_u(unsigned int x) { return x ? 32 - (unsigned int)__builtin_clz(x) : 0; }

static unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

/* The smallest order in [min_order, max_order] wasting at most 1/fract. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int bytes = (unsigned int)(PAGE_SIZE << order);

		if (bytes % size <= bytes / fract)
			break;
	}
	return order;
}

/* Linux calculate_order(): enough objects per slab for the CPU count
 * (slub_min_objects = 4 * (fls(nr_cpus) + 1)), then the lowest order that
 * wastes at most 1/16, 1/8, 1/4 of the slab.  Returns -1 if none fits. */
static int calculate_order(unsigned int size)
{
	unsigned int min_objects = slub_min_objects, max_objects, min_order, fract, order;

	if (!min_objects)
		min_objects = 4 * (fls_u((unsigned int)mmk->nr_cpus) + 1);
	max_objects = max(order_objects(slub_max_order, size), 1U);
	min_objects = min(min_objects, max_objects);
	min_order = max(slub_min_order, get_order((unsigned long)min_objects * size));
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (fract = 16; fract > 1; fract /= 2) {
		order = calc_slab_order(size, min_order, slub_max_order, fract);
		if (order <= slub_max_order)
			return (int)order;
	}
	order = get_order(size);
	return order <= MAX_PAGE_ORDER ? (int)order : -1;
}

/* Where the free pointer goes and how big the stride is (Linux
 * calculate_sizes(); the object layout is drawn in mm/slub_debug.c). */
static unsigned int place_freepointer(struct kmem_cache *s, unsigned int size)
{
	slab_flags_t flags = s->flags;

	if ((flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (s->object_size < sizeof(void *) || slub_debug_orig_size(s)))) {
		s->offset = size;
		return size + (unsigned int)sizeof(void *);
	}
	s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	return size;
}

int calculate_sizes(struct kmem_cache *s)
{
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));
	int order;

	s->flags &= ~__OBJECT_POISON;
	if ((s->flags & SLAB_POISON) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	if ((s->flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *); /* a non-empty right red zone */
	s->inuse = size;
	size = place_freepointer(s, size);
	if (s->flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (s->flags & SLAB_KMALLOC)
			size += sizeof(unsigned long); /* the kmalloc request size */
	}
	s->red_left_pad = 0;
	if (s->flags & SLAB_RED_ZONE) {
		size += sizeof(void *); /* padding before the next object */
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	s->size = ALIGN(size, s->align);
	order = calculate_order(s->size);
	if (order < 0)
		return -EINVAL;
	s->oo_order = (unsigned int)order;
	s->oo_objects = min(order_objects(s->oo_order, s->size), (unsigned int)MAX_OBJS_PER_PAGE);
	s->min_order = get_order(s->size);
	s->min_objects = order_objects(s->min_order, s->size);
	s->allocflags = 0;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= __GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= __GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	return s->oo_objects ? 0 : -EINVAL;
}

/* ---- full lists (n->list_lock held; add/remove_partial are in slab.h) ---- */

/* Debug caches keep full slabs listed too, so every object can be checked. */
static void add_full(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab)
{
	lockdep_assert_held(&n->list_lock);
	if (kmem_cache_debug(s))
		list_add(&slab->slab_list, &n->full);
}

static void remove_full(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab)
{
	if (kmem_cache_debug(s))
		list_del(&slab->slab_list);
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	spin_lock_init(&n->list_lock);
	n->nr_partial = 0;
	INIT_LIST_HEAD(&n->partial);
	INIT_LIST_HEAD(&n->full);
	atomic_store(&n->nr_slabs, 0);
	atomic_store(&n->total_objects, 0);
	n->barn = NULL;
}

/* ---- slabs: allocation and release ---- */

/* Mark the 2^order pages of a new slab and account them. */
static void slab_pages_init(struct kmem_cache *s, struct page *slab, unsigned int order,
			    unsigned int objects)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		struct page *p = slab + i;

		p->slab_cache = s;
		p->freelist = i ? (void *)slab : NULL;
		p->counters = 0;
		p->slab_list.next = p->slab_list.prev = NULL;
		__SetPageSlab(p);
	}
	slab->objects = objects;
	SetPageHead(slab);
	slab_account_pages(s, (long)(PAGE_SIZE << order));
	if (likely(get_node(s))) { /* NULL only for kmem_cache_node's first slab */
		atomic_fetch_add(&get_node(s)->nr_slabs, 1);
		atomic_fetch_add(&get_node(s)->total_objects, objects);
	}
}

/* Chain every object of a new slab in address order: one store per object
 * (the common case: no constructor, no debugging). */
static void slab_build_freelist_plain(struct kmem_cache *s, struct page *slab)
{
	u8 *p = slab_first_object(s, slab);
	u8 *last = p + (size_t)(slab->objects - 1) * s->size;
	uintptr_t kva_next = (uintptr_t)p + s->size + slab_fp_delta;

	slab->freelist = p;
	for (; p < last; p += s->size, kva_next += s->size)
		*(unsigned long *)(p + s->offset) = kva_next;
	*(unsigned long *)(last + s->offset) = 0;
}

/* Run the constructor and the debug setup on every object and chain them. */
static void slab_build_freelist(struct kmem_cache *s, struct page *slab)
{
	void *p, *prev = NULL;

	if (likely(!kmem_cache_debug(s) && !s->ctor)) {
		slab_build_freelist_plain(s, slab);
		return;
	}
	setup_slab_debug(s, slab);
	for_each_object(p, s, slab) {
		setup_object_debug(s, p);
		if (s->ctor)
			s->ctor(p);
		if (prev)
			set_freepointer(s, prev, p);
		else
			slab->freelist = p;
		prev = p;
	}
	if (prev) /* a slab has at least one object */
		set_freepointer(s, prev, NULL);
}

/* A new slab, not on any list, inuse 0, its freelist built.  May sleep in
 * the page allocator; no slab lock held.  NULL when pages are short. */
static struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp)
{
	gfp_t alloc_gfp = (gfp & ~__GFP_ZERO) | s->allocflags;
	unsigned int order = s->oo_order, objects = s->oo_objects;
	struct page *slab = NULL;

	if (order > s->min_order)
		slab = alloc_pages((alloc_gfp | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL,
				   order);
	if (!slab) {
		order = s->min_order;
		objects = s->min_objects;
		slab = alloc_pages(alloc_gfp, order);
	}
	if (!slab)
		return NULL;
	slab_pages_init(s, slab, order, objects);
	slab_build_freelist(s, slab);
	return slab;
}

/* Return a slab's pages to the buddy allocator.  No lock held; the slab is
 * on no list and nobody can reach it. */
static void discard_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int order = slab_order(s, slab);
	unsigned long i;

	free_slab_debug(s, slab);
	VM_WARN_ON(slab_test_node_partial(slab));
	atomic_fetch_sub(&get_node(s)->nr_slabs, 1);
	atomic_fetch_sub(&get_node(s)->total_objects, slab->objects);
	slab_account_pages(s, -(long)(PAGE_SIZE << order));
	ClearPageHead(slab);
	for (i = 0; i < (1UL << order); i++) {
		struct page *p = slab + i;

		__ClearPageSlab(p);
		p->slab_cache = NULL;
		p->freelist = NULL;
		p->counters = 0;
		p->slab_list.next = p->slab_list.prev = NULL;
	}
	__free_pages(slab, order);
}

/* ---- CPU slabs ---- */

static __always_inline struct kmem_cache_cpu *this_cpu_slab(struct kmem_cache *s)
{
	return &s->cpu_slab[smp_processor_id()];
}

/* Install a frozen slab of `objects` objects as this CPU's slab.  (The
 * caller read objects under the slab lock: the counters word it shares with
 * inuse changes under remote frees.) */
static void cpu_slab_set(struct kmem_cache *s, struct kmem_cache_cpu *c, struct page *slab,
			 unsigned int objects)
{
	c->slab = slab;
	c->freelist = NULL;
	c->slab_base = (uintptr_t)slab_address(slab);
	c->slab_bytes = (uintptr_t)objects * s->size + s->red_left_pad;
}

/* p is NULL or inside this CPU's slab (a cheap stand-in for
 * check_valid_pointer that reads no slab field). */
static __always_inline bool in_cpu_slab(const struct kmem_cache_cpu *c, const void *p)
{
	return (uintptr_t)p - c->slab_base < c->slab_bytes;
}

static void cpu_slab_clear(struct kmem_cache_cpu *c)
{
	c->slab = NULL;
	c->freelist = NULL;
	c->slab_base = 0;
	c->slab_bytes = 0;
}

/* Take all objects off a slab's freelist for this CPU (Linux get_freelist
 * and freeze_slab): the slab is frozen while it had some, and left unfrozen
 * (full, on no list) when it had none.  *objects gets its object count. */
static void *freeze_slab_locked(struct page *slab, unsigned int *objects)
{
	void *freelist = slab->freelist;

	*objects = slab->objects;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = freelist != NULL;
	return freelist;
}

static void *freeze_slab(struct page *slab, unsigned int *objects)
{
	void *freelist;

	slab_lock(slab);
	freelist = freeze_slab_locked(slab, objects);
	slab_unlock(slab);
	return freelist;
}

/* Walk a CPU freelist being handed back (c still describes its slab):
 * count it and find its tail, cutting it at the first pointer that leaves
 * the slab (a corrupted free pointer must not take the host down). */
static unsigned int freelist_count(struct kmem_cache *s, struct kmem_cache_cpu *c, void **tail)
{
	unsigned int nr = 0, max = (unsigned int)(c->slab_bytes / s->size);
	void *p, *next;

	*tail = NULL;
	for (p = c->freelist; p && nr < max; p = next) {
		*tail = p;
		nr++;
		next = get_freepointer(s, p);
		if (next && !in_cpu_slab(c, next)) {
			slab_err(s, c->slab, "Freechain corrupt");
			set_freepointer(s, p, NULL);
			break;
		}
	}
	return nr;
}

/* Give a CPU's slab back to the node: merge its CPU freelist into the slab,
 * unfreeze it, and list it (partial), keep it unlisted (full) or free it
 * (empty, enough partial slabs already).  Takes list_lock and the slab lock. */
static void deactivate_slab(struct kmem_cache *s, struct page *slab, void *freelist,
			    unsigned int nr, void *tail)
{
	struct kmem_cache_node *n = get_node(s);
	bool discard = false;

	spin_lock(&n->list_lock);
	slab_lock(slab);
	if (tail) {
		set_freepointer(s, tail, slab->freelist);
		slab->freelist = freelist;
	}
	slab->inuse -= nr;
	slab->frozen = 0;
	if (!slab->inuse && n->nr_partial >= s->min_partial)
		discard = true;
	else if (slab->freelist)
		add_partial(n, slab, nr != 0);
	slab_unlock(slab);
	spin_unlock(&n->list_lock);
	if (discard)
		discard_slab(s, slab);
}

static void deactivate_cpu_slab(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct page *slab = c->slab;
	void *freelist = c->freelist, *tail;
	unsigned int nr;

	if (!slab)
		return;
	nr = freelist_count(s, c, &tail);
	cpu_slab_clear(c);
	deactivate_slab(s, slab, freelist, nr, tail);
}

/* ---- per-CPU partial slabs (CONFIG_SLUB_CPU_PARTIAL) ---- */

/* Linux kmem_cache_has_cpu_partial(): every cache but the debug ones. */
static inline bool kmem_cache_has_cpu_partial(const struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

/* Linux slub_set_cpu_partial(): the nominal limit is in objects, the
 * enforced one in slabs, counting them half full. */
static void slub_set_cpu_partial(struct kmem_cache *s, unsigned int nr_objects)
{
	s->cpu_partial = nr_objects;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, s->oo_objects);
}

void set_cpu_partial(struct kmem_cache *s)
{
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	slub_set_cpu_partial(s, nr_objects);
}

/* Unfreeze a detached CPU partial list (Linux __put_partials): each slab
 * goes to the node's partial list, or is freed when it is empty and the
 * node keeps min_partial slabs already.  Takes list_lock. */
static void __put_partials(struct kmem_cache *s, struct page *partial_slab)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab, *slab_to_discard = NULL;
	bool empty;

	spin_lock(&n->list_lock);
	while (partial_slab) {
		slab = partial_slab;
		partial_slab = slab->next;
		/* stable: the free that empties a slab takes list_lock */
		slab_lock(slab);
		empty = !slab->inuse;
		if (unlikely(empty && n->nr_partial >= s->min_partial)) {
			slab->next = slab_to_discard;
			slab_to_discard = slab;
		} else {
			add_partial(n, slab, true);
		}
		slab_unlock(slab);
	}
	spin_unlock(&n->list_lock);
	while (slab_to_discard) {
		slab = slab_to_discard;
		slab_to_discard = slab->next;
		discard_slab(s, slab);
	}
}

/* This CPU's whole partial list to the node (Linux put_partials). */
static void put_partials(struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct page *partial_slab = c->partial;

	c->partial = NULL;
	if (partial_slab)
		__put_partials(s, partial_slab);
}

/*
 * Put a slab that is on no list (and not frozen) on this CPU's partial
 * list (Linux put_cpu_partial).  With drain, a list already at the limit is
 * unfrozen to the node first; without (from get_partial, list_lock held)
 * the caller bounds the list itself.
 */
static void put_cpu_partial(struct kmem_cache *s, struct page *slab, bool drain)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct page *oldslab = c->partial, *slab_to_put = NULL;
	int slabs = 0;

	if (oldslab) {
		if (drain && oldslab->slabs >= (int)s->cpu_partial_slabs) {
			slab_to_put = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slab->slabs = slabs + 1;
	slab->next = oldslab;
	c->partial = slab;
	if (slab_to_put)
		__put_partials(s, slab_to_put);
}

/* ---- flushing the per-CPU state ---- */

static void flush_cpu_slab(void *info)
{
	struct kmem_cache *s = info;

	if (s->cpu_sheaves)
		pcs_flush_all(s);
	deactivate_cpu_slab(s, this_cpu_slab(s));
	put_partials(s);
}

/* The barn's sheaves back to the slabs and freed.  Freeing them here may
 * put slabs on this CPU's partial list (a first free into a full slab), so
 * this CPU's state is flushed again after (Linux shrinks the barn after its
 * flush_all and would leave such slabs behind). */
static void barn_flush(struct kmem_cache *s)
{
	if (!get_node(s)->barn)
		return;
	barn_shrink(s);
	flush_cpu_slab(s);
}

void slab_flush_all(struct kmem_cache *s)
{
	u64 mask = mmk->nr_cpus >= 64 ? ~0ULL : BIT(mmk->nr_cpus) - 1;

	if (mmk->nr_cpus > 1)
		smp_call_function_many(mask, flush_cpu_slab, s, true);
	flush_cpu_slab(s);
}

/* ---- allocation ---- */

/* A slab of this CPU's partial list, frozen, with its free objects in
 * *freelist (Linux's CPU_PARTIAL_ALLOC), or NULL when the list is empty. */
static struct page *get_cpu_partial_slab(struct kmem_cache_cpu *c, void **freelist,
					 unsigned int *objects)
{
	struct page *slab;

	while ((slab = c->partial)) {
		c->partial = slab->next;
		*freelist = freeze_slab(slab, objects);
		if (likely(*freelist))
			return slab;
		/* never on the list without free objects; if so, it stays full and unlisted */
	}
	return NULL;
}

/* Take the first slab of the node's partial list, frozen for this CPU, and
 * up to cpu_partial_slabs / 2 more onto this CPU's partial list (Linux
 * get_partial_node).  Returns the slab with its free objects in *freelist
 * and its object count in *objects, or NULL. */
static struct page *get_partial(struct kmem_cache *s, void **freelist, unsigned int *objects)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab, *tmp, *partial = NULL;
	unsigned int partial_slabs = 0;

	if (!READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (!partial) {
			slab_lock(slab);
			remove_partial(n, slab);
			*freelist = freeze_slab_locked(slab, objects);
			slab_unlock(slab);
			if (unlikely(!*freelist))
				continue; /* a listed slab always has free objects */
			partial = slab;
			if (!s->cpu_partial_slabs)
				break;
		} else {
			slab_lock(slab);
			remove_partial(n, slab);
			slab_unlock(slab);
			put_cpu_partial(s, slab, false);
			if (++partial_slabs > s->cpu_partial_slabs / 2)
				break;
		}
	}
	spin_unlock(&n->list_lock);
	return partial;
}

/* A fresh slab, frozen for this CPU, all its objects in *freelist. */
static struct page *new_slab_frozen(struct kmem_cache *s, gfp_t gfp, void **freelist)
{
	struct page *slab = allocate_slab(s, gfp);

	if (!slab)
		return NULL;
	*freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = 1;
	return slab;
}

/* Advance this CPU's freelist past object, its head.  The next pointer must
 * stay inside the CPU slab; anything else is a corrupted free pointer,
 * reported and cut off. */
static __always_inline void cpu_freelist_advance(struct kmem_cache *s, struct kmem_cache_cpu *c,
						 void *object)
{
	void *next = get_freepointer(s, object);

	if (unlikely(!in_cpu_slab(c, next)) && next) {
		slab_err(s, c->slab, "Freepointer corrupt");
		next = NULL;
	}
	c->freelist = next;
}

/* The CPU freelist is empty: refill it (remote frees on the CPU slab, a
 * slab of the CPU's partial list, the node's partial list, a new slab) and
 * take one object.  NULL when out of memory.  May reach an interrupt point
 * (the page allocator). */
static void *___slab_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	unsigned int objects = 0;
	struct page *slab;
	void *freelist = NULL, *object;

	if (c->slab) {
		freelist = freeze_slab(c->slab, &objects);
		if (freelist)
			goto load_freelist;
		cpu_slab_clear(c);
	}
	slab = get_cpu_partial_slab(c, &freelist, &objects);
	if (!slab)
		slab = get_partial(s, &freelist, &objects);
	if (!slab) {
		slab = new_slab_frozen(s, gfp, &freelist);
		if (!slab)
			return NULL;
		objects = slab->objects; /* still ours alone */
		c = this_cpu_slab(s);
		deactivate_cpu_slab(s, c); /* one was installed meanwhile (IPI reentry) */
	}
	cpu_slab_set(s, c, slab, objects);
load_freelist:
	object = freelist;
	cpu_freelist_advance(s, c, object);
	return object;
}

/* Debug caches: one object from a partial slab, checked.  list_lock held. */
static void *alloc_single_from_partial(struct kmem_cache *s, struct kmem_cache_node *n,
				       size_t orig_size, const char *caller)
{
	struct page *slab, *tmp;
	void *object;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		object = slab->freelist;
		if (!object) { /* emptied by a fix-up ("Freelist cleared") */
			remove_partial(n, slab);
			add_full(s, n, slab);
			continue;
		}
		if (!alloc_debug_check(s, slab, object)) {
			remove_partial(n, slab); /* disabled: all objects marked used */
			continue;
		}
		slab->freelist = get_freepointer(s, object);
		slab->inuse++;
		if (!slab->freelist) {
			remove_partial(n, slab);
			add_full(s, n, slab);
		}
		alloc_debug_processing(s, slab, object, orig_size, caller);
		return object;
	}
	return NULL;
}

/* Debug caches: the first object of a new slab, which then gets listed. */
static void *alloc_single_from_new_slab(struct kmem_cache *s, struct kmem_cache_node *n,
					struct page *slab, size_t orig_size, const char *caller)
{
	void *object = slab->freelist;

	if (!alloc_debug_check(s, slab, object))
		return NULL;
	slab->freelist = get_freepointer(s, object);
	slab->inuse = 1;
	if (slab->freelist)
		add_partial(n, slab, false);
	else
		add_full(s, n, slab);
	alloc_debug_processing(s, slab, object, orig_size, caller);
	return object;
}

static void *alloc_debug(struct kmem_cache *s, gfp_t gfp, size_t orig_size, const char *caller)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab;
	void *object;

	spin_lock(&n->list_lock);
	object = alloc_single_from_partial(s, n, orig_size, caller);
	spin_unlock(&n->list_lock);
	if (object)
		return object;
	slab = allocate_slab(s, gfp);
	if (!slab)
		return NULL;
	spin_lock(&n->list_lock);
	object = alloc_single_from_new_slab(s, n, slab, orig_size, caller);
	spin_unlock(&n->list_lock);
	return object;
}

static __noinline void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
				     const char *caller)
{
	void *object;

	if (!kmem_cache_debug(s))
		return ___slab_alloc(s, gfp);
	object = alloc_debug(s, gfp, orig_size, caller);
	if (object && (gfp & __GFP_ZERO))
		memset(object, 0, slub_debug_orig_size(s) ? orig_size : s->object_size);
	return object;
}

/* Take up to size objects off this CPU's freelist into p, in list order.
 * Returns how many. */
static size_t cpu_freelist_take(struct kmem_cache *s, struct kmem_cache_cpu *c, size_t size,
				void **p)
{
	uintptr_t base = c->slab_base, bytes = c->slab_bytes;
	void *object = c->freelist;
	size_t i;

	for (i = 0; i < size && object; i++) {
		void *next = get_freepointer(s, object);

		if (unlikely((uintptr_t)next - base >= bytes) && next) {
			slab_err(s, c->slab, "Freepointer corrupt");
			next = NULL;
		}
		p[i] = object;
		object = next;
	}
	c->freelist = object;
	return i;
}

int __kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p)
{
	size_t i = 0;

	while (i < size) {
		i += cpu_freelist_take(s, this_cpu_slab(s), size - i, p + i);
		if (i == size)
			break;
		p[i] = ___slab_alloc(s, gfp);
		if (unlikely(!p[i])) {
			__kmem_cache_free_bulk(s, i, p);
			return 0;
		}
		i++;
	}
	return (int)size;
}

/* Sheaf path (Linux alloc_from_pcs): pop this CPU's main sheaf, refilling
 * it when empty.  NULL: use the slabs. */
static void *alloc_from_pcs(struct kmem_cache *s, gfp_t gfp)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[smp_processor_id()];
	struct slab_sheaf *main = pcs->main;

	if (unlikely(!main->size)) {
		pcs = __pcs_replace_empty_main(s, pcs, gfp);
		if (unlikely(!pcs))
			return NULL;
		main = pcs->main;
	}
	return main->objects[--main->size];
}

/* The whole allocation (Linux slab_alloc_node): fault injection, a sheaf,
 * the CPU freelist or its refill, zeroing.  slab_alloc's fast paths hand
 * everything else over to it as a tail call, so that they need no stack. */
static __noinline void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
					const char *caller)
{
	struct kmem_cache_cpu *c;
	void *object;

	might_alloc(gfp);
	if (unlikely(should_fail(&fail_kmem_cache_alloc)) && !(gfp & __GFP_NOFAIL))
		return NULL;
	if (s->cpu_sheaves) {
		object = alloc_from_pcs(s, gfp);
		if (likely(object))
			goto out;
	}
	c = this_cpu_slab(s);
	object = c->freelist;
	if (unlikely(!object)) {
		object = __slab_alloc(s, gfp, orig_size, caller);
		if (kmem_cache_debug(s))
			return object;
	} else {
		cpu_freelist_advance(s, c, object);
	}
out:
	if (unlikely(gfp & __GFP_ZERO) && likely(object))
		memset(object, 0, s->object_size);
	return object;
}

/* The fast paths, inlined into the entry points: pop the main sheaf, or
 * pop the CPU freelist (its next pointer must stay inside the CPU slab;
 * anything else is a corrupted free pointer, reported by the slow path).
 * Everything else, fault injection and __GFP_ZERO included, is
 * slab_alloc_slow's. */
static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
					const char *caller)
{
	struct kmem_cache_cpu *c;
	void *object, *next;

	if (unlikely(atomic_load_explicit(&fault_inject_armed, memory_order_relaxed) |
		     (gfp & __GFP_ZERO)))
		return slab_alloc_slow(s, gfp, orig_size, caller);
	if (s->cpu_sheaves) {
		struct slab_sheaf *main = s->cpu_sheaves[smp_processor_id()].main;
		unsigned int n = main->size;

		if (unlikely(!n))
			return slab_alloc_slow(s, gfp, orig_size, caller);
		main->size = n - 1;
		return main->objects[n - 1];
	}
	c = this_cpu_slab(s);
	object = c->freelist;
	if (unlikely(!object))
		return slab_alloc_slow(s, gfp, orig_size, caller);
	next = get_freepointer(s, object);
	if (unlikely(!in_cpu_slab(c, next)) && next)
		return slab_alloc_slow(s, gfp, orig_size, caller);
	c->freelist = next;
	return object;
}

/* ---- free ---- */

/* A free changed the slab's counts: fix its list (full -> partial), or
 * take it off its list when it is empty and enough empty slabs are kept.
 * Returns true when the caller must discard it.  list_lock held.  (Debug
 * caches: no CPU partial lists.) */
static bool free_list_update(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab,
			     void *prior)
{
	lockdep_assert_held(&n->list_lock);
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		if (prior)
			remove_partial(n, slab);
		else
			remove_full(s, n, slab);
		return true;
	}
	if (!prior) {
		remove_full(s, n, slab);
		add_partial(n, slab, true);
	}
	return false;
}

/* Debug caches: checked free under list_lock (free_to_partial_list). */
static void free_debug(struct kmem_cache *s, struct page *slab, void *x, const char *caller)
{
	struct kmem_cache_node *n = get_node(s);
	bool discard = false;
	void *prior;

	spin_lock(&n->list_lock);
	if (!free_debug_processing(s, slab, x, caller)) {
		spin_unlock(&n->list_lock);
		return;
	}
	prior = slab->freelist;
	set_freepointer(s, x, prior);
	slab->freelist = x;
	slab->inuse--;
	discard = free_list_update(s, n, slab, prior);
	spin_unlock(&n->list_lock);
	if (discard)
		discard_slab(s, slab);
}

/* Push the chain head..tail of cnt objects on the slab's freelist (slab
 * lock held).  Returns the previous freelist. */
static __always_inline void *slab_push(struct kmem_cache *s, struct page *slab, void *head,
				       void *tail, unsigned int cnt)
{
	void *prior = slab->freelist;

	lockdep_assert_held(slab);
	set_freepointer(s, tail, prior);
	slab->freelist = head;
	slab->inuse -= cnt;
	return prior;
}

/*
 * A free that empties a slab which may be on the node's partial list: under
 * list_lock, so that whether it is listed (SL_partial) cannot change
 * meanwhile (Linux __slab_free's n != NULL case).  The slab is freed when
 * listed, empty and min_partial others are kept; a slab that turned full
 * meanwhile goes to this CPU's partial list.
 */
static void __slab_free_locked(struct kmem_cache *s, struct page *slab, void *head, void *tail,
			       unsigned int cnt)
{
	struct kmem_cache_node *n = get_node(s);
	bool discard = false, to_cpu_partial = false;
	void *prior;

	spin_lock(&n->list_lock);
	slab_lock(slab);
	prior = slab_push(s, slab, head, tail, cnt);
	if (!slab->frozen && !prior) {
		to_cpu_partial = true;
	} else if (!slab->frozen && !slab->inuse && slab_test_node_partial(slab) &&
		   n->nr_partial >= s->min_partial) {
		remove_partial(n, slab);
		discard = true;
	}
	slab_unlock(slab);
	spin_unlock(&n->list_lock);
	if (to_cpu_partial)
		put_cpu_partial(s, slab, true);
	if (discard)
		discard_slab(s, slab);
}

/* Free cnt chained objects into a slab that is not this CPU's slab (Linux
 * __slab_free).  Common cases under the slab lock alone: a frozen slab, a
 * slab still in use after the free, and the first free into a full slab,
 * which then joins this CPU's partial list. */
static void __slab_free(struct kmem_cache *s, struct page *slab, void *head, void *tail,
			unsigned int cnt)
{
	void *prior;

	slab_lock(slab);
	prior = slab->freelist;
	if (slab->frozen || (prior && slab->inuse > cnt)) {
		slab_push(s, slab, head, tail, cnt);
		slab_unlock(slab);
		return;
	}
	if (!prior) {
		slab_push(s, slab, head, tail, cnt);
		slab_unlock(slab);
		put_cpu_partial(s, slab, true);
		return;
	}
	slab_unlock(slab);
	__slab_free_locked(s, slab, head, tail, cnt);
}

/* Free a chain to its slab: this CPU's slab takes it on its CPU freelist
 * (Linux do_slab_free). */
static void do_slab_free(struct kmem_cache *s, struct page *slab, void *head, void *tail,
			 unsigned int cnt)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);

	if (slab == c->slab) {
		set_freepointer(s, tail, c->freelist);
		c->freelist = head;
		return;
	}
	__slab_free(s, slab, head, tail, cnt);
}

/* The page of x if x is in simulated RAM, else NULL. */
static struct page *virt_to_page_checked(const void *x)
{
	return host_in_ram(x) ? virt_to_page(x) : NULL;
}

/* object lies in slab.  bytes: the slab's length when every slab of the
 * cache has the same order (then the address tells, cheaply), else 0 (its
 * page tells: slab->objects, which gives the order, may not be read
 * without the slab lock). */
static __always_inline bool obj_in_slab(struct page *slab, uintptr_t base, uintptr_t bytes,
					const void *object)
{
	if (likely(bytes))
		return (uintptr_t)object - base < bytes;
	return slab_head(virt_to_page(object)) == slab;
}

/* Linux build_detached_freelist(): chain p[size - 1] with the other objects
 * of its slab among the last ones (three misses end the search), moving
 * them behind the remaining ones.  Returns how many remain in p. */
static size_t build_detached_freelist(struct kmem_cache *s, size_t size, void **p,
				      struct page **slabp, void **head, void **tail,
				      unsigned int *cnt)
{
	int lookahead = 3;
	size_t same;
	void *object = p[--size];
	struct page *slab = slab_head(virt_to_page(object));
	uintptr_t base = (uintptr_t)slab_address(slab);
	uintptr_t bytes = s->oo_order == s->min_order ? PAGE_SIZE << s->oo_order : 0;

	*slabp = slab;
	*head = *tail = object;
	*cnt = 1;
	set_freepointer(s, object, NULL);
	same = size;
	while (size) {
		object = p[--size];
		if (obj_in_slab(slab, base, bytes, object)) {
			*(unsigned long *)((u8 *)object + s->offset) =
				(uintptr_t)*head + slab_fp_delta;
			*head = object;
			(*cnt)++;
			same--;
			if (size != same) {
				void *t = p[size];

				p[size] = p[same];
				p[same] = t;
			}
			continue;
		}
		if (!--lookahead)
			break;
	}
	return same;
}

/* How many of the last objects of p[0..size) lie in the slab of
 * p[size - 1], counted until the first that does not (0: the cache's slabs
 * differ in order, see obj_in_slab). */
static size_t slab_run(struct kmem_cache *s, size_t size, void **p, struct page **slabp)
{
	struct page *slab = slab_head(virt_to_page(p[size - 1]));
	uintptr_t base = (uintptr_t)slab_address(slab);
	uintptr_t bytes = s->oo_order == s->min_order ? PAGE_SIZE << s->oo_order : 0;
	size_t j = size - 1;

	if (!bytes)
		return 0;
	while (j && (uintptr_t)p[j - 1] - base < bytes)
		j--;
	*slabp = slab;
	return size - j;
}

/* Free p[size - n .. size), all in slab, as one chain (in p's order, as
 * build_detached_freelist would chain them). */
static void free_slab_run(struct kmem_cache *s, struct page *slab, void **p, size_t n)
{
	unsigned int off = s->offset;
	size_t i;

	for (i = 0; i + 1 < n; i++)
		*(unsigned long *)((u8 *)p[i] + off) = (uintptr_t)p[i + 1] + slab_fp_delta;
	*(unsigned long *)((u8 *)p[n - 1] + off) = 0;
	do_slab_free(s, slab, p[0], p[n - 1], (unsigned int)n);
}

#define SLAB_RUN_MIN 8 /* shorter runs go the general way */

void __kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	struct page *slab;
	void *head, *tail;
	unsigned int cnt;

	while (size) {
		size_t run = slab_run(s, size, p, &slab);

		if (run == size || run >= SLAB_RUN_MIN) {
			/* objects freed in address order: whole runs of a slab */
			size -= run;
			free_slab_run(s, slab, p + size, run);
			continue;
		}
		size = build_detached_freelist(s, size, p, &slab, &head, &tail, &cnt);
		do_slab_free(s, slab, head, tail, cnt);
	}
}

/* Linux cache_from_obj(): the cache x really belongs to, with the warnings
 * of a free into the wrong cache or of a non-slab pointer.  NULL: don't free. */
static struct kmem_cache *cache_from_obj(struct kmem_cache *s, void *x, struct page **pagep)
{
	struct page *page = virt_to_page_checked(x);
	struct kmem_cache *cachep;

	if (unlikely(!page || !PageSlab(page))) {
		slab_warn("mm/slab.h virt_to_cache", "virt_to_cache: Object is not a Slab page!\n");
		return NULL;
	}
	cachep = page->slab_cache;
	*pagep = slab_head(page);
	if (unlikely(cachep != s)) {
		slab_warn("mm/slab.h cache_from_obj",
			  "cache_from_obj: Wrong slab cache. %s but object is from %s\n", s->name,
			  cachep->name);
		print_tracking(cachep, x);
	}
	return cachep;
}

static void warn_naive_double_free(struct kmem_cache *s, void *x)
{
	slab_warn("mm/slub.c set_freepointer",
		  "kernel BUG at mm/slub.c: set_freepointer: "
		  "naive detection of double free or corruption of 0x%016lx (%s)\n",
		  slab_kva(x), s->name);
}

/* A free that is not for this CPU's slab, of any kind: a wrong cache, a
 * pointer into no slab, a debug cache, the naive double free. */
static __noinline void slab_free_checked(struct kmem_cache *s, void *x, const char *caller)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct page *slab;

	if (unlikely(x == c->freelist) && !kmem_cache_debug(s)) {
		warn_naive_double_free(s, x);
		return;
	}
	s = cache_from_obj(s, x, &slab);
	if (!s)
		return;
	if (kmem_cache_debug(s)) {
		free_debug(s, slab, x, caller);
		return;
	}
	c = this_cpu_slab(s);
	if (in_cpu_slab(c, x)) {
		set_freepointer(s, x, c->freelist);
		c->freelist = x;
		return;
	}
	__slab_free(s, slab, x, x, 1);
}

/* x is an object of a slab of s (a cheap check: its page says so). */
static __always_inline bool in_slab_of(struct kmem_cache *s, const void *x)
{
	struct page *page;

	if (unlikely((uintptr_t)x - (uintptr_t)mmk->ram >= (mmk->max_pfn << PAGE_SHIFT)))
		return false;
	page = virt_to_page(x);
	return PageSlab(page) && page->slab_cache == s;
}

/* The free fast path missed: the common case is an object of s in another
 * slab than this CPU's (__slab_free); anything unusual goes to
 * slab_free_checked. */
static __noinline void slab_free_slow(struct kmem_cache *s, void *x, const char *caller)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);

	if (unlikely(!in_slab_of(s, x) || kmem_cache_debug(s) || x == c->freelist ||
		     in_cpu_slab(c, x))) {
		slab_free_checked(s, x, caller);
		return;
	}
	__slab_free(s, slab_head(virt_to_page(x)), x, x, 1);
}

/* Sheaf slow path (Linux free_to_pcs, its replacement of a full main):
 * the object just freed on top of main is a double free, warned about and
 * dropped as the naive hardened check does; a full main is replaced; when
 * nothing works, the object goes to its slab. */
static __noinline void free_to_pcs_slow(struct kmem_cache *s, void *x, const char *caller)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[smp_processor_id()];
	struct slab_sheaf *main = pcs->main;

	if (main->size == main->capacity) {
		pcs = __pcs_replace_full_main(s, pcs);
		if (unlikely(!pcs)) {
			slab_free_slow(s, x, caller);
			return;
		}
		main = pcs->main;
	}
	if (unlikely(main->size && main->objects[main->size - 1] == x)) {
		warn_naive_double_free(s, x);
		return;
	}
	main->objects[main->size++] = x;
}

/* The fast paths, inlined into the entry points: push on this CPU's main
 * sheaf (objects checked to belong to s first; anything else takes the
 * slow path, which warns), or on the CPU freelist when x is in the CPU's
 * active slab.  Everything else is a tail call. */
static __always_inline void slab_free(struct kmem_cache *s, void *x, const char *caller)
{
	struct kmem_cache_cpu *c;

	if (s->cpu_sheaves) {
		struct slab_sheaf *main;
		unsigned int n;

		if (unlikely(!in_slab_of(s, x))) {
			slab_free_slow(s, x, caller);
			return;
		}
		main = s->cpu_sheaves[smp_processor_id()].main;
		n = main->size;
		if (unlikely(n == main->capacity) || unlikely(n && main->objects[n - 1] == x)) {
			free_to_pcs_slow(s, x, caller);
			return;
		}
		/* mmkit: the sheaf's flush will write x's free pointer just
		 * before the slab lock, whose locked instruction waits for
		 * that store; asking for the line now (for writing) lets the
		 * miss overlap the next frees (bench_slab batch: 25-45% less
		 * per free) and costs nothing when the line is in the cache */
		__builtin_prefetch((u8 *)x + s->offset, 1);
		main->objects[n] = x;
		main->size = n + 1;
		return;
	}
	c = this_cpu_slab(s);
	if (likely(in_cpu_slab(c, x) && x != c->freelist)) {
		set_freepointer(s, x, c->freelist);
		c->freelist = x;
		return;
	}
	slab_free_slow(s, x, caller);
}

/* ---- entry points ---- */

/* The public entry points, here so the fast paths inline into them. */
void *kmalloc_caller(size_t size, gfp_t gfp, const char *caller)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, gfp);
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_caches[kmalloc_type(gfp)][kmalloc_index(size)];
	return likely(s) ? slab_alloc(s, gfp, size, caller) : NULL;
}

void kfree_caller(const void *x, const char *caller)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	if (unlikely(!host_in_ram(x))) {
		slab_warn("mm/slub.c kfree", "kfree: 0x%lx is not a kernel address in RAM\n",
			  (unsigned long)x);
		return;
	}
	page = virt_to_page(x);
	if (unlikely(!PageSlab(page))) {
		free_large_kmalloc(page, x);
		return;
	}
	slab_free(page->slab_cache, (void *)x, caller);
}

void *kmem_cache_alloc_caller(struct kmem_cache *s, gfp_t gfp, const char *caller)
{
	return slab_alloc(s, gfp, s->object_size, caller);
}

void kmem_cache_free_caller(struct kmem_cache *s, void *x, const char *caller)
{
	if (unlikely(!x))
		return;
	slab_free(s, x, caller);
}

/* ---- cache life cycle ---- */

/* Linux: min(MAX_PARTIAL, max(MIN_PARTIAL, ilog2(size) / 2)). */
static unsigned int set_min_partial(unsigned int size)
{
	unsigned int m = (fls_u(size) - 1) / 2;

	return min((unsigned int)MAX_PARTIAL, max((unsigned int)MIN_PARTIAL, m));
}

int __kmem_cache_create(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	int err;

	err = calculate_sizes(s);
	if (err)
		return err;
	s->min_partial = set_min_partial(s->size);
	set_cpu_partial(s);
	n = kmem_cache_alloc(kmem_cache_node, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	init_kmem_cache_node(n);
	s->node[0] = n;
	err = kmem_cache_init_sheaves(s);
	if (err)
		__kmem_cache_release(s);
	return err;
}

void __kmem_cache_release(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);

	kmem_cache_destroy_sheaves(s);
	s->node[0] = NULL;
	spin_lock_destroy(&n->list_lock);
	kmem_cache_free(kmem_cache_node, n);
}

/* Take the empty slabs off the partial list into `discard`.  list_lock held. */
static void collect_empty(struct kmem_cache_node *n, struct list_head *discard)
{
	struct page *slab, *tmp;
	bool empty;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		slab_lock(slab);
		empty = !slab->inuse;
		if (empty)
			remove_partial(n, slab);
		slab_unlock(slab);
		if (empty)
			list_add(&slab->slab_list, discard);
	}
}

static void discard_list(struct kmem_cache *s, struct list_head *discard)
{
	struct page *slab, *tmp;

	/* The analyzer loses track of an empty on-stack LIST_HEAD across
	 * collect_empty and reads a garbage entry here. */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	list_for_each_entry_safe(slab, tmp, discard, slab_list) {
		list_del(&slab->slab_list);
		discard_slab(s, slab);
	}
}

void __kmem_cache_shrink(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);
	LIST_HEAD(discard);

	slab_flush_all(s);
	barn_flush(s);
	spin_lock(&n->list_lock);
	collect_empty(n, &discard);
	spin_unlock(&n->list_lock);
	discard_list(s, &discard);
	if (s->cpu_sheaves)
		__kmem_cache_shrink(kmalloc_slab(sheaf_bytes(s), GFP_KERNEL));
}

int __kmem_cache_shutdown(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab;
	LIST_HEAD(discard);

	barn_flush(s);
	spin_lock(&n->list_lock);
	collect_empty(n, &discard);
	list_for_each_entry(slab, &n->partial, slab_list)
		list_slab_objects(s, slab, "Objects remaining on __kmem_cache_shutdown()");
	spin_unlock(&n->list_lock);
	discard_list(s, &discard);
	return (READ_ONCE(n->nr_partial) || atomic_load(&n->nr_slabs)) ? -EBUSY : 0;
}

/* ---- bootstrap (Linux kmem_cache_init) ---- */

#define BOOT_CACHE_BYTES (sizeof(struct kmem_cache) + MMK_MAX_CPUS * sizeof(struct kmem_cache_cpu))
static u8 boot_kmem_cache[BOOT_CACHE_BYTES] __attribute__((aligned(64)));
static u8 boot_kmem_cache_node[BOOT_CACHE_BYTES] __attribute__((aligned(64)));

unsigned int kmem_cache_size_for_cpus(void)
{
	return (unsigned int)(offsetof(struct kmem_cache, cpu_slab) +
			      (size_t)mmk->nr_cpus * sizeof(struct kmem_cache_cpu));
}

static void boot_cache_setup(struct kmem_cache *s, const char *name, unsigned int size)
{
	memset(s, 0, BOOT_CACHE_BYTES);
	snprintf(s->name_buf, sizeof(s->name_buf), "%s", name);
	s->name = s->name_buf;
	s->object_size = size;
	s->flags = kmem_cache_flags(SLAB_HWCACHE_ALIGN);
	s->align = calculate_alignment(SLAB_HWCACHE_ALIGN, 0, size);
	s->refcount = 1;
	BUG_ON(calculate_sizes(s));
	s->min_partial = set_min_partial(s->size);
	set_cpu_partial(s);
}

/* The node structure of kmem_cache_node itself, from its own first slab. */
static void early_kmem_cache_node_alloc(void)
{
	struct page *slab = allocate_slab(kmem_cache_node, GFP_NOWAIT);
	struct kmem_cache_node *n;

	BUG_ON(!slab);
	n = slab->freelist;
	slab->freelist = get_freepointer(kmem_cache_node, n);
	slab->inuse = 1;
	if (kmem_cache_debug(kmem_cache_node) && alloc_debug_check(kmem_cache_node, slab, n))
		alloc_debug_processing(kmem_cache_node, slab, n, sizeof(*n), __func__);
	init_kmem_cache_node(n);
	kmem_cache_node->node[0] = n;
	/* allocate_slab counted into a node that did not exist yet */
	atomic_store(&n->nr_slabs, 1);
	atomic_store(&n->total_objects, slab->objects);
	__add_partial(n, slab, false);
}

/* Point every page of a slab at cache s.  Returns 1. */
static long slab_retarget(struct page *slab, struct kmem_cache *old, struct kmem_cache *s)
{
	unsigned long i;

	for (i = 0; i < (1UL << slab_order(old, slab)); i++)
		slab[i].slab_cache = s;
	return 1;
}

/* Move a static boot cache into an object of the kmem_cache cache and point
 * its slabs at the copy. */
static struct kmem_cache *bootstrap(struct kmem_cache *boot)
{
	struct kmem_cache *s = kmem_cache_zalloc(kmem_cache, GFP_NOWAIT);
	struct kmem_cache_node *n;
	struct page *slab;
	long count = 0;

	BUG_ON(!s);
	deactivate_cpu_slab(boot, this_cpu_slab(boot));
	put_partials(boot);
	memcpy(s, boot, kmem_cache->object_size);
	s->name = s->name_buf;
	n = get_node(s);
	spin_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list)
		count += slab_retarget(slab, boot, s);
	list_for_each_entry(slab, &n->full, slab_list)
		count += slab_retarget(slab, boot, s);
	spin_unlock(&n->list_lock);
	BUG_ON(count != atomic_load(&n->nr_slabs));
	slab_caches_add(s);
	return s;
}

int kmem_cache_init(void)
{
	kmem_cache_node = (struct kmem_cache *)boot_kmem_cache_node;
	boot_cache_setup(kmem_cache_node, "kmem_cache_node", sizeof(struct kmem_cache_node));
	early_kmem_cache_node_alloc();
	kmem_cache = (struct kmem_cache *)boot_kmem_cache;
	boot_cache_setup(kmem_cache, "kmem_cache", kmem_cache_size_for_cpus());
	kmem_cache->node[0] = kmem_cache_alloc(kmem_cache_node, GFP_NOWAIT);
	BUG_ON(!kmem_cache->node[0]);
	init_kmem_cache_node(kmem_cache->node[0]);
	kmem_cache = bootstrap(kmem_cache);
	kmem_cache_node = bootstrap(kmem_cache_node);
	return 0;
}
