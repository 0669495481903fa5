# pagewalk in 3-level PAE (2/9/9/12) paging: one line per hardware level (Linux's folded levels
# are not shown), then the result.  Addresses are fixed so the output does
# not depend on what the allocator hands out.
machine ram=65M cpus=1 levels=3
# Physical page 0 is reserved (never allocated): a safe page to write.
kwrite 0xc0000000 8 0x0123456789abcdef expect=ok
kread 0xc0000000 8 expect=0x123456789abcdef
tlb 0
# The direct map uses large pages where aligned ...
pagewalk kernel 0xc0123456
# ... and RAM ends 1 MiB after a large-page boundary: that MiB is mapped with
# 4K pages, so this walk goes all the way down to a PTE.
pagewalk kernel 0xc4005000
# Past the end of RAM: nothing is mapped.
pagewalk kernel 0xc4100000
# The user half of init_mm is empty.
pagewalk kernel 0x8048000
