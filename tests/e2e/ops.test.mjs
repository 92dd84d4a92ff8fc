// ops.test.mjs - running dateline as an operator does: typed options
// (booleans, bounded numbers, the base URL), the database file's mode,
// `serve --help`, and SIGHUP (the access log file reopened after a
// rotation, the templates read again; the server keeps serving).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BIN, PG, ROOT, addArticle, get, makeSite, removeDir, runCli, sleep, startServer, tempDir,
} from './lib.mjs';

const ENV_VARS = ['DATELINE_DB', 'DATELINE_LISTEN', 'DATELINE_TEMPLATES', 'DATELINE_BASE_URL',
	'DATELINE_THREADS', 'DATELINE_QUIET', 'DATELINE_TRUST_PROXY', 'DATELINE_ACCESS_LOG',
	'DATELINE_ACCESS_LOG_FORMAT'];
const cli = (args, opts = {}) => runCli(args, { unsetEnv: ENV_VARS, ...opts });

/* Poll @fn until it returns something truthy (or @ms pass); its value. */
async function until(fn, ms = 5000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v || Date.now() > end)
			return v;
		await sleep(50);
	}
}

describe('the database file', { skip: PG ? 'SQLite only' : false }, () => {
	let dir;
	before(async () => { dir = await tempDir(); });
	after(() => removeDir(dir));

	it('init creates it 0600 under umask 022, and its -wal and -shm follow', async () => {
		const db = path.join(dir, 'mode.db');
		const code = await new Promise((resolve) => {
			const p = spawn('/bin/sh', ['-c', 'umask 022 && exec "$0" init --db "$1"', BIN, db],
				{ stdio: 'ignore' });
			p.on('exit', resolve);
		});
		assert.equal(code, 0);
		assert.equal(fs.statSync(db).mode & 0o777, 0o600, 'the database is 0600');
		// serve (umask 022 too) opens it in WAL mode: -wal and -shm appear
		const srv = await new Promise((resolve, reject) => {
			const p = spawn('/bin/sh', ['-c', 'umask 022 && exec "$0" serve --quiet --db "$1" --listen 127.0.0.1:0',
				BIN, db], { stdio: ['ignore', 'ignore', 'pipe'] });
			let err = '';
			p.stderr.on('data', (d) => {
				err += d;
				if (/dateline serving/.test(err))
					resolve(p);
			});
			p.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
		});
		try {
			for (const f of [`${db}-wal`, `${db}-shm`]) {
				assert.ok(await until(() => fs.existsSync(f)), `${f} exists`);
				assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${path.basename(f)} is 0600`);
			}
		} finally {
			srv.kill('SIGTERM');
		}
	});
});

describe('typed options', () => {
	let site;
	before(async () => { site = await makeSite(); });
	after(() => removeDir(site.dir));

	it('refuses bad values with one clear line and exit 2', async () => {
		const cases = [
			[['--base-url', 'news.example.org'], {}, /--base-url 'news\.example\.org' is not an absolute URL/],
			[['--base-url', 'ftp://news.example.org/'], {}, /scheme must be http or https/],
			[['--base-url', 'https://news.example.org/?a=1'], {}, /no user, query or fragment/],
			[['--base-url', 'https://'], {}, /--base-url 'https:\/\/'/],
			[['--threads', '0'], {}, /--threads wants a whole number from 1 to 256, not '0'/],
			[['--threads', '4x'], {}, /--threads wants a whole number/],
			[['--upload-limit', '201'], {}, /--upload-limit wants a whole number from 1 to 200/],
			[['--reset-token-ttl', '-1'], {}, /--reset-token-ttl wants a whole number from 1 to 604800/],
			[['--replica-max-lag', '99999999999999999999'], {}, /--replica-max-lag wants/],
			[[], { DATELINE_THREADS: 'many' }, /--threads \(from DATELINE_THREADS\) wants a whole number/],
			[[], { DATELINE_QUIET: 'maybe' }, /--quiet \(from DATELINE_QUIET\) wants 1\/0, true\/false, yes\/no or on\/off, not 'maybe'/],
			[[], { DATELINE_TRUST_PROXY: '2' }, /--trust-proxy \(from DATELINE_TRUST_PROXY\) wants 1\/0/],
			[['--access-log-format', 'apache'], {}, /--access-log-format is short, combined or json/],
		];
		for (const [args, env, re] of cases) {
			const r = await cli(['serve', '--db', site.db, '--listen', '127.0.0.1:0', ...args], { env });
			const what = `serve ${args.join(' ')} ${JSON.stringify(env)}`;
			assert.equal(r.code, 2, `${what}: exit 2, got ${r.code}: ${r.stderr}`);
			const lines = r.stderr.split('\n').filter((l) => l !== '');
			assert.equal(lines.length, 1, `${what}: one line:\n${r.stderr}`);
			assert.match(lines[0], /^error: /, what);
			assert.match(lines[0], re, what);
		}
	});

	it('takes 1/0, true/false, yes/no and on/off from the environment', async () => {
		// DATELINE_QUIET=false used to turn the access log off
		for (const [value, logged] of [['false', true], ['0', true], ['no', true], ['OFF', true],
			['true', false], ['1', false], ['yes', false], ['On', false]]) {
			const srv = await startServer({ db: site.db, quiet: false, env: { DATELINE_QUIET: value } });
			try {
				await get(`${srv.url}/robots.txt`);
				await sleep(100);
			} finally {
				await srv.stop();
			}
			assert.equal(/GET \/robots\.txt/.test(srv.stdout()), logged,
				`DATELINE_QUIET=${value}: access log ${logged ? 'on' : 'off'}`);
		}
		// DATELINE_TRUST_PROXY=false does not believe X-Forwarded-For
		for (const [value, trusted] of [['false', false], ['yes', true]]) {
			const srv = await startServer({ db: site.db, quiet: false, env: { DATELINE_TRUST_PROXY: value } });
			try {
				await get(`${srv.url}/robots.txt`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
				await sleep(100);
			} finally {
				await srv.stop();
			}
			assert.equal(/203\.0\.113\.9 "GET \/robots\.txt/.test(srv.stdout()), trusted,
				`DATELINE_TRUST_PROXY=${value}: ${srv.stdout()}`);
		}
	});

	it('normalises --base-url: no double slash in canonical and feed links', async () => {
		const p = await addArticle(site, { headline: 'Base URL check', published: '2025-05-01T10:00:00Z' },
			'Body.\n');
		for (const base of ['https://news.example.org/', 'https://news.example.org//', 'HTTPS://news.example.org']) {
			const srv = await startServer({ db: site.db, args: ['--base-url', base] });
			try {
				const page = await get(`${srv.url}${p}`);
				assert.match(page.text, new RegExp(`<link rel="canonical" href="https://news\\.example\\.org${p}"`),
					`${base}: canonical`);
				const feed = await get(`${srv.url}/feed.xml`);
				assert.match(feed.text, /https:\/\/news\.example\.org\/feed\.xml/);
				assert.doesNotMatch(page.text + feed.text, /news\.example\.org\/\//, `${base}: no //`);
			} finally {
				await srv.stop();
			}
		}
		// a path is kept, without its trailing slash
		const srv = await startServer({ db: site.db, args: ['--base-url', 'http://example.org:8081/paper/'] });
		try {
			const page = await get(`${srv.url}${p}`);
			assert.match(page.text, new RegExp(`href="http://example\\.org:8081/paper${p}"`));
		} finally {
			await srv.stop();
		}
	});

	it('serve --help says what --db takes and shows number ranges', async () => {
		const r = await cli(['serve', '--help']);
		assert.equal(r.code, 0);
		assert.match(r.stdout, /--db PATH\|URL\s+the site database: a SQLite file path or a postgres:\/\/ URL/);
		assert.match(r.stdout, /--threads N .*\(1 to 256\)/);
		assert.match(r.stdout, /SIGHUP/);
		assert.match(r.stdout, /1\/0, true\/false, yes\/no or on\/off/);
	});
});

describe('SIGHUP', () => {
	let site, srv, tdir, log;
	before(async () => {
		site = await makeSite();
		tdir = path.join(site.dir, 'theme');
		await fsp.mkdir(tdir);
		const foot = await fsp.readFile(path.join(ROOT, 'templates/foot.mustache'), 'utf8');
		await fsp.writeFile(path.join(tdir, 'foot.mustache'), foot.replace('</footer>', '<p>theme one</p></footer>'));
		log = path.join(site.dir, 'access.log');
		srv = await startServer({ db: site.db, quiet: false,
			args: ['--templates', tdir, '--access-log', log] });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	it('reopens the access log after a rotation, re-reads the templates, and keeps serving', async () => {
		const before1 = await get(`${srv.url}/`);
		assert.match(before1.text, /theme one/);
		assert.ok(await until(() => /"GET \/ HTTP|GET \/"/.test(fs.readFileSync(log, 'utf8'))),
			'the first request is in the file');
		assert.equal(srv.stdout(), '', 'nothing on standard output with --access-log');
		// logrotate: move the file away, then SIGHUP
		await fsp.rename(log, `${log}.1`);
		const foot = await fsp.readFile(path.join(tdir, 'foot.mustache'), 'utf8');
		await fsp.writeFile(path.join(tdir, 'foot.mustache'), foot.replace('theme one', 'theme two'));
		srv.proc.kill('SIGHUP');
		assert.ok(await until(() => /SIGHUP: access log reopened, templates reloaded/.test(srv.stderr())),
			`reload logged: ${srv.stderr()}`);
		assert.ok(srv.alive(), 'still running after SIGHUP');
		const after1 = await get(`${srv.url}/`);
		assert.match(after1.text, /theme two/, 'the cached front page was dropped and rendered anew');
		await get(`${srv.url}/robots.txt`);
		assert.ok(await until(() => fs.existsSync(log) && /robots\.txt/.test(fs.readFileSync(log, 'utf8'))),
			'new lines go to the new file');
		assert.doesNotMatch(fs.readFileSync(`${log}.1`, 'utf8'), /robots\.txt/, 'not to the rotated one');
		// a broken template is refused: the old ones stay
		await fsp.writeFile(path.join(tdir, 'foot.mustache'), '{{#open}} never closed\n');
		srv.proc.kill('SIGHUP');
		assert.ok(await until(() => /templates not reloaded: .*foot\.mustache/.test(srv.stderr())),
			srv.stderr());
		assert.ok(srv.alive());
		assert.match((await get(`${srv.url}/`)).text, /theme two/);
		// several at once, under requests
		const reqs = Promise.all(Array.from({ length: 40 }, () => get(`${srv.url}/`)));
		await fsp.writeFile(path.join(tdir, 'foot.mustache'), foot.replace('theme one', 'theme three'));
		for (let i = 0; i < 3; i++)
			srv.proc.kill('SIGHUP');
		await reqs;
		assert.ok(await until(async () => /theme three/.test((await get(`${srv.url}/`)).text)));
		assert.ok(srv.alive());
	});
});
