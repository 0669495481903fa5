# Reaches the file-system sites no other scenario does (failsweep: super_block_alloc,
# bdi_alloc, bdev_alloc): a host directory mounted read-only, a file looked up
# and mapped, the mount kept until the end.
machine ram=32M cpus=1
mount /usr/share /mnt ro
spawn A
A open /mnt/common-licenses/GPL-2 O_RDONLY -> fd
A mmap 0 8K r-- MAP_PRIVATE $fd 0 -> m
A read $m 8
A close $fd
A exit
