#!/usr/bin/env python3
"""Small hand-built x86-64 ELF executables: the seed corpus of fuzz_elf
(tests/fuzz/corpus/elf/) and the images of tests/scenarios/exec_elf_edges.mm.

    gen_elf_seeds.py DIR [--pause] [--interp-dir D]
        writes every image into DIR, one file per name (--pause: the code is
        pause() instead of exit(0), so that the host's maps of a running
        image can be read; --interp-dir: where the PT_INTERP images look for
        their interpreters, default /bin, the directory the images are in
        when exec_elf_edges.mm and fuzz_elf mount them)

Each image is a few hundred bytes: an ELF header, program headers and the
code `mov eax, 60; xor edi, edi; syscall` (exit(0)), so that the valid ones
also run on the host.  The set covers what load_elf_binary checks and
computes: ET_EXEC and static PIE (ET_DYN), bss within and beyond the last
file page, PT_GNU_STACK with and without PF_X, a p_align above a page,
segments out of order and overlapping, and the cases it refuses (a
PT_INTERP, an offset not congruent with the address, p_filesz > p_memsz,
an entry or a segment beyond TASK_SIZE, no program headers, a short file).
"""

import os
import struct
import sys

CODE = bytes.fromhex("b83c00000031ff0f05")          # exit(0)
PAUSE = bytes.fromhex("b822000000900f0590")          # pause(), as long as CODE
PT_LOAD, PT_INTERP, PT_NOTE, PT_GNU_STACK = 1, 3, 4, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
ET_EXEC, ET_DYN = 2, 3
EHDR, PHDR = 64, 56
INTERP_DIR = b"/bin"


def ehdr(etype, entry, phnum, phoff=EHDR):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", etype, 62, 1, entry, phoff, 0, 0,
                               EHDR, PHDR, phnum, 64, 0, 0)


def phdr(ptype, flags, offset, vaddr, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", ptype, flags, offset, vaddr, vaddr, filesz, memsz, align)


def image(etype, base, phdrs_of, extra_phdrs=0, entry_of=None, tail=b""):
    """An image whose headers and code sit in its first page.  phdrs_of(size,
    code_off) returns the program headers given the file size and the
    code's offset; entry_of(code_off) the entry (default base + code_off)."""
    n = len(phdrs_of(0x1000, 0)) + extra_phdrs     # the count only
    code_off = EHDR + PHDR * n
    size = code_off + len(CODE) + len(tail)
    phs = phdrs_of(size, code_off)
    phs += [phdr(0, 0, 0, 0, 0, 0, 0)] * extra_phdrs    # PT_NULL padding
    entry = entry_of(code_off) if entry_of else base + code_off
    return ehdr(etype, entry, n) + b"".join(phs) + CODE + tail


def text(base, flags=PF_R | PF_X):
    return lambda size, off: [phdr(PT_LOAD, flags, 0, base, size, size)]


def interp(path, size=None):
    """An image whose PT_INTERP names path (p_filesz: size, default all of it)."""
    n = len(path) if size is None else size
    return image(ET_EXEC, 0x400000, lambda s, o: text(0x400000)(s, o) + [
        phdr(PT_INTERP, PF_R, s - len(path), 0x400000 + s - len(path), n, n, 1)], tail=path)


def stack(flags):
    return [phdr(PT_GNU_STACK, flags, 0, 0, 0, 0, 16)]


def seeds():
    out = {}
    out["exec_min"] = image(ET_EXEC, 0x400000, lambda s, o: text(0x400000)(s, o) +
                            stack(PF_R | PF_W))
    out["exec_execstack"] = image(ET_EXEC, 0x400000, lambda s, o: text(0x400000)(s, o) +
                                  stack(PF_R | PF_W | PF_X))
    out["exec_nostack_hdr"] = image(ET_EXEC, 0x400000, text(0x400000))
    # text, then data at the same file bytes one page up with 3 pages of bss
    out["exec_bss"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, s, s),
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x401000, s, s + 0x3000)] + stack(PF_R | PF_W))
    # bss only (p_filesz 0) after the text, and a read-only bss
    out["exec_bss_only"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, s, s),
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x402000, 0, 0x2800),
        phdr(PT_LOAD, PF_R, 0, 0x405000, 0, 0x1000)])
    out["exec_unordered"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x600000, s, s),
        phdr(PT_LOAD, PF_R, 0, 0x400000, s, s)], entry_of=lambda o: 0x600000 + o)
    out["exec_overlap"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, s, 0x2000),
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x401000, s, s)])
    out["exec_many_phdrs"] = image(ET_EXEC, 0x400000, text(0x400000), extra_phdrs=100)
    out["exec_noload"] = image(ET_EXEC, 0x400000, lambda s, o: stack(PF_R | PF_W))
    out["exec_interp"] = interp(b"/lib/ld.so\0\0")                # missing
    out["exec_interp_dir"] = interp(INTERP_DIR + b"\0")             # a directory
    out["exec_interp_short"] = interp(b"/", size=1)                  # p_filesz < 2
    out["exec_interp_noterm"] = interp(INTERP_DIR + b"/exec_min")    # no NUL
    out["exec_interp_elfshort"] = interp(INTERP_DIR + b"/short_header\0")
    out["exec_interp_nophdrs"] = interp(INTERP_DIR + b"/no_phdrs\0")
    out["exec_interp_valid"] = interp(INTERP_DIR + b"/exec_min\0")
    out["exec_misaligned"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0x10, 0x400000, s - 0x10, s - 0x10)])
    out["exec_filesz_gt_memsz"] = image(ET_EXEC, 0x400000, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, s, s - 8)])
    out["exec_entry_high"] = image(ET_EXEC, 0x400000, text(0x400000),
                                   entry_of=lambda o: 0x800000000000)
    out["exec_vaddr_high"] = image(ET_EXEC, 0x400000, lambda s, o: text(0x400000)(s, o) + [
        phdr(PT_LOAD, PF_R, 0, 0x7ffffffff000, 0, 0x2000)])
    out["exec_memsz_huge"] = image(ET_EXEC, 0x400000, lambda s, o: text(0x400000)(s, o) + [
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x402000, 0, 0x800000000000)])
    out["exec_at_zero"] = image(ET_EXEC, 0, text(0))
    out["pie_min"] = image(ET_DYN, 0, lambda s, o: text(0)(s, o) + stack(PF_R | PF_W))
    out["pie_bss"] = image(ET_DYN, 0, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0, s, s),
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x2000, s, s + 0x1800)])
    out["pie_align64k"] = image(ET_DYN, 0, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0, s, s, 0x10000),
        phdr(PT_LOAD, PF_R | PF_W, 0, 0x10000, s, s, 0x10000)])
    out["pie_align_odd"] = image(ET_DYN, 0, lambda s, o: [
        phdr(PT_LOAD, PF_R | PF_X, 0, 0, s, s, 0x3000)])
    out["pie_high_vaddr"] = image(ET_DYN, 0x400000, text(0x400000))
    out["pie_empty_span"] = image(ET_DYN, 0, lambda s, o: [
        phdr(PT_LOAD, PF_R, 0, 0, 0, 0)], entry_of=lambda o: 0)
    out["no_phdrs"] = ehdr(ET_EXEC, 0x400000, 0) + CODE
    out["short_header"] = ehdr(ET_EXEC, 0x400000, 1)[:40]
    out["short_phdrs"] = ehdr(ET_EXEC, 0x400000, 3) + phdr(PT_LOAD, PF_R, 0, 0x400000, 64, 64)
    out["phoff_negative"] = ehdr(ET_EXEC, 0x400000, 1, phoff=0xffffffffffff0040) + \
        phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000) + CODE
    return out


def main():
    global CODE, INTERP_DIR
    d = sys.argv[1]
    if "--pause" in sys.argv[2:]:
        CODE = PAUSE
    if "--interp-dir" in sys.argv[2:]:
        INTERP_DIR = sys.argv[sys.argv.index("--interp-dir") + 1].encode()
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(d, name), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    main()
