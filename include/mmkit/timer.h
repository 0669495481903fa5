/*
 * timer.h - kernel time on the simulated clock (kernel/time/timer.c,
 * kernel/workqueue.c; Linux include/linux/jiffies.h, timer.h, workqueue.h).
 *
 * jiffies count HZ ticks of the machine clock (include/mmkit/clocksource.h),
 * HZ 250 as the reference host's CONFIG_HZ.  Time moves only with simulated
 * work (I/O time charged by the block layer) and with `sleep`.  Timers and
 * work items run in "softirq/kworker context": at run_timers(), which the
 * scenario runner calls after every command (Linux runs expired timers at the
 * next tick's irq exit and work items in kworker threads) and which
 * sim_sleep() calls at every timer's expiry while it advances the clock.
 * They run with no lock held, one at a time (a second thread that finds
 * them running leaves them to it), in expiry order (ties: arming order), so
 * cpus=1 runs are deterministic.
 *
 * Locks: timer_lock (a leaf) guards the timer and work lists; callbacks run
 * under softirq_sem only, taken with a trylock.
 */
#ifndef MMKIT_TIMER_H
#define MMKIT_TIMER_H

#include "mmkit/clocksource.h"
#include "mmkit/list.h"

#define HZ 250
#define NSEC_PER_JIFFY (NSEC_PER_SEC / HZ)

/* The tick count (Linux's jiffies variable is read through this macro). */
static inline unsigned long get_jiffies(void)
{
	return (unsigned long)(machine_clock_ns() / NSEC_PER_JIFFY);
}
#define jiffies get_jiffies()
static inline unsigned long msecs_to_jiffies(unsigned long ms) { return (ms * HZ + 999) / 1000; }
static inline unsigned long jiffies_to_msecs(unsigned long j) { return j * 1000 / HZ; }
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
/* Nanoseconds since boot (Linux ktime_get_ns on the machine clock). */
static inline u64 ktime_get_ns(void) { return machine_clock_ns(); }

struct timer_list {
	struct list_head entry; /* on the timer list, by expires */
	unsigned long expires;	/* jiffies */
	void (*function)(struct timer_list *t);
	bool pending; /* guarded by timer_lock */
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t), unsigned int flags);
/* Arm (or re-arm) t to fire at expires.  Returns true if it was pending. */
bool mod_timer(struct timer_list *t, unsigned long expires);
static inline void add_timer(struct timer_list *t) { mod_timer(t, t->expires); }
bool timer_pending(const struct timer_list *t);
/* Disarm t; if its callback runs on another thread, wait for it to end.
 * Must not be called from t's own callback.  True if it was pending. */
bool timer_delete_sync(struct timer_list *t);

/* Run every expired timer and every queued work item (and what they queue
 * in turn).  Caller holds no lock.  A no-op if another thread is running
 * them. */
void run_timers(void);
/* The time of the earliest armed timer in jiffies; false if none. */
bool next_timer_expiry(unsigned long *expires);
/* Advance the clock by ns as a task sleeping that long would see it: each
 * timer that expires meanwhile runs at its own time.  Caller holds no lock. */
void sim_sleep(u64 ns);
/* Charge ns of simulated work (I/O) to the clock; timers run later, at the
 * next run_timers(). */
static inline void sim_clock_charge(u64 ns)
{
	if (ns)
		machine_clock_advance(ns);
}

/* ---- work items (kernel/workqueue.c) ---- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
	struct list_head entry; /* on the work list while pending */
	work_func_t func;
	bool pending; /* guarded by timer_lock */
};
struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
};
/* mmkit has one worker context (no kworker threads): the wq argument names
 * the queue, as in Linux, but every queue shares the list. */
struct workqueue_struct {
	const char *name;
};
extern struct workqueue_struct *system_wq;

void INIT_WORK(struct work_struct *w, work_func_t fn);
void INIT_DELAYED_WORK(struct delayed_work *dw, work_func_t fn);
static inline struct delayed_work *to_delayed_work(struct work_struct *w)
{
	return container_of(w, struct delayed_work, work);
}
/* Queue w (no-op if already pending).  True if it was queued now. */
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
/* Queue dw after delay jiffies (no-op if pending).  True if queued now. */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
/* Queue dw after delay, moving an armed timer.  True if it was pending. */
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
bool delayed_work_pending(const struct delayed_work *dw);
/* Cancel dw and wait for a running instance to finish.  True if it was pending. */
bool cancel_delayed_work_sync(struct delayed_work *dw);
/* Run pending work items now (called by run_timers; the lock is taken
 * there). */
void process_pending_work(void);

#endif
