/*
 * test_accounts.c - unit tests for reader accounts: the store's accounts,
 * sessions (idle and absolute expiry), one-time tokens (single use,
 * expiry, dying with a password change), the outbox (queued with the
 * change, due, retry, sent), deletion keeping what the reader wrote;
 * argon2id hashing and rehash; tokens; e-mail formatting and address
 * checks; return-path checks; the failure-only rate limit; the auth pool;
 * splicing a reader's account area into a cached page (identity, gzip).
 * The store tests run on SQLite and, with $DATELINE_TEST_PG, on
 * PostgreSQL too (testdb.h).
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
#include <pthread.h>
#include <sodium.h>
#include <zlib.h>

#include "auth/passwords.h"
#include "auth/ratelimit.h"
#include "auth/tokens.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "site/cache.h"
#include "site/site_int.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
	char dir[64];
	char path[256];
	struct store *s;
	struct arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (testdb_make(f->dir, f->path))
		return -1;
	if (store_open(f->path, &f->s, err, sizeof(err)) ||
	    store_migrate(f->s, NULL))
		return -1;
	f->a = arena_new(0);
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

static const char *hash_of(struct arena *a, const char *token)
{
	char *h = arena_alloc(a, TOKEN_HASH_SIZE);

	token_hash(token, h);
	return h;
}

static int64_t make_account(struct fixture *f, const char *email)
{
	struct account a = { .email = email, .name = "Ann", .password = "$argon2id$x",
			     .role = ROLE_READER };
	int64_t id = 0;

	assert_int_equal(store_account_create(f->s, &a, NULL, 0, NULL, &id), 0);
	return id;
}

/* Messages queued (counted directly: on PostgreSQL due() claims them). */
static size_t outbox_count(struct fixture *f)
{
	return (size_t)testdb_int(f->path, "SELECT count(*) FROM outbox");
}

static void test_account_create(void **state)
{
	struct fixture *f = *state;
	struct account a = { .email = "ann@example.com", .name = "Ann",
			     .password = "$argon2id$x", .role = ROLE_AUTHOR };
	struct outbox_msg m = { "ann@example.com", "Subject: hi\r\n\r\nbody\r\n" };
	struct account got, *list;
	int64_t id;
	size_t n;

	assert_int_equal(store_account_create(f->s, &a, hash_of(f->a, "t1"),
					      time_now() + 60, &m, &id), 0);
	assert_int_equal(outbox_count(f), 1);
	/* The same address in another case is taken; nothing is written. */
	a.email = "ANN@example.com";
	assert_int_equal(store_account_create(f->s, &a, NULL, 0, &m, NULL),
			 ERR_CONFLICT);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(store_account_by_email(f->s, f->a, "Ann@Example.com",
						&got), 0);
	assert_int_equal(got.id, id);
	assert_int_equal(got.role, ROLE_AUTHOR);
	assert_false(got.verified);
	assert_int_equal(store_account_by_email(f->s, f->a, "bob@example.com",
						&got), ERR_NOTFOUND);
	/* Verification: once, then verified. */
	assert_int_equal(store_token_apply(f->s, TOKEN_VERIFY, hash_of(f->a, "t1"),
					   time_now(), NULL), 0);
	assert_int_equal(store_token_apply(f->s, TOKEN_VERIFY, hash_of(f->a, "t1"),
					   time_now(), NULL), ERR_NOTFOUND);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_true(got.verified);
	assert_int_equal(store_account_set_role(f->s, id, ROLE_ADMIN), 0);
	assert_int_equal(store_account_set_name(f->s, id, "Ann B."), 0);
	assert_int_equal(store_accounts_list(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].role, ROLE_ADMIN);
	assert_string_equal(list[0].name, "Ann B.");
	assert_int_equal(store_account_set_name(f->s, 999, "x"), ERR_NOTFOUND);
	assert_int_equal(role_from_name("editor"), ROLE_EDITOR);
	assert_int_equal(role_from_name("king"), -1);
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	int64_t id = make_account(f, "s@example.com"), now = 1000000;
	const char *s1 = hash_of(f->a, "one"), *s2 = hash_of(f->a, "two");
	struct account got;

	assert_int_equal(store_session_create(f->s, s1, id, now), 0);
	assert_int_equal(store_session_create(f->s, s2, id, now), 0);
	assert_int_equal(store_session_get(f->s, f->a, s1, now + 10, 100, 1000,
					   &got), 0);
	assert_int_equal(got.id, id);
	/* Idle too long: gone for good. */
	assert_int_equal(store_session_get(f->s, f->a, s1, now + 101, 100, 1000,
					   &got), ERR_NOTFOUND);
	assert_int_equal(store_session_get(f->s, f->a, s1, now + 10, 100, 1000,
					   &got), ERR_NOTFOUND);
	/* Use keeps a session alive, but not past its absolute age. */
	assert_int_equal(store_session_get(f->s, f->a, s2, now + 90, 100, 150,
					   &got), 0);
	assert_int_equal(store_session_get(f->s, f->a, s2, now + 140, 100, 150,
					   &got), 0);
	assert_int_equal(store_session_get(f->s, f->a, s2, now + 151, 100, 150,
					   &got), ERR_NOTFOUND);
	/* Ending all but one. */
	assert_int_equal(store_session_create(f->s, s1, id, now), 0);
	assert_int_equal(store_session_create(f->s, s2, id, now), 0);
	assert_int_equal(store_sessions_end(f->s, id, s2), 0);
	assert_int_equal(store_session_get(f->s, f->a, s1, now, 100, 1000, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_session_get(f->s, f->a, s2, now, 100, 1000, &got), 0);
	assert_int_equal(store_session_delete(f->s, s2), 0);
	assert_int_equal(store_session_get(f->s, f->a, s2, now, 100, 1000, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_session_get(f->s, f->a, "not a hash", now, 1, 1,
					   &got), ERR_NOTFOUND);
}

static void test_reset_tokens(void **state)
{
	struct fixture *f = *state;
	int64_t id = make_account(f, "r@example.com"), now = time_now();
	const char *t1 = hash_of(f->a, "reset1"), *t2 = hash_of(f->a, "reset2");
	const char *t3 = hash_of(f->a, "reset3"), *sess = hash_of(f->a, "sess");
	struct outbox_msg m = { "r@example.com", "Subject: x\r\n\r\ny\r\n" };
	struct account got;

	assert_int_equal(store_token_add(f->s, id, TOKEN_RESET, t1, NULL,
					 now + 3600, &m), 0);
	assert_int_equal(store_token_add(f->s, id, TOKEN_RESET, t2, NULL,
					 now + 3600, NULL), 0);
	assert_int_equal(store_token_add(f->s, id, TOKEN_RESET, t3, NULL,
					 now - 1, NULL), 0);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(store_token_find(f->s, f->a, TOKEN_RESET, t1, now, &got), 0);
	assert_int_equal(got.id, id);
	/* Expired, or of another purpose: not found. */
	assert_int_equal(store_token_find(f->s, f->a, TOKEN_RESET, t3, now, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_token_find(f->s, f->a, TOKEN_VERIFY, t1, now, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_account_set_password(f->s, id, "$argon2id$new", t3,
						    NULL, now, NULL), ERR_NOTFOUND);
	assert_int_equal(store_session_create(f->s, sess, id, now), 0);
	/* Using t1 sets the password, kills t2, ends sessions, queues mail. */
	assert_int_equal(store_account_set_password(f->s, id, "$argon2id$new", t1,
						    NULL, now, &m), 0);
	assert_int_equal(outbox_count(f), 2);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_string_equal(got.password, "$argon2id$new");
	assert_int_equal(store_token_find(f->s, f->a, TOKEN_RESET, t2, now, &got),
			 ERR_NOTFOUND);
	assert_int_equal(store_account_set_password(f->s, id, "$argon2id$again",
						    t1, NULL, now, NULL),
			 ERR_NOTFOUND);
	assert_int_equal(store_session_get(f->s, f->a, sess, now, 100, 1000, &got),
			 ERR_NOTFOUND);
}

static void test_email_change(void **state)
{
	struct fixture *f = *state;
	int64_t id = make_account(f, "old@example.com"), now = time_now();
	const char *t = hash_of(f->a, "e1"), *t2 = hash_of(f->a, "e2");
	struct account got;

	make_account(f, "taken@example.com");
	assert_int_equal(store_token_add(f->s, id, TOKEN_EMAIL, t, NULL, now + 60,
					 NULL), ERR_INVALID);
	assert_int_equal(store_token_add(f->s, id, TOKEN_EMAIL, t,
					 "new@example.com", now + 60, NULL), 0);
	assert_int_equal(store_token_add(f->s, id, TOKEN_EMAIL, t2,
					 "taken@example.com", now + 60, NULL), 0);
	assert_int_equal(store_token_apply(f->s, TOKEN_EMAIL, t2, now, NULL),
			 ERR_CONFLICT);
	assert_int_equal(store_token_apply(f->s, TOKEN_EMAIL, t, now, NULL), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_string_equal(got.email, "new@example.com");
	assert_true(got.verified);
}

static void test_delete_keeps_reactions(void **state)
{
	struct fixture *f = *state;
	struct article art = { .slug = "s", .headline = "S", .body = "B",
			       .status = ARTICLE_PUBLISHED, .published = 1000 };
	struct outbox_msg m = { "gone@example.com", "Subject: x\r\n\r\ny\r\n" };
	struct reaction_change ch = { 0 };
	struct reaction_state st;
	int64_t id = make_account(f, "gone@example.com"), art_id;
	struct account got;
	char key[32];

	assert_int_equal(store_article_put(f->s, &art, &art_id, NULL), 0);
	snprintf(key, sizeof(key), "u:%lld", (long long)id);
	ch.article_id = art_id;
	ch.reader = key;
	ch.op = REACTION_SET;
	ch.kind = 3;
	assert_int_equal(store_reactions_apply(f->s, &ch, 1), 0);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_account_delete(f->s, id), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), ERR_NOTFOUND);
	assert_int_equal(outbox_count(f), 0);
	assert_int_equal(store_reaction_state(f->s, art_id, NULL, &st), 0);
	assert_int_equal(st.total, 1);
	assert_int_equal(store_account_delete(f->s, id), ERR_NOTFOUND);
}

/*
 * Several nodes on one PostgreSQL database: a message one node took for
 * delivery is not due for another (claimed with SKIP LOCKED and a lease),
 * so each is sent once; a retry makes it due again for anyone.
 */
static void test_outbox_claim_once(void **state)
{
	struct fixture *f = *state;
	struct outbox_msg m = { "o@example.com", "Subject: x\r\n\r\ny\r\n" };
	struct outbox_item *a, *b;
	struct store *other;
	int64_t now = time_now();
	char err[256];
	size_t na, nb;

	if (!testdb_pg)
		skip();
	assert_int_equal(store_open(f->path, &other, err, sizeof(err)), 0);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_outbox_due(f->s, f->a, now + 1, 2, &a, &na), 0);
	assert_int_equal(na, 2);
	assert_int_equal(store_outbox_due(other, f->a, now + 1, 10, &b, &nb), 0);
	assert_int_equal(nb, 1);
	assert_true(b[0].id != a[0].id && b[0].id != a[1].id);
	assert_int_equal(store_outbox_due(other, f->a, now + 1, 10, &b, &nb), 0);
	assert_int_equal(nb, 0);
	assert_int_equal(store_outbox_retry(f->s, a[0].id, now, "down"), 0);
	assert_int_equal(store_outbox_due(other, f->a, now + 1, 10, &b, &nb), 0);
	assert_int_equal(nb, 1);
	assert_int_equal(b[0].id, a[0].id);
	assert_int_equal(b[0].attempts, 1);
	store_close(other);
}

static void test_outbox(void **state)
{
	struct fixture *f = *state;
	struct outbox_msg m = { "o@example.com", "Subject: x\r\n\r\ny\r\n" };
	struct outbox_item *items;
	int64_t now = time_now(), next;
	size_t n;

	assert_int_equal(store_outbox_next(f->s, &next), ERR_NOTFOUND);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_outbox_add(f->s, &m), 0);
	assert_int_equal(store_outbox_due(f->s, f->a, now + 1, 1, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].to, "o@example.com");
	assert_int_equal(items[0].attempts, 0);
	assert_int_equal(store_outbox_retry(f->s, items[0].id, now + 100, "down"), 0);
	assert_int_equal(store_outbox_due(f->s, f->a, now + 1, 10, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_outbox_sent(f->s, items[0].id), 0);
	assert_int_equal(store_outbox_next(f->s, &next), 0);
	assert_int_equal(next, now + 100);
	assert_int_equal(store_outbox_due(f->s, f->a, now + 100, 10, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].attempts, 1);
	assert_int_equal(mail_retry_delay(0), 1);
	assert_int_equal(mail_retry_delay(3), 8);
	assert_int_equal(mail_retry_delay(40), 300);
}

/*
 * A bounce marks the account with the address (any case); notices to it
 * are left out while it bounces, mail the reader asked for is not; a
 * confirmation, a new address or a reset link clears it.
 */
static void test_bounces(void **state)
{
	struct fixture *f = *state;
	int64_t id = make_account(f, "Bee@example.com"), now = time_now();
	struct outbox_msg notice = { "bee@example.com", "Subject: x\r\n\r\ny\r\n",
				     true };
	struct outbox_msg asked = { "bee@example.com", "Subject: x\r\n\r\ny\r\n",
				    false };
	struct outbox_msg other = { "cee@example.com", "Subject: x\r\n\r\ny\r\n",
				    true };
	struct account got, *list;
	size_t n;

	make_account(f, "cee@example.com");
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, 0);
	assert_string_equal(got.bounce_reason, "");
	assert_int_equal(store_outbox_add(f->s, &notice), 0);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(store_address_bounced(f->s, "BEE@example.COM", now,
					       "the server answered 550"), 0);
	assert_int_equal(store_address_bounced(f->s, "nobody@example.com", now,
					       "550"), 0);
	assert_int_equal(store_address_bounced(f->s, "", now, "550"), ERR_INVALID);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, now);
	assert_string_equal(got.bounce_reason, "the server answered 550");
	assert_int_equal(store_accounts_list(f->s, f->a, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].bounced, now);
	assert_int_equal(list[1].bounced, 0);
	/* A notice is left out (no error), other mail goes. */
	assert_int_equal(store_outbox_add(f->s, &notice), 0);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(store_outbox_add(f->s, &asked), 0);
	assert_int_equal(outbox_count(f), 2);
	assert_int_equal(store_outbox_add(f->s, &other), 0);
	assert_int_equal(outbox_count(f), 3);
	/* Confirmed again: notices go again. */
	assert_int_equal(store_token_add(f->s, id, TOKEN_VERIFY,
					 hash_of(f->a, "b1"), NULL, now + 60,
					 &asked), 0);
	assert_int_equal(outbox_count(f), 4);
	assert_int_equal(store_token_apply(f->s, TOKEN_VERIFY, hash_of(f->a, "b1"),
					   now, NULL), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, 0);
	assert_int_equal(store_outbox_add(f->s, &notice), 0);
	assert_int_equal(outbox_count(f), 5);
	/* A reset link clears it too; a password changed without one not. */
	assert_int_equal(store_address_bounced(f->s, "bee@example.com", now, "550"), 0);
	assert_int_equal(store_account_set_password(f->s, id, "$argon2id$y", NULL,
						    NULL, now, NULL), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, now);
	assert_int_equal(store_token_add(f->s, id, TOKEN_RESET, hash_of(f->a, "r1"),
					 NULL, now + 60, NULL), 0);
	assert_int_equal(store_account_set_password(f->s, id, "$argon2id$z",
						    hash_of(f->a, "r1"), NULL,
						    now, &notice), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, 0);
	assert_int_equal(outbox_count(f), 6);
	/* A new address is confirmed by its link: no bounce either. */
	assert_int_equal(store_address_bounced(f->s, "bee@example.com", now, "550"), 0);
	assert_int_equal(store_token_add(f->s, id, TOKEN_EMAIL, hash_of(f->a, "e1"),
					 "dee@example.com", now + 60, NULL), 0);
	assert_int_equal(store_token_apply(f->s, TOKEN_EMAIL, hash_of(f->a, "e1"),
					   now, NULL), 0);
	assert_int_equal(store_account_by_id(f->s, f->a, id, &got), 0);
	assert_int_equal(got.bounced, 0);
	assert_string_equal(got.bounce_reason, "");
}

static void test_passwords(void **state)
{
	char h[PASSWORD_HASH_MAX], weak[PASSWORD_HASH_MAX], longpw[300];
	bool rehash = true;

	(void)state;
	assert_int_equal(password_check("1234567"), ERR_INVALID);
	assert_int_equal(password_check("12345678"), 0);
	assert_int_equal(password_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 0);
	assert_int_equal(password_check("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"),
			 ERR_INVALID);
	memset(longpw, 'a', 257);
	longpw[257] = '\0';
	assert_int_equal(password_check(longpw), ERR_INVALID);
	longpw[256] = '\0';
	assert_int_equal(password_check(longpw), 0);
	assert_int_equal(password_check(NULL), ERR_INVALID);

	assert_int_equal(password_hash("correct horse", h), 0);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(password_verify(h, "correct horse", &rehash), 0);
	assert_false(rehash);
	assert_int_equal(password_verify(h, "correct horsE", &rehash), ERR_INVALID);
	assert_int_equal(password_verify("$2y$10$bcrypt", "x", &rehash), ERR_INVALID);
	/* A hash made with other limits verifies and asks for a rehash. */
	assert_int_equal(crypto_pwhash_str_alg(weak, "correct horse", 13,
			 crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
			 crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_int_equal(password_verify(weak, "correct horse", &rehash), 0);
	assert_true(rehash);
}

/* The dummy hash has today's limits (no hashing at start-up) and is a
 * real argon2id hash that an ordinary password does not match. */
static void test_password_dummy(void **state)
{
	char dummy[PASSWORD_HASH_MAX];
	bool rehash = true;

	(void)state;
	assert_int_equal(password_dummy(dummy), 0);
	assert_true(!strncmp(dummy, "$argon2id$", 10));
	assert_int_equal(crypto_pwhash_str_needs_rehash(dummy,
		crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	assert_int_not_equal(password_verify(dummy, "password123", &rehash), 0);
}

static void test_tokens(void **state)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE], h[TOKEN_HASH_SIZE];

	(void)state;
	token_new(a);
	token_new(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_true(token_valid(a));
	assert_string_not_equal(a, b);
	token_hash(a, h);
	assert_int_equal(strlen(h), 64);
	assert_null(strstr(h, a));
	assert_false(token_valid(NULL));
	assert_false(token_valid("short"));
	a[5] = '+';
	assert_false(token_valid(a));
}

static void test_addresses(void **state)
{
	static const char *const good[] = {
		"a@example.com", "first.last+tag@sub.example.org", "x_y-z@a-b.io",
		"o'neil@example.ie",
	};
	static const char *const bad[] = {
		"", "a", "@example.com", "a@", "a@example", "a@@example.com",
		"a b@example.com", "a@exa mple.com", "<a>@example.com",
		"a@example.com\r\nBcc: x@example.com", ".a@example.com",
		"a..b@example.com", "a@-example.com", "a@example-.com",
		"a@example..com", "a\"b@example.com", "a,b@example.com",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(mail_address_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(mail_address_valid(bad[i]));
	assert_false(mail_address_valid(NULL));
}

static void test_mail_format(void **state)
{
	struct fixture *f = *state;
	char *m = mail_format(f->a, "news@example.com", "ann@example.com",
			      "Hello", "line one\nline two\n", 0);

	assert_non_null(m);
	assert_memory_equal(m, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n", 39);
	assert_non_null(strstr(m, "\r\nMessage-ID: <"));
	assert_non_null(strstr(m, "@example.com>\r\n"));
	assert_non_null(strstr(m, "\r\nFrom: news@example.com\r\nTo: ann@example.com\r\n"
			       "Subject: Hello\r\n"));
	assert_non_null(strstr(m, "\r\n\r\nline one\r\nline two\r\n"));
	assert_null(strstr(m + 10, "\n\n"));
	m = mail_format(f->a, "news@example.com", "ann@example.com",
			"Caf\xc3\xa9 news", "x", 0);
	assert_non_null(strstr(m, "Subject: =?UTF-8?B?Q2Fmw6kgbmV3cw==?=\r\n"));
	assert_null(mail_format(f->a, "news@example.com", "ann@example.com",
				"Hi\r\nBcc: x@example.com", "x", 0));
	assert_null(mail_format(f->a, "news@example.com", "bad address", "Hi",
				"x", 0));
	/* One-click unsubscribe headers, for a URL that fits a header only. */
	m = mail_format_list(f->a, "news@example.com", "ann@example.com", "Hi",
			     "x", 0, "https://news.example.com/u/1.ab");
	assert_non_null(strstr(m, "\r\nList-Unsubscribe: <https://news.example."
			       "com/u/1.ab>\r\nList-Unsubscribe-Post: List-"
			       "Unsubscribe=One-Click\r\n"));
	assert_true(strstr(m, "List-Unsubscribe") < strstr(m, "\r\n\r\n"));
	assert_null(strstr(mail_format(f->a, "news@example.com",
				       "ann@example.com", "Hi", "x", 0),
			   "List-Unsubscribe"));
	assert_null(mail_format_list(f->a, "news@example.com", "ann@example.com",
				     "Hi", "x", 0, "https://x/>\r\nBcc: y"));
	assert_null(mail_format_list(f->a, "news@example.com", "ann@example.com",
				     "Hi", "x", 0, "javascript:alert(1)"));
}

static void test_return_paths(void **state)
{
	(void)state;
	assert_true(account_return_ok("/"));
	assert_true(account_return_ok("/world/2026/01/02/x/?a=b"));
	assert_false(account_return_ok(NULL));
	assert_false(account_return_ok(""));
	assert_false(account_return_ok("//evil.example/"));
	assert_false(account_return_ok("/\\evil.example"));
	assert_false(account_return_ok("https://evil.example/"));
	assert_false(account_return_ok("/a\r\nSet-Cookie: x"));
	assert_false(account_return_ok("/a b"));
}

static void test_peek(void **state)
{
	struct ratelimit *rl = ratelimit_new(2);
	unsigned retry = 0;

	(void)state;
	assert_true(ratelimit_peek(rl, "k", 0, &retry));
	assert_true(ratelimit_peek(rl, "k", 0, &retry));
	assert_true(ratelimit_take(rl, "k", 0, &retry));
	assert_true(ratelimit_take(rl, "k", 0, &retry));
	assert_false(ratelimit_peek(rl, "k", 0, &retry));
	assert_true(retry >= 1);
	assert_true(ratelimit_peek(rl, "k", 30000, &retry));
	ratelimit_free(rl);
}

/* A shared store of one key: allows while fewer than 2 taken; "down"
 * makes it fail as a database that is away would. */
struct fake_shared {
	int taken;
	bool down;
	char last_key[64];
	bool last_take;
};

static int fake_shared_fn(void *arg, const char *key, unsigned per_minute,
			  bool take, bool *allowed, unsigned *retry_after)
{
	struct fake_shared *f = arg;

	if (f->down)
		return ERR_DB;
	snprintf(f->last_key, sizeof(f->last_key), "%s", key);
	f->last_take = take;
	*allowed = f->taken < (int)per_minute;
	if (*allowed && take)
		f->taken++;
	if (!*allowed)
		*retry_after = 7;
	return 0;
}

/* A shared limiter asks the callback with its name in the key; the local
 * table decides only while the callback fails. */
static void test_shared(void **state)
{
	struct ratelimit *rl = ratelimit_new(2);
	struct fake_shared f = { 0 };
	unsigned retry = 0;

	(void)state;
	ratelimit_share(rl, "login_ip", fake_shared_fn, &f);
	assert_true(ratelimit_peek(rl, "1.2.3.4", 0, &retry));
	assert_string_equal(f.last_key, "login_ip:1.2.3.4");
	assert_false(f.last_take);
	assert_true(ratelimit_take(rl, "1.2.3.4", 0, &retry));
	assert_true(ratelimit_take(rl, "5.6.7.8", 0, &retry));
	assert_true(f.last_take);
	assert_int_equal(f.taken, 2);
	/* The shared count is what limits, not this process's per key. */
	assert_false(ratelimit_take(rl, "9.9.9.9", 0, &retry));
	assert_int_equal(retry, 7);
	/* Store away: this process's own table (2 a minute per key). */
	f.down = true;
	assert_true(ratelimit_take(rl, "9.9.9.9", 0, &retry));
	assert_true(ratelimit_take(rl, "9.9.9.9", 0, &retry));
	assert_false(ratelimit_take(rl, "9.9.9.9", 0, &retry));
	ratelimit_free(rl);
}

struct pool_count {
	pthread_mutex_t lock;
	int n;
};

static void bump(void *arg)
{
	struct pool_count *c = arg;

	pthread_mutex_lock(&c->lock);
	c->n++;
	pthread_mutex_unlock(&c->lock);
}

static void test_pool(void **state)
{
	struct pool_count c = { PTHREAD_MUTEX_INITIALIZER, 0 };
	struct auth_pool *p = auth_pool_start(3);
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		auth_pool_submit(p, bump, &c);
	auth_pool_stop(p);	/* runs everything queued first */
	assert_int_equal(c.n, 100);
}

/* Inflate a gzip stream into @out (NUL-terminated); its length. */
static size_t gunzip(const char *in, size_t len, char *out, size_t cap)
{
	z_stream zs = { 0 };
	int rc;

	assert_int_equal(inflateInit2(&zs, 16 + 15), Z_OK);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (unsigned char *)out;
	zs.avail_out = (uInt)cap - 1;
	rc = inflate(&zs, Z_FINISH);
	assert_int_equal(rc, Z_STREAM_END);	/* CRC and length checked */
	inflateEnd(&zs);
	out[cap - 1 - zs.avail_out] = '\0';
	return cap - 1 - zs.avail_out;
}

/* A cached page with an account area (and a hole or not) gives, with a
 * reader's area spliced in, the same page as identity and as gzip. */
static void test_account_splice(void **state)
{
	static const char area[] = "<div>ANON</div>";
	struct fixture *f = *state;
	struct page_cache *pc = page_cache_new();
	int with_hole;

	for (with_hole = 0; with_hole < 2; with_hole++) {
		struct buf page, id, gz;
		struct cached_page p;
		struct hole_fill fill = { .html = "<p>MID</p>", .len = 10 };
		char want[8192], got[8192];
		size_t off, i;

		buf_init(&page, f->a, 1 << 20);
		buf_adds(&page, "<html><header>");
		off = page.len;
		buf_adds(&page, area);
		for (i = 0; i < 200; i++)
			buf_printf(&page, "<p>paragraph %zu</p>", i);
		if (with_hole)
			buf_adds(&page, PAGE_HOLE_OPEN "7:slug" PAGE_HOLE_CLOSE);
		buf_adds(&page, "<footer></footer></html>");
		page_cache_put(pc, with_hole ? "/a" : "/b", 1, "text/html",
			       page.data, page.len, 0, off, sizeof(area) - 1, 0, &p);
		assert_int_equal(p.acct_off, off);
		hole_fill_finish(&fill);
		snprintf(want, sizeof(want), "%.*s<b>Reader</b>%s", (int)off,
			 page.data, page.data + off + sizeof(area) - 1);
		if (with_hole) {
			char *mark = strstr(want, PAGE_HOLE_OPEN);
			char tail[4096];

			snprintf(tail, sizeof(tail), "%s", strstr(mark,
				 PAGE_HOLE_CLOSE) + sizeof(PAGE_HOLE_CLOSE) - 1);
			snprintf(mark, sizeof(want) - (size_t)(mark - want),
				 "<p>MID</p>%s", tail);
		}
		buf_init(&id, f->a, 1 << 20);
		buf_init(&gz, f->a, 1 << 20);
		assert_int_equal(page_assemble_account(&p, "<b>Reader</b>", 13,
				 with_hole ? &fill : NULL, false, &id), 0);
		assert_int_equal(page_assemble_account(&p, "<b>Reader</b>", 13,
				 with_hole ? &fill : NULL, true, &gz), 0);
		assert_int_equal(id.len, strlen(want));
		assert_memory_equal(id.data, want, id.len);
		assert_int_equal(gunzip(gz.data, gz.len, got, sizeof(got)),
				 strlen(want));
		assert_string_equal(got, want);
		/* A hole must be filled exactly when the page has one. */
		assert_int_equal(page_assemble_account(&p, "x", 1, with_hole ?
				 NULL : &fill, false, &id), ERR_INVALID);
		cached_page_release(&p);
	}
	page_cache_free(pc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_account_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_keeps_reactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_claim_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounces, setup, teardown),
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_password_dummy),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test_setup_teardown(test_mail_format, setup, teardown),
		cmocka_unit_test(test_return_paths),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_pool),
		cmocka_unit_test_setup_teardown(test_account_splice, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return testdb_run_groups(tests);
}
