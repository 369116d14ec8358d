/* announce.c - announcements and their receipts (see announce.h).
 * Expected load: a dozen announcements a day per district, each to up to
 * tens of thousands of accounts: one INSERT … SELECT per role makes the
 * receipts; reads and acknowledgements are single-row updates and the
 * counts live on the announcement's row. */
#include "core/announce/announce.h"

#include <stdio.h>
#include <string.h>

#include "core/base/audit.h"
#include "core/base/list.h"
#include "core/base/perm.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "core/mobilise/internal.h"
#include "util/date.h"
#include "util/pdf.h"

const fk_field fk_announce_fields[] = {
	{ "region", FK_FT_STRING, true, 2, 15 },
	{ "roles", FK_FT_ARRAY, true, 1, FK_ROLE_COUNT },
	{ "urgent", FK_FT_BOOL, false },
	{ "public", FK_FT_BOOL, false },
	{ "title", FK_FT_STRING, true, 1, 100 },
	{ "body", FK_FT_STRING, true, 1, 4000 },
	{ "script", FK_FT_STRING, false, 1, FK_SCRIPT_MAX },
	{ 0 },
};

int fk_announce_parse(const json_t *in, fk_announce_in *a, fk_err *e)
{
	memset(a, 0, sizeof(*a));
	if (fk_fields_check(in, fk_announce_fields, e) < 0)
		return -1;
	a->region = fk_json_str(in, "region");
	a->title = fk_json_str(in, "title");
	a->body = fk_json_str(in, "body");
	a->script = fk_json_str(in, "script");
	a->urgent = json_is_true(json_object_get(in, "urgent"));
	a->public = json_is_true(json_object_get(in, "public"));
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(in, "roles"), i, r) {
		fk_role role = fk_role_parse(json_string_value(r));
		if (role == FK_ROLE_NONE) {
			char f[24];
			snprintf(f, sizeof(f), "roles[%zu]", i);
			return fk_err_invalid(e, f, "%s: one of %s", f, fk_role_names());
		}
		a->roles |= UINT64_C(1) << role;
	}
	return 0;
}

/* The loudspeaker script made from the text: the title, then the body
 * with line breaks as spaces, cut at FK_SCRIPT_MAX characters (on a UTF-8
 * boundary). */
static void make_script(const fk_announce_in *a, char *out, size_t n)
{
	snprintf(out, n, "%s。%s", a->title, a->body);
	size_t chars = 0, j = 0;
	for (size_t i = 0; out[i]; i++) {
		unsigned char c = (unsigned char)out[i];
		if ((c & 0xC0) != 0x80 && ++chars > FK_SCRIPT_MAX)
			break;
		out[j++] = c == '\n' || c == '\r' || c == '\t' ? ' ' : (char)c;
	}
	out[j] = '\0';
}

json_t *fk_announce_send(fk_db *db, const fk_actor *who, const fk_announce_in *a, fk_err *e)
{
	if (mob_region_in(db, who, a->region, "region", 0, e) < 0)
		return NULL;
	char script[FK_SCRIPT_MAX * 4 + 8];
	if (a->script)
		snprintf(script, sizeof(script), "%s", a->script);
	else
		make_script(a, script, sizeof(script));
	int64_t id = 0, total = 0;
	if (fk_db_int64(db, &id,
			"INSERT INTO announcements (region, roles, urgent, public, title, body, script, user_id, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			"siiisssii", a->region, (int64_t)a->roles, (int64_t)a->urgent, (int64_t)a->public, a->title, a->body,
			script, who->user_id, fk_now()) != FK_ROW)
		goto internal;
	char hi[32];
	fk_scope_upper(a->region, hi, sizeof(hi));
	for (int r = 1; r < FK_ROLE_COUNT; r++) {
		if (!(a->roles & (UINT64_C(1) << r)))
			continue;
		if (fk_db_run(db,
			      "INSERT INTO announcement_receipts (announcement_id, user_id)"
			      " SELECT $1, id FROM users WHERE region >= $2 AND region < $3 AND role = $4 AND disabled = 0",
			      "isss", id, a->region, hi, fk_role_name((fk_role)r)) < 0)
			goto internal;
		total += fk_db_changes(db);
	}
	if (fk_db_run(db, "UPDATE announcements SET recipients = $1 WHERE id = $2", "ii", total, id) < 0 ||
	    fk_audit_record(db, who, "announcement.send", "announcement", id, a->region,
			    json_pack("{s:I, s:b}", "recipients", (json_int_t)total, "urgent", a->urgent)) < 0)
		goto internal;
	return fk_list_one(db, who, &fk_announce_list, id, "announcement", 0, e);
internal:
	fk_err_internal(e);
	return NULL;
}

json_t *fk_announce_mark(fk_db *db, const fk_actor *who, int64_t id, bool ack, fk_err *e)
{
	fk_stmt *st;
	int64_t read_at = 0, ack_at = 0;
	if (fk_db_query(db, &st,
			"SELECT coalesce(read_at, 0), coalesce(ack_at, 0) FROM announcement_receipts"
			" WHERE announcement_id = $1 AND user_id = $2",
			"ii", id, who->user_id) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	int rc = fk_stmt_step(st);
	if (rc == FK_ROW) {
		read_at = fk_stmt_int64(st, 0);
		ack_at = fk_stmt_int64(st, 1);
	}
	fk_stmt_done(st);
	if (rc != FK_ROW) {
		fk_err_not_found(e, "announcement %lld not found", (long long)id);
		return NULL;
	}
	int64_t now = fk_now();
	bool first_read = read_at == 0, first_ack = ack && ack_at == 0;
	if (first_read || first_ack) {
		if (fk_db_run(db,
			      "UPDATE announcement_receipts SET read_at = coalesce(read_at, $1),"
			      " ack_at = CASE WHEN $2 = 1 THEN coalesce(ack_at, $1) ELSE ack_at END"
			      " WHERE announcement_id = $3 AND user_id = $4",
			      "iiii", now, (int64_t)ack, id, who->user_id) < 0 ||
		    fk_db_run(db, "UPDATE announcements SET readers = readers + $1, acks = acks + $2 WHERE id = $3", "iii",
			      (int64_t)first_read, (int64_t)first_ack, id) < 0) {
			fk_err_internal(e);
			return NULL;
		}
		if (first_read)
			read_at = now;
		if (first_ack)
			ack_at = now;
	}
	return json_pack("{s:I, s:I, s:o}", "id", (json_int_t)id, "read_at", (json_int_t)read_at, "ack_at",
			 ack_at ? json_integer(ack_at) : json_null());
}

json_t *fk_announce_inbox(fk_db *db, const fk_actor *who, fk_err *e)
{
	fk_stmt *st;
	json_t *items = json_array();
	int64_t must = 0, unread = 0;
	if (fk_db_int64(db, &must,
			"SELECT count(*) FROM announcement_receipts x JOIN announcements a ON a.id = x.announcement_id"
			" WHERE x.user_id = $1 AND a.urgent = 1 AND x.ack_at IS NULL",
			"i", who->user_id) < 0) {
		json_decref(items);
		fk_err_internal(e);
		return NULL;
	}
	if (fk_db_query(db, &st,
			"SELECT a.id AS id, a.region AS region, r.name AS region_name, a.urgent AS urgent, a.title AS title,"
			" a.body AS body, a.script AS script, a.created_at AS created_at,"
			" coalesce(nullif(u.display_name, ''), u.username) AS sender, x.read_at AS read_at, x.ack_at AS ack_at"
			" FROM announcement_receipts x JOIN announcements a ON a.id = x.announcement_id"
			" JOIN regions r ON r.code = a.region LEFT JOIN users u ON u.id = a.user_id"
			" WHERE x.user_id = $1 ORDER BY x.announcement_id DESC LIMIT 50",
			"i", who->user_id) < 0) {
		json_decref(items);
		fk_err_internal(e);
		return NULL;
	}
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *o = fk_row_json(st);
		bool urgent = json_integer_value(json_object_get(o, "urgent")) != 0;
		json_object_set_new(o, "urgent", json_boolean(urgent));
		if (json_is_null(json_object_get(o, "read_at")))
			unread++;
		json_object_set_new(o, "must_ack", json_boolean(urgent && json_is_null(json_object_get(o, "ack_at"))));
		json_array_append_new(items, o);
	}
	return json_pack("{s:o, s:I, s:I}", "items", items, "must_ack", (json_int_t)must, "unread", (json_int_t)unread);
}

/* The roles bit set as names. */
static void announce_row(json_t *item, const fk_actor *who)
{
	(void)who;
	uint64_t bits = (uint64_t)json_integer_value(json_object_get(item, "roles"));
	json_t *a = json_array();
	for (int r = 1; r < FK_ROLE_COUNT; r++)
		if (bits & (UINT64_C(1) << r))
			json_array_append_new(a, json_string(fk_role_name((fk_role)r)));
	json_object_set_new(item, "roles", a);
}

static const fk_column announce_cols[] = {
	{ "id", FK_C_INT },       { "region", FK_C_TEXT },     { "region_name", FK_C_TEXT }, { "roles", FK_C_INT },
	{ "urgent", FK_C_BOOL },  { "public", FK_C_BOOL },     { "title", FK_C_TEXT },      { "body", FK_C_TEXT },        { "script", FK_C_TEXT },
	{ "recipients", FK_C_INT }, { "readers", FK_C_INT },   { "acks", FK_C_INT },         { "sender", FK_C_TEXT },
	{ "created_at", FK_C_INT },
	{ 0 },
};

static const fk_filter announce_filters[] = {
	{ "urgent", FK_F_FLAG, "a.urgent = ?" },
	{ 0 },
};

const fk_list fk_announce_list = {
	.select = "a.id, a.region, r.name, a.roles, a.urgent, a.public, a.title, a.body, a.script, a.recipients, a.readers, a.acks,"
		  " coalesce(nullif(u.display_name, ''), u.username), a.created_at"
		  " FROM announcements a JOIN regions r ON r.code = a.region LEFT JOIN users u ON u.id = a.user_id",
	FK_LIST_REGION_ID("a"),
	.desc = true,
	.filters = announce_filters,
	.cols = announce_cols,
	.row = announce_row,
};

json_t *fk_announce_public(fk_db *db, const char *community, fk_err *e)
{
	int64_t n = 0;
	if (!community || fk_region_level_of(community) != FK_LEVEL_COMMUNITY ||
	    fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE code = $1", "s", community) < 0 || !n) {
		fk_err_set(e, 404, "not_found", "community", "community %s not found", community ? community : "");
		return NULL;
	}
	char chain[FK_REGION_CHAIN][16];
	int k = fk_region_chain(community, chain);
	fk_val v[FK_REGION_CHAIN];
	for (int i = 0; i < FK_REGION_CHAIN; i++)
		v[i] = (fk_val){ 's', .p = chain[i < k ? i : 0] };
	fk_stmt *st;
	if (fk_db_query_vals(db, &st,
			     "SELECT a.id AS id, r.name AS region_name, a.urgent AS urgent, a.title AS title, a.body AS body,"
			     " a.script AS script, a.created_at AS created_at FROM announcements a JOIN regions r ON r.code = a.region"
			     " WHERE a.public = 1 AND a.region IN ($1, $2, $3, $4, $5, $6, $7) ORDER BY a.id DESC LIMIT 50",
			     v, FK_REGION_CHAIN) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *items = json_array();
	while (fk_stmt_step(st) == FK_ROW) {
		json_t *o = fk_row_json(st);
		json_object_set_new(o, "urgent", json_boolean(json_integer_value(json_object_get(o, "urgent"))));
		json_array_append_new(items, o);
	}
	return json_pack("{s:s, s:o}", "community", community, "items", items);
}

int fk_announce_poster(fk_db *db, const fk_actor *who, int64_t id, fk_strbuf *out, fk_err *e)
{
	json_t *a = fk_list_one(db, who, &fk_announce_list, id, "announcement", 0, e);
	if (!a)
		return -1;
	fk_pdf *p = fk_pdf_open(out, fk_json_str_or(a, "title"));
	if (!p) {
		json_decref(a);
		return fk_err_internal(e);
	}
	char line[256], day[11];
	fk_date_format(fk_day_of(json_integer_value(json_object_get(a, "created_at"))), day);
	if (json_is_true(json_object_get(a, "urgent")))
		fk_pdf_text(p, FK_PDF_H2, "紧急通知");
	fk_pdf_space(p, 24);
	fk_pdf_text(p, FK_PDF_POSTER, fk_json_str_or(a, "title"));
	fk_pdf_space(p, 24);
	fk_pdf_text(p, FK_PDF_H2, fk_json_str_or(a, "body"));
	fk_pdf_space(p, 36);
	snprintf(line, sizeof(line), "%s    %s", fk_json_str_or(a, "region_name"), day);
	fk_pdf_text(p, FK_PDF_BODY, line);
	json_decref(a);
	return fk_pdf_close(p) < 0 ? fk_err_internal(e) : 0;
}
