/*
 * test_boot_fail.c - the fail-Nth sweep of the boot itself, which failrun
 * cannot reach (it arms its rule after the boot): for every fault site the
 * boot reaches and every N up to its calls, one-shot and sticky, boot with
 * that failure armed, in a child process.  The boot either succeeds (the
 * failure was absorbed) and then verifies clean, or fails with -ENOMEM
 * having undone everything it did (machine_boot runs the exit calls of the
 * initcalls that succeeded), and the next boot without a failure works; or
 * it stops at a BUG, as Linux's early boot panics when the slab allocator
 * cannot bootstrap (kmem_cache_init) - those are counted and printed, not
 * failed.  Anything else (a sanitizer report, a crash, a failed check)
 * fails the test.  LSan checks each child at its exit.
 * Boots of 2 CPUs in 4-level and 2-level (i386, highmem) modes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/machine.h"

static struct machine_config config(int levels)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;

	cfg.cpus = 2;
	cfg.levels = levels;
	cfg.ram_bytes = 32ULL << 20;
	return cfg;
}

/* Calls each site gets during one boot (and shutdown). */
static int count_boot_calls(int levels, const char **names, long *calls, int max)
{
	struct machine_config cfg = config(levels);
	struct fault_site *s;
	const char *why;
	int n = 0;

	for (s = fault_site_first(); s; s = s->next)
		fault_inject_set(s->name, LONG_MAX, false, 0);
	assert_int_equal(machine_boot(&cfg, &why), 0);
	for (s = fault_site_first(); s && n < max; s = s->next)
		if (atomic_load(&s->calls) > 0) {
			names[n] = s->name;
			calls[n++] = atomic_load(&s->calls);
		}
	fault_inject_clear_all();
	machine_shutdown();
	return n;
}

struct verify_args {
	int errors;
};
static void verify_here(void *info) { ((struct verify_args *)info)->errors = verify_all(stderr); }

enum boot_outcome { BOOT_OK, BOOT_ENOMEM, BOOT_PANIC };

/* In the child: boot with the failure armed, check, boot again without. */
static int child_boot(int levels, const char *site, long nth, bool sticky)
{
	struct machine_config cfg = config(levels);
	struct verify_args a = { 0 };
	const char *why = NULL;
	int err, outcome = BOOT_OK;

	fault_inject_set(site, nth, sticky, 0);
	err = machine_boot(&cfg, &why);
	fault_inject_clear_all();
	if (err) {
		if (err != -ENOMEM || mmk)
			return 10; /* wrong error, or not undone */
		outcome = BOOT_ENOMEM;
	} else {
		cpu_call(0, verify_here, &a);
		machine_shutdown();
		if (a.errors)
			return 11;
	}
	if (machine_boot(&cfg, &why))
		return 12; /* something stuck */
	machine_shutdown();
	return outcome;
}

static void boot_with(int levels, const char *site, long nth, bool sticky, int counts[3])
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (getenv("BOOT_FAIL_QUIET") && null >= 0)
			dup2(null, 2);
		_exit(child_boot(levels, site, nth, sticky));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
		printf("boot with %s nth=%ld%s: BUG (panic)\n", site, nth, sticky ? " sticky" : "");
		counts[BOOT_PANIC]++;
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) > BOOT_PANIC)
		fprintf(stderr, "boot with %s nth=%ld%s: status %#x\n", site, nth,
			sticky ? " sticky" : "", status);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= BOOT_ENOMEM);
	counts[WEXITSTATUS(status)]++;
}

static void sweep(int levels)
{
	const char *names[64];
	long calls[64], nth;
	int n = count_boot_calls(levels, names, calls, 64), i, counts[3] = { 0 };

	assert_true(n > 0);
	for (i = 0; i < n; i++)
		printf("boot, levels=%d: %s called %ld times\n", levels, names[i], calls[i]);
	for (i = 0; i < n; i++)
		for (nth = 1; nth <= calls[i]; nth++) {
			boot_with(levels, names[i], nth, false, counts);
			boot_with(levels, names[i], nth, true, counts);
		}
	printf("boot sweep, levels=%d: %d sites reached; %d boots absorbed the failure, "
	       "%d failed cleanly with ENOMEM, %d stopped at a BUG\n",
	       levels, n, counts[BOOT_OK], counts[BOOT_ENOMEM], counts[BOOT_PANIC]);
	assert_true(counts[BOOT_ENOMEM] > 0);
}

static void test_boot_fail_4level(void **state)
{
	(void)state;
	sweep(4);
}
static void test_boot_fail_i386(void **state)
{
	(void)state;
	sweep(2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_fail_4level),
		cmocka_unit_test(test_boot_fail_i386),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
