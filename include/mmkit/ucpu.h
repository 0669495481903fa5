/*
 * ucpu.h - the Unicorn CPU: a simulated CPU that executes real x86-64 user
 * code (arch/x86/unicorn_cpu.c, issue 21).
 *
 * Each simulated CPU that runs user programs drives its own Unicorn 2.1
 * engine.  The engine's physical memory is the machine's RAM (mapped at
 * physical 0), its CR3 is the CPU's CR3, so every instruction's access is
 * translated through the page tables mmkit builds, and its TLB is flushed
 * whenever mmkit flushes the CPU's TLB (invlpg, CR3 loads, shootdowns).
 * A #PF goes to the machine's fault vector (the same exc_fault/do_page_fault
 * as the software MMU); `syscall` goes to the syscall vector the kernel
 * installs (set_syscall_vector).  User state of a task lives in a ucpu_ctx
 * of the engine of the CPU it runs on (a task does not migrate).
 *
 * Without Unicorn (MMKIT_HAVE_UNICORN undefined) ucpu_supported() is false
 * and everything else returns -ENOSYS / NULL.
 */
#ifndef MMKIT_UCPU_H
#define MMKIT_UCPU_H

#include "mmkit/machine.h"
#include "mmkit/mmu.h"

/* General registers in the x86 encoding order, as Linux's pt_regs names them. */
enum {
	UR_RAX,
	UR_RCX,
	UR_RDX,
	UR_RBX,
	UR_RSP,
	UR_RBP,
	UR_RSI,
	UR_RDI,
	UR_R8,
	UR_R9,
	UR_R10,
	UR_R11,
	UR_R12,
	UR_R13,
	UR_R14,
	UR_R15,
	UR_NGPR
};

struct ucpu_regs {
	u64 gpr[UR_NGPR];
	u64 rip, rflags, fs_base, gs_base;
	u16 cs, ss, ds, es, fs, gs;
};

/* Why ucpu_run returned. */
enum ucpu_exit {
	UCPU_STOPPED, /* the syscall vector asked to stop */
	/* a kick (an IPI, another CPU's turn) stopped it between two instructions: the same thread
	 * should go on */
	UCPU_KICKED,
	UCPU_SIGNAL, /* a fault or trap that ends in a signal: *sig, *fault */
	UCPU_STEPS,  /* the instruction budget ran out */
};

struct ucpu_ctx;

/* The syscall vector: called on the CPU running the task, inside the
 * engine, with the registers after the instruction (rip past `syscall`).
 * It may change *regs; it returns a mask of UCPU_SC_*. */
#define UCPU_SC_WRITEBACK 1 /* write *regs back (else only rax) */
#define UCPU_SC_STOP 2	    /* return from ucpu_run after this call */
typedef int (*syscall_vector_t)(struct ucpu_regs *regs);
syscall_vector_t set_syscall_vector(syscall_vector_t fn);

/* Was mmkit built with Unicorn? */
bool ucpu_supported(void);
/* Give this CPU an engine (its thread, paging mode 4 only).  0, -ENOSYS
 * (no Unicorn), -EINVAL (not 4-level paging) or -ENOMEM.  Idempotent. */
int ucpu_cpu_init(void);
/* Is there an engine on this CPU? */
bool ucpu_cpu_has_engine(void);

/* A fresh user-mode context of this CPU's engine with regs (CPL 3, the
 * user segments, RFLAGS.IF); NULL on -ENOMEM. */
struct ucpu_ctx *ucpu_ctx_new(const struct ucpu_regs *regs);
/* A copy of src (fork), for the same engine; NULL on -ENOMEM. */
struct ucpu_ctx *ucpu_ctx_clone(const struct ucpu_ctx *src);
void ucpu_ctx_free(struct ucpu_ctx *ctx);
void ucpu_ctx_get_regs(struct ucpu_ctx *ctx, struct ucpu_regs *regs);
/* Inside the syscall vector: the running thread's whole CPU state (FPU,
 * SSE, flags) becomes ctx's (rt_sigreturn); the vector's written-back
 * registers then apply on top. */
void ucpu_live_restore(const struct ucpu_ctx *ctx);
void ucpu_ctx_set_regs(struct ucpu_ctx *ctx, const struct ucpu_regs *regs);

struct ucpu_signal {
	int sig, si_code;
	unsigned long addr;
	int trapno; /* 14 for a #PF, 6 #UD, ... */
	unsigned long error_code;
};

/* Run ctx in user mode on this CPU (CR3 = this CPU's CR3) until the syscall
 * vector stops it, a pending IPI kicks it, a fault or trap ends in a signal
 * (filled into *sig), or, with steps > 0, after that many instructions.
 * The state is saved back into ctx.  Must be called on this CPU's thread. */
enum ucpu_exit ucpu_run(struct ucpu_ctx *ctx, u64 steps, struct ucpu_signal *sig);
/* Drop every translated block of this CPU's engine (exec into frames that
 * may hold other code: Unicorn does not see the host's writes to RAM). */
void ucpu_flush_code(void);
/* Drop the translations of [start, end) (uc_ctl_remove_cache). */
void ucpu_remove_code(unsigned long start, unsigned long end);
/* Make this CPU's engine return from ucpu_run soon (called from any thread:
 * the CPU's interrupt line, raised with an IPI). */
void ucpu_kick(struct cpu *c);

/* Facts the tests re-check (tests/exec): the calibrated offsets of the #PF
 * error code and of old_exception in the saved CPU state, and the size of
 * that state.  -1 before the first engine. */
struct ucpu_facts {
	long error_code_off, old_exception_off, context_size;
};
void ucpu_get_facts(struct ucpu_facts *f);

#endif
