/*
 * main.c - the main() of every unit test (tests/unit/test_main.h):
 * runs the file's MMK_TEST_MAIN group through cmocka, restricted to the
 * cases matching MMKIT_TEST_FILTER when it is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_main.h"

int main(void)
{
	const char *filter = getenv("MMKIT_TEST_FILTER");

	if (filter && *filter)
		cmocka_set_test_filter(filter);
	return _cmocka_run_group_tests(mmk_test_group.name, mmk_test_group.tests,
				       mmk_test_group.count, mmk_test_group.setup,
				       mmk_test_group.teardown);
}
