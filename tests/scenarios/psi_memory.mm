# Memory pressure stall information (issue 19): /proc/pressure/memory in
# simulated time.  The swap device takes 1 ms a request, so direct reclaim
# that writes anonymous pages to swap stalls the faulting process for
# simulated time: "some" and "full" totals grow (mmkit runs one context per
# CPU, so the two agree).  The averages are sampled every 2.004 s (PSI_FREQ)
# of simulated time by the averaging work: they rise at its first run after
# the stall and decay while `sleep` advances the clock with no stall.
machine ram=16M
mount host /mnt latency=1ms
mkswap /mnt/swapfile 48M expect=0
swapon /mnt/swapfile expect=0
cat /proc/pressure/memory
spawn A
A mmap 0 32M rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> m
A fillpat $m 32M 7 expect=ok
cat /proc/vmstat allocstall_normal allocstall_movable pageoutrun pswpout
cat /proc/pressure/memory
sleep 2s
cat /proc/pressure/memory
sleep 10s
cat /proc/pressure/memory
sleep 120s
cat /proc/pressure/memory
A exit
verify
swapoff /mnt/swapfile expect=0
#@cleanup the swap file goes, so that none of its pages outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
