/*
 * exec.c - a small exec-like image (Linux fs/exec.c setup_arg_pages,
 * fs/binfmt_elf.c load_elf_binary, arch/x86/entry/vdso/vma.c), laid out as
 * Linux lays out a static non-PIE x86-64 binary with ASLR off:
 *
 *   0x400000 text   r-xp  file page 0       start_code/end_code
 *   0x401000 data   rw-p  file page 1       start_data/end_data
 *   0x402000 bss    rw-p  anonymous         (vm_brk_flags)
 *   0x403000        start_brk = brk (the heap VMA appears with brk growth)
 *   mmap_base - 8 pages: [vvar] 4, [vvar_vclock] 2, [vdso] 2 (top-down;
 *                        special mappings, fs/vdso.c)
 *   STACK_TOP - 33 pages .. STACK_TOP: [stack] (one page of arguments plus
 *   the 128 KiB setup_arg_pages expands it by)
 *
 * mmap_base is computed from RLIMIT_STACK as arch_pick_mmap_layout does.
 * The text and data are file-backed VMAs of an identity-only file.  A real
 * static ELF (`spawn A exec PATH`) is loaded by fs/binfmt_elf.c, which
 * shares the stack (setup_arg_pages) and the vdso with this image.
 */
#include <errno.h>
#include <string.h>
#include "mmkit/elf.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/sched.h"

#define EXEC_BASE 0x400000UL
#define EXEC_DEV_MAJOR 0xfe
#define EXEC_INO 4242
#define EXEC_PATH "/usr/bin/mmkit-exec"

static int map_one(struct mm_struct *mm, unsigned long start, unsigned long pages,
		   unsigned long flags, struct file *file, unsigned long pgoff, const char *name)
{
	long charge = (flags & VM_ACCOUNT) ? (long)pages : 0;
	struct vm_area_struct *vma;

	/* Linux insert_vm_struct: an accounted VMA is charged first */
	if (charge && __vm_enough_memory(mm, charge, capable(CAP_SYS_ADMIN)))
		return -ENOMEM;
	vma = vm_area_alloc(mm);
	if (!vma) {
		vm_unacct_memory(charge);
		return -ENOMEM;
	}
	vma->vm_start = start;
	vma->vm_end = start + (pages << PAGE_SHIFT);
	vma->vm_flags = flags;
	vma->vm_pgoff = file ? pgoff : start >> PAGE_SHIFT;
	vma->vm_page_prot = vm_get_page_prot(flags);
	vma->vm_name = name;
	vma->vm_file = file ? get_file(file) : NULL;
	if (vma_link(mm, vma)) {
		vma_free_detached(vma);
		vm_unacct_memory(charge);
		return -ENOMEM;
	}
	vm_stat_account(mm, flags, pages);
	if ((flags & VM_WRITE) && !(flags & VM_SHARED) && !file)
		return __anon_vma_prepare(vma);
	return 0;
}

#define MAYRWX (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

int setup_arg_pages(struct mm_struct *mm, int executable_stack)
{
	unsigned long top = mm->task_size > 0xc0000000UL ? default_stack_top() : 0xc0000000UL;
	unsigned long flags = VM_STACK_FLAGS;

	/* x86-64 has no READ_IMPLIES_EXEC for 64-bit images: only
	 * PT_GNU_STACK with PF_X makes the stack executable */
	if (executable_stack == EXSTACK_ENABLE_X)
		flags |= VM_EXEC;
	else if (executable_stack == EXSTACK_DISABLE_X)
		flags &= ~VM_EXEC;

	mm->start_stack = top - PAGE_SIZE + 0x100;
	mm->arg_start = top - PAGE_SIZE + 0x200;
	mm->arg_end = mm->env_start = top - PAGE_SIZE + 0x300;
	mm->env_end = top - 0x20;
	return map_one(mm, top - 33 * PAGE_SIZE, 33, flags, NULL, 0, NULL);
}

static int map_binary(struct mm_struct *mm)
{
	struct file *f = file_id_get(EXEC_DEV_MAJOR, 0, EXEC_INO, EXEC_PATH);
	int err;

	if (!f)
		return -ENOMEM;
	err = map_one(mm, EXEC_BASE, 1, VM_READ | VM_EXEC | MAYRWX, f, 0, NULL);
	if (!err)
		err = map_one(mm, EXEC_BASE + PAGE_SIZE, 1,
			      VM_READ | VM_WRITE | MAYRWX | VM_ACCOUNT, f, 1, NULL);
	fput(f);
	if (!err)
		err = map_one(mm, EXEC_BASE + 2 * PAGE_SIZE, 1, VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT,
			      NULL, 0, NULL);
	mm->start_code = EXEC_BASE;
	mm->end_code = EXEC_BASE + PAGE_SIZE;
	mm->start_data = EXEC_BASE + PAGE_SIZE;
	mm->end_data = EXEC_BASE + 2 * PAGE_SIZE;
	mm->start_brk = mm->brk = EXEC_BASE + 3 * PAGE_SIZE;
	return err;
}

/*
 * The auxiliary vector exec hands the program, kept as mm->saved_auxv (the
 * core dump's NT_AUXV): Linux create_elf_tables' entries in its order,
 * less the ones that point at strings on the stack (AT_RANDOM,
 * AT_EXECFN, AT_PLATFORM: mmkit writes no argument strings), the vDSO's
 * address (mmkit's vDSO holds no ELF image a debugger could load) and the
 * CPU's (AT_HWCAP*, AT_MINSIGSTKSZ: mmkit has no CPUID).  phnum 0: no ELF
 * image (the built-in one), so no AT_PHDR..AT_ENTRY.
 */
void exec_set_saved_auxv(struct mm_struct *mm, unsigned long phdr, unsigned long phnum,
			 unsigned long entry)
{
	unsigned long *v = mm->saved_auxv;
	int n = 0;

#define NEW_AUX_ENT(id, val)    \
	do {                    \
		v[n++] = (id);  \
		v[n++] = (val); \
	} while (0)
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	NEW_AUX_ENT(AT_PAGESZ, PAGE_SIZE);
	NEW_AUX_ENT(AT_CLKTCK, 100); /* USER_HZ */
	if (phnum) {
		NEW_AUX_ENT(AT_PHDR, phdr);
		NEW_AUX_ENT(AT_PHENT, sizeof(struct elf64_phdr));
		NEW_AUX_ENT(AT_PHNUM, phnum);
		NEW_AUX_ENT(AT_BASE, 0); /* no interpreter */
		NEW_AUX_ENT(AT_FLAGS, 0);
		NEW_AUX_ENT(AT_ENTRY, entry);
	}
	NEW_AUX_ENT(AT_UID, 0);
	NEW_AUX_ENT(AT_EUID, 0);
	NEW_AUX_ENT(AT_GID, 0);
	NEW_AUX_ENT(AT_EGID, 0);
	NEW_AUX_ENT(AT_SECURE, 0);
	NEW_AUX_ENT(AT_RSEQ_FEATURE_SIZE, 28);
	NEW_AUX_ENT(AT_RSEQ_ALIGN, 32);
	NEW_AUX_ENT(AT_NULL, 0);
#undef NEW_AUX_ENT
}

/* Build the image in t->mm (empty, layout picked).  Runs with t current.
 * Returns 0 or -ENOMEM (the caller discards the mm on failure). */
int exec_image_setup(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	int err;

	mmap_write_lock(mm);
	err = setup_arg_pages(mm, EXSTACK_DEFAULT);
	if (!err)
		err = map_binary(mm);
	if (!err)
		err = map_vdso(mm);
	if (!err)
		exec_set_saved_auxv(mm, 0, 0, 0);
	mmap_write_unlock(mm);
	return err;
}
