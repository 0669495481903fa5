/*
 * test_oom.c - the OOM killer's rules (issue 19): oom_badness (rss + swap
 * entries + page-table pages, plus oom_score_adj * totalpages / 1000;
 * LONG_MIN for oom_score_adj -1000, kernel threads and init), and
 * out_of_memory's choice (the most points, the later group on a tie, a
 * victim still dying stops the search), its kill (SIGKILL pending, the
 * victim marked, vmstat oom_kill) and the reaper (the victim's private
 * memory unmapped, MMF_OOM_SKIP), checked by verify.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/mmzone.h"
#include "mmkit/oom.h"
#include "mmkit/vmscan.h"
#include "mmkit/vmstat.h"
#include "task_helpers.h"

#define U MMU_USER_IDX

static int teardown(void **state)
{
	(void)state;
	if (mmk)
		machine_shutdown();
	return 0;
}

/* t maps and writes n anonymous pages; returns its page-table pages. */
static unsigned long grow(struct task_struct *t, unsigned long n)
{
	unsigned long m;

	context_switch(t);
	m = sys_mmap(0, n * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	assert_true(m < TASK_SIZE_MAX);
	assert_int_equal(mmk_memset(U, m, 0x5a, n * PAGE_SIZE, NULL), 0);
	context_switch_idle();
	assert_int_equal(get_mm_rss_sum(t->mm), n);
	return (unsigned long)atomic_load(&t->mm->pgtables_bytes) / PAGE_SIZE;
}

static void boot64(void)
{
	boot_cpus(1);
	mmk->log = NULL;
}

static void test_badness(void **state)
{
	struct task_struct *init, *a, *k;
	unsigned long total, pt;

	(void)state;
	boot64();
	total = oom_totalpages();
	assert_int_equal(total, totalram_pages()); /* no swap */
	init = spawn("init");
	assert_int_equal(init->tgid, 1);
	a = spawn("A");
	k = kthread_create_task("K");
	assert_non_null(k);
	pt = grow(a, 256);
	assert_true(pt >= 3 && pt <= 4); /* PUD, PMD, PTE pages */
	assert_int_equal(oom_badness(a, total), 256 + pt);
	/* swap entries count as memory */
	add_mm_counter(a->mm, MM_SWAPENTS, 10);
	assert_int_equal(oom_badness(a, total), 266 + pt);
	add_mm_counter(a->mm, MM_SWAPENTS, -10);
	/* oom_score_adj in units of totalpages / 1000 */
	a->signal->oom_score_adj = 500;
	assert_int_equal(oom_badness(a, total), 256 + pt + 500 * (long)(total / 1000));
	a->signal->oom_score_adj = -100;
	assert_int_equal(oom_badness(a, total), 256 + (long)pt - 100 * (long)(total / 1000));
	a->signal->oom_score_adj = OOM_SCORE_ADJ_MIN; /* exempt */
	assert_true(oom_badness(a, total) == LONG_MIN);
	a->signal->oom_score_adj = 0;
	/* kernel threads and init are never candidates */
	assert_true(oom_badness(k, total) == LONG_MIN);
	grow(init, 64);
	assert_true(oom_badness(init, total) == LONG_MIN);
	/* a reaped mm is no candidate any more */
	a->mm->flags |= MMF_OOM_SKIP;
	assert_true(oom_badness(a, total) == LONG_MIN);
	a->mm->flags &= ~MMF_OOM_SKIP;
	assert_int_equal(verify_all(stderr), 0);
	task_exit(k);
}

static bool killed(struct task_struct *t)
{
	return fatal_signal_pending(t) && tsk_is_oom_victim(t);
}

static void test_select_kill_reap(void **state)
{
	struct oom_control oc = { .gfp_mask = GFP_KERNEL };
	struct task_struct *a, *b, *c, *d;
	unsigned long kills;

	(void)state;
	boot64();
	spawn("init");
	a = spawn("A");
	b = spawn("B");
	c = spawn("C");
	grow(a, 300);
	grow(b, 200);
	grow(c, 400);
	c->signal->oom_score_adj = OOM_SCORE_ADJ_MIN; /* the largest, spared */
	kills = sum_vm_event(OOM_KILL);
	assert_true(out_of_memory(&oc));
	assert_ptr_equal(oc.chosen, a);
	assert_true(killed(a));
	assert_false(fatal_signal_pending(b) || fatal_signal_pending(c));
	assert_int_equal(sum_vm_event(OOM_KILL), kills + 1);
	/* A is still dying: a second OOM waits for it (no second victim) */
	assert_true(out_of_memory(&oc));
	assert_ptr_equal(oc.chosen, OOM_ABORT);
	assert_false(fatal_signal_pending(b));
	/* the reaper unmaps A's memory; A is then skipped, B is next */
	oom_reaper_run();
	assert_int_equal(get_mm_rss_sum(a->mm), 0);
	assert_true(a->mm->flags & MMF_OOM_SKIP);
	assert_int_equal(get_mm_rss_sum(c->mm), 400);
	assert_int_equal(verify_all(stderr), 0);
	assert_true(out_of_memory(&oc));
	assert_ptr_equal(oc.chosen, b);
	assert_true(killed(b));
	oom_reaper_run();
	assert_int_equal(sum_vm_event(OOM_KILL), kills + 2);
	/* a tie goes to the later group (Linux's >=) */
	task_exit(a);
	task_exit(b);
	a = spawn("A2");
	d = spawn("D");
	grow(a, 100);
	grow(d, 100);
	assert_int_equal(oom_badness(a, oom_totalpages()), oom_badness(d, oom_totalpages()));
	assert_true(out_of_memory(&oc));
	assert_ptr_equal(oc.chosen, d);
	oom_reaper_run();
	task_exit(d);
	/* only the exempt and the unkillable left: nothing to kill */
	task_exit(a);
	assert_false(out_of_memory(&oc));
	assert_null(oc.chosen);
	assert_int_equal(verify_all(stderr), 0);
}

/* A request without __GFP_FS does not kill (the OOM killer does not make
 * up for IO-less reclaim), but reports progress, as Linux. */
static void test_nofs_does_not_kill(void **state)
{
	struct oom_control oc = { .gfp_mask = GFP_NOFS };
	struct task_struct *a;

	(void)state;
	boot64();
	spawn("init");
	a = spawn("A");
	grow(a, 50);
	assert_true(out_of_memory(&oc));
	assert_false(fatal_signal_pending(a));
}

/* SMP: 3 processes on CPUs 1..3 each fill 12 MiB of a 32 MiB machine
 * without swap at once, while CPU 0 gives kswapd its turns: the OOM killer
 * runs on whichever CPU fails first, the reaper empties a victim that may
 * be faulting on another CPU, a victim's own fault ends (SIGKILL), and the
 * others complete.  Meant for TSan and the lock validator as much as for
 * the release build. */
struct oom_worker {
	struct task_struct *task;
	unsigned long base, pages, done;
	bool killed;
	int sig;
};
static _Atomic int oom_running;

static void oom_worker_run(void *info)
{
	struct oom_worker *w = info;

	context_switch(w->task);
	w->base = sys_mmap(0, w->pages << PAGE_SHIFT, MMK_PROT_READ | MMK_PROT_WRITE,
			   MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	for (w->done = 0; w->done < w->pages; w->done++)
		if (mmk_write(U, w->base + (w->done << PAGE_SHIFT), 8, w->done)) {
			w->killed = fatal_signal_pending(w->task);
			w->sig = mmu_last_fault()->sig;
			break;
		}
	context_switch_idle();
	atomic_fetch_sub(&oom_running, 1);
}

static void test_oom_smp(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	struct oom_worker w[4];
	unsigned long kills;
	const char *why;
	int c, finished = 0, killed = 0;

	(void)state;
	cfg.cpus = 4;
	cfg.ram_bytes = 32UL << 20;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	if (!getenv("MMKIT_TEST_LOG"))
		mmk->log = NULL;
	spawn("init");
	kills = sum_vm_event(OOM_KILL);
	atomic_store(&oom_running, 3);
	for (c = 1; c < 4; c++) {
		w[c] = (struct oom_worker){ .task = spawn("W"),
					    .pages = (12UL << 20) >> PAGE_SHIFT };
		cpu_call_async(c, oom_worker_run, &w[c]);
	}
	while (atomic_load(&oom_running)) {
		kswapd_run_pending();
		cpu_handle_ipis();
	}
	for (c = 1; c < 4; c++)
		cpu_call_wait(c);
	for (c = 1; c < 4; c++) {
		finished += w[c].done == w[c].pages;
		killed += fatal_signal_pending(w[c].task);
		if (!(w[c].done == w[c].pages || w[c].killed))
			fprintf(stderr, "worker %d: %lu of %lu pages, signal %d\n", c, w[c].done,
				w[c].pages, w[c].sig);
		assert_true(w[c].done == w[c].pages || w[c].killed);
	}
	assert_true(sum_vm_event(OOM_KILL) > kills);
	assert_true(killed >= 1 && finished >= 1);
	oom_reaper_release();
	assert_int_equal(verify_all(stderr), 0);
	for (c = 1; c < 4; c++)
		task_exit(w[c].task);
	oom_reaper_release();
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_badness, teardown),
	cmocka_unit_test_teardown(test_select_kill_reap, teardown),
	cmocka_unit_test_teardown(test_nofs_does_not_kill, teardown),
	cmocka_unit_test(test_oom_smp),
};

MMK_TEST_MAIN(tests, NULL, NULL);
