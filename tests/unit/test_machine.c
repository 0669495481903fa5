/* test_machine.c - boot/shutdown, config validation, cpu_call, IPIs,
 * fault-injection rules, printk ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/machine.h"
#include "mmkit/fault_inject.h"

static void test_config_limits(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	assert_int_equal(machine_config_check(&cfg, &why), 0);
	cfg.ram_bytes = 512 << 10;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "ram"));
	cfg.ram_bytes = 64ULL << 30;
	assert_int_equal(machine_config_check(&cfg, &why), 0);
	cfg.ram_bytes = (64ULL << 30) + 4096;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
	cfg.ram_bytes = 64 << 20;
	cfg.cpus = 65;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "cpus"));
	cfg.cpus = 0;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
	cfg.cpus = 1;
	cfg.levels = 6;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
	assert_non_null(strstr(why, "levels"));
	cfg.levels = 2;
	cfg.ram_bytes = 8ULL << 30;
	assert_int_equal(machine_config_check(&cfg, &why), -EINVAL);
}

static _Atomic int ran_on[MMK_MAX_CPUS];

static void record_cpu(void *info)
{
	atomic_fetch_add(&ran_on[smp_processor_id()], 1);
	(void)info;
}

static void send_ipis(void *info)
{
	smp_call_function_many(~0ULL, record_cpu, NULL, true);
	(void)info;
}

static void test_cpu_call_and_ipi(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	int n;

	cfg.cpus = 4;
	assert_int_equal(machine_boot(&cfg, NULL), 0);
	assert_int_equal(smp_processor_id(), 0);
	memset(ran_on, 0, sizeof(ran_on));
	for (n = 0; n < 4; n++)
		cpu_call(n, record_cpu, NULL);
	for (n = 0; n < 4; n++)
		assert_int_equal(ran_on[n], 1);
	/* CPU 2 IPIs everyone else while CPU 0 waits on it (and serves the IPI). */
	cpu_call(2, send_ipis, NULL);
	for (n = 0; n < 4; n++)
		assert_int_equal(ran_on[n], n == 2 ? 1 : 2);
	/* All CPUs IPI each other at once: no deadlock. */
	for (n = 1; n < 4; n++)
		cpu_call_async(n, send_ipis, NULL);
	send_ipis(NULL);
	for (n = 1; n < 4; n++)
		cpu_call_wait(n);
	for (n = 0; n < 4; n++)
		assert_int_equal(ran_on[n], (n == 2 ? 1 : 2) + 3);
	machine_shutdown();
}

DEFINE_FAULT_SITE(test_site, "test_site");

static void test_fault_inject(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	int n, fails = 0;

	assert_int_equal(machine_boot(&cfg, NULL), 0);
	assert_false(should_fail(&test_site));
	assert_int_equal(fault_inject_set("test_site", 3, false, 0), 0);
	for (n = 1; n <= 10; n++)
		assert_int_equal(should_fail(&test_site), n == 3);
	assert_int_equal(fault_inject_set("test_site", 2, true, 0), 0);
	for (n = 1; n <= 5; n++)
		assert_int_equal(should_fail(&test_site), n >= 2);
	assert_int_equal(fault_inject_set("test_site", 0, false, 500000), 0);
	for (n = 0; n < 1000; n++)
		fails += should_fail(&test_site);
	assert_in_range(fails, 400, 600);
	assert_int_equal(fault_inject_set("nonexistent", 1, false, 0), -EINVAL);
	fault_inject_clear_all();
	assert_int_equal(fault_inject_set("any", 2, false, 0), 0);
	assert_false(should_fail(&test_site));
	assert_true(should_fail(&test_site));
	fault_inject_clear_all();
	assert_false(should_fail(&test_site));
	machine_shutdown();
}

static spinlock_t held_lock;
static _Atomic int lock_taken;

/* CPU 1: take the lock, then IPI CPU 0 (which is blocked on that lock) and
 * wait for it: CPU 0 must serve the IPI while it waits for the lock. */
static void hold_and_ipi(void *info)
{
	spin_lock(&held_lock);
	atomic_store(&lock_taken, 1);
	smp_call_function_many_irqsafe(BIT(0), record_cpu, NULL);
	spin_unlock(&held_lock);
	(void)info;
}

static void test_ipi_while_blocked_on_lock(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;

	cfg.cpus = 2;
	assert_int_equal(machine_boot(&cfg, NULL), 0);
	memset(ran_on, 0, sizeof(ran_on));
	spin_lock_init(&held_lock);
	atomic_store(&lock_taken, 0);
	cpu_call_async(1, hold_and_ipi, NULL);
	while (!atomic_load(&lock_taken))
		cpu_handle_ipis();
	spin_lock(&held_lock); /* contended: must serve CPU 1's IPI */
	spin_unlock(&held_lock);
	cpu_call_wait(1);
	assert_int_equal(ran_on[0], 1);
	spin_lock_destroy(&held_lock);
	machine_shutdown();
}

static void test_printk_ring(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	char *log;

	assert_int_equal(machine_boot(&cfg, NULL), 0);
	mmk->log = NULL;
	dmesg_clear();
	printk("hello %d\nworld\n", 42);
	log = dmesg_copy();
	assert_string_equal(log, "[    0.000000] hello 42\n[    0.000100] world\n");
	free(log);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_config_limits),
	cmocka_unit_test(test_cpu_call_and_ipi),
	cmocka_unit_test(test_fault_inject),
	cmocka_unit_test(test_printk_ring),
	cmocka_unit_test(test_ipi_while_blocked_on_lock),
};

MMK_TEST_MAIN(tests, NULL, NULL);
