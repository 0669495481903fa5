/*
 * shrinker.c - the shrinker API (Linux 6.18 mm/shrinker.c, without memcg
 * awareness): caches outside the LRU (slab objects, pools) register a
 * count and a scan callback; each shrink_node calls shrink_slab, which asks
 * each one to free a share of its objects proportional to the LRU scan
 * (freeable >> priority, times 4 / seeks), in batches of 128, carrying the
 * part not done over to the next call (nr_deferred), as do_shrink_slab.
 * slabs_scanned counts the objects scanned.  The user: the workingset's
 * shadow-node shrinker (mm/workingset.c, "mm-shadow").
 *
 * Locks: shrinker_lock guards the list (a leaf); no lock is held while a
 * shrinker runs (Linux walks under RCU): shrinkers register at init and go
 * at exit, so the set is stable while the machine runs.
 */
#include <stdlib.h>
#include <string.h>
#include "mmkit/list.h"
#include "mmkit/spinlock.h"
#include "mmkit/vmscan.h"

#define SHRINK_BATCH 128

static DEFINE_SPINLOCK(shrinker_lock);
static LIST_HEAD(shrinker_list);

struct shrinker *shrinker_alloc(const char *name)
{
	struct shrinker *s = calloc(1, sizeof(*s));

	if (s) {
		s->name = name;
		s->seeks = DEFAULT_SEEKS;
		INIT_LIST_HEAD(&s->list);
	}
	return s;
}

void shrinker_register(struct shrinker *s)
{
	spin_lock(&shrinker_lock);
	list_add_tail(&s->list, &shrinker_list);
	spin_unlock(&shrinker_lock);
}

void shrinker_free(struct shrinker *s)
{
	if (!s)
		return;
	spin_lock(&shrinker_lock);
	if (!list_empty(&s->list))
		list_del_init(&s->list);
	spin_unlock(&shrinker_lock);
	free(s);
}

/* Linux do_shrink_slab. */
static unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *s, int priority)
{
	unsigned long freed = 0, scanned = 0, freeable, delta, total_scan, nr;
	long batch = s->batch ? s->batch : SHRINK_BATCH, next;

	freeable = s->count_objects(s, sc);
	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return 0;
	nr = (unsigned long)atomic_exchange(&s->nr_deferred, 0);
	if (s->seeks) {
		delta = (freeable >> priority) * 4;
		delta /= (unsigned long)s->seeks;
	} else {
		delta = freeable / 2;
	}
	total_scan = (nr >> priority) + delta;
	total_scan = min(total_scan, 2 * freeable);
	while (total_scan >= (unsigned long)batch || total_scan >= freeable) {
		unsigned long ret, n = min((unsigned long)batch, total_scan);

		sc->nr_to_scan = n;
		sc->nr_scanned = n;
		ret = s->scan_objects(s, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		count_vm_events(SLABS_SCANNED, sc->nr_scanned);
		total_scan -= min(total_scan, sc->nr_scanned);
		scanned += sc->nr_scanned;
		if (!total_scan)
			break;
	}
	next = (long)(nr + delta) - (long)scanned;
	if (next < 0)
		next = 0;
	if ((unsigned long)next > 2 * freeable)
		next = (long)(2 * freeable);
	atomic_fetch_add(&s->nr_deferred, next);
	return freed;
}

unsigned long shrink_slab(gfp_t gfp, int nid, int priority)
{
	struct shrink_control sc = { .gfp_mask = gfp, .nid = nid };
	struct shrinker *s, *set[16];
	unsigned long freed = 0;
	int n = 0;

	/* shrinkers register at init and leave at exit: the set is stable
	 * while the machine runs, so no lock is held across the callbacks */
	spin_lock(&shrinker_lock);
	list_for_each_entry(s, &shrinker_list, list)
		if (n < (int)ARRAY_SIZE(set))
			set[n++] = s;
	spin_unlock(&shrinker_lock);
	for (int i = 0; i < n; i++)
		freed += do_shrink_slab(&sc, set[i], priority);
	return freed;
}
