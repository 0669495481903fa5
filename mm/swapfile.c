/*
 * swapfile.c - swap areas (Linux 6.18 mm/swapfile.c): the header that
 * util-linux mkswap writes and swapon checks, swapon/swapoff with their
 * priorities, the slot allocator (clusters of SWAPFILE_CLUSTER slots), the
 * swap_map reference counts with continuation pages, and /proc/swaps.
 * swapoff's try_to_unuse is mm/swap_unuse.c, the checks mm/swap_verify.c.
 *
 * Allocation.  Every area's slots are grouped in clusters, each on one of
 * the area's lists: free (no slot used), nonfull, frag (partly used, tried
 * after the nonfull ones), full.  Cluster 0 starts nonfull: its slot 0 is
 * the header.  A rotational area (the reference host's disk) allocates in
 * one sequence for every CPU (si->global_next, Linux's global_cluster); a
 * solid-state one keeps, per CPU, the area and the next slot it used
 * (percpu_swap_cluster), so CPUs fill different clusters.  Without a cached
 * slot, folio_alloc_swap walks the available areas by priority and moves
 * the one it tries behind the others of its priority (plist_requeue), so
 * equal priorities take turns slot by slot on a rotational area, as on the
 * host.  In a cluster the first free slot at or after the hint is taken.
 *
 * Counts.  swap_map[offset] holds the references of a slot (swap PTEs and
 * shmem entries) and SWAP_HAS_CACHE; past SWAP_MAP_MAX the count goes on in
 * continuation pages (one chain per page of swap_map, Linux keeps it on the
 * vmalloc page's lru; mmkit in si->cont_heads).  A slot is free when its
 * byte is 0; freeing the last reference of a slot only the cache holds
 * frees the cached page if it can be had without waiting.
 *
 * The swap cache is 6.18's swap table: each cluster in use has a table of
 * SWAPFILE_CLUSTER page pointers (one page of memory), guarded by the
 * cluster lock together with the swap_map bytes.  Tables come from a small
 * pool filled before any lock is taken, so allocation never waits under a
 * lock; a cluster that becomes free gives its table back.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "mmkit/blkdev.h"
#include "mmkit/fault_inject.h"
#include "mmkit/host.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"
#include "mmkit/wait.h"
#include "mmkit/vmalloc.h"
#include "mm/swap_internal.h"

static DEFINE_FAULT_SITE(swap_info_fail, "swap_info_alloc");
static DEFINE_FAULT_SITE(swap_map_fail, "swap_map_alloc");
static DEFINE_FAULT_SITE(swap_table_fail, "swap_table_alloc");
static DEFINE_FAULT_SITE(swap_cont_fail, "swap_cont_alloc");

DEFINE_SPINLOCK(swap_lock);
static DEFINE_SPINLOCK(swap_avail_lock);
DEFINE_MUTEX(swapon_mutex);
struct swap_info_struct *swap_info[MAX_SWAPFILES];
static unsigned int nr_swapfiles;
long total_swap_pages;
_Atomic long nr_swap_pages;
static int least_priority = -1;
LIST_HEAD(swap_active_head);	   /* by priority, highest first */
static LIST_HEAD(swap_avail_head); /* the areas with free slots, likewise */
static _Atomic int nr_rotate_swap;
unsigned int swapfile_cluster = 512;
int page_cluster = 3;
bool enable_vma_readahead = true;

/* Linux percpu_swap_cluster: the area and next slot this CPU allocated
 * from (solid-state areas only). */
struct percpu_swap_cluster {
	struct swap_info_struct *si;
	unsigned long offset;
} __attribute__((aligned(64)));
static struct percpu_swap_cluster percpu_swap_cluster[MMK_MAX_CPUS];

/* Linux swap_use_vma_readahead: VMA readahead only when no rotational
 * area is active (a disk wants the slots' order, not the addresses'). */
bool swap_use_vma_readahead(void)
{
	return READ_ONCE(enable_vma_readahead) && !atomic_load(&nr_rotate_swap);
}

/* ============================================================ header == */

static void put_u32(void *p, u32 v) { memcpy(p, &v, 4); }

int swap_header_build(void *page, unsigned long pages, const char *label,
		      const unsigned char uuid[16])
{
	union swap_header *h = page;

	if (pages < SWAP_MIN_PAGES || pages - 1 > 0xffffffffUL)
		return -EINVAL;
	if (label && strlen(label) > sizeof(h->info.sws_volume))
		return -EINVAL;
	memset((char *)page + 1024, 0, PAGE_SIZE - 1024);
	put_u32(&h->info.version, 1);
	put_u32(&h->info.last_page, (u32)(pages - 1));
	if (uuid)
		memcpy(h->info.sws_uuid, uuid, 16);
	if (label)
		memcpy(h->info.sws_volume, label, strlen(label));
	memcpy(h->magic.magic, SWAP_HEADER_MAGIC, 10);
	return 0;
}

static u32 swab32(u32 x) { return __builtin_bswap32(x); }

/* A byte-swapped header (made on the other endianness) is accepted and
 * swapped in place.  False if its bad-page count is out of range. */
static bool swap_header_swab(union swap_header *h)
{
	u32 i;

	if (swab32(h->info.version) != 1)
		return true;
	h->info.version = swab32(h->info.version);
	h->info.last_page = swab32(h->info.last_page);
	h->info.nr_badpages = swab32(h->info.nr_badpages);
	if (h->info.nr_badpages > MAX_SWAP_BADPAGES)
		return false;
	for (i = 0; i < h->info.nr_badpages; i++)
		h->info.badpages[i] = swab32(h->info.badpages[i]);
	return true;
}

/* Linux setup_swap_map's checks of the bad-page list: usable slots. */
static unsigned long swap_header_bad_pages(const union swap_header *h, unsigned long maxpages,
					   const char **why)
{
	unsigned long usable = maxpages - 1;
	u32 i;

	for (i = 0; i < h->info.nr_badpages; i++) {
		u32 nr = h->info.badpages[i];

		if (nr == 0 || nr > h->info.last_page) {
			*why = "bad page out of range";
			return 0;
		}
		if (nr < maxpages)
			usable--;
	}
	if (!usable)
		*why = "Empty swap-file";
	return usable;
}

unsigned long swap_header_parse(union swap_header *h, unsigned long isize_pages, bool regular,
				unsigned long *usable, const char **why)
{
	unsigned long maxpages = max_swapfile_size(), last_page;

	*why = NULL;
	if (memcmp(SWAP_HEADER_MAGIC, h->magic.magic, 10)) {
		*why = "Unable to find swap-space signature";
		return 0;
	}
	if (!swap_header_swab(h) || h->info.version != 1) {
		*why = "Unable to handle swap header version";
		return 0;
	}
	last_page = h->info.last_page;
	if (!last_page) {
		*why = "Empty swap-file";
		return 0;
	}
	if (maxpages > last_page)
		maxpages = last_page + 1;
	if (isize_pages && maxpages > isize_pages) {
		*why = "Swap area shorter than signature indicates";
		return 0;
	}
	if ((h->info.nr_badpages && regular) || h->info.nr_badpages > MAX_SWAP_BADPAGES) {
		*why = "bad pages in a swap file";
		return 0;
	}
	*usable = swap_header_bad_pages(h, maxpages, why);
	return *usable ? maxpages : 0;
}

/* =========================================================== devices == */

/*
 * si->users as Linux's percpu_ref: a CPU counts its gets and puts in its
 * own slot, swap_users_pcpu[cpu].users[type], with a plain load and store
 * (only that CPU's thread writes it, and mmkit CPUs take no interrupt
 * inside the update), so the hot path has no locked instruction; a thread
 * that is no CPU (the CLI, a test's main thread) counts in the atomic
 * si->users.  A task that moves between its get and its put leaves +1 on
 * one CPU and -1 on another: only the sum counts.  swapoff clears
 * SWP_VALID and then makes every other CPU pass an interrupt point
 * (swap_users_sync: an IPI, for the RCU grace period of percpu_ref_kill),
 * so that a get that saw SWP_VALID has its count visible and a later one
 * sees the flag clear; then it waits for the sum to reach 0.
 */
static struct {
	_Atomic long users[MAX_SWAPFILES];
} __attribute__((aligned(64))) swap_users_pcpu[MMK_MAX_CPUS];

static bool get_swap_device_info(struct swap_info_struct *si)
{
	struct cpu *c = this_cpu();

	if (likely(c)) {
		_Atomic long *p = &swap_users_pcpu[c->id].users[si->type];

		atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		/* the count before the flag, in program order: the store-load
		 * fence is swapoff's (swap_users_sync) */
		atomic_signal_fence(memory_order_seq_cst);
		if (likely(READ_ONCE(si->flags) & SWP_VALID))
			return true;
		atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) - 1,
				      memory_order_release);
		return false;
	}
	atomic_fetch_add(&si->users, 1);
	if (likely(READ_ONCE(si->flags) & SWP_VALID))
		return true;
	atomic_fetch_sub(&si->users, 1);
	return false;
}

struct swap_info_struct *get_swap_device(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);

	if (!entry.val || !si || !get_swap_device_info(si))
		return NULL;
	if (swp_offset(entry) >= si->max) {
		put_swap_device(si);
		return NULL;
	}
	return si;
}

void put_swap_device(struct swap_info_struct *si)
{
	struct cpu *c = this_cpu();

	if (likely(c)) {
		_Atomic long *p = &swap_users_pcpu[c->id].users[si->type];

		atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) - 1,
				      memory_order_release);
		return;
	}
	atomic_fetch_sub_explicit(&si->users, 1, memory_order_release);
}

/* The references get_swap_device holds on si: every CPU's count and the
 * shared one. */
static long swap_users_sum(const struct swap_info_struct *si)
{
	long sum =
		atomic_load_explicit(&((struct swap_info_struct *)si)->users, memory_order_acquire);

	for (int cpu = 0; cpu < MMK_MAX_CPUS; cpu++)
		sum += atomic_load_explicit(&swap_users_pcpu[cpu].users[si->type],
					    memory_order_acquire);
	return sum;
}

static void swap_users_ipi(void *info) { (void)info; }

/* Every other CPU passes an interrupt point (after SWP_VALID is clear);
 * a caller that is no CPU has the host fence every thread instead, and
 * only where the host cannot, runs a call on each CPU. */
static void swap_users_sync(void)
{
	u64 all = mmk->nr_cpus >= 64 ? ~0ULL : BIT(mmk->nr_cpus) - 1;
	struct cpu *self = this_cpu();

	if (self) {
		if (all & ~BIT(self->id))
			smp_call_function_many(all & ~BIT(self->id), swap_users_ipi, NULL, true);
		return;
	}
	if (machine_membarrier())
		return;
	for (int n = 0; n < mmk->nr_cpus; n++)
		cpu_call(n, swap_users_ipi, NULL);
}

/* ========================================================== clusters == */

struct swap_cluster_info *swap_cluster(struct swap_info_struct *si, unsigned long offset)
{
	return &si->cluster_info[offset / SWAPFILE_CLUSTER];
}

unsigned long cluster_offset(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	return (unsigned long)(ci - si->cluster_info) * SWAPFILE_CLUSTER;
}

struct swap_cluster_info *lock_cluster(struct swap_info_struct *si, unsigned long offset)
{
	struct swap_cluster_info *ci = swap_cluster(si, offset);

	spin_lock(&ci->lock);
	return ci;
}

/* --- the pool of swap tables (pages), filled with no lock held --- */
static DEFINE_SPINLOCK(table_pool_lock);
static struct page *table_pool[4];
static int table_pool_nr;

/* Make sure a table is ready for the next cluster taken from a free list.
 * Sleeps; no lock held. */
static void swap_table_refill(void)
{
	struct page *page;

	if (READ_ONCE(table_pool_nr) >= 2)
		return;
	page = should_fail(&swap_table_fail) ? NULL : alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return;
	spin_lock(&table_pool_lock);
	if (table_pool_nr < (int)ARRAY_SIZE(table_pool)) {
		table_pool[table_pool_nr] = page;
		WRITE_ONCE(table_pool_nr, table_pool_nr + 1); /* read locklessly by the refill */
		page = NULL;
	}
	spin_unlock(&table_pool_lock);
	if (page)
		__free_page(page);
}

/* A cluster leaving the free list gets a table, if one is ready.  Caller
 * holds ci->lock.  False if none is. */
static bool swap_cluster_get_table(struct swap_cluster_info *ci)
{
	struct page *page = NULL;

	if (ci->table)
		return true;
	spin_lock(&table_pool_lock);
	if (table_pool_nr)
		page = table_pool[table_pool_nr - 1];
	if (table_pool_nr)
		WRITE_ONCE(table_pool_nr, table_pool_nr - 1);
	spin_unlock(&table_pool_lock);
	if (page)
		ci->table = page_address(page);
	return page != NULL;
}

/* An empty cluster gives its table (all NULL) back.  ci->lock held. */
static void swap_cluster_put_table(struct swap_cluster_info *ci)
{
	struct page *page;

	if (!ci->table)
		return;
	page = virt_to_page(ci->table);
	ci->table = NULL;
	spin_lock(&table_pool_lock);
	if (table_pool_nr < (int)ARRAY_SIZE(table_pool)) {
		table_pool[table_pool_nr] = page;
		WRITE_ONCE(table_pool_nr, table_pool_nr + 1); /* read locklessly by the refill */
		page = NULL;
	}
	spin_unlock(&table_pool_lock);
	if (page)
		__free_page(page);
}

/* Free the spare tables: taken out under table_pool_lock, freed after it
 * (the buddy's zone->lock is not under table_pool_lock, as in
 * swap_cluster_put_table). */
static void swap_table_pool_drain(void)
{
	struct page *pages[ARRAY_SIZE(table_pool)];
	int n, i;

	spin_lock(&table_pool_lock);
	n = table_pool_nr;
	for (i = 0; i < n; i++)
		pages[i] = table_pool[i];
	WRITE_ONCE(table_pool_nr, 0);
	spin_unlock(&table_pool_lock);
	while (n)
		__free_page(pages[--n]);
}

/* Move ci to list with state flag (Linux move_cluster).  Caller holds
 * ci->lock; takes si->lock. */
static void move_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci,
			 struct list_head *list, unsigned char flag)
{
	spin_lock(&si->lock);
	if (ci->flags != CLUSTER_FLAG_NONE)
		list_del(&ci->list);
	list_add_tail(&ci->list, list);
	ci->flags = flag;
	spin_unlock(&si->lock);
}

/* An empty cluster goes back to the free list, or to the discard list when
 * the area discards freed clusters (Linux free_cluster).  Its table too. */
static void free_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	swap_cluster_put_table(ci);
	if ((si->flags & (SWP_WRITEOK | SWP_PAGE_DISCARD)) == (SWP_WRITEOK | SWP_PAGE_DISCARD))
		move_cluster(si, ci, &si->discard_clusters, CLUSTER_FLAG_DISCARD);
	else if (ci->flags != CLUSTER_FLAG_FREE)
		move_cluster(si, ci, &si->free_clusters, CLUSTER_FLAG_FREE);
}

/* After an allocation in ci (Linux relocate_cluster): full, or a fragment
 * of the one the hint fills. */
static void relocate_cluster(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	if (!ci->count) {
		if (ci->flags != CLUSTER_FLAG_FREE)
			free_cluster(si, ci);
	} else if (ci->count != SWAPFILE_CLUSTER) {
		if (ci->flags != CLUSTER_FLAG_FRAG)
			move_cluster(si, ci, &si->frag_clusters, CLUSTER_FLAG_FRAG);
	} else if (ci->flags != CLUSTER_FLAG_FULL) {
		move_cluster(si, ci, &si->full_clusters, CLUSTER_FLAG_FULL);
	}
}

/* A slot of ci was freed (Linux partial_free_cluster / free_cluster). */
static void cluster_slot_freed(struct swap_info_struct *si, struct swap_cluster_info *ci)
{
	if (!ci->count)
		free_cluster(si, ci);
	else if (ci->flags != CLUSTER_FLAG_NONFULL && ci->flags != CLUSTER_FLAG_NONE)
		move_cluster(si, ci, &si->nonfull_clusters, CLUSTER_FLAG_NONFULL);
}

/* Take the first cluster of list off it, locked (Linux isolate_lock_cluster).
 * NULL if none could be locked. */
static struct swap_cluster_info *isolate_lock_cluster(struct swap_info_struct *si,
						      struct list_head *list)
{
	struct swap_cluster_info *ci, *found = NULL;

	spin_lock(&si->lock);
	list_for_each_entry(ci, list, list) {
		if (!spin_trylock(&ci->lock))
			continue;
		list_del(&ci->list);
		ci->flags = CLUSTER_FLAG_NONE;
		found = ci;
		break;
	}
	spin_unlock(&si->lock);
	return found;
}

/* --- the area's usage: inuse_pages, nr_swap_pages, the avail list --- */

static void add_to_avail_list(struct swap_info_struct *si)
{
	struct swap_info_struct *pos;

	spin_lock(&swap_avail_lock);
	if (list_empty(&si->avail_list)) {
		list_for_each_entry(pos, &swap_avail_head, avail_list)
			if (pos->prio < si->prio)
				break;
		list_add_tail(&si->avail_list, &pos->avail_list);
	}
	spin_unlock(&swap_avail_lock);
}

static void del_from_avail_list(struct swap_info_struct *si)
{
	spin_lock(&swap_avail_lock);
	list_del_init(&si->avail_list);
	spin_unlock(&swap_avail_lock);
}

/* n slots of si went into use (+) or were freed (-).  Caller holds a
 * cluster lock; takes si->lock: a full area leaves the avail list. */
static void swap_usage_add(struct swap_info_struct *si, long n)
{
	unsigned long inuse;

	spin_lock(&si->lock);
	inuse = atomic_fetch_add(&si->inuse_pages, (unsigned long)n) + (unsigned long)n;
	atomic_fetch_sub(&nr_swap_pages, n);
	if (n > 0 && inuse == si->pages)
		del_from_avail_list(si);
	else if (n < 0 && inuse + (unsigned long)-n == si->pages && (si->flags & SWP_WRITEOK))
		add_to_avail_list(si);
	spin_unlock(&si->lock);
}

/* ======================================================== allocation == */

/* The first free slot of ci at or after offset, taken for usage
 * (Linux alloc_swap_scan_cluster).  ci locked; it is unlocked and put on
 * its list.  Returns the slot, or 0. */
static unsigned long alloc_swap_scan_cluster(struct swap_info_struct *si,
					     struct swap_cluster_info *ci, unsigned long offset,
					     unsigned char usage)
{
	unsigned long start = cluster_offset(si, ci), end = start + SWAPFILE_CLUSTER, found = 0;

	if (offset < start || offset >= end)
		offset = start;
	if (ci->count < SWAPFILE_CLUSTER && swap_cluster_get_table(ci)) {
		for (; offset < end && offset < si->max; offset++)
			if (!si->swap_map[offset]) {
				found = offset;
				break;
			}
	}
	if (found) {
		WRITE_ONCE(si->swap_map[found], usage);
		ci->count++;
		swap_usage_add(si, 1);
	}
	relocate_cluster(si, ci);
	spin_unlock(&ci->lock);
	return found;
}

/* Remember where the next allocation of this CPU or area should look. */
static void set_next_hint(struct swap_info_struct *si, unsigned long found)
{
	unsigned long next = found + 1;

	if (next % SWAPFILE_CLUSTER == 0 || next >= si->max)
		next = 0;
	if (si->flags & SWP_SOLIDSTATE) {
		struct percpu_swap_cluster *pc = &percpu_swap_cluster[smp_processor_id()];

		pc->si = si;
		pc->offset = next;
	} else {
		si->global_next = (unsigned int)next;
	}
}

/* A slot from the clusters of list, trying each until one has room.  A
 * cluster that gives none goes back to the list (relocate_cluster); one
 * round ends the scan when it comes around again: a cluster with free
 * slots but no swap table (its allocation failed: the header's cluster,
 * say, counts slot 0 and has no table yet) stays on the list it was on. */
static unsigned long alloc_swap_scan_list(struct swap_info_struct *si, struct list_head *list,
					  unsigned char usage, bool scan_all)
{
	struct swap_cluster_info *ci, *first = NULL;
	unsigned long found;

	do {
		ci = isolate_lock_cluster(si, list);
		if (!ci)
			return 0;
		found = alloc_swap_scan_cluster(si, ci, cluster_offset(si, ci), usage);
		if (found)
			return found;
		if (ci == first)
			return 0;
		if (!first)
			first = ci;
	} while (scan_all);
	return 0;
}

/* Try the slot after the last one this CPU (solid-state) or the area
 * (rotational) allocated (Linux's hint through cluster_is_usable).  0 if
 * its cluster is full or being discarded. */
static unsigned long alloc_swap_hint(struct swap_info_struct *si, unsigned long offset,
				     unsigned char usage)
{
	struct swap_cluster_info *ci;

	if (!offset || offset >= si->max)
		return 0;
	ci = lock_cluster(si, offset);
	if (ci->flags == CLUSTER_FLAG_FULL || ci->flags == CLUSTER_FLAG_DISCARD) {
		spin_unlock(&ci->lock);
		return 0;
	}
	return alloc_swap_scan_cluster(si, ci, offset, usage);
}

/* Issue the discards of clusters queued on discard_clusters, then free
 * them (Linux swap_do_scheduled_discard).  True if any was freed. */
static bool swap_do_scheduled_discard(struct swap_info_struct *si)
{
	struct swap_cluster_info *ci;
	bool any = false;

	while ((ci = isolate_lock_cluster(si, &si->discard_clusters))) {
		atomic_fetch_add(&si->nr_discards, 1);
		spin_lock(&si->lock);
		list_add_tail(&ci->list, &si->free_clusters);
		ci->flags = CLUSTER_FLAG_FREE;
		spin_unlock(&si->lock);
		spin_unlock(&ci->lock);
		any = true;
	}
	return any;
}

/* A slot of si for usage (Linux cluster_alloc_swap_entry, order 0).
 * Returns the offset or 0 (full). */
static unsigned long cluster_alloc_swap_entry(struct swap_info_struct *si, unsigned char usage)
{
	bool rot = !(si->flags & SWP_SOLIDSTATE);
	unsigned long found = 0;

	if (rot) {
		spin_lock(&si->global_cluster_lock);
		found = alloc_swap_hint(si, si->global_next, usage);
	}
	while (!found) {
		if ((si->flags & SWP_PAGE_DISCARD) &&
		    (found = alloc_swap_scan_list(si, &si->free_clusters, usage, false)))
			break;
		if ((found = alloc_swap_scan_list(si, &si->nonfull_clusters, usage, true)))
			break;
		if (!(si->flags & SWP_PAGE_DISCARD) &&
		    (found = alloc_swap_scan_list(si, &si->free_clusters, usage, false)))
			break;
		if ((found = alloc_swap_scan_list(si, &si->frag_clusters, usage, true)))
			break;
		if (!(si->flags & SWP_PAGE_DISCARD) || !swap_do_scheduled_discard(si))
			break;
	}
	if (found)
		set_next_hint(si, found);
	if (rot)
		spin_unlock(&si->global_cluster_lock);
	return found;
}

/* Linux swap_alloc_fast: this CPU's cached area and slot (solid-state). */
static bool swap_alloc_fast(swp_entry_t *entry)
{
	struct percpu_swap_cluster *pc = &percpu_swap_cluster[smp_processor_id()];
	struct swap_info_struct *si = pc->si;
	unsigned long found;

	if (!si || !pc->offset || !get_swap_device_info(si))
		return false;
	found = (si->flags & SWP_WRITEOK) ? alloc_swap_hint(si, pc->offset, SWAP_HAS_CACHE) : 0;
	if (found) {
		set_next_hint(si, found);
		*entry = swp_entry((unsigned long)si->type, found);
	} else {
		pc->offset = 0;
	}
	put_swap_device(si);
	return found != 0;
}

/* Move si behind the other available areas of its priority. */
static void swap_avail_requeue(struct swap_info_struct *si)
{
	struct swap_info_struct *pos = si;

	while (pos->avail_list.next != &swap_avail_head &&
	       list_entry(pos->avail_list.next, struct swap_info_struct, avail_list)->prio ==
		       si->prio)
		pos = list_entry(pos->avail_list.next, struct swap_info_struct, avail_list);
	if (pos != si)
		list_move(&si->avail_list, &pos->avail_list);
}

/* Linux swap_alloc_slow: the available areas by priority, rotating. */
static void swap_alloc_slow(swp_entry_t *entry)
{
	struct swap_info_struct *si;
	unsigned long offset;
	int tries = MAX_SWAPFILES * 2;

	spin_lock(&swap_avail_lock);
	while (tries-- > 0 && !list_empty(&swap_avail_head)) {
		si = list_first_entry(&swap_avail_head, struct swap_info_struct, avail_list);
		swap_avail_requeue(si);
		spin_unlock(&swap_avail_lock);
		if (get_swap_device_info(si)) {
			offset = (si->flags & SWP_WRITEOK) ?
					 cluster_alloc_swap_entry(si, SWAP_HAS_CACHE) :
					 0;
			put_swap_device(si);
			if (offset) {
				*entry = swp_entry((unsigned long)si->type, offset);
				return;
			}
		}
		spin_lock(&swap_avail_lock);
		if (!list_empty(&si->avail_list) && si->avail_list.next != &swap_avail_head)
			continue;
		break;
	}
	spin_unlock(&swap_avail_lock);
}

int folio_alloc_swap(struct page *page)
{
	swp_entry_t entry = { 0 };
	struct swap_info_struct *si;
	struct swap_cluster_info *ci;
	void *shadow;

	VM_BUG_ON(!PageLocked(page) || PageSwapCache(page));
	if (atomic_load(&nr_swap_pages) <= 0)
		return -ENOMEM;
	swap_table_refill();
	if (!swap_alloc_fast(&entry))
		swap_alloc_slow(&entry);
	if (!entry.val) {
		/* space left, but no slot: a swap table could not be had; the
		 * page stays in memory (reclaim and MADV_PAGEOUT go on) */
		fault_absorbed();
		return -ENOMEM;
	}
	si = swp_swap_info(entry);
	ci = lock_cluster(si, swp_offset(entry));
	shadow = __swap_cache_add_folio(ci, page, entry);
	spin_unlock(&ci->lock);
	WARN_ON(shadow); /* a free slot keeps no shadow */
	return 0;
}

/* ============================================================ counts == */

/* The continuation pages of the swap_map page holding offset. */
static struct list_head *cont_head(struct swap_info_struct *si, unsigned long offset)
{
	return &si->cont_heads[offset >> PAGE_SHIFT];
}

static unsigned char *cont_byte(struct page *page, unsigned long offset)
{
	return (unsigned char *)page_address(page) + (offset & (PAGE_SIZE - 1));
}

/* One more (count == SWAP_MAP_MAX or SWAP_MAP_MAX|CONTINUED) or one less
 * (count == COUNT_CONTINUED) in the continuation digits of offset (Linux
 * swap_count_continued: adding 1 to 999, subtracting 1 from 1000).  Caller
 * holds the cluster lock.  Increment: true if done, false if another
 * continuation page is needed.  Decrement: true if the digits above still
 * hold a count. */
static bool swap_count_continued(struct swap_info_struct *si, unsigned long offset,
				 unsigned char count)
{
	struct list_head *head = cont_head(si, offset);
	struct list_head *pos;
	unsigned char *map;
	bool ret;

	if (!(si->flags & SWP_CONTINUED) || list_empty(head))
		return false;
	spin_lock(&si->cont_lock);
	pos = head->next;
	map = cont_byte(list_entry(pos, struct page, lru), offset);
	if (count == SWAP_MAP_MAX) {
		*map = 0; /* the first carry: a fresh digit */
		goto inc;
	}
	if (count == (SWAP_MAP_MAX | COUNT_CONTINUED)) {
		while (*map == (SWAP_CONT_MAX | COUNT_CONTINUED)) {
			pos = pos->next;
			map = cont_byte(list_entry(pos, struct page, lru), offset);
		}
		if (*map == SWAP_CONT_MAX) {
			pos = pos->next;
			if (pos == head) {
				ret = false; /* one more page needed */
				goto out;
			}
			map = cont_byte(list_entry(pos, struct page, lru), offset);
			*map = 0;
		}
inc:
		*map += 1;
		while ((pos = pos->prev) != head)
			*cont_byte(list_entry(pos, struct page, lru), offset) = COUNT_CONTINUED;
		ret = true;
	} else {
		unsigned char c = COUNT_CONTINUED;

		BUG_ON(count != COUNT_CONTINUED);
		while (*map == COUNT_CONTINUED) {
			pos = pos->next;
			map = cont_byte(list_entry(pos, struct page, lru), offset);
		}
		BUG_ON(*map == 0);
		*map -= 1;
		if (*map == 0)
			c = 0;
		while ((pos = pos->prev) != head) {
			*cont_byte(list_entry(pos, struct page, lru), offset) = SWAP_CONT_MAX | c;
			c = COUNT_CONTINUED;
		}
		ret = c == COUNT_CONTINUED;
	}
out:
	spin_unlock(&si->cont_lock);
	return ret;
}

int add_swap_count_continuation(swp_entry_t entry, gfp_t gfp)
{
	struct swap_info_struct *si = get_swap_device(entry);
	unsigned long offset = swp_offset(entry);
	struct swap_cluster_info *ci;
	struct page *page, *pos;
	unsigned char count;
	int ret = 0;

	if (!si)
		return 0; /* the caller's next try says what it is */
	page = should_fail(&swap_cont_fail) ? NULL : alloc_page(gfp | __GFP_ZERO);
	ci = lock_cluster(si, offset);
	count = si->swap_map[offset] & ~SWAP_HAS_CACHE;
	if ((count & ~COUNT_CONTINUED) != SWAP_MAP_MAX)
		goto out; /* someone else's page did it */
	if (!page) {
		ret = -ENOMEM;
		goto out;
	}
	spin_lock(&si->cont_lock);
	list_for_each_entry(pos, cont_head(si, offset), lru) {
		if (!(count & COUNT_CONTINUED))
			goto out_cont; /* a page is there for this digit */
		count = *cont_byte(pos, offset);
		if ((count & ~COUNT_CONTINUED) != SWAP_CONT_MAX)
			goto out_cont; /* this digit has room */
	}
	list_add_tail(&page->lru, cont_head(si, offset));
	si->flags |= SWP_CONTINUED;
	page = NULL;
out_cont:
	spin_unlock(&si->cont_lock);
out:
	spin_unlock(&ci->lock);
	put_swap_device(si);
	if (page)
		__free_page(page);
	return ret;
}

static void free_swap_count_continuations(struct swap_info_struct *si)
{
	unsigned long i, n = DIV_ROUND_UP(si->max, PAGE_SIZE);

	for (i = 0; si->cont_heads && i < n; i++) {
		struct page *page, *tmp;

		list_for_each_entry_safe(page, tmp, &si->cont_heads[i], lru) {
			list_del(&page->lru);
			page->lru.next = page->lru.prev = NULL;
			__free_page(page);
		}
	}
}

/* Linux __swap_duplicate for one slot, cluster locked: usage 1 (a PTE or
 * shmem entry) or SWAP_HAS_CACHE.  0, -ENOENT (free slot), -EEXIST (cache
 * already set), -ENOMEM (a continuation page is needed), -EINVAL. */
static int swap_dup_locked(struct swap_info_struct *si, unsigned long offset, unsigned char usage)
{
	unsigned char v = si->swap_map[offset];
	unsigned char has_cache = v & SWAP_HAS_CACHE, count = v & ~SWAP_HAS_CACHE;

	if (v == SWAP_MAP_BAD)
		return -ENOENT;
	if (usage == SWAP_HAS_CACHE) {
		if (has_cache)
			return -EEXIST;
		if (!count)
			return -ENOENT;
		has_cache = SWAP_HAS_CACHE;
	} else if (!count && !has_cache) {
		return -ENOENT;
	} else if ((count & ~COUNT_CONTINUED) < SWAP_MAP_MAX) {
		count++; /* the low digit; CONTINUED stays */
	} else if ((count & ~COUNT_CONTINUED) > SWAP_MAP_MAX) {
		return -EINVAL;
	} else if (swap_count_continued(si, offset, count)) {
		count = COUNT_CONTINUED;
	} else {
		return -ENOMEM;
	}
	WRITE_ONCE(si->swap_map[offset], count | has_cache);
	return 0;
}

static int __swap_duplicate(swp_entry_t entry, unsigned char usage)
{
	struct swap_info_struct *si = get_swap_device(entry);
	struct swap_cluster_info *ci;
	int err;

	if (!si)
		return -EINVAL;
	ci = lock_cluster(si, swp_offset(entry));
	err = swap_dup_locked(si, swp_offset(entry), usage);
	spin_unlock(&ci->lock);
	put_swap_device(si);
	return err;
}

int swap_duplicate(swp_entry_t entry)
{
	int err = 0;

	while (!err && __swap_duplicate(entry, 1) == -ENOMEM)
		err = add_swap_count_continuation(entry, GFP_ATOMIC);
	return err;
}

int swap_shmem_alloc(swp_entry_t entry) { return swap_duplicate(entry); }

int swapcache_prepare(swp_entry_t entry) { return __swap_duplicate(entry, SWAP_HAS_CACHE); }

/* The slot's byte went to 0: free it (Linux swap_entries_free).  Cluster
 * locked; no page is cached for it. */
static void swap_entry_free_locked(struct swap_info_struct *si, struct swap_cluster_info *ci,
				   unsigned long offset)
{
	WRITE_ONCE(si->swap_map[offset], 0);
	if (ci->table) /* the workingset shadow goes with the slot (Linux
			* swap_cache_clear_shadow) */
		ci->table[offset % SWAPFILE_CLUSTER] = NULL;
	swap_zeromap_set(swp_entry((unsigned long)si->type, offset), false);
	ci->count--;
	swap_usage_add(si, -1);
	cluster_slot_freed(si, ci);
}

/* Drop one reference of usage (1 or SWAP_HAS_CACHE) from a slot, cluster
 * locked; frees the slot when nothing is left.  Returns the byte left. */
unsigned char swap_entry_put_locked(struct swap_info_struct *si, struct swap_cluster_info *ci,
				    unsigned long offset, unsigned char usage)
{
	unsigned char v = si->swap_map[offset];
	unsigned char has_cache = v & SWAP_HAS_CACHE, count = v & ~SWAP_HAS_CACHE;

	if (usage == SWAP_HAS_CACHE) {
		VM_BUG_ON(!has_cache);
		has_cache = 0;
	} else if ((count & ~COUNT_CONTINUED) <= SWAP_MAP_MAX) {
		if (count == COUNT_CONTINUED)
			count = swap_count_continued(si, offset, count) ?
					SWAP_MAP_MAX | COUNT_CONTINUED :
					SWAP_MAP_MAX;
		else if (count)
			count--;
		else
			WARN_ON(1); /* a reference that was never taken */
	}
	v = count | has_cache;
	if (v)
		WRITE_ONCE(si->swap_map[offset], v);
	else
		swap_entry_free_locked(si, ci, offset);
	return v;
}

/* Linux swap_free_nr: the area checked as _swap_info_get checks it, not
 * held (the caller holds it). */
void swap_free_nr(swp_entry_t entry, int nr)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	struct swap_cluster_info *ci;
	unsigned long offset = swp_offset(entry);
	int i;

	if (!si || !si->swap_map || offset + (unsigned long)nr > si->max)
		return;
	for (i = 0; i < nr; i++) {
		ci = lock_cluster(si, offset + i);
		swap_entry_put_locked(si, ci, offset + i, 1);
		spin_unlock(&ci->lock);
	}
}

int __swap_count(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);

	return si && si->swap_map && swp_offset(entry) < si->max ?
		       READ_ONCE(si->swap_map[swp_offset(entry)]) &
			       ~(SWAP_HAS_CACHE | COUNT_CONTINUED) :
		       0;
}

/* The whole count of offset, continuation digits included.  Cluster
 * locked. */
unsigned long swap_count_locked(struct swap_info_struct *si, unsigned long offset)
{
	unsigned long count = si->swap_map[offset] & ~SWAP_HAS_CACHE, n = SWAP_MAP_MAX + 1;
	struct page *page;
	unsigned char digit;

	if (count == SWAP_MAP_BAD)
		return 0;
	if (!(count & COUNT_CONTINUED))
		return count;
	count &= ~COUNT_CONTINUED;
	spin_lock(&si->cont_lock);
	list_for_each_entry(page, cont_head(si, offset), lru) {
		digit = *cont_byte(page, offset);
		count += (digit & ~COUNT_CONTINUED) * n;
		n *= SWAP_CONT_MAX + 1;
		if (!(digit & COUNT_CONTINUED))
			break;
	}
	spin_unlock(&si->cont_lock);
	return count;
}

int swp_swapcount(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device(entry);
	struct swap_cluster_info *ci;
	unsigned long count;

	if (!si)
		return 0;
	ci = lock_cluster(si, swp_offset(entry));
	count = swap_count_locked(si, swp_offset(entry));
	spin_unlock(&ci->lock);
	put_swap_device(si);
	return (int)min(count, (unsigned long)INT_MAX);
}

bool swap_entry_in_use(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);

	return si && swp_offset(entry) < si->max &&
	       (READ_ONCE(si->swap_map[swp_offset(entry)]) & ~SWAP_HAS_CACHE);
}

/* ========================================================== zeromap == */

bool swap_zeromap_test(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned long off = swp_offset(entry);

	if (!si || !si->zeromap || off >= si->max)
		return false;
	return (atomic_load_explicit((_Atomic unsigned long *)&si->zeromap[off / 64],
				     memory_order_relaxed) >>
		(off % 64)) &
	       1;
}

void swap_zeromap_set(swp_entry_t entry, bool zero)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned long off = swp_offset(entry), bit = 1UL << (off % 64);
	_Atomic unsigned long *w;

	if (!si || !si->zeromap || off >= si->max)
		return;
	w = (_Atomic unsigned long *)&si->zeromap[off / 64];
	if (zero)
		atomic_fetch_or_explicit(w, bit, memory_order_relaxed);
	else if (atomic_load_explicit(w, memory_order_relaxed) & bit)
		atomic_fetch_and_explicit(w, ~bit, memory_order_relaxed);
}

/* ================================================ freeing the cache == */

/* Linux __try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL): a slot only the
 * cache holds; free the cached page's swap if the page is not mapped (or
 * swap is over half full) and its lock can be had now.  The page becomes
 * dirty: if it is mapped, its contents now live only in memory. */
static void try_to_reclaim_swap(swp_entry_t entry)
{
	struct page *page = swap_cache_lookup(entry);

	if (!page)
		return;
	if (trylock_page(page)) {
		if (PageSwapCache(page) && page_swap_entry(page).val == entry.val &&
		    !PageWriteback(page) && (page_mapcount(page) <= 0 || vm_swap_full()) &&
		    !swap_entry_in_use(entry)) {
			swap_cache_del_folio(page);
			SetPageDirty(page);
		}
		unlock_page(page);
	}
	put_page(page);
}

void free_swap_and_cache(swp_entry_t entry)
{
	struct swap_info_struct *si = get_swap_device(entry);
	struct swap_cluster_info *ci;
	unsigned char left;

	if (!si)
		return;
	ci = lock_cluster(si, swp_offset(entry));
	left = swap_entry_put_locked(si, ci, swp_offset(entry), 1);
	spin_unlock(&ci->lock);
	if (left == SWAP_HAS_CACHE)
		try_to_reclaim_swap(entry);
	put_swap_device(si);
}

bool folio_free_swap(struct page *page)
{
	VM_BUG_ON(!PageLocked(page));
	if (!PageSwapCache(page) || PageWriteback(page))
		return false;
	if (swap_entry_in_use(page_swap_entry(page)))
		return false;
	swap_cache_del_folio(page);
	SetPageDirty(page);
	return true;
}

/* ========================================================== swapon == */

/* A free swap_info slot (Linux alloc_swap_info): the lowest type not in
 * use, a new struct for a type used for the first time.  -EPERM when all
 * MAX_SWAPFILES are active, -ENOMEM. */
static struct swap_info_struct *alloc_swap_info(int *err)
{
	struct swap_info_struct *si = NULL, *fresh;
	unsigned int type;

	fresh = should_fail(&swap_info_fail) ? NULL : kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh) {
		*err = -ENOMEM;
		return NULL;
	}
	spin_lock(&swap_lock);
	for (type = 0; type < nr_swapfiles; type++)
		if (!(swap_info[type]->flags & SWP_USED))
			break;
	if (type >= MAX_SWAPFILES) {
		spin_unlock(&swap_lock);
		kfree(fresh);
		*err = -EPERM;
		return NULL;
	}
	if (type >= nr_swapfiles) {
		si = fresh;
		fresh = NULL;
		si->type = (signed char)type;
		spin_lock_init(&si->lock);
		spin_lock_init(&si->global_cluster_lock);
		spin_lock_init(&si->cont_lock);
		INIT_LIST_HEAD(&si->list);
		INIT_LIST_HEAD(&si->avail_list);
		WRITE_ONCE(swap_info[type], si);
		nr_swapfiles++;
	} else {
		si = swap_info[type];
	}
	si->flags = SWP_USED;
	spin_unlock(&swap_lock);
	kfree(fresh);
	return si;
}

/* Give the slot back after a failed swapon. */
static void free_swap_info(struct swap_info_struct *si)
{
	spin_lock(&swap_lock);
	si->flags = 0;
	spin_unlock(&swap_lock);
}

static void *kvzalloc_local(size_t size)
{
	if (should_fail(&swap_map_fail))
		return NULL;
	return size <= 2 * PAGE_SIZE ? kzalloc(size, GFP_KERNEL) : vzalloc(size);
}

static void kvfree_local(void *p)
{
	if (p && is_vmalloc_addr(p))
		vfree(p);
	else
		kfree(p);
}

/* The clusters of an area, with the header, bad and past-the-end slots
 * counted as used (Linux setup_clusters).  0 or -ENOMEM. */
static int setup_clusters(struct swap_info_struct *si, unsigned long maxpages)
{
	unsigned long nr = DIV_ROUND_UP(maxpages, SWAPFILE_CLUSTER), i;

	si->cluster_info = kvzalloc_local(nr * sizeof(*si->cluster_info));
	si->cont_heads =
		kvzalloc_local(DIV_ROUND_UP(maxpages, PAGE_SIZE) * sizeof(struct list_head));
	/* the heads are ready before any failure: swap_area_release walks them */
	for (i = 0; si->cont_heads && i < DIV_ROUND_UP(maxpages, PAGE_SIZE); i++)
		INIT_LIST_HEAD(&si->cont_heads[i]);
	if (!si->cluster_info || !si->cont_heads)
		return -ENOMEM;
	si->nr_clusters = (unsigned int)nr;
	INIT_LIST_HEAD(&si->free_clusters);
	INIT_LIST_HEAD(&si->nonfull_clusters);
	INIT_LIST_HEAD(&si->frag_clusters);
	INIT_LIST_HEAD(&si->full_clusters);
	INIT_LIST_HEAD(&si->discard_clusters);
	for (i = 0; i < nr * SWAPFILE_CLUSTER; i++)
		if (i >= maxpages || si->swap_map[i])
			si->cluster_info[i / SWAPFILE_CLUSTER].count++;
	for (i = 0; i < nr; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];

		spin_lock_init(&ci->lock);
		if (!ci->count) {
			ci->flags = CLUSTER_FLAG_FREE;
			list_add_tail(&ci->list, &si->free_clusters);
		} else if (ci->count == SWAPFILE_CLUSTER) {
			ci->flags = CLUSTER_FLAG_FULL;
			list_add_tail(&ci->list, &si->full_clusters);
		} else {
			ci->flags = CLUSTER_FLAG_NONFULL;
			list_add_tail(&ci->list, &si->nonfull_clusters);
		}
	}
	return 0;
}

static void free_clusters(struct swap_info_struct *si)
{
	unsigned long i;

	for (i = 0; si->cluster_info && i < si->nr_clusters; i++) {
		struct swap_cluster_info *ci = &si->cluster_info[i];

		if (ci->table)
			__free_page(virt_to_page(ci->table));
		spin_lock_destroy(&ci->lock);
	}
	kvfree_local(si->cluster_info);
	si->cluster_info = NULL;
	kvfree_local(si->cont_heads);
	si->cont_heads = NULL;
	si->nr_clusters = 0;
}

/* Free what swapon set up (after a failure, or at the end of swapoff). */
static void swap_area_release(struct swap_info_struct *si)
{
	free_swap_count_continuations(si);
	free_clusters(si);
	if (si->swap_map)
		vfree(si->swap_map);
	kvfree_local(si->zeromap);
	si->swap_map = NULL;
	si->zeromap = NULL;
	si->max = si->pages = 0;
	atomic_store(&si->inuse_pages, 0);
	si->global_next = 0;
}

/* Read page 0 of the file through its page cache and parse it into a
 * private copy (Linux read_mapping_folio + read_swap_header). */
static int swapon_read_header(struct swap_info_struct *si, struct file *f, unsigned long *usable)
{
	struct inode *inode = f->f_inode;
	struct page *page = filemap_grab_page(f->f_mapping, 0, false);
	union swap_header *h;
	const char *why;
	int err = 0;

	if (!page)
		return -ENOMEM;
	if (!PageUptodate(page))
		err = filemap_read_folio(f, page);
	else
		unlock_page(page);
	h = err ? NULL : kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (h)
		memcpy(h, page_address(page), PAGE_SIZE);
	put_page(page);
	if (err)
		return err;
	if (!h)
		return -ENOMEM;
	si->max = (unsigned int)swap_header_parse(h,
						  (unsigned long)(i_size_read(inode) >> PAGE_SHIFT),
						  MMK_S_ISREG(inode->i_mode), usable, &why);
	if (!si->max && why)
		printk(KERN_WARNING "swapon: %s\n", why);
	if (si->max) {
		err = setup_swap_map(si, h);
	} else {
		err = -EINVAL;
	}
	kfree(h);
	return err;
}

/* swap_map with the header and bad slots marked (Linux setup_swap_map). */
int setup_swap_map(struct swap_info_struct *si, const union swap_header *h)
{
	u32 i;

	si->swap_map = should_fail(&swap_map_fail) ? NULL : vzalloc(si->max);
	if (!si->swap_map)
		return -ENOMEM;
	si->swap_map[0] = SWAP_MAP_BAD;
	for (i = 0; i < h->info.nr_badpages; i++)
		if (h->info.badpages[i] < si->max)
			si->swap_map[h->info.badpages[i]] = SWAP_MAP_BAD;
	return 0;
}

/* The file under the area (Linux claim_swapfile + setup_swap_extents for
 * a file system that maps swap I/O, iomap_swapfile_activate): a regular
 * file of a host mount, without holes in the area.  0 or -errno. */
static int swapon_claim_file(struct swap_info_struct *si, struct file *f)
{
	struct inode *inode = f->f_inode;

	if (!inode || !MMK_S_ISREG(inode->i_mode))
		return -EINVAL;
	if (inode->i_swapfile)
		return -EBUSY;
	if (d_unlinked(f->f_dentry))
		return -ENOENT;
	if (!f->f_mapping->a_ops || !f->f_mapping->a_ops->read_folio || inode->i_hostfd < 0 ||
	    !inode->i_sb->s_bdev)
		return -EINVAL; /* tmpfs and the like: no swap I/O */
	si->bdev = inode->i_sb->s_bdev;
	si->hostfd = inode->i_hostfd;
	return 0;
}

/* Linux add_swap_extent / iomap_swapfile_add_extent, for one extent of the
 * host file: pages it adds, and a new extent unless it continues the last
 * one on the device.  The header page does not count in the span. */
struct swap_extents {
	unsigned long nr_pages, lowest, highest, next_ppage;
	unsigned int nr_extents;
};

static void swap_add_extent(struct swap_info_struct *si, struct swap_extents *x,
			    const struct host_extent *e)
{
	unsigned long first = (unsigned long)ALIGN(e->physical, PAGE_SIZE) >> PAGE_SHIFT;
	unsigned long next = (unsigned long)(e->physical + e->length) >> PAGE_SHIFT, nr;

	if (first >= next)
		return;
	nr = min(next - first, si->max - x->nr_pages);
	x->lowest = min(x->lowest, first + (e->logical == 0));
	x->highest = max(x->highest, first + nr - 1);
	if (!x->nr_extents || first != x->next_ppage)
		x->nr_extents++;
	x->next_ppage = first + nr;
	x->nr_pages += nr;
}

/* Without FIEMAP (a tmpfs host directory): allocated blocks must cover it. */
static int swapon_extents_fallback(struct swap_info_struct *si)
{
	struct host_stat st;

	if (host_fstat(si->hostfd, &st) ||
	    (long long)st.blocks * 512 < (long long)si->max * (long long)PAGE_SIZE)
		return -EINVAL;
	si->nr_extents = 1;
	si->span = si->max - 1;
	return 0;
}

/* The file's extents (Linux setup_swap_extents -> iomap_swapfile_activate):
 * every page of the area must be allocated ("swapfile has holes": -EINVAL,
 * unwritten extents are fine); their number and span are what swapon logs. */
static int swapon_setup_extents(struct swap_info_struct *si)
{
	long long len = (long long)si->max << PAGE_SHIFT, pos = 0;
	struct swap_extents x = { .lowest = ~0UL };
	struct host_extent ext[64];
	int n, i;

	while (pos < len && x.nr_pages < si->max) {
		n = host_file_extents(si->hostfd, pos, len - pos, ext, 64);
		if (n == -EOPNOTSUPP || n == -ENOTTY)
			return swapon_extents_fallback(si);
		if (n <= 0)
			break;
		for (i = 0; i < n && x.nr_pages < si->max; i++) {
			if (ext[i].logical > pos || !ext[i].mapped)
				goto holes;
			swap_add_extent(si, &x, &ext[i]);
			pos = ext[i].logical + ext[i].length;
		}
	}
	if (x.nr_pages < si->max)
		goto holes;
	si->nr_extents = x.nr_extents;
	si->span = 1 + x.highest - x.lowest;
	return 0;
holes:
	printk(KERN_WARNING "swapon: swapfile has holes\n");
	return -EINVAL;
}

/* Linux setup_swap_info + _enable_swap_info: the priority, the lists, the
 * counts.  Caller holds swapon_mutex. */
static void enable_swap_info(struct swap_info_struct *si, int prio)
{
	struct swap_info_struct *pos;

	spin_lock(&swap_lock);
	spin_lock(&si->lock);
	si->prio = (signed short)(prio >= 0 ? prio : --least_priority);
	si->flags |= SWP_WRITEOK | SWP_VALID;
	atomic_fetch_add(&nr_swap_pages, si->pages);
	total_swap_pages += si->pages;
	list_for_each_entry(pos, &swap_active_head, list)
		if (pos->prio < si->prio)
			break;
	list_add_tail(&si->list, &pos->list);
	add_to_avail_list(si);
	spin_unlock(&si->lock);
	spin_unlock(&swap_lock);
}

static int swapon_setup(struct swap_info_struct *si, struct file *f, int swap_flags)
{
	unsigned long usable;
	int err;

	err = swapon_read_header(si, f, &usable);
	if (!err)
		err = swapon_setup_extents(si);
	if (err)
		return err;
	si->pages = (unsigned int)usable;
	si->zeromap = kvzalloc_local(DIV_ROUND_UP(si->max, 64) * sizeof(long));
	if (!si->zeromap)
		return -ENOMEM;
	if (si->bdev->nonrot)
		si->flags |= SWP_SOLIDSTATE;
	err = setup_clusters(si, si->max);
	if (err)
		return err;
	if (swap_flags & SWAP_FLAG_DISCARD) {
		si->flags |= SWP_DISCARDABLE | SWP_AREA_DISCARD | SWP_PAGE_DISCARD;
		if (swap_flags & SWAP_FLAG_DISCARD_ONCE)
			si->flags &= ~SWP_PAGE_DISCARD;
		else if (swap_flags & SWAP_FLAG_DISCARD_PAGES)
			si->flags &= ~SWP_AREA_DISCARD;
		if (si->flags & SWP_AREA_DISCARD)
			atomic_fetch_add(&si->nr_discards, 1); /* discard_swap: the area once */
	}
	return 0;
}

static void swapon_log(struct swap_info_struct *si, const char *name)
{
	printk(KERN_INFO "Adding %uk swap on %s.  Priority:%d extents:%u across:%luk %s%s%s%s\n",
	       si->pages << (PAGE_SHIFT - 10), name, si->prio, si->nr_extents,
	       si->span << (PAGE_SHIFT - 10), (si->flags & SWP_SOLIDSTATE) ? "SS" : "",
	       (si->flags & SWP_DISCARDABLE) ? "D" : "", (si->flags & SWP_AREA_DISCARD) ? "s" : "",
	       (si->flags & SWP_PAGE_DISCARD) ? "c" : "");
}

long sys_swapon(const char *path, int swap_flags)
{
	struct swap_info_struct *si;
	struct file *f = NULL;
	struct inode *inode = NULL;
	int err;

	if (swap_flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	si = alloc_swap_info(&err);
	if (!si)
		return err;
	f = do_filp_open(path, MMK_O_RDWR | MMK_O_LARGEFILE, 0, &err);
	if (!f)
		goto bad_swap;
	err = swapon_claim_file(si, f);
	if (err)
		goto bad_swap;
	inode = f->f_inode;
	inode_lock(inode);
	err = inode->i_swapfile ? -EBUSY : swapon_setup(si, f, swap_flags);
	if (!err) {
		inode->i_swapfile = true;
		err = filemap_write_and_wait_range(f->f_mapping, 0, LLONG_MAX);
		if (err)
			inode->i_swapfile = false;
	}
	inode_unlock(inode);
	if (err)
		goto bad_swap;
	if (!(si->flags & SWP_SOLIDSTATE))
		atomic_fetch_add(&nr_rotate_swap, 1);
	si->swap_file = f;
	mutex_lock(&swapon_mutex);
	enable_swap_info(si, (swap_flags & SWAP_FLAG_PREFER) ? (swap_flags & SWAP_FLAG_PRIO_MASK) :
							       DEF_SWAP_PRIO);
	swapon_log(si, path);
	mutex_unlock(&swapon_mutex);
	return 0;
bad_swap:
	swap_area_release(si);
	si->bdev = NULL;
	si->hostfd = -1;
	if (f)
		fput(f);
	free_swap_info(si);
	return err;
}

/* ========================================================= swapoff == */

/* Take si out of service (Linux swapoff's first half): no new slots, its
 * pages leave the counts, lower auto priorities move up by one.  Caller
 * holds swap_lock. */
static void swap_deactivate(struct swap_info_struct *si)
{
	struct swap_info_struct *pos;

	spin_lock(&si->lock);
	del_from_avail_list(si);
	if (si->prio < 0) { /* the lower auto priorities move up */
		for (pos = list_entry(si->list.next, struct swap_info_struct, list);
		     &pos->list != &swap_active_head;
		     pos = list_entry(pos->list.next, struct swap_info_struct, list))
			pos->prio++;
		least_priority++;
	}
	list_del_init(&si->list);
	atomic_fetch_sub(&nr_swap_pages, si->pages);
	total_swap_pages -= si->pages;
	si->flags &= ~SWP_WRITEOK;
	spin_unlock(&si->lock);
}

/* swapoff failed: put si back with its priority (Linux reinsert_swap_info). */
static void reinsert_swap_info(struct swap_info_struct *si)
{
	struct swap_info_struct *pos;

	spin_lock(&swap_lock);
	spin_lock(&si->lock);
	if (si->prio < 0) {
		si->prio = (signed short)--least_priority;
	}
	si->flags |= SWP_WRITEOK;
	atomic_fetch_add(&nr_swap_pages, si->pages);
	total_swap_pages += si->pages;
	list_for_each_entry(pos, &swap_active_head, list)
		if (pos->prio < si->prio)
			break;
	list_add_tail(&si->list, &pos->list);
	if (atomic_load(&si->inuse_pages) < si->pages)
		add_to_avail_list(si);
	spin_unlock(&si->lock);
	spin_unlock(&swap_lock);
}

static bool swap_users_gone(void *si) { return !swap_users_sum(si); }

/* A sleeping wait (wait_for_completion): its waiter serves every IPI. */
static const struct wait_ops swap_users_wait = { .done = swap_users_gone, .spins = 16 };

/* Wait until no get_swap_device holds si (Linux percpu_ref_kill +
 * wait_for_completion). */
static void swap_wait_users(struct swap_info_struct *si)
{
	spin_lock(&si->lock);
	si->flags &= ~SWP_VALID;
	spin_unlock(&si->lock);
	swap_users_sync();
	wait_until(&swap_users_wait, si, IPI_ALL);
}

/* Forget the CPUs' cached slots in si (Linux flush_percpu_swap_cluster). */
static void flush_percpu_swap_cluster(struct swap_info_struct *si)
{
	int cpu;

	for (cpu = 0; cpu < MMK_MAX_CPUS; cpu++)
		if (percpu_swap_cluster[cpu].si == si)
			percpu_swap_cluster[cpu].si = NULL;
}

/* The second half: everything is back in memory and nothing uses si. */
static void swap_teardown(struct swap_info_struct *si)
{
	struct file *f = si->swap_file;
	struct inode *inode = f->f_inode;

	swap_wait_users(si);
	flush_percpu_swap_cluster(si);
	if (!(si->flags & SWP_SOLIDSTATE))
		atomic_fetch_sub(&nr_rotate_swap, 1);
	mutex_lock(&swapon_mutex);
	spin_lock(&swap_lock);
	spin_lock(&si->lock);
	si->swap_file = NULL;
	spin_unlock(&si->lock);
	spin_unlock(&swap_lock);
	swap_area_release(si);
	mutex_unlock(&swapon_mutex);
	inode_lock(inode);
	inode->i_swapfile = false;
	inode_unlock(inode);
	fput(f);
	spin_lock(&swap_lock);
	si->flags = 0;
	si->bdev = NULL;
	si->hostfd = -1;
	spin_unlock(&swap_lock);
	if (list_empty(&swap_active_head))
		swap_table_pool_drain(); /* no area: no spare tables */
}

/* The active area whose file is f's (Linux compares f_mapping). */
static struct swap_info_struct *find_active_area(struct file *f)
{
	struct swap_info_struct *si;

	list_for_each_entry(si, &swap_active_head, list)
		if ((si->flags & SWP_WRITEOK) && si->swap_file->f_mapping == f->f_mapping)
			return si;
	return NULL;
}

long sys_swapoff(const char *path)
{
	struct swap_info_struct *si;
	struct file *victim;
	int err;

	victim = do_filp_open(path, MMK_O_RDWR | MMK_O_LARGEFILE, 0, &err);
	if (!victim)
		return err;
	spin_lock(&swap_lock);
	si = find_active_area(victim);
	if (!si) {
		spin_unlock(&swap_lock);
		fput(victim);
		return -EINVAL;
	}
	swap_deactivate(si);
	spin_unlock(&swap_lock);
	err = try_to_unuse(si->type);
	if (err) {
		reinsert_swap_info(si);
		fput(victim);
		return err;
	}
	swap_teardown(si);
	fput(victim);
	return 0;
}

void swapoff_all(void)
{
	struct swap_info_struct *si;

	for (;;) {
		spin_lock(&swap_lock);
		si = list_empty(&swap_active_head) ?
			     NULL :
			     list_first_entry(&swap_active_head, struct swap_info_struct, list);
		if (si)
			swap_deactivate(si);
		spin_unlock(&swap_lock);
		if (!si)
			break;
		if (try_to_unuse(si->type))
			swap_forget_area(si); /* shutdown: what cannot come back is dropped */
		swap_teardown(si);
	}
}

/* ======================================================= /proc/swaps == */

/* The path as seq_file_path prints it: " \t\n\\" escaped in octal. */
static int print_escaped(FILE *out, const char *s)
{
	int n = 0;

	for (; *s; s++) {
		if (strchr(" \t\n\\", *s))
			n += fprintf(out, "\\%03o", (unsigned char)*s);
		else
			n += fputc(*s, out) == EOF ? 0 : 1;
	}
	return n;
}

void swap_show(FILE *out)
{
	unsigned int type;

	fputs("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", out);
	mutex_lock(&swapon_mutex); /* Linux swap_start: d_path allocates */
	for (type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *si = swap_info[type];
		unsigned long bytes, inuse;
		char *path;
		int len;

		if (!(si->flags & SWP_USED) || !si->swap_map || !si->swap_file)
			continue;
		bytes = (unsigned long)si->pages << (PAGE_SHIFT - 10);
		inuse = atomic_load(&si->inuse_pages) << (PAGE_SHIFT - 10);
		path = d_path(si->swap_file->f_dentry);
		len = print_escaped(out, path ? path : "?");
		kfree(path);
		fprintf(out, "%*s%s\t%lu\t%s%lu\t%s%d\n", len < 40 ? 40 - len : 1, " ", "file\t",
			bytes, bytes < 10000000 ? "\t" : "", inuse, inuse < 10000000 ? "\t" : "",
			si->prio);
	}
	mutex_unlock(&swapon_mutex);
}

/* ============================================================= boot == */

static int swapfile_init(void)
{
	swapfile_cluster = pgmode.levels >= 4 ? 512 : 256; /* CONFIG_THP_SWAP: 64-bit only */
	least_priority = -1;
	atomic_store(&nr_rotate_swap, 0);
	memset(percpu_swap_cluster, 0, sizeof(percpu_swap_cluster));
	return 0;
}

static void swapfile_exit(void)
{
	unsigned int type;

	swapoff_all();
	swap_table_pool_drain();
	for (type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *si = swap_info[type];

		spin_lock_destroy(&si->lock);
		spin_lock_destroy(&si->global_cluster_lock);
		spin_lock_destroy(&si->cont_lock);
		kfree(si);
		swap_info[type] = NULL;
	}
	nr_swapfiles = 0;
	total_swap_pages = 0;
	atomic_store(&nr_swap_pages, 0);
}
/* After the tasks exit (INIT_MM + 5) and before the VFS goes (INIT_MM + 2). */
mmk_initcall(INIT_MM + 3, swapfile_init, swapfile_exit);
