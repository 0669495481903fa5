# vmalloc in the 32-bit modes: the range sits above the direct map
# (high_memory + 8 MiB), addresses print with 8 hex digits.
machine ram=64M cpus=1 levels=2
vmalloc 12K -> a
vmalloc 4K -> b
kwrite $b 4 0xdeadbeef expect=ok
kread $b 4 expect=0xdeadbeef
kread $a+0x3000 4 expect=OOPS
cat /proc/vmallocinfo
vfree $a
vfree $b
verify
