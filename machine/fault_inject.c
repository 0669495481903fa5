/*
 * fault_inject.c - fault-injection sites (see include/mmkit/fault_inject.h).
 * A site decides by its own rule (nth call, sticky, probability); the pseudo
 * site "any" counts every site's calls together.  Probabilities draw from
 * the calling CPU's seeded generator, so cpus=1 runs repeat exactly.
 *
 * Locking: the registry is built before main() and then read-only; rules are
 * set while the machine is quiescent; counters are atomics.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/machine.h"

_Atomic int fault_inject_armed;
_Atomic long fault_inject_absorbed;
static struct fault_site *fault_sites;
struct fault_site fault_any = { .name = "any" };

void fault_site_register(struct fault_site *site)
{
	site->next = fault_sites;
	fault_sites = site;
}

struct fault_site *fault_site_first(void) { return fault_sites; }

struct fault_site *fault_site_find(const char *name)
{
	struct fault_site *s;

	if (!strcmp(name, "any"))
		return &fault_any;
	for (s = fault_sites; s; s = s->next)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static bool site_armed(const struct fault_site *s) { return s->nth || s->prob_ppm; }

static fault_trace_fn fault_trace;

void fault_inject_set_trace(fault_trace_fn fn) { fault_trace = fn; }

/* Whether this call of s fails; *np = its number (1-based) while s is armed. */
static bool site_decide(struct fault_site *s, long *np)
{
	long n;

	if (!site_armed(s))
		return false;
	n = atomic_fetch_add(&s->calls, 1) + 1;
	*np = n;
	if (s->nth && (n == s->nth || (s->sticky && n > s->nth)))
		return true;
	if (s->prob_ppm && mmk && mmk_this_cpu && mmk_random() % 1000000 < s->prob_ppm)
		return true;
	return false;
}

bool __should_fail(struct fault_site *site)
{
	long n = 0, n_any = 0;
	bool any = site_decide(&fault_any, &n_any); /* both count the call */
	bool fail = site_decide(site, &n) || any;

	if (fault_trace && n)
		fault_trace(site, n);

	if (fail) {
		atomic_fetch_add(&site->failures, 1);
		if (site_armed(&fault_any))
			atomic_fetch_add(&fault_any.failures, 1);
	}
	return fail;
}

static void recount_armed(void)
{
	struct fault_site *s;
	int n = site_armed(&fault_any);

	for (s = fault_sites; s; s = s->next)
		n += site_armed(s);
	atomic_store(&fault_inject_armed, n);
}

int fault_inject_set(const char *name, long nth, bool sticky, u32 prob_ppm)
{
	struct fault_site *s = fault_site_find(name);

	if (!s || nth < 0 || prob_ppm > 1000000)
		return -EINVAL;
	s->nth = nth;
	s->sticky = sticky;
	s->prob_ppm = prob_ppm;
	atomic_store(&s->calls, 0);
	atomic_store(&s->failures, 0);
	recount_armed();
	return 0;
}

void fault_inject_clear_all(void)
{
	struct fault_site *s;

	fault_any.nth = 0;
	fault_any.prob_ppm = 0;
	for (s = fault_sites; s; s = s->next) {
		s->nth = 0;
		s->prob_ppm = 0;
	}
	recount_armed();
}
