/*
 * base.c - /proc/PID/coredump_filter (Linux fs/proc/base.c
 * proc_coredump_filter_read): the filter bits of the process's mm->flags as
 * "%08lx\n".  Setting it is `A set coredump_filter=0xNN` (Linux's write
 * handler: fs/coredump.c mm_set_coredump_filter).  A task without an
 * address space (a kernel thread) reads as empty, as on Linux.
 */
#include "mmkit/coredump.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"

static int show_coredump_filter(FILE *out, struct task_struct *t)
{
	if (t->mm)
		fprintf(out, "%08lx\n", mm_coredump_filter(t->mm));
	return 0;
}
PROC_VIEW(proc_coredump_filter, "coredump_filter", true, show_coredump_filter);
