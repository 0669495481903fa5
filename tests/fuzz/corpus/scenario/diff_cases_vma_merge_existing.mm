# Merging a changed VMA with its neighbours, after test_merge_existing() in
# Linux's tools/testing/vma/vma.c: mprotect makes (part of) a VMA V equal to
# its previous (P) or next (N) neighbour.  One character = one page.
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
A mmap 0 40K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 40K expect=0
# merge right, partial span:  <->            ->
#   0123456789                   0123456789
#     VVVVNNN                      VNNNNNN
# V is faulted in (it has an anon_vma), N is not: they merge, and N takes
# V's anon_vma.  madvise changes only the flag we ask for.
A mmap $r+8K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+24K 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A madvise $r+24K 12K MADV_RANDOM expect=0
cat /proc/A/maps
A madvise $r+12K 12K MADV_RANDOM expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# The same with mprotect does NOT merge: a writable private mapping is
# charged (VM_ACCOUNT) and keeps the charge when made read-only once it has
# an anon_vma, while N, mapped read-only, never had it.
A mmap $r+8K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+24K 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+12K 12K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# merge right, full span:  <-->
#     VVVVNNN   ->   NNNNNNN
# (V was never faulted in, so mprotect drops its VM_ACCOUNT and it merges)
A mmap $r+8K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+24K 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+8K 16K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# merge left, partial span:    <->
#   PPPVVVV   ->   PPPPPPV
A mmap $r 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+12K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+12K 12K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# merge left, full span:      <-->
#   PPPVVVV   ->   PPPPPPP
A mmap $r 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+12K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+12K 16K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# merge both:                 <-->
#   PPPVVVVNNNN   ->   PPPPPPPPPPP
A mmap $r 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+12K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+28K 12K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+12K 16K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# merge both when P and N were each faulted in (two anon_vmas): no 3-way merge
A mmap $r 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mprotect $r 12K r-- expect=0
A mmap $r+12K 16K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+28K 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mprotect $r+28K 12K r-- expect=0
A mprotect $r+12K 16K r-- expect=0
cat /proc/A/maps
A munmap $r 40K expect=0
# split in the middle then restore: three VMAs, then one again
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect $r+12K 8K r-x expect=0
cat /proc/A/maps
A mprotect $r+12K 8K rw- expect=0
cat /proc/A/maps
# madvise flags split and merge the same way
A madvise $r+4K 8K MADV_DONTFORK expect=0
A madvise $r+8K 8K MADV_RANDOM expect=0
cat /proc/A/maps
A madvise $r 40K MADV_DOFORK expect=0
A madvise $r 40K MADV_NORMAL expect=0
cat /proc/A/maps
# mprotect over a hole: ENOMEM, after the VMAs before the hole were changed
A munmap $r+24K 4K expect=0
A mprotect $r 40K r-- expect=ENOMEM
cat /proc/A/maps
# mlock/munlock split and merge too
A mlock $r+4K 8K expect=0
cat /proc/A/maps
A munlock $r 24K expect=0
cat /proc/A/maps
