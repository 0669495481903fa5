/*
 * fuzz_import.c - libFuzzer target: the `vma` and `set` import lines, the
 * lines that bring a real process's layout (/proc/PID/maps, its mm fields and
 * limits) into a task.  Each input line runs as `A LINE` when it is a vma or
 * set line; then the imported address space is used: dumped, grown, faulted,
 * forked, unmapped, and every invariant is checked (tests/fuzz/fuzz_harness.c).
 * Seed corpus: tests/fuzz/corpus/import/ (from the differential tests'
 * expanded scripts).
 */
#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "vma", "set", NULL };
	static const char *const setup[] = {
		"spawn A",
		"handle A SIGSEGV catch",
		"handle A SIGBUS catch",
		NULL,
	};
	static const char *const tail[] = {
		"cat /proc/A/maps",
		"cat /proc/A/smaps",
		"cat /proc/A/status",
		"A brk 0 -> b",
		"A brk $b+64K",
		"A touch $b 64K write",
		"A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m",
		"A touch $m 64K write",
		"A mmap 0 16K rw- MAP_SHARED|MAP_ANONYMOUS -> s",
		"A touch $s 16K write",
		"A fork B",
		"handle B SIGSEGV catch",
		"handle B SIGBUS catch",
		"B touch $m 64K write",
		"B mremap $m 64K 128K MREMAP_MAYMOVE",
		"A mprotect $m 8K r--",
		"A madvise $m 64K MADV_DONTNEED",
		"cat /proc/B/maps",
		"A munmap 0x10000 0x7fffffff0000",
		"cat /proc/A/maps",
		"B exit",
		"A exit",
		NULL,
	};
	static const struct fuzz_opts o = {
		.prefix = "A ",
		.only = only,
		.setup = setup,
		.tail = tail,
		.max_lines = 200,
	};

	return fuzz_run(data, size, &o);
}
