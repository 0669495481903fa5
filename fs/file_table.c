/*
 * file_table.c - struct file at the layout level (Linux fs/file_table.c):
 * an identity (device, inode, path) that VMAs reference and /proc/PID/maps
 * prints.  Nothing is opened; the page-cache work will give files content.
 *
 * The struct comes from the "filp" cache (Linux files_init); the path, which
 * Linux keeps in the dentry chain, is a kmalloc'ed copy.
 */
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"
#include "mmkit/slab.h"

static DEFINE_FAULT_SITE(file_alloc_fail, "file_alloc");
static struct kmem_cache *filp_cachep;
static void __fput(struct file *f);
static const struct file_operations file_ops = { .release = __fput };

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

/* The last reference is gone (fput): release the file's page cache too. */
static void __fput(struct file *f)
{
	if (f->f_mapping)
		mapping_release(f->f_mapping);
	kfree(f->path);
	kmem_cache_free(filp_cachep, f);
}
