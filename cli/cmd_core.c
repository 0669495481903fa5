/*
 * cmd_core.c - the commands of the language core that belong to no
 * subsystem: machine, cat (dispatch to /proc views), verify, dmesg, run,
 * cpu, fail (fault injection), help.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/proc.h"
#include "mmkit/slab.h"

/* machine ram=64M cpus=1 levels=4 [seed=N] [min_free_kbytes=N] [gbpages=0|1]
 * [pvclock=0|1] (CPU/platform features; the defaults are the reference host's) */
static int do_machine(struct cmd_ctx *c)
{
	static const char *const keys[] = { "ram", "cpus", "levels", "seed", "min_free_kbytes",
					    "gbpages", "pvclock" };
	struct scenario *sc = c->sc;
	struct machine_config cfg = sc->cfg;
	const char *why, *slab_debug = NULL;
	int i, k;

	if (sc->seen_command || sc->booted)
		return script_error(c, "machine: must come before any other command");
	for (i = 0; i < c->argc; i++) {
		const char *val = NULL;
		u64 v;

		if (arg_kv(c, i, "slab_debug", &val)) {
			slab_debug = val;
			continue;
		}

		for (k = 0; k < (int)ARRAY_SIZE(keys) && !arg_kv(c, i, keys[k], &val); k++)
			;
		if (k == (int)ARRAY_SIZE(keys))
			return script_error(c, "machine: unknown setting '%s'", c->argv[i]);
		if (cli_parse_num(sc, val, &v))
			return script_error(c, "machine: bad number in '%s'", c->argv[i]);
		if (k < 4 && sc->cfg_locked[k])
			continue;           /* the command line wins */
		if (k == CFG_RAM) cfg.ram_bytes = v;
		else if (k == CFG_CPUS) cfg.cpus = (int)min(v, 1000ULL);
		else if (k == CFG_LEVELS) cfg.levels = (int)min(v, 1000ULL);
		else if (k == CFG_SEED) cfg.seed = v;
		else if (k == 4) cfg.min_free_kbytes = v;
		else if (k == 5) cfg.gbpages = v != 0;
		else cfg.pvclock = v != 0;
	}
	if (machine_config_check(&cfg, &why))
		return script_error(c, "machine: %s", why);
	if (slab_debug && slab_debug_setup(slab_debug))
		return script_error(c, "machine: slab_debug: bad flags '%s' (F, Z, P, U, T)", slab_debug);
	sc->cfg = cfg;
	return 0;
}
CLI_COMMAND(cmd_machine, .name = "machine", .kind = CMD_GLOBAL,
	    .usage = "machine ram=64M cpus=1 levels=4 [seed=N] [min_free_kbytes=N] [slab_debug=FZPU] "
		     "[gbpages=0|1] [pvclock=0|1]",
	    .help = "configure the machine (first line only)", .fn = do_machine)

/* cat /proc/meminfo | cat /proc/A/maps */
static int do_cat(struct cmd_ctx *c)
{
	const struct proc_view *v;
	struct cli_proc *p = NULL;
	char name[64], file[64];
	int err;

	if (arg_count(c, 1, 1))
		return CMD_SCRIPT_ERROR;
	v = proc_view_find(c->argv[0], false);
	if (!v && sscanf(c->argv[0], "/proc/%63[^/]/%63s", name, file) == 2) {
		p = cli_proc_find(c->sc, name);
		if (!p)
			return script_error(c, "cat: unknown process '%s'", name);
		v = proc_view_find(file, true);
	}
	if (!v)
		return script_error(c, "cat: no such view '%s'", c->argv[0]);
	if (p && (!p->task || p->dead))
		return script_error(c, "cat: process '%s' has exited", p->name);
	err = v->show(c->out, p ? p->task : NULL);
	if (err)
		return script_error(c, "cat: %s: %s", c->argv[0], strerror(-err));
	return 0;
}
CLI_COMMAND(cmd_cat, .name = "cat", .kind = CMD_GLOBAL, .usage = "cat /proc/FILE | cat /proc/A/FILE",
	    .help = "print a /proc view in the Linux format", .fn = do_cat)

static int do_verify(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	verify_all(c->out);
	return 0;
}
CLI_COMMAND(cmd_verify, .name = "verify", .kind = CMD_GLOBAL, .usage = "verify",
	    .help = "run every invariant check", .fn = do_verify)

static int do_dmesg(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 1))
		return CMD_SCRIPT_ERROR;
	if (c->argc == 1 && strcmp(c->argv[0], "-c"))
		return script_error(c, "dmesg: only -c (clear) is supported");
	dmesg_show(c->out);
	if (c->argc == 1)
		dmesg_clear();
	return 0;
}
CLI_COMMAND(cmd_dmesg, .name = "dmesg", .kind = CMD_GLOBAL, .usage = "dmesg [-c]",
	    .help = "print (and with -c clear) the kernel log", .fn = do_dmesg)

struct run_args { int cpu; struct cli_proc *p; };
static void run_switch(void *info)
{
	struct run_args *a = info;

	if (cli_switch_hook && a->p->task)
		cli_switch_hook(a->cpu, a->p->task);
}

/* run CPU A: context-switch CPU to task A */
static int do_run(struct cmd_ctx *c)
{
	struct run_args a;
	u64 cpu;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &cpu) || arg_proc(c, 1, &a.p))
		return CMD_SCRIPT_ERROR;
	if (cpu >= (u64)mmk->nr_cpus)
		return script_error(c, "run: no CPU %llu (cpus=%d)", (unsigned long long)cpu, mmk->nr_cpus);
	if (a.p->dead) {
		result_errno(c, ESRCH);
		return 0;
	}
	a.cpu = (int)cpu;
	a.p->cpu = (int)cpu;
	cpu_call(a.cpu, run_switch, &a);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_run, .name = "run", .kind = CMD_GLOBAL, .usage = "run CPU A",
	    .help = "context-switch CPU to task A", .fn = do_run)

/* cpu N: the CPU on which kernel commands (alloc_pages, kmalloc, ...) run */
static int do_cpu(struct cmd_ctx *c)
{
	u64 cpu;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &cpu))
		return CMD_SCRIPT_ERROR;
	if (cpu >= (u64)mmk->nr_cpus)
		return script_error(c, "cpu: no CPU %llu (cpus=%d)", (unsigned long long)cpu, mmk->nr_cpus);
	cli_set_kernel_cpu(c->sc, (int)cpu);
	return 0;
}
CLI_COMMAND(cmd_cpu, .name = "cpu", .kind = CMD_GLOBAL, .usage = "cpu N",
	    .help = "run the following kernel commands on CPU N", .fn = do_cpu)

/* fail SITE nth=N [sticky] | fail SITE prob=PPM | fail off | fail list */
static int fail_list(struct cmd_ctx *c)
{
	struct fault_site *s;

	for (s = fault_site_first(); s; s = s->next)
		fprintf(c->out, "%-24s calls %ld failures %ld\n", s->name,
			(long)atomic_load(&s->calls), (long)atomic_load(&s->failures));
	return 0;
}

static int do_fail(struct cmd_ctx *c)
{
	const char *val;
	u64 nth = 0, ppm = 0;
	bool sticky = false;
	int i;

	if (arg_count(c, 1, 3))
		return CMD_SCRIPT_ERROR;
	if (!strcmp(c->argv[0], "off") && c->argc == 1) {
		fault_inject_clear_all();
		return 0;
	}
	if (!strcmp(c->argv[0], "list") && c->argc == 1)
		return fail_list(c);
	if (!fault_site_find(c->argv[0]))
		return script_error(c, "fail: unknown site '%s' (try: fail list)", c->argv[0]);
	for (i = 1; i < c->argc; i++) {
		if (arg_kv(c, i, "nth", &val) && !cli_parse_num(c->sc, val, &nth))
			continue;
		if (arg_kv(c, i, "prob", &val) && !cli_parse_num(c->sc, val, &ppm) && ppm <= 1000000)
			continue;
		if (!strcmp(c->argv[i], "sticky")) {
			sticky = true;
			continue;
		}
		return script_error(c, "fail: bad option '%s'", c->argv[i]);
	}
	fault_inject_set(c->argv[0], (long)nth, sticky, (u32)ppm);
	return 0;
}
CLI_COMMAND(cmd_fail, .name = "fail", .kind = CMD_GLOBAL,
	    .usage = "fail SITE nth=N [sticky] | fail SITE prob=PPM | fail off | fail list",
	    .help = "inject allocation failures at a named site", .fn = do_fail)

static int cmd_cmp(const void *a, const void *b)
{
	const struct cli_command *x = *(const struct cli_command *const *)a;
	const struct cli_command *y = *(const struct cli_command *const *)b;

	return strcmp(x->name, y->name);
}

static int do_help(struct cmd_ctx *c)
{
	struct cli_command *cmd, *list[256];
	int n = 0, i;

	if (arg_count(c, 0, 1))
		return CMD_SCRIPT_ERROR;
	for (cmd = cli_first(); cmd && n < (int)ARRAY_SIZE(list); cmd = cmd->next)
		if (!c->argc || !strcmp(c->argv[0], cmd->name))
			list[n++] = cmd;
	if (!n)
		return script_error(c, "help: no command '%s'", c->argv[0]);
	qsort(list, (size_t)n, sizeof(list[0]), cmd_cmp);
	for (i = 0; i < n; i++)
		fprintf(c->out, "  %-50s %s\n",
			list[i]->usage, list[i]->help ? list[i]->help : "");
	return 0;
}
CLI_COMMAND(cmd_help, .name = "help", .kind = CMD_GLOBAL, .usage = "help [COMMAND]",
	    .help = "list commands, or show one", .fn = do_help)
