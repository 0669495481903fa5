# Kernel-mode loads and stores of every size through the MMU, misaligned and
# across a page boundary, on pages from the allocator (expect= only: the
# addresses depend on the allocator).
machine ram=16M cpus=1 levels=3
alloc_pages 1 -> p
kwrite $p 8 0x1122334455667788 expect=ok
kread $p 1 expect=0x88
kread $p 2 expect=0x7788
kread $p 4 expect=0x55667788
kread $p+1 4 expect=0x44556677
kread $p+3 8 expect=0x1122334455
kwrite $p+4095 2 0xbeef expect=ok
kread $p+4095 2 expect=0xbeef
kread $p+4095 1 expect=0xef
kread $p+4096 1 expect=0xbe
kwrite $p+4092 8 0x0102030405060708 expect=ok
kread $p+4092 4 expect=0x05060708
kread $p+4096 4 expect=0x01020304
# an instruction fetch from the direct map: NX in PAE
kexec $p expect=OOPS
free_pages $p 1
verify
