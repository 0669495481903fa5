#!/usr/bin/env python3
"""Seeded random call sequences for mmkit's differential tests.

Each sequence is a scenario (.mm) valid on both sides: hostrun runs it on
the host kernel, mmkit runs it on the simulated machine, and every result
line and maps/smaps dump must agree.  Addresses are never guesses of a
layout: they are relative to things that exist in both runs, or absolute
where the x86-64 layout fixes them.  The generator reaches every region of
the address space (docs/ARCHITECTURE.md, "Differential testing"):

  cluster   $base: an arena placed by a kernel-chosen mmap (kept as a
            PROT_NONE reservation or unmapped again); most activity is in a
            96-page cluster at its top, which for odd arena sizes ends right
            below the special mappings
  specials  $top+0x1000: [vvar] (4 pages), [vvar_vclock] (2), [vdso] (2),
            the pages just below them and the free space above them
            ($top is a page a first hint-less mmap got, unmapped again)
  known     parts of mappings the sequence made earlier ($mN, $base+off)
  maybe     $xN: results of calls that may fail (mremap, hinted mmaps); a
            use of one that failed ends both runs with the same script error
  low       0 .. 0x30000 (around mmap_min_addr: 4096 for MAP_FIXED, 65536
            for hints) and the pages just below the executable at 0x400000
  image     the runner's executable (0x400000: ELF header page, text)
  heap      the runner's [heap] below $brk0, and brk growth above it
  stack     the runner's [stack] below TASK_SIZE, its guard gap and the
            growth area below it
  tasksize  ranges reaching TASK_SIZE and beyond, non-canonical addresses

The runner lives in its image, heap and stack, so only calls that leave its
memory usable reach them: mprotect to a superset of the current rights,
advice that changes no contents (DONTNEED only on clean text), mlock,
msync, NOREPLACE and hinted mmaps, in-place mremap, touches, reads of the
stack; everything else may hit them only where they fail (EEXIST, ENOMEM,
EINVAL).  Everything else is free: the cluster, the special mappings, the
low pages, the space above the special mappings, the stack's lowest pages
and guard gap, the heap above $brk0.

Writable private mappings stay small (<= 4 MiB) and huge lengths are >= 16
TiB, because overcommit accounting depends on RAM size and the simulated
machine's RAM is not the host's.  Contents of the special mappings, the
image and the heap are never printed (they are the host's own).

Level 4 sequences use the mmap family (every flag, advice, protection and
remap flag, mlockall) and maps/smaps dumps; level 5 adds reads, writes,
fill/check, touch, exec, fork chains up to four processes deep and exit;
level 6 adds files (FileGen: file mappings and the file system calls on a
host-directory mount, mixed with level 5's work).
"""

import argparse
import random
import sys

PAGE = 0x1000
TASK_SIZE = 0x7FFFFFFFF000
IMAGE = 0x400000                       # static non-PIE x86-64 executables
IMAGE_TEXT_END = 0x440000              # well inside the runner's text
STACK_LO = 0x7FFFFFFDE000              # the runner's [stack]: 33 pages
STACK_SAFE = STACK_LO + 8 * PAGE       # pages below it are never used by the runner
GAP = 0x180000                         # the guard gap (1 MiB) and some more below the stack
SPECIAL_PAGES = 8                      # [vvar] 4, [vvar_vclock] 2, [vdso] 2
VDSO_OFF = 6 * PAGE
HUGE = [1 << 44, 1 << 47, TASK_SIZE, 0xFFFFFFFFFFFFF000, (1 << 64) - 1]

PRIVATE_ANON = "MAP_PRIVATE|MAP_ANONYMOUS"
SHARED_ANON = "MAP_SHARED|MAP_ANONYMOUS"
PROT_BITS = ["---", "r--", "-w-", "--x", "rw-", "r-x", "-wx", "rwx"]
PROT_NAMES = ["PROT_NONE", "PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_READ|PROT_WRITE",
              "PROT_READ|PROT_EXEC", "PROT_READ|PROT_WRITE|PROT_EXEC", "PROT_WRITE|PROT_EXEC",
              "PROT_READ|PROT_SEM", "PROT_READ|PROT_WRITE|PROT_SEM"]
PROT_ODD = ["0x10", "PROT_READ|PROT_GROWSDOWN", "PROT_READ|PROT_WRITE|PROT_GROWSDOWN",
            "PROT_GROWSUP", "PROT_GROWSDOWN|PROT_GROWSUP", "0x40000000", "0x8"]
MADVICE = ["MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL", "MADV_WILLNEED", "MADV_DONTNEED",
           "MADV_FREE", "MADV_REMOVE", "MADV_DONTFORK", "MADV_DOFORK", "MADV_MERGEABLE",
           "MADV_UNMERGEABLE", "MADV_HUGEPAGE", "MADV_NOHUGEPAGE", "MADV_DONTDUMP",
           "MADV_DODUMP", "MADV_WIPEONFORK", "MADV_KEEPONFORK", "MADV_COLD", "MADV_PAGEOUT",
           "MADV_POPULATE_READ", "MADV_POPULATE_WRITE", "MADV_DONTNEED_LOCKED",
           "MADV_COLLAPSE", "MADV_HWPOISON", "MADV_SOFT_OFFLINE", "MADV_GUARD_INSTALL",
           "MADV_GUARD_REMOVE"]
MADVICE_BAD = ["5", "6", "7", "26", "99", "104", "0x10000"]
# Advice that leaves the runner's memory as it is (no lost contents, no
# guard, nothing that stops a child from running).
MADVICE_SAFE = ["MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL", "MADV_WILLNEED",
                "MADV_MERGEABLE", "MADV_UNMERGEABLE", "MADV_HUGEPAGE", "MADV_NOHUGEPAGE",
                "MADV_DONTDUMP", "MADV_DODUMP", "MADV_KEEPONFORK", "MADV_DOFORK", "MADV_COLD",
                "MADV_PAGEOUT", "MADV_POPULATE_READ", "MADV_POPULATE_WRITE", "MADV_COLLAPSE",
                "MADV_HWPOISON", "MADV_SOFT_OFFLINE", "MADV_GUARD_REMOVE"]
MAP_TYPES = [(PRIVATE_ANON, 70), (SHARED_ANON, 14), ("MAP_SHARED_VALIDATE|MAP_ANONYMOUS", 4),
             ("MAP_DROPPABLE|MAP_ANONYMOUS", 3), ("MAP_ANONYMOUS", 1),
             ("MAP_PRIVATE", 1), ("MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x800000", 1)]
MAP_MODS = [("MAP_NORESERVE", 0.08), ("MAP_POPULATE", 0.05), ("MAP_GROWSDOWN", 0.05),
            ("MAP_LOCKED", 0.03), ("MAP_STACK", 0.03), ("MAP_NONBLOCK", 0.02),
            ("MAP_DENYWRITE", 0.01), ("MAP_EXECUTABLE", 0.01), ("MAP_UNINITIALIZED", 0.01),
            ("MAP_SYNC", 0.01), ("MAP_HUGETLB", 0.01), ("MAP_32BIT", 0.01),
            ("MAP_ABOVE4G", 0.01)]
# Never with a huge length: populating 16 TiB of even read-only memory fills
# the host with page tables (hostrun refuses it anyway).
POPULATING = ("MAP_POPULATE", "MAP_LOCKED")
ARENA_SIZES = [64 << 20, (64 << 20) - PAGE, (32 << 20) + 3 * PAGE, 8 << 20, (16 << 20) + PAGE]
CLUSTER_PAGES = 96
# Regions every call may reach, and those of the runner (safe calls only).
FREE_REGIONS = [("cluster", 40), ("known", 22), ("vars", 8), ("specials", 9), ("above", 3),
                ("low", 4), ("heap_above", 3), ("gap", 4), ("boundary", 6), ("maybe", 2),
                ("tasksize", 1)]
RUNNER_REGIONS = [("image", 3), ("heap", 2), ("stack", 3)]


def hexs(n):
    return "0x%x" % n


def rel(var, off):
    if var is None:
        return hexs(off & ((1 << 64) - 1))
    if off == 0:
        return "$" + var
    return "$%s%s%s" % (var, "+" if off > 0 else "-", hexs(abs(off)))


class Gen:
    def __init__(self, seed, index, length, level):
        self.r = random.Random("mmkit-diff:%s:%s" % (seed, index))
        self.seed, self.index, self.length, self.level = seed, index, length, level
        self.lines = []
        self.nvar = 0
        # Memory the sequence made, with the process that made it and when
        # (see visible()): only its lineage may print values from it.
        self.vars = []            # (name, length, owner, epoch): mappings that surely exist(ed)
        self.maybe = []           # (name, length, owner, epoch): results of calls that may fail
        self.procs = ["A"]
        self.depth = {"A": 0}
        self.parent = {"A": (None, 0)}   # proc -> (parent, line count at the fork)
        self.tainted = set()      # processes that may have moved special mappings' contents
        self.nproc = 0
        self.fill_bytes = [0]
        self.known = []           # (var, offset, bytes, writable, owner, epoch) of recent mappings
        r = self.r
        self.arena = r.choice(ARENA_SIZES)
        self.cluster = self.arena - CLUSTER_PAGES * PAGE   # offset of the cluster in the arena

    # ---- pieces -------------------------------------------------------
    def emit(self, s):
        self.lines.append(s)

    def proc(self):
        """Mostly the youngest process: fork chains then keep working."""
        r = self.r
        if len(self.procs) > 1 and r.random() < 0.5:
            return self.procs[-1]
        return r.choice(self.procs)

    def pages(self, hi=16):
        r = self.r
        x = r.random()
        if x < 0.5:
            return r.randint(1, 4)
        if x < 0.85:
            return r.randint(1, hi)
        return r.randint(1, 64)

    def rand_length(self):
        """A length: mostly whole pages, sometimes odd, zero, 2 MiB multiples or huge."""
        r = self.r
        x = r.random()
        if x < 0.80:
            return self.pages() * PAGE
        if x < 0.87:
            return self.pages() * PAGE - r.randint(1, PAGE - 1)
        if x < 0.90:
            return 0
        if x < 0.96:
            return r.choice([2, 4]) << 20
        return r.choice(HUGE)

    def odd_len(self, n):
        """n bytes, sometimes zero or a partial last page."""
        r = self.r
        y = r.random()
        if y < 0.04:
            return 0
        if y < 0.11:
            return max(n - r.randint(1, PAGE - 1), 1)
        return n

    def visible(self, q, owner, epoch):
        """Does process q see the memory owner made at epoch (its own, or
        inherited through forks made after it)?  Elsewhere the address may
        hold anything, e.g. a special mapping another process moved away."""
        while q is not None:
            if q == owner:
                return True
            par, e = self.parent[q]
            if par == owner:
                return e > epoch
            q = par
        return False

    def remember(self, var, off, length, prot, owner="A"):
        """Note a mapping the sequence probably created, to aim later calls at
        (never the special mappings: their contents are the host's)."""
        if var == "base":
            length = min(length, self.arena - off)
        if var == "top" and off < (SPECIAL_PAGES + 1) * PAGE and off + length > PAGE:
            return
        if var is None and off >= (1 << 47):
            return
        if 0 < length < (1 << 30):
            writable = "w" in prot or "WRITE" in prot
            self.known.append((var, off, (length + PAGE - 1) & ~(PAGE - 1), writable, owner,
                               len(self.lines)))
            del self.known[:-12]

    def known_range(self, writable=False, proc=None):
        """(var, offset, bytes) of a remembered mapping (one proc sees), or None."""
        cands = [k for k in self.known if (k[3] or not writable) and
                 (proc is None or self.visible(proc, k[4], k[5]))]
        if not cands:
            return None
        var, off, length = self.r.choice(cands)[:3]
        return var, off, length

    def region(self, runner_ok):
        regions = FREE_REGIONS + (RUNNER_REGIONS if runner_ok else [])
        return self.r.choices([n for n, _ in regions], [w for _, w in regions])[0]

    # ---- ranges by region ---------------------------------------------
    def range_in(self, kind, maxpages):
        """(var, offset, length) of a range in a region; var None = absolute."""
        r = self.r
        n = self.pages(maxpages)
        if kind == "known":
            k = self.known_range()
            if k:
                var, off, length = k
                npg = length // PAGE
                start = r.randint(0, npg - 1) if r.random() < 0.6 else 0
                # straddle its end (only where the runner's memory is not next to it)
                if var in ("base", "top") and r.random() < 0.25:
                    return var, off + start * PAGE, (npg - start + r.randint(1, 4)) * PAGE
                return var, off + start * PAGE, r.randint(1, npg - start) * PAGE
            kind = "cluster"
        if kind in ("vars", "maybe"):
            pool = self.vars if kind == "vars" else self.maybe
            if pool:
                name, vlen = r.choice(pool)[:2]
                npg = max(1, vlen // PAGE)
                start = r.randint(0, npg - 1)
                # within it: a kernel-placed mapping may lie right below the runner's
                return name, start * PAGE, r.randint(1, npg - start) * PAGE
            kind = "cluster"
        if kind == "cluster":
            k = r.randint(0, CLUSTER_PAGES - 1)
            # the top pages may run on into the special mappings above
            n = min(n, CLUSTER_PAGES + SPECIAL_PAGES + 2 - k)
            return "base", self.cluster + k * PAGE, n * PAGE
        if kind == "specials":
            # from a few pages below [vvar] to a few pages above [vdso]
            k = r.randint(-4, SPECIAL_PAGES + 2)
            n = r.choice([1, 1, 2, 2, 4, 6, 8, 10, r.randint(1, 16)])
            if r.random() < 0.3:               # exactly one special mapping
                k, n = r.choice([(1, 4), (5, 2), (7, 2), (1, 8), (5, 4)])
            return "top", k * PAGE, n * PAGE
        if kind == "above":
            k = r.randint(SPECIAL_PAGES + 1, SPECIAL_PAGES + 64)
            return "top", k * PAGE, n * PAGE
        if kind == "low":
            if r.random() < 0.6:
                k = r.randint(0, 0x2f)
                return None, k * PAGE, min(n, 0x30 - k) * PAGE
            k = r.randint(1, 16)
            return None, IMAGE - k * PAGE, min(n, k) * PAGE
        if kind == "heap_above":
            return "brk0", r.randint(0, 48) * PAGE, n * PAGE
        if kind == "gap":
            lo = STACK_LO - GAP
            k = r.randint(0, (STACK_SAFE - lo) // PAGE - 1)
            return None, lo + k * PAGE, min(n, (STACK_SAFE - lo) // PAGE - k) * PAGE
        if kind == "boundary":
            var, off = r.choice(self.boundaries())
            below = r.randint(1, 4) if var != "brk0" else 0   # never into the runner's heap
            return var, off - below * PAGE, (below + r.randint(1, 4)) * PAGE
        if kind == "tasksize":
            start = r.choice([TASK_SIZE, TASK_SIZE + PAGE, 1 << 47, 0xFFFF800000000000,
                              0xFFFFFFFFFFFFF000])
            return None, start, n * PAGE
        if kind == "image":
            k = r.randint(0, (IMAGE_TEXT_END - IMAGE) // PAGE - 1)
            return None, IMAGE + k * PAGE, min(n, (IMAGE_TEXT_END - IMAGE) // PAGE - k) * PAGE
        if kind == "heap":
            k = r.randint(1, 8)
            return "brk0", -k * PAGE, r.randint(1, k) * PAGE
        if kind == "stack":
            k = r.randint(0, (TASK_SIZE - STACK_LO) // PAGE - 1)
            return None, STACK_LO + k * PAGE, min(n, (TASK_SIZE - STACK_LO) // PAGE - k) * PAGE
        raise ValueError(kind)

    def clip_to_free(self, var, off, length):
        """A length that keeps [off, off+length) out of the runner's image
        and stack (absolute ranges only: a huge MAP_FIXED from the low pages
        would succeed and take the image)."""
        if var is not None:
            return length
        for lo, hi in ((IMAGE, IMAGE + (64 << 20)), (STACK_SAFE, TASK_SIZE)):
            if off < lo < off + length:
                return lo - off
        return length

    def boundaries(self):
        """Points where VMAs meet or end: aim ranges across them."""
        pts = [("top", PAGE), ("top", 5 * PAGE), ("top", 7 * PAGE), ("top", 9 * PAGE),
               ("base", self.arena), ("brk0", 0), (None, STACK_LO)]
        for var, off, length in (k[:3] for k in self.known[-6:]):
            if var in ("base", "top"):
                pts.append((var, off))
                pts.append((var, off + length))
        return pts

    def addr_and_len(self, maxpages=16, runner_ok=False):
        """A range for munmap/mprotect/madvise/...: (region, address text, length)."""
        kind = self.region(runner_ok)
        var, off, length = self.range_in(kind, maxpages)
        if self.r.random() < 0.06 and kind not in ("image", "heap", "stack"):
            off += self.r.randint(1, PAGE - 1)   # unaligned start
        if kind not in ("image", "heap", "stack"):
            length = self.odd_len(length)
        return kind, rel(var, off), length

    def prot(self):
        r = self.r
        if r.random() < 0.04:
            return r.choice(PROT_ODD)
        return r.choice(PROT_BITS) if r.random() < 0.6 else r.choice(PROT_NAMES)

    def runner_prot(self, kind):
        """A protection that keeps the runner's memory usable (a superset)."""
        if kind == "image":
            return self.r.choice(["r-x", "rwx", "PROT_READ|PROT_EXEC"])
        if kind == "stack" and self.r.random() < 0.3:
            return "PROT_READ|PROT_WRITE|PROT_GROWSDOWN"
        return self.r.choice(["rw-", "rwx", "PROT_READ|PROT_WRITE"])

    def maybe_var(self, length, owner):
        """Bind a call that may fail to a variable now and then."""
        if self.r.random() < 0.25 and 0 < length <= (4 << 20):
            self.nvar += 1
            name = "x%d" % self.nvar
            self.maybe.append((name, (length + PAGE - 1) & ~(PAGE - 1), owner, len(self.lines)))
            return " -> " + name
        return ""

    # ---- operations ---------------------------------------------------
    def map_flags(self, fixed, length):
        r = self.r
        types = [t for t, _ in MAP_TYPES]
        flags = [r.choices(types, [w for _, w in MAP_TYPES])[0]]
        if fixed:
            flags.append(fixed)
        for extra, prob in MAP_MODS:
            if r.random() < prob and (length <= 4 << 20 or extra not in POPULATING):
                flags.append(extra)
        if "MAP_HUGETLB" in flags and "MAP_NORESERVE" in flags:
            flags.remove("MAP_NORESERVE")    # a hugetlb VMA: not modelled
        return "|".join(flags)

    def mmap_tail(self):
        """fd and offset now and then (anonymous: fd -1, the offset still checked)."""
        r = self.r
        if r.random() < 0.05:
            return " -1 %s" % r.choice(["0", "0x1000", "1", "0xfffffffffffff000", "0x7fff00000000"])
        return ""

    def op_mmap_fixed(self):
        r = self.r
        p = self.proc()
        kind = self.region(False)
        length = self.rand_length()
        if (1 << 20) <= length < (1 << 40):
            length = self.pages() * PAGE             # stay inside the region
        var, off, room = self.range_in(kind, 16)
        length = self.clip_to_free(var, off, length)
        if var not in (None, "base", "top"):
            length = min(length, room)     # a kernel-placed mapping may lie below the runner's
        if r.random() < 0.05:
            off += r.randint(1, PAGE - 1)            # unaligned: EINVAL
        prot = self.prot()
        if self.level >= 5 and r.random() < 0.4:
            prot = "rw-"
        fixed = "MAP_FIXED" if r.random() < 0.75 else "MAP_FIXED_NOREPLACE"
        if kind == "tasksize" or length >= (1 << 40):
            fixed = r.choice(["MAP_FIXED", "MAP_FIXED_NOREPLACE"])
        if var in ("base", "top", None) and off % PAGE == 0:
            self.remember(var, off, length, prot, p)
        line = "%s mmap %s %s %s %s%s" % (p, rel(var, off), hexs(length), prot,
                                          self.map_flags(fixed, length), self.mmap_tail())
        if fixed == "MAP_FIXED_NOREPLACE":
            line += self.maybe_var(length, p)
        self.emit(line)

    def hint(self):
        """A hint for a non-fixed mmap: anywhere, the runner's memory included."""
        r = self.r
        if r.random() < 0.55:
            return "0"
        kind = self.region(True)
        var, off, _ = self.range_in(kind, 4)
        if r.random() < 0.1:
            off += r.randint(1, PAGE - 1)
        return rel(var, off)

    def op_mmap_any(self):
        """A kernel-placed mapping; bound to a variable when it cannot fail."""
        r = self.r
        p = self.proc()
        hint = self.hint()
        safe = True
        x = r.random()
        if x < 0.68:
            length = self.pages() * PAGE
        elif x < 0.78:
            length = self.pages() * PAGE - r.randint(1, PAGE - 1)
        elif x < 0.92:
            length = r.choice([2, 4]) << 20
        else:
            length = self.rand_length()
            safe = False
        if length == 0:
            safe = False
        if r.random() < 0.85:
            base = PRIVATE_ANON if r.random() < 0.85 else SHARED_ANON
            flags = [base]
            for extra, prob in (("MAP_NORESERVE", 0.1), ("MAP_POPULATE", 0.05),
                                ("MAP_STACK", 0.03), ("MAP_NONBLOCK", 0.02)):
                if r.random() < prob and (length <= 4 << 20 or extra not in POPULATING):
                    flags.append(extra)
            if r.random() < 0.05 and base == PRIVATE_ANON:
                flags.append("MAP_GROWSDOWN")
            if r.random() < 0.03 and length <= 4 << 20:
                flags.append("MAP_LOCKED")
                safe = False
            flags = "|".join(flags)
        else:
            flags = self.map_flags(None, length)
            safe = False
        prot = "rw-" if self.level >= 5 and r.random() < 0.4 else self.prot()
        if "GROWS" in prot or prot in PROT_ODD:
            safe = False
        line = "%s mmap %s %s %s %s" % (p, hint, hexs(length), prot, flags)
        if safe and length <= (4 << 20):
            self.nvar += 1
            name = "m%d" % self.nvar
            line += " -> " + name
            self.vars.append((name, (length + PAGE - 1) & ~(PAGE - 1), p, len(self.lines)))
            self.remember(name, 0, length, prot, p)
        else:
            line += self.mmap_tail() + self.maybe_var(length, p)
        self.emit(line)

    def op_munmap(self):
        _, a, l = self.addr_and_len(32)
        self.emit("%s munmap %s %s" % (self.proc(), a, hexs(l)))

    def op_mprotect(self):
        kind, a, l = self.addr_and_len(32, runner_ok=True)
        prot = self.runner_prot(kind) if kind in ("image", "heap", "stack") else self.prot()
        self.emit("%s mprotect %s %s %s" % (self.proc(), a, hexs(l), prot))

    def op_mremap(self):
        r = self.r
        p = self.proc()
        kind, old, oldlen = self.addr_and_len(8, runner_ok=True)
        if kind in ("image", "heap", "stack"):
            # in place only: same size (a no-op) or growing (fails, or grows)
            newlen = oldlen + r.choice([0, 0, PAGE, 4 * PAGE])
            self.emit("%s mremap %s %s %s 0" % (p, old, hexs(oldlen), hexs(newlen)))
            return
        if self.vars and r.random() < 0.2:
            name, vlen = r.choice(self.vars)[:2]
            old, oldlen = rel(name, 0), vlen
        elif kind in ("specials", "cluster", "boundary", "known"):
            self.tainted.add(p)          # the range may hold special mappings: they may move
        x = r.random()
        if x < 0.3:
            newlen = max(oldlen - r.randint(0, 4) * PAGE, PAGE)
        elif x < 0.9:
            newlen = oldlen + r.randint(1, 8) * PAGE
        else:
            newlen = r.choice([0, oldlen, oldlen + 1, 2 << 20, 1 << 47])
        y = r.random()
        newaddr = None
        if y < 0.18:
            flags = "0"
        elif y < 0.5:
            flags = "MREMAP_MAYMOVE"
        elif y < 0.75:
            flags = "MREMAP_MAYMOVE|MREMAP_FIXED"
            newaddr = True
            if r.random() < 0.5:
                newlen = oldlen                  # a pure move: several VMAs at once
        elif y < 0.87:
            flags = "MREMAP_MAYMOVE|MREMAP_DONTUNMAP"
            if r.random() < 0.7:
                newlen = oldlen
        elif y < 0.93:
            flags = "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP"
            newaddr = True
            newlen = oldlen
        else:
            flags = r.choice(["MREMAP_FIXED", "MREMAP_DONTUNMAP", "8", "MREMAP_MAYMOVE|8",
                              "0x10"])
            if "FIXED" in flags:
                newaddr = True
        if r.random() < 0.03:
            oldlen = 0                       # duplicates a shared mapping, else EINVAL
            flags = "MREMAP_MAYMOVE"
            newaddr = None
        line = "%s mremap %s %s %s %s" % (p, old, hexs(oldlen), hexs(newlen), flags)
        if newaddr:
            kind = self.region(False)
            var, off, room = self.range_in(kind, 8)
            if self.clip_to_free(var, off, newlen) != newlen or \
                    (var not in (None, "base", "top") and newlen > room):
                var, off = "base", self.cluster
            line += " " + rel(var, off)
        self.emit(line + self.maybe_var(newlen, p))

    def op_brk(self):
        r = self.r
        x = r.random()
        if x < 0.1:
            v = "0"
        elif x < 0.8:
            v = rel("brk0", r.randint(0, 40) * PAGE)
        elif x < 0.9:
            v = rel("brk0", r.randint(0, 40) * PAGE + r.randint(1, PAGE - 1))
        else:
            v = r.choice(["0x1000", hexs(TASK_SIZE), "0xffffffffffffffff",
                          rel("brk0", 1 << 44), rel("brk0", -PAGE)])
        if v == rel("brk0", -PAGE):          # never below the runner's own heap
            v = "$brk0"
        self.emit("%s brk %s" % (self.proc(), v))

    def op_brk_blocker(self):
        """A fixed mapping just above the break, so brk growth must stop below it."""
        r = self.r
        off = r.randint(1, 24) * PAGE
        flags = PRIVATE_ANON + "|MAP_FIXED" + ("|MAP_GROWSDOWN" if r.random() < 0.3 else "")
        self.emit("%s mmap %s %s %s %s" % (self.proc(), rel("brk0", off),
                                           hexs(r.randint(1, 4) * PAGE), r.choice(PROT_BITS), flags))

    def op_madvise(self):
        r = self.r
        kind, a, l = self.addr_and_len(16, runner_ok=True)
        if kind in ("heap", "stack"):
            adv = r.choice(MADVICE_SAFE)
        elif kind == "image":
            adv = r.choice(MADVICE_SAFE + ["MADV_DONTNEED", "MADV_FREE", "MADV_REMOVE",
                                           "MADV_WIPEONFORK"])     # the last three: EINVAL
        else:
            adv = r.choice(MADVICE) if r.random() < 0.95 else r.choice(MADVICE_BAD)
        self.emit("%s madvise %s %s %s" % (self.proc(), a, hexs(l), adv))

    def op_mlock(self):
        r = self.r
        _, a, l = self.addr_and_len(8, runner_ok=True)
        x = r.random()
        if x < 0.4:
            self.emit("%s mlock %s %s" % (self.proc(), a, hexs(l)))
        elif x < 0.75:
            self.emit("%s munlock %s %s" % (self.proc(), a, hexs(l)))
        else:
            self.emit("%s mlock2 %s %s %s" % (self.proc(), a, hexs(l),
                                              r.choice(["MLOCK_ONFAULT", "0", "2"])))

    def op_mlockall(self):
        r = self.r
        if r.random() < 0.5:
            self.emit("%s munlockall" % self.proc())
        else:
            self.emit("%s mlockall %s" % (self.proc(), r.choice(
                ["MCL_CURRENT", "MCL_FUTURE", "MCL_CURRENT|MCL_FUTURE", "MCL_FUTURE|MCL_ONFAULT",
                 "MCL_CURRENT|MCL_ONFAULT", "MCL_ONFAULT", "0", "8"])))

    def op_msync(self):
        _, a, l = self.addr_and_len(8, runner_ok=True)
        flags = self.r.choice(["MS_SYNC", "MS_ASYNC", "MS_INVALIDATE", "MS_SYNC|MS_INVALIDATE",
                               "MS_ASYNC|MS_INVALIDATE", "MS_SYNC|MS_ASYNC", "0", "8"])
        self.emit("%s msync %s %s %s" % (self.proc(), a, hexs(l), flags))

    def op_bad(self):
        """Calls with nonsense arguments: Linux's errno, and nothing changes."""
        r = self.r
        p = self.proc()
        _, a, _ = self.addr_and_len(4)
        choices = [
            "%s mmap %s 0x1000 rw- MAP_ANONYMOUS" % (p, a),                       # no type
            "%s mmap %s 0x1000 rw- MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x800000" % (p, a),
            "%s mmap 0 0x1000 rw- MAP_PRIVATE" % p,                               # fd -1: EBADF
            "%s mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -1 1" % p,            # offset
            "%s mmap 0 0 rw- MAP_PRIVATE|MAP_ANONYMOUS" % p,
            "%s mmap 0x0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % p,     # mmap_min_addr
            "%s mmap 0x3ff000 0x2000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE" % p,
            "%s mmap %s 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % (p, hexs(TASK_SIZE)),
            "%s mmap %s 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % (p, hexs(TASK_SIZE - PAGE)),
            "%s mmap 0xffff800000000000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % p,
            "%s mmap 0 0x1000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_GROWSDOWN" % p,
            "%s mmap %s 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE" % (p, hexs(IMAGE)),
            "%s mmap %s 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE"
            % (p, hexs(TASK_SIZE - PAGE)),
            "%s munmap %s 0x1000" % (p, hexs(TASK_SIZE)),
            "%s munmap 0x800000000000 0x1000" % p,
            "%s munmap 0x10000 0" % p,
            "%s mprotect 0x10000 0x1000 0x10" % p,
            "%s mprotect %s 0x1000 r--" % (p, hexs(TASK_SIZE)),
            "%s mremap 0x10001 0x1000 0x2000 MREMAP_MAYMOVE" % p,
            "%s mremap 0x20000 0x1000 0x2000 MREMAP_MAYMOVE" % p,
            "%s mremap %s 0x1000 0x1000 MREMAP_MAYMOVE|MREMAP_FIXED %s"
            % (p, hexs(IMAGE), hexs(TASK_SIZE)),
            "%s mremap %s 0x1000 0x2000 MREMAP_MAYMOVE|MREMAP_FIXED %s"
            % (p, hexs(IMAGE), hexs(IMAGE)),
            "%s madvise 0x10001 0x1000 MADV_DONTNEED" % p,
            "%s madvise %s 0x1000 MADV_NORMAL" % (p, hexs(TASK_SIZE)),
            "%s mlock %s 0x2000000" % (p, a),                                       # > RLIMIT_MEMLOCK
            "%s msync 0x30001 0x1000 MS_SYNC" % p,
            "%s brk 0x1000" % p,
            # a shared mapping whose object cannot be charged: the MAP_FIXED gap
            "%s mmap %s 0x100000000000 --- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED" % (p, rel("brk0", 0x10000)),
            "%s mmap 0 0x1000000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_LOCKED" % p,
            "%s mmap 0 0x200000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB -1 0xfffffffffffff000" % p,
            "%s mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|0x58000000" % p,
        ]
        self.emit(r.choice(choices))

    def op_dump(self):
        p = self.proc()
        self.emit("cat /proc/%s/%s" % (p, "smaps" if self.r.random() < 0.15 else "maps"))

    # ---- level 5: memory and processes ---------------------------------
    def access_addr(self, span, kind, proc, fetch=False):
        """An address where `span` bytes stay inside the region; sometimes
        unaligned or page-crossing.  fetch: for `exec`, whose host side runs
        one real instruction of up to 15 bytes there: the address keeps 16
        bytes inside its page, so the instruction cannot fetch from the next
        page (mmkit's exec fetches one byte)."""
        r = self.r

        def at(var, off):
            if fetch and off % PAGE > PAGE - 16:
                off -= off % PAGE - (PAGE - 16)
            return rel(var, off)
        if kind == "known":
            k = self.known_range(writable=True, proc=proc)
            if k and k[2] >= span:
                var, off, length = k
                return at(var, off + r.randint(0, length - span))
            kind = "cluster"
        seen = [v for v in self.vars if self.visible(proc, v[2], v[3])]
        if kind == "vars" and seen:
            name, vlen = r.choice(seen)[:2]
            if vlen >= span:
                off = r.randint(0, vlen - span)
                return at(name, off & ~7 if r.random() < 0.8 else off)
        npg = -(-span // PAGE) + 1
        var, off, _ = self.range_in(kind if kind != "vars" else "cluster", 1)
        if kind == "cluster":
            k = r.randint(0, CLUSTER_PAGES - npg)
            off = self.cluster + k * PAGE
        x = r.random()
        if x < 0.2:
            off += r.randint(0, PAGE - 1 - min(span, PAGE - 1))
        elif x < 0.3 and kind in ("cluster", "low", "above", "gap"):
            off += PAGE - r.choice([1, 2, 4])       # crosses into the next page
        elif x < 0.35 and kind == "cluster":
            off -= r.randint(1, 8) * PAGE
        return at(var, off)

    def data_region(self):
        """Where the sequence's own memory is: values may be printed."""
        return self.r.choices(["known", "vars", "cluster", "low", "above", "gap"],
                              [35, 15, 35, 5, 4, 6])[0]

    def op_access(self):
        r = self.r
        p = self.proc()
        x = r.random()
        if p in self.tainted and (x < 0.22 or 0.6 <= x < 0.74):
            x = 0.8          # it may have moved a special mapping anywhere: no values
        if x < 0.22:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s read %s %d" % (p, self.access_addr(size, self.data_region(), p), size))
        elif x < 0.45:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s write %s %d %s" % (p, self.access_addr(size, self.data_region(), p), size,
                                             hexs(r.getrandbits(8 * size))))
        elif x < 0.6:
            b = r.randint(0, 255)
            n = r.randint(1, 3 * PAGE)
            self.fill_bytes.append(b)
            self.emit("%s fill %s %s %s" % (p, self.access_addr(n, self.data_region(), p), hexs(n),
                                            hexs(b)))
        elif x < 0.74:
            n = r.randint(1, 2 * PAGE)
            self.emit("%s check %s %s %s" % (p, self.access_addr(n, self.data_region(), p), hexs(n),
                                             hexs(r.choice(self.fill_bytes))))
        elif x < 0.94:
            # touches keep every byte, so they may reach everything
            kind = r.choice(["known", "cluster", "specials", "specials", "image", "heap",
                             "stack", "gap", "low", "deep"])
            n = r.randint(1, 8) * PAGE
            if kind == "deep":            # below RLIMIT_STACK's reach: growth fails
                addr = hexs(TASK_SIZE - r.choice([8, 9, 16]) * (1 << 20) - r.randint(0, 64) * PAGE)
            elif kind in ("specials", "image", "heap", "stack"):
                var, off, n = self.range_in(kind, 8)
                addr = rel(var, off)
            else:
                addr = self.access_addr(n, kind, p)
            self.emit("%s touch %s %s %s" % (p, addr, hexs(n), r.choice(["read", "write"])))
        else:
            kind = r.choice(["known", "cluster", "cluster", "specials"])
            if kind == "specials":
                self.emit("%s exec %s" % (p, rel("top", r.randint(1, SPECIAL_PAGES) * PAGE + 0x10)))
            else:
                self.emit("%s exec %s" % (p, self.access_addr(16, kind, p, fetch=True)))

    def op_fork(self):
        if len(self.procs) >= 5:
            return self.op_access()
        r = self.r
        # mostly from the youngest: chains of three forks and more
        parent = self.procs[-1] if r.random() < 0.7 else r.choice(self.procs)
        self.nproc += 1
        child = "P%d" % self.nproc
        self.emit("%s fork %s" % (parent, child))
        self.procs.append(child)
        self.depth[child] = self.depth[parent] + 1
        self.parent[child] = (parent, len(self.lines))
        if parent in self.tainted:
            self.tainted.add(child)

    def op_exit(self):
        if len(self.procs) < 2:
            return self.op_access()
        victim = self.r.choice(self.procs[1:])
        self.procs.remove(victim)
        self.emit("%s exit" % victim)

    # ---- the sequence ---------------------------------------------------
    def header(self):
        r = self.r
        self.emit("# mmkit differential sequence: seed=%s index=%s len=%s level=%s"
                  % (self.seed, self.index, self.length, self.level))
        self.emit("spawn A")
        if self.level >= 5:
            self.emit("handle A SIGSEGV catch")
            self.emit("handle A SIGBUS catch")
        self.emit("A brk 0 -> brk0")
        # the first hint-less mmap lands right below the special mappings
        self.emit("A mmap 0 0x1000 PROT_NONE %s -> top" % PRIVATE_ANON)
        self.emit("A munmap $top 0x1000")
        self.emit("A mmap 0 %s PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base"
                  % hexs(self.arena))
        if r.random() < 0.5:
            self.emit("A munmap $base %s" % hexs(self.arena))

    def generate(self):
        ops = [(self.op_mmap_fixed, 20), (self.op_mmap_any, 10), (self.op_munmap, 11),
               (self.op_mprotect, 15), (self.op_mremap, 12), (self.op_brk, 4),
               (self.op_brk_blocker, 1), (self.op_madvise, 10), (self.op_mlock, 4),
               (self.op_mlockall, 1), (self.op_msync, 2), (self.op_bad, 3)]
        if self.level >= 5:
            ops += [(self.op_access, 45), (self.op_fork, 4), (self.op_exit, 2)]
        funcs = [f for f, _ in ops]
        weights = [w for _, w in ops]
        self.header()
        since_dump = 0
        for _ in range(self.length):
            self.r.choices(funcs, weights)[0]()
            since_dump += 1
            if since_dump >= 8 and self.r.random() < 0.25:
                self.op_dump()
                since_dump = 0
        for p in self.procs:
            self.emit("cat /proc/%s/maps" % p)
        return self.lines


# ---- level 6: files -------------------------------------------------------
FILE_MAX = 1 << 20                     # a file stays below the host's read-around reach
FADVICE = ["POSIX_FADV_NORMAL", "POSIX_FADV_RANDOM", "POSIX_FADV_SEQUENTIAL",
           "POSIX_FADV_WILLNEED", "POSIX_FADV_DONTNEED", "POSIX_FADV_NOREUSE"]
FILE_MADVICE = ["MADV_DONTNEED", "MADV_WILLNEED", "MADV_REMOVE", "MADV_POPULATE_READ",
                "MADV_POPULATE_WRITE", "MADV_NORMAL", "MADV_SEQUENTIAL", "MADV_RANDOM",
                "MADV_FREE", "MADV_DONTFORK", "MADV_DOFORK"]
# MADV_COLD and MADV_PAGEOUT act only on pages on an LRU list; on the host a
# new page waits in a per-CPU batch first, so what they do depends on the
# CPU the runner ran on.
LRU_ADVICE = ("MADV_COLD", "MADV_PAGEOUT")
MSYNC_FLAGS = ["MS_SYNC", "MS_ASYNC", "MS_INVALIDATE", "MS_SYNC|MS_INVALIDATE",
               "MS_ASYNC|MS_INVALIDATE", "MS_SYNC|MS_ASYNC", "0", "8"]


class FileGen(Gen):
    """Level 6: files on a host-directory mount (the `#@file` files, which
    hostrun makes on the host's disk file system and run_diff.py makes
    again for mmkit) mixed with level 5's memory work: file mappings
    (shared, private, past EOF), accesses through them (SIGBUS past the
    last page), read/write/pread/pwrite through buffers anywhere,
    ftruncate/truncate, fsync, msync, fadvise, readahead, fallocate,
    madvise, mincore, rusage (minor and major faults), stat, unlink, fork.

    Rules that keep the host's page cache made of order-0 folios like
    mmkit's (its ext4 has large folios; docs/ARCHITECTURE.md): files stay
    below 1 MiB, so the first mapping fault's read-around (ra_pages 2048)
    reads a whole file with no readahead mark inside it; read() is only
    issued on descriptors with POSIX_FADV_RANDOM (FMODE_RANDOM: no
    readahead window, so no async readahead growing the folio order), and a
    write(2) moves at most one page (a longer one gets a large folio)."""

    def __init__(self, seed, index, length, level):
        Gen.__init__(self, seed, index, length, level)
        r = self.r
        self.files = []                # name -> [size]
        self.fds = []                  # (var, file index, writable, random, owner, epoch)
        self.fmaps = []                # (var, length, fd var, offset, shared, writable, owner, epoch)
        nfiles = r.randint(1, 3)
        for i in range(nfiles):
            x = r.random()
            if x < 0.15:
                size = r.randint(0, 3) * PAGE + r.choice([0, 1, 100, PAGE - 1])
            elif x < 0.75:
                size = r.randint(1, 40) * PAGE - r.choice([0, 0, 1, r.randint(1, PAGE - 1)])
            else:
                size = r.randint(40, FILE_MAX // PAGE) * PAGE - r.choice([0, r.randint(1, PAGE - 1)])
            self.files.append(max(size, 0))
        self.nfd = 0
        self.nfmap = 0

    # The runner's own memory stays out of reach: its pages are all mapped
    # on the host (so that `rusage` counts the scenario's faults only) but
    # not in mmkit's imported copy, and advice on them would make the
    # runner fault again.
    def region(self, runner_ok):
        return Gen.region(self, False)

    def access_addr(self, span, kind, proc, fetch=False):
        """Gen's, but never in the runner's [stack]: the host runner has all
        of it mapped (its lowest pages too), mmkit's imported copy none, so
        an access there would count a fault in mmkit only (rusage)."""
        while True:
            a = Gen.access_addr(self, span, kind, proc, fetch)
            if not a.startswith("0x"):
                return a
            x = int(a, 16)
            if x + span <= STACK_LO or x >= TASK_SIZE:
                return a

    @staticmethod
    def reaches_runner_stack(line):
        """Does a range line (madvise, mlock) reach the runner's [stack]
        with a literal range?  A range of the gap below it may run on into
        it; its pages are mapped on the host and not in mmkit's imported
        copy, so a populate there counts a fault in mmkit only (seed 1218 of
        level 6, index 222)."""
        w = line.split()
        try:
            a, n = int(w[2], 16), int(w[3], 16)
        except (IndexError, ValueError):
            return False
        return a < TASK_SIZE and a + n > STACK_LO

    def op_madvise(self):
        while True:
            Gen.op_madvise(self)
            last = self.lines[-1]
            if not any(a in last for a in LRU_ADVICE) and not self.reaches_runner_stack(last):
                return
            self.lines.pop()

    def op_mlock(self):
        while True:
            Gen.op_mlock(self)
            if not self.reaches_runner_stack(self.lines[-1]):
                return
            self.lines.pop()

    def op_access(self):
        r = self.r
        if r.random() < 0.2:
            p = self.proc()
            kind = r.choice(["known", "cluster", "gap", "low"])
            n = r.randint(1, 8) * PAGE
            self.emit("%s touch %s %s %s" % (p, self.access_addr(n, kind, p), hexs(n),
                                             r.choice(["read", "write"])))
            return
        x = r.random()
        while True:
            Gen.op_access(self)
            last = self.lines[-1]
            if " touch " not in last and " exec $top" not in last:
                return
            self.lines.pop()                 # a touch or exec of the runner's or the specials

    def header(self):
        for i, size in enumerate(self.files):
            self.emit("#@file f%d %d %d" % (i, size, self.r.randint(1, 1 << 30)))
        self.emit("mount @FILES@ /mnt")
        Gen.header(self)
        self.emit("A mmap 0 0x10000 rw- %s -> buf" % PRIVATE_ANON)
        self.vars.append(("buf", 0x10000, "A", len(self.lines)))
        for i in range(len(self.files)):
            self.op_open(i, "A")

    # ---- descriptors ----------------------------------------------------
    def op_open(self, i=None, p=None):
        r = self.r
        p = p or self.proc()
        if i is None:
            i = r.randrange(len(self.files))
        x = r.random()
        flags = "O_RDWR" if x < 0.75 else "O_RDONLY" if x < 0.9 else "O_WRONLY"
        if r.random() < 0.1:
            flags += "|O_APPEND"
        if r.random() < 0.05 and flags != "O_RDONLY" and len(self.lines) > 20:
            flags += "|O_TRUNC"
            self.files[i] = 0
        self.nfd += 1
        var = "fd%d" % self.nfd
        self.emit("%s open /mnt/f%d %s -> %s" % (p, i, flags, var))
        rnd = r.random() < 0.8
        if rnd:
            self.emit("%s fadvise $%s 0 0 POSIX_FADV_RANDOM" % (p, var))
        self.fds.append((var, i, "RDONLY" not in flags, rnd, p, len(self.lines)))

    def fd(self, p, writable=False):
        c = [f for f in self.fds if self.visible(p, f[4], f[5]) and (f[2] or not writable)]
        return self.r.choice(c) if c else None

    def fmap(self, p):
        c = [m for m in self.fmaps if self.visible(p, m[6], m[7])]
        return self.r.choice(c) if c else None

    def file_off(self, i, align=True):
        """An offset in or just past file i."""
        r = self.r
        size = max(self.files[i], 1)
        off = r.randint(0, size + 2 * PAGE)
        return off & ~(PAGE - 1) if align else off

    # ---- mappings -------------------------------------------------------
    def op_fmmap(self):
        r = self.r
        p = self.proc()
        f = self.fd(p)
        if not f:
            return self.op_open()
        var, i, writable, _, _, _ = f
        size = self.files[i]
        off = self.file_off(i) if r.random() < 0.4 else 0
        if r.random() < 0.7:
            length = max(size - off, 1) + r.choice([0, 0, PAGE, 2 * PAGE, r.randint(1, PAGE)])
        else:
            length = r.randint(1, 16) * PAGE
        length = min(length, 2 << 20)
        shared = r.random() < 0.55
        prot = r.choice(["rw-", "rw-", "r--", "r--", "---", "r-x"])
        flags = "MAP_SHARED" if shared else "MAP_PRIVATE"
        if shared and r.random() < 0.1:
            flags = "MAP_SHARED_VALIDATE"
        if r.random() < 0.08:
            flags += "|MAP_POPULATE"
        if r.random() < 0.04:
            flags += "|MAP_LOCKED"
        if r.random() < 0.03:
            off += r.randint(1, PAGE - 1)            # EINVAL
        hint = "0"
        if r.random() < 0.15:
            hint = rel("base", self.cluster + r.randint(0, CLUSTER_PAGES - 8) * PAGE)
            flags += "|MAP_FIXED"
        self.nfmap += 1
        name = "fm%d" % self.nfmap
        line = "%s mmap %s %s %s %s $%s %s -> %s" % (p, hint, hexs(length), prot, flags, var,
                                                    hexs(off), name)
        self.emit(line)
        if off % PAGE == 0 and not (shared and "w" in prot and not writable):
            self.fmaps.append((name, (length + PAGE - 1) & ~(PAGE - 1), var, off, shared,
                               "w" in prot, p, len(self.lines)))
            self.remember(name, 0, length, prot, p)
        else:
            self.maybe.append((name, (length + PAGE - 1) & ~(PAGE - 1), p, len(self.lines)))

    def map_addr(self, m, span):
        """An address in (or just past) file mapping m with span bytes."""
        r = self.r
        name, length = m[0], m[1]
        off = r.randint(0, max(length - span, 0))
        if r.random() < 0.3:
            off &= ~(PAGE - 1)
        return rel(name, off)

    def op_faccess(self):
        r = self.r
        p = self.proc()
        m = self.fmap(p)
        if not m or p in self.tainted:
            return self.op_fmmap()
        x = r.random()
        if x < 0.35:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s read %s %d" % (p, self.map_addr(m, size), size))
        elif x < 0.65:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s write %s %d %s" % (p, self.map_addr(m, size), size,
                                             hexs(r.getrandbits(8 * size))))
        elif x < 0.75:
            b = r.randint(0, 255)
            n = r.randint(1, 2 * PAGE)
            self.fill_bytes.append(b)
            self.emit("%s fill %s %s %s" % (p, self.map_addr(m, n), hexs(n), hexs(b)))
        elif x < 0.85:
            n = r.randint(1, 2 * PAGE)
            self.emit("%s check %s %s %s" % (p, self.map_addr(m, n), hexs(n),
                                             hexs(r.choice(self.fill_bytes))))
        else:
            n = r.randint(1, 8) * PAGE
            self.emit("%s touch %s %s %s" % (p, rel(m[0], r.randint(0, m[1] // PAGE) * PAGE),
                                             hexs(n), r.choice(["read", "write"])))

    # ---- system calls on descriptors ------------------------------------
    def buffer(self, p, n, write=False):
        """A buffer: mostly the anonymous one, sometimes a file mapping (a
        copy that faults), sometimes a bad address.  write: the source of a
        write(2)."""
        r = self.r
        x = r.random()
        if x < 0.7:
            return rel("buf", r.randint(0, 0x10000 - min(n, 0x10000)))
        if x < 0.9:
            m = self.fmap(p)
            if m and p not in self.tainted:
                return self.map_addr(m, min(n, m[1]))
            return "$buf"
        # not just below TASK_SIZE: that is the runner's [stack], which the
        # host has mapped and mmkit's imported copy not (a fault in mmkit's
        # rusage only; seed 7, index 143)
        crossing = rel("buf", 0x10000 - r.randint(1, 64))
        bad = ["0", "0x10000", crossing, hexs(TASK_SIZE), "0xffff800000000000"]
        if write:
            # A copy that runs off buf's end reads [vvar], right above it
            # (the header's buf is the top of the mmap area), which is
            # readable: a write would put each kernel's own vvar bytes in
            # the file (seed 1219 of level 6, index 1).  Reads still go
            # there: [vvar] is read-only, so they stop with EFAULT.
            bad.remove(crossing)
        return r.choice(bad)

    def op_sysrw(self):
        r = self.r
        p = self.proc()
        write = r.random() < 0.45
        f = self.fd(p, writable=write)
        if not f:
            return self.op_open()
        var, i, _, rnd, _, _ = f
        if not write and not rnd:
            return self.op_fmmap()       # read() on a non-random descriptor: readahead windows
        n = r.randint(1, PAGE) if write else r.choice([r.randint(1, PAGE), r.randint(1, 4 * PAGE)])
        buf = self.buffer(p, n, write)
        kind = r.random()
        if kind < 0.6:
            off = self.file_off(i, align=r.random() < 0.3)
            if write and self.files[i] + PAGE < off:
                off = self.files[i]
            self.emit("%s %s $%s %s %s %d" % (p, "pwrite" if write else "pread", var, buf,
                                             hexs(n), off))
            if write:
                self.files[i] = max(self.files[i], off + n)
        else:
            self.emit("%s %s $%s %s %s" % (p, "sys_write" if write else "sys_read", var, buf,
                                          hexs(n)))
            if write:
                self.files[i] = max(self.files[i], FILE_MAX)    # somewhere; keep it bounded below
        if not write and buf.startswith("$buf") and r.random() < 0.6:
            self.emit("%s read %s 8" % (p, rel("buf", 0)))

    def op_lseek(self):
        r = self.r
        p = self.proc()
        f = self.fd(p)
        if not f:
            return self.op_open()
        whence = r.choice(["SEEK_SET", "SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
                           "SEEK_HOLE"])
        off = r.choice([0, r.randint(0, 2 * FILE_MAX // 4), PAGE * r.randint(0, 64), -1])
        if whence == "SEEK_SET" and off > self.files[f[1]] + PAGE:
            off = self.files[f[1]]
        self.emit("%s lseek $%s %d %s" % (p, f[0], off, whence))

    def op_truncate(self):
        r = self.r
        p = self.proc()
        i = r.randrange(len(self.files))
        x = r.random()
        size = self.files[i]
        if x < 0.5:
            new = r.randint(0, max(size, 1))
        else:
            new = min(size + r.randint(1, 16 * PAGE), FILE_MAX)
        if r.random() < 0.4:
            new &= ~(PAGE - 1)
        f = self.fd(p, writable=True)
        if f and f[1] == i and r.random() < 0.7:
            self.emit("%s ftruncate $%s %d" % (p, f[0], new))
        else:
            self.emit("%s truncate /mnt/f%d %d" % (p, i, new))
        self.files[i] = new

    def op_sync(self):
        r = self.r
        p = self.proc()
        x = r.random()
        m = self.fmap(p)
        if x < 0.5 and m:
            start = r.randint(0, m[1] // PAGE - 1) * PAGE
            length = r.randint(1, m[1] // PAGE - start // PAGE) * PAGE
            self.emit("%s msync %s %s %s" % (p, rel(m[0], start), hexs(length),
                                            r.choice(MSYNC_FLAGS)))
            return
        f = self.fd(p)
        if f:
            self.emit("%s %s $%s" % (p, r.choice(["fsync", "fdatasync"]), f[0]))

    def op_fadvise(self):
        r = self.r
        p = self.proc()
        f = self.fd(p)
        if not f:
            return
        off = self.file_off(f[1], align=r.random() < 0.5)
        length = r.choice([0, r.randint(1, 32) * PAGE, r.randint(1, 64 * PAGE)])
        adv = r.choice(FADVICE)
        if adv in ("POSIX_FADV_NORMAL", "POSIX_FADV_SEQUENTIAL"):
            if f[3]:
                adv = "POSIX_FADV_DONTNEED"  # keep FMODE_RANDOM (see the class comment)
        self.emit("%s fadvise $%s %d %d %s" % (p, f[0], off, length, adv))

    def op_readahead(self):
        r = self.r
        p = self.proc()
        f = self.fd(p)
        if f:
            self.emit("%s readahead $%s %d %d" % (p, f[0], self.file_off(f[1]),
                                                  r.randint(0, 32) * PAGE))

    def op_fallocate(self):
        r = self.r
        p = self.proc()
        f = self.fd(p, writable=True)
        if not f:
            return
        mode = r.choice(["0", "FALLOC_FL_KEEP_SIZE", "FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE",
                         "FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE"])
        off = self.file_off(f[1], align=r.random() < 0.5)
        length = r.randint(1, 8 * PAGE)
        if mode == "0":
            self.files[f[1]] = min(max(self.files[f[1]], off + length), FILE_MAX)
        self.emit("%s fallocate $%s %s %d %d" % (p, f[0], mode, off, length))

    def op_fmadvise(self):
        r = self.r
        p = self.proc()
        m = self.fmap(p)
        if not m:
            return self.op_fmmap()
        start = r.randint(0, m[1] // PAGE - 1) * PAGE
        length = r.randint(1, m[1] // PAGE - start // PAGE) * PAGE
        self.emit("%s madvise %s %s %s" % (p, rel(m[0], start), hexs(length),
                                          r.choice(FILE_MADVICE)))

    def op_fview(self):
        r = self.r
        p = self.proc()
        x = r.random()
        m = self.fmap(p)
        if x < 0.45 and m:
            pages = min(m[1] // PAGE, 200)
            self.emit("%s mincore %s %s" % (p, rel(m[0], 0), hexs(r.randint(1, pages) * PAGE)))
        elif x < 0.75:
            self.emit("%s rusage" % p)
        elif x < 0.85:
            self.emit("%s stat /mnt/f%d" % (p, r.randrange(len(self.files))))
        else:
            self.emit("cat /proc/%s/smaps" % p)

    def op_fother(self):
        r = self.r
        p = self.proc()
        x = r.random()
        f = self.fd(p)
        if x < 0.4 and f:
            self.emit("%s fstat $%s" % (p, f[0]))
        elif x < 0.6 and f:
            self.nfd += 1
            self.emit("%s dup $%s -> fd%d" % (p, f[0], self.nfd))
            self.fds.append(("fd%d" % self.nfd,) + f[1:4] + (p, len(self.lines)))
        elif x < 0.8 and f and len(self.fds) > 2:
            self.emit("%s close $%s" % (p, f[0]))
            self.fds.remove(f)
        elif x < 0.85:
            i = r.randrange(len(self.files))
            self.emit("%s unlink /mnt/f%d" % (p, i))
            self.nfd += 1
            var = "fd%d" % self.nfd
            self.emit("%s open /mnt/f%d O_RDWR|O_CREAT 0644 -> %s" % (p, i, var))
            self.emit("%s fadvise $%s 0 0 POSIX_FADV_RANDOM" % (p, var))
            self.files[i] = 0
            self.fds = [d for d in self.fds if d[1] != i]
            self.fds.append((var, i, True, True, p, len(self.lines)))
        else:
            self.op_open()

    def generate(self):
        ops = [(self.op_mmap_fixed, 6), (self.op_mmap_any, 4), (self.op_munmap, 4),
               (self.op_mprotect, 5), (self.op_mremap, 4), (self.op_madvise, 3),
               (self.op_mlock, 1), (self.op_access, 10), (self.op_fork, 3), (self.op_exit, 1),
               (self.op_fmmap, 12), (self.op_faccess, 30), (self.op_sysrw, 14),
               (self.op_lseek, 2), (self.op_truncate, 4), (self.op_sync, 5),
               (self.op_fadvise, 4), (self.op_readahead, 1), (self.op_fallocate, 2),
               (self.op_fmadvise, 5), (self.op_fview, 10), (self.op_fother, 3)]
        funcs = [f for f, _ in ops]
        weights = [w for _, w in ops]
        self.header()
        for _ in range(self.length):
            self.r.choices(funcs, weights)[0]()
        for p in self.procs:
            self.emit("%s rusage" % p)
            self.emit("cat /proc/%s/smaps" % p)
        return self.lines


def generate(seed, index, length=60, level=4):
    """The sequence (a list of script lines) for (seed, index)."""
    if level >= 6:
        return FileGen(seed, index, length, level).generate()
    return Gen(seed, index, length, level).generate()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--len", type=int, default=60)
    ap.add_argument("--level", type=int, default=4, choices=[4, 5, 6])
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    text = "\n".join(generate(a.seed, a.index, a.len, a.level)) + "\n"
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
