# The maps of the exec'd images are load_elf_binary's, computed here from
# the program headers (readelf): one private file mapping per PT_LOAD with
# the segment's protection and page-rounded offset, then the bss as
# anonymous memory.  The static-PIE lies right below mmap_base.
python3 - "$1" <<'PY'
import re, subprocess, sys
out = open(sys.argv[1]).read()
def loads(path):
    segs = []
    for l in subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout.splitlines():
        f = l.split()
        if f and f[0] == "LOAD":
            off, va, fsz, msz = (int(x, 16) for x in (f[1], f[2], f[4], f[5]))
            perm = "".join(c if c in f[6:-1] or c in "".join(f[6:-1]) else "-" for c in "RWE")
            segs.append((off, va, fsz, msz, perm.lower().replace("e", "x")))
    return segs
def expect(path, name, bias):
    lines, PAGE = [], 4096
    for off, va, fsz, msz, perm in loads(path):
        start = (va + bias) & ~(PAGE - 1)
        end = (va + bias + fsz + PAGE - 1) & ~(PAGE - 1)
        lines.append("%08x-%08x %sp %08x" % (start, end, perm, off & ~(PAGE - 1)))
        bss_end = (va + bias + msz + PAGE - 1) & ~(PAGE - 1)
        if bss_end > end:
            lines.append("%08x-%08x rw-p 00000000 00:00 0" % (end, bss_end))
    return lines
def got(name):
    return [" ".join(l.split()[:4]) if "00:00" not in l else " ".join(l.split()[:5])
            for l in out.splitlines() if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", l) and
            (name in l or (" 00:00 0" in l and not l.rstrip().endswith("]")))]
ok = True
for name, proc_lines, bias in (("bin/prog", None, 0),):
    pass
maps = [l for l in out.splitlines() if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", l)]
# the output has A's maps, then B's: split at the first [stack] line
cut = next(i for i, l in enumerate(maps) if l.rstrip().endswith("[stack]")) + 1
a, b = maps[:cut], maps[cut:]
def norm(lines, name):
    r = []
    for l in lines:
        f = l.split()
        if f[-1].endswith(name):
            r.append("%s %s %s" % (f[0], f[1], f[2]))
        elif len(f) == 5:
            r.append("%s %s %s %s %s" % tuple(f))
    return r
exp_a = [" ".join(x.split()[:3]) if "00:00" not in x else x for x in expect("bin/prog", "prog", 0)]
first_b = next(int(l.split("-")[0], 16) for l in b if l.split()[-1].endswith("/spie"))
exp_b = [" ".join(x.split()[:3]) if "00:00" not in x else x for x in expect("bin/spie", "spie", first_b)]
for got_l, exp_l, who in ((norm(a, "/prog"), exp_a, "prog"), (norm(b, "/spie"), exp_b, "spie")):
    if got_l != exp_l:
        print("%s: got\n  %s\nexpected\n  %s" % (who, "\n  ".join(got_l), "\n  ".join(exp_l)))
        ok = False
# the static-PIE's image ends at mmap_base (0x7ffff7fff000 with an 8 MiB stack)
last_b = max(int(l.split()[0].split("-")[1], 16) for l in b if l.split()[-1].endswith("/spie") or (len(l.split()) == 5 and int(l.split("-")[0], 16) > first_b))
if last_b != 0x7ffff7fff000:
    print("spie: image ends at %x, not at mmap_base" % last_b); ok = False
sys.exit(0 if ok else 1)
PY
