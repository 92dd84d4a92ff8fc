/*
 * pg_search.c - full-text search (sql/postgres/006_search.sql) and the
 * lists behind the sitemaps, in the PostgreSQL backend.
 *
 * The reader's text is rebuilt by fts_query_translate() (the grammar the
 * SQLite backend uses) and that safe expression is rewritten here as a
 * tsquery whose every word is a quoted lexeme: parts are ANDed, a phrase's
 * words follow each other (<->), a prefix is 'word':*.  It goes to
 * to_tsquery('dateline', ...) as a parameter, so stemming matches the
 * stored vectors (English stems, no stop words: see the migration).  Ranking: ts_rank with the weights headline (A), tags
 * and author (B), summary (C), body (D), scaled to an integer so the
 * keyset cursor is three integers and ties fall to the newest story.
 * Snippets: ts_headline over the summary and body, matched words between
 * SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE.
 */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "fts_query.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "store_int.h"

#define TSQ "to_tsquery('dateline', $1)"
#define RANK "ts_rank('{0.1, 0.2, 0.4, 1.0}', a.search, " TSQ ")"

static const char sql_search[] =
	"SELECT " PG_ARTICLE_COLS ", r.score, r.snippet FROM"
	" (SELECT a.id, a.published,"
	"  (round(" RANK " * 1000000))::bigint AS score,"
	"  '' AS snippet FROM articles a"
	"  WHERE a.search @@ " TSQ " AND a.status = 1"
	"  AND a.published <= $2::bigint) r"
	" JOIN articles a ON a.id = r.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE (r.score, r.published, r.id) < ($3::bigint, $4::bigint,"
	" $5::bigint)"
	" ORDER BY r.score DESC, r.published DESC, r.id DESC LIMIT $6::bigint";
/*
 * ts_headline drops what its parser takes for HTML tags, so '<' and '>'
 * travel as \x03 and \x04 through it and are put back after.
 */
static const char sql_snippet[] =
	"SELECT replace(replace(ts_headline('dateline',"
	" replace(replace(a.summary || ' ' || a.body, '<', chr(3)), '>', chr(4)),"
	" " TSQ ", 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||"
	" ', MaxWords=28, MinWords=12, ShortWord=2, MaxFragments=1'),"
	" chr(3), '<'), chr(4), '>') FROM articles a WHERE a.id = $2";

/* Newest change of a public story: its update, or its publication. */
#define MODIFIED "greatest(a.updated, a.published)"
#define PUBLIC "a.status = 1 AND a.published <= $2::bigint"

static const char sql_article_parts[] =
	"SELECT ((a.id - 1) / $1::bigint)::text, NULL, 0, max(" MODIFIED ")"
	" FROM articles a WHERE " PUBLIC " AND $3::bigint = $3::bigint"
	" GROUP BY 1 ORDER BY 1::bigint";
static const char sql_tag_parts[] =
	"SELECT ((x.tag_id - 1) / $1::bigint)::text, NULL, 0, max(" MODIFIED ")"
	" FROM article_tags x JOIN articles a ON a.id = x.article_id"
	" WHERE " PUBLIC " AND $3::bigint = $3::bigint"
	" GROUP BY 1 ORDER BY 1::bigint";
static const char sql_article_urls[] =
	"SELECT a.slug, a.section_slug, a.published, " MODIFIED
	" FROM articles a WHERE a.id BETWEEN $1::bigint AND $3::bigint AND "
	PUBLIC " ORDER BY a.id";
static const char sql_tag_urls[] =
	"SELECT t.slug, NULL, 0, max(" MODIFIED ") FROM tags t"
	" JOIN article_tags x ON x.tag_id = t.id"
	" JOIN articles a ON a.id = x.article_id"
	" WHERE t.id BETWEEN $1::bigint AND $3::bigint AND " PUBLIC
	" GROUP BY t.id ORDER BY t.id";
static const char sql_section_urls[] =
	"SELECT a.section_slug, NULL, 0, max(" MODIFIED ") FROM articles a"
	" WHERE a.section_slug <> '' AND " PUBLIC " AND $1::bigint = $1::bigint"
	" GROUP BY a.section_slug ORDER BY a.section_slug LIMIT $3::bigint";

int pg_media_size(struct store *base, const char *key, int64_t *size)
{
	struct pg_store *s = PG(base);
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r;

	if (!c)
		return ERR_DB;
	pa_text(&p, key);
	if (!(r = pg_run(c, PS_MEDIA_SIZE, "SELECT octet_length(data) FROM media"
			 " WHERE key = $1", &p, &res))) {
		if (PQntuples(res))
			*size = pg_int(res, 0, 0);
		else
			r = ERR_NOTFOUND;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

/* Oldest first, strictly after the cursor: the stories of newer pages. */
#define PREV_TAIL \
	" AND a.status >= $4::int AND a.published <= $5::bigint" \
	" AND (a.published, a.id) > ($2::bigint, $3::bigint)" \
	" ORDER BY a.published, a.id LIMIT $6::bigint"

static const char *const sql_prev[] = {
	"SELECT a.published, a.id FROM articles a WHERE $1::text IS NULL"
	PREV_TAIL,
	"SELECT a.published, a.id FROM articles a"
	" WHERE a.section_slug = $1::text" PREV_TAIL,
	"SELECT a.published, a.id FROM article_tags x"
	" JOIN tags t ON t.id = x.tag_id JOIN articles a ON a.id = x.article_id"
	" WHERE t.slug = $1::text" PREV_TAIL,
	"SELECT a.published, a.id FROM articles a WHERE a.author = $1::text"
	PREV_TAIL,
};

int pg_list_prev(struct store *base, const struct article_query *q,
		 const struct cursor *first, size_t page, int *prev_kind,
		 struct cursor *prev)
{
	struct pg_store *s = PG(base);
	int kind = q->tag_slug ? 2 : q->section_slug ? 1 : q->author ? 3 : 0;
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, n;

	if (!c)
		return ERR_DB;
	pa_text(&p, q->tag_slug ? q->tag_slug : q->section_slug ?
		q->section_slug : q->author);
	pa_int(&p, first->published);
	pa_int(&p, first->id);
	pa_int(&p, q->include_drafts ? 0 : 1);
	pa_int(&p, q->include_drafts ? INT64_MAX : time_now());
	pa_int(&p, (int64_t)page + 1);
	if (!(r = pg_run(c, (enum pst_id)(PS_PREV_ALL + kind), sql_prev[kind],
			 &p, &res))) {
		n = PQntuples(res);
		/* The last row read is the one just newer than that page. */
		if (n) {
			prev->published = pg_int(res, n - 1, 0);
			prev->id = pg_int(res, n - 1, 1);
		}
		*prev_kind = !n ? 0 : (size_t)n <= page ? 1 : 2;
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

/*
 * The FTS5 expression of fts_query_translate() ("a b" "c"* ...: quoted
 * parts of letters, digits and UTF-8 characters, a star after a prefix)
 * as tsquery text: 'a' <-> 'b' & 'c':* ...
 */
static int to_tsquery_text(const char *fts, struct buf *out)
{
	const char *p = fts;
	int r = 0, parts = 0;

	while (*p) {
		const char *end;

		if (*p != '"') {
			p++;
			continue;
		}
		end = strchr(p + 1, '"');
		if (!end)
			break;
		r |= buf_adds(out, parts++ ? " & (" : "(");
		for (p++; p < end; ) {
			size_t w = strcspn(p, " \"");

			if (w > (size_t)(end - p))
				w = (size_t)(end - p);
			r |= buf_adds(out, "'");
			r |= buf_add(out, p, w);
			r |= buf_adds(out, "'");
			p += w;
			if (end[1] == '*' && p == end)
				r |= buf_adds(out, ":*");
			if (*p == ' ') {
				r |= buf_adds(out, " <-> ");
				p++;
			}
		}
		r |= buf_adds(out, ")");
		p = end + 1;
	}
	return r ? ERR_TOOBIG : parts;
}

int pg_search(struct store *base, struct arena *ar, const char *text,
	      const struct search_cursor *after, size_t limit,
	      struct search_results *out)
{
	struct pg_store *s = PG(base);
	size_t len = strlen(text), i;
	struct buf match, tsq;
	struct pgargs p = { 0 };
	struct pgconn *c;
	PGresult *res;
	int r, rows, k;

	memset(out, 0, sizeof(*out));
	buf_init(&match, ar, 8 * 1024);
	buf_init(&tsq, ar, 16 * 1024);
	out->terms = fts_query_translate(text, len > SEARCH_TEXT_MAX ?
					 SEARCH_TEXT_MAX : len, &match);
	if (out->terms < 0)
		return out->terms;
	if (!out->terms)
		return 0;
	if ((r = to_tsquery_text(match.data, &tsq)) < 0)
		return r;
	if (!(c = pg_conn_read(s)))
		return ERR_DB;
	pa_text(&p, tsq.data);
	pa_int(&p, time_now());
	pa_int(&p, after ? after->score : INT64_MAX);
	pa_int(&p, after ? after->published : INT64_MAX);
	pa_int(&p, after ? after->id : INT64_MAX);
	pa_int(&p, (int64_t)limit + 1);
	out->hits = arena_zalloc(ar, (limit + 1) * sizeof(*out->hits));
	if ((r = pg_run(c, PS_SEARCH, sql_search, &p, &res)))
		goto out;
	rows = PQntuples(res);
	for (k = 0; k < rows; k++) {
		if (out->n == limit) {
			out->more = true;
			break;
		}
		pg_read_article(ar, res, k, &out->hits[out->n].article);
		out->hits[out->n].score = pg_int(res, k, 20);
		out->hits[out->n].snippet = "";
		out->n++;
	}
	PQclear(res);
	/* Snippets for the page's hits only. */
	for (i = 0; i < out->n && !r; i++) {
		memset(&p, 0, sizeof(p));
		pa_text(&p, tsq.data);
		pa_int(&p, out->hits[i].article.id);
		if ((r = pg_run(c, PS_SEARCH_SNIPPET, sql_snippet, &p, &res)))
			break;
		if (PQntuples(res))
			out->hits[i].snippet = pg_text_or_empty(ar, res, 0, 0);
		PQclear(res);
	}
out:
	pg_conn_put(s, c);
	return r;
}

/* Run a sitemap statement ($1 @a, $2 now, $3 @b) and collect its
 * (slug, section, published, modified) rows. */
static int collect_urls(struct pg_store *s, struct arena *ar,
			enum pst_id id, const char *sql, int64_t a, int64_t b,
			struct sitemap_url **out, size_t *n)
{
	struct pgconn *c = pg_conn_read(s);
	struct pgargs p = { 0 };
	PGresult *res;
	int r, i, rows;

	*n = 0;
	*out = NULL;
	if (!c)
		return ERR_DB;
	pa_int(&p, a);
	pa_int(&p, time_now());
	pa_int(&p, b);
	if (!(r = pg_run(c, id, sql, &p, &res))) {
		rows = PQntuples(res);
		*out = arena_alloc(ar, (size_t)(rows ? rows : 1) * sizeof(**out));
		for (i = 0; i < rows; i++) {
			struct sitemap_url *u = &(*out)[(*n)++];

			u->slug = pg_text_or_empty(ar, res, i, 0);
			u->section_slug = pg_text_or_empty(ar, res, i, 1);
			u->published = pg_int(res, i, 2);
			u->modified = pg_int(res, i, 3);
		}
		PQclear(res);
	}
	pg_conn_put(s, c);
	return r;
}

int pg_sitemap_parts(struct store *base, struct arena *ar,
		     enum sitemap_kind kind, int64_t per_part,
		     struct sitemap_part **out, size_t *n)
{
	struct sitemap_url *rows;
	int r;

	/* The same collector: slug is the part number as text. */
	r = collect_urls(PG(base), ar, kind == SITEMAP_TAGS ?
			 PS_SITEMAP_TAG_PARTS : PS_SITEMAP_ARTICLE_PARTS,
			 kind == SITEMAP_TAGS ? sql_tag_parts :
			 sql_article_parts, per_part, 0, &rows, n);
	if (!r)
		*out = sitemap_parts_of(ar, rows, *n);
	return r;
}

int pg_sitemap_urls(struct store *base, struct arena *ar,
		    enum sitemap_kind kind, int64_t number, int64_t per_part,
		    struct sitemap_url **out, size_t *n)
{
	bool tags = kind == SITEMAP_TAGS;

	return collect_urls(PG(base), ar, tags ? PS_SITEMAP_TAGS :
			    PS_SITEMAP_ARTICLES, tags ? sql_tag_urls :
			    sql_article_urls, number * per_part + 1,
			    (number + 1) * per_part, out, n);
}

int pg_sitemap_sections(struct store *base, struct arena *ar, size_t max,
			struct sitemap_url **out, size_t *n)
{
	return collect_urls(PG(base), ar, PS_SITEMAP_SECTIONS,
			    sql_section_urls, 0, (int64_t)max, out, n);
}
