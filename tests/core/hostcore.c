/*
 * hostcore.c - the host side of the core-dump reference (tests/core/
 * host_reference.py): a static program that builds a memory layout on the
 * host kernel and dies of SIGSEGV with RLIMIT_CORE unlimited, so that the
 * reference kernel writes its core; mmkit runs the same program image
 * (`spawn A exec`) with the same operations as a scenario and the two cores
 * are compared.
 *
 *   hostcore FILTER OP...      re-executes itself with ASLR off and an
 *                              8 MiB stack (the layout mmkit computes), then
 *                              sets /proc/self/coredump_filter to FILTER,
 *                              runs each OP, copies /proc/self/maps to
 *                              maps.txt and writes to address 0.
 *
 * OPs (addresses and lengths in hex, files relative to the directory):
 *   map ADDR LEN PROT anon|shared|FILE@OFF|FILE@OFF:shared
 *                              mmap MAP_FIXED, PROT as rwx/---
 *   fill ADDR LEN BYTE          memset
 *   read ADDR                   one byte loaded
 *   dontdump ADDR LEN           madvise(MADV_DONTDUMP)
 *   protect ADDR LEN PROT       mprotect
 * It uses no heap and no stdio, so that the libc adds no mappings.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

static void die(const char *what)
{
	(void)!write(2, "hostcore: ", 10);
	(void)!write(2, what, strlen(what));
	(void)!write(2, "\n", 1);
	_exit(2);
}

static unsigned long hex(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);

	if (!*s || *end)
		die("bad number");
	return v;
}

static int prot_of(const char *s)
{
	if (strlen(s) != 3)
		die("bad PROT");
	return (s[0] == 'r' ? PROT_READ : 0) | (s[1] == 'w' ? PROT_WRITE : 0) |
	       (s[2] == 'x' ? PROT_EXEC : 0);
}

/* map ADDR LEN PROT WHAT */
static void op_map(char **a)
{
	unsigned long addr = hex(a[0]), len = hex(a[1]);
	int prot = prot_of(a[2]), flags = MAP_FIXED, fd = -1;
	char path[256], *at = strchr(a[3], '@');
	off_t off = 0;
	void *p;

	if (!strcmp(a[3], "anon") || !strcmp(a[3], "shared")) {
		flags |= MAP_ANONYMOUS | (a[3][0] == 's' ? MAP_SHARED : MAP_PRIVATE);
	} else {
		size_t n;

		if (!at || (size_t)(at - a[3]) >= sizeof(path))
			die("bad file mapping");
		n = (size_t)(at - a[3]);
		memcpy(path, a[3], n);
		path[n] = 0;
		flags |= strstr(at, ":shared") ? MAP_SHARED : MAP_PRIVATE;
		off = (off_t)strtoul(at + 1, NULL, 16);
		fd = open(path, (flags & MAP_SHARED) && (prot & PROT_WRITE) ? O_RDWR : O_RDONLY);
		if (fd < 0)
			die("open");
	}
	p = mmap((void *)addr, len, prot, flags, fd, off);
	if (p != (void *)addr)
		die("mmap");
	if (fd >= 0)
		close(fd);
}

static void copy_maps(void)
{
	static char buf[1 << 16];
	int in = open("/proc/self/maps", O_RDONLY), out;
	ssize_t n;

	out = open("maps.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		die("maps");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("maps write");
	close(in);
	close(out);
}

static void run(int argc, char **argv)
{
	struct rlimit core = { RLIM_INFINITY, RLIM_INFINITY };
	int i = 2, fd;

	if (setrlimit(RLIMIT_CORE, &core))
		die("RLIMIT_CORE");
	fd = open("/proc/self/coredump_filter", O_WRONLY);
	if (fd < 0 || write(fd, argv[1], strlen(argv[1])) < 0)
		die("coredump_filter");
	close(fd);
	while (i < argc) {
		char **a = &argv[i + 1];

		if (!strcmp(argv[i], "map") && i + 4 < argc) {
			op_map(a);
			i += 5;
		} else if (!strcmp(argv[i], "fill") && i + 3 < argc) {
			memset((void *)hex(a[0]), (int)hex(a[2]), hex(a[1]));
			i += 4;
		} else if (!strcmp(argv[i], "read") && i + 1 < argc) {
			(void)*(volatile char *)hex(a[0]);
			i += 2;
		} else if (!strcmp(argv[i], "dontdump") && i + 2 < argc) {
			if (madvise((void *)hex(a[0]), hex(a[1]), MADV_DONTDUMP))
				die("madvise");
			i += 3;
		} else if (!strcmp(argv[i], "protect") && i + 3 < argc) {
			if (mprotect((void *)hex(a[0]), hex(a[1]), prot_of(a[2])))
				die("mprotect");
			i += 4;
		} else {
			die("bad operation");
		}
	}
	copy_maps();
	*(volatile int *)0 = 1;
	die("still alive");
}

int main(int argc, char **argv)
{
	struct rlimit stack;

	if (argc < 2)
		die("usage: hostcore FILTER OP...");
	if (personality(0xffffffff) & ADDR_NO_RANDOMIZE) {
		run(argc, argv);
		return 0;
	}
	if (getrlimit(RLIMIT_STACK, &stack))
		die("getrlimit");
	stack.rlim_cur = 8UL << 20;
	if (setrlimit(RLIMIT_STACK, &stack) || personality(ADDR_NO_RANDOMIZE) < 0)
		die("setup");
	execv("/proc/self/exe", argv);
	die("execv");
	return 1;
}
