/*
 * sysctl.h - the /proc/sys knobs by name (kernel/sysctl.c; Linux
 * include/linux/sysctl.h at the level mmkit needs): each knob has its
 * /proc/sys name ("vm.dirty_ratio"), the variable it reads and writes, the
 * range a write must fall in (-EINVAL outside, as proc_dointvec_minmax),
 * and a hook that runs after a write (recompute watermarks, drop caches).
 */
#ifndef MMKIT_SYSCTL_H
#define MMKIT_SYSCTL_H

#include "mmkit/compiler.h"

struct ctl_table {
	const char *procname;              /* "vm.dirty_ratio" */
	void *data;                        /* int, unsigned int or unsigned long */
	int maxlen;                        /* sizeof(*data) */
	long long min, max;                /* the range of a write */
	bool write_only;                   /* vm.drop_caches reads as 0 */
	int (*after_write)(void);          /* 0 or -errno */
};

/* The knob named name, or NULL. */
const struct ctl_table *sysctl_find(const char *name);
/* Its value now. */
long long sysctl_read(const struct ctl_table *t);
/* Set it: 0, or -EINVAL (out of range) / the hook's error. */
int sysctl_write(const struct ctl_table *t, long long v);
/* Every knob in turn (NULL-terminated table), for listings. */
extern const struct ctl_table vm_table[];

#endif
