/*
 * test_lockdep.c - the lock validator (machine/lockdep.c) finds the bugs it
 * is there for.  Each case plants one and checks the report in the kernel
 * log, with the validator's reports made non-fatal (debug builds; release
 * builds have no validator and skip them):
 *   test_inversion_two_cpus        A then B on CPU 0, B then A on CPU 1:
 *                                  reported with both acquisition chains
 *   test_mmap_assert_without_lock  a function asserting mmap_lock, called
 *                                  without it: reported; with it: not
 *   test_tree_inversion            mm->page_table_lock then mmap_lock,
 *                                  against mm/rmap.c's lock-order tree
 *   test_tree_missing_nesting      a nesting the tree does not list
 *   test_ipi_lock_at_interrupt     a lock taken in an IPI handler, held at
 *                                  an interrupt point serving that IPI
 *   test_ipi_sent_under_spinlock   a drain-class IPI sent with a spinlock
 *                                  held; a TLB-flush-class one is fine
 *   test_recursive_read            a reader taking its rwsem again
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "mmkit/lockdep.h"
#include "mmkit/mm.h"
#include "task_helpers.h"
#include "test_main.h"

#ifdef CONFIG_LOCKDEP
static spinlock_t lock_a, lock_b;

/* Boot two CPUs with a fresh graph and non-fatal reports. */
static int setup(void **state)
{
	(void)state;
	boot_cpus(2);
	lockdep_reset();
	lockdep_fatal = false;
	spin_lock_init(&lock_a);
	spin_lock_init(&lock_b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lockdep_fatal = true;
	lockdep_reset();
	machine_shutdown();
	return 0;
}

/* Does the kernel log contain every string given (NULL-terminated)? */
static bool log_has(const char *first, ...)
{
	char *log = dmesg_copy();
	const char *s = first;
	bool all = true;
	va_list ap;

	va_start(ap, first);
	for (; s; s = va_arg(ap, const char *))
		if (!strstr(log, s)) {
			fprintf(stderr, "log lacks \"%s\":\n%s", s, log);
			all = false;
		}
	va_end(ap);
	free(log);
	return all;
}

static void take_a_then_b(void *unused)
{
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
}

static void take_b_then_a(void *unused)
{
	spin_lock(&lock_b);
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
}

static void test_inversion_two_cpus(void **state)
{
	int before = lockdep_reports();

	(void)state;
	cpu_call(0, take_a_then_b, NULL);
	assert_int_equal(lockdep_reports(), before); /* one order is fine */
	cpu_call(1, take_b_then_a, NULL);
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("possible circular locking dependency detected",
			    "CPU 1 is trying to acquire &lock_a at take_b_then_a",
			    "&lock_b at take_b_then_a", /* the new chain */
			    "&lock_a -> &lock_b, first taken on CPU 0",
			    "&lock_a at take_a_then_b", /* the old chain */
			    "&lock_b at take_a_then_b", NULL));
	cpu_call(1, take_b_then_a, NULL); /* reported once */
	assert_int_equal(lockdep_reports(), before + 1);
}

/* A function whose contract says "caller holds mmap_lock". */
static int needs_mmap_lock(struct mm_struct *mm)
{
	mmap_assert_locked(mm);
	return mm->map_count;
}

static void test_mmap_assert_without_lock(void **state)
{
	struct task_struct *t = spawn("A");
	int before = lockdep_reports();

	(void)state;
	mmap_read_lock(t->mm);
	needs_mmap_lock(t->mm);
	mmap_read_unlock(t->mm);
	assert_int_equal(lockdep_reports(), before);
	needs_mmap_lock(t->mm); /* the planted bug */
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("mmap_assert_locked(mm) failed in needs_mmap_lock", NULL));
	task_exit(t);
}

static void test_tree_inversion(void **state)
{
	struct task_struct *t = spawn("A");
	int before = lockdep_reports();

	(void)state;
	spin_lock(&t->mm->page_table_lock);
	mmap_read_lock(t->mm); /* the tree says: the other way */
	mmap_read_unlock(t->mm);
	spin_unlock(&t->mm->page_table_lock);
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("lock order inversion against the lock-order tree",
			    "mm->mmap_lock while holding &mm->page_table_lock", "mm/rmap.c", NULL));
	task_exit(t);
}

static void test_tree_missing_nesting(void **state)
{
	struct task_struct *t = spawn("A");
	int before = lockdep_reports();

	(void)state;
	spin_lock(&mmlist_lock);
	spin_lock(&t->mm->page_table_lock); /* not in the tree */
	spin_unlock(&t->mm->page_table_lock);
	spin_unlock(&mmlist_lock);
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("lock nesting missing from the lock-order tree",
			    "&mm->page_table_lock is taken while holding mmlist_lock", NULL));
	task_exit(t);
}

static void take_a_in_ipi(void *unused)
{
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
}

static void send_take_a(void *unused) { smp_call_function_many(BIT(1), take_a_in_ipi, NULL, true); }

/* On CPU 1: hold lock_a across an interrupt point that serves every IPI
 * (an access slow path or a sleeping wait would be one). */
static void hold_a_at_interrupt_point(void *unused)
{
	spin_lock(&lock_a);
	cpu_handle_ipis();
	lockdep_interrupt_point(IPI_ALL, NULL);
	spin_unlock(&lock_a);
}

static void test_ipi_lock_at_interrupt(void **state)
{
	int before = lockdep_reports();

	(void)state;
	cpu_call(0, send_take_a, NULL); /* lock_a: taken in an IPI */
	assert_int_equal(lockdep_reports(), before);
	cpu_call(1, hold_a_at_interrupt_point, NULL);
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("lock held at an interrupt point whose IPIs take it",
			    "&lock_a at hold_a_at_interrupt_point",
			    "&lock_a is taken in an IPI handler", "&lock_a at take_a_in_ipi",
			    NULL));
}

static void nothing(void *unused) {}

static void flush_kind_under_spinlock(void *unused)
{
	spin_lock(&lock_b);
	smp_call_function_many_irqsafe(BIT(1), nothing, NULL); /* a TLB flush: fine */
	spin_unlock(&lock_b);
}

static void drain_kind_under_spinlock(void *unused)
{
	spin_lock(&lock_b);
	smp_call_function_many(BIT(1), nothing, NULL, true); /* a drain: not with a spinlock */
	spin_unlock(&lock_b);
}

static void test_ipi_sent_under_spinlock(void **state)
{
	int before = lockdep_reports();

	(void)state;
	cpu_call(0, flush_kind_under_spinlock, NULL);
	assert_int_equal(lockdep_reports(), before);
	cpu_call(0, drain_kind_under_spinlock, NULL);
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(
		log_has("IPI sent and waited for with a lock held whose waiters do not serve it",
			"&lock_b at drain_kind_under_spinlock",
			"a CPU waiting for &lock_b serves irq-safe IPIs only", NULL));
}

static void test_recursive_read(void **state)
{
	static struct rw_semaphore sem;
	int before = lockdep_reports();

	(void)state;
	init_rwsem(&sem);
	down_read(&sem);
	down_read(&sem); /* a waiting writer would deadlock it */
	assert_int_equal(lockdep_reports(), before + 1);
	assert_true(log_has("possible recursive locking detected", "&sem", NULL));
	up_read(&sem);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_inversion_two_cpus),    T(test_mmap_assert_without_lock),
	T(test_tree_inversion),	       T(test_tree_missing_nesting),
	T(test_ipi_lock_at_interrupt), T(test_ipi_sent_under_spinlock),
	T(test_recursive_read),
};
#else
static void test_no_validator(void **state)
{
	(void)state;
	skip(); /* release builds have no lock validator */
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_no_validator),
};
#endif

MMK_TEST_MAIN(tests, NULL, NULL);
