/*
 * vdso.c - the vDSO and its data pages as special mappings (Linux
 * arch/x86/entry/vdso/vma.c and lib/vdso/datastore.c, 6.18).
 *
 * Exec maps three special mappings below mmap_base: [vvar] (4 pages),
 * [vvar_vclock] (2) and [vdso] (2), and a `vma` import line naming one of
 * them makes the same mapping.  Being special mappings (mm/mmap.c
 * _install_special_mapping) they never split or merge; their VM_MAY* flags
 * decide what mprotect may add (EACCES otherwise):
 *
 *   [vvar], [vvar_vclock]  VM_READ|VM_MAYREAD|VM_IO|VM_PFNMAP|VM_DONTDUMP
 *                          ("rd mr pf io de dd"): never writable or executable
 *   [vdso]                 VM_READ|VM_EXEC|VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC
 *                          ("rd ex mr mw me de"): a debugger may write it (COW)
 *
 * Faults, as on the reference host: [vdso] maps the two pages of the vDSO
 * image (shared by every process, as file pages; a write after mprotect
 * copies).  [vvar] maps pfns by page: 0 the time data, 2 the getrandom
 * data; 1 (the time-namespace page: no time namespace) and 3 (x86 has no
 * arch data page) are SIGBUS.  [vvar_vclock]: page 0 is the kvm-clock
 * pvclock page when the machine has one (machine_config.pvclock, the
 * reference host's default), page 1 (Hyper-V clock) is SIGBUS.  The
 * contents are not the host's (the image holds only an ELF magic, the data
 * pages are zero): differential tests never compare them.
 *
 * The pages are allocated on the first fault that needs them, as the zero
 * page is (allocating them at boot would shift every boot-time free count),
 * are PG_reserved like kernel-image pages, and are freed at shutdown after
 * every process is gone.  In fs/ rather than arch/ because exec maps them
 * and mmkit's arch/ layer sits below mm/.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/machine.h"
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mm.h"

enum {
	VVAR_PAGES = 4,
	VCLOCK_PAGES = 2,
	VDSO_PAGES = 2,
	VDSO_TIME_PAGE_OFFSET = 0,
	VDSO_RNG_PAGE_OFFSET = 2,     /* of [vvar] */
	VDSO_PAGE_PVCLOCK_OFFSET = 0, /* of [vvar_vclock] */
	KPAGE_TIME = 0,
	KPAGE_RNG,
	KPAGE_PVCLOCK,
	KPAGE_VDSO0,
	KPAGE_VDSO1,
	NR_KPAGES,
};

/* Read with READ_ONCE and set with a compare-exchange (__atomic builtins, on
 * a plain array: clang rejects those builtins on _Atomic objects). */
static struct page *kpages[NR_KPAGES];

/* The kernel page in slot k, allocated (zeroed, reserved) on first use; two
 * CPUs may race and the loser frees its page.  NULL on -ENOMEM. */
static struct page *kpage_get(int k)
{
	struct page *page = __atomic_load_n(&kpages[k], __ATOMIC_ACQUIRE), *none = NULL;

	if (likely(page))
		return page;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return NULL;
	SetPageReserved(page);
	if (k == KPAGE_VDSO0)
		memcpy(page_address(page), "\177ELF\2\1\1", 7);
	if (!__atomic_compare_exchange_n(&kpages[k], &none, page, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		ClearPageReserved(page);
		__free_page(page);
		return none;
	}
	return page;
}

static vm_fault_t insert_kpage(struct vm_area_struct *vma, struct vm_fault *vmf, int k)
{
	struct page *page = kpage_get(k);

	return page ? vmf_insert_pfn(vma, vmf->address, page_to_pfn(page)) : VM_FAULT_OOM;
}

/* Linux vvar_fault (lib/vdso/datastore.c). */
static vm_fault_t vvar_fault(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
			     struct vm_fault *vmf)
{
	(void)sm;
	switch (vmf->pgoff) {
	case VDSO_TIME_PAGE_OFFSET:
		return insert_kpage(vma, vmf, KPAGE_TIME);
	case VDSO_RNG_PAGE_OFFSET:
		return insert_kpage(vma, vmf, KPAGE_RNG);
	default: /* no time namespace, no arch data */
		return VM_FAULT_SIGBUS;
	}
}

/* Linux vvar_vclock_fault (arch/x86/entry/vdso/vma.c). */
static vm_fault_t vvar_vclock_fault(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
				    struct vm_fault *vmf)
{
	(void)sm;
	if (vmf->pgoff == VDSO_PAGE_PVCLOCK_OFFSET && mmk && mmk->cfg.pvclock)
		return insert_kpage(vma, vmf, KPAGE_PVCLOCK);
	return VM_FAULT_SIGBUS;
}

/* The vDSO image's pages (Linux: vdso_image_64.text's pages). */
static vm_fault_t vdso_fault(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
			     struct vm_fault *vmf)
{
	struct page *page;

	(void)sm;
	(void)vma;
	if (vmf->pgoff >= VDSO_PAGES)
		return VM_FAULT_SIGBUS;
	page = kpage_get(KPAGE_VDSO0 + (int)vmf->pgoff);
	if (!page)
		return VM_FAULT_OOM;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_special_mapping vvar_mapping = {
	.name = "[vvar]",
	.fault = vvar_fault,
};
static const struct vm_special_mapping vvar_vclock_mapping = {
	.name = "[vvar_vclock]",
	.fault = vvar_vclock_fault,
};
static const struct vm_special_mapping vdso_mapping = {
	.name = "[vdso]",
	.fault = vdso_fault,
};
/* Any other bracketed name a `vma` line imports ([uprobes], ...): a special
 * mapping without pages (a fault there is SIGBUS). */
static const struct vm_special_mapping other_mapping = { .name = NULL };

#define VVAR_FLAGS (VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP)
#define VDSO_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

static const struct {
	const struct vm_special_mapping *sm;
	unsigned long flags, pages;
} vdso_table[] = {
	{ &vvar_mapping, VVAR_FLAGS, VVAR_PAGES },
	{ &vvar_vclock_mapping, VVAR_FLAGS, VCLOCK_PAGES },
	{ &vdso_mapping, VDSO_FLAGS, VDSO_PAGES },
};

/*
 * Install the special mapping a maps line names at [start, end): [vvar],
 * [vvar_vclock] or [vdso] with their Linux flags, any other name with
 * VM_MAY* all set.  perms: the VM_READ/WRITE/EXEC bits the line shows
 * (they replace the defaults: the range may have been mprotect'ed).  name
 * must stay valid while the mapping exists.  Caller holds mmap_lock for
 * write; the range is free.  Returns 0 or -ENOMEM.
 */
int install_special_mapping_named(struct mm_struct *mm, const char *name, unsigned long start,
				  unsigned long end, unsigned long perms)
{
	const struct vm_special_mapping *sm = &other_mapping;
	unsigned long flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	for (size_t i = 0; i < ARRAY_SIZE(vdso_table); i++)
		if (!strcmp(name, vdso_table[i].sm->name)) {
			sm = vdso_table[i].sm;
			flags = vdso_table[i].flags & ~VM_ACCESS_FLAGS;
		}
	vma = _install_special_mapping(mm, start, end - start, flags | perms, sm);
	if (VMA_ERR(vma))
		return VMA_ERRNO(vma);
	vma->vm_name = name;
	return 0;
}

/* Linux map_vdso: [vvar], [vvar_vclock], [vdso] in 8 pages chosen by
 * get_unmapped_area.  Caller holds mmap_lock for write.  0 or -errno. */
int map_vdso(struct mm_struct *mm)
{
	unsigned long addr;

	mmap_assert_write_locked(mm);
	addr = get_unmapped_area(NULL, 0, 8 * PAGE_SIZE, 0, 0, 0);
	if (IS_ERR_VALUE(addr))
		return (int)(long)addr;
	for (size_t i = 0; i < ARRAY_SIZE(vdso_table); i++) {
		struct vm_area_struct *vma;

		vma = _install_special_mapping(mm, addr, vdso_table[i].pages << PAGE_SHIFT,
					       vdso_table[i].flags, vdso_table[i].sm);
		if (VMA_ERR(vma))
			return VMA_ERRNO(vma);
		addr += vdso_table[i].pages << PAGE_SHIFT;
	}
	return 0;
}

static int vdso_init(void)
{
	for (int k = 0; k < NR_KPAGES; k++)
		kpages[k] = NULL;
	return 0;
}

/* After every process is gone (tasks_exit_all runs at INIT_MM + 5). */
static void vdso_exit(void)
{
	for (int k = 0; k < NR_KPAGES; k++) {
		struct page *page = kpages[k];

		if (!page)
			continue;
		ClearPageReserved(page);
		__free_page(page);
		kpages[k] = NULL;
	}
}
mmk_initcall(INIT_MM, vdso_init, vdso_exit);
