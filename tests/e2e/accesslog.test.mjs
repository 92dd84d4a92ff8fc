// accesslog.test.mjs - the access log formats: combined as nginx and
// Apache write it (read by GoAccess --log-format=COMBINED without a
// single invalid line), JSON one object a line, and short (the default).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { get, makeSite, removeDir, request, sleep, startServer } from './lib.mjs';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) "quoted" test-agent';
const REF = 'https://search.example/?q=dateline';

/* Some requests of every kind: pages, a 404, a HEAD, odd headers. */
async function traffic(url) {
	await get(`${url}/`, { headers: { 'User-Agent': UA, Referer: REF } });
	await get(`${url}/robots.txt`, { headers: { 'User-Agent': UA } });
	await request(`${url}/no/such/page?x=%22`, { headers: { 'User-Agent': 'curl/7.88.1' } });
	await request(`${url}/`, { method: 'HEAD' });
	await request(`${url}/account/login`, { method: 'POST', headers: { 'User-Agent': 'bot\\ \u00e9' }, body: 'a=1' });
}

describe('access log formats', () => {
	let site;
	before(async () => { site = await makeSite(); });
	after(() => removeDir(site.dir));

	it('combined: the NCSA combined format, and GoAccess reads every line', async () => {
		const log = path.join(site.dir, 'combined.log');
		const srv = await startServer({ db: site.db, quiet: false,
			args: ['--access-log', log, '--access-log-format', 'combined'] });
		try {
			await traffic(srv.url);
			await sleep(200);
		} finally {
			await srv.stop();
		}
		const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l);
		assert.equal(lines.length, 5, lines.join('\n'));
		const re = /^127\.0\.0\.1 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "(GET|HEAD|POST) \S+ HTTP\/1\.1" \d{3} \d+ "[^"]*" "[^"]*"$/;
		for (const l of lines)
			assert.match(l, re);
		assert.ok(lines[0].endsWith(`"${REF}" "Mozilla/5.0 (X11; Linux x86_64) \\x22quoted\\x22 test-agent"`), lines[0]);
		assert.match(lines[1], /"GET \/robots\.txt HTTP\/1\.1" 200 \d+ "-" "Mozilla/);
		assert.match(lines[2], /"GET \/no\/such\/page\?x=%22 HTTP\/1\.1" 404 /);
		assert.match(lines[3], /"HEAD \/ HTTP\/1\.1" 200 0 /);
		assert.match(lines[4], /"bot\\x5C \\xE9"$/, "node sends header bytes as Latin-1");
		const g = spawnSync('goaccess', [log, '--log-format=COMBINED', '--no-global-config', '-o', 'json'],
			{ encoding: 'utf8' });
		assert.equal(g.error, undefined, `goaccess runs (Debian's goaccess): ${g.error}`);
		assert.equal(g.status, 0, g.stderr);
		const report = JSON.parse(g.stdout);
		assert.equal(report.general.total_requests, 5);
		assert.equal(report.general.valid_requests, 5);
		assert.equal(report.general.failed_requests, 0, 'no line GoAccess cannot parse');
	});

	it('json: one object a line, every line valid JSON', async () => {
		const log = path.join(site.dir, 'json.log');
		const srv = await startServer({ db: site.db, quiet: false,
			args: ['--access-log', log, '--access-log-format', 'json'] });
		try {
			await traffic(srv.url);
			await sleep(200);
		} finally {
			await srv.stop();
		}
		const rows = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
		assert.equal(rows.length, 5);
		assert.deepEqual(Object.keys(rows[0]), ['time', 'remote_addr', 'method', 'uri', 'protocol', 'status',
			'bytes', 'duration_ms', 'referer', 'user_agent']);
		assert.equal(rows[0].user_agent, UA);
		assert.equal(rows[0].referer, REF);
		assert.equal(rows[0].status, 200);
		assert.ok(rows[0].bytes > 1000);
		assert.equal(rows[2].status, 404);
		assert.equal(rows[2].uri, '/no/such/page?x=%22');
		assert.equal(rows[1].referer, '-');
		assert.equal(rows[4].user_agent, "bot\\ \u00e9", "bytes outside ASCII one \\u00HH each");
		assert.match(rows[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	});

	it('short stays the default', async () => {
		const srv = await startServer({ db: site.db, quiet: false });
		try {
			await get(`${srv.url}/robots.txt`);
			await sleep(100);
		} finally {
			await srv.stop();
		}
		assert.match(srv.stdout(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 "GET \/robots\.txt" 200 \d+ \d+\.\d\dms$/m);
	});
});
