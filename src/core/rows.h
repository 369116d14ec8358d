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

/* Cursor encoding: key text ⇄ base64url.  decode returns NULL when the
 * cursor is not one this server made. */
char *fk_cursor_encode(fk_arena *a, const char *key);
char *fk_cursor_decode(fk_arena *a, const char *cursor);

#endif
