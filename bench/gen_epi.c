/* gen_epi.c - an epidemic at benchmark scale in a district database, made
 * through the same core functions the API uses (so every aggregate, audit
 * entry and observation is what the server would have written), except the
 * follow-ups, which are inserted as rows (millions of them; they feed no
 * aggregate).  bench/epi.sh builds it once and caches the result.
 *
 *   gen_epi DB CASES CONTACTS
 *
 * Cases: onsets over the last 90 days growing with a doubling time of 18
 * days (so about 40% fall in the last two weeks); 70% were someone's
 * contact first (the link makes the chains), the rest have no known
 * source.  Each case's other contacts (CONTACTS / CASES on average) are
 * residents at random, last exposed the day before diagnosis, traced on it.
 * Observations whose period is over are released; the active ones get their
 * twice-daily follow-ups up to now, 3% missed.  Finally the last ended slot
 * is swept for missed follow-ups, timed.  Deterministic (fixed seed). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/base/actor.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "util/date.h"
#include "util/log.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}
static int between(int lo, int hi)
{
	return lo + (int)(next() % (unsigned)(hi - lo + 1));
}
static double uniform(void)
{
	return (next() + 0.5) / 4294967296.0;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static json_t *date_json(int64_t day)
{
	char d[11];
	fk_date_format(day, d);
	return json_string(d);
}

typedef struct gcase {
	int64_t id, person, onset, diag;
} gcase;

/* Parses a case as the API does, then stores it. */
static json_t *case_create(fk_db *d, const fk_actor *who, const json_t *in, fk_err *e)
{
	fk_case_in c;
	return fk_case_parse(in, &c, e) < 0 ? NULL : fk_case_create(d, who, &c, e);
}

static int cmp(const void *x, const void *y)
{
	const gcase *a = x, *b = y;
	return (a->onset > b->onset) - (a->onset < b->onset);
}

static fk_db *db;
static long ops;

/* Commits every 20,000 writes so the WAL stays small. */
static void tick(void)
{
	if (++ops % 20000 == 0) {
		if (fk_db_commit(db) < 0 || fk_db_begin_write(db) < 0) {
			fprintf(stderr, "gen_epi: commit failed\n");
			exit(1);
		}
	}
}

static int64_t contact(int64_t source, int64_t person, const char *setting, int64_t first, int64_t last,
		       int64_t traced)
{
	json_t *in = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o}", "source_case_id", (json_int_t)source, "person_id",
			       (json_int_t)person, "setting", setting, "first_exposure", date_json(first),
			       "last_exposure", date_json(last), "traced_date", date_json(traced));
	fk_err e = { 0 };
	fk_contact_in c;
	json_t *k = fk_contact_parse(in, &c, &e) < 0 ? NULL : fk_contact_create(db, &fk_actor_cli, &c, &e);
	json_decref(in);
	if (!k) {
		fprintf(stderr, "gen_epi: contact: %s (%s)\n", e.message, e.field);
		exit(1);
	}
	int64_t id = json_integer_value(json_object_get(k, "id"));
	json_decref(k);
	tick();
	return id;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gen_epi DB CASES CONTACTS\n");
		return 2;
	}
	long ncases = atol(argv[2]), ncontacts = atol(argv[3]);
	fk_log_set_quiet(1);
	if (cli_open_db(argv[1], 0, &db) < 0)
		return 1;
	fk_db_set_cache(db, 512);
	/* the residents */
	int64_t *persons = NULL;
	long np = 0, cap = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id FROM persons ORDER BY id", "") < 0)
		return 1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (np == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			persons = realloc(persons, (size_t)cap * sizeof(*persons));
		}
		persons[np++] = fk_stmt_int64(st, 0);
	}
	fk_stmt_done(st);
	if (np < ncases * 2) {
		fprintf(stderr, "gen_epi: %ld residents are too few for %ld cases\n", np, ncases);
		return 1;
	}
	char *infected = calloc((size_t)np, 1);
	gcase *cs = calloc((size_t)ncases, sizeof(*cs));
	int64_t today = fk_today(), now = (int64_t)time(NULL);
	/* onsets: density 2^(t/18) over t in [0, 90), by inverse transform */
	for (long i = 0; i < ncases; i++) {
		double u = uniform(), a = log(2.0) / 18.0;
		double t = log(1.0 + u * (exp(a * 90.0) - 1.0)) / a;
		cs[i].onset = today - 90 + (int64_t)t;
		if (cs[i].onset > today - 1)
			cs[i].onset = today - 1;
	}
	/* in order of onset */
	qsort(cs, (size_t)ncases, sizeof(*cs), cmp);
	double t0 = now_s();
	if (fk_db_begin_write(db) < 0)
		return 1;
	long links = 0, others = 0, first_src = 0;
	long per_case = ncases ? (ncontacts - (long)(ncases * 0.7)) / ncases : 0;
	for (long i = 0; i < ncases; i++) {
		gcase *c = &cs[i];
		long pi;
		do
			pi = between(0, (int)np - 1);
		while (infected[pi]);
		infected[pi] = 1;
		c->person = persons[pi];
		c->diag = c->onset + between(1, 4);
		if (c->diag > today)
			c->diag = today;
		/* the source: an earlier case with onset 2-12 days before */
		while (first_src < i && cs[first_src].onset < c->onset - 12)
			first_src++;
		if (i > 20 && between(0, 99) < 70 && first_src < i && cs[first_src].onset <= c->onset - 2) {
			long hi = first_src;
			while (hi < i && cs[hi].onset <= c->onset - 2)
				hi++;
			gcase *src = &cs[between((int)first_src, (int)hi - 1)];
			int64_t last = c->onset - between(1, 3);
			if (last > src->diag)
				last = src->diag;
			contact(src->id, c->person, between(0, 99) < 60 ? "household" : "work", last - between(0, 2),
				last, src->diag);
			links++;
		}
		int64_t diag_at = fk_local_time(c->diag, 9) + between(0, 9 * 3600);
		if (diag_at > now - 7200)
			diag_at = now - 7200;
		json_t *in = json_pack("{s:I, s:s, s:o, s:I, s:I, s:s, s:s}", "person_id", (json_int_t)c->person,
				       "category", "confirmed", "onset_date", date_json(c->onset), "diagnosis_time",
				       (json_int_t)diag_at, "reported_time", (json_int_t)(diag_at + between(600, 6000)),
				       "reporting_unit", "武昌医院", "place", "designated_hospital");
		fk_err e = { 0 };
		json_t *k = case_create(db, &fk_actor_cli, in, &e);
		json_decref(in);
		if (!k) {
			fprintf(stderr, "gen_epi: case: %s (%s)\n", e.message, e.field);
			return 1;
		}
		c->id = json_integer_value(json_object_get(k, "id"));
		json_decref(k);
		tick();
		/* the case's other contacts, traced on the day of diagnosis */
		long n = per_case > 0 ? between(0, (int)(2 * per_case)) : 0;
		for (long j = 0; j < n; j++) {
			long q = between(0, (int)np - 1);
			if (infected[q])
				continue;
			int64_t last = c->diag - 1 < c->onset ? c->onset : c->diag - 1;
			contact(c->id, persons[q], between(0, 1) ? "household" : "work", last - between(0, 3), last, c->diag);
			others++;
		}
	}
	if (fk_db_commit(db) < 0)
		return 1;
	double t1 = now_s();
	printf("gen_epi: %ld cases, %ld contacts (%ld of them later cases) in %.1f s\n", ncases, links + others, links,
	       t1 - t0);

	/* release the observations whose period is over */
	int64_t *ids = NULL;
	long nids = 0, icap = 0;
	if (fk_db_query(db, &st, "SELECT id FROM observations WHERE state = 'active' AND end_day < $1", "i", today) < 0)
		return 1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (nids == icap) {
			icap = icap ? icap * 2 : 1 << 16;
			ids = realloc(ids, (size_t)icap * sizeof(*ids));
		}
		ids[nids++] = fk_stmt_int64(st, 0);
	}
	fk_stmt_done(st);
	fk_db_begin_write(db);
	for (long i = 0; i < nids; i++) {
		fk_err e = { 0 };
		json_t *r = fk_observation_release(db, &fk_actor_cli, ids[i], &(fk_release_in){ 0 }, &e);
		if (!r && e.status != 409) {
			fprintf(stderr, "gen_epi: release: %s\n", e.message);
			return 1;
		}
		json_decref(r);
		tick();
	}
	fk_db_commit(db);
	double t2 = now_s();
	printf("gen_epi: %ld observations released in %.1f s\n", nids, t2 - t1);

	/* the active ones: entered on their first day; follow-ups since, 3% missed */
	fk_db_begin_write(db);
	typedef struct { int64_t id, start; } act;
	act *as = NULL;
	long na = 0, acap = 0;
	if (fk_db_query(db, &st, "SELECT id, start_day FROM observations WHERE state = 'active'", "") < 0)
		return 1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (na == acap) {
			acap = acap ? acap * 2 : 1 << 16;
			as = realloc(as, (size_t)acap * sizeof(*as));
		}
		as[na++] = (act){ fk_stmt_int64(st, 0), fk_stmt_int64(st, 1) };
	}
	fk_stmt_done(st);
	long nf = 0;
	int pm_now = now >= fk_local_time(today, 12);
	for (long i = 0; i < na; i++) {
		if (fk_db_run(db, "UPDATE observations SET created_at = min(created_at, $1) WHERE id = $2", "ii",
			      fk_local_time(as[i].start, 9), as[i].id) < 0)
			return 1;
		for (int64_t d = as[i].start; d <= today; d++)
			for (int s = 0; s < 2; s++) {
				if (d == today && s > pm_now)
					break;
				if (between(0, 99) < 3)
					continue;
				if (fk_db_run(db,
					      "INSERT INTO followups (observation_id, day, slot, temp_dc, symptoms, note,"
					      " symptomatic, user_id, at) VALUES ($1, $2, $3, $4, 0, '', 0, 0, $5)",
					      "iisii", as[i].id, d, s ? "pm" : "am", (int64_t)between(358, 369),
					      fk_local_time(d, s ? 16 : 9)) < 0)
					return 1;
				nf++;
				tick();
			}
	}
	fk_db_commit(db);
	double t3 = now_s();
	printf("gen_epi: %ld under observation, %ld follow-ups in %.1f s\n", na, nf, t3 - t2);

	/* the sweep the server runs when a slot ends, over all of them */
	int64_t slot_day = pm_now ? today : today - 1, raised = 0;
	fk_db_begin_write(db);
	double t4 = now_s();
	if (fk_followup_sweep(db, slot_day, !pm_now, &raised) < 0)
		return 1;
	double t5 = now_s();
	fk_db_commit(db);
	printf("gen_epi: sweep of one slot over %ld observations: %lld alerts in %.0f ms\n", na, (long long)raised,
	       (t5 - t4) * 1e3);
	fk_db_exec(db, "ANALYZE");
	fk_db_close(db);
	free(as);
	free(ids);
	free(cs);
	free(infected);
	free(persons);
	return 0;
}
