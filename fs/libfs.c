/*
 * libfs.c - what file systems share (Linux fs/libfs.c): the file
 * operations of directories, which cannot be read or written as files
 * (read: -EISDIR) and sync as a no-op.
 */
#include <errno.h>
#include "mmkit/fs.h"

static long generic_read_dir(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	(void)f, (void)ubuf, (void)len, (void)pos;
	return -EISDIR;
}

static int noop_fsync(struct file *f, loff_t start, loff_t end, bool datasync)
{
	(void)f, (void)start, (void)end, (void)datasync;
	return 0;
}

static loff_t dcache_dir_lseek(struct file *f, loff_t off, int whence)
{
	if (whence == MMK_SEEK_CUR)
		off += f->f_pos;
	else if (whence != MMK_SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	f->f_pos = off;
	return off;
}

const struct file_operations simple_dir_operations = {
	.release = file_release,
	.read = generic_read_dir,
	.fsync = noop_fsync,
	.llseek = dcache_dir_lseek,
};
