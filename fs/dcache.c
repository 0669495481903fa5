/*
 * dcache.c - dentries, the names of the VFS tree (Linux fs/dcache.c at the
 * level mmkit needs; include/mmkit/fs.h).
 *
 * A dentry is a name in a directory, from the "dentry" slab cache, its name
 * kmalloc'ed.  Linked dentries are on their parent's d_subdirs list, which
 * holds a reference on each; a dentry holds one on its parent and owns one
 * reference on its inode.  A negative dentry (no inode) exists only during a
 * lookup or a create: mmkit caches no negative names.  d_delete (unlink)
 * takes a name off its parent: the dentry lives on while open files or
 * mappings refer to it, and d_path then appends " (deleted)" as Linux's
 * d_path does.  The tree is guarded by namespace_sem (fs/namei.c).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/fs.h"
#include "mmkit/slab.h"

static DEFINE_FAULT_SITE(dentry_alloc_fail, "dentry_alloc");
static struct kmem_cache *dentry_cachep;

static int dcache_init(void)
{
	dentry_cachep = kmem_cache_create("dentry", sizeof(struct dentry), 0,
					  SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_ACCOUNT, NULL);
	return 0;
}

static void dcache_exit(void)
{
	kmem_cache_destroy(dentry_cachep);
	dentry_cachep = NULL;
}
mmk_initcall(INIT_MM + 1, dcache_init, dcache_exit);

static struct dentry *__d_alloc(struct super_block *sb, const char *name)
{
	size_t n = strlen(name) + 1;
	struct dentry *d;

	if (should_fail(&dentry_alloc_fail))
		return NULL;
	d = kmem_cache_zalloc(dentry_cachep, GFP_KERNEL);
	if (!d)
		return NULL;
	d->d_name = kmalloc(n, GFP_KERNEL);
	if (!d->d_name) {
		kmem_cache_free(dentry_cachep, d);
		return NULL;
	}
	memcpy(d->d_name, name, n);
	atomic_store(&d->d_count, 1);
	d->d_sb = sb;
	d->d_parent = d;
	INIT_LIST_HEAD(&d->d_child);
	INIT_LIST_HEAD(&d->d_subdirs);
	return d;
}

struct dentry *d_alloc(struct dentry *parent, const char *name)
{
	struct dentry *d = __d_alloc(parent->d_sb, name);

	if (d)
		d->d_parent = dget(parent);
	return d;
}

struct dentry *d_alloc_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = __d_alloc(sb, "/");

	if (d) {
		d->d_inode = inode;
		sb->s_root = d;
	}
	return d;
}

struct dentry *dget(struct dentry *d)
{
	atomic_fetch_add(&d->d_count, 1);
	return d;
}

static void d_free(struct dentry *d)
{
	kfree(d->d_name);
	kmem_cache_free(dentry_cachep, d);
}

void dput(struct dentry *d)
{
	while (d && atomic_fetch_sub(&d->d_count, 1) == 1) {
		struct dentry *parent = d->d_parent == d ? NULL : d->d_parent;

		if (d->d_mountpoint)
			dput(d->d_mountpoint);
		if (d->d_inode)
			iput(d->d_inode);
		d_free(d);
		d = parent;
	}
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	d->d_inode = inode;
	list_add_tail(&d->d_child, &d->d_parent->d_subdirs);
	dget(d); /* the parent's list */
}

void d_delete(struct dentry *d)
{
	if (d->d_unhashed)
		return;
	d->d_unhashed = true;
	list_del_init(&d->d_child);
	dput(d);
}

struct dentry *d_lookup(struct dentry *parent, const char *name)
{
	struct dentry *d;

	list_for_each_entry(d, &parent->d_subdirs, d_child)
		if (!strcmp(d->d_name, name))
			return d;
	return NULL;
}

/* Each component from the root down, then " (deleted)" if unlinked. */
static size_t d_path_len(struct dentry *d)
{
	size_t n = 0;

	for (;;) {
		if (d->d_parent == d) {
			if (!d->d_mountpoint)
				return n;
			d = d->d_mountpoint;
			continue;
		}
		n += strlen(d->d_name) + 1;
		d = d->d_parent;
	}
}

char *d_path(struct dentry *d)
{
	size_t len = d_path_len(d), pos;
	struct dentry *top = d;
	char *buf = kmalloc(len + 2, GFP_KERNEL);

	if (!buf)
		return NULL;
	pos = len;
	buf[len] = 0;
	if (!len) {
		buf[0] = '/';
		buf[1] = 0;
		return buf;
	}
	for (d = top;;) {
		size_t n;

		if (d->d_parent == d) {
			if (!d->d_mountpoint)
				break;
			d = d->d_mountpoint;
			continue;
		}
		n = strlen(d->d_name);
		pos -= n;
		memcpy(buf + pos, d->d_name, n);
		buf[--pos] = '/';
		d = d->d_parent;
	}
	return buf;
}

bool d_unlinked(const struct dentry *d) { return d->d_unhashed; }

/* Drop the whole tree under root (kill_sb): every dentry loses the list
 * references and the tree's own; open files must be gone. */
void d_kill_tree(struct dentry *root)
{
	while (!list_empty(&root->d_subdirs)) {
		struct dentry *d = list_first_entry(&root->d_subdirs, struct dentry, d_child);

		dget(d);
		d_kill_tree(d);
		d_delete(d);
		dput(d);
	}
	if (root->d_parent == root)
		dput(root);
}
