# gdb's coredump-filter test (gdb.base/coredump-filter.exp) as a scenario:
# coredump_filter=0x60.  Private and shared anonymous memory, a private
# anonymous range with MADV_DONTDUMP, a private file mapping written to (its
# anon_vma counts as anonymous private), one only read, and a shared file
# mapping written to; then a fatal SIGSEGV dumps core under the mounted host
# directory.  core_filter_60.check.sh has gdb read each one back.
mount cores /cores
mount data /data
sysctl kernel.core_pattern=/cores/core
spawn A
A set core_rlimit=unlimited coredump_filter=0x60
cat /proc/A/coredump_filter
A mmap 0x10000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10000000 4K 0x11
A mmap 0x10100000 4K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10100000 4K 0x22
A mmap 0x10200000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill 0x10200000 4K 0x55
A madvise 0x10200000 4K MADV_DONTDUMP
A open /data/file.bin O_RDONLY -> f
A mmap 0x10300000 8K rw- MAP_PRIVATE|MAP_FIXED $f 0
A write 0x10300000 8 0x3333333333333333
A mmap 0x10400000 8K r-- MAP_PRIVATE|MAP_FIXED $f 0
A read 0x10400000 1 expect=0x66
A open /data/shared.bin O_RDWR -> s
A mmap 0x10500000 8K rw- MAP_SHARED|MAP_FIXED $s 0
A write 0x10500000 8 0x4444444444444444
A read 0 8 expect=SIGSEGV
verify
