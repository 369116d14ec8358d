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
	FK_ROLE_COUNT
} fk_role;

/* Permissions, one bit each.  FK_PERM_PUBLIC needs no session at all. */
typedef enum fk_perm {
	FK_PERM_PUBLIC = 0,
	FK_PERM_SESSION = 1u << 0,      /* any signed-in user */
	FK_PERM_REGION_READ = 1u << 1,
	FK_PERM_REGION_WRITE = 1u << 2, /* create grids */
	FK_PERM_USER_READ = 1u << 3,
	FK_PERM_USER_WRITE = 1u << 4,
	FK_PERM_AUDIT_READ = 1u << 5,
	FK_PERM_PERSON_READ = 1u << 6,    /* households and persons, masked */
	FK_PERM_PERSON_WRITE = 1u << 7,   /* register and edit households and persons */
	FK_PERM_PERSON_REVEAL = 1u << 8,  /* one record's full document number and phone, audited */
	FK_PERM_PERSON_EXPORT = 1u << 9,  /* personal data out of the system, audited */
	FK_PERM_PERSON_IMPORT = 1u << 10, /* bulk CSV import */
	FK_PERM_SCREEN_READ = 1u << 11,   /* coverage, gaps, reports, alerts */
	FK_PERM_SCREEN_WRITE = 1u << 12,  /* record screenings and the daily (zero) report */
	FK_PERM_ALERT_CLOSE = 1u << 13,   /* close an alert with an outcome */
	FK_PERM_CASE_READ = 1u << 14,     /* cases and their history */
	FK_PERM_CASE_WRITE = 1u << 15,    /* report cases, change category and outcome */
	FK_PERM_STATS_READ = 1u << 16,    /* epidemic statistics (no personal data) */
} fk_perm;

/* Role by its name ("admin", …); FK_ROLE_NONE when unknown. */
fk_role fk_role_parse(const char *name);
const char *fk_role_name(fk_role r);
/* Every role name, comma-separated (for error messages and help). */
const char *fk_role_names(void);
uint32_t fk_role_perms(fk_role r);
bool fk_role_can(fk_role r, uint32_t perm);
/* The name of one permission bit ("public" for FK_PERM_PUBLIC). */
const char *fk_perm_name(uint32_t perm);
/* Names of the permissions a role holds, for /api/v1/me; out must hold 16. */
int fk_role_perm_names(fk_role r, const char **out, int max);

#endif
