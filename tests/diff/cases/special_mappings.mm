# [vvar], [vvar_vclock] and [vdso] are special mappings (Linux
# _install_special_mapping): they never split, so munmap, mprotect, madvise,
# mremap and MAP_FIXED over part of one give EINVAL (special_mapping_split),
# while the whole mapping can be unmapped, replaced, moved or changed.  [vvar]
# and [vvar_vclock] have no VM_MAYWRITE/VM_MAYEXEC, so mprotect adding write
# or exec is EACCES; [vdso] may be made writable (VM_ACCOUNT then).  mlock
# skips them (VM_SPECIAL) without splitting.  They lie right below the first
# mmap without a hint, at mmap_base: [vvar] 4 pages, [vvar_vclock] 2, [vdso] 2.
spawn A
A mmap 0 0x1000 --- MAP_PRIVATE|MAP_ANONYMOUS -> below
A munmap $below 0x1000
# part of [vvar]: EINVAL; a range from the free page below into it: EINVAL
A munmap $below+0x2000 0x1000 expect=EINVAL
A munmap $below 0x2000 expect=EINVAL
A munmap $below+0x5000 0x1000 expect=EINVAL
# mprotect: no change needs no split; adding what VM_MAY* lacks is EACCES
A mprotect $below+0x1000 0x1000 r-- expect=0
A mprotect $below+0x1000 0x4000 rw- expect=EACCES
A mprotect $below+0x1000 0x4000 r-x expect=EACCES
A mprotect $below+0x5000 0x2000 --- expect=0
A mprotect $below+0x5000 0x2000 r-- expect=0
A mprotect $below+0x7000 0x1000 r-- expect=EINVAL
A mprotect $below+0x7000 0x2000 rwx expect=0
A mprotect $below+0x7000 0x2000 r-x expect=0
# madvise: flag changes of part split (EINVAL), of the whole are fine;
# DONTNEED on a VM_PFNMAP mapping is EINVAL, POPULATE_READ too (VM_IO)
A madvise $below+0x7000 0x1000 MADV_DONTFORK expect=EINVAL
A madvise $below+0x7000 0x2000 MADV_DONTFORK expect=0
A madvise $below+0x1000 0x4000 MADV_DONTFORK expect=0
A madvise $below+0x1000 0x4000 MADV_DOFORK expect=EINVAL
A madvise $below+0x1000 0x4000 MADV_DONTNEED expect=EINVAL
A madvise $below+0x1000 0x1000 MADV_RANDOM expect=EINVAL
A madvise $below+0x7000 0x2000 MADV_DONTNEED expect=0
A madvise $below+0x1000 0x4000 MADV_WILLNEED expect=0
A madvise $below+0x1000 0x4000 MADV_POPULATE_READ expect=EINVAL
A madvise $below+0x7000 0x2000 MADV_POPULATE_READ expect=0
A madvise $below+0x7000 0x2000 MADV_FREE expect=EINVAL
A madvise $below+0x7000 0x2000 MADV_GUARD_INSTALL expect=EINVAL
A madvise $below+0x7000 0x2000 MADV_HUGEPAGE expect=0
A madvise $below+0x7000 0x1000 MADV_NOHUGEPAGE expect=EINVAL
# mlock skips special mappings (no split, no VM_LOCKED)
A mlock $below+0x1000 0x1000 expect=0
A mlock $below+0x8000 0x1000 expect=0
A msync $below+0x1000 0x1000 MS_SYNC expect=0
cat /proc/A/maps
# mremap: same size without a move is a no-op; growing is EFAULT
# (VM_DONTEXPAND); shrinking or moving part of one is EINVAL
A mremap $below+0x7000 0x1000 0x1000 0
A mremap $below+0x7000 0x2000 0x3000 0 expect=EFAULT
A mremap $below+0x7000 0x1000 0x2000 MREMAP_MAYMOVE expect=EFAULT
A mremap $below+0x1000 0x4000 0x1000 0 expect=EINVAL
A mremap $below+0x8000 0x1000 0x1000 MREMAP_MAYMOVE|MREMAP_FIXED $below-0x100000 expect=EINVAL
A mremap $below+0x7000 0x2000 0x2000 MREMAP_MAYMOVE|MREMAP_DONTUNMAP expect=EINVAL
# whole ones move; an ordinary VMA below [vvar] splits before the special
# one refuses: the split stays
A mremap $below+0x7000 0x2000 0x2000 MREMAP_MAYMOVE|MREMAP_FIXED $below-0x100000
A mmap $below-0x6000 0x7000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $below-0x2000 0x4000 expect=EINVAL
A mprotect $below-0x4000 0x6000 r-x expect=EACCES
A madvise $below-0x5000 0x7000 MADV_RANDOM expect=EINVAL
A mmap $below-0x1000 0x3000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=EINVAL
cat /proc/A/maps
# replacing [vvar_vclock] whole with MAP_FIXED, unmapping [vvar] whole
A mmap $below+0x5000 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A munmap $below+0x1000 0x4000 expect=0
cat /proc/A/maps
