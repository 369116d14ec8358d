/* fuzzdb.h - what the targets that reach the database share: an in-memory
 * SQLite database migrated to the newest schema and holding one of each
 * record the writes and lists refer to, made through the core's own writes.
 *
 * Header-only (static functions): each target is its own program.  The
 * database is made once per process (LLVMFuzzerInitialize, defined here);
 * each input runs
 * inside a write transaction that fz_end rolls back, so every input sees
 * the same records and the database never grows.
 *
 *     regions 42 > 4201 > 420106 > 420106001 > 420106001001 > the grids
 *             420106001001001 and 420106001001002
 *     household 1 in the grid, person 1 (and 2) in it
 *     case 1 of person 1, contact 1 of person 2 with observation 1
 *     site 1
 */
#ifndef FK_FUZZDB_H
#define FK_FUZZDB_H

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/actor.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/epi/sites.h"
#include "core/grid/registry.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/date.h"
#include "util/log.h"
#include "util/pii.h"

#define CHECK(c)                                  \
	do {                                      \
		if (!(c))                         \
			__builtin_trap();         \
	} while (0)

#define FZ_GRID "420106001001001"
#define FZ_GRID2 "420106001001002"

static fk_db *fz_db;

/* A grid worker of the grid: a narrow scope, so scope refusals are
 * reached as well as the CLI's full one. */
static const fk_actor fz_worker = { 7, "worker", FK_ROLE_GRIDWORKER, FZ_GRID, "" };

static void fz_die(const char *what, const fk_err *e)
{
	fprintf(stderr, "fuzz fixture: %s failed: %s %s\n", what, e ? e->code : "", e ? e->message : "");
	abort();
}

/* Runs a core write on a body given as JSON text; dies when it fails. */
static json_t *fz_make(const char *what, json_t *(*fn)(fk_db *, const fk_actor *, const json_t *, fk_err *),
		       const char *body)
{
	json_t *in = json_loads(body, 0, NULL);
	fk_err e;
	memset(&e, 0, sizeof(e));
	json_t *out = in ? fn(fz_db, &fk_actor_cli, in, &e) : NULL;
	if (!out)
		fz_die(what, &e);
	json_decref(in);
	return out;
}

/* A write as a request makes it: the body parsed into its struct (the
 * handler's part), then stored (the writer's part). */
#define FZ_PARSE_STORE(name, T, parse, store)                                               \
	static json_t *name(fk_db *db, const fk_actor *who, const json_t *in, fk_err *e) \
	{                                                                                   \
		T x;                                                                        \
		return parse < 0 ? NULL : store;                                             \
	}
FZ_PARSE_STORE(fz_person, fk_person_in, fk_person_parse(in, true, &x, e), fk_person_create(db, who, &x, e))
FZ_PARSE_STORE(fz_household, fk_household_in, fk_household_parse(in, true, &x, e),
	       fk_household_create(db, who, &x, e))
FZ_PARSE_STORE(fz_case, fk_case_in, fk_case_parse(in, &x, e), fk_case_create(db, who, &x, e))
FZ_PARSE_STORE(fz_contact, fk_contact_in, fk_contact_parse(in, &x, e), fk_contact_create(db, who, &x, e))
FZ_PARSE_STORE(fz_site, fk_site_in, fk_site_parse(in, &x, e), fk_site_create(db, who, &x, e))

/* Opens and fills the database (once). */
static void fz_db_init(void)
{
	if (fz_db)
		return;
	fk_log_set_quiet(1);
	if (sodium_init() < 0)
		abort();
	fk_zone_set("Asia/Shanghai");
	/* fixed keys: what the fixture seals is the same in every run */
	memset(fk_pii_global.enc, 0x11, sizeof(fk_pii_global.enc));
	memset(fk_pii_global.mac, 0x22, sizeof(fk_pii_global.mac));
	int applied = 0;
	if (fk_db_open(&fz_db, ":memory:", false) < 0 || fk_migrate(fz_db, &applied) < 0)
		fz_die("the database", NULL);
	if (fk_db_begin_write(fz_db) < 0 ||
	    fk_db_run(fz_db,
		      "INSERT INTO regions (code, parent, level, name, created_at) VALUES"
		      " ('42', '', 1, 'province', 0), ('4201', '42', 2, 'city', 0),"
		      " ('420106', '4201', 3, 'district', 0), ('420106001', '420106', 4, 'street', 0),"
		      " ('420106001001', '420106001', 5, 'community', 0),"
		      " ($1, '420106001001', 6, 'grid one', 0), ($2, '420106001001', 6, 'grid two', 0)",
		      "ss", FZ_GRID, FZ_GRID2) < 0)
		fz_die("the regions", NULL);
	json_decref(fz_make("household", fz_household, "{\"grid\":\"" FZ_GRID "\",\"building\":\"1\",\"room\":\"101\"}"));
	json_decref(fz_make("person 1", fz_person,
			    "{\"household_id\":1,\"name\":\"Zhang San\",\"sex\":\"F\",\"birth_year\":1949,"
			    "\"doc_type\":\"id_card\",\"doc_number\":\"11010519491231002X\",\"phone\":\"13800138000\"}"));
	json_decref(fz_make("person 2", fz_person, "{\"household_id\":1,\"name\":\"Li Si\",\"sex\":\"F\"}"));
	char today[11], body[512];
	fk_date_format(fk_today(), today);
	snprintf(body, sizeof(body),
		 "{\"person_id\":1,\"category\":\"confirmed\",\"diagnosis_time\":%lld,\"reporting_unit\":\"clinic\","
		 "\"place\":\"designated_hospital\"}",
		 (long long)fk_now());
	json_decref(fz_make("case", fz_case, body));
	snprintf(body, sizeof(body),
		 "{\"source_case_id\":1,\"person_id\":2,\"setting\":\"household\",\"first_exposure\":\"%s\","
		 "\"last_exposure\":\"%s\"}",
		 today, today);
	json_decref(fz_make("contact", fz_contact, body));
	json_decref(fz_make("site", fz_site, "{\"region\":\"420106\",\"name\":\"hotel\",\"capacity\":10}"));
	if (fk_db_commit(fz_db) < 0)
		fz_die("commit", NULL);
}

/* The caller an input's first byte names: a grid worker when its top bit
 * is set, the CLI otherwise. */
static const fk_actor *fz_who(uint8_t b)
{
	return b & 0x80 ? &fz_worker : &fk_actor_cli;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_db_init();
	return 0;
}

/* Each input runs in a transaction rolled back afterwards. */
static void fz_begin(void)
{
	if (fk_db_begin_write(fz_db) < 0)
		abort();
}

static void fz_end(void)
{
	if (fk_db_rollback(fz_db) < 0)
		abort();
}

/* An error the caller may answer with: the status is one a client's
 * input may cause (never 500), and the strings are terminated. */
static void fz_check_err(const fk_err *e)
{
	CHECK(e->status == 400 || e->status == 403 || e->status == 404 || e->status == 409 || e->status == 422);
	CHECK(e->code != NULL);
	CHECK(memchr(e->message, '\0', sizeof(e->message)) != NULL);
	CHECK(memchr(e->field, '\0', sizeof(e->field)) != NULL);
	CHECK(e->message[0] != '\0');
}

#endif
