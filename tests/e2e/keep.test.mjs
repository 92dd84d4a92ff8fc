// keep.test.mjs - keeping a site: `dateline backup` while the site serves
// and writes (a consistent copy that passes integrity_check and serves),
// refused on PostgreSQL, where the pg_dump / pg_restore recipe of
// docs/deployment.md is run as written; mail refused for good (SMTP 5xx) ends as failed
// with the reason instead of being retried forever, and a temporary one
// (4xx) is retried with a growing delay and given up after 2 days;
// `dateline outbox list|retry|drop` for the operator.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	PG, ROOT, addArticle, get, makeSite, removeDir, request, runCli, sleep, startServer, tempDir,
} from './lib.mjs';
import { Client, sql } from './accounts-lib.mjs';
import { addUser } from './comments-lib.mjs';

const PW = 'correct horse battery';

describe('dateline backup', () => {
	let site;
	before(async () => { site = await makeSite(); });
	after(() => removeDir(site.dir));

	it('copies a SQLite site while it serves and writes; the copy checks out and serves', { skip: PG ? 'SQLite only' : false }, async () => {
		const p = await addArticle(site, { headline: 'Backed up story', published: '2025-02-02T10:00:00Z' }, 'Text.\n');
		const slug = p.split('/').at(-2);
		const srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
		let writing = true, writes = 0;
		const writer = (async () => {
			const kinds = ['win', 'love', 'lol', 'geeky'];
			while (writing) {
				const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`, { method: 'PUT',
					headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reaction: kinds[writes % 4] }) });
				assert.ok(r.status < 300, `reaction ${r.status}`);
				writes++;
			}
		})();
		try {
			await sleep(300);
			const copies = [];
			for (let i = 0; i < 3; i++) {
				const to = path.join(site.dir, `copy${i}.db`);
				const r = await runCli(['backup', '--db', site.db, '--to', to]);
				assert.equal(r.code, 0, r.stderr);
				assert.match(r.stdout, new RegExp(`^${to.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: verified, 1 articles, 0 accounts\n$`));
				assert.equal(fs.statSync(to).mode & 0o777, 0o600);
				assert.ok(!fs.existsSync(`${to}-wal`) && !fs.existsSync(`${to}.part`), 'one file, nothing left over');
				copies.push(to);
			}
			writing = false;
			await writer;
			assert.ok(writes > 20, `writes went on during the backups (${writes})`);
			for (const to of copies) {
				const ok = execFileSync('sqlite3', [to, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
				assert.equal(ok, 'ok');
				const n = Number(execFileSync('sqlite3', [to, 'SELECT count(*) FROM reactions'], { encoding: 'utf8' }));
				assert.ok(n >= 1, 'reactions made before the copy are in it');
			}
			const served = await startServer({ db: copies[2] });
			try {
				assert.match((await get(`${served.url}${p}`)).text, /Backed up story/);
			} finally {
				await served.stop();
			}
			const again = await runCli(['backup', '--db', site.db, '--to', copies[0]]);
			assert.equal(again.code, 1);
			assert.match(again.stderr, /^error: .*exists/);
		} finally {
			writing = false;
			await writer.catch(() => {});
			await srv.stop();
		}
	});

	it('on PostgreSQL refuses and points to pg_dump', { skip: PG ? false : 'PostgreSQL only' }, async () => {
		const r = await runCli(['backup', '--db', site.db, '--to', path.join(site.dir, 'x.db')]);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /^error: .*pg_dump or pg_basebackup/);
	});
});

/* The shell lines of the pg_dump / pg_restore recipe in docs/deployment.md. */
function dumpRecipe() {
	const doc = fs.readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
	const at = doc.indexOf('    pg_dump --format=custom');
	assert.ok(at >= 0, 'the recipe is in docs/deployment.md');
	const block = doc.slice(at, doc.indexOf('\n\n', at));
	return block.split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n');
}

describe('the pg_dump / pg_restore recipe of docs/deployment.md', { skip: !PG && 'PostgreSQL only' }, () => {
	let dir, url;
	const cluster = (...args) => execFileSync(path.join(ROOT, 'scripts/pg-cluster'), args, { encoding: 'utf8' }).trim();
	const psql = (u, q) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', u, '-c', q],
		{ encoding: 'utf8' }).trim();
	before(async () => {
		dir = await tempDir('dateline-dump-');
		fs.chmodSync(dir, 0o755);	/* the cluster runs as "postgres" */
		url = new URL(cluster('start', path.join(dir, 'pg')));
	});
	after(async () => {
		try { cluster('stop', path.join(dir, 'pg')); } catch { /* gone */ }
		await removeDir(dir);
	});

	it('dumps a site while it writes; a node on the restored database serves the same story', async () => {
		const su = url.href;
		psql(su, 'CREATE ROLE dateline LOGIN');
		psql(su, 'CREATE DATABASE dateline OWNER dateline');
		const db = `postgres://dateline@${url.host}/dateline`;
		assert.equal((await runCli(['init', '--db', db])).code, 0);
		const site = { dir, db };
		const p = await addArticle(site, { headline: 'Dumped story', published: '2025-02-02T10:00:00Z' }, 'Kept *safe*.\n');
		const slug = p.split('/').at(-2);
		await addUser(db, 'kept@example.com', 'Kept Reader');
		const srv = await startServer({ db, args: ['--reaction-rate-limit', '0'] });
		let writing = true, writes = 0;
		const writer = (async () => {
			while (writing) {
				const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`, { method: 'PUT',
					headers: { 'Content-Type': 'application/json' }, body: '{"reaction":"love"}' });
				assert.ok(r.status < 300, `reaction ${r.status}`);
				writes++;
			}
		})();
		let restored;
		try {
			await sleep(200);
			const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port, PGUSER: url.username };
			const r = spawnSync('bash', ['-euc', dumpRecipe()], { cwd: dir, env, encoding: 'utf8' });
			assert.equal(r.status, 0, `the recipe runs:\n${dumpRecipe()}\n${r.stdout}${r.stderr}`);
			assert.equal(r.stderr, '', 'pg_dump, createdb and pg_restore say nothing');
			writing = false;
			await writer;
			assert.ok(writes > 5, `writes went on during the dump (${writes})`);
			const dumps = fs.readdirSync(dir).filter((f) => /^dateline-\d{4}-\d\d-\d\d\.dump$/.test(f));
			assert.equal(dumps.length, 1, 'one dump file, named by date');
			assert.equal(psql(su, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dateline_restored'"),
				'dateline');
			const rdb = `postgres://dateline@${url.host}/dateline_restored`;
			assert.equal(psql(rdb, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'dateline'"),
				'0', 'every restored table belongs to the site\'s role');
			for (const t of ['articles', 'accounts', 'secrets', 'schema_migrations'])
				assert.equal(psql(rdb, `SELECT count(*) FROM ${t}`), psql(db, `SELECT count(*) FROM ${t}`), t);
			assert.equal(psql(rdb, 'SELECT email FROM accounts'), 'kept@example.com');
			restored = await startServer({ db: rdb });
			const a = await get(`${srv.url}${p}`), b = await get(`${restored.url}${p}`);
			const article = (html) => /<article[\s\S]*?<\/article>/.exec(html)?.[0];
			assert.match(b.text, /Dumped story/);
			assert.match(article(b.text), /Kept <em>safe<\/em>\./);
			// The same story; reaction counts may have moved on after the dump.
			const strip = (h) => article(h).replace(/<section class="reactions"[\s\S]*?<\/section>/, '');
			assert.equal(strip(b.text), strip(a.text));
			// The restored site takes writes (its identity sequences came along).
			const w = await request(`${restored.url}/api/v1/articles/${slug}/reactions`, { method: 'PUT',
				headers: { 'Content-Type': 'application/json' }, body: '{"reaction":"win"}' });
			assert.equal(w.status, 200, w.text);
		} finally {
			writing = false;
			await writer.catch(() => {});
			await srv.stop();
			await restored?.stop();
		}
	});
});

/* An SMTP server that refuses every recipient with @code; counts RCPTs. */
function refusingSmtp(code) {
	const seen = { rcpt: 0 };
	const server = net.createServer((s) => {
		s.write('220 refuse.example ESMTP\r\n');
		let buf = '';
		s.on('data', (d) => {
			buf += d;
			let i;
			while ((i = buf.indexOf('\r\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 2);
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO' || verb === 'HELO')
					s.write('250 refuse.example\r\n');
				else if (verb === 'MAIL')
					s.write('250 ok\r\n');
				else if (verb === 'RCPT') {
					seen.rcpt++;
					s.write(`${code} 5.1.1 no such mailbox here\r\n`);
				} else if (verb === 'QUIT') {
					s.end('221 bye\r\n');
				} else
					s.write('250 ok\r\n');
			}
		});
		s.on('error', () => {});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
		resolve({ port: server.address().port, seen, close: () => server.close() })));
}

describe('mail refused for good', () => {
	let site, smtp, srv;
	before(async () => {
		site = await makeSite();
		smtp = await refusingSmtp(550);
		srv = await startServer({ db: site.db, args: ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-plain',
			'--mail-from', 'news@example.com', '--login-rate-limit', '1000'] });
	});
	after(async () => {
		await srv.stop();
		smtp.close();
		await removeDir(site.dir);
	});

	it('is failed with the reason, not retried; outbox list, retry and drop', async () => {
		const c = new Client(srv.url);
		const r = await c.submit('/account/signup', '/account/signup',
			{ name: 'Nobody', email: 'nobody@refuse.example', password: PW });
		assert.match(r.text, /Check your e-mail/);
		assert.equal(r.status, 200, r.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600));
		const deadline = Date.now() + 10000;
		while (smtp.seen.rcpt < 1 && Date.now() < deadline)
			await sleep(50);
		assert.equal(smtp.seen.rcpt, 1, 'one delivery attempt');
		await sleep(4000);	// retries would come at 1 s, 2 s, 4 s
		assert.equal(smtp.seen.rcpt, 1, 'a 5xx is not retried');
		assert.match(srv.stderr(), /mail \d+ to nobody@refuse\.example failed for good .*550/);
		const list = await runCli(['outbox', 'list', '--db', site.db]);
		assert.equal(list.code, 0, list.stderr);
		const rows = list.stdout.trim().split('\n');
		assert.equal(rows[0], 'ID\tSTATE\tATTEMPTS\tQUEUED\tNEXT\tTO\tLAST ERROR');
		assert.equal(rows.length, 2);
		const [id, state, attempts, , next, to, why] = rows[1].split('\t');
		assert.equal(state, 'failed');
		assert.equal(attempts, '1');
		assert.equal(next, '-');
		assert.equal(to, 'nobody@refuse.example');
		assert.match(why, /^failed: the server answered 550/);
		const m = (await request(`${srv.url}/metrics`)).text;
		assert.match(m, /^dateline_outbox_failed_total 1$/m);
		assert.match(m, /^dateline_outbox_pending 1$/m);
		// retry: due now, the running server tries once more
		const retry = await runCli(['outbox', 'retry', '--db', site.db, id]);
		assert.equal(retry.code, 0, retry.stderr);
		assert.equal(retry.stdout, `${id} due now\n`);
		const d2 = Date.now() + 15000;
		while (smtp.seen.rcpt < 2 && Date.now() < d2)
			await sleep(50);
		assert.equal(smtp.seen.rcpt, 2, 'retried once');
		const drop = await runCli(['outbox', 'drop', '--db', site.db, id]);
		assert.equal(drop.code, 0, drop.stderr);
		assert.equal((await runCli(['outbox', 'list', '--db', site.db])).stdout.trim().split('\n').length, 1);
		const gone = await runCli(['outbox', 'drop', '--db', site.db, id]);
		assert.equal(gone.code, 1);
		assert.match(gone.stderr, /no message/);
		const bad = await runCli(['outbox', 'retry', '--db', site.db, 'x']);
		assert.equal(bad.code, 2);
	});
});

describe('mail that fails for a while (SMTP 4xx)', () => {
	let site, smtp, srv;
	const args = () => ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-plain',
		'--mail-from', 'news@example.com', '--login-rate-limit', '1000'];
	before(async () => {
		site = await makeSite();
		smtp = await refusingSmtp(451);
		await addUser(site.db, 'later@refuse.example', 'Later');
		srv = await startServer({ db: site.db, args: args() });
	});
	after(async () => {
		await srv.stop();
		smtp.close();
		await removeDir(site.dir);
	});

	it('is retried 1 s, 2 s, ... apart, given up after 2 days of retries, and the address does not bounce', async () => {
		const c = new Client(srv.url);
		const r = await c.submit('/account/forgot', '/account/forgot', { email: 'later@refuse.example' });
		assert.equal(r.status, 200);
		const deadline = Date.now() + 15000;
		while (smtp.seen.rcpt < 3 && Date.now() < deadline)
			await sleep(50);
		assert.ok(smtp.seen.rcpt >= 3, `tried again and again (${smtp.seen.rcpt})`);
		assert.match(srv.stderr(), /mail \d+ to later@refuse\.example not delivered \(attempt 1\): .*451.*; trying again in 1 s/);
		assert.match(srv.stderr(), /mail \d+ to later@refuse\.example not delivered \(attempt 2\): .*451.*; trying again in 2 s/);
		assert.doesNotMatch(srv.stderr(), /failed for good/);
		let rows = (await runCli(['outbox', 'list', '--db', site.db])).stdout.trim().split('\n');
		assert.equal(rows.length, 2);
		assert.notEqual(rows[1].split('\t')[1], 'failed');
		// Two days of retries later (the attempts so far say so): the next
		// failure ends it.  The server is stopped meanwhile, so its own
		// bookkeeping does not race the change.
		await srv.stop();
		sql(site.db, 'UPDATE outbox SET attempts = 600, next_attempt = 0');
		const before = smtp.seen.rcpt;
		srv = await startServer({ db: site.db, args: args() });
		const d2 = Date.now() + 15000;
		while (!/failed for good/.test(srv.stderr()) && Date.now() < d2)
			await sleep(50);
		assert.equal(smtp.seen.rcpt, before + 1, 'one more attempt');
		assert.match(srv.stderr(), /mail \d+ to later@refuse\.example failed for good \(attempt 601\): failed: .*451.* \(gave up after 2 days\)/);
		rows = (await runCli(['outbox', 'list', '--db', site.db])).stdout.trim().split('\n');
		const [, state, attempts, , next, , why] = rows[1].split('\t');
		assert.equal(state, 'failed');
		assert.equal(attempts, '601');
		assert.equal(next, '-');
		assert.match(why, /^failed: .*451.*\(gave up after 2 days\)$/);
		assert.match((await request(`${srv.url}/metrics`)).text, /^dateline_outbox_failed_total 1$/m);
		// A temporary refusal is not a bounce.
		assert.deepEqual(sql(site.db, "SELECT count(*) FROM accounts WHERE bounced IS NOT NULL"), [['0']]);
		assert.doesNotMatch(srv.stderr(), /bounces/);
	});
});
