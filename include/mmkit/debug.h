/*
 * debug.h - the whole-structure validators behind `verify` (tier 3 of the
 * checks; Linux DEBUG_VM, mimalloc mi_assert_expensive).  Each subsystem
 * registers a check with VERIFY_CHECK; verify_all() runs them all in
 * registration-level order and prints `verify: ok` or one line per violation
 * (`verify: <check>: <what>`).  Checks run with the machine quiescent (between
 * scenario commands) and take the locks they read under.
 */
#ifndef MMKIT_DEBUG_H
#define MMKIT_DEBUG_H

#include <stdio.h>
#include "mmkit/compiler.h"

struct verify_ctx {
	FILE *out;
	const char *check; /* name of the running check */
	int errors;
	int max_reports; /* stop printing after this many (still counted) */
};
__printf(2, 3) void verify_fail(struct verify_ctx *v, const char *fmt, ...);

struct verify_check {
	const char *name;
	int order; /* lower runs first */
	void (*fn)(struct verify_ctx *v);
	struct verify_check *next;
};
void verify_register(struct verify_check *c);
#define VERIFY_CHECK(var, vname, vorder, vfn)                                           \
	static struct verify_check var = { .name = vname, .order = vorder, .fn = vfn }; \
	__attribute__((constructor)) static void __verify_reg_##var(void)               \
	{                                                                               \
		verify_register(&var);                                                  \
	}                                                                               \
	extern struct verify_check var

/* Run every check; print to out (may be NULL: count only).  Returns the
 * number of violations. */
int verify_all(FILE *out);

/* A check's zeroed scratch table (a counter per pfn, a bitmap, ...), as
 * calloc(1, bytes); NULL when the host has no memory.  Tables go back with
 * verify_scratch_free() and are kept for the next run of a check: debug
 * builds verify after every step, and a fresh host allocation each time
 * (which ASan's quarantine makes fresh pages) cost a quarter of a step.
 * Any thread; lock-free (a few slots swapped atomically). */
void *verify_scratch_zalloc(size_t bytes);
void verify_scratch_free(void *p);

/* Linux's dump_page(): one page's descriptor to the kernel log. */
struct page;
void dump_page(const struct page *page, const char *reason);

#endif
