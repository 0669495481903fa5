/*
 * unicorn_cpu.c - the Unicorn CPU: real x86-64 user code on a simulated CPU
 * (issue 21; include/mmkit/ucpu.h has the interface).
 *
 * Each CPU that runs a user program gets its own Unicorn 2.1 engine (QEMU's
 * TCG as a library), created on the CPU's thread:
 *   - the machine's RAM is the engine's physical memory at 0
 *     (uc_mem_map_ptr), so the engine walks the very page tables mmkit
 *     builds, sets Accessed/Dirty in them and reads the frames they name;
 *   - a private boot region above RAM holds a GDT with Linux's selectors
 *     (__USER_CS 0x33, __USER_DS 0x2b), a 2 MiB identity mapping and a
 *     kernel stub.  Long mode is entered as the hardware wants it (CR4
 *     PAE|OSFXSR|OSXMMEXCPT, EFER LME|LMA|NXE|SCE, CR3, CR0 PG|WP|PE), and
 *     the stub's iretq drops to CPL 3: writing CS/SS with RPL 3 does not
 *     lower the CPL in Unicorn.  From then on the engine stays at CPL 3;
 *     the kernel (mmkit's C code) runs in the hooks;
 *   - #PF arrives in a UC_HOOK_INTR hook with intno 14, CR2 in the register
 *     and RIP at the faulting instruction.  No API gives the error code: it
 *     is read from the saved CPU state at an offset calibrated at the first
 *     engine's start (three faults of known kinds), and old_exception, at
 *     another calibrated offset, is reset to -1 after each fault, or the
 *     second nested #PF arrives as a double fault (QEMU's check_exception;
 *     Unicorn never runs the delivery that resets it).  The fault goes to
 *     the machine's fault vector (mmu_raise_fault: exc_fault, then
 *     do_user_addr_fault) exactly as a software-MMU access's; 0 means fixed
 *     and returning from the hook retries the instruction; otherwise the run
 *     stops with the signal the fault entry chose;
 *   - `syscall` is caught with UC_HOOK_INSN; the kernel's syscall vector
 *     sees RIP past the instruction (Unicorn adds the length after the hook,
 *     so a written-back RIP is stored 2 bytes short);
 *   - every local TLB flush of the CPU (machine/tlb.c: invlpg, CR3 loads,
 *     shootdown IPIs) flushes the engine's TLB, or loads its CR3 when the
 *     CPU's changed; the engine's TLB is as incoherent with PTE stores as
 *     the hardware's until then;
 *   - an IPI raised for the CPU (machine.c raise_irq_line) kicks the engine
 *     (uc_emu_stop) out of guest code; a kick that lands between the run
 *     loop's last check and uc_emu_start's reset of the stop request would
 *     be lost, so a watchdog thread re-kicks CPUs whose IPIs stay pending
 *     for a millisecond;
 *   - other traps: #UD and an invalid instruction SIGILL, #DE SIGFPE, int3
 *     SIGTRAP, #GP/anything else SIGSEGV (SI_KERNEL).
 * Unicorn does not see the host's writes into RAM as code modification:
 * translated blocks of a frame stay until uc_ctl_remove_cache or a TB
 * flush; the kernel flushes on exec and process exit (ucpu_flush_code).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mmkit/paging.h"
#include "mmkit/ucpu.h"

static _Atomic(syscall_vector_t) syscall_vector;

syscall_vector_t set_syscall_vector(syscall_vector_t fn)
{
	return atomic_exchange(&syscall_vector, fn);
}

#ifndef MMKIT_HAVE_UNICORN

bool ucpu_supported(void) { return false; }
int ucpu_cpu_init(void) { return -ENOSYS; }
bool ucpu_cpu_has_engine(void) { return false; }
struct ucpu_ctx *ucpu_ctx_new(const struct ucpu_regs *regs) { return NULL; }
struct ucpu_ctx *ucpu_ctx_clone(const struct ucpu_ctx *src) { return NULL; }
void ucpu_ctx_free(struct ucpu_ctx *ctx) {}
void ucpu_ctx_get_regs(struct ucpu_ctx *ctx, struct ucpu_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
}
void ucpu_ctx_set_regs(struct ucpu_ctx *ctx, const struct ucpu_regs *regs) {}
void ucpu_live_restore(const struct ucpu_ctx *ctx) {}
enum ucpu_exit ucpu_run(struct ucpu_ctx *ctx, u64 steps, struct ucpu_signal *sig)
{
	memset(sig, 0, sizeof(*sig));
	sig->sig = SIGKILL;
	return UCPU_SIGNAL;
}
void ucpu_flush_code(void) {}
void ucpu_remove_code(unsigned long start, unsigned long end) {}
void ucpu_kick(struct cpu *c) {}
void ucpu_get_facts(struct ucpu_facts *f)
{
	f->error_code_off = f->old_exception_off = f->context_size = -1;
}

#else

#include <unicorn/unicorn.h>

#define BOOT_SIZE 0x10000UL /* the private boot region */
#define BOOT_PML4 0x0000
#define BOOT_PDPT 0x1000
#define BOOT_PD 0x2000
#define BOOT_GDT 0x3000
#define BOOT_CODE 0x4000  /* kernel stub: iretq */
#define BOOT_USER 0x5000  /* user code of the calibration */
#define BOOT_DATA 0x6000  /* a mapped user data page */
#define BOOT_STACK 0x8000 /* top of the stub's stack */

#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER_DS 0x2b /* Linux's __USER_DS */
#define USER_CS 0x33 /* Linux's __USER_CS */
#define MSR_EFER 0xc0000080
#define EFER_SCE 0x001
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define EFER_NXE 0x800
#define CR0_PE 0x1
#define CR0_MP 0x2
#define CR0_ET 0x10
#define CR0_NE 0x20
#define CR0_WP 0x10000
#define CR0_PG 0x80000000UL
#define CR4_PAE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400

#define WATCHDOG_NS 1000000L /* re-kick a CPU whose IPI waits this long */
/* QEMU sizes its software TLB (256 entries at first, doubling up to 2^20)
 * only when it is flushed, by how full it was.  A program that faults in
 * a large working set and never unmaps would keep 256 entries and miss on
 * most accesses (a random walk over 32 MiB ran 3x slower), so every
 * TLB_RESIZE_FAULTS faults the engine's TLB is flushed: architecturally
 * harmless (a CPU may drop TLB entries at any time), and the TLB grows
 * with the working set. */
#define TLB_RESIZE_FAULTS 256

struct ucpu {
	uc_engine *uc;
	uc_context *scratch; /* the fault hook's copy of the CPU state */
	u64 boot_pa;
	u64 cr3;		 /* what the engine holds */
	bool running;		 /* inside uc_emu_start */
	_Atomic int in_guest;	 /* a kick may stop it */
	bool stop;		 /* the run ends after this hook */
	unsigned long faults;	 /* #PFs handled (TLB_RESIZE_FAULTS) */
	struct ucpu_signal *sig; /* where a signal is reported */
	struct cpu *cpu;
};

struct ucpu_ctx {
	uc_context *uctx;
	struct ucpu *owner;
};

static struct ucpu *ucpus[MMK_MAX_CPUS];
static long error_code_off = -1, old_exception_off = -1, context_size = -1;
static pthread_mutex_t calib_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t watchdog;
static _Atomic int watchdog_state; /* 0 none, 1 running, 2 stopping */

bool ucpu_supported(void) { return true; }

static struct ucpu *this_ucpu(void) { return this_cpu() ? ucpus[this_cpu()->id] : NULL; }

bool ucpu_cpu_has_engine(void) { return this_ucpu() != NULL; }

void ucpu_get_facts(struct ucpu_facts *f)
{
	f->error_code_off = error_code_off;
	f->old_exception_off = old_exception_off;
	f->context_size = context_size;
}

static u64 reg_get(uc_engine *uc, int reg)
{
	u64 v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

static void reg_set(uc_engine *uc, int reg, u64 v) { uc_reg_write(uc, reg, &v); }

/* ------------------------------------------------------------ TLB, kick -- */

/* machine/tlb.c: a local flush of the CPU's TLB (or a CR3 load). */
static void engine_tlb_flush(struct cpu *c)
{
	struct ucpu *u = ucpus[c->id];

	if (!u)
		return;
	if (u->cr3 != c->cr3) {
		u->cr3 = c->cr3;
		reg_set(u->uc, UC_X86_REG_CR3, u->cr3); /* flushes, as a MOV to CR3 */
	} else {
		uc_ctl_flush_tlb(u->uc);
	}
}

/* machine.c raise_irq_line, under c->ipi_lock: leave guest code. */
static void engine_kick(struct cpu *c)
{
	struct ucpu *u = ucpus[c->id];

	if (u && atomic_load(&u->in_guest))
		uc_emu_stop(u->uc);
}

void ucpu_kick(struct cpu *c)
{
	pthread_mutex_lock(&c->ipi_lock);
	engine_kick(c);
	pthread_mutex_unlock(&c->ipi_lock);
}

/* Re-kick CPUs in guest code with IPIs pending (a kick can be lost in the
 * window before uc_emu_start resets its stop request). */
static void *watchdog_fn(void *arg)
{
	struct timespec ts = { 0, WATCHDOG_NS };
	/* MMKIT_UCPU_KICK_ALL=1: kick every engine every period, the
	 * experiment that shows Unicorn's double lock-prefixed instructions */
	bool kick_all = getenv("MMKIT_UCPU_KICK_ALL") != NULL;
	int i;

	while (atomic_load(&watchdog_state) == 1) {
		nanosleep(&ts, NULL);
		for (i = 0; i < MMK_MAX_CPUS && mmk && i < mmk->nr_cpus; i++) {
			struct cpu *c = cpu_of(i);

			/* ucpus[] is read under ipi_lock, in ucpu_kick */
			if (kick_all || atomic_load_explicit(&c->ipi_pending, memory_order_acquire))
				ucpu_kick(c);
		}
	}
	return NULL;
}

static void watchdog_start(void)
{
	int expect = 0;

	if (atomic_compare_exchange_strong(&watchdog_state, &expect, 1) &&
	    pthread_create(&watchdog, NULL, watchdog_fn, NULL))
		atomic_store(&watchdog_state, 0);
}

static void watchdog_stop(void)
{
	int expect = 1;

	if (atomic_compare_exchange_strong(&watchdog_state, &expect, 2)) {
		pthread_join(watchdog, NULL);
		atomic_store(&watchdog_state, 0);
	}
}

/* ------------------------------------------------------------- hooks -- */

/* An int of the saved CPU state at byte offset off of the context object
 * (uc_context's header, then a copy of CPUX86State). */
static int ctx_int(const uc_context *ctx, long off)
{
	int v;

	memcpy(&v, (const char *)ctx + off, sizeof(v));
	return v;
}

static int scratch_read_int(struct ucpu *u, long off) { return ctx_int(u->scratch, off); }

static void scratch_write_int(struct ucpu *u, long off, int v)
{
	memcpy((char *)u->scratch + off, &v, sizeof(v));
}

/* The #PF's error code; old_exception reset so the next #PF is not a #DF. */
static unsigned long fault_error_code(struct ucpu *u)
{
	unsigned long ec;

	uc_context_save(u->uc, u->scratch);
	ec = (unsigned long)(unsigned int)scratch_read_int(u, error_code_off);
	scratch_write_int(u, old_exception_off, -1);
	uc_context_restore(u->uc, u->scratch);
	return ec;
}

static void report_signal(struct ucpu *u, int sig, int code, unsigned long addr, int trapno,
			  unsigned long ec)
{
	if (u->sig) {
		u->sig->sig = sig;
		u->sig->si_code = code;
		u->sig->addr = addr;
		u->sig->trapno = trapno;
		u->sig->error_code = ec;
	}
	u->stop = true;
	uc_emu_stop(u->uc);
}

static void page_fault(struct ucpu *u)
{
	struct mmu_fault f = { 0 };

	f.kind = MMU_FAULT_PF;
	f.address = reg_get(u->uc, UC_X86_REG_CR2);
	f.error_code = fault_error_code(u);
	f.mmu_idx = MMU_USER_IDX;
	f.access = (f.error_code & X86_PF_INSTR) ? MMU_INST_FETCH :
		   (f.error_code & X86_PF_WRITE) ? MMU_DATA_STORE :
						   MMU_DATA_LOAD;
	atomic_store(&u->in_guest, 0);
	if (mmu_raise_fault(&f) == 0) {
		/* the CPU's CR3 may have changed under the handler: follow it */
		if (u->cr3 != u->cpu->cr3)
			engine_tlb_flush(u->cpu);
		else if (!(++u->faults % TLB_RESIZE_FAULTS))
			uc_ctl_flush_tlb(u->uc); /* see TLB_RESIZE_FAULTS */
		atomic_store(&u->in_guest, 1);
		return; /* retry the instruction */
	}
	report_signal(u, f.sig ? f.sig : SIGSEGV, f.si_code, f.sig_addr, 14, f.error_code);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *data)
{
	struct ucpu *u = data;
	unsigned long rip = reg_get(uc, UC_X86_REG_RIP);

	switch (intno) {
	case 14:
		page_fault(u);
		return;
	case 0:
		(void)fault_error_code(u);
		report_signal(u, SIGFPE, FPE_INTDIV, rip, 0, 0);
		return;
	case 3:
		(void)fault_error_code(u);
		report_signal(u, SIGTRAP, SI_KERNEL, 0, 3, 0);
		return;
	case 6:
		(void)fault_error_code(u);
		report_signal(u, SIGILL, ILL_ILLOPN, rip, 6, 0);
		return;
	default:
		(void)fault_error_code(u);
		report_signal(u, SIGSEGV, SI_KERNEL, 0, (int)intno, 0);
		return;
	}
}

#define NREGS (UR_NGPR + 4)
static const int all_ids[NREGS] = {
	UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX,	   UC_X86_REG_RBX,     UC_X86_REG_RSP,
	UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,	   UC_X86_REG_R8,      UC_X86_REG_R9,
	UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,	   UC_X86_REG_R13,     UC_X86_REG_R14,
	UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE,
};

static void regs_ptrs(struct ucpu_regs *r, void **p)
{
	int i;

	for (i = 0; i < UR_NGPR; i++)
		p[i] = &r->gpr[i];
	p[UR_NGPR] = &r->rip;
	p[UR_NGPR + 1] = &r->rflags;
	p[UR_NGPR + 2] = &r->fs_base;
	p[UR_NGPR + 3] = &r->gs_base;
}

static void read_regs(uc_engine *uc, struct ucpu_regs *r)
{
	void *p[NREGS];

	memset(r, 0, sizeof(*r));
	regs_ptrs(r, p);
	uc_reg_read_batch(uc, all_ids, p, NREGS);
	r->cs = USER_CS;
	r->ss = r->ds = r->es = USER_DS;
}

static void write_regs(uc_engine *uc, const struct ucpu_regs *r)
{
	void *p[NREGS];
	struct ucpu_regs copy = *r;

	regs_ptrs(&copy, p);
	uc_reg_write_batch(uc, all_ids, p, NREGS);
}

static void hook_syscall(uc_engine *uc, void *data)
{
	struct ucpu *u = data;
	syscall_vector_t v = atomic_load_explicit(&syscall_vector, memory_order_acquire);
	struct ucpu_regs r;
	int ret;

	atomic_store(&u->in_guest, 0);
	read_regs(uc, &r);
	r.rip += 2; /* Linux's pt_regs->ip: past syscall */
	if (!v) {
		reg_set(uc, UC_X86_REG_RAX, (u64)-ENOSYS);
		atomic_store(&u->in_guest, 1);
		return;
	}
	ret = v(&r);
	if (ret & UCPU_SC_WRITEBACK) {
		r.rip -= 2; /* Unicorn adds the length afterwards */
		write_regs(uc, &r);
	} else {
		/* sysret: RCX = RIP, R11 = RFLAGS, as the hardware leaves them */
		static const int ids[3] = { UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_R11 };
		void *p[3] = { &r.gpr[UR_RAX], &r.rip, &r.rflags };

		uc_reg_write_batch(uc, ids, p, 3);
	}
	if (u->cr3 != u->cpu->cr3)
		engine_tlb_flush(u->cpu);
	if (ret & UCPU_SC_STOP) {
		u->stop = true;
		uc_emu_stop(uc);
		return;
	}
	atomic_store(&u->in_guest, 1);
}

/* -------------------------------------------------------------- boot -- */

static void boot_write(struct ucpu *u, u64 off, const void *p, size_t n)
{
	uc_mem_write(u->uc, u->boot_pa + off, p, n);
}

static void boot_put64(struct ucpu *u, u64 off, u64 v) { boot_write(u, off, &v, sizeof(v)); }

/* The boot region: tables mapping it 1:1 with a 2 MiB user page, a GDT,
 * the iretq stub and its frame, the calibration's user code. */
static void boot_region_fill(struct ucpu *u)
{
	u64 va = u->boot_pa;
	static const u8 stub[] = { 0x48, 0xcf }; /* iretq */
	static const u8 user[] = {
		0x48, 0x89, 0x18, /* mov %rbx,(%rax)  write, not present: ec 6 */
		0x48, 0x8b, 0x19, /* mov (%rcx),%rbx  read, not present:  ec 4 */
		0x48, 0x89, 0x1a, /* mov %rbx,(%rdx)  a third #PF, not a #DF   */
		0x90,		  /* nop: the end */
	};
	u64 frame[5] = { va + BOOT_USER, USER_CS, 0x202, va + BOOT_DATA + 0x800, USER_DS };

	boot_put64(u, BOOT_PML4 + 8 * ((va >> 39) & 511), (va + BOOT_PDPT) | 0x7);
	boot_put64(u, BOOT_PDPT + 8 * ((va >> 30) & 511), (va + BOOT_PD) | 0x7);
	boot_put64(u, BOOT_PD + 8 * ((va >> 21) & 511), va | 0x87); /* 2M, U RW P */
	boot_put64(u, BOOT_GDT + 8 * 2, 0x00af9b000000ffffULL);	    /* kernel code 64 */
	boot_put64(u, BOOT_GDT + 8 * 3, 0x00cf93000000ffffULL);	    /* kernel data */
	boot_put64(u, BOOT_GDT + 8 * 5, 0x00cff3000000ffffULL);	    /* user data */
	boot_put64(u, BOOT_GDT + 8 * 6, 0x00affb000000ffffULL);	    /* user code 64 */
	boot_write(u, BOOT_CODE, stub, sizeof(stub));
	boot_write(u, BOOT_USER, user, sizeof(user));
	boot_write(u, BOOT_STACK - sizeof(frame), frame, sizeof(frame));
}

/* Long mode in the order the hardware requires, then CS/SS of the kernel. */
static void enter_long_mode(struct ucpu *u)
{
	uc_x86_mmr gdtr = { .base = u->boot_pa + BOOT_GDT, .limit = 0xff };
	uc_x86_msr efer = { .rid = MSR_EFER, .value = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE };

	reg_set(u->uc, UC_X86_REG_CR4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
	uc_reg_write(u->uc, UC_X86_REG_MSR, &efer);
	reg_set(u->uc, UC_X86_REG_CR3, u->boot_pa + BOOT_PML4);
	reg_set(u->uc, UC_X86_REG_CR0, CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE);
	uc_reg_write(u->uc, UC_X86_REG_GDTR, &gdtr);
	reg_set(u->uc, UC_X86_REG_CS, KERNEL_CS);
	reg_set(u->uc, UC_X86_REG_SS, KERNEL_DS);
	reg_set(u->uc, UC_X86_REG_DS, 0);
	reg_set(u->uc, UC_X86_REG_ES, 0);
	reg_set(u->uc, UC_X86_REG_RSP, u->boot_pa + BOOT_STACK - 40);
}

/* The calibration's faults: the state saved at each, and its vector. */
struct calib {
	struct ucpu *u;
	uc_context *c[3], *s;
	uint32_t intno[3];
	int n;
	bool reset; /* reset old_exception after each */
};

static void calib_hook(uc_engine *uc, uint32_t intno, void *data)
{
	struct calib *k = data;
	u64 ok = k->u->boot_pa + BOOT_DATA;

	if (k->n >= 3) {
		uc_emu_stop(uc);
		return;
	}
	uc_context_save(uc, k->c[k->n]);
	k->intno[k->n++] = intno;
	if (intno != 14) {
		uc_emu_stop(uc);
		return;
	}
	if (k->reset) {
		int m1 = -1;

		uc_context_save(uc, k->s);
		memcpy((char *)k->s + old_exception_off, &m1, sizeof(m1));
		uc_context_restore(uc, k->s);
	}
	/* the faulting instruction's address register now names a mapped page */
	reg_set(uc, k->n == 1 ? UC_X86_REG_RAX : k->n == 2 ? UC_X86_REG_RCX : UC_X86_REG_RDX, ok);
}

/* The one offset where the three contexts hold a, b, c (and c0, if not
 * NULL, holds z); -1 if none or several. */
static long find_offset(uc_context *c0, int z, uc_context **cs, const int *v, int n, size_t size)
{
	long off, found = -1;
	int i, hits = 0;

	for (off = 0; off + 4 <= (long)size; off += 4) {
		if (c0 && ctx_int(c0, off) != z)
			continue;
		for (i = 0; i < n && ctx_int(cs[i], off) == v[i]; i++)
			;
		if (i == n) {
			found = off;
			hits++;
		}
	}
	return hits == 1 ? found : -1;
}

/* Run the calibration's user code from the state c0 (CPL 3, no fault in
 * flight) with three unmapped addresses in RAX, RCX, RDX. */
static void calib_run(struct ucpu *u, struct calib *k, uc_context *c0)
{
	uc_context_restore(u->uc, c0);
	reg_set(u->uc, UC_X86_REG_RAX, 0x100000000000ULL);
	reg_set(u->uc, UC_X86_REG_RCX, 0x100000001000ULL);
	reg_set(u->uc, UC_X86_REG_RDX, 0x100000002000ULL);
	k->n = 0;
	uc_emu_start(u->uc, u->boot_pa + BOOT_USER, u->boot_pa + BOOT_USER + 9, 0, 0);
}

/*
 * Drop to CPL 3 through the stub and check the #PF facts.  The first
 * engine calibrates: without a reset, the 2nd fault arrives as #DF (8), and
 * old_exception is the one int that is -1 before, 14 after the 1st fault
 * and 8 after the 2nd; with the reset, three faults arrive as #PF and the
 * error code is the one int reading 6, 4, 6 (write, read, write to
 * not-present user pages).  Every later engine re-checks the second part.
 */
static int boot_to_user(struct ucpu *u)
{
	static const int ec[3] = { 6, 4, 6 }, oe[2] = { 14, 8 };
	struct calib k = { .u = u };
	uc_context *c0 = NULL;
	size_t size = uc_context_size(u->uc);
	uc_hook h;
	int i, err = -ENOMEM;
	long off;

	for (i = 0; i < 3; i++)
		if (uc_context_alloc(u->uc, &k.c[i]))
			goto out;
	if (uc_context_alloc(u->uc, &c0) || uc_context_alloc(u->uc, &k.s))
		goto out;
	err = -EIO;
	if (uc_emu_start(u->uc, u->boot_pa + BOOT_CODE, u->boot_pa + BOOT_USER, 0, 0))
		goto out;
	if ((reg_get(u->uc, UC_X86_REG_CS) & 3) != 3)
		goto out;
	uc_context_save(u->uc, c0);
	if (uc_hook_add(u->uc, &h, UC_HOOK_INTR, (void *)calib_hook, &k, 1, 0))
		goto out;
	pthread_mutex_lock(&calib_lock);
	if (old_exception_off < 0) {
		calib_run(u, &k, c0);
		off = k.n == 2 && k.intno[0] == 14 && k.intno[1] == 8 ?
			      find_offset(c0, -1, k.c, oe, 2, size) :
			      -1;
		if (off < 0)
			goto unlock;
		old_exception_off = off;
	}
	k.reset = true;
	calib_run(u, &k, c0);
	if (k.n != 3 || k.intno[0] != 14 || k.intno[1] != 14 || k.intno[2] != 14)
		goto unlock;
	off = find_offset(NULL, 0, k.c, ec, 3, size);
	if (off < 0 || (error_code_off >= 0 && off != error_code_off))
		goto unlock;
	if (error_code_off < 0) {
		/* written once, before any engine runs a program (its hooks
		 * read them unlocked); later engines only compare */
		error_code_off = off;
		context_size = (long)size;
	}
	uc_context_restore(u->uc, c0); /* CPL 3, nothing in flight */
	err = 0;
unlock:
	pthread_mutex_unlock(&calib_lock);
	uc_hook_del(u->uc, h);
out:
	for (i = 0; i < 3; i++)
		if (k.c[i])
			uc_context_free(k.c[i]);
	if (k.s)
		uc_context_free(k.s);
	if (c0)
		uc_context_free(c0);
	return err;
}

static int boot_engine(struct ucpu *u)
{
	boot_region_fill(u);
	enter_long_mode(u);
	return boot_to_user(u);
}

static void ucpu_destroy(struct ucpu *u)
{
	if (u->scratch)
		uc_context_free(u->scratch);
	if (u->uc)
		uc_close(u->uc);
	free(u);
}

int ucpu_cpu_init(void)
{
	struct cpu *c = this_cpu();
	struct ucpu *u;
	uc_hook h1, h2;
	int err = -ENOMEM;

	if (!c)
		return -EINVAL;
	if (ucpus[c->id])
		return 0;
	if (pgmode.levels != 4)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->cpu = c;
	u->boot_pa = (mmk->cfg.ram_bytes + (2UL << 20) - 1) & ~((2UL << 20) - 1);
	if (uc_open(UC_ARCH_X86, UC_MODE_64, &u->uc))
		goto fail;
	if (uc_mem_map_ptr(u->uc, 0, mmk->cfg.ram_bytes, UC_PROT_ALL, mmk->ram) ||
	    uc_mem_map(u->uc, u->boot_pa, BOOT_SIZE, UC_PROT_ALL))
		goto fail;
	err = boot_engine(u);
	if (err)
		goto fail;
	err = -ENOMEM;
	if (uc_context_alloc(u->uc, &u->scratch))
		goto fail;
	if (uc_hook_add(u->uc, &h1, UC_HOOK_INTR, (void *)hook_intr, u, 1, 0) ||
	    uc_hook_add(u->uc, &h2, UC_HOOK_INSN, (void *)hook_syscall, u, 1, 0,
			UC_X86_INS_SYSCALL))
		goto fail;
	u->cr3 = c->cr3;
	reg_set(u->uc, UC_X86_REG_CR3, u->cr3);
	pthread_mutex_lock(&c->ipi_lock);
	ucpus[c->id] = u;
	c->engine = u;
	c->engine_tlb_flush = engine_tlb_flush;
	c->engine_kick = engine_kick;
	pthread_mutex_unlock(&c->ipi_lock);
	watchdog_start();
	return 0;
fail:
	ucpu_destroy(u);
	return err;
}

/* Shutdown (INIT_LATE exit): every CPU's engine goes; no CPU runs guest
 * code by then. */
static void ucpu_shutdown(void)
{
	int i;

	watchdog_stop();
	for (i = 0; i < MMK_MAX_CPUS; i++) {
		struct ucpu *u = ucpus[i];

		if (!u)
			continue;
		pthread_mutex_lock(&u->cpu->ipi_lock);
		u->cpu->engine = NULL;
		u->cpu->engine_tlb_flush = NULL;
		u->cpu->engine_kick = NULL;
		ucpus[i] = NULL;
		pthread_mutex_unlock(&u->cpu->ipi_lock);
		ucpu_destroy(u);
	}
}

static int ucpu_boot(void) { return 0; }
mmk_initcall(INIT_LATE, ucpu_boot, ucpu_shutdown);

/* ----------------------------------------------------------- contexts -- */

struct ucpu_ctx *ucpu_ctx_new(const struct ucpu_regs *regs)
{
	struct ucpu *u = this_ucpu();
	struct ucpu_ctx *ctx;

	if (!u || !(ctx = calloc(1, sizeof(*ctx))))
		return NULL;
	ctx->owner = u;
	if (uc_context_alloc(u->uc, &ctx->uctx)) {
		free(ctx);
		return NULL;
	}
	/* the engine is at CPL 3 between runs: its state is a user template */
	uc_context_save(u->uc, ctx->uctx);
	ucpu_ctx_set_regs(ctx, regs);
	return ctx;
}

struct ucpu_ctx *ucpu_ctx_clone(const struct ucpu_ctx *src)
{
	struct ucpu_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->owner = src->owner;
	if (uc_context_alloc(src->owner->uc, &ctx->uctx)) {
		free(ctx);
		return NULL;
	}
	memcpy(ctx->uctx, src->uctx, uc_context_size(src->owner->uc));
	return ctx;
}

void ucpu_ctx_free(struct ucpu_ctx *ctx)
{
	if (!ctx)
		return;
	uc_context_free(ctx->uctx);
	free(ctx);
}

void ucpu_ctx_get_regs(struct ucpu_ctx *ctx, struct ucpu_regs *r)
{
	void *p[NREGS];

	memset(r, 0, sizeof(*r));
	regs_ptrs(r, p);
	uc_context_reg_read_batch(ctx->uctx, all_ids, p, NREGS);
	r->cs = USER_CS;
	r->ss = r->ds = r->es = USER_DS;
}

void ucpu_ctx_set_regs(struct ucpu_ctx *ctx, const struct ucpu_regs *r)
{
	void *p[NREGS];
	struct ucpu_regs copy = *r;

	regs_ptrs(&copy, p);
	uc_context_reg_write_batch(ctx->uctx, all_ids, p, NREGS);
}

void ucpu_live_restore(const struct ucpu_ctx *ctx)
{
	struct ucpu *u = this_ucpu();

	if (u && ctx->owner == u)
		uc_context_restore(u->uc, ctx->uctx);
}

/* ---------------------------------------------------------------- run -- */

enum ucpu_exit ucpu_run(struct ucpu_ctx *ctx, u64 steps, struct ucpu_signal *sig)
{
	struct ucpu *u = this_ucpu();
	struct cpu *c = this_cpu();
	enum ucpu_exit why = UCPU_STOPPED;
	uc_err e;
	u64 rip;

	memset(sig, 0, sizeof(*sig));
	if (!u || ctx->owner != u) {
		sig->sig = SIGKILL;
		return UCPU_SIGNAL;
	}
	uc_context_restore(u->uc, ctx->uctx);
	/* The restored state carries the CR3 it was saved with, but the
	 * engine's TLB is still for u->cr3: load this CPU's CR3 (a flush) only
	 * when either differs, so a task resumed on its CPU keeps its TLB, stale
	 * entries included, as on hardware. */
	if (reg_get(u->uc, UC_X86_REG_CR3) != c->cr3 || u->cr3 != c->cr3) {
		u->cr3 = c->cr3;
		reg_set(u->uc, UC_X86_REG_CR3, u->cr3);
	}
	u->sig = sig;
	u->stop = false;
	rip = reg_get(u->uc, UC_X86_REG_RIP);
	atomic_store(&u->in_guest, 1);
	if (atomic_load_explicit(&c->ipi_pending, memory_order_acquire)) {
		atomic_store(&u->in_guest, 0);
		uc_context_save(u->uc, ctx->uctx);
		return UCPU_KICKED; /* serve it first */
	}
	u->running = true;
	e = uc_emu_start(u->uc, rip, 0, 0, steps);
	u->running = false;
	atomic_store(&u->in_guest, 0);
	u->sig = NULL;
	if (e == UC_ERR_INSN_INVALID) {
		sig->sig = SIGILL;
		sig->si_code = ILL_ILLOPN;
		sig->addr = reg_get(u->uc, UC_X86_REG_RIP);
		sig->trapno = 6;
		why = UCPU_SIGNAL;
	} else if (e != UC_ERR_OK && !sig->sig) {
		sig->sig = SIGSEGV;
		sig->si_code = SI_KERNEL;
		sig->trapno = 13;
		why = UCPU_SIGNAL;
	} else if (sig->sig) {
		why = UCPU_SIGNAL;
	} else if (steps && !u->stop && !atomic_load(&c->ipi_pending)) {
		why = UCPU_STEPS;
	} else if (!u->stop) {
		why = UCPU_KICKED;
	}
	uc_context_save(u->uc, ctx->uctx);
	return why;
}

void ucpu_flush_code(void)
{
	struct ucpu *u = this_ucpu();

	if (u)
		uc_ctl_flush_tb(u->uc);
}

void ucpu_remove_code(unsigned long start, unsigned long end)
{
	struct ucpu *u = this_ucpu();

	if (u)
		uc_ctl_remove_cache(u->uc, start, end);
}

#endif
