/* test_slab_debug.c - slab_debug=FZPU catches planted bugs and reports each
 * one in the kernel's words (Linux 6.18's formats), fixes up, and the
 * machine goes on (verify passes, allocation works).  One test per bug kind:
 *   right, left and kmalloc red zones; alignment, object and slab padding;
 *   poison and end poison (write after free); double free (on the freelist,
 *   and of the last object of an emptied slab); invalid pointer; wrong
 *   cache; not a slab page (kfree and kmem_cache_free); corrupt free
 *   pointer; freelist cycle; wrong object count; objects left at destroy;
 *   the naive double-free check and the free-pointer range check of caches
 *   without debugging.
 * Plus owner tracking across CPUs, the T flag, and switching flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "test_main.h"
#include "mmkit/machine.h"
#include "mmkit/mm.h"
#include "mmkit/slab.h"
#include "mmkit/sched.h"
#include "mmkit/debug.h"
#include "mm/slab.h"

static void boot_debug(const char *slab_debug)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;

	cfg.cpus = 2;
	assert_int_equal(slab_debug_setup(slab_debug), 0);
	assert_int_equal(machine_boot(&cfg, NULL), 0);
	mmk->log = NULL;
	dmesg_clear();
}

static int down(void **state)
{
	machine_shutdown();
	slab_debug_setup("-");
	return 0;
}

/* Every needle must be in the kernel log (printed in full if one is not). */
static void expect_log(const char *first, ...)
{
	char *log = dmesg_copy();
	const char *needle;
	va_list ap;

	va_start(ap, first);
	for (needle = first; needle; needle = va_arg(ap, const char *)) {
		if (!strstr(log, needle)) {
			fprintf(stderr, "---- dmesg ----\n%s---- missing: \"%s\"\n", log, needle);
			fail_msg("kernel log lacks \"%s\"", needle);
		}
	}
	va_end(ap);
	free(log);
	dmesg_clear();
}

static void assert_clean(void)
{
	void *p;

	if (verify_all(NULL)) {
		verify_all(stderr);
		fail_msg("verify found violations after the fix-up");
	}
	p = kmalloc(64, GFP_KERNEL); /* the machine goes on */
	assert_non_null(p);
	kfree(p);
}

static struct kmem_cache *debug_cache(const char *name, unsigned int size)
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, DEBUG_DEFAULT_FLAGS, NULL);

	assert_non_null(s);
	return s;
}

/* 1: a write just past the object */
static void test_right_redzone(void **state)
{
	u8 *p;

	boot_debug("FZPU");
	p = kmalloc(64, GFP_KERNEL);
	assert_int_equal(p[64], SLUB_RED_ACTIVE);
	p[64] = 0x41;
	kfree(p);
	expect_log("[Right Redzone overwritten] 0xffff", "First byte 0x41 instead of 0xcc",
		   "BUG kmalloc-64 (Not tainted): Object corrupt",
		   "Allocated in test_right_redzone age=", "cpu=0 pid=0", "Slab 0xffffea",
		   "objects=", "Object 0xffff", "Redzone  ffff", "Object   ffff", "6b 6b 6b",
		   "41 cc cc", "WARNING: CPU: 0 PID: 0 at mm/slub.c object_err",
		   "FIX kmalloc-64: Restoring Right Redzone 0xffff", "=0xcc",
		   "FIX kmalloc-64: Object at 0xffff", "not freed", NULL);
	assert_clean();
}

/* 2: a write just before the object */
static void test_left_redzone(void **state)
{
	u8 *p;

	boot_debug("FZPU");
	p = kmalloc(128, GFP_KERNEL);
	p[-1] = 0x42;
	kfree(p);
	expect_log("[Left Redzone overwritten]", "First byte 0x42 instead of 0xcc",
		   "BUG kmalloc-128 (Not tainted): Object corrupt",
		   "FIX kmalloc-128: Restoring Left Redzone", NULL);
	assert_clean();
}

/* 3: past the requested size but inside the kmalloc bucket */
static void test_kmalloc_redzone(void **state)
{
	u8 *p;

	boot_debug("FZPU");
	p = kmalloc(50, GFP_KERNEL);
	memset(p, 0, 50); /* the requested bytes are fine */
	p[50] = 0;
	kfree(p);
	expect_log("[kmalloc Redzone overwritten]", "First byte 0x0 instead of 0xcc",
		   "BUG kmalloc-64 (Not tainted): Object corrupt",
		   "FIX kmalloc-64: Restoring kmalloc Redzone", NULL);
	assert_clean();
}

/* 4: write after free, caught when the object is handed out again */
static void test_use_after_free(void **state)
{
	struct kmem_cache *s;
	u8 *p, *q;

	boot_debug("-");
	s = debug_cache("uaf", 100);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	assert_int_equal(p[10], POISON_FREE);
	assert_int_equal(p[99], POISON_END);
	p[10] = 0x00;
	q = kmem_cache_alloc(s, GFP_KERNEL); /* the check fails; a new slab serves */
	assert_non_null(q);
	assert_ptr_not_equal(q, p);
	expect_log("[Poison overwritten]", "First byte 0x0 instead of 0x6b",
		   "BUG uaf (Not tainted): Object corrupt", "Allocated in test_use_after_free",
		   "Freed in test_use_after_free", "6b 6b 00 6b", "FIX uaf: Restoring Poison",
		   "FIX uaf: Marking all objects used", NULL);
	kmem_cache_free(s, q);
	assert_clean();
}

/* 5: the last byte of a freed object */
static void test_end_poison(void **state)
{
	struct kmem_cache *s;
	u8 *p;

	boot_debug("-");
	s = debug_cache("endpoison", 40);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	p[39] = 0x01;
	assert_true(kmem_cache_validate(s) > 0);
	expect_log("[End Poison overwritten]", "First byte 0x1 instead of 0xa5",
		   "BUG endpoison (Not tainted): Object corrupt",
		   "FIX endpoison: Restoring End Poison", NULL);
	assert_int_equal(kmem_cache_validate(s), 0); /* restored */
	assert_clean();
}

/* 6: double free of an object that is on the freelist */
static void test_double_free(void **state)
{
	struct kmem_cache *s;
	void *p, *q;

	boot_debug("-");
	s = debug_cache("dfree", 64);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
	expect_log("BUG dfree (Not tainted): Object already free", "Freed in test_double_free",
		   "FIX dfree: Object at 0xffff", "not freed", NULL);
	kmem_cache_free(s, q);
	assert_clean();
	assert_int_equal(kmem_cache_destroy(s), 0);
}

/* 7: double free of the last object of a slab kept empty on the partial list */
static void test_free_into_empty_slab(void **state)
{
	struct kmem_cache *s;
	void *p;

	boot_debug("-");
	s = debug_cache("emptyfree", 64);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
	expect_log(
		"BUG emptyfree (Not tainted): Slab has 0 allocated objects but 1 are to be freed",
		"not freed", NULL);
	assert_clean();
}

/* 8: a pointer into an object, not its start */
static void test_invalid_pointer(void **state)
{
	u8 *p;

	boot_debug("FZPU");
	p = kmalloc(256, GFP_KERNEL);
	kfree(p + 8);
	expect_log("BUG kmalloc-256 (Not tainted): Invalid object pointer 0xffff",
		   "FIX kmalloc-256: Object at 0xffff", NULL);
	kfree(p);
	assert_clean();
}

/* 9: kmem_cache_free into the wrong cache */
static void test_wrong_cache(void **state)
{
	struct kmem_cache *a, *b;
	void *p;

	boot_debug("-");
	a = debug_cache("cache-a", 64);
	b = debug_cache("cache-b", 64);
	p = kmem_cache_alloc(a, GFP_KERNEL);
	kmem_cache_free(b, p); /* freed into a, where it belongs */
	expect_log("cache_from_obj: Wrong slab cache. cache-b but object is from cache-a",
		   "Allocated in test_wrong_cache", "WARNING: CPU: 0 PID: 0 at", NULL);
	assert_int_equal(kmem_cache_destroy(a), 0);
	assert_int_equal(kmem_cache_destroy(b), 0);
	assert_clean();
}

/* 10: pointers that are not in a slab page at all */
static void test_not_a_slab_page(void **state)
{
	struct kmem_cache *s;
	struct page *page;

	boot_debug("FZPU");
	s = debug_cache("notslab", 64);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	kfree(page_address(page));
	expect_log("kfree: 0xffff", "is not a kmalloc allocation", "Not a kmalloc allocation",
		   NULL);
	kmem_cache_free(s, page_address(page));
	expect_log("virt_to_cache: Object is not a Slab page!", NULL);
	__free_pages(page, 0);
	assert_clean();
}

/* 11: a freed object's free pointer overwritten */
static void test_freepointer_corrupt(void **state)
{
	struct kmem_cache *s;
	u8 *p;
	void *q;

	boot_debug("-");
	s = debug_cache("fpcorrupt", 96);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	*(unsigned long *)(p + s->offset) = 0x1234;
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(q);
	expect_log("BUG fpcorrupt (Not tainted): Freepointer corrupt", "fp=0x0000000000001234",
		   NULL);
	kmem_cache_free(s, q);
	assert_clean();
}

/* 12: the padding between the metadata and the next object */
static void test_object_padding(void **state)
{
	struct kmem_cache *s;
	u8 *p;

	boot_debug("-");
	s = kmem_cache_create("objpad", 100, 64, SLAB_POISON | SLAB_CONSISTENCY_CHECKS, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_true(s->size > s->offset + 8); /* there is padding */
	p[s->size - 1] = 0x99;
	kmem_cache_free(s, p);
	expect_log("[Object padding overwritten]", "First byte 0x99 instead of 0x5a",
		   "BUG objpad (Not tainted): Object corrupt", "Padding  ffff",
		   "FIX objpad: Restoring Object padding", NULL);
	assert_clean();
}

/* 13: the word-alignment bytes after a 20-byte object (P without Z) */
static void test_alignment_padding(void **state)
{
	struct kmem_cache *s;
	u8 *p;

	boot_debug("-");
	s = kmem_cache_create("alignpad", 20, 0, SLAB_POISON | SLAB_CONSISTENCY_CHECKS, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	p[21] = 0x77;
	kmem_cache_free(s, p);
	expect_log("[Alignment padding overwritten]", "First byte 0x77 instead of 0x5a",
		   "FIX alignpad: Restoring Alignment padding", NULL);
	assert_clean();
}

/* 14: the unused tail of a slab */
static void test_slab_padding(void **state)
{
	struct kmem_cache *s;
	u8 *p, *end;
	struct page *slab;

	boot_debug("-");
	s = debug_cache("slabpad", 700);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	slab = slab_head(virt_to_page(p));
	assert_true(slab_bytes(s, slab) > (unsigned long)slab->objects * s->size);
	end = (u8 *)slab_address(slab) + slab_bytes(s, slab);
	end[-3] = 0x10;
	assert_true(kmem_cache_validate(s) > 0);
	expect_log("BUG slabpad (Not tainted): Padding overwritten. 0xffff", "Padding ffff",
		   "FIX slabpad: Restoring slab padding", NULL);
	kmem_cache_free(s, p);
	assert_clean();
}

/* 15: a corrupted inuse counter */
static void test_wrong_object_count(void **state)
{
	struct kmem_cache *s;
	void *p, *q;
	struct page *slab;

	boot_debug("-");
	s = debug_cache("count", 64);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	slab = slab_head(virt_to_page(p));
	slab->inuse = 5;
	assert_true(kmem_cache_validate(s) > 0);
	expect_log("BUG count (Not tainted): Wrong object count. Counter is 5 but counted were 2",
		   "FIX count: Object count adjusted", NULL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	assert_clean();
	assert_int_equal(kmem_cache_destroy(s), 0);
}

/* 16: a free pointer that closes a loop */
static void test_freelist_cycle(void **state)
{
	struct kmem_cache *s;
	void *a, *b, *keep;

	boot_debug("-");
	s = debug_cache("cycle", 64);
	keep = kmem_cache_alloc(s, GFP_KERNEL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);	  /* freelist: b -> a -> ... */
	set_freepointer(s, a, b); /* ... -> b */
	assert_true(kmem_cache_validate(s) > 0);
	expect_log("BUG cycle (Not tainted): Freelist cycle detected",
		   "FIX cycle: Freelist cleared", NULL);
	kmem_cache_free(s, keep);
	assert_clean();
}

/* 17: destroying a cache that still has objects */
static void test_destroy_with_objects(void **state)
{
	struct kmem_cache *s;
	void *p;

	boot_debug("-");
	s = debug_cache("leaky", 64);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(kmem_cache_destroy(s), -EBUSY);
	expect_log(
		"BUG leaky (Not tainted): Objects remaining on __kmem_cache_shutdown()",
		"Object 0xffff", "@offset=", "Allocated in test_destroy_with_objects",
		"kmem_cache_destroy leaky: Slab cache still has objects when called from test_destroy_with_objects",
		NULL);
	kmem_cache_free(s, p);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_clean();
}

/* 18: without debugging, freeing the object just freed is still caught */
static void test_naive_double_free(void **state)
{
	struct kmem_cache *s;
	void *p, *q;

	boot_debug("-");
	s = kmem_cache_create("plain", 64, 0, 0, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
	expect_log("naive detection of double free or corruption", "(plain)", NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_not_equal(p, q); /* the freelist did not loop */
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	assert_int_equal(kmem_cache_destroy(s), 0);
	assert_clean();
}

/* 19: without debugging, a corrupted free pointer must not take the machine
 * down: the fast path checks it against the CPU slab before following it,
 * reports "Freepointer corrupt" and drops the rest of the CPU freelist (its
 * objects leak, as in Linux).  verify sees the corruption while it is in
 * memory, and is clean once the allocator has refused it. */
static void test_freepointer_corrupt_nodebug(void **state)
{
	struct kmem_cache *s;
	void *a, *b, *x, *y;

	boot_debug("-");
	s = kmem_cache_create("plainfp", 64, 0, 0, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a); /* head of the CPU freelist */
	assert_int_equal(get_freepointer_raw(s, a), kva_of((u8 *)b + 64)); /* a KVA */
	*(unsigned long *)((u8 *)a + s->offset) = 0xdeadbeefdeadbeefUL;
	assert_true(verify_all(NULL) > 0);
	x = kmem_cache_alloc(s, GFP_KERNEL); /* a; its next pointer is refused */
	assert_ptr_equal(x, a);
	expect_log("BUG plainfp (Not tainted): Freepointer corrupt", NULL);
	y = kmem_cache_alloc(s, GFP_KERNEL); /* from a fresh slab */
	assert_non_null(y);
	assert_clean();
	kmem_cache_free(s, x);
	kmem_cache_free(s, y);
	kmem_cache_free(s, b);
	kmem_cache_shrink(s);
	assert_int_equal(kmem_cache_destroy(s), -EBUSY); /* the cut-off objects leak */
	assert_clean();
}

/* krealloc in place moves the kmalloc red zone with the requested size. */
static void test_krealloc_redzone(void **state)
{
	u8 *p, *q;
	char *log;

	boot_debug("FZPU");
	p = kmalloc(50, GFP_KERNEL);
	assert_ptr_equal(krealloc(p, 60, GFP_KERNEL), p); /* grows in place */
	p[59] = 1;					  /* now inside the object */
	kfree(p);
	log = dmesg_copy();
	assert_null(strstr(log, "BUG"));
	free(log);
	q = kmalloc(50, GFP_KERNEL);
	assert_ptr_equal(krealloc(q, 30, GFP_KERNEL), q); /* shrinks in place */
	assert_int_equal(q[40], SLUB_RED_ACTIVE);
	q[40] = 2;
	kfree(q);
	expect_log("[kmalloc Redzone overwritten]", "First byte 0x2 instead of 0xcc", NULL);
	assert_clean();
}

/* Owner tracking: alloc on CPU 1, free on CPU 0, corruption found later. */
static void *cross_ptr;
static struct kmem_cache *cross_cache;
static void alloc_on_cpu1(void *info) { cross_ptr = kmem_cache_alloc(cross_cache, GFP_KERNEL); }

static void test_tracking_across_cpus(void **state)
{
	u8 *p;

	boot_debug("-");
	cross_cache = debug_cache("track", 64);
	cpu_call(1, alloc_on_cpu1, NULL);
	p = cross_ptr;
	kmem_cache_free(cross_cache, p);
	p[0] = 0x55;
	assert_true(kmem_cache_validate(cross_cache) > 0);
	expect_log("Allocated in alloc_on_cpu1 age=", "cpu=1 pid=0",
		   "Freed in test_tracking_across_cpus age=", "cpu=0 pid=0", NULL);
	assert_clean();
}

/* The owner track and the WARNING name the task that ran (Linux
 * set_track_prepare and dump_stack_print_info read current->pid). */
static void test_track_pid(void **state)
{
	struct task_struct fake = { .pid = 4242, .comm = "fake" };
	u8 *p;

	(void)state;
	boot_debug("FZPU");
	cpu_set_curr(this_cpu(), &fake);
	p = kmalloc(64, GFP_KERNEL);
	p[64] = 0x41;
	kfree(p);
	cpu_set_curr(this_cpu(), NULL);
	expect_log("Allocated in test_track_pid age=", "cpu=0 pid=4242",
		   "WARNING: CPU: 0 PID: 4242 at mm/slub.c object_err", NULL);
	assert_clean();
}

/* The taint marks of later reports, and the T flag. */
static void test_taint_and_trace(void **state)
{
	struct kmem_cache *s;
	u8 *p;

	boot_debug("-");
	s = kmem_cache_create("traced", 32, 0, DEBUG_DEFAULT_FLAGS | SLAB_TRACE, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	expect_log("TRACE traced alloc 0xffff", "inuse=1", NULL);
	p[32] = 1;
	kmem_cache_free(s, p);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	p[32] = 1;
	kmem_cache_free(s, p);
	expect_log("BUG traced (Tainted: G    B   W          ): Object corrupt", NULL);
	assert_clean();
}

/* Flags can change only while a cache is empty. */
static void test_switch_debug(void **state)
{
	struct kmem_cache *s;
	void *p;
	u8 *q;

	boot_debug("-");
	s = kmalloc_slab(64, GFP_KERNEL);
	assert_false(kmem_cache_debug(s));
	p = kmalloc(64, GFP_KERNEL);
	assert_int_equal(kmem_cache_set_debug(s, DEBUG_DEFAULT_FLAGS), -EBUSY);
	kfree(p);
	assert_int_equal(kmem_cache_set_debug(s, DEBUG_DEFAULT_FLAGS), 0);
	assert_true(kmem_cache_debug(s));
	q = kmalloc(64, GFP_KERNEL);
	assert_int_equal(q[0], POISON_FREE);
	assert_int_equal(q[64], SLUB_RED_ACTIVE);
	kfree(q);
	slab_debug_set_global(0); /* kmem_cache(_node) hold objects: busy */
	assert_false(kmem_cache_debug(s));
	assert_int_equal(slab_debug_global(), 0);
	assert_clean();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_teardown(test_right_redzone, down),
	cmocka_unit_test_teardown(test_left_redzone, down),
	cmocka_unit_test_teardown(test_kmalloc_redzone, down),
	cmocka_unit_test_teardown(test_use_after_free, down),
	cmocka_unit_test_teardown(test_end_poison, down),
	cmocka_unit_test_teardown(test_double_free, down),
	cmocka_unit_test_teardown(test_free_into_empty_slab, down),
	cmocka_unit_test_teardown(test_invalid_pointer, down),
	cmocka_unit_test_teardown(test_wrong_cache, down),
	cmocka_unit_test_teardown(test_not_a_slab_page, down),
	cmocka_unit_test_teardown(test_freepointer_corrupt, down),
	cmocka_unit_test_teardown(test_object_padding, down),
	cmocka_unit_test_teardown(test_alignment_padding, down),
	cmocka_unit_test_teardown(test_slab_padding, down),
	cmocka_unit_test_teardown(test_wrong_object_count, down),
	cmocka_unit_test_teardown(test_freelist_cycle, down),
	cmocka_unit_test_teardown(test_destroy_with_objects, down),
	cmocka_unit_test_teardown(test_naive_double_free, down),
	cmocka_unit_test_teardown(test_freepointer_corrupt_nodebug, down),
	cmocka_unit_test_teardown(test_krealloc_redzone, down),
	cmocka_unit_test_teardown(test_tracking_across_cpus, down),
	cmocka_unit_test_teardown(test_track_pid, down),
	cmocka_unit_test_teardown(test_taint_and_trace, down),
	cmocka_unit_test_teardown(test_switch_debug, down),
};

MMK_TEST_MAIN(tests, NULL, NULL);
