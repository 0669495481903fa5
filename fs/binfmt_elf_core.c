/*
 * binfmt_elf_core.c - the ELF core file (Linux fs/binfmt_elf.c elf_core_dump,
 * fill_note_info, fill_thread_core_info, fill_prstatus, fill_psinfo,
 * fill_files_note, write_note_info; compat_binfmt_elf.c for the 32-bit
 * form; arch/x86/kernel/fpu/xstate.c for the x86 XSAVE notes).  Kept apart
 * from fs/binfmt_elf.c, which loads programs.
 *
 * The file, as Linux 6.18 writes it on x86:
 *   ELF header      ET_CORE; ELFCLASS64/EM_X86_64 on 4- and 5-level
 *                   machines, ELFCLASS32/EM_386 on 2- and 3-level (i386)
 *                   ones; e_phnum = VMAs + 1 (PN_XNUM and a section header
 *                   holding the count when that overflows 16 bits)
 *   PT_NOTE         first: offset right after the program headers, align 4
 *   PT_LOAD         one per VMA in address order: vaddr, memsz the VMA's
 *                   size, filesz what vma_dump_size allows, flags from
 *                   VM_READ/WRITE/EXEC, paddr 0, align 4096; offsets run on
 *                   from the first page boundary after the notes
 *   notes           per thread, the dumping thread first, then the others in
 *                   creation order: NT_PRSTATUS; after the first thread's,
 *                   NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE; then the
 *                   thread's register sets: NT_PRFPREG ("CORE"), on i386
 *                   NT_PRXFPREG, and NT_X86_XSTATE ("LINUX"); after every
 *                   thread, NT_X86_XSAVE_LAYOUT ("LINUX")
 *   memory          each VMA's dumped part, page by page: pages without
 *                   contents are holes (fs/coredump.c dump_user_range)
 *
 * Registers.  A scenario task has no register file: its NT_PRSTATUS holds
 * what is known and zeros elsewhere: the user segment selectors (x86-64
 * cs 0x33, ss 0x2b; i386 cs 0x73, ds/es/ss 0x7b), orig_rax -1 (not in a
 * system call) and EFLAGS 0x202 (bit 1 is always set, user code runs with
 * interrupts on); the fault address is in NT_SIGINFO's si_addr.  Its FPU
 * is in the state exec leaves it in (FCW 0x37f, MXCSR 0x1f80, all registers
 * empty), saved by a CPU whose XCR0 is x87|SSE|AVX (an 832-byte XSAVE
 * area).  A task that runs real code has its registers in
 * task->user_regs, which elf_core_copy_task_regs uses instead: that is the
 * hook for the CPU engine.
 *
 * Other process facts mmkit does not model are Linux's values for a process
 * the kernel started: pgrp and sid 0, uid and gid 0, no CPU time.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include "mmkit/coredump.h"
#include "mmkit/elfcore.h"
#include "mmkit/mm_vma.h"
#include "mmkit/mmu.h"
#include "mmkit/pgtable.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"

#define NOTE_ALIGN(n) (((n) + 3) & ~(size_t)3)

/* The CPU model's XSAVE: XCR0 = x87 | SSE | AVX, standard format. */
#define XFEATURE_MASK_USER 0x7ULL
#define XSAVE_AVX_OFFSET 576
#define XSAVE_AVX_SIZE 256
#define XSAVE_SIZE (XSAVE_AVX_OFFSET + XSAVE_AVX_SIZE)
#define MXCSR_DEFAULT 0x1f80
#define MXCSR_MASK 0xffff
#define FCW_DEFAULT 0x37f

/* User segment selectors (arch/x86/include/asm/segment.h) */
#define USER64_CS 0x33
#define USER64_SS 0x2b
#define USER32_CS 0x73 /* a native i386 kernel's __USER_CS */
#define USER32_DS 0x7b
#define EFLAGS_USER 0x202 /* X86_EFLAGS_FIXED | X86_EFLAGS_IF */

struct memelfnote {
	const char *name;
	unsigned int type;
	unsigned int datasz;
	const void *data;
};

/* One thread's notes and the buffers behind them (Linux
 * elf_thread_core_info + the regset data it allocates). */
struct elf_thread_core_info {
	struct elf_thread_core_info *next;
	struct task_struct *task;
	union {
		struct elf_prstatus64 p64;
		struct elf_prstatus32 p32;
	} prstatus;
	struct user_fxsr_struct fxsave;
	struct user_i387_ia32_struct fsave;
	u8 xsave[XSAVE_SIZE];
	int nnotes;
	struct memelfnote notes[4];
};

struct elf_note_info {
	struct elf_thread_core_info *thread;
	struct memelfnote psinfo, signote, auxv, files, xsave_layout;
	union {
		struct elf_prpsinfo64 p64;
		struct elf_prpsinfo32 p32;
	} psinfo_data;
	u8 siginfo_data[128];
	u32 auxv32[AT_VECTOR_SIZE];
	void *files_data;
	struct x86_xfeat_component layout;
	size_t size;
	bool is32;
};

static bool core_is32(void) { return pgmode.levels <= 3; }

static void fill_note(struct memelfnote *n, const char *name, unsigned int type, unsigned int sz,
		      const void *data)
{
	*n = (struct memelfnote){ name, type, sz, data };
}

static size_t notesize(const struct memelfnote *n)
{
	return sizeof(struct elf_note) + NOTE_ALIGN(strlen(n->name) + 1) + NOTE_ALIGN(n->datasz);
}

static bool writenote(const struct memelfnote *n, struct coredump_params *cprm)
{
	struct elf_note en = { (u32)strlen(n->name) + 1, n->datasz, n->type };

	return dump_emit(cprm, &en, sizeof(en)) && dump_emit(cprm, n->name, (int)en.n_namesz) &&
	       dump_align(cprm, 4) && dump_emit(cprm, n->data, (int)n->datasz) &&
	       dump_align(cprm, 4);
}

/* ------------------------------------------------------------ registers -- */

/* The register hook: the task's own register file if it runs real code,
 * else the known values (see the top). */
static void elf_core_copy_task_regs(const struct task_struct *t, struct user_regs_struct *r)
{
	if (t->user_regs) {
		*r = *t->user_regs;
		return;
	}
	memset(r, 0, sizeof(*r));
	r->orig_ax = ~0UL;
	r->cs = USER64_CS;
	r->ss = USER64_SS;
	r->flags = EFLAGS_USER;
}

static void regs_to_prstatus64(const struct user_regs_struct *r, u64 *g)
{
	const unsigned long w[ELF_NGREG64] = {
		r->r15,	  r->r14, r->r13, r->r12,     r->bp,	  r->bx, r->r11,     r->r10, r->r9,
		r->r8,	  r->ax,  r->cx,  r->dx,      r->si,	  r->di, r->orig_ax, r->ip,  r->cs,
		r->flags, r->sp,  r->ss,  r->fs_base, r->gs_base, r->ds, r->es,	     r->fs,  r->gs,
	};
	int i;

	for (i = 0; i < ELF_NGREG64; i++)
		g[i] = w[i];
}

/* i386 order: ebx ecx edx esi edi ebp eax xds xes xfs xgs orig_eax eip xcs
 * eflags esp xss.  A scenario task gets the i386 user selectors. */
static void regs_to_prstatus32(const struct task_struct *t, const struct user_regs_struct *r,
			       u32 *g)
{
	const unsigned long w[ELF_NGREG32] = {
		r->bx, r->cx, r->dx,	  r->si, r->di, r->bp,	  r->ax, r->ds, r->es,
		r->fs, r->gs, r->orig_ax, r->ip, r->cs, r->flags, r->sp, r->ss,
	};
	int i;

	for (i = 0; i < ELF_NGREG32; i++)
		g[i] = (u32)w[i];
	if (!t->user_regs) {
		g[13] = USER32_CS;
		g[7] = g[8] = g[16] = USER32_DS;
	}
}

/* The FPU in the state exec leaves it in: FXSAVE image (with XCR0 in the
 * software bytes, as the XSAVE note has it), the i387 FSAVE image
 * (convert_from_fxsr of that state) and the XSAVE area. */
static void elf_core_copy_task_fpregs(struct elf_thread_core_info *t)
{
	struct xstate_header hdr = { 0 };
	u64 xcr0 = XFEATURE_MASK_USER;

	memset(&t->fxsave, 0, sizeof(t->fxsave));
	t->fxsave.cwd = FCW_DEFAULT;
	t->fxsave.mxcsr = MXCSR_DEFAULT;
	t->fxsave.mxcsr_mask = MXCSR_MASK;
	t->fsave = (struct user_i387_ia32_struct){
		.cwd = 0xffff0000u | FCW_DEFAULT,
		.swd = 0xffff0000u,
		.twd = 0xffffffffu,
		.fos = 0xffff0000u,
	};
	memset(t->xsave, 0, sizeof(t->xsave));
	memcpy(t->xsave, &t->fxsave, sizeof(t->fxsave));
	memcpy(t->xsave + offsetof(struct user_fxsr_struct, xcr0), &xcr0, sizeof(xcr0));
	memcpy(t->xsave + sizeof(t->fxsave), &hdr, sizeof(hdr)); /* every feature in init state */
}

/* ---------------------------------------------------------- the notes -- */

static int parent_pid(const struct task_struct *t)
{
	const struct task_struct *p = t->group_leader->real_parent;

	return p ? p->pid : 0;
}

/* Linux fill_prstatus: the signal, ids (times 0: mmkit keeps no CPU time). */
static void fill_prstatus(struct elf_thread_core_info *t, int signr, bool is32)
{
	struct user_regs_struct regs;

	elf_core_copy_task_regs(t->task, &regs);
	if (is32) {
		struct elf_prstatus32 *p = &t->prstatus.p32;

		memset(p, 0, sizeof(*p));
		p->pr_info.si_signo = p->pr_cursig = (short)signr;
		p->pr_pid = t->task->pid;
		p->pr_ppid = parent_pid(t->task);
		regs_to_prstatus32(t->task, &regs, p->pr_reg);
		p->pr_fpvalid = 1;
	} else {
		struct elf_prstatus64 *p = &t->prstatus.p64;

		memset(p, 0, sizeof(*p));
		p->pr_info.si_signo = p->pr_cursig = (short)signr;
		p->pr_pid = t->task->pid;
		p->pr_ppid = parent_pid(t->task);
		regs_to_prstatus64(&regs, p->pr_reg);
		p->pr_fpvalid = 1;
	}
}

/* Linux fill_thread_core_info: NT_PRSTATUS, then each active register set. */
static void fill_thread_core_info(struct elf_thread_core_info *t, int signr, bool is32,
				  size_t *size)
{
	int i;

	fill_prstatus(t, signr, is32);
	elf_core_copy_task_fpregs(t);
	t->nnotes = 0;
	fill_note(&t->notes[t->nnotes++], NN_CORE, NT_PRSTATUS,
		  is32 ? sizeof(struct elf_prstatus32) : sizeof(struct elf_prstatus64),
		  &t->prstatus);
	if (is32) {
		fill_note(&t->notes[t->nnotes++], NN_CORE, NT_PRFPREG, sizeof(t->fsave), &t->fsave);
		fill_note(&t->notes[t->nnotes++], NN_LINUX, NT_PRXFPREG, sizeof(t->fxsave),
			  &t->fxsave);
	} else {
		fill_note(&t->notes[t->nnotes++], NN_CORE, NT_PRFPREG, sizeof(t->fxsave),
			  &t->fxsave);
	}
	fill_note(&t->notes[t->nnotes++], NN_LINUX, NT_X86_XSTATE, sizeof(t->xsave), t->xsave);
	for (i = 0; i < t->nnotes; i++)
		*size += notesize(&t->notes[i]);
}

/* The psargs: the start of the argument area, NULs as blanks (Linux
 * fill_psinfo; a fault leaves what was copied, as there). */
static void fill_psargs(char *psargs, const struct mm_struct *mm)
{
	size_t len = mm->arg_end > mm->arg_start ? mm->arg_end - mm->arg_start : 0, i;

	if (len >= ELF_PRARGSZ)
		len = ELF_PRARGSZ - 1;
	len -= copy_from_user(psargs, mm->arg_start, len);
	for (i = 0; i < len; i++)
		if (!psargs[i])
			psargs[i] = ' ';
	psargs[len] = 0;
}

/* Linux fill_psinfo for the group leader p: state R for a dumping (running)
 * task, D for a leader waiting for the dumper, as Linux's are. */
static void fill_psinfo(struct elf_note_info *info, const struct task_struct *p,
			const struct mm_struct *mm)
{
	int state = p == current ? 0 : 2;
	char sname = "RSDTZW"[state];

	memset(&info->psinfo_data, 0, sizeof(info->psinfo_data));
	if (info->is32) {
		struct elf_prpsinfo32 *ps = &info->psinfo_data.p32;

		ps->pr_state = (char)state;
		ps->pr_sname = sname;
		ps->pr_flag = p->flags;
		ps->pr_pid = p->pid;
		ps->pr_ppid = parent_pid(p);
		memcpy(ps->pr_fname, p->comm, sizeof(ps->pr_fname));
		fill_psargs(ps->pr_psargs, mm);
		fill_note(&info->psinfo, NN_CORE, NT_PRPSINFO, sizeof(*ps), ps);
	} else {
		struct elf_prpsinfo64 *ps = &info->psinfo_data.p64;

		ps->pr_state = (char)state;
		ps->pr_sname = sname;
		ps->pr_flag = p->flags;
		ps->pr_pid = p->pid;
		ps->pr_ppid = parent_pid(p);
		memcpy(ps->pr_fname, p->comm, sizeof(ps->pr_fname));
		fill_psargs(ps->pr_psargs, mm);
		fill_note(&info->psinfo, NN_CORE, NT_PRPSINFO, sizeof(*ps), ps);
	}
}

/* The 128-byte user siginfo_t (copy_siginfo_to_external): signo, errno,
 * code, and for the fault signals si_addr (offset 16; 12 on i386). */
static void fill_siginfo_note(struct elf_note_info *info, const kernel_siginfo_t *si)
{
	u8 *d = info->siginfo_data;
	s32 head[3] = { si->si_signo, si->si_errno, si->si_code };
	bool fault = si->si_signo == SIGSEGV || si->si_signo == SIGBUS || si->si_signo == SIGILL ||
		     si->si_signo == SIGFPE || si->si_signo == SIGTRAP;

	memset(d, 0, sizeof(info->siginfo_data));
	memcpy(d, head, sizeof(head));
	if (fault && info->is32) {
		u32 addr = (u32)si->addr;

		memcpy(d + 12, &addr, sizeof(addr));
	} else if (fault) {
		u64 addr = si->addr;

		memcpy(d + 16, &addr, sizeof(addr));
	}
	fill_note(&info->signote, NN_CORE, NT_SIGINFO, sizeof(info->siginfo_data), d);
}

/* NT_AUXV: the saved vector up to and including AT_NULL, in the word size
 * of the class. */
static void fill_auxv_note(struct elf_note_info *info, const struct mm_struct *mm)
{
	const unsigned long *auxv = mm->saved_auxv;
	unsigned int i = 0, k;

	do
		i += 2;
	while (auxv[i - 2] != AT_NULL && i < AT_VECTOR_SIZE);
	if (!info->is32) {
		fill_note(&info->auxv, NN_CORE, NT_AUXV, i * sizeof(u64), auxv);
		return;
	}
	for (k = 0; k < i; k++)
		info->auxv32[k] = (u32)auxv[k];
	fill_note(&info->auxv, NN_CORE, NT_AUXV, i * sizeof(u32), info->auxv32);
}

/* One word of NT_FILE in the class's size; returns the next position. */
static u8 *put_word(u8 *p, unsigned long v, bool is32)
{
	if (is32) {
		u32 w = (u32)v;

		memcpy(p, &w, sizeof(w));
		return p + sizeof(w);
	}
	memcpy(p, &v, sizeof(u64));
	return p + sizeof(u64);
}

#define CORE_FILE_NOTE_SIZE_LIMIT (4UL << 20) /* kernel.core_file_note_size_limit */

/* Linux fill_files_note: count, page size, {start, end, pgoff} per file
 * mapping, then their NUL-terminated paths (as maps shows them).  Linux
 * leaves the note out when there are no VMAs, or when its estimate (64
 * bytes a VMA) reaches core_file_note_size_limit.  0, -ENOMEM, or 1 for no
 * note. */
static int fill_files_note(struct elf_note_info *info, struct coredump_params *cprm)
{
	size_t word = info->is32 ? 4 : 8, names = 0, size;
	unsigned long count = 0;
	u8 *data, *w, *name;
	int i;

	if (!cprm->vma_count)
		return 1;
	if ((size_t)cprm->vma_count * 64 >= CORE_FILE_NOTE_SIZE_LIMIT) {
		printk("coredump Note size too large: %zu (does kernel.core_file_note_size_limit "
		       "sysctl need adjustment?\n",
		       (size_t)cprm->vma_count * 64);
		return 1;
	}
	for (i = 0; i < cprm->vma_count; i++) {
		const struct file *f = cprm->vma_meta[i].file;

		if (f) {
			count++;
			names += strlen(f->path) + (file_deleted(f) ? sizeof(" (deleted)") : 1);
		}
	}
	size = (2 + 3 * count) * word + names;
	data = kmalloc(size, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	w = put_word(put_word(data, count, info->is32), PAGE_SIZE, info->is32);
	name = data + (2 + 3 * count) * word;
	for (i = 0; i < cprm->vma_count; i++) {
		const struct core_vma_metadata *m = &cprm->vma_meta[i];

		if (!m->file)
			continue;
		w = put_word(put_word(put_word(w, m->start, info->is32), m->end, info->is32),
			     m->pgoff, info->is32);
		name += sprintf((char *)name, "%s%s", m->file->path,
				file_deleted(m->file) ? " (deleted)" : "") +
			1;
	}
	info->files_data = data;
	fill_note(&info->files, NN_CORE, NT_FILE, (unsigned int)size, data);
	return 0;
}

/* The thread infos: current first, then the rest of its group in creation
 * order (Linux: the core_state dumper list).  false on -ENOMEM. */
static bool alloc_thread_infos(struct elf_note_info *info)
{
	struct signal_struct *sig = current->signal;
	struct elf_thread_core_info **tail = &info->thread;
	struct task_struct *t;
	struct elf_thread_core_info *first;
	int n = READ_ONCE(sig->nr_threads), i;

	for (i = 0; i < max(n, 1); i++) { /* current is one of them */
		*tail = kzalloc(sizeof(**tail), GFP_KERNEL);
		if (!*tail)
			return false;
		tail = &(*tail)->next;
	}
	first = info->thread;
	if (!first)
		return false;
	first->task = current;
	tail = &info->thread->next;
	spin_lock(&sig->siglock);
	list_for_each_entry(t, &sig->thread_head, thread_node) {
		if (t == current || !*tail)
			continue;
		(*tail)->task = t;
		tail = &(*tail)->next;
	}
	spin_unlock(&sig->siglock);
	return true;
}

/* The group leader if it is still a member, else the dumper. */
static struct task_struct *psinfo_task(void)
{
	struct task_struct *leader = current->group_leader, *t, *found = current;

	spin_lock(&current->signal->siglock);
	list_for_each_entry(t, &current->signal->thread_head, thread_node)
		if (t == leader)
			found = leader;
	spin_unlock(&current->signal->siglock);
	return found;
}

/* Linux fill_note_info: every note's contents and their total size.  0 or
 * -ENOMEM. */
static int fill_note_info(struct elf_note_info *info, struct coredump_params *cprm)
{
	struct elf_thread_core_info *t;
	int signr = cprm->siginfo->si_signo, i;

	info->is32 = core_is32();
	if (!alloc_thread_infos(info))
		return -ENOMEM;
	for (t = info->thread; t && t->task; t = t->next)
		fill_thread_core_info(t, signr, info->is32, &info->size);
	fill_psinfo(info, psinfo_task(), current->mm);
	info->size += notesize(&info->psinfo);
	fill_siginfo_note(info, cprm->siginfo);
	info->size += notesize(&info->signote);
	fill_auxv_note(info, current->mm);
	info->size += notesize(&info->auxv);
	i = fill_files_note(info, cprm);
	if (i < 0)
		return i;
	if (!i)
		info->size += notesize(&info->files);
	/* arch/x86 elf_coredump_extra_notes: the XSAVE layout, one record per
	 * extended feature (AVX) */
	info->layout = (struct x86_xfeat_component){ 2, XSAVE_AVX_SIZE, XSAVE_AVX_OFFSET, 0 };
	fill_note(&info->xsave_layout, NN_LINUX, NT_X86_XSAVE_LAYOUT, sizeof(info->layout),
		  &info->layout);
	info->size += notesize(&info->xsave_layout);
	return 0;
}

static void free_note_info(struct elf_note_info *info)
{
	struct elf_thread_core_info *t = info->thread;

	while (t) {
		struct elf_thread_core_info *next = t->next;

		kfree(t);
		t = next;
	}
	kfree(info->files_data);
}

/* Linux write_note_info: each thread's notes, the process-wide ones after
 * the first thread's NT_PRSTATUS; then the extra notes. */
static bool write_note_info(const struct elf_note_info *info, struct coredump_params *cprm)
{
	const struct elf_thread_core_info *t;
	bool first = true;
	int i;

	for (t = info->thread; t && t->task; t = t->next, first = false) {
		if (!writenote(&t->notes[0], cprm))
			return false;
		if (first && !(writenote(&info->psinfo, cprm) && writenote(&info->signote, cprm) &&
			       writenote(&info->auxv, cprm) &&
			       (!info->files_data || writenote(&info->files, cprm))))
			return false;
		for (i = 1; i < t->nnotes; i++)
			if (!writenote(&t->notes[i], cprm))
				return false;
	}
	return writenote(&info->xsave_layout, cprm);
}

/* ---------------------------------------------------- headers and file -- */

struct core_layout {
	bool is32;
	int segs; /* program headers: VMAs + the note */
	u16 e_phnum;
	loff_t note_off, data_off, shoff;
	size_t note_size;
};

static bool write_elf_header(struct coredump_params *cprm, const struct core_layout *l)
{
	bool xnum = l->e_phnum == PN_XNUM;

	if (l->is32) {
		struct elf32_hdr h = {
			.e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT,
				     ELFOSABI_NONE },
			.e_type = ET_CORE,
			.e_machine = EM_386,
			.e_version = EV_CURRENT,
			.e_phoff = sizeof(h),
			.e_shoff = xnum ? (u32)l->shoff : 0,
			.e_ehsize = sizeof(h),
			.e_phentsize = sizeof(struct elf32_phdr),
			.e_phnum = l->e_phnum,
			.e_shentsize = xnum ? sizeof(struct elf32_shdr) : 0,
			.e_shnum = xnum,
		};

		return dump_emit(cprm, &h, sizeof(h));
	} else {
		struct elf64_hdr h = {
			.e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
				     ELFOSABI_NONE },
			.e_type = ET_CORE,
			.e_machine = EM_X86_64,
			.e_version = EV_CURRENT,
			.e_phoff = sizeof(h),
			.e_shoff = xnum ? (u64)l->shoff : 0,
			.e_ehsize = sizeof(h),
			.e_phentsize = sizeof(struct elf64_phdr),
			.e_phnum = l->e_phnum,
			.e_shentsize = xnum ? sizeof(struct elf64_shdr) : 0,
			.e_shnum = xnum,
		};

		return dump_emit(cprm, &h, sizeof(h));
	}
}

static bool write_phdr(struct coredump_params *cprm, bool is32, const struct elf64_phdr *p)
{
	if (is32) {
		struct elf32_phdr q = {
			.p_type = p->p_type,
			.p_offset = (u32)p->p_offset,
			.p_vaddr = (u32)p->p_vaddr,
			.p_filesz = (u32)p->p_filesz,
			.p_memsz = (u32)p->p_memsz,
			.p_flags = p->p_flags,
			.p_align = (u32)p->p_align,
		};

		return dump_emit(cprm, &q, sizeof(q));
	}
	return dump_emit(cprm, p, sizeof(*p));
}

/* PT_NOTE, then one PT_LOAD per VMA. */
static bool write_phdrs(struct coredump_params *cprm, const struct core_layout *l)
{
	struct elf64_phdr note = { .p_type = PT_NOTE,
				   .p_offset = (u64)l->note_off,
				   .p_filesz = l->note_size,
				   .p_align = 4 };
	loff_t offset = l->data_off;
	int i;

	if (!write_phdr(cprm, l->is32, &note))
		return false;
	for (i = 0; i < cprm->vma_count; i++) {
		const struct core_vma_metadata *m = &cprm->vma_meta[i];
		struct elf64_phdr p = {
			.p_type = PT_LOAD,
			.p_offset = (u64)offset,
			.p_vaddr = m->start,
			.p_filesz = m->dump_size,
			.p_memsz = m->end - m->start,
			.p_flags = ((m->flags & VM_READ) ? PF_R : 0) |
				   ((m->flags & VM_WRITE) ? PF_W : 0) |
				   ((m->flags & VM_EXEC) ? PF_X : 0),
			.p_align = ELF_EXEC_PAGESIZE,
		};

		offset += (loff_t)m->dump_size;
		if (!write_phdr(cprm, l->is32, &p))
			return false;
	}
	return true;
}

/* The extended-numbering section header (Linux fill_extnum_info). */
static bool write_extnum(struct coredump_params *cprm, const struct core_layout *l)
{
	if (l->is32) {
		struct elf32_shdr s = { .sh_info = (u32)l->segs };

		return dump_emit(cprm, &s, sizeof(s));
	} else {
		struct elf64_shdr s = { .sh_info = (u32)l->segs };

		return dump_emit(cprm, &s, sizeof(s));
	}
}

static void core_layout(struct core_layout *l, const struct coredump_params *cprm, size_t note_size,
			bool is32)
{
	size_t ehsize = is32 ? sizeof(struct elf32_hdr) : sizeof(struct elf64_hdr);
	size_t phsize = is32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);

	l->is32 = is32;
	l->segs = cprm->vma_count + 1;
	l->e_phnum = l->segs > PN_XNUM ? PN_XNUM : (u16)l->segs;
	l->note_off = (loff_t)(ehsize + (size_t)l->segs * phsize);
	l->note_size = note_size;
	l->data_off = (l->note_off + (loff_t)note_size + ELF_EXEC_PAGESIZE - 1) &
		      ~(loff_t)(ELF_EXEC_PAGESIZE - 1);
	l->shoff = l->data_off + (loff_t)cprm->vma_data_size;
}

bool elf_core_dump(struct coredump_params *cprm)
{
	struct elf_note_info info = { 0 };
	struct core_layout l;
	bool ok = false;
	int i;

	if (fill_note_info(&info, cprm)) {
		cprm->error = -ENOMEM;
		goto out;
	}
	core_layout(&l, cprm, info.size, info.is32);
	if (!write_elf_header(cprm, &l) || !write_phdrs(cprm, &l) || !write_note_info(&info, cprm))
		goto out;
	dump_skip_to(cprm, (unsigned long)l.data_off);
	for (i = 0; i < cprm->vma_count; i++)
		if (!dump_user_range(cprm, cprm->vma_meta[i].start, cprm->vma_meta[i].dump_size))
			goto out;
	ok = l.e_phnum != PN_XNUM || write_extnum(cprm, &l);
out:
	free_note_info(&info);
	return ok;
}
