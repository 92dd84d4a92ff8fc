// replica.test.mjs - a PostgreSQL primary with a streaming replica made by
// pg_basebackup -R (scripts/pg-cluster replica), both started by the test,
// and `dateline serve --db-replica`:
//  - visitors' reads go to the replica (with its replay paused, a story
//    inserted on the primary is not found);
//  - a reader who wrote reads their own write (the write's answer carries
//    the primary's log position; their reads skip a replica behind it), also
//    on another node;
//  - a replica lagging beyond --replica-max-lag, or stopped, is left out:
//    reads fall back to the primary; a read whose replica connection
//    breaks is run again on the primary, so no reader sees an error.
// Runs in the PostgreSQL pass of `make test` ($DATELINE_TEST_PG set).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	PG, ROOT, addArticle, metricSample, promtool, request, removeDir, runCli, sleep, startServer, tempDir,
} from './lib.mjs';
import { Client } from './accounts-lib.mjs';
import { addUser, commentIds, loginAs, postForm } from './comments-lib.mjs';

const CLUSTER = path.join(ROOT, 'scripts/pg-cluster');
const cluster = (...args) => execFileSync(CLUSTER, args, { encoding: 'utf8' }).trim();
const psql = (url, q) =>
	execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', q],
		{ encoding: 'utf8' }).trim();

/* "16/B374D848" as a BigInt. */
const lsn = (s) => {
	const [hi, lo] = s.split('/');
	return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/* Insert a published story straight into the primary (no node sees it). */
function insertStory(primary, slug) {
	psql(primary, `INSERT INTO articles (slug, headline, body, section, section_slug,
		status, stage, published, created, updated) VALUES ('${slug}', 'Direct ${slug}',
		'Body.', 'World', 'world', 1, 1, 1700000000, 1700000000, 1700000000)`);
	return `/world/2023/11/14/${slug}/`;
}

async function status(srv, p, headers = {}) {
	return (await request(srv.url + p, { headers })).status;
}

/* Poll @fn until it returns true (at most @ms); its last value. */
async function eventually(fn, ms = 15000) {
	const end = Date.now() + ms;
	for (;;) {
		if (await fn())
			return true;
		if (Date.now() > end)
			return false;
		await sleep(100);
	}
}

/*
 * Let the nodes see that content changed (a node that learns of it late
 * takes the primary's position of that moment) and check the replica.
 */
async function settle(...nodes) {
	await sleep(150);
	for (const n of nodes)
		await request(n.url + '/');
	await sleep(300);
}

function pauseReplay(replica) {
	psql(replica, 'SELECT pg_wal_replay_pause()');
	for (let i = 0; i < 100; i++) {
		if (psql(replica, 'SELECT pg_get_wal_replay_pause_state()') === 'paused')
			return;
		execFileSync('sleep', ['0.05']);
	}
	throw new Error('replay did not pause');
}

describe('PostgreSQL primary with a streaming replica', { skip: !PG && 'set DATELINE_TEST_PG to run' }, () => {
	let dir, primary, replica, replicaName, site, a, b, lagging, known;
	const args = () => ['--maildir', path.join(dir, 'mail'), '--reaction-rate-limit', '0',
		'--comment-min-seconds', '0', '--login-rate-limit', '1000'];

	before(async () => {
		dir = await tempDir('dateline-replica-');
		await fsp.chmod(dir, 0o755);	/* the clusters run as "postgres" */
		primary = cluster('start', path.join(dir, 'primary'));
		const r = await runCli(['init', '--db', primary]);
		assert.equal(r.code, 0, r.stderr);
		site = { dir, db: primary };
		known = await addArticle(site, {
			headline: 'A story on both servers', slug: 'known-story', summary: 'Here.',
			author: 'Desk', section: 'World', published: '2024-03-04T05:06:07Z',
			status: 'published',
		}, 'Body.\n');
		await addUser(primary, 'reader@example.com', 'Reader');
		replica = cluster('replica', path.join(dir, 'primary'), path.join(dir, 'replica'));
		const ru = new URL(replica);
		replicaName = `${ru.hostname}:${ru.port}${ru.pathname}`;
		const rargs = ['--db-replica', replica, '--replica-max-lag', '60'];
		a = await startServer({ db: primary, args: [...args(), ...rargs] });
		b = await startServer({ db: primary, args: [...args(), ...rargs] });
		lagging = await startServer({ db: primary,
			args: [...args(), '--db-replica', replica, '--replica-max-lag', '1'] });
	});

	after(async () => {
		await a?.stop();
		await b?.stop();
		await lagging?.stop();
		if (dir) {
			for (const d of ['replica', 'primary'])
				try { cluster('stop', path.join(dir, d)); } catch { /* gone */ }
			await removeDir(dir);
		}
	});

	test('serve refuses a replica URL that is not a replica, and a bad one', async () => {
		let r = await runCli(['serve', '--db', primary, '--db-replica', primary,
			'--listen', '127.0.0.1:0']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /not a streaming replica/);
		r = await runCli(['serve', '--db', primary, '--db-replica', 'mysql://x',
			'--listen', '127.0.0.1:0']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /--db-replica: a replica URL starts with postgres:\/\//);
		r = await runCli(['serve', '--db', primary, '--db-replica', replica,
			'--replica-max-lag', '0', '--listen', '127.0.0.1:0']);
		// a value out of its range is a usage error (exit 2), as for every option
		assert.equal(r.code, 2);
		assert.match(r.stderr, /--replica-max-lag wants a whole number from 1 to 3600/);
	});

	test('visitors read from the replica', async () => {
		assert.ok(await eventually(async () => await status(a, known) === 200),
			'the story is served once the replica is usable');
		pauseReplay(replica);
		const p = insertStory(primary, 'only-on-primary');
		assert.equal(psql(primary, "SELECT count(*) FROM articles WHERE slug = 'only-on-primary'"), '1');
		// Not yet replayed: a read from the replica does not find it.
		for (let i = 0; i < 5; i++)
			assert.equal(await status(a, p), 404, 'read from the paused replica');
		assert.equal(await status(b, p), 404);
	});

	test('a reader reads their own write, on this node and on another', async () => {
		const p = '/world/2023/11/14/only-on-primary/';
		// A reaction is a write that does not change content.
		const c = new Client(a.url);
		const r = await request(`${a.url}/api/v1/articles/known-story/reactions`, {
			method: 'PUT', headers: { 'Content-Type': 'application/json' },
			body: '{"reaction":"love"}' });
		assert.equal(r.status, 200);
		c.keep(r);
		const cookie = r.headers['set-cookie'].find((s) => s.startsWith('dl_rw='));
		assert.ok(cookie, 'the write hands out its log position');
		assert.match(cookie, /^dl_rw=[0-9a-f]{16}; Path=\/; Max-Age=61; HttpOnly; SameSite=Lax$/);
		const pos = BigInt('0x' + /^dl_rw=([0-9a-f]+)/.exec(cookie)[1]);
		const inserted = lsn(psql(primary, 'SELECT pg_current_wal_insert_lsn()'));
		assert.ok(pos > 0n && pos <= inserted);
		assert.ok(pos > lsn(psql(replica, 'SELECT pg_last_wal_replay_lsn()')),
			'the write is past what the paused replica replayed');
		// With the position, reads skip the replica; without, they use it.
		// (A page read from the primary is cached: check misses first.)
		assert.equal(await status(b, p, { Cookie: 'dl_rw=zz' }), 404, 'a bad cookie is ignored');
		assert.equal(await status(a, p), 404);
		assert.equal(await status(a, p, { Cookie: c.cookieHeader() }), 200);
		assert.equal(await status(b, p, { Cookie: c.cookieHeader() }), 200);

		// A comment posted on A is on the page the reader gets from B.
		const reader = await loginAs(a.url, 'reader@example.com');
		const before = lsn(psql(replica, 'SELECT pg_last_wal_replay_lsn()'));
		const post = await postForm(reader, known, 'Seen at once, wherever I look.');
		assert.equal(post.status, 303, post.text);
		const id = Number(psql(primary, 'SELECT max(id) FROM comments'));
		assert.equal(lsn(psql(replica, 'SELECT pg_last_wal_replay_lsn()')), before,
			'the replica has not replayed the comment');
		const onB = new Client(b.url);
		onB.jar = reader.jar;
		const page = await onB.get(known);
		assert.equal(page.status, 200);
		assert.ok(commentIds(page.text).includes(id), 'the new comment is on B\'s page');
		assert.match(page.text, /Seen at once, wherever I look\./);
	});

	test('when replay goes on, visitors read the replica again', async () => {
		psql(replica, 'SELECT pg_wal_replay_resume()');
		const target = lsn(psql(primary, 'SELECT pg_current_wal_lsn()'));
		assert.ok(await eventually(async () =>
			lsn(psql(replica, 'SELECT pg_last_wal_replay_lsn()')) >= target));
		await settle(a, b, lagging);
		pauseReplay(replica);
		const p = insertStory(primary, 'second-direct');
		assert.equal(await status(a, p), 404, 'read from the replica again');
		assert.equal(await status(b, p), 404);
		psql(replica, 'SELECT pg_wal_replay_resume()');
		assert.ok(await eventually(async () => await status(a, p) === 200));
	});

	test('a replica lagging beyond --replica-max-lag is left out; /metrics shows the lag', async () => {
		await settle(a, b, lagging);
		const lagOf = async () => {
			const m = (await request(`${a.url}/metrics`)).text;
			assert.equal(promtool(m).code, 0, promtool(m).out);
			return metricSample(m, 'dateline_replica_lag_seconds', `replica="${replicaName}"`);
		};
		assert.ok(await eventually(async () => await lagOf() === 0), 'a replica that replayed everything lags 0 s');
		pauseReplay(replica);
		const p = insertStory(primary, 'lag-story');
		// The node allowing 1 s of lag turns to the primary, the others wait.
		assert.ok(await eventually(async () => await status(lagging, p) === 200),
			'reads fall back to the primary');
		assert.equal(await status(a, p), 404, 'a node allowing 60 s still reads the replica');
		assert.ok(await eventually(async () => await lagOf() >= 1.5), 'the paused replica\'s lag grows');
		const lag = await lagOf();
		assert.ok(lag < 60, `a lag of seconds, not more: ${lag}`);
		psql(replica, 'SELECT pg_wal_replay_resume()');
		assert.ok(await eventually(async () => await status(a, p) === 200));
		assert.ok(await eventually(async () => await lagOf() < 1), 'caught up again');
	});

	test('a read whose replica connection breaks is done on the primary', async () => {
		// Visitors' searches (never cached under a new query) read the replica.
		for (let i = 0; i < 4; i++)
			assert.equal(await status(a, `/search?q=direct+${i}`), 200);
		// Its server ends the node's pooled connections (not the checker's).
		const ended = psql(replica, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = 'dateline' AND query NOT LIKE '%pg_is_in_recovery%'`);
		assert.ok(Number(ended) >= 1, `pooled replica connections ended: ${ended}`);
		for (let i = 4; i < 12; i++)
			assert.equal(await status(a, `/search?q=direct+${i}`), 200, `search ${i}`);
	});

	test('/readyz and /metrics show the replica usable', async () => {
		assert.ok(await eventually(async () => {
			const r = await request(`${a.url}/readyz`);
			return r.status === 200 && /^replica \S+ usable$/m.test(r.text);
		}), 'the replica is usable on /readyz');
		const m = (await request(`${a.url}/metrics`)).text;
		assert.match(m, /^dateline_replicas 1$/m);
		assert.match(m, /^dateline_replicas_usable 1$/m);
	});

	test('a stopped replica is left out: reads fall back to the primary', async () => {
		cluster('stop', path.join(dir, 'replica'));
		const p = insertStory(primary, 'after-replica-stop');
		// The first reads find the replica's connections broken and are
		// run again on the primary: no reader sees an error.
		for (let i = 0; i < 20; i++)
			assert.equal(await status(a, i % 2 ? p : known), 200);
		assert.equal(await status(b, p), 200);
		assert.equal(a.proc.exitCode, null, 'the node is running');
		// ready still (the primary answers), the replica shown left out
		assert.ok(await eventually(async () => {
			const r = await request(`${a.url}/readyz`);
			return r.status === 200 && /^replica \S+ left out$/m.test(r.text);
		}), '/readyz shows the replica left out');
		// A replica that does not answer has no lag to show.
		assert.ok(await eventually(async () =>
			!/dateline_replica_lag_seconds/.test((await request(`${a.url}/metrics`)).text)),
		'the stopped replica\'s lag is left out of /metrics');
	});
});
