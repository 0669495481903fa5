/*
 * swaps.c - /proc/swaps (Linux mm/swapfile.c swap_show): a header line,
 * then one row per active swap area in swap_info order: the file's path
 * (spaces, tabs, newlines and backslashes in octal, as seq_file_path),
 * spaces up to column 40 (at least one), then "file\t", the size and the
 * use in KiB, each followed by a second tab while below 10000000, and the
 * priority.  The text is mm/swapfile.c's (swap_show).
 */
#include "mmkit/proc.h"
#include "mmkit/swap.h"

static int swaps_show(FILE *out, struct task_struct *t)
{
	(void)t;
	swap_show(out);
	return 0;
}
PROC_VIEW(proc_swaps, "/proc/swaps", false, swaps_show);
