#!/bin/sh
# --json: every output line is one JSON object, parsed here by Python's json
# module, for every /proc view `mmkit help views` lists (so a new view is
# covered when it registers), the other views, result lines of each kind and
# a death.  The structure is checked against the schema in docs/GUIDE.md.
# Prints "N passed, N failed".
mmkit="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
"$mmkit" help views > "$tmp/views" || exit 1
{
  echo "spawn A exec"
  echo "A mmap 0 64K rw- MAP_PRIVATE|MAP_ANONYMOUS -> m"
  echo "A write \$m 8 0x41"
  echo "vmalloc 8K -> v"
  while read -r v; do echo "cat $v" | sed 's|/proc/A/|/proc/A/|'; done < "$tmp/views"
  echo "cat /proc/meminfo MemTotal MemFree"
  echo "cat /proc/vmstat pgfault"
  echo "cat /proc/A/status VmRSS Name"
  echo "pagewalk A \$m"
  echo "tlb 0"
  echo "verify"
  echo "fail list"
  echo "help kmalloc"
  echo "A read \$m 8 expect=0x41"
  echo "A munmap 0x1001 4K"
  echo "A check \$m 8 1"
  echo "kread 0xffff888004000000 8"
  echo "A read 0 8"
  echo "dmesg reports"
} > "$tmp/all.mm"
"$mmkit" run --json "$tmp/all.mm" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 0 ] || { echo "FAIL run rc=$rc"; cat "$tmp/err"; exit 1; }
python3 - "$tmp/out" "$tmp/views" <<'PY'
import json, sys
out, views = sys.argv[1], sys.argv[2]
objs = []
passed = failed = 0
def ok(name, cond):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", name)
for n, line in enumerate(open(out), 1):
    try:
        objs.append(json.loads(line))
    except ValueError as e:
        ok("line %d parses: %s" % (n, e), False)
ok("every line parsed", len(objs) > 0 and failed == 0)
byview = {}
for o in objs:
    if "view" in o:
        byview.setdefault(o["view"], []).append(o)
for v in [l.strip() for l in open(views)]:
    path = v.replace("/proc/A/", "/proc/A/")
    ok("view %s present" % path, path in byview)
    for o in byview.get(path, []):
        ok("view %s has data or lines" % path, "data" in o or "lines" in o)
        ok("view %s line/text" % path, isinstance(o["line"], int) and o["text"].startswith("cat "))
def first(path):
    return byview[path][0]["data"]
mi = first("/proc/meminfo")
ok("meminfo object", isinstance(mi, dict) and isinstance(mi["MemTotal"], int) and mi["MemTotal"] > 60000)
ok("meminfo filtered", list(byview["/proc/meminfo"][1]["data"]) == ["MemTotal", "MemFree"])
vs = first("/proc/vmstat")
ok("vmstat object", isinstance(vs, dict) and isinstance(vs["pgfault"], int) and vs["pgfault"] >= 1)
ok("vmstat filtered", list(byview["/proc/vmstat"][1]["data"]) == ["pgfault"])
st = first("/proc/A/status")
ok("status object", st["Name"] == "A" and isinstance(st["VmRSS"], int))
ok("status filtered", list(byview["/proc/A/status"][1]["data"]) == ["VmRSS", "Name"])
maps = first("/proc/A/maps")
ok("maps array of VMAs", isinstance(maps, list) and len(maps) >= 5 and
   all(set(["start", "end", "perms", "offset", "dev", "inode", "pathname"]) <= set(v) for v in maps))
ok("maps stack", any(v["pathname"] == "[stack]" for v in maps))
smaps = first("/proc/A/smaps")
ok("smaps array of VMAs", len(smaps) == len(maps) and all(isinstance(v["Rss"], int) and
   isinstance(v["VmFlags"], list) for v in smaps))
ok("smaps rss", sum(v["Rss"] for v in smaps) >= 4)
bi = first("/proc/buddyinfo")
ok("buddyinfo arrays", all(isinstance(z["free"], list) and len(z["free"]) == 11 for z in bi))
zi = first("/proc/zoneinfo")
ok("zoneinfo zones", isinstance(zi, list) and zi[0]["zone"] == "DMA" and isinstance(zi[0]["protection"], list)
   and isinstance(zi[0]["pagesets"], list))
sl = first("/proc/slabinfo")
ok("slabinfo rows", all(isinstance(r["active_objs"], int) and isinstance(r["name"], str) for r in sl)
   and any(r["name"] == "kmalloc-64" for r in sl))
vm = first("/proc/vmallocinfo")
ok("vmallocinfo rows", any(r["caller"] == "vmalloc_cmd" and r["pages"] == 2 and r["size"] == 12288 for r in vm))
ok("swaps empty", first("/proc/swaps") == [])
others = {o["command"]: o for o in objs if "lines" in o and "view" not in o}
for c in ("pagewalk", "tlb", "verify", "fail", "help"):
    ok("%s lines" % c, c in others and all(isinstance(l, str) for l in others[c]["lines"]))
ok("verify ok", others["verify"]["lines"] == ["verify: ok"])
res = [o for o in objs if "result" in o]
kinds = lambda k: [o for o in res if k in o]
ok("return", kinds("return") and kinds("return")[0]["result"] == "= 0")
ok("value", any(o["command"] == "mmap" and o["value"].startswith("0x7f") and o["process"] == "A" for o in kinds("value")))
ok("error", any(o["error"] == "EINVAL" for o in kinds("error")))
ok("status ok", any(o["status"] == "ok" for o in kinds("status")))
ok("output", any(o["output"].startswith("mismatch 0x") for o in kinds("output")))
ok("text is the source line", all(o["text"].startswith(o.get("process", o["command"])) for o in res))
ok("oops", any(o["oops"].startswith("BUG: unable to handle page fault") for o in kinds("oops")))
sig = kinds("signal")
ok("signal", sig and sig[0]["signal"] == {"name": "SIGSEGV", "code": "SEGV_MAPERR", "addr": "0x0"})
ok("expect", any(o.get("expect") == "0x41" and o["expect_met"] is True for o in res))
deaths = [o for o in objs if "death" in o]
ok("death", deaths and deaths[0]["death"]["process"] == "A" and deaths[0]["death"]["signal"] == "SIGSEGV"
   and isinstance(deaths[0]["death"]["pid"], int) and deaths[0]["line"] == sig[0]["line"])
ok("dmesg reports", any(o["command"] == "dmesg" and "segfault at" in o["output"] for o in kinds("output")))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
