/* h_export.c - exports for the people who live in spreadsheets: cases,
 * contacts, observations (their declared lists, with the lists' filters,
 * masking and scope), a region's coverage by child and day and its grids'
 * zero reports by day, as CSV or
 * XLSX.  Streamed: a CSV goes out a page (1,000 rows) at a time; a workbook
 * is written row by row with libxlsxwriter's constant-memory mode to a
 * temporary file, which then goes out in 64 kB parts, so the server's
 * memory stays flat whatever the size.  Each export is audited before the
 * first byte goes (<kind>.export, with the filters), as the persons export
 * is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/base/list.h"
#include "core/epi/cases.h"
#include "core/epi/contacts.h"
#include "core/grid/screening.h"
#include "http/handlers.h"
#include "util/date.h"
#include "util/log.h"
#include "util/xlsxout.h"

#define EXPORT_DAYS_MAX 366 /* a coverage export spans at most a year */

typedef struct export_ctx export_ctx;

/* Where rows go: CSV text, or a workbook's sheet. */
struct export_ctx {
	fk_req *r;
	const fk_list *list;        /* NULL: coverage, or the zero reports when reports is set */
	bool reports;
	fk_page page;
	bool xlsx, started, built;
	int64_t from, to;           /* coverage: the days */
	const char *region;         /* coverage: the region asked for */
	/* xlsx */
	char path[512];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;
	lxw_row_t row;
	FILE *file;
};

static const char *query_get(void *ctx, const char *name)
{
	return fk_req_query(((export_ctx *)ctx)->r, name);
}

/* A cell of the workbook from a rendered value: numbers as numbers,
 * arrays joined by ';', null left empty. */
static void xlsx_cell(export_ctx *x, lxw_col_t c, const json_t *v)
{
	if (json_is_integer(v) || json_is_real(v)) {
		worksheet_write_number(x->ws, x->row, c, json_number_value(v), NULL);
	} else if (json_is_string(v)) {
		worksheet_write_string(x->ws, x->row, c, json_string_value(v), NULL);
	} else if (json_is_boolean(v)) {
		worksheet_write_boolean(x->ws, x->row, c, json_is_true(v), NULL);
	} else if (json_is_array(v)) {
		fk_strbuf s = FK_STRBUF_INIT;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (i)
				fk_strbuf_addch(&s, ';');
			if (json_is_string(e))
				fk_strbuf_adds(&s, json_string_value(e));
			else if (json_is_integer(e))
				fk_strbuf_addf(&s, "%lld", (long long)json_integer_value(e));
		}
		worksheet_write_string(x->ws, x->row, c, s.buf, NULL);
		fk_strbuf_release(&s);
	}
}

/* The columns of coverage's rows. */
static const fk_column coverage_cols[] = {
	{ "date", FK_C_TEXT },     { "region", FK_C_TEXT },  { "region_name", FK_C_TEXT }, { "households", FK_C_INT },
	{ "persons", FK_C_INT },   { "visited", FK_C_INT },  { "not_home", FK_C_INT },     { "refused", FK_C_INT },
	{ "unvisited", FK_C_INT }, { "abnormal", FK_C_INT }, { 0 },
};

/* The columns of the zero reports' rows (fk_report_list's, with the date). */
static const fk_column report_cols[] = {
	{ "date", FK_C_TEXT },        { "region", FK_C_TEXT },      { "region_name", FK_C_TEXT },
	{ "community_name", FK_C_TEXT }, { "reported_at", FK_C_INT }, { "reported_by", FK_C_TEXT },
	{ "abnormal", FK_C_INT },     { "note", FK_C_TEXT },        { "reported", FK_C_BOOL },
	{ "late", FK_C_BOOL },        { 0 },
};

/* The header row (the columns' names), also for an export with no rows. */
static void put_header(export_ctx *x, fk_strbuf *out)
{
	const fk_column *cols = x->list ? x->list->cols : x->reports ? report_cols : coverage_cols;
	x->started = true;
	if (!x->xlsx) {
		fk_strbuf_add(out, "\xEF\xBB\xBF", 3); /* BOM: Excel then reads UTF-8 */
		fk_csv_header(out, cols);
		return;
	}
	for (int i = 0; cols[i].name; i++)
		worksheet_write_string(x->ws, 0, (lxw_col_t)i, cols[i].name, x->head);
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row = 1;
}

/* One rendered row (an object whose keys are the columns, in order). */
static void put_row(export_ctx *x, fk_strbuf *out, const json_t *row)
{
	if (!x->xlsx) {
		fk_csv_line(out, row, false);
		return;
	}
	const char *k;
	json_t *v;
	lxw_col_t c = 0;
	json_object_foreach((json_t *)row, k, v)
		xlsx_cell(x, c++, v);
	x->row++;
}

/* The next page of rows into the sink; 1 while more follows, 0 at the end,
 * -1 on an error. */
static int next_rows(export_ctx *x, fk_strbuf *out)
{
	fk_err e = { 0 };
	fk_req *r = x->r;
	if (x->reports) {
		/* zero reports: a page of grids of one day per call */
		if (x->from > x->to)
			return 0;
		json_t *p = fk_report_list(r->db, &r->actor, x->region, x->from, false, fk_report_hour, &x->page, &e);
		if (!p)
			return fk_log_err("export %s: %s", r->id, e.message);
		char d[11];
		fk_date_format(x->from, d);
		size_t i;
		json_t *g;
		json_array_foreach(json_object_get(p, "items"), i, g) {
			json_t *row = json_pack("{s:s, s:O, s:O}", "date", d, "region", json_object_get(g, "grid"), "region_name",
						json_object_get(g, "name"));
			for (int c = 3; report_cols[c].name; c++) {
				json_t *v = json_object_get(g, report_cols[c].name);
				json_object_set(row, report_cols[c].name, v ? v : json_null());
			}
			put_row(x, out, row);
			json_decref(row);
		}
		const char *next = json_string_value(json_object_get(p, "next"));
		x->page.after = next ? fk_cursor_decode(&r->arena, next) : NULL;
		json_decref(p);
		if (!next)
			x->from++;
		return x->from <= x->to;
	}
	if (!x->list) {
		/* coverage: one day per call */
		if (x->from > x->to)
			return 0;
		json_t *cov = fk_coverage_get(r->db, &r->actor, x->region, x->from, &e);
		if (!cov)
			return fk_log_err("export %s: %s", r->id, e.message);
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(cov, "children"), i, c) {
			json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "date",
						json_object_get(cov, "date"), "region", json_object_get(c, "code"), "region_name",
						json_object_get(c, "name"), "households", json_object_get(c, "households"),
						"persons", json_object_get(c, "persons"), "visited",
						json_object_get(c, "visited"), "not_home", json_object_get(c, "not_home"),
						"refused", json_object_get(c, "refused"), "unvisited",
						json_object_get(c, "unvisited"), "abnormal", json_object_get(c, "abnormal"));
			put_row(x, out, row);
			json_decref(row);
		}
		json_decref(cov);
		return ++x->from <= x->to;
	}
	json_t *p = fk_list_run(r->db, &r->actor, x->list, query_get, x, &x->page, 0, &e);
	if (!p)
		return fk_log_err("export %s: %s", r->id, e.message);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(p, "items"), i, row)
		put_row(x, out, row);
	const char *next = json_string_value(json_object_get(p, "next"));
	x->page.after = next ? fk_cursor_decode(&r->arena, next) : NULL;
	json_decref(p);
	return next ? 1 : 0;
}

#define EXPORT_PART (64 * 1024)

static int export_stream(fk_req *r, fk_strbuf *out)
{
	export_ctx *x = r->ctx;
	if (!x->started)
		put_header(x, out);
	if (!x->xlsx)
		return next_rows(x, out);
	if (!x->built) {
		/* the whole workbook first (constant memory: each row goes to the
		 * file as it is written), then the file in parts */
		int rc;
		while ((rc = next_rows(x, out)) == 1)
			;
		x->built = true;
		lxw_error done = workbook_close(x->wb);
		x->wb = NULL;
		if (rc < 0 || done != LXW_NO_ERROR || !(x->file = fopen(x->path, "rb")))
			return -1;
		unlink(x->path); /* gone once the file is closed */
		x->path[0] = '\0';
	}
	char buf[EXPORT_PART];
	size_t n = fread(buf, 1, sizeof(buf), x->file);
	fk_strbuf_add(out, buf, n);
	if (ferror(x->file))
		return -1;
	return feof(x->file) ? 0 : 1;
}

/* The request's end: the workbook's file closed and removed, whatever
 * happened to the stream. */
static void export_done(fk_req *r)
{
	export_ctx *x = r->ctx;
	if (x->wb)
		workbook_close(x->wb);
	if (x->file)
		fclose(x->file);
	if (x->path[0])
		unlink(x->path);
}

/* Parses ?format= (csv, the default, or xlsx) and opens the workbook. */
static int export_open(fk_req *r, export_ctx *x, const char *sheet)
{
	const char *f = fk_req_query(r, "format");
	if (f && strcmp(f, "csv") != 0 && strcmp(f, "xlsx") != 0)
		return fk_req_fail(r, 400, "invalid", "format", "format: csv or xlsx");
	x->xlsx = f && strcmp(f, "xlsx") == 0;
	x->r = r;
	x->page.limit = FK_PAGE_MAX;
	if (!x->xlsx)
		return 0;
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	const char *dir = getenv("TMPDIR");
	snprintf(x->path, sizeof(x->path), "%s/fangkong-export-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(x->path, 5);
	if (fd < 0)
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	close(fd);
	x->wb = workbook_new_opt(x->path, &o);
	if (!x->wb) {
		unlink(x->path);
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	}
	x->head = fk_xlsx_head(x->wb);
	x->ws = workbook_add_worksheet(x->wb, sheet);
	return 0;
}

/* Starts the stream of x: checks the filters with a first page of one row
 * (a bad filter is a 400, not a broken file), then audits the export and
 * answers. */
static int export_start(fk_req *r, export_ctx *x, const char *kind, const char *action, json_t *detail)
{
	const char *region = x->region;
	if (x->list) {
		fk_page probe = { .limit = 1 };
		json_t *p = fk_list_run(r->db, &r->actor, x->list, query_get, x, &probe, 0, &r->err);
		if (!p) {
			json_decref(detail);
			return -1;
		}
		json_decref(p);
		region = fk_list_region(x->list, query_get, x);
	}
	if (!region)
		region = r->actor.region;
	if (export_open(r, x, kind) < 0) {
		json_decref(detail);
		return -1;
	}
	r->ctx = x;
	r->stream = export_stream;
	r->stream_done = export_done;
	r->stream_type = x->xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				 : "text/csv; charset=utf-8";
	r->stream_name = fk_arena_printf(&r->arena, "%s-%s.%s", kind, *region ? region : "all", x->xlsx ? "xlsx" : "csv");
	json_object_set_new(detail, "region", json_string(region));
	json_object_set_new(detail, "format", json_string(x->xlsx ? "xlsx" : "csv"));
	return fk_req_reply_audited(r, 200, json_object(), action, kind, region, detail);
}

/* A list's export: its filters as given (named in the audit entry). */
static int list_export(fk_req *r, const fk_list *l, const char *kind, const char *action, const char *const *filters)
{
	export_ctx *x = fk_arena_alloc(&r->arena, sizeof(*x));
	memset(x, 0, sizeof(*x));
	x->r = r;
	x->list = l;
	json_t *d = json_object();
	for (int i = 0; filters[i]; i++) {
		const char *v = fk_req_query(r, filters[i]);
		json_object_set_new(d, filters[i], v ? json_string(v) : json_null());
	}
	return export_start(r, x, kind, action, d);
}

int h_cases_export(fk_req *r)
{
	static const char *const f[] = { "category", "outcome", "late", NULL };
	return list_export(r, &fk_case_list, "cases", "case.export", f);
}

int h_contacts_export(fk_req *r)
{
	static const char *const f[] = { "case_id", NULL };
	return list_export(r, &fk_contact_list, "contacts", "contact.export", f);
}

int h_observations_export(fk_req *r)
{
	static const char *const f[] = { "state", NULL };
	return list_export(r, &fk_observation_list, "observations", "observation.export", f);
}

/* A day-range export (coverage, zero reports) of a region: from (default 6
 * days before to) to to (default today), at most EXPORT_DAYS_MAX days. */
static int days_export(fk_req *r, bool reports, const char *kind, const char *action)
{
	export_ctx *x = fk_arena_alloc(&r->arena, sizeof(*x));
	memset(x, 0, sizeof(*x));
	bool from_given;
	if (fk_req_date(r, "to", fk_today(), &x->to, NULL) < 0 || fk_req_date(r, "from", 0, &x->from, &from_given) < 0)
		return -1;
	if (!from_given)
		x->from = x->to - 6;
	if (x->from > x->to)
		return fk_req_fail(r, 400, "invalid", "from", "from: on or before to");
	if (x->to - x->from + 1 > EXPORT_DAYS_MAX)
		return fk_req_fail(r, 400, "invalid", "from", "from: an export spans at most %d days", EXPORT_DAYS_MAX);
	x->r = r;
	x->reports = reports;
	/* the region in scope (404 otherwise) before anything is queued */
	fk_err e = { 0 };
	json_t *probe = fk_coverage_get(r->db, &r->actor, fk_req_region(r, "region"), x->to, &e);
	if (!probe) {
		r->err = e;
		return -1;
	}
	x->region = fk_arena_printf(&r->arena, "%s",
				    json_string_value(json_object_get(json_object_get(probe, "region"), "code")));
	json_decref(probe);
	char fd[11], td[11];
	fk_date_format(x->from, fd);
	fk_date_format(x->to, td);
	return export_start(r, x, kind, action, json_pack("{s:s, s:s}", "from", fd, "to", td));
}

int h_coverage_export(fk_req *r)
{
	return days_export(r, false, "coverage", "coverage.export");
}

int h_reports_export(fk_req *r)
{
	return days_export(r, true, "reports", "report.export");
}
