/*
 * task.c - tasks (Linux kernel/fork.c copy_process, kernel/exit.c,
 * kernel/sched/core.c context_switch, at the level mmkit needs): pid, comm,
 * mm and active_mm, the CPU it runs on, resource limits and signal
 * dispositions (shared by threads through signal_struct).
 *
 * A user task holds one mm_users reference on its mm.  A kernel thread has
 * mm == NULL and borrows the previous task's mm as active_mm, holding an
 * mm_count reference (mmgrab) while it does (lazy TLB).  The task list is
 * guarded by tasklist_lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"
#include "mmkit/tlb.h"

static DEFINE_FAULT_SITE(task_alloc_fail, "task_struct_alloc");
static spinlock_t tasklist_lock = { PTHREAD_MUTEX_INITIALIZER };
static LIST_HEAD(task_list);
static int last_pid;

bool capable(int cap)
{
	struct task_struct *t = current;

	if (!t)
		return true;                      /* kernel context */
	return cap == CAP_IPC_LOCK ? t->cap_ipc_lock : t->cap_sys_rawio;
}

/* Linux's defaults for a login shell's child on x86-64 (this host's ulimit). */
static void rlimits_default(struct rlimit *r)
{
	int i;

	for (i = 0; i < RLIM_NLIMITS; i++)
		r[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	r[RLIMIT_STACK] = (struct rlimit){ 8UL << 20, RLIM_INFINITY };
	r[RLIMIT_MEMLOCK] = (struct rlimit){ 8UL << 20, 8UL << 20 };
	r[RLIMIT_CORE] = (struct rlimit){ 0, RLIM_INFINITY };
	r[RLIMIT_NOFILE] = (struct rlimit){ 1024, 1048576 };
}

static struct task_struct *task_alloc(const char *comm)
{
	struct task_struct *t;

	if (should_fail(&task_alloc_fail))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->group_leader = t;
	t->real_parent = current;
	spin_lock(&tasklist_lock);
	t->pid = t->tgid = ++last_pid;
	list_add_tail(&t->tasks, &task_list);
	spin_unlock(&tasklist_lock);
	return t;
}

static void task_free(struct task_struct *t)
{
	spin_lock(&tasklist_lock);
	list_del(&t->tasks);
	spin_unlock(&tasklist_lock);
	free(t);
}

/* A process with its own signal_struct, owning one mm_users reference on mm
 * (which may be NULL for a kernel thread). */
struct task_struct *task_create(const char *comm, struct mm_struct *mm)
{
	struct task_struct *t = task_alloc(comm);

	if (!t)
		return NULL;
	t->signal = calloc(1, sizeof(*t->signal));
	if (!t->signal) {
		task_free(t);
		return NULL;
	}
	atomic_store(&t->signal->sigcnt, 1);
	t->signal->nr_threads = 1;
	rlimits_default(t->signal->rlim);
	t->mm = t->active_mm = mm;
	return t;
}

struct task_struct *task_create_thread(struct task_struct *leader, const char *comm)
{
	struct task_struct *t = task_alloc(comm);

	if (!t)
		return NULL;
	t->tgid = leader->tgid;
	t->group_leader = leader;
	t->signal = leader->signal;
	atomic_fetch_add(&t->signal->sigcnt, 1);
	t->signal->nr_threads++;
	t->cap_ipc_lock = leader->cap_ipc_lock;
	t->cap_sys_rawio = leader->cap_sys_rawio;
	t->mm = t->active_mm = leader->mm;
	if (t->mm)
		mmget(t->mm);
	return t;
}

struct task_struct *kthread_create_task(const char *comm)
{
	struct task_struct *t = task_create(comm, NULL);

	if (t)
		t->flags |= PF_KTHREAD;
	return t;
}

int task_thread_count(const struct task_struct *t)
{
	return t->signal ? t->signal->nr_threads : 1;
}

struct task_struct *find_task_by_pid(int pid)
{
	struct task_struct *t, *found = NULL;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid)
			found = t;
	spin_unlock(&tasklist_lock);
	return found;
}

/* Make t current on this CPU (Linux context_switch): a user task loads its
 * mm; a kernel thread keeps the previous active_mm, grabbing it (lazy TLB). */
void context_switch(struct task_struct *t)
{
	struct cpu *c = this_cpu();
	struct task_struct *prev = cpu_curr(c);
	struct mm_struct *oldmm = prev ? prev->active_mm : c->loaded_mm;

	if (prev == t)
		return;
	if (!t->mm) {
		if (t->active_mm != oldmm) {
			if (oldmm)
				mmgrab(oldmm);
			if (t->active_mm)
				mmdrop(t->active_mm);
			t->active_mm = oldmm;
		}
	} else if (t->mm != c->loaded_mm) {
		switch_mm(c->loaded_mm, t->mm);
	}
	t->cpu = c->id;
	cpu_set_curr(c, t);
}

/* The task exits: its mm loses a user (kernel thread: drop the borrowed
 * active_mm); the struct is freed.  Runs on the task's CPU. */
void task_exit(struct task_struct *t)
{
	struct cpu *c = this_cpu();

	t->flags |= PF_EXITING;
	if (cpu_curr(c) == t)
		cpu_set_curr(c, NULL);
	if (t->mm) {
		if (c->loaded_mm == t->mm && atomic_load(&t->mm->mm_users) == 1) {
			switch_mm(t->mm, &init_mm);
			c->loaded_mm = &init_mm;
		}
		mmput(t->mm);
	} else if (t->active_mm) {
		mmdrop(t->active_mm);
	}
	t->mm = t->active_mm = NULL;
	if (atomic_fetch_sub(&t->signal->sigcnt, 1) == 1)
		free(t->signal);
	else
		t->signal->nr_threads--;
	task_free(t);
}
