/*
 * arena.h - region allocator with cleanup hooks.
 *
 * One arena per request (and per CLI command): allocate freely, never free
 * a single block; arena_reset() returns everything at once and runs the
 * cleanup hooks (finalizers for statements, results, files) in reverse
 * order of registration.
 *
 * Invariants: memory from an arena is aligned for any C object and stays
 * valid until the next arena_reset() or arena_free().  Allocation failure
 * aborts the process with a message (like git's xmalloc): callers never see
 * NULL, so no error path is needed for memory.
 */
#ifndef DATELINE_ARENA_H
#define DATELINE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new empty arena whose blocks are at least @block_size bytes. Caller frees. */
struct arena *arena_new(size_t block_size);

/* Run cleanup hooks, release all blocks but the first, keep the arena usable. */
void arena_reset(struct arena *a);

/* arena_reset() and free the arena itself. NULL is allowed. */
void arena_free(struct arena *a);

/* @n bytes of uninitialised memory (n == 0 gives a valid unique pointer). */
void *arena_alloc(struct arena *a, size_t n);

/* @n zeroed bytes. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies of strings, always NUL-terminated, owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Call fn(arg) when the arena is reset or freed, last registered first. */
void arena_on_reset(struct arena *a, void (*fn)(void *), void *arg);

/* Total bytes handed out since the last reset (for tests and limits). */
size_t arena_used(const struct arena *a);

/* Like malloc/calloc/realloc/strdup but abort on failure; for long-lived state. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
