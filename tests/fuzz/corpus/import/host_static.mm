set mmap_base=0x7ffff7fff000 start_brk=0x5a4000 brk=0x5c6000 stack_rlimit=0x800000 memlock_rlimit=0x800000
vma 00400000-00401000 r--p 00000000 fe:00 5318694 /usr/bin/prog
vma 00401000-0049e000 r-xp 00001000 fe:00 5318694 /usr/bin/prog
vma 0049e000-004c9000 r--p 0009e000 fe:00 5318694 /usr/bin/prog
vma 004c9000-004ce000 r--p 000c8000 fe:00 5318694 /usr/bin/prog
vma 004ce000-004d1000 rw-p 000cd000 fe:00 5318694 /usr/bin/prog
vma 004d1000-005a4000 rw-p 00000000 00:00 0
vma 005a4000-005c6000 rw-p 00000000 00:00 0 [heap]
vma 7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0 [vvar]
vma 7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0 [vvar_vclock]
vma 7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0 [vdso]
vma 7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]
