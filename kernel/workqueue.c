/*
 * workqueue.c - work items and delayed work (Linux kernel/workqueue.c at the
 * level mmkit needs; include/mmkit/timer.h).
 *
 * mmkit has no kworker threads: queued work runs in run_timers(), in
 * queueing order, one item at a time, with no lock held but softirq_sem
 * (kernel/time/timer.c), which is where Linux's kworkers would have picked
 * it up.  A delayed work item is a timer that queues the work when it
 * fires.  The list and the pending flags are guarded by work_lock (a leaf).
 */
#include "mmkit/machine.h"
#include "mmkit/spinlock.h"
#include "mmkit/timer.h"
#include "mmkit/wait.h"

static DEFINE_SPINLOCK(work_lock);
static LIST_HEAD(work_head);
static struct work_struct *running_work; /* guarded by work_lock */
static struct workqueue_struct system_wq_struct = { "events" };
struct workqueue_struct *system_wq = &system_wq_struct;

void INIT_WORK(struct work_struct *w, work_func_t fn)
{
	INIT_LIST_HEAD(&w->entry);
	w->func = fn;
	WRITE_ONCE(w->pending, false);
}

static void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dw = container_of(t, struct delayed_work, timer);

	queue_work(system_wq, &dw->work);
}

void INIT_DELAYED_WORK(struct delayed_work *dw, work_func_t fn)
{
	INIT_WORK(&dw->work, fn);
	timer_setup(&dw->timer, delayed_work_timer_fn, 0);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	bool queued = false;

	(void)wq;
	spin_lock(&work_lock);
	if (!w->pending) {
		WRITE_ONCE(w->pending, true);
		list_add_tail(&w->entry, &work_head);
		queued = true;
	}
	spin_unlock(&work_lock);
	return queued;
}

bool delayed_work_pending(const struct delayed_work *dw)
{
	return timer_pending(&dw->timer) || READ_ONCE(((struct delayed_work *)dw)->work.pending);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
	if (delayed_work_pending(dw))
		return false;
	if (!delay)
		return queue_work(wq, &dw->work);
	mod_timer(&dw->timer, jiffies + delay);
	return true;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
	bool was = timer_delete_sync(&dw->timer);

	if (READ_ONCE(dw->work.pending))
		return true; /* already queued: it runs at once anyway */
	if (!delay)
		queue_work(wq, &dw->work);
	else
		mod_timer(&dw->timer, jiffies + delay);
	return was;
}

struct work_cancel {
	struct work_struct *w;
	bool was; /* pending work was taken off the list */
};

/* Take the work off the list if pending; done when it is not running. */
static bool work_try_cancel(void *arg)
{
	struct work_cancel *c = arg;
	bool idle;

	spin_lock(&work_lock);
	if (c->w->pending) {
		list_del_init(&c->w->entry);
		WRITE_ONCE(c->w->pending, false);
		c->was = true;
	}
	idle = running_work != c->w;
	spin_unlock(&work_lock);
	return idle;
}

/* The work runs on another thread: wait as a sleeper does. */
static const struct wait_ops work_cancel_wait = { .done = work_try_cancel, .spins = 64 };

/* Take w off the list; wait while it runs on another thread. */
static bool cancel_work_sync(struct work_struct *w)
{
	struct work_cancel c = { .w = w, .was = false };

	if (!work_try_cancel(&c))
		wait_until(&work_cancel_wait, &c, IPI_ALL);
	return c.was;
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
	bool was = timer_delete_sync(&dw->timer);

	return cancel_work_sync(&dw->work) || was;
}

static struct work_struct *next_work(void)
{
	struct work_struct *w = NULL;

	spin_lock(&work_lock);
	if (!list_empty(&work_head)) {
		w = list_first_entry(&work_head, struct work_struct, entry);
		list_del_init(&w->entry);
		WRITE_ONCE(w->pending, false);
	}
	running_work = w;
	spin_unlock(&work_lock);
	return w;
}

void process_pending_work(void)
{
	struct work_struct *w;

	while ((w = next_work()) != NULL)
		w->func(w);
}
