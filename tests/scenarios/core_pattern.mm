# kernel.core_pattern names the core file as Linux's coredump_parse does:
# every %-specifier, '/' in an expanded piece turned into '!', a trailing %
# and unknown specifiers dropped, core_uses_pid's ".PID", a relative pattern
# relative to / (every task's working directory), and the patterns mmkit
# cannot serve ('|' helpers, '@' sockets) failing with Linux's log lines.
# core_pattern.check.sh checks the names on the host.
mount cores /cores
sysctl kernel.core_pattern kernel.core_uses_pid
sysctl kernel.core_pattern=/cores/%e-%p-%P-%i-%I-%u-%g-%d-%s-%t-%h-%c-%C-%%-%x-%
dmesg -c
spawn A
A set core_rlimit=1M
sleep 3s
A read 0 8 expect=SIGSEGV
spawn B exec
B set core_rlimit=unlimited
sysctl kernel.core_pattern=/cores/%E@%f
B write 0x400000 8 1 expect=SEGV_ACCERR
sysctl kernel.core_pattern=/cores/plain kernel.core_uses_pid=1
spawn C
C set core_rlimit=unlimited
C read 0 1 expect=SIGSEGV
sysctl kernel.core_pattern=core kernel.core_uses_pid=0
spawn D
D set core_rlimit=unlimited
D read 0 1 expect=SIGSEGV
spawn E
E open /core O_RDONLY -> fd
E lseek $fd 0 SEEK_END expect=4096
sysctl "kernel.core_pattern=|/usr/lib/systemd/systemd-coredump %P %u"
spawn F
F set core_rlimit=unlimited
F read 0 1 expect=SIGSEGV
sysctl kernel.core_pattern=@/run/systemd/coredump.socket
spawn G
G set core_rlimit=unlimited
G read 0 1 expect=SIGSEGV
sysctl kernel.core_pattern
dmesg
verify
