/* purge.c - erasing personal data past its retention (see purge.h).
 * Expected load: an operator's command run rarely, over the whole
 * database; each step is one set-based statement. */
#include "core/retention/purge.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "core/base/actor.h"
#include "core/base/audit.h"
#include "util/date.h"
#include "util/log.h"

/* The persons kept because a record of theirs is open, and those whose
 * every record closed before the cutoff (and who changed nothing since). */
static const char open_sql[] =
	"INSERT INTO purge_open (id) SELECT p.id FROM persons p WHERE"
	" EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.outcome = 'under_treatment'"
	"         AND c.category <> 'excluded')"
	" OR EXISTS (SELECT 1 FROM observations o WHERE o.person_id = p.id AND o.state = 'active')"
	" OR EXISTS (SELECT 1 FROM alerts a WHERE a.person_id = p.id AND a.state = 'open')";

static const char due_sql[] =
	"INSERT INTO purge_due (id) SELECT p.id FROM persons p WHERE p.purged_at IS NULL AND p.updated_at < $2"
	" AND p.id NOT IN (SELECT id FROM purge_open)"
	" AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.updated_at >= $2)"
	" AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.person_id = p.id AND o.end_day >= $1)"
	" AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.person_id = p.id AND k.last_exposure >= $1)"
	" AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.person_id = p.id AND a.day >= $1)"
	" AND NOT EXISTS (SELECT 1 FROM findings f JOIN screenings s ON s.id = f.screening_id"
	"                 WHERE f.person_id = p.id AND s.day >= $1)";

/* One erasing step: its statement, whose one parameter $1 (if any) is the
 * cutoff day or the time now, and where its count goes. */
typedef enum { ARG_NONE, ARG_DAY, ARG_NOW } step_arg;
typedef struct step {
	const char *sql;
	step_arg arg;
	size_t count; /* offset into fk_purge_counts */
} step;

#define AT(f) offsetof(fk_purge_counts, f)

static const step steps[] = {
	{ "DELETE FROM findings WHERE person_id NOT IN (SELECT id FROM purge_open)"
	  " AND screening_id IN (SELECT id FROM screenings WHERE day < $1)",
	  ARG_DAY, AT(findings) },
	{ "DELETE FROM followups WHERE observation_id IN (SELECT id FROM observations WHERE state <> 'active'"
	  " AND end_day < $1 AND person_id NOT IN (SELECT id FROM purge_open))",
	  ARG_DAY, AT(followups) },
	{ "UPDATE alerts SET temp_dc = NULL WHERE state = 'closed' AND day < $1 AND temp_dc IS NOT NULL"
	  " AND person_id NOT IN (SELECT id FROM purge_open)",
	  ARG_DAY, AT(alerts) },
	{ "UPDATE case_events SET reason = '' WHERE reason <> '' AND case_id IN (SELECT c.id FROM cases c"
	  " JOIN purge_due d ON d.id = c.person_id)",
	  ARG_NONE, AT(case_events) },
	{ "UPDATE persons SET name = '', birth_year = NULL, doc_enc = NULL, doc_hash = NULL, doc_sfx = NULL,"
	  " phone_enc = NULL, phone_hash = NULL, phone_sfx = NULL, origin = '', arrival_day = NULL,"
	  " history = 0, tags = 0, purged_at = $1 WHERE id IN (SELECT id FROM purge_due)",
	  ARG_NOW, AT(persons) },
};

static int run_steps(fk_db *db, int64_t day, int64_t from, fk_purge_counts *c)
{
	int64_t now = fk_now();
	if (fk_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS purge_open (id INTEGER PRIMARY KEY)") < 0 ||
	    fk_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS purge_due (id INTEGER PRIMARY KEY)") < 0 ||
	    fk_db_exec(db, "DELETE FROM purge_open") < 0 || fk_db_exec(db, "DELETE FROM purge_due") < 0 ||
	    fk_db_run(db, open_sql, "") < 0 || fk_db_run(db, due_sql, "ii", day, from) < 0 ||
	    fk_db_int64(db, &c->kept_open, "SELECT count(*) FROM purge_open p JOIN persons q ON q.id = p.id"
			" WHERE q.purged_at IS NULL", "") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const step *st = &steps[i];
		if ((st->arg == ARG_NONE ? fk_db_run(db, st->sql, "")
					 : fk_db_run(db, st->sql, "i", st->arg == ARG_DAY ? day : now)) < 0)
			return -1;
		*(int64_t *)((char *)c + steps[i].count) = fk_db_changes(db);
	}
	return 0;
}

int fk_purge(fk_db *db, int64_t cutoff_day, bool dry_run, fk_purge_counts *c)
{
	*c = (fk_purge_counts){ 0 };
	int64_t from = fk_local_time(cutoff_day, 0);
	if (fk_db_begin_write(db) < 0)
		return fk_log_err("purge: cannot take the write lock");
	int rc = run_steps(db, cutoff_day, from, c);
	if (rc == 0 && !dry_run) {
		char before[11];
		fk_date_format(cutoff_day, before);
		json_t *d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "before", before, "persons",
				      (json_int_t)c->persons, "findings", (json_int_t)c->findings, "followups",
				      (json_int_t)c->followups, "alerts", (json_int_t)c->alerts, "case_events",
				      (json_int_t)c->case_events, "kept_open", (json_int_t)c->kept_open);
		rc = fk_audit_append(db, &fk_actor_cli, "purge", "purge", "", d);
		json_decref(d);
	}
	if (rc < 0 || dry_run) {
		fk_db_rollback(db);
		return rc < 0 ? fk_log_err("purge: %s; nothing was changed", fk_db_errmsg(db)) : 0;
	}
	if (fk_db_commit(db) < 0) {
		fk_db_rollback(db);
		return fk_log_err("purge: the commit failed (%s); nothing was changed", fk_db_errmsg(db));
	}
	return 0;
}
