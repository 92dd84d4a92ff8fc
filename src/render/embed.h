/*
 * embed.h - a link to a known provider's video, post, track or chart,
 * recognised so that a story shows it as an embed that loads only when
 * the reader asks.
 *
 * A story's Markdown holds the plain link on a line of its own (or an
 * <iframe> of a provider's player); markdown.c renders it as a
 * placeholder: the provider's name and the link, and the frame's address
 * in data-embed-src for the page script, which offers "Load content from
 * <provider>" and only then makes the frame.  Nothing is requested from
 * the provider before that click, and the page's Content-Security-Policy
 * allows frames from the providers it embeds only (embed_origin()).
 *
 * Known: YouTube, Vimeo, X (Twitter), Instagram, Facebook, TikTok,
 * SoundCloud, Spotify, Datawrapper and Flourish.  A link of another site
 * stays a link.  The frame address is rebuilt from the parts of the link
 * checked against each provider's id syntax, never copied from it, so it
 * needs no escaping beyond HTML's.
 */
#ifndef DATELINE_EMBED_H
#define DATELINE_EMBED_H

#include <stdbool.h>
#include <stddef.h>

#define EMBED_FRAME_MAX 512

/* How the frame is sized: a 16:9 player, or a fixed height in pixels. */
struct embed {
	unsigned provider;		/* index in the provider table */
	const char *name;		/* "YouTube", a static string */
	const char *kind;		/* "video", "post", "audio", "chart" */
	unsigned height;		/* pixels; 0 for a 16:9 player */
	char frame[EMBED_FRAME_MAX];	/* the frame's address */
};

/* How many providers there are (their indexes are 0 to this - 1). */
unsigned embed_providers(void);

/* The origin ("https://www.youtube-nocookie.com") provider @i's frames
 * come from, for a Content-Security-Policy frame-src. */
const char *embed_origin(unsigned i);

/*
 * Whether @url (NUL-terminated) is an http(s) address of a known
 * provider's embeddable item; if so @e is filled.  Any text is safe to
 * pass: what is not such an address is false.
 */
bool embed_match(const char *url, struct embed *e);

#endif
