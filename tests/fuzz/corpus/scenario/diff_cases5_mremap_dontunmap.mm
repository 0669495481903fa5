# MREMAP_DONTUNMAP with contents, after Linux's
# tools/testing/selftests/mm/mremap_dontunmap.c: the pages move to the new
# range, the old range stays mapped but reads zeros (private) or still shows
# the same pages (shared).
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
handle A SIGSEGV catch
A mmap 0 128K PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS -> r
A munmap $r 128K expect=0
# simple
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r 20K 0x61
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> d
A check $d 20K 0x61 expect=ok
A check $r 20K 0 expect=ok
A munmap $d 20K expect=0
A munmap $r 20K expect=0
# shared anonymous: both ranges see the same memory
A mmap $r 20K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED
A fill $r 20K 0x61
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> s
A check $s 20K 0x61 expect=ok
A check $r 20K 0x61 expect=ok
A write $s 1 0x7a
A read $r 1 expect=0x7a
A munmap $s 20K expect=0
A munmap $r 20K expect=0
# simple fixed: onto 'X's
A mmap $r+64K 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r+64K 20K 0x58
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r 20K 0x61
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
A check $r+64K 20K 0x61 expect=ok
A check $r 20K 0 expect=ok
A munmap $r 128K expect=0
# partial mapping: the last 5 of 10 pages move
A mmap $r 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r 40K 0x61
A mremap $r+20K 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP -> p
A check $r 20K 0x61 expect=ok
A check $r+20K 20K 0 expect=ok
A check $p 20K 0x61 expect=ok
A munmap $p 20K expect=0
A munmap $r 128K expect=0
# partial overwrite: 5 pages of 'a' onto the first half of 10 pages of 'X'
A mmap $r 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r 20K 0x61
A mmap $r+64K 40K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A fill $r+64K 40K 0x58
A mremap $r 20K 20K MREMAP_MAYMOVE|MREMAP_DONTUNMAP|MREMAP_FIXED $r+64K
A check $r 20K 0 expect=ok
A check $r+64K 20K 0x61 expect=ok
A check $r+84K 20K 0x58 expect=ok
cat /proc/A/maps
# plain moves keep contents too; the old range is gone
A mremap $r+64K 40K 40K MREMAP_MAYMOVE|MREMAP_FIXED $r+16K
A check $r+16K 20K 0x61 expect=ok
A check $r+36K 20K 0x58 expect=ok
A read $r+64K 1 expect=SEGV_MAPERR
# the moved range is two VMAs (two anon_vmas): growing it all is EFAULT;
# growing the last VMA in place keeps its contents and adds zeros
A mremap $r+16K 40K 48K 0 expect=EFAULT
A mremap $r+36K 20K 28K 0
A check $r+36K 20K 0x58 expect=ok
A check $r+56K 8K 0 expect=ok
cat /proc/A/maps
