/*
 * json.c - `--json`: every result line, view and death as one JSON object on
 * its own line of stdout (JSON Lines), written with jansson.  The schema is
 * documented in docs/GUIDE.md ("JSON output"); tests/cli/test_json.sh parses
 * the output of every view with Python's json module.
 *
 * Views are printed by their own code in the Linux text format; here that
 * text is read back into structure: meminfo, vmstat and status become
 * objects (kB values as numbers of kB), maps and smaps arrays of VMAs,
 * buddyinfo, zoneinfo, slabinfo, vmallocinfo and swaps arrays of rows.  Any
 * other view (pagewalk, tlb, verify, dmesg, help, fail list) is an array of
 * its lines.  Addresses stay hex strings ("0x7f..."), since kernel addresses
 * do not fit a double.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"

/* ---- helpers ---- */

static void emit(struct scenario *sc, json_t *o)
{
	json_dumpf(o, sc->out, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', sc->out);
	json_decref(o);
}

/* A number if s is an integer (optionally followed by " kB"), else NULL. */
static json_t *number_or_null(const char *s)
{
	char *end;
	long long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	v = strtoll(s, &end, 10);
	if (end == s)
		return NULL;
	if (!strcmp(end, " kB") || !*end)
		return json_integer(v);
	return NULL;
}

/* A value: a number when it is one, else the trimmed string. */
static json_t *value_of(const char *s)
{
	json_t *n = number_or_null(s);
	size_t len;

	if (n)
		return n;
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return json_stringn(s, len);
}

/* Split text into lines in place; calls fn for each non-empty line. */
#define for_each_line(text, line, save) \
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))

static json_t *hexstr(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_string(buf);
}

/* ---- key/value views: meminfo, vmstat, status ---- */

/* "Key:   value" or "key value" lines into an object. */
static json_t *parse_keyvalue(char *text)
{
	json_t *o = json_object();
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		size_t k = strcspn(line, ": \t");
		char *val = line[k] ? line + k + 1 : line + k;

		line[k] = 0;
		json_object_set_new(o, line, value_of(val));
	}
	return o;
}

/* ---- maps and smaps ---- */

/* A /proc/PID/maps line into an object, or NULL if it is not one. */
static json_t *parse_maps_line(const char *line)
{
	unsigned long long start, end, off, ino;
	char perms[8], dev[16];
	int n = 0;
	json_t *o;

	if (sscanf(line, "%llx-%llx %7s %llx %15s %llu %n", &start, &end, perms, &off, dev, &ino,
		   &n) < 6)
		return NULL;
	o = json_object();
	json_object_set_new(o, "start", hexstr(start));
	json_object_set_new(o, "end", hexstr(end));
	json_object_set_new(o, "perms", json_string(perms));
	json_object_set_new(o, "offset", hexstr(off));
	json_object_set_new(o, "dev", json_string(dev));
	json_object_set_new(o, "inode", json_integer((json_int_t)ino));
	json_object_set_new(o, "pathname", json_string(n ? line + n : ""));
	return o;
}

static json_t *vmflags(const char *s)
{
	json_t *a = json_array();
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		json_array_append_new(a, json_string(tok));
	return a;
}

/* maps: an array of VMAs; smaps: the same with each VMA's fields. */
static json_t *parse_vmas(char *text)
{
	json_t *a = json_array(), *vma = NULL;
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		json_t *m = parse_maps_line(line);
		size_t k;

		if (m) {
			vma = m;
			json_array_append_new(a, vma);
			continue;
		}
		if (!vma)
			continue;
		k = strcspn(line, ":");
		if (!line[k])
			continue;
		line[k] = 0;
		json_object_set_new(vma, line,
				    !strcmp(line, "VmFlags") ? vmflags(line + k + 1) :
							       value_of(line + k + 1));
	}
	return a;
}

/* ---- tables ---- */

/* buddyinfo: "Node 0, zone      DMA      1 2 ..." */
static json_t *parse_buddyinfo(char *text)
{
	json_t *a = json_array();
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		char zone[32], *p, *end;
		int node, n = 0;
		json_t *o, *free_;

		if (sscanf(line, "Node %d, zone %31s %n", &node, zone, &n) != 2)
			continue;
		o = json_object();
		free_ = json_array();
		json_object_set_new(o, "node", json_integer(node));
		json_object_set_new(o, "zone", json_string(zone));
		for (p = line + n;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			json_array_append_new(free_, json_integer(v));
		}
		json_object_set_new(o, "free", free_);
		json_array_append_new(a, o);
	}
	return a;
}

/* zoneinfo: an array of zones; each line "key value" (key: the text before
 * the last token), "protection: (a, b)" an array, "cpu: N" a pageset. */
static void zoneinfo_line(json_t *zone, json_t **pageset, char *line)
{
	char *val, *k = line + strspn(line, " ");
	size_t klen;

	if (!strncmp(k, "protection: (", 13)) {
		json_t *a = json_array();
		char *p = k + 13, *end;

		for (;; p = end + strspn(end, ", ")) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			json_array_append_new(a, json_integer(v));
		}
		json_object_set_new(zone, "protection", a);
		return;
	}
	if (!strcmp(k, "pagesets") || !strcmp(k, "per-node stats"))
		return;
	val = strrchr(k, ' ');
	if (!val)
		return;
	klen = (size_t)(val - k);
	while (klen && (k[klen - 1] == ' ' || k[klen - 1] == ':'))
		klen--;
	k[klen] = 0;
	if (!strcmp(k, "cpu")) {
		*pageset = json_object();
		json_array_append_new(json_object_get(zone, "pagesets"), *pageset);
	}
	json_object_set_new(*pageset && strcmp(k, "vm stats threshold") &&
					    strcmp(k, "node_unreclaimable") &&
					    strcmp(k, "start_pfn") ?
				    *pageset :
				    zone,
			    k, value_of(val + 1));
}

static json_t *parse_zoneinfo(char *text)
{
	json_t *a = json_array(), *zone = NULL, *pageset = NULL;
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		char name[32];
		int node;

		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2) {
			zone = json_object();
			pageset = NULL;
			json_object_set_new(zone, "node", json_integer(node));
			json_object_set_new(zone, "zone", json_string(name));
			json_object_set_new(zone, "pagesets", json_array());
			json_array_append_new(a, zone);
		} else if (zone) {
			zoneinfo_line(zone, &pageset, line);
		}
	}
	return a;
}

/* slabinfo: the "# name <col> ... : tunables <col> ... : slabdata <col>"
 * header names the columns of each row. */
static json_t *parse_slabinfo(char *text)
{
	json_t *a = json_array();
	char cols[16][32], *line, *save = NULL;
	int ncols = 0;

	for_each_line(text, line, save)
	{
		char *tok, *s2 = NULL;
		json_t *o;
		int i = 0;

		if (!strncmp(line, "slabinfo", 8))
			continue;
		if (line[0] == '#') {
			for (tok = strtok_r(line + 1, " ", &s2); tok && ncols < 16;
			     tok = strtok_r(NULL, " ", &s2))
				if (tok[0] == '<' || !strcmp(tok, "name"))
					snprintf(cols[ncols++], sizeof(cols[0]), "%.*s",
						 (int)strcspn(tok + (tok[0] == '<'), ">"),
						 tok + (tok[0] == '<'));
			continue;
		}
		o = json_object();
		for (tok = strtok_r(line, " ", &s2); tok && i < ncols;
		     tok = strtok_r(NULL, " ", &s2)) {
			if (!strcmp(tok, ":") || !strcmp(tok, "tunables") ||
			    !strcmp(tok, "slabdata"))
				continue;
			json_object_set_new(o, cols[i++], value_of(tok));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* vmallocinfo: "0xSTART-0xEND SIZE CALLER [pages=N] [flags...] [N0=N]" */
static json_t *parse_vmallocinfo(char *text)
{
	json_t *a = json_array();
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		unsigned long long start, end, size;
		char *tok, *s2 = NULL;
		json_t *o, *flags;
		int n = 0;

		if (sscanf(line, "0x%llx-0x%llx %llu %n", &start, &end, &size, &n) != 3)
			continue;
		o = json_object();
		flags = json_array();
		json_object_set_new(o, "start", hexstr(start));
		json_object_set_new(o, "end", hexstr(end));
		json_object_set_new(o, "size", json_integer((json_int_t)size));
		tok = strtok_r(line + n, " ", &s2);
		json_object_set_new(o, "caller", json_string(tok ? tok : ""));
		while (tok && (tok = strtok_r(NULL, " ", &s2))) {
			char *eq = strchr(tok, '=');

			if (eq) {
				*eq = 0;
				json_object_set_new(o, tok, value_of(eq + 1));
			} else {
				json_array_append_new(flags, json_string(tok));
			}
		}
		json_object_set_new(o, "flags", flags);
		json_array_append_new(a, o);
	}
	return a;
}

/* swaps: "Filename Type Size Used Priority" rows. */
static json_t *parse_swaps(char *text)
{
	static const char *const cols[] = { "filename", "type", "size", "used", "priority" };
	json_t *a = json_array();
	char *line, *save = NULL;

	for_each_line(text, line, save)
	{
		char *tok, *s2 = NULL;
		json_t *o;
		size_t i = 0;

		if (!strncmp(line, "Filename", 8))
			continue;
		o = json_object();
		for (tok = strtok_r(line, " \t", &s2); tok && i < ARRAY_SIZE(cols);
		     tok = strtok_r(NULL, " \t", &s2))
			json_object_set_new(o, cols[i++], value_of(tok));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *parse_lines(char *text)
{
	json_t *a = json_array();
	char *p = text, *nl;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			json_array_append_new(a, json_string(p));
			break;
		}
		json_array_append_new(a, json_stringn(p, (size_t)(nl - p)));
	}
	return a;
}

static const struct {
	const char *name; /* the view's last path component */
	json_t *(*parse)(char *text);
} view_parsers[] = {
	{ "meminfo", parse_keyvalue },
	{ "vmstat", parse_keyvalue },
	{ "status", parse_keyvalue },
	{ "maps", parse_vmas },
	{ "smaps", parse_vmas },
	{ "buddyinfo", parse_buddyinfo },
	{ "zoneinfo", parse_zoneinfo },
	{ "slabinfo", parse_slabinfo },
	{ "vmallocinfo", parse_vmallocinfo },
	{ "swaps", parse_swaps },
};

/* ---- the objects ---- */

static json_t *line_object(struct scenario *sc, int lineno, const char *cmd)
{
	json_t *o = json_object();
	const char *text = sc->line_text ? sc->line_text : "";

	json_object_set_new(o, "line", json_integer(lineno));
	json_object_set_new(o, "text", json_string(text + strspn(text, " \t")));
	if (cmd)
		json_object_set_new(o, "command", json_string(cmd));
	return o;
}

/* "! SIGSEGV SEGV_MAPERR 0x1000" */
static json_t *signal_object(const char *r)
{
	char sig[32], code[32], addr[32];
	json_t *o = json_object();

	if (sscanf(r, "! %31s %31s %31s", sig, code, addr) == 3) {
		json_object_set_new(o, "name", json_string(sig));
		json_object_set_new(o, "code", json_string(code));
		json_object_set_new(o, "addr", json_string(addr));
	}
	return o;
}

/* The typed member of a result: value, return, error, status, signal, oops, output. */
static void result_members(json_t *o, const char *r)
{
	if (!strncmp(r, "! OOPS ", 7))
		json_object_set_new(o, "oops", json_string(r + 7));
	else if (r[0] == '!')
		json_object_set_new(o, "signal", signal_object(r));
	else if (!strncmp(r, "= 0x", 4))
		json_object_set_new(o, "value", json_string(r + 2));
	else if (!strcmp(r, "= 0"))
		json_object_set_new(o, "return", json_integer(0));
	else if (!strncmp(r, "= -1 ", 5))
		json_object_set_new(o, "error", json_string(r + 5));
	else if (!strcmp(r, "= ok"))
		json_object_set_new(o, "status", json_string("ok"));
	else
		json_object_set_new(o, "output", json_string(r + 2));
}

void json_result(struct scenario *sc, int lineno, const struct cmd_ctx *c, bool failed,
		 const char *expect)
{
	json_t *o = line_object(sc, lineno, c->cmd);

	if (c->proc)
		json_object_set_new(o, "process", json_string(c->proc->name));
	json_object_set_new(o, "result", json_string(c->result));
	result_members(o, c->result);
	if (expect) {
		json_object_set_new(o, "expect", json_string(expect));
		json_object_set_new(o, "expect_met", json_boolean(!failed));
	}
	emit(sc, o);
}

void json_view(struct scenario *sc, int lineno, const char *cmd, const char *path, const char *text)
{
	json_t *o = line_object(sc, lineno, cmd);
	const char *base = path ? strrchr(path, '/') : NULL;
	char *copy = strdup(text);
	size_t i;

	if (!copy) {
		json_decref(o);
		return;
	}
	if (path)
		json_object_set_new(o, "view", json_string(path));
	for (i = 0; base && i < ARRAY_SIZE(view_parsers); i++)
		if (!strcmp(base + 1, view_parsers[i].name)) {
			json_object_set_new(o, "data", view_parsers[i].parse(copy));
			break;
		}
	if (!base || i == ARRAY_SIZE(view_parsers))
		json_object_set_new(o, "lines", parse_lines(copy));
	free(copy);
	emit(sc, o);
}

void json_death(struct scenario *sc, int lineno, const struct cli_proc *p)
{
	json_t *o = json_object(), *d = json_object();

	json_object_set_new(o, "line", json_integer(lineno));
	json_object_set_new(d, "process", json_string(p->name));
	json_object_set_new(d, "pid", json_integer(p->pid));
	json_object_set_new(d, "signal", json_string(signal_name(p->exit_sig)));
	if (p->core_dumped)
		json_object_set_new(d, "core_dumped", json_true());
	json_object_set_new(o, "death", d);
	emit(sc, o);
}
