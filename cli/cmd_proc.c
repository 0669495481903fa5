/*
 * cmd_proc.c - processes and their address spaces in the scenario language:
 * spawn, the `vma` import line, `set`, and the mmap family
 * (mmap munmap mprotect mremap brk madvise mlock mlock2 munlock mlockall
 * munlockall msync).  Each system call runs on the process's CPU with the
 * process current, and prints Linux's return value or errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/coredump.h"
#include "mmkit/mm_vma.h"
#include "mmkit/pgtable.h"
#include "mmkit/proc.h"
#include "mmkit/sched.h"

static const struct flag_name map_names[] = { { "MAP_SHARED", MMK_MAP_SHARED },
					      { "MAP_PRIVATE", MMK_MAP_PRIVATE },
					      { "MAP_SHARED_VALIDATE", MMK_MAP_SHARED_VALIDATE },
					      { "MAP_DROPPABLE", MMK_MAP_DROPPABLE },
					      { "MAP_FIXED", MMK_MAP_FIXED },
					      { "MAP_ANONYMOUS", MMK_MAP_ANONYMOUS },
					      { "MAP_ANON", MMK_MAP_ANONYMOUS },
					      { "MAP_32BIT", MMK_MAP_32BIT },
					      { "MAP_ABOVE4G", MMK_MAP_ABOVE4G },
					      { "MAP_GROWSDOWN", MMK_MAP_GROWSDOWN },
					      { "MAP_DENYWRITE", MMK_MAP_DENYWRITE },
					      { "MAP_EXECUTABLE", MMK_MAP_EXECUTABLE },
					      { "MAP_LOCKED", MMK_MAP_LOCKED },
					      { "MAP_NORESERVE", MMK_MAP_NORESERVE },
					      { "MAP_POPULATE", MMK_MAP_POPULATE },
					      { "MAP_NONBLOCK", MMK_MAP_NONBLOCK },
					      { "MAP_STACK", MMK_MAP_STACK },
					      { "MAP_HUGETLB", MMK_MAP_HUGETLB },
					      { "MAP_SYNC", MMK_MAP_SYNC },
					      { "MAP_FIXED_NOREPLACE", MMK_MAP_FIXED_NOREPLACE },
					      { "MAP_UNINITIALIZED", MMK_MAP_UNINITIALIZED },
					      { NULL, 0 } };

static const struct flag_name mremap_names[] = { { "MREMAP_MAYMOVE", MMK_MREMAP_MAYMOVE },
						 { "MREMAP_FIXED", MMK_MREMAP_FIXED },
						 { "MREMAP_DONTUNMAP", MMK_MREMAP_DONTUNMAP },
						 { "0", 0 },
						 { NULL, 0 } };

static const struct flag_name madv_names[] = { { "MADV_NORMAL", MMK_MADV_NORMAL },
					       { "MADV_RANDOM", MMK_MADV_RANDOM },
					       { "MADV_SEQUENTIAL", MMK_MADV_SEQUENTIAL },
					       { "MADV_WILLNEED", MMK_MADV_WILLNEED },
					       { "MADV_DONTNEED", MMK_MADV_DONTNEED },
					       { "MADV_FREE", MMK_MADV_FREE },
					       { "MADV_REMOVE", MMK_MADV_REMOVE },
					       { "MADV_DONTFORK", MMK_MADV_DONTFORK },
					       { "MADV_DOFORK", MMK_MADV_DOFORK },
					       { "MADV_MERGEABLE", MMK_MADV_MERGEABLE },
					       { "MADV_UNMERGEABLE", MMK_MADV_UNMERGEABLE },
					       { "MADV_HUGEPAGE", MMK_MADV_HUGEPAGE },
					       { "MADV_NOHUGEPAGE", MMK_MADV_NOHUGEPAGE },
					       { "MADV_DONTDUMP", MMK_MADV_DONTDUMP },
					       { "MADV_DODUMP", MMK_MADV_DODUMP },
					       { "MADV_WIPEONFORK", MMK_MADV_WIPEONFORK },
					       { "MADV_KEEPONFORK", MMK_MADV_KEEPONFORK },
					       { "MADV_COLD", MMK_MADV_COLD },
					       { "MADV_PAGEOUT", MMK_MADV_PAGEOUT },
					       { "MADV_POPULATE_READ", MMK_MADV_POPULATE_READ },
					       { "MADV_POPULATE_WRITE", MMK_MADV_POPULATE_WRITE },
					       { "MADV_DONTNEED_LOCKED", MMK_MADV_DONTNEED_LOCKED },
					       { "MADV_COLLAPSE", MMK_MADV_COLLAPSE },
					       { "MADV_HWPOISON", MMK_MADV_HWPOISON },
					       { "MADV_SOFT_OFFLINE", MMK_MADV_SOFT_OFFLINE },
					       { "MADV_GUARD_INSTALL", MMK_MADV_GUARD_INSTALL },
					       { "MADV_GUARD_REMOVE", MMK_MADV_GUARD_REMOVE },
					       { NULL, 0 } };

static const struct flag_name ms_names[] = { { "MS_ASYNC", MMK_MS_ASYNC },
					     { "MS_INVALIDATE", MMK_MS_INVALIDATE },
					     { "MS_SYNC", MMK_MS_SYNC },
					     { NULL, 0 } };

static const struct flag_name mlock_names[] = { { "MLOCK_ONFAULT", MMK_MLOCK_ONFAULT },
						{ "MCL_CURRENT", MMK_MCL_CURRENT },
						{ "MCL_FUTURE", MMK_MCL_FUTURE },
						{ "MCL_ONFAULT", MMK_MCL_ONFAULT },
						{ NULL, 0 } };

/* Result of a call returning an address or -errno. */
static void result_uaddr(struct cmd_ctx *c, unsigned long r)
{
	if (IS_ERR_VALUE(r))
		result_errno(c, -(long)r);
	else
		result_addr(c, r);
}

/* ---- spawn ---- */

struct spawn_args {
	const char *name;
	bool exec;
	const char *path; /* exec PATH: a real ELF */
	struct task_struct *task;
	int err;
};

static void spawn_on_cpu(void *info)
{
	struct spawn_args *a = info;
	struct cpu *c = this_cpu();
	struct task_struct *prev = cpu_curr(c);
	struct mm_struct *mm = mm_alloc();

	a->err = -ENOMEM;
	if (!mm)
		return;
	a->task = task_create(a->name, mm);
	if (!a->task) {
		mmput(mm);
		return;
	}
	arch_pick_mmap_layout(mm, task_rlimit(a->task, RLIMIT_STACK));
	a->err = 0;
	if (!a->exec)
		return;
	if (a->path) {
		/* the loader writes through the new mm (padzero): load it */
		context_switch(a->task);
		a->err = exec_elf_setup(a->task, a->path);
		if (prev)
			context_switch(prev);
	} else {
		cpu_set_curr(c, a->task);
		a->err = exec_image_setup(a->task);
		cpu_set_curr(c, prev);
	}
	if (a->err) {
		task_exit(a->task);
		a->task = NULL;
	}
}

/* spawn A [exec [PATH]] */
static int do_spawn(struct cmd_ctx *c)
{
	struct spawn_args a = { 0 };

	if (c->argc >= 2 && !strcmp(c->argv[1], "elf"))
		return cli_spawn_elf(c); /* cli/cmd_exec.c: a real program */
	if (arg_count(c, 1, 3))
		return CMD_SCRIPT_ERROR;
	if (c->argc >= 2 && strcmp(c->argv[1], "exec"))
		return script_error(c, "spawn: expected 'exec' or 'elf', got '%s'", c->argv[1]);
	a.path = c->argc == 3 ? c->argv[2] : NULL;
	if (cli_proc_find(c->sc, c->argv[0]))
		return script_error(c, "spawn: process '%s' exists", c->argv[0]);
	a.name = c->argv[0];
	a.exec = c->argc >= 2;
	spawn_on_cpu(&a);
	if (a.err) {
		result_errno(c, -a.err);
		return 0;
	}
	if (!cli_proc_add(c->sc, a.name, a.task, 0)) {
		task_exit(a.task);
		return script_error(c, "spawn: bad or too many process names ('%s')", a.name);
	}
	result_zero(c);
	return 0;
}
CLI_COMMAND(cmd_spawn, .name = "spawn", .kind = CMD_GLOBAL,
	    .usage = "spawn A [exec [PATH] | elf PATH [ARGS...]]",
	    .help = "a new process: empty, with an exec-like image, or with a static ELF's image",
	    .fn = do_spawn)

/* ---- the vma import line ---- */

struct vma_line {
	unsigned long start, end, pgoff, flags, ino;
	unsigned int major, minor;
	char name[512];
};

/* Interned special names, so that equal names compare equal as pointers. */
static const char *intern_name(const char *s)
{
	static char *names[256];
	static int n;
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return names[i];
	if (n == (int)ARRAY_SIZE(names))
		return NULL;
	names[n] = strdup(s);
	return names[n] ? names[n++] : NULL;
}

static int parse_vma_line(struct cmd_ctx *c, struct vma_line *l)
{
	const char *p = c->argv[1];
	char *end;
	int i;

	if (sscanf(c->argv[0], "%lx-%lx", &l->start, &l->end) != 2 || l->start >= l->end ||
	    ((l->start | l->end) & ~PAGE_MASK) || l->end > mmk_task_size())
		return script_error(c, "vma: bad range '%s'", c->argv[0]);
	if (strlen(p) != 4 || !strchr("r-", p[0]) || !strchr("w-", p[1]) || !strchr("x-", p[2]) ||
	    !strchr("ps", p[3]))
		return script_error(c, "vma: bad permissions '%s'", p);
	l->flags = (p[0] == 'r' ? VM_READ : 0) | (p[1] == 'w' ? VM_WRITE : 0) |
		   (p[2] == 'x' ? VM_EXEC : 0) | (p[3] == 's' ? VM_SHARED | VM_MAYSHARE : 0) |
		   VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	l->pgoff = strtoul(c->argv[2], &end, 16);
	if (*end || (l->pgoff & ~PAGE_MASK))
		return script_error(c, "vma: bad offset '%s'", c->argv[2]);
	l->pgoff >>= PAGE_SHIFT;
	if (sscanf(c->argv[3], "%x:%x", &l->major, &l->minor) != 2)
		return script_error(c, "vma: bad device '%s'", c->argv[3]);
	l->ino = strtoul(c->argv[4], &end, 10);
	if (*end)
		return script_error(c, "vma: bad inode '%s'", c->argv[4]);
	l->name[0] = 0;
	for (i = 5; i < c->argc; i++) {
		if (strlen(l->name) + strlen(c->argv[i]) + 2 > sizeof(l->name))
			return script_error(c, "vma: name too long");
		size_t len = strlen(l->name);

		snprintf(l->name + len, sizeof(l->name) - len, "%s%s", i > 5 ? " " : "",
			 c->argv[i]);
	}
	return 0;
}

/* The file object an earlier import line of mm made for the same identity
 * (dev, inode, path, deleted): one struct file per file, as the ELF loader
 * maps every segment of an executable from one (so its VMAs can merge). */
static struct file *import_file_find(struct mm_struct *mm, const struct vma_line *l, bool deleted)
{
	struct vm_area_struct *v;

	for_each_vma(mm, v) {
		struct file *f = v->vm_file;

		if (f && f->dev_major == l->major && f->dev_minor == l->minor && f->ino == l->ino &&
		    f->deleted == deleted && !strcmp(f->path, l->name))
			return f;
	}
	return NULL;
}

/* Flags and identity from the name; a file VMA references its file's object
 * (the one an earlier line made, or a new one). */
static int vma_line_kind(struct mm_struct *mm, struct vma_line *l, struct vm_area_struct *v)
{
	struct file *same;

	size_t n = strlen(l->name);
	bool deleted = n > 10 && !strcmp(l->name + n - 10, " (deleted)");

	v->vm_pgoff = l->start >> PAGE_SHIFT;
	if (l->name[0] == '[') {
		if (!strcmp(l->name, "[stack]"))
			v->vm_flags |= VM_GROWSDOWN;
		if (strcmp(l->name, "[stack]") && strcmp(l->name, "[heap]")) {
			v->vm_name = intern_name(l->name);
			if (!v->vm_name)
				return -ENOMEM;
		}
		return 0;
	}
	if (!l->name[0] && !l->ino)
		return 0;
	if (deleted)
		l->name[n - 10] = 0;
	same = import_file_find(mm, l, deleted);
	v->vm_file = same ? get_file(same) : file_id_get(l->major, l->minor, l->ino, l->name);
	if (!v->vm_file)
		return -ENOMEM;
	v->vm_file->deleted = deleted;
	v->vm_file->shmem = deleted && !strcmp(l->name, "/dev/zero");
	v->vm_file->size = max(v->vm_file->size, (l->pgoff << PAGE_SHIFT) + (l->end - l->start));
	v->vm_pgoff = l->pgoff;
	return 0;
}

/* [stack], [heap] and [anon:NAME] are ordinary VMAs; every other
 * bracketed name is a special mapping ([vdso], [vvar], ...). */
static bool special_name(const char *name)
{
	return name[0] == '[' && strcmp(name, "[stack]") && strcmp(name, "[heap]") &&
	       strncmp(name, "[anon:", 6);
}

/* A special mapping imported from a process that ran: its C library read
 * [vdso] and the vdso read [vvar], so the page tables over them exist
 * (their pages need not be resident: hostrun drops its [vdso] pages).
 * That matters to a later fault-around there, which maps the page holding
 * EOF only into an existing table (mm/filemap.c fault_around_table).  The
 * tables are made here; mmap_lock held for write. */
static int import_special(struct mm_struct *mm, struct vma_line *l)
{
	const char *name = intern_name(l->name);
	int err;

	if (!name)
		return -ENOMEM;
	err = install_special_mapping_named(mm, name, l->start, l->end,
					    l->flags & (VM_ACCESS_FLAGS | VM_SHARED | VM_MAYSHARE));
	for (unsigned long a = l->start; !err && a < l->end; a = (a & PMD_MASK) + PMD_SIZE) {
		ptep_t pte = pte_alloc_walk(mm, a);

		if (!pte)
			err = -ENOMEM;
		pte_unmap(pte);
	}
	return err;
}

static int import_vma(struct mm_struct *mm, struct vma_line *l)
{
	struct vm_area_struct *v;
	int err;

	if (special_name(l->name))
		return import_special(mm, l);
	v = vm_area_alloc(mm);
	if (!v)
		return -ENOMEM;
	v->vm_start = l->start;
	v->vm_end = l->end;
	v->vm_flags = l->flags;
	err = vma_line_kind(mm, l, v);
	if (!err && (v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		v->vm_flags |= VM_ACCOUNT;
	v->vm_page_prot = vm_get_page_prot(v->vm_flags);
	if (!err)
		err = vma_link(mm, v);
	if (err) {
		vma_free_detached(v);
		return err;
	}
	if (v->vm_flags & VM_ACCOUNT) /* an imported mapping's commitment */
		vm_acct_memory((long)vma_pages(v));
	vm_stat_account(mm, v->vm_flags, vma_pages(v));
	if (!v->vm_file && !(v->vm_flags & VM_SHARED) && (v->vm_flags & VM_WRITE))
		err = __anon_vma_prepare(v);
	if (!strcmp(l->name, "[heap]") && !mm->start_brk && !mm->brk) {
		mm->start_brk = l->start;
		mm->brk = l->end;
	}
	if (!strcmp(l->name, "[stack]") && (mm->start_stack < l->start || mm->start_stack > l->end))
		mm->start_stack = l->end - PAGE_SIZE;
	if (v->vm_file && (v->vm_flags & VM_EXEC) && !mm->start_code) {
		mm->start_code = l->start;
		mm->end_code = l->end;
	}
	return err;
}

/* A vma START-END PERMS OFFSET DEV INODE [NAME...] */
static int need_mm(struct cmd_ctx *c);

static int do_vma(struct cmd_ctx *c)
{
	struct mm_struct *mm;
	struct vma_line l;
	int err;

	if (arg_count(c, 5, CLI_MAX_ARGS) || parse_vma_line(c, &l) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	mm = c->proc->task->mm;
	if (!strcmp(l.name, "[vsyscall]"))
		return 0; /* the gate area is not a VMA of the mm */
	mmap_write_lock(mm);
	err = find_vma_intersection(mm, l.start, l.end) ? -EEXIST : import_vma(mm, &l);
	mmap_write_unlock(mm);
	if (err)
		return script_error(c, "vma: %s",
				    err == -EEXIST ? "overlaps an existing VMA" : "out of memory");
	return 0;
}
CLI_COMMAND(cmd_vma, .name = "vma", .kind = CMD_PROCESS,
	    .usage = "A vma START-END PERMS OFFSET DEV INODE [NAME...]",
	    .help = "import a VMA as a /proc/PID/maps line shows it", .fn = do_vma)

/* A vmflags START MNEMONIC...: the VM_* flags of the imported VMA starting at
 * START, as smaps' VmFlags shows them (what a maps line cannot: VM_ACCOUNT
 * of a RELRO range, VM_MAY*, VM_DONTDUMP...).  Accounting follows. */
static int set_vma_flags(struct mm_struct *mm, struct vm_area_struct *v, unsigned long flags)
{
	long pages = (long)vma_pages(v);

	vm_stat_account(mm, v->vm_flags, -pages);
	if (v->vm_flags & VM_LOCKED)
		mm->locked_vm -= (unsigned long)pages;
	if ((v->vm_flags & VM_ACCOUNT) && !(flags & VM_ACCOUNT)) /* Committed_AS */
		vm_unacct_memory(pages);
	else if (!(v->vm_flags & VM_ACCOUNT) && (flags & VM_ACCOUNT))
		vm_acct_memory(pages);
	v->vm_flags = flags;
	v->vm_page_prot = vm_get_page_prot(flags);
	vm_stat_account(mm, flags, pages);
	if (flags & VM_LOCKED)
		mm->locked_vm += (unsigned long)pages;
	return 0;
}

static int do_vmflags(struct cmd_ctx *c)
{
	unsigned long start, flags = 0;
	struct vm_area_struct *v;
	struct mm_struct *mm;
	char *end;
	int i;

	if (arg_count(c, 1, CLI_MAX_ARGS) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	start = strtoul(c->argv[0], &end, 16);
	if (*end)
		return script_error(c, "vmflags: bad address '%s'", c->argv[0]);
	for (i = 1; i < c->argc; i++) {
		unsigned long f = vm_flag_from_mnemonic(c->argv[i]);

		if (!f)
			return script_error(c, "vmflags: unknown flag '%s'", c->argv[i]);
		flags |= f;
	}
	mm = c->proc->task->mm;
	mmap_write_lock(mm);
	v = vma_lookup(mm, start);
	if (v && v->vm_start == start)
		set_vma_flags(mm, v, flags);
	mmap_write_unlock(mm);
	if (!v || v->vm_start != start)
		return script_error(c, "vmflags: no VMA starts at %#lx", start);
	return 0;
}
CLI_COMMAND(cmd_vmflags, .name = "vmflags", .kind = CMD_PROCESS, .usage = "A vmflags START FLAG...",
	    .help = "set an imported VMA's flags as smaps' VmFlags shows them (rd wr ac ...)",
	    .fn = do_vmflags)

/* ---- set ---- */

static const char *const set_keys[] = {
	"mmap_base",	   "start_brk",	    "brk",  "stack_rlimit", "memlock_rlimit", "data_rlimit",
	"as_rlimit",	   "start_stack",   "root", "start_data",   "end_data",	      "core_rlimit",
	"coredump_filter", "oom_score_adj",
};
#define SET_OOM_SCORE_ADJ 13

static void set_one(struct task_struct *t, int k, unsigned long v)
{
	struct mm_struct *mm = t->mm;
	struct rlimit *r = t->signal->rlim;

	switch (k) {
	case 0:
		mm->mmap_base = v;
		break;
	case 1:
		mm->start_brk = v;
		break;
	case 2:
		mm->brk = v;
		break;
	case 3:
		r[RLIMIT_STACK].rlim_cur = v;
		break;
	case 4:
		r[RLIMIT_MEMLOCK].rlim_cur = v;
		r[RLIMIT_MEMLOCK].rlim_max = max(v, r[RLIMIT_MEMLOCK].rlim_max);
		break;
	case 5:
		r[RLIMIT_DATA].rlim_cur = v;
		break;
	case 6:
		r[RLIMIT_AS].rlim_cur = v;
		break;
	case 7:
		mm->start_stack = v;
		break;
	case 8:
		t->cap_ipc_lock = t->cap_sys_rawio = v != 0;
		break;
	case 9:
		mm->start_data = v;
		break;
	case 10:
		mm->end_data = v;
		break;
	case 11:
		r[RLIMIT_CORE].rlim_cur = v;
		r[RLIMIT_CORE].rlim_max = max(v, r[RLIMIT_CORE].rlim_max);
		break;
	case 12:
		mm_set_coredump_filter(mm, v);
		break;		/* /proc/PID/coredump_filter */
	case SET_OOM_SCORE_ADJ: /* /proc/PID/oom_score_adj */
		WRITE_ONCE(t->signal->oom_score_adj, (short)(long)v);
		break;
	}
}

static int parse_set_value(struct cmd_ctx *c, int k, const char *val, u64 *v)
{
	if (k == SET_OOM_SCORE_ADJ) { /* Linux: -EINVAL outside -1000..1000 */
		char *end;
		long n = strtol(val, &end, 10);

		if (!*val || *end || n < -1000 || n > 1000)
			return script_error(c, "set: oom_score_adj must be -1000..1000, not '%s'",
					    val);
		*v = (u64)n;
		return 0;
	}
	if (!strcmp(val, "unlimited") || !strcmp(val, "RLIM_INFINITY")) {
		*v = RLIM_INFINITY;
		return 0;
	}
	return cli_parse_num(c->sc, val, v) ? script_error(c, "set: bad value '%s'", val) : 0;
}

/* A set KEY=VALUE ... */
static int do_set(struct cmd_ctx *c)
{
	int keys[CLI_MAX_ARGS], i, k;
	u64 vals[CLI_MAX_ARGS];

	if (arg_count(c, 1, CLI_MAX_ARGS) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	for (i = 0; i < c->argc; i++) {
		const char *val = NULL;

		for (k = 0; k < (int)ARRAY_SIZE(set_keys) && !arg_kv(c, i, set_keys[k], &val); k++)
			;
		if (k == (int)ARRAY_SIZE(set_keys))
			return script_error(c, "set: unknown key in '%s'", c->argv[i]);
		if (parse_set_value(c, k, val, &vals[i]))
			return CMD_SCRIPT_ERROR;
		keys[i] = k;
	}
	mmap_write_lock(c->proc->task->mm);
	for (i = 0; i < c->argc; i++)
		set_one(c->proc->task, keys[i], vals[i]);
	mmap_write_unlock(c->proc->task->mm);
	return 0;
}
CLI_COMMAND(cmd_set, .name = "set", .kind = CMD_PROCESS,
	    .usage = "A set KEY=VALUE ... (mmap_base start_brk brk stack_rlimit memlock_rlimit "
		     "data_rlimit as_rlimit start_stack root start_data end_data core_rlimit "
		     "coredump_filter oom_score_adj)",
	    .help = "set layout parameters and limits of A", .fn = do_set)

/* ---- system calls ---- */

static int need_mm(struct cmd_ctx *c)
{
	if (c->proc->dead || !c->proc->task)
		return script_error(c, "%s: process '%s' has exited", c->cmd, c->proc->name);
	if (!c->proc->task->mm)
		return script_error(c, "%s: '%s' has no address space", c->cmd, c->proc->name);
	return 0;
}

/* A mmap ADDR LEN PROT FLAGS [FD OFFSET] -> address */
static int do_mmap_cmd(struct cmd_ctx *c)
{
	u64 addr, len, prot, flags, fd = (u64)-1, off = 0;

	if (arg_count(c, 4, 6) || c->argc == 5 || arg_num(c, 0, &addr) || arg_num(c, 1, &len) ||
	    arg_prot(c, 2, &prot) || arg_flags(c, 3, map_names, &flags) ||
	    (c->argc == 6 && (arg_num(c, 4, &fd) || arg_num(c, 5, &off))) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_uaddr(c, sys_mmap(addr, len, prot, flags, (long)fd, off));
	return 0;
}
CLI_COMMAND(cmd_mmap, .name = "mmap", .kind = CMD_PROCESS,
	    .usage = "A mmap ADDR LEN PROT FLAGS [FD OFFSET] -> addr", .help = "mmap(2)",
	    .fn = do_mmap_cmd,
	    .flags = (const struct cli_flagset[]){
		    { "PROT", prot_flag_names }, { "FLAGS", map_names }, { NULL, NULL } })

static int two_nums(struct cmd_ctx *c, u64 *a, u64 *b)
{
	if (arg_count(c, 2, 2) || arg_num(c, 0, a) || arg_num(c, 1, b) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	return 0;
}

static int do_munmap_cmd(struct cmd_ctx *c)
{
	u64 a, l;

	if (two_nums(c, &a, &l))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_munmap(a, l));
	return 0;
}
CLI_COMMAND(cmd_munmap, .name = "munmap", .kind = CMD_PROCESS, .usage = "A munmap ADDR LEN",
	    .help = "munmap(2)", .fn = do_munmap_cmd)

static int do_mprotect_cmd(struct cmd_ctx *c)
{
	u64 a, l, p;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &a) || arg_num(c, 1, &l) || arg_prot(c, 2, &p) ||
	    need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_mprotect(a, l, p));
	return 0;
}
CLI_COMMAND(cmd_mprotect, .name = "mprotect", .kind = CMD_PROCESS,
	    .usage = "A mprotect ADDR LEN PROT", .help = "mprotect(2)", .fn = do_mprotect_cmd,
	    .flags = (const struct cli_flagset[]){ { "PROT", prot_flag_names }, { NULL, NULL } })

static int do_mremap_cmd(struct cmd_ctx *c)
{
	u64 a, ol, nl, f, na = 0;

	if (arg_count(c, 4, 5) || arg_num(c, 0, &a) || arg_num(c, 1, &ol) || arg_num(c, 2, &nl) ||
	    arg_flags(c, 3, mremap_names, &f) || (c->argc == 5 && arg_num(c, 4, &na)) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_uaddr(c, sys_mremap(a, ol, nl, f, na));
	return 0;
}
CLI_COMMAND(cmd_mremap, .name = "mremap", .kind = CMD_PROCESS,
	    .usage = "A mremap OLDADDR OLDLEN NEWLEN FLAGS [NEWADDR] -> addr", .help = "mremap(2)",
	    .fn = do_mremap_cmd,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", mremap_names }, { NULL, NULL } })

static int do_brk_cmd(struct cmd_ctx *c)
{
	u64 a;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &a) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_addr(c, sys_brk(a));
	return 0;
}
CLI_COMMAND(cmd_brk, .name = "brk", .kind = CMD_PROCESS, .usage = "A brk ADDR -> break",
	    .help = "brk(2): the new or unchanged break (brk 0 queries)", .fn = do_brk_cmd)

static int do_madvise_cmd(struct cmd_ctx *c)
{
	u64 a, l, adv;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &a) || arg_num(c, 1, &l) ||
	    arg_enum(c, 2, madv_names, &adv) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_madvise(a, l, (int)adv));
	return 0;
}
CLI_COMMAND(cmd_madvise, .name = "madvise", .kind = CMD_PROCESS,
	    .usage = "A madvise ADDR LEN ADVICE", .help = "madvise(2)", .fn = do_madvise_cmd,
	    .flags = (const struct cli_flagset[]){ { "ADVICE", madv_names }, { NULL, NULL } })

static int do_mlock_cmd(struct cmd_ctx *c)
{
	u64 a, l;

	if (two_nums(c, &a, &l))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_mlock(a, l));
	return 0;
}
CLI_COMMAND(cmd_mlock, .name = "mlock", .kind = CMD_PROCESS, .usage = "A mlock ADDR LEN",
	    .help = "mlock(2)", .fn = do_mlock_cmd)

static int do_mlock2_cmd(struct cmd_ctx *c)
{
	u64 a, l, f;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &a) || arg_num(c, 1, &l) ||
	    arg_flags(c, 2, mlock_names, &f) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_mlock2(a, l, (int)f));
	return 0;
}
CLI_COMMAND(cmd_mlock2, .name = "mlock2", .kind = CMD_PROCESS, .usage = "A mlock2 ADDR LEN FLAGS",
	    .help = "mlock2(2)", .fn = do_mlock2_cmd,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", mlock_names }, { NULL, NULL } })

static int do_munlock_cmd(struct cmd_ctx *c)
{
	u64 a, l;

	if (two_nums(c, &a, &l))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_munlock(a, l));
	return 0;
}
CLI_COMMAND(cmd_munlock, .name = "munlock", .kind = CMD_PROCESS, .usage = "A munlock ADDR LEN",
	    .help = "munlock(2)", .fn = do_munlock_cmd)

static int do_mlockall_cmd(struct cmd_ctx *c)
{
	u64 f;

	if (arg_count(c, 1, 1) || arg_flags(c, 0, mlock_names, &f) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_mlockall((int)f));
	return 0;
}
CLI_COMMAND(cmd_mlockall, .name = "mlockall", .kind = CMD_PROCESS, .usage = "A mlockall FLAGS",
	    .help = "mlockall(2)", .fn = do_mlockall_cmd,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", mlock_names }, { NULL, NULL } })

static int do_munlockall_cmd(struct cmd_ctx *c)
{
	if (arg_count(c, 0, 0) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_munlockall());
	return 0;
}
CLI_COMMAND(cmd_munlockall, .name = "munlockall", .kind = CMD_PROCESS, .usage = "A munlockall",
	    .help = "munlockall(2)", .fn = do_munlockall_cmd)

static int do_msync_cmd(struct cmd_ctx *c)
{
	u64 a, l, f;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &a) || arg_num(c, 1, &l) ||
	    arg_flags(c, 2, ms_names, &f) || need_mm(c))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_msync(a, l, (int)f));
	return 0;
}
CLI_COMMAND(cmd_msync, .name = "msync", .kind = CMD_PROCESS, .usage = "A msync ADDR LEN FLAGS",
	    .help = "msync(2)", .fn = do_msync_cmd,
	    .flags = (const struct cli_flagset[]){ { "FLAGS", ms_names }, { NULL, NULL } })
