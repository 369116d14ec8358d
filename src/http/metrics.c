/* metrics.c - counters and the Prometheus exposition (see metrics.h). */
#include "http/metrics.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "store/db.h"
#include "store/writer.h"
#include "util/strbuf.h"
#include "version.h"

fk_metrics_config fk_metrics_settings;

/* The statuses counted apart; any other is counted as "other". */
static const int codes[] = { 200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503 };
#define NCODES (sizeof(codes) / sizeof(codes[0]))
/* Latency buckets, seconds. */
static const double bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

typedef struct route_counts {
	_Atomic uint64_t status[NCODES + 1];
	_Atomic uint64_t le[NBOUNDS]; /* not cumulative: rendered cumulatively */
	_Atomic uint64_t count;
	_Atomic uint64_t micros; /* the sum of durations */
} route_counts;

static route_counts *counts; /* one per route, then one for "no route" */
static size_t nroutes;

void fk_metrics_init(size_t n)
{
	if (counts)
		return;
	counts = calloc(n + 1, sizeof(*counts));
	if (!counts)
		abort();
	nroutes = n;
}

void fk_metrics_request(int route, int status, double seconds)
{
	if (!counts)
		return;
	route_counts *c = &counts[route >= 0 && (size_t)route < nroutes ? (size_t)route : nroutes];
	size_t k = 0;
	while (k < NCODES && codes[k] != status)
		k++;
	c->status[k]++;
	size_t b = 0;
	while (b < NBOUNDS && seconds > bounds[b])
		b++;
	if (b < NBOUNDS)
		c->le[b]++;
	c->count++;
	c->micros += (uint64_t)(seconds * 1e6);
}

/* Whether addr is one of the comma-separated addresses in list. */
static int listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && n && memcmp(p, addr, n) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

int fk_metrics_allowed(const char *addr, const char *auth)
{
	const fk_metrics_config *c = &fk_metrics_settings;
	if (c->allow && *c->allow && addr && listed(c->allow, addr))
		return 1;
	if (c->token && *c->token && auth && strncmp(auth, "Bearer ", 7) == 0) {
		size_t a = strlen(auth + 7), t = strlen(c->token);
		return a == t && sodium_memcmp(auth + 7, c->token, t) == 0;
	}
	return 0;
}

static void help(fk_strbuf *sb, const char *name, const char *type, const char *text)
{
	fk_strbuf_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void route_label(char *out, size_t n, size_t i)
{
	if (i < nroutes)
		snprintf(out, n, "%s %s", fk_routes[i].method, fk_routes[i].pattern);
	else
		snprintf(out, n, "other");
}

static void render_requests(fk_strbuf *sb)
{
	char label[160];
	help(sb, "fangkong_http_requests_total", "counter", "Requests answered, by route and status.");
	for (size_t i = 0; i <= nroutes; i++) {
		route_label(label, sizeof(label), i);
		for (size_t k = 0; k <= NCODES; k++) {
			uint64_t v = counts[i].status[k];
			if (!v)
				continue;
			if (k < NCODES)
				fk_strbuf_addf(sb, "fangkong_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", label,
					       codes[k], (unsigned long long)v);
			else
				fk_strbuf_addf(sb, "fangkong_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					       label, (unsigned long long)v);
		}
	}
	help(sb, "fangkong_http_request_duration_seconds", "histogram",
	     "Time from a request's arrival to its answer, by route.");
	for (size_t i = 0; i <= nroutes; i++) {
		uint64_t total = counts[i].count;
		if (!total)
			continue;
		route_label(label, sizeof(label), i);
		uint64_t cum = 0;
		for (size_t b = 0; b < NBOUNDS; b++) {
			cum += counts[i].le[b];
			fk_strbuf_addf(sb, "fangkong_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				       label, bounds[b], (unsigned long long)cum);
		}
		fk_strbuf_addf(sb, "fangkong_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
			       label, (unsigned long long)total);
		fk_strbuf_addf(sb, "fangkong_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
			       (double)counts[i].micros / 1e6);
		fk_strbuf_addf(sb, "fangkong_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label,
			       (unsigned long long)total);
	}
}

static void render_writer(fk_strbuf *sb, fk_writer *w)
{
	fk_writer_figures f;
	fk_writer_figures_get(w, &f);
	help(sb, "fangkong_writer_queue_depth", "gauge", "Write jobs waiting for the writer.");
	fk_strbuf_addf(sb, "fangkong_writer_queue_depth %lld\n", f.queued);
	help(sb, "fangkong_writer_batch_size", "histogram", "Jobs per committed transaction (group commit).");
	long long cum = 0;
	for (int b = 0; b < FK_WRITER_SIZE_BUCKETS - 1; b++) {
		cum += f.sizes[b];
		fk_strbuf_addf(sb, "fangkong_writer_batch_size_bucket{le=\"%d\"} %lld\n", 1 << b, cum);
	}
	fk_strbuf_addf(sb, "fangkong_writer_batch_size_bucket{le=\"+Inf\"} %lld\n", f.batches);
	fk_strbuf_addf(sb, "fangkong_writer_batch_size_sum %lld\nfangkong_writer_batch_size_count %lld\n", f.jobs,
		       f.batches);
	help(sb, "fangkong_writer_retries_total", "counter",
	     "Batches run again after a serialisation failure, deadlock or lock timeout.");
	fk_strbuf_addf(sb, "fangkong_writer_retries_total %lld\n", f.retries);
	help(sb, "fangkong_writer_lost_batches_total", "counter", "Batches that could not be committed (answered 503).");
	fk_strbuf_addf(sb, "fangkong_writer_lost_batches_total %lld\n", f.lost);
	help(sb, "fangkong_database_log_bytes", "gauge",
	     "The database's write-ahead log after the last commit (SQLite; 0 on a server).");
	fk_strbuf_addf(sb, "fangkong_database_log_bytes %lld\n", (long long)f.log_bytes);
	help(sb, "fangkong_database_log_restarts_total", "counter", "Times the log started again from its beginning.");
	fk_strbuf_addf(sb, "fangkong_database_log_restarts_total %lld\n", f.restarts);
}

char *fk_metrics_render(const fk_metrics_now *now, void *writer, size_t *len)
{
	fk_strbuf sb;
	fk_strbuf_init(&sb);
	help(&sb, "fangkong_info", "gauge", "The version and the database engine.");
	fk_strbuf_addf(&sb, "fangkong_info{version=\"%s\",engine=\"%s\"} 1\n", FK_VERSION, now->engine);
	if (counts)
		render_requests(&sb);
	help(&sb, "fangkong_http_connections", "gauge", "Open client connections.");
	fk_strbuf_addf(&sb, "fangkong_http_connections %lld\n", now->connections);
	help(&sb, "fangkong_http_requests_in_flight", "gauge", "Requests being answered.");
	fk_strbuf_addf(&sb, "fangkong_http_requests_in_flight %lld\n", now->in_flight);
	help(&sb, "fangkong_database_connections", "gauge",
	     "Database connections held: one per request thread that read, the writer's, the log's.");
	fk_strbuf_addf(&sb, "fangkong_database_connections %lld\n", now->db_connections);
	long long err, con, busy;
	fk_db_failures(&err, &con, &busy);
	help(&sb, "fangkong_database_failures_total", "counter",
	     "Statements that failed: errors, constraint violations, conflicts between writers.");
	fk_strbuf_addf(&sb, "fangkong_database_failures_total{kind=\"error\"} %lld\n", err);
	fk_strbuf_addf(&sb, "fangkong_database_failures_total{kind=\"constraint\"} %lld\n", con);
	fk_strbuf_addf(&sb, "fangkong_database_failures_total{kind=\"busy\"} %lld\n", busy);
	if (writer)
		render_writer(&sb, writer);
	return fk_strbuf_detach(&sb, len);
}
