/*
 * array.c - /proc/PID/status (Linux fs/proc/array.c proc_pid_status and
 * task_mmu.c task_mem), fields in Linux's order.  The Vm* lines come from
 * the mm's counters exactly as Linux computes them (VmPeak = max(hiwater_vm,
 * total_vm), VmExe = the text range capped by exec_vm, VmLib = the rest of
 * exec_vm, VmPTE = page-table bytes); the fields mmkit has no model for
 * (uids, capabilities, signals, cpusets, context switches) show the values
 * of a root process on a 2-CPU, 1-node machine.
 */
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"

static unsigned long kb(unsigned long pages) { return pages << (PAGE_SHIFT - 10); }

static void task_mem(FILE *out, struct mm_struct *mm)
{
	unsigned long anon = get_mm_counter_sum(mm, MM_ANONPAGES);
	unsigned long file = get_mm_counter_sum(mm, MM_FILEPAGES);
	unsigned long shmem = get_mm_counter_sum(mm, MM_SHMEMPAGES);
	unsigned long swap = get_mm_counter_sum(mm, MM_SWAPENTS);
	unsigned long total_vm = mm->total_vm, hiwater_vm = max(mm->hiwater_vm, mm->total_vm);
	unsigned long rss = anon + file + shmem, hiwater_rss = max(rss, mm->hiwater_rss);
	unsigned long text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	unsigned long lib;

	text = min(text, mm->exec_vm << PAGE_SHIFT);
	lib = (mm->exec_vm << PAGE_SHIFT) - text;
	fprintf(out, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n",
		kb(hiwater_vm), kb(total_vm), kb(mm->locked_vm), kb(mm->pinned_vm));
	fprintf(out, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n",
		kb(hiwater_rss), kb(rss), kb(anon), kb(file));
	fprintf(out, "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\n", kb(shmem),
		kb(mm->data_vm), kb(mm->stack_vm));
	fprintf(out, "VmExe:\t%8lu kB\nVmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
		text >> 10, lib >> 10, (unsigned long)atomic_load(&mm->pgtables_bytes) >> 10,
		kb(swap));
	fprintf(out, "HugetlbPages:\t%8lu kB\n", 0UL);
}

static void task_head(FILE *out, struct task_struct *t)
{
	int ppid = t->real_parent ? t->real_parent->tgid : 0;

	fprintf(out,
		"Name:\t%s\nUmask:\t0022\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\n"
		"Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		t->comm, t->tgid, t->pid, ppid);
	fprintf(out,
		"Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \n"
		"NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t%d\n",
		t->tgid, t->pid, t->tgid, t->tgid, (t->flags & PF_KTHREAD) ? 1 : 0);
}

static void task_tail(FILE *out, struct task_struct *t)
{
	fprintf(out, "CoreDumping:\t0\nTHP_enabled:\t%d\n", t->mm ? 1 : 0);
	if (t->mm)
		fprintf(out, "untag_mask:\t0xffffffffffffffff\n");
	fprintf(out, "Threads:\t%d\nSigQ:\t0/96365\n", task_thread_count(t));
	fprintf(out,
		"SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
		"SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
		"SigCgt:\t%016llx\n",
		t->signal && t->signal->sig_catch[11] ? 1ULL << 10 : 0ULL);
	fprintf(out,
		"CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		"CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		"CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	fprintf(out, "Speculation_Store_Bypass:\tvulnerable\n"
		     "SpeculationIndirectBranch:\talways enabled\n"
		     "Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n"
		     "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
		     "nonvoluntary_ctxt_switches:\t0\n");
}

static int show_status(FILE *out, struct task_struct *t)
{
	task_head(out, t);
	if (t->mm) {
		mmap_read_lock(t->mm);
		task_mem(out, t->mm);
		mmap_read_unlock(t->mm);
	}
	task_tail(out, t);
	return 0;
}
PROC_VIEW(proc_status, "status", true, show_status);
