/* checkpoint.h - signed checkpoints of the audit log's head, kept outside
 * the database.
 *
 * The hash chain (audit.h) shows a changed entry only while nobody has
 * recomputed the chain after it, and says nothing about entries removed
 * from the end.  A checkpoint pins the head: the number of entries and the
 * hash of the last one, with the time, signed with an Ed25519 key the
 * database does not hold (PATH.audit-key beside it, mode 0600, made by
 * `fangkong init`).  The server appends one to a file the operator keeps
 * (PATH.audit-checkpoints unless FK_AUDIT_CHECKPOINTS says otherwise) at
 * start, every FK_AUDIT_CHECKPOINT_MINUTES while the log grows and at a
 * clean stop; `fangkong audit verify --checkpoint FILE` checks that the log
 * still holds every checkpointed head.
 *
 * A checkpoint is a signed note in the C2SP style (c2sp.org/signed-note,
 * tlog-checkpoint):
 *
 *     fangkong audit log
 *     1234
 *     <base64 of the 32-byte head hash>
 *     time 1581711660
 *
 *     — fangkong-audit <base64 of key id (4 bytes) and signature (64)>
 *
 * The signature covers the text before the blank line; the key id is the
 * first 4 bytes of SHA-256("fangkong-audit\n" 0x01 public-key).  Notes in a
 * file are separated by a blank line.
 */
#ifndef FK_CHECKPOINT_H
#define FK_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define FK_CHECKPOINT_MAX 512 /* bytes of one note, ample */

typedef struct fk_audit_key {
	unsigned char pk[32];
	unsigned char sk[64]; /* zero when only the public half is known */
	unsigned char id[4];
} fk_audit_key;

typedef struct fk_checkpoint {
	int64_t size; /* entries covered: the head is entry number size */
	int64_t time; /* Unix seconds when it was signed */
	unsigned char hash[32];
} fk_checkpoint;

/* The key id of an Ed25519 key named name in a signed note (c2sp.org/
 * signed-note): the first 4 bytes of SHA-256(name "\n" 0x01 pk).  The
 * public ledger signs its checkpoints with the same key under its own name
 * (core/ledger/note.h). */
void fk_note_key_id(const char *name, const unsigned char pk[32], unsigned char id[4]);

/* Creates DB_PATH.audit-key (an Ed25519 secret key, mode 0600) when it does
 * not exist.  Returns 0 or -1 (logged). */
int fk_audit_key_create(const char *db_path);
/* Reads DB_PATH.audit-key.  Returns 0, or -1 (logged) when it is missing,
 * readable by others or not a key. */
int fk_audit_key_load(const char *db_path, fk_audit_key *k);

/* Writes c as a note signed with k into out (FK_CHECKPOINT_MAX bytes,
 * NUL-terminated).  Returns its length. */
size_t fk_checkpoint_sign(const fk_audit_key *k, const fk_checkpoint *c, char *out);

/* Reads the note that starts at text (leading blank lines skipped) into c
 * and sets *used to the bytes it took.  Returns 0; 1 when text holds no
 * further note; -1 when it is malformed; -2 when no signature of k's key
 * verifies (the key id or the signature differs). */
int fk_checkpoint_open(const fk_audit_key *k, const char *text, fk_checkpoint *c, size_t *used);

/* Appends note to file (created with mode 0600; O_APPEND; fsync).
 * Returns 0 or -1 (logged). */
int fk_checkpoint_append(const char *file, const char *note);

/* The note the process signed last, and what it says: what GET
 * /audit/head shows.  fk_checkpoint_latest returns 0, or -1 before the
 * first.  Thread-safe. */
void fk_checkpoint_remember(const char *note, const fk_checkpoint *c);
int fk_checkpoint_latest(char note[FK_CHECKPOINT_MAX], fk_checkpoint *c);

/* What fk_checkpoint_verify found. */
typedef struct fk_checkpoint_check {
	int64_t entries;     /* entries in the log */
	int64_t notes;       /* checkpoints read (and verified, when intact) */
	fk_checkpoint first_bad; /* the checkpoint the log fails (FK_CP_TRUNCATED, _REWRITTEN) */
	fk_checkpoint latest;    /* the largest checkpoint */
	int64_t bad_id;      /* FK_CP_CHAIN: the first broken entry; FK_CP_TRUNCATED: the
			      * first missing one; FK_CP_REWRITTEN: the head that differs */
	int64_t good_below;  /* FK_CP_REWRITTEN: entries up to this one match a checkpoint */
	int64_t note;        /* FK_CP_BAD_NOTE: the failing note's number (from 1) */
	int bad_signature;   /* FK_CP_BAD_NOTE: 1 for a signature, 0 for the form */
} fk_checkpoint_check;

enum {
	FK_CP_INTACT = 0,
	FK_CP_DB_ERROR = -1,
	FK_CP_CHAIN = -2,     /* the hash chain itself is broken */
	FK_CP_BAD_NOTE = -3,  /* a note is malformed or not signed by k */
	FK_CP_TRUNCATED = -4, /* a checkpoint holds more entries than the log */
	FK_CP_REWRITTEN = -5, /* the entry a checkpoint signed has another hash now */
};

/* Checks the audit log in db against every checkpoint in text (the
 * checkpoint file's contents), signed with k: the chain, then each note's
 * signature, then that entry number size of the log has the hash the note
 * signed.  Returns an FK_CP_ code and fills out. */
int fk_checkpoint_verify(fk_db *db, const fk_audit_key *k, const char *text, fk_checkpoint_check *out);

#endif
