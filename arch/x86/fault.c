/*
 * fault.c - the fault entry of the simulated CPU (Linux arch/x86/mm/fault.c
 * exc_page_fault, arch/x86/kernel/traps.c exc_general_protection).
 *
 * A failed translation arrives here as a struct mmu_fault, through the fault
 * vector installed at boot (set_fault_vector).  A #PF sets CR2
 * and goes to the registered page-fault handler (arch/x86/mm_fault.c's
 * do_page_fault: do_user_addr_fault / do_kern_addr_fault), which may fix it: the
 * access is then retried.  What is not fixed ends as Linux ends it:
 *   - a reserved-bit #PF: "Bad pagetable" oops (pgtable_bad), user or kernel;
 *   - a user #PF: SIGSEGV, SEGV_MAPERR (not present) or SEGV_ACCERR, unless
 *     the handler chose another signal;
 *   - a user #GP (non-canonical address): SIGSEGV, SI_KERNEL, address 0;
 *   - a kernel access with an exception fixup (copy_from_user): -EFAULT only;
 *   - any other kernel fault: an oops in the log ("BUG: unable to handle
 *     page fault for address", "#PF: ..." lines, the page-table dump, the
 *     "Oops: ... [#N]" banner) and the oops text in the record, which the
 *     scenario prints as `! OOPS ...`.  The machine goes on (mmkit kills
 *     nothing on an oops: the command that oopsed simply fails);
 *   - a translation to a physical address outside RAM: a machine check
 *     (kernel: oops; user: SIGBUS BUS_ADRERR).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/mm.h"
#include "mmkit/sched.h"

static _Atomic(page_fault_handler_t) pf_handler;
static struct mmu_fault last_fault[MMK_MAX_CPUS];
static _Atomic int die_counter;

page_fault_handler_t set_page_fault_handler(page_fault_handler_t fn)
{
	return atomic_exchange(&pf_handler, fn);
}

struct mmu_fault *mmu_last_fault(void) { return &last_fault[this_cpu()->id]; }

int oops_count(void) { return atomic_load(&die_counter); }

static int addr_width(void) { return pgmode.va_bits > 32 ? 16 : 8; }

/* The entries the walk went through, as Linux's dump_pagetable prints them. */
static void dump_pagetable(const struct cpu *c, unsigned long va)
{
	u64 table = pgmode.levels == 3 ? (c->cr3 & ~0x1fULL) : (c->cr3 & ~0xfffULL);
	struct mmu_walk_step steps[PT_NR_LEVELS];
	char line[256];
	int i, n = 0, nsteps;

	nsteps = table + PAGE_SIZE <= mmk->cfg.ram_bytes ?
			 mmu_walk_trace(mmk->ram + table, va, steps) :
			 0;
	line[0] = '\0';
	for (i = 0; i < nsteps; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %llx ",
			      pgmode.hw[steps[i].hw].name, (unsigned long long)steps[i].entry);
	printk("%s\n", line);
}

static const char *pf_reason(unsigned long ec)
{
	if (!(ec & X86_PF_PROT))
		return "not-present page";
	if (ec & X86_PF_RSVD)
		return "reserved bit violation";
	if (ec & X86_PF_PK)
		return "protection keys violation";
	return "permissions violation";
}

static void pf_banner(const struct cpu *c, const struct mmu_fault *f)
{
	unsigned long ec = f->error_code;

	printk("#PF: %s %s access in %s mode\n", (ec & X86_PF_USER) ? "user" : "supervisor",
	       (ec & X86_PF_INSTR) ? "instruction fetch" :
	       (ec & X86_PF_WRITE) ? "write" :
				     "read",
	       f->mmu_idx == MMU_USER_IDX ? "user" : "kernel");
	printk("#PF: error_code(0x%04lx) - %s\n", ec, pf_reason(ec));
	dump_pagetable(c, f->address);
}

/* dump_stack_print_info()'s task line: current, or the CPU's idle task
 * (swapper/N, PID 0) when no task runs on it. */
static void print_task_line(const struct cpu *c)
{
	struct task_struct *t = cpu_curr((struct cpu *)c);

	if (t)
		printk("CPU: %d UID: 0 PID: %d Comm: %s\n", c->id, t->pid, t->comm);
	else
		printk("CPU: %d UID: 0 PID: 0 Comm: swapper/%d\n", c->id, c->id);
}

static void page_fault_oops(const struct cpu *c, struct mmu_fault *f)
{
	unsigned long a = f->address, ec = f->error_code;
	const char *what = a < PAGE_SIZE ? "kernel NULL pointer dereference, address" :
					   "unable to handle page fault for address";

	if ((ec & (X86_PF_INSTR | X86_PF_PROT)) == (X86_PF_INSTR | X86_PF_PROT))
		printk("kernel tried to execute NX-protected page - exploit attempt? (uid: 0)\n");
	printk("BUG: %s: %0*lx\n", what, addr_width(), a);
	pf_banner(c, f);
	printk("Oops: %04lx [#%d] SMP\n", ec, atomic_fetch_add(&die_counter, 1) + 1);
	print_task_line(c);
	snprintf(f->msg, sizeof(f->msg), "BUG: %s: 0x%lx (error_code 0x%04lx)", what, a, ec);
	f->oops = true;
}

/* Linux pgtable_bad(): a reserved bit is a corrupted page table. */
static void pgtable_bad(const struct cpu *c, struct mmu_fault *f)
{
	printk("mmkit: Corrupted page table at address %lx\n", f->address);
	pf_banner(c, f);
	printk("Oops: Bad pagetable: %04lx [#%d] SMP\n", f->error_code,
	       atomic_fetch_add(&die_counter, 1) + 1);
	snprintf(f->msg, sizeof(f->msg),
		 "Bad pagetable: corrupted page table at address 0x%lx (error_code 0x%04lx)",
		 f->address, f->error_code);
	f->oops = true;
}

static void gp_oops(const struct cpu *c, struct mmu_fault *f)
{
	snprintf(f->msg, sizeof(f->msg),
		 "general protection fault, probably for non-canonical address 0x%lx", f->address);
	printk("Oops: %s: 0000 [#%d] SMP\n", f->msg, atomic_fetch_add(&die_counter, 1) + 1);
	print_task_line(c);
	f->oops = true;
}

static void mce_oops(const struct cpu *c, struct mmu_fault *f)
{
	snprintf(f->msg, sizeof(f->msg), "mce: physical address 0x%llx outside RAM (virtual 0x%lx)",
		 (unsigned long long)f->phys, f->address);
	printk("mce: [Hardware Error]: CPU %d: Machine Check: physical address %#llx outside RAM\n",
	       c->id, (unsigned long long)f->phys);
	printk("Kernel panic - not syncing: Fatal machine check (mmkit goes on)\n");
	f->oops = true;
}

/*
 * Linux show_signal_msg() and traps.c show_signal(): the line a fatal user
 * SIGSEGV leaves in the log, at KERN_INFO, unless the task has a handler.  A
 * scenario access has no instruction or stack pointer, so ip and sp print as
 * 0 and the " in FILE[...]" part and the opcode dump are absent.
 */
static void show_signal_msg(const struct cpu *c, const struct mmu_fault *f)
{
	const struct task_struct *t = cpu_curr((struct cpu *)c);

	if (!t || !t->signal || t->signal->sig_catch[SIGSEGV])
		return;
	if (f->kind == MMU_FAULT_GP) {
		printk(KERN_INFO "traps: %s[%d] general protection fault ip:0 sp:0 error:0\n",
		       t->comm, t->pid);
		return;
	}
	printk(KERN_INFO "%s[%d]: segfault at %lx ip %016x sp %016x error %lx"
			 " likely on CPU %d (core %d, socket 0)\n",
	       t->comm, t->pid, f->address, 0, 0, f->error_code, c->id, c->id);
}

static void user_signal(const struct cpu *c, struct mmu_fault *f)
{
	if (f->sig) {
		if (f->sig == SIGSEGV) /* the handler decided: VM_FAULT_SIGSEGV */
			show_signal_msg(c, f);
		return;
	}
	if (f->kind == MMU_FAULT_GP) {
		f->sig = SIGSEGV;
		f->si_code = SI_KERNEL;
		f->sig_addr = 0;
	} else if (f->kind == MMU_FAULT_MCE) {
		f->sig = SIGBUS;
		f->si_code = BUS_ADRERR;
		f->sig_addr = f->address;
	} else {
		f->sig = SIGSEGV;
		f->si_code = (f->error_code & X86_PF_PROT) ? SEGV_ACCERR : SEGV_MAPERR;
		f->sig_addr = f->address;
	}
	if (f->sig == SIGSEGV)
		show_signal_msg(c, f);
}

static void fault_unresolved(const struct cpu *c, struct mmu_fault *f)
{
	if (f->kind == MMU_FAULT_PF && (f->error_code & X86_PF_RSVD)) {
		pgtable_bad(c, f);
		return;
	}
	if (f->mmu_idx == MMU_USER_IDX) {
		user_signal(c, f);
		return;
	}
	if (f->fixup)
		return;
	if (f->kind == MMU_FAULT_GP)
		gp_oops(c, f);
	else if (f->kind == MMU_FAULT_MCE)
		mce_oops(c, f);
	else
		page_fault_oops(c, f);
}

/* The fault vector (installed at boot). */
static int exc_fault(struct mmu_fault *f)
{
	struct cpu *c = this_cpu();
	page_fault_handler_t h;

	f->sig = 0;
	f->si_code = 0;
	f->sig_addr = 0;
	f->oops = false;
	f->msg[0] = '\0';
	if (f->kind == MMU_FAULT_PF) {
		c->cr2 = f->address;
		h = atomic_load_explicit(&pf_handler, memory_order_acquire);
		if (!(f->error_code & X86_PF_RSVD) && h && h(f) == 0)
			return 0;
	}
	fault_unresolved(c, f);
	last_fault[c->id] = *f;
	return -EFAULT;
}

/* Install the fault entry first thing at boot, as the IDT is. */
static int trap_init(void)
{
	set_fault_vector(exc_fault);
	return 0;
}

static void trap_exit(void) { set_fault_vector(NULL); }
mmk_initcall(INIT_PAGE_ALLOC - 5, trap_init, trap_exit);
