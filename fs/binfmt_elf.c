/*
 * binfmt_elf.c - loading a static x86-64 ELF executable (Linux
 * fs/binfmt_elf.c load_elf_binary, elf_load, elf_map, padzero, at the
 * level mmkit needs; ASLR off, as the differential tests run the host).
 *
 * The file is opened through the VFS and its headers read through the page
 * cache.  Accepted: ELFCLASS64, little-endian, EM_X86_64, ET_EXEC (non-PIE)
 * or ET_DYN without PT_INTERP (static-PIE); a PT_INTERP (a dynamically
 * linked program) gets Linux's checks of the interpreter (its path, its
 * file, its header), then -ENOEXEC: mmkit has no dynamic loader.  The
 * image is built as Linux builds it:
 *   - the stack first (setup_arg_pages), executable when the last
 *     PT_GNU_STACK has PF_X;
 *   - each PT_LOAD as a private file mapping (MAP_FIXED_NOREPLACE for
 *     ET_EXEC's first segment, MAP_FIXED after it) with the segment's
 *     protection, offset rounded down to its page (an offset not congruent
 *     with the address is -EINVAL, vm_mmap's check); a static-PIE's first
 *     segment is placed by get_unmapped_area with the image's whole span
 *     (load bias 0 below mmap_base, as Linux places a loader), or, with a
 *     p_align above a page, at that place rounded down to the alignment
 *     (maximum_alignment), and the rest follow it;
 *   - a segment with p_filesz > p_memsz or reaching past TASK_SIZE, or an
 *     entry point past it, is -EINVAL after the mapping, as in Linux (whose
 *     exec has then passed the point of no return and kills the caller);
 *   - the part of a segment's last file page past p_filesz is zeroed
 *     through the mapping (padzero: a copy-on-write fault, as on Linux),
 *     and the bss beyond it is anonymous memory (vm_brk_flags);
 *   - start_code/end_code/start_data/end_data from the segments, and the
 *     program break right after the highest segment (start_brk = brk), or
 *     for a static PIE at ELF_ET_DYN_BASE (2/3 of the 47-bit window), where
 *     Linux 6.x moves it;
 *   - the vdso ([vvar], [vvar_vclock], [vdso]) last.
 * The file VMAs carry the file's path, device and inode in maps.  Nothing
 * runs: the image is memory to access, as `spawn A exec` without a path.
 */
#include <errno.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/elf.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/uproc.h"

#define ELF_PHDRS_MAX_BYTES 65536 /* load_elf_phdrs: at most 64 KiB of program headers */

#define ELF_PAGESTART(v) ((v) & ~(unsigned long)(PAGE_SIZE - 1))
#define ELF_PAGEOFFSET(v) ((v) & (PAGE_SIZE - 1))
#define ELF_PAGEALIGN(v) (((v) + PAGE_SIZE - 1) & ~(unsigned long)(PAGE_SIZE - 1))

struct elf_image {
	struct file *file;
	struct elf64_hdr eh;
	struct elf64_phdr *ph; /* e_phnum of them, kmalloc'd */
	int executable_stack;  /* EXSTACK_*, from PT_GNU_STACK */
	unsigned long load_bias;
	unsigned long start_code, end_code, start_data, end_data, elf_brk;
};

#define ELF_PATH_MAX 4096

static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

/* Open an executable's file for exec (open_exec): a regular file with an
 * mmap operation, else -EACCES.  NULL with *err set on failure. */
static struct file *open_exec(const char *path, int *err)
{
	struct file *f = do_filp_open(path, MMK_O_RDONLY, 0, err);

	if (f && !(MMK_S_ISREG(f->f_inode->i_mode) && f->f_op->mmap)) {
		fput(f);
		*err = -EACCES;
		return NULL;
	}
	return f;
}

/* Read len bytes at pos: 0, or -EIO when short, or the read's error
 * (Linux elf_read). */
static int elf_read(struct file *f, void *buf, size_t len, loff_t pos)
{
	long n = kernel_read(f, buf, len, &pos);

	return n < 0 ? (int)n : (size_t)n != len ? -EIO : 0;
}

/* The program-header table of eh's file, kmalloc'd (Linux
 * load_elf_phdrs), or NULL: a wrong e_phentsize, no header or more than
 * 64 KiB of them, no memory, or a short read. */
static struct elf64_phdr *load_elf_phdrs(struct file *f, const struct elf64_hdr *eh)
{
	size_t size = sizeof(struct elf64_phdr) * eh->e_phnum;
	struct elf64_phdr *ph;

	if (eh->e_phentsize != sizeof(struct elf64_phdr) || !size || size > ELF_PHDRS_MAX_BYTES)
		return NULL;
	ph = kmalloc(size, GFP_KERNEL);
	if (ph && elf_read(f, ph, size, (loff_t)eh->e_phoff)) {
		kfree(ph);
		ph = NULL;
	}
	return ph;
}

/*
 * A PT_INTERP (a dynamically linked program): load_elf_binary's checks of
 * the interpreter, in its order - the path's length (-ENOEXEC), reading it
 * (-EIO when short), its NUL (-ENOEXEC), opening it (-ENOENT, -EACCES, ...),
 * reading its header (-EIO), its magic, machine and program headers
 * (-ELIBBAD).  Where Linux would then load the interpreter, mmkit, which
 * has no dynamic loader, answers -ENOEXEC.
 */
static int elf_check_interp(struct elf_image *im, const struct elf64_phdr *p)
{
	struct elf64_phdr *iph;
	struct elf64_hdr ih;
	struct file *interp;
	char *path;
	int err;

	if (p->p_filesz > ELF_PATH_MAX || p->p_filesz < 2)
		return -ENOEXEC;
	path = kmalloc(p->p_filesz, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	err = elf_read(im->file, path, p->p_filesz, (loff_t)p->p_offset);
	if (!err && path[p->p_filesz - 1])
		err = -ENOEXEC;
	interp = err ? NULL : open_exec(path, &err);
	kfree(path);
	if (!interp)
		return err;
	err = elf_read(interp, &ih, sizeof(ih), 0);
	if (!err && (memcmp(ih.e_ident, elf_magic, 4) || ih.e_machine != EM_X86_64))
		err = -ELIBBAD;
	if (!err) {
		iph = load_elf_phdrs(interp, &ih);
		err = iph ? 0 : -ELIBBAD;
		kfree(iph);
	}
	fput(interp);
	return err ? err : -ENOEXEC;
}

/*
 * Read and check the ELF header and program headers (load_elf_binary's
 * consistency checks and load_elf_phdrs).  0, -ENOEXEC or -EIO; as in
 * Linux, a short read of the headers and a failed allocation of their
 * table are -ENOEXEC too.
 */
static int elf_read_headers(struct elf_image *im)
{
	struct elf64_hdr *eh = &im->eh;
	loff_t pos = 0;
	long n = kernel_read(im->file, eh, sizeof(*eh), &pos);
	int i;

	if (n < 0)
		return (int)n;
	if (n != sizeof(*eh) || memcmp(eh->e_ident, elf_magic, 4) || eh->e_ident[4] != ELFCLASS64 ||
	    eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
		return -ENOEXEC;
	im->ph = load_elf_phdrs(im->file, eh);
	if (!im->ph)
		return -ENOEXEC;
	im->executable_stack = EXSTACK_DEFAULT;
	for (i = 0; i < eh->e_phnum; i++) {
		/* dynamically linked: the first PT_INTERP is the interpreter */
		if (im->ph[i].p_type == PT_INTERP)
			return elf_check_interp(im, &im->ph[i]);
		/* the last PT_GNU_STACK counts */
		if (im->ph[i].p_type == PT_GNU_STACK)
			im->executable_stack =
				(im->ph[i].p_flags & PF_X) ? EXSTACK_ENABLE_X : EXSTACK_DISABLE_X;
	}
	return 0;
}

static unsigned long make_prot(u32 p_flags)
{
	return ((p_flags & PF_R) ? MMK_PROT_READ : 0) | ((p_flags & PF_W) ? MMK_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? MMK_PROT_EXEC : 0);
}

/* vm_mmap: do_mmap under mmap_lock; a byte offset that is not page
 * aligned, or that overflows with the length, is -EINVAL (mm/util.c). */
static unsigned long vm_mmap(struct file *f, unsigned long addr, unsigned long len,
			     unsigned long prot, unsigned long flags, unsigned long off)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret, populate;

	if (off + PAGE_ALIGN(len) < off || (off & (PAGE_SIZE - 1)))
		return (unsigned long)-EINVAL;
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

/* The span of the PT_LOADs, from the lowest page to the highest end
 * (total_mapping_size); 0 without one. */
static unsigned long total_mapping_size(const struct elf_image *im)
{
	unsigned long min_addr = ~0UL, max_addr = 0;
	bool pt_load = false;
	int i;

	for (i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_LOAD) {
			unsigned long lo = ELF_PAGESTART(im->ph[i].p_vaddr);
			unsigned long hi = im->ph[i].p_vaddr + im->ph[i].p_memsz;

			min_addr = lo < min_addr ? lo : min_addr;
			max_addr = hi > max_addr ? hi : max_addr;
			pt_load = true;
		}
	return pt_load ? max_addr - min_addr : 0;
}

/* The largest power-of-two p_align of the PT_LOADs, at least a page
 * (maximum_alignment; other values are ignored as invalid). */
static unsigned long maximum_alignment(const struct elf_image *im)
{
	unsigned long alignment = 0;
	int i;

	for (i = 0; i < im->eh.e_phnum; i++) {
		unsigned long a = im->ph[i].p_align;

		if (im->ph[i].p_type == PT_LOAD && a && !(a & (a - 1)) && a > alignment)
			alignment = a;
	}
	return ELF_PAGEALIGN(alignment);
}

/* elf_map: the file part of a segment; with total_size the whole image is
 * reserved first and the rest unmapped (the first segment of a PIE). */
static unsigned long elf_map(struct elf_image *im, unsigned long addr, const struct elf64_phdr *p,
			     unsigned long prot, unsigned long type, unsigned long total_size)
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

/*
 * The load bias of a static PIE (ET_DYN without PT_INTERP), before its
 * first PT_LOAD p: 0 (the mmap region places it), or with a p_align
 * above a page, the place the mmap region gives the whole image, rounded
 * down to that alignment, then taken with MAP_FIXED_NOREPLACE.  Sets
 * *total (the image's span) and *flags.  0 or -errno.
 */
static int elf_dyn_load_bias(struct elf_image *im, const struct elf64_phdr *p, unsigned long *total,
			     unsigned long *flags)
{
	unsigned long alignment, bias = 0;

	*total = total_mapping_size(im);
	if (!*total)
		return -EINVAL;
	alignment = maximum_alignment(im);
	if (alignment > PAGE_SIZE) {
		bias = elf_load(im, 0, p, make_prot(p->p_flags), *flags, *total);
		if (bias >= current->mm->task_size)
			return IS_ERR_VALUE(bias) ? (int)(long)bias : -EINVAL;
		vm_munmap(bias, *total);
		bias &= ~(alignment - 1);
		*flags |= MMK_MAP_FIXED_NOREPLACE;
	}
	im->load_bias = ELF_PAGESTART(bias - p->p_vaddr);
	return 0;
}

/* A segment no brk could follow (load_elf_binary's overflow check). */
static bool elf_segment_bad(const struct elf64_phdr *p, unsigned long task_size)
{
	return p->p_vaddr >= task_size || p->p_filesz > p->p_memsz || p->p_memsz > task_size ||
	       task_size - p->p_memsz < p->p_vaddr;
}

/* Map every PT_LOAD (none is no error: the entry point decides).  0 or
 * -errno; what was mapped before an error stays, the caller drops the mm. */
static int elf_map_segments(struct elf_image *im)
{
	unsigned long task_size = current->mm->task_size;
	bool first = true;
	int i, err;

	im->start_code = ~0UL;
	for (i = 0; i < im->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &im->ph[i];
		unsigned long flags = MMK_MAP_PRIVATE, total = 0, map;

		if (p->p_type != PT_LOAD)
			continue;
		if (!first) {
			flags |= MMK_MAP_FIXED;
		} else if (im->eh.e_type == ET_EXEC) {
			flags |= MMK_MAP_FIXED_NOREPLACE;
		} else {
			err = elf_dyn_load_bias(im, p, &total, &flags);
			if (err)
				return err;
		}
		map = elf_load(im, im->load_bias + p->p_vaddr, p, make_prot(p->p_flags), flags,
			       total);
		if (map >= task_size) /* BAD_ADDR */
			return IS_ERR_VALUE(map) ? (int)(long)map : -EINVAL;
		if (first && im->eh.e_type == ET_DYN)
			im->load_bias += map - ELF_PAGESTART(im->load_bias + p->p_vaddr);
		first = false;
		if (elf_segment_bad(p, task_size))
			return -EINVAL;
		note_segment(im, p);
	}
	if (im->eh.e_entry + im->load_bias >= task_size)
		return -EINVAL;
	return 0;
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
	/* Linux 6.x: a static PIE (ET_DYN, no interpreter) has its brk moved
	 * out of the mmap region to ELF_ET_DYN_BASE (2/3 of the address
	 * space), with or without randomization */
	if (im->eh.e_type == ET_DYN)
		mm->start_brk = mm->brk = ELF_PAGEALIGN(DEFAULT_MAP_WINDOW / 3 * 2);
	exec_set_saved_auxv(mm, elf_phdr_addr(im), im->eh.e_phnum, im->eh.e_entry + b);
	mmap_write_unlock(mm);
}

/* Open path and map the image into t->mm (setup_arg_pages's stack, the
 * segments, the layout, the vdso).  0 or -errno. */
static int elf_load_image(struct elf_image *im, struct task_struct *t, const char *path)
{
	struct mm_struct *mm = t->mm;
	int err;

	im->file = open_exec(path, &err);
	if (!im->file)
		return err;
	err = elf_read_headers(im);
	if (!err) {
		mmap_write_lock(mm);
		err = setup_arg_pages(mm, im->executable_stack);
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
	im->file = NULL;
	return err;
}

static void elf_image_free(struct elf_image *im)
{
	kfree(im->ph);
	kfree(im);
}

int exec_elf_setup(struct task_struct *t, const char *path)
{
	struct elf_image *im = kzalloc(sizeof(*im), GFP_KERNEL);
	int err;

	if (!im)
		return -ENOMEM;
	err = elf_load_image(im, t, path);
	elf_image_free(im);
	return err;
}

/* ------------------------------------------------ the stack (exec) -- */

#define ELF_HWCAP 0x178bfbffUL /* CPUID.1:EDX of the reference host's CPU */
#define MINSIGSTKSZ_X86 3632   /* the sigframe size the reference host reports */
#define USER_HZ 100

struct stack_builder {
	unsigned long p; /* next free byte, growing down */
	int err;
};

/* Copy n bytes below p (Linux copy_strings, top down). */
static unsigned long stack_push(struct stack_builder *sb, const void *src, size_t n)
{
	sb->p -= n;
	if (!sb->err && copy_to_user(sb->p, src, n))
		sb->err = -EFAULT;
	return sb->p;
}

static unsigned long phdr_address(const struct elf_image *im)
{
	int i;

	for (i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_LOAD && im->ph[i].p_offset == 0)
			return im->ph[i].p_vaddr + im->eh.e_phoff + im->load_bias;
	return 0;
}

static int count_strings(char *const v[])
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/*
 * Linux's layout from the top of the stack VMA: 8 bytes of zero, the file
 * name (AT_EXECFN), the environment strings, the argument strings (each
 * array in order upwards), then create_elf_tables: the stack aligned to 16,
 * "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM), and below them argc,
 * argv[], NULL, envp[], NULL, the auxiliary vector, the start rounded down
 * to 16 bytes.
 */
static int create_elf_tables(struct elf_image *im, struct mm_struct *mm, const char *path,
			     char *const argv[], char *const envp[], struct linux_binprm_info *info)
{
	int argc = count_strings(argv), envc = count_strings(envp), i, n = 0;
	struct stack_builder sb = { .p = mm->start_stack };
	unsigned long top, execfn, platform, random, *uargv, *uenvp, sp, items;
	unsigned long auxv[2 * 24], arg_start, env_start;
	u8 rnd[16];
	u64 r0 = mmk_random(), r1 = mmk_random();

	top = sb.p;
	stack_push(&sb, &(u64){ 0 }, 8);
	execfn = stack_push(&sb, path, strlen(path) + 1);
	uenvp = kcalloc((size_t)envc + 1, sizeof(*uenvp), GFP_KERNEL);
	uargv = kcalloc((size_t)argc + 1, sizeof(*uargv), GFP_KERNEL);
	if (!uenvp || !uargv) {
		kfree(uenvp);
		kfree(uargv);
		return -ENOMEM;
	}
	for (i = envc - 1; i >= 0; i--)
		uenvp[i] = stack_push(&sb, envp[i], strlen(envp[i]) + 1);
	env_start = sb.p;
	for (i = argc - 1; i >= 0; i--)
		uargv[i] = stack_push(&sb, argv[i], strlen(argv[i]) + 1);
	arg_start = sb.p;
	sb.p &= ~15UL;
	platform = stack_push(&sb, "x86_64", 7);
	memcpy(rnd, &r0, 8);
	memcpy(rnd + 8, &r1, 8);
	random = stack_push(&sb, rnd, 16);
#define AUX(t, v)                \
	do {                     \
		auxv[n++] = (t); \
		auxv[n++] = (v); \
	} while (0)
	AUX(AT_MINSIGSTKSZ, MINSIGSTKSZ_X86);
	AUX(AT_HWCAP, ELF_HWCAP);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, USER_HZ);
	AUX(AT_PHDR, phdr_address(im));
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, im->eh.e_phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, im->eh.e_entry + im->load_bias);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, 0x2); /* HWCAP2_FSGSBASE */
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	items = (unsigned long)(argc + 1) + (unsigned long)(envc + 1) + 1;
	sp = ((sb.p - (unsigned long)n * 8) - items * 8) & ~15UL;
	if (top - sp > 32 * PAGE_SIZE)
		sb.err = -E2BIG;
	if (!sb.err) {
		u64 a = (u64)argc;
		unsigned long q = sp;

		if (copy_to_user(q, &a, 8) || copy_to_user(q + 8, uargv, (size_t)(argc + 1) * 8) ||
		    copy_to_user(q + 8 + (unsigned long)(argc + 1) * 8, uenvp,
				 (size_t)(envc + 1) * 8) ||
		    copy_to_user(q + items * 8, auxv, (size_t)n * 8))
			sb.err = -EFAULT;
	}
	kfree(uenvp);
	kfree(uargv);
	if (sb.err)
		return sb.err;
	mmap_write_lock(mm);
	mm->arg_start = arg_start;
	mm->arg_end = mm->env_start = env_start;
	mm->env_end = execfn;
	mm->start_stack = sp;
	mmap_write_unlock(mm);
	info->entry = im->eh.e_entry + im->load_bias;
	info->sp = sp;
	return 0;
}

int load_elf_binary(struct task_struct *t, const char *path, char *const argv[], char *const envp[],
		    struct linux_binprm_info *info)
{
	struct elf_image *im = kzalloc(sizeof(*im), GFP_KERNEL);
	int err;

	if (!im)
		return -ENOMEM;
	err = elf_load_image(im, t, path);
	if (!err) {
		/* the stack's top: setup_arg_pages put [stack] below STACK_TOP */
		t->mm->start_stack = default_stack_top();
		err = create_elf_tables(im, t->mm, path, argv, envp, info);
	}
	elf_image_free(im);
	return err;
}
