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
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/tlbflush.h"

static DEFINE_FAULT_SITE(task_alloc_fail, "task_struct_alloc");
static DEFINE_FAULT_SITE(signal_alloc_fail, "signal_struct_alloc");
static struct kmem_cache *task_struct_cachep, *signal_cachep;
static DEFINE_SPINLOCK(tasklist_lock);
static LIST_HEAD(task_list);
static int last_pid;

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

/* The "task_struct" cache (Linux fork_init: L1-cache aligned, SLAB_PANIC,
 * SLAB_ACCOUNT) and "signal_cache" (proc_caches_init: SLAB_HWCACHE_ALIGN,
 * SLAB_PANIC, SLAB_ACCOUNT). */
static int fork_init(void)
{
	task_struct_cachep = kmem_cache_create("task_struct", sizeof(struct task_struct), 64,
					       SLAB_PANIC | SLAB_ACCOUNT, NULL);
	signal_cachep = kmem_cache_create("signal_cache", sizeof(struct signal_struct), 0,
					  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	return 0;
}

static void fork_exit(void)
{
	kmem_cache_destroy(signal_cachep);
	kmem_cache_destroy(task_struct_cachep);
	signal_cachep = task_struct_cachep = NULL;
}
mmk_initcall(INIT_MM, fork_init, fork_exit);

static struct task_struct *task_alloc(const char *comm)
{
	struct task_struct *t;

	if (should_fail(&task_alloc_fail))
		return NULL;
	t = kmem_cache_zalloc(task_struct_cachep, GFP_KERNEL);
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

/* The task leaves the task list; its children lose their parent (Linux
 * forget_original_parent hands them to the child reaper; mmkit has none, so
 * their ppid becomes 0, that of a process the kernel started). */
static void task_free(struct task_struct *t)
{
	struct task_struct *c;

	spin_lock(&tasklist_lock);
	list_del(&t->tasks);
	list_for_each_entry(c, &task_list, tasks)
		if (c->real_parent == t)
			c->real_parent = NULL;
	spin_unlock(&tasklist_lock);
	kmem_cache_free(task_struct_cachep, t);
}

/* A signal_struct from signal_cachep for a new thread group, one task in
 * it.  NULL on -ENOMEM. */
static struct signal_struct *signal_alloc(void)
{
	struct signal_struct *sig;

	if (should_fail(&signal_alloc_fail))
		return NULL;
	sig = kmem_cache_zalloc(signal_cachep, GFP_KERNEL);
	if (!sig)
		return NULL;
	atomic_store(&sig->sigcnt, 1);
	sig->nr_threads = 1;
	rlimits_default(sig->rlim);
	spin_lock_init(&sig->siglock);
	INIT_LIST_HEAD(&sig->thread_head);
	return sig;
}

static void signal_free(struct signal_struct *sig)
{
	if (sig->oom_mm) /* Linux free_signal_struct */
		mmdrop(sig->oom_mm);
	spin_lock_destroy(&sig->siglock);
	kmem_cache_free(signal_cachep, sig);
}

/* t joins the thread list of its group (Linux copy_process, under siglock). */
static void thread_link(struct task_struct *t)
{
	spin_lock(&t->signal->siglock);
	list_add_tail(&t->thread_node, &t->signal->thread_head);
	spin_unlock(&t->signal->siglock);
}

/* A process with its own signal_struct, owning one mm_users reference on mm
 * (which may be NULL for a kernel thread) and the descriptor table files
 * (consumed on success only). */
static struct task_struct *__task_create(const char *comm, struct mm_struct *mm,
					 struct files_struct *files)
{
	struct task_struct *t = task_alloc(comm);

	if (!t)
		return NULL;
	t->signal = signal_alloc();
	if (!t->signal) {
		task_free(t);
		return NULL;
	}
	t->mm = t->active_mm = mm;
	t->files = files;
	thread_link(t);
	return t;
}

/* A user process gets an empty descriptor table; a kernel thread none. */
struct task_struct *task_create(const char *comm, struct mm_struct *mm)
{
	struct files_struct *files = mm ? alloc_files() : NULL;
	struct task_struct *t;

	if (mm && !files)
		return NULL;
	t = __task_create(comm, mm, files);
	if (!t && files)
		put_files_struct(files);
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
	spin_lock(&tasklist_lock); /* threads of one group start and exit on any CPU */
	WRITE_ONCE(t->signal->nr_threads, t->signal->nr_threads + 1);
	spin_unlock(&tasklist_lock);
	t->cap_ipc_lock = leader->cap_ipc_lock;
	t->cap_sys_rawio = leader->cap_sys_rawio;
	t->mm = t->active_mm = leader->mm;
	if (t->mm)
		mmget(t->mm);
	t->files = leader->files; /* CLONE_FILES */
	if (t->files)
		atomic_fetch_add(&t->files->count, 1);
	thread_link(t);
	return t;
}

struct task_struct *kthread_create_task(const char *comm)
{
	struct task_struct *t = task_create(comm, NULL);

	if (t)
		t->flags |= PF_KTHREAD;
	return t;
}

struct task_struct *kthread_create_task_pid(const char *comm, int pid)
{
	struct task_struct *t = kthread_create_task(comm);

	if (t) {
		t->pid = t->tgid = pid;
		last_pid--; /* the sequence of the others is unchanged */
	}
	return t;
}

int task_thread_count(const struct task_struct *t)
{
	return t->signal ? READ_ONCE(t->signal->nr_threads) : 1;
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

int for_each_process_call(int (*fn)(struct task_struct *p, void *arg), void *arg)
{
	struct task_struct *t;
	int ret = 0;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if (t->group_leader == t && (ret = fn(t, arg)) != 0)
			break;
	spin_unlock(&tasklist_lock);
	return ret;
}

int for_each_thread_call(int (*fn)(struct task_struct *t, void *arg), void *arg)
{
	struct task_struct *t;
	int ret = 0;

	spin_lock(&tasklist_lock);
	list_for_each_entry(t, &task_list, tasks)
		if ((ret = fn(t, arg)) != 0)
			break;
	spin_unlock(&tasklist_lock);
	return ret;
}

/*
 * The mm a CPU has loaded (CR3) is pinned by an mm_count reference of the
 * CPU itself (Linux's lazy-TLB reference of the idle task), so a CPU never
 * holds tables of a freed mm.  cpu_load_mm switches this CPU to next
 * (switch_mm: CR3 load, TLB flush, cpu_bitmap), moving that reference.
 */
static void cpu_load_mm(struct cpu *c, struct mm_struct *next)
{
	struct mm_struct *prev = c->loaded_mm;

	if (prev == next)
		return;
	if (next != &init_mm)
		mmgrab(next);
	switch_mm(prev, next);
	if (prev && prev != &init_mm)
		mmdrop(prev);
}

/* This CPU runs nothing: it loads init_mm (mmkit's idle does not keep the
 * last mm lazily, so an exited process frees everything at once). */
static void cpu_go_idle(struct cpu *c)
{
	struct task_struct *prev = cpu_curr(c);

	cpu_set_curr(c, NULL);
	if (prev && !prev->mm && prev->active_mm) {
		mmdrop(prev->active_mm); /* the kthread's lazy reference */
		prev->active_mm = NULL;
	}
	cpu_load_mm(c, &init_mm);
}

static void cpu_go_idle_ipi(void *info)
{
	struct task_struct *t = info;
	struct cpu *c = this_cpu();

	if (cpu_curr(c) == t)
		cpu_go_idle(c);
}

/* t leaves the CPU it is current on, if any (migration, exit). */
static void task_leave_cpu(struct task_struct *t)
{
	struct cpu *here = this_cpu();
	int cpu;

	for (cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		if (cpu_curr(cpu_of(cpu)) != t)
			continue;
		if (cpu_of(cpu) == here)
			cpu_go_idle(here);
		else
			smp_call_function_many(BIT(cpu), cpu_go_idle_ipi, t, true);
	}
}

/*
 * Make t current on this CPU (Linux context_switch): a user task loads its
 * mm (switch_mm); a kernel thread keeps the loaded mm as its active_mm,
 * taking a reference (lazy TLB, mmgrab), which it drops when it is switched
 * out.  A task current on another CPU leaves it first (that CPU goes idle).
 */
void context_switch(struct task_struct *t)
{
	struct cpu *c = this_cpu();
	struct task_struct *prev = cpu_curr(c);

	if (prev == t)
		return;
	task_leave_cpu(t);
	if (prev && !prev->mm && prev->active_mm) {
		mmdrop(prev->active_mm);
		prev->active_mm = NULL;
	}
	if (t->mm) {
		cpu_load_mm(c, t->mm);
	} else {
		t->active_mm = c->loaded_mm;
		if (t->active_mm && t->active_mm != &init_mm)
			mmgrab(t->active_mm);
		else
			t->active_mm = NULL;
	}
	t->cpu = c->id;
	cpu_set_curr(c, t);
}

struct mm_struct *exec_mmap(struct task_struct *t, struct mm_struct *mm)
{
	struct mm_struct *old = t->mm;

	spin_lock(&tasklist_lock); /* the OOM killer reads t->mm under it */
	t->mm = t->active_mm = mm;
	spin_unlock(&tasklist_lock);
	if (cpu_curr(this_cpu()) == t)
		cpu_load_mm(this_cpu(), mm);
	return old;
}

void context_switch_idle(void)
{
	struct cpu *c = this_cpu();

	if (cpu_curr(c))
		cpu_go_idle(c);
}

/* The task exits: the CPU it runs on goes idle, its mm loses a user
 * (kernel thread: it drops the borrowed active_mm); the struct is freed. */
void task_exit(struct task_struct *t)
{
	struct mm_struct *mm, *active_mm;

	t->flags |= PF_EXITING;
	task_leave_cpu(t); /* a kthread going idle drops its active_mm */
	mm = t->mm;
	active_mm = t->active_mm;
	/* t->mm goes under tasklist_lock before its reference (Linux exit_mm
	 * clears it under task_lock): a walk of the task list that sees t->mm
	 * may read that mm until it drops the lock */
	spin_lock(&tasklist_lock);
	t->mm = t->active_mm = NULL;
	spin_unlock(&tasklist_lock);
	if (mm)
		mmput(mm);
	else if (active_mm)
		mmdrop(active_mm);
	if (t->files)
		put_files_struct(t->files);
	t->files = NULL;
	spin_lock(&t->signal->siglock);
	list_del(&t->thread_node);
	spin_unlock(&t->signal->siglock);
	if (atomic_fetch_sub(&t->signal->sigcnt, 1) == 1) {
		signal_free(t->signal);
	} else {
		spin_lock(&tasklist_lock); /* Linux: __exit_signal, under siglock */
		WRITE_ONCE(t->signal->nr_threads, t->signal->nr_threads - 1);
		spin_unlock(&tasklist_lock);
	}
	task_free(t);
}

/* A child process of parent (Linux copy_process without CLONE_VM): its own
 * signal_struct with the parent's limits and dispositions, mm as given
 * (dup_mm's copy; the child owns its one mm_users reference). */
struct task_struct *task_fork(struct task_struct *parent, const char *comm, struct mm_struct *mm)
{
	struct files_struct *files = parent->files ? dup_fd(parent->files) : alloc_files();
	struct task_struct *t;

	if (!files)
		return NULL;
	t = __task_create(comm, mm, files);
	if (!t) {
		put_files_struct(files);
		return NULL;
	}
	memcpy(t->signal->rlim, parent->signal->rlim, sizeof(t->signal->rlim));
	memcpy(t->signal->sig_catch, parent->signal->sig_catch, sizeof(t->signal->sig_catch));
	t->signal->oom_score_adj = parent->signal->oom_score_adj; /* Linux copy_signal */
	t->signal->oom_score_adj_min = parent->signal->oom_score_adj_min;
	t->cap_ipc_lock = parent->cap_ipc_lock;
	t->cap_sys_rawio = parent->cap_sys_rawio;
	/* t is on the task list already: task_free of another task reads
	 * real_parent under tasklist_lock (Linux copy_process sets it there) */
	spin_lock(&tasklist_lock);
	t->real_parent = parent;
	spin_unlock(&tasklist_lock);
	return t;
}

/* Shutdown: every task still alive exits, so that each address space is
 * torn down (pages, tables, VMAs) before the zero page and the paging
 * structures go.  Runs after every other INIT_MM exit. */
static int tasks_init(void) { return 0; }

static void tasks_exit_all(void)
{
	struct task_struct *t;

	for (;;) {
		spin_lock(&tasklist_lock);
		t = list_empty(&task_list) ?
			    NULL :
			    list_first_entry(&task_list, struct task_struct, tasks);
		spin_unlock(&tasklist_lock);
		if (!t)
			break;
		task_exit(t);
	}
	last_pid = 0;
}
mmk_initcall(INIT_MM + 5, tasks_init, tasks_exit_all);
