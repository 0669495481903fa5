/*
 * slab_common.c - what sits on top of the SLUB core (Linux mm/slab_common.c):
 * the list of caches and their creation and destruction, the kmalloc family
 * (the size classes kmalloc-8 .. kmalloc-8k, including 96 and 192, chosen by
 * Linux's size_index table below 192 and by fls(size - 1) above; larger
 * requests get whole pages, PGTY_large_kmalloc), krealloc and ksize, and the
 * slab page accounting behind meminfo's SReclaimable/SUnreclaim.
 *
 * mmkit never merges caches (Linux's slab_nomerge behaviour), so every
 * kmem_cache_create shows up by its own name in /proc/slabinfo.
 */
#include <errno.h>
#include <string.h>
#include "mm/slab.h"
#include "mmkit/debug.h"
#include "mmkit/mmzone.h"

static DEFINE_MUTEX(slab_mutex);
static LIST_HEAD(slab_caches);

struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
uintptr_t slab_fp_delta;

static _Atomic unsigned long slab_clock;

/* Boot parameter slab_debug= and the current default for new caches. */
static slab_flags_t slab_debug_boot;
static slab_flags_t slab_debug_flags;

void slab_mutex_lock(void) { mutex_lock(&slab_mutex); }
void slab_mutex_unlock(void) { mutex_unlock(&slab_mutex); }

/* ---- the cache list (slab_mutex held) ---- */

void slab_caches_add(struct kmem_cache *s) { list_add(&s->list, &slab_caches); }
void slab_caches_del(struct kmem_cache *s) { list_del(&s->list); }

struct kmem_cache *slab_cache_first(void)
{
	return list_empty(&slab_caches) ? NULL :
					  list_first_entry(&slab_caches, struct kmem_cache, list);
}

struct kmem_cache *slab_cache_next(struct kmem_cache *s)
{
	return s->list.next == &slab_caches ? NULL :
					      list_entry(s->list.next, struct kmem_cache, list);
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s;

	slab_mutex_lock();
	for (s = slab_cache_first(); s; s = slab_cache_next(s))
		if (!strcmp(s->name, name))
			break;
	slab_mutex_unlock();
	return s;
}

struct kmem_cache *kmem_cache_from_kva(unsigned long kva)
{
	void *host = host_of_kva(kva);
	struct kmem_cache *s;

	slab_mutex_lock();
	for (s = slab_cache_first(); s; s = slab_cache_next(s))
		if ((void *)s == host)
			break;
	slab_mutex_unlock();
	return s;
}

/* ---- accounting and the debug clock ---- */

/* Slab pages count in the node's NR_SLAB_{,UN}RECLAIMABLE_B (bytes), as
 * Linux's account_slab(); large kmalloc pages in the unreclaimable one. */
void slab_account_pages(struct kmem_cache *s, long bytes)
{
	mod_node_page_state(NODE_DATA(0),
			    (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B :
								NR_SLAB_UNRECLAIMABLE_B,
			    bytes);
}

void large_kmalloc_account(long bytes)
{
	mod_node_page_state(NODE_DATA(0), NR_SLAB_UNRECLAIMABLE_B, bytes);
}

unsigned long slab_reclaimable_bytes(void)
{
	return node_page_state_snapshot(NODE_DATA(0), NR_SLAB_RECLAIMABLE_B);
}

unsigned long slab_unreclaimable_bytes(void)
{
	return node_page_state_snapshot(NODE_DATA(0), NR_SLAB_UNRECLAIMABLE_B);
}

unsigned long slab_jiffies(void)
{
	return atomic_fetch_add_explicit(&slab_clock, 1, memory_order_relaxed) + 1;
}

/* ---- creation and destruction ---- */

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64; /* cache_line_size() */

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, 8U); /* ARCH_SLAB_MINALIGN */
	return ALIGN(align, (unsigned int)sizeof(void *));
}

slab_flags_t kmem_cache_flags(slab_flags_t flags) { return flags | slab_debug_flags; }

slab_flags_t slab_debug_global(void) { return slab_debug_flags; }

#define SLAB_FLAGS_PERMITTED                                                         \
	(SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | \
	 SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_NO_MERGE | SLAB_ACCOUNT | SLAB_KMALLOC)

static struct kmem_cache *create_cache(const char *name, unsigned int size,
				       const struct kmem_cache_args *args, slab_flags_t flags,
				       int *errp)
{
	struct kmem_cache *s = kmem_cache_zalloc(kmem_cache, GFP_KERNEL);
	int err;

	if (!s) {
		*errp = -ENOMEM;
		return NULL;
	}
	snprintf(s->name_buf, sizeof(s->name_buf), "%s", name);
	s->name = s->name_buf;
	s->object_size = size;
	s->align = calculate_alignment(flags, args->align, size);
	s->flags = flags;
	s->ctor = args->ctor;
	s->sheaf_capacity_arg = args->sheaf_capacity;
	s->refcount = 1;
	err = __kmem_cache_create(s);
	if (err) {
		kmem_cache_free(kmem_cache, s);
		*errp = err;
		return NULL;
	}
	slab_caches_add(s);
	return s;
}

/* Sheaves hold at most this many objects (mmkit's bound: a sheaf is a
 * kmalloc object of at most a page). */
#define MAX_SHEAF_CAPACITY ((PAGE_SIZE - sizeof(struct slab_sheaf)) / sizeof(void *))

/*
 * Linux __kmem_cache_create_args() without merging.  Takes slab_mutex.
 * Returns the cache or NULL with *errp = -EINVAL (bad name, size, align,
 * flags or sheaf capacity; sheaves are not for kmalloc caches) or -ENOMEM.
 */
struct kmem_cache *kmem_cache_create_args(const char *name, unsigned int size,
					  const struct kmem_cache_args *args, slab_flags_t flags,
					  int *errp)
{
	static const struct kmem_cache_args none;
	struct kmem_cache *s = NULL;
	int err = -EINVAL;

	if (!args)
		args = &none;
	if (!name || !*name || !size || size > KMALLOC_MAX_SIZE ||
	    (args->align & (args->align - 1)) || (flags & ~SLAB_FLAGS_PERMITTED) || !kmem_cache ||
	    args->sheaf_capacity > MAX_SHEAF_CAPACITY ||
	    (args->sheaf_capacity && (flags & SLAB_KMALLOC)))
		goto out;
	slab_mutex_lock();
	s = create_cache(name, size, args, kmem_cache_flags(flags), &err);
	slab_mutex_unlock();
out:
	if (!s) {
		BUG_ON(flags & SLAB_PANIC);
		printk("__kmem_cache_create_args(%s) failed with error %d\n",
		       name ? name : "(null)", err);
	}
	if (errp)
		*errp = s ? 0 : err;
	return s;
}

struct kmem_cache *kmem_cache_create_err(const char *name, unsigned int size, unsigned int align,
					 slab_flags_t flags, void (*ctor)(void *), int *errp)
{
	struct kmem_cache_args args = { .align = align, .ctor = ctor };

	return kmem_cache_create_args(name, size, &args, flags, errp);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	return kmem_cache_create_err(name, size, align, flags, ctor, NULL);
}

static bool slab_cache_is_boot(struct kmem_cache *s)
{
	return s == kmem_cache || s == kmem_cache_node || (s->flags & SLAB_KMALLOC);
}

int kmem_cache_destroy_caller(struct kmem_cache *s, const char *caller)
{
	int err;

	if (!s)
		return 0;
	if (slab_cache_is_boot(s))
		return -EPERM;
	slab_mutex_lock();
	if (--s->refcount) {
		slab_mutex_unlock();
		return 0;
	}
	slab_mutex_unlock();
	/* The CPU slabs are flushed by IPI without slab_mutex, as Linux flushes
	 * them first (slab_mutex is a sleeping lock, so it could be held). */
	slab_flush_all(s);
	slab_mutex_lock();
	err = __kmem_cache_shutdown(s);
	if (err) {
		slab_warn(
			"mm/slab_common.c kmem_cache_destroy",
			"kmem_cache_destroy %s: Slab cache still has objects when called from %s\n",
			s->name, caller);
		s->refcount++; /* mmkit: the cache stays usable, destroy may be retried */
		slab_mutex_unlock();
		return err;
	}
	slab_caches_del(s);
	slab_mutex_unlock();
	__kmem_cache_release(s);
	kmem_cache_free(kmem_cache, s);
	return 0;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	__kmem_cache_shrink(s);
	return 0;
}

/* ---- slab_debug switching ---- */

/* Debug caches have no sheaves (Linux ignores sheaf_capacity for them):
 * drop them before the flags change and set them up again after.  A cache
 * that cannot get its sheaves back (-ENOMEM) works on without them. */
int kmem_cache_set_debug(struct kmem_cache *s, slab_flags_t debug)
{
	struct kmem_cache_node *n = get_node(s);
	slab_flags_t old = s->flags;
	int err = 0;

	__kmem_cache_shrink(s); /* IPIs: before slab_mutex */
	slab_mutex_lock();
	if (atomic_load(&n->nr_slabs)) {
		err = -EBUSY;
		goto unlock;
	}
	kmem_cache_destroy_sheaves(s);
	s->flags = (s->flags & ~SLAB_DEBUG_FLAGS) | (debug & SLAB_DEBUG_FLAGS);
	err = calculate_sizes(s);
	if (err) {
		s->flags = old;
		BUG_ON(calculate_sizes(s));
	}
	set_cpu_partial(s);
	kmem_cache_init_sheaves(s);
unlock:
	slab_mutex_unlock();
	return err;
}

int slab_debug_set_global(slab_flags_t debug)
{
	struct kmem_cache *s, *list[1024];
	int n = 0, i, busy = 0;

	slab_debug_flags = debug & SLAB_DEBUG_FLAGS;
	slab_mutex_lock();
	for (s = slab_cache_first(); s && n < (int)ARRAY_SIZE(list); s = slab_cache_next(s))
		list[n++] = s;
	slab_mutex_unlock();
	for (i = 0; i < n; i++)
		if (kmem_cache_set_debug(list[i], debug))
			busy++;
	return busy;
}

int slab_debug_parse(const char *str, slab_flags_t *flags)
{
	*flags = 0;
	if (!*str) {
		*flags = DEBUG_DEFAULT_FLAGS;
		return 0;
	}
	for (; *str; str++) {
		switch (*str | 0x20) {
		case '-' | 0x20:
			*flags = 0;
			break;
		case 'f':
			*flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			*flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			*flags |= SLAB_POISON;
			break;
		case 'u':
			*flags |= SLAB_STORE_USER;
			break;
		case 't':
			*flags |= SLAB_TRACE;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* The boot parameter: applies to every cache created at the next boot. */
int slab_debug_setup(const char *str)
{
	slab_flags_t f;
	int err = slab_debug_parse(str, &f);

	if (!err)
		slab_debug_boot = slab_debug_flags = f;
	return err;
}

/* ---- kmalloc ---- */

struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[kmalloc_type(gfp)][kmalloc_index(size)];
}

static unsigned int large_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Whole pages for a large request (Linux ___kmalloc_large_node). */
void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order;
	struct page *page;
	void *ptr;

	if (size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			slab_warn("mm/page_alloc.c __alloc_pages",
				  "kmalloc: %zu bytes is above KMALLOC_MAX_SIZE\n", size);
		return NULL;
	}
	order = large_order(size);
	page = alloc_pages(gfp & ~__GFP_ZERO, order);
	if (!page)
		return NULL;
	__SetPageLargeKmalloc(page);
	page->private = order;
	large_kmalloc_account((long)(PAGE_SIZE << order));
	ptr = page_address(page);
	if (gfp & __GFP_ZERO)
		memset(ptr, 0, PAGE_SIZE << order);
	return ptr;
}

void free_large_kmalloc(struct page *page, const void *x)
{
	unsigned int order;

	if (!PageLargeKmalloc(page)) {
		slab_warn("mm/slub.c free_large_kmalloc",
			  "kfree: 0x%016lx is not a kmalloc allocation\n", slab_kva(x));
		dump_page(page, "Not a kmalloc allocation");
		return;
	}
	order = (unsigned int)page->private;
	page->private = 0;
	__ClearPageLargeKmalloc(page);
	large_kmalloc_account(-(long)(PAGE_SIZE << order));
	__free_pages(page, order);
}

struct kmem_cache *virt_to_cache(const void *x)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(x) || !host_in_ram(x))
		return NULL;
	page = virt_to_page(x);
	return PageSlab(page) ? page->slab_cache : NULL;
}

/* Linux slab_ksize(). */
static size_t cache_ksize(const struct kmem_cache *s)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & SLAB_STORE_USER)
		return s->inuse;
	return s->size;
}

size_t ksize(const void *x)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(x) || !host_in_ram(x))
		return 0;
	page = virt_to_page(x);
	if (PageSlab(page))
		return cache_ksize(page->slab_cache);
	if (PageLargeKmalloc(page))
		return PAGE_SIZE << page->private;
	return 0;
}

/* krealloc in place: fix up the zeroing and the kmalloc red zone. */
static void *krealloc_in_place(struct kmem_cache *s, void *p, size_t new_size, size_t ks,
			       size_t orig_size, gfp_t gfp)
{
	if (gfp & __GFP_ZERO) {
		if (orig_size && orig_size < new_size)
			memset((u8 *)p + orig_size, 0, new_size - orig_size);
		else
			memset((u8 *)p + new_size, 0, ks - new_size);
	}
	if (s && slub_debug_orig_size(s)) {
		set_orig_size(s, p, new_size);
		if ((s->flags & SLAB_RED_ZONE) && new_size < ks)
			memset((u8 *)p + new_size, SLUB_RED_ACTIVE, ks - new_size);
	}
	return p;
}

/* The cache (NULL: large kmalloc), object size and requested size of a
 * kmalloc'd p.  Returns false, with a warning, if p is none. */
static bool krealloc_old(const void *p, struct kmem_cache **s, size_t *ks, size_t *orig_size)
{
	*s = virt_to_cache(p);
	if (*s) {
		*ks = (*s)->object_size;
		*orig_size = get_orig_size(*s, (void *)p);
		return true;
	}
	*ks = ksize(p);
	if (!*ks)
		slab_warn("mm/slub.c krealloc", "krealloc: 0x%016lx is not a kmalloc allocation\n",
			  slab_kva(p));
	return *ks != 0;
}

/* Linux __do_krealloc + krealloc_node_align: grow in place while the object
 * is big enough, else allocate, copy and free the old object. */
void *krealloc_caller(const void *p, size_t new_size, gfp_t gfp, const char *caller)
{
	struct kmem_cache *s = NULL;
	size_t ks = 0, orig_size = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kfree_caller(p, caller);
		return ZERO_SIZE_PTR;
	}
	if (!ZERO_OR_NULL_PTR(p)) {
		if (!krealloc_old(p, &s, &ks, &orig_size))
			return NULL;
		if (new_size <= ks)
			return krealloc_in_place(s, (void *)p, new_size, ks, orig_size, gfp);
	}
	ret = kmalloc_caller(new_size, gfp, caller);
	if (ret && !ZERO_OR_NULL_PTR(p)) {
		memcpy(ret, p, orig_size ? orig_size : ks);
		kfree_caller(p, caller);
	}
	return ret;
}

/* ---- kmalloc caches at boot (create_kmalloc_caches) ---- */

static const char *const kmalloc_type_prefix[NR_KMALLOC_TYPES] = {
	[KMALLOC_NORMAL] = "kmalloc-",
	[KMALLOC_RECLAIM] = "kmalloc-rcl-",
	[KMALLOC_DMA] = "dma-kmalloc-",
};
static const slab_flags_t kmalloc_type_flags[NR_KMALLOC_TYPES] = {
	[KMALLOC_NORMAL] = 0,
	[KMALLOC_RECLAIM] = SLAB_RECLAIM_ACCOUNT,
	[KMALLOC_DMA] = SLAB_CACHE_DMA,
};

static unsigned int kmalloc_size_of(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
}

static int new_kmalloc_cache(unsigned int idx, enum kmalloc_cache_type type)
{
	unsigned int size = kmalloc_size_of(idx);
	char name[32];
	int err;

	if (size >= 1024)
		snprintf(name, sizeof(name), "%s%uk", kmalloc_type_prefix[type], size >> 10);
	else
		snprintf(name, sizeof(name), "%s%u", kmalloc_type_prefix[type], size);
	/* kmalloc guarantees the largest power-of-two divisor of the size */
	kmalloc_caches[type][idx] = kmem_cache_create_err(
		name, size, size & -size, SLAB_KMALLOC | SLAB_NO_MERGE | kmalloc_type_flags[type],
		NULL, &err);
	return err;
}

static int create_kmalloc_caches(void)
{
	unsigned int type, i;
	int err = 0;

	for (type = 0; type < NR_KMALLOC_TYPES && !err; type++) {
		err = new_kmalloc_cache(1, type);
		if (!err)
			err = new_kmalloc_cache(2, type);
		for (i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH && !err; i++)
			err = new_kmalloc_cache(i, type);
	}
	return err;
}

static int slab_init(void)
{
	int err;

	INIT_LIST_HEAD(&slab_caches);
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	atomic_store(&slab_clock, 0);
	slab_debug_reset();
	slab_fp_delta = (uintptr_t)kva_of(mmk->ram) - (uintptr_t)mmk->ram;
	err = kmem_cache_init();
	if (!err)
		err = create_kmalloc_caches();
	return err;
}

/* The machine's RAM goes away with it; only host-side state is reset. */
static void slab_exit(void)
{
	struct kmem_cache *s;

	for (s = slab_cache_first(); s; s = slab_cache_next(s)) {
		if (get_node(s)->barn)
			spin_lock_destroy(&get_node(s)->barn->lock);
		spin_lock_destroy(&get_node(s)->list_lock);
	}
	INIT_LIST_HEAD(&slab_caches);
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	kmem_cache = NULL;
	kmem_cache_node = NULL;
	slab_debug_flags = slab_debug_boot;
}
mmk_initcall(INIT_SLAB, slab_init, slab_exit);

/* ---- /proc/slabinfo numbers ---- */

/* Free objects on the partial list (list_lock, then each slab's lock). */
static unsigned long count_partial_free(struct kmem_cache_node *n)
{
	unsigned long nr_free = 0;
	struct page *slab;

	spin_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		slab_lock(slab);
		nr_free += slab->objects - slab->inuse;
		slab_unlock(slab);
	}
	spin_unlock(&n->list_lock);
	return nr_free;
}

void get_slabinfo(struct kmem_cache *s, struct slabinfo *info)
{
	struct kmem_cache_node *n = get_node(s);
	unsigned long nr_slabs = (unsigned long)atomic_load(&n->nr_slabs);
	unsigned long nr_objs = (unsigned long)atomic_load(&n->total_objects);

	info->active_objs = nr_objs - count_partial_free(n);
	info->num_objs = nr_objs;
	info->active_slabs = nr_slabs;
	info->num_slabs = nr_slabs;
	info->objects_per_slab = s->oo_objects;
	info->cache_order = s->oo_order;
}
