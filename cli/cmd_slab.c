/*
 * cmd_slab.c - scenario commands of the slab allocator: the kmalloc family
 * and kmem_cache_* (mm/slab.c), slab_debug switching and validation
 * (mm/slub_debug.c).  Objects and caches are named by their kernel virtual
 * address (a kmem_cache lives in simulated RAM, so its KVA is its handle);
 * a cache may also be named by its name (kmem_cache_alloc kmalloc-64).
 * Reports of slab corruption go to the kernel log (stderr, `dmesg`).
 */
#include <errno.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/mm.h"
#include "mmkit/slab.h"

static const struct flag_name slab_flag_names[] = {
	{ "SLAB_HWCACHE_ALIGN", SLAB_HWCACHE_ALIGN },
	{ "SLAB_RECLAIM_ACCOUNT", SLAB_RECLAIM_ACCOUNT },
	{ "SLAB_CACHE_DMA", SLAB_CACHE_DMA },
	{ "SLAB_CACHE_DMA32", SLAB_CACHE_DMA32 },
	{ "SLAB_ACCOUNT", SLAB_ACCOUNT },
	{ "SLAB_RED_ZONE", SLAB_RED_ZONE },
	{ "SLAB_POISON", SLAB_POISON },
	{ "SLAB_STORE_USER", SLAB_STORE_USER },
	{ "SLAB_CONSISTENCY_CHECKS", SLAB_CONSISTENCY_CHECKS },
	{ "SLAB_TRACE", SLAB_TRACE },
	{ "SLAB_NO_MERGE", SLAB_NO_MERGE },
	{ NULL, 0 },
};

/* A kernel pointer argument: 0 is NULL, 0x10 is ZERO_SIZE_PTR, anything
 * else must be a KVA with RAM behind it (*bad set otherwise). */
static int arg_kptr(struct cmd_ctx *c, int i, void **out, u64 *kva, bool *bad)
{
	if (arg_num(c, i, kva))
		return CMD_SCRIPT_ERROR;
	*bad = false;
	if (*kva == 0 || *kva == (u64)(uintptr_t)ZERO_SIZE_PTR) {
		*out = (void *)(uintptr_t)*kva;
		return 0;
	}
	*out = host_of_kva((unsigned long)*kva);
	*bad = *out == NULL;
	return 0;
}

/* A cache: its KVA ($var or number) or its name. */
static int arg_cache(struct cmd_ctx *c, int i, struct kmem_cache **out)
{
	const char *a = i < c->argc ? c->argv[i] : "";
	u64 kva;

	if (a[0] == '$' || (a[0] >= '0' && a[0] <= '9')) {
		if (arg_num(c, i, &kva))
			return CMD_SCRIPT_ERROR;
		*out = kmem_cache_from_kva((unsigned long)kva);
	} else {
		*out = a[0] ? kmem_cache_find(a) : NULL;
	}
	if (!*out)
		return script_error(c, "%s: no such kmem_cache '%s'", c->cmd, a);
	return 0;
}

static void result_kptr(struct cmd_ctx *c, void *p)
{
	if (!p)
		result_errno(c, ENOMEM);
	else if (p == ZERO_SIZE_PTR)
		result_addr(c, (u64)(uintptr_t)ZERO_SIZE_PTR);
	else
		result_addr(c, kva_of(p));
}

static void result_bad_address(struct cmd_ctx *c, u64 kva)
{
	result_oops(c, "BUG: unable to handle page fault for address: %016llx",
		    (unsigned long long)kva);
}

/* kmalloc SIZE [GFP] / kzalloc SIZE [GFP] */
static int do_kmalloc(struct cmd_ctx *c)
{
	u64 size;
	gfp_t gfp;

	if (arg_count(c, 1, 2) || arg_num(c, 0, &size) || arg_gfp(c, 1, &gfp))
		return CMD_SCRIPT_ERROR;
	if (!strcmp(c->cmd, "kzalloc"))
		gfp |= __GFP_ZERO;
	result_kptr(c, kmalloc((size_t)size, gfp));
	return 0;
}
CLI_COMMAND(cmd_kmalloc, .name = "kmalloc", .kind = CMD_GLOBAL,
	    .usage = "kmalloc SIZE [GFP] -> ptr", .help = "kmalloc(); prints the object's address",
	    .fn = do_kmalloc, .flags = gfp_flagset)
CLI_COMMAND(cmd_kzalloc, .name = "kzalloc", .kind = CMD_GLOBAL,
	    .usage = "kzalloc SIZE [GFP] -> ptr", .help = "kzalloc(): a zeroed kmalloc",
	    .fn = do_kmalloc, .flags = gfp_flagset)

/* kcalloc N SIZE [GFP] */
static int do_kcalloc(struct cmd_ctx *c)
{
	u64 n, size;
	gfp_t gfp;

	if (arg_count(c, 2, 3) || arg_num(c, 0, &n) || arg_num(c, 1, &size) || arg_gfp(c, 2, &gfp))
		return CMD_SCRIPT_ERROR;
	result_kptr(c, kcalloc((size_t)n, (size_t)size, gfp));
	return 0;
}
CLI_COMMAND(cmd_kcalloc, .name = "kcalloc", .kind = CMD_GLOBAL,
	    .usage = "kcalloc N SIZE [GFP] -> ptr",
	    .help = "kcalloc(): N zeroed elements, ENOMEM on overflow", .fn = do_kcalloc,
	    .flags = gfp_flagset)

/* kfree PTR */
static int do_kfree(struct cmd_ctx *c)
{
	void *p;
	u64 kva;
	bool bad;

	if (arg_count(c, 1, 1) || arg_kptr(c, 0, &p, &kva, &bad))
		return CMD_SCRIPT_ERROR;
	if (bad) {
		result_bad_address(c, kva);
		return 0;
	}
	kfree(p);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_kfree, .name = "kfree", .kind = CMD_GLOBAL, .usage = "kfree PTR",
	    .help = "kfree(); NULL and ZERO_SIZE_PTR are no-ops", .fn = do_kfree)

/* krealloc PTR SIZE [GFP] */
static int do_krealloc(struct cmd_ctx *c)
{
	u64 kva, size;
	gfp_t gfp;
	void *p;
	bool bad;

	if (arg_count(c, 2, 3) || arg_kptr(c, 0, &p, &kva, &bad) || arg_num(c, 1, &size) ||
	    arg_gfp(c, 2, &gfp))
		return CMD_SCRIPT_ERROR;
	if (bad) {
		result_bad_address(c, kva);
		return 0;
	}
	result_kptr(c, krealloc(p, (size_t)size, gfp));
	return 0;
}
CLI_COMMAND(cmd_krealloc, .name = "krealloc", .kind = CMD_GLOBAL,
	    .usage = "krealloc PTR SIZE [GFP] -> ptr", .help = "krealloc(): grow in place or move",
	    .fn = do_krealloc, .flags = gfp_flagset)

/* ksize PTR */
static int do_ksize(struct cmd_ctx *c)
{
	u64 kva;
	void *p;
	bool bad;

	if (arg_count(c, 1, 1) || arg_kptr(c, 0, &p, &kva, &bad))
		return CMD_SCRIPT_ERROR;
	if (bad)
		result_bad_address(c, kva);
	else
		result_value(c, ksize(p));
	return 0;
}
CLI_COMMAND(cmd_ksize, .name = "ksize", .kind = CMD_GLOBAL, .usage = "ksize PTR",
	    .help = "ksize(): the usable size of a kmalloc object", .fn = do_ksize)

struct create_args {
	u64 size, align;
	slab_flags_t flags;
};

static int parse_create_option(struct cmd_ctx *c, int i, struct create_args *a)
{
	slab_flags_t debug;
	const char *val;
	u64 f;

	if (arg_kv(c, i, "align", &val)) {
		if (cli_parse_num(c->sc, val, &a->align))
			return script_error(c, "kmem_cache_create: bad align '%s'", val);
		return 0;
	}
	if (arg_kv(c, i, "debug", &val)) {
		if (slab_debug_parse(val, &debug))
			return script_error(
				c, "kmem_cache_create: bad debug flags '%s' (letters FZPUT)", val);
		a->flags |= debug;
		return 0;
	}
	if (arg_kv(c, i, "flags", &val)) {
		c->argv[i] = (char *)val;
		if (arg_flags(c, i, slab_flag_names, &f))
			return CMD_SCRIPT_ERROR;
		a->flags |= (slab_flags_t)f;
		return 0;
	}
	return script_error(c, "kmem_cache_create: unknown option '%s'", c->argv[i]);
}

/*
 * The caches a scenario created.  Only these may it destroy: every other
 * cache belongs to the subsystem that created it at boot (vm_area_struct,
 * task_struct, anon_vma, ...), as a module's cache belongs to the module,
 * and destroying it under its owner would leave the owner a dangling
 * pointer.  Guarded by the scenario's single thread.
 */
#define MAX_SCRIPT_CACHES 256
static struct {
	const struct scenario *sc;
	struct kmem_cache *s;
} script_caches[MAX_SCRIPT_CACHES];

static int script_cache_slot(const struct scenario *sc, const struct kmem_cache *s)
{
	int i;

	for (i = 0; i < MAX_SCRIPT_CACHES; i++)
		if (script_caches[i].sc == sc && script_caches[i].s == s)
			return i;
	return -1;
}

/* kmem_cache_create NAME SIZE [align=N] [debug=FZPU] [flags=SLAB_...] */
static int do_kmem_cache_create(struct cmd_ctx *c)
{
	struct create_args a = { 0, 0, 0 };
	struct kmem_cache *s;
	int i, err, slot;

	if (arg_count(c, 2, 5) || arg_num(c, 1, &a.size))
		return CMD_SCRIPT_ERROR;
	for (i = 2; i < c->argc; i++)
		if (parse_create_option(c, i, &a))
			return CMD_SCRIPT_ERROR;
	slot = script_cache_slot(NULL, NULL);
	if (slot < 0)
		return script_error(c, "kmem_cache_create: more than %d caches", MAX_SCRIPT_CACHES);
	if (a.size > 0xffffffffULL || a.align > 0xffffffffULL) {
		result_errno(c, EINVAL);
		return 0;
	}
	s = kmem_cache_create_err(c->argv[0], (unsigned int)a.size, (unsigned int)a.align, a.flags,
				  NULL, &err);
	if (!s) {
		result_errno(c, err);
		return 0;
	}
	script_caches[slot].sc = c->sc;
	script_caches[slot].s = s;
	result_addr(c, kva_of(s));
	return 0;
}
CLI_COMMAND(cmd_kmem_cache_create, .name = "kmem_cache_create", .kind = CMD_GLOBAL,
	    .usage = "kmem_cache_create NAME SIZE [align=N] [debug=FZPU] [flags=SLAB_..] -> cache",
	    .help = "create a slab cache; its handle is the KVA of its struct kmem_cache",
	    .fn = do_kmem_cache_create,
	    .flags = (const struct cli_flagset[]){ { "flags=", slab_flag_names }, { NULL, NULL } })

/* kmem_cache_alloc CACHE [GFP] */
static int do_kmem_cache_alloc(struct cmd_ctx *c)
{
	struct kmem_cache *s;
	gfp_t gfp;

	if (arg_count(c, 1, 2) || arg_cache(c, 0, &s) || arg_gfp(c, 1, &gfp))
		return CMD_SCRIPT_ERROR;
	result_kptr(c, kmem_cache_alloc(s, gfp));
	return 0;
}
CLI_COMMAND(cmd_kmem_cache_alloc, .name = "kmem_cache_alloc", .kind = CMD_GLOBAL,
	    .usage = "kmem_cache_alloc CACHE [GFP] -> obj", .help = "allocate an object of a cache",
	    .fn = do_kmem_cache_alloc, .flags = gfp_flagset)

/* kmem_cache_free CACHE OBJ */
static int do_kmem_cache_free(struct cmd_ctx *c)
{
	struct kmem_cache *s;
	u64 kva;
	void *p;
	bool bad;

	if (arg_count(c, 2, 2) || arg_cache(c, 0, &s) || arg_kptr(c, 1, &p, &kva, &bad))
		return CMD_SCRIPT_ERROR;
	if (bad) {
		result_bad_address(c, kva);
		return 0;
	}
	kmem_cache_free(s, p);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_kmem_cache_free, .name = "kmem_cache_free", .kind = CMD_GLOBAL,
	    .usage = "kmem_cache_free CACHE OBJ", .help = "free an object of a cache",
	    .fn = do_kmem_cache_free)

/* kmem_cache_destroy CACHE (EPERM for a cache the script did not create) /
 * kmem_cache_shrink CACHE */
static int do_kmem_cache_destroy(struct cmd_ctx *c)
{
	struct kmem_cache *s;
	int slot, err;

	if (arg_count(c, 1, 1) || arg_cache(c, 0, &s))
		return CMD_SCRIPT_ERROR;
	slot = script_cache_slot(c->sc, s);
	err = slot < 0 ? -EPERM : kmem_cache_destroy(s);
	if (!err) {
		script_caches[slot].sc = NULL;
		script_caches[slot].s = NULL;
	}
	result_ret(c, err);
	return 0;
}
CLI_COMMAND(cmd_kmem_cache_destroy, .name = "kmem_cache_destroy", .kind = CMD_GLOBAL,
	    .usage = "kmem_cache_destroy CACHE",
	    .help = "destroy a cache the script created (EBUSY and a report while objects remain)",
	    .fn = do_kmem_cache_destroy)

static int do_kmem_cache_shrink(struct cmd_ctx *c)
{
	struct kmem_cache *s;

	if (arg_count(c, 1, 1) || arg_cache(c, 0, &s))
		return CMD_SCRIPT_ERROR;
	result_ret(c, kmem_cache_shrink(s));
	return 0;
}
CLI_COMMAND(cmd_kmem_cache_shrink, .name = "kmem_cache_shrink", .kind = CMD_GLOBAL,
	    .usage = "kmem_cache_shrink CACHE", .help = "free a cache's empty slabs",
	    .fn = do_kmem_cache_shrink)

/* slab_debug FLAGS|on|off [CACHE] */
static int do_slab_debug(struct cmd_ctx *c)
{
	struct kmem_cache *s = NULL;
	const char *f;
	slab_flags_t flags;
	int busy;

	if (arg_count(c, 1, 2) || (c->argc == 2 && arg_cache(c, 1, &s)))
		return CMD_SCRIPT_ERROR;
	f = c->argv[0];
	if (!strcmp(f, "on"))
		f = "";
	else if (!strcmp(f, "off"))
		f = "-";
	if (slab_debug_parse(f, &flags))
		return script_error(c, "slab_debug: bad flags '%s' (on, off, or letters FZPUT)",
				    c->argv[0]);
	if (s) {
		result_ret(c, kmem_cache_set_debug(s, flags));
		return 0;
	}
	busy = slab_debug_set_global(flags);
	if (busy)
		printk("slab_debug: %d caches hold objects and keep their flags\n", busy);
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_slab_debug, .name = "slab_debug", .kind = CMD_GLOBAL,
	    .usage = "slab_debug FZPUT|on|off [CACHE]",
	    .help = "slab_debug flags for one cache, or the default and every empty cache",
	    .fn = do_slab_debug)

/* slab_validate CACHE: prints the number of problems found */
static int do_slab_validate(struct cmd_ctx *c)
{
	struct kmem_cache *s;

	if (arg_count(c, 1, 1) || arg_cache(c, 0, &s))
		return CMD_SCRIPT_ERROR;
	result_text(c, "%d", kmem_cache_validate(s));
	return 0;
}
CLI_COMMAND(cmd_slab_validate, .name = "slab_validate", .kind = CMD_GLOBAL,
	    .usage = "slab_validate CACHE",
	    .help = "check every slab and object of a cache (/sys/kernel/slab/X/validate)",
	    .fn = do_slab_validate)
