# tools/testing/selftests/mm/map_fixed_noreplace.c re-expressed: a 3-page
# mapping in the middle of a 5-page window; every overlapping
# MAP_FIXED_NOREPLACE fails with EEXIST and changes nothing, adjacent ones
# succeed (and merge, being compatible).
spawn A exec
A mmap 0x200000000 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=0x200000000
A munmap 0x200000000 4K expect=0
A munmap 0x200004000 4K expect=0
cat /proc/A/maps
# existing:     |***|      new: |-----|    (covers it)
A mmap 0x200000000 20K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# new inside the existing one
A mmap 0x200002000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# new overlapping its end
A mmap 0x200003000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
# new overlapping its start
A mmap 0x200000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=EEXIST
cat /proc/A/maps
# adjacent below and above: allowed
A mmap 0x200000000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=0x200000000
A mmap 0x200004000 4K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE expect=0x200004000
cat /proc/A/maps
# vm.max_map_count: a split that would exceed it fails with ENOMEM and the
# maps are unchanged; mmap checks map_count > max before adding one
# (8 VMAs here: one more mapping is allowed, the next is not)
sysctl vm.max_map_count=8
A mprotect 0x200001000 4K r-- expect=ENOMEM
A munmap 0x200001000 4K expect=ENOMEM
cat /proc/A/maps
A mmap 0 4K r-- MAP_PRIVATE|MAP_ANONYMOUS expect=0x7ffff7ff6000
A mmap 0 4K rw- MAP_SHARED|MAP_ANONYMOUS expect=ENOMEM
sysctl vm.max_map_count=65530
verify
