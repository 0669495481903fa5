# Merging a new mapping with its neighbours, after test_merge_new() in Linux's
# tools/testing/vma/vma.c, expressed with system calls.  Each character below
# is one page of a 13-page region R; MAP_POPULATE on a writable private
# mapping faults it in, which gives it an anon_vma (like the test's dummy
# anon_vma).  Page offsets (vm_pgoff) of anonymous memory follow the address.
spawn A
A set mmap_base=0x7ffff7fff000 start_brk=0x5a4000 brk=0x5c6000 stack_rlimit=0x800000 memlock_rlimit=0x800000
A vma 00400000-00401000 r--p 00000000 fe:00 5318694 /usr/bin/prog
A vma 00401000-0049e000 r-xp 00001000 fe:00 5318694 /usr/bin/prog
A vma 0049e000-004c9000 r--p 0009e000 fe:00 5318694 /usr/bin/prog
A vma 004c9000-004ce000 r--p 000c8000 fe:00 5318694 /usr/bin/prog
A vma 004ce000-004d1000 rw-p 000cd000 fe:00 5318694 /usr/bin/prog
A vma 004d1000-005a4000 rw-p 00000000 00:00 0
A vma 005a4000-005c6000 rw-p 00000000 00:00 0 [heap]
A vma 7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0 [vvar]
A vma 7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0 [vvar_vclock]
A vma 7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0 [vdso]
A vma 7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]
A mmap 0 52K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 52K expect=0
# 0123456789abc
# AA B       CC
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+12K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+44K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
# no merge: nothing adjacent
# 0123456789abc
# AA B   DD  CC
A mmap $r+28K 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
# merge both sides (A has an anon_vma, B none): A grows over * and B
# 0123456789abc
# AA*B   DD  CC
A mmap $r+8K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
# merge with the previous VMA
# 0123456789abc
# AAAA*  DD  CC
A mmap $r+16K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
# merge with the next VMA
# 0123456789abc
# AAAAA *DD  CC
A mmap $r+24K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
# merge both sides again
# 0123456789abc
# AAAAA*DDD  CC
A mmap $r+20K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
# merge with next, then both
# 0123456789abc
# AAAAAAAAA *CC  ->  AAAAAAAAA*CCC  ->  AAAAAAAAAAAAA
A mmap $r+40K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+36K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
A munmap $r 52K expect=0
# Two different anon_vmas: prev and next each faulted on their own.  A new
# mapping between them cannot join both; it merges with prev only.
# 0123456789
# PPP**NNNN
A mmap $r 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+20K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+12K 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
A munmap $r 52K expect=0
# Incompatible neighbours never merge: other protections, shared memory,
# a locked range, a MAP_NORESERVE mapping of a writable range (VM_NORESERVE),
# and a MAP_GROWSDOWN stack.
A mmap $r 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+4K 4K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+8K 4K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+12K 4K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+16K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_LOCKED
A mmap $r+20K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_NORESERVE
A mmap $r+24K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN
A mmap $r+28K 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
