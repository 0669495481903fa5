# The OOM killer (issue 19): three processes grow in 32M of RAM without
# swap.  C (oom_score_adj -1000) is the largest and is spared; when B's
# fill finds no memory left, reclaim makes no progress (anonymous pages,
# no swap) and the allocator calls out_of_memory: the largest killable
# group, A, gets SIGKILL, the OOM reaper frees its pages at once, B's fault
# is retried and its fill completes.  A dies when it would next run (the
# death line after B's result line); the report in dmesg is Linux's, line
# for line (tests/cli/test_oom_report.sh checks its shape against a real
# 6.18 report).  init (pid 1) is never a candidate.  Then B outgrows
# everything itself: it is the victim of its own allocation, C still
# keeps its data, and the machine goes on.  verify runs after every
# line in debug builds.  (B's populate is a kernel-mode fault: mmap still
# returns the address, as Linux's MAP_POPULATE does, and B dies on its
# return to user space; a user access would end in `! SIGKILL`.)
machine ram=32M
spawn init
spawn A
spawn B
spawn C
C set oom_score_adj=-1000
cat /proc/C/oom_score_adj
C mmap 0 14M rw- MAP_PRIVATE|MAP_ANONYMOUS -> c
C fill $c 14M 0x33 expect=ok
A mmap 0 8M rw- MAP_PRIVATE|MAP_ANONYMOUS -> a
A fill $a 8M 0x11 expect=ok
B mmap 0 4M rw- MAP_PRIVATE|MAP_ANONYMOUS -> b
B fill $b 4M 0x22 expect=ok
cat /proc/init/oom_score
cat /proc/A/oom_score
cat /proc/B/oom_score
cat /proc/C/oom_score
dmesg -c
B mremap $b 4M 8M MREMAP_MAYMOVE -> b
B fill $b 8M 0x22 expect=ok
dmesg -c
cat /proc/vmstat oom_kill
C check $c 14M 0x33 expect=ok
B check $b 8M 0x22 expect=ok
verify
B mmap 0 24M rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE -> b2
dmesg -c
cat /proc/vmstat oom_kill
C check $c 14M 0x33 expect=ok
spawn D
D mmap 0 8M rw- MAP_PRIVATE|MAP_ANONYMOUS -> d
D fill $d 8M 0x55 expect=ok
D check $d 8M 0x55 expect=ok
cat /proc/meminfo MemFree AnonPages
verify
