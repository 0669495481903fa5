#!/usr/bin/env python3
"""Seeded random call sequences for mmkit's differential tests.

Each sequence is a scenario (.mm) valid on both sides: hostrun runs it on the
host kernel, mmkit runs it on the simulated machine, and every result line and
maps dump must agree.  Addresses are never absolute guesses of a layout; they
are expressed relative to things that exist in both runs:

  $base   an arena reserved at the start by a kernel-placed mmap (kept as a
          PROT_NONE reservation or unmapped again); most activity happens in
          a "cluster" of pages at its top, right below the vdso, so calls
          overlap, split, merge and collide often;
  $mN     the result of an earlier non-fixed mmap that cannot fail (so the
          variable is always set), used only within its own length;
  $brk0   the program break at the start (the heap is never shrunk below it);
  a few absolute addresses that are free or invalid in every agent layout
  (below the executable at 0x400000, at/above TASK_SIZE, non-canonical).

So the sequences never touch the runner's own image, heap, stack or vdso.
Writable private mappings stay small (<= 4 MiB) and huge lengths are >= 16 TiB,
because overcommit accounting depends on RAM size and the simulated machine's
RAM is not the host's.

Level 4 sequences use the mmap family and maps dumps (issue 4); level 5 adds
reads, writes, fill/check, touch, exec, fork and exit (issue 5).
"""

import argparse
import random
import sys

PAGE = 0x1000
TASK_SIZE = 0x7FFFFFFFF000

PRIVATE_ANON = "MAP_PRIVATE|MAP_ANONYMOUS"
SHARED_ANON = "MAP_SHARED|MAP_ANONYMOUS"
PROTS = ["PROT_NONE", "PROT_READ", "PROT_READ|PROT_WRITE", "PROT_READ|PROT_EXEC",
         "PROT_READ|PROT_WRITE|PROT_EXEC", "PROT_WRITE", "PROT_EXEC", "---", "r--",
         "rw-", "r-x", "rwx"]
MADVICE_OK = ["MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL", "MADV_WILLNEED",
              "MADV_DONTNEED", "MADV_FREE", "MADV_DONTFORK", "MADV_DOFORK",
              "MADV_WIPEONFORK", "MADV_KEEPONFORK", "MADV_DONTDUMP", "MADV_DODUMP",
              "MADV_COLD", "MADV_PAGEOUT", "MADV_POPULATE_READ", "MADV_POPULATE_WRITE",
              "MADV_HUGEPAGE", "MADV_NOHUGEPAGE", "MADV_REMOVE", "MADV_DONTNEED_LOCKED"]
ARENA_SIZES = [64 << 20, (64 << 20) - PAGE, (32 << 20) + 3 * PAGE, 8 << 20, (16 << 20) + PAGE]
CLUSTER_PAGES = 96
# Never with a huge length: populating 16 TiB of even read-only memory fills
# the host with page tables (hostrun refuses it anyway).
POPULATING = ("MAP_POPULATE", "MAP_LOCKED")


def hexs(n):
    return "0x%x" % n


def rel(var, off):
    if off == 0:
        return "$" + var
    return "$%s%s%s" % (var, "+" if off > 0 else "-", hexs(abs(off)))


class Gen:
    def __init__(self, seed, index, length, level):
        self.r = random.Random("mmkit-diff:%s:%s" % (seed, index))
        self.seed, self.index, self.length, self.level = seed, index, length, level
        self.lines = []
        self.nvar = 0
        self.vars = []            # (name, length) of mappings that surely exist(ed)
        self.procs = ["A"]
        self.nproc = 0
        self.fill_bytes = [0]
        self.known = []           # (var, offset, bytes, writable) of recent mappings
        r = self.r
        self.arena = r.choice(ARENA_SIZES)
        self.cluster = self.arena - CLUSTER_PAGES * PAGE   # offset of the cluster in the arena

    # ---- pieces -------------------------------------------------------
    def emit(self, s):
        self.lines.append(s)

    def proc(self):
        return self.r.choice(self.procs)

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
        return r.choice([1 << 44, 1 << 47, TASK_SIZE, 0xFFFFFFFFFFFFF000, (1 << 64) - 1])

    def cluster_addr(self, span=PAGE, extra=0):
        """A page-aligned address in the cluster where `span` bytes still fit
        below the arena's top (above it lie the vvar/vdso, never touched).
        Spans larger than the cluster start lower in the arena."""
        npg = -(-span // PAGE)
        if npg > CLUSTER_PAGES:
            return rel("base", max(self.arena - npg * PAGE, 0) + extra)
        k = self.r.randint(0, CLUSTER_PAGES - npg)
        return rel("base", self.cluster + k * PAGE + extra)

    def remember(self, var, off, length, prot):
        """Note a mapping the sequence probably created, to aim later calls at."""
        if 0 < length < (1 << 30):
            writable = prot in ("rw-", "rwx") or "PROT_WRITE" in prot
            self.known.append((var, off, (length + PAGE - 1) & ~(PAGE - 1), writable))
            del self.known[:-12]

    def known_range(self, writable=False):
        """(var, offset, bytes) of a remembered mapping, or None."""
        cands = [k for k in self.known if k[3] or not writable]
        if not cands:
            return None
        var, off, length, _ = self.r.choice(cands)
        return var, off, length

    def addr_and_len(self, maxpages=16):
        """A range for munmap/mprotect/madvise/...: often a part of a mapping
        made earlier, else anywhere in the cluster."""
        r = self.r
        k = self.known_range()
        if k and r.random() < 0.45:
            var, off, length = k
            npg = length // PAGE
            start = r.randint(0, npg - 1) if r.random() < 0.6 else 0
            n = r.randint(1, npg - start)
            return rel(var, off + start * PAGE), n * PAGE
        x = r.random()
        if x < 0.15 and self.vars:
            name, vlen = r.choice(self.vars)
            npg = max(1, vlen // PAGE)
            start = r.randint(0, npg - 1)
            n = r.randint(1, npg - start)
            return rel(name, start * PAGE), n * PAGE
        k = r.randint(0, CLUSTER_PAGES - 1)
        n = min(self.pages(maxpages), CLUSTER_PAGES - k)
        off = self.cluster + k * PAGE
        if x < 0.22:
            off += r.randint(1, PAGE - 1)          # unaligned start
        length = n * PAGE
        y = r.random()
        if y < 0.05:
            length = 0
        elif y < 0.12:
            length -= r.randint(1, PAGE - 1)       # partial last page
        return rel("base", off), length

    def prot(self):
        r = self.r
        if r.random() < 0.03:
            return r.choice(["0x10", "PROT_READ|PROT_GROWSDOWN", "PROT_GROWSUP", "0x8"])
        return r.choice(PROTS)

    # ---- operations ---------------------------------------------------
    def op_mmap_fixed(self):
        r = self.r
        p = self.proc()
        length = self.rand_length()
        if length >= 1 << 20 and length < 1 << 40:
            length = self.pages() * PAGE             # stay inside the arena
        extra = r.randint(1, PAGE - 1) if r.random() < 0.05 else 0   # unaligned: EINVAL
        addr = self.cluster_addr((length if length < 1 << 40 else PAGE) + PAGE, extra)
        prot = self.prot()
        if self.level >= 5 and r.random() < 0.4:
            prot = "rw-"
        if not extra and addr.startswith("$base+"):
            self.remember("base", int(addr[6:], 16), length, prot)
        kind = r.random()
        flags = [PRIVATE_ANON if r.random() < 0.85 else SHARED_ANON]
        flags.append("MAP_FIXED" if kind < 0.75 else "MAP_FIXED_NOREPLACE")
        for extra, prob in (("MAP_NORESERVE", 0.1), ("MAP_POPULATE", 0.05),
                            ("MAP_GROWSDOWN", 0.06), ("MAP_LOCKED", 0.03), ("MAP_STACK", 0.03)):
            if r.random() < prob and (length <= 4 << 20 or extra not in POPULATING):
                flags.append(extra)
        self.emit("%s mmap %s %s %s %s" % (p, addr, hexs(length), prot, "|".join(flags)))

    def op_mmap_any(self):
        """A kernel-placed mapping; bound to a variable when it cannot fail."""
        r = self.r
        p = self.proc()
        safe = True
        if r.random() < 0.3:
            hint = self.cluster_addr() if r.random() < 0.8 else r.choice(
                ["0x10000", hexs(TASK_SIZE), "0x800000000000", "0x12345678"])
        else:
            hint = "0"
        x = r.random()
        if x < 0.7:
            length = self.pages() * PAGE
        elif x < 0.8:
            length = self.pages() * PAGE - r.randint(1, PAGE - 1)
        elif x < 0.93:
            length = r.choice([2, 4]) << 20
        else:
            length = self.rand_length()
            safe = False
        if length == 0:
            safe = False
        base = PRIVATE_ANON if r.random() < 0.85 else SHARED_ANON
        flags = [base]
        for extra, prob in (("MAP_NORESERVE", 0.1), ("MAP_POPULATE", 0.05), ("MAP_STACK", 0.03)):
            if r.random() < prob and (length <= 4 << 20 or extra not in POPULATING):
                flags.append(extra)
        if r.random() < 0.05 and base == PRIVATE_ANON:
            flags.append("MAP_GROWSDOWN")
        if r.random() < 0.03 and length <= 4 << 20:
            flags.append("MAP_LOCKED")
            safe = False
        prot = "rw-" if self.level >= 5 and r.random() < 0.4 else r.choice(PROTS)
        line = "%s mmap %s %s %s %s" % (p, hint, hexs(length), prot, "|".join(flags))
        if safe and length <= (4 << 20):
            self.nvar += 1
            name = "m%d" % self.nvar
            line += " -> " + name
            self.vars.append((name, (length + PAGE - 1) & ~(PAGE - 1)))
            self.remember(name, 0, length, prot)
        self.emit(line)

    def op_munmap(self):
        a, l = self.addr_and_len(32)
        self.emit("%s munmap %s %s" % (self.proc(), a, hexs(l)))

    def op_mprotect(self):
        a, l = self.addr_and_len(32)
        self.emit("%s mprotect %s %s %s" % (self.proc(), a, hexs(l), self.prot()))

    def op_mremap(self):
        r = self.r
        p = self.proc()
        if self.vars and r.random() < 0.3:
            name, vlen = r.choice(self.vars)
            old, oldlen = rel(name, 0), vlen
        else:
            old, oldlen = self.addr_and_len(8)
        x = r.random()
        if x < 0.3:
            newlen = max(oldlen - r.randint(0, 4) * PAGE, PAGE)
        elif x < 0.9:
            newlen = oldlen + r.randint(1, 8) * PAGE
        else:
            newlen = r.choice([0, oldlen, oldlen + 1, 2 << 20, 1 << 47])
        y = r.random()
        newaddr = None
        if y < 0.2:
            flags = "0"
        elif y < 0.55:
            flags = "MREMAP_MAYMOVE"
        elif y < 0.75:
            flags = "MREMAP_MAYMOVE|MREMAP_FIXED"
            newaddr = True
        elif y < 0.88:
            flags = "MREMAP_MAYMOVE|MREMAP_DONTUNMAP"
            if r.random() < 0.7:
                newlen = oldlen
        elif y < 0.93:
            flags = "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP"
            newaddr = True
            newlen = oldlen
        else:
            flags = r.choice(["MREMAP_FIXED", "MREMAP_DONTUNMAP", "8", "MREMAP_MAYMOVE|8"])
            if "FIXED" in flags:
                newaddr = True
        if r.random() < 0.03:
            oldlen = 0                       # duplicates a shared mapping, else EINVAL
            flags = "MREMAP_MAYMOVE"
        line = "%s mremap %s %s %s %s" % (p, old, hexs(oldlen), hexs(newlen), flags)
        if newaddr:
            line += " " + self.cluster_addr(newlen if newlen < 1 << 40 else PAGE)
        self.emit(line)

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
                          rel("brk0", 1 << 44)])
        self.emit("%s brk %s" % (self.proc(), v))

    def op_brk_blocker(self):
        """A fixed mapping just above the break, so brk growth must stop below it."""
        r = self.r
        off = r.randint(1, 24) * PAGE
        flags = PRIVATE_ANON + "|MAP_FIXED" + ("|MAP_GROWSDOWN" if r.random() < 0.3 else "")
        self.emit("%s mmap %s %s %s %s" % (self.proc(), rel("brk0", off),
                                           hexs(r.randint(1, 4) * PAGE), r.choice(PROTS), flags))

    def op_madvise(self):
        r = self.r
        a, l = self.addr_and_len(16)
        adv = r.choice(MADVICE_OK) if r.random() < 0.95 else r.choice(["999", "7", "0x10000"])
        self.emit("%s madvise %s %s %s" % (self.proc(), a, hexs(l), adv))

    def op_mlock(self):
        a, l = self.addr_and_len(8)
        self.emit("%s %s %s %s" % (self.proc(), self.r.choice(["mlock", "munlock"]), a, hexs(l)))

    def op_msync(self):
        a, l = self.addr_and_len(8)
        flags = self.r.choice(["MS_SYNC", "MS_ASYNC", "MS_INVALIDATE", "MS_SYNC|MS_INVALIDATE",
                               "MS_SYNC|MS_ASYNC", "0", "8"])
        self.emit("%s msync %s %s %s" % (self.proc(), a, hexs(l), flags))

    def op_bad(self):
        """Calls with nonsense arguments: Linux's errno, and nothing changes."""
        r = self.r
        p = self.proc()
        a = self.cluster_addr()
        choices = [
            "%s mmap %s 0x1000 rw- MAP_ANONYMOUS" % (p, a),                       # no type
            "%s mmap %s 0x1000 rw- MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x800000" % (p, a),
            "%s mmap 0 0x1000 rw- MAP_PRIVATE" % p,                               # fd -1: EBADF
            "%s mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS -1 1" % p,            # offset
            "%s mmap 0 0 rw- MAP_PRIVATE|MAP_ANONYMOUS" % p,
            "%s mmap 0x0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % p,     # mmap_min_addr
            "%s mmap 0x10000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % p,
            "%s mmap 0x3ff000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE" % p,
            "%s mmap %s 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % (p, hexs(TASK_SIZE)),
            "%s mmap %s 0x2000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % (p, hexs(TASK_SIZE - PAGE)),
            "%s mmap 0xffff800000000000 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" % p,
            "%s mmap 0 0x1000 rw- MAP_SHARED|MAP_ANONYMOUS|MAP_GROWSDOWN" % p,
            "%s munmap %s 0x1000" % (p, hexs(TASK_SIZE)),
            "%s munmap 0x800000000000 0x1000" % p,
            "%s munmap 0x10000 0" % p,
            "%s mprotect 0x10000 0x1000 0x10" % p,
            "%s mprotect 0x20000 0x1000 r--" % p,                                   # hole
            "%s mremap 0x10001 0x1000 0x2000 MREMAP_MAYMOVE" % p,
            "%s mremap 0x20000 0x1000 0x2000 MREMAP_MAYMOVE" % p,                   # EFAULT
            "%s madvise 0x10001 0x1000 MADV_DONTNEED" % p,
            "%s madvise 0x30000 0x1000 MADV_NORMAL" % p,
            "%s mlock 0x30000 0x1000" % p,
            "%s mlock %s 0x2000000" % (p, a),                                       # > RLIMIT_MEMLOCK
            "%s msync 0x30001 0x1000 MS_SYNC" % p,
            "%s brk 0x1000" % p,
        ]
        self.emit(r.choice(choices))

    # ---- level 5: memory and processes ---------------------------------
    def access_addr(self, span, fetch=False):
        """An address where `span` bytes stay inside the arena (or a variable's
        mapping): mostly the cluster, sometimes unaligned or page-crossing,
        sometimes below the cluster (stack growth of MAP_GROWSDOWN mappings).
        fetch: for `exec`, whose host side runs one real instruction of up to
        15 bytes there: the address keeps 16 bytes inside its page, so the
        instruction cannot fetch from the next page (mmkit's exec fetches
        one byte; a fetch from the next page could fault it in or grow a
        stack there)."""
        r = self.r

        def at(var, off):
            if fetch and off % PAGE > PAGE - 16:
                off -= off % PAGE - (PAGE - 16)
            return rel(var, off)
        k = self.known_range(writable=True)
        if k and k[2] >= span and r.random() < 0.5:
            var, off, length = k
            return at(var, off + r.randint(0, length - span))
        if self.vars and r.random() < 0.3:
            name, vlen = r.choice(self.vars)
            if vlen >= span:
                off = r.randint(0, vlen - span)
                return at(name, off & ~7 if r.random() < 0.8 else off)
        npg = -(-span // PAGE) + 1
        k = r.randint(0, CLUSTER_PAGES - npg)
        off = self.cluster + k * PAGE
        x = r.random()
        if x < 0.2:
            off += r.randint(0, PAGE - 1)
        elif x < 0.3:
            off += PAGE - r.choice([1, 2, 4])       # crosses into the next page
        elif x < 0.35:
            off -= r.randint(1, 8) * PAGE
        return at("base", off)

    def op_access(self):
        r = self.r
        p = self.proc()
        x = r.random()
        if x < 0.25:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s read %s %d" % (p, self.access_addr(size), size))
        elif x < 0.5:
            size = r.choice([1, 2, 4, 8])
            self.emit("%s write %s %d %s" % (p, self.access_addr(size), size,
                                             hexs(r.getrandbits(8 * size))))
        elif x < 0.65:
            b = r.randint(0, 255)
            n = r.randint(1, 3 * PAGE)
            self.fill_bytes.append(b)
            self.emit("%s fill %s %s %s" % (p, self.access_addr(n), hexs(n), hexs(b)))
        elif x < 0.8:
            n = r.randint(1, 2 * PAGE)
            self.emit("%s check %s %s %s" % (p, self.access_addr(n), hexs(n),
                                             hexs(r.choice(self.fill_bytes))))
        elif x < 0.95:
            n = r.randint(1, 8) * PAGE
            self.emit("%s touch %s %s %s" % (p, self.access_addr(n), hexs(n),
                                             r.choice(["read", "write"])))
        else:
            self.emit("%s exec %s" % (p, self.access_addr(16, fetch=True)))

    def op_fork(self):
        if len(self.procs) >= 4:
            return self.op_access()
        self.nproc += 1
        child = "P%d" % self.nproc
        self.emit("%s fork %s" % (self.proc(), child))
        self.procs.append(child)

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
        self.emit("A mmap 0 %s PROT_NONE MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE -> base"
                  % hexs(self.arena))
        if r.random() < 0.5:
            self.emit("A munmap $base %s" % hexs(self.arena))

    def generate(self):
        ops = [(self.op_mmap_fixed, 22), (self.op_mmap_any, 10), (self.op_munmap, 12),
               (self.op_mprotect, 15), (self.op_mremap, 11), (self.op_brk, 4),
               (self.op_brk_blocker, 1), (self.op_madvise, 7), (self.op_mlock, 4),
               (self.op_msync, 2), (self.op_bad, 4)]
        if self.level >= 5:
            ops += [(self.op_access, 45), (self.op_fork, 3), (self.op_exit, 2)]
        funcs = [f for f, _ in ops]
        weights = [w for _, w in ops]
        self.header()
        since_dump = 0
        for _ in range(self.length):
            self.r.choices(funcs, weights)[0]()
            since_dump += 1
            if since_dump >= 8 and self.r.random() < 0.25:
                self.emit("cat /proc/%s/maps" % self.proc())
                since_dump = 0
        for p in self.procs:
            self.emit("cat /proc/%s/maps" % p)
        return self.lines


def generate(seed, index, length=60, level=4):
    """The sequence (a list of script lines) for (seed, index)."""
    return Gen(seed, index, length, level).generate()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--len", type=int, default=60)
    ap.add_argument("--level", type=int, default=4, choices=[4, 5])
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
