# Tasks and mm references: threads share the mm (Threads: in status), a
# kernel thread has no maps, the address space lives until its last user
# exits, and a dead process is a script error to use.
spawn A exec
A mmap 0x200000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x200000000
A thread T1 expect=0
A thread T2 expect=0
T1 mmap 0x200002000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED expect=0x200002000
cat /proc/T2/maps
cat /proc/A/status
kthread K expect=0
cat /proc/K/maps
cat /proc/K/status
A exit expect=0
T2 munmap 0x200000000 4K expect=0
cat /proc/T1/maps
T1 exit expect=0
T2 exit expect=0
verify
