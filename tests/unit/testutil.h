/* testutil.h - what several unit tests share: a throwaway database in a
 * temporary directory, migrated to the newest schema.
 *
 * Header-only (static functions) because the Makefile builds each
 * tests/unit/<dir>/<name>.c into its own binary; include it as
 * "../testutil.h" after <cmocka.h>.
 */
#ifndef FK_TESTUTIL_H
#define FK_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"
#include "util/log.h"

typedef struct tu_db {
	char dir[256];  /* the temporary directory */
	char path[768]; /* dir/test.db, or on PostgreSQL the target of its schema */
	char file[320]; /* dir/test.db on either engine: the key files' stem */
	char schema[64]; /* PostgreSQL: the schema of its own ("" on SQLite) */
	fk_db *db;
} tu_db;

/* FK_TEST_PG (a libpq target; scripts/with-pg.sh sets it) runs the tests
 * that use tu_db on PostgreSQL: each database is a schema of its own there,
 * named in the target's search_path, dropped at the end. */
static inline const char *tu_pg(void)
{
	const char *t = getenv("FK_TEST_PG");
	return t && *t ? t : NULL;
}

/* Removes every file in dir, then dir (one level: tests create no more). */
static inline void tu_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			char p[1024];
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Makes a fresh temporary directory; dir must hold 256 bytes. */
static inline void tu_mkdtemp(char *dir)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, 256, "%s/fk-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* Creates a temporary database, migrated when migrate is true.  Temp
 * databases run with synchronous=NORMAL: durability is not under test. */
static inline tu_db *tu_db_new(int migrate)
{
	setenv("FK_SYNC", "NORMAL", 1);
	fk_log_set_quiet(1);
	tu_db *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	tu_mkdtemp(t->dir);
	snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
	snprintf(t->file, sizeof(t->file), "%s/test.db", t->dir);
	if (tu_pg()) {
		static int n;
		snprintf(t->schema, sizeof(t->schema), "unit_%d_%d", (int)getpid(), ++n);
		fk_db *admin;
		char sql[128];
		assert_int_equal(fk_db_open(&admin, tu_pg(), false), 0);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", t->schema);
		assert_int_equal(fk_db_exec(admin, sql), 0);
		fk_db_close(admin);
		snprintf(t->path, sizeof(t->path), "%s options='-c search_path=%s'", tu_pg(), t->schema);
	}
	assert_int_equal(fk_db_open(&t->db, t->path, false), 0);
	if (migrate) {
		int applied = -1;
		assert_int_equal(fk_migrate(t->db, &applied), 0);
		/* every migration applied once: as many as the binary carries
		 * (numbers may skip one a branch has not merged yet) */
		int carried = 0;
		for (const fk_migration *m = fk_migrations; m->version; m++)
			carried++;
		assert_int_equal(applied, carried);
	}
	return t;
}

static inline void tu_db_free(tu_db *t)
{
	if (!t)
		return;
	fk_db_close(t->db);
	if (t->schema[0]) {
		fk_db *admin;
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", t->schema);
		if (fk_db_open(&admin, tu_pg(), false) == 0) {
			fk_db_exec(admin, sql);
			fk_db_close(admin);
		}
	}
	tu_rmdir(t->dir);
	free(t);
}

/* Runs DDL written in SQLite's dialect on t's engine, through the one
 * table of engine differences (fk_schema_sql). */
static inline int tu_ddl(tu_db *t, const char *sql)
{
	char *x = fk_schema_sql(fk_db_engine(t->db), sql);
	int rc = fk_db_exec(t->db, x);
	free(x);
	return rc;
}

/* A bare person (no household) in region; returns the id. */
static inline int64_t tu_person(fk_db *db, const char *region, const char *name)
{
	int64_t id = 0;
	assert_int_equal(fk_db_int64(db, &id,
				     "INSERT INTO persons (region, name, created_at, updated_at) VALUES ($1, $2, 0, 0)"
				     " RETURNING id",
				     "ss", region, name),
			 FK_ROW);
	return id;
}

/* Writes text to dir/name. */
static inline void tu_write_file(const char *dir, const char *name, const char *text)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

#endif
