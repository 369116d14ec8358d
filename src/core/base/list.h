/* list.h - declared lists: one definition per list, one runner for all.
 *
 * A list of a table (cases, alerts, persons, …) is a static const fk_list
 * in the module that owns the table: its columns and joins, the column its
 * scope is checked on, its key and order, its filters by kind, how rows are
 * rendered and, for personal data, what its reads write to the audit log.
 * fk_list_run does the rest the same way for every list: it resolves the
 * region asked for against the caller's scope (fk_scope_range), checks each
 * filter against its declaration (a 400 naming the filter, with a message
 * built from the declaration: "category: one of suspected, confirmed, …"),
 * assembles the SQL ($N parameters, in the subset SQLite and PostgreSQL
 * share), reads one keyset page (LIMIT limit+1) and renders it.
 *
 * The order of every list follows one rule:
 *   - records that accumulate (cases, alerts, the audit log) come newest
 *     first, by id descending;
 *   - records that are worked through (contacts, observations, sites) come
 *     oldest first, by id ascending;
 *   - records that live in a place (households, persons) come by region
 *     code, then id — persons searched by name come by name, then id;
 *   - things with a unique name (users, regions) come by that name or code.
 *
 * A new list is one declaration plus one route row:
 *
 *     // core/grid/things.c, exposed as `extern const fk_list fk_thing_list;`
 *     static const char *const thing_states[] = { "new", "done", NULL };
 *     static const fk_filter thing_filters[] = {
 *             { "state", FK_F_ENUM, "t.state = ?", .names = thing_states },
 *             { "from", FK_F_DATE, "t.day >= ?" },
 *             { 0 },
 *     };
 *     const fk_list fk_thing_list = {
 *             .select = "t.id, t.grid, t.state FROM things t",
 *             .region = "region", .scope = "t.grid",
 *             .key = FK_KEY_ID, .id = "t.id", .desc = true,
 *             .filters = thing_filters,
 *     };
 *
 *     // http/routes.c (NULL: the audit action, the list's own when it has one)
 *     { "GET", "/api/v1/things", h_list, P(THING_READ), 0, "things in scope", NULL, &fk_thing_list },
 *
 * Lists computed from several queries (clusters, coverage, the worklist)
 * are written by hand.
 */
#ifndef FK_LIST_H
#define FK_LIST_H

#include <jansson.h>
#include <stdbool.h>

#include "core/base/actor.h"
#include "core/base/rows.h"
#include "core/base/scope.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

/* How a list is keyed (and so ordered). */
typedef enum fk_lkey {
	FK_KEY_ID,      /* the integer column id, ascending or descending */
	FK_KEY_TEXT,    /* the unique text column text, ascending */
	FK_KEY_TEXT_ID, /* (text, id) ascending: text is the scope column unless a
			 * filter with FK_FO_KEY is given */
} fk_lkey;

/* Filter kinds.  Each ? in a filter's where is bound to the value as
 * checked (in order); a filter not given adds nothing. */
typedef enum fk_fkind {
	FK_F_ENUM,   /* one of names: binds the text */
	FK_F_BIT,    /* one of names: binds 1 << its index (bit sets) */
	FK_F_TEXT,   /* any text up to max bytes: binds the text */
	FK_F_ID,     /* a positive integer: binds it; 400 "<name>: <what>" otherwise */
	FK_F_DATE,   /* YYYY-MM-DD: binds the day number */
	FK_F_FLAG,   /* 1, true / 0, false: binds 1 or 0 */
	FK_F_PREFIX, /* text up to max bytes: binds prefix and the bound above
		      * every string that starts with it (two ?) */
	FK_F_CUSTOM, /* fn checks the value and adds its condition */
} fk_fkind;

/* Filter options. */
enum {
	FK_FO_BLANK = 1u << 0,       /* an empty value is no filter */
	FK_FO_KEY = 1u << 1,         /* FK_F_PREFIX: when given, col is the list's text key */
	FK_FO_ANYWHERE = 1u << 2,    /* when given, no region range applies: fn checks
				      * access itself (a case's contacts live anywhere) */
	FK_FO_AUDIT = 1u << 3,       /* the audit detail holds the value (null when absent) */
	FK_FO_AUDIT_GIVEN = 1u << 4, /* … holds whether it was given (not the value) */
	FK_FO_AUDIT_ID = 1u << 5,    /* … holds the number (0 when absent) */
};

typedef struct fk_list_q fk_list_q;
struct fk_filter;

/* FK_F_CUSTOM: checks value (given, non-empty unless allowed) and adds the
 * filter's condition with fk_list_where.  Returns 0, or -1 with e set. */
typedef int (*fk_filter_fn)(fk_list_q *q, const struct fk_filter *f, const char *value, fk_err *e);

typedef struct fk_filter {
	const char *name;   /* the query parameter */
	fk_fkind kind;
	const char *where;  /* SQL condition with ? for the bound values */
	const char *const *names; /* FK_F_ENUM, FK_F_BIT: NULL-terminated */
	const char *what;   /* FK_F_ID: what the number names ("a case id") */
	int max;            /* FK_F_TEXT, FK_F_PREFIX: longest value in bytes, 0 = any */
	unsigned opt;       /* FK_FO_* */
	const char *col;    /* FK_FO_KEY: the key column */
	fk_filter_fn fn;    /* FK_F_CUSTOM; FK_F_ID: a further check (access) of
			     * the valid id, which adds no condition itself */
} fk_filter;

/* The audit entry a read of the list writes (lists of personal data). */
typedef struct fk_list_audit {
	const char *action; /* "person.search"; NULL: not audited */
	const char *object; /* "persons" */
	bool region;        /* the detail names the region asked for (null when absent) */
	bool at_home;       /* the entry's region is the caller's home, not the region asked for */
} fk_list_audit;

typedef struct fk_list {
	/* The columns and joins, everything between SELECT and WHERE; ? are
	 * bound to the values of select_args, in order. */
	const char *select;
	void (*select_args)(fk_val v[4]);
	const char *region; /* the parameter naming the region ("root" = the
			     * country); NULL: always the caller's home */
	const char *scope;  /* the region column checked against the scope range */
	fk_lkey key;
	const char *id;     /* FK_KEY_ID, FK_KEY_TEXT_ID: the integer column */
	const char *text;   /* FK_KEY_TEXT: the text column */
	bool desc;          /* FK_KEY_ID: newest first */
	const fk_filter *filters; /* terminated by a NULL name; may be NULL */
	const fk_column *cols;    /* NULL: fields named by the SQL (fk_row_json) */
	/* Runs once the scope is known: checks what the scope alone cannot
	 * (that a parent exists) and may add conditions.  0 or -1 with e set. */
	int (*check)(fk_list_q *q, fk_err *e);
	void (*row)(json_t *item, const fk_actor *who); /* per rendered row, may be NULL */
	/* Once per rendered page, with the reader: adds what needs the
	 * database for the page's items together (the deadlines of a page of
	 * tickets, computed from their events).  0, or -1 (a 500); may be NULL. */
	int (*page)(fk_db *db, json_t *items);
	fk_list_audit audit;
} fk_list;

/* The keying most lists of records share: the region asked for by
 * ?region=, scoped by a column, paged by an integer id:
 * `FK_LIST_KEYED("a.grid", "a.id")` stands for .region = "region",
 * .scope = "a.grid", .key = FK_KEY_ID, .id = "a.id", and
 * `FK_LIST_REGION_ID("t")` for FK_LIST_KEYED("t.region", "t.id"). */
#define FK_LIST_KEYED(scope_col, id_col) .region = "region", .scope = scope_col, .key = FK_KEY_ID, .id = id_col
#define FK_LIST_REGION_ID(alias) FK_LIST_KEYED(alias ".region", alias ".id")

/* The input of a list, as name → value (NULL when absent): query
 * parameters, or path parameters for a list under a path. */
typedef const char *(*fk_list_get)(void *ctx, const char *name);

/* fk_list_get over an array of name, value pairs ending with NULL (ctx:
 * `const char *const in[] = { "state", "open", NULL };`); ctx NULL: no input. */
const char *fk_list_arg(void *ctx, const char *name);

/* A query under construction, for check and custom filters. */
struct fk_list_q {
	fk_db *db;
	const fk_actor *who;
	fk_range range;  /* the scope range (range.base "" and hi "~": anywhere) */
	fk_strbuf where; /* " AND …" conditions so far */
	fk_val v[24];
	int n;
	bool full;       /* more values than v holds: the query is not run (500) */
	fk_arena arena;  /* memory for bound values, released after the query */
};

/* Appends " AND cond" with each ? replaced by the next $N, bound to vals[i].
 * At most 4 values; the list declares few enough that they fit. */
void fk_list_where(fk_list_q *q, const char *cond, const fk_val *vals);

#define FK_LIST_REVEAL 1u /* personal columns in the clear */

/* One page of list l for who, with the filters get reads: {"items": […],
 * "next": cursor or null}.  NULL with e set: 404 when the region is not in
 * scope, 400 naming the filter (or "after") that does not fit its
 * declaration, 500 on a database error. */
json_t *fk_list_run(fk_db *db, const fk_actor *who, const fk_list *l, fk_list_get get, void *ctx,
		    const fk_page *page, unsigned flags, fk_err *e);

/* One record of l by its id (l->id): the row as the list renders it (its
 * columns and row hook).  NULL with e set: 404 "<what> not found" when no
 * such record exists or it lies outside who's scope (the same answer), 500
 * on a database error.  The record pages (a case, a household, an alert)
 * are the lists' rows: one declaration serves both. */
json_t *fk_list_one(fk_db *db, const fk_actor *who, const fk_list *l, int64_t id, const char *what,
		    unsigned flags, fk_err *e);

/* Sets obj[key] to the rows of l (up to FK_PAGE_MAX) whose filter is id:
 * the records under one record (a donation's allocations).  Returns 0, or
 * -1 with e set (obj unchanged). */
int fk_list_attach(fk_db *db, const fk_actor *who, json_t *obj, const char *key, const fk_list *l,
		   const char *filter, int64_t id, fk_err *e);

/* The region the input asks for ("root" read as ""), NULL when absent. */
const char *fk_list_region(const fk_list *l, fk_list_get get, void *ctx);

/* The audit detail of a read of l that answered rows rows: the filters
 * declared FK_FO_AUDIT*, the region when declared, and "rows".  New
 * reference. */
json_t *fk_list_detail(const fk_list *l, fk_list_get get, void *ctx, size_t rows);

#endif
