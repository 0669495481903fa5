/*
 * elf.h - the ELF file format as the loader and the core dumper use it
 * (Linux include/uapi/linux/elf.h, elf-em.h and auxvec.h at the level mmkit
 * needs): the 32- and 64-bit file, program and section headers, the note
 * header, and the constants of ET_CORE files.  Layouts are the on-disk ones
 * (little-endian x86), so a struct is written to a file as it is.
 */
#ifndef MMKIT_ELF_H
#define MMKIT_ELF_H

#include "mmkit/compiler.h"

/* e_ident */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define ELFMAG "\177ELF"
#define SELFMAG 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_NONE 0

/* e_type, e_machine */
#define ET_EXEC 2
#define ET_DYN 3
#define ET_CORE 4
#define EM_386 3
#define EM_X86_64 62

/* p_type, p_flags */
#define PT_NULL 0
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551 /* p_flags PF_X: an executable stack */
#define PF_X 1
#define PF_W 2
#define PF_R 4
/* e_phnum of a file with more program headers than fit (extended
 * numbering: the count is in section header 0's sh_info) */
#define PN_XNUM 0xffff
#define ELF_EXEC_PAGESIZE 4096

/* Note types of core files and the names they are filed under */
#define NT_PRSTATUS 1
#define NT_PRFPREG 2 /* NT_FPREGSET: "CORE" */
#define NT_PRPSINFO 3
#define NT_AUXV 6
#define NT_PRXFPREG 0x46e62b7f /* i386 fxsave area: "LINUX" */
#define NT_386_TLS 0x200
#define NT_X86_XSTATE 0x202
#define NT_X86_XSAVE_LAYOUT 0x205
#define NT_SIGINFO 0x53494749
#define NT_FILE 0x46494c45
#define NN_CORE "CORE"
#define NN_LINUX "LINUX"

/* Auxiliary vector entries (include/uapi/linux/auxvec.h) */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

struct elf64_hdr {
	unsigned char e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_shdr {
	u32 sh_name, sh_type;
	u64 sh_flags, sh_addr, sh_offset, sh_size;
	u32 sh_link, sh_info;
	u64 sh_addralign, sh_entsize;
};

struct elf32_hdr {
	unsigned char e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version, e_entry, e_phoff, e_shoff, e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
	u32 p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};

struct elf32_shdr {
	u32 sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign,
		sh_entsize;
};

/* The header of a note: the name (with its NUL) and the descriptor follow,
 * each padded to 4 bytes.  The same 12 bytes in both classes. */
struct elf_note {
	u32 n_namesz, n_descsz, n_type;
};

_Static_assert(sizeof(struct elf64_hdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");
_Static_assert(sizeof(struct elf64_shdr) == 64, "Elf64_Shdr");
_Static_assert(sizeof(struct elf32_hdr) == 52, "Elf32_Ehdr");
_Static_assert(sizeof(struct elf32_phdr) == 32, "Elf32_Phdr");
_Static_assert(sizeof(struct elf32_shdr) == 40, "Elf32_Shdr");

#endif
