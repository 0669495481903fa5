/*
 * scenario.h - the scenario runner's state, shared by cli/ files only.
 */
#ifndef MMKIT_SCENARIO_H
#define MMKIT_SCENARIO_H

#include "cli/cli.h"
#include "mmkit/machine.h"

#define SC_MAX_VARS 4096
#define SC_MAX_PROCS 256

struct sc_var { char name[48]; u64 value; };

struct scenario {
	const char *file;
	FILE *out;
	bool plain;               /* --plain: result lines and views only */
	bool interactive;         /* shell: script errors do not end the run */
	bool color;
	struct machine_config cfg;
	bool cfg_locked[4];       /* ram, cpus, levels, seed given on the command line */
	bool booted;
	bool seen_command;        /* a non-machine line has run */
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

#endif
