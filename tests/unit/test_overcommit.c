/*
 * test_overcommit.c - the overcommit modes (issue 19): __vm_enough_memory
 * as Linux's mm/util.c decides - mode 0 (OVERCOMMIT_GUESS) refuses only a
 * single request above RAM + swap, mode 1 nothing, mode 2 everything that
 * would take Committed_AS to CommitLimit (overcommit_kbytes or RAM *
 * overcommit_ratio / 100, plus swap) less the admin reserve (without
 * CAP_SYS_ADMIN) and the caller's user reserve (min(total_vm / 32,
 * user_reserve_kbytes)); a refused charge is taken back.  Then the system
 * calls: mmap/brk/mprotect/fork ENOMEM in mode 2, munmap and exit giving
 * the charge back, checked by verify's "commit" check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "task_helpers.h"

static int teardown(void **state)
{
	(void)state;
	if (mmk)
		machine_shutdown();
	return 0;
}

static void boot64(void)
{
	boot_cpus(1);
	mmk->log = NULL;
}

static long committed(void) { return (long)vm_memory_committed(); }

static void test_modes(void **state)
{
	long ram, c0, limit, admin, user;
	struct mm_struct mm = { .total_vm = 320 };

	(void)state;
	boot64();
	ram = (long)totalram_pages();
	c0 = committed();
	/* mode 0: one request above RAM + swap (no swap here) */
	assert_int_equal(sysctl_overcommit_memory, OVERCOMMIT_GUESS);
	assert_int_equal(__vm_enough_memory(NULL, ram + 1, true), -ENOMEM);
	assert_int_equal(committed(), c0); /* taken back */
	assert_int_equal(__vm_enough_memory(NULL, ram, true), 0);
	assert_int_equal(__vm_enough_memory(NULL, ram, true), 0); /* no total limit */
	assert_int_equal(committed(), c0 + 2 * ram);
	vm_unacct_memory(2 * ram);
	/* mode 1: anything */
	sysctl_overcommit_memory = OVERCOMMIT_ALWAYS;
	assert_int_equal(__vm_enough_memory(NULL, 1000 * ram, false), 0);
	vm_unacct_memory(1000 * ram);
	/* mode 2: up to CommitLimit, exclusive */
	sysctl_overcommit_memory = OVERCOMMIT_NEVER;
	limit = (long)vm_commit_limit();
	assert_int_equal(limit, ram * 50 / 100);
	assert_int_equal(__vm_enough_memory(NULL, limit - c0 - 1, true), 0);
	assert_int_equal(__vm_enough_memory(NULL, 1, true), -ENOMEM);
	assert_int_equal(committed(), limit - 1);
	vm_unacct_memory(limit - c0 - 1);
	/* without CAP_SYS_ADMIN the admin reserve is kept back */
	admin = (long)(sysctl_admin_reserve_kbytes >> 2);
	assert_true(admin > 0);
	assert_int_equal(__vm_enough_memory(NULL, limit - admin - c0, false), -ENOMEM);
	assert_int_equal(__vm_enough_memory(NULL, limit - admin - c0 - 1, false), 0);
	vm_unacct_memory(limit - admin - c0 - 1);
	/* the caller's user reserve: min(total_vm / 32, user_reserve_kbytes) */
	user = min(320L / 32, (long)(sysctl_user_reserve_kbytes >> 2));
	assert_int_equal(user, 10);
	assert_int_equal(__vm_enough_memory(&mm, limit - user - c0, true), -ENOMEM);
	assert_int_equal(__vm_enough_memory(&mm, limit - user - c0 - 1, true), 0);
	vm_unacct_memory(limit - user - c0 - 1);
	/* overcommit_kbytes replaces the ratio */
	sysctl_overcommit_kbytes = 4096;
	assert_int_equal(vm_commit_limit(), 1024);
	sysctl_overcommit_kbytes = 0;
	sysctl_overcommit_ratio = 100;
	assert_int_equal(vm_commit_limit(), (unsigned long)ram);
	assert_int_equal(committed(), c0);
	assert_int_equal(verify_all(stderr), 0);
}

#define RW (MMK_PROT_READ | MMK_PROT_WRITE)
#define PA (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS)

static void test_syscalls_mode2(void **state)
{
	struct task_struct *a, *b;
	struct mm_struct *child;
	unsigned long m, r, big;
	long c0, half;

	(void)state;
	boot64();
	a = spawn("A");
	context_switch(a);
	sysctl_overcommit_memory = OVERCOMMIT_NEVER;
	c0 = committed();
	half = (long)vm_commit_limit() / 2; /* pages */
	m = sys_mmap(0, (unsigned long)half * PAGE_SIZE, RW, PA, -1, 0);
	assert_true(m < TASK_SIZE_MAX);
	assert_int_equal(committed(), c0 + half);
	/* a second half does not fit (reserves) */
	assert_int_equal((long)sys_mmap(0, (unsigned long)half * PAGE_SIZE, RW, PA, -1, 0),
			 -ENOMEM);
	/* read-only is not charged, making it writable is */
	r = sys_mmap(0, (unsigned long)half * PAGE_SIZE, MMK_PROT_READ, PA, -1, 0);
	assert_true(r < TASK_SIZE_MAX);
	assert_int_equal(committed(), c0 + half);
	assert_int_equal(sys_mprotect(r, (unsigned long)half * PAGE_SIZE, RW), -ENOMEM);
	assert_int_equal(sys_mprotect(r, 16 * PAGE_SIZE, RW), 0);
	assert_int_equal(committed(), c0 + half + 16);
	/* mode 2 ignores MAP_NORESERVE */
	big = sys_mmap(0, (unsigned long)half * PAGE_SIZE, RW, PA | MMK_MAP_NORESERVE, -1, 0);
	assert_int_equal((long)big, -ENOMEM);
	/* fork charges the child's copies: too much now */
	child = dup_mm(a->mm);
	assert_null(child);
	assert_int_equal(committed(), c0 + half + 16);
	/* munmap gives the charge back; then fork fits */
	assert_int_equal(sys_munmap(m, (unsigned long)half * PAGE_SIZE), 0);
	assert_int_equal(committed(), c0 + 16);
	child = dup_mm(a->mm);
	assert_non_null(child);
	assert_int_equal(committed(), c0 + 32);
	b = task_fork(a, "B", child);
	assert_non_null(b);
	assert_int_equal(verify_all(stderr), 0);
	task_exit(b);
	assert_int_equal(committed(), c0 + 16);
	context_switch_idle();
	task_exit(a);
	assert_int_equal(committed(), 0);
	assert_int_equal(verify_all(stderr), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_modes, teardown),
	cmocka_unit_test_teardown(test_syscalls_mode2, teardown),
};

MMK_TEST_MAIN(tests, NULL, NULL);
