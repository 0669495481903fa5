# Pages mapped by a MAP_LOCKED populate of a file are mlocked (unevictable),
# so a second touch does not activate them, and the zap of the locked
# mapping munlocks them after its accessed mark: the other mapping of the
# same pages still shows them Referenced (seed 7 of level 6, index 165).
#@file f0 115157 409857874
mount @FILES@ /mnt
spawn A
A mmap 0 0x800000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A open /mnt/f0 O_RDWR -> fd1
A mmap 0 0x5000 rw- MAP_PRIVATE $fd1 0x0 -> fm2
A write $fm2+0x443c 4 0xc0bbd7e6
A read $fm2+0x2bf9 8
A fork P1
P1 mmap $base+0x7e7000 0x8000 r-x MAP_PRIVATE|MAP_POPULATE|MAP_LOCKED|MAP_FIXED $fd1 0x0 -> fm6
cat /proc/P1/smaps
P1 mmap $base+0x7e7000 0x1d000 --x MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED
cat /proc/P1/smaps
