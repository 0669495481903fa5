# brk: the break moves in page steps from start_brk; a failed move returns
# the old break; growth stops one page short of the next VMA's start (its
# guard gap if it grows down); shrinking unmaps.
spawn A
A brk 0 -> b
# grow, with an unaligned end: the heap VMA ends at the next page boundary
A brk $b+0x2800
cat /proc/A/maps
A brk $b+8K
A brk $b+4K
cat /proc/A/maps
# below start_brk: refused (the current break comes back)
A brk 0x1000
# a mapping 16 pages above the break: growth may reach one page below it
A mmap $b+64K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A brk $b+60K
A brk $b+64K
A brk $b+56K
cat /proc/A/maps
# a MAP_GROWSDOWN mapping above: its guard gap (256 pages) is kept free too
A brk $b
A munmap $b+64K 4K expect=0
A mmap $b+2M 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A brk $b+1M
A brk $b+0xff000
A brk $b+0xfe000
cat /proc/A/maps
# huge: beyond any memory (overcommit accounting) and beyond TASK_SIZE
A brk $b+16G
A brk 0x7ffffffff000
A brk 0xffffffffffffffff
A brk $b
cat /proc/A/maps
