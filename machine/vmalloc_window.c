/*
 * vmalloc_window.c - a second host view of RAM for vmalloc: a host address
 * range that mirrors the managed vmalloc range page for page, so that the
 * memory vmalloc() returns is contiguous for C code although its frames are
 * not.  It is part of the machine (like RAM itself it is host memory the
 * kernel cannot see through page tables): it takes frame numbers, never
 * struct pages, so it knows nothing of the mm above it.
 *
 * The window is reserved PROT_NONE (MAP_NORESERVE: it costs no memory).
 * Mapping a vmalloc area aliases each of its frames at
 * window + (kva - VMALLOC_START) with MAP_SHARED|MAP_FIXED of the RAM memfd
 * at offset phys: the same bytes the simulated MMU reaches through the page
 * tables, and the direct map reaches through mmk->ram.
 *
 * A host mmap costs microseconds, so the window remembers which frame each
 * page aliases (window_pfn[], pfn + 1, 0 = none or unknown).  Mapping skips
 * pages that already alias the right frame and takes one mmap per run of
 * consecutive frames.  Unmapping leaves the aliases in place in release
 * builds (nothing reaches them but a C use-after-vfree, which would hit the
 * frame's next owner, as a stale kernel TLB entry would in Linux); debug
 * builds make the range PROT_NONE again so that such a use faults on the host.
 * With vfree() giving frames back in reverse order, a LIFO per-CPU page list
 * hands the same frames to the next vmalloc of the same size, which lands at
 * the same address (lowest fit): the steady state maps nothing.
 *
 * The cache is written only by the owner of a vmalloc range (the range is
 * busy while it is mapped and unmapped), so it needs no lock; verify reads it
 * with the machine quiescent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "mmkit/machine.h"
#include "mmkit/vmalloc_window.h"

u8 *vmalloc_window;
unsigned long vmalloc_window_size;
static u32 *window_pfn;			   /* per window page: aliased pfn + 1, 0 = none */
static _Atomic unsigned long window_mmaps; /* host mmap calls that aliased frames */

#define RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

int vmalloc_window_init(unsigned long size)
{
	size_t cache = (size >> PAGE_SHIFT) * sizeof(u32);
	void *w, *c;

	w = mmap(NULL, size, PROT_NONE, RESERVE_FLAGS, -1, 0);
	if (w == MAP_FAILED)
		return -ENOMEM;
	c = mmap(NULL, cache, PROT_READ | PROT_WRITE, RESERVE_FLAGS, -1, 0);
	if (c == MAP_FAILED) {
		munmap(w, size);
		return -ENOMEM;
	}
	vmalloc_window = w;
	window_pfn = c;
	vmalloc_window_size = size;
	return 0;
}

void vmalloc_window_exit(void)
{
	if (!vmalloc_window)
		return;
	munmap(window_pfn, (vmalloc_window_size >> PAGE_SHIFT) * sizeof(u32));
	munmap(vmalloc_window, vmalloc_window_size);
	vmalloc_window = NULL;
	window_pfn = NULL;
	vmalloc_window_size = 0;
}

/* Make [first, first + nr) PROT_NONE again and forget what it aliased.  If
 * the host refuses (vm.max_map_count), the old aliases stay: harmless, the
 * cache just no longer vouches for them. */
static void window_reserve(unsigned long first, unsigned long nr)
{
	(void)mmap(vmalloc_window + (first << PAGE_SHIFT), nr << PAGE_SHIFT, PROT_NONE,
		   RESERVE_FLAGS | MAP_FIXED, -1, 0);
	memset(&window_pfn[first], 0, nr * sizeof(u32));
}

/* Alias frames pfn..pfn+n-1 at window pages first..first+n-1. */
static int window_alias_run(unsigned long first, unsigned long pfn, unsigned long n)
{
	void *p = mmap(vmalloc_window + (first << PAGE_SHIFT), n << PAGE_SHIFT,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mmk->memfd,
		       (off_t)(pfn << PAGE_SHIFT));
	unsigned long i;

	atomic_fetch_add_explicit(&window_mmaps, 1, memory_order_relaxed);
	if (p == MAP_FAILED) {
		/* A failed MAP_FIXED may have unmapped the range: reserve it again
		 * (Linux checks max_map_count before unmapping, so at that limit
		 * the old mapping is still there). */
		window_reserve(first, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		window_pfn[first + i] = (u32)(pfn + i + 1);
	return 0;
}

int vmalloc_window_map_pfns(unsigned long off, unsigned long pfn, unsigned long nr)
{
	unsigned long first = off >> PAGE_SHIFT, i = 0;

	BUG_ON(off + (nr << PAGE_SHIFT) > vmalloc_window_size);
	while (i < nr) {
		if (window_pfn[first + i] == pfn + i + 1) {
			i++;
			continue;
		}
		/* one mmap for the rest of the run, cached pages included */
		if (window_alias_run(first + i, pfn + i, nr - i))
			return -ENOMEM;
		return 0;
	}
	return 0;
}

void vmalloc_window_unmap(unsigned long off, unsigned long size)
{
#ifdef CONFIG_DEBUG_VM
	window_reserve(off >> PAGE_SHIFT, size >> PAGE_SHIFT);
#else
	(void)off;
	(void)size;
#endif
}

bool vmalloc_window_aliases(unsigned long off, unsigned long pfn)
{
	return off < vmalloc_window_size && window_pfn[off >> PAGE_SHIFT] == pfn + 1;
}

unsigned long vmalloc_window_nr_mmaps(void)
{
	return atomic_load_explicit(&window_mmaps, memory_order_relaxed);
}
