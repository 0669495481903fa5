# Overcommit (issue 19): vm.overcommit_memory 2 (OVERCOMMIT_NEVER) refuses
# a private writable mapping, an mprotect making one writable, a mapping
# whose MAP_NORESERVE mode 2 ignores, and a fork whose copies would take
# Committed_AS past CommitLimit (RAM * overcommit_ratio / 100 + swap, less
# admin_reserve_kbytes for a task without CAP_SYS_ADMIN and the caller's
# min(total_vm / 32, user_reserve_kbytes)), all with ENOMEM and Linux's
# "__vm_enough_memory: ... not enough memory" line in the log; read-only
# and shared anonymous mappings are charged as Linux charges them (the
# latter through its shmem object, released when the object goes).  Mode 1
# takes anything; mode 0 refuses only a single request above RAM + swap.
# overcommit_kbytes and overcommit_ratio each zero the other.  verify
# checks after every line (debug builds) that Committed_AS equals the
# VM_ACCOUNT pages of every mm plus the shmem charges.
machine ram=64M
spawn A exec
cat /proc/meminfo CommitLimit Committed_AS
sysctl vm.overcommit_memory=2
sysctl vm.overcommit_ratio vm.admin_reserve_kbytes vm.user_reserve_kbytes
A mmap 0 16M rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
cat /proc/meminfo CommitLimit Committed_AS
A mmap 0 16M rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 16M r-- MAP_PRIVATE|MAP_ANONYMOUS -> r
A mprotect $r 16M PROT_READ|PROT_WRITE expect=ENOMEM
A mprotect $r 4M PROT_READ|PROT_WRITE expect=0
cat /proc/meminfo Committed_AS
A mmap 0 16M rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE expect=ENOMEM
A mmap 0 4M rw- MAP_SHARED|MAP_ANONYMOUS -> s
cat /proc/meminfo Committed_AS
A fork B expect=ENOMEM
A munmap $s 4M expect=0
A munmap $a 16M expect=0
cat /proc/meminfo Committed_AS
A fork B expect=0
cat /proc/meminfo Committed_AS
B exit
A brk 0 -> brk
A brk $brk+32M
A brk $brk+8M
cat /proc/meminfo Committed_AS
sysctl vm.overcommit_memory=1
A mmap 0 1G rw- MAP_PRIVATE|MAP_ANONYMOUS -> big
cat /proc/meminfo Committed_AS
A munmap $big 1G expect=0
sysctl vm.overcommit_memory=0
A mmap 0 1G rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM
A mmap 0 60M rw- MAP_PRIVATE|MAP_ANONYMOUS -> g
A mmap 0 60M rw- MAP_PRIVATE|MAP_ANONYMOUS -> g2
cat /proc/meminfo CommitLimit Committed_AS
sysctl vm.overcommit_kbytes=1024
sysctl vm.overcommit_ratio
cat /proc/meminfo CommitLimit
sysctl vm.overcommit_ratio=100
sysctl vm.overcommit_kbytes
cat /proc/meminfo CommitLimit
A exit
cat /proc/meminfo Committed_AS
dmesg reports
