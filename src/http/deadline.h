/* deadline.h - cutting clients that are too slow to send their request.
 *
 * libmicrohttpd's connection timeout counts idle time, and each trickled
 * byte restarts it: a client sending a header byte every few seconds holds
 * a connection for ever.  Here each connection is tracked from its opening
 * (or from its previous answer, on keep-alive) until its request has fully
 * arrived; one that takes longer than its deadline is shut down by
 * fk_deadline_sweep, which the server's main loop calls every second.
 * Answers are not subject to it (slow readers meet the idle timeout).
 */
#ifndef FK_DEADLINE_H
#define FK_DEADLINE_H

#include <microhttpd.h>

typedef struct fk_conn_track fk_conn_track;

/* MHD_OPTION_NOTIFY_CONNECTION callback: starts tracking a connection, or
 * stops when it closes.  cls points to the deadline in seconds (int). */
void fk_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode code);
/* The connection's track (NULL if tracking could not start). */
fk_conn_track *fk_deadline_of(struct MHD_Connection *c);
/* The request has fully arrived: no deadline until the answer is done. */
void fk_deadline_arrived(fk_conn_track *t);
/* The request may take seconds to arrive from its start (an upload). */
void fk_deadline_extend(fk_conn_track *t, int seconds);
/* The answer is done: the next request's deadline counts from now. */
void fk_deadline_restart(fk_conn_track *t);
/* Shuts down every connection past its deadline; returns how many. */
int fk_deadline_sweep(void);

#endif
