# pagewalk in 5-level LA57 (9/9/9/9/9/12) paging: one line per hardware level (Linux's folded levels
# are not shown), then the result.
machine ram=65M cpus=1 levels=5
# A page from the buddy allocator, in the direct map's large pages.
alloc_pages 0 -> p
kwrite $p 8 0x0123456789abcdef expect=ok
kread $p 8 expect=0x123456789abcdef
pagewalk kernel $p
# RAM ends 1 MiB after a large-page boundary: that MiB is mapped with 4K
# pages, so this walk goes all the way down to a PTE.
pagewalk kernel 0xff11000004005000
# Past the end of RAM: nothing is mapped.
pagewalk kernel 0xff11000004100000
# The user half of init_mm is empty.
pagewalk kernel 0x8048000
free_pages $p 0
