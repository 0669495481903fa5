/*
 * scenario.h - the scenario runner's state, shared by cli/ files only.
 */
#ifndef MMKIT_SCENARIO_H
#define MMKIT_SCENARIO_H

#include "cli/cli.h"
#include "mmkit/machine.h"

#define SC_MAX_VARS 4096
#define SC_MAX_PROCS 256

struct sc_var {
	char name[48];
	u64 value;
};

enum sc_verbosity { SC_QUIET, SC_NORMAL, SC_VERBOSE };

struct scenario {
	const char *file;
	FILE *out;
	bool plain;	       /* --plain: result lines and views only */
	bool json;	       /* --json: one JSON object per output item (cli/json.c) */
	bool interactive;      /* shell: script errors do not end the run */
	bool color;	       /* stdout is a terminal and NO_COLOR is unset */
	bool color_err;	       /* the same for stderr */
	int verbosity;	       /* enum sc_verbosity: the console's printk level */
	const char *line_text; /* the line being run (JSON "command") */
	int cur_line;	       /* its number */
	long dmesg_mark;       /* `dmesg reports`: last timestamp seen (in 100 us) */
	int npending;	       /* deaths to print after the current result line */
	int pending[SC_MAX_PROCS];
	struct machine_config cfg;
	bool cfg_locked[4];    /* ram, cpus, levels, seed given on the command line */
	bool zero_page_locked; /* --zero-page given */
	bool booted;
	bool seen_command; /* a non-machine line has run */
	int kernel_cpu;
	int nvars;
	struct sc_var vars[SC_MAX_VARS];
	int nprocs;
	struct cli_proc procs[SC_MAX_PROCS];
	int expect_failures;
};

enum { CFG_RAM, CFG_CPUS, CFG_LEVELS, CFG_SEED };

/* Run one line.  Returns 0, 1 (a failed expect=) or 2 (script error). */
int scenario_line(struct scenario *sc, int lineno, const char *line);
void scenario_init(struct scenario *sc, const char *file, FILE *out);
/* Boot the machine now if it is not booted yet.  Returns 0 or 2. */
int scenario_boot(struct scenario *sc, int lineno);
void scenario_finish(struct scenario *sc);
int scenario_run_file(struct scenario *sc, const char *path);
int shell_main(struct scenario *sc);
/* mmkit mkswap PATH SIZE [-L LABEL] [-U UUID] (cli/cmd_swap.c): 0, 1 or 2 (usage). */
int mkswap_main(int argc, char **argv);
/* Print "FILE:LINE: error: msg" (colour on a terminal). */
void scenario_error(struct scenario *sc, int lineno, const char *msg);

/* ---- help (cli/help.c): one text for `mmkit help CMD` and in-shell `help CMD` ---- */
/* Print the help of every command named name; returns 0, or -ENOENT. */
int help_command(FILE *out, const char *name);
/* The overview: commands grouped by topic, one line each. */
void help_overview(FILE *out);
/* Every scenario command name, one per line (tests iterate over it). */
void help_list(FILE *out);
/* Every /proc view path, one per line (per-process views as /proc/A/NAME). */
void help_views(FILE *out);

/* ---- JSON output (cli/json.c) ---- */
void json_result(struct scenario *sc, int lineno, const struct cmd_ctx *c, bool failed,
		 const char *expect);
/* A view's text as one object; path names the view (NULL: not a /proc view). */
void json_view(struct scenario *sc, int lineno, const char *cmd, const char *path,
	       const char *text);
void json_death(struct scenario *sc, int lineno, const struct cli_proc *p);

/* ---- the page-reference trace (cli/pageref.c) ---- */
/* With MMKIT_PAGEREF=FILE: record that the process of c referenced the
 * pages of [addr, addr+len), in order.  Caller holds no lock. */
void cli_pageref(struct cmd_ctx *c, unsigned long addr, unsigned long len);

/* ---- progress on a terminal (cli/progress.c) ---- */
/* Start a progress display of total units (bytes, lines); shown on stderr
 * only when it is a terminal and the work lasts over half a second. */
void progress_begin(const char *what, u64 total, bool bytes);
void progress_update(u64 done);
void progress_end(void);
/* Erase the progress line before other output (it is drawn again on the
 * next update). */
void progress_clear(void);

#endif
