/*
 * mmu_helpers.h - helpers shared by test_mmu.c and test_pgtable.c: boot a
 * machine in a given paging mode, build a test address space, map pages
 * with raw entry bits, and reach the entry of any hardware level.
 */
#ifndef MMKIT_TEST_MMU_HELPERS_H
#define MMKIT_TEST_MMU_HELPERS_H

#include <string.h>
#include "mmkit/machine.h"
#include "mmkit/mm.h"
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"

/* A CPU with 1 GiB pages (pdpe1gb), so the PUD-leaf paths are tested;
 * boot_mode_cpu chooses. */
static inline void boot_mode_cpu(int levels, u64 ram, int cpus, bool gbpages)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why = NULL;

	cfg.levels = levels;
	cfg.ram_bytes = ram;
	cfg.cpus = cpus;
	cfg.gbpages = gbpages;
	assert_int_equal(machine_boot(&cfg, &why), 0);
}

static inline void boot_mode(int levels, u64 ram, int cpus)
{
	boot_mode_cpu(levels, ram, cpus, true);
}

/* A user address space with the kernel half shared, loaded on this CPU. */
static inline void test_mm_init(struct mm_struct *mm)
{
	memset(mm, 0, sizeof(*mm));
	spin_lock_init(&mm->page_table_lock);
	assert_int_equal(pgd_alloc(mm), 0);
	switch_mm(this_cpu()->loaded_mm, mm);
}

static inline void test_mm_destroy(struct mm_struct *mm)
{
	switch_mm(mm, &init_mm);
	free_user_pgtables(mm);
	pgd_free(mm);
	spin_lock_destroy(&mm->page_table_lock);
}

static inline struct page *test_frame(void)
{
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);

	assert_non_null(p);
	return p;
}

/* Map va -> pfn with exactly `flags` in the PTE (4K page). */
static inline ptep_t map4k(struct mm_struct *mm, unsigned long va, unsigned long pfn, u64 flags)
{
	ptep_t p = pte_alloc_walk(mm, va);

	assert_non_null(p);
	set_pte(p, __pte(((u64)pfn << PAGE_SHIFT) | flags));
	return p;
}

/* The slot of hardware level i (0 = top) on va's walk, or NULL. */
static inline void *hw_slot(void *pgd, unsigned long va, int level_index)
{
	void *table = pgd;
	int i;

	for (i = 0; i < pgmode.nhw; i++) {
		const struct pt_hw_level *h = &pgmode.hw[i];
		void *slot = pt_slot_add(table, (long)((va >> h->shift) & (h->ptrs - 1)));
		u64 e = pt_entry_read(slot);

		if (i == level_index)
			return slot;
		if (!(e & _PAGE_PRESENT))
			return NULL;
		table = pt_table_of(e);
	}
	return NULL;
}

static inline unsigned long test_user_va(void)
{
	return 0x40000000UL; /* user half in every mode, 1G-aligned */
}

#endif
