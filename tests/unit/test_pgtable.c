/* test_pgtable.c - paging modes, folding, entry helpers, the direct map,
 * table allocation/accounting/freeing, pgd_alloc and the kernel-half sync,
 * allocation failure, kmap, and the page-table verify check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmu_helpers.h"
#include "mmkit/debug.h"
#include "mmkit/fault_inject.h"

static void test_mode_descriptors(void **state)
{
	assert_int_equal(paging_mode_setup(2, 64ULL << 20), 0);
	assert_int_equal(PGDIR_SHIFT, 22);
	assert_int_equal(PMD_SHIFT, 22);
	assert_int_equal(PTRS_PER_PGD, 1024);
	assert_int_equal(PTRS_PER_PTE, 1024);
	assert_int_equal(PTRS_PER_PMD, 1);
	assert_int_equal(PTRS_PER_PUD, 1);
	assert_int_equal(PTRS_PER_P4D, 1);
	assert_int_equal(pgmode.entry_shift, 2);
	assert_false(pgmode.nx);
	assert_int_equal(PAGE_OFFSET, 0xc0000000UL);
	assert_int_equal(TASK_SIZE, 0xc0000000UL);
	assert_int_equal(VMALLOC_START, 0xc0000000UL + (64UL << 20) + (8UL << 20));
	assert_int_equal(VMALLOC_END, 0xff800000UL - 2 * PAGE_SIZE);
	assert_int_equal(KERNEL_PGD_BOUNDARY, 768);

	assert_int_equal(paging_mode_setup(3, 2ULL << 30), 0);
	assert_int_equal(PGDIR_SHIFT, 30);
	assert_int_equal(PTRS_PER_PGD, 4);
	assert_int_equal(PMD_SHIFT, 21);
	assert_int_equal(PTRS_PER_PMD, 512);
	assert_int_equal(PTRS_PER_PUD, 1);
	assert_true(pgmode.nx);
	assert_int_equal(max_low_pfn, (896UL << 20) >> PAGE_SHIFT);
	assert_int_equal(high_memory, 0xc0000000UL + (896UL << 20));
	assert_int_equal(VMALLOC_START, 0xf8800000UL);
	assert_int_equal(VMALLOC_END, 0xffa00000UL - 2 * PAGE_SIZE);
	assert_int_equal(KERNEL_PGD_BOUNDARY, 3);

	assert_int_equal(paging_mode_setup(4, 64ULL << 20), 0);
	assert_int_equal(PGDIR_SHIFT, 39);
	assert_int_equal(P4D_SHIFT, 39);
	assert_int_equal(PUD_SHIFT, 30);
	assert_int_equal(PTRS_PER_P4D, 1);
	assert_int_equal(PAGE_OFFSET, 0xffff888000000000UL);
	assert_int_equal(VMALLOC_START, 0xffffc90000000000UL);
	assert_int_equal(VMALLOC_END, 0xffffe8ffffffffffUL);
	assert_int_equal(TASK_SIZE, 0x7ffffffff000UL);
	assert_int_equal(STACK_TOP, 0x7ffffffff000UL);
	assert_int_equal(KERNEL_PGD_BOUNDARY, 273);

	assert_int_equal(paging_mode_setup(5, 64ULL << 20), 0);
	assert_int_equal(PGDIR_SHIFT, 48);
	assert_int_equal(P4D_SHIFT, 39);
	assert_int_equal(PTRS_PER_P4D, 512);
	assert_int_equal(PAGE_OFFSET, 0xff11000000000000UL);
	assert_int_equal(VMALLOC_START, 0xffa0000000000000UL);
	assert_int_equal(VMALLOC_END, 0xffd1ffffffffffffUL);
	assert_int_equal(TASK_SIZE, 0x00fffffffffff000UL);
	assert_int_equal(DEFAULT_MAP_WINDOW, 0x7ffffffff000UL);
	assert_int_equal(STACK_TOP, 0x7ffffffff000UL);
	assert_int_equal(paging_mode_setup(6, 1 << 20), -EINVAL);
}

static void test_entry_helpers(void **state)
{
	pte_t p;

	assert_int_equal(paging_mode_setup(4, 64ULL << 20), 0);
	p = pfn_pte(0x12345, PAGE_SHARED);
	assert_int_equal(pte_pfn(p), 0x12345);
	assert_true(pte_present(p) && pte_write(p) && pte_user(p) && !pte_exec(p));
	p = pte_mkdirty(pte_mkyoung(p));
	assert_true(pte_dirty(p) && pte_soft_dirty(p) && pte_young(p));
	p = pte_modify(p, PAGE_READONLY_EXEC);
	assert_int_equal(pte_pfn(p), 0x12345);
	assert_true(pte_dirty(p) && !pte_write(p) && pte_exec(p));
	assert_true(pte_protnone(pfn_pte(1, PAGE_NONE)));
	assert_true(pte_present(pfn_pte(1, PAGE_NONE)));
	assert_int_equal(pgprot_val(vm_get_page_prot(0x3)) & _PAGE_RW, 0); /* private: COW */
	assert_int_equal(pgprot_val(vm_get_page_prot(0xb)) & _PAGE_RW, _PAGE_RW);
	assert_int_equal(pgprot_val(vm_get_page_prot(0x5)) & _PAGE_NX, 0);
	assert_true(pmd_bad(__pmd(0x1000 | _PAGE_PRESENT | _PAGE_PSE)));
	assert_false(pmd_bad(__pmd(0x1000 | _KERNPG_TABLE)));
	/* 2-level: 32-bit entries, no NX, no soft-dirty. */
	assert_int_equal(paging_mode_setup(2, 64ULL << 20), 0);
	p = pfn_pte(0xfffff, PAGE_SHARED);
	assert_int_equal(pte_val(p) >> 32, 0);
	assert_true(pte_exec(p));
	assert_false(pte_soft_dirty(pte_mkdirty(p)));
	assert_int_equal(pte_pfn(p), 0xfffff);
}

/* Folded levels: the offset functions return the slot above; the levels
 * above a folded one are always present; one generic walk works. */
static void test_folding(void **state)
{
	static const int modes[] = { 2, 3, 4, 5 };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned long va = PAGE_OFFSET;
		pgdp_t pgd;
		p4dp_t p4d;
		pudp_t pud;
		pmdp_t pmd;

		boot_mode(modes[m], 16ULL << 20, 1);
		va = PAGE_OFFSET + 0x1000;
		pgd = pgd_offset_k(va);
		p4d = p4d_offset(pgd, va);
		pud = pud_offset(p4d, va);
		pmd = pmd_offset(pud, va);
		assert_false(pgd_none(pgdp_get(pgd)));
		assert_true(pgd_present(pgdp_get(pgd)));
		assert_int_equal((void *)p4d == (void *)pgd, modes[m] < 5);
		assert_int_equal((void *)pud == (void *)p4d, modes[m] < 4);
		assert_int_equal((void *)pmd == (void *)pud, modes[m] < 3);
		assert_false(p4d_none(p4dp_get(p4d)));
		assert_false(pud_none(pudp_get(pud)));
		assert_true(pmd_leaf(pmdp_get(pmd)));
		assert_int_equal(pmd_pfn(pmdp_get(pmd)), 0);
		machine_shutdown();
	}
}

/* Every lowmem page is direct-mapped at PAGE_OFFSET + phys, with large
 * pages where aligned and 4K pages at the tail; highmem is not mapped. */
static void check_direct_map(int levels, u64 ram, bool gbpages)
{
	unsigned long pfn, expect_4k, large_size;
	int lvl;

	boot_mode_cpu(levels, ram, 1, gbpages);
	assert_int_equal(pgmode.gbpages, gbpages && levels >= 4);
	{ /* meminfo's DirectMap1G line only with 1 GiB pages (Linux direct_gbpages) */
		char buf[256] = { 0 };
		FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

		arch_report_meminfo(f);
		fclose(f);
		assert_int_equal(strstr(buf, "DirectMap1G:") != NULL, gbpages && levels >= 4);
	}
	for (pfn = 0; pfn < max_low_pfn; pfn += 7)
		assert_int_equal(slow_virt_to_phys(PAGE_OFFSET + (pfn << PAGE_SHIFT) + 5),
				 (pfn << PAGE_SHIFT) + 5);
	assert_int_equal(slow_virt_to_phys(PAGE_OFFSET + (max_low_pfn << PAGE_SHIFT)),
			 (phys_addr_t)-1);
	large_size = PMD_SIZE;
	expect_4k = ((max_low_pfn << PAGE_SHIFT) % large_size) >> PAGE_SHIFT;
	assert_int_equal(direct_pages_count[PG_LEVEL_4K], expect_4k);
	assert_int_equal(direct_pages_count[PG_LEVEL_2M] * large_size +
				 direct_pages_count[PG_LEVEL_1G] * PUD_SIZE + expect_4k * PAGE_SIZE,
			 max_low_pfn << PAGE_SHIFT);
	/* entries are PAGE_KERNEL: global, supervisor, NX where it exists */
	{
		u64 e = pt_entry_read(lookup_address(PAGE_OFFSET, &lvl));
		assert_true(e & _PAGE_GLOBAL);
		assert_false(e & _PAGE_USER);
		assert_int_equal(!!(e & _PAGE_NX), pgmode.nx);
		assert_int_equal(lvl, ram >= (1ULL << 30) && pgmode.gbpages ? PT_PUD : PT_PMD);
	}
	assert_int_equal(verify_all(NULL), 0);
	machine_shutdown();
}

static void test_direct_map(void **state)
{
	check_direct_map(2, (64ULL << 20) + 3 * PAGE_SIZE, true);
	check_direct_map(3, (64ULL << 20) + 5 * PAGE_SIZE, true);
	check_direct_map(4, (64ULL << 20) + (1ULL << 20), true);
	check_direct_map(5, 16ULL << 20, true);
	check_direct_map(4, (1ULL << 30) + (2ULL << 20), true);	 /* a 1G page, a 2M page */
	check_direct_map(3, 1ULL << 30, true);			 /* 896M lowmem, 128M highmem */
	check_direct_map(4, (1ULL << 30) + (2ULL << 20), false); /* no pdpe1gb: 2M pages */
}

static unsigned long count_pagetable_pages(void)
{
	unsigned long pfn, n = 0;

	for (pfn = 0; pfn < mmk->max_pfn; pfn++)
		n += PageTable(pfn_to_page(pfn));
	return n;
}

/* A user mm: tables counted in NR_PAGETABLE and pgtables_bytes, freed back. */
static void test_user_tables(void **state)
{
	static const int modes[] = { 2, 3, 4, 5 };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long base, before, bytes0;
		struct page *frame;

		boot_mode(modes[m], 16ULL << 20, 1);
		before = nr_pagetable_pages();
		assert_int_equal(before, count_pagetable_pages());
		test_mm_init(&mm);
		bytes0 = mm_pgtables_bytes(&mm);
		assert_int_equal(bytes0, modes[m] == 3 ? 3 * PAGE_SIZE : 0); /* PAE user PMDs */
		assert_int_equal(nr_pagetable_pages(), before + 1 + (modes[m] == 3 ? 3 : 0));
		frame = test_frame();
		/* two PTE tables under one PMD, and one far away */
		base = test_user_va();
		map4k(&mm, base, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_USER);
		map4k(&mm, base + PMD_SIZE, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_USER);
		map4k(&mm, 0x1000, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_USER);
		assert_true(mm_pgtables_bytes(&mm) > bytes0);
		assert_int_equal(nr_pagetable_pages(), count_pagetable_pages());
		assert_int_equal(verify_all(NULL), 0);
		/* clear the leaves, then free the tables */
		pte_clear(&mm, base, pte_alloc_walk(&mm, base));
		pte_clear(&mm, base + PMD_SIZE, pte_alloc_walk(&mm, base + PMD_SIZE));
		pte_clear(&mm, 0x1000, pte_alloc_walk(&mm, 0x1000));
		free_user_pgtables(&mm);
		assert_int_equal(mm_pgtables_bytes(&mm), bytes0);
		test_mm_destroy(&mm);
		assert_int_equal(nr_pagetable_pages(), before);
		assert_int_equal(count_pagetable_pages(), before);
		__free_page(frame);
		machine_shutdown();
	}
}

/* A kernel top-level entry created after pgd_alloc reaches every pgd; the
 * PAE kernel PMD is one shared table. */
static void test_kernel_half_shared(void **state)
{
	static const int modes[] = { 2, 3, 4, 5 };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct a, b;
		unsigned long va;
		struct page *frame;
		u64 v;

		boot_mode(modes[m], 16ULL << 20, 1);
		test_mm_init(&a);
		memset(&b, 0, sizeof(b));
		spin_lock_init(&b.page_table_lock);
		assert_int_equal(pgd_alloc(&b), 0);
		frame = test_frame();
		*(u64 *)page_address(frame) = 0x5151;
		va = VMALLOC_START + 16 * PAGE_SIZE;
		assert_int_equal(set_pte_vaddr(va, pfn_pte(page_to_pfn(frame), PAGE_KERNEL)), 0);
		/* the new mapping is visible through a's and b's tables */
		assert_int_equal(mmk_read64(MMU_KERNEL_IDX, va, &v), 0);
		assert_int_equal(v, 0x5151);
		assert_int_equal(memcmp(pt_slot_add(a.pgd, KERNEL_PGD_BOUNDARY),
					pt_slot_add(init_mm.pgd, KERNEL_PGD_BOUNDARY),
					(PTRS_PER_PGD - KERNEL_PGD_BOUNDARY) << pgmode.entry_shift),
				 0);
		assert_int_equal(memcmp(pt_slot_add(b.pgd, KERNEL_PGD_BOUNDARY),
					pt_slot_add(init_mm.pgd, KERNEL_PGD_BOUNDARY),
					(PTRS_PER_PGD - KERNEL_PGD_BOUNDARY) << pgmode.entry_shift),
				 0);
		pte_clear(&init_mm, va, lookup_address(va, (int *)&v));
		flush_tlb_kernel_range(va, va + PAGE_SIZE);
		/* after the PTE is gone (vmalloc's check forbids PTEs in its range
		 * outside its areas), the tables it needed stay and must be shared */
		assert_int_equal(verify_all(NULL), 0);
		pgd_free(&b);
		test_mm_destroy(&a);
		__free_page(frame);
		machine_shutdown();
	}
}

/* A failing table allocation is survivable and leaks nothing. */
static void test_alloc_failure(void **state)
{
	struct mm_struct mm;
	unsigned long before;

	boot_mode(4, 16ULL << 20, 1);
	test_mm_init(&mm);
	before = nr_pagetable_pages();
	assert_int_equal(fault_inject_set("pgtable_alloc", 2, false, 0), 0);
	assert_null(pte_alloc_walk(&mm, test_user_va())); /* PUD ok, PMD fails */
	fault_inject_clear_all();
	assert_int_equal(nr_pagetable_pages(), before + 1); /* the PUD table stays */
	assert_non_null(pte_alloc_walk(&mm, test_user_va()));
	free_user_pgtables(&mm);
	assert_int_equal(nr_pagetable_pages(), before);
	assert_int_equal(mm_pgtables_bytes(&mm), 0);
	assert_int_equal(fault_inject_set("pgtable_alloc", 1, false, 0), 0);
	{
		struct mm_struct m2;
		memset(&m2, 0, sizeof(m2));
		assert_int_equal(pgd_alloc(&m2), -ENOMEM);
	}
	fault_inject_clear_all();
	assert_int_equal(nr_pagetable_pages(), before);
	test_mm_destroy(&mm);
	machine_shutdown();
}

/* kmap of a highmem page (PAE, 1 GiB: 128 MiB above 896 MiB). */
static void test_kmap_highmem(void **state)
{
	struct page *high;
	unsigned long kva, kva2;
	u64 v;

	boot_mode(3, 1ULL << 30, 1);
	high = pfn_to_page(max_low_pfn + 10);
	*(u64 *)page_address(high) = 0xdeadbeef;
	kva = kmap(high);
	assert_true(kva >= PKMAP_BASE && kva < PKMAP_BASE + LAST_PKMAP * PAGE_SIZE);
	assert_int_equal(mmk_read64(MMU_KERNEL_IDX, kva, &v), 0);
	assert_int_equal(v, 0xdeadbeef);
	kva2 = kmap(high);
	assert_int_equal(kva2, kva);
	kunmap(high);
	kunmap(high);
	/* lowmem pages are simply their direct-map address */
	assert_int_equal(kmap(pfn_to_page(5)), PAGE_OFFSET + 5 * PAGE_SIZE);
	/* fill the window: the sweep recycles unused slots after a flush */
	for (unsigned long i = 0; i < 2 * LAST_PKMAP; i++) {
		struct page *p = pfn_to_page(max_low_pfn + (i % 20000));
		unsigned long a = kmap(p);

		assert_true(a != 0);
		kunmap(p);
	}
	assert_int_equal(verify_all(NULL), 0);
	machine_shutdown();
}

/* verify notices a table entry that points at a non-table page. */
static void test_verify_catches(void **state)
{
	struct mm_struct mm;
	struct page *frame;
	void *slot;

	boot_mode(4, 16ULL << 20, 1);
	test_mm_init(&mm);
	frame = test_frame();
	map4k(&mm, test_user_va(), page_to_pfn(frame), _PAGE_PRESENT | _PAGE_USER);
	assert_int_equal(verify_all(NULL), 0);
	slot = hw_slot(mm.pgd, test_user_va(), pgmode.nhw - 2);
	{
		u64 saved = pt_entry_read(slot);
		pt_entry_write(slot, page_to_phys(frame) | _PAGE_TABLE);
		assert_true(verify_all(NULL) > 0);
		pt_entry_write(slot, saved);
	}
	assert_int_equal(verify_all(NULL), 0);
	pte_clear(&mm, test_user_va(), pte_alloc_walk(&mm, test_user_va()));
	test_mm_destroy(&mm);
	__free_page(frame);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_mode_descriptors), cmocka_unit_test(test_entry_helpers),
	cmocka_unit_test(test_folding),		 cmocka_unit_test(test_direct_map),
	cmocka_unit_test(test_user_tables),	 cmocka_unit_test(test_kernel_half_shared),
	cmocka_unit_test(test_alloc_failure),	 cmocka_unit_test(test_kmap_highmem),
	cmocka_unit_test(test_verify_catches),
};

MMK_TEST_MAIN(tests, NULL, NULL);
