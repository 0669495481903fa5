/*
 * mmu_gather.c - gather pages and page tables while PTEs are cleared, flush
 * the TLBs once, then free (Linux mm/mmu_gather.c; the contract and the
 * locking rules are in include/mmkit/mmu_gather.h).
 */
#include <stddef.h>

#include "mmkit/mmu_gather.h"
#include "mmkit/pagemap.h"
#include "mmkit/swap.h"
#include "mmkit/rmap.h"
#include "mmkit/tlbflush.h"

_Static_assert(offsetof(struct mmu_gather, __pages) ==
		       offsetof(struct mmu_gather, local) + sizeof(struct mmu_gather_batch),
	       "the bundle's entries follow its header, as in a batch page");

#define ENCODED_PAGE_DELAY_RMAP 1UL

static inline struct page **batch_entries(struct mmu_gather_batch *b)
{
	return (struct page **)(b + 1);
}

static inline struct page *entry_page(struct page *e)
{
	return (struct page *)((uintptr_t)e & ~ENCODED_PAGE_DELAY_RMAP);
}

static void __tlb_reset_range(struct mmu_gather *tlb)
{
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->freed_tables = false;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->delayed_rmap = false;
	tlb->batch_count = 0;
	tlb->local.next = NULL;
	tlb->local.nr = 0;
	tlb->local.max = MMU_GATHER_BUNDLE;
	tlb->active = &tlb->local;
	tlb->nr_tables = 0;
	__tlb_reset_range(tlb);
	atomic_fetch_add(&mm->tlb_flush_pending, 1);
}

/* Move on to the next batch page, allocating one if need be; false when
 * the gather may not grow (Linux tlb_next_batch). */
static bool tlb_next_batch(struct mmu_gather *tlb)
{
	struct mmu_gather_batch *batch;

	/* tlb_flush_rmaps looks at the bundle and the active batch only */
	if (tlb->delayed_rmap && tlb->active != &tlb->local)
		return false;
	batch = tlb->active;
	if (batch->next) {
		tlb->active = batch->next;
		return true;
	}
	if (tlb->batch_count == MAX_GATHER_BATCH_COUNT)
		return false;
	batch = __get_free_pages(GFP_NOWAIT, 0);
	if (!batch)
		return false;
	tlb->batch_count++;
	batch->next = NULL;
	batch->nr = 0;
	batch->max = MAX_GATHER_BATCH;
	tlb->active->next = batch;
	tlb->active = batch;
	return true;
}

bool __tlb_remove_page(struct mmu_gather *tlb, struct page *page, bool delay_rmap)
{
	struct mmu_gather_batch *batch = tlb->active;

	batch_entries(batch)[batch->nr++] =
		(struct page *)((uintptr_t)page | (delay_rmap ? ENCODED_PAGE_DELAY_RMAP : 0));
	if (delay_rmap)
		tlb->delayed_rmap = true;
	/* Linux keeps room for a two-entry (page, nr_pages) item: max - 1 */
	if (batch->nr >= batch->max - 1 && !tlb_next_batch(tlb))
		return true;
	return false;
}

static void tlb_flush_rmap_batch(struct mmu_gather_batch *batch)
{
	for (unsigned int i = 0; i < batch->nr; i++) {
		struct page *e = batch_entries(batch)[i];

		if ((uintptr_t)e & ENCODED_PAGE_DELAY_RMAP) {
			folio_remove_rmap_pte(entry_page(e));
			batch_entries(batch)[i] = entry_page(e);
		}
	}
}

void tlb_flush_rmaps(struct mmu_gather *tlb)
{
	if (!tlb->delayed_rmap)
		return;
	tlb_flush_rmap_batch(&tlb->local);
	if (tlb->active != &tlb->local)
		tlb_flush_rmap_batch(tlb->active);
	tlb->delayed_rmap = false;
}

void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	if (tlb->start < tlb->end)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end, PAGE_SHIFT, tlb->freed_tables);
	__tlb_reset_range(tlb);
}

/* Linux free_swap_cache: a page no PTE maps any more leaves the swap
 * cache if its slot is named by nothing else (and its lock is free). */
static void free_swap_cache(struct page *page)
{
	if (PageSwapCache(page) && page_mapcount(page) <= 0 && trylock_page(page)) {
		folio_free_swap(page);
		unlock_page(page);
	}
}

/* Drop the gathered references: pages whose last one this was are freed
 * (Linux free_pages_and_swap_cache: the swap cache's goes first if only it
 * would be left).  An interrupt point between chunks, as Linux's
 * cond_resched() there. */
static void tlb_batch_pages_flush(struct mmu_gather *tlb)
{
	for (struct mmu_gather_batch *b = &tlb->local; b && b->nr; b = b->next) {
		for (unsigned int i = 0; i < b->nr; i++) {
			struct page *page = entry_page(batch_entries(b)[i]);

			if (unlikely(PageSwapCache(page)))
				free_swap_cache(page);
			put_page(page);
			if ((i & 511) == 511)
				cpu_handle_irqsafe_ipis();
		}
		b->nr = 0;
	}
	tlb->active = &tlb->local;
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	BUG_ON(tlb->delayed_rmap); /* tlb_flush_rmaps first, under the PTL */
	tlb_flush_mmu_tlbonly(tlb);
	for (unsigned int i = 0; i < tlb->nr_tables; i++)
		pagetable_free(tlb->tables[i]);
	tlb->nr_tables = 0;
	tlb_batch_pages_flush(tlb);
}

void tlb_remove_table(struct mmu_gather *tlb, struct page *table, unsigned long addr,
		      unsigned long size)
{
	if (tlb->nr_tables == MAX_TABLE_BATCH)
		tlb_flush_mmu(tlb);
	tlb->tables[tlb->nr_tables++] = table;
	tlb->freed_tables = true;
	tlb_flush_range_add(tlb, addr, size);
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	struct mmu_gather_batch *b, *next;

	/* Another gather of this mm may have cleared PTEs in our range that it
	 * has not flushed yet: flush everything (Linux mm_tlb_flush_nested). */
	if (atomic_load(&tlb->mm->tlb_flush_pending) > 1) {
		tlb->start = 0;
		tlb->end = TLB_FLUSH_ALL;
		tlb->freed_tables = true;
	}
	tlb_flush_mmu(tlb);
	for (b = tlb->local.next; b; b = next) {
		next = b->next;
		free_pages(b, 0);
	}
	tlb->local.next = NULL;
	atomic_fetch_sub(&tlb->mm->tlb_flush_pending, 1);
}
