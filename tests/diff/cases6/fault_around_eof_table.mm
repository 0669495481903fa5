# Fault-around and the page holding EOF (seed 8 of level 6, index 243).
# Linux 6.18.y's filemap_map_pages installs a missing PTE table only when
# the first cached folio of the window ends inside i_size: where the PMD
# has no table and that folio holds EOF, it maps nothing (so a fault past
# EOF leaves no page mapped); where a table exists it maps every cached
# page up to EOF.  f0 ends in page 0x35; only that page is cached.
#@file f0 135168 447488743
mount @FILES@ /mnt
spawn A
A mmap 0 0x10000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f0 O_RDWR -> fd
A pwrite $fd $buf 0x4d2 218081
# no table at 0x10000000: nothing mapped by the populate past EOF
A mmap 0x10000000 0x42000 r-- MAP_PRIVATE|MAP_FIXED $fd 0x0 -> a
A madvise $a+0x3a000 0x1000 MADV_POPULATE_READ
# a table at 0x10200000 (an anonymous page in the same PMD): page 0x35 mapped
A mmap 0x10300000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED -> an
A write $an 1 7
A mmap 0x10200000 0x42000 r-- MAP_PRIVATE|MAP_FIXED $fd 0x0 -> b
A madvise $b+0x3a000 0x1000 MADV_POPULATE_READ
# no table, but the first cached page (0x34) ends before EOF: both mapped
A pwrite $fd $buf 0x10 0x34000
A mmap 0x10400000 0x42000 r-- MAP_PRIVATE|MAP_FIXED $fd 0x0 -> c
A madvise $c+0x3a000 0x1000 MADV_POPULATE_READ
# a read past EOF through write(2)'s copy: EFAULT, nothing mapped
A mmap 0x10600000 0x42000 r-- MAP_PRIVATE|MAP_FIXED $fd 0x0 -> d
A sys_write $fd $d+0x3b000 0x5ca
# the EOF page itself with no table: ->fault maps it (finish_fault)
A mmap 0x10800000 0x42000 r-- MAP_PRIVATE|MAP_FIXED $fd 0x0 -> e
A madvise $e+0x35000 0x1000 MADV_POPULATE_READ
cat /proc/A/smaps
