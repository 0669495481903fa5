/*
 * test_hostfs.c - how hostfs holds host files open:
 *
 *   test_write_access_on_demand  a file the machine only reads is open
 *                                read-only on the host, so the host can
 *                                still execute it (a read-write descriptor
 *                                makes the host's execve fail with ETXTBSY);
 *                                the first open for writing, O_TRUNC or
 *                                truncate(2) reopens it read-write in place
 *                                (same descriptor number); opening a program
 *                                the host runs for writing gives what the
 *                                host gives (ETXTBSY); a read-only mount
 *                                gives EROFS and never reopens
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_main.h"
#include "hostdir_helpers.h"
#include "mmkit/fs.h"
#include "mmkit/sched.h"
#include "task_helpers.h"

extern char **environ;

static void boot(void) { boot_with_hostdir(32 << 20, "hostfs"); }

/* The host path of name in hostdir. */
static const char *host_path(const char *name)
{
	static char path[sizeof(hostdir) + 16];

	snprintf(path, sizeof(path), "%s/%s", hostdir, name);
	return path;
}

/* The access mode (O_RDONLY, O_RDWR) of the host descriptor behind f. */
static int host_accmode(struct file *f)
{
	int fl = fcntl(f->f_inode->i_hostfd, F_GETFL);

	return fl < 0 ? -1 : fl & O_ACCMODE;
}

/* Start the host program at path, sleeping: its pid, or -errno. */
static int host_spawn_sleep(const char *path)
{
	char *argv[] = { (char *)path, "30", NULL };
	pid_t pid;
	int err = posix_spawn(&pid, path, NULL, NULL, argv, environ);

	return err ? -err : pid;
}

struct access_args {
	int fail; /* the first check that failed, 0: none */
	int spawn_err;
	int native_err, mmkit_err;
};

#define CHECK(a, n, cond)                  \
	do {                               \
		if (!(a)->fail && !(cond)) \
			(a)->fail = (n);   \
	} while (0)

static void access_on_cpu(void *info)
{
	struct access_args *a = info;
	struct file *r, *w, *p;
	int err, fd, pid, native;
	struct stat st;

	r = do_filp_open("/mnt/data", MMK_O_RDONLY, 0, &err);
	CHECK(a, 1, r && host_accmode(r) == O_RDONLY);
	if (!r)
		return;
	fd = r->f_inode->i_hostfd;
	w = do_filp_open("/mnt/data", MMK_O_RDWR, 0, &err);
	CHECK(a, 2, w && w->f_inode == r->f_inode && w->f_inode->i_hostfd == fd);
	CHECK(a, 3, w && host_accmode(r) == O_RDWR);
	CHECK(a, 4, sys_truncate("/mnt/data", 100) == 0);
	CHECK(a, 5, stat(host_path("data"), &st) == 0 && st.st_size == 100);
	if (w)
		fput(w);
	fput(r);

	/* A program the machine reads: the host can run it. */
	p = do_filp_open("/mnt/prog", MMK_O_RDONLY, 0, &err);
	CHECK(a, 6, p && host_accmode(p) == O_RDONLY);
	pid = host_spawn_sleep(host_path("prog"));
	a->spawn_err = pid < 0 ? pid : 0;
	CHECK(a, 7, pid > 0);
	if (pid > 0) {
		/* Opening it for writing while it runs: as the host says. */
		native = open(host_path("prog"), O_WRONLY | O_CLOEXEC);
		a->native_err = native < 0 ? -errno : 0;
		if (native >= 0)
			close(native);
		w = do_filp_open("/mnt/prog", MMK_O_WRONLY, 0, &err);
		a->mmkit_err = w ? 0 : err;
		CHECK(a, 8, a->mmkit_err == a->native_err);
		CHECK(a, 9, host_accmode(p) == (w ? O_RDWR : O_RDONLY));
		if (w)
			fput(w);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* Once it has stopped, writing is allowed. */
	w = do_filp_open("/mnt/prog", MMK_O_WRONLY, 0, &err);
	CHECK(a, 10, w && host_accmode(p) == O_RDWR);
	if (w)
		fput(w);
	if (p)
		fput(p);

	/* A read-only mount refuses without asking the host. */
	w = do_filp_open("/ro/data", MMK_O_RDWR, 0, &err);
	CHECK(a, 11, !w && err == -EROFS);
	CHECK(a, 12, sys_truncate("/ro/data", 0) == -EROFS);
	r = do_filp_open("/ro/data", MMK_O_RDONLY, 0, &err);
	CHECK(a, 13, r && host_accmode(r) == O_RDONLY);
	if (r)
		fput(r);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static void test_write_access_on_demand(void **state)
{
	struct access_args a = { 0 };
	char cmd[sizeof(hostdir) + 64];

	(void)state;
	boot();
	snprintf(cmd, sizeof(cmd), "head -c 4096 /dev/zero > '%s'", host_path("data"));
	assert_int_equal(system(cmd), 0);
	copy_file("/bin/sleep", host_path("prog"), 0755);
	assert_int_equal(do_mount_host(hostdir, "/mnt", false, 0, 0), 0);
	assert_int_equal(do_mount_host(hostdir, "/ro", true, 0, 0), 0);
	cpu_call(0, switch_to, spawn("t"));
	cpu_call(0, access_on_cpu, &a);
	if (a.fail)
		fprintf(stderr, "check %d failed (spawn %d, native %d, mmkit %d)\n", a.fail,
			a.spawn_err, a.native_err, a.mmkit_err);
	assert_int_equal(a.fail, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_write_access_on_demand, teardown_hostdir),
};

MMK_TEST_MAIN(tests, NULL, NULL);
