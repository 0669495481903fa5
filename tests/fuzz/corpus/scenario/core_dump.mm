# Core dumps on the tmpfs root: the pattern's expansions, coredump_filter,
# MADV_DONTDUMP, a live gcore, a crash that dumps and one with RLIMIT_CORE 0.
sysctl kernel.core_pattern=/core.%e.%p.%s.%t.%h.%%
spawn A
A set core_rlimit=unlimited coredump_filter=0x7e
cat /proc/A/coredump_filter
A mmap 0x10000000 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10000000 8K 0x5a
A mmap 0x10100000 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10100000 4K 0x22
A madvise 0x10000000 4K MADV_DONTDUMP
A gcore /live.core expect=0
A madvise 0x10000000 4K MADV_DODUMP
A thread T
T read 0 1 expect=SIGSEGV
spawn B
B set core_rlimit=0
B read 0 1 expect=SIGSEGV
dmesg
