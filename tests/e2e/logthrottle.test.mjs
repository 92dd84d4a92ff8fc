// logthrottle.test.mjs - errors that repeat are logged once per interval
// with a count, not once per request: a full disk (SQLite: every file the
// server writes capped with `ulimit -f`, as a full disk fails writes) and
// a database that goes away (PostgreSQL: DROP DATABASE under the server).
// Each distinct message shows at most LOG_REPEAT_BURST (5) times in the
// interval (LOG_REPEAT_S, 10 s); the first line after it says how many
// were left out.  The requests themselves fail cleanly (503), and the
// server keeps running.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { PG, addArticle, makeSite, removeDir, request, sleep, startServer } from './lib.mjs';

const BURST = 5, INTERVAL_S = 10;
/*
 * The failures a check counts come within this many ms of the first, so
 * they fall in one interval (which starts at a whole second: it may be
 * as short as 9 s) also on a slow sanitizer build.
 */
const SPAN_MS = 8000;

/* Warning and error lines of @stderr, without their timestamps. */
const problems = (stderr) => stderr.split('\n')
	.filter((l) => / (error|warning): /.test(l))
	.map((l) => l.replace(/^\S+ /, ''));

/* How many times each distinct line of @lines appears (counts dropped). */
function counts(lines) {
	const m = new Map();
	for (const l of lines) {
		const k = l.replace(/ \(and \d+ more like this in the last \d+ s, not shown\)$/, '');
		m.set(k, (m.get(k) ?? 0) + 1);
	}
	return m;
}

/*
 * PUT a reaction @n times one after the other, stopping early at @until
 * (ms since the epoch); how many failed with 503.
 */
async function failingWrites(srv, slug, n, until = Infinity) {
	let failed = 0;
	for (let i = 0; i < n && Date.now() < until; i++) {
		const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`, { method: 'PUT',
			headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reaction: i % 2 ? 'win' : 'love' }) });
		if (r.status === 503)
			failed++;
		else
			assert.ok(r.status < 300, `a write answers 2xx or 503, not ${r.status}: ${r.text}`);
	}
	return failed;
}

/* The repeated failures of @srv are throttled: run the checks. */
async function checkThrottled(srv, slug, failed, t0) {
	const during = problems(srv.stderr());
	assert.ok(during.length >= 1, 'the failure is logged');
	for (const [line, n] of counts(during))
		assert.ok(n <= BURST, `"${line}" written ${n} times in the interval (at most ${BURST}):\n${srv.stderr()}`);
	assert.ok(during.length < failed / 2, `${during.length} lines for ${failed} failed requests`);
	// After the interval the next failure says how many were left out.
	await sleep(Math.max(0, t0 + INTERVAL_S * 1000 + 500 - Date.now()));
	await failingWrites(srv, slug, 3);
	const dropped = problems(srv.stderr()).map((l) => / \(and (\d+) more like this in the last 10 s, not shown\)$/.exec(l))
		.filter(Boolean).map((m) => Number(m[1]));
	assert.ok(dropped.length >= 1, `a line counts what was left out:\n${problems(srv.stderr()).join('\n')}`);
	assert.ok(Math.max(...dropped) >= failed / 4, `the count (${dropped}) covers the ${failed} failures`);
	assert.ok(srv.alive(), 'the server keeps running');
}

describe('repeated errors are throttled in the log', () => {
	let site;
	before(async () => { site = await makeSite(); });
	after(() => removeDir(site.dir));

	it('a full disk: one line per interval with a count, not one per request', { skip: PG ? 'SQLite only (a file on a full disk)' : false }, async () => {
		const p = await addArticle(site, { headline: 'Disk story', published: '2025-02-02T10:00:00Z' }, 'Text.\n');
		const slug = p.split('/').at(-2);
		// Room for a few dozen commits in the write-ahead log, then "full".
		const fsize = fs.statSync(site.db).size + 64 * 1024;
		const srv = await startServer({ db: site.db, fsize, args: ['--reaction-rate-limit', '0'] });
		try {
			let failed = 0, t0 = Date.now();
			for (let i = 0; i < 100 && !failed; i++) {
				t0 = Date.now();
				failed = await failingWrites(srv, slug, 1);
			}
			assert.equal(failed, 1, 'writes fail once the "disk" is full');
			failed += await failingWrites(srv, slug, 150, t0 + SPAN_MS);
			assert.ok(failed >= 40, `every write fails now (${failed})`);
			assert.equal((await request(`${srv.url}${p}`)).status, 200, 'reading still works');
			await checkThrottled(srv, slug, failed, t0);
			assert.doesNotMatch(srv.stderr(), /cannot rollback/, 'no ROLLBACK after SQLite rolled back itself');
		} finally {
			srv.proc.kill('SIGKILL');	/* its files cannot be finished */
			await srv.exited();
		}
	});

	it('a database gone: one line per interval with a count', { skip: PG ? false : 'PostgreSQL only' }, async () => {
		const p = await addArticle(site, { headline: 'Gone story', published: '2025-02-02T10:00:00Z' }, 'Text.\n');
		const slug = p.split('/').at(-2);
		const srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
		const name = new URL(site.db).pathname.slice(1);
		try {
			assert.equal(await failingWrites(srv, slug, 3), 0);
			execFileSync('psql', ['-X', '-q', PG, '-c', `DROP DATABASE ${name} WITH (FORCE)`], { stdio: 'pipe' });
			const t0 = Date.now();
			const failed = await failingWrites(srv, slug, 150, t0 + SPAN_MS);
			assert.ok(failed >= 40, `writes fail while the database is gone (${failed})`);
			await checkThrottled(srv, slug, failed, t0);
		} finally {
			execFileSync('psql', ['-X', '-q', PG, '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
			await srv.stop();
		}
	});
});
