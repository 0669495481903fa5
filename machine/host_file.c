/*
 * host_file.c - host files for hostfs and the block layer (include/mmkit/host.h):
 * openat/fstatat/preadv/pwritev/ftruncate/fallocate/fsync/unlinkat/mkdirat/
 * lseek(SEEK_DATA) on the host, each retried on EINTR and returning -errno.
 * Nothing here knows about pages or the simulated clock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>
#include "mmkit/host.h"

#define RETRY(expr)                                \
	({                                         \
		long __r;                          \
		do                                 \
			__r = (long)(expr);        \
		while (__r < 0 && errno == EINTR); \
		__r < 0 ? -(long)errno : __r;      \
	})

int host_open_dir(const char *path)
{
	return (int)RETRY(open(path, O_PATH | O_DIRECTORY | O_CLOEXEC));
}

int host_open_at(int dirfd, const char *name, bool dir, bool create, unsigned int mode)
{
	if (dir)
		return (int)RETRY(openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (create)
		return (int)RETRY(openat(dirfd, name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode));
	return (int)RETRY(openat(dirfd, name, O_RDONLY | O_CLOEXEC));
}

int host_reopen_rw(int fd)
{
	char path[32];
	long rw, r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rw = RETRY(open(path, O_RDWR | O_CLOEXEC));
	if (rw < 0)
		return (int)rw;
	r = RETRY(dup3((int)rw, fd, O_CLOEXEC));
	close((int)rw);
	return r < 0 ? (int)r : 0;
}

int host_close(int fd) { return close(fd) < 0 ? -errno : 0; }

static void host_stat_from(const struct stat *s, struct host_stat *st)
{
	st->dev_major = major(s->st_dev);
	st->dev_minor = minor(s->st_dev);
	st->ino = s->st_ino;
	st->mode = s->st_mode;
	st->nlink = (unsigned int)s->st_nlink;
	st->size = s->st_size;
	st->blocks = (unsigned long)s->st_blocks;
}

int host_fstat(int fd, struct host_stat *st)
{
	struct stat s;
	long r = RETRY(fstat(fd, &s));

	if (r == 0)
		host_stat_from(&s, st);
	return (int)r;
}

int host_stat_at(int dirfd, const char *name, struct host_stat *st)
{
	struct stat s;
	long r = RETRY(fstatat(dirfd, name, &s, 0));

	if (r == 0)
		host_stat_from(&s, st);
	return (int)r;
}

int host_lstat_at(int dirfd, const char *name, struct host_stat *st)
{
	struct stat s;
	long r = RETRY(fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW));

	if (r == 0)
		host_stat_from(&s, st);
	return (int)r;
}

/* Transfer the whole vector at off: loop over short transfers, rebuilding
 * the remaining vector from entry i at byte skip each time. */
static long host_rw(int fd, const struct host_iovec *hiov, int n, long long off, bool write)
{
	struct iovec iov[HOST_IOV_MAX];
	size_t skip = 0;
	long total = 0;
	int i = 0, k;

	if (n > HOST_IOV_MAX)
		return -EINVAL;
	while (i < n) {
		long r;

		for (k = i; k < n; k++)
			iov[k - i] = (struct iovec){ hiov[k].base, hiov[k].len };
		iov[0].iov_base = (char *)iov[0].iov_base + skip;
		iov[0].iov_len -= skip;
		r = write ? RETRY(pwritev(fd, iov, n - i, off + total)) :
			    RETRY(preadv(fd, iov, n - i, off + total));
		if (r < 0)
			return total ? total : r;
		if (r == 0)
			break; /* end of file (read) */
		total += r;
		skip += (size_t)r;
		while (i < n && skip >= hiov[i].len)
			skip -= hiov[i++].len;
	}
	return total;
}

long host_preadv(int fd, const struct host_iovec *iov, int n, long long off)
{
	return host_rw(fd, iov, n, off, false);
}

#if defined(__SANITIZE_THREAD__)
#define HOST_WRITE_BOUNCE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HOST_WRITE_BOUNCE 1
#endif
#endif

#ifdef HOST_WRITE_BOUNCE
/*
 * TSan builds only.  A write reads simulated RAM as a device's DMA does:
 * with no lock against the CPUs.  Linux lets a CPU store to a page while it
 * is written out: do_swap_page maps a swap-cache page under writeback
 * writable, and the page is dirty again and written later.  The MMU's
 * stores are relaxed atomics; pwritev's interceptor reads plainly, so TSan
 * would report the device's read as a race.  Copy the data out with relaxed
 * atomic loads first and write the copy.  Other builds pass the pages to
 * pwritev directly.
 */
static void copy_relaxed(unsigned char *dst, const unsigned char *src, size_t len)
{
	while (len && ((uintptr_t)src & 7)) {
		*dst++ = __atomic_load_n(src++, __ATOMIC_RELAXED);
		len--;
	}
	for (; len >= 8; len -= 8, src += 8, dst += 8) {
		uint64_t v = __atomic_load_n((const uint64_t *)(const void *)src, __ATOMIC_RELAXED);

		memcpy(dst, &v, 8);
	}
	while (len--)
		*dst++ = __atomic_load_n(src++, __ATOMIC_RELAXED);
}

long host_pwritev(int fd, const struct host_iovec *iov, int n, long long off)
{
	struct host_iovec one;
	size_t total = 0, at = 0;
	unsigned char *buf;
	long r;
	int i;

	if (n > HOST_IOV_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		total += iov[i].len;
	buf = malloc(total ? total : 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; at += iov[i].len, i++)
		copy_relaxed(buf + at, iov[i].base, iov[i].len);
	one = (struct host_iovec){ buf, total };
	r = host_rw(fd, &one, 1, off, true);
	free(buf);
	return r;
}
#else
long host_pwritev(int fd, const struct host_iovec *iov, int n, long long off)
{
	return host_rw(fd, iov, n, off, true);
}
#endif

int host_ftruncate(int fd, long long len) { return (int)RETRY(ftruncate(fd, len)); }

int host_fallocate(int fd, int mode, long long off, long long len)
{
	return (int)RETRY(fallocate(fd, mode, off, len));
}

int host_fsync(int fd, bool datasync)
{
	return (int)(datasync ? RETRY(fdatasync(fd)) : RETRY(fsync(fd)));
}

int host_unlink_at(int dirfd, const char *name) { return (int)RETRY(unlinkat(dirfd, name, 0)); }

int host_mkdir_at(int dirfd, const char *name, unsigned int mode)
{
	return (int)RETRY(mkdirat(dirfd, name, mode));
}

long long host_seek_data(int fd, long long off, bool hole)
{
	return RETRY(lseek(fd, off, hole ? SEEK_HOLE : SEEK_DATA));
}

int host_file_extents(int fd, long long start, long long len, struct host_extent *ext, int max)
{
	union { /* struct fiemap ends in its extents */
		struct fiemap fm;
		u8 raw[sizeof(struct fiemap) + 64 * sizeof(struct fiemap_extent)];
	} req;
	const struct fiemap_extent *fe = req.fm.fm_extents;
	unsigned int i;

	if (max > 64)
		max = 64;
	memset(&req, 0, sizeof(req));
	req.fm.fm_start = (u64)start;
	req.fm.fm_length = (u64)len;
	req.fm.fm_flags = FIEMAP_FLAG_SYNC;
	req.fm.fm_extent_count = (u32)max;
	if (ioctl(fd, FS_IOC_FIEMAP, &req.fm) < 0)
		return -errno;
	for (i = 0; i < req.fm.fm_mapped_extents; i++) {
		ext[i].logical = (long long)fe[i].fe_logical;
		ext[i].physical = (long long)fe[i].fe_physical;
		ext[i].length = (long long)fe[i].fe_length;
		ext[i].last = fe[i].fe_flags & FIEMAP_EXTENT_LAST;
		ext[i].mapped = !(fe[i].fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC |
						    FIEMAP_EXTENT_DATA_INLINE));
		ext[i].unwritten = fe[i].fe_flags & FIEMAP_EXTENT_UNWRITTEN;
	}
	return (int)req.fm.fm_mapped_extents;
}
