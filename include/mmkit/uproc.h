/*
 * uproc.h - real programs on the simulated machine (issue 21):
 * kernel/sched_user.c (threads, processes, the per-CPU run loop, blocking,
 * fork/clone/exit/wait, signals), kernel/sys_x86_64.c (the system-call
 * table) and fs/binfmt_elf.c (exec of a static x86-64 ELF).
 *
 * A program's thread is a task_struct with a struct uthread (its registers
 * in a context of the Unicorn CPU of the CPU it was created on: a thread
 * never migrates) and a struct uprocess shared by the threads of a group
 * (signal actions, children, exit status, cwd, close-on-exec flags).  One
 * lock, uproc_lock (a leaf), guards every state field and list here.
 *
 * Scheduling is per CPU and cooperative: a CPU runs one of its runnable
 * threads until it blocks (a system call that must wait rewinds RIP to the
 * `syscall` instruction, marks the thread blocked on a key and stops the
 * engine: the call is restarted when uproc_wake(key) makes it runnable),
 * exits, yields, or an IPI kicks the engine.  There is no time slice.
 */
#ifndef MMKIT_UPROC_H
#define MMKIT_UPROC_H

#include "mmkit/sched.h"
#include "mmkit/ucpu.h"

/* Internal restart code of a system call that blocked (Linux ERESTARTNOINTR). */
#define ERESTARTNOINTR 513

enum uthread_state { UT_RUNNABLE, UT_RUNNING, UT_BLOCKED, UT_STOPPED, UT_DEAD };

struct uprocess;
struct uthread {
	struct task_struct *task;
	struct uprocess *proc;
	struct ucpu_ctx *ctx;
	enum uthread_state state;
	const void *wchan;		   /* what a blocked thread waits for */
	int cpu;			   /* its CPU (never changes) */
	u64 sig_pending, sig_blocked;	   /* bit n-1 = signal n */
	unsigned long clear_child_tid;	   /* CLONE_CHILD_CLEARTID / set_tid_address */
	struct uthread *vfork_parent;	   /* vfork: released at exec or exit */
	int sc_flags;			   /* UCPU_SC_* of the system call in progress */
	unsigned long last_sc;		   /* its number (for `run until syscall`) */
	bool stop_at_syscall;		   /* scenario: stop before the next call... */
	int stop_sc;			   /* ...with this number (-1: any) */
	struct user_regs_struct core_regs; /* NT_PRSTATUS of a core dump */
	/* a thread made for another CPU: its context is made there at first run */
	struct ucpu_regs first_regs;
	bool restart_pending; /* its RIP is rewound to a blocked `syscall` */
#define UT_SIGDEPTH 8
	struct ucpu_ctx *sigsaved[UT_SIGDEPTH]; /* the state each handler interrupted */
	int sigdepth;
	struct list_head node; /* on all_threads */
};

struct k_sigaction {
	unsigned long handler, flags, restorer;
	u64 mask;
};

struct uprocess {
	int tgid, nr_threads;
	struct uprocess *parent;
	struct list_head children, sibling;
	bool zombie;	 /* every thread exited, not reaped */
	int exit_status; /* wait status: code << 8, or signal (| 0x80) */
	bool group_exit;
	int group_exit_status;
	unsigned long min_flt, maj_flt; /* of exited threads and reaped children */
	unsigned long cmin_flt, cmaj_flt;
	struct k_sigaction action[MMK_NSIG];
	u64 cloexec[16]; /* close-on-exec, fds 0..1023 */
	char cwd[256];
	char exe[256];		/* the program's path (/proc/self/exe) */
	int refs;		/* threads + the parent's reference until reaped */
	_Atomic int exec_cpu;	/* the CPU running its guest code, -1: none */
	_Atomic int exec_next;	/* a CPU waiting for its turn, -1: none */
	_Atomic int exec_skips; /* turns given up to exec_next (a bound) */
	struct list_head node;	/* on all_procs */
};

/* How a program started by uproc_spawn ended. */
struct uproc_result {
	bool exited; /* exit_group/exit: code; else killed: sig */
	int code, sig;
	bool core_dumped;
};

/* Start PATH with argv/envp as a new process on CPU cpu (its parent: none,
 * fds 0-2: the host's standard streams unless the caller's files are
 * given).  The program is loaded, not run.  *out: its uthread.  0 or
 * -errno (-ENOSYS without Unicorn, -EINVAL without 4-level paging,
 * -ENOENT/-EACCES/-ENOEXEC/-E2BIG/-ENOMEM from exec).  Runs on any CPU
 * thread; loads on CPU cpu. */
int uproc_spawn(int cpu, const char *path, char *const argv[], char *const envp[], const char *cwd,
		struct uthread **out);

/* Run the CPUs' loops until stop(arg) is true (checked between runs, under
 * uproc_lock) or no thread is left.  CPU 0's loop runs on the caller,
 * which must be CPU 0; the others by cpu_call_async.  steps > 0 (one CPU
 * only): stop after that many guest instructions of `only` (a scenario's
 * `run steps N`).  Returns 0, or -EDEADLK when every live thread is
 * blocked for good (nothing can wake them). */
int uproc_run(bool (*stop)(void *arg), void *arg, struct uthread *only, u64 steps);

/* The result of process tgid (started by uproc_spawn: no parent) once it
 * is a zombie; reaps it if reap.  false while it runs. */
bool uproc_result(int tgid, struct uproc_result *res, bool reap);
/* The same test with uproc_lock held (a uproc_run stop test), no reap. */
bool uproc_result_locked(int tgid, struct uproc_result *res);
/* Any live (not dead) thread of the group of ut? */
bool uproc_alive(struct uthread *ut);
/* Kill what is left (shutdown of `mmkit exec` or a scenario). */
void uproc_kill_all(void);
/* Every thread of a group the kernel killed (fatal_signal_pending) gets
 * SIGKILL pending, and is woken if it waits (Linux signal_wake_up). */
void uproc_wake_fatal(void);

/* For the system calls: block current on key (call with key's own lock
 * held so a wake cannot be missed) and return -ERESTARTNOINTR. */
long uproc_block(const void *key);
/* Make every thread blocked on key runnable (their CPUs are woken). */
void uproc_wake(const void *key);
/* current's thread / process. */
static inline struct uthread *current_uthread(void) { return current->uthread; }
/* path made absolute against current's cwd (/proc/self/exe: its program). */
int uproc_resolve_path(const char *path, char *buf, size_t len);
/* The scenario's stop of a running thread (before a system call). */
void uproc_set_stopped(struct uthread *ut);
/* Has ut a signal to take before it returns to user mode? */
bool uproc_signal_pending(struct uthread *ut);
/* Send sig to the thread group tgid (kill) or thread tid (tgkill). */
int uproc_kill(int pid, int sig, bool thread);
/* fork/vfork/clone: 0 / the child's pid in the parent, or -errno.  regs:
 * the parent's registers (the child returns 0 from the call). */
long uproc_clone(struct ucpu_regs *regs, unsigned long flags, unsigned long newsp,
		 unsigned long parent_tid, unsigned long child_tid, unsigned long tls);
/* execve: replace current's image; on success *regs is the new entry
 * state.  0 or -errno (the old image stays). */
long uproc_execve(struct ucpu_regs *regs, const char *path, unsigned long uargv,
		  unsigned long uenvp);
/* exit (thread) and exit_group: never fail; the engine stops. */
void uproc_exit(int code, bool group);
/* wait4 / waitid's part: 0, the pid, -ECHILD, or -ERESTARTNOINTR. */
long uproc_wait4(int pid, unsigned long ustatus, int options, unsigned long urusage);
/* The fatal default action of a signal on current (core if it dumps). */
void uproc_fatal_signal(int sig, int si_code, unsigned long addr);
/* rt_sigreturn: back to the state the handler interrupted (frame at
 * regs->rsp - 8).  0, or the thread dies of SIGSEGV (a bad frame). */
long uproc_rt_sigreturn(struct ucpu_regs *regs);
/* futex WAIT/WAKE on current's mm. */
long uproc_futex(unsigned long uaddr, int op, u32 val, unsigned long utimeout, u32 val3);

/* The system-call entry (kernel/sys_x86_64.c), installed as the syscall
 * vector by uproc_spawn. */
int do_syscall_64(struct ucpu_regs *regs);
/* The name of system call nr ("?" if unknown) and its number by name (-1). */
const char *syscall_name(unsigned long nr);
int syscall_nr(const char *name);

/* The load of a static ELF with its stack (fs/binfmt_elf.c): entry and
 * stack pointer of the new image. */
struct linux_binprm_info {
	unsigned long entry, sp;
};
/* Load path into t->mm (empty, layout picked, t current with t->mm loaded)
 * and build the stack with argv, envp and auxv as Linux does with ASLR off.
 * argv/envp: kernel strings, NULL-terminated.  0 or -errno. */
int load_elf_binary(struct task_struct *t, const char *path, char *const argv[], char *const envp[],
		    struct linux_binprm_info *info);

/* The host standard streams as files (fs/stdio_host.c): fd 0, 1, 2 of a
 * program started by `mmkit exec`. */
struct file *host_stream_open(int hostfd);
bool host_stream_isatty(struct file *f, int *hostfd);
/* pipe2: two new files (fs/pipe.c).  0 or -ENOMEM. */
int create_pipe_files(struct file **res, int flags);

#endif
