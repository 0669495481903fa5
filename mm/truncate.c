/*
 * truncate.c - taking pages out of the page cache (Linux mm/truncate.c at
 * the level mmkit needs; include/mmkit/pagemap.h): truncate (the pages past
 * the new size leave every mapping, private copies included, then the
 * cache; the tail of the new last page is zeroed), hole punching (the pages
 * of the hole leave the mappings, private copies stay), and invalidation
 * (clean, unmapped, unlocked pages only: POSIX_FADV_DONTNEED, drop_caches).
 */
#include <string.h>
#include "mmkit/pagemap.h"

/* Zero [from, to) of the cached page at index, if it is there
 * (truncate_inode_partial_folio for an order-0 page). */
static void truncate_partial_page(struct address_space *m, unsigned long index, size_t from,
				  size_t to)
{
	struct page *page = filemap_lock_page(m, index);

	if (!page)
		return;
	memset((u8 *)page_address(page) + from, 0, to - from);
	unlock_page(page);
	put_page(page);
}

void truncate_inode_pages_range(struct address_space *m, loff_t lstart, loff_t lend)
{
	unsigned long start = (unsigned long)((lstart + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long end = lend == -1 ? ~0UL : (unsigned long)((lend + 1) >> PAGE_SHIFT);
	size_t partial_start = lstart & ~PAGE_MASK;
	size_t partial_end = lend == -1 ? 0 : (size_t)((lend + 1) & ~PAGE_MASK);
	unsigned long first = (unsigned long)(lstart >> PAGE_SHIFT);

	if (mapping_empty(m)) /* lockless */
		return;
	if (start < end)
		filemap_remove_range(m, start, end);
	if (partial_start) {
		/* within one page only if the range ends inside it: a range
		 * ending on the page's last byte leaves partial_end 0 */
		bool same = start > end;

		truncate_partial_page(m, first, partial_start, same ? partial_end : PAGE_SIZE);
		if (same)
			return;
	}
	if (partial_end)
		truncate_partial_page(m, end, 0, partial_end);
}

void truncate_inode_pages(struct address_space *m, loff_t lstart)
{
	truncate_inode_pages_range(m, lstart, -1);
}

void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *m = inode->i_mapping;
	loff_t holebegin = (newsize + (loff_t)PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);

	/* twice, as Linux: a fault may map a page between the first unmap and
	 * the removal; the page lock keeps it from mapping a removed one */
	unmap_mapping_range(m, holebegin, 0, true);
	truncate_inode_pages(m, newsize);
	unmap_mapping_range(m, holebegin, 0, true);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
	truncate_pagecache(inode, newsize);
}

/*
 * Linux truncate_pagecache_range: unmap the whole pages of [lstart, lend]
 * from shared mappings (not the COWed private ones), then drop them.  The
 * comparison is unsigned, as Linux's: a range that ends inside the file's
 * first page makes unmap_end -1, and unmap_mapping_range then gets a hole
 * length of 0 (lstart 0: "to the end", from page 0) or below 0 (from page
 * 1 on): every shared mapping of the file loses its pages from there to
 * EOF, while only the range's bytes are zeroed (a hole punched at 0..2105
 * on the reference kernel: seed 1218 of level 6, index 274).
 */
void truncate_pagecache_range(struct inode *inode, loff_t lstart, loff_t lend)
{
	struct address_space *m = inode->i_mapping;
	loff_t unmap_start = (lstart + (loff_t)PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
	loff_t unmap_end = ((lend + 1) & ~(loff_t)(PAGE_SIZE - 1)) - 1;

	if ((u64)unmap_end > (u64)unmap_start)
		unmap_mapping_range(m, unmap_start, 1 + unmap_end - unmap_start, false);
	truncate_inode_pages_range(m, lstart, lend);
}

/* May page leave the cache quietly (mapping_evict_folio)?  Caller holds
 * the page lock and one reference of its own. */
static bool page_evictable_clean(struct page *page)
{
	VM_BUG_ON(!PageLocked(page));
	return !PageDirty(page) && !PageWriteback(page) && page_mapcount(page) == 0 &&
	       page_ref_count(page) <= 2;
}

unsigned long invalidate_mapping_pages(struct address_space *m, unsigned long start,
				       unsigned long end)
{
	unsigned long count = 0, start_index = start;

	for (;;) {
		struct page *pages[16];
		unsigned int n = filemap_get_pages_range(m, &start, end, pages, 16), i;

		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			if (trylock_page(page)) {
				if (page->mapping == m && page_evictable_clean(page)) {
					truncate_inode_page(m, page);
					count++;
				}
				unlock_page(page);
			}
			put_page(page);
		}
		if (n < 16)
			break;
	}
	/* the workingset shadows of the range go too (Linux
	 * mapping_try_invalidate's clear_shadow_entries) */
	return count + filemap_clear_shadows(m, start_index, end == ~0UL ? ~0UL : end + 1);
}

void unmap_mapping_range(struct address_space *m, loff_t holebegin, loff_t holelen, bool even_cows)
{
	unsigned long first = (unsigned long)(holebegin >> PAGE_SHIFT);
	unsigned long nr = (unsigned long)((holelen + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);

	if (!holelen || first + nr < first)
		nr = ~0UL - first;
	unmap_mapping_pages(m, first, nr, even_cows);
}
