/*
 * lockdep.c - the lock validator (include/mmkit/lockdep.h), a small
 * version of Linux's kernel/locking/lockdep.c.  Debug builds only.
 *
 * Classes are lock names; class ids are given out on first use and cached
 * in each lock's lockdep_map.  The dependency graph is a bit matrix
 * edge[a] (b set: "a was held when b was taken"), read without a lock on
 * the fast path (an edge seen before costs one load per held lock) and
 * changed under graph_lock together with the chain recorded for the edge
 * (the acquiring thread's held locks with their call sites).  A new edge
 * a -> b is checked against the reference tree (mm/rmap.c) and for a path
 * b => a already in the graph (breadth-first), which would close a cycle.
 *
 * IPI state per class, as Linux's irq-safe/irq-unsafe usage bits, with one
 * bit per class of IPI handler (1: irq-safe handlers, TLB flushes; 2: the
 * others): `taken_in` says in which handlers the lock was taken, `held_at`
 * at which interrupt points it was held.  Both bits set for one class of
 * handler is a deadlock waiting to happen: the handler interrupts the
 * holder on its own CPU and waits for the lock forever.
 *
 * Reports go to printk and end in a BUG (abort) unless lockdep_fatal is
 * cleared (the planted-bug tests); each edge or class pair is reported
 * once.  The validator never takes a tracked lock itself.
 */
#ifdef CONFIG_LOCKDEP
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "mmkit/lockdep.h"
#include "mmkit/machine.h"

#define MAX_CLASSES 256
#define EDGE_WORDS ((MAX_CLASSES + 63) / 64)
/* a writeback batch holds up to BIO_MAX_VECS (256) page locks, and
 * write_cache_pages up to 30 more of its lookup */
#define MAX_DEPTH 352
#define MAX_CHAIN 12
#define MAX_EDGES 4096
#define MAX_NODES 128
#define REPORT_LINES 64

bool lockdep_fatal = true;
__thread const char *lockdep_site_fn;
__thread int lockdep_site_line;

struct lock_slot;

struct held_lock {
	const void *lock;
	struct lock_slot *slot; /* its table entry (NULL: a static map's lock) */
	int cls;
	bool read;
	const char *fn;
	int line;
};

struct chain_entry {
	short cls;
	bool read;
	const char *fn;
	int line;
};

struct chain {
	int n;
	int cpu; /* -1: a thread that is no CPU */
	struct chain_entry e[MAX_CHAIN];
};

struct lock_class {
	const char *name;
	const char *file; /* where its first lock was defined */
	enum ipi_class wait;
	unsigned int taken_in, held_at;	      /* IPI masks, see above */
	struct chain taken_chain, held_chain; /* the first time each was seen */
};

struct edge_rec {
	short a, b;
	struct chain chain;
};

struct tree_node {
	char name[48];
	int depth;
	int parent;
};

static __thread struct held_lock held[MAX_DEPTH];
static __thread int depth;
static __thread int ipi_mask; /* handler class while in one */
static __thread int in_lockdep;
static __thread unsigned int owner_tag;
static _Atomic unsigned int next_owner_tag;

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[MAX_CLASSES];
static _Atomic int nr_classes = 1; /* id 0 means "not registered" */
static _Atomic unsigned long edge_bits[MAX_CLASSES][EDGE_WORDS];
static struct edge_rec edges[MAX_EDGES];
static int nr_edges;
static _Atomic int reports;
static bool graph_full;

static struct tree_node nodes[MAX_NODES];
static int nr_nodes;
static const char *tree_source;

/* ------------------------------------------------------------ output -- */

static char report_buf[REPORT_LINES][200];
static int report_n;

static __printf(1, 2) void rline(const char *fmt, ...)
{
	va_list ap;

	if (report_n >= REPORT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(report_buf[report_n++], sizeof(report_buf[0]), fmt, ap);
	va_end(ap);
}

static int this_cpu_id(void) { return mmk && mmk_this_cpu ? mmk_this_cpu->id : -1; }

static void rchain(const struct chain *c)
{
	for (int i = 0; i < c->n; i++)
		rline("  #%d: %s%s at %s:%d", i, classes[c->e[i].cls].name,
		      c->e[i].read ? " (read)" : "", c->e[i].fn ? c->e[i].fn : "?", c->e[i].line);
}

/* Print the lines built with rline (caller holds graph_lock) and count the
 * report; the caller ends it with report_finish() after dropping the lock. */
static char last_report[REPORT_LINES * 200];

static void report_flush(void)
{
	size_t n = 0;

	printk("======================================================\n");
	for (int i = 0; i < report_n; i++) {
		printk("%s\n", report_buf[i]);
		n += (size_t)snprintf(last_report + n, sizeof(last_report) - n, "%s\n",
				      report_buf[i]);
		if (n >= sizeof(last_report))
			n = sizeof(last_report) - 1;
	}
	printk("======================================================\n");
	report_n = 0;
	atomic_fetch_add(&reports, 1);
}

/* A fatal report stops the machine; its text also goes to stderr when the
 * console did not already print it there (a quiet run, or a log elsewhere). */
static void report_finish(void)
{
	FILE *console = mmk ? mmk->log : stderr; /* where printk echoed it */

	if (!lockdep_fatal)
		return;
	if (console != stderr || !console_echoes(MESSAGE_LOGLEVEL_DEFAULT))
		fputs(last_report, stderr);
	mmk_bug(__FILE__, __LINE__, "lockdep: see the report above");
}

/* ----------------------------------------------------------- classes -- */

static const char *class_key(const char *name) { return name[0] == '&' ? name + 1 : name; }

static void check_class_documented(int cls, const char *file);
static int tree_name(const char *name);
static bool tree_path(int a, int b);

/* The class named `name` (registered on first use). */
static int class_by_name(const char *name, const char *file, enum ipi_class wait)
{
	int id, n;

	pthread_mutex_lock(&graph_lock);
	n = atomic_load(&nr_classes);
	for (id = 1; id < n; id++)
		if (!strcmp(class_key(classes[id].name), class_key(name)))
			break;
	if (id == n) {
		if (id == MAX_CLASSES) {
			pthread_mutex_unlock(&graph_lock);
			mmk_bug(__FILE__, __LINE__, "lockdep: too many lock classes");
		}
		classes[id].name = name;
		classes[id].file = file;
		classes[id].wait = wait;
		atomic_store(&nr_classes, id + 1);
		pthread_mutex_unlock(&graph_lock);
		check_class_documented(id, file);
		return id;
	}
	pthread_mutex_unlock(&graph_lock);
	return id;
}

static int class_of(struct lockdep_map *map)
{
	int id = __atomic_load_n(&map->id, __ATOMIC_ACQUIRE);

	if (!id) {
		id = class_by_name(map->name, map->file, map->wait);
		__atomic_store_n(&map->id, id, __ATOMIC_RELEASE);
	}
	return id;
}

/* --------------------------------------------------- lock instances -- */

/* Open addressing on the lock's address; slots are never freed, only the
 * whole table at machine shutdown (lockdep_reset_locks), when every lock
 * of the machine's memory is gone.  A re-initialised lock takes its slot
 * again with the new class. */
#define LOCK_TABLE_BITS 16
#define LOCK_TABLE_SIZE (1UL << LOCK_TABLE_BITS)
#define MAX_STATIC_LOCKS 64

struct lock_slot {
	_Atomic(const void *) lock;
	_Atomic int cls;
	_Atomic unsigned int owner; /* lockdep_owner_tag of a writer, 0 = none */
};

static struct lock_slot *lock_table; /* mmap'ed on first use */
static struct {
	const void *lock;
	int cls;
} static_locks[MAX_STATIC_LOCKS];
static int nr_static_locks;

static void lock_table_map(void)
{
	void *p = mmap(NULL, LOCK_TABLE_SIZE * sizeof(struct lock_slot), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		mmk_bug(__FILE__, __LINE__, "lockdep: no memory for the lock table");
	lock_table = p;
}

static struct lock_slot *lock_slot(const void *lock, bool create)
{
	unsigned long h = ((uintptr_t)lock >> 3) * 0x9E3779B97F4A7C15UL >> (64 - LOCK_TABLE_BITS);

	if (!lock_table)
		return NULL; /* no lock initialised yet */

	for (unsigned long n = 0; n < LOCK_TABLE_SIZE; n++, h = (h + 1) & (LOCK_TABLE_SIZE - 1)) {
		struct lock_slot *slot = &lock_table[h];
		const void *cur = atomic_load_explicit(&slot->lock, memory_order_acquire);

		if (cur == lock)
			return slot;
		if (cur)
			continue;
		if (!create)
			return NULL;
		if (atomic_compare_exchange_strong(&slot->lock, &cur, lock) || cur == lock)
			return slot;
	}
	mmk_bug(__FILE__, __LINE__, "lockdep: lock table full");
}

void lockdep_init_lock(const void *lock, const char *name, const char *file, enum ipi_class wait)
{
	int cls = class_by_name(name, file, wait);

	if (!__atomic_load_n(&lock_table, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&graph_lock);
		if (!lock_table)
			lock_table_map();
		pthread_mutex_unlock(&graph_lock);
	}
	struct lock_slot *slot = lock_slot(lock, true);

	atomic_store_explicit(&slot->owner, 0, memory_order_relaxed);
	atomic_store_explicit(&slot->cls, cls, memory_order_release);
}

void lockdep_init_static_lock(const void *lock, const char *name, const char *file,
			      enum ipi_class wait)
{
	lockdep_init_lock(lock, name, file, wait);
	if (nr_static_locks == MAX_STATIC_LOCKS)
		mmk_bug(__FILE__, __LINE__, "lockdep: too many static locks");
	static_locks[nr_static_locks].lock = lock;
	static_locks[nr_static_locks].cls = atomic_load(&lock_slot(lock, false)->cls);
	nr_static_locks++;
}

void lockdep_reset_locks(void)
{
	if (!lock_table)
		return;
	/* give the touched pages back: they read as zeros again */
	madvise(lock_table, LOCK_TABLE_SIZE * sizeof(struct lock_slot), MADV_DONTNEED);
	for (int i = 0; i < nr_static_locks; i++)
		atomic_store(&lock_slot(static_locks[i].lock, true)->cls, static_locks[i].cls);
}

unsigned int lockdep_owner_tag(void)
{
	if (!owner_tag)
		owner_tag = atomic_fetch_add(&next_owner_tag, 1) + 1;
	return owner_tag;
}

/* -------------------------------------------------------------- tree -- */

void lockdep_load_order(const char *tree, const char *source)
{
	int stack[32], sdepth = 0;
	const char *p = tree;

	pthread_mutex_lock(&graph_lock);
	nr_nodes = 0;
	tree_source = source;
	while (*p && nr_nodes < MAX_NODES) {
		const char *eol = strchr(p, '\n'), *q = p;
		struct tree_node *n = &nodes[nr_nodes];
		size_t len = 0;

		if (!eol)
			eol = p + strlen(p);
		while (q < eol && *q == ' ')
			q++;
		if (q < eol) {
			n->depth = (int)(q - p);
			while (q + len < eol && q[len] != ' ')
				len++;
			if (len >= sizeof(n->name))
				len = sizeof(n->name) - 1;
			memcpy(n->name, q, len);
			n->name[len] = '\0';
			while (sdepth && nodes[stack[sdepth - 1]].depth >= n->depth)
				sdepth--;
			n->parent = sdepth ? stack[sdepth - 1] : -1;
			if (sdepth < 32)
				stack[sdepth++] = nr_nodes;
			nr_nodes++;
		}
		p = *eol ? eol + 1 : eol;
	}
	pthread_mutex_unlock(&graph_lock);
	for (int n = 0; n < nr_nodes; n++)
		if (tree_path(tree_name(nodes[n].name), tree_name(nodes[n].name)))
			mmk_bug(__FILE__, __LINE__, "lockdep: the lock-order tree has a cycle");
	for (int id = 1; id < atomic_load(&nr_classes); id++)
		check_class_documented(id, classes[id].file);
}

/* The tree's names, with an edge from each node's name to its children's:
 * a name listed again elsewhere brings its subtree along (the order is the
 * transitive closure over names). */
static int tree_name(const char *name)
{
	for (int n = 0; n < nr_nodes; n++)
		if (!strcmp(nodes[n].name, class_key(name)))
			return n;
	return -1;
}

static bool in_tree(int cls) { return tree_name(classes[cls].name) >= 0; }

/* Is there a path from name a to name b (first occurrences) in the tree? */
static bool tree_path(int a, int b)
{
	bool seen[MAX_NODES] = { false };
	int queue[MAX_NODES], head = 0, tail = 0;

	queue[tail++] = a;
	seen[a] = true;
	while (head < tail) {
		int x = queue[head++];

		for (int n = 0; n < nr_nodes; n++) {
			int p = nodes[n].parent, child;

			if (p < 0 || tree_name(nodes[p].name) != x)
				continue;
			child = tree_name(nodes[n].name);
			if (child == b)
				return true;
			if (!seen[child]) {
				seen[child] = true;
				queue[tail++] = child;
			}
		}
	}
	return false;
}

/* Does the tree order class a above class b? */
static bool tree_orders(int a, int b)
{
	int na = tree_name(classes[a].name), nb = tree_name(classes[b].name);

	return na >= 0 && nb >= 0 && tree_path(na, nb);
}

/* ------------------------------------------------------------- graph -- */

static bool edge_test(int a, int b)
{
	return atomic_load_explicit(&edge_bits[a][b / 64], memory_order_relaxed) &
	       (1UL << (b % 64));
}

static void chain_of_held(struct chain *c, int upto)
{
	c->n = 0;
	c->cpu = this_cpu_id();
	for (int i = 0; i <= upto && c->n < MAX_CHAIN; i++) {
		c->e[c->n++] = (struct chain_entry){ (short)held[i].cls, held[i].read, held[i].fn,
						     held[i].line };
	}
}

static const struct edge_rec *edge_find(int a, int b)
{
	for (int i = 0; i < nr_edges; i++)
		if (edges[i].a == a && edges[i].b == b)
			return &edges[i];
	return NULL;
}

/* A path from `from` to `to` in the graph: 0 if none, else its length, with
 * the classes along it in path[] (from first). */
static int find_path(int from, int to, int *path, int max)
{
	int prev[MAX_CLASSES], queue[MAX_CLASSES], head = 0, tail = 0, n = atomic_load(&nr_classes);

	for (int i = 0; i < n; i++)
		prev[i] = -2;
	prev[from] = -1;
	queue[tail++] = from;
	while (head < tail) {
		int x = queue[head++];

		for (int y = 1; y < n; y++) {
			if (prev[y] != -2 || !edge_test(x, y))
				continue;
			prev[y] = x;
			if (y == to) {
				int len = 0, rev[MAX_CLASSES];

				for (int v = to; v >= 0; v = prev[v])
					rev[len++] = v;
				for (int i = 0; i < len && i < max; i++)
					path[i] = rev[len - 1 - i];
				return len < max ? len : max;
			}
			queue[tail++] = y;
		}
	}
	return 0;
}

static void report_header(const char *title)
{
	rline("WARNING: %s", title);
	rline("CPU %d is trying to acquire %s at %s:%d", this_cpu_id(),
	      classes[held[depth - 1].cls].name, held[depth - 1].fn ? held[depth - 1].fn : "?",
	      held[depth - 1].line);
	rline("this chain (held locks, oldest first; the last is being acquired):");
}

static void report_cycle(int a, int b, const struct chain *now)
{
	int path[16], len = find_path(b, a, path, 16);

	report_header("possible circular locking dependency detected");
	rchain(now);
	rline("but the opposite order %s -> %s was seen before:", classes[b].name, classes[a].name);
	for (int i = 0; i + 1 < len; i++) {
		const struct edge_rec *e = edge_find(path[i], path[i + 1]);

		rline(" %s -> %s, first taken on CPU %d:", classes[path[i]].name,
		      classes[path[i + 1]].name, e ? e->chain.cpu : -1);
		if (e)
			rchain(&e->chain);
	}
	rline("the two orders can deadlock on two CPUs");
}

/* Check and record a -> b (graph_lock held).  Returns true if a report
 * was built. */
static bool edge_add(int a, int b, const struct chain *now)
{
	bool bad = false;
	unsigned long bit = 1UL << (b % 64);

	if (atomic_load_explicit(&edge_bits[a][b / 64], memory_order_relaxed) & bit)
		return false;
	if (nr_nodes && in_tree(a) && in_tree(b)) {
		if (tree_orders(b, a)) {
			report_header("lock order inversion against the lock-order tree");
			rchain(now);
			rline("%s takes %s while holding %s; %s orders %s above %s",
			      now->e[now->n - 1].fn, classes[b].name, classes[a].name, tree_source,
			      classes[b].name, classes[a].name);
			bad = true;
		} else if (!tree_orders(a, b)) {
			report_header("lock nesting missing from the lock-order tree");
			rchain(now);
			rline("%s is taken while holding %s; %s does not list that nesting",
			      classes[b].name, classes[a].name, tree_source);
			bad = true;
		}
	}
	if (!bad && find_path(b, a, (int[16]){ 0 }, 16)) {
		report_cycle(a, b, now);
		bad = true;
	}
	if (nr_edges < MAX_EDGES) {
		edges[nr_edges].a = (short)a;
		edges[nr_edges].b = (short)b;
		edges[nr_edges].chain = *now;
		nr_edges++;
	} else if (!graph_full) {
		graph_full = true;
		printk("lockdep: edge table full, chains of new edges not kept\n");
	}
	atomic_fetch_or_explicit(&edge_bits[a][b / 64], bit, memory_order_relaxed);
	return bad;
}

/* ------------------------------------------------------- IPI usage -- */

static unsigned int point_mask(enum ipi_class irqs)
{
	return irqs == IPI_ALL ? 3u : irqs == IPI_IRQSAFE ? 1u : 0u;
}

/* Class cls was taken in a handler of ipi_mask (graph_lock held). */
static bool note_taken_in_ipi(int cls, const struct chain *now)
{
	struct lock_class *c = &classes[cls];

	if ((c->taken_in & (unsigned int)ipi_mask) == (unsigned int)ipi_mask)
		return false;
	if (!c->taken_in)
		c->taken_chain = *now;
	c->taken_in |= (unsigned int)ipi_mask;
	if (!(c->held_at & (unsigned int)ipi_mask))
		return false;
	report_header("lock taken in an IPI handler and held where that IPI is served");
	rchain(now);
	rline("%s was held at an interrupt point serving this IPI:", c->name);
	rchain(&c->held_chain);
	rline("a CPU holding it there would run the handler and wait for itself");
	return true;
}

/* Class cls is held at an interrupt point of `mask` (graph_lock held). */
static bool note_held_at_point(int cls, unsigned int mask, const struct chain *now)
{
	struct lock_class *c = &classes[cls];

	if (!c->held_at)
		c->held_chain = *now;
	c->held_at |= mask;
	if (!(c->taken_in & mask))
		return false;
	rline("WARNING: lock held at an interrupt point whose IPIs take it");
	rline("CPU %d serves %s IPIs while holding (oldest first):", this_cpu_id(),
	      mask == 3 ? "all" : "irq-safe");
	rchain(now);
	rline("%s is taken in an IPI handler:", c->name);
	rchain(&c->taken_chain);
	rline("the handler would run on this CPU and wait for itself");
	return true;
}

/* ----------------------------------------------------------- the API -- */

static bool tracking(void) { return !in_lockdep; }

/* A class seen for the first time: library locks must be in the tree
 * (tests' own locks need not). */
static void check_class_documented(int cls, const char *file)
{
	if (!nr_nodes || in_tree(cls) || !file || strstr(file, "tests/"))
		return;
	pthread_mutex_lock(&graph_lock);
	rline("WARNING: lock class %s (%s) is not in the lock-order tree of %s", classes[cls].name,
	      file, tree_source);
	report_flush();
	pthread_mutex_unlock(&graph_lock);
	report_finish();
}

static void report_recursion(int cls, int first)
{
	struct chain now;

	chain_of_held(&now, depth - 1);
	pthread_mutex_lock(&graph_lock);
	report_header("possible recursive locking detected");
	rchain(&now);
	rline("%s is already held by this thread (taken at %s:%d)", classes[cls].name,
	      held[first].fn ? held[first].fn : "?", held[first].line);
	report_flush();
	pthread_mutex_unlock(&graph_lock);
}

/* The held-lock stack is full: list it, runs of one class and site folded
 * into one line, so the lock that is never released shows. */
static void report_too_deep(int cls)
{
	pthread_mutex_lock(&graph_lock);
	rline("WARNING: more than %d locks held, acquiring %s", MAX_DEPTH, classes[cls].name);
	for (int i = 0, j; i < depth; i = j) {
		for (j = i + 1; j < depth && held[j].cls == held[i].cls &&
				held[j].fn == held[i].fn && held[j].line == held[i].line;
		     j++)
			;
		rline("  %3d x %s at %s:%d", j - i, classes[held[i].cls].name,
		      held[i].fn ? held[i].fn : "?", held[i].line);
	}
	report_flush();
	pthread_mutex_unlock(&graph_lock);
}

/* The class of a lock: a static map's, or the table's; 0 when the lock was
 * never initialised (reported). */
static int lock_class_of(const void *lock, struct lockdep_map *map, struct lock_slot **slotp)
{
	struct lock_slot *slot;
	int cls;

	*slotp = NULL;
	if (map)
		return class_of(map);
	slot = *slotp = lock_slot(lock, false);
	cls = slot ? atomic_load_explicit(&slot->cls, memory_order_acquire) : 0;
	if (cls)
		return cls;
	pthread_mutex_lock(&graph_lock);
	rline("WARNING: lock %p taken at %s:%d was never initialised (no class)", lock,
	      lockdep_site_fn ? lockdep_site_fn : "?", lockdep_site_line);
	report_flush();
	pthread_mutex_unlock(&graph_lock);
	report_finish();
	return 0;
}

void lock_acquire(const void *lock, struct lockdep_map *map, bool read, bool trylock)
{
	struct lock_slot *slot;
	struct chain now;
	bool bad = false;
	int cls, first = -1;

	if (!tracking())
		return;
	in_lockdep++;
	cls = lock_class_of(lock, map, &slot);
	if (!cls) {
		in_lockdep--;
		return;
	}
	for (int i = 0; i < depth; i++)
		if (held[i].lock == lock)
			first = i;
	if (depth == MAX_DEPTH) {
		report_too_deep(cls);
		in_lockdep--;
		mmk_bug(__FILE__, __LINE__, "lockdep: too many locks held");
	}
	held[depth++] =
		(struct held_lock){ lock, slot, cls, read, lockdep_site_fn, lockdep_site_line };
	lockdep_site_fn = NULL;
	if (first >= 0) {
		report_recursion(cls, first);
		depth--; /* keep the stack as the lock is */
		in_lockdep--;
		report_finish();
		return;
	}
	now.n = 0; /* built when first needed */
	for (int i = 0; i < depth - 1 && !trylock; i++) {
		int a = held[i].cls;

		if (a == cls || edge_test(a, cls))
			continue;
		if (!now.n)
			chain_of_held(&now, depth - 1);
		pthread_mutex_lock(&graph_lock);
		if (edge_add(a, cls, &now)) {
			report_flush();
			bad = true;
		}
		pthread_mutex_unlock(&graph_lock);
	}
	if (ipi_mask &&
	    (classes[cls].taken_in & (unsigned int)ipi_mask) != (unsigned int)ipi_mask) {
		if (!now.n)
			chain_of_held(&now, depth - 1);
		pthread_mutex_lock(&graph_lock);
		if (note_taken_in_ipi(cls, &now)) {
			report_flush();
			bad = true;
		}
		pthread_mutex_unlock(&graph_lock);
	}
	in_lockdep--;
	if (bad)
		report_finish();
}

static int held_index(const void *lock)
{
	for (int i = depth - 1; i >= 0; i--)
		if (held[i].lock == lock)
			return i;
	return -1;
}

void lock_acquired_write(const void *lock)
{
	int i;

	if (!tracking())
		return;
	i = held_index(lock);
	if (i >= 0 && held[i].slot)
		atomic_store_explicit(&held[i].slot->owner, lockdep_owner_tag(),
				      memory_order_relaxed);
}

void lock_release(const void *lock)
{
	int i;

	if (!tracking())
		return;
	i = held_index(lock);
	if (i >= 0 && held[i].slot) {
		struct lock_slot *slot = held[i].slot;
		unsigned int owner = atomic_load_explicit(&slot->owner, memory_order_relaxed);

		if (owner && owner != lockdep_owner_tag())
			lockdep_assert_failed("release of a lock owned by another thread",
					      "lock_release", 0);
		atomic_store_explicit(&slot->owner, 0, memory_order_relaxed);
	}
	if (i < 0) {
		in_lockdep++;
		pthread_mutex_lock(&graph_lock);
		rline("WARNING: bad unlock balance detected");
		rline("CPU %d releases a lock (%p) it does not hold; it holds:", this_cpu_id(),
		      lock);
		for (int j = 0; j < depth; j++)
			rline("  #%d: %s at %s:%d", j, classes[held[j].cls].name,
			      held[j].fn ? held[j].fn : "?", held[j].line);
		report_flush();
		pthread_mutex_unlock(&graph_lock);
		in_lockdep--;
		report_finish();
		return;
	}
	memmove(&held[i], &held[i + 1], (size_t)(depth - i - 1) * sizeof(held[0]));
	depth--;
}

void lock_downgrade(const void *lock)
{
	int i;

	if (!tracking())
		return;
	i = held_index(lock);
	if (i < 0) {
		lockdep_assert_failed("downgrade of a lock this thread does not hold",
				      "lock_downgrade", 0);
		return;
	}
	held[i].read = true;
	if (held[i].slot)
		atomic_store_explicit(&held[i].slot->owner, 0, memory_order_relaxed);
}

/* On this thread's stack, and, when the lock has an owner, owned by it. */
bool lock_is_held(const void *lock)
{
	int i = held_index(lock);
	unsigned int owner;

	if (i < 0)
		return false;
	if (!held[i].slot)
		return true;
	owner = atomic_load_explicit(&held[i].slot->owner, memory_order_relaxed);
	return !owner || owner == lockdep_owner_tag();
}

bool lock_is_held_write(const void *lock)
{
	int i = held_index(lock);

	if (i < 0 || held[i].read)
		return false;
	return !held[i].slot || atomic_load_explicit(&held[i].slot->owner, memory_order_relaxed) ==
					lockdep_owner_tag();
}

void lockdep_interrupt_point(enum ipi_class irqs, const void *waiting_for)
{
	unsigned int mask = point_mask(irqs);
	struct chain now;
	bool bad = false;

	if (!tracking() || !mask || !depth)
		return;
	in_lockdep++;
	now.n = 0;
	for (int i = 0; i < depth; i++) {
		struct lock_class *c = &classes[held[i].cls];

		if (held[i].lock == waiting_for)
			continue;
		if ((c->held_at & mask) == mask && !(c->taken_in & mask))
			continue;
		if (!now.n)
			chain_of_held(&now, depth - 1);
		pthread_mutex_lock(&graph_lock);
		if (note_held_at_point(held[i].cls, mask, &now)) {
			report_flush();
			bad = true;
		}
		pthread_mutex_unlock(&graph_lock);
	}
	in_lockdep--;
	if (bad)
		report_finish();
}

void lockdep_ipi_enter(bool irqsafe) { ipi_mask = irqsafe ? 1 : 2; }

void lockdep_ipi_exit(void) { ipi_mask = 0; }

void lockdep_ipi_wait(bool irqsafe)
{
	enum ipi_class need = irqsafe ? IPI_IRQSAFE : IPI_ALL;
	bool bad = false;

	if (!tracking() || !depth)
		return;
	in_lockdep++;
	for (int i = 0; i < depth && !bad; i++) {
		struct lock_class *c = &classes[held[i].cls];
		struct chain now;

		if (c->wait >= need)
			continue;
		chain_of_held(&now, depth - 1);
		pthread_mutex_lock(&graph_lock);
		rline("WARNING: IPI sent and waited for with a lock held whose waiters do not serve it");
		rline("CPU %d sends %s IPIs while holding (oldest first):", this_cpu_id(),
		      irqsafe ? "irq-safe" : "non-irq-safe");
		rchain(&now);
		rline("a CPU waiting for %s serves %s IPIs only: it would never answer", c->name,
		      c->wait == IPI_NONE ? "no" : "irq-safe");
		report_flush();
		pthread_mutex_unlock(&graph_lock);
		bad = true;
	}
	in_lockdep--;
	if (bad)
		report_finish();
}

void __might_sleep(const char *fn, int line)
{
	int i;

	if (!tracking())
		return;
	for (i = 0; i < depth && classes[held[i].cls].wait == IPI_ALL; i++)
		;
	if (i == depth && !ipi_mask)
		return;
	in_lockdep++;
	pthread_mutex_lock(&graph_lock);
	rline("BUG: sleeping function called from invalid context at %s:%d", fn, line);
	if (ipi_mask)
		rline("in an IPI handler");
	rline("CPU %d holds (oldest first):", this_cpu_id());
	for (int j = 0; j < depth; j++)
		rline("  #%d: %s at %s:%d%s", j, classes[held[j].cls].name,
		      held[j].fn ? held[j].fn : "?", held[j].line,
		      classes[held[j].cls].wait == IPI_ALL ? "" :
							     "  <- waiters cannot serve every IPI");
	report_flush();
	pthread_mutex_unlock(&graph_lock);
	in_lockdep--;
	report_finish();
}

void lockdep_assert_failed(const char *what, const char *fn, int line)
{
	in_lockdep++;
	pthread_mutex_lock(&graph_lock);
	rline("WARNING: %s failed in %s:%d", what, fn, line);
	rline("CPU %d holds (oldest first):", this_cpu_id());
	for (int j = 0; j < depth; j++)
		rline("  #%d: %s%s at %s:%d", j, classes[held[j].cls].name,
		      held[j].read ? " (read)" : "", held[j].fn ? held[j].fn : "?", held[j].line);
	if (!depth)
		rline("  no locks");
	report_flush();
	pthread_mutex_unlock(&graph_lock);
	in_lockdep--;
	report_finish();
}

int lockdep_reports(void) { return atomic_load(&reports); }

void lockdep_reset(void)
{
	pthread_mutex_lock(&graph_lock);
	memset(edge_bits, 0, sizeof(edge_bits));
	nr_edges = 0;
	graph_full = false;
	for (int i = 0; i < MAX_CLASSES; i++) {
		classes[i].taken_in = classes[i].held_at = 0;
	}
	pthread_mutex_unlock(&graph_lock);
}

/* All classes and dependencies seen, for writing the lock-order tree
 * (MMKIT_LOCKDEP_DUMP=FILE appends them to FILE at exit). */
void lockdep_dump(FILE *out)
{
	int n = atomic_load(&nr_classes);

	pthread_mutex_lock(&graph_lock);
	for (int a = 1; a < n; a++) {
		const struct chain *t = &classes[a].taken_chain;

		fprintf(out, "lockdep class %s%s%s%s\n", classes[a].name,
			classes[a].taken_in ? " (taken in IPI handlers, first in " : "",
			classes[a].taken_in && t->n ? t->e[t->n - 1].fn : "",
			classes[a].taken_in ? ")" : "");
		for (int b = 1; b < n; b++)
			if (edge_test(a, b)) {
				const struct edge_rec *e = edge_find(a, b);

				fprintf(out, "lockdep edge %s -> %s  (%s:%d)\n", classes[a].name,
					classes[b].name, e ? e->chain.e[e->chain.n - 1].fn : "?",
					e ? e->chain.e[e->chain.n - 1].line : 0);
			}
	}
	pthread_mutex_unlock(&graph_lock);
}

static void lockdep_dump_at_exit(void)
{
	FILE *f = fopen(getenv("MMKIT_LOCKDEP_DUMP"), "a");

	if (f) {
		lockdep_dump(f);
		fclose(f);
	}
}

__attribute__((constructor)) static void lockdep_dump_setup(void)
{
	const char *e = getenv("MMKIT_LOCKDEP_DUMP");

	if (e && *e)
		atexit(lockdep_dump_at_exit);
}
#endif /* CONFIG_LOCKDEP */
