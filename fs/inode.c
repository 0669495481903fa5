/*
 * inode.c - inodes and super blocks (Linux fs/inode.c, fs/super.c at the
 * level mmkit needs; include/mmkit/fs.h).
 *
 * An inode comes from the "inode_cache" slab cache with its address_space
 * (mm/filemap.c) and sits on its super block's s_inodes list.  i_count
 * counts references (its dentry, open files through the dentry, the shm
 * objects' files directly).  The last iput of an inode without links
 * evicts it: out of the writeback lists, page cache truncated, the file
 * system's part released (hostfs closes the host file), freed.  An inode
 * with links stays cached until its super block is killed (umount or
 * shutdown); there is no inode reclaim yet.
 */
#include <errno.h>
#include "mmkit/fault_inject.h"
#include "mmkit/pagemap.h"
#include "mmkit/slab.h"
#include "mmkit/writeback.h"

static DEFINE_FAULT_SITE(inode_alloc_fail, "inode_alloc");
static DEFINE_FAULT_SITE(sb_alloc_fail, "super_block_alloc");
static struct kmem_cache *inode_cachep;
static _Atomic unsigned int anon_dev_next = 2; /* 0:1 is the shm mount */

static int inode_caches_init(void)
{
	inode_cachep = kmem_cache_create("inode_cache", sizeof(struct inode), 0,
					 SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	atomic_store(&anon_dev_next, 2);
	return 0;
}

static void inode_caches_exit(void)
{
	kmem_cache_destroy(inode_cachep);
	inode_cachep = NULL;
}
mmk_initcall(INIT_MM + 1, inode_caches_init, inode_caches_exit);

unsigned int get_anon_dev_minor(void) { return atomic_fetch_add(&anon_dev_next, 1); }

struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode;

	if (should_fail(&inode_alloc_fail))
		return NULL;
	inode = kmem_cache_zalloc(inode_cachep, GFP_KERNEL);
	if (!inode)
		return NULL;
	inode->i_mapping = mapping_alloc(inode);
	if (!inode->i_mapping) {
		kmem_cache_free(inode_cachep, inode);
		return NULL;
	}
	atomic_store(&inode->i_count, 1);
	inode->i_nlink = 1;
	inode->i_sb = sb;
	inode->i_dev_major = sb->s_dev_major;
	inode->i_dev_minor = sb->s_dev_minor;
	inode->i_hostfd = -1;
	init_rwsem(&inode->i_rwsem);
	INIT_LIST_HEAD(&inode->i_io_list);
	spin_lock(&sb->s_inode_list_lock);
	list_add_tail(&inode->i_sb_list, &sb->s_inodes);
	spin_unlock(&sb->s_inode_list_lock);
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	atomic_fetch_add(&inode->i_count, 1);
	return inode;
}

/* Free an inode nobody refers to: writeback lists, page cache, the file
 * system's part, the struct.  No lock held. */
static void evict(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	inode_io_list_del(inode);
	truncate_inode_pages(inode->i_mapping, 0);
	if (sb->s_op && sb->s_op->evict_inode)
		sb->s_op->evict_inode(inode);
	spin_lock(&sb->s_inode_list_lock);
	list_del(&inode->i_sb_list);
	spin_unlock(&sb->s_inode_list_lock);
	mapping_release(inode->i_mapping);
	destroy_rwsem(&inode->i_rwsem);
	kmem_cache_free(inode_cachep, inode);
}

void iput(struct inode *inode)
{
	if (atomic_fetch_sub(&inode->i_count, 1) != 1)
		return;
	if (READ_ONCE(inode->i_nlink) == 0)
		evict(inode);
}

struct inode *ilookup(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *found = NULL;

	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list)
		if (inode->i_ino == ino && atomic_load(&inode->i_count) > 0) {
			found = igrab(inode);
			break;
		}
	spin_unlock(&sb->s_inode_list_lock);
	return found;
}

struct super_block *sb_alloc(const char *type, unsigned int major, unsigned int minor)
{
	struct super_block *sb;

	if (should_fail(&sb_alloc_fail))
		return NULL;
	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return NULL;
	sb->s_type = type;
	sb->s_dev_major = major;
	sb->s_dev_minor = minor;
	sb->s_bdi = &noop_backing_dev_info;
	spin_lock_init(&sb->s_inode_list_lock);
	INIT_LIST_HEAD(&sb->s_inodes);
	INIT_LIST_HEAD(&sb->s_list);
	sb->s_next_ino = 2;
	return sb;
}

/* Every inode still cached (each with only its dentry's reference left,
 * or none): evicted whatever its link count. */
static void evict_inodes(struct super_block *sb)
{
	for (;;) {
		struct inode *inode = NULL;

		spin_lock(&sb->s_inode_list_lock);
		if (!list_empty(&sb->s_inodes))
			inode = list_first_entry(&sb->s_inodes, struct inode, i_sb_list);
		spin_unlock(&sb->s_inode_list_lock);
		if (!inode)
			return;
		WARN_ON(atomic_load(&inode->i_count) != 0);
		if (sb->s_op && sb->s_op->destroy_inode)
			sb->s_op->destroy_inode(inode);
		evict(inode);
	}
}

void kill_sb(struct super_block *sb)
{
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
	if (sb->s_root)
		d_kill_tree(sb->s_root);
	evict_inodes(sb);
	spin_lock_destroy(&sb->s_inode_list_lock);
	kfree(sb);
}
