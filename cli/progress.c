/*
 * progress.c - a progress line on stderr for work that takes a while: a
 * large touch or fill, a long scenario (and the replays and campaigns of
 * later issues).  Nothing is drawn unless stderr is a terminal, and nothing
 * before the work has run for PROGRESS_DELAY_MS (MMKIT_PROGRESS_DELAY_MS
 * overrides it, for tests); then the line is redrawn at most every 100 ms as
 * "\r<what>: 512 MiB of 1 GiB (50%)" and erased when the work ends or when
 * other output is printed.  Two levels nest (a touch inside a scenario):
 * the inner one is shown while it runs, then the outer one again.
 *
 * Single-threaded: called from the scenario runner's thread and from handlers
 * running on a CPU thread while the runner waits for them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/scenario.h"

#define PROGRESS_DELAY_MS 500
#define PROGRESS_REDRAW_MS 100
#define PROGRESS_DEPTH 2

struct progress {
	char what[64];
	u64 total, done;
	bool bytes;
	u64 start_ms;
};

static struct progress stack[PROGRESS_DEPTH];
static int depth;
static u64 last_draw_ms;
static bool drawn;
static int enabled = -1; /* stderr is a terminal */
static long delay_ms = PROGRESS_DELAY_MS;

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static bool progress_enabled(void)
{
	if (enabled < 0) {
		const char *d = getenv("MMKIT_PROGRESS_DELAY_MS");

		enabled = isatty(STDERR_FILENO);
		if (d && *d)
			delay_ms = strtol(d, NULL, 10);
	}
	return enabled;
}

/* "1.5 GiB", "512 KiB", "300 B" */
static void human(char *buf, size_t len, u64 v, bool bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	if (!bytes) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	while (d >= 1024 && u < 4)
		d /= 1024, u++;
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", d, unit[u]);
}

void progress_clear(void)
{
	if (!drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	drawn = false;
}

static void draw(const struct progress *p)
{
	char done[32], total[32];

	human(done, sizeof(done), p->done, p->bytes);
	if (p->total) {
		human(total, sizeof(total), p->total, p->bytes);
		fprintf(stderr, "\r\033[K%s: %s of %s (%d%%)", p->what, done, total,
			(int)(p->done * 100 / p->total));
	} else {
		fprintf(stderr, "\r\033[K%s: %s", p->what, done);
	}
	fflush(stderr);
	drawn = true;
}

void progress_begin(const char *what, u64 total, bool bytes)
{
	struct progress *p;

	if (depth == PROGRESS_DEPTH) {
		depth++; /* counted, so that progress_end pairs up */
		return;
	}
	p = &stack[depth++];
	snprintf(p->what, sizeof(p->what), "%s", what);
	p->total = total;
	p->done = 0;
	p->bytes = bytes;
	p->start_ms = progress_enabled() ? now_ms() : 0;
}

void progress_update(u64 done)
{
	struct progress *p;
	u64 t;

	if (!depth || depth > PROGRESS_DEPTH || !progress_enabled())
		return;
	p = &stack[depth - 1];
	p->done = done;
	t = now_ms();
	if (t - p->start_ms < (u64)delay_ms || (drawn && t - last_draw_ms < PROGRESS_REDRAW_MS))
		return;
	last_draw_ms = t;
	draw(p);
}

void progress_end(void)
{
	if (!depth)
		return;
	depth--;
	progress_clear();
}
