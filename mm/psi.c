/*
 * psi.c - pressure stall information for memory (Linux 6.18
 * kernel/sched/psi.c, the memory lines of the system group):
 * /proc/pressure/memory, in the machine's simulated time.
 *
 * Model.  Linux counts per CPU the tasks that run (NR_RUNNING), the tasks
 * in a memory stall (NR_MEMSTALL: between psi_memstall_enter and leave)
 * and those of them that run (NR_MEMSTALL_RUNNING).  mmkit's CPUs run one
 * context at a time, handed in, so each count is 0 or 1 per CPU:
 *   - running: the CPU executes a scenario command of a process or
 *     kswapd's turn (psi_task_running), or is inside a memory stall;
 *   - memstall: the CPU's thread is inside a stall: direct reclaim
 *     (__perform_reclaim), kswapd's balance_pgdat, the read of a refault
 *     of the working set from swap (swap_read_folio) or a file
 *     (filemap_read_folio, readahead's read_pages) and the wait for such a
 *     page's lock (__lock_page), where Linux marks them;
 *   - non-idle (PSI_NONIDLE): running or stalled.  A CPU between two
 *     commands, or while `sleep` advances the clock, is idle.
 * Linux's test_state then gives SOME (a task stalled) and FULL (every
 * running task stalled); with one context per CPU the two are equal on
 * each CPU, hence system-wide too: mmkit's "some" and "full" lines agree.
 *
 * Time is the machine clock (machine_clock_ns, Linux cpu_clock): a stall
 * lasts as long as the simulated work done inside it (the block layer's
 * I/O time: swap writes in reclaim, a swap-in).  As in Linux:
 *   - each CPU accumulates, per state, the time spent in it (u32 ns
 *     buckets, record_times at every state change), written only by its
 *     own thread under a sequence count that readers retry on (all its
 *     accesses sequentially consistent: state changes are rare);
 *   - collect_percpu_times folds the buckets' growth since the last fold
 *     into the group's totals, each CPU weighted by its non-idle jiffies;
 *   - the averaging work (psi_avgs_work, a delayed work item armed when a
 *     CPU turns non-idle) runs every PSI_FREQ (2 s + 1 jiffy) of simulated
 *     time while there is activity, and update_averages feeds each period's
 *     stall share into avg10/avg60/avg300 with calc_load (EXP_10s, EXP_60s,
 *     EXP_300s), decaying through the periods missed while it slept;
 *   - psi_show folds and averages too when a period has passed, and prints
 *     the averages with two decimals and the total in microseconds.
 * Not modelled: the CPU and IO resources, cgroups, triggers (poll).
 *
 * Locks: the per-CPU buckets take none (one writer, a sequence count);
 * psi_avgs_lock (a leaf; Linux's avgs_lock mutex) guards the group's
 * totals and averages.  Arming the work takes timer_lock.
 */
#include <stdatomic.h>
#include <string.h>
#include "mmkit/machine.h"
#include "mmkit/psi.h"
#include "mmkit/spinlock.h"

enum psi_task_count { NR_RUNNING, NR_MEMSTALL, NR_MEMSTALL_RUNNING, NR_PSI_TASK_COUNTS };
enum psi_states { PSI_MEM_SOME, PSI_MEM_FULL, PSI_NONIDLE, NR_PSI_STATES };

/* One CPU's state (Linux struct psi_group_cpu).  Written by the CPU's own
 * thread only, between two increments of seq; read by any thread. */
struct psi_group_cpu {
	_Atomic unsigned int seq;
	unsigned int tasks[NR_PSI_TASK_COUNTS]; /* the owner thread's only */
	_Atomic u32 state_mask;
	_Atomic u64 state_start;
	_Atomic u32 times[NR_PSI_STATES];
	u32 times_prev[NR_PSI_STATES]; /* under psi_avgs_lock */
};

/* The system group (Linux psi_system), memory lines only. */
struct psi_group {
	u64 total[NR_PSI_STATES - 1];	  /* ns, under psi_avgs_lock */
	u64 avg_total[NR_PSI_STATES - 1]; /* what the averages have seen */
	unsigned long avg[NR_PSI_STATES - 1][3];
	u64 avg_last_update, avg_next_update;
	struct delayed_work avgs_work;
};

static struct psi_group_cpu psi_cpus[MMK_MAX_CPUS];
static struct psi_group psi_system;
static DEFINE_SPINLOCK(psi_avgs_lock);
static __thread bool in_memstall; /* Linux current->in_memstall */
static __thread int psi_running;  /* nesting of psi_task_running(true) */

/* Sampling period in ns (Linux psi_period = jiffies_to_nsecs(PSI_FREQ)). */
#define PSI_PERIOD ((u64)PSI_FREQ * NSEC_PER_JIFFY)

/* ------------------------------------------------- the arithmetic -- */

unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

/* x^n in fixed point with frac_bits fractional bits, rounding each step
 * (Linux fixed_power_int). */
static unsigned long fixed_power_int(unsigned long x, unsigned int frac_bits, unsigned int n)
{
	unsigned long result = 1UL << frac_bits;

	while (n) {
		if (n & 1) {
			result *= x;
			result += 1UL << (frac_bits - 1);
			result >>= frac_bits;
		}
		n >>= 1;
		if (!n)
			break;
		x *= x;
		x += 1UL << (frac_bits - 1);
		x >>= frac_bits;
	}
	return result;
}

unsigned long calc_load_n(unsigned long load, unsigned long exp, unsigned long active,
			  unsigned int n)
{
	return calc_load(load, fixed_power_int(exp, FSHIFT, n), active);
}

void psi_calc_avgs(unsigned long avg[3], unsigned long missed_periods, u64 time, u64 period)
{
	unsigned long pct;

	if (missed_periods) { /* zeroes for the periods of no activity */
		avg[0] = calc_load_n(avg[0], EXP_10s, 0, (unsigned int)missed_periods);
		avg[1] = calc_load_n(avg[1], EXP_60s, 0, (unsigned int)missed_periods);
		avg[2] = calc_load_n(avg[2], EXP_300s, 0, (unsigned int)missed_periods);
	}
	pct = (unsigned long)(time * 100 / period);
	pct *= FIXED_1;
	avg[0] = calc_load(avg[0], EXP_10s, pct);
	avg[1] = calc_load(avg[1], EXP_60s, pct);
	avg[2] = calc_load(avg[2], EXP_300s, pct);
}

/* ------------------------------------------------ per-CPU buckets -- */

static bool test_state(const unsigned int *tasks, enum psi_states state)
{
	switch (state) {
	case PSI_MEM_SOME:
		return tasks[NR_MEMSTALL];
	case PSI_MEM_FULL:
		return tasks[NR_MEMSTALL] && tasks[NR_RUNNING] == tasks[NR_MEMSTALL_RUNNING];
	case PSI_NONIDLE:
		return tasks[NR_MEMSTALL] || tasks[NR_RUNNING];
	default:
		return false;
	}
}

/* The owner thread's new counts take effect now (Linux psi_group_change
 * with record_times).  Arms the averaging work when the CPU is busy. */
static void psi_group_change(struct cpu *c)
{
	struct psi_group_cpu *g = &psi_cpus[c->id];
	u64 now = machine_clock_ns();
	u32 old = atomic_load(&g->state_mask), mask = 0;
	u64 start = atomic_load(&g->state_start);

	g->tasks[NR_RUNNING] = psi_running > 0 || in_memstall;
	g->tasks[NR_MEMSTALL] = in_memstall;
	g->tasks[NR_MEMSTALL_RUNNING] = in_memstall;
	for (int s = 0; s < NR_PSI_STATES; s++)
		if (test_state(g->tasks, (enum psi_states)s))
			mask |= 1U << s;
	atomic_fetch_add(&g->seq, 1);
	for (int s = 0; s < NR_PSI_STATES; s++)
		if (old & (1U << s))
			atomic_fetch_add(&g->times[s], (u32)(now - start));
	atomic_store(&g->state_start, now);
	atomic_store(&g->state_mask, mask);
	atomic_fetch_add(&g->seq, 1);
	if ((mask & (1U << PSI_NONIDLE)) && !delayed_work_pending(&psi_system.avgs_work))
		queue_delayed_work(system_wq, &psi_system.avgs_work, PSI_FREQ);
}

void psi_memstall_enter(unsigned long *flags)
{
	*flags = in_memstall;
	if (*flags || !this_cpu())
		return;
	in_memstall = true;
	psi_group_change(this_cpu());
}

void psi_memstall_leave(unsigned long *flags)
{
	if (*flags || !this_cpu() || !in_memstall)
		return;
	in_memstall = false;
	psi_group_change(this_cpu());
}

void psi_task_running(bool running)
{
	if (!this_cpu())
		return;
	psi_running += running ? 1 : -1;
	if (psi_running == (running ? 1 : 0))
		psi_group_change(this_cpu());
}

/* ------------------------------------------------------ averaging -- */

/* Linux get_recent_times: cpu's time per state since the last fold,
 * including the state it is in now.  Returns whether it was non-idle.
 * Caller holds psi_avgs_lock. */
static bool get_recent_times(int cpu, u64 now, u32 *times)
{
	struct psi_group_cpu *g = &psi_cpus[cpu];
	unsigned int seq;
	u32 mask;
	u64 start;

	do {
		while ((seq = atomic_load(&g->seq)) & 1)
			; /* the owner is mid-update: a few stores */
		for (int s = 0; s < NR_PSI_STATES; s++)
			times[s] = atomic_load(&g->times[s]);
		mask = atomic_load(&g->state_mask);
		start = atomic_load(&g->state_start);
	} while (atomic_load(&g->seq) != seq);
	for (int s = 0; s < NR_PSI_STATES; s++) {
		u32 delta;

		if (mask & (1U << s))
			times[s] += (u32)(now - start);
		delta = times[s] - g->times_prev[s];
		g->times_prev[s] = times[s];
		times[s] = delta;
	}
	return times[PSI_NONIDLE] != 0;
}

/* Linux collect_percpu_times: fold every CPU's growth into the totals,
 * each CPU weighted by its non-idle jiffies.  Returns whether any CPU was
 * non-idle (the work then keeps running).  Caller holds psi_avgs_lock. */
static bool collect_percpu_times(u64 now)
{
	u64 deltas[NR_PSI_STATES - 1] = { 0 };
	unsigned long nonidle_total = 0;
	bool busy = false;

	for (int cpu = 0; cpu < mmk->nr_cpus; cpu++) {
		u32 times[NR_PSI_STATES];
		unsigned long nonidle;

		busy |= get_recent_times(cpu, now, times);
		nonidle = times[PSI_NONIDLE] / NSEC_PER_JIFFY; /* nsecs_to_jiffies */
		nonidle_total += nonidle;
		for (int s = 0; s < PSI_NONIDLE; s++)
			deltas[s] += (u64)times[s] * nonidle;
	}
	for (int s = 0; s < NR_PSI_STATES - 1; s++)
		psi_system.total[s] += deltas[s] / max(nonidle_total, 1UL);
	return busy;
}

/* Linux update_averages: one sample per period, the periods missed while
 * the work slept decayed as empty.  Returns the next update time.  Caller
 * holds psi_avgs_lock. */
static u64 update_averages(u64 now)
{
	struct psi_group *g = &psi_system;
	u64 expires = g->avg_next_update, period, next;
	unsigned long missed_periods = 0;

	if (now - expires >= PSI_PERIOD)
		missed_periods = (unsigned long)((now - expires) / PSI_PERIOD);
	next = expires + (1 + missed_periods) * PSI_PERIOD;
	period = now - (g->avg_last_update + missed_periods * PSI_PERIOD);
	g->avg_last_update = now;
	for (int s = 0; s < NR_PSI_STATES - 1; s++) {
		u32 sample = (u32)(g->total[s] - g->avg_total[s]);

		if (sample > period) /* overage: reported in the next period */
			sample = (u32)period;
		g->avg_total[s] += sample;
		psi_calc_avgs(g->avg[s], missed_periods, sample, period);
	}
	return next;
}

/* Linux psi_avgs_work: fold and average every period while a CPU is busy;
 * stop when all are idle (the next change re-arms it). */
static void psi_avgs_work(struct work_struct *work)
{
	u64 now;
	bool busy;

	(void)work;
	spin_lock(&psi_avgs_lock);
	now = machine_clock_ns();
	busy = collect_percpu_times(now);
	if (now >= psi_system.avg_next_update)
		psi_system.avg_next_update = update_averages(now);
	spin_unlock(&psi_avgs_lock);
	if (busy)
		queue_delayed_work(
			system_wq, &psi_system.avgs_work,
			(unsigned long)((psi_system.avg_next_update - now) / NSEC_PER_JIFFY) + 1);
}

int psi_show(FILE *out)
{
	u64 now;

	spin_lock(&psi_avgs_lock);
	now = machine_clock_ns();
	collect_percpu_times(now);
	if (now >= psi_system.avg_next_update)
		psi_system.avg_next_update = update_averages(now);
	for (int full = 0; full < 2; full++) {
		const unsigned long *avg = psi_system.avg[full];

		fprintf(out, "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n",
			full ? "full" : "some", LOAD_INT(avg[0]), LOAD_FRAC(avg[0]),
			LOAD_INT(avg[1]), LOAD_FRAC(avg[1]), LOAD_INT(avg[2]), LOAD_FRAC(avg[2]),
			(unsigned long long)(psi_system.total[full] / NSEC_PER_USEC));
	}
	spin_unlock(&psi_avgs_lock);
	return 0;
}

/* Boot: the clock restarts at 0, so does every bucket (Linux group_init). */
static int psi_init(void)
{
	memset(psi_cpus, 0, sizeof(psi_cpus));
	memset(psi_system.total, 0, sizeof(psi_system.total));
	memset(psi_system.avg_total, 0, sizeof(psi_system.avg_total));
	memset(psi_system.avg, 0, sizeof(psi_system.avg));
	psi_system.avg_last_update = machine_clock_ns();
	psi_system.avg_next_update = psi_system.avg_last_update + PSI_PERIOD;
	INIT_DELAYED_WORK(&psi_system.avgs_work, psi_avgs_work);
	return 0;
}

static void psi_exit(void) { cancel_delayed_work_sync(&psi_system.avgs_work); }
mmk_initcall(INIT_MM + 7, psi_init, psi_exit);
