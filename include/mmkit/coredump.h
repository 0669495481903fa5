/*
 * coredump.h - core dumps (fs/coredump.c, fs/binfmt_elf_core.c; Linux
 * include/linux/coredump.h): when a fatal signal's default action dumps
 * core, vfs_coredump names the file from kernel.core_pattern, creates it
 * safely and has the ELF writer fill it through the dump_* helpers below,
 * which track the position, RLIMIT_CORE and the holes (skipped ranges) of a
 * sparse file.
 */
#ifndef MMKIT_COREDUMP_H
#define MMKIT_COREDUMP_H

#include <sys/types.h>
#include "mmkit/compiler.h"

struct file;
struct task_struct;

/* The signal being delivered (Linux kernel_siginfo_t, the fields a fault
 * signal fills): addr (si_addr) is the fault address of SIGSEGV/SIGBUS. */
typedef struct kernel_siginfo {
	int si_signo, si_errno, si_code;
	unsigned long addr; /* si_addr (a glibc macro name) */
} kernel_siginfo_t;

/* One VMA as the dump saw it (taken under mmap_lock, used after it). */
struct core_vma_metadata {
	unsigned long start, end;
	unsigned long flags;	 /* vm_flags */
	unsigned long dump_size; /* bytes of it in the file (vma_dump_size) */
	unsigned long pgoff;
	struct file *file; /* with a reference, or NULL */
};

struct coredump_params {
	const kernel_siginfo_t *siginfo; /* si_signo 0: a live dump (gcore) */
	struct file *file;
	unsigned long limit;	/* RLIMIT_CORE (bytes written, holes free) */
	unsigned long mm_flags; /* mm->flags when the dump began */
	int cpu;
	loff_t written; /* bytes written */
	loff_t pos;	/* the file position, holes included */
	loff_t to_skip; /* a hole not yet skipped over */
	int vma_count;
	size_t vma_data_size; /* sum of dump_size */
	struct core_vma_metadata *vma_meta;
	/* mmkit: why the dump stopped.  error is the first failure (-ENOMEM,
	 * -EIO, -EFBIG...): the file is then removed.  limited: RLIMIT_CORE
	 * was reached, which Linux treats as a normal end of the file. */
	int error;
	bool limited;
};

/* ---- fs/coredump.c: the helpers the writer uses (Linux's, bool) ---- */
/* Write nr bytes after any pending hole: false once the limit is reached
 * or a write failed (cprm->limited / cprm->error say which). */
bool dump_emit(struct coredump_params *cprm, const void *addr, int nr);
/* Leave a hole of nr bytes / up to file offset pos (written lazily). */
void dump_skip(struct coredump_params *cprm, size_t nr);
void dump_skip_to(struct coredump_params *cprm, unsigned long pos);
/* Pad with a hole to a multiple of align (a power of two). */
bool dump_align(struct coredump_params *cprm, int align);
/* The pages of [start, start + len) of current's mm: each page that has
 * contents (get_dump_page) is written, the rest are holes.  Takes
 * mmap_lock for read per page.  false on a failure or the limit. */
bool dump_user_range(struct coredump_params *cprm, unsigned long start, unsigned long len);

/*
 * A fatal signal with a core-dumping default action was delivered to
 * current (Linux vfs_coredump, from get_signal): the other threads of its
 * group stop, the core is written if RLIMIT_CORE and core_pattern allow,
 * and current->signal->group_exit_code becomes si_signo, | 0x80 when a
 * complete core file was written.  No locks held.
 */
void vfs_coredump(const kernel_siginfo_t *siginfo);
/* Is sig one whose default action dumps core (Linux sig_kernel_coredump)? */
bool sig_kernel_coredump(int sig);
/*
 * `A gcore PATH`: write a core of current's live process to path (what
 * gdb's gcore makes from outside): the same ELF image with no signal,
 * following coredump_filter, ignoring RLIMIT_CORE; the file is created or
 * truncated (mode 0644) and the process goes on.  0 or -errno; on an
 * error after the file was opened the file is removed, as gdb's gcore
 * removes a core it could not finish.
 */
int do_gcore(const char *path);

/* kernel.core_pattern, kernel.core_uses_pid (fs/coredump.c) */
#define CORENAME_MAX_SIZE 128
extern char core_pattern[CORENAME_MAX_SIZE];
extern int core_uses_pid;
/* May pattern become core_pattern?  0, or -EINVAL for an '@' socket path
 * that is not absolute, holds ".." or is too long (Linux
 * check_coredump_socket). */
int core_pattern_check(const char *pattern);

/* /proc/PID/coredump_filter (fs/proc/base.c's, kept with the dump): the
 * filter bits of mm->flags; set them (bits above the 9 filter bits are
 * ignored, as Linux's write does). */
struct mm_struct;
unsigned long mm_coredump_filter(const struct mm_struct *mm);
void mm_set_coredump_filter(struct mm_struct *mm, unsigned long filter);

/* ---- fs/binfmt_elf_core.c ---- */
/* Write the core of current's process into cprm->file: ELF header,
 * PT_NOTE, one PT_LOAD per VMA of cprm->vma_meta, the notes, the memory.
 * true when it was written whole. */
bool elf_core_dump(struct coredump_params *cprm);

#endif
