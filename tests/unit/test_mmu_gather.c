/*
 * test_mmu_gather.c - how many TLB shootdowns a teardown sends, and what
 * it frees (mm/mmu_gather.c).  Process A runs on CPU 0; its thread T is
 * current on CPU 1, so every flush of A's mm is a remote one, counted in
 * nr_tlb_remote_flush.
 *
 *   test_one_flush_per_gather   MADV_DONTNEED of 9678 present pages (7 in the
 *                               on-stack bundle + 19 batch pages of 509) sends
 *                               one shootdown, 9679 send two; munmap of 1024
 *                               pages and their page tables sends one; every
 *                               page, batch pages included, is free afterwards
 *   test_batch_alloc_failure    without batch pages (alloc_pages failing) the
 *                               bundle alone is used: a flush per 7 pages, and
 *                               the memory still reads zero afterwards
 *   test_delayed_rmap           dirty shared (shmem) pages are flushed before
 *                               each PTE table's lock is dropped: a shootdown
 *                               per table; clean ones share one
 *   test_nested_flush           while another gather of the mm is pending, a
 *                               DONTNEED that clears nothing still flushes
 *                               the whole mm (Linux mm_tlb_flush_nested)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/mmu_gather.h"
#include "mmkit/mmzone.h"
#include "task_helpers.h"

#define U MMU_USER_IDX
#define GATHER_CAPACITY (MMU_GATHER_BUNDLE - 1 + MAX_GATHER_BATCH_COUNT * (MAX_GATHER_BATCH - 1))

static unsigned long free_now(void)
{
	drain_all_pages();
	return global_zone_page_state_snapshot(NR_FREE_PAGES);
}

/* A on CPU 0, its thread T current on CPU 1. */
static struct task_struct *setup(struct task_struct **t)
{
	struct task_struct *a;

	boot_cpus(2);
	a = spawn("A");
	context_switch(a);
	*t = task_create_thread(a, "T");
	assert_non_null(*t);
	cpu_call(1, switch_to, *t);
	return a;
}

static void teardown(struct task_struct *a, struct task_struct *t)
{
	task_exit(t);
	task_exit(a);
	assert_int_equal(verify_all(stderr), 0);
	machine_shutdown();
}

static unsigned long map(unsigned long pages, int flags)
{
	unsigned long m = sys_mmap(0, pages * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
				   flags | MMK_MAP_ANONYMOUS, -1, 0);

	assert_false(IS_ERR_VALUE(m));
	return m;
}

/* Shootdowns sent by madvise(addr, pages, advice). */
static unsigned long flushes_of_madvise(unsigned long addr, unsigned long pages, int advice)
{
	unsigned long before = sum_vm_event(NR_TLB_REMOTE_FLUSH);

	assert_int_equal(sys_madvise(addr, pages * PAGE_SIZE, advice), 0);
	return sum_vm_event(NR_TLB_REMOTE_FLUSH) - before;
}

static void test_one_flush_per_gather(void **state)
{
	struct task_struct *a, *t;
	unsigned long m, free0, before;

	(void)state;
	assert_int_equal(GATHER_CAPACITY, 9678); /* Linux 6.x on 4 KiB pages */
	a = setup(&t);
	m = map(GATHER_CAPACITY + 1, MMK_MAP_PRIVATE);

	assert_int_equal(mmk_memset(U, m, 1, GATHER_CAPACITY * PAGE_SIZE, NULL), 0);
	free0 = free_now();
	assert_int_equal(flushes_of_madvise(m, GATHER_CAPACITY, MMK_MADV_DONTNEED), 1);
	assert_int_equal(free_now(), free0 + GATHER_CAPACITY);

	assert_int_equal(mmk_memset(U, m, 1, (GATHER_CAPACITY + 1) * PAGE_SIZE, NULL), 0);
	assert_int_equal(flushes_of_madvise(m, GATHER_CAPACITY + 1, MMK_MADV_DONTNEED), 2);
	assert_int_equal(verify_all(stderr), 0);

	assert_int_equal(mmk_memset(U, m, 1, 1024 * PAGE_SIZE, NULL), 0);
	before = sum_vm_event(NR_TLB_REMOTE_FLUSH);
	assert_int_equal(sys_munmap(m, (GATHER_CAPACITY + 1) * PAGE_SIZE), 0);
	assert_int_equal(sum_vm_event(NR_TLB_REMOTE_FLUSH) - before, 1);
	teardown(a, t);
}

static void test_batch_alloc_failure(void **state)
{
	struct task_struct *a, *t;
	unsigned long m, free0, n = 1000;
	u64 v;

	(void)state;
	a = setup(&t);
	m = map(n, MMK_MAP_PRIVATE);
	assert_int_equal(mmk_memset(U, m, 1, n * PAGE_SIZE, NULL), 0);
	free0 = free_now();
	fault_inject_set("alloc_pages", 1, true, 0);
	/* full after each 7th page: 142 forced flushes, then the last 6 */
	assert_int_equal(flushes_of_madvise(m, n, MMK_MADV_DONTNEED), n / 7 + 1);
	fault_inject_clear_all();
	assert_int_equal(free_now(), free0 + n);
	for (unsigned long i = 0; i < n; i += 97) {
		assert_int_equal(mmk_read(U, m + i * PAGE_SIZE, 8, &v), 0);
		assert_int_equal(v, 0);
	}
	teardown(a, t);
}

static void test_delayed_rmap(void **state)
{
	struct task_struct *a, *t;
	unsigned long m, n = 1200, tables;
	u64 v;

	(void)state;
	a = setup(&t);
	m = map(n, MMK_MAP_SHARED);
	tables = ((m + n * PAGE_SIZE - 1) >> PMD_SHIFT) - (m >> PMD_SHIFT) + 1;
	assert_int_equal(mmk_memset(U, m, 1, n * PAGE_SIZE, NULL), 0); /* dirty */
	assert_int_equal(flushes_of_madvise(m, n, MMK_MADV_DONTNEED), tables);
	assert_int_equal(verify_all(stderr), 0);
	for (unsigned long i = 0; i < n; i++) /* clean: read faults */
		assert_int_equal(mmk_read(U, m + i * PAGE_SIZE, 8, &v), 0);
	assert_int_equal(v, 0x0101010101010101ULL); /* shmem kept the data */
	assert_int_equal(flushes_of_madvise(m, n, MMK_MADV_DONTNEED), 1);
	teardown(a, t);
}

static void test_nested_flush(void **state)
{
	struct task_struct *a, *t;
	struct mmu_gather other;
	unsigned long m;

	(void)state;
	a = setup(&t);
	m = map(16, MMK_MAP_PRIVATE);
	assert_int_equal(flushes_of_madvise(m, 16, MMK_MADV_DONTNEED), 0); /* nothing there */
	tlb_gather_mmu(&other, a->mm);
	assert_int_equal(flushes_of_madvise(m, 16, MMK_MADV_DONTNEED), 1);
	assert_int_equal(flushes_of_madvise(m, 16, MMK_MADV_FREE), 1);
	tlb_finish_mmu(&other); /* gathered nothing: no flush */
	assert_int_equal(flushes_of_madvise(m, 16, MMK_MADV_DONTNEED), 0);
	teardown(a, t);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_one_flush_per_gather),
	cmocka_unit_test(test_batch_alloc_failure),
	cmocka_unit_test(test_delayed_rmap),
	cmocka_unit_test(test_nested_flush),
};

MMK_TEST_MAIN(tests, NULL, NULL);
