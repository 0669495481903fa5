/* sig.c - signal handlers with real frames: kill of itself (SI_USER), a
 * SIGSEGV handler that recovers with siglongjmp, floating point state kept
 * across a handler that uses it, SA_RESETHAND, the mask inside a handler. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got, code, blocked_inside;
static sigjmp_buf env;
static volatile double sink;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	double x = 1.0;
	int i;

	for (i = 0; i < 10; i++)
		x = x * 1.5 + 0.25; /* clobbers xmm registers */
	sink = x;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_inside = sigismember(&cur, SIGUSR1);
	got = sig;
	code = si->si_code;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	siglongjmp(env, si->si_addr == (void *)16 ? 1 : 2);
}

int main(void)
{
	struct sigaction sa;
	volatile double d = 3.25;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	d = d * 2;
	kill(getpid(), SIGUSR1);
	printf("usr1: got %d code %d blocked-inside %d d %.3f sink %.3f\n", got, code,
	       blocked_inside, d, sink);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	r = sigsetjmp(env, 1);
	if (!r)
		*(volatile int *)16 = 1;
	printf("segv: recovered %d\n", r);
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	got = 0;
	raise(SIGUSR1);
	printf("resethand: got %d\n", got);
	fflush(stdout);
	raise(SIGUSR1); /* default now: terminate */
	printf("not reached\n");
	return 0;
}
