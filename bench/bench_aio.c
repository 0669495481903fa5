/*
 * bench_aio.c - does an asynchronous host read pay on this machine?  The
 * question behind mmkit's swap-in (docs/PERFORMANCE.md "Swap"): would an I/O
 * thread per device, doing the host preadv of a readahead window while the
 * simulated CPU goes on, hide the read's time behind mmkit's own work?
 *
 * A 64 MiB file on a disk file system (fdatasync'd, its host cache dropped
 * before each round) is read in order, in windows of 8 pages (32 KiB, the
 * swap readahead window), and after each page the reader spends SPIN ns of
 * CPU (mmkit's own work per swapped-in page is 400-1000 ns).  Three ways:
 *   sync     preadv of the window in the reader's thread, then the pages'
 *            work (what mmkit does: the bytes move at submission);
 *   thread   an I/O thread reads each window (one handoff per window, with
 *            a condition variable each way); the reader asks for the next
 *            window when it reaches it and waits only for the page it needs;
 *   page     the same thread, completing page by page (each page its own
 *            pread and handoff: the reader waits for its own page only).
 * Prints the best and the median of ROUNDS rounds in ns per page.  If
 * thread or page beat sync, the I/O overlaps the work; if not, the read's
 * cost is CPU in the reading context (or the handoffs cost more than the
 * overlap gives), and an I/O thread would only slow mmkit down.
 *
 * Usage: bench_aio [SPIN_NS (default 600)] [ROUNDS (default 5)]; the file
 * goes in $MMKIT_BENCH_DIR, else /var/tmp.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PG 4096L
#define WIN 8
#define FILE_BYTES (64L << 20)
#define MAX_ROUNDS 15

static int fd;
static char *buf;
static double spin_ns = 600;

/* The I/O thread's queue: the reader asks for bytes below req, the thread
 * has read those below done (req -1: stop). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t to_io = PTHREAD_COND_INITIALIZER, to_reader = PTHREAD_COND_INITIALIZER;
static long req, done, chunk;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void spin(void)
{
	double end = now_ns() + spin_ns;

	while (now_ns() < end)
		;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *io_thread(void *arg)
{
	long pos = 0, upto;

	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (req >= 0 && req <= pos)
			pthread_cond_wait(&to_io, &mu);
		if (req < 0)
			break;
		upto = req;
		pthread_mutex_unlock(&mu);
		while (pos < upto) {
			long len = pos + chunk > upto ? upto - pos : chunk;

			if (pread(fd, buf + pos, (size_t)len, pos) != len)
				die("pread");
			pos += len;
			pthread_mutex_lock(&mu);
			done = pos;
			pthread_cond_signal(&to_reader);
			pthread_mutex_unlock(&mu);
		}
		pthread_mutex_lock(&mu);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void read_sync(void)
{
	for (long p = 0; p < FILE_BYTES / PG; p += WIN) {
		struct iovec iov[WIN];

		for (int i = 0; i < WIN; i++)
			iov[i] = (struct iovec){ buf + (p + i) * PG, PG };
		if (preadv(fd, iov, WIN, p * PG) != WIN * PG)
			die("preadv");
		for (int i = 0; i < WIN; i++)
			spin();
	}
}

static void read_threaded(long chunk_bytes)
{
	pthread_t t;

	req = done = 0;
	chunk = chunk_bytes;
	if (pthread_create(&t, NULL, io_thread, NULL))
		die("pthread_create");
	for (long p = 0; p < FILE_BYTES / PG; p++) {
		pthread_mutex_lock(&mu);
		if (done < (p + 1) * PG && req < (p + 1) * PG) { /* a fault: the next window */
			req = (p + WIN) * PG;
			pthread_cond_signal(&to_io);
		}
		while (done < (p + 1) * PG)
			pthread_cond_wait(&to_reader, &mu);
		pthread_mutex_unlock(&mu);
		spin();
	}
	pthread_mutex_lock(&mu);
	req = -1;
	pthread_cond_signal(&to_io);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *base = getenv("MMKIT_BENCH_DIR");
	const char *names[3] = { "sync (preadv of the window)", "I/O thread, per window",
				 "I/O thread, per page" };
	double v[3][MAX_ROUNDS];
	char path[600];
	int rounds = argc > 2 ? atoi(argv[2]) : 5;

	if (argc > 1)
		spin_ns = atof(argv[1]);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		return fprintf(stderr, "usage: bench_aio [SPIN_NS] [ROUNDS 1..%d]\n", MAX_ROUNDS),
		       2;
	snprintf(path, sizeof(path), "%s/mmkit-bench-aio-%d", base ? base : "/var/tmp", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	buf = aligned_alloc(PG, FILE_BYTES);
	if (fd < 0 || !buf)
		die(path);
	unlink(path);
	memset(buf, 0x5a, FILE_BYTES);
	if (pwrite(fd, buf, FILE_BYTES, 0) != FILE_BYTES || fdatasync(fd))
		die("write");
	for (int r = 0; r < rounds; r++) {
		for (int m = 0; m < 3; m++) {
			double t;

			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			t = now_ns();
			if (m == 0)
				read_sync();
			else
				read_threaded(m == 1 ? WIN * PG : PG);
			v[m][r] = (now_ns() - t) / (FILE_BYTES / PG);
		}
	}
	printf("bench_aio: 64 MiB, host cache dropped, windows of %d pages, %.0f ns of work per "
	       "page, %d rounds\n",
	       WIN, spin_ns, rounds);
	for (int m = 0; m < 3; m++) {
		qsort(v[m], (size_t)rounds, sizeof(double), cmpd);
		printf("  %-30s best %7.0f ns/page  median %7.0f\n", names[m], v[m][0],
		       v[m][rounds / 2]);
	}
	close(fd);
	return 0;
}
