/* perm.c - the permission table and the scope test (see perm.h). */
#include "core/base/perm.h"

#include <stdio.h>
#include <string.h>

#define P(x) FK_PERM_##x
#define ALL_READ (P(SESSION) | P(REGION_READ))
#define PEOPLE (P(PERSON_READ) | P(SCREEN_READ))
#define EPI (P(CASE_READ) | P(STATS_READ))

static const struct {
	const char *name;
	uint32_t perms;
} roles[FK_ROLE_COUNT] = {
	[FK_ROLE_NONE] = { "", 0 },
	[FK_ROLE_ADMIN] = { "admin", ALL_READ | P(REGION_WRITE) | P(USER_READ) | P(USER_WRITE) | P(AUDIT_READ) |
					       PEOPLE | P(PERSON_WRITE) | P(PERSON_REVEAL) | P(PERSON_EXPORT) |
					       P(PERSON_IMPORT) | EPI },
	[FK_ROLE_COMMANDER] = { "commander", ALL_READ | P(USER_READ) | PEOPLE | EPI },
	[FK_ROLE_OFFICER] = { "officer", ALL_READ | P(REGION_WRITE) | P(USER_READ) | PEOPLE | P(PERSON_WRITE) |
						   P(PERSON_REVEAL) | P(PERSON_EXPORT) | P(PERSON_IMPORT) |
						   P(SCREEN_WRITE) | P(ALERT_CLOSE) | EPI },
	[FK_ROLE_GRIDWORKER] = { "gridworker", ALL_READ | PEOPLE | P(PERSON_WRITE) | P(SCREEN_WRITE) },
	[FK_ROLE_DOCTOR] = { "doctor", ALL_READ | PEOPLE | P(PERSON_REVEAL) | P(ALERT_CLOSE) | EPI | P(CASE_WRITE) },
	[FK_ROLE_OPERATOR] = { "operator", ALL_READ },
	[FK_ROLE_COORDINATOR] = { "coordinator", ALL_READ },
	[FK_ROLE_KEEPER] = { "keeper", ALL_READ },
	[FK_ROLE_AUDITOR] = { "auditor", ALL_READ | P(AUDIT_READ) | P(STATS_READ) },
	[FK_ROLE_VOLUNTEER] = { "volunteer", ALL_READ },
};

static const struct {
	uint32_t bit;
	const char *name;
} perm_names[] = {
	{ P(SESSION), "session" },
	{ P(REGION_READ), "region.read" },
	{ P(REGION_WRITE), "region.write" },
	{ P(USER_READ), "user.read" },
	{ P(USER_WRITE), "user.write" },
	{ P(AUDIT_READ), "audit.read" },
	{ P(PERSON_READ), "person.read" },
	{ P(PERSON_WRITE), "person.write" },
	{ P(PERSON_REVEAL), "person.reveal" },
	{ P(PERSON_EXPORT), "person.export" },
	{ P(PERSON_IMPORT), "person.import" },
	{ P(SCREEN_READ), "screening.read" },
	{ P(SCREEN_WRITE), "screening.write" },
	{ P(ALERT_CLOSE), "alert.close" },
	{ P(CASE_READ), "case.read" },
	{ P(CASE_WRITE), "case.write" },
	{ P(STATS_READ), "stats.read" },
};

fk_role fk_role_parse(const char *name)
{
	for (int r = 1; r < FK_ROLE_COUNT; r++)
		if (name && strcmp(name, roles[r].name) == 0)
			return (fk_role)r;
	return FK_ROLE_NONE;
}

const char *fk_role_name(fk_role r)
{
	return r > 0 && r < FK_ROLE_COUNT ? roles[r].name : "";
}

const char *fk_role_names(void)
{
	static char buf[256];
	if (!buf[0]) {
		int n = 0;
		for (int r = 1; r < FK_ROLE_COUNT; r++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%s", r > 1 ? ", " : "", roles[r].name);
	}
	return buf;
}

uint32_t fk_role_perms(fk_role r)
{
	return r > 0 && r < FK_ROLE_COUNT ? roles[r].perms : 0;
}

bool fk_role_can(fk_role r, uint32_t perm)
{
	if (perm == FK_PERM_PUBLIC)
		return true;
	return (fk_role_perms(r) & perm) == perm;
}

const char *fk_perm_name(uint32_t perm)
{
	if (perm == FK_PERM_PUBLIC)
		return "public";
	for (size_t i = 0; i < sizeof(perm_names) / sizeof(perm_names[0]); i++)
		if (perm_names[i].bit == perm)
			return perm_names[i].name;
	return "?";
}

int fk_role_perm_names(fk_role r, const char **out, int max)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(perm_names) / sizeof(perm_names[0]) && n < max; i++)
		if (fk_role_perms(r) & perm_names[i].bit)
			out[n++] = perm_names[i].name;
	return n;
}
