/*
 * clock.c - the simulated clock hardware (include/mmkit/clocksource.h): a
 * nanosecond counter that starts at 0 at boot and moves only when simulated
 * work or a scenario's `sleep` moves it.  Kernel time (jiffies, timers,
 * delayed work) is built on it in kernel/time/timer.c.
 */
#include "mmkit/clocksource.h"
#include "mmkit/machine.h"

static _Atomic u64 clock_ns;

u64 machine_clock_ns(void) { return atomic_load_explicit(&clock_ns, memory_order_acquire); }

void machine_clock_advance(u64 ns)
{
	atomic_fetch_add_explicit(&clock_ns, ns, memory_order_acq_rel);
}

static int clock_init(void)
{
	atomic_store(&clock_ns, 0);
	return 0;
}

static void clock_exit(void) { atomic_store(&clock_ns, 0); }
mmk_initcall(INIT_PAGE_ALLOC - 5, clock_init, clock_exit);
