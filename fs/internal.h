/*
 * internal.h - what the files of fs/ share and nothing else needs (Linux
 * fs/internal.h).
 */
#ifndef MMKIT_FS_INTERNAL_H
#define MMKIT_FS_INTERNAL_H

#include "mmkit/fs.h"

#define NAME_MAX 255

/* fs/namei.c; callers hold namespace_sem (write to change the tree). */
int walk_component(struct dentry *dir, const char *name, struct dentry **out);
/* Walk path from the root: the dentry it names (no reference), or with
 * parent the directory of its last component, whose name goes to last
 * (NAME_MAX + 1 bytes; "" for "/"). */
int path_walk(const char *path, bool parent, struct dentry **out, char *last);
int vfs_mkdir(struct dentry *dir, const char *last, umode_t mode);
int mkdir_p(const char *path, struct dentry **out);

/* fs/hostfs.c: a super block over the host directory dirfd (which it
 * owns from now on).  NULL on -ENOMEM (dirfd closed). */
struct super_block *hostfs_fill_super(int dirfd, const char *hostdir, bool rdonly,
				      struct block_device *bdev);

#endif
