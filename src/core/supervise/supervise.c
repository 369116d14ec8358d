/* supervise.c - inspections, findings and their rectification, notices,
 * interviews and commendations (see supervise.h).  Expected load: a few
 * inspections per community a week; single-row writes; the summary reads
 * one roll-up row per region shown. */
#include "core/supervise/supervise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/announce/announce.h"
#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/base/rollup.h"
#include "core/mobilise/internal.h"
#include "util/date.h"

const char *const fk_checklist_names[] = { "gate_duty",  "registration", "temperature", "zero_report",
					   "supplies",   "disinfection", "home_support", NULL };
const char *const fk_notice_kind_names[] = { "notice", "interview", "commendation", NULL };
const char *const fk_finding_state_names[] = { "open", "reported", "fixed", NULL };

static const fk_rollup_table supervision_counts = { "supervision_counts", 0, { "found", "fixed", NULL } };

const fk_field fk_inspection_fields[] = {
	{ "region", FK_FT_STRING, true, 9, 15 },
	{ "target", FK_FT_STRING, true, 1, 200 },
	{ "post_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ "checklist", FK_FT_OBJECT, true },
	{ "note", FK_FT_STRING, false, 0, 1000 },
	{ "findings", FK_FT_ARRAY, false, 0, FK_SV_FINDINGS_MAX },
	{ 0 },
};

const fk_field fk_finding_fields_sv[] = {
	{ "text", FK_FT_STRING, true, 1, 1000 },
	{ "evidence", FK_FT_STRING, false, 0, 2000 },
	{ "deadline", FK_FT_STRING, true, 10, 10 },
	{ "responsible", FK_FT_STRING, true, 1, 100 },
	{ "volunteer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ 0 },
};

/* Re-labels an error of a nested object: field "x" becomes "findings[i].x". */
static int nested_err(fk_err *e, size_t i)
{
	char f[sizeof(e->field)];
	snprintf(f, sizeof(f), "findings[%zu].%s", i, e->field);
	char m[sizeof(e->message)];
	snprintf(m, sizeof(m), "findings[%zu].%s", i, e->message);
	snprintf(e->field, sizeof(e->field), "%s", f);
	snprintf(e->message, sizeof(e->message), "%s", m);
	return -1;
}

int fk_inspection_parse(const json_t *in, fk_inspection_in *s, fk_err *e)
{
	memset(s, 0, sizeof(*s));
	if (fk_fields_check(in, fk_inspection_fields, e) < 0 || mob_date(in, "date", fk_today(), &s->day, e) < 0)
		return -1;
	s->region = fk_json_str(in, "region");
	s->target = fk_json_str(in, "target");
	s->note = fk_json_str_or(in, "note");
	s->post_id = json_integer_value(json_object_get(in, "post_id"));
	s->checklist = json_object_get(in, "checklist");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)s->checklist, k, v) {
		char f[96];
		snprintf(f, sizeof(f), "checklist.%.60s", k);
		if (mob_index_of(fk_checklist_names, k) < 0)
			return mob_enum_err(e, "checklist", fk_checklist_names);
		if (!json_is_boolean(v))
			return fk_err_invalid(e, f, "%s: true (in place) or false", f);
	}
	size_t i;
	json_array_foreach(json_object_get(in, "findings"), i, v) {
		fk_finding_in *fd = &s->findings[s->nfindings];
		if (!json_is_object(v)) {
			char f[32];
			snprintf(f, sizeof(f), "findings[%zu]", i);
			return fk_err_invalid(e, f, "%s: an object", f);
		}
		if (!json_object_get(v, "deadline") || json_is_null(json_object_get(v, "deadline"))) {
			char f[40];
			snprintf(f, sizeof(f), "findings[%zu].deadline", i);
			return fk_err_invalid(e, f, "%s: every finding needs a rectification deadline (YYYY-MM-DD)", f);
		}
		if (fk_fields_check(v, fk_finding_fields_sv, e) < 0 || mob_date(v, "deadline", -1, &fd->deadline, e) < 0)
			return nested_err(e, i);
		if (fd->deadline < s->day) {
			fk_err_invalid(e, "deadline", "deadline: not before the inspection's day");
			return nested_err(e, i);
		}
		fd->text = fk_json_str(v, "text");
		fd->evidence = fk_json_str_or(v, "evidence");
		fd->responsible = fk_json_str(v, "responsible");
		fd->volunteer_id = json_integer_value(json_object_get(v, "volunteer_id"));
		s->nfindings++;
	}
	return 0;
}

json_t *fk_inspection_create(fk_db *db, const fk_actor *who, const fk_inspection_in *s, fk_err *e)
{
	char r[16];
	if (mob_region_in(db, who, s->region, "region", FK_LEVEL_STREET, e) < 0 ||
	    (s->post_id && fk_scope_load(db, who, FK_SCOPE_POST, s->post_id, "post_id", r, e) < 0))
		return NULL;
	for (int i = 0; i < s->nfindings; i++) {
		char f[40];
		snprintf(f, sizeof(f), "findings[%d].volunteer_id", i);
		if (s->findings[i].volunteer_id &&
		    fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, s->findings[i].volunteer_id, f, r, e) < 0)
			return NULL;
	}
	char *checklist = json_dumps(s->checklist, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id = 0, now = fk_now();
	fk_val iv[] = {
		{ 's', .p = s->region }, { 's', .p = s->target }, { s->post_id ? 'i' : 'n', .i = s->post_id },
		{ 'i', .i = s->day },    { 's', .p = checklist ? checklist : "{}" }, { 's', .p = s->note },
		{ 'i', .i = who->user_id }, { 'i', .i = now },
	};
	int rc = fk_db_insert_vals(db, &id,
				   "INSERT INTO inspections (region, target, post_id, day, checklist, note, user_id, created_at)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				   iv, 8);
	free(checklist);
	if (rc < 0 || id <= 0)
		goto internal;
	for (int i = 0; i < s->nfindings; i++) {
		const fk_finding_in *f = &s->findings[i];
		fk_val v[] = {
			{ 's', .p = s->region }, { 'i', .i = id },        { 's', .p = f->text },
			{ 's', .p = f->evidence }, { 'i', .i = f->deadline }, { 's', .p = f->responsible },
			{ f->volunteer_id ? 'i' : 'n', .i = f->volunteer_id }, { 'i', .i = now },
		};
		int64_t fid = 0;
		if (fk_db_insert_vals(db, &fid,
				      "INSERT INTO inspection_findings (region, inspection_id, text, evidence, deadline,"
				      " responsible, volunteer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				      v, 8) < 0)
			goto internal;
	}
	if (s->nfindings && fk_rollup_apply_col(db, &supervision_counts, s->region, 0, "found", s->nfindings) < 0)
		goto internal;
	if (fk_audit_record(db, who, "inspection.create", "inspection", id, s->region,
			    json_pack("{s:i}", "findings", s->nfindings)) < 0)
		goto internal;
	json_t *out = fk_list_one(db, who, &fk_inspection_list, id, "inspection", 0, e);
	if (out) {
		char ids[24];
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		const char *a2[] = { "inspection_id", ids, NULL };
		fk_page page = { .limit = FK_SV_FINDINGS_MAX };
		json_t *fl = fk_list_run(db, who, &fk_finding_list, fk_list_arg, (void *)a2, &page, 0, e);
		json_object_set_new(out, "findings", fl ? json_incref(json_object_get(fl, "items")) : json_array());
		json_decref(fl);
	}
	return out;
internal:
	fk_err_internal(e);
	return NULL;
}

/* A finding's region and state, scope checked (404). */
static int finding_load(fk_db *db, const fk_actor *who, int64_t id, char region[16], char state[16], int64_t *deadline,
			fk_err *e)
{
	if (fk_scope_load(db, who, FK_SCOPE_FINDING, id, NULL, region, e) < 0)
		return -1;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT state, deadline FROM inspection_findings WHERE id = $1", "i", id) < 0 ||
	    fk_stmt_step(st) != FK_ROW)
		return fk_err_internal(e);
	snprintf(state, 16, "%s", fk_stmt_text(st, 0));
	*deadline = fk_stmt_int64(st, 1);
	fk_stmt_done(st);
	return 0;
}

static json_t *finding_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	return fk_list_one(db, who, &fk_finding_list, id, "finding", 0, e);
}

const fk_field fk_rectify_fields[] = {
	{ "text", FK_FT_STRING, true, 2, 2000 },
	{ 0 },
};

int fk_rectify_parse(const json_t *in, fk_rectify_in *r, fk_err *e)
{
	if (fk_fields_check(in, fk_rectify_fields, e) < 0)
		return -1;
	r->text = fk_json_str(in, "text");
	return 0;
}

json_t *fk_finding_rectify(fk_db *db, const fk_actor *who, int64_t id, const fk_rectify_in *r, fk_err *e)
{
	char region[16], state[16];
	int64_t deadline;
	if (finding_load(db, who, id, region, state, &deadline, e) < 0)
		return NULL;
	if (strcmp(state, "open") != 0) {
		fk_err_conflict(e, "state", "state: the finding is %s, not open", state);
		return NULL;
	}
	if (fk_db_run(db, "UPDATE inspection_findings SET state = 'reported', rectification = $1, reported_at = $2 WHERE id = $3",
		      "sii", r->text, fk_now(), id) < 0 ||
	    fk_audit_record(db, who, "finding.rectify", "finding", id, region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return finding_get(db, who, id, e);
}

const fk_field fk_verify_fields[] = {
	{ "fixed", FK_FT_BOOL, true },
	{ "note", FK_FT_STRING, false, 0, 500 },
	{ 0 },
};

int fk_verify_parse(const json_t *in, fk_verify_in *v, fk_err *e)
{
	if (fk_fields_check(in, fk_verify_fields, e) < 0)
		return -1;
	v->fixed = json_is_true(json_object_get(in, "fixed"));
	v->note = fk_json_str_or(in, "note");
	if (!v->fixed && !*v->note)
		return fk_err_invalid(e, "note", "note: say what is still wrong when sending it back");
	return 0;
}

json_t *fk_finding_verify(fk_db *db, const fk_actor *who, int64_t id, const fk_verify_in *v, fk_err *e)
{
	char region[16], state[16];
	int64_t deadline;
	if (finding_load(db, who, id, region, state, &deadline, e) < 0)
		return NULL;
	if (strcmp(state, "reported") != 0) {
		fk_err_conflict(e, "state", "state: the finding is %s; only a reported rectification is verified", state);
		return NULL;
	}
	int rc = v->fixed ? fk_db_run(db,
				      "UPDATE inspection_findings SET state = 'fixed', verified_by = $1, verified_at = $2"
				      " WHERE id = $3",
				      "iii", who->user_id, fk_now(), id)
			  : fk_db_run(db,
				      "UPDATE inspection_findings SET state = 'open',"
				      " rectification = rectification || ' / ' || $1 WHERE id = $2",
				      "si", v->note, id);
	if (rc < 0 || (v->fixed && fk_rollup_apply_col(db, &supervision_counts, region, 0, "fixed", 1) < 0) ||
	    fk_audit_record(db, who, v->fixed ? "finding.verify" : "finding.reopen", "finding", id, region,
			    json_pack("{s:s}", "note", v->note)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return finding_get(db, who, id, e);
}

json_t *fk_finding_chase(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	char region[16], state[16];
	int64_t deadline;
	if (finding_load(db, who, id, region, state, &deadline, e) < 0)
		return NULL;
	if (strcmp(state, "open") != 0 || deadline >= fk_today()) {
		fk_err_conflict(e, "state", "state: only an open finding past its deadline is chased");
		return NULL;
	}
	json_t *f = finding_get(db, who, id, e);
	if (!f)
		return NULL;
	char dl[11], title[160], body[1400];
	fk_date_format(deadline, dl);
	snprintf(title, sizeof(title), "督办：整改逾期（%s）", fk_json_str_or(f, "target"));
	snprintf(body, sizeof(body), "督导发现的问题“%s”整改期限为 %s，至今未报整改。责任人：%s。请立即整改并报告。",
		 fk_json_str_or(f, "text"), dl, fk_json_str_or(f, "responsible"));
	json_decref(f);
	/* the officers of the street answer for its communities */
	char street[16];
	snprintf(street, sizeof(street), "%.9s", region);
	fk_announce_in a = {
		.region = street, .title = title, .body = body, .urgent = true,
		.roles = (1u << FK_ROLE_OFFICER) | (1u << FK_ROLE_COORDINATOR),
	};
	json_t *sent = fk_announce_send(db, who, &a, e);
	if (!sent)
		return NULL;
	json_decref(sent);
	if (fk_db_run(db, "UPDATE inspection_findings SET chased = chased + 1, chased_at = $1 WHERE id = $2", "ii", fk_now(),
		      id) < 0 ||
	    fk_audit_record(db, who, "finding.chase", "finding", id, region, NULL) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return finding_get(db, who, id, e);
}

int fk_sv_chase_overdue(fk_db *db, int64_t today, int64_t *chased)
{
	int64_t ids[200];
	int n = 0;
	fk_stmt *st;
	*chased = 0;
	if (fk_db_query(db, &st,
			"SELECT id FROM inspection_findings WHERE state = 'open' AND deadline < $1"
			" AND (chased_at IS NULL OR chased_at < $2) ORDER BY id LIMIT 200",
			"ii", today, fk_local_time(today, 0)) < 0)
		return -1;
	while (n < 200 && fk_stmt_step(st) == FK_ROW)
		ids[n++] = fk_stmt_int64(st, 0);
	fk_stmt_done(st);
	for (int i = 0; i < n; i++) {
		fk_err e = { 0 };
		json_t *f = fk_finding_chase(db, &fk_actor_cli, ids[i], &e);
		if (!f)
			return -1;
		json_decref(f);
	}
	*chased = n;
	return 0;
}

json_t *fk_finding_photo(fk_db *db, const fk_actor *who, int64_t id, const void *data, size_t n, fk_err *e)
{
	char region[16], state[16];
	int64_t deadline;
	if (finding_load(db, who, id, region, state, &deadline, e) < 0)
		return NULL;
	const unsigned char *p = data;
	const char *type = n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF ? "image/jpeg"
			   : n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0   ? "image/png"
										    : NULL;
	if (n > FK_SV_PHOTO_MAX) {
		fk_err_set(e, 413, "too_large", "photo", "photo: at most %d bytes", FK_SV_PHOTO_MAX);
		return NULL;
	}
	if (!type) {
		fk_err_invalid(e, "photo", "photo: a JPEG or PNG image");
		return NULL;
	}
	if (fk_db_run(db, "UPDATE inspection_findings SET photo = $1, photo_type = $2 WHERE id = $3", "bsi", data, n, type,
		      id) < 0 ||
	    fk_audit_record(db, who, "finding.photo", "finding", id, region, json_pack("{s:I}", "bytes", (json_int_t)n)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return finding_get(db, who, id, e);
}

const fk_field fk_notice_fields[] = {
	{ "region", FK_FT_STRING, true, 9, 15 },
	{ "kind", FK_FT_STRING, true, 1, 20 },
	{ "subject", FK_FT_STRING, true, 1, 100 },
	{ "text", FK_FT_STRING, true, 1, 2000 },
	{ "outcome", FK_FT_STRING, false, 0, 1000 },
	{ "volunteer_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "finding_id", FK_FT_INT, false, 1, INT64_MAX },
	{ "date", FK_FT_STRING, false, 10, 10 },
	{ 0 },
};

int fk_notice_parse(const json_t *in, fk_notice_in *n, fk_err *e)
{
	memset(n, 0, sizeof(*n));
	if (fk_fields_check(in, fk_notice_fields, e) < 0 || mob_date(in, "date", fk_today(), &n->day, e) < 0)
		return -1;
	n->region = fk_json_str(in, "region");
	n->kind = fk_json_str(in, "kind");
	n->subject = fk_json_str(in, "subject");
	n->text = fk_json_str(in, "text");
	n->outcome = fk_json_str_or(in, "outcome");
	n->volunteer_id = json_integer_value(json_object_get(in, "volunteer_id"));
	n->finding_id = json_integer_value(json_object_get(in, "finding_id"));
	if (mob_index_of(fk_notice_kind_names, n->kind) < 0)
		return mob_enum_err(e, "kind", fk_notice_kind_names);
	if (strcmp(n->kind, "interview") == 0 && !*n->outcome)
		return fk_err_invalid(e, "outcome", "outcome: an interview is recorded with its outcome");
	return 0;
}

json_t *fk_notice_create(fk_db *db, const fk_actor *who, const fk_notice_in *n, fk_err *e)
{
	char r[16];
	if (mob_region_in(db, who, n->region, "region", FK_LEVEL_STREET, e) < 0 ||
	    (n->volunteer_id && fk_scope_load(db, who, FK_SCOPE_VOLUNTEER, n->volunteer_id, "volunteer_id", r, e) < 0) ||
	    (n->finding_id && fk_scope_load(db, who, FK_SCOPE_FINDING, n->finding_id, "finding_id", r, e) < 0))
		return NULL;
	int64_t ann = 0;
	if (strcmp(n->kind, "notice") == 0) {
		/* published to the region's staff */
		char title[160];
		snprintf(title, sizeof(title), "通报：%s", n->subject);
		fk_announce_in a = {
			.region = n->region, .title = title, .body = n->text,
			.roles = (1u << FK_ROLE_OFFICER) | (1u << FK_ROLE_COORDINATOR) | (1u << FK_ROLE_GRIDWORKER) |
				 (1u << FK_ROLE_DOCTOR) | (1u << FK_ROLE_COMMANDER) | (1u << FK_ROLE_SUPERVISOR),
		};
		json_t *sent = fk_announce_send(db, who, &a, e);
		if (!sent)
			return NULL;
		ann = json_integer_value(json_object_get(sent, "id"));
		json_decref(sent);
	}
	fk_val v[] = {
		{ 's', .p = n->region }, { 's', .p = n->kind }, { 's', .p = n->subject },
		{ n->volunteer_id ? 'i' : 'n', .i = n->volunteer_id }, { n->finding_id ? 'i' : 'n', .i = n->finding_id },
		{ 's', .p = n->text },   { 's', .p = n->outcome }, { ann ? 'i' : 'n', .i = ann },
		{ 'i', .i = n->day },    { 'i', .i = who->user_id }, { 'i', .i = fk_now() },
	};
	int64_t id = 0;
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO supervision_notices (region, kind, subject, volunteer_id, finding_id, text, outcome,"
			      " announcement_id, day, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
			      v, 11) < 0 ||
	    id <= 0 || fk_audit_record(db, who, "notice.create", "notice", id, n->region, json_pack("{s:s}", "kind", n->kind)) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	return fk_list_one(db, who, &fk_notice_list, id, "notice", 0, e);
}

json_t *fk_sv_summary(fk_db *db, const fk_actor *who, const char *region, fk_err *e)
{
	const char *base = fk_scope_region(who, region, e);
	if (!base)
		return NULL;
	int64_t today = fk_today();
	json_t *items = json_array();
	fk_stmt *st;
	/* the region itself first, then its children, each from one row */
	if (fk_db_query(db, &st,
			"SELECT r.code AS region, r.name AS name, coalesce(c.found, 0) AS found, coalesce(c.fixed, 0) AS fixed"
			" FROM regions r LEFT JOIN supervision_counts c ON c.region = r.code"
			" WHERE r.code = $1 OR r.parent = $1 ORDER BY length(r.code), r.code LIMIT 1001",
			"s", base) < 0) {
		json_decref(items);
		fk_err_internal(e);
		return NULL;
	}
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(items, fk_row_json(st));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *code = json_string_value(json_object_get(it, "region"));
		char hi[32];
		fk_scope_upper(code, hi, sizeof(hi));
		int64_t open = 0, overdue = 0;
		fk_db_int64(db, &open,
			    "SELECT count(*) FROM inspection_findings WHERE region >= $1 AND region < $2 AND state <> 'fixed'",
			    "ss", code, hi);
		fk_db_int64(db, &overdue,
			    "SELECT count(*) FROM inspection_findings WHERE region >= $1 AND region < $2 AND state = 'open'"
			    " AND deadline < $3",
			    "ssi", code, hi, today);
		json_object_set_new(it, "open", json_integer(open));
		json_object_set_new(it, "overdue", json_integer(overdue));
	}
	json_t *out = json_pack("{s:s, s:o}", "region", base, "items", items);
	return out;
}

json_t *fk_sv_of_volunteer(fk_db *db, int64_t id)
{
	return json_pack("{s:o, s:o, s:o}", "commendations",
			 mob_rows(db,
				 "SELECT id AS id, subject AS subject, text AS text, day AS day FROM supervision_notices"
				 " WHERE volunteer_id = $1 AND kind = 'commendation' ORDER BY id DESC LIMIT 50",
				 id),
			 "notices",
			 mob_rows(db,
				 "SELECT id AS id, kind AS kind, subject AS subject, text AS text, outcome AS outcome, day AS day"
				 " FROM supervision_notices WHERE volunteer_id = $1 AND kind <> 'commendation'"
				 " ORDER BY id DESC LIMIT 50",
				 id),
			 "findings",
			 mob_rows(db,
				 "SELECT id AS id, text AS text, state AS state, deadline AS day FROM inspection_findings"
				 " WHERE volunteer_id = $1 ORDER BY id DESC LIMIT 50",
				 id));
}

static const fk_column inspection_cols[] = {
	{ "id", FK_C_INT },       { "region", FK_C_TEXT },   { "region_name", FK_C_TEXT }, { "target", FK_C_TEXT },
	{ "post_id", FK_C_INT },  { "date", FK_C_DATE },     { "checklist", FK_C_JSON },   { "note", FK_C_TEXT },
	{ "inspector", FK_C_TEXT }, { "findings_count", FK_C_INT }, { "created_at", FK_C_INT },
	{ 0 },
};

static const fk_filter inspection_filters[] = {
	{ "from", FK_F_DATE, "i.day >= ?" },
	{ "to", FK_F_DATE, "i.day <= ?" },
	{ 0 },
};

const fk_list fk_inspection_list = {
	.select = "i.id, i.region, r.name, i.target, i.post_id, i.day, i.checklist, i.note,"
		  " coalesce(nullif(u.display_name, ''), u.username),"
		  " (SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id), i.created_at"
		  " FROM inspections i JOIN regions r ON r.code = i.region LEFT JOIN users u ON u.id = i.user_id",
	FK_LIST_REGION_ID("i"),
	.desc = true,
	.filters = inspection_filters,
	.cols = inspection_cols,
};

static const fk_column finding_cols[] = {
	{ "id", FK_C_INT },          { "region", FK_C_TEXT },      { "region_name", FK_C_TEXT },
	{ "inspection_id", FK_C_INT }, { "target", FK_C_TEXT },    { "text", FK_C_TEXT },
	{ "evidence", FK_C_TEXT },   { "has_photo", FK_C_BOOL },   { "deadline", FK_C_DATE },
	{ "responsible", FK_C_TEXT }, { "volunteer_id", FK_C_INT }, { "state", FK_C_TEXT },
	{ "rectification", FK_C_TEXT }, { "reported_at", FK_C_INT }, { "verified_at", FK_C_INT },
	{ "chased", FK_C_INT },      { "chased_at", FK_C_INT },    { "overdue", FK_C_BOOL },
	{ "created_at", FK_C_INT },
	{ 0 },
};

/* Overdue: open past its deadline, today. */
static void finding_row(json_t *item, const fk_actor *who)
{
	(void)who;
	const char *dl = json_string_value(json_object_get(item, "deadline"));
	int64_t d = 0;
	bool open = strcmp(json_string_value(json_object_get(item, "state")), "open") == 0;
	json_object_set_new(item, "overdue", json_boolean(open && dl && fk_date_parse(dl, &d) == 0 && d < fk_today()));
}

static int finding_overdue(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	(void)f;
	bool yes;
	if (mob_flag(value, "overdue", &yes, e) < 0)
		return -1;
	fk_val today = { 'i', .i = fk_today() };
	fk_list_where(q, yes ? "f.state = 'open' AND f.deadline < ?" : "NOT (f.state = 'open' AND f.deadline < ?)", &today);
	return 0;
}

static const fk_filter finding_filters[] = {
	{ "state", FK_F_ENUM, "f.state = ?", .names = fk_finding_state_names },
	{ "inspection_id", FK_F_ID, "f.inspection_id = ?", .what = "an inspection id" },
	{ "overdue", FK_F_CUSTOM, NULL, .fn = finding_overdue },
	{ 0 },
};

const fk_list fk_finding_list = {
	.select = "f.id, f.region, r.name, f.inspection_id, i.target, f.text, f.evidence, f.photo IS NOT NULL,"
		  " f.deadline, f.responsible, f.volunteer_id, f.state, f.rectification, f.reported_at, f.verified_at,"
		  " f.chased, f.chased_at, 0, f.created_at"
		  " FROM inspection_findings f JOIN inspections i ON i.id = f.inspection_id"
		  " JOIN regions r ON r.code = f.region",
	FK_LIST_REGION_ID("f"),
	.desc = true,
	.filters = finding_filters,
	.cols = finding_cols,
	.row = finding_row,
};

static const fk_column notice_cols[] = {
	{ "id", FK_C_INT },           { "region", FK_C_TEXT },      { "region_name", FK_C_TEXT },
	{ "kind", FK_C_TEXT },        { "subject", FK_C_TEXT },     { "volunteer_id", FK_C_INT },
	{ "finding_id", FK_C_INT },   { "text", FK_C_TEXT },        { "outcome", FK_C_TEXT },
	{ "announcement_id", FK_C_INT }, { "date", FK_C_DATE },     { "by", FK_C_TEXT },
	{ 0 },
};

static const fk_filter notice_filters[] = {
	{ "kind", FK_F_ENUM, "n.kind = ?", .names = fk_notice_kind_names },
	{ 0 },
};

const fk_list fk_notice_list = {
	.select = "n.id, n.region, r.name, n.kind, n.subject, n.volunteer_id, n.finding_id, n.text, n.outcome,"
		  " n.announcement_id, n.day, coalesce(nullif(u.display_name, ''), u.username)"
		  " FROM supervision_notices n JOIN regions r ON r.code = n.region LEFT JOIN users u ON u.id = n.user_id",
	FK_LIST_REGION_ID("n"),
	.desc = true,
	.filters = notice_filters,
	.cols = notice_cols,
};
