/*
 * wxr.c - the WordPress export reader over libxml2's xmlTextReader.
 *
 * One pass over the file's nodes.  A small stack says where we are
 * (document, rss, channel, author, term, item, post meta, comment,
 * comment meta); inside each, a table maps (namespace, local name) to the
 * field it fills.  A field's text is gathered until its element ends; an
 * element we do not know is skipped whole (xmlTextReaderNext), so nothing
 * nested inside it is mistaken for a field.  Each author, term and item
 * is built in an arena that is reset once its callback has returned.
 */
#include "wxr.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"

/* Arena blocks: an item of a few kilobytes fits one. */
#define WXR_ARENA_BLOCK (64u << 10)

enum ns { NS_NONE, NS_WP, NS_EXCERPT, NS_CONTENT, NS_DC, NS_OTHER };

enum ctx {
	C_DOC, C_RSS, C_CHANNEL, C_AUTHOR, C_TERM, C_ITEM, C_POSTMETA,
	C_COMMENT, C_COMMENTMETA,
};

/* Where a field's text goes: an offset into the struct being built. */
struct field {
	enum ctx ctx;
	enum ns ns;
	const char *name;
	size_t off;
};

#define CH(f) offsetof(struct wxr_channel, f)
#define AU(f) offsetof(struct wxr_author, f)
#define TE(f) offsetof(struct wxr_term, f)
#define IT(f) offsetof(struct wxr_item, f)
#define CO(f) offsetof(struct wxr_comment, f)
#define ME(f) offsetof(struct wxr_meta, f)

static const struct field fields[] = {
	{ C_CHANNEL, NS_NONE, "title", CH(title) },
	{ C_CHANNEL, NS_NONE, "link", CH(link) },
	{ C_CHANNEL, NS_NONE, "description", CH(description) },
	{ C_CHANNEL, NS_NONE, "language", CH(language) },
	{ C_CHANNEL, NS_WP, "wxr_version", CH(wxr_version) },
	{ C_CHANNEL, NS_WP, "base_site_url", CH(base_site_url) },
	{ C_CHANNEL, NS_WP, "base_blog_url", CH(base_blog_url) },
	{ C_AUTHOR, NS_WP, "author_id", AU(id) },
	{ C_AUTHOR, NS_WP, "author_login", AU(login) },
	{ C_AUTHOR, NS_WP, "author_email", AU(email) },
	{ C_AUTHOR, NS_WP, "author_display_name", AU(display_name) },
	{ C_AUTHOR, NS_WP, "author_first_name", AU(first_name) },
	{ C_AUTHOR, NS_WP, "author_last_name", AU(last_name) },
	{ C_TERM, NS_WP, "term_id", TE(id) },
	{ C_TERM, NS_WP, "category_nicename", TE(slug) },
	{ C_TERM, NS_WP, "category_parent", TE(parent) },
	{ C_TERM, NS_WP, "cat_name", TE(name) },
	{ C_TERM, NS_WP, "category_description", TE(description) },
	{ C_TERM, NS_WP, "tag_slug", TE(slug) },
	{ C_TERM, NS_WP, "tag_name", TE(name) },
	{ C_TERM, NS_WP, "tag_description", TE(description) },
	{ C_TERM, NS_WP, "term_taxonomy", TE(taxonomy) },
	{ C_TERM, NS_WP, "term_slug", TE(slug) },
	{ C_TERM, NS_WP, "term_parent", TE(parent) },
	{ C_TERM, NS_WP, "term_name", TE(name) },
	{ C_TERM, NS_WP, "term_description", TE(description) },
	{ C_ITEM, NS_NONE, "title", IT(title) },
	{ C_ITEM, NS_NONE, "link", IT(link) },
	{ C_ITEM, NS_NONE, "pubDate", IT(pub_date) },
	{ C_ITEM, NS_DC, "creator", IT(creator) },
	{ C_ITEM, NS_NONE, "guid", IT(guid) },
	{ C_ITEM, NS_NONE, "description", IT(description) },
	{ C_ITEM, NS_CONTENT, "encoded", IT(content) },
	{ C_ITEM, NS_EXCERPT, "encoded", IT(excerpt) },
	{ C_ITEM, NS_WP, "post_id", IT(post_id) },
	{ C_ITEM, NS_WP, "post_date", IT(post_date) },
	{ C_ITEM, NS_WP, "post_date_gmt", IT(post_date_gmt) },
	{ C_ITEM, NS_WP, "post_modified", IT(post_modified) },
	{ C_ITEM, NS_WP, "post_modified_gmt", IT(post_modified_gmt) },
	{ C_ITEM, NS_WP, "comment_status", IT(comment_status) },
	{ C_ITEM, NS_WP, "ping_status", IT(ping_status) },
	{ C_ITEM, NS_WP, "post_name", IT(post_name) },
	{ C_ITEM, NS_WP, "status", IT(status) },
	{ C_ITEM, NS_WP, "post_parent", IT(post_parent) },
	{ C_ITEM, NS_WP, "menu_order", IT(menu_order) },
	{ C_ITEM, NS_WP, "post_type", IT(post_type) },
	{ C_ITEM, NS_WP, "post_password", IT(post_password) },
	{ C_ITEM, NS_WP, "is_sticky", IT(is_sticky) },
	{ C_ITEM, NS_WP, "attachment_url", IT(attachment_url) },
	{ C_POSTMETA, NS_WP, "meta_key", ME(key) },
	{ C_POSTMETA, NS_WP, "meta_value", ME(value) },
	{ C_COMMENTMETA, NS_WP, "meta_key", ME(key) },
	{ C_COMMENTMETA, NS_WP, "meta_value", ME(value) },
	{ C_COMMENT, NS_WP, "comment_id", CO(id) },
	{ C_COMMENT, NS_WP, "comment_author", CO(author) },
	{ C_COMMENT, NS_WP, "comment_author_email", CO(email) },
	{ C_COMMENT, NS_WP, "comment_author_url", CO(url) },
	{ C_COMMENT, NS_WP, "comment_author_IP", CO(ip) },
	{ C_COMMENT, NS_WP, "comment_date", CO(date) },
	{ C_COMMENT, NS_WP, "comment_date_gmt", CO(date_gmt) },
	{ C_COMMENT, NS_WP, "comment_content", CO(content) },
	{ C_COMMENT, NS_WP, "comment_approved", CO(approved) },
	{ C_COMMENT, NS_WP, "comment_type", CO(type) },
	{ C_COMMENT, NS_WP, "comment_parent", CO(parent) },
	{ C_COMMENT, NS_WP, "comment_user_id", CO(user_id) },
};

/* Elements that open a new context inside another. */
static const struct {
	enum ctx in;
	enum ns ns;
	const char *name;
	enum ctx opens;
} contexts[] = {
	{ C_DOC, NS_NONE, "rss", C_RSS },
	{ C_RSS, NS_NONE, "channel", C_CHANNEL },
	{ C_CHANNEL, NS_WP, "author", C_AUTHOR },
	{ C_CHANNEL, NS_WP, "category", C_TERM },
	{ C_CHANNEL, NS_WP, "tag", C_TERM },
	{ C_CHANNEL, NS_WP, "term", C_TERM },
	{ C_CHANNEL, NS_NONE, "item", C_ITEM },
	{ C_ITEM, NS_WP, "postmeta", C_POSTMETA },
	{ C_ITEM, NS_WP, "comment", C_COMMENT },
	{ C_COMMENT, NS_WP, "commentmeta", C_COMMENTMETA },
};

#define STACK_MAX 8

struct reader {
	xmlTextReaderPtr r;
	const struct wxr_handler *h;
	const char *name;
	char *err;
	size_t errlen;
	int fail;		/* WXR_* once refused */
	struct arena *ca;	/* the channel's strings */
	struct arena *a;	/* the element being built */
	struct wxr_channel ch;
	bool channel_sent;
	struct wxr_author au;
	struct wxr_term term;
	struct wxr_item it;
	struct wxr_comment cm;
	struct wxr_meta meta;
	struct wxr_item_term cat;
	size_t terms_cap, meta_cap, comments_cap, cmeta_cap;
	struct {
		enum ctx c;
		int depth;
	} stack[STACK_MAX];
	int sp;
	/* The field whose text is being gathered, or NULL. */
	const char **target;
	struct arena *target_arena;
	int target_depth;
	bool target_is_category;
	struct buf text;
	size_t item_bytes;
	/* Namespace URIs seen last (interned by the reader's dictionary). */
	const xmlChar *ns_uri[4];
	enum ns ns_class[4];
	unsigned ns_next;
};

static void set_err(struct reader *rd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(struct reader *rd, int code, const char *fmt, ...)
{
	va_list ap;

	if (rd->fail)
		return;
	rd->fail = code;
	va_start(ap, fmt);
	if (rd->errlen)
		vsnprintf(rd->err, rd->errlen, fmt, ap);
	va_end(ap);
}

/* libxml2's errors: the first fatal one refuses the file. */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct reader *rd = ctx;
	char msg[256];
	size_t n;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	for (n = 0; msg[n]; n++)
		if (msg[n] == '\n' || msg[n] == '\r')
			msg[n] = ' ';
	while (n && msg[n - 1] == ' ')
		msg[--n] = '\0';
	set_err(rd, WXR_MALFORMED, "%s:%d:%d: %s", rd->name, e->line,
		e->int2, msg);
}

/* "http[s]://wordpress.org/export/VERSION/" + @rest exactly. */
static bool wp_uri(const char *u, const char *rest)
{
	if (!strncmp(u, "https://", 8))
		u += 8;
	else if (!strncmp(u, "http://", 7))
		u += 7;
	else
		return false;
	if (strncmp(u, "wordpress.org/export/", 21))
		return false;
	u += 21;
	if (!strchr("0123456789", *u))
		return false;
	u += strspn(u, "0123456789.");
	return *u == '/' && !strcmp(u + 1, rest);
}

static enum ns classify(const char *u)
{
	if (!u)
		return NS_NONE;
	if (wp_uri(u, ""))
		return NS_WP;
	if (wp_uri(u, "excerpt/"))
		return NS_EXCERPT;
	if (!strcmp(u, "http://purl.org/rss/1.0/modules/content/"))
		return NS_CONTENT;
	if (!strcmp(u, "http://purl.org/dc/elements/1.1/"))
		return NS_DC;
	return NS_OTHER;
}

/* The namespace of the current node, remembered by its interned URI. */
static enum ns node_ns(struct reader *rd)
{
	const xmlChar *u = xmlTextReaderConstNamespaceUri(rd->r);
	unsigned i;

	if (!u)
		return NS_NONE;
	for (i = 0; i < 4; i++)
		if (rd->ns_uri[i] == u)
			return rd->ns_class[i];
	i = rd->ns_next++ % 4;
	rd->ns_uri[i] = u;
	rd->ns_class[i] = classify((const char *)u);
	return rd->ns_class[i];
}

/* The struct a field of context @c is written into. */
static void *target_of(struct reader *rd, enum ctx c)
{
	switch (c) {
	case C_CHANNEL: return &rd->ch;
	case C_AUTHOR: return &rd->au;
	case C_TERM: return &rd->term;
	case C_ITEM: return &rd->it;
	case C_COMMENT: return &rd->cm;
	case C_POSTMETA: case C_COMMENTMETA: return &rd->meta;
	default: return NULL;
	}
}

/* The struct at @p zeroed, its first @nstrings fields (strings) set to "". */
#define BLANK(p, first_other) \
	blank((p), sizeof(*(p)), \
	      offsetof(__typeof__(*(p)), first_other) / sizeof(const char *))

static void blank(void *p, size_t size, size_t nstrings)
{
	const char **s = p;
	size_t i;

	memset(p, 0, size);
	for (i = 0; i < nstrings; i++)
		s[i] = "";
}

static void begin(struct reader *rd, enum ctx c)
{
	switch (c) {
	case C_AUTHOR:
		BLANK(&rd->au, line);
		rd->au.line = xmlTextReaderGetParserLineNumber(rd->r);
		break;
	case C_TERM: {
		const xmlChar *n = xmlTextReaderConstLocalName(rd->r);

		memset(&rd->term, 0, sizeof(rd->term));
		rd->term.id = rd->term.taxonomy = rd->term.slug = "";
		rd->term.name = rd->term.parent = rd->term.description = "";
		rd->term.kind = !strcmp((const char *)n, "category") ?
				WXR_CATEGORY : !strcmp((const char *)n, "tag") ?
				WXR_TAG : WXR_TERM;
		rd->term.taxonomy = rd->term.kind == WXR_CATEGORY ? "category" :
				    rd->term.kind == WXR_TAG ? "post_tag" : "";
		rd->term.line = xmlTextReaderGetParserLineNumber(rd->r);
		break;
	}
	case C_ITEM:
		BLANK(&rd->it, terms);
		rd->it.line = xmlTextReaderGetParserLineNumber(rd->r);
		rd->terms_cap = rd->meta_cap = rd->comments_cap = 0;
		rd->item_bytes = 0;
		break;
	case C_COMMENT:
		BLANK(&rd->cm, meta);
		rd->cmeta_cap = 0;
		break;
	case C_POSTMETA: case C_COMMENTMETA:
		blank(&rd->meta, sizeof(rd->meta), 2);
		break;
	default:
		break;
	}
}

/* Append @elem (@size bytes) to the arena array *@arr of *@n, capacity *@cap. */
static int push(struct reader *rd, void **arr, size_t *n, size_t *cap,
		const void *elem, size_t size)
{
	if (*n >= WXR_LIST_MAX)
		return ERR_TOOBIG;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		void *p = arena_alloc(rd->a, ncap * size);

		if (*n)
			memcpy(p, *arr, *n * size);
		*arr = p;
		*cap = ncap;
	}
	memcpy((char *)*arr + *n * size, elem, size);
	(*n)++;
	return 0;
}

static void too_big(struct reader *rd)
{
	if (!rd->it.truncated && rd->h->warn) {
		char msg[160];

		snprintf(msg, sizeof(msg), "item at line %ld is over %u MB;"
			 " the rest of it is dropped", rd->it.line,
			 WXR_ITEM_MAX >> 20);
		rd->h->warn(rd->h->ctx, msg);
	}
	rd->it.truncated = true;
}

/* The end of a context element: hand it over or attach it to its parent. */
static int finish(struct reader *rd, enum ctx c)
{
	struct wxr_item *it = &rd->it;
	int r = 0;

	switch (c) {
	case C_AUTHOR:
		if (rd->h->author)
			r = rd->h->author(rd->h->ctx, &rd->au);
		arena_reset(rd->a);
		break;
	case C_TERM:
		if (rd->h->term)
			r = rd->h->term(rd->h->ctx, &rd->term);
		arena_reset(rd->a);
		break;
	case C_ITEM:
		it->offset = (uint64_t)xmlTextReaderByteConsumed(rd->r);
		if (rd->h->item)
			r = rd->h->item(rd->h->ctx, it);
		arena_reset(rd->a);
		break;
	case C_POSTMETA:
		if (push(rd, (void **)&it->meta, &it->nmeta, &rd->meta_cap,
			 &rd->meta, sizeof(rd->meta)))
			too_big(rd);
		break;
	case C_COMMENTMETA:
		if (push(rd, (void **)&rd->cm.meta, &rd->cm.nmeta,
			 &rd->cmeta_cap, &rd->meta, sizeof(rd->meta)))
			too_big(rd);
		break;
	case C_COMMENT:
		if (push(rd, (void **)&it->comments, &it->ncomments,
			 &rd->comments_cap, &rd->cm, sizeof(rd->cm)))
			too_big(rd);
		break;
	default:
		break;
	}
	return r;
}

static bool version_ok(const char *v)
{
	struct str s = str_trim(str_from(v));

	return str_eqs(s, "1.0") || str_eqs(s, "1.1") || str_eqs(s, "1.2");
}

/* Check the export's version and hand over the channel, once. */
static int send_channel(struct reader *rd)
{
	if (rd->channel_sent)
		return 0;
	rd->channel_sent = true;
	if (!rd->ch.wxr_version) {
		set_err(rd, WXR_VERSION, "%s: not a WordPress export (no"
			" wp:wxr_version in its channel)", rd->name);
		return WXR_VERSION;
	}
	if (!version_ok(rd->ch.wxr_version)) {
		/* The message is one line: the file's text trimmed, its
		 * control characters shown as '?'. */
		char *v = str_dup(rd->ca, str_trim(str_from(rd->ch.wxr_version)));
		char *p;

		for (p = v; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		set_err(rd, WXR_VERSION, "%s: WXR version '%.40s' is not"
			" supported (1.0, 1.1 and 1.2 are)", rd->name, v);
		return WXR_VERSION;
	}
	rd->ch.wxr_version = str_dup(rd->ca, str_trim(str_from(rd->ch.wxr_version)));
	if (!rd->ch.title)
		rd->ch.title = "";
	if (!rd->ch.link)
		rd->ch.link = "";
	if (!rd->ch.description)
		rd->ch.description = "";
	if (!rd->ch.language)
		rd->ch.language = "";
	if (!rd->ch.base_site_url)
		rd->ch.base_site_url = "";
	if (!rd->ch.base_blog_url)
		rd->ch.base_blog_url = "";
	return rd->h->channel ? rd->h->channel(rd->h->ctx, &rd->ch) : 0;
}

/* Start gathering the text of the field at *@target, an element at @depth. */
static void start_field(struct reader *rd, const char **target, int depth)
{
	rd->target = target;
	rd->target_arena = rd->stack[rd->sp].c == C_CHANNEL ? rd->ca : rd->a;
	rd->target_depth = depth;
	buf_reset(&rd->text);
}

static char *attr(struct reader *rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd->r, BAD_CAST name);
	char *s = arena_strdup(rd->a, v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static void end_field(struct reader *rd)
{
	if (rd->text.overflow)
		too_big(rd);
	*rd->target = arena_strndup(rd->target_arena, rd->text.data,
				    rd->text.len);
	rd->target = NULL;
	if (rd->target_is_category) {
		struct wxr_item *it = &rd->it;

		rd->target_is_category = false;
		if (push(rd, (void **)&it->terms, &it->nterms, &rd->terms_cap,
			 &rd->cat, sizeof(rd->cat)))
			too_big(rd);
	}
}

/*
 * An element starts at @depth.  Returns true when its subtree is to be
 * skipped, or sets rd->fail / returns a callback's code through *rc.
 */
static bool on_element(struct reader *rd, int depth, bool empty, int *rc)
{
	enum ctx c = rd->stack[rd->sp].c;
	enum ns ns = node_ns(rd);
	const char *name = (const char *)xmlTextReaderConstLocalName(rd->r);
	size_t i;

	for (i = 0; i < sizeof(contexts) / sizeof(*contexts); i++) {
		const enum ctx opens = contexts[i].opens;

		if (contexts[i].in != c || contexts[i].ns != ns ||
		    strcmp(contexts[i].name, name))
			continue;
		if (c == C_CHANNEL && (*rc = send_channel(rd)))
			return false;
		begin(rd, opens);
		if (empty)
			*rc = finish(rd, opens);
		else {
			rd->sp++;
			rd->stack[rd->sp].c = opens;
			rd->stack[rd->sp].depth = depth;
		}
		return false;
	}
	if (c == C_ITEM && ns == NS_NONE && !strcmp(name, "category")) {
		rd->cat.domain = attr(rd, "domain");
		rd->cat.nicename = attr(rd, "nicename");
		rd->cat.name = "";
		start_field(rd, &rd->cat.name, depth);
		rd->target_is_category = true;
		if (empty)
			end_field(rd);
		return false;
	}
	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		if (fields[i].ctx != c || fields[i].ns != ns ||
		    strcmp(fields[i].name, name))
			continue;
		start_field(rd, (const char **)((char *)target_of(rd, c) +
						fields[i].off), depth);
		if (empty)
			end_field(rd);
		return false;
	}
	return !empty;
}

static void on_text(struct reader *rd)
{
	const char *v = (const char *)xmlTextReaderConstValue(rd->r);
	size_t n = v ? strlen(v) : 0;
	bool in_item = rd->stack[rd->sp].c >= C_ITEM;

	if (!rd->target || (in_item && rd->it.truncated))
		return;
	if (in_item) {
		rd->item_bytes += n;
		if (rd->item_bytes > WXR_ITEM_MAX) {
			too_big(rd);
			return;
		}
	}
	buf_add(&rd->text, v, n);
}

static int on_end(struct reader *rd, int depth)
{
	if (rd->target && depth == rd->target_depth) {
		end_field(rd);
		return 0;
	}
	if (rd->sp > 0 && rd->stack[rd->sp].depth == depth) {
		enum ctx c = rd->stack[rd->sp--].c;

		if (c == C_CHANNEL)
			return send_channel(rd);
		return finish(rd, c);
	}
	return 0;
}

/* One node.  Returns a callback's code; *skip asks to skip its subtree. */
static int on_node(struct reader *rd, bool *skip)
{
	int type = xmlTextReaderNodeType(rd->r);
	int depth = xmlTextReaderDepth(rd->r);
	int rc = 0;

	*skip = false;
	switch (type) {
	case XML_READER_TYPE_ELEMENT:
		if (rd->target)	/* markup inside a field: its text counts */
			break;
		*skip = on_element(rd, depth, xmlTextReaderIsEmptyElement(rd->r) == 1,
				   &rc);
		break;
	case XML_READER_TYPE_TEXT: case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		on_text(rd);
		break;
	case XML_READER_TYPE_END_ELEMENT:
		rc = on_end(rd, depth);
		break;
	case XML_READER_TYPE_DOCUMENT_TYPE:
		set_err(rd, WXR_MALFORMED, "%s:%d:%d: a document type declaration"
			" is not allowed in an export", rd->name,
			xmlTextReaderGetParserLineNumber(rd->r),
			xmlTextReaderGetParserColumnNumber(rd->r));
		rc = WXR_MALFORMED;
		break;
	default:
		break;
	}
	return rc;
}

static int run(struct reader *rd)
{
	int ret, rc = 0;
	bool skip = false;

	xmlTextReaderSetStructuredErrorHandler(rd->r, on_xml_error, rd);
	rd->ca = arena_new(4096);
	rd->a = arena_new(WXR_ARENA_BLOCK);
	buf_init(&rd->text, NULL, WXR_ITEM_MAX);
	rd->stack[0].c = C_DOC;
	rd->stack[0].depth = -1;
	for (ret = xmlTextReaderRead(rd->r); ret == 1 && !rd->fail;
	     ret = skip ? xmlTextReaderNext(rd->r) : xmlTextReaderRead(rd->r))
		if ((rc = on_node(rd, &skip)))
			break;
	if (!rd->fail && !rc && ret < 0)
		set_err(rd, WXR_MALFORMED, "%s: not well-formed XML", rd->name);
	if (!rd->fail && !rc)
		rc = send_channel(rd);
	buf_release(&rd->text);
	arena_free(rd->a);
	arena_free(rd->ca);
	xmlFreeTextReader(rd->r);
	if (rd->fail)
		return rd->fail;
	if (rd->errlen)
		rd->err[0] = '\0';
	return rc;
}

/* No network, CDATA as text, no entity substitution, no DTD loading. */
#define WXR_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

int wxr_read_file(const char *path, const struct wxr_handler *h,
		  char *err, size_t errlen)
{
	struct reader rd = { .h = h, .name = path, .err = err, .errlen = errlen };
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		if (errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return WXR_OPEN;
	}
	rd.r = xmlReaderForFd(fd, path, NULL, WXR_PARSE_OPTIONS);
	if (!rd.r) {
		close(fd);
		if (errlen)
			snprintf(err, errlen, "%s: cannot start the XML reader", path);
		return WXR_OPEN;
	}
	r = run(&rd);
	close(fd);
	return r;
}

int wxr_read_memory(const char *data, size_t len, const char *name,
		    const struct wxr_handler *h, char *err, size_t errlen)
{
	struct reader rd = { .h = h, .name = name, .err = err, .errlen = errlen };

	if (len > INT_MAX) {
		if (errlen)
			snprintf(err, errlen, "%s: too big to read from memory", name);
		return WXR_OPEN;
	}
	rd.r = xmlReaderForMemory(data, (int)len, name, NULL, WXR_PARSE_OPTIONS);
	if (!rd.r) {
		if (errlen)
			snprintf(err, errlen, "%s: cannot start the XML reader", name);
		return WXR_OPEN;
	}
	return run(&rd);
}

const char *wxr_meta_get(const struct wxr_item *it, const char *key)
{
	size_t i;

	for (i = 0; i < it->nmeta; i++)
		if (!strcmp(it->meta[i].key, key))
			return it->meta[i].value;
	return NULL;
}

int wxr_date(const char *s, int64_t *out)
{
	struct str t = str_trim(str_from(s));
	char tmp[32];

	if (!t.len || str_starts(t, "0000-00-00"))
		return ERR_NOTFOUND;
	if (t.len >= sizeof(tmp))
		return ERR_INVALID;
	memcpy(tmp, t.p, t.len);
	tmp[t.len] = '\0';
	if (t.len != 19 || tmp[10] != ' ')
		return ERR_INVALID;
	return time_parse_iso(tmp, out);
}

int wxr_id(const char *s, int64_t *out)
{
	struct str t = str_trim(str_from(s));
	int64_t v = 0;
	size_t i;

	if (!t.len || t.len > 19)
		return ERR_INVALID;
	for (i = 0; i < t.len; i++) {
		if (t.p[i] < '0' || t.p[i] > '9')
			return ERR_INVALID;
		if (v > (INT64_MAX - (t.p[i] - '0')) / 10)
			return ERR_INVALID;
		v = v * 10 + (t.p[i] - '0');
	}
	*out = v;
	return 0;
}
