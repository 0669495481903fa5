# load_elf_binary's checks and layout on hand-built images
# (tests/fuzz/gen_elf_seeds.py, also the fuzz_elf seeds).  Every answer and
# every map below is the reference kernel's: the images were exec'd on it
# by an unprivileged process with ASLR off, paused, and their maps read
# (exec_elf_edges.check.sh holds those maps; docs/TESTING.md says how).
mount elf /bin ro
spawn A exec /bin/exec_bss
cat /proc/A/maps
A exit
spawn A exec /bin/exec_bss_only
cat /proc/A/maps
A exit
spawn A exec /bin/exec_execstack
cat /proc/A/maps
A exit
spawn A exec /bin/exec_many_phdrs
cat /proc/A/maps
A exit
spawn A exec /bin/exec_min
cat /proc/A/maps
A exit
spawn A exec /bin/exec_nostack_hdr
cat /proc/A/maps
A exit
spawn A exec /bin/exec_overlap
cat /proc/A/maps
A exit
spawn A exec /bin/exec_unordered
cat /proc/A/maps
A exit
spawn A exec /bin/pie_align64k
cat /proc/A/maps
A exit
spawn A exec /bin/pie_align_odd
cat /proc/A/maps
A exit
spawn A exec /bin/pie_bss
cat /proc/A/maps
A exit
spawn A exec /bin/pie_high_vaddr
cat /proc/A/maps
A exit
spawn A exec /bin/pie_min
cat /proc/A/maps
A exit
# no PT_LOAD: the exec succeeds and the program faults at its entry
spawn B exec /bin/exec_noload
B exit
# refused before the point of no return
spawn C exec /bin/no_phdrs expect=ENOEXEC
spawn C exec /bin/short_header expect=ENOEXEC
spawn C exec /bin/short_phdrs expect=ENOEXEC
spawn C exec /bin/phoff_negative expect=ENOEXEC
# refused while mapping (Linux then kills the exec'ing process)
spawn C exec /bin/exec_entry_high expect=EINVAL
spawn C exec /bin/exec_filesz_gt_memsz expect=EINVAL
spawn C exec /bin/exec_misaligned expect=EINVAL
spawn C exec /bin/pie_empty_span expect=EINVAL
spawn C exec /bin/exec_memsz_huge expect=ENOMEM
spawn C exec /bin/exec_vaddr_high expect=ENOMEM
# page 0 needs CAP_SYS_RAWIO (vm.mmap_min_addr 4096)
spawn C exec /bin/exec_at_zero expect=EPERM
# a PT_INTERP: the interpreter's checks, in load_elf_binary's order
spawn C exec /bin/exec_interp expect=ENOENT
spawn C exec /bin/exec_interp_dir expect=EACCES
spawn C exec /bin/exec_interp_short expect=ENOEXEC
spawn C exec /bin/exec_interp_noterm expect=ENOEXEC
spawn C exec /bin/exec_interp_elfshort expect=EIO
spawn C exec /bin/exec_interp_nophdrs expect=ELIBBAD
# a usable interpreter: the reference kernel loads and runs it; mmkit has
# no dynamic loader (the one answer here that is not the reference's)
spawn C exec /bin/exec_interp_valid expect=ENOEXEC
verify
