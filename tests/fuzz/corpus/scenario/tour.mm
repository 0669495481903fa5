# ==========================================================================
#  The mmkit guided tour
#  Run it:  ./build/release/mmkit run examples/tour.mm
#  Every line is a command of the scenario language; comment lines like this
#  one are the narration.  The kernel log (boot messages, reports) goes to
#  stderr; `dmesg` shows it again.
# ==========================================================================
#
# --- 1. Boot -------------------------------------------------------------
# A machine: 64 MiB of RAM (16384 frames of 4 KiB), 2 CPUs, x86-64 4-level
# paging.  At boot the page allocator builds its zones (DMA below 16 MiB,
# DMA32 below 4 GiB), frees every frame into the buddy lists, derives the
# watermarks from min_free_kbytes, and arch/x86 builds init_mm's page tables
# that direct-map all RAM at PAGE_OFFSET (0xffff888000000000) with 2 MiB
# pages.  The slab allocator then creates its kmalloc caches.
machine ram=64M cpus=2 levels=4 seed=1
dmesg
#
# The buddy allocator's free lists: one column per order 0..10 (2^order
# pages).  Almost everything sits in order-10 blocks (4 MiB) right after boot.
cat /proc/buddyinfo
#
# --- 2. Page allocation ---------------------------------------------------
# alloc_pages returns the kernel virtual address of the first page (in the
# direct map).  An order-5 request takes the smallest free block that fits
# and splits it: the halves that are not needed go back on the lower lists.
alloc_pages 5 GFP_KERNEL -> a
cat /proc/buddyinfo
# Freeing it merges it with its buddy (pfn ^ 32), then with that pair's buddy,
# and so on as far as the buddies are free: the lists look like boot again.
# (Orders 0-3 would be kept on the per-CPU lists instead, as Linux does.)
free_pages $a 5 expect=0
cat /proc/buddyinfo
#
# Order-0 pages come from a per-CPU list (no zone lock): the first request
# refills the list with a batch, so the buddy lists lose more than one page.
alloc_pages 0 -> p
kwrite $p 8 0x1122334455667788 expect=ok
kread $p 8 expect=0x1122334455667788
free_pages $p 0
# drain_all_pages sends an IPI to every CPU to give its per-CPU pages back.
drain_all_pages
#
# --- 3. The MMU ------------------------------------------------------------
# Every access above went through the software MMU: a TLB lookup, and on a
# miss a walk of init_mm's page tables from CR3.  pagewalk shows the walk:
# the direct map uses 2 MiB pages (PSE at the PMD level), global, no-execute.
pagewalk kernel 0xffff888000100000
# The TLB of CPU 0 now caches the translation.
tlb 0
#
# Stale TLB entries are real.  An order-9 block is exactly one 2 MiB leaf of
# the direct map: clear its Present bit without a flush (kpte) and CPU 0 still
# reaches it through its TLB entry; CPU 1, which has no entry, walks the
# tables and oopses (the machine goes on); after invlpg CPU 0 oopses too.
alloc_pages 9 -> q
kwrite $q 8 42 expect=ok
kpte $q clear P
kread $q 8 expect=42
cpu 1
kread $q 8 expect=OOPS
cpu 0
invlpg $q
kread $q 8 expect=OOPS
kpte $q set P
kread $q 8 expect=42
free_pages $q 9
#
# --- 4. The slab allocator ------------------------------------------------
# kmalloc serves small objects from per-size caches (kmalloc-8 ... kmalloc-8k)
# carved out of slab pages; /proc/slabinfo shows their state.
kmalloc 100 -> obj
kwrite $obj 8 0xdeadbeef expect=ok
kread $obj 8 expect=0xdeadbeef
kfree $obj
kmem_cache_create tour_cache 200 -> c
kmem_cache_alloc $c -> o1
kmem_cache_free $c $o1
kmem_cache_destroy $c
cat /proc/slabinfo
#
# --- 5. vmalloc -----------------------------------------------------------
# vmalloc gives virtually contiguous memory built from scattered order-0
# frames, mapped with 4 KiB PTEs in init_mm between VMALLOC_START and
# VMALLOC_END, with an unmapped guard page after every area.
vmalloc 16K -> v
kwrite $v+12K 8 7 expect=ok
pagewalk kernel $v
cat /proc/vmallocinfo
# The guard page right after the area: a kernel access oopses.
kread $v+16K 8 expect=OOPS
# vfree clears the PTEs and shoots down every CPU's TLB before the frames are
# reused: the freed area now oopses too.
vfree $v
kread $v 8 expect=OOPS
#
# --- 6. Address spaces ----------------------------------------------------
# `spawn P exec` builds an exec-like image: text, data, bss, [heap] right
# after bss, [stack] below STACK_TOP; /proc/P/maps prints it in Linux's format.
spawn P exec
cat /proc/P/maps
# mmap places mappings top-down from mmap_base; mprotect of the middle page
# splits one VMA into three, and restoring the protection merges them back.
P mmap 0 3M rw- MAP_PRIVATE|MAP_ANONYMOUS -> big
P mprotect $big+1M 4K r-- expect=0
cat /proc/P/maps
P mprotect $big+1M 4K rw- expect=0
P munmap $big 3M expect=0
# brk grows the heap: the [heap] VMA appears right after bss.
P brk 0 -> b0
P brk $b0+64K
cat /proc/P/maps
P exit
#
# --- 7. Processes: demand paging, the zero page, copy-on-write, a segfault ---
# A process with an empty address space maps 64 KiB of anonymous memory:
# only a VMA exists, no page yet (VmRSS 0).
spawn A
A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m
# A read faults (#PF, not present) and maps the shared zero page read-only:
# still no memory of its own (RSS stays 0, the PTE has the SPECIAL bit).
A read $m 8 expect=0x0
pagewalk A $m
# The first write faults again (protection) and gets a private zeroed page.
A write $m 8 0x1234 expect=ok
pagewalk A $m
cat /proc/A/status
# fork: the child shares every page; both sides are write-protected now.
A fork B
B read $m 8 expect=0x1234
# A write by either side copies the page (COW); the other keeps the old one.
B write $m 8 0x5678 expect=ok
A read $m 8 expect=0x1234
B read $m 8 expect=0x5678
cat /proc/vmstat
# An access the kernel cannot satisfy: a write to a read-only mapping is
# SIGSEGV SEGV_ACCERR; by default the signal kills the process.
B mprotect $m 4K r-- expect=0
B write $m 1 1 expect=SEGV_ACCERR
A exit
#
# --- 8. Everything is consistent ------------------------------------------
# verify runs every invariant check: buddy lists vs page flags vs counters,
# page tables vs PageTable pages, slab freelists vs slab counters.
verify
cat /proc/meminfo
