/*
 * cli_user.c - "dateline user add|list|set-role": reader accounts from the
 * command line.  Accounts made here are verified (the operator vouches for
 * the address); the first admin of a site is made this way.  The password
 * is read from standard input (--password-stdin), never from an argument
 * that other users could see in the process list.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/passwords.h"
#include "cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "mail/message.h"
#include "store/store.h"

/* One line from stdin without its line end; false when there is none. */
static bool read_password(char *out, size_t len)
{
	size_t n;

	if (!fgets(out, (int)len, stdin))
		return false;
	n = strcspn(out, "\r\n");
	if (n == len - 1 && !feof(stdin))
		return false;	/* longer than any password we take */
	out[n] = '\0';
	return true;
}

static char *lower(char *s)
{
	char *p;

	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static int user_add(const char *db, const char *email, const char *name,
		    const char *role, int pw_stdin)
{
	char pw[PASSWORD_MAX * 4 + 2], hash[PASSWORD_HASH_MAX], addr[256];
	struct account a = { 0 };
	struct store *s;
	int64_t id;
	int r, k = role_from_name(role ? role : "reader");

	if (!email || !name || !pw_stdin) {
		fprintf(stderr, "error: 'user add' needs --email, --name and"
			" --password-stdin\n");
		return 2;
	}
	if (strlen(email) >= sizeof(addr) ||
	    (snprintf(addr, sizeof(addr), "%s", email),
	     !mail_address_valid(lower(addr)))) {
		fprintf(stderr, "error: '%s' is not an e-mail address\n", email);
		return 2;
	}
	if (k < 0) {
		fprintf(stderr, "error: unknown role '%s' (reader, author,"
			" editor or admin)\n", role);
		return 2;
	}
	if (!*name || strlen(name) > 240 || strpbrk(name, "\r\n\t")) {
		fprintf(stderr, "error: the display name must be one line of"
			" 1 to 60 characters\n");
		return 2;
	}
	if (!read_password(pw, sizeof(pw)) || password_check(pw)) {
		fprintf(stderr, "error: the password on standard input must be"
			" 8 to 256 characters\n");
		return 2;
	}
	if (password_hash(pw, hash)) {
		fprintf(stderr, "error: not enough memory to hash the password\n");
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	if (cli_open_store(db, &s))
		return 1;
	a.email = addr;
	a.name = name;
	a.password = hash;
	a.role = (enum account_role)k;
	a.verified = true;
	r = store_account_create(s, &a, NULL, 0, NULL, &id);
	store_close(s);
	if (r == ERR_CONFLICT) {
		fprintf(stderr, "error: an account with '%s' exists already\n",
			addr);
		return 1;
	}
	if (r) {
		fprintf(stderr, "error: cannot add the account: %s\n", err_str(r));
		return 1;
	}
	printf("%lld\t%s\t%s\n", (long long)id, addr, role_names[k]);
	return 0;
}

static int user_list(const char *db)
{
	struct arena *a = arena_new(0);
	struct account *list;
	struct store *s;
	size_t n, i;
	int r;

	if (cli_open_store(db, &s)) {
		arena_free(a);
		return 1;
	}
	r = store_accounts_list(s, a, &list, &n);
	store_close(s);
	if (r) {
		fprintf(stderr, "error: cannot list the accounts: %s\n", err_str(r));
		arena_free(a);
		return 1;
	}
	printf("ID\tROLE\tVERIFIED\tCREATED\tEMAIL\tNAME\n");
	for (i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)list[i].id,
		       role_names[list[i].role], list[i].verified ? "yes" : "no",
		       time_iso(a, list[i].created), list[i].email, list[i].name);
	arena_free(a);
	return 0;
}

static int user_set_role(const char *db, const char *email, const char *role)
{
	struct arena *a;
	struct account acct;
	struct store *s;
	int r, k = role_from_name(role);

	if (!email || !role) {
		fprintf(stderr, "error: 'user set-role' needs --email and --role\n");
		return 2;
	}
	if (k < 0) {
		fprintf(stderr, "error: unknown role '%s' (reader, author,"
			" editor or admin)\n", role);
		return 2;
	}
	if (cli_open_store(db, &s))
		return 1;
	a = arena_new(0);
	r = store_account_by_email(s, a, email, &acct);
	if (!r)
		r = store_account_set_role(s, acct.id, (enum account_role)k);
	store_close(s);
	arena_free(a);
	if (r == ERR_NOTFOUND) {
		fprintf(stderr, "error: no account has the address '%s'\n", email);
		return 1;
	}
	if (r) {
		fprintf(stderr, "error: cannot change the role: %s\n", err_str(r));
		return 1;
	}
	printf("%s\t%s\n", email, role_names[k]);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	const char *db = NULL, *email = NULL, *name = NULL, *role = NULL;
	const char *pos[2];
	int pw_stdin = 0, npos, r;
	const struct opt opts[] = {
		{ "db", "DATELINE_DB", "PATH", "the site database (SQLite file)", &db, NULL },
		{ "email", NULL, "ADDRESS", "the account's e-mail address", &email, NULL },
		{ "name", NULL, "NAME", "display name (add)", &name, NULL },
		{ "role", NULL, "ROLE", "reader, author, editor or admin (add: default reader)", &role, NULL },
		{ "password-stdin", NULL, NULL, "read the password from the first line of standard input (add)", NULL, &pw_stdin },
		{ 0 },
	};

	if ((r = opts_parse(argc, argv, opts,
			    "usage: dateline user add --db PATH --email E --name N"
			    " [--role R] --password-stdin\n"
			    "       dateline user list --db PATH\n"
			    "       dateline user set-role --db PATH --email E --role R\n\n"
			    "add:      create a verified account (the first admin is made this way)\n"
			    "list:     list the accounts, tab-separated\n"
			    "set-role: change the role of the account with address E",
			    pos, 2, &npos)) >= 0)
		return r;
	if ((r = cli_start(db)) >= 0)
		return r;
	if (npos == 1 && !strcmp(pos[0], "add"))
		return user_add(db, email, name, role, pw_stdin);
	if (npos == 1 && !strcmp(pos[0], "list"))
		return user_list(db);
	if (npos == 1 && !strcmp(pos[0], "set-role"))
		return user_set_role(db, email, role);
	fprintf(stderr, "error: expected 'user add', 'user list' or 'user"
		" set-role' (try --help)\n");
	return 2;
}
