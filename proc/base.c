/*
 * base.c - /proc/PID/coredump_filter, oom_score and oom_score_adj (Linux
 * fs/proc/base.c).  coredump_filter (proc_coredump_filter_read): the filter
 * bits of the process's mm->flags as "%08lx\n"; setting it is `A set
 * coredump_filter=0xNN` (Linux's write handler: fs/coredump.c
 * mm_set_coredump_filter).  A task without an address space (a kernel
 * thread) reads as empty, as on Linux.  oom_score (proc_oom_score):
 * oom_badness over RAM + swap scaled into 0..2000, 0 for a task the OOM
 * killer never picks; oom_score_adj: the group's value, set with `A set
 * oom_score_adj=N`.
 */
#include <limits.h>
#include "mmkit/coredump.h"
#include "mmkit/oom.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"

static int show_coredump_filter(FILE *out, struct task_struct *t)
{
	if (t->mm)
		fprintf(out, "%08lx\n", mm_coredump_filter(t->mm));
	return 0;
}
PROC_VIEW(proc_coredump_filter, "coredump_filter", true, show_coredump_filter);

static int show_oom_score(FILE *out, struct task_struct *t)
{
	unsigned long totalpages = oom_totalpages(), points = 0;
	long badness = oom_badness(t, totalpages);

	if (badness != LONG_MIN)
		points = (unsigned long)((1000 + badness * 1000 / (long)totalpages) * 2 / 3);
	fprintf(out, "%lu\n", points);
	return 0;
}
PROC_VIEW(proc_oom_score, "oom_score", true, show_oom_score);

static int show_oom_score_adj(FILE *out, struct task_struct *t)
{
	fprintf(out, "%hd\n", READ_ONCE(t->signal->oom_score_adj));
	return 0;
}
PROC_VIEW(proc_oom_score_adj, "oom_score_adj", true, show_oom_score_adj);
