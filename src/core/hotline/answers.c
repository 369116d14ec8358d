/* answers.c - the standard answers (see answers.h).  Expected load: a
 * few hundred answers per county, searched on every call. */
#include "core/hotline/answers.h"

#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/scope.h"
#include "core/hotline/ticket_int.h"
#include "util/date.h"

const fk_field fk_answer_fields[] = {
	{ "region", FK_FT_STRING, false, 0, 15 },
	{ "category", FK_FT_STRING, true, 1, 40 },
	{ "question", FK_FT_STRING, true, 2, 200 },
	{ "answer", FK_FT_STRING, true, 2, 2000 },
	{ "effective", FK_FT_STRING, true, 10, 10 },
	{ "replaces", FK_FT_INT, false, 1, INT64_MAX },
	{ 0 },
};

int fk_answer_parse(const json_t *in, fk_answer_in *a, fk_err *e)
{
	memset(a, 0, sizeof(*a));
	if (fk_fields_check(in, fk_answer_fields, e) < 0)
		return -1;
	a->region = fk_json_str(in, "region");
	a->category = fk_json_str(in, "category");
	if (!fk_names_has(fk_ticket_category_names, a->category))
		return fk_err_invalid(e, "category", "category: one of the ticket categories (GET /vocab)");
	a->question = fk_json_str(in, "question");
	a->answer = fk_json_str(in, "answer");
	if (fk_date_parse(fk_json_str(in, "effective"), &a->effective) < 0)
		return fk_err_invalid(e, "effective", "effective: YYYY-MM-DD");
	a->replaces = json_integer_value(json_object_get(in, "replaces"));
	return 0;
}

json_t *fk_answer_create(fk_db *db, const fk_actor *who, const fk_answer_in *a, fk_err *e)
{
	const char *region = fk_scope_region(who, a->region, e);
	if (!region)
		return NULL;
	if (a->replaces) {
		fk_stmt *st;
		if (fk_db_query(db, &st, "SELECT region, replaced_by FROM answers WHERE id = $1", "i", a->replaces) < 0)
			goto internal;
		int rc = fk_stmt_step(st);
		char old[16] = "";
		bool replaced = false;
		if (rc == FK_ROW) {
			snprintf(old, sizeof(old), "%s", fk_stmt_text(st, 0));
			replaced = !fk_stmt_is_null(st, 1);
		}
		fk_stmt_done(st);
		char what[48];
		snprintf(what, sizeof(what), "answer %lld", (long long)a->replaces);
		if (rc != FK_ROW) {
			fk_err_set(e, 404, "not_found", "replaces", "%s not found", what);
			return NULL;
		}
		if (fk_scope_ref(who, old, "replaces", what, e) < 0)
			return NULL;
		if (replaced) {
			fk_err_conflict(e, "replaces", "replaces: %s was replaced already", what);
			return NULL;
		}
	}
	int64_t id = 0, now = fk_now();
	fk_val v[] = {
		{ 's', .p = region },      { 's', .p = a->category }, { 's', .p = a->question },
		{ 's', .p = a->answer },   { 'i', .i = a->effective }, { a->replaces ? 'i' : 'n', .i = a->replaces },
		{ who->user_id ? 'i' : 'n', .i = who->user_id }, { 'i', .i = now },
	};
	if (fk_db_insert_vals(db, &id,
			      "INSERT INTO answers (region, category, question, answer, effective, replaces, created_by,"
			      " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			      v, 8) < 0 ||
	    id <= 0)
		goto internal;
	if (a->replaces && fk_db_run(db, "UPDATE answers SET replaced_by = $1 WHERE id = $2", "ii", id, a->replaces) < 0)
		goto internal;
	if (fk_audit_record(db, who, "answer.create", "answer", id, region,
			    json_pack("{s:s, s:I}", "question", a->question, "replaces", (json_int_t)a->replaces)) < 0)
		goto internal;
	char what[48];
	snprintf(what, sizeof(what), "answer %lld", (long long)id);
	return fk_list_one(db, who, &fk_answer_list, id, what, 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

static const fk_column answer_cols[] = {
	{ "id", FK_C_INT },
	{ "region", FK_C_TEXT },
	{ "category", FK_C_TEXT },
	{ "question", FK_C_TEXT },
	{ "answer", FK_C_TEXT },
	{ "effective", FK_C_DATE },
	{ "replaces", FK_C_INT },
	{ "replaced_question", FK_C_TEXT },
	{ "replaced_answer", FK_C_TEXT },
	{ "replaced_effective", FK_C_DATE },
	{ "replaced_by", FK_C_INT },
	{ "created_at", FK_C_INT },
	{ 0 },
};

/* ?q=: words anywhere in the question or the answer. */
static int q_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	if (strlen(value) > 100)
		return fk_err_invalid(e, f->name, "%s: at most 100 bytes", f->name);
	fk_list_where(q, "(a.question LIKE '%' || ? || '%' OR a.answer LIKE '%' || ? || '%')",
		      (fk_val[]){ { 's', .p = value }, { 's', .p = value } });
	return 0;
}

static int current_filter(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	int yes = fk_hotline_flag(value, f->name, e);
	if (yes < 0)
		return -1;
	if (yes)
		fk_list_where(q, "a.replaced_by IS NULL AND a.effective <= ?", (fk_val[]){ { 'i', .i = fk_today() } });
	return 0;
}

static const fk_filter answer_filters[] = {
	{ "q", FK_F_CUSTOM, .fn = q_filter, .opt = FK_FO_BLANK },
	{ "category", FK_F_PREFIX, "a.category >= ? AND a.category < ?", .max = 40 },
	{ "current", FK_F_CUSTOM, .fn = current_filter },
	{ 0 },
};

const fk_list fk_answer_list = {
	.select = "a.id, a.region, a.category, a.question, a.answer, a.effective, a.replaces, o.question, o.answer,"
		  " o.effective, a.replaced_by, a.created_at FROM answers a LEFT JOIN answers o ON o.id = a.replaces",
	FK_LIST_REGION_ID("a"),
	.desc = true,
	.filters = answer_filters,
	.cols = answer_cols,
};
