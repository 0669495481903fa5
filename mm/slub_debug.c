/*
 * slub_debug.c - SLUB's debugging (Linux mm/slub.c CONFIG_SLUB_DEBUG part,
 * Documentation/mm/slub.rst): red zones, poisoning, owner tracking and
 * consistency checks, switched on per cache by slab_debug flags
 * (F sanity checks, Z red zones, P poisoning, U user tracking, T trace).
 *
 * Object layout with debugging (offsets from the start of one stride):
 *
 *   [left red zone: red_left_pad]  0xbb free / 0xcc allocated
 *   object                         object_size bytes; a free object is
 *                                  poisoned 0x6b ... 0x6b 0xa5 (P)
 *   [right red zone]               up to s->inuse; a kmalloc object's bytes
 *                                  past the requested size are red zone too
 *   [free pointer]                 here (s->offset == inuse) when P, Z on a
 *                                  tiny object, a ctor or a kmalloc U cache
 *                                  forbid keeping it inside the object
 *   [struct track alloc, free]     U: caller, cpu, pid, when
 *   [orig_size]                    U on kmalloc caches: the requested size
 *   [padding]                      0x5a up to the next stride (one word at
 *                                  least with Z)
 *
 * A check that finds a byte out of place reports it in the kernel's words
 * (Linux 6.18: "[Right Redzone overwritten] 0x...-0x... @offset=N. First
 * byte 0x.. instead of 0x..", then "BUG cache (Not tainted): Object
 * corrupt" with the owners and hex dumps) and restores the bytes ("FIX
 * cache: Restoring ..."), so the machine goes on.  Addresses print as
 * simulated KVAs (Linux hashes %p; mmkit prints the real value), struct
 * page addresses as vmemmap addresses.
 *
 * Locking: the debug hooks run with n->list_lock held (debug caches do all
 * their work under it), or on a slab nobody else can reach.
 */
#include <stdarg.h>
#include <string.h>
#include "mm/slab.h"
#include "mmkit/debug.h"
#include "mmkit/pgtable.h"
#include "mmkit/sched.h"

#define TAINT_BAD_PAGE 5
#define TAINT_WARN 9
#define TAINT_FLAGS_COUNT 20

static _Atomic unsigned long tainted_mask;
static _Atomic long slab_errors; /* problems reported so far */

void slab_debug_reset(void)
{
	atomic_store(&tainted_mask, 0);
	atomic_store(&slab_errors, 0);
}

/* A pointer as the kernel would print it: the KVA of a host pointer into
 * RAM; anything else (a corrupted pointer) as the raw value it had in
 * memory. */
unsigned long slab_kva(const void *p)
{
	if (!p)
		return 0;
	return host_in_ram(p) ? kva_of(p) : (uintptr_t)p + slab_fp_delta;
}

/* Linux set_track_prepare()'s current->pid: the task running on this CPU,
 * 0 in the idle (swapper) context or on a thread that is no CPU. */
static int slab_current_pid(void)
{
	struct cpu *c = this_cpu();
	struct task_struct *t = c ? cpu_curr(c) : NULL;

	return t ? t->pid : 0;
}

/* Linux add_taint(): the first taint also turns lock debugging off. */
static void add_taint(int flag)
{
	if (!atomic_fetch_or(&tainted_mask, 1UL << flag))
		printk("Disabling lock debugging due to kernel taint\n");
}

/* print_tainted(): "Not tainted" or "Tainted: G    B   W          ". */
static const char *print_tainted(char *buf, size_t len)
{
	unsigned long mask = atomic_load(&tainted_mask);
	size_t k;
	int i;

	if (!mask)
		return "Not tainted";
	k = (size_t)snprintf(buf, len, "Tainted: ");
	for (i = 0; i < TAINT_FLAGS_COUNT && k + 1 < len; i++) {
		char c = i == 0 ? 'G' : ' ';

		if (i == TAINT_BAD_PAGE && (mask & (1UL << i)))
			c = 'B';
		if (i == TAINT_WARN && (mask & (1UL << i)))
			c = 'W';
		buf[k++] = c;
	}
	buf[k] = 0;
	return buf;
}

void slab_warn(const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atomic_fetch_add(&slab_errors, 1);
	printk("------------[ cut here ]------------\n");
	printk("%s", msg);
	printk("WARNING: CPU: %d PID: %d at %s\n", this_cpu() ? smp_processor_id() : 0,
	       slab_current_pid(), where);
	add_taint(TAINT_WARN);
}

/* WARN_ON(1) at the end of a report: no message, not counted again. */
static void warn_on(const char *where)
{
	printk("------------[ cut here ]------------\n");
	printk("WARNING: CPU: %d PID: %d at %s\n", this_cpu() ? smp_processor_id() : 0,
	       slab_current_pid(), where);
	add_taint(TAINT_WARN);
}

/* ---- report building blocks ---- */

/* print_hex_dump(KERN_ERR, text, DUMP_PREFIX_ADDRESS, 16, 1, addr, len, 1) */
static void print_section(const char *text, const u8 *addr, unsigned int length)
{
	unsigned int i, j;

	for (i = 0; i < length; i += 16) {
		char line[128];
		unsigned int n = min(16U, length - i), k = 0;

		for (j = 0; j < n; j++)
			k += (unsigned int)snprintf(line + k, sizeof(line) - k, "%02x ",
						    addr[i + j]);
		k--; /* no blank after the last byte */
		while (k < 49)
			line[k++] = ' ';
		for (j = 0; j < n; j++)
			line[k++] = (addr[i + j] >= 0x20 && addr[i + j] < 0x7f) ?
					    (char)addr[i + j] :
					    '.';
		line[k] = 0;
		printk("%s%016lx: %s\n", text, slab_kva(addr + i), line);
	}
}

static void __slab_bug(struct kmem_cache *s, const char *fmt, va_list ap)
{
	char msg[256], taint[64];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	printk("=============================================================================\n");
	printk("BUG %s (%s): %s\n", s ? s->name : "<unknown>", print_tainted(taint, sizeof(taint)),
	       msg);
	printk("-----------------------------------------------------------------------------\n\n");
	atomic_fetch_add(&slab_errors, 1);
}

static __printf(2, 3) void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__slab_bug(s, fmt, ap);
	va_end(ap);
}

static __printf(2, 3) void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("FIX %s: %s\n", s->name, msg);
}

static void print_track(const char *what, const struct track *t, unsigned long now)
{
	if (!t->addr)
		return;
	printk("%s in %s age=%lu cpu=%u pid=%d\n", what, (const char *)t->addr, now - t->when,
	       (unsigned int)t->cpu, t->pid);
}

static struct track *get_track(struct kmem_cache *s, void *object, enum track_item alloc)
{
	return (struct track *)((u8 *)object + get_info_end(s)) + alloc;
}

void print_tracking(struct kmem_cache *s, void *object)
{
	unsigned long now = slab_jiffies();

	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), now);
	print_track("Freed", get_track(s, object, TRACK_FREE), now);
}

/* %pGp of a page's flags: "0x...(name|name|zone=N)". */
static void format_page_flags(const struct page *page, char *buf, size_t len)
{
	static const char *const names[] = {
		"locked",	"writeback", "referenced", "uptodate",	  "dirty",
		"lru",		"head",	     "waiters",	   "active",	  "workingset",
		"owner_priv_1", "owner_2",   "arch_1",	   "reserved",	  "private",
		"private_2",	"reclaim",   "swapbacked", "unevictable", "mlocked",
	};
	unsigned long f = atomic_load_explicit(&((struct page *)page)->flags, memory_order_relaxed);
	size_t k = (size_t)snprintf(buf, len, "0x%lx(", f);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names) && k < len; i++)
		if (f & (1UL << i))
			k += (size_t)snprintf(buf + k, len - k, "%s|", names[i]);
	if (k < len)
		snprintf(buf + k, len - k, "zone=%d)", page_zonenum(page));
}

static void print_slab_info(const struct page *slab)
{
	char flags[256];

	format_page_flags(slab, flags, sizeof(flags));
	printk("Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=%s\n",
	       VMEMMAP_START + page_to_pfn(slab) * sizeof(struct page), slab->objects, slab->inuse,
	       slab_kva(slab->freelist), flags);
}

static unsigned int size_from_object(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}

/* Where the tracks and orig_size end: the start of the padding. */
static unsigned int metadata_end(const struct kmem_cache *s)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER) {
		off += 2 * (unsigned int)sizeof(struct track);
		if (s->flags & SLAB_KMALLOC)
			off += (unsigned int)sizeof(unsigned long);
	}
	return off;
}

static void print_trailer(struct kmem_cache *s, struct page *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off = metadata_end(s);

	print_tracking(s, p);
	print_slab_info(slab);
	printk("Object 0x%016lx @offset=%tu fp=0x%016lx\n\n", slab_kva(p), p - addr,
	       get_freepointer_raw(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p > addr + 16)
		print_section("Bytes b4 ", p - 16, 16);
	print_section("Object   ", p, min(s->object_size, (unsigned int)PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p + s->object_size, s->inuse - s->object_size);
	if (off != size_from_object(s))
		print_section("Padding  ", p + off, size_from_object(s) - off);
}

/* The end of a report: slab info, taint, WARN_ON(1). */
static void __slab_err(struct page *slab)
{
	print_slab_info(slab);
	add_taint(TAINT_BAD_PAGE);
	warn_on("mm/slub.c slab_err");
}

void object_err(struct kmem_cache *s, struct page *slab, u8 *object, const char *reason)
{
	slab_bug(s, "%s", reason);
	if (!object || !check_valid_pointer(s, slab, object)) {
		print_slab_info(slab);
		printk("Invalid pointer 0x%016lx\n", slab_kva(object));
	} else {
		print_trailer(s, slab, object);
	}
	add_taint(TAINT_BAD_PAGE);
	warn_on("mm/slub.c object_err");
}

void slab_err(struct kmem_cache *s, struct page *slab, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__slab_bug(s, fmt, ap);
	va_end(ap);
	__slab_err(slab);
}

/* ---- object and slab checks ---- */

bool check_valid_pointer(const struct kmem_cache *s, const struct page *slab, const void *p)
{
	const u8 *base = slab_address(slab), *obj = p;

	if (!p)
		return true;
	obj -= s->red_left_pad;
	return obj >= base && obj < base + (unsigned long)slab->objects * s->size &&
	       (unsigned long)(obj - base) % s->size == 0;
}

static u8 *memchr_inv(u8 *start, u8 c, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		if (start[i] != c)
			return start + i;
	return NULL;
}

static void restore_bytes(struct kmem_cache *s, const char *what, u8 data, u8 *from, u8 *to)
{
	slab_fix(s, "Restoring %s 0x%016lx-0x%016lx=0x%x", what, slab_kva(from), slab_kva(to - 1),
		 data);
	memset(from, data, (size_t)(to - from));
}

static bool check_bytes_and_report(struct kmem_cache *s, struct page *slab, u8 *object,
				   const char *what, u8 *start, u8 value, unsigned int bytes,
				   bool print_object)
{
	u8 *fault = memchr_inv(start, value, bytes), *end = start + bytes;

	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	printk("[%s overwritten] 0x%016lx-0x%016lx @offset=%tu. First byte 0x%x instead of 0x%x\n",
	       what, slab_kva(fault), slab_kva(end - 1), fault - (u8 *)slab_address(slab), fault[0],
	       value);
	if (!print_object)
		atomic_fetch_add(&slab_errors, 1); /* object_err counts the first */
	if (print_object)
		object_err(s, slab, object, "Object corrupt");
	restore_bytes(s, what, value, fault, end);
	return false;
}

static bool check_pad_bytes(struct kmem_cache *s, struct page *slab, u8 *p)
{
	unsigned int off = metadata_end(s);

	if (size_from_object(s) == off)
		return true;
	return check_bytes_and_report(s, slab, p, "Object padding", p + off, POISON_INUSE,
				      size_from_object(s) - off, true);
}

/* The bytes after the last object of a slab must still be POISON_INUSE. */
static void slab_pad_check(struct kmem_cache *s, struct page *slab)
{
	u8 *start = slab_address(slab), *end, *pad, *fault;
	unsigned long length = slab_bytes(s, slab), remainder;

	if (!(s->flags & SLAB_POISON))
		return;
	remainder = length - (unsigned long)slab->objects * s->size;
	end = start + length;
	pad = end - remainder;
	fault = remainder ? memchr_inv(pad, POISON_INUSE, (unsigned int)remainder) : NULL;
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_bug(s, "Padding overwritten. 0x%016lx-0x%016lx @offset=%tu", slab_kva(fault),
		 slab_kva(end - 1), fault - start);
	print_section("Padding ", pad, (unsigned int)remainder);
	__slab_err(slab);
	restore_bytes(s, "slab padding", POISON_INUSE, fault, end);
}

static bool check_redzones(struct kmem_cache *s, struct page *slab, u8 *p, u8 val, bool ok)
{
	unsigned int orig_size;

	if (!check_bytes_and_report(s, slab, p, "Left Redzone", p - s->red_left_pad, val,
				    s->red_left_pad, ok))
		ok = false;
	if (!check_bytes_and_report(s, slab, p, "Right Redzone", p + s->object_size, val,
				    s->inuse - s->object_size, ok))
		ok = false;
	if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
		orig_size = (unsigned int)get_orig_size(s, p);
		if (s->object_size > orig_size &&
		    !check_bytes_and_report(s, slab, p, "kmalloc Redzone", p + orig_size, val,
					    s->object_size - orig_size, ok))
			ok = false;
	}
	return ok;
}

static bool check_poison(struct kmem_cache *s, struct page *slab, u8 *p, u8 val, bool ok)
{
	if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
		if (!check_bytes_and_report(s, slab, p, "Poison", p, POISON_FREE,
					    s->object_size - 1, ok))
			ok = false;
		if (!check_bytes_and_report(s, slab, p, "End Poison", p + s->object_size - 1,
					    POISON_END, 1, ok))
			ok = false;
	}
	if (!check_pad_bytes(s, slab, p))
		ok = false;
	return ok;
}

/* Linux check_object(): val is SLUB_RED_ACTIVE for an allocated object,
 * SLUB_RED_INACTIVE for a free one. */
static bool check_object(struct kmem_cache *s, struct page *slab, void *object, u8 val)
{
	u8 *p = object;
	bool ok = true;

	if (s->flags & SLAB_RED_ZONE)
		ok = check_redzones(s, slab, p, val, ok);
	else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse)
		ok = check_bytes_and_report(s, slab, p, "Alignment padding", p + s->object_size,
					    POISON_INUSE, s->inuse - s->object_size, ok) &&
		     ok;
	if (s->flags & SLAB_POISON)
		ok = check_poison(s, slab, p, val, ok);
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, slab, get_freepointer(s, p))) {
		object_err(s, slab, p, "Freepointer corrupt");
		set_freepointer(s, p, NULL); /* loses the rest of the free objects */
		ok = false;
	}
	return ok;
}

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static bool check_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int maxobj = order_objects(slab_order(s, slab), s->size);

	if (slab->objects > maxobj) {
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
		return false;
	}
	if (slab->inuse > slab->objects) {
		slab_err(s, slab, "inuse %u > max %u", slab->inuse, slab->objects);
		return false;
	}
	if (slab->frozen && kmem_cache_debug(s)) {
		slab_err(s, slab, "Slab disabled since SLUB metadata consistency check failed");
		return false;
	}
	slab_pad_check(s, slab);
	return true;
}

static void freelist_cleared(struct kmem_cache *s, struct page *slab)
{
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab_fix(s, "Freelist cleared");
}

static void fix_object_counts(struct kmem_cache *s, struct page *slab, unsigned int nr)
{
	unsigned int max_objects = min(order_objects(slab_order(s, slab), s->size), 32767U);

	if (slab->objects != max_objects) {
		slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			 slab->objects, max_objects);
		slab->objects = max_objects;
		slab_fix(s, "Number of objects adjusted");
	}
	if (slab->inuse != slab->objects - nr) {
		slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			 slab->inuse, slab->objects - nr);
		slab->inuse = slab->objects - nr;
		slab_fix(s, "Object count adjusted");
	}
}

/* A freelist link that leaves the slab: cut the list after `object`
 * (Freechain corrupt), or clear it when its head is bad. */
static void freelist_cut(struct kmem_cache *s, struct page *slab, void *object)
{
	if (object) {
		object_err(s, slab, object, "Freechain corrupt");
		set_freepointer(s, object, NULL);
		return;
	}
	slab_err(s, slab, "Freepointer corrupt");
	freelist_cleared(s, slab);
}

/* Linux on_freelist(): is `search` on the slab's freelist?  With NULL,
 * checks the whole list and the counters.  Slab lock or list_lock held. */
static bool on_freelist(struct kmem_cache *s, struct page *slab, void *search)
{
	void *fp = slab->freelist, *object = NULL;
	unsigned int nr = 0;

	while (fp && nr <= slab->objects && check_valid_pointer(s, slab, fp)) {
		if (fp == search)
			return true;
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	if (fp && nr <= slab->objects) { /* a link that leaves the slab */
		freelist_cut(s, slab, object);
		if (!object)
			return false;
	} else if (nr > slab->objects) {
		slab_err(s, slab, "Freelist cycle detected");
		freelist_cleared(s, slab);
		return false;
	}
	fix_object_counts(s, slab, nr);
	return search == NULL;
}

/* ---- object setup and tracking ---- */

void set_track(struct kmem_cache *s, void *object, enum track_item alloc, const char *caller)
{
	struct track *t = get_track(s, object, alloc);

	t->addr = (unsigned long)caller;
	t->handle = 0;
	t->cpu = this_cpu() ? smp_processor_id() : 0;
	t->pid = slab_current_pid();
	t->when = slab_jiffies();
}

static void init_tracking(struct kmem_cache *s, void *object)
{
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
}

static unsigned long *orig_size_ptr(struct kmem_cache *s, void *object)
{
	return (unsigned long *)((u8 *)object + get_info_end(s) + 2 * sizeof(struct track));
}

void set_orig_size(struct kmem_cache *s, void *object, size_t orig_size)
{
	if (slub_debug_orig_size(s))
		*orig_size_ptr(s, object) = orig_size;
}

size_t get_orig_size(struct kmem_cache *s, void *object)
{
	if (!slub_debug_orig_size(s))
		return s->object_size;
	return *orig_size_ptr(s, object);
}

/* Poison and red-zone one object (Linux init_object). */
static void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE)
			poison_size = (unsigned int)get_orig_size(s, object);
	}
	if ((s->flags & __OBJECT_POISON) && poison_size) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, s->inuse - poison_size);
}

void setup_slab_debug(struct kmem_cache *s, struct page *slab)
{
	if (s->flags & SLAB_POISON)
		memset(slab_address(slab), POISON_INUSE, slab_bytes(s, slab));
}

void setup_object_debug(struct kmem_cache *s, void *object)
{
	if (!(s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE | __OBJECT_POISON)))
		return;
	init_object(s, object, SLUB_RED_INACTIVE);
	init_tracking(s, object);
}

static void trace(struct kmem_cache *s, struct page *slab, void *object, bool alloc)
{
	if (!(s->flags & SLAB_TRACE))
		return;
	printk("TRACE %s %s 0x%016lx inuse=%d fp=0x%016lx\n", s->name, alloc ? "alloc" : "free",
	       slab_kva(object), slab->inuse, slab_kva(slab->freelist));
	if (!alloc)
		print_section("Object ", object, s->object_size);
}

/* ---- the alloc and free hooks ---- */

static bool alloc_consistency_checks(struct kmem_cache *s, struct page *slab, void *object)
{
	if (!check_slab(s, slab))
		return false;
	if (!check_valid_pointer(s, slab, object)) {
		object_err(s, slab, object, "Freelist Pointer check fails");
		return false;
	}
	return check_object(s, slab, object, SLUB_RED_INACTIVE);
}

bool alloc_debug_check(struct kmem_cache *s, struct page *slab, void *object)
{
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !alloc_consistency_checks(s, slab, object)) {
		/* avoid touching the remaining objects of this slab */
		slab_fix(s, "Marking all objects used");
		slab->inuse = slab->objects;
		slab->freelist = NULL;
		slab->frozen = 1;
		return false;
	}
	return true;
}

void alloc_debug_processing(struct kmem_cache *s, struct page *slab, void *object, size_t orig_size,
			    const char *caller)
{
	trace(s, slab, object, true);
	set_orig_size(s, object, orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, caller);
}

static bool free_consistency_checks(struct kmem_cache *s, struct page *slab, void *object)
{
	if (!check_valid_pointer(s, slab, object)) {
		slab_err(s, slab, "Invalid object pointer 0x%016lx", slab_kva(object));
		return false;
	}
	if (on_freelist(s, slab, object)) {
		object_err(s, slab, object, "Object already free");
		return false;
	}
	if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
		return false;
	if (unlikely(s != slab->slab_cache)) {
		object_err(s, slab, object, "page slab pointer corrupt.");
		return false;
	}
	return true;
}

bool free_debug_processing(struct kmem_cache *s, struct page *slab, void *object,
			   const char *caller)
{
	bool ok = false;

	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !check_slab(s, slab))
		goto out;
	if (slab->inuse < 1) {
		slab_err(s, slab, "Slab has %d allocated objects but %d are to be freed",
			 slab->inuse, 1);
		goto out;
	}
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !free_consistency_checks(s, slab, object))
		goto out;
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, caller);
	trace(s, slab, object, false);
	init_object(s, object, SLUB_RED_INACTIVE);
	ok = true;
out:
	if (!ok)
		slab_fix(s, "Object at 0x%016lx not freed", slab_kva(object));
	return ok;
}

void free_slab_debug(struct kmem_cache *s, struct page *slab)
{
	void *p;

	if (!(s->flags & SLAB_CONSISTENCY_CHECKS))
		return;
	slab_pad_check(s, slab);
	for_each_object(p, s, slab)
		check_object(s, slab, p, SLUB_RED_INACTIVE);
}

/* ---- reports of leftovers and validation ---- */

/* Mark the free objects of a slab in map (one byte per object). */
static void fill_free_map(struct kmem_cache *s, struct page *slab, u8 *map)
{
	unsigned int nr = 0;
	void *p;

	memset(map, 0, slab->objects);
	for (p = slab->freelist; p && nr++ < slab->objects; p = get_freepointer(s, p)) {
		if (!check_valid_pointer(s, slab, p))
			break;
		map[obj_to_index(s, slab, p)] = 1;
	}
}

void list_slab_objects(struct kmem_cache *s, struct page *slab, const char *text)
{
	static u8 map[32768];
	void *p;

	slab_bug(s, "%s", text);
	slab_lock(slab);
	fill_free_map(s, slab, map);
	for_each_object(p, s, slab) {
		if (map[obj_to_index(s, slab, p)])
			continue;
		printk("Object 0x%016lx @offset=%tu\n", slab_kva(p),
		       (u8 *)p - (u8 *)slab_address(slab));
		print_tracking(s, p);
	}
	slab_unlock(slab);
	__slab_err(slab);
}

int validate_slab(struct kmem_cache *s, struct page *slab)
{
	static u8 map[32768];
	long before = atomic_load(&slab_errors);
	void *p;

	if (!check_slab(s, slab) || !on_freelist(s, slab, NULL))
		goto out;
	fill_free_map(s, slab, map);
	for_each_object(p, s, slab) {
		u8 val = map[obj_to_index(s, slab, p)] ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		if (!check_object(s, slab, p, val))
			break;
	}
out:
	return (int)(atomic_load(&slab_errors) - before);
}

/* Validate the slabs on one list; returns how many there were.  A fix-up
 * may leave a partial slab without free objects (freelist cleared): it
 * moves to the full list (debug caches) or off the lists (SLUB keeps no
 * full list), where a full slab belongs.  list_lock held. */
static long validate_list(struct kmem_cache *s, struct list_head *head, bool partial, int *errors)
{
	struct kmem_cache_node *n = get_node(s);
	struct page *slab, *tmp;
	long count = 0;
	bool full;

	lockdep_assert_held(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, head, slab_list) {
		slab_lock(slab);
		*errors += validate_slab(s, slab);
		full = !slab->freelist;
		if (partial && full)
			remove_partial(n, slab);
		slab_unlock(slab);
		count++;
		if (!partial || !full)
			continue;
		if (kmem_cache_debug(s))
			list_add(&slab->slab_list, &n->full);
	}
	return count;
}

int kmem_cache_validate(struct kmem_cache *s)
{
	struct kmem_cache_node *n = get_node(s);
	unsigned long nr_partial;
	int errors = 0;
	long count;

	slab_flush_all(s);
	spin_lock(&n->list_lock);
	nr_partial = n->nr_partial;
	count = validate_list(s, &n->partial, true, &errors);
	if (count != (long)nr_partial) {
		printk("SLUB %s: %ld partial slabs counted but counter=%lu\n", s->name, count,
		       nr_partial);
		errors++;
	}
	if (kmem_cache_debug(s))
		validate_list(s, &n->full, false, &errors);
	spin_unlock(&n->list_lock);
	return errors;
}
