/*
 * scenario.c - the scenario language runner (../shared/spec/scenario-language.md).
 *
 * One line at a time: strip the comment, split into tokens (double-quoted
 * tokens keep blanks and take \n \t \\ \" \xHH escapes), take `-> NAME` and
 * `expect=VALUE` off the end, find the command (a process name first means a
 * process operation), run its handler on the right simulated CPU, print the
 * one result line `<line>: <result>`, capture the value into NAME, and check
 * expect=.  The machine boots lazily before the first line that is not a
 * `machine` line, so a machine line (and command-line flags, which win)
 * configure it.
 *
 * Exit statuses: 0 all good, 1 a failed expect=, 2 a script error (the run
 * stops at the first one; in the shell it is reported and the shell goes on).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/scenario.h"
#include "mmkit/blkdev.h"
#include "mmkit/psi.h"
#include "mmkit/timer.h"
#include "mmkit/vmscan.h"
#include "mmkit/debug.h"
#include "mmkit/gfp.h"
#include "mmkit/sched.h"
#include "mmkit/mmzone.h"
#include "mmkit/oom.h"

static struct cli_command *commands;

void cli_register(struct cli_command *cmd)
{
	cmd->next = commands;
	commands = cmd;
}

struct cli_command *cli_first(void) { return commands; }

struct cli_command *cli_find(const char *name, enum cli_cmd_kind kind)
{
	struct cli_command *c;

	for (c = commands; c; c = c->next)
		if (c->kind == kind && !strcmp(c->name, name))
			return c;
	return NULL;
}

void scenario_init(struct scenario *sc, const char *file, FILE *out)
{
	struct machine_config def = MACHINE_CONFIG_DEFAULT;

	memset(sc, 0, sizeof(*sc));
	sc->dmesg_mark = -1;
	sc->verbosity = SC_NORMAL;
	sc->file = file;
	sc->out = out;
	sc->cfg = def;
}

/* ---- script errors and results ---- */

int script_error(struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	return CMD_SCRIPT_ERROR;
}

static void set_result(struct cmd_ctx *c, const char *fmt, ...) __printf(2, 3);
static void set_result(struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
	vsnprintf(c->result, sizeof(c->result), fmt, ap);
	va_end(ap);
	c->has_result = true;
}

void result_addr(struct cmd_ctx *c, u64 addr)
{
	set_result(c, "= 0x%llx", (unsigned long long)addr);
	c->has_value = true;
	c->value = addr;
}
void result_value(struct cmd_ctx *c, u64 v) { result_addr(c, v); }
void result_zero(struct cmd_ctx *c) { set_result(c, "= 0"); }
void result_ok(struct cmd_ctx *c) { set_result(c, "= ok"); }
void result_errno(struct cmd_ctx *c, int err)
{
	set_result(c, "= -1 %s", errno_name(err < 0 ? -err : err));
}
void result_ret(struct cmd_ctx *c, long ret)
{
	if (ret < 0)
		result_errno(c, (int)ret);
	else
		result_zero(c);
}
void result_signal(struct cmd_ctx *c, int sig, int si_code, u64 addr)
{
	set_result(c, "! %s %s 0x%llx", signal_name(sig), si_code_name(sig, si_code),
		   (unsigned long long)addr);
}
void result_text(struct cmd_ctx *c, const char *fmt, ...)
{
	char buf[240];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set_result(c, "= %s", buf);
}
void result_oops(struct cmd_ctx *c, const char *fmt, ...)
{
	char buf[240];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set_result(c, "! OOPS %s", buf);
}

/* ---- variables and numbers ---- */

static struct sc_var *var_find(struct scenario *sc, const char *name, size_t len)
{
	int i;

	for (i = 0; i < sc->nvars; i++)
		if (strlen(sc->vars[i].name) == len && !strncmp(sc->vars[i].name, name, len))
			return &sc->vars[i];
	return NULL;
}

static int var_set(struct scenario *sc, const char *name, u64 v)
{
	struct sc_var *var = var_find(sc, name, strlen(name));

	if (!var) {
		if (sc->nvars == SC_MAX_VARS)
			return -ENOSPC;
		var = &sc->vars[sc->nvars++];
		snprintf(var->name, sizeof(var->name), "%s", name);
	}
	var->value = v;
	return 0;
}

static void var_unset(struct scenario *sc, const char *name)
{
	struct sc_var *var = var_find(sc, name, strlen(name));

	if (var)
		*var = sc->vars[--sc->nvars];
}

/* A literal: decimal, 0x hex, optional K/M/G/T; a leading '-' negates.
 * Returns 0, -EINVAL (not a number) or -ERANGE (above 2^64-1). */
static int parse_literal(const char *s, u64 *out)
{
	bool neg = false;
	u64 v = 0, mul = 1;
	int base = 10;
	const char *p = s;

	if (*p == '-')
		neg = true, p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		int d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (v > (~0ULL - (u64)d) / (u64)base)
			return -ERANGE;
		v = v * (u64)base + (u64)d;
	}
	if (*p == 'K' || *p == 'k')
		mul = 1ULL << 10, p++;
	else if (*p == 'M' || *p == 'm')
		mul = 1ULL << 20, p++;
	else if (*p == 'G' || *p == 'g')
		mul = 1ULL << 30, p++;
	else if (*p == 'T' || *p == 't')
		mul = 1ULL << 40, p++;
	if (*p)
		return -EINVAL;
	if (mul > 1 && v > ~0ULL / mul)
		return -ERANGE;
	v *= mul;
	*out = neg ? (u64)(-(s64)v) : v;
	return 0;
}

static int parse_literal_n(const char *s, size_t len, u64 *out)
{
	char buf[64];

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	return parse_literal(buf, out);
}

int cli_parse_num(struct scenario *sc, const char *s, u64 *out)
{
	const char *op;
	struct sc_var *var;
	u64 off = 0;
	size_t len;

	if (*s != '$')
		return parse_literal(s, out);
	op = strpbrk(s + 1, "+-");
	len = op ? (size_t)(op - s - 1) : strlen(s + 1);
	var = var_find(sc, s + 1, len);
	if (!var)
		return -ENOENT;
	if (op && (parse_literal(op + 1, &off) || op[1] == '-'))
		return -EINVAL;
	*out = !op ? var->value : *op == '+' ? var->value + off : var->value - off;
	return 0;
}

/* ---- argument helpers ---- */

static const char *usage_of(struct cmd_ctx *c)
{
	struct cli_command *cmd = cli_find(c->cmd, c->proc ? CMD_PROCESS : CMD_GLOBAL);

	return cmd && cmd->usage ? cmd->usage : c->cmd;
}

int arg_count(struct cmd_ctx *c, int min, int max)
{
	if (c->argc < min || c->argc > max)
		return script_error(c, "%s: wrong number of arguments (usage: %s)", c->cmd,
				    usage_of(c));
	return 0;
}

int arg_num(struct cmd_ctx *c, int i, u64 *out)
{
	int err;

	if (i >= c->argc)
		return script_error(c, "%s: missing argument %d (usage: %s)", c->cmd, i + 1,
				    usage_of(c));
	err = cli_parse_num(c->sc, c->argv[i], out);
	if (err == -ENOENT)
		return script_error(c, "unknown variable '%s'", c->argv[i]);
	if (err == -ERANGE)
		return script_error(c, "number '%s' out of range (at most 16E-1)", c->argv[i]);
	if (err)
		return script_error(c, "bad number '%s'", c->argv[i]);
	return 0;
}

/* "; did you mean 'X'?" for a name that is not in tbl. */
static const char *flag_hint(const struct flag_name *tbl, const char *s, size_t len, char *buf,
			     size_t blen)
{
	struct suggest sg;
	char word[64];

	snprintf(word, sizeof(word), "%.*s", (int)len, s);
	suggest_init(&sg, word);
	for (; tbl && tbl->name; tbl++)
		suggest_add(&sg, tbl->name);
	return suggest_hint(&sg, buf, blen);
}

static int flag_lookup(const struct flag_name *tbl, const char *s, size_t len, u64 *v)
{
	for (; tbl && tbl->name; tbl++)
		if (strlen(tbl->name) == len && !strncmp(tbl->name, s, len)) {
			*v = tbl->value;
			return 0;
		}
	return -ENOENT;
}

int arg_flags(struct cmd_ctx *c, int i, const struct flag_name *tbl, u64 *out)
{
	const char *s, *bar;
	u64 acc = 0, v;

	if (i >= c->argc)
		return script_error(c, "%s: missing argument %d (usage: %s)", c->cmd, i + 1,
				    usage_of(c));
	s = c->argv[i];
	if (isdigit((unsigned char)*s) || *s == '$' || *s == '-')
		return arg_num(c, i, out);
	for (;;) {
		bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);

		if (flag_lookup(tbl, s, len, &v) && parse_literal_n(s, len, &v)) {
			char hint[96];

			return script_error(c, "unknown flag '%.*s' in '%s'%s", (int)len, s,
					    c->argv[i], flag_hint(tbl, s, len, hint, sizeof(hint)));
		}
		acc |= v;
		if (!bar)
			break;
		s = bar + 1;
	}
	*out = acc;
	return 0;
}

int arg_access_size(struct cmd_ctx *c, int i, unsigned int *size)
{
	u64 v = 0;

	if (arg_num(c, i, &v))
		return CMD_SCRIPT_ERROR;
	if (v != 1 && v != 2 && v != 4 && v != 8)
		return script_error(c, "%s: SIZE must be 1, 2, 4 or 8", c->cmd);
	*size = (unsigned int)v;
	return 0;
}

const struct flag_name prot_flag_names[] = { { "PROT_NONE", 0 },
					     { "PROT_READ", 1 },
					     { "PROT_WRITE", 2 },
					     { "PROT_EXEC", 4 },
					     { "PROT_SEM", 8 },
					     { "PROT_GROWSDOWN", 0x01000000 },
					     { "PROT_GROWSUP", 0x02000000 },
					     { NULL, 0 } };

int arg_prot(struct cmd_ctx *c, int i, u64 *out)
{
	const char *s = i < c->argc ? c->argv[i] : "";

	if (strlen(s) == 3 && strchr("r-", s[0]) && strchr("w-", s[1]) && strchr("x-", s[2])) {
		*out = (s[0] == 'r' ? 1 : 0) | (s[1] == 'w' ? 2 : 0) | (s[2] == 'x' ? 4 : 0);
		return 0;
	}
	return arg_flags(c, i, prot_flag_names, out);
}

int arg_enum(struct cmd_ctx *c, int i, const struct flag_name *tbl, u64 *out)
{
	const char *s;

	if (i >= c->argc)
		return script_error(c, "%s: missing argument %d (usage: %s)", c->cmd, i + 1,
				    usage_of(c));
	s = c->argv[i];
	if (isdigit((unsigned char)*s) || *s == '$' || *s == '-')
		return arg_num(c, i, out);
	if (flag_lookup(tbl, s, strlen(s), out)) {
		char hint[96];

		return script_error(c, "unknown name '%s'%s", s,
				    flag_hint(tbl, s, strlen(s), hint, sizeof(hint)));
	}
	return 0;
}

bool arg_kv(struct cmd_ctx *c, int i, const char *key, const char **val)
{
	size_t n = strlen(key);

	if (i >= c->argc || strncmp(c->argv[i], key, n) || c->argv[i][n] != '=')
		return false;
	*val = c->argv[i] + n + 1;
	return true;
}

int arg_proc(struct cmd_ctx *c, int i, struct cli_proc **out)
{
	if (i >= c->argc)
		return script_error(c, "%s: missing process name (usage: %s)", c->cmd, usage_of(c));
	*out = cli_proc_find(c->sc, c->argv[i]);
	if (!*out) {
		char why[160];

		if (cli_proc_gone(c->sc, c->argv[i], why, sizeof(why)))
			return script_error(c, "%s: %s", c->cmd, why);
		return script_error(c, "unknown process '%s'", c->argv[i]);
	}
	return 0;
}

/* ---- processes ---- */

void (*cli_switch_hook)(int cpu, struct task_struct *t);

static bool is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

struct cli_proc *cli_proc_find(struct scenario *sc, const char *name)
{
	int i;

	for (i = 0; i < sc->nprocs; i++) /* an exited process's name is free again */
		if (!sc->procs[i].dead && !strcmp(sc->procs[i].name, name))
			return &sc->procs[i];
	return NULL;
}

struct cli_proc *cli_proc_add(struct scenario *sc, const char *name, struct task_struct *t, int cpu)
{
	struct cli_proc *p;

	if (!is_ident(name) || strlen(name) >= sizeof(p->name) || cli_proc_find(sc, name) ||
	    sc->nprocs == SC_MAX_PROCS)
		return NULL;
	p = &sc->procs[sc->nprocs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->task = t;
	p->cpu = cpu;
	p->pid = t ? t->pid : 0;
	return p;
}

void cli_proc_died(struct scenario *sc, struct cli_proc *p, int sig)
{
	p->task = NULL;
	p->dead = true;
	p->exit_sig = sig;
	p->exit_line = sc->cur_line;
	if (sig && sc->npending < SC_MAX_PROCS)
		sc->pending[sc->npending++] = (int)(p - sc->procs);
}

const char *cli_proc_gone(struct scenario *sc, const char *name, char *buf, size_t len)
{
	int i;

	for (i = sc->nprocs - 1; i >= 0; i--) {
		const struct cli_proc *p = &sc->procs[i];

		if (!p->dead || strcmp(p->name, name))
			continue;
		if (p->exit_sig)
			snprintf(buf, len, "process '%s' was killed by %s at line %d", name,
				 signal_name(p->exit_sig), p->exit_line);
		else
			snprintf(buf, len, "process '%s' exited at line %d", name, p->exit_line);
		return buf;
	}
	return NULL;
}

int cli_kernel_cpu(struct scenario *sc) { return sc->kernel_cpu; }
void cli_set_kernel_cpu(struct scenario *sc, int cpu) { sc->kernel_cpu = cpu; }

/* ---- names ---- */

/* The errno's name; a number without one (mmap can return any address
 * that looks like an error: Linux IS_ERR_VALUE) as "E<number>", as the
 * host runner prints it. */
const char *errno_name(int err)
{
	static _Thread_local char buf[24];
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

const char *signal_name(int sig)
{
	static __thread char buf[16];
	const char *n = sigabbrev_np(sig);

	snprintf(buf, sizeof(buf), "SIG%s", n ? n : "UNKNOWN");
	return buf;
}

const char *si_code_name(int sig, int code)
{
	static const char *const segv[] = {
		"0",	       "SEGV_MAPERR",  "SEGV_ACCERR",  "SEGV_BNDERR",  "SEGV_PKUERR",
		"SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
		"SEGV_CPERR"
	};
	static const char *const bus[] = { "0",		 "BUS_ADRALN",	  "BUS_ADRERR",
					   "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO" };

	if (sig == 11 && code >= 0 && code < (int)ARRAY_SIZE(segv))
		return segv[code];
	if (sig == 7 && code >= 0 && code < (int)ARRAY_SIZE(bus))
		return bus[code];
	if (code == 0x80)
		return "SI_KERNEL";
	return "SI_UNKNOWN";
}

const struct cli_flagset gfp_flagset[] = { { "GFP", gfp_flag_names }, { NULL, NULL } };

const struct flag_name gfp_flag_names[] = { { "GFP_KERNEL", GFP_KERNEL },
					    { "GFP_ATOMIC", GFP_ATOMIC },
					    { "GFP_NOWAIT", GFP_NOWAIT },
					    { "GFP_NOIO", GFP_NOIO },
					    { "GFP_NOFS", GFP_NOFS },
					    { "GFP_USER", GFP_USER },
					    { "GFP_DMA", GFP_DMA },
					    { "GFP_DMA32", GFP_DMA32 },
					    { "GFP_HIGHUSER", GFP_HIGHUSER },
					    { "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
					    { "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT },
					    { "__GFP_DMA", __GFP_DMA },
					    { "__GFP_HIGHMEM", __GFP_HIGHMEM },
					    { "__GFP_DMA32", __GFP_DMA32 },
					    { "__GFP_MOVABLE", __GFP_MOVABLE },
					    { "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
					    { "__GFP_HIGH", __GFP_HIGH },
					    { "__GFP_IO", __GFP_IO },
					    { "__GFP_FS", __GFP_FS },
					    { "__GFP_ZERO", __GFP_ZERO },
					    { "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
					    { "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
					    { "__GFP_NOWARN", __GFP_NOWARN },
					    { "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
					    { "__GFP_NOFAIL", __GFP_NOFAIL },
					    { "__GFP_NORETRY", __GFP_NORETRY },
					    { "__GFP_COMP", __GFP_COMP },
					    { "__GFP_ACCOUNT", __GFP_ACCOUNT },
					    { "__GFP_RECLAIM", __GFP_RECLAIM },
					    { NULL, 0 } };

/*
 * A GFP argument (GFP_KERNEL when absent).  Flags Linux's allocators would
 * reject as a caller bug are a script error here: bits beyond the last
 * __GFP flag, __GFP_MOVABLE with __GFP_RECLAIMABLE (no such migratetype;
 * gfp_migratetype() WARNs), contradictory zone modifiers.
 */
int arg_gfp(struct cmd_ctx *c, int i, gfp_t *gfp)
{
	const gfp_t mobility = __GFP_MOVABLE | __GFP_RECLAIMABLE;
	u64 v = GFP_KERNEL;

	if (i < c->argc && arg_flags(c, i, gfp_flag_names, &v))
		return CMD_SCRIPT_ERROR;
	if (v >= (u64)__GFP_NOLOCKDEP << 1)
		return script_error(c, "%s: unknown GFP bits in '%s'", c->cmd, c->argv[i]);
	if ((v & mobility) == mobility)
		return script_error(c, "%s: __GFP_MOVABLE and __GFP_RECLAIMABLE together in '%s'",
				    c->cmd, c->argv[i]);
	if (gfp_zone((gfp_t)v & ~__GFP_HIGHMEM) < 0)
		return script_error(c, "%s: contradictory zone modifiers in '%s'", c->cmd,
				    c->argv[i]);
	*gfp = (gfp_t)v;
	return 0;
}

/* ---- tokenizer ---- */

struct line_tokens {
	int n;
	char *tok[CLI_MAX_ARGS + 8];
	char buf[4096];
};

static int hexval(int ch)
{
	return isdigit(ch) ? ch - '0' : isxdigit(ch) ? tolower(ch) - 'a' + 10 : -1;
}

/* Copy a quoted token starting after the opening quote; returns the position
 * after the closing quote, or NULL with *err set. */
static const char *lex_quoted(const char *p, char **dst, const char **err)
{
	char *d = *dst;

	for (; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*d++ = *p;
			continue;
		}
		p++;
		if (*p == 'n')
			*d++ = '\n';
		else if (*p == 't')
			*d++ = '\t';
		else if (*p == '\\' || *p == '"')
			*d++ = *p;
		else if (*p == 'x' && hexval((unsigned char)p[1]) >= 0 &&
			 hexval((unsigned char)p[2]) >= 0) {
			*d++ = (char)(hexval((unsigned char)p[1]) * 16 +
				      hexval((unsigned char)p[2]));
			p += 2;
		} else {
			*err = "bad escape in string";
			return NULL;
		}
	}
	if (*p != '"') {
		*err = "unterminated string";
		return NULL;
	}
	*d++ = 0;
	*dst = d;
	return p + 1;
}

static int tokenize(const char *line, struct line_tokens *t, const char **err)
{
	const char *p = line;
	char *d = t->buf;

	t->n = 0;
	if (strlen(line) >= sizeof(t->buf)) {
		*err = "line too long";
		return -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (t->n == (int)ARRAY_SIZE(t->tok)) {
			*err = "too many tokens";
			return -1;
		}
		t->tok[t->n++] = d;
		if (*p == '"') {
			p = lex_quoted(p + 1, &d, err);
			if (!p)
				return -1;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '#') {
			if (*p == '"' && d - t->tok[t->n - 1] == 8 &&
			    !strncmp(t->tok[t->n - 1], "expect~=", 8))
				break; /* expect~="a pattern with blanks" */
			*d++ = *p++;
		}
		if (*p == '"') {
			p = lex_quoted(p + 1, &d, err);
			if (!p)
				return -1;
			continue;
		}
		*d++ = 0;
	}
}

/* ---- running a line ---- */

void scenario_error(struct scenario *sc, int lineno, const char *msg)
{
	progress_clear();
	fflush(sc->out);
	if (sc->color_err)
		fprintf(stderr, "%s:%d: \033[1;31merror:\033[0m %s\n", sc->file, lineno, msg);
	else
		fprintf(stderr, "%s:%d: error: %s\n", sc->file, lineno, msg);
}

static void report_error(struct scenario *sc, int lineno, const char *msg)
{
	scenario_error(sc, lineno, msg);
}

/* expect=VALUE, or expect~=REGEX (POSIX extended, searched in the whole
 * result text as printed after "LINE: ", e.g. "= -1 ENOMEM"). */
struct expectation {
	const char *text;
	bool regex;
	regex_t re;
};

static bool expect_matches(const char *result, const char *exp)
{
	const char *rest = result + 2; /* after "= " or "! " */
	char word[256];
	const char *p;
	u64 a, b;

	if (!strcmp(rest, exp))
		return true;
	if (!parse_literal(exp, &a) && !parse_literal(rest, &b))
		return a == b;
	if (result[0] == '=' && !strncmp(rest, "-1 ", 3))
		return !strcmp(rest + 3, exp);
	if (result[0] != '!')
		return false;
	/* a signal: the signal name or the si_code name */
	for (p = rest; sscanf(p, "%255s", word) == 1;
	     p = strchr(p, ' ') ? strchr(p, ' ') + 1 : "") {
		if (!strcmp(word, exp) && strncmp(word, "0x", 2))
			return true;
		if (!strchr(p, ' '))
			break;
	}
	return false;
}

static bool expectation_met(const struct expectation *e, const char *result)
{
	if (e->regex)
		return regexec(&e->re, result, 0, NULL, 0) == 0;
	return expect_matches(result, e->text);
}

struct exec_args {
	struct cli_command *cmd;
	struct cmd_ctx *c;
	int ret;
};

static void exec_on_cpu(void *info)
{
	struct exec_args *a = info;
	struct cmd_ctx *c = a->c;
	bool runs = c->proc && c->proc->task;

	if (runs && cli_switch_hook && cpu_curr(this_cpu()) != c->proc->task)
		cli_switch_hook(c->cpu, c->proc->task);
	if (runs)
		psi_task_running(true); /* the process runs (PSI non-idle) */
	a->ret = a->cmd->fn(c);
	blk_complete_all(); /* the disk finishes what is in flight before the next command */
	if (runs)
		psi_task_running(false);
	run_timers();		/* expired timers and queued work, as at irq exit */
	cli_exit_killed(c->sc); /* a group sent SIGKILL (an OOM victim) dies when it runs */
	oom_reaper_release();	/* the OOM reaper's last references to exited victims */
	kswapd_run_pending();	/* kswapd, if woken, gets the CPU next */
}

/* Take `-> NAME` and `expect=VALUE` / `expect~=REGEX` off the end of the
 * token list; a bad pattern is an error (errbuf holds the message). */
static int strip_suffixes(struct line_tokens *t, const char **name, struct expectation **exp,
			  struct expectation *store, char *errbuf, size_t errlen)
{
	*name = NULL;
	*exp = NULL;
	for (;;) {
		const char *last = t->n >= 1 ? t->tok[t->n - 1] : "";
		bool plain = !strncmp(last, "expect=", 7), regex = !strncmp(last, "expect~=", 8);

		if ((plain || regex) && !*exp) {
			int err;

			t->n--;
			store->text = last + (plain ? 7 : 8);
			store->regex = regex;
			*exp = store;
			if (!regex)
				continue;
			err = regcomp(&store->re, store->text, REG_EXTENDED | REG_NOSUB);
			if (err) {
				char why[128];

				regerror(err, &store->re, why, sizeof(why));
				snprintf(errbuf, errlen, "bad expect~= pattern '%s': %s",
					 store->text, why);
				store->regex = false;
				return -1;
			}
			continue;
		}
		if (t->n >= 2 && !strcmp(t->tok[t->n - 2], "->") && !*name) {
			*name = t->tok[t->n - 1];
			t->n -= 2;
			if (!is_ident(*name)) {
				snprintf(errbuf, errlen, "bad variable name after '->'");
				return -1;
			}
			continue;
		}
		return 0;
	}
}

const char *cli_suggest_command(const char *word, enum cli_cmd_kind kind, char *buf, size_t len)
{
	struct cli_command *c;
	struct suggest sg;

	suggest_init(&sg, word);
	for (c = commands; c; c = c->next)
		if (c->kind == kind)
			suggest_add(&sg, c->name);
	return suggest_hint(&sg, buf, len);
}

/* The error for a first token that is no command. */
static void unknown_command(struct scenario *sc, struct line_tokens *t, struct cmd_ctx *c)
{
	char hint[96], why[160];

	if (t->n > 1 && cli_proc_gone(sc, t->tok[0], why, sizeof(why)))
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", why);
	else if (t->n > 1 && cli_find(t->tok[1], CMD_PROCESS))
		snprintf(c->errmsg, sizeof(c->errmsg), "unknown process '%s'", t->tok[0]);
	else
		snprintf(c->errmsg, sizeof(c->errmsg), "unknown command '%s'%s", t->tok[0],
			 cli_suggest_command(t->tok[0], CMD_GLOBAL, hint, sizeof(hint)));
}

static struct cli_command *lookup(struct scenario *sc, struct line_tokens *t, struct cmd_ctx *c,
				  const char **err)
{
	struct cli_command *cmd;
	int first = 1;

	c->proc = t->n >= 2 ? cli_proc_find(sc, t->tok[0]) : NULL;
	if (c->proc) {
		cmd = cli_find(t->tok[1], CMD_PROCESS);
		first = 2;
		if (!cmd) {
			char hint[96];

			snprintf(c->errmsg, sizeof(c->errmsg), "unknown process operation '%s'%s",
				 t->tok[1],
				 cli_suggest_command(t->tok[1], CMD_PROCESS, hint, sizeof(hint)));
			*err = c->errmsg;
			return NULL;
		}
	} else {
		cmd = cli_find(t->tok[0], CMD_GLOBAL);
		if (!cmd) {
			unknown_command(sc, t, c);
			*err = c->errmsg;
			return NULL;
		}
	}
	c->cmd = cmd->name;
	c->argc = t->n - first;
	if (c->argc > CLI_MAX_ARGS) {
		*err = "too many arguments";
		return NULL;
	}
	memcpy(c->argv, t->tok + first, sizeof(char *) * (size_t)c->argc);
	return cmd;
}

static void print_result(struct scenario *sc, int lineno, struct cmd_ctx *c, bool failed)
{
	if (sc->plain || !sc->color)
		fprintf(sc->out, "%d: %s\n", lineno, c->result);
	else
		fprintf(sc->out, "%d: \033[%sm%s\033[0m\n", lineno,
			failed		    ? "1;31" :
			c->result[0] == '!' ? "33" :
					      "32",
			c->result);
}

/* The death lines of the processes the current line killed. */
static void print_deaths(struct scenario *sc, int lineno)
{
	int i;

	for (i = 0; i < sc->npending; i++) {
		const struct cli_proc *p = &sc->procs[sc->pending[i]];

		if (sc->json) {
			json_death(sc, lineno, p);
			continue;
		}
		fprintf(sc->out,
			sc->color && !sc->plain ?
				"\033[1;31m%s (pid %d) killed by %s at line %d%s\033[0m\n" :
				"%s (pid %d) killed by %s at line %d%s\n",
			p->name, p->pid, signal_name(p->exit_sig), p->exit_line,
			p->core_dumped ? " (core dumped)" : "");
	}
	sc->npending = 0;
}

static int finish_command(struct scenario *sc, int lineno, struct cmd_ctx *c, const char *name,
			  const struct expectation *exp)
{
	bool failed = c->has_result && exp && !expectation_met(exp, c->result);

	progress_clear();
	if (c->has_result && sc->json)
		json_result(sc, lineno, c, failed, exp ? exp->text : NULL);
	else if (c->has_result)
		print_result(sc, lineno, c, failed);
	print_deaths(sc, lineno);
	fflush(sc->out);
	if (name) {
		if (c->has_value && var_set(sc, name, c->value)) {
			report_error(sc, lineno, "too many variables");
			return 2;
		}
		if (!c->has_value)
			var_unset(sc, name);
	}
	if (exp && !c->has_result) {
		report_error(sc, lineno,
			     exp->regex ? "expect~= on a command that has no result" :
					  "expect= on a command that has no result");
		return 2;
	}
	if (failed) {
		fprintf(stderr, "%s:%d: expect failed: got '%s', expected %s'%s'\n", sc->file,
			lineno, c->result, exp->regex ? "a match of " : "", exp->text);
		sc->expect_failures++;
		return 1;
	}
	return 0;
}

static void echo_line(struct scenario *sc, const char *line)
{
	const char *p = line;

	if (sc->plain || sc->json || sc->interactive)
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#') { /* narration: comment lines are shown in the human format */
		fprintf(sc->out, sc->color ? "\033[36m%s\033[0m\n" : "%s\n", line);
		return;
	}
	if (*p)
		fprintf(sc->out, sc->color ? "\033[1m>>> %s\033[0m\n" : ">>> %s\n", line);
}

struct verify_args {
	int errors;
};
static void verify_on_cpu(void *info) { ((struct verify_args *)info)->errors = verify_all(NULL); }

/*
 * Debug builds (CONFIG_DEBUG_VM) run every invariant check after every
 * command, as the tests' safety net; MMKIT_VERIFY_EACH=0 turns it off.  A
 * violation prints the checks' report and fails the run like an expect=.
 */
static int verify_step(struct scenario *sc, int lineno, int cpu)
{
#ifdef CONFIG_DEBUG_VM
	static int enabled = -1;
	struct verify_args a = { 0 };

	if (enabled < 0) {
		const char *e = getenv("MMKIT_VERIFY_EACH");

		enabled = !e || strcmp(e, "0");
	}
	if (!enabled || !sc->booted)
		return 0;
	cpu_call(cpu, verify_on_cpu, &a);
	if (!a.errors)
		return 0;
	fprintf(stderr, "%s:%d: verify failed after this line:\n", sc->file, lineno);
	verify_all(stderr);
	return 1;
#else
	(void)sc, (void)lineno, (void)cpu, (void)verify_on_cpu;
	return 0;
#endif
}

/* Run the handler (on its CPU once the machine is up); in JSON mode what it
 * prints is captured and emitted as one view object. */
static int run_handler(struct scenario *sc, int lineno, struct exec_args *a)
{
	struct cmd_ctx *c = a->c;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = NULL;

	if (sc->json) {
		mem = open_memstream(&text, &len);
		if (!mem)
			return script_error(c, "out of memory");
		c->out = mem;
	}
	if (sc->booted)
		cpu_call(c->cpu, exec_on_cpu, a);
	else
		a->ret = a->cmd->fn(c); /* machine and help run before boot */
	if (mem) {
		fclose(mem);
		c->out = sc->out;
		if (len && a->ret != CMD_SCRIPT_ERROR)
			json_view(sc, lineno, a->cmd->name,
				  !strcmp(a->cmd->name, "cat") && c->argc ? c->argv[0] : NULL,
				  text);
		free(text);
	}
	return a->ret;
}

int scenario_line(struct scenario *sc, int lineno, const char *line)
{
	struct line_tokens *t = malloc(sizeof(*t));
	struct cmd_ctx *c = calloc(1, sizeof(*c));
	struct expectation store = { 0 }, *exp = NULL;
	struct exec_args a;
	const char *err = NULL, *name;
	char errbuf[256];
	int ret = 2;

	sc->line_text = line;
	sc->cur_line = lineno;
	sc->npending = 0;
	if (!t || !c)
		goto out;
	if (tokenize(line, t, &err))
		goto error;
	if (strip_suffixes(t, &name, &exp, &store, errbuf, sizeof(errbuf))) {
		err = errbuf;
		goto error;
	}
	echo_line(sc, line);
	if (t->n == 0) {
		ret = (name || exp) ? (err = "nothing before '->' or expect=", 2) : 0;
		if (ret)
			goto error;
		goto out;
	}
	c->sc = sc;
	c->file = sc->file;
	c->lineno = lineno;
	c->out = sc->out;
	a.cmd = lookup(sc, t, c, &err);
	if (!a.cmd)
		goto error;
	if (strcmp(a.cmd->name, "machine") && !a.cmd->no_boot && scenario_boot(sc, lineno))
		goto out;
	sc->seen_command |= strcmp(a.cmd->name, "machine") && !a.cmd->no_boot;
	c->cpu = c->proc ? c->proc->cpu : sc->kernel_cpu;
	a.c = c;
	if (run_handler(sc, lineno, &a) == CMD_SCRIPT_ERROR) {
		err = c->errmsg;
		goto error;
	}
	ret = finish_command(sc, lineno, c, name, exp);
	if (!ret)
		ret = verify_step(sc, lineno, c->cpu);
	goto out;
error:
	print_deaths(sc, lineno);
	report_error(sc, lineno, err ? err : "error");
	ret = 2;
out:
	if (store.regex)
		regfree(&store.re);
	free(t);
	free(c);
	return ret;
}

int scenario_boot(struct scenario *sc, int lineno)
{
	static const int boot_level[] = { CONSOLE_LOGLEVEL_SILENT, CONSOLE_LOGLEVEL_QUIET,
					  CONSOLE_LOGLEVEL_MOTORMOUTH };
	static const int run_level[] = { CONSOLE_LOGLEVEL_SILENT, CONSOLE_LOGLEVEL_DEFAULT,
					 CONSOLE_LOGLEVEL_MOTORMOUTH };
	const char *why = NULL;
	int err;

	if (sc->booted)
		return 0;
	console_set_loglevel(boot_level[sc->verbosity]);
	err = machine_boot(&sc->cfg, &why);
	console_set_loglevel(run_level[sc->verbosity]);
	if (err) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot boot the machine: %s",
			 why ? why : strerror(-err));
		report_error(sc, lineno, msg);
		return 2;
	}
	sc->booted = true;
	return 0;
}

void scenario_finish(struct scenario *sc)
{
	progress_clear();
	if (sc->booted)
		machine_shutdown();
	sc->booted = false;
}

/* Open a scenario file: "-" is stdin; a directory or an unreadable file is
 * an error (exit 2). */
static FILE *open_script(const char *path, off_t *size)
{
	struct stat st;
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;

	if (!f) {
		fprintf(stderr, "mmkit: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	*size = 0;
	if (!fstat(fileno(f), &st)) {
		if (S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmkit: %s: is a directory, not a scenario file\n", path);
			if (f != stdin)
				fclose(f);
			return NULL;
		}
		if (S_ISREG(st.st_mode))
			*size = st.st_size;
	}
	return f;
}

int scenario_run_file(struct scenario *sc, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	off_t size, done = 0;
	int lineno = 0, ret = 0;
	FILE *f = open_script(path, &size);

	if (!f)
		return 2;
	progress_begin(path, (u64)size, false);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *nul = memchr(line, 0, (size_t)n);

		done += n;
		lineno++;
		if (nul) {
			char msg[96];

			snprintf(msg, sizeof(msg), "NUL byte in the line (column %d)",
				 (int)(nul - line) + 1);
			report_error(sc, lineno, msg);
			ret = 2;
			break;
		}
		line[strcspn(line, "\r\n")] = 0;
		ret = scenario_line(sc, lineno, line);
		if (ret)
			break; /* a script error (2) or a failed expect= (1) ends the run */
		progress_update((u64)done);
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "mmkit: %s: read error: %s\n", path, strerror(errno));
		ret = 2;
	}
	progress_end();
	free(line);
	if (f != stdin)
		fclose(f);
	if (!ret && scenario_boot(sc, lineno)) /* an empty script still boots */
		ret = 2;
	return ret;
}
