# The runner's own executable image (a static binary at 0x400000), imported
# with its smaps VmFlags (the `vmflags` import lines: the RELRO range keeps
# VM_ACCOUNT from when it was writable).  Its segments come from one file:
# once the ELF header page gets the text's rights it merges with the text
# (same file, continuous offsets).  Only calls that leave the runner
# running reach it: rights it already has or more, advice without content
# loss, mlock, NOREPLACE and in-place mremap; and the pages just below it.
spawn A
A mprotect 0x400000 0x1000 r-x expect=0
cat /proc/A/maps
A mprotect 0x401000 0x2000 rwx expect=0
A madvise 0x401000 0x4000 MADV_RANDOM expect=0
A madvise 0x400000 0x8000 MADV_NORMAL expect=0
A madvise 0x401000 0x4000 MADV_DONTNEED expect=0
A madvise 0x401000 0x4000 MADV_FREE expect=EINVAL
A madvise 0x401000 0x4000 MADV_WIPEONFORK expect=EINVAL
A madvise 0x401000 0x4000 MADV_COLLAPSE expect=EINVAL
A mlock 0x401000 0x3000 expect=0
A munlock 0x400000 0x8000 expect=0
A msync 0x400000 0x4000 MS_SYNC expect=0
A mmap 0x401000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
A mremap 0x401000 0x1000 0x1000 0
A mremap 0x401000 0x1000 0x3000 0 expect=ENOMEM
A mmap 0x3fc000 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mprotect 0x3fc000 0x5000 r-x expect=0
A munmap 0x3fe000 0x2000 expect=0
cat /proc/A/smaps
