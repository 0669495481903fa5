/* segv.c - dies of SIGSEGV in crash_here(), called through two frames, so
 * that gdb's bt on the core shows crash_here, middle, main. */
#include <stdio.h>

__attribute__((noinline)) void crash_here(volatile int *p) { *p = 42; }

__attribute__((noinline)) void middle(int depth)
{
	crash_here((volatile int *)(long)(depth - 3));
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	printf("about to crash\n");
	fflush(stdout);
	middle(3);
	return 0;
}
