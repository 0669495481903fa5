/*
 * namespace.c - the mount tree (Linux fs/namespace.c, init/do_mounts.c at the
 * level mmkit needs; include/mmkit/fs.h).
 *
 * Boot mounts a tmpfs at / (an anonymous device 00:02) and the internal shm
 * mount (00:01) that holds shared anonymous memory.  `mount HOSTDIR PATH`
 * makes PATH (with its missing parents) and mounts a hostfs over it: a
 * block device with the host tree's device number and the given timing, a
 * bdi with its flusher, and the super block.  The mounted root records its
 * mount point and the mount point the root (d_mounted), which is how path
 * walks cross it.  Shutdown (after every task has exited) writes every dirty
 * page back, as umount does, and takes the mounts down newest first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/blkdev.h"
#include "mmkit/host.h"
#include "mmkit/machine.h"
#include "mmkit/pagemap.h"
#include "mmkit/writeback.h"

struct super_block *root_sb, *shm_sb;
static LIST_HEAD(super_blocks); /* newest first, under namespace_sem */

int do_mount_host(const char *hostdir, const char *path, bool rdonly, u64 latency_ns, u64 bw)
{
	struct backing_dev_info *bdi = NULL;
	struct block_device *bdev = NULL;
	struct super_block *sb;
	struct dentry *mp;
	struct host_stat st;
	char name[32];
	int dirfd, err;

	dirfd = host_open_dir(hostdir);
	if (dirfd < 0)
		return dirfd;
	err = host_fstat(dirfd, &st);
	if (err)
		goto out_close;
	down_write(&namespace_sem);
	err = mkdir_p(path, &mp);
	if (err)
		goto out_unlock;
	err = -ENOMEM;
	bdev = bdev_alloc(st.dev_major, st.dev_minor, latency_ns, bw);
	if (!bdev)
		goto out_unlock;
	snprintf(name, sizeof(name), "%u:%u", st.dev_major, st.dev_minor);
	bdi = bdi_alloc(name, wb_workfn);
	if (!bdi)
		goto out_unlock;
	bdev->bd_bdi = bdi;
	sb = hostfs_fill_super(dirfd, hostdir, rdonly, bdev);
	dirfd = -1;
	if (!sb)
		goto out_unlock;
	while (mp->d_mounted)
		mp = mp->d_mounted;
	mp->d_mounted = sb->s_root;
	sb->s_root->d_mountpoint = dget(mp);
	list_add(&sb->s_list, &super_blocks);
	up_write(&namespace_sem);
	return 0;
out_unlock:
	up_write(&namespace_sem);
	if (bdi)
		bdi_put(bdi);
	if (bdev)
		bdev_free(bdev);
out_close:
	if (dirfd >= 0)
		host_close(dirfd);
	return err;
}

void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg)
{
	struct super_block *sb;

	down_read(&namespace_sem);
	list_for_each_entry(sb, &super_blocks, s_list)
		fn(sb, arg);
	up_read(&namespace_sem);
}

struct block_device *path_bdev(const char *path)
{
	struct dentry *d;
	struct block_device *b = NULL;

	down_read(&namespace_sem);
	if (!path_walk(path, false, &d, NULL))
		b = d->d_sb->s_bdev;
	up_read(&namespace_sem);
	return b;
}

/* umount: the mount point forgets the root; the file system goes. */
static void umount_one(struct super_block *sb)
{
	struct dentry *root = sb->s_root, *mp = root->d_mountpoint;
	struct block_device *bdev = sb->s_bdev;
	struct backing_dev_info *bdi = sb->s_bdi;

	if (mp)
		mp->d_mounted = NULL;
	list_del(&sb->s_list);
	kill_sb(sb);
	if (bdi && bdi != &noop_backing_dev_info)
		bdi_put(bdi);
	if (bdev)
		bdev_free(bdev);
}

static int vfs_init(void)
{
	shm_sb = shmem_fill_super(1, "shm");
	root_sb = shmem_fill_super(get_anon_dev_minor(), "tmpfs");
	if (!shm_sb || !root_sb)
		return -ENOMEM;
	list_add(&shm_sb->s_list, &super_blocks);
	list_add(&root_sb->s_list, &super_blocks);
	return 0;
}

static void vfs_exit(void)
{
	blk_complete_all();
	ksys_sync();
	down_write(&namespace_sem);
	while (!list_empty(&super_blocks))
		umount_one(list_first_entry(&super_blocks, struct super_block, s_list));
	root_sb = shm_sb = NULL;
	up_write(&namespace_sem);
}
/* After the VMA, mm and file caches (INIT_MM) and the inode and dentry
 * caches (INIT_MM + 1), before the tasks (INIT_MM + 5), so that shutdown
 * tears every process down before the file systems go. */
mmk_initcall(INIT_MM + 2, vfs_init, vfs_exit);
