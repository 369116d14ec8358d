/* demo_command.c - the demo's daily bulletins: the district's and each of
 * the two demo streets' for the last day that is over, drafted and
 * approved by the district's commander through the bulletin module, so the
 * archive and its documents have something to show. */
#include <stdio.h>

#include "cli/demo.h"
#include "core/command/bulletin.h"
#include "util/date.h"
#include "util/log.h"

int demo_bulletins(fk_db *db, const char *county, const char *const *streets, int n)
{
	int64_t id = 0;
	if (fk_db_int64(db, &id, "SELECT id FROM users WHERE username = 'commander'", "") != FK_ROW)
		return -1;
	const fk_actor who = { .user_id = id, .username = "commander", .role = FK_ROLE_COMMANDER, .region = county,
			       .addr = "" };
	int64_t today = fk_today();
	int64_t day = fk_now() >= fk_local_time(today, fk_bulletin_hour) ? today - 1 : today - 2;
	for (int i = -1; i < n; i++) {
		const char *region = i < 0 ? county : streets[i];
		if (!region[0])
			continue;
		fk_bulletin_in in = { region, day };
		fk_err e = { 0 };
		json_t *b = fk_bulletin_draft(db, &who, &in, &e);
		json_t *a = b ? fk_bulletin_approve(db, &who, json_integer_value(json_object_get(b, "id")), &e) : NULL;
		json_decref(b);
		json_decref(a);
		if (!a) {
			fk_log_err("demo: bulletin of %s: %s", region, e.message);
			return -1;
		}
	}
	return 0;
}
