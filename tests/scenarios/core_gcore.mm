# A gcore PATH writes the core of a live process, as gdb's gcore does: the
# process goes on, coredump_filter applies (here without anonymous private
# memory), RLIMIT_CORE does not; the file is created or truncated.  Paths
# it cannot use fail with the open's error.  core_gcore.check.sh has gdb
# read the cores.
mount cores /cores
mount ro /ro ro
spawn A
A mmap 0x10000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10000000 8K 0x11
A mmap 0x10100000 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10100000 4K 0x22
A gcore /cores/all expect=0
A set coredump_filter=0x7e
A gcore /cores/no-private expect=0
A set coredump_filter=0x33
A write 0x10100000 8 0x3333333333333333
A read 0x10000000 8 expect=0x1111111111111111
A gcore /cores/all expect=0
A gcore /ro/x expect=EROFS
A gcore /cores expect=EISDIR
A gcore /nowhere/x expect=ENOENT
A thread T
T gcore /cores/thread expect=0
verify
A exit
T exit
