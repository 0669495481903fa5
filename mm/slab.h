/*
 * mm/slab.h - what mm/slab.c, mm/slab_common.c and mm/slub_debug.c share
 * (Linux mm/slab.h): slab page accessors, free pointers, the debug hooks the
 * allocator calls, and the cache registry's internals.
 *
 * Lock order (Linux mm/slub.c; the whole tree is mm_lock_order in
 * mm/rmap.c, which the lock validator checks):
 *   slab_mutex                   (a sleeping mutex: cache creation allocates
 *                                 under it, as in Linux)
 *     barn->lock                 (sheaves; never held with list_lock)
 *     n->list_lock               (spinlock: waiters serve TLB flushes only)
 *       slab_lock(slab)          (PG_locked bit spinlock in the head page;
 *                                 interrupts off: waiters serve no IPI)
 * Per-CPU state (CPU slab, CPU partial list, sheaves) takes no lock: only
 * its CPU touches it, and no interrupt point (where an IPI handler such as
 * a slab flush could run) lies between reading it and updating it.
 * No spinlock is held across an IPI (slab_flush_all) or the page
 * allocator: a CPU waiting for one serves no drain IPI, so a holder that
 * sent one and waited could deadlock with it.
 */
#ifndef MMKIT_MM_SLAB_INTERNAL_H
#define MMKIT_MM_SLAB_INTERNAL_H

#include "mmkit/slab.h"
#include "mmkit/mm.h"

/* ---- slab pages ---- */

/* The slab (head page) of any page of a slab; p must be PageSlab.  Heads
 * carry PG_head (read atomically: the counters word next to it changes
 * under the slab lock); a tail's freelist field points at its head. */
static inline struct page *slab_head(struct page *p)
{
	return PageHead(p) ? p : (struct page *)p->freelist;
}
static inline void *slab_address(const struct page *slab) { return page_address(slab); }
static inline unsigned int slab_order(const struct kmem_cache *s, const struct page *slab)
{
	return slab->objects == s->oo_objects ? s->oo_order : s->min_order;
}
static inline unsigned long slab_bytes(const struct kmem_cache *s, const struct page *slab)
{
	return PAGE_SIZE << slab_order(s, slab);
}
static inline struct kmem_cache_node *get_node(struct kmem_cache *s) { return s->node[0]; }

/* PG_locked as a bit spinlock guarding slab->freelist and the counters. */
void __slab_lock(struct page *slab);
#define slab_lock(slab) LOCK_SITE(__slab_lock(slab))
void slab_unlock(struct page *slab);

/* SL_partial (Linux 6.8+): the slab is on its node's partial list.  Set and
 * cleared under list_lock and the slab lock (debug caches: list_lock, which
 * every holder of one of their slab locks holds too): slab_unlock stores
 * the flags word whole.  Read under list_lock. */
#define SL_partial PG_workingset
static inline bool slab_test_node_partial(struct page *slab)
{
	return atomic_load_explicit(&slab->flags, memory_order_relaxed) & (1UL << SL_partial);
}

/* ---- node partial list (n->list_lock and the slab lock held, see SL_partial) ---- */

/* Without the lock check: the boot node, before anyone can see it (Linux
 * __add_partial in early_kmem_cache_node_alloc). */
static inline void __add_partial(struct kmem_cache_node *n, struct page *slab, bool tail)
{
	atomic_fetch_or_explicit(&slab->flags, 1UL << SL_partial, memory_order_relaxed);
	if (tail)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	WRITE_ONCE(n->nr_partial, n->nr_partial + 1);
}

static inline void add_partial(struct kmem_cache_node *n, struct page *slab, bool tail)
{
	lockdep_assert_held(&n->list_lock);
	__add_partial(n, slab, tail);
}

static inline void remove_partial(struct kmem_cache_node *n, struct page *slab)
{
	lockdep_assert_held(&n->list_lock);
	atomic_fetch_and_explicit(&slab->flags, ~(1UL << SL_partial), memory_order_relaxed);
	list_del(&slab->slab_list);
	WRITE_ONCE(n->nr_partial, n->nr_partial - 1);
}

/* ---- objects and free pointers ---- */

/*
 * A free object holds the kernel virtual address of the next free object
 * (0 at the end), as Linux's does without freelist hardening, so a `kread`
 * of a free object shows a KVA.  slab_fp_delta = KVA - host address of the
 * direct map (slab pages are always in it).
 */
extern uintptr_t slab_fp_delta;
static __always_inline unsigned long get_freepointer_raw(const struct kmem_cache *s, void *object)
{
	return *(unsigned long *)((u8 *)object + s->offset);
}
static __always_inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	unsigned long v = get_freepointer_raw(s, object);

	return v ? (void *)(v - slab_fp_delta) : NULL;
}
static __always_inline void set_freepointer(const struct kmem_cache *s, void *object, void *fp)
{
	*(unsigned long *)((u8 *)object + s->offset) = fp ? (uintptr_t)fp + slab_fp_delta : 0;
}
/* The first object of a slab (past the left red zone). */
static inline void *slab_first_object(const struct kmem_cache *s, const struct page *slab)
{
	return (u8 *)slab_address(slab) + s->red_left_pad;
}
#define for_each_object(p, s, slab)                                                    \
	for (p = slab_first_object(s, slab);                                           \
	     (u8 *)p < (u8 *)slab_first_object(s, slab) + (slab)->objects * (s)->size; \
	     p = (u8 *)p + (s)->size)
static inline unsigned int obj_to_index(const struct kmem_cache *s, const struct page *slab,
					const void *p)
{
	return (unsigned int)(((const u8 *)p - (const u8 *)slab_first_object(s, slab)) / s->size);
}
/* p is an object start inside slab (or NULL). */
bool check_valid_pointer(const struct kmem_cache *s, const struct page *slab, const void *p);

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return unlikely(s->flags & SLAB_DEBUG_FLAGS);
}
/* kmalloc caches with slab_debug=U keep the requested size after the tracks. */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & (SLAB_STORE_USER | SLAB_KMALLOC)) == (SLAB_STORE_USER | SLAB_KMALLOC);
}
static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}
/* Where the metadata after the free pointer starts (get_info_end). */
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->inuse + (unsigned int)sizeof(void *) : s->inuse;
}

/* ---- mm/slab.c services used by the other slab files ---- */

/* Linux set_cpu_partial(): s->cpu_partial and s->cpu_partial_slabs from the
 * object size (0 for debug caches).  Call after calculate_sizes. */
void set_cpu_partial(struct kmem_cache *s);
/* Fill p[0..size) with objects from the slabs (the CPU slab, its partial
 * list, the node, new slabs), bypassing sheaves and fault injection (Linux
 * __kmem_cache_alloc_bulk).  May reach an interrupt point.  Returns size,
 * or 0 with nothing kept when memory ran out. */
int __kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p);
/* Free objects of s back to their slabs, one slab lock per slab (Linux
 * __kmem_cache_free_bulk with detached freelists).  Reorders p. */
void __kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

/* Compute the layout and order of s from its object_size, align and flags.
 * Returns 0 or -EINVAL (no order can hold one object). */
int calculate_sizes(struct kmem_cache *s);
/* Set up s (already zeroed, name/size/align/flags/ctor filled) and its node.
 * Returns 0 or -ENOMEM. */
int __kmem_cache_create(struct kmem_cache *s);
/* Every CPU hands its active slab of s back to the node (IPIs, waited for). */
void slab_flush_all(struct kmem_cache *s);
/* Flush every CPU's active slab of s (IPIs), then free empty partial slabs. */
void __kmem_cache_shrink(struct kmem_cache *s);
/* Free what is free and report leftovers (the caller flushed the CPU
 * slabs first).  Returns 0 or -EBUSY. */
int __kmem_cache_shutdown(struct kmem_cache *s);
/* Release s's node structure (after a successful shutdown). */
void __kmem_cache_release(struct kmem_cache *s);
/* Boot the two bootstrap caches (kmem_cache_node, kmem_cache). */
int kmem_cache_init(void);
extern struct kmem_cache *kmem_cache; /* the cache of struct kmem_cache */
extern struct kmem_cache *kmem_cache_node;

/* Linux kmalloc_size_index: the cache index for sizes 1..192, by (size-1)/8. */
static const u8 kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, /* 8 16 24 32 40 48 56 64 */
	1, 1, 1, 1, 7, 7, 7, 7, /* 72 80 88 96 -> 96; 104..128 -> 128 */
	2, 2, 2, 2, 2, 2, 2, 2, /* 136..192 -> 192 */
};

static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_size_index[(size - 1) / 8];
	return 64 - (unsigned int)__builtin_clzl(size - 1);
}

static __always_inline enum kmalloc_cache_type kmalloc_type(gfp_t gfp)
{
	if (likely(!(gfp & (__GFP_DMA | __GFP_RECLAIMABLE))))
		return KMALLOC_NORMAL;
	return (gfp & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_RECLAIM;
}

/* Whole pages for kmalloc above KMALLOC_MAX_CACHE_SIZE, and their free
 * (which warns about a pointer that is no kmalloc allocation). */
void *kmalloc_large(size_t size, gfp_t gfp);
void free_large_kmalloc(struct page *page, const void *x);

/* Registry (mm/slab_common.c). */
void slab_caches_add(struct kmem_cache *s);
void slab_caches_del(struct kmem_cache *s);
void slab_account_pages(struct kmem_cache *s, long bytes);
void large_kmalloc_account(long bytes);
unsigned int kmem_cache_size_for_cpus(void);
/* Linux calculate_alignment(): SLAB_HWCACHE_ALIGN, at least a word. */
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size);
/* The default slab_debug flags of new caches. */
slab_flags_t kmem_cache_flags(slab_flags_t flags);
/* The clock behind track->when and age=: one tick per debug alloc/free. */
unsigned long slab_jiffies(void);
extern struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/* ---- mm/slab_sheaf.c: per-CPU sheaves and the node barn (Linux 6.18) ---- */

#define MAX_FULL_SHEAVES 10
#define MAX_EMPTY_SHEAVES 10

/* An array of objects; lives in simulated RAM (a kmalloc object). */
struct slab_sheaf {
	struct list_head barn_list; /* on a barn list, else unused */
	struct kmem_cache *cache;
	unsigned int size;     /* objects[0..size) are held */
	unsigned int capacity; /* s->sheaf_capacity; 0 for sheaf_none */
	void *objects[];       /* capacity slots */
};

/* The main sheaf of a CPU that has none (mmkit): empty for allocation and
 * full for a free (capacity 0), so both fast paths go slow, where a real
 * sheaf is put in its place.  Not in RAM, never written. */
extern struct slab_sheaf sheaf_none;

/* A node's store of sheaves that CPUs exchange: full ones for a CPU whose
 * sheaves ran empty, empty ones for a CPU whose sheaves are full. */
struct node_barn {
	spinlock_t lock;
	/* --- guarded by lock --- */
	struct list_head sheaves_full;
	struct list_head sheaves_empty;
	unsigned int nr_full, nr_empty;
};

/* One CPU's sheaves of a cache; touched only by that CPU. */
struct slub_percpu_sheaves {
	struct slab_sheaf *main;  /* never NULL: a sheaf, or &sheaf_none */
	struct slab_sheaf *spare; /* empty or full, or NULL */
} __attribute__((aligned(64)));

/* The size of a sheaf of s (a kmalloc object). */
static inline size_t sheaf_bytes(const struct kmem_cache *s)
{
	return sizeof(struct slab_sheaf) + s->sheaf_capacity * sizeof(void *);
}

/* Slow halves of the sheaf fast paths in mm/slab.c.  The alloc side
 * returns the pcs with a non-empty main sheaf, or NULL (the caller then
 * allocates from the slabs); the free side returns it with room in main, or
 * NULL (the caller frees to the slab). */
struct slub_percpu_sheaves *__pcs_replace_empty_main(struct kmem_cache *s,
						     struct slub_percpu_sheaves *pcs, gfp_t gfp);
struct slub_percpu_sheaves *__pcs_replace_full_main(struct kmem_cache *s,
						    struct slub_percpu_sheaves *pcs);
/* Set up / tear down the sheaves and barn of s per s->sheaf_capacity_arg
 * and its debug flags (debug caches have none).  Returns 0 or -ENOMEM. */
int kmem_cache_init_sheaves(struct kmem_cache *s);
void kmem_cache_destroy_sheaves(struct kmem_cache *s);
/* This CPU's sheaves back to the slabs and freed (main becomes sheaf_none). */
void pcs_flush_all(struct kmem_cache *s);
/* Every sheaf in the barn flushed and freed (kmem_cache_shrink, destroy). */
void barn_shrink(struct kmem_cache *s);
/* verify: the sheaves and barn of s. */
struct verify_ctx;
void sheaves_verify(struct verify_ctx *v, struct kmem_cache *s);

/* ---- mm/slub_debug.c ---- */

/* Prepare a new slab's objects (poison, red zones, tracks). */
void setup_slab_debug(struct kmem_cache *s, struct page *slab);
void setup_object_debug(struct kmem_cache *s, void *object);
/* Checks on the way out and in; false means the object must not be used or
 * freed (already reported and fixed up; a slab failing the alloc check is
 * disabled).  alloc_debug_processing then prepares the object once the
 * freelist moved on (trace, orig_size, red zones, owner).  Called with
 * n->list_lock held. */
bool alloc_debug_check(struct kmem_cache *s, struct page *slab, void *object);
void alloc_debug_processing(struct kmem_cache *s, struct page *slab, void *object, size_t orig_size,
			    const char *caller);
bool free_debug_processing(struct kmem_cache *s, struct page *slab, void *object,
			   const char *caller);
void set_track(struct kmem_cache *s, void *object, enum track_item alloc, const char *caller);
void set_orig_size(struct kmem_cache *s, void *object, size_t orig_size);
size_t get_orig_size(struct kmem_cache *s, void *object);
/* Reports. */
__printf(3, 4) void slab_err(struct kmem_cache *s, struct page *slab, const char *fmt, ...);
void object_err(struct kmem_cache *s, struct page *slab, u8 *object, const char *reason);
void print_tracking(struct kmem_cache *s, void *object);
void list_slab_objects(struct kmem_cache *s, struct page *slab, const char *text);
/* A WARN(): cut-here line, the message, "WARNING: CPU: n PID: p at <where>". */
__printf(2, 3) void slab_warn(const char *where, const char *fmt, ...);
/* Consistency checks of a slab about to be freed (slab_debug=F). */
void free_slab_debug(struct kmem_cache *s, struct page *slab);
/* Validate one slab (check_slab, freelist, every object).  Returns problems found. */
int validate_slab(struct kmem_cache *s, struct page *slab);
/* The KVA of a host pointer for messages (0 for NULL). */
unsigned long slab_kva(const void *p);
/* Reset the taint state (machine boot). */
void slab_debug_reset(void);

#endif
