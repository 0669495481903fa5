/*
 * task_mmu.c - /proc/PID/maps (Linux fs/proc/task_mmu.c show_map_vma).
 *
 * One line per VMA: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", where
 * the offset is vm_pgoff << PAGE_SHIFT for a file and 0 for anonymous
 * memory and the last flag is 's' for VM_MAYSHARE; when the VMA has a name
 * the line is padded with blanks to column 72 and one more blank, then the
 * name: the file's path (" (deleted)" appended for an unlinked one, as the
 * shmem object of MAP_SHARED|MAP_ANONYMOUS), a special mapping's name,
 * [heap] for an anonymous VMA overlapping [start_brk, brk), [stack] for one
 * containing start_stack.  Linux ends the list of an x86-64 process with the
 * gate area [vsyscall] (ffffffffff600000, --xp), which is not a VMA of the
 * mm; mmkit does not print it (the differential harness drops it on the
 * host side too; docs/ARCHITECTURE.md).
 */
#include <errno.h>
#include <string.h>
#include "mmkit/mm_vma.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"

#define MAPS_PAD 72

static const char *vma_name(const struct vm_area_struct *v, const struct mm_struct *mm)
{
	if (v->vm_name)
		return v->vm_name;
	if (v->vm_start < mm->brk && v->vm_end > mm->start_brk)
		return "[heap]";
	if (v->vm_start <= mm->start_stack && v->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static void show_map_line(FILE *out, unsigned long start, unsigned long end, unsigned long flags,
			  unsigned long long off, unsigned int maj, unsigned int min,
			  unsigned long ino, const char *name, bool deleted)
{
	int n = fprintf(out, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
			flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p', off, maj, min,
			ino);

	if (name) {
		fprintf(out, "%*s%s%s", n < MAPS_PAD ? MAPS_PAD - n + 1 : 1, "", name,
			deleted ? " (deleted)" : "");
	}
	fputc('\n', out);
}

/* One maps line (also the header of each smaps entry, proc/task_smaps.c). */
void show_map_vma(FILE *out, const struct vm_area_struct *v, const struct mm_struct *mm)
{
	const struct file *f = v->vm_file;

	if (f)
		show_map_line(out, v->vm_start, v->vm_end, v->vm_flags,
			      (unsigned long long)v->vm_pgoff << PAGE_SHIFT, f->dev_major,
			      f->dev_minor, f->ino, f->path, file_deleted(f));
	else
		show_map_line(out, v->vm_start, v->vm_end, v->vm_flags, 0, 0, 0, 0, vma_name(v, mm),
			      false);
}

static int show_maps(FILE *out, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *v;

	if (!mm)
		return 0; /* kernel thread: empty file */
	mmap_read_lock(mm);
	for_each_vma(mm, v)
		show_map_vma(out, v, mm);
	mmap_read_unlock(mm);
	return 0;
}
PROC_VIEW(proc_maps, "maps", true, show_maps);
