/* db_internal.h - what a driver's connection and statement structs start
 * with, so db.c can dispatch.  Only drivers include this. */
#ifndef FK_DB_INTERNAL_H
#define FK_DB_INTERNAL_H

#include "store/db.h"

struct fk_db {
	const fk_db_driver *drv;
};

struct fk_stmt {
	const fk_db_driver *drv;
	fk_db *db;
};

extern const fk_db_driver fk_db_sqlite_driver;

#endif
