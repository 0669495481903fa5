vma 00400000-00401000 r-xp 00000000 08:01 12 /bin/a b c
vma 00600000-00601000 rw-s 00000000 00:01 7 /dev/zero (deleted)
vma 00601000-00602000 ---p 00000000 00:00 0
vma 7fff00000000-7fff00010000 rw-p 00000000 00:00 0 [stack]
vma 7fff10000000-7fff10001000 r--p 00000000 00:00 0 [anon:foo]
set memlock_rlimit=unlimited data_rlimit=0 root=1
