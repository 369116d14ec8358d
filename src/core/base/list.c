/* list.c - the runner of declared lists (see list.h).  One call per list
 * request: a few string operations to build the SQL, then one indexed
 * range scan of at most limit+1 rows. */
#include "core/base/list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/log.h"

/* Appends sql to to, each ? replaced by the next $N and bound to vals[i]. */
static void add_sql(fk_list_q *q, fk_strbuf *to, const char *sql, const fk_val *vals)
{
	int i = 0;
	for (const char *p = sql; *p; p++) {
		if (*p != '?') {
			fk_strbuf_addch(to, *p);
			continue;
		}
		if (q->n == (int)(sizeof(q->v) / sizeof(q->v[0]))) {
			q->full = true;
			return;
		}
		q->v[q->n++] = vals[i++];
		fk_strbuf_addf(to, "$%d", q->n);
	}
}

void fk_list_where(fk_list_q *q, const char *cond, const fk_val *vals)
{
	fk_strbuf_adds(&q->where, " AND ");
	add_sql(q, &q->where, cond, vals);
}

/* The index of value in names, or -1. */
static int name_index(const char *const *names, const char *value)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return -1;
}

/* 400 "<name>: one of a, b, c". */
static int enum_fail(const fk_filter *f, fk_err *e)
{
	char all[512] = "";
	size_t n = 0;
	for (int i = 0; f->names[i] && n < sizeof(all); i++)
		n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", i ? ", " : "", f->names[i]);
	return fk_err_invalid(e, f->name, "%s: one of %s", f->name, all);
}

/* Checks the value of one given filter against its declaration and adds
 * its condition. */
static int filter_add(fk_list_q *q, const fk_filter *f, const char *value, fk_err *e)
{
	fk_val v[2] = { { 's', .p = value }, { 0 } };
	switch (f->kind) {
	case FK_F_ENUM:
		if (name_index(f->names, value) < 0)
			return enum_fail(f, e);
		break;
	case FK_F_BIT: {
		int k = name_index(f->names, value);
		if (k < 0)
			return enum_fail(f, e);
		v[0] = (fk_val){ 'i', .i = (int64_t)1 << k };
		break;
	}
	case FK_F_TEXT:
		if (f->max && strlen(value) > (size_t)f->max)
			return fk_err_invalid(e, f->name, "%s: at most %d bytes", f->name, f->max);
		break;
	case FK_F_ID: {
		char *end;
		long long id = strtoll(value, &end, 10);
		if (!*value || *end || id <= 0)
			return fk_err_invalid(e, f->name, "%s: %s", f->name, f->what);
		v[0] = (fk_val){ 'i', .i = id };
		if (f->fn && f->fn(q, f, value, e) < 0)
			return -1;
		break;
	}
	case FK_F_DATE:
		v[0].t = 'i';
		if (fk_date_parse(value, &v[0].i) < 0)
			return fk_err_invalid(e, f->name, "%s: a date YYYY-MM-DD", f->name);
		break;
	case FK_F_FLAG:
		if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0)
			v[0] = (fk_val){ 'i', .i = 1 };
		else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0)
			v[0] = (fk_val){ 'i', .i = 0 };
		else
			return fk_err_invalid(e, f->name, "%s: 1 or 0", f->name);
		break;
	case FK_F_PREFIX:
		if (f->max && strlen(value) > (size_t)f->max)
			return fk_err_invalid(e, f->name, "%s: at most %d bytes", f->name, f->max);
		/* every string starting with value sorts below value + U+10FFFF */
		v[1] = (fk_val){ 's', .p = fk_arena_printf(&q->arena, "%s\xf4\x8f\xbf\xbf", value) };
		break;
	case FK_F_CUSTOM:
		return f->fn(q, f, value, e);
	}
	fk_list_where(q, f->where, v);
	return 0;
}

const char *fk_list_arg(void *ctx, const char *name)
{
	for (const char *const *p = ctx; p && p[0]; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

int fk_list_attach(fk_db *db, const fk_actor *who, json_t *obj, const char *key, const fk_list *l,
		   const char *filter, int64_t id, fk_err *e)
{
	char ids[32];
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	const char *args[] = { filter, ids, NULL };
	fk_page page = { .limit = FK_PAGE_MAX };
	json_t *rows = fk_list_run(db, who, l, fk_list_arg, args, &page, 0, e);
	if (!rows)
		return -1;
	json_object_set(obj, key, json_object_get(rows, "items"));
	json_decref(rows);
	return 0;
}

const char *fk_list_region(const fk_list *l, fk_list_get get, void *ctx)
{
	const char *r = l->region ? get(ctx, l->region) : NULL;
	return r && strcmp(r, "root") == 0 ? "" : r;
}

/* The value of filter f, NULL when absent (or blank where that is none). */
static const char *filter_value(const fk_filter *f, fk_list_get get, void *ctx)
{
	const char *v = get(ctx, f->name);
	return v && !*v && (f->opt & FK_FO_BLANK) ? NULL : v;
}

/* Adds the condition that starts the page after the cursor's key: an id,
 * a text, or (text, id) raised to floor — never a page below the range
 * asked for, in one row-value bound the index serves directly.  key holds
 * the cursor's parts until the query runs.  0, or -1 with a 400 "after". */
static int page_where(fk_list_q *q, const fk_list *l, const char *key_col, const char *floor, const fk_page *page,
		      char (*key)[FK_KEY_PART], fk_err *e)
{
	if (l->key == FK_KEY_ID) {
		fk_val kv = { 'i' };
		if (fk_page_int(page, 0, &kv.i, e) < 0)
			return -1;
		if (page->after)
			fk_list_where(q, fk_arena_printf(&q->arena, "%s %c ?", l->id, l->desc ? '<' : '>'), &kv);
		return 0;
	}
	if (l->key == FK_KEY_TEXT) {
		fk_val kv = { 's', .p = page->after };
		if (page->after)
			fk_list_where(q, fk_arena_printf(&q->arena, "%s > ?", l->text), &kv);
		return 0;
	}
	if (page->after && fk_key_split(page->after, 2, key) < 0)
		return fk_err_invalid(e, "after", "after: not a cursor from this list");
	fk_val kv[2] = { { 'i' }, { 'i' } };
	kv[1].i = fk_key_floor(key, floor);
	kv[0] = (fk_val){ 's', .p = key[0] };
	fk_list_where(q, fk_arena_printf(&q->arena, "(%s, %s) > (?, ?)", key_col, l->id), kv);
	return 0;
}

json_t *fk_list_one(fk_db *db, const fk_actor *who, const fk_list *l, int64_t id, const char *what,
		    unsigned flags, fk_err *e)
{
	/* the scope column first, then the list's own columns; a list whose
	 * select binds values of its own (select_args) or has no integer id
	 * has no record page */
	if (l->select_args || !l->id || !l->cols) {
		fk_log_err("list: %s has no record page", l->select);
		fk_err_internal(e);
		return NULL;
	}
	fk_strbuf q = FK_STRBUF_INIT;
	fk_strbuf_addf(&q, "SELECT %s, %s WHERE %s = $1", l->scope, l->select, l->id);
	fk_stmt *st;
	int rc = fk_db_query(db, &st, q.buf, "i", id);
	fk_strbuf_release(&q);
	if (rc < 0) {
		fk_err_internal(e);
		return NULL;
	}
	json_t *o = NULL;
	rc = fk_stmt_step(st);
	if (fk_scope_row(who, rc == FK_ROW ? fk_stmt_text(st, 0) : NULL, what, e) == 0) {
		fk_render rd = { l->cols, 1, flags & FK_LIST_REVEAL ? FK_RENDER_REVEAL : 0 };
		o = fk_row_render(st, &rd);
		if (l->row)
			l->row(o, who);
	}
	fk_stmt_done(st);
	return o;
}

json_t *fk_list_run(fk_db *db, const fk_actor *who, const fk_list *l, fk_list_get get, void *ctx,
		    const fk_page *page, unsigned flags, fk_err *e)
{
	fk_list_q q = { .db = db, .who = who, .where = FK_STRBUF_INIT };
	fk_strbuf sql = FK_STRBUF_INIT;
	json_t *out = NULL;
	const fk_filter *f;

	/* the scope: the region asked for, or anywhere when a filter says so;
	 * the key: a given keyed prefix, else the declared one */
	bool anywhere = false;
	const char *key_col = l->key == FK_KEY_TEXT ? l->text : l->scope, *floor = NULL;
	for (f = l->filters; f && f->name; f++) {
		const char *v = filter_value(f, get, ctx);
		anywhere |= (f->opt & FK_FO_ANYWHERE) && v;
		if ((f->opt & FK_FO_KEY) && v) {
			key_col = f->col;
			floor = v;
		}
	}
	if (anywhere) {
		q.range.base = "";
		fk_scope_upper("", q.range.hi, sizeof(q.range.hi));
	} else if (fk_scope_range(who, fk_list_region(l, get, ctx), &q.range, e) < 0) {
		goto out;
	}
	if (!floor)
		floor = q.range.base;

	/* SELECT key columns, the declared select; its values bind first */
	int nkeys = l->key == FK_KEY_TEXT_ID ? 2 : 1;
	if (l->key == FK_KEY_TEXT_ID)
		fk_strbuf_addf(&sql, "SELECT %s AS _k0, %s AS _k1, ", key_col, l->id);
	else
		fk_strbuf_addf(&sql, "SELECT %s AS _k0, ", l->key == FK_KEY_ID ? l->id : l->text);
	fk_val sv[4];
	if (l->select_args)
		l->select_args(sv);
	add_sql(&q, &sql, l->select, sv);

	/* the region range; a (region, id) key bounds it from below itself */
	fk_val rv[2] = { { 's', .p = q.range.base }, { 's', .p = q.range.hi } };
	if (l->key == FK_KEY_TEXT_ID && key_col == l->scope)
		fk_list_where(&q, fk_arena_printf(&q.arena, "%s < ?", l->scope), rv + 1);
	else
		fk_list_where(&q, fk_arena_printf(&q.arena, "%s >= ? AND %s < ?", l->scope, l->scope), rv);
	if (l->check && l->check(&q, e) < 0)
		goto out;
	for (f = l->filters; f && f->name; f++) {
		const char *v = filter_value(f, get, ctx);
		if (v && filter_add(&q, f, v, e) < 0)
			goto out;
	}

	/* the page: after the cursor's key (key holds its parts until the query) */
	char key[2][FK_KEY_PART] = { "", "0" };
	if (page_where(&q, l, key_col, floor, page, key, e) < 0)
		goto out;
	fk_strbuf_addf(&sql, " WHERE %s", q.where.buf + strlen(" AND "));
	if (l->key == FK_KEY_TEXT_ID)
		fk_strbuf_addf(&sql, " ORDER BY %s, %s", key_col, l->id);
	else
		fk_strbuf_addf(&sql, " ORDER BY %s%s", l->key == FK_KEY_ID ? l->id : l->text, l->desc ? " DESC" : "");
	fk_val lim = { 'i', .i = (int64_t)page->limit + 1 };
	add_sql(&q, &sql, " LIMIT ?", &lim);

	fk_stmt *st;
	if (q.full) {
		fk_log_err("list: more than %zu values in %s", sizeof(q.v) / sizeof(q.v[0]), sql.buf);
		fk_err_internal(e);
		goto out;
	}
	if (fk_db_query_vals(db, &st, sql.buf, q.v, q.n) < 0) {
		fk_err_internal(e);
		goto out;
	}
	fk_render rd = { l->cols, nkeys, flags & FK_LIST_REVEAL ? FK_RENDER_REVEAL : 0 };
	out = fk_rows_page_ex(st, page, nkeys, l->cols ? fk_row_render : NULL, &rd);
	if (!out) {
		fk_err_internal(e);
		goto out;
	}
	if (l->row) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(out, "items"), i, it)
			l->row(it, who);
	}
	if (l->page && l->page(db, json_object_get(out, "items")) < 0) {
		json_decref(out);
		out = NULL;
		fk_err_internal(e);
	}
out:
	fk_strbuf_release(&sql);
	fk_strbuf_release(&q.where);
	fk_arena_release(&q.arena);
	return out;
}

json_t *fk_list_detail(const fk_list *l, fk_list_get get, void *ctx, size_t rows)
{
	json_t *d = json_object();
	if (l->audit.region) {
		const char *r = fk_list_region(l, get, ctx);
		json_object_set_new(d, "region", r ? json_string(r) : json_null());
	}
	for (const fk_filter *f = l->filters; f && f->name; f++) {
		const char *v = get(ctx, f->name);
		if (f->opt & FK_FO_AUDIT)
			json_object_set_new(d, f->name, v ? json_string(v) : json_null());
		else if (f->opt & FK_FO_AUDIT_GIVEN)
			json_object_set_new(d, f->name, json_boolean(v != NULL));
		else if (f->opt & FK_FO_AUDIT_ID)
			json_object_set_new(d, f->name, json_integer(v ? strtoll(v, NULL, 10) : 0));
	}
	json_object_set_new(d, "rows", json_integer((json_int_t)rows));
	return d;
}
