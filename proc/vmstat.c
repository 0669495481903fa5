/*
 * vmstat.c - /proc/vmstat (Linux mm/vmstat.c vmstat_start/vmstat_show):
 * "name value" lines, zone state items, NUMA events, node state items, the
 * dirty thresholds and memmap counts, then the event counters (pgpgin and
 * pgpgout in KiB), then the deprecated "nr_unstable 0".  Event groups per
 * zone show the zones the mode configures.  Field for field what the
 * reference kernel prints (6.18.44, no CONFIG_DEBUG_TLBFLUSH): the
 * nr_tlb_* events and mmkit's own (cow_fault, zero_page_fault) are in
 * mmkit's own view, /proc/mmkit/vmstat, in the same "name value" format.
 */
#include "mm/page_alloc_internal.h"
#include "mmkit/proc.h"

static bool zone_event_printed(int item)
{
	static const int groups[] = { PGALLOC_DMA, ALLOCSTALL_DMA, PGSKIP_DMA };
	unsigned int g;

	for (g = 0; g < ARRAY_SIZE(groups); g++)
		if (item >= groups[g] && item < groups[g] + MAX_NR_ZONES)
			return zone_type_configured(item - groups[g]);
	return true;
}

static void show_state_items(FILE *out)
{
	unsigned long bg, dirty;
	int i;

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(out, "%s %lu\n", zone_stat_name(i), global_zone_page_state(i));
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(out, "%s %lu\n", numa_stat_name(i), global_numa_event_state(i));
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		unsigned long v = global_node_page_state_pages(i);

		if (vmstat_item_print_in_thp(i))
			v /= HPAGE_PMD_NR;
		fprintf(out, "%s %lu\n", node_stat_name(i), v);
	}
	global_dirty_limits(&bg, &dirty);
	fprintf(out, "%s %lu\n", vm_stat_name(NR_DIRTY_THRESHOLD), dirty);
	fprintf(out, "%s %lu\n", vm_stat_name(NR_DIRTY_BG_THRESHOLD), bg);
	fprintf(out, "%s %lu\n", vm_stat_name(NR_MEMMAP_PAGES), 0UL);
	fprintf(out, "%s %lu\n", vm_stat_name(NR_MEMMAP_BOOT_PAGES), 0UL);
}

/* Events the reference kernel does not print. */
static bool mmkit_event(int item)
{
	return (item >= NR_TLB_REMOTE_FLUSH && item <= NR_TLB_LOCAL_FLUSH_ONE) || item >= COW_FAULT;
}

static int vmstat_show(FILE *out, struct task_struct *t)
{
	int i;

	(void)t;
	vmstat_refresh(); /* exact counters: see docs/ARCHITECTURE.md */
	show_state_items(out);
	for (i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		unsigned long v = sum_vm_event(i);

		if (i == PGPGIN || i == PGPGOUT)
			v /= 2; /* sectors -> KiB */
		if (zone_event_printed(i) && !mmkit_event(i))
			fprintf(out, "%s %lu\n", vm_event_names[i], v);
	}
	fprintf(out, "nr_unstable 0\n");
	return 0;
}
PROC_VIEW(proc_vmstat, "/proc/vmstat", false, vmstat_show);

/* mmkit's own counters: the TLB-flush events (Linux's DEBUG_TLBFLUSH
 * ones) and cow_fault, zero_page_fault. */
static int mmkit_vmstat_show(FILE *out, struct task_struct *t)
{
	(void)t;
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		if (mmkit_event(i))
			fprintf(out, "%s %lu\n", vm_event_names[i], sum_vm_event(i));
	return 0;
}
PROC_VIEW(proc_mmkit_vmstat, "/proc/mmkit/vmstat", false, mmkit_vmstat_show);
