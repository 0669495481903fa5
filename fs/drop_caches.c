/*
 * drop_caches.c - vm.drop_caches (Linux fs/drop_caches.c): 1 drops every
 * file system's clean, unmapped page-cache pages (invalidate_mapping_pages
 * on each inode: dirty, mapped, locked and under-writeback pages stay), 2
 * shrinks slab caches (mmkit has no dentry or inode shrinker yet: nothing
 * is freed, the event is counted), 3 both; adding 4 silences the log line
 * Linux prints ("<comm> (<pid>): drop_caches: N") from then on.  shmem
 * pages are never dropped (they are the files' storage).
 */
#include "mmkit/swap.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/vmstat.h"

static bool stfu;

static void drop_pagecache_sb(struct super_block *sb, void *arg)
{
	struct inode *inode, *last = NULL;

	(void)arg;
	for (;;) {
		struct inode *next = NULL;

		spin_lock(&sb->s_inode_list_lock);
		inode = last ? list_entry(last->i_sb_list.next, struct inode, i_sb_list) :
			       list_first_entry(&sb->s_inodes, struct inode, i_sb_list);
		for (; &inode->i_sb_list != &sb->s_inodes;
		     inode = list_entry(inode->i_sb_list.next, struct inode, i_sb_list))
			if (atomic_load(&inode->i_count) > 0 && !inode->i_mapping->shmem) {
				next = igrab(inode);
				break;
			}
		spin_unlock(&sb->s_inode_list_lock);
		if (last)
			iput(last);
		if (!next)
			return;
		invalidate_mapping_pages(next->i_mapping, 0, ~0UL);
		last = next;
	}
}

int drop_caches(int mode)
{
	struct task_struct *t = this_cpu() ? current : NULL;

	if (mode & 1) {
		lru_add_drain_all(); /* batched pages hold a reference (Linux) */
		iterate_supers(drop_pagecache_sb, NULL);
		count_vm_event(DROP_PAGECACHE);
	}
	if (mode & 2)
		count_vm_event(DROP_SLAB);
	if (!stfu)
		printk("%s (%d): drop_caches: %d\n", t ? t->comm : "swapper/0", t ? t->pid : 0,
		       mode);
	stfu |= mode & 4;
	return 0;
}
