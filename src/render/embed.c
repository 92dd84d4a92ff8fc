/*
 * embed.c - the providers a story may embed, and how each one's links
 * become its frame's address (see embed.h).
 *
 * A link is taken apart by libcurl's URL parser (curl_url), never by
 * hand: the scheme must be http or https, the host is compared without
 * "www.", "m." or "mobile.", and the path is split at slashes.  Each
 * provider's matcher checks the segments it needs against that
 * provider's id syntax (letters, digits, "-" and "_" at most), so what
 * goes into a frame address is one of those ids and nothing else.
 */
#include "embed.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SEGS 6		/* path segments looked at */
#define SEG_MAX 128	/* bytes of one segment */

struct link {
	char host[256];
	char seg[SEGS][SEG_MAX];
	size_t nseg;
	char v[SEG_MAX];	/* the query's v= (YouTube, Facebook watch) */
};

struct provider {
	const char *name, *origin;
	bool (*match)(const struct link *l, struct embed *e);
};

/* Whether @s is 1 to @max of letters, digits and the bytes of @extra. */
static bool id_ok(const char *s, size_t max, const char *extra)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || strchr(extra, s[n])))
			return false;
	return n >= 1 && n <= max;
}

static bool digits(const char *s, size_t max)
{
	return id_ok(s, max, "") && strspn(s, "0123456789") == strlen(s);
}

static bool host_is(const struct link *l, const char *h)
{
	return !strcasecmp(l->host, h);
}

static bool frame(struct embed *e, const char *kind, unsigned height,
		  const char *fmt, const char *a, const char *b)
{
	int n = snprintf(e->frame, sizeof(e->frame), fmt, a, b ? b : "");

	e->kind = kind;
	e->height = height;
	return n > 0 && (size_t)n < sizeof(e->frame);
}

static bool m_youtube(const struct link *l, struct embed *e)
{
	const char *id = NULL;

	if (host_is(l, "youtu.be") && l->nseg == 1)
		id = l->seg[0];
	else if (!host_is(l, "youtube.com") && !host_is(l, "youtube-nocookie.com"))
		return false;
	else if (l->nseg == 1 && !strcmp(l->seg[0], "watch"))
		id = l->v;
	else if (l->nseg == 2 && (!strcmp(l->seg[0], "shorts") ||
				  !strcmp(l->seg[0], "embed") ||
				  !strcmp(l->seg[0], "live")))
		id = l->seg[1];
	return id && strlen(id) == 11 && id_ok(id, 11, "-_") &&
	       frame(e, "video", 0, "https://www.youtube-nocookie.com/embed/%s%s",
		     id, NULL);
}

static bool m_vimeo(const struct link *l, struct embed *e)
{
	const char *id = host_is(l, "vimeo.com") && l->nseg == 1 ? l->seg[0] :
			 host_is(l, "player.vimeo.com") && l->nseg == 2 &&
			 !strcmp(l->seg[0], "video") ? l->seg[1] : NULL;

	return id && digits(id, 12) &&
	       frame(e, "video", 0, "https://player.vimeo.com/video/%s?dnt=1%s",
		     id, NULL);
}

static bool m_x(const struct link *l, struct embed *e)
{
	return (host_is(l, "twitter.com") || host_is(l, "x.com")) &&
	       l->nseg == 3 && id_ok(l->seg[0], 15, "_") &&
	       !strcmp(l->seg[1], "status") && digits(l->seg[2], 20) &&
	       frame(e, "post", 560, "https://platform.twitter.com/embed/"
		     "Tweet.html?id=%s&dnt=true%s", l->seg[2], NULL);
}

static bool m_instagram(const struct link *l, struct embed *e)
{
	return host_is(l, "instagram.com") && l->nseg == 2 &&
	       (!strcmp(l->seg[0], "p") || !strcmp(l->seg[0], "reel") ||
		!strcmp(l->seg[0], "tv")) && id_ok(l->seg[1], 40, "-_") &&
	       frame(e, "post", 640, "https://www.instagram.com/%s/%s/embed/",
		     l->seg[0], l->seg[1]);
}

/* facebook.com/<page>/posts/<id>, /<page>/videos/<id>, /watch/?v=<id>. */
static bool m_facebook(const struct link *l, struct embed *e)
{
	if (!host_is(l, "facebook.com"))
		return false;
	if (l->nseg == 1 && !strcmp(l->seg[0], "watch") && digits(l->v, 20))
		return frame(e, "video", 0, "https://www.facebook.com/plugins/"
			     "video.php?href=https%%3A%%2F%%2Fwww.facebook.com"
			     "%%2Fwatch%%2F%%3Fv%%3D%s%s", l->v, NULL);
	if (l->nseg != 3 || !id_ok(l->seg[0], 50, ".-_") ||
	    !id_ok(l->seg[2], 64, "_") ||
	    (strcmp(l->seg[1], "posts") && strcmp(l->seg[1], "videos")))
		return false;
	if (!strcmp(l->seg[1], "videos"))
		return digits(l->seg[2], 20) &&
		       frame(e, "video", 0, "https://www.facebook.com/plugins/"
			     "video.php?href=https%%3A%%2F%%2Fwww.facebook.com"
			     "%%2F%s%%2Fvideos%%2F%s", l->seg[0], l->seg[2]);
	return frame(e, "post", 600, "https://www.facebook.com/plugins/post.php"
		     "?href=https%%3A%%2F%%2Fwww.facebook.com%%2F%s%%2Fposts"
		     "%%2F%s", l->seg[0], l->seg[2]);
}

static bool m_tiktok(const struct link *l, struct embed *e)
{
	return host_is(l, "tiktok.com") && l->nseg == 3 &&
	       l->seg[0][0] == '@' && id_ok(l->seg[0] + 1, 40, "._") &&
	       !strcmp(l->seg[1], "video") && digits(l->seg[2], 25) &&
	       frame(e, "post", 740, "https://www.tiktok.com/embed/v2/%s%s",
		     l->seg[2], NULL);
}

/* soundcloud.com/<user>/<track> or /<user>/sets/<list>. */
static bool m_soundcloud(const struct link *l, struct embed *e)
{
	if (!host_is(l, "soundcloud.com") || !id_ok(l->seg[0], 64, "-_") ||
	    (l->nseg != 2 && l->nseg != 3) ||
	    (l->nseg == 3 && strcmp(l->seg[1], "sets")) ||
	    !id_ok(l->seg[l->nseg - 1], 100, "-_"))
		return false;
	if (l->nseg == 3)
		return frame(e, "audio", 450, "https://w.soundcloud.com/player/"
			     "?url=https%%3A%%2F%%2Fsoundcloud.com%%2F%s%%2Fsets"
			     "%%2F%s", l->seg[0], l->seg[2]);
	return frame(e, "audio", 166, "https://w.soundcloud.com/player/"
		     "?url=https%%3A%%2F%%2Fsoundcloud.com%%2F%s%%2F%s",
		     l->seg[0], l->seg[1]);
}

static bool m_spotify(const struct link *l, struct embed *e)
{
	static const char *const kinds[] = { "track", "album", "playlist",
		"episode", "show", "artist" };
	size_t i, k = l->nseg == 3 && !strncmp(l->seg[0], "intl-", 5);

	if (!host_is(l, "open.spotify.com") || l->nseg != 2 + k ||
	    !id_ok(l->seg[k + 1], 22, "") || strlen(l->seg[k + 1]) != 22)
		return false;
	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!strcmp(l->seg[k], kinds[i]))
			return frame(e, "audio", i == 0 || i == 3 ? 152 : 352,
				     "https://open.spotify.com/embed/%s/%s",
				     l->seg[k], l->seg[k + 1]);
	return false;
}

/* datawrapper.dwcdn.net/<id>/[<version>/] and datawrapper.de/_/<id>/. */
static bool m_datawrapper(const struct link *l, struct embed *e)
{
	const char *id = host_is(l, "datawrapper.dwcdn.net") &&
			 (l->nseg == 1 || (l->nseg == 2 && digits(l->seg[1], 4))) ?
			 l->seg[0] : host_is(l, "datawrapper.de") && l->nseg == 2 &&
			 !strcmp(l->seg[0], "_") ? l->seg[1] : NULL;

	return id && strlen(id) == 5 && id_ok(id, 5, "") &&
	       frame(e, "chart", 450, "https://datawrapper.dwcdn.net/%s/%s",
		     id, NULL);
}

static bool m_flourish(const struct link *l, struct embed *e)
{
	return host_is(l, "public.flourish.studio") && l->nseg == 2 &&
	       (!strcmp(l->seg[0], "visualisation") ||
		!strcmp(l->seg[0], "story")) && digits(l->seg[1], 12) &&
	       frame(e, "chart", 500, "https://flo.uri.sh/%s/%s/embed",
		     l->seg[0], l->seg[1]);
}

static const struct provider providers[] = {
	{ "YouTube", "https://www.youtube-nocookie.com", m_youtube },
	{ "Vimeo", "https://player.vimeo.com", m_vimeo },
	{ "X", "https://platform.twitter.com", m_x },
	{ "Instagram", "https://www.instagram.com", m_instagram },
	{ "Facebook", "https://www.facebook.com", m_facebook },
	{ "TikTok", "https://www.tiktok.com", m_tiktok },
	{ "SoundCloud", "https://w.soundcloud.com", m_soundcloud },
	{ "Spotify", "https://open.spotify.com", m_spotify },
	{ "Datawrapper", "https://datawrapper.dwcdn.net", m_datawrapper },
	{ "Flourish", "https://flo.uri.sh", m_flourish },
};

#define NPROVIDERS (sizeof(providers) / sizeof(*providers))

unsigned embed_providers(void)
{
	return NPROVIDERS;
}

const char *embed_origin(unsigned i)
{
	return i < NPROVIDERS ? providers[i].origin : NULL;
}

/* Copy @n bytes of @s into @out (of SEG_MAX); false when too long. */
static bool put_seg(char *out, const char *s, size_t n)
{
	if (n >= SEG_MAX)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* Split @path ("/a/b/") into @l's segments; false when it has more than
 * SEGS or one is too long.  Empty segments (a trailing slash) are
 * dropped. */
static bool split_path(const char *path, struct link *l)
{
	const char *p = path;

	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (l->nseg == SEGS || !put_seg(l->seg[l->nseg++], p, n))
			return false;
		p += n;
	}
	return true;
}

/* The value of v= in query @q, into @l->v (empty when absent). */
static void query_v(const char *q, struct link *l)
{
	while (q && *q) {
		size_t n = strcspn(q, "&");

		if (!strncmp(q, "v=", 2) && put_seg(l->v, q + 2, n - 2))
			return;
		q += n + (q[n] == '&');
	}
	l->v[0] = '\0';
}

static bool parse_link(const char *url, struct link *l)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *path = NULL, *query = NULL;
	const char *h;
	bool ok = false;

	memset(l, 0, sizeof(*l));
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0))
		goto out;
	if (strcmp(scheme, "https") && strcmp(scheme, "http"))
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0))
		query = NULL;
	h = host;
	if (!strncasecmp(h, "www.", 4))
		h += 4;
	else if (!strncasecmp(h, "m.", 2))
		h += 2;
	else if (!strncasecmp(h, "mobile.", 7))
		h += 7;
	if (strlen(h) >= sizeof(l->host))
		goto out;
	memcpy(l->host, h, strlen(h) + 1);
	query_v(query, l);
	ok = split_path(path, l) && l->nseg > 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return ok;
}

bool embed_match(const char *url, struct embed *e)
{
	struct link l;
	size_t i;

	if (!url || strlen(url) > 2048 || !parse_link(url, &l))
		return false;
	for (i = 0; i < NPROVIDERS; i++) {
		memset(e, 0, sizeof(*e));
		if (providers[i].match(&l, e)) {
			e->provider = (unsigned)i;
			e->name = providers[i].name;
			return true;
		}
	}
	return false;
}
