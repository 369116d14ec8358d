/* ledger.h - the public ledger: every published entry (a donation
 * received, allocated or delivered, a fund allocated or spent, a
 * correction, the audit log's head each day) appended to an RFC 9162
 * Merkle tree (merkle.h) kept in the database, and checkpoints of it
 * signed as C2SP notes (note.h).  The one owner of ledger_entries,
 * ledger_nodes and ledger_checkpoints.
 *
 * An entry's bytes are the compact JSON of its object with sorted keys;
 * what is hashed is exactly what GET /ledger/entries answers as `leaf`.
 * Entries hold no private person's name, ID number or phone: the modules
 * that publish build them from public fields only.
 *
 * Who may call what:
 *   fk_ledger_append                  modules publishing, inside their write
 *   fk_ledger_checkpoint_*, _audit    the clock (http/schedule.c)
 *   the reads                         http (public endpoints), cli (verify)
 * Appends run on the writer, so each batch's appends commit together
 * (group commit); signing reads a reader connection and never blocks them.
 */
#ifndef FK_LEDGER_H
#define FK_LEDGER_H

#include <jansson.h>
#include <stdint.h>

#include "core/base/checkpoint.h"
#include "core/ledger/merkle.h"
#include "core/ledger/note.h"
#include "store/db.h"
#include "util/err.h"

#define FK_LEDGER_PAGE_MAX 1000 /* entries in one answer */

/* The log's origin line (and the checkpoint key's name): $FK_LEDGER_ORIGIN,
 * else "fangkong/ledger". */
const char *fk_ledger_origin(void);

/* Appends entry (borrowed; "kind" and "time" are added to the bytes) of
 * kind, publishing ref ("donation:12", or NULL).  *idx gets its index.
 * Returns 0 or -1 (a database error). */
int fk_ledger_append(fk_db *db, const char *kind, const char *ref, json_t *entry, int64_t at, int64_t *idx);

/* Entries in the log.  Returns 0 or -1. */
int fk_ledger_size(fk_db *db, int64_t *size);
/* The root of the first size entries.  Returns 0 or -1. */
int fk_ledger_root(fk_db *db, int64_t size, unsigned char root[32]);
/* The node source of the tree in db, for merkle.h's functions. */
int fk_ledger_get(void *db, int level, int64_t index, unsigned char out[32]);

/* {entries: [{index, kind, ref, time, leaf (base64), entry}], size} from
 * start, at most limit (1..FK_LEDGER_PAGE_MAX).  NULL with e set. */
json_t *fk_ledger_entries(fk_db *db, int64_t start, int64_t limit, fk_err *e);
/* {index, size, leaf_hash, path: [base64]}: 404 naming index when index
 * is not below size, or size when it passes the log.  NULL with e set. */
json_t *fk_ledger_inclusion_json(fk_db *db, int64_t index, int64_t size, fk_err *e);
/* {first, second, path}: 400 when first > second, 404 when second passes
 * the log.  NULL with e set. */
json_t *fk_ledger_consistency_json(fk_db *db, int64_t first, int64_t second, fk_err *e);

/* The latest signed checkpoint's note into note (FK_NOTE_MAX) and its
 * size.  Returns 0, 1 when none is signed yet, -1 on an error. */
int fk_ledger_checkpoint_latest(fk_db *db, char *note, int64_t *size);

/* A checkpoint made and not yet stored. */
typedef struct fk_ledger_cp {
	int64_t size;
	unsigned char root[32];
	char note[FK_NOTE_MAX];
} fk_ledger_cp;

/* Signs a checkpoint of the log as db (a reader) sees it, with k: returns
 * 1 when the latest checkpoint already covers it, 0 with out filled, -1 on
 * an error, -2 when the log is not consistent with the latest checkpoint
 * (it shrank, or a proof between them fails: nothing is signed). */
int fk_ledger_checkpoint_make(fk_db *db, const fk_audit_key *k, fk_ledger_cp *out);
/* Stores a made checkpoint (on the writer).  Returns 0 or -1. */
int fk_ledger_checkpoint_store(fk_db *db, const fk_ledger_cp *cp, int64_t now);

/* The verifier key of k under the ledger's origin into out (cap bytes).
 * Returns its length or -1. */
int fk_ledger_vkey(const fk_audit_key *k, char *out, size_t cap);

/* The verifier key the server signs with, remembered when the clock loads
 * the key (fk_ledger_key_remember) for GET /ledger/key.  _latest returns 0,
 * or -1 before the key is loaded.  Thread-safe. */
void fk_ledger_key_remember(const fk_audit_key *k);
int fk_ledger_key_latest(char *out, size_t cap);

/* Appends the audit log's head (size and hash) for day, unless an entry
 * for day exists.  On the writer.  Returns 0 or -1. */
int fk_ledger_audit_head(fk_db *db, int64_t day, int64_t now);

/* What fk_ledger_verify found. */
typedef struct fk_ledger_check {
	int64_t size;     /* entries in the log */
	int64_t cp_size;  /* the checkpoint's size */
	int64_t bad;      /* the first entry or node that fails, -1 when none */
	char what[256];   /* the first mismatch, in words */
} fk_ledger_check;

/* Checks the log in db: every entry's leaf hash recomputed from its bytes,
 * every stored subtree recomputed from the leaves, every entry's inclusion
 * proof (as served) against the recomputed root, and the checkpoint note
 * (when not NULL; signed by (name, pk)) against the log: its root must be
 * the root of the log's first size entries, and the consistency proof to
 * today's root must verify.  Returns 0 when all hold, 1 with out->what
 * naming the first mismatch, -1 on an error. */
int fk_ledger_verify(fk_db *db, const char *note, const char *name, const unsigned char pk[32],
		     fk_ledger_check *out);

#endif
