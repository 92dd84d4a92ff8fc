/*
 * buf.h - growable output buffer with a hard maximum, and string slices.
 *
 * Invariants: buf.data is never NULL and always NUL-terminated after
 * buf_init(); buf.len never exceeds buf.max.  A buffer is arena-backed
 * (memory freed with the arena) or heap-backed (arena == NULL; the owner
 * calls buf_release()).  Once an append would pass max, the append is
 * refused, the buffer keeps what it had and buf.overflow is set, so a
 * writer may append freely and check once at the end.
 */
#ifndef DATELINE_BUF_H
#define DATELINE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

/* A borrowed slice of bytes: not NUL-terminated, not owned. */
struct str {
	const char *p;
	size_t len;
};

#define STR(lit) ((struct str){ (lit), sizeof(lit) - 1 })
#define STR_NULL ((struct str){ NULL, 0 })

struct str str_from(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eqs(struct str a, const char *s);
bool str_starts(struct str a, const char *prefix);
/* Copy into the arena as a NUL-terminated string. */
char *str_dup(struct arena *a, struct str s);
/* Trim ASCII spaces and tabs (and CR/LF) at both ends. */
struct str str_trim(struct str s);

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	struct arena *arena;	/* NULL: heap-backed */
	bool overflow;
};

/* Start an empty buffer of at most @max bytes (plus the NUL). */
void buf_init(struct buf *b, struct arena *a, size_t max);

/* Heap-backed buffers: free the data and re-init empty. Arena-backed: no-op. */
void buf_release(struct buf *b);

/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);

/* Appends; each returns 0 or ERR_TOOBIG (and sets overflow). */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addstr(struct buf *b, struct str s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Hand the heap data to the caller (caller frees); the buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
