/*
 * sqlite_fts.c - the "dateline" FTS5 tokenizer: Unicode words, stemmed in
 * each story's language by Snowball (libstemmer), accents folded.
 *
 * FTS5 tokenizes one column at a time and knows nothing of the row, so
 * the story's language travels in the table's first column, "lang",
 * written by the triggers of sql/sqlite/010_stemming.sql as "\x01" and a
 * BCP 47 tag.  FTS5 tokenizes a row's columns in order, on insert and on
 * delete alike, so that column sets the stemmer the others are stemmed
 * with; it yields no tokens itself.  A language Snowball has no stemmer
 * for is indexed unstemmed.
 *
 * A reader's query does not say its language: each word is looked up as
 * typed (accents folded) and, as FTS5 synonyms at the same position
 * (FTS5_TOKEN_COLOCATED), as its stem in every language stemmed here, so
 * "Häuser" finds the German "Haus", "coordinations" the English
 * "coordination".  A prefix ("Koordinat*") is never stemmed: so that it
 * finds what was written, each word is indexed as written too (accents
 * folded), at the stem's position (sql/sqlite/020_prefix_words.sql built
 * the index again when that began).
 *
 * Words come from the built-in unicode61 tokenizer (case folded, no
 * diacritics removed: Snowball wants "häuser", not "hauser"); the stem is
 * then folded by a second unicode61 ("remove_diacritics 2"), which is
 * what the index holds.
 *
 * A batch of many stories (an import) is indexed once at its end, not
 * story by story: each statement that writes the index makes FTS5 write
 * its pending words out as a new segment, and a story's insert and its
 * tags were three index writes, each tokenizing the whole body.  The
 * triggers of sql/sqlite/025_index_later.sql ask dl_index_now(id) before
 * they index; while a connection defers (sqlite_fts_defer()), it notes
 * the story and says no, and sqlite_fts_flush() indexes the noted ones in
 * two statements, inside the batch's transaction, so no reader ever sees
 * a story that search does not find.
 *
 * Built into the binary (sqlite_fts_register() on every connection) and,
 * with DATELINE_FTS_EXTENSION, as a loadable extension for the sqlite3
 * shell (".load dateline-fts"), which cannot write to stories without it.
 */
#ifdef DATELINE_FTS_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#else
#include <sqlite3.h>
#endif

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_fts.h"

/* The Snowball languages stemmed, by BCP 47 primary subtag. */
static const struct {
	const char *tag, *snowball;
} stem_langs[] = {
	{ "en", "english" }, { "de", "german" }, { "fr", "french" },
	{ "ar", "arabic" },
};
#define NLANGS (sizeof(stem_langs) / sizeof(*stem_langs))
#define LANG_NONE ((int)NLANGS)		/* unstemmed */
#define TOKEN_MAX 256			/* longer words are not stemmed */

/*
 * The stems of the words last indexed, by language: most of a text is a
 * few hundred common words, and Snowball's work is the same each time.
 * Direct-mapped by a hash of the word; short words only.  Made on the
 * first story written in the language (a query is stemmed afresh).
 */
#define STEM_CACHE_SLOTS 2048	/* a power of two */
#define STEM_CACHE_WORD 30	/* longer words are stemmed each time */

struct stem_slot {
	unsigned char wlen, slen;	/* 0: empty */
	char word[STEM_CACHE_WORD], stem[STEM_CACHE_WORD];
};

struct dl_tok {
	fts5_tokenizer words, fold;	/* unicode61's methods */
	Fts5Tokenizer *w, *f;		/* its instances: words, folding */
	struct sb_stemmer *stem[NLANGS];	/* made on first use */
	struct stem_slot *cache[NLANGS];	/* likewise */
	int lang;			/* this row's: stem_langs[] index */
};

/* The FTS5 API of @db (NULL without FTS5). */
static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

/* stem_langs[] index of BCP 47 tag @s (@n bytes), LANG_NONE if none. */
static int lang_of(const char *s, int n)
{
	size_t i, len = 0;

	while ((int)len < n && s[len] != '-' && s[len] != '_')
		len++;
	for (i = 0; i < NLANGS; i++)
		if (len == strlen(stem_langs[i].tag) &&
		    !strncasecmp(s, stem_langs[i].tag, len))
			return (int)i;
	return LANG_NONE;
}

static struct sb_stemmer *stemmer(struct dl_tok *t, int lang)
{
	if (lang < 0 || lang >= LANG_NONE)
		return NULL;
	if (!t->stem[lang])
		t->stem[lang] = sb_stemmer_new(stem_langs[lang].snowball,
					       "UTF_8");
	return t->stem[lang];
}

static void dl_delete(Fts5Tokenizer *p)
{
	struct dl_tok *t = (struct dl_tok *)p;
	size_t i;

	if (!t)
		return;
	if (t->w)
		t->words.xDelete(t->w);
	if (t->f)
		t->fold.xDelete(t->f);
	for (i = 0; i < NLANGS; i++) {
		if (t->stem[i])
			sb_stemmer_delete(t->stem[i]);
		sqlite3_free(t->cache[i]);
	}
	sqlite3_free(t);
}

static int dl_create(void *ctx, const char **argv, int argc,
		     Fts5Tokenizer **out)
{
	fts5_api *api = ctx;
	static const char *keep[] = { "remove_diacritics", "0" };
	static const char *strip[] = { "remove_diacritics", "2" };
	struct dl_tok *t = sqlite3_malloc(sizeof(*t));
	void *uctx = NULL;
	int rc;

	(void)argv;
	(void)argc;
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	rc = api->xFindTokenizer(api, "unicode61", &uctx, &t->words);
	t->fold = t->words;
	if (rc == SQLITE_OK)
		rc = t->words.xCreate(uctx, keep, 2, &t->w);
	if (rc == SQLITE_OK)
		rc = t->fold.xCreate(uctx, strip, 2, &t->f);
	if (rc != SQLITE_OK) {
		dl_delete((Fts5Tokenizer *)t);
		return rc;
	}
	t->lang = LANG_NONE;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* One word on its way to FTS5. */
struct emit {
	struct dl_tok *t;
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
	int flags;		/* FTS5_TOKENIZE_* of the call */
	int start, end;		/* the word's bytes in the text */
	int colocated;		/* FTS5_TOKEN_COLOCATED after the first */
	char sent[NLANGS + 1][TOKEN_MAX];	/* folded tokens given */
	int nsent;
};

/* Folding's callback: pass the folded token on, once per word. */
static int fold_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
	struct emit *em = p;
	int i, rc, k = n < TOKEN_MAX ? n : TOKEN_MAX - 1;

	(void)tflags;
	(void)s;
	(void)e;
	for (i = 0; i < em->nsent; i++)
		if ((int)strlen(em->sent[i]) == k &&
		    !memcmp(em->sent[i], tok, (size_t)k))
			return SQLITE_OK;
	rc = em->token(em->ctx, em->colocated, tok, n, em->start, em->end);
	em->colocated = FTS5_TOKEN_COLOCATED;
	if (em->nsent <= (int)NLANGS) {
		memcpy(em->sent[em->nsent], tok, (size_t)k);
		em->sent[em->nsent++][k] = '\0';
	}
	return rc;
}

/* The cache slot of @word (@n bytes) in @lang's stems, or NULL when
 * there is no cache (it cannot be made, or the word is too long). */
static struct stem_slot *cache_slot(struct dl_tok *t, int lang,
				    const char *word, int n)
{
	uint32_t h = 2166136261u;
	int i;

	if (n >= STEM_CACHE_WORD)
		return NULL;
	if (!t->cache[lang]) {
		size_t size = STEM_CACHE_SLOTS * sizeof(struct stem_slot);

		if (!(t->cache[lang] = sqlite3_malloc64(size)))
			return NULL;
		memset(t->cache[lang], 0, size);
	}
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)word[i]) * 16777619u;
	return &t->cache[lang][h & (STEM_CACHE_SLOTS - 1)];
}

/* @word stemmed by @sb: the stem (in *@n), borrowed until the next. */
static const char *stem_of(struct emit *em, struct sb_stemmer *sb, int lang,
			   const char *word, int *n)
{
	struct stem_slot *slot = NULL;
	const sb_symbol *s;
	int len;

	if (!(em->flags & FTS5_TOKENIZE_QUERY) &&
	    (slot = cache_slot(em->t, lang, word, *n)) &&
	    slot->wlen == *n && !memcmp(slot->word, word, (size_t)*n)) {
		*n = slot->slen;
		return slot->stem;
	}
	if (!(s = sb_stemmer_stem(sb, (const sb_symbol *)word, *n)))
		return word;
	len = sb_stemmer_length(sb);
	if (slot && len < STEM_CACHE_WORD) {
		memcpy(slot->word, word, (size_t)*n);
		slot->wlen = (unsigned char)*n;
		memcpy(slot->stem, s, (size_t)len);
		slot->slen = (unsigned char)len;
	}
	*n = len;
	return (const char *)s;
}

/* Whether @s (@n bytes) is ASCII only: unicode61's folding of a word of
 * ASCII letters and digits, already lower case, is the word itself. */
static int ascii_only(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* @word (@n bytes) stemmed in @lang (LANG_NONE: as it is), folded, out. */
static int emit_stem(struct emit *em, const char *word, int n, int lang)
{
	struct sb_stemmer *sb = stemmer(em->t, lang);

	if (sb && n < TOKEN_MAX)
		word = stem_of(em, sb, lang, word, &n);
	if (ascii_only(word, n))
		return fold_cb(em, 0, word, n, 0, n);
	return em->t->fold.xTokenize(em->t->f, em, FTS5_TOKENIZE_DOCUMENT,
				     word, n, fold_cb);
}

/* unicode61's callback: one case-folded word with its accents. */
static int word_cb(void *p, int tflags, const char *tok, int n, int s, int e)
{
	struct emit *em = p;
	int rc;
	size_t i;

	(void)tflags;
	em->start = s;
	em->end = e;
	em->colocated = 0;
	em->nsent = 0;
	if (!(em->flags & FTS5_TOKENIZE_QUERY)) {
		rc = emit_stem(em, tok, n, em->t->lang);
		if (rc != SQLITE_OK || em->t->lang == LANG_NONE)
			return rc;
		return emit_stem(em, tok, n, LANG_NONE);
	}
	rc = emit_stem(em, tok, n, LANG_NONE);
	if (em->flags & FTS5_TOKENIZE_PREFIX)
		return rc;
	for (i = 0; rc == SQLITE_OK && i < NLANGS; i++)
		rc = emit_stem(em, tok, n, (int)i);
	return rc;
}

static int dl_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
		       const char *text, int n,
		       int (*token)(void *, int, const char *, int, int, int))
{
	struct dl_tok *t = (struct dl_tok *)p;
	struct emit *em;
	int rc;

	/* The lang column: "\x01" and a tag; sets the row's stemmer. */
	if (n > 0 && text[0] == '\x01') {
		t->lang = lang_of(text + 1, n - 1);
		return SQLITE_OK;
	}
	if (!(em = sqlite3_malloc(sizeof(*em))))
		return SQLITE_NOMEM;
	em->t = t;
	em->ctx = ctx;
	em->token = token;
	em->flags = flags;
	rc = t->words.xTokenize(t->w, em, flags & ~FTS5_TOKENIZE_PREFIX, text,
				n, word_cb);
	sqlite3_free(em);
	return rc;
}

struct fts_defer {
	int on;
	sqlite3_int64 *ids;
	size_t n, cap;
};

static void defer_free(void *p)
{
	struct fts_defer *d = p;

	sqlite3_free(d->ids);
	sqlite3_free(d);
}

/* dl_index_now(id): 1 to index story @id now; 0 when it is noted for
 * sqlite_fts_flush() instead (the connection defers). */
static void index_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct fts_defer *d = sqlite3_user_data(ctx);
	sqlite3_int64 id = sqlite3_value_int64(argv[0]);
	sqlite3_int64 *ids;
	size_t cap;

	(void)argc;
	if (!d->on) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	if (!d->n || d->ids[d->n - 1] != id) {
		if (d->n == d->cap) {
			cap = d->cap ? 2 * d->cap : 256;
			ids = sqlite3_realloc64(d->ids, cap * sizeof(*ids));
			if (!ids) {
				sqlite3_result_error_nomem(ctx);
				return;
			}
			d->ids = ids;
			d->cap = cap;
		}
		d->ids[d->n++] = id;
	}
	sqlite3_result_int(ctx, 0);
}

int sqlite_fts_register(sqlite3 *db, struct fts_defer **defer)
{
	static fts5_tokenizer tok = { dl_create, dl_delete, dl_tokenize };
	fts5_api *api = fts5_of(db);
	struct fts_defer *d;
	int rc;

	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	rc = api->xCreateTokenizer(api, "dateline", api, &tok, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (!(d = sqlite3_malloc(sizeof(*d))))
		return SQLITE_NOMEM;
	memset(d, 0, sizeof(*d));
	/* Not SQLITE_DIRECTONLY: the triggers call it. */
	rc = sqlite3_create_function_v2(db, "dl_index_now", 1,
					SQLITE_UTF8 | SQLITE_INNOCUOUS, d,
					index_now, NULL, NULL, defer_free);
	if (rc == SQLITE_OK && defer)
		*defer = d;
	return rc;
}

#ifndef DATELINE_FTS_EXTENSION
void sqlite_fts_defer(struct fts_defer *d, int on)
{
	d->on = on;
	if (!on)
		d->n = 0;
}

int sqlite_fts_flush(sqlite3 *db, struct fts_defer *d)
{
	static const char *sql =
		"DELETE FROM article_search WHERE rowid IN"
		" (SELECT value FROM json_each(?1));"
		"INSERT INTO article_search (rowid, lang, headline, summary,"
		" body, tags, author)"
		" SELECT a.id, char(1) || coalesce(nullif(a.lang, ''),"
		"  (SELECT value FROM meta WHERE key = 'language'), 'en'),"
		"  a.headline, a.summary, a.body,"
		"  coalesce((SELECT group_concat(t.name, ' ') FROM article_tags x"
		"   JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), ''),"
		"  a.author"
		" FROM articles a WHERE a.id IN (SELECT value FROM json_each(?1))";
	const char *tail = sql;
	sqlite3_stmt *st;
	sqlite3_str *ids;
	char *json;
	size_t i;
	int rc = SQLITE_OK;

	if (!d->n)
		return SQLITE_OK;
	ids = sqlite3_str_new(db);
	sqlite3_str_appendchar(ids, 1, '[');
	for (i = 0; i < d->n; i++)
		sqlite3_str_appendf(ids, "%s%lld", i ? "," : "", d->ids[i]);
	sqlite3_str_appendchar(ids, 1, ']');
	if (!(json = sqlite3_str_finish(ids)))
		return SQLITE_NOMEM;
	while (rc == SQLITE_OK && *tail) {
		rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
		if (rc != SQLITE_OK || !st)
			break;
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		     sqlite3_errcode(db);
		sqlite3_finalize(st);
	}
	sqlite3_free(json);
	d->n = 0;
	return rc;
}
#endif

#ifdef DATELINE_FTS_EXTENSION
/* ".load dateline-fts" in the sqlite3 shell. */
int sqlite3_datelinefts_init(sqlite3 *db, char **err,
			     const sqlite3_api_routines *api);
int sqlite3_datelinefts_init(sqlite3 *db, char **err,
			     const sqlite3_api_routines *api)
{
	SQLITE_EXTENSION_INIT2(api);
	(void)err;
	return sqlite_fts_register(db, NULL);
}
#endif
