/*
 * sqlite_search.c - full-text search (FTS5, sql/sqlite/006_search.sql) and
 * the lists behind the sitemaps, in the SQLite backend.
 *
 * The reader's text never reaches FTS5 as written: fts_query_translate()
 * rebuilds it from a small grammar, so no query is a syntax error.  A hit
 * is ranked by bm25 with per-column weights (headline counts most), scaled
 * to an integer so the keyset cursor is three integers and ties fall to
 * the newest story.  Snippets are made for the hits of one page only.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "fts_query.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "store_int.h"

/*
 * Only the newest 1,000 matching stories (by id, which follows
 * creation) are ranked: a word found in 25,000 stories would otherwise
 * cost 60 ms of scoring per query on a 100,000-story site.  A news search
 * that broad is best answered from recent stories anyway; older ones are
 * found with more precise words.
 */
#define SEARCH_WINDOW_SQL "1000"

/* Column weights: headline, summary, body, tags, author. */
#define BM25 "bm25(article_search, 10.0, 4.0, 1.0, 5.0, 5.0)"

/*
 * The ranking touches only the FTS index and the small covering index
 * articles_visible (id, status, published); whole rows are read for the
 * page's hits alone.
 */
static const char sql_search[] =
	"SELECT " ARTICLE_COLS ", r.score FROM"
	" (SELECT f.id, f.score, v.published FROM"
	"  (SELECT rowid AS id, CAST(round(-" BM25 " * 1000000) AS INTEGER)"
	"   AS score FROM article_search WHERE article_search MATCH ?1"
	"   ORDER BY rowid DESC LIMIT " SEARCH_WINDOW_SQL ") f"
	"  JOIN articles v INDEXED BY articles_visible ON v.id = f.id"
	"  WHERE v.status = 1 AND v.published <= ?2"
	"  AND (f.score, v.published, f.id) < (?3, ?4, ?5)"
	"  ORDER BY f.score DESC, v.published DESC, f.id DESC LIMIT ?6) r"
	" JOIN articles a ON a.id = r.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" ORDER BY r.score DESC, r.published DESC, r.id DESC";
/*
 * Snippets of one page of hits in one FTS query: evaluating a MATCH (a
 * prefix merges many doclists) costs more than the snippets, so it is
 * done once, not per hit.  ?4 .. ?54 are the page's ids (unbound: NULL,
 * matching nothing); the range lets FTS5 skip the rest.
 */
#define SNIPPET_IDS 51
static const char sql_snippet[] =
	"SELECT rowid, snippet(article_search, -1, char(1), char(2),"
	" '\xE2\x80\xA6', 28) FROM article_search"
	" WHERE article_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
	" AND rowid IN (?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29,"
	" ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43,"
	" ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, ?54)";

/* Newest change of a public story: its update, or its publication. */
#define MODIFIED "max(a.updated, a.published)"
#define PUBLIC "a.status = 1 AND a.published <= ?2"

static const char sql_article_parts[] =
	"SELECT (a.id - 1) / ?1, NULL, 0, max(" MODIFIED ") FROM articles a"
	" WHERE " PUBLIC " GROUP BY 1 ORDER BY 1";
static const char sql_tag_parts[] =
	"SELECT (x.tag_id - 1) / ?1, NULL, 0, max(" MODIFIED ")"
	" FROM article_tags x"
	" JOIN articles a ON a.id = x.article_id"
	" WHERE " PUBLIC " GROUP BY 1 ORDER BY 1";
static const char sql_article_urls[] =
	"SELECT a.slug, a.section_slug, a.published, " MODIFIED
	" FROM articles a WHERE a.id BETWEEN ?1 AND ?3 AND " PUBLIC
	" ORDER BY a.id";
static const char sql_tag_urls[] =
	"SELECT t.slug, NULL, 0, max(" MODIFIED ") FROM tags t"
	" JOIN article_tags x ON x.tag_id = t.id"
	" JOIN articles a ON a.id = x.article_id"
	" WHERE t.id BETWEEN ?1 AND ?3 AND " PUBLIC
	" GROUP BY t.id ORDER BY t.id";
static const char sql_section_urls[] =
	"SELECT a.section_slug, NULL, 0, max(" MODIFIED ") FROM articles a"
	" WHERE a.section_slug <> '' AND " PUBLIC
	" GROUP BY a.section_slug ORDER BY a.section_slug LIMIT ?3";

int sq_media_size(struct store *base, const char *key, int64_t *size)
{
	struct sqlite_store *s = SQ(base);
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	/* length() of a blob reads its record header, not its pages. */
	if ((st = sq_prepared(c, ST_MEDIA_SIZE, "SELECT length(data) FROM media"
			      " WHERE key = ?1"))) {
		sq_bind_text(st, 1, key);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*size = sqlite3_column_int64(st, 0);
			r = 0;
		} else {
			r = rc == SQLITE_DONE ? ERR_NOTFOUND :
			    sq_db_err(c->db, "media size");
		}
		sqlite3_reset(st);
	}
	sq_conn_put(s, c);
	return r;
}

/* Oldest first, strictly after the cursor: the stories of newer pages. */
#define PREV_TAIL \
	" AND a.status >= ?4 AND a.published <= ?5" \
	" AND (a.published, a.id) > (?2, ?3)" \
	" ORDER BY a.published, a.id LIMIT ?6"

static const char *const sql_prev[] = {
	"SELECT a.published, a.id FROM articles a WHERE ?1 IS NULL" PREV_TAIL,
	"SELECT a.published, a.id FROM articles a"
	" WHERE a.section_slug = ?1" PREV_TAIL,
	"SELECT a.published, a.id FROM article_tags x"
	" JOIN tags t ON t.id = x.tag_id JOIN articles a ON a.id = x.article_id"
	" WHERE t.slug = ?1" PREV_TAIL,
	"SELECT a.published, a.id FROM articles a WHERE a.author = ?1" PREV_TAIL,
};

int sq_list_prev(struct store *base, const struct article_query *q,
		 const struct cursor *first, size_t page, int *prev_kind,
		 struct cursor *prev)
{
	struct sqlite_store *s = SQ(base);
	int kind = q->tag_slug ? 2 : q->section_slug ? 1 : q->author ? 3 : 0;
	struct conn *c = sq_conn_get(s);
	sqlite3_stmt *st;
	size_t n = 0;
	int r = ERR_DB, rc;

	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, (enum stmt_id)(ST_PREV_ALL + kind),
			       sql_prev[kind])))
		goto out;
	sq_bind_text(st, 1, q->tag_slug ? q->tag_slug : q->section_slug ?
		     q->section_slug : q->author);
	sqlite3_bind_int64(st, 2, first->published);
	sqlite3_bind_int64(st, 3, first->id);
	sqlite3_bind_int(st, 4, q->include_drafts ? 0 : 1);
	sqlite3_bind_int64(st, 5, q->include_drafts ? INT64_MAX : time_now());
	sqlite3_bind_int64(st, 6, (int64_t)page + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* The last row read is the one just newer than that page. */
		prev->published = sqlite3_column_int64(st, 0);
		prev->id = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		*prev_kind = !n ? 0 : n <= page ? 1 : 2;
		r = 0;
	} else {
		r = sq_db_err(c->db, "newer page");
	}
out:
	sq_conn_put(s, c);
	return r;
}

/* Snippets for the hits of one page, on the connection that found them. */
static int add_snippets(struct conn *c, struct arena *ar, const char *match,
			struct search_results *out)
{
	int64_t lo = INT64_MAX, hi = 0, id;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < out->n; i++)
		out->hits[i].snippet = "";
	if (!out->n)
		return 0;
	if (!(st = sq_prepared(c, ST_SEARCH_SNIPPET, sql_snippet)))
		return ERR_DB;
	sq_bind_text(st, 1, match);
	for (i = 0; i < out->n && i < SNIPPET_IDS; i++) {
		id = out->hits[i].article.id;
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
		sqlite3_bind_int64(st, 4 + (int)i, id);
	}
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < out->n; i++)
			if (out->hits[i].article.id == id)
				out->hits[i].snippet = sq_col_text_or_empty(ar, st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "search snippets");
}

int sq_search(struct store *base, struct arena *ar, const char *text,
	      const struct search_cursor *after, size_t limit,
	      struct search_results *out)
{
	struct sqlite_store *s = SQ(base);
	size_t len = strlen(text);
	struct conn *c;
	sqlite3_stmt *st;
	struct buf match;
	int r = ERR_DB, rc;

	memset(out, 0, sizeof(*out));
	buf_init(&match, ar, 8 * 1024);
	out->terms = fts_query_translate(text, len > SEARCH_TEXT_MAX ?
					 SEARCH_TEXT_MAX : len, &match);
	if (out->terms < 0)
		return out->terms;
	if (!out->terms)
		return 0;
	if (!(c = sq_conn_get(s)))
		return ERR_DB;
	if (!(st = sq_prepared(c, ST_SEARCH, sql_search)))
		goto out;
	sq_bind_text(st, 1, match.data);
	sqlite3_bind_int64(st, 2, time_now());
	sqlite3_bind_int64(st, 3, after ? after->score : INT64_MAX);
	sqlite3_bind_int64(st, 4, after ? after->published : INT64_MAX);
	sqlite3_bind_int64(st, 5, after ? after->id : INT64_MAX);
	sqlite3_bind_int64(st, 6, (int64_t)limit + 1);
	out->hits = arena_zalloc(ar, (limit + 1) * sizeof(*out->hits));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == limit) {
			out->more = true;
			break;
		}
		sq_read_article(ar, st, &out->hits[out->n].article);
		out->hits[out->n].score = sqlite3_column_int64(st, 20);
		out->n++;
	}
	sqlite3_reset(st);
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sq_db_err(c->db, "search");
	if (!r)
		r = add_snippets(c, ar, match.data, out);
out:
	sq_conn_put(s, c);
	return r;
}

/* Run a sitemap statement and collect its (slug, section, published,
 * modified) rows. */
static int collect_urls(struct sqlite_store *s, struct arena *ar,
			enum stmt_id id, const char *sql, int64_t a, int64_t b,
			struct sitemap_url **out, size_t *n)
{
	struct conn *c = sq_conn_get(s);
	struct sitemap_url *list = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int r = ERR_DB, rc;

	*n = 0;
	*out = NULL;
	if (!c)
		return ERR_DB;
	if (!(st = sq_prepared(c, id, sql)))
		goto out;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, time_now());
	sqlite3_bind_int64(st, 3, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sitemap_url *u;

		if (*n == cap) {
			struct sitemap_url *bigger;

			cap = cap ? cap * 2 : 256;
			bigger = arena_alloc(ar, cap * sizeof(*bigger));
			if (*n)
				memcpy(bigger, list, *n * sizeof(*list));
			list = bigger;
		}
		u = &list[(*n)++];
		u->slug = sq_col_text_or_empty(ar, st, 0);
		u->section_slug = sq_col_text_or_empty(ar, st, 1);
		u->published = sqlite3_column_int64(st, 2);
		u->modified = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	r = rc == SQLITE_DONE ? 0 : sq_db_err(c->db, "sitemap");
	*out = list;
out:
	sq_conn_put(s, c);
	return r;
}

int sq_sitemap_parts(struct store *base, struct arena *ar,
		     enum sitemap_kind kind, int64_t per_part,
		     struct sitemap_part **out, size_t *n)
{
	struct sitemap_url *rows;
	int r;

	/* The same collector: slug is the part number as text. */
	r = collect_urls(SQ(base), ar, kind == SITEMAP_TAGS ?
			 ST_SITEMAP_TAG_PARTS : ST_SITEMAP_ARTICLE_PARTS,
			 kind == SITEMAP_TAGS ? sql_tag_parts :
			 sql_article_parts, per_part, 0, &rows, n);
	if (!r)
		*out = sitemap_parts_of(ar, rows, *n);
	return r;
}

int sq_sitemap_urls(struct store *base, struct arena *ar,
		    enum sitemap_kind kind, int64_t number, int64_t per_part,
		    struct sitemap_url **out, size_t *n)
{
	bool tags = kind == SITEMAP_TAGS;

	return collect_urls(SQ(base), ar, tags ? ST_SITEMAP_TAGS :
			    ST_SITEMAP_ARTICLES, tags ? sql_tag_urls :
			    sql_article_urls, number * per_part + 1,
			    (number + 1) * per_part, out, n);
}

int sq_sitemap_sections(struct store *base, struct arena *ar, size_t max,
			struct sitemap_url **out, size_t *n)
{
	return collect_urls(SQ(base), ar, ST_SITEMAP_SECTIONS,
			    sql_section_urls, 0, (int64_t)max, out, n);
}
