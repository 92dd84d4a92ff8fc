/*
 * jobs.h - work a request must not do on a connection thread (argon2id,
 * a durable write, processing a photo), run on a thread pool while the
 * connection sleeps.  Accounts, comments and the newsroom use it.  Not
 * used outside src/site/.
 *
 * A handler makes a job (job_new()), fills its inputs and submits it: the
 * connection is suspended (http_defer) and @work runs on a pool thread;
 * it then resumes the connection, and @answer fills the response on a
 * connection thread.  No thread waits for the work meanwhile.  A job
 * lives in the request's arena.
 */
#ifndef DATELINE_JOBS_H
#define DATELINE_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/tokens.h"
#include "http/http.h"
#include "store/store.h"

struct site;
struct auth_pool;

struct site_job;
typedef void (*job_fn)(struct site_job *j);
typedef void (*job_answer)(struct site_job *j, struct http_request *req,
			   struct http_response *res);

struct site_job {
	struct site *site;
	struct http_request *req;
	struct http_deferred *defer;
	job_fn work;		/* on a pool thread */
	job_answer answer;	/* on a connection thread, after work */
	int64_t start_ms;	/* monotonic, when the request came */
	/* Inputs of the account jobs (arena strings). */
	const char *email, *name, *password, *new_password, *next;
	char token_hash[TOKEN_HASH_SIZE];
	bool logged_in;
	struct account acct;	/* the logged-in reader */
	char session_hash[TOKEN_HASH_SIZE];
	/* Outputs. */
	int result;
	const char *set_cookie;	/* sent with the answer when set */
	const char *field_error;	/* which field failed: "password", ... */
	void *data;		/* the state of other kinds of job */
};

/* A job for this request (arena), with the reader's session copied in. */
struct site_job *job_new(struct site *site, struct http_request *req,
			 job_fn work, job_answer answer);
/* Suspend the connection and run the job on the auth pool. */
void job_submit(struct site_job *j);
/* The same on another pool (the newsroom's workers). */
void job_submit_to(struct site_job *j, struct auth_pool *pool);
/* Sleep on the pool thread until @ms after the request came. */
void job_equal_time(struct site_job *j, int ms);

#endif
