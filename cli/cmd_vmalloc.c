/*
 * cmd_vmalloc.c - scenario commands of vmalloc (mm/vmalloc.c):
 *
 *   vmalloc SIZE [GFP]     -> addr     vzalloc SIZE [GFP] -> addr
 *   vfree ADDR                         (0 is a no-op, as vfree(NULL))
 *   vmap ADDR... [PAGE_KERNEL|PAGE_KERNEL_RO|PAGE_KERNEL_EXEC] -> addr
 *                                      maps the pages at the given kernel
 *                                      addresses (e.g. from alloc_pages;
 *                                      page aligned, RAM behind them)
 *   vunmap ADDR
 *   vmalloc_to_pfn ADDR                the frame mapped at ADDR
 *   vmalloc_lazy on|off                lazy purge mode (prints nothing)
 *   vm_unmap_aliases                   purge the lazily freed areas now
 *
 * Areas are named by their kernel virtual address.  The caller recorded for
 * /proc/vmallocinfo is the command's name, so output is stable.  Freeing an
 * address that is in no vmalloc area prints `= -1 EINVAL` (and the kernel
 * log has the WARN Linux prints).
 */
#include <errno.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/mm.h"
#include "mmkit/vmalloc.h"

#define VMAP_MAX_PAGES (CLI_MAX_ARGS - 1)

static void result_vptr(struct cmd_ctx *c, void *p)
{
	if (p)
		result_addr(c, vmalloc_kva_of(p));
	else
		result_errno(c, ENOMEM);
}

/* vmalloc SIZE [GFP] / vzalloc SIZE [GFP] */
static int do_vmalloc(struct cmd_ctx *c)
{
	bool zero = !strcmp(c->cmd, "vzalloc");
	u64 size;
	gfp_t gfp;

	if (arg_count(c, 1, 2) || arg_num(c, 0, &size) || arg_gfp(c, 1, &gfp))
		return CMD_SCRIPT_ERROR;
	if (zero)
		gfp |= __GFP_ZERO;
	result_vptr(c, __vmalloc_node_range((unsigned long)size, 1, gfp, PAGE_KERNEL, 0, NULL,
					    zero ? "vzalloc_cmd" : "vmalloc_cmd"));
	return 0;
}
CLI_COMMAND(cmd_vmalloc, .name = "vmalloc", .kind = CMD_GLOBAL,
	    .usage = "vmalloc SIZE [GFP] -> addr",
	    .help = "vmalloc(): virtually contiguous memory from non-contiguous frames",
	    .fn = do_vmalloc, .flags = gfp_flagset)
CLI_COMMAND(cmd_vzalloc, .name = "vzalloc", .kind = CMD_GLOBAL,
	    .usage = "vzalloc SIZE [GFP] -> addr", .help = "vzalloc(): a zeroed vmalloc",
	    .fn = do_vmalloc, .flags = gfp_flagset)

/* vfree ADDR / vunmap ADDR */
static int do_vfree(struct cmd_ctx *c)
{
	bool is_vfree = !strcmp(c->cmd, "vfree");
	const void *p;
	bool valid;
	u64 kva;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &kva))
		return CMD_SCRIPT_ERROR;
	p = vmalloc_host_of((unsigned long)kva);
	valid = kva == 0 || (p && IS_ALIGNED(kva, PAGE_SIZE) && find_vm_area(p));
	if (!p) /* outside the range: the raw value, which vfree only prints */
		p = is_vmalloc_addr((void *)(uintptr_t)kva) ? NULL : (const void *)(uintptr_t)kva;
	if (p || kva == 0) {
		if (is_vfree)
			vfree(p);
		else
			vunmap(p);
	}
	if (valid)
		result_zero(c);
	else
		result_errno(c, EINVAL);
	return 0;
}
CLI_COMMAND(cmd_vfree, .name = "vfree", .kind = CMD_GLOBAL, .usage = "vfree ADDR",
	    .help = "vfree(): unmap, flush every CPU's TLB, free the frames", .fn = do_vfree)
CLI_COMMAND(cmd_vunmap, .name = "vunmap", .kind = CMD_GLOBAL, .usage = "vunmap ADDR",
	    .help = "vunmap(): undo vmap (the pages stay allocated)", .fn = do_vfree)

struct prot_name {
	const char *name;
	pgprot_t prot;
};

/* The protection named s, or NULL. */
static const struct prot_name *vmap_prot(const char *s)
{
	static const struct prot_name tbl[] = {
		{ "PAGE_KERNEL", PAGE_KERNEL },
		{ "PAGE_KERNEL_RO", PAGE_KERNEL_RO },
		{ "PAGE_KERNEL_EXEC", PAGE_KERNEL_EXEC },
		{ "PAGE_KERNEL_RX", PAGE_KERNEL_RX },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tbl); i++)
		if (!strcmp(s, tbl[i].name))
			return &tbl[i];
	return NULL;
}

/* A page argument: the page-aligned KVA of a frame. */
static int arg_page(struct cmd_ctx *c, int i, struct page **out)
{
	void *host;
	u64 kva;

	if (arg_num(c, i, &kva))
		return CMD_SCRIPT_ERROR;
	host = IS_ALIGNED(kva, PAGE_SIZE) ? host_of_kva((unsigned long)kva) : NULL;
	if (!host || !host_in_ram(host))
		return script_error(c, "%s: %#llx is not the address of a page of RAM", c->cmd,
				    (unsigned long long)kva);
	*out = virt_to_page(host);
	return 0;
}

/* vmap ADDR... [PROT] */
static int do_vmap(struct cmd_ctx *c)
{
	struct page *pages[VMAP_MAX_PAGES];
	pgprot_t prot = PAGE_KERNEL;
	int i, n = c->argc;

	if (arg_count(c, 1, CLI_MAX_ARGS))
		return CMD_SCRIPT_ERROR;
	if (n > 1 && !strncmp(c->argv[n - 1], "PAGE_", 5)) {
		if (!vmap_prot(c->argv[n - 1]))
			return script_error(c, "vmap: unknown protection '%s'", c->argv[n - 1]);
		prot = vmap_prot(c->argv[--n])->prot;
	}
	if (n > VMAP_MAX_PAGES)
		return script_error(c, "vmap: at most %d pages", VMAP_MAX_PAGES);
	for (i = 0; i < n; i++)
		if (arg_page(c, i, &pages[i]))
			return CMD_SCRIPT_ERROR;
	result_vptr(c, vmap_caller(pages, (unsigned int)n, VM_MAP, prot, NULL, "vmap_cmd"));
	return 0;
}
CLI_COMMAND(
	cmd_vmap, .name = "vmap", .kind = CMD_GLOBAL,
	.usage =
		"vmap ADDR... [PAGE_KERNEL|PAGE_KERNEL_RO|PAGE_KERNEL_EXEC|PAGE_KERNEL_RX] -> addr",
	.help = "vmap(): map existing pages at a virtually contiguous range", .fn = do_vmap)

/* vmalloc_to_pfn ADDR */
static int do_vmalloc_to_pfn(struct cmd_ctx *c)
{
	struct page *page;
	void *p;
	u64 kva;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &kva))
		return CMD_SCRIPT_ERROR;
	p = vmalloc_host_of((unsigned long)kva);
	page = p ? vmalloc_to_page(p) : NULL;
	if (page)
		result_value(c, page_to_pfn(page));
	else
		result_errno(c, EFAULT);
	return 0;
}
CLI_COMMAND(cmd_vmalloc_to_pfn, .name = "vmalloc_to_pfn", .kind = CMD_GLOBAL,
	    .usage = "vmalloc_to_pfn ADDR", .help = "the frame mapped at a vmalloc address",
	    .fn = do_vmalloc_to_pfn)

/* vmalloc_lazy on|off: a setting, no result line */
static int do_vmalloc_lazy(struct cmd_ctx *c)
{
	bool on;

	if (arg_count(c, 1, 1))
		return CMD_SCRIPT_ERROR;
	if (strcmp(c->argv[0], "on") && strcmp(c->argv[0], "off"))
		return script_error(c, "vmalloc_lazy: on or off, not '%s'", c->argv[0]);
	on = !strcmp(c->argv[0], "on");
	vmalloc_set_lazy_free(on);
	return 0;
}
CLI_COMMAND(
	cmd_vmalloc_lazy, .name = "vmalloc_lazy", .kind = CMD_GLOBAL,
	.usage = "vmalloc_lazy on|off",
	.help = "vfree batches TLB shootdowns (Linux's lazy purge) or flushes every CPU at once",
	.fn = do_vmalloc_lazy)

/* vm_unmap_aliases */
static int do_vm_unmap_aliases(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	vm_unmap_aliases();
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_vm_unmap_aliases, .name = "vm_unmap_aliases", .kind = CMD_GLOBAL,
	    .usage = "vm_unmap_aliases",
	    .help = "purge lazily freed vmalloc areas (one TLB shootdown)",
	    .fn = do_vm_unmap_aliases)
