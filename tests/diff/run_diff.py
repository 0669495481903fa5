#!/usr/bin/env python3
"""Differential test driver: mmkit against the host kernel.

For every scenario (generated sequences and/or hand-written cases):
  1. hostrun runs it on the host kernel and writes the expanded script
     (the scenario with each `spawn A` followed by the agent's layout as
     `A set` / `A vma` import lines);
  2. `mmkit run --plain` runs the expanded script;
  3. the two stdouts (every result line, every maps dump) must be identical,
     and both must exit 0.
On a mismatch the scenario is shrunk by delta debugging (ddmin: drop chunks
of lines while hostrun still accepts the script and the outputs still
differ), and the minimal reproducer plus the diff of the two outputs is
printed and saved.  Exit status: 0 all equal, 1 a mismatch, 2 a harness
error (the generator or a case is invalid on the host), 77 skipped: the
comparison counts only on the reference kernel with the reference settings
(tests/diff/corpus/REFERENCE; corpus.py live-status says why not), unless
--any-kernel asks for it anyway (exploring another kernel: its differences
are not mmkit's bugs by themselves).
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

TIMEOUT = 20          # seconds per run; a scenario takes well under one
MIN_TIMEOUT = 5       # while minimizing (a hang is a mismatch too)
MAPS_LINE = re.compile(r"^([0-9a-f]+-[0-9a-f]+ [-rwxsp]{4} [0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+) *(.*)$")
NAME_COLUMN = 73
DEATH_LINE = re.compile(r"^(\w+) \(pid \d+\) killed by ")


UNSET_VAR = "unknown variable"   # a variable whose defining call failed: exit 2 on both sides


def unset_variable_end(rc, err):
    """The run stopped at a use of a variable whose defining call failed
    (the generator makes such sequences on purpose): a valid outcome, as
    long as both sides stop at the same place."""
    return rc == 2 and UNSET_VAR in err


SMAPS_KB = re.compile(r"^([A-Z][A-Za-z_]+): +\d+ kB$")
# The smaps counts compared for a mapping of a scenario's file (files under
# a mount: the host's page cache and mmkit's hold the same pages there).
FILE_SMAPS_KB = {"Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
                 "Referenced", "Anonymous"}
STAT_BLOCKS = re.compile(r"^(\d+: = size=\d+) blocks=\d+$")
FILES_TOKEN = "@FILES@"
FILE_DIRECTIVE = re.compile(r"^#@file (\S+) (\d+)(?: (\d+))?\s*$")
M64 = (1 << 64) - 1


def file_bytes(seed, size):
    """The contents of a `#@file NAME SIZE SEED` file: hostrun.c's
    file_byte(), eight bytes at a time (little-endian words)."""
    out = bytearray()
    for w in range((size + 7) // 8):
        x = (w * 0x9E3779B97F4A7C15 + seed * 0xD1B54A32D192ED03 + 1) & M64
        x ^= x >> 31
        x = (x * 0xBF58476D1CE4E5B9) & M64
        x ^= x >> 29
        out += x.to_bytes(8, "little")
    return bytes(out[:size])


def materialize(script, d):
    """mmkit's side of the scenario's files: make every `#@file` file (the
    bytes hostrun made for the host) in d/mm-files and point `mount @FILES@`
    at it.  Returns the script to run."""
    if FILES_TOKEN not in script:
        return script
    fdir = os.path.join(os.path.abspath(d), "mm-files")
    shutil.rmtree(fdir, ignore_errors=True)
    os.makedirs(fdir)
    for line in script.splitlines():
        m = FILE_DIRECTIVE.match(line)
        if m:
            with open(os.path.join(fdir, m.group(1)), "wb") as f:
                f.write(file_bytes(int(m.group(3) or 1), int(m.group(2))))
    return script.replace(FILES_TOKEN, fdir)
SMAPS_SWAP = re.compile(r"^Swap(Pss)?: +\d+ kB$")
PAGEMAP_LINE = re.compile(r"^(0x[0-9a-f]+) 0x([0-9a-f]{16})((?: [a-z-]+)*)(?: pfn=0x[0-9a-f]+| type=(\d+) offset=0x([0-9a-f]+))?$")
PM_FLAGS = 0xff80000000000000          # bits 55-63
PM_SOFT_DIRTY = 1 << 55


def canonical_pagemap(m, slots):
    """A `cat /proc/A/pagemap` line without what cannot be compared: the PFN
    of a present page, and the soft-dirty bit (the reference kernel has no
    CONFIG_MEM_SOFT_DIRTY; mmkit models it).  A swap entry's type and offset
    are renumbered in order of first appearance: which slots the kernel
    picks depends on what else swaps, but which pages share a slot, and in
    what order slots were handed out, must agree."""
    addr, entry, words = m.group(1), int(m.group(2), 16), m.group(3).split()
    flags = entry & PM_FLAGS & ~PM_SOFT_DIRTY
    words = [w for w in words if w != "soft-dirty"]
    tail = ""
    if "present" in words:
        tail = " pfn=*"
    elif "swapped" in words and m.group(4) is not None:
        key = (m.group(4), m.group(5))
        slots.setdefault(key, len(slots) + 1)
        tail = " slot=#%d" % slots[key]
    if not flags:
        words = ["none"]
    return "%s 0x%016x %s%s" % (addr, flags, " ".join(words), tail)


def canonical(text):
    """The output with the identities of shmem objects (shared anonymous
    mappings: `/dev/zero (deleted)`, `[anon_shmem:...]`) renamed in order of
    first appearance: the host's inode numbers come from a machine-wide
    counter, so only which mappings share an object is comparable.  File
    mappings likewise (device and inode: the host's files and mmkit's are
    copies, maybe on another machine's file system).  The line is re-padded
    so the name still starts at column 73.  A death line (`A (pid N) killed
    by SIGSEGV at line L`) is compared without its pid: the host's pids are
    not mmkit's.  smaps keeps the maps lines, THPeligible and VmFlags, and
    for mappings of the scenario's files (under a mount) the page counts:
    other kB counts are left out (the runner's image and the special
    mappings have the host's pages), but Swap and SwapPss stay.  stat's
    blocks= is the file system's (left out).  pagemap lines: see
    canonical_pagemap."""
    ids, fids = {}, {}
    slots = {}
    out = []
    counts = False
    for line in text.split("\n"):
        pm = PAGEMAP_LINE.match(line)
        if pm:
            out.append(canonical_pagemap(pm, slots))
            continue
        k = SMAPS_KB.match(line)
        if k:
            if (counts and k.group(1) in FILE_SMAPS_KB) or SMAPS_SWAP.match(line):
                out.append(line)
            continue
        m = MAPS_LINE.match(line)
        if m:
            name = m.group(4)
            counts = False
            if name == "/dev/zero (deleted)" or name.startswith("[anon_shmem:"):
                key = (m.group(2), m.group(3))
                ids.setdefault(key, len(ids) + 1)
                head = "%s 00:01 %d " % (m.group(1), ids[key])
                line = head + " " * max(NAME_COLUMN - len(head), 0) + name
            elif name.startswith("/") and m.group(3) != "0":
                key = (m.group(2), m.group(3))
                fids.setdefault(key, len(fids) + 1)
                head = "%s fs:00 %d " % (m.group(1), fids[key])
                line = head + " " * max(NAME_COLUMN - len(head), 0) + name
                counts = not name.endswith("hostrun") and not name.startswith("/SYSV")
        line = DEATH_LINE.sub(r"\1 (pid N) killed by ", line)
        line = STAT_BLOCKS.sub(r"\1", line)
        out.append(line)
    return "\n".join(out)


SKIP = 77


def swapoff_leftovers(d):
    """Swap areas under d still on (hostrun was killed): off, as promised."""
    prefix = os.path.abspath(d) + "/"
    try:
        with open("/proc/swaps") as f:
            paths = [l.split()[0] for l in f.read().splitlines()[1:] if l.strip()]
    except OSError:
        return
    for path in paths:
        path = path.replace("\\040", " ")
        if path.startswith(prefix):
            subprocess.run(["swapoff", path], capture_output=True)
            try:
                os.unlink(path)
            except OSError:
                pass


OWNER = "owner.pid"   # in a work directory: the pid of the run_diff/corpus.py using it


def claim_workdir(d):
    """Mark d as this process's (swapoff_orphans reads the mark)."""
    with open(os.path.join(d, OWNER), "w") as f:
        f.write("%d\n" % os.getpid())


def swapoff_orphans():
    """Swap areas that a killed run left on: one under a work directory whose
    owner (OWNER, written by claim_workdir) is no longer alive.  A ctest
    timeout kills the whole run, so neither hostrun nor the finally that
    calls swapoff_leftovers gets to turn the area off; until somebody does,
    every live comparison on the machine is skipped (host swap is on)."""
    try:
        with open("/proc/swaps") as f:
            paths = [l.split()[0].replace("\\040", " ") for l in f.read().splitlines()[1:]
                     if l.strip()]
    except OSError:
        return
    for path in paths:
        d = os.path.dirname(path)
        for _ in range(3):                      # the area is at most 3 levels down
            owner = os.path.join(d, OWNER)
            if os.path.exists(owner):
                try:
                    with open(owner) as f:
                        pid = int(f.read().strip())
                    os.kill(pid, 0)
                except ProcessLookupError:
                    swapoff_leftovers(d)        # the owner is gone
                except (OSError, ValueError):
                    pass                        # alive (or not ours to judge)
                break
            d = os.path.dirname(d)


class Runner:
    def __init__(self, hostrun, mmkit, workdir, mmkit_env=None, mmkit_args=()):
        self.hostrun = hostrun
        self.mmkit = mmkit
        self.mmkit_args = list(mmkit_args)   # options that follow the host (corpus.FOLLOWED)
        self.workdir = workdir
        self.env = dict(os.environ)
        self.env.update(mmkit_env or {})
        self.counter = 0
        self.lock = threading.Lock()
        self.timeout = TIMEOUT

    def _tmp(self, tag):
        with self.lock:
            self.counter += 1
            n = self.counter
        d = os.path.join(self.workdir, "%s-%d" % (tag, n))
        os.makedirs(d, exist_ok=True)
        return d

    def host(self, text, d):
        """Run on the host: (rc, stdout, stderr, expanded script path).  A
        `swaparea` line makes hostrun create a real swap area under d (exit
        77 where the machine refuses); whatever a killed hostrun left on is
        swapped off here."""
        src = os.path.join(d, "scenario.mm")
        exp = os.path.join(d, "expanded.mm")
        with open(src, "w") as f:
            f.write(text)
        env = dict(os.environ, MMKIT_SWAPAREA_DIR=os.path.abspath(d))
        try:
            p = subprocess.run([self.hostrun, "--emit", exp, src], capture_output=True,
                               text=True, timeout=self.timeout, env=env)
            return p.returncode, p.stdout, p.stderr, exp
        except subprocess.TimeoutExpired:
            return 124, "", "hostrun: timeout", exp
        finally:
            swapoff_leftovers(d)

    def mm(self, exp):
        env = dict(self.env, MMKIT_SWAPAREA_DIR=os.path.dirname(os.path.abspath(exp)))
        try:
            with open(exp) as f:
                script = f.read()
            run = materialize(script, os.path.dirname(exp))
            if run != script:
                exp = os.path.join(os.path.dirname(exp), "expanded-mmkit.mm")
                with open(exp, "w") as f:
                    f.write(run)
        except OSError as e:
            return 127, "", "mmkit: %s" % e
        try:
            p = subprocess.run([self.mmkit, "run", "--plain"] + self.mmkit_args + [exp],
                               capture_output=True,
                               text=True, timeout=self.timeout, env=env)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            return 124, out, "mmkit: timeout after %ds" % self.timeout
        except OSError as e:
            return 127, "", "mmkit: %s" % e

    def compare(self, text, tag="run"):
        """Returns a dict: status 'same' | 'differ' | 'host-error', and details."""
        d = self._tmp(tag)
        hrc, hout, herr, exp = self.host(text, d)
        res = {"dir": d, "host_rc": hrc, "host_out": hout, "host_err": herr}
        if hrc == SKIP:
            res["status"] = "skip"
            shutil.rmtree(d, ignore_errors=True)
            return res
        if hrc != 0 and not unset_variable_end(hrc, herr):
            res["status"] = "host-error"
            return res
        mrc, mout, merr = self.mm(exp)
        res.update(mm_rc=mrc, mm_out=mout, mm_err=merr)
        ends_same = mrc == hrc and (mrc == 0 or unset_variable_end(mrc, merr))
        res["status"] = "same" if (ends_same and canonical(mout) == canonical(hout)) else "differ"
        if res["status"] == "same":
            shutil.rmtree(d, ignore_errors=True)
        return res


def ddmin(lines, interesting):
    """Zeller's ddmin over a list of lines; `interesting(lines)` -> bool."""
    n = 2
    while len(lines) >= 2:
        chunk = max(len(lines) // n, 1)
        subsets = [lines[i:i + chunk] for i in range(0, len(lines), chunk)]
        reduced = False
        for i in range(len(subsets)):
            complement = [l for j, s in enumerate(subsets) if j != i for l in s]
            if complement and interesting(complement):
                lines = complement
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if n >= len(lines):
                break
            n = min(n * 2, len(lines))
    return lines


def shortest_prefix(lines, interesting):
    """Binary-search the shortest prefix that still mismatches once a final
    maps dump of A is added: the first divergence usually comes early, and
    this costs log2(n) runs where ddmin alone would spend hundreds."""
    if "spawn A" not in lines:
        return lines
    dump = "cat /proc/A/maps"
    lo, hi = 1, len(lines)          # lines[:hi] + dump is known to mismatch?
    if not interesting(lines + [dump]):
        return lines
    while lo < hi:
        mid = (lo + hi) // 2
        if interesting(lines[:mid] + [dump]):
            hi = mid
        else:
            lo = mid + 1
    return lines[:hi] + [dump] if interesting(lines[:hi] + [dump]) else lines


def minimize(runner, text):
    """Shrink a mismatching scenario; returns (lines, last result)."""
    lines = [l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]
    files = [l for l in text.splitlines() if FILE_DIRECTIVE.match(l)]   # kept as they are
    last = {}
    runner.timeout = min(runner.timeout, MIN_TIMEOUT)

    def interesting(cand):
        r = runner.compare("\n".join(files + cand) + "\n", "min")
        if r["status"] == "differ":
            last.clear()
            last.update(r)
            return True
        shutil.rmtree(r["dir"], ignore_errors=True)
        return False

    if not interesting(lines):
        return None, None
    lines = shortest_prefix(lines, interesting)
    lines = ddmin(lines, interesting)
    # one more pass line by line (ddmin may stop at a 2-granularity local minimum)
    i = 0
    while i < len(lines):
        cand = lines[:i] + lines[i + 1:]
        if cand and interesting(cand):
            lines = cand
        else:
            i += 1
    interesting(lines)   # leave `last` describing the final reproducer
    return files + lines, dict(last)


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end of output>"
        y = bl[i] if i < len(bl) else "<end of output>"
        if x != y:
            return i, x, y
    return None


def expanded_line(exp_path, n):
    try:
        with open(exp_path) as f:
            lines = f.read().splitlines()
        return lines[n - 1] if 0 < n <= len(lines) else "?"
    except OSError:
        return "?"


def describe(res, label, out):
    d = res["dir"]
    exp = os.path.join(d, "expanded.mm")
    hout, mout = res.get("host_out", ""), res.get("mm_out", "")
    with open(os.path.join(d, "host.out"), "w") as f:
        f.write(hout)
    with open(os.path.join(d, "mmkit.out"), "w") as f:
        f.write(mout)
    hout, mout = canonical(hout), canonical(mout)
    out.write("--- %s: outputs differ (host exit %s, mmkit exit %s)\n"
              % (label, res["host_rc"], res.get("mm_rc")))
    fd = first_difference(hout, mout)
    if fd:
        i, x, y = fd
        prev = [l for l in hout.splitlines()[:i + 1] if l.split(":", 1)[0].isdigit()]
        where = prev[-1].split(":", 1)[0] if prev else None
        out.write("first difference at output line %d%s\n" % (
            i + 1, ", result of expanded line %s: %s" % (where, expanded_line(exp, int(where)))
            if where else ""))
        out.write("  host:  %s\n  mmkit: %s\n" % (x, y))
    if res.get("mm_err"):
        out.write("mmkit stderr:\n%s\n" % res["mm_err"].rstrip()[-2000:])
    diff = difflib.unified_diff(hout.splitlines(), mout.splitlines(), "host", "mmkit",
                                lineterm="", n=2)
    out.write("\n".join(list(diff)[:200]) + "\n")
    out.write("files: %s/{scenario.mm,expanded.mm,host.out,mmkit.out}\n" % d)


def report_mismatch(runner, label, text, res, do_min, out):
    out.write("\n=== MISMATCH %s\n" % label)
    if do_min:
        lines, mres = minimize(runner, text)
        if lines:
            d = mres["dir"]
            out.write("--- minimal reproducer (%d lines), saved as %s/scenario.mm; rerun with\n"
                      "    %s --emit %s/expanded.mm %s/scenario.mm && %s run --plain %s/expanded%s.mm\n"
                      % (len(lines), d, runner.hostrun, d, d, runner.mmkit, d,
                         "-mmkit" if any(FILE_DIRECTIVE.match(l) for l in lines) else ""))
            out.write("\n".join(lines) + "\n")
            describe(mres, "reproducer", out)
            return
        out.write("(the mismatch did not reproduce while minimizing: flaky?)\n")
    describe(res, "full scenario", out)


def items_from_args(a):
    items = []
    for i in range(a.start, a.start + a.count):
        text = "\n".join(gen.generate(a.seed, i, a.len, a.level)) + "\n"
        items.append(("seed=%d index=%d len=%d level=%d" % (a.seed, i, a.len, a.level), text))
    for path in a.cases:
        with open(path) as f:
            items.append((os.path.basename(path), f.read()))
    return items


def default_hostrun(mmkit):
    for cand in (os.path.join(os.path.dirname(os.path.abspath(mmkit)), "tests", "diff", "hostrun"),
                 os.path.join(os.path.dirname(os.path.abspath(mmkit)), "hostrun")):
        if os.access(cand, os.X_OK):
            return cand
    return None


def main():
    ap = argparse.ArgumentParser(description="mmkit vs the host kernel, differential tests")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--count", type=int, default=0, help="number of random sequences")
    ap.add_argument("--start", type=int, default=0, help="index of the first sequence")
    ap.add_argument("--len", type=int, default=60, help="calls per sequence (default 60)")
    ap.add_argument("--level", type=int, default=4, choices=[4, 5, 6],
                    help="4: mmap family and maps; 5: also accesses, fork, exit; 6: files")
    ap.add_argument("--mmkit", required=True, help="the mmkit binary")
    ap.add_argument("--hostrun", help="the host runner (default: next to mmkit's build)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per run (default %d)"
                    % TIMEOUT)
    ap.add_argument("--keep", help="directory for failing scenarios (default: a temp dir)")
    ap.add_argument("--no-minimize", action="store_true")
    ap.add_argument("--max-report", type=int, default=3,
                    help="minimize and print at most this many mismatches")
    ap.add_argument("--any-kernel", action="store_true",
                    help="compare even where the kernel or settings are not the reference's")
    ap.add_argument("cases", nargs="*", help="hand-written scenarios (.mm) to compare too")
    a = ap.parse_args()

    swapoff_orphans()
    import corpus   # noqa: E402 (corpus imports this module)
    if not a.any_kernel:
        why = corpus.live_mismatch(follow=True)
        if why:
            print("run_diff: live comparison SKIPPED: %s" % why)
            sys.exit(corpus.SKIP)

    hostrun = a.hostrun or default_hostrun(a.mmkit)
    if not hostrun:
        sys.exit("run_diff: cannot find hostrun; pass --hostrun")
    keep = a.keep or tempfile.mkdtemp(prefix="mmkit-diff-")
    os.makedirs(keep, exist_ok=True)
    claim_workdir(keep)
    for old in os.listdir(keep):          # a previous run's scenarios
        if re.match(r"^(seq|min|run)-\d+$", old):
            shutil.rmtree(os.path.join(keep, old), ignore_errors=True)
    runner = Runner(hostrun, a.mmkit, keep, mmkit_args=corpus.mmkit_follow_args())
    runner.timeout = a.timeout
    items = items_from_args(a)
    if not items:
        sys.exit("run_diff: nothing to run (give --count or case files)")

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(a.jobs, 1)) as ex:
        results = list(ex.map(lambda it: runner.compare(it[1], "seq"), items))

    out = sys.stdout
    bad = host_errors = reported = skipped = 0
    for (label, text), res in zip(items, results):
        if res["status"] == "same":
            continue
        if res["status"] == "skip":
            skipped += 1
            out.write("=== SKIPPED %s: %s\n" % (label, res["host_err"].strip().splitlines()[-1]
                                                 if res["host_err"].strip() else "hostrun exit 77"))
            continue
        if res["status"] == "host-error":
            host_errors += 1
            out.write("\n=== HOST ERROR %s (exit %d): the scenario is invalid on the host kernel\n%s\n"
                      "files: %s\n" % (label, res["host_rc"], res["host_err"].rstrip(), res["dir"]))
            continue
        bad += 1
        if reported < a.max_report:
            reported += 1
            report_mismatch(runner, label, text, res, not a.no_minimize, out)
        else:
            out.write("\n=== MISMATCH %s (not minimized; files: %s)\n" % (label, res["dir"]))
    out.write("\nrun_diff: %d scenarios, %d equal, %d mismatches, %d host errors, %d skipped "
              "(seed %d)\n" % (len(items), len(items) - bad - host_errors - skipped, bad,
                               host_errors, skipped, a.seed))
    if skipped == len(items):
        sys.exit(SKIP)
    if bad or host_errors:
        out.write("kept in %s\n" % keep)
    elif not a.keep:
        shutil.rmtree(keep, ignore_errors=True)
    sys.exit(2 if host_errors else 1 if bad else 0)


if __name__ == "__main__":
    main()
