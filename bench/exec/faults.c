/* faults.c - the page-fault round trip for bench/bench_exec.sh: touch
 * every page of a fresh 64 MiB anonymous mapping (16384 write faults),
 * unmap, eight times; with an argument of 0 it maps and unmaps without
 * touching (the baseline to subtract). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define LEN (64UL << 20)

int main(int argc, char **argv)
{
	int touch = argc < 2 || atoi(argv[1]), r;
	unsigned long i, faults = 0;

	for (r = 0; r < 8; r++) {
		char *m =
			mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return 1;
		for (i = 0; touch && i < LEN; i += 4096, faults++)
			m[i] = 1;
		munmap(m, LEN);
	}
	printf("faults: %lu\n", faults);
	return 0;
}
