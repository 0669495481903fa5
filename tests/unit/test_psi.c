/*
 * test_psi.c - pressure stall information (mm/psi.c): Linux's fixed-point
 * arithmetic against values worked out by hand from its formulas, and the
 * whole path (a stall on a CPU, the averaging work on the simulated clock,
 * /proc/pressure/memory) against the same hand computation.
 *
 *   test_calc_load        one step of calc_load rising and falling, and
 *                         calc_load_n through fixed_power_int
 *   test_calc_avgs        calc_avgs: a 50% sample, then two missed periods
 *   test_pressure_memory  a 1 s stall at t=0: total at once, the averages
 *                         at the work's first run (2.004 s), decay at its
 *                         second (4.012 s) and over missed periods at a read
 *                         at 20 s
 *   test_refault_stall    the page cache's side (Linux filemap_read_folio,
 *                         read_pages, folio_wait_bit_common): reading a file
 *                         (10 ms a request) the first time is no stall; the
 *                         page reclaimed with PG_workingset and read back (a
 *                         refault restoring it) is one, of its read's time,
 *                         through the fault (readahead, then the page lock's
 *                         wait), through pread, and alone in a MADV_RANDOM
 *                         mapping (read_folio); re-reading cached pages is
 *                         none
 *
 * The hand computations (EXP_10s 1677, EXP_60s 1981, EXP_300s 2034, FIXED_1
 * 2048; calc_load(l, e, a) = (l*e + a*(2048-e) [+ 2047 if a >= l]) / 2048):
 *   calc_load(0, 1677, 100*2048)  = (204800*371 + 2047)/2048      = 37100
 *   a 50% sample from 0: pct 102400: avg10 (102400*371+2047)/2048 = 18550,
 *     avg60 (102400*67+2047)/2048 = 3350, avg300 (102400*14+2047)/2048 = 700
 *   fixed_power_int(1677, 11, 2) = ((1677^2 + 1024) >> 11 = 1373, then
 *     (2048*1373 + 1024) >> 11) = 1373; 18550*1373/2048 = 12436
 *   the stall: pct = 1e9*100/2.004e9 = 49 -> 100352; avg10 18179 (8.87),
 *     avg60 3283 (1.60), avg300 686 (0.33); next period empty: avg10
 *     18179*1677/2048 = 14885 (7.26), avg60 3283*1981/2048 = 3175 (1.55),
 *     avg300 686*2034/2048 = 681 (0.33); at 20 s, 6 missed periods:
 *     fixed_power_int(1677, 11, 6) = 617, 14885*617/2048 = 4484, then one
 *     empty sample 4484*1677/2048 = 3671 (1.79).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>
#include "test_main.h"
#include "mmkit/fs.h"
#include "mmkit/machine.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/psi.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/timer.h"
#include "mmkit/vmstat.h"

static void test_calc_load(void **state)
{
	(void)state;
	assert_int_equal(calc_load(0, EXP_10s, 100 * FIXED_1), 37100);
	assert_int_equal(LOAD_INT(37100UL), 18);
	assert_int_equal(LOAD_FRAC(37100UL), 11);
	/* falling: no rounding up */
	assert_int_equal(calc_load(18179, EXP_10s, 0), 14885);
	assert_int_equal(calc_load_n(18550, EXP_10s, 0, 2), 12436);
	assert_int_equal(calc_load_n(14885, EXP_10s, 0, 6), 4484);
	assert_int_equal(calc_load_n(14885, EXP_10s, 0, 0), calc_load(14885, FIXED_1, 0));
}

static void test_calc_avgs(void **state)
{
	unsigned long avg[3] = { 0, 0, 0 };

	(void)state;
	psi_calc_avgs(avg, 0, 1000000000ULL, 2000000000ULL);
	assert_int_equal(avg[0], 18550);
	assert_int_equal(avg[1], 3350);
	assert_int_equal(avg[2], 700);
	/* two empty periods missed, then an empty sample: 3 decay steps */
	psi_calc_avgs(avg, 2, 0, 2000000000ULL);
	assert_int_equal(avg[0], calc_load(12436, EXP_10s, 0));
}

static void stall_one_second(void *info)
{
	unsigned long flags, inner;

	(void)info;
	psi_task_running(true);
	psi_memstall_enter(&flags);
	psi_memstall_enter(&inner); /* nested: no effect */
	sim_clock_charge(NSEC_PER_SEC);
	psi_memstall_leave(&inner);
	psi_memstall_leave(&flags);
	psi_task_running(false);
}

static void show(char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	assert_non_null(f);
	assert_int_equal(psi_show(f), 0);
	fclose(f);
}

static void test_pressure_memory(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;
	char buf[256];

	(void)state;
	cfg.cpus = 1;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
	show(buf, sizeof(buf));
	assert_string_equal(buf, "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
				 "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
	cpu_call(0, stall_one_second, NULL);
	/* t = 1 s: the total counts at once, the averages wait for 2.004 s */
	show(buf, sizeof(buf));
	assert_string_equal(buf, "some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n"
				 "full avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n");
	sim_sleep(1004 * NSEC_PER_MSEC); /* t = 2.004 s: the work's first run */
	show(buf, sizeof(buf));
	assert_string_equal(buf, "some avg10=8.87 avg60=1.60 avg300=0.33 total=1000000\n"
				 "full avg10=8.87 avg60=1.60 avg300=0.33 total=1000000\n");
	sim_sleep(3996 * NSEC_PER_MSEC); /* t = 6 s: the second run (4.012 s) decayed */
	show(buf, sizeof(buf));
	assert_string_equal(buf, "some avg10=7.26 avg60=1.55 avg300=0.33 total=1000000\n"
				 "full avg10=7.26 avg60=1.55 avg300=0.33 total=1000000\n");
	sim_sleep(14 * NSEC_PER_SEC); /* t = 20 s: the work stopped; the read catches up */
	show(buf, sizeof(buf));
	assert_memory_equal(buf, "some avg10=1.79 ", 16);
	machine_shutdown();
}

/* ------------------------------------------------- file refaults -- */

#define PG 4096UL
#define NPAGES 4

/* The "some" (full false) or "full" total of /proc/pressure/memory, us. */
static unsigned long long psi_total(bool full)
{
	char buf[256], *p;

	show(buf, sizeof(buf));
	p = strstr(buf, "total=");
	assert_non_null(p);
	if (full) {
		p = strstr(p + 1, "total=");
		assert_non_null(p);
	}
	return strtoull(p + 6, NULL, 10);
}

/* Reclaim page `index` of m as if deactivated once (PG_workingset, what
 * shrink_active_list sets) and then evicted: a workingset shadow stays. */
static void evict_workingset(struct address_space *m, unsigned long index)
{
	struct page *page = filemap_get_page(m, index);
	LIST_HEAD(list);

	assert_non_null(page);
	lru_add_drain();
	SetPageWorkingset(page);
	assert_true(folio_isolate_lru(page));
	put_page(page); /* the lookup's: the isolation holds its own */
	list_add(&page->lru, &list);
	assert_int_equal(reclaim_pages(&list), 1);
	assert_null(filemap_get_page(m, index));
}

static unsigned long restored(void)
{
	return node_page_state_snapshot(NODE_DATA(0), WORKINGSET_RESTORE_FILE);
}

static void refault_on_cpu(void *info)
{
	struct mm_struct *mm = mm_alloc();
	struct task_struct *t = mm ? task_create("psi", mm) : NULL;
	unsigned long long some, full;
	unsigned long a, b, r;
	struct file *f;
	long fd;
	u64 v;

	(void)info;
	assert_non_null(t);
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(t);
	psi_task_running(true);
	fd = sys_open("/mnt/data", O_RDONLY, 0);
	assert_true(fd >= 0);
	a = sys_mmap(0, NPAGES * PG, MMK_PROT_READ, MMK_MAP_SHARED, (int)fd, 0);
	b = sys_mmap(0, PG, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1,
		     0);
	f = fget_current((int)fd);
	assert_non_null(f);

	/* the first read of every page: I/O, no stall */
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(mmk_read(MMU_USER_IDX, a + i * PG, 8, &v), 0);
	assert_int_equal(psi_total(false), 0);
	assert_int_equal(psi_total(true), 0);

	/* page 1 refaults through the fault: restored, its read a stall of at
	 * least the request's 10 ms (readahead hands it over, the fault waits
	 * for its lock); the eviction itself (MADV_PAGEOUT's path) is none.
	 * (PSI weighs a CPU's share by its non-idle jiffies at each read of
	 * the file, as Linux: a request of a jiffy or more counts whole.) */
	evict_workingset(f->f_mapping, 1);
	assert_int_equal(psi_total(false), 0);
	r = restored();
	assert_int_equal(mmk_read(MMU_USER_IDX, a + PG, 8, &v), 0);
	assert_int_equal(restored(), r + 1);
	some = psi_total(false);
	full = psi_total(true);
	assert_true(some >= 10000);
	assert_int_equal(full, some);

	/* cached pages read again: no stall */
	for (unsigned long i = 0; i < NPAGES; i++)
		assert_int_equal(mmk_read(MMU_USER_IDX, a + i * PG, 8, &v), 0);
	assert_int_equal(sys_pread64((int)fd, b, PG, 2 * PG), (long)PG);
	assert_int_equal(psi_total(false), some);

	/* page 2 refaults through pread: a stall again */
	evict_workingset(f->f_mapping, 2);
	assert_int_equal(psi_total(false), some);
	assert_int_equal(sys_pread64((int)fd, b, PG, 2 * PG), (long)PG);
	assert_int_equal(restored(), r + 2);
	assert_true(psi_total(false) >= some + 10000);
	assert_int_equal(psi_total(true), psi_total(false));

	/* page 3 refaults in a MADV_RANDOM mapping: no readahead, the fault
	 * reads it alone (filemap_read_folio), a stall again */
	some = psi_total(false);
	assert_int_equal(sys_madvise(a, NPAGES * PG, MMK_MADV_RANDOM), 0);
	evict_workingset(f->f_mapping, 3);
	assert_int_equal(mmk_read(MMU_USER_IDX, a + 3 * PG, 8, &v), 0);
	assert_int_equal(restored(), r + 3);
	assert_true(psi_total(false) >= some + 10000);

	fput(f);
	assert_int_equal(sys_munmap(a, NPAGES * PG), 0);
	assert_int_equal(sys_close((int)fd), 0);
	psi_task_running(false);
}

static void test_refault_stall(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	char hostdir[256], path[300], cmd[300], page[PG];
	const char *why;
	int hfd;

	(void)state;
	snprintf(hostdir, sizeof(hostdir), "%s/mmkit-test-psi-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(hostdir));
	snprintf(path, sizeof(path), "%s/data", hostdir);
	hfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(hfd >= 0);
	memset(page, 0x5a, sizeof(page)); /* written blocks: reads are I/O */
	for (int i = 0; i < NPAGES; i++)
		assert_int_equal(write(hfd, page, PG), (ssize_t)PG);
	close(hfd);
	cfg.cpus = 1;
	cfg.ram_bytes = 32 << 20;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
	assert_int_equal(do_mount_host(hostdir, "/mnt", false, 10 * NSEC_PER_MSEC, 0), 0);
	cpu_call(0, refault_on_cpu, NULL);
	machine_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hostdir);
	assert_int_equal(system(cmd), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_calc_load),
	cmocka_unit_test(test_calc_avgs),
	cmocka_unit_test(test_pressure_memory),
	cmocka_unit_test(test_refault_stall),
};
MMK_TEST_MAIN(tests, NULL, NULL);
