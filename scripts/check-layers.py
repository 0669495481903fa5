#!/usr/bin/env python3
"""Check that each layer of mmkit calls only downward (docs/ARCHITECTURE.md).

usage: check-layers.py BUILD_DIR [CONF]

From BUILD_DIR/compile_commands.json it takes every object of the library
and the CLI, reads their symbols with nm, and reports:
  - an undefined symbol of a file in layer L whose definition is in a file of
    a higher layer (an upward call or data reference), unless scripts/
    layers.conf allows it for that file;
  - a weak definition in layer L overridden by a strong one in a higher
    layer (the lower layer's calls would land above it);
  - an include by a machine/ file or a machine header of an include/mmkit
    header that is not a machine header (machine/ must know no kernel type);
  - an `allow` entry that no longer matches anything.
Inline functions leave no symbol, so the include check is what keeps the
machine layer from using kernel types and inlines.  Exit status 0 when
clean, 1 with the violations listed.
"""
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_conf(path):
    layers, machine_headers, allows = [], set(), []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            word, _, rest = line.partition(' ')
            if word == 'layer':
                name, *dirs = rest.split()
                layers.append((name, dirs))
            elif word == 'machine-header':
                machine_headers.update(rest.split())
            elif word == 'allow':
                spec, sep, reason = rest.partition('--')
                parts = spec.split()
                if not sep or len(parts) < 2 or not reason.strip():
                    sys.exit(f'{path}:{lineno}: allow FILE SYMBOL... -- REASON')
                allows.append({'file': parts[0], 'symbols': set(parts[1:]),
                               'reason': reason.strip(), 'used': set(), 'line': lineno})
            else:
                sys.exit(f'{path}:{lineno}: unknown directive {word}')
    return layers, machine_headers, allows


def layer_of(path, layers):
    for rank, (name, dirs) in enumerate(layers):
        for d in dirs:
            if path == d or path.startswith(d + '/'):
                return rank, name
    return None, None


def objects(build):
    """(source path relative to ROOT, object path) of every compiled file."""
    with open(os.path.join(build, 'compile_commands.json')) as f:
        cmds = json.load(f)
    out = []
    for c in cmds:
        src = os.path.relpath(c['file'], ROOT)
        args = c.get('arguments') or shlex.split(c['command'])
        obj = args[args.index('-o') + 1]
        out.append((src, os.path.join(c['directory'], obj)))
    return out


def nm_symbols(obj):
    """(defined {name: kind}, undefined set) of one object."""
    res = subprocess.run(['nm', '-P', obj], capture_output=True, text=True, check=True)
    defined, undefined = {}, set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == 'U':
            undefined.add(name)
        elif kind in 'TDBRCG':
            defined[name] = 'strong'
        elif kind in 'VW':
            defined.setdefault(name, 'weak')
    return defined, undefined


def allowed(allows, src, sym):
    for a in allows:
        if fnmatch.fnmatch(src, a['file']) and sym in a['symbols']:
            a['used'].add(sym)
            return True
    return False


def check_symbols(files, layers, allows):
    errors = []
    strong, weak = {}, {}
    syms = {}
    for src, obj in files:
        if layer_of(src, layers)[0] is None:
            continue
        defined, undefined = nm_symbols(obj)
        syms[src] = undefined
        for name, kind in defined.items():
            (strong if kind == 'strong' else weak).setdefault(name, src)
    for src, undefined in sorted(syms.items()):
        rank, name = layer_of(src, layers)
        for sym in sorted(undefined):
            home = strong.get(sym) or weak.get(sym)
            if not home:
                continue
            hrank, hname = layer_of(home, layers)
            if hrank > rank and not allowed(allows, src, sym):
                errors.append(f'{src} ({name}) -> {sym} in {home} ({hname}): upward call')
    for sym, src in sorted(weak.items()):
        home = strong.get(sym)
        if home and layer_of(home, layers)[0] > layer_of(src, layers)[0]:
            errors.append(f'{src} ({layer_of(src, layers)[1]}): weak {sym} overridden by '
                          f'{home} ({layer_of(home, layers)[1]}): upward call')
    return errors


INCLUDE = re.compile(r'^\s*#\s*include\s+"mmkit/([^"]+)"', re.M)


def check_machine_includes(layers, machine_headers):
    errors = []
    machine_dirs = dict(layers)['machine']
    paths = [os.path.join('include/mmkit', h) for h in sorted(machine_headers)]
    for d in machine_dirs:
        paths += sorted(os.path.join(d, f) for f in os.listdir(os.path.join(ROOT, d))
                        if f.endswith(('.c', '.h')))
    for p in paths:
        full = os.path.join(ROOT, p)
        if not os.path.exists(full):
            errors.append(f'{p}: listed as a machine header but missing')
            continue
        with open(full) as f:
            for inc in INCLUDE.findall(f.read()):
                if inc not in machine_headers:
                    errors.append(f'{p} (machine) includes mmkit/{inc}, which is not a '
                                  'machine header')
    return errors


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    conf = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'scripts/layers.conf')
    layers, machine_headers, allows = read_conf(conf)
    files = objects(build)
    errors = check_symbols(files, layers, allows)
    errors += check_machine_includes(layers, machine_headers)
    for a in allows:
        unused = a['symbols'] - a['used']
        if unused:
            errors.append(f'{conf}:{a["line"]}: allow {a["file"]} {" ".join(sorted(unused))}: '
                          'matches nothing any more; remove it')
    nfiles = sum(1 for src, _ in files if layer_of(src, layers)[0] is not None)
    if errors:
        print('\n'.join(errors))
        print(f'check-layers: {len(errors)} violation(s) in {nfiles} files')
        return 1
    print(f'check-layers: {nfiles} files in {len(layers)} layers call only downward '
          f'({len(allows)} allowed exceptions, {sum(len(a["symbols"]) for a in allows)} symbols)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
