# ==========================================================================
#  The mmkit guided tour
#  Run it:  ./build/release/mmkit run examples/tour.mm
#  Every line is a command of the scenario language; comment lines like this
#  one are the narration, and each claim they make is in the output right
#  below them: a result line (`LINE: = ...`), a view, or an expect= that
#  would stop the tour if it were false.  Kernel reports (the oopses of
#  section 3, the segfault of section 7) go to stderr; `dmesg` has them all.
# ==========================================================================
#
# --- 1. Boot -------------------------------------------------------------
# Without a machine line mmkit boots the default machine: 64 MiB of RAM,
# 1 CPU, x86-64 4-level paging.  This tour asks for the same machine with a
# second CPU, so that one CPU's stale TLB entry can be set against the other
# CPU's walk (section 3).
machine ram=64M cpus=2 levels=4 seed=1
# The boot log is kept out of the terminal; dmesg prints it: the zones (DMA
# up to 16 MiB, DMA32 the rest of the 64 MiB), 16383 frames of 4 KiB
# ("Total pages"; frame 0 is reserved), and the direct map of all RAM at
# PAGE_OFFSET 0xffff888000000000, built with 2 MiB pages ("page 2M") and
# loaded on both CPUs.
dmesg
#
# The buddy allocator's free lists: one column per order 0..10 (blocks of
# 2^order pages).  Right after boot almost all memory sits in order-10
# blocks of 4 MiB: the last column (3 in DMA, 11 in DMA32).
cat /proc/buddyinfo
snapshot /proc/buddyinfo
#
# --- 2. Page allocation ---------------------------------------------------
# alloc_pages returns the kernel virtual address of the first page, in the
# direct map (0xffff888...).  A request takes a free block of at least its
# order and splits it in halves until it has the size asked.  Here, in the
# DMA zone, an order-5 request takes one of the order-10 blocks (the DMA
# column 10 goes from 3 to 2) and the halves that are not needed go back on
# the lower lists: columns 5, 6, 7, 8 and 9 of DMA gain one block each.
alloc_pages 5 GFP_DMA -> a
cat /proc/buddyinfo
# The next order-5 request finds the order-5 half the split left behind
# (DMA column 5 goes back from 2 to 1); nothing is split.
alloc_pages 5 GFP_DMA -> b
cat /proc/buddyinfo
# Freeing merges a block with its buddy (the block at pfn ^ 2^order) as long
# as the buddy is free, and then the pair with its buddy: after both frees
# the lists are exactly as at boot (`unchanged` compares with the snapshot).
free_pages $b 5 expect=0
free_pages $a 5 expect=0
unchanged /proc/buddyinfo expect=ok
#
# Order 0 to 3 are served from a per-CPU list first (no zone lock).  Boot
# left pages on CPU 0's list, so this allocation and its free do not touch
# the buddy lists at all...
alloc_pages 0 -> p
kwrite $p 8 0x1122334455667788 expect=ok
kread $p 8 expect=0x1122334455667788
unchanged /proc/buddyinfo expect=ok
# ... until drain_all_pages sends an IPI to every CPU to give its per-CPU
# pages back: now the low orders of DMA32 merge and the lists change.
drain_all_pages
unchanged /proc/buddyinfo expect=changed
cat /proc/buddyinfo
#
# --- 3. The MMU ------------------------------------------------------------
# The kwrite and kread of $p went through CPU 0's software MMU: a TLB miss,
# a walk of init_mm's page tables from CR3, then the TLB entry.  pagewalk
# shows that walk for $p: the direct map ends at the PMD level with a 2 MiB
# page (PSE), global (G) and not executable (NX)...
pagewalk kernel $p
# ... and `tlb 0` shows the entry CPU 0 cached for it: the same 2M page,
# global, with the same entry value as the PMD line above.
tlb 0
free_pages $p 0
#
# Stale TLB entries are real.  An order-9 block is 2 MiB, aligned: exactly
# one 2 MiB leaf of the direct map (pagewalk: PMD ... PSE).  kpte clears its
# Present bit without any TLB flush (the entry it prints has bit 0 clear).
alloc_pages 9 -> q
kwrite $q 8 42 expect=ok
pagewalk kernel $q
kpte $q clear P
# CPU 0 still reaches the page through its TLB entry and reads 42 (0x2a)...
kread $q 8 expect=42
# ... while CPU 1, which has no entry, walks the tables and oopses (the
# machine goes on: the command fails with `! OOPS`).
cpu 1
kread $q 8 expect=OOPS
# After invlpg drops CPU 0's entry, CPU 0 oopses too; setting Present again
# brings the page back.
cpu 0
invlpg $q
kread $q 8 expect=OOPS
kpte $q set P
kread $q 8 expect=42
free_pages $q 9
# The two oopses are kernel reports: their full text went to stderr, and
# `dmesg reports` gives their first lines as a result a scenario can check.
dmesg reports expect~="^= BUG: unable to handle page fault.*; BUG: unable"
#
# --- 4. The slab allocator ------------------------------------------------
# kmalloc serves small objects from per-size caches (kmalloc-8 ...
# kmalloc-8k) carved out of slab pages: a 100-byte request comes from
# kmalloc-128, so ksize says 128 (0x80).
kmalloc 100 -> obj
ksize $obj expect=128
kwrite $obj 8 0xdeadbeef expect=ok
kread $obj 8 expect=0xdeadbeef
# A cache of its own: 200-byte objects.  /proc/slabinfo (only these two
# caches' rows here) shows the object size and objects per slab: 32 of 128
# bytes and 20 of 200 bytes in one 4 KiB slab each (num_slabs 1).  As in
# Linux's SLUB, every object of a CPU's active slab counts as active, so
# active_objs is the whole slab, not the one object allocated.
kmem_cache_create tour_cache 200 -> c
kmem_cache_alloc $c -> o1
cat /proc/slabinfo kmalloc-128 tour_cache
kmem_cache_free $c $o1 expect=0
kfree $obj expect=0
kmem_cache_destroy $c expect=0
# A double free is a bug the kernel reports (the report is on stderr), and
# `dmesg reports` catches it: nothing was reported since the oopses, then
# the double free.
dmesg reports expect=none
kmalloc 64 -> d
kfree $d
kfree $d
dmesg reports expect~="double free"
#
# --- 5. vmalloc -----------------------------------------------------------
# vmalloc gives virtually contiguous memory between VMALLOC_START and
# VMALLOC_END (0xffffc9...), built page by page from order-0 frames mapped
# with 4 KiB PTEs in init_mm: pagewalk ends at the PTE level ("4K page"),
# and vmalloc_to_pfn shows the frame behind each page.
vmalloc 16K -> v
kwrite $v+12K 8 7 expect=ok
pagewalk kernel $v
vmalloc_to_pfn $v
vmalloc_to_pfn $v+4K
# /proc/vmallocinfo: the area is 20480 bytes, the 16 KiB asked for plus an
# unmapped guard page, made of 4 pages; the guard page oopses.
cat /proc/vmallocinfo
kread $v+16K 8 expect=OOPS
# The kwrite above left CPU 0 a TLB entry for $v+12K (the 4K entry in
# `tlb 0`).  vfree clears the PTEs and shoots down every CPU's TLB before
# the frames are reused: the entry is gone, and the area oopses.
tlb 0
vfree $v expect=0
tlb 0
kread $v 8 expect=OOPS
#
# --- 6. Address spaces ----------------------------------------------------
# `spawn P exec` builds an exec-like image; /proc/P/maps prints it in
# Linux's format: text (r-xp) and data (rw-p) of the program file, the bss
# (anonymous rw-p), the [vvar] and [vdso] pages and the [stack].  There is
# no [heap] yet: the break equals its start.
spawn P exec
cat /proc/P/maps
# mmap places mappings top-down below mmap_base (the new 3 MiB mapping is
# right below [vvar]); mprotect of one page in the middle splits the VMA in
# three (rw-p, r--p, rw-p)...
P mmap 0 3M rw- MAP_PRIVATE|MAP_ANONYMOUS -> big
P mprotect $big+1M 4K r-- expect=0
cat /proc/P/maps
# ... and restoring the protection merges them back into one.
P mprotect $big+1M 4K rw- expect=0
cat /proc/P/maps
P munmap $big 3M expect=0
# brk grows the heap: a [heap] VMA appears right after the bss.
P brk 0 -> b0
P brk $b0+64K
cat /proc/P/maps
P exit
#
# --- 7. Demand paging, the zero page, copy-on-write, a segfault -------------
# A process with an empty address space maps 64 KiB of anonymous memory:
# only a VMA exists, no page yet (VmRSS 0 kB).
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
cat /proc/A/status VmRSS RssAnon
# A read faults (not present) and maps the shared zero page read-only: the
# PTE has the SPECIAL bit and no RW, and A still owns no page (VmRSS 0 kB).
A read $m 8 expect=0x0
pagewalk A $m
cat /proc/A/status VmRSS RssAnon
# The first write faults again (a write to a read-only PTE) and gets a
# private zeroed page: the PTE now has RW and another frame, and RSS is 4 kB.
A write $m 8 0x1234 expect=ok
pagewalk A $m
cat /proc/A/status VmRSS RssAnon
# fork: the child shares every page, and both sides are write-protected: A's
# PTE has lost RW and still points to the same frame.
A fork B
pagewalk A $m
B read $m 8 expect=0x1234
# A write by either side copies the page (copy-on-write): B's PTE points to
# a new frame with RW, A keeps the old frame, and each reads its own value.
B write $m 8 0x5678 expect=ok
pagewalk B $m
A read $m 8 expect=0x1234
B read $m 8 expect=0x5678
# The kernel counted three page faults: A's read, A's first write and B's
# copy-on-write (B's read found the PTE fork copied, and did not fault).
cat /proc/vmstat pgfault
# An access the kernel cannot satisfy: a write to a read-only mapping is
# SIGSEGV SEGV_ACCERR.  By default the signal kills the process: the line
# after the result says so (and stderr has the kernel's "segfault at" line).
B mprotect $m 4K r-- expect=0
B write $m 1 1 expect=SEGV_ACCERR
A exit
#
# --- 8. Everything is consistent ------------------------------------------
# verify runs every invariant check: buddy lists vs page flags vs counters,
# page tables vs PageTable pages, slab freelists vs slab counters.
verify
# Every process has exited, so no anonymous page is left (AnonPages 0 kB).
cat /proc/meminfo MemTotal MemFree AnonPages
