/* test_db.c - the storage driver (store/db.h) over SQLite: migrations,
 * binding formats, the per-connection statement cache, error mapping,
 * transactions and savepoints, and the $N → ?N rewriting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testutil.h"
#include "store/db.h"
#include "store/migrate.h"

static int setup(void **state)
{
	tu_db *t = tu_db_new(1);
	assert_int_equal(tu_ddl(t, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)"), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tu_db_free(*state);
	return 0;
}

static void test_migrate_once(void **state)
{
	tu_db *t = *state;
	assert_true(fk_schema_latest() >= 1);
	assert_int_equal(fk_schema_version(t->db), fk_schema_latest());
	int applied = -1;
	assert_int_equal(fk_migrate(t->db, &applied), 0);
	assert_int_equal(applied, 0); /* nothing new the second time */
	assert_int_equal(fk_schema_version(t->db), fk_schema_latest());
	/* The foundation migration creates the country. */
	int64_t n = -1;
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT count(*) FROM regions WHERE code = ''", ""), FK_ROW);
	assert_int_equal(n, 1);
}

static void test_schema_version_of_empty_db(void **state)
{
	(void)state;
	tu_db *e = tu_db_new(0);
	assert_int_equal(fk_schema_version(e->db), 0);
	tu_db_free(e);
}

static void test_bind_formats(void **state)
{
	tu_db *t = *state;
	fk_stmt *st;
	static const unsigned char blob[] = { 0x00, 0xff, 0x10, 0x00 };
	bool pg = strcmp(fk_db_engine(t->db), "postgresql") == 0;
	assert_int_equal(fk_db_query(t->db, &st,
				     pg ? "SELECT $1, $2, $3, $4, $5, $6, pg_typeof($1)::text, pg_typeof($2)::text,"
					  " pg_typeof($3)::text, pg_typeof($4)::text, pg_typeof($5)::text, pg_typeof($6)::text"
					: "SELECT $1, $2, $3, $4, $5, $6, typeof($1), typeof($2), typeof($3), typeof($4),"
					  " typeof($5), typeof($6)",
				     "idsbns", (int64_t)-9007199254740993LL, 2.5, "网格 '$1'", blob, sizeof(blob),
				     (const char *)NULL),
			 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	assert_int_equal(fk_stmt_columns(st), 12);
	assert_int_equal(fk_stmt_type(st, 0), FK_COL_INT);
	assert_int_equal(fk_stmt_int64(st, 0), -9007199254740993LL);
	assert_int_equal(fk_stmt_type(st, 1), FK_COL_FLOAT);
	assert_true(fk_stmt_double(st, 1) == 2.5);
	assert_int_equal(fk_stmt_type(st, 2), FK_COL_TEXT);
	assert_string_equal(fk_stmt_text(st, 2), "网格 '$1'");
	assert_int_equal(fk_stmt_type(st, 3), FK_COL_BLOB);
	size_t n = 0;
	const void *p = fk_stmt_blob(st, 3, &n);
	assert_int_equal(n, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_true(fk_stmt_is_null(st, 4));
	assert_true(fk_stmt_is_null(st, 5)); /* 's' with NULL binds NULL */
	assert_string_equal(fk_stmt_text(st, 4), ""); /* never NULL */
	/* the types the values were bound as (on PostgreSQL, where the SQL
	 * says none, those the driver declares: NULL stays text) */
	assert_string_equal(fk_stmt_text(st, 6), pg ? "bigint" : "integer");
	assert_string_equal(fk_stmt_text(st, 7), pg ? "double precision" : "real");
	assert_string_equal(fk_stmt_text(st, 8), "text");
	assert_string_equal(fk_stmt_text(st, 9), pg ? "bytea" : "blob");
	assert_string_equal(fk_stmt_text(st, 10), pg ? "text" : "null");
	assert_string_equal(fk_stmt_text(st, 11), pg ? "text" : "null");
	assert_int_equal(fk_stmt_step(st), FK_DONE);
	fk_stmt_done(st);
}

static void test_bad_format_char(void **state)
{
	tu_db *t = *state;
	fk_stmt *st = NULL;
	assert_true(fk_db_query(t->db, &st, "SELECT $1", "x", 1) < 0);
	assert_null(st);
}

static void test_column_names(void **state)
{
	tu_db *t = *state;
	fk_stmt *st;
	assert_int_equal(fk_db_query(t->db, &st, "SELECT 1 AS one, 'x' AS two", ""), 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	assert_string_equal(fk_stmt_name(st, 0), "one");
	assert_string_equal(fk_stmt_name(st, 1), "two");
	fk_stmt_done(st);
}

static void test_statement_cache_reuse(void **state)
{
	tu_db *t = *state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k, v) VALUES ($1, $2)", "si",
					   (const char *[]){ "a", "b", "c" }[i], (int64_t)i),
				 0);
	const char *sql = "SELECT k FROM t WHERE v >= $1 ORDER BY k";
	fk_stmt *s1, *s2, *s3;
	assert_int_equal(fk_db_query(t->db, &s1, sql, "i", (int64_t)0), 0);
	assert_int_equal(fk_stmt_step(s1), FK_ROW);
	assert_string_equal(fk_stmt_text(s1, 0), "a");
	assert_int_equal(fk_stmt_step(s1), FK_ROW);
	assert_string_equal(fk_stmt_text(s1, 0), "b");

	/* The same text gives the same statement, reset and freshly bound. */
	assert_int_equal(fk_db_query(t->db, &s2, sql, "i", (int64_t)1), 0);
	assert_ptr_equal(s1, s2);
	assert_int_equal(fk_stmt_step(s2), FK_ROW);
	assert_string_equal(fk_stmt_text(s2, 0), "b");
	fk_stmt_done(s2);

	/* Another text is another statement, and does not disturb the first. */
	char other[64];
	snprintf(other, sizeof(other), "%s", sql); /* same text, another buffer */
	assert_int_equal(fk_db_query(t->db, &s3, other, "i", (int64_t)2), 0);
	assert_ptr_equal(s3, s1); /* keyed by text, not by pointer */
	assert_int_equal(fk_stmt_step(s3), FK_ROW);
	assert_string_equal(fk_stmt_text(s3, 0), "c");
	assert_int_equal(fk_stmt_step(s3), FK_DONE);

	fk_stmt *s4;
	assert_int_equal(fk_db_query(t->db, &s4, "SELECT count(*) FROM t", ""), 0);
	assert_ptr_not_equal(s4, s1);
	fk_stmt_done(s4);

	/* After FK_DONE the statement was reset: stepping again starts over
	 * with the bindings cleared by the next query. */
	assert_int_equal(fk_db_query(t->db, &s1, sql, "i", (int64_t)0), 0);
	int rows = 0;
	while (fk_stmt_step(s1) == FK_ROW)
		rows++;
	assert_int_equal(rows, 3);
}

static void test_many_distinct_statements(void **state)
{
	/* More distinct texts than the cache holds: it starts over, and every
	 * statement still works. */
	tu_db *t = *state;
	for (int i = 0; i < 600; i++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT %d + $1", i);
		int64_t v = -1;
		assert_int_equal(fk_db_int64(t->db, &v, sql, "i", (int64_t)1), FK_ROW);
		assert_int_equal(v, i + 1);
	}
}

static void test_int64_helper(void **state)
{
	tu_db *t = *state;
	int64_t v = 77;
	assert_int_equal(fk_db_int64(t->db, &v, "SELECT v FROM t WHERE k = $1", "s", "missing"), FK_DONE);
	assert_int_equal(v, 77); /* untouched when no row */
	assert_true(fk_db_int64(t->db, &v, "SELECT nosuchcolumn FROM t", "") < 0);
}

static void test_constraint(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k, v) VALUES ($1, $2)", "si", "dup", (int64_t)1), 0);
	assert_int_equal(fk_db_changes(t->db), 1);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k, v) VALUES ($1, $2)", "si", "dup", (int64_t)2),
			 FK_DB_CONSTRAINT);
	/* Also through RETURNING, as modules insert. */
	int64_t id;
	assert_int_equal(fk_db_int64(t->db, &id, "INSERT INTO t (k, v) VALUES ($1, 3) RETURNING v", "s", "dup"),
			 FK_DB_CONSTRAINT);
	/* NOT NULL and foreign key violations map the same way. */
	assert_int_equal(fk_db_run(t->db,
				   "INSERT INTO users (username, password_hash, role, region, created_at, updated_at)"
				   " VALUES (NULL, 'h', 'admin', '', 0, 0)",
				   ""),
			 FK_DB_CONSTRAINT);
	assert_int_equal(fk_db_run(t->db,
				   "INSERT INTO users (username, password_hash, role, region, created_at, updated_at)"
				   " VALUES ('u', 'h', 'admin', 'nowhere', 0, 0)",
				   ""),
			 FK_DB_CONSTRAINT);
	/* The connection is still usable. */
	int64_t n = 0;
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT v FROM t WHERE k = 'dup'", ""), FK_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(fk_db_exec(t->db, "INSERT INTO t (k, v) VALUES ('dup', 9)"), FK_DB_CONSTRAINT);
	assert_int_equal(fk_db_exec(t->db, "THIS IS NOT SQL"), FK_DB_ERROR);
}

static int64_t count_t(fk_db *db)
{
	int64_t n = -1;
	assert_int_equal(fk_db_int64(db, &n, "SELECT count(*) FROM t", ""), FK_ROW);
	return n;
}

static void test_transactions_and_savepoints(void **state)
{
	tu_db *t = *state;
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('keep')", ""), 0);

	assert_int_equal(fk_db_savepoint(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('undo')", ""), 0);
	assert_int_equal(count_t(t->db), 2);
	assert_int_equal(fk_db_rollback_to(t->db), 0);
	assert_int_equal(count_t(t->db), 1);

	assert_int_equal(fk_db_savepoint(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('released')", ""), 0);
	assert_int_equal(fk_db_release(t->db), 0);

	/* A savepoint after a constraint failure inside it. */
	assert_int_equal(fk_db_savepoint(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('x1')", ""), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('keep')", ""), FK_DB_CONSTRAINT);
	assert_int_equal(fk_db_rollback_to(t->db), 0);

	assert_int_equal(fk_db_commit(t->db), 0);
	assert_int_equal(count_t(t->db), 2);
	int64_t n = 0;
	assert_int_equal(fk_db_int64(t->db, &n, "SELECT count(*) FROM t WHERE k IN ('undo', 'x1')", ""), FK_ROW);
	assert_int_equal(n, 0);

	/* A whole transaction rolled back leaves nothing. */
	assert_int_equal(fk_db_begin(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('gone')", ""), 0);
	assert_int_equal(fk_db_rollback(t->db), 0);
	assert_int_equal(count_t(t->db), 2);
}

static void test_second_connection_sees_commits(void **state)
{
	tu_db *t = *state;
	fk_db *r;
	assert_int_equal(fk_db_open(&r, t->path, true), 0);
	assert_int_equal(count_t(r), 0);
	assert_int_equal(fk_db_begin_write(t->db), 0);
	assert_int_equal(fk_db_run(t->db, "INSERT INTO t (k) VALUES ('w')", ""), 0);
	assert_int_equal(count_t(r), 0); /* not yet committed */
	assert_int_equal(fk_db_commit(t->db), 0);
	assert_int_equal(count_t(r), 1);
	/* A read-only connection cannot write. */
	assert_true(fk_db_run(r, "INSERT INTO t (k) VALUES ('r')", "") < 0);
	fk_db_close(r);
}

static void test_open_failures(void **state)
{
	(void)state;
	fk_db *db = NULL;
	assert_true(fk_db_open(&db, "/nonexistent-dir/x/y.db", false) < 0);
	assert_true(fk_db_open(&db, "postgresql://localhost/fk", false) < 0);
	fk_db_close(NULL); /* harmless */
}

/* A duty lock is held by one connection (one instance) at a time, to the
 * end of its transaction; SQLite has one writing process: always granted. */
static void test_duty_lock(void **state)
{
	tu_db *t = *state;
	fk_db *other;
	assert_int_equal(fk_db_open(&other, t->path, false), 0);
	bool pg = strcmp(fk_db_engine(t->db), "postgresql") == 0;
	assert_int_equal(fk_db_begin(t->db), 0);
	assert_int_equal(fk_db_duty_lock(t->db, 42), 1);
	if (pg) {
		assert_int_equal(fk_db_begin(other), 0);
		assert_int_equal(fk_db_duty_lock(other, 42), 0); /* held by the first */
		assert_int_equal(fk_db_duty_lock(other, 43), 1); /* another duty */
		assert_int_equal(fk_db_commit(other), 0);
	}
	assert_int_equal(fk_db_commit(t->db), 0);
	if (pg) {
		assert_int_equal(fk_db_begin(other), 0);
		assert_int_equal(fk_db_duty_lock(other, 42), 1); /* released at the commit */
		assert_int_equal(fk_db_commit(other), 0);
	}
	fk_db_close(other);
}

static void check_redact(const char *in, const char *want)
{
	char out[256];
	fk_db_redact(in, out, sizeof(out));
	assert_string_equal(out, want);
}

/* Which targets are servers, and what of them may be shown. */
static void test_server_targets(void **state)
{
	(void)state;
	assert_true(fk_db_is_server("postgresql://fk@db/fk"));
	assert_true(fk_db_is_server("postgres://fk@db/fk"));
	assert_true(fk_db_is_server("host=/run/postgresql dbname=fk"));
	assert_true(fk_db_is_server("dbname=fk"));
	assert_false(fk_db_is_server("var/fangkong.db"));
	assert_false(fk_db_is_server("/tmp/a=b.db"));
	assert_false(fk_db_is_server(""));
	check_redact("postgresql://fk:s3cret@db:5432/fk", "postgresql://fk:***@db:5432/fk");
	check_redact("postgresql://fk@db/fk?password=s3cret&sslmode=require",
		     "postgresql://fk@db/fk?password=***&sslmode=require");
	check_redact("host=db password=s3cret dbname=fk", "host=db password=*** dbname=fk");
	check_redact("host=db password='s3 cr\\'et' dbname=fk", "host=db password=*** dbname=fk");
	check_redact("postgresql://fk@/fk?host=/run/postgresql", "postgresql://fk@/fk?host=/run/postgresql");
	check_redact("var/fangkong.db", "var/fangkong.db");
	check_redact("host=db mypassword=x", "host=db mypassword=x");
}

static void check_schema(const char *engine, const char *in, const char *want)
{
	char *out = fk_schema_sql(engine, in);
	assert_string_equal(out, want);
	free(out);
}

/* The one table of engine differences in migrations (migrate.c). */
static void test_schema_translation(void **state)
{
	(void)state;
	const char *sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, h BLOB, x REAL,"
			  " s TEXT DEFAULT 'INTEGER BLOB', INTEGERS TEXT); -- an INTEGER's comment\n";
	check_schema("sqlite", sql, sql);
	check_schema("postgresql", sql,
		     "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL,"
		     " h BYTEA, x DOUBLE PRECISION, s TEXT DEFAULT 'INTEGER BLOB', INTEGERS TEXT);"
		     " -- an INTEGER's comment\n");
	const char *blocks = "A;\n-- @sqlite\nS;\n-- @end\n-- @postgresql\nP INTEGER;\n-- @end\nB;\n";
	check_schema("sqlite", blocks, "A;\nS;\nB;\n");
	check_schema("postgresql", blocks, "A;\nP BIGINT;\nB;\n");
	/* every migration translates to something (the PostgreSQL runs prove it builds) */
	for (const fk_migration *m = fk_migrations; m->version; m++) {
		char *pg = fk_schema_sql("postgresql", m->sql);
		assert_non_null(strstr(pg, "CREATE") ? pg : strstr(pg, "ALTER") ? pg : strstr(pg, "INSERT") ? pg : NULL);
		assert_null(strstr(pg, " BLOB"));
		free(pg);
	}
}

static void check_rewrite(const char *in, const char *want)
{
	char *out = fk_sql_rewrite_params(in);
	assert_string_equal(out, want);
	free(out);
}

static void test_rewrite_params(void **state)
{
	(void)state;
	check_rewrite("SELECT $1, $2", "SELECT ?1, ?2");
	check_rewrite("SELECT $10 + $9", "SELECT ?10 + ?9");
	check_rewrite("SELECT '$1'", "SELECT '$1'");
	check_rewrite("SELECT 'it''s $1', $1", "SELECT 'it''s $1', ?1");
	check_rewrite("SELECT \"$1\" FROM x WHERE a = $1", "SELECT \"$1\" FROM x WHERE a = ?1");
	check_rewrite("SELECT '\"', $1", "SELECT '\"', ?1"); /* a double quote inside a literal */
	check_rewrite("SELECT $a, $, 5$", "SELECT $a, $, 5$");
	check_rewrite("SELECT $1$2", "SELECT ?1?2");
	check_rewrite("", "");
	check_rewrite("$", "$");
	check_rewrite("'$1", "'$1"); /* unterminated literal: left alone */
}

static void test_rewritten_literal_reaches_sqlite(void **state)
{
	/* '$1' inside a literal stays a literal when executed. */
	tu_db *t = *state;
	fk_stmt *st;
	assert_int_equal(fk_db_query(t->db, &st, "SELECT '$1', $1", "s", "param"), 0);
	assert_int_equal(fk_stmt_step(st), FK_ROW);
	assert_string_equal(fk_stmt_text(st, 0), "$1");
	assert_string_equal(fk_stmt_text(st, 1), "param");
	fk_stmt_done(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_once, setup, teardown),
		cmocka_unit_test(test_schema_version_of_empty_db),
		cmocka_unit_test_setup_teardown(test_bind_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_format_char, setup, teardown),
		cmocka_unit_test_setup_teardown(test_column_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_distinct_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int64_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions_and_savepoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_connection_sees_commits, setup, teardown),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test(test_rewrite_params),
		cmocka_unit_test(test_server_targets),
		cmocka_unit_test_setup_teardown(test_duty_lock, setup, teardown),
		cmocka_unit_test(test_schema_translation),
		cmocka_unit_test_setup_teardown(test_rewritten_literal_reaches_sqlite, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
