# gdb as the judge of the core_filter_*.mm scenarios (gdb.base/coredump-filter.exp
# re-expressed): for each of the scenario's mappings, gdb reads back exactly
# the bytes the scenario wrote when coredump_filter lets the mapping into
# the core, and finds them gone when it does not; readelf and eu-readelf
# parse every note; gdb's `info proc mappings` lists the file mappings
# (NT_FILE).  Usage: filter_check.sh FILTER (7e, 7d, 33 or 60).
chk="$(dirname "$0")/../core/check_core.py"
core=cores/core
[ -f "$core" ] || { echo "no core file written"; exit 1; }
P=0x10000000 S=0x10100000 D=0x10200000 W=0x10300000 R=0x10400000 H=0x10500000
priv=$P=1111111111111111 shared=$S=2222222222222222 dd=$D=filtered
w="$W=3333333333333333666666 0x10301ff8=6666666666666666"
r="$R=66666666 0x10401ff8=6666666666666666" h="$H=44444444444444447373"
case "$1" in
  7e) exp="$P=filtered $shared $dd $w $r $h" ;;
  7d) exp="$priv $S=filtered $dd $w $r $h" ;;
  33) exp="$priv $shared $dd $w $R=filtered $H=filtered" ;;
  60) exp="$P=filtered $S=filtered $dd $W=filtered $R=filtered $H=filtered" ;;
  *) echo "filter_check.sh: unknown filter $1"; exit 2 ;;
esac
python3 "$chk" tools "$core" || exit 1
python3 "$chk" gdb "$core" --mapping /data/file.bin --mapping /data/shared.bin \
  --mapping "/dev/zero (deleted)" $exp || exit 1
python3 "$chk" sizes "$core"
