# One swap slot named by many PTEs: 64 processes share a swapped-out page,
# past SWAP_MAP_MAX (62) references (the host runner's limit is 64 processes), where the count goes on in a
# continuation page; SwapPss divides by the count; exits drop it again.
swaparea 16M
spawn A
A mmap 0 8K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
A fillpat $m 8K 41
A madvise $m 8K MADV_PAGEOUT expect=0
A fork C1
A fork C2
A fork C3
A fork C4
A fork C5
A fork C6
A fork C7
A fork C8
A fork C9
A fork C10
A fork C11
A fork C12
A fork C13
A fork C14
A fork C15
A fork C16
A fork C17
A fork C18
A fork C19
A fork C20
A fork C21
A fork C22
A fork C23
A fork C24
A fork C25
A fork C26
A fork C27
A fork C28
A fork C29
A fork C30
A fork C31
A fork C32
A fork C33
A fork C34
A fork C35
A fork C36
A fork C37
A fork C38
A fork C39
A fork C40
A fork C41
A fork C42
A fork C43
A fork C44
A fork C45
A fork C46
A fork C47
A fork C48
A fork C49
A fork C50
A fork C51
A fork C52
A fork C53
A fork C54
A fork C55
A fork C56
A fork C57
A fork C58
A fork C59
A fork C60
A fork C61
A fork C62
A fork C63
cat /proc/A/smaps
cat /proc/C63/status VmSwap
C35 checkpat $m 8K 41
cat /proc/C35/pagemap $m 8K
cat /proc/A/smaps
C1 exit
C2 exit
C3 exit
C4 exit
C5 exit
C6 exit
C7 exit
C8 exit
C9 exit
C10 exit
C11 exit
C12 exit
C13 exit
C14 exit
C15 exit
C16 exit
C17 exit
C18 exit
C19 exit
C20 exit
C21 exit
C22 exit
C23 exit
C24 exit
C25 exit
C26 exit
C27 exit
C28 exit
C29 exit
C30 exit
C31 exit
C32 exit
C33 exit
C34 exit
C35 exit
C36 exit
C37 exit
C38 exit
C39 exit
C40 exit
C41 exit
C42 exit
C43 exit
C44 exit
C45 exit
C46 exit
C47 exit
C48 exit
C49 exit
C50 exit
C51 exit
C52 exit
C53 exit
C54 exit
C55 exit
C56 exit
C57 exit
C58 exit
C59 exit
C60 exit
C61 exit
C62 exit
C63 exit
cat /proc/A/smaps
A checkpat $m 8K 41
cat /proc/A/pagemap $m 8K
