/*
 * shell.c - `mmkit shell`: the scenario language typed interactively, with
 * libedit line editing, history (~/.mmkit_history) and tab completion of
 * command names, process names and /proc view paths.  A script error is
 * reported and the shell goes on; nothing it rejected has changed the machine.
 */
#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/scenario.h"
#include "mmkit/proc.h"

static struct scenario *shell_sc;

static const char *prompt(EditLine *el)
{
	(void)el;
	return "mmkit> ";
}

/* Candidates for the word being completed: commands first on a line, then
 * process operations after a process name, /proc paths after `cat`. */
static int candidates(const char *line_start, const char *word, size_t wlen,
		      const char **out, int max)
{
	struct cli_command *c;
	const struct proc_view *v;
	int n = 0, i;
	bool first = true, after_proc = false, after_cat = false;
	char w0[64] = "";

	if (sscanf(line_start, "%63s", w0) == 1 && line_start + strspn(line_start, " \t") < word) {
		first = false;
		after_proc = cli_proc_find(shell_sc, w0) != NULL;
		after_cat = !strcmp(w0, "cat");
	}
	for (c = cli_first(); c && n < max; c = c->next)
		if (((first && c->kind == CMD_GLOBAL) || (after_proc && c->kind == CMD_PROCESS)) &&
		    !strncmp(c->name, word, wlen))
			out[n++] = c->name;
	for (i = 0; first && i < shell_sc->nprocs && n < max; i++)
		if (!strncmp(shell_sc->procs[i].name, word, wlen))
			out[n++] = shell_sc->procs[i].name;
	for (v = proc_view_first(); after_cat && v && n < max; v = v->next)
		if (!v->per_task && !strncmp(v->path, word, wlen))
			out[n++] = v->path;
	return n;
}

static unsigned char complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	const char *word = li->cursor, *cands[128];
	size_t wlen, common;
	int n, i;

	(void)ch;
	while (word > li->buffer && word[-1] != ' ' && word[-1] != '\t')
		word--;
	wlen = (size_t)(li->cursor - word);
	n = candidates(li->buffer, word, wlen, cands, 128);
	if (n == 0)
		return CC_ERROR;
	common = strlen(cands[0]);
	for (i = 1; i < n; i++)
		while (common > 0 && strncmp(cands[0], cands[i], common))
			common--;
	if (common > wlen) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%.*s%s", (int)(common - wlen), cands[0] + wlen,
			 n == 1 ? " " : "");
		el_insertstr(el, buf);
		return CC_REFRESH;
	}
	printf("\n");
	for (i = 0; i < n; i++)
		printf("%s%s", cands[i], i + 1 < n ? "  " : "\n");
	return CC_REDISPLAY;
}

static void history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");

	snprintf(buf, len, "%s/.mmkit_history", home ? home : ".");
}

int shell_main(struct scenario *sc)
{
	EditLine *el = el_init("mmkit", stdin, stdout, stderr);
	History *h = history_init();
	HistEvent ev;
	char hist_file[512];
	const char *line;
	int count, lineno = 0;

	shell_sc = sc;
	if (!el || !h)
		return 2;
	history(h, &ev, H_SETSIZE, 1000);
	history_path(hist_file, sizeof(hist_file));
	history(h, &ev, H_LOAD, hist_file);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_ADDFN, "mmkit-complete", "complete a command", complete);
	el_set(el, EL_BIND, "^I", "mmkit-complete", NULL);
	if (isatty(STDIN_FILENO))
		printf("mmkit shell: the scenario language, one line at a time. "
		       "`help` lists commands; Tab completes; Ctrl-D quits.\n");
	while ((line = el_gets(el, &count)) && count > 0) {
		char *copy = strdup(line);

		if (!copy)
			break;
		copy[strcspn(copy, "\r\n")] = 0;
		if (copy[strspn(copy, " \t")])
			history(h, &ev, H_ENTER, copy);
		if (!strcmp(copy, "quit") || !strcmp(copy, "exit")) {
			free(copy);
			break;
		}
		scenario_line(sc, ++lineno, copy);
		free(copy);
	}
	history(h, &ev, H_SAVE, hist_file);
	history_end(h);
	el_end(el);
	return sc->expect_failures ? 1 : 0;
}
