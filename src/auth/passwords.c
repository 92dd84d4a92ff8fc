/*
 * passwords.c - argon2id hashing through libsodium, and the auth pool.
 */
#include "passwords.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/escape.h"
#include "core/log.h"

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE
#define POOL_MAX_THREADS 16

int password_check(const char *pw)
{
	size_t len, chars = 0, i;

	if (!pw)
		return ERR_INVALID;
	len = strlen(pw);
	if (len > PASSWORD_MAX * 4 || !utf8_valid(pw, len))
		return ERR_INVALID;
	for (i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	return chars >= PASSWORD_MIN && chars <= PASSWORD_MAX ? 0 : ERR_INVALID;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), OPS, MEM,
				  crypto_pwhash_ALG_ARGON2ID13))
		return ERR_NOMEM;
	return 0;
}

int password_verify(const char *stored, const char *pw, bool *rehash)
{
	*rehash = false;
	if (!stored || strncmp(stored, "$argon2id$", 10) ||
	    strlen(stored) >= PASSWORD_HASH_MAX ||
	    crypto_pwhash_str_verify(stored, pw, strlen(pw)))
		return ERR_INVALID;
	*rehash = crypto_pwhash_str_needs_rehash(stored, OPS, MEM) != 0;
	return 0;
}

struct job {
	struct job *next;
	void (*fn)(void *arg);
	void *arg;
};

struct auth_pool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *head, **tail;
	bool stopping;
	unsigned n;
	pthread_t threads[POOL_MAX_THREADS];
};

static void *pool_main(void *arg)
{
	struct auth_pool *p = arg;

	for (;;) {
		struct job *j;

		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		j = p->head;
		if (!j) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		p->head = j->next;
		if (!p->head)
			p->tail = &p->head;
		pthread_mutex_unlock(&p->lock);
		j->fn(j->arg);
		free(j);
	}
	return NULL;
}

struct auth_pool *auth_pool_start(unsigned threads)
{
	struct auth_pool *p = xcalloc(1, sizeof(*p));
	unsigned i;

	if (threads < 1)
		threads = 1;
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->tail = &p->head;
	for (i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, pool_main, p)) {
			log_err("cannot start an auth pool thread");
			abort();
		}
	}
	p->n = threads;
	return p;
}

void auth_pool_submit(struct auth_pool *p, void (*fn)(void *arg), void *arg)
{
	struct job *j = xmalloc(sizeof(*j));

	j->next = NULL;
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&p->lock);
	*p->tail = j;
	p->tail = &j->next;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void auth_pool_stop(struct auth_pool *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}

/* Made by crypto_pwhash_str_alg() with OPS and MEM from random bytes. */
static const char dummy_hash[PASSWORD_HASH_MAX] =
	"$argon2id$v=19$m=65536,t=2,p=1$Jdu/Us48a2cYk9AnVL1OUQ$"
	"1n6ep+pbDDe3xkMZU8vGHnJUZ93D4U6lebCjhwZoxUM";

int password_dummy(char out[PASSWORD_HASH_MAX])
{
	unsigned char pw[24];
	char hex[49];

	if (crypto_pwhash_str_needs_rehash(dummy_hash, OPS, MEM) == 0) {
		memcpy(out, dummy_hash, sizeof(dummy_hash));
		return 0;
	}
	randombytes_buf(pw, sizeof(pw));
	sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
	return password_hash(hex, out);
}
