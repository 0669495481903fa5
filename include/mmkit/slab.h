/*
 * slab.h - the kernel object allocators' public face (include/linux/slab.h):
 * named object caches (kmem_cache_*), the kmalloc family on top of them, and
 * the SLUB debug options.  Implemented in mm/slab.c (the SLUB allocator),
 * mm/slab_common.c (cache registry, kmalloc) and mm/slub_debug.c (slab_debug).
 *
 * Pointers are host pointers into simulated RAM, as everywhere in mmkit's
 * kernel code; scenarios print kva_of() of them.
 *
 * Structures (invariants checked by `verify`, mm/slab_verify.c)
 *   A slab is 2^order frames from the buddy allocator.  Its head page has
 *   page_type == PGTY_slab, PG_head (even at order 0), slab_cache, freelist,
 *   inuse/objects/frozen (struct page's slab view, mm_types.h).  Tail pages
 *   are PGTY_slab too, with the same slab_cache, objects == 0 and freelist
 *   pointing at the head page (mmkit has no compound_head field).
 *   Object i of a slab starts at page_address(head) + i * s->size +
 *   s->red_left_pad.  A free object holds the next free object's kernel
 *   virtual address (0 at the end) at object + s->offset.
 *   For every slab: inuse + (objects on slab->freelist) + (objects on the
 *   owning CPU's c->freelist, if frozen) == objects.
 *   frozen == 1  <=>  the slab is exactly one CPU's c->slab (never on a list),
 *   or a debug cache's slab disabled by a failed consistency check.
 *   Not frozen, each slab is in exactly one place: on n->partial (and then
 *   SL_partial is set in its flags), on one CPU's c->partial list (then it
 *   has free objects, and c->partial->slabs == the length of that list <=
 *   s->cpu_partial_slabs), on n->full (debug caches only), or on no list,
 *   which for a non-debug cache means full: inuse == objects, freelist NULL.
 *   n->nr_slabs == number of slabs of the cache; n->total_objects == the sum
 *   of their objects.
 *
 * Sheaves (caches created with kmem_cache_args.sheaf_capacity, no debug
 * flags): s->cpu_sheaves[cpu].main is never NULL; every sheaf holds
 * 0 <= size <= s->sheaf_capacity objects, each an allocated (not free)
 * object of a slab of s, no object twice; the barn's nr_full/nr_empty count
 * its lists, nr_full <= MAX_FULL_SHEAVES except transiently.  Objects in
 * sheaves count as allocated in every slab counter (as in Linux's slabinfo).
 */
#ifndef MMKIT_SLAB_H
#define MMKIT_SLAB_H

#include "mmkit/compiler.h"
#include "mmkit/gfp.h"
#include "mmkit/list.h"
#include "mmkit/spinlock.h"
#include "mmkit/mm_types.h"

typedef unsigned int slab_flags_t;

/* kmem_cache_create flags (include/linux/slab.h; mmkit's own bit values) */
#define SLAB_CONSISTENCY_CHECKS 0x00000100U /* slab_debug=F */
#define SLAB_RED_ZONE 0x00000400U	    /* slab_debug=Z */
#define SLAB_POISON 0x00000800U		    /* slab_debug=P */
#define SLAB_KMALLOC 0x00001000U	    /* a kmalloc-* cache */
#define SLAB_HWCACHE_ALIGN 0x00002000U
#define SLAB_CACHE_DMA 0x00004000U
#define SLAB_CACHE_DMA32 0x00008000U
#define SLAB_STORE_USER 0x00010000U	 /* slab_debug=U */
#define SLAB_RECLAIM_ACCOUNT 0x00020000U /* counted in SReclaimable */
#define SLAB_PANIC 0x00040000U
#define SLAB_TRACE 0x00200000U	  /* slab_debug=T */
#define SLAB_NO_MERGE 0x01000000U /* mmkit never merges anyway */
#define SLAB_ACCOUNT 0x04000000U
#define __OBJECT_POISON 0x80000000U /* internal: poison the object itself */

#define SLAB_DEBUG_FLAGS \
	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE | SLAB_CONSISTENCY_CHECKS)
#define DEBUG_DEFAULT_FLAGS \
	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* Poison and red-zone bytes (include/linux/poison.h) */
#define POISON_INUSE 0x5a      /* padding, and objects of a new slab */
#define POISON_FREE 0x6b       /* a free object */
#define POISON_END 0xa5	       /* the last byte of a free object */
#define SLUB_RED_INACTIVE 0xbb /* red zone of a free object */
#define SLUB_RED_ACTIVE 0xcc   /* red zone of an allocated object */

/* kmalloc(0) returns this; kfree and ksize accept it (include/linux/slab.h). */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* x86-64 kmalloc geometry: kmalloc-8 .. kmalloc-8k, larger goes to pages. */
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_SHIFT_LOW 3
#define KMALLOC_SHIFT_HIGH (PAGE_SHIFT + 1)
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE (1UL << (MAX_PAGE_ORDER + PAGE_SHIFT))

enum kmalloc_cache_type {
	KMALLOC_NORMAL,	 /* kmalloc-N */
	KMALLOC_RECLAIM, /* kmalloc-rcl-N: __GFP_RECLAIMABLE */
	KMALLOC_DMA,	 /* dma-kmalloc-N: GFP_DMA */
	NR_KMALLOC_TYPES
};

/* Who allocated or freed an object (slab_debug=U).  32 bytes, as in Linux
 * with the stack depot.  addr is the caller: mmkit records the caller's
 * function name (a host pointer to a string) instead of a return address. */
struct track {
	unsigned long addr;
	u32 handle;
	int cpu;
	int pid;
	unsigned long when; /* slab_jiffies() at the time */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

/* Per-CPU state of a cache.  Touched only by its own CPU (remote CPUs ask
 * by IPI), so the fast paths take no lock and need no atomics. */
struct kmem_cache_cpu {
	void *freelist;	      /* next free object of the active slab */
	struct page *slab;    /* the active (frozen) slab, or NULL */
	uintptr_t slab_base;  /* its first byte (host), for the free fast path */
	uintptr_t slab_bytes; /* its length: objects * size */
	struct page *partial; /* per-CPU partial slabs, linked by slab->next */
} __attribute__((aligned(64)));

struct node_barn;
struct slub_percpu_sheaves;

/* Per-node state (one node in mmkit). */
struct kmem_cache_node {
	spinlock_t list_lock;
	/* --- guarded by list_lock --- */
	unsigned long nr_partial; /* WRITE_ONCE: read unlocked as a hint */
	struct list_head partial; /* slabs with free objects */
	struct list_head full;	  /* debug caches only: full slabs */
	/* --- atomics --- */
	_Atomic long nr_slabs;
	_Atomic long total_objects;
	/* --- set at creation: the sheaves exchanged between CPUs (or NULL) --- */
	struct node_barn *barn;
};

/* A slab cache.  Lives in simulated RAM (allocated from the "kmem_cache"
 * cache, as in Linux), except for the two bootstrap caches' first copies. */
struct kmem_cache {
	/* --- set at creation (or by slab_debug on an empty cache), read-only after --- */
	slab_flags_t flags;
	unsigned int object_size; /* what the user asked for */
	unsigned int size;	  /* the stride: object + metadata, aligned */
	unsigned int offset;	  /* free pointer offset inside the stride */
	unsigned int inuse;	  /* object + right red zone (start of metadata) */
	unsigned int align;
	unsigned int red_left_pad;
	unsigned int oo_order, oo_objects;   /* preferred slab order, objects per slab */
	unsigned int min_order, min_objects; /* fallback when the preferred order fails */
	unsigned int min_partial;	     /* empty slabs kept on the partial list */
	unsigned int cpu_partial;	     /* objects kept on per-CPU partial lists (nominal) */
	unsigned int cpu_partial_slabs;	     /* the enforced limit: slabs per CPU list */
	unsigned int sheaf_capacity;	     /* objects per sheaf; 0: no sheaves */
	unsigned int sheaf_capacity_arg; /* mmkit: the request, kept across slab_debug changes */
	struct slub_percpu_sheaves *cpu_sheaves; /* nr_cpus entries, or NULL */
	gfp_t allocflags;			 /* added to the gfp of slab page allocations */
	void (*ctor)(void *);
	const char *name; /* points into name_buf */
	char name_buf[40];
	int refcount;
	/* --- guarded by slab_mutex --- */
	struct list_head list; /* slab_caches */
	/* --- per node and per CPU --- */
	struct kmem_cache_node *node[1];
	struct kmem_cache_cpu cpu_slab[]; /* nr_cpus entries */
};

/* ---- caches ---- */

/* Optional arguments of kmem_cache_create_args (Linux struct
 * kmem_cache_args; the fields mmkit has). */
struct kmem_cache_args {
	unsigned int align;   /* 0: a word */
	void (*ctor)(void *); /* NULL: none */
	/* Per-CPU sheaves of this many objects in front of the slabs (6.18:
	 * "percpu array caches"); 0: none.  Ignored while slab_debug flags are
	 * set on the cache, as in Linux. */
	unsigned int sheaf_capacity;
};

/* Linux __kmem_cache_create_args(): kmem_cache_create with the optional
 * arguments in *args (NULL: all zero).  Same contract as kmem_cache_create_err. */
struct kmem_cache *kmem_cache_create_args(const char *name, unsigned int size,
					  const struct kmem_cache_args *args, slab_flags_t flags,
					  int *errp);

/* Create a cache of `size`-byte objects aligned to `align` (0: word).  Takes
 * and releases slab_mutex; may sleep in the page allocator.  Returns the cache,
 * or NULL (-EINVAL for bad arguments, -ENOMEM) with the reason printed. */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));
/* The same, telling why it failed in *errp (0 on success). */
struct kmem_cache *kmem_cache_create_err(const char *name, unsigned int size, unsigned int align,
					 slab_flags_t flags, void (*ctor)(void *), int *errp);
/* Destroy an empty cache.  If objects remain, reports them as Linux does,
 * keeps the cache and returns -EBUSY; -EPERM for the boot and kmalloc
 * caches; 0 when destroyed.  (Linux returns void.)  Takes slab_mutex. */
int kmem_cache_destroy_caller(struct kmem_cache *s, const char *caller);
#define kmem_cache_destroy(s) kmem_cache_destroy_caller(s, __func__)
/* Flush every CPU's active slab and free the empty slabs.  Returns 0. */
int kmem_cache_shrink(struct kmem_cache *s);

/*
 * Allocation and free.  Callable from any CPU thread (this_cpu() != NULL);
 * no lock may be held that the page allocator takes.  The allocators return
 * NULL on failure.  The caller's name is recorded for slab_debug=U: these are
 * macros over the *_caller functions, as Linux's alloc_hooks() macros are.
 */
void *kmem_cache_alloc_caller(struct kmem_cache *s, gfp_t gfp, const char *caller);
void kmem_cache_free_caller(struct kmem_cache *s, void *obj, const char *caller);
void *kmalloc_caller(size_t size, gfp_t gfp, const char *caller);
void *krealloc_caller(const void *p, size_t new_size, gfp_t gfp, const char *caller);
void kfree_caller(const void *p, const char *caller);

#define kmem_cache_alloc(s, gfp) kmem_cache_alloc_caller(s, gfp, __func__)
#define kmem_cache_zalloc(s, gfp) kmem_cache_alloc_caller(s, (gfp) | __GFP_ZERO, __func__)
#define kmem_cache_free(s, obj) kmem_cache_free_caller(s, obj, __func__)
#define kmalloc(size, gfp) kmalloc_caller(size, gfp, __func__)
#define kzalloc(size, gfp) kmalloc_caller(size, (gfp) | __GFP_ZERO, __func__)
#define krealloc(p, size, gfp) krealloc_caller(p, size, gfp, __func__)
#define kfree(p) kfree_caller(p, __func__)

/* n * size bytes; NULL if the product overflows (include/linux/slab.h). */
static inline void *kmalloc_array_caller(size_t n, size_t size, gfp_t gfp, const char *caller)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc_caller(bytes, gfp, caller);
}
#define kmalloc_array(n, size, gfp) kmalloc_array_caller(n, size, gfp, __func__)
#define kcalloc(n, size, gfp) kmalloc_array_caller(n, size, (gfp) | __GFP_ZERO, __func__)

/* Usable size of a kmalloc'd or cache object: the cache's object size (the
 * whole stride when no debugging needs the tail), the page size for large
 * kmalloc, 0 for ZERO_SIZE_PTR and NULL. */
size_t ksize(const void *p);

/* The cache kmalloc(size, gfp) would use; NULL for 0 and for large sizes. */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp);
/* The cache owning slab object p (checks that p is in a slab); else NULL. */
struct kmem_cache *virt_to_cache(const void *p);

/* ---- slab_debug (Documentation/mm/slub.rst) ---- */

/* Parse "FZPUT" / "-" (none) / "" (= FZPU) into SLAB_* flags; -EINVAL for an
 * unknown letter. */
int slab_debug_parse(const char *str, slab_flags_t *flags);
/* Set the debug flags of an empty cache (flushes and shrinks it first).
 * Takes slab_mutex.  Returns 0, or -EBUSY while it holds objects. */
int kmem_cache_set_debug(struct kmem_cache *s, slab_flags_t debug);
/* The boot-time default for new caches (slab_debug=...), and apply it to
 * every existing cache that is empty.  Returns how many caches are busy
 * (kept their old flags). */
int slab_debug_set_global(slab_flags_t debug);
slab_flags_t slab_debug_global(void);
/* The slab_debug= boot parameter: the default for every cache created from
 * the next boot on (and now).  Returns 0 or -EINVAL. */
int slab_debug_setup(const char *str);
/* Check every object and slab of s (/sys/kernel/slab/NAME/validate):
 * reports problems in the kernel's words and fixes them up.  Returns the
 * number of problems found. */
int kmem_cache_validate(struct kmem_cache *s);

/* ---- registry and statistics ---- */

/* slab_mutex guards the cache list and cache creation/destruction. */
void slab_mutex_lock(void);
void slab_mutex_unlock(void);
/* Iterate the caches, newest first as /proc/slabinfo lists them; hold slab_mutex. */
struct kmem_cache *slab_cache_first(void);
struct kmem_cache *slab_cache_next(struct kmem_cache *s);
/* Find a cache by name (the newest of that name), or by the KVA of its
 * struct kmem_cache; NULL if none.  Take slab_mutex internally. */
struct kmem_cache *kmem_cache_find(const char *name);
struct kmem_cache *kmem_cache_from_kva(unsigned long kva);

struct slabinfo {
	unsigned long active_objs, num_objs, active_slabs, num_slabs;
	unsigned int objects_per_slab, cache_order;
};
/* Linux get_slabinfo(): active_objs counts every object not free on a node
 * partial list (CPU slabs count as in use). */
void get_slabinfo(struct kmem_cache *s, struct slabinfo *info);

/* Bytes of slab pages (NR_SLAB_RECLAIMABLE_B / NR_SLAB_UNRECLAIMABLE_B),
 * exact (global + the CPUs' deltas). */
unsigned long slab_reclaimable_bytes(void);
unsigned long slab_unreclaimable_bytes(void);

#endif
