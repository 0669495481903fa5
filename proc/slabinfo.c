/*
 * slabinfo.c - /proc/slabinfo, version 2.1 (Linux mm/slab_common.c
 * slab_show() with SLUB's get_slabinfo()).  One row per cache, newest cache
 * first; the tunables and shared columns are 0 under SLUB.  active_objs
 * counts every object that is not free on a node partial list, so the
 * objects of CPU slabs count as active, exactly as Linux reports them.
 */
#include "mmkit/proc.h"
#include "mmkit/slab.h"

static void slabinfo_row(FILE *out, struct kmem_cache *s)
{
	struct slabinfo si;

	get_slabinfo(s, &si);
	fprintf(out, "%-17s %6lu %6lu %6u %4u %4d", s->name, si.active_objs, si.num_objs, s->size,
		si.objects_per_slab, 1 << si.cache_order);
	fprintf(out, " : tunables %4u %4u %4u", 0U, 0U, 0U);
	fprintf(out, " : slabdata %6lu %6lu %6lu\n", si.active_slabs, si.num_slabs, 0UL);
}

/* Takes slab_mutex, then each cache's list_lock.  Returns 0. */
static int slabinfo_show(FILE *out, struct task_struct *t)
{
	struct kmem_cache *s;

	(void)t;
	fprintf(out, "slabinfo - version: 2.1\n");
	fprintf(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		     "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		     "slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	slab_mutex_lock();
	for (s = slab_cache_first(); s; s = slab_cache_next(s))
		slabinfo_row(out, s);
	slab_mutex_unlock();
	return 0;
}
PROC_VIEW(proc_slabinfo, "/proc/slabinfo", false, slabinfo_show);
