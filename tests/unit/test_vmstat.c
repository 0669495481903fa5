/*
 * test_vmstat.c - the per-CPU counters: zone and node state counters
 * (per-CPU deltas folded past stat_threshold, mm/vmstat.c) and the
 * percpu_counter behind the RSS counters (machine/percpu_counter.c).
 *
 *   test_threshold_fold       a delta stays on its CPU up to the threshold and
 *                             moves to the global counter as a whole past it;
 *                             a big delta folds at once; the +-1 steps overstep
 *                             by half a threshold; _B items are kept in pages
 *   test_fold_drains_cpus     refresh_cpu_vm_stats empties the calling CPU's
 *                             deltas; vmstat_refresh those of every CPU (IPI)
 *   test_readers_exact        snapshot == global + deltas; after a fold the
 *                             global parts are exact, and the /proc views
 *                             (which fold first) print the exact values
 *   test_watermark_near_mark  the watermark check sees the exact free count
 *                             when the global part is within the drift of the
 *                             mark, and the cheap global part otherwise
 *   test_verify_corrupt_delta verify reports a delta beyond its threshold and
 *                             a delta that breaks NR_FREE_PAGES == free lists
 *   test_percpu_counter       batch folding, exact sums, one line per CPU
 *   test_rss_two_cpus         two threads of one mm fault on two CPUs: the RSS
 *                             deltas sit on both CPUs, the exact sums (status,
 *                             verify) count every page
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_main.h"
#include "mm/page_alloc_internal.h"
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/percpu_counter.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"
#include "task_helpers.h"

#define U MMU_USER_IDX
/* Items nothing in mmkit changes yet, so the tests own them. */
#define ZITEM NR_ZSPAGES
#define NITEM NR_KERNEL_MISC_RECLAIMABLE

static void boot(int cpus, u64 ram)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.cpus = cpus;
	cfg.ram_bytes = ram;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
	dmesg_clear();
}

static int teardown(void **state)
{
	(void)state;
	if (mmk)
		machine_shutdown();
	return 0;
}

/* The zone GFP_KERNEL allocations come from. */
static struct zone *main_zone(void) { return contig_page_data.zonelist[gfp_zone(GFP_KERNEL)][0]; }

static long zglobal(struct zone *z, int i) { return atomic_load(&z->vm_stat[i]); }

static int zdiff(struct zone *z, int cpu, int i)
{
	return READ_ONCE(z->pageset[cpu].zstats.vm_stat_diff[i]);
}

static long nglobal(int i) { return atomic_load(&contig_page_data.vm_stat[i]); }

static int ndiff(int cpu, int i)
{
	return READ_ONCE(contig_page_data.per_cpu_nodestats[cpu].vm_node_stat_diff[i]);
}

/* ------------------------------------------------------------------ */

static void test_threshold_fold(void **state)
{
	struct zone *z;
	struct page *page;
	int t, k;

	(void)state;
	boot(1, 256ULL << 20);
	z = main_zone();
	page = pfn_to_page(z->zone_start_pfn);
	t = z->pageset[0].zstats.stat_threshold;
	assert_int_equal(t, calculate_normal_threshold(z));
	assert_true(t >= 2 && t <= 125);
	assert_int_equal(z->percpu_drift, (long)t * mmk->nr_cpus);

	for (k = 0; k < t; k++)
		mod_zone_page_state(z, ZITEM, 1);
	assert_int_equal(zglobal(z, ZITEM), 0); /* all on the CPU */
	assert_int_equal(zdiff(z, 0, ZITEM), t);
	mod_zone_page_state(z, ZITEM, 1); /* past it: all of it moves */
	assert_int_equal(zglobal(z, ZITEM), t + 1);
	assert_int_equal(zdiff(z, 0, ZITEM), 0);
	mod_zone_page_state(z, ZITEM, -(t + 1) - 300); /* a big delta folds at once */
	assert_int_equal(zglobal(z, ZITEM), -300);
	assert_int_equal(zdiff(z, 0, ZITEM), 0);
	mod_zone_page_state(z, ZITEM, 300);
	assert_int_equal(zglobal(z, ZITEM), 0);

	for (k = 0; k <= t; k++) /* +1 past t: overstep */
		inc_zone_page_state(page, ZITEM);
	assert_int_equal(zglobal(z, ZITEM), t + 1 + t / 2);
	assert_int_equal(zdiff(z, 0, ZITEM), -(t / 2));
	for (k = 0; k <= t; k++)
		dec_zone_page_state(page, ZITEM);
	assert_int_equal(zglobal(z, ZITEM) + zdiff(z, 0, ZITEM), 0);

	t = contig_page_data.per_cpu_nodestats[0].stat_threshold;
	for (k = 0; k < t; k++)
		inc_node_page_state(page, NITEM);
	assert_int_equal(nglobal(NITEM), 0);
	assert_int_equal(ndiff(0, NITEM), t);
	dec_node_page_state(page, NITEM);
	assert_int_equal(ndiff(0, NITEM), t - 1);
	mod_node_page_state(NODE_DATA(0), NITEM, -(t - 1));
	assert_int_equal(nglobal(NITEM) + ndiff(0, NITEM), 0);

	/* bytes in, pages kept, bytes out */
	{
		unsigned long before =
			node_page_state_snapshot(NODE_DATA(0), NR_SLAB_RECLAIMABLE_B);

		mod_node_page_state(NODE_DATA(0), NR_SLAB_RECLAIMABLE_B, 3 * (long)PAGE_SIZE);
		assert_int_equal(node_page_state_snapshot(NODE_DATA(0), NR_SLAB_RECLAIMABLE_B),
				 before + 3 * PAGE_SIZE);
		mod_node_page_state(NODE_DATA(0), NR_SLAB_RECLAIMABLE_B, -3 * (long)PAGE_SIZE);
	}
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

static void add_deltas(void *info)
{
	struct zone *z = main_zone();

	(void)info;
	mod_zone_page_state(z, ZITEM, 2);
	mod_node_page_state(NODE_DATA(0), NITEM, -3);
}

static void fold_here(void *info) { *(int *)info = refresh_cpu_vm_stats(); }

static void test_fold_drains_cpus(void **state)
{
	struct zone *z;
	int cpu, changes;

	(void)state;
	boot(4, 256ULL << 20);
	z = main_zone();
	vmstat_refresh();
	for (cpu = 0; cpu < 4; cpu++)
		cpu_call(cpu, add_deltas, NULL);
	for (cpu = 0; cpu < 4; cpu++) {
		assert_int_equal(zdiff(z, cpu, ZITEM), 2);
		assert_int_equal(ndiff(cpu, NITEM), -3);
	}
	assert_int_equal(zglobal(z, ZITEM), 0);

	cpu_call(2, fold_here, &changes); /* one CPU folds its own */
	assert_int_equal(changes, 2);
	assert_int_equal(zdiff(z, 2, ZITEM), 0);
	assert_int_equal(ndiff(2, NITEM), 0);
	assert_int_equal(zglobal(z, ZITEM), 2);
	assert_int_equal(nglobal(NITEM), -3);
	cpu_call(2, fold_here, &changes);
	assert_int_equal(changes, 0); /* nothing left there */

	assert_int_equal(vmstat_refresh(), 1); /* CPU 0 folds all: -12 < 0 */
	for (cpu = 0; cpu < 4; cpu++) {
		assert_int_equal(zdiff(z, cpu, ZITEM), 0);
		assert_int_equal(ndiff(cpu, NITEM), 0);
	}
	assert_int_equal(zglobal(z, ZITEM), 8);
	assert_int_equal(nglobal(NITEM), -12);
	mod_node_page_state(NODE_DATA(0), NITEM, 12);
	mod_zone_page_state(z, ZITEM, -8);
	assert_int_equal(vmstat_refresh(), 0);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

static struct page *cpu1_pages[64];

static void alloc_on_cpu(void *info)
{
	int i;

	(void)info;
	for (i = 0; i < 64; i++)
		cpu1_pages[i] = alloc_page(GFP_KERNEL);
	drain_local_pages(); /* the refill's leftovers back to buddy */
}

static void free_on_cpu(void *info)
{
	int i;

	(void)info;
	for (i = 0; i < 64; i++)
		__free_page(cpu1_pages[i]);
	drain_local_pages();
}

/* The number after `label`, searched from `anchor` on (NULL: the start). */
static unsigned long view_value_after(const char *path, const char *anchor, const char *label)
{
	const struct proc_view *v = proc_view_find(path, false);
	char *buf = NULL, *p;
	size_t len = 0;
	unsigned long val = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(v);
	assert_int_equal(v->show(f, NULL), 0);
	fclose(f);
	p = anchor ? strstr(buf, anchor) : buf;
	assert_non_null(p);
	p = strstr(p, label);
	assert_non_null(p);
	sscanf(p + strlen(label), " %lu", &val);
	free(buf);
	return val;
}

static unsigned long view_value(const char *path, const char *label)
{
	return view_value_after(path, NULL, label);
}

static void test_readers_exact(void **state)
{
	struct zone *z;
	unsigned long exact, before;
	long diffs;

	(void)state;
	boot(2, 256ULL << 20);
	z = main_zone();
	drain_all_pages();
	vmstat_refresh();
	before = global_zone_page_state(NR_FREE_PAGES);
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), before);

	cpu_call(1, alloc_on_cpu, NULL);
	cpu_call(1, add_deltas, NULL); /* ZITEM +2 on CPU 1 only */
	exact = global_zone_page_state_snapshot(NR_FREE_PAGES);
	assert_int_equal(exact, before - 64);
	diffs = zdiff(z, 1, NR_FREE_PAGES);
	assert_int_equal(zone_page_state_snapshot(z, NR_FREE_PAGES),
			 zglobal(z, NR_FREE_PAGES) + zdiff(z, 0, NR_FREE_PAGES) + diffs);
	assert_int_equal(zone_page_state(z, ZITEM), 0);
	assert_int_equal(zone_page_state_snapshot(z, ZITEM), 2);

	/* The views fold first: they print the exact values. */
	assert_int_equal(view_value("/proc/vmstat", "nr_zspages "), 2);
	assert_int_equal(zdiff(z, 1, ZITEM), 0);
	assert_int_equal(zdiff(z, 1, NR_FREE_PAGES), 0);
	assert_int_equal(zone_page_state(z, ZITEM), 2);
	assert_int_equal(view_value("/proc/vmstat", "nr_free_pages "), exact);
	assert_int_equal(global_zone_page_state(NR_FREE_PAGES), exact);
	assert_int_equal(view_value("/proc/meminfo", "MemFree:"), exact * (PAGE_SIZE / 1024));
	mod_zone_page_state(z, ZITEM, -2);
	mod_node_page_state(NODE_DATA(0), NITEM, 3);

	cpu_call(1, free_on_cpu, NULL);
	assert_int_equal(global_zone_page_state_snapshot(NR_FREE_PAGES), before);
	assert_int_equal(view_value_after("/proc/zoneinfo", z->name, "pages free"),
			 zone_page_state_snapshot(z, NR_FREE_PAGES));
	assert_int_equal(global_zone_page_state(NR_FREE_PAGES), before);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

/* Move k pages of NR_FREE_PAGES from the global part to CPU 1's delta: the
 * exact value stays, the global part reads k less. */
static void shift_to_cpu1(struct zone *z, int k)
{
	spin_lock(&z->lock);
	zone_page_state_add(-k, z, NR_FREE_PAGES);
	WRITE_ONCE(z->pageset[1].zstats.vm_stat_diff[NR_FREE_PAGES],
		   (s8)(zdiff(z, 1, NR_FREE_PAGES) + k));
	spin_unlock(&z->lock);
}

static void test_watermark_near_mark(void **state)
{
	struct zone *z;
	unsigned long exact;
	int t;

	(void)state;
	boot(2, 256ULL << 20);
	z = main_zone();
	drain_all_pages();
	vmstat_refresh();
	t = z->pageset[1].zstats.stat_threshold;
	shift_to_cpu1(z, t);
	exact = zone_page_state_snapshot(z, NR_FREE_PAGES);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), exact - t);
	/* free > mark holds for the exact count, not for the global part */
	assert_true(zone_watermark_ok(z, 0, exact - 1, zone_idx(z), 0));
	assert_false(zone_watermark_ok(z, 0, exact, zone_idx(z), 0));
	assert_true(zone_watermark_ok(z, 0, exact - (unsigned long)t, zone_idx(z), 0));
	assert_int_equal(verify_all(stderr), 0);
	shift_to_cpu1(z, -t);
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), exact);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

static int verify_errors_matching(const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n = verify_all(f), found;

	fclose(f);
	found = strstr(buf, what) != NULL;
	free(buf);
	return n > 0 && found;
}

static void test_verify_corrupt_delta(void **state)
{
	struct zone *z;
	s8 *d;
	int t;

	(void)state;
	boot(2, 256ULL << 20);
	z = main_zone();
	assert_int_equal(verify_all(stderr), 0);
	t = z->pageset[1].zstats.stat_threshold;
	d = &z->pageset[1].zstats.vm_stat_diff[ZITEM];
	WRITE_ONCE(*d, (s8)(t + 1)); /* beyond the threshold */
	assert_true(verify_errors_matching("nr_zspages delta"));
	WRITE_ONCE(*d, 0);
	assert_int_equal(verify_all(stderr), 0);

	d = &z->pageset[1].zstats.vm_stat_diff[NR_FREE_PAGES];
	WRITE_ONCE(*d, (s8)(*d + 1)); /* in range, but one page too many */
	assert_true(verify_errors_matching("NR_FREE_PAGES"));
	WRITE_ONCE(*d, (s8)(*d - 1));

	d = (s8 *)&contig_page_data.per_cpu_nodestats[1].vm_node_stat_diff[NR_ANON_MAPPED];
	WRITE_ONCE(*d, (s8)(*d + 1)); /* an anon page nobody maps */
	assert_true(verify_errors_matching("NR_ANON_MAPPED"));
	WRITE_ONCE(*d, (s8)(*d - 1));
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

static struct percpu_counter pc[3];

static void pc_add(void *info)
{
	int i;

	for (i = 0; i < *(int *)info; i++)
		percpu_counter_add(&pc[1], 1);
}

static void test_percpu_counter(void **state)
{
	s32 batch;
	int n;

	(void)state;
	boot(2, 64ULL << 20);
	batch = percpu_counter_batch();
	assert_int_equal(batch, 32);
	assert_int_equal(percpu_counter_init_many(pc, 5, 3), 0);
	assert_int_equal(percpu_counter_sum(&pc[2]), 5);
	/* one cache line per CPU: CPU 1's deltas are 64 bytes after CPU 0's */
	assert_int_equal((char *)(pc[0].counters + PERCPU_COUNTER_STRIDE) - (char *)pc[0].counters,
			 64);

	n = batch - 1;
	cpu_call(1, pc_add, &n); /* stays on CPU 1 */
	assert_int_equal(percpu_counter_read(&pc[1]), 5);
	assert_int_equal(percpu_counter_sum(&pc[1]), 5 + batch - 1);
	n = 1;
	cpu_call(1, pc_add, &n); /* reaches the batch: folds */
	assert_int_equal(percpu_counter_read(&pc[1]), 5 + batch);
	assert_int_equal(percpu_counter_sum(&pc[1]), 5 + batch);
	percpu_counter_add(&pc[1], -7); /* CPU 0's own delta */
	assert_int_equal(percpu_counter_read(&pc[1]), 5 + batch);
	assert_int_equal(percpu_counter_sum(&pc[1]), 5 + batch - 7);
	percpu_counter_fold_local(&pc[1]);
	assert_int_equal(percpu_counter_read(&pc[1]), 5 + batch - 7);
	percpu_counter_add(&pc[0], -100);
	assert_int_equal(percpu_counter_sum_positive(&pc[0]), 0);
	assert_int_equal(percpu_counter_sum(&pc[0]), -95);
	assert_int_equal(percpu_counter_sum(&pc[2]), 5); /* neighbours untouched */
	percpu_counter_destroy_many(pc, 3);
	assert_null(pc[0].counters);
	assert_int_equal(percpu_counter_sum(&pc[0]), -95);
	machine_shutdown();
}

/* ------------------------------------------------------------------ */

struct toucher {
	struct task_struct *t;
	unsigned long addr, pages;
};

static void touch_pages(void *info)
{
	struct toucher *w = info;
	unsigned long i;

	context_switch(w->t);
	for (i = 0; i < w->pages; i++)
		assert_int_equal(mmk_write8(U, w->addr + i * PAGE_SIZE, 1), 0);
}

static void test_rss_two_cpus(void **state)
{
	struct task_struct *a, *b;
	struct mm_struct *mm;
	struct toucher w[2];
	unsigned long m;

	(void)state;
	boot(2, 64ULL << 20);
	a = spawn("A");
	mm = a->mm;
	context_switch(a);
	b = task_create_thread(a, "B");
	assert_non_null(b);
	m = sys_mmap(0, 100 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	w[0] = (struct toucher){ a, m, 50 };
	w[1] = (struct toucher){ b, m + 50 * PAGE_SIZE, 50 };
	cpu_call(1, touch_pages, &w[1]);
	touch_pages(&w[0]);
	/* 50 pages on each CPU: each CPU folded 32 and keeps 18 */
	assert_int_equal(percpu_counter_read(&mm->rss_stat[MM_ANONPAGES]), 64);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 64);
	assert_int_equal(get_mm_counter_sum(mm, MM_ANONPAGES), 100);
	assert_int_equal(node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED), 100);
	assert_int_equal(verify_all(stderr), 0);
	update_hiwater_rss(mm);
	assert_int_equal(mm->hiwater_rss, 100);
	task_exit(b);
	task_exit(a);
	assert_int_equal(node_page_state_snapshot(NODE_DATA(0), NR_ANON_MAPPED), 0);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_threshold_fold, teardown),
	cmocka_unit_test_teardown(test_fold_drains_cpus, teardown),
	cmocka_unit_test_teardown(test_readers_exact, teardown),
	cmocka_unit_test_teardown(test_watermark_near_mark, teardown),
	cmocka_unit_test_teardown(test_verify_corrupt_delta, teardown),
	cmocka_unit_test_teardown(test_percpu_counter, teardown),
	cmocka_unit_test_teardown(test_rss_two_cpus, teardown),
};

MMK_TEST_MAIN(tests, NULL, NULL);
