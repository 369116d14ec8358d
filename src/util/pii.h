/* pii.h - personal data at rest: encryption, keyed lookup hashes, masking.
 *
 * Document numbers and phone numbers are stored only as secretbox
 * ciphertext (XSalsa20-Poly1305, random nonce) and found through keyed
 * BLAKE2b hashes, so a copied database file without its key file reveals
 * none of them.  Both keys derive from the 32-byte key file that
 * `fangkong init` creates beside the database (PATH.key, mode 0600).
 */
#ifndef FK_PII_H
#define FK_PII_H

#include <stddef.h>

#define FK_PII_HASH_LEN 16
#define FK_PII_OVERHEAD 40 /* nonce (24) + MAC (16) */

typedef struct fk_pii_keys {
	unsigned char enc[32];
	unsigned char mac[32];
} fk_pii_keys;

/* The process's keys, loaded once at start by the server or a CLI command. */
extern fk_pii_keys fk_pii_global;

/* Reads DB_PATH.key and derives the keys.  Returns 0 or -1 (logged). */
int fk_pii_load(const char *db_path, fk_pii_keys *k);

/* Writes n bytes of key to a new file at path (mode 0600, fsync'd; removed
 * again when the write fails).  Returns 0, 1 when path exists already
 * (left as it is), or -1 (logged). */
int fk_key_file_create(const char *path, const void *key, size_t n);

/* Encrypts the string plain into out (strlen(plain) + FK_PII_OVERHEAD
 * bytes).  Returns the ciphertext length. */
size_t fk_pii_seal(const fk_pii_keys *k, const char *plain, unsigned char *out);

/* Decrypts n bytes of in into out (cap bytes, NUL-terminated).  Returns 0,
 * or -1 when the ciphertext is forged, truncated or too long for out. */
int fk_pii_open(const fk_pii_keys *k, const unsigned char *in, size_t n, char *out, size_t cap);

/* Keyed hash of value in a domain ("doc", "phone", "doc4", "phone4"), so
 * equal values can be found without storing them. */
void fk_pii_hash(const fk_pii_keys *k, const char *domain, const char *value, unsigned char out[FK_PII_HASH_LEN]);

/* Masks for display: an ID number keeps its first 6 and last 4 characters
 * (420106********123X); a phone its first 3 and last 4 (138****5678);
 * anything else keeps its last 2.  out holds strlen(value) + 1 bytes. */
void fk_mask_doc(const char *value, char *out);
void fk_mask_phone(const char *value, char *out);

#endif
