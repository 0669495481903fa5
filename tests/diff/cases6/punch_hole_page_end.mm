# Hole punches whose end falls on a page's last byte (partial_end 0 in
# truncate_inode_pages_range): the partial first page is zeroed to its end,
# the mapped pages keep the rest.  One punch runs past EOF (ext4 caps it at
# the page holding EOF), one ends on a page boundary inside the file, one
# lies inside a single page.
#@file f 8191 11
#@file g 20000 12
mount @FILES@ /mnt
spawn A
A open /mnt/f O_RDWR -> fd
A mmap 0 0x2000 rw- MAP_SHARED|MAP_POPULATE $fd 0 -> m
A fallocate $fd FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 8078 31728
A read $m+4088 8
A read $m+4096 8
A read $m+8070 8
A read $m+8078 8
A read $m+8183 8
A open /mnt/g O_RDWR -> fg
A mmap 0 0x5000 rw- MAP_SHARED|MAP_POPULATE $fg 0 -> g
A fallocate $fg FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 100 3996
A fallocate $fg FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE 8200 100
A read $g+92 8
A read $g+100 8
A read $g+4088 8
A read $g+4096 8
A read $g+8192 8
A read $g+8200 8
A read $g+8296 8
A read $g+8300 8
A fstat $fd
A fstat $fg
cat /proc/A/smaps
