/* router.h - the route table type and its matcher.
 *
 * A route is (method, pattern, handler, permission, flags, summary, the
 * audit action it records, the list it serves).  Patterns are
 * literal segments and {name} captures, one segment each:
 * "/api/v1/regions/{code}/children".  The table in routes.c is the index of
 * the whole API.
 */
#ifndef FK_ROUTER_H
#define FK_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/perm.h"

struct fk_req;
typedef int (*fk_handler)(struct fk_req *r);

struct fk_list;

enum {
	FK_ROUTE_BODY = 1u << 0,   /* takes a JSON body */
	FK_ROUTE_UPLOAD = 1u << 1, /* takes a raw file body up to the upload limit */
	FK_ROUTE_WRITES = 1u << 2, /* its work runs on the writer thread (fk_req_write) */
	FK_ROUTE_HEAVY = 1u << 3,  /* … as a heavy writer job (fk_req_write_heavy), at times or always */
	FK_ROUTE_PWCHANGE = 1u << 4, /* open to a session that must change its password first */
};

typedef struct fk_route {
	const char *method;
	const char *pattern;
	fk_handler handler;
	fk_perms perm; /* FK_PERM_ bits; FK_PERM_PUBLIC = no session needed */
	unsigned flags;
	const char *summary; /* one line, for `fangkong routes` and docs checks */
	/* The audit actions it records, comma-separated ("case.create"), or
	 * NULL; entries written for it by other modules included. */
	const char *audit;
	const struct fk_list *list; /* the list h_list serves (core/base/list.h) */
} fk_route;

#define FK_MAX_PARAMS 4

typedef struct fk_match {
	const fk_route *route;
	int nparams;
	const char *names[FK_MAX_PARAMS];  /* points into the pattern (up to '}') */
	size_t name_lens[FK_MAX_PARAMS];
	const char *values[FK_MAX_PARAMS]; /* points into the path */
	size_t value_lens[FK_MAX_PARAMS];
	char allow[128]; /* on 405: the methods the path accepts, "GET, POST" */
} fk_match;

/* Matches method and path against table (n entries).  Returns 200 with m
 * filled, 404 when no pattern matches the path, or 405 when patterns match
 * but not for this method (m->allow lists those that do).  HEAD matches GET. */
int fk_route_match(const fk_route *table, size_t n, const char *method, const char *path, fk_match *m);

extern const fk_route fk_routes[];
extern const size_t fk_routes_count;

#endif
