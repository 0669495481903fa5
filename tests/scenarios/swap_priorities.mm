# Priorities (mm/swapfile.c enable_swap_info, swapoff): areas without one
# get -2, -3, ... in order; swapoff of an auto-priority area moves every
# lower one up by one; MAX_SWAPFILES (28 on the reference) areas at most,
# the 29th swapon is EPERM.  Slots come from the highest priority first;
# areas of equal priority take turns, one slot each on a rotational device
# (pagemap shows the type alternating), while a lower one is not used until
# the higher ones are full.
machine ram=64M
mount host /mnt
mkswap /mnt/a1 40K expect=0
mkswap /mnt/a2 40K expect=0
mkswap /mnt/a3 40K expect=0
mkswap /mnt/a4 40K expect=0
mkswap /mnt/a5 40K expect=0
mkswap /mnt/a6 40K expect=0
mkswap /mnt/a7 40K expect=0
mkswap /mnt/a8 40K expect=0
mkswap /mnt/a9 40K expect=0
mkswap /mnt/a10 40K expect=0
mkswap /mnt/a11 40K expect=0
mkswap /mnt/a12 40K expect=0
mkswap /mnt/a13 40K expect=0
mkswap /mnt/a14 40K expect=0
mkswap /mnt/a15 40K expect=0
mkswap /mnt/a16 40K expect=0
mkswap /mnt/a17 40K expect=0
mkswap /mnt/a18 40K expect=0
mkswap /mnt/a19 40K expect=0
mkswap /mnt/a20 40K expect=0
mkswap /mnt/a21 40K expect=0
mkswap /mnt/a22 40K expect=0
mkswap /mnt/a23 40K expect=0
mkswap /mnt/a24 40K expect=0
mkswap /mnt/a25 40K expect=0
mkswap /mnt/a26 40K expect=0
mkswap /mnt/a27 40K expect=0
mkswap /mnt/a28 40K expect=0
mkswap /mnt/a29 40K expect=0
swapon /mnt/a1 expect=0
swapon /mnt/a2 expect=0
swapon /mnt/a3 expect=0
swapon /mnt/a4 expect=0
swapon /mnt/a5 expect=0
swapon /mnt/a6 expect=0
swapon /mnt/a7 expect=0
swapon /mnt/a8 expect=0
swapon /mnt/a9 expect=0
swapon /mnt/a10 expect=0
swapon /mnt/a11 expect=0
swapon /mnt/a12 expect=0
swapon /mnt/a13 expect=0
swapon /mnt/a14 expect=0
swapon /mnt/a15 expect=0
swapon /mnt/a16 expect=0
swapon /mnt/a17 expect=0
swapon /mnt/a18 expect=0
swapon /mnt/a19 expect=0
swapon /mnt/a20 expect=0
swapon /mnt/a21 expect=0
swapon /mnt/a22 expect=0
swapon /mnt/a23 expect=0
swapon /mnt/a24 expect=0
swapon /mnt/a25 expect=0
swapon /mnt/a26 expect=0
swapon /mnt/a27 expect=0
swapon /mnt/a28 expect=0
swapon /mnt/a29 expect=EPERM
cat /proc/swaps
swapoff /mnt/a2 expect=0
swapoff /mnt/a27 expect=0
cat /proc/swaps
swapon /mnt/a29 expect=0
swapon /mnt/a2 prio=7 expect=0
cat /proc/swaps
swapoff /mnt/a1 expect=0
swapoff /mnt/a2 expect=0
swapoff /mnt/a3 expect=0
swapoff /mnt/a4 expect=0
swapoff /mnt/a5 expect=0
swapoff /mnt/a6 expect=0
swapoff /mnt/a7 expect=0
swapoff /mnt/a8 expect=0
swapoff /mnt/a9 expect=0
swapoff /mnt/a10 expect=0
swapoff /mnt/a11 expect=0
swapoff /mnt/a12 expect=0
swapoff /mnt/a13 expect=0
swapoff /mnt/a14 expect=0
swapoff /mnt/a15 expect=0
swapoff /mnt/a16 expect=0
swapoff /mnt/a17 expect=0
swapoff /mnt/a18 expect=0
swapoff /mnt/a19 expect=0
swapoff /mnt/a20 expect=0
swapoff /mnt/a21 expect=0
swapoff /mnt/a22 expect=0
swapoff /mnt/a23 expect=0
swapoff /mnt/a24 expect=0
swapoff /mnt/a25 expect=0
swapoff /mnt/a26 expect=0
swapoff /mnt/a28 expect=0
swapoff /mnt/a29 expect=0
cat /proc/swaps
# equal priorities take turns; the lower one waits
mkswap /mnt/x 64K expect=0
mkswap /mnt/y 64K expect=0
mkswap /mnt/z 64K expect=0
swapon /mnt/x prio=5 expect=0
swapon /mnt/y prio=5 expect=0
swapon /mnt/z prio=1 expect=0
spawn A
A mmap 0 128K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 128K 3 expect=ok
A madvise $m+0x0 4K MADV_PAGEOUT expect=0
A madvise $m+0x1000 4K MADV_PAGEOUT expect=0
A madvise $m+0x2000 4K MADV_PAGEOUT expect=0
A madvise $m+0x3000 4K MADV_PAGEOUT expect=0
A madvise $m+0x4000 4K MADV_PAGEOUT expect=0
A madvise $m+0x5000 4K MADV_PAGEOUT expect=0
cat /proc/A/pagemap $m 24K
# x and y hold 15 slots each: the 31st page goes to z
A madvise $m+0x6000 104K MADV_PAGEOUT expect=0
cat /proc/A/pagemap $m+0x1c000 16K
cat /proc/swaps
verify
A checkpat $m 128K 3 expect=ok
verify
swapoff /mnt/x expect=0
swapoff /mnt/y expect=0
swapoff /mnt/z expect=0
cat /proc/swaps
#@cleanup the files go, so that no tmpfs copy (a failed mount) outlives the run
spawn ZZ
ZZ unlink /mnt/a1
ZZ unlink /mnt/a2
ZZ unlink /mnt/a3
ZZ unlink /mnt/a4
ZZ unlink /mnt/a5
ZZ unlink /mnt/a6
ZZ unlink /mnt/a7
ZZ unlink /mnt/a8
ZZ unlink /mnt/a9
ZZ unlink /mnt/a10
ZZ unlink /mnt/a11
ZZ unlink /mnt/a12
ZZ unlink /mnt/a13
ZZ unlink /mnt/a14
ZZ unlink /mnt/a15
ZZ unlink /mnt/a16
ZZ unlink /mnt/a17
ZZ unlink /mnt/a18
ZZ unlink /mnt/a19
ZZ unlink /mnt/a20
ZZ unlink /mnt/a21
ZZ unlink /mnt/a22
ZZ unlink /mnt/a23
ZZ unlink /mnt/a24
ZZ unlink /mnt/a25
ZZ unlink /mnt/a26
ZZ unlink /mnt/a27
ZZ unlink /mnt/a28
ZZ unlink /mnt/a29
ZZ unlink /mnt/x
ZZ unlink /mnt/y
ZZ unlink /mnt/z
dmesg reports expect=none
