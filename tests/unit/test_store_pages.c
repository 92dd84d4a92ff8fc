/*
 * test_store_pages.c - unit tests for src/store/store_pages.c and the
 * store's batches (db.h) on SQLite and, with $DATELINE_TEST_PG,
 * PostgreSQL (testdb.h): pages saved and read by path, nesting and its
 * refusals (a loop, too deep, a taken path, a missing parent), the
 * optimistic lock, paths below a moved page following it with a 301 for
 * each published address; and a batch of writes visible only when it
 * commits, rolled back whole when one of them fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"
#include "testdb.h"

static struct store *s, *other;
static struct arena *a;
static char dir[64], url[256];

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (testdb_store_open(&s, &a, dir, url) ||
	    store_open(url, &other, err, sizeof(err)))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(other);
	testdb_store_close(s, a, dir, url);
	return 0;
}

/* Save a new page; its id. */
static int64_t new_page(const char *slug, int64_t parent, bool published)
{
	struct page p = { .slug = slug, .parent_id = parent, .title = slug,
			  .body = "Text.", .status = published ? PAGE_PUBLISHED :
			  PAGE_DRAFT };
	int64_t id = 0, version = 0;

	assert_int_equal(store_page_save(s, &p, 0, &id, &version), 0);
	assert_true(id > 0);
	assert_int_equal(version, 1);
	return id;
}

static void test_paths(void **state)
{
	int64_t about = new_page("about", 0, true);
	int64_t team = new_page("team", about, true);
	struct page *p, *list;
	size_t n;

	(void)state;
	assert_int_equal(store_page_by_path(s, a, "about/team", &p), 0);
	assert_int_equal(p->id, team);
	assert_int_equal(p->parent_id, about);
	assert_string_equal(p->body, "Text.");
	new_page("draft", 0, false);
	assert_int_equal(store_page_by_path(s, a, "draft", &p), ERR_NOTFOUND);
	assert_int_equal(store_page_get(s, a, team, &p), 0);
	assert_string_equal(p->path, "about/team");
	assert_int_equal(store_pages_list(s, a, true, false, 10, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].path, "about");
	assert_string_equal(list[1].path, "about/team");
	assert_int_equal(store_pages_list(s, a, true, true, 10, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_pages_list(s, a, false, false, 10, &list, &n), 0);
	assert_int_equal(n, 3);
}

static void test_refusals(void **state)
{
	int64_t a1 = new_page("a1", 0, true), a2 = new_page("a2", a1, true);
	int64_t a3 = new_page("a3", a2, true), a4 = new_page("a4", a3, true);
	struct page p = { .slug = "a5", .parent_id = a4, .title = "A5",
			  .body = "" };
	struct page *got;
	int64_t id, v;

	(void)state;
	/* Four levels deep at most. */
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), ERR_INVALID);
	p.parent_id = 999999;
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), ERR_INVALID);
	p.slug = "Not A Slug";
	p.parent_id = 0;
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), ERR_INVALID);
	p.slug = "a1";
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), ERR_CONFLICT);
	/* A page under its own child. */
	assert_int_equal(store_page_get(s, a, a1, &got), 0);
	got->parent_id = a2;
	assert_int_equal(store_page_save(s, got, got->version, &id, NULL),
			 ERR_INVALID);
	/* An old version. */
	got->parent_id = 0;
	got->title = "New";
	assert_int_equal(store_page_save(s, got, got->version + 1, &id, NULL),
			 ERR_STALE);
	assert_int_equal(store_page_save(s, got, got->version, &id, &v), 0);
	assert_int_equal(v, 2);
	got->id = 999999;
	assert_int_equal(store_page_save(s, got, 1, &id, NULL), ERR_NOTFOUND);
	(void)a4;
}

static void test_moves(void **state)
{
	int64_t about = new_page("about", 0, true);
	int64_t team = new_page("team", about, true);
	int64_t ann = new_page("ann", team, true);
	int64_t hidden = new_page("hidden", team, false);
	struct page *p;
	const char *to;

	(void)state;
	assert_int_equal(store_page_get(s, a, about, &p), 0);
	p->slug = "company";
	assert_int_equal(store_page_save(s, p, p->version, &about, NULL), 0);
	assert_int_equal(store_page_get(s, a, ann, &p), 0);
	assert_string_equal(p->path, "company/team/ann");
	assert_int_equal(p->version, 2);
	assert_int_equal(store_page_get(s, a, hidden, &p), 0);
	assert_string_equal(p->path, "company/team/hidden");
	assert_int_equal(store_redirect_get(s, a, "/about/", &to), 0);
	assert_string_equal(to, "/company/");
	assert_int_equal(store_redirect_get(s, a, "/about/team/ann/", &to), 0);
	assert_string_equal(to, "/company/team/ann/");
	/* A draft had no public address to keep. */
	assert_int_equal(store_redirect_get(s, a, "/about/team/hidden/", &to),
			 ERR_NOTFOUND);
	/* Moved to the top: older addresses follow. */
	assert_int_equal(store_page_get(s, a, team, &p), 0);
	p->parent_id = 0;
	assert_int_equal(store_page_save(s, p, p->version, &team, NULL), 0);
	assert_int_equal(store_redirect_get(s, a, "/about/team/", &to), 0);
	assert_string_equal(to, "/team/");
	assert_int_equal(store_page_by_path(s, a, "team/ann", &p), 0);
}

static void test_batch(void **state)
{
	struct page p = { .slug = "in-batch", .title = "In a batch", .body = "x",
			  .status = PAGE_PUBLISHED };
	struct page *got;
	int64_t id;

	(void)state;
	assert_int_equal(store_batch_begin(s), 0);
	assert_int_equal(store_batch_begin(s), ERR_INVALID);
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), 0);
	assert_int_equal(store_redirect_set(s, "/old-batch/", "/in-batch/"), 0);
	/* Seen inside the batch, by nobody else yet. */
	assert_int_equal(store_page_by_path(s, a, "in-batch", &got), 0);
	assert_int_equal(store_page_by_path(other, a, "in-batch", &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_batch_end(s, 0), 0);
	assert_int_equal(store_page_by_path(other, a, "in-batch", &got), 0);
	/* A batch that fails is rolled back whole. */
	assert_int_equal(store_batch_begin(s), 0);
	p.slug = "lost";
	assert_int_equal(store_page_save(s, &p, 0, &id, NULL), 0);
	assert_int_equal(store_import_note(s, "http://old", IMPORT_PAGE, 5, id), 0);
	assert_int_equal(store_batch_end(s, ERR_INVALID), ERR_INVALID);
	assert_int_equal(store_page_by_path(other, a, "lost", &got), ERR_NOTFOUND);
	assert_int_equal(store_import_find(other, "http://old", IMPORT_PAGE, 5, &id),
			 ERR_NOTFOUND);
	assert_int_equal(store_batch_end(s, 0), ERR_INVALID);	/* none open */
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_paths),
		T(test_refusals),
		T(test_moves),
		T(test_batch),
	};

	return testdb_run_groups(tests);
}
