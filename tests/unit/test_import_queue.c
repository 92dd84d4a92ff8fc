/*
 * test_import_queue.c - unit tests for src/import/import_queue.c: jobs
 * run in the order pushed on the queue's own thread, the producer waits
 * for a free slot, the first error is kept and reported, later jobs are
 * told of it, and end() runs once after the last job.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/err.h"
#include "import/import_queue.h"

#define JOBS 1000

struct seen {
	pthread_t producer;
	int order[JOBS];
	int n, failed_told, ends, end_failed, fail_at;
	bool other_thread;
	int slow;		/* µs each job takes */
};

struct slot {
	int value;
};

static int run(void *ctx, void *p, int failed)
{
	struct seen *s = ctx;
	struct slot *slot = p;

	if (!pthread_equal(pthread_self(), s->producer))
		s->other_thread = true;
	if (s->slow)
		usleep((useconds_t)s->slow);
	if (failed) {
		s->failed_told++;
		return 0;
	}
	s->order[s->n++] = slot->value;
	return slot->value == s->fail_at ? ERR_CONFLICT : 0;
}

static int end(void *ctx, int failed)
{
	struct seen *s = ctx;

	s->ends++;
	s->end_failed = failed;
	return 0;
}

static void test_in_order(void **state)
{
	struct seen s = { .producer = pthread_self(), .fail_at = -1 };
	struct imp_queue *q = impq_new(4, sizeof(struct slot), run, end, &s);
	int i;

	(void)state;
	assert_non_null(q);
	for (i = 0; i < JOBS; i++) {
		void *p;

		assert_int_equal(impq_next(q, &p), 0);
		((struct slot *)p)->value = i;
		impq_push(q);
		if (i == JOBS / 2) {
			assert_int_equal(impq_wait(q), 0);
			assert_int_equal(s.n, JOBS / 2 + 1);
		}
	}
	assert_int_equal(impq_wait(q), 0);
	assert_int_equal(s.n, JOBS);
	assert_int_equal(s.ends, 0);
	assert_int_equal(impq_close(q, NULL), 0);
	assert_int_equal(s.ends, 1);
	assert_int_equal(s.end_failed, 0);
	assert_true(s.other_thread);
	for (i = 0; i < JOBS; i++)
		assert_int_equal(s.order[i], i);
}

static void test_first_error_kept(void **state)
{
	struct seen s = { .producer = pthread_self(), .fail_at = 10, .slow = 200 };
	struct imp_queue *q = impq_new(3, sizeof(struct slot), run, end, &s);
	int i, e = 0, pushed = 0;

	(void)state;
	for (i = 0; i < 100 && !e; i++) {
		void *p;

		if ((e = impq_next(q, &p))) {
			assert_null(p);
			break;
		}
		((struct slot *)p)->value = i;
		impq_push(q);
		pushed++;
	}
	assert_int_equal(e, ERR_CONFLICT);
	/* The producer heard of it while at most a queue's depth ahead. */
	assert_true(pushed > 10 && pushed <= 10 + 1 + 3);
	assert_int_equal(impq_wait(q), ERR_CONFLICT);
	assert_int_equal(impq_close(q, NULL), ERR_CONFLICT);
	assert_int_equal(s.n, 11);	/* 0 to 10, the failing one last */
	assert_int_equal(s.failed_told, pushed - 11);
	assert_int_equal(s.ends, 1);
	assert_int_equal(s.end_failed, ERR_CONFLICT);
}

static int freed;

static void each(void *p)
{
	(void)p;
	freed++;
}

static void test_close_runs_what_is_pushed(void **state)
{
	struct seen s = { .producer = pthread_self(), .fail_at = -1, .slow = 1000 };
	struct imp_queue *q = impq_new(8, sizeof(struct slot), run, end, &s);
	int i;

	(void)state;
	for (i = 0; i < 8; i++) {
		void *p;

		assert_int_equal(impq_next(q, &p), 0);
		((struct slot *)p)->value = i;
		impq_push(q);
	}
	freed = 0;
	assert_int_equal(impq_close(q, each), 0);
	assert_int_equal(s.n, 8);
	assert_int_equal(s.ends, 1);
	assert_int_equal(freed, 8);
	assert_int_equal(impq_close(NULL, each), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_first_error_kept),
		cmocka_unit_test(test_close_runs_what_is_pushed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
