/* rows.h - turning query results into JSON, and keyset pages.
 *
 * Modules name their result columns as the API's field names (SELECT code,
 * name AS name, …); fk_row_json renders a row from those names and the
 * column types, so no handler writes per-field JSON by hand.  Lists are paged
 * by key: the query orders by its first column and reads limit+1 rows; when
 * the extra row exists, the cursor for the next page is the last returned
 * row's first column, opaque to the client (base64url).
 */
#ifndef FK_ROWS_H
#define FK_ROWS_H

#include <jansson.h>

#include "store/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strbuf.h"

#define FK_PAGE_DEFAULT 100
#define FK_PAGE_MAX 1000

typedef struct fk_page {
	int limit;         /* 1..FK_PAGE_MAX */
	const char *after; /* decoded key, or NULL for the first page */
} fk_page;

/* One row as an object: integer columns as numbers, text as strings, NULL as
 * null.  Columns whose name starts with '_' are left out (internal keys). */
json_t *fk_row_json(fk_stmt *st);

/* Steps st for up to page->limit rows into a new {"items":[…],"next":…}
 * object.  Returns NULL on a database error (the statement is reset). */
json_t *fk_rows_page(fk_stmt *st, const fk_page *page);

/* The integer key of a page's cursor (lists ordered by id): none when the
 * page is the first, the key otherwise.  Returns 0, or -1 with a 400 naming
 * "after" when the cursor holds no positive integer. */
int fk_page_int(const fk_page *page, int64_t none, int64_t *out, struct fk_err *e);

/* Renders one row of st (a declared resource, see fk_column). */
typedef json_t *(*fk_row_fn)(fk_stmt *st, void *ctx);

/* Like fk_rows_page, but the key is the first nkeys columns joined by '|'
 * (name them with a leading '_' to keep them out of the items), and each
 * row is rendered by fn (NULL: fk_row_json). */
json_t *fk_rows_page_ex(fk_stmt *st, const fk_page *page, int nkeys, fk_row_fn fn, void *ctx);

/* Splits a composite key made by fk_rows_page_ex into n parts at the last
 * n-1 separators (the first part may itself hold '|').  Returns 0, or -1
 * when there are too few parts or one is longer than FK_KEY_PART - 1. */
#define FK_KEY_PART 256
int fk_key_split(const char *key, int n, char (*parts)[FK_KEY_PART]);

/* For a (text, id) key from fk_key_split ({"", "0"} when there is no
 * cursor): raises key[0] to floor when it sorts below it — the lower end of
 * the range asked for, which a cursor cannot take a page below — and
 * returns the id the page starts after (0 when raised: ids are positive).
 * The query's bound is then the one row value (col, id) > (key[0], id). */
int64_t fk_key_floor(char (*key)[FK_KEY_PART], const char *floor);

/* ---- declared resources ---- */

/* How a column of a declared resource is rendered. */
typedef enum fk_ckind {
	FK_C_INT,   /* integer (NULL → null) */
	FK_C_TEXT,  /* text (NULL → null) */
	FK_C_BOOL,  /* 0/1 → false/true */
	FK_C_DATE,  /* day number → "YYYY-MM-DD" */
	FK_C_BITS,  /* bit set → array of names (bits[i] is bit 1<<i) */
	FK_C_DOC,   /* personal: encrypted document number → masked, or plain when revealed */
	FK_C_PHONE, /* personal: encrypted phone → masked, or plain when revealed */
	FK_C_TEMP,  /* tenths of a degree → number with one decimal */
	FK_C_JSON,  /* text holding JSON → the JSON value */
} fk_ckind;

typedef struct fk_column {
	const char *name; /* the API field */
	fk_ckind kind;
	const char *const *bits; /* FK_C_BITS: names, NULL-terminated */
} fk_column;

#define FK_RENDER_REVEAL 1u /* personal columns in the clear */

typedef struct fk_render {
	const fk_column *cols; /* terminated by a NULL name */
	int first;             /* statement column of cols[0] */
	unsigned flags;
} fk_render;

/* fk_row_fn for a declared resource; ctx is an fk_render. */
json_t *fk_row_render(fk_stmt *st, void *ctx);

/* Appends one CSV line for a rendered row (an object from fk_row_render):
 * its values in key order, arrays joined by ';', null as empty; quoted per
 * RFC 4180, and a cell starting with = + - @ prefixed with ' so that a
 * spreadsheet never runs it as a formula.  header: write the keys instead. */
void fk_csv_line(struct fk_strbuf *out, const json_t *row, bool header);
/* The header line of a declared resource: its column names. */
void fk_csv_header(struct fk_strbuf *out, const fk_column *cols);

/* Bit sets from and to JSON arrays of names.  from: returns 0, or -1 with
 * e naming field when an entry is not a known name. */
int fk_bits_from_json(const json_t *arr, const char *const *names, const char *field, int64_t *out,
		      struct fk_err *e);
json_t *fk_bits_to_json(int64_t bits, const char *const *names);

/* Cursor encoding: key text ⇄ base64url.  decode returns NULL when the
 * cursor is not one this server made. */
char *fk_cursor_encode(fk_arena *a, const char *key);
char *fk_cursor_decode(fk_arena *a, const char *cursor);

#endif
