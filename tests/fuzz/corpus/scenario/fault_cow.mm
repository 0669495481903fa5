# Copy-on-write after fork: the shared page is write-protected in both
# processes; the first writer copies, the last one left reuses the page.
machine ram=64M cpus=1
spawn A
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fill $m 16K 0x11 expect=ok
A fork B expect=0
pagewalk A $m
A write $m 1 0x22 expect=ok
B check $m 4K 0x11 expect=ok
A check $m 1 0x22 expect=ok
B write $m+4K 1 0x33 expect=ok
A check $m+4K 4K 0x11 expect=ok
B exit expect=0
# B is gone: A's pages are its own again, so a write reuses them (pgreuse)
A write $m+8K 1 0x44 expect=ok
A check $m+8K 1 0x44 expect=ok
cat /proc/A/smaps
verify
A exit
verify
