/*
 * file_table.c - struct file (Linux fs/file_table.c): the open files of the
 * VFS, and the identity-only files that imported VMAs and the built-in exec
 * image reference (device, inode, path; nothing opened, pages read as
 * zeros).
 *
 * The struct comes from the "filp" cache (Linux files_init); the path,
 * which Linux keeps in the dentry chain, is a kmalloc'ed copy made at open
 * (d_path).  An open file holds a reference on its dentry and on its inode.
 * The last fput (inline in mm_vma.h) calls f_op->release, which is
 * file_release for every file: it drops the dentry and inode (an unlinked
 * inode may go with them) or, for an identity-only file, releases its
 * private page cache, then frees the struct.
 */
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/pagemap.h"
#include "mmkit/slab.h"

static DEFINE_FAULT_SITE(file_alloc_fail, "file_alloc");
static struct kmem_cache *filp_cachep;
static const struct file_operations file_ops = { .release = file_release };

/* Linux files_init: SLAB_HWCACHE_ALIGN, SLAB_PANIC, SLAB_ACCOUNT (mmkit has
 * no SLAB_TYPESAFE_BY_RCU). */
static int files_init(void)
{
	filp_cachep = kmem_cache_create("filp", sizeof(struct file), 0,
					SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	return 0;
}

static void files_exit(void)
{
	kmem_cache_destroy(filp_cachep);
	filp_cachep = NULL;
}
mmk_initcall(INIT_MM, files_init, files_exit);

/* A new file object with one reference: the struct from filp_cachep, the
 * path kmalloc'ed.  NULL on -ENOMEM (nothing allocated). */
struct file *file_id_get(unsigned int major, unsigned int minor, unsigned long ino,
			 const char *path)
{
	size_t n = strlen(path) + 1;
	struct file *f;

	if (should_fail(&file_alloc_fail))
		return NULL;
	f = kmem_cache_zalloc(filp_cachep, GFP_KERNEL);
	if (!f)
		return NULL;
	f->path = kmalloc(n, GFP_KERNEL);
	if (!f->path) {
		kmem_cache_free(filp_cachep, f);
		return NULL;
	}
	atomic_store(&f->f_count, 1);
	f->f_op = &file_ops;
	f->dev_major = major;
	f->dev_minor = minor;
	f->ino = ino;
	memcpy(f->path, path, n);
	return f;
}

/* The open-file part of a new file of inode. */
static void file_init_open(struct file *f, struct inode *inode, unsigned int flags, fmode_t mode)
{
	f->f_inode = igrab(inode);
	f->f_mapping = inode->i_mapping;
	f->f_op = inode->i_fop;
	f->f_flags = flags;
	f->f_mode = mode;
	f->shmem = inode->i_mapping->shmem;
	init_rwsem(&f->f_pos_lock);
	file_ra_state_init(&f->f_ra, inode->i_mapping);
	f->f_wb_err = errseq_sample(&inode->i_mapping->wb_err);
}

struct file *alloc_file(struct dentry *d, unsigned int flags, fmode_t mode)
{
	struct inode *inode = d->d_inode;
	char *path = d_path(d);
	struct file *f;

	if (!path)
		return NULL;
	f = file_id_get(inode->i_dev_major, inode->i_dev_minor, inode->i_ino, path);
	kfree(path);
	if (!f)
		return NULL;
	f->f_dentry = dget(d);
	file_init_open(f, inode, flags, mode);
	return f;
}

struct file *alloc_file_pseudo(struct inode *inode, const char *path, unsigned int flags,
			       fmode_t mode)
{
	struct file *f = file_id_get(inode->i_dev_major, inode->i_dev_minor, inode->i_ino, path);

	if (!f)
		return NULL;
	f->deleted = true; /* no name: maps print " (deleted)" */
	file_init_open(f, inode, flags, mode);
	return f;
}

bool file_deleted(const struct file *f)
{
	return f->deleted || (f->f_dentry && d_unlinked(f->f_dentry));
}

void file_release(struct file *f)
{
	if (f->f_inode) {
		destroy_rwsem(&f->f_pos_lock);
		if (f->f_dentry)
			dput(f->f_dentry);
		iput(f->f_inode);
	} else if (f->f_mapping) {
		mapping_release(f->f_mapping);
	}
	kfree(f->path);
	kmem_cache_free(filp_cachep, f);
}
