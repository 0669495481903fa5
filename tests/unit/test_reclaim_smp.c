/*
 * test_reclaim_smp.c - 2, 4 and 8 CPUs faulting under memory pressure with
 * kswapd running (issue 19): 16 MiB of RAM, a swap file, and one process
 * per faulting CPU whose anonymous working sets add up to 1.5x RAM.  CPU 0
 * gives kswapd its turns in a loop while CPUs 1..N-1 write every page of
 * their process, then read every page back and check it, twice: direct
 * reclaim, kswapd, swap-out, swap-in and the LRU lists race on the same
 * node.  At the end every word is what its CPU wrote, verify passes, and
 * kswapd and direct reclaim both reclaimed.  Meant for the TSan and lockdep
 * builds as much as for the release one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/fs.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/swap.h"
#include "mmkit/vmscan.h"
#include "task_helpers.h"

#define U MMU_USER_IDX
#define RAM (16UL << 20)
#define WORKSET (24UL << 20)

static char hostdir[256];
static _Atomic int running;

struct worker {
	struct task_struct *task;
	unsigned long base, pages;
	int id, errors;
};

static void worker_run(void *info)
{
	struct worker *w = info;

	context_switch(w->task);
	w->base = sys_mmap(0, w->pages << PAGE_SHIFT, MMK_PROT_READ | MMK_PROT_WRITE,
			   MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_NORESERVE, -1, 0);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned long i = 0; i < w->pages; i++) {
			u64 v = ((u64)w->id << 48) | ((u64)pass << 40) | i;

			if (mmk_write(U, w->base + (i << PAGE_SHIFT), 8, v))
				w->errors++;
		}
		for (unsigned long i = 0; i < w->pages; i++) {
			u64 v = 0;

			if (mmk_read(U, w->base + (i << PAGE_SHIFT), 8, &v) ||
			    v != (((u64)w->id << 48) | ((u64)pass << 40) | i))
				w->errors++;
		}
	}
	context_switch_idle();
	atomic_fetch_sub(&running, 1);
}

struct swapon_args {
	const char *path;
	long ret;
	bool off;
};

static void swapon_on_cpu(void *info)
{
	struct swapon_args *a = info;

	a->ret = a->off ? sys_swapoff(a->path) : sys_swapon(a->path, 0);
}

static void host_swapfile(unsigned long pages)
{
	unsigned char page[4096] = { 0 };
	char path[400];
	int fd;

	snprintf(path, sizeof(path), "%s/swap", hostdir);
	assert_int_equal(swap_header_build(page, pages, NULL, NULL), 0);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, page, 4096), 4096);
	assert_int_equal(posix_fallocate(fd, 4096, (off_t)(pages - 1) * 4096), 0);
	close(fd);
}

static void pressure(int cpus)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	struct swapon_args sa = { .path = "/mnt/swap" };
	struct worker w[8];
	const char *why;
	char cmd[400];
	int c;

	snprintf(hostdir, sizeof(hostdir), "%s/mmkit-test-reclaim-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(hostdir));
	host_swapfile((2 * WORKSET) >> PAGE_SHIFT);
	cfg.cpus = cpus;
	cfg.ram_bytes = RAM;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
	assert_int_equal(do_mount_host(hostdir, "/mnt", false, 0, 0), 0);
	cpu_call(0, swapon_on_cpu, &sa);
	assert_int_equal(sa.ret, 0);
	atomic_store(&running, cpus - 1);
	for (c = 1; c < cpus; c++) {
		w[c] = (struct worker){ .task = spawn("W"),
					.id = c,
					.pages = (WORKSET / (unsigned long)(cpus - 1)) >>
						 PAGE_SHIFT };
		cpu_call_async(c, worker_run, &w[c]);
	}
	while (atomic_load(&running)) { /* CPU 0: kswapd's turns */
		kswapd_run_pending();
		cpu_handle_ipis(); /* an idle CPU's interrupt point */
	}
	for (c = 1; c < cpus; c++)
		cpu_call_wait(c);
	for (c = 1; c < cpus; c++)
		assert_int_equal(w[c].errors, 0);
	assert_int_equal(verify_all(stderr), 0);
	assert_true(sum_vm_event(PSWPOUT) > 0);
	assert_true(sum_vm_event(PGSTEAL_DIRECT) + sum_vm_event(PGSTEAL_KSWAPD) > 0);
	for (c = 1; c < cpus; c++)
		task_exit(w[c].task);
	sa.off = true;
	cpu_call(0, swapon_on_cpu, &sa);
	assert_int_equal(sa.ret, 0);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hostdir);
	assert_int_equal(system(cmd), 0);
}

static void test_pressure_2cpu(void **state)
{
	(void)state;
	pressure(2);
}
static void test_pressure_4cpu(void **state)
{
	(void)state;
	pressure(4);
}
static void test_pressure_8cpu(void **state)
{
	(void)state;
	pressure(8);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_pressure_2cpu),
	cmocka_unit_test(test_pressure_4cpu),
	cmocka_unit_test(test_pressure_8cpu),
};

MMK_TEST_MAIN(tests, NULL, NULL);
