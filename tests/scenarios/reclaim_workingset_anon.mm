# Workingset (issue 19): streaming a file of 10x RAM does not evict a hot
# anonymous working set.  A 160M file (sparse on the host) is mapped and
# read page by page in 16M chunks on a 16M machine with swap; between the
# chunks the 4M anonymous hot set is touched again.  Reclaim takes the
# streamed file pages (pgsteal_file) and leaves the hot set resident
# (RssAnon 4096 kB, VmSwap 0, pswpout 0); file pages that read-around reads
# again right after their eviction refault (workingset_refault_file) and,
# their refault distance being within the workingset, are activated.  Then
# MADV_PAGEOUT pushes the hot set to swap: each page leaves a shadow in the
# swap table, so touching it again counts workingset_refault_anon and
# workingset_activate_anon.  verify (shadows and counts included) runs after
# every line in debug builds.
machine ram=16M
mount host /mnt
mkswap /mnt/swapfile 32M expect=0
swapon /mnt/swapfile expect=0
spawn A
A open /mnt/stream O_RDWR|O_CREAT 0644 -> fd
A ftruncate $fd 160M expect=0
A mmap 0 160M r-- MAP_SHARED $fd 0 -> s
A mmap 0 4M rw- MAP_PRIVATE|MAP_ANONYMOUS -> h
A fill $h 4M 0x5a expect=ok
A touch $s 16M read
A touch $h 4M read
A touch $s+16M 16M read
A touch $h 4M read
A touch $s+32M 16M read
A touch $h 4M read
A touch $s+48M 16M read
A touch $h 4M read
A touch $s+64M 16M read
A touch $h 4M read
A touch $s+80M 16M read
A touch $h 4M read
A touch $s+96M 16M read
A touch $h 4M read
A touch $s+112M 16M read
A touch $h 4M read
A touch $s+128M 16M read
A touch $h 4M read
A touch $s+144M 16M read
A touch $h 4M read
A check $h 4M 0x5a expect=ok
cat /proc/A/status VmRSS RssAnon RssFile VmSwap
cat /proc/vmstat pswpin pswpout pgscan_anon pgsteal_anon pgscan_file pgsteal_file slabs_scanned workingset_nodes workingset_nodereclaim workingset_refault_anon workingset_refault_file workingset_activate_anon workingset_activate_file workingset_restore_anon workingset_restore_file
verify
A madvise $h 4M MADV_PAGEOUT expect=0
cat /proc/A/status RssAnon VmSwap
A check $h 4M 0x5a expect=ok
cat /proc/vmstat pswpin pswpout workingset_refault_anon workingset_activate_anon workingset_restore_anon
verify
A exit
swapoff /mnt/swapfile expect=0
verify
#@cleanup the host files go, so that none of their pages outlives the run
spawn ZZ
ZZ unlink /mnt/swapfile
ZZ unlink /mnt/stream
