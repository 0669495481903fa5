# mlock's per-CPU batch (Linux mlock_folio, mlock_new_folio): a page mapped
# into a VM_LOCKED VMA is PG_mlocked at once but moves to the unevictable
# list only when this CPU's mlock batch moves (full, or lru_add_drain).
# Until then folio_mark_accessed treats it as evictable: a second touch
# activates it and clears PG_referenced.  A populate (populate_vma_page_range)
# and MADV_POPULATE_* (faultin_page_range) drain the batches at their end.
#
# 1. Seed 8 of level 6, index 267: ftruncate's zeroing of the EOF block
#    marks page 16 accessed (ext4's FGP_ACCESSED); the grandchild's
#    MAP_LOCKED populate of pages 14-16 maps them by fault-around (mlocked,
#    still batched) and touches each once: pages 14 and 15 become
#    Referenced, page 16 is activated and loses the mark.  P2's view of
#    the first mapping shows 8 kB Referenced (mmkit said 12 before).
#@file f0 93260 918181237
mount @FILES@ /mnt
spawn A
A mmap 0 0x1001000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A munmap $base 0x1001000
A mmap 0 0x10000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
A open /mnt/f0 O_RDWR -> fd1
A mmap 0 0x18c4c rw- MAP_PRIVATE $fd1 0x0 -> fm1
A fill $fm1 0xdae 0x8
A check $fm1+0x10000 0x72c 0x0
A ftruncate $fd1 66125
A fork P2
P2 fork P3
P3 mmap 0 0x224d r-- MAP_PRIVATE|MAP_LOCKED $fd1 0xe000 -> fm10
cat /proc/P2/smaps
# 2. MLOCK_ONFAULT: the write faults leave the new pages in the mlock
#    batch; the first MADV_POPULATE_WRITE marks them and drains it, so the
#    second one finds them unevictable and they stay Referenced.
spawn B
B mmap 0 0x5000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
B mlock2 $m 0x5000 MLOCK_ONFAULT
B touch $m 0x5000 write
B madvise $m 0x5000 MADV_POPULATE_WRITE
B madvise $m 0x3000 MADV_POPULATE_WRITE
B fork Q
cat /proc/Q/smaps
# 3. A MAP_LOCKED populate of 40 pages (the batch fills once, the rest is
#    drained at the populate's end): all 40 stay Referenced after a
#    MADV_POPULATE_WRITE; without the lock the second touch clears them.
spawn C
C mmap 0 0x28000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_LOCKED -> l
C madvise $l 0x28000 MADV_POPULATE_WRITE
C mmap 0 0x8000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> u
C madvise $u 0x8000 MADV_POPULATE_WRITE
C madvise $u 0x8000 MADV_POPULATE_WRITE
C fork R
cat /proc/R/smaps
