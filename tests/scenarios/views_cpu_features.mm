# The views print what the reference kernel prints, field for field.  A CPU
# with 1 GiB pages (pdpe1gb; the reference host's has none, so the default
# is gbpages=0) adds meminfo's DirectMap1G line.  mmkit's own counters
# (the TLB-flush events Linux prints only with CONFIG_DEBUG_TLBFLUSH, and
# cow_fault, zero_page_fault) are in /proc/mmkit/vmstat, not /proc/vmstat.
machine ram=64M gbpages=1
spawn A
A mmap 0x200000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS expect=0x200000000
A read 0x200000000 8 expect=0x0
A write 0x200001000 8 0x1 expect=ok
A fork B
B write 0x200001000 8 0x2 expect=ok
cat /proc/meminfo
cat /proc/mmkit/vmstat
