/*
 * timer.c - timers on the simulated clock (Linux kernel/time/timer.c at the
 * level mmkit needs; include/mmkit/timer.h).
 *
 * One list of armed timers sorted by expiry (a timer armed for the same
 * jiffy as another goes after it), under timer_lock.  run_timers() takes the
 * expired ones off the list one at a time and calls each with no lock held,
 * then runs the work items they queued (kernel/workqueue.c); Linux's timer
 * wheel and per-CPU bases buy scalability mmkit's handful of timers (one
 * flusher per device) does not need.  Callbacks and work run under
 * softirq_sem, taken with a trylock: a thread that finds another running them
 * leaves the job to it, so callbacks never run concurrently and never nest.
 * sim_sleep() advances the clock timer by timer, so a flusher due every 5 s
 * runs six times during a 30 s sleep, each at its own time.
 */
#include "mmkit/machine.h"
#include "mmkit/spinlock.h"
#include "mmkit/timer.h"
#include "mmkit/wait.h"

static DEFINE_SPINLOCK(timer_lock);
static LIST_HEAD(timer_head);
/* Held while callbacks and work items run (softirq/kworker context). */
static DECLARE_RWSEM(softirq_sem);
static struct timer_list *running_timer; /* guarded by timer_lock */

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t), unsigned int flags)
{
	(void)flags;
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->expires = 0;
	WRITE_ONCE(t->pending, false);
}

/* Insert t in expiry order.  Caller holds timer_lock. */
static void enqueue_timer(struct timer_list *t)
{
	struct list_head *pos = timer_head.prev;

	lockdep_assert_held(&timer_lock);
	while (pos != &timer_head &&
	       time_after(list_entry(pos, struct timer_list, entry)->expires, t->expires))
		pos = pos->prev;
	list_add(&t->entry, pos);
	WRITE_ONCE(t->pending, true);
}

static bool detach_if_pending(struct timer_list *t)
{
	if (!t->pending)
		return false;
	list_del_init(&t->entry);
	WRITE_ONCE(t->pending, false);
	return true;
}

bool mod_timer(struct timer_list *t, unsigned long expires)
{
	bool was;

	spin_lock(&timer_lock);
	was = detach_if_pending(t);
	t->expires = expires;
	enqueue_timer(t);
	spin_unlock(&timer_lock);
	return was;
}

bool timer_pending(const struct timer_list *t)
{
	return READ_ONCE(((struct timer_list *)t)->pending);
}

struct timer_del_sync {
	struct timer_list *t;
	bool was; /* a pending timer was taken off the list */
};

/* Detach the timer if pending; done when its callback is not running. */
static bool timer_try_delete(void *arg)
{
	struct timer_del_sync *d = arg;
	bool idle;

	spin_lock(&timer_lock);
	d->was |= detach_if_pending(d->t);
	idle = running_timer != d->t;
	spin_unlock(&timer_lock);
	return idle;
}

/* The callback runs on another thread: wait as a sleeper does. */
static const struct wait_ops timer_sync_wait = { .done = timer_try_delete, .spins = 64 };

bool timer_delete_sync(struct timer_list *t)
{
	struct timer_del_sync d = { .t = t, .was = false };

	if (!timer_try_delete(&d))
		wait_until(&timer_sync_wait, &d, IPI_ALL);
	return d.was;
}

bool next_timer_expiry(unsigned long *expires)
{
	bool any;

	spin_lock(&timer_lock);
	any = !list_empty(&timer_head);
	if (any)
		*expires = list_first_entry(&timer_head, struct timer_list, entry)->expires;
	spin_unlock(&timer_lock);
	return any;
}

/* The first expired timer, taken off the list and marked running; NULL if none. */
static struct timer_list *next_expired(unsigned long now)
{
	struct timer_list *t = NULL;

	spin_lock(&timer_lock);
	running_timer = NULL;
	if (!list_empty(&timer_head)) {
		t = list_first_entry(&timer_head, struct timer_list, entry);
		if (time_after(t->expires, now))
			t = NULL;
		else
			detach_if_pending(t);
	}
	running_timer = t;
	spin_unlock(&timer_lock);
	return t;
}

static bool expire_timers(void)
{
	struct timer_list *t;
	bool ran = false;

	while ((t = next_expired(jiffies)) != NULL) {
		t->function(t);
		ran = true;
	}
	return ran;
}

void run_timers(void)
{
	if (!down_write_trylock(&softirq_sem))
		return;
	do {
		process_pending_work();
	} while (expire_timers());
	up_write(&softirq_sem);
}

void sim_sleep(u64 ns)
{
	u64 end = machine_clock_ns() + ns;

	for (;;) {
		unsigned long next;
		u64 now = machine_clock_ns(), at = end;

		if (next_timer_expiry(&next) && (u64)next * NSEC_PER_JIFFY < end)
			at = max((u64)next * NSEC_PER_JIFFY, now);
		if (at > now)
			machine_clock_advance(at - now);
		run_timers();
		if (at >= end)
			return;
	}
}
