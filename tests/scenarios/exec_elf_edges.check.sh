# The maps of exec_elf_edges.mm against the reference kernel's, recorded
# from the paused images.  The files' device and inode are the host
# directory's, so both are left out, and with them the padding before the
# path.
norm() { sed -E -n 's/ [0-9a-f]+:[0-9a-f]+ [1-9][0-9]* +/ DEV INO /; s/  +/ /g; /^[0-9a-f]+-[0-9a-f]+ /p'; }
norm < "$1" > got.txt
norm > want.txt <<'MAPS'
00400000-00401000 r-xp 00000000 fe:00 11100688                           /bin/exec_bss
00401000-00402000 rw-p 00000000 fe:00 11100688                           /bin/exec_bss
00402000-00405000 rw-p 00000000 00:00 0 
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r-xp 00000000 fe:00 11100689                           /bin/exec_bss_only
00402000-00406000 rw-p 00000000 00:00 0 
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r-xp 00000000 fe:00 11100691                           /bin/exec_execstack
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rwxp 00000000 00:00 0                          [stack]
00400000-00402000 r-xp 00000000 fe:00 11100694                           /bin/exec_many_phdrs
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r-xp 00000000 fe:00 11100696                           /bin/exec_min
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r-xp 00000000 fe:00 11100699                           /bin/exec_nostack_hdr
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r-xp 00000000 fe:00 11100700                           /bin/exec_overlap
00401000-00402000 rw-p 00000000 fe:00 11100700                           /bin/exec_overlap
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
00400000-00401000 r--p 00000000 fe:00 11100701                           /bin/exec_unordered
00600000-00601000 r-xp 00000000 fe:00 11100701                           /bin/exec_unordered
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
7ffff7fe0000-7ffff7fe1000 r-xp 00000000 fe:00 11100704                   /bin/pie_align64k
7ffff7ff0000-7ffff7ff1000 rw-p 00000000 fe:00 11100704                   /bin/pie_align64k
7ffff7ff7000-7ffff7ffb000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffb000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
7ffff7ff6000-7ffff7ffa000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffa000-7ffff7ffc000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffc000-7ffff7ffe000 r-xp 00000000 00:00 0                          [vdso]
7ffff7ffe000-7ffff7fff000 r-xp 00000000 fe:00 11100705                   /bin/pie_align_odd
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
7ffff7ff3000-7ffff7ff7000 r--p 00000000 00:00 0                          [vvar]
7ffff7ff7000-7ffff7ff9000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ff9000-7ffff7ffb000 r-xp 00000000 00:00 0                          [vdso]
7ffff7ffb000-7ffff7ffc000 r-xp 00000000 fe:00 11100706                   /bin/pie_bss
7ffff7ffd000-7ffff7ffe000 rw-p 00000000 fe:00 11100706                   /bin/pie_bss
7ffff7ffe000-7ffff7fff000 rw-p 00000000 00:00 0 
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
7ffff7ff6000-7ffff7ffa000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffa000-7ffff7ffc000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffc000-7ffff7ffe000 r-xp 00000000 00:00 0                          [vdso]
7ffff7ffe000-7ffff7fff000 r-xp 00000000 fe:00 11100708                   /bin/pie_high_vaddr
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
7ffff7ff6000-7ffff7ffa000 r--p 00000000 00:00 0                          [vvar]
7ffff7ffa000-7ffff7ffc000 r--p 00000000 00:00 0                          [vvar_vclock]
7ffff7ffc000-7ffff7ffe000 r-xp 00000000 00:00 0                          [vdso]
7ffff7ffe000-7ffff7fff000 r-xp 00000000 fe:00 11100709                   /bin/pie_min
7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]
MAPS
diff -u want.txt got.txt
