/*
 * rusage_native.c - run PROGRAM ARGS natively with ASLR off and print its
 * page faults as getrusage counts them ("minflt N majflt N"), for
 * tests/exec/test_maps.sh.  vfork keeps the child's own faults before the
 * exec near zero (it runs on the parent's memory); wait4 returns the
 * child's rusage, which includes the faults of exec itself, as Linux
 * counts them.  Built with gcc by the test.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = vfork();
	if (pid == 0) {
		personality(ADDR_NO_RANDOMIZE);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return 2;
	fprintf(stderr, "minflt %ld majflt %ld\n", ru.ru_minflt, ru.ru_majflt);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
