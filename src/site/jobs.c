/*
 * jobs.c - a request's work on a thread pool, answered on a connection
 * thread (see jobs.h).
 */
#include "jobs.h"

#include <string.h>
#include <time.h>

#include "auth/passwords.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "site_int.h"

static void job_run(void *arg)
{
	struct site_job *j = arg;

	j->work(j);
	http_resume(j->defer);	/* touch nothing of @j after this */
}

static void job_finish(void *arg, struct http_request *req,
		       struct http_response *res)
{
	struct site_job *j = arg;

	if (j->set_cookie)
		http_add_header(res, "Set-Cookie", j->set_cookie);
	j->answer(j, req, res);
}

struct site_job *job_new(struct site *site, struct http_request *req,
			 job_fn work, job_answer answer)
{
	struct site_job *j = arena_zalloc(req->arena, sizeof(*j));
	struct reader_state *rs = site_reader(site, req);

	j->site = site;
	j->req = req;
	j->work = work;
	j->answer = answer;
	j->start_ms = time_mono_ms();
	j->logged_in = rs->logged_in;
	if (rs->logged_in) {
		j->acct = rs->account;
		memcpy(j->session_hash, rs->session_hash, sizeof(j->session_hash));
	}
	return j;
}

void job_submit(struct site_job *j)
{
	job_submit_to(j, j->site->auth_pool);
}

void job_submit_to(struct site_job *j, struct auth_pool *pool)
{
	j->defer = http_defer(j->req, job_finish, j);
	auth_pool_submit(pool, job_run, j);
}

void job_equal_time(struct site_job *j, int ms)
{
	int64_t left = j->start_ms + ms - time_mono_ms();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = left / 1000;
	ts.tv_nsec = (left % 1000) * 1000000;
	nanosleep(&ts, NULL);
}
