# A core file is made as Linux makes it (fs/coredump.c coredump_file): the
# old name is unlinked, then created O_CREAT|O_EXCL|O_NOFOLLOW with mode
# 0600, so a core never goes through a symbolic link (the link itself is
# replaced) nor over a file that cannot be removed (a directory, a
# read-only mount: no core, and no "(core dumped)"), and a hard-linked file
# keeps its contents under its other name.  RLIMIT_CORE 0 (the default) or
# below a page writes no file; a small one cuts the core short, which is
# kept (Linux's).  core_safety.check.sh checks the host directory.
mount cores /cores
mount ro /ro ro
sysctl kernel.core_pattern=/cores/core.%p
dmesg -c
spawn A
A mmap 0x10000000 64K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10000000 64K 0x5a
A read 0 8 expect=SIGSEGV
spawn B
B set core_rlimit=unlimited
B read 0 8 expect=SIGSEGV
spawn C
C set core_rlimit=unlimited
C read 0 8 expect=SIGSEGV
spawn D
D set core_rlimit=unlimited
D read 0 8 expect=SIGSEGV
spawn E
E set core_rlimit=unlimited
E read 0 8 expect=SIGSEGV
sysctl kernel.core_pattern=/ro/core.%p
spawn F
F set core_rlimit=unlimited
F read 0 8 expect=SIGSEGV
sysctl kernel.core_pattern=/cores/core.%p
spawn G
G set core_rlimit=8K
G mmap 0x10000000 64K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
G fill 0x10000000 64K 0x5a
G read 0 8 expect=SIGSEGV
spawn H
H set core_rlimit=4095
H read 0 8 expect=SIGSEGV
dmesg
verify
