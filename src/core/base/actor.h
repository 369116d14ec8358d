/* actor.h - who is asking: the signed-in user (or the CLI) a module acts for.
 * Every module call that reads or writes scoped data takes one. */
#ifndef FK_ACTOR_H
#define FK_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/perm.h"

typedef struct fk_actor {
	int64_t user_id;      /* 0 for the CLI and anonymous callers */
	const char *username; /* "" when anonymous; "cli" for the command line */
	fk_role role;
	const char *region;   /* home region code: the scope ("" = whole country) */
	const char *addr;     /* client address, "" when unknown */
	bool must_change;     /* the password was set by someone else: change it first */
} fk_actor;

/* The command line acts with full scope as the "cli" user. */
extern const fk_actor fk_actor_cli;

#endif
