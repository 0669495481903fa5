/*
 * test_mincore.c - mincore(2) (mm/mincore.c) on the page walk:
 *   test_anon               touched pages 1, the rest 0, a hole -ENOMEM
 *                           after the VMA before it was filled
 *   test_shmem_cache        a shared anonymous page unmapped by
 *                           MADV_DONTNEED stays in the page cache: 1
 *   test_guard_and_args     guard markers read 0; unaligned start EINVAL;
 *                           a range beyond TASK_SIZE ENOMEM
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "task_helpers.h"

#define U MMU_USER_IDX

static int setup(void **state)
{
	struct task_struct *t;

	boot_cpus(1);
	t = spawn("A");
	context_switch(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	task_exit(*state);
	machine_shutdown();
	return 0;
}

static unsigned long map(unsigned long len, int flags)
{
	unsigned long a = sys_mmap(0, len, MMK_PROT_READ | MMK_PROT_WRITE, flags, -1, 0);

	assert_false(IS_ERR_VALUE(a));
	return a;
}

static void test_anon(void **state)
{
	unsigned long a = map(8 * PAGE_SIZE, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS);
	unsigned char vec[16];
	static const unsigned char want[8] = { 1, 0, 1, 1, 0, 0, 0, 1 };

	(void)state;
	for (int i = 0; i < 8; i++)
		if (want[i])
			assert_int_equal(mmk_write(U, a + i * PAGE_SIZE, 8, 1), 0);
	memset(vec, 0xff, sizeof(vec));
	assert_int_equal(sys_mincore(a, 8 * PAGE_SIZE - 100, vec), 0); /* partial page counts */
	assert_memory_equal(vec, want, 8);
	assert_int_equal(sys_munmap(a + 8 * PAGE_SIZE, PAGE_SIZE), 0);
	memset(vec, 0xff, sizeof(vec));
	assert_int_equal(sys_mincore(a, 9 * PAGE_SIZE, vec), -ENOMEM); /* a page past the VMA */
	assert_memory_equal(vec, want, 8);
}

static void test_shmem_cache(void **state)
{
	unsigned long a = map(4 * PAGE_SIZE, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS);
	unsigned char vec[4];

	(void)state;
	assert_int_equal(mmk_write(U, a, 8, 7), 0);
	assert_int_equal(mmk_write(U, a + 2 * PAGE_SIZE, 8, 7), 0);
	assert_int_equal(sys_madvise(a, 4 * PAGE_SIZE, MMK_MADV_DONTNEED), 0);
	assert_int_equal(sys_mincore(a, 4 * PAGE_SIZE, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 1, 0, 1, 0 }), 4);
}

static void test_guard_and_args(void **state)
{
	unsigned long a = map(4 * PAGE_SIZE, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS);
	unsigned char vec[4];

	(void)state;
	assert_int_equal(mmk_write(U, a, 8, 1), 0);
	assert_int_equal(mmk_write(U, a + PAGE_SIZE, 8, 1), 0);
	assert_int_equal(sys_madvise(a + PAGE_SIZE, PAGE_SIZE, MMK_MADV_GUARD_INSTALL), 0);
	assert_int_equal(sys_mincore(a, 4 * PAGE_SIZE, vec), 0);
	assert_memory_equal(vec, ((unsigned char[]){ 1, 0, 0, 0 }), 4);
	assert_int_equal(sys_mincore(a + 1, PAGE_SIZE, vec), -EINVAL);
	assert_int_equal(sys_mincore(TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE, vec), -ENOMEM);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_anon),
	T(test_shmem_cache),
	T(test_guard_and_args),
};

MMK_TEST_MAIN(tests, NULL, NULL);
