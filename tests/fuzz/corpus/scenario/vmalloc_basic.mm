# vmalloc: virtually contiguous memory from non-contiguous frames, a guard
# page after every area, an oops on the guard page and on freed memory, the
# lowest free address reused after a free, /proc/vmallocinfo.
machine ram=64M cpus=1 levels=4
vmalloc 64K -> a
kwrite $a 8 0x1122334455667788 expect=ok
kread $a 8 expect=0x1122334455667788
kwrite $a+0xfff8 8 7 expect=ok
kread $a+0x10000 8 expect=OOPS
vzalloc 8K -> b
kread $b+0x1ff8 8 expect=0x0
cat /proc/vmallocinfo
vfree $a expect=0
kread $a 8 expect=OOPS
vfree $a expect=EINVAL
vmalloc 16K -> c
cat /proc/vmallocinfo
vfree $b
vfree $c
vfree 0 expect=0
vmalloc 1G expect=ENOMEM
cat /proc/vmallocinfo
verify
