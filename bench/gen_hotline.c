/* gen_hotline.c - tickets at benchmark scale in a district database, made
 * through the hotline module's own functions (so every event, roll-up and
 * audit entry is what the server would have written).  bench/hotline.sh
 * builds it once per day and caches it.
 *
 *   gen_hotline DB TICKETS
 *
 * Tickets over the last 90 days in the district's communities, the
 * Xiangyang mix: 73% answered directly; the rest dispatched to the street,
 * signed, replied, called back and closed when old enough, 10% left
 * unsigned (overdue).  One caller in ten calls again.  1,000 tickets per
 * transaction.  Deterministic (fixed seed). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/base/actor.h"
#include "core/hotline/tickets.h"
#include "util/date.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *const cats[] = { "consultation.pass", "consultation.health_code", "consultation.supplies",
				    "consultation.medical", "consultation.policy", "suggestion", "complaint", "help" };

static int step(fk_db *db, const fk_actor *who, int64_t id, fk_move_in m)
{
	fk_err e = { 0 };
	json_t *t = fk_ticket_move_make(db, who, id, &m, &e);
	if (!t) {
		fprintf(stderr, "gen_hotline: %s: %s\n", m.move, e.message);
		return -1;
	}
	json_decref(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_hotline DB TICKETS\n");
		return 2;
	}
	long n = strtol(argv[2], NULL, 10);
	fk_db *db;
	if (cli_open_db(argv[1], 0, &db) < 0)
		return 1;
	char (*comms)[16] = malloc(4096 * sizeof(*comms));
	int nc = 0;
	fk_stmt *st;
	fk_db_query(db, &st, "SELECT code FROM regions WHERE level = 5 AND code LIKE '420106%' ORDER BY code", "");
	while (nc < 4096 && fk_stmt_step(st) == FK_ROW)
		snprintf(comms[nc++], 16, "%s", fk_stmt_text(st, 0));
	fk_stmt_done(st);
	const fk_actor op = { 1, "cli", FK_ROLE_OPERATOR, "420106", "local" };
	int64_t now = fk_now(), events = 0;
	long long *phones = malloc((size_t)n * sizeof(*phones));
	double t0 = now_s();
	if (fk_db_begin_write(db) < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		const char *comm = comms[next() % (unsigned)nc];
		char street[16];
		snprintf(street, sizeof(street), "%.9s", comm);
		const fk_actor off = { 1, "cli", FK_ROLE_OFFICER, street, "local" };
		int64_t at = now - 90 * 86400 + (int64_t)((double)i / (double)n * (90 * 86400 - 7200));
		phones[i] = i > 10 && next() % 10 == 0 ? phones[next() % (unsigned)i] : 13000000000LL + next() % 999999999U;
		fk_ticket_in t = { .channel = "phone", .category = cats[next() % 8], .urgency = "general",
				   .caller_name = "来电人", .text = "基准测试诉求", .region = comm, .at = at };
		snprintf(t.phone, sizeof(t.phone), "%lld", phones[i]);
		fk_err e = { 0 };
		json_t *x = fk_ticket_create(db, &op, &t, &e);
		if (!x) {
			fprintf(stderr, "gen_hotline: create: %s\n", e.message);
			return 1;
		}
		int64_t id = json_integer_value(json_object_get(x, "id"));
		json_decref(x);
		events++;
		unsigned fate = next() % 100;
		if (fate < 73) {
			if (step(db, &op, id, (fk_move_in){ .move = "answer", .note = "", .text = "按政策答复。", .at = at + 120 }) < 0)
				return 1;
			events++;
		} else {
			if (step(db, &op, id, (fk_move_in){ .move = "dispatch", .note = "", .text = "", .unit = street,
							    .unit_kind = "office", .at = at + 300 }) < 0)
				return 1;
			events++;
			if (fate >= 97 || now - at < 3 * 86400)
				goto commit;
			const char *mv[] = { "sign", "reply", "callback", "close" };
			int64_t when[] = { at + 3600, at + 86400, at + 2 * 86400, at + 2 * 86400 + 600 };
			for (int k = 0; k < 4; k++) {
				fk_move_in m = { .move = mv[k], .note = "", .text = "已办理。", .satisfaction = "satisfied",
						 .outcome = "resolved", .at = when[k] };
				if (step(db, k == 0 || k == 1 ? &off : &op, id, m) < 0)
					return 1;
				events++;
			}
		}
commit:
		if ((i + 1) % 1000 == 0) {
			if (fk_db_commit(db) < 0 || fk_db_begin_write(db) < 0)
				return 1;
			fprintf(stderr, "\rgen_hotline: %ld tickets", i + 1);
		}
	}
	if (fk_db_commit(db) < 0)
		return 1;
	double dt = now_s() - t0;
	fk_db_exec(db, "ANALYZE"); /* statistics for the planner after a bulk load */
	printf("gen_hotline: %ld tickets, %lld events in %.0f s (%.0f tickets/s through the core functions)\n", n,
	       (long long)events, dt, (double)n / dt);
	free(phones);
	free(comms);
	fk_db_close(db);
	return 0;
}
