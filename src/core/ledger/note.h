/* note.h - signed notes (c2sp.org/signed-note) with Ed25519 keys, and the
 * checkpoint of a transparency log (c2sp.org/tlog-checkpoint).
 *
 * A note is text (UTF-8, every line ending in a newline), a blank line,
 * then one line per signature: "— NAME BASE64(KEYID || SIG)".  The key id
 * is fk_note_key_id (core/base/checkpoint.h); the verifier key is written
 * "NAME+KEYID(8 hex)+BASE64(0x01 || PUBLIC KEY)".  A checkpoint's text is
 * the log's origin, its size in decimal and the base64 root hash, one a
 * line.  The key is the server's audit key (fk_audit_key), signing under
 * the ledger's origin as its name.
 */
#ifndef FK_NOTE_H
#define FK_NOTE_H

#include <stddef.h>
#include <stdint.h>

#define FK_NOTE_NAME_MAX 128
#define FK_NOTE_MAX 1024 /* bytes of a checkpoint note, ample */

/* The verifier key of pk named name into out (cap bytes).  Returns its
 * length, or -1 when it does not fit. */
int fk_note_vkey(const char *name, const unsigned char pk[32], char *out, size_t cap);

/* Reads a verifier key into name (FK_NOTE_NAME_MAX), pk and id.  Returns 0,
 * or -1 when it is malformed, not Ed25519 or its key id does not match. */
int fk_note_vkey_parse(const char *vkey, char *name, unsigned char pk[32], unsigned char id[4]);

/* Signs text (ending in "\n") with sk under name: the note into out (cap
 * bytes, NUL-terminated).  Returns its length, or -1 when it does not fit
 * or text is not a note's text. */
int fk_note_sign(const char *name, const unsigned char sk[64], const char *text, char *out, size_t cap);

/* Opens note (exactly one note, as a whole): checks that a signature by
 * (name, pk) verifies its text.  Returns 0 with *text_len the text's length
 * (its final newline included); -1 when it is malformed; -2 when no
 * signature of that key verifies. */
int fk_note_open(const char *note, const char *name, const unsigned char pk[32], size_t *text_len);

/* A checkpoint: origin, size and root hash. */
typedef struct fk_tlog_checkpoint {
	char origin[FK_NOTE_NAME_MAX];
	int64_t size;
	unsigned char root[32];
} fk_tlog_checkpoint;

/* The checkpoint's text into out (cap bytes).  Returns its length or -1. */
int fk_tlog_checkpoint_text(const fk_tlog_checkpoint *c, char *out, size_t cap);

/* Opens a checkpoint note signed by (name, pk) into c.  Returns 0; -1 when
 * malformed (the note or the three lines; extension lines are allowed and
 * ignored); -2 when not signed by that key. */
int fk_tlog_checkpoint_open(const char *note, const char *name, const unsigned char pk[32], fk_tlog_checkpoint *c);

#endif
