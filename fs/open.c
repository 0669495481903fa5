/*
 * open.c - open, truncate and fallocate (Linux fs/open.c, fs/namei.c
 * do_filp_open at the level mmkit needs).
 *
 * open: under namespace_sem the parent directory is walked, the last name
 * looked up and, with O_CREAT, created (O_EXCL: -EEXIST if it exists); a
 * directory cannot be opened for writing (-EISDIR); O_DIRECTORY wants one
 * (-ENOTDIR); writing needs a writable file system (-EROFS) and, on a host
 * mount, a host file the host lets us write (-EACCES); O_TRUNC truncates a
 * regular file to 0.  The file goes into the lowest free descriptor
 * (-EMFILE at RLIMIT_NOFILE).  Access mode 3 opens a file for neither
 * reading nor writing, as Linux allows.  A host symbolic link is followed,
 * except with O_NOFOLLOW (-ELOOP); one that leads nowhere is -ENOENT (mmkit
 * does not create its target).
 */
#include <errno.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"

static fmode_t open_fmode(int flags)
{
	fmode_t m = FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	int acc = flags & MMK_O_ACCMODE;

	if (acc == MMK_O_RDONLY || acc == MMK_O_RDWR)
		m |= FMODE_READ;
	if (acc == MMK_O_WRONLY || acc == MMK_O_RDWR)
		m |= FMODE_WRITE;
	return m;
}

/* The dentry to open: looked up, or created with O_CREAT.  Caller holds
 * namespace_sem for write.  *created says whether it is new. */
static int open_last(struct dentry *dir, const char *last, int flags, umode_t mode,
		     struct dentry **out, bool *created)
{
	struct dentry *d;
	int err;

	*created = false;
	if (!last[0]) { /* "/" */
		*out = dir;
		return (flags & MMK_O_CREAT) ? -EISDIR : 0;
	}
	err = walk_component(dir, last, out);
	if (!err)
		return (flags & MMK_O_CREAT) && (flags & MMK_O_EXCL) ? -EEXIST : 0;
	if (err != -ENOENT || !(flags & MMK_O_CREAT))
		return err;
	if (dir->d_sb->s_flags & SB_RDONLY)
		return -EROFS;
	d = d_alloc(dir, last);
	if (!d)
		return -ENOMEM;
	err = dir->d_inode->i_op->create(dir->d_inode, d, MMK_S_IFREG | (mode & 07777));
	dput(d); /* the tree holds it */
	if (err)
		return err;
	*created = true;
	return walk_component(dir, last, out);
}

static int may_open(struct dentry *d, int flags, fmode_t fmode)
{
	struct inode *inode = d->d_inode;

	if (d->d_symlink && (flags & MMK_O_NOFOLLOW))
		return -ELOOP;
	if (MMK_S_ISLNK(inode->i_mode))
		return -ENOENT; /* a link that leads nowhere */
	if (MMK_S_ISDIR(inode->i_mode))
		return (fmode & FMODE_WRITE) || (flags & MMK_O_TRUNC) ? -EISDIR : 0;
	if (flags & MMK_O_DIRECTORY)
		return -ENOTDIR;
	if (!(fmode & FMODE_WRITE) && !(flags & MMK_O_TRUNC))
		return 0;
	if (d->d_sb->s_flags & SB_RDONLY)
		return -EROFS;
	return inode_permission(inode, MAY_WRITE);
}

struct file *do_filp_open(const char *path, int flags, umode_t mode, int *err)
{
	char last[NAME_MAX + 1];
	fmode_t fmode = open_fmode(flags);
	struct dentry *dir, *d = NULL;
	struct file *f = NULL;
	bool created = false;

	bool slash = path[0] && path[strlen(path) - 1] == '/';

	down_write(&namespace_sem);
	*err = path_walk(path, true, &dir, last);
	if (!*err && slash && last[0] && (flags & MMK_O_CREAT))
		*err = -EISDIR; /* "dir/name/" is never created */
	if (!*err)
		*err = open_last(dir, last, flags, mode, &d, &created);
	if (!*err && slash && last[0] && !MMK_S_ISDIR(d->d_inode->i_mode))
		*err = -ENOTDIR;
	if (!*err)
		*err = may_open(d, flags, fmode);
	if (!*err) {
		f = alloc_file(d, (unsigned int)flags & ~(MMK_O_CREAT | MMK_O_EXCL | MMK_O_TRUNC),
			       fmode);
		if (!f)
			*err = -ENOMEM;
	}
	up_write(&namespace_sem);
	if (f && (flags & MMK_O_TRUNC) && !created && MMK_S_ISREG(d->d_inode->i_mode)) {
		*err = do_truncate(f->f_inode, 0);
		if (*err) {
			fput(f);
			f = NULL;
		}
	}
	return f;
}

long sys_open(const char *path, int flags, umode_t mode)
{
	struct file *f;
	int err, fd;

	f = do_filp_open(path, flags, mode, &err);
	if (!f)
		return err;
	fd = fd_install_new(current->files, f, rlimit(RLIMIT_NOFILE));
	if (fd < 0)
		fput(f);
	return fd;
}

int do_truncate(struct inode *inode, loff_t length)
{
	int err;

	if (length < 0)
		return -EINVAL;
	if ((unsigned long)length > rlimit(RLIMIT_FSIZE))
		return -EFBIG;
	if (inode->i_swapfile)
		return -ETXTBSY;
	inode_lock(inode);
	err = inode->i_op->setsize(inode, length);
	inode_unlock(inode);
	return err;
}

long sys_ftruncate(int fd, loff_t length)
{
	struct file *f;
	long err;

	if (length < 0)
		return -EINVAL;
	f = fget_current(fd);
	if (!f)
		return -EBADF;
	if (!MMK_S_ISREG(f->f_inode->i_mode) || !(f->f_mode & FMODE_WRITE))
		err = -EINVAL;
	else
		err = do_truncate(f->f_inode, length);
	fput(f);
	return err;
}

long sys_truncate(const char *path, loff_t length)
{
	struct dentry *d;
	long err;

	if (length < 0)
		return -EINVAL;
	err = kern_path(path, &d);
	if (err)
		return err;
	if (MMK_S_ISDIR(d->d_inode->i_mode))
		err = -EISDIR;
	else if (d->d_sb->s_flags & SB_RDONLY)
		err = -EROFS;
	else
		err = inode_permission(d->d_inode, MAY_WRITE);
	if (!err)
		err = do_truncate(d->d_inode, length);
	dput(d);
	return err;
}

/* Linux ksys_fallocate / vfs_fallocate: the descriptor, then the mode,
 * then the file; the file system says what it supports. */
long sys_fallocate(int fd, int mode, loff_t offset, loff_t len)
{
	const int known = MMK_FALLOC_FL_KEEP_SIZE | MMK_FALLOC_FL_PUNCH_HOLE |
			  MMK_FALLOC_FL_NO_HIDE_STALE | MMK_FALLOC_FL_COLLAPSE_RANGE |
			  MMK_FALLOC_FL_ZERO_RANGE | MMK_FALLOC_FL_INSERT_RANGE |
			  MMK_FALLOC_FL_UNSHARE_RANGE;
	struct file *f = fget_current(fd);
	struct inode *inode;
	long err;

	if (!f)
		return -EBADF;
	inode = f->f_inode;
	if (offset < 0 || len <= 0)
		err = -EINVAL;
	else if ((mode & ~known) ||
		 ((mode & MMK_FALLOC_FL_PUNCH_HOLE) && !(mode & MMK_FALLOC_FL_KEEP_SIZE)))
		err = -EOPNOTSUPP;
	else if (!(f->f_mode & FMODE_WRITE))
		err = -EBADF;
	else if (MMK_S_ISDIR(inode->i_mode))
		err = -EISDIR;
	else if (!MMK_S_ISREG(inode->i_mode))
		err = -ENODEV;
	else if (inode->i_swapfile)
		err = -ETXTBSY;
	else if (offset + len > MAX_LFS_FILESIZE || offset + len < 0)
		err = -EFBIG;
	else /* the file system's own method, last (Linux vfs_fallocate) */
		err = f->f_op->fallocate ? f->f_op->fallocate(f, mode, offset, len) : -EOPNOTSUPP;
	fput(f);
	return err;
}
