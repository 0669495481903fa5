/*
 * fuzz_swapheader.c - libFuzzer target: the swap header, as swapon reads it.
 *
 * Input: 4 bytes (little-endian) give the swap file's size in pages (1 to
 * 1024), the rest is the file's first page (zero-padded to 4096 bytes).
 * Two stages:
 *   1. swap_header_parse on the page (mm/swapfile.c): an accepted header
 *      must describe an area inside the file, of at least 2 slots, with
 *      usable slots below the area's size, and parsing must not read past
 *      the page whatever nr_badpages says;
 *   2. the machine: the bytes become a host file under a mount, `swapon`
 *      takes it or refuses it with EINVAL (nothing else: no crash, no leak),
 *      and an accepted area is used - pages out, back, fork, exit, swapoff -
 *      with every invariant checked after each line (fuzz_harness.c).
 * Seed corpus: tests/fuzz/corpus/swapheader/ (util-linux-style headers:
 * plain, labelled, byte-swapped, with bad pages, truncated).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_harness.h"
#include "mmkit/swap.h"

static void check_parse(const unsigned char *page, unsigned long pages)
{
	union swap_header *h = malloc(sizeof(*h));
	unsigned long usable = 0, max;
	const char *why = NULL;

	memcpy(h, page, sizeof(*h));
	max = swap_header_parse(h, pages, true, &usable, &why);
	if (max && (max > pages || max < 2 || usable >= max || why)) {
		fprintf(stderr,
			"fuzz: swap header accepted badly: max %lu of %lu pages, usable %lu\n", max,
			pages, usable);
		abort();
	}
	if (!max && !why) {
		fprintf(stderr, "fuzz: swap header refused without a reason\n");
		abort();
	}
	memcpy(h, page, sizeof(*h));
	swap_header_parse(h, pages, false, &usable, &why); /* a device: bad pages allowed */
	free(h);
}

static char mount_line[300];

/* The swap file on the host, as /mnt/swapfile once mounted. */
static void write_file(const unsigned char *page, unsigned long pages)
{
	const char *dir = fuzz_host_dir("swap", "swapfile");
	char path[300];
	FILE *f;

	snprintf(mount_line, sizeof(mount_line), "mount %s /mnt", dir);
	snprintf(path, sizeof(path), "%s/swapfile", dir);
	f = fopen(path, "w");
	if (!f || fwrite(page, 1, 4096, f) != 4096 || ftruncate(fileno(f), (off_t)pages * 4096) ||
	    (pages > 1 && posix_fallocate(fileno(f), 4096, (off_t)(pages - 1) * 4096)))
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *setup[] = { NULL, "swapon /mnt/swapfile", NULL };
	static const char *const tail[] = {
		"spawn A",
		"handle A SIGBUS catch",
		"A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m",
		"A fillpat $m 64K 9",
		"A madvise $m 64K MADV_PAGEOUT",
		"cat /proc/swaps",
		"A fork B",
		"B checkpat $m 32K 9",
		"A checkpat $m 64K 9",
		"B exit",
		"A madvise $m 64K MADV_PAGEOUT",
		"swapoff /mnt/swapfile",
		"A checkpat $m 64K 9",
		"A exit",
		NULL,
	};
	static const struct fuzz_opts o = { .setup = setup, .tail = tail, .max_lines = 0 };
	unsigned char page[4096] = { 0 };
	unsigned long pages;
	u32 n = 0;

	if (size < 4)
		return 0;
	memcpy(&n, data, 4);
	pages = n % 1024 + 1;
	memcpy(page, data + 4, size - 4 < sizeof(page) ? size - 4 : sizeof(page));
	check_parse(page, pages);
	write_file(page, pages);
	setup[0] = mount_line;
	return fuzz_run((const uint8_t *)"", 0, &o);
}
