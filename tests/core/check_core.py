#!/usr/bin/env python3
"""Judge an ELF core file with the real tools (docs/TESTING.md "Core dumps").

  check_core.py tools CORE [--module PATH]...
      readelf -a, readelf -n and eu-readelf --notes parse every note with no
      warning or error (nothing on stderr, no "warning"/"error" in the
      output, every note of the PT_NOTE segment listed); eu-unstrip -n
      --core lists each PATH as a module of the core.
  check_core.py gdb CORE [--sysroot DIR] [--exe FILE] [--mapping PATH] EXPECT...
      EXPECT is ADDR=HEXBYTES (gdb's x/Nxb at ADDR shows exactly these
      bytes), ADDR=filtered (the PT_LOAD covering ADDR holds no file bytes
      there, and gdb reads nothing or zeros: a kernel core keeps a filtered
      VMA's program header with p_filesz 0, which gdb 13 reads as zeros,
      the written bytes are gone) or ADDR=unreadable (no PT_LOAD covers
      ADDR: gdb cannot read it).  With --mapping PATH (repeatable), `info
      proc mappings` must list PATH (from NT_FILE); with --threads N, `info
      threads` must show N threads (one NT_PRSTATUS each).
  check_core.py sizes CORE
      prints "apparent N on-disk M described D": st_size, st_blocks * 512,
      and where the program headers say the file ends (D > N: truncated).
  check_core.py complete CORE
      exit 0 when CORE is a complete ELF core (ET_CORE, PT_NOTE first, its
      notes walk to its end, every segment inside the file), else prints
      what is wrong and exits 1 (the fail-Nth sweep uses the same test).
  check_core.py layout CORE
      prints each PT_LOAD (vaddr memsz filesz flags) and its pages: 1 data,
      0 a hole (SEEK_DATA/SEEK_HOLE), as the host reference compares them.

Exit status 0 when every check holds, 1 otherwise (each failure printed),
2 on a usage error or a missing tool.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

PAGE = 4096


def fail(msg):
    print("FAIL: " + msg)
    return 1


def run(cmd, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def need(tool):
    if not shutil.which(tool):
        print("check_core: %s is not installed (scripts/deps.sh installs it)" % tool)
        sys.exit(2)


# ------------------------------------------------------------------ ELF


def elf_phdrs(path):
    """(class, [(type, offset, vaddr, filesz, memsz, flags)]) of a core file."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    if data[:4] != b"\x7fELF":
        raise ValueError("%s: not an ELF file" % path)
    is64 = data[4] == 2
    if is64:
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
    else:
        phoff, = struct.unpack_from("<I", data, 28)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
    out = []
    for i in range(phnum):
        o = phoff + i * phentsize
        if is64:
            t, fl, off, va, _, fsz, msz, _ = struct.unpack_from("<IIQQQQQQ", data, o)
        else:
            t, off, va, _, fsz, msz, fl, _ = struct.unpack_from("<IIIIIIII", data, o)
        out.append((t, off, va, fsz, msz, fl))
    return is64, out


def note_count(path):
    """The notes in the PT_NOTE segment (walked as readers walk them)."""
    _, ph = elf_phdrs(path)
    t, off, _, fsz, _, _ = next(p for p in ph if p[0] == 4)
    with open(path, "rb") as f:
        f.seek(off)
        data = f.read(fsz)
    n, pos = 0, 0
    while pos + 12 <= len(data):
        namesz, descsz, _ = struct.unpack_from("<III", data, pos)
        pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
        n += 1
    return n


def integrity(path):
    """The ways path falls short of a complete ELF core, as a list of texts
    (empty: complete): not ELF or not ET_CORE, no PT_NOTE first, a note
    walk that does not end exactly at the segment's end, or a segment the
    file does not hold (a truncated file)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(64)
    if len(head) < 52 or head[:4] != b"\x7fELF":
        return ["not an ELF file (%d bytes)" % size]
    if struct.unpack_from("<H", head, 16)[0] != 4:
        return ["not ET_CORE"]
    try:
        _, ph = elf_phdrs(path)
    except struct.error:
        return ["program headers beyond the file's end"]
    bad = []
    if not ph or ph[0][0] != 4:
        bad.append("the first program header is not PT_NOTE")
    for t, off, va, fsz, _, _ in ph:
        if off + fsz > size:
            bad.append("segment at %#x ends at %d, the file at %d" % (va, off + fsz, size))
    if not bad:
        _, off, _, fsz, _, _ = ph[0]
        with open(path, "rb") as f:
            f.seek(off)
            data = f.read(fsz)
        pos = 0
        while pos + 12 <= len(data):
            namesz, descsz, _ = struct.unpack_from("<III", data, pos)
            pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
        if pos != len(data):
            bad.append("the notes end at %d, PT_NOTE at %d" % (pos, len(data)))
    return bad


def load_digest(path):
    """A digest of every PT_LOAD's header and the bytes it holds."""
    import hashlib
    h = hashlib.sha256()
    _, ph = elf_phdrs(path)
    with open(path, "rb") as f:
        for t, off, va, fsz, msz, fl in ph:
            if t == 1:
                h.update(struct.pack("<QQQI", va, msz, fsz, fl))
                f.seek(off)
                h.update(f.read(fsz))
    return h.hexdigest()


def page_map(path, off, size):
    """'1' per page of [off, off+size) holding data, '0' per hole."""
    fd = os.open(path, os.O_RDONLY)
    try:
        bits = []
        for p in range(0, size, PAGE):
            try:
                d = os.lseek(fd, off + p, os.SEEK_DATA)
            except OSError:
                d = -1
            bits.append("1" if 0 <= d < off + p + PAGE else "0")
        return "".join(bits)
    finally:
        os.close(fd)


def flags_str(fl):
    return ("R" if fl & 4 else "-") + ("W" if fl & 2 else "-") + ("X" if fl & 1 else "-")


def layout_lines(path):
    _, ph = elf_phdrs(path)
    lines = []
    for t, off, va, fsz, msz, fl in ph:
        if t != 1:
            continue
        lines.append("%#x memsz=%#x filesz=%#x %s pages=%s" %
                     (va, msz, fsz, flags_str(fl), page_map(path, off, fsz) if fsz else "-"))
    return lines


# ---------------------------------------------------------------- tools


WARN = re.compile(r"warning|error|unknown note|corrupt|invalid", re.I)
# Debian 12's binutils (2.40) cannot print NT_FILE's 64-bit words and says
# so on stdout for every x86-64 core, the kernel's own included; NT_X86_XSAVE_LAYOUT
# (Linux 6.12) is newer than it.  Neither is a parse failure.
READELF_KNOWN = ("Cannot decode 64-bit note in 32-bit build", "Unknown note type: (0x00000205)")


def check_tools(core, modules):
    bad = 0
    need("readelf"), need("eu-readelf"), need("eu-unstrip")
    notes = note_count(core)
    for cmd in (["readelf", "-a", "-W", core], ["readelf", "-n", "-W", core],
                ["eu-readelf", "--notes", core]):
        rc, out, err = run(cmd)
        text = "\n".join(l for l in out.splitlines() if not any(k in l for k in READELF_KNOWN))
        if rc or err.strip():
            bad |= fail("%s: exit %d, stderr: %s" % (" ".join(cmd[:2]), rc, err.strip()[:300]))
        m = WARN.search(text)
        if m:
            bad |= fail("%s says %r" % (" ".join(cmd[:2]), text[max(0, m.start() - 80):m.end() + 80]))
        listed = len(re.findall(r"^\s+(CORE|LINUX)\s+\S+\s+\S", out, re.M))
        if cmd[-2] != "-a" and listed != notes:
            bad |= fail("%s lists %d notes, the segment holds %d" % (" ".join(cmd[:2]), listed, notes))
    rc, out, err = run(["eu-unstrip", "-n", "--core", core])
    if rc and not (not modules and "No modules recognized" in err):
        bad |= fail("eu-unstrip -n --core: exit %d: %s" % (rc, err.strip()))
    for m in modules:
        if not re.search(r"\s%s$" % re.escape(m), out, re.M):
            bad |= fail("eu-unstrip -n --core does not list %s:\n%s" % (m, out))
    return bad


# ------------------------------------------------------------------ gdb


def gdb_cmds(args, expects):
    cmds = ["gdb", "-nx", "-batch"]
    if args.sysroot:
        cmds += ["-iex", "set sysroot %s" % os.path.abspath(args.sysroot)]
    if args.exe:
        cmds += [os.path.abspath(args.exe)]
    cmds += ["-c", os.path.abspath(args.core)]
    for addr, want in expects:
        n = len(want) if isinstance(want, list) else 8
        cmds += ["-ex", "echo \\n@@ %s\\n" % addr, "-ex", "x/%dxb %s" % (n, addr)]
    if args.mapping:
        cmds += ["-ex", "echo \\n@@ mappings\\n", "-ex", "info proc mappings"]
    if args.threads:
        cmds += ["-ex", "echo \\n@@ threads\\n", "-ex", "info threads"]
    return cmds


def parse_expect(s):
    addr, _, want = s.partition("=")
    if want in ("unreadable", "filtered"):
        return addr, want
    hexs = want.replace(" ", "")
    return addr, [int(hexs[i:i + 2], 16) for i in range(0, len(hexs), 2)]


def check_gdb(args):
    need("gdb")
    expects = [parse_expect(e) for e in args.expect]
    # gdb reads a file mapping the core leaves out from the mapped file when
    # it finds it (NT_FILE's path, or that path made relative to the current
    # directory): run it where it finds none unless --sysroot says where.
    with tempfile.TemporaryDirectory(prefix="check-core-") as nowhere:
        rc, out, err = run(gdb_cmds(args, expects), cwd=nowhere)
    sections = re.split(r"^@@ ", out, flags=re.M)
    got = {}
    for sec in sections[1:]:
        head, _, body = sec.partition("\n")
        got[head.strip()] = body
    _, ph = elf_phdrs(args.core)
    bad = 0
    for addr, want in expects:
        body = got.get(addr, "")
        bytes_ = [int(x, 16) for x in re.findall(r"\t(0x[0-9a-f]{2})\b", body)]
        a = int(addr, 16)
        load = [p for p in ph if p[0] == 1 and p[2] <= a < p[2] + p[4]]
        if want == "unreadable":
            if bytes_ or load:
                bad |= fail("%s is in a PT_LOAD of %s (gdb reads %s): it should not be"
                            % (addr, args.core, " ".join("%02x" % b for b in bytes_)))
            continue
        if want == "filtered":
            if not load or a - load[0][2] < load[0][3] or any(bytes_):
                bad |= fail("%s should be filtered out of %s: %s, gdb reads %s"
                            % (addr, args.core, "no PT_LOAD" if not load else
                               "filesz %#x from %#x" % (load[0][3], load[0][2]),
                               " ".join("%02x" % b for b in bytes_) or "nothing"))
            continue
        if bytes_ != want:
            bad |= fail("gdb x/%dxb %s: %s, the scenario wrote %s%s"
                        % (len(want), addr, " ".join("%02x" % b for b in bytes_) or "nothing",
                           " ".join("%02x" % b for b in want),
                           "" if bytes_ else " (" + err.strip().splitlines()[-1] + ")" if err.strip() else ""))
    if args.mapping:
        body = got.get("mappings", "")
        for m in args.mapping:
            if not re.search(r"\s%s$" % re.escape(m), body, re.M):
                bad |= fail("gdb info proc mappings does not list %s:\n%s" % (m, body))
    if args.threads:
        n = len(re.findall(r"^[* ] +\d+ +LWP ", got.get("threads", ""), re.M))
        if n != args.threads:
            bad |= fail("gdb info threads shows %d threads, not %d:\n%s"
                        % (n, args.threads, got.get("threads", "")))
    if rc:
        bad |= fail("gdb exit %d: %s" % (rc, err.strip()[:300]))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tools")
    t.add_argument("core")
    t.add_argument("--module", action="append", default=[])
    g = sub.add_parser("gdb")
    g.add_argument("core")
    g.add_argument("--sysroot")
    g.add_argument("--exe")
    g.add_argument("--mapping", action="append", default=[])
    g.add_argument("--threads", type=int, default=0)
    s = sub.add_parser("sizes")
    s.add_argument("core")
    c = sub.add_parser("complete")
    c.add_argument("core")
    lay = sub.add_parser("layout")
    lay.add_argument("core")
    argv = sys.argv[1:]
    expects = [x for x in argv if re.match(r"^(0x)?[0-9a-fA-F]+=", x)]
    a = ap.parse_args([x for x in argv if x not in expects])
    a.expect = expects
    if a.cmd == "tools":
        return check_tools(a.core, a.module)
    if a.cmd == "gdb":
        return check_gdb(a)
    if a.cmd == "sizes":
        st = os.stat(a.core)
        _, ph = elf_phdrs(a.core)
        described = max([off + fsz for _, off, _, fsz, _, _ in ph] + [0])
        print("apparent %d on-disk %d described %d" % (st.st_size, st.st_blocks * 512, described))
        return 0
    if a.cmd == "complete":
        bad = integrity(a.core)
        for b in bad:
            print("FAIL: %s: %s" % (a.core, b))
        return 1 if bad else 0
    print("\n".join(layout_lines(a.core)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
