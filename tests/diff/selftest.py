#!/usr/bin/env python3
"""Self-tests of the differential harness itself (they need no mmkit).

  prelude      the import lines hostrun emits reproduce the agent's layout:
               rendered back into /proc maps format they equal the first
               maps dump; `set` agrees with the [heap] VMA and mmap_base;
               and `hostrun run --plain` (which checks import lines against
               the real layout) rejects a tampered prelude.
  determinism  the host runner is deterministic: the same scenarios run
               twice give identical output (shmem identities canonicalized).
  pipeline     run_diff.py with hostrun standing in for mmkit finds no
               mismatch in generated sequences (levels 4 and 5) and cases.
  ddmin        with a bug injected into the stand-in (HOSTRUN_INJECT=mprotect),
               run_diff.py reports a mismatch and shrinks it to a few lines.
  expect       hostrun exits 1 on a failed expect= and 0 otherwise.
  cases        every hand-written case passes its expect= lines on the host.
  orphans      a swap area left on under a work directory whose owner died (a
               run killed by a ctest timeout) is turned off and removed by the
               next run; one whose owner is alive is left alone.  Needs root
               and a file system that takes swap files (/var/tmp).
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import run_diff  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: %s" % what)
    return cond


def host(hostrun, text, tmp, name="s", env=None):
    src = os.path.join(tmp, name + ".mm")
    exp = os.path.join(tmp, name + ".exp.mm")
    with open(src, "w") as f:
        f.write(text)
    p = subprocess.run([hostrun, "--emit", exp, src], capture_output=True, text=True, env=env)
    with open(exp) as f:
        expanded = f.read()
    return p.returncode, p.stdout, p.stderr, expanded, exp


def maps_line(fields):
    """Render `vma START-END PERMS OFF DEV INODE [NAME]` as a /proc maps line."""
    head = "%s %s %s %s %s " % tuple(fields[:5])
    name = " ".join(fields[5:])
    if not name:
        return head
    return head + " " * max(73 - len(head), 0) + name


def test_prelude(hostrun, tmp):
    rc, out, err, expanded, exp = host(hostrun, "spawn A\ncat /proc/A/maps\n", tmp, "prelude")
    if not check(rc == 0, "prelude: hostrun failed: %s" % err):
        return
    lines = expanded.splitlines()
    check(lines[0] == "spawn A", "prelude: first line is spawn A")
    vmas = [l.split()[2:] for l in lines if l.startswith("A vma ")]
    sets = [l for l in lines if l.startswith("A set ")]
    flags = [l.split()[2:] for l in lines if l.startswith("A vmflags ")]
    check(len(sets) == 1, "prelude: one set line")
    check([f[0] for f in flags] == [v[0].split("-")[0] for v in vmas],
          "prelude: one vmflags line per vma line, in order")
    dump = out.splitlines()
    check(dump[0] == "1: = 0", "prelude: spawn result is '1: = 0'")
    dump_vmas = dump[1:]
    check(len(vmas) == len(dump_vmas), "prelude: as many vma lines as maps lines")
    for v, d in zip(vmas, dump_vmas):
        check(maps_line(v) == d, "prelude: vma line renders to the maps line\n  %r\n  %r"
              % (maps_line(v), d))
    # the cat line's result numbering: `cat` is expanded line 2 + prelude
    check(len(lines) == 2 + len(vmas) + len(sets) + len(flags),
          "prelude: expanded = spawn + imports + cat")
    kv = dict(x.split("=") for x in sets[0].split()[2:])
    heap = [v for v in vmas if v[5:] == ["[heap]"]]
    if check(len(heap) == 1, "prelude: one [heap] VMA"):
        start, end = (int(x, 16) for x in heap[0][0].split("-"))
        brk = int(kv["brk"], 16)
        check(int(kv["start_brk"], 16) == start, "prelude: start_brk is the heap's start")
        check((brk + 0xfff) & ~0xfff == end, "prelude: PAGE_ALIGN(brk) is the heap's end")
    stack = [v for v in vmas if v[5:] == ["[stack]"]]
    below = [int(v[0].split("-")[1], 16) for v in vmas
             if stack and int(v[0].split("-")[1], 16) <= int(stack[0][0].split("-")[0], 16)]
    check(max(below) == int(kv["mmap_base"], 16),
          "prelude: mmap_base is the end of the top-most mapping below the stack (the vdso)")
    check(not any("vsyscall" in l for l in dump), "prelude: [vsyscall] is not shown")
    # the stand-in checks import lines against the real layout
    if aslr_stays_on(hostrun, tmp):
        return
    p = subprocess.run([hostrun, "run", "--plain", exp], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout == out, "prelude: run --plain accepts its own prelude")
    bad = expanded.replace(kv["brk"], hex(int(kv["brk"], 16) + 0x1000), 1)
    bad_path = os.path.join(tmp, "prelude.bad.mm")
    with open(bad_path, "w") as f:
        f.write(bad)
    p = subprocess.run([hostrun, "run", "--plain", bad_path], capture_output=True, text=True)
    check(p.returncode == 2 and "do not reproduce" in p.stderr,
          "prelude: run --plain rejects a tampered prelude")


def test_determinism(hostrun, tmp):
    texts = ["\n".join(gen.generate(7, i, 60, 4 + (i % 2))) + "\n" for i in range(24)]
    texts += [open(c).read() for c in sorted(glob.glob(os.path.join(HERE, "cases*", "*.mm")))]
    for i, t in enumerate(texts):
        r1 = host(hostrun, t, tmp, "d%d" % i)
        r2 = host(hostrun, t, tmp, "d%db" % i)
        check(r1[0] == 0 or run_diff.unset_variable_end(r1[0], r1[2]),
              "determinism: scenario %d fails on the host: %s" % (i, r1[2]))
        check(run_diff.canonical(r1[1]) == run_diff.canonical(r2[1]),
              "determinism: scenario %d differs between two host runs" % i)
        check(r1[3] == r2[3], "determinism: scenario %d expands differently" % i)


def run_driver(hostrun, args, env=None):
    cmd = [sys.executable, os.path.join(HERE, "run_diff.py"), "--mmkit", hostrun,
           "--hostrun", hostrun, "--any-kernel"] + args   # the harness, on any kernel
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, env=e)


def test_pipeline(hostrun, tmp):
    # Not cases6: a file case's fault counts depend on the host's page cache
    # (the first run reads the file, the second finds it cached), so two host
    # runs need not agree; the corpus records them with repeats instead.
    cases = sorted(c for c in glob.glob(os.path.join(HERE, "cases*", "*.mm"))
                   if os.path.basename(os.path.dirname(c)) != "cases6")
    for level in (4, 5):
        # --no-minimize: a mismatch here is reported at once (ddmin of
        # the host against itself could outrun the ctest timeout, whose kill
        # then leaves a swap case's area on)
        p = run_driver(hostrun, ["--seed", "11", "--count", "60", "--level", str(level),
                                 "--no-minimize"] + (cases if level == 4 else []))
        check(p.returncode == 0, "pipeline: level %d: stand-in differs from the host:\n%s"
              % (level, p.stdout[-3000:]))


def test_ddmin(hostrun, tmp):
    p = run_driver(hostrun, ["--seed", "3", "--count", "6", "--max-report", "1"],
                   {"HOSTRUN_INJECT": "mprotect"})
    check(p.returncode == 1, "ddmin: an injected bug gives exit status 1 (got %d)" % p.returncode)
    m = re.search(r"minimal reproducer \((\d+) lines", p.stdout)
    if check(m is not None, "ddmin: a minimal reproducer is printed:\n" + p.stdout[-2000:]):
        check(int(m.group(1)) <= 5, "ddmin: the reproducer has at most 5 lines (%s)" % m.group(1))
    check("mprotect" in p.stdout, "ddmin: the reproducer contains the mprotect")


def test_expect(hostrun, tmp):
    good = "spawn A\nA mmap 0 0 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=EINVAL\n"
    bad = "spawn A\nA mmap 0 0 rw- MAP_PRIVATE|MAP_ANONYMOUS expect=ENOMEM\n"
    err = "spawn A\nA mmap $nothing 4K rw- MAP_PRIVATE|MAP_ANONYMOUS\n"
    check(host(hostrun, good, tmp, "eg")[0] == 0, "expect: a true expect= passes")
    check(host(hostrun, bad, tmp, "eb")[0] == 1, "expect: a false expect= exits 1")
    check(host(hostrun, err, tmp, "ee")[0] == 2, "expect: an unknown variable exits 2")


def test_cases(hostrun, tmp):
    for c in sorted(glob.glob(os.path.join(HERE, "cases*", "*.mm"))):
        p = subprocess.run([hostrun, c], capture_output=True, text=True)
        check(p.returncode == 0, "cases: %s fails on the host: %s"
              % (os.path.relpath(c, HERE), p.stderr.strip()))


def aslr_stays_on(hostrun, tmp):
    """True when personality(ADDR_NO_RANDOMIZE) is refused here (e.g. Docker's
    default seccomp profile): layouts then change from run to run, so the
    tests that compare two runs cannot pass, though run_diff still works."""
    return "ADDR_NO_RANDOMIZE" in host(hostrun, "spawn A\n", tmp, "aslr")[2]


def swap_area(d):
    """A 16-page swap file in d, on: its path, or None where swapon fails."""
    path = os.path.join(d, "swapfile")
    with open(path, "wb") as f:
        f.write(bytes(16 * 4096))          # written, not sparse: swapon refuses holes
    os.chmod(path, 0o600)
    if subprocess.run(["mkswap", path], capture_output=True).returncode or \
            subprocess.run(["swapon", path], capture_output=True).returncode:
        return None
    return path


def swaps():
    with open("/proc/swaps") as f:
        return f.read()


def test_orphans(hostrun, tmp):
    base = tempfile.mkdtemp(prefix="mmkit-diff-self-", dir="/var/tmp")
    try:
        dead, alive = os.path.join(base, "dead"), os.path.join(base, "alive")
        for d in (dead, alive):
            os.makedirs(os.path.join(d, "min-1"))
        p = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True)
        with open(os.path.join(dead, run_diff.OWNER), "w") as f:
            f.write(p.stdout)                  # a pid that has exited
        run_diff.claim_workdir(alive)
        a = swap_area(os.path.join(dead, "min-1"))
        b = swap_area(os.path.join(alive, "min-1")) if a else None
        if not a or not b:
            print("selftest orphans: swapon refused here; not checked")
            return
        run_diff.swapoff_orphans()
        s = swaps()
        check(a not in s and not os.path.exists(a), "orphans: the dead run's area is off and gone")
        check(b in s, "orphans: the live run's area stays on")
    finally:
        run_diff.swapoff_leftovers(base)
        subprocess.run(["rm", "-rf", base])


NEEDS_FIXED_LAYOUT = ("determinism", "pipeline", "ddmin")
NEEDS_REFERENCE = ("cases",)     # the cases' expect= lines are the reference kernel's
SKIP = 77

TESTS = {"prelude": test_prelude, "determinism": test_determinism, "pipeline": test_pipeline,
         "ddmin": test_ddmin, "expect": test_expect, "cases": test_cases, "orphans": test_orphans}


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: selftest.py HOSTRUN [TEST...]   tests: " + " ".join(TESTS))
    hostrun = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or list(TESTS)
    skipped = 0
    import corpus   # noqa: E402
    not_reference = corpus.live_mismatch()
    with tempfile.TemporaryDirectory(prefix="mmkit-diff-self-") as tmp:
        aslr = aslr_stays_on(hostrun, tmp)
        for n in names:
            if n in NEEDS_REFERENCE and not_reference:
                print("selftest %s: SKIPPED (%s)" % (n, not_reference))
                skipped += 1
                continue
            if aslr and n in NEEDS_FIXED_LAYOUT:
                print("selftest %s: SKIPPED (ASLR cannot be disabled here)" % n)
                skipped += 1
                continue
            print("selftest %s" % n)
            TESTS[n](hostrun, tmp)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        sys.exit(1)
    if skipped == len(names):
        sys.exit(SKIP)
    print("ok")


if __name__ == "__main__":
    main()
