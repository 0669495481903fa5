/*
 * slab_sheaf.c - per-CPU sheaves and the node barn, SLUB's caching layer of
 * Linux 6.18 ("slab: add opt-in caching layer of percpu sheaves", Vlastimil
 * Babka 2025), opt-in per cache through kmem_cache_args.sheaf_capacity.
 *
 * A sheaf is an array of up to sheaf_capacity object pointers.  Each CPU
 * has a main sheaf and may have a spare.  An allocation pops main and a
 * free pushes it (the fast paths are in mm/slab.c so that they inline into
 * the entry points).  When main is empty
 * an allocation swaps in a non-empty spare, else trades main for a full
 * sheaf from the node's barn, else refills a sheaf from the slabs in bulk
 * (if it may block).  When main is full a free swaps in a spare with room,
 * else trades main for an empty sheaf from the barn (while the barn holds
 * fewer than MAX_FULL_SHEAVES full ones), else flushes the spare to the
 * slabs, else takes a new empty sheaf (GFP_NOWAIT), else flushes main.  So
 * the slabs, their locks and the node lists are reached a sheaf at a time,
 * and objects freed on one CPU are reused by another through the barn.
 *
 * Sheaves are kmalloc objects (simulated RAM), as in Linux, so their
 * allocations go through the kmem_cache_alloc fault-injection site; every
 * failure falls back to the slabs.  Debug caches have no sheaves.  mmkit
 * leaves out the rcu_free sheaf (no RCU), kmem_cache_prefill_sheaf and the
 * bulk API (no caller yet), and the NUMA node checks (one node).
 *
 * One difference: Linux allocates every CPU's main sheaf when the cache is
 * created and keeps it for the cache's life.  mmkit starts each CPU with
 * sheaf_none (empty for an allocation, full for a free: both fast paths go
 * slow) and puts a real sheaf there on first use, and a flush of the CPU's
 * sheaves (kmem_cache_shrink, destroy) frees main too.  Which kmalloc slabs
 * the surviving main sheaves sit in would otherwise depend on the cache's
 * history (sheaves are swapped with the barn's), and a shrunk machine could
 * not come back to its exact earlier state (free pages, slabinfo), which
 * mmkit's baseline checks rely on.
 *
 * Locking: a CPU's sheaves are touched only by that CPU.  The only place
 * that may reach an interrupt point (where a slab flush IPI could run on
 * this CPU) is the refill, which may allocate slab pages: it works on a
 * sheaf detached from the CPU and installs it afterwards by looking again,
 * as Linux does after re-taking its local lock.  The barn has a spinlock,
 * never held together with any other slab lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mm/slab.h"
#include "mmkit/debug.h"

static inline struct node_barn *get_barn(struct kmem_cache *s) { return get_node(s)->barn; }

static inline struct slub_percpu_sheaves *this_cpu_pcs(struct kmem_cache *s)
{
	return &s->cpu_sheaves[smp_processor_id()];
}

struct slab_sheaf sheaf_none;

static inline bool is_none(const struct slab_sheaf *sheaf) { return sheaf == &sheaf_none; }

static inline void swap_main_spare(struct slub_percpu_sheaves *pcs)
{
	struct slab_sheaf *t = pcs->main;

	pcs->main = pcs->spare;
	pcs->spare = t;
}

/* ---- sheaves ---- */

static struct slab_sheaf *alloc_empty_sheaf(struct kmem_cache *s, gfp_t gfp)
{
	struct slab_sheaf *sheaf;

	sheaf = kzalloc(sheaf_bytes(s), gfp);
	if (sheaf) {
		sheaf->cache = s;
		sheaf->capacity = s->sheaf_capacity;
	}
	return sheaf;
}

static void free_empty_sheaf(struct kmem_cache *s, struct slab_sheaf *sheaf)
{
	VM_WARN_ON(sheaf->size || is_none(sheaf));
	kfree(sheaf);
}

/* Fill the sheaf from the slabs.  May reach an interrupt point.  Returns 0,
 * or -ENOMEM with the sheaf as it was. */
static int refill_sheaf(struct kmem_cache *s, struct slab_sheaf *sheaf, gfp_t gfp)
{
	unsigned int to_fill = s->sheaf_capacity - sheaf->size;

	if (!to_fill)
		return 0;
	if (!__kmem_cache_alloc_bulk(s, gfp, to_fill, &sheaf->objects[sheaf->size]))
		return -ENOMEM;
	sheaf->size += to_fill;
	return 0;
}

static struct slab_sheaf *alloc_full_sheaf(struct kmem_cache *s, gfp_t gfp)
{
	struct slab_sheaf *sheaf = alloc_empty_sheaf(s, gfp);

	if (!sheaf)
		return NULL;
	if (refill_sheaf(s, sheaf, gfp)) {
		free_empty_sheaf(s, sheaf);
		return NULL;
	}
	return sheaf;
}

/* All objects of a sheaf back to their slabs (Linux sheaf_flush_unused;
 * mmkit's main sheaf is flushed the same way: freeing to slabs reaches no
 * interrupt point, so nothing can look at the sheaf meanwhile). */
static void sheaf_flush(struct kmem_cache *s, struct slab_sheaf *sheaf)
{
	if (!sheaf->size)
		return;
	__kmem_cache_free_bulk(s, sheaf->size, sheaf->objects);
	sheaf->size = 0;
}

void pcs_flush_all(struct kmem_cache *s)
{
	struct slub_percpu_sheaves *pcs = this_cpu_pcs(s);
	struct slab_sheaf *spare = pcs->spare, *main = pcs->main;

	pcs->spare = NULL;
	pcs->main = &sheaf_none;
	if (spare) {
		sheaf_flush(s, spare);
		free_empty_sheaf(s, spare);
	}
	if (!is_none(main)) {
		sheaf_flush(s, main);
		free_empty_sheaf(s, main);
	}
}

/* ---- the barn ---- */

static struct slab_sheaf *barn_get_empty_sheaf(struct node_barn *barn)
{
	struct slab_sheaf *empty = NULL;

	if (!READ_ONCE(barn->nr_empty))
		return NULL;
	spin_lock(&barn->lock);
	if (barn->nr_empty) {
		empty = list_first_entry(&barn->sheaves_empty, struct slab_sheaf, barn_list);
		list_del(&empty->barn_list);
		WRITE_ONCE(barn->nr_empty, barn->nr_empty - 1);
	}
	spin_unlock(&barn->lock);
	return empty;
}

/* The two puts undo an intended exchange after a race (an IPI flush during
 * a refill), so they do not check the limits, as in Linux. */
static void barn_put_empty_sheaf(struct node_barn *barn, struct slab_sheaf *sheaf)
{
	spin_lock(&barn->lock);
	list_add(&sheaf->barn_list, &barn->sheaves_empty);
	WRITE_ONCE(barn->nr_empty, barn->nr_empty + 1);
	spin_unlock(&barn->lock);
}

static void barn_put_full_sheaf(struct node_barn *barn, struct slab_sheaf *sheaf)
{
	spin_lock(&barn->lock);
	list_add(&sheaf->barn_list, &barn->sheaves_full);
	WRITE_ONCE(barn->nr_full, barn->nr_full + 1);
	spin_unlock(&barn->lock);
}

/* A full sheaf for the empty one (sheaf_none: for nothing), if the barn
 * has one; else NULL. */
static struct slab_sheaf *barn_replace_empty_sheaf(struct node_barn *barn, struct slab_sheaf *empty)
{
	struct slab_sheaf *full = NULL;

	if (!READ_ONCE(barn->nr_full))
		return NULL;
	spin_lock(&barn->lock);
	if (barn->nr_full) {
		full = list_first_entry(&barn->sheaves_full, struct slab_sheaf, barn_list);
		list_del(&full->barn_list);
		WRITE_ONCE(barn->nr_full, barn->nr_full - 1);
		if (!is_none(empty)) {
			list_add(&empty->barn_list, &barn->sheaves_empty);
			WRITE_ONCE(barn->nr_empty, barn->nr_empty + 1);
		}
	}
	spin_unlock(&barn->lock);
	return full;
}

/* An empty sheaf (*emptyp) for the full one.  Returns 0, or -E2BIG when
 * the barn holds MAX_FULL_SHEAVES full ones already, or -ENOMEM when it has
 * no empty one (Linux returns these as ERR_PTRs). */
static int barn_replace_full_sheaf(struct node_barn *barn, struct slab_sheaf *full,
				   struct slab_sheaf **emptyp)
{
	int ret = 0;

	/* unlocked looks first, as Linux: a stale answer only sends this
	 * sheaf the slower way (a flush, or a new empty sheaf) */
	if (READ_ONCE(barn->nr_full) >= MAX_FULL_SHEAVES)
		return -E2BIG;
	if (!READ_ONCE(barn->nr_empty))
		return -ENOMEM;
	spin_lock(&barn->lock);
	if (barn->nr_full >= MAX_FULL_SHEAVES) {
		ret = -E2BIG;
	} else if (!barn->nr_empty) {
		ret = -ENOMEM;
	} else {
		*emptyp = list_first_entry(&barn->sheaves_empty, struct slab_sheaf, barn_list);
		list_del(&(*emptyp)->barn_list);
		list_add(&full->barn_list, &barn->sheaves_full);
		WRITE_ONCE(barn->nr_empty, barn->nr_empty - 1);
		WRITE_ONCE(barn->nr_full, barn->nr_full + 1);
	}
	spin_unlock(&barn->lock);
	return ret;
}

static void barn_init(struct node_barn *barn)
{
	spin_lock_init(&barn->lock);
	INIT_LIST_HEAD(&barn->sheaves_full);
	INIT_LIST_HEAD(&barn->sheaves_empty);
	WRITE_ONCE(barn->nr_full, 0);
	WRITE_ONCE(barn->nr_empty, 0);
}

void barn_shrink(struct kmem_cache *s)
{
	struct node_barn *barn = get_barn(s);
	struct slab_sheaf *sheaf, *tmp;
	LIST_HEAD(empty_list);
	LIST_HEAD(full_list);

	spin_lock(&barn->lock);
	while (!list_empty(&barn->sheaves_full))
		list_move(barn->sheaves_full.next, &full_list);
	WRITE_ONCE(barn->nr_full, 0);
	while (!list_empty(&barn->sheaves_empty))
		list_move(barn->sheaves_empty.next, &empty_list);
	WRITE_ONCE(barn->nr_empty, 0);
	spin_unlock(&barn->lock);
	list_for_each_entry_safe(sheaf, tmp, &full_list, barn_list) {
		sheaf_flush(s, sheaf);
		free_empty_sheaf(s, sheaf);
	}
	list_for_each_entry_safe(sheaf, tmp, &empty_list, barn_list)
		free_empty_sheaf(s, sheaf);
}

/* ---- the slow halves of the fast paths ---- */

/* A full sheaf got by refilling: install it where this CPU's sheaves now
 * have room for it (they may have changed during the refill). */
static void pcs_install_full_sheaf(struct kmem_cache *s, struct slub_percpu_sheaves *pcs,
				   struct slab_sheaf *full)
{
	struct node_barn *barn = get_barn(s);

	if (is_none(pcs->main)) {
		pcs->main = full;
	} else if (pcs->main->size == 0) {
		barn_put_empty_sheaf(barn, pcs->main);
		pcs->main = full;
	} else if (!pcs->spare) {
		pcs->spare = full;
	} else if (pcs->spare->size == 0) {
		barn_put_empty_sheaf(barn, pcs->spare);
		pcs->spare = full;
	} else {
		barn_put_full_sheaf(barn, full);
	}
}

struct slub_percpu_sheaves *__pcs_replace_empty_main(struct kmem_cache *s,
						     struct slub_percpu_sheaves *pcs, gfp_t gfp)
{
	struct node_barn *barn = get_barn(s);
	struct slab_sheaf *empty = NULL, *full;

	if (pcs->spare && pcs->spare->size > 0) {
		swap_main_spare(pcs);
		if (is_none(pcs->spare))
			pcs->spare = NULL;
		return pcs;
	}
	full = barn_replace_empty_sheaf(barn, pcs->main);
	if (full) {
		pcs->main = full;
		return pcs;
	}
	if (!gfpflags_allow_blocking(gfp))
		return NULL;
	if (pcs->spare) {
		empty = pcs->spare;
		pcs->spare = NULL;
	} else {
		empty = barn_get_empty_sheaf(barn);
	}
	if (empty) {
		if (refill_sheaf(s, empty, gfp)) {
			free_empty_sheaf(s, empty); /* very low on memory: skip the barn */
			return NULL;
		}
		full = empty;
	} else {
		full = alloc_full_sheaf(s, gfp);
		if (!full)
			return NULL;
	}
	pcs = this_cpu_pcs(s);
	pcs_install_full_sheaf(s, pcs, full);
	return pcs;
}

/* An empty sheaf got without the barn's exchange: make it main (Linux
 * __pcs_install_empty_sheaf, which also covers the state having changed). */
static void pcs_install_empty_sheaf(struct kmem_cache *s, struct slub_percpu_sheaves *pcs,
				    struct slab_sheaf *empty)
{
	struct node_barn *barn = get_barn(s);

	if (likely(!pcs->spare)) {
		pcs->spare = pcs->main;
		pcs->main = empty;
	} else if (pcs->main->size < s->sheaf_capacity) {
		barn_put_empty_sheaf(barn, empty);
	} else if (pcs->spare->size < s->sheaf_capacity) {
		swap_main_spare(pcs);
		barn_put_empty_sheaf(barn, empty);
	} else {
		barn_put_full_sheaf(barn, pcs->main); /* the barn had no empty one */
		pcs->main = empty;
	}
}

/* This CPU has no main sheaf yet (or since a flush): a spare with room, an
 * empty one from the barn or a new one becomes main.  NULL when none can be
 * had (the caller frees to the slab). */
static struct slub_percpu_sheaves *pcs_set_main(struct kmem_cache *s,
						struct slub_percpu_sheaves *pcs)
{
	struct slab_sheaf *empty;

	if (pcs->spare && pcs->spare->size < pcs->spare->capacity) {
		pcs->main = pcs->spare;
		pcs->spare = NULL;
		return pcs;
	}
	empty = barn_get_empty_sheaf(get_barn(s));
	if (!empty)
		empty = alloc_empty_sheaf(s, GFP_NOWAIT);
	if (!empty)
		return NULL;
	pcs->main = empty;
	return pcs;
}

struct slub_percpu_sheaves *__pcs_replace_full_main(struct kmem_cache *s,
						    struct slub_percpu_sheaves *pcs)
{
	struct node_barn *barn = get_barn(s);
	struct slab_sheaf *empty = NULL;
	int err;

	if (is_none(pcs->main))
		return pcs_set_main(s, pcs);
	if (!pcs->spare) {
		empty = barn_get_empty_sheaf(barn);
		if (empty) {
			pcs->spare = pcs->main;
			pcs->main = empty;
			return pcs;
		}
		goto alloc_empty;
	}
	if (pcs->spare->size < s->sheaf_capacity) {
		swap_main_spare(pcs);
		return pcs;
	}
	err = barn_replace_full_sheaf(barn, pcs->main, &empty);
	if (!err) {
		pcs->main = empty;
		return pcs;
	}
	if (err == -E2BIG) {
		/* too many full sheaves around: the spare (full) goes to the slabs */
		empty = pcs->spare;
		pcs->spare = NULL;
		sheaf_flush(s, empty);
		goto got_empty;
	}
alloc_empty:
	empty = alloc_empty_sheaf(s, GFP_NOWAIT);
	if (!empty) {
		sheaf_flush(s, pcs->main);
		return pcs;
	}
got_empty:
	pcs_install_empty_sheaf(s, pcs, empty);
	return pcs;
}

/* ---- setup and teardown ---- */

/* Free the sheaves of every CPU (Linux pcs_destroy).  They are empty after
 * a successful shutdown; objects found anyway go back to their slabs. */
static void pcs_destroy(struct kmem_cache *s)
{
	int cpu;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];

		if (pcs->spare) {
			VM_WARN_ON(pcs->spare->size);
			sheaf_flush(s, pcs->spare);
			free_empty_sheaf(s, pcs->spare);
		}
		if (pcs->main && !is_none(pcs->main)) {
			VM_WARN_ON(pcs->main->size);
			sheaf_flush(s, pcs->main);
			free_empty_sheaf(s, pcs->main);
		}
	}
	kfree(s->cpu_sheaves);
	s->cpu_sheaves = NULL;
}

void kmem_cache_destroy_sheaves(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);

	if (s->cpu_sheaves)
		pcs_destroy(s);
	if (n && n->barn) {
		barn_shrink(s);
		spin_lock_destroy(&n->barn->lock);
		kfree(n->barn);
		n->barn = NULL;
	}
	s->sheaf_capacity = 0;
}

/* Linux init_kmem_cache_nodes (the barn) and init_percpu_sheaves; every
 * CPU starts with sheaf_none as its main sheaf. */
int kmem_cache_init_sheaves(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);
	struct slub_percpu_sheaves *pcs;
	int cpu;

	if (!s->sheaf_capacity_arg || kmem_cache_debug(s) || s->cpu_sheaves)
		return 0;
	s->sheaf_capacity = s->sheaf_capacity_arg;
	n->barn = kmalloc(sizeof(*n->barn), GFP_KERNEL);
	if (!n->barn)
		goto nomem;
	barn_init(n->barn);
	pcs = kcalloc((size_t)mmk->nr_cpus, sizeof(*pcs), GFP_KERNEL);
	if (!pcs)
		goto nomem;
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++)
		pcs[cpu].main = &sheaf_none;
	s->cpu_sheaves = pcs;
	return 0;
nomem:
	kmem_cache_destroy_sheaves(s);
	return -ENOMEM;
}

/* ---- verify ---- */

/* Is object free in its slab: on the slab's freelist or, for a CPU slab,
 * on that CPU's freelist?  (Quiescent machine.) */
static bool object_is_free(struct kmem_cache *s, struct page *slab, void *object)
{
	unsigned int nr = 0;
	void *p;
	int cpu;

	for (p = slab->freelist; p && nr++ <= slab->objects; p = get_freepointer(s, p))
		if (p == object)
			return true;
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		if (s->cpu_slab[cpu].slab != slab)
			continue;
		nr = 0;
		for (p = s->cpu_slab[cpu].freelist; p && nr++ <= slab->objects;
		     p = get_freepointer(s, p))
			if (p == object)
				return true;
	}
	return false;
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

enum sheaf_obj { SHEAF_OBJ_OK, SHEAF_OBJ_FOREIGN, SHEAF_OBJ_FREE };

/* What a pointer held in a sheaf of s is: an allocated object of s (OK),
 * not an object of s, or an object that is also free in its slab. */
static enum sheaf_obj sheaf_object_state(struct kmem_cache *s, void *object)
{
	struct page *page = host_in_ram(object) ? virt_to_page(object) : NULL;
	enum sheaf_obj state = SHEAF_OBJ_FOREIGN;
	struct page *slab;

	if (!page || !PageSlab(page) || page->slab_cache != s)
		return SHEAF_OBJ_FOREIGN;
	slab = slab_head(page);
	slab_lock(slab);
	if (check_valid_pointer(s, slab, object))
		state = object_is_free(s, slab, object) ? SHEAF_OBJ_FREE : SHEAF_OBJ_OK;
	slab_unlock(slab);
	return state;
}

/* One sheaf: a live kmalloc object of this cache's, holding allocated
 * objects of slabs of s.  Appends its objects to seen[]. */
static void check_sheaf(struct verify_ctx *v, struct kmem_cache *s, struct slab_sheaf *sheaf,
			const char *where, void **seen, size_t *nseen, size_t max)
{
	unsigned int i;

	if (!virt_to_cache(sheaf) || sheaf->cache != s || sheaf->capacity != s->sheaf_capacity ||
	    sheaf->size > sheaf->capacity) {
		verify_fail(v, "%s: %s sheaf %#lx is not a sheaf of this cache (size %u)", s->name,
			    where, slab_kva(sheaf), sheaf->size);
		return;
	}
	for (i = 0; i < sheaf->size; i++) {
		void *object = sheaf->objects[i];

		switch (sheaf_object_state(s, object)) {
		case SHEAF_OBJ_FOREIGN:
			verify_fail(v, "%s: %s sheaf holds %#lx, not an object of this cache",
				    s->name, where, slab_kva(object));
			continue;
		case SHEAF_OBJ_FREE:
			verify_fail(v, "%s: %s sheaf holds %#lx, which is also free in its slab",
				    s->name, where, slab_kva(object));
			break;
		case SHEAF_OBJ_OK:
			break;
		}
		if (*nseen < max)
			seen[(*nseen)++] = object;
	}
}

static void check_barn(struct verify_ctx *v, struct kmem_cache *s, void **seen, size_t *nseen,
		       size_t max)
{
	struct node_barn *barn = get_barn(s);
	struct slab_sheaf *sheaf;
	unsigned int full = 0, empty = 0;

	spin_lock(&barn->lock);
	list_for_each_entry(sheaf, &barn->sheaves_full, barn_list) {
		check_sheaf(v, s, sheaf, "barn full", seen, nseen, max);
		full++;
	}
	list_for_each_entry(sheaf, &barn->sheaves_empty, barn_list) {
		if (sheaf->size)
			verify_fail(v, "%s: barn's empty list holds a sheaf of %u objects", s->name,
				    sheaf->size);
		empty++;
	}
	if (full != barn->nr_full || empty != barn->nr_empty)
		verify_fail(v, "%s: barn counts %u full / %u empty, lists hold %u / %u", s->name,
			    barn->nr_full, barn->nr_empty, full, empty);
	spin_unlock(&barn->lock);
}

void sheaves_verify(struct verify_ctx *v, struct kmem_cache *s)
{
	size_t max = (size_t)(2 * mmk->nr_cpus + 2 * MAX_FULL_SHEAVES) * s->sheaf_capacity;
	size_t nseen = 0, i;
	void **seen;
	int cpu;

	if (!s->cpu_sheaves) {
		if (get_node(s)->barn || s->sheaf_capacity)
			verify_fail(v, "%s: a barn or capacity without sheaves", s->name);
		return;
	}
	if (kmem_cache_debug(s))
		verify_fail(v, "%s: a debug cache with sheaves", s->name);
	seen = calloc(max, sizeof(*seen));
	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];

		if (!pcs->main) {
			verify_fail(v, "%s: cpu %d has no main sheaf", s->name, cpu);
			continue;
		}
		if (is_none(pcs->main) && (sheaf_none.size || sheaf_none.capacity))
			verify_fail(v, "sheaf_none was written (size %u, capacity %u)",
				    sheaf_none.size, sheaf_none.capacity);
		if (!is_none(pcs->main))
			check_sheaf(v, s, pcs->main, "main", seen, &nseen, seen ? max : 0);
		if (pcs->spare && is_none(pcs->spare))
			verify_fail(v, "%s: cpu %d has sheaf_none as its spare", s->name, cpu);
		if (pcs->spare)
			check_sheaf(v, s, pcs->spare, "spare", seen, &nseen, seen ? max : 0);
	}
	check_barn(v, s, seen, &nseen, seen ? max : 0);
	if (seen) {
		qsort(seen, nseen, sizeof(*seen), ptr_cmp);
		for (i = 1; i < nseen; i++)
			if (seen[i] == seen[i - 1])
				verify_fail(v, "%s: object %#lx is in two sheaf slots", s->name,
					    slab_kva(seen[i]));
	}
	free(seen);
}
