/* server.h - `fangkong serve`: the HTTP server. */
#ifndef FK_SERVER_H
#define FK_SERVER_H

#include <stddef.h>

typedef struct fk_server_config {
	const char *db_path;
	const char *host;  /* listen address, IPv4 or IPv6 literal */
	int port;
	const char *web_dir;
	int threads;       /* request threads (default: the number of cores) */
	size_t max_body;   /* bytes of a JSON body (default 1 MiB) */
	size_t max_upload; /* bytes of an uploaded file (default 256 MiB) */
	int conn_timeout;  /* idle seconds before a connection is closed (default 30) */
	int request_deadline; /* seconds for a request (head and body) to arrive (default 30) */
	int upload_deadline;  /* the same for a file upload (default 600) */
	int max_conn_per_addr; /* connections from one address at once (default 256; 0: no limit) */
	int cookie_secure; /* add Secure to the session cookie (behind TLS) */
} fk_server_config;

/* Serves until SIGINT or SIGTERM, then stops taking connections, lets the
 * requests in flight finish (up to 10 s) and returns 0; -1 when it cannot
 * start. */
int fk_server_run(const fk_server_config *cfg);

#endif
