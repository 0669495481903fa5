# Two floors at the bottom of the address space (Linux security/min_addr.c).
# A non-zero hint below mmap_min_addr is raised to it (round_hint_to_min), and
# mmap_min_addr is max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR): 65536 on
# the reference kernel although the sysctl reads 4096.  MAP_FIXED only checks
# the sysctl's value (cap_mmap_addr): 0 is EPERM for an unprivileged process,
# 0x1000 and 0x8000 work.  Hints 0x1000, 0x8000, 0xf000 and 0xffff all mean
# 0x10000; once that is taken the mapping goes top-down.
spawn A
A mmap 0x1000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS expect=0x10000
A mmap 0x8000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS -> t1
A mmap 0xf000 0x2000 r-- MAP_PRIVATE|MAP_ANONYMOUS -> t2
A mmap 0x20000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS expect=0x20000
A mmap 0xffff 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS -> t3
A munmap $t1 0x1000
A munmap $t2 0x2000
A munmap $t3 0x1000
A mmap 0x8000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x8000
A mmap 0x1000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x1000
A mmap 0 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=EPERM
A mmap 0xa000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=0xa000
cat /proc/A/maps
# the gap search never goes below 65536: unmapping 0x10000 leaves the low
# pages free, and a bottom-up (MAP_32BIT is [1G,2G), so use a hint) search
# from a low hint skips them
A munmap 0x10000 0x1000 expect=0
A mmap 0x4000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=0x10000
# mremap: growing in place, moving below 64 KiB with MREMAP_FIXED (allowed
# above the sysctl's floor), and to 0 (EPERM)
A mremap 0x8000 0x1000 0x2000 0 expect=0x8000
A mremap 0x8000 0x1000 0x1000 MREMAP_MAYMOVE|MREMAP_FIXED 0x2000 expect=0x2000
A mremap 0x1000 0x1000 0x1000 MREMAP_MAYMOVE|MREMAP_FIXED 0x0
A mremap 0x2000 0x1000 0x1000 MREMAP_MAYMOVE|MREMAP_FIXED 0xc000
cat /proc/A/maps
# a MAP_GROWSDOWN mapping just above 64 KiB: accesses below it would grow it
# under mmap_min_addr (expand_downwards: EPERM, so SIGSEGV)
A munmap 0 0x40000
A mmap 0x12000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
cat /proc/A/maps
