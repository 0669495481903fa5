/*
 * fuzz_harness.c - run one fuzz input as a scenario (see fuzz_harness.h).
 *
 * The machine is small and fixed (16 MiB, 2 CPUs, seed 1: a `machine` line
 * may still choose the paging levels, min_free_kbytes and slab_debug), so an
 * input runs in milliseconds.  Each line goes through scenario_line() exactly
 * as `mmkit shell` would send it; after it, every invariant check runs.
 *
 * Ownership filter.  The script may free or write kernel memory only through
 * what it allocated: the harness remembers each `-> NAME` that an allocator
 * filled (kmalloc family, alloc_pages, vmalloc, vmap, kmem_cache_create and
 * _alloc) with its kind and size, and passes kfree/krealloc/free_pages/vfree/
 * vunmap/kmem_cache_free/kmem_cache_destroy only with such a `$NAME` of the
 * right kind (and order), kwrite only inside such an object.  kpte (a raw
 * kernel page-table edit, a debugging tool) never runs, nor does `mount`:
 * a host directory mounted read-write would let an input write, truncate or
 * swap on the fuzzing machine's own files (every path then stays in the
 * root tmpfs, so opens, core dumps and swap files touch no host file).  Accesses over more
 * than FUZZ_MAX_ACCESS bytes (fill, check, touch, readstr) are dropped and
 * every process's address space is capped by RLIMIT_AS, so one input cannot
 * spend minutes in a legitimate loop and pass for a hang.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "fuzz_harness.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"

#define FUZZ_MAX_ACCESS (64ULL << 20)
#define FUZZ_AS_LIMIT "as_rlimit=1G"
#define MAX_OWNED 512
#define MAX_TOK 72

enum own_kind { OWN_KMALLOC, OWN_PAGES, OWN_VMALLOC, OWN_VMAP, OWN_CACHE, OWN_OBJ };

struct owned {
	char name[48];
	enum own_kind kind;
	u64 size;	/* bytes usable by kwrite */
	u64 order;	/* OWN_PAGES */
	char cache[48]; /* OWN_OBJ: the cache argument as written */
};

struct fuzz_state {
	struct scenario sc;
	struct owned own[MAX_OWNED];
	int nown;
	int lineno;
};

struct line {
	char buf[4096];
	char *tok[MAX_TOK];
	int n;		  /* tokens before `-> NAME` / expect= */
	const char *name; /* `-> NAME`, or NULL */
	int cmd;	  /* index of the command word */
	bool quoted;
};

/* ---- owned objects ---- */

static struct owned *own_find(struct fuzz_state *f, const char *name)
{
	int i;

	for (i = 0; i < f->nown; i++)
		if (!strcmp(f->own[i].name, name))
			return &f->own[i];
	return NULL;
}

static void own_drop(struct fuzz_state *f, const char *name)
{
	struct owned *o = own_find(f, name);

	if (o)
		*o = f->own[--f->nown];
}

static void own_add(struct fuzz_state *f, const char *name, enum own_kind kind, u64 size)
{
	struct owned *o;

	own_drop(f, name); /* the old value is lost: leaked, not freed */
	if (f->nown == MAX_OWNED || strlen(name) >= sizeof(o->name))
		return;
	o = &f->own[f->nown++];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->kind = kind;
	o->size = size;
}

/* `$NAME` exactly, naming an owned object of this kind. */
static struct owned *own_arg(struct fuzz_state *f, const char *tok, enum own_kind kind)
{
	struct owned *o;

	if (tok[0] != '$' || strpbrk(tok + 1, "+-"))
		return NULL;
	o = own_find(f, tok + 1);
	return o && o->kind == kind ? o : NULL;
}

/* ---- lines ---- */

static void split(struct fuzz_state *f, const char *text, struct line *l)
{
	char *p;

	snprintf(l->buf, sizeof(l->buf), "%s", text);
	l->quoted = strchr(l->buf, '"') != NULL;
	p = strchr(l->buf, '#');
	if (p && !l->quoted)
		*p = 0;
	l->n = 0;
	for (p = strtok(l->buf, " \t\r"); p && l->n < MAX_TOK; p = strtok(NULL, " \t\r"))
		l->tok[l->n++] = p;
	l->name = NULL;
	for (;;) {
		if (l->n >= 1 && !strncmp(l->tok[l->n - 1], "expect=", 7)) {
			l->n--;
			continue;
		}
		if (l->n >= 2 && !strcmp(l->tok[l->n - 2], "->") && !l->name) {
			l->name = l->tok[l->n - 1];
			l->n -= 2;
			continue;
		}
		break;
	}
	l->cmd = l->n >= 2 && cli_proc_find(&f->sc, l->tok[0]) ? 1 : 0;
}

static const char *arg(struct line *l, int i)
{
	return l->cmd + 1 + i < l->n ? l->tok[l->cmd + 1 + i] : "";
}

static bool is_cmd(struct line *l, const char *name)
{
	return l->n > l->cmd && !strcmp(l->tok[l->cmd], name);
}

static bool num(struct fuzz_state *f, const char *s, u64 *v)
{
	return *s && !cli_parse_num(&f->sc, s, v);
}

/* kwrite ADDR SIZE VALUE: ADDR is $NAME or $NAME+K inside an owned object. */
static bool kwrite_ok(struct fuzz_state *f, struct line *l)
{
	const char *a = arg(l, 0);
	char name[48];
	size_t len;
	struct owned *o;
	u64 off = 0, size;

	if (a[0] != '$' || !num(f, arg(l, 1), &size) || size > 8)
		return false;
	len = strcspn(a + 1, "+-");
	if (len >= sizeof(name) || (a[1 + len] == '-'))
		return false;
	memcpy(name, a + 1, len);
	name[len] = 0;
	if (a[1 + len] == '+' && !num(f, a + 2 + len, &off))
		return false;
	o = own_find(f, name);
	if (!o || o->kind == OWN_CACHE || o->kind == OWN_VMAP)
		return false;
	return off < o->size && size <= o->size - off;
}

static bool access_ok(struct fuzz_state *f, struct line *l)
{
	u64 len;

	if (!l->cmd)
		return true;
	if (is_cmd(l, "fill") || is_cmd(l, "check") || is_cmd(l, "touch") || is_cmd(l, "readstr"))
		return !num(f, arg(l, 1), &len) || len <= FUZZ_MAX_ACCESS;
	if (is_cmd(l, "set")) {
		int i;

		for (i = l->cmd + 1; i < l->n; i++)
			if (!strncmp(l->tok[i], "as_rlimit=", 10))
				return false;
	}
	return true;
}

/* May this line run?  (The ownership rules of the file comment.) */
static bool line_allowed(struct fuzz_state *f, struct line *l)
{
	const char *a0 = arg(l, 0);
	u64 order;
	int i;

	if (l->n == 0)
		return true;
	if (l->quoted) /* only writestr needs quotes; none of the checked commands does */
		return l->cmd && is_cmd(l, "writestr");
	if (l->cmd)
		return access_ok(f, l);
	if (is_cmd(l, "kpte") || is_cmd(l, "mount"))
		return false;
	if (is_cmd(l, "kwrite"))
		return kwrite_ok(f, l);
	if (is_cmd(l, "kfree") || is_cmd(l, "krealloc"))
		return !strcmp(a0, "0") || !strcmp(a0, "0x10") || own_arg(f, a0, OWN_KMALLOC);
	if (is_cmd(l, "free_pages"))
		return own_arg(f, a0, OWN_PAGES) && num(f, arg(l, 1), &order) &&
		       order == own_arg(f, a0, OWN_PAGES)->order;
	if (is_cmd(l, "vfree"))
		return !strcmp(a0, "0") || own_arg(f, a0, OWN_VMALLOC);
	if (is_cmd(l, "vunmap"))
		return own_arg(f, a0, OWN_VMAP) != NULL;
	if (is_cmd(l, "kmem_cache_destroy"))
		return own_arg(f, a0, OWN_CACHE) != NULL;
	if (is_cmd(l, "kmem_cache_free")) {
		struct owned *o = own_arg(f, arg(l, 1), OWN_OBJ);

		return o && !strcmp(o->cache, a0);
	}
	if (is_cmd(l, "vmap")) {
		for (i = 0; i < l->n - l->cmd - 1; i++)
			if (arg(l, i)[0] == '$' && !own_arg(f, arg(l, i), OWN_PAGES))
				return false;
			else if (arg(l, i)[0] != '$' && strncmp(arg(l, i), "PAGE_KERNEL", 11))
				return false;
		return true;
	}
	return true;
}

/* The value of `-> NAME` after the line, if the command set it. */
static bool name_set(struct fuzz_state *f, const char *name)
{
	int i;

	for (i = 0; name && i < f->sc.nvars; i++)
		if (!strcmp(f->sc.vars[i].name, name))
			return true;
	return false;
}

static u64 num_or0(struct fuzz_state *f, const char *s)
{
	u64 v;

	return num(f, s, &v) ? v : 0;
}

/* Update the owned objects after a line ran; `res` is its result text. */
static void track(struct fuzz_state *f, struct line *l, const char *res)
{
	bool ok = name_set(f, l->name);
	const char *a0 = arg(l, 0);
	int i;

	if (l->cmd || l->n == 0)
		return;
	if (is_cmd(l, "kfree") && a0[0] == '$')
		own_drop(f, a0 + 1);
	else if (is_cmd(l, "free_pages") && res && !strcmp(res, "= 0"))
		own_drop(f, a0 + 1);
	else if ((is_cmd(l, "vfree") || is_cmd(l, "vunmap")) && a0[0] == '$' && res &&
		 !strcmp(res, "= 0"))
		own_drop(f, a0 + 1);
	else if (is_cmd(l, "kmem_cache_free"))
		own_drop(f, arg(l, 1) + 1);
	else if (is_cmd(l, "kmem_cache_destroy") && res && !strcmp(res, "= 0"))
		own_drop(f, a0 + 1);
	if (!l->name)
		return;
	if (!ok) {
		own_drop(f, l->name);
		return;
	}
	if (is_cmd(l, "kmalloc") || is_cmd(l, "kzalloc"))
		own_add(f, l->name, OWN_KMALLOC, num_or0(f, a0));
	else if (is_cmd(l, "kcalloc")) {
		u64 bytes;

		if (__builtin_mul_overflow(num_or0(f, a0), num_or0(f, arg(l, 1)), &bytes))
			bytes = 0;
		own_add(f, l->name, OWN_KMALLOC, bytes);
	} else if (is_cmd(l, "krealloc")) {
		if (a0[0] == '$')
			own_drop(f, a0 + 1);
		own_add(f, l->name, OWN_KMALLOC, num_or0(f, arg(l, 1)));
	} else if (is_cmd(l, "alloc_pages")) {
		u64 order = num_or0(f, a0);

		own_add(f, l->name, OWN_PAGES, order < 11 ? 4096ULL << order : 0);
		if ((l->name && own_find(f, l->name)))
			own_find(f, l->name)->order = order;
	} else if (is_cmd(l, "vmalloc") || is_cmd(l, "vzalloc"))
		own_add(f, l->name, OWN_VMALLOC, num_or0(f, a0));
	else if (is_cmd(l, "vmap")) {
		for (i = 0; i < l->n - l->cmd - 1; i++) /* mapped pages stay allocated for good */
			if (arg(l, i)[0] == '$')
				own_drop(f, arg(l, i) + 1);
		own_add(f, l->name, OWN_VMAP, 0);
	} else if (is_cmd(l, "kmem_cache_create"))
		own_add(f, l->name, OWN_CACHE, num_or0(f, arg(l, 1)));
	else if (is_cmd(l, "kmem_cache_alloc")) {
		struct owned *c = own_arg(f, a0, OWN_CACHE);

		own_add(f, l->name, OWN_OBJ, c ? c->size : 0);
		if (own_find(f, l->name))
			snprintf(own_find(f, l->name)->cache, 48, "%s", a0);
	} else
		own_drop(f, l->name);
}

/* ---- running ---- */

struct verify_args {
	int errors;
};
static void verify_here(void *info) { ((struct verify_args *)info)->errors = verify_all(NULL); }

static void check_invariants(struct fuzz_state *f, const char *when)
{
	struct verify_args a = { 0 };

	if (!f->sc.booted || !mmk)
		return;
	cpu_call(0, verify_here, &a);
	if (!a.errors)
		return;
	fprintf(stderr, "fuzz: verify failed %s (input line %d):\n", when, f->lineno);
	verify_all(stderr);
	abort();
}

/* The result text of line `lineno` in `out` ("= 0", "! SIGSEGV ..."), or NULL. */
static const char *result_of(const char *out, int lineno, char *buf, size_t n)
{
	char head[24];
	const char *p;
	size_t hl = (size_t)snprintf(head, sizeof(head), "%d: ", lineno);

	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, head, hl)) {
			snprintf(buf, n, "%.*s", (int)strcspn(p + hl, "\n"), p + hl);
			return buf;
		}
	return NULL;
}

static void run_line(struct fuzz_state *f, const char *text, bool filter)
{
	struct line *l = malloc(sizeof(*l));
	char *out = NULL, res[256];
	size_t outlen = 0;
	FILE *mem;

	if (!l)
		return;
	split(f, text, l);
	f->lineno++;
	if (filter && !line_allowed(f, l)) {
		free(l);
		return;
	}
	mem = open_memstream(&out, &outlen);
	if (!mem) {
		free(l);
		return;
	}
	f->sc.out = mem;
	scenario_line(&f->sc, f->lineno, text);
	fclose(mem);
	f->sc.out = NULL;
	track(f, l, result_of(out, f->lineno, res, sizeof(res)));
	/* every new process gets the address-space cap (forks inherit it) */
	if (!l->cmd && is_cmd(l, "spawn") && cli_proc_find(&f->sc, arg(l, 0)) && filter) {
		char cap[128];

		snprintf(cap, sizeof(cap), "%s set %s", arg(l, 0), FUZZ_AS_LIMIT);
		f->sc.out = stdout;
		scenario_line(&f->sc, f->lineno, cap);
	}
	free(out);
	free(l);
	check_invariants(f, "after a line");
}

static bool only_allows(const struct fuzz_opts *o, struct fuzz_state *f, const char *text)
{
	struct line *l;
	bool ok = false;
	int i;

	if (!o->only)
		return true;
	l = malloc(sizeof(*l));
	if (!l)
		return false;
	split(f, text, l);
	for (i = 0; o->only[i]; i++)
		ok |= is_cmd(l, o->only[i]);
	free(l);
	return ok;
}

static void exit_everyone(struct fuzz_state *f)
{
	char line[64];
	int i;

	for (i = 0; i < f->sc.nprocs; i++) {
		if (f->sc.procs[i].dead || !f->sc.procs[i].task)
			continue;
		snprintf(line, sizeof(line), "%s exit", f->sc.procs[i].name);
		run_line(f, line, false);
	}
}

static void fuzz_state_init(struct fuzz_state *f)
{
	memset(f, 0, sizeof(*f));
	scenario_init(&f->sc, "fuzz", NULL);
	f->sc.plain = true;
	f->sc.interactive = true;
	f->sc.cfg.ram_bytes = 16ULL << 20;
	f->sc.cfg.cpus = 2;
	f->sc.cfg.seed = 1;
	f->sc.cfg_locked[CFG_RAM] = f->sc.cfg_locked[CFG_CPUS] = f->sc.cfg_locked[CFG_SEED] = true;
}

static void run_list(struct fuzz_state *f, const char *const *lines)
{
	for (; lines && *lines; lines++)
		run_line(f, *lines, false);
}

int fuzz_run(const uint8_t *data, size_t size, const struct fuzz_opts *o)
{
	static struct fuzz_state f; /* big (the scenario's tables): not on the stack */
	char *text = malloc(size + 1), *line, *next;
	char buf[4200];
	int n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	setenv("MMKIT_VERIFY_EACH", "0", 1); /* the harness verifies, and aborts */
	fault_inject_clear_all();	     /* a previous input's `fail` lines */
	fuzz_state_init(&f);
	run_list(&f, o->setup);
	for (line = text; line && n < o->max_lines; line = next, n++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!only_allows(o, &f, line)) {
			f.lineno++;
			continue;
		}
		snprintf(buf, sizeof(buf), "%s%s", o->prefix ? o->prefix : "", line);
		run_line(&f, buf, true);
	}
	fault_inject_clear_all();
	run_list(&f, o->tail);
	check_invariants(&f, "at the end");
	exit_everyone(&f);
	check_invariants(&f, "after every process exited");
	scenario_finish(&f.sc);
	fault_inject_clear_all();
	free(text);
	return 0;
}

static char host_dir[256], host_file[300];

static void remove_host_dir(void)
{
	unlink(host_file);
	rmdir(host_dir);
}

const char *fuzz_host_dir(const char *tag, const char *file)
{
	if (!host_dir[0]) {
		snprintf(host_dir, sizeof(host_dir), "%s/mmkit-fuzz-%s-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
		if (!mkdtemp(host_dir))
			abort();
		snprintf(host_file, sizeof(host_file), "%s/%s", host_dir, file);
		atexit(remove_host_dir);
	}
	return host_dir;
}
