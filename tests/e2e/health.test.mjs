// health.test.mjs - what load balancers and monitoring ask: /healthz,
// /readyz (a database round trip; 503 with Retry-After when the database
// is gone) and /metrics (the Prometheus text format, checked by Debian's
// promtool; loopback clients only unless --metrics-listen moves it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import {
	PG, addArticle, freePort, get, makeSite, metricSample, promtool, removeDir, request, sleep, startServer,
} from './lib.mjs';

const sample = metricSample;

describe('health and metrics', () => {
	let site, srv, story;
	before(async () => {
		site = await makeSite();
		story = await addArticle(site, { headline: 'Counted story', published: '2025-04-01T08:00:00Z' }, 'Text.\n');
		srv = await startServer({ db: site.db, quiet: false, args: ['--reaction-rate-limit', '0'] });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	it('/healthz and /readyz answer 200, uncached, and stay out of the access log', async () => {
		const h = await get(`${srv.url}/healthz`);
		assert.equal(h.text, 'ok\n');
		assert.equal(h.headers['cache-control'], 'no-store');
		const r = await get(`${srv.url}/readyz`);
		assert.match(r.text, /^ready: database round trip \d+\.\d ms\n/);
		assert.equal(r.headers['cache-control'], 'no-store');
		assert.match(r.headers['content-type'], /^text\/plain/);
		await get(`${srv.url}/metrics`);
		await get(`${srv.url}/robots.txt`);
		await sleep(200);
		const log = srv.stdout();
		assert.match(log, /GET \/robots\.txt/, 'other requests are logged');
		assert.doesNotMatch(log, /healthz|readyz|\/metrics/, 'health checks are not');
		const post = await request(`${srv.url}/healthz`, { method: 'POST' });
		assert.equal(post.status, 405);
	});

	it('/metrics passes promtool and counts requests, cache hits and reaction batches', async () => {
		const m0 = (await get(`${srv.url}/metrics`)).text;
		assert.match((await get(`${srv.url}/metrics`)).headers['content-type'], /^text\/plain; version=0\.0\.4/);
		const p = promtool(m0);
		assert.equal(p.code, 0, `promtool check metrics: ${p.out}`);
		assert.equal(p.out, '', `promtool finds nothing to lint: ${p.out}`);
		for (const name of ['dateline_http_request_duration_seconds_count', 'dateline_page_cache_hits_total',
			'dateline_page_cache_misses_total', 'dateline_live_streams', 'dateline_reaction_batch_size_count',
			'dateline_db_up', 'dateline_db_pool_wait_seconds_count', 'dateline_photo_jobs_running',
			'dateline_photo_jobs_waiting', 'process_resident_memory_bytes', 'process_open_fds',
			'process_max_fds', 'process_cpu_seconds_total'])
			assert.notEqual(sample(m0, name), undefined, `${name} is there`);
		// Every series the operations guide lists, with its type.
		for (const [name, type] of [['dateline_http_requests_total', 'counter'],
			['dateline_http_request_duration_seconds', 'histogram'], ['dateline_page_cache_hits_total', 'counter'],
			['dateline_page_cache_misses_total', 'counter'], ['dateline_live_streams', 'gauge'],
			['dateline_db_pool_wait_seconds', 'histogram'], ['dateline_db_errors_total', 'counter'],
			['dateline_outbox_pending', 'gauge'], ['dateline_outbox_failed_total', 'counter'],
			['dateline_reaction_batch_size', 'histogram'], ['process_resident_memory_bytes', 'gauge'],
			['process_open_fds', 'gauge']])
			assert.match(m0, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} (${type})`);
		for (const kind of ['busy', 'failed', 'unavailable'])
			assert.equal(sample(m0, 'dateline_db_errors_total', `kind="${kind}"`), 0, `no ${kind} errors yet`);
		assert.equal(sample(m0, 'dateline_photo_jobs_running'), 0);
		// No replicas (SQLite has none): no lag series at all.
		assert.doesNotMatch(m0, /dateline_replica_lag_seconds/);
		assert.ok(sample(m0, 'dateline_db_pool_wait_seconds_count') > 0, 'connections taken are counted');
		assert.equal(sample(m0, 'dateline_db_pool_wait_seconds_bucket', 'le="+Inf"'),
			sample(m0, 'dateline_db_pool_wait_seconds_count'));
		assert.equal(sample(m0, 'dateline_db_up'), 1);
		assert.equal(sample(m0, 'dateline_outbox_pending'), 0);
		assert.equal(sample(m0, 'dateline_outbox_failed_total'), 0);
		assert.ok(sample(m0, 'process_resident_memory_bytes') > 1e6);
		const route = 'code="200",method="GET",route="/:section/:year/:month/:day/:slug/"';
		const before1 = sample(m0, 'dateline_http_requests_total', route) ?? 0;
		const hits0 = sample(m0, 'dateline_page_cache_hits_total');
		for (let i = 0; i < 5; i++)
			await get(`${srv.url}${story}`);
		await get(`${srv.url}/no/such/page`, { status: 404 });
		const slug = story.split('/').at(-2);
		const put = await request(`${srv.url}/api/v1/articles/${slug}/reactions`, {
			method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"reaction":"win"}' });
		assert.ok(put.status < 300, `reaction: ${put.status} ${put.text}`);
		const m1 = (await get(`${srv.url}/metrics`)).text;
		assert.equal(sample(m1, 'dateline_http_requests_total', route), before1 + 5);
		assert.ok(sample(m1, 'dateline_page_cache_hits_total') >= hits0 + 4, 'cache hits counted');
		assert.equal(sample(m1, 'dateline_http_requests_total', 'code="404",method="",route="none"'), 1);
		assert.ok(sample(m1, 'dateline_reaction_batch_size_count') >= 1, 'the reaction batch counted');
		assert.ok(sample(m1, 'dateline_http_request_duration_seconds_count') >=
			sample(m0, 'dateline_http_request_duration_seconds_count') + 7);
		assert.ok(sample(m1, 'dateline_db_pool_wait_seconds_count') > sample(m0, 'dateline_db_pool_wait_seconds_count'),
			'the reaction took a connection');
		assert.equal(promtool(m1).code, 0);
	});

	it('/metrics answers loopback clients only', async () => {
		const proxied = await startServer({ db: site.db, args: ['--trust-proxy'] });
		try {
			const r = await request(`${proxied.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.5' } });
			assert.equal(r.status, 403);
			assert.match(r.text, /loopback clients only/);
			assert.equal((await request(`${proxied.url}/metrics`)).status, 200, 'the proxy itself, on loopback');
		} finally {
			await proxied.stop();
		}
	});

	it('--metrics-listen moves /metrics to its own address', async () => {
		const mport = await freePort();
		const moved = await startServer({ db: site.db, args: ['--metrics-listen', `127.0.0.1:${mport}`] });
		try {
			assert.equal((await request(`${moved.url}/metrics`)).status, 404, 'not on the public port');
			const m = await get(`http://127.0.0.1:${mport}/metrics`);
			assert.equal(promtool(m.text).code, 0);
			assert.equal((await request(`http://127.0.0.1:${mport}/`)).status, 404, 'nothing else there');
			assert.equal((await request(`${moved.url}/healthz`)).status, 200);
		} finally {
			await moved.stop();
		}
	});
});

describe('/readyz when the database goes away', { skip: !PG && 'PostgreSQL only (a SQLite file cannot vanish)' }, () => {
	it('answers 503 with Retry-After while /healthz stays 200', async () => {
		const site = await makeSite();
		const srv = await startServer({ db: site.db });
		try {
			assert.equal((await get(`${srv.url}/readyz`)).status, 200);
			const name = new URL(site.db).pathname.slice(1);
			execFileSync('psql', ['-X', '-q', PG, '-c', `DROP DATABASE ${name} WITH (FORCE)`], { stdio: 'pipe' });
			const r = await request(`${srv.url}/readyz`, { timeout: 30000 });
			assert.equal(r.status, 503);
			assert.equal(r.headers['retry-after'], '2');
			assert.match(r.text, /^not ready: the database does not answer/);
			assert.equal((await request(`${srv.url}/healthz`)).status, 200);
			const m = await get(`${srv.url}/metrics`, { timeout: 30000 });
			assert.equal(sample(m.text, 'dateline_db_up'), 0);
			const failures = ['failed', 'unavailable'].map((k) =>
				sample(m.text, 'dateline_db_errors_total', `kind="${k}"`));
			assert.ok(failures[0] + failures[1] > 0, `database failures counted: ${failures}`);
			assert.equal(promtool(m.text).code, 0);
			execFileSync('psql', ['-X', '-q', PG, '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
		} finally {
			await srv.stop();
			await removeDir(site.dir);
		}
	});
});
