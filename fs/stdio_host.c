/*
 * stdio_host.c - the host's standard streams as files: fds 0, 1 and 2 of a
 * program started by `mmkit exec` (issue 21).  Reads and writes go to the
 * host descriptor through a bounce buffer (the user copy happens outside
 * the host call); TCGETS and TIOCGWINSZ answer as the host terminal does
 * (-ENOTTY when the stream is not a terminal).  A read blocks the CPU's
 * host thread, as a read of a terminal blocks a real CPU's task.  A write
 * to a host pipe whose reader has gone is EPIPE and SIGPIPE for the
 * program (mmkit exec ignores the host's SIGPIPE itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/uproc.h"

#define CHUNK (64 * 1024)
#define PTS_MAJOR 136

static int stream_fd(const struct file *f) { return (int)(intptr_t)f->private_data; }

static void stream_release(struct file *f)
{
	destroy_rwsem(&f->f_pos_lock);
	file_release(f);
}

static long stream_read(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	size_t n = len < CHUNK ? len : CHUNK;
	u8 *tmp = malloc(n ? n : 1);
	ssize_t got;
	long ret;

	if (!tmp)
		return -ENOMEM;
	got = read(stream_fd(f), tmp, n);
	if (got < 0)
		ret = -errno;
	else
		ret = copy_to_user(ubuf, tmp, (size_t)got) ? -EFAULT : got;
	free(tmp);
	return ret;
}

static long stream_write(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	size_t done = 0;
	u8 *tmp = malloc(CHUNK);

	if (!tmp)
		return -ENOMEM;
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK, off = 0;

		if (copy_from_user(tmp, ubuf + done, n)) {
			free(tmp);
			return done ? (long)done : -EFAULT;
		}
		while (off < n) {
			ssize_t w = write(stream_fd(f), tmp + off, n - off);

			if (w < 0) {
				int err = errno;

				free(tmp);
				if (done + off)
					return (long)(done + off);
				if (err == EPIPE) /* the host reader went: SIGPIPE */
					uproc_kill(current->pid, SIGPIPE, true);
				return -err;
			}
			off += (size_t)w;
		}
		done += n;
	}
	free(tmp);
	return (long)done;
}

static const struct file_operations stream_fops = {
	.release = stream_release,
	.read = stream_read,
	.write = stream_write,
};

struct file *host_stream_open(int hostfd)
{
	bool tty = isatty(hostfd);
	struct file *f = file_id_get(tty ? PTS_MAJOR : 0, 0, (unsigned long)hostfd + 3,
				     tty    ? "/dev/pts/0" :
				     hostfd ? "pipe:[out]" :
					      "pipe:[in]");

	if (!f)
		return NULL;
	f->f_op = &stream_fops;
	f->f_mode = hostfd ? FMODE_WRITE : FMODE_READ;
	f->f_flags = hostfd ? MMK_O_WRONLY : MMK_O_RDONLY;
	f->private_data = (void *)(intptr_t)hostfd;
	init_rwsem(&f->f_pos_lock);
	return f;
}

bool host_stream_isatty(struct file *f, int *hostfd)
{
	if (f->f_op != &stream_fops)
		return false;
	*hostfd = stream_fd(f);
	return true;
}
