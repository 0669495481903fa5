# kswapd wakes at low and sleeps at high (issue 19), in the one zone of a
# 16 MiB machine.  min_free_kbytes=2048 puts the watermarks at min 512,
# low 640, high 768 pages (wider apart than a per-CPU list refill, so that
# no allocation here reaches min and reclaims directly), and watermark
# boosting is off, so that only the watermarks wake kswapd.  The page cache
# holds a 12 MiB file (clean, unmapped: what kswapd reclaims).  The per-CPU
# lists hold up to 511 free pages that zoneinfo's "pages free" does not
# count, so free falls in steps.
# - A fault takes free below low: the allocator's slow path wakes kswapd;
#   kswapd runs after the command (pageoutrun, pgscan_kswapd,
#   pgsteal_kswapd) until free >= high, then naps HZ/10 of simulated time
#   (Linux kswapd_try_to_sleep).
# - Below low again before the nap ends (no simulated time passes here: the
#   device has no latency): a premature wakeup, kswapd_low_wmark_hit_quickly.
# - Below high (not low) when the nap ends: kswapd runs again by itself,
#   kswapd_high_wmark_hit_quickly.
# - A nap that ends balanced is the full sleep: below high (not low) after
#   that wakes nothing.
machine ram=16M
sysctl vm.watermark_boost_factor=0
sysctl vm.min_free_kbytes=2048
mount host /mnt
spawn A
A open /mnt/cache O_RDONLY -> fd
A mmap 0 12M r-- MAP_SHARED $fd 0 -> f
A touch $f 12M read
A munmap $f 12M
sleep 1s
A mmap 0 12M rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
# free 671: below high, above low: kswapd sleeps
A touch $m 1024K write
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
cat /proc/zoneinfo
# below low: woken, balances to high (no direct reclaim)
A touch $m+1024K 256K write
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
cat /proc/zoneinfo
# free 704: above low
A touch $m+1280K 4864K write
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
# below low again while it naps: a premature wakeup
A touch $m+6144K 256K write
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
# free 673: below high, above low: no wakeup, but the nap ends unbalanced
A touch $m+6400K 2816K write
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
cat /proc/zoneinfo
sleep 1s
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
cat /proc/zoneinfo
# the nap ends balanced: asleep for good; free 706, below high again,
# wakes nothing
sleep 1s
A touch $m+9216K 2816K write
sleep 1s
cat /proc/vmstat pageoutrun kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pgscan_kswapd pgsteal_kswapd pgscan_direct allocstall_movable
cat /proc/zoneinfo
verify
A close $fd
A exit
verify
#@cleanup the host file goes, so that none of its pages outlives the run
spawn ZZ
ZZ unlink /mnt/cache
