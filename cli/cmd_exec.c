/*
 * cmd_exec.c - `mmkit exec [OPTIONS] -- PROGRAM ARGS...` (issue 21): boot a
 * machine, mount host directories, run a static x86-64 Linux program on
 * the Unicorn CPU through mmkit's memory manager, and exit with its status.
 *
 *   --ram=SIZE --cpus=N --seed=N      the machine (4-level paging always)
 *   --mount=HOSTDIR:PATH              a host directory at PATH (repeatable)
 *   --swap=SIZE                       a swap area of SIZE (the `swaparea`
 *                                     command's: a host temporary file)
 *   --cwd=PATH                        the program's working directory (/)
 *   --core-pattern=PATTERN            kernel.core_pattern (default "core")
 *   --core-limit=SIZE|unlimited       RLIMIT_CORE (default: mmkit's own, as a
 *                                     child inherits its shell's)
 *   -v / -q                           kernel messages: all / none on stderr
 *
 * PROGRAM is a path in the machine's file system (a mounted directory);
 * argv[0] is PROGRAM as given.  The environment is the host's.  fds 0, 1
 * and 2 are mmkit's own standard streams.  Exit status: the program's exit
 * code, or 128 + the signal that killed it (as a shell reports it, with a
 * line on stderr); 2 for a usage error; 126/127 when the program cannot be
 * executed / is not found, as shells do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/cli.h"
#include "mmkit/coredump.h"
#include "mmkit/fs.h"
#include "mmkit/paging.h"
#include "mmkit/swap.h"
#include "mmkit/uproc.h"

extern char **environ;

#define MAX_MOUNTS 16

enum { EO_RAM = 256, EO_CPUS, EO_SEED, EO_MOUNT, EO_CWD, EO_CORE, EO_CORE_LIMIT, EO_SWAP };

static const struct option exec_opts[] = { { "ram", required_argument, NULL, EO_RAM },
					   { "cpus", required_argument, NULL, EO_CPUS },
					   { "seed", required_argument, NULL, EO_SEED },
					   { "mount", required_argument, NULL, EO_MOUNT },
					   { "cwd", required_argument, NULL, EO_CWD },
					   { "core-pattern", required_argument, NULL, EO_CORE },
					   { "core-limit", required_argument, NULL, EO_CORE_LIMIT },
					   { "swap", required_argument, NULL, EO_SWAP },
					   { "verbose", no_argument, NULL, 'v' },
					   { "quiet", no_argument, NULL, 'q' },
					   { "help", no_argument, NULL, 'h' },
					   { NULL, 0, NULL, 0 } };

static void exec_usage(FILE *f)
{
	fprintf(f,
		"usage: mmkit exec [OPTIONS] -- PROGRAM [ARGS...]\n"
		"Run a static x86-64 Linux program on the simulated machine: every memory\n"
		"access goes through mmkit's page tables, every fault through its handler.\n"
		"  --ram=SIZE             RAM (default 256M)\n"
		"  --cpus=N               simulated CPUs (default 1)\n"
		"  --seed=N               random seed (default 1)\n"
		"  --mount=HOSTDIR:PATH   a host directory at PATH (repeatable)\n"
		"  --swap=SIZE            a swap area of SIZE (a host temporary file, at /swaparea)\n"
		"  --cwd=PATH             the program's working directory (default /)\n"
		"  --core-pattern=PAT     where a core dump goes (default core, in the cwd's file system)\n"
		"  --core-limit=SIZE      RLIMIT_CORE: a size or unlimited (default: mmkit's own)\n"
		"  -v, --verbose          every kernel message on stderr\n"
		"  -q, --quiet            no kernel message on stderr\n"
		"exit status: the program's, or 128+N when signal N killed it.\n");
}

static int parse_size(const char *s, u64 *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (end == s || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

struct exec_opts_val {
	struct machine_config cfg;
	const char *mounts[MAX_MOUNTS];
	int nmounts;
	const char *cwd, *core;
	int loglevel;
	bool core_limit_set;
	unsigned long core_limit;
	u64 swap; /* bytes of swap (0: none) */
};

static int parse_exec_options(int argc, char **argv, struct exec_opts_val *o)
{
	int ch;
	u64 v;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+vqh", exec_opts, NULL)) != -1) {
		switch (ch) {
		case EO_RAM:
		case EO_CPUS:
		case EO_SEED:
			if (parse_size(optarg, &v)) {
				fprintf(stderr, "mmkit exec: not a number '%s'\n", optarg);
				return -1;
			}
			if (ch == EO_RAM)
				o->cfg.ram_bytes = v;
			else if (ch == EO_CPUS)
				o->cfg.cpus = (int)(v > 1000 ? 1000 : v);
			else
				o->cfg.seed = v;
			break;
		case EO_MOUNT:
			if (o->nmounts == MAX_MOUNTS || !strchr(optarg, ':')) {
				fprintf(stderr,
					"mmkit exec: --mount=HOSTDIR:PATH (at most %d), got '%s'\n",
					MAX_MOUNTS, optarg);
				return -1;
			}
			o->mounts[o->nmounts++] = optarg;
			break;
		case EO_CWD:
			o->cwd = optarg;
			break;
		case EO_SWAP:
			if (parse_size(optarg, &o->swap) ||
			    o->swap >> PAGE_SHIFT < SWAP_MIN_PAGES) {
				fprintf(stderr,
					"mmkit exec: --swap: a size of at least %d pages, got '%s'\n",
					SWAP_MIN_PAGES, optarg);
				return -1;
			}
			break;
		case EO_CORE:
			o->core = optarg;
			break;
		case EO_CORE_LIMIT:
			if (!strcmp(optarg, "unlimited")) {
				v = RLIM_INFINITY;
			} else if (parse_size(optarg, &v)) {
				fprintf(stderr, "mmkit exec: --core-limit: not a size '%s'\n",
					optarg);
				return -1;
			}
			o->core_limit = v;
			o->core_limit_set = true;
			break;
		case 'v':
			o->loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
			break;
		case 'q':
			o->loglevel = CONSOLE_LOGLEVEL_SILENT;
			break;
		case 'h':
			exec_usage(stdout);
			return -2;
		default:
			fprintf(stderr,
				"mmkit exec: unknown option '%s'\nTry 'mmkit exec --help'.\n",
				argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

static int mount_all(const struct exec_opts_val *o)
{
	int i;

	for (i = 0; i < o->nmounts; i++) {
		char host[512];
		const char *colon = strrchr(o->mounts[i], ':');
		size_t n = (size_t)(colon - o->mounts[i]);
		int err;

		if (n >= sizeof(host))
			return -ENAMETOOLONG;
		memcpy(host, o->mounts[i], n);
		host[n] = 0;
		err = do_mount_host(host, colon + 1, false, 0, 0);
		if (err) {
			fprintf(stderr, "mmkit exec: mount %s at %s: %s\n", host, colon + 1,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

static const char *signame(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	if (!abbrev)
		return "?";
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

/* pid 1: an idle init above the program, as the shell and init that
 * start a program natively are, so that the program is an ordinary
 * process: Linux's OOM killer never picks init (oom_unkillable_task).
 * On CPU 0 (cpu_call).  *info: the task, or NULL on -ENOMEM. */
static void init_create_on_cpu(void *info)
{
	struct task_struct **t = info;
	struct mm_struct *mm = mm_alloc();

	*t = mm ? task_create("init", mm) : NULL;
	if (mm && !*t)
		mmput(mm);
}

static void init_exit_on_cpu(void *info) { task_exit(info); }

/* Boot, mount, spawn, run, report.  The exit status of the program. */
static int exec_program(struct exec_opts_val *o, char **argv)
{
	struct uproc_result res = { 0 };
	struct task_struct *init = NULL;
	struct rlimit core; /* the kernel's layout: two unsigned longs */
	struct uthread *ut;
	const char *why;
	int err, tgid, status;

	signal(SIGPIPE, SIG_IGN); /* the program gets it (fs/stdio_host.c) */
	console_set_loglevel(CONSOLE_LOGLEVEL_QUIET);
	err = machine_boot(&o->cfg, &why);
	if (err) {
		fprintf(stderr, "mmkit exec: cannot boot the machine: %s\n",
			why ? why : strerror(-err));
		return 2;
	}
	console_set_loglevel(o->loglevel);
	if (o->core)
		snprintf(core_pattern, sizeof(core_pattern), "%s", o->core);
	err = mount_all(o);
	if (!err && o->swap) {
		char why[4200];

		err = swaparea_setup(o->swap, 0, why, sizeof(why));
		if (err) {
			fprintf(stderr, "mmkit exec: --swap=%llu: %s\n",
				(unsigned long long)o->swap, why[0] ? why : strerror(-err));
			machine_shutdown();
			return 2;
		}
	}
	if (!err) {
		cpu_call(0, init_create_on_cpu, &init);
		err = init ? 0 : -ENOMEM;
	}
	if (!err)
		err = uproc_spawn(0, argv[0], argv, environ, o->cwd, &ut);
	if (err) {
		if (err != -ENAMETOOLONG || o->nmounts)
			fprintf(stderr, "mmkit exec: %s: %s%s\n", argv[0], strerror(-err),
				err == -ENOENT ?
					" (in the machine's file system: mount its directory with "
					"--mount=HOSTDIR:PATH)" :
					"");
		if (init)
			cpu_call(0, init_exit_on_cpu, init);
		machine_shutdown();
		return err == -ENOENT ? 127 : 126;
	}
	tgid = ut->task->tgid;
	/* the program is the invoking shell's child: its core limit */
	if (o->core_limit_set)
		ut->task->signal->rlim[RLIMIT_CORE] =
			(struct rlimit){ o->core_limit, RLIM_INFINITY };
	else if (!syscall(SYS_prlimit64, 0, 4 /* the host's RLIMIT_CORE */, NULL, &core))
		ut->task->signal->rlim[RLIMIT_CORE] = core;
	err = uproc_run(NULL, NULL, NULL, 0);
	if (err)
		fprintf(stderr, "mmkit exec: the CPU engine failed: %s\n", strerror(-err));
	if (!uproc_result(tgid, &res, true)) {
		fprintf(stderr, "mmkit exec: %s: every thread waits for ever (deadlock); killed\n",
			argv[0]);
		status = 128 + SIGKILL;
	} else if (res.exited) {
		status = res.code;
	} else {
		if (res.sig != SIGPIPE) /* as shells, silent about SIGPIPE */
			fprintf(stderr, "mmkit exec: %s: killed by %s%s\n", argv[0],
				signame(res.sig), res.core_dumped ? " (core dumped)" : "");
		status = 128 + res.sig;
	}
	uproc_kill_all();
	cpu_call(0, init_exit_on_cpu, init);
	machine_shutdown();
	return status;
}

int cmd_exec_main(int argc, char **argv)
{
	struct exec_opts_val o = { .cfg = MACHINE_CONFIG_DEFAULT,
				   .loglevel = CONSOLE_LOGLEVEL_QUIET };
	const char *why;
	int i;

	o.cfg.ram_bytes = 256ULL << 20;
	i = parse_exec_options(argc, argv, &o);
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i >= argc) {
		fprintf(stderr, "mmkit exec: no PROGRAM given\nTry 'mmkit exec --help'.\n");
		return 2;
	}
	if (!ucpu_supported()) {
		fprintf(stderr,
			"mmkit exec: this mmkit was built without the Unicorn CPU.\n"
			"Rebuild with Unicorn 2.1: install libunicorn >= 2.1 (pkg-config unicorn),\n"
			"or configure with -DMMKIT_UNICORN_SOURCE=/path/to/unicorn-2.1.4.tar.gz\n"
			"(or online, where CMake fetches 2.1.4 itself); see docs/GUIDE.md.\n");
		return 2;
	}
	o.cfg.levels = 4;
	if (machine_config_check(&o.cfg, &why)) {
		fprintf(stderr, "mmkit exec: %s\n", why);
		return 2;
	}
	return exec_program(&o, argv + i);
}

/* ------------------------------------------------------- scenario side -- */

/* spawn A elf PATH [ARGS...]: load the program, stopped. */
int cli_spawn_elf(struct cmd_ctx *c)
{
	static char *const envp[] = { "PATH=/bin:/usr/bin", "HOME=/", NULL };
	char *argv[CLI_MAX_ARGS];
	struct uthread *ut;
	int i, err;

	if (c->argc < 3)
		return script_error(c, "spawn: usage: spawn A elf PATH [ARGS...]");
	if (cli_proc_find(c->sc, c->argv[0]))
		return script_error(c, "spawn: process '%s' exists", c->argv[0]);
	if (!ucpu_supported())
		return script_error(c, "spawn elf: this mmkit was built without the Unicorn CPU "
				       "(docs/GUIDE.md: mmkit exec)");
	if (pgmode.levels != 4)
		return script_error(c, "spawn elf: real programs need levels=4");
	for (i = 2; i < c->argc; i++)
		argv[i - 2] = c->argv[i];
	argv[c->argc - 2] = NULL;
	err = uproc_spawn(c->cpu, c->argv[2], argv, envp, "/", &ut);
	if (err) {
		result_errno(c, -err);
		return 0;
	}
	uproc_set_stopped(ut);
	if (!cli_proc_add(c->sc, c->argv[0], ut->task, c->cpu)) {
		uproc_kill_all();
		return script_error(c, "spawn: bad or too many process names ('%s')", c->argv[0]);
	}
	result_zero(c);
	return 0;
}

struct run_until {
	struct uthread *ut;
	int tgid;
	enum { UNTIL_EXIT, UNTIL_SYSCALL, UNTIL_STEPS, UNTIL_STOP } kind;
};

/* The loop's stop test, under uproc_lock: the process is gone, or (for
 * syscall/steps) its thread stopped. */
static bool run_stop_test(void *arg)
{
	struct run_until *u = arg;
	struct uproc_result r;

	if (uproc_result_locked(u->tgid, &r))
		return true;
	return u->kind != UNTIL_EXIT && u->ut->state == UT_STOPPED;
}

/* A run [until exit|syscall NAME|steps N] */
static int do_run(struct cmd_ctx *c)
{
	struct run_until u = { .kind = UNTIL_EXIT };
	struct uthread *ut = c->proc->task ? c->proc->task->uthread : NULL;
	struct uproc_result res;
	u64 steps = 0;
	int nr = -1;

	if (arg_count(c, 0, 3))
		return CMD_SCRIPT_ERROR;
	if (!ut)
		return script_error(c, "run: '%s' is no real program (spawn A elf PATH)",
				    c->proc->name);
	if (c->argc >= 1 && strcmp(c->argv[0], "until"))
		return script_error(c, "run: expected 'until', got '%s'", c->argv[0]);
	if (c->argc == 2 && !strcmp(c->argv[1], "exit")) {
		u.kind = UNTIL_EXIT;
	} else if (c->argc == 3 && !strcmp(c->argv[1], "syscall")) {
		nr = syscall_nr(c->argv[2]);
		if (nr < 0)
			return script_error(c, "run: unknown system call '%s'", c->argv[2]);
		u.kind = UNTIL_SYSCALL;
	} else if (c->argc == 3 && !strcmp(c->argv[1], "steps")) {
		if (arg_num(c, 2, &steps))
			return CMD_SCRIPT_ERROR;
		if (!steps)
			return script_error(c, "run: steps N needs N > 0");
		u.kind = UNTIL_STEPS;
	} else if (c->argc) {
		return script_error(c, "run: usage: A run [until exit|syscall NAME|steps N]");
	}
	u.ut = ut;
	u.tgid = c->proc->task->tgid;
	if (u.kind == UNTIL_SYSCALL) {
		ut->stop_sc = nr;
		ut->stop_at_syscall = true;
	}
	uproc_run(run_stop_test, &u, u.kind == UNTIL_STEPS ? ut : NULL,
		  u.kind == UNTIL_STEPS ? steps : 0);
	if (uproc_result(u.tgid, &res, true)) { /* ut is gone */
		cli_proc_died(c->sc, c->proc, res.exited ? 0 : res.sig);
		c->proc->core_dumped = res.core_dumped;
	} else {
		ut->stop_at_syscall = false;
	}
	result_zero(c);
	return 0;
}
CLI_COMMAND(
	cmd_prun, .name = "run", .kind = CMD_PROCESS,
	.usage = "A run [until exit|syscall NAME|steps N]",
	.help = "run a real program (spawn A elf) until it exits, before a system call, or N instructions",
	.fn = do_run)
