/*
 * clocksource.h - the simulated machine's clock (machine/clock.c): one
 * monotonic nanosecond counter, the hardware behind kernel time (Linux's
 * clocksource: TSC/HPET).  It never reads the host's time: it advances only
 * when the simulation says so (the block layer charges I/O time, `sleep`
 * advances it), so every cpus=1 run sees the same times.  Readers may be any
 * thread; advancing is an atomic add.  Boot resets it to 0.
 */
#ifndef MMKIT_CLOCKSOURCE_H
#define MMKIT_CLOCKSOURCE_H

#include "mmkit/compiler.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

/* Nanoseconds since boot. */
u64 machine_clock_ns(void);
/* Move the clock forward by ns (no timer runs here: kernel/time does that). */
void machine_clock_advance(u64 ns);

#endif
