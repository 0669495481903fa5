/*
 * proc.h - registry of /proc views (fs/proc).  A view prints its text in the
 * exact Linux format to `out`.  Global views have a full path
 * ("/proc/meminfo"); per-process views have the file name under /proc/PID
 * ("maps", "smaps", "status") and receive the task.  Registered by
 * constructor (PROC_VIEW), looked up by the `cat` command.
 */
#ifndef MMKIT_PROC_H
#define MMKIT_PROC_H

#include <stdio.h>
#include "mmkit/compiler.h"

struct task_struct;

struct proc_view {
	const char *path; /* "/proc/meminfo", or "maps" when per_task */
	bool per_task;
	/* Returns 0 or -errno.  Caller is on a CPU thread; the view takes the
	 * locks it needs (zone->lock, mmap_lock read, ...). */
	int (*show)(FILE *out, struct task_struct *t);
	/* A view of a range of the address space (pagemap): `cat /proc/A/FILE
	 * ADDR LEN` calls it instead of show (len 0: every VMA).  NULL for the
	 * others. */
	int (*show_range)(FILE *out, struct task_struct *t, unsigned long addr, unsigned long len);
	struct proc_view *next;
};
void proc_view_register(struct proc_view *v);
const struct proc_view *proc_view_find(const char *path, bool per_task);
const struct proc_view *proc_view_first(void);
#define PROC_VIEW(var, vpath, vper_task, vshow)                                                \
	static struct proc_view var = { .path = vpath, .per_task = vper_task, .show = vshow }; \
	__attribute__((constructor)) static void __proc_reg_##var(void)                        \
	{                                                                                      \
		proc_view_register(&var);                                                      \
	}                                                                                      \
	extern struct proc_view var

#define PROC_VIEW_RANGE(var, vpath, vshow_range)                        \
	static struct proc_view var = { .path = vpath,                  \
					.per_task = true,               \
					.show_range = vshow_range };    \
	__attribute__((constructor)) static void __proc_reg_##var(void) \
	{                                                               \
		proc_view_register(&var);                               \
	}                                                               \
	extern struct proc_view var

/* The /proc/PID/maps line of a VMA (proc/task_mmu.c). */
struct vm_area_struct;
struct mm_struct;
void show_map_vma(FILE *out, const struct vm_area_struct *v, const struct mm_struct *mm);
/* The VM_* bit of a smaps VmFlags mnemonic ("ac"), 0 if unknown (task_smaps.c). */
unsigned long vm_flag_from_mnemonic(const char *mn);

#endif
