/* oom_blocked: the OOM killer's victim sleeps in a system call (issue 19,
 * "the victim gets SIGKILL").  The parent forks, fills a heap of argv[1]
 * MiB (default 20), lets the child go and then blocks for good in a pipe
 * read (the child keeps the write end open).  The child grows a heap of
 * argv[2] MiB (default 20) in 1 MiB chunks: on a 32 MiB machine without
 * swap the OOM killer must take the larger parent, which has to be woken
 * from its read to die; its memory comes back, the child's heap completes,
 * and the parent's death closes the child's pipe (EOF).  Natively, with
 * memory enough, the two would wait for each other: run it on mmkit only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1UL << 20)

static void fill(unsigned long mib)
{
	unsigned long i;

	for (i = 0; i < mib; i++) {
		char *p = malloc(CHUNK);

		if (!p)
			exit(2);
		memset(p, (int)i + 1, CHUNK);
	}
}

int main(int argc, char **argv)
{
	unsigned long parent_mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 20;
	unsigned long child_mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 20;
	int go[2], hold[2];
	char c;

	if (pipe(go) || pipe(hold))
		return 1;
	switch (fork()) {
	case -1:
		return 1;
	case 0:
		close(go[1]);
		close(hold[0]);
		if (read(go[0], &c, 1) != 1)
			return 3;
		fill(child_mib);
		printf("child: %lu MiB\n", child_mib);
		fflush(stdout);
		/* EOF once the parent is gone */
		printf("child: read %zd after the parent\n", read(go[0], &c, 1));
		return 0;
	}
	close(go[0]);
	close(hold[1]);
	fill(parent_mib);
	if (write(go[1], "g", 1) != 1)
		return 1;
	read(hold[0], &c, 1); /* for good: the child holds the write end */
	printf("parent: woke up\n");
	return 0;
}
