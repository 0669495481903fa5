/*
 * fuzz_harness.h - what the fuzz targets share: run a scenario text on a
 * small machine, line by line, with the shell's rule (a script error is
 * reported and the run goes on), verify after every line and at the end,
 * then exit every process, verify again and shut the machine down.
 *
 * A finding is a crash or sanitizer report (the fuzzer sees those itself), a
 * hang (the fuzzer's -timeout), or a verify violation: fuzz_run() reports it
 * on stderr and aborts, so that the fuzzer records the input.
 *
 * Kernel-API misuse is not input the kernel must survive (Linux itself
 * crashes on a double kfree or a wild kernel store), so the harness passes
 * a freeing or kernel-writing command only when its pointer is a variable the
 * script got from the matching allocator and has not freed yet (see
 * fuzz_harness.c); everything else in the language runs as written.
 */
#ifndef MMKIT_FUZZ_HARNESS_H
#define MMKIT_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_opts {
	const char *prefix;	  /* prepended to every input line ("A " for imports), or NULL */
	const char *const *only;  /* if set, only lines whose command is in this list run */
	const char *const *setup; /* lines run before the input (after the machine boots) */
	const char *const *tail;  /* lines run after the input, before the end checks */
	int max_lines;		  /* input lines beyond this are ignored */
};

/* Run one input; returns 0 (aborts on a finding). */
int fuzz_run(const uint8_t *data, size_t size, const struct fuzz_opts *o);

/* A host directory for a target whose input becomes a host file named
 * file: made once per process under $TMPDIR (default /tmp) as
 * mmkit-fuzz-TAG-XXXXXX, and removed with that file at exit.  Returns its
 * path (aborts if it cannot be made). */
const char *fuzz_host_dir(const char *tag, const char *file);

#endif
