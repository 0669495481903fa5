/*
 * machine.h - the simulated machine: RAM, CPUs, configuration, boot.
 *
 * RAM is one host mapping of a memfd (so frames can be aliased later, e.g. a
 * vmalloc window), cut into 4 KiB frames; frame N is at host address
 * mmk->ram + N * PAGE_SIZE.  Each simulated CPU is a host thread with its own
 * per-CPU data (CR3, CR2, TLB, page lists, current task).  The thread that
 * calls machine_boot() becomes CPU 0, the boot CPU, as on a PC; CPUs 1..n-1
 * are started as host threads that wait for work.  cpu_call() runs a function
 * on a chosen CPU and waits for it; smp_call_function_many() is the IPI.
 *
 * One machine is live per process at a time (the kernel is a singleton on its
 * machine): subsystems reach it through the global `mmk`.  With cpus=1 every
 * run is deterministic; the seed drives every random choice.
 *
 * Boot runs the registered initcalls in level order; shutdown runs their exit
 * functions in reverse.  Every subsystem registers itself with mmk_initcall().
 */
#ifndef MMKIT_MACHINE_H
#define MMKIT_MACHINE_H

#include <pthread.h>
#include <stdio.h>
#include "mmkit/compiler.h"

/* Frames: RAM is cut into 4 KiB frames (the x86 base page size). */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#include "mmkit/spinlock.h"
#include "mmkit/tlb.h"

#define MMK_MIN_RAM (1ULL << 20)
#define MMK_MAX_RAM (64ULL << 30)
#define MMK_MAX_CPUS 64

struct machine_config {
	u64 ram_bytes; /* 1 MiB .. 64 GiB, a multiple of PAGE_SIZE */
	int cpus;      /* 1 .. 64 */
	int levels;    /* paging mode: 2 (i386), 3 (PAE), 4 (x86-64), 5 (LA57) */
	u64 seed;
	unsigned long min_free_kbytes; /* 0 = derive as Linux does */
	/* CPU and platform features; the defaults are the reference host's
	 * (a KVM guest whose CPU lacks pdpe1gb; docs/ARCHITECTURE.md). */
	bool gbpages; /* X86_FEATURE_GBPAGES (pdpe1gb): 1 GiB direct-map pages */
	bool pvclock; /* a kvm-clock pvclock page, mapped in [vvar_vclock] */
	/* Kernel: the shared zero page is forbidden (mm_forbids_zeropage,
	 * include/mmkit/memory.h), as on a kernel booted with a no-zero-page
	 * parameter; off (the zero page used) on the reference host. */
	bool no_zero_page;
};
#define MACHINE_CONFIG_DEFAULT                                                               \
	{                                                                                    \
		.ram_bytes = 64ULL << 20, .cpus = 1, .levels = 4, .seed = 1, .pvclock = true \
	}

/* Returns 0, or -EINVAL with a message naming the offending field in *why. */
int machine_config_check(const struct machine_config *cfg, const char **why);

struct task_struct;
struct mm_struct;

typedef void (*smp_call_func_t)(void *info);

/* Per-CPU event counter slots the kernel names (enum vm_event_item). */
#define CPU_EVENT_SLOTS 160

/* Per-CPU data.  Fields are owned by the CPU's own thread unless marked. */
struct cpu {
	int id;
	/* --- owned by this CPU --- */
	struct tlb tlb;		     /* arch/x86/tlb.c */
	phys_addr_t cr3;	     /* physical address of the top-level table */
	unsigned long cr2;	     /* last page-fault linear address */
	bool cr0_wp;		     /* supervisor writes honour R/W (Linux: always 1) */
	bool cr4_pge;		     /* global pages enabled */
	struct task_struct *current; /* running task, NULL = idle */
	struct mm_struct *loaded_mm; /* cpu_tlbstate.loaded_mm: whose tables CR3 holds */
	/* per-CPU event counters, named by the kernel (include/mmkit/vmstat.h); read racily by
	 * /proc/vmstat */
	unsigned long vm_events[CPU_EVENT_SLOTS];
	u64 rng; /* per-CPU xorshift state, from the machine seed */
	/* An engine that executes user code on this CPU (arch/x86/unicorn_cpu.c):
	 * every local TLB flush also flushes it, and raising the interrupt line
	 * (an IPI) kicks it out of guest code.  Set by the CPU's own thread. */
	void *engine;
	void (*engine_tlb_flush)(struct cpu *c); /* on this CPU's thread */
	void (*engine_kick)(struct cpu *c);	 /* from any thread, under ipi_lock */

	/* --- IPI mailbox: written by other CPUs, guarded by ipi_lock --- */
	pthread_mutex_t ipi_lock;
	pthread_cond_t ipi_cond;
	_Atomic int ipi_pending; /* checked at interrupt points and while waiting */
	/* the CPU thread's mmk_tlb_table, NULL when no thread runs the CPU: an IPI sender points
	 * it at tlb_trap_table (under ipi_lock) */
	struct tlb_entry **tlb_table;
	smp_call_func_t ipi_func[MMK_MAX_CPUS]; /* one slot per sender */
	void *ipi_info[MMK_MAX_CPUS];
	bool ipi_irqsafe[MMK_MAX_CPUS];
	_Atomic int ipi_done[MMK_MAX_CPUS];

	/* --- work handoff (cpu_call), guarded by ipi_lock --- */
	smp_call_func_t work_func;
	void *work_info;
	_Atomic int work_done;
	struct cpu *work_waiter; /* CPU to wake when work is done (NULL: a non-CPU thread) */
	bool stop;
	pthread_t thread;
} __attribute__((aligned(64)));

struct page;
struct machine {
	struct machine_config cfg;
	u8 *ram; /* host mapping of all RAM */
	int memfd;
	unsigned long max_pfn; /* number of frames */
	/* one struct page per frame, set by the kernel at boot (mm/mm_init.c alloc_node_mem_map):
	 * host memory, like Linux's vmemmap not carved from RAM; machine/ never looks inside */
	struct page *mem_map;
	int nr_cpus;
	struct cpu *cpus;
	bool booted;
	FILE *log; /* where printk echoes: stderr by default */
};

extern struct machine *mmk;
extern __thread struct cpu *mmk_this_cpu;
/*
 * The interrupt line of the access fast path.  Each CPU thread reaches its
 * TLB through mmk_tlb_table[mmu_idx]: normally its own cpu->tlb.e[mmu_idx],
 * but an IPI sender, after posting the IPI, points it at tlb_trap_table,
 * whose entries never match.  The CPU's next access then misses, and the
 * slow path (cpu_handle_ipis) points it back and serves the IPI: every
 * access stays an interrupt point without a poll on the hit path.
 */
extern __thread struct tlb_entry *mmk_tlb_table[NB_MMU_MODES]
	__attribute__((tls_model("initial-exec")));
extern const struct tlb_entry tlb_trap_table[TLB_SIZE];

static __always_inline struct cpu *this_cpu(void) { return mmk_this_cpu; }
static __always_inline int smp_processor_id(void) { return mmk_this_cpu->id; }
static __always_inline struct cpu *cpu_of(int id) { return &mmk->cpus[id]; }

/* Boot a machine; the caller's thread becomes CPU 0.  Returns 0 or -errno
 * (-EINVAL for a bad config, with *why naming the field; -ENOMEM from the host). */
int machine_boot(const struct machine_config *cfg, const char **why);
/* Run every exit call, stop the CPU threads and release the host memory. */
void machine_shutdown(void);

/* Run fn(info) on CPU `cpu` and wait for it to return.  Runs inline when the
 * caller already is that CPU.  The waiting CPU keeps serving IPIs. */
void cpu_call(int cpu, smp_call_func_t fn, void *info);
/* Every thread of the process executes a full memory barrier before this
 * returns (the host's membarrier(2), MEMBARRIER_CMD_GLOBAL): the remote
 * half of a fence whose local half is a compiler barrier, for a caller
 * that is no CPU and so cannot send IPIs.  False if the host has none. */
bool machine_membarrier(void);
/* Start fn(info) on CPU `cpu` without waiting; cpu_call_wait() waits. */
void cpu_call_async(int cpu, smp_call_func_t fn, void *info);
void cpu_call_wait(int cpu);

/* IPI: run fn(info) on every CPU in mask (bit n = CPU n) except the caller,
 * and, if wait, return only when all have run it.  Targets run it at their
 * next interrupt point: the MMU access path, the idle loop, or while waiting
 * in cpu_call/smp_call_function_many themselves. */
void smp_call_function_many(u64 mask, smp_call_func_t fn, void *info, bool wait);
/* The same for a function that may run at any interrupt point, including
 * while the target waits for a spinlock (a TLB flush: it touches only the
 * target's TLB).  Other IPIs (per-CPU list drains, slab flushes) are served
 * only where no per-CPU work can be half done: the idle loop, the access
 * path, cpu_call/IPI waits and sleeping-lock (rw_semaphore) waits, because a
 * spinlock may be taken in the middle of per-CPU work.  Always waits. */
void smp_call_function_many_irqsafe(u64 mask, smp_call_func_t fn, void *info);
/* Interrupt point: serve pending IPIs for this CPU (cheap when none). */
void __cpu_handle_ipis(struct cpu *c);
void __cpu_handle_irqsafe_ipis(struct cpu *c);
/* Owner: point mmk_tlb_table back at the CPU's TLB after a sender raised
 * the line; acquire, so the IPI it posted is visible afterwards. */
void __cpu_lower_irq_line(struct cpu *c);
static __always_inline void cpu_handle_ipis(void)
{
	struct cpu *c = this_cpu();
	if (unlikely(__atomic_load_n(&mmk_tlb_table[0], __ATOMIC_RELAXED) == tlb_trap_table ||
		     __atomic_load_n(&mmk_tlb_table[1], __ATOMIC_RELAXED) == tlb_trap_table))
		__cpu_lower_irq_line(c);
	if (unlikely(atomic_load_explicit(&c->ipi_pending, memory_order_acquire)))
		__cpu_handle_ipis(c);
}

/* Interrupt point for irq-safe IPIs only (TLB flushes): kernel code that
 * runs with interrupts enabled in Linux but may hold a spinlock here (a PTE
 * lock in zap_pte_range).  Cheap when none is pending; no-op off-CPU. */
static __always_inline void cpu_handle_irqsafe_ipis(void)
{
	struct cpu *c = this_cpu();

	lockdep_interrupt_point(IPI_IRQSAFE, NULL);
	if (c && unlikely(atomic_load_explicit(&c->ipi_pending, memory_order_acquire)))
		__cpu_handle_irqsafe_ipis(c);
}

/* Deterministic per-CPU random numbers (xorshift64*), seeded from cfg.seed. */
u64 mmk_random(void);

/*
 * Kernel log (dmesg): printk appends to a ring and echoes to mmk->log the
 * messages whose level is below console_loglevel (Linux's console filter).
 * A message may start with a level as in Linux (KERN_INFO "text"); without
 * one it has the default level, KERN_WARNING.  KERN_CONT continues the
 * previous line at its level.
 */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"
#define MESSAGE_LOGLEVEL_DEFAULT 4
#define CONSOLE_LOGLEVEL_SILENT 0  /* nothing reaches the console */
#define CONSOLE_LOGLEVEL_QUIET 4   /* Linux's `quiet`: errors and worse */
#define CONSOLE_LOGLEVEL_DEFAULT 7 /* all but KERN_DEBUG */
#define CONSOLE_LOGLEVEL_MOTORMOUTH 15
__printf(1, 2) void printk(const char *fmt, ...);
/* Set the console level (as `dmesg -n` does); returns the previous one. */
int console_set_loglevel(int level);
/* Does the console (mmk->log) get messages of this level? */
bool console_echoes(int level);
void dmesg_show(FILE *out);
void dmesg_clear(void);
/* The whole log as a malloc'd string (caller frees), for tests. */
char *dmesg_copy(void);

/* Initcalls: boot runs init() by ascending level, shutdown exit() in reverse. */
enum initcall_level {
	INIT_PAGE_ALLOC = 10, /* zones, buddy, per-CPU lists */
	INIT_PAGING = 20,     /* init_mm page tables, direct map, CR3 on every CPU */
	INIT_SLAB = 30,	      /* kmem_cache_init, kmalloc caches */
	INIT_VMALLOC = 40,
	INIT_MM = 50, /* vm_area_cachep, mm_struct cache, tasks */
	INIT_LATE = 90,
};
struct initcall {
	int level;
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	struct initcall *next;
};
void initcall_register(struct initcall *ic);
#define mmk_initcall(lvl, initfn, exitfn)                                           \
	static struct initcall __initcall_##initfn = {                              \
		.level = (lvl), .name = #initfn, .init = (initfn), .exit = (exitfn) \
	};                                                                          \
	__attribute__((constructor)) static void __initcall_reg_##initfn(void)      \
	{                                                                           \
		initcall_register(&__initcall_##initfn);                            \
	}                                                                           \
	extern struct initcall __initcall_##initfn

#endif
