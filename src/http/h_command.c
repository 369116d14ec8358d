/* h_command.c - the command centre: the wall screen's data (with ETag, so a
 * refresh that finds nothing new costs a 304) and the daily bulletins. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/command/bulletin.h"
#include "core/command/shapes.h"
#include "core/command/wall.h"
#include "http/handlers.h"
#include "util/date.h"

int h_wall(fk_req *r)
{
	int64_t day;
	if (fk_req_date(r, "date", fk_today(), &day, NULL) < 0)
		return -1;
	json_t *w = fk_wall_get(r->db, &r->actor, fk_req_region(r, "region"), day, fk_report_hour, &r->err);
	if (!w)
		return -1;
	/* the ETag is the figures' digest: the same figures, the same tag */
	char *text = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
	free(text);
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	const char *etag = fk_arena_printf(&r->arena, "\"%s\"", hex);
	fk_req_header(r, "ETag", etag);
	const char *inm = fk_req_header_in(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		json_decref(w);
		r->status = 304;
		return 0;
	}
	json_object_set_new(w, "as_of", json_integer(fk_now()));
	return fk_req_reply(r, 200, w);
}

static int draft_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	return (*out = fk_bulletin_draft(db, who, in, e)) ? 0 : -1;
}

int h_bulletin_draft(fk_req *r)
{
	fk_bulletin_in *b = fk_arena_alloc(&r->arena, sizeof(*b));
	if (fk_bulletin_parse(r->json, b, &r->err) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = draft_job, .in = b, .status = 201 });
}

int h_bulletin_get(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_bulletin_get(r->db, &r->actor, id, &r->err));
}

static int approve_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	return (*out = fk_bulletin_approve(db, who, *(int64_t *)in, e)) ? 0 : -1;
}

int h_bulletin_approve(fk_req *r)
{
	int64_t *id = fk_arena_alloc(&r->arena, sizeof(*id));
	if ((*id = fk_req_id(r, "id")) < 0)
		return -1;
	return fk_req_write(r, &(fk_job){ .run = approve_job, .in = id });
}

int h_bulletin_document(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	if (id < 0)
		return -1;
	const char *format = fk_req_query(r, "format");
	fk_strbuf docbuf = FK_STRBUF_INIT, *doc = &docbuf;
	json_t *b = NULL;
	if (fk_bulletin_publish(r->db, &r->actor, id, format, doc, &b, &r->err) < 0) {
		fk_strbuf_release(doc);
		return -1;
	}
	const char *ext = format ? format : "txt";
	const char *type = strcmp(ext, "pdf") == 0    ? "application/pdf"
			   : strcmp(ext, "xlsx") == 0 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
						      : "text/plain; charset=utf-8";
	const char *name = fk_arena_printf(&r->arena, "bulletin-%s-%s.%s",
					   json_string_value(json_object_get(b, "region")),
					   json_string_value(json_object_get(b, "date")), ext);
	json_decref(b);
	int rc = fk_req_reply_file(r, doc->buf, doc->len, type, name);
	fk_strbuf_release(doc);
	return rc;
}

int h_region_shapes(fk_req *r)
{
	const char *c = fk_req_param(r, "code");
	return fk_req_reply(r, 200, fk_shapes_children(r->db, &r->actor, c && strcmp(c, "root") == 0 ? "" : c, &r->err));
}
