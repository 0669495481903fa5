# A changed page-table entry is not seen until the TLB is flushed, exactly as
# on hardware.  kpte changes init_mm's entry for an address WITHOUT any flush.
machine ram=64M cpus=2 levels=4
# An order-9 block is exactly one 2M leaf of the direct map.
alloc_pages 9 -> p
kwrite $p 8 0x1111 expect=ok
kread $p 8 expect=0x1111
tlb 0
# Clear Present in the PMD leaf, without a flush.
kpte $p clear P
pagewalk kernel $p
# CPU 0 still translates through its (now stale) TLB entry ...
kread $p 8 expect=0x1111
kwrite $p 8 0x2222 expect=ok
# ... CPU 1 has no entry for it: it walks the tables and oopses.
cpu 1
kread $p 8 expect=OOPS
# invlpg on CPU 0 drops its entry: now it oopses too.
cpu 0
invlpg $p
kread $p 8 expect=OOPS
tlb 0
kpte $p set P
kread $p 8 expect=0x2222
# Write-protect while CPU 1 holds a writable entry: CPU 1 still writes until
# the shootdown (flush_tlb_kernel_range IPIs every CPU and waits).
cpu 1
kread $p 8 expect=0x2222
kpte $p clear RW
kwrite $p 8 0x3333 expect=ok
# CPU 0 cached only the block's first 4K page: the next one walks and faults.
cpu 0
kwrite $p+4096 8 0x1 expect=OOPS
flush_tlb_kernel_range $p $p+4096
cpu 1
kwrite $p 8 0x4444 expect=OOPS
tlb 1
# Global entries survive a CR3 reload; flush_tlb_all drops them.
kpte $p set RW
kread $p 8 expect=0x3333
cr3_reload
tlb 1
flush_tlb_all
tlb 1
tlb 0
cpu 0
free_pages $p 9
verify
