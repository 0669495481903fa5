/*
 * pressure.c - /proc/pressure/memory (Linux kernel/sched/psi.c
 * psi_memory_show): the "some" and "full" lines of the system group, each
 * "avg10=A.AA avg60=B.BB avg300=C.CC total=MICROSECONDS".  mm/psi.c keeps
 * the figures, in simulated time.  Linux's cpu and io files are not
 * modelled (mmkit measures no CPU or I/O pressure).
 */
#include "mmkit/proc.h"
#include "mmkit/psi.h"

static int pressure_memory_show(FILE *out, struct task_struct *t)
{
	(void)t;
	return psi_show(out);
}
PROC_VIEW(proc_pressure_memory, "/proc/pressure/memory", false, pressure_memory_show);
