/*
 * fuzz_elf.c - libFuzzer target: the ELF loader (fs/binfmt_elf.c), as
 * `spawn A exec PATH` runs it.
 *
 * Input: the executable file itself.  The bytes become a host file under a
 * mount, and a scenario execs it: the loader takes it (the image is then
 * used: its maps and smaps read, every page populated and locked, the break
 * moved, a fork and exits) or refuses it with ENOEXEC, EINVAL, EEXIST,
 * ENOMEM or EFAULT (load_elf_binary's answers; the harness sees only that
 * nothing crashes, leaks or breaks an invariant), with every invariant
 * checked after each line (fuzz_harness.c).
 * Seed corpus: tests/fuzz/corpus/elf/ (tests/fuzz/gen_elf_seeds.py: static
 * non-PIE and PIE images, bss, executable and non-executable stacks, odd
 * alignments, overlapping and unordered segments, truncated headers).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_harness.h"

static char mount_line[300];

/* The program on the host, as /bin/prog once mounted. */
static void write_file(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_host_dir("elf", "prog");
	char path[300];
	FILE *f;

	snprintf(mount_line, sizeof(mount_line), "mount %s /bin ro", dir);
	snprintf(path, sizeof(path), "%s/prog", dir);
	f = fopen(path, "w");
	if (!f || (size && fwrite(data, 1, size, f) != size))
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *setup[] = { NULL, NULL };
	static const char *const tail[] = {
		"spawn A exec /bin/prog",
		"handle A SIGSEGV catch",
		"handle A SIGBUS catch",
		"cat /proc/A/maps",
		"cat /proc/A/smaps",
		"cat /proc/A/status",
		"A mlockall MCL_CURRENT",
		"A munlockall",
		"A brk 0 -> b",
		"A brk $b+0x3000",
		"A fork B",
		"B exit",
		"A exit",
		NULL,
	};
	static const struct fuzz_opts o = { .setup = setup, .tail = tail, .max_lines = 0 };

	write_file(data, size);
	setup[0] = mount_line;
	return fuzz_run((const uint8_t *)"", 0, &o);
}
