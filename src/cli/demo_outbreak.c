/* demo_outbreak.c - an outbreak for the demo district that looks like one:
 * a few index cases of unknown source, spread by a branching process with
 * the reference serial interval (gamma, mean 4.7 d, sd 2.9 d) and a
 * reproduction number that falls when control measures start, through
 * households and workplaces; realistic onset-to-diagnosis delays that
 * shorten as testing scales up, a tenth of reports late, some excluded
 * suspects; every case's household and other close contacts traced and
 * observed, with their twice-daily follow-ups; discharges and deaths.
 * Everything goes through the same module calls the API uses, so the
 * statistics, clusters and audit log are exactly what real work leaves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/grid/alerts.h"
#include "core/grid/screening.h"
#include "util/date.h"
#include "util/log.h"

#define SPAN 42 /* days of epidemic, ending today */

typedef struct person {
	int64_t id, household;
	char grid[16];
} person;

typedef struct dcase {
	int person;   /* index into persons */
	int infector; /* index into cases, -1 for an index case */
	int64_t onset;
	const char *setting;
	int64_t case_id, diag_day;
} dcase;

/* Unix time of hour:minute on a local day. */
static int64_t at_local(int64_t day, int minutes)
{
	return fk_local_time(day, minutes / 60) + (minutes % 60) * 60;
}

static int poisson(double lambda)
{
	double l = exp(-lambda), p = 1.0;
	int k = 0;
	do {
		k++;
		p *= demo_unit();
	} while (p > l);
	return k - 1;
}

/* A serial interval in days from gamma(mean 4.7, sd 2.9), by the sum of
 * exponentials for the integer part of the shape (2.63 → 3 with scale
 * adjusted): close enough for a demonstration, and at least one day. */
static int serial_interval(void)
{
	double shape = (4.7 * 4.7) / (2.9 * 2.9), scale = 4.7 / shape;
	int k = (int)(shape + 0.5);
	double sum = 0;
	for (int i = 0; i < k; i++)
		sum += -log(1.0 - demo_unit()) * scale * shape / k;
	int d = (int)(sum + 0.5);
	return d < 1 ? 1 : d;
}

static int load_persons(fk_db *db, person **out, int *n)
{
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT id, household_id, region FROM persons ORDER BY id", "") < 0)
		return -1;
	person *p = NULL;
	int k = 0, cap = 0;
	while (fk_stmt_step(st) == FK_ROW) {
		if (k == cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(p, (size_t)cap * sizeof(*p));
			if (!p)
				abort();
		}
		p[k].id = fk_stmt_int64(st, 0);
		p[k].household = fk_stmt_int64(st, 1);
		snprintf(p[k].grid, sizeof(p[k].grid), "%s", fk_stmt_text(st, 2));
		k++;
	}
	fk_stmt_done(st);
	*out = p;
	*n = k;
	return 0;
}

static json_t *date_json(int64_t day)
{
	char d[11];
	fk_date_format(day, d);
	return json_string(d);
}

/* The core's writes take parsed input; the demo builds it as a client
 * would and parses it as the API does. */
static json_t *case_create(fk_db *db, const fk_actor *who, const json_t *in, fk_err *e)
{
	fk_case_in c;
	return fk_case_parse(in, &c, e) < 0 ? NULL : fk_case_create(db, who, &c, e);
}

static json_t *contact_create(fk_db *db, const fk_actor *who, const json_t *in, fk_err *e)
{
	fk_contact_in c;
	return fk_contact_parse(in, &c, e) < 0 ? NULL : fk_contact_create(db, who, &c, e);
}

static json_t *followup_add(fk_db *db, const fk_actor *who, int64_t obs, const json_t *in, fk_err *e)
{
	fk_followup_in f;
	return fk_followup_parse(in, &f, e) < 0 ? NULL : fk_followup_add(db, who, obs, &f, e);
}

static json_t *case_transition(fk_db *db, const fk_actor *who, int64_t id, const json_t *in, fk_err *e)
{
	fk_case_move_in m;
	return fk_case_move_parse(in, &m, e) < 0 ? NULL : fk_case_transition(db, who, id, &m, e);
}

/* The observation obs, entered on day from, followed up to now as the
 * community doctor would: released when its period is over, otherwise
 * its follow-ups so far, a few missed. */
static int observe(fk_db *db, const fk_actor *doc, int64_t obs, int64_t from, int64_t end, int64_t today,
		   demo_outbreak_counts *out)
{
	fk_err e = { 0 };
	/* entered on the day it began, as it would have been: the sweep at the
	 * end then finds the slots missed since */
	int64_t entered = at_local(from, 9 * 60 + demo_between(0, 120));
	if (entered < fk_now() &&
	    fk_db_run(db, "UPDATE observations SET created_at = CASE WHEN created_at < $1 THEN created_at ELSE $1 END WHERE id = $2", "ii", entered,
		      obs) < 0)
		return -1;
	for (int64_t d = from; d <= today && d <= end; d++) {
		for (int s = 0; s < 2; s++) {
			if (d == today && s == 1)
				break;
			if (demo_between(0, 99) < 3)
				continue;
			/* by phone: the temperature the contact read off their own
			 * thermometer (a simulated reading), or, one time in four,
			 * "normal, nothing to report" with no reading taken: no
			 * temperature, never a default */
			json_t *f = json_pack("{s:o, s:s, s:[]}", "date", date_json(d), "slot", s ? "pm" : "am",
					      "symptoms");
			if (demo_between(0, 3) > 0)
				json_object_set_new(f, "temperature", json_real(demo_reading(false) / 10.0));
			else
				json_object_set_new(f, "temperature_measured", json_false());
			json_t *r = followup_add(db, doc, obs, f, &e);
			json_decref(f);
			/* a slot recorded already, or a day before an observation that
			 * an earlier contact started later: nothing to add */
			if (!r && e.status != 409 && e.status != 400)
				return fk_log_err("demo: follow-up: %s", e.message);
			json_decref(r);
			out->followups += r != NULL;
		}
	}
	if (end < today) {
		/* the period is over: released, as the doctor would */
		json_t *r = fk_observation_release(db, doc, obs, &(fk_release_in){ 0 }, &e);
		if (!r && e.status != 409)
			return fk_log_err("demo: release: %s", e.message);
		json_decref(r);
	}
	return 0;
}

/* Records a contact of case c (its person pi) and its observation. */
static int add_contact(fk_db *db, const fk_actor *doc, const dcase *c, int pi, const person *ps, const char *setting, int64_t first,
		       int64_t last, int64_t today, demo_outbreak_counts *out)
{
	fk_err e = { 0 };
	int64_t traced = c->diag_day > today ? today : c->diag_day;
	if (traced < first)
		traced = first;
	json_t *in = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o}", "source_case_id", (json_int_t)c->case_id, "person_id",
			       (json_int_t)ps[pi].id, "setting", setting, "first_exposure", date_json(first),
			       "last_exposure", date_json(last), "traced_date", date_json(traced));
	json_t *k = contact_create(db, doc, in, &e);
	json_decref(in);
	if (!k)
		return e.status == 409 ? 0 : fk_log_err("demo: contact: %s (%s)", e.message, e.field);
	out->contacts++;
	int64_t obs = json_integer_value(json_object_get(k, "observation_id")), end = 0;
	const char *ends = json_string_value(json_object_get(k, "observation_end"));
	int rc = 0;
	/* no observation for someone who is a case already */
	if (ends && fk_date_parse(ends, &end) == 0)
		rc = observe(db, doc, obs, traced, end, today, out);
	json_decref(k);
	return rc;
}

/* The doctors close the missed follow-ups' alerts of the days before
 * day before: most recorded after all, one in five not reached; each as
 * the doctor of the alert's community, through the API's function.
 * Returns 0 or -1. */
static int close_missed(fk_db *db, int64_t doctor_id, int64_t before)
{
	struct {
		int64_t id;
		char comm[16];
	} *al = NULL;
	size_t n = 0, cap = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, grid FROM alerts WHERE kind = 'followup_missed' AND state = 'open' AND day < $1"
			" ORDER BY id",
			"i", before) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			al = realloc(al, cap * sizeof(*al));
			if (!al)
				abort();
		}
		al[n].id = fk_stmt_int64(st, 0);
		snprintf(al[n].comm, sizeof(al[n].comm), "%.12s", fk_stmt_text(st, 1));
		n++;
	}
	fk_stmt_done(st);
	int rc = 0;
	const fk_alert_close_in reached = { "followup_recorded", "" }, unreached = { "unreachable", "" };
	for (size_t i = 0; i < n && rc == 0; i++) {
		const fk_actor doctor = { doctor_id, "doctor", FK_ROLE_DOCTOR, al[i].comm, "local" };
		fk_err e = { 0 };
		json_t *r = fk_alert_close(db, &doctor, al[i].id, al[i].id % 5 == 0 ? &unreached : &reached, &e);
		if (!r)
			rc = fk_log_err("demo: closing alert %lld: %s", (long long)al[i].id, e.message);
		json_decref(r);
	}
	free(al);
	return rc;
}

int demo_outbreak(fk_db *db, int target, const demo_accounts *who, demo_outbreak_counts *out)
{
	memset(out, 0, sizeof(*out));
	person *ps = NULL;
	int np = 0, rc = -1;
	if (load_persons(db, &ps, &np) < 0 || np < 1000) {
		free(ps);
		return np < 1000 ? 0 : -1; /* too few residents for an outbreak */
	}
	/* the district's disease-control work (cases, tracing, follow-ups) as
	 * the doctor account scoped to the county the residents live in */
	char county[16];
	snprintf(county, sizeof(county), "%.6s", ps[0].grid);
	const fk_actor doc = { who->doctor, "doctor", FK_ROLE_DOCTOR, county, "local" };
	int64_t today = fk_today(), day0 = today - SPAN + 1, control = day0 + 20;
	dcase *cs = calloc((size_t)target * 2, sizeof(*cs));
	char *infected = calloc((size_t)np, 1);
	int nc = 0;
	/* index cases: unknown source */
	for (int i = 0; i < 4; i++) {
		int pi = demo_between(0, np - 1);
		infected[pi] = 1;
		cs[nc++] = (dcase){ pi, -1, day0 + demo_between(0, 4), "", 0, 0 };
	}
	/* the branching process, in order of onset */
	for (int i = 0; i < nc && nc < target; i++) {
		double r = cs[i].onset < control ? 2.4 : 0.75;
		int kids = poisson(r);
		for (int k = 0; k < kids && nc < target; k++) {
			int64_t onset = cs[i].onset + serial_interval();
			if (onset > today - 1)
				continue;
			int pi = -1;
			const char *setting = "household";
			if (demo_between(0, 99) < 55) {
				/* a household member not yet infected */
				int from = cs[i].person;
				while (from > 0 && ps[from - 1].household == ps[cs[i].person].household)
					from--;
				for (int j = from; j < np && ps[j].household == ps[cs[i].person].household; j++)
					if (!infected[j]) {
						pi = j;
						break;
					}
			}
			if (pi < 0) {
				setting = demo_between(0, 2) ? "work" : "transport";
				for (int tries = 0; tries < 20 && pi < 0; tries++) {
					int j = demo_between(0, np - 1);
					if (!infected[j])
						pi = j;
				}
			}
			if (pi < 0)
				continue;
			infected[pi] = 1;
			cs[nc++] = (dcase){ pi, i, onset, setting, 0, 0 };
		}
	}
	/* report the cases in order of onset */
	for (int i = 1; i < nc; i++)
		for (int j = i; j > 0 && cs[j - 1].onset > cs[j].onset; j--) {
			dcase t = cs[j - 1];
			cs[j - 1] = cs[j];
			cs[j] = t;
			/* keep the infector links pointing at the moved entries */
			for (int k = 0; k < nc; k++) {
				if (cs[k].infector == j - 1)
					cs[k].infector = -2 - j;
				else if (cs[k].infector == j)
					cs[k].infector = j - 1;
			}
			for (int k = 0; k < nc; k++)
				if (cs[k].infector == -2 - j)
					cs[k].infector = j;
		}
	for (int i = 0; i < nc; i++) {
		dcase *c = &cs[i];
		/* testing speeds up after the first weeks */
		int delay = c->onset < control ? demo_between(4, 9) : demo_between(1, 4);
		int64_t diag_day = c->onset + delay;
		if (diag_day > today)
			diag_day = today;
		c->diag_day = diag_day;
		bool asymptomatic = demo_between(0, 99) < 8;
		bool pending = today - c->onset <= 2 && !asymptomatic;
		int64_t diag = at_local(diag_day, 8 * 60 + demo_between(0, 600));
		int64_t now = fk_now();
		if (diag > now)
			diag = now - 600;
		int64_t reported = diag + 60 * (demo_between(0, 99) < 90 ? demo_between(20, 110) : demo_between(180, 1200));
		if (reported > now)
			reported = now;
		json_t *in = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s}", "person_id", (json_int_t)ps[c->person].id,
				       "category", pending ? "suspected" : asymptomatic ? "asymptomatic" : "confirmed",
				       "diagnosis_time", (json_int_t)diag, "reported_time", (json_int_t)reported,
				       "reporting_unit", demo_between(0, 1) ? "武汉大学人民医院" : "武昌医院", "place",
				       c->onset < control && demo_between(0, 1) ? "temporary_hospital" : "designated_hospital");
		if (asymptomatic)
			json_object_set_new(in, "sampling_date", date_json(diag_day));
		else
			json_object_set_new(in, "onset_date", date_json(c->onset));
		fk_err e = { 0 };
		json_t *k = case_create(db, &doc, in, &e);
		json_decref(in);
		if (!k) {
			fk_log_err("demo: case: %s (%s)", e.message, e.field);
			goto out;
		}
		c->case_id = json_integer_value(json_object_get(k, "id"));
		json_decref(k);
		out->cases++;
		/* the link to the infector, as contact tracing found it */
		if (c->infector >= 0) {
			int64_t last = c->onset - demo_between(1, 3);
			if (add_contact(db, &doc, &cs[c->infector], c->person, ps, c->setting, last - demo_between(0, 2), last,
					today, out) < 0)
				goto out;
		}
		/* outcomes for the cases diagnosed long enough ago */
		if (!pending && today - diag_day > 12) {
			int64_t end = diag_day + demo_between(12, 24);
			const char *to = demo_between(0, 99) < 3 ? "deceased" : "discharged";
			if (end < today) {
				json_t *m = json_pack("{s:s, s:s, s:I}", "to", to, "reason",
						      strcmp(to, "discharged") == 0 ? "两次核酸阴性，症状消失" : "抢救无效",
						      "at", (json_int_t)at_local(end, 15 * 60));
				json_t *r = case_transition(db, &doc, c->case_id, m, &e);
				json_decref(m);
				if (!r) {
					fk_log_err("demo: transition: %s", e.message);
					goto out;
				}
				json_decref(r);
				/* discharged: 14 days of health monitoring at home */
				int64_t obs = 0, obs_end = 0;
				fk_stmt *st;
				if (fk_db_query(db, &st,
						"SELECT id, end_day FROM observations WHERE case_id = $1 AND state = 'active'",
						"i", c->case_id) < 0)
					goto out;
				if (fk_stmt_step(st) == FK_ROW) {
					obs = fk_stmt_int64(st, 0);
					obs_end = fk_stmt_int64(st, 1);
				}
				fk_stmt_done(st);
				if (obs && observe(db, &doc, obs, end, obs_end, today, out) < 0)
					goto out;
			}
		}
	}
	/* every case's other close contacts: the rest of the household, and a
	 * few at work or on the way */
	for (int i = 0; i < nc; i++) {
		dcase *c = &cs[i];
		int64_t last = c->diag_day - 1 < c->onset ? c->onset : c->diag_day - 1;
		if (last > today)
			last = today;
		int from = c->person;
		while (from > 0 && ps[from - 1].household == ps[c->person].household)
			from--;
		for (int j = from; j < np && ps[j].household == ps[c->person].household; j++)
			if (j != c->person && !infected[j] &&
			    add_contact(db, &doc, c, j, ps, "household", c->onset - 2, last, today, out) < 0)
				goto out;
		int others = demo_between(2, 7);
		for (int k = 0; k < others; k++) {
			int j = demo_between(0, np - 1);
			if (!infected[j] && add_contact(db, &doc, c, j, ps, demo_between(0, 1) ? "work" : "transport",
							last - 1, last, today, out) < 0)
				goto out;
		}
	}
	/* suspects that turned out negative */
	for (int i = 0; i < target / 10; i++) {
		int pi = demo_between(0, np - 1);
		if (infected[pi])
			continue;
		infected[pi] = 1;
		int64_t day = today - demo_between(2, SPAN - 5);
		json_t *in = json_pack("{s:I, s:s, s:o, s:I, s:I, s:s, s:s}", "person_id", (json_int_t)ps[pi].id, "category",
				       "suspected", "onset_date", date_json(day - 1), "diagnosis_time",
				       (json_int_t)at_local(day, 10 * 60), "reported_time", (json_int_t)at_local(day, 11 * 60),
				       "reporting_unit", "社区卫生服务中心", "place", "centralised_site");
		fk_err e = { 0 };
		json_t *k = case_create(db, &doc, in, &e);
		json_decref(in);
		if (!k)
			continue;
		json_t *m = json_pack("{s:s, s:s, s:I}", "to", "excluded", "reason", "两次核酸阴性", "at",
				      (json_int_t)at_local(day + 2, 9 * 60));
		json_t *r = case_transition(db, &doc, json_integer_value(json_object_get(k, "id")), m, &e);
		json_decref(m);
		json_decref(k);
		json_decref(r);
		out->excluded++;
	}
	/* the missed follow-ups raise their alerts slot by slot, as the server
	 * does when each slot ends; the doctors have dealt with all but the
	 * last day's */
	int64_t now = fk_now();
	for (int64_t d = day0; d <= today; d++)
		for (int pm = 0; pm < 2; pm++) {
			int64_t raised = 0;
			if (fk_local_time(d, pm ? 24 : 12) > now)
				break;
			if (fk_followup_sweep(db, d, pm, &raised) < 0)
				goto out;
			out->missed += raised;
		}
	if (close_missed(db, who->doctor, today - 1) < 0)
		goto out;
	rc = 0;
out:
	free(cs);
	free(infected);
	free(ps);
	return rc;
}
