/*
 * test_swap.c - the swap pieces that are best checked directly:
 *
 *   test_header_build        swap_header_build writes util-linux's layout:
 *                            version 1 at 1024, last_page, UUID, label, the
 *                            magic at 4086, nothing else in bytes 1024-4095;
 *                            fewer than 10 pages and long labels are refused
 *   test_header_checks       every check of swap_header_parse (Linux
 *                            read_swap_header + setup_swap_map's), each
 *                            refusal (swapon gives EINVAL for all of them),
 *                            and what passes: a byte-swapped header, an area
 *                            shorter than the file, bad pages of a block
 *                            device
 *   test_pte_formats         the swap PTE of each paging mode, bit for bit
 *                            (x86-64: type 59-63, the offset inverted in
 *                            9-58, bits 1-3 soft-dirty/uffd-wp/exclusive;
 *                            PAE: the same, exclusive in bit 7; 2-level: type
 *                            1-5, exclusive 7, offset 9-31), round trips,
 *                            the largest offset each can hold, markers
 *   test_count_continuation  one slot referenced 10000 times: swap_map past
 *                            SWAP_MAP_MAX goes on in continuation pages,
 *                            swp_swapcount is exact all the way, and dropping
 *                            the references one by one frees the slot
 *   test_swapon_errno        swapon(2) / swapoff(2) from C: EINVAL for bad
 *                            flags, ENOENT, EBUSY, EPERM at MAX_SWAPFILES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_main.h"
#include "hostdir_helpers.h"
#include "mmkit/fs.h"
#include "mmkit/memory.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

static const unsigned char uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* ------------------------------------------------------------ header -- */

static void test_header_build(void **state)
{
	unsigned char page[4096], zero[4096] = { 0 };
	u32 v;

	(void)state;
	memset(page, 0xee, sizeof(page));
	assert_int_equal(swap_header_build(page, 4096, "lbl", uuid), 0);
	memcpy(&v, page + 1024, 4);
	assert_int_equal(v, 1);
	memcpy(&v, page + 1028, 4);
	assert_int_equal(v, 4095);
	memcpy(&v, page + 1032, 4);
	assert_int_equal(v, 0);
	assert_memory_equal(page + 1036, uuid, 16);
	assert_memory_equal(page + 1052, "lbl\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_memory_equal(page + 1068, zero, 4086 - 1068);
	assert_memory_equal(page + 4086, "SWAPSPACE2", 10);
	assert_int_equal(page[1023], 0xee); /* the boot bits are the caller's */
	assert_int_equal(swap_header_build(page, 9, NULL, uuid), -EINVAL);
	assert_int_equal(swap_header_build(page, 10, NULL, uuid), 0);
	assert_int_equal(swap_header_build(page, 10, "seventeen-bytes-x", uuid), -EINVAL);
	assert_int_equal(swap_header_build(page, 10, "sixteen-bytes-xx", uuid), 0);
}

static unsigned long parse(union swap_header *h, unsigned long isize, bool regular,
			   unsigned long *usable, const char **why)
{
	union swap_header copy;

	memcpy(&copy, h, sizeof(copy));
	return swap_header_parse(&copy, isize, regular, usable, why);
}

static void test_header_checks(void **state)
{
	union swap_header h;
	unsigned long usable = 0;
	const char *why;

	(void)state;
	paging_mode_setup(4, 64 << 20);
	swap_header_build(&h, 256, NULL, uuid);
	assert_int_equal(parse(&h, 256, true, &usable, &why), 256);
	assert_int_equal(usable, 255); /* slot 0 is the header */
	/* no signature */
	h.magic.magic[9] = '1';
	assert_int_equal(parse(&h, 256, true, &usable, &why), 0);
	assert_string_equal(why, "Unable to find swap-space signature");
	h.magic.magic[9] = '2';
	/* version 2, and version 1 byte-swapped (accepted, last_page swapped too) */
	h.info.version = 2;
	assert_int_equal(parse(&h, 256, true, &usable, &why), 0);
	assert_string_equal(why, "Unable to handle swap header version");
	h.info.version = __builtin_bswap32(1);
	h.info.last_page = __builtin_bswap32(127);
	assert_int_equal(parse(&h, 256, true, &usable, &why), 128);
	h.info.version = 1;
	/* last_page 0 */
	h.info.last_page = 0;
	assert_int_equal(parse(&h, 256, true, &usable, &why), 0);
	assert_string_equal(why, "Empty swap-file");
	/* longer than the file; shorter is fine (the rest is not used) */
	h.info.last_page = 256;
	assert_int_equal(parse(&h, 256, true, &usable, &why), 0);
	assert_string_equal(why, "Swap area shorter than signature indicates");
	h.info.last_page = 100;
	assert_int_equal(parse(&h, 256, true, &usable, &why), 101);
	/* bad pages: refused in a regular file; on a device out of range or
	 * too many are refused, the others are not usable */
	h.info.nr_badpages = 2;
	h.info.badpages[0] = 5;
	h.info.badpages[1] = 7;
	assert_int_equal(parse(&h, 256, true, &usable, &why), 0);
	assert_int_equal(parse(&h, 256, false, &usable, &why), 101);
	assert_int_equal(usable, 98);
	h.info.badpages[1] = 101;
	assert_int_equal(parse(&h, 256, false, &usable, &why), 0);
	h.info.badpages[1] = 0;
	assert_int_equal(parse(&h, 256, false, &usable, &why), 0);
	h.info.nr_badpages = MAX_SWAP_BADPAGES + 1;
	assert_int_equal(parse(&h, 256, false, &usable, &why), 0);
	/* every slot bad: empty */
	h.info.last_page = 2;
	h.info.nr_badpages = 2;
	h.info.badpages[0] = 1;
	h.info.badpages[1] = 2;
	assert_int_equal(parse(&h, 256, false, &usable, &why), 0);
	assert_string_equal(why, "Empty swap-file");
}

/* ------------------------------------------------------------ formats -- */

static void test_pte_formats(void **state)
{
	static const unsigned long offsets[] = { 1, 2, 0x1234, 0xfffff, 0x7fffff };
	int levels;

	(void)state;
	/* x86-64 (4 and 5 levels): the L1TF-safe format */
	paging_mode_setup(4, 64 << 20);
	assert_int_equal(pte_val(__swp_entry_to_pte(0, 1)), 0x07fffffffffffc00ULL);
	assert_int_equal(pte_val(__swp_entry_to_pte(3, 1)), 0x1ffffffffffffc00ULL);
	assert_int_equal(pte_val(pte_swp_mkexclusive(__swp_entry_to_pte(0, 1))),
			 0x07fffffffffffc08ULL);
	assert_int_equal(pte_val(pte_swp_mksoft_dirty(__pte(0))), 0x2);
	assert_int_equal(pte_val(pte_swp_mkuffd_wp(__pte(0))), 0x4);
	assert_int_equal(max_swapfile_size(), 1UL << 50);
	assert_int_equal(pte_val(make_guard_marker()) >> 59, 31);
	assert_int_equal(pte_marker_get(pte_to_swp_entry(make_guard_marker())), PTE_MARKER_GUARD);
	/* PAE: the same layout, exclusive in bit 7, no soft-dirty, a 27-bit offset */
	paging_mode_setup(3, 64 << 20);
	assert_int_equal(pte_val(__swp_entry_to_pte(0, 4)), 0x07fffffffffff600ULL);
	assert_int_equal(pte_val(pte_swp_mkexclusive(__swp_entry_to_pte(0, 4))),
			 0x07fffffffffff680ULL);
	assert_int_equal(pte_val(pte_swp_mksoft_dirty(__pte(0))), 0);
	assert_int_equal(max_swapfile_size(), 1UL << 27);
	/* 2-level: type in 1-5, offset from bit 9, exclusive bit 7 */
	paging_mode_setup(2, 64 << 20);
	assert_int_equal(pte_val(__swp_entry_to_pte(0, 4)), 0x800);
	assert_int_equal(pte_val(__swp_entry_to_pte(5, 4)), 0x80a);
	assert_int_equal(pte_val(pte_swp_mkexclusive(__swp_entry_to_pte(0, 4))), 0x880);
	assert_int_equal(max_swapfile_size(), 1UL << 23);
	assert_int_equal(pte_val(make_guard_marker()), (31 << 1) | (4 << 9));
	for (levels = 2; levels <= 5; levels++) {
		paging_mode_setup(levels, 64 << 20);
		for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
			for (unsigned long type = 0; type < 32; type += 7) {
				pte_t p = swp_entry_to_pte(swp_entry(type, offsets[i]));
				swp_entry_t e;

				assert_true(is_swap_pte(p));
				assert_false(pte_val(p) &
					     (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE));
				e = pte_to_swp_entry(pte_swp_mkexclusive(pte_swp_mksoft_dirty(p)));
				assert_int_equal(swp_type(e), type);
				assert_int_equal(swp_offset(e), offsets[i]);
				assert_true(pte_swp_exclusive(pte_swp_mkexclusive(p)));
				assert_false(pte_swp_exclusive(p));
			}
		}
	}
}

/* ------------------------------------------------- with a machine -- */

static void boot(void) { boot_with_hostdir(64 << 20, "swap"); }

/* A swap file of `pages` pages made on the host (the header only). */
static void host_swapfile(const char *name, unsigned long pages)
{
	unsigned char page[4096] = { 0 };
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", hostdir, name);
	assert_int_equal(swap_header_build(page, pages, NULL, uuid), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(page, 1, 4096, f), 4096);
	assert_int_equal(ftruncate(fileno(f), (off_t)pages * 4096), 0);
	assert_int_equal(posix_fallocate(fileno(f), 4096, (off_t)(pages - 1) * 4096), 0);
	fclose(f);
}

struct count_args {
	int n;
	int err;
};

/* On CPU 0: a page in the swap cache, its slot referenced n more times. */
static void count_on_cpu(void *info)
{
	struct count_args *a = info;
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE);
	swp_entry_t entry;
	int i;

	assert_true(trylock_page(page));
	SetPageSwapBacked(page);
	a->err = folio_alloc_swap(page);
	if (a->err) {
		unlock_page(page);
		put_page(page);
		return;
	}
	entry = page_swap_entry(page);
	for (i = 1; i <= a->n && !a->err; i++) {
		a->err = swap_duplicate(entry);
		if (!a->err && swp_swapcount(entry) != i)
			a->err = -100 - i;
	}
	for (i = a->n; i >= 1 && !a->err; i--) {
		if (swp_swapcount(entry) != i)
			a->err = -200000 - i;
		swap_free(entry);
	}
	if (!a->err && (swp_swapcount(entry) != 0 || atomic_load(&swap_info[0]->inuse_pages) != 1))
		a->err = -3;
	swap_cache_del_folio(page); /* the slot goes with it */
	if (!a->err && atomic_load(&swap_info[0]->inuse_pages) != 0)
		a->err = -4;
	unlock_page(page);
	put_page(page);
}

struct swapon_args {
	const char *path;
	int flags;
	long ret;
	bool off;
};

static void swapon_on_cpu(void *info)
{
	struct swapon_args *a = info;

	a->ret = a->off ? sys_swapoff(a->path) : sys_swapon(a->path, a->flags);
}

static long call_swapon(const char *path, int flags, bool off)
{
	struct swapon_args a = { .path = path, .flags = flags, .off = off };

	cpu_call(0, swapon_on_cpu, &a);
	return a.ret;
}

static void test_count_continuation(void **state)
{
	struct count_args a = { .n = 10000 };

	(void)state;
	boot();
	host_swapfile("s", 64);
	assert_int_equal(do_mount_host(hostdir, "/mnt", false, 0, 0), 0);
	assert_int_equal(call_swapon("/mnt/s", 0, false), 0);
	cpu_call(0, count_on_cpu, &a);
	assert_int_equal(a.err, 0);
	assert_true(swap_info[0]->flags & SWP_CONTINUED);
	assert_int_equal(call_swapon("/mnt/s", 0, true), 0);
}

static void test_swapon_errno(void **state)
{
	char name[16], path[32];
	int i;

	(void)state;
	boot();
	assert_int_equal(do_mount_host(hostdir, "/mnt", false, 0, 0), 0);
	for (i = 0; i <= MAX_SWAPFILES; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		host_swapfile(name, 10);
	}
	assert_int_equal(call_swapon("/mnt/a0", 0x80000, false), -EINVAL);
	assert_int_equal(call_swapon("/mnt/none", 0, false), -ENOENT);
	assert_int_equal(call_swapon("/mnt/a0", 0, false), 0);
	assert_int_equal(call_swapon("/mnt/a0", 0, false), -EBUSY);
	for (i = 1; i < MAX_SWAPFILES; i++) {
		snprintf(path, sizeof(path), "/mnt/a%d", i);
		assert_int_equal(call_swapon(path, SWAP_FLAG_PREFER | i, false), 0);
	}
	snprintf(path, sizeof(path), "/mnt/a%d", MAX_SWAPFILES);
	assert_int_equal(call_swapon(path, 0, false), -EPERM);
	assert_int_equal(call_swapon(path, 0, true), -EINVAL);
	assert_int_equal(total_swap_pages, MAX_SWAPFILES * 9);
	for (i = 0; i < MAX_SWAPFILES; i++) {
		snprintf(path, sizeof(path), "/mnt/a%d", i);
		assert_int_equal(call_swapon(path, 0, true), 0);
	}
	assert_int_equal(total_swap_pages, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_header_build),
	cmocka_unit_test(test_header_checks),
	cmocka_unit_test(test_pte_formats),
	cmocka_unit_test_teardown(test_count_continuation, teardown_hostdir),
	cmocka_unit_test_teardown(test_swapon_errno, teardown_hostdir),
};

MMK_TEST_MAIN(tests, NULL, NULL);
