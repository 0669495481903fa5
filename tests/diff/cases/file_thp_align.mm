# Mappings of a file on an ext4-like host mount are placed by the file
# system's get_unmapped_area, thp_get_unmapped_area: a range holding a whole
# PMD of the file starts congruent to its file offset modulo 2 MiB, by mmap
# (hinted or not) and by mremap's move (found by the generator, seed 6
# index 40: mremap of a 3-page shared file mapping to 2 MiB).
#@file f0 77824 87
mount @FILES@ /mnt
spawn A
A open /mnt/f0 O_RDWR -> fd0
A mmap 0 0x3000 r-- MAP_SHARED $fd0 0x0 -> f2
A mremap $f2 0x3000 0x200000 MREMAP_MAYMOVE
A mmap 0 0x200000 r-- MAP_PRIVATE $fd0 0x0
A mmap 0 0x201000 r-- MAP_PRIVATE $fd0 0x1000
A mmap 0 0x300000 r-- MAP_SHARED $fd0 0x3000
A mmap 0 0x1ff000 r-- MAP_SHARED $fd0 0x0
A mmap 0x10000000 0x400000 r-- MAP_SHARED $fd0 0x5000
A mmap 0 0x200000 rw- MAP_PRIVATE|MAP_ANONYMOUS
A mmap 0 0x200000 rw- MAP_SHARED|MAP_ANONYMOUS
cat /proc/A/maps
