# The process's own [stack] (the runner's initial stack, below TASK_SIZE):
# after a split only the piece holding mm->start_stack is named [stack]
# (Linux vma_is_initial_stack), so the prelude carries start_stack from
# /proc/PID/stat.  Accesses below it grow it (expand_downwards, up to
# RLIMIT_STACK); a mapping placed in its guard gap stops the growth 256
# pages above that mapping; a hint inside the stack or its gap is not
# taken.  Only the stack's lowest pages are written: the runner lives in
# the rest.
spawn A
handle A SIGSEGV catch
A mprotect 0x7fffffffe000 0x1000 rwx expect=0
A madvise 0x7ffffffde000 0x2000 MADV_RANDOM expect=0
cat /proc/A/maps
A touch 0x7ffffff00000 0x1000 write
A touch 0x7fffffde0000 0x1000 write
A mmap 0x7ffffff80000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap 0x7fffffd00000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap 0x7fffffe00000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A touch 0x7fffffdd0000 0x1000 write
cat /proc/A/maps
A mmap 0x7fffff700000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A touch 0x7fffff800000 0x1000 read
A touch 0x7fffff801000 0x1000 read
A touch 0x7fffff7ff000 0x1000 read
cat /proc/A/maps
A fork B
B mprotect 0x7ffffffde000 0x21000 rwx expect=0
B madvise 0x7fffff801000 0x1000 MADV_DONTNEED expect=0
cat /proc/B/maps
