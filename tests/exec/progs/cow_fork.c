/* cow_fork.c - mmap and copy-on-write across fork: a private anonymous
 * mapping written by the parent, a child that writes its own copy (the
 * parent's must not change), a shared anonymous mapping (the child's
 * writes must be seen), a private file mapping of the program itself and
 * a vfork+exec of the same program; prints what each process saw. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#define LEN (64 * 4096)

int main(int argc, char **argv)
{
	unsigned char *priv, *shared, *file;
	int status, fd, i;
	pid_t pid;
	unsigned long sum = 0;

	if (argc > 1) {
		printf("exec'ed child: %s\n", argv[1]);
		return 7;
	}
	priv = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (priv == MAP_FAILED || shared == MAP_FAILED)
		return 1;
	memset(priv, 'P', LEN);
	memset(shared, 'S', LEN);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < LEN; i += 4096)
			priv[i] = 'c';
		shared[100] = 'x';
		printf("child: priv[0]=%c shared[100]=%c\n", priv[0], shared[100]);
		fflush(stdout);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	printf("parent: child exit %d, priv[0]=%c priv[4096]=%c shared[100]=%c\n",
	       WEXITSTATUS(status), priv[0], priv[4096], shared[100]);
	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0)
		fd = open(argv[0], O_RDONLY);
	file = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED)
		return 2;
	file[1] = 'L'; /* a COW copy of the file page */
	printf("file mapping: %c%c%c%c\n", file[0] == 0x7f ? '.' : '?', file[1], file[2], file[3]);
	munmap(file, 8192);
	close(fd);
	for (i = 0; i < LEN; i++)
		sum += priv[i];
	printf("parent sum %lu\n", sum);
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execl(argv[0], argv[0], "hello", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("vfork child exit %d\n", WEXITSTATUS(status));
	return 0;
}
