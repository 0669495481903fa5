/*
 * fault_inject.h - one fault-injection facility for every allocation site
 * (Linux's fault_attr / fail_nth, SQLite's OOM loop).  A site is a named
 * static object; the allocator asks should_fail(&site) before it allocates.
 * The disabled case costs one relaxed load of a global counter.
 *
 * A site fails by rule: its Nth call from now (nth=N, once), every call after
 * the Nth (nth=N with sticky), or each call with probability P (seeded from the
 * machine seed, so cpus=1 runs repeat exactly).  The special site "any" makes
 * the rule apply to the global sequence of calls across all sites, which is
 * what an OOM loop over "the Nth allocation, wherever it is" needs.
 *
 * Sites are registered by a constructor (DEFINE_FAULT_SITE), so every site in
 * the program can be listed and armed by name (scenario command `fail`).
 */
#ifndef MMKIT_FAULT_INJECT_H
#define MMKIT_FAULT_INJECT_H

#include "mmkit/compiler.h"

struct fault_site {
	const char *name;
	struct fault_site *next; /* registry, built before main() */
	_Atomic long calls;	 /* calls seen while armed */
	_Atomic long failures;	 /* failures injected */
	long nth;		 /* fail when calls reaches nth (1-based); 0 = off */
	bool sticky;		 /* keep failing after the nth */
	u32 prob_ppm;		 /* probability in parts per million; 0 = off */
};

extern _Atomic int fault_inject_armed; /* number of armed sites, "any" included */

bool __should_fail(struct fault_site *site);
static __always_inline bool should_fail(struct fault_site *site)
{
	if (likely(atomic_load_explicit(&fault_inject_armed, memory_order_relaxed) == 0))
		return false;
	return __should_fail(site);
}

/*
 * A best-effort path that swallows a failure (readahead stops at the first
 * page it cannot get, as Linux's page_cache_ra_unbounded, and leaves the
 * pages of a failed read not uptodate for a later access to read again)
 * says so: the fail-Nth judge then knows that a later look at what that
 * path would have done (page-cache residency, major faults) may differ.
 * Counts only while some site is armed.
 */
extern _Atomic long fault_inject_absorbed;
static inline void fault_absorbed(void)
{
	if (atomic_load_explicit(&fault_inject_armed, memory_order_relaxed))
		atomic_fetch_add_explicit(&fault_inject_absorbed, 1, memory_order_relaxed);
}

void fault_site_register(struct fault_site *site);
#define DEFINE_FAULT_SITE(var, sname)                                    \
	struct fault_site var = { .name = sname };                       \
	__attribute__((constructor)) static void __fault_reg_##var(void) \
	{                                                                \
		fault_site_register(&var);                               \
	}                                                                \
	extern struct fault_site var

/* Arm, disarm and inspect sites by name ("any" = every site counted together). */
struct fault_site *fault_site_find(const char *name);
int fault_inject_set(const char *name, long nth, bool sticky, u32 prob_ppm);
void fault_inject_clear_all(void);
struct fault_site *fault_site_first(void);
extern struct fault_site fault_any;

/*
 * A test harness's observer of every counted call (the fail-Nth sweep's
 * failure points, tests/reliability/failrun --points): called with the
 * site and the call's number while the site is armed, on the calling CPU,
 * possibly under any kernel lock, so it must not re-enter the kernel.
 * Set while the machine is quiescent; NULL (the default) turns it off.
 */
typedef void (*fault_trace_fn)(struct fault_site *site, long n);
void fault_inject_set_trace(fault_trace_fn fn);

#endif
