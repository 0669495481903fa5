/*
 * printk.c - the kernel log.  printk() formats one message, appends it to a
 * fixed ring (what `dmesg` shows) and echoes it to mmk->log (stderr unless a
 * caller redirects it), so kernel reports never mix with scenario result lines
 * on stdout.  Every line of the ring is prefixed with a timestamp in the
 * dmesg style, "[    0.000000] ", taken from a logical clock (a message
 * counter scaled to microseconds) so cpus=1 runs print identical logs.
 *
 * Levels work as in Linux (kernel/printk/printk.c): a message may begin with
 * KERN_SOH and a level digit (KERN_INFO ...) or KERN_CONT; without one it has
 * MESSAGE_LOGLEVEL_DEFAULT.  The ring keeps every message whatever its level;
 * the echo (the console) gets only those below console_loglevel.  The CLI
 * boots at CONSOLE_LOGLEVEL_QUIET (Linux's `quiet`), so the boot log stays in
 * the ring, and runs at CONSOLE_LOGLEVEL_DEFAULT afterwards (-q: silent,
 * -v: everything from the start).
 *
 * Locking: log_lock guards the ring and the current line's level; printk may
 * be called from any CPU.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "mmkit/machine.h"

#define LOG_BUF_SIZE (1 << 20)

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[LOG_BUF_SIZE];
static size_t log_len; /* bytes in log_buf; oldest lines dropped when full */
static unsigned long log_seq;
static bool log_at_line_start = true;
static int log_line_level = MESSAGE_LOGLEVEL_DEFAULT; /* the open line's level */
static _Atomic int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

int console_set_loglevel(int level) { return atomic_exchange(&console_loglevel, level); }

bool console_echoes(int level) { return level < atomic_load(&console_loglevel); }

/* Strip a KERN_SOH level prefix off *msg; returns the message's level. */
static int printk_get_level(const char **msg)
{
	const char *m = *msg;

	if (m[0] != KERN_SOH[0] || !m[1])
		return MESSAGE_LOGLEVEL_DEFAULT;
	*msg = m + 2;
	if (m[1] == 'c')
		return log_at_line_start ? MESSAGE_LOGLEVEL_DEFAULT : log_line_level;
	if (m[1] >= '0' && m[1] <= '7')
		return m[1] - '0';
	return MESSAGE_LOGLEVEL_DEFAULT;
}

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
	p = msg;
	log_line_level = printk_get_level(&p);
	echo = mmk ? mmk->log : stderr;
	if (log_line_level >= atomic_load(&console_loglevel))
		echo = NULL;
	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t n;

		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (log_at_line_start) {
			unsigned long us = log_seq++ * 100;
			int k = snprintf(line, sizeof(line), "[%5lu.%06lu] ", us / 1000000,
					 us % 1000000);
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
