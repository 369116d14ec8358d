/* migrate.c - applies schema/NNN_*.sql in order inside one transaction,
 * recording each in schema_migrations. */
#include "store/migrate.h"

#include <time.h>

#include "util/log.h"

static const char create_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

int fk_schema_latest(void)
{
	int v = 0;
	for (const fk_migration *m = fk_migrations; m->version; m++)
		v = m->version;
	return v;
}

int fk_schema_version(fk_db *db)
{
	int64_t v = 0;
	int rc = fk_db_int64(db, &v,
			     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
			     "");
	if (rc < 0)
		return -1;
	if (v == 0)
		return 0;
	rc = fk_db_int64(db, &v, "SELECT coalesce(max(version), 0) FROM schema_migrations", "");
	return rc < 0 ? -1 : (int)v;
}

int fk_migrate(fk_db *db, int *applied)
{
	int n = 0, rc = -1;
	if (applied)
		*applied = 0;
	/* A migration may rebuild a table others refer to (SQLite's way to
	 * change a column): foreign keys are not enforced while migrations run
	 * (the pragma has no effect inside a transaction) and are checked as a
	 * whole before the commit. */
	if (fk_db_exec(db, "PRAGMA foreign_keys=OFF") < 0)
		return -1;
	if (fk_db_begin_write(db) < 0)
		goto fk_on;
	if (fk_db_exec(db, create_table) < 0)
		goto out;
	int have = fk_schema_version(db);
	if (have < 0)
		goto out;
	if (have > fk_schema_latest()) {
		fk_log_err("database schema version %d is newer than this binary's %d", have,
			   fk_schema_latest());
		goto out;
	}
	for (const fk_migration *m = fk_migrations; m->version; m++) {
		if (m->version <= have)
			continue;
		if (fk_db_exec(db, m->sql) < 0) {
			fk_log_err("migration %s failed", m->name);
			goto out;
		}
		if (fk_db_run(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			      "isi", (int64_t)m->version, m->name, (int64_t)time(NULL)) < 0)
			goto out;
		n++;
	}
	if (n) {
		int64_t broken = 0;
		if (fk_db_int64(db, &broken, "SELECT count(*) FROM pragma_foreign_key_check", "") < 0)
			goto out;
		if (broken) {
			fk_log_err("migrations left %lld rows referring to missing rows", (long long)broken);
			goto out;
		}
	}
	rc = 0;
out:
	if (rc == 0 && fk_db_commit(db) < 0)
		rc = -1;
	if (rc < 0)
		fk_db_rollback(db);
	else if (applied)
		*applied = n;
fk_on:
	if (fk_db_exec(db, "PRAGMA foreign_keys=ON") < 0)
		rc = -1;
	return rc;
}
