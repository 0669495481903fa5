# The order of do_mmap's checks for a file (found by the generator's file
# mappings, seed 5 index 66): file_mmap_ok's EOVERFLOW (an offset past
# MAX_LFS_FILESIZE) comes in the file branch, after MAP_FIXED_NOREPLACE's
# EEXIST; the pgoff wrap is checked first of all.
#@file f0 12288 358
mount @FILES@ /mnt
spawn A
A open /mnt/f0 O_RDONLY -> fd
A mmap 0 0x10000 --- MAP_PRIVATE|MAP_ANONYMOUS -> a
A mmap $a 0x3000 -w- MAP_SHARED|MAP_FIXED_NOREPLACE $fd 0xfffffffffffff000
A mmap $a 0x3000 r-- MAP_PRIVATE|MAP_FIXED_NOREPLACE $fd 0x7ffffffffffff000
A mmap 0 0x3000 r-- MAP_PRIVATE $fd 0xfffffffffffff000
A mmap 0 0x3000 -w- MAP_SHARED $fd 0x7ffffffffffff000
A mmap 0 0x3000 r-- MAP_SHARED $fd 0x100000000000
A mmap $a 0x3000 r-- MAP_PRIVATE|MAP_FIXED_NOREPLACE $fd 0xffffffffffffe000
cat /proc/A/maps
