/*
 * cmd_page_alloc.c - scenario commands of the page allocator:
 *
 *   alloc_pages ORDER [GFP] -> addr   __get_free_pages(GFP, ORDER) (default
 *                                     GFP_KERNEL): "= 0x<KVA>" of the first page,
 *                                     or "= -1 ENOMEM"
 *   free_pages ADDR ORDER             free_pages(ADDR, ORDER): "= 0", or
 *                                     "= -1 EINVAL" when the kernel refused the
 *                                     free (bad_page report, or ADDR outside the
 *                                     direct map); ADDR 0 is a no-op as in Linux
 *   drain_all_pages                   empty every CPU's per-CPU lists: "= 0"
 *
 * As in Linux, __get_free_pages ignores __GFP_HIGHMEM (the pages must have a
 * direct-map address) and free_pages frees the page that contains ADDR.
 * Orders above MAX_PAGE_ORDER fail the allocation with a warning (Linux's
 * WARN_ON_ONCE) and are a script error for free_pages; contradictory zone
 * modifiers (e.g. GFP_DMA|GFP_DMA32) are a script error.
 */
#include <errno.h>
#include "cli/cli.h"
#include "mmkit/mmzone.h"

static int do_alloc_pages(struct cmd_ctx *c)
{
	gfp_t gfp;
	u64 order;
	void *p;

	if (arg_count(c, 1, 2) || arg_num(c, 0, &order) || arg_gfp(c, 1, &gfp))
		return CMD_SCRIPT_ERROR;
	p = __get_free_pages(gfp, (unsigned int)min(order, 255ULL));
	if (!p) {
		result_errno(c, ENOMEM);
		return 0;
	}
	result_addr(c, kva_of(p));
	return 0;
}
CLI_COMMAND(cmd_alloc_pages, .name = "alloc_pages", .kind = CMD_GLOBAL,
	    .usage = "alloc_pages ORDER [GFP] -> addr",
	    .help = "allocate 2^ORDER pages (__get_free_pages); prints the kernel address",
	    .fn = do_alloc_pages, .flags = gfp_flagset)

static int do_free_pages(struct cmd_ctx *c)
{
	u64 addr, order;
	void *host;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || arg_num(c, 1, &order))
		return CMD_SCRIPT_ERROR;
	if (order > MAX_PAGE_ORDER)
		return script_error(c, "free_pages: order must be 0..%d", MAX_PAGE_ORDER);
	if (!addr) {
		result_zero(c);
		return 0;
	}
	host = host_of_kva((unsigned long)addr);
	if (!host) {
		printk("free_pages: %#llx is not a direct-map address\n", (unsigned long long)addr);
		result_errno(c, EINVAL);
		return 0;
	}
	result_ret(c, mmk_free_pages(virt_to_page(host), (unsigned int)order));
	return 0;
}
CLI_COMMAND(cmd_free_pages, .name = "free_pages", .kind = CMD_GLOBAL,
	    .usage = "free_pages ADDR ORDER",
	    .help = "free 2^ORDER pages at kernel address ADDR (bad frees are reported)",
	    .fn = do_free_pages)

static int do_drain_all_pages(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0))
		return CMD_SCRIPT_ERROR;
	drain_all_pages();
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_drain_all_pages, .name = "drain_all_pages", .kind = CMD_GLOBAL,
	    .usage = "drain_all_pages",
	    .help = "return every CPU's per-CPU free pages to the buddy lists (IPI)",
	    .fn = do_drain_all_pages)
