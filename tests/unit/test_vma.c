/*
 * test_vma.c - VMA merge/split cases drawn as address-space pictures, in the
 * style of Linux tools/testing/vma/vma.c.
 *
 * A picture is one character per page from BASE: '.' is a hole, a letter a
 * VMA; a run of the same letter is one VMA, a change of letter is a VMA
 * boundary.  setup() maps each run with the protection its letter implies
 * (lower case rw-, upper case r--, 'x' r-x); expect() renders the current
 * layout and compares boundaries and holes with the picture (letters are
 * renamed in order, so "aab" and "xxy" draw the same shape).
 *
 * Linux's vma_merge() cases (the comment of mm/mmap.c before 6.9):
 *   1 new range joins prev and next     test_new_merges_both
 *   2 new range joins prev              test_new_merges_prev
 *   3 new range joins next              test_new_merges_next
 *   4 head of a VMA joins prev          test_modify_left_part_merges_prev
 *   5 tail of a VMA joins next          test_modify_right_part_merges_next
 *   6 whole VMA joins prev and next     test_modify_whole_merges_both
 *   7 whole VMA joins prev only         test_modify_whole_merges_prev_only
 *   8 whole VMA joins next only         test_modify_whole_merges_next_only
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/fault_inject.h"
#include "mmkit/mm_vma.h"
#include "mmkit/sched.h"

#define BASE 0x200000000UL
#define PG(n) (BASE + (unsigned long)(n)*PAGE_SIZE)
#define RW (MMK_PROT_READ | MMK_PROT_WRITE)
#define ANON_FIXED (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED)

static struct task_struct *task;

static int boot(void **state)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;
	struct mm_struct *mm;

	assert_int_equal(machine_boot(&cfg, &why), 0);
	mm = mm_alloc();
	assert_non_null(mm);
	task = task_create("test", mm);
	assert_non_null(task);
	arch_pick_mmap_layout(mm, 8UL << 20);
	context_switch(task);
	return 0;
}

static int shutdown(void **state)
{
	assert_int_equal(validate_mm(task->mm, stderr, "test"), 0);
	task_exit(task);
	sysctl_max_map_count = DEFAULT_MAX_MAP_COUNT;
	fault_inject_clear_all();
	machine_shutdown();
	return 0;
}

static unsigned long prot_of(char ch)
{
	if (ch == 'x')
		return MMK_PROT_READ | MMK_PROT_EXEC;
	return (ch >= 'A' && ch <= 'Z') ? MMK_PROT_READ : RW;
}

/* Map every run of the picture (as separate mmaps, so equal neighbours merge). */
static void setup(const char *pic)
{
	size_t i = 0, n = strlen(pic);

	while (i < n) {
		size_t j = i;

		while (j < n && pic[j] == pic[i])
			j++;
		if (pic[i] != '.')
			assert_int_equal(sys_mmap(PG(i), (j - i) * PAGE_SIZE, prot_of(pic[i]),
						  ANON_FIXED, -1, 0),
					 PG(i));
		i = j;
	}
}

/* Render the layout from BASE over n pages as a picture. */
static void render(char *out, size_t n)
{
	struct vm_area_struct *v;
	char letter = 'a' - 1;
	size_t i;

	memset(out, '.', n);
	out[n] = 0;
	for_each_vma(task->mm, v) {
		if (v->vm_end <= BASE || v->vm_start >= PG(n))
			continue;
		letter++;
		for (i = 0; i < n; i++)
			if (PG(i) >= v->vm_start && PG(i) < v->vm_end)
				out[i] = letter;
	}
}

static void normalize(const char *in, char *out)
{
	char map[256] = { 0 }, next = 'a';
	size_t i;

	for (i = 0; in[i]; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '.') {
			out[i] = '.';
			continue;
		}
		if (i == 0 || in[i - 1] != in[i] || !map[ch])
			map[ch] = (i && in[i - 1] == in[i]) ? map[ch] : next++;
		out[i] = map[ch];
	}
	out[i] = 0;
}

static void expect(const char *pic)
{
	char have[128], want[128];

	render(have, strlen(pic));
	normalize(pic, want);
	if (strcmp(have, want))
		fail_msg("layout\n  have %s\n  want %s", have, want);
	assert_int_equal(validate_mm(task->mm, stderr, "test"), 0);
}

/* The VMA at page, mmap_lock held by the caller (vma_lookup asserts it). */
static struct vm_area_struct *vma_at_locked(unsigned long page)
{
	return vma_lookup(task->mm, PG(page));
}

static struct vm_area_struct *vma_at(unsigned long page)
{
	struct vm_area_struct *v;

	mmap_read_lock(task->mm);
	v = vma_lookup(task->mm, PG(page));
	mmap_read_unlock(task->mm);
	return v;
}

/* ---- new ranges (vma_merge_new_range) ---- */

static void test_new_merges_prev(void **state)
{
	setup("aa....");
	assert_int_equal(sys_mmap(PG(2), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(2));
	/*  aa..  +  ..bb  =  aaaa  */
	expect("aaaa..");
}

static void test_new_merges_next(void **state)
{
	setup("..bb..");
	assert_int_equal(sys_mmap(PG(0), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(0));
	/*  ..bb  +  aa..  =  bbbb  */
	expect("bbbb..");
}

static void test_new_merges_both(void **state)
{
	setup("aa..cc");
	assert_int_equal(sys_mmap(PG(2), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(2));
	/*  aa..cc  +  ..bb..  =  aaaaaa  */
	expect("aaaaaa");
	assert_int_equal(task->mm->map_count, 1);
}

static void test_new_no_merge_flags(void **state)
{
	setup("AA..CC");
	assert_int_equal(sys_mmap(PG(2), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(2));
	/*  AA..CC  +  ..bb..  =  AAbbCC  (r-- vs rw-) */
	expect("AAbbCC");
}

static void test_new_fixed_over_middle_remerges(void **state)
{
	setup("aaaaaa");
	assert_int_equal(sys_mmap(PG(2), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(2));
	/*  aaaaaa, MAP_FIXED over ..bb.. splits and merges back: aaaaaa */
	expect("aaaaaa");
}

/* ---- existing ranges (vma_modify_flags via mprotect) ---- */

static void test_modify_middle_splits(void **state)
{
	setup("aaaaaa");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  aaaaaa  ->  aaBBcc  */
	expect("aaBBcc");
	assert_int_equal(task->mm->map_count, 3);
}

static void test_modify_left_part_merges_prev(void **state)
{
	setup("AAbbbb");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  AA|bbbb  ->  AAAA|bb  (prev extends, middle shrinks) */
	expect("AAAAbb");
}

static void test_modify_right_part_merges_next(void **state)
{
	setup("aaaaCC");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  aaaa|CC  ->  aa|CCCC  (next extends down) */
	expect("aaCCCC");
}

static void test_modify_whole_merges_both(void **state)
{
	setup("AAbbCC");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  AA|bb|CC  ->  AAAAAA  (middle and next removed) */
	expect("AAAAAA");
	assert_int_equal(task->mm->map_count, 1);
}

/* Linux's vma_merge case 7: the whole middle matches prev, next differs. */
static void test_modify_whole_merges_prev_only(void **state)
{
	setup("AAbbxx");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  AA|bb|xx  ->  AAAA|xx  (middle removed, next kept) */
	expect("AAAAxx");
	assert_int_equal(task->mm->map_count, 2);
}

/* Linux's vma_merge case 8: the whole middle matches next, prev differs. */
static void test_modify_whole_merges_next_only(void **state)
{
	setup("xxbbCC");
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  xx|bb|CC  ->  xx|CCCC  (middle removed, next extended down) */
	expect("xxCCCC");
	assert_int_equal(vma_at(2)->vm_pgoff, PG(2) >> PAGE_SHIFT);
}

static void test_modify_same_flags_no_merge(void **state)
{
	setup("AAbb");
	assert_int_equal(sys_mprotect(PG(0), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/* newflags == oldflags: nothing happens, even next to a mergeable VMA */
	expect("AAbb");
}

/* Different anon_vmas on both sides: the middle merges with prev only. */
static void test_modify_incompatible_anon_vmas(void **state)
{
	setup("AAbbCC");
	mmap_write_lock(task->mm);
	assert_int_equal(__anon_vma_prepare(vma_at_locked(0)), 0);
	assert_int_equal(__anon_vma_prepare(vma_at_locked(4)), 0);
	mmap_write_unlock(task->mm);
	assert_ptr_not_equal(vma_at(0)->anon_vma, vma_at(4)->anon_vma);
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  AA|bb|CC with av1 / - / av2  ->  AAAA|CC */
	expect("AAAACC");
	assert_ptr_equal(vma_at(2)->anon_vma, vma_at(0)->anon_vma);
}

/* A fork child's anon_vma (chain not singular) does not take a neighbour. */
static void test_fork_child_does_not_merge(void **state)
{
	struct vm_area_struct *child;

	setup("AAbb");
	mmap_write_lock(task->mm);
	assert_int_equal(__anon_vma_prepare(vma_at_locked(2)), 0);
	child = vm_area_dup(vma_at_locked(2));
	assert_non_null(child);
	assert_int_equal(anon_vma_fork(child, vma_at_locked(2)), 0);
	assert_false(list_is_singular(&child->anon_vma_chain));
	/* swap the parent VMA for the "fork child" one */
	vma_unlink_free(task->mm, vma_at_locked(2));
	assert_int_equal(vma_link(task->mm, child), 0);
	mmap_write_unlock(task->mm);
	assert_int_equal(sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ), 0);
	/*  AA|bb(child)  ->  AA|BB  : the child keeps its own VMA */
	expect("AABB");
}

static void test_special_never_merges(void **state)
{
	setup("aa..");
	mmap_write_lock(task->mm);
	vma_at_locked(0)->vm_flags |= VM_DONTEXPAND;
	mmap_write_unlock(task->mm);
	assert_int_equal(sys_mmap(PG(2), 2 * PAGE_SIZE, RW, ANON_FIXED, -1, 0), PG(2));
	/*  aa(special)  +  ..bb  =  aabb */
	expect("aabb");
}

/* ---- munmap, max_map_count, failures ---- */

static void test_munmap_splits_both_ends(void **state)
{
	setup("aaaaaaaa");
	assert_int_equal(sys_munmap(PG(2), 4 * PAGE_SIZE), 0);
	expect("aa....bb");
	assert_int_equal(sys_munmap(PG(0), 8 * PAGE_SIZE), 0);
	expect("........");
	assert_int_equal(sys_munmap(PG(0), 8 * PAGE_SIZE), 0); /* a hole is fine */
}

static void test_max_map_count(void **state)
{
	setup("aaaaaa");
	sysctl_max_map_count = 1;
	/* splitting one VMA into three needs room: ENOMEM, nothing changed */
	assert_int_equal(sys_mprotect(PG(2), PAGE_SIZE, MMK_PROT_READ), -ENOMEM);
	expect("aaaaaa");
	assert_int_equal(sys_munmap(PG(2), PAGE_SIZE), -ENOMEM);
	expect("aaaaaa");
	/* cutting off an end does not split one into three */
	assert_int_equal(sys_munmap(PG(5), PAGE_SIZE), 0);
	expect("aaaaa.");
	/* madvise reports the failed split as EAGAIN */
	assert_int_equal(sys_madvise(PG(2), PAGE_SIZE, MMK_MADV_DONTFORK), -EAGAIN);
}

static void test_split_alloc_failure_changes_nothing(void **state)
{
	int nth;

	for (nth = 1; nth <= 6; nth++) {
		setup("aaaaaa");
		assert_int_equal(fault_inject_set("any", nth, false, 0), 0);
		int err = sys_mprotect(PG(2), 2 * PAGE_SIZE, MMK_PROT_READ);
		fault_inject_clear_all();
		if (err) {
			assert_int_equal(err, -ENOMEM);
			/* the first split may have happened (Linux keeps it), the change not */
			assert_int_equal(vma_at(2)->vm_flags & VM_WRITE, VM_WRITE);
		} else {
			expect("aaBBcc");
		}
		assert_int_equal(validate_mm(task->mm, stderr, "test"), 0);
		assert_int_equal(sys_munmap(PG(0), 6 * PAGE_SIZE), 0);
	}
}

/* ---- the tree and its gap augmentation against brute force ---- */

static unsigned long brute_highest(struct mm_struct *mm, unsigned long low, unsigned long high,
				   unsigned long len)
{
	struct vm_area_struct *v;
	unsigned long best = 0, prev_end = 0, s, e;

	for (v = mm->mm_mt.first;; v = v->vm_next) {
		unsigned long gs = prev_end, ge = v ? v->vm_start : ~0UL;

		s = max(gs, low);
		e = min(ge, high);
		if (e > s && e - s >= len)
			best = e;
		if (!v)
			break;
		prev_end = v->vm_end;
	}
	return best;
}

static void test_gap_search_random(void **state)
{
	struct mm_struct *mm = task->mm;
	u64 seed = 12345;
	int i;

	for (i = 0; i < 3000; i++) {
		unsigned long page, n, s, e, low, high, len;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		page = (seed >> 33) % 4096;
		n = 1 + (seed >> 20) % 8;
		if ((seed >> 10) & 3)
			sys_mmap(PG(page), n * PAGE_SIZE, prot_of((seed >> 40) & 1 ? 'a' : 'A'),
				 ANON_FIXED, -1, 0);
		else
			sys_munmap(PG(page), n * PAGE_SIZE);
		low = PG((seed >> 13) % 4096);
		high = low + PAGE_SIZE * (1 + (seed >> 27) % 4096);
		len = PAGE_SIZE * (1 + (seed >> 45) % 16);
		mmap_read_lock(mm);
		if (vt_gap_highest(&mm->mm_mt, low, high, len, &s, &e))
			e = 0;
		assert_int_equal(e, brute_highest(mm, low, high, len));
		mmap_read_unlock(mm);
		if (i % 100 == 0)
			assert_int_equal(validate_mm(mm, stderr, "random"), 0);
	}
}

/* ---- mm references and stack growth ---- */

static void test_mm_refcounts(void **state)
{
	struct mm_struct *mm = task->mm;
	struct task_struct *thr, *kt;
	int base;

	/* the users hold one mm_count together; the CPU that has the mm
	 * loaded holds another (kernel/task.c cpu_load_mm) */
	assert_int_equal(atomic_load(&mm->mm_users), 1);
	base = atomic_load(&mm->mm_count);
	assert_true(base >= 1);
	thr = task_create_thread(task, "thr");
	assert_non_null(thr);
	assert_ptr_equal(thr->mm, mm);
	assert_int_equal(atomic_load(&mm->mm_users), 2);
	assert_int_equal(atomic_load(&mm->mm_count), base);
	assert_int_equal(task_thread_count(task), 2);
	/* a kernel thread scheduled after the task borrows its mm (mmgrab) */
	kt = kthread_create_task("kt");
	assert_non_null(kt);
	context_switch(kt);
	assert_null(kt->mm);
	assert_ptr_equal(kt->active_mm, mm);
	assert_int_equal(atomic_load(&mm->mm_count), base + 1);
	context_switch(task); /* the borrowed reference goes */
	assert_int_equal(atomic_load(&mm->mm_count), base);
	task_exit(thr);
	assert_int_equal(atomic_load(&mm->mm_users), 1);
	task_exit(kt);
	assert_int_equal(atomic_load(&mm->mm_count), base);
	/* every live mm is on init_mm.mmlist */
	assert_false(list_empty(&init_mm.mmlist));
	assert_ptr_equal(list_first_entry(&init_mm.mmlist, struct mm_struct, mmlist), mm);
}

static void test_expand_downwards(void **state)
{
	struct mm_struct *mm = task->mm;
	struct vm_area_struct *st;

	/* a 1-page growable stack at page 600, a neighbour at pages 0..1 */
	assert_int_equal(sys_mmap(PG(600), PAGE_SIZE, RW, ANON_FIXED | MMK_MAP_GROWSDOWN, -1, 0),
			 PG(600));
	setup("aa");
	mmap_write_lock(mm);
	st = vma_lookup(mm, PG(600));
	assert_int_equal(expand_downwards(st, PG(590) + 5), 0);
	assert_int_equal(st->vm_start, PG(590));
	assert_int_equal(mm->stack_vm, 11);
	/* within stack_guard_gap (256 pages) of an accessible neighbour: ENOMEM */
	assert_int_equal(expand_downwards(st, PG(200)), -ENOMEM);
	assert_int_equal(st->vm_start, PG(590));
	/* RLIMIT_STACK caps the size */
	task->signal->rlim[RLIMIT_STACK].rlim_cur = 20 * PAGE_SIZE;
	assert_int_equal(expand_downwards(st, PG(560)), -ENOMEM);
	assert_int_equal(expand_downwards(st, PG(581)), 0);
	assert_non_null(st->anon_vma); /* growth prepares the anon_vma */
	mmap_write_unlock(mm);
	assert_int_equal(validate_mm(mm, stderr, "stack"), 0);
	task->signal->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
}

static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)
	T(test_new_merges_prev),
	T(test_new_merges_next),
	T(test_new_merges_both),
	T(test_new_no_merge_flags),
	T(test_new_fixed_over_middle_remerges),
	T(test_modify_middle_splits),
	T(test_modify_left_part_merges_prev),
	T(test_modify_right_part_merges_next),
	T(test_modify_whole_merges_both),
	T(test_modify_whole_merges_prev_only),
	T(test_modify_whole_merges_next_only),
	T(test_modify_same_flags_no_merge),
	T(test_modify_incompatible_anon_vmas),
	T(test_fork_child_does_not_merge),
	T(test_special_never_merges),
	T(test_munmap_splits_both_ends),
	T(test_max_map_count),
	T(test_split_alloc_failure_changes_nothing),
	T(test_gap_search_random),
	T(test_mm_refcounts),
	T(test_expand_downwards),
};

MMK_TEST_MAIN(tests, NULL, NULL);
