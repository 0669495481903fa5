/*
 * slab_verify.c - the slab allocator's whole-structure check behind
 * `verify` (tier 3; the invariants are written at the top of
 * include/mmkit/slab.h).  For every cache: each slab on the partial (and,
 * for debug caches, full) list is a slab head of that cache, not frozen,
 * with a freelist that stays inside the slab on object boundaries, has no
 * cycle and satisfies inuse + free == objects; nr_partial matches the list
 * and SL_partial marks exactly its slabs; each CPU slab is frozen and its
 * CPU freelist lies inside it; each CPU partial list holds unfrozen slabs
 * with free objects, no more than cpu_partial_slabs, with the right
 * ->slabs counts; the sheaves and the barn hold allocated objects of the
 * cache (mm/slab_sheaf.c).  Then one pass over mem_map: every slab page
 * belongs to a live cache, tails point at their head, every slab head is in
 * exactly one place (a list, a CPU) or is full and unlisted, and the
 * per-cache slab and object counts and the meminfo byte counters match
 * what is in memory.
 *
 * Runs with the machine quiescent; takes slab_mutex, each list_lock and the
 * slab locks of the slabs it reads.
 */
#include <stdlib.h>
#include <string.h>
#include "mm/slab.h"
#include "mmkit/debug.h"

#define MAX_CACHES 1024

struct cache_count {
	struct kmem_cache *s;
	long slabs, objects;
};

/* where[pfn] of a slab head: how many places hold it (low bits), and
 * ON_NODE_PARTIAL when one of them is its node's partial list. */
#define ON_NODE_PARTIAL 0x80
struct slab_census {
	struct cache_count c[MAX_CACHES];
	int nr;
	long rec_bytes, unrec_bytes;
	u8 *where;
};
static struct slab_census census;

static void census_place(struct page *slab, bool node_partial)
{
	u8 *w = census.where ? &census.where[page_to_pfn(slab)] : NULL;

	if (!w)
		return;
	if ((*w & 0x7f) < 0x7f)
		(*w)++;
	if (node_partial)
		*w |= ON_NODE_PARTIAL;
}

/* Count the free objects on a freelist, checking each pointer. */
static long walk_freelist(struct verify_ctx *v, struct kmem_cache *s, struct page *slab, void *p,
			  const char *which)
{
	long nr = 0;

	for (; p; p = get_freepointer(s, p)) {
		if (!check_valid_pointer(s, slab, p)) {
			verify_fail(v, "%s: %s freelist of slab pfn %#lx holds %#lx, not an object",
				    s->name, which, page_to_pfn(slab), slab_kva(p));
			return -1;
		}
		if (++nr > slab->objects) {
			verify_fail(v, "%s: %s freelist of slab pfn %#lx has a cycle", s->name,
				    which, page_to_pfn(slab));
			return -1;
		}
	}
	return nr;
}

static bool is_slab_of(struct verify_ctx *v, struct kmem_cache *s, struct page *slab,
		       const char *list)
{
	if (!PageSlab(slab) || slab->slab_cache != s || !PageHead(slab)) {
		verify_fail(v, "%s: %s list holds pfn %#lx, not a slab head of this cache", s->name,
			    list, page_to_pfn(slab));
		return false;
	}
	return true;
}

/* One listed (not frozen) slab: counts and freelist.  list_lock held. */
static void check_listed_slab(struct verify_ctx *v, struct kmem_cache *s, struct page *slab,
			      bool full)
{
	const char *list = full ? "full" : "partial";
	long nfree;

	lockdep_assert_held(&get_node(s)->list_lock);
	if (!is_slab_of(v, s, slab, list))
		return;
	census_place(slab, !full);
	if (slab_test_node_partial(slab) != !full)
		verify_fail(v, "%s: slab pfn %#lx on the %s list with SL_partial %s", s->name,
			    page_to_pfn(slab), list, full ? "set" : "clear");
	slab_lock(slab);
	if (slab->frozen)
		verify_fail(v, "%s: frozen slab pfn %#lx on the %s list", s->name,
			    page_to_pfn(slab), list);
	nfree = walk_freelist(v, s, slab, slab->freelist, "slab");
	if (nfree >= 0 && slab->inuse + nfree != slab->objects)
		verify_fail(v, "%s: slab pfn %#lx: inuse %u + free %ld != objects %u", s->name,
			    page_to_pfn(slab), slab->inuse, nfree, slab->objects);
	if (nfree >= 0 && (full ? nfree != 0 : nfree == 0))
		verify_fail(v, "%s: slab pfn %#lx with %ld free objects on the %s list", s->name,
			    page_to_pfn(slab), nfree, list);
	slab_unlock(slab);
}

static void check_node_lists(struct verify_ctx *v, struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab;
	unsigned long count = 0;

	spin_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list) {
		check_listed_slab(v, s, slab, false);
		count++;
	}
	if (count != n->nr_partial)
		verify_fail(v, "%s: %lu partial slabs counted but nr_partial=%lu", s->name, count,
			    n->nr_partial);
	if (!kmem_cache_debug(s) && !list_empty(&n->full))
		verify_fail(v, "%s: full list used by a cache without debugging", s->name);
	list_for_each_entry(slab, &n->full, slab_list)
		check_listed_slab(v, s, slab, true);
	spin_unlock(&n->list_lock);
}

/* A CPU slab: frozen, ours, and its CPU freelist inside it. */
static void check_cpu_slab(struct verify_ctx *v, struct kmem_cache *s, int cpu)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[cpu];
	struct page *slab = c->slab;
	long ncpu, nslab;

	if (!slab) {
		if (c->freelist || c->slab_bytes)
			verify_fail(v, "%s: cpu %d has a freelist but no slab", s->name, cpu);
		return;
	}
	if (!is_slab_of(v, s, slab, "cpu"))
		return;
	census_place(slab, false);
	if (kmem_cache_debug(s))
		verify_fail(v, "%s: debug cache with a cpu slab on cpu %d", s->name, cpu);
	if (c->slab_base != (uintptr_t)slab_address(slab))
		verify_fail(v, "%s: cpu %d slab_base does not match its slab", s->name, cpu);
	ncpu = walk_freelist(v, s, slab, c->freelist, "cpu");
	slab_lock(slab);
	if (!slab->frozen)
		verify_fail(v, "%s: cpu %d slab pfn %#lx is not frozen", s->name, cpu,
			    page_to_pfn(slab));
	nslab = walk_freelist(v, s, slab, slab->freelist, "slab");
	if (ncpu >= 0 && nslab >= 0 && slab->inuse + nslab != slab->objects)
		verify_fail(v, "%s: cpu %d slab: inuse %u + remote frees %ld != objects %u",
			    s->name, cpu, slab->inuse, nslab, slab->objects);
	if (ncpu > (long)slab->inuse)
		verify_fail(v, "%s: cpu %d freelist longer than the objects in use", s->name, cpu);
	slab_unlock(slab);
}

/* One slab of a CPU partial list: not frozen, not on the node list, with
 * free objects and exact counts.  Returns false when the walk must stop. */
static bool check_cpu_partial_slab(struct verify_ctx *v, struct kmem_cache *s, int cpu,
				   struct page *slab, int left)
{
	long nfree;

	if (!is_slab_of(v, s, slab, "cpu partial"))
		return false;
	census_place(slab, false);
	if (slab_test_node_partial(slab))
		verify_fail(v, "%s: cpu %d partial slab pfn %#lx is marked SL_partial", s->name,
			    cpu, page_to_pfn(slab));
	if (slab->slabs != left)
		verify_fail(
			v,
			"%s: cpu %d partial slab pfn %#lx says %d slabs from it, the list has %d",
			s->name, cpu, page_to_pfn(slab), slab->slabs, left);
	slab_lock(slab);
	if (slab->frozen)
		verify_fail(v, "%s: cpu %d partial slab pfn %#lx is frozen", s->name, cpu,
			    page_to_pfn(slab));
	nfree = walk_freelist(v, s, slab, slab->freelist, "slab");
	if (nfree == 0)
		verify_fail(v, "%s: cpu %d partial slab pfn %#lx has no free object", s->name, cpu,
			    page_to_pfn(slab));
	if (nfree >= 0 && slab->inuse + nfree != slab->objects)
		verify_fail(v,
			    "%s: cpu %d partial slab pfn %#lx: inuse %u + free %ld != objects %u",
			    s->name, cpu, page_to_pfn(slab), slab->inuse, nfree, slab->objects);
	slab_unlock(slab);
	return true;
}

/* A CPU's partial list: at most cpu_partial_slabs slabs (none for debug
 * caches), each counting the slabs from it to the end in ->slabs. */
static void check_cpu_partial(struct verify_ctx *v, struct kmem_cache *s, int cpu)
{
	struct page *slab;
	int len = 0, left;

	for (slab = s->cpu_slab[cpu].partial; slab && len <= (int)s->cpu_partial_slabs;
	     slab = slab->next)
		len++;
	if (len > (int)s->cpu_partial_slabs) {
		verify_fail(v, "%s: cpu %d partial list longer than cpu_partial_slabs %u", s->name,
			    cpu, s->cpu_partial_slabs);
		return;
	}
	left = len;
	for (slab = s->cpu_slab[cpu].partial; slab; slab = slab->next, left--)
		if (!check_cpu_partial_slab(v, s, cpu, slab, left))
			return;
}

static struct cache_count *census_find(struct slab_census *cs, struct kmem_cache *s)
{
	int i;

	for (i = 0; i < cs->nr; i++)
		if (cs->c[i].s == s)
			return &cs->c[i];
	return NULL;
}

/* Where a slab head found in mem_map is: in exactly one place, or on none
 * when it is full (a debug cache's: disabled, i.e. frozen). */
static void census_where(struct verify_ctx *v, struct kmem_cache *s, struct page *slab, u8 w)
{
	bool full, frozen;

	if ((w & 0x7f) > 1)
		verify_fail(v, "%s: slab pfn %#lx is in %d places", s->name, page_to_pfn(slab),
			    w & 0x7f);
	if (!(w & ON_NODE_PARTIAL) && slab_test_node_partial(slab))
		verify_fail(v, "%s: slab pfn %#lx marked SL_partial is not on the partial list",
			    s->name, page_to_pfn(slab));
	if (w & 0x7f)
		return;
	slab_lock(slab);
	full = !slab->freelist && slab->inuse == slab->objects;
	frozen = slab->frozen;
	slab_unlock(slab);
	if (kmem_cache_debug(s) ? !frozen : (frozen || !full))
		verify_fail(v, "%s: slab pfn %#lx is on no list and no CPU (%s)", s->name,
			    page_to_pfn(slab),
			    frozen ? "frozen" :
			    full   ? "full" :
				     "with free objects");
}

/* One slab found in mem_map: tails, placement, counts.  Returns its pages. */
static unsigned long census_slab(struct verify_ctx *v, struct slab_census *cs, struct page *slab)
{
	struct cache_count *cc = census_find(cs, slab->slab_cache);
	unsigned long i, nr;

	if (!cc) {
		verify_fail(v, "slab pfn %#lx belongs to no live cache", page_to_pfn(slab));
		return 1;
	}
	nr = 1UL << slab_order(cc->s, slab);
	for (i = 1; i < nr && page_to_pfn(slab) + i < mmk->max_pfn; i++)
		if (!PageSlab(slab + i) || PageHead(slab + i) || slab[i].freelist != (void *)slab ||
		    slab[i].slab_cache != cc->s)
			verify_fail(v, "%s: tail pfn %#lx of slab pfn %#lx is not marked as such",
				    cc->s->name, page_to_pfn(slab) + i, page_to_pfn(slab));
	if (cs->where)
		census_where(v, cc->s, slab, cs->where[page_to_pfn(slab)]);
	if (page_ref_count(slab) <= 0)
		verify_fail(v, "%s: slab pfn %#lx has refcount %d", cc->s->name, page_to_pfn(slab),
			    page_ref_count(slab));
	cc->slabs++;
	cc->objects += slab->objects;
	if (cc->s->flags & SLAB_RECLAIM_ACCOUNT)
		cs->rec_bytes += (long)(nr << PAGE_SHIFT);
	else
		cs->unrec_bytes += (long)(nr << PAGE_SHIFT);
	return nr;
}

static void scan_mem_map(struct verify_ctx *v, struct slab_census *cs)
{
	unsigned long pfn = 0;

	while (pfn < mmk->max_pfn) {
		struct page *p = pfn_to_page(pfn);

		if (PageSlab(p) && PageHead(p)) {
			pfn += census_slab(v, cs, p);
			continue;
		}
		if (PageSlab(p))
			verify_fail(v, "slab tail pfn %#lx without its head", pfn);
		if (PageLargeKmalloc(p)) {
			cs->unrec_bytes += (long)(PAGE_SIZE << p->private);
			pfn += 1UL << p->private;
			continue;
		}
		pfn++;
	}
}

static void check_counts(struct verify_ctx *v, struct slab_census *cs)
{
	int i;

	for (i = 0; i < cs->nr; i++) {
		struct cache_count *cc = &cs->c[i];
		struct kmem_cache_node *n = get_node(cc->s);

		if (cc->slabs != atomic_load(&n->nr_slabs) ||
		    cc->objects != atomic_load(&n->total_objects))
			verify_fail(v,
				    "%s: %ld slabs / %ld objects in memory, counters say %ld / %ld",
				    cc->s->name, cc->slabs, cc->objects,
				    (long)atomic_load(&n->nr_slabs),
				    (long)atomic_load(&n->total_objects));
	}
	if (cs->rec_bytes != (long)slab_reclaimable_bytes() ||
	    cs->unrec_bytes != (long)slab_unreclaimable_bytes())
		verify_fail(
			v,
			"slab bytes in memory %ld/%ld (reclaimable/unreclaimable), counters %lu/%lu",
			cs->rec_bytes, cs->unrec_bytes, slab_reclaimable_bytes(),
			slab_unreclaimable_bytes());
}

static void slab_verify(struct verify_ctx *v)
{
	struct slab_census *cs = &census;
	struct kmem_cache *s;
	int cpu;

	if (!mmk || !kmem_cache)
		return;
	memset(cs, 0, sizeof(*cs));
	cs->where = verify_scratch_zalloc(mmk->max_pfn); /* NULL: placements unchecked */
	slab_mutex_lock();
	for (s = slab_cache_first(); s && cs->nr < MAX_CACHES; s = slab_cache_next(s)) {
		cs->c[cs->nr++].s = s;
		check_node_lists(v, s);
		for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
			check_cpu_slab(v, s, cpu);
			check_cpu_partial(v, s, cpu);
		}
		sheaves_verify(v, s);
	}
	scan_mem_map(v, cs);
	check_counts(v, cs);
	slab_mutex_unlock();
	verify_scratch_free(cs->where);
	cs->where = NULL;
}
VERIFY_CHECK(slab_verify_check, "slab", 30, slab_verify);
