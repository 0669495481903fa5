#!/usr/bin/env python3
"""gcov line and branch coverage of the mm/ files the differential tests
exercise, under a campaign (scripts/diff_coverage.sh runs it).

  coverage.py report BUILD_DIR [--uncovered FILE]

reads the .gcda counters a coverage build (--coverage) collected, prints
lines and branches per file and writes every line never executed (with its
source) to FILE.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

FILES = ["mm/mmap.c", "mm/vma.c", "mm/mremap.c", "mm/mprotect.c", "mm/madvise.c",
         "mm/memory.c"]
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def gcov_one(build, src, tmp):
    objs = glob.glob(os.path.join(build, "**", os.path.basename(src) + ".gcda"), recursive=True)
    objs = [os.path.abspath(o) for o in objs if os.sep + "mm" + os.sep in o]
    if not objs:
        return None
    p = subprocess.run(["gcov", "-b", "-c", "-o", objs[0][:-len(".gcda")] + ".o",
                        os.path.join(ROOT, src)], cwd=tmp, capture_output=True, text=True)
    stats = {}
    block = p.stdout.split("File '")
    for b in block:
        if not b.startswith(os.path.join(ROOT, src)):
            continue
        for key, pat in (("lines", r"Lines executed:([\d.]+)% of (\d+)"),
                         ("branches", r"Branches executed:([\d.]+)% of (\d+)"),
                         ("taken", r"Taken at least once:([\d.]+)% of (\d+)")):
            m = re.search(pat, b)
            if m:
                stats[key] = (float(m.group(1)), int(m.group(2)))
    gcov_file = os.path.join(tmp, os.path.basename(src) + ".gcov")
    uncovered = []
    with open(gcov_file) as f:
        for line in f:
            parts = line.split(":", 2)
            if len(parts) == 3 and parts[0].strip() in ("#####", "====="):
                uncovered.append((int(parts[1]), parts[2].rstrip("\n")))
    return stats, uncovered


def cmd_report(a):
    total_l = total_lx = 0
    out = open(a.uncovered, "w") if a.uncovered else None
    print("%-16s %8s %10s %10s %10s" % ("file", "lines", "covered", "branches", "taken"))
    with tempfile.TemporaryDirectory(prefix="mmkit-gcov-") as tmp:
        for src in FILES:
            r = gcov_one(a.build, src, tmp)
            if not r:
                print("%-16s no coverage data" % src)
                continue
            stats, unc = r
            lp, ln = stats.get("lines", (0.0, 0))
            bp, bn = stats.get("branches", (0.0, 0))
            tp, _ = stats.get("taken", (0.0, 0))
            total_l += ln
            total_lx += round(lp * ln / 100)
            print("%-16s %8d %9.1f%% %9.1f%% %9.1f%%" % (src, ln, lp, bp, tp))
            if out:
                out.write("== %s: %d of %d lines never executed\n" % (src, len(unc), ln))
                for n, text in unc:
                    out.write("%s:%d:%s\n" % (src, n, text))
    if total_l:
        print("%-16s %8d %9.1f%%" % ("total", total_l, 100.0 * total_lx / total_l))
    if out:
        out.close()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report")
    r.add_argument("build")
    r.add_argument("--uncovered")
    a = ap.parse_args()
    sys.exit(cmd_report(a))


if __name__ == "__main__":
    main()
