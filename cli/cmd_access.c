/*
 * cmd_access.c - user-mode memory accesses of a process (scenario language
 * "Memory accesses"), each through the MMU of the process's CPU: TLB fast
 * path, page walk, #PF -> do_page_fault -> retry.
 *
 *   A read ADDR SIZE            `= 0x<value>` (SIZE 1, 2, 4, 8)
 *   A write ADDR SIZE VALUE     `= ok`
 *   A fill ADDR LEN BYTE        `= ok`
 *   A check ADDR LEN BYTE       `= ok` or `= mismatch 0x<addr> 0x<byte>`
 *   A touch ADDR LEN read|write one access per page (ADDR, then each page
 *                               start up to ADDR+LEN-1); a write touch stores
 *                               the byte it finds (a locked OR of 0), so it
 *                               faults as a write but keeps the contents
 *   A exec ADDR                 an instruction fetch: `= ok`
 *   A writestr ADDR "text"      the bytes of text (no terminating NUL): `= ok`
 *   A readstr ADDR LEN          bytes up to LEN or the first NUL (not
 *                               included), one access per byte: `= "text"`,
 *                               with \n \t \\ \" and \xHH for other bytes
 *                               outside printable ASCII
 *
 * An access stops at the first fault the kernel cannot resolve: the result
 * is `! SIGSEGV SEGV_MAPERR 0x<addr>` (or ACCERR, SIGBUS BUS_ADRERR), and
 * unless `handle A <SIG> catch` was given every thread of the process exits
 * (a fatal signal: do_group_exit).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/coredump.h"
#include "mmkit/mmu.h"
#include "mmkit/sched.h"

#define UIDX MMU_USER_IDX

void cli_access_fault(struct cmd_ctx *c)
{
	struct mmu_fault *f = mmu_last_fault();
	bool caught;

	if (f->oops) {
		result_oops(c, "%s", f->msg);
		return;
	}
	result_signal(c, f->sig, f->si_code, f->sig_addr);
	caught = (f->sig == SIGSEGV && c->proc->catch_sigsegv) ||
		 (f->sig == SIGBUS && c->proc->catch_sigbus);
	if (!caught) {
		kernel_siginfo_t info = { .si_signo = f->sig,
					  .si_code = f->si_code,
					  .addr = f->sig_addr };

		cli_group_exit(c->sc, c->proc, f->sig, &info);
	}
}

static int alive(struct cmd_ctx *c)
{
	if (!c->proc->task)
		return script_error(c, "%s: '%s' has exited", c->cmd, c->proc->name);
	return 0;
}

static int arg_byte(struct cmd_ctx *c, int i, u64 *b)
{
	if (arg_num(c, i, b))
		return CMD_SCRIPT_ERROR;
	if (*b > 0xff)
		return script_error(c, "%s: BYTE must be 0..255", c->cmd);
	return 0;
}

static int do_read(struct cmd_ctx *c)
{
	unsigned int size;
	u64 addr, v;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || arg_access_size(c, 1, &size) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (mmk_read(UIDX, addr, size, &v))
		cli_access_fault(c);
	else
		result_value(c, v);
	return 0;
}
CLI_COMMAND(cmd_read, .name = "read", .kind = CMD_PROCESS, .usage = "A read ADDR SIZE",
	    .help = "user load of SIZE (1/2/4/8) bytes", .fn = do_read)

static int do_write(struct cmd_ctx *c)
{
	unsigned int size;
	u64 addr, v;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &addr) || arg_access_size(c, 1, &size) ||
	    arg_num(c, 2, &v) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (mmk_write(UIDX, addr, size, v))
		cli_access_fault(c);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_write, .name = "write", .kind = CMD_PROCESS, .usage = "A write ADDR SIZE VALUE",
	    .help = "user store of SIZE (1/2/4/8) bytes", .fn = do_write)

/* Ranges go in chunks of this size, so that a long one shows progress. */
#define ACCESS_CHUNK (1UL << 20)

/* mmk_memset in chunks: 0, or the first chunk's -EFAULT. */
static int fill_range(u64 addr, u64 len, int b)
{
	u64 off, n;
	int err = 0;

	progress_begin("fill", len, true);
	for (off = 0; off < len && !err; off += n) {
		n = min(len - off, (u64)ACCESS_CHUNK);
		err = mmk_memset(UIDX, addr + off, b, n, NULL);
		progress_update(off + n);
	}
	progress_end();
	return err;
}

static int do_fill(struct cmd_ctx *c)
{
	u64 addr, len, b;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &addr) || arg_num(c, 1, &len) ||
	    arg_byte(c, 2, &b) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (fill_range(addr, len, (int)b)) {
		cli_access_fault(c);
	} else {
		cli_pageref(c, addr, len);
		result_ok(c);
	}
	return 0;
}
CLI_COMMAND(cmd_fill, .name = "fill", .kind = CMD_PROCESS, .usage = "A fill ADDR LEN BYTE",
	    .help = "store BYTE to every byte of the range", .fn = do_fill)

static int do_check(struct cmd_ctx *c)
{
	u64 addr, len, b;
	unsigned long at;
	u8 got = 0;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &addr) || arg_num(c, 1, &len) ||
	    arg_byte(c, 2, &b) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (mmk_memchk(UIDX, addr, (int)b, len, &at, &got)) {
		cli_access_fault(c);
		return 0;
	}
	cli_pageref(c, addr, len);
	if (at != -1UL)
		result_text(c, "mismatch 0x%lx 0x%x", at, got);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_check, .name = "check", .kind = CMD_PROCESS, .usage = "A check ADDR LEN BYTE",
	    .help = "load every byte: ok, or the first mismatch", .fn = do_check)

/* A store that keeps the byte (x86 `lock orb $0`). */
static int touch_write(unsigned long a)
{
	int err = 0;
	u8 *p = mmu_probe(UIDX, a, MMU_DATA_STORE, false, &err);

	if (!p)
		return err;
	__atomic_fetch_or(p, 0, __ATOMIC_RELAXED);
	return 0;
}

static int do_touch(struct cmd_ctx *c)
{
	u64 addr, len, a, end;
	bool write;
	u8 v;
	int err = 0;

	if (arg_count(c, 3, 3) || arg_num(c, 0, &addr) || arg_num(c, 1, &len) || alive(c))
		return CMD_SCRIPT_ERROR;
	write = !strcmp(c->argv[2], "write");
	if (!write && strcmp(c->argv[2], "read"))
		return script_error(c, "touch: read or write, not '%s'", c->argv[2]);
	end = addr + len;
	progress_begin("touch", len, true);
	for (a = addr; a < end && !err; a = (a & PAGE_MASK) + PAGE_SIZE) {
		err = write ? touch_write(a) : mmk_read8(UIDX, a, &v);
		if ((a & PAGE_MASK) + PAGE_SIZE < a)
			break;
		if (!(a & (ACCESS_CHUNK - 1)))
			progress_update(a - addr);
	}
	progress_end();
	if (err) {
		cli_access_fault(c);
	} else {
		cli_pageref(c, addr, len);
		result_ok(c);
	}
	return 0;
}
CLI_COMMAND(cmd_touch, .name = "touch", .kind = CMD_PROCESS, .usage = "A touch ADDR LEN read|write",
	    .help = "one access per page of the range", .fn = do_touch)

static int do_exec(struct cmd_ctx *c)
{
	u64 addr;

	if (arg_count(c, 1, 1) || arg_num(c, 0, &addr) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (mmk_exec(UIDX, addr))
		cli_access_fault(c);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_exec, .name = "exec", .kind = CMD_PROCESS, .usage = "A exec ADDR",
	    .help = "an instruction fetch (NX and PROT_EXEC apply)", .fn = do_exec)

static int do_writestr(struct cmd_ctx *c)
{
	u64 addr;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (mmk_copy_to(UIDX, addr, c->argv[1], strlen(c->argv[1]), NULL))
		cli_access_fault(c);
	else
		result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_writestr, .name = "writestr", .kind = CMD_PROCESS,
	    .usage = "A writestr ADDR \"text\"", .help = "store the bytes of text (no NUL)",
	    .fn = do_writestr)

/* Append byte b to out, escaped as the scenario tokenizer reads it back. */
static size_t put_escaped(char *out, size_t n, u8 b)
{
	if (b == '\n')
		return (size_t)snprintf(out, n, "\\n");
	if (b == '\t')
		return (size_t)snprintf(out, n, "\\t");
	if (b == '\\' || b == '"')
		return (size_t)snprintf(out, n, "\\%c", b);
	if (b < 0x20 || b > 0x7e)
		return (size_t)snprintf(out, n, "\\x%02x", b);
	return (size_t)snprintf(out, n, "%c", b);
}

#define READSTR_MAX 48

static int do_readstr(struct cmd_ctx *c)
{
	char text[READSTR_MAX * 4 + 1];
	size_t n = 0;
	u64 addr, len, i;
	u8 b = 1;
	int err = 0;

	if (arg_count(c, 2, 2) || arg_num(c, 0, &addr) || arg_num(c, 1, &len) || alive(c))
		return CMD_SCRIPT_ERROR;
	if (len > READSTR_MAX)
		return script_error(c, "readstr: LEN is at most %d", READSTR_MAX);
	text[0] = 0;
	for (i = 0; i < len && !err; i++) {
		err = mmk_read8(UIDX, addr + i, &b);
		if (err || !b)
			break;
		n += put_escaped(text + n, sizeof(text) - n, b);
	}
	if (err)
		cli_access_fault(c);
	else
		result_text(c, "\"%s\"", text);
	return 0;
}
CLI_COMMAND(cmd_readstr, .name = "readstr", .kind = CMD_PROCESS, .usage = "A readstr ADDR LEN",
	    .help = "load a string of at most LEN bytes (stops at NUL)", .fn = do_readstr)
