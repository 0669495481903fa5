#!/bin/sh
# Swap areas and util-linux (issue 18, interoperability): `mmkit mkswap`
# writes byte for byte what util-linux mkswap writes for the same size,
# label and UUID; blkid and swaplabel read mmkit's areas (TYPE="swap", the
# LABEL and the UUID); mmkit's swapon accepts an area util-linux mkswap made
# and refuses one over a sparse file (holes: EINVAL, as Linux).  Skips (77)
# without util-linux's mkswap, blkid and swaplabel.  Prints "N passed, N failed".
mmkit="$1"
PATH="$PATH:/usr/sbin:/sbin"
for t in mkswap blkid swaplabel fallocate; do
	command -v "$t" >/dev/null 2>&1 || { echo "skip: no $t (util-linux)"; exit 77; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $1"; fi; }
uuid=01234567-89ab-cdef-0123-456789abcdef
mkdir "$tmp/host"

for size in 40K 1M 16M; do
	"$mmkit" mkswap "$tmp/m$size" "$size" -L mylabel -U "$uuid" > "$tmp/out" 2>&1
	ok "mmkit-mkswap-$size" '[ $? -eq 0 ]'
	fallocate -l "$size" "$tmp/u$size"
	mkswap -L mylabel -U "$uuid" "$tmp/u$size" > /dev/null 2>&1
	ok "same-bytes-as-util-linux-$size" 'cmp "$tmp/m$size" "$tmp/u$size"'
done

blkid -p "$tmp/m1M" > "$tmp/blkid"
ok blkid-type 'grep -q "TYPE=\"swap\"" "$tmp/blkid"'
ok blkid-label 'grep -q "LABEL=\"mylabel\"" "$tmp/blkid"'
ok blkid-uuid 'grep -q "UUID=\"$uuid\"" "$tmp/blkid"'
ok blkid-version 'grep -q "VERSION=\"1\"" "$tmp/blkid"'
swaplabel "$tmp/m1M" > "$tmp/sl"
ok swaplabel-label 'grep -qx "LABEL: mylabel" "$tmp/sl"'
ok swaplabel-uuid 'grep -qx "UUID:  $uuid" "$tmp/sl"'
# swaplabel changes what mmkit wrote, and mmkit's swapon still takes it
swaplabel -L other "$tmp/m1M" && blkid -p "$tmp/m1M" > "$tmp/blkid2"
ok swaplabel-relabel 'grep -q "LABEL=\"other\"" "$tmp/blkid2"'

# util-linux's area on mmkit: swapon, the usable size (slot 0 is the
# header: 16 MiB gives 16380 kB), swapoff; a sparse one is refused
cp "$tmp/u16M" "$tmp/host/u.swap"
cp "$tmp/m1M" "$tmp/host/m.swap"
truncate -s 1M "$tmp/host/sparse.swap"
mkswap "$tmp/host/sparse.swap" > /dev/null 2>&1
cat > "$tmp/on.mm" <<EOF
mount $tmp/host /mnt
swapon /mnt/u.swap expect=0
swapon /mnt/m.swap prio=5 expect=0
cat /proc/meminfo SwapTotal
swapon /mnt/sparse.swap expect=EINVAL
swapoff /mnt/u.swap expect=0
swapoff /mnt/m.swap expect=0
EOF
"$mmkit" run --plain "$tmp/on.mm" > "$tmp/on" 2>&1
ok swapon-util-linux-area '[ $? -eq 0 ] || { cat "$tmp/on"; false; }'
ok swaptotal 'grep -q "^SwapTotal: *17400 kB" "$tmp/on" || { cat "$tmp/on"; false; }'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
