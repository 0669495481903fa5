# brk rules (Linux mm/mmap.c brk, checked on a 6.18 host with a static
# binary): the break is stored unaligned, the heap VMA follows it page
# aligned, a request below start_brk or into the page below the next VMA
# fails and returns the old break, RLIMIT_DATA counts the data segment too.
spawn A exec
A brk 0 expect=0x403000
A brk 0x403001 expect=0x403001
A brk 0x404001 expect=0x404001
A brk 0x405000 expect=0x405000
A brk 0x404800 expect=0x404800
cat /proc/A/maps
A brk 0x402000 expect=0x404800
A brk 0 expect=0x404800
# the heap may grow up to one page below the next VMA
A mmap 0x410000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x410000
A brk 0x40f000 expect=0x40f000
A brk 0x40f001 expect=0x40f000
cat /proc/A/maps
A munmap 0x410000 4K
# shrinking unmaps the tail
A brk 0x403800 expect=0x403800
cat /proc/A/maps
# RLIMIT_DATA: data segment (1 page) + heap must fit
A set data_rlimit=0x2000
A brk 0x404000 expect=0x404000
A brk 0x404001 expect=0x404000
# mmap of private writable memory counts against it too; read-only,
# shared and VM_GROWSDOWN mappings do not; MAP_STACK does
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 8K r-- MAP_PRIVATE|MAP_ANONYMOUS expect=0x7ffff7ff5000
A mmap 0 8K rw- MAP_SHARED|MAP_ANONYMOUS expect=0x7ffff7ff3000
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN expect=0x7ffff7ff1000
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK expect=ENOMEM
A mprotect 0x7ffff7ff5000 8K rw- expect=ENOMEM
cat /proc/A/maps
cat /proc/A/status
verify
