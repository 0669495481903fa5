/*
 * sysctl.h - the /proc/sys knobs by name (kernel/sysctl.c; Linux
 * include/linux/sysctl.h at the level mmkit needs): each knob has its
 * /proc/sys name ("vm.dirty_ratio"), the variable it reads and writes, the
 * range a write must fall in (-EINVAL outside, as proc_dointvec_minmax),
 * and a hook that runs after a write (recompute watermarks, drop caches).
 * A few are strings (kernel.core_pattern), set through their own check.
 */
#ifndef MMKIT_SYSCTL_H
#define MMKIT_SYSCTL_H

#include "mmkit/compiler.h"

struct ctl_table {
	const char *procname;	  /* "vm.dirty_ratio" */
	void *data;		  /* int, unsigned int or unsigned long */
	int maxlen;		  /* sizeof(*data) */
	long long min, max;	  /* the range of a write */
	bool write_only;	  /* vm.drop_caches reads as 0 */
	int (*after_write)(void); /* 0 or -errno */
	/* A string knob (kernel.core_pattern): data is the char array (maxlen
	 * bytes, the value with its NUL); check_str accepts a new value (0) or
	 * refuses it (-EINVAL) before anything changes. */
	int (*check_str)(const char *value);
};

/* The knob named name, or NULL. */
const struct ctl_table *sysctl_find(const char *name);
/* Its value now. */
long long sysctl_read(const struct ctl_table *t);
/* Set it: 0, or -EINVAL (out of range) / the hook's error. */
int sysctl_write(const struct ctl_table *t, long long v);
/* A string knob's value (NULL for a number knob). */
const char *sysctl_read_str(const struct ctl_table *t);
/* Set a string knob: 0, or -EINVAL (too long, or check_str refuses it). */
int sysctl_write_str(const struct ctl_table *t, const char *value);
/* Every knob in turn (NULL-terminated table), for listings. */
extern const struct ctl_table vm_table[];

#endif
