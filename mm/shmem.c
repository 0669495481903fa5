/*
 * shmem.c - files whose pages live in memory: tmpfs (the root file system)
 * and the shmem objects behind MAP_SHARED|MAP_ANONYMOUS (Linux mm/shmem.c at
 * the level mmkit needs).
 *
 * A shmem inode's page cache is its storage: pages are created zeroed on
 * the first write, fault or fallocate, are swap-backed (meminfo Shmem and
 * Cached, RssShmem), are never written back (noop_dirty_folio: PG_dirty
 * without accounting), and go only with truncation, hole punching or the
 * inode.  A read of a hole copies zeros without creating a page; a fault
 * creates one.  A fallocated page stays not-uptodate (a hole for SEEK_DATA)
 * until it is written or faulted.  st_blocks counts the pages held.  tmpfs
 * has no size limit here (Linux's default is half of RAM).
 *
 * Shared anonymous memory (shmem_zero_setup): an unlinked "/dev/zero" file
 * on the internal shm mount (device 00:01, inode numbers from 1) whose size
 * is the mapping's length at mmap time, charged to overcommit unless
 * MAP_NORESERVE (shmem_acct_size).  Every VMA mapping it - the parent's and,
 * after fork, the child's - finds the same pages.  mremap can grow a
 * mapping past the object: a fault there is SIGBUS.
 *
 * Imported "/dev/zero (deleted)" VMAs (the `vma` line) are identity-only
 * files with the shmem flag: their private page cache has shmem pages and
 * the size the line implies (identity_shmem_fault).
 *
 * Swap (Linux shmem_writeout, shmem_swapin_folio, shmem_unuse): reclaim
 * moves a dirty, unmapped shmem page to swap: it gets a slot, and its
 * page-cache slot takes the swap entry as a value entry (a shmem reference
 * on the slot, m->swapped + 1; the page leaves Shmem and the page cache
 * for the swap cache, from which it is written and freed).  Anything that
 * needs the page back - a fault, read(2), write(2), fallocate, swapoff -
 * reads it into the swap cache, moves it back into the page cache in the
 * entry's place, dirty, and drops the slot.  A failed read keeps the entry
 * (a fault is SIGBUS, a read -EIO) and nothing is lost; only swapoff,
 * which must empty the area, replaces an unreadable entry with a poisoned
 * one (Linux's swapin error entry: -EIO / SIGBUS from then on).  Truncation
 * and hole punching free the entries of their range.  Mappings with swap
 * entries are on shmem_swaplist, for swapoff.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/swap.h"
#include "mmkit/wait.h"
#include "mmkit/writeback.h"

static const struct inode_operations shmem_dir_inode_operations;
static const struct inode_operations shmem_inode_operations;
static const struct file_operations shmem_file_operations;
static const struct address_space_operations shmem_aops;
static const struct vm_operations_struct shmem_vm_ops;

/* ------------------------------------------------------------- inodes -- */

/* Linux shmem_evict_inode: the object's charge (shmem_unacct_size). */
static void shmem_evict_inode(struct inode *inode)
{
	if (inode->i_acct_pages) {
		atomic_fetch_sub(&shmem_committed, (long)inode->i_acct_pages);
		vm_unacct_memory((long)inode->i_acct_pages);
		inode->i_acct_pages = 0;
	}
}

static const struct super_operations shmem_sops = { .evict_inode = shmem_evict_inode };

static struct inode *shmem_get_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = sb->s_next_ino++;
	inode->i_mode = mode;
	inode->i_mapping->shmem = true;
	inode->i_mapping->a_ops = &shmem_aops;
	if (MMK_S_ISDIR(mode)) {
		inode->i_op = &shmem_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inode->i_nlink = 2;
	} else {
		inode->i_op = &shmem_inode_operations;
		inode->i_fop = &shmem_file_operations;
	}
	return inode;
}

struct super_block *shmem_fill_super(unsigned int minor, const char *type)
{
	struct super_block *sb = sb_alloc(type, 0, minor);
	struct inode *root;

	if (!sb)
		return NULL;
	sb->s_next_ino = 1;
	sb->s_op = &shmem_sops;
	root = shmem_get_inode(sb, MMK_S_IFDIR | 01777);
	if (!root || !d_alloc_root(sb, root)) {
		if (root)
			iput(root);
		kill_sb(sb);
		return NULL;
	}
	if (minor == 1)
		sb->s_next_ino = 1; /* shm objects number from 1 (the harness renumbers) */
	return sb;
}

static int shmem_lookup(struct inode *dir, struct dentry *d)
{
	(void)dir, (void)d;
	return -ENOENT; /* every tmpfs name is in the dcache */
}

static int shmem_mknod(struct inode *dir, struct dentry *d, umode_t mode)
{
	struct inode *inode = shmem_get_inode(dir->i_sb, mode);

	if (!inode)
		return -ENOSPC; /* Linux: shmem_get_inode's -ENOSPC */
	d_instantiate(d, inode);
	if (MMK_S_ISDIR(mode))
		dir->i_nlink++;
	return 0;
}

static int shmem_create(struct inode *dir, struct dentry *d, umode_t mode)
{
	return shmem_mknod(dir, d, (mode & ~MMK_S_IFMT) | MMK_S_IFREG);
}

static int shmem_mkdir(struct inode *dir, struct dentry *d, umode_t mode)
{
	return shmem_mknod(dir, d, (mode & ~MMK_S_IFMT) | MMK_S_IFDIR);
}

static int shmem_unlink(struct inode *dir, struct dentry *d)
{
	(void)dir;
	d->d_inode->i_nlink--;
	return 0;
}

/* The size changes: shrinking drops the pages past it (shmem_setattr). */
static int shmem_setsize(struct inode *inode, loff_t size)
{
	if (size < i_size_read(inode))
		truncate_setsize(inode, size);
	else
		i_size_write(inode, size);
	return 0;
}

static unsigned long shmem_getblocks(struct inode *inode)
{
	struct address_space *m = inode->i_mapping;

	return (READ_ONCE(m->nrpages) + READ_ONCE(m->swapped)) * (PAGE_SIZE / 512);
}

/* --------------------------------------------------------------- swap -- */

static DEFINE_SPINLOCK(shmem_swaplist_lock);
static LIST_HEAD(shmem_swaplist);

static swp_entry_t radix_to_swp_entry(const void *entry)
{
	return (swp_entry_t){ xa_to_value(entry) };
}

/* m holds one swap entry more (+1) or less (-1).  i_pages_lock is not
 * needed: changes happen with the entry's slot claimed by the caller. */
static void shmem_swapped_add(struct address_space *m, long n)
{
	__atomic_fetch_add(&m->swapped, (unsigned long)n, __ATOMIC_RELAXED);
}

/* The first swap-out of m puts it on shmem_swaplist (before the page leaves
 * the cache: its lock protects m until then). */
static void shmem_swaplist_add(struct address_space *m)
{
	spin_lock(&shmem_swaplist_lock);
	if (list_empty(&m->swaplist))
		list_add_tail(&m->swaplist, &shmem_swaplist);
	spin_unlock(&shmem_swaplist_lock);
}

static bool shmem_eviction_allowed(void *m)
{
	return !atomic_load(&((struct address_space *)m)->stop_eviction);
}

/* Linux waits on stop_eviction with wait_var_event: a sleeping wait. */
static const struct wait_ops shmem_eviction_wait = { .done = shmem_eviction_allowed, .spins = 16 };

void shmem_swaplist_del(struct address_space *m)
{
	wait_until(&shmem_eviction_wait, m, IPI_ALL); /* shmem_unuse is on it */
	spin_lock(&shmem_swaplist_lock);
	list_del_init(&m->swaplist);
	spin_unlock(&shmem_swaplist_lock);
}

int shmem_writeout(struct page *page, struct swap_iocb **plug)
{
	struct address_space *m = page->mapping;
	swp_entry_t entry;

	VM_BUG_ON(!PageLocked(page) || page_mapcount(page) > 0 || !m || !m->shmem);
	if (!total_swap_pages)
		return -ENOMEM;
	if (!PageUptodate(page)) { /* fallocated: its zeros are data now */
		memset(page_address(page), 0, PAGE_SIZE);
		SetPageUptodate(page);
	}
	if (folio_alloc_swap(page))
		return -ENOMEM;
	entry = page_swap_entry(page);
	shmem_swapped_add(m, 1);
	shmem_swaplist_add(m);
	swap_shmem_alloc(entry);
	if (filemap_replace_page_with_value(m, page, xa_mk_value(entry.val))) {
		shmem_swapped_add(m, -1); /* truncated meanwhile: give it back */
		swap_free(entry);
		swap_cache_del_folio(page);
		return -EAGAIN;
	}
	put_page(page); /* the page cache's reference */
	return swap_writeout(page, plug);
}

/* The page of a value entry in the swap cache, read in if needed, locked,
 * still entry's; NULL with *err. */
static struct page *shmem_swapin_cache(swp_entry_t swap, int *err)
{
	struct page *page = swap_cache_lookup(swap);
	bool new;

	if (!page)
		page = read_swap_cache_async(swap, &new, false);
	if (!page) {
		*err = swap_entry_in_use(swap) ? -ENOMEM : -EEXIST;
		return NULL;
	}
	lock_page(page);
	if (!PageSwapCache(page) || page_swap_entry(page).val != swap.val) {
		unlock_page(page);
		put_page(page);
		*err = -EEXIST;
		return NULL;
	}
	return page;
}

struct page *shmem_swapin_locked(struct address_space *m, unsigned long index, void *entry,
				 int *err)
{
	swp_entry_t swap = radix_to_swp_entry(entry);
	struct swap_info_struct *si;
	struct page *page;
	int e = 0;

	if (non_swap_entry(swap)) { /* poisoned by swapoff */
		e = -EIO;
		goto out_err;
	}
	si = get_swap_device(swap);
	if (!si) {
		e = -EEXIST; /* swapoff brought it back meanwhile */
		goto out_err;
	}
	/* the area is held to the end, over swap_free too (Linux
	 * shmem_swapin_folio puts it last) */
	page = shmem_swapin_cache(swap, &e);
	if (!page)
		goto out_put;
	if (!PageUptodate(page))
		e = -EIO; /* the read failed: the entry stays */
	else
		e = filemap_add_page_replace(m, page, index, entry);
	if (e) {
		unlock_page(page);
		put_page(page);
		goto out_put;
	}
	swap_cache_del_folio(page); /* now the page cache's */
	SetPageDirty(page);	    /* the only copy is in memory */
	shmem_swapped_add(m, -1);
	swap_free(swap); /* shmem's reference */
	put_swap_device(si);
	return page;
out_put:
	put_swap_device(si);
out_err:
	if (err)
		*err = e;
	return NULL;
}

void shmem_free_swap_range(struct address_space *m, unsigned long start, unsigned long end)
{
	unsigned long idx[16];
	void *vals[16];
	unsigned int n, i;

	while (start < end && (n = filemap_get_values_range(m, &start, end, idx, vals, 16))) {
		for (i = 0; i < n; i++) {
			swp_entry_t swap = radix_to_swp_entry(vals[i]);

			if (!filemap_erase_value(m, idx[i], vals[i]))
				continue; /* swapped in meanwhile */
			if (non_swap_entry(swap))
				continue; /* a poisoned entry: nothing to free */
			shmem_swapped_add(m, -1);
			free_swap_and_cache(swap);
		}
	}
}

unsigned long shmem_partial_swap_usage(struct address_space *m, unsigned long start,
				       unsigned long end)
{
	unsigned long idx[16], swapped = 0;
	void *vals[16];
	unsigned int n, i;

	if (!READ_ONCE(m->swapped))
		return 0;
	while (start < end && (n = filemap_get_values_range(m, &start, end, idx, vals, 16)))
		for (i = 0; i < n; i++)
			swapped += !non_swap_entry(radix_to_swp_entry(vals[i]));
	return swapped << PAGE_SHIFT;
}

/* Swapoff could not read the page of entry: the slot goes, the page cache
 * keeps a poisoned entry (Linux shmem_set_folio_swapin_error). */
static void shmem_poison_entry(struct address_space *m, unsigned long index, void *entry)
{
	void *poison = xa_mk_value(swp_entry(SWP_PTE_MARKER, PTE_MARKER_POISONED).val);

	if (!filemap_erase_value(m, index, entry))
		return;
	shmem_swapped_add(m, -1);
	free_swap_and_cache(radix_to_swp_entry(entry));
	if (filemap_add_value(m, index, poison))
		printk(KERN_WARNING "shmem: swapoff lost the page at index %lu\n", index);
}

/* Bring back m's entries of area type (Linux shmem_unuse_inode).  0 or -ENOMEM. */
static int shmem_unuse_mapping(struct address_space *m, unsigned int type)
{
	unsigned long start = 0, idx[16];
	void *vals[16];
	unsigned int n, i;
	int err;

	while ((n = filemap_get_values_range(m, &start, ~0UL, idx, vals, 16))) {
		for (i = 0; i < n; i++) {
			struct page *page;

			if (swp_type(radix_to_swp_entry(vals[i])) != type)
				continue;
			err = 0;
			page = shmem_swapin_locked(m, idx[i], vals[i], &err);
			if (page) {
				unlock_page(page);
				put_page(page);
			} else if (err == -ENOMEM) {
				return err;
			} else if (err == -EIO) {
				shmem_poison_entry(m, idx[i], vals[i]);
			}
		}
	}
	return 0;
}

int shmem_unuse(unsigned int type)
{
	struct address_space *m, *next;
	int err = 0;

	spin_lock(&shmem_swaplist_lock);
	list_for_each_entry_safe(m, next, &shmem_swaplist, swaplist) {
		if (!READ_ONCE(m->swapped)) {
			list_del_init(&m->swaplist);
			continue;
		}
		atomic_fetch_add(&m->stop_eviction, 1); /* m cannot be freed */
		spin_unlock(&shmem_swaplist_lock);
		err = shmem_unuse_mapping(m, type);
		spin_lock(&shmem_swaplist_lock);
		next = list_entry(m->swaplist.next, struct address_space, swaplist);
		if (!READ_ONCE(m->swapped))
			list_del_init(&m->swaplist);
		atomic_fetch_sub(&m->stop_eviction, 1);
		if (err)
			break;
	}
	spin_unlock(&shmem_swaplist_lock);
	return err;
}

/* Every shmem swap entry, for verify: fn(entry) per value entry of every
 * mapping on the swaplist.  Machine quiescent. */
void shmem_for_each_swap_entry(void (*fn)(swp_entry_t entry, void *arg), void *arg)
{
	struct address_space *m;

	spin_lock(&shmem_swaplist_lock);
	list_for_each_entry(m, &shmem_swaplist, swaplist) {
		unsigned long start = 0, idx[16];
		void *vals[16];
		unsigned int n, i;

		while ((n = filemap_get_values_range(m, &start, ~0UL, idx, vals, 16)))
			for (i = 0; i < n; i++)
				fn(radix_to_swp_entry(vals[i]), arg);
	}
	spin_unlock(&shmem_swaplist_lock);
}

/* The page at index, locked, with a reference: swapped back in if it is in
 * swap, created (zeroed, not uptodate) if missing (Linux shmem_get_folio).
 * NULL with *err: -ENOMEM, -EIO (unreadable swap). */
static struct page *shmem_get_page(struct address_space *m, unsigned long index, int *err)
{
	for (;;) {
		void *entry = filemap_get_entry(m, index);
		struct page *page;

		if (entry && xa_is_value_entry(entry)) {
			page = shmem_swapin_locked(m, index, entry, err);
			if (page || *err != -EEXIST)
				return page;
			continue;
		}
		if (entry)
			put_page(entry);
		page = filemap_grab_page(m, index, true);
		*err = -ENOMEM;
		return page;
	}
}

/* ---------------------------------------------------------- read/write -- */

static const u8 zero_buf[PAGE_SIZE];

/* The page at index for read(2), with a reference: a page in swap is
 * swapped back in (*err -EIO if it cannot be read); a hole is NULL. */
static struct page *shmem_read_page(struct address_space *m, unsigned long index, int *err)
{
	void *entry = filemap_get_entry(m, index);
	struct page *page;

	*err = 0;
	while (entry && xa_is_value_entry(entry)) {
		page = shmem_swapin_locked(m, index, entry, err);
		if (page) {
			unlock_page(page);
			return page;
		}
		if (*err != -EEXIST)
			return NULL;
		*err = 0;
		entry = filemap_get_entry(m, index);
	}
	return entry;
}

/* shmem_file_read_iter: holes and fallocated pages read as zeros; no page
 * is created and there is no readahead. */
static long shmem_file_read(struct file *f, unsigned long ubuf, size_t len, loff_t *ppos)
{
	struct inode *inode = f->f_inode;
	loff_t pos = *ppos;
	long done = 0;
	int err = 0;

	while (len && pos < i_size_read(inode)) {
		unsigned long index = (unsigned long)(pos >> PAGE_SHIFT);
		struct page *page = shmem_read_page(inode->i_mapping, index, &err);
		size_t off = pos & ~PAGE_MASK, n = min(PAGE_SIZE - off, len), left;
		loff_t isize = i_size_read(inode);

		if (err)
			break;

		if (page && !PageUptodate(page)) {
			put_page(page);
			page = NULL;
		}
		if (pos >= isize) {
			if (page)
				put_page(page);
			break;
		}
		n = min(n, (size_t)(isize - pos));
		if (page)
			folio_mark_accessed(page);
		left = copy_to_user(ubuf + (unsigned long)done,
				    page ? (u8 *)page_address(page) + off : zero_buf, n);
		if (page)
			put_page(page);
		done += (long)(n - left);
		pos += (loff_t)(n - left);
		len -= n - left;
		if (left) {
			err = -EFAULT;
			break;
		}
	}
	*ppos = pos;
	return done ? done : err;
}

static int shmem_fsync(struct file *f, loff_t start, loff_t end, bool datasync)
{
	(void)f, (void)start, (void)end, (void)datasync;
	return 0; /* noop_fsync */
}

/* SEEK_DATA/SEEK_HOLE over the uptodate pages (mapping_seek_hole_data). */
static loff_t shmem_file_llseek(struct file *f, loff_t off, int whence)
{
	struct address_space *m = f->f_mapping;
	loff_t isize = i_size_read(f->f_inode);
	unsigned long index;

	if (whence != MMK_SEEK_DATA && whence != MMK_SEEK_HOLE)
		return generic_file_llseek(f, off, whence);
	if (off < 0 || off >= isize)
		return -ENXIO;
	for (index = (unsigned long)(off >> PAGE_SHIFT); (loff_t)index << PAGE_SHIFT < isize;
	     index++) {
		void *entry = filemap_get_entry(m, index);
		struct page *page = entry && !xa_is_value_entry(entry) ? entry : NULL;
		bool data = page ? PageUptodate(page) : entry != NULL;

		if (page)
			put_page(page);
		if (data == (whence == MMK_SEEK_DATA))
			break;
	}
	if ((loff_t)index << PAGE_SHIFT >= isize) {
		if (whence == MMK_SEEK_DATA)
			return -ENXIO;
		off = isize;
	} else {
		off = max(off, (loff_t)index << PAGE_SHIFT);
	}
	f->f_pos = off;
	return off;
}

/* fallocate: KEEP_SIZE and PUNCH_HOLE only, as Linux's shmem_fallocate. */
static long shmem_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->f_inode;
	unsigned long index, end;
	long err = 0;

	if (mode & ~(MMK_FALLOC_FL_KEEP_SIZE | MMK_FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	inode_lock(inode);
	if (mode & MMK_FALLOC_FL_PUNCH_HOLE) {
		truncate_pagecache_range(inode, off, off + len - 1);
		goto out;
	}
	if ((unsigned long)(off + len) > rlimit(RLIMIT_FSIZE)) {
		err = -EFBIG;
		goto out;
	}
	end = (unsigned long)((off + len - 1) >> PAGE_SHIFT);
	for (index = (unsigned long)(off >> PAGE_SHIFT); index <= end; index++) {
		struct page *page = filemap_grab_page(inode->i_mapping, index, true);

		if (!page) {
			err = -ENOSPC;
			break;
		}
		SetPageDirty(page); /* reclaim swaps it rather than frees it */
		unlock_page(page);  /* a new one stays !uptodate */
		put_page(page);
	}
	if (!err && !(mode & MMK_FALLOC_FL_KEEP_SIZE) && off + len > i_size_read(inode))
		i_size_write(inode, off + len);
out:
	inode_unlock(inode);
	return err;
}

/* -------------------------------------------------------------- fault -- */

/* Linux shmem_fault: the page at vmf->pgoff, created zeroed if missing;
 * SIGBUS past EOF.  Returns it locked (VM_FAULT_LOCKED) or VM_FAULT_OOM. */
static vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct page *page;
	int err;

	if (vmf->pgoff >= DIV_ROUND_UP((unsigned long)i_size_read(inode), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	page = shmem_get_page(inode->i_mapping, vmf->pgoff, &err);
	if (!page)
		return err == -EIO ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
	if (!PageUptodate(page))
		SetPageUptodate(page); /* zeroed when it was allocated */
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

static int shmem_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f;
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}

/* ------------------------------------------- shared anonymous memory -- */

/* Give a shared anonymous VMA its shmem object.  Returns 0 or -ENOMEM. */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	struct inode *inode;
	struct file *f;

	long charge = (vma->vm_flags & VM_NORESERVE) ? 0 : (long)(size >> PAGE_SHIFT);

	/* Linux shmem_acct_size: the object's size, unless MAP_NORESERVE */
	if (charge && vm_enough_memory(charge))
		return -ENOMEM;
	inode = shmem_get_inode(shm_sb, MMK_S_IFREG | 0777);
	if (!inode) {
		vm_unacct_memory(charge);
		return -ENOMEM;
	}
	inode->i_acct_pages = (unsigned long)charge; /* shmem_evict_inode releases it */
	atomic_fetch_add(&shmem_committed, charge);
	inode->i_nlink = 0; /* unlinked from the start */
	i_size_write(inode, (loff_t)size);
	f = alloc_file_pseudo(inode, "/dev/zero", MMK_O_RDWR, FMODE_READ | FMODE_WRITE);
	iput(inode); /* the file holds it now */
	if (!f)
		return -ENOMEM;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}

/* An imported "/dev/zero (deleted)" VMA: shmem pages in the file's own
 * cache, SIGBUS past the size its line implied (if known). */
vm_fault_t identity_shmem_fault(struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file;
	struct address_space *m = file_mapping(f);

	if (!m)
		return VM_FAULT_OOM;
	if (f->size && vmf->pgoff >= DIV_ROUND_UP(f->size, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	return filemap_get_or_create(m, vmf);
}

/* -------------------------------------------------------------- tables -- */

static const struct inode_operations shmem_dir_inode_operations = {
	.lookup = shmem_lookup,
	.create = shmem_create,
	.mkdir = shmem_mkdir,
	.unlink = shmem_unlink,
};
static const struct inode_operations shmem_inode_operations = {
	.setsize = shmem_setsize,
	.getblocks = shmem_getblocks,
};
static const struct file_operations shmem_file_operations = {
	.release = file_release,
	.read = shmem_file_read,
	.write = generic_file_write,
	.mmap = shmem_mmap,
	.fsync = shmem_fsync,
	.fallocate = shmem_fallocate,
	.llseek = shmem_file_llseek,
};
static const struct address_space_operations shmem_aops = {
	.dirty_folio = noop_dirty_folio,
};
static const struct vm_operations_struct shmem_vm_ops = {
	.fault = shmem_fault,
	.map_pages = filemap_map_pages,
};
