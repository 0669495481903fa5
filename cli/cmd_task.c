/*
 * cmd_task.c - processes, threads and kernel threads in the scenario
 * language:
 *
 *   A fork B                 B: a child of A with a copy-on-write copy of
 *                            A's address space (dup_mm); B inherits A's
 *                            limits, signal dispositions and CPU
 *   A thread T               T: a thread of A sharing its mm (CLONE_VM)
 *   kthread K                K: a kernel thread (mm NULL, lazy active_mm)
 *   A exit                   the task exits (its mm goes with its last user)
 *   handle A SIGSEGV|SIGBUS catch|kill
 *                            what a fault signal does to A's thread group:
 *                            kill (default) ends every thread of it after
 *                            the `!` result line; catch reports and goes on
 *
 * It also installs the context-switch hook of the scenario runner (every
 * process operation first makes its task current on its CPU) and provides
 * the task's mm to `pagewalk A ADDR`.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/coredump.h"
#include "mmkit/sched.h"

static void proc_switch(int cpu, struct task_struct *t)
{
	(void)cpu;
	context_switch(t);
}

__attribute__((constructor(200))) static void cmd_task_hook(void) { cli_switch_hook = proc_switch; }

struct mm_struct *cli_task_mm(struct task_struct *t) { return t->mm ? t->mm : t->active_mm; }

static int new_name_ok(struct cmd_ctx *c, const char *name)
{
	if (cli_proc_find(c->sc, name))
		return script_error(c, "%s: process '%s' exists", c->cmd, name);
	return 0;
}

static int add_proc(struct cmd_ctx *c, const char *name, struct task_struct *t, int cpu)
{
	if (!cli_proc_add(c->sc, name, t, cpu)) {
		task_exit(t);
		return script_error(c, "%s: bad or too many process names ('%s')", c->cmd, name);
	}
	result_zero(c);
	return 0;
}

/* A fork B */
static int do_fork(struct cmd_ctx *c)
{
	struct task_struct *parent = c->proc->task, *child;
	struct mm_struct *mm;

	if (arg_count(c, 1, 1) || new_name_ok(c, c->argv[0]))
		return CMD_SCRIPT_ERROR;
	if (!parent->mm)
		return script_error(c, "fork: '%s' is a kernel thread", c->proc->name);
	mm = dup_mm(parent->mm);
	child = mm ? task_fork(parent, c->argv[0], mm) : NULL;
	if (!child) {
		if (mm)
			mmput(mm);
		result_errno(c, ENOMEM);
		return 0;
	}
	if (add_proc(c, c->argv[0], child, c->proc->cpu))
		return CMD_SCRIPT_ERROR;
	cli_proc_find(c->sc, c->argv[0])->catch_sigsegv = c->proc->catch_sigsegv;
	cli_proc_find(c->sc, c->argv[0])->catch_sigbus = c->proc->catch_sigbus;
	return 0;
}
CLI_COMMAND(cmd_fork, .name = "fork", .kind = CMD_PROCESS, .usage = "A fork B",
	    .help = "fork(2): B gets a copy-on-write copy of A's address space", .fn = do_fork)

/* A thread T */
static int do_thread(struct cmd_ctx *c)
{
	struct task_struct *t;
	struct cli_proc *p;

	if (arg_count(c, 1, 1) || new_name_ok(c, c->argv[0]))
		return CMD_SCRIPT_ERROR;
	if (!c->proc->task->mm)
		return script_error(c, "thread: '%s' is a kernel thread", c->proc->name);
	t = task_create_thread(c->proc->task, c->argv[0]);
	if (!t) {
		result_errno(c, ENOMEM);
		return 0;
	}
	if (add_proc(c, c->argv[0], t, c->proc->cpu))
		return CMD_SCRIPT_ERROR;
	p = cli_proc_find(c->sc, c->argv[0]);
	p->catch_sigsegv = c->proc->catch_sigsegv;
	p->catch_sigbus = c->proc->catch_sigbus;
	return 0;
}
CLI_COMMAND(cmd_thread, .name = "thread", .kind = CMD_PROCESS, .usage = "A thread T",
	    .help = "clone(CLONE_VM|CLONE_THREAD): T shares A's mm", .fn = do_thread)

/* kthread K */
static int do_kthread(struct cmd_ctx *c)
{
	struct task_struct *t;

	if (arg_count(c, 1, 1) || new_name_ok(c, c->argv[0]))
		return CMD_SCRIPT_ERROR;
	t = kthread_create_task(c->argv[0]);
	if (!t) {
		result_errno(c, ENOMEM);
		return 0;
	}
	return add_proc(c, c->argv[0], t, 0) ? CMD_SCRIPT_ERROR : 0;
}
CLI_COMMAND(cmd_kthread, .name = "kthread", .kind = CMD_GLOBAL, .usage = "kthread K",
	    .help = "a kernel thread (no mm; borrows the loaded one lazily)", .fn = do_kthread)

/* A exit */
static int do_exit(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	task_exit(c->proc->task);
	cli_proc_died(c->sc, c->proc, 0);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_exit, .name = "exit", .kind = CMD_PROCESS, .usage = "A exit",
	    .help = "the task exits; its mm is released with its last user", .fn = do_exit)

/* Every task of the thread group of p (a fatal signal: Linux get_signal's
 * vfs_coredump for a core-dumping signal, then do_group_exit). */
void cli_group_exit(struct scenario *sc, struct cli_proc *p, int signr,
		    const struct kernel_siginfo *info)
{
	struct signal_struct *sig = p->task->signal;
	kernel_siginfo_t none = { .si_signo = signr };
	bool dumped = false;
	int i;

	if (sig_kernel_coredump(signr) && p->task->mm) {
		vfs_coredump(info ? info : &none);
		dumped = sig->group_exit_code & 0x80;
	}
	for (i = 0; i < sc->nprocs; i++) {
		struct cli_proc *q = &sc->procs[i];

		if (q->dead || !q->task || q->task->signal != sig)
			continue;
		task_exit(q->task);
		cli_proc_died(sc, q, signr);
		q->core_dumped = dumped;
	}
}

void cli_exit_killed(struct scenario *sc)
{
	int i;

	for (i = 0; i < sc->nprocs; i++) {
		struct cli_proc *p = &sc->procs[i];

		if (!p->dead && p->task && fatal_signal_pending(p->task))
			cli_group_exit(sc, p, SIGKILL, NULL);
	}
}

/* handle A SIGSEGV|SIGBUS catch|kill (applies to A's thread group) */
static int do_handle(struct cmd_ctx *c)
{
	struct cli_proc *p;
	bool catch, segv;
	int i;

	if (arg_count(c, 3, 3) || arg_proc(c, 0, &p))
		return CMD_SCRIPT_ERROR;
	segv = !strcmp(c->argv[1], "SIGSEGV");
	if (!segv && strcmp(c->argv[1], "SIGBUS"))
		return script_error(c, "handle: SIGSEGV or SIGBUS, not '%s'", c->argv[1]);
	catch = !strcmp(c->argv[2], "catch");
	if (!catch && strcmp(c->argv[2], "kill"))
		return script_error(c, "handle: catch or kill, not '%s'", c->argv[2]);
	if (!p->task || !p->task->signal)
		return script_error(c, "handle: '%s' has exited", p->name);
	p->task->signal->sig_catch[segv ? SIGSEGV : SIGBUS] = catch;
	for (i = 0; i < c->sc->nprocs; i++) {
		struct cli_proc *q = &c->sc->procs[i];

		if (q->dead || !q->task || q->task->signal != p->task->signal)
			continue;
		if (segv)
			q->catch_sigsegv = catch;
		else
			q->catch_sigbus = catch;
	}
	return 0;
}
CLI_COMMAND(cmd_handle, .name = "handle", .kind = CMD_GLOBAL,
	    .usage = "handle A SIGSEGV|SIGBUS catch|kill",
	    .help = "catch: a fault signal is reported and A goes on; kill (default): A dies",
	    .fn = do_handle)
