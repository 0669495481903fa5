# Clean file pages, mapped and unmapped (issue 19; Linux
# folio_check_references), on a 16M machine without swap.
# Mapped: a page read once through a shared mapping has a young PTE, so
# reclaim's first look keeps it (FOLIOREF_KEEP: PG_referenced set, the
# Accessed bit cleared through the rmap) and its second reclaims it
# (FOLIOREF_RECLAIM_CLEAN, try_to_unmap): pgscan_file is about twice
# pgsteal_file.  Unmapped: a page read once by pread(2) is referenced by
# the read's mark_page_accessed (PG_referenced) and mapped nowhere, so the
# first look reclaims it without an rmap walk (folio_mapped() is false):
# pgscan_file grows exactly as pgsteal_file.  (bench_reclaim's file and
# read shapes time the two; docs/PERFORMANCE.md "Reclaim".)
machine ram=16M
mount host /mnt
spawn B
B open /mnt/mapped O_RDWR|O_CREAT 0644 -> fd
B ftruncate $fd 48M expect=0
B mmap 0 48M r-- MAP_SHARED $fd 0 -> a
B touch $a 48M read
cat /proc/vmstat pgscan_file pgsteal_file pgactivate workingset_refault_file
B munmap $a 48M
B ftruncate $fd 0 expect=0
verify
B open /mnt/read O_RDWR|O_CREAT 0644 -> rfd
B ftruncate $rfd 48M expect=0
B mmap 0 4M rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
B pread $rfd $b 4M 0M
B pread $rfd $b 4M 4M
B pread $rfd $b 4M 8M
B pread $rfd $b 4M 12M
B pread $rfd $b 4M 16M
B pread $rfd $b 4M 20M
B pread $rfd $b 4M 24M
B pread $rfd $b 4M 28M
B pread $rfd $b 4M 32M
B pread $rfd $b 4M 36M
B pread $rfd $b 4M 40M
B pread $rfd $b 4M 44M
cat /proc/vmstat pgscan_file pgsteal_file pgactivate workingset_refault_file
verify
B ftruncate $rfd 0 expect=0
verify
B exit
#@cleanup the host files go
spawn ZZ
ZZ unlink /mnt/mapped
ZZ unlink /mnt/read
