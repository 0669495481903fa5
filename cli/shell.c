/*
 * shell.c - `mmkit shell`: the scenario language typed interactively, with
 * libedit line editing, history (~/.mmkit_history) and Tab completion of
 * command names, process names, /proc paths (/proc/A/maps too), command
 * names after help, and flag names (MAP_*, PROT_*, MADV_*, GFP_*, ...) from
 * each command's flag tables, one '|'-separated part at a time.  `help CMD`
 * prints the text `mmkit help CMD` prints.  A script error is reported (with
 * a suggestion for a typo) and the shell goes on; nothing it rejected has
 * changed the machine.
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

#define MAX_CANDS 256

struct cands {
	const char *word; /* the part being completed */
	size_t wlen;
	int n;
	const char *v[MAX_CANDS];
	char store[MAX_CANDS][72]; /* for names built here (/proc/A/maps) */
};

static void cand_add(struct cands *cs, const char *name)
{
	if (cs->n < MAX_CANDS && !strncmp(name, cs->word, cs->wlen))
		cs->v[cs->n++] = name;
}

static void cand_add_copy(struct cands *cs, const char *fmt, const char *a, const char *b)
{
	if (cs->n == MAX_CANDS)
		return;
	snprintf(cs->store[cs->n], sizeof(cs->store[0]), fmt, a, b);
	cand_add(cs, cs->store[cs->n]);
}

static void add_procs(struct cands *cs)
{
	int i;

	for (i = 0; i < shell_sc->nprocs; i++)
		if (!shell_sc->procs[i].dead)
			cand_add(cs, shell_sc->procs[i].name);
}

static void add_commands(struct cands *cs, enum cli_cmd_kind kind)
{
	struct cli_command *c;

	for (c = cli_first(); c; c = c->next)
		if (c->kind == kind)
			cand_add(cs, c->name);
}

/* /proc paths: the global views and each live process's views. */
static void add_views(struct cands *cs)
{
	const struct proc_view *v;
	int i;

	for (v = proc_view_first(); v; v = v->next) {
		if (!v->per_task) {
			cand_add(cs, v->path);
			continue;
		}
		for (i = 0; i < shell_sc->nprocs; i++)
			if (!shell_sc->procs[i].dead)
				cand_add_copy(cs, "/proc/%s/%s", shell_sc->procs[i].name, v->path);
	}
}

static void add_flags(struct cands *cs, const struct cli_command *c)
{
	const struct cli_flagset *f;
	const struct flag_name *n;

	for (f = c && c->flags ? c->flags : NULL; f && f->arg; f++)
		for (n = f->names; n->name; n++)
			cand_add(cs, n->name);
}

/* The arguments of a command: process names where it takes one, views
 * after cat, command names after help, flag names elsewhere. */
static void add_arguments(struct cands *cs, const struct cli_command *c, int argi)
{
	const char *n = c->name;

	if ((!strcmp(n, "run") && argi == 1) || (!strcmp(n, "handle") && argi == 0) ||
	    (!strcmp(n, "pagewalk") && argi == 0)) {
		add_procs(cs);
		if (!strcmp(n, "pagewalk"))
			cand_add(cs, "kernel");
	} else if (!strcmp(n, "cat") && argi == 0) {
		add_views(cs);
	} else if (!strcmp(n, "help") && argi == 0) {
		add_commands(cs, CMD_GLOBAL);
		add_commands(cs, CMD_PROCESS);
		cand_add(cs, "views");
	} else {
		add_flags(cs, c);
	}
}

/* Candidates for the word being completed: commands and process names first
 * on a line, process operations after a process name, then the command's
 * arguments.  A flag word completes its part after the last '|'. */
static void candidates(const char *line, const char *word_start, struct cands *cs)
{
	char words[3][64] = { "", "", "" };
	const char *p = line;
	struct cli_command *c = NULL;
	int nw = 0, argi;

	while (p < word_start) {
		size_t n;

		p += strspn(p, " \t");
		if (p >= word_start)
			break;
		n = strcspn(p, " \t");
		if (nw < 3)
			snprintf(words[nw], sizeof(words[0]), "%.*s", (int)n, p);
		nw++;
		p += n;
	}
	if (nw == 0) {
		add_commands(cs, CMD_GLOBAL);
		add_procs(cs);
		return;
	}
	if (cli_proc_find(shell_sc, words[0])) {
		if (nw == 1) {
			add_commands(cs, CMD_PROCESS);
			return;
		}
		c = cli_find(words[1], CMD_PROCESS);
		argi = nw - 2;
	} else {
		c = cli_find(words[0], CMD_GLOBAL);
		argi = nw - 1;
	}
	if (c)
		add_arguments(cs, c, argi);
}

static unsigned char complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	const char *word = li->cursor, *start;
	static struct cands cs;
	size_t common;
	int i;

	(void)ch;
	while (word > li->buffer && word[-1] != ' ' && word[-1] != '\t')
		word--;
	start = word;
	for (i = 0; start + i < li->cursor; i++) /* flags: after the last '|' */
		if (start[i] == '|')
			word = start + i + 1;
	cs.word = word;
	cs.wlen = (size_t)(li->cursor - word);
	cs.n = 0;
	candidates(li->buffer, start, &cs);
	if (cs.n == 0)
		return CC_ERROR;
	common = strlen(cs.v[0]);
	for (i = 1; i < cs.n; i++)
		while (common > 0 && strncmp(cs.v[0], cs.v[i], common))
			common--;
	if (common > cs.wlen) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%.*s%s", (int)(common - cs.wlen), cs.v[0] + cs.wlen,
			 cs.n == 1 ? " " : "");
		el_insertstr(el, buf);
		return CC_REFRESH;
	}
	printf("\n");
	for (i = 0; i < cs.n; i++)
		printf("%s%s", cs.v[i], i + 1 < cs.n ? "  " : "\n");
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
