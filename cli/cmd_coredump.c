/*
 * cmd_coredump.c - core dumps in the scenario language (spec: "Core
 * dumps"):
 *
 *   A gcore PATH       write a core file of the live process A at PATH, as
 *                      gdb's gcore does (fs/coredump.c do_gcore): `= 0` or
 *                      `= -1 ERRNO`; A goes on
 *
 * The rest of the section are keys and views of other commands: `A set
 * core_rlimit=N|unlimited`, `A set coredump_filter=0xNN` (cmd_proc.c),
 * `sysctl kernel.core_pattern=PATTERN` (cmd_files.c), `cat
 * /proc/A/coredump_filter` (proc/base.c).  A fault that kills a process
 * dumps its core on the way (cmd_task.c cli_group_exit).
 */
#include "cli/scenario.h"
#include "mmkit/coredump.h"
#include "mmkit/sched.h"

/* A gcore PATH */
static int do_gcore_cmd(struct cmd_ctx *c)
{
	if (arg_count(c, 1, 1))
		return CMD_SCRIPT_ERROR;
	if (c->proc->dead || !c->proc->task)
		return script_error(c, "gcore: process '%s' has exited", c->proc->name);
	if (!c->proc->task->mm)
		return script_error(c, "gcore: '%s' has no address space", c->proc->name);
	result_ret(c, do_gcore(c->argv[0]));
	return 0;
}
CLI_COMMAND(cmd_gcore, .name = "gcore", .kind = CMD_PROCESS, .usage = "A gcore PATH",
	    .help = "write a core file of the live process A at PATH, as gdb's gcore does",
	    .fn = do_gcore_cmd)
