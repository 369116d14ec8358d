/* merkle.c - RFC 9162 Merkle tree hashing, proofs and their verification
 * (see merkle.h).  A proof over n leaves reads O(log² n) complete subtrees
 * through the callback; nothing here allocates. */
#include "core/ledger/merkle.h"

#include <sodium.h>
#include <string.h>

void fk_merkle_leaf(const void *entry, size_t n, unsigned char out[32])
{
	crypto_hash_sha256_state s;
	unsigned char z = 0x00;
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, &z, 1);
	crypto_hash_sha256_update(&s, entry, n);
	crypto_hash_sha256_final(&s, out);
}

void fk_merkle_node(const unsigned char left[32], const unsigned char right[32], unsigned char out[32])
{
	unsigned char buf[65];
	buf[0] = 0x01;
	memcpy(buf + 1, left, 32);
	memcpy(buf + 33, right, 32);
	crypto_hash_sha256(out, buf, sizeof(buf));
}

/* The largest power of two strictly below n (n >= 2). */
static int64_t split_point(int64_t n)
{
	int64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

int fk_merkle_range(fk_merkle_get get, void *ctx, int64_t begin, int64_t end, unsigned char out[32])
{
	int64_t n = end - begin;
	if (n < 0)
		return -1;
	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return 0;
	}
	if ((n & (n - 1)) == 0 && begin % n == 0) {
		int level = 0;
		while (((int64_t)1 << level) < n)
			level++;
		return get(ctx, level, begin >> level, out);
	}
	int64_t k = split_point(n);
	unsigned char l[32], r[32];
	if (fk_merkle_range(get, ctx, begin, begin + k, l) < 0 || fk_merkle_range(get, ctx, begin + k, end, r) < 0)
		return -1;
	fk_merkle_node(l, r, out);
	return 0;
}

int fk_merkle_root(fk_merkle_get get, void *ctx, int64_t size, unsigned char out[32])
{
	return fk_merkle_range(get, ctx, 0, size, out);
}

/* Reverses the first n hashes of path (built top-down, answered bottom-up). */
static void reverse(unsigned char path[][32], int n)
{
	unsigned char t[32];
	for (int i = 0, j = n - 1; i < j; i++, j--) {
		memcpy(t, path[i], 32);
		memcpy(path[i], path[j], 32);
		memcpy(path[j], t, 32);
	}
}

int fk_merkle_inclusion(fk_merkle_get get, void *ctx, int64_t index, int64_t size,
			unsigned char path[FK_MERKLE_MAX_PATH][32], int *n)
{
	*n = 0;
	if (index < 0 || index >= size)
		return -1;
	/* PATH(m, D[begin:end]) walked from the top: each level's sibling */
	int64_t begin = 0, end = size, m = index;
	while (end - begin > 1) {
		int64_t k = split_point(end - begin);
		int rc;
		if (m < k) {
			rc = fk_merkle_range(get, ctx, begin + k, end, path[(*n)++]);
			end = begin + k;
		} else {
			rc = fk_merkle_range(get, ctx, begin, begin + k, path[(*n)++]);
			begin += k;
			m -= k;
		}
		if (rc < 0)
			return -1;
	}
	reverse(path, *n);
	return 0;
}

int fk_merkle_consistency(fk_merkle_get get, void *ctx, int64_t first, int64_t second,
			  unsigned char path[FK_MERKLE_MAX_PATH][32], int *n)
{
	*n = 0;
	if (first < 0 || first > second)
		return -1;
	if (first == 0 || first == second)
		return 0;
	/* SUBPROOF(m, D[begin:end], b) walked from the top */
	int64_t begin = 0, end = second, m = first;
	int b = 1;
	while (m != end - begin) {
		int64_t k = split_point(end - begin);
		int rc;
		if (m <= k) {
			rc = fk_merkle_range(get, ctx, begin + k, end, path[(*n)++]);
			end = begin + k;
		} else {
			rc = fk_merkle_range(get, ctx, begin, begin + k, path[(*n)++]);
			begin += k;
			m -= k;
			b = 0;
		}
		if (rc < 0)
			return -1;
	}
	if (!b && fk_merkle_range(get, ctx, begin, end, path[(*n)++]) < 0)
		return -1;
	reverse(path, *n);
	return 0;
}

/* RFC 9162's "if LSB(fn) is not set, right-shift fn and sn equally until
 * either LSB(fn) is set or fn is 0": past the levels where the node is the
 * last of its level and has no right sibling. */
static void climb_right_edge(uint64_t *fn, uint64_t *sn)
{
	while (!(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int fk_merkle_verify_inclusion(const unsigned char leaf[32], int64_t index, int64_t size,
			       const unsigned char (*path)[32], int n, const unsigned char root[32])
{
	if (index < 0 || index >= size)
		return -1;
	uint64_t fn = (uint64_t)index, sn = (uint64_t)size - 1;
	unsigned char r[32];
	memcpy(r, leaf, 32);
	for (int i = 0; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			fk_merkle_node(path[i], r, r);
			climb_right_edge(&fn, &sn);
		} else {
			fk_merkle_node(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, 32) == 0 ? 0 : -1;
}

int fk_merkle_verify_consistency(int64_t first, int64_t second, const unsigned char root1[32],
				 const unsigned char root2[32], const unsigned char (*path)[32], int n)
{
	if (first <= 0 || second < first)
		return -1;
	if (first == second)
		return n == 0 && sodium_memcmp(root1, root2, 32) == 0 ? 0 : -1;
	if (n == 0)
		return -1;
	/* when first is a power of two, the proof starts at root1 itself */
	int pow2 = (first & (first - 1)) == 0, i = 0;
	const unsigned char *start = pow2 ? root1 : path[i++];
	uint64_t fn = (uint64_t)first - 1, sn = (uint64_t)second - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	unsigned char fr[32], sr[32];
	memcpy(fr, start, 32);
	memcpy(sr, start, 32);
	for (; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			fk_merkle_node(path[i], fr, fr);
			fk_merkle_node(path[i], sr, sr);
			climb_right_edge(&fn, &sn);
		} else {
			fk_merkle_node(sr, path[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(fr, root1, 32) == 0 && sodium_memcmp(sr, root2, 32) == 0 ? 0 : -1;
}

int fk_merkle_append(fk_merkle_get get, fk_merkle_put put, void *ctx, int64_t index, const unsigned char leaf[32])
{
	unsigned char h[32], left[32];
	memcpy(h, leaf, 32);
	if (put(ctx, 0, index, h) < 0)
		return -1;
	for (int level = 0; index & 1; level++) {
		if (get(ctx, level, index - 1, left) < 0)
			return -1;
		fk_merkle_node(left, h, h);
		index >>= 1;
		if (put(ctx, level + 1, index, h) < 0)
			return -1;
	}
	return 0;
}
