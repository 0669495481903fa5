set brk=0x1000 start_brk=0x2000 mmap_base=0x100000
vma 55f40871c000-55f40874b000 r--p 00000000 fe:00 247101                     /usr/bin/bash
vma 55f40874b000-55f40880c000 r-xp 0002f000 fe:00 247101                     /usr/bin/bash
vma 55f40880c000-55f408844000 r--p 000f0000 fe:00 247101                     /usr/bin/bash
vma 55f408844000-55f408848000 r--p 00128000 fe:00 247101                     /usr/bin/bash
vma 55f408848000-55f408851000 rw-p 0012c000 fe:00 247101                     /usr/bin/bash
vma 55f408851000-55f40885c000 rw-p 00000000 00:00 0 
vma 55f43a350000-55f43a3b0000 rw-p 00000000 00:00 0                          [heap]
vma 7f333322f000-7f33332b0000 rw-p 00000000 00:00 0 
vma 7f33332b0000-7f3333307000 r--p 00000000 fe:00 320475                     /usr/lib/locale/C.utf8/LC_CTYPE
vma 7f3333307000-7f3333308000 r--p 00000000 fe:00 320482                     /usr/lib/locale/C.utf8/LC_NUMERIC
vma 7f3333308000-7f3333309000 r--p 00000000 fe:00 320485                     /usr/lib/locale/C.utf8/LC_TIME
vma 7f3333309000-7f333330a000 r--p 00000000 fe:00 320474                     /usr/lib/locale/C.utf8/LC_COLLATE
vma 7f333330a000-7f333330b000 r--p 00000000 fe:00 320480                     /usr/lib/locale/C.utf8/LC_MONETARY
vma 7f333330b000-7f333330c000 r--p 00000000 fe:00 320479                     /usr/lib/locale/C.utf8/LC_MESSAGES/SYS_LC_MESSAGES
vma 7f333330c000-7f333330d000 r--p 00000000 fe:00 320483                     /usr/lib/locale/C.utf8/LC_PAPER
vma 7f333330d000-7f333330e000 r--p 00000000 fe:00 320481                     /usr/lib/locale/C.utf8/LC_NAME
vma 7f333330e000-7f3333311000 rw-p 00000000 00:00 0 
vma 7f3333311000-7f3333337000 r--p 00000000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f3333337000-7f333348d000 r-xp 00026000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f333348d000-7f33334e0000 r--p 0017c000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f33334e0000-7f33334e4000 r--p 001cf000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f33334e4000-7f33334e6000 rw-p 001d3000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6
vma 7f33334e6000-7f33334f3000 rw-p 00000000 00:00 0 
vma 7f33334f3000-7f3333502000 r--p 00000000 fe:00 333461                     /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4
vma 7f3333502000-7f3333513000 r-xp 0000f000 fe:00 333461                     /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4
vma 7f3333513000-7f3333521000 r--p 00020000 fe:00 333461                     /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4
vma 7f3333521000-7f3333525000 r--p 0002d000 fe:00 333461                     /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4
vma 7f3333525000-7f3333526000 rw-p 00031000 fe:00 333461                     /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4
vma 7f3333526000-7f3333527000 r--p 00000000 fe:00 320473                     /usr/lib/locale/C.utf8/LC_ADDRESS
vma 7f3333527000-7f3333528000 r--p 00000000 fe:00 320484                     /usr/lib/locale/C.utf8/LC_TELEPHONE
vma 7f3333528000-7f3333529000 r--p 00000000 fe:00 320477                     /usr/lib/locale/C.utf8/LC_MEASUREMENT
vma 7f3333529000-7f3333530000 r--s 00000000 fe:00 332280                     /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache
vma 7f3333530000-7f3333531000 r--p 00000000 fe:00 320476                     /usr/lib/locale/C.utf8/LC_IDENTIFICATION
vma 7f3333531000-7f3333533000 rw-p 00000000 00:00 0 
vma 7f3333533000-7f3333537000 r--p 00000000 00:00 0                          [vvar]
vma 7f3333537000-7f3333539000 r--p 00000000 00:00 0                          [vvar_vclock]
vma 7f3333539000-7f333353b000 r-xp 00000000 00:00 0                          [vdso]
vma 7f333353b000-7f333353c000 r--p 00000000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f333353c000-7f3333562000 r-xp 00001000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f3333562000-7f333356c000 r--p 00027000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f333356c000-7f333356e000 r--p 00031000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7f333356e000-7f3333570000 rw-p 00033000 fe:00 332383                     /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
vma 7ffffae4b000-7ffffae6c000 rw-p 00000000 00:00 0                          [stack]
vma ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
