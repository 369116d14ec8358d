/* registry.h - households and persons (the resident registry).
 *
 * A household belongs to one grid; a person to one household (and so one
 * grid, the person's scope key).  One person per document number: the
 * keyed hash of the number is unique, so no entry point can create a second.
 * Document numbers and phones are encrypted at rest and rendered masked;
 * fk_person_reveal returns one record in the clear and audits it.
 *
 * The person's writable fields are declared once (fk_person_fields) and
 * validated by fk_person_parse for the API and the CSV import alike.
 */
#ifndef FK_REGISTRY_H
#define FK_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/fields.h"
#include "core/base/actor.h"
#include "core/base/rollup.h"
#include "core/base/rows.h"
#include "store/db.h"
#include "util/err.h"
#include "util/pii.h"

/* The person resource as the API renders it (masked unless revealed). */
extern const fk_column fk_person_columns[];

/* The person's vocabularies.  history (14-day travel and contact history)
 * is also what a screening finding records about a person. */
extern const char *const fk_tag_names[];     /* elderly_alone, chronic, pregnant, disabled */
extern const char *const fk_history_names[]; /* from_key_area, contact_key_area, contact_case */

/* Region counts (households, persons) in the table region_stats, kept at
 * every level by a roll-up (core/base/rollup.h).  Only the registry and its
 * loaders (import, the demo, epi creating a contact's person) add to it.
 * acc is any fk_rollup, so one accumulator can carry the other roll-ups of
 * the same write too; a bulk load accumulates a whole file and flushes
 * once, so a million rows cost a few hundred upserts. */
void fk_stats_add(fk_rollup *acc, const char *grid, int64_t households, int64_t persons);
/* The accumulator under the names the demo loader (src/cli) uses. */
typedef fk_rollup fk_stats_acc;
#define fk_stats_new fk_rollup_new
#define fk_stats_flush fk_rollup_apply /* applies, then frees */
#define fk_stats_free fk_rollup_free

/* ---- households ---- */

/* A household's place, parsed.  Strings are borrowed from the JSON; in an
 * update, NULL means unchanged. */
typedef struct fk_household_in {
	const char *grid, *building, *unit, *room, *address;
} fk_household_in;

/* Parses {grid, building?, unit?, room?, address?} (create: grid required,
 * absent parts "", the address or the building and room given; update:
 * everything optional).  Returns 0 or -1 with e naming the field. */
int fk_household_parse(const json_t *in, bool create, fk_household_in *h, fk_err *e);
/* Registers h in a grid in scope (404 otherwise; 409 when registered). */
json_t *fk_household_create(fk_db *db, const fk_actor *who, const fk_household_in *h, fk_err *e);
/* Request bodies as declared (fk_fields_check enforces them; the OpenAPI
 * document shows them). */
extern const fk_field fk_household_fields[], fk_household_update_fields[], fk_person_fields[];
json_t *fk_household_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
/* Changes the given parts of household id; a new grid moves its members. */
json_t *fk_household_update(fk_db *db, const fk_actor *who, int64_t id, const fk_household_in *h, fk_err *e);
/* Households under region (a grid or any region in scope), by (grid, id);
 * filter unvisited (a day): only those with no screening record that day
 * (the coverage gaps).  A declared list (core/base/list.h). */
extern const struct fk_list fk_household_list;
/* Finds or creates the household at a place; *created says which.
 * Returns its id, or -1 with e set. */
int64_t fk_household_ensure(fk_db *db, const char *grid, const char *building, const char *unit,
			    const char *room, const char *address, bool *created, fk_err *e);

/* ---- persons ---- */

/* A validated person: what a create or update carries. */
/* A person's document number and phone as stored: keyed hashes (whole and
 * last four) and secretbox ciphertexts.  Made by fk_person_seal, which
 * touches no database, so a bulk load can make them on another thread. */
typedef struct fk_person_sealed {
	bool doc, phone;
	unsigned char dh[FK_PII_HASH_LEN], ds[FK_PII_HASH_LEN], ph[FK_PII_HASH_LEN], ps[FK_PII_HASH_LEN];
	unsigned char denc[64 + FK_PII_OVERHEAD], penc[32 + FK_PII_OVERHEAD];
	size_t dlen, plen;
} fk_person_sealed;

typedef struct fk_person_in {
	unsigned given; /* FK_PF_* bits of the fields present */
	int64_t household_id;
	const char *name;
	char sex; /* 'M', 'F', 'U' */
	int64_t birth_year;
	const char *doc_type;
	char doc_number[64]; /* normalised */
	char phone[32];      /* normalised digits */
	int64_t tags, history;
	const char *origin;
	int64_t arrival_day;
	bool fresh_household; /* bulk loads: the household was created just now */
	const struct fk_person_sealed *sealed; /* made ahead (bulk loads), or NULL */
} fk_person_in;

/* Fills s from p's normalised document number and phone. */
void fk_person_seal(const fk_person_in *p, fk_person_sealed *s);

enum {
	FK_PF_HOUSEHOLD = 1u << 0,
	FK_PF_NAME = 1u << 1,
	FK_PF_SEX = 1u << 2,
	FK_PF_BIRTH = 1u << 3,
	FK_PF_DOCTYPE = 1u << 4,
	FK_PF_DOC = 1u << 5,
	FK_PF_PHONE = 1u << 6,
	FK_PF_TAGS = 1u << 7,
	FK_PF_HISTORY = 1u << 8,
	FK_PF_ORIGIN = 1u << 9,
	FK_PF_ARRIVAL = 1u << 10,
};

/* A person's sex and document type codes (NULL-terminated; GET /vocab). */
const char *const *fk_sex_names(void);
const char *const *fk_doc_type_names(void);

/* Validates a person object (create: name and household_id required;
 * update: everything optional).  Strings point into in.  Returns 0 or -1
 * with e naming the field. */
int fk_person_parse(const json_t *in, bool create, fk_person_in *p, fk_err *e);

json_t *fk_person_create(fk_db *db, const fk_actor *who, const fk_person_in *p, fk_err *e);
/* Inserts a new person without audit or statistics (bulk loaders).
 * Returns the id, 0 when the document number is already registered, or -1. */
int64_t fk_person_insert(fk_db *db, const fk_person_in *p, const char *grid);

enum { FK_UPSERT_CREATED = 1, FK_UPSERT_UPDATED, FK_UPSERT_UNCHANGED };

/* For imports: stores p in grid (its household given in p) as a new person,
 * or updates the one with the same document number (or, without one, the
 * same name in the same household) when a given field differs.  No audit
 * entry and no region statistics: the caller accounts for a whole file.
 * Returns FK_UPSERT_*, with the person's id and, when it existed, its
 * previous grid (16 bytes; "" for a new person); or -1 with e set (409 when
 * the document number belongs to someone outside who's scope). */
int fk_person_upsert(fk_db *db, const fk_actor *who, const fk_person_in *p, const char *grid, int64_t *id,
		     char *old_grid, fk_err *e);

json_t *fk_person_get(fk_db *db, const fk_actor *who, int64_t id, fk_err *e);
json_t *fk_person_update(fk_db *db, const fk_actor *who, int64_t id, const fk_person_in *p, fk_err *e);
/* The full document number and phone of one person, audited with reason
 * (required, 2..200 characters). */
json_t *fk_person_reveal(fk_db *db, const fk_actor *who, int64_t id, const char *reason, fk_err *e);

/* Persons under region by (region, id), or by (name, id) when a name
 * prefix is given; filters name, tag, doc_suffix, phone_suffix,
 * household_id (audited as person.search).  Exports run it with
 * FK_LIST_REVEAL for the unmasked columns. */
extern const struct fk_list fk_person_list;

/* A phone number as stored: its digits, spaces, '-' and a +86 / 0086
 * prefix dropped (7 to 15 digits; an 11-digit mobile starts with 1), into
 * out (n bytes).  Returns 0 or -1 with a 400 naming "phone".  Any module
 * keeping a phone calls this and fk_phone_hashes, so all phones are sealed
 * and found alike. */
int fk_phone_normalise(const char *in, char *out, size_t n, fk_err *e);
/* The keyed hashes of a normalised phone: the whole number and its last 4
 * digits (FK_PII_HASH_LEN bytes each). */
void fk_phone_hashes(const char *phone, unsigned char *h, unsigned char *sfx);

#endif
