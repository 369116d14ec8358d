/* insert_baseline.c - the machine's own limit for screening ingest: a plain
 * C loop inserting the same rows the server stores for a screening record
 * (one screenings row and one findings row per person present) into the
 * same schema, with prepared statements, in 10,000-row transactions, with
 * the same durability (synchronous=FULL, WAL), with the UUIDs the clients
 * send: time-ordered (version 7, RFC 9562) as the app makes them, or with
 * "v4" random ones as older phones did (the index then takes each insert at
 * a random place).  The database's checkpoints are SQLite's own, at commit
 * (every 1000 pages).  bench/screening.sh runs it on a copy of the
 * benchmark database and compares the server against it.
 *
 *   insert_baseline DB HOUSEHOLDS_FILE RECORDS [v7|v4]
 *   insert_baseline --dump DB N      N households with members, as below
 *   insert_baseline --grids DB       every grid code
 *
 * HOUSEHOLDS_FILE has lines "household_id grid first_person_id size".
 * Prints "baseline: N records in S s = R records/s". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct hh {
	long long id, first;
	int size;
	char grid[16];
} hh;

static unsigned long long rng_state = 0x2545F4914F6CDD1DULL;
static unsigned long long next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Writes "household_id grid first_person size" for n households spread
 * over the whole database (persons of a household are consecutive ids). */
static int dump(const char *path, long n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	if (sqlite3_prepare_v2(db,
			       "SELECT h.id, h.grid, min(p.id), count(p.id) FROM households h JOIN persons p"
			       " ON p.household_id = h.id WHERE h.id % ((SELECT max(id) FROM households) / ?1 + 1) = 0"
			       " GROUP BY h.id HAVING max(p.id) - min(p.id) + 1 = count(p.id) LIMIT ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "dump: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_bind_int64(st, 1, n);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("%lld %s %lld %d\n", sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
		       sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

/* Writes every grid code, one a line. */
static int grids(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT code FROM regions WHERE level = 6 ORDER BY code", -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("%s\n", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--grids") == 0)
		return grids(argv[2]);
	if (argc == 4 && strcmp(argv[1], "--dump") == 0)
		return dump(argv[2], atol(argv[3]));
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: insert_baseline DB HOUSEHOLDS_FILE RECORDS [v7|v4]\n");
		return 2;
	}
	int v4 = argc == 5 && strcmp(argv[4], "v4") == 0;
	long records = atol(argv[3]);
	FILE *f = fopen(argv[2], "r");
	if (!f)
		return 1;
	hh *hs = NULL;
	size_t n = 0, cap = 0;
	hh h;
	while (fscanf(f, "%lld %15s %lld %d", &h.id, h.grid, &h.first, &h.size) == 4) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			hs = realloc(hs, cap * sizeof(*hs));
		}
		hs[n++] = h;
	}
	fclose(f);
	if (!n)
		return 1;
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL);
	sqlite3_stmt *s1, *s2;
	sqlite3_prepare_v2(db,
			   "INSERT INTO screenings (uuid, digest, household_id, grid, day, status, abnormal, current,"
			   " user_id, recorded_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'visited', 0, 1, 1, ?6, ?6)"
			   " RETURNING id",
			   -1, &s1, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO findings (screening_id, person_id, temp_dc, symptoms, history, category, note,"
			   " abnormal) VALUES (?1, ?2, ?3, 0, 0, NULL, '', 0)",
			   -1, &s2, NULL);
	double t0 = now();
	long long day = (long long)(time(NULL) / 86400) + 1000; /* a day of its own */
	for (long r = 0; r < records; r++) {
		if (r % 10000 == 0)
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		const hh *x = &hs[r % n];
		/* as ingest.lua sends them: version 7, the Unix time in
		 * milliseconds then random bits; or random version 4 */
		char uuid[40];
		unsigned long long a = next_random(), b = next_random();
		if (!v4) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			a = (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
			a = a << 16 | (next_random() & 0xfff);
		}
		snprintf(uuid, sizeof(uuid), "%08llx-%04llx-%c%03llx-%llx%03llx-%012llx", a >> 32, (a >> 16) & 0xffff,
			 v4 ? '4' : '7', a & 0xfff, 8 + ((b >> 62) & 3), (b >> 50) & 0xfff, b & 0xffffffffffffULL);
		sqlite3_bind_text(s1, 1, uuid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s1, 2, uuid, 16, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s1, 3, x->id);
		sqlite3_bind_text(s1, 4, x->grid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s1, 5, day + r / (long)n);
		sqlite3_bind_int64(s1, 6, (long long)time(NULL));
		if (sqlite3_step(s1) != SQLITE_ROW) {
			fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		long long sid = sqlite3_column_int64(s1, 0);
		sqlite3_reset(s1);
		for (int k = 0; k < x->size; k++) {
			sqlite3_bind_int64(s2, 1, sid);
			sqlite3_bind_int64(s2, 2, x->first + k);
			sqlite3_bind_int64(s2, 3, 365);
			sqlite3_step(s2);
			sqlite3_reset(s2);
		}
		if (r % 10000 == 9999 || r == records - 1)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	double dt = now() - t0;
	printf("baseline: %ld records in %.2f s = %.0f records/s\n", records, dt, (double)records / dt);
	sqlite3_finalize(s1);
	sqlite3_finalize(s2);
	sqlite3_close(db);
	free(hs);
	return 0;
}
