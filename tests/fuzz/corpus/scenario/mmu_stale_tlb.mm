# A changed page-table entry is not seen until the TLB is flushed, exactly as
# on hardware.  kpte changes init_mm's entry for an address WITHOUT any flush.
machine ram=64M cpus=2 levels=4
# Physical page 0 is reserved (never allocated), so it is safe to write; it
# lies in the direct map's first 2M leaf.  (MMU accesses only: kernel C code
# reaches memory through host pointers, so changing this leaf disturbs
# nothing else.)
kwrite 0xffff888000000000 8 0x1111 expect=ok
kread 0xffff888000000000 8 expect=0x1111
tlb 0
# Clear Present in the PMD leaf, without a flush.
kpte 0xffff888000000000 clear P
pagewalk kernel 0xffff888000000000
# CPU 0 still translates through its (now stale) TLB entry ...
kread 0xffff888000000000 8 expect=0x1111
kwrite 0xffff888000000000 8 0x2222 expect=ok
# ... CPU 1 has no entry for it: it walks the tables and oopses.
cpu 1
kread 0xffff888000000000 8 expect=OOPS
# invlpg on CPU 0 drops its entry: now it oopses too.
cpu 0
invlpg 0xffff888000000000
kread 0xffff888000000000 8 expect=OOPS
tlb 0
kpte 0xffff888000000000 set P
kread 0xffff888000000000 8 expect=0x2222
# Write-protect while CPU 1 holds a writable entry: CPU 1 still writes until
# the shootdown (flush_tlb_kernel_range IPIs every CPU and waits).
cpu 1
kread 0xffff888000000000 8 expect=0x2222
kpte 0xffff888000000000 clear RW
kwrite 0xffff888000000000 8 0x3333 expect=ok
# CPU 0 cached only the leaf's first 4K page: the next one walks and faults.
cpu 0
kwrite 0xffff888000001000 8 0x1 expect=OOPS
flush_tlb_kernel_range 0xffff888000000000 0xffff888000001000
cpu 1
kwrite 0xffff888000000000 8 0x4444 expect=OOPS
tlb 1
# Global entries survive a CR3 reload; flush_tlb_all drops them.
kpte 0xffff888000000000 set RW
kread 0xffff888000000000 8 expect=0x3333
cr3_reload
tlb 1
flush_tlb_all
tlb 1
tlb 0
cpu 0
verify
