/*
 * meminfo.c - /proc/meminfo (Linux fs/proc/meminfo.c, hugetlb_report_meminfo,
 * x86 arch_report_meminfo), every field of the reference host (6.18 x86-64)
 * in its order and format: a 16-character label, "%8lu kB".  32-bit modes add
 * HighTotal/HighFree/LowTotal/LowFree (CONFIG_HIGHMEM) and name the large
 * direct-map pages DirectMap4M (non-PAE) as Linux does.
 *
 * Values other subsystems own come through weak hooks that read 0 until the
 * subsystem exists and defines them (swap, vmalloc, commit accounting); the
 * DirectMap lines are arch/x86's (arch_report_meminfo).
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/proc.h"

/* Hooks: strong definitions in swap, vmalloc, mmap and arch/x86 replace these. */
__attribute__((weak)) long total_swap_pages;
__attribute__((weak)) _Atomic long nr_swap_pages;
__attribute__((weak)) unsigned long total_swapcache_pages(void) { return 0; }
__attribute__((weak)) unsigned long vmalloc_nr_pages(void) { return 0; }

static void show_val_kb(FILE *out, const char *label, unsigned long pages)
{
	fprintf(out, "%s%8lu kB\n", label, pages << (PAGE_SHIFT - 10));
}

static void show_lru(FILE *out)
{
	unsigned long aa = global_node_page_state(NR_ACTIVE_ANON);
	unsigned long ia = global_node_page_state(NR_INACTIVE_ANON);
	unsigned long af = global_node_page_state(NR_ACTIVE_FILE);
	unsigned long inf = global_node_page_state(NR_INACTIVE_FILE);

	show_val_kb(out, "Active:         ", aa + af);
	show_val_kb(out, "Inactive:       ", ia + inf);
	show_val_kb(out, "Active(anon):   ", aa);
	show_val_kb(out, "Inactive(anon): ", ia);
	show_val_kb(out, "Active(file):   ", af);
	show_val_kb(out, "Inactive(file): ", inf);
	show_val_kb(out, "Unevictable:    ", global_node_page_state(NR_UNEVICTABLE));
	show_val_kb(out, "Mlocked:        ", global_zone_page_state(NR_MLOCK));
}

static void show_head(FILE *out)
{
	unsigned long freeram = global_zone_page_state(NR_FREE_PAGES);
	long cached = (long)global_node_page_state(NR_FILE_PAGES) - (long)total_swapcache_pages();

	show_val_kb(out, "MemTotal:       ", totalram_pages());
	show_val_kb(out, "MemFree:        ", freeram);
	show_val_kb(out, "MemAvailable:   ", (unsigned long)si_mem_available());
	show_val_kb(out, "Buffers:        ", 0);
	show_val_kb(out, "Cached:         ", cached < 0 ? 0 : (unsigned long)cached);
	show_val_kb(out, "SwapCached:     ", total_swapcache_pages());
	show_lru(out);
	if (zone_type_configured(ZONE_HIGHMEM)) {
		show_val_kb(out, "HighTotal:      ", totalhigh_pages());
		show_val_kb(out, "HighFree:       ", nr_free_highpages());
		show_val_kb(out, "LowTotal:       ", totalram_pages() - totalhigh_pages());
		show_val_kb(out, "LowFree:        ", freeram - nr_free_highpages());
	}
	show_val_kb(out, "SwapTotal:      ", (unsigned long)total_swap_pages);
	show_val_kb(out, "SwapFree:       ", (unsigned long)atomic_load(&nr_swap_pages));
	show_val_kb(out, "Zswap:          ", 0);
	show_val_kb(out, "Zswapped:       ", 0);
}

static void show_kernel(FILE *out)
{
	unsigned long srec = global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B);
	unsigned long sunrec = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);

	show_val_kb(out, "Dirty:          ", global_node_page_state(NR_FILE_DIRTY));
	show_val_kb(out, "Writeback:      ", global_node_page_state(NR_WRITEBACK));
	show_val_kb(out, "AnonPages:      ", global_node_page_state(NR_ANON_MAPPED));
	show_val_kb(out, "Mapped:         ", global_node_page_state(NR_FILE_MAPPED));
	show_val_kb(out, "Shmem:          ", global_node_page_state(NR_SHMEM));
	show_val_kb(out,
		    "KReclaimable:   ", srec + global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(out, "Slab:           ", srec + sunrec);
	show_val_kb(out, "SReclaimable:   ", srec);
	show_val_kb(out, "SUnreclaim:     ", sunrec);
	fprintf(out, "KernelStack:    %8lu kB\n", global_node_page_state(NR_KERNEL_STACK_KB));
	show_val_kb(out, "PageTables:     ", global_node_page_state(NR_PAGETABLE));
	show_val_kb(out, "SecPageTables:  ", global_node_page_state(NR_SECONDARY_PAGETABLE));
	show_val_kb(out, "NFS_Unstable:   ", 0);
	show_val_kb(out, "Bounce:         ", 0);
	show_val_kb(out, "WritebackTmp:   ", 0);
}

static void show_vm(FILE *out)
{
	show_val_kb(out, "CommitLimit:    ", vm_commit_limit());
	show_val_kb(out, "Committed_AS:   ", vm_memory_committed());
	fprintf(out, "VmallocTotal:   %8lu kB\n", (VMALLOC_END - VMALLOC_START) >> 10);
	show_val_kb(out, "VmallocUsed:    ", vmalloc_nr_pages());
	show_val_kb(out, "VmallocChunk:   ", 0);
	show_val_kb(out, "Percpu:         ", 0);
	show_val_kb(out, "AnonHugePages:  ", global_node_page_state(NR_ANON_THPS));
	show_val_kb(out, "ShmemHugePages: ", global_node_page_state(NR_SHMEM_THPS));
	show_val_kb(out, "ShmemPmdMapped: ", global_node_page_state(NR_SHMEM_PMDMAPPED));
	show_val_kb(out, "FileHugePages:  ", global_node_page_state(NR_FILE_THPS));
	show_val_kb(out, "FilePmdMapped:  ", global_node_page_state(NR_FILE_PMDMAPPED));
	show_val_kb(out, "Balloon:        ", global_node_page_state(NR_BALLOON_PAGES));
}

static void show_huge_and_arch(FILE *out)
{
	unsigned long hpage_kb = mmk->cfg.levels == 2 ? 4096 : 2048;

	fprintf(out,
		"HugePages_Total:   %5lu\nHugePages_Free:    %5lu\n"
		"HugePages_Rsvd:    %5lu\nHugePages_Surp:    %5lu\n",
		0UL, 0UL, 0UL, 0UL);
	fprintf(out, "Hugepagesize:   %8lu kB\n", hpage_kb);
	fprintf(out, "Hugetlb:        %8lu kB\n", 0UL);
	arch_report_meminfo(out);
}

static int meminfo_show(FILE *out, struct task_struct *t)
{
	(void)t;
	vmstat_refresh(); /* exact counters: see docs/ARCHITECTURE.md */
	show_head(out);
	show_kernel(out);
	show_vm(out);
	show_huge_and_arch(out);
	return 0;
}
PROC_VIEW(proc_meminfo, "/proc/meminfo", false, meminfo_show);
