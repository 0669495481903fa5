#!/usr/bin/env python3
"""belady.py - Belady's OPT (and LRU, for reference) on a page-reference
sequence: how many misses a policy that knows the future would take with
FRAMES page frames, against which a kernel's reclaim can be judged.

Usage: belady.py TRACE FRAMES [--mmkit-misses N]
       belady.py --seq "7 0 1 2 ..." FRAMES

TRACE is what `MMKIT_PAGEREF=TRACE mmkit run ...` writes (cli/pageref.c):
one reference a line, "PROCESS KIND VPN" (KIND a: anonymous, f: file).  A
page is the pair (PROCESS, VPN).  Every policy starts with empty frames, so
the first reference to each page is a miss for all of them (compulsory).

OPT (Belady 1966, MIN): on a miss with every frame taken, evict the page
whose next reference lies farthest in the future (never: farthest of all).
It is the fewest misses any demand-paging policy can take on the sequence.

Prints "key value" lines: refs, pages, anon_pages, frames, opt_misses,
opt_miss_ratio, lru_misses, lru_miss_ratio, and with --mmkit-misses N also
mmkit_misses, mmkit_miss_ratio and mmkit_over_opt (mmkit's misses / OPT's).
"""
import heapq
import sys
from collections import OrderedDict


def opt_misses(refs, frames):
    """Misses of Belady's OPT on refs (a list of hashable pages)."""
    n = len(refs)
    nxt = [0] * n
    last = {}
    for i in range(n - 1, -1, -1):
        nxt[i] = last.get(refs[i], n + i)  # never again: beyond the end, later ones first
        last[refs[i]] = i
    resident = {}  # page -> its next use (current)
    heap = []  # (-next use, page); stale entries skipped
    misses = 0
    for i, p in enumerate(refs):
        if p in resident:
            resident[p] = nxt[i]
            heapq.heappush(heap, (-nxt[i], p))
            continue
        misses += 1
        if len(resident) >= frames:
            while True:
                neg, victim = heapq.heappop(heap)
                if resident.get(victim) == -neg:
                    del resident[victim]
                    break
        resident[p] = nxt[i]
        heapq.heappush(heap, (-nxt[i], p))
    return misses


def lru_misses(refs, frames):
    """Misses of exact LRU on refs."""
    lru = OrderedDict()
    misses = 0
    for p in refs:
        if p in lru:
            lru.move_to_end(p)
            continue
        misses += 1
        if len(lru) >= frames:
            lru.popitem(last=False)
        lru[p] = True
    return misses


def read_trace(path):
    refs, anon = [], set()
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) != 3 or parts[1] not in ("a", "f"):
                sys.exit("%s:%d: not a PROCESS KIND VPN line" % (path, lineno))
            page = (parts[0], int(parts[2], 16))
            refs.append(page)
            if parts[1] == "a":
                anon.add(page)
    return refs, anon


def main(argv):
    mmkit = None
    if "--mmkit-misses" in argv:
        i = argv.index("--mmkit-misses")
        mmkit = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) == 3 and argv[0] == "--seq":
        refs, anon = argv[1].split(), set()
        frames = int(argv[2])
    elif len(argv) == 2:
        refs, anon = read_trace(argv[0])
        frames = int(argv[1])
    else:
        sys.exit(__doc__.split("\n\n")[1])
    if frames < 1:
        sys.exit("FRAMES must be at least 1")
    n = max(len(refs), 1)
    opt = opt_misses(refs, frames)
    lru = lru_misses(refs, frames)
    print("refs %d" % len(refs))
    print("pages %d" % len(set(refs)))
    print("anon_pages %d" % len(anon))
    print("frames %d" % frames)
    print("opt_misses %d" % opt)
    print("opt_miss_ratio %.4f" % (opt / n))
    print("lru_misses %d" % lru)
    print("lru_miss_ratio %.4f" % (lru / n))
    if mmkit is not None:
        print("mmkit_misses %d" % mmkit)
        print("mmkit_miss_ratio %.4f" % (mmkit / n))
        print("mmkit_over_opt %.2f" % (mmkit / max(opt, 1)))


if __name__ == "__main__":
    main(sys.argv[1:])
