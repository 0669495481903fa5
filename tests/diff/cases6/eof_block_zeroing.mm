# ext4's partial-block zeroing when EOF moves (ftruncate up and down,
# extending fallocate): a written EOF block is zeroed through the page
# cache and its page dirtied; an unwritten one (fallocated, never written:
# it reads as zeros) and a hole are left alone, page clean.  smaps'
# Private_Clean/Private_Dirty of populated shared mappings show which.
#@file w 10000 3
mount @FILES@ /mnt
spawn A
A mmap 0 0x4000 rw- MAP_PRIVATE|MAP_ANONYMOUS -> buf
# unwritten: a new file fallocated to 25634 bytes, EOF inside block 6
A open /mnt/u O_RDWR|O_CREAT 0644 -> fu
A fallocate $fu 0 3376 22258
A mmap 0 0x7000 rw- MAP_SHARED|MAP_POPULATE $fu 0 -> mu
A ftruncate $fu 1048576
cat /proc/A/smaps
# written and synced: EOF inside block 2
A open /mnt/w O_RDWR -> fw
A fsync $fw
A mmap 0 0x3000 rw- MAP_SHARED|MAP_POPULATE $fw 0 -> mw
A ftruncate $fw 65536
cat /proc/A/smaps
A fsync $fw
# fallocate over a written EOF block (extending)
A ftruncate $fw 9000
A fsync $fw
A fallocate $fw 0 12000 8000
cat /proc/A/smaps
# down into an unwritten block, then up again
A ftruncate $fu 9000
A ftruncate $fu 30000
A fallocate $fu 1 40000 100
cat /proc/A/smaps
A fstat $fu
A fstat $fw
A pread $fw $buf 0x3000 0
A pread $fu $buf 0x3000 0
