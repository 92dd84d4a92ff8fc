/*
 * wxr.h - a streaming reader for WordPress export files (WXR 1.0 to 1.2).
 *
 * A WXR file is RSS 2.0 with WordPress's own elements: the channel holds
 * the site's address and the export's version, then the authors, the
 * terms (categories, tags, other taxonomies) and the items (posts, pages,
 * attachments, menu items, ...), each item with its terms, its post meta
 * and its comments.  The reader walks the file with libxml2's
 * xmlTextReader and hands each of these to a callback as soon as it is
 * complete, so memory holds one item at a time whatever the file's size.
 *
 * Namespaces are matched by URI, as the file declares them, never by
 * prefix: "wp" is any http:// or https://wordpress.org/export/VERSION/,
 * "excerpt" the same with excerpt/ after it.  Field text is delivered
 * exactly as the parser decoded it: CDATA and character references
 * resolved, backslashes, slashes and whitespace kept verbatim.
 *
 * Ownership: every string and array handed to a callback is borrowed and
 * valid only during that call (it lives in an arena the reader resets
 * after each element).  Strings are never NULL: a missing field is "".
 *
 * Refusals: a file that is not well-formed XML (WXR_MALFORMED, message
 * "FILE:LINE:COLUMN: the parser's message"), a file with a document type
 * declaration (never in an export; refused so no entity is expanded), a
 * file whose channel has no wp:wxr_version before its first author, term
 * or item, or another version than 1.0, 1.1 or 1.2 (WXR_VERSION).
 */
#ifndef DATELINE_WXR_H
#define DATELINE_WXR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest item (its fields, meta and comments together) read whole. */
#define WXR_ITEM_MAX (64u << 20)
/* The most terms, meta rows or comments one item may carry. */
#define WXR_LIST_MAX 1000000u

struct wxr_channel {
	const char *title, *link, *description, *language;
	const char *wxr_version;	/* "1.0", "1.1" or "1.2" */
	const char *base_site_url, *base_blog_url;
};

struct wxr_author {
	const char *id, *login, *email, *display_name;
	const char *first_name, *last_name;
	long line;
};

enum wxr_term_kind { WXR_CATEGORY, WXR_TAG, WXR_TERM };

struct wxr_term {
	enum wxr_term_kind kind;
	const char *id;
	const char *taxonomy;	/* "category", "post_tag" or wp:term_taxonomy */
	const char *slug, *name, *parent, *description;	/* parent: a slug */
	long line;
};

/* A <category domain="..." nicename="...">Name</category> of an item. */
struct wxr_item_term {
	const char *domain, *nicename, *name;
};

struct wxr_meta {
	const char *key, *value;
};

struct wxr_comment {
	const char *id, *author, *email, *url, *ip;
	const char *date, *date_gmt, *content;
	const char *approved;	/* "1", "0", "spam", "trash", ... */
	const char *type;	/* "", "comment", "pingback", "trackback", ... */
	const char *parent, *user_id;
	struct wxr_meta *meta;
	size_t nmeta;
};

struct wxr_item {
	const char *title, *link, *pub_date, *creator, *guid;
	const char *description, *content, *excerpt;
	const char *post_id, *post_date, *post_date_gmt;
	const char *post_modified, *post_modified_gmt;
	const char *comment_status, *ping_status, *post_name, *status;
	const char *post_parent, *menu_order, *post_type, *post_password;
	const char *is_sticky, *attachment_url;
	struct wxr_item_term *terms;
	size_t nterms;
	struct wxr_meta *meta;
	size_t nmeta;
	struct wxr_comment *comments;
	size_t ncomments;
	long line;		/* where <item> starts */
	uint64_t offset;	/* bytes of the file read when it ended */
	/* Set when the item was too big to keep (WXR_ITEM_MAX): the fields
	 * read before it grew too big are kept, the rest is dropped. */
	bool truncated;
};

/*
 * What to do with each part.  Any callback may be NULL.  A callback's
 * nonzero return stops the reader, which returns that value.  channel()
 * is called once, before the first author, term or item (or at the end
 * of a channel without any).  warn() gets the reader's own warnings
 * (an item too big, for instance) as one line without a newline.
 */
struct wxr_handler {
	void *ctx;
	int (*channel)(void *ctx, const struct wxr_channel *c);
	int (*author)(void *ctx, const struct wxr_author *a);
	int (*term)(void *ctx, const struct wxr_term *t);
	int (*item)(void *ctx, const struct wxr_item *it);
	void (*warn)(void *ctx, const char *msg);
};

enum {
	WXR_MALFORMED = 1,	/* not well-formed XML, or a DTD */
	WXR_VERSION = 2,	/* no wp:wxr_version, or an unknown one */
	WXR_OPEN = 3,		/* the file cannot be read */
};

/*
 * Read @path, calling @h for each part.  Returns 0 when the whole file
 * was read, WXR_* with a one-line message (no newline, starting with
 * @path) in @err (of @errlen bytes), or a callback's nonzero return
 * (@err then empty).
 */
int wxr_read_file(const char *path, const struct wxr_handler *h,
		  char *err, size_t errlen);

/* The same over @len bytes at @data; @name stands for the file in messages. */
int wxr_read_memory(const char *data, size_t len, const char *name,
		    const struct wxr_handler *h, char *err, size_t errlen);

/* The value of post meta @key of @it, or NULL. */
const char *wxr_meta_get(const struct wxr_item *it, const char *key);

/*
 * A WordPress date "YYYY-MM-DD HH:MM:SS" (taken as UTC) into *out.
 * ERR_NOTFOUND for "" and "0000-00-00 00:00:00" (WordPress's "no date"),
 * ERR_INVALID for anything else that is not a real date.
 */
int wxr_date(const char *s, int64_t *out);

/* A decimal id ("0" to 2^63-1, surrounding spaces allowed) into *out;
 * ERR_INVALID otherwise ("" included). */
int wxr_id(const char *s, int64_t *out);

#endif
