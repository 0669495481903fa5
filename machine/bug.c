/*
 * bug.c - the always-on BUG_ON (stop: an mmkit invariant is broken, state
 * can no longer be trusted) and the debug-build warning (report and go on).
 */
#include <stdio.h>
#include <stdlib.h>
#include "mmkit/machine.h"

void mmk_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "kernel BUG at %s:%d! (%s)\n", file, line, cond);
	fflush(stderr);
	abort();
}

void mmk_warn(const char *file, int line, const char *cond)
{
	printk("WARNING: CPU: %d at %s:%d: %s\n", mmk_this_cpu ? mmk_this_cpu->id : -1, file, line,
	       cond);
}
