/*
 * hostrun_swap.h - the swap part of hostrun (included by hostrun.c, which it
 * shares its statics with): `swaparea SIZE [prio=N]`, `cat
 * /proc/A/pagemap ADDR LEN` and field selection in `cat /proc/A/status`.
 *
 * swaparea makes a real swap area on this machine for the scenario, the way
 * an administrator would: a file of SIZE in a fresh directory (under
 * $MMKIT_SWAPAREA_DIR, else $TMPDIR, else /var/tmp), allocated without
 * holes, formatted by util-linux mkswap, and swapon(2) with
 * SWAP_FLAG_PREFER | prio (default 32000, above any ordinary area, so the
 * agents' pages go there).  Only one hostrun at a time holds an area (an
 * flock on /tmp/mmkit-hostswap.lock): two areas of one priority would take
 * turns and the slots would not be the scenario's alone.  The area is
 * always swapped off and removed when hostrun ends, by exit or by a signal;
 * run_diff.py also removes what a killed hostrun left under its
 * MMKIT_SWAPAREA_DIR.  Where the machine refuses (not root, no util-linux,
 * a file system without swap files) hostrun exits 77 with the reason:
 * the test is skipped.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/swap.h>

#define HOSTSWAP_EXIT_SKIP 77

static struct {
	char dir[4096], file[4200];
	bool on, made;
	int lockfd;
} hostswap = { .lockfd = -1 };

static void hostswap_cleanup(void)
{
	if (hostswap.on && swapoff(hostswap.file))
		fprintf(stderr, "hostrun: swapoff %s: %s\n", hostswap.file, strerror(errno));
	hostswap.on = false;
	if (hostswap.made) {
		unlink(hostswap.file);
		rmdir(hostswap.dir);
		hostswap.made = false;
	}
	if (hostswap.lockfd >= 0)
		close(hostswap.lockfd);
	hostswap.lockfd = -1;
}

static void hostswap_signal(int sig)
{
	hostswap_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void __attribute__((noreturn)) hostswap_skip(const char *what, int err)
{
	fprintf(stderr, "hostrun: swap tests SKIPPED: %s%s%s\n", what, err ? ": " : "",
		err ? strerror(err) : "");
	hostswap_cleanup();
	exit(HOSTSWAP_EXIT_SKIP);
}

/* util-linux mkswap on the file; false if it is missing or fails. */
static bool hostswap_mkswap(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		execlp("mkswap", "mkswap", "-q", hostswap.file, (char *)NULL);
		execl("/sbin/mkswap", "mkswap", "-q", hostswap.file, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
}

static void hostswap_make(u64 size)
{
	const char *base = getenv("MMKIT_SWAPAREA_DIR");
	int fd;

	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/var/tmp";
	snprintf(hostswap.dir, sizeof(hostswap.dir), "%s/mmkit-swaparea-XXXXXX", base);
	if (!mkdtemp(hostswap.dir))
		hostswap_skip("cannot make a directory for the swap file", errno);
	snprintf(hostswap.file, sizeof(hostswap.file), "%s/swapfile", hostswap.dir);
	hostswap.made = true;
	fd = open(hostswap.file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || posix_fallocate(fd, 0, (off_t)size) || fsync(fd))
		hostswap_skip("cannot allocate the swap file", errno);
	close(fd);
	if (!hostswap_mkswap())
		hostswap_skip("util-linux mkswap is missing or failed", 0);
}

static void cmd_swaparea(void)
{
	u64 size, prio = 32000;

	if (cur->argc < 2 || cur->argc > 3)
		script_error("usage: swaparea SIZE [prio=N]");
	size = arg_num(cur->argv[1]) & ~(PAGE_SIZE - 1);
	if (cur->argc == 3) {
		if (strncmp(cur->argv[2], "prio=", 5))
			script_error("swaparea: prio=N");
		prio = arg_num(cur->argv[2] + 5);
	}
	if (hostswap.on)
		script_error("swaparea: one area per scenario");
	if (geteuid())
		hostswap_skip("swapon needs root", 0);
	hostswap.lockfd = open("/tmp/mmkit-hostswap.lock", O_RDWR | O_CREAT, 0666);
	if (hostswap.lockfd < 0 || flock(hostswap.lockfd, LOCK_EX))
		hostswap_skip("cannot take /tmp/mmkit-hostswap.lock", errno);
	atexit(hostswap_cleanup);
	signal(SIGTERM, hostswap_signal);
	signal(SIGINT, hostswap_signal);
	signal(SIGHUP, hostswap_signal);
	hostswap_make(size);
	if (swapon(hostswap.file, SWAP_FLAG_PREFER | (int)(prio & SWAP_FLAG_PRIO_MASK)))
		hostswap_skip("swapon of a file is refused here", errno);
	hostswap.on = true;
	result("= 0");
}

/* pagemap's bits (Documentation/admin-guide/mm/pagemap.rst), printed as
 * mmkit's proc/task_pagemap.c prints them. */
static void hostswap_show_pme(unsigned long addr, u64 e)
{
	static const struct {
		u64 bit;
		const char *name;
	} bits[] = {
		{ 1ULL << 63, "present" },    { 1ULL << 62, "swapped" },
		{ 1ULL << 61, "file" },	      { 1ULL << 56, "exclusive" },
		{ 1ULL << 55, "soft-dirty" }, { 1ULL << 57, "uffd-wp" },
		{ 1ULL << 58, "guard" },
	};
	u64 frame = e & ((1ULL << 55) - 1);

	printf("0x%lx 0x%016llx", addr, (unsigned long long)e);
	if (!e) {
		printf(" none\n");
		return;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (e & bits[i].bit)
			printf(" %s", bits[i].name);
	if (e & (1ULL << 63))
		printf(" pfn=0x%llx", (unsigned long long)frame);
	else if (e & (1ULL << 62))
		printf(" type=%llu offset=0x%llx", (unsigned long long)(frame & 31),
		       (unsigned long long)(frame >> 5));
	printf("\n");
}

/* cat /proc/A/pagemap ADDR LEN: read as root (PFNs and swap offsets shown). */
static void hostswap_cat_pagemap(struct proc *p)
{
	char path[64];
	u64 addr, end;
	int fd;

	if (cur->argc != 4)
		script_error("the host runner has cat /proc/A/pagemap ADDR LEN only");
	addr = arg_num(cur->argv[2]) & ~(PAGE_SIZE - 1);
	end = (arg_num(cur->argv[2]) + arg_num(cur->argv[3]) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)p->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	fflush(stdout);
	for (; addr < end; addr += PAGE_SIZE) {
		u64 e = 0;

		if (pread(fd, &e, sizeof(e), (off_t)(addr / PAGE_SIZE * 8)) != sizeof(e))
			die("%s: read: %s", path, strerror(errno));
		hostswap_show_pme(addr, e);
	}
	close(fd);
}

/* The "Name:" lines of a view for the fields asked, in the order asked
 * (mmkit's `cat /proc/A/status FIELD...`). */
static void hostswap_print_fields(const char *text, int first)
{
	for (int i = first; i < cur->argc; i++) {
		size_t n = strlen(cur->argv[i]);
		const char *l = text;

		while (l && *l && !(!strncmp(l, cur->argv[i], n) && l[n] == ':'))
			l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL;
		if (!l || !*l)
			script_error("no field '%s'", cur->argv[i]);
		printf("%.*s\n", (int)strcspn(l, "\n"), l);
	}
}
