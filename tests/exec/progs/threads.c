/* threads.c - four threads: a mutex-protected counter, an atomic counter,
 * a condition variable hand-off and thread-local storage; the totals must
 * come out exact. */
#include <pthread.h>
#include <stdio.h>

#define NT 4
#define ITER 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter, turns;
static long atomic_counter;
static __thread long mine;

static void *worker(void *arg)
{
	long id = (long)arg, i;

	for (i = 0; i < ITER; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		__atomic_fetch_add(&atomic_counter, 1, __ATOMIC_SEQ_CST);
		mine++;
	}
	pthread_mutex_lock(&lock);
	while (turns != id)
		pthread_cond_wait(&cond, &lock);
	turns++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return (void *)mine;
}

int main(void)
{
	pthread_t t[NT];
	long i, total = 0;

	for (i = 0; i < NT; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			return 1;
	for (i = 0; i < NT; i++) {
		void *r;

		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("threads: counter %ld atomic %ld tls %ld turns %ld\n", counter, atomic_counter,
	       total, turns);
	return counter == NT * ITER && atomic_counter == NT * ITER ? 0 : 1;
}
