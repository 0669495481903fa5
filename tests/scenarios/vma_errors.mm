# Error cases of mmap/munmap/mprotect, each checked on a 6.18 host (ASLR
# off, as root so that address 0 is allowed), and a rejected call changes
# nothing: the maps dump before and after must be equal.
spawn A exec
A set root=1
A mmap 0x200000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
A mmap 0x200003000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/A/maps
# mprotect across a hole: the part before the hole changes, then ENOMEM
A mprotect 0x200000000 20K r-- expect=ENOMEM
A mprotect 0x200000000 4K PROT_READ|PROT_SEM expect=0
A mprotect 0x200000000 4K PROT_GROWSUP expect=EINVAL
A mprotect 0x200000001 4K r-- expect=EINVAL
A mprotect 0x200000000 0 r-- expect=0
A mprotect 0x200032000 4K r-- expect=ENOMEM
A mprotect 0x200000000 4K PROT_GROWSDOWN|PROT_READ expect=EINVAL
A mprotect 0x200000000 4K 0x10 expect=EINVAL
cat /proc/A/maps
# munmap
A munmap 0x200000001 4K expect=EINVAL
A munmap 0x200000000 0 expect=EINVAL
A munmap 0xfffffffffffff000 8K expect=EINVAL
A munmap 0x7ffffffff000 4K expect=EINVAL
A munmap 0x800000000000 4K expect=EINVAL
A munmap 0x200010000 4095 expect=0
# mmap validation, in do_mmap's order
A mmap 0 4K rw- MAP_ANONYMOUS expect=EINVAL
A mmap 0 0 rw- MAP_ANONYMOUS|MAP_PRIVATE expect=EINVAL
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_SHARED_VALIDATE expect=EINVAL
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_SHARED expect=EINVAL
A mmap 0x200000001 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED expect=EINVAL
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE 0 1 expect=EINVAL
A mmap 0 0xfffffffffffff000 rw- MAP_ANONYMOUS|MAP_PRIVATE expect=ENOMEM
A mmap 0x7ffffffff000 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED expect=ENOMEM
A mmap 0x7fffffffe000 8K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED expect=ENOMEM
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_SHARED|MAP_GROWSDOWN expect=EINVAL
A mmap 0 4K rw- MAP_PRIVATE expect=EBADF
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_HUGETLB expect=ENOMEM
A mmap 0x200000000 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED_NOREPLACE expect=EEXIST
A mmap 0x200000000 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED_NOREPLACE|MAP_FIXED expect=EEXIST
A mmap 0x200000001 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_FIXED_NOREPLACE expect=EINVAL
A mmap 0x200000000 4K rw- MAP_ANONYMOUS|MAP_SHARED|MAP_PRIVATE|MAP_FIXED_NOREPLACE expect=EEXIST
cat /proc/A/maps
# accepted oddities: PROT_GROWSDOWN and unknown prot bits in mmap, an fd with
# MAP_ANONYMOUS, MAP_UNINITIALIZED, MAP_DROPPABLE, MAP_32BIT bottom-up
A mmap 0 4K 0x13 MAP_ANONYMOUS|MAP_PRIVATE expect=0x7ffff7ff6000
A mmap 0 4K PROT_GROWSDOWN|PROT_READ MAP_ANONYMOUS|MAP_PRIVATE expect=0x7ffff7ff5000
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE 99 0 expect=0x7ffff7ff4000
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_UNINITIALIZED expect=0x7ffff7ff3000
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_DROPPABLE expect=0x7ffff7ff2000
A mmap 0 2M rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_32BIT expect=0x40200000
A mmap 0 4K rw- MAP_ANONYMOUS|MAP_PRIVATE|MAP_32BIT expect=0x40000000
# a hint below mmap_min_addr (65536: CONFIG_LSM_MMAP_MIN_ADDR) is raised to
# it; a free hint is taken as is
A mmap 0x1000 4K rw- MAP_ANONYMOUS|MAP_PRIVATE expect=0x10000
A mmap 0x200007005 4K rw- MAP_ANONYMOUS|MAP_PRIVATE expect=0x200007000
cat /proc/A/maps
verify
