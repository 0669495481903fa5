# Kernel-mode accesses the MMU refuses: each one oopses (`! OOPS ...`, the
# oops text in the kernel log) and the machine goes on.
machine ram=16M cpus=1 levels=4
# NULL pointer dereference
kread 0x0 8 expect=OOPS
# A user address: nothing is mapped in init_mm's user half
kwrite 0x400000 4 0x1 expect=OOPS
# A non-canonical address: #GP, no page walk
kread 0x0000800000000000 8 expect=OOPS
kread 0xdead000000000100 1 expect=OOPS
pagewalk kernel 0xdead000000000100
# The vmalloc area is empty so far
kread 0xffffc90000000000 8 expect=OOPS
# Past the end of RAM in the direct map
kread 0xffff888001000000 8 expect=OOPS
# The direct map is NX: an instruction fetch there oopses
alloc_pages 0 -> p
kexec $p expect=OOPS
# Misaligned and page-crossing accesses work
kwrite $p+4095 2 0xbeef expect=ok
kread $p+4095 2 expect=0xbeef
kread $p+4095 1 expect=0xef
kread $p+4096 1 expect=0xbe
# A read-only kernel entry (CR0.WP=1): reads work, writes oops
kpte $p clear RW
invlpg $p
kread $p+4095 1 expect=0xef
kwrite $p 1 0x1 expect=OOPS
kpte $p set RW
invlpg $p
kwrite $p 1 0x1 expect=ok
# A reserved bit in an upper-level entry is a corrupted page table
kpte $p set PSE level=PGD
invlpg $p
kread $p 8 expect=OOPS
kpte $p clear PSE level=PGD
flush_tlb_all
kread $p 1 expect=0x1
free_pages $p 0
verify
