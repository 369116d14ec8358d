/* arena.h - per-request bump allocator.
 *
 * Memory handed out by an arena lives until fk_arena_release(); nothing is
 * freed piecemeal.  One arena serves one HTTP request or one CLI command, so
 * handlers never track ownership of the small strings they build.
 */
#ifndef FK_ARENA_H
#define FK_ARENA_H

#include <stddef.h>

typedef struct fk_arena_block fk_arena_block;

typedef struct fk_arena {
	fk_arena_block *head; /* newest block first; NULL until first use */
} fk_arena;

/* Returns zeroed memory of at least n bytes, aligned for any type.
 * Aborts on out-of-memory (the process cannot serve requests without it). */
void *fk_arena_alloc(fk_arena *a, size_t n);

/* Copies s (or its first n bytes) into the arena, NUL-terminated. */
char *fk_arena_strdup(fk_arena *a, const char *s);
char *fk_arena_strndup(fk_arena *a, const char *s, size_t n);

/* printf into arena memory. */
char *fk_arena_printf(fk_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees every block; the arena may be used again afterwards. */
void fk_arena_release(fk_arena *a);

#endif
