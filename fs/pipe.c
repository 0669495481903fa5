/*
 * pipe.c - pipes for real programs (Linux fs/pipe.c at the level the
 * issue-21 programs need: pipe2, read, write, close; no splice, no
 * F_SETPIPE_SZ).
 *
 * A pipe is a 64 KiB ring in host memory (Linux's default 16 pages) under
 * pipe->lock, with counts of readers and writers.  The data passes through
 * a bounce buffer, so no user copy (which may fault and take mmap_lock)
 * happens under the spinlock.  A reader of an empty pipe with writers, or
 * a writer with no room, blocks: uproc_block under pipe->lock marks the
 * thread blocked on the pipe (so no wake-up is missed) and the call is
 * restarted when uproc_wake(pipe) makes it runnable; O_NONBLOCK gives
 * -EAGAIN instead.  A write of at most PIPE_BUF (4096) bytes is atomic (it
 * waits for room for all of it); a longer one writes what fits and returns
 * that count (Linux would wait and write all of it: callers that loop, as
 * stdio and busybox's full_write do, see the same bytes).  A write with no
 * reader left sends SIGPIPE and fails with -EPIPE, as Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/uproc.h"

#define PIPE_SIZE (64 * 1024)
#define PIPE_BUF 4096
#define PIPEFS_MINOR 14 /* pipefs's anonymous device on the reference */

struct pipe_inode_info {
	spinlock_t lock;
	unsigned int head, len; /* ring position and fill */
	int readers, writers;
	unsigned long ino;
	u8 buf[PIPE_SIZE];
};

static _Atomic unsigned long pipe_ino = 4096;

static void pipe_put(struct pipe_inode_info *pipe, bool writer)
{
	bool last;

	spin_lock(&pipe->lock);
	if (writer)
		pipe->writers--;
	else
		pipe->readers--;
	last = !pipe->readers && !pipe->writers;
	spin_unlock(&pipe->lock);
	if (last) {
		free(pipe);
		return;
	}
	uproc_wake(pipe);
}

static void pipe_release(struct file *f)
{
	pipe_put(f->private_data, f->f_mode & FMODE_WRITE);
	destroy_rwsem(&f->f_pos_lock);
	file_release(f);
}

static long pipe_read(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	size_t n, first;
	u8 *tmp;
	long ret;

	if (!len)
		return 0;
	tmp = malloc(len < PIPE_SIZE ? len : PIPE_SIZE);
	if (!tmp)
		return -ENOMEM;
	spin_lock(&pipe->lock);
	if (!pipe->len) {
		if (!pipe->writers)
			ret = 0;
		else if (f->f_flags & MMK_O_NONBLOCK)
			ret = -EAGAIN;
		else
			ret = uproc_block(pipe);
		spin_unlock(&pipe->lock);
		free(tmp);
		return ret;
	}
	n = len < pipe->len ? len : pipe->len;
	first = PIPE_SIZE - pipe->head < n ? PIPE_SIZE - pipe->head : n;
	memcpy(tmp, pipe->buf + pipe->head, first);
	memcpy(tmp + first, pipe->buf, n - first);
	pipe->head = (pipe->head + (unsigned int)n) % PIPE_SIZE;
	pipe->len -= (unsigned int)n;
	spin_unlock(&pipe->lock);
	uproc_wake(pipe);
	ret = copy_to_user(ubuf, tmp, n) ? -EFAULT : (long)n;
	free(tmp);
	return ret;
}

static long pipe_write(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	size_t n = len < PIPE_SIZE ? len : PIPE_SIZE, room, tail, first;
	u8 *tmp;
	long ret;

	if (!len)
		return 0;
	tmp = malloc(n);
	if (!tmp)
		return -ENOMEM;
	if (copy_from_user(tmp, ubuf, n)) {
		free(tmp);
		return -EFAULT;
	}
	spin_lock(&pipe->lock);
	room = PIPE_SIZE - pipe->len;
	if (!pipe->readers) {
		spin_unlock(&pipe->lock);
		free(tmp);
		uproc_kill(current->pid, SIGPIPE, true);
		return -EPIPE;
	}
	if (!room || (n <= PIPE_BUF && room < n)) {
		ret = (f->f_flags & MMK_O_NONBLOCK) ? -EAGAIN : uproc_block(pipe);
		spin_unlock(&pipe->lock);
		free(tmp);
		return ret;
	}
	if (n > room)
		n = room;
	tail = (pipe->head + pipe->len) % PIPE_SIZE;
	first = PIPE_SIZE - tail < n ? PIPE_SIZE - tail : n;
	memcpy(pipe->buf + tail, tmp, first);
	memcpy(pipe->buf, tmp + first, n - first);
	pipe->len += (unsigned int)n;
	spin_unlock(&pipe->lock);
	free(tmp);
	uproc_wake(pipe);
	return (long)n;
}

static const struct file_operations pipe_fops = {
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
};

static struct file *pipe_file(struct pipe_inode_info *pipe, bool writer, int flags)
{
	char name[40];
	struct file *f;

	snprintf(name, sizeof(name), "pipe:[%lu]", pipe->ino);
	f = file_id_get(0, PIPEFS_MINOR, pipe->ino, name);
	if (!f)
		return NULL;
	f->f_op = &pipe_fops;
	f->f_mode = writer ? FMODE_WRITE : FMODE_READ;
	f->f_flags = (writer ? MMK_O_WRONLY : MMK_O_RDONLY) | (flags & MMK_O_NONBLOCK);
	f->private_data = pipe;
	f->deleted = false;
	init_rwsem(&f->f_pos_lock);
	return f;
}

int create_pipe_files(struct file **res, int flags)
{
	struct pipe_inode_info *pipe = calloc(1, sizeof(*pipe));

	if (!pipe)
		return -ENOMEM;
	spin_lock_init(&pipe->lock);
	pipe->ino = atomic_fetch_add(&pipe_ino, 1);
	pipe->readers = pipe->writers = 1;
	res[0] = pipe_file(pipe, false, flags);
	res[1] = res[0] ? pipe_file(pipe, true, flags) : NULL;
	if (!res[1]) {
		if (res[0]) {
			fput(res[0]); /* drops the reader; the writer is ours */
			pipe_put(pipe, true);
		} else {
			free(pipe);
		}
		return -ENOMEM;
	}
	return 0;
}
