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
#include "test_main.h"
#include "mmkit/machine.h"
#include "mmkit/psi.h"
#include "mmkit/timer.h"

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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_calc_load),
	cmocka_unit_test(test_calc_avgs),
	cmocka_unit_test(test_pressure_memory),
};
MMK_TEST_MAIN(tests, NULL, NULL);
