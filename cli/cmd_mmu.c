/*
 * cmd_mmu.c - scenario commands of the paging hardware and the MMU:
 *
 *   kread ADDR SIZE            kernel-mode load through the MMU: `= 0x...` or `! OOPS ...`
 *   kwrite ADDR SIZE VALUE     kernel-mode store: `= ok` or `! OOPS ...`
 *   kexec ADDR                 kernel-mode instruction fetch: `= ok` or `! OOPS ...`
 *   pagewalk kernel ADDR       init_mm's entries for ADDR, one line per level (view)
 *   pagewalk A ADDR            the same in process A's page tables
 *   tlb CPU                    the CPU's valid TLB entries (view)
 *   kpte ADDR [set|clear FLAGS] [level=NAME]
 *                              read or change the kernel page-table entry of ADDR in
 *                              init_mm WITHOUT any TLB flush (the leaf by default, or the
 *                              entry of the hardware level NAME: PGD P4D PUD PMD PTE);
 *                              `= 0x<entry after the change>`
 *   invlpg ADDR                invlpg on the kernel CPU only: `= 0`
 *   cr3_reload                 reload CR3 on the kernel CPU (drops non-global entries): `= 0`
 *   flush_tlb_all              Linux flush_tlb_all(), every CPU by IPI: `= 0`
 *   flush_tlb_kernel_range START END   every CPU by IPI: `= 0`
 *
 * kread/kwrite/kexec/invlpg/cr3_reload run on the scenario's kernel CPU
 * (`cpu N`), so a stale entry of one CPU can be shown while another CPU's
 * TLB is fresh.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "cli/scenario.h"
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"

/* The mm of a task, for `pagewalk A ADDR`: the address-space layer
 * (kernel/) provides the real one; until then processes have none. */
__attribute__((weak)) struct mm_struct *cli_task_mm(struct task_struct *t)
{
	(void)t;
	return NULL;
}

static void result_fault(struct cmd_ctx *c)
{
	struct mmu_fault *f = mmu_last_fault();

	if (f->oops)
		result_oops(c, "%s", f->msg);
	else
		result_signal(c, f->sig, f->si_code, f->sig_addr);
}

static int do_kread(struct cmd_ctx *c)
{
	unsigned int size;
	u64 addr, v;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || arg_access_size(c, 1, &size))
		return CMD_SCRIPT_ERROR;
	if (mmk_read(MMU_KERNEL_IDX, addr, size, &v))
		result_fault(c);
	else
		result_value(c, v);
	return 0;
}
CLI_COMMAND(cmd_kread, .name = "kread", .kind = CMD_GLOBAL, .usage = "kread ADDR SIZE",
	    .help = "kernel-mode load of SIZE (1/2/4/8) bytes through the MMU", .fn = do_kread)

static int do_kwrite(struct cmd_ctx *c)
{
	unsigned int size;
	u64 addr, v;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &addr) || arg_access_size(c, 1, &size) ||
	    arg_num(c, 2, &v))
		return CMD_SCRIPT_ERROR;
	if (size < 8 && (v >> (size * 8)))
		return script_error(c, "kwrite: VALUE 0x%llx does not fit in %u bytes",
				    (unsigned long long)v, size);
	if (mmk_write(MMU_KERNEL_IDX, addr, size, v))
		result_fault(c);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_kwrite, .name = "kwrite", .kind = CMD_GLOBAL, .usage = "kwrite ADDR SIZE VALUE",
	    .help = "kernel-mode store of SIZE (1/2/4/8) bytes through the MMU", .fn = do_kwrite)

static int do_kexec(struct cmd_ctx *c)
{
	u64 addr;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &addr))
		return CMD_SCRIPT_ERROR;
	if (mmk_exec(MMU_KERNEL_IDX, addr))
		result_fault(c);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_kexec, .name = "kexec", .kind = CMD_GLOBAL, .usage = "kexec ADDR",
	    .help = "kernel-mode instruction fetch at ADDR through the MMU", .fn = do_kexec)

static int do_pagewalk(struct cmd_ctx *c)
{
	struct mm_struct *mm = &init_mm;
	struct cli_proc *p;
	u64 addr;

	if (arg_count(c, 2, 2) || arg_num(c, 1, &addr))
		return CMD_SCRIPT_ERROR;
	if (strcmp(c->argv[0], "kernel")) {
		if (arg_proc(c, 0, &p))
			return CMD_SCRIPT_ERROR;
		mm = p->task && !p->dead ? cli_task_mm(p->task) : NULL;
		if (!mm || !mm->pgd)
			return script_error(c, "pagewalk: process '%s' has no page tables",
					    p->name);
	}
	pagewalk_show(c->out, mm, addr);
	return 0;
}
CLI_COMMAND(cmd_pagewalk, .name = "pagewalk", .kind = CMD_GLOBAL, .usage = "pagewalk kernel|A ADDR",
	    .help = "each page-table level's entry and flags for ADDR, then the result",
	    .fn = do_pagewalk)

struct tlb_show_args {
	FILE *out;
};
static void tlb_show_on_cpu(void *info) { tlb_show(((struct tlb_show_args *)info)->out); }

static int do_tlb(struct cmd_ctx *c)
{
	struct tlb_show_args a = { c->out };
	u64 cpu;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &cpu))
		return CMD_SCRIPT_ERROR;
	if (cpu >= (u64)mmk->nr_cpus)
		return script_error(c, "tlb: no CPU %llu (cpus=%d)", (unsigned long long)cpu,
				    mmk->nr_cpus);
	/* By IPI: the target may be the CPU waiting for this command (cpu_call
	 * to it would deadlock); it serves IPIs while it waits. */
	if ((int)cpu == smp_processor_id())
		tlb_show_on_cpu(&a);
	else
		smp_call_function_many(BIT(cpu), tlb_show_on_cpu, &a, true);
	return 0;
}
CLI_COMMAND(cmd_tlb, .name = "tlb", .kind = CMD_GLOBAL, .usage = "tlb CPU",
	    .help = "the CPU's valid TLB entries", .fn = do_tlb)

/* ---- kpte: change kernel entries without flushing (stale-TLB experiments) ---- */

static const struct flag_name pte_flag_names[] = {
	{ "P", _PAGE_PRESENT },	    { "RW", _PAGE_RW },		  { "U", _PAGE_USER },
	{ "PWT", _PAGE_PWT },	    { "PCD", _PAGE_PCD },	  { "A", _PAGE_ACCESSED },
	{ "D", _PAGE_DIRTY },	    { "PSE", _PAGE_PSE },	  { "PAT", _PAGE_PAT },
	{ "G", _PAGE_GLOBAL },	    { "SPECIAL", _PAGE_SPECIAL }, { "SOFTW2", _PAGE_SOFTW2 },
	{ "SOFTW3", _PAGE_SOFTW3 }, { "NX", _PAGE_NX },		  { NULL, 0 }
};

/* The slot of hardware level `name` on ADDR's walk in init_mm, or NULL. */
static void *kpte_level_slot(unsigned long addr, const char *name)
{
	struct mmu_walk_step steps[PT_NR_LEVELS];
	int i, n = mmu_walk_trace(init_mm.pgd, addr, steps);

	for (i = 0; i < n; i++)
		if (!strcasecmp(pgmode.hw[steps[i].hw].name, name))
			return steps[i].slot;
	return NULL;
}

static int kpte_parse(struct cmd_ctx *c, u64 *addr, int *op, u64 *flags, const char **level)
{
	int i = 1;

	*op = 0;
	*level = NULL;
	if (arg_count(c, 1, 4) || arg_num(c, 0, addr))
		return CMD_SCRIPT_ERROR;
	if (i < c->argc && (!strcmp(c->argv[i], "set") || !strcmp(c->argv[i], "clear"))) {
		*op = c->argv[i][0] == 's' ? 1 : -1;
		if (arg_flags(c, i + 1, pte_flag_names, flags))
			return CMD_SCRIPT_ERROR;
		i += 2;
	}
	if (i < c->argc && arg_kv(c, i, "level", level))
		i++;
	if (i != c->argc)
		return script_error(c, "kpte: usage: %s",
				    "kpte ADDR [set|clear FLAGS] [level=PGD|P4D|PUD|PMD|PTE]");
	return 0;
}

static int do_kpte(struct cmd_ctx *c)
{
	const char *level;
	u64 addr, flags = 0, v;
	void *slot;
	int op, lvl;

	if (kpte_parse(c, &addr, &op, &flags, &level))
		return CMD_SCRIPT_ERROR;
	if (level)
		slot = kpte_level_slot(addr, level);
	else
		slot = lookup_address(addr, &lvl);
	if (!slot) {
		result_errno(c, ENOENT);
		return 0;
	}
	v = pt_entry_read(slot);
	if (op > 0)
		v |= flags;
	else if (op < 0)
		v &= ~flags;
	if (pgmode.entry_shift == 2)
		v = (u32)v;
	pt_entry_write(slot, v);
	result_value(c, v);
	return 0;
}
CLI_COMMAND(cmd_kpte, .name = "kpte", .kind = CMD_GLOBAL,
	    .usage = "kpte ADDR [set|clear FLAGS] [level=PGD|P4D|PUD|PMD|PTE]",
	    .help = "read/change a kernel page-table entry without flushing the TLB", .fn = do_kpte,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", pte_flag_names }, { NULL, NULL } })

static int do_invlpg(struct cmd_ctx *c)
{
	u64 addr;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &addr))
		return CMD_SCRIPT_ERROR;
	invlpg(addr);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_invlpg, .name = "invlpg", .kind = CMD_GLOBAL, .usage = "invlpg ADDR",
	    .help = "flush one page from the kernel CPU's TLB", .fn = do_invlpg)

static int do_cr3_reload(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	write_cr3(this_cpu()->cr3);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_cr3_reload, .name = "cr3_reload", .kind = CMD_GLOBAL, .usage = "cr3_reload",
	    .help = "reload CR3 on the kernel CPU (non-global entries flushed)",
	    .fn = do_cr3_reload)

static int do_flush_tlb_all(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	flush_tlb_all();
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_flush_tlb_all, .name = "flush_tlb_all", .kind = CMD_GLOBAL,
	    .usage = "flush_tlb_all", .help = "flush every TLB entry on every CPU (IPI shootdown)",
	    .fn = do_flush_tlb_all)

static int do_flush_tlb_kernel_range(struct cmd_ctx *c)
{
	u64 start, end;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &start) || arg_num(c, 1, &end))
		return CMD_SCRIPT_ERROR;
	if (end < start)
		return script_error(c, "flush_tlb_kernel_range: END below START");
	flush_tlb_kernel_range(start, end);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_flush_tlb_kernel_range, .name = "flush_tlb_kernel_range", .kind = CMD_GLOBAL,
	    .usage = "flush_tlb_kernel_range START END",
	    .help = "flush kernel mappings of [START, END) on every CPU (IPI shootdown)",
	    .fn = do_flush_tlb_kernel_range)
