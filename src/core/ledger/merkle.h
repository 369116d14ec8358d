/* merkle.h - the Merkle tree of RFC 9162 (Certificate Transparency 2.0),
 * section 2.1, with SHA-256: leaf hash SHA-256(0x00 || entry), interior
 * node SHA-256(0x01 || left || right), the empty tree SHA-256("").
 *
 * Pure functions, no storage: the tree's complete subtrees are read
 * through a callback, so the same code serves the database (ledger.c), the
 * verifier of `fangkong ledger verify` and the unit tests.  A complete
 * subtree is named by (level, index): the 2^level leaves from index *
 * 2^level.  Proofs are at most FK_MERKLE_MAX_PATH hashes (a tree of up to
 * 2^63 leaves; the database keeps up to 2^48).
 */
#ifndef FK_MERKLE_H
#define FK_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define FK_MERKLE_MAX_PATH 64

typedef unsigned char fk_hash[32];

/* Reads the hash of the complete subtree (level, index) into out.  Returns
 * 0, or -1 when it cannot (a database error, a node missing). */
typedef int (*fk_merkle_get)(void *ctx, int level, int64_t index, unsigned char out[32]);

void fk_merkle_leaf(const void *entry, size_t n, unsigned char out[32]);
void fk_merkle_node(const unsigned char left[32], const unsigned char right[32], unsigned char out[32]);

/* MTH(D[begin:end]) into out (the empty tree's hash when begin == end).
 * Returns 0 or -1 (get failed). */
int fk_merkle_range(fk_merkle_get get, void *ctx, int64_t begin, int64_t end, unsigned char out[32]);

/* The root of the first size leaves.  Returns 0 or -1. */
int fk_merkle_root(fk_merkle_get get, void *ctx, int64_t size, unsigned char out[32]);

/* The inclusion proof of leaf index in the tree of size leaves (RFC 9162
 * 2.1.3.1), the deepest sibling first, into path; *n its length.  Returns
 * 0, or -1 (get failed, or index >= size). */
int fk_merkle_inclusion(fk_merkle_get get, void *ctx, int64_t index, int64_t size,
			unsigned char path[FK_MERKLE_MAX_PATH][32], int *n);

/* The consistency proof from the tree of first leaves to the tree of
 * second (RFC 9162 2.1.4.1; empty when first is 0 or first == second).
 * Returns 0, or -1 (get failed, or first > second). */
int fk_merkle_consistency(fk_merkle_get get, void *ctx, int64_t first, int64_t second,
			  unsigned char path[FK_MERKLE_MAX_PATH][32], int *n);

/* Checks an inclusion proof (RFC 9162 2.1.3.2): leaf is the leaf's hash.
 * Returns 0 when it proves leaf at index in the tree of size leaves whose
 * root is root, -1 otherwise. */
int fk_merkle_verify_inclusion(const unsigned char leaf[32], int64_t index, int64_t size,
			       const unsigned char (*path)[32], int n, const unsigned char root[32]);

/* Checks a consistency proof (RFC 9162 2.1.4.2): that the tree of first
 * leaves with root1 is a prefix of the tree of second leaves with root2.
 * Equal sizes need an empty proof and equal roots; first 0 is refused (a
 * proof from the empty tree proves nothing; callers treat it apart, as the
 * transparency-dev vectors do).  Returns 0 or -1. */
int fk_merkle_verify_consistency(int64_t first, int64_t second, const unsigned char root1[32],
				 const unsigned char root2[32], const unsigned char (*path)[32], int n);

/* Adding leaf number index (0-based; the tree held index leaves) with its
 * hash leaf: calls put for the new complete subtrees, level 0 first, and
 * get for the left siblings they join.  Returns 0 or -1 (a callback
 * failed). */
typedef int (*fk_merkle_put)(void *ctx, int level, int64_t index, const unsigned char hash[32]);
int fk_merkle_append(fk_merkle_get get, fk_merkle_put put, void *ctx, int64_t index, const unsigned char leaf[32]);

#endif
