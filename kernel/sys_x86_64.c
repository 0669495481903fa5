/*
 * sys_x86_64.c - the x86-64 system-call table of real programs (Linux
 * arch/x86/entry/syscalls/syscall_64.tbl numbers, Linux errnos; issue 21).
 *
 * do_syscall_64 is the Unicorn CPU's syscall vector: it runs on the CPU of
 * the calling thread with that thread current, looks the number up and
 * calls the handler with the registers (arguments in RDI RSI RDX R10 R8
 * R9, the result in RAX).  A handler that must wait returns
 * -ERESTARTNOINTR after uproc_block: RIP goes back to the `syscall`
 * instruction, RAX back to the number, and the engine stops, so the call
 * runs again from the start when the thread is woken.  An unknown number
 * returns -ENOSYS and leaves one dmesg line naming it (once per number).
 *
 * The families: the mm calls go to mm/ (mmap, munmap, mprotect, mremap,
 * brk, madvise, mincore, msync, mlock*); the file calls to the VFS (fs/),
 * with paths made absolute against the process's cwd, pipes (fs/pipe.c)
 * and the host's standard streams (fs/stdio_host.c); process calls to
 * kernel/sched_user.c.  What mmkit's VFS does not keep is answered from
 * the host file behind a hostfs inode (owner, times, directory entries)
 * or with Linux's values for root on a fresh boot (uid 0, umask 022).
 * Clocks: CLOCK_MONOTONIC is the machine clock; CLOCK_REALTIME is the host
 * time at boot plus the machine clock; nanosleep advances the machine clock
 * by the requested time and returns at once (a simulated sleep).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "fs/internal.h"
#include "mmkit/clocksource.h"
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/uproc.h"

#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define LX_TCGETS 0x5401
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCGPGRP 0x540f
#define LX_TIOCSPGRP 0x5410
#define LX_FIONREAD 0x541b

typedef long (*sys_fn)(struct ucpu_regs *r);

static u64 boot_realtime_ns;

static inline unsigned long A0(const struct ucpu_regs *r) { return r->gpr[UR_RDI]; }
static inline unsigned long A1(const struct ucpu_regs *r) { return r->gpr[UR_RSI]; }
static inline unsigned long A2(const struct ucpu_regs *r) { return r->gpr[UR_RDX]; }
static inline unsigned long A3(const struct ucpu_regs *r) { return r->gpr[UR_R10]; }
static inline unsigned long A4(const struct ucpu_regs *r) { return r->gpr[UR_R8]; }
static inline unsigned long A5(const struct ucpu_regs *r) { return r->gpr[UR_R9]; }

/* ------------------------------------------------------------ helpers -- */

/* A user path made absolute against dirfd (AT_FDCWD: the cwd).  0 or -errno. */
static int user_path_at(int dirfd, unsigned long upath, char *buf, size_t len)
{
	char name[256];
	size_t i;

	for (i = 0; i < sizeof(name); i++) {
		if (copy_from_user(&name[i], upath + i, 1))
			return -EFAULT;
		if (!name[i])
			break;
	}
	if (i == sizeof(name))
		return -ENAMETOOLONG;
	if (name[0] != '/' && dirfd != AT_FDCWD) {
		struct file *d = fget_current(dirfd);
		int n;

		if (!d)
			return -EBADF;
		n = snprintf(buf, len, "%s/%s", d->path, name);
		fput(d);
		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
	}
	return uproc_resolve_path(name, buf, len);
}

static void set_cloexec(int fd, bool on)
{
	struct uprocess *p = current_uthread()->proc;

	if (fd < 0 || fd >= 1024)
		return;
	if (on)
		p->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		p->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

static bool get_cloexec(int fd)
{
	struct uprocess *p = current_uthread()->proc;

	return fd >= 0 && fd < 1024 && (p->cloexec[fd / 64] & (1ULL << (fd % 64)));
}

/* --------------------------------------------------------------- files -- */

static long sys_read_(struct ucpu_regs *r) { return sys_read((int)A0(r), A1(r), A2(r)); }
static long sys_write_(struct ucpu_regs *r) { return sys_write((int)A0(r), A1(r), A2(r)); }
static long sys_pread_(struct ucpu_regs *r)
{
	return sys_pread64((int)A0(r), A1(r), A2(r), (loff_t)A3(r));
}
static long sys_pwrite_(struct ucpu_regs *r)
{
	return sys_pwrite64((int)A0(r), A1(r), A2(r), (loff_t)A3(r));
}
static long sys_lseek_(struct ucpu_regs *r)
{
	return sys_lseek((int)A0(r), (loff_t)A1(r), (int)A2(r));
}
static long sys_fsync_(struct ucpu_regs *r) { return sys_fsync((int)A0(r)); }
static long sys_ftruncate_(struct ucpu_regs *r) { return sys_ftruncate((int)A0(r), (loff_t)A1(r)); }

static long sys_close_(struct ucpu_regs *r)
{
	long ret = sys_close((int)A0(r));

	if (!ret)
		set_cloexec((int)A0(r), false);
	return ret;
}

/* readv/writev: one call per segment, stopping at a short transfer. */
static long do_rw_vec(struct ucpu_regs *r, bool write)
{
	long total = 0;
	unsigned long i, n = A2(r);

	if (n > 1024)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		u64 iov[2];
		long got;

		if (copy_from_user(iov, A1(r) + i * 16, sizeof(iov)))
			return total ? total : -EFAULT;
		if (!iov[1])
			continue;
		got = write ? sys_write((int)A0(r), iov[0], iov[1]) :
			      sys_read((int)A0(r), iov[0], iov[1]);
		if (got < 0)
			return total ? total : got;
		total += got;
		if ((u64)got < iov[1])
			break;
	}
	return total;
}

static long sys_readv_(struct ucpu_regs *r) { return do_rw_vec(r, false); }
static long sys_writev_(struct ucpu_regs *r) { return do_rw_vec(r, true); }

static long do_open(int dirfd, unsigned long upath, int flags, int mode)
{
	char path[512];
	long fd;
	int err = user_path_at(dirfd, upath, path, sizeof(path));

	if (err)
		return err;
	fd = sys_open(path, flags & ~MMK_O_CLOEXEC, (umode_t)mode);
	if (fd >= 0)
		set_cloexec((int)fd, flags & MMK_O_CLOEXEC);
	return fd;
}

static long sys_open_(struct ucpu_regs *r)
{
	return do_open(AT_FDCWD, A0(r), (int)A1(r), (int)A2(r));
}
static long sys_openat_(struct ucpu_regs *r)
{
	return do_open((int)A0(r), A1(r), (int)A2(r), (int)A3(r));
}

static long do_dup2(int oldfd, int newfd, int flags)
{
	struct file *f = fget_current(oldfd), *old;
	int err;

	if (!f)
		return -EBADF;
	if (oldfd == newfd) {
		fput(f);
		return newfd;
	}
	old = fd_install_at(current->files, newfd, f, rlimit(RLIMIT_NOFILE), &err);
	if (err) {
		fput(f);
		return err;
	}
	if (old)
		fput(old);
	set_cloexec(newfd, flags & MMK_O_CLOEXEC);
	return newfd;
}

static long sys_dup_(struct ucpu_regs *r)
{
	long fd = sys_dup((int)A0(r));

	if (fd >= 0)
		set_cloexec((int)fd, false);
	return fd;
}

static long sys_dup2_(struct ucpu_regs *r) { return do_dup2((int)A0(r), (int)A1(r), 0); }

static long sys_dup3_(struct ucpu_regs *r)
{
	if ((int)A0(r) == (int)A1(r))
		return -EINVAL;
	return do_dup2((int)A0(r), (int)A1(r), (int)A2(r));
}

/* The lowest free descriptor >= min for f (F_DUPFD). */
static long dup_from(struct file *f, int min)
{
	struct files_struct *files = current->files;
	int fd, err;

	for (fd = min; fd < (int)rlimit(RLIMIT_NOFILE); fd++) {
		struct file *cur = fget(files, fd), *old;

		if (cur) {
			fput(cur);
			continue;
		}
		old = fd_install_at(files, fd, f, rlimit(RLIMIT_NOFILE), &err);
		if (err)
			return err;
		if (old) { /* raced: put it back, try the next */
			fd_install_at(files, fd, old, rlimit(RLIMIT_NOFILE), &err);
			continue;
		}
		return fd;
	}
	return -EMFILE;
}

static long sys_fcntl_(struct ucpu_regs *r)
{
	int fd = (int)A0(r), cmd = (int)A1(r);
	struct file *f = fget_current(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		ret = dup_from(f, (int)A2(r));
		if (ret < 0) {
			fput(f);
			return ret;
		}
		set_cloexec((int)ret, cmd == F_DUPFD_CLOEXEC);
		return ret; /* the table keeps our reference */
	case F_GETFD:
		ret = get_cloexec(fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		set_cloexec(fd, A2(r) & FD_CLOEXEC);
		ret = 0;
		break;
	case F_GETFL:
		ret = f->f_flags & ~MMK_O_CLOEXEC;
		break;
	case F_SETFL:
		f->f_flags = (f->f_flags & ~(MMK_O_APPEND | MMK_O_NONBLOCK)) |
			     ((unsigned int)A2(r) & (MMK_O_APPEND | MMK_O_NONBLOCK));
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	fput(f);
	return ret;
}

static long sys_pipe2_(struct ucpu_regs *r)
{
	struct file *f[2];
	int fd[2], err = create_pipe_files(f, (int)A1(r));

	if (err)
		return err;
	fd[0] = fd_install_new(current->files, f[0], rlimit(RLIMIT_NOFILE));
	if (fd[0] < 0) {
		fput(f[0]);
		fput(f[1]);
		return fd[0];
	}
	fd[1] = fd_install_new(current->files, f[1], rlimit(RLIMIT_NOFILE));
	if (fd[1] < 0) {
		fput(fd_remove(current->files, fd[0]));
		fput(f[1]);
		return fd[1];
	}
	set_cloexec(fd[0], A1(r) & MMK_O_CLOEXEC);
	set_cloexec(fd[1], A1(r) & MMK_O_CLOEXEC);
	if (copy_to_user(A0(r), fd, sizeof(fd))) {
		fput(fd_remove(current->files, fd[0]));
		fput(fd_remove(current->files, fd[1]));
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe_(struct ucpu_regs *r)
{
	struct ucpu_regs c = *r;

	c.gpr[UR_RSI] = 0;
	return sys_pipe2_(&c);
}

static long sys_ioctl_(struct ucpu_regs *r)
{
	struct file *f = fget_current((int)A0(r));
	unsigned long cmd = A1(r);
	int hostfd;
	long ret = -ENOTTY;

	if (!f)
		return -EBADF;
	if (host_stream_isatty(f, &hostfd) && isatty(hostfd)) {
		if (cmd == LX_TCGETS) {
			struct termios
				t; /* glibc's layout = the kernel's struct termios + 2 speeds */

			ret = ioctl(hostfd, TCGETS, &t)	  ? -errno :
			      copy_to_user(A2(r), &t, 36) ? -EFAULT :
							    0;
		} else if (cmd == LX_TIOCGWINSZ) {
			struct winsize w;

			ret = ioctl(hostfd, TIOCGWINSZ, &w)	 ? -errno :
			      copy_to_user(A2(r), &w, sizeof(w)) ? -EFAULT :
								   0;
		} else if (cmd == LX_TIOCGPGRP) {
			int pg = current->tgid;

			ret = copy_to_user(A2(r), &pg, sizeof(pg)) ? -EFAULT : 0;
		} else if (cmd == LX_TIOCSPGRP) {
			ret = 0;
		}
	}
	fput(f);
	return ret;
}

/* ------------------------------------------------------------- stat -- */

struct linux_stat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 at_sec, at_nsec, mt_sec, mt_nsec, ct_sec, ct_nsec;
	s64 unused[3];
};

static u64 new_encode_dev(unsigned int major, unsigned int minor)
{
	return (minor & 0xff) | (major << 8) | ((u64)(minor & ~0xffu) << 12);
}

/* Fill st from an inode, with what the host keeps of a hostfs file. */
static void fill_stat_inode(struct inode *inode, struct linux_stat *st)
{
	struct stat hs;

	memset(st, 0, sizeof(*st));
	st->st_dev = new_encode_dev(inode->i_dev_major, inode->i_dev_minor);
	st->st_ino = inode->i_ino;
	st->st_nlink = inode->i_nlink;
	st->st_mode = inode->i_mode;
	st->st_size = i_size_read(inode);
	st->st_blksize = PAGE_SIZE;
	st->st_blocks =
		(s64)(inode->i_op && inode->i_op->getblocks ? inode->i_op->getblocks(inode) :
							      inode->i_blocks);
	if (inode->i_hostfd >= 0 && !fstat(inode->i_hostfd, &hs)) {
		if (hs.st_size == st->st_size) /* written back: the host's allocation */
			st->st_blocks = hs.st_blocks;
		st->st_uid = hs.st_uid;
		st->st_gid = hs.st_gid;
		st->st_blksize = hs.st_blksize;
		st->at_sec = (u64)hs.st_atim.tv_sec;
		st->at_nsec = (u64)hs.st_atim.tv_nsec;
		st->mt_sec = (u64)hs.st_mtim.tv_sec;
		st->mt_nsec = (u64)hs.st_mtim.tv_nsec;
		st->ct_sec = (u64)hs.st_ctim.tv_sec;
		st->ct_nsec = (u64)hs.st_ctim.tv_nsec;
	} else {
		st->at_sec = st->mt_sec = st->ct_sec = boot_realtime_ns / 1000000000ULL;
	}
}

static int fill_stat_file(struct file *f, struct linux_stat *st)
{
	int hostfd;

	if (f->f_inode) {
		fill_stat_inode(f->f_inode, st);
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->st_dev = new_encode_dev(f->dev_major, f->dev_minor);
	st->st_ino = f->ino;
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	if (host_stream_isatty(f, &hostfd) && isatty(hostfd)) {
		st->st_mode = S_IFCHR | 0620;
		st->st_rdev = new_encode_dev(136, 0);
	} else {
		st->st_mode = S_IFIFO | 0600;
	}
	return 0;
}

static int stat_at(int dirfd, unsigned long upath, int flags, struct linux_stat *st)
{
	char path[512], first;
	struct dentry *d;
	int err;

	if ((flags & AT_EMPTY_PATH) && !copy_from_user(&first, upath, 1) && !first) {
		struct file *f = fget_current(dirfd);

		if (!f)
			return -EBADF;
		err = fill_stat_file(f, st);
		fput(f);
		return err;
	}
	err = user_path_at(dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	err = kern_path(path, &d);
	if (err)
		return err;
	fill_stat_inode(d->d_inode, st);
	dput(d);
	return 0;
}

static long sys_newfstatat_(struct ucpu_regs *r)
{
	struct linux_stat st;
	int err = stat_at((int)A0(r), A1(r), (int)A3(r), &st);

	if (err)
		return err;
	return copy_to_user(A2(r), &st, sizeof(st)) ? -EFAULT : 0;
}

static long sys_stat_(struct ucpu_regs *r)
{
	struct linux_stat st;
	int err = stat_at(AT_FDCWD, A0(r), 0, &st);

	if (err)
		return err;
	return copy_to_user(A1(r), &st, sizeof(st)) ? -EFAULT : 0;
}

static long sys_fstat_(struct ucpu_regs *r)
{
	struct file *f = fget_current((int)A0(r));
	struct linux_stat st;

	if (!f)
		return -EBADF;
	fill_stat_file(f, &st);
	fput(f);
	return copy_to_user(A1(r), &st, sizeof(st)) ? -EFAULT : 0;
}

/* statx: the basic fields, from the same stat. */
static long sys_statx_(struct ucpu_regs *r)
{
	struct linux_stat st;
	u8 sx[256] = { 0 };
	u32 mask = 0x7ff, blksize, nlink, uid, gid;
	u16 mode;
	int err = stat_at((int)A0(r), A1(r), (int)A2(r), &st);

	if (err)
		return err;
	blksize = (u32)st.st_blksize;
	nlink = (u32)st.st_nlink;
	uid = st.st_uid;
	gid = st.st_gid;
	mode = (u16)st.st_mode;
	memcpy(sx + 0, &mask, 4);
	memcpy(sx + 4, &blksize, 4);
	memcpy(sx + 16, &nlink, 4);
	memcpy(sx + 20, &uid, 4);
	memcpy(sx + 24, &gid, 4);
	memcpy(sx + 28, &mode, 2);
	memcpy(sx + 32, &st.st_ino, 8);
	memcpy(sx + 40, &st.st_size, 8);
	memcpy(sx + 48, &st.st_blocks, 8);
	memcpy(sx + 64, &st.at_sec, 8); /* stx_atime.tv_sec */
	memcpy(sx + 72, &st.at_nsec, 4);
	memcpy(sx + 96, &st.ct_sec, 8); /* stx_ctime */
	memcpy(sx + 104, &st.ct_nsec, 4);
	memcpy(sx + 112, &st.mt_sec, 8); /* stx_mtime */
	memcpy(sx + 120, &st.mt_nsec, 4);
	{
		u32 dmaj = (u32)((st.st_dev >> 8) & 0xfff),
		    dmin = (u32)((st.st_dev & 0xff) | ((st.st_dev >> 12) & ~0xffULL));
		u32 rmaj = (u32)((st.st_rdev >> 8) & 0xfff), rmin = (u32)(st.st_rdev & 0xff);

		memcpy(sx + 128, &rmaj, 4);
		memcpy(sx + 132, &rmin, 4);
		memcpy(sx + 136, &dmaj, 4);
		memcpy(sx + 140, &dmin, 4);
	}
	return copy_to_user(A4(r), sx, 256) ? -EFAULT : 0;
}

static long sys_access_at(int dirfd, unsigned long upath)
{
	char path[512];
	struct dentry *d;
	int err = user_path_at(dirfd, upath, path, sizeof(path));

	if (err)
		return err;
	err = kern_path(path, &d);
	if (!err)
		dput(d);
	return err;
}

static long sys_access_(struct ucpu_regs *r) { return sys_access_at(AT_FDCWD, A0(r)); }
static long sys_faccessat_(struct ucpu_regs *r) { return sys_access_at((int)A0(r), A1(r)); }

/* readlink: mmkit's file systems have no symbolic links; /proc/self/exe
 * names the program. */
static long do_readlink(int dirfd, unsigned long upath, unsigned long ubuf, size_t len)
{
	char path[512];
	const char *exe = current_uthread()->proc->exe;
	size_t n = strlen(exe);
	int err = user_path_at(dirfd, upath, path, sizeof(path));

	if (err)
		return err;
	if (strcmp(path, "/proc/self/exe")) {
		struct dentry *d;

		err = kern_path(path, &d);
		if (err)
			return err;
		dput(d);
		return -EINVAL;
	}
	if (n > len)
		n = len;
	return copy_to_user(ubuf, exe, n) ? -EFAULT : (long)n;
}

static long sys_readlink_(struct ucpu_regs *r)
{
	return do_readlink(AT_FDCWD, A0(r), A1(r), A2(r));
}
static long sys_readlinkat_(struct ucpu_regs *r)
{
	return do_readlink((int)A0(r), A1(r), A2(r), A3(r));
}

static long sys_unlink_at(int dirfd, unsigned long upath, int flags)
{
	char path[512];
	int err = user_path_at(dirfd, upath, path, sizeof(path));

	if (err)
		return err;
	return sys_unlink(path);
}

static long sys_unlink_(struct ucpu_regs *r) { return sys_unlink_at(AT_FDCWD, A0(r), 0); }
static long sys_unlinkat_(struct ucpu_regs *r)
{
	return sys_unlink_at((int)A0(r), A1(r), (int)A2(r));
}

static long sys_mkdir_at(int dirfd, unsigned long upath, int mode)
{
	char path[512];
	int err = user_path_at(dirfd, upath, path, sizeof(path));

	if (err)
		return err;
	return sys_mkdir(path, (umode_t)mode);
}

static long sys_mkdir_(struct ucpu_regs *r) { return sys_mkdir_at(AT_FDCWD, A0(r), (int)A1(r)); }
static long sys_mkdirat_(struct ucpu_regs *r)
{
	return sys_mkdir_at((int)A0(r), A1(r), (int)A2(r));
}

/* getdents64 of a hostfs directory: the host's entries, from the host
 * directory position kept in f_pos (the d_off of the last entry). */
static long host_getdents(struct file *f, unsigned long ubuf, size_t count)
{
	int dfd = openat(f->f_inode->i_hostfd, ".", O_RDONLY | O_DIRECTORY);
	size_t n = count < 65536 ? count : 65536;
	char *buf;
	long got, off;

	if (dfd < 0)
		return -errno;
	buf = malloc(n);
	if (!buf) {
		close(dfd);
		return -ENOMEM;
	}
	if (f->f_pos && lseek(dfd, f->f_pos, SEEK_SET) < 0) {
		got = -errno;
		goto out;
	}
	got = syscall(SYS_getdents64, dfd, buf, n);
	if (got < 0) {
		got = -errno;
		goto out;
	}
	for (off = 0; off < got;) {
		u16 reclen;
		s64 doff;

		memcpy(&doff, buf + off + 8, 8);
		memcpy(&reclen, buf + off + 16, 2);
		f->f_pos = doff;
		off += reclen;
	}
	if (got && copy_to_user(ubuf, buf, (size_t)got))
		got = -EFAULT;
out:
	free(buf);
	close(dfd);
	return got;
}

/* getdents64 of a tmpfs directory: ".", "..", then its children. */
static long dcache_getdents(struct file *f, unsigned long ubuf, size_t count)
{
	struct dentry *dir = f->f_dentry, *c;
	size_t used = 0;
	loff_t idx = 0;
	u8 rec[300];

	down_read(&namespace_sem);
	for (;;) {
		const char *name;
		unsigned long ino;
		u8 type;
		size_t len, reclen;

		if (idx == 0) {
			name = ".";
			ino = dir->d_inode->i_ino;
			type = DT_DIR;
		} else if (idx == 1) {
			name = "..";
			ino = dir->d_parent->d_inode->i_ino;
			type = DT_DIR;
		} else {
			loff_t k = 2;

			name = NULL;
			list_for_each_entry(c, &dir->d_subdirs, d_child) {
				if (!c->d_inode || c->d_unhashed)
					continue;
				if (k++ == idx) {
					name = c->d_name;
					ino = c->d_inode->i_ino;
					type = MMK_S_ISDIR(c->d_inode->i_mode) ? DT_DIR : DT_REG;
					break;
				}
			}
			if (!name)
				break;
		}
		if (idx < f->f_pos) {
			idx++;
			continue;
		}
		len = strlen(name);
		reclen = (19 + len + 1 + 7) & ~7UL;
		if (used + reclen > count || reclen > sizeof(rec))
			break;
		memset(rec, 0, reclen);
		memcpy(rec, &ino, 8);
		{
			s64 next = idx + 1;
			u16 rl = (u16)reclen;

			memcpy(rec + 8, &next, 8);
			memcpy(rec + 16, &rl, 2);
		}
		rec[18] = type;
		memcpy(rec + 19, name, len);
		up_read(&namespace_sem);
		if (copy_to_user(ubuf + used, rec, reclen))
			return used ? (long)used : -EFAULT;
		down_read(&namespace_sem);
		used += reclen;
		idx++;
		f->f_pos = idx;
	}
	up_read(&namespace_sem);
	if (!used && count < 32)
		return -EINVAL;
	return (long)used;
}

static long sys_getdents64_(struct ucpu_regs *r)
{
	struct file *f = fget_current((int)A0(r));
	long ret;

	if (!f)
		return -EBADF;
	if (!f->f_inode || !MMK_S_ISDIR(f->f_inode->i_mode))
		ret = -ENOTDIR;
	else if (f->f_inode->i_hostfd >= 0)
		ret = host_getdents(f, A1(r), A2(r));
	else
		ret = dcache_getdents(f, A1(r), A2(r));
	fput(f);
	return ret;
}

static long sys_getcwd_(struct ucpu_regs *r)
{
	const char *cwd = current_uthread()->proc->cwd;
	size_t n = strlen(cwd) + 1;

	if (n > A1(r))
		return -ERANGE;
	return copy_to_user(A0(r), cwd, n) ? -EFAULT : (long)n;
}

static long sys_chdir_(struct ucpu_regs *r)
{
	struct uprocess *p = current_uthread()->proc;
	char path[256];
	struct dentry *d;
	int err = user_path_at(AT_FDCWD, A0(r), path, sizeof(path));

	if (err)
		return err;
	err = kern_path(path, &d);
	if (err)
		return err;
	if (!MMK_S_ISDIR(d->d_inode->i_mode))
		err = -ENOTDIR;
	dput(d);
	if (!err)
		snprintf(p->cwd, sizeof(p->cwd), "%s", path);
	return err;
}

/* ---------------------------------------------------------------- mm -- */

static long sys_mmap_(struct ucpu_regs *r)
{
	return (long)sys_mmap(A0(r), A1(r), A2(r), A3(r), (int)A4(r), A5(r));
}
static long sys_munmap_(struct ucpu_regs *r) { return sys_munmap(A0(r), A1(r)); }
static long sys_mprotect_(struct ucpu_regs *r) { return sys_mprotect(A0(r), A1(r), A2(r)); }
static long sys_brk_(struct ucpu_regs *r) { return (long)sys_brk(A0(r)); }
static long sys_madvise_(struct ucpu_regs *r) { return sys_madvise(A0(r), A1(r), (int)A2(r)); }
static long sys_mremap_(struct ucpu_regs *r)
{
	return (long)sys_mremap(A0(r), A1(r), A2(r), A3(r), A4(r));
}
static long sys_msync_(struct ucpu_regs *r) { return sys_msync(A0(r), A1(r), (int)A2(r)); }
static long sys_mlock_(struct ucpu_regs *r) { return sys_mlock(A0(r), A1(r)); }
static long sys_munlock_(struct ucpu_regs *r) { return sys_munlock(A0(r), A1(r)); }
static long sys_mlockall_(struct ucpu_regs *r) { return sys_mlockall((int)A0(r)); }
static long sys_munlockall_(struct ucpu_regs *r) { return sys_munlockall(); }

static long sys_mincore_(struct ucpu_regs *r)
{
	size_t n = (A1(r) + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned char *vec = malloc(n ? n : 1);
	long ret;

	if (!vec)
		return -ENOMEM;
	ret = sys_mincore(A0(r), A1(r), vec);
	if (!ret && copy_to_user(A2(r), vec, n))
		ret = -EFAULT;
	free(vec);
	return ret;
}

/* ----------------------------------------------------------- process -- */

static long sys_getpid_(struct ucpu_regs *r) { return current->tgid; }
static long sys_gettid_(struct ucpu_regs *r) { return current->pid; }
static long sys_zero_(struct ucpu_regs *r) { return 0; }
static long sys_getppid_(struct ucpu_regs *r)
{
	struct uprocess *p = current_uthread()->proc->parent;

	return p ? p->tgid : 0;
}
static long sys_getpgrp_(struct ucpu_regs *r) { return current->tgid; }
static long sys_umask_(struct ucpu_regs *r) { return 022; }
static long sys_enosys_quiet(struct ucpu_regs *r) { return -ENOSYS; }

static long sys_exit_(struct ucpu_regs *r)
{
	uproc_exit((int)A0(r), false);
	return 0;
}

static long sys_exit_group_(struct ucpu_regs *r)
{
	uproc_exit((int)A0(r), true);
	return 0;
}

static long sys_arch_prctl_(struct ucpu_regs *r)
{
	u64 v;

	switch (A0(r)) {
	case ARCH_SET_FS:
		r->fs_base = A1(r);
		current_uthread()->sc_flags |= UCPU_SC_WRITEBACK;
		return 0;
	case ARCH_SET_GS:
		r->gs_base = A1(r);
		current_uthread()->sc_flags |= UCPU_SC_WRITEBACK;
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = A0(r) == ARCH_GET_FS ? r->fs_base : r->gs_base;
		return copy_to_user(A1(r), &v, 8) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

/* prctl: the name of the thread; other options are -EINVAL. */
static long sys_prctl_(struct ucpu_regs *r)
{
	char name[TASK_COMM_LEN];

	switch (A0(r)) {
	case 15: /* PR_SET_NAME */
		memset(name, 0, sizeof(name));
		if (copy_from_user(name, A1(r), sizeof(name) - 1) && copy_from_user(name, A1(r), 1))
			return -EFAULT;
		memcpy(current->comm, name, sizeof(name));
		current->comm[TASK_COMM_LEN - 1] = 0;
		return 0;
	case 16: /* PR_GET_NAME */
		return copy_to_user(A1(r), current->comm, TASK_COMM_LEN) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

static long sys_set_tid_address_(struct ucpu_regs *r)
{
	current_uthread()->clear_child_tid = A0(r);
	return current->pid;
}

static long sys_uname_(struct ucpu_regs *r)
{
	char u[6][65];

	memset(u, 0, sizeof(u));
	strcpy(u[0], "Linux");
	strcpy(u[1], "mmkit");
	strcpy(u[2], "6.18.44");
	strcpy(u[3], "#1 SMP PREEMPT_DYNAMIC mmkit");
	strcpy(u[4], "x86_64");
	strcpy(u[5], "(none)");
	return copy_to_user(A0(r), u, sizeof(u)) ? -EFAULT : 0;
}

static long sys_prlimit64_(struct ucpu_regs *r)
{
	int res = (int)A1(r);
	struct rlimit old;

	if (A0(r) && (int)A0(r) != current->tgid)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	old = current->signal->rlim[res];
	if (A3(r) && copy_to_user(A3(r), &old, sizeof(old)))
		return -EFAULT;
	if (A2(r)) {
		struct rlimit n;

		if (copy_from_user(&n, A2(r), sizeof(n)))
			return -EFAULT;
		if (n.rlim_cur > n.rlim_max)
			return -EINVAL;
		current->signal->rlim[res] = n;
	}
	return 0;
}

static long sys_getrlimit_(struct ucpu_regs *r)
{
	struct ucpu_regs c = *r;

	c.gpr[UR_RDI] = 0;
	c.gpr[UR_RSI] = A0(r);
	c.gpr[UR_RDX] = 0;
	c.gpr[UR_R10] = A1(r);
	return sys_prlimit64_(&c);
}

static long sys_getrandom_(struct ucpu_regs *r)
{
	size_t done = 0, n = A1(r);

	while (done < n) {
		u64 v = mmk_random();
		size_t k = n - done < 8 ? n - done : 8;

		if (copy_to_user(A0(r) + done, &v, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)n;
}

static u64 clock_ns(int clk)
{
	return clk == 0 || clk == 8 || clk == 11 ? boot_realtime_ns + machine_clock_ns() :
						   machine_clock_ns();
}

static long sys_clock_gettime_(struct ucpu_regs *r)
{
	u64 ns = clock_ns((int)A0(r));
	s64 ts[2] = { (s64)(ns / 1000000000ULL), (s64)(ns % 1000000000ULL) };

	return copy_to_user(A1(r), ts, sizeof(ts)) ? -EFAULT : 0;
}

static long sys_clock_getres_(struct ucpu_regs *r)
{
	s64 ts[2] = { 0, 1 };

	return A1(r) && copy_to_user(A1(r), ts, sizeof(ts)) ? -EFAULT : 0;
}

static long sys_gettimeofday_(struct ucpu_regs *r)
{
	u64 ns = clock_ns(0);
	s64 tv[2] = { (s64)(ns / 1000000000ULL), (s64)(ns % 1000000000ULL / 1000) };

	return A0(r) && copy_to_user(A0(r), tv, sizeof(tv)) ? -EFAULT : 0;
}

static long sys_time_(struct ucpu_regs *r)
{
	s64 t = (s64)(clock_ns(0) / 1000000000ULL);

	if (A0(r) && copy_to_user(A0(r), &t, 8))
		return -EFAULT;
	return t;
}

/* A simulated sleep: the machine clock moves on by the time asked. */
static long do_nanosleep(unsigned long ureq)
{
	s64 ts[2];

	if (copy_from_user(ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000L)
		return -EINVAL;
	machine_clock_advance((u64)ts[0] * 1000000000ULL + (u64)ts[1]);
	return 0;
}

static long sys_nanosleep_(struct ucpu_regs *r) { return do_nanosleep(A0(r)); }
static long sys_clock_nanosleep_(struct ucpu_regs *r)
{
	if (A1(r) & 1) { /* TIMER_ABSTIME */
		s64 ts[2];
		u64 now = clock_ns((int)A0(r)), t;

		if (copy_from_user(ts, A2(r), sizeof(ts)))
			return -EFAULT;
		t = (u64)ts[0] * 1000000000ULL + (u64)ts[1];
		if (t > now)
			machine_clock_advance(t - now);
		return 0;
	}
	return do_nanosleep(A2(r));
}

static long sys_sched_yield_(struct ucpu_regs *r)
{
	current_uthread()->sc_flags |= UCPU_SC_STOP;
	return 0;
}

static long sys_sched_getaffinity_(struct ucpu_regs *r)
{
	u64 mask = mmk->nr_cpus >= 64 ? ~0ULL : (1ULL << mmk->nr_cpus) - 1;
	size_t n = A1(r) < 8 ? A1(r) : 8;

	if (A1(r) < 8)
		return -EINVAL;
	return copy_to_user(A2(r), &mask, n) ? -EFAULT : 8;
}

static long sys_getrusage_(struct ucpu_regs *r)
{
	struct uthread *ut = current_uthread();
	long ru[18] = { 0 };

	if ((int)A0(r) == -1) { /* RUSAGE_CHILDREN */
		ru[6] = (long)ut->proc->cmin_flt;
		ru[7] = (long)ut->proc->cmaj_flt;
	} else {
		ru[6] = (long)(ut->proc->min_flt + current->min_flt);
		ru[7] = (long)(ut->proc->maj_flt + current->maj_flt);
	}
	return copy_to_user(A1(r), ru, sizeof(ru)) ? -EFAULT : 0;
}

static long sys_sysinfo_(struct ucpu_regs *r)
{
	u8 si[112] = { 0 };
	u64 up = machine_clock_ns() / 1000000000ULL, total = mmk->cfg.ram_bytes;
	u32 unit = 1;
	u16 procs = 1;

	memcpy(si, &up, 8);
	memcpy(si + 32, &total, 8);
	memcpy(si + 80, &procs, 2);
	memcpy(si + 104, &unit, 4);
	return copy_to_user(A0(r), si, sizeof(si)) ? -EFAULT : 0;
}

/* ------------------------------------------------------------ signals -- */

static long sys_rt_sigaction_(struct ucpu_regs *r)
{
	struct uprocess *p = current_uthread()->proc;
	int sig = (int)A0(r);
	struct k_sigaction n, old;

	if (sig < 1 || sig >= MMK_NSIG || A3(r) != 8)
		return -EINVAL;
	old = p->action[sig];
	if (A1(r)) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&n, A1(r), sizeof(n)))
			return -EFAULT;
		p->action[sig] = n;
		current->signal->sig_catch[sig] = n.handler > 1;
	}
	if (A2(r) && copy_to_user(A2(r), &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_rt_sigprocmask_(struct ucpu_regs *r)
{
	struct uthread *ut = current_uthread();
	u64 old = ut->sig_blocked, set;

	if (A3(r) != 8)
		return -EINVAL;
	if (A1(r)) {
		if (copy_from_user(&set, A1(r), 8))
			return -EFAULT;
		set &= ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
		switch (A0(r)) {
		case 0:
			ut->sig_blocked |= set;
			break; /* SIG_BLOCK */
		case 1:
			ut->sig_blocked &= ~set;
			break; /* SIG_UNBLOCK */
		case 2:
			ut->sig_blocked = set;
			break; /* SIG_SETMASK */
		default:
			return -EINVAL;
		}
		if (ut->sig_pending & ~ut->sig_blocked)
			ut->sc_flags |= UCPU_SC_STOP; /* deliver now */
	}
	if (A2(r) && copy_to_user(A2(r), &old, 8))
		return -EFAULT;
	return 0;
}

static long sys_rt_sigreturn_(struct ucpu_regs *r) { return uproc_rt_sigreturn(r); }

static long sys_sigaltstack_(struct ucpu_regs *r)
{
	u8 ss[24] = { 0 };
	int flags = 2; /* SS_DISABLE */

	memcpy(ss + 8, &flags, 4);
	if (A1(r) && copy_to_user(A1(r), ss, sizeof(ss)))
		return -EFAULT;
	return 0;
}

static long sys_kill_(struct ucpu_regs *r)
{
	int pid = (int)A0(r);

	if (pid <= 0)
		pid = current->tgid; /* process groups: the caller's own */
	return uproc_kill(pid, (int)A1(r), false);
}

static long sys_tgkill_(struct ucpu_regs *r) { return uproc_kill((int)A1(r), (int)A2(r), true); }
static long sys_tkill_(struct ucpu_regs *r) { return uproc_kill((int)A0(r), (int)A1(r), true); }

/* ------------------------------------------------- fork, exec, wait -- */

static long sys_fork_(struct ucpu_regs *r) { return uproc_clone(r, 17, 0, 0, 0, 0); }
static long sys_vfork_(struct ucpu_regs *r)
{
	return uproc_clone(r, 0x00000100 | 0x00004000 | 17, 0, 0, 0, 0);
}
static long sys_clone_(struct ucpu_regs *r)
{
	return uproc_clone(r, A0(r), A1(r), A2(r), A3(r), A4(r));
}

static long sys_execve_(struct ucpu_regs *r)
{
	char path[512];
	int err = user_path_at(AT_FDCWD, A0(r), path, sizeof(path));

	if (err)
		return err;
	return uproc_execve(r, path, A1(r), A2(r));
}

static long sys_wait4_(struct ucpu_regs *r)
{
	return uproc_wait4((int)A0(r), A1(r), (int)A2(r), A3(r));
}

static long sys_futex_(struct ucpu_regs *r)
{
	return uproc_futex(A0(r), (int)A1(r), (u32)A2(r), A3(r), (u32)A5(r));
}

/* -------------------------------------------------------------- table -- */

struct syscall_entry {
	const char *name;
	sys_fn fn;
};

#define SC(nr, n, f) [nr] = { n, f }
static const struct syscall_entry sys_call_table[] = {
	SC(0, "read", sys_read_),
	SC(1, "write", sys_write_),
	SC(2, "open", sys_open_),
	SC(3, "close", sys_close_),
	SC(4, "stat", sys_stat_),
	SC(5, "fstat", sys_fstat_),
	SC(6, "lstat", sys_stat_),
	SC(8, "lseek", sys_lseek_),
	SC(9, "mmap", sys_mmap_),
	SC(10, "mprotect", sys_mprotect_),
	SC(11, "munmap", sys_munmap_),
	SC(12, "brk", sys_brk_),
	SC(13, "rt_sigaction", sys_rt_sigaction_),
	SC(14, "rt_sigprocmask", sys_rt_sigprocmask_),
	SC(15, "rt_sigreturn", sys_rt_sigreturn_),
	SC(16, "ioctl", sys_ioctl_),
	SC(17, "pread64", sys_pread_),
	SC(18, "pwrite64", sys_pwrite_),
	SC(19, "readv", sys_readv_),
	SC(20, "writev", sys_writev_),
	SC(21, "access", sys_access_),
	SC(22, "pipe", sys_pipe_),
	SC(24, "sched_yield", sys_sched_yield_),
	SC(25, "mremap", sys_mremap_),
	SC(26, "msync", sys_msync_),
	SC(27, "mincore", sys_mincore_),
	SC(28, "madvise", sys_madvise_),
	SC(32, "dup", sys_dup_),
	SC(33, "dup2", sys_dup2_),
	SC(35, "nanosleep", sys_nanosleep_),
	SC(39, "getpid", sys_getpid_),
	SC(56, "clone", sys_clone_),
	SC(57, "fork", sys_fork_),
	SC(58, "vfork", sys_vfork_),
	SC(59, "execve", sys_execve_),
	SC(60, "exit", sys_exit_),
	SC(61, "wait4", sys_wait4_),
	SC(62, "kill", sys_kill_),
	SC(63, "uname", sys_uname_),
	SC(72, "fcntl", sys_fcntl_),
	SC(74, "fsync", sys_fsync_),
	SC(77, "ftruncate", sys_ftruncate_),
	SC(79, "getcwd", sys_getcwd_),
	SC(80, "chdir", sys_chdir_),
	SC(83, "mkdir", sys_mkdir_),
	SC(87, "unlink", sys_unlink_),
	SC(89, "readlink", sys_readlink_),
	SC(95, "umask", sys_umask_),
	SC(96, "gettimeofday", sys_gettimeofday_),
	SC(97, "getrlimit", sys_getrlimit_),
	SC(98, "getrusage", sys_getrusage_),
	SC(99, "sysinfo", sys_sysinfo_),
	SC(102, "getuid", sys_zero_),
	SC(104, "getgid", sys_zero_),
	SC(105, "setuid", sys_zero_),
	SC(106, "setgid", sys_zero_),
	SC(107, "geteuid", sys_zero_),
	SC(108, "getegid", sys_zero_),
	SC(109, "setpgid", sys_zero_),
	SC(110, "getppid", sys_getppid_),
	SC(111, "getpgrp", sys_getpgrp_),
	SC(112, "setsid", sys_getpid_),
	SC(115, "getgroups", sys_zero_),
	SC(121, "getpgid", sys_getpgrp_),
	SC(131, "sigaltstack", sys_sigaltstack_),
	SC(149, "mlock", sys_mlock_),
	SC(150, "munlock", sys_munlock_),
	SC(151, "mlockall", sys_mlockall_),
	SC(152, "munlockall", sys_munlockall_),
	SC(157, "prctl", sys_prctl_),
	SC(158, "arch_prctl", sys_arch_prctl_),
	SC(186, "gettid", sys_gettid_),
	SC(200, "tkill", sys_tkill_),
	SC(201, "time", sys_time_),
	SC(202, "futex", sys_futex_),
	SC(204, "sched_getaffinity", sys_sched_getaffinity_),
	SC(217, "getdents64", sys_getdents64_),
	SC(218, "set_tid_address", sys_set_tid_address_),
	SC(228, "clock_gettime", sys_clock_gettime_),
	SC(229, "clock_getres", sys_clock_getres_),
	SC(230, "clock_nanosleep", sys_clock_nanosleep_),
	SC(231, "exit_group", sys_exit_group_),
	SC(234, "tgkill", sys_tgkill_),
	SC(257, "openat", sys_openat_),
	SC(258, "mkdirat", sys_mkdirat_),
	SC(262, "newfstatat", sys_newfstatat_),
	SC(263, "unlinkat", sys_unlinkat_),
	SC(267, "readlinkat", sys_readlinkat_),
	SC(269, "faccessat", sys_faccessat_),
	SC(273, "set_robust_list", sys_zero_),
	SC(292, "dup3", sys_dup3_),
	SC(293, "pipe2", sys_pipe2_),
	SC(302, "prlimit64", sys_prlimit64_),
	SC(318, "getrandom", sys_getrandom_),
	SC(332, "statx", sys_statx_),
	SC(334, "rseq", sys_enosys_quiet),
	SC(435, "clone3", sys_enosys_quiet),
	SC(439, "faccessat2", sys_faccessat_),
};
#define NR_SYSCALLS ARRAY_SIZE(sys_call_table)

const char *syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALLS && sys_call_table[nr].name ? sys_call_table[nr].name : "?";
}

int syscall_nr(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SYSCALLS; i++)
		if (sys_call_table[i].name && !strcmp(sys_call_table[i].name, name))
			return (int)i;
	return -1;
}

/* One dmesg line per unknown number (Linux logs nothing; the issue asks). */
static void unknown_syscall(unsigned long nr)
{
	static _Atomic u64 seen[8];

	if (nr < 512 && (atomic_fetch_or(&seen[nr / 64], 1ULL << (nr % 64)) & (1ULL << (nr % 64))))
		return;
	printk(KERN_INFO "%s[%d]: unknown system call %lu: -ENOSYS\n", current->comm, current->pid,
	       nr);
}

int do_syscall_64(struct ucpu_regs *regs)
{
	struct uthread *ut = current_uthread();
	unsigned long nr = regs->gpr[UR_RAX];
	long ret;

	if (!ut)
		return 0;
	ut->sc_flags = 0;
	ut->last_sc = nr;
	if (ut->stop_at_syscall && (ut->stop_sc < 0 || (unsigned long)ut->stop_sc == nr)) {
		/* the scenario stops the thread before this call: redo it later */
		ut->stop_at_syscall = false;
		uproc_set_stopped(ut);
		regs->rip -= 2;
		return UCPU_SC_WRITEBACK | UCPU_SC_STOP;
	}
	if (nr < NR_SYSCALLS && sys_call_table[nr].fn) {
		ret = sys_call_table[nr].fn(regs);
	} else {
		unknown_syscall(nr);
		ret = -ENOSYS;
	}
	if (ret == -ERESTARTNOINTR) {
		regs->rip -= 2; /* the `syscall` again */
		regs->gpr[UR_RAX] = nr;
		ut->restart_pending = true; /* a handler may make it -EINTR */
		return UCPU_SC_WRITEBACK | UCPU_SC_STOP;
	}
	/* a signal raised by the call (SIGPIPE, a kill of itself) is taken
	 * before user mode runs again, as on the way out of Linux's syscall */
	if (uproc_signal_pending(ut))
		ut->sc_flags |= UCPU_SC_STOP;
	if (ut->sc_flags & UCPU_SC_WRITEBACK) {
		if (nr == 15) /* rt_sigreturn: the frame's registers */
			return ut->sc_flags;
		if (nr != 59) /* execve sets every register */
			regs->gpr[UR_RAX] = (u64)ret;
		regs->gpr[UR_RCX] = regs->rip; /* sysret */
		regs->gpr[UR_R11] = regs->rflags;
	} else {
		regs->gpr[UR_RAX] = (u64)ret;
	}
	return ut->sc_flags;
}

static int sys_init(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	boot_realtime_ns = (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
	return 0;
}
mmk_initcall(INIT_LATE, sys_init, NULL);
