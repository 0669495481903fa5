/*
 * host.h - host files (host/file.c): the only place mmkit calls the host's
 * file system.  The block layer (block/) carries the page cache's I/O here,
 * and hostfs (fs/hostfs.c) asks it for names, sizes and identities.  Every
 * function returns 0, a count, or -errno (the host's errno, which on Linux is
 * the simulated kernel's too); EINTR is retried.
 */
#ifndef MMKIT_HOST_H
#define MMKIT_HOST_H

#include <stddef.h>
#include "mmkit/compiler.h"

struct host_stat {
	unsigned int dev_major, dev_minor; /* st_dev split as the kernel prints it */
	unsigned long ino;
	unsigned int mode; /* st_mode */
	unsigned int nlink;
	long long size;
	unsigned long blocks; /* st_blocks, 512-byte units */
};
struct host_iovec {
	void *base;
	size_t len;
};

/* A directory to mount: an O_PATH|O_DIRECTORY descriptor. */
int host_open_dir(const char *path);
/* name in the directory dirfd: a directory (O_PATH), an existing regular
 * file read-only, or (create) a new one, O_CREAT|O_EXCL read-write with
 * mode.  Write access to an existing file is asked for only when the
 * machine opens it for writing (host_reopen_rw): a file the machine only
 * reads is never open for writing on the host, so the host can still
 * execute it (no ETXTBSY) and a read-only user loses nothing. */
int host_open_at(int dirfd, const char *name, bool dir, bool create, unsigned int mode);
/* Reopen the file open at fd read-write, in place: fd then refers to the
 * new open file description (dup3), so I/O already using the number goes
 * on.  0, or the host's error (-EACCES, -ETXTBSY, -EROFS, ...). */
int host_reopen_rw(int fd);
int host_close(int fd);
int host_fstat(int fd, struct host_stat *st);
/* stat of name in dirfd without opening it (follows symbolic links). */
int host_stat_at(int dirfd, const char *name, struct host_stat *st);
/* The same of name itself: a symbolic link is not followed. */
int host_lstat_at(int dirfd, const char *name, struct host_stat *st);
/* Read or write the whole vector of n <= HOST_IOV_MAX entries at off
 * (short only at the end of a read: the count says how much); -EINVAL for
 * a longer vector. */
#define HOST_IOV_MAX 256
long host_preadv(int fd, const struct host_iovec *iov, int n, long long off);
long host_pwritev(int fd, const struct host_iovec *iov, int n, long long off);
int host_ftruncate(int fd, long long len);
/* mode: Linux FALLOC_FL_* bits. */
int host_fallocate(int fd, int mode, long long off, long long len);
int host_fsync(int fd, bool datasync);
int host_unlink_at(int dirfd, const char *name);
int host_mkdir_at(int dirfd, const char *name, unsigned int mode);
/* The host file's extents (FIEMAP, synced first): byte ranges of the file
 * and where they are on the device.  Up to max (at most 64) from start;
 * returns how many, or -errno (-EOPNOTSUPP where the file system has no
 * FIEMAP, e.g. tmpfs).  mapped: the extent has blocks (written or
 * unwritten). */
struct host_extent {
	long long logical, physical, length;
	bool last, mapped;
	bool unwritten; /* allocated by fallocate, never written: reads as zeros */
};
int host_file_extents(int fd, long long start, long long len, struct host_extent *ext, int max);
/* SEEK_DATA / SEEK_HOLE on the host file: the offset, or -ENXIO. */
long long host_seek_data(int fd, long long off, bool hole);

#endif
