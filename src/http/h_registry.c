/* h_registry.c - households and persons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/grid/import.h"
#include "core/grid/registry.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/log.h"

/* What a job on one record carries: its id and the parsed body. */
typedef struct record_in {
	int64_t id;
	union {
		fk_household_in household;
		fk_person_in person;
	} u;
} record_in;

/* A household or a person: whole on create, the fields given on update. */
static int household_create_parse(const json_t *in, fk_household_in *h, fk_err *e)
{
	return fk_household_parse(in, true, h, e);
}
static int household_update_parse(const json_t *in, fk_household_in *h, fk_err *e)
{
	return fk_household_parse(in, false, h, e);
}
static int person_create_parse(const json_t *in, fk_person_in *p, fk_err *e)
{
	return fk_person_parse(in, true, p, e);
}

FK_BODY_WRITE(h_household_create, fk_household_in, household_create_parse, fk_household_create, 201)
FK_ID_WRITE(h_household_update, fk_household_in, household_update_parse, fk_household_update, 200)
FK_BODY_WRITE(h_person_create, fk_person_in, person_create_parse, fk_person_create, 201)

int h_household_get(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_household_get(r->db, &r->actor, id, &r->err));
}

int h_person_get(fk_req *r)
{
	return fk_req_reply_record(r, fk_person_get, "person");
}

static int person_update_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const record_in *p = in;
	return (*out = fk_person_update(db, who, p->id, &p->u.person, e)) ? 0 : -1;
}

int h_person_update(fk_req *r)
{
	record_in *p = fk_arena_alloc(&r->arena, sizeof(*p));
	if ((p->id = fk_req_id(r, "id")) < 0 || fk_person_parse(r->json, false, &p->u.person, &r->err) < 0)
		return -1;
	if (json_object_size(r->json) == 0)
		return fk_req_fail(r, 400, "invalid", NULL, "give at least one field to change");
	/* the type names the number: they change together */
	if (fk_json_str(r->json, "doc_type") && !fk_json_str(r->json, "doc_number"))
		return fk_req_fail(r, 400, "invalid", "doc_type", "doc_type: change it together with doc_number");
	return fk_req_write(r, &(fk_job){ .run = person_update_job, .in = p });
}

const fk_field fk_reveal_fields[] = {
	{ "reason", FK_FT_STRING, true, 2, 200 },
	{ 0 },
};

FK_REVEAL_WRITE(h_person_reveal, fk_reveal_fields, fk_person_reveal)

typedef struct import_in {
	const char *data; /* the file as sent */
	size_t len;
	const char *grid, *sheet;
	bool dry_run;
	fk_import_progress *progress;
} import_in;

static int import_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	const import_in *c = in;
	json_t *res = fk_person_import(db, who, c->data, c->len, c->grid, c->sheet, c->progress, e);
	fk_import_progress_done(c->progress, res != NULL);
	if (!res)
		return -1;
	json_object_set_new(res, "dry_run", json_boolean(c->dry_run));
	*out = res;
	/* A dry run answers what would happen and rolls it all back. */
	return c->dry_run ? -1 : 0;
}

int h_persons_import(fk_req *r)
{
	const char *ct = fk_req_header_in(r, "Content-Type");
	if (ct && (strncasecmp(ct, "multipart/", 10) == 0 || strncasecmp(ct, "application/json", 16) == 0))
		return fk_req_fail(r, 415, "unsupported_media_type", NULL,
				   "send the file itself (CSV, .xlsx or .xls) as the body");
	if (r->body.len == 0)
		return fk_req_fail(r, 400, "invalid", "file", "the body is empty: send the CSV, .xlsx or .xls file");
	import_in *c = fk_arena_alloc(&r->arena, sizeof(*c));
	c->data = r->body.buf;
	c->len = r->body.len;
	c->grid = fk_req_region(r, "grid");
	c->sheet = fk_req_query(r, "sheet");
	const char *progress = fk_req_query(r, "progress");
	if (progress && !(c->progress = fk_import_progress_open(progress, r->actor.username)))
		return fk_req_fail(r, 400, "invalid", "progress",
				   "progress: 8 to 64 letters, digits, - or _, not the id of an import still running");
	const char *dry = fk_req_query(r, "dry_run");
	c->dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
	return fk_req_write_heavy(r, &(fk_job){ .run = import_job, .in = c });
}

int h_import_progress(fk_req *r)
{
	const char *id = fk_req_param(r, "id");
	json_t *p = id ? fk_import_progress_get(id, r->actor.username) : NULL;
	if (!p)
		return fk_req_fail(r, 404, "not_found", NULL, "no import %s of yours is running or ran lately", id ? id : "");
	return fk_req_reply(r, 200, p);
}

int h_persons_import_template(fk_req *r)
{
	const char *format = fk_req_query(r, "format");
	bool csv = format && strcmp(format, "csv") == 0;
	if (format && !csv && strcmp(format, "xlsx") != 0)
		return fk_req_fail(r, 400, "invalid", "format", "format: xlsx or csv");
	char *data;
	size_t n;
	if (fk_import_template(!csv, &data, &n) < 0)
		return fk_req_fail(r, 500, "internal", NULL, "internal error");
	int rc = fk_req_reply_file(r, data, n,
				   csv ? "text/csv; charset=utf-8"
				       : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				   csv ? "persons-template.csv" : "persons-template.xlsx");
	free(data);
	return rc;
}

typedef struct export_ctx {
	const char *region, *name, *tag; /* read once, on the request's thread */
	unsigned flags;
	fk_page page;
	bool started;
} export_ctx;

/* The export takes the region, name and tag filters of the persons list. */
static const char *export_get(void *ctx, const char *name)
{
	export_ctx *x = ctx;
	return strcmp(name, "region") == 0 ? x->region
	       : strcmp(name, "name") == 0 ? x->name
	       : strcmp(name, "tag") == 0  ? x->tag
					   : NULL;
}

/* One page of 1,000 persons as CSV lines per call; the cursor carries on. */
static int export_stream(fk_req *r, fk_strbuf *out)
{
	export_ctx *x = r->ctx;
	if (!x->started) {
		fk_strbuf_add(out, "\xEF\xBB\xBF", 3); /* BOM: Excel then reads UTF-8 */
		fk_csv_header(out, fk_person_columns);
		x->started = true;
	}
	fk_err e = { 0 };
	json_t *p = fk_list_run(r->db, &r->actor, &fk_person_list, export_get, x, &x->page, x->flags, &e);
	if (!p)
		return fk_log_err("export %s: %s", r->id, e.message);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(p, "items"), i, row)
		fk_csv_line(out, row, false);
	const char *next = json_string_value(json_object_get(p, "next"));
	x->page.after = next ? fk_cursor_decode(&r->arena, next) : NULL;
	json_decref(p);
	return next ? 1 : 0;
}

int h_persons_export(fk_req *r)
{
	export_ctx *x = fk_arena_alloc(&r->arena, sizeof(*x));
	x->region = fk_req_query(r, "region");
	x->name = fk_req_query(r, "name");
	x->tag = fk_req_query(r, "tag");
	x->page.limit = FK_PAGE_MAX;
	const char *rv = fk_req_query(r, "reveal"), *reason = fk_req_query(r, "reason");
	bool reveal = rv && (strcmp(rv, "1") == 0 || strcmp(rv, "true") == 0);
	if (reveal) {
		if (!fk_role_can(r->actor.role, FK_PERM_PERSON_REVEAL))
			return fk_req_fail(r, 403, "forbidden", "reveal", "your role (%s) may not export unmasked data",
					   fk_role_name(r->actor.role));
		if (!reason || fk_utf8_len(reason) < 2 || fk_utf8_len(reason) > 200)
			return fk_req_fail(r, 400, "invalid", "reason", "reason: an unmasked export needs a reason (2 to 200 characters)");
		x->flags = FK_LIST_REVEAL;
	}
	/* Check the filter now, so a bad one gets an error and not a broken file. */
	fk_page probe = { .limit = 1 };
	json_t *p = fk_list_run(r->db, &r->actor, &fk_person_list, export_get, x, &probe, x->flags, &r->err);
	if (!p)
		return -1;
	json_decref(p);
	r->ctx = x;
	r->stream = export_stream;
	r->stream_type = "text/csv; charset=utf-8";
	const char *asked = fk_list_region(&fk_person_list, export_get, x);
	const char *region = asked ? asked : r->actor.region;
	r->stream_name = fk_arena_printf(&r->arena, "persons-%s.csv", *region ? region : "all");
	json_t *d = json_pack("{s:s, s:s?, s:s?, s:b, s:s?}", "region", region, "name", export_get(x, "name"), "tag",
			      export_get(x, "tag"), "unmasked", reveal, "reason", reveal ? reason : NULL);
	return fk_req_reply_audited(r, 200, json_object(), "person.export", "persons", region, d);
}
