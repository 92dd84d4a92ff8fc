/*
 * value.h - a small dynamic value tree: the data handed to templates and
 * the result of parsing JSON.
 *
 * Trees live in an arena.  Strings and map keys are borrowed: they must
 * live at least as long as the tree (arena or static storage).  Maps keep
 * insertion order and are searched linearly: they are small (a page's
 * context has tens of keys), and order keeps JSON output stable.
 */
#ifndef DATELINE_VALUE_H
#define DATELINE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum tv_type { TV_NULL, TV_BOOL, TV_NUM, TV_STR, TV_LIST, TV_MAP };

struct tval {
	enum tv_type type;
	union {
		bool b;
		double num;
		struct {
			const char *p;
			size_t len;
		} str;
		struct {
			struct tval **items;
			size_t n, cap;
		} list;
		struct {
			const char **keys;
			struct tval **vals;
			size_t n, cap;
		} map;
	} u;
};

struct tval *tv_null(struct arena *a);
struct tval *tv_bool(struct arena *a, bool b);
struct tval *tv_num(struct arena *a, double n);
/* @s borrowed; NULL gives TV_NULL. */
struct tval *tv_str(struct arena *a, const char *s);
struct tval *tv_strn(struct arena *a, const char *s, size_t len);
struct tval *tv_list(struct arena *a);
struct tval *tv_map(struct arena *a);

/* Append to a list. */
void tv_push(struct arena *a, struct tval *list, struct tval *v);

/* Set @key in a map, replacing an existing value of that key. */
void tv_set(struct arena *a, struct tval *map, const char *key, struct tval *v);
void tv_set_str(struct arena *a, struct tval *map, const char *key, const char *s);
void tv_set_int(struct arena *a, struct tval *map, const char *key, int64_t n);
void tv_set_bool(struct arena *a, struct tval *map, const char *key, bool b);

/* The value of @key (length @klen) in a map, or NULL (also for non-maps). */
struct tval *tv_get(const struct tval *map, const char *key, size_t klen);

/*
 * The shortest decimal text that reads back as @d: integral values below
 * 1e17 without a fraction ("85"), others with 15 to 17 significant digits
 * ("1.21"); -0 is "0"; NaN and infinities as printf writes them.
 * @out holds at least 40 bytes.
 */
void tv_num_format(double d, char out[40]);

/* Mustache truthiness: false for null, false, empty list; true otherwise. */
bool tv_truthy(const struct tval *v);

#endif
