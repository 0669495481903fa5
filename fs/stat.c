/*
 * stat.c - stat and fstat (Linux fs/stat.c at the level mmkit needs):
 * st_size is i_size, st_blocks what the file system reports (tmpfs: the
 * pages it holds; hostfs: the host's allocation plus dirty pages over its
 * holes, as ext4 counts delayed allocation), st_ino/st_dev/st_nlink/st_mode
 * from the inode.
 */
#include <errno.h>
#include "mmkit/fs.h"

static void generic_fillattr(struct inode *inode, struct kstat *st)
{
	st->size = i_size_read(inode);
	st->blocks = inode->i_op->getblocks ? inode->i_op->getblocks(inode) : inode->i_blocks;
	st->ino = inode->i_ino;
	st->nlink = inode->i_nlink;
	st->mode = inode->i_mode;
	st->dev_major = inode->i_dev_major;
	st->dev_minor = inode->i_dev_minor;
}

long sys_stat(const char *path, struct kstat *st)
{
	struct dentry *d;
	int err = kern_path(path, &d);

	if (err)
		return err;
	generic_fillattr(d->d_inode, st);
	dput(d);
	return 0;
}

long sys_fstat(int fd, struct kstat *st)
{
	struct file *f = fget_current(fd);

	if (!f)
		return -EBADF;
	generic_fillattr(f->f_inode, st);
	fput(f);
	return 0;
}
