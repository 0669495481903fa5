#!/usr/bin/env python3
"""The host kernel as the reference for core dumps (docs/TESTING.md).

One memory layout (LAYOUT below: anonymous private and shared memory, a
MADV_DONTDUMP range, PROT_NONE ranges with and without contents, private
and shared file mappings, ELF files mapped at offset 0 and past it, the
zero page) is built twice under each coredump_filter of FILTERS:

  - on the host: tests/core/hostcore.c, a static program, does the
    operations and dies of SIGSEGV with RLIMIT_CORE unlimited; the kernel
    writes its core;
  - in mmkit: a scenario execs the same program image (`spawn A exec`),
    does the same operations, and dies the same way.

Both cores are described alike: for each PT_LOAD of the compared regions,
its flags, p_memsz, p_filesz and which of its pages are present (data) and
which are holes (SEEK_DATA/SEEK_HOLE); the PT_LOAD count of those regions
follows.  Compared: the layout's regions, the program's own file mappings,
[vdso], [vvar] and [vvar_vclock] (all fields), [stack] (flags, and whether
it is dumped whole).  Not compared, because the program ran on the host and
not in mmkit (its libc touched them): [heap], the anonymous bss, the
stack's size and pages; nor the [vsyscall] gate area, which mmkit does not
model.

  host_reference.py check --mmkit M     mmkit against the recorded
        reference (tests/core/reference.txt): runs anywhere (CI)
  host_reference.py live --mmkit M      the host now against mmkit, and
        against the recording; counts only on the reference kernel
        (tests/diff/corpus.py live-status), exit 77 (skipped) elsewhere, or
        when the host's core_pattern sends cores elsewhere and this is not
        root (root sets `core` for the run and restores the pattern)
  host_reference.py record              rewrite tests/core/reference.txt
        from this machine's kernel (review the diff like code)
Exit status: 0 equal, 1 a difference (printed), 2 an error, 77 skipped.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "reference.txt")
SKIP = 77
PAGE = 4096
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
from check_core import elf_phdrs, page_map  # noqa: E402

FILTERS = ("0x33", "0x7e", "0x7d", "0x60", "0x3f", "0x23")
WINDOW = (0x10000000, 0x20000000)

# (operation for hostcore, the scenario's lines); $F<n> is the descriptor of
# the nth open file.
LAYOUT = [
    ("map 10000000 2000 rw- anon", "A mmap 0x10000000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"),
    ("fill 10000000 1000 11", "A fill 0x10000000 4K 0x11"),
    ("map 10100000 2000 rw- shared", "A mmap 0x10100000 8K rw- MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED"),
    ("fill 10100000 1000 22", "A fill 0x10100000 4K 0x22"),
    ("map 10200000 2000 rw- anon", "A mmap 0x10200000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"),
    ("fill 10200000 2000 55", "A fill 0x10200000 8K 0x55"),
    ("dontdump 10200000 2000", "A madvise 0x10200000 8K MADV_DONTDUMP"),
    ("map 10300000 2000 --- anon", "A mmap 0x10300000 8K --- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"),
    ("map 10400000 2000 rw- anon", "A mmap 0x10400000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"),
    ("fill 10400000 1000 66", "A fill 0x10400000 4K 0x66"),
    ("protect 10400000 2000 ---", "A mprotect 0x10400000 8K ---"),
    ("map 10500000 2000 r-- data.bin@0",
     "A open /host/data.bin O_RDONLY -> f1\nA mmap 0x10500000 8K r-- MAP_PRIVATE|MAP_FIXED $f1 0"),
    ("read 10500000", "A read 0x10500000 1"),
    ("map 10600000 2000 r-- hostcore@0",
     "A open /host/hostcore O_RDONLY -> f2\nA mmap 0x10600000 8K r-- MAP_PRIVATE|MAP_FIXED $f2 0"),
    ("map 10700000 2000 rw- data.bin@0", "A mmap 0x10700000 8K rw- MAP_PRIVATE|MAP_FIXED $f1 0"),
    ("fill 10700000 8 77", "A fill 0x10700000 8 0x77"),
    ("map 10800000 2000 rw- shared.bin@0:shared",
     "A open /host/shared.bin O_RDWR -> f3\nA mmap 0x10800000 8K rw- MAP_SHARED|MAP_FIXED $f3 0"),
    ("fill 10800000 8 88", "A fill 0x10800000 8 0x88"),
    ("map 10900000 2000 r-- hostcore@1000", "A mmap 0x10900000 8K r-- MAP_PRIVATE|MAP_FIXED $f2 0x1000"),
    ("map 10a00000 2000 rw- anon", "A mmap 0x10a00000 8K rw- MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED"),
    ("read 10a00000", "A read 0x10a00000 1"),
    ("fill 10a01000 8 99", "A fill 0x10a01000 8 0x99"),
    ("map 10b00000 1000 r-- elfcopy@0",
     "A open /host/elfcopy O_RDONLY -> f4\nA mmap 0x10b00000 4K r-- MAP_PRIVATE|MAP_FIXED $f4 0"),
    ("map 10c00000 2000 r-- data.bin@0", "A mmap 0x10c00000 8K r-- MAP_PRIVATE|MAP_FIXED $f1 0"),
]

CFLAGS = ["-O2", "-static", "-no-pie", "-Wl,-z,norelro"]


def prepare(d):
    """The program and the files it maps, in d."""
    subprocess.run(["cc", *CFLAGS, "-o", os.path.join(d, "hostcore"), os.path.join(HERE, "hostcore.c")],
                   check=True)
    shutil.copy(os.path.join(d, "hostcore"), os.path.join(d, "elfcopy"))
    os.chmod(os.path.join(d, "elfcopy"), 0o644)          # ELF magic, not executable
    for name, byte in (("data.bin", b"d"), ("shared.bin", b"s")):
        with open(os.path.join(d, name), "wb") as f:
            f.write(byte * 2 * PAGE)


def maps_of(text):
    """[(start, end, name)] of /proc/PID/maps text."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S{4} \S+ \S+ \S+\s*(.*)$", line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
    return out


def describe(core, maps, exe):
    """The compared PT_LOADs of core, one line each, then their count."""
    names = {start: name for start, _, name in maps}
    lines = []
    _, ph = elf_phdrs(core)
    for t, off, va, fsz, msz, fl in ph:
        if t != 1:
            continue
        name = names.get(va, "?")
        flags = ("R" if fl & 4 else "-") + ("W" if fl & 2 else "-") + ("X" if fl & 1 else "-")
        pages = page_map(core, off, fsz) if fsz else "-"
        if WINDOW[0] <= va < WINDOW[1]:
            key = "%#x" % va
        elif name == exe:
            key = "exe %#x" % va
        elif name in ("[vdso]", "[vvar]", "[vvar_vclock]"):
            key = name
        elif name == "[stack]":
            lines.append("[stack] %s dumped=%s" % (flags, "whole" if fsz == msz else "%#x" % fsz))
            continue
        else:
            continue                      # [heap], bss, [vsyscall]: see the top
        lines.append("%s %s memsz=%#x filesz=%#x pages=%s" % (key, flags, msz, fsz, pages))
    lines.append("compared PT_LOADs: %d" % len(lines))
    return lines


def scenario(flt):
    lines = ["mount . /host", "sysctl kernel.core_pattern=/host/mmkit.core",
             "spawn A exec /host/hostcore",
             "A set core_rlimit=unlimited coredump_filter=%s" % flt]
    lines += [mm for _, mm in LAYOUT]
    lines += ["cat /proc/A/maps", "A read 0 4"]
    return "\n".join(lines) + "\n"


def run_mmkit(mmkit, d, flt):
    with open(os.path.join(d, "s.mm"), "w") as f:
        f.write(scenario(flt))
    p = subprocess.run([mmkit, "run", "--plain", "s.mm"], cwd=d, capture_output=True, text=True)
    core = os.path.join(d, "mmkit.core")
    if not os.path.exists(core):
        raise RuntimeError("mmkit wrote no core (exit %d):\n%s%s" % (p.returncode, p.stdout, p.stderr))
    lines = describe(core, maps_of(p.stdout), "/host/hostcore")
    os.unlink(core)
    return lines


def run_host(d, flt):
    for c in glob.glob(os.path.join(d, "core*")):
        os.unlink(c)
    ops = " ".join(op for op, _ in LAYOUT).split()
    p = subprocess.run([os.path.join(d, "hostcore"), flt] + ops, cwd=d, capture_output=True, text=True)
    cores = glob.glob(os.path.join(d, "core*"))
    if p.returncode != -11 or len(cores) != 1:
        raise RuntimeError("the host child: exit %d, cores %s: %s" % (p.returncode, cores, p.stderr))
    with open(os.path.join(d, "maps.txt")) as f:
        maps = maps_of(f.read())
    lines = describe(cores[0], maps, os.path.realpath(os.path.join(d, "hostcore")))
    os.unlink(cores[0])
    return lines


def read_reference():
    ref, cur = {}, None
    with open(REFERENCE) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or not line:
                continue
            m = re.match(r"^filter (0x[0-9a-f]+)$", line)
            if m:
                cur = ref.setdefault(m.group(1), [])
            else:
                cur.append(line)
    return ref


def compare(what_a, a, what_b, b, flt):
    if a == b:
        return 0
    print("coredump_filter %s: %s and %s differ" % (flt, what_a, what_b))
    for x in sorted(set(a) | set(b), key=lambda l: (a + b).index(l)):
        if (x in a) != (x in b):
            print("  %s %s" % ("-" if x in a else "+", x))
    print("  (- %s, + %s)" % (what_a, what_b))
    return 1


# ------------------------------------------------------------- host access


class CorePattern:
    """The host's core_pattern for the run: `core` in the child's directory.
    Root may set it (restored afterwards); otherwise it must already put
    plain files in the current directory."""

    PATH = "/proc/sys/kernel/core_pattern"

    def __init__(self):
        self.saved = None

    def __enter__(self):
        with open(self.PATH) as f:
            pat = f.read().rstrip("\n")
        if not pat.startswith("|") and not pat.startswith("@") and "/" not in pat:
            return self
        if os.geteuid() != 0:
            raise PermissionError("the host's core_pattern is %r (cores go elsewhere) and only "
                                  "root may set another for the run" % pat)
        self.saved = pat
        with open(self.PATH, "w") as f:
            f.write("core")
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            with open(self.PATH, "w") as f:
                f.write(self.saved)


def live_skip_reason():
    try:
        import corpus
    except ImportError:
        return "tests/diff/corpus.py is missing"
    return corpus.live_mismatch()


# ---------------------------------------------------------------- commands


def cmd_check(a):
    ref = read_reference()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="mmkit-core-ref-") as d:
        prepare(d)
        for flt in FILTERS:
            bad |= compare("the reference kernel (recorded)", ref.get(flt, []),
                           "mmkit", run_mmkit(a.mmkit, d, flt), flt)
    print("host_reference: %d filters, %s" % (len(FILTERS), "differences" if bad else "mmkit equals the recorded reference"))
    return bad


def cmd_live(a):
    why = live_skip_reason()
    if why:
        print("host_reference live: SKIPPED: %s" % why)
        return SKIP
    ref = read_reference()
    bad = 0
    try:
        with tempfile.TemporaryDirectory(prefix="mmkit-core-live-") as d, CorePattern():
            prepare(d)
            for flt in FILTERS:
                host = run_host(d, flt)
                bad |= compare("the host kernel", host, "mmkit", run_mmkit(a.mmkit, d, flt), flt)
                bad |= compare("the recording", ref.get(flt, []), "the host kernel now", host, flt)
    except PermissionError as e:
        print("host_reference live: SKIPPED: %s" % e)
        return SKIP
    print("host_reference live: %d filters, %s" % (len(FILTERS), "differences" if bad else "host, mmkit and recording agree"))
    return bad


def cmd_record(a):
    import platform
    out = ["# The reference kernel's core dumps of tests/core/host_reference.py's layout,",
           "# recorded by `host_reference.py record` on %s (%s)." % (platform.release(), platform.machine()),
           "# Per coredump_filter: each compared PT_LOAD (flags, p_memsz, p_filesz, pages:",
           "# 1 data, 0 hole), then their count."]
    with tempfile.TemporaryDirectory(prefix="mmkit-core-rec-") as d, CorePattern():
        prepare(d)
        for flt in FILTERS:
            out.append("filter %s" % flt)
            out += run_host(d, flt)
    with open(REFERENCE, "w") as f:
        f.write("\n".join(out) + "\n")
    print("recorded %s" % os.path.relpath(REFERENCE))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("check", "live"):
        s = sub.add_parser(name)
        s.add_argument("--mmkit", required=True)
    sub.add_parser("record")
    a = ap.parse_args()
    try:
        return {"check": cmd_check, "live": cmd_live, "record": cmd_record}[a.cmd](a)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print("host_reference: error: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
