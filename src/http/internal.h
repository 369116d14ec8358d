/* internal.h - what the server's own files share (server.c, static.c);
 * handlers never include it. */
#ifndef FK_HTTP_INTERNAL_H
#define FK_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <stdbool.h>

#include "http/req.h"

/* A request's progress through libmicrohttpd's callbacks (fk_req.state). */
enum { ST_NEW, ST_BODY, ST_WAITING, ST_RESUMED, ST_SENT };

/* The headers every answer carries: CSP, nosniff, Referrer-Policy, the
 * request id. */
void fk_http_common_headers(struct MHD_Response *resp, const fk_req *r);

/* Answers at once with the JSON error (fmt takes one string, arg). */
enum MHD_Result fk_http_fail_now(fk_req *r, int status, const char *code, const char *field, const char *fmt,
				 const char *arg);

/* Whether an Accept-Encoding value takes gzip (the token gzip or *, not
 * refused with q=0). */
bool fk_http_accepts_gzip(const char *ae);

/* Serves r->path from the web directory (static.c). */
enum MHD_Result fk_static_send(fk_req *r, const char *web_dir);

#endif
