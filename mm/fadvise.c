/*
 * fadvise.c - posix_fadvise (Linux mm/fadvise.c generic_fadvise).
 *
 * Memory file systems (tmpfs) only check the advice.  For files with a
 * device: NORMAL and SEQUENTIAL set the readahead window (ra_pages, twice
 * that), RANDOM turns readahead off for this open file, WILLNEED reads the
 * range now (force_page_cache_ra), DONTNEED starts writeback of the range
 * and drops its clean, unmapped pages, keeping partial pages at either end.
 * Linux's DONTNEED writes back first, but only starts the I/O, so the
 * pages it writes are still under writeback when it invalidates and stay
 * cached; a dirty page wholly past EOF needs no I/O, is cleaned at once
 * (ext4's writeback writes none of it) and is dropped.  mmkit's writeback
 * is synchronous, so it cleans the dirty pages past EOF first, then
 * invalidates, then writes back the rest: the same pages stay cached (seed
 * 1216 of level 6, index 225: the page a failed write(2) left dirty past
 * EOF; cases_nozero/seek_unwritten_dontneed.mm).
 */
#include <errno.h>
#include "mmkit/pagemap.h"
#include "mmkit/swap.h"
#include "mmkit/writeback.h"

/* DONTNEED's writeback, [start, end] (WB_SYNC_NONE). */
static void fadvise_writeback(struct address_space *m, loff_t start, loff_t end)
{
	struct writeback_control wbc = { .nr_to_write = (long)(~0UL >> 1),
					 .sync_mode = WB_SYNC_NONE,
					 .range_start = start,
					 .range_end = end };

	if (mapping_can_writeback(m))
		do_writepages(m, &wbc);
}

static bool page_is_dirty(struct address_space *m, unsigned long index)
{
	struct page *page = filemap_get_page(m, index);
	bool dirty = page && PageDirty(page);

	if (page)
		put_page(page);
	return dirty;
}

/* The part of DONTNEED's writeback that Linux finishes before it
 * invalidates: the dirty pages wholly past EOF, which have nothing to
 * write and are only cleaned.  Not the run of them that follows a dirty
 * page at EOF: they join its write (one extent, one bio) and are under
 * writeback with it (measured on the reference kernel). */
static void fadvise_clean_past_eof(struct address_space *m, loff_t offset, loff_t endbyte)
{
	loff_t eof = (i_size_read(m->host) + (loff_t)PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
	unsigned long index = (unsigned long)(eof >> PAGE_SHIFT);

	if (eof > offset && page_is_dirty(m, index - 1))
		while ((loff_t)index << PAGE_SHIFT <= endbyte && page_is_dirty(m, index))
			index++;
	eof = max((loff_t)index << PAGE_SHIFT, offset);
	if (endbyte >= eof)
		fadvise_writeback(m, eof, endbyte);
}

int vfs_fadvise(struct file *f, loff_t offset, loff_t len, int advice)
{
	struct address_space *m = f->f_mapping;
	struct inode *inode = f->f_inode;
	struct backing_dev_info *bdi = inode->i_sb->s_bdi;
	unsigned long start_index, end_index;
	loff_t endbyte;

	if (len < 0)
		return -EINVAL;
	if (!bdi->can_writeback)
		return advice >= MMK_POSIX_FADV_NORMAL && advice <= MMK_POSIX_FADV_NOREUSE ?
			       0 :
			       -EINVAL;
	endbyte = (loff_t)((unsigned long long)offset + (unsigned long long)len);
	if (!len || endbyte < len)
		endbyte = MAX_LFS_FILESIZE;
	else
		endbyte--;
	switch (advice) {
	case MMK_POSIX_FADV_NORMAL:
		f->f_ra.ra_pages = (unsigned int)bdi->ra_pages;
		f->f_mode &= ~(FMODE_RANDOM | FMODE_NOREUSE);
		break;
	case MMK_POSIX_FADV_RANDOM:
		f->f_mode |= FMODE_RANDOM;
		break;
	case MMK_POSIX_FADV_SEQUENTIAL:
		f->f_ra.ra_pages = (unsigned int)bdi->ra_pages * 2;
		f->f_mode &= ~FMODE_RANDOM;
		break;
	case MMK_POSIX_FADV_WILLNEED: {
		struct readahead_control ractl = { .file = f, .mapping = m, .ra = &f->f_ra };
		unsigned long nr;

		start_index = (unsigned long)(offset >> PAGE_SHIFT);
		end_index = (unsigned long)(endbyte >> PAGE_SHIFT);
		nr = end_index - start_index + 1;
		ractl._index = start_index;
		force_page_cache_ra(&ractl, nr ? nr : ~0UL);
		break;
	}
	case MMK_POSIX_FADV_NOREUSE:
		f->f_mode |= FMODE_NOREUSE;
		break;
	case MMK_POSIX_FADV_DONTNEED:
		fadvise_clean_past_eof(m, offset, endbyte);
		start_index = (unsigned long)((offset + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT);
		end_index = (unsigned long)(endbyte >> PAGE_SHIFT);
		if ((endbyte & ~PAGE_MASK) != ~PAGE_MASK && endbyte != i_size_read(inode) - 1) {
			if (end_index == 0)
				goto writeback;
			end_index--;
		}
		if (end_index >= start_index) {
			unsigned long count;

			lru_add_drain(); /* batched pages hold a reference */
			count = invalidate_mapping_pages(m, start_index, end_index);
			/* some may sit in another CPU's batch (Linux) */
			if (count < end_index - start_index + 1) {
				lru_add_drain_all();
				invalidate_mapping_pages(m, start_index, end_index);
			}
		}
writeback:
		fadvise_writeback(m, offset, endbyte);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
