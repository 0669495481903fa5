/*
 * cmd_core.c - the commands of the language core that belong to no
 * subsystem: machine, cat (dispatch to /proc views, with field filters),
 * verify, dmesg (and its `reports` result), run, cpu, fail (fault
 * injection).  help is in cli/help.c.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/proc.h"
#include "mmkit/slab.h"

static int machine_unknown(struct cmd_ctx *c, const char *arg)
{
	static const char *const all[] = {
		"ram",	      "cpus",	 "levels",  "seed",	"min_free_kbytes",
		"slab_debug", "gbpages", "pvclock", "zero_page"
	};
	struct suggest sg;
	char key[64], hint[96];
	size_t i;

	snprintf(key, sizeof(key), "%s", arg);
	key[strcspn(key, "=")] = 0;
	suggest_init(&sg, key);
	for (i = 0; i < ARRAY_SIZE(all); i++)
		suggest_add(&sg, all[i]);
	return script_error(c, "machine: unknown setting '%s'%s", arg,
			    suggest_hint(&sg, hint, sizeof(hint)));
}

/* machine ram=64M cpus=1 levels=4 [seed=N] [min_free_kbytes=N] [gbpages=0|1]
 * [pvclock=0|1] (CPU/platform features; the defaults are the reference
 * host's) [zero_page=0|1] (0: a kernel without the shared zero page): each
 * key at most once. */
static int do_machine(struct cmd_ctx *c)
{
	static const char *const keys[] = {
		"ram",	   "cpus",    "levels",	  "seed", "min_free_kbytes",
		"gbpages", "pvclock", "zero_page"
	};
	struct scenario *sc = c->sc;
	struct machine_config cfg = sc->cfg;
	const char *why, *slab_debug = NULL;
	unsigned int seen = 0;
	int i, k;

	if (sc->seen_command || sc->booted)
		return script_error(c, "machine: must come before any other command");
	for (i = 0; i < c->argc; i++) {
		const char *val = NULL;
		u64 v;
		int err;

		if (arg_kv(c, i, "slab_debug", &val)) {
			if (slab_debug)
				return script_error(c, "machine: slab_debug= given twice");
			slab_debug = val;
			continue;
		}

		for (k = 0; k < (int)ARRAY_SIZE(keys) && !arg_kv(c, i, keys[k], &val); k++)
			;
		if (k == (int)ARRAY_SIZE(keys))
			return machine_unknown(c, c->argv[i]);
		if (seen & (1u << k))
			return script_error(c, "machine: %s= given twice", keys[k]);
		seen |= 1u << k;
		err = cli_parse_num(sc, val, &v);
		if (err == -ERANGE)
			return script_error(c, "machine: '%s': number out of range", c->argv[i]);
		if (err)
			return script_error(c, "machine: '%s': not a number", c->argv[i]);
		if (k < 4 && sc->cfg_locked[k])
			continue; /* the command line wins */
		if (k == CFG_RAM)
			cfg.ram_bytes = v;
		else if (k == CFG_CPUS)
			cfg.cpus = (int)min(v, 1000ULL);
		else if (k == CFG_LEVELS)
			cfg.levels = (int)min(v, 1000ULL);
		else if (k == CFG_SEED)
			cfg.seed = v;
		else if (k == 4)
			cfg.min_free_kbytes = v;
		else if (k == 5)
			cfg.gbpages = v != 0;
		else if (k == 6)
			cfg.pvclock = v != 0;
		else if (!sc->zero_page_locked)
			cfg.no_zero_page = v == 0;
	}
	if (machine_config_check(&cfg, &why))
		return script_error(c, "machine: %s", why);
	if (slab_debug && slab_debug_setup(slab_debug))
		return script_error(c, "machine: slab_debug: bad flags '%s' (F, Z, P, U, T)",
				    slab_debug);
	sc->cfg = cfg;
	return 0;
}
CLI_COMMAND(
	cmd_machine, .name = "machine", .kind = CMD_GLOBAL,
	.usage = "machine ram=64M cpus=1 levels=4 [seed=N] [min_free_kbytes=N] [slab_debug=FZPU] "
		 "[gbpages=0|1] [pvclock=0|1] [zero_page=0|1]",
	.help = "configure the machine (first line only)", .fn = do_machine)

/* ---- cat ---- */

/* Views whose lines are "Key: value" or "key value" take field names; the
 * rows of /proc/slabinfo are named by their cache, after 2 header lines.
 * Returns the number of header lines to keep, or -1 (no fields). */
static int view_fields_header(const struct proc_view *v)
{
	if (!strcmp(v->path, "/proc/meminfo") || !strcmp(v->path, "/proc/vmstat") ||
	    !strcmp(v->path, "status"))
		return 0;
	return !strcmp(v->path, "/proc/slabinfo") ? 2 : -1;
}

/* The length of a line's key ("MemTotal" of "MemTotal:  65536 kB"). */
static size_t line_key_len(const char *line) { return strcspn(line, ": \t\n"); }

static const char *find_field(const char *text, const char *field)
{
	const char *l;
	size_t n = strlen(field);

	for (l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (line_key_len(l) == n && !strncmp(l, field, n))
			return l;
	return NULL;
}

static int unknown_field(struct cmd_ctx *c, const char *text, const char *field)
{
	struct suggest sg;
	char key[64], hint[96];
	const char *l;

	suggest_init(&sg, field);
	for (l = text; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		snprintf(key, sizeof(key), "%.*s", (int)line_key_len(l), l);
		suggest_add(&sg, key);
	}
	return script_error(c, "cat: %s has no field '%s'%s", c->argv[0], field,
			    suggest_hint(&sg, hint, sizeof(hint)));
}

/* Print the header lines, then only the lines of the given fields, in the
 * order asked. */
static int print_fields(struct cmd_ctx *c, const char *text, int header)
{
	const char *body = text;
	int i;

	for (i = 0; i < header && *body; i++)
		body += strcspn(body, "\n") + (body[strcspn(body, "\n")] == '\n');
	for (i = 1; i < c->argc; i++)
		if (!find_field(body, c->argv[i]))
			return unknown_field(c, body, c->argv[i]);
	fwrite(text, 1, (size_t)(body - text), c->out);
	text = body;
	for (i = 1; i < c->argc; i++) {
		const char *l = find_field(text, c->argv[i]);

		fprintf(c->out, "%.*s\n", (int)strcspn(l, "\n"), l);
	}
	return 0;
}

static int show_view(struct cmd_ctx *c, const struct proc_view *v, struct task_struct *t)
{
	int header = view_fields_header(v);
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	if (c->argc == 1) {
		err = v->show(c->out, t);
		return err ? script_error(c, "cat: %s: %s", c->argv[0], strerror(-err)) : 0;
	}
	if (header < 0)
		return script_error(c,
				    "cat: %s takes no field names (meminfo, vmstat, status "
				    "and slabinfo do)",
				    c->argv[0]);
	mem = open_memstream(&text, &len);
	if (!mem)
		return script_error(c, "cat: out of memory");
	err = v->show(mem, t);
	fclose(mem);
	if (err)
		err = script_error(c, "cat: %s: %s", c->argv[0], strerror(-err));
	else
		err = print_fields(c, text ? text : "", header);
	free(text);
	return err;
}

/* cat /proc/A/pagemap ADDR LEN: a view of a range. */
static int show_range_view(struct cmd_ctx *c, const struct proc_view *v, struct task_struct *t)
{
	u64 addr = 0, len = 0;
	int err;

	if (c->argc != 1 && c->argc != 3)
		return script_error(c, "cat: %s takes ADDR LEN (or nothing: every VMA)",
				    c->argv[0]);
	if (c->argc == 3 && (arg_num(c, 1, &addr) || arg_num(c, 2, &len)))
		return CMD_SCRIPT_ERROR;
	err = v->show_range(c->out, t, (unsigned long)addr, (unsigned long)len);
	return err ? script_error(c, "cat: %s: %s", c->argv[0], strerror(-err)) : 0;
}

static int no_such_view(struct cmd_ctx *c, const char *path, bool per_task)
{
	const struct proc_view *v;
	struct suggest sg;
	char hint[96];
	const char *word = per_task ? strrchr(path, '/') + 1 : path;

	suggest_init(&sg, word);
	for (v = proc_view_first(); v; v = v->next)
		if (v->per_task == per_task)
			suggest_add(&sg, v->path);
	return script_error(c, "cat: no such view '%s'%s", path,
			    suggest_hint(&sg, hint, sizeof(hint)));
}

/* cat /proc/meminfo [FIELD...] | cat /proc/A/maps | cat /proc/A/status [FIELD...]
 * | cat /proc/slabinfo [CACHE...] */
static int do_cat(struct cmd_ctx *c)
{
	const struct proc_view *v;
	struct cli_proc *p = NULL;
	char name[64], file[64], why[160];

	if (arg_count(c, 1, CLI_MAX_ARGS))
		return CMD_SCRIPT_ERROR;
	v = proc_view_find(c->argv[0], false);
	if (!v && sscanf(c->argv[0], "/proc/%63[^/]/%63s", name, file) == 2) {
		p = cli_proc_find(c->sc, name);
		if (!p && cli_proc_gone(c->sc, name, why, sizeof(why)))
			return script_error(c, "cat: %s", why);
		if (!p)
			return script_error(c, "cat: unknown process '%s'", name);
		v = proc_view_find(file, true);
		if (!v)
			return no_such_view(c, c->argv[0], true);
	}
	if (!v)
		return no_such_view(c, c->argv[0], false);
	if (v->show_range) /* per-process views only (pagemap) */
		return p ? show_range_view(c, v, p->task) : no_such_view(c, c->argv[0], false);
	return show_view(c, v, p ? p->task : NULL);
}
CLI_COMMAND(
	cmd_cat, .name = "cat", .kind = CMD_GLOBAL,
	.usage =
		"cat /proc/FILE [FIELD...] | cat /proc/A/FILE [FIELD...] | cat /proc/A/pagemap ADDR LEN",
	.help = "print a /proc view in the Linux format (or only some fields)", .fn = do_cat)

static int do_verify(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	verify_all(c->out);
	return 0;
}
CLI_COMMAND(cmd_verify, .name = "verify", .kind = CMD_GLOBAL, .usage = "verify",
	    .help = "run every invariant check", .fn = do_verify)

/* ---- dmesg ---- */

/*
 * The first lines of the kernel's reports, as a crash triager (syzkaller's
 * pkg/report) recognizes them: BUG, WARNING, oopses, panics, segfaults, OOM
 * kills, allocation failures.  The continuation lines of a report (#PF:,
 * CPU:, the page-table dump) are not headlines.
 */
static const char *const report_heads[] = {
	"^BUG[: ]",
	"^kernel BUG at ",
	"^WARNING:",
	"^Oops: general protection",
	"^general protection fault",
	"^Kernel panic",
	"^[^ ]+\\[[0-9]+\\]: segfault at ",
	"^traps: ",
	"^Out of memory",
	"invoked oom-killer",
	": page allocation failure",
	"Corrupted page table",
	"^mce: ",
};

static bool is_report_head(const char *line)
{
	static regex_t re[ARRAY_SIZE(report_heads)];
	static bool compiled;
	size_t i;

	if (!compiled) {
		for (i = 0; i < ARRAY_SIZE(report_heads); i++)
			BUG_ON(regcomp(&re[i], report_heads[i], REG_EXTENDED | REG_NOSUB));
		compiled = true;
	}
	for (i = 0; i < ARRAY_SIZE(report_heads); i++)
		if (!regexec(&re[i], line, 0, NULL, 0))
			return true;
	return false;
}

/* Append the headline to buf ("; "-separated), as far as it fits. */
static void add_headline(char *buf, size_t len, const char *line)
{
	size_t n = strlen(buf);

	if (n + 4 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s", n ? "; " : "", line);
}

/* dmesg reports: the headlines logged since the last mark. */
static int dmesg_reports(struct cmd_ctx *c)
{
	char *log = dmesg_copy(), *line, *save = NULL;
	char heads[200] = "";
	unsigned long sec, usec;
	int off;

	if (!log)
		return script_error(c, "dmesg: out of memory");
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long ts;

		if (sscanf(line, "[%lu.%lu] %n", &sec, &usec, &off) != 2)
			continue;
		ts = (long)(sec * 10000 + usec / 100);
		if (ts <= c->sc->dmesg_mark)
			continue;
		c->sc->dmesg_mark = ts;
		line[strcspn(line, "\r")] = 0;
		if (is_report_head(line + off))
			add_headline(heads, sizeof(heads), line + off);
	}
	free(log);
	if (heads[0])
		result_text(c, "%s", heads);
	else
		result_text(c, "none");
	return 0;
}

static int do_dmesg(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 1))
		return CMD_SCRIPT_ERROR;
	if (c->argc == 1 && !strcmp(c->argv[0], "reports"))
		return dmesg_reports(c);
	if (c->argc == 1 && strcmp(c->argv[0], "-c"))
		return script_error(c, "dmesg: -c (clear) or reports, not '%s'", c->argv[0]);
	dmesg_show(c->out);
	if (c->argc == 1) {
		dmesg_clear();
		c->sc->dmesg_mark = -1;
	}
	return 0;
}
CLI_COMMAND(cmd_dmesg, .name = "dmesg", .kind = CMD_GLOBAL, .usage = "dmesg [-c | reports]",
	    .help = "print (and with -c clear) the kernel log; `reports`: its reports as a result",
	    .fn = do_dmesg)

struct run_args {
	int cpu;
	struct cli_proc *p;
};
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
		return script_error(c, "run: no CPU %llu (cpus=%d)", (unsigned long long)cpu,
				    mmk->nr_cpus);
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
		return script_error(c, "cpu: no CPU %llu (cpus=%d)", (unsigned long long)cpu,
				    mmk->nr_cpus);
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
		if (arg_kv(c, i, "prob", &val) && !cli_parse_num(c->sc, val, &ppm) &&
		    ppm <= 1000000)
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
