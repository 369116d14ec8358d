/* log.c - timestamped lines on stderr.
 *
 * Each line is written with one call, so lines from different threads never
 * interleave.  A server can ask for buffered info lines (fk_log_buffered):
 * each thread then gathers its lines in its own buffer, written when it
 * fills, when a second has passed since its last write, and by
 * fk_log_flush_all, which the server calls every second and at shutdown —
 * one write(2) per many requests instead of one per request.  Errors are
 * never held back: a thread's buffered lines go out first, then the error.
 */
#include "util/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOGBUF 16384

typedef struct logbuf {
	pthread_mutex_t lock;
	char buf[LOGBUF];
	size_t len;
	time_t last_write;
	struct logbuf *next;
} logbuf;

static int quiet, buffered;
static _Thread_local logbuf *mine;
static logbuf *all;
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;

void fk_log_set_quiet(int q)
{
	quiet = q;
}

void fk_log_buffered(int on)
{
	buffered = on;
}

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Writes out b's lines; b->lock held. */
static void drain(logbuf *b)
{
	write_all(b->buf, b->len);
	b->len = 0;
	b->last_write = time(NULL);
}

static logbuf *thread_buf(void)
{
	if (mine)
		return mine;
	logbuf *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	pthread_mutex_init(&b->lock, NULL);
	b->last_write = time(NULL);
	pthread_mutex_lock(&all_lock);
	b->next = all;
	all = b;
	pthread_mutex_unlock(&all_lock);
	return mine = b;
}

void fk_log_flush_all(void)
{
	pthread_mutex_lock(&all_lock);
	for (logbuf *b = all; b; b = b->next) {
		pthread_mutex_lock(&b->lock);
		if (b->len)
			drain(b);
		pthread_mutex_unlock(&b->lock);
	}
	pthread_mutex_unlock(&all_lock);
}

static void vlog(const char *level, bool hold, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s ", level);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	logbuf *b = buffered ? thread_buf() : NULL;
	if (!b) {
		write_all(line, (size_t)n);
		return;
	}
	pthread_mutex_lock(&b->lock);
	if (!hold) {
		/* an error: what this thread gathered goes out before it */
		drain(b);
		write_all(line, (size_t)n);
	} else {
		if (b->len + (size_t)n > LOGBUF)
			drain(b);
		memcpy(b->buf + b->len, line, (size_t)n);
		b->len += (size_t)n;
		if (ts.tv_sec - b->last_write >= 1)
			drain(b);
	}
	pthread_mutex_unlock(&b->lock);
}

int fk_log_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error", false, fmt, ap);
	va_end(ap);
	return -1;
}

void fk_log_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog("info", true, fmt, ap);
	va_end(ap);
}
