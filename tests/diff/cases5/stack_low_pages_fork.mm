# The [stack]'s lowest pages belong to the scenario, not to the runner: a
# guard region, a PROT_NONE piece or wipe-on-fork advice there must survive
# forks three deep (found by gen.py: seed 1 index 79 guarded 0x7ffffffe3000
# and the host runner died at the next fork, touching it for its own use).
# The child's low pages keep what the parent wrote unless wiped.
spawn A
handle A SIGSEGV catch
A write 0x7ffffffdf000 8 0x1122334455667788
A write 0x7ffffffe0000 8 0x99
A madvise 0x7ffffffe3000 0x1000 MADV_GUARD_INSTALL expect=0
A mprotect 0x7ffffffe1000 0x1000 PROT_NONE expect=0
A madvise 0x7ffffffe0000 0x1000 MADV_WIPEONFORK expect=0
cat /proc/A/maps
A fork B
B read 0x7ffffffdf000 8
B read 0x7ffffffe0000 8
B read 0x7ffffffe3000 1
B read 0x7ffffffe1000 1
B madvise 0x7ffffffe3000 0x1000 MADV_GUARD_REMOVE expect=0
B touch 0x7ffffffe3000 0x1000 write
B fork C
C read 0x7ffffffe3000 1
C fork D
D read 0x7ffffffdf000 8
D mprotect 0x7ffffffe1000 0x1000 rw- expect=0
cat /proc/D/maps
A read 0x7ffffffe3000 1
A read 0x7ffffffe0000 8
