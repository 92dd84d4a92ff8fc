/*
 * test_comments.c - unit tests for comments: the text cleaner and the
 * Markdown subset (render/comment_md.c), and the comment store against a
 * temporary SQLite file and, with $DATELINE_TEST_PG, a fresh PostgreSQL
 * database (testdb.h): posting and its refusals, moderation modes,
 * counts kept by triggers, threads and keyset pages, likes, reports, the
 * queue, edits, deletion, bans, reply mail only for visible replies.
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
#include <sqlite3.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "render/comment_md.h"
#include "render/markdown.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	char dir[64];
	char path[256];
	struct store *s;
	struct arena *a;
	int64_t article, ann, bob;
};

static struct arena *arena;

static int setup_md(void **state)
{
	(void)state;
	md_init();
	arena = arena_new(0);
	return 0;
}

static int teardown_md(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

static const char *render(const char *md, size_t *links)
{
	return comment_render(arena, md, strlen(md), links);
}

static void test_clean(void **state)
{
	size_t chars = 0;
	const char *s;

	(void)state;
	s = comment_clean(arena, "  a\r\nb\rc\x01\x7f\t \n", 13, &chars);
	assert_string_equal(s, "a\nb\nc");
	assert_int_equal(chars, 5);
	s = comment_clean(arena, "\xe2\x80\xae" "evil\xe2\x80\xac \xc3\xa9", 13, &chars);
	assert_string_equal(s, "evil \xc3\xa9");
	assert_int_equal(chars, 6);
	assert_null(comment_clean(arena, "bad \xff", 5, &chars));
	s = comment_clean(arena, " \n\t ", 4, &chars);
	assert_string_equal(s, "");
	assert_int_equal(chars, 0);
}

static void test_subset(void **state)
{
	size_t links = 9;

	(void)state;
	assert_string_equal(render("*a* **b** `c` ~~d~~", &links),
			    "<p><em>a</em> <strong>b</strong> <code>c</code> <del>d</del></p>\n");
	assert_int_equal(links, 0);
	assert_string_equal(render("> q\n\n- x\n- y", NULL),
			    "<blockquote>\n<p>q</p>\n</blockquote>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n");
	/* Headings become paragraphs (their text must survive the block). */
	assert_string_equal(render("# Big words\n\n---\n\nafter", NULL),
			    "<p>Big words</p>\n<p>after</p>\n");
	assert_string_equal(render("[x](https://e.example/a) https://f.example", &links),
			    "<p><a rel=\"nofollow ugc noopener\" href=\"https://e.example/a\">x</a>"
			    " <a rel=\"nofollow ugc noopener\" href=\"https://f.example\">https://f.example</a></p>\n");
	assert_int_equal(links, 2);
}

static void test_unsafe(void **state)
{
	size_t links = 9;

	(void)state;
	assert_string_equal(render("<script>alert(1)</script>", &links),
			    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	assert_string_equal(render("a <b onclick=x>b</b>", NULL),
			    "<p>a &lt;b onclick=x&gt;b&lt;/b&gt;</p>\n");
	assert_string_equal(render("[x](javascript:alert(1)) [y](data:text/html,z)", &links),
			    "<p>x y</p>\n");
	assert_int_equal(links, 0);
	assert_string_equal(render("![alt text](https://e.example/i.png)", NULL),
			    "<p>alt text</p>\n");
	assert_string_equal(render("[![i](x.png)](https://e.example)", &links),
			    "<p><a rel=\"nofollow ugc noopener\" href=\"https://e.example\">i</a></p>\n");
	assert_int_equal(links, 1);
}

/* ---- The store ---- */

static int64_t account(struct fixture *f, const char *email)
{
	struct account a = { .email = email, .name = email, .password = "x",
			     .role = ROLE_READER, .verified = true };
	int64_t id = 0;

	assert_int_equal(store_account_create(f->s, &a, NULL, 0, NULL, &id), 0);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct article a = { .slug = "story", .headline = "Story", .body = "B",
			     .status = ARTICLE_PUBLISHED, .published = 1000 };
	char err[256];

	if (testdb_make(f->dir, f->path))
		return -1;
	if (store_open(f->path, &f->s, err, sizeof(err))) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	if (store_migrate(f->s, NULL))
		return -1;
	f->a = arena_new(0);
	if (store_article_put(f->s, &a, &f->article, NULL))
		return -1;
	f->ann = account(f, "ann@example.com");
	f->bob = account(f, "bob@example.com");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	arena_free(f->a);
	testdb_drop(f->dir, f->path);
	free(f);
	return 0;
}

static struct comment_post post_of(struct fixture *f, int64_t who,
				   const char *body, int64_t parent)
{
	struct comment_post p = {
		.article_id = f->article, .parent_id = parent, .account_id = who,
		.body = body, .body_hash = body, .html = body, .ip = "127.0.0.1",
		.now = time_now(), .site_mode = COMMENT_OPEN, .max_depth = 3,
		.dup_window = 3600,
	};

	return p;
}

static int64_t add(struct fixture *f, int64_t who, const char *body,
		   int64_t parent)
{
	struct comment_post p = post_of(f, who, body, parent);

	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_ACCEPTED);
	return p.id;
}

static int64_t count(struct fixture *f)
{
	struct comment_settings cs;

	assert_int_equal(store_comment_settings(f->s, f->article, &cs), 0);
	return cs.count;
}

/*
 * Messages queued, counted in the table: on PostgreSQL store_outbox_due()
 * takes the messages it returns for a while, so it would not list them a
 * second time.
 */
static int64_t outbox(struct fixture *f)
{
	return testdb_int(f->path, "SELECT count(*) FROM outbox");
}

static void test_post_and_refusals(void **state)
{
	struct fixture *f = *state;
	struct outbox_msg mail = { .to = "ann@example.com", .data = "x\r\n" };
	struct comment_post p;
	int64_t top, r1, r2, r3;
	uint64_t gen = store_generation(f->s);

	top = add(f, f->ann, "top", 0);
	assert_true(store_generation(f->s) != gen);
	p = post_of(f, f->bob, "reply", top);
	p.mail = &mail;
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.status, COMMENT_VISIBLE);
	assert_int_equal(p.count, 2);
	assert_int_equal(outbox(f), 1);
	r1 = p.id;
	r2 = add(f, f->ann, "r2", r1);
	r3 = add(f, f->bob, "r3", r2);
	p = post_of(f, f->ann, "too deep", r3);
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_TOO_DEEP);
	p = post_of(f, f->ann, "top", 0);
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_DUPLICATE);
	p = post_of(f, f->ann, "orphan", 999);
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_NO_PARENT);
	p = post_of(f, f->ann, "late", 0);
	p.close_after = 10;	/* published at 1000: long closed */
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_CLOSED);
	p = post_of(f, f->ann, "nowhere", 0);
	p.article_id = 424242;
	assert_int_equal(store_comment_post(f->s, &p), ERR_NOTFOUND);
	assert_int_equal(count(f), 4);
	p = post_of(f, f->ann, "", 0);
	assert_int_equal(store_comment_post(f->s, &p), ERR_INVALID);
}

static void test_modes_and_moderation(void **state)
{
	struct fixture *f = *state;
	struct outbox_msg mail = { .to = "ann@example.com", .data = "x\r\n" };
	struct comment_post p;
	struct comment *q;
	size_t n;
	bool vis = false;
	int64_t top;

	/* first: Bob has no visible comment yet. */
	p = post_of(f, f->bob, "hello", 0);
	p.site_mode = COMMENT_HOLD_FIRST;
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.status, COMMENT_HELD);
	assert_int_equal(count(f), 0);
	top = add(f, f->ann, "visible", 0);
	/* all, set on the article, wins over the site's mode. */
	assert_int_equal(store_comment_settings_set(f->s, f->article,
						    COMMENT_HOLD_ALL, false), 0);
	p = post_of(f, f->bob, "reply held", top);
	p.mail = &mail;
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.status, COMMENT_HELD);
	assert_int_equal(outbox(f), 0);
	assert_int_equal(store_comment_queue(f->s, f->a, 50, &q, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(q[1].body, "reply held");
	assert_string_equal(q[1].article_slug, "story");
	/* Approval queues the mail in its transaction, once. */
	assert_int_equal(store_comment_moderate(f->s, p.id, COMMENT_APPROVE,
						&mail, &vis), 0);
	assert_true(vis);
	assert_int_equal(outbox(f), 1);
	assert_int_equal(store_comment_moderate(f->s, p.id, COMMENT_APPROVE,
						&mail, &vis), 0);
	assert_false(vis);
	assert_int_equal(outbox(f), 1);
	assert_int_equal(count(f), 2);
	assert_int_equal(store_comment_moderate(f->s, p.id, COMMENT_MARK_SPAM,
						NULL, NULL), 0);
	assert_int_equal(count(f), 1);
	/* Reports bring a visible comment to the queue until reviewed. */
	assert_int_equal(store_comment_report(f->s, top, f->bob, 5, NULL,
					      NULL), 0);
	assert_int_equal(store_comment_report(f->s, top, f->bob, 6, NULL,
					      NULL), 0);
	assert_int_equal(store_comment_queue(f->s, f->a, 50, &q, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[1].reports, 1);
	assert_int_equal(store_comment_moderate(f->s, top, COMMENT_APPROVE,
						NULL, NULL), 0);
	assert_int_equal(store_comment_queue(f->s, f->a, 50, &q, &n), 0);
	assert_int_equal(n, 1);
	/* A ban: held comments become spam, no more posts. */
	assert_int_equal(store_account_ban(f->s, f->bob), 0);
	assert_int_equal(store_comment_queue(f->s, f->a, 50, &q, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_comment_settings_set(f->s, f->article, -1,
						    false), 0);
	p = post_of(f, f->bob, "again", 0);
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_BANNED);
}

/*
 * Moderators get mail in the transaction that holds a comment, and in the
 * one of the report that brings a comment to the queue: not for a visible
 * post, not for later reports until a moderator has reviewed it.
 */
static void test_moderator_mail(void **state)
{
	struct fixture *f = *state;
	struct outbox_msg m1 = { .to = "ed@example.com", .data = "x\r\n" };
	struct outbox_msg m2 = { .to = "ada@example.com", .data = "y\r\n" };
	const struct outbox_msg *both[] = { &m1, &m2 };
	struct outbox_batch mods = { both, 2 };
	int64_t cat = account(f, "cat@example.com"), ed, top;
	struct account *list;
	struct comment_post p;
	bool queued = true;
	size_t n;

	ed = account(f, "ed@example.com");
	assert_int_equal(store_account_set_role(f->s, ed, ROLE_EDITOR), 0);
	assert_int_equal(store_moderators(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].email, "ed@example.com");
	/* Visible: no mail to moderators. */
	p = post_of(f, f->ann, "fine words", 0);
	p.held_mail = mods;
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.status, COMMENT_VISIBLE);
	assert_int_equal(outbox(f), 0);
	top = p.id;
	/* Held: one message to each. */
	p = post_of(f, f->bob, "held words", 0);
	p.hold = true;
	p.held_mail = mods;
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.status, COMMENT_HELD);
	assert_int_equal(outbox(f), 2);
	/* The first report; not the second, nor the same one again. */
	assert_int_equal(store_comment_report(f->s, top, f->bob, 5, &mods,
					      &queued), 0);
	assert_true(queued);
	assert_int_equal(outbox(f), 4);
	assert_int_equal(store_comment_report(f->s, top, cat, 6, &mods,
					      &queued), 0);
	assert_false(queued);
	assert_int_equal(store_comment_report(f->s, top, f->bob, 7, &mods,
					      &queued), 0);
	assert_false(queued);
	assert_int_equal(outbox(f), 4);
	/* Reviewed, then reported by someone new: in the queue again. */
	assert_int_equal(store_comment_moderate(f->s, top, COMMENT_APPROVE,
						NULL, NULL), 0);
	assert_int_equal(store_comment_report(f->s, top, ed, 8, &mods,
					      &queued), 0);
	assert_true(queued);
	assert_int_equal(outbox(f), 6);
	/* A comment that is not visible cannot be reported. */
	assert_int_equal(store_comment_report(f->s, p.id, cat, 9, &mods,
					      &queued), ERR_NOTFOUND);
	assert_false(queued);
	assert_int_equal(outbox(f), 6);
}

/* The account says it is banned; an unban lifts it, nothing else. */
static void test_ban_shown_and_lifted(void **state)
{
	struct fixture *f = *state;
	struct account acct, *list;
	struct comment_post p;
	size_t n = 9;

	assert_int_equal(store_account_by_id(f->s, f->a, f->bob, &acct), 0);
	assert_false(acct.banned);
	assert_int_equal(store_accounts_banned(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_account_ban(f->s, f->bob), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, f->bob, &acct), 0);
	assert_true(acct.banned);
	assert_int_equal(store_accounts_banned(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, f->bob);
	assert_int_equal(store_account_by_id(f->s, f->a, f->ann, &acct), 0);
	assert_false(acct.banned);
	assert_int_equal(store_account_unban(f->s, f->bob), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, f->bob, &acct), 0);
	assert_false(acct.banned);
	assert_int_equal(store_accounts_banned(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 0);
	p = post_of(f, f->bob, "back", 0);
	assert_int_equal(store_comment_post(f->s, &p), 0);
	assert_int_equal(p.refusal, COMMENT_ACCEPTED);
	assert_int_equal(store_account_unban(f->s, 424242), ERR_NOTFOUND);
}

static void test_threads_pages_likes(void **state)
{
	struct fixture *f = *state;
	struct comment_query q = { .article_id = f->article, .limit = 2 };
	struct comment_page pg;
	struct comment c;
	int64_t a, b, r, likes = -1;
	char body[16];
	int i;

	a = add(f, f->ann, "a", 0);
	r = add(f, f->bob, "reply to a", a);
	b = add(f, f->bob, "b", 0);
	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "more %d", i);
		add(f, f->ann, body, 0);
	}
	assert_int_equal(store_comment_like(f->s, b, f->ann, true, &likes), 0);
	assert_int_equal(likes, 1);
	assert_int_equal(store_comment_like(f->s, b, f->ann, true, &likes), 0);
	assert_int_equal(likes, 1);
	assert_int_equal(store_comment_like(f->s, b, f->bob, true, &likes), 0);
	assert_int_equal(likes, 2);
	q.viewer = f->ann;
	assert_int_equal(store_comments_list(f->s, f->a, &q, &pg), 0);
	assert_int_equal(pg.n, 3);	/* a, its reply, b */
	assert_int_equal(pg.items[0].id, a);
	assert_int_equal(pg.items[1].id, r);
	assert_int_equal(pg.items[1].depth, 1);
	assert_int_equal(pg.items[2].id, b);
	assert_true(pg.items[2].liked);
	assert_true(pg.more);
	q.after = &pg.next;
	assert_int_equal(store_comments_list(f->s, f->a, &q, &pg), 0);
	assert_int_equal(pg.n, 2);
	assert_string_equal(pg.items[0].body, "more 0");
	q.after = NULL;
	q.sort = COMMENT_LIKED;
	assert_int_equal(store_comments_list(f->s, f->a, &q, &pg), 0);
	assert_int_equal(pg.items[0].id, b);
	/* Delete keeps a placeholder; the count drops. */
	assert_int_equal(count(f), 6);
	assert_int_equal(store_comment_delete(f->s, a), 0);
	assert_int_equal(count(f), 5);
	assert_int_equal(store_comment_get(f->s, f->a, a, 0, &c), 0);
	assert_int_equal(c.status, COMMENT_DELETED);
	assert_string_equal(c.body, "");
	assert_string_equal(c.html, "");
	assert_int_equal(store_comment_like(f->s, a, f->bob, true, NULL),
			 ERR_NOTFOUND);
	assert_int_equal(store_comment_edit(f->s, a, "x", "<p>x</p>", "x", 5), ERR_NOTFOUND);
	assert_int_equal(store_comment_edit(f->s, b, "b2", "<p>b2</p>", "b2", 77), 0);
	assert_int_equal(store_comment_get(f->s, f->a, b, 0, &c), 0);
	assert_string_equal(c.body, "b2");
	assert_string_equal(c.html, "<p>b2</p>");
	assert_int_equal(c.edited, 77);
	assert_string_equal(c.author_email, "bob@example.com");
	assert_true(c.author_wants_mail);
	assert_int_equal(store_account_reply_mail(f->s, f->bob, false), 0);
	assert_int_equal(store_comment_get(f->s, f->a, b, 0, &c), 0);
	assert_false(c.author_wants_mail);
	{
		int64_t ids[2] = { f->article, 999 }, counts[2] = { -1, -1 };

		assert_int_equal(store_comment_counts(f->s, ids, 2, counts), 0);
		assert_int_equal(counts[0], 5);
		assert_int_equal(counts[1], 0);
	}
}

/*
 * A removed comment keeps the visible replies below it as a placeholder
 * without its text or name; one with no visible reply is not listed.
 */
static void test_removed_keeps_thread(void **state)
{
	struct fixture *f = *state;
	struct comment_query q = { .article_id = f->article, .limit = 10 };
	struct comment_page pg;
	int64_t a, r1, r2, lone;

	a = add(f, f->ann, "a", 0);
	r1 = add(f, f->bob, "reply to a", a);
	r2 = add(f, f->ann, "reply to the reply", r1);
	lone = add(f, f->ann, "lone", 0);
	assert_int_equal(store_comment_moderate(f->s, a, COMMENT_MARK_SPAM,
						NULL, NULL), 0);
	assert_int_equal(store_comment_moderate(f->s, r1, COMMENT_REJECT,
						NULL, NULL), 0);
	assert_int_equal(store_comment_moderate(f->s, lone, COMMENT_MARK_SPAM,
						NULL, NULL), 0);
	assert_int_equal(count(f), 1);
	assert_int_equal(store_comments_list(f->s, f->a, &q, &pg), 0);
	assert_int_equal(pg.n, 3);
	assert_int_equal(pg.items[0].id, a);
	assert_int_equal(pg.items[0].status, COMMENT_SPAM);
	assert_string_equal(pg.items[0].body, "");
	assert_string_equal(pg.items[0].html, "");
	assert_string_equal(pg.items[0].author, "");
	assert_int_equal(pg.items[1].id, r1);
	assert_string_equal(pg.items[1].body, "");
	assert_int_equal(pg.items[2].id, r2);
	assert_string_equal(pg.items[2].body, "reply to the reply");
	/* Without a visible reply the thread is gone from the page. */
	assert_int_equal(store_comment_moderate(f->s, r2, COMMENT_MARK_SPAM,
						NULL, NULL), 0);
	assert_int_equal(store_comments_list(f->s, f->a, &q, &pg), 0);
	assert_int_equal(pg.n, 0);
	assert_int_equal(count(f), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest md[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_unsafe),
	};
	const struct CMUnitTest store[] = {
		T(test_post_and_refusals),
		T(test_modes_and_moderation),
		T(test_threads_pages_likes),
		T(test_removed_keeps_thread),
		T(test_ban_shown_and_lifted),
		T(test_moderator_mail),
	};

	return cmocka_run_group_tests_name("comment text", md, setup_md,
					   teardown_md) |
	       testdb_run_groups(store);
}
