/*
 * file_table.c - struct file at the layout level (Linux fs/file_table.c):
 * an identity (device, inode, path) that VMAs reference and /proc/PID/maps
 * prints.  Nothing is opened; the page-cache work will give files content.
 */
#include <stdlib.h>
#include <string.h>
#include "mmkit/fault_inject.h"
#include "mmkit/memory.h"

static DEFINE_FAULT_SITE(file_alloc_fail, "file_alloc");

/* A new file object with one reference.  NULL on -ENOMEM. */
struct file *file_id_get(unsigned int major, unsigned int minor, unsigned long ino,
			 const char *path)
{
	size_t n = strlen(path) + 1;
	struct file *f;

	if (should_fail(&file_alloc_fail))
		return NULL;
	f = calloc(1, sizeof(*f) + n);
	if (!f)
		return NULL;
	atomic_store(&f->f_count, 1);
	f->dev_major = major;
	f->dev_minor = minor;
	f->ino = ino;
	memcpy(f->path, path, n);
	return f;
}

struct file *get_file(struct file *f)
{
	atomic_fetch_add(&f->f_count, 1);
	return f;
}

/* Drop a reference; the last one releases the file's page cache too. */
void fput(struct file *f)
{
	if (atomic_fetch_sub(&f->f_count, 1) != 1)
		return;
	if (f->f_mapping)
		mapping_release(f->f_mapping);
	free(f);
}
