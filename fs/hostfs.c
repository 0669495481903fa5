/*
 * hostfs.c - a host directory mounted in the simulated machine (named
 * after Linux's fs/hostfs, user-mode Linux's window on its host; the page
 * cache side follows ext4's buffered I/O).
 *
 * Each inode stands for one host file or directory and holds a host
 * descriptor for its life: directories an O_PATH one (names are resolved
 * with openat/fstatat relative to it), regular files one opened read-write
 * when the host allows it (read-only otherwise, and on a read-only mount).
 * The inode's number, device, size and link count come from the host's
 * stat; a host file looked up twice (two names, or after its dentry went)
 * is one inode.  A symbolic link is followed to its file (a dangling one is
 * an S_IFLNK inode with no descriptor); its dentry remembers it is a link,
 * so that unlink removes the link only and an O_NOFOLLOW open fails with
 * ELOOP, as Linux's.  Data moves only through the page cache: reads fill pages
 * with requests to the mount's block device (read_folio one page,
 * readahead one request per contiguous batch), writeback writes runs of
 * dirty pages (one request each, up to 64 pages); bytes past EOF are never
 * written, and are zeroed in the EOF page at each write-out, as ext4 does.
 * Size changes (truncate, extension, fallocate) reach the host at once.
 * The block device charges each request's time and may inject errors; a
 * failed write makes the mapping's error (fsync reports it once).
 *
 * The page cache side is ext4's with 4 KiB blocks (the reference machine's
 * file system): a block is mapped when the host file has data there or its
 * page is dirty (delayed allocation).  Whatever moves EOF over a partial
 * written block zeroes the rest of that block through the cache and dirties
 * its page (an unwritten one, fallocated and never written, is left clean)
 * (ext4_block_truncate_page, ext4_zero_partial_blocks): truncate down
 * (the new EOF block) or up (the old one), a write starting past EOF and
 * an extending fallocate (the gap), punching a hole (its partial blocks).
 * An uncached mapped block is read for that as ext4 reads a buffer: the
 * page stays not uptodate with valid contents (PG_private, ext4's
 * uptodate buffer), so the next read_folio needs no I/O; a hole is left
 * alone but its page is created, not uptodate.
 */
#include <errno.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/blkdev.h"
#include "mmkit/fault_inject.h"
#include "mmkit/host.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/writeback.h"

static const struct inode_operations hostfs_dir_iops;
static const struct inode_operations hostfs_file_iops;
static const struct file_operations hostfs_file_fops;
static const struct address_space_operations hostfs_aops;
static const struct super_operations hostfs_sops;

/* The inode for the host file open at fd (which it takes over, or closes
 * when the inode exists already).  NULL on -ENOMEM (fd closed). */
static struct inode *hostfs_iget(struct super_block *sb, int fd, const struct host_stat *st,
				 bool writable)
{
	struct inode *inode = ilookup(sb, st->ino);

	if (inode) {
		host_close(fd);
		return inode;
	}
	inode = new_inode(sb);
	if (!inode) {
		host_close(fd);
		return NULL;
	}
	inode->i_ino = st->ino;
	inode->i_mode = st->mode;
	inode->i_nlink = st->nlink;
	inode->i_dev_major = st->dev_major;
	inode->i_dev_minor = st->dev_minor;
	i_size_write(inode, st->size);
	inode->i_hostfd = fd;
	inode->i_host_writable = writable;
	if (MMK_S_ISDIR(st->mode)) {
		inode->i_op = &hostfs_dir_iops;
		inode->i_fop = &simple_dir_operations;
	} else {
		inode->i_op = &hostfs_file_iops;
		inode->i_fop = &hostfs_file_fops;
		inode->i_mapping->a_ops = &hostfs_aops;
	}
	return inode;
}

/* Open name in dir on the host and make its inode (lookup, create). */
static int hostfs_open_inode(struct inode *dir, const char *name, bool create, umode_t mode,
			     struct inode **out)
{
	struct host_stat st;
	int fd, err;

	if (!create) {
		err = host_stat_at(dir->i_hostfd, name, &st);
		if (err)
			return err;
		if (!MMK_S_ISDIR(st.mode) && !MMK_S_ISREG(st.mode))
			return -EPERM; /* devices, fifos, sockets: not here */
	}
	fd = host_open_at(dir->i_hostfd, name, !create && MMK_S_ISDIR(st.mode), create,
			  mode & 07777);
	if (fd < 0)
		return fd;
	err = host_fstat(fd, &st);
	if (err) {
		host_close(fd);
		return err;
	}
	*out = hostfs_iget(dir->i_sb, fd, &st, create);
	return *out ? 0 : -ENOMEM;
}

/* The inode of a symbolic link that leads nowhere: no host descriptor. */
static int hostfs_link_inode(struct super_block *sb, const struct host_stat *st, struct inode **out)
{
	struct inode *inode = ilookup(sb, st->ino);

	if (!inode) {
		inode = new_inode(sb);
		if (!inode)
			return -ENOMEM;
		inode->i_ino = st->ino;
		inode->i_mode = st->mode;
		inode->i_nlink = st->nlink;
		inode->i_dev_major = st->dev_major;
		inode->i_dev_minor = st->dev_minor;
		inode->i_op = &hostfs_file_iops;
	}
	*out = inode;
	return 0;
}

/* A name: its file, or for a symbolic link the file it leads to (the
 * dentry says it is a link, for unlink and O_NOFOLLOW), or the link itself
 * when it leads nowhere. */
static int hostfs_lookup(struct inode *dir, struct dentry *d)
{
	struct host_stat lst;
	struct inode *inode;
	int err;

	d->d_symlink = !host_lstat_at(dir->i_hostfd, d->d_name, &lst) && MMK_S_ISLNK(lst.mode);
	err = hostfs_open_inode(dir, d->d_name, false, 0, &inode);
	if (err == -ENOENT && d->d_symlink)
		err = hostfs_link_inode(dir->i_sb, &lst, &inode);
	if (!err)
		d_instantiate(d, inode);
	return err;
}

static int hostfs_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	struct inode *inode;
	int err = hostfs_open_inode(dir, d->d_name, true, mode, &inode);

	if (!err)
		d_instantiate(d, inode);
	return err;
}

static int hostfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	int err = host_mkdir_at(dir->i_hostfd, d->d_name, mode & 07777);

	if (!err)
		err = hostfs_lookup(dir, d);
	return err;
}

static int hostfs_unlink(struct inode *dir, struct dentry *d)
{
	int err = host_unlink_at(dir->i_hostfd, d->d_name);

	/* unlinking a symbolic link leaves the file it leads to alone */
	if (!err && (!d->d_symlink || MMK_S_ISLNK(d->d_inode->i_mode)))
		d->d_inode->i_nlink--;
	return err;
}

/* Does the host file have data in [off, off + PAGE_SIZE)? */
static bool host_has_data(int fd, loff_t off)
{
	long long data = host_seek_data(fd, off, false);

	return data >= 0 && data < off + (loff_t)PAGE_SIZE;
}

/* A mapped block (ext4's buffer_mapped after ext4_get_block): allocated on
 * the host, or delayed-allocated (a dirty page). */
static bool hostfs_page_is_data(struct inode *inode, unsigned long index)
{
	struct page *page = filemap_get_page(inode->i_mapping, index);
	bool dirty = page && (PageDirty(page) || PageWriteback(page));

	if (page)
		put_page(page);
	return dirty || host_has_data(inode->i_hostfd, (loff_t)index << PAGE_SHIFT);
}

static int hostfs_read_pages(struct inode *inode, struct page **pages, unsigned int n,
			     bool block_only);

/* The block under a clean page is an unwritten extent on the host
 * (fallocated, never written: it reads as zeros), which ext4's partial-block
 * zeroing leaves alone, page clean (measured on the reference kernel:
 * ftruncate up over a fallocated, never written EOF block dirties nothing,
 * over a written one it dirties the page).  FIEMAP syncs the host file
 * first, so data written back from here but not yet by the host counts as
 * written.  No FIEMAP (tmpfs): not unwritten. */
static bool hostfs_block_unwritten(struct inode *inode, struct page *page)
{
	struct host_extent ext;

	if (PageDirty(page) || PageWriteback(page))
		return false;
	return host_file_extents(inode->i_hostfd, page_offset(page), PAGE_SIZE, &ext, 1) == 1 &&
	       ext.unwritten && ext.logical <= page_offset(page) &&
	       ext.logical + ext.length >= page_offset(page) + (loff_t)PAGE_SIZE;
}

/*
 * Linux __ext4_block_zero_page_range: zero [from, from + len) inside one
 * block through the page cache and dirty the page.  The page is looked up
 * or created; a hole or an unwritten block is left as it is.  A mapped block's page that is not
 * uptodate is read as a buffer (PG_private: valid, not uptodate).  Caller
 * holds inode_lock.
 */
static int hostfs_block_zero_range(struct inode *inode, loff_t from, size_t len)
{
	unsigned long index = (unsigned long)(from >> PAGE_SHIFT);
	size_t off = (size_t)(from & ~PAGE_MASK);
	struct page *page = filemap_grab_page(inode->i_mapping, index, false);
	int err = 0;

	if (!page)
		return -ENOMEM;
	folio_mark_accessed(page); /* FGP_ACCESSED */
	len = min(len, PAGE_SIZE - off);
	if (!hostfs_page_is_data(inode, index) || hostfs_block_unwritten(inode, page))
		goto out; /* a hole or an unwritten block: nothing to zero */
	if (!PageUptodate(page) && !PagePrivate(page)) {
		err = hostfs_read_pages(inode, &page, 1, true);
		if (err)
			goto out;
		SetPagePrivate(page);
	}
	memset((u8 *)page_address(page) + off, 0, len);
	folio_mark_dirty(page);
out:
	unlock_page(page);
	put_page(page);
	return err;
}

/* Linux ext4_zero_partial_blocks: the partial blocks at the ends of
 * [lstart, lstart + length). */
static int hostfs_zero_partial_blocks(struct inode *inode, loff_t lstart, loff_t length)
{
	loff_t byte_end = lstart + length - 1;
	size_t partial_start = (size_t)(lstart & ~PAGE_MASK);
	size_t partial_end = (size_t)(byte_end & ~PAGE_MASK);
	int err = 0;

	if (length <= 0)
		return 0;
	if (lstart >> PAGE_SHIFT == byte_end >> PAGE_SHIFT) {
		if (partial_start || partial_end != PAGE_SIZE - 1)
			err = hostfs_block_zero_range(inode, lstart, (size_t)length);
		return err;
	}
	if (partial_start)
		err = hostfs_block_zero_range(inode, lstart, PAGE_SIZE);
	if (!err && partial_end != PAGE_SIZE - 1)
		err = hostfs_block_zero_range(inode, byte_end - (loff_t)partial_end,
					      partial_end + 1);
	return err;
}

/* Linux ext4_block_truncate_page: the rest of the block from `from`. */
static void hostfs_block_truncate_page(struct inode *inode, loff_t from)
{
	if (from & ~PAGE_MASK)
		hostfs_block_zero_range(inode, from, PAGE_SIZE);
}

/* ext4_setattr's size part: going up, the old EOF block's tail is zeroed;
 * going down (or to the same size), the page cache follows the new size,
 * then the host file, then the new EOF block's tail is zeroed (ext4_truncate).
 * Caller holds inode_lock. */
static int hostfs_setsize(struct inode *inode, loff_t size)
{
	loff_t old = i_size_read(inode);
	int err;

	if (size > old) {
		hostfs_block_truncate_page(inode, old);
		err = host_ftruncate(inode->i_hostfd, size);
		if (!err)
			i_size_write(inode, size);
		return err;
	}
	truncate_setsize(inode, size);
	err = host_ftruncate(inode->i_hostfd, size);
	if (!err)
		hostfs_block_truncate_page(inode, size);
	return err;
}

/* A write into a hole allocates a block (ext4_da_get_block_prep: a new
 * delayed block, buffer_new): a short copy still zeroes and dirties the
 * page (block_write_end's folio_zero_new_buffers).  Page locked. */
static bool hostfs_block_new(struct inode *inode, struct page *page)
{
	return !hostfs_page_is_data(inode, page->index);
}

/* A write past EOF: the gap's partial blocks (ext4_da_do_write_end). */
static void hostfs_write_gap(struct inode *inode, loff_t old, loff_t pos)
{
	hostfs_zero_partial_blocks(inode, old, pos - old);
}

/* st_blocks: the host's allocation plus the dirty pages over its holes,
 * as ext4 counts delayed allocation. */
static unsigned long hostfs_getblocks(struct inode *inode)
{
	struct address_space *m = inode->i_mapping;
	unsigned long blocks = 0, index = 0, extra = 0;
	struct host_stat st;

	if (!host_fstat(inode->i_hostfd, &st))
		blocks = st.blocks;
	while (atomic_load(&m->nrdirty)) {
		struct page *pages[16];
		unsigned int n = filemap_get_pages_range(m, &index, ~0UL, pages, 16), i;

		for (i = 0; i < n; i++) {
			if ((PageDirty(pages[i]) || PageWriteback(pages[i])) &&
			    !host_has_data(inode->i_hostfd, page_offset(pages[i])))
				extra += PAGE_SIZE / 512;
			put_page(pages[i]);
		}
		if (n < 16)
			break;
	}
	return blocks + extra;
}

/* ----------------------------------------------------------------- I/O -- */

static struct block_device *inode_bdev(struct inode *inode) { return inode->i_sb->s_bdev; }

/* After a read of pages[0..n) at pos returned got (bytes, or -errno): each
 * page gets its bytes past what was read zeroed and becomes uptodate (after
 * an error it stays not uptodate), unless block_only (a buffer read:
 * contents only, no flag); unlocked unless block_only (by the request, if
 * async: page_lock_handoff). */
static void hostfs_read_done(struct page **pages, unsigned int n, long long pos, long got,
			     bool block_only, bool async)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		loff_t off = page_offset(pages[i]) - pos;

		if (got >= 0) {
			size_t valid = off >= got ? 0 : (size_t)min((loff_t)PAGE_SIZE, got - off);

			memset((u8 *)page_address(pages[i]) + valid, 0, PAGE_SIZE - valid);
			if (!block_only)
				SetPageUptodate(pages[i]);
		}
		if (async)
			unlock_page_io(pages[i]);
		else if (!block_only)
			unlock_page(pages[i]);
	}
}

/* The request for pages (contiguous) up to EOF. */
static void hostfs_read_bio(struct bio *bio, struct inode *inode, struct page **pages,
			    unsigned int n)
{
	loff_t isize = i_size_read(inode);
	unsigned int i;

	bio->bi_bdev = inode_bdev(inode);
	bio->bi_op = REQ_OP_READ;
	bio->bi_hostfd = inode->i_hostfd;
	bio->bi_pos = page_offset(pages[0]);
	for (i = 0; i < n && page_offset(pages[i]) < isize; i++)
		bio_add_buf(bio, page_address(pages[i]),
			    (size_t)min((loff_t)PAGE_SIZE, isize - page_offset(pages[i])));
}

/* Read the pages (contiguous, locked, not uptodate) from the host in one
 * request, now (hostfs_read_done).  Pages wholly past EOF are zeroed. */
static int hostfs_read_pages(struct inode *inode, struct page **pages, unsigned int n,
			     bool block_only)
{
	struct bio bio = { 0 };
	long got = 0;

	hostfs_read_bio(&bio, inode, pages, n);
	if (bio.bi_size)
		got = submit_bio_wait(&bio);
	hostfs_read_done(pages, n, bio.bi_pos, got, block_only, false);
	return got < 0 ? (int)got : 0;
}

/* A page whose contents a block zeroing read (PG_private) is uptodate
 * without I/O (block_read_full_folio finding every buffer uptodate). */
static int hostfs_read_folio(struct file *f, struct page *page)
{
	(void)f;
	if (PagePrivate(page)) {
		ClearPagePrivate(page);
		SetPageUptodate(page);
		unlock_page(page);
		return 0;
	}
	return hostfs_read_pages(page->mapping->host, &page, 1, false);
}

#define HOSTFS_RA_EXTENTS 64 /* host_file_extents' most */

struct hostfs_rd {
	unsigned int n;
	struct page *pages[];
};

/* The completion of a readahead request: a failed one is absorbed (the
 * pages stay not uptodate; a later access reads them again), as Linux's
 * readahead ignores its errors. */
static void hostfs_read_end_io(struct bio *bio)
{
	struct hostfs_rd *rd = bio->bi_private;

	if (bio->bi_status < 0)
		fault_absorbed();
	hostfs_read_done(rd->pages, rd->n, bio->bi_pos, bio->bi_status, false, true);
	kfree(rd);
	bio_put(bio);
}

/* A run of data pages as one request, completed later (submit_bio); now,
 * if the request cannot be had. */
static void hostfs_read_async(struct inode *inode, struct page **pages, unsigned int n)
{
	struct hostfs_rd *rd = kmalloc(sizeof(*rd) + n * sizeof(struct page *), GFP_KERNEL);
	struct bio *bio = rd ? bio_alloc() : NULL;

	if (!bio) {
		kfree(rd);
		hostfs_read_pages(inode, pages, n, false);
		return;
	}
	rd->n = n;
	memcpy(rd->pages, pages, n * sizeof(struct page *));
	hostfs_read_bio(bio, inode, pages, n);
	bio->bi_end_io = hostfs_read_end_io;
	bio->bi_private = rd;
	for (unsigned int i = 0; i < n; i++)
		page_lock_handoff(pages[i]);
	submit_bio(bio);
}

/* The host's unwritten extents over the readahead's pages (FIEMAP, once,
 * at the first page with data): *n of them in ext, 0 if none or no FIEMAP. */
static void hostfs_ra_extents(struct readahead_control *rac, struct host_extent *ext, int *n)
{
	struct inode *inode = rac->mapping->host;
	loff_t start = page_offset(rac->_pages[0]);
	int got;

	if (*n >= 0)
		return;
	got = host_file_extents(inode->i_hostfd, start, (loff_t)rac->_nr_pages << PAGE_SHIFT, ext,
				HOSTFS_RA_EXTENTS);
	*n = got > 0 ? got : 0;
}

/* Does the page read as zeros without I/O: a hole, or an unwritten extent
 * (ext4_map_blocks without EXT4_MAP_MAPPED: ext4_mpage_readpages zeroes
 * it)?  Unwritten is asked of FIEMAP: the host's SEEK_DATA counts an
 * unwritten extent as data wherever the host caches a page of it (a large
 * folio left over a truncation, seed 9 of level 6, index 74). */
static bool hostfs_ra_zero(struct readahead_control *rac, struct page *page,
			   struct host_extent *ext, int *n)
{
	loff_t off = page_offset(page);

	if (!host_has_data(rac->mapping->host->i_hostfd, off))
		return true;
	hostfs_ra_extents(rac, ext, n);
	for (int e = 0; e < *n; e++)
		if (ext[e].unwritten && ext[e].logical <= off &&
		    ext[e].logical + ext[e].length >= off + (loff_t)PAGE_SIZE)
			return true;
	return false;
}

/*
 * Linux ext4_mpage_readpages: a page over a hole or an unwritten extent
 * (or past EOF) is zeroed and uptodate at once; each run of pages with data
 * is one request (up to BIO_MAX_VECS pages) whose completion comes later,
 * in order.
 */
static void hostfs_readahead(struct readahead_control *rac)
{
	struct host_extent ext[HOSTFS_RA_EXTENTS];
	unsigned int i = 0, n = rac->_nr_pages, j;
	int next = -1;

	while (i < n) {
		struct page *page = rac->_pages[i];

		if (hostfs_ra_zero(rac, page, ext, &next)) {
			memset(page_address(page), 0, PAGE_SIZE);
			SetPageUptodate(page);
			unlock_page(page);
			i++;
			continue;
		}
		for (j = i + 1; j < n && j - i < BIO_MAX_VECS &&
				!hostfs_ra_zero(rac, rac->_pages[j], ext, &next);
		     j++)
			;
		hostfs_read_async(rac->mapping->host, rac->_pages + i, j - i);
		i = j;
	}
}

/* Writeback batches: locked pages under writeback, contiguous. */
struct hostfs_wb_ctx {
	struct inode *inode;
	struct page *pages[BIO_MAX_VECS];
	unsigned int nr;
	int err;
};

/* Write the batch in one request (its last page only up to EOF) and end
 * writeback on each page; an error goes to the mapping. */
static void hostfs_submit_write(struct hostfs_wb_ctx *c)
{
	struct inode *inode = c->inode;
	struct bio bio = { .bi_bdev = inode_bdev(inode),
			   .bi_op = REQ_OP_WRITE,
			   .bi_hostfd = inode->i_hostfd,
			   .bi_pos = page_offset(c->pages[0]) };
	loff_t isize = i_size_read(inode);
	unsigned int i;
	long ret = 0;

	for (i = 0; i < c->nr && page_offset(c->pages[i]) < isize; i++)
		bio_add_buf(&bio, page_address(c->pages[i]),
			    (size_t)min((loff_t)PAGE_SIZE, isize - page_offset(c->pages[i])));
	if (bio.bi_size)
		ret = submit_bio_wait(&bio);
	if (ret >= 0 && (size_t)ret < bio.bi_size)
		ret = -EIO;
	if (ret < 0) {
		mapping_set_error(inode->i_mapping, (int)ret);
		if (!c->err)
			c->err = (int)ret;
	}
	folio_end_writeback_unlock_pages(c->pages, c->nr);
	c->nr = 0;
}

/* The page's part past EOF is zeroed on every write-out (ext4_bio_write_folio:
 * a shared mapping may have written there; i_size is read after the page
 * was cleaned and write-protected, as mpage_submit_folio reads it). */
static void hostfs_zero_eof_tail(struct inode *inode, struct page *page)
{
	loff_t isize = i_size_read(inode);
	size_t tail = (size_t)(isize & ~PAGE_MASK);

	if (tail && page->index == (unsigned long)(isize >> PAGE_SHIFT))
		memset((u8 *)page_address(page) + tail, 0, PAGE_SIZE - tail);
}

static int hostfs_writepage(struct page *page, struct writeback_control *wbc, void *data)
{
	struct hostfs_wb_ctx *c = data;

	(void)wbc;
	hostfs_zero_eof_tail(c->inode, page);
	if (c->nr && (page->index != c->pages[c->nr - 1]->index + 1 || c->nr == BIO_MAX_VECS))
		hostfs_submit_write(c);
	c->pages[c->nr++] = page;
	return 0;
}

static int hostfs_writepages(struct address_space *m, struct writeback_control *wbc)
{
	struct hostfs_wb_ctx c = { .inode = m->host };
	int err = write_cache_pages(m, wbc, hostfs_writepage, &c);

	if (c.nr)
		hostfs_submit_write(&c);
	return err ? err : c.err;
}

/* ---------------------------------------------------------- file ops -- */

static int hostfs_fsync(struct file *f, loff_t start, loff_t end, bool datasync)
{
	(void)datasync;
	return file_write_and_wait_range(f, start, end);
}

static long hostfs_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->f_inode;
	int keep = mode & MMK_FALLOC_FL_KEEP_SIZE;
	loff_t isize;
	long err;

	if (mode & ~(MMK_FALLOC_FL_KEEP_SIZE | MMK_FALLOC_FL_PUNCH_HOLE | MMK_FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if (!keep && (unsigned long)(off + len) > rlimit(RLIMIT_FSIZE))
		return -EFBIG;
	inode_lock(inode);
	isize = i_size_read(inode);
	if (mode & MMK_FALLOC_FL_PUNCH_HOLE) {
		/* ext4_punch_hole: nothing past EOF; the hole ends at the
		 * page holding EOF at most; partial blocks are zeroed */
		loff_t end = off + len;

		err = 0;
		if (off >= isize)
			goto out;
		if (end > isize)
			end = (isize + (loff_t)PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
		truncate_pagecache_range(inode, off, end - 1);
		err = host_fallocate(inode->i_hostfd, mode, off, end - off);
		if (!err)
			err = hostfs_zero_partial_blocks(inode, off, end - off);
		goto out;
	}
	if (mode & MMK_FALLOC_FL_ZERO_RANGE)
		truncate_pagecache_range(inode, off, off + len - 1);
	err = host_fallocate(inode->i_hostfd, mode, off, len);
	if (!err && !keep && off + len > isize) {
		i_size_write(inode, off + len);
		hostfs_zero_partial_blocks(inode, isize,
					   off + len - isize); /* ext4_alloc_file_blocks */
	}
out:
	inode_unlock(inode);
	return err;
}

/* The host extents from pos on, HOSTFS_RA_EXTENTS at a time: *n of them in
 * ext, which tell [pos, *covered); *n < 0 when the host has no FIEMAP. */
static void hostfs_seek_extents(struct inode *inode, loff_t pos, loff_t isize,
				struct host_extent *ext, int *n, loff_t *covered)
{
	*n = host_file_extents(inode->i_hostfd, pos, isize - pos, ext, HOSTFS_RA_EXTENTS);
	if (*n == HOSTFS_RA_EXTENTS && !ext[*n - 1].last)
		*covered = ext[*n - 1].logical + ext[*n - 1].length;
	else
		*covered = isize;
}

/*
 * Is the page at pos data for SEEK_DATA/SEEK_HOLE?  Linux's ext4 answers
 * with iomap_seek_data/iomap_seek_hole over its extents: a dirty page
 * (delayed allocation) or a written extent is data, a hole is a hole, and
 * inside an unwritten (fallocated) extent a page is data where the page
 * cache holds it uptodate or a shadow of it (mapping_seek_hole_data,
 * folio_seek_hole_data).  The extents come from the host's FIEMAP; where the
 * host has none (tmpfs), its own SEEK_DATA decides.
 */
static bool hostfs_seek_is_data(struct inode *inode, loff_t pos, const struct host_extent *ext,
				int n)
{
	unsigned long index = (unsigned long)(pos >> PAGE_SHIFT);
	void *entry;
	bool cached, dirty = false;

	if (n < 0)
		return hostfs_page_is_data(inode, index);
	entry = filemap_get_entry(inode->i_mapping, index);
	cached = entry != NULL;
	if (entry && !xa_is_value_entry(entry)) {
		struct page *page = entry;

		dirty = PageDirty(page) || PageWriteback(page);
		cached = PageUptodate(page);
		put_page(page);
	}
	if (dirty)
		return true;
	for (int e = 0; e < n; e++)
		if (ext[e].logical < pos + (loff_t)PAGE_SIZE &&
		    ext[e].logical + ext[e].length > pos)
			return ext[e].unwritten ? cached : true;
	return false;
}

/* SEEK_DATA/SEEK_HOLE, page by page (hostfs_seek_is_data). */
static loff_t hostfs_llseek(struct file *f, loff_t off, int whence)
{
	struct host_extent ext[HOSTFS_RA_EXTENTS];
	struct inode *inode = f->f_inode;
	loff_t isize = i_size_read(inode), pos, covered = 0;
	int n = 0;

	if (whence != MMK_SEEK_DATA && whence != MMK_SEEK_HOLE)
		return generic_file_llseek(f, off, whence);
	if (off < 0 || off >= isize)
		return -ENXIO;
	for (pos = off & ~(loff_t)(PAGE_SIZE - 1); pos < isize; pos += (loff_t)PAGE_SIZE) {
		if (pos >= covered)
			hostfs_seek_extents(inode, pos, isize, ext, &n, &covered);
		if (hostfs_seek_is_data(inode, pos, ext, n) == (whence == MMK_SEEK_DATA))
			break;
	}
	if (pos >= isize) {
		if (whence == MMK_SEEK_DATA)
			return -ENXIO;
		pos = isize;
	}
	f->f_pos = max(off, pos);
	return f->f_pos;
}

/* ------------------------------------------------------- super block -- */

static void hostfs_evict_inode(struct inode *inode)
{
	if (inode->i_hostfd >= 0)
		host_close(inode->i_hostfd);
	inode->i_hostfd = -1;
}

static void hostfs_put_super(struct super_block *sb)
{
	sync_inodes_sb(sb);
	kfree(sb->s_hostdir);
	sb->s_hostdir = NULL;
}

struct super_block *hostfs_fill_super(int dirfd, const char *hostdir, bool rdonly,
				      struct block_device *bdev)
{
	struct super_block *sb = sb_alloc("hostfs", bdev->bd_major, bdev->bd_minor);
	struct inode *root;
	struct host_stat st;

	if (!sb || host_fstat(dirfd, &st)) {
		host_close(dirfd);
		if (sb)
			kill_sb(sb);
		return NULL;
	}
	sb->s_flags = rdonly ? SB_RDONLY : 0;
	sb->s_bdev = bdev;
	sb->s_bdi = bdev->bd_bdi;
	sb->s_op = &hostfs_sops;
	sb->s_hostdir = kmalloc(strlen(hostdir) + 1, GFP_KERNEL);
	if (sb->s_hostdir)
		memcpy(sb->s_hostdir, hostdir, strlen(hostdir) + 1);
	root = hostfs_iget(sb, dirfd, &st, false);
	if (!sb->s_hostdir || !root || !d_alloc_root(sb, root)) {
		if (root)
			iput(root);
		kill_sb(sb);
		return NULL;
	}
	return sb;
}

static const struct inode_operations hostfs_dir_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.mkdir = hostfs_mkdir,
	.unlink = hostfs_unlink,
};
/* Write access (may_open for writing or O_TRUNC, truncate(2)): the host
 * file, opened read-only at lookup, is reopened read-write in place the
 * first time.  Racing callers both reopen; the second dup3 is harmless.
 * The host's refusal is the answer: EACCES for a file the user cannot
 * write, ETXTBSY for a program the host is running. */
static int hostfs_permission(struct inode *inode, int mask)
{
	int err;

	if (!(mask & MAY_WRITE) || READ_ONCE(inode->i_host_writable))
		return 0;
	err = host_reopen_rw(inode->i_hostfd);
	if (!err)
		WRITE_ONCE(inode->i_host_writable, true);
	return err;
}

static const struct inode_operations hostfs_file_iops = {
	.setsize = hostfs_setsize,
	.getblocks = hostfs_getblocks,
	.permission = hostfs_permission,
};
static long hostfs_read(struct file *f, unsigned long ubuf, size_t len, loff_t *pos)
{
	return filemap_read(f, ubuf, len, pos);
}
/* The reference's host mounts are ext4: MAP_SHARED_VALIDATE may name
 * MAP_SYNC (FOP_MMAP_SYNC), but without DAX any VM_SYNC mapping, of any
 * type, is refused once the area is cleared (ext4_file_mmap's
 * daxdev_mapping_supported): EOPNOTSUPP, and a MAP_FIXED leaves its gap. */
static int hostfs_mmap(struct file *f, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_SYNC)
		return -EOPNOTSUPP;
	return generic_file_mmap(f, vma);
}
static const struct file_operations hostfs_file_fops = {
	.fop_flags = FOP_MMAP_SYNC,
	.release = file_release,
	.get_unmapped_area = thp_get_unmapped_area,
	.read = hostfs_read,
	.write = generic_file_write,
	.mmap = hostfs_mmap,
	.fsync = hostfs_fsync,
	.fallocate = hostfs_fallocate,
	.llseek = hostfs_llseek,
};
static const struct address_space_operations hostfs_aops = {
	.read_folio = hostfs_read_folio,
	.readahead = hostfs_readahead,
	.writepages = hostfs_writepages,
	.dirty_folio = filemap_dirty_folio,
	.write_gap = hostfs_write_gap,
	.block_new = hostfs_block_new,
};
static const struct super_operations hostfs_sops = {
	.evict_inode = hostfs_evict_inode,
	.put_super = hostfs_put_super,
};
