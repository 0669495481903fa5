/*
 * cmd_snapshot.c - compare a /proc view with an earlier copy of itself, so a
 * scenario can assert "this is back to what it was" without a golden file
 * that every boot-time allocation of another subsystem would invalidate:
 *
 *   snapshot VIEW        remember the text of VIEW (e.g. /proc/buddyinfo);
 *                        prints nothing
 *   unchanged VIEW       "= ok" when VIEW prints exactly what it printed at the
 *                        last snapshot, else "= changed" (the first differing
 *                        line goes to stderr)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/proc.h"

#define MAX_SNAPSHOTS 16

static struct {
	struct scenario *sc;
	char *path;
	char *text;
} snaps[MAX_SNAPSHOTS];

/* The view's text, malloc'd; NULL after a script error. */
static char *view_text(struct cmd_ctx *c)
{
	const struct proc_view *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (arg_count(c, 1, 1))
		return NULL;
	v = proc_view_find(c->argv[0], false);
	if (!v) {
		script_error(c, "%s: no such view '%s'", c->cmd, c->argv[0]);
		return NULL;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		script_error(c, "%s: out of memory", c->cmd);
		return NULL;
	}
	v->show(f, NULL);
	fclose(f);
	return buf;
}

static int find_slot(struct scenario *sc, const char *path, bool create)
{
	int i, free_slot = -1;

	for (i = 0; i < MAX_SNAPSHOTS; i++) {
		if (snaps[i].path && snaps[i].sc == sc && !strcmp(snaps[i].path, path))
			return i;
		if (free_slot < 0 && (!snaps[i].path || snaps[i].sc != sc))
			free_slot = i;
	}
	return create ? free_slot : -1;
}

static int do_snapshot(struct cmd_ctx *c)
{
	char *text = view_text(c);
	int i;

	if (!text)
		return CMD_SCRIPT_ERROR;
	i = find_slot(c->sc, c->argv[0], true);
	if (i < 0) {
		free(text);
		return script_error(c, "snapshot: more than %d views saved", MAX_SNAPSHOTS);
	}
	free(snaps[i].path);
	free(snaps[i].text);
	snaps[i].sc = c->sc;
	snaps[i].path = strdup(c->argv[0]);
	snaps[i].text = text;
	return 0;
}
CLI_COMMAND(cmd_snapshot, .name = "snapshot", .kind = CMD_GLOBAL, .usage = "snapshot VIEW",
	    .help = "remember the text of a /proc view (see unchanged)", .fn = do_snapshot)

static void report_difference(struct cmd_ctx *c, const char *a, const char *b)
{
	int line = 1;

	for (; *a && *a == *b; a++, b++)
		line += *a == '\n';
	fprintf(stderr, "%s:%d: %s differs from its snapshot at line %d\n", c->file, c->lineno,
		c->argv[0], line);
}

static int do_unchanged(struct cmd_ctx *c)
{
	char *text = view_text(c);
	int i;

	if (!text)
		return CMD_SCRIPT_ERROR;
	i = find_slot(c->sc, c->argv[0], false);
	if (i < 0) {
		free(text);
		return script_error(c, "unchanged: no snapshot of '%s'", c->argv[0]);
	}
	if (strcmp(text, snaps[i].text)) {
		report_difference(c, snaps[i].text, text);
		result_text(c, "changed");
	} else {
		result_ok(c);
	}
	free(text);
	return 0;
}
CLI_COMMAND(cmd_unchanged, .name = "unchanged", .kind = CMD_GLOBAL, .usage = "unchanged VIEW",
	    .help = "= ok if a /proc view prints what it printed at its snapshot",
	    .fn = do_unchanged)
