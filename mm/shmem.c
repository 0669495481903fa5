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
 */
#include <errno.h>
#include <string.h>
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/writeback.h"

static const struct inode_operations shmem_dir_inode_operations;
static const struct inode_operations shmem_inode_operations;
static const struct file_operations shmem_file_operations;
static const struct address_space_operations shmem_aops;
static const struct vm_operations_struct shmem_vm_ops;

/* ------------------------------------------------------------- inodes -- */

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
	root = shmem_get_inode(sb, MMK_S_IFDIR | 01777);
	if (!root || !d_alloc_root(sb, root)) {
		if (root)
			iput(root);
		kill_sb(sb);
		return NULL;
	}
	if (minor == 1)
		sb->s_next_ino = 1;          /* shm objects number from 1 (the harness renumbers) */
	return sb;
}

static int shmem_lookup(struct inode *dir, struct dentry *d)
{
	(void)dir, (void)d;
	return -ENOENT;                  /* every tmpfs name is in the dcache */
}

static int shmem_mknod(struct inode *dir, struct dentry *d, umode_t mode)
{
	struct inode *inode = shmem_get_inode(dir->i_sb, mode);

	if (!inode)
		return -ENOSPC;              /* Linux: shmem_get_inode's -ENOSPC */
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
	return READ_ONCE(inode->i_mapping->nrpages) * (PAGE_SIZE / 512);
}

/* ---------------------------------------------------------- read/write -- */

static const u8 zero_buf[PAGE_SIZE];

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
		struct page *page = filemap_get_page(inode->i_mapping, index);
		size_t off = pos & ~PAGE_MASK, n = min(PAGE_SIZE - off, len), left;
		loff_t isize = i_size_read(inode);

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
	return 0;                        /* noop_fsync */
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
	for (index = (unsigned long)(off >> PAGE_SHIFT); (loff_t)index << PAGE_SHIFT < isize; index++) {
		struct page *page = filemap_get_page(m, index);
		bool data = page && PageUptodate(page);

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
		unlock_page(page);               /* a new one stays !uptodate */
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

	if (vmf->pgoff >= DIV_ROUND_UP((unsigned long)i_size_read(inode), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	page = filemap_grab_page(inode->i_mapping, vmf->pgoff, true);
	if (!page)
		return VM_FAULT_OOM;
	if (!PageUptodate(page))
		SetPageUptodate(page);          /* zeroed when it was allocated */
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

	if (!(vma->vm_flags & VM_NORESERVE) && vm_enough_memory(size >> PAGE_SHIFT))
		return -ENOMEM;
	inode = shmem_get_inode(shm_sb, MMK_S_IFREG | 0777);
	if (!inode)
		return -ENOMEM;
	inode->i_nlink = 0;                      /* unlinked from the start */
	i_size_write(inode, (loff_t)size);
	f = alloc_file_pseudo(inode, "/dev/zero", MMK_O_RDWR, FMODE_READ | FMODE_WRITE);
	iput(inode);                             /* the file holds it now */
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
	.lookup = shmem_lookup, .create = shmem_create, .mkdir = shmem_mkdir,
	.unlink = shmem_unlink,
};
static const struct inode_operations shmem_inode_operations = {
	.setsize = shmem_setsize, .getblocks = shmem_getblocks,
};
static const struct file_operations shmem_file_operations = {
	.release = file_release,
	.read = shmem_file_read, .write = generic_file_write, .mmap = shmem_mmap,
	.fsync = shmem_fsync, .fallocate = shmem_fallocate, .llseek = shmem_file_llseek,
};
static const struct address_space_operations shmem_aops = {
	.dirty_folio = noop_dirty_folio,
};
static const struct vm_operations_struct shmem_vm_ops = {
	.fault = shmem_fault, .map_pages = filemap_map_pages,
};
