# Demand paging and the shared zero page: reads map the zero page read-only
# (no RSS), the first write replaces it with a private zeroed page.
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A touch $m 64K read expect=ok
A check $m 64K 0 expect=ok
pagewalk A $m
cat /proc/A/status
A write $m+4K 4 0xdeadbeef expect=ok
A read $m+4K 4 expect=0xdeadbeef
A read $m 4 expect=0x0
pagewalk A $m+4K
cat /proc/A/smaps
A fork B
B write $m 8 0x1234 expect=ok
A read $m 8 expect=0x0
B read $m 8 expect=0x1234
verify
