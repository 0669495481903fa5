# MAP_SYNC on a file of an ext4-like host mount without DAX (found by the
# generator's file mappings, seed 5 index 98): MAP_SHARED_VALIDATE may name
# MAP_SYNC (FOP_MMAP_SYNC), but every VM_SYNC mapping of such a file, of any
# type, is refused by the file system's mmap method (EOPNOTSUPP), after
# MAP_FIXED has cleared the old range: the gap stays.  An unknown flag with
# MAP_SHARED_VALIDATE and a write mapping of a read-only descriptor fail
# before that (no gap); anonymous memory takes MAP_SYNC as before.
#@file f0 40960 3
mount @FILES@ /mnt
spawn A
A open /mnt/f0 O_RDWR -> fd
A open /mnt/f0 O_RDONLY -> ro
A mmap 0 0x10000 --- MAP_PRIVATE|MAP_ANONYMOUS -> a
A mmap $a 0x1000 r-- MAP_SHARED|MAP_SYNC|MAP_FIXED $fd 0
A mmap $a+0x2000 0x1000 r-- MAP_PRIVATE|MAP_SYNC|MAP_FIXED $fd 0
A mmap $a+0x4000 0x1000 r-- MAP_SHARED_VALIDATE|MAP_SYNC|MAP_FIXED $ro 0
A mmap $a+0x6000 0x1000 rw- MAP_SHARED_VALIDATE|MAP_SYNC|MAP_FIXED $ro 0
A mmap $a+0x8000 0x1000 r-- MAP_SHARED_VALIDATE|0x800000|MAP_FIXED $fd 0
A mmap $a+0xa000 0x1000 r-- MAP_SHARED_VALIDATE|MAP_FIXED $fd 0x1000
A mmap 0 0x1000 r-- MAP_SHARED_VALIDATE|MAP_SYNC $fd 0
A mmap 0 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_SYNC
A mmap 0 0x1000 r-- MAP_SHARED|MAP_ANONYMOUS|MAP_SYNC
A mmap 0 0x1000 r-- MAP_SHARED_VALIDATE|MAP_ANONYMOUS|MAP_SYNC
cat /proc/A/maps
cat /proc/A/smaps
