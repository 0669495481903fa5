# Every check of swapon(2) and swapoff(2) with its errno, as the reference
# kernel gives them (mm/swapfile.c read_swap_header, setup_swap_map,
# claim_swapfile, alloc_swap_info): the header is edited in place through a
# process's pwrite between tries.  A byte-swapped header is accepted.
machine ram=64M
mount host /mnt
# mkswap: at least 10 pages, a label of at most 16 bytes
mkswap /mnt/small 36K expect=EINVAL
mkswap /mnt/label 1M label=seventeen-bytes-x expect=EINVAL
mkswap /mnt/ok 40K expect=0
swapon /mnt/ok expect=0
cat /proc/swaps
swapoff /mnt/ok expect=0
mkswap /mnt/s 1M expect=0
spawn A
A mmap 0 4K rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
A open /mnt/s O_RDWR -> fd
# no swap signature
A pread $fd $b 8 4086 expect=8
A read $b 8 expect=0x4341505350415753
A write $b 8 0x3245434150535041
A pwrite $fd $b 8 4086 expect=8
swapon /mnt/s expect=EINVAL
A write $b 8 0x4341505350415753
A pwrite $fd $b 8 4086 expect=8
swapon /mnt/s expect=0
swapoff /mnt/s expect=0
# version 2
A write $b 4 2
A pwrite $fd $b 4 1024 expect=4
swapon /mnt/s expect=EINVAL
# byte-swapped: version 1 and last_page 255 big-endian are accepted
A write $b 4 0x01000000
A pwrite $fd $b 4 1024 expect=4
A write $b 4 0xff000000
A pwrite $fd $b 4 1028 expect=4
swapon /mnt/s expect=0
cat /proc/swaps
swapoff /mnt/s expect=0
A write $b 4 1
A pwrite $fd $b 4 1024 expect=4
# last_page 0
A write $b 4 0
A pwrite $fd $b 4 1028 expect=4
swapon /mnt/s expect=EINVAL
# an area longer than the file (last_page 256 of a 256-page file)
A write $b 4 256
A pwrite $fd $b 4 1028 expect=4
swapon /mnt/s expect=EINVAL
# last_page 128 of 256 pages: fine, the area is the first 129 pages
A write $b 4 128
A pwrite $fd $b 4 1028 expect=4
swapon /mnt/s expect=0
cat /proc/swaps
swapoff /mnt/s expect=0
# bad pages are refused in a regular file
A write $b 4 1
A pwrite $fd $b 4 1032 expect=4
A write $b 4 5
A pwrite $fd $b 4 1536 expect=4
swapon /mnt/s expect=EINVAL
A write $b 4 0
A pwrite $fd $b 4 1032 expect=4
swapon /mnt/s expect=0
# already active: EBUSY; writing, truncating, fallocating it: ETXTBSY
swapon /mnt/s expect=EBUSY
A pwrite $fd $b 4 8192 expect=ETXTBSY
A ftruncate $fd 1M expect=ETXTBSY
A fallocate $fd 0 0 4K expect=ETXTBSY
mkswap /mnt/s 1M expect=ETXTBSY
swapoff /mnt/s expect=0
swapoff /mnt/s expect=EINVAL
# not found, not a swap file, a directory (O_RDWR: EISDIR), not on a host
# mount (tmpfs), holes
swapon /mnt/missing expect=ENOENT
swapoff /mnt/missing expect=ENOENT
A open /mnt/plain O_RDWR|O_CREAT -> fd2
A ftruncate $fd2 1M expect=0
swapon /mnt/plain expect=EINVAL
swapoff /mnt/plain expect=EINVAL
swapon /mnt expect=EISDIR
mkswap /tmpfs-swap 1M expect=0
swapon /tmpfs-swap expect=EINVAL
swapon /mnt/sparse expect=EINVAL
# unknown flags
swapon /mnt/s flags=0x80000 expect=EINVAL
verify
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/ok
ZZ unlink /mnt/s
ZZ unlink /mnt/plain
ZZ unlink /tmpfs-swap
dmesg reports expect=none
