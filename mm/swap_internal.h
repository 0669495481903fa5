/*
 * swap_internal.h - what the swap files of mm/ share (Linux mm/swap.h):
 * swapfile.c's locks and cluster helpers for swap_state.c (the swap cache
 * lives in the clusters), swap_unuse.c (swapoff) and swap_verify.c.
 */
#ifndef MMKIT_MM_SWAP_INTERNAL_H
#define MMKIT_MM_SWAP_INTERNAL_H

#include "mmkit/swap.h"

extern spinlock_t swap_lock;
extern struct mutex swapon_mutex;
extern struct list_head swap_active_head;

struct swap_cluster_info *swap_cluster(struct swap_info_struct *si, unsigned long offset);
unsigned long cluster_offset(struct swap_info_struct *si, struct swap_cluster_info *ci);
/* The cluster of offset, locked. */
struct swap_cluster_info *lock_cluster(struct swap_info_struct *si, unsigned long offset);
/* Drop one reference (1 or SWAP_HAS_CACHE) of a slot; frees it when none is
 * left.  Cluster locked.  Returns what the byte holds afterwards. */
unsigned char swap_entry_put_locked(struct swap_info_struct *si, struct swap_cluster_info *ci,
				    unsigned long offset, unsigned char usage);
/* The whole reference count of a slot, continuations included.  Cluster
 * locked. */
unsigned long swap_count_locked(struct swap_info_struct *si, unsigned long offset);
/* Claim SWAP_HAS_CACHE on a slot in use (Linux swapcache_prepare): 0,
 * -EEXIST (someone else's page is being added), -ENOENT (slot free). */
int swapcache_prepare(swp_entry_t entry);
int setup_swap_map(struct swap_info_struct *si, const union swap_header *h);

/* mm/swap_unuse.c: bring every page of area `type` back (swapoff).  0,
 * -ENOMEM (a page could not be brought back) or -EINTR. */
int try_to_unuse(unsigned int type);
/* Shutdown only: drop what still names area si (no process is left that
 * could read it). */
void swap_forget_area(struct swap_info_struct *si);

/* mm/shmem.c: fn(entry) for every swap entry of every shmem mapping (verify). */
void shmem_for_each_swap_entry(void (*fn)(swp_entry_t entry, void *arg), void *arg);

/* The index of entry's slot in its cluster's swap table. */
static inline unsigned long swap_cache_index(swp_entry_t entry)
{
	return swp_offset(entry) % SWAPFILE_CLUSTER;
}

#endif
