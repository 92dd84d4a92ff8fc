// pgfault.test.mjs - PostgreSQL restarted under load.  Two nodes on a
// throwaway cluster of their own (scripts/pg-cluster: restarting the
// shared test cluster would upset the other test files) take a load of
// durable writes (reactions from many readers, comment posts, account
// signups) and reads spread over both, while the cluster is stopped with
// `pg_ctl stop -m fast`, left down for a moment and started again.
// Asserted: every answer was 2xx, or 503 with Retry-After (a database
// that is away), never a 500 and never a hang (client timeouts); the story
// page, served from the cache, stays 200 throughout; both processes live;
// every write answered 2xx is in the database afterwards; the reaction
// counts equal the readers' rows; new writes succeed again and a reaction
// on node A reaches node B's live stream (the LISTEN connection came
// back).  Runs only when $DATELINE_TEST_PG is set (PostgreSQL is there).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	PG, ROOT, addArticle, dbSql, openEvents, removeDir, request, runCli, sleep,
	startServer, tempDir,
} from './lib.mjs';
import { Client, csrfOf } from './accounts-lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';

const SLUG = 'fault-story';
const KINDS = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];	/* kind = index */
const CLUSTER = path.join(ROOT, 'scripts/pg-cluster');
const TIMEOUT = 20000;		/* no request may take longer */

function cluster(...args) {
	return execFileSync(CLUSTER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/* A request that resolves {status, headers, text} or {error} (a connection-level failure). */
async function attempt(url, opts) {
	try {
		return await request(url, { timeout: TIMEOUT, ...opts });
	} catch (e) {
		return { status: 0, error: e.message, headers: {} };
	}
}

describe('PostgreSQL restarted under load', { skip: !PG && 'set DATELINE_TEST_PG to run' }, () => {
	let dir, site, a, b, storyPath;
	const users = [];

	before(async () => {
		dir = await tempDir('dateline-pgfault-');
		await fsp.chmod(dir, 0o755);	/* the server may run as "postgres" */
		const pgurl = cluster('start', path.join(dir, 'pg'));
		execFileSync('psql', ['-X', '-q', pgurl, '-c', 'CREATE DATABASE fault'], { stdio: 'pipe' });
		const u = new URL(pgurl);
		u.pathname = '/fault';
		site = { dir, db: u.toString(), maildir: path.join(dir, 'mail') };
		const init = await runCli(['init', '--db', site.db]);
		assert.equal(init.code, 0, init.stderr);
		storyPath = await addArticle(site, {
			headline: 'A story through a restart', slug: SLUG, summary: 'Load.',
			author: 'Desk', section: 'World', published: '2024-03-04T05:06:07Z',
			status: 'published',
		}, 'Body.\n');
		for (let i = 0; i < 4; i++)
			await addUser(site.db, `writer${i}@example.com`, `Writer ${i}`);
		const args = ['--maildir', site.maildir, '--reaction-rate-limit', '0',
			'--comment-rate-limit', '0', '--login-rate-limit', '100000'];
		a = await startServer({ db: site.db, args });
		b = await startServer({ db: site.db, args });
		for (let i = 0; i < 4; i++)
			users.push(await loginAs((i % 2 ? b : a).url, `writer${i}@example.com`));
	});

	after(async () => {
		await a?.stop();
		await b?.stop();
		if (dir) {
			try { cluster('stop', path.join(dir, 'pg')); } catch { /* gone */ }
			await removeDir(dir);
		}
	});

	test('2xx or 503 + Retry-After while it is down; every 2xx write kept; both nodes recover', async (t) => {
		const results = [];		/* {op, status, retry, error} */
		const reactions = [];		/* 2xx: {reader, kind} */
		const comments = [];		/* 2xx: {id, body} */
		const signups = [];		/* 2xx: email */
		let stop = false, seq = 0;
		const note = (op, r) => results.push({ op, status: r.status, error: r.error,
			retry: r.headers['retry-after'] });
		const node = (i) => (i % 2 ? b : a).url;

		// Warm both caches with the story page.
		for (const s of [a, b])
			assert.equal((await request(s.url + storyPath)).status, 200);

		async function react(i) {
			const reader = crypto.randomBytes(16).toString('hex');
			const kind = KINDS[i % KINDS.length];
			const r = await attempt(`${node(i)}/api/v1/articles/${SLUG}/reactions`, {
				method: 'PUT', body: JSON.stringify({ reaction: kind }),
				headers: { 'Content-Type': 'application/json', Cookie: `dl_reader=${reader}` },
			});
			note('reaction', r);
			if (r.status >= 200 && r.status < 300)
				reactions.push({ reader: `r:${reader}`, kind });
		}
		async function comment(w) {
			const c = users[w % users.length];
			const body = `Comment number ${++seq} from writer ${w}`;
			const data = JSON.stringify({ body });
			const r = await attempt(`${c.base}/api/v1/articles/${SLUG}/comments`, {
				method: 'POST', body: data,
				headers: { 'Content-Type': 'application/json', Cookie: c.cookieHeader(),
					'Content-Length': Buffer.byteLength(data) },
			});
			note('comment', r);
			if (r.status >= 200 && r.status < 300)
				comments.push({ id: JSON.parse(r.text).comment.id, body });
		}
		const signupPosts = new Map();	/* node -> POSTs (10 a minute per address) */
		async function signup(i) {
			const c = new Client(node(i));
			if ((signupPosts.get(c.base) || 0) >= 8)
				return read(i);
			signupPosts.set(c.base, (signupPosts.get(c.base) || 0) + 1);
			const email = `signup${++seq}@example.com`;
			const page = await attempt(`${c.base}/account/signup`, {});
			note('signup page', page);
			if (page.status !== 200)
				return;
			c.keep(page);
			const form = new URLSearchParams({ csrf: csrfOf(page.text, '/account/signup'),
				name: `Reader ${seq}`, email, password: 'a long enough password' }).toString();
			const r = await attempt(`${c.base}/account/signup`, {
				method: 'POST', body: form,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded',
					'Content-Length': Buffer.byteLength(form), Cookie: c.cookieHeader() },
			});
			note('signup', r);
			if (r.status >= 200 && r.status < 300)
				signups.push(email);
		}
		async function read(i) {
			const r = await attempt(node(i) + storyPath, {});
			note('page', r);
			const j = await attempt(`${node(i + 1)}/api/v1/articles/${SLUG}/reactions`, {});
			note('counts', j);
		}
		const ops = [react, react, react, comment, signup, read];
		const worker = async (w) => {
			for (let i = w; !stop; i += 7) {
				await ops[i % ops.length](i);
				await sleep(5);
			}
		};
		const load = Array.from({ length: 6 }, (_, w) => worker(w));
		await sleep(1500);
		// Not execFileSync: the load goes on while the cluster restarts.
		await new Promise((resolve, reject) => execFile(CLUSTER, ['restart', path.join(dir, 'pg'), '2'],
			(err) => err ? reject(err) : resolve()));
		await sleep(2500);
		stop = true;
		await Promise.all(load);

		const bad = results.filter((r) => !(r.status >= 200 && r.status < 300) &&
			!(r.status === 503 && r.retry));
		assert.deepEqual(bad.filter((r) => r.status !== 0), [], 'only 2xx, or 503 with Retry-After');
		// A connection the server closed while PostgreSQL went away is not
		// expected either: the server answers.
		assert.deepEqual(bad, [], 'no connection-level failures or timeouts');
		const unavailable = results.filter((r) => r.status === 503).length;
		t.diagnostic(`${results.length} requests, ${unavailable} answered 503, ` +
			`${reactions.length} reactions, ${comments.length} comments, ${signups.length} signups kept`);
		assert.ok(unavailable > 0, 'the outage was seen (some 503)');
		assert.deepEqual(results.filter((r) => r.op === 'page' && r.status !== 200), [],
			'the cached story page is served throughout');
		assert.ok(a.alive() && b.alive(), 'both servers are alive');

		// New writes succeed again (the pools reconnect by themselves).
		let ok = false;
		for (let i = 0; i < 100 && !ok; i++) {
			await react(i);
			ok = reactions.length && results.at(-1).status === 200;
			if (!ok)
				await sleep(100);
		}
		assert.ok(ok, 'a reaction succeeds after the restart');
		await comment(0);
		assert.equal(results.at(-1).status, 201, 'a comment succeeds after the restart');
		await signup(0);
		assert.equal(results.at(-1).status, 200, 'a signup succeeds after the restart');

		// Every write answered 2xx is there.
		const rows = await dbSql(site.db, 'SELECT r.reader, r.kind FROM reactions r JOIN articles a' +
			` ON a.id = r.article_id WHERE a.slug = '${SLUG}'`);
		const have = new Map(rows.map((r) => [r.reader, r.kind]));
		for (const x of reactions)
			assert.equal(have.get(x.reader), KINDS.indexOf(x.kind), `reaction of ${x.reader} kept`);
		const cm = new Map((await dbSql(site.db, 'SELECT id, body FROM comments')).map((r) => [r.id, r.body]));
		for (const x of comments)
			assert.equal(cm.get(x.id), x.body, `comment ${x.id} kept`);
		const acc = new Set((await dbSql(site.db, 'SELECT email FROM accounts')).map((r) => r.email));
		for (const e of signups)
			assert.ok(acc.has(e), `account ${e} kept`);
		assert.ok(reactions.length > 10 && comments.length > 2 && signups.length > 2,
			`writes went through (${reactions.length} reactions, ${comments.length} comments, ${signups.length} signups)`);

		// The counts are the readers' rows, kind by kind.
		const counts = await dbSql(site.db, 'SELECT c.kind, c.count FROM reaction_counts c' +
			` JOIN articles a ON a.id = c.article_id WHERE a.slug = '${SLUG}' AND c.count > 0 ORDER BY c.kind`);
		const byKind = new Map();
		for (const r of rows)
			byKind.set(r.kind, (byKind.get(r.kind) || 0) + 1);
		assert.deepEqual(counts.map((c) => [c.kind, Number(c.count)]),
			[...byKind].sort((x, y) => x[0] - y[0]));

		// B listens again: a reaction on A reaches B's live stream.
		const ev = await openEvents(`${b.url}/api/v1/articles/${SLUG}/events`);
		try {
			assert.equal(ev.status, 200);
			let m = null;
			for (let i = 0; i < 20 && !m; i++) {
				const r = await attempt(`${a.url}/api/v1/articles/${SLUG}/reactions`, {
					method: 'PUT', body: JSON.stringify({ reaction: 'win' }),
					headers: { 'Content-Type': 'application/json',
						Cookie: `dl_reader=${crypto.randomBytes(16).toString('hex')}` },
				});
				assert.equal(r.status, 200, r.text);
				m = await ev.waitFor(/event: reactions\ndata: (.*)\n\n/, 1000).catch(() => null);
			}
			assert.ok(m, 'a reaction on A reached the stream on B');
		} finally {
			ev.close();
		}
	});
});
