/*
 * binfmt_elf.c - loading a static x86-64 ELF executable (Linux
 * fs/binfmt_elf.c load_elf_binary, elf_load, elf_map, padzero, at the
 * level mmkit needs; ASLR off, as the differential tests run the host).
 *
 * The file is opened through the VFS and its headers read through the page
 * cache.  Accepted: ELFCLASS64, little-endian, EM_X86_64, ET_EXEC (non-PIE)
 * or ET_DYN without PT_INTERP (static-PIE); a PT_INTERP (a dynamically
 * linked program) is -ENOEXEC: mmkit has no dynamic loader to map.  The
 * image is built as Linux builds it:
 *   - the stack first (setup_arg_pages);
 *   - each PT_LOAD as a private file mapping (MAP_FIXED_NOREPLACE for
 *     ET_EXEC's first segment, MAP_FIXED after it) with the segment's
 *     protection, offset rounded down to its page; a static-PIE's first
 *     segment is placed by get_unmapped_area with the image's whole size
 *     (load bias 0 below mmap_base, as Linux places a loader) and the rest
 *     follow it;
 *   - the part of a segment's last file page past p_filesz is zeroed
 *     through the mapping (padzero: a copy-on-write fault, as on Linux),
 *     and the bss beyond it is anonymous memory (vm_brk_flags);
 *   - start_code/end_code/start_data/end_data from the segments, and the
 *     program break right after the highest segment (start_brk = brk);
 *   - the vdso ([vvar], [vvar_vclock], [vdso]) last.
 * The file VMAs carry the file's path, device and inode in maps.  Nothing
 * runs: the image is memory to access, as `spawn A exec` without a path.
 */
#include <errno.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/elf.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"

#define ELF_MAX_PHDRS 64           /* Linux: 64 KiB of headers */

#define ELF_PAGESTART(v) ((v) & ~(unsigned long)(PAGE_SIZE - 1))
#define ELF_PAGEOFFSET(v) ((v) & (PAGE_SIZE - 1))
#define ELF_PAGEALIGN(v) (((v) + PAGE_SIZE - 1) & ~(unsigned long)(PAGE_SIZE - 1))

struct elf_image {
	struct file *file;
	struct elf64_hdr eh;
	struct elf64_phdr ph[ELF_MAX_PHDRS];
	unsigned long load_bias;
	unsigned long start_code, end_code, start_data, end_data, elf_brk;
};

/* Read and check the ELF header and program headers.  0 or -ENOEXEC/-EIO. */
static int elf_read_headers(struct elf_image *im)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	struct elf64_hdr *eh = &im->eh;
	loff_t pos = 0;
	long n = kernel_read(im->file, eh, sizeof(*eh), &pos);
	int i;

	if (n < 0)
		return (int)n;
	if (n != sizeof(*eh) || memcmp(eh->e_ident, magic, 4) || eh->e_ident[4] != ELFCLASS64 ||
	    eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return -ENOEXEC;
	pos = (loff_t)eh->e_phoff;
	n = kernel_read(im->file, im->ph, sizeof(im->ph[0]) * eh->e_phnum, &pos);
	if (n < 0)
		return (int)n;
	if ((size_t)n != sizeof(im->ph[0]) * eh->e_phnum)
		return -ENOEXEC;
	for (i = 0; i < eh->e_phnum; i++)
		if (im->ph[i].p_type == PT_INTERP)
			return -ENOEXEC;      /* dynamically linked: no interpreter here */
	return 0;
}

static unsigned long make_prot(u32 p_flags)
{
	return ((p_flags & PF_R) ? MMK_PROT_READ : 0) | ((p_flags & PF_W) ? MMK_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? MMK_PROT_EXEC : 0);
}

/* vm_mmap: do_mmap under mmap_lock. */
static unsigned long vm_mmap(struct file *f, unsigned long addr, unsigned long len,
			     unsigned long prot, unsigned long flags, unsigned long off)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret, populate;

	mmap_write_lock(mm);
	ret = do_mmap(f, addr, len, prot, flags, 0, off >> PAGE_SHIFT, &populate);
	mmap_write_unlock(mm);
	return ret;
}

static int vm_munmap(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int err;

	mmap_write_lock(mm);
	err = do_munmap(mm, start, len);
	mmap_write_unlock(mm);
	return err;
}

/* vm_brk_flags: anonymous memory at [addr, addr + len), as the bss. */
static int vm_brk_flags(unsigned long addr, unsigned long len, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *prev = NULL;
	int err;

	if (!len)
		return 0;
	mmap_write_lock(mm);
	err = do_munmap(mm, addr, len);
	if (!err) {
		find_vma_prev(mm, addr, &prev);
		err = do_brk_flags(mm, prev, addr, len, flags);
	}
	mmap_write_unlock(mm);
	return err;
}

/* The size of the image from its first to its last PT_LOAD (total_mapping_size). */
static unsigned long total_mapping_size(const struct elf_image *im)
{
	int i, first = -1, last = -1;

	for (i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_LOAD) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (first < 0)
		return 0;
	return im->ph[last].p_vaddr + im->ph[last].p_memsz - ELF_PAGESTART(im->ph[first].p_vaddr);
}

/* elf_map: the file part of a segment; with total_size the whole image is
 * reserved first and the rest unmapped (the first segment of a PIE). */
static unsigned long elf_map(struct elf_image *im, unsigned long addr,
			     const struct elf64_phdr *p, unsigned long prot, unsigned long type,
			     unsigned long total_size)
{
	unsigned long size = ELF_PAGEALIGN(p->p_filesz + ELF_PAGEOFFSET(p->p_vaddr));
	unsigned long off = p->p_offset - ELF_PAGEOFFSET(p->p_vaddr), map;

	addr = ELF_PAGESTART(addr);
	if (!size)
		return addr;
	if (!total_size)
		return vm_mmap(im->file, addr, size, prot, type, off);
	total_size = ELF_PAGEALIGN(total_size);
	map = vm_mmap(im->file, addr, total_size, prot, type, off);
	if (!IS_ERR_VALUE(map) && total_size > size)
		vm_munmap(map + size, total_size - size);
	return map;
}

/* padzero: zero the rest of the page at addr through the user mapping. */
static int padzero(unsigned long addr)
{
	static const u8 zeros[PAGE_SIZE];
	size_t n = ELF_PAGEOFFSET(addr);

	if (!n)
		return 0;
	return copy_to_user(addr, zeros, PAGE_SIZE - n) ? -EFAULT : 0;
}

/* elf_load: the file part, the zeroed tail and the bss of one segment. */
static unsigned long elf_load(struct elf_image *im, unsigned long addr, const struct elf64_phdr *p,
			      unsigned long prot, unsigned long type, unsigned long total_size)
{
	unsigned long zero_start, zero_end, map;
	int err;

	if (p->p_filesz) {
		map = elf_map(im, addr, p, prot, type, total_size);
		if (IS_ERR_VALUE(map))
			return map;
		zero_start = map + ELF_PAGEOFFSET(p->p_vaddr) + p->p_filesz;
		zero_end = map + ELF_PAGEOFFSET(p->p_vaddr) + p->p_memsz;
		if (p->p_memsz > p->p_filesz && padzero(zero_start) && (prot & MMK_PROT_WRITE))
			return (unsigned long)-EFAULT;
	} else {
		map = zero_start = ELF_PAGESTART(addr);
		zero_end = zero_start + ELF_PAGEOFFSET(p->p_vaddr) + p->p_memsz;
	}
	if (p->p_memsz > p->p_filesz) {
		zero_start = ELF_PAGEALIGN(zero_start);
		zero_end = ELF_PAGEALIGN(zero_end);
		err = vm_brk_flags(zero_start, zero_end - zero_start,
				   (prot & MMK_PROT_EXEC) ? VM_EXEC : 0);
		if (err)
			return (unsigned long)(long)err;
	}
	return map;
}

/* Track code, data and brk over the segments (load_elf_binary's loop). */
static void note_segment(struct elf_image *im, const struct elf64_phdr *p)
{
	unsigned long k = p->p_vaddr;

	if ((p->p_flags & PF_X) && k < im->start_code)
		im->start_code = k;
	if (im->start_data < k)
		im->start_data = k;
	k = p->p_vaddr + p->p_filesz;
	if ((p->p_flags & PF_X) && im->end_code < k)
		im->end_code = k;
	if (im->end_data < k)
		im->end_data = k;
	k = p->p_vaddr + p->p_memsz;
	if (k > im->elf_brk)
		im->elf_brk = k;
}

/* Map every PT_LOAD.  0 or -errno. */
static int elf_map_segments(struct elf_image *im)
{
	bool first = true;
	int i;

	im->start_code = ~0UL;
	for (i = 0; i < im->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &im->ph[i];
		unsigned long flags = MMK_MAP_PRIVATE, total = 0, map;

		if (p->p_type != PT_LOAD)
			continue;
		if (!first)
			flags |= MMK_MAP_FIXED;
		else if (im->eh.e_type == ET_EXEC)
			flags |= MMK_MAP_FIXED_NOREPLACE;
		else
			total = total_mapping_size(im);   /* static-PIE: load bias 0 */
		map = elf_load(im, first ? ELF_PAGESTART(p->p_vaddr) : im->load_bias + p->p_vaddr, p,
			       make_prot(p->p_flags), flags, total);
		if (IS_ERR_VALUE(map))
			return (int)(long)map;
		if (first && im->eh.e_type == ET_DYN)
			im->load_bias = ELF_PAGESTART(map - p->p_vaddr);
		first = false;
		note_segment(im, p);
	}
	return first ? -ENOEXEC : 0;
}

/* The program headers' address in the image: in the PT_LOAD whose file
 * range holds e_phoff (load_elf_binary's phdr_addr), 0 if none does. */
static unsigned long elf_phdr_addr(const struct elf_image *im)
{
	int i;

	for (i = 0; i < im->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &im->ph[i];

		if (p->p_type == PT_LOAD && p->p_offset <= im->eh.e_phoff &&
		    im->eh.e_phoff < p->p_offset + p->p_filesz)
			return im->eh.e_phoff - p->p_offset + p->p_vaddr + im->load_bias;
	}
	return 0;
}

static void elf_set_layout(struct elf_image *im, struct mm_struct *mm)
{
	unsigned long b = im->load_bias;

	mmap_write_lock(mm);
	mm->start_code = im->start_code + b;
	mm->end_code = im->end_code + b;
	mm->start_data = im->start_data + b;
	mm->end_data = im->end_data + b;
	mm->start_brk = mm->brk = ELF_PAGEALIGN(im->elf_brk + b);
	exec_set_saved_auxv(mm, elf_phdr_addr(im), im->eh.e_phnum, im->eh.e_entry + b);
	mmap_write_unlock(mm);
}

int exec_elf_setup(struct task_struct *t, const char *path)
{
	struct elf_image *im = kzalloc(sizeof(*im), GFP_KERNEL);
	struct mm_struct *mm = t->mm;
	int err;

	if (!im)
		return -ENOMEM;
	im->file = do_filp_open(path, MMK_O_RDONLY, 0, &err);
	if (!im->file)
		goto out;
	err = MMK_S_ISREG(im->file->f_inode->i_mode) && im->file->f_op->mmap ? 0 : -EACCES;
	if (!err)
		err = elf_read_headers(im);
	if (!err) {
		mmap_write_lock(mm);
		err = setup_arg_pages(mm);
		mmap_write_unlock(mm);
	}
	if (!err)
		err = elf_map_segments(im);
	if (!err) {
		elf_set_layout(im, mm);
		mmap_write_lock(mm);
		err = map_vdso(mm);
		mmap_write_unlock(mm);
	}
	fput(im->file);
out:
	kfree(im);
	return err;
}
