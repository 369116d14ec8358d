/* h_command.c - the command centre: the wall screen's data (with ETag, so a
 * refresh that finds nothing new costs a 304) and the daily bulletins. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/command/bulletin.h"
#include "core/command/shapes.h"
#include "core/base/scope.h"
#include "core/command/wall.h"
#include "http/handlers.h"
#include "http/write.h"
#include "util/date.h"

/* The wall's answers, shared for fk_wall_cache_seconds by the screens that
 * poll the same region, day and panels (a command centre's wall of screens,
 * each refreshing every 30 s, costs one computation): the scope is checked
 * for every request, the figures are at most that old, and as_of says when
 * they were computed.  A small fixed table; the oldest slot is reused. */
int fk_wall_cache_seconds = 5;

#define WALL_SLOTS 64

typedef struct wall_slot {
	char region[16];
	int64_t day, at;
	uint64_t mask;
	char etag[40];
	char *text; /* the answer, as_of included (malloc'd) */
} wall_slot;

static wall_slot wall_slots[WALL_SLOTS];
static pthread_mutex_t wall_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies a fresh answer for the key into *text (malloc'd) and etag; 0 when
 * there is none. */
static int wall_cached(const char *region, int64_t day, uint64_t mask, int64_t now, char **text, char etag[40])
{
	int found = 0;
	pthread_mutex_lock(&wall_lock);
	for (int i = 0; i < WALL_SLOTS && !found; i++) {
		wall_slot *s = &wall_slots[i];
		if (s->text && s->day == day && s->mask == mask && strcmp(s->region, region) == 0 &&
		    now - s->at < fk_wall_cache_seconds) {
			*text = strdup(s->text);
			memcpy(etag, s->etag, 40);
			found = *text != NULL;
		}
	}
	pthread_mutex_unlock(&wall_lock);
	return found;
}

static void wall_keep(const char *region, int64_t day, uint64_t mask, int64_t now, const char *text, const char *etag)
{
	pthread_mutex_lock(&wall_lock);
	wall_slot *use = &wall_slots[0];
	for (int i = 0; i < WALL_SLOTS; i++) {
		wall_slot *s = &wall_slots[i];
		if (s->text && s->day == day && s->mask == mask && strcmp(s->region, region) == 0) {
			use = s;
			break;
		}
		if (!s->text || s->at < use->at)
			use = s;
	}
	free(use->text);
	use->text = strdup(text);
	snprintf(use->region, sizeof(use->region), "%s", region);
	snprintf(use->etag, sizeof(use->etag), "%s", etag);
	use->day = day;
	use->mask = mask;
	use->at = now;
	pthread_mutex_unlock(&wall_lock);
}

int h_wall(fk_req *r)
{
	int64_t day;
	if (fk_req_date(r, "date", fk_today(), &day, NULL) < 0)
		return -1;
	const char *code = fk_scope_region(&r->actor, fk_req_region(r, "region"), &r->err);
	if (!code)
		return -1;
	uint64_t mask = fk_wall_mask(&r->actor);
	int64_t now = fk_now();
	char *text = NULL, etag[40];
	if (fk_wall_cache_seconds <= 0 || !wall_cached(code, day, mask, now, &text, etag)) {
		json_t *w = fk_wall_get(r->db, &r->actor, code, day, fk_report_hour, &r->err);
		if (!w)
			return -1;
		/* the ETag is the figures' digest: the same figures, the same tag */
		char *figures = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
		unsigned char h[16];
		crypto_generichash(h, sizeof(h), (const unsigned char *)figures, strlen(figures), NULL, 0);
		free(figures);
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(etag, sizeof(etag), "\"%s\"", hex);
		json_object_set_new(w, "as_of", json_integer(now));
		text = json_dumps(w, JSON_COMPACT | JSON_REAL_PRECISION(10));
		json_decref(w);
		if (fk_wall_cache_seconds > 0)
			wall_keep(code, day, mask, now, text, etag);
	}
	fk_req_header(r, "ETag", fk_arena_printf(&r->arena, "%s", etag));
	const char *inm = fk_req_header_in(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		free(text);
		r->status = 304;
		return 0;
	}
	json_t *out = json_loads(text, 0, NULL);
	free(text);
	return fk_req_reply(r, 200, out);
}

FK_BODY_WRITE(h_bulletin_draft, fk_bulletin_in, fk_bulletin_parse, fk_bulletin_draft, 201)

int h_bulletin_get(fk_req *r)
{
	int64_t id = fk_req_id(r, "id");
	return id < 0 ? -1 : fk_req_reply(r, 200, fk_bulletin_get(r->db, &r->actor, id, &r->err));
}

FK_ID_ONLY_WRITE(h_bulletin_approve, fk_bulletin_approve, 200)

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

typedef struct shapes_in {
	const char *text;
	size_t len;
} shapes_in;

static int shapes_job(fk_db *db, const fk_actor *who, void *in, json_t **out, fk_err *e)
{
	shapes_in *s = in;
	int64_t n = fk_shapes_import(db, who, s->text, s->len, NULL, e);
	if (n < 0)
		return -1;
	*out = json_pack("{s:I}", "imported", (json_int_t)n);
	return 0;
}

int h_shapes_import(fk_req *r)
{
	if (r->body.len == 0)
		return fk_req_fail(r, 400, "invalid", "file", "the body is empty: send the GeoJSON file");
	shapes_in *s = fk_arena_alloc(&r->arena, sizeof(*s));
	s->text = r->body.buf;
	s->len = r->body.len;
	return fk_req_write_heavy(r, &(fk_job){ .run = shapes_job, .in = s });
}
