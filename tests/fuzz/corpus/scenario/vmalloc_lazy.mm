# Lazy purge (Linux's behaviour, opt-in): vfree clears the PTEs and flushes
# its own CPU only, and parks the area with its frames until one shootdown of
# every CPU purges all parked areas.  Until then another CPU may still read
# the freed area through a stale TLB entry (never a reused frame: the frames
# wait too), and the range is not reused.
machine ram=64M cpus=2 levels=4
vmalloc_lazy on
vmalloc 4K -> a
kwrite $a 8 0x99 expect=ok
cpu 1
kread $a 8 expect=0x99
cpu 0
vfree $a expect=0
kread $a 8 expect=OOPS
cpu 1
kread $a 8 expect=0x99
cpu 0
vmalloc 4K -> b
cat /proc/vmallocinfo
verify
vm_unmap_aliases expect=0
cpu 1
kread $a 8 expect=OOPS
cpu 0
vmalloc 4K -> c
cat /proc/vmallocinfo
vfree $b
vfree $c
cat /proc/vmallocinfo
vmalloc_lazy off
cat /proc/vmallocinfo
verify
