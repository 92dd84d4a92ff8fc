/*
 * store_search.c - full-text search and the lists behind the sitemaps,
 * written once over the driver (db.h): sql/sqlite/006_search.sql (FTS5)
 * and sql/postgres/006_search.sql (tsvector).
 *
 * The reader's text never reaches an engine as written:
 * fts_query_translate() rebuilds it from a small grammar, so no query is
 * a syntax error.  SQLite matches that expression with FTS5 and ranks by
 * bm25 with per-column weights (headline counts most); PostgreSQL gets it
 * rewritten as a tsquery whose every word is a quoted lexeme (parts
 * ANDed, a phrase's words following each other with <->, a prefix
 * 'word':*), stemmed by every configuration a story may be stemmed
 * with (each story in its language; sql/postgres/010_stemming.sql), and ranks by ts_rank with the weights headline (A), tags and
 * author (B), summary (C), body (D).  Either score is scaled to an
 * integer, so the keyset cursor is three integers and ties fall to the
 * newest story.  Snippets are made for the hits of one page only, matched
 * words between SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE.
 *
 * Everything else (paging back, the sitemaps, a photo's size) is one text
 * for both engines.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db.h"
#include "fts_query.h"
#include "store_int.h"

/* What the translated expression and its tsquery form may grow to. */
#define MATCH_MAX (8 * 1024)
#define TSQUERY_MAX (16 * 1024)

/*
 * Only the newest 1,000 matching stories (by id, which follows
 * creation) are ranked by SQLite: a word found in 25,000 stories would
 * otherwise cost 60 ms of scoring per query on a 100,000-story site.  A
 * news search that broad is best answered from recent stories anyway;
 * older ones are found with more precise words.
 */
#define SEARCH_WINDOW_SQL "1000"

/* Column weights: lang (never matches), headline, summary, body, tags,
 * author. */
#define BM25 "bm25(article_search, 0.0, 10.0, 4.0, 1.0, 5.0, 5.0)"
/* Each story is stemmed in its language (sql/postgres/010_stemming.sql);
 * the reader's words are looked for as every configuration stems them. */
#define TSQ_OF(n) "(to_tsquery('dateline', " n ") ||" \
	" to_tsquery('dateline_german', " n ") ||" \
	" to_tsquery('dateline_french', " n ") ||" \
	" to_tsquery('dateline_arabic', " n ") ||" \
	" to_tsquery('dateline_simple', " n "))"
#define TSQ TSQ_OF("$1")
/* Not a story with an excluded word ($N: their tsquery, '' for none). */
#define TS_EXCLUDE(n) " AND (" n " = '' OR NOT a.search @@ " TSQ_OF(n) ")"
#define RANK "ts_rank('{0.1, 0.2, 0.4, 1.0}', a.search, " TSQ ")"

/*
 * SQLite: the snippets of one page of hits in one FTS query, since
 * evaluating a MATCH (a prefix merges many doclists) costs more than the
 * snippets.  ?4 .. ?54 are the page's ids (unbound: NULL, matching
 * nothing); the range ?2..?3 lets FTS5 skip the rest.
 */
#define SNIPPET_IDS 51
/*
 * PostgreSQL: one hit's snippet, from the summary and body, or from the
 * headline when only that matched (as SQLite's snippet() takes the best
 * column).  ts_headline drops what its parser takes for HTML tags, so '<'
 * and '>' travel as \x03 and \x04 through it and are put back after.
 */
#define TS_HEADLINE(lang, doc) \
	"replace(replace(ts_headline(dateline_ts_config(" lang ")," \
	" replace(replace(" doc ", '<', chr(3)), '>', chr(4)), " TSQ "," \
	" 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||" \
	" ', MaxWords=28, MinWords=12, ShortWord=2, MaxFragments=1')," \
	" chr(3), '<'), chr(4), '>')"

/* Oldest first, strictly after the cursor: the stories of newer pages. */
#define PREV_TAIL \
	" AND a.status >= CAST(?4 AS INTEGER)" \
	" AND a.published <= CAST(?5 AS BIGINT)" \
	" AND (a.published, a.id) > (CAST(?2 AS BIGINT), CAST(?3 AS BIGINT))" \
	" ORDER BY a.published, a.id LIMIT CAST(?6 AS BIGINT)"

/*
 * The sitemap lists: rows of (slug, section, published, modified), ?1
 * now.  A story's newest change is its update or its publication,
 * whichever is later (written as CASE: SQLite's scalar max() is
 * PostgreSQL's greatest()).
 */
#define MODIFIED \
	"CASE WHEN a.update_marked > a.published THEN a.update_marked" \
	" ELSE a.published END"
#define PUBLIC "a.status = 1 AND a.published <= CAST(?1 AS BIGINT)"

/* length() of a blob: SQLite reads its record header, not its pages. */
static struct dbq q_media_size = DBQ(
	"SELECT length(data) FROM media WHERE key = ?1");

/*
 * The site's language, which stories without their own are stemmed in:
 * kept in meta.language.  When it changes those stories are indexed
 * again (SQLite: their FTS5 rows; PostgreSQL: their vectors).
 */
static struct dbq q_site_lang = DBQ(
	"SELECT value FROM meta WHERE key = 'language'");
static struct dbq q_site_lang_set = DBQ(
	"INSERT INTO meta (key, value) VALUES ('language', ?1)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value");
static struct dbq q_reindex = DBQ2(
	"UPDATE article_search SET lang = char(1) || ?1"
	" WHERE rowid IN (SELECT id FROM articles WHERE lang = '')",
	"UPDATE articles SET search = dateline_search_vector("
	"dateline_ts_config(''), headline, tags_text, author, summary, body)"
	" WHERE lang = '' AND CAST($1 AS TEXT) IS NOT NULL");

int store_site_language(struct store *s, const char *tag)
{
	struct arena *a = arena_new(256);
	struct dbc *c;
	struct dbs *st;
	const char *now = NULL;
	int r;

	if (!a)
		return ERR_NOMEM;
	if (!tag || !*tag || strlen(tag) > ACCOUNT_LANGUAGE_MAX) {
		arena_free(a);
		return ERR_INVALID;
	}
	c = db_get(s, DB_WRITE);
	db_begin(c);
	st = db_query(c, &q_site_lang);
	if (db_step(st) == 1)
		now = db_text0(st, a, 0);
	if (!now || strcmp(now, tag)) {
		db_exec(c, &q_site_lang_set, DB_T(tag));
		db_exec(c, &q_reindex, DB_T(tag));
	}
	r = db_end(c, 0);
	db_put(c);
	arena_free(a);
	return r;
}

int store_media_size(struct store *s, const char *key, int64_t *size)
{
	struct dbc *c;
	int r;

	if (!key)
		return ERR_INVALID;
	c = db_get(s, DB_READ);
	r = db_get_int(c, &q_media_size, size, DB_T(key));
	db_put(c);
	return r;
}

/* By list: all, section, tag, author (list_kind()). */
static struct dbq q_prev[] = {
	DBQ("SELECT a.published, a.id FROM articles a"
	    " WHERE CAST(?1 AS TEXT) IS NULL" PREV_TAIL),
	DBQ("SELECT a.published, a.id FROM articles a"
	    " WHERE a.section_slug = ?1" PREV_TAIL),
	DBQ("SELECT a.published, a.id FROM article_tags x"
	    " JOIN tags t ON t.id = x.tag_id"
	    " JOIN articles a ON a.id = x.article_id"
	    " WHERE t.slug = ?1" PREV_TAIL),
	DBQ("SELECT a.published, a.id FROM articles a"
	    " WHERE a.author = ?1" PREV_TAIL),
};

int store_list_prev(struct store *s, const struct article_query *q,
		    const struct cursor *first, size_t page, int *prev_kind,
		    struct cursor *prev)
{
	int kind = q->tag_slug ? 2 : q->section_slug ? 1 : q->author ? 3 : 0;
	struct dbc *c;
	struct dbs *st;
	size_t n = 0;
	int r;

	if (page < 1 || page > 100)
		return ERR_INVALID;
	c = db_get(s, DB_READ);
	st = db_query(c, &q_prev[kind], DB_T(q->tag_slug ? q->tag_slug :
					      q->section_slug ?
					      q->section_slug : q->author),
		      DB_I(first->published), DB_I(first->id),
		      DB_I(q->include_drafts ? 0 : 1),
		      DB_I(q->include_drafts ? INT64_MAX : time_now()),
		      DB_I(page + 1));
	while ((r = db_step(st)) == 1) {
		/* The last row read is the one just newer than that page. */
		prev->published = db_int(st, 0);
		prev->id = db_int(st, 1);
		n++;
	}
	if (!r)
		*prev_kind = !n ? 0 : n <= page ? 1 : 2;
	db_put(c);
	return r;
}

/*
 * Part of an FTS5 expression of fts_query_translate(), [p, stop), without
 * NOT ("a b" AND ("c" OR "c"*) AND "d"* ...: quoted parts of letters,
 * digits and UTF-8 characters, a star after a prefix, a group of the last
 * word and its prefix) as tsquery text, each part joined by @join:
 * ('a' <-> 'b') & (('c') | ('c':*)) & ('d':*) ...
 */
static int tsquery_parts(const char *p, const char *stop, const char *join,
			 struct buf *out)
{
	int r = 0, parts = 0, depth = 0;
	bool operand = false;	/* the last thing written was an operand */

	while (p < stop) {
		const char *end;

		if (!strncmp(p, "OR ", 3)) {
			r |= buf_adds(out, " | ");
			p += 3;
			operand = false;
			continue;
		}
		if ((*p == '(' || *p == '"') && operand && !depth)
			r |= buf_adds(out, join);
		if (*p == '(' || *p == ')') {
			depth += *p == '(' ? 1 : -1;
			r |= buf_add(out, p, 1);
			operand = *p++ == ')';
			continue;
		}
		if (*p != '"' || !(end = strchr(p + 1, '"')) || end >= stop) {
			p++;
			continue;
		}
		r |= buf_adds(out, "(");
		parts++;
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
		operand = true;
	}
	return r ? ERR_TOOBIG : parts;
}

/* The next " NOT " of @p outside quotes, or NULL. */
static const char *next_not(const char *p)
{
	bool quoted = false;

	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && !strncmp(p, " NOT ", 5))
			return p;
	}
	return NULL;
}

/*
 * The expression of fts_query_translate() as two tsquery texts: what a
 * story must match (@pos, parts ANDed) and what it must not (@neg, the
 * excluded parts ORed; empty when none).  Apart because the reader's words
 * are looked for in every configuration, ORed: a story is left out when
 * any of them finds an excluded word in it.  The number of required
 * parts or ERR_TOOBIG.
 */
static int to_tsquery_text(const char *fts, struct buf *pos, struct buf *neg)
{
	const char *not = next_not(fts);
	const char *stop = not ? not : fts + strlen(fts);
	int parts = tsquery_parts(fts, stop, " & ", pos), k;

	while (parts >= 0 && not) {
		const char *at = not + 5;

		not = next_not(at);
		k = tsquery_parts(at, not ? not : at + strlen(at), " | ", neg);
		if (k < 0)
			return k;
		if (not && buf_adds(neg, " | "))
			return ERR_TOOBIG;
	}
	return parts;
}

static struct dbq q_fts_snippets = DBQ(
	"SELECT rowid, snippet(article_search, -1, char(1), char(2),"
	" '\xE2\x80\xA6', 28) FROM article_search"
	" WHERE article_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
	" AND rowid IN (?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	" ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29,"
	" ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43,"
	" ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, ?54)");

/* SQLite: the snippets of the page's hits, in one FTS query. */
static int fts_snippets(struct dbc *c, struct arena *ar, const char *match,
			struct search_results *out)
{
	struct dbv v[3 + SNIPPET_IDS];
	int64_t lo = INT64_MAX, hi = 0, id;
	struct dbs *st;
	size_t i, n = 3;	/* the expression and the range, then ids */
	int r;

	v[0] = DB_T(match);
	for (i = 0; i < out->n && i < SNIPPET_IDS; i++) {
		id = out->hits[i].article.id;
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
		v[n++] = DB_I(id);
	}
	v[1] = DB_I(lo);
	v[2] = DB_I(hi);
	st = db_query_v(c, &q_fts_snippets, v, n);
	while ((r = db_step(st)) == 1) {
		id = db_int(st, 0);
		for (i = 0; i < out->n; i++)
			if (out->hits[i].article.id == id)
				out->hits[i].snippet = db_text0(st, ar, 1);
	}
	return r;
}

static struct dbq q_ts_headline = DBQ(
	"SELECT CASE WHEN strpos(h.s, chr(1)) > 0 THEN h.s"
	" ELSE " TS_HEADLINE("h.lang", "h.headline") " END FROM"
	" (SELECT a.headline, a.lang, "
	TS_HEADLINE("a.lang", "a.summary || ' ' || a.body")
	" AS s FROM articles a WHERE a.id = $2) h");

/* PostgreSQL: each hit's snippet, ts_headline over summary and body. */
static int ts_snippets(struct dbc *c, struct arena *ar, const char *tsq,
		       struct search_results *out)
{
	size_t i;
	int r = 0;

	for (i = 0; i < out->n && !r; i++) {
		struct dbs *st = db_query(c, &q_ts_headline, DB_T(tsq),
					  DB_I(out->hits[i].article.id));

		if (!(r = db_row(st)))
			out->hits[i].snippet = db_text0(st, ar, 0);
		else if (r == ERR_NOTFOUND)
			r = 0;
	}
	return r;
}

/*
 * ?1 the expression, ?2 now, ?3..?5 the cursor (score, published, id),
 * ?6 the page and one more.  SQLite's ranking touches only the FTS index
 * and the small covering index articles_visible (id, status, published);
 * whole rows are read for the page's hits alone.
 */
static struct dbq q_search = DBQ2(
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
	" ORDER BY r.score DESC, r.published DESC, r.id DESC",
	"SELECT " ARTICLE_COLS ", r.score FROM"
	" (SELECT a.id, a.published,"
	"  (round(" RANK " * 1000000))::bigint AS score FROM articles a"
	"  WHERE a.search @@ " TSQ " AND a.status = 1"
	"  AND a.published <= $2::bigint" TS_EXCLUDE("$7") ") r"
	" JOIN articles a ON a.id = r.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE (r.score, r.published, r.id) < ($3::bigint, $4::bigint,"
	" $5::bigint)"
	" ORDER BY r.score DESC, r.published DESC, r.id DESC LIMIT $6::bigint");

/*
 * How many stories match, all of them (not only SQLite's ranking window):
 * ?1 the expression, ?2 now, ?3 PostgreSQL's excluded words.
 */
static struct dbq q_search_count = DBQ2(
	"SELECT count(*) FROM article_search f"
	" JOIN articles v INDEXED BY articles_visible ON v.id = f.rowid"
	" WHERE article_search MATCH ?1 AND v.status = 1 AND v.published <= ?2",
	"SELECT count(*) FROM articles a WHERE a.search @@ " TSQ
	" AND a.status = 1 AND a.published <= $2::bigint" TS_EXCLUDE("$3"));

int store_search(struct store *s, struct arena *ar, const char *text,
		 const struct search_cursor *after, size_t limit,
		 struct search_results *out)
{
	struct buf match, tsq, neg;
	const char *expr, *not = "";
	struct dbc *c;
	struct dbs *st;
	size_t len, i;
	int r;

	if (!text || limit < 1 || limit > 50)
		return ERR_INVALID;
	memset(out, 0, sizeof(*out));
	len = strlen(text);
	buf_init(&match, ar, MATCH_MAX);
	out->terms = fts_query_translate(text, len > SEARCH_TEXT_MAX ?
					 SEARCH_TEXT_MAX : len, &match);
	if (out->terms <= 0)
		return out->terms;
	c = db_get(s, DB_READ);
	expr = match.data;
	if (db_is_pg(c)) {
		buf_init(&tsq, ar, TSQUERY_MAX);
		buf_init(&neg, ar, TSQUERY_MAX);
		if ((r = to_tsquery_text(match.data, &tsq, &neg)) < 0)
			goto out;
		expr = tsq.data;
		not = neg.data;
	}
	/* SQLite binds only the values its text names: not the last. */
	if ((r = db_get_int(c, &q_search_count, &out->total, DB_T(expr),
			    DB_I(time_now()), DB_T(not))))
		goto out;
	st = db_query(c, &q_search, DB_T(expr), DB_I(time_now()),
		      DB_I(after ? after->score : INT64_MAX),
		      DB_I(after ? after->published : INT64_MAX),
		      DB_I(after ? after->id : INT64_MAX), DB_I(limit + 1),
		      DB_T(not));
	out->hits = arena_zalloc(ar, (limit + 1) * sizeof(*out->hits));
	while ((r = db_step(st)) == 1) {
		if (out->n == limit) {
			out->more = true;
			break;
		}
		art_read(st, ar, 0, &out->hits[out->n].article);
		out->hits[out->n].score = db_int(st, ARTICLE_NCOLS);
		out->n++;
	}
	for (i = 0; i < out->n; i++)
		out->hits[i].snippet = "";
	if ((r = db_failed(c)) || !out->n)
		goto out;
	r = db_is_pg(c) ? ts_snippets(c, ar, expr, out) :
			  fts_snippets(c, ar, expr, out);
out:
	db_put(c);
	return r;
}

/*
 * Run sitemap statement @q with now and @nargs - 1 of @a, @b; collect its
 * (slug, section, published, modified) rows into an arena array.
 */
static int collect_urls(struct store *s, struct arena *ar, struct dbq *q,
			int64_t a, int64_t b, size_t nargs,
			struct sitemap_url **out, size_t *n)
{
	struct dbv v[3] = { DB_I(time_now()), DB_I(a), DB_I(b) };
	struct sitemap_url *list = NULL;
	struct dbc *c;
	struct dbs *st;
	size_t cap = 0;
	int r;

	*n = 0;
	*out = NULL;
	c = db_get(s, DB_READ);
	st = db_query_v(c, q, v, nargs);
	while ((r = db_step(st)) == 1) {
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
		u->slug = db_text0(st, ar, 0);
		u->section_slug = db_text0(st, ar, 1);
		u->published = db_int(st, 2);
		u->modified = db_int(st, 3);
	}
	*out = list;
	db_put(c);
	return r;
}

/* The parts, ?2 rows a part: the slug column is the part's number. */
static struct dbq q_article_parts = DBQ(
	"SELECT (a.id - 1) / CAST(?2 AS BIGINT), NULL, 0, max(" MODIFIED ")"
	" FROM articles a WHERE " PUBLIC " GROUP BY 1 ORDER BY 1");
static struct dbq q_tag_parts = DBQ(
	"SELECT (x.tag_id - 1) / CAST(?2 AS BIGINT), NULL, 0, max(" MODIFIED ")"
	" FROM article_tags x JOIN articles a ON a.id = x.article_id"
	" WHERE " PUBLIC " GROUP BY 1 ORDER BY 1");

int store_sitemap_parts(struct store *s, struct arena *ar,
			enum sitemap_kind kind, int64_t per_part,
			struct sitemap_part **out, size_t *n)
{
	struct sitemap_url *rows;
	size_t i;
	int r;

	if (per_part < 1)
		return ERR_INVALID;
	/* The same collector: the slug is the part's number as text. */
	r = collect_urls(s, ar, kind == SITEMAP_TAGS ? &q_tag_parts :
			 &q_article_parts, per_part, 0, 2, &rows, n);
	if (r)
		return r;
	*out = arena_alloc(ar, (*n ? *n : 1) * sizeof(**out));
	for (i = 0; i < *n; i++) {
		(*out)[i].number = strtoll(rows[i].slug, NULL, 10);
		(*out)[i].modified = rows[i].modified;
	}
	return 0;
}

/* The URLs of one part: ids ?2 to ?3. */
static struct dbq q_article_urls = DBQ(
	"SELECT a.slug, a.section_slug, a.published, " MODIFIED
	" FROM articles a WHERE a.id BETWEEN CAST(?2 AS BIGINT)"
	" AND CAST(?3 AS BIGINT) AND " PUBLIC " ORDER BY a.id");
static struct dbq q_tag_urls = DBQ(
	"SELECT t.slug, NULL, 0, max(" MODIFIED ") FROM tags t"
	" JOIN article_tags x ON x.tag_id = t.id"
	" JOIN articles a ON a.id = x.article_id"
	" WHERE t.id BETWEEN CAST(?2 AS BIGINT) AND CAST(?3 AS BIGINT)"
	" AND " PUBLIC " GROUP BY t.id ORDER BY t.id");

int store_sitemap_urls(struct store *s, struct arena *ar,
		       enum sitemap_kind kind, int64_t number, int64_t per_part,
		       struct sitemap_url **out, size_t *n)
{
	if (per_part < 1 || number < 0 || number > INT64_MAX / per_part - 1)
		return ERR_INVALID;
	return collect_urls(s, ar, kind == SITEMAP_TAGS ? &q_tag_urls :
			    &q_article_urls, number * per_part + 1,
			    (number + 1) * per_part, 3, out, n);
}

/* At most ?2 sections. */
static struct dbq q_section_urls = DBQ(
	"SELECT a.section_slug, NULL, 0, max(" MODIFIED ") FROM articles a"
	" WHERE a.section_slug <> '' AND " PUBLIC
	" GROUP BY a.section_slug ORDER BY a.section_slug"
	" LIMIT CAST(?2 AS BIGINT)");

int store_sitemap_sections(struct store *s, struct arena *ar, size_t max,
			   struct sitemap_url **out, size_t *n)
{
	if (max < 1)
		return ERR_INVALID;
	return collect_urls(s, ar, &q_section_urls, (int64_t)max, 0, 2, out, n);
}

/*
 * Stories like another: the words of its headline (SIMILAR_WORDS at
 * most, each of four characters or more, letters only, not one of the
 * function words below) any of which another story's headline or tags
 * may hold, ranked as a search ranks them.  Summaries and bodies are
 * left out: their common words would make every story like every other.
 * SQLite ranks the newest SEARCH_WINDOW_SQL matches only, as a search
 * does.
 */
#define SIMILAR_WORDS 16
#define SIMILAR_WORD_MIN 4

/* Function words of four letters or more in the shipped languages, which
 * say nothing of what a story is about (compared ignoring ASCII case). */
static const char *const similar_skip[] = {
	"about", "after", "also", "amid", "back", "been", "before", "being",
	"could", "does", "each", "first", "from", "have", "here", "into",
	"just", "last", "like", "made", "make", "many", "more", "most",
	"much", "next", "only", "other", "over", "said", "says", "some",
	"than", "that", "their", "them", "then", "there", "these", "they",
	"this", "those", "under", "very", "were", "what", "when", "where",
	"which", "while", "will", "with", "would", "year", "years", "your",
	"aber", "auch", "beim", "dass", "durch", "eine", "einem", "einen",
	"einer", "eines", "gegen", "mehr", "nach", "nicht", "noch", "ohne",
	"oder", "sich", "sind", "unter", "wenn", "werden", "wird",
	"\303\274ber", "zwischen",
	"apr\303\250s", "avant", "avec", "cette", "chez", "contre", "dans",
	"depuis", "elle", "elles", "entre", "leur", "leurs", "mais", "nous",
	"plus", "pour", "sans", "selon", "sont", "sous", "vers", "vous",
	"\330\247\331\204\330\252\331\212", "\330\247\331\204\330\260\331\212",
};

static struct dbq q_similar_text = DBQ(
	"SELECT headline FROM articles WHERE id = ?1");

static struct dbq q_similar = DBQ2(
	"SELECT " ARTICLE_COLS " FROM"
	" (SELECT rowid AS id, " BM25 " AS score FROM article_search"
	"  WHERE article_search MATCH ?1 AND rowid <> ?2"
	"  ORDER BY rowid DESC LIMIT " SEARCH_WINDOW_SQL ") f"
	" JOIN articles a ON a.id = f.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" WHERE a.status = 1 AND a.published <= ?3"
	" ORDER BY f.score, a.published DESC, a.id DESC LIMIT ?4",
	"SELECT " ARTICLE_COLS " FROM"
	" (SELECT a.id, " RANK " AS score FROM articles a"
	"  WHERE a.search @@ " TSQ " AND a.id <> $2::bigint"
	"  AND a.status = 1 AND a.published <= $3::bigint) r"
	" JOIN articles a ON a.id = r.id"
	" LEFT JOIN media m ON m.key = a.photo_key"
	" ORDER BY r.score DESC, a.published DESC, a.id DESC LIMIT $4::bigint");

static bool word_byte(unsigned char ch)
{
	return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Whether the @len bytes at @w are a word worth matching. */
static bool similar_word(const char *w, size_t len)
{
	size_t i, chars = 0;

	for (i = 0; i < len; i++)
		chars += ((unsigned char)w[i] & 0xc0) != 0x80;
	if (chars < SIMILAR_WORD_MIN)
		return false;
	for (i = 0; i < sizeof(similar_skip) / sizeof(*similar_skip); i++)
		if (strlen(similar_skip[i]) == len &&
		    !strncasecmp(similar_skip[i], w, len))
			return false;
	return true;
}

/*
 * The words of @text as an expression matching any of them in a
 * headline or the tags: {headline tags} : ("w" OR "w") for FTS5,
 * 'w':AB | 'w':AB for a tsquery (@pg; A is the headline, B the tags and
 * author).  Each word is letters and UTF-8 bytes only, so it needs no
 * escaping.  The number of words.
 */
static int similar_expr(const char *text, bool pg, struct buf *out)
{
	const char *p = text, *seen[SIMILAR_WORDS];
	size_t lens[SIMILAR_WORDS];
	int n = 0, r = 0, i;

	r |= buf_adds(out, pg ? "" : "{headline tags} : (");
	while (*p && n < SIMILAR_WORDS) {
		size_t w = 0;

		while (p[w] && word_byte((unsigned char)p[w]))
			w++;
		if (w && similar_word(p, w)) {
			for (i = 0; i < n; i++)
				if (lens[i] == w && !strncasecmp(seen[i], p, w))
					break;
			if (i == n) {
				seen[n] = p;
				lens[n] = w;
				r |= buf_adds(out, n ? (pg ? " | " : " OR ") : "");
				r |= buf_adds(out, pg ? "'" : "\"");
				r |= buf_add(out, p, w);
				r |= buf_adds(out, pg ? "':AB" : "\"");
				n++;
			}
		}
		p += w ? w : 1;
	}
	r |= buf_adds(out, pg ? "" : ")");
	return r ? ERR_TOOBIG : n;
}

int store_similar(struct store *s, struct arena *ar, int64_t article_id,
		  size_t limit, struct article_list *out)
{
	struct buf expr;
	struct dbc *c;
	struct dbs *st;
	const char *text;
	int r;

	if (limit < 1 || limit > 100)
		return ERR_INVALID;
	out->items = NULL;
	out->n = 0;
	out->more = false;
	c = db_get(s, DB_READ);
	st = db_query(c, &q_similar_text, DB_I(article_id));
	if ((r = db_row(st)))
		goto out;
	text = db_text0(st, ar, 0);
	buf_init(&expr, ar, MATCH_MAX);
	if ((r = similar_expr(text, db_is_pg(c), &expr)) <= 0)
		goto out;
	st = db_query(c, &q_similar, DB_T(expr.data), DB_I(article_id),
		      DB_I(time_now()), DB_I((int64_t)limit));
	r = art_read_list(st, ar, limit, out);
out:
	db_put(c);
	return r;
}
