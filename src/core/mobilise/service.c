/* service.c - the reads of mobilisation that are more than one list: the
 * community's board, the volunteer's own page and the service certificate
 * (see mobilise.h).  Expected load: the board of a street (a few hundred
 * posts) refreshed by its officers every minute or so; one indexed query
 * for the posts and one per shift on now. */
#include <stdio.h>
#include <string.h>

#include "core/base/list.h"
#include "core/base/region.h"
#include "core/mobilise/internal.h"
#include "core/mobilise/mobilise.h"
#include "util/date.h"
#include "util/pdf.h"

#define BOARD_POSTS 300
#define BOARD_GAPS 100

/* The people on duty on shift_id. */
static json_t *on_duty(fk_db *db, int64_t shift_id)
{
	return mob_rows(db,
			"SELECT v.id AS id, v.name AS name, v.party_member AS party_member FROM shift_people sp"
			" JOIN volunteers v ON v.id = sp.volunteer_id WHERE sp.shift_id = $1 AND sp.state = 'on_duty'"
			" ORDER BY v.id",
			shift_id);
}

json_t *fk_mob_board(fk_db *db, const fk_actor *who, const char *region, int64_t now, fk_err *e)
{
	fk_range rg;
	if (fk_scope_range(who, region, &rg, e) < 0)
		return NULL;
	int64_t today = fk_day_of(now);
	json_t *out = json_pack("{s:s, s:I}", "region", rg.base, "at", (json_int_t)now);
	fk_stmt *st;

	/* each post with the shifts on now (rows of one post come together) */
	json_t *posts = json_array(), *p = NULL;
	int n = 0;
	if (fk_db_query(db, &st,
			"SELECT p.id AS id, p.name AS name, p.kind AS kind, p.region AS region, r.name AS region_name,"
			" p.required AS required, p.risky AS risky, s.id AS shift_id"
			" FROM posts p JOIN regions r ON r.code = p.region"
			" LEFT JOIN shifts s ON s.post_id = p.id AND s.day >= $4 AND s.day <= $5 AND s.start_at <= $3"
			" AND s.end_at > $3"
			" WHERE p.region >= $1 AND p.region < $2 ORDER BY p.region, p.id, s.id LIMIT 1000",
			"ssiii", rg.base, rg.hi, now, today - 1, today) < 0)
		goto internal;
	int64_t shift_of[1000], post_of[1000];
	int rows = 0;
	bool more = false;
	while (fk_stmt_step(st) == FK_ROW) {
		int64_t pid = fk_stmt_int64(st, 0);
		if (!p || json_integer_value(json_object_get(p, "id")) != pid) {
			if (n == BOARD_POSTS) {
				more = true;
				break;
			}
			p = fk_row_json(st);
			json_object_del(p, "shift_id");
			json_object_set_new(p, "risky", json_boolean(json_integer_value(json_object_get(p, "risky"))));
			json_object_set_new(p, "shifts", json_array());
			json_object_set_new(p, "on_duty", json_array());
			json_array_append_new(posts, p);
			n++;
		}
		if (!fk_stmt_is_null(st, 7)) {
			json_array_append_new(json_object_get(p, "shifts"), json_integer(fk_stmt_int64(st, 7)));
			shift_of[rows] = fk_stmt_int64(st, 7);
			post_of[rows++] = n - 1;
		}
	}
	fk_stmt_done(st);
	for (int i = 0; i < rows; i++) {
		json_t *names = on_duty(db, shift_of[i]);
		json_array_extend(json_object_get(json_array_get(posts, (size_t)post_of[i]), "on_duty"), names);
		json_decref(names);
	}
	size_t k;
	json_array_foreach(posts, k, p) {
		/* short now: the people each shift on now needs, less those on duty */
		json_int_t need = json_integer_value(json_object_get(p, "required")) *
				  (json_int_t)json_array_size(json_object_get(p, "shifts"));
		json_object_set_new(p, "gap", json_integer(need - (json_int_t)json_array_size(json_object_get(p, "on_duty"))));
	}
	json_object_set_new(out, "posts", posts);
	json_object_set_new(out, "posts_truncated", json_boolean(more));

	/* today's shifts short of people */
	json_t *gaps = json_array();
	if (fk_db_query(db, &st,
			"SELECT s.id AS id, p.name AS post_name, r.name AS region_name, s.start_at AS start_at,"
			" s.end_at AS end_at, p.required AS required, s.assigned AS assigned"
			" FROM shifts s JOIN posts p ON p.id = s.post_id JOIN regions r ON r.code = s.region"
			" WHERE s.day = $3 AND s.region >= $1 AND s.region < $2 AND s.assigned < p.required"
			" ORDER BY s.start_at, s.id LIMIT 100",
			"ssi", rg.base, rg.hi, today) < 0)
		goto internal;
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(gaps, fk_row_json(st));
	json_object_set_new(out, "gaps", gaps);

	/* 双报到: who reported, who took no task yet */
	int64_t reported = 0;
	json_t *idle = json_array();
	if (fk_db_int64(db, &reported, "SELECT count(*) FROM duty_reports d WHERE d.region >= $1 AND d.region < $2", "ss",
			rg.base, rg.hi) < 0 ||
	    fk_db_query(db, &st,
			"SELECT d.id AS id, d.unit AS unit, v.name AS volunteer_name, r.name AS region_name"
			" FROM duty_reports d JOIN regions r ON r.code = d.region LEFT JOIN volunteers v ON v.id = d.volunteer_id"
			" WHERE d.region >= $1 AND d.region < $2 AND " TASKS_TAKEN " = 0 ORDER BY d.id DESC LIMIT 50",
			"ss", rg.base, rg.hi) < 0)
		goto internal;
	while (fk_stmt_step(st) == FK_ROW)
		json_array_append_new(idle, fk_row_json(st));
	json_object_set_new(out, "reported", json_integer(reported));
	json_object_set_new(out, "no_task", idle);

	/* the region's service, kept on write */
	int64_t m_today = 0, m_week = 0, served_week = 0, pending = 0, corrections = 0, overdue = 0;
	if (fk_db_int64(db, &m_today, "SELECT coalesce(sum(minutes), 0) FROM service_daily WHERE region = $1 AND day = $2",
			"si", rg.base, today) < 0 ||
	    fk_db_int64(db, &m_week,
			"SELECT coalesce(sum(minutes), 0) FROM service_daily WHERE region = $1 AND day > $2 AND day <= $3",
			"sii", rg.base, today - 7, today) < 0 ||
	    fk_db_int64(db, &served_week,
			"SELECT coalesce(sum(served), 0) FROM service_daily WHERE region = $1 AND day > $2 AND day <= $3",
			"sii", rg.base, today - 7, today) < 0 ||
	    fk_db_int64(db, &pending,
			"SELECT count(*) FROM volunteers WHERE region >= $1 AND region < $2 AND state = 'pending'", "ss",
			rg.base, rg.hi) < 0 ||
	    fk_db_int64(db, &corrections,
			"SELECT count(*) FROM hour_corrections WHERE region >= $1 AND region < $2 AND state = 'pending'",
			"ss", rg.base, rg.hi) < 0 ||
	    fk_db_int64(db, &overdue,
			"SELECT count(*) FROM service_tasks WHERE region >= $1 AND region < $2"
			" AND state IN ('pending', 'in_progress') AND due_at < $3",
			"ssi", rg.base, rg.hi, now) < 0)
		goto internal;
	json_object_set_new(out, "minutes_today", json_integer(m_today));
	json_object_set_new(out, "minutes_7d", json_integer(m_week));
	json_object_set_new(out, "served_7d", json_integer(served_week));
	json_object_set_new(out, "pending_registrations", json_integer(pending));
	json_object_set_new(out, "pending_corrections", json_integer(corrections));
	json_object_set_new(out, "overdue_tasks", json_integer(overdue));
	return out;
internal:
	json_decref(out);
	fk_err_internal(e);
	return NULL;
}

/* A list's items for one filter value (the first 50). */
static json_t *items_of(fk_db *db, const fk_actor *who, const struct fk_list *l, const char *name, const char *value)
{
	const char *const args[] = { name, value, NULL };
	fk_page page = { .limit = 50 };
	fk_err e = { 0 };
	json_t *r = fk_list_run(db, who, l, fk_list_arg, (void *)args, &page, 0, &e);
	json_t *items = r ? json_incref(json_object_get(r, "items")) : json_array();
	json_decref(r);
	return items;
}

json_t *fk_mob_me(fk_db *db, const fk_actor *who, int64_t now, fk_err *e)
{
	int64_t id = fk_volunteer_of_user(db, who->user_id);
	if (!id) {
		fk_err_not_found(e, "no volunteer profile is linked to this account");
		return NULL;
	}
	json_t *me = fk_volunteer_get(db, who, id, e);
	if (!me)
		return NULL;
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	json_object_set_new(me, "shifts", items_of(db, who, &fk_shift_person_list, "volunteer_id", ids));
	json_object_set_new(me, "tasks", items_of(db, who, &fk_task_list, "volunteer_id", ids));
	int64_t today = fk_day_of(now), year = 0;
	char d[11];
	fk_date_format(today, d);
	int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	year = fk_days_from_civil(y, 1, 1);
	json_object_set_new(me, "minutes_year", json_integer(fk_mob_minutes_of(db, id, year, today)));
	return me;
}

/* ---- the service certificate ---- */

int fk_volunteer_certificate(fk_db *db, const fk_actor *who, int64_t id, fk_strbuf *out, char region[16], fk_err *e)
{
	json_t *v = fk_volunteer_get(db, who, id, e);
	if (!v)
		return -1;
	snprintf(region, 16, "%s", fk_json_str_or(v, "region"));
	fk_stmt *st;
	const char *cells[4 * 52];
	char buf[51][3][32];
	int rows = 0;
	cells[0] = "岗位";
	cells[1] = "班次";
	cells[2] = "已认证时长（小时）";
	cells[3] = "服务时长（小时）";
	int64_t total = 0, certified = 0;
	json_t *names = json_array(); /* keeps the post names alive */
	if (fk_db_query(db, &st,
			"SELECT p.name, count(*), sum(CASE WHEN sp.certified = 1 THEN sp.minutes ELSE 0 END), sum(sp.minutes)"
			" FROM shift_people sp JOIN shifts s ON s.id = sp.shift_id JOIN posts p ON p.id = s.post_id"
			" WHERE sp.volunteer_id = $1 AND sp.state = 'done' GROUP BY p.id, p.name ORDER BY p.id LIMIT 50",
			"i", id) < 0) {
		json_decref(v);
		json_decref(names);
		return fk_err_internal(e);
	}
	while (fk_stmt_step(st) == FK_ROW && rows < 50) {
		json_array_append_new(names, json_string(fk_stmt_text(st, 0)));
		int64_t c = fk_stmt_int64(st, 2), m = fk_stmt_int64(st, 3);
		certified += c;
		total += m;
		snprintf(buf[rows][0], 32, "%lld", (long long)fk_stmt_int64(st, 1));
		snprintf(buf[rows][1], 32, "%.1f", (double)c / 60.0);
		snprintf(buf[rows][2], 32, "%.1f", (double)m / 60.0);
		rows++;
	}
	fk_stmt_done(st);
	for (int i = 0; i < rows; i++) {
		cells[4 * (i + 1)] = json_string_value(json_array_get(names, (size_t)i));
		cells[4 * (i + 1) + 1] = buf[i][0];
		cells[4 * (i + 1) + 2] = buf[i][1];
		cells[4 * (i + 1) + 3] = buf[i][2];
	}
	fk_pdf *p = fk_pdf_open(out, "志愿服务证明");
	if (!p) {
		json_decref(v);
		json_decref(names);
		return fk_err_internal(e);
	}
	char line[512], today[11];
	fk_date_format(fk_today(), today);
	fk_pdf_text(p, FK_PDF_H1, "志愿服务证明");
	fk_pdf_space(p, 12);
	snprintf(line, sizeof(line), "编号：FK-V%06lld-%s", (long long)id, today);
	fk_pdf_text(p, FK_PDF_SMALL, line);
	fk_pdf_space(p, 8);
	snprintf(line, sizeof(line), "兹证明 %s（%s）参加疫情防控志愿服务，经组织单位记录并认证的服务时长为 %.1f 小时%s。",
		 fk_json_str_or(v, "name"), fk_json_str_or(v, "region_name"), (double)certified / 60.0,
		 total > certified ? "（另有未认证时长见下表）" : "");
	fk_pdf_text(p, FK_PDF_BODY, line);
	fk_pdf_space(p, 10);
	static const double w[] = { 3, 1, 2, 2 };
	static const bool right[] = { false, true, true, true };
	fk_pdf_table(p, 4, w, right, cells, rows + 1);
	fk_pdf_space(p, 16);
	snprintf(line, sizeof(line), "出具人：%s    出具日期：%s", who->username, today);
	fk_pdf_text(p, FK_PDF_BODY, line);
	fk_pdf_text(p, FK_PDF_SMALL, "依据《关于进一步做好新冠肺炎疫情防控中志愿服务工作的通知》：谁组织谁记录、谁记录谁认证。");
	json_decref(v);
	json_decref(names);
	return fk_pdf_close(p) < 0 ? fk_err_internal(e) : 0;
}
