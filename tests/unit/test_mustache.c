/*
 * test_mustache.c - the official Mustache spec, then our own limits, error
 * messages and extensions of it (numbers, booleans, nested indentation).
 *
 * Usage: test_mustache [SPEC_DIR].  The directory holding the spec's *.json
 * files comes from argv[1], else $DATELINE_MUSTACHE_SPEC, else
 * tests/data/mustache-spec (relative to the repository root; a copy of
 * ../shared/testdata/mustache-spec).  Every
 * *.json file there is loaded with json_parse() and every case rendered; the
 * spec test fails listing the names of the cases that did not match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/value.h"
#include "render/mustache.h"

#define DEFAULT_SPEC_DIR "tests/data/mustache-spec"
#define TEMPLATE_NAME "(spec template)"

/* The whole file at @path in heap memory (caller frees), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);
		data = NULL;
		goto out;
	}
	data[n] = '\0';
	*len = (size_t)n;
out:
	fclose(f);
	return data;
}

static const struct tval *get(const struct tval *m, const char *key)
{
	return tv_get(m, key, strlen(key));
}

/* A spec string field, or "" when it is missing. */
static struct str get_str(const struct tval *m, const char *key)
{
	const struct tval *v = get(m, key);

	if (!v || v->type != TV_STR)
		return STR("");
	return (struct str){ v->u.str.p, v->u.str.len };
}

struct tally {
	size_t cases, passed;
	struct buf failed;	/* "file: case name" lines */
};

/* Show @s quoted, with control characters visible. */
static void show(const char *label, struct str s)
{
	size_t i;

	printf("    %-9s \"", label);
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	puts("\"");
}

static void run_case(const char *file, const struct tval *tc, struct tally *t)
{
	struct str name = get_str(tc, "name"), tmpl = get_str(tc, "template");
	struct str want = get_str(tc, "expected");
	const struct tval *partials = get(tc, "partials");
	struct tmpl_set *set = tmpl_set_new();
	char err[256] = "";
	struct buf out;
	size_t i;
	int r = 0;

	buf_init(&out, NULL, 1 << 20);
	for (i = 0; partials && partials->type == TV_MAP &&
		    i < partials->u.map.n && !r; i++) {
		const struct tval *p = partials->u.map.vals[i];

		r = tmpl_set_add(set, partials->u.map.keys[i], p->u.str.p,
				 p->u.str.len, err, sizeof(err));
	}
	if (!r)
		r = tmpl_set_add(set, TEMPLATE_NAME, tmpl.p, tmpl.len, err,
				 sizeof(err));
	if (!r)
		r = tmpl_render(set, TEMPLATE_NAME, get(tc, "data"), &out);
	t->cases++;
	if (!r && str_eq((struct str){ out.data, out.len }, want)) {
		t->passed++;
	} else {
		printf("FAIL %s: %.*s\n", file, (int)name.len, name.p);
		if (r)
			printf("    %s%s%s\n", err_str(r), *err ? ": " : "",
			       err);
		show("template", tmpl);
		show("expected", want);
		show("got", (struct str){ out.data, out.len });
		buf_printf(&t->failed, "  %s: %.*s\n", file, (int)name.len,
			   name.p);
		fflush(stdout);
	}
	buf_release(&out);
	tmpl_set_free(set);
}

static void run_file(const char *dir, const char *file, struct tally *t)
{
	struct arena *a = arena_new(1 << 16);
	char *path = arena_printf(a, "%s/%s", dir, file), err[128];
	struct tval *doc;
	const struct tval *tests;
	size_t len = 0, i, before = t->cases, passed = t->passed;
	char *data = slurp(path, &len);

	if (!data) {
		buf_printf(&t->failed, "  %s: cannot read the file\n", file);
		goto out;
	}
	if (json_parse(a, data, len, &doc, err, sizeof(err))) {
		buf_printf(&t->failed, "  %s: bad json: %s\n", file, err);
		goto out;
	}
	tests = get(doc, "tests");
	if (!tests || tests->type != TV_LIST || !tests->u.list.n) {
		buf_printf(&t->failed, "  %s: no \"tests\" list\n", file);
		goto out;
	}
	for (i = 0; i < tests->u.list.n; i++)
		run_case(file, tests->u.list.items[i], t);
	printf("    %-20s %zu of %zu\n", file, t->passed - passed,
	       t->cases - before);
out:
	free(data);
	arena_free(a);
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void test_spec(void **state)
{
	const char *dir = *state;
	struct tally t = { 0 };
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		fail_msg("cannot open the spec directory \"%s\"", dir);
	buf_init(&t.failed, NULL, 1 << 16);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		run_file(dir, names[i], &t);
		free(names[i]);
	}
	free(names);
	printf("    mustache spec: %zu of %zu cases pass\n", t.passed, t.cases);
	if (!t.cases)
		buf_printf(&t.failed, "  no spec files in \"%s\"\n", dir);
	fflush(stdout);
	if (t.failed.len) {
		print_error("failing spec cases:\n%s", t.failed.data);
		buf_release(&t.failed);
		fail();
	}
	buf_release(&t.failed);
}

/* Our own cases: render @src against @ctx with @partials ("name", "src"
 * pairs, NULL-terminated) and compare with @want. */
static void check(const char *src, const struct tval *ctx,
		  const char *const *partials, const char *want)
{
	struct tmpl_set *set = tmpl_set_new();
	char err[128];
	struct buf out;
	int r;

	buf_init(&out, NULL, 1 << 16);
	for (; partials && *partials; partials += 2)
		assert_int_equal(tmpl_set_add(set, partials[0], partials[1],
					      strlen(partials[1]), err,
					      sizeof(err)), 0);
	r = tmpl_set_add(set, "t", src, strlen(src), err, sizeof(err));
	if (r)
		fail_msg("\"%s\": %s", src, err);
	assert_int_equal(tmpl_render(set, "t", ctx, &out), 0);
	assert_string_equal(out.data, want);
	buf_release(&out);
	tmpl_set_free(set);
}

static void test_syntax_errors(void **state)
{
	static const struct {
		const char *src, *msg;
	} cases[] = {
		{ "{{a", "line 1: unclosed tag" },
		{ "a\nb {{a}\n}", "line 2: unclosed tag" },
		{ "{{{a}}", "line 1: unclosed tag" },
		{ "x\n{{#a}}\ny", "line 2: unclosed section \"a\"" },
		{ "{{#a}}\n{{/b}}", "line 2: section \"a\" ended by \"b\"" },
		{ "\n\n{{/a}}",
		  "line 3: end of section \"a\" that is not open" },
		{ "{{=a=}}", "line 1: bad delimiter tag" },
		{ "{{= a b c =}}", "line 1: bad delimiter tag" },
		{ "{{=a= b=}}", "line 1: bad delimiter tag" },
		{ "{{==}}", "line 1: bad delimiter tag" },
		{ "{{}}", "line 1: empty tag" },
		{ "{{ }}", "line 1: empty tag" },
		{ "{{#}}{{/}}", "line 1: empty tag" },
		{ "{{a..b}}", "line 1: bad name \"a..b\"" },
		{ "{{.a}}", "line 1: bad name \".a\"" },
		{ "{{a.}}", "line 1: bad name \"a.\"" },
		{ "{{>  }}", "line 1: empty partial name" },
		{ "{{=<% %>=}}\n<%a", "line 2: unclosed tag" },
		{ "{{=<% %>=}}\n<%#a%><%/b%>",
		  "line 2: section \"a\" ended by \"b\"" },
	};
	struct tmpl_set *set = tmpl_set_new();
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = tmpl_set_add(set, "t", cases[i].src,
				     strlen(cases[i].src), err, sizeof(err));

		assert_int_equal(r, ERR_INVALID);
		assert_string_equal(err, cases[i].msg);
		assert_false(tmpl_set_has(set, "t"));
	}
	/* A NULL or tiny error buffer is fine. */
	assert_int_equal(tmpl_set_add(set, "t", "{{", 2, NULL, 0), ERR_INVALID);
	assert_int_equal(tmpl_set_add(set, "t", "{{", 2, err, 4), ERR_INVALID);
	assert_string_equal(err, "lin");
	tmpl_set_free(set);
}

static void test_failed_add_keeps_old(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;

	(void)state;
	buf_init(&out, NULL, 1024);
	assert_int_equal(tmpl_set_add(set, "t", "old", 3, NULL, 0), 0);
	assert_int_equal(tmpl_set_add(set, "t", "{{#x}}", 6, NULL, 0),
			 ERR_INVALID);
	assert_int_equal(tmpl_render(set, "t", NULL, &out), 0);
	assert_string_equal(out.data, "old");
	buf_release(&out);
	tmpl_set_free(set);
}

static void test_nesting_limit(void **state)
{
	struct buf src;
	char err[128];
	struct tmpl_set *set = tmpl_set_new();
	int i;

	(void)state;
	buf_init(&src, NULL, 1 << 16);
	for (i = 0; i < 100; i++)
		buf_adds(&src, "{{#a}}");
	for (i = 0; i < 100; i++)
		buf_adds(&src, "{{/a}}");
	assert_int_equal(tmpl_set_add(set, "ok", src.data, src.len, err,
				      sizeof(err)), 0);
	buf_reset(&src);
	for (i = 0; i < 101; i++)
		buf_adds(&src, "{{#a}}\n");
	assert_int_equal(tmpl_set_add(set, "deep", src.data, src.len, err,
				      sizeof(err)), ERR_INVALID);
	assert_string_equal(err, "line 101: sections nested deeper than 100");
	buf_release(&src);
	tmpl_set_free(set);
}

static void test_partial_depth(void **state)
{
	struct arena *a = arena_new(0);
	struct tval *ctx = tv_map(a), *list = tv_list(a);
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;
	char name[16], src[32];
	int i;

	(void)state;
	tv_push(a, list, tv_null(a));
	tv_set(a, ctx, "l", list);
	buf_init(&out, NULL, 1 << 16);
	assert_int_equal(tmpl_set_add(set, "self", "x{{>self}}", 10, NULL, 0),
			 0);
	assert_int_equal(tmpl_render(set, "self", NULL, &out), ERR_INVALID);
	assert_int_equal(tmpl_set_add(set, "a", "{{>b}}", 6, NULL, 0), 0);
	assert_int_equal(tmpl_set_add(set, "b", "{{>a}}", 6, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "a", NULL, &out), ERR_INVALID);
	assert_int_equal(tmpl_set_add(set, "l", "{{#l}}{{>l}}{{/l}}", 18, NULL,
				      0), 0);
	assert_int_equal(tmpl_render(set, "l", ctx, &out), ERR_INVALID);

	/* p0 includes p1 ... includes pN: TMPL_MAX_DEPTH levels are fine. */
	for (i = 0; i <= TMPL_MAX_DEPTH + 1; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(src, sizeof(src), "%d{{>p%d}}", i % 10, i + 1);
		assert_int_equal(tmpl_set_add(set, name, src, strlen(src),
					      NULL, 0), 0);
	}
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "p1", NULL, &out), 0);
	assert_int_equal(out.len, TMPL_MAX_DEPTH + 1);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "p0", NULL, &out), ERR_INVALID);
	buf_release(&out);
	tmpl_set_free(set);
	arena_free(a);
}

static void test_render_errors(void **state)
{
	struct arena *a = arena_new(0);
	struct tval *ctx = tv_map(a);
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;

	(void)state;
	tv_set_str(a, ctx, "x", "<<<<");
	buf_init(&out, NULL, 10);
	assert_int_equal(tmpl_render(set, "none", ctx, &out), ERR_NOTFOUND);
	assert_int_equal(tmpl_set_add(set, "t", "ab{{x}}", 7, NULL, 0), 0);
	assert_true(tmpl_set_has(set, "t"));
	assert_false(tmpl_set_has(set, "none"));
	assert_int_equal(tmpl_render(set, "t", ctx, &out), ERR_TOOBIG);
	assert_true(out.overflow);
	assert_true(out.len <= 10);
	buf_release(&out);

	/* Rendering stops as soon as the buffer is full. */
	buf_init(&out, NULL, 100);
	assert_int_equal(tmpl_set_add(set, "loop", "xxxxxxxxxx{{>loop}}",
				      19, NULL, 0), 0);
	assert_int_equal(tmpl_render(set, "loop", ctx, &out), ERR_TOOBIG);
	assert_int_equal(out.len, 100);
	buf_release(&out);
	tmpl_set_free(set);
	arena_free(a);
}

static void test_values(void **state)
{
	struct arena *a = arena_new(0);
	struct tval *ctx = tv_map(a), *list = tv_list(a), *m = tv_map(a);

	(void)state;
	tv_set(a, ctx, "i", tv_num(a, 85.0));
	tv_set(a, ctx, "f", tv_num(a, 1.21));
	tv_set(a, ctx, "neg", tv_num(a, -3));
	tv_set(a, ctx, "tenth", tv_num(a, 0.1));
	tv_set(a, ctx, "sum", tv_num(a, 0.1 + 0.2));
	tv_set(a, ctx, "big", tv_num(a, 1e20));
	tv_set(a, ctx, "long", tv_num(a, 12345678901234567.0));
	tv_set(a, ctx, "negzero", tv_num(a, -0.0));
	tv_set(a, ctx, "inf", tv_num(a, INFINITY));
	tv_set_bool(a, ctx, "yes", true);
	tv_set_bool(a, ctx, "no", false);
	tv_set(a, ctx, "nul", tv_null(a));
	tv_set(a, ctx, "list", list);
	tv_push(a, list, tv_str(a, "a"));
	tv_push(a, list, tv_num(a, 2));
	tv_set(a, ctx, "m", m);
	tv_set_str(a, m, "k", "v");
	tv_set_str(a, ctx, "html", "<a href=\"x\">&'</a>");
	tv_set(a, ctx, "nulbytes", tv_strn(a, "a\0b", 3));
	tv_set_str(a, ctx, "empty", "");

	check("{{i}} {{f}} {{neg}} {{tenth}} {{sum}}", ctx, NULL,
	      "85 1.21 -3 0.1 0.30000000000000004");
	check("{{big}} {{long}} {{negzero}} {{inf}}", ctx, NULL,
	      "1e+20 12345678901234568 0 inf");
	check("{{yes}} {{no}} [{{nul}}] [{{list}}] [{{m}}] [{{missing}}]", ctx,
	      NULL, "true false [] [] [] []");
	check("{{html}}|{{{html}}}|{{&html}}", ctx, NULL,
	      "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;|"
	      "<a href=\"x\">&'</a>|<a href=\"x\">&'</a>");
	check("{{#list}}({{.}}){{/list}}", ctx, NULL, "(a)(2)");
	check("{{#m}}{{k}}{{i}}{{/m}}{{m.k}}", ctx, NULL, "v85v");
	check("{{#yes}}{{.}}{{/yes}}{{^no}}!{{/no}}", ctx, NULL, "true!");
	check("{{#empty}}e{{/empty}}", ctx, NULL, "e");
	check("{{#i}}{{.}}{{/i}}", ctx, NULL, "85");
	check("{{=<% %>=}}<%{html}%><%={{ }}=%>{{m.k}}", ctx, NULL,
	      "<a href=\"x\">&'</a>v");
	check("{{#m.k}}{{.}}{{/m.k}}{{^m.nope}}-{{/m.nope}}", ctx, NULL,
	      "v-");
	/* Strings are counted, not terminated. */
	{
		struct tmpl_set *set = tmpl_set_new();
		struct buf out;

		buf_init(&out, NULL, 64);
		assert_int_equal(tmpl_set_add(set, "t", "[{{{nulbytes}}}]\0!",
					      18, NULL, 0), 0);
		assert_int_equal(tmpl_render(set, "t", ctx, &out), 0);
		assert_int_equal(out.len, 7);
		assert_memory_equal(out.data, "[a\0b]\0!", 7);
		/* Escaped, the NUL (which neither HTML nor XML may carry) is
		 * dropped and the text after it still comes. */
		buf_reset(&out);
		assert_int_equal(tmpl_set_add(set, "e", "[{{nulbytes}}]\0!",
					      16, NULL, 0), 0);
		assert_int_equal(tmpl_render(set, "e", ctx, &out), 0);
		assert_int_equal(out.len, 6);
		assert_memory_equal(out.data, "[ab]\0!", 6);
		buf_release(&out);
		tmpl_set_free(set);
	}
	/* A NULL context renders like an empty one. */
	check("[{{a}}{{.}}{{#a}}x{{/a}}{{^a}}y{{/a}}]", NULL, NULL, "[y]");
	arena_free(a);
}

static void test_partials(void **state)
{
	static const char *const nested[] = {
		"a", "x\n  {{>b}}\ny\n",
		"b", "1\n2\n",
		NULL
	};
	static const char *const inline_inner[] = {
		"a", "x {{>b}}\n{{#t}}\n{{v}}\n{{/t}}\n",
		"b", "1\n2",
		NULL
	};
	static const char *const marks[] = {
		"a", "{{#t}}x\n{{/t}}y\n{{! c }}z\n",
		NULL
	};
	struct arena *a = arena_new(0);
	struct tval *ctx = tv_map(a);

	(void)state;
	tv_set_bool(a, ctx, "t", true);
	tv_set_str(a, ctx, "v", "line\nbreak");
	check("  {{>a}}\n", ctx, nested, "  x\n    1\n    2\n  y\n");
	check("  {{>a}}\n", ctx, inline_inner, "  x 1\n2\n  line\nbreak\n");
	/* Indent where the source line starts, even before a tag. */
	check("\t{{>a}}\n", ctx, marks, "\tx\n\ty\n\tz\n");
	arena_free(a);
}

static void test_late_and_replaced_partials(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out;

	(void)state;
	buf_init(&out, NULL, 1024);
	assert_int_equal(tmpl_set_add(set, "main", "[{{>p}}]", 8, NULL, 0), 0);
	assert_false(tmpl_set_has(set, "p"));
	assert_int_equal(tmpl_render(set, "p", NULL, &out), ERR_NOTFOUND);
	assert_int_equal(tmpl_render(set, "main", NULL, &out), 0);
	assert_string_equal(out.data, "[]");
	assert_int_equal(tmpl_set_add(set, "p", "one", 3, NULL, 0), 0);
	assert_int_equal(tmpl_set_add(set, "p", "two", 3, NULL, 0), 0);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "main", NULL, &out), 0);
	assert_string_equal(out.data, "[two]");
	buf_release(&out);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

/* A fake catalogue: German words, a three-form plural picking by n%3. */
static const char *fake_text(const void *ctx, const char *msgid)
{
	(void)ctx;
	if (!strcmp(msgid, "Comments"))
		return "Kommentare";
	if (!strcmp(msgid, "By {{author}} on {{day}}"))
		return "Am {{day}} von <b>{{author}}</b>";
	if (!strcmp(msgid, "Broken"))
		return "{{#open}}";
	return NULL;
}

static size_t fake_forms(const void *ctx, const char *sing,
			 const char *plural, const char **out, size_t max)
{
	(void)ctx;
	(void)plural;
	if (strcmp(sing, "{{n}} reaction") || max < 3)
		return 0;
	out[0] = "{{n}} Reaktion (0)";
	out[1] = "{{n}} Reaktionen (1)";
	out[2] = "{{n}} Reaktionen (2)";
	return 3;
}

static size_t fake_plural(const void *ctx, unsigned long n)
{
	(void)ctx;
	return n % 3;
}

static const struct tmpl_tr fake_tr = { NULL, fake_text, fake_forms,
					fake_plural };

/* Compile @src with @tr and render it against n = @n, author = "<Ann>". */
static int render_tr(const struct tmpl_tr *tr, const char *src, double n,
		     struct buf *out, char *err, size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new();
	struct arena *a = arena_new(1024);
	struct tval *ctx = tv_map(a);
	int r;

	tv_set(a, ctx, "n", tv_num(a, n));
	tv_set_str(a, ctx, "author", "<Ann>");
	tv_set_str(a, ctx, "day", "Mo");
	tmpl_set_translator(set, tr);
	r = tmpl_set_add(set, "t", src, strlen(src), err, errlen);
	if (!r)
		r = tmpl_render(set, "t", ctx, out);
	tmpl_set_free(set);
	arena_free(a);
	return r;
}

static void expect_tr(const struct tmpl_tr *tr, const char *src, double n,
		      const char *want)
{
	char err[256] = "";
	struct buf out;

	buf_init(&out, NULL, 4096);
	assert_int_equal(render_tr(tr, src, n, &out, err, sizeof(err)), 0);
	assert_string_equal(out.data, want);
	buf_release(&out);
}

static void test_translation(void **state)
{
	char err[256];
	struct buf out;

	(void)state;
	/* English without a translator, with tags kept and escaped. */
	expect_tr(NULL, "<h2>{{#_}}Comments{{/_}}</h2>", 0,
		  "<h2>Comments</h2>");
	expect_tr(NULL, "{{#_}}By {{author}} on {{day}}{{/_}}.", 0,
		  "By &lt;Ann&gt; on Mo.");
	/* Translated text, its tags moved and its own markup kept. */
	expect_tr(&fake_tr, "<h2>{{#_}}Comments{{/_}}</h2>", 0,
		  "<h2>Kommentare</h2>");
	expect_tr(&fake_tr, "{{#_}}By {{author}} on {{day}}{{/_}}.", 0,
		  "Am Mo von <b>&lt;Ann&gt;</b>.");
	/* No translation: the English. */
	expect_tr(&fake_tr, "{{#_}}Log in{{/_}}", 0, "Log in");
	/* Plurals: English rule without a translator, forms with one. */
	expect_tr(NULL, "{{#_n n}}{{n}} reaction{{|}}{{n}} reactions{{/_n n}}",
		  1, "1 reaction");
	expect_tr(NULL, "{{#_n n}}{{n}} reaction{{|}}{{n}} reactions{{/_n n}}",
		  0, "0 reactions");
	expect_tr(&fake_tr, "{{#_n n}}{{n}} reaction{{|}}{{n}} reactions{{/_n n}}",
		  4, "4 Reaktionen (1)");
	expect_tr(&fake_tr, "{{#_n n}}{{n}} reaction{{|}}{{n}} reactions{{/_n n}}",
		  6, "6 Reaktion (0)");
	expect_tr(&fake_tr, "{{#_n n}}{{n}} reaction{{|}}{{n}} reactions{{/_n n}}",
		  11, "11 Reaktionen (2)");
	/* Inside a section, and in an indented standalone partial's line. */
	expect_tr(&fake_tr, "{{#n}}[{{#_}}Comments{{/_}}]{{/n}}", 1,
		  "[Kommentare]");
	/* Errors: unclosed, nested, no {{|}}, a broken translation. */
	buf_init(&out, NULL, 4096);
	assert_int_equal(render_tr(NULL, "{{#_}}Comments", 0, &out, err,
				   sizeof(err)), ERR_INVALID);
	assert_non_null(strstr(err, "unclosed translation"));
	assert_int_equal(render_tr(NULL, "{{#_}}a {{#_}}b{{/_}}{{/_}}", 0,
				   &out, err, sizeof(err)), ERR_INVALID);
	assert_int_equal(render_tr(NULL, "{{#_n n}}one{{/_n n}}", 0, &out,
				   err, sizeof(err)), ERR_INVALID);
	assert_non_null(strstr(err, "{{|}}"));
	assert_int_equal(render_tr(&fake_tr, "x\n{{#_}}Broken{{/_}}", 0, &out,
				   err, sizeof(err)), ERR_INVALID);
	assert_non_null(strstr(err, "line 2: in the translation"));
	buf_release(&out);
}

/* argv[1], else $DATELINE_MUSTACHE_SPEC, else the path from the repo root. */
static const char *spec_dir(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("DATELINE_MUSTACHE_SPEC");

	return dir && *dir ? dir : DEFAULT_SPEC_DIR;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_spec,
					  (void *)spec_dir(argc, argv)),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_failed_add_keeps_old),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_partial_depth),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_partials),
		cmocka_unit_test(test_late_and_replaced_partials),
		cmocka_unit_test(test_translation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
