/*
 * cmd_swap.c - the swap commands (spec: scenario-language.md "Swap"):
 *
 *   mkswap PATH SIZE [label=L] [uuid=U]   a swap area as util-linux mkswap
 *                                         writes it, in the machine's file system
 *   swapon PATH [prio=N] [discard[=once|pages]] [flags=N]   swapon(2)
 *                                         (flags=: raw SWAP_FLAG_* bits, added to the others)
 *   swapoff PATH                          swapoff(2)
 *   swaparea SIZE [prio=N]                a swap area for the scenario on a fresh
 *                                         host directory (prio 32000 by default)
 *
 * and `mmkit mkswap PATH SIZE [-L LABEL] [-U UUID]`, the same on a host file
 * without a machine (mkswap_main, called by main.c).  For swap round trips,
 * two accesses with distinct data in every page:
 *
 *   A fillpat ADDR LEN SEED      each 8-byte word gets splitmix64(SEED ^ its
 *                                address): `= ok` or the fault
 *   A checkpat ADDR LEN SEED     `= ok`, or `= mismatch 0x<addr> 0x<word>`
 *                                (the first word that differs), or the fault
 *
 * mkswap is a user tool, so it is done here with the VFS's calls: the file
 * is created or resized to SIZE (rounded down to pages) and, on a host
 * mount, fallocated (a swap file must not have holes); page 0 gets zeros in
 * the first 1024 bytes (util-linux zaps the boot bits of a file that holds
 * no other signature) and the header after them (mm/swapfile.c
 * swap_header_build), and the file is synced.  The UUID is random (version
 * 4, from the machine's seeded generator, so a run is repeatable) unless
 * uuid= gives it.  Results: `= 0`, or `= -1 EINVAL` (fewer than 10 pages, a
 * label over 16 bytes, not a regular file), ETXTBSY (an active swap file),
 * and the errors of open, truncate and fallocate.
 *
 * swaparea is the differential tests' way to have swap on both sides: the
 * host runner (tests/diff/hostrun_swap.h) makes a real area with util-linux
 * mkswap and swapon(2); mmkit makes a directory under $MMKIT_SWAPAREA_DIR
 * ($TMPDIR, /var/tmp), mounts it at /swaparea, writes the area with mkswap
 * and swaps it on with the same priority.  The host file is unlinked at
 * once (the mount keeps it open), so nothing is left behind however the
 * run ends.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/scenario.h"
#include "mmkit/mmu.h"
#include "mmkit/pagemap.h"
#include "mmkit/sched.h"
#include "mmkit/swap.h"

/* ------------------------------------------------------------- UUIDs -- */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into 16 bytes.  0 or -EINVAL. */
static int parse_uuid(const char *s, unsigned char out[16])
{
	int i = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (; *s && i < 16; s++) {
		int hi, lo;

		if (*s == '-')
			continue;
		hi = hexval(s[0]);
		lo = hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i++] = (unsigned char)(hi << 4 | lo);
		s++;
	}
	return i == 16 && !*s ? 0 : -EINVAL;
}

static void format_uuid(const unsigned char u[16], char out[37])
{
	static const int dash[] = { 4, 6, 8, 10 };
	int i, d = 0, n = 0;

	for (i = 0; i < 16; i++) {
		if (d < 4 && i == dash[d]) {
			out[n++] = '-';
			d++;
		}
		n += sprintf(out + n, "%02x", u[i]);
	}
	out[n] = 0;
}

/* A version-4 (random) UUID from rnd(), as libuuid's uuid_generate_random. */
static void random_uuid(unsigned char u[16], u64 (*rnd)(void))
{
	u64 a = rnd(), b = rnd();

	memcpy(u, &a, 8);
	memcpy(u + 8, &b, 8);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
}

/* ------------------------------------------------------ the scenario -- */

/* Resize f to size, allocate it, write page 0.  0 or -errno. */
static int mkswap_write(struct file *f, u64 size, const char *label, const unsigned char uuid[16])
{
	struct inode *inode = f->f_inode;
	struct page *page;
	int err;

	if (!MMK_S_ISREG(inode->i_mode))
		return -EINVAL;
	if (inode->i_swapfile)
		return -ETXTBSY;
	inode_lock(inode);
	err = inode->i_op->setsize(inode, (loff_t)size);
	inode_unlock(inode);
	/* the host file's blocks (a tmpfs file is never a swap file anyway) */
	if (!err && inode->i_hostfd >= 0 && f->f_op->fallocate)
		err = (int)f->f_op->fallocate(f, MMK_FALLOC_FL_KEEP_SIZE, 0, (loff_t)size);
	if (err)
		return err;
	page = filemap_grab_page(f->f_mapping, 0, false);
	if (!page)
		return -ENOMEM;
	memset(page_address(page), 0, 1024);
	err = swap_header_build(page_address(page), size >> PAGE_SHIFT, label, uuid);
	if (!err) {
		SetPageUptodate(page);
		folio_mark_dirty(page);
	}
	unlock_page(page);
	put_page(page);
	return err ? err : vfs_fsync_range(f, 0, LLONG_MAX, false);
}

static int do_mkswap(struct cmd_ctx *c)
{
	const char *path = NULL, *label = NULL, *v;
	unsigned char uuid[16];
	bool have_uuid = false;
	struct file *f;
	u64 size;
	int i, err;

	if (arg_count(c, 2, 4) || arg_num(c, 1, &size))
		return CMD_SCRIPT_ERROR;
	path = c->argv[0];
	for (i = 2; i < c->argc; i++) {
		if (arg_kv(c, i, "label", &v))
			label = v;
		else if (arg_kv(c, i, "uuid", &v) && !parse_uuid(v, uuid))
			have_uuid = true;
		else
			return script_error(c, "mkswap: bad option '%s' (label=L uuid=UUID)",
					    c->argv[i]);
	}
	if (!have_uuid)
		random_uuid(uuid, mmk_random);
	size &= PAGE_MASK;
	if (size >> PAGE_SHIFT < SWAP_MIN_PAGES || (label && strlen(label) > 16)) {
		result_errno(c, EINVAL);
		return 0;
	}
	f = do_filp_open(path, MMK_O_RDWR | MMK_O_CREAT, 0600, &err);
	if (f) {
		err = mkswap_write(f, size, label, uuid);
		fput(f);
	}
	result_ret(c, err);
	return 0;
}
CLI_COMMAND(cmd_mkswap, .name = "mkswap", .kind = CMD_GLOBAL,
	    .usage = "mkswap PATH SIZE [label=L] [uuid=U]",
	    .help = "make a swap area (the header util-linux mkswap writes)", .fn = do_mkswap)

/* prio=N and discard[=once|pages] into swapon(2) flags. */
static int swapon_flags(struct cmd_ctx *c, int *flags)
{
	const char *v;
	u64 prio;
	int i;

	*flags = 0;
	for (i = 1; i < c->argc; i++) {
		if (arg_kv(c, i, "prio", &v)) {
			if (cli_parse_num(c->sc, v, &prio) || prio > SWAP_FLAG_PRIO_MASK)
				return script_error(c, "swapon: prio=%s: 0..32767", v);
			*flags |= SWAP_FLAG_PREFER | (int)prio;
		} else if (arg_kv(c, i, "flags", &v)) { /* raw swapon(2) flags */
			if (cli_parse_num(c->sc, v, &prio) || prio > 0x7fffffff)
				return script_error(c, "swapon: flags=%s: a number", v);
			*flags |= (int)prio;
		} else if (!strcmp(c->argv[i], "discard")) {
			*flags |= SWAP_FLAG_DISCARD;
		} else if (arg_kv(c, i, "discard", &v) &&
			   (!strcmp(v, "once") || !strcmp(v, "pages"))) {
			*flags |= SWAP_FLAG_DISCARD |
				  (v[0] == 'o' ? SWAP_FLAG_DISCARD_ONCE : SWAP_FLAG_DISCARD_PAGES);
		} else {
			return script_error(
				c, "swapon: bad option '%s' (prio=N discard[=once|pages] flags=N)",
				c->argv[i]);
		}
	}
	return 0;
}

static int do_swapon(struct cmd_ctx *c)
{
	int flags;

	if (arg_count(c, 1, 4) || swapon_flags(c, &flags))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_swapon(c->argv[0], flags));
	return 0;
}
CLI_COMMAND(cmd_swapon, .name = "swapon", .kind = CMD_GLOBAL,
	    .usage = "swapon PATH [prio=N] [discard[=once|pages]] [flags=N]",
	    .help = "swapon(2): start swapping to a swap area", .fn = do_swapon)

static int do_swapoff(struct cmd_ctx *c)
{
	if (arg_count(c, 1, 1))
		return CMD_SCRIPT_ERROR;
	result_ret(c, sys_swapoff(c->argv[0]));
	return 0;
}
CLI_COMMAND(cmd_swapoff, .name = "swapoff", .kind = CMD_GLOBAL, .usage = "swapoff PATH",
	    .help = "swapoff(2): bring a swap area's pages back and stop using it",
	    .fn = do_swapoff)

/* -------------------------------------------- distinct data per word -- */

static u64 splitmix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void pattern_page(u64 *buf, u64 va, u64 seed)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		buf[i] = splitmix64(seed ^ (va + i * 8));
}

static int arg_pattern(struct cmd_ctx *c, u64 *addr, u64 *len, u64 *seed)
{
	if (arg_count(c, 3, 3) || arg_num(c, 0, addr) || arg_num(c, 1, len) || arg_num(c, 2, seed))
		return CMD_SCRIPT_ERROR;
	if ((*addr | *len) & 7)
		return script_error(c, "%s: ADDR and LEN must be multiples of 8", c->cmd);
	if (!c->proc->task)
		return script_error(c, "%s: '%s' has exited", c->cmd, c->proc->name);
	return 0;
}

static int do_fillpat(struct cmd_ctx *c)
{
	u64 addr, len, seed, off, buf[PAGE_SIZE / 8];

	if (arg_pattern(c, &addr, &len, &seed))
		return CMD_SCRIPT_ERROR;
	for (off = 0; off < len;) {
		u64 va = addr + off, page = va & PAGE_MASK;
		size_t n = (size_t)min(len - off, page + PAGE_SIZE - va);

		pattern_page(buf, page, seed);
		if (mmk_copy_to(MMU_USER_IDX, va, (u8 *)buf + (va - page), n, NULL)) {
			cli_access_fault(c);
			return 0;
		}
		off += n;
	}
	cli_pageref(c, addr, len);
	result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_fillpat, .name = "fillpat", .kind = CMD_PROCESS, .usage = "A fillpat ADDR LEN SEED",
	    .help = "store distinct data: each word a hash of SEED and its address",
	    .fn = do_fillpat)

static int do_checkpat(struct cmd_ctx *c)
{
	u64 addr, len, seed, off, want[PAGE_SIZE / 8], got[PAGE_SIZE / 8];

	if (arg_pattern(c, &addr, &len, &seed))
		return CMD_SCRIPT_ERROR;
	for (off = 0; off < len;) {
		u64 va = addr + off, page = va & PAGE_MASK, i;
		size_t n = (size_t)min(len - off, page + PAGE_SIZE - va);

		pattern_page(want, page, seed);
		if (mmk_copy_from(MMU_USER_IDX, (u8 *)got + (va - page), va, n, NULL)) {
			cli_access_fault(c);
			return 0;
		}
		for (i = (va - page) / 8; i < (va - page + n) / 8; i++)
			if (got[i] != want[i]) {
				result_text(c, "mismatch 0x%llx 0x%llx",
					    (unsigned long long)page + i * 8,
					    (unsigned long long)got[i]);
				return 0;
			}
		off += n;
	}
	cli_pageref(c, addr, len);
	result_ok(c);
	return 0;
}
CLI_COMMAND(cmd_checkpat, .name = "checkpat", .kind = CMD_PROCESS,
	    .usage = "A checkpat ADDR LEN SEED",
	    .help = "check fillpat's data: ok, or the first word that differs", .fn = do_checkpat)

/* ----------------------------------------------------------- swaparea -- */

int swaparea_setup(u64 size, int prio, char *why, size_t whylen)
{
	const char *base = getenv("MMKIT_SWAPAREA_DIR");
	char dir[4096], host[4200];
	unsigned char uuid[16];
	struct file *f;
	int err;

	size &= PAGE_MASK;
	if (!base || !*base)
		base = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/mmkit-swaparea-XXXXXX", base && *base ? base : "/var/tmp");
	if (!mkdtemp(dir)) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return -EIO;
	}
	why[0] = 0;
	snprintf(host, sizeof(host), "%s/swapfile", dir);
	err = do_mount_host(dir, "/swaparea", false, 0, 0);
	random_uuid(uuid, mmk_random);
	f = err ? NULL : do_filp_open("/swaparea/swapfile", MMK_O_RDWR | MMK_O_CREAT, 0600, &err);
	if (f) {
		err = mkswap_write(f, size, NULL, uuid);
		fput(f);
	}
	if (!err)
		err = (int)sys_swapon("/swaparea/swapfile", SWAP_FLAG_PREFER | prio);
	unlink(host); /* the mount holds it open */
	rmdir(dir);
	return err;
}

static int do_swaparea(struct cmd_ctx *c)
{
	const char *v;
	char why[4200];
	u64 size, prio = 32000;
	int err;

	if (arg_count(c, 1, 2) || arg_num(c, 0, &size))
		return CMD_SCRIPT_ERROR;
	if (c->argc == 2 && (!arg_kv(c, 1, "prio", &v) || cli_parse_num(c->sc, v, &prio) ||
			     prio > SWAP_FLAG_PRIO_MASK))
		return script_error(c, "swaparea: prio=N (0..32767)");
	err = swaparea_setup(size, (int)prio, why, sizeof(why));
	if (why[0])
		return script_error(c, "swaparea: %s", why);
	result_ret(c, err);
	return 0;
}
CLI_COMMAND(cmd_swaparea, .name = "swaparea", .kind = CMD_GLOBAL, .usage = "swaparea SIZE [prio=N]",
	    .help = "a swap area for the scenario (the differential tests' swap setup)",
	    .fn = do_swaparea)

/* ---------------------------------------------------- mmkit mkswap -- */

/* util-linux size_to_human_string (SIZE_SUFFIX_3LETTER | SPACE, 1 digit). */
static void human_size(u64 bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int exp = 0;
	u64 dec, frac = 0;

	while (exp < 50 && bytes >= (1ULL << (exp + 10)))
		exp += 10;
	dec = exp ? bytes >> exp : bytes;
	if (exp) {
		frac = bytes & ((1ULL << exp) - 1);
		frac = (frac * 1000) >> exp;
		frac = (frac + 50) / 100;
		if (frac == 10) {
			dec++;
			frac = 0;
		}
	}
	if (frac)
		snprintf(buf, len, "%llu.%llu %s", (unsigned long long)dec,
			 (unsigned long long)frac, units[exp / 10]);
	else
		snprintf(buf, len, "%llu %s", (unsigned long long)dec, units[exp / 10]);
}

static u64 host_random(void)
{
	u64 v = 0;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != sizeof(v))
			v = 0;
		close(fd);
	}
	return v ? v : (u64)getpid() * 0x9e3779b97f4a7c15ULL;
}

/* Write the area on the host file: size, no holes, page 0. */
static int mkswap_host(const char *path, u64 size, const char *label, const unsigned char uuid[16])
{
	unsigned char page[PAGE_SIZE] = { 0 };
	int fd, err;

	err = swap_header_build(page, size >> PAGE_SHIFT, label, uuid);
	if (err)
		return err;
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return -errno;
	err = 0;
	if (ftruncate(fd, (off_t)size) ||
	    (posix_fallocate(fd, 0, (off_t)size) && errno != EOPNOTSUPP) ||
	    pwrite(fd, page, PAGE_SIZE, 0) != PAGE_SIZE || fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int mkswap_main(int argc, char **argv)
{
	const char *label = NULL;
	unsigned char uuid[16];
	bool have_uuid = false;
	char human[64], ustr[37], *end;
	u64 size;
	int ch, err;

	optind = 1;
	while ((ch = getopt(argc, argv, "L:U:h")) != -1) {
		if (ch == 'L') {
			label = optarg;
		} else if (ch == 'U' && !parse_uuid(optarg, uuid)) {
			have_uuid = true;
		} else {
			fprintf(ch == 'h' ? stdout : stderr,
				"usage: mmkit mkswap PATH SIZE [-L LABEL] [-U UUID]\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: mmkit mkswap PATH SIZE [-L LABEL] [-U UUID]\n");
		return 2;
	}
	size = strtoull(argv[optind + 1], &end, 0);
	if (*end == 'K' || *end == 'k')
		size <<= 10;
	else if (*end == 'M' || *end == 'm')
		size <<= 20;
	else if (*end == 'G' || *end == 'g')
		size <<= 30;
	size &= PAGE_MASK;
	if (size >> PAGE_SHIFT < SWAP_MIN_PAGES) {
		fprintf(stderr, "mmkit mkswap: error: swap area needs to be at least %lu KiB\n",
			(unsigned long)SWAP_MIN_PAGES * PAGE_SIZE / 1024);
		return 1;
	}
	if (!have_uuid)
		random_uuid(uuid, host_random);
	err = mkswap_host(argv[optind], size, label, uuid);
	if (err) {
		fprintf(stderr, "mmkit mkswap: %s: %s\n", argv[optind], strerror(-err));
		return 1;
	}
	human_size(size - PAGE_SIZE, human, sizeof(human));
	format_uuid(uuid, ustr);
	printf("Setting up swapspace version 1, size = %s (%llu bytes)\n", human,
	       (unsigned long long)(size - PAGE_SIZE));
	printf("%s%s%sUUID=%s\n", label ? "LABEL=" : "no label", label ? label : "", ", ", ustr);
	return 0;
}
