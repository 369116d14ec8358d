/* demo.h - what the demo generator's parts share: one seeded generator. */
#ifndef FK_DEMO_H
#define FK_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/err.h"

uint64_t demo_rand(void);
/* A whole number from lo to hi inclusive. */
int demo_between(int lo, int hi);
/* A number in [0, 1). */
double demo_unit(void);

/* A simulated thermometer reading in tenths of a degree: what the demo's
 * grid workers and doctors "measured", 36.0 to 37.0 °C for a healthy
 * person, 37.3 to 39.3 °C for a fever.  The only temperatures the demo
 * records: a record taken without a reading has no temperature, never a
 * default. */
int demo_reading(bool fever);

/* The demo's accounts that do the simulated work, each acting within the
 * scope of the place worked in (see demo_people). */
typedef struct demo_accounts {
	int64_t worker; /* gridworker: screenings and zero reports */
	int64_t doctor; /* doctor: closes alerts */
} demo_accounts;

typedef struct demo_counts {
	int64_t households, persons, screenings, alerts, reports;
} demo_counts;

/* Residents of every community of county (about people in all), in
 * households under the communities' grids, then days of screening history
 * ending today (today's only partly done, at most DEMO_MAX_DAYS), alerts
 * and zero reports.  The history goes through the API's own functions:
 * each grid's records of a day are one batch, checked and stored as the
 * worker account scoped to that grid; alerts are closed as the doctor
 * account scoped to the grid's community.  Returns 0 or -1. */
#define DEMO_MAX_DAYS 14 /* the API takes a record up to 14 days late */
int demo_people(fk_db *db, const char *county, int people, int days, const demo_accounts *who, demo_counts *out);

typedef struct demo_outbreak_counts {
	int64_t cases, excluded, contacts, followups, missed; /* missed: follow-up alerts */
} demo_outbreak_counts;

/* An outbreak of about target cases over the last six weeks among the
 * residents already in db; the missed follow-ups' older alerts closed as
 * the doctor account scoped to each alert's community.  Returns 0 (no
 * outbreak with under 1,000 residents) or -1. */
int demo_outbreak(fk_db *db, int target, const demo_accounts *who, demo_outbreak_counts *out);

typedef struct demo_hotline_counts {
	int64_t teams, answers, tickets, direct, dispatched, returned, reopened;
} demo_hotline_counts;

/* A month of the hotline in county (about tickets tickets): doctor teams
 * and their roster, the standard answers, tickets through the hotline
 * module's functions (demo_hotline.c).  Returns 0 or -1. */
int demo_hotline(fk_db *db, const char *county, int tickets, demo_hotline_counts *out);
typedef struct demo_supplies_counts {
	int64_t moves, requests, donations, allocations, reversals, fund_allocations, fund_entries;
} demo_supplies_counts;

/* Six weeks of the district's supplies, donations and special funds in
 * county and its streets street1 and street2, replayed day by day on the
 * clock, by the demo accounts keeper, coordinator, coordinator2 and
 * finance.  Returns 0 or -1. */
int demo_supplies(fk_db *db, const char *county, const char *street1, const char *street2, demo_supplies_counts *out);
typedef struct demo_mobilise_counts {
	int64_t volunteers, party_members, reports, pledges, shifts, checkins, forgotten, corrections, tasks, inspections,
		findings, fixed, announcements, receipts_read;
	double seconds; /* how long the part took */
} demo_mobilise_counts;

/* Volunteers, party members, teams, posts, shifts with their check-ins,
 * tasks, inspections and announcements in every community of county (see
 * demo_mobilise.c), sized by people.  Returns 0 or -1. */
int demo_mobilise(fk_db *db, const char *county, int people, demo_mobilise_counts *out);
/* The daily bulletins of county and of streets[0..n) (empty codes are
 * skipped) for the last day that is over, drafted and approved by the
 * demo's commander.  Returns 0 or -1. */
int demo_bulletins(fk_db *db, const char *county, const char *const *streets, int n);

#endif
