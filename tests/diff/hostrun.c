/*
 * hostrun.c - the host-kernel oracle of mmkit's differential tests.
 *
 * Runs a scenario (.mm) - the subset that real system calls can express - on
 * this machine's own Linux kernel and prints exactly the result lines and
 * views `mmkit run --plain` prints (spec: scenario-language.md).  One static
 * binary plays two roles:
 *
 *  - The coordinator (the command-line process) parses the script, keeps the
 *    variables and the process table, formats results and checks expect=.
 *  - Agents (`hostrun --agent`), one per scenario process, execute system
 *    calls and memory accesses on request.  `spawn A` forks and re-execs this
 *    binary with personality(ADDR_NO_RANDOMIZE), fixed rlimits and an empty
 *    environment; the agent drops every capability (so root behaves like a
 *    user: RLIMIT_MEMLOCK and mmap_min_addr apply), pre-touches its stack and
 *    its writable mappings, and from then on uses no heap, no stdio and no
 *    new mappings.  Its address space is therefore fixed before the first
 *    scenario command: the coordinator reads /proc/PID/maps and writes it into
 *    the expanded script (--emit) as `A set` and `A vma` import lines right
 *    after `spawn A`, so mmkit starts from the identical layout and only
 *    addresses chosen by the kernel can differ.
 *
 * Agent protocol: fixed-size requests and replies over a SOCK_STREAM socket
 * on fd 1023.  Memory accesses run under a SIGSEGV/SIGBUS handler that
 * siglongjmps back with si_code and si_addr.  `A fork B` forks the agent; the
 * parent returns the child's socket to the coordinator with SCM_RIGHTS.
 *
 * Result line numbers refer to the expanded script (the one --emit writes and
 * mmkit runs).  `hostrun run --plain FILE` instead runs an already expanded
 * script (import lines are checked against the real layout, not executed):
 * it stands in for mmkit in the harness's own self-tests.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <ftw.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

typedef uint64_t u64;

#define PAGE_SIZE        4096ULL
#define TASK_SIZE        0x7ffffffff000ULL
#define STACK_GUARD_GAP  (256 * PAGE_SIZE)
#define AGENT_RLIMIT_WANT    (8ULL << 20)   /* stack and memlock: Linux defaults */
#define AGENT_STACK_PRETOUCH (64 * 1024)
#define AGENT_FD 1023                       /* high: the scenario's descriptors start at 0 */
#define AGENT_PATH_MAX 256
#define AGENT_VEC_MAX 256                   /* mincore: pages per call */

/* ------------------------------------------------------------------ */
/* Agent protocol                                                      */

enum agent_op {
	OP_SYSCALL = 1,   /* a[0] = number, a[1..6] = arguments */
	OP_READ,          /* addr, size */
	OP_WRITE,         /* addr, size, value */
	OP_FILL,          /* addr, len, byte */
	OP_CHECK,         /* addr, len, byte */
	OP_TOUCH,         /* addr, len, write? */
	OP_EXEC,          /* addr */
	OP_FORK,
	OP_EXIT,
	OP_PATH,          /* a[0] = number; path, a[1..5] = the other arguments */
	OP_STAT,          /* path: size, blocks */
	OP_FSTAT,         /* a[0] = fd: size, blocks */
	OP_MINCORE,       /* addr, len: val = return, vec */
	OP_RUSAGE,        /* val = minflt, addr = majflt since spawn or fork */
	OP_FILLPAT,       /* addr, len, seed: each 8-byte word = splitmix64(seed ^ address) */
	OP_CHECKPAT,      /* addr, len, seed */
};

enum agent_reply {
	REP_RET = 1,        /* val = raw system call return */
	REP_OK,
	REP_VALUE,          /* val */
	REP_MISMATCH,       /* addr, val = byte found */
	REP_SIGNAL,         /* sig, code, addr */
	REP_FORKED,         /* val = pid; the child's socket rides along (SCM_RIGHTS) */
	REP_READY,          /* val = brk, addr = pid */
};

struct agent_req {
	uint32_t op;
	uint32_t pad;
	u64 a[7];
	char path[AGENT_PATH_MAX];      /* OP_PATH, OP_STAT */
};

struct agent_rep {
	int32_t kind;
	int32_t sig;
	int32_t code;
	int32_t pad;
	u64 val;
	u64 addr;
	unsigned char vec[AGENT_VEC_MAX];   /* OP_MINCORE */
};

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Agent: the measured process                                         */

static long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;
static volatile int fault_sig, fault_code;
static volatile u64 fault_addr;
static char agent_maps_buf[256 * 1024];
static volatile int exec_stage;    /* 1: jumping, 2: fetching ADDR */
static volatile u64 exec_target;

static void agent_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGTRAP && exec_stage == 1) {
		exec_stage = 2;    /* trapped after the jump: now let it fetch */
		return;
	}
	if (!fault_armed)
		_exit(128 + sig);
	fault_armed = 0;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = (u64)(uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, 1);
}

/* Drop every capability: root then behaves like an ordinary user
 * (RLIMIT_MEMLOCK applies to mlock, mmap_min_addr to MAP_FIXED). */
static void agent_drop_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		_exit(120);
}

/* The fault handlers run on their own stack: the one instruction an `exec`
 * access runs may load anything into %rsp (a `pop %rsp` of fill bytes). */
static char agent_sigstack[64 * 1024] __attribute__((aligned(16)));

static void agent_signals(void)
{
	struct sigaction sa;
	stack_t ss = { .ss_sp = agent_sigstack, .ss_size = sizeof(agent_sigstack) };

	if (sigaltstack(&ss, NULL))
		_exit(121);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = agent_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	/* forked agents are reaped by the kernel */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGCHLD, &sa, NULL);
}

/* The lowest stack page the agent itself ever uses (agent_pretouch_stack):
 * the [stack] pages below it belong to the scenario, which may guard, unmap
 * or wipe them (tests/diff/gen.py's STACK_SAFE keeps its margin from it). */
static u64 agent_stack_lo;

/* Grow the stack VMA now, so the agent's own calls never grow it later. */
static void __attribute__((noinline)) agent_pretouch_stack(void)
{
	volatile char buf[AGENT_STACK_PRETOUCH];

	for (size_t i = 0; i < sizeof(buf); i += 1024)
		buf[i] = 0;
	agent_stack_lo = (u64)(uintptr_t)buf & ~(PAGE_SIZE - 1);
}

/* One write access that keeps the byte: it faults as a write, allocates the
 * anon_vma and breaks COW, but never changes contents. */
static inline void touch_write(u64 addr)
{
	__asm__ volatile("lock orb $0, (%0)" : : "r"(addr) : "memory");
}

static inline unsigned char touch_read(u64 addr)
{
	unsigned char v;

	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	return v;
}

/* The agent's own page faults (see agent_quiesce): getrusage's counts at
 * the point the scenario's faults start to count. */
static long rusage_min_base, rusage_maj_base;

static void agent_rusage(long *minflt, long *majflt)
{
	struct rusage ru;

	raw_syscall6(SYS_getrusage, RUSAGE_SELF, (long)&ru, 0, 0, 0, 0);
	*minflt = ru.ru_minflt;
	*majflt = ru.ru_majflt;
}

/* Every private writable mapping gets its anon_vma now, so that the import
 * rule "writable anonymous VMAs count as already faulted" is true on the host. */
static void agent_fault_in_writable(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		_exit(121);
	while ((n = read(fd, agent_maps_buf + len, sizeof(agent_maps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	agent_maps_buf[len] = 0;
	for (char *line = agent_maps_buf; line && *line; ) {
		char *next = strchr(line, '\n');
		unsigned long start, end;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    perms[1] == 'w' && perms[3] == 'p' && start < TASK_SIZE)
			touch_write(start);
		line = next ? next + 1 : NULL;
	}
}

/* Fault in every page of the agent's own image (its text and read-only
 * data read, its data, bss, heap and stack written) so that from now on the
 * agent's own work takes no page fault: `A rusage` counts the scenario's
 * faults only.  After a fork the child's file pages are not in its page
 * tables and both sides' private pages are copy-on-write: both call this
 * again.  Only the agent's own ranges (those mapped when it started, as they
 * are mapped now) are touched: the scenario's mappings are its business.
 * The first call touches the whole start-up layout; the own range it keeps
 * for later calls ends the stack at agent_stack_lo, because the pages below
 * are the scenario's (a guard or a PROT_NONE there must not kill the agent
 * at its next fork). */
#define AGENT_OWN_MAX 64
static struct { unsigned long start, end; } agent_own[AGENT_OWN_MAX];
static int agent_nown;

static void agent_quiesce(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	bool first = agent_nown == 0;
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		_exit(121);
	while ((n = read(fd, agent_maps_buf + len, sizeof(agent_maps_buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	agent_maps_buf[len] = 0;
	for (char *line = agent_maps_buf; line && *line; ) {
		char *next = strchr(line, '\n');
		unsigned long start, end;
		char perms[8];

		if (next)
			*next = 0;                       /* strstr below looks at this line only */
		/* [vdso]: libc read its ELF header at start-up, so its first page
		 * is resident and the second is not; an imported [vdso] in mmkit
		 * has no page resident (nothing ran there), and an mlock or
		 * populate over it would count the difference as minor faults
		 * (seed 8 of level 6, indexes 82 and 278).  Drop the agent's vdso
		 * pages once, so that both start from none resident; the agent
		 * never calls into the vdso afterwards (raw system calls only).
		 * A fork's child has none either: Linux copies no PTEs of a VMA
		 * without anon_vma that is not VM_PFNMAP/VM_MIXEDMAP. */
		if (first && strstr(line, "[vdso]") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    raw_syscall6(SYS_madvise, (long)start, (long)(end - start), 4 /* MADV_DONTNEED */, 0, 0, 0))
			_exit(121);
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 && start < TASK_SIZE &&
		    !strstr(line, "[v")) {
			bool stack = strstr(line, "[stack]") != NULL;

			if (first && agent_nown < AGENT_OWN_MAX) {
				agent_own[agent_nown].start = stack && start < agent_stack_lo &&
							      agent_stack_lo < end ? agent_stack_lo : start;
				agent_own[agent_nown++].end = end;
			}
			for (int i = 0; i < agent_nown && perms[0] == 'r'; i++) {
				unsigned long s0 = start > agent_own[i].start ? start : agent_own[i].start;
				unsigned long e0 = end < agent_own[i].end ? end : agent_own[i].end;

				if (first) {             /* the whole start-up layout, once */
					if (i != agent_nown - 1)
						continue;
					s0 = start;
					e0 = end;
				}
				for (unsigned long a = s0; a < e0; a += PAGE_SIZE) {
					if (perms[1] == 'w' && perms[3] == 'p')
						touch_write(a);
					else
						(void)touch_read(a);
				}
			}
		}
		line = next ? next + 1 : NULL;
	}
}

static void access_read(const struct agent_req *q, struct agent_rep *r)
{
	u64 a = q->a[0], v = 0;

	switch (q->a[1]) {
	case 1: { uint8_t x; __asm__ volatile("movb (%1), %0" : "=q"(x) : "r"(a) : "memory"); v = x; break; }
	case 2: { uint16_t x; __asm__ volatile("movw (%1), %0" : "=r"(x) : "r"(a) : "memory"); v = x; break; }
	case 4: { uint32_t x; __asm__ volatile("movl (%1), %0" : "=r"(x) : "r"(a) : "memory"); v = x; break; }
	default: __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(a) : "memory"); break;
	}
	r->kind = REP_VALUE;
	r->val = v;
}

static void access_write(const struct agent_req *q, struct agent_rep *r)
{
	u64 a = q->a[0], v = q->a[2];

	switch (q->a[1]) {
	case 1: __asm__ volatile("movb %b1, (%0)" : : "r"(a), "q"(v) : "memory"); break;
	case 2: __asm__ volatile("movw %w1, (%0)" : : "r"(a), "r"(v) : "memory"); break;
	case 4: __asm__ volatile("movl %k1, (%0)" : : "r"(a), "r"(v) : "memory"); break;
	default: __asm__ volatile("movq %1, (%0)" : : "r"(a), "r"(v) : "memory"); break;
	}
	r->kind = REP_OK;
}

static void access_fill(const struct agent_req *q, struct agent_rep *r)
{
	u64 a = q->a[0], end = q->a[0] + q->a[1];
	uint8_t b = (uint8_t)q->a[2];

	for (; a < end; a++)
		__asm__ volatile("movb %b1, (%0)" : : "r"(a), "q"(b) : "memory");
	r->kind = REP_OK;
}

static void access_check(const struct agent_req *q, struct agent_rep *r)
{
	u64 a = q->a[0], end = q->a[0] + q->a[1];
	uint8_t want = (uint8_t)q->a[2];

	r->kind = REP_OK;
	for (; a < end; a++) {
		uint8_t got = touch_read(a);
		if (got != want) {
			r->kind = REP_MISMATCH;
			r->addr = a;
			r->val = got;
			return;
		}
	}
}

/* mmkit's fillpat/checkpat data (cli/cmd_swap.c): distinct in every word. */
static u64 splitmix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void access_fillpat(const struct agent_req *q, struct agent_rep *r)
{
	for (u64 a = q->a[0]; a < q->a[0] + q->a[1]; a += 8)
		__asm__ volatile("movq %1, (%0)" : : "r"(a), "r"(splitmix64(q->a[2] ^ a)) : "memory");
	r->kind = REP_OK;
}

static void access_checkpat(const struct agent_req *q, struct agent_rep *r)
{
	r->kind = REP_OK;
	for (u64 a = q->a[0]; a < q->a[0] + q->a[1]; a += 8) {
		u64 v;

		__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(a) : "memory");
		if (v != splitmix64(q->a[2] ^ a)) {
			r->kind = REP_MISMATCH;
			r->addr = a;
			r->val = v;
			return;
		}
	}
}

/* One access per page: ADDR, then the start of every following page up to
 * ADDR+LEN-1.  A write access keeps the byte (see touch_write). */
static void access_touch(const struct agent_req *q, struct agent_rep *r)
{
	u64 a = q->a[0], end = q->a[0] + q->a[1];

	for (; a < end; a = (a & ~(PAGE_SIZE - 1)) + PAGE_SIZE) {
		if (q->a[2])
			touch_write(a);
		else
			(void)touch_read(a);
		if (a + PAGE_SIZE < a)
			break;
	}
	r->kind = REP_OK;
}

/* An instruction fetch at ADDR: jump there with the trap flag set.  The
 * first single-step trap arrives with RIP = ADDR, before the fetch; the
 * handler returns with TF still set, so the CPU then fetches ADDR.  Either the
 * fetch faults (SIGSEGV at ADDR: reported), or one instruction executes and
 * whatever comes next (the second trap, or any fault of that instruction
 * itself) means the fetch succeeded.  Every general register points into a
 * scratch area, so the one instruction executed cannot damage the agent. */
static char exec_scratch[64 * 1024] __attribute__((aligned(4096)));

static void access_exec(const struct agent_req *q, struct agent_rep *r)
{
	register u64 t __asm__("r15") = q->a[0];
	register u64 s __asm__("r14") = (u64)(uintptr_t)(exec_scratch + 48 * 1024);

	(void)r;
	exec_target = q->a[0];
	exec_stage = 1;
	__asm__ volatile(
		"mov %%r14, %%rsp\n\t"
		"mov %%r14, %%rax\n\t mov %%r14, %%rbx\n\t mov %%r14, %%rcx\n\t"
		"mov %%r14, %%rdx\n\t mov %%r14, %%rsi\n\t mov %%r14, %%rdi\n\t"
		"mov %%r14, %%rbp\n\t mov %%r14, %%r8\n\t mov %%r14, %%r9\n\t"
		"mov %%r14, %%r10\n\t mov %%r14, %%r11\n\t mov %%r14, %%r12\n\t"
		"mov %%r14, %%r13\n\t"
		"pushfq\n\t orq $0x100, (%%rsp)\n\t popfq\n\t"
		"jmp *%%r15\n\t"
		:
		: "r"(t), "r"(s)
		: "memory");
	__builtin_unreachable();
}

typedef void (*access_fn)(const struct agent_req *, struct agent_rep *);

static void run_guarded(access_fn fn, const struct agent_req *q, struct agent_rep *r)
{
	if (sigsetjmp(fault_jmp, 1)) {
		r->kind = REP_SIGNAL;
		r->sig = fault_sig;
		r->code = fault_code;
		r->addr = fault_addr;
		return;
	}
	fault_armed = 1;
	fn(q, r);
	fault_armed = 0;
}

static void agent_exec(const struct agent_req *q, struct agent_rep *r)
{
	run_guarded(access_exec, q, r);
	/* The fetch's own fault is a signal at ADDR: SIGSEGV, or SIGBUS when the
	 * page cannot be faulted in (x86 treats a not-present fetch as a read,
	 * so a shared mapping beyond its shmem size gives SIGBUS BUS_ADRERR). */
	if (exec_stage == 2 && !(r->kind == REP_SIGNAL && r->addr == q->a[0] &&
				 (r->sig == SIGSEGV || r->sig == SIGBUS)))
		r->kind = REP_OK;    /* fetched: what the instruction did is not our business */
	exec_stage = 0;
}

static int send_fd(int sock, const struct agent_rep *r, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)r, sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == (ssize_t)sizeof(*r) ? 0 : -1;
}

/* Returns 1 in the child (which continues as an agent on its own socket). */
static int agent_fork(struct agent_rep *r)
{
	long before_min, before_maj, after_min, after_maj;
	int sv[2];
	long pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		r->kind = REP_RET;
		r->val = (u64)(long)-errno;
		return 0;
	}
	agent_rusage(&before_min, &before_maj);
	pid = raw_syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (pid == 0) {
		dup2(sv[1], AGENT_FD);
		close(sv[0]);
		close(sv[1]);
		agent_quiesce();                 /* the child counts from here */
		agent_rusage(&rusage_min_base, &rusage_maj_base);
		return 1;
	}
	close(sv[1]);
	agent_quiesce();                         /* the parent's own COW faults do not count */
	agent_rusage(&after_min, &after_maj);
	rusage_min_base += after_min - before_min;
	rusage_maj_base += after_maj - before_maj;
	r->kind = pid < 0 ? REP_RET : REP_FORKED;
	r->val = (u64)pid;
	if (pid > 0) {
		if (send_fd(AGENT_FD, r, sv[0]))
			_exit(122);
		r->kind = 0;   /* already sent */
	}
	close(sv[0]);
	return 0;
}

static void agent_dispatch(const struct agent_req *q, struct agent_rep *r)
{
	switch (q->op) {
	case OP_SYSCALL:
		r->kind = REP_RET;
		r->val = (u64)raw_syscall6((long)q->a[0], (long)q->a[1], (long)q->a[2],
					   (long)q->a[3], (long)q->a[4], (long)q->a[5],
					   (long)q->a[6]);
		break;
	case OP_READ:  run_guarded(access_read, q, r); break;
	case OP_WRITE: run_guarded(access_write, q, r); break;
	case OP_FILL:  run_guarded(access_fill, q, r); break;
	case OP_CHECK: run_guarded(access_check, q, r); break;
	case OP_TOUCH: run_guarded(access_touch, q, r); break;
	case OP_FILLPAT:  run_guarded(access_fillpat, q, r); break;
	case OP_CHECKPAT: run_guarded(access_checkpat, q, r); break;
	case OP_EXEC:  agent_exec(q, r); break;
	case OP_PATH:
		r->kind = REP_RET;
		r->val = (u64)raw_syscall6((long)q->a[0], (long)q->path, (long)q->a[1],
					   (long)q->a[2], (long)q->a[3], (long)q->a[4], (long)q->a[5]);
		break;
	case OP_STAT:
	case OP_FSTAT: {
		struct stat st;
		long ret = q->op == OP_STAT ? raw_syscall6(SYS_stat, (long)q->path, (long)&st, 0, 0, 0, 0)
					    : raw_syscall6(SYS_fstat, (long)q->a[0], (long)&st, 0, 0, 0, 0);
		r->kind = REP_RET;
		r->val = (u64)ret;
		if (!ret) {
			r->kind = REP_VALUE;
			r->val = (u64)st.st_size;
			r->addr = (u64)st.st_blocks;
		}
		break;
	}
	case OP_MINCORE:
		r->kind = REP_RET;
		r->val = (u64)raw_syscall6(SYS_mincore, (long)q->a[0], (long)q->a[1], (long)r->vec,
					   0, 0, 0);
		break;
	case OP_RUSAGE: {
		long minflt, majflt;

		agent_rusage(&minflt, &majflt);
		r->kind = REP_VALUE;
		r->val = (u64)(minflt - rusage_min_base);
		r->addr = (u64)(majflt - rusage_maj_base);
		break;
	}
	default: _exit(123);
	}
}

static int agent_main(void)
{
	struct agent_req q;
	struct agent_rep r;

	agent_drop_caps();
	agent_signals();
	agent_pretouch_stack();
	agent_fault_in_writable();
	/* the scenario's descriptors start at 0, as in a fresh mmkit process */
	close(0);
	close(1);
	close(2);
	agent_quiesce();
	memset(&r, 0, sizeof(r));
	r.kind = REP_READY;
	r.sig = (personality(0xffffffff) & ADDR_NO_RANDOMIZE) != 0;
	r.val = (u64)raw_syscall6(SYS_brk, 0, 0, 0, 0, 0, 0);
	r.addr = (u64)getpid();
	if (write_full(AGENT_FD, &r, sizeof(r)))
		_exit(124);
	agent_rusage(&rusage_min_base, &rusage_maj_base);
	while (read_full(AGENT_FD, &q, sizeof(q)) == 0) {
		memset(&r, 0, sizeof(r));
		if (q.op == OP_EXIT) {
			r.kind = REP_OK;
			write_full(AGENT_FD, &r, sizeof(r));
			_exit(0);
		}
		if (q.op == OP_FORK) {
			if (agent_fork(&r))
				continue;
		} else {
			long min0, maj0, min1, maj1;

			agent_rusage(&min0, &maj0);
			agent_dispatch(&q, &r);
			agent_rusage(&min1, &maj1);
			/* A major fault waited for its page only: the rest of the
			 * readahead may still be in flight.  mmkit's disk finishes
			 * it before the next command; so does the host's, here. */
			if (maj1 != maj0) {
				struct timespec ts = { 0, 10 * 1000 * 1000 };

				raw_syscall6(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
			}
		}
		if (r.kind && write_full(AGENT_FD, &r, sizeof(r)))
			_exit(125);
	}
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* Coordinator: names, numbers, tokens                                 */

struct name_val {
	const char *name;
	u64 val;
};

static const struct name_val prot_names[] = {
	{ "PROT_NONE", 0 }, { "PROT_READ", 1 }, { "PROT_WRITE", 2 }, { "PROT_EXEC", 4 },
	{ "PROT_SEM", 8 }, { "PROT_GROWSDOWN", 0x01000000 }, { "PROT_GROWSUP", 0x02000000 },
	{ NULL, 0 }
};

static const struct name_val map_names[] = {
	{ "MAP_SHARED", 0x01 }, { "MAP_PRIVATE", 0x02 }, { "MAP_SHARED_VALIDATE", 0x03 },
	{ "MAP_DROPPABLE", 0x08 }, { "MAP_FIXED", 0x10 }, { "MAP_ANONYMOUS", 0x20 },
	{ "MAP_ANON", 0x20 }, { "MAP_32BIT", 0x40 }, { "MAP_ABOVE4G", 0x80 },
	{ "MAP_GROWSDOWN", 0x100 },
	{ "MAP_DENYWRITE", 0x800 }, { "MAP_EXECUTABLE", 0x1000 }, { "MAP_LOCKED", 0x2000 },
	{ "MAP_NORESERVE", 0x4000 }, { "MAP_POPULATE", 0x8000 }, { "MAP_NONBLOCK", 0x10000 },
	{ "MAP_STACK", 0x20000 }, { "MAP_HUGETLB", 0x40000 }, { "MAP_SYNC", 0x80000 },
	{ "MAP_FIXED_NOREPLACE", 0x100000 }, { "MAP_UNINITIALIZED", 0x4000000 },
	{ "MAP_FILE", 0 },
	{ NULL, 0 }
};

static const struct name_val mremap_names[] = {
	{ "MREMAP_MAYMOVE", 1 }, { "MREMAP_FIXED", 2 }, { "MREMAP_DONTUNMAP", 4 },
	{ NULL, 0 }
};

static const struct name_val madv_names[] = {
	{ "MADV_NORMAL", 0 }, { "MADV_RANDOM", 1 }, { "MADV_SEQUENTIAL", 2 },
	{ "MADV_WILLNEED", 3 }, { "MADV_DONTNEED", 4 }, { "MADV_FREE", 8 },
	{ "MADV_REMOVE", 9 }, { "MADV_DONTFORK", 10 }, { "MADV_DOFORK", 11 },
	{ "MADV_MERGEABLE", 12 }, { "MADV_UNMERGEABLE", 13 }, { "MADV_HUGEPAGE", 14 },
	{ "MADV_NOHUGEPAGE", 15 }, { "MADV_DONTDUMP", 16 }, { "MADV_DODUMP", 17 },
	{ "MADV_WIPEONFORK", 18 }, { "MADV_KEEPONFORK", 19 }, { "MADV_COLD", 20 },
	{ "MADV_PAGEOUT", 21 }, { "MADV_POPULATE_READ", 22 }, { "MADV_POPULATE_WRITE", 23 },
	{ "MADV_DONTNEED_LOCKED", 24 }, { "MADV_COLLAPSE", 25 }, { "MADV_HWPOISON", 100 },
	{ "MADV_SOFT_OFFLINE", 101 }, { "MADV_GUARD_INSTALL", 102 }, { "MADV_GUARD_REMOVE", 103 },
	{ NULL, 0 }
};

static const struct name_val msync_names[] = {
	{ "MS_ASYNC", 1 }, { "MS_INVALIDATE", 2 }, { "MS_SYNC", 4 }, { NULL, 0 }
};

static const struct name_val mlock_names[] = {
	{ "MLOCK_ONFAULT", 1 }, { NULL, 0 }
};

static const struct name_val mcl_names[] = {
	{ "MCL_CURRENT", 1 }, { "MCL_FUTURE", 2 }, { "MCL_ONFAULT", 4 }, { NULL, 0 }
};

static const struct name_val segv_codes[] = {
	{ "SEGV_MAPERR", 1 }, { "SEGV_ACCERR", 2 }, { "SEGV_BNDERR", 3 }, { "SEGV_PKUERR", 4 },
	{ "SEGV_CPERR", 10 }, { NULL, 0 }
};

static const struct name_val bus_codes[] = {
	{ "BUS_ADRALN", 1 }, { "BUS_ADRERR", 2 }, { "BUS_OBJERR", 3 }, { "BUS_MCEERR_AR", 4 },
	{ "BUS_MCEERR_AO", 5 }, { NULL, 0 }
};

#define MAX_TOKENS 64
#define MAX_VARS 4096
#define MAX_PROCS 64
#define MAX_IMPORT 256

struct line_ctx {
	int in_lineno;                 /* line in the input file */
	int out_lineno;                /* line in the expanded script */
	int argc;
	char *argv[MAX_TOKENS];
	const char *capture;           /* -> NAME */
	const char *expect;            /* expect=VALUE */
	char result[512];
	bool has_value;
	u64 value;
	int extra_lines;               /* import lines emitted after this one */
	char death[96];                /* mmkit's death line for a fatal signal */
};

struct proc {
	char name[32];
	int fd;
	pid_t pid;
	bool spawned;                  /* our child (else a forked grandchild) */
	bool dead;
	bool catch_segv, catch_bus;
	/* import lines: the expected ones (from the snapshot) and, in --plain
	 * mode, the ones the script gave, compared at the first real operation */
	int n_import, n_given;
	char *import[MAX_IMPORT];
	char *given[MAX_IMPORT];
	bool import_checked;
};

struct var {
	char name[32];
	u64 val;
};

static struct {
	const char *file;
	const char *self;              /* path of this binary */
	bool plain;                    /* run --plain: the script is already expanded */
	bool check_expect;
	FILE *emit;
	u64 stack_rlimit, memlock_rlimit;   /* the agents' (8 MiB unless the hard limit is lower) */
	const char *inject;            /* HOSTRUN_INJECT: self-test bugs (--plain only) */
	struct proc procs[MAX_PROCS];
	int nprocs;
	struct var vars[MAX_VARS];
	int nvars;
	const char *emit_path;
	char files_dir[1024];          /* where `#@file` makes the scenario's files */
	bool files_tmp;                /* made by mkdtemp: removed at exit */
} S;

static struct line_ctx *cur;

static void __attribute__((noreturn, format(printf, 1, 2))) script_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s:%d: error: ", S.file, cur ? cur->in_lineno : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "hostrun: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

static struct var *var_find(const char *name)
{
	for (int i = 0; i < S.nvars; i++)
		if (!strcmp(S.vars[i].name, name))
			return &S.vars[i];
	return NULL;
}

static void var_set(const char *name, u64 val)
{
	struct var *v = var_find(name);

	if (!v) {
		if (S.nvars == MAX_VARS)
			script_error("too many variables");
		v = &S.vars[S.nvars++];
		snprintf(v->name, sizeof(v->name), "%s", name);
	}
	v->val = val;
}

static void var_unset(const char *name)
{
	struct var *v = var_find(name);

	if (v)
		*v = S.vars[--S.nvars];
}

/* A plain number: decimal or 0x hex, optional K/M/G; a leading '-' negates. */
static bool parse_plain_num(const char *s, u64 *out)
{
	bool neg = false;
	char *end;
	u64 v;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	switch (*end) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end)
		return false;
	*out = neg ? -v : v;
	return true;
}

/* A number, or $NAME, $NAME+N, $NAME-N. */
static u64 arg_num(const char *s)
{
	char name[64];
	size_t n = 0;
	u64 off = 0, v;
	struct var *var;

	if (*s != '$') {
		if (!parse_plain_num(s, &v))
			script_error("bad number '%s'", s);
		return v;
	}
	s++;
	while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '_') && n < sizeof(name) - 1)
		n++;
	memcpy(name, s, n);
	name[n] = 0;
	var = var_find(name);
	if (!var)
		script_error("unknown variable '$%s'", name);
	if (s[n] == '+' || s[n] == '-') {
		if (!parse_plain_num(s + n + 1, &off))
			script_error("bad offset in '$%s'", s);
		return s[n] == '+' ? var->val + off : var->val - off;
	}
	if (s[n])
		script_error("bad variable reference '$%s'", s);
	return var->val;
}

static bool lookup(const struct name_val *t, const char *name, u64 *out)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name)) {
			*out = t->val;
			return true;
		}
	return false;
}

/* Flag names joined by '|', or a number. */
static u64 arg_flags(const char *s, const struct name_val *t)
{
	char buf[512], *save = NULL, *tok;
	u64 v = 0, x;

	if (*s == '$' || isdigit((unsigned char)*s) || *s == '-')
		return arg_num(s);
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		if (lookup(t, tok, &x) || parse_plain_num(tok, &x))
			v |= x;
		else
			script_error("unknown flag '%s'", tok);
	}
	return v;
}

static u64 arg_prot(const char *s)
{
	if (strlen(s) == 3 && strspn(s, "rwx-") == 3 &&
	    (s[0] == 'r' || s[0] == '-') && (s[1] == 'w' || s[1] == '-') &&
	    (s[2] == 'x' || s[2] == '-'))
		return (s[0] == 'r' ? 1 : 0) | (s[1] == 'w' ? 2 : 0) | (s[2] == 'x' ? 4 : 0);
	return arg_flags(s, prot_names);
}

/* Split a line into tokens in place; "#" starts a comment outside strings. */
static int tokenize(char *line, char **argv)
{
	int argc = 0;
	char *p = line, *w;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (argc == MAX_TOKENS)
			script_error("too many tokens");
		argv[argc++] = w = p;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				*w++ = *p++;
			}
			if (*p != '"')
				script_error("unterminated string");
			p++;
		} else {
			while (*p && !strchr(" \t\r\n#", *p))
				*w++ = *p++;
		}
		if (*p == '#') {
			*w = 0;
			break;
		}
		if (*p)
			p++;
		*w = 0;
	}
	return argc;
}

/* Take `-> NAME` and `expect=VALUE` off the end of the token list. */
static void strip_suffixes(struct line_ctx *c)
{
	for (int i = 0; i < c->argc; i++) {
		if (!strncmp(c->argv[i], "expect=", 7)) {
			c->expect = c->argv[i] + 7;
			memmove(&c->argv[i], &c->argv[i + 1], sizeof(char *) * (size_t)(c->argc - i - 1));
			c->argc--;
			i--;
		} else if (!strcmp(c->argv[i], "->")) {
			if (i + 1 >= c->argc)
				script_error("'->' needs a name");
			c->capture = c->argv[i + 1];
			memmove(&c->argv[i], &c->argv[i + 2], sizeof(char *) * (size_t)(c->argc - i - 2));
			c->argc -= 2;
			i--;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Coordinator: results                                                */

static void result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void result(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur->result, sizeof(cur->result), fmt, ap);
	va_end(ap);
}

static const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);
	static char buf[32];

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static const char *code_name(int sig, int code)
{
	const struct name_val *t = sig == SIGSEGV ? segv_codes : sig == SIGBUS ? bus_codes : NULL;
	static char buf[32];

	if (code == 0x80)
		return "SI_KERNEL";
	for (; t && t->name; t++)
		if ((int)t->val == code)
			return t->name;
	snprintf(buf, sizeof(buf), "%d", code);
	return buf;
}

static void result_syscall(long ret, bool returns_addr)
{
	if (ret < 0 && ret >= -4095) {
		result("= -1 %s", errno_name((int)-ret));
		return;
	}
	if (returns_addr) {
		result("= 0x%lx", (unsigned long)ret);
		cur->has_value = true;
		cur->value = (u64)ret;
		return;
	}
	result("= %ld", ret);
}

/* Does the result match expect=?  A value, an errno name, "ok", a signal or
 * si_code name, or the exact result text after "= ". */
static bool expect_matches(const char *res, const char *exp)
{
	u64 want, got;

	if (!strncmp(res, "= ", 2) && !strcmp(res + 2, exp))
		return true;
	if (!strncmp(res, "= -1 ", 5))
		return !strcmp(res + 5, exp);
	if (!strncmp(res, "! ", 2)) {
		char sig[32], code[32];
		if (sscanf(res, "! %31s %31s", sig, code) == 2)
			return !strcmp(sig, exp) || !strcmp(code, exp);
		return false;
	}
	if (!strncmp(res, "= ", 2) && parse_plain_num(exp, &want) &&
	    parse_plain_num(res + 2, &got))
		return want == got;
	return false;
}

static void finish_line(void)
{
	struct line_ctx *c = cur;

	if (!c->result[0])
		return;
	printf("%d: %s\n", c->out_lineno, c->result);
	if (c->death[0])
		printf("%s\n", c->death);
	if (c->capture) {
		if (c->has_value)
			var_set(c->capture, c->value);
		else
			var_unset(c->capture);
	}
	if (c->expect && S.check_expect && !expect_matches(c->result, c->expect)) {
		fflush(stdout);
		fprintf(stderr, "%s:%d: expect=%s failed: %s\n", S.file, c->in_lineno,
			c->expect, c->result);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* Coordinator: agents                                                 */

static struct proc *proc_find(const char *name)
{
	for (int i = 0; i < S.nprocs; i++)
		if (!strcmp(S.procs[i].name, name) && !S.procs[i].dead)
			return &S.procs[i];
	return NULL;
}

static struct proc *proc_add(const char *name)
{
	struct proc *p;

	if (proc_find(name))
		script_error("process '%s' exists", name);
	if (S.nprocs == MAX_PROCS)
		script_error("too many processes");
	p = &S.procs[S.nprocs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->fd = -1;
	return p;
}

static void agent_call(struct proc *p, const struct agent_req *q, struct agent_rep *r)
{
	if (write_full(p->fd, q, sizeof(*q)) || read_full(p->fd, r, sizeof(*r)))
		die("agent %s (pid %d) died", p->name, (int)p->pid);
}

static void agent_start_child(int sock)
{
	struct rlimit rl;
	char *argv[] = { "hostrun", "--agent", NULL };
	char *envp[] = { NULL };

	if (sock == AGENT_FD ? fcntl(sock, F_SETFD, 0) < 0 : dup2(sock, AGENT_FD) < 0)
		_exit(126);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != AGENT_FD)
			close(fd);
	int devnull = open("/dev/null", O_RDWR);
	dup2(devnull, 0);
	dup2(devnull, 1);
	if (devnull > 2)
		close(devnull);
	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = S.stack_rlimit;
	if (setrlimit(RLIMIT_STACK, &rl))
		_exit(127);
	getrlimit(RLIMIT_MEMLOCK, &rl);
	rl.rlim_cur = S.memlock_rlimit;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		_exit(127);
	rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	setrlimit(RLIMIT_DATA, &rl);
	setrlimit(RLIMIT_AS, &rl);
	/* Without it (a seccomp filter may refuse) the layout is still
	 * imported exactly, but addresses change from run to run. */
	personality(ADDR_NO_RANDOMIZE);
	execve(S.self, argv, envp);
	_exit(127);
}

/* Read the start_brk field (47) of /proc/PID/stat. */
/* Field `want` of /proc/PID/stat (28 startstack, 47 start_brk). */
static u64 proc_stat_field(pid_t pid, int want)
{
	char path[64], buf[4096], *p;
	int fd, field = 2;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("read %s", path);
	buf[n] = 0;
	p = strrchr(buf, ')');
	while (p && field < want) {
		p = strchr(p + 1, ' ');
		field++;
	}
	if (!p)
		die("short %s", path);
	return strtoull(p + 1, NULL, 10);
}

/* The maps text of a process, without [vsyscall] (the x86 gate area is not a
 * VMA: mmkit does not model it).  Returns a malloc'd string. */
static char *proc_read_view(pid_t pid, const char *view)
{
	char path[64];
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, view);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf)
		die("open %s: %s", path, strerror(errno));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096 && !(buf = realloc(buf, cap *= 2)))
			die("out of memory");
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* Drop the [vsyscall] entry: its maps line and, in smaps, its field lines. */
static void strip_vsyscall(char *text)
{
	char *v = strstr(text, "ffffffffff600000-");

	if (v && (v == text || v[-1] == '\n'))
		*v = 0;
}

static u64 mmap_base_for(u64 stack_rlimit)
{
	u64 gap = stack_rlimit + STACK_GUARD_GAP;

	if (gap < (128ULL << 20))
		gap = 128ULL << 20;
	if (gap > TASK_SIZE / 6 * 5)
		gap = TASK_SIZE / 6 * 5;
	return (TASK_SIZE - gap + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

/* mmap_base with ASLR on: the top of the vdso, which the kernel placed first
 * top-down from mmap_base (the agent is static: nothing else is up there). */
static u64 observed_mmap_base(const char *maps)
{
	u64 top = 0;

	for (const char *l = maps; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned long start, end;
		if (sscanf(l, "%lx-%lx", &start, &end) == 2 &&
		    (strstr(l, "[vdso]") || strstr(l, "[vvar")) && end > top)
			top = end;
	}
	return top;
}

/* A `vmflags START FLAGS...` import line per VMA, from smaps' VmFlags: the
 * flags a maps line cannot show (VM_ACCOUNT of a RELRO range, VM_MAY*...). */
static void snapshot_vmflags(struct proc *p)
{
	char *smaps = proc_read_view(p->pid, "smaps");
	char start[32] = "", line[1024];

	strip_vsyscall(smaps);
	for (char *l = smaps, *next; l && *l; l = next) {
		char tmp[32];
		size_t n;

		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(l, "%31[0-9a-f]-", tmp) == 1 && strchr(l, '-') == l + strlen(tmp)) {
			snprintf(start, sizeof(start), "%s", tmp);
			continue;
		}
		if (strncmp(l, "VmFlags:", 8))
			continue;
		snprintf(line, sizeof(line), "vmflags %s%s", start, l + 8);
		n = strlen(line);
		while (n && line[n - 1] == ' ')
			line[--n] = 0;
		if (p->n_import == MAX_IMPORT)
			die("too many VMAs at start");
		p->import[p->n_import++] = xstrdup(line);
	}
	free(smaps);
}

/* Turn the agent's maps and brk into import lines (without the "A " prefix). */
static void snapshot_import(struct proc *p, u64 brk, bool aslr_off)
{
	char *maps = proc_read_view(p->pid, "maps");
	char line[1024];
	u64 base = mmap_base_for(S.stack_rlimit);

	strip_vsyscall(maps);
	if (!aslr_off) {
		static bool warned;
		if (!warned)
			fprintf(stderr, "hostrun: warning: personality(ADDR_NO_RANDOMIZE) refused: "
				"layouts change from run to run\n");
		warned = true;
		if (observed_mmap_base(maps))
			base = observed_mmap_base(maps);
	}
	snprintf(line, sizeof(line),
		 "set mmap_base=0x%llx start_brk=0x%llx brk=0x%llx stack_rlimit=0x%llx memlock_rlimit=0x%llx "
		 "start_stack=0x%llx",
		 (unsigned long long)base, (unsigned long long)proc_stat_field(p->pid, 47),
		 (unsigned long long)brk, (unsigned long long)S.stack_rlimit,
		 (unsigned long long)S.memlock_rlimit,
		 (unsigned long long)proc_stat_field(p->pid, 28));
	p->import[p->n_import++] = xstrdup(line);
	for (char *l = maps, *next; l && *l; l = next) {
		char range[64], perms[8], off[32], dev[16], name[512] = "";
		unsigned long ino;
		int used = 0;

		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(l, "%63s %7s %31s %15s %lu %n", range, perms, off, dev, &ino, &used) < 5)
			die("unparsable maps line: %s", l);
		snprintf(name, sizeof(name), "%s", l + used);
		snprintf(line, sizeof(line), "vma %s %s %s %s %lu%s%s", range, perms, off, dev,
			 ino, name[0] ? " " : "", name);
		if (p->n_import == MAX_IMPORT)
			die("too many VMAs at start");
		p->import[p->n_import++] = xstrdup(line);
	}
	free(maps);
	snapshot_vmflags(p);
}

static struct proc *spawn_agent(const char *name)
{
	struct proc *p = proc_add(name);
	struct agent_rep r;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		die("fork: %s", strerror(errno));
	if (p->pid == 0) {
		close(sv[0]);
		agent_start_child(sv[1]);
	}
	close(sv[1]);
	p->fd = sv[0];
	p->spawned = true;
	if (read_full(p->fd, &r, sizeof(r)) || r.kind != REP_READY)
		die("agent %s did not start (is personality(ADDR_NO_RANDOMIZE) allowed?)", name);
	snapshot_import(p, r.val, r.sig);
	return p;
}

static void proc_reap(struct proc *p)
{
	char c;

	/* EOF on the socket: the agent's files are closed, so exit_mm is done */
	while (read(p->fd, &c, 1) > 0)
		;
	close(p->fd);
	if (p->spawned)
		waitpid(p->pid, NULL, 0);
	p->dead = true;
}

/* ------------------------------------------------------------------ */
/* Coordinator: import lines (run --plain)                              */

/* Normalize an import line for comparison: tokens joined by one blank. */
static char *import_norm(int argc, char **argv)
{
	char buf[1024] = "";

	for (int i = 0; i < argc; i++) {
		if (i)
			strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, argv[i], sizeof(buf) - strlen(buf) - 1);
	}
	return xstrdup(buf);
}

/* `A set k=v ...`: compare numerically, so 8M and 0x800000 are the same. */
static bool set_lines_equal(const char *a, const char *b)
{
	char x[1024], y[1024], *sx, *sy, *tx, *ty;

	snprintf(x, sizeof(x), "%s", a);
	snprintf(y, sizeof(y), "%s", b);
	tx = strtok_r(x, " ", &sx);
	ty = strtok_r(y, " ", &sy);
	for (; tx && ty; tx = strtok_r(NULL, " ", &sx), ty = strtok_r(NULL, " ", &sy)) {
		char *ex = strchr(tx, '='), *ey = strchr(ty, '=');
		u64 vx, vy;
		if (!ex || !ey) {
			if (strcmp(tx, ty))
				return false;
			continue;
		}
		if ((ex - tx) != (ey - ty) || strncmp(tx, ty, (size_t)(ex - tx)))
			return false;
		if (!parse_plain_num(ex + 1, &vx) || !parse_plain_num(ey + 1, &vy) || vx != vy)
			return false;
	}
	return !tx && !ty;
}

static void check_import(struct proc *p)
{
	if (!S.plain || p->import_checked)
		return;
	p->import_checked = true;
	for (int i = 0; i < p->n_import || i < p->n_given; i++) {
		const char *want = i < p->n_import ? p->import[i] : "(nothing)";
		const char *got = i < p->n_given ? p->given[i] : "(nothing)";
		bool same = !strncmp(want, "set ", 4) ? set_lines_equal(want, got) : !strcmp(want, got);
		if (!same)
			script_error("the import lines of %s do not reproduce the host layout:\n"
				     "  host:   %s %s\n  script: %s %s", p->name, p->name, want,
				     p->name, got);
	}
}

static void cmd_import(struct proc *p)
{
	if (!S.plain)
		script_error("import lines need `run --plain` (hostrun emits them itself)");
	if (p->import_checked)
		script_error("import line after %s's first operation", p->name);
	if (p->n_given == MAX_IMPORT)
		script_error("too many import lines");
	p->given[p->n_given++] = import_norm(cur->argc - 1, cur->argv + 1);
}

/* ------------------------------------------------------------------ */
/* Coordinator: commands                                                */

static void need_args(int min, int max)
{
	int n = cur->argc - 2;   /* tokens after "A cmd" */

	if (n < min || n > max)
		script_error("'%s' takes %d to %d arguments, got %d", cur->argv[1], min, max, n);
}

static long do_syscall(struct proc *p, long nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6)
{
	struct agent_req q = { .op = OP_SYSCALL, .a = { (u64)nr, a1, a2, a3, a4, a5, a6 } };
	struct agent_rep r;

	agent_call(p, &q, &r);
	return (long)r.val;
}

/* Populating or touching this much would exhaust the host (page tables and
 * zero-page PTEs are real memory even for read-only mappings): refused as a
 * script error instead of letting the OOM killer decide. */
#define HOST_POPULATE_MAX (1ULL << 30)

static void host_guard(u64 len, const char *what, bool kernel_checks_size)
{
	/* a call longer than TASK_SIZE fails before populating anything */
	if (len > HOST_POPULATE_MAX && !(kernel_checks_size && len > TASK_SIZE))
		script_error("the host runner refuses to %s more than 1 GiB", what);
}

static void cmd_mmap(struct proc *p)
{
	need_args(4, 6);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);
	u64 prot = arg_prot(cur->argv[4]), flags = arg_flags(cur->argv[5], map_names);
	u64 fd = cur->argc > 6 ? arg_num(cur->argv[6]) : (u64)-1;
	u64 off = cur->argc > 7 ? arg_num(cur->argv[7]) : 0;

	if (flags & (0x8000 | 0x2000))       /* MAP_POPULATE, MAP_LOCKED */
		host_guard(len, "populate", true);

	result_syscall(do_syscall(p, SYS_mmap, addr, len, prot, flags, fd, off), true);
}

static void cmd_munmap(struct proc *p)
{
	need_args(2, 2);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);

	result_syscall(do_syscall(p, SYS_munmap, addr, len, 0, 0, 0, 0), false);
}

static void cmd_mprotect(struct proc *p)
{
	need_args(3, 3);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);
	u64 prot = arg_prot(cur->argv[4]);

	/* self-test bug: mprotect of 3+ pages leaves the last page alone */
	if (S.inject && !strcmp(S.inject, "mprotect") && len >= 3 * PAGE_SIZE)
		len -= PAGE_SIZE;
	result_syscall(do_syscall(p, SYS_mprotect, addr, len, prot, 0, 0, 0), false);
}

static void cmd_mremap(struct proc *p)
{
	need_args(4, 5);
	u64 old = arg_num(cur->argv[2]), oldlen = arg_num(cur->argv[3]);
	u64 newlen = arg_num(cur->argv[4]), flags = arg_flags(cur->argv[5], mremap_names);
	u64 newaddr = cur->argc > 6 ? arg_num(cur->argv[6]) : 0;

	result_syscall(do_syscall(p, SYS_mremap, old, oldlen, newlen, flags, newaddr, 0), true);
}

static void cmd_brk(struct proc *p)
{
	need_args(1, 1);
	result_syscall(do_syscall(p, SYS_brk, arg_num(cur->argv[2]), 0, 0, 0, 0, 0), true);
}

/* Readahead (readahead(2), WILLNEED) only starts the reads on the host:
 * until they complete, the pages are not uptodate (mincore shows 0, a fault
 * waits for them).  mmkit reads at once; give the host's I/O time to end. */
static void readahead_settle(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static void cmd_madvise(struct proc *p)
{
	need_args(3, 3);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);
	u64 adv = arg_flags(cur->argv[4], madv_names);

	if (adv == 3 || adv == 22 || adv == 23 || adv == 25)  /* WILLNEED, POPULATE_*, COLLAPSE */
		host_guard(len, "populate", true);

	result_syscall(do_syscall(p, SYS_madvise, addr, len, adv, 0, 0, 0), false);
	if (adv == 3)
		readahead_settle();
}

static void cmd_mlock(struct proc *p)
{
	bool un = !strcmp(cur->argv[1], "munlock");
	bool two = !strcmp(cur->argv[1], "mlock2");

	need_args(2, two ? 3 : 2);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);
	u64 flags = two && cur->argc > 4 ? arg_flags(cur->argv[4], mlock_names) : 0;
	long nr = un ? SYS_munlock : two ? SYS_mlock2 : SYS_mlock;

	if (!un)
		host_guard(len, "lock", true);

	result_syscall(do_syscall(p, nr, addr, len, flags, 0, 0, 0), false);
}

/* mlockall FLAGS / munlockall.  MCL_CURRENT populates every VMA, so the
 * address space must stay within the populate guard. */
static void cmd_mlockall(struct proc *p)
{
	bool un = !strcmp(cur->argv[1], "munlockall");

	need_args(un ? 0 : 1, un ? 0 : 1);
	u64 flags = un ? 0 : arg_flags(cur->argv[2], mcl_names);

	result_syscall(do_syscall(p, un ? SYS_munlockall : SYS_mlockall, flags, 0, 0, 0, 0, 0),
		       false);
}

static void cmd_msync(struct proc *p)
{
	need_args(3, 3);
	u64 addr = arg_num(cur->argv[2]), len = arg_num(cur->argv[3]);
	u64 flags = arg_flags(cur->argv[4], msync_names);

	result_syscall(do_syscall(p, SYS_msync, addr, len, flags, 0, 0, 0), false);
}

/* A fatal signal ends the process unless `handle A SIG catch` was given. */
static void access_result(struct proc *p, const struct agent_rep *r)
{
	struct agent_req q = { .op = OP_EXIT };
	struct agent_rep x;
	char sig[16] = "SIG";

	switch (r->kind) {
	case REP_OK:
		result("= ok");
		return;
	case REP_VALUE:
		result("= 0x%llx", (unsigned long long)r->val);
		cur->has_value = true;
		cur->value = r->val;
		return;
	case REP_MISMATCH:
		result("= mismatch 0x%llx 0x%llx", (unsigned long long)r->addr,
		       (unsigned long long)r->val);
		return;
	}
	snprintf(sig + 3, sizeof(sig) - 3, "%s", sigabbrev_np(r->sig) ? sigabbrev_np(r->sig) : "?");
	result("! %s %s 0x%llx", sig, code_name(r->sig, r->code), (unsigned long long)r->addr);
	if ((r->sig == SIGSEGV && p->catch_segv) || (r->sig == SIGBUS && p->catch_bus))
		return;
	/* as mmkit prints it; the pid is the host's (run_diff.py compares
	 * death lines without it) */
	snprintf(cur->death, sizeof(cur->death), "%s (pid %d) killed by %s at line %d",
		 p->name, (int)p->pid, sig, cur->out_lineno);
	agent_call(p, &q, &x);
	proc_reap(p);
}

static void cmd_access(struct proc *p, enum agent_op op)
{
	struct agent_req q = { .op = op };
	struct agent_rep r;
	const char *cmd = cur->argv[1];

	if (op == OP_EXEC) {
		need_args(1, 1);
	} else {
		need_args(op == OP_READ ? 2 : 3, op == OP_READ ? 2 : 3);
	}
	for (int i = 2; i < cur->argc && i < 5; i++) {
		if (op == OP_TOUCH && i == 4) {
			if (strcmp(cur->argv[4], "read") && strcmp(cur->argv[4], "write"))
				script_error("touch takes read or write");
			q.a[2] = !strcmp(cur->argv[4], "write");
			continue;
		}
		q.a[i - 2] = arg_num(cur->argv[i]);
	}
	if (op == OP_FILL || op == OP_CHECK || op == OP_TOUCH || op == OP_FILLPAT ||
	    op == OP_CHECKPAT)
		host_guard(q.a[1], "touch", false);
	if ((op == OP_FILLPAT || op == OP_CHECKPAT) && ((q.a[0] | q.a[1]) & 7))
		script_error("%s: ADDR and LEN must be multiples of 8", cmd);
	if ((op == OP_READ || op == OP_WRITE) && q.a[1] != 1 && q.a[1] != 2 &&
	    q.a[1] != 4 && q.a[1] != 8)
		script_error("%s: size must be 1, 2, 4 or 8", cmd);
	agent_call(p, &q, &r);
	access_result(p, &r);
}

/* The reply to OP_FORK and the child's socket: the descriptor, -1 when the
 * reply carries none (the fork failed), -2 when no reply came (the agent died). */
static int recv_fd(int sock, struct agent_rep *r)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &msg, MSG_WAITALL) != (ssize_t)sizeof(*r))
		return -2;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void cmd_fork(struct proc *p)
{
	struct agent_req q = { .op = OP_FORK };
	struct agent_rep r;
	struct proc *c;
	int fd;

	need_args(1, 1);
	if (proc_find(cur->argv[2]))
		script_error("process '%s' exists", cur->argv[2]);
	if (write_full(p->fd, &q, sizeof(q)))
		die("agent %s died", p->name);
	fd = recv_fd(p->fd, &r);
	if (fd == -2)
		die("agent %s died", p->name);
	if (r.kind != REP_FORKED || fd < 0) {
		result_syscall((long)r.val, false);
		return;
	}
	c = proc_add(cur->argv[2]);
	c->fd = fd;
	c->pid = (pid_t)r.val;
	c->catch_segv = p->catch_segv;
	c->catch_bus = p->catch_bus;
	c->import_checked = true;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	result("= 0");
}

static void cmd_exit(struct proc *p)
{
	struct agent_req q = { .op = OP_EXIT };
	struct agent_rep r;

	need_args(0, 0);
	agent_call(p, &q, &r);
	proc_reap(p);
	result("= 0");
}

/* ------------------------------------------------------------------ */
/* Coordinator: files (the scenario language's "Files")                 */

static const struct name_val open_names[] = {
	{ "O_RDONLY", O_RDONLY }, { "O_WRONLY", O_WRONLY }, { "O_RDWR", O_RDWR },
	{ "O_CREAT", O_CREAT }, { "O_EXCL", O_EXCL }, { "O_NOCTTY", O_NOCTTY },
	{ "O_TRUNC", O_TRUNC }, { "O_APPEND", O_APPEND }, { "O_NONBLOCK", O_NONBLOCK },
	{ "O_DSYNC", O_DSYNC }, { "O_SYNC", O_SYNC }, { "O_DIRECTORY", O_DIRECTORY },
	{ "O_NOFOLLOW", O_NOFOLLOW }, { "O_NOATIME", O_NOATIME }, { "O_CLOEXEC", O_CLOEXEC },
	{ "O_LARGEFILE", 0100000 }, { NULL, 0 }
};
static const struct name_val whence_names[] = {
	{ "SEEK_SET", SEEK_SET }, { "SEEK_CUR", SEEK_CUR }, { "SEEK_END", SEEK_END },
	{ "SEEK_DATA", SEEK_DATA }, { "SEEK_HOLE", SEEK_HOLE }, { NULL, 0 }
};
static const struct name_val falloc_names[] = {
	{ "FALLOC_FL_KEEP_SIZE", 0x01 }, { "FALLOC_FL_PUNCH_HOLE", 0x02 },
	{ "FALLOC_FL_NO_HIDE_STALE", 0x04 }, { "FALLOC_FL_COLLAPSE_RANGE", 0x08 },
	{ "FALLOC_FL_ZERO_RANGE", 0x10 }, { "FALLOC_FL_INSERT_RANGE", 0x20 },
	{ "FALLOC_FL_UNSHARE_RANGE", 0x40 }, { NULL, 0 }
};
static const struct name_val fadv_names[] = {
	{ "POSIX_FADV_NORMAL", 0 }, { "POSIX_FADV_RANDOM", 1 }, { "POSIX_FADV_SEQUENTIAL", 2 },
	{ "POSIX_FADV_WILLNEED", 3 }, { "POSIX_FADV_DONTNEED", 4 }, { "POSIX_FADV_NOREUSE", 5 },
	{ NULL, 0 }
};

static void emit_line(const char *text);

#define MAX_MOUNTS 8
static struct hmount {
	char path[256];        /* where the scenario sees it (mount's PATH) */
	char host[1024];       /* the host directory */
} mounts[MAX_MOUNTS];
static int nmounts;

/* The host path of a scenario path under a mount (the runner reaches no
 * other files: mmkit's tmpfs has no host counterpart here). */
static void host_path(const char *path, char *out, size_t len)
{
	for (int i = nmounts - 1; i >= 0; i--) {
		size_t n = strlen(mounts[i].path);

		if (!strncmp(path, mounts[i].path, n) && (path[n] == '/' || !path[n])) {
			if ((size_t)snprintf(out, len, "%s%s", mounts[i].host, path + n) >= len)
				script_error("path too long: %s", path);
			return;
		}
	}
	script_error("the host runner reaches files under a mount only, not '%s'", path);
}

/* The read-ahead window of the device holding dir (its read_ahead_kb), or 0. */
static unsigned long host_ra_kb(const char *dir)
{
	char sys[128];
	struct stat st;
	unsigned long kb = 0;
	FILE *f;

	if (stat(dir, &st))
		return 0;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/queue/read_ahead_kb", major(st.st_dev),
		 minor(st.st_dev));
	f = fopen(sys, "r");
	if (!f) {
		snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/../queue/read_ahead_kb",
			 major(st.st_dev), minor(st.st_dev));
		f = fopen(sys, "r");
	}
	if (f && fscanf(f, "%lu", &kb) != 1)
		kb = 0;
	if (f)
		fclose(f);
	return kb;
}

/* The bytes of a `#@file` file: a hash of (seed, offset) that tests/diff/
 * run_diff.py's file_bytes() computes too, different on every page. */
static unsigned char file_byte(u64 seed, u64 off)
{
	u64 x = (off >> 3) * 0x9E3779B97F4A7C15ULL + seed * 0xD1B54A32D192ED03ULL + 1;

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	return (unsigned char)(x >> ((off & 7) * 8));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void files_cleanup(void)
{
	if (S.files_tmp)
		nftw(S.files_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	S.files_tmp = false;
}

/* The directory `mount @FILES@ PATH` names: beside the expanded script
 * (run_diff.py's work directory), else a temporary one.  It must be on a
 * disk file system: on a tmpfs the host's page cache is shmem's. */
static const char *files_dir(void)
{
	struct statfs sf;

	if (S.files_dir[0])
		return S.files_dir;
	if (S.emit_path) {
		char tmp[900], *slash;

		if ((size_t)snprintf(tmp, sizeof(tmp), "%s", S.emit_path) >= sizeof(tmp))
			die("%s: path too long", S.emit_path);
		slash = strrchr(tmp, '/');
		snprintf(S.files_dir, sizeof(S.files_dir), "%s/host-files",
			 slash ? (*slash = 0, tmp[0] ? tmp : "/") : ".");
		if (mkdir(S.files_dir, 0755) && errno != EEXIST)
			die("mkdir %s: %s", S.files_dir, strerror(errno));
	} else {
		const char *t = getenv("TMPDIR");

		snprintf(S.files_dir, sizeof(S.files_dir), "%s/hostrun-files-XXXXXX",
			 t && *t ? t : "/var/tmp");
		if (!mkdtemp(S.files_dir))
			die("mkdtemp %s: %s", S.files_dir, strerror(errno));
		S.files_tmp = true;
	}
	if (statfs(S.files_dir, &sf) == 0 && (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6))
		die("%s is on a tmpfs/ramfs: the files must be on a disk file system "
		    "(set TMPDIR or run from a disk directory)", S.files_dir);
	return S.files_dir;
}

/* `#@file NAME SIZE [SEED]`: NAME (no slash) in the files directory, SIZE
 * bytes of file_byte(SEED, offset), written back and dropped from the page
 * cache, so the scenario's first access of each page is a major fault.
 * To mmkit the line is a comment; run_diff.py makes the same file for it. */
static void cmd_file_directive(char *raw)
{
	char name[256], path[1400];
	unsigned long long size, seed = 1;
	static unsigned char buf[65536];
	int fd;

	if (sscanf(raw, "#@file %255s %llu %llu", name, &size, &seed) < 2 || strchr(name, '/'))
		script_error("usage: #@file NAME SIZE [SEED]");
	snprintf(path, sizeof(path), "%s/%s", files_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (u64 off = 0; off < size; ) {
		size_t n = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = file_byte(seed, off + i);
		if (write(fd, buf, n) != (ssize_t)n)
			die("%s: write: %s", path, strerror(errno));
		off += n;
	}
	if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("%s: fsync/fadvise: %s", path, strerror(errno));
	close(fd);
}

/* mount HOSTDIR PATH [ro] [latency=] [bw=] [ra=SIZE]: the scenario's PATH
 * names HOSTDIR here; ra= must be the host device's window (mmkit models
 * the readahead the host does). */
static void cmd_mount(const char *raw)
{
	const char *dir = cur->argc > 1 && !strcmp(cur->argv[1], "@FILES@") ? files_dir()
									   : cur->argv[1];
	bool has_ra = false;
	char real[1024];
	struct stat st;

	if (cur->argc < 3)
		script_error("usage: mount HOSTDIR PATH [ro] [latency=DUR] [bw=SIZE] [ra=SIZE]");
	if (nmounts == MAX_MOUNTS)
		script_error("too many mounts");
	for (int i = 3; i < cur->argc; i++) {
		if (!strncmp(cur->argv[i], "ra=", 3)) {
			u64 ra = arg_num(cur->argv[i] + 3);
			unsigned long kb = host_ra_kb(dir);
			if (kb && ra != (u64)kb * 1024)
				script_error("mount: ra=%s, but the host device reads ahead %lu KiB",
					     cur->argv[i] + 3, kb);
			has_ra = true;
		}
	}
	/* the expanded script: the host device's read-ahead window, unless given */
	if (!S.plain) {
		unsigned long kb = has_ra ? 0 : host_ra_kb(dir);
		char line[4200];

		if (kb)
			snprintf(line, sizeof(line), "%s ra=%luK", raw, kb);
		else
			snprintf(line, sizeof(line), "%s", raw);
		emit_line(line);
	}
	if (stat(dir, &st) || !realpath(dir, real)) {
		result("= -1 %s", errno_name(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		result("= -1 ENOTDIR");
		return;
	}
	snprintf(mounts[nmounts].path, sizeof(mounts[0].path), "%s", cur->argv[2]);
	snprintf(mounts[nmounts].host, sizeof(mounts[0].host), "%s", real);
	nmounts++;
	result("= 0");
}

/* Show the host directories of mounts as their scenario paths (maps). */
static void mount_names(char *text)
{
	for (int i = 0; i < nmounts; i++) {
		size_t hl = strlen(mounts[i].host), pl = strlen(mounts[i].path);
		char *at;

		while ((at = strstr(text, mounts[i].host)) && (at[hl] == '/' || at[hl] == '\n')) {
			memmove(at + pl, at + hl, strlen(at + hl) + 1);
			memcpy(at, mounts[i].path, pl);
		}
	}
}

/* A count, descriptor or offset (decimal, capturable), or -1 ERRNO. */
static void result_count(long ret)
{
	if (ret < 0 && ret >= -4095) {
		result("= -1 %s", errno_name((int)-ret));
		return;
	}
	result("= %ld", ret);
	cur->has_value = true;
	cur->value = (u64)ret;
}

static long path_call(struct proc *p, long nr, const char *path, u64 a1, u64 a2)
{
	struct agent_req q = { .op = OP_PATH, .a = { (u64)nr, a1, a2 } };
	struct agent_rep r;

	host_path(path, q.path, sizeof(q.path));
	agent_call(p, &q, &r);
	return (long)r.val;
}

static u64 arg_mode(const char *s)
{
	if (s[0] == '0' && s[1] && s[1] != 'x')
		return strtoull(s, NULL, 8);
	return arg_num(s);
}

static void cmd_open(struct proc *p)
{
	need_args(2, 3);
	u64 flags = arg_flags(cur->argv[3], open_names);
	u64 mode = cur->argc == 5 ? arg_mode(cur->argv[4]) : 0600;

	result_count(path_call(p, SYS_open, cur->argv[2], flags, mode));
}

static void cmd_pathop(struct proc *p)
{
	const char *cmd = cur->argv[1];

	if (!strcmp(cmd, "unlink")) {
		need_args(1, 1);
		result_syscall(path_call(p, SYS_unlink, cur->argv[2], 0, 0), false);
	} else if (!strcmp(cmd, "mkdir")) {
		need_args(1, 2);
		result_syscall(path_call(p, SYS_mkdir, cur->argv[2],
					 cur->argc == 4 ? arg_mode(cur->argv[3]) : 0755, 0), false);
	} else {
		need_args(2, 2);
		result_syscall(path_call(p, SYS_truncate, cur->argv[2], arg_num(cur->argv[3]), 0), false);
	}
}

/* FD-based calls that are plain system calls. */
static void cmd_fdcall(struct proc *p)
{
	static const struct { const char *name; long nr; int nargs; bool count; } t[] = {
		{ "close", SYS_close, 1, false }, { "dup", SYS_dup, 1, true },
		{ "sys_read", SYS_read, 3, true }, { "sys_write", SYS_write, 3, true },
		{ "pread", SYS_pread64, 4, true }, { "pwrite", SYS_pwrite64, 4, true },
		{ "ftruncate", SYS_ftruncate, 2, false }, { "fsync", SYS_fsync, 1, false },
		{ "fdatasync", SYS_fdatasync, 1, false }, { "readahead", SYS_readahead, 3, false },
	};
	const char *cmd = cur->argv[1];
	u64 a[4] = { 0 };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(cmd, t[i].name))
			continue;
		need_args(t[i].nargs, t[i].nargs);
		for (int k = 0; k < t[i].nargs; k++)
			a[k] = arg_num(cur->argv[2 + k]);
		long ret = do_syscall(p, t[i].nr, a[0], a[1], a[2], a[3], 0, 0);
		if (t[i].nr == SYS_readahead)
			readahead_settle();
		if (t[i].count)
			result_count(ret);
		else
			result_syscall(ret, false);
		return;
	}
	script_error("the host runner cannot run '%s'", cmd);
}

static void cmd_lseek(struct proc *p)
{
	need_args(3, 3);
	result_count(do_syscall(p, SYS_lseek, arg_num(cur->argv[2]), arg_num(cur->argv[3]),
				arg_flags(cur->argv[4], whence_names), 0, 0, 0));
}

static void cmd_fallocate(struct proc *p)
{
	need_args(4, 4);
	result_syscall(do_syscall(p, SYS_fallocate, arg_num(cur->argv[2]),
				  !strcmp(cur->argv[3], "0") ? 0 : arg_flags(cur->argv[3], falloc_names),
				  arg_num(cur->argv[4]), arg_num(cur->argv[5]), 0, 0), false);
}

static void cmd_fadvise(struct proc *p)
{
	need_args(4, 4);
	u64 adv = arg_flags(cur->argv[5], fadv_names);

	result_syscall(do_syscall(p, SYS_fadvise64, arg_num(cur->argv[2]), arg_num(cur->argv[3]),
				  arg_num(cur->argv[4]), adv, 0, 0), false);
	if (adv == 3)
		readahead_settle();
}

static void cmd_stat(struct proc *p)
{
	struct agent_req q = { .op = !strcmp(cur->argv[1], "stat") ? OP_STAT : OP_FSTAT };
	struct agent_rep r;

	need_args(1, 1);
	if (q.op == OP_STAT)
		host_path(cur->argv[2], q.path, sizeof(q.path));
	else
		q.a[0] = arg_num(cur->argv[2]);
	agent_call(p, &q, &r);
	if (r.kind == REP_RET)
		result_syscall((long)r.val, false);
	else
		result("= size=%lld blocks=%llu", (long long)r.val, (unsigned long long)r.addr);
}

static void cmd_mincore(struct proc *p)
{
	struct agent_req q = { .op = OP_MINCORE };
	struct agent_rep r;
	char digits[AGENT_VEC_MAX + 1];
	u64 pages;

	need_args(2, 2);
	q.a[0] = arg_num(cur->argv[2]);
	q.a[1] = arg_num(cur->argv[3]);
	pages = (q.a[1] >> 12) + ((q.a[1] & 4095) != 0);
	if (pages > 200)
		script_error("mincore: at most 200 pages at a time");
	agent_call(p, &q, &r);
	if ((long)r.val < 0) {
		result_syscall((long)r.val, false);
		return;
	}
	for (u64 i = 0; i < pages; i++)
		digits[i] = (char)('0' + (r.vec[i] & 1));
	digits[pages] = 0;
	result("= %s", digits);
}

static void cmd_rusage(struct proc *p)
{
	struct agent_req q = { .op = OP_RUSAGE };
	struct agent_rep r;

	need_args(0, 0);
	agent_call(p, &q, &r);
	result("= minflt %llu majflt %llu", (unsigned long long)r.val, (unsigned long long)r.addr);
}

struct proc_cmd {
	const char *name;
	void (*fn)(struct proc *p);
	enum agent_op access;
};

static void cmd_read(struct proc *p)  { cmd_access(p, OP_READ); }
static void cmd_write(struct proc *p) { cmd_access(p, OP_WRITE); }
static void cmd_fill(struct proc *p)  { cmd_access(p, OP_FILL); }
static void cmd_check(struct proc *p) { cmd_access(p, OP_CHECK); }
static void cmd_touch(struct proc *p) { cmd_access(p, OP_TOUCH); }
static void cmd_execa(struct proc *p) { cmd_access(p, OP_EXEC); }
static void cmd_fillpat(struct proc *p)  { cmd_access(p, OP_FILLPAT); }
static void cmd_checkpat(struct proc *p) { cmd_access(p, OP_CHECKPAT); }

static const struct proc_cmd proc_cmds[] = {
	{ "mmap", cmd_mmap, 0 }, { "munmap", cmd_munmap, 0 }, { "mprotect", cmd_mprotect, 0 },
	{ "mremap", cmd_mremap, 0 }, { "brk", cmd_brk, 0 }, { "madvise", cmd_madvise, 0 },
	{ "mlock", cmd_mlock, 0 }, { "mlock2", cmd_mlock, 0 }, { "munlock", cmd_mlock, 0 },
	{ "msync", cmd_msync, 0 }, { "mlockall", cmd_mlockall, 0 },
	{ "munlockall", cmd_mlockall, 0 }, { "read", cmd_read, 0 }, { "write", cmd_write, 0 },
	{ "fill", cmd_fill, 0 }, { "check", cmd_check, 0 }, { "touch", cmd_touch, 0 },
	{ "exec", cmd_execa, 0 }, { "fork", cmd_fork, 0 }, { "exit", cmd_exit, 0 },
	{ "open", cmd_open, 0 }, { "unlink", cmd_pathop, 0 }, { "mkdir", cmd_pathop, 0 },
	{ "truncate", cmd_pathop, 0 }, { "close", cmd_fdcall, 0 }, { "dup", cmd_fdcall, 0 },
	{ "sys_read", cmd_fdcall, 0 }, { "sys_write", cmd_fdcall, 0 }, { "pread", cmd_fdcall, 0 },
	{ "pwrite", cmd_fdcall, 0 }, { "ftruncate", cmd_fdcall, 0 }, { "fsync", cmd_fdcall, 0 },
	{ "fdatasync", cmd_fdcall, 0 }, { "readahead", cmd_fdcall, 0 }, { "lseek", cmd_lseek, 0 },
	{ "fallocate", cmd_fallocate, 0 }, { "fadvise", cmd_fadvise, 0 }, { "stat", cmd_stat, 0 },
	{ "fstat", cmd_stat, 0 }, { "mincore", cmd_mincore, 0 }, { "rusage", cmd_rusage, 0 },
	{ "fillpat", cmd_fillpat, 0 }, { "checkpat", cmd_checkpat, 0 },
	{ NULL, NULL, 0 }
};

static void emit_line(const char *text)
{
	if (S.emit)
		fprintf(S.emit, "%s\n", text);
}

static void cmd_spawn(const char *raw)
{
	struct proc *p;

	if (cur->argc < 2 || cur->argc > 3 || (cur->argc == 3 && strcmp(cur->argv[2], "exec")))
		script_error("usage: spawn NAME [exec]");
	p = spawn_agent(cur->argv[1]);
	result("= 0");
	if (S.plain)
		return;
	/* the expanded script: `spawn A` (an exec image is what we import) */
	if (cur->argc == 3) {
		char line[256];
		snprintf(line, sizeof(line), "spawn %s%s%s", p->name,
			 cur->expect ? " expect=" : "", cur->expect ? cur->expect : "");
		emit_line(line);
	} else {
		emit_line(raw);
	}
	for (int i = 0; i < p->n_import; i++) {
		if (S.emit)
			fprintf(S.emit, "%s %s\n", p->name, p->import[i]);
	}
	p->import_checked = true;
	cur->extra_lines = p->n_import;    /* later lines shift down */
}

static void cmd_handle(void)
{
	struct proc *p;
	bool catch;

	if (cur->argc != 4)
		script_error("usage: handle NAME SIGSEGV|SIGBUS catch|kill");
	p = proc_find(cur->argv[1]);
	if (!p)
		script_error("unknown process '%s'", cur->argv[1]);
	if (strcmp(cur->argv[3], "catch") && strcmp(cur->argv[3], "kill"))
		script_error("handle: catch or kill");
	catch = !strcmp(cur->argv[3], "catch");
	if (!strcmp(cur->argv[2], "SIGSEGV"))
		p->catch_segv = catch;
	else if (!strcmp(cur->argv[2], "SIGBUS"))
		p->catch_bus = catch;
	else
		script_error("handle: SIGSEGV or SIGBUS");
}

#include "hostrun_swap.h"

static void cmd_cat(void)
{
	char name[64], view[64];
	struct proc *p;
	char *text;

	if (cur->argc < 2 || sscanf(cur->argv[1], "/proc/%63[^/]/%63s", name, view) != 2)
		script_error("the host runner has only cat /proc/NAME/{maps,smaps,status,pagemap}");
	p = proc_find(name);
	if (!p)
		script_error("unknown process '%s'", name);
	if (strcmp(view, "maps") && strcmp(view, "smaps") && strcmp(view, "status") &&
	    strcmp(view, "pagemap"))
		script_error("no host view /proc/%s/%s", name, view);
	if (cur->argc > 2 && strcmp(view, "status") && strcmp(view, "pagemap"))
		script_error("only status takes field names");
	check_import(p);
	if (!strcmp(view, "pagemap")) {
		hostswap_cat_pagemap(p);
		return;
	}
	text = proc_read_view(p->pid, view);
	if (strcmp(view, "status"))
		strip_vsyscall(text);
	mount_names(text);
	if (cur->argc > 2)
		hostswap_print_fields(text, 2);
	else
		fputs(text, stdout);
	free(text);
}

static void cmd_process(struct proc *p)
{
	const char *cmd = cur->argc > 1 ? cur->argv[1] : "";

	if (!strcmp(cmd, "vma") || !strcmp(cmd, "set") || !strcmp(cmd, "vmflags")) {
		cmd_import(p);
		return;
	}
	check_import(p);
	for (const struct proc_cmd *c = proc_cmds; c->name; c++) {
		if (!strcmp(c->name, cmd)) {
			c->fn(p);
			return;
		}
	}
	script_error("the host runner cannot run '%s'", cmd);
}

static void run_line(char *raw, struct line_ctx *c)
{
	char copy[4096];
	const char *cmd;
	struct proc *p;

	if (!strncmp(raw, "#@file ", 7))
		cmd_file_directive(raw);
	snprintf(copy, sizeof(copy), "%s", raw);
	c->argc = tokenize(copy, c->argv);
	strip_suffixes(c);
	if (c->argc == 0) {
		if (!S.plain)
			emit_line(raw);
		return;
	}
	cmd = c->argv[0];
	if (!strcmp(cmd, "spawn")) {
		cmd_spawn(raw);
		return;
	}
	if (!strcmp(cmd, "mount")) {
		cmd_mount(raw);
		return;
	}
	if (!S.plain)
		emit_line(raw);
	if (!strcmp(cmd, "machine"))
		return;
	if (!strcmp(cmd, "handle"))
		cmd_handle();
	else if (!strcmp(cmd, "run"))
		result("= 0");       /* scheduling does not change any result */
	else if (!strcmp(cmd, "cat"))
		cmd_cat();
	else if (!strcmp(cmd, "swaparea"))
		cmd_swaparea();
	else if ((p = proc_find(cmd)))
		cmd_process(p);
	else
		script_error("the host runner cannot run '%s'", cmd);
}

static void run_script(FILE *in)
{
	char *raw = NULL;
	size_t cap = 0;
	ssize_t n;
	int out_lineno = 0;
	struct line_ctx c;

	for (int in_lineno = 1; (n = getline(&raw, &cap, in)) >= 0; in_lineno++) {
		while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
			raw[--n] = 0;
		memset(&c, 0, sizeof(c));
		c.in_lineno = in_lineno;
		c.out_lineno = S.plain ? in_lineno : ++out_lineno;
		cur = &c;
		run_line(raw, &c);
		finish_line();
		out_lineno += c.extra_lines;
	}
	free(raw);
	cur = NULL;
	for (int i = 0; i < S.nprocs; i++) {
		if (!S.procs[i].dead) {
			struct agent_req q = { .op = OP_EXIT };
			struct agent_rep r;
			check_import(&S.procs[i]);
			agent_call(&S.procs[i], &q, &r);
			proc_reap(&S.procs[i]);
		}
	}
}

/* mmkit models the Linux defaults of these; say so when the host differs. */
static void check_sysctls(void)
{
	static const struct { const char *path; long want; } knobs[] = {
		{ "/proc/sys/vm/overcommit_memory", 0 },
		{ "/proc/sys/vm/max_map_count", 65530 },
	};

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		FILE *f = fopen(knobs[i].path, "r");
		long v;
		if (f && fscanf(f, "%ld", &v) == 1 && v != knobs[i].want)
			fprintf(stderr, "hostrun: warning: %s is %ld, not the default %ld: "
				"results may differ from mmkit's\n", knobs[i].path, v, knobs[i].want);
		if (f)
			fclose(f);
	}
}

/*
 * One CPU for the coordinator and every agent (inherited over fork and
 * exec), the one it starts on: mmkit runs a scenario's tasks on one
 * simulated CPU, and Linux keeps per-CPU state that results depend on.  A
 * page waits in the lru_add (or mlock) batch of the CPU that faulted it in
 * until that CPU drains it: MADV_PAGEOUT from an agent that has moved to
 * another CPU cannot isolate it and leaves it resident (RssShmem), and
 * whether folio_mark_accessed finds a page on the LRU, in its own CPU's
 * batch or in another's decides smaps Referenced.  Unpinned, a loaded
 * machine moves the agents and such lines vary from run to run.
 */
static void pin_to_one_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "hostrun: warning: cannot pin to CPU %d: %s: per-CPU LRU "
			"batches may make results vary\n", cpu, strerror(errno));
}

/* The agents' soft limits: 8 MiB, or the hard limit when that is lower. */
static void agent_limits(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_STACK, &rl);
	S.stack_rlimit = rl.rlim_max < AGENT_RLIMIT_WANT ? rl.rlim_max : AGENT_RLIMIT_WANT;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	S.memlock_rlimit = rl.rlim_max < AGENT_RLIMIT_WANT ? rl.rlim_max : AGENT_RLIMIT_WANT;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: hostrun [--emit EXPANDED.mm] [--no-expect] SCRIPT.mm\n"
		"       hostrun run --plain EXPANDED.mm   (stand-in for mmkit: checks import lines)\n"
		"Runs the scenario on the host kernel; prints mmkit's --plain result lines.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static char self[4096];
	const char *emit = NULL;
	FILE *in;
	int i = 1;

	if (argc == 2 && !strcmp(argv[1], "--agent"))
		return agent_main();
	S.check_expect = true;
	if (argc >= 3 && !strcmp(argv[1], "run")) {
		S.plain = true;
		i = 2;
		S.inject = getenv("HOSTRUN_INJECT");
	}
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--emit") && i + 1 < argc)
			emit = argv[++i];
		else if (!strcmp(argv[i], "--no-expect"))
			S.check_expect = false;
		else if (!strcmp(argv[i], "--plain"))
			S.plain = true;
		else if (S.plain && !strncmp(argv[i], "--zero-page=", 12))
			;   /* standing in for `mmkit run` (selftest): the host already is
			       what mmkit is told to follow (corpus.py FOLLOWED) */
		else
			usage();
	}
	if (i != argc - 1)
		usage();
	S.file = argv[i];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		die("readlink /proc/self/exe");
	self[n] = 0;
	S.self = self;
	in = strcmp(S.file, "-") ? fopen(S.file, "r") : stdin;
	if (!in)
		die("%s: %s", S.file, strerror(errno));
	S.emit_path = emit;
	if (emit && !S.plain && !(S.emit = fopen(emit, "w")))
		die("%s: %s", emit, strerror(errno));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pin_to_one_cpu();
	agent_limits();
	check_sysctls();
	run_script(in);
	files_cleanup();
	if (S.emit && fclose(S.emit))
		die("%s: write error", emit);
	return 0;
}
