/*
 * store.c - chooses a backend by URL and dispatches to its function table,
 * checking the arguments every backend would otherwise check again.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

const char *const reaction_names[REACTION_KINDS] = {
	"angry", "fail", "geeky", "lol", "love", "scary", "win",
};
const char *const reaction_labels[REACTION_KINDS] = {
	"Angry", "Fail", "Geeky", "Lol", "Love", "Scary", "Win",
};

int reaction_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < REACTION_KINDS; i++)
		if (!strcmp(name, reaction_names[i]))
			return i;
	return -1;
}

int store_open(const char *url, struct store **out, char *err, size_t errlen)
{
	if (!url || !*url) {
		snprintf(err, errlen, "no database given (use --db or DATELINE_DB)");
		return ERR_INVALID;
	}
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		snprintf(err, errlen, "PostgreSQL is not supported by this build yet");
		return ERR_INVALID;
	}
	if (!strncmp(url, "sqlite:", 7))
		url += 7;
	return store_open_sqlite(url, out, err, errlen);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

int store_migrate(struct store *s, int *applied)
{
	return s->ops->migrate(s, applied);
}

int store_check_schema(struct store *s)
{
	return s->ops->check_schema(s);
}

uint64_t store_generation(struct store *s)
{
	return s->ops->generation(s);
}

int store_article_put(struct store *s, const struct article *a,
		      int64_t *id_out, bool *inserted)
{
	if (!a->slug || !*a->slug || !a->headline || !*a->headline || !a->body)
		return ERR_INVALID;
	return s->ops->article_put(s, a, id_out, inserted);
}

int store_article_by_slug(struct store *s, struct arena *ar, const char *slug,
			  bool include_drafts, struct article **out)
{
	return s->ops->article_by_slug(s, ar, slug, include_drafts, out);
}

int store_articles_list(struct store *s, struct arena *ar,
			const struct article_query *q, struct article_list *out)
{
	if (q->limit < 1 || q->limit > 100)
		return ERR_INVALID;
	return s->ops->articles_list(s, ar, q, out);
}

int store_section_name(struct store *s, struct arena *ar, const char *slug,
		       const char **name)
{
	return s->ops->section_name(s, ar, slug, name);
}

int store_tag_name(struct store *s, struct arena *ar, const char *slug,
		   const char **name)
{
	return s->ops->tag_name(s, ar, slug, name);
}

int store_media_put(struct store *s, const struct media *m)
{
	if (!m->key || !*m->key || !m->type || !m->len)
		return ERR_INVALID;
	return s->ops->media_put(s, m);
}

int store_media_get(struct store *s, struct arena *ar, const char *key,
		    struct media *out)
{
	return s->ops->media_get(s, ar, key, out);
}

int store_article_count(struct store *s, int64_t *n)
{
	return s->ops->article_count(s, n);
}

int store_sections(struct store *s, struct arena *ar, struct section **out,
		   size_t *n)
{
	return s->ops->sections(s, ar, out, n);
}

int store_reactions_apply(struct store *s, struct reaction_change *changes,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct reaction_change *c = &changes[i];

		c->result = 0;
		if (!c->reader || !*c->reader ||
		    (c->op != REACTION_CLEAR &&
		     (c->kind < 0 || c->kind >= REACTION_KINDS)))
			c->result = ERR_INVALID;
	}
	return n ? s->ops->reactions_apply(s, changes, n) : 0;
}

int store_reaction_state(struct store *s, int64_t article_id,
			 const char *reader, struct reaction_state *out)
{
	return s->ops->reaction_state(s, article_id, reader, out);
}

int store_article_id(struct store *s, const char *slug, int64_t *id)
{
	return s->ops->article_id(s, slug, id);
}

int store_reaction_top(struct store *s, struct arena *ar, int kind,
		       int64_t since, const struct top_cursor *before,
		       size_t limit, struct article_list *out,
		       int64_t **counts)
{
	if (kind < -1 || kind >= REACTION_KINDS || (kind < 0 && since <= 0) ||
	    limit < 1 || limit > 100)
		return ERR_INVALID;
	return s->ops->reaction_top(s, ar, kind, since, before, limit, out,
				    counts);
}

int store_secret(struct store *s, const char *name, unsigned char *out,
		 size_t len)
{
	return s->ops->secret(s, name, out, len);
}
