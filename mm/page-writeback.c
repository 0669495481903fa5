/*
 * page-writeback.c - dirty pages and writing them back (Linux
 * mm/page-writeback.c at the level mmkit needs; include/mmkit/writeback.h,
 * include/mmkit/pagemap.h).
 *
 * Dirtying: a page of a mapping that writes back becomes dirty through
 * filemap_dirty_folio, which counts it (NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING,
 * NR_DIRTIED, the task's nr_dirtied) and puts its inode on its device's
 * dirty list (fs/fs-writeback.c).  Writing back: write_cache_pages walks
 * the mapping's dirty pages of a range in index order, locks each, clears it
 * for I/O (folio_clear_dirty_for_io: every PTE mapping it is write-protected
 * and cleaned first, folio_mkclean, so the next write through a mapping
 * faults and dirties it again) and hands runs of them to the file system's
 * writepage (hostfs: one request per run), which marks them under writeback
 * (NR_WRITEBACK) until the write ends (NR_WRITTEN).  A failed write records
 * the error in the mapping (mapping_set_error) for fsync to report.
 *
 * Throttling (balance_dirty_pages): the thresholds are vm.dirty_ratio and
 * vm.dirty_background_ratio (or the _bytes forms) of the dirtyable memory,
 * Linux's global_dirty_limits: free pages less totalreserve plus the file
 * LRU (empty until reclaim brings LRU lists, so the thresholds are those of
 * a machine whose page cache would all be dirty).  Every 32 pages a task
 * dirties it checks: below the midpoint of the two thresholds it runs free;
 * over the background threshold it starts background writeback; over the
 * dirty threshold it waits for the flusher: mmkit runs the flusher's work
 * at once (its I/O time passes on the clock) where Linux sleeps in
 * io_schedule_timeout while the flusher thread writes, and pauses the
 * writer at most MAX_PAUSE more if that did not bring it under the limit.
 */
#include <errno.h>
#include "mmkit/mmzone.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"
#include "mmkit/writeback.h"

int dirty_background_ratio = 10;
unsigned long dirty_background_bytes;
int vm_dirty_ratio = 20;
unsigned long vm_dirty_bytes;
unsigned int dirty_writeback_interval = 5 * 100;
unsigned int dirty_expire_interval = 30 * 100;

#define MAX_PAUSE (HZ / 5)  /* 200 ms */
#define DIRTY_POLL_PAGES 32 /* nr_dirtied_pause: 128 KiB */

/* ---------------------------------------------------------- limits -- */

/* Free and file pages of highmem zones, less their high watermark: not
 * dirtyable while vm.highmem_is_dirtyable is 0. */
static unsigned long highmem_dirtyable_memory(unsigned long total)
{
	struct zone *z = &contig_page_data.node_zones[ZONE_HIGHMEM];
	unsigned long nr;

	if (!populated_zone(z))
		return 0;
	nr = zone_page_state(z, NR_FREE_PAGES) + zone_page_state(z, NR_ZONE_INACTIVE_FILE) +
	     zone_page_state(z, NR_ZONE_ACTIVE_FILE);
	nr -= min(nr, high_wmark_pages(z));
	return min(nr, total);
}

/* Linux global_dirtyable_memory. */
static unsigned long global_dirtyable_memory(void)
{
	unsigned long x = global_zone_page_state(NR_FREE_PAGES);

	x -= min(x, totalreserve_pages);
	x += global_node_page_state(NR_INACTIVE_FILE) + global_node_page_state(NR_ACTIVE_FILE);
	x -= highmem_dirtyable_memory(x);
	return x + 1; /* ensure non-zero */
}

void global_dirty_limits(unsigned long *pbackground, unsigned long *pdirty)
{
	unsigned long avail = global_dirtyable_memory();
	unsigned long ratio = (unsigned long)READ_ONCE(vm_dirty_ratio) * PAGE_SIZE / 100;
	unsigned long bg_ratio = (unsigned long)READ_ONCE(dirty_background_ratio) * PAGE_SIZE / 100;
	unsigned long bytes = READ_ONCE(vm_dirty_bytes),
		      bg_bytes = READ_ONCE(dirty_background_bytes);
	unsigned long thresh, bg;

	thresh = bytes ? DIV_ROUND_UP(bytes, PAGE_SIZE) : ratio * avail / PAGE_SIZE;
	bg = bg_bytes ? DIV_ROUND_UP(bg_bytes, PAGE_SIZE) : bg_ratio * avail / PAGE_SIZE;
	if (bg >= thresh)
		bg = thresh / 2;
	*pbackground = bg;
	*pdirty = thresh;
}

unsigned long global_dirty_pages(void)
{
	return global_node_page_state(NR_FILE_DIRTY) + global_node_page_state(NR_WRITEBACK);
}

/* ---------------------------------------------------------- dirtying -- */

static void folio_account_dirtied(struct page *page)
{
	mod_lruvec_page_state(page, NR_FILE_DIRTY, 1);
	mod_zone_page_state(page_zone(page), NR_ZONE_WRITE_PENDING, 1);
	mod_lruvec_page_state(page, NR_DIRTIED, 1);
	atomic_fetch_add(&page->mapping->nrdirty, 1);
	if (this_cpu() && current) /* the dirtying task, for balance_dirty_pages */
		current->nr_dirtied++;
}

void account_page_cleaned(struct page *page)
{
	atomic_fetch_sub(&page->mapping->nrdirty, 1);
	mod_lruvec_page_state(page, NR_FILE_DIRTY, -1);
	mod_zone_page_state(page_zone(page), NR_ZONE_WRITE_PENDING, -1);
}

bool filemap_dirty_folio(struct address_space *m, struct page *page)
{
	if (TestSetPageDirty(page))
		return false;
	if (page->mapping == m) {
		folio_account_dirtied(page);
		__mark_inode_dirty(m->host, I_DIRTY_PAGES);
	}
	return true;
}

bool noop_dirty_folio(struct address_space *m, struct page *page)
{
	(void)m;
	return !TestSetPageDirty(page);
}

bool folio_mark_dirty(struct page *page)
{
	struct address_space *m = page->mapping;

	if (m && !PageAnon(page) && m->a_ops && m->a_ops->dirty_folio)
		return m->a_ops->dirty_folio(m, page);
	return !TestSetPageDirty(page);
}

bool folio_clear_dirty_for_io(struct page *page)
{
	struct address_space *m = page->mapping;

	if (!m || !mapping_can_writeback(m))
		return TestClearPageDirty(page);
	if (folio_mkclean(page))
		folio_mark_dirty(page); /* a dirty PTE's data is the page's */
	if (!TestClearPageDirty(page))
		return false;
	account_page_cleaned(page);
	return true;
}

void folio_start_writeback(struct page *page)
{
	SetPageWriteback(page);
	mod_lruvec_page_state(page, NR_WRITEBACK, 1);
	mod_zone_page_state(page_zone(page), NR_ZONE_WRITE_PENDING, 1);
}

/* Reclaim wanted the page while it was under writeback: to the inactive
 * tail, so that the next scan frees it. */
static void end_writeback_rotate(struct page *page)
{
	if (PageReclaim(page)) {
		ClearPageReclaim(page);
		folio_rotate_reclaimable(page);
	}
}

void folio_end_writeback(struct page *page)
{
	end_writeback_rotate(page);
	ClearPageWriteback(page);
	mod_lruvec_page_state(page, NR_WRITEBACK, -1);
	mod_zone_page_state(page_zone(page), NR_ZONE_WRITE_PENDING, -1);
	mod_lruvec_page_state(page, NR_WRITTEN, 1);
}

/*
 * The counters of a run of pages of one zone moved at once: Linux moves
 * them by a folio's nr pages per call, mmkit's write-back by a batch of
 * order-0 pages (the run of one write_cache_pages batch, or of one
 * request).  The sums are the per-page steps'; between the steps and the
 * call they lag by the run, as per-CPU deltas lag anyway.
 */
struct wb_stat_run {
	struct zone *zone;
	long n;
};

/* A run has its zone from its first page on (wb_stat_add), so n > 0
 * implies zone. */
static void wb_stat_started(struct wb_stat_run *r) /* folio_clear_dirty_for_io + start */
{
	if (r->n && r->zone) {
		mod_node_page_state(r->zone->zone_pgdat, NR_FILE_DIRTY, -r->n);
		mod_node_page_state(r->zone->zone_pgdat, NR_WRITEBACK, r->n);
		/* NR_ZONE_WRITE_PENDING: -n cleaned, +n under writeback */
	}
	r->n = 0;
}

static void wb_stat_ended(struct wb_stat_run *r) /* folio_end_writeback */
{
	if (r->n && r->zone) {
		mod_node_page_state(r->zone->zone_pgdat, NR_WRITEBACK, -r->n);
		mod_zone_page_state(r->zone, NR_ZONE_WRITE_PENDING, -r->n);
		mod_node_page_state(r->zone->zone_pgdat, NR_WRITTEN, r->n);
	}
	r->n = 0;
}

/* One more page in the run; a page of another zone first flushes it. */
static void wb_stat_add(struct wb_stat_run *r, struct page *page,
			void (*flush)(struct wb_stat_run *))
{
	struct zone *z = page_zone(page);

	if (z != r->zone) {
		flush(r);
		r->zone = z;
	}
	r->n++;
}

void folio_end_writeback_unlock_pages(struct page **pages, unsigned int n)
{
	struct wb_stat_run run = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		struct page *page = pages[i];

		end_writeback_rotate(page);
		wb_stat_add(&run, page, wb_stat_ended);
		lock_release(page);
		atomic_fetch_and_explicit(&page->flags,
					  ~((1UL << PG_writeback) | (1UL << PG_locked)),
					  memory_order_release);
	}
	wb_stat_ended(&run);
}

/* -------------------------------------------------------- writeback -- */

/* Pages write_cache_pages looks up at a time (Linux's folio_batch, 31). */
#define WB_BATCH 31

/*
 * folio_clear_dirty_for_io then folio_start_writeback of a page
 * write_cache_pages holds locked, of a mapping that writes back: its PTEs
 * cleaned first (folio_mkclean), then PG_dirty off and PG_writeback on in
 * one atomic step (the page is locked: no one else clears PG_dirty or sets
 * PG_writeback meanwhile, and a reader sees it dirty or under writeback,
 * never neither).  The counters are the caller's, a batch at a time
 * (wb_stat_started; mapping->nrdirty).  True if the page was dirty.
 */
static bool clear_dirty_start_writeback(struct page *page)
{
	unsigned long old;

	if (folio_mkclean(page))
		folio_mark_dirty(page); /* a dirty PTE's data is the page's */
	old = atomic_load_explicit(&page->flags, memory_order_relaxed);
	do {
		if (!(old & (1UL << PG_dirty)))
			return false;
	} while (!atomic_compare_exchange_weak(&page->flags, &old,
					       (old & ~(1UL << PG_dirty)) | (1UL << PG_writeback)));
	return true;
}

/* Write one page of the batch (locked already if held) if it is still
 * this mapping's and dirty; true if it was handed to writepage (*err its
 * result), which unlocks it.  run counts it. */
static bool write_one_page(struct address_space *m, struct page *page, bool held,
			   struct writeback_control *wbc, writepage_t writepage, void *data,
			   struct wb_stat_run *run, int *err)
{
	if (!held)
		lock_page(page);
	if (page->mapping != m || !clear_dirty_start_writeback(page)) {
		unlock_page(page);
		return false;
	}
	wb_stat_add(run, page, wb_stat_started);
	*err = writepage(page, wbc, data); /* ends writeback, unlocks */
	wbc->nr_to_write--;
	return true;
}

int write_cache_pages(struct address_space *m, struct writeback_control *wbc, writepage_t writepage,
		      void *data)
{
	unsigned long index = (unsigned long)(wbc->range_start >> PAGE_SHIFT);
	unsigned long end = wbc->range_end == MAX_LFS_FILESIZE ?
				    ~0UL :
				    (unsigned long)(wbc->range_end >> PAGE_SHIFT);
	struct page *pages[WB_BATCH];
	unsigned int n, i, nlocked;
	int ret = 0;

	do {
		struct wb_stat_run run = { 0 };
		unsigned long cleaned = 0;

		/* the first nlocked come locked, pinned by their lock: no
		 * reference to drop (filemap_get_dirty_pages) */
		n = filemap_get_dirty_pages(m, &index, end, pages, WB_BATCH, &nlocked);
		for (i = 0; i < n; i++) {
			bool held = i < nlocked;
			int err = 0;

			if (wbc->nr_to_write <= 0) {
				if (held)
					unlock_page(pages[i]);
			} else if (write_one_page(m, pages[i], held, wbc, writepage, data, &run,
						  &err)) {
				cleaned++;
			}
			if (!held)
				put_page(pages[i]);
			if (err && !ret)
				ret = err;
		}
		wb_stat_started(&run);
		if (cleaned) /* account_page_cleaned's part, for the batch */
			atomic_fetch_sub(&m->nrdirty, cleaned);
	} while (n == WB_BATCH && wbc->nr_to_write > 0);
	return ret;
}

int do_writepages(struct address_space *m, struct writeback_control *wbc)
{
	if (wbc->nr_to_write <= 0 || !mapping_can_writeback(m))
		return 0;
	return m->a_ops->writepages(m, wbc);
}

int filemap_fdatawrite_range(struct address_space *m, loff_t start, loff_t end)
{
	struct writeback_control wbc = { .nr_to_write = (long)(~0UL >> 1),
					 .sync_mode = WB_SYNC_ALL,
					 .range_start = start,
					 .range_end = end };

	return do_writepages(m, &wbc);
}

int filemap_write_and_wait_range(struct address_space *m, loff_t start, loff_t end)
{
	int err = 0, err2;

	if (end < start)
		return 0;
	if (mapping_can_writeback(m) && m->nrpages)
		err = filemap_fdatawrite_range(m, start, end);
	err2 = filemap_check_errors(m);
	return err ? err : err2;
}

int file_write_and_wait_range(struct file *f, loff_t start, loff_t end)
{
	struct address_space *m = f->f_mapping;
	int err = 0, err2;

	if (end < start)
		return 0;
	if (mapping_can_writeback(m) && m->nrpages)
		err = filemap_fdatawrite_range(m, start, end);
	err2 = file_check_and_advance_wb_err(f);
	return err ? err : err2;
}

/* ------------------------------------------------------- throttling -- */

static void balance_dirty_pages(struct bdi_writeback *wb)
{
	unsigned long bg, thresh, dirty = global_dirty_pages();

	global_dirty_limits(&bg, &thresh);
	if (dirty <= (bg + thresh) / 2) /* freerun */
		return;
	if (dirty > bg)
		wb_start_background_writeback(wb);
	if (dirty <= thresh)
		return;
	/* over the limit: wait for the flusher (mmkit runs it now) */
	run_timers();
	if (global_dirty_pages() > thresh)
		sim_sleep((u64)MAX_PAUSE * NSEC_PER_JIFFY);
}

void balance_dirty_pages_ratelimited(struct address_space *m)
{
	struct task_struct *t = this_cpu() ? current : NULL;
	struct inode *inode = m->host;

	if (!t || !inode || !mapping_can_writeback(m))
		return;
	if (t->nr_dirtied < DIRTY_POLL_PAGES)
		return;
	t->nr_dirtied = 0;
	balance_dirty_pages(&inode->i_sb->s_bdi->wb);
}
