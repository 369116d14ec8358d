/* perm.c - the permission table and the scope test (see perm.h). */
#include "core/base/perm.h"

#include <stdio.h>
#include <string.h>

#define P(x) FK_PERM_##x
#define ALL_READ (P(SESSION) | P(REGION_READ))
#define PEOPLE (P(PERSON_READ) | P(SCREEN_READ))
#define EPI (P(CASE_READ) | P(STATS_READ))
#define MODULES_READ (P(TICKET_READ) | P(STOCK_READ) | P(MOBILISE_READ))

static const struct {
	const char *name;
	fk_perms perms;
} roles[FK_ROLE_COUNT] = {
	[FK_ROLE_NONE] = { "", 0 },
	[FK_ROLE_ADMIN] = { "admin", ALL_READ | P(REGION_WRITE) | P(USER_READ) | P(USER_WRITE) | P(AUDIT_READ) |
					       PEOPLE | P(PERSON_WRITE) | P(PERSON_REVEAL) | P(PERSON_EXPORT) |
					       P(PERSON_IMPORT) | EPI | MODULES_READ },
	[FK_ROLE_COMMANDER] = { "commander", ALL_READ | P(USER_READ) | PEOPLE | EPI | MODULES_READ | P(TICKET_CHASE) |
						     P(SUPERVISE) | P(ANNOUNCE) | P(BULLETIN_APPROVE) },
	[FK_ROLE_OFFICER] = { "officer", ALL_READ | P(REGION_WRITE) | P(USER_READ) | PEOPLE | P(PERSON_WRITE) |
						   P(PERSON_REVEAL) | P(PERSON_EXPORT) | P(PERSON_IMPORT) |
						   P(SCREEN_WRITE) | P(ALERT_CLOSE) | EPI | MODULES_READ |
						   P(TICKET_HANDLE) | P(SUPPLY_REQUEST) | P(MOBILISE_WRITE) | P(ANNOUNCE) },
	[FK_ROLE_GRIDWORKER] = { "gridworker", ALL_READ | PEOPLE | P(PERSON_WRITE) | P(SCREEN_WRITE) },
	[FK_ROLE_DOCTOR] = { "doctor", ALL_READ | PEOPLE | P(PERSON_REVEAL) | P(ALERT_CLOSE) | EPI | P(CASE_WRITE) |
					P(TICKET_READ) | P(TICKET_HANDLE) | P(STOCK_READ) | P(SUPPLY_REQUEST) },
	[FK_ROLE_OPERATOR] = { "operator", ALL_READ | P(TICKET_READ) | P(TICKET_WRITE) },
	[FK_ROLE_COORDINATOR] = { "coordinator", ALL_READ | P(STOCK_READ) | P(SUPPLY_APPROVE) | P(MOBILISE_READ) |
						       P(MOBILISE_WRITE) | P(ANNOUNCE) },
	[FK_ROLE_KEEPER] = { "keeper", ALL_READ | P(STOCK_READ) | P(STOCK_WRITE) },
	[FK_ROLE_AUDITOR] = { "auditor", ALL_READ | P(AUDIT_READ) | P(STATS_READ) | MODULES_READ },
	[FK_ROLE_VOLUNTEER] = { "volunteer", ALL_READ | P(SERVE) },
	[FK_ROLE_FINANCE] = { "finance", ALL_READ | P(STOCK_READ) | P(FUND_WRITE) },
	[FK_ROLE_SUPERVISOR] = { "supervisor", ALL_READ | P(SCREEN_READ) | P(TICKET_READ) | P(TICKET_CHASE) |
						     P(MOBILISE_READ) | P(SUPERVISE) },
};

static const struct {
	fk_perms bit;
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
	{ P(TICKET_READ), "ticket.read" },
	{ P(TICKET_WRITE), "ticket.write" },
	{ P(TICKET_HANDLE), "ticket.handle" },
	{ P(TICKET_CHASE), "ticket.chase" },
	{ P(STOCK_READ), "stock.read" },
	{ P(STOCK_WRITE), "stock.write" },
	{ P(SUPPLY_REQUEST), "supply.request" },
	{ P(SUPPLY_APPROVE), "supply.approve" },
	{ P(FUND_WRITE), "fund.write" },
	{ P(MOBILISE_READ), "mobilise.read" },
	{ P(MOBILISE_WRITE), "mobilise.write" },
	{ P(SERVE), "serve" },
	{ P(SUPERVISE), "supervise" },
	{ P(ANNOUNCE), "announce" },
	{ P(BULLETIN_APPROVE), "bulletin.approve" },
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

fk_perms fk_role_perms(fk_role r)
{
	return r > 0 && r < FK_ROLE_COUNT ? roles[r].perms : 0;
}

bool fk_role_can(fk_role r, fk_perms perm)
{
	if (perm == FK_PERM_PUBLIC)
		return true;
	return (fk_role_perms(r) & perm) == perm;
}

const char *fk_perm_name(fk_perms perm)
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
