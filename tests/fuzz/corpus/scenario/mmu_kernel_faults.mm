# Kernel-mode accesses the MMU refuses: each one oopses (`! OOPS ...`, the
# oops text in the kernel log) and the machine goes on.  Addresses are fixed
# (physical page 0 is reserved, so writing it is safe).
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
kexec 0xffff888000123000 expect=OOPS
# A read-only kernel entry (CR0.WP=1): reads work, writes oops
kwrite 0xffff888000000000 8 0x5a5a expect=ok
kpte 0xffff888000000000 clear RW
invlpg 0xffff888000000000
kread 0xffff888000000000 8 expect=0x5a5a
kwrite 0xffff888000000000 1 0x1 expect=OOPS
kpte 0xffff888000000000 set RW
invlpg 0xffff888000000000
kwrite 0xffff888000000000 1 0x1 expect=ok
# A reserved bit in an upper-level entry is a corrupted page table
kpte 0xffff888000000000 set PSE level=PGD
invlpg 0xffff888000000000
kread 0xffff888000000000 8 expect=OOPS
kpte 0xffff888000000000 clear PSE level=PGD
flush_tlb_all
kread 0xffff888000000000 8 expect=0x5a01
verify
