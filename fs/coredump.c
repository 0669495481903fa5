/*
 * coredump.c - dumping core (Linux fs/coredump.c, 6.18: vfs_coredump,
 * coredump_parse, coredump_file, dump_emit and its helpers,
 * dump_user_range, vma_dump_size, dump_vma_snapshot; fs/proc/base.c's
 * coredump_filter).
 *
 * A fatal signal whose default action dumps core reaches vfs_coredump with
 * the dying task current.  The other threads of the group stop (mmkit's
 * scenario threads only run when a line runs them, so they are stopped
 * already: coredump_wait just marks the group); the file name comes from
 * kernel.core_pattern (%p %P %i %I %u %g %d %s %t %h %e %E %f %c %C %%,
 * each expanded piece with '/' turned into '!', "." and ".." and empty
 * pieces made harmless, core_uses_pid appending ".PID"); RLIMIT_CORE below
 * one page (binfmt_elf's min_coredump) means no file.  The file is made as
 * Linux makes it: the old name is unlinked first, then created with
 * O_CREAT|O_EXCL|O_NOFOLLOW mode 0600, so a core never goes through a
 * symbolic link and never over a file that could not be removed; then it
 * must be a regular file with one link, still linked, mode 0600 exactly,
 * writable, and is truncated.  The VMAs are snapshotted under mmap_lock
 * (vma_dump_size decides how much of each the file holds, by
 * coredump_filter, VM_DONTDUMP, VM_IO, and the ELF-header page of file
 * mappings) and elf_core_dump (fs/binfmt_elf_core.c) writes the file
 * through dump_emit/dump_skip: pages without contents become holes, so the
 * file is sparse, and RLIMIT_CORE counts only the bytes written.
 *
 * Where mmkit departs from Linux, so that no partial file passes for a
 * complete one: the file is fsync'ed at the end, and a dump that fails
 * (no memory, an I/O error, a page that cannot be read back, EFBIG) is
 * removed instead of being left truncated.  A dump cut short by RLIMIT_CORE
 * is kept, as in Linux: its program headers describe more than the file
 * holds, which readers report as truncation.  Each dump leaves one line in
 * the kernel log in the form of Linux's coredump_report: where it went and
 * its size, or why it failed (the failure texts are Linux's own; Linux logs
 * nothing for a dump that worked).  There is no user-mode helper: a '|'
 * pattern fails as Linux does with helpers disabled, an '@' socket pattern
 * as a connection to a socket that does not exist.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fs/internal.h"
#include "mmkit/coredump.h"
#include "mmkit/elf.h"
#include "mmkit/memory.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/slab.h"
#include "mmkit/timer.h"

char core_pattern[CORENAME_MAX_SIZE] = "core";
int core_uses_pid;

#define MIN_COREDUMP PAGE_SIZE /* binfmt_elf's min_coredump */
#define UTS_NODENAME "(none)"  /* the hostname of a machine that never set one */

enum coredump_type { COREDUMP_FILE = 1, COREDUMP_PIPE, COREDUMP_SOCK };

struct core_name {
	char *corename;
	int used, size;
	enum coredump_type core_type;
};

/* ------------------------------------------------------------ logging -- */

/* Linux's __COREDUMP_PRINTK: "coredump: TGID(COMM): " and the message. */
__printf(2, 3) static void coredump_report(const char *level, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("%scoredump: %d(%s): %s\n", level, current->tgid, current->comm, msg);
}

/* -------------------------------------------------------------- names -- */

static int expand_corename(struct core_name *cn, int size)
{
	char *name = krealloc(cn->corename, (size_t)size, GFP_KERNEL);

	if (!name)
		return -ENOMEM;
	cn->corename = name;
	cn->size = size;
	return 0;
}

__printf(2, 0) static int cn_vprintf(struct core_name *cn, const char *fmt, va_list arg)
{
	for (;;) {
		int free = cn->size - cn->used, need;
		va_list copy;

		va_copy(copy, arg);
		need = vsnprintf(cn->corename + cn->used, (size_t)free, fmt, copy);
		va_end(copy);
		if (need < free) {
			cn->used += need;
			return 0;
		}
		if (expand_corename(cn, cn->size + need - free + 1))
			return -ENOMEM;
	}
}

__printf(2, 3) static int cn_printf(struct core_name *cn, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = cn_vprintf(cn, fmt, ap);
	va_end(ap);
	return ret;
}

/* An expanded piece: '/' becomes '!', and "." , ".." or an empty piece
 * cannot make the path climb or collapse (Linux cn_esc_printf). */
__printf(2, 3) static int cn_esc_printf(struct core_name *cn, const char *fmt, ...)
{
	int cur = cn->used, ret;
	va_list ap;

	va_start(ap, fmt);
	ret = cn_vprintf(cn, fmt, ap);
	va_end(ap);
	if (ret)
		return ret;
	if ((cn->used - cur == 1 && cn->corename[cur] == '.') ||
	    (cn->used - cur == 2 && cn->corename[cur] == '.' && cn->corename[cur + 1] == '.'))
		cn->corename[cur] = '!';
	if (cn->used == cur)
		ret = cn_printf(cn, "!");
	for (; cur < cn->used; cur++)
		if (cn->corename[cur] == '/')
			cn->corename[cur] = '!';
	return ret;
}

/* The path of the process's executable: its first file VMA of text, as
 * mm->exe_file would be (mmkit keeps no exe_file). */
static const char *exe_path(void)
{
	struct vm_area_struct *v;

	for_each_vma(current->mm, v)
		if (v->vm_file && (v->vm_flags & VM_EXEC) && v->vm_file->path)
			return v->vm_file->path;
	return NULL;
}

static int cn_print_exe_file(struct core_name *cn, bool name_only)
{
	const char *path = exe_path(), *slash;

	if (!path)
		return cn_esc_printf(cn, "%s (path unknown)", current->comm);
	slash = strrchr(path, '/');
	return cn_esc_printf(cn, "%s", name_only && slash ? slash + 1 : path);
}

/* One %X of the pattern. */
static int cn_format(struct core_name *cn, struct coredump_params *cprm, char c, bool *pid_seen)
{
	switch (c) {
	case '%':
		return cn_printf(cn, "%%");
	case 'p':
		*pid_seen = true;
		return cn_printf(cn, "%d", current->tgid);
	case 'P':
		return cn_printf(cn, "%d", current->tgid);
	case 'i':
	case 'I':
		return cn_printf(cn, "%d", current->pid);
	case 'u':
	case 'g':
		return cn_printf(cn, "%u", 0u);
	case 'd':
		return cn_printf(cn, "%lu", cprm->mm_flags & MMF_DUMPABLE_MASK);
	case 's':
		return cn_printf(cn, "%d", cprm->siginfo->si_signo);
	case 't':
		return cn_printf(cn, "%llu", (unsigned long long)(ktime_get_ns() / NSEC_PER_SEC));
	case 'h':
		return cn_esc_printf(cn, "%s", UTS_NODENAME);
	case 'e':
		return cn_esc_printf(cn, "%s", current->comm);
	case 'f':
		return cn_print_exe_file(cn, true);
	case 'E':
		return cn_print_exe_file(cn, false);
	case 'c':
		return cn_printf(cn, "%lu", rlimit(RLIMIT_CORE));
	case 'C':
		return cn_printf(cn, "%d", cprm->cpu);
	default:
		return 0; /* unknown (and %F outside a pipe): nothing */
	}
}

/* Linux coredump_parse for a file pattern (a pipe or socket pattern only
 * needs its text for the log).  0 or -ENOMEM. */
static int coredump_parse(struct core_name *cn, struct coredump_params *cprm)
{
	const char *pat = core_pattern;
	bool pid_seen = false;
	int err = 0;

	cn->used = 0;
	cn->corename = NULL;
	cn->core_type = *pat == '|' ? COREDUMP_PIPE : *pat == '@' ? COREDUMP_SOCK : COREDUMP_FILE;
	if (expand_corename(cn, CORENAME_MAX_SIZE))
		return -ENOMEM;
	cn->corename[0] = '\0';
	if (cn->core_type == COREDUMP_PIPE) /* the log shows the helper, argv[0] */
		return cn_printf(cn, "%.*s", (int)strcspn(pat + 1, " \t\n"), pat + 1);
	if (cn->core_type == COREDUMP_SOCK)
		return cn_printf(cn, "%s", pat + 1 + (pat[1] == '@'));
	if (*pat != '/') /* relative to the cwd: every task's is / */
		err = cn_printf(cn, "/");
	while (*pat && !err) {
		if (*pat != '%') {
			err = cn_printf(cn, "%c", *pat++);
			continue;
		}
		if (!*++pat)
			break; /* a single % at the end is dropped */
		err = cn_format(cn, cprm, *pat++, &pid_seen);
	}
	if (!err && !pid_seen && core_uses_pid)
		err = cn_printf(cn, ".%d", current->tgid);
	return err;
}

int core_pattern_check(const char *pattern)
{
	const char *p = pattern + 1;

	if (pattern[0] != '@')
		return 0;
	if (*p == '@')
		p++; /* the socket request protocol */
	if (*p != '/' || strstr(pattern, "..") || strlen(p) >= 108) /* UNIX_PATH_MAX */
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------ the core file -- */

/* Linux coredump_file: the file, created as described at the top, in
 * cprm->file.  false (no file) otherwise. */
static bool coredump_file(struct core_name *cn, struct coredump_params *cprm)
{
	int flags = MMK_O_CREAT | MMK_O_WRONLY | MMK_O_NOFOLLOW | MMK_O_LARGEFILE | MMK_O_EXCL;
	struct inode *inode;
	struct file *file;
	int err;

	if (cprm->limit < MIN_COREDUMP)
		return false;
	sys_unlink(cn->corename); /* whatever it was; errors show at the open */
	file = do_filp_open(cn->corename, flags, 0600, &err);
	if (!file)
		return false;
	inode = file->f_inode;
	if (inode->i_nlink > 1 || d_unlinked(file->f_dentry) || !MMK_S_ISREG(inode->i_mode))
		goto fail;
	if ((inode->i_mode & 0677) != 0600) {
		coredump_report(KERN_WARNING,
				"Core dump to %s aborted: cannot preserve file permissions",
				cn->corename);
		goto fail;
	}
	if (!(file->f_mode & FMODE_WRITE) || do_truncate(inode, 0))
		goto fail;
	cprm->file = file;
	return true;
fail:
	fput(file);
	return false;
}

/* mmkit: a failed dump leaves no file (see the top). */
static void coredump_remove(struct core_name *cn, struct coredump_params *cprm)
{
	if (!d_unlinked(cprm->file->f_dentry))
		sys_unlink(cn->corename);
}

/* ------------------------------------------------------ the dump_* API -- */

static bool __dump_emit(struct coredump_params *cprm, const void *addr, size_t nr)
{
	loff_t pos = cprm->pos;
	size_t done = 0;

	if ((unsigned long)cprm->written + nr > cprm->limit) {
		cprm->limited = true;
		return false;
	}
	while (done < nr) {
		long n = kernel_write(cprm->file, (const u8 *)addr + done, nr - done, &pos);

		if (n <= 0) {
			cprm->error = n ? (int)n : -EIO;
			return false;
		}
		done += (size_t)n;
	}
	cprm->written += (loff_t)nr;
	cprm->pos += (loff_t)nr;
	return true;
}

/* A hole: the position moves on (the file is seekable: FMODE_LSEEK). */
static bool __dump_skip(struct coredump_params *cprm, size_t nr)
{
	if (cprm->pos + (loff_t)nr > MAX_LFS_FILESIZE) {
		cprm->error = -EFBIG;
		return false;
	}
	cprm->pos += (loff_t)nr;
	return true;
}

static bool dump_flush_skip(struct coredump_params *cprm)
{
	if (!cprm->to_skip)
		return true;
	if (!__dump_skip(cprm, (size_t)cprm->to_skip))
		return false;
	cprm->to_skip = 0;
	return true;
}

bool dump_emit(struct coredump_params *cprm, const void *addr, int nr)
{
	return !cprm->error && dump_flush_skip(cprm) && __dump_emit(cprm, addr, (size_t)nr);
}

void dump_skip_to(struct coredump_params *cprm, unsigned long pos)
{
	cprm->to_skip = (loff_t)pos - cprm->pos;
}

void dump_skip(struct coredump_params *cprm, size_t nr) { cprm->to_skip += (loff_t)nr; }

bool dump_align(struct coredump_params *cprm, int align)
{
	unsigned int mod = (unsigned int)((cprm->pos + cprm->to_skip) & (align - 1));

	if (align & (align - 1))
		return false;
	if (mod)
		cprm->to_skip += align - mod;
	return true;
}

/*
 * The page iteration of the dump: each page of the range either has
 * contents (written) or is a hole.  Page by page through get_dump_page, as
 * Linux's dump_user_range: a page may have to be faulted in (a file page),
 * which a walk of the present page tables (mm/pagewalk.c) cannot do.
 */
bool dump_user_range(struct coredump_params *cprm, unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr;

	for (addr = start; addr < start + len; addr += PAGE_SIZE) {
		struct page *page;
		bool ok;
		int err;

		mmap_read_lock(mm);
		err = get_dump_page(addr, &page);
		mmap_read_unlock(mm);
		if (err) {
			cprm->error = err;
			return false;
		}
		if (!page) {
			dump_skip(cprm, PAGE_SIZE);
			continue;
		}
		ok = dump_emit(cprm, page_address(page), PAGE_SIZE);
		put_page(page);
		if (!ok)
			return false;
	}
	return true;
}

/* ------------------------------------------------- the VMA snapshot -- */

/* vDSO, vsyscall and other special mappings are always dumped (Linux
 * always_dump_vma: the gate VMA, vm_ops->name, arch_vma_name). */
static bool always_dump_vma(struct vm_area_struct *vma) { return vma_is_special_mapping(vma); }

#define DUMP_SIZE_MAYBE_ELFHDR_PLACEHOLDER 1

/* Is a shared mapping's file an anonymous one (a shmem object with no name:
 * Linux's i_nlink == 0)? */
static bool vma_file_unlinked(const struct vm_area_struct *vma)
{
	const struct file *f = vma->vm_file;

	return f->f_inode ? f->f_inode->i_nlink == 0 : f->shmem || f->deleted;
}

/* Linux vma_dump_size: how much of vma the core holds.  mmkit has no
 * hugetlb or DAX mappings, so those filter bits never apply. */
static unsigned long vma_dump_size(struct vm_area_struct *vma, unsigned long mm_flags)
{
#define FILTER(type) (mm_flags & (1UL << MMF_DUMP_##type))
	unsigned long whole = vma->vm_end - vma->vm_start;

	if (always_dump_vma(vma))
		return whole;
	if (vma->vm_flags & (VM_DONTDUMP | VM_IO))
		return 0;
	if (vma->vm_flags & VM_SHARED)
		return (vma_file_unlinked(vma) ? FILTER(ANON_SHARED) : FILTER(MAPPED_SHARED)) ?
			       whole :
			       0;
	if (vma->anon_vma && FILTER(ANON_PRIVATE))
		return whole;
	if (!vma->vm_file)
		return 0;
	if (FILTER(MAPPED_PRIVATE))
		return whole;
	/* the start of a file mapping: its first page shows what was mapped */
	if (FILTER(ELF_HEADERS) && vma->vm_pgoff == 0 && (vma->vm_flags & VM_READ)) {
		struct inode *inode = vma->vm_file->f_inode;

		if (inode && (READ_ONCE(inode->i_mode) & 0111))
			return PAGE_SIZE;
		return DUMP_SIZE_MAYBE_ELFHDR_PLACEHOLDER; /* look for ELFMAG later */
	}
	return 0;
#undef FILTER
}

static void free_vma_snapshot(struct coredump_params *cprm)
{
	int i;

	if (!cprm->vma_meta)
		return;
	for (i = 0; i < cprm->vma_count; i++)
		if (cprm->vma_meta[i].file)
			fput(cprm->vma_meta[i].file);
	kfree(cprm->vma_meta);
	cprm->vma_meta = NULL;
}

/* A placeholder's first bytes: ELFMAG makes it one page, anything else
 * (or a fault) none.  Reads user memory: no lock held. */
static unsigned long elfhdr_dump_size(unsigned long start)
{
	char magic[SELFMAG];

	if (copy_from_user(magic, start, SELFMAG) || memcmp(magic, ELFMAG, SELFMAG))
		return 0;
	return PAGE_SIZE;
}

/* Linux dump_vma_snapshot: every VMA's range, flags, file and dump size,
 * taken under mmap_lock (write, as Linux), used after it.  false on -ENOMEM
 * (cprm->error set). */
static bool dump_vma_snapshot(struct coredump_params *cprm)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int i = 0;

	mmap_write_lock(mm);
	cprm->vma_count = mm->map_count;
	cprm->vma_data_size = 0;
	cprm->vma_meta =
		kcalloc((size_t)max(cprm->vma_count, 1), sizeof(*cprm->vma_meta), GFP_KERNEL);
	if (!cprm->vma_meta) {
		mmap_write_unlock(mm);
		cprm->error = -ENOMEM;
		return false;
	}
	for_each_vma(mm, vma) {
		struct core_vma_metadata *m = &cprm->vma_meta[i++];

		m->start = vma->vm_start;
		m->end = vma->vm_end;
		m->flags = vma->vm_flags;
		m->dump_size = vma_dump_size(vma, cprm->mm_flags);
		m->pgoff = vma->vm_pgoff;
		m->file = vma->vm_file ? get_file(vma->vm_file) : NULL;
	}
	mmap_write_unlock(mm);
	for (i = 0; i < cprm->vma_count; i++) {
		struct core_vma_metadata *m = &cprm->vma_meta[i];

		if (m->dump_size == DUMP_SIZE_MAYBE_ELFHDR_PLACEHOLDER)
			m->dump_size = elfhdr_dump_size(m->start);
		cprm->vma_data_size += m->dump_size;
	}
	return true;
}

/* ------------------------------------------------------------- driving -- */

bool sig_kernel_coredump(int sig)
{
	switch (sig) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return true;
	default:
		return false;
	}
}

/* Linux coredump_write: the snapshot, the writer, and the byte that makes
 * the file as long as its last hole. */
static void coredump_write(struct coredump_params *cprm)
{
	if (!dump_vma_snapshot(cprm))
		return;
	if (!elf_core_dump(cprm) && !cprm->error && !cprm->limited)
		cprm->error = -EIO;
	if (cprm->to_skip && !cprm->error) {
		cprm->to_skip--;
		dump_emit(cprm, "", 1);
	}
	free_vma_snapshot(cprm);
	if (!cprm->error) {
		int err = vfs_fsync_range(cprm->file, 0, MAX_LFS_FILESIZE, false);

		if (err)
			cprm->error = err;
	}
}

/* The log line of a dump that ran (mmkit's, in coredump_report's form). */
static void coredump_log(struct core_name *cn, struct coredump_params *cprm)
{
	if (cprm->error) {
		coredump_report(KERN_WARNING, "Core dump to %s failed, error %d: file removed",
				cn->corename, cprm->error);
		return;
	}
	coredump_report(
		KERN_INFO, "written to %s: VMAs: %d, size %zu; core: %lld bytes, pos %lld%s",
		cn->corename, cprm->vma_count, cprm->vma_data_size, (long long)cprm->written,
		(long long)cprm->pos, cprm->limited ? " (RLIMIT_CORE reached)" : "");
}

/* The file, pipe or socket the dump goes to: true with cprm->file set. */
static bool coredump_open(struct core_name *cn, struct coredump_params *cprm)
{
	switch (cn->core_type) {
	case COREDUMP_FILE:
		return coredump_file(cn, cprm);
	case COREDUMP_PIPE:
		/* no user-mode helper can run: Linux with helpers disabled */
		coredump_report(KERN_WARNING, "Core dump to |%s disabled", cn->corename);
		return false;
	default:
		/* no AF_UNIX socket exists to connect to */
		coredump_report(KERN_WARNING, "Coredump socket connection %s failed %d",
				cn->corename, -ENOENT);
		return false;
	}
}

/* Linux coredump_wait/zap_threads: the group is dumping; the dumper is
 * marked.  The other threads are not running (see the top). */
static void coredump_wait(int exit_code)
{
	current->signal->group_exit_code = exit_code;
	current->flags |= PF_DUMPCORE | PF_SIGNALED;
}

void vfs_coredump(const kernel_siginfo_t *siginfo)
{
	struct mm_struct *mm = current->mm;
	struct coredump_params cprm = {
		.siginfo = siginfo,
		.limit = rlimit(RLIMIT_CORE),
		.mm_flags = READ_ONCE(mm->flags),
		.cpu = this_cpu()->id,
	};
	struct core_name cn = { 0 };

	coredump_wait(siginfo->si_signo);
	if (!(cprm.mm_flags & MMF_DUMPABLE_MASK))
		return;
	if (coredump_parse(&cn, &cprm)) {
		coredump_report(KERN_WARNING, "format_corename failed, aborting core");
		goto out;
	}
	if (!coredump_open(&cn, &cprm))
		goto out;
	coredump_write(&cprm);
	coredump_log(&cn, &cprm);
	if (cprm.error)
		coredump_remove(&cn, &cprm);
	else
		current->signal->group_exit_code |= 0x80;
	fput(cprm.file);
out:
	kfree(cn.corename);
}

int do_gcore(const char *path)
{
	static const kernel_siginfo_t none = { 0 };
	struct coredump_params cprm = {
		.siginfo = &none,
		.limit = RLIM_INFINITY,
		.mm_flags = READ_ONCE(current->mm->flags),
		.cpu = this_cpu()->id,
	};
	int err;

	cprm.file = do_filp_open(path, MMK_O_CREAT | MMK_O_WRONLY | MMK_O_TRUNC, 0644, &err);
	if (!cprm.file)
		return err;
	if (!MMK_S_ISREG(cprm.file->f_inode->i_mode)) {
		fput(cprm.file);
		return -EINVAL;
	}
	coredump_write(&cprm);
	err = cprm.error;
	if (err && !d_unlinked(cprm.file->f_dentry))
		sys_unlink(path); /* gdb's gcore: no unfinished core is kept */
	fput(cprm.file);
	return err;
}

/* --------------------------------------------------- coredump_filter -- */

unsigned long mm_coredump_filter(const struct mm_struct *mm)
{
	return (READ_ONCE(mm->flags) & MMF_DUMP_FILTER_MASK) >> MMF_DUMP_FILTER_SHIFT;
}

/* Linux proc_coredump_filter_write: each of the filter bits set or
 * cleared (mm->flags is one word here: a compare-exchange loop stands for
 * Linux's set_bit/clear_bit). */
void mm_set_coredump_filter(struct mm_struct *mm, unsigned long filter)
{
	unsigned long old = READ_ONCE(mm->flags), new;

	do {
		new = (old & ~MMF_DUMP_FILTER_MASK) |
		      ((filter << MMF_DUMP_FILTER_SHIFT) & MMF_DUMP_FILTER_MASK);
	} while (!__atomic_compare_exchange_n(&mm->flags, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}
