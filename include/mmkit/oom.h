/*
 * oom.h - the OOM killer (Linux include/linux/oom.h; mm/oom_kill.c
 * implements it).  The page allocator calls out_of_memory() when reclaim
 * made no progress (__alloc_pages_may_oom), the x86 fault handler calls
 * pagefault_out_of_memory() for VM_FAULT_OOM, /proc/PID/oom_score reads
 * oom_badness().
 */
#ifndef MMKIT_OOM_H
#define MMKIT_OOM_H

#include "mmkit/gfp.h"
#include "mmkit/sched.h"

#define OOM_SCORE_ADJ_MIN (-1000) /* never killed */
#define OOM_SCORE_ADJ_MAX 1000

enum oom_constraint {
	CONSTRAINT_NONE,
	CONSTRAINT_CPUSET,
	CONSTRAINT_MEMORY_POLICY,
	CONSTRAINT_MEMCG
};

/* One OOM situation (Linux struct oom_control, without memcg and nodemask:
 * mmkit has one node and no memory cgroups). */
struct oom_control {
	gfp_t gfp_mask; /* the allocation that failed */
	int order;
	unsigned long totalpages;   /* RAM + swap, the badness scale */
	struct task_struct *chosen; /* NULL, a victim, or OOM_ABORT */
	long chosen_points;
	enum oom_constraint constraint;
	/* the victim as chosen, copied under tasklist_lock (mmkit's tasks have
	 * no reference count: these outlive the walk) */
	int chosen_pid;
	char chosen_comm[TASK_COMM_LEN];
};
#define OOM_ABORT ((struct task_struct *)-1L)

/* Linux oom_badness: the points of p's thread group, rss + swap entries +
 * page-table pages, plus oom_score_adj * totalpages / 1000; LONG_MIN for a
 * task never to kill (a kernel thread, init, oom_score_adj -1000, an mm
 * already reaped, no mm).  Caller holds tasklist_lock (inside
 * for_each_process_call) or knows p stays alive. */
long oom_badness(struct task_struct *p, unsigned long totalpages);
/* RAM + swap pages: the totalpages of a global OOM and of /proc oom_score. */
unsigned long oom_totalpages(void);

/* Linux out_of_memory: choose a victim (select_bad_process), print the
 * report to dmesg, send it SIGKILL and queue its mm for the OOM reaper.
 * true when that made progress (a victim chosen or one still dying).
 * Caller holds oom_lock (mm/page_alloc.c __alloc_pages_may_oom). */
bool out_of_memory(struct oom_control *oc);
/* The OOM reaper's turn (Linux oom_reaper kthread): reap the queued
 * victims' private memory (mmap_read_trylock; a busy mm is retried at the
 * next turn, given up after 10).  Called where the allocator would sleep
 * after an OOM kill, with no lock that a reap needs held. */
void oom_reaper_run(void);
/* Drop the references the reaper could not drop where it ran (the last
 * ones of an exited victim's mm).  No lock held: the scenario runner calls
 * it after each command, shutdown at the end. */
void oom_reaper_release(void);
/* VM_FAULT_OOM reached the fault handler (Linux pagefault_out_of_memory):
 * nothing to do if current is being killed, else the "leaked out" warning. */
void pagefault_out_of_memory(void);

#endif
