set mmap_base=0x7ffff7fff000 start_brk=0x555555559000 brk=0x55555557a000 stack_rlimit=0x800000
vma 564b0ae1f000-564b0ae22000 r--p 00000000 fe:00 248030                     /usr/bin/sed
vma 564b0ae22000-564b0ae36000 r-xp 00003000 fe:00 248030                     /usr/bin/sed
vma 564b0ae36000-564b0ae3c000 r--p 00017000 fe:00 248030                     /usr/bin/sed
vma 564b0ae3c000-564b0ae3d000 r--p 0001d000 fe:00 248030                     /usr/bin/sed
vma 564b0ae3d000-564b0ae3e000 rw-p 0001e000 fe:00 248030                     /usr/bin/sed
vma 564b335a8000-564b335c9000 rw-p 00000000 00:00 0                          [heap]
vma 7f8209a7a000-7f8209ad1000 r--p 00000000 fe:00 320475                     /usr/lib/locale/C.utf8/LC_CTYPE
vma 7f8209ad1000-7f8209ad2000 r--p 00000000 fe:00 320482                     /usr/lib/locale/C.utf8/LC_NUMERIC
vma 7f8209ad2000-7f8209ad3000 r--p 00000000 fe:00 320485                     /usr/lib/locale/C.utf8/LC_TIME
vma 7f8209ad3000-7f8209ad4000 r--p 00000000 fe:00 320474                     /usr/lib/locale/C.utf8/LC_COLLATE
vma 7f8209ad4000-7f8209ad5000 r--p 00000000 fe:00 320480                     /usr/lib/locale/C.utf8/LC_MONETARY
vma 7f8209ad5000-7f8209ad6000 r--p 00000000 fe:00 320479                     /usr/lib/locale/C.utf8/LC_MESSAGES/SYS_LC_MESSAGES
vma 7f8209ad6000-7f8209ad7000 r--p 00000000 fe:00 320483                     /usr/lib/locale/C.utf8/LC_PAPER
vma 7f8209ad7000-7f8209ad8000 r--p 00000000 fe:00 320481                     /usr/lib/locale/C.utf8/LC_NAME
vma 7f8209ad8000-7f8209ada000 rw-p 00000000 00:00 0 
vma 7f8209ada000-7f8209adc000 r--p 00000000 fe:00 333322                     /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2
vma 7f8209adc000-7f8209b47000 r-xp 00002000 fe:00 333322                     /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2
vma 7f8209b47000-7f8209b72000 r--p 0006d000 fe:00 333322                     /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2
vma 7f8209b72000-7f8209b73000 r--p 00098000 fe:00 333322                     /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2
vma 7f8209b73000-7f8209b74000 rw-p 00099000 fe:00 333322                     /usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2
vma 7f8209b74000-7f8209b9a000 r--p 00000000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f8209b9a000-7f8209cf0000 r-xp 00026000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f8209cf0000-7f8209d43000 r--p 0017c000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f8209d43000-7f8209d47000 r--p 001cf000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f8209d47000-7f8209d49000 rw-p 001d3000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f8209d49000-7f8209d56000 rw-p 00000000 00:00 0 
vma 7f8209d56000-7f8209d5d000 r--p 00000000 fe:00 333397                     /usr/lib/x86_64-linux-gnu/libselinux.so.1
vma 7f8209d5d000-7f8209d78000 r-xp 00007000 fe:00 333397                     /usr/lib/x86_64-linux-gnu/libselinux.so.1
vma 7f8209d78000-7f8209d80000 r--p 00022000 fe:00 333397                     /usr/lib/x86_64-linux-gnu/libselinux.so.1
vma 7f8209d80000-7f8209d81000 r--p 00029000 fe:00 333397                     /usr/lib/x86_64-linux-gnu/libselinux.so.1
vma 7f8209d81000-7f8209d82000 rw-p 0002a000 fe:00 333397                     /usr/lib/x86_64-linux-gnu/libselinux.so.1
vma 7f8209d82000-7f8209d84000 rw-p 00000000 00:00 0 
vma 7f8209d84000-7f8209d86000 r--p 00000000 fe:00 332734                     /usr/lib/x86_64-linux-gnu/libacl.so.1.1.2301
vma 7f8209d86000-7f8209d8b000 r-xp 00002000 fe:00 332734                     /usr/lib/x86_64-linux-gnu/libacl.so.1.1.2301
vma 7f8209d8b000-7f8209d8d000 r--p 00007000 fe:00 332734                     /usr/lib/x86_64-linux-gnu/libacl.so.1.1.2301
vma 7f8209d8d000-7f8209d8e000 r--p 00008000 fe:00 332734                     /usr/lib/x86_64-linux-gnu/libacl.so.1.1.2301
vma 7f8209d8e000-7f8209d8f000 rw-p 00009000 fe:00 332734                     /usr/lib/x86_64-linux-gnu/libacl.so.1.1.2301
vma 7f8209d8f000-7f8209d90000 r--p 00000000 fe:00 320473                     /usr/lib/locale/C.utf8/LC_ADDRESS
vma 7f8209d90000-7f8209d91000 r--p 00000000 fe:00 320484                     /usr/lib/locale/C.utf8/LC_TELEPHONE
vma 7f8209d91000-7f8209d92000 r--p 00000000 fe:00 320477                     /usr/lib/locale/C.utf8/LC_MEASUREMENT
vma 7f8209d92000-7f8209d99000 r--s 00000000 fe:00 332280                     /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache
vma 7f8209d99000-7f8209d9a000 r--p 00000000 fe:00 320476                     /usr/lib/locale/C.utf8/LC_IDENTIFICATION
vma 7f8209d9a000-7f8209d9c000 rw-p 00000000 00:00 0 
vma 7f8209d9c000-7f8209da0000 r--p 00000000 00:00 0                          [vvar]
vma 7f8209da0000-7f8209da2000 r--p 00000000 00:00 0                          [vvar_vclock]
vma 7f8209da2000-7f8209da4000 r-xp 00000000 00:00 0                          [vdso]
vma 7f8209da4000-7f8209da5000 r--p 00000000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f8209da5000-7f8209dcb000 r-xp 00001000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f8209dcb000-7f8209dd5000 r--p 00027000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f8209dd5000-7f8209dd7000 r--p 00031000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f8209dd7000-7f8209dd9000 rw-p 00033000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7ffd1d8cc000-7ffd1d8ed000 rw-p 00000000 00:00 0                          [stack]
vma ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
