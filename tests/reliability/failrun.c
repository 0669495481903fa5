/*
 * failrun.c - run one scenario with one fault-injection rule, for the
 * fail-Nth sweep (tests/reliability/failsweep, docs/TESTING.md "Fault
 * injection and fail-Nth sweeps").
 *
 *   failrun [--from LINE] [--count [--points] | --site SITE (--nth N [--sticky] | --prob PPM)] FILE
 *
 * The scenario runs line by line through the scenario runner as the shell
 * runs it: a script error (for instance a variable a failed command left
 * unset) is reported and the run goes on, so one failure does not hide the
 * rest of the scenario.  The scenario's own `fail` lines are skipped (the
 * sweep owns fault injection).  The rule is armed right after the machine
 * boots, so the boot itself never fails here (tests/reliability/test_boot_fail.c
 * covers boot); with --from LINE, right before line LINE instead, so that
 * calls are counted and failed from that line on only (a sweep of what one
 * line does, e.g. a core dump, without the N of the lines before it).  --count arms every site with a rule that never fires, to
 * count each site's calls.  --points (with --count) also sorts the calls
 * into failure points: calls of one site, during one line, from one call
 * stack (the host return addresses, glibc backtrace()) are one point, and
 * each point is printed with its first and last call number, so that a
 * sweep can fail every distinct point instead of every N.
 *
 * After every line every verify check runs.  At the end the rule is disarmed,
 * every process exits, every kernel object the script still holds is freed
 * (failrun records what each allocating command returned and each freeing
 * command released: kmalloc family, alloc_pages, vmalloc, vmap, kmem_cache
 * objects and caches), every swap area still on is swapped off, the dirty
 * file pages are written back and the clean page cache dropped (but
 * shmem's), every CPU's page lists and every slab cache's CPU
 * slabs are flushed and the empty slabs freed, verify runs again, and the
 * memory still in use is printed, so that the sweep can compare it with the
 * failure-free run: a failure may leave less allocated, never more.
 *
 * Output (stdout), one record per line:
 *   R LINE FAILS RESULT    a line with a result; FAILS = failures injected during it
 *   E LINE FAILS           a line that ended in a script error
 *   F LINE FAILS           another line during which failures were injected
 *   A LINE N               N failures (allocations, reads) a best-effort path absorbed
 *                          during LINE (fault_absorbed: readahead)
 *   V LINE                 verify found violations after LINE (report on stderr); the run stops
 *   S SITE CALLS FAILURES  per site, before teardown
 *   P SITE LINE FIRST LAST COUNT HASH
 *                          with --points, per failure point, before teardown: the
 *                          line, the first and last call number of SITE (1-based,
 *                          as --nth counts) from that stack, how many, the stack's hash
 *   M KEY VALUE            after teardown: meminfo fields (kB), "slab:NAME" objects in
 *                          use, and "tmpfs_files" (kB): the pages of the files in the
 *                          root tmpfs, which outlive every process by design (a
 *                          failed mount leaves a script's files there instead), and
 *                          "zero_page" (kB): 4 once the zero page, allocated on first
 *                          use, exists (a failed write fault leaves a later read on it),
 *                          "swap_info": the swap_info_structs allocated (never freed,
 *                          as Linux's) and "swap_info_slab:CACHE" (kB): the kmalloc
 *                          cache they come from and the size of one of its slabs
 *   DONE
 * Exit status 0, or 3 after a verify violation, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"
#include "mmkit/fs.h"
#include "mmkit/memory.h"
#include "mmkit/mmzone.h"
#include "mmkit/proc.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"

struct rule {
	const char *site; /* NULL with count */
	long nth;
	bool sticky;
	unsigned int ppm;
	bool count;
	bool points; /* with count: print the failure points */
	int from;    /* arm before this line (0: right after the boot) */
};

static struct scenario sc;

/* ---- kernel objects the script holds ---- */

enum held_kind { H_OBJ, H_CACHE, H_KMALLOC, H_VMAP, H_VMALLOC, H_PAGES, NR_HELD };

struct held {
	enum held_kind kind;
	u64 addr;
	u64 extra; /* order (pages), cache (objects) */
};

static struct held *held;
static int nheld, held_cap;

static void hold(enum held_kind kind, u64 addr, u64 extra)
{
	if (nheld == held_cap) {
		held_cap = held_cap ? 2 * held_cap : 64;
		held = realloc(held, (size_t)held_cap * sizeof(*held));
		if (!held)
			exit(2);
	}
	held[nheld++] = (struct held){ kind, addr, extra };
}

static void release(enum held_kind kind, u64 addr)
{
	int i;

	for (i = 0; i < nheld; i++)
		if (held[i].kind == kind && held[i].addr == addr) {
			held[i] = held[--nheld];
			return;
		}
}

struct words {
	int n;
	char *w[CLI_MAX_ARGS + 8];
	char buf[4096];
};

/* Split a line (no quotes needed: the tracked commands take none) and find
 * its command word; `-> NAME` and expect= are dropped. */
static int split_words(const char *line, struct words *t)
{
	char *p;

	snprintf(t->buf, sizeof(t->buf), "%s", line);
	if ((p = strchr(t->buf, '#')))
		*p = 0;
	t->n = 0;
	for (p = strtok(t->buf, " \t"); p && t->n < (int)ARRAY_SIZE(t->w); p = strtok(NULL, " \t"))
		t->w[t->n++] = p;
	while (t->n && !strncmp(t->w[t->n - 1], "expect=", 7))
		t->n--;
	if (t->n >= 2 && !strcmp(t->w[t->n - 2], "->"))
		t->n -= 2;
	return t->n >= 2 && cli_proc_find(&sc, t->w[0]) ? 1 : 0;
}

static u64 word_val(struct words *t, int i)
{
	u64 v = 0;

	if (i >= t->n || cli_parse_num(&sc, t->w[i], &v))
		return ~0ULL;
	return v;
}

/* The arguments a tracked command frees, evaluated before the line runs. */
struct pending {
	int cmd;
	u64 a0, a1;
};

static bool is(struct words *t, int cmd, const char *name)
{
	return cmd < t->n && !strcmp(t->w[cmd], name);
}

static void before_line(const char *line, struct pending *pd)
{
	struct words *t = malloc(sizeof(*t));

	if (!t)
		exit(2);
	pd->cmd = split_words(line, t);
	pd->a0 = word_val(t, pd->cmd + 1);
	pd->a1 = word_val(t, pd->cmd + 2);
	free(t);
}

/* Record what the line allocated or freed; `res` is its result. */
static void after_line(const char *line, const struct pending *pd, const char *res)
{
	struct words *t = malloc(sizeof(*t));
	unsigned long long v = 0;
	bool addr = sscanf(res, "= 0x%llx", &v) == 1 && v > 0x10;
	int c;

	if (!t)
		exit(2);
	c = split_words(line, t);
	if (c) {
		free(t);
		return;
	}
	if (is(t, c, "kfree") || (is(t, c, "krealloc") && addr))
		release(H_KMALLOC, pd->a0);
	else if (is(t, c, "free_pages") && !strcmp(res, "= 0"))
		release(H_PAGES, pd->a0);
	else if (is(t, c, "vfree") && !strcmp(res, "= 0"))
		release(H_VMALLOC, pd->a0);
	else if (is(t, c, "vunmap") && !strcmp(res, "= 0"))
		release(H_VMAP, pd->a0);
	else if (is(t, c, "kmem_cache_free"))
		release(H_OBJ, pd->a1);
	else if (is(t, c, "kmem_cache_destroy") && !strcmp(res, "= 0"))
		release(H_CACHE, pd->a0);
	if (addr && (is(t, c, "kmalloc") || is(t, c, "kzalloc") || is(t, c, "kcalloc") ||
		     is(t, c, "krealloc")))
		hold(H_KMALLOC, v, 0);
	else if (addr && is(t, c, "alloc_pages"))
		hold(H_PAGES, v, pd->a0);
	else if (addr && (is(t, c, "vmalloc") || is(t, c, "vzalloc")))
		hold(H_VMALLOC, v, 0);
	else if (addr && is(t, c, "vmap"))
		hold(H_VMAP, v, 0);
	else if (addr && is(t, c, "kmem_cache_create"))
		hold(H_CACHE, v, 0);
	else if (addr && is(t, c, "kmem_cache_alloc"))
		hold(H_OBJ, v, pd->a0);
	free(t);
}

/* ---- on a CPU ---- */

struct verify_args {
	int errors;
};
static void verify_here(void *info) { ((struct verify_args *)info)->errors = verify_all(NULL); }

static int verify_now(void)
{
	struct verify_args a = { 0 };

	if (!sc.booted)
		return 0;
	cpu_call(0, verify_here, &a);
	if (a.errors)
		verify_all(stderr);
	return a.errors;
}

/* Swap areas the script left on (a swapoff that failed) go too: what they
 * hold is the script's, like the objects above. */
static void swapoff_all_on_cpu(void *info)
{
	(void)info;
	swapoff_all();
}

/* Flush every cache's CPU slabs and free its empty slabs (not under slab_mutex). */
/* Write back every dirty file page and drop the clean, unmapped page cache
 * of every file system but shmem's (sync; echo 1 > drop_caches), so that
 * what stays cached after the scenario (which depends on what its lines
 * did, and a failure changes that) is not counted as memory in use, while
 * a page something still holds stays and is. */
static void sync_and_drop(void *info)
{
	(void)info;
	ksys_sync();
	drop_caches(1 | 4);
}

static void shrink_all(void *info)
{
	struct kmem_cache *list[512], *s;
	int n = 0, i;

	(void)info;
	slab_mutex_lock();
	for (s = slab_cache_first(); s && n < (int)ARRAY_SIZE(list); s = slab_cache_next(s))
		list[n++] = s;
	slab_mutex_unlock();
	for (i = 0; i < n; i++)
		kmem_cache_shrink(list[i]);
	lru_add_drain_all(); /* pages freed while in a CPU's LRU batch */
	drain_all_pages();
}

/* The kB held by the files of the root tmpfs (their pages are their
 * storage: Shmem that no process holds). */
static unsigned long tmpfs_files_kb(void)
{
	unsigned long pages = 0;
	struct inode *inode;

	spin_lock(&root_sb->s_inode_list_lock);
	list_for_each_entry(inode, &root_sb->s_inodes, i_sb_list)
		pages += READ_ONCE(inode->i_mapping->nrpages);
	spin_unlock(&root_sb->s_inode_list_lock);
	return pages * (PAGE_SIZE / 1024);
}

struct usage_args {
	FILE *out;
};
/* The swap_info_structs allocated: they stay for reuse after swapoff (Linux
 * alloc_swap_info), so a failure that keeps an area on longer (a failed
 * swapoff) makes a later swapon allocate one more, by design.  Printed with
 * the kmalloc cache they come from and its slab size, for the judge. */
static void print_swap_info(FILE *out)
{
	struct kmem_cache *c = kmalloc_slab(sizeof(struct swap_info_struct), GFP_KERNEL);
	unsigned int t, n = 0;

	for (t = 0; t < MAX_SWAPFILES; t++)
		n += READ_ONCE(swap_info[t]) != NULL;
	fprintf(out, "M swap_info %u\n", n);
	if (c)
		fprintf(out, "M swap_info_slab:%s %lu\n", c->name,
			(PAGE_SIZE << c->oo_order) / 1024);
}

static void print_usage(void *info)
{
	FILE *out = ((struct usage_args *)info)->out;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	struct kmem_cache *s;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	proc_view_find("/proc/meminfo", false)->show(m, NULL);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		unsigned long kb;

		if (sscanf(line, "%63[^:]: %lu kB", key, &kb) == 2)
			fprintf(out, "M %s %lu\n", key, kb);
	}
	free(buf);
	fprintf(out, "M tmpfs_files %lu\n", tmpfs_files_kb());
	fprintf(out, "M zero_page %lu\n", READ_ONCE(zero_pfn) ? PAGE_SIZE / 1024 : 0UL);
	print_swap_info(out);
	slab_mutex_lock();
	for (s = slab_cache_first(); s; s = slab_cache_next(s)) {
		struct slabinfo si;

		get_slabinfo(s, &si);
		fprintf(out, "M slab:%s %lu\n", s->name, si.active_objs);
	}
	slab_mutex_unlock();
}

/* ---- failure points (--points) ---- */

#define POINT_DEPTH 32

struct point {
	struct fault_site *site; /* NULL: a free slot */
	int line;
	u64 hash;
	long first, last, count;
};

static struct point *points; /* open addressing, points_cap a power of 2 */
static size_t npoints, points_cap;
static pthread_mutex_t points_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int cur_line; /* the line being run */

static u64 point_hash(void *const *bt, int depth, const struct fault_site *site, int line)
{
	u64 h = 1469598103934665603ULL ^ (u64)(uintptr_t)site ^ ((u64)line << 32);
	int i;

	for (i = 1; i < depth; i++) /* frame 0 is trace_point */
		h = (h ^ (u64)(uintptr_t)bt[i]) * 1099511628211ULL;
	return h;
}

static size_t point_slot(struct point *tab, size_t cap, const struct fault_site *site, int line,
			 u64 hash)
{
	size_t i;

	for (i = hash & (cap - 1); tab[i].site; i = (i + 1) & (cap - 1))
		if (tab[i].hash == hash && tab[i].site == site && tab[i].line == line)
			break;
	return i;
}

/* Double the table.  Called with points_lock held. */
static void points_grow(void)
{
	size_t cap = points_cap ? 2 * points_cap : 1024, i;
	struct point *tab = calloc(cap, sizeof(*tab));

	if (!tab) {
		fprintf(stderr, "failrun: out of host memory for failure points\n");
		exit(2);
	}
	for (i = 0; i < points_cap; i++)
		if (points[i].site)
			tab[point_slot(tab, cap, points[i].site, points[i].line, points[i].hash)] =
				points[i];
	free(points);
	points = tab;
	points_cap = cap;
}

/* fault_inject's observer: file call n of site under its point. */
static void trace_point(struct fault_site *site, long n)
{
	void *bt[POINT_DEPTH];
	int depth = backtrace(bt, POINT_DEPTH), line = atomic_load(&cur_line);
	u64 hash = point_hash(bt, depth, site, line);
	struct point *p;

	pthread_mutex_lock(&points_lock);
	if (2 * (npoints + 1) > points_cap)
		points_grow();
	p = &points[point_slot(points, points_cap, site, line, hash)];
	if (!p->site) {
		*p = (struct point){ .site = site, .line = line, .hash = hash, .first = n };
		npoints++;
	}
	if (n < p->first)
		p->first = n;
	if (n > p->last)
		p->last = n;
	p->count++;
	pthread_mutex_unlock(&points_lock);
}

static void print_points(void)
{
	size_t i;

	for (i = 0; i < points_cap; i++)
		if (points[i].site)
			printf("P %s %d %ld %ld %ld %016llx\n", points[i].site->name,
			       points[i].line, points[i].first, points[i].last, points[i].count,
			       (unsigned long long)points[i].hash);
	free(points);
	points = NULL;
	npoints = points_cap = 0;
}

/* ---- the run ---- */

static void arm(const struct rule *r)
{
	struct fault_site *s;

	if (r->count) {
		if (r->points) {
			void *warm[1];

			backtrace(warm, 1); /* loads the unwinder now, not under a kernel lock */
			fault_inject_set_trace(trace_point);
		}
		for (s = fault_site_first(); s; s = s->next)
			fault_inject_set(s->name, LONG_MAX, false, 0);
		return;
	}
	if (fault_inject_set(r->site, r->nth, r->sticky, r->ppm)) {
		fprintf(stderr, "failrun: unknown site '%s'\n", r->site);
		exit(2);
	}
}

static long injected(void)
{
	struct fault_site *s;
	long n = 0;

	for (s = fault_site_first(); s; s = s->next)
		n += atomic_load(&s->failures);
	return n;
}

/* First word of a line and whether it is a `machine` or `fail` line. */
static bool first_word_is(const char *line, const char *word)
{
	size_t n = strlen(word);

	line += strspn(line, " \t");
	return !strncmp(line, word, n) && (line[n] == ' ' || line[n] == '\t' || !line[n]);
}

static bool is_blank(const char *line)
{
	line += strspn(line, " \t\r");
	return !*line || *line == '#';
}

/* Run one line; print its record.  Returns false after a verify violation. */
static bool run_line(int lineno, const char *line)
{
	char *out = NULL, res[300] = "", head[24];
	size_t len = 0, hl;
	long before = injected(), fails, absorbed = atomic_load(&fault_inject_absorbed);
	FILE *m = open_memstream(&out, &len);
	const char *p;
	int rc;

	struct pending pd;

	if (!m)
		exit(2);
	before_line(line, &pd);
	atomic_store(&cur_line, lineno);
	sc.out = m;
	rc = scenario_line(&sc, lineno, line);
	fclose(m);
	sc.out = NULL;
	fails = injected() - before;
	hl = (size_t)snprintf(head, sizeof(head), "%d: ", lineno);
	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, head, hl)) {
			snprintf(res, sizeof(res), "%.*s", (int)strcspn(p + hl, "\n"), p + hl);
			break;
		}
	free(out);
	after_line(line, &pd, res);
	if (res[0])
		printf("R %d %ld %s\n", lineno, fails, res);
	else if (rc == 2)
		printf("E %d %ld\n", lineno, fails);
	else if (fails)
		printf("F %d %ld\n", lineno, fails);
	absorbed = atomic_load(&fault_inject_absorbed) - absorbed;
	if (absorbed)
		printf("A %d %ld\n", lineno, absorbed);
	if (verify_now()) {
		printf("V %d\n", lineno);
		return false;
	}
	return true;
}

/* Free what the script still holds: objects before their caches, vmap
 * areas before the pages they map. */
static bool free_held(int *lineno)
{
	static const char *const fmt[NR_HELD] = {
		[H_OBJ] = "kmem_cache_free %#llx %#llx",
		[H_CACHE] = "kmem_cache_destroy %#llx",
		[H_KMALLOC] = "kfree %#llx",
		[H_VMAP] = "vunmap %#llx",
		[H_VMALLOC] = "vfree %#llx",
		[H_PAGES] = "free_pages %#llx %llu",
	};
	char line[128];
	int k, i;

	for (k = 0; k < NR_HELD; k++)
		for (i = nheld - 1; i >= 0; i--) { /* release() moves the last entry here */
			struct held h = held[i];

			if (h.kind != (enum held_kind)k)
				continue;
			if (k == H_OBJ)
				snprintf(line, sizeof(line), fmt[k], (unsigned long long)h.extra,
					 (unsigned long long)h.addr);
			else
				snprintf(line, sizeof(line), fmt[k], (unsigned long long)h.addr,
					 (unsigned long long)h.extra);
			release(h.kind, h.addr);
			if (!run_line(++*lineno, line))
				return false;
		}
	return true;
}

/* The regular files left in the root tmpfs once every process exited: a
 * failure that killed a process before its `unlink` (or moved a script's
 * file there: a failed mount) leaves them, with their pages, inode, dentry
 * and name.  The teardown unlinks them in every run, failure-free or not,
 * so that both are measured without them and a leak of an unlinked file's
 * objects still shows.  Paths malloc'ed (not kmalloc: the count is read
 * after). */
struct tmpfs_list {
	char **path;
	int n, cap;
};

static void tmpfs_collect(struct dentry *dir, struct tmpfs_list *l)
{
	struct dentry *d;

	list_for_each_entry(d, &dir->d_subdirs, d_child) {
		if (!d->d_inode || d->d_unhashed || d->d_mounted)
			continue;
		if (MMK_S_ISDIR(d->d_inode->i_mode)) {
			tmpfs_collect(d, l);
		} else if (MMK_S_ISREG(d->d_inode->i_mode)) {
			char *kp = d_path(d);

			if (l->n == l->cap) {
				char **np =
					realloc(l->path, (size_t)(l->cap * 2 + 8) * sizeof(*np));

				if (!np) {
					kfree(kp);
					return;
				}
				l->path = np;
				l->cap = l->cap * 2 + 8;
			}
			if (kp)
				l->path[l->n++] = strdup(kp);
			kfree(kp);
		}
	}
}

static void tmpfs_collect_on_cpu(void *arg)
{
	down_read(&namespace_sem);
	tmpfs_collect(root_sb->s_root, arg);
	up_read(&namespace_sem);
}

/* Unlink them through a process of the scenario (TMPFSGC), as a script's
 * clean-up would.  False if a line stopped the run. */
static bool tmpfs_sweep(int *lineno)
{
	struct tmpfs_list l = { 0 };
	char line[PATH_MAX + 32];
	bool ok = true;
	int i;

	cpu_call(0, tmpfs_collect_on_cpu, &l);
	if (l.n)
		ok = run_line(++*lineno, "spawn TMPFSGC");
	for (i = 0; ok && i < l.n; i++) {
		snprintf(line, sizeof(line), "TMPFSGC unlink %s", l.path[i]);
		ok = run_line(++*lineno, line);
	}
	if (ok && l.n)
		ok = run_line(++*lineno, "TMPFSGC exit");
	for (i = 0; i < l.n; i++)
		free(l.path[i]);
	free(l.path);
	return ok;
}

/* The scenario's clean-up: the lines after a `#@cleanup` line (removing
 * the files it made on a host mount).  A failure injected into them (a
 * `spawn` that cannot allocate) would leave a host file cached that the
 * failure-free run removed, so the teardown runs them again with every
 * rule cleared; their results there are not compared.  A longer clean-up
 * than MAX_CLEANUP fails the run, never cut short. */
#define MAX_CLEANUP 64
static char *cleanup[MAX_CLEANUP];
static int ncleanup;

static void teardown(void)
{
	struct usage_args u = { stdout };
	struct fault_site *s;
	char line[64];
	int i, lineno = 100000;

	for (s = fault_site_first(); s; s = s->next)
		printf("S %s %ld %ld\n", s->name, (long)atomic_load(&s->calls),
		       (long)atomic_load(&s->failures));
	fault_inject_clear_all();
	fault_inject_set_trace(NULL);
	print_points();
	for (i = 0; i < ncleanup; i++)
		if (!run_line(++lineno, cleanup[i]))
			return;
	for (i = 0; i < sc.nprocs; i++) {
		if (sc.procs[i].dead || !sc.procs[i].task)
			continue;
		snprintf(line, sizeof(line), "%s exit", sc.procs[i].name);
		if (!run_line(++lineno, line))
			return;
	}
	if (!free_held(&lineno))
		return;
	cpu_call(0, swapoff_all_on_cpu, NULL);
	if (!tmpfs_sweep(&lineno))
		return;
	cpu_call(0, sync_and_drop, NULL);
	cpu_call(0, shrink_all, NULL);
	if (verify_now()) {
		printf("V %d\n", lineno);
		return;
	}
	cpu_call(0, print_usage, &u);
	printf("DONE\n");
}

static int run(const char *path, const struct rule *r)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	bool booted = false, armed = false, ok = true, in_cleanup = false;

	if (!f) {
		perror(path);
		return 2;
	}
	scenario_init(&sc, path, NULL);
	sc.plain = true;
	sc.interactive = true;
	while (ok && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\r\n")] = 0;
		lineno++;
		if (first_word_is(line, "fail"))
			continue;
		if (first_word_is(line, "#@cleanup"))
			in_cleanup = true;
		else if (in_cleanup && !is_blank(line)) {
			if (ncleanup == MAX_CLEANUP) {
				fprintf(stderr, "%s:%d: more than %d #@cleanup lines\n", path,
					lineno, MAX_CLEANUP);
				ok = false;
				break;
			}
			cleanup[ncleanup++] = strdup(line);
		}
		if (!booted && !is_blank(line) && !first_word_is(line, "machine")) {
			if (scenario_boot(&sc, lineno))
				break;
			booted = true;
		}
		if (booted && !armed && lineno >= r->from) {
			arm(r);
			armed = true;
		}
		ok = run_line(lineno, line);
	}
	free(line);
	fclose(f);
	if (ok && !booted && !scenario_boot(&sc, lineno))
		booted = true;
	if (ok && booted && !armed) {
		arm(r);
		armed = true;
	}
	if (ok && sc.booted)
		teardown();
	while (ncleanup)
		free(cleanup[--ncleanup]);
	fflush(stdout);
	scenario_finish(&sc);
	fault_inject_clear_all();
	return ok ? 0 : 3;
}

int main(int argc, char **argv)
{
	struct rule r = { 0 };
	int i;

	setenv("MMKIT_VERIFY_EACH", "0", 1); /* failrun verifies itself */
	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--count"))
			r.count = true;
		else if (!strcmp(argv[i], "--points"))
			r.points = true;
		else if (!strcmp(argv[i], "--site") && i + 1 < argc - 1)
			r.site = argv[++i];
		else if (!strcmp(argv[i], "--nth") && i + 1 < argc - 1)
			r.nth = atol(argv[++i]);
		else if (!strcmp(argv[i], "--prob") && i + 1 < argc - 1)
			r.ppm = (unsigned int)atol(argv[++i]);
		else if (!strcmp(argv[i], "--sticky"))
			r.sticky = true;
		else if (!strcmp(argv[i], "--from") && i + 1 < argc - 1)
			r.from = atoi(argv[++i]);
		else
			break;
	}
	if (i != argc - 1 || (!r.count && (!r.site || (!r.nth && !r.ppm))) ||
	    (r.points && !r.count)) {
		fprintf(stderr,
			"usage: failrun [--from LINE] [--count [--points] | --site SITE (--nth N [--sticky] | --prob PPM)] FILE\n");
		return 2;
	}
	return run(argv[argc - 1], &r);
}
