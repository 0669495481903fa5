/*
 * sched_user.c - real programs' threads and processes on the simulated CPUs
 * (issue 21; Linux kernel/sched/core.c's loop at the level mmkit needs,
 * kernel/fork.c copy_process, kernel/exit.c do_exit/do_group_exit/wait4,
 * kernel/signal.c's default actions, fs/exec.c's exec, kernel/futex).
 * include/mmkit/uproc.h describes the model.
 *
 * The run loop of a CPU picks its runnable threads round-robin, makes each
 * current (context_switch: CR3, the engine follows through the TLB-flush
 * hook), delivers pending signals, and runs it on the Unicorn CPU until the
 * engine stops: a system call that blocked, exited, exec'ed or yielded, an
 * IPI, or a fault that ends in a signal.  Exited threads are torn down by
 * the loop after the engine has returned (never inside a hook).  A CPU
 * with nothing to run sleeps on its IPI condition (so it still serves
 * IPIs); uproc_wake wakes it.
 *
 * Signals: the default actions (terminate; dump core with fs/coredump.c's
 * vfs_coredump and the thread's real registers in NT_PRSTATUS; ignore
 * SIGCHLD, SIGCONT, SIGURG, SIGWINCH and, without job control, the stop
 * signals) and user handlers with Linux's x86-64 rt_sigframe; the FPU/SSE
 * state the handler interrupted stays in the kernel (the engine context)
 * until rt_sigreturn.
 *
 * Translated code: Unicorn does not see the host's writes to RAM, so every
 * exec and every process exit bumps code_gen, and a CPU drops all its
 * translated blocks before it next runs guest code after a bump (the
 * frames of an exited program may come back holding other code at the
 * same virtual address).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mmkit/coredump.h"
#include "mmkit/fs.h"
#include "mmkit/mm_vma.h"
#include "mmkit/tlbflush.h"
#include "mmkit/uproc.h"

#define SIGBIT(s) (1ULL << ((s)-1))
#define WNOHANG 1
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_CMD_MASK 0x7f /* without PRIVATE and CLOCK_REALTIME */
#define K_SIG_DFL 0UL
#define K_SIG_IGN 1UL

static DEFINE_SPINLOCK(uproc_lock);
static LIST_HEAD(all_threads);
static LIST_HEAD(all_procs);
static _Atomic int resched[MMK_MAX_CPUS];
static _Atomic unsigned long code_gen = 1;
static unsigned long cpu_code_gen[MMK_MAX_CPUS];
static _Atomic int run_stop;
static _Atomic int next_thread_cpu;

/* --------------------------------------------------------- wake, block -- */

/* Wake CPU cpu's loop if it sleeps.  No locks needed (ipi_lock is a leaf). */
static void kick_cpu(int cpu)
{
	struct cpu *c = cpu_of(cpu);

	atomic_store(&resched[cpu], 1);
	pthread_mutex_lock(&c->ipi_lock);
	pthread_cond_broadcast(&c->ipi_cond);
	pthread_mutex_unlock(&c->ipi_lock);
}

long uproc_block(const void *key)
{
	struct uthread *ut = current_uthread();

	spin_lock(&uproc_lock);
	ut->state = UT_BLOCKED;
	ut->wchan = key;
	spin_unlock(&uproc_lock);
	ut->sc_flags |= UCPU_SC_STOP;
	return -ERESTARTNOINTR;
}

void uproc_wake(const void *key)
{
	u64 cpus = 0;
	struct uthread *ut;
	int i;

	spin_lock(&uproc_lock);
	list_for_each_entry(ut, &all_threads, node)
		if (ut->state == UT_BLOCKED && ut->wchan == key) {
			ut->state = UT_RUNNABLE;
			ut->wchan = NULL;
			cpus |= BIT(ut->cpu);
		}
	spin_unlock(&uproc_lock);
	for (i = 0; i < mmk->nr_cpus; i++)
		if (cpus & BIT(i))
			kick_cpu(i);
}

void uproc_set_stopped(struct uthread *ut)
{
	spin_lock(&uproc_lock);
	ut->state = UT_STOPPED;
	spin_unlock(&uproc_lock);
}

bool uproc_signal_pending(struct uthread *ut)
{
	bool pending;

	spin_lock(&uproc_lock);
	pending = ut->sig_pending & (~ut->sig_blocked | SIGBIT(SIGKILL));
	spin_unlock(&uproc_lock);
	return pending;
}

/* Make ut runnable if it waits (a signal for it); uproc_lock held. */
static u64 wake_for_signal(struct uthread *ut)
{
	if (ut->state != UT_BLOCKED)
		return 0;
	ut->state = UT_RUNNABLE;
	ut->wchan = NULL;
	return BIT(ut->cpu);
}

/* -------------------------------------------------------- process state -- */

static struct uprocess *uprocess_alloc(struct uprocess *parent)
{
	struct uprocess *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	p->parent = parent;
	atomic_store(&p->exec_cpu, -1);
	atomic_store(&p->exec_next, -1);
	strcpy(p->cwd, "/");
	return p;
}

static struct uthread *uthread_alloc(struct task_struct *t, struct uprocess *p, int cpu)
{
	struct uthread *ut = calloc(1, sizeof(*ut));

	if (!ut)
		return NULL;
	ut->task = t;
	ut->proc = p;
	ut->cpu = cpu;
	ut->state = UT_RUNNABLE;
	ut->stop_sc = -1;
	return ut;
}

/* Publish a new thread (and its new process); uproc_lock taken. */
static void uthread_publish(struct uthread *ut, bool new_proc)
{
	struct uprocess *p = ut->proc;

	spin_lock(&uproc_lock);
	if (new_proc) {
		p->tgid = ut->task->tgid;
		p->refs = 2; /* the thread, and the parent (or spawner) until reaped */
		list_add_tail(&p->node, &all_procs);
		if (p->parent)
			list_add_tail(&p->sibling, &p->parent->children);
	} else {
		p->refs++;
	}
	p->nr_threads++;
	ut->task->uthread = ut;
	list_add_tail(&ut->node, &all_threads);
	spin_unlock(&uproc_lock);
	kick_cpu(ut->cpu);
}

/* Drop a reference to p; the last frees it.  uproc_lock held. */
static void uprocess_put(struct uprocess *p)
{
	if (--p->refs)
		return;
	list_del(&p->node);
	free(p);
}

/* Orphans of p: zombies are freed, the living lose their parent.
 * uproc_lock held. */
static void forget_children(struct uprocess *p)
{
	struct uprocess *c, *n;

	list_for_each_entry_safe(c, n, &p->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = NULL;
		uprocess_put(c); /* the parent's reference */
	}
}

/* --------------------------------------------------------------- exit -- */

static void flush_code_everywhere(void) { atomic_fetch_add(&code_gen, 1); }

/* ut has exited (its state is UT_DEAD): tear it down on its CPU, after the
 * engine returned.  Called from the loop with no locks held. */
static void uthread_finish(struct uthread *ut)
{
	struct task_struct *t = ut->task;
	struct uprocess *p = ut->proc;
	struct uthread *vp = ut->vfork_parent;
	const void *parent = NULL; /* a key to wake, never dereferenced */
	bool last;

	if (ut->clear_child_tid && t->mm) {
		u32 zero = 0;

		if (!copy_to_user(ut->clear_child_tid, &zero, sizeof(zero)))
			uproc_wake((const void *)((uintptr_t)t->mm + ut->clear_child_tid * 2 + 1));
	}
	spin_lock(&uproc_lock);
	list_del(&ut->node);
	p->min_flt += t->min_flt;
	p->maj_flt += t->maj_flt;
	last = --p->nr_threads == 0;
	t->uthread = NULL;
	spin_unlock(&uproc_lock);
	ucpu_ctx_free(ut->ctx);
	while (ut->sigdepth)
		ucpu_ctx_free(ut->sigsaved[--ut->sigdepth]);
	task_exit(t);
	flush_code_everywhere();
	if (vp)
		uproc_wake(vp);
	spin_lock(&uproc_lock);
	if (last) {
		p->zombie = true;
		p->exit_status = p->group_exit_status;
		forget_children(p);
		parent = p->parent;
	}
	uprocess_put(p); /* the thread's reference: an orphan's last */
	spin_unlock(&uproc_lock);
	if (parent)
		uproc_wake(parent);
	free(ut);
}

/* Every other thread of current's group gets SIGKILL.  uproc_lock held;
 * returns the CPUs to kick. */
static u64 zap_other_threads(struct uthread *self)
{
	struct uthread *ut;
	u64 cpus = 0;

	list_for_each_entry(ut, &all_threads, node)
		if (ut->proc == self->proc && ut != self && ut->state != UT_DEAD) {
			ut->sig_pending |= SIGBIT(SIGKILL);
			cpus |= wake_for_signal(ut) | BIT(ut->cpu);
		}
	return cpus;
}

static void kick_cpus(u64 cpus)
{
	int i;

	for (i = 0; i < mmk->nr_cpus; i++)
		if (cpus & BIT(i)) {
			kick_cpu(i);
			if (i != this_cpu()->id)
				ucpu_kick(cpu_of(i));
		}
}

/* current exits with wait status; group: the whole thread group. */
static void do_exit_status(int status, bool group)
{
	struct uthread *ut = current_uthread();
	u64 cpus = 0;

	spin_lock(&uproc_lock);
	if (group || ut->proc->nr_threads == 1) {
		if (!ut->proc->group_exit) {
			ut->proc->group_exit = true;
			ut->proc->group_exit_status = status;
		}
		if (group)
			cpus = zap_other_threads(ut);
	}
	ut->state = UT_DEAD;
	spin_unlock(&uproc_lock);
	ut->sc_flags |= UCPU_SC_STOP;
	kick_cpus(cpus);
}

void uproc_exit(int code, bool group) { do_exit_status((code & 0xff) << 8, group); }

/* ------------------------------------------------------------ signals -- */

static bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The registers of a dying thread for its core (NT_PRSTATUS). */
static void capture_core_regs(struct uthread *ut)
{
	struct ucpu_regs r;
	struct user_regs_struct *c = &ut->core_regs;

	ucpu_ctx_get_regs(ut->ctx, &r);
	memset(c, 0, sizeof(*c));
	c->r15 = r.gpr[UR_R15];
	c->r14 = r.gpr[UR_R14];
	c->r13 = r.gpr[UR_R13];
	c->r12 = r.gpr[UR_R12];
	c->bp = r.gpr[UR_RBP];
	c->bx = r.gpr[UR_RBX];
	c->r11 = r.gpr[UR_R11];
	c->r10 = r.gpr[UR_R10];
	c->r9 = r.gpr[UR_R9];
	c->r8 = r.gpr[UR_R8];
	c->ax = r.gpr[UR_RAX];
	c->cx = r.gpr[UR_RCX];
	c->dx = r.gpr[UR_RDX];
	c->si = r.gpr[UR_RSI];
	c->di = r.gpr[UR_RDI];
	c->orig_ax = ~0UL;
	c->ip = r.rip;
	c->cs = r.cs;
	c->flags = r.rflags;
	c->sp = r.gpr[UR_RSP];
	c->ss = r.ss;
	c->fs_base = r.fs_base;
	c->gs_base = r.gs_base;
	c->ds = r.ds;
	c->es = r.es;
	c->fs = r.fs;
	c->gs = r.gs;
	ut->task->user_regs = c;
}

void uproc_fatal_signal(int sig, int si_code, unsigned long addr)
{
	struct uthread *ut = current_uthread();
	kernel_siginfo_t info = { .si_signo = sig, .si_code = si_code, .addr = addr };
	int status = sig;

	if (sig_kernel_coredump(sig) && ut->task->mm) {
		capture_core_regs(ut);
		vfs_coredump(&info);
		if (ut->task->signal->group_exit_code & 0x80)
			status |= 0x80;
		ut->task->user_regs = NULL;
	}
	do_exit_status(status, true);
}

/* ------------------------------------------------------ signal frames -- */

#define K_SA_RESTART 0x10000000UL
#define K_SA_NODEFER 0x40000000UL
#define K_SA_RESETHAND 0x80000000UL
#define K_SA_RESTORER 0x04000000UL
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* struct sigcontext (x86-64) and struct ucontext, Linux's uapi layout */
struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2, fpstate, reserved1[8];
};

struct k_ucontext {
	u64 uc_flags, uc_link;
	u64 ss_sp;
	s32 ss_flags, pad;
	u64 ss_size;
	struct k_sigcontext mc;
	u64 sigmask;
};

struct k_rt_sigframe {
	u64 pretcode;
	struct k_ucontext uc;
	u8 info[128];
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "struct sigcontext");
_Static_assert(sizeof(struct k_ucontext) == 304, "struct ucontext");

struct ksig {
	int sig, code;
	unsigned long addr; /* fault address (si_addr, cr2) */
	int pid;	    /* SI_USER: the sender */
	int trapno;
	unsigned long error_code;
};

static void regs_to_sigcontext(const struct ucpu_regs *r, struct k_sigcontext *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->r8 = r->gpr[UR_R8];
	mc->r9 = r->gpr[UR_R9];
	mc->r10 = r->gpr[UR_R10];
	mc->r11 = r->gpr[UR_R11];
	mc->r12 = r->gpr[UR_R12];
	mc->r13 = r->gpr[UR_R13];
	mc->r14 = r->gpr[UR_R14];
	mc->r15 = r->gpr[UR_R15];
	mc->rdi = r->gpr[UR_RDI];
	mc->rsi = r->gpr[UR_RSI];
	mc->rbp = r->gpr[UR_RBP];
	mc->rbx = r->gpr[UR_RBX];
	mc->rdx = r->gpr[UR_RDX];
	mc->rax = r->gpr[UR_RAX];
	mc->rcx = r->gpr[UR_RCX];
	mc->rsp = r->gpr[UR_RSP];
	mc->rip = r->rip;
	mc->eflags = r->rflags;
	mc->cs = r->cs;
	mc->ss = r->ss;
}

static void sigcontext_to_regs(const struct k_sigcontext *mc, struct ucpu_regs *r)
{
	r->gpr[UR_R8] = mc->r8;
	r->gpr[UR_R9] = mc->r9;
	r->gpr[UR_R10] = mc->r10;
	r->gpr[UR_R11] = mc->r11;
	r->gpr[UR_R12] = mc->r12;
	r->gpr[UR_R13] = mc->r13;
	r->gpr[UR_R14] = mc->r14;
	r->gpr[UR_R15] = mc->r15;
	r->gpr[UR_RDI] = mc->rdi;
	r->gpr[UR_RSI] = mc->rsi;
	r->gpr[UR_RBP] = mc->rbp;
	r->gpr[UR_RBX] = mc->rbx;
	r->gpr[UR_RDX] = mc->rdx;
	r->gpr[UR_RAX] = mc->rax;
	r->gpr[UR_RCX] = mc->rcx;
	r->gpr[UR_RSP] = mc->rsp;
	r->rip = mc->rip;
	/* Linux FIX_EFLAGS: the user may change the arithmetic flags, DF, TF... */
	r->rflags = (r->rflags & ~0x254dd5UL) | (mc->eflags & 0x254dd5UL);
}

/*
 * Linux setup_rt_frame/x64_setup_rt_frame, on ut's saved user state (ut
 * is current, its context not running): the frame below the red zone,
 * 16-byte aligned minus 8 as after a call, the registers and the old mask
 * in uc_mcontext, siginfo, and the return address sa_restorer.  The FPU
 * and SSE state is kept by the kernel (the whole engine context, restored
 * by rt_sigreturn), so uc_mcontext.fpstate is NULL.  0 or -EFAULT.
 */
static int setup_rt_frame(struct uthread *ut, const struct k_sigaction *ka, const struct ksig *ks)
{
	struct k_rt_sigframe f;
	struct ucpu_regs r;
	struct ucpu_ctx *saved;
	unsigned long sp;

	if (ut->sigdepth == UT_SIGDEPTH || !(ka->flags & K_SA_RESTORER))
		return -EFAULT;
	ucpu_ctx_get_regs(ut->ctx, &r);
	if (ut->restart_pending) {
		ut->restart_pending = false;
		if (!(ka->flags & K_SA_RESTART)) { /* the blocked call fails */
			r.rip += 2;
			r.gpr[UR_RAX] = (u64)-EINTR;
		}
	}
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.ss_flags = 2; /* SS_DISABLE: no sigaltstack */
	regs_to_sigcontext(&r, &f.uc.mc);
	f.uc.mc.err = ks->error_code;
	f.uc.mc.trapno = (u64)ks->trapno;
	f.uc.mc.oldmask = ut->sig_blocked;
	f.uc.mc.cr2 = ks->addr;
	f.uc.sigmask = ut->sig_blocked;
	memcpy(f.info, &ks->sig, 4);
	memcpy(f.info + 8, &ks->code, 4);
	if (ks->sig == SIGSEGV || ks->sig == SIGBUS || ks->sig == SIGILL || ks->sig == SIGFPE ||
	    ks->sig == SIGTRAP)
		memcpy(f.info + 16, &ks->addr, 8);
	else
		memcpy(f.info + 16, &ks->pid, 4); /* si_pid, si_uid 0 */
	sp = (r.gpr[UR_RSP] - 128 - sizeof(f)) & ~15UL;
	sp -= 8;
	if (copy_to_user(sp, &f, sizeof(f)))
		return -EFAULT;
	saved = ucpu_ctx_clone(ut->ctx);
	if (!saved)
		return -EFAULT;
	ut->sigsaved[ut->sigdepth++] = saved;
	r.gpr[UR_RDI] = (u64)ks->sig;
	r.gpr[UR_RSI] = sp + offsetof(struct k_rt_sigframe, info);
	r.gpr[UR_RDX] = sp + offsetof(struct k_rt_sigframe, uc);
	r.gpr[UR_RAX] = 0;
	r.gpr[UR_RSP] = sp;
	r.rip = ka->handler;
	r.rflags &= ~(0x400UL | 0x100UL | 0x40000UL); /* DF, TF, AC off */
	ucpu_ctx_set_regs(ut->ctx, &r);
	spin_lock(&uproc_lock);
	ut->sig_blocked |= ka->mask;
	if (!(ka->flags & K_SA_NODEFER))
		ut->sig_blocked |= SIGBIT(ks->sig);
	ut->sig_blocked &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (ka->flags & K_SA_RESETHAND)
		ut->proc->action[ks->sig].handler = K_SIG_DFL;
	spin_unlock(&uproc_lock);
	return 0;
}

long uproc_rt_sigreturn(struct ucpu_regs *regs)
{
	struct uthread *ut = current_uthread();
	struct k_rt_sigframe f;
	struct ucpu_ctx *saved;
	struct ucpu_regs base;
	unsigned long frame = regs->gpr[UR_RSP] - 8;

	if (!ut->sigdepth || copy_from_user(&f, frame, sizeof(f))) {
		uproc_fatal_signal(SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	saved = ut->sigsaved[--ut->sigdepth];
	/* the interrupted state, FPU and SSE included, then the frame's
	 * registers, which the handler may have changed */
	ucpu_live_restore(saved);
	ucpu_ctx_get_regs(saved, &base);
	ucpu_ctx_free(saved);
	*regs = base;
	sigcontext_to_regs(&f.uc.mc, regs);
	spin_lock(&uproc_lock);
	ut->sig_blocked = f.uc.sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	spin_unlock(&uproc_lock);
	ut->sc_flags |= UCPU_SC_WRITEBACK | UCPU_SC_STOP;
	return (long)regs->gpr[UR_RAX];
}

/* A signal's delivery to a user handler failed: Linux force_sigsegv. */
static void signal_setup_failed(struct uthread *ut) { uproc_fatal_signal(SIGSEGV, SI_KERNEL, 0); }

/* Deliver current's pending signals before it returns to user mode.  true
 * if the thread is now dead. */
static bool do_signal(struct uthread *ut)
{
	for (;;) {
		u64 deliverable;
		int sig;
		unsigned long h;

		spin_lock(&uproc_lock);
		deliverable =
			ut->sig_pending & (~ut->sig_blocked | SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
		if (!deliverable) {
			spin_unlock(&uproc_lock);
			return ut->state == UT_DEAD;
		}
		sig = __builtin_ctzll(deliverable) + 1;
		ut->sig_pending &= ~SIGBIT(sig);
		h = ut->proc->action[sig].handler;
		spin_unlock(&uproc_lock);
		if (sig == SIGKILL) {
			if (ut->proc->group_exit) {
				spin_lock(&uproc_lock);
				ut->state = UT_DEAD;
				spin_unlock(&uproc_lock);
			} else {
				do_exit_status(SIGKILL, true);
			}
			return true;
		}
		if (h == K_SIG_IGN || (h == K_SIG_DFL && sig_default_ignored(sig)))
			continue;
		if (h != K_SIG_DFL) {
			struct k_sigaction ka;
			struct ksig ks = { .sig = sig, .code = SI_USER };

			spin_lock(&uproc_lock);
			ka = ut->proc->action[sig];
			spin_unlock(&uproc_lock);
			if (setup_rt_frame(ut, &ka, &ks)) {
				signal_setup_failed(ut);
				return true;
			}
			return false; /* one frame per return to user mode */
		}
		uproc_fatal_signal(sig, SI_USER, 0);
		return true;
	}
}

int uproc_kill(int pid, int sig, bool thread)
{
	struct uthread *ut, *target = NULL;
	u64 cpus = 0;

	if (sig < 0 || sig >= MMK_NSIG)
		return -EINVAL;
	spin_lock(&uproc_lock);
	list_for_each_entry(ut, &all_threads, node) {
		if (ut->state == UT_DEAD)
			continue;
		if (thread ? ut->task->pid == pid : ut->proc->tgid == pid) {
			target = ut;
			break;
		}
	}
	if (target && sig) {
		target->sig_pending |= SIGBIT(sig);
		cpus = wake_for_signal(target) | BIT(target->cpu);
	}
	spin_unlock(&uproc_lock);
	if (!target)
		return -ESRCH;
	kick_cpus(cpus);
	return 0;
}

/* ------------------------------------------------------- fork, clone -- */

static long copy_tid(unsigned long uaddr, int tid)
{
	u32 v = (u32)tid;

	return copy_to_user(uaddr, &v, sizeof(v)) ? -EFAULT : 0;
}

long uproc_clone(struct ucpu_regs *regs, unsigned long flags, unsigned long newsp,
		 unsigned long parent_tid, unsigned long child_tid, unsigned long tls)
{
	struct uthread *self = current_uthread(), *ut;
	struct task_struct *cur = current, *t;
	struct uprocess *p = self->proc;
	bool thread = flags & CLONE_THREAD, vfork = flags & CLONE_VFORK;
	struct ucpu_regs cr = *regs;
	struct mm_struct *mm;
	int cpu = self->cpu;

	if (thread && (!(flags & CLONE_VM) || !(flags & CLONE_SIGHAND)))
		return -EINVAL;
	if ((flags & CLONE_VM) && !thread && !vfork)
		return -EINVAL; /* a process sharing mm without vfork */
	if (thread) {
		t = task_create_thread(cur->group_leader ? cur->group_leader : cur, cur->comm);
		if (mmk->nr_cpus > 1)
			cpu = atomic_fetch_add(&next_thread_cpu, 1) % mmk->nr_cpus;
	} else {
		if (flags & CLONE_VM) {
			mm = cur->mm;
			mmget(mm);
		} else {
			mm = dup_mm(cur->mm);
			if (!mm)
				return -ENOMEM;
		}
		t = task_fork(cur, cur->comm, mm);
		if (!t)
			mmput(mm);
	}
	if (!t)
		return -ENOMEM;
	if (!thread) {
		p = uprocess_alloc(self->proc);
		if (!p) {
			task_exit(t);
			return -ENOMEM;
		}
		memcpy(p->action, self->proc->action, sizeof(p->action));
		memcpy(p->cloexec, self->proc->cloexec, sizeof(p->cloexec));
		memcpy(p->cwd, self->proc->cwd, sizeof(p->cwd));
		memcpy(p->exe, self->proc->exe, sizeof(p->exe));
		t->group_leader = t;
	}
	ut = uthread_alloc(t, p, cpu);
	if (!ut) {
		task_exit(t);
		if (!thread)
			free(p);
		return -ENOMEM;
	}
	cr.gpr[UR_RAX] = 0;
	if (newsp)
		cr.gpr[UR_RSP] = newsp;
	if (flags & CLONE_SETTLS)
		cr.fs_base = tls;
	ut->sig_blocked = self->sig_blocked;
	if (flags & CLONE_CHILD_CLEARTID)
		ut->clear_child_tid = child_tid;
	if (cpu == self->cpu)
		ut->ctx = ucpu_ctx_new(&cr); /* the live state, as the parent has it */
	if (cpu == self->cpu && !ut->ctx) {
		free(ut);
		task_exit(t);
		if (!thread)
			free(p);
		return -ENOMEM;
	}
	if (flags & CLONE_PARENT_SETTID)
		copy_tid(parent_tid, t->pid);
	if ((flags & CLONE_CHILD_SETTID) && (flags & CLONE_VM))
		copy_tid(child_tid, t->pid);
	if (vfork)
		ut->vfork_parent = self;
	if (!ut->ctx)
		ut->first_regs = cr; /* its CPU makes the context (run_one) */
	uthread_publish(ut, !thread);
	if ((flags & CLONE_CHILD_SETTID) && !(flags & CLONE_VM)) {
		/* in the child's own mm: load it for the copy */
		context_switch(t);
		copy_tid(child_tid, t->pid);
		context_switch(cur);
	}
	if (vfork) {
		/* the parent waits until the child execs or exits, then returns
		 * the pid (no restart) */
		spin_lock(&uproc_lock);
		self->state = UT_BLOCKED;
		self->wchan = self;
		spin_unlock(&uproc_lock);
		self->sc_flags |= UCPU_SC_STOP;
	}
	return thread ? t->pid : t->tgid;
}

/* -------------------------------------------------------------- wait4 -- */

long uproc_wait4(int pid, unsigned long ustatus, int options, unsigned long urusage)
{
	struct uthread *self = current_uthread();
	struct uprocess *me = self->proc, *c, *found = NULL;
	bool any = false;
	int status = 0, cpid = 0;
	unsigned long minflt = 0, majflt = 0;

	spin_lock(&uproc_lock);
	list_for_each_entry(c, &me->children, sibling) {
		if (pid > 0 && c->tgid != pid)
			continue;
		any = true;
		if (c->zombie) {
			found = c;
			break;
		}
	}
	if (found) {
		status = found->exit_status;
		cpid = found->tgid;
		minflt = found->min_flt + found->cmin_flt;
		majflt = found->maj_flt + found->cmaj_flt;
		me->cmin_flt += minflt;
		me->cmaj_flt += majflt;
		list_del_init(&found->sibling);
		found->parent = NULL;
		uprocess_put(found);
	}
	spin_unlock(&uproc_lock);
	if (!found) {
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		spin_lock(&uproc_lock);
		/* a child may have died since: check again under the lock */
		list_for_each_entry(c, &me->children, sibling)
			if ((pid <= 0 || c->tgid == pid) && c->zombie) {
				spin_unlock(&uproc_lock);
				return uproc_wait4(pid, ustatus, options, urusage);
			}
		self->state = UT_BLOCKED;
		self->wchan = me;
		spin_unlock(&uproc_lock);
		self->sc_flags |= UCPU_SC_STOP;
		return -ERESTARTNOINTR;
	}
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (urusage) {
		long ru[18] = { 0 }; /* struct rusage: 2 timevals, 14 longs */

		ru[4 + 2] = (long)minflt; /* ru_minflt */
		ru[4 + 3] = (long)majflt; /* ru_majflt */
		if (copy_to_user(urusage, ru, sizeof(ru)))
			return -EFAULT;
	}
	return cpid;
}

/* -------------------------------------------------------------- futex -- */

static const void *futex_key(unsigned long uaddr)
{
	return (const void *)((uintptr_t)current->mm + uaddr * 2 + 1);
}

long uproc_futex(unsigned long uaddr, int op, u32 val, unsigned long utimeout, u32 val3)
{
	struct uthread *self = current_uthread();
	struct uthread *ut;
	const void *key = futex_key(uaddr);
	int cmd = op & FUTEX_CMD_MASK, n = 0;
	u64 cpus = 0;
	u32 cur;
	size_t left;

	if (uaddr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (copy_from_user(&cur, uaddr, sizeof(cur)))
			return -EFAULT;
		spin_lock(&uproc_lock);
		pagefault_disable();
		left = copy_from_user(&cur, uaddr, sizeof(cur));
		pagefault_enable();
		if (left || cur != val) {
			spin_unlock(&uproc_lock);
			return left ? -EFAULT : -EAGAIN;
		}
		if (utimeout) {
			/* no timer wakes a sleeper here: the time passes at once */
			spin_unlock(&uproc_lock);
			return -ETIMEDOUT;
		}
		self->state = UT_BLOCKED;
		self->wchan = key;
		spin_unlock(&uproc_lock);
		/* woken: the call returns 0 (not restarted) */
		self->sc_flags |= UCPU_SC_STOP;
		return 0;
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		spin_lock(&uproc_lock);
		list_for_each_entry(ut, &all_threads, node)
			if (n < (int)val && ut->state == UT_BLOCKED && ut->wchan == key) {
				ut->state = UT_RUNNABLE;
				ut->wchan = NULL;
				cpus |= BIT(ut->cpu);
				n++;
			}
		spin_unlock(&uproc_lock);
		kick_cpus(cpus & ~BIT(this_cpu()->id));
		return n;
	default:
		return -ENOSYS;
	}
}

/* ----------------------------------------------------------- the loop -- */

/* The next runnable thread of this CPU after the last one run (round
 * robin; the last one is only compared, never dereferenced: it may have
 * exited), marked running.  uproc_lock held. */
static struct uthread *pick_next(int cpu, struct uthread *only)
{
	static struct uthread *last[MMK_MAX_CPUS];
	struct uthread *ut, *first = NULL, *next = NULL;
	bool passed = false;

	list_for_each_entry(ut, &all_threads, node) {
		if (ut == last[cpu]) {
			passed = true;
			continue;
		}
		if (ut->cpu != cpu || ut->state != UT_RUNNABLE || (only && ut != only))
			continue;
		if (!first)
			first = ut;
		if (passed && !next)
			next = ut;
	}
	ut = next ? next : first;
	if (!ut && last[cpu] && passed) {
		/* only the last one itself is there: it may run again */
		list_for_each_entry(ut, &all_threads, node)
			if (ut == last[cpu])
				break;
		if (&ut->node == &all_threads || ut->cpu != cpu || ut->state != UT_RUNNABLE ||
		    (only && ut != only))
			ut = NULL;
	}
	if (ut) {
		ut->state = UT_RUNNING;
		last[cpu] = ut;
	}
	return ut;
}

struct loop_args {
	bool (*stop)(void *arg);
	void *arg;
	struct uthread *only;
	u64 steps;
	int err;
};

/* Anything left that could run: a thread that is runnable or running. */
static bool anything_runs(void)
{
	struct uthread *ut;

	list_for_each_entry(ut, &all_threads, node)
		if (ut->state == UT_RUNNABLE || ut->state == UT_RUNNING || ut->state == UT_DEAD)
			return true; /* a dying thread still wakes its joiner */
	return false;
}

static void idle_wait(struct cpu *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 2000000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->ipi_lock);
	if (!atomic_load(&resched[c->id]) && !atomic_load(&c->ipi_pending) &&
	    !atomic_load(&run_stop))
		pthread_cond_timedwait(&c->ipi_cond, &c->ipi_lock, &ts);
	atomic_store(&resched[c->id], 0);
	pthread_mutex_unlock(&c->ipi_lock);
}

/* A fault's signal (Linux force_sig_fault): to the handler if there is one
 * and the signal is not blocked, else the default action (fatal). */
static void force_sig_fault(struct uthread *ut, const struct ucpu_signal *s)
{
	struct k_sigaction ka;
	struct ksig ks = { .sig = s->sig,
			   .code = s->si_code,
			   .addr = s->addr,
			   .trapno = s->trapno,
			   .error_code = s->error_code };
	bool blocked;

	spin_lock(&uproc_lock);
	ka = ut->proc->action[s->sig];
	blocked = ut->sig_blocked & SIGBIT(s->sig);
	spin_unlock(&uproc_lock);
	if (ka.handler > K_SIG_IGN && !blocked) {
		if (setup_rt_frame(ut, &ka, &ks))
			signal_setup_failed(ut);
		return;
	}
	uproc_fatal_signal(s->sig, s->si_code, s->addr);
}

/*
 * One CPU at a time runs the guest code of a thread group.  Unicorn
 * translates guest atomics (lock-prefixed instructions) without host
 * atomicity (it never sets QEMU's CF_PARALLEL), so two engines running
 * threads of one mm at once could tear a futex word or a counter.  The
 * threads still live on their own CPUs (own engine, own TLB, real
 * shootdowns); their guest code takes turns: a CPU that finds the group
 * running elsewhere asks for the next turn, which the owner gives up when
 * its thread next enters the kernel (a system call or a fault).
 */
static bool group_exec_acquire(struct uprocess *p, int cpu)
{
	int none = -1, next = atomic_load(&p->exec_next);

	if (next != -1 && next != cpu) {
		/* another CPU's turn comes first, unless it stopped asking */
		if (atomic_fetch_add(&p->exec_skips, 1) < 16)
			return false;
		atomic_compare_exchange_strong(&p->exec_next, &next, -1);
	}
	atomic_store(&p->exec_skips, 0);
	if (atomic_compare_exchange_strong(&p->exec_cpu, &none, cpu)) {
		if (next == cpu)
			atomic_store(&p->exec_next, -1);
		return true;
	}
	if (none == cpu)
		return true;
	/* no kick: the owner gives the turn up at its next system call or
	 * fault (an asynchronous stop can run a lock-prefixed instruction
	 * twice in Unicorn 2.1.4, docs/ARCHITECTURE.md) */
	atomic_compare_exchange_strong(&p->exec_next, &next, cpu);
	return false;
}

static void group_exec_release(struct uprocess *p, int cpu)
{
	int me = cpu;
	int next = atomic_load(&p->exec_next);

	atomic_compare_exchange_strong(&p->exec_cpu, &me, -1);
	if (next != -1 && next != cpu)
		kick_cpu(next);
}

/* Run ut once on this CPU; true if it was kicked out between two
 * instructions (it goes on next, after the IPIs). */
static bool run_one(struct uthread *ut, u64 steps)
{
	struct ucpu_signal sig;
	enum ucpu_exit why;
	unsigned long gen = atomic_load(&code_gen);
	int cpu = this_cpu()->id;

	context_switch(ut->task);
	if (!ut->ctx) {
		ut->ctx = ucpu_ctx_new(&ut->first_regs);
		if (!ut->ctx) {
			do_exit_status(SIGKILL, true);
			return false;
		}
	}
	if (do_signal(ut))
		return false;
	ut->restart_pending = false; /* the blocked call runs again */
	if (cpu_code_gen[cpu] != gen) {
		ucpu_flush_code();
		cpu_code_gen[cpu] = gen;
	}
	if (mmk->nr_cpus > 1 && !group_exec_acquire(ut->proc, cpu)) {
		idle_wait(this_cpu());
		return false; /* runnable still: the next turn */
	}
	why = ucpu_run(ut->ctx, steps, &sig);
	if (mmk->nr_cpus > 1)
		group_exec_release(ut->proc, cpu);
	if (why == UCPU_SIGNAL && ut->state != UT_DEAD) {
		if (sig.sig == SIGKILL)
			do_exit_status(SIGKILL, true);
		else
			force_sig_fault(ut, &sig);
	}
	if (why == UCPU_STEPS && steps) {
		spin_lock(&uproc_lock);
		if (ut->state == UT_RUNNING)
			ut->state = UT_STOPPED;
		spin_unlock(&uproc_lock);
	}
	return why == UCPU_KICKED;
}

static void cpu_loop(void *info)
{
	struct loop_args *a = info;
	struct cpu *c = this_cpu();
	struct task_struct *prev = cpu_curr(c);
	struct uthread *ut, *again = NULL;
	bool kicked, dead;
	int err = ucpu_cpu_init();

	/* a program's task may be gone when the loop ends: only a scenario
	 * task (which no loop frees) is made current again */
	if (prev && prev->uthread)
		prev = NULL;

	if (err) {
		a->err = err;
		atomic_store(&run_stop, 1);
		return;
	}
	for (;;) {
		cpu_handle_ipis();
		spin_lock(&uproc_lock);
		if (atomic_load(&run_stop) || list_empty(&all_threads) ||
		    (c->id == 0 && a->stop && a->stop(a->arg))) {
			spin_unlock(&uproc_lock);
			break;
		}
		if (again && again->state == UT_RUNNABLE && (!a->only || again == a->only) &&
		    !(mmk->nr_cpus > 1 && atomic_load(&again->proc->exec_next) >= 0 &&
		      atomic_load(&again->proc->exec_next) != c->id)) {
			/* kicked between two instructions: go on with it (a thread
			 * switch inside the engine happens at system calls only) */
			ut = again;
			ut->state = UT_RUNNING;
		} else {
			ut = pick_next(c->id, a->only);
		}
		again = NULL;
		if (!ut && c->id == 0 && !anything_runs()) {
			spin_unlock(&uproc_lock);
			break; /* every thread waits for good */
		}
		spin_unlock(&uproc_lock);
		if (!ut) {
			idle_wait(c);
			continue;
		}
		kicked = run_one(ut, a->steps);
		spin_lock(&uproc_lock);
		if (ut->state == UT_RUNNING)
			ut->state = UT_RUNNABLE;
		dead = ut->state == UT_DEAD;
		spin_unlock(&uproc_lock);
		if (dead)
			uthread_finish(ut);
		else if (kicked)
			again = ut;
	}
	if (c->id == 0) {
		atomic_store(&run_stop, 1);
		kick_cpus(~0ULL >> (64 - mmk->nr_cpus) & ~1ULL);
	}
	if (prev && cpu_curr(c) != prev)
		context_switch(prev);
}

int uproc_run(bool (*stop)(void *arg), void *arg, struct uthread *only, u64 steps)
{
	struct loop_args a = { .stop = stop, .arg = arg, .only = only, .steps = steps };
	struct uthread *ut;
	bool any_other = false;
	int i;

	atomic_store(&run_stop, 0);
	spin_lock(&uproc_lock);
	list_for_each_entry(ut, &all_threads, node) {
		if (ut->state == UT_STOPPED)
			ut->state = UT_RUNNABLE;
		if (ut->cpu != 0)
			any_other = true;
	}
	spin_unlock(&uproc_lock);
	if (any_other || mmk->nr_cpus > 1)
		for (i = 1; i < mmk->nr_cpus; i++)
			cpu_call_async(i, cpu_loop, &a);
	cpu_loop(&a);
	for (i = 1; i < mmk->nr_cpus; i++)
		cpu_call_wait(i);
	return a.err;
}

/* ------------------------------------------------------------- results -- */

bool uproc_alive(struct uthread *ut)
{
	struct uthread *x;
	bool alive = false;

	spin_lock(&uproc_lock);
	list_for_each_entry(x, &all_threads, node)
		if (x == ut && x->state != UT_DEAD)
			alive = true;
	spin_unlock(&uproc_lock);
	return alive;
}

static bool result_locked(int tgid, struct uproc_result *res, bool reap)
{
	struct uprocess *p;
	bool done = false;

	list_for_each_entry(p, &all_procs, node) {
		if (p->parent || !p->zombie || p->tgid != tgid)
			continue;
		done = true;
		res->exited = (p->exit_status & 0x7f) == 0;
		res->sig = p->exit_status & 0x7f;
		res->core_dumped = p->exit_status & 0x80;
		res->code = (p->exit_status >> 8) & 0xff;
		if (reap)
			uprocess_put(p);
		break;
	}
	return done;
}

bool uproc_result_locked(int tgid, struct uproc_result *res)
{
	return result_locked(tgid, res, false);
}

bool uproc_result(int tgid, struct uproc_result *res, bool reap)
{
	bool done;

	spin_lock(&uproc_lock);
	done = result_locked(tgid, res, reap);
	spin_unlock(&uproc_lock);
	return done;
}

/* --------------------------------------------------------------- exec -- */

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* Linux's limit for one string */
#define MAX_ARG_TOTAL (128 * 1024)	/* mmkit's limit for all of them (E2BIG) */

/* A kernel copy of the NUL-terminated user string at uaddr (malloc'ed), or
 * NULL with *err = -EFAULT / -E2BIG / -ENOMEM. */
static char *strndup_user(unsigned long uaddr, size_t max, int *err)
{
	size_t len = 0, cap = 64;
	char *s = malloc(cap);

	*err = -ENOMEM;
	if (!s)
		return NULL;
	for (;;) {
		char ch;

		if (copy_from_user(&ch, uaddr + len, 1)) {
			*err = -EFAULT;
			break;
		}
		if (len + 1 >= cap) {
			char *n = realloc(s, cap * 2);

			if (!n)
				break;
			s = n;
			cap *= 2;
		}
		s[len++] = ch;
		if (!ch)
			return s;
		if (len >= max) {
			*err = -E2BIG;
			break;
		}
	}
	free(s);
	return NULL;
}

static void free_strv(char **v)
{
	int i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* The user's NULL-terminated array of strings as a kernel array. */
static char **copy_strings(unsigned long uv, size_t *total, int *err)
{
	size_t n = 0, cap = 16;
	char **v = calloc(cap, sizeof(*v));

	*err = -ENOMEM;
	if (!v)
		return NULL;
	while (uv) {
		u64 p;

		if (copy_from_user(&p, uv + n * 8, 8)) {
			*err = -EFAULT;
			goto fail;
		}
		if (!p)
			break;
		if (n + 2 >= cap) {
			char **nv = realloc(v, cap * 2 * sizeof(*v));

			if (!nv)
				goto fail;
			v = nv;
			cap *= 2;
		}
		v[n] = strndup_user(p, MAX_ARG_STRLEN, err);
		v[n + 1] = NULL;
		if (!v[n])
			goto fail;
		*total += strlen(v[n]) + 1 + 8;
		if (*total > MAX_ARG_TOTAL) {
			*err = -E2BIG;
			goto fail;
		}
		n++;
	}
	v[n] = NULL;
	*err = 0;
	return v;
fail:
	free_strv(v);
	return NULL;
}

/* path made absolute against cwd (/proc/self/exe: the program), in buf. */
static int resolve_path(const struct uprocess *p, const char *path, char *buf, size_t len)
{
	int n;

	if (!strcmp(path, "/proc/self/exe"))
		n = snprintf(buf, len, "%s", p->exe);
	else if (path[0] == '/')
		n = snprintf(buf, len, "%s", path);
	else
		n = snprintf(buf, len, "%s%s%s", p->cwd, strcmp(p->cwd, "/") ? "/" : "", path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int uproc_resolve_path(const char *path, char *buf, size_t len)
{
	return resolve_path(current_uthread()->proc, path, buf, len);
}

/* Close the descriptors marked close-on-exec. */
static void do_close_on_exec(struct uprocess *p, struct files_struct *files)
{
	int fd;

	for (fd = 0; fd < 1024; fd++)
		if (p->cloexec[fd / 64] & (1ULL << (fd % 64))) {
			struct file *f = fd_remove(files, fd);

			if (f)
				fput(f);
			p->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		}
}

static void set_comm(struct task_struct *t, const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	size_t n = strlen(b);

	if (n > sizeof(t->comm) - 1)
		n = sizeof(t->comm) - 1;
	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, b, n);
}

/* A new mm with the program loaded; t keeps its old one on failure. */
static int exec_binprm(struct task_struct *t, const char *path, char *const argv[],
		       char *const envp[], struct linux_binprm_info *info)
{
	struct mm_struct *mm = mm_alloc(), *old;
	int err;

	if (!mm)
		return -ENOMEM;
	arch_pick_mmap_layout(mm, task_rlimit(t, RLIMIT_STACK));
	old = exec_mmap(t, mm);
	err = load_elf_binary(t, path, argv, envp, info);
	if (err) {
		exec_mmap(t, old);
		mmput(mm);
		return err;
	}
	if (old)
		mmput(old);
	return 0;
}

static void entry_regs(struct ucpu_regs *r, const struct linux_binprm_info *info)
{
	memset(r, 0, sizeof(*r));
	r->rip = info->entry;
	r->gpr[UR_RSP] = info->sp;
	r->rflags = 0x202;
}

long uproc_execve(struct ucpu_regs *regs, const char *upath, unsigned long uargv,
		  unsigned long uenvp)
{
	struct uthread *ut = current_uthread();
	struct uprocess *p = ut->proc;
	struct linux_binprm_info info;
	char path[256], **argv = NULL, **envp = NULL;
	size_t total = 0;
	u64 cpus;
	int err, sig;

	err = resolve_path(p, upath, path, sizeof(path));
	if (!err)
		argv = copy_strings(uargv, &total, &err);
	if (!err)
		envp = copy_strings(uenvp, &total, &err);
	if (!err)
		err = exec_binprm(ut->task, path, argv, envp, &info);
	free_strv(argv);
	free_strv(envp);
	if (err)
		return err;
	/* the point of no return: other threads die, the image is new */
	spin_lock(&uproc_lock);
	cpus = zap_other_threads(ut);
	for (sig = 1; sig < MMK_NSIG; sig++)
		if (p->action[sig].handler > K_SIG_IGN)
			p->action[sig].handler = K_SIG_DFL;
	spin_unlock(&uproc_lock);
	kick_cpus(cpus);
	do_close_on_exec(p, ut->task->files);
	snprintf(p->exe, sizeof(p->exe), "%s", path);
	set_comm(ut->task, path);
	ut->clear_child_tid = 0;
	while (ut->sigdepth)
		ucpu_ctx_free(ut->sigsaved[--ut->sigdepth]);
	entry_regs(regs, &info);
	ut->sc_flags |= UCPU_SC_WRITEBACK | UCPU_SC_STOP;
	flush_code_everywhere();
	if (ut->vfork_parent) {
		uproc_wake(ut->vfork_parent);
		ut->vfork_parent = NULL;
	}
	return 0;
}

/* fds 0, 1, 2: the host's standard streams. */
static int install_std_streams(struct files_struct *files)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		struct file *f = host_stream_open(fd);
		int got;

		if (!f)
			return -ENOMEM;
		got = fd_install_new(files, f, 1024);
		if (got != fd) {
			fput(f);
			return got < 0 ? got : -EBADF;
		}
	}
	return 0;
}

struct spawn_req {
	const char *path;
	char *const *argv, *const *envp;
	const char *cwd;
	struct uthread *ut;
	int err;
};

static void spawn_on_cpu(void *info)
{
	struct spawn_req *r = info;
	struct task_struct *prev = cpu_curr(this_cpu()), *t;
	struct mm_struct *mm;
	struct linux_binprm_info bi;
	struct uprocess *p;
	struct ucpu_regs regs;

	r->err = ucpu_cpu_init();
	if (r->err)
		return;
	r->err = -ENOMEM;
	mm = mm_alloc();
	if (!mm)
		return;
	t = task_create("exec", mm);
	if (!t) {
		mmput(mm);
		return;
	}
	t->group_leader = t;
	arch_pick_mmap_layout(mm, task_rlimit(t, RLIMIT_STACK));
	context_switch(t);
	p = uprocess_alloc(NULL);
	r->err = p ? install_std_streams(t->files) : -ENOMEM;
	if (!r->err && r->cwd)
		snprintf(p->cwd, sizeof(p->cwd), "%s", r->cwd);
	if (!r->err)
		r->err = resolve_path(p, r->path, p->exe, sizeof(p->exe));
	if (!r->err)
		r->err = load_elf_binary(t, p->exe, r->argv, r->envp, &bi);
	if (!r->err) {
		r->ut = uthread_alloc(t, p, this_cpu()->id);
		entry_regs(&regs, &bi);
		if (r->ut)
			r->ut->ctx = ucpu_ctx_new(&regs);
		if (!r->ut || !r->ut->ctx) {
			free(r->ut);
			r->ut = NULL;
			r->err = -ENOMEM;
		}
	}
	if (r->err) {
		free(p);
		if (prev)
			context_switch(prev);
		task_exit(t);
		return;
	}
	set_comm(t, p->exe);
	set_syscall_vector(do_syscall_64);
	flush_code_everywhere();
	uthread_publish(r->ut, true);
	if (prev)
		context_switch(prev);
}

int uproc_spawn(int cpu, const char *path, char *const argv[], char *const envp[], const char *cwd,
		struct uthread **out)
{
	struct spawn_req r = { .path = path, .argv = argv, .envp = envp, .cwd = cwd };

	if (!ucpu_supported())
		return -ENOSYS;
	if (cpu < 0 || cpu >= mmk->nr_cpus)
		return -EINVAL;
	cpu_call(cpu, spawn_on_cpu, &r);
	*out = r.ut;
	return r.err;
}

/* Linux signal_wake_up for a SIGKILL the kernel sent to a whole group (the
 * OOM killer's send_sigkill sets SIGNAL_GROUP_EXIT, fatal_signal_pending):
 * each thread of such a group gets SIGKILL pending, and one blocked in a
 * system call is made runnable, so it dies where it next runs instead of
 * sleeping on.  Takes uproc_lock (called with at most oom_lock held). */
void uproc_wake_fatal(void)
{
	struct uthread *ut;
	u64 cpus = 0;

	spin_lock(&uproc_lock);
	list_for_each_entry(ut, &all_threads, node)
		if (ut->state != UT_DEAD && !(ut->sig_pending & SIGBIT(SIGKILL)) &&
		    fatal_signal_pending(ut->task)) {
			ut->sig_pending |= SIGBIT(SIGKILL);
			cpus |= wake_for_signal(ut) | BIT(ut->cpu);
		}
	spin_unlock(&uproc_lock);
	kick_cpus(cpus);
}

/* Kill every thread left and run the loops until they are gone. */
void uproc_kill_all(void)
{
	struct uthread *ut;
	struct uprocess *p, *n;
	u64 cpus = 0;

	spin_lock(&uproc_lock);
	list_for_each_entry(ut, &all_threads, node) {
		ut->sig_pending |= SIGBIT(SIGKILL);
		cpus |= wake_for_signal(ut);
		if (ut->state == UT_STOPPED)
			ut->state = UT_RUNNABLE;
	}
	spin_unlock(&uproc_lock);
	kick_cpus(cpus);
	if (!list_empty(&all_threads))
		uproc_run(NULL, NULL, NULL, 0);
	spin_lock(&uproc_lock);
	list_for_each_entry_safe(p, n, &all_procs, node) {
		list_del(&p->node);
		free(p);
	}
	spin_unlock(&uproc_lock);
}

/* Shutdown: programs still loaded (a scenario that did not run them to
 * the end) are killed before the tasks and the engines go. */
static int uproc_boot(void) { return 0; }
static void uproc_shutdown(void)
{
	if (!list_empty(&all_threads) || !list_empty(&all_procs))
		uproc_kill_all();
}
mmk_initcall(INIT_LATE + 1, uproc_boot, uproc_shutdown);
