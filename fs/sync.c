/*
 * sync.c - fsync, fdatasync and sync (Linux fs/sync.c at the level mmkit
 * needs).  fsync writes the file's dirty pages back and waits
 * (file_write_and_wait_range), then asks the host to make them durable;
 * it reports a writeback error recorded since this open file last looked,
 * once (errseq).  sync writes back every file system's dirty inodes.
 */
#include <errno.h>
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/writeback.h"

int vfs_fsync_range(struct file *f, loff_t start, loff_t end, bool datasync)
{
	if (!f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, start, end, datasync);
}

static long do_fsync(int fd, bool datasync)
{
	struct file *f = fget_current(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = vfs_fsync_range(f, 0, MAX_LFS_FILESIZE, datasync);
	fput(f);
	return ret;
}

long sys_fsync(int fd) { return do_fsync(fd, false); }

long sys_fdatasync(int fd) { return do_fsync(fd, true); }

void ksys_sync(void) { sync_inodes_sb(NULL); }
