/* rollup.c - per-region-chain counters, accumulated and upserted (see
 * rollup.h).  Expected load: a screening batch of 1,000 records touches a
 * few hundred keys, an import of a million persons a few tens of thousands;
 * both flush once, one cached statement per key. */
#include "core/base/rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/region.h"
#include "util/strbuf.h"

typedef struct slot {
	const fk_rollup_table *t; /* NULL: free */
	char region[16];
	int64_t day;
	int64_t n[FK_ROLLUP_COLS];
} slot;

struct fk_rollup {
	slot *s;
	size_t used, cap; /* cap: 0 or a power of two, kept at most half full */
};

fk_rollup *fk_rollup_new(void)
{
	fk_rollup *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	return r;
}

void fk_rollup_free(fk_rollup *r)
{
	if (r) {
		free(r->s);
		free(r);
	}
}

size_t fk_rollup_size(const fk_rollup *r)
{
	return r->used;
}

static size_t hash_of(const fk_rollup_table *t, const char *region, int64_t day)
{
	uint64_t h = 14695981039346656037u ^ (uint64_t)(uintptr_t)t ^ ((uint64_t)day * 0x9e3779b97f4a7c15u);
	for (const char *p = region; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return (size_t)(h ^ (h >> 29));
}

static void grow(fk_rollup *r)
{
	size_t ncap = r->cap ? r->cap * 2 : 64;
	slot *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		abort();
	for (size_t i = 0; i < r->cap; i++) {
		slot *o = &r->s[i];
		if (!o->t)
			continue;
		size_t j = hash_of(o->t, o->region, o->day) & (ncap - 1);
		while (ns[j].t)
			j = (j + 1) & (ncap - 1);
		ns[j] = *o;
	}
	free(r->s);
	r->s = ns;
	r->cap = ncap;
}

/* The slot of (t, region, day), made when new. */
static slot *find(fk_rollup *r, const fk_rollup_table *t, const char *region, int64_t day)
{
	if ((r->used + 1) * 2 > r->cap)
		grow(r);
	size_t j = hash_of(t, region, day) & (r->cap - 1);
	while (r->s[j].t && !(r->s[j].t == t && r->s[j].day == day && strcmp(r->s[j].region, region) == 0))
		j = (j + 1) & (r->cap - 1);
	slot *s = &r->s[j];
	if (!s->t) {
		s->t = t;
		snprintf(s->region, sizeof(s->region), "%s", region);
		s->day = day;
		r->used++;
	}
	return s;
}

static int ncols(const fk_rollup_table *t)
{
	int n = 0;
	while (n < FK_ROLLUP_COLS && t->cols[n])
		n++;
	return n;
}

void fk_rollup_add(fk_rollup *r, const fk_rollup_table *t, const char *code, int64_t day, const int64_t *deltas)
{
	char chain[FK_REGION_CHAIN][16];
	int k = fk_region_chain(code, chain), nc = ncols(t);
	if (!t->by_day)
		day = 0;
	for (int c = 0; c < k; c++) {
		slot *s = find(r, t, chain[c], day);
		for (int i = 0; i < nc; i++)
			s->n[i] += deltas[i];
	}
}

int fk_rollup_add_col(fk_rollup *r, const fk_rollup_table *t, const char *code, int64_t day, const char *col,
		      int64_t n)
{
	int64_t d[FK_ROLLUP_COLS] = { 0 };
	int nc = ncols(t), i = 0;
	while (i < nc && strcmp(t->cols[i], col) != 0)
		i++;
	if (i == nc)
		return -1;
	d[i] = n;
	fk_rollup_add(r, t, code, day, d);
	return 0;
}

/* The upsert of one key of t:
 *   INSERT INTO t (region, day, a, b) VALUES ($1, $2, $3, $4)
 *   ON CONFLICT (region, day) DO UPDATE SET a = t.a + excluded.a, b = … */
static void upsert_sql(fk_strbuf *sb, const fk_rollup_table *t)
{
	int nc = ncols(t), p = t->by_day ? 2 : 1;
	fk_strbuf_reset(sb);
	fk_strbuf_addf(sb, "INSERT INTO %s (region%s", t->name, t->by_day ? ", day" : "");
	for (int i = 0; i < nc; i++)
		fk_strbuf_addf(sb, ", %s", t->cols[i]);
	fk_strbuf_adds(sb, t->by_day ? ") VALUES ($1, $2" : ") VALUES ($1");
	for (int i = 0; i < nc; i++)
		fk_strbuf_addf(sb, ", $%d", p + i + 1);
	fk_strbuf_addf(sb, ") ON CONFLICT (region%s) DO UPDATE SET ", t->by_day ? ", day" : "");
	for (int i = 0; i < nc; i++)
		fk_strbuf_addf(sb, "%s%s = %s.%s + excluded.%s", i ? ", " : "", t->cols[i], t->name, t->cols[i],
			       t->cols[i]);
}

static int slot_cmp(const void *a, const void *b)
{
	const slot *x = *(const slot *const *)a, *y = *(const slot *const *)b;
	int c = strcmp(x->t->name, y->t->name);
	if (!c)
		c = strcmp(x->region, y->region);
	if (!c)
		c = x->day < y->day ? -1 : x->day > y->day;
	return c;
}

static int is_zero(const slot *s)
{
	for (int i = 0; i < FK_ROLLUP_COLS; i++)
		if (s->n[i])
			return 0;
	return 1;
}

int fk_rollup_flush(fk_db *db, fk_rollup *r)
{
	int rc = 0;
	size_t n = 0;
	slot **order = NULL;
	if (r->used) {
		order = malloc(r->used * sizeof(*order));
		if (!order)
			abort();
	}
	for (size_t i = 0; i < r->cap; i++)
		if (r->s[i].t && !is_zero(&r->s[i]))
			order[n++] = &r->s[i];
	if (n)
		qsort(order, n, sizeof(*order), slot_cmp);
	fk_strbuf sql = FK_STRBUF_INIT;
	const fk_rollup_table *cur = NULL;
	fk_val v[2 + FK_ROLLUP_COLS];
	for (size_t k = 0; k < n && rc == 0; k++) {
		slot *s = order[k];
		if (s->t != cur) {
			cur = s->t;
			upsert_sql(&sql, cur);
		}
		int nv = 0, nc = ncols(cur);
		v[nv++] = (fk_val){ 's', .p = s->region };
		if (cur->by_day)
			v[nv++] = (fk_val){ 'i', .i = s->day };
		for (int i = 0; i < nc; i++)
			v[nv++] = (fk_val){ 'i', .i = s->n[i] };
		rc = fk_db_run_vals(db, sql.buf, v, nv) < 0 ? -1 : 0;
	}
	fk_strbuf_release(&sql);
	free(order);
	if (r->cap)
		memset(r->s, 0, r->cap * sizeof(*r->s));
	r->used = 0;
	return rc;
}

int fk_rollup_apply(fk_db *db, fk_rollup *r)
{
	int rc = fk_rollup_flush(db, r);
	fk_rollup_free(r);
	return rc;
}

int fk_rollup_apply_col(fk_db *db, const fk_rollup_table *t, const char *code, int64_t day, const char *col,
			int64_t n)
{
	fk_rollup *r = fk_rollup_new();
	if (fk_rollup_add_col(r, t, code, day, col, n) < 0) {
		fk_rollup_free(r);
		return -1;
	}
	return fk_rollup_apply(db, r);
}
