/* chains.c - clusters by union-find, community states (see chains.h). */
#include "core/epi/chains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/epi/cases.h"
#include "core/base/region.h"
#include "core/base/scope.h"
#include "util/date.h"

typedef struct node {
	int64_t id, onset; /* onset: -1 when none */
	int parent, size;
	char region[16], category[16], outcome[16];
	bool recent; /* reported in the last 14 days */
	bool traced; /* the person was somebody's close contact */
} node;

typedef struct graph {
	node *n;
	int count, cap;
	int64_t *index; /* case id → node index + 1 (0: not in scope) */
	int64_t max_id;
	struct edge {
		int a, b;
		char setting[16];
	} *edges;
	int nedges, ecap;
} graph;

static int find(graph *g, int i)
{
	while (g->n[i].parent != i) {
		g->n[i].parent = g->n[g->n[i].parent].parent;
		i = g->n[i].parent;
	}
	return i;
}

static void unite(graph *g, int a, int b)
{
	a = find(g, a), b = find(g, b);
	if (a == b)
		return;
	if (g->n[a].size < g->n[b].size) {
		int t = a;
		a = b, b = t;
	}
	g->n[b].parent = a;
	g->n[a].size += g->n[b].size;
}

static void graph_free(graph *g)
{
	free(g->n);
	free(g->index);
	free(g->edges);
}

/* Loads the cases in the scope range r (not excluded) and the links among
 * them, and unites the components.  Returns 0 or -1. */
static int graph_load(fk_db *db, const fk_range *r, graph *g)
{
	memset(g, 0, sizeof(*g));
	const char *base = r->base, *hi = r->hi;
	int64_t since = fk_now() - 14 * 86400;
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id, coalesce(onset_day, -1), region, category, outcome, reported_at >= $3, traced FROM cases"
			" WHERE region >= $1 AND region < $2 AND category <> 'excluded'",
			"ssi", base, hi, since) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (g->count == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 1024;
			g->n = realloc(g->n, (size_t)g->cap * sizeof(*g->n));
			if (!g->n)
				abort();
		}
		node *x = &g->n[g->count];
		x->id = fk_stmt_int64(st, 0);
		x->onset = fk_stmt_int64(st, 1);
		snprintf(x->region, sizeof(x->region), "%s", fk_stmt_text(st, 2));
		snprintf(x->category, sizeof(x->category), "%s", fk_stmt_text(st, 3));
		snprintf(x->outcome, sizeof(x->outcome), "%s", fk_stmt_text(st, 4));
		x->recent = fk_stmt_int64(st, 5) != 0;
		x->traced = fk_stmt_int64(st, 6) != 0;
		x->parent = g->count;
		x->size = 1;
		if (x->id > g->max_id)
			g->max_id = x->id;
		g->count++;
	}
	fk_stmt_done(st);
	g->index = calloc((size_t)g->max_id + 1, sizeof(*g->index));
	if (!g->index)
		abort();
	for (int i = 0; i < g->count; i++)
		g->index[g->n[i].id] = i + 1;
	/* the links kept on write (fk_chains_contact, fk_chains_case) */
	if (fk_db_query(db, &st, "SELECT from_case, to_case, setting FROM case_links WHERE region >= $1 AND region < $2",
			"ss", base, hi) < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		int64_t a = fk_stmt_int64(st, 0), b = fk_stmt_int64(st, 1);
		if (a > g->max_id || b > g->max_id || !g->index[a] || !g->index[b] || a == b)
			continue;
		if (g->nedges == g->ecap) {
			g->ecap = g->ecap ? g->ecap * 2 : 1024;
			g->edges = realloc(g->edges, (size_t)g->ecap * sizeof(*g->edges));
			if (!g->edges)
				abort();
		}
		struct edge *x = &g->edges[g->nedges++];
		x->a = (int)g->index[a] - 1;
		x->b = (int)g->index[b] - 1;
		snprintf(x->setting, sizeof(x->setting), "%s", fk_stmt_text(st, 2));
		unite(g, x->a, x->b);
	}
	fk_stmt_done(st);
	return 0;
}

/* The link made by contact record id, if its person is a case and its
 * source is a case or the contact of one's person; made once. */
static int link_contact(fk_db *db, int64_t id)
{
	return fk_db_run(db,
			 "INSERT INTO case_links (contact_id, from_case, to_case, region, setting)"
			 " SELECT id, src, dst, region, setting FROM (SELECT k.id, coalesce(k.source_case,"
			 "  (SELECT a.id FROM contacts k1 JOIN cases a ON a.person_id = k1.person_id"
			 "   WHERE k1.id = k.source_contact)) AS src, b.id AS dst, k.region, k.setting"
			 "  FROM contacts k JOIN cases b ON b.person_id = k.person_id WHERE k.id = $1) AS l"
			 " WHERE src IS NOT NULL ON CONFLICT (contact_id) DO NOTHING",
			 "i", id);
}

int fk_chains_contact(fk_db *db, int64_t contact_id)
{
	if (link_contact(db, contact_id) < 0)
		return -1;
	return fk_db_run(db,
			 "UPDATE cases SET traced = 1 WHERE traced = 0"
			 " AND person_id = (SELECT person_id FROM contacts WHERE id = $1)",
			 "i", contact_id);
}

int fk_chains_case(fk_db *db, int64_t person_id, int64_t case_id)
{
	/* the person's own contact records, and those traced from them */
	fk_stmt *st;
	if (fk_db_query(db, &st,
			"SELECT id FROM contacts WHERE person_id = $1"
			" UNION SELECT k2.id FROM contacts k1 JOIN contacts k2 ON k2.source_contact = k1.id"
			" WHERE k1.person_id = $1",
			"i", person_id) < 0)
		return -1;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = fk_stmt_step(st)) == FK_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = realloc(ids, cap * sizeof(*ids));
			if (!ids)
				abort();
		}
		ids[n++] = fk_stmt_int64(st, 0);
	}
	fk_stmt_done(st);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		if (link_contact(db, ids[i]) < 0)
			rc = -1;
	free(ids);
	if (rc < 0)
		return -1;
	return fk_db_run(db,
			 "UPDATE cases SET traced = 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM contacts WHERE person_id = $2)",
			 "ii", case_id, person_id);
}

static json_t *day_or_null(int64_t d)
{
	if (d < 0)
		return json_null();
	char s[11];
	fk_date_format(d, s);
	return json_string(s);
}

/* A cluster while the list is made: named by its smallest case id. */
typedef struct cluster {
	int64_t id, first, last; /* onsets: -1 when none */
	int size;
	json_t *communities;
} cluster;

static int cmp_size_desc(const void *a, const void *b)
{
	const cluster *x = a, *y = b;
	return x->size != y->size ? (x->size < y->size ? 1 : -1) : (x->id > y->id) - (x->id < y->id);
}

/* (cluster, community) pairs, sorted to list each community once. */
typedef struct membership {
	int cluster;
	char community[13];
} membership;

static int cmp_membership(const void *a, const void *b)
{
	const membership *x = a, *y = b;
	return x->cluster != y->cluster ? (x->cluster > y->cluster) - (x->cluster < y->cluster)
					: strcmp(x->community, y->community);
}

json_t *fk_cluster_list(fk_db *db, const fk_actor *who, const char *region, const fk_page *page, fk_err *e)
{
	fk_range rg;
	if (fk_scope_range(who, region, &rg, e) < 0)
		return NULL;
	graph g;
	if (graph_load(db, &rg, &g) < 0) {
		graph_free(&g);
		fk_err_internal(e);
		return NULL;
	}
	/* per root of two or more: size, smallest id, onsets; its communities */
	int *slot = malloc(((size_t)g.count + 1) * sizeof(*slot));
	cluster *cl = calloc((size_t)g.count / 2 + 1, sizeof(*cl));
	membership *mb = malloc(((size_t)g.count + 1) * sizeof(*mb));
	if (!slot || !cl || !mb)
		abort();
	int n = 0, nm = 0;
	for (int i = 0; i < g.count; i++)
		slot[i] = -1;
	for (int i = 0; i < g.count; i++) {
		int r = find(&g, i);
		if (g.n[r].size < 2)
			continue;
		if (slot[r] < 0) {
			slot[r] = n;
			cl[n++] = (cluster){ g.n[i].id, -1, -1, g.n[r].size, NULL };
		}
		cluster *c = &cl[slot[r]];
		int64_t on = g.n[i].onset;
		if (g.n[i].id < c->id)
			c->id = g.n[i].id;
		if (on >= 0 && (c->first < 0 || on < c->first))
			c->first = on;
		if (on > c->last)
			c->last = on;
		mb[nm].cluster = slot[r];
		snprintf(mb[nm].community, sizeof(mb[nm].community), "%.12s", g.n[i].region);
		nm++;
	}
	qsort(mb, (size_t)nm, sizeof(*mb), cmp_membership);
	for (int i = 0; i < nm; i++) {
		cluster *c = &cl[mb[i].cluster];
		if (!c->communities)
			c->communities = json_array();
		if (i == 0 || cmp_membership(&mb[i - 1], &mb[i]) != 0)
			json_array_append_new(c->communities, json_string(mb[i].community));
	}
	/* the communities arrays follow their clusters through the sort */
	qsort(cl, (size_t)n, sizeof(*cl), cmp_size_desc);
	/* page by position in this order: the cursor is the count skipped */
	size_t skip = page->after ? (size_t)strtoull(page->after, NULL, 10) : 0;
	json_t *items = json_array();
	for (size_t i = skip; i < (size_t)n && json_array_size(items) < (size_t)page->limit; i++) {
		json_t *names = json_array(), *code;
		size_t k;
		json_array_foreach(cl[i].communities, k, code) {
			char name[256];
			int found = fk_region_name(db, json_string_value(code), name, sizeof(name));
			if (found >= 0)
				json_array_append_new(names, found ? json_string(name) : json_null());
		}
		json_array_append_new(items, json_pack("{s:I, s:i, s:o, s:o, s:O, s:o}", "id", (json_int_t)cl[i].id,
						       "size", cl[i].size, "first_onset", day_or_null(cl[i].first),
						       "last_onset", day_or_null(cl[i].last), "communities",
						       cl[i].communities, "community_names", names));
	}
	size_t next = skip + json_array_size(items);
	char cur[32];
	snprintf(cur, sizeof(cur), "%zu", next);
	fk_arena a = { 0 };
	json_t *out = json_pack("{s:o, s:o, s:I}", "items", items, "next",
				next < (size_t)n ? json_string(fk_cursor_encode(&a, cur)) : json_null(), "total",
				(json_int_t)n);
	fk_arena_release(&a);
	for (int i = 0; i < n; i++)
		json_decref(cl[i].communities);
	free(slot);
	free(cl);
	free(mb);
	graph_free(&g);
	return out;
}

json_t *fk_cluster_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e)
{
	graph g;
	fk_range all;
	if (fk_scope_range(who, NULL, &all, e) < 0)
		return NULL;
	if (graph_load(db, &all, &g) < 0) {
		graph_free(&g);
		fk_err_internal(e);
		return NULL;
	}
	if (id > g.max_id || id < 1 || !g.index[id]) {
		graph_free(&g);
		fk_err_not_found(e, "cluster %lld not found", (long long)id);
		return NULL;
	}
	int root = find(&g, (int)g.index[id] - 1);
	json_t *nodes = json_array(), *edges = json_array();
	int64_t smallest = INT64_MAX;
	/* the members in case id order */
	for (int64_t cid = 1; cid <= g.max_id; cid++) {
		int i = (int)g.index[cid] - 1;
		if (i < 0 || find(&g, i) != root)
			continue;
		if (g.n[i].id < smallest)
			smallest = g.n[i].id;
		json_array_append_new(nodes, json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)g.n[i].id,
						       "category", g.n[i].category, "outcome", g.n[i].outcome,
						       "onset_date", day_or_null(g.n[i].onset), "region", g.n[i].region));
	}
	/* the persons' and communities' names, for the graph's labels (a
	 * cluster is tens of cases: primary-key lookups each) */
	size_t k;
	json_t *nd;
	json_array_foreach(nodes, k, nd) {
		fk_stmt *st;
		json_t *name = json_null(), *community = json_null();
		if (fk_db_query(db, &st,
				"SELECT p.name, r.name FROM cases c JOIN persons p ON p.id = c.person_id"
				" LEFT JOIN regions r ON r.code = substr(c.region, 1, 12) WHERE c.id = $1",
				"i", (int64_t)json_integer_value(json_object_get(nd, "id"))) == 0) {
			if (fk_stmt_step(st) == FK_ROW) {
				name = json_string(fk_stmt_text(st, 0));
				if (!fk_stmt_is_null(st, 1))
					community = json_string(fk_stmt_text(st, 1));
			}
			fk_stmt_done(st);
		}
		json_object_set_new(nd, "person_name", name);
		json_object_set_new(nd, "community_name", community);
	}
	for (int i = 0; i < g.nedges; i++)
		if (find(&g, g.edges[i].a) == root)
			json_array_append_new(edges, json_pack("{s:I, s:I, s:s}", "from", (json_int_t)g.n[g.edges[i].a].id,
							       "to", (json_int_t)g.n[g.edges[i].b].id, "setting",
							       g.edges[i].setting));
	int size = g.n[root].size;
	graph_free(&g);
	/* a cluster is named by its smallest case id; asking by another member is fine */
	return json_pack("{s:I, s:i, s:o, s:o}", "id", (json_int_t)smallest, "size", size, "nodes", nodes, "edges",
			 edges);
}

static int cmp_region_root(const void *a, const void *b, void *ctx)
{
	graph *g = ctx;
	const node *x = &g->n[*(const int *)a], *y = &g->n[*(const int *)b];
	int c = strncmp(x->region, y->region, 12);
	if (c)
		return c;
	int rx = find(g, *(const int *)a), ry = find(g, *(const int *)b);
	return (rx > ry) - (rx < ry);
}

json_t *fk_community_states(fk_db *db, const fk_actor *who, const char *region, const fk_page *page, fk_err *e)
{
	fk_range rg;
	if (fk_scope_range(who, region, &rg, e) < 0)
		return NULL;
	graph g;
	json_t *out = NULL;
	int *recent = NULL;
	if (graph_load(db, &rg, &g) < 0)
		goto internal;
	int threshold = fk_protocol_edition >= 7 ? 5 : 2;
	fk_stmt *st;
	/* the recent cases, ordered by community then cluster */
	int nr = 0;
	recent = malloc(((size_t)g.count + 1) * sizeof(*recent));
	for (int k = 0; k < g.count; k++)
		if (g.n[k].recent)
			recent[nr++] = k;
	qsort_r(recent, (size_t)nr, sizeof(*recent), cmp_region_root, &g);
	if (fk_db_query(db, &st,
			"SELECT code, name FROM regions WHERE level = 5 AND code >= $1 AND code < $2 AND code > $3"
			" ORDER BY code LIMIT $4",
			"sssi", rg.base, rg.hi, page->after ? page->after : "", (int64_t)page->limit + 1) < 0)
		goto internal;
	out = fk_rows_page(st, page);
	if (!out)
		goto internal;
	size_t i;
	json_t *it;
	int pos = 0;
	json_array_foreach(json_object_get(out, "items"), i, it) {
		const char *code = json_string_value(json_object_get(it, "code"));
		/* both lists are in code order: walk the cases alongside */
		while (pos < nr && strncmp(g.n[recent[pos]].region, code, 12) < 0)
			pos++;
		int cases = 0, unknown = 0, biggest = 0, run = 0, last_root = -1;
		for (; pos < nr && strncmp(g.n[recent[pos]].region, code, 12) == 0; pos++) {
			int k = recent[pos], root = find(&g, k);
			cases++;
			unknown += !g.n[k].traced;
			run = root == last_root ? run + 1 : 1;
			last_root = root;
			if (run > biggest)
				biggest = run;
		}
		json_object_set_new(it, "state", json_integer(unknown >= 2 ? 3 : cases > 0 ? 2 : 1));
		json_object_set_new(it, "cases_14d", json_integer(cases));
		json_object_set_new(it, "unknown_source_14d", json_integer(unknown));
		json_object_set_new(it, "outbreak", json_boolean(biggest >= threshold));
	}
	goto done;
internal:
	json_decref(out);
	out = NULL;
	fk_err_internal(e);
done:
	free(recent);
	graph_free(&g);
	return out;
}
