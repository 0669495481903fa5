#!/usr/bin/env python3
"""Check the shape of mmkit's OOM report against a real Linux 6.18 one.

Usage: check_report_shape.py REFERENCE MMKIT_LOG

REFERENCE is a dmesg capture of a real OOM report (tests/oom/, a memory
cgroup OOM); MMKIT_LOG is mmkit's kernel log holding one global OOM report.
Numbers, names and addresses may differ; the shape may not:

- the report's sections come in Linux's order: the "invoked oom-killer"
  header, the CPU line, the call trace between <TASK> and </TASK>, the
  memory picture (memcg lines in the reference, Mem-Info in mmkit's), the
  tasks table, the oom-kill: summary, the "Killed process" line;
- each common line has the reference's shape once numbers, the gfp flag
  names, the comm and the kernel version are abstracted;
- every row of the tasks table has its right-aligned columns ending where
  the reference row's end (Linux's "[%7d] %5d %5d %8lu ... %5hd %s");
- the oom-kill: summary has the reference's keys in order (the memcg-only
  key aside: oom_memcg= is global_oom in a global OOM);
- the Mem-Info lines (absent from a memcg report) match Linux 6.18's
  __show_mem format strings, and an oom_reaper: line, if any, its format.
Exit 0 when all hold; otherwise each difference is printed and exit 1.
"""
import re
import sys

TS = re.compile(r"^\[\s*\d+\.\d+\] ")


def report_lines(path):
    """The lines of the last OOM report in a log, without timestamps."""
    lines = [TS.sub("", l.rstrip("\n")) for l in open(path, errors="replace")]
    starts = [i for i, l in enumerate(lines) if " invoked oom-killer: " in l]
    if not starts:
        sys.exit(f"{path}: no OOM report")
    out = []
    for l in lines[starts[-1]:]:
        out.append(l)
        if re.search(r": Killed process \d+ ", l):
            break
    # the reaper's line, if logged after the kill
    rest = lines[starts[-1] + len(out):]
    out += [l for l in rest if l.startswith("oom_reaper: ")][:1]
    return out


def norm(line):
    """A line's shape: numbers, flags, comm and version abstracted."""
    s = re.sub(r"^\S+ invoked oom-killer", "COMM invoked oom-killer", line)
    s = re.sub(r"gfp_mask=0x[0-9a-f]+\([^)]*\)", "gfp_mask=0xN(FLAGS)", s)
    s = re.sub(r"Comm: \S+ ", "Comm: COMM ", s)
    s = re.sub(r"(Not tainted|Tainted: [A-Z ]+) \S+ #\d+", "Not tainted VERSION #N", s)
    s = re.sub(r"\(\S+\) total-vm", "(COMM) total-vm", s)
    s = re.sub(r"-?\d+", "N", s)
    return s


def section(lines, i):
    l = lines[i]
    if " invoked oom-killer: " in l:
        return "header"
    if l.startswith("CPU: "):
        return "cpu"
    if l == "Call Trace:":
        return "trace"
    if l == "Tasks state (memory values in pages):":
        return "tasks"
    if l.startswith("oom-kill:"):
        return "summary"
    if re.search(r": Killed process \d+ ", l):
        return "killed"
    return None


def order(lines):
    return [s for s in (section(lines, i) for i in range(len(lines))) if s]


def find(lines, pred):
    for l in lines:
        if pred(l):
            return l
    return None


def table(lines):
    i = lines.index("Tasks state (memory values in pages):")
    head = lines[i + 1]
    rows = []
    for l in lines[i + 2:]:
        if not l.startswith("["):
            break
        rows.append(l)
    return head, rows


def column_ends(line):
    """End offsets of a row's fields but the name (the bracket of "[  pid]"
    splits off the first one)."""
    return [m.end() for m in re.finditer(r"\S+", line)][:-1]


def summary_keys(line):
    keys = [kv.split("=")[0] for kv in line[len("oom-kill:"):].split(",")]
    return [k for k in keys if k not in ("oom_memcg", "global_oom")]


# Linux 6.18 mm/show_mem.c (__show_mem, show_free_areas) and
# mm/oom_kill.c format strings, as regular expressions.
N = r"\d+"
MEMINFO = [
    r"Mem-Info:",
    rf"active_anon:{N} inactive_anon:{N} isolated_anon:{N}",
    rf" active_file:{N} inactive_file:{N} isolated_file:{N}",
    rf" unevictable:{N} dirty:{N} writeback:{N}",
    rf" slab_reclaimable:{N} slab_unreclaimable:{N}",
    rf" mapped:{N} shmem:{N} pagetables:{N}",
    rf" sec_pagetables:{N} bounce:{N}",
    rf" kernel_misc_reclaimable:{N}",
    rf" free:{N} free_pcp:{N} free_cma:{N}",
    rf"Node {N} active_anon:{N}kB inactive_anon:{N}kB active_file:{N}kB inactive_file:{N}kB "
    rf"unevictable:{N}kB isolated\(anon\):{N}kB isolated\(file\):{N}kB mapped:{N}kB dirty:{N}kB "
    rf"writeback:{N}kB shmem:{N}kB shmem_thp:{N}kB shmem_pmdmapped:{N}kB anon_thp:{N}kB "
    rf"kernel_stack:{N}kB pagetables:{N}kB sec_pagetables:{N}kB all_unreclaimable\? (yes|no) "
    rf"Balloon:{N}kB",
]
ZONE = (rf"Node {N} \S+ free:{N}kB boost:{N}kB min:{N}kB low:{N}kB high:{N}kB "
        rf"reserved_highatomic:{N}KB free_highatomic:{N}KB active_anon:{N}kB inactive_anon:{N}kB "
        rf"active_file:{N}kB inactive_file:{N}kB unevictable:{N}kB writepending:{N}kB "
        rf"zspages:{N}kB present:{N}kB managed:{N}kB mlocked:{N}kB bounce:{N}kB "
        rf"free_pcp:{N}kB local_pcp:{N}kB free_cma:{N}kB")
LOWMEM = rf"lowmem_reserve\[\]:( {N})+"
BUDDY = rf"Node {N} \S+: ({N}\*{N}kB (\([UMEHCI]+\) )?)+= {N}kB"
TAIL = [
    rf"Node {N} hugepages_total={N} hugepages_free={N} hugepages_surp={N} hugepages_size={N}kB",
    rf"{N} total pagecache pages",
    rf"{N} pages in swap cache",
    rf"Free swap  = -?{N}kB",
    rf"Total swap = {N}kB",
    rf"{N} pages RAM",
    rf"{N} pages HighMem/MovableOnly",
    rf"{N} pages reserved",
    rf"{N} pages cma reserved",
    rf"-?{N} pages hwpoisoned",
]
REAPER = (rf"oom_reaper: reaped process {N} \(.+\), now anon-rss:{N}kB, file-rss:{N}kB, "
          rf"shmem-rss:{N}kB")


def check_meminfo(lines, errs):
    try:
        i = lines.index("Mem-Info:")
        j = lines.index("Tasks state (memory values in pages):")
    except ValueError:
        errs.append("mmkit: no Mem-Info section before the tasks table")
        return
    got = lines[i:j]
    k = 0
    for pat in MEMINFO:
        if k >= len(got) or not re.fullmatch(pat, got[k]):
            errs.append(f"Mem-Info line {k}: {got[k] if k < len(got) else '(none)'!r} "
                        f"does not match /{pat}/")
            return
        k += 1
    zones = 0
    while k + 1 < len(got) and re.fullmatch(ZONE, got[k]):
        if not re.fullmatch(LOWMEM, got[k + 1]):
            errs.append(f"after a zone line: {got[k + 1]!r} is no lowmem_reserve[] line")
        k += 2
        zones += 1
    if not zones:
        errs.append(f"no zone line: {got[k]!r}")
    buddies = 0
    while k < len(got) and re.fullmatch(BUDDY, got[k]):
        k += 1
        buddies += 1
    if buddies != zones:
        errs.append(f"{zones} zone lines but {buddies} free-block lines")
    for pat in TAIL:
        if k >= len(got) or not re.fullmatch(pat, got[k]):
            errs.append(f"Mem-Info tail: {got[k] if k < len(got) else '(none)'!r} "
                        f"does not match /{pat}/")
            return
        k += 1
    if k != len(got):
        errs.append(f"extra Mem-Info lines: {got[k:]}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref, got = report_lines(sys.argv[1]), report_lines(sys.argv[2])
    errs = []
    if order(ref) != order(got):
        errs.append(f"sections: reference {order(ref)}, mmkit {order(got)}")
    for name in ("header", "cpu", "killed"):
        r = find(ref, lambda l, n=name: section([l], 0) == n)
        g = find(got, lambda l, n=name: section([l], 0) == n)
        if r is None or g is None:
            errs.append(f"{name} line missing")
            continue
        r, g = norm(r), norm(g)
        if name == "killed":  # "Memory cgroup out of memory" vs "Out of memory"
            r, g = r.split(": Killed", 1)[1], g.split(": Killed", 1)[1]
        if r != g:
            errs.append(f"{name}: reference shape\n  {r}\nmmkit shape\n  {g}")
    for fixed in ("Call Trace:", " <TASK>", " </TASK>", "Tasks state (memory values in pages):"):
        if fixed not in got:
            errs.append(f"line {fixed!r} missing")
    rh, rrows = table(ref)
    gh, grows = table(got)
    if rh != gh:
        errs.append(f"tasks header differs:\n  {rh}\n  {gh}")
    ends = column_ends(rrows[0])
    for row in grows:
        if column_ends(row) != ends:
            errs.append(f"row columns misaligned with the reference's:\n  {rrows[0]!r}\n  {row!r}")
    if not grows:
        errs.append("mmkit's tasks table has no row")
    rs = find(ref, lambda l: l.startswith("oom-kill:"))
    gs = find(got, lambda l: l.startswith("oom-kill:"))
    if summary_keys(rs) != summary_keys(gs):
        errs.append(f"oom-kill keys: reference {summary_keys(rs)}, mmkit {summary_keys(gs)}")
    if "global_oom" not in gs.split(","):
        errs.append("mmkit's summary lacks global_oom")
    check_meminfo(got, errs)
    reap = find(got, lambda l: l.startswith("oom_reaper: "))
    if reap is not None and not re.fullmatch(REAPER, reap):
        errs.append(f"reaper line {reap!r} does not match /{REAPER}/")
    for e in errs:
        print(e)
    print(f"{'FAIL' if errs else 'ok'}: {len(got)} report lines of mmkit checked against "
          f"{len(ref)} of {sys.argv[1]}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
