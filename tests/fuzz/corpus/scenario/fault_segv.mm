# Faults the kernel cannot resolve: unmapped (SEGV_MAPERR), write to a
# read-only VMA, exec from a non-exec VMA, PROT_NONE (SEGV_ACCERR), a kernel
# address from user mode (SEGV_MAPERR), shmem beyond its end (SIGBUS).
spawn A
handle A SIGSEGV catch
handle A SIGBUS catch
A mmap 0 8K r-- MAP_PRIVATE|MAP_ANONYMOUS -> ro
A read $ro 1 expect=0x0
A write $ro 1 1 expect=SEGV_ACCERR
A exec $ro expect=SEGV_ACCERR
A mmap 0 4K --- MAP_PRIVATE|MAP_ANONYMOUS -> none
A read $none 1 expect=SEGV_ACCERR
A read 0x1000 8 expect=SEGV_MAPERR
A read 0xffff888000000000 1 expect=SEGV_MAPERR
A mmap 0 4K rwx MAP_PRIVATE|MAP_ANONYMOUS -> x
A exec $x expect=ok
A mmap 0 8K rw- MAP_SHARED|MAP_ANONYMOUS -> s
A mremap $s 8K 16K MREMAP_MAYMOVE -> g
A write $g 1 1 expect=ok
A write $g+8K 1 1 expect=BUS_ADRERR
# a page-crossing store faults at the unmapped page, the first part unwritten
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> w
A munmap $w+4K 4K
A write $w+0xffc 8 0x1111111111111111 expect=SEGV_MAPERR
A read $w+0xffc 4 expect=0x0
# the default: a fatal fault ends the process
spawn B
B mmap 0 4K r-- MAP_PRIVATE|MAP_ANONYMOUS -> b
B write $b 1 1 expect=SIGSEGV
spawn B
verify
