/*
 * test_json.c - the JSON parser's acceptance and refusals (with their
 * messages and byte offsets), and round trips through json_write().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/value.h"

/* Parse @in (@len bytes) and return its compact form in arena memory. */
static const char *reparse(struct arena *a, const char *in, size_t len)
{
	struct tval *v;
	struct buf out;
	char err[128];

	if (json_parse(a, in, len, &v, err, sizeof(err)))
		fail_msg("\"%s\" refused: %s", in, err);
	buf_init(&out, a, 1 << 20);
	assert_int_equal(json_write(&out, v), 0);
	return out.data;
}

static void test_valid(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "null", "null" },
		{ "true", "true" },
		{ "false", "false" },
		{ " \t\r\n0 \t\r\n", "0" },
		{ "-0", "0" },
		{ "-0.0", "0" },
		{ "1.5", "1.5" },
		{ "1e2", "100" },
		{ "1E-2", "0.01" },
		{ "-12.5e+1", "-125" },
		{ "123456789012", "123456789012" },
		{ "9007199254740993", "9007199254740992" },
		{ "0.1", "0.1" },
		{ "1e300", "1e+300" },
		/* Longer than parse_number()'s buffer on the stack. */
		{ "0.0000000000000000000000000000000000000000000000000000000"
		  "0000000000000000000000000000001e100", "100000000000000" },
		{ "5e-324", "4.94065645841247e-324" },
		{ "1e-400", "0" },
		{ "\"\"", "\"\"" },
		{ "[]", "[]" },
		{ "{}", "{}" },
		{ "[ ]", "[]" },
		{ "{ }", "{}" },
		{ "[1,[2,[3]]]", "[1,[2,[3]]]" },
		{ " { \"a\" : { \"b\" : [ true , null ] } } ",
		  "{\"a\":{\"b\":[true,null]}}" },
		{ "{\"b\":1,\"a\":2,\"c\":3}", "{\"b\":1,\"a\":2,\"c\":3}" },
		{ "\"\\u00e9\\u00E9\"", "\"\xc3\xa9\xc3\xa9\"" },
		{ "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"" },
		{ "\"\\uDBFF\\uDFFF\"", "\"\xf4\x8f\xbf\xbf\"" },
		{ "\"\\u20ac\\u0041\"", "\"\xe2\x82\xac" "A\"" },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
		  "\"\\\"\\\\/\\u0008\\u000c\\n\\r\\t\"" },
		{ "\"<&>\"", "\"\\u003c\\u0026\\u003e\"" },
		{ "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"",
		  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"" },
		{ "[\"\",{\"\":\"\"}]", "[\"\",{\"\":\"\"}]" },
	};
	struct arena *a = arena_new(0);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(reparse(a, cases[i].in,
					    strlen(cases[i].in)), cases[i].out);
	arena_free(a);
}

static void test_invalid(void **state)
{
	static const struct {
		const char *in;
		size_t len;	/* 0: strlen(in) */
		const char *msg;
	} cases[] = {
		{ "", 0, "unexpected end of input at byte 0" },
		{ "   ", 0, "unexpected end of input at byte 3" },
		{ "01", 0, "leading zero in number at byte 1" },
		{ "-01", 0, "leading zero in number at byte 2" },
		{ "00.5", 0, "leading zero in number at byte 1" },
		{ "1.", 0, "digit expected after '.' at byte 2" },
		{ "1.e5", 0, "digit expected after '.' at byte 2" },
		{ ".5", 0, "unexpected '.' at byte 0" },
		{ "-", 0, "digit expected in number at byte 1" },
		{ "--1", 0, "digit expected in number at byte 1" },
		{ "-a", 0, "digit expected in number at byte 1" },
		{ "+1", 0, "unexpected '+' at byte 0" },
		{ "1e", 0, "digit expected in exponent at byte 2" },
		{ "1e+", 0, "digit expected in exponent at byte 3" },
		{ "0x10", 0, "unexpected 'x' at byte 1" },
		{ "1 2", 0, "unexpected '2' at byte 2" },
		{ "1e400", 0, "number out of range at byte 0" },
		{ "-1e400", 0, "number out of range at byte 0" },
		{ "NaN", 0, "unexpected 'N' at byte 0" },
		{ "Infinity", 0, "unexpected 'I' at byte 0" },
		{ "nul", 0, "unexpected 'n' at byte 0" },
		{ "tru", 0, "unexpected 't' at byte 0" },
		{ "True", 0, "unexpected 'T' at byte 0" },
		{ "nulls", 0, "unexpected 's' at byte 4" },
		{ "[", 0, "unexpected end of input at byte 1" },
		{ "[1", 0, "unexpected end of input at byte 2" },
		{ "[1,]", 0, "unexpected ']' at byte 3" },
		{ "[,1]", 0, "unexpected ',' at byte 1" },
		{ "[1 2]", 0, "unexpected '2' at byte 3" },
		{ "[1]]", 0, "unexpected ']' at byte 3" },
		{ "{", 0, "unexpected end of input at byte 1" },
		{ "{\"a\":1,}", 0, "unexpected '}' at byte 7" },
		{ "{a:1}", 0, "unexpected 'a' at byte 1" },
		{ "{\"a\\x\":1}", 0, "invalid escape at byte 3" },
		{ "{'a':1}", 0, "unexpected ''' at byte 1" },
		{ "{\"a\" 1}", 0, "unexpected '1' at byte 5" },
		{ "{\"a\":}", 0, "unexpected '}' at byte 5" },
		{ "{\"a\":1 \"b\":2}", 0, "unexpected '\"' at byte 7" },
		{ "{\"a\":1,\"a\":2}", 0,
		  "duplicate key \"a\" in object at byte 0" },
		{ "[{\"x\":1,\"y\":{},\"x\":[]}]", 0,
		  "duplicate key \"x\" in object at byte 1" },
		{ "// c\n1", 0, "unexpected '/' at byte 0" },
		{ "/* c */ 1", 0, "unexpected '/' at byte 0" },
		{ "\"abc", 0, "unterminated string at byte 0" },
		{ "\"abc\\\"", 0, "unterminated string at byte 0" },
		{ "\"a\nb\"", 0, "control character in string at byte 2" },
		{ "\"a\tb\"", 0, "control character in string at byte 2" },
		{ "\"\x1f\"", 0, "control character in string at byte 1" },
		{ "\"a\0b\"", 5, "control character in string at byte 2" },
		{ "1\0", 2, "unexpected byte 0x00 at byte 1" },
		{ "\"\\x\"", 0, "invalid escape at byte 1" },
		{ "\"\\U0041\"", 0, "invalid escape at byte 1" },
		{ "\"\\", 0, "invalid escape at byte 1" },
		{ "\"\\u12\"", 0, "invalid \\u escape at byte 1" },
		{ "\"\\u12g4\"", 0, "invalid \\u escape at byte 1" },
		{ "\"\\u0000\"", 0, "\\u0000 in string at byte 1" },
		{ "\"\\ud800\"", 0, "lone surrogate at byte 1" },
		{ "\"\\udc00\"", 0, "lone surrogate at byte 1" },
		{ "\"\\udbff\\udbff\"", 0, "lone surrogate at byte 1" },
		{ "\"\\ud800\\u0041\"", 0, "lone surrogate at byte 1" },
		{ "\"\\ud800x\"", 0, "lone surrogate at byte 1" },
		{ "\"\\ud800\\\"", 0, "lone surrogate at byte 1" },
		{ "\"ab\xc3\"", 0, "invalid utf-8 in string at byte 3" },
		{ "\"\xc0\xaf\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\"\xe0\x80\xaf\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\"\xed\xa0\x80\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\"\xf4\x90\x80\x80\"", 0,
		  "invalid utf-8 in string at byte 1" },
		{ "\"\xff\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\"\x80\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\"\xe2\x82\"", 0, "invalid utf-8 in string at byte 1" },
		{ "\xef\xbb\xbf{}", 0, "unexpected byte 0xef at byte 0" },
		{ "\x0c" "1", 0, "unexpected byte 0x0c at byte 0" },
	};
	struct arena *a = arena_new(0);
	struct tval *v;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		v = (struct tval *)1;
		if (json_parse(a, cases[i].in, len, &v, err, sizeof(err)) !=
		    ERR_INVALID)
			fail_msg("\"%s\" accepted", cases[i].in);
		assert_null(v);
		assert_string_equal(err, cases[i].msg);
	}
	/* No message buffer, or a short one, is fine. */
	assert_int_equal(json_parse(a, "x", 1, &v, NULL, 0), ERR_INVALID);
	assert_int_equal(json_parse(a, "x", 1, &v, err, 5), ERR_INVALID);
	assert_string_equal(err, "unex");
	arena_free(a);
}

static void test_depth(void **state)
{
	struct arena *a = arena_new(0);
	struct buf in;
	struct tval *v;
	char err[128];
	int i;

	(void)state;
	buf_init(&in, a, 1 << 16);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		buf_adds(&in, i % 2 ? "{\"k\":" : "[");
	buf_addch(&in, '0');
	for (i = JSON_MAX_DEPTH - 1; i >= 0; i--)
		buf_adds(&in, i % 2 ? "}" : "]");
	assert_int_equal(json_parse(a, in.data, in.len, &v, err, sizeof(err)),
			 0);
	assert_string_equal(reparse(a, in.data, in.len), in.data);

	buf_reset(&in);
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++)
		buf_addch(&in, '[');
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++)
		buf_addch(&in, ']');
	assert_int_equal(json_parse(a, in.data, in.len, &v, err, sizeof(err)),
			 ERR_INVALID);
	assert_string_equal(err, "nested deeper than 64 at byte 64");

	/* Far deeper input stops at the limit, not at the end of the stack. */
	buf_reset(&in);
	for (i = 0; i < 50000; i++)
		buf_addch(&in, '[');
	assert_int_equal(json_parse(a, in.data, in.len, &v, err, sizeof(err)),
			 ERR_INVALID);
	arena_free(a);
}

static void test_big_objects(void **state)
{
	struct arena *a = arena_new(0);
	struct buf in;
	struct tval *v;
	char err[128];
	int i;

	(void)state;
	buf_init(&in, a, 1 << 20);
	buf_addch(&in, '{');
	for (i = 0; i < 5000; i++)
		buf_printf(&in, "%s\"k%d\":%d", i ? "," : "", i, i);
	buf_addch(&in, '}');
	assert_int_equal(json_parse(a, in.data, in.len, &v, err, sizeof(err)),
			 0);
	assert_int_equal(v->u.map.n, 5000);
	assert_string_equal(v->u.map.keys[4321], "k4321");
	assert_true(tv_get(v, "k4999", 5)->u.num == 4999);
	assert_string_equal(reparse(a, in.data, in.len), in.data);

	in.len--;
	buf_adds(&in, ",\"k2500\":0}");
	assert_int_equal(json_parse(a, in.data, in.len, &v, err, sizeof(err)),
			 ERR_INVALID);
	assert_string_equal(err, "duplicate key \"k2500\" in object at byte 0");
	arena_free(a);
}

static void test_tree(void **state)
{
	static const char doc[] =
		"{\"s\":\"x\\u00e9\",\"n\":-2.5,\"l\":[1,true,null,{}],"
		"\"b\":false}";
	struct arena *a = arena_new(0);
	char copy[sizeof(doc)];
	struct tval *v, *l;

	(void)state;
	memcpy(copy, doc, sizeof(doc));
	assert_int_equal(json_parse(a, copy, strlen(copy), &v, NULL, 0), 0);
	memset(copy, 'z', sizeof(copy));	/* strings are arena copies */
	assert_int_equal(v->type, TV_MAP);
	assert_int_equal(v->u.map.n, 4);
	assert_int_equal(tv_get(v, "s", 1)->type, TV_STR);
	assert_int_equal(tv_get(v, "s", 1)->u.str.len, 3);
	assert_string_equal(tv_get(v, "s", 1)->u.str.p, "x\xc3\xa9");
	assert_true(tv_get(v, "n", 1)->u.num == -2.5);
	assert_false(tv_get(v, "b", 1)->u.b);
	l = tv_get(v, "l", 1);
	assert_int_equal(l->type, TV_LIST);
	assert_int_equal(l->u.list.n, 4);
	assert_int_equal(l->u.list.items[0]->type, TV_NUM);
	assert_int_equal(l->u.list.items[1]->type, TV_BOOL);
	assert_int_equal(l->u.list.items[2]->type, TV_NULL);
	assert_int_equal(l->u.list.items[3]->type, TV_MAP);
	assert_int_equal(l->u.list.items[3]->u.map.n, 0);

	/* Only the first @len bytes count; the input need not end in NUL. */
	assert_int_equal(json_parse(a, "123456", 3, &v, NULL, 0), 0);
	assert_true(v->u.num == 123);
	assert_int_equal(json_parse(a, "\"ab\"cd", 4, &v, NULL, 0), 0);
	assert_string_equal(v->u.str.p, "ab");
	assert_int_equal(json_parse(a, "\"ab\"cd", 3, &v, NULL, 0),
			 ERR_INVALID);
	assert_int_equal(json_parse(a, "truest", 4, &v, NULL, 0), 0);
	assert_true(v->u.b);
	assert_int_equal(json_parse(a, NULL, 0, &v, NULL, 0), ERR_INVALID);
	arena_free(a);
}

static void test_roundtrip(void **state)
{
	static const char *const docs[] = {
		"{\"title\":\"Caf\xc3\xa9 \\\"news\\\"\",\"id\":42,"
		"\"score\":-0.125,\"tags\":[\"a\",\"b\"],\"draft\":false,"
		"\"photo\":null}",
		"[1e-7,3.14159,-1,0,1234567890123456,0.30000000000000004]",
		"[2.5e+30,-2.5e-30,1.7976931348623157e308,2.2e-308]",
		"\"\\u0001\\u001f</script>\\u2028\\ud800\\udc00\"",
		"[[[[[]]]],{\"a\":{\"b\":{\"c\":{}}}}]",
		"\"\\/\\b\\f\"",
	};
	struct arena *a = arena_new(0);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		const char *once = reparse(a, docs[i], strlen(docs[i]));
		const char *twice = reparse(a, once, strlen(once));

		assert_string_equal(once, twice);
	}
	arena_free(a);
}

static void test_write(void **state)
{
	struct arena *a = arena_new(0);
	struct tval *m = tv_map(a), *l = tv_list(a);
	struct buf out;

	(void)state;
	tv_set(a, m, "nan", tv_num(a, NAN));
	tv_set(a, m, "inf", tv_num(a, -INFINITY));
	tv_set(a, m, "int", tv_num(a, 3.0));
	tv_set(a, m, "big", tv_num(a, 9007199254740992.0));
	tv_set(a, m, "frac", tv_num(a, -1.5));
	tv_set(a, m, "tiny", tv_num(a, 1e-9));
	tv_set(a, m, "k\"<\n", tv_strn(a, "a\0b", 3));
	tv_set(a, m, "l", l);
	tv_push(a, l, NULL);
	tv_push(a, l, tv_bool(a, true));
	buf_init(&out, a, 4096);
	assert_int_equal(json_write(&out, m), 0);
	assert_string_equal(out.data,
			    "{\"nan\":null,\"inf\":null,\"int\":3,"
			    "\"big\":9007199254740992,\"frac\":-1.5,"
			    "\"tiny\":1e-09,\"k\\\"\\u003c\\n\":\"a\\u0000b\","
			    "\"l\":[null,true]}");
	buf_reset(&out);
	assert_int_equal(json_write(&out, NULL), 0);
	assert_string_equal(out.data, "null");

	buf_init(&out, a, 10);
	assert_int_equal(json_write(&out, m), ERR_TOOBIG);
	assert_true(out.overflow);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_big_objects),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
