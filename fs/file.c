/*
 * file.c - descriptor tables (Linux fs/file.c at the level mmkit needs;
 * include/mmkit/fs.h): an array of struct file pointers indexed by fd,
 * kmalloc'ed and doubled as needed up to RLIMIT_NOFILE, shared by the
 * threads of a process (count) and copied by fork (dup_fd: the child's
 * descriptors refer to the same open files, so they share the position).
 * A new descriptor is the lowest free one, as POSIX requires.  file_lock
 * (a leaf) guards the array.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/fs.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"

static DEFINE_FAULT_SITE(files_alloc_fail, "files_struct_alloc");
#define NR_OPEN_DEFAULT 64

struct files_struct *alloc_files(void)
{
	struct files_struct *files;

	if (should_fail(&files_alloc_fail))
		return NULL;
	files = kzalloc(sizeof(*files), GFP_KERNEL);
	if (!files)
		return NULL;
	files->fd = kcalloc(NR_OPEN_DEFAULT, sizeof(struct file *), GFP_KERNEL);
	if (!files->fd) {
		kfree(files);
		return NULL;
	}
	files->max_fds = NR_OPEN_DEFAULT;
	atomic_store(&files->count, 1);
	spin_lock_init(&files->file_lock);
	return files;
}

struct files_struct *dup_fd(struct files_struct *old)
{
	struct files_struct *files = alloc_files();
	struct file **fd;
	unsigned int i;

	if (!files)
		return NULL;
	spin_lock(&old->file_lock);
	if (old->max_fds > files->max_fds) {
		spin_unlock(&old->file_lock);
		fd = kcalloc(old->max_fds, sizeof(struct file *), GFP_KERNEL);
		if (!fd) {
			put_files_struct(files);
			return NULL;
		}
		kfree(files->fd);
		files->fd = fd;
		files->max_fds = old->max_fds;
		spin_lock(&old->file_lock);
	}
	for (i = 0; i < old->max_fds && i < files->max_fds; i++)
		if (old->fd[i])
			files->fd[i] = get_file(old->fd[i]);
	spin_unlock(&old->file_lock);
	return files;
}

void put_files_struct(struct files_struct *files)
{
	unsigned int i;

	if (atomic_fetch_sub(&files->count, 1) != 1)
		return;
	for (i = 0; i < files->max_fds; i++)
		if (files->fd[i])
			fput(files->fd[i]);
	spin_lock_destroy(&files->file_lock);
	kfree(files->fd);
	kfree(files);
}

/* Make room for fd n (n < nofile).  Drops and retakes file_lock. */
static int expand_files(struct files_struct *files, unsigned int n)
{
	unsigned int nr = files->max_fds;
	struct file **fd;

	while (nr <= n)
		nr *= 2;
	spin_unlock(&files->file_lock);
	fd = kcalloc(nr, sizeof(struct file *), GFP_KERNEL);
	spin_lock(&files->file_lock);
	if (!fd)
		return -ENOMEM;
	if (files->max_fds >= nr) { /* another thread grew it */
		kfree(fd);
		return 0;
	}
	memcpy(fd, files->fd, sizeof(struct file *) * files->max_fds);
	kfree(files->fd);
	files->fd = fd;
	files->max_fds = nr;
	return 0;
}

int fd_install_new(struct files_struct *files, struct file *f, unsigned long nofile)
{
	unsigned int i;
	int err;

	spin_lock(&files->file_lock);
	for (;;) {
		for (i = 0; i < files->max_fds && files->fd[i]; i++)
			;
		if (i >= nofile) {
			spin_unlock(&files->file_lock);
			return -EMFILE;
		}
		if (i < files->max_fds)
			break;
		err = expand_files(files, i);
		if (err) {
			spin_unlock(&files->file_lock);
			return err;
		}
	}
	files->fd[i] = f;
	spin_unlock(&files->file_lock);
	return (int)i;
}

struct file *fget(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	if (!files || fd < 0)
		return NULL;
	spin_lock(&files->file_lock);
	if ((unsigned int)fd < files->max_fds && files->fd[fd])
		f = get_file(files->fd[fd]);
	spin_unlock(&files->file_lock);
	return f;
}

struct file *fd_remove(struct files_struct *files, int fd)
{
	struct file *f = NULL;

	if (!files || fd < 0)
		return NULL;
	spin_lock(&files->file_lock);
	if ((unsigned int)fd < files->max_fds) {
		f = files->fd[fd];
		files->fd[fd] = NULL;
	}
	spin_unlock(&files->file_lock);
	return f;
}

struct file *fd_install_at(struct files_struct *files, int fd, struct file *f, unsigned long nofile,
			   int *err)
{
	struct file *old;

	*err = 0;
	if (fd < 0 || (unsigned long)fd >= nofile) {
		*err = -EBADF;
		return NULL;
	}
	spin_lock(&files->file_lock);
	if ((unsigned int)fd >= files->max_fds) {
		*err = expand_files(files, (unsigned int)fd);
		if (*err) {
			spin_unlock(&files->file_lock);
			return NULL;
		}
	}
	old = files->fd[fd];
	files->fd[fd] = f;
	spin_unlock(&files->file_lock);
	return old;
}

struct file *fget_current(int fd) { return fget(current->files, fd); }

long sys_dup(int fd)
{
	struct file *f = fget_current(fd);
	int ret;

	if (!f)
		return -EBADF;
	ret = fd_install_new(current->files, f, rlimit(RLIMIT_NOFILE));
	if (ret < 0)
		fput(f);
	return ret;
}

long sys_close(int fd)
{
	struct file *f = fd_remove(current->files, fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}
