# Bad frees are reported like Linux's bad_page ("BUG: Bad page state in
# process ...", a page dump and the reason, in the kernel log on stderr) and
# refused with EINVAL; the free lists are never touched, so verify stays clean
# and the machine goes on.
machine ram=64M cpus=2 levels=4
# boot-time allocations of other subsystems may have left pages on the
# per-CPU lists: start from drained lists, as the end does
drain_all_pages
snapshot /proc/buddyinfo
alloc_pages 2 -> a
alloc_pages 0 -> b
# wrong order (smaller and larger than allocated), and a pointer to a tail page
free_pages $a 1 expect=EINVAL
free_pages $a 3 expect=EINVAL
free_pages $a+0x1000 0 expect=EINVAL
verify
# the right free still works
free_pages $a 2 expect=0
# double free: once from the per-CPU list, once after a drain (in the buddy)
free_pages $b 0 expect=0
free_pages $b 0 expect=EINVAL
drain_all_pages
free_pages $b 0 expect=EINVAL
free_pages $a 2 expect=EINVAL
# not a direct-map address; address 0 is a no-op, as in Linux
free_pages 0x1000 0 expect=EINVAL
free_pages 0xffff888100000000 0 expect=EINVAL
free_pages 0 3 expect=0
verify
# the machine goes on
alloc_pages 3 -> c
free_pages $c 3 expect=0
drain_all_pages
unchanged /proc/buddyinfo expect=ok
verify
