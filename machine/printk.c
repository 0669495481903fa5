/*
 * printk.c - the kernel log.  printk() formats one message, appends it to a
 * fixed ring (what `dmesg` shows) and echoes it to mmk->log (stderr unless a
 * caller redirects it), so kernel reports never mix with scenario result lines
 * on stdout.  Every line of the ring is prefixed with a timestamp in the
 * dmesg style, "[    0.000000] ", taken from a logical clock (a message
 * counter scaled to microseconds) so cpus=1 runs print identical logs.
 *
 * Locking: log_lock guards the ring; printk may be called from any CPU.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/machine.h"

#define LOG_BUF_SIZE (1 << 20)

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[LOG_BUF_SIZE];
static size_t log_len;        /* bytes in log_buf; oldest lines dropped when full */
static unsigned long log_seq;
static bool log_at_line_start = true;

static void log_append(const char *s, size_t n)
{
	if (n >= LOG_BUF_SIZE)
		return;
	if (log_len + n > LOG_BUF_SIZE) {
		size_t drop = log_len + n - LOG_BUF_SIZE;
		char *nl = memchr(log_buf + drop, '\n', log_len - drop);

		drop = nl ? (size_t)(nl - log_buf) + 1 : log_len;
		memmove(log_buf, log_buf + drop, log_len - drop);
		log_len -= drop;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
}

void printk(const char *fmt, ...)
{
	char msg[1024], line[1100];
	const char *p, *nl;
	va_list ap;
	FILE *echo;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	echo = mmk ? mmk->log : stderr;
	for (p = msg; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (log_at_line_start) {
			unsigned long us = log_seq++ * 100;
			int k = snprintf(line, sizeof(line), "[%5lu.%06lu] ",
					 us / 1000000, us % 1000000);
			log_append(line, (size_t)k);
			if (echo)
				fputs(line, echo);
		}
		log_append(p, n);
		if (echo)
			fwrite(p, 1, n, echo);
		log_at_line_start = nl != NULL;
	}
	if (echo)
		fflush(echo);
	pthread_mutex_unlock(&log_lock);
}

void dmesg_show(FILE *out)
{
	pthread_mutex_lock(&log_lock);
	fwrite(log_buf, 1, log_len, out);
	pthread_mutex_unlock(&log_lock);
}

void dmesg_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_seq = 0;
	log_at_line_start = true;
	pthread_mutex_unlock(&log_lock);
}

/* Copy the log into a malloc'd NUL-terminated string (tests assert on it). */
char *dmesg_copy(void)
{
	char *s;

	pthread_mutex_lock(&log_lock);
	s = malloc(log_len + 1);
	if (s) {
		memcpy(s, log_buf, log_len);
		s[log_len] = 0;
	}
	pthread_mutex_unlock(&log_lock);
	return s;
}
