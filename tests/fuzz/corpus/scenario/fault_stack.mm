# Stack growth: a fault below a VM_GROWSDOWN VMA grows it, never into the
# 256-page stack_guard_gap above the next lower mapping, never beyond
# RLIMIT_STACK.
spawn A
handle A SIGSEGV catch
A mmap 0 16M PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> z
A munmap $z 16M
A mmap $z+8M 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A write $z+0x7ffff8 8 0x1234 expect=ok
A write $z+0x7f0000 1 1 expect=ok
cat /proc/A/maps
A mmap $z+0x6e0000 4K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A read $z+0x7e0000 1 expect=SEGV_MAPERR
A read $z+0x7e1000 1 expect=0x0
cat /proc/A/maps
A munmap $z+0x6e0000 4K expect=0
A set stack_rlimit=64K
A read $z+0x7d0000 1 expect=SEGV_MAPERR
verify
