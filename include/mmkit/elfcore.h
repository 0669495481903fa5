/*
 * elfcore.h - the descriptors of an ELF core file's notes, byte for byte as
 * Linux writes them on x86 (include/linux/elfcore.h, elfcore-compat.h,
 * arch/x86/include/asm/user_64.h, user_32.h, fpu/types.h): the 64-bit forms
 * (x86-64, levels 4 and 5) and the i386 forms (levels 2 and 3, which are
 * 32-bit machines: ELFCLASS32, EM_386).  Offsets are checked below; readers
 * (gdb, BFD, elfutils) tell the notes apart by these sizes.
 */
#ifndef MMKIT_ELFCORE_H
#define MMKIT_ELFCORE_H

#include "mmkit/compiler.h"
#include "mmkit/elf.h"

#define ELF_PRARGSZ 80 /* pr_psargs */
#define ELF_NGREG64 27 /* user_regs_struct words, x86-64 */
#define ELF_NGREG32 17 /* i386 */

struct elf_siginfo {
	s32 si_signo, si_code, si_errno;
};
struct elf_timeval64 {
	s64 tv_sec, tv_usec;
};
struct elf_timeval32 {
	s32 tv_sec, tv_usec;
};

/* NT_PRSTATUS, x86-64: 336 bytes */
struct elf_prstatus64 {
	struct elf_siginfo pr_info; /* si_signo = the signal; the rest 0 */
	short pr_cursig;
	u64 pr_sigpend, pr_sighold;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	struct elf_timeval64 pr_utime, pr_stime, pr_cutime, pr_cstime;
	u64 pr_reg[ELF_NGREG64]; /* struct user_regs_struct */
	s32 pr_fpvalid;
};

/* NT_PRSTATUS, i386: 144 bytes.  pr_reg: ebx ecx edx esi edi ebp eax xds
 * xes xfs xgs orig_eax eip xcs eflags esp xss. */
struct elf_prstatus32 {
	struct elf_siginfo pr_info;
	short pr_cursig;
	u32 pr_sigpend, pr_sighold;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	struct elf_timeval32 pr_utime, pr_stime, pr_cutime, pr_cstime;
	u32 pr_reg[ELF_NGREG32];
	s32 pr_fpvalid;
};

/* NT_PRPSINFO, x86-64: 136 bytes */
struct elf_prpsinfo64 {
	char pr_state, pr_sname, pr_zomb, pr_nice;
	u64 pr_flag;
	u32 pr_uid, pr_gid;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	char pr_fname[16];
	char pr_psargs[ELF_PRARGSZ];
};

/* NT_PRPSINFO, i386: 124 bytes (16-bit uid and gid) */
struct elf_prpsinfo32 {
	char pr_state, pr_sname, pr_zomb, pr_nice;
	u32 pr_flag;
	u16 pr_uid, pr_gid;
	s32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
	char pr_fname[16];
	char pr_psargs[ELF_PRARGSZ];
};

/* NT_PRFPREG of x86-64 and NT_PRXFPREG of i386: the FXSAVE area (Linux
 * struct user_i387_struct / user_fxsr_struct), 512 bytes.  The first 464
 * bytes are the hardware's; in the XSAVE note bytes 464..471 hold XCR0. */
struct user_fxsr_struct {
	u16 cwd, swd, twd, fop;
	u64 rip, rdp; /* i386: fip, fcs, foo, fos */
	u32 mxcsr, mxcsr_mask;
	u32 st_space[32];
	u32 xmm_space[64];
	u32 padding[12];
	u64 xcr0; /* sw_reserved[0] in the XSAVE note */
	u32 sw_reserved[10];
};

/* NT_PRFPREG of i386: the FSAVE image (struct user_i387_ia32_struct), 108 bytes */
struct user_i387_ia32_struct {
	u32 cwd, swd, twd, fip, fcs, foo, fos;
	u32 st_space[20];
};

/* The XSAVE header after the legacy area (offset 512) */
struct xstate_header {
	u64 xfeatures, xcomp_bv;
	u64 reserved[6];
};

/* NT_X86_XSAVE_LAYOUT: one per extended feature (Linux struct
 * x86_xfeat_component) */
struct x86_xfeat_component {
	u32 type, size, offset, flags;
};

_Static_assert(sizeof(struct elf_prstatus64) == 336, "elf_prstatus x86-64");
_Static_assert(__builtin_offsetof(struct elf_prstatus64, pr_pid) == 32, "pr_pid");
_Static_assert(__builtin_offsetof(struct elf_prstatus64, pr_reg) == 112, "pr_reg");
_Static_assert(__builtin_offsetof(struct elf_prstatus64, pr_fpvalid) == 328, "pr_fpvalid");
_Static_assert(sizeof(struct elf_prstatus32) == 144, "elf_prstatus i386");
_Static_assert(__builtin_offsetof(struct elf_prstatus32, pr_reg) == 72, "pr_reg i386");
_Static_assert(sizeof(struct elf_prpsinfo64) == 136, "elf_prpsinfo x86-64");
_Static_assert(__builtin_offsetof(struct elf_prpsinfo64, pr_fname) == 40, "pr_fname");
_Static_assert(sizeof(struct elf_prpsinfo32) == 124, "elf_prpsinfo i386");
_Static_assert(sizeof(struct user_fxsr_struct) == 512, "fxsave area");
_Static_assert(__builtin_offsetof(struct user_fxsr_struct, xcr0) == 464, "XCR0 word");
_Static_assert(sizeof(struct user_i387_ia32_struct) == 108, "fsave image");
_Static_assert(sizeof(struct xstate_header) == 64, "xsave header");

#endif
