/*
 * test_ucpu.c - the Unicorn CPU (arch/x86/unicorn_cpu.c) re-checks the facts
 * issue 21 found by trying Unicorn 2.1, on mmkit's own page tables:
 *
 *   test_boot_calibrated   the engine boots to CPL 3 through the iretq stub;
 *                          the #PF error code and old_exception offsets were
 *                          found (the 2nd fault without a reset is a #DF)
 *   test_faults_nested     write, read and write faults on three pages in a
 *                          row, each arriving as a #PF through
 *                          do_user_addr_fault (min_flt 3), none as a #DF
 *   test_translation       the data lands in the frame the PTE names (not
 *                          physical = virtual, as in Unicorn 2.0.1)
 *   test_syscall_regs      the syscall vector sees RIP past `syscall`, and
 *                          RCX/R11 come back as sysret leaves them
 *   test_stale_tlb         a PTE switched to another frame without a flush
 *                          is not seen; flush_tlb_mm makes it seen
 *   test_code_cache        code the host rewrites in a frame is not seen
 *                          until ucpu_remove_code for that range
 *   test_invalid_insn      ud2 and an invalid opcode end in SIGILL; a read of
 *                          an unmapped address in SIGSEGV SEGV_MAPERR
 * Skipped (passing) when mmkit was built without Unicorn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"
#include "mmkit/ucpu.h"
#include "task_helpers.h"

#define CODE 0x10000000UL
#define DATA 0x20000000UL

static struct task_struct *task;
static int sc_count;
static struct ucpu_regs sc_regs;

static int sc_vector(struct ucpu_regs *r)
{
	sc_count++;
	sc_regs = *r;
	r->gpr[UR_RAX] = 0x42;
	return UCPU_SC_STOP;
}

static int setup(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	if (!ucpu_supported())
		return 0;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	task = spawn("U");
	context_switch(task);
	assert_int_equal(ucpu_cpu_init(), 0);
	set_syscall_vector(sc_vector);
	assert_true(sys_mmap(CODE, 4 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE | MMK_PROT_EXEC,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0) == CODE);
	assert_true(sys_mmap(DATA, 8 * PAGE_SIZE, MMK_PROT_READ | MMK_PROT_WRITE,
			     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0) == DATA);
	return 0;
}

static int teardown(void **state)
{
	if (!ucpu_supported())
		return 0;
	set_syscall_vector(NULL);
	task_exit(task);
	machine_shutdown();
	return 0;
}

/* Run code (copied to CODE + off) with the given registers until it stops. */
/* The frame va's PTE names. */
static unsigned long va_pfn(unsigned long va)
{
	ptep_t ptep = pte_alloc_walk(task->mm, va);

	assert_non_null(ptep);
	assert_true(pte_present(ptep_get(ptep)));
	return pte_pfn(ptep_get(ptep));
}

static enum ucpu_exit run_code(unsigned long off, const void *code, size_t n, struct ucpu_regs *r,
			       struct ucpu_signal *sig)
{
	struct ucpu_ctx *ctx;
	enum ucpu_exit why;

	if (code)
		assert_int_equal(copy_to_user(CODE + off, code, n), 0);
	r->rip = CODE + off;
	r->rflags = 0x202;
	ctx = ucpu_ctx_new(r);
	assert_non_null(ctx);
	why = ucpu_run(ctx, 0, sig);
	ucpu_ctx_get_regs(ctx, r);
	ucpu_ctx_free(ctx);
	return why;
}

static void test_boot_calibrated(void **state)
{
	struct ucpu_facts f;

	if (!ucpu_supported())
		skip();
	ucpu_get_facts(&f);
	assert_true(f.error_code_off > 0);
	assert_true(f.old_exception_off > f.error_code_off);
	assert_true(f.context_size > f.old_exception_off);
}

static void test_faults_nested(void **state)
{
	/* mov %rbx,(%rax); mov (%rcx),%rbx; mov %rbx,(%rdx); mov $60,%eax; syscall */
	static const u8 code[] = { 0x48, 0x89, 0x18, 0x48, 0x8b, 0x19, 0x48, 0x89,
				   0x1a, 0xb8, 0x3c, 0,	   0,	 0,    0x0f, 0x05 };
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;
	unsigned long before;
	u64 v = 0;

	if (!ucpu_supported())
		skip();
	assert_int_equal(copy_to_user(CODE + 0x100, code, sizeof(code)), 0);
	r.gpr[UR_RAX] = DATA;
	r.gpr[UR_RCX] = DATA + PAGE_SIZE;
	r.gpr[UR_RDX] = DATA + 2 * PAGE_SIZE;
	r.gpr[UR_RBX] = 0x1122334455667788ULL;
	before = task->min_flt;
	sc_count = 0;
	assert_int_equal(run_code(0x100, NULL, 0, &r, &sig), UCPU_STOPPED);
	assert_int_equal(sig.sig, 0);
	assert_int_equal(sc_count, 1);
	assert_int_equal(sc_regs.gpr[UR_RAX], 60);
	/* write, read, write: three faults in a row, none a double fault */
	assert_int_equal(task->min_flt - before, 3);
	assert_int_equal(copy_from_user(&v, DATA, 8), 0);
	assert_true(v == 0x1122334455667788ULL);
	assert_int_equal(copy_from_user(&v, DATA + 2 * PAGE_SIZE, 8), 0);
	assert_true(v == 0); /* rbx as the read from the zero page left it */
}

static void test_translation(void **state)
{
	static const u8 code[] = { 0x48, 0x89, 0x18, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;
	unsigned long pfn;
	u64 v;

	if (!ucpu_supported())
		skip();
	r.gpr[UR_RAX] = DATA + 3 * PAGE_SIZE + 8;
	r.gpr[UR_RBX] = 0xfeedfacecafebeefULL;
	assert_int_equal(run_code(0x200, code, sizeof(code), &r, &sig), UCPU_STOPPED);
	pfn = va_pfn(DATA + 3 * PAGE_SIZE);
	assert_true(pfn != (DATA + 3 * PAGE_SIZE) >> PAGE_SHIFT);
	memcpy(&v, mmk->ram + pfn * PAGE_SIZE + 8, 8);
	assert_true(v == 0xfeedfacecafebeefULL);
}

static void test_syscall_regs(void **state)
{
	/* mov $39,%eax; syscall; mov %rcx,%rbx; mov $60,%eax; syscall */
	static const u8 code[] = { 0xb8, 0x27, 0,    0, 0, 0x0f, 0x05, 0x48, 0x89,
				   0xcb, 0xb8, 0x3c, 0, 0, 0,	 0x0f, 0x05 };
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;
	struct ucpu_ctx *ctx;

	if (!ucpu_supported())
		skip();
	assert_int_equal(copy_to_user(CODE + 0x300, code, sizeof(code)), 0);
	r.rip = CODE + 0x300;
	r.rflags = 0x202;
	ctx = ucpu_ctx_new(&r);
	sc_count = 0;
	assert_int_equal(ucpu_run(ctx, 0, &sig), UCPU_STOPPED);
	assert_int_equal(sc_regs.gpr[UR_RAX], 39);
	assert_true(sc_regs.rip == CODE + 0x300 + 7); /* past the syscall */
	ucpu_ctx_get_regs(ctx, &r);
	assert_true(r.rip == CODE + 0x300 + 7);
	assert_int_equal(r.gpr[UR_RAX], 0x42);
	assert_true(r.gpr[UR_RCX] == CODE + 0x300 + 7); /* sysret's RCX */
	assert_int_equal(ucpu_run(ctx, 0, &sig), UCPU_STOPPED);
	ucpu_ctx_get_regs(ctx, &r);
	assert_true(r.gpr[UR_RBX] == CODE + 0x300 + 7);
	assert_int_equal(sc_count, 2);
	ucpu_ctx_free(ctx);
}

/* Point the PTE of va at pfn without any flush (a stale-TLB experiment). */
static void pte_set_pfn(unsigned long va, unsigned long pfn)
{
	ptep_t ptep = pte_alloc_walk(task->mm, va);
	pte_t pte;

	assert_non_null(ptep);
	pte = ptep_get(ptep);
	set_pte(ptep, __pte((pte_val(pte) & ~PTE_PFN_MASK) | ((u64)pfn << PAGE_SHIFT)));
}

static void test_stale_tlb(void **state)
{
	/* mov (%rax),%rbx; mov $60,%eax; syscall */
	static const u8 code[] = { 0x48, 0x8b, 0x18, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
	unsigned long a = DATA + 4 * PAGE_SIZE, b = DATA + 5 * PAGE_SIZE;
	u64 one = 1, two = 2;
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;
	unsigned long pa, pb;
	struct ucpu_ctx *ctx;

	if (!ucpu_supported())
		skip();
	assert_int_equal(copy_to_user(a, &one, 8), 0);
	assert_int_equal(copy_to_user(b, &two, 8), 0);
	assert_int_equal(copy_to_user(CODE + 0x400, code, sizeof(code)), 0);
	pa = va_pfn(a);
	pb = va_pfn(b);
	r.gpr[UR_RAX] = a;
	r.rip = CODE + 0x400;
	ctx = ucpu_ctx_new(&r);
	assert_int_equal(ucpu_run(ctx, 0, &sig), UCPU_STOPPED);
	ucpu_ctx_get_regs(ctx, &r);
	assert_int_equal(r.gpr[UR_RBX], 1);
	/* a's PTE now names b's frame, with no flush: the engine's TLB keeps a */
	pte_set_pfn(a, pb);
	r.rip = CODE + 0x400;
	r.gpr[UR_RAX] = a;
	ucpu_ctx_set_regs(ctx, &r);
	assert_int_equal(ucpu_run(ctx, 0, &sig), UCPU_STOPPED);
	ucpu_ctx_get_regs(ctx, &r);
	assert_int_equal(r.gpr[UR_RBX], 1);
	flush_tlb_mm(task->mm);
	r.rip = CODE + 0x400;
	r.gpr[UR_RAX] = a;
	ucpu_ctx_set_regs(ctx, &r);
	assert_int_equal(ucpu_run(ctx, 0, &sig), UCPU_STOPPED);
	ucpu_ctx_get_regs(ctx, &r);
	assert_int_equal(r.gpr[UR_RBX], 2);
	pte_set_pfn(a, pa);
	flush_tlb_mm(task->mm);
	ucpu_ctx_free(ctx);
}

static void test_code_cache(void **state)
{
	/* mov $1,%ebx; mov $60,%eax; syscall */
	u8 code[] = { 0xbb, 1, 0, 0, 0, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;

	if (!ucpu_supported())
		skip();
	run_code(0x500, code, sizeof(code), &r, &sig);
	assert_int_equal(r.gpr[UR_RBX], 1);
	code[1] = 2; /* the host rewrites the immediate */
	memset(&r, 0, sizeof(r));
	run_code(0x500, code, sizeof(code), &r, &sig);
	assert_int_equal(r.gpr[UR_RBX], 1); /* the old translation runs */
	ucpu_remove_code(CODE + 0x500, CODE + 0x500 + sizeof(code));
	memset(&r, 0, sizeof(r));
	run_code(0x500, NULL, 0, &r, &sig);
	assert_int_equal(r.gpr[UR_RBX], 2);
}

static void test_invalid_insn(void **state)
{
	static const u8 ud2[] = { 0x0f, 0x0b };
	static const u8 bad[] = { 0x0f, 0xff };
	static const u8 rd[] = { 0x48, 0x8b, 0x18 }; /* mov (%rax),%rbx */
	struct ucpu_regs r = { 0 };
	struct ucpu_signal sig;

	if (!ucpu_supported())
		skip();
	assert_int_equal(run_code(0x600, ud2, sizeof(ud2), &r, &sig), UCPU_SIGNAL);
	assert_int_equal(sig.sig, SIGILL);
	memset(&r, 0, sizeof(r));
	assert_int_equal(run_code(0x610, bad, sizeof(bad), &r, &sig), UCPU_SIGNAL);
	assert_int_equal(sig.sig, SIGILL);
	memset(&r, 0, sizeof(r));
	r.gpr[UR_RAX] = 0x7000000UL; /* no VMA */
	assert_int_equal(run_code(0x620, rd, sizeof(rd), &r, &sig), UCPU_SIGNAL);
	assert_int_equal(sig.sig, SIGSEGV);
	assert_int_equal(sig.si_code, SEGV_MAPERR);
	assert_true(sig.addr == 0x7000000UL);
	assert_int_equal(sig.trapno, 14);
	assert_int_equal(sig.error_code, 4); /* user read, not present */
	assert_true(r.rip == CODE + 0x620);  /* at the faulting instruction */
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_boot_calibrated), cmocka_unit_test(test_faults_nested),
	cmocka_unit_test(test_translation),	cmocka_unit_test(test_syscall_regs),
	cmocka_unit_test(test_stale_tlb),	cmocka_unit_test(test_code_cache),
	cmocka_unit_test(test_invalid_insn),
};
MMK_TEST_MAIN(tests, setup, teardown);
