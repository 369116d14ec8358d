/* demo.h - what the demo generator's parts share: one seeded generator. */
#ifndef FK_DEMO_H
#define FK_DEMO_H

#include <stdint.h>

#include "store/db.h"
#include "util/err.h"

uint64_t demo_rand(void);
/* A whole number from lo to hi inclusive. */
int demo_between(int lo, int hi);
/* A number in [0, 1). */
double demo_unit(void);

typedef struct demo_counts {
	int64_t households, persons, screenings, alerts, reports;
} demo_counts;

/* Residents of every community of county (about people in all), in
 * households under the communities' grids, then days of screening history
 * ending today (today's only partly done), alerts and zero reports.
 * worker is the user id recorded as screening.  Returns 0 or -1. */
int demo_people(fk_db *db, const char *county, int people, int days, int64_t worker, demo_counts *out);

typedef struct demo_outbreak_counts {
	int64_t cases, excluded, contacts, followups, missed; /* missed: follow-up alerts */
} demo_outbreak_counts;

/* An outbreak of about target cases over the last six weeks among the
 * residents already in db.  Returns 0 (no outbreak with under 1,000
 * residents) or -1. */
int demo_outbreak(fk_db *db, int target, demo_outbreak_counts *out);

#endif
