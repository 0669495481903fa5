/* test_mmu.c - the software MMU in every paging mode: U/S, R/W, NX and
 * CR0.WP at every level, error codes, A/D bits, large pages, reserved bits,
 * canonical addresses, stale TLB entries and their flushes, the fault
 * handler hook, oopses, page-crossing accesses, and TLB shootdown across
 * CPUs (run under TSan by the tsan preset). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sched.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmu_helpers.h"
#include "mmkit/sched.h"

static const int modes[] = { 2, 3, 4, 5 };
#define RAM (16ULL << 20)

/* ---------------------------------------------------------------- rights -- */

enum restrict_kind { R_NONE, R_NO_USER, R_NO_RW, R_NX, R_NR };

/* Expected error code of an access (0 = allowed), from SDM 4.6 written out
 * case by case for a single restriction at one level. */
static unsigned long expected_code(enum restrict_kind r, int mmu_idx, enum mmu_access acc, bool wp)
{
	unsigned long base = X86_PF_PROT | (mmu_idx == MMU_USER_IDX ? X86_PF_USER : 0) |
			     (acc == MMU_DATA_STORE ? X86_PF_WRITE : 0) |
			     (acc == MMU_INST_FETCH && pgmode.nx ? X86_PF_INSTR : 0);

	switch (r) {
	case R_NO_USER:
		return mmu_idx == MMU_USER_IDX ? base : 0;
	case R_NO_RW:
		if (acc != MMU_DATA_STORE)
			return 0;
		return (mmu_idx == MMU_USER_IDX || wp) ? base : 0;
	case R_NX:
		return (acc == MMU_INST_FETCH && pgmode.nx) ? base : 0;
	default:
		return 0;
	}
}

static void apply_restriction(void *slot, enum restrict_kind r)
{
	u64 e = pt_entry_read(slot);

	if (r == R_NO_USER)
		e &= ~_PAGE_USER;
	else if (r == R_NO_RW)
		e &= ~_PAGE_RW;
	else if (r == R_NX && pgmode.nx)
		e |= _PAGE_NX;
	pt_entry_write(slot, e);
}

static void check_one(unsigned long va, unsigned long pfn, enum restrict_kind r, int mmu_idx,
		      enum mmu_access acc, bool wp, int level)
{
	struct mmu_translation t;
	struct mmu_fault f;
	unsigned long want = expected_code(r, mmu_idx, acc, wp);
	int ret;

	this_cpu()->cr0_wp = wp;
	ret = mmu_translate(this_cpu(), va + 0x123, acc, mmu_idx, &t, &f);
	if (want) {
		if (ret != -EFAULT || f.kind != MMU_FAULT_PF || f.error_code != want)
			fail_msg(
				"mode %d level %d restrict %d idx %d acc %d wp %d: got ret %d code %#lx, want %#lx",
				pgmode.levels, level, r, mmu_idx, acc, wp, ret, f.error_code, want);
		assert_int_equal(f.address, va + 0x123);
	} else {
		if (ret != 0)
			fail_msg(
				"mode %d level %d restrict %d idx %d acc %d wp %d: faulted code %#lx",
				pgmode.levels, level, r, mmu_idx, acc, wp, f.error_code);
		assert_int_equal(t.phys, ((u64)pfn << PAGE_SHIFT) + 0x123);
		assert_int_equal(t.level, PT_PTE);
	}
	this_cpu()->cr0_wp = true;
}

/* Every restriction at every hardware level (not the PAE PDPT, which has
 * no rights bits), against every privilege, access kind and CR0.WP. */
static void rights_matrix_mode(int levels)
{
	struct mm_struct mm;
	unsigned long va = test_user_va();
	struct page *frame;
	int i, r, idx, acc, wp;

	boot_mode(levels, RAM, 1);
	test_mm_init(&mm);
	frame = test_frame();
	for (i = (levels == 3); i < pgmode.nhw; i++) {
		for (r = R_NONE; r < R_NR; r++) {
			u64 leaf = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED |
				   _PAGE_DIRTY;

			map4k(&mm, va, page_to_pfn(frame), leaf);
			for (int j = (levels == 3); j < pgmode.nhw - 1; j++) {
				void *s = hw_slot(mm.pgd, va, j);
				pt_entry_write(s, (pt_entry_read(s) | _PAGE_USER | _PAGE_RW) &
							  ~(pgmode.nx ? _PAGE_NX : 0));
			}
			apply_restriction(hw_slot(mm.pgd, va, i), (enum restrict_kind)r);
			for (idx = 0; idx < NB_MMU_MODES; idx++)
				for (acc = 0; acc < 3; acc++)
					for (wp = 0; wp < 2; wp++)
						check_one(va, page_to_pfn(frame),
							  (enum restrict_kind)r, idx,
							  (enum mmu_access)acc, wp, i);
		}
	}
	__free_page(frame);
	test_mm_destroy(&mm);
	machine_shutdown();
}

static void test_rights_matrix(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++)
		rights_matrix_mode(modes[m]);
}

/* Not-present at each level: P=0 in the error code, W/U/I as the access. */
static void test_not_present(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long va = test_user_va();
		struct mmu_translation t;
		struct mmu_fault f;
		struct page *frame;

		boot_mode(modes[m], RAM, 1);
		test_mm_init(&mm);
		frame = test_frame();
		for (int i = pgmode.nhw - 1; i >= 0; i--) {
			map4k(&mm, va, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
			void *s = hw_slot(mm.pgd, va, i);
			u64 saved = pt_entry_read(s);

			pt_entry_write(s, saved & ~_PAGE_PRESENT);
			assert_int_equal(
				mmu_translate(this_cpu(), va, MMU_DATA_STORE, MMU_USER_IDX, &t, &f),
				-EFAULT);
			assert_int_equal(f.error_code, X86_PF_WRITE | X86_PF_USER);
			assert_int_equal(mmu_translate(this_cpu(), va, MMU_DATA_LOAD,
						       MMU_KERNEL_IDX, &t, &f),
					 -EFAULT);
			assert_int_equal(f.error_code, 0);
			assert_int_equal(mmu_translate(this_cpu(), va, MMU_INST_FETCH,
						       MMU_KERNEL_IDX, &t, &f),
					 -EFAULT);
			assert_int_equal(f.error_code, pgmode.nx ? X86_PF_INSTR : 0);
			pt_entry_write(s, saved);
		}
		__free_page(frame);
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

/* ---------------------------------------------------------------- A / D -- */

static void clear_ad_everywhere(struct mm_struct *mm, unsigned long va)
{
	for (int i = (pgmode.levels == 3); i < pgmode.nhw; i++) {
		void *s = hw_slot(mm->pgd, va, i);
		pt_entry_write(s, pt_entry_read(s) & ~(_PAGE_ACCESSED | _PAGE_DIRTY));
	}
}

static void test_accessed_dirty(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long va = test_user_va();
		struct page *frame;
		u64 v, pdpte = 0;
		int i;

		boot_mode(modes[m], RAM, 1);
		test_mm_init(&mm);
		frame = test_frame();
		map4k(&mm, va, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		clear_ad_everywhere(&mm, va);
		if (modes[m] == 3)
			pdpte = pt_entry_read(hw_slot(mm.pgd, va, 0));
		/* A read sets A at every level, D nowhere. */
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		for (i = (modes[m] == 3); i < pgmode.nhw; i++) {
			u64 e = pt_entry_read(hw_slot(mm.pgd, va, i));
			assert_true(e & _PAGE_ACCESSED);
			assert_false(e & _PAGE_DIRTY);
		}
		if (modes[m] == 3) /* the PDPT entry has no A bit (reserved) */
			assert_int_equal(pt_entry_read(hw_slot(mm.pgd, va, 0)), pdpte);
		/* The TLB now holds a read-only entry: the write walks and sets D. */
		assert_int_equal(mmk_write64(MMU_USER_IDX, va, 42), 0);
		assert_true(pt_entry_read(hw_slot(mm.pgd, va, pgmode.nhw - 1)) & _PAGE_DIRTY);
		for (i = (modes[m] == 3); i < pgmode.nhw - 1; i++)
			assert_false(pt_entry_read(hw_slot(mm.pgd, va, i)) & _PAGE_DIRTY);
		/* A faulting write sets no D. */
		map4k(&mm, va + PAGE_SIZE, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_USER);
		assert_int_equal(mmk_write64(MMU_USER_IDX, va + PAGE_SIZE, 1), -EFAULT);
		assert_false(pt_entry_read(hw_slot(mm.pgd, va + PAGE_SIZE, pgmode.nhw - 1)) &
			     _PAGE_DIRTY);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(v, 42);
		__free_page(frame);
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

/* ---------------------------------------------------------- large pages -- */

static void test_large_pages(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		struct mmu_translation t;
		struct mmu_fault f;
		unsigned long va = test_user_va();
		unsigned int order;
		struct page *big;
		pmdp_t pmd;
		u64 v;

		boot_mode(modes[m], 64ULL << 20, 1);
		test_mm_init(&mm);
		order = PMD_SHIFT - PAGE_SHIFT;
		big = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		assert_non_null(big);
		pmd = pmd_alloc(&mm, pud_alloc(&mm, p4d_alloc(&mm, pgd_offset(&mm, va), va), va),
				va);
		assert_non_null(pmd);
		set_pmd(pmd, __pmd(page_to_phys(big) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
				   _PAGE_PSE));
		assert_int_equal(mmu_translate(this_cpu(), va + PMD_SIZE - 8, MMU_DATA_STORE,
					       MMU_USER_IDX, &t, &f),
				 0);
		assert_int_equal(t.phys, page_to_phys(big) + PMD_SIZE - 8);
		assert_int_equal(t.level, PT_PMD);
		assert_true(pmd_val(pmdp_get(pmd)) & _PAGE_DIRTY);
		/* Data through the large page lands in the right frame. */
		assert_int_equal(mmk_write64(MMU_USER_IDX, va + 5 * PAGE_SIZE + 16, 0xabcdef), 0);
		memcpy(&v, (u8 *)page_address(big) + 5 * PAGE_SIZE + 16, 8);
		assert_int_equal(v, 0xabcdef);
		/* invlpg anywhere in the large page drops all its 4K entries. */
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_true(tlb_nr_valid(MMU_USER_IDX) >= 2);
		invlpg(va + PMD_SIZE / 2);
		assert_int_equal(tlb_nr_valid(MMU_USER_IDX), 0);
		pmd_clear(pmd);
		__free_pages(big, order);
		if (pgmode.gbpages) { /* a 1G leaf: phys 0..1G, RAM ends at 64M */
			pudp_t pud =
				pud_offset(p4d_offset(pgd_offset(&mm, 0x80000000UL), 0x80000000UL),
					   0x80000000UL);

			set_pud(pud, __pud(_PAGE_PRESENT | _PAGE_USER | _PAGE_PSE));
			assert_int_equal(mmu_translate(this_cpu(), 0x80000000UL + 0x123456,
						       MMU_DATA_LOAD, MMU_USER_IDX, &t, &f),
					 0);
			assert_int_equal(t.phys, 0x123456);
			assert_int_equal(t.level, PT_PUD);
			assert_int_equal(mmu_translate(this_cpu(), 0x80000000UL + (100UL << 20),
						       MMU_DATA_LOAD, MMU_USER_IDX, &t, &f),
					 -EFAULT);
			assert_int_equal(f.kind, MMU_FAULT_MCE);
			pud_clear(pud);
		}
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

/* -------------------------------------------------------- reserved bits -- */

static void expect_rsvd(unsigned long va, int mmu_idx, enum mmu_access acc)
{
	struct mmu_translation t;
	struct mmu_fault f;
	unsigned long want = X86_PF_PROT | X86_PF_RSVD | (mmu_idx ? X86_PF_USER : 0) |
			     (acc == MMU_DATA_STORE ? X86_PF_WRITE : 0);

	assert_int_equal(mmu_translate(this_cpu(), va, acc, mmu_idx, &t, &f), -EFAULT);
	assert_int_equal(f.kind, MMU_FAULT_PF);
	assert_int_equal(f.error_code, want);
}

static void test_reserved_bits(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long va = test_user_va();
		struct page *frame;
		void *s;
		u64 e;

		boot_mode(modes[m], RAM, 1);
		test_mm_init(&mm);
		frame = test_frame();
		map4k(&mm, va, page_to_pfn(frame), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		if (modes[m] == 2) {
			/* a 4M PDE with bit 13 set (PSE-36 bits are reserved here) */
			s = hw_slot(mm.pgd, va + PMD_SIZE, 0);
			pt_entry_write(s, (4UL << 20) | _PAGE_PRESENT | _PAGE_PSE | _PAGE_USER |
						  (1UL << 13));
			expect_rsvd(va + PMD_SIZE, MMU_USER_IDX, MMU_DATA_LOAD);
			pt_entry_write(s, 0);
		} else {
			/* a physical-address bit above MAXPHYADDR in the PTE */
			s = hw_slot(mm.pgd, va, pgmode.nhw - 1);
			e = pt_entry_read(s);
			if (pgmode.phys_bits < 52) {
				pt_entry_write(s, e | (1ULL << pgmode.phys_bits));
				expect_rsvd(va, MMU_KERNEL_IDX, MMU_DATA_STORE);
				pt_entry_write(s, e);
			}
			/* PSE where no leaf may be: the top level */
			s = hw_slot(mm.pgd, va, 0);
			e = pt_entry_read(s);
			pt_entry_write(s, e | _PAGE_PSE);
			expect_rsvd(va, MMU_USER_IDX, MMU_DATA_LOAD);
			pt_entry_write(s, e);
			/* a 2M leaf with bit 13 set */
			s = hw_slot(mm.pgd, va, pgmode.nhw - 2);
			e = pt_entry_read(s);
			pt_entry_write(s, _PAGE_PRESENT | _PAGE_USER | _PAGE_PSE | (1ULL << 13));
			expect_rsvd(va, MMU_USER_IDX, MMU_DATA_LOAD);
			pt_entry_write(s, e);
		}
		if (modes[m] == 3) { /* RW is reserved in a PDPT entry */
			s = hw_slot(mm.pgd, va, 0);
			e = pt_entry_read(s);
			pt_entry_write(s, e | _PAGE_RW);
			expect_rsvd(va, MMU_KERNEL_IDX, MMU_DATA_LOAD);
			pt_entry_write(s, e);
		}
		/* Through the accessors the kernel reports a corrupted page table. */
		s = hw_slot(mm.pgd, va, 0);
		e = pt_entry_read(s);
		pt_entry_write(s, e | (modes[m] == 2 ? 0 : _PAGE_PSE) |
					  (modes[m] == 3 ? _PAGE_RW : 0));
		if (modes[m] != 2) {
			u64 v;
			assert_int_equal(mmk_read64(MMU_KERNEL_IDX, va, &v), -EFAULT);
			assert_true(mmu_last_fault()->oops);
			assert_non_null(strstr(mmu_last_fault()->msg, "Bad pagetable"));
		}
		pt_entry_write(s, e);
		__free_page(frame);
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

static void test_canonical(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mmu_translation t;
		struct mmu_fault f;
		u64 v;
		unsigned long bad, good;

		boot_mode(modes[m], RAM, 1);
		bad = modes[m] <= 3 ? 0x100000000UL :
		      modes[m] == 4 ? 0x0000800000000000UL :
				      0x0100000000000000UL;
		good = modes[m] == 5 ? 0x0000800000000000UL :
		       modes[m] == 4 ? 0xffff800000000000UL :
				       0xfffff000UL;
		assert_false(mmu_canonical(bad));
		assert_true(mmu_canonical(good));
		assert_int_equal(
			mmu_translate(this_cpu(), bad, MMU_DATA_LOAD, MMU_KERNEL_IDX, &t, &f),
			-EFAULT);
		assert_int_equal(f.kind, MMU_FAULT_GP);
		assert_int_equal(mmk_read64(MMU_USER_IDX, bad, &v), -EFAULT);
		assert_int_equal(mmu_last_fault()->sig, SIGSEGV);
		assert_int_equal(mmu_last_fault()->si_code, SI_KERNEL);
		assert_int_equal(mmk_read64(MMU_KERNEL_IDX, bad, &v), -EFAULT);
		assert_true(mmu_last_fault()->oops);
		assert_non_null(strstr(mmu_last_fault()->msg, "general protection fault"));
		machine_shutdown();
	}
}

/* ------------------------------------------------------------ stale TLB -- */

static void test_stale_tlb(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long va = test_user_va();
		struct page *a, *b;
		ptep_t p;
		u64 v;

		boot_mode(modes[m], RAM, 1);
		test_mm_init(&mm);
		a = test_frame();
		b = test_frame();
		*(u64 *)page_address(a) = 0xaaaa;
		*(u64 *)page_address(b) = 0xbbbb;
		p = map4k(&mm, va, page_to_pfn(a), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(v, 0xaaaa);
		/* Remap without a flush: the TLB still translates to a. */
		set_pte(p, pfn_pte(page_to_pfn(b), PAGE_SHARED));
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(v, 0xaaaa);
		invlpg(va);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(v, 0xbbbb);
		/* Clear P without a flush: still readable until invlpg. */
		pte_clear(&mm, va, p);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(v, 0xbbbb);
		invlpg(va);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), -EFAULT);
		assert_int_equal(mmu_last_fault()->sig, SIGSEGV);
		assert_int_equal(mmu_last_fault()->si_code, SEGV_MAPERR);
		/* Write-protect without a flush: a cached writable entry still writes. */
		set_pte(p, pte_mkdirty(pfn_pte(page_to_pfn(a), PAGE_SHARED)));
		assert_int_equal(mmk_write64(MMU_USER_IDX, va, 1), 0);
		ptep_set_wrprotect(&mm, va, p);
		assert_int_equal(mmk_write64(MMU_USER_IDX, va, 2), 0);
		flush_tlb_mm_range(&mm, va, va + PAGE_SIZE, PAGE_SHIFT, false);
		assert_int_equal(mmk_write64(MMU_USER_IDX, va, 3), -EFAULT);
		assert_int_equal(mmu_last_fault()->si_code, SEGV_ACCERR);
		assert_int_equal(*(u64 *)page_address(a), 2);
		/* CR3 reload drops user (non-global) entries, keeps global kernel ones. */
		assert_int_equal(mmk_read64(MMU_USER_IDX, va, &v), 0);
		assert_int_equal(mmk_read64(MMU_KERNEL_IDX, PAGE_OFFSET + page_to_phys(a), &v), 0);
		write_cr3(this_cpu()->cr3);
		assert_int_equal(tlb_nr_valid(MMU_USER_IDX), 0);
		assert_int_equal(tlb_nr_valid(MMU_KERNEL_IDX), 1);
		__flush_tlb_global();
		assert_int_equal(tlb_nr_valid(MMU_KERNEL_IDX), 0);
		pte_clear(&mm, va, p);
		__free_page(a);
		__free_page(b);
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

/* ---------------------------------------------- faults and the handler -- */

static struct mm_struct *handler_mm;
static struct page *handler_frame;
static int handler_calls;

static int demand_handler(struct mmu_fault *f)
{
	handler_calls++;
	if (f->address < PAGE_SIZE) {
		f->sig = SIGBUS;
		f->si_code = 2;
		f->sig_addr = f->address;
		return -EFAULT;
	}
	map4k(handler_mm, f->address & PAGE_MASK, page_to_pfn(handler_frame),
	      _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	return 0;
}

static void test_fault_handler(void **state)
{
	page_fault_handler_t prev_handler;
	struct mm_struct mm;
	unsigned long va = test_user_va();
	u64 v;

	boot_mode(4, RAM, 1);
	test_mm_init(&mm);
	handler_mm = &mm;
	handler_frame = test_frame();
	handler_calls = 0;
	/* the mm layer's handler (arch/x86/mm_fault.c) is installed at boot */
	prev_handler = set_page_fault_handler(demand_handler);
	assert_int_equal(mmk_write32(MMU_USER_IDX, va + 8, 0x1234), 0);
	assert_int_equal(handler_calls, 1);
	assert_int_equal(this_cpu()->cr2, va + 8);
	assert_int_equal(mmk_read32(MMU_USER_IDX, va + 8, (u32 *)&v), 0);
	assert_int_equal((u32)v, 0x1234);
	assert_int_equal(handler_calls, 1);
	assert_int_equal(mmk_read64(MMU_USER_IDX, 0x10, &v), -EFAULT);
	assert_int_equal(mmu_last_fault()->sig, SIGBUS);
	assert_int_equal(mmu_last_fault()->sig_addr, 0x10);
	set_page_fault_handler(prev_handler);
	__free_page(handler_frame);
	test_mm_destroy(&mm);
	machine_shutdown();
}

static void test_kernel_oops(void **state)
{
	unsigned long va = 0x7f0000001000UL;
	char *log;
	u64 v;
	int before;

	boot_mode(4, RAM, 1);
	before = oops_count();
	assert_int_equal(mmk_read64(MMU_KERNEL_IDX, va, &v), -EFAULT);
	assert_true(mmu_last_fault()->oops);
	assert_int_equal(oops_count(), before + 1);
	assert_string_equal(
		mmu_last_fault()->msg,
		"BUG: unable to handle page fault for address: 0x7f0000001000 (error_code 0x0000)");
	log = dmesg_copy();
	assert_non_null(strstr(log, "#PF: supervisor read access in kernel mode"));
	assert_non_null(strstr(log, "#PF: error_code(0x0000) - not-present page"));
	/* dump_stack_print_info's task: the idle task when none runs ... */
	assert_non_null(strstr(log, "CPU: 0 UID: 0 PID: 0 Comm: swapper/0\n"));
	free(log);
	{ /* ... else current */
		struct task_struct fake = { .pid = 77, .comm = "fake" };

		cpu_set_curr(this_cpu(), &fake);
		assert_int_equal(mmk_read64(MMU_KERNEL_IDX, va, &v), -EFAULT);
		cpu_set_curr(this_cpu(), NULL);
		log = dmesg_copy();
		assert_non_null(strstr(log, "CPU: 0 UID: 0 PID: 77 Comm: fake\n"));
		free(log);
	}
	/* A kernel write to a read-only kernel page: WP=1 oopses, WP=0 writes. */
	{
		struct page *pg = test_frame();
		unsigned long kva = PAGE_OFFSET + page_to_phys(pg);
		int lvl;
		ptep_t p = lookup_address(kva, &lvl);
		u64 e = pt_entry_read(p);

		pt_entry_write(p, e & ~_PAGE_RW);
		assert_int_equal(mmk_write8(MMU_KERNEL_IDX, kva, 1), -EFAULT);
		assert_int_equal(mmu_last_fault()->error_code, X86_PF_PROT | X86_PF_WRITE);
		this_cpu()->cr0_wp = false;
		assert_int_equal(mmk_write8(MMU_KERNEL_IDX, kva, 1), 0);
		this_cpu()->cr0_wp = true;
		pt_entry_write(p, e);
		flush_tlb_all();
		__free_page(pg);
	}
	/* copy_from_user: the fixup returns the bytes not copied, no oops. */
	before = oops_count();
	{
		char buf[16];
		assert_int_equal(copy_from_user(buf, 0x1000, sizeof(buf)), sizeof(buf));
	}
	assert_int_equal(oops_count(), before);
	machine_shutdown();
}

/* An 8-byte store across a page boundary into a missing page: the fault is
 * for the second page and the first page is untouched. */
static void test_cross_page(void **state)
{
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct mm;
		unsigned long va = test_user_va();
		struct page *a, *b;
		u64 v;

		boot_mode(modes[m], RAM, 1);
		test_mm_init(&mm);
		a = test_frame();
		b = test_frame();
		map4k(&mm, va, page_to_pfn(a), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		assert_int_equal(
			mmk_write64(MMU_USER_IDX, va + PAGE_SIZE - 4, 0x1122334455667788ULL),
			-EFAULT);
		assert_int_equal(mmu_last_fault()->sig_addr, va + PAGE_SIZE);
		assert_int_equal(*(u32 *)((u8 *)page_address(a) + PAGE_SIZE - 4), 0);
		map4k(&mm, va + PAGE_SIZE, page_to_pfn(b), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		assert_int_equal(
			mmk_write64(MMU_USER_IDX, va + PAGE_SIZE - 4, 0x1122334455667788ULL), 0);
		assert_int_equal(mmk_read64(MMU_USER_IDX, va + PAGE_SIZE - 4, &v), 0);
		assert_int_equal(v, 0x1122334455667788ULL);
		assert_int_equal(*(u32 *)page_address(b), 0x11223344);
		/* misaligned within a page */
		assert_int_equal(mmk_write16(MMU_USER_IDX, va + 7, 0xbeef), 0);
		assert_int_equal(mmk_read(MMU_USER_IDX, va + 7, 2, &v), 0);
		assert_int_equal(v, 0xbeef);
		__free_page(a);
		__free_page(b);
		test_mm_destroy(&mm);
		machine_shutdown();
	}
}

static void test_ranges(void **state)
{
	struct mm_struct mm;
	unsigned long va = test_user_va(), bad;
	struct page *p[3];
	char buf[3 * 4096];
	size_t done;
	u8 got;
	int i;

	boot_mode(3, RAM, 1);
	test_mm_init(&mm);
	for (i = 0; i < 3; i++) {
		p[i] = test_frame();
		map4k(&mm, va + i * PAGE_SIZE, page_to_pfn(p[i]),
		      _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	}
	assert_int_equal(mmk_memset(MMU_USER_IDX, va + 100, 0x5a, 2 * PAGE_SIZE, &done), 0);
	assert_int_equal(done, 2 * PAGE_SIZE);
	assert_int_equal(mmk_memchk(MMU_USER_IDX, va + 100, 0x5a, 2 * PAGE_SIZE, &bad, &got), 0);
	assert_int_equal(bad, -1UL);
	assert_int_equal(mmk_memchk(MMU_USER_IDX, va + 99, 0x5a, 10, &bad, &got), 0);
	assert_int_equal(bad, va + 99);
	assert_int_equal(got, 0);
	assert_int_equal(mmk_copy_from(MMU_USER_IDX, buf, va, sizeof(buf), &done), 0);
	assert_int_equal((u8)buf[100], 0x5a);
	assert_int_equal(mmk_copy_to(MMU_USER_IDX, va + 2 * PAGE_SIZE, buf, 2 * PAGE_SIZE, &done),
			 -EFAULT);
	assert_int_equal(done, PAGE_SIZE);
	for (i = 0; i < 3; i++)
		__free_page(p[i]);
	test_mm_destroy(&mm);
	machine_shutdown();
}

/* ---------------------------------------------------------- shootdown -- */

#define SD_CPUS 4
#define SD_ROUNDS 400
static struct mm_struct sd_mm;
static struct page *sd_frame[2];
static _Atomic unsigned long sd_committed;
static _Atomic int sd_stop, sd_errors;
static _Atomic long sd_reads;

static void sd_worker(void *unused)
{
	unsigned long va = test_user_va();

	switch_mm(this_cpu()->loaded_mm, &sd_mm);
	while (!atomic_load(&sd_stop)) {
		unsigned long c = atomic_load_explicit(&sd_committed, memory_order_acquire);
		u64 v;

		if (mmk_read64(MMU_USER_IDX, va, &v) || v < c)
			atomic_fetch_add(&sd_errors, 1);
		atomic_fetch_add_explicit(&sd_reads, 1, memory_order_relaxed);
		cpu_handle_ipis(); /* an interrupt window in the loop */
		sched_yield();	   /* 2 host cores: let the sender run */
	}
	switch_mm(&sd_mm, &init_mm);
}

/* A CPU looping on TLB hits, with no other interrupt point, still serves
 * IPIs of both kinds: the sender's trap table makes its next access miss. */
static _Atomic int hl_started, hl_served, hl_lowered;
static _Atomic long hl_loops;
static _Atomic unsigned long hl_misses;

static void hl_ipi(void *unused) { atomic_fetch_add(&hl_served, 1); }

static void hl_worker(void *arg)
{
	unsigned long kva = *(unsigned long *)arg, misses0;
	u64 v = 0;
	long loops = 0;

	mmk_read64(MMU_KERNEL_IDX, kva, &v); /* fill the entry */
	misses0 = this_cpu()->tlb.misses;
	atomic_store(&hl_started, 1);
	do {
		BUG_ON(mmk_read64(MMU_KERNEL_IDX, kva, &v));
		loops++;
	} while (!v);
	atomic_store(&hl_loops, loops);
	atomic_store(&hl_misses, this_cpu()->tlb.misses - misses0);
	atomic_store(&hl_lowered,
		     mmk_tlb_table[MMU_KERNEL_IDX] == this_cpu()->tlb.e[MMU_KERNEL_IDX] &&
			     mmk_tlb_table[MMU_USER_IDX] == this_cpu()->tlb.e[MMU_USER_IDX]);
}

static void test_hit_loop_serves_ipis(void **state)
{
	struct page *pg;
	unsigned long kva;

	boot_mode(4, RAM, 2);
	pg = test_frame();
	kva = PAGE_OFFSET + page_to_phys(pg);
	atomic_store(&hl_started, 0);
	atomic_store(&hl_served, 0);
	cpu_call_async(1, hl_worker, &kva);
	while (!atomic_load(&hl_started))
		sched_yield();
	smp_call_function_many(BIT(1), hl_ipi, NULL, true);   /* deferred kind */
	smp_call_function_many_irqsafe(BIT(1), hl_ipi, NULL); /* TLB-flush kind */
	assert_int_equal(atomic_load(&hl_served), 2);
	__atomic_store_n((u64 *)page_address(pg), 1, __ATOMIC_RELAXED);
	cpu_call_wait(1);
	assert_true(atomic_load(&hl_loops) > 0);
	assert_true(atomic_load(&hl_misses) == 0); /* trap hits are not TLB misses */
	assert_true(atomic_load(&hl_lowered));
	__free_page(pg);
	machine_shutdown();
}

static void test_shootdown(void **state)
{
	unsigned long va = test_user_va();
	ptep_t p;
	u64 bitmap;
	int n;

	boot_mode(4, RAM, SD_CPUS);
	test_mm_init(&sd_mm);
	sd_frame[0] = test_frame();
	sd_frame[1] = test_frame();
	atomic_store(&sd_committed, 0);
	atomic_store(&sd_stop, 0);
	atomic_store(&sd_errors, 0);
	p = map4k(&sd_mm, va, page_to_pfn(sd_frame[0]), _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	for (n = 1; n < SD_CPUS; n++)
		cpu_call_async(n, sd_worker, NULL);
	while (__atomic_load_n(&sd_mm.cpu_bitmap, __ATOMIC_SEQ_CST) != BIT(SD_CPUS) - 1)
		cpu_handle_ipis();
	for (unsigned long g = 1; g <= SD_ROUNDS; g++) {
		struct page *f = sd_frame[g & 1];

		__atomic_store_n((u64 *)page_address(f), g, __ATOMIC_RELAXED);
		set_pte(p, pfn_pte(page_to_pfn(f), PAGE_SHARED));
		flush_tlb_mm_range(&sd_mm, va, va + PAGE_SIZE, PAGE_SHIFT, false);
		atomic_store_explicit(&sd_committed, g, memory_order_release);
	}
	atomic_store(&sd_stop, 1);
	for (n = 1; n < SD_CPUS; n++)
		cpu_call_wait(n);
	bitmap = __atomic_load_n(&sd_mm.cpu_bitmap, __ATOMIC_SEQ_CST);
	assert_int_equal(bitmap, 1);
	assert_int_equal(atomic_load(&sd_errors), 0);
	assert_true(atomic_load(&sd_reads) > 0);
	assert_true(sum_vm_event(NR_TLB_REMOTE_FLUSH) >= SD_ROUNDS);
	assert_true(sum_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED) > 0);
	pte_clear(&sd_mm, va, p);
	__free_page(sd_frame[0]);
	__free_page(sd_frame[1]);
	test_mm_destroy(&sd_mm);
	machine_shutdown();
}

/* flush_tlb_all / flush_tlb_kernel_range reach every CPU's kernel entries. */
static int stale_seen;
static void read_kva(void *arg)
{
	u64 v;

	if (!mmk_read64(MMU_KERNEL_IDX, (unsigned long)arg, &v) && v == 0x77)
		stale_seen++;
}

static void test_kernel_range_flush(void **state)
{
	struct page *a, *b;
	unsigned long va = 0;
	int n;

	boot_mode(4, RAM, 3);
	a = test_frame();
	b = test_frame();
	*(u64 *)page_address(a) = 0x77;
	*(u64 *)page_address(b) = 0x88;
	va = VMALLOC_START + 0x10000;
	assert_int_equal(set_pte_vaddr(va, pfn_pte(page_to_pfn(a), PAGE_KERNEL)), 0);
	for (n = 0; n < 3; n++)
		cpu_call(n, read_kva, (void *)va);
	assert_int_equal(stale_seen, 3);
	/* change the PTE: without a flush every CPU still sees a */
	set_pte(lookup_address(va, &n), pfn_pte(page_to_pfn(b), PAGE_KERNEL));
	stale_seen = 0;
	for (n = 1; n < 3; n++)
		cpu_call(n, read_kva, (void *)va);
	assert_int_equal(stale_seen, 2);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	stale_seen = 0;
	for (n = 0; n < 3; n++)
		cpu_call(n, read_kva, (void *)va);
	assert_int_equal(stale_seen, 0);
	pte_clear(&init_mm, va, lookup_address(va, &n));
	flush_tlb_all();
	__free_page(a);
	__free_page(b);
	machine_shutdown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_rights_matrix),  cmocka_unit_test(test_not_present),
	cmocka_unit_test(test_accessed_dirty), cmocka_unit_test(test_large_pages),
	cmocka_unit_test(test_reserved_bits),  cmocka_unit_test(test_canonical),
	cmocka_unit_test(test_stale_tlb),      cmocka_unit_test(test_fault_handler),
	cmocka_unit_test(test_kernel_oops),    cmocka_unit_test(test_cross_page),
	cmocka_unit_test(test_ranges),	       cmocka_unit_test(test_hit_loop_serves_ipis),
	cmocka_unit_test(test_shootdown),      cmocka_unit_test(test_kernel_range_flush),
};

MMK_TEST_MAIN(tests, NULL, NULL);
