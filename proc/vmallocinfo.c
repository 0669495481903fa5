/*
 * vmallocinfo.c - /proc/vmallocinfo (Linux mm/vmalloc.c vmalloc_info_show):
 * one line per busy vmalloc area in address order,
 *
 *   0x<start>-0x<end> <size incl. guard, %7ld> <caller> [pages=N] [phys=..]
 *     [ioremap] [vmalloc] [vmap] [user] [N0=N]
 *
 * Addresses print as %px does: the kernel's pointer width (16 hex digits in
 * the 64-bit modes, 8 in the 32-bit ones).  Areas still being set up
 * (VM_UNINITIALIZED) are skipped.  The N0= count is printed in the 64-bit
 * modes, whose kernels are built with CONFIG_NUMA (mmkit has one node);
 * 32-bit kernels usually are not.  In lazy mode the areas freed but not yet
 * purged follow, one `unpurged vm_area` line each (show_purge_info).
 */
#include "mmkit/pgtable.h"
#include "mmkit/proc.h"
#include "mmkit/vmalloc.h"

static void show_area(const struct vmap_area *va, void *arg)
{
	FILE *m = arg;
	const struct vm_struct *v = va->vm;
	int w = pgmode.levels >= 4 ? 16 : 8;
	unsigned long flags;
	char caller[160];

	if (!v) {
		fprintf(m, "0x%0*lx-0x%0*lx %7ld vm_map_ram\n", w, va->va_start, w, va->va_end,
			(long)va_size(va));
		return;
	}
	flags = __atomic_load_n(&v->flags, __ATOMIC_ACQUIRE);
	if (flags & VM_UNINITIALIZED)
		return;
	vm_caller_str(v, caller, sizeof(caller));
	fprintf(m, "0x%0*lx-0x%0*lx %7ld %s", w, va->va_start, w, va->va_start + v->size,
		(long)v->size, caller);
	if (v->nr_pages)
		fprintf(m, " pages=%u", v->nr_pages);
	if (v->phys_addr)
		fprintf(m, " phys=0x%0*llx", pgmode.levels == 2 ? 8 : 16,
			(unsigned long long)v->phys_addr);
	if (flags & VM_IOREMAP)
		fputs(" ioremap", m);
	if (flags & VM_ALLOC)
		fputs(" vmalloc", m);
	if (flags & VM_MAP)
		fputs(" vmap", m);
	if (flags & VM_USERMAP)
		fputs(" user", m);
	if (pgmode.levels >= 4 && v->nr_pages)
		fprintf(m, " N0=%u", v->nr_pages);
	fputc('\n', m);
}

static void show_purge_info(const struct vmap_area *va, void *arg)
{
	int w = pgmode.levels >= 4 ? 16 : 8;

	fprintf(arg, "0x%0*lx-0x%0*lx %7ld unpurged vm_area\n", w, va->va_start, w, va->va_end,
		(long)va_size(va));
}

static int vmallocinfo_show(FILE *out, struct task_struct *t)
{
	vmalloc_for_each_area(show_area, out);
	vmalloc_for_each_lazy_area(show_purge_info, out);
	return 0;
}
PROC_VIEW(proc_vmallocinfo, "/proc/vmallocinfo", false, vmallocinfo_show);
