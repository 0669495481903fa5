/*
 * help.c - the help of every scenario command, from one table.
 *
 * Each command registers its name, usage, one-line summary and flag tables
 * with CLI_COMMAND next to its handler; this file's table adds, per command
 * name, its topic, its arguments, what it prints and a runnable example.
 * `mmkit help CMD`, the shell's `help CMD` and the scenario command `help
 * CMD` all print help_command()'s text, so they are the same; `mmkit help`
 * groups every registered command by topic.  A registered command with no
 * entry here still gets its usage and summary, under "Other", and the test
 * tests/cli/test_help.sh fails on it (and runs every example), so none goes
 * missing.  docs/GUIDE.md and mmkit(1) follow the same topics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/scenario.h"
#include "mmkit/proc.h"

struct cmd_help {
	const char *name;
	const char *topic;
	const char *args;    /* "NAME\tdescription\n" lines */
	const char *result;  /* what the command prints */
	const char *example; /* scenario lines that run on their own */
};

#define T_MACHINE "Machine, kernel log and checks"
#define T_VIEW "Views"
#define T_PROC "Processes"
#define T_SYSCALL "System calls"
#define T_ACCESS "Memory accesses"
#define T_PAGE "Page allocator"
#define T_SLAB "Slab allocator"
#define T_VMALLOC "vmalloc"
#define T_MMU "MMU and TLB"
#define T_FILES "Files"
#define T_SWAP "Swap"

static const char *const topics[] = {
	T_MACHINE, T_VIEW, T_PROC, T_SYSCALL, T_ACCESS, T_FILES,
	T_SWAP,	   T_PAGE, T_SLAB, T_VMALLOC, T_MMU,
};

#define MAP_EX "spawn A\nA mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\n"

static const struct cmd_help help_table[] = {
	/* ---- machine, log, checks ---- */
	{ "machine", T_MACHINE,
	  "ram=SIZE\tRAM, 1M..64G (default 64M)\ncpus=N\tsimulated CPUs, 1..64 (default 1)\n"
	  "levels=N\tpaging levels: 2 (i386), 3 (PAE), 4 (x86-64, default), 5 (LA57)\n"
	  "seed=N\tthe random seed (default 1)\nmin_free_kbytes=N\tthe watermark base\n"
	  "slab_debug=FZPUT\tslab_debug flags of every cache (F checks, Z red zones, P poison, U owner, T trace)\n"
	  "gbpages=0|1\t1 GiB direct-map pages (CPU feature pdpe1gb; default 0, as the reference host)\n"
	  "pvclock=0|1\ta kvm-clock page in [vvar_vclock] (default 1, as the reference host)\n"
	  "zero_page=0|1\t0: a kernel without the shared zero page (Linux mm_forbids_zeropage):\n"
	  "\ta private anonymous read fault allocates a page, as a write does (default 1)\n",
	  "nothing; the first line only, each key at most once; `mmkit run --ram` etc. win",
	  "machine ram=32M cpus=2 levels=5\ncat /proc/meminfo MemTotal\n" },
	{ "dmesg", T_MACHINE,
	  "-c\tclear the log after printing it\nreports\tthe result line: the headlines of the kernel reports\n"
	  "\t(BUG, WARNING, Oops, segfault, ...) logged since the last `dmesg reports` or `dmesg -c`\n",
	  "the log (a view); `dmesg reports`: `= none` or `= HEADLINE; HEADLINE...`",
	  "kmalloc 64 -> p\nkfree $p\ndmesg reports expect=none\n" },
	{ "cpu", T_MACHINE, "N\tthe CPU (0..cpus-1) on which kernel commands run from now on\n",
	  "nothing", "machine cpus=2\ncpu 1\nkmalloc 32 -> p\n" },
	{ "verify", T_MACHINE, "",
	  "`verify: ok`, or each violated invariant (buddy lists, page tables, slabs, VMAs)",
	  "verify\n" },
	{ "fail", T_MACHINE,
	  "SITE\tan allocation site (`fail list` names them)\nnth=N\tfail the Nth call from now\n"
	  "sticky\tand every call after it\nprob=PPM\tfail each call with probability PPM/1000000\n"
	  "off\tclear every site\nlist\tthe sites with their call and failure counts (a view)\n",
	  "nothing (`fail list`: a view)", "fail list\nfail off\n" },
	{ "help", T_MACHINE, "COMMAND\tone command's help\nviews\tevery /proc view\n",
	  "the help text (a view); never boots the machine", "help mmap\n" },
	{ "snapshot", T_MACHINE, "VIEW\ta global /proc view, e.g. /proc/buddyinfo\n", "nothing",
	  "snapshot /proc/buddyinfo\n" },
	{ "unchanged", T_MACHINE, "VIEW\ta view saved by `snapshot`\n",
	  "`= ok`, or `= changed` (the first differing line goes to stderr)",
	  "snapshot /proc/buddyinfo\nalloc_pages 5 -> p\nfree_pages $p 5\nunchanged /proc/buddyinfo expect=ok\n" },
	{ "sysctl", T_MACHINE,
	  "vm.NAME=VALUE\tset a knob of /proc/sys/vm: dirty_ratio, dirty_background_ratio,\n"
	  "\tdirty_bytes, dirty_background_bytes, dirty_expire_centisecs,\n"
	  "\tdirty_writeback_centisecs, drop_caches, max_map_count, min_free_kbytes,\n"
	  "\tmmap_min_addr, overcommit_memory, overcommit_ratio, overcommit_kbytes,\n"
	  "\tadmin_reserve_kbytes, user_reserve_kbytes, swappiness (out of Linux's range: an error)\n"
	  "kernel.core_pattern=PATTERN\tthe core file's name (default `core`, relative to /):\n"
	  "\t%p pid, %P, %i tid, %I, %u uid, %g gid, %d dumpable, %s signal, %t time,\n"
	  "\t%h hostname, %e comm, %E exe path, %f exe name, %c RLIMIT_CORE, %C CPU, %% %;\n"
	  "\tput it under a `mount` to find the file on the host; `|cmd` (no helpers) and\n"
	  "\t`@socket` patterns are accepted and fail at the dump, as Linux's do without them\n"
	  "kernel.core_uses_pid=N\tnon-zero: append .PID when the pattern has no %p\n"
	  "NAME\tshow it\n",
	  "nothing when setting; `NAME = VALUE` lines when showing (a view)",
	  "sysctl vm.max_map_count=100\nsysctl vm.dirty_ratio vm.dirty_expire_centisecs\n"
	  "sysctl kernel.core_pattern=/core.%e.%p kernel.core_pattern\n" },
	{ "sleep", T_MACHINE, "DURATION\tN ns, us, ms or s (a bare number is seconds)\n",
	  "nothing; the simulated clock advances and timers (the flushers) run at their times",
	  "sleep 5s\n" },
	{ "sync", T_FILES, "", "`= 0`: every dirty page of every file system was written back",
	  "sync\n" },
	/* ---- views ---- */
	{ "cat", T_VIEW,
	  "/proc/FILE\ta global view: meminfo buddyinfo zoneinfo pagetypeinfo slabinfo vmallocinfo\n"
	  "\tvmstat swaps pressure/memory mmkit/vmstat\n"
	  "/proc/A/FILE\ta view of process A: maps smaps status coredump_filter oom_score\n"
	  "\toom_score_adj\n"
	  "FIELD...\tmeminfo, vmstat and status: print only these fields;\n"
	  "\tslabinfo: the header and these caches' rows\n"
	  "/proc/A/pagemap [ADDR LEN]\tone line per page (default: every VMA): the 64-bit entry, then its\n"
	  "\tfields (present, swapped, file, exclusive, soft-dirty, pfn=, type= offset=)\n",
	  "the view's text in the Linux format (with --json: structured)",
	  "spawn A\nA mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA write $m 8 1\n"
	  "cat /proc/A/maps\ncat /proc/A/status VmRSS RssAnon\ncat /proc/vmstat pgfault\n" },
	{ "pagewalk", T_VIEW,
	  "kernel|A\tinit_mm's page tables, or process A's\nADDR\tthe virtual address\n",
	  "one line per level: the entry and its flags, then the translation (a view)",
	  "pagewalk kernel 0xffff888000100000\n" },
	{ "tlb", T_VIEW, "CPU\tthe CPU\n", "the CPU's valid TLB entries (a view)",
	  "kread 0xffff888000100000 8\ntlb 0\n" },
	/* ---- processes ---- */
	{ "spawn", T_PROC,
	  "A\tthe new process's name (an identifier)\nexec\tgive it an exec-like image: text, data, bss, heap, stack\n"
	  "PATH\twith exec: load this static x86-64 ELF (non-PIE or static-PIE) as load_elf_binary\n"
	  "\tdoes: its PT_LOAD segments as private file mappings, bss, brk, stack, vdso\n"
	  "elf PATH ARGS\ta real program that runs on the Unicorn CPU when told (A run):\n"
	  "\tPATH loaded with argv ARGS (argv[0] = PATH) and Linux's stack (levels=4)\n",
	  "`= 0`", "spawn P exec\ncat /proc/P/maps\n" },
	{ "fork", T_PROC, "B\tthe child's name\n", "`= 0`",
	  MAP_EX "A write $m 8 7\nA fork B\nB read $m 8 expect=7\n" },
	{ "thread", T_PROC, "T\tthe new thread's name\n", "`= 0`",
	  MAP_EX "A thread T\nT write $m 8 7\nA read $m 8 expect=7\n" },
	{ "kthread", T_PROC, "K\tthe kernel thread's name\n", "`= 0`", "kthread K\n" },
	{ "exit", T_PROC, "", "`= 0`; a later use of A is an error that says when A exited",
	  "spawn A\nA exit\n" },
	{ "run", T_PROC, "CPU\tthe CPU to switch\nA\tthe task to make current there\n",
	  "`= 0` (`= -1 ESRCH` for a task that has exited)", "machine cpus=2\nspawn A\nrun 1 A\n" },
	{ "A run", T_PROC,
	  "until exit\trun until the program's process has exited (the default)\n"
	  "until syscall NAME\tstop A's thread just before its next call of NAME (x86-64\n"
	  "\tnames: write, exit_group, brk, ...); the other programs stop with it\n"
	  "until steps N\trun only A's thread, N guest instructions\n",
	  "`= 0`; a program that died is reported as a process death",
	  "mount /usr/bin /usr/bin\nspawn A elf /usr/bin/busybox true\n"
	  "A run until syscall exit_group\ncat /proc/A/maps\nA run until exit\n" },
	{ "handle", T_PROC,
	  "A\tthe process (its whole thread group)\nSIGSEGV|SIGBUS\tthe signal\n"
	  "catch|kill\tcatch: the fault is reported in the result line and A goes on;\n"
	  "\tkill (default): A dies and prints `A (pid N) killed by SIG at line L`\n",
	  "nothing",
	  "spawn A\nhandle A SIGSEGV catch\nA read 0x1000 8 expect=SEGV_MAPERR\nA read 0x1000 8\n" },
	{ "vma", T_PROC,
	  "START-END\tthe range, as in /proc/PID/maps\nPERMS\trwxp / rw-s ...\nOFFSET\tfile offset (hex)\n"
	  "DEV\tmajor:minor (hex)\nINODE\tinode number\nNAME...\ta path, [heap], [stack], [vdso], ...\n",
	  "nothing (nothing is faulted in)",
	  "spawn A\nA vma 7f0000000000-7f0000004000 rw-p 00000000 00:00 0\ncat /proc/A/maps\n" },
	{ "vmflags", T_PROC,
	  "START\tthe start of an imported VMA (hex, as in /proc/PID/maps)\n"
	  "FLAG...\tsmaps VmFlags mnemonics: rd wr ex sh mr mw me ms gd pf lo io sr rr dc de ac nr ...\n",
	  "nothing (the VMA's flags and the mm's accounting change)",
	  "spawn A\nA vma 7f0000000000-7f0000004000 rw-p 00000000 00:00 0\n"
	  "A vmflags 7f0000000000 rd wr mr mw me ac\ncat /proc/A/smaps\n" },
	{ "set", T_PROC,
	  "KEY=VALUE\tmmap_base start_brk brk stack_rlimit memlock_rlimit data_rlimit as_rlimit\n"
	  "\tstart_stack root start_data end_data (VALUE may be `unlimited`)\n"
	  "\tcore_rlimit: RLIMIT_CORE, the most bytes a core file may hold (0, the default: none)\n"
	  "\tcoredump_filter: /proc/A/coredump_filter's bits (default 0x33): 0 anonymous private,\n"
	  "\t1 anonymous shared, 2 file private, 3 file shared, 4 ELF headers, 5-6 hugetlb, 7-8 DAX\n"
	  "\toom_score_adj: /proc/A/oom_score_adj, -1000..1000 (-1000: the OOM killer spares A's group)\n",
	  "nothing",
	  "spawn A\nA set memlock_rlimit=64K core_rlimit=unlimited coredump_filter=0x7e\n"
	  "A set oom_score_adj=-1000\n" },
	{ "gcore", T_PROC, "PATH\twhere the core file goes (created or truncated, mode 0644)\n",
	  "`= 0` or `= -1 ERRNO`; A goes on (the ELF core a crash writes: coredump_filter applies, "
	  "RLIMIT_CORE does not)",
	  "spawn A\nA mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA write $m 8 0x41\n"
	  "A gcore /A.core\n" },
	/* ---- system calls ---- */
	{ "mmap", T_SYSCALL,
	  "ADDR\ta hint, or the address with MAP_FIXED (0: the kernel chooses)\nLEN\tbytes\n"
	  "PROT\tPROT_* names joined by |, or ---, r--, rw-, r-x, rwx\nFLAGS\tMAP_* names joined by |\n"
	  "FD OFFSET\ta file descriptor and offset (file mappings)\n",
	  "`= 0x<address>` or `= -1 ERRNO`",
	  "spawn A\nA mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA write $m 8 0x41 expect=ok\n" },
	{ "munmap", T_SYSCALL, "ADDR LEN\tthe range\n", "`= 0` or `= -1 ERRNO`",
	  MAP_EX "A munmap $m+16K 16K expect=0\n" },
	{ "mprotect", T_SYSCALL, "ADDR LEN\tthe range\nPROT\tthe new protection\n",
	  "`= 0` or `= -1 ERRNO`", MAP_EX "A mprotect $m 4K r-- expect=0\ncat /proc/A/maps\n" },
	{ "mremap", T_SYSCALL,
	  "OLDADDR OLDLEN\tthe mapping\nNEWLEN\tits new size\nFLAGS\tMREMAP_* names, or 0\n"
	  "NEWADDR\twith MREMAP_FIXED: where\n",
	  "`= 0x<address>` or `= -1 ERRNO`", MAP_EX "A mremap $m 64K 128K MREMAP_MAYMOVE -> n\n" },
	{ "brk", T_SYSCALL, "ADDR\tthe new break (0 queries it)\n", "`= 0x<the break>`",
	  "spawn A exec\nA brk 0 -> b\nA brk $b+64K\n" },
	{ "madvise", T_SYSCALL, "ADDR LEN\tthe range\nADVICE\tone MADV_* name\n",
	  "`= 0` or `= -1 ERRNO`",
	  MAP_EX
	  "A write $m 8 1\nA madvise $m 64K MADV_DONTNEED expect=0\nA read $m 8 expect=0\n" },
	{ "mlock", T_SYSCALL, "ADDR LEN\tthe range\n", "`= 0` or `= -1 ERRNO`",
	  MAP_EX "A mlock $m 16K expect=0\n" },
	{ "mlock2", T_SYSCALL, "ADDR LEN\tthe range\nFLAGS\tMLOCK_ONFAULT or 0\n",
	  "`= 0` or `= -1 ERRNO`", MAP_EX "A mlock2 $m 16K MLOCK_ONFAULT expect=0\n" },
	{ "munlock", T_SYSCALL, "ADDR LEN\tthe range\n", "`= 0` or `= -1 ERRNO`",
	  MAP_EX "A mlock $m 16K\nA munlock $m 16K expect=0\n" },
	{ "mlockall", T_SYSCALL, "FLAGS\tMCL_CURRENT|MCL_FUTURE|MCL_ONFAULT\n",
	  "`= 0` or `= -1 ERRNO`", MAP_EX "A mlockall MCL_CURRENT expect=0\n" },
	{ "munlockall", T_SYSCALL, "", "`= 0`",
	  MAP_EX "A mlockall MCL_CURRENT\nA munlockall expect=0\n" },
	{ "msync", T_SYSCALL, "ADDR LEN\tthe range\nFLAGS\tMS_ASYNC, MS_SYNC, MS_INVALIDATE\n",
	  "`= 0` or `= -1 ERRNO`", MAP_EX "A msync $m 64K MS_SYNC expect=0\n" },
	/* ---- files ---- */
	{ "mount", T_FILES,
	  "HOSTDIR\tan existing host directory\nPATH\twhere it appears (made in tmpfs if missing)\n"
	  "ro\tread-only\nlatency=DUR\tthe time each request takes (e.g. 100us)\n"
	  "bw=SIZE\tbytes per second (e.g. 500M; default unlimited)\n"
	  "ra=SIZE\tthe readahead window (default 128K, Linux's read_ahead_kb)\n"
	  "rotational=0|1\tthe device's queue/rotational (default 1, a disk: swap then\n"
	  "\tallocates in one sequence and reads ahead by page-cluster)\n",
	  "`= 0` or `= -1 ERRNO` (ENOENT, ENOTDIR)", "mount /tmp /mnt ro\n" },
	{ "open", T_FILES,
	  "PATH\tan absolute path\nFLAGS\tO_RDONLY|O_WRONLY|O_RDWR|O_CREAT|O_EXCL|O_TRUNC|O_APPEND|...\n"
	  "MODE\tthe mode of a new file, octal with a leading 0 (default 0600)\n",
	  "`= FD` (decimal) or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT 0644 -> fd\nA close $fd\n" },
	{ "close", T_FILES, "FD\ta descriptor\n", "`= 0` or `= -1 EBADF`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA close $fd expect=0\n" },
	{ "dup", T_FILES, "FD\ta descriptor\n", "`= FD` (the lowest free one)",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA dup $fd\n" },
	{ "sys_read", T_FILES, "FD\ta descriptor\nBUF\ta user address\nLEN\tbytes\n",
	  "`= BYTES` (short at EOF or at a buffer that faults), or `= -1 ERRNO` (EFAULT, EBADF, EISDIR)",
	  MAP_EX "A open /f O_RDWR|O_CREAT -> fd\nA sys_read $fd $m 10 expect=0\n" },
	{ "sys_write", T_FILES, "FD\ta descriptor\nBUF\ta user address\nLEN\tbytes\n",
	  "`= BYTES` or `= -1 ERRNO`",
	  MAP_EX
	  "A writestr $m \"hi\"\nA open /f O_RDWR|O_CREAT -> fd\nA sys_write $fd $m 2 expect=2\n" },
	{ "pread", T_FILES, "FD BUF LEN\tas sys_read\nOFFSET\tthe file offset\n",
	  "`= BYTES` or `= -1 ERRNO`",
	  MAP_EX
	  "A open /f O_RDWR|O_CREAT -> fd\nA ftruncate $fd 100\nA pread $fd $m 10 95 expect=5\n" },
	{ "pwrite", T_FILES, "FD BUF LEN\tas sys_write\nOFFSET\tthe file offset\n",
	  "`= BYTES` or `= -1 ERRNO`",
	  MAP_EX "A open /f O_RDWR|O_CREAT -> fd\nA pwrite $fd $m 10 4096 expect=10\nA stat /f\n" },
	{ "lseek", T_FILES,
	  "FD\ta descriptor\nOFFSET\tthe offset\nWHENCE\tSEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE\n",
	  "`= OFFSET` or `= -1 ERRNO` (EINVAL, ENXIO)",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA ftruncate $fd 8K\nA lseek $fd 0 SEEK_END expect=8192\n" },
	{ "ftruncate", T_FILES, "FD\ta descriptor open for writing\nLEN\tthe new size\n",
	  "`= 0` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA ftruncate $fd 10000 expect=0\n" },
	{ "truncate", T_FILES, "PATH\ta file\nLEN\tthe new size\n", "`= 0` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA truncate /f 4096 expect=0\n" },
	{ "fsync", T_FILES, "FD\ta descriptor\n",
	  "`= 0`, or `= -1 EIO` once after a failed write-back",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA fsync $fd expect=0\n" },
	{ "fdatasync", T_FILES, "FD\ta descriptor\n", "`= 0` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA fdatasync $fd expect=0\n" },
	{ "fallocate", T_FILES,
	  "FD\ta descriptor open for writing\nMODE\t0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, ...\n"
	  "OFFSET LEN\tthe range\n",
	  "`= 0` or `= -1 ERRNO` (EOPNOTSUPP, EINVAL, EBADF)",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA fallocate $fd 0 0 16K expect=0\nA fstat $fd\n" },
	{ "fadvise", T_FILES,
	  "FD\ta descriptor\nOFFSET LEN\tthe range (LEN 0: to the end)\n"
	  "ADVICE\tPOSIX_FADV_NORMAL, _RANDOM, _SEQUENTIAL, _WILLNEED, _DONTNEED, _NOREUSE\n",
	  "`= 0` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA fadvise $fd 0 0 POSIX_FADV_DONTNEED expect=0\n" },
	{ "readahead", T_FILES, "FD\ta descriptor open for reading\nOFFSET COUNT\tthe range\n",
	  "`= 0` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA readahead $fd 0 64K expect=0\n" },
	{ "unlink", T_FILES, "PATH\ta file\n",
	  "`= 0` or `= -1 ERRNO`; an open or mapped file lives on (maps: \" (deleted)\")",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA unlink /f expect=0\n" },
	{ "mkdir", T_FILES, "PATH\tthe new directory\nMODE\toctal (default 0755)\n",
	  "`= 0` or `= -1 ERRNO`", "spawn A\nA mkdir /data expect=0\n" },
	{ "stat", T_FILES, "PATH\ta file\n",
	  "`= size=N blocks=N` (st_size, st_blocks) or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA ftruncate $fd 5000\nA stat /f\n" },
	{ "fstat", T_FILES, "FD\ta descriptor\n", "`= size=N blocks=N` or `= -1 ERRNO`",
	  "spawn A\nA open /f O_RDWR|O_CREAT -> fd\nA fstat $fd\n" },
	{ "mincore", T_FILES, "ADDR\tpage aligned\nLEN\tat most 200 pages\n",
	  "`= 0110...`: one digit per page, 1 when resident (file pages: in the page cache)",
	  MAP_EX "A write $m 8 1\nA mincore $m 16K expect=1000\n" },
	{ "rusage", T_FILES, "",
	  "`= minflt N majflt N`: the page faults of A since it was spawned or forked (getrusage)",
	  MAP_EX "A write $m 8 1\nA rusage\n" },
	{ "fail_io", T_FILES,
	  "PATH\ta path on a host mount\nread|write\tthe requests to fail\n"
	  "nth=N\tthe Nth from now (sticky: and every later one)\nrange=START-END\tevery one touching the file offsets\n"
	  "off\tclear the device's rules\n",
	  "nothing; failed requests give EIO (fsync's error, SIGBUS, read's -EIO)",
	  "mount /tmp /mnt ro\nfail_io /mnt read nth=1\nfail_io /mnt off\n" },
	/* ---- swap ---- */
	{ "mkswap", T_SWAP,
	  "PATH\tthe file (created or resized; a host mount for swapon)\n"
	  "SIZE\tthe area's size, at least 40K (10 pages)\n"
	  "label=L\tthe volume label, at most 16 bytes\n"
	  "uuid=U\tthe UUID, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (default random)\n",
	  "`= 0` or `= -1 ERRNO` (EINVAL: too small, label too long; ETXTBSY: an active area)",
	  "mount /tmp /mnt\nmkswap /mnt/mmkit-help-mkswap.swap 1M label=demo expect=0\n"
	  "spawn A\nA unlink /mnt/mmkit-help-mkswap.swap\n" },
	{ "swapon", T_SWAP,
	  "PATH\ta swap area on a host mount (mkswap, or util-linux mkswap)\n"
	  "prio=N\tthe priority, 0..32767 (default -2, -3, ...: each area below the last)\n"
	  "discard\tdiscard the area now and freed clusters later (=once: now only;\n"
	  "\t=pages: freed clusters only)\n"
	  "flags=N\traw swapon(2) flags (SWAP_FLAG_PREFER 0x8000 | prio, DISCARD 0x10000, ...)\n",
	  "`= 0` or `= -1 ERRNO` (EINVAL: no swap signature, bad header, a hole, not\n"
	  "a host file; EBUSY: already on; ENOENT; EPERM: 28 areas are on); dmesg logs\n"
	  "`Adding ...k swap on PATH.  Priority:N extents:N across:...k`",
	  "mount /tmp /mnt\nmkswap /mnt/mmkit-help-swapon.swap 1M\n"
	  "swapon /mnt/mmkit-help-swapon.swap prio=5 expect=0\ncat /proc/swaps\n"
	  "swapoff /mnt/mmkit-help-swapon.swap\nspawn A\nA unlink /mnt/mmkit-help-swapon.swap\n" },
	{ "swapoff", T_SWAP, "PATH\tan active swap area\n",
	  "`= 0` once every page of the area is back in memory, or `= -1 ERRNO`\n"
	  "(EINVAL: not an active area; ENOMEM: not everything fits, the area stays on)",
	  "mount /tmp /mnt\nmkswap /mnt/mmkit-help-swapoff.swap 1M\n"
	  "swapon /mnt/mmkit-help-swapoff.swap\n" MAP_EX
	  "A fill $m 64K 7\nA madvise $m 64K MADV_PAGEOUT\ncat /proc/A/status VmSwap\n"
	  "swapoff /mnt/mmkit-help-swapoff.swap expect=0\ncat /proc/A/status VmSwap\n"
	  "A unlink /mnt/mmkit-help-swapoff.swap\n" },
	{ "swaparea", T_SWAP, "SIZE\tthe area's size\nprio=N\tits priority (default 32000)\n",
	  "`= 0` or `= -1 ERRNO`; the area is /swaparea/swapfile, on a fresh host directory\n"
	  "under $MMKIT_SWAPAREA_DIR ($TMPDIR, /var/tmp) whose file is gone once it is on;\n"
	  "the host runner of the differential tests makes a real one (util-linux mkswap, swapon)",
	  "swaparea 4M\ncat /proc/swaps\n" },
	{ "fillpat", T_SWAP, "ADDR LEN\tthe range, multiples of 8\nSEED\tany number\n",
	  "`= ok`, or `! SIGNAL SI_CODE 0x<address>`",
	  MAP_EX "A fillpat $m 64K 42 expect=ok\nA checkpat $m 64K 42 expect=ok\n" },
	{ "checkpat", T_SWAP, "ADDR LEN\tthe range, multiples of 8\nSEED\tfillpat's seed\n",
	  "`= ok`, `= mismatch 0x<addr> 0x<word>` (the first word that differs), or the fault",
	  MAP_EX "A fillpat $m 64K 42\nA checkpat $m 64K 7 expect~=mismatch\n" },
	/* ---- memory accesses ---- */
	{ "read", T_ACCESS, "ADDR\tthe user address\nSIZE\t1, 2, 4 or 8 bytes\n",
	  "`= 0x<value>`, or `! SIGNAL SI_CODE 0x<address>`", MAP_EX "A read $m 8 expect=0\n" },
	{ "write", T_ACCESS, "ADDR\tthe user address\nSIZE\t1, 2, 4 or 8 bytes\nVALUE\tthe value\n",
	  "`= ok`, or `! SIGNAL SI_CODE 0x<address>`", MAP_EX "A write $m 8 0x1234 expect=ok\n" },
	{ "fill", T_ACCESS, "ADDR LEN\tthe range\nBYTE\t0..255\n",
	  "`= ok`, or the first fault; a long fill shows progress on a terminal",
	  MAP_EX "A fill $m 64K 0xaa expect=ok\n" },
	{ "check", T_ACCESS, "ADDR LEN\tthe range\nBYTE\tthe byte every location should hold\n",
	  "`= ok`, `= mismatch 0x<address> 0x<byte>`, or the first fault",
	  MAP_EX "A fill $m 4K 7\nA check $m 4K 7 expect=ok\n" },
	{ "touch", T_ACCESS,
	  "ADDR LEN\tthe range\nread|write\tone read, or one write that keeps the byte, per page\n",
	  "`= ok`, or the first fault; a long touch shows progress on a terminal",
	  MAP_EX "A touch $m 64K write expect=ok\ncat /proc/A/status RssAnon\n" },
	{ "exec", T_ACCESS, "ADDR\tthe address of the instruction fetch\n",
	  "`= ok`, or `! SIGSEGV ...` (NX and PROT_EXEC apply)",
	  "spawn A\nhandle A SIGSEGV catch\nA mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m\nA exec $m expect=SEGV_ACCERR\n" },
	{ "writestr", T_ACCESS,
	  "ADDR\tthe user address\n\"text\"\tthe bytes (escapes \\n \\t \\\\ \\\" \\xHH), no NUL added\n",
	  "`= ok`, or the first fault", MAP_EX "A writestr $m \"hello\" expect=ok\n" },
	{ "readstr", T_ACCESS, "ADDR\tthe user address\nLEN\tat most 48 bytes; stops at a NUL\n",
	  "`= \"text\"`, or the first fault",
	  MAP_EX "A writestr $m \"hi\"\nA readstr $m 8 expect=\"hi\"\n" },
	/* ---- page allocator ---- */
	{ "alloc_pages", T_PAGE,
	  "ORDER\t2^ORDER pages, 0..10\nGFP\tGFP_* / __GFP_* names joined by | (default GFP_KERNEL)\n",
	  "`= 0x<kernel address>` or `= -1 ENOMEM`",
	  "alloc_pages 5 GFP_KERNEL -> a\ncat /proc/buddyinfo\nfree_pages $a 5\n" },
	{ "free_pages", T_PAGE, "ADDR\tthe address alloc_pages returned\nORDER\tthe same order\n",
	  "`= 0`, or `= -1 EINVAL` when the kernel refused the free (a report in dmesg)",
	  "alloc_pages 0 -> p\nfree_pages $p 0 expect=0\n" },
	{ "drain_all_pages", T_PAGE, "", "`= 0`",
	  "alloc_pages 0 -> p\nfree_pages $p 0\ndrain_all_pages\n" },
	/* ---- slab ---- */
	{ "kmalloc", T_SLAB, "SIZE\tbytes\nGFP\tGFP flags (default GFP_KERNEL)\n",
	  "`= 0x<object>`, `= 0x10` (ZERO_SIZE_PTR) for 0, or `= -1 ENOMEM`",
	  "kmalloc 100 -> p\nkfree $p\n" },
	{ "kzalloc", T_SLAB, "SIZE\tbytes\nGFP\tGFP flags\n", "as kmalloc",
	  "kzalloc 64 -> p\nkread $p 8 expect=0\nkfree $p\n" },
	{ "kcalloc", T_SLAB, "N SIZE\tN elements of SIZE bytes\nGFP\tGFP flags\n",
	  "as kmalloc; `= -1 ENOMEM` on overflow", "kcalloc 4 16 -> p\nkfree $p\n" },
	{ "kfree", T_SLAB, "PTR\tan object (0 and 0x10 are no-ops)\n",
	  "`= 0`; a bad or double free leaves a BUG report in dmesg (`dmesg reports` shows it)",
	  "kmalloc 32 -> p\nkfree $p expect=0\n" },
	{ "krealloc", T_SLAB, "PTR\tthe object\nSIZE\tthe new size\nGFP\tGFP flags\n",
	  "`= 0x<object>` or `= -1 ENOMEM`", "kmalloc 32 -> p\nkrealloc $p 200 -> q\nkfree $q\n" },
	{ "ksize", T_SLAB, "PTR\tthe object\n", "`= 0x<usable size>`",
	  "kmalloc 100 -> p\nksize $p expect=128\n" },
	{ "kmem_cache_create", T_SLAB,
	  "NAME\tthe cache's name\nSIZE\tthe object size\nalign=N\talignment\ndebug=FZPUT\tslab_debug flags\n"
	  "flags=SLAB_...\tSLAB_* names joined by |\n",
	  "`= 0x<cache>` (its handle) or `= -1 ERRNO`",
	  "kmem_cache_create my_cache 200 -> c\nkmem_cache_destroy $c\n" },
	{ "kmem_cache_alloc", T_SLAB, "CACHE\tthe handle or the name\nGFP\tGFP flags\n",
	  "`= 0x<object>` or `= -1 ENOMEM`",
	  "kmem_cache_create my_cache 200 -> c\nkmem_cache_alloc $c -> o\nkmem_cache_free $c $o\n" },
	{ "kmem_cache_free", T_SLAB, "CACHE\tthe cache\nOBJ\tthe object\n",
	  "`= 0`; a double free leaves a BUG report in dmesg",
	  "kmem_cache_create my_cache 200 -> c\nkmem_cache_alloc $c -> o\nkmem_cache_free $c $o expect=0\n" },
	{ "kmem_cache_destroy", T_SLAB, "CACHE\ta cache the script created\n",
	  "`= 0`, `= -1 EBUSY` while objects remain, `= -1 EPERM` for a kernel cache",
	  "kmem_cache_create my_cache 64 -> c\nkmem_cache_destroy $c expect=0\n" },
	{ "kmem_cache_shrink", T_SLAB, "CACHE\tthe cache\n", "`= 0`",
	  "kmem_cache_shrink kmalloc-64\n" },
	{ "slab_debug", T_SLAB,
	  "FZPUT|on|off\tthe flags\nCACHE\tone cache (default: every empty cache)\n", "`= 0`",
	  "slab_debug FZP kmalloc-64\n" },
	{ "slab_validate", T_SLAB, "CACHE\tthe cache\n", "`= <number of problems>`",
	  "slab_validate kmalloc-64 expect=0\n" },
	/* ---- vmalloc ---- */
	{ "vmalloc", T_VMALLOC, "SIZE\tbytes\nGFP\tGFP flags\n", "`= 0x<address>` or `= -1 ENOMEM`",
	  "vmalloc 16K -> v\ncat /proc/vmallocinfo\nvfree $v\n" },
	{ "vzalloc", T_VMALLOC, "SIZE\tbytes\nGFP\tGFP flags\n", "as vmalloc",
	  "vzalloc 8K -> v\nkread $v 8 expect=0\nvfree $v\n" },
	{ "vfree", T_VMALLOC, "ADDR\tthe area (0 is a no-op)\n",
	  "`= 0`, or `= -1 EINVAL` (and a WARNING)", "vmalloc 8K -> v\nvfree $v expect=0\n" },
	{ "vunmap", T_VMALLOC, "ADDR\tthe area vmap returned\n", "`= 0` or `= -1 EINVAL`",
	  "alloc_pages 0 -> p\nvmap $p -> v\nvunmap $v\nfree_pages $p 0\n" },
	{ "vmap", T_VMALLOC,
	  "ADDR...\tpage-aligned kernel addresses of pages\nPROT\tPAGE_KERNEL (default), _RO, _EXEC, _RX\n",
	  "`= 0x<address>` or `= -1 ENOMEM`",
	  "alloc_pages 0 -> p\nvmap $p PAGE_KERNEL_RO -> v\nkread $v 8\nvunmap $v\nfree_pages $p 0\n" },
	{ "vmalloc_to_pfn", T_VMALLOC, "ADDR\ta vmalloc address\n", "`= 0x<pfn>` or `= -1 EFAULT`",
	  "vmalloc 4K -> v\nvmalloc_to_pfn $v\nvfree $v\n" },
	{ "vmalloc_lazy", T_VMALLOC,
	  "on|off\tbatch vfree's TLB shootdowns (Linux's lazy purge), or not\n", "nothing",
	  "vmalloc_lazy on\n" },
	{ "vm_unmap_aliases", T_VMALLOC, "", "`= 0`",
	  "vmalloc_lazy on\nvmalloc 4K -> v\nvfree $v\nvm_unmap_aliases\n" },
	/* ---- MMU and TLB ---- */
	{ "kread", T_MMU, "ADDR\tthe kernel virtual address\nSIZE\t1, 2, 4 or 8\n",
	  "`= 0x<value>`, or `! OOPS <the oops>` (the machine goes on)",
	  "kread 0xffff888000100000 8\n" },
	{ "kwrite", T_MMU,
	  "ADDR\tthe kernel virtual address\nSIZE\t1, 2, 4 or 8\nVALUE\tthe value\n",
	  "`= ok`, or `! OOPS ...`",
	  "alloc_pages 0 -> p\nkwrite $p 8 42 expect=ok\nfree_pages $p 0\n" },
	{ "kexec", T_MMU, "ADDR\tthe kernel virtual address\n",
	  "`= ok`, or `! OOPS ...` (NX applies)", "kexec 0xffff888000100000 expect~=OOPS\n" },
	{ "kpte", T_MMU,
	  "ADDR\tthe kernel virtual address\nset|clear FLAGS\tPTE flag names joined by | (P RW U ... NX)\n"
	  "level=NAME\tthe entry of level PGD, P4D, PUD, PMD or PTE (default: the leaf)\n",
	  "`= 0x<the entry after the change>`; no TLB flush",
	  "alloc_pages 9 -> q\nkwrite $q 8 1\nkpte $q clear P\nkread $q 8 expect=1\nkpte $q set P\nfree_pages $q 9\n" },
	{ "invlpg", T_MMU, "ADDR\tthe page to flush from the kernel CPU's TLB\n", "`= 0`",
	  "invlpg 0xffff888000100000\n" },
	{ "cr3_reload", T_MMU, "", "`= 0`", "cr3_reload\n" },
	{ "flush_tlb_all", T_MMU, "", "`= 0`", "machine cpus=2\nflush_tlb_all\n" },
	{ "flush_tlb_kernel_range", T_MMU, "START END\tthe kernel range\n", "`= 0`",
	  "flush_tlb_kernel_range 0xffff888000000000 0xffff888000200000\n" },
};

static const struct cmd_help *help_entry(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(help_table); i++)
		if (!strcmp(help_table[i].name, name))
			return &help_table[i];
	return NULL;
}

/* Print "  NAME    text" lines from a "NAME\ttext\n" list. */
static void print_pairs(FILE *out, const char *s)
{
	while (*s) {
		const char *tab = strchr(s, '\t'), *nl = strchr(s, '\n');

		if (!nl)
			nl = s + strlen(s);
		if (tab && tab < nl)
			fprintf(out, "  %-14.*s %.*s\n", (int)(tab - s), s, (int)(nl - tab - 1),
				tab + 1);
		else
			fprintf(out, "  %.*s\n", (int)(nl - s), s);
		s = *nl ? nl + 1 : nl;
	}
}

/* The names of a flag table, wrapped at 78 columns. */
static void print_flagset(FILE *out, const struct cli_flagset *f)
{
	const struct flag_name *n;
	int col = fprintf(out, "  %-14s", f->arg);

	for (n = f->names; n->name; n++) {
		if (col + (int)strlen(n->name) + 1 > 78)
			col = fprintf(out, "\n  %-14s", "");
		col += fprintf(out, " %s", n->name);
	}
	fprintf(out, "\n");
}

static void print_example(FILE *out, const char *ex)
{
	while (*ex) {
		const char *nl = strchr(ex, '\n');

		if (!nl)
			nl = ex + strlen(ex);
		fprintf(out, "  %.*s\n", (int)(nl - ex), ex);
		ex = *nl ? nl + 1 : nl;
	}
}

static void print_one(FILE *out, const struct cli_command *c)
{
	char pname[48];
	const struct cmd_help *h = NULL;

	/* a process command whose name a global command has too: "A NAME" */
	if (c->kind == CMD_PROCESS) {
		snprintf(pname, sizeof(pname), "A %s", c->name);
		h = help_entry(pname);
	}
	if (!h)
		h = help_entry(c->name);
	const struct cli_flagset *f;

	fprintf(out, "%s - %s\n", c->name, c->help ? c->help : "");
	fprintf(out, "usage: %s\n", c->usage ? c->usage : c->name);
	if (h && h->args[0]) {
		fprintf(out, "arguments:\n");
		print_pairs(out, h->args);
	}
	if (c->flags) {
		fprintf(out, "flags:\n");
		for (f = c->flags; f->arg; f++)
			print_flagset(out, f);
	}
	if (h) {
		fprintf(out, "prints: %s\n", h->result);
		fprintf(out, "example:\n");
		print_example(out, h->example);
	}
	fprintf(out, "topic: %s\n", h ? h->topic : "Other");
}

int help_command(FILE *out, const char *name)
{
	const struct cli_command *c;
	int n = 0;

	for (c = cli_first(); c; c = c->next)
		if (!strcmp(c->name, name)) {
			if (n++)
				fprintf(out, "\n");
			print_one(out, c);
		}
	return n ? 0 : -ENOENT;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct cli_command *const *)a)->name,
		      (*(const struct cli_command *const *)b)->name);
}

/* Every registered command, sorted by name; returns the count. */
static int sorted_commands(const struct cli_command **list, int max)
{
	const struct cli_command *c;
	int n = 0;

	for (c = cli_first(); c && n < max; c = c->next)
		list[n++] = c;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	qsort(list, (size_t)n, sizeof(*list), name_cmp);
	return n;
}

static void overview_topic(FILE *out, const char *topic, const struct cli_command **list, int n)
{
	bool header = false;
	int i;

	for (i = 0; i < n; i++) {
		const struct cmd_help *h = help_entry(list[i]->name);

		if (strcmp(h ? h->topic : "Other", topic))
			continue;
		if (!header)
			fprintf(out, "%s:\n", topic);
		header = true;
		fprintf(out, "  %-44s %s\n", list[i]->usage, list[i]->help ? list[i]->help : "");
	}
}

void help_overview(FILE *out)
{
	const struct cli_command *list[256];
	int n = sorted_commands(list, (int)ARRAY_SIZE(list));
	size_t t;

	fprintf(out,
		"Scenario commands (`mmkit help COMMAND` for one, `mmkit help views` for the views):\n");
	for (t = 0; t < ARRAY_SIZE(topics); t++)
		overview_topic(out, topics[t], list, n);
	overview_topic(out, "Other", list, n);
	fprintf(out, "Any command with a result may end with `-> NAME` (capture into $NAME),\n"
		     "`expect=VALUE` or `expect~=REGEX` (a failed check ends the run with 1).\n");
}

void help_list(FILE *out)
{
	const struct cli_command *list[256];
	int n = sorted_commands(list, (int)ARRAY_SIZE(list)), i;

	for (i = 0; i < n; i++)
		if (!i || strcmp(list[i]->name, list[i - 1]->name))
			fprintf(out, "%s%s\n", list[i]->name,
				help_entry(list[i]->name) ? "" : " (no help)");
}

void help_views(FILE *out)
{
	const struct proc_view *v;

	for (v = proc_view_first(); v; v = v->next)
		fprintf(out, v->per_task ? "/proc/A/%s\n" : "%s\n", v->path);
}

/* help [COMMAND|views]: the same text as `mmkit help ...`; no machine. */
static int do_help(struct cmd_ctx *c)
{
	char hint[96];

	if (arg_count(c, 0, 1))
		return CMD_SCRIPT_ERROR;
	if (!c->argc) {
		help_overview(c->out);
		return 0;
	}
	if (!strcmp(c->argv[0], "views")) {
		help_views(c->out);
		return 0;
	}
	if (help_command(c->out, c->argv[0]))
		return script_error(
			c, "help: no command '%s'%s", c->argv[0],
			cli_suggest_command(c->argv[0], CMD_GLOBAL, hint, sizeof(hint)));
	return 0;
}
CLI_COMMAND(cmd_help, .name = "help", .kind = CMD_GLOBAL, .usage = "help [COMMAND|views]",
	    .help = "list the commands, or show one, or the views", .fn = do_help, .no_boot = true)
