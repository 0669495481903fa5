# Fault-around right below the special mappings (seed 9 of level 6,
# indexes 174 and 306): the PMD over [vvar]/[vdso] has a page table in a
# process that ran (its C library read [vdso]), so a fault past EOF there
# maps the cached EOF page by fault-around; mmkit's import makes that
# table too (cli's import_special).  f0's EOF is in page 1.
#@file f0 8051 813100163
mount @FILES@ /mnt
spawn A
handle A SIGBUS catch
A open /mnt/f0 O_RDWR -> fd1
A fork P1
P1 mmap 0 0x2f59 r-- MAP_SHARED $fd1 0x0 -> fm2
P1 read $fm2+0x6f3 4
A mmap 0 0x8000 r-x MAP_SHARED $fd1 0x0 -> fm4
A touch $fm4+0x3000 0x2000 read
cat /proc/A/smaps
