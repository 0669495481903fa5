/*
 * oom_kill.c - the OOM killer (Linux mm/oom_kill.c, 6.18).
 *
 * When the page allocator's reclaim makes no progress for an order the OOM
 * killer can help (<= PAGE_ALLOC_COSTLY_ORDER, no __GFP_NORETRY or
 * __GFP_RETRY_MAYFAIL), __alloc_pages_may_oom calls out_of_memory() under
 * oom_lock.  It picks the thread group with the highest oom_badness() -
 * rss + swap entries + page-table pages, plus oom_score_adj * totalpages /
 * 1000 - skipping kernel threads, init (pid 1) and oom_score_adj -1000;
 * a victim still dying stops the search (the allocator waits for it).  The
 * report goes to dmesg line for line as Linux prints it (dump_header: the
 * "invoked oom-killer" line, the stack, Mem-Info, the tasks table; the
 * oom-kill: summary; "Out of memory: Killed process ..."), the victim's
 * group gets SIGKILL (signal->flags SIGNAL_GROUP_EXIT, fatal_signal_pending)
 * and is marked (signal->oom_mm: tsk_is_oom_victim, which lets it use the
 * reserves, ALLOC_OOM), vmstat counts oom_kill, and its mm is queued for
 * the OOM reaper.
 *
 * The reaper (Linux's oom_reaper kthread, which waits OOM_REAPER_DELAY for
 * the victim to exit by itself) runs here when the allocator sleeps after a
 * kill (oom_reaper_run, Linux's schedule_timeout_uninterruptible): mmkit's
 * tasks run only when a command or test drives them, so a victim that is
 * not the allocating task would never exit while the allocation waits.  It
 * takes the victim's mmap_lock with a trylock, unmaps every private VMA
 * (not hugetlb or VM_PFNMAP), sets MMF_OOM_SKIP and prints "oom_reaper:
 * reaped process ...".  A busy mm is retried at the next turn, and given up
 * after 10 ("oom_reaper: unable to reap pid").  The victim itself exits
 * where it next runs: the scenario runner ends every group with a fatal
 * signal pending after each command, and a fault of the victim ends in
 * SIGKILL (arch/x86/mm_fault.c).
 *
 * Where it differs from Linux: no memory cgroups or cpusets
 * (CONSTRAINT_NONE; the summary line shows the root cgroup), no panic when
 * nothing is killable (the report, then "Out of memory and no killable
 * processes...", and the allocation fails; the report only the first time
 * until a victim is found again, where Linux would have stopped at the
 * first: a flood of reports, one per failing request, is no use and
 * costs seconds), no vm.panic_on_oom or
 * oom_kill_allocating_task, and the counters are read exact (Linux reads
 * the folded part of rss).  The stack dump shows mmkit's call chain of the
 * OOM path, not a backtrace.
 *
 * Locks: oom_lock (trylock, held by __alloc_pages_may_oom) -> tasklist_lock
 * (every walk of the tasks) -> sig->siglock; the reaper runs without
 * oom_lock and takes the victim's mmap_lock by trylock, then the locks of a
 * zap.
 */
#include <limits.h>
#include <string.h>
#include "mm/page_alloc_internal.h"
#include "mmkit/memory.h"
#include "mmkit/mm_vma.h"
#include "mmkit/oom.h"
#include "mmkit/swap.h"
#include "mmkit/uproc.h"
#include "mmkit/vmstat.h"

#define K(x) ((x) << (PAGE_SHIFT - 10))
#define MAX_OOM_REAP_RETRIES 10
#define OOM_REAP_QUEUE 64

/* The reaper's queue (Linux oom_reaper_list): each entry holds an
 * mm_count reference (mmgrab) on its mm. */
struct oom_reap_entry {
	struct mm_struct *mm;
	int pid;
	char comm[TASK_COMM_LEN];
	int attempts;
};
static struct oom_reap_entry oom_reap_queue[OOM_REAP_QUEUE];
static int oom_reap_count;
/* References whose drop would be the last (freeing the mm, tearing down an
 * address space) are not dropped where the reaper runs, inside an
 * allocation with its locks held (Linux: mmput_async, mmdrop in the
 * reaper's own thread): they wait here for oom_reaper_release. */
struct oom_deferred {
	struct mm_struct *mm;
	bool put; /* mm_users (mmput), else mm_count */
};
static struct oom_deferred oom_deferred[OOM_REAP_QUEUE];
static int oom_deferred_count;
static DEFINE_SPINLOCK(oom_reaper_lock);

static bool is_global_init(const struct task_struct *p) { return p->tgid == 1; }

/* Linux oom_unkillable_task: init and kernel threads. */
static bool oom_unkillable_task(const struct task_struct *p)
{
	return is_global_init(p) || (p->flags & PF_KTHREAD);
}

static bool mm_flag(const struct mm_struct *mm, unsigned long bit)
{
	return __atomic_load_n(&mm->flags, __ATOMIC_RELAXED) & bit;
}

static void mm_set_flag(struct mm_struct *mm, unsigned long bit)
{
	__atomic_fetch_or(&mm->flags, bit, __ATOMIC_RELAXED);
}

unsigned long oom_totalpages(void)
{
	return totalram_pages() + (unsigned long)READ_ONCE(total_swap_pages);
}

long oom_badness(struct task_struct *p, unsigned long totalpages)
{
	struct mm_struct *mm = READ_ONCE(p->mm);
	long points, adj;

	if (oom_unkillable_task(p) || !mm)
		return LONG_MIN;
	adj = READ_ONCE(p->signal->oom_score_adj);
	if (adj == OOM_SCORE_ADJ_MIN || mm_flag(mm, MMF_OOM_SKIP))
		return LONG_MIN;
	/* the proportion of RAM and swap the group uses */
	points = (long)(get_mm_rss_sum(mm) + get_mm_counter_sum(mm, MM_SWAPENTS) +
			(unsigned long)atomic_load(&mm->pgtables_bytes) / PAGE_SIZE);
	adj *= (long)(totalpages / 1000); /* normalised to oom_score_adj units */
	return points + adj;
}

/* Is t the first task of its thread group on the task list?  The walks
 * count each group once, through it (the leader may have exited first).
 * tasklist_lock held. */
static bool first_of_group(struct task_struct *t)
{
	struct task_struct *first;

	spin_lock(&t->signal->siglock);
	first = list_first_entry(&t->signal->thread_head, struct task_struct, thread_node);
	spin_unlock(&t->signal->siglock);
	return first == t;
}

/* Linux oom_evaluate_task, for each group (tasklist_lock held). */
static int oom_evaluate_task(struct task_struct *t, void *arg)
{
	struct oom_control *oc = arg;
	struct mm_struct *oom_mm;
	long points;

	if (oom_unkillable_task(t) || !first_of_group(t))
		return 0;
	/* a victim still dying: wait for it, unless its memory is gone */
	oom_mm = READ_ONCE(t->signal->oom_mm);
	if (oom_mm) {
		if (mm_flag(oom_mm, MMF_OOM_SKIP))
			return 0;
		oc->chosen = OOM_ABORT;
		return 1;
	}
	points = oom_badness(t, oc->totalpages);
	if (points == LONG_MIN || points < oc->chosen_points)
		return 0;
	oc->chosen = t;
	oc->chosen_points = points;
	oc->chosen_pid = t->pid;
	memcpy(oc->chosen_comm, t->comm, TASK_COMM_LEN);
	return 0;
}

/* Linux select_bad_process: the group with the most points, the later one
 * on a tie (Linux's >=). */
static void select_bad_process(struct oom_control *oc)
{
	oc->chosen = NULL;
	oc->chosen_points = LONG_MIN;
	for_each_process_call(oom_evaluate_task, oc);
}

/* One row of the tasks table (Linux dump_task). */
static int dump_task(struct task_struct *t, void *arg)
{
	struct mm_struct *mm = READ_ONCE(t->mm);

	(void)arg;
	if (oom_unkillable_task(t) || !mm || !first_of_group(t))
		return 0;
	printk("[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s\n", t->pid, 0,
	       t->tgid, READ_ONCE(mm->total_vm), get_mm_rss_sum(mm),
	       get_mm_counter_sum(mm, MM_ANONPAGES), get_mm_counter_sum(mm, MM_FILEPAGES),
	       get_mm_counter_sum(mm, MM_SHMEMPAGES), (long)atomic_load(&mm->pgtables_bytes),
	       get_mm_counter_sum(mm, MM_SWAPENTS), READ_ONCE(t->signal->oom_score_adj), t->comm);
	return 0;
}

/* Linux dump_tasks (vm.oom_dump_tasks = 1, its default). */
static void dump_tasks(void)
{
	printk("Tasks state (memory values in pages):\n");
	printk("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n");
	for_each_process_call(dump_task, NULL);
}

/* Linux dump_stack for the OOM path: the CPU line, then the call chain
 * (mmkit prints the functions of its own OOM path, without offsets). */
static void dump_stack_oom(bool fault)
{
	struct task_struct *t = current;
	struct cpu *c = this_cpu();

	printk("CPU: %d UID: 0 PID: %d Comm: %s Not tainted 6.18.44-mmkit #1 PREEMPT(none) \n",
	       c ? c->id : 0, t ? t->pid : 0, t ? t->comm : "swapper/0");
	printk("Call Trace:\n");
	printk(" <TASK>\n");
	printk(" dump_stack_lvl\n");
	printk(" dump_header\n");
	printk(" oom_kill_process\n");
	printk(" out_of_memory\n");
	printk(" __alloc_pages_slowpath\n");
	printk(" __alloc_pages_noprof\n");
	if (fault) {
		printk(" handle_mm_fault\n");
		printk(" exc_page_fault\n");
	}
	printk(" </TASK>\n");
}

/* Linux dump_header: the request, the stack, Mem-Info, the tasks. */
static void dump_header(struct oom_control *oc)
{
	struct task_struct *t = this_cpu() ? current : NULL;
	short adj = t && t->signal ? READ_ONCE(t->signal->oom_score_adj) : 0;
	char mode[256];

	format_gfp(mode, sizeof(mode), oc->gfp_mask);
	printk("%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%hd\n",
	       t ? t->comm : current_comm(), oc->gfp_mask, mode, oc->order, adj);
	if (oc->order)
		printk("COMPACTION is disabled!!!\n");
	dump_stack_oom(t && t->mm);
	show_free_areas();
	dump_tasks();
}

/* Linux dump_oom_victim: the one-line summary (cpuset and memcg: the root). */
static void dump_oom_victim(struct oom_control *oc)
{
	printk("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
	       "global_oom,task_memcg=/,task=%s,pid=%d,uid=%d\n",
	       oc->chosen_comm, oc->chosen_pid, 0);
}

/* Queue mm for the reaper (Linux queue_oom_reaper): takes an mm_count
 * reference.  A full queue leaves the victim to its own exit. */
static void queue_oom_reaper(struct mm_struct *mm, int pid, const char *comm)
{
	struct oom_reap_entry *e;

	if (__atomic_fetch_or(&mm->flags, MMF_OOM_REAP_QUEUED, __ATOMIC_RELAXED) &
	    MMF_OOM_REAP_QUEUED)
		return;
	spin_lock(&oom_reaper_lock);
	if (oom_reap_count < OOM_REAP_QUEUE) {
		e = &oom_reap_queue[oom_reap_count++];
		mmgrab(mm);
		e->mm = mm;
		e->pid = pid;
		memcpy(e->comm, comm, TASK_COMM_LEN);
		e->attempts = 0;
	}
	spin_unlock(&oom_reaper_lock);
}

/* Linux mark_oom_victim: the group's oom_mm (an mm_count reference, dropped
 * with the signal_struct).  tasklist_lock held. */
static void mark_oom_victim(struct task_struct *t, struct mm_struct *mm)
{
	if (t->signal->oom_mm)
		return;
	mmgrab(mm);
	WRITE_ONCE(t->signal->oom_mm, mm);
	mm_set_flag(mm, MMF_OOM_VICTIM);
}

/* SIGKILL to t's thread group (Linux do_send_sig_info(SIGKILL, ...,
 * PIDTYPE_TGID)): the group exits where it next runs. */
static void send_sigkill(struct task_struct *t)
{
	__atomic_fetch_or(&t->signal->flags, SIGNAL_GROUP_EXIT, __ATOMIC_RELAXED);
}

struct kill_args {
	struct oom_control *oc;
	struct mm_struct *mm; /* the victim's, pinned (mm_count) */
	int tgid;
	bool found, shared_init;
};

/* The victim, if it still exists: mark it, kill it, report it. */
static int kill_victim(struct task_struct *t, void *arg)
{
	struct kill_args *a = arg;
	struct mm_struct *mm = READ_ONCE(t->mm);

	if (t != a->oc->chosen || t->pid != a->oc->chosen_pid || !mm)
		return 0;
	a->found = true;
	a->mm = mm;
	a->tgid = t->tgid;
	mmgrab(mm);
	if (this_cpu())
		count_vm_event(OOM_KILL);
	send_sigkill(t);
	mark_oom_victim(t, mm);
	printk("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd\n",
	       t->pid, t->comm, K(READ_ONCE(mm->total_vm)), K(get_mm_counter_sum(mm, MM_ANONPAGES)),
	       K(get_mm_counter_sum(mm, MM_FILEPAGES)), K(get_mm_counter_sum(mm, MM_SHMEMPAGES)),
	       0U, (unsigned long)atomic_load(&mm->pgtables_bytes) >> 10,
	       READ_ONCE(t->signal->oom_score_adj));
	return 1;
}

/* Every other group sharing the victim's mm dies too (Linux
 * __oom_kill_process); init keeps it, and then the mm is not reaped. */
static int kill_sharers(struct task_struct *t, void *arg)
{
	struct kill_args *a = arg;

	if (READ_ONCE(t->mm) != a->mm || t->tgid == a->tgid || !first_of_group(t))
		return 0;
	if (is_global_init(t)) {
		a->shared_init = true;
		mm_set_flag(a->mm, MMF_OOM_SKIP);
		printk("oom killer %d (%s) has mm pinned by %d (%s)\n", a->oc->chosen_pid,
		       a->oc->chosen_comm, t->pid, t->comm);
		return 0;
	}
	if (!(t->flags & PF_KTHREAD))
		send_sigkill(t);
	return 0;
}

/* Linux oom_kill_process + __oom_kill_process. */
static void oom_kill_process(struct oom_control *oc)
{
	struct kill_args a = { .oc = oc };

	dump_header(oc);
	dump_oom_victim(oc);
	for_each_thread_call(kill_victim, &a);
	if (!a.found) {
		printk("Out of memory: OOM victim %d (%s) is already exiting. Skip killing the task\n",
		       oc->chosen_pid, oc->chosen_comm);
		return;
	}
	for_each_thread_call(kill_sharers, &a);
	uproc_wake_fatal(); /* a real program's victim may sleep in a system call */
	if (!a.shared_init)
		queue_oom_reaper(a.mm, oc->chosen_pid, oc->chosen_comm);
	mmdrop(a.mm);
}

/* Linux task_will_free_mem(current): it is being killed and its mm is its
 * group's alone, so letting it have the reserves frees memory soon. */
static bool task_will_free_mem(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (!mm || !fatal_signal_pending(t) || mm_flag(mm, MMF_OOM_SKIP))
		return false;
	return atomic_load(&mm->mm_users) <= task_thread_count(t);
}

static int mark_current(struct task_struct *t, void *arg)
{
	(void)arg;
	if (t != current)
		return 0;
	mark_oom_victim(t, t->mm);
	return 1;
}

/* The nothing-killable report was printed (since boot or the last victim). */
static _Atomic bool oom_none_reported;

bool out_of_memory(struct oom_control *oc)
{
	struct task_struct *t = this_cpu() ? current : NULL;

	/* current is being killed: let it use the reserves and exit */
	if (t && task_will_free_mem(t)) {
		for_each_thread_call(mark_current, NULL);
		queue_oom_reaper(t->mm, t->tgid, t->comm);
		return true;
	}
	/* the OOM killer does not compensate for IO-less reclaim */
	if (!(oc->gfp_mask & __GFP_FS))
		return true;
	oc->constraint = CONSTRAINT_NONE;
	oc->totalpages = oom_totalpages();
	select_bad_process(oc);
	if (!oc->chosen) {
		if (!atomic_exchange(&oom_none_reported, true))
			dump_header(oc);
		printk("Out of memory and no killable processes...\n");
		/* Linux panics ("System is deadlocked on memory"); mmkit fails
		 * the allocation and goes on */
		return false;
	}
	atomic_store(&oom_none_reported, false);
	if (oc->chosen != OOM_ABORT)
		oom_kill_process(oc);
	return true;
}

/* Drop one reference from *ref unless it is the last: true if dropped. */
static bool ref_dec_not_last(_Atomic int *ref)
{
	int c = atomic_load(ref);

	while (c > 1)
		if (atomic_compare_exchange_weak(ref, &c, c - 1))
			return true;
	return false;
}

/* mmput or mmdrop from the reaper: now if it is not the last, else later. */
static void oom_release(struct mm_struct *mm, bool put)
{
	if (ref_dec_not_last(put ? &mm->mm_users : &mm->mm_count))
		return;
	spin_lock(&oom_reaper_lock);
	if (oom_deferred_count < OOM_REAP_QUEUE) {
		oom_deferred[oom_deferred_count++] = (struct oom_deferred){ mm, put };
		mm = NULL;
	}
	spin_unlock(&oom_reaper_lock);
	if (mm) { /* no room: the caller's locks must do */
		if (put)
			mmput(mm);
		else
			mmdrop(mm);
	}
}

void oom_reaper_release(void)
{
	struct oom_deferred d;

	for (;;) {
		spin_lock(&oom_reaper_lock);
		if (!oom_deferred_count) {
			spin_unlock(&oom_reaper_lock);
			return;
		}
		d = oom_deferred[--oom_deferred_count];
		spin_unlock(&oom_reaper_lock);
		if (d.put)
			mmput(d.mm);
		else
			mmdrop(d.mm);
	}
}

/* Linux __oom_reap_task_mm: unmap every private VMA's pages. */
static void __oom_reap_task_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	mm_set_flag(mm, MMF_UNSTABLE);
	for_each_vma(mm, vma) {
		if (vma->vm_flags & (VM_HUGETLB | VM_PFNMAP))
			continue;
		if (vma_is_anonymous(vma) || !(vma->vm_flags & VM_SHARED))
			zap_page_range_single(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	}
}

/* Linux oom_reap_task_mm: true when done with the mm (reaped, or nothing
 * left to reap), false when its mmap_lock was busy. */
static bool oom_reap_task_mm(struct oom_reap_entry *e)
{
	struct mm_struct *mm = e->mm;

	if (!mmget_not_zero(mm))
		return true; /* exit_mmap has it */
	if (!mmap_read_trylock(mm)) {
		oom_release(mm, true);
		return false;
	}
	if (!mm_flag(mm, MMF_OOM_SKIP)) {
		__oom_reap_task_mm(mm);
		printk("oom_reaper: reaped process %d (%s), now anon-rss:%lukB, file-rss:%lukB, "
		       "shmem-rss:%lukB\n",
		       e->pid, e->comm, K(get_mm_counter_sum(mm, MM_ANONPAGES)),
		       K(get_mm_counter_sum(mm, MM_FILEPAGES)),
		       K(get_mm_counter_sum(mm, MM_SHMEMPAGES)));
	}
	mmap_read_unlock(mm);
	oom_release(mm, true);
	return true;
}

/* Put e back at the end of the queue; false if there is no room. */
static bool oom_requeue(const struct oom_reap_entry *e)
{
	bool ok;

	spin_lock(&oom_reaper_lock);
	ok = oom_reap_count < OOM_REAP_QUEUE;
	if (ok)
		oom_reap_queue[oom_reap_count++] = *e;
	spin_unlock(&oom_reaper_lock);
	return ok;
}

void oom_reaper_run(void)
{
	struct oom_reap_entry e;
	int n;

	spin_lock(&oom_reaper_lock);
	n = oom_reap_count; /* each entry once per turn */
	spin_unlock(&oom_reaper_lock);
	while (n-- > 0) {
		spin_lock(&oom_reaper_lock);
		if (!oom_reap_count) {
			spin_unlock(&oom_reaper_lock);
			return;
		}
		e = oom_reap_queue[0];
		memmove(&oom_reap_queue[0], &oom_reap_queue[1],
			(size_t)(--oom_reap_count) * sizeof(e));
		spin_unlock(&oom_reaper_lock);
		/* the allocating task's own mm (its lock may be held here):
		 * left queued for a reaper turn of another task, in case the
		 * victim does not exit first */
		if (this_cpu() && current && current->mm == e.mm) {
			if (!oom_requeue(&e))
				oom_release(e.mm, false);
			continue;
		}
		if (!oom_reap_task_mm(&e)) {
			if (++e.attempts < MAX_OOM_REAP_RETRIES && oom_requeue(&e))
				continue; /* busy: the next turn tries again */
			printk("oom_reaper: unable to reap pid:%d (%s)\n", e.pid, e.comm);
		}
		/* done with it: hide it from the OOM killer (Linux oom_reap_task) */
		mm_set_flag(e.mm, MMF_OOM_SKIP);
		oom_release(e.mm, false);
	}
}

void pagefault_out_of_memory(void)
{
	if (fatal_signal_pending(current))
		return;
	printk("Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF\n");
}

/* Shutdown: the queue's references go. */
static int oom_init(void)
{
	atomic_store(&oom_none_reported, false);
	return 0;
}

static void oom_exit(void)
{
	struct mm_struct *mm;

	oom_reaper_release();
	for (;;) {
		spin_lock(&oom_reaper_lock);
		mm = oom_reap_count ? oom_reap_queue[--oom_reap_count].mm : NULL;
		spin_unlock(&oom_reaper_lock);
		if (!mm)
			break;
		mmdrop(mm);
	}
}
mmk_initcall(INIT_MM + 4, oom_init, oom_exit);
