/*
 * task_helpers.h - helpers shared by test_fault.c, test_slab_objects.c,
 * test_percpu_rwsem.c and test_vmstat.c:
 * boot a machine with n CPUs, spawn a process with an empty address space
 * (layout picked as for an 8 MiB stack limit), and switch a CPU to a task
 * through cpu_call.
 */
#ifndef MMKIT_TEST_TASK_HELPERS_H
#define MMKIT_TEST_TASK_HELPERS_H

#include "mmkit/machine.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

static inline void boot_cpus(int cpus)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.cpus = cpus;
	assert_int_equal(machine_boot(&cfg, &why), 0);
}

static inline struct task_struct *spawn(const char *name)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t;

	assert_non_null(mm);
	t = task_create(name, mm);
	assert_non_null(t);
	arch_pick_mmap_layout(mm, 8UL << 20);
	return t;
}

/* cpu_call target: make info (a task) current on the calling CPU. */
static inline void switch_to(void *info) { context_switch(info); }

#endif
