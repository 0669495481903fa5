/*
 * compiler.h - the small vocabulary every mmkit file uses: likely/unlikely,
 * READ_ONCE/WRITE_ONCE (relaxed C11 atomics, so ThreadSanitizer sees them),
 * container_of, the three tiers of checks (BUG_ON always, VM_WARN_ON in debug
 * builds, whole-structure validators in mm/debug.c), and integer helpers.
 */
#ifndef MMKIT_COMPILER_H
#define MMKIT_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdatomic.h>

typedef int8_t s8;
typedef int32_t s32;
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef u64 phys_addr_t;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __noinline __attribute__((noinline))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __cold __attribute__((cold))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* Shared scalars read or written outside their lock. */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define ALIGN(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define BIT(n) (1UL << (n))

/* Tier 1: cheap, always on.  A broken invariant is a bug in mmkit: stop. */
__cold __attribute__((noreturn)) void mmk_bug(const char *file, int line, const char *cond);
#define BUG_ON(c)                                        \
	do {                                             \
		if (unlikely(c))                         \
			mmk_bug(__FILE__, __LINE__, #c); \
	} while (0)
#define BUG() mmk_bug(__FILE__, __LINE__, "BUG")

/* Tier 2: debug builds only (CONFIG_DEBUG_VM).  Reports and goes on. */
__cold void mmk_warn(const char *file, int line, const char *cond);
#ifdef CONFIG_DEBUG_VM
#define VM_WARN_ON(c)                                     \
	({                                                \
		bool __w = !!(c);                         \
		if (unlikely(__w))                        \
			mmk_warn(__FILE__, __LINE__, #c); \
		__w;                                      \
	})
#define VM_BUG_ON(c) BUG_ON(c)
#else
#define VM_WARN_ON(c)            \
	({                       \
		(void)sizeof(c); \
		false;           \
	})
#define VM_BUG_ON(c) ((void)sizeof(c))
#endif
#define WARN_ON(c)                                        \
	({                                                \
		bool __w = !!(c);                         \
		if (unlikely(__w))                        \
			mmk_warn(__FILE__, __LINE__, #c); \
		__w;                                      \
	})

#endif
