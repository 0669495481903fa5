/*
 * readahead.c - reading file pages before they are asked for (Linux
 * mm/readahead.c, 6.18; include/mmkit/pagemap.h).
 *
 * On-demand readahead: a read or fault that misses the cache reads a window
 * (page_cache_sync_ra): at the start of a file, or after a sequential miss,
 * a window of get_init_ra_size(request) with its last async_size pages
 * marked by PG_readahead on their first page; a random small miss reads
 * just what was asked, or, when the pages before it are cached (a stream
 * left its trace), a window as long as that trace.  A read that reaches a
 * marked page (page_cache_async_ra) pushes the window forward and ramps it
 * up (x4 while small, x2, then ra_pages).  Faults read around the faulting
 * page instead (filemap_fault's read-around: ra_pages centred on it, a
 * quarter of it async).  Every window is clipped to EOF.
 *
 * The window arithmetic is the 6.18 kernel's page_cache_ra_order path, as
 * the reference host's ext4 takes it (it supports large folios): the mark
 * sits at start + size - async_size whether or not EOF cuts the window
 * short.  mmkit's pages are all order 0, so where the host would read a
 * large folio mmkit reads its pages one by one, and only the first page
 * of what would be a marked folio carries the mark (ARCHITECTURE "Files").
 * The pages of a window go to the file system in contiguous batches
 * (a_ops->readahead: one request each); pages already cached split it.
 * I/O errors are left to the reader: a page that is not uptodate is read
 * again alone by whoever needs it.
 */
#include <errno.h>
#include "mmkit/blkdev.h"
#include "mmkit/fault_inject.h"
#include "mmkit/pagemap.h"
#include "mmkit/psi.h"
#include "mmkit/writeback.h"

void file_ra_state_init(struct file_ra_state *ra, struct address_space *m)
{
	struct inode *inode = m->host;

	ra->ra_pages =
		inode && inode->i_sb->s_bdi->can_writeback ? inode->i_sb->s_bdi->ra_pages : 0;
	ra->prev_pos = -1;
}

/* Hand the batch in ractl to the file system and start a new one (Linux
 * read_pages).  ->readahead owns every page's lock: it unlocks each when
 * its read ends, which may be later (an asynchronous request in flight
 * keeps its pages locked and not uptodate).  ->read_folio unlocks too.
 * A batch holding a refault of the working set (PG_workingset) is a
 * memory stall while it is handed over (PSI), as in Linux; the wait for
 * its pages' locks is one too (__lock_page). */
static void read_pages(struct readahead_control *ractl)
{
	struct address_space *m = ractl->mapping;
	unsigned int i;

	if (!ractl->_nr_pages)
		return;
	if (unlikely(ractl->_workingset))
		psi_memstall_enter(&ractl->_pflags);
	if (m->a_ops->readahead) {
		m->a_ops->readahead(ractl);
	} else {
		for (i = 0; i < ractl->_nr_pages; i++)
			m->a_ops->read_folio(ractl->file, ractl->_pages[i]);
	}
	if (unlikely(ractl->_workingset))
		psi_memstall_leave(&ractl->_pflags);
	ractl->_workingset = false;
	for (i = 0; i < ractl->_nr_pages; i++)
		put_page(ractl->_pages[i]); /* the cache keeps its own */
	ractl->_index += ractl->_nr_pages;
	ractl->_nr_pages = 0;
}

/* Add a new locked page at index to the batch; mark it if it is the mark.
 * 0, -EEXIST (present: the caller flushes the batch) or -ENOMEM. */
static int ra_alloc_page(struct readahead_control *ractl, unsigned long index, unsigned long mark)
{
	struct page *page;
	int err;

	if (ractl->_nr_pages == ARRAY_SIZE(ractl->_pages))
		read_pages(ractl);
	if (filemap_range_has_page(ractl->mapping, index, index))
		return -EEXIST;
	page = filemap_grab_page(ractl->mapping, index, false);
	if (!page) {
		fault_absorbed(); /* readahead is best effort */
		return -ENOMEM;
	}
	err = 0;
	if (PageUptodate(page) || ractl->_nr_pages != index - ractl->_index) {
		unlock_page(page); /* raced: someone else made it */
		put_page(page);
		return -EEXIST;
	}
	if (index == mark)
		SetPageReadahead(page);
	ractl->_workingset |= PageWorkingset(page); /* set by workingset_refault */
	ractl->_pages[ractl->_nr_pages++] = page;
	return err;
}

void page_cache_ra_unbounded(struct readahead_control *ractl, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	unsigned long index = ractl->_index, mark = ~0UL, i = 0;
	struct blk_plug plug;

	if (lookahead_size <= nr_to_read)
		mark = index + nr_to_read - lookahead_size;
	blk_start_plug(&plug); /* one batch for the disk */
	ractl->_nr_pages = 0;
	while (i < nr_to_read) {
		int err = ra_alloc_page(ractl, index + i, mark);

		if (err == -ENOMEM)
			break;
		if (err) { /* present: skip it */
			read_pages(ractl);
			ractl->_index++;
			i = ractl->_index - index;
			continue;
		}
		i++;
	}
	read_pages(ractl);
	blk_finish_plug(&plug);
}

/* Clip to the page holding the last byte, then read (do_page_cache_ra). */
static void do_page_cache_ra(struct readahead_control *ractl, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	loff_t isize = i_size_read(ractl->mapping->host);
	unsigned long end_index;

	if (isize == 0)
		return;
	end_index = (unsigned long)((isize - 1) >> PAGE_SHIFT);
	if (ractl->_index > end_index)
		return;
	if (nr_to_read > end_index - ractl->_index)
		nr_to_read = end_index - ractl->_index + 1;
	page_cache_ra_unbounded(ractl, nr_to_read, lookahead_size);
}

static struct backing_dev_info *mapping_bdi(struct address_space *m)
{
	return m->host ? m->host->i_sb->s_bdi : &noop_backing_dev_info;
}

void force_page_cache_ra(struct readahead_control *ractl, unsigned long nr_to_read)
{
	struct address_space *m = ractl->mapping;
	unsigned long max_pages = max(mapping_bdi(m)->io_pages, (unsigned long)ractl->ra->ra_pages);

	if (!m->a_ops || !m->a_ops->read_folio)
		return;
	nr_to_read = min(nr_to_read, max_pages);
	while (nr_to_read) {
		unsigned long chunk = min(nr_to_read, (2UL << 20) / PAGE_SIZE);
		unsigned long index = ractl->_index;

		do_page_cache_ra(ractl, chunk, 0);
		ractl->_index = index + chunk;
		nr_to_read -= chunk;
	}
}

static unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* 1-2 pages: 16k, 3-4: 32k, 5-8: 64k, more: ra_pages (for 128k max). */
static unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = roundup_pow_of_two(size);

	if (newsize <= max / 32)
		return newsize * 4;
	if (newsize <= max / 4)
		return newsize * 2;
	return max;
}

static unsigned long get_next_ra_size(const struct file_ra_state *ra, unsigned long max)
{
	unsigned long cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

static unsigned int ilog2_ul(unsigned long n)
{
	return n ? 63U - (unsigned int)__builtin_clzl(n) : 0;
}

/* Linux page_cache_ra_order with every folio of order 0: read
 * [start, min(EOF, start + size)) and mark start + size - async_size. */
static void page_cache_ra_order(struct readahead_control *ractl, struct file_ra_state *ra)
{
	struct address_space *m = ractl->mapping;
	unsigned long start = ractl->_index, index = start, mark, limit;
	loff_t isize = i_size_read(m->host);
	struct blk_plug plug;
	int err = 0;

	if (isize == 0)
		return;
	limit = min((unsigned long)((isize - 1) >> PAGE_SHIFT), start + ra->size - 1);
	mark = start + ra->size - ra->async_size;
	ra->order = min(ra->order, ilog2_ul(ra->size));
	blk_start_plug(&plug);
	ractl->_nr_pages = 0;
	while (index <= limit) {
		err = ra_alloc_page(ractl, index, mark);
		if (err)
			break;
		index++;
	}
	read_pages(ractl);
	/* pages already cached left gaps: the plain readahead fills them */
	ractl->_index = index;
	if (err && ra->size > index - start)
		do_page_cache_ra(ractl, ra->size - (index - start), ra->async_size);
	blk_finish_plug(&plug);
}

void ra_submit(struct file_ra_state *ra, struct readahead_control *ractl)
{
	ra->order = 0;
	ractl->_index = ra->start;
	page_cache_ra_order(ractl, ra);
}

/* The first index in [index, index + max_scan) with no page, or
 * index + max_scan (0 on wrap-around), as page_cache_next_miss. */
static unsigned long page_cache_next_miss(struct address_space *m, unsigned long index,
					  unsigned long max_scan)
{
	while (max_scan--) {
		if (!filemap_range_has_page(m, index, index))
			return index;
		if (++index == 0)
			return 0;
	}
	return index;
}

/* The first index at or below index with no page, scanning max_scan; ~0UL
 * when page 0 was reached cached (page_cache_prev_miss). */
static unsigned long page_cache_prev_miss(struct address_space *m, unsigned long index,
					  unsigned long max_scan)
{
	while (max_scan--) {
		if (!filemap_range_has_page(m, index, index))
			return index;
		if (index-- == 0)
			return ~0UL;
	}
	return index;
}

/* The window limit: ra_pages, or up to the device's optimal I/O size for a
 * larger request (ractl_max_pages). */
static unsigned long ractl_max_pages(struct readahead_control *ractl, unsigned long req)
{
	unsigned long max_pages = ractl->ra->ra_pages, io = mapping_bdi(ractl->mapping)->io_pages;

	if (req > max_pages && io > max_pages)
		max_pages = min(req, io);
	return max_pages;
}

void page_cache_sync_ra(struct readahead_control *ractl, unsigned long req_count)
{
	struct file_ra_state *ra = ractl->ra;
	unsigned long index = ractl->_index, max_pages, prev_index, miss, contig_count;
	bool forced = ractl->file && (ractl->file->f_mode & FMODE_RANDOM);

	if (!ra->ra_pages) {
		if (!ractl->file)
			return;
		req_count = 1;
		forced = true;
	}
	if (forced) {
		force_page_cache_ra(ractl, req_count);
		return;
	}
	max_pages = ractl_max_pages(ractl, req_count);
	prev_index = (unsigned long)((unsigned long long)ra->prev_pos >> PAGE_SHIFT);
	if (!index || req_count > max_pages || index - prev_index <= 1UL) {
		ra->start = index;
		ra->size = (unsigned int)get_init_ra_size(req_count, max_pages);
		ra->async_size =
			ra->size > req_count ? ra->size - (unsigned int)req_count : ra->size >> 1;
		goto readit;
	}
	miss = page_cache_prev_miss(ractl->mapping, index - 1, max_pages);
	contig_count = index - miss - 1;
	if (contig_count <= req_count) { /* a small random read */
		do_page_cache_ra(ractl, req_count, 0);
		return;
	}
	if (miss == ~0UL) /* cached from the start */
		contig_count *= 2;
	ra->start = index;
	ra->size = (unsigned int)min(contig_count + req_count, max_pages);
	ra->async_size = 1;
readit:
	ra->order = 0;
	ractl->_index = ra->start;
	page_cache_ra_order(ractl, ra);
}

void page_cache_async_ra(struct readahead_control *ractl, struct page *page,
			 unsigned long req_count)
{
	struct file_ra_state *ra = ractl->ra;
	unsigned long index = ractl->_index, max_pages, start, end, align, aligned_end;

	if (!ra->ra_pages || PageWriteback(page))
		return;
	ClearPageReadahead(page);
	max_pages = ractl_max_pages(ractl, req_count);
	if (index == ra->start + ra->size - ra->async_size) {
		ra->start += ra->size;
		ra->size =
			(unsigned int)max((unsigned long)ra->size, get_next_ra_size(ra, max_pages));
		goto readit;
	}
	/* a marked page without the state that made it (interleaved reads) */
	start = page_cache_next_miss(ractl->mapping, index + 1, max_pages);
	if (!start || start - index > max_pages)
		return;
	ra->start = start;
	ra->size = (unsigned int)(start - index + req_count);
	ra->size = (unsigned int)get_next_ra_size(ra, max_pages);
readit:
	ra->order += 2;
	align = 1UL << min(ra->order, (unsigned int)__builtin_ctzl(max_pages));
	end = ra->start + ra->size;
	aligned_end = end & ~(align - 1);
	if (aligned_end > ra->start)
		ra->size -= (unsigned int)(end - aligned_end);
	ra->async_size = ra->size;
	ractl->_index = ra->start;
	page_cache_ra_order(ractl, ra);
}
