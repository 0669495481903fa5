# MREMAP_DONTUNMAP (layout), after Linux's
# tools/testing/selftests/mm/mremap_dontunmap.c: the page tables move, the
# source VMA stays mapped.  tests/diff/cases5/ checks the contents too.
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
A mmap 0 128K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 128K expect=0
# simple: move 5 pages anywhere, the source stays
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> d
cat /proc/A/maps
A munmap $d 20K expect=0
A munmap $r 20K expect=0
# simple fixed: onto an existing 5-page mapping
A mmap $r+64K 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
cat /proc/A/maps
A munmap $r 128K expect=0
# partial mapping: the last 5 of 10 pages move away
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r+20K 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> d2
cat /proc/A/maps
A munmap $d2 20K expect=0
A munmap $r 128K expect=0
# partial overwrite: 5 pages onto the first half of a 10-page mapping
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mmap $r+64K 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_POPULATE
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
cat /proc/A/maps
A munmap $r 128K expect=0
# DONTUNMAP needs MAYMOVE
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 8K 8K MREMAP_DONTUNMAP expect=EINVAL
# DONTUNMAP keeps the length: growing is refused
A mremap $r 8K 16K MREMAP_MAYMOVE|MREMAP_DONTUNMAP expect=EINVAL
# shared anonymous memory may be moved with DONTUNMAP too
A mmap $r+32K 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A mremap $r+32K 8K 8K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+96K
cat /proc/A/maps
