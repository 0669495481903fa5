# Write-back zeroes the part of the EOF page past EOF in memory too
# (ext4_bio_write_folio): bytes a shared mapping wrote there read back as
# zeros after fsync (seed 8 of level 6, index 120).
#@file f0 8292 464449549
mount @FILES@ /mnt
spawn A
handle A SIGBUS catch
A mmap 0 0x800000 PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base
A open /mnt/f0 O_RDWR -> fd1
A mmap $base+0x7b3000 0x2064 rw- MAP_SHARED_VALIDATE|MAP_FIXED $fd1 0x2000 -> fm3
A fill $fm3+0x93a 0x91c 0x99
A fsync $fd1
A read $fm3+0xd5c 8
A read $fm3+0x63 1
A read $fm3+0x64 1
A read $fm3+0x938 4
A fstat $fd1
