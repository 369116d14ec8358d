/* actor.c - the command line's actor. */
#include "core/base/actor.h"

const fk_actor fk_actor_cli = {
	.user_id = 0,
	.username = "cli",
	.role = FK_ROLE_ADMIN,
	.region = "",
	.addr = "local",
};
