/*
 * test_embed.c - unit tests for src/render/embed.c: which links of the
 * ten providers become which frame addresses, and what stays a link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "render/embed.h"

/* The frame @url becomes, or "" when it is no embed. */
static const char *frame_of(const char *url)
{
	static struct embed e;

	return embed_match(url, &e) ? e.frame : "";
}

static void test_each_provider(void **state)
{
	static const char *const cases[][2] = {
		{ "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
		  "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" },
		{ "https://youtu.be/dQw4w9WgXcQ",
		  "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" },
		{ "https://m.youtube.com/shorts/dQw4w9WgXcQ",
		  "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" },
		{ "https://vimeo.com/76979871",
		  "https://player.vimeo.com/video/76979871?dnt=1" },
		{ "https://twitter.com/NASA/status/1458512327471730688",
		  "https://platform.twitter.com/embed/Tweet.html?id=1458512327471730688&dnt=true" },
		{ "https://x.com/nasa/status/145",
		  "https://platform.twitter.com/embed/Tweet.html?id=145&dnt=true" },
		{ "https://www.instagram.com/p/CxYz_12-ab/",
		  "https://www.instagram.com/p/CxYz_12-ab/embed/" },
		{ "https://www.facebook.com/nasa/posts/10158",
		  "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fposts%2F10158" },
		{ "https://www.facebook.com/watch/?v=123456",
		  "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D123456" },
		{ "https://www.tiktok.com/@scout2015/video/6718335390845095173",
		  "https://www.tiktok.com/embed/v2/6718335390845095173" },
		{ "https://soundcloud.com/forss/flickermood",
		  "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood" },
		{ "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
		  "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC" },
		{ "https://open.spotify.com/intl-de/album/4uLU6hMCjMI75M1A2tKUQC",
		  "https://open.spotify.com/embed/album/4uLU6hMCjMI75M1A2tKUQC" },
		{ "https://datawrapper.dwcdn.net/aB3dE/2/",
		  "https://datawrapper.dwcdn.net/aB3dE/" },
		{ "https://www.datawrapper.de/_/aB3dE/",
		  "https://datawrapper.dwcdn.net/aB3dE/" },
		{ "https://public.flourish.studio/visualisation/1234567/",
		  "https://flo.uri.sh/visualisation/1234567/embed" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_string_equal(frame_of(cases[i][0]), cases[i][1]);
}

static void test_not_embeds(void **state)
{
	static const char *const links[] = {
		"https://example.org/watch?v=dQw4w9WgXcQ",
		"https://www.youtube.com/watch?v=short",
		"https://www.youtube.com/watch?v=dQw4w9WgXc%22",
		"https://www.youtube.com/channel/UC123",
		"javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
		"ftp://youtu.be/dQw4w9WgXcQ",
		"https://youtu.be.evil.example/dQw4w9WgXcQ",
		"https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
		"https://vimeo.com/channels/staff",
		"https://x.com/nasa",
		"https://x.com/nasa/status/12a",
		"https://www.facebook.com/nasa/posts/1\"onload=x",
		"https://open.spotify.com/track/short",
		"https://public.flourish.studio/visualisation/x/",
		"youtu.be/dQw4w9WgXcQ",
		"",
		"https://",
		"https://www.youtube.com/watch?v=dQw4w9WgXcQ/a/b/c/d/e/f/g",
	};
	struct embed e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(links) / sizeof(*links); i++)
		assert_false(embed_match(links[i], &e));
	assert_false(embed_match(NULL, &e));
}

static void test_fields_and_origins(void **state)
{
	struct embed e;
	unsigned i;

	(void)state;
	assert_true(embed_match("https://soundcloud.com/forss/sets/soulhack", &e));
	assert_string_equal(e.name, "SoundCloud");
	assert_string_equal(e.kind, "audio");
	assert_int_equal(e.height, 450);
	assert_string_equal(embed_origin(e.provider), "https://w.soundcloud.com");
	assert_true(embed_match("https://youtu.be/dQw4w9WgXcQ", &e));
	assert_int_equal(e.height, 0);
	assert_string_equal(e.kind, "video");
	assert_int_equal(embed_providers(), 10);
	/* Every frame is served from its provider's origin. */
	for (i = 0; i < embed_providers(); i++)
		assert_non_null(embed_origin(i));
	assert_null(embed_origin(embed_providers()));
	assert_true(embed_match("https://public.flourish.studio/story/99/", &e));
	assert_int_equal(strncmp(e.frame, embed_origin(e.provider),
				 strlen(embed_origin(e.provider))), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_provider),
		cmocka_unit_test(test_not_embeds),
		cmocka_unit_test(test_fields_and_origins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
