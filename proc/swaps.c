/*
 * swaps.c - /proc/swaps (Linux mm/swapfile.c swap_show): a header line, then
 * one row per active swap area.  mmkit has no swap areas yet (the swap issue
 * adds swapon), so the view prints what Linux prints with none active: the
 * header alone.
 */
#include "mmkit/proc.h"

static int swaps_show(FILE *out, struct task_struct *t)
{
	(void)t;
	fputs("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", out);
	return 0;
}
PROC_VIEW(proc_swaps, "/proc/swaps", false, swaps_show);
