#!/bin/sh
# One walker, one way to wait (docs/ARCHITECTURE.md): outside mm/pagewalk.c
# no code steps through a page-table range level by level (pXd_addr_end) or
# descends from an entry to the table below (pt_table_of), and outside
# machine/mmu.c (the hardware's walk) no code loops over the hardware levels
# (arch/x86/pgtable.c's loop describes the levels at boot, mode_fold, and
# reads no entry);
# outside machine/wait.c no code spins or yields (pause, sched_yield) or
# sleeps on a condition, except in a wait_until() sleep callback.  Prints
# each offender; exits 1 if there is one.
set -u
cd "$(dirname "$0")/.."
dirs="machine arch mm kernel fs proc cli"
bad=0
report() {
	[ -z "$2" ] && return
	echo "$2" | while IFS= read -r line; do echo "check-one-way: $1: $line"; done
	bad=$((bad + $(echo "$2" | wc -l)))
}
report "range walk outside mm/pagewalk.c" \
	"$(grep -rn --include='*.c' -E '\b(pgd|p4d|pud|pmd)_addr_end\(' $dirs | grep -v '^mm/pagewalk.c:')"
report "table descent outside mm/pagewalk.c and machine/mmu.c" \
	"$(grep -rn --include='*.c' 'pt_table_of(' $dirs | grep -v '^mm/pagewalk.c:\|^machine/mmu.c:')"
report "loop over the hardware levels outside machine/mmu.c" \
	"$(grep -rn --include='*.c' -E 'for \(.*< *pgmode\.nhw' $dirs | grep -v '^machine/mmu.c:\|^arch/x86/pgtable.c:')"
report "spin or yield outside machine/wait.c" \
	"$(grep -rn --include='*.c' -E '\bsched_yield *\(|__builtin_ia32_pause|cpu_relax\(' $dirs | grep -v '^machine/wait.c:')"
# The host sleeps a wait may use: each inside a *_sleep callback of wait_until.
sleeps=$(grep -rn --include='*.c' -E 'pthread_cond_wait|pthread_(mutex|rwlock)_timed' $dirs)
for s in $(echo "$sleeps" | cut -d: -f1,2); do
	f=${s%%:*}; l=${s##*:}
	last=$(head -n "$l" "$f" | grep -nE '^[a-z].*\(' | tail -1 | cut -d: -f2-)
	case "$last" in
	"static bool "*"_sleep("*) ;;
	*) report "host sleep outside a wait_until sleep callback" "$f:$l: $last" ;;
	esac
done
if [ "$bad" -eq 0 ]; then
	echo "check-one-way: page-table walks only in mm/pagewalk.c (and the MMU's in machine/mmu.c), waits only through machine/wait.c ($(echo "$sleeps" | wc -l) sleep callbacks)"
fi
[ "$bad" -eq 0 ]
