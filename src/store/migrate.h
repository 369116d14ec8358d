/* migrate.h - numbered schema migrations carried in the binary. */
#ifndef FK_MIGRATE_H
#define FK_MIGRATE_H

#include "store/db.h"

typedef struct fk_migration {
	int version;
	const char *name;
	const char *sql;
} fk_migration;

/* Terminated by an entry with version 0 (generated from schema/). */
extern const fk_migration fk_migrations[];

/* Applies every migration newer than the database's version, all in one
 * transaction: either the database reaches the newest version or it is left
 * as it was.  *applied (may be NULL) receives how many ran.  Returns 0 or -1. */
int fk_migrate(fk_db *db, int *applied);

/* The database's schema version (0 for an empty database), or -1. */
int fk_schema_version(fk_db *db);

/* The newest version this binary knows. */
int fk_schema_latest(void);

/* A migration's SQL as engine ("sqlite", "postgresql") runs it (see
 * migrate.c: the one table of differences).  Returns a malloc'd string. */
char *fk_schema_sql(const char *engine, const char *sql);

#endif
