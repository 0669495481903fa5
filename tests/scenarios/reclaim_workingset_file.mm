# Workingset (issue 19), the file side: on a 16M machine without swap, a
# 6M hot file is read (pread through a 1M buffer) again and again while a
# 160M file streams past, 6M between two reads of the hot file.  The hot
# file's second read activates it (pgactivate); pages that reclaim
# deactivated (PG_workingset) and then evicted leave shadows in the page
# cache, and when the next read brings them back within the workingset's
# size they refault active (workingset_activate_file) and count as restored
# (workingset_restore_file).  The streamed pages' shadows go when the
# stream file is truncated (verify checks every mapping's shadow count).
machine ram=16M
mount host /mnt
spawn B
B open /mnt/stream O_RDWR|O_CREAT 0644 -> fd
B ftruncate $fd 160M expect=0
B open /mnt/hot O_RDWR|O_CREAT 0644 -> hfd
B ftruncate $hfd 6M expect=0
B mmap 0 1M rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 0M
B pread $fd $b 1M 1M
B pread $fd $b 1M 2M
B pread $fd $b 1M 3M
B pread $fd $b 1M 4M
B pread $fd $b 1M 5M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 6M
B pread $fd $b 1M 7M
B pread $fd $b 1M 8M
B pread $fd $b 1M 9M
B pread $fd $b 1M 10M
B pread $fd $b 1M 11M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 12M
B pread $fd $b 1M 13M
B pread $fd $b 1M 14M
B pread $fd $b 1M 15M
B pread $fd $b 1M 16M
B pread $fd $b 1M 17M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 18M
B pread $fd $b 1M 19M
B pread $fd $b 1M 20M
B pread $fd $b 1M 21M
B pread $fd $b 1M 22M
B pread $fd $b 1M 23M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 24M
B pread $fd $b 1M 25M
B pread $fd $b 1M 26M
B pread $fd $b 1M 27M
B pread $fd $b 1M 28M
B pread $fd $b 1M 29M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 30M
B pread $fd $b 1M 31M
B pread $fd $b 1M 32M
B pread $fd $b 1M 33M
B pread $fd $b 1M 34M
B pread $fd $b 1M 35M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 36M
B pread $fd $b 1M 37M
B pread $fd $b 1M 38M
B pread $fd $b 1M 39M
B pread $fd $b 1M 40M
B pread $fd $b 1M 41M
B pread $hfd $b 1M 0M
B pread $hfd $b 1M 1M
B pread $hfd $b 1M 2M
B pread $hfd $b 1M 3M
B pread $hfd $b 1M 4M
B pread $hfd $b 1M 5M
B pread $fd $b 1M 42M
B pread $fd $b 1M 43M
B pread $fd $b 1M 44M
B pread $fd $b 1M 45M
B pread $fd $b 1M 46M
B pread $fd $b 1M 47M
cat /proc/vmstat pgscan_file pgsteal_file pgactivate pgdeactivate workingset_refault_file workingset_activate_file workingset_restore_file
cat /proc/meminfo Active(file) Inactive(file)
verify
B ftruncate $fd 0 expect=0
B ftruncate $hfd 0 expect=0
verify
B exit
#@cleanup the host files go
spawn ZZ
ZZ unlink /mnt/stream
ZZ unlink /mnt/hot
