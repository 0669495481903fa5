#!/usr/bin/env python3
"""The golden corpus: the differential tests' oracle, pinned in the tree.

The reference kernel's answers to every scenario CI runs (the random
sequences and the hand-written cases), recorded once on a machine running
the reference kernel, so that CI gives the same verdict on every machine:

  tests/diff/corpus/REFERENCE    the recording machine: `uname -r` and every
                                 setting that decides results (THP modes,
                                 overcommit, max_map_count, mmap_min_addr as
                                 set and as observed, CPU features), plus
                                 what was recorded; plain text, reviewed
  tests/diff/corpus/*.corpus.xz  entries: the expanded scenario (with the
                                 agent's layout, as `hostrun --emit` writes
                                 it) and the host's stdout; swap.corpus.xz
                                 holds tests/diff/cases_swap, recorded with a
                                 real swap area (`swaparea`: root, a file
                                 system that takes swap files);
                                 random5_nozero and nozero were recorded on
                                 the reference kernel booted without the
                                 zero page (zero_page=no) and are checked
                                 with `mmkit run --zero-page=0`
  tests/diff/corpus/views.txt    the field names of the reference kernel's
                                 /proc/meminfo, /proc/vmstat, status, smaps

Commands:
  check --mmkit M FILE [--start I --count N]   replay entries on mmkit and
        compare with the recorded output (no host needed): exit 0 all
        equal, 1 a mismatch (printed, files kept with --keep)
  views --mmkit M                              mmkit's view field names
        against views.txt
  record --hostrun H [--out DIR] [--only SUITE] re-record everything on this
        machine (tests/diff/record_corpus.sh is the way to call it), or one
        suite: random4, random5, cases, swap; random5_nozero and nozero only
        on a host without the zero page (and only they can be recorded on
        one: REFERENCE stays as it is)
  diff OLD NEW                                 what changed between two
        corpus files or directories (review a re-recording with it)
  live-status                                  may the live comparison run
        here?  exit 0 yes, 77 no (the reason is printed)

The live comparison (run_diff.py against this machine's kernel) counts only
when the kernel and the settings equal REFERENCE's, except for the settings
mmkit can follow (FOLLOWED: zero_page, with `--zero-page=0`);
MMKIT_DIFF_KERNEL overrides the detected `uname -r` (to see what another
machine does).
"""

import argparse
import difflib
import lzma
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
REFERENCE = os.path.join(CORPUS, "REFERENCE")
VIEWS = os.path.join(CORPUS, "views.txt")
sys.path.insert(0, HERE)
import gen  # noqa: E402
from run_diff import (canonical, claim_workdir, materialize, swapoff_leftovers,  # noqa: E402
                      swapoff_orphans, unset_variable_end)

SKIP = 77
MARK = "@@@@ "                 # no scenario or output line starts with it
HOSTRUN_NAME = "/hostrun"       # the recorded path of the agent's image
TIMEOUT = 60
# What CI runs (tests/diff/CMakeLists.txt reads the same numbers from here).
CI_SEED, CI_COUNT, CI_LEN = 1, 300, 60
SUITES = (("random4", 4), ("random5", 5), ("random6", 6))
# Runs per recorded sequence (record_entries): the file suite's host answers
# are kept only where they repeat.
REPEAT = {"random6": 3}
# The hand-written cases, one corpus file per group (cases6: files).
CASE_GROUPS = (("cases", ("cases", "cases5")), ("cases6", ("cases6",)))
SWAP_CASE_DIR = "cases_swap"          # recorded on their own: swap.corpus.xz
# Recorded on a host without the shared zero page (the reference kernel
# booted with pvm_no_zero_page=1: zero_page=no, everything else as
# REFERENCE) and checked with mmkit told to follow it (FOLLOWED): the same
# CI sequences as random5, and the cases of tests/diff/cases_nozero.
NOZERO_SUITES = (("random5_nozero", 5),)
NOZERO_CASE_GROUPS = (("nozero", ("cases_nozero",)),)
NOZERO_SETTING = ("zero_page", "no")

# ---------------------------------------------------------------- reference


def read_file(path, default="-"):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def thp_mode(path):
    """The [selected] word of a sysfs THP setting."""
    m = re.search(r"\[([^\]]+)\]", read_file(path, ""))
    return m.group(1) if m else read_file(path)


def mthp_enabled():
    base = "/sys/kernel/mm/transparent_hugepage"
    sizes = []
    try:
        names = sorted(os.listdir(base), key=lambda n: int(re.sub(r"\D", "", n) or 0))
    except OSError:
        return "-"
    for n in names:
        if n.startswith("hugepages-") and os.path.exists(os.path.join(base, n, "enabled")):
            mode = thp_mode(os.path.join(base, n, "enabled"))
            if mode != "never":
                sizes.append("%s:%s" % (n[len("hugepages-"):], mode))
    return ",".join(sizes) or "none"


def cpu_flag(flag):
    return "yes" if re.search(r"\b%s\b" % flag, read_file("/proc/cpuinfo", "")) else "no"


def observed_mmap_min_addr(hostrun):
    """The floor a low hint is raised to (mmap_min_addr as the kernel uses
    it: max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR)), seen by an agent."""
    with tempfile.TemporaryDirectory(prefix="mmkit-corpus-") as d:
        src = os.path.join(d, "probe.mm")
        with open(src, "w") as f:
            f.write("spawn A\nA mmap 0x1000 0x1000 r-- MAP_PRIVATE|MAP_ANONYMOUS\n")
        p = subprocess.run([hostrun, "--emit", os.path.join(d, "e.mm"), src],
                           capture_output=True, text=True, timeout=TIMEOUT)
    m = re.findall(r"= (0x[0-9a-f]+)", p.stdout)
    return str(int(m[-1], 16)) if m else "?"


def zero_page():
    """"yes" when a read fault on private anonymous memory maps the shared
    zero page, "no" when it allocates a page per fault, as a kernel booted
    with a no-zero-page parameter (pvm_no_zero_page=1) does: every
    zero-page result then differs (rusage, Rss, COW of the zero page).
    Probed by two read faults and /proc/self/pagemap: the zero page is
    present but not an exclusively mapped page (bit 56), a page of our own
    is (readable without privileges)."""
    import ctypes
    import mmap
    import struct
    m = mmap.mmap(-1, 2 * mmap.PAGESIZE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
        _ = m[0], m[mmap.PAGESIZE]                 # two read faults
        with open("/proc/self/pagemap", "rb") as f:
            f.seek(addr // mmap.PAGESIZE * 8)
            ents = struct.unpack("<2Q", f.read(16))
    except OSError:
        return "?"
    finally:
        m.close()
    if not all(e >> 63 & 1 for e in ents):
        return "?"
    return "no" if any(e >> 56 & 1 for e in ents) else "yes"


# Keys whose value decides results: the live comparison needs them equal.
LIVE_KEYS = ("kernel", "arch", "thp_enabled", "thp_defrag", "thp_shmem_enabled",
             "thp_use_zero_page", "thp_mthp", "overcommit_memory", "overcommit_ratio",
             "max_map_count", "mmap_min_addr", "page_size", "host_swap", "zero_page")


# Settings mmkit can be told to follow, so that a live comparison on a host
# that differs from the reference only in them still counts: key -> {this
# host's value: the `mmkit run` options that make mmkit behave the same}.
# Only comparisons of mmkit against the host now follow (run_diff.py); a
# comparison with a recording of the reference (the corpus, the core-dump
# reference) does not.
FOLLOWED = {"zero_page": {"no": ["--zero-page=0"]}}


def mmkit_follow_args(here=None):
    """The `mmkit run` options that make mmkit follow this host's settings
    of FOLLOWED (an empty list on the reference host)."""
    here = here or host_settings()
    args = []
    for k, values in FOLLOWED.items():
        args += values.get(here.get(k), [])
    return args


def host_swap():
    """"on" when the host has a swap area on, else "off"."""
    try:
        with open("/proc/swaps") as f:
            return "on" if len(f.read().strip().splitlines()) > 1 else "off"
    except OSError:
        return "off"


def host_settings(hostrun=None):
    """This machine, as REFERENCE records it."""
    thp = "/sys/kernel/mm/transparent_hugepage/"
    s = {
        "kernel": os.environ.get("MMKIT_DIFF_KERNEL") or platform.release(),
        "arch": platform.machine(),
        "thp_enabled": thp_mode(thp + "enabled"),
        "thp_defrag": thp_mode(thp + "defrag"),
        "thp_shmem_enabled": thp_mode(thp + "shmem_enabled"),
        "thp_use_zero_page": read_file(thp + "use_zero_page"),
        "thp_mthp": mthp_enabled(),
        "thp_khugepaged_max_ptes_none": read_file(thp + "khugepaged/max_ptes_none"),
        "thp_anon_beside_full": read_file(thp + "anon_beside_full"),
        "overcommit_memory": read_file("/proc/sys/vm/overcommit_memory"),
        "overcommit_ratio": read_file("/proc/sys/vm/overcommit_ratio"),
        "max_map_count": read_file("/proc/sys/vm/max_map_count"),
        "mmap_min_addr": read_file("/proc/sys/vm/mmap_min_addr"),
        "page_size": str(os.sysconf("SC_PAGE_SIZE")),
        "cpu_pdpe1gb": cpu_flag("pdpe1gb"),
        "clocksource": read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        # a swap area on the host makes its MADV_PAGEOUT really swap (smaps
        # Swap, faults); the corpus was recorded with none (the live swap
        # cases make their own, one at a time)
        "host_swap": host_swap(),
        "zero_page": zero_page(),
    }
    if hostrun:
        s["mmap_min_addr_observed"] = observed_mmap_min_addr(hostrun)
    return s


def read_reference(path=REFERENCE):
    ref = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                ref[k.strip()] = v.strip()
    return ref


def live_mismatch(path=REFERENCE, follow=False):
    """None when the live comparison counts here, else why not.  With
    follow, a difference in a FOLLOWED setting does not stop it: the caller
    runs mmkit with mmkit_follow_args()."""
    try:
        ref = read_reference(path)
    except OSError:
        return "there is no reference (%s): record one with tests/diff/record_corpus.sh" % path
    here = host_settings()
    if here["kernel"] != ref.get("kernel"):
        return ("this kernel is %s, the corpus's reference kernel is %s (%s); "
                "mmkit is compared with the recorded corpus only"
                % (here["kernel"], ref.get("kernel"), os.path.relpath(path)))
    diff = ["%s=%s (reference: %s)" % (k, here[k], ref.get(k)) for k in LIVE_KEYS
            if k in ref and here[k] != ref[k]
            and not (follow and here[k] in FOLLOWED.get(k, {}))]
    if diff:
        return ("the reference kernel, but settings differ from %s: %s"
                % (os.path.relpath(path), ", ".join(diff)))
    return None


# ------------------------------------------------------------------ corpus


def write_corpus(path, entries):
    """entries: (name, expanded script, host exit status, host stdout)."""
    parts = []
    for name, script, rc, out in entries:
        for text in (script, out):
            bad = [l for l in text.splitlines() if l.startswith(MARK)]
            if bad:
                raise ValueError("%s: a line starts with %r" % (name, MARK))
        parts.append("%sscenario %s\n%s%soutput exit=%d\n%s" % (MARK, name, script, MARK, rc, out))
    data = "".join(parts).encode()
    with open(path, "wb") as f:
        f.write(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))


def read_corpus(path):
    with open(path, "rb") as f:
        text = lzma.decompress(f.read()).decode()
    entries = []
    for chunk in text.split(MARK + "scenario ")[1:]:
        head, rest = chunk.split("\n", 1)
        script, rest = rest.split(MARK + "output exit=", 1)
        rc, out = rest.split("\n", 1)
        entries.append((head, script, int(rc), out))
    return entries


def corpus_files(where):
    if os.path.isdir(where):
        return {f: os.path.join(where, f) for f in sorted(os.listdir(where))
                if f.endswith(".corpus.xz")}
    return {os.path.basename(where): where}


# ------------------------------------------------------------------- check


def corpus_mmkit_args(corpus_file):
    """The `mmkit run` options a corpus file is checked with: those that
    follow the no-zero-page host its NOZERO groups were recorded on."""
    group = os.path.basename(corpus_file).split(".", 1)[0]
    if group in dict(NOZERO_SUITES) or group in dict(NOZERO_CASE_GROUPS):
        k, v = NOZERO_SETTING
        return FOLLOWED[k][v]
    return []


def run_mmkit(mmkit, script, d, args=()):
    exp = os.path.join(d, "expanded.mm")
    with open(exp, "w") as f:
        f.write(materialize(script, d))     # a scenario's `#@file` files, for mmkit
    env = dict(os.environ, MMKIT_SWAPAREA_DIR=os.path.abspath(d))   # swaparea's files
    try:
        p = subprocess.run([mmkit, "run", "--plain"] + list(args) + [exp], capture_output=True,
                           text=True, timeout=TIMEOUT, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", "mmkit: timeout after %ds" % TIMEOUT


def report(name, script, want, want_rc, rc, got, err, d, out):
    for fn, text in (("expanded.mm", script), ("host.out", want), ("mmkit.out", got)):
        with open(os.path.join(d, fn), "w") as f:
            f.write(text)
    out.write("\n=== MISMATCH %s (reference exit %d, mmkit exit %d)\n" % (name, want_rc, rc))
    lines = script.splitlines()
    w, g = canonical(want).splitlines(), canonical(got).splitlines()
    for i in range(max(len(w), len(g))):
        a = w[i] if i < len(w) else "<end of output>"
        b = g[i] if i < len(g) else "<end of output>"
        if a != b:
            prev = [l for l in w[:i + 1] if l.split(":", 1)[0].isdigit()]
            n = int(prev[-1].split(":", 1)[0]) if prev else 0
            out.write("first difference at output line %d%s\n  reference: %s\n  mmkit:     %s\n"
                      % (i + 1, (", after script line %d: %s" % (n, lines[n - 1]))
                         if 0 < n <= len(lines) else "", a, b))
            break
    if err and rc:
        out.write("mmkit stderr (end):\n%s\n" % err.rstrip()[-1500:])
    out.write("\n".join(list(difflib.unified_diff(w, g, "reference", "mmkit", lineterm="",
                                                  n=2))[:120]) + "\n")
    out.write("files: %s (rerun: mmkit run --plain %s/expanded.mm)\n" % (d, d))


def unrecorded_cases(corpus_file, entries):
    """The hand-written cases of a case group's directories that have no
    entry in its corpus file (a case added after the last recording, which
    the corpus would never replay)."""
    group = os.path.basename(corpus_file).split(".", 1)[0]
    dirs = (dict(CASE_GROUPS).get(group) or dict(NOZERO_CASE_GROUPS).get(group)
            or ((SWAP_CASE_DIR,) if group == "swap" else ()))
    names = set(e[0] for e in entries)
    return ["%s/%s" % (d, fn) for d in dirs for fn in sorted(os.listdir(os.path.join(HERE, d)))
            if fn.endswith(".mm") and "%s/%s" % (d, fn) not in names]


def cmd_check(a):
    entries = read_corpus(a.file)
    sel = entries[a.start:a.start + a.count if a.count else None]
    keep = a.keep or tempfile.mkdtemp(prefix="mmkit-corpus-")
    os.makedirs(keep, exist_ok=True)
    bad = 0
    if not a.start and not a.count:
        for name in unrecorded_cases(a.file, entries):
            print("corpus %s: %s has no entry: record it on the reference kernel "
                  "(tests/diff/corpus.py record --only GROUP)" % (os.path.basename(a.file), name))
            bad += 1
    for k, (name, script, want_rc, want) in enumerate(sel):
        d = os.path.join(keep, "e%d" % (a.start + k))
        os.makedirs(d, exist_ok=True)
        rc, got, err = run_mmkit(a.mmkit, script, d, corpus_mmkit_args(a.file))
        ends_same = rc == want_rc and (rc == 0 or unset_variable_end(rc, err))
        if ends_same and canonical(got) == canonical(want):
            shutil.rmtree(d, ignore_errors=True)
            continue
        bad += 1
        report(name, script, want, want_rc, rc, got, err, d, sys.stdout)
    print("corpus %s: %d entries, %d equal, %d mismatches (reference kernel %s)"
          % (os.path.basename(a.file), len(sel), len(sel) - bad, bad,
             read_reference().get("kernel", "?")))
    if not bad and not a.keep:
        shutil.rmtree(keep, ignore_errors=True)
    return 1 if bad else 0


# ------------------------------------------------------------------- views

VIEW_SCRIPT = ("spawn A\nA mmap 0 0x1000 rw- MAP_PRIVATE|MAP_ANONYMOUS\n"
               "cat /proc/meminfo\ncat /proc/vmstat\ncat /proc/A/status\ncat /proc/A/smaps\n")


def field_names(text, kind):
    if kind == "vmstat":
        return [l.split()[0] for l in text.splitlines() if l.strip()]
    names = []
    for l in text.splitlines():
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_()]*):", l)
        if m and (kind != "smaps" or m.group(1) not in names):
            names.append(m.group(1))
    return names


def host_views():
    own = read_file("/proc/self/smaps", "")
    first = own.split("\n")
    # one VMA's block: from the first line to the line after VmFlags
    block = []
    for l in first[1:]:
        block.append(l)
        if l.startswith("VmFlags"):
            break
    return {"meminfo": field_names(read_file("/proc/meminfo", ""), "meminfo"),
            "vmstat": field_names(read_file("/proc/vmstat", ""), "vmstat"),
            "status": field_names(read_file("/proc/self/status", ""), "status"),
            "smaps": field_names("\n".join(block), "smaps")}


def mmkit_views(mmkit):
    with tempfile.TemporaryDirectory(prefix="mmkit-views-") as d:
        src = os.path.join(d, "v.mm")
        with open(src, "w") as f:
            f.write(VIEW_SCRIPT)
        p = subprocess.run([mmkit, "run", "--plain", src], capture_output=True, text=True,
                           timeout=TIMEOUT)
    text = p.stdout
    meminfo = text[text.index("MemTotal:"):text.index("nr_free_pages")]
    vmstat = text[text.index("nr_free_pages"):text.index("Name:")]
    status = text[text.index("Name:"):]
    status = status[:status.index("\n", status.index("nonvoluntary_ctxt_switches"))]
    smaps = text[text.index("Size:", text.index("nonvoluntary_ctxt_switches")):]
    smaps = smaps[:smaps.index("\n", smaps.index("VmFlags"))]
    return {"meminfo": field_names(meminfo, "meminfo"), "vmstat": field_names(vmstat, "vmstat"),
            "status": field_names(status, "status"), "smaps": field_names(smaps, "smaps")}


def write_views(path, views):
    with open(path, "w") as f:
        f.write("# Field names of the reference kernel's views, in order (corpus.py views)\n")
        for k in ("meminfo", "vmstat", "status", "smaps"):
            f.write("[%s]\n%s\n" % (k, "\n".join(views[k])))


def read_views(path=VIEWS):
    views, cur = {}, None
    with open(path) as f:
        for l in f:
            l = l.strip()
            if not l or l.startswith("#"):
                continue
            if l.startswith("["):
                cur = l.strip("[]")
                views[cur] = []
            else:
                views[cur].append(l)
    return views


def cmd_views(a):
    want, got = read_views(), mmkit_views(a.mmkit)
    bad = 0
    for k in want:
        if want[k] != got.get(k):
            bad += 1
            print("view %s: fields differ from the reference kernel's" % k)
            print("\n".join(difflib.unified_diff(want[k], got.get(k, []), "reference", "mmkit",
                                                 lineterm="", n=1)))
    print("views: %d of %d match the reference field for field" % (len(want) - bad, len(want)))
    return 1 if bad else 0


# ------------------------------------------------------------------ record


def host_run(hostrun, text, d):
    src, exp = os.path.join(d, "s.mm"), os.path.join(d, "e.mm")
    with open(src, "w") as f:
        f.write(text)
    env = dict(os.environ, MMKIT_SWAPAREA_DIR=os.path.abspath(d))
    try:
        p = subprocess.run([hostrun, "--emit", exp, src], capture_output=True, text=True,
                           timeout=TIMEOUT, env=env)
    finally:
        swapoff_leftovers(d)
    if p.returncode and not unset_variable_end(p.returncode, p.stderr):
        raise RuntimeError("hostrun rejected the scenario (exit %d):\n%s\n%s"
                           % (p.returncode, p.stderr, text))
    with open(exp) as f:
        return f.read(), p.returncode, p.stdout


def anonymize(text, hostrun):
    """The agent's image path is the recording tree's: record a neutral one
    (the maps name column is fixed, so nothing else moves)."""
    return text.replace(os.path.realpath(hostrun), HOSTRUN_NAME)


def record_entries(hostrun, items, d, repeat=1, unstable=None):
    """The host's answers.  With repeat > 1 each item runs that many times
    and is kept only if every run gave the same output (canonical): a
    reference answer must be reproducible (the host's page cache I/O races
    its faults: a populate over pages still in flight faults more).  The
    names left out go to `unstable`."""
    entries = []
    for name, text in items:
        script, rc, out = host_run(hostrun, text, d)
        if any(canonical(host_run(hostrun, text, d)[2]) != canonical(out)
               for _ in range(repeat - 1)):
            if unstable is not None:
                unstable.append(name)
            continue
        entries.append((name, anonymize(script, hostrun), rc, anonymize(out, hostrun)))
    return entries


def case_items(cdirs):
    items = []
    for cdir in cdirs:
        for fn in sorted(os.listdir(os.path.join(HERE, cdir))):
            if fn.endswith(".mm"):
                with open(os.path.join(HERE, cdir, fn)) as f:
                    items.append(("%s/%s" % (cdir, fn), f.read()))
    return items


def record_swap(hostrun, out, d):
    """tests/diff/cases_swap into swap.corpus.xz: each case makes a real swap
    area on this machine (hostrun's swaparea), so it needs root and a file
    system with swap files; refused, nothing is written."""
    items = case_items((SWAP_CASE_DIR,))
    write_corpus(os.path.join(out, "swap.corpus.xz"), record_entries(hostrun, items, d))
    print("recorded swap cases: %d" % len(items))


def record_suite(hostrun, out, d, suite, level):
    """The CI sequences of a level (seed CI_SEED) into SUITE.corpus.xz."""
    items = [("%s seed=%d index=%d len=%d level=%d" % (suite, CI_SEED, i, CI_LEN, level),
              "\n".join(gen.generate(CI_SEED, i, CI_LEN, level)) + "\n")
             for i in range(CI_COUNT)]
    unstable = []
    entries = record_entries(hostrun, items, d, REPEAT.get(suite, 1), unstable)
    write_corpus(os.path.join(out, suite + ".corpus.xz"), entries)
    print("recorded %s: %d sequences%s" % (suite, len(entries), "; left out (the host's "
          "answer varied): " + " ".join(unstable) if unstable else ""))


def record_nozero(hostrun, out, d, only):
    """NOZERO_SUITES and NOZERO_CASE_GROUPS, on a host whose only difference
    from REFERENCE is NOZERO_SETTING.  REFERENCE is left as it is."""
    k, v = NOZERO_SETTING
    here = host_settings()
    why = live_mismatch(follow=True)
    if here.get(k) != v or why:
        sys.exit("corpus record: the no-zero-page groups need the reference kernel with "
                 "%s=%s (here %s=%s%s)" % (k, v, k, here.get(k), "; " + why if why else ""))
    for suite, level in NOZERO_SUITES:
        if suite in only:
            record_suite(hostrun, out, d, suite, level)
    for group, dirs in NOZERO_CASE_GROUPS:
        if group in only:
            items = case_items(dirs)
            write_corpus(os.path.join(out, group + ".corpus.xz"),
                         record_entries(hostrun, items, d))
            print("recorded %s: %d" % (group, len(items)))


def cmd_record(a):
    swapoff_orphans()
    hostrun = os.path.realpath(a.hostrun)
    out = a.out
    os.makedirs(out, exist_ok=True)
    only = set(a.only.split(",")) if a.only else None
    nozero = set(dict(NOZERO_SUITES)) | set(dict(NOZERO_CASE_GROUPS))
    if only and only <= nozero:
        with tempfile.TemporaryDirectory(prefix="mmkit-record-") as d:
            claim_workdir(d)
            record_nozero(hostrun, out, d, only)
        return 0
    k, v = NOZERO_SETTING
    if host_settings().get(k) == v:
        sys.exit("corpus record: this host has %s=%s, which no reference has; only the "
                 "no-zero-page groups (--only %s) can be recorded here"
                 % (k, v, ",".join(sorted(nozero))))
    if not only or "swap" in only:
        # Swap files need a file system that takes them (not tmpfs): /var/tmp.
        with tempfile.TemporaryDirectory(prefix="mmkit-record-", dir="/var/tmp") as d:
            claim_workdir(d)
            record_swap(hostrun, out, d)
        if only == {"swap"}:
            return 0
    settings = host_settings(hostrun)
    ncases = 0
    with tempfile.TemporaryDirectory(prefix="mmkit-record-") as d:
        claim_workdir(d)
        for suite, level in SUITES:
            if not only or suite in only:
                record_suite(hostrun, out, d, suite, level)
        for group, dirs in CASE_GROUPS:
            items = []
            for cdir in dirs:
                for fn in sorted(os.listdir(os.path.join(HERE, cdir))):
                    if fn.endswith(".mm"):
                        with open(os.path.join(HERE, cdir, fn)) as f:
                            items.append(("%s/%s" % (cdir, fn), f.read()))
            ncases += len(items)
            if only and group not in only:
                continue
            write_corpus(os.path.join(out, group + ".corpus.xz"),
                         record_entries(hostrun, items, d))
            print("recorded %s: %d" % (group, len(items)))
    write_views(os.path.join(out, "views.txt"), host_views())
    with open(os.path.join(out, "REFERENCE"), "w") as f:
        f.write("# The reference kernel and the settings the corpus was recorded with\n"
                "# (tests/diff/record_corpus.sh).  The live comparison runs only where\n"
                "# these keys are equal: %s.\n" % " ".join(LIVE_KEYS))
        for k, v in settings.items():
            f.write("%s=%s\n" % (k, v))
        f.write("recorded=seed %d, %d sequences of %d calls per level (%s); %d cases\n"
                % (CI_SEED, CI_COUNT, CI_LEN, ", ".join(str(l) for _, l in SUITES), ncases))
    print("reference: %s" % settings["kernel"])
    return 0


# -------------------------------------------------------------------- diff


def cmd_diff(a):
    old, new = corpus_files(a.old), corpus_files(a.new)
    changed = 0
    for fn in sorted(set(old) | set(new)):
        if fn not in old or fn not in new:
            print("%s: only in %s" % (fn, "new" if fn in new else "old"))
            changed += 1
            continue
        eo = {n: (s, "exit=%d\n%s" % (rc, o)) for n, s, rc, o in read_corpus(old[fn])}
        en = {n: (s, "exit=%d\n%s" % (rc, o)) for n, s, rc, o in read_corpus(new[fn])}
        for n in sorted(set(eo) | set(en)):
            if n not in eo or n not in en:
                print("%s: %s %s" % (fn, "added" if n in en else "removed", n))
                changed += 1
            elif eo[n] != en[n]:
                changed += 1
                print("%s: changed %s" % (fn, n))
                for i, what in ((0, "script"), (1, "output")):
                    d = list(difflib.unified_diff(eo[n][i].splitlines(), en[n][i].splitlines(),
                                                  "old " + what, "new " + what, lineterm="", n=1))
                    if d:
                        print("\n".join(d[:a.lines]))
    if os.path.isdir(a.old) and os.path.isdir(a.new):
        for fn in ("REFERENCE", "views.txt"):
            ro = read_file(os.path.join(a.old, fn), "").splitlines()
            rn = read_file(os.path.join(a.new, fn), "").splitlines()
            d = list(difflib.unified_diff(ro, rn, "old " + fn, "new " + fn, lineterm="", n=0))
            if d:
                changed += 1
                print("\n".join(d))
    print("corpus diff: %d change(s)" % changed)
    return 0


def cmd_live_status(a):
    swapoff_orphans()
    why = live_mismatch(follow=True)
    if why:
        print("live differential stage: SKIPPED: %s" % why)
        return SKIP
    here = host_settings()
    follow = mmkit_follow_args(here)
    if follow:
        print("live differential stage: runs (this kernel, %s, is the reference; mmkit "
              "follows this host's %s with %s; comparisons with recordings skip: %s)"
              % (here["kernel"], ", ".join("%s=%s" % (k, here[k]) for k in FOLLOWED
                                            if here.get(k) in FOLLOWED[k]),
                 " ".join(follow), live_mismatch()))
        return 0
    print("live differential stage: runs (this kernel, %s, is the reference)" % here["kernel"])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--mmkit", required=True)
    c.add_argument("--start", type=int, default=0)
    c.add_argument("--count", type=int, default=0)
    c.add_argument("--keep")
    c.add_argument("file")
    v = sub.add_parser("views")
    v.add_argument("--mmkit", required=True)
    r = sub.add_parser("record")
    r.add_argument("--hostrun", required=True)
    r.add_argument("--out", default=CORPUS)
    r.add_argument("--only", help="record only these suites/case groups (comma-separated, "
                   "e.g. random6,cases6,swap); the others' files stay as they are")
    d = sub.add_parser("diff")
    d.add_argument("--lines", type=int, default=40)
    d.add_argument("old")
    d.add_argument("new")
    sub.add_parser("live-status")
    a = ap.parse_args()
    fn = {"check": cmd_check, "views": cmd_views, "record": cmd_record, "diff": cmd_diff,
          "live-status": cmd_live_status}[a.cmd]
    sys.exit(fn(a))


if __name__ == "__main__":
    main()
