/*
 * vmalloc_window.h - a second host view of RAM frames (machine/
 * vmalloc_window.c): vmalloc_window_size bytes of host address space in
 * which any page may alias any frame of the RAM memfd.  vmalloc
 * (mm/vmalloc.c) mirrors [VMALLOC_START, vmalloc_end) there, so that the
 * memory it returns is contiguous for C code.  The window takes frame
 * numbers only: it is machine code and knows no struct page.  A build may
 * shrink it with -DVMALLOC_WINDOW_MAX=... (valgrind cannot reserve 64 GiB of
 * address space).
 */
#ifndef MMKIT_VMALLOC_WINDOW_H
#define MMKIT_VMALLOC_WINDOW_H

#include "mmkit/compiler.h"

#ifndef VMALLOC_WINDOW_MAX
#define VMALLOC_WINDOW_MAX (64UL << 30)
#endif
extern u8 *vmalloc_window;
extern unsigned long vmalloc_window_size;

/* Reserve the window (PROT_NONE) for `size` bytes.  0 or -ENOMEM. */
int vmalloc_window_init(unsigned long size);
void vmalloc_window_exit(void);
/* Alias frames pfn..pfn+nr-1 at window pages off/PAGE_SIZE.. (off page
 * aligned).  Pages already aliased to the right frame are skipped; the rest
 * of the run from the first page that is not takes one host mmap.  0, or
 * -ENOMEM when the host refused (vm.max_map_count). */
int vmalloc_window_map_pfns(unsigned long off, unsigned long pfn, unsigned long nr);
/* The range is no longer mapped in the simulated page tables.  Release builds
 * keep the aliases cached (a later vmalloc of the same frames at the same
 * place maps nothing); debug builds make the range PROT_NONE so that a C
 * use-after-vfree faults on the host. */
void vmalloc_window_unmap(unsigned long off, unsigned long size);
/* Host mmap calls made to alias frames so far (tests, bench). */
unsigned long vmalloc_window_nr_mmaps(void);
/* Does window page `off` alias frame pfn?  (verify) */
bool vmalloc_window_aliases(unsigned long off, unsigned long pfn);

#endif
