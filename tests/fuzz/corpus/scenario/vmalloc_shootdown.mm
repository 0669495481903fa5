# vfree shoots the area down from every CPU's TLB before its frames and its
# addresses are reused: CPU 1 cached the translation, and oopses afterwards
# instead of reading through a stale entry; after reuse it sees the new data.
machine ram=64M cpus=2 levels=4
vmalloc 4K -> a
kwrite $a 8 0x99 expect=ok
cpu 1
kread $a 8 expect=0x99
cpu 0
vfree $a
cpu 1
kread $a 8 expect=OOPS
cpu 0
vmalloc 4K -> b
kwrite $b 8 0x77 expect=ok
cpu 1
kread $b 8 expect=0x77
cpu 0
vfree $b
verify
