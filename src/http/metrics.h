/* metrics.h - GET /metrics in the Prometheus text format (version 0.0.4)
 * for the operators' dashboards: requests and their latency by route and
 * status, the writer (queue, batches and their sizes, retries, lost
 * batches), the database's log, connections, database connections and
 * failed statements.  Labels carry route patterns and status codes only,
 * never a path, a parameter or anything personal.
 *
 * Access: nobody unless configured; FK_METRICS_ALLOW (addresses, comma
 * separated, as the server sees the client) and/or FK_METRICS_TOKEN (sent as
 * "Authorization: Bearer TOKEN").  Everyone else is answered 404, as a path
 * that does not exist. */
#ifndef FK_METRICS_H
#define FK_METRICS_H

#include <stddef.h>

typedef struct fk_metrics_config {
	const char *allow; /* NULL or "" for none */
	const char *token; /* NULL or "" for none */
} fk_metrics_config;

extern fk_metrics_config fk_metrics_settings;

/* Sizes the counters for the route table (before serving). */
void fk_metrics_init(size_t nroutes);
/* Counts one answered request: route its index in the route table, or -1
 * (a static file, no route), its status and how long it took. */
void fk_metrics_request(int route, int status, double seconds);
/* Whether a client at addr presenting the Authorization header auth may
 * read the metrics. */
int fk_metrics_allowed(const char *addr, const char *auth);

/* Gauges and counters the server reads at the time of the scrape. */
typedef struct fk_metrics_now {
	const char *engine;
	long long connections, in_flight, db_connections;
} fk_metrics_now;

/* The text of the whole exposition (malloc'd), the writer's figures read
 * from w (a fk_writer *). */
char *fk_metrics_render(const fk_metrics_now *now, void *writer, size_t *len);

#endif
