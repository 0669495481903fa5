/*
 * test_main.h - the main() every unit test shares (tests/unit/main.c).
 * A test file lists its cases and names them with MMK_TEST_MAIN:
 *
 *	static const struct CMUnitTest tests[] = { cmocka_unit_test(test_x), ... };
 *	MMK_TEST_MAIN(tests, group_setup, group_teardown);
 *
 * MMKIT_TEST_FILTER=PATTERN (cmocka's wildcards, * and ?) runs only the
 * cases whose names match: MMKIT_TEST_FILTER=test_punch_hole_race
 * build/debug/test_fault.
 */
#ifndef MMKIT_TEST_MAIN_H
#define MMKIT_TEST_MAIN_H

#include <stddef.h>

struct mmk_test_group {
	const char *name;
	const struct CMUnitTest *tests;
	size_t count;
	CMFixtureFunction setup, teardown;
};
extern const struct mmk_test_group mmk_test_group;

#define MMK_TEST_MAIN(array, group_setup, group_teardown)                                          \
	const struct mmk_test_group mmk_test_group = { .name = #array,                             \
						       .tests = (array),                           \
						       .count =                                    \
							       sizeof(array) / sizeof((array)[0]), \
						       .setup = (group_setup),                     \
						       .teardown = (group_teardown) }

#endif
