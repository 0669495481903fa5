/*
 * highmem.c - kmap/kunmap for the 32-bit modes (Linux mm/highmem.c, the
 * "permanent kmap" pool).
 *
 * Pages above the lowmem limit (896 MiB) have no direct-map address.  kmap
 * gives one a slot of the pkmap window [PKMAP_BASE, PKMAP_BASE +
 * LAST_PKMAP pages), whose PTE table arch/x86 allocates at boot
 * (pkmap_page_table, Linux's permanent_kmaps_init).  pkmap_count[i]
 * is 0 for a free slot, 1 for a slot still mapped but unused (its TLB
 * entries may be live anywhere), n + 1 for n users, and PKMAP_FLUSHING while
 * a sweep has cleared it and not yet flushed the TLBs.  When the search for
 * a free slot wraps, every unused slot is cleared and the kernel range is
 * flushed on all CPUs (flush_all_zero_pkmaps) before any can be reused.
 * The flush runs without kmap_lock held: in mmkit a CPU blocked on a lock
 * cannot serve the shootdown IPI, so flushing under the lock could deadlock.
 */
#include "mmkit/pgtable.h"
#include "mmkit/tlbflush.h"
#include "mmkit/mm.h"

#define PKMAP_MAX 1024
#define PKMAP_FLUSHING (-1)

static DEFINE_SPINLOCK(kmap_lock);
static int pkmap_count[PKMAP_MAX];	   /* kmap_lock */
static struct page *pkmap_page[PKMAP_MAX]; /* kmap_lock */
static unsigned int last_pkmap_nr;	   /* kmap_lock */

static bool page_is_highmem(const struct page *page)
{
	return pgmode.levels <= 3 && page_to_pfn(page) >= max_low_pfn;
}

static unsigned long pkmap_addr(unsigned int nr)
{
	return PKMAP_BASE + ((unsigned long)nr << PAGE_SHIFT);
}

/* A fresh pool for each boot (arch/x86's paging_init set up
 * pkmap_page_table, the PTE table of the window). */
static int kmap_init(void)
{
	last_pkmap_nr = 0;
	for (unsigned int i = 0; i < PKMAP_MAX; i++) {
		pkmap_count[i] = 0;
		pkmap_page[i] = NULL;
	}
	return 0;
}
mmk_initcall(INIT_PAGING + 1, kmap_init, NULL);

/* Clear the unused slots (kmap_lock held); returns how many. */
static int clear_zero_pkmaps(void)
{
	int n = 0;

	lockdep_assert_held(&kmap_lock);
	for (unsigned int i = 0; i < LAST_PKMAP; i++) {
		if (pkmap_count[i] != 1)
			continue;
		pte_clear(&init_mm, pkmap_addr(i), ptep_add(pkmap_page_table, i));
		pkmap_count[i] = PKMAP_FLUSHING;
		pkmap_page[i] = NULL;
		n++;
	}
	return n;
}

/* Flush the window everywhere, then make the cleared slots free. */
static void flush_all_zero_pkmaps(void)
{
	flush_tlb_kernel_range(PKMAP_BASE, pkmap_addr((unsigned int)LAST_PKMAP));
	spin_lock(&kmap_lock);
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		if (pkmap_count[i] == PKMAP_FLUSHING)
			pkmap_count[i] = 0;
	spin_unlock(&kmap_lock);
}

/* A free slot for page, or -1 (kmap_lock held). */
static int map_new_virtual(struct page *page)
{
	lockdep_assert_held(&kmap_lock);
	for (unsigned int tries = 0; tries < LAST_PKMAP; tries++) {
		unsigned int nr = (last_pkmap_nr + tries) % (unsigned int)LAST_PKMAP;

		if (pkmap_count[nr] != 0)
			continue;
		last_pkmap_nr = nr + 1;
		set_pte(ptep_add(pkmap_page_table, nr), mk_pte(page, PAGE_KERNEL));
		pkmap_count[nr] = 1;
		pkmap_page[nr] = page;
		return (int)nr;
	}
	return -1;
}

static int pkmap_find(const struct page *page)
{
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		if (pkmap_page[i] == page && pkmap_count[i] > 0)
			return (int)i;
	return -1;
}

unsigned long kmap(struct page *page)
{
	int nr, pass;

	if (!page_is_highmem(page))
		return PAGE_OFFSET + page_to_phys(page);
	if (!pkmap_page_table)
		return 0;
	for (pass = 0; pass < 2; pass++) {
		spin_lock(&kmap_lock);
		nr = pkmap_find(page);
		if (nr < 0)
			nr = map_new_virtual(page);
		if (nr >= 0) {
			pkmap_count[nr]++;
			spin_unlock(&kmap_lock);
			return pkmap_addr((unsigned int)nr);
		}
		nr = clear_zero_pkmaps();
		spin_unlock(&kmap_lock);
		if (!nr)
			break;
		flush_all_zero_pkmaps();
	}
	return 0;
}

void kunmap(struct page *page)
{
	int nr;

	if (!page_is_highmem(page) || !pkmap_page_table)
		return;
	spin_lock(&kmap_lock);
	nr = pkmap_find(page);
	BUG_ON(nr < 0 || pkmap_count[nr] < 2);
	pkmap_count[nr]--;
	spin_unlock(&kmap_lock);
}
