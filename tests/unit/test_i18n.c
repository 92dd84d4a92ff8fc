/*
 * test_i18n.c - the .mo reader, the Plural-Forms evaluator, and the
 * catalogues the binary ships (every language's rule and some words).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "i18n/dates.h"
#include "i18n/i18n.h"
#include "i18n/mo.h"
#include "i18n/plural.h"

#define ARABIC "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : " \
	"n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"

static size_t eval(const char *rule, unsigned long n)
{
	struct plural_rule r;

	assert_int_equal(plural_parse(&r, rule, strlen(rule)), 0);
	return plural_eval(&r, n);
}

static void test_plural_rules(void **state)
{
	static const unsigned long ns[] = { 0, 1, 2, 3, 11, 100, 101, 102, 111,
					    1000 };
	static const size_t ar[] = { 0, 1, 2, 3, 4, 5, 5, 5, 4, 5 };
	static const size_t fr[] = { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };
	static const size_t de[] = { 1, 0, 1, 1, 1, 1, 1, 1, 1, 1 };
	const char *ru = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
			 "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		assert_int_equal(eval(ARABIC, ns[i]), ar[i]);
		assert_int_equal(eval("nplurals=2; plural=(n > 1);", ns[i]), fr[i]);
		assert_int_equal(eval("nplurals=2; plural=n != 1;", ns[i]), de[i]);
	}
	assert_int_equal(eval(ru, 21), 0);
	assert_int_equal(eval(ru, 22), 1);
	assert_int_equal(eval(ru, 25), 2);
	assert_int_equal(eval(ru, 111), 2);
	/* Precedence and associativity as in C. */
	assert_int_equal(eval("nplurals=8; plural=1+2*3-4;", 0), 3);
	assert_int_equal(eval("nplurals=8; plural=10-4-3;", 0), 3);
	assert_int_equal(eval("nplurals=8; plural=!(n<3)+!n;", 5), 1);
	assert_int_equal(eval("nplurals=8; plural=n/0+n%0;", 5), 0);
	assert_int_equal(eval("nplurals=1; plural=0;", 7), 0);
	/* Out of range results are clamped to the last form. */
	assert_int_equal(eval("nplurals=2; plural=n;", 9), 1);
}

static void test_plural_errors(void **state)
{
	static const char *const bad[] = {
		"", "plural=n!=1;", "nplurals=2;", "nplurals=0; plural=0;",
		"nplurals=9; plural=0;", "nplurals=2; plural=n!=;",
		"nplurals=2; plural=(n;", "nplurals=2; plural=n ? 1;",
		"nplurals=2; plural=x;", "nplurals=2; plural=n 1;",
		"nplurals=2; plural=99999999999999;",
		NULL
	};
	char deep[400];
	struct plural_rule r;
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		assert_int_equal(plural_parse(&r, bad[i], strlen(bad[i])),
				 ERR_INVALID);
		/* A refused rule is English's. */
		assert_int_equal(plural_eval(&r, 1), 0);
		assert_int_equal(plural_eval(&r, 2), 1);
	}
	snprintf(deep, sizeof(deep), "nplurals=2; plural=%.100s%s%.100s",
		 "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
		 "n",
		 "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))");
	assert_int_equal(plural_parse(&r, deep, strlen(deep)), ERR_INVALID);
}

/* A .mo image of @n (original, translation) pairs, as msgfmt lays it out. */
static unsigned char *make_mo(const char *const *pairs, const size_t *lens,
			      size_t n, size_t *len)
{
	size_t size = 28 + n * 16, i, at;
	unsigned char *d;
	uint32_t w;

	for (i = 0; i < 2 * n; i++)
		size += lens[i] + 1;
	d = calloc(1, size);
	w = 0x950412de; memcpy(d, &w, 4);
	w = (uint32_t)n; memcpy(d + 8, &w, 4);
	w = 28; memcpy(d + 12, &w, 4);
	w = (uint32_t)(28 + n * 8); memcpy(d + 16, &w, 4);
	at = 28 + n * 16;
	for (i = 0; i < 2 * n; i++) {
		size_t tab = (i % 2 ? 28 + n * 8 : 28) + (i / 2) * 8;

		w = (uint32_t)lens[i]; memcpy(d + tab, &w, 4);
		w = (uint32_t)at; memcpy(d + tab + 4, &w, 4);
		memcpy(d + at, pairs[i], lens[i]);
		at += lens[i] + 1;
	}
	*len = size;
	return d;
}

static void test_mo(void **state)
{
	/* Deliberately unsorted: the reader sorts. */
	static const char *const pairs[] = {
		"Sort by:", "Sortieren nach:",
		"", "Plural-Forms: nplurals=2; plural=n != 1;\n",
		"{{n}} reaction\0{{n}} reactions", "{{n}} Reaktion\0{{n}} Reaktionen",
		"reaction\004Love", "Liebe",
		"Empty", "",
	};
	static const size_t lens[] = { 8, 15, 0, 41, 30, 31, 13, 5, 5, 0 };
	unsigned char *d;
	struct mo *mo;
	struct str t;
	char err[128];
	size_t len, cut;

	(void)state;
	d = make_mo(pairs, lens, 5, &len);
	assert_int_equal(mo_parse(d, len, &mo, err, sizeof(err)), 0);
	assert_int_equal(mo_count(mo), 5);
	assert_true(mo_find(mo, "Sort by:", 8, &t));
	assert_string_equal(t.p, "Sortieren nach:");
	assert_true(mo_find(mo, "{{n}} reaction", 14, &t));
	assert_int_equal(t.len, 31);
	assert_string_equal(t.p + strlen(t.p) + 1, "{{n}} Reaktionen");
	assert_true(mo_find(mo, "reaction\004Love", 13, &t));
	assert_false(mo_find(mo, "Love", 4, &t));
	assert_false(mo_find(mo, "Empty", 5, &t));
	assert_false(mo_find(mo, "Sort by", 7, &t));
	mo_free(mo);
	/* Every truncation is refused, never read past. */
	for (cut = 0; cut < len; cut++) {
		unsigned char *c = malloc(cut ? cut : 1);

		memcpy(c, d, cut);
		assert_int_equal(mo_parse(c, cut, &mo, err, sizeof(err)),
				 ERR_INVALID);
		free(c);
	}
	d[0] ^= 1;
	assert_int_equal(mo_parse(d, len, &mo, err, sizeof(err)), ERR_INVALID);
	assert_non_null(strstr(err, "magic"));
	free(d);
}

static void test_tags(void **state)
{
	(void)state;
	assert_true(i18n_tag_rtl("ar"));
	assert_true(i18n_tag_rtl("ar-EG"));
	assert_true(i18n_tag_rtl("he"));
	assert_true(i18n_tag_rtl("az-Arab"));
	assert_false(i18n_tag_rtl("ku"));
	assert_false(i18n_tag_rtl("ks-Deva"));
	assert_false(i18n_tag_rtl("en"));
	assert_false(i18n_tag_rtl("arn"));
	assert_false(i18n_tag_rtl("de-AT"));
}

/* The shipped catalogues: loaded, found by tag, rules and words right. */
static void test_shipped(void **state)
{
	static const unsigned long ns[] = { 0, 1, 2, 3, 11, 100 };
	struct i18n *in;
	const struct i18n_lang *de, *fr, *ar, *en;
	char err[200];
	size_t i;

	(void)state;
	assert_int_equal(i18n_load(&in, err, sizeof(err)), 0);
	assert_true(i18n_count(in) >= 4);
	en = i18n_lang(in, "en");
	de = i18n_lang(in, "de-AT");
	fr = i18n_lang(in, "fr");
	ar = i18n_lang(in, "ar");
	assert_string_equal(en->tag, "en");
	assert_string_equal(de->tag, "de");
	assert_string_equal(fr->tag, "fr");
	assert_string_equal(ar->tag, "ar");
	assert_true(ar->rtl);
	assert_false(de->rtl);
	assert_ptr_equal(i18n_lang(in, "pt-BR"), en);
	assert_ptr_equal(i18n_lang(NULL, "de"), i18n_lang(NULL, NULL));
	assert_int_equal(ar->rule.nplurals, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(i18n_plural(ar, ns[i]), i);
	assert_int_equal(i18n_plural(fr, 0), 0);
	assert_int_equal(i18n_plural(fr, 2), 1);
	assert_int_equal(i18n_plural(de, 0), 1);
	assert_string_equal(tr(en, "Comments"), "Comments");
	assert_string_equal(tr(NULL, "Comments"), "Comments");
	assert_string_equal(tr(de, "Comments"), "Kommentare");
	assert_string_equal(tr(fr, "Comments"), "Commentaires");
	assert_string_equal(tr(ar, "Comments"), "التعليقات");
	assert_string_equal(tr(de, "no such message"), "no such message");
	assert_string_equal(trp(de, "reaction", "Love"), "Liebe");
	assert_string_equal(trn(en, "%lu minute ago", "%lu minutes ago", 1),
			    "%lu minute ago");
	assert_string_equal(trn(de, "%lu minute ago", "%lu minutes ago", 1),
			    "vor %lu Minute");
	assert_string_equal(trn(de, "%lu minute ago", "%lu minutes ago", 0),
			    "vor %lu Minuten");
	assert_string_equal(trn(fr, "%lu minute ago", "%lu minutes ago", 0),
			    "il y a %lu minute");
	assert_string_equal(trn(ar, "%lu minute ago", "%lu minutes ago", 2),
			    "منذ دقيقتين");
	assert_string_equal(trn(ar, "%lu minute ago", "%lu minutes ago", 11),
			    "منذ %lu دقيقة");
	assert_string_equal(trn(ar, "%lu minute ago", "%lu minutes ago", 3),
			    "منذ %lu دقائق");
	/* Untranslated in a language: the English pair and rule. */
	assert_string_equal(trn(ar, "no %lu such", "no %lu suches", 2),
			    "no %lu suches");
	i18n_free(in);
}

/* Numbers in messages: each language's decimal mark, grouping, digits. */
static void test_decimal(void **state)
{
	struct i18n *in;
	struct arena *a = arena_new(4096);
	char err[200];

	(void)state;
	assert_int_equal(i18n_load(&in, err, sizeof(err)), 0);
	assert_string_equal(i18n_decimal(NULL, a, 1234.56, 1), "1234.6");
	assert_string_equal(i18n_decimal(i18n_lang(in, "en"), a, 1234.56, 1),
			    "1,234.6");
	assert_string_equal(i18n_decimal(i18n_lang(in, "de"), a, 1234.56, 1),
			    "1.234,6");
	assert_string_equal(i18n_decimal(i18n_lang(in, "de"), a, 600, 0),
			    "600");
	/* French groups with a narrow no-break space (U+202F). */
	assert_string_equal(i18n_decimal(i18n_lang(in, "fr"), a, 6400, 0),
			    "6\u202f400");
	assert_string_equal(i18n_decimal(i18n_lang(in, "fr"), a, 0.5, 1),
			    "0,5");
	i18n_free(in);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plural_rules),
		cmocka_unit_test(test_plural_errors),
		cmocka_unit_test(test_mo),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_decimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
