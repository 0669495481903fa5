# A hole punched (or a range zeroed) that ends inside the file's first page
# unmaps every shared mapping of the file from there to EOF: Linux's
# truncate_pagecache_range compares its rounded bounds as unsigned, so
# unmap_end = -1 passes, and unmap_mapping_range gets a hole length of 0
# ("to the end") for a range from 0, or below 0 (from page 1 on) for one
# that starts later.  Private COWed pages stay.  Found by the live campaign
# of seed 1218 (level 6, index 274); valid on any host (no private
# anonymous memory is read).
#@file f0 20000 535019009
mount @FILES@ /mnt
spawn A
A open /mnt/f0 O_RDWR -> fd
A mmap 0 0x5000 rw- MAP_SHARED $fd 0x0 -> s
A mmap 0 0x5000 rw- MAP_PRIVATE $fd 0x0 -> p
A touch $s 0x5000 read
A write $s+0x10 8 0x1111
A touch $p 0x5000 read
A write $p+0x3000 8 0x2222
cat /proc/A/pagemap $s 0x5000
# from 0, ending inside page 0: every shared page goes, page 0's bytes zeroed
A fallocate $fd FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 0 2106
cat /proc/A/pagemap $s 0x5000
cat /proc/A/pagemap $p 0x5000
A read $s+0x10 8 expect=0x0
A read $p+0x3000 8 expect=0x2222
# starting inside page 0 (after 0): from page 1 on.  Page 0 itself is
# not printed: its partial zeroing may split a large folio, which unmaps
# it or not depending on how the host cached the file.
A touch $s 0x5000 read
A fallocate $fd FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 100 200
cat /proc/A/pagemap $s+0x1000 0x4000
# FALLOC_FL_ZERO_RANGE goes the same way
A touch $s 0x5000 read
A fallocate $fd FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE 0 100
cat /proc/A/pagemap $s 0x5000
A close $fd
