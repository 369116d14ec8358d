/* db_internal.h - what a driver's connection and statement structs start
 * with, so db.c can dispatch.  Only drivers include this. */
#ifndef FK_DB_INTERNAL_H
#define FK_DB_INTERNAL_H

#include "store/db.h"

struct fk_db {
	const fk_db_driver *drv;
	bool busy; /* a statement met FK_DB_BUSY since fk_db_take_busy */
};

struct fk_stmt {
	const fk_db_driver *drv;
	fk_db *db;
	char *sql; /* the cache's key: the caller's SQL text */
	unsigned hash;
};

/* A connection's prepared statements by SQL text (open addressing).
 * Statements are never dropped while the connection lives (a caller may be
 * stepping one), so it grows with the distinct SQL texts: a few hundred,
 * bounded by the code's own SQL. */
typedef struct fk_stmt_cache {
	fk_stmt **slots;
	unsigned nslots, used;
} fk_stmt_cache;

/* The statement cached for sql, or NULL; *slot then says where to put it
 * (fk_stmt_cache_put) and *hash its hash. */
fk_stmt *fk_stmt_cache_find(fk_stmt_cache *c, const char *sql, unsigned *hash, unsigned *slot);
/* Fills s's base for driver drv and connection db and keeps it at the slot
 * fk_stmt_cache_find gave for sql (whose hash it gave too). */
void fk_stmt_cache_put(fk_stmt_cache *c, fk_stmt *s, const fk_db_driver *drv, fk_db *db, const char *sql,
		       unsigned hash, unsigned slot);
/* Calls free_stmt on every statement and empties the cache. */
void fk_stmt_cache_clear(fk_stmt_cache *c, void (*free_stmt)(fk_stmt *));

extern const fk_db_driver fk_db_sqlite_driver;
extern const fk_db_driver fk_db_pg_driver;

#endif
