/*
 * psi.h - pressure stall information for memory (mm/psi.c; Linux
 * include/linux/psi.h, kernel/sched/psi.c, the fixed-point load averages of
 * include/linux/sched/loadavg.h).  /proc/pressure/memory reads it.
 */
#ifndef MMKIT_PSI_H
#define MMKIT_PSI_H

#include <stdio.h>
#include "mmkit/compiler.h"
#include "mmkit/timer.h"

/* Linux's fixed-point averages: 11 fractional bits. */
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_INT(x) ((x) >> FSHIFT)
#define LOAD_FRAC(x) LOAD_INT(((x) & (FIXED_1 - 1)) * 100)

/* PSI's sampling period and decay factors (kernel/sched/psi.c). */
#define PSI_FREQ (2 * HZ + 1) /* jiffies: 2 s intervals */
#define EXP_10s 1677	      /* 1/exp(2s/10s) as fixed-point */
#define EXP_60s 1981	      /* 1/exp(2s/60s) */
#define EXP_300s 2034	      /* 1/exp(2s/300s) */

/* One step of an exponentially decayed average (Linux calc_load): load
 * decays by exp, active (fixed-point) fills the rest; rounded up while
 * rising. */
unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active);
/* n steps at once with the same active value (Linux calc_load_n, through
 * fixed_power_int). */
unsigned long calc_load_n(unsigned long load, unsigned long exp, unsigned long active,
			  unsigned int n);
/* Linux calc_avgs: decay avg[10s, 60s, 300s] through missed_periods empty
 * periods, then fold in a sample of time ns stalled out of period ns. */
void psi_calc_avgs(unsigned long avg[3], unsigned long missed_periods, u64 time, u64 period);

/* Enter/leave a memory stall (Linux psi_memstall_enter/leave): the calling
 * CPU thread is stalled on memory until the matching leave.  Nests: *flags
 * records whether the thread was already stalled, and the inner pair does
 * nothing.  Any context on a CPU thread (a no-op elsewhere); takes
 * timer_lock when it arms the averaging work. */
void psi_memstall_enter(unsigned long *flags);
void psi_memstall_leave(unsigned long *flags);

/* The CPU thread starts (running true) or stops running work for a task:
 * a scenario command of a process, kswapd's turn.  Nests.  Any context on a
 * CPU thread (a no-op elsewhere). */
void psi_task_running(bool running);

/* /proc/pressure/memory: the "some" and "full" lines of Linux psi_show.
 * Takes psi_avgs_lock.  Returns 0. */
int psi_show(FILE *out);

#endif
