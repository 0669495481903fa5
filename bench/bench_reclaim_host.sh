#!/bin/sh
# bench_reclaim_host.sh - the reference kernel's own clean-file reclaim cost,
# for bench_reclaim's file and read shapes (issue 19; docs/PERFORMANCE.md
# "Reclaim").  A 1 GiB file (fallocated: its reads are zero-filled, as
# bench_reclaim's host file) is read once, page by page, either through a
# MAP_SHARED mapping (one byte per page) or by read() of 4 KiB, by a program
# in a cgroup-v1 memory group limited to 64 MiB, so the host's memcg reclaim
# (shrink_folio_list, the same code as kswapd's) drops the file behind the
# reader.  perf gives the share of the program's CPU time under
# try_to_free_mem_cgroup_pages; pages reclaimed = file pages - resident at
# the end + workingset refaults.  Also printed: memcg pgpgin (folios
# charged), hence the host's average folio size.
#
#   sh bench/bench_reclaim_host.sh [RUNS]     (root, perf, cgroup-v1 memory,
#                                              gcc; files in $MMKIT_BENCH_DIR
#                                              or /var/tmp; removed after)
set -eu
runs=${1:-3}
cgv1=/sys/fs/cgroup/memory
[ -d "$cgv1" ] || { echo "bench_reclaim_host: needs the cgroup-v1 memory controller at $cgv1" >&2; exit 2; }
command -v perf >/dev/null || { echo "bench_reclaim_host: needs perf" >&2; exit 2; }
tmp=$(mktemp -d "${MMKIT_BENCH_DIR:-/var/tmp}/mmkit-reclaim-host-XXXXXX")
cg=$cgv1/$(basename "$tmp")
cleanup() {
	rmdir "$cg" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cat > "$tmp/reader.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* reader FILE mmap|read: every page of FILE once, in order. */
int main(int argc, char **argv)
{
	static char buf[4096];
	volatile unsigned long sum = 0;
	struct stat st;
	int fd = argc == 3 ? open(argv[1], O_RDONLY) : -1;

	if (fd < 0 || fstat(fd, &st))
		return 2;
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (!strcmp(argv[2], "mmap")) {
		const unsigned char *p = mmap(0, st.st_size, PROT_READ, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			return 2;
		for (off_t i = 0; i < st.st_size; i += 4096)
			sum += p[i];
		return 0;
	}
	for (off_t i = 0; i < st.st_size; i += 4096)
		if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 2;
	return 0;
}
EOF
gcc -O2 -o "$tmp/reader" "$tmp/reader.c"
fallocate -l 1G "$tmp/data"
mkdir "$cg"
echo 64M > "$cg/memory.limit_in_bytes"
pages=$((1 << 18))

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$cg/memory.stat"; }

one() {
	p0=$(stat_of pgpgin)
	r0=$(stat_of workingset_refault_file)
	perf record -q -F 4000 -g -o "$tmp/perf.data" -- \
		sh -c "echo \$\$ > $cg/cgroup.procs; exec $tmp/reader $tmp/data $1" >/dev/null 2>&1
	p1=$(stat_of pgpgin)
	r1=$(stat_of workingset_refault_file)
	res=$(fincore -nb -o PAGES "$tmp/data" | tr -d ' ')
	tot=$(perf report -i "$tmp/perf.data" --stdio --comm reader 2>/dev/null |
		awk '/Event count/ { print $NF }')
	share=$(perf report -i "$tmp/perf.data" --children --stdio -g none --percent-limit 0 \
		--comm reader 2>/dev/null |
		awk '$NF == "try_to_free_mem_cgroup_pages" { sub("%", "", $1); print $1; exit }')
	awk -v m="$1" -v tot="$tot" -v sh="${share:-0}" -v res="$res" -v p=$((p1 - p0)) \
		-v rf=$((r1 - r0)) -v n="$pages" 'BEGIN {
		rec = n - res + rf; ns = tot * sh / 100 / rec;
		printf "%-4s CPU %5.0f ms, reclaim %5.2f%%, %6d pages reclaimed (%d refaults), %5.0f ns per page (%.2f M pages per CPU-second), %d folios charged (%.1f pages each)\n",
			m, tot / 1e6, sh, rec, rf, ns, (ns > 0 ? 1000 / ns : 0), p, (n + rf) / p }'
}

echo "bench_reclaim_host: $(uname -r), 1 GiB file, 64 MiB memcg, $runs runs; load $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$runs"); do
	one mmap
	one read
done
