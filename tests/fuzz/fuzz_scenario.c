/*
 * fuzz_scenario.c - libFuzzer target: the scenario language end to end.
 * The input is a scenario; it runs on a 16 MiB, 2-CPU machine with every
 * invariant check after every line and at the end (tests/fuzz/fuzz_harness.c
 * says what is filtered and why).  Seed corpus: tests/fuzz/corpus/scenario/,
 * dictionary: tests/fuzz/scenario.dict.  docs/TESTING.md "Fuzzing".
 */
#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_opts o = { .max_lines = 200 };

	return fuzz_run(data, size, &o);
}
