/* perm.h - roles, permissions and region scope.
 *
 * The permission table (role → permissions) is the single place that says who
 * may do what; the route table names one permission per endpoint.  Scope is a
 * region-code prefix: a user sees the subtree under their home region, which
 * in SQL is one range `code >= lo AND code < hi` (fk_scope_range).
 */
#ifndef FK_PERM_H
#define FK_PERM_H

#include <stdbool.h>
#include <stdint.h>

typedef enum fk_role {
	FK_ROLE_NONE = 0,
	FK_ROLE_ADMIN,
	FK_ROLE_COMMANDER,
	FK_ROLE_OFFICER,
	FK_ROLE_GRIDWORKER,
	FK_ROLE_DOCTOR,
	FK_ROLE_OPERATOR,
	FK_ROLE_COORDINATOR,
	FK_ROLE_KEEPER,
	FK_ROLE_AUDITOR,
	FK_ROLE_VOLUNTEER,
	FK_ROLE_FINANCE,
	FK_ROLE_SUPERVISOR,
	FK_ROLE_COUNT
} fk_role;

/* Permissions, one bit each (a 64-bit set: fk_perms).  FK_PERM_PUBLIC needs
 * no session at all.  Bits 17-31 belong to the modules: hotline 17-20,
 * supplies and funds 21-25, mobilisation and supervision 26-30, command 31. */
typedef uint64_t fk_perms;
#define FK_PERM_PUBLIC UINT64_C(0)
#define FK_PERM_SESSION (UINT64_C(1) << 0) /* any signed-in user */
#define FK_PERM_REGION_READ (UINT64_C(1) << 1)
#define FK_PERM_REGION_WRITE (UINT64_C(1) << 2) /* create grids */
#define FK_PERM_USER_READ (UINT64_C(1) << 3)
#define FK_PERM_USER_WRITE (UINT64_C(1) << 4)
#define FK_PERM_AUDIT_READ (UINT64_C(1) << 5)
#define FK_PERM_PERSON_READ (UINT64_C(1) << 6) /* households and persons, masked */
#define FK_PERM_PERSON_WRITE (UINT64_C(1) << 7) /* register and edit households and persons */
#define FK_PERM_PERSON_REVEAL (UINT64_C(1) << 8) /* one record's full document number and phone, audited */
#define FK_PERM_PERSON_EXPORT (UINT64_C(1) << 9) /* personal data out of the system, audited */
#define FK_PERM_PERSON_IMPORT (UINT64_C(1) << 10) /* bulk CSV import */
#define FK_PERM_SCREEN_READ (UINT64_C(1) << 11) /* coverage, gaps, reports, alerts */
#define FK_PERM_SCREEN_WRITE (UINT64_C(1) << 12) /* record screenings and the daily (zero) report */
#define FK_PERM_ALERT_CLOSE (UINT64_C(1) << 13) /* close an alert with an outcome */
#define FK_PERM_CASE_READ (UINT64_C(1) << 14) /* cases and their history */
#define FK_PERM_CASE_WRITE (UINT64_C(1) << 15) /* report cases, change category and outcome */
#define FK_PERM_STATS_READ (UINT64_C(1) << 16) /* epidemic statistics (no personal data) */
/* hotline (tickets, family doctors, answers) */
#define FK_PERM_TICKET_READ (UINT64_C(1) << 17)   /* tickets, measures, roster, answers */
#define FK_PERM_TICKET_WRITE (UINT64_C(1) << 18)  /* take calls, dispatch, call back, close */
#define FK_PERM_TICKET_HANDLE (UINT64_C(1) << 19) /* a unit's inbox: sign, reply, wait, return */
#define FK_PERM_TICKET_CHASE (UINT64_C(1) << 20)  /* the chase board, record a chase */
/* supplies, donations and special funds */
#define FK_PERM_STOCK_READ (UINT64_C(1) << 21)      /* catalogue, stock, requests, donations, funds */
#define FK_PERM_STOCK_WRITE (UINT64_C(1) << 22)     /* receive, issue, count, ship */
#define FK_PERM_SUPPLY_REQUEST (UINT64_C(1) << 23)  /* request items for one's region */
#define FK_PERM_SUPPLY_APPROVE (UINT64_C(1) << 24)  /* approve requests, receive and allocate donations */
#define FK_PERM_FUND_WRITE (UINT64_C(1) << 25)      /* allocate, disburse, reverse special funds */
/* mobilisation, supervision and announcements */
#define FK_PERM_MOBILISE_READ (UINT64_C(1) << 26)   /* volunteers, teams, posts, shifts, tasks, hours */
#define FK_PERM_MOBILISE_WRITE (UINT64_C(1) << 27)  /* organise: approve, teams, posts, shifts, tasks, certify */
#define FK_PERM_SERVE (UINT64_C(1) << 28)           /* one's own shifts: check in/out, tasks, corrections */
#define FK_PERM_SUPERVISE (UINT64_C(1) << 29)       /* inspections, findings, notices, interviews */
#define FK_PERM_ANNOUNCE (UINT64_C(1) << 30)        /* send announcements to a region's staff */
/* command */
#define FK_PERM_BULLETIN_APPROVE (UINT64_C(1) << 31) /* approve and publish a region's daily bulletin */

/* Role by its name ("admin", …); FK_ROLE_NONE when unknown. */
fk_role fk_role_parse(const char *name);
const char *fk_role_name(fk_role r);
/* Every role name, comma-separated (for error messages and help). */
const char *fk_role_names(void);
fk_perms fk_role_perms(fk_role r);
bool fk_role_can(fk_role r, fk_perms perm);
/* The name of one permission bit ("public" for FK_PERM_PUBLIC). */
const char *fk_perm_name(fk_perms perm);
/* Names of the permissions a role holds, for /api/v1/me; out must hold 64. */
int fk_role_perm_names(fk_role r, const char **out, int max);

#endif
