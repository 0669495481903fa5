/*
 * cmd_files.c - files in the scenario language (spec: "Files"): mounts,
 * the file system calls, the simulated clock, the vm sysctls and per-device
 * I/O fault injection.
 *
 *   mount HOSTDIR PATH [ro] [latency=DUR] [bw=SIZE] [ra=SIZE]   `= 0` / `= -1 ERRNO`
 *   A open PATH FLAGS [MODE]            `= FD` (decimal)
 *   A close FD / A dup FD               `= 0` / `= FD`
 *   A sys_read FD BUF LEN / A sys_write FD BUF LEN           `= BYTES`
 *   A pread FD BUF LEN OFFSET / A pwrite FD BUF LEN OFFSET   `= BYTES`
 *   A lseek FD OFFSET SEEK_SET|SEEK_CUR|SEEK_END|SEEK_DATA|SEEK_HOLE   `= OFFSET`
 *   A ftruncate FD LEN / A truncate PATH LEN / A fsync FD / A fdatasync FD
 *   A fallocate FD MODE OFFSET LEN / A fadvise FD OFFSET LEN ADVICE
 *   A readahead FD OFFSET COUNT / A unlink PATH / A mkdir PATH [MODE]
 *   A stat PATH / A fstat FD            `= size=N blocks=N`
 *   A mincore ADDR LEN                  `= 0110...` (one digit per page)
 *   A rusage                            `= minflt N majflt N` (since spawn/fork)
 *   sleep DURATION                      advance the clock; timers run (no result)
 *   sync                                write every dirty page back (`= 0`)
 *   sysctl vm.NAME[=VALUE] ...          set (nothing printed) or show (`vm.NAME = V`)
 *   fail_io PATH read|write nth=N [sticky] | range=START-END | off
 *
 * Counts, descriptors and offsets print in decimal (they are numbers a
 * program would print), and `-> NAME` captures them.  DUR is a number with
 * ns, us, ms or s (a bare number is seconds); SIZE takes K/M/G.  MODE is
 * octal when it starts with 0 (0644), as in C.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/blkdev.h"
#include "mmkit/clocksource.h"
#include "mmkit/fs.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/sysctl.h"
#include "mmkit/timer.h"
#include "mmkit/writeback.h"

static const struct flag_name open_names[] = { { "O_RDONLY", MMK_O_RDONLY },
					       { "O_WRONLY", MMK_O_WRONLY },
					       { "O_RDWR", MMK_O_RDWR },
					       { "O_CREAT", MMK_O_CREAT },
					       { "O_EXCL", MMK_O_EXCL },
					       { "O_NOCTTY", MMK_O_NOCTTY },
					       { "O_TRUNC", MMK_O_TRUNC },
					       { "O_APPEND", MMK_O_APPEND },
					       { "O_NONBLOCK", MMK_O_NONBLOCK },
					       { "O_DSYNC", MMK_O_DSYNC },
					       { "O_SYNC", MMK_O_SYNC },
					       { "O_DIRECTORY", MMK_O_DIRECTORY },
					       { "O_NOFOLLOW", MMK_O_NOFOLLOW },
					       { "O_NOATIME", MMK_O_NOATIME },
					       { "O_CLOEXEC", MMK_O_CLOEXEC },
					       { "O_LARGEFILE", MMK_O_LARGEFILE },
					       { NULL, 0 } };

static const struct flag_name whence_names[] = {
	{ "SEEK_SET", MMK_SEEK_SET },	{ "SEEK_CUR", MMK_SEEK_CUR },
	{ "SEEK_END", MMK_SEEK_END },	{ "SEEK_DATA", MMK_SEEK_DATA },
	{ "SEEK_HOLE", MMK_SEEK_HOLE }, { NULL, 0 }
};

static const struct flag_name falloc_names[] = {
	{ "FALLOC_FL_KEEP_SIZE", MMK_FALLOC_FL_KEEP_SIZE },
	{ "FALLOC_FL_PUNCH_HOLE", MMK_FALLOC_FL_PUNCH_HOLE },
	{ "FALLOC_FL_NO_HIDE_STALE", MMK_FALLOC_FL_NO_HIDE_STALE },
	{ "FALLOC_FL_COLLAPSE_RANGE", MMK_FALLOC_FL_COLLAPSE_RANGE },
	{ "FALLOC_FL_ZERO_RANGE", MMK_FALLOC_FL_ZERO_RANGE },
	{ "FALLOC_FL_INSERT_RANGE", MMK_FALLOC_FL_INSERT_RANGE },
	{ "FALLOC_FL_UNSHARE_RANGE", MMK_FALLOC_FL_UNSHARE_RANGE },
	{ "0", 0 },
	{ NULL, 0 }
};

static const struct flag_name fadv_names[] = { { "POSIX_FADV_NORMAL", MMK_POSIX_FADV_NORMAL },
					       { "POSIX_FADV_RANDOM", MMK_POSIX_FADV_RANDOM },
					       { "POSIX_FADV_SEQUENTIAL",
						 MMK_POSIX_FADV_SEQUENTIAL },
					       { "POSIX_FADV_WILLNEED", MMK_POSIX_FADV_WILLNEED },
					       { "POSIX_FADV_DONTNEED", MMK_POSIX_FADV_DONTNEED },
					       { "POSIX_FADV_NOREUSE", MMK_POSIX_FADV_NOREUSE },
					       { NULL, 0 } };

/* ---------------------------------------------------------- helpers -- */

/* A count, descriptor or offset in decimal (capturable), or -errno. */
static void result_long(struct cmd_ctx *c, long v)
{
	if (v < 0) {
		result_errno(c, (int)v);
		return;
	}
	result_text(c, "%ld", v);
	c->has_value = true;
	c->value = (u64)v;
}

static int need_task(struct cmd_ctx *c)
{
	if (c->proc->dead || !c->proc->task)
		return script_error(c, "%s: process '%s' has exited", c->cmd, c->proc->name);
	if (!c->proc->task->files)
		return script_error(c, "%s: '%s' has no descriptor table", c->cmd, c->proc->name);
	return 0;
}

/* A path argument: the token as it is (quoted tokens may hold blanks). */
static int arg_path(struct cmd_ctx *c, int i, const char **out)
{
	if (i >= c->argc || !c->argv[i][0])
		return script_error(c, "%s: missing path", c->cmd);
	*out = c->argv[i];
	return 0;
}

/* MODE: octal with a leading 0, else a number. */
static int arg_mode(struct cmd_ctx *c, int i, u64 *mode)
{
	const char *s = c->argv[i];
	char *end;

	if (s[0] == '0' && s[1] && s[1] != 'x' && s[1] != 'X') {
		*mode = strtoull(s, &end, 8);
		if (*end)
			return script_error(c, "%s: bad mode '%s'", c->cmd, s);
		return 0;
	}
	return arg_num(c, i, mode);
}

/* DUR: N ns|us|ms|s (a bare number is seconds).  0 or -EINVAL. */
static int parse_duration(const char *s, u64 *ns)
{
	static const struct {
		const char *unit;
		u64 mul;
	} units[] = {
		{ "ns", 1 },	       { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC },
		{ "s", NSEC_PER_SEC }, { "", NSEC_PER_SEC },
	};
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned int i;

	if (end == s)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			*ns = v * units[i].mul;
			return 0;
		}
	return -EINVAL;
}

/* ------------------------------------------------------------ mount -- */

struct mount_opts {
	bool ro;
	u64 latency, bw, ra, rotational;
};

static int parse_mount_opts(struct cmd_ctx *c, struct mount_opts *o)
{
	int i;

	*o = (struct mount_opts){ .ra = (u64)VM_READAHEAD_PAGES * PAGE_SIZE, .rotational = 1 };
	for (i = 2; i < c->argc; i++) {
		const char *v;
		bool ok = true;

		if (!strcmp(c->argv[i], "ro"))
			o->ro = true;
		else if (arg_kv(c, i, "latency", &v))
			ok = !parse_duration(v, &o->latency);
		else if (arg_kv(c, i, "bw", &v))
			ok = !cli_parse_num(c->sc, v, &o->bw);
		else if (arg_kv(c, i, "ra", &v))
			ok = !cli_parse_num(c->sc, v, &o->ra);
		else if (arg_kv(c, i, "rotational", &v))
			ok = !cli_parse_num(c->sc, v, &o->rotational) && o->rotational <= 1;
		else
			ok = false;
		if (!ok)
			return script_error(
				c,
				"mount: bad option '%s' (ro latency=DUR bw=SIZE ra=SIZE rotational=0|1)",
				c->argv[i]);
	}
	return 0;
}

static int do_mount(struct cmd_ctx *c)
{
	struct mount_opts o;
	const char *host = NULL, *path = NULL;
	int err;

	if (arg_count(c, 2, 7) || arg_path(c, 0, &host) || arg_path(c, 1, &path) ||
	    parse_mount_opts(c, &o))
		return CMD_SCRIPT_ERROR;
	err = do_mount_host(host, path, o.ro, o.latency, o.bw);
	if (!err) {
		struct block_device *b = path_bdev(path);

		if (b && b->bd_bdi)
			b->bd_bdi->ra_pages = (unsigned long)(o.ra >> PAGE_SHIFT);
		if (b)
			b->nonrot = !o.rotational;
	}
	result_ret(c, err);
	return 0;
}
CLI_COMMAND(cmd_mount, .name = "mount", .kind = CMD_GLOBAL,
	    .usage = "mount HOSTDIR PATH [ro] [latency=DUR] [bw=SIZE] [ra=SIZE] [rotational=0|1]",
	    .help = "a host directory as a file system at PATH (/ is a tmpfs)", .fn = do_mount)

/* ---------------------------------------------------- the syscalls -- */

static int do_open_cmd(struct cmd_ctx *c)
{
	u64 flags, mode = 0600;
	const char *path = NULL;

	if (arg_count(c, 2, 3) || arg_path(c, 0, &path) || arg_flags(c, 1, open_names, &flags) ||
	    (c->argc == 3 && arg_mode(c, 2, &mode)) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_open(path, (int)flags, (umode_t)mode));
	return 0;
}
CLI_COMMAND(cmd_open, .name = "open", .kind = CMD_PROCESS,
	    .usage = "A open PATH FLAGS [MODE] -> fd", .help = "open(2)", .fn = do_open_cmd,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", open_names }, { NULL, NULL } })

/* Commands of the form A CMD N... calling fn(args). */
static int nums(struct cmd_ctx *c, int n, u64 *v)
{
	int i;

	if (arg_count(c, n, n))
		return CMD_SCRIPT_ERROR;
	for (i = 0; i < n; i++)
		if (arg_num(c, i, &v[i]))
			return CMD_SCRIPT_ERROR;
	return need_task(c);
}

static int do_close_cmd(struct cmd_ctx *c)
{
	u64 v[1];

	if (nums(c, 1, v))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_close((int)v[0]));
	return 0;
}
CLI_COMMAND(cmd_close, .name = "close", .kind = CMD_PROCESS, .usage = "A close FD",
	    .help = "close(2)", .fn = do_close_cmd)

static int do_dup_cmd(struct cmd_ctx *c)
{
	u64 v[1];

	if (nums(c, 1, v))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_dup((int)v[0]));
	return 0;
}
CLI_COMMAND(cmd_dup, .name = "dup", .kind = CMD_PROCESS, .usage = "A dup FD -> fd",
	    .help = "dup(2)", .fn = do_dup_cmd)

static int do_sys_read_cmd(struct cmd_ctx *c)
{
	u64 v[3];

	if (nums(c, 3, v))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_read((int)v[0], v[1], v[2]));
	return 0;
}
CLI_COMMAND(cmd_sys_read, .name = "sys_read", .kind = CMD_PROCESS,
	    .usage = "A sys_read FD BUF LEN -> bytes",
	    .help = "read(2) into the process's memory at BUF", .fn = do_sys_read_cmd)

static int do_sys_write_cmd(struct cmd_ctx *c)
{
	u64 v[3];

	if (nums(c, 3, v))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_write((int)v[0], v[1], v[2]));
	return 0;
}
CLI_COMMAND(cmd_sys_write, .name = "sys_write", .kind = CMD_PROCESS,
	    .usage = "A sys_write FD BUF LEN -> bytes",
	    .help = "write(2) from the process's memory at BUF", .fn = do_sys_write_cmd)

static int do_pread_cmd(struct cmd_ctx *c)
{
	u64 v[4];

	if (nums(c, 4, v))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_pread64((int)v[0], v[1], v[2], (loff_t)v[3]));
	return 0;
}
CLI_COMMAND(cmd_pread, .name = "pread", .kind = CMD_PROCESS,
	    .usage = "A pread FD BUF LEN OFFSET -> bytes", .help = "pread64(2)", .fn = do_pread_cmd)

static int do_pwrite_cmd(struct cmd_ctx *c)
{
	u64 v[4];

	if (nums(c, 4, v))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_pwrite64((int)v[0], v[1], v[2], (loff_t)v[3]));
	return 0;
}
CLI_COMMAND(cmd_pwrite, .name = "pwrite", .kind = CMD_PROCESS,
	    .usage = "A pwrite FD BUF LEN OFFSET -> bytes", .help = "pwrite64(2)",
	    .fn = do_pwrite_cmd)

static int do_lseek_cmd(struct cmd_ctx *c)
{
	u64 fd, off, whence;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &fd) || arg_num(c, 1, &off) ||
	    arg_enum(c, 2, whence_names, &whence) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_long(c, sys_lseek((int)fd, (loff_t)off, (int)whence));
	return 0;
}
CLI_COMMAND(cmd_lseek, .name = "lseek", .kind = CMD_PROCESS,
	    .usage = "A lseek FD OFFSET WHENCE -> offset", .help = "lseek(2)", .fn = do_lseek_cmd,
	    .flags = (const struct cli_flagset[]){ { "WHENCE", whence_names }, { NULL, NULL } })

static int do_ftruncate_cmd(struct cmd_ctx *c)
{
	u64 v[2];

	if (nums(c, 2, v))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_ftruncate((int)v[0], (loff_t)v[1]));
	return 0;
}
CLI_COMMAND(cmd_ftruncate, .name = "ftruncate", .kind = CMD_PROCESS, .usage = "A ftruncate FD LEN",
	    .help = "ftruncate(2)", .fn = do_ftruncate_cmd)

static int do_truncate_cmd(struct cmd_ctx *c)
{
	const char *path = NULL;
	u64 len;

	if (arg_count(c, 2, 2) || arg_path(c, 0, &path) || arg_num(c, 1, &len) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_truncate(path, (loff_t)len));
	return 0;
}
CLI_COMMAND(cmd_truncate, .name = "truncate", .kind = CMD_PROCESS, .usage = "A truncate PATH LEN",
	    .help = "truncate(2)", .fn = do_truncate_cmd)

static int do_fsync_cmd(struct cmd_ctx *c)
{
	u64 v[1];

	if (nums(c, 1, v))
		return CMD_SCRIPT_ERROR;
	result_ret(c, !strcmp(c->cmd, "fsync") ? sys_fsync((int)v[0]) : sys_fdatasync((int)v[0]));
	return 0;
}
CLI_COMMAND(cmd_fsync, .name = "fsync", .kind = CMD_PROCESS, .usage = "A fsync FD",
	    .help = "fsync(2): write the file's dirty pages back; a write-back error once",
	    .fn = do_fsync_cmd)
CLI_COMMAND(cmd_fdatasync, .name = "fdatasync", .kind = CMD_PROCESS, .usage = "A fdatasync FD",
	    .help = "fdatasync(2)", .fn = do_fsync_cmd)

static int do_fallocate_cmd(struct cmd_ctx *c)
{
	u64 fd, mode, off, len;

	if (arg_count(c, 4, 4) || arg_num(c, 0, &fd) || arg_flags(c, 1, falloc_names, &mode) ||
	    arg_num(c, 2, &off) || arg_num(c, 3, &len) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_fallocate((int)fd, (int)mode, (loff_t)off, (loff_t)len));
	return 0;
}
CLI_COMMAND(cmd_fallocate, .name = "fallocate", .kind = CMD_PROCESS,
	    .usage = "A fallocate FD MODE OFFSET LEN", .help = "fallocate(2)",
	    .fn = do_fallocate_cmd,
	    .flags = (const struct cli_flagset[]){ { "MODE", falloc_names }, { NULL, NULL } })

static int do_fadvise_cmd(struct cmd_ctx *c)
{
	u64 fd, off, len, adv;

	if (arg_count(c, 4, 4) || arg_num(c, 0, &fd) || arg_num(c, 1, &off) ||
	    arg_num(c, 2, &len) || arg_enum(c, 3, fadv_names, &adv) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_fadvise64((int)fd, (loff_t)off, (loff_t)len, (int)adv));
	return 0;
}
CLI_COMMAND(cmd_fadvise, .name = "fadvise", .kind = CMD_PROCESS,
	    .usage = "A fadvise FD OFFSET LEN ADVICE", .help = "posix_fadvise(2)",
	    .fn = do_fadvise_cmd,
	    .flags = (const struct cli_flagset[]){ { "ADVICE", fadv_names }, { NULL, NULL } })

static int do_readahead_cmd(struct cmd_ctx *c)
{
	u64 v[3];

	if (nums(c, 3, v))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_readahead((int)v[0], (loff_t)v[1], v[2]));
	return 0;
}
CLI_COMMAND(cmd_readahead, .name = "readahead", .kind = CMD_PROCESS,
	    .usage = "A readahead FD OFFSET COUNT", .help = "readahead(2)", .fn = do_readahead_cmd)

static int do_unlink_cmd(struct cmd_ctx *c)
{
	const char *path = NULL;

	if (arg_count(c, 1, 1) || arg_path(c, 0, &path) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_unlink(path));
	return 0;
}
CLI_COMMAND(cmd_unlink, .name = "unlink", .kind = CMD_PROCESS, .usage = "A unlink PATH",
	    .help = "unlink(2): an open or mapped file lives on", .fn = do_unlink_cmd)

static int do_mkdir_cmd(struct cmd_ctx *c)
{
	const char *path = NULL;
	u64 mode = 0755;

	if (arg_count(c, 1, 2) || arg_path(c, 0, &path) ||
	    (c->argc == 2 && arg_mode(c, 1, &mode)) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_mkdir(path, (umode_t)mode));
	return 0;
}
CLI_COMMAND(cmd_mkdir, .name = "mkdir", .kind = CMD_PROCESS, .usage = "A mkdir PATH [MODE]",
	    .help = "mkdir(2)", .fn = do_mkdir_cmd)

static void result_stat(struct cmd_ctx *c, long err, const struct kstat *st)
{
	if (err)
		result_errno(c, (int)err);
	else
		result_text(c, "size=%lld blocks=%lu", (long long)st->size, st->blocks);
}

static int do_stat_cmd(struct cmd_ctx *c)
{
	struct kstat st;
	const char *path = NULL;

	if (arg_count(c, 1, 1) || arg_path(c, 0, &path) || need_task(c))
		return CMD_SCRIPT_ERROR;
	result_stat(c, sys_stat(path, &st), &st);
	return 0;
}
CLI_COMMAND(cmd_stat, .name = "stat", .kind = CMD_PROCESS, .usage = "A stat PATH",
	    .help = "stat(2): st_size and st_blocks", .fn = do_stat_cmd)

static int do_fstat_cmd(struct cmd_ctx *c)
{
	struct kstat st;
	u64 v[1];

	if (nums(c, 1, v))
		return CMD_SCRIPT_ERROR;
	result_stat(c, sys_fstat((int)v[0], &st), &st);
	return 0;
}
CLI_COMMAND(cmd_fstat, .name = "fstat", .kind = CMD_PROCESS, .usage = "A fstat FD",
	    .help = "fstat(2): st_size and st_blocks", .fn = do_fstat_cmd)

#define MINCORE_MAX 200

static int do_mincore_cmd(struct cmd_ctx *c)
{
	unsigned char vec[MINCORE_MAX];
	char digits[MINCORE_MAX + 1];
	u64 addr, len;
	size_t pages, i;
	long err;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || arg_num(c, 1, &len))
		return CMD_SCRIPT_ERROR;
	if (c->proc->dead || !c->proc->task || !c->proc->task->mm)
		return script_error(c, "mincore: '%s' has no address space", c->proc->name);
	pages = (size_t)((len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0));
	if (pages > MINCORE_MAX)
		return script_error(c, "mincore: at most %d pages at a time", MINCORE_MAX);
	err = sys_mincore(addr, len, vec);
	if (err) {
		result_errno(c, (int)err);
		return 0;
	}
	for (i = 0; i < pages; i++)
		digits[i] = (char)('0' + (vec[i] & 1));
	digits[pages] = 0;
	result_text(c, "%s", pages ? digits : "");
	return 0;
}
CLI_COMMAND(cmd_mincore, .name = "mincore", .kind = CMD_PROCESS, .usage = "A mincore ADDR LEN",
	    .help = "mincore(2): one digit per page, 1 resident", .fn = do_mincore_cmd)

static int do_rusage_cmd(struct cmd_ctx *c)
{
	struct task_struct *t = c->proc->task;

	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	if (c->proc->dead || !t)
		return script_error(c, "rusage: '%s' has exited", c->proc->name);
	result_text(c, "minflt %lu majflt %lu", t->min_flt, t->maj_flt);
	return 0;
}
CLI_COMMAND(cmd_rusage, .name = "rusage", .kind = CMD_PROCESS, .usage = "A rusage",
	    .help = "getrusage(2) of A: its minor and major page faults", .fn = do_rusage_cmd)

/* ----------------------------------------------- clock and machine -- */

static int do_sleep(struct cmd_ctx *c)
{
	u64 ns;

	if (arg_count(c, 1, 1))
		return CMD_SCRIPT_ERROR;
	if (parse_duration(c->argv[0], &ns))
		return script_error(c, "sleep: bad duration '%s' (e.g. 5s, 100ms, 50us)",
				    c->argv[0]);
	sim_sleep(ns);
	return 0;
}
CLI_COMMAND(cmd_sleep, .name = "sleep", .kind = CMD_GLOBAL, .usage = "sleep DURATION",
	    .help = "advance the simulated clock: timers and delayed work (the flushers) run",
	    .fn = do_sleep)

static int do_sync(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	ksys_sync();
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_sync, .name = "sync", .kind = CMD_GLOBAL, .usage = "sync",
	    .help = "sync(2): write every dirty page back", .fn = do_sync)

/* A string knob's new value: refused values are a script error. */
static int sysctl_check_str(struct cmd_ctx *c, const struct ctl_table *t, const char *val)
{
	if (strlen(val) >= (size_t)t->maxlen || t->check_str(val))
		return script_error(c, "sysctl: setting key \"%s\": Invalid argument", t->procname);
	return 0;
}

/* Set or show knob i (values already checked). */
static int sysctl_apply(struct cmd_ctx *c, const struct ctl_table *t, bool set, long long v,
			const char *str)
{
	if (!set && t->check_str)
		fprintf(c->out, "%s = %s\n", t->procname, sysctl_read_str(t));
	else if (!set)
		fprintf(c->out, "%s = %lld\n", t->procname, sysctl_read(t));
	else if (t->check_str ? sysctl_write_str(t, str) : sysctl_write(t, v))
		return script_error(c, "sysctl: setting key \"%s\" failed", t->procname);
	return 0;
}

/* sysctl NAME=VALUE ... | NAME ... (vm.*, kernel.core_*) */
static int do_sysctl(struct cmd_ctx *c)
{
	const struct ctl_table *t[CLI_MAX_ARGS];
	const char *str[CLI_MAX_ARGS];
	long long v[CLI_MAX_ARGS];
	bool set[CLI_MAX_ARGS];
	int i, n;

	if (arg_count(c, 1, CLI_MAX_ARGS))
		return CMD_SCRIPT_ERROR;
	for (i = 0; i < c->argc; i++) {
		char name[64];
		const char *eq = strchr(c->argv[i], '=');
		size_t n = eq ? (size_t)(eq - c->argv[i]) : strlen(c->argv[i]);
		u64 val;

		snprintf(name, sizeof(name), "%.*s", (int)min(n, sizeof(name) - 1), c->argv[i]);
		t[i] = sysctl_find(name);
		if (!t[i])
			return script_error(c, "sysctl: no knob '%s'", name);
		set[i] = eq != NULL;
		str[i] = eq ? eq + 1 : NULL;
		v[i] = 0;
		if (set[i] && t[i]->check_str) {
			if (sysctl_check_str(c, t[i], str[i]))
				return CMD_SCRIPT_ERROR;
			continue;
		}
		if (set[i] && cli_parse_num(c->sc, eq + 1, &val))
			return script_error(c, "sysctl: bad value in '%s'", c->argv[i]);
		v[i] = set[i] ? (long long)val : 0;
		if (set[i] && (v[i] < t[i]->min || v[i] > t[i]->max))
			return script_error(c, "sysctl: setting key \"%s\": Invalid argument",
					    name);
	}
	for (n = i, i = 0; i < n; i++) /* all checked: apply (n: sysctl_apply gets c) */
		if (sysctl_apply(c, t[i], set[i], v[i], str[i]))
			return CMD_SCRIPT_ERROR;
	return 0;
}
CLI_COMMAND(cmd_sysctl, .name = "sysctl", .kind = CMD_GLOBAL, .usage = "sysctl NAME[=VALUE] ...",
	    .help = "set (NAME=VALUE) or show (NAME) a /proc/sys knob: vm.*, kernel.core_pattern, "
		    "kernel.core_uses_pid",
	    .fn = do_sysctl)

/* fail_io PATH read|write nth=N [sticky] | range=START-END | off */
static int parse_fail_rule(struct cmd_ctx *c, struct blk_fault_rule *r)
{
	const char *v;
	int i;

	*r = (struct blk_fault_rule){ 0 };
	for (i = 2; i < c->argc; i++) {
		u64 n;

		if (!strcmp(c->argv[i], "sticky")) {
			r->sticky = true;
		} else if (arg_kv(c, i, "nth", &v) && !cli_parse_num(c->sc, v, &n) && n) {
			r->nth = (long)n;
		} else if (arg_kv(c, i, "range", &v) &&
			   sscanf(v, "%lli-%lli", &r->start, &r->end) == 2 && r->start < r->end) {
			r->range = true;
		} else {
			return script_error(
				c, "fail_io: bad option '%s' (nth=N [sticky] | range=START-END)",
				c->argv[i]);
		}
	}
	if (!r->nth && !r->range)
		return script_error(c, "fail_io: nth=N or range=START-END");
	return 0;
}

static int do_fail_io(struct cmd_ctx *c)
{
	struct blk_fault_rule r;
	struct block_device *b;
	int op;

	if (arg_count(c, 2, 4))
		return CMD_SCRIPT_ERROR;
	b = path_bdev(c->argv[0]);
	if (!b)
		return script_error(c, "fail_io: '%s' is not on a host mount", c->argv[0]);
	if (!strcmp(c->argv[1], "off") && c->argc == 2) {
		bdev_clear_faults(b);
		return 0;
	}
	op = !strcmp(c->argv[1], "read")  ? REQ_OP_READ :
	     !strcmp(c->argv[1], "write") ? REQ_OP_WRITE :
					    -1;
	if (op < 0)
		return script_error(c, "fail_io: read, write or off, not '%s'", c->argv[1]);
	if (parse_fail_rule(c, &r))
		return CMD_SCRIPT_ERROR;
	bdev_set_fault(b, (enum req_op)op, &r);
	return 0;
}
CLI_COMMAND(cmd_fail_io, .name = "fail_io", .kind = CMD_GLOBAL,
	    .usage = "fail_io PATH read|write nth=N [sticky] | range=START-END | fail_io PATH off",
	    .help = "make the device under PATH fail requests (EIO)", .fn = do_fail_io)
