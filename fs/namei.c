/*
 * namei.c - path lookup, mkdir and unlink (Linux fs/namei.c at the level
 * mmkit needs; include/mmkit/fs.h).
 *
 * A path is walked from the root one component at a time under
 * namespace_sem: "." stays, ".." goes up (across a mount to the mount
 * point's parent), any other name is found in the parent's cached children
 * or asked of its file system (i_op->lookup: hostfs stats the host file;
 * tmpfs has no names it does not cache), and a mount point is crossed into
 * the root mounted on it.  Every task's working directory is "/", so a
 * relative path starts there too.  Errors as Linux: ENOENT, ENOTDIR,
 * ENAMETOOLONG (a component over 255 bytes, a path over 4095), EROFS,
 * EISDIR, EEXIST.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "mmkit/fs.h"
#include "mmkit/sched.h"

#define NAME_MAX 255
#define PATH_MAX 4096

DECLARE_RWSEM(namespace_sem);

int inode_permission(struct inode *inode, int mask)
{
	return inode->i_op && inode->i_op->permission ? inode->i_op->permission(inode, mask) : 0;
}

/* The child name of dir, looked up if not cached; mounts crossed.  No
 * reference taken (the tree holds one).  Caller holds namespace_sem. */
int walk_component(struct dentry *dir, const char *name, struct dentry **out)
{
	struct dentry *d;

	lockdep_assert_held(&namespace_sem);
	int err;

	if (!dir->d_inode || !MMK_S_ISDIR(dir->d_inode->i_mode))
		return -ENOTDIR;
	if (!strcmp(name, ".")) {
		*out = dir;
		return 0;
	}
	if (!strcmp(name, "..")) {
		while (dir->d_parent == dir && dir->d_mountpoint)
			dir = dir->d_mountpoint;
		d = dir->d_parent;
	} else {
		d = d_lookup(dir, name);
	}
	if (!d) {
		d = d_alloc(dir, name);
		if (!d)
			return -ENOMEM;
		err = dir->d_inode->i_op->lookup(dir->d_inode, d);
		dput(d); /* on success the tree holds it */
		if (err)
			return err;
	}
	while (d->d_mounted)
		d = d->d_mounted;
	*out = d;
	return 0;
}

/* Copy the next component of *p into name; false at the end. */
static bool next_component(const char **p, char *name, int *err)
{
	const char *s = *p, *e;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	e = strchrnul(s, '/');
	if (e - s > NAME_MAX) {
		*err = -ENAMETOOLONG;
		return false;
	}
	memcpy(name, s, (size_t)(e - s));
	name[e - s] = 0;
	*p = e;
	return true;
}

static bool is_last(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

int path_walk(const char *path, bool parent, struct dentry **out, char *last)
{
	struct dentry *cur = root_sb->s_root;
	char name[NAME_MAX + 1];
	const char *p = path;
	int err = 0;

	if (!*path)
		return -ENOENT;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	while (cur->d_mounted)
		cur = cur->d_mounted;
	if (last)
		last[0] = 0;
	while (next_component(&p, name, &err)) {
		if (parent && is_last(p)) {
			if (!MMK_S_ISDIR(cur->d_inode->i_mode))
				return -ENOTDIR;
			memcpy(last, name, strlen(name) + 1); /* NAME_MAX + 1 fits */
			break;
		}
		err = walk_component(cur, name, &cur);
		if (err)
			return err;
	}
	if (err)
		return err;
	/* "a/file/" names a directory */
	if (!parent && path[strlen(path) - 1] == '/' && !MMK_S_ISDIR(cur->d_inode->i_mode))
		return -ENOTDIR;
	*out = cur;
	return 0;
}

int kern_path(const char *path, struct dentry **out)
{
	int err;

	down_read(&namespace_sem);
	err = path_walk(path, false, out, NULL);
	if (!err)
		dget(*out);
	up_read(&namespace_sem);
	return err;
}

/* mkdir of last in dir.  Caller holds namespace_sem for write. */
int vfs_mkdir(struct dentry *dir, const char *last, umode_t mode)
{
	struct dentry *d;
	int err;

	lockdep_assert_held_write(&namespace_sem);
	err = walk_component(dir, last, &d);
	if (!err)
		return -EEXIST;
	if (err != -ENOENT)
		return err;
	if (dir->d_sb->s_flags & SB_RDONLY)
		return -EROFS;
	if (!dir->d_inode->i_op->mkdir)
		return -EPERM;
	d = d_alloc(dir, last);
	if (!d)
		return -ENOMEM;
	err = dir->d_inode->i_op->mkdir(dir->d_inode, d, mode);
	dput(d);
	return err;
}

long sys_mkdir(const char *path, umode_t mode)
{
	char last[NAME_MAX + 1];
	struct dentry *dir;
	int err;

	down_write(&namespace_sem);
	err = path_walk(path, true, &dir, last);
	if (!err && !last[0])
		err = -EEXIST; /* "/" */
	if (!err)
		err = vfs_mkdir(dir, last, mode);
	up_write(&namespace_sem);
	return err;
}

/* Make every missing directory of path (mkdir -p).  Caller holds
 * namespace_sem for write.  The directory's dentry in *out. */
int mkdir_p(const char *path, struct dentry **out)
{
	struct dentry *cur = root_sb->s_root;
	char name[NAME_MAX + 1];
	const char *p = path;
	int err = 0;

	while (cur->d_mounted)
		cur = cur->d_mounted;
	while (next_component(&p, name, &err)) {
		err = walk_component(cur, name, &cur);
		if (err == -ENOENT) {
			err = vfs_mkdir(cur, name, 0755);
			if (!err)
				err = walk_component(cur, name, &cur);
		}
		if (err)
			return err;
	}
	if (err)
		return err;
	if (!MMK_S_ISDIR(cur->d_inode->i_mode))
		return -ENOTDIR;
	*out = cur;
	return 0;
}

long sys_unlink(const char *path)
{
	char last[NAME_MAX + 1];
	struct dentry *dir, *d;
	struct inode *inode;
	int err;

	down_write(&namespace_sem);
	err = path_walk(path, true, &dir, last);
	if (!err && !last[0])
		err = -EISDIR; /* "/" */
	if (!err)
		err = walk_component(dir, last, &d);
	if (err)
		goto out;
	inode = d->d_inode;
	if (MMK_S_ISDIR(inode->i_mode))
		err = -EISDIR;
	else if (d->d_mounted || d->d_parent != dir)
		err = -EBUSY;
	else if (d->d_sb->s_flags & SB_RDONLY)
		err = -EROFS;
	else
		err = dir->d_inode->i_op->unlink ? dir->d_inode->i_op->unlink(dir->d_inode, d) :
						   -EPERM;
	if (!err)
		d_delete(d);
out:
	up_write(&namespace_sem);
	return err;
}
