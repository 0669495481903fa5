/*
 * filemap_verify.c - the `verify` check of the page cache ("pagecache").
 *
 * With the machine quiescent (no I/O in flight: a write or single-page
 * read completes before its caller returns, and the scenario completes
 * readahead's in-flight requests after each command, blk_complete_all),
 * every frame is looked at once:
 *   - a page-cache page (mapping set, not anonymous) is found in its
 *     mapping's tree at its index, holds the cache's reference, is neither
 *     locked nor under writeback, and is not mapped past EOF (an i_size
 *     page count: a fault there is SIGBUS and truncation unmaps);
 *   - per mapping, each tree node holds an entry (an emptied node is freed
 *     at once), its count, nr_values, parent link and level agree with its
 *     slots, and a leaf of a mapping that is not shmem is on
 *     the workingset's shadow-node list exactly when it holds only shadows;
 *   - per mapping, the pages found equal nrpages, the value entries of a
 *     mapping that is not shmem (workingset shadows) equal nrshadows and,
 *     for mappings that write back, the dirty ones equal nrdirty;
 *   - NR_FILE_PAGES, NR_SHMEM, NR_FILE_DIRTY and NR_WRITEBACK equal the
 *     pages counted (cache pages, swap-backed ones, dirty pages of mappings
 *     that write back, pages under writeback).
 * The per-mapping counts live in a host-memory hash table for the check.
 */
#include <stdlib.h>
#include "mmkit/debug.h"
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"

struct mapping_count {
	struct address_space *m;
	unsigned long pages, dirty;
};

struct pc_state {
	struct verify_ctx *v;
	struct mapping_count *tab;
	unsigned long size; /* slots, a power of two */
	unsigned long file, shmem, dirty, writeback;
	unsigned long swapcache; /* swap-cache pages: in NR_FILE_PAGES too */
};

static struct mapping_count *count_of(struct pc_state *s, struct address_space *m)
{
	unsigned long h = ((unsigned long)m >> 6) * 0x9e3779b97f4a7c15UL;
	unsigned long i;

	for (i = h & (s->size - 1);; i = (i + 1) & (s->size - 1))
		if (!s->tab[i].m || s->tab[i].m == m) {
			s->tab[i].m = m;
			return &s->tab[i];
		}
}

static void check_cache_page(struct pc_state *s, struct page *page, unsigned long pfn)
{
	struct address_space *m = page->mapping;
	struct mapping_count *c = count_of(s, m);
	struct page *found = filemap_get_page(m, page->index);

	if (found != page)
		verify_fail(s->v, "pfn %#lx: not in its mapping at index %lu", pfn, page->index);
	if (found)
		put_page(found);
	if (PageLocked(page) || PageWriteback(page))
		verify_fail(s->v, "pfn %#lx index %lu: %s with the machine quiescent", pfn,
			    page->index, PageLocked(page) ? "locked" : "under writeback");
	if (page_ref_count(page) < page_mapcount(page) + 1)
		verify_fail(s->v, "pfn %#lx: refcount %d below mapcount %d + the cache's", pfn,
			    page_ref_count(page), page_mapcount(page));
	if (m->host && page_mapcount(page) > 0 &&
	    page->index >= (unsigned long)DIV_ROUND_UP(i_size_read(m->host), PAGE_SIZE))
		verify_fail(s->v, "pfn %#lx: mapped at index %lu, past EOF (i_size %lld)", pfn,
			    page->index, (long long)i_size_read(m->host));
	c->pages++;
	s->file++;
	s->shmem += PageSwapBacked(page);
	s->writeback += PageWriteback(page);
	if (PageDirty(page) && mapping_can_writeback(m)) {
		c->dirty++;
		s->dirty++;
	}
}

/* A tree node's count, nr_values, parent link and level, recursively;
 * a leaf of a non-shmem mapping is on the shadow-node list exactly when it
 * holds only shadows.  Returns the nodes checked.  i_pages_lock held. */
static unsigned long check_node(struct pc_state *s, struct address_space *m, struct xa_node *node,
				struct xa_node *parent, unsigned int level)
{
	unsigned int used = 0, values = 0;
	unsigned long n = 1;

	for (unsigned int i = 0; i < XA_CHUNK_SIZE; i++) {
		struct xa_node *child = node->slots[i];

		if (!child)
			continue;
		used++;
		values += xa_is_value_entry(child);
		if (level == 0)
			continue;
		if (child->parent != node || child->offset != i)
			verify_fail(s->v, "mapping %p: node %p is slot %u of %p, says %p slot %u",
				    (void *)m, (void *)child, i, (void *)node,
				    (void *)child->parent, child->offset);
		n += check_node(s, m, child, node, level - 1);
	}
	if (!used) /* Linux's xarray frees a node when its last entry goes */
		verify_fail(s->v, "mapping %p: node %p level %u has no entry", (void *)m,
			    (void *)node, level);
	if (node->count != used || node->nr_values != values || node->array != m ||
	    node->shift != XA_CHUNK_SHIFT * level || node->parent != parent)
		verify_fail(s->v,
			    "mapping %p: node %p level %u: %u entries (%u values), count %u "
			    "nr_values %u shift %u",
			    (void *)m, (void *)node, level, used, values, node->count,
			    node->nr_values, node->shift);
	if (level == 0 && !m->shmem && (used && used == values) != node->shadow_listed)
		verify_fail(s->v, "mapping %p: leaf %p with %u entries, %u shadows, %s", (void *)m,
			    (void *)node, used, values,
			    node->shadow_listed ? "on the shadow-node list" :
						  "not on the shadow-node list");
	return n;
}

static void check_tree(struct pc_state *s, struct address_space *m)
{
	spin_lock(&m->i_pages_lock);
	if (m->xa_root)
		check_node(s, m, m->xa_root, NULL, m->xa_height - 1);
	spin_unlock(&m->i_pages_lock);
}

static void check_counts(struct pc_state *s)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long i;

	for (i = 0; i < s->size; i++) {
		struct mapping_count *c = &s->tab[i];

		if (!c->m)
			continue;
		if (c->pages != c->m->nrpages)
			verify_fail(s->v, "mapping %p: %lu pages found, nrpages %lu", (void *)c->m,
				    c->pages, c->m->nrpages);
		check_tree(s, c->m);
		if (!c->m->shmem && filemap_count_values(c->m) != c->m->nrshadows)
			verify_fail(s->v, "mapping %p: %lu workingset shadows found, nrshadows %lu",
				    (void *)c->m, filemap_count_values(c->m), c->m->nrshadows);
		if (mapping_can_writeback(c->m) && c->dirty != atomic_load(&c->m->nrdirty))
			verify_fail(s->v, "mapping %p: %lu dirty pages found, nrdirty %lu",
				    (void *)c->m, c->dirty, atomic_load(&c->m->nrdirty));
	}
	if (s->file + s->swapcache != node_page_state_snapshot(pgdat, NR_FILE_PAGES))
		verify_fail(s->v,
			    "NR_FILE_PAGES %lu, %lu pages in page caches and %lu in the swap cache",
			    node_page_state_snapshot(pgdat, NR_FILE_PAGES), s->file, s->swapcache);
	if (s->swapcache != node_page_state_snapshot(pgdat, NR_SWAPCACHE))
		verify_fail(s->v, "NR_SWAPCACHE %lu, %lu pages in the swap cache",
			    node_page_state_snapshot(pgdat, NR_SWAPCACHE), s->swapcache);
	if (s->shmem != node_page_state_snapshot(pgdat, NR_SHMEM))
		verify_fail(s->v, "NR_SHMEM %lu, %lu shmem pages",
			    node_page_state_snapshot(pgdat, NR_SHMEM), s->shmem);
	if (s->dirty != node_page_state_snapshot(pgdat, NR_FILE_DIRTY))
		verify_fail(s->v, "NR_FILE_DIRTY %lu, %lu dirty pages",
			    node_page_state_snapshot(pgdat, NR_FILE_DIRTY), s->dirty);
	if (s->writeback != node_page_state_snapshot(pgdat, NR_WRITEBACK))
		verify_fail(s->v, "NR_WRITEBACK %lu, %lu pages under writeback",
			    node_page_state_snapshot(pgdat, NR_WRITEBACK), s->writeback);
}

static bool is_cache_page(const struct page *page)
{
	return !PageBuddy(page) && !PageSlab(page) && !PageTable(page) && page->mapping &&
	       !PageAnon(page) && page_ref_count(page);
}

static void verify_pagecache(struct verify_ctx *v)
{
	struct pc_state s = { .v = v, .size = 64 };
	unsigned long pfn, n = 0;

	for (pfn = 0; pfn < mmk->max_pfn; pfn++)
		n += is_cache_page(pfn_to_page(pfn));
	while (s.size < 2 * n) /* at most n mappings: half full */
		s.size <<= 1;
	s.tab = verify_scratch_zalloc(s.size * sizeof(*s.tab));
	if (!s.tab) {
		verify_fail(v, "no host memory for the check");
		return;
	}
	for (pfn = 0; pfn < mmk->max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (is_cache_page(page))
			check_cache_page(&s, page, pfn);
		else if (!PageBuddy(page) && !PageSlab(page) && !PageTable(page) &&
			 PageSwapCache(page) && page_ref_count(page))
			s.swapcache++;
	}
	check_counts(&s);
	verify_scratch_free(s.tab);
}
VERIFY_CHECK(pagecache_check, "pagecache", 65, verify_pagecache);
