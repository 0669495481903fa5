/*
 * init.c - paging_init: build init_mm's kernel page tables and turn paging
 * on in every CPU (Linux arch/x86/mm/init.c init_memory_mapping,
 * init_64.c / init_32.c kernel_physical_mapping_init).
 *
 * The direct map covers RAM from physical 0 up to the lowmem limit (all of
 * RAM in 64-bit modes; 896 MiB in the 32-bit modes, the rest is highmem,
 * reached through kmap) at PAGE_OFFSET + phys.  Each piece is mapped with
 * the largest page that is aligned and fits (1G in 4/5-level, 2M in PAE and
 * 64-bit, 4M with PSE in 2-level), 4K pages at the unaligned tail, as
 * split_mem_range() does.  Entries are PAGE_KERNEL(_LARGE): present,
 * writable, supervisor, Accessed, Dirty, Global, and NX where the mode has
 * it.  mmkit has no kernel image in simulated RAM, so no direct-map range is
 * executable (Linux maps the text executable; see docs/ARCHITECTURE.md).
 * Tables come from the buddy allocator through the generic API (p4d_alloc ..
 * pte_alloc_kernel), so they are counted in NR_PAGETABLE.  Then every CPU
 * gets a fresh TLB and loads init_mm's pgd into CR3.
 */
#include <errno.h>
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"
#include "mmkit/mmu.h"
#include "mmkit/mm.h"

static int direct_map_level(unsigned long phys, unsigned long end)
{
	if (pgmode.gbpages && IS_ALIGNED(phys, PUD_SIZE) && end - phys >= PUD_SIZE)
		return PT_PUD;
	if (IS_ALIGNED(phys, PMD_SIZE) && end - phys >= PMD_SIZE)
		return PT_PMD;
	return PT_PTE;
}

/* One direct-map leaf of `level` for phys. */
static int map_direct_leaf(unsigned long phys, int level)
{
	unsigned long va = PAGE_OFFSET + phys;
	p4dp_t p4d = p4d_alloc(&init_mm, pgd_offset_k(va), va);
	pudp_t pud = p4d ? pud_alloc(&init_mm, p4d, va) : NULL;
	pmdp_t pmd;
	ptep_t pte;

	if (!pud)
		return -ENOMEM;
	if (level == PT_PUD) {
		set_pud(pud, pfn_pud(phys >> PAGE_SHIFT, PAGE_KERNEL_LARGE));
		return 0;
	}
	pmd = pmd_alloc(&init_mm, pud, va);
	if (!pmd)
		return -ENOMEM;
	if (level == PT_PMD) {
		set_pmd(pmd, pfn_pmd(phys >> PAGE_SHIFT, PAGE_KERNEL_LARGE));
		return 0;
	}
	pte = pte_alloc_kernel(pmd, va);
	if (!pte)
		return -ENOMEM;
	set_pte(pte, pfn_pte(phys >> PAGE_SHIFT, PAGE_KERNEL));
	return 0;
}

static const char *page_size_string(int level)
{
	if (level == PT_PUD)
		return "1G";
	if (level == PT_PMD)
		return pgmode.levels == 2 ? "4M" : "2M";
	return "4k";
}

static int pg_level_of(int level)
{
	return level == PT_PUD ? PG_LEVEL_1G : level == PT_PMD ? PG_LEVEL_2M : PG_LEVEL_4K;
}

/* Map [start, end) of physical memory; print the ranges as Linux does. */
static int kernel_physical_mapping_init(unsigned long start, unsigned long end)
{
	unsigned long phys = start, run = start;
	int level = -1;

	printk("init_memory_mapping: [mem 0x%08lx-0x%08lx]\n", start, end - 1);
	while (phys < end) {
		int l = direct_map_level(phys, end);
		int err;

		if (l != level && level > 0) {
			printk(" [mem 0x%08lx-0x%08lx] page %s\n", run, phys - 1,
			       page_size_string(level));
			run = phys;
		}
		level = l;
		err = map_direct_leaf(phys, l);
		if (err)
			return err;
		direct_pages_count[pg_level_of(l)]++;
		phys += 1UL << pgmode.shift[l];
	}
	if (level > 0)
		printk(" [mem 0x%08lx-0x%08lx] page %s\n", run, end - 1, page_size_string(level));
	return 0;
}

static void cpu_load_init_mm(void *unused)
{
	struct cpu *c = this_cpu();

	tlb_init(&c->tlb);
	c->cr0_wp = true;
	c->cr4_pge = true;
	c->loaded_mm = NULL;
	switch_mm(NULL, &init_mm);
}

static void cpu_paging_off(void *unused)
{
	struct cpu *c = this_cpu();

	tlb_init(&c->tlb);
	c->cr3 = 0;
	c->loaded_mm = NULL;
}

static void print_mode(void)
{
	unsigned long ram_mb = (unsigned long)(mmk->cfg.ram_bytes >> 20);
	unsigned long low_mb = (max_low_pfn << PAGE_SHIFT) >> 20;

	printk("x86/mm: %s paging, PAGE_OFFSET %#lx, TASK_SIZE %#lx\n", pgmode.name, PAGE_OFFSET,
	       TASK_SIZE);
	if (pgmode.levels <= 3) {
		printk("%luMB HIGHMEM available.\n", ram_mb - low_mb);
		printk("%luMB LOWMEM available.\n", low_mb);
		printk("  mapped low ram: 0 - %08lx\n", max_low_pfn << PAGE_SHIFT);
	}
	printk("x86/mm: vmalloc %#lx-%#lx%s\n", VMALLOC_START, VMALLOC_END,
	       pgmode.levels <= 3 ? "" : " (inclusive)");
	if (pgmode.levels <= 3)
		printk("x86/mm: pkmap %#lx-%#lx\n", PKMAP_BASE,
		       PKMAP_BASE + LAST_PKMAP * PAGE_SIZE);
}

/* The PTE table of the kmap window (32-bit modes; mm/highmem.c uses it). */
ptep_t pkmap_page_table;

static int permanent_kmaps_init(void)
{
	pkmap_page_table = LAST_PKMAP ? pte_alloc_walk(&init_mm, PKMAP_BASE) : NULL;
	return LAST_PKMAP && !pkmap_page_table ? -ENOMEM : 0;
}

static int paging_init(void)
{
	struct page *pgd;
	int n, err;

	for (n = 0; n < PG_LEVEL_NUM; n++)
		direct_pages_count[n] = 0;
	direct_gbpages = pgmode.gbpages;
	atomic_store(&init_mm.pgtables_bytes, 0);
	init_mm.cpu_bitmap = 0;
	print_mode();
	pgd = pagetable_alloc(&init_mm, PT_PGD);
	if (!pgd)
		return -ENOMEM;
	init_mm.pgd = page_address(pgd);
	err = kernel_physical_mapping_init(0, max_low_pfn << PAGE_SHIFT);
	if (!err && pgmode.levels <= 3)
		err = permanent_kmaps_init();
	if (err) {
		pgtable_free_all(&init_mm);
		return err;
	}
	for (n = 0; n < mmk->nr_cpus; n++)
		cpu_call(n, cpu_load_init_mm, NULL);
	printk("x86/mm: kernel page tables: %lu pages; CR3 %#lx loaded on %d CPU%s\n",
	       nr_pagetable_pages(), (unsigned long)host_to_phys(init_mm.pgd), mmk->nr_cpus,
	       mmk->nr_cpus > 1 ? "s" : "");
	return 0;
}

static void paging_exit(void)
{
	int n;

	for (n = 0; n < mmk->nr_cpus; n++)
		cpu_call(n, cpu_paging_off, NULL);
	pkmap_page_table = NULL;
	pgtable_free_all(&init_mm);
	init_mm.cpu_bitmap = 0;
}
mmk_initcall(INIT_PAGING, paging_init, paging_exit);

void arch_report_meminfo(FILE *out)
{
	fprintf(out, "DirectMap4k:    %8lu kB\n", direct_pages_count[PG_LEVEL_4K] << 2);
	if (pgmode.levels == 2)
		fprintf(out, "DirectMap4M:    %8lu kB\n", direct_pages_count[PG_LEVEL_2M] << 12);
	else
		fprintf(out, "DirectMap2M:    %8lu kB\n", direct_pages_count[PG_LEVEL_2M] << 11);
	if (direct_gbpages)
		fprintf(out, "DirectMap1G:    %8lu kB\n", direct_pages_count[PG_LEVEL_1G] << 20);
}
