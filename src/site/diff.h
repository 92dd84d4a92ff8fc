/*
 * diff.h - a line diff for the newsroom's revision view.
 *
 * The longest common subsequence of two texts' lines, after the common
 * head and tail are set aside; the middle is bounded (DIFF_MAX_CELLS) so
 * a huge change costs bounded time and memory: past it the middle is
 * shown as all removed, then all added.  Pure: no I/O, arena memory.
 */
#ifndef DATELINE_DIFF_H
#define DATELINE_DIFF_H

#include <stddef.h>

struct arena;

/* Lines x lines of the middle part compared at most. */
#define DIFF_MAX_CELLS (4u * 1000 * 1000)

enum diff_op { DIFF_SAME, DIFF_DEL, DIFF_ADD };

struct diff_line {
	enum diff_op op;
	const char *text;	/* the line without its newline (arena) */
	size_t len;
};

/*
 * The edit from @old to @new (NUL-terminated) as a list of lines in order:
 * kept, removed (from @old) and added (from @new).  *n gets the count.
 */
struct diff_line *diff_lines(struct arena *a, const char *old, const char *new,
			     size_t *n);

#endif
