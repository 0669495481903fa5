/*
 * cli.h - the scenario language's command framework (spec:
 * ../shared/spec/scenario-language.md).  Every command is a `struct
 * cli_command` registered by a constructor (CLI_COMMAND) from a file in cli/;
 * the framework tokenizes the line, strips `-> NAME` and `expect=VALUE`,
 * expands $variables lazily through the arg_* helpers, runs the handler on
 * the right simulated CPU, prints the result line and checks expect=.
 *
 * Contract for handlers:
 *   - Parse and validate every argument first (arg_* helpers).  A bad
 *     argument is a script error: `return script_error(c, "...")`, and the
 *     machine must not have been touched (a rejected command changes nothing).
 *   - Then act, and report exactly one result with a result_* call (commands
 *     that have a result), or print a view to c->out (views).
 *   - Return 0, or CMD_SCRIPT_ERROR.
 *   - Handlers run on CPU c->cpu (the process's CPU for process operations,
 *     the scenario's kernel CPU, default 0, for the rest), so this_cpu() is
 *     valid inside them.
 */
#ifndef MMKIT_CLI_H
#define MMKIT_CLI_H

#include <stdio.h>
#include "mmkit/compiler.h"

#define CMD_SCRIPT_ERROR (-2)
#define CLI_MAX_ARGS 64

struct scenario;
struct task_struct;

/* A process name known to the script. */
struct cli_proc {
	char name[32];
	struct task_struct *task;
	int cpu;	    /* CPU the task runs on */
	bool catch_sigsegv; /* handle A SIGSEGV catch */
	bool catch_sigbus;
	bool dead;
	int pid;	  /* the task's pid (kept after it dies) */
	int exit_line;	  /* the script line at which it died */
	int exit_sig;	  /* the signal that killed it, 0 for exit */
	bool core_dumped; /* its group dumped core (group_exit_code & 0x80) */
};

struct cmd_ctx {
	struct scenario *sc;
	const char *file;
	int lineno;
	int argc;		  /* tokens after the command word */
	char *argv[CLI_MAX_ARGS]; /* argv[0] is the first argument */
	const char *cmd;	  /* command word */
	struct cli_proc *proc;	  /* process operations: the process */
	int cpu;		  /* CPU the handler runs on */
	FILE *out;		  /* stdout of the run */
	/* filled by result_* */
	bool has_result;
	bool has_value; /* an address/value a `-> NAME` can capture */
	u64 value;
	char result[256]; /* "= 0x1000", "! SIGSEGV SEGV_MAPERR 0x0", ... */
	char errmsg[256];
};

enum cli_cmd_kind {
	CMD_GLOBAL,  /* first token is the command: alloc_pages 3 */
	CMD_PROCESS, /* first token is a process name: A mmap ... */
};

struct flag_name {
	const char *name;
	u64 value;
};

/* A flag argument of a command and its names: help lists them, the shell
 * completes them. */
struct cli_flagset {
	const char *arg; /* the argument in the usage: "PROT", "FLAGS" */
	const struct flag_name *names;
};

struct cli_command {
	const char *name;
	enum cli_cmd_kind kind;
	const char *usage; /* "alloc_pages ORDER [GFP] -> addr" */
	const char *help;  /* one line for `help` */
	int (*fn)(struct cmd_ctx *c);
	const struct cli_flagset *flags; /* NULL-terminated, or NULL */
	bool no_boot;			 /* runs without booting the machine (help) */
	struct cli_command *next;
};
void cli_register(struct cli_command *cmd);
#define CLI_COMMAND(var, ...)                            \
	static struct cli_command var = { __VA_ARGS__ }; \
	__attribute__((constructor)) static void __cli_reg_##var(void) { cli_register(&var); }
struct cli_command *cli_find(const char *name, enum cli_cmd_kind kind);
struct cli_command *cli_first(void);

/* ---- arguments ---- */
/* Check argc is within [min, max]; otherwise a script error naming the usage. */
int arg_count(struct cmd_ctx *c, int min, int max);
/* A number: decimal, 0x hex, K/M/G suffix, $VAR, $VAR+N, $VAR-N. */
int arg_num(struct cmd_ctx *c, int i, u64 *out);
/* Flag names joined by '|', or a number. */
int arg_flags(struct cmd_ctx *c, int i, const struct flag_name *tbl, u64 *out);
/* An access size: 1, 2, 4 or 8 (read/write/kread/kwrite SIZE). */
int arg_access_size(struct cmd_ctx *c, int i, unsigned int *size);
/* PROT_* names, a number, or ---, r--, rw-, r-x, rwx (and -w-, --x, -wx). */
int arg_prot(struct cmd_ctx *c, int i, u64 *out);
/* One name out of a table (e.g. MADV_DONTNEED). */
int arg_enum(struct cmd_ctx *c, int i, const struct flag_name *tbl, u64 *out);
/* key=value option at argv[i]: true and *val set when the key matches. */
bool arg_kv(struct cmd_ctx *c, int i, const char *key, const char **val);
/* A process name argument (must exist). */
int arg_proc(struct cmd_ctx *c, int i, struct cli_proc **out);
/* Parse a number string outside a command (used by the machine line etc.). */
int cli_parse_num(struct scenario *sc, const char *s, u64 *out);

extern const struct flag_name gfp_flag_names[];
extern const struct flag_name prot_flag_names[];
extern const struct cli_flagset gfp_flagset[]; /* { "GFP", gfp_flag_names } */

/* ---- "did you mean" (cli/suggest.c) ---- */
struct suggest {
	const char *word;
	char best[64];
	int dist;
}; /* best: a copy */
void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *candidate);
/* "; did you mean 'X'?" in buf, or "" when nothing is close. */
const char *suggest_hint(const struct suggest *s, char *buf, size_t len);
/* The hint for a command word of the given kind (scenario commands). */
const char *cli_suggest_command(const char *word, enum cli_cmd_kind kind, char *buf, size_t len);
/* A GFP argument (GFP_KERNEL when absent); invalid combinations are a script error. */
int arg_gfp(struct cmd_ctx *c, int i, unsigned int *gfp);

/* ---- results ---- */
void result_addr(struct cmd_ctx *c, u64 addr); /* "= 0x..."; capturable */
void result_value(struct cmd_ctx *c, u64 v);   /* loads: "= 0x..."; capturable */
void result_zero(struct cmd_ctx *c);	       /* "= 0" */
void result_errno(struct cmd_ctx *c, int err); /* "= -1 ENOMEM"; err may be +/- */
void result_ret(struct cmd_ctx *c, long ret);  /* <0: errno, else "= 0" */
void result_ok(struct cmd_ctx *c);	       /* "= ok" */
void result_signal(struct cmd_ctx *c, int sig, int si_code, u64 addr);
__printf(2, 3) void result_text(struct cmd_ctx *c, const char *fmt, ...); /* "= <text>" */
__printf(2, 3) void result_oops(struct cmd_ctx *c, const char *fmt, ...); /* "! OOPS <text>" */
__printf(2, 3) int script_error(struct cmd_ctx *c, const char *fmt, ...);

const char *errno_name(int err);	     /* "ENOMEM" */
const char *signal_name(int sig);	     /* "SIGSEGV" */
const char *si_code_name(int sig, int code); /* "SEGV_MAPERR" */

/* ---- processes ---- */
struct cli_proc *cli_proc_find(struct scenario *sc, const char *name);
/* Add a name (spawn/fork/thread/kthread).  NULL if the name exists or the table is full. */
struct cli_proc *cli_proc_add(struct scenario *sc, const char *name, struct task_struct *t,
			      int cpu);
/* A swap area of size bytes at prio in a file of a fresh host directory
 * (under $MMKIT_SWAPAREA_DIR, $TMPDIR or /var/tmp) mounted at /swaparea,
 * unlinked on the host once on (the mount holds it): the `swaparea`
 * command and `mmkit exec --swap`.  0 or -errno; a host-side failure
 * (mkdtemp) also writes why (why[0] is 0 otherwise).  Kernel context. */
int swaparea_setup(u64 size, int prio, char *why, size_t whylen);
/* Report the fault of c's failed access (mmu_last_fault): an oops, or the
 * signal result; a signal not caught ends the process (cli_group_exit). */
void cli_access_fault(struct cmd_ctx *c);
/* A fatal signal: every task of p's thread group exits (cli/cmd_task.c)
 * and each prints its death line after the current result line.  p's task
 * is current.  A signal whose default action dumps core dumps it first
 * (vfs_coredump; info: the fault's si_code and address, NULL for none). */
struct kernel_siginfo;
void cli_group_exit(struct scenario *sc, struct cli_proc *p, int sig,
		    const struct kernel_siginfo *info);
/* Every process with a fatal signal pending (an OOM victim) exits, as it
 * would the next time it ran; each prints its death line after the current
 * result line (cli/cmd_task.c). */
void cli_exit_killed(struct scenario *sc);
/* Mark p dead (the task is gone), killed by sig (0: it exited), at the
 * current line; a killed one prints `A (pid N) killed by SIG at line L`. */
void cli_proc_died(struct scenario *sc, struct cli_proc *p, int sig);
/* Why name is no process any more ("process 'A' was killed by SIGSEGV at
 * line 30"), in buf; NULL when no process of that name ever ended. */
const char *cli_proc_gone(struct scenario *sc, const char *name, char *buf, size_t len);
/* Hook the kernel side installs: make `t` current on `cpu` (context switch). */
extern void (*cli_switch_hook)(int cpu, struct task_struct *t);

/* The scenario's kernel CPU (for commands that are not process operations). */
int cli_kernel_cpu(struct scenario *sc);
void cli_set_kernel_cpu(struct scenario *sc, int cpu);

/* `spawn A elf PATH [ARGS...]` (cli/cmd_exec.c), called by spawn. */
int cli_spawn_elf(struct cmd_ctx *c);
/* mmkit exec (cli/cmd_exec.c): argv[0] is "exec". */
int cmd_exec_main(int argc, char **argv);

#endif
