# mremap, after Linux's tools/testing/selftests/mm/mremap_test.c (layout part).
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
# expand merge: 3 pages, unmap the middle one, grow the first in place over
# the hole: the two parts merge back into one 3-page VMA
A mmap $r 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $r+4K 4K expect=0
A mremap $r 4K 8K 0
cat /proc/A/maps
A munmap $r 12K expect=0
# expand merge offset: unmap the last page, grow the middle one in place
A mmap $r 12K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $r+8K 4K expect=0
A mremap $r+4K 4K 8K 0
cat /proc/A/maps
A munmap $r 12K expect=0
# in-place growth blocked by a neighbour: ENOMEM without MAYMOVE; with MAYMOVE
# the mapping moves (top-down search) and the old range becomes a hole
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap $r+8K 4K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 8K 16K 0 expect=ENOMEM
A mremap $r 8K 16K MREMAP_MAYMOVE
cat /proc/A/maps
A munmap $r 128K expect=0
# shrinking keeps the address and unmaps the tail
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 40K 12K 0
cat /proc/A/maps
A munmap $r 128K expect=0
# failures: source and destination overlapping, misaligned source or
# destination, FIXED without MAYMOVE, zero new length, unknown flags, an
# old range that is not mapped (EFAULT), growth across two VMAs (EFAULT)
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 8K 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+4K expect=EINVAL
A mremap $r+1K 4K 4K MREMAP_MAYMOVE|MREMAP_FIXED $r+64K expect=EINVAL
A mremap $r 4K 4K MREMAP_MAYMOVE|MREMAP_FIXED $r+65K expect=EINVAL
A mremap $r 4K 4K MREMAP_FIXED $r+64K expect=EINVAL
A mremap $r 4K 0 MREMAP_MAYMOVE expect=EINVAL
A mremap $r 4K 8K 8 expect=EINVAL
A mremap $r+32K 4K 8K MREMAP_MAYMOVE expect=EFAULT
A mmap $r+8K 8K r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 16K 20K MREMAP_MAYMOVE expect=EFAULT
cat /proc/A/maps
A munmap $r 128K expect=0
# move to a fixed address, then next to itself, then over a PROT_NONE range
A mmap $r 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 8K 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+32K
A mremap $r+32K 8K 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+40K
A mmap $r+64K 16K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r+40K 8K 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+68K
cat /proc/A/maps
A munmap $r 128K expect=0
# move within a range: the middle of a big VMA moved next to itself splits
# it (mremap_move_within_range, at page scale)
A mmap $r 80K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r+32K 8K 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+16K
cat /proc/A/maps
A munmap $r 128K expect=0
# move multiple VMAs at once (6.17+): 11 pages with holes at 1, 3, 7 and 9
#  0 1 2 3 4 5 6 7 8 9 10
#  * . * . * * * . * . *
A mmap $r 44K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $r+4K 4K expect=0
A munmap $r+12K 4K expect=0
A munmap $r+28K 4K expect=0
A munmap $r+36K 4K expect=0
A mremap $r 44K 44K MREMAP_MAYMOVE|MREMAP_FIXED $r+64K
cat /proc/A/maps
A munmap $r 128K expect=0
# shrink across multiple VMAs and holes, in place
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $r+4K 4K expect=0
A munmap $r+12K 4K expect=0
A munmap $r+20K 4K expect=0
A mremap $r 40K 4K 0
cat /proc/A/maps
A munmap $r 128K expect=0
# old_len 0 duplicates a shared mapping; a private one refuses
A mmap $r 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A mremap $r 0 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+64K
A mmap $r+32K 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mremap $r+32K 0 8K MREMAP_MAYMOVE|MREMAP_FIXED $r+96K expect=EINVAL
cat /proc/A/maps
