# Calls with nonsense arguments: the errno Linux returns, and nothing changes
# (the maps dumps before and after must be equal).
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
A mmap 0 16K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
cat /proc/A/maps
# mmap
A mmap 0 4K rw- MAP_ANONYMOUS expect=EINVAL
A mmap 0 4K rw- MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x800000 expect=EINVAL
A mmap 0 4K rw- MAP_PRIVATE expect=EBADF
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -1 1 expect=EINVAL
A mmap 0 0 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=EINVAL
A mmap $m+1 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=EINVAL
A mmap 0x7ffffffff000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=ENOMEM
A mmap 0x7fffffffe000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=ENOMEM
A mmap 0xffff800000000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=ENOMEM
A mmap 0 0x800000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 0xfffffffffffff001 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 4K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_GROWSDOWN expect=EINVAL
A mmap 0 0x100000000000 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 32M rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED expect=EAGAIN
# munmap
A munmap $m+1 4K expect=EINVAL
A munmap $m 0 expect=EINVAL
A munmap 0x7ffffffff000 4K expect=EINVAL
A munmap 0xfffffffffffff000 4K expect=EINVAL
A munmap 0x10000 4K expect=0
# mprotect
A mprotect $m+1 4K r-- expect=EINVAL
A mprotect $m 4K 0x10 expect=EINVAL
A mprotect $m 4K PROT_READ|PROT_GROWSDOWN expect=EINVAL
A mprotect $m 0 r-- expect=0
A mprotect 0x10000 4K r-- expect=ENOMEM
A mprotect $m 0xfffffffffffff000 r-- expect=ENOMEM
# madvise
A madvise $m+1 4K MADV_DONTNEED expect=EINVAL
A madvise $m 4K 999 expect=EINVAL
A madvise 0x10000 4K MADV_NORMAL expect=ENOMEM
A madvise $m 0 MADV_DONTNEED expect=0
# mlock
A mlock 0x10000 4K expect=ENOMEM
A mlock $m 16M expect=ENOMEM
A munlock 0x10000 4K expect=ENOMEM
# msync
A msync $m+1 4K MS_SYNC expect=EINVAL
A msync $m 4K MS_SYNC|MS_ASYNC expect=EINVAL
A msync $m 4K 8 expect=EINVAL
A msync 0x10000 4K MS_SYNC expect=ENOMEM
# mremap
A mremap $m+1 4K 8K MREMAP_MAYMOVE expect=EINVAL
A mremap $m 4K 0x800000000000 MREMAP_MAYMOVE expect=EINVAL
cat /proc/A/maps
