/*
 * sched.h - tasks, their mm references and resource limits (Linux
 * include/linux/sched.h, sched/mm.h, sched/signal.h).  kernel/task.c and
 * kernel/fork.c implement them.
 *
 * mm references (Linux semantics):
 *   mm_users  counts tasks (threads) using the address space: mmget/mmput.
 *             The last mmput tears the address space down (exit_mmap) and
 *             drops the one mm_count reference all users hold together.
 *   mm_count  counts references to the struct itself: mmgrab/mmdrop (lazy
 *             TLB / kthread active_mm).  The last mmdrop frees the struct.
 */
#ifndef MMKIT_SCHED_H
#define MMKIT_SCHED_H

#include "mmkit/machine.h"
#include "mmkit/mm_types.h"
#include "mmkit/mmap_lock.h"

#define TASK_COMM_LEN 16
#define MMK_NSIG 65

enum {
	RLIMIT_CPU,
	RLIMIT_FSIZE,
	RLIMIT_DATA,
	RLIMIT_STACK,
	RLIMIT_CORE,
	RLIMIT_RSS,
	RLIMIT_NPROC,
	RLIMIT_NOFILE,
	RLIMIT_MEMLOCK,
	RLIMIT_AS,
	RLIMIT_LOCKS,
	RLIMIT_SIGPENDING,
	RLIMIT_MSGQUEUE,
	RLIMIT_NICE,
	RLIMIT_RTPRIO,
	RLIMIT_RTTIME,
	RLIM_NLIMITS
};
#define RLIM_INFINITY (~0UL)
struct rlimit {
	unsigned long rlim_cur, rlim_max;
};

/* Shared by the threads of a process (Linux signal_struct + sighand). */
struct signal_struct {
	_Atomic int sigcnt;
	int nr_threads;
	struct rlimit rlim[RLIM_NLIMITS];
	unsigned char sig_catch[MMK_NSIG]; /* 1 = a handler is installed */
	int group_exit_code;		   /* the fatal signal, | 0x80 when core was dumped */
	/* The OOM killer (mm/oom_kill.c): oom_score_adj -1000..1000 (fork
	 * copies it; OOM_SCORE_ADJ_MIN exempts the group), and oom_mm, the mm
	 * of a group the OOM killer chose (Linux mark_oom_victim: an mm_count
	 * reference, dropped with the signal_struct).  flags: SIGNAL_GROUP_EXIT
	 * once a SIGKILL was sent to the group (fatal_signal_pending).  Set
	 * under tasklist_lock, read without it. */
	short oom_score_adj, oom_score_adj_min;
	struct mm_struct *oom_mm;
	unsigned int flags;
	/* --- guarded by siglock (Linux sighand->siglock) --- */
	spinlock_t siglock;
	struct list_head thread_head; /* the tasks of the group, in creation order */
};

#define SIGNAL_GROUP_EXIT 0x00000004 /* signal_struct flags: the group is being killed */

#define PF_EXITING 0x00000004
#define PF_DUMPCORE 0x00000200 /* dumped core (the thread that wrote it) */
#define PF_SIGNALED 0x00000400 /* killed by a signal */
#define PF_KTHREAD 0x00200000

/* x86-64 user registers in the order of NT_PRSTATUS's pr_reg (Linux struct
 * user_regs_struct, arch/x86/include/asm/user_64.h). */
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip,
		cs, flags, sp, ss, fs_base, gs_base, ds, es, fs, gs;
};

struct uthread;
struct task_struct {
	int pid, tgid;
	char comm[TASK_COMM_LEN];
	unsigned int flags;	     /* PF_* */
	struct mm_struct *mm;	     /* NULL for kernel threads */
	struct mm_struct *active_mm; /* the mm whose tables are loaded */
	int cpu;		     /* the CPU it runs on */
	struct signal_struct *signal;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	bool cap_ipc_lock, cap_sys_rawio; /* root's capabilities (set root=1) */
	int exit_state;
	struct list_head tasks;		/* all tasks, under tasklist_lock */
	struct files_struct *files;	/* descriptors (fs/file.c); NULL for kthreads */
	unsigned long min_flt, maj_flt; /* faults (mm_account_fault): getrusage's */
	unsigned int nr_dirtied;	/* pages dirtied since the last throttle check */
	int pagefault_disabled;		/* pagefault_disable() depth */
	struct blk_plug *plug;		/* requests submitted together (blkdev.h) */
	struct list_head thread_node;	/* on signal->thread_head, under siglock */
	/* The register file of a task that runs real code, which the CPU engine
	 * keeps (the real-program issue); NULL for a scenario task, which has
	 * none: its core dump shows only what is known (fs/binfmt_elf_core.c). */
	const struct user_regs_struct *user_regs;
	/* A task that runs a real program on the Unicorn CPU: its thread state
	 * (kernel/sched_user.c); NULL for scenario tasks and kernel threads. */
	struct uthread *uthread;
};

/* The running task of a CPU (read and set before `current` is defined,
 * since the macro would rewrite the struct cpu member's name).  Only the CPU
 * itself sets it, but other CPUs read it (task_leave_cpu looks for the CPU a
 * task runs on), so both sides are relaxed atomics, as Linux reads another
 * runqueue's curr with READ_ONCE. */
static inline struct task_struct *cpu_curr(struct cpu *c) { return READ_ONCE(c->current); }
static inline void cpu_set_curr(struct cpu *c, struct task_struct *t) { WRITE_ONCE(c->current, t); }
static inline struct task_struct *get_current(void) { return cpu_curr(this_cpu()); }
#define current get_current()

/* A SIGKILL is pending for t (Linux fatal_signal_pending: mmkit sends
 * SIGKILL to whole groups only, so the group's flag says it). */
static inline bool fatal_signal_pending(const struct task_struct *t)
{
	return t->signal && (READ_ONCE(t->signal->flags) & SIGNAL_GROUP_EXIT);
}
/* Has the OOM killer chosen t's group (Linux tsk_is_oom_victim)? */
static inline bool tsk_is_oom_victim(const struct task_struct *t)
{
	return t->signal && READ_ONCE(t->signal->oom_mm) != NULL;
}

static inline unsigned long task_rlimit(const struct task_struct *t, int r)
{
	return READ_ONCE(t->signal->rlim[r].rlim_cur);
}
static inline unsigned long rlimit(int r) { return task_rlimit(current, r); }

/* Linux pagefault_disable/enable (include/linux/uaccess.h): while disabled,
 * a fault on a user address is not handled: the access's exception fixup
 * makes it -EFAULT (copy_from_user stops there: an atomic copy). */
static inline void pagefault_disable(void) { current->pagefault_disabled++; }
static inline void pagefault_enable(void) { current->pagefault_disabled--; }
static inline bool faulthandler_disabled(void)
{
	struct task_struct *t = this_cpu() ? current : NULL;

	return t && t->pagefault_disabled;
}
static inline unsigned long rlimit_max(int r)
{
	return READ_ONCE(current->signal->rlim[r].rlim_max);
}
enum { CAP_IPC_LOCK, CAP_SYS_RAWIO, CAP_SYS_ADMIN };
/* Does the current task have capability cap (kernel context: yes)?  Linux's
 * capable() goes through the LSM hook to cap_capable, a bit test of the
 * task's effective set (cap_raised); mmkit has no LSM, so it is that test,
 * inline. */
static inline bool capable(int cap)
{
	struct task_struct *t = current;

	if (!t)
		return true;
	/* root (`set root=1`) has all three; CAP_SYS_ADMIN goes with RAWIO */
	return cap == CAP_IPC_LOCK ? t->cap_ipc_lock : t->cap_sys_rawio;
}

/* kernel/fork.c */
struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
/* Free the struct: its last mm_count reference is gone (mmdrop). */
void __mmdrop(struct mm_struct *mm);

/* The reference helpers are inline, as Linux's (include/linux/sched/mm.h):
 * mm/ and kernel/ both take them, and they call no layer above. */
static inline void mmgrab(struct mm_struct *mm) { atomic_fetch_add(&mm->mm_count, 1); }

/* Drop a reference to the struct; the last one frees it. */
static inline void mmdrop(struct mm_struct *mm)
{
	int old = atomic_fetch_sub(&mm->mm_count, 1);

	BUG_ON(old <= 0);
	if (old == 1)
		__mmdrop(mm);
}

static inline void mmget(struct mm_struct *mm) { BUG_ON(atomic_fetch_add(&mm->mm_users, 1) <= 0); }

/* A user reference unless the address space is already gone (mm_users 0). */
static inline bool mmget_not_zero(struct mm_struct *mm)
{
	int u = atomic_load(&mm->mm_users);

	while (u > 0)
		if (atomic_compare_exchange_weak(&mm->mm_users, &u, u + 1))
			return true;
	return false;
}
/* Tear down every page, page table and VMA of mm (last mmput).  Caller holds no locks. */
void exit_mmap(struct mm_struct *mm);
/* fork's copy-on-write duplicate of oldmm.  NULL on -ENOMEM. */
struct mm_struct *dup_mm(struct mm_struct *oldmm);
extern spinlock_t mmlist_lock;
/* The mms on init_mm.mmlist, for verify with the machine quiescent: a
 * malloc'd array of *n pointers (caller frees), copied under mmlist_lock so
 * that the caller takes each mm's mmap_lock without it (a sleeping lock is
 * not taken under a spinlock).  NULL with *n = 0 when empty or on -ENOMEM
 * (mm/init-mm.c). */
struct mm_struct **mmlist_snapshot(size_t *n);

/* kernel/task.c.  Makers return NULL on failure (-ENOMEM). */
struct task_struct *task_create(const char *comm, struct mm_struct *mm);
/* A thread of leader sharing its mm and signal_struct (CLONE_VM|CLONE_THREAD). */
struct task_struct *task_create_thread(struct task_struct *leader, const char *comm);
struct task_struct *kthread_create_task(const char *comm);
/* A kernel thread started at boot with a pid of its own, outside the
 * sequence scenario tasks get theirs from (kswapd0). */
struct task_struct *kthread_create_task_pid(const char *comm, int pid);
/* fork: a new process, child of parent, with mm (dup_mm) and the parent's
 * limits and signal dispositions. */
struct task_struct *task_fork(struct task_struct *parent, const char *comm, struct mm_struct *mm);
/* exec's switch to a new address space (Linux exec_mmap): t (current on
 * this CPU) gets mm and loads it; returns the old mm, whose mm_users
 * reference passes to the caller (mmput, or exec_mmap back on failure). */
struct mm_struct *exec_mmap(struct task_struct *t, struct mm_struct *mm);
/* The task exits: mm released through mmput (kernel thread: active_mm via mmdrop). */
void task_exit(struct task_struct *t);
/* Make t current on this CPU (switch_mm for user tasks, lazy TLB for kthreads). */
void context_switch(struct task_struct *t);
/* This CPU runs nothing any more (its current task, if any, switches out). */
void context_switch_idle(void);
int task_thread_count(const struct task_struct *t);
struct task_struct *find_task_by_pid(int pid);
/* Call fn for every thread-group leader on the task list, in creation
 * order, under tasklist_lock (Linux for_each_process under RCU): fn must
 * not sleep, allocate or exit a task; a nonzero return stops the walk and
 * is returned. */
int for_each_process_call(int (*fn)(struct task_struct *p, void *arg), void *arg);
/* The same for every task (Linux for_each_process_thread). */
int for_each_thread_call(int (*fn)(struct task_struct *t, void *arg), void *arg);

/* Exec-like image (fs/exec.c): text, data, bss, [vvar]/[vdso], [stack]. */
int exec_image_setup(struct task_struct *t);
/* What an image's PT_GNU_STACK says of its stack (Linux binfmts.h). */
enum { EXSTACK_DEFAULT, EXSTACK_DISABLE_X, EXSTACK_ENABLE_X };
/* The stack of a new image: [stack] below STACK_TOP with the argument page
 * (fs/exec.c), executable for EXSTACK_ENABLE_X.  Caller holds mmap_lock
 * for write.  0 or -ENOMEM. */
int setup_arg_pages(struct mm_struct *mm, int executable_stack);
/* mm->saved_auxv for a new image (fs/exec.c): AT_PHDR, AT_PHNUM and AT_ENTRY
 * of an ELF image (phnum 0: none).  Caller holds mmap_lock for write. */
void exec_set_saved_auxv(struct mm_struct *mm, unsigned long phdr, unsigned long phnum,
			 unsigned long entry);
/* Load the static x86-64 ELF at path into t->mm (empty, layout picked), as
 * load_elf_binary does (fs/binfmt_elf.c).  Runs with t current, no lock
 * held.  0, or -ENOENT/-EACCES/-ENOEXEC/-ENOMEM (the caller discards the mm). */
int exec_elf_setup(struct task_struct *t, const char *path);
/* [vvar], [vvar_vclock], [vdso] (fs/vdso.c); mmap_lock held for write. */
int map_vdso(struct mm_struct *mm);
int install_special_mapping_named(struct mm_struct *mm, const char *name, unsigned long start,
				  unsigned long end, unsigned long perms);

#endif
