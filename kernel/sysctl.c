/*
 * sysctl.c - the vm.* knobs of /proc/sys and the kernel.core_* ones (Linux
 * kernel/sysctl.c, the vm tables of mm/ and fs/coredump.c's;
 * include/mmkit/sysctl.h): one table, by /proc/sys name, of the variables
 * mm/ and fs/ keep.  A write checks the range Linux's
 * handler checks and then runs the knob's hook: min_free_kbytes recomputes
 * the watermarks (and becomes the user's value, which boot-time
 * recalculation then keeps), drop_caches drops clean caches
 * (fs/drop_caches.c).  swappiness is kept for the reclaim that will read it.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/coredump.h"
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmzone.h"
#include "mmkit/swap.h"
#include "mmkit/sysctl.h"
#include "mmkit/writeback.h"

static int sysctl_drop_caches;

static int min_free_kbytes_written(void)
{
	user_min_free_kbytes = min_free_kbytes;
	setup_per_zone_wmarks();
	return 0;
}

static int mmap_min_addr_written(void)
{
	update_mmap_min_addr();
	return 0;
}

static int dirty_writeback_written(void)
{
	if (dirty_writeback_interval)
		wakeup_flusher_threads(WB_REASON_PERIODIC);
	return 0;
}

/* Linux overcommit_ratio_handler / overcommit_kbytes_handler: setting one
 * of the two CommitLimit knobs zeroes the other. */
static int overcommit_ratio_written(void)
{
	sysctl_overcommit_kbytes = 0;
	return 0;
}

static int overcommit_kbytes_written(void)
{
	sysctl_overcommit_ratio = 0;
	return 0;
}

static int drop_caches_written(void) { return drop_caches(sysctl_drop_caches); }

#define INT_KNOB(n, var, lo, hi)                                  \
	{                                                         \
		n, &(var), sizeof(int), lo, hi, false, NULL, NULL \
	}
const struct ctl_table vm_table[] = {
	INT_KNOB("vm.dirty_background_ratio", dirty_background_ratio, 0, 100),
	{ "vm.dirty_background_bytes", &dirty_background_bytes, sizeof(long), 1,
	  0x7fffffffffffffffLL, false, NULL },
	INT_KNOB("vm.dirty_ratio", vm_dirty_ratio, 0, 100),
	{ "vm.dirty_bytes", &vm_dirty_bytes, sizeof(long), 2 * 4096, 0x7fffffffffffffffLL, false,
	  NULL },
	{ "vm.dirty_writeback_centisecs", &dirty_writeback_interval, sizeof(int), 0, 0x7fffffff,
	  false, dirty_writeback_written },
	{ "vm.dirty_expire_centisecs", &dirty_expire_interval, sizeof(int), 0, 0x7fffffff, false,
	  NULL },
	{ "vm.drop_caches", &sysctl_drop_caches, sizeof(int), 1, 4, true, drop_caches_written },
	INT_KNOB("vm.max_map_count", sysctl_max_map_count, 0, 0x7fffffff),
	{ "vm.min_free_kbytes", &min_free_kbytes, sizeof(int), 0, 0x7fffffff, false,
	  min_free_kbytes_written },
	{ "vm.mmap_min_addr", &dac_mmap_min_addr, sizeof(long), 0, 0x7fffffffffffffffLL, false,
	  mmap_min_addr_written },
	INT_KNOB("vm.overcommit_memory", sysctl_overcommit_memory, 0, 2),
	{ "vm.overcommit_ratio", &sysctl_overcommit_ratio, sizeof(int), 0, 0x7fffffff, false,
	  overcommit_ratio_written },
	{ "vm.overcommit_kbytes", &sysctl_overcommit_kbytes, sizeof(long), 0, 0x7fffffffffffffffLL,
	  false, overcommit_kbytes_written },
	{ "vm.admin_reserve_kbytes", &sysctl_admin_reserve_kbytes, sizeof(long), 0,
	  0x7fffffffffffffffLL, false, NULL },
	{ "vm.user_reserve_kbytes", &sysctl_user_reserve_kbytes, sizeof(long), 0,
	  0x7fffffffffffffffLL, false, NULL },
	INT_KNOB("vm.swappiness", vm_swappiness, 0, 200),
	INT_KNOB("vm.watermark_boost_factor", watermark_boost_factor, 0, 0x7fffffff),
	/* fs/coredump.c's coredump_sysctls */
	{ "kernel.core_pattern", core_pattern, CORENAME_MAX_SIZE, 0, 0, false, NULL,
	  core_pattern_check },
	INT_KNOB("kernel.core_uses_pid", core_uses_pid, -0x7fffffffLL - 1, 0x7fffffff),
	{ NULL, NULL, 0, 0, 0, false, NULL, NULL }
};

const struct ctl_table *sysctl_find(const char *name)
{
	const struct ctl_table *t;

	for (t = vm_table; t->procname; t++)
		if (!strcmp(t->procname, name))
			return t;
	return NULL;
}

const char *sysctl_read_str(const struct ctl_table *t)
{
	return t->check_str ? (const char *)t->data : NULL;
}

int sysctl_write_str(const struct ctl_table *t, const char *value)
{
	size_t n = strlen(value);

	if (!t->check_str || n >= (size_t)t->maxlen || t->check_str(value))
		return -EINVAL;
	memcpy(t->data, value, n + 1); /* Linux proc_dostring: no lock either */
	return 0;
}

long long sysctl_read(const struct ctl_table *t)
{
	if (t->write_only)
		return 0;
	if (t->maxlen == sizeof(long))
		return (long long)READ_ONCE(*(unsigned long *)t->data);
	return READ_ONCE(*(int *)t->data);
}

int sysctl_write(const struct ctl_table *t, long long v)
{
	if (v < t->min || v > t->max)
		return -EINVAL;
	if (t->maxlen == sizeof(long))
		WRITE_ONCE(*(unsigned long *)t->data, (unsigned long)v);
	else
		WRITE_ONCE(*(int *)t->data, (int)v);
	/* Linux: the _bytes and _ratio forms exclude each other */
	if (t->data == &vm_dirty_bytes)
		vm_dirty_ratio = 0;
	else if (t->data == &vm_dirty_ratio)
		vm_dirty_bytes = 0;
	else if (t->data == &dirty_background_bytes)
		dirty_background_ratio = 0;
	else if (t->data == &dirty_background_ratio)
		dirty_background_bytes = 0;
	return t->after_write ? t->after_write() : 0;
}
