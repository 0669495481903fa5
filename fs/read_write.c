/*
 * read_write.c - read, write, pread, pwrite and lseek (Linux
 * fs/read_write.c at the level mmkit needs).
 *
 * The checks run in Linux's order: the descriptor (-EBADF), the mode it was
 * opened with (-EBADF), the buffer's range (access_ok: -EFAULT), the
 * position (-EINVAL when negative), the count clamped to MAX_RW_COUNT; then
 * the file's read/write (mm/filemap.c for regular files: copies through the
 * MMU, so a buffer that faults part way gives a short count).  fadvise and
 * readahead take their file here and advise the page cache.  read and
 * write move the file position under f_pos_lock, which forked processes
 * and dup'ed descriptors share through the one struct file.
 */
#include <errno.h>
#include "mmkit/pagemap.h"
#include "mmkit/pgtable.h"
#include "mmkit/sched.h"

/* Linux access_ok on x86-64: the range lies below TASK_SIZE_MAX. */
static bool access_ok(unsigned long buf, size_t count)
{
	return buf + count >= buf && buf + count <= TASK_SIZE_MAX;
}

/* rw_verify_area: -EINVAL for a negative position or an overflowing range. */
static long rw_verify_area(loff_t pos, size_t count)
{
	if (pos < 0)
		return -EINVAL;
	if (count > (size_t)MAX_LFS_FILESIZE || pos + (loff_t)count < pos)
		return -EINVAL;
	return 0;
}

static long vfs_read(struct file *f, unsigned long buf, size_t count, loff_t *pos)
{
	long ret;

	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	ret = rw_verify_area(*pos, count);
	if (ret)
		return ret;
	if (count > (size_t)MAX_RW_COUNT)
		count = (size_t)MAX_RW_COUNT;
	return f->f_op->read(f, buf, count, pos);
}

static long vfs_write(struct file *f, unsigned long buf, size_t count, loff_t *pos)
{
	long ret;

	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	ret = rw_verify_area(*pos, count);
	if (ret)
		return ret;
	if (count > (size_t)MAX_RW_COUNT)
		count = (size_t)MAX_RW_COUNT;
	return f->f_op->write(f, buf, count, pos);
}

long sys_read(int fd, unsigned long buf, size_t count)
{
	struct file *f = fget_current(fd);
	loff_t pos;
	long ret;

	if (!f)
		return -EBADF;
	down_write(&f->f_pos_lock);
	pos = f->f_pos;
	ret = vfs_read(f, buf, count, &pos);
	if (ret >= 0)
		f->f_pos = pos;
	up_write(&f->f_pos_lock);
	fput(f);
	return ret;
}

long sys_write(int fd, unsigned long buf, size_t count)
{
	struct file *f = fget_current(fd);
	loff_t pos;
	long ret;

	if (!f)
		return -EBADF;
	down_write(&f->f_pos_lock);
	pos = f->f_pos;
	ret = vfs_write(f, buf, count, &pos);
	if (ret >= 0)
		f->f_pos = pos;
	up_write(&f->f_pos_lock);
	fput(f);
	return ret;
}

long sys_pread64(int fd, unsigned long buf, size_t count, loff_t pos)
{
	struct file *f;
	long ret;

	if (pos < 0)
		return -EINVAL;
	f = fget_current(fd);
	if (!f)
		return -EBADF;
	ret = (f->f_mode & FMODE_PREAD) ? vfs_read(f, buf, count, &pos) : -ESPIPE;
	fput(f);
	return ret;
}

long sys_pwrite64(int fd, unsigned long buf, size_t count, loff_t pos)
{
	struct file *f;
	long ret;

	if (pos < 0)
		return -EINVAL;
	f = fget_current(fd);
	if (!f)
		return -EBADF;
	ret = (f->f_mode & FMODE_PWRITE) ? vfs_write(f, buf, count, &pos) : -ESPIPE;
	fput(f);
	return ret;
}

/* vfs_setpos: the new position if it is valid. */
static loff_t vfs_setpos(struct file *f, loff_t off)
{
	if (off < 0 || off > MAX_LFS_FILESIZE)
		return -EINVAL;
	f->f_pos = off;
	return off;
}

loff_t generic_file_llseek(struct file *f, loff_t off, int whence)
{
	loff_t eof = i_size_read(f->f_inode);

	switch (whence) {
	case MMK_SEEK_END:
		off += eof;
		break;
	case MMK_SEEK_CUR:
		if (off == 0)
			return f->f_pos;
		off += f->f_pos;
		break;
	case MMK_SEEK_DATA:
		if ((unsigned long long)off >= (unsigned long long)eof)
			return -ENXIO;
		break;
	case MMK_SEEK_HOLE:
		if ((unsigned long long)off >= (unsigned long long)eof)
			return -ENXIO;
		off = eof;
		break;
	}
	return vfs_setpos(f, off);
}

loff_t sys_lseek(int fd, loff_t offset, int whence)
{
	struct file *f = fget_current(fd);
	loff_t ret;

	if (!f)
		return -EBADF;
	if (whence < 0 || whence > MMK_SEEK_HOLE) {
		fput(f);
		return -EINVAL;
	}
	down_write(&f->f_pos_lock);
	ret = f->f_op->llseek ? f->f_op->llseek(f, offset, whence) : -ESPIPE;
	up_write(&f->f_pos_lock);
	fput(f);
	return ret;
}

long sys_fadvise64(int fd, loff_t offset, loff_t len, int advice)
{
	struct file *f = fget_current(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = vfs_fadvise(f, offset, len, advice);
	fput(f);
	return ret;
}

/* readahead(2): regular files with a page cache that reads (Linux
 * ksys_readahead -> POSIX_FADV_WILLNEED). */
long sys_readahead(int fd, loff_t offset, size_t count)
{
	struct file *f = fget_current(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_READ))
		ret = -EBADF;
	else if (!MMK_S_ISREG(f->f_inode->i_mode) || !f->f_mapping->a_ops)
		ret = -EINVAL;
	else
		ret = vfs_fadvise(f, offset, (loff_t)count, MMK_POSIX_FADV_WILLNEED);
	fput(f);
	return ret;
}
