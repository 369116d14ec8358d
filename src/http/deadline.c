/* deadline.c - per-connection request deadlines (see deadline.h).
 *
 * Expected load: thousands of connections; the request threads touch only
 * their own connection's atomics, the list lock is taken when a connection
 * opens or closes and once a second by the sweep. */
#include "http/deadline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "util/log.h"

struct fk_conn_track {
	int fd;
	atomic_llong since_ms; /* when the current request began to arrive */
	atomic_int limit_s;    /* its deadline, in seconds from since_ms */
	atomic_bool arrived;   /* the request is in: no deadline */
	bool cut;              /* shut down already (under the lock) */
	int *deadline_s;       /* the server's setting */
	fk_conn_track *prev, *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static fk_conn_track *head;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fk_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		fk_conn_track *t = ci ? calloc(1, sizeof(*t)) : NULL;
		*socket_context = t;
		if (!t)
			return;
		t->fd = ci->connect_fd;
		t->deadline_s = cls;
		atomic_store(&t->limit_s, *t->deadline_s);
		atomic_store(&t->since_ms, now_ms());
		pthread_mutex_lock(&lock);
		t->next = head;
		if (head)
			head->prev = t;
		head = t;
		pthread_mutex_unlock(&lock);
		return;
	}
	fk_conn_track *t = *socket_context;
	if (code != MHD_CONNECTION_NOTIFY_CLOSED || !t)
		return;
	/* libmicrohttpd closes the socket after this returns: the sweep,
	 * under the same lock, never shuts down a reused descriptor. */
	pthread_mutex_lock(&lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&lock);
	free(t);
	*socket_context = NULL;
}

fk_conn_track *fk_deadline_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void fk_deadline_arrived(fk_conn_track *t)
{
	if (t)
		atomic_store(&t->arrived, true);
}

void fk_deadline_extend(fk_conn_track *t, int seconds)
{
	if (t && seconds > atomic_load(&t->limit_s))
		atomic_store(&t->limit_s, seconds);
}

void fk_deadline_restart(fk_conn_track *t)
{
	if (!t)
		return;
	atomic_store(&t->limit_s, *t->deadline_s);
	atomic_store(&t->since_ms, now_ms());
	atomic_store(&t->arrived, false);
}

int fk_deadline_sweep(void)
{
	long long now = now_ms();
	int n = 0;
	pthread_mutex_lock(&lock);
	for (fk_conn_track *t = head; t; t = t->next) {
		if (t->cut || atomic_load(&t->arrived) ||
		    now - atomic_load(&t->since_ms) <= (long long)atomic_load(&t->limit_s) * 1000)
			continue;
		/* libmicrohttpd then reads the end of the stream and closes it */
		shutdown(t->fd, SHUT_RDWR);
		t->cut = true;
		n++;
	}
	pthread_mutex_unlock(&lock);
	if (n)
		fk_log_info("cut %d connection(s) that had not sent a complete request in time", n);
	return n;
}
