// hardening.test.mjs - what a probe of the server found: connections that
// never finish a request (the client timeout, the per-address cap) and
// request framing a proxy in front could read differently (two Hosts or
// Content-Lengths, no Host, an unknown transfer coding, whitespace before
// a header's colon): each answered 400 or 501, and the connection closed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { RawConn, get, makeSite, removeDir, sleep, startServer } from './lib.mjs';

// The server's open client connections on @port: established TCP sockets
// whose local port is the server's (its database connections, which come
// and go on PostgreSQL, are not counted).
const conns = (port) => {
	let n = 0;
	for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
		if (!fs.existsSync(f))
			continue;
		for (const line of fs.readFileSync(f, 'utf8').split('\n').slice(1)) {
			const col = line.trim().split(/\s+/);
			if (col.length > 3 && col[3] === '01' &&
			    parseInt(col[1].split(':')[1], 16) === port)
				n++;
		}
	}
	return n;
};

describe('slow and greedy clients', () => {
	let site, srv;
	before(async () => {
		site = await makeSite();
		srv = await startServer({ db: site.db, args: ['--client-timeout', '2', '--per-address-limit', '60'] });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	it('closes connections that never finish their request; readers are served meanwhile', async () => {
		// Counted before the first answer: its keep-alive connection may
		// close at any moment and must not be part of the baseline.
		const base = conns(srv.port);
		await get(`${srv.url}/`);
		const slow = [];
		for (let i = 0; i < 40; i++) {
			const c = await RawConn.open(srv.port);
			await c.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');	// never ends
			slow.push(c);
		}
		await sleep(300);
		assert.ok(conns(srv.port) >= base + 40, 'the half-sent connections are open');
		const t0 = Date.now();
		for (let i = 0; i < 10; i++)
			await get(`${srv.url}/robots.txt`);
		assert.ok(Date.now() - t0 < 2000, 'readers are served while slow clients hang');
		const closed = await Promise.all(slow.map((c) => c.closedBy(6000)));
		assert.equal(closed.filter(Boolean).length, 40, 'every slow client is closed');
		assert.ok(Date.now() - t0 < 7000);
		await sleep(200);
		assert.ok(conns(srv.port) <= base + 2, `connections come back: ${conns(srv.port)} vs ${base}`);
	});

	it('caps the connections of one address', async () => {
		const conns = [];
		for (let i = 0; i < 80; i++)
			conns.push(await RawConn.open(srv.port));
		const closed = await Promise.all(conns.map((c) => c.closedBy(1000)));
		const n = closed.filter(Boolean).length;
		assert.ok(n >= 20, `connections past 60 are closed at once (${n} closed)`);
		for (const c of conns)
			c.close();
		await sleep(200);
		await get(`${srv.url}/robots.txt`);
	});
});

describe('ambiguous request framing', () => {
	let site, srv;
	before(async () => {
		site = await makeSite();
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	const smuggled = 'GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n';
	const cases = [
		['two different Content-Length values', 400,
			`POST /account/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: ${smuggled.length + 5}\r\n\r\nhello${smuggled}`],
		['Transfer-Encoding with a space before the colon', 400,
			`POST /account/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n${smuggled}`],
		['HTTP/1.1 without Host', 400, 'GET / HTTP/1.1\r\n\r\n'],
		['two Host headers', 400, 'GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n'],
		['Transfer-Encoding: xchunked', 501,
			'POST /account/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
		['Content-Length and Transfer-Encoding both', 400,
			`POST /account/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`],
	];
	for (const [name, status, data] of cases) {
		it(`${name}: ${status} and the connection closed`, async () => {
			const c = await RawConn.open(srv.port);
			try {
				const r = await c.request(data, { timeout: 5000 });
				assert.equal(r.status, status, `${name}: ${r.statusLine}`);
				assert.ok(await c.closedBy(3000), `${name}: the connection is closed, nothing else read from it`);
				assert.doesNotMatch(c.buf.toString('latin1'), /User-agent|Sitemap/i, 'no smuggled second answer');
			} finally {
				c.close();
			}
		});
	}

	it('still serves well-formed requests, also the same Content-Length twice', async () => {
		const c = await RawConn.open(srv.port);
		try {
			const r = await c.request('GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n');
			assert.equal(r.status, 200);
			const r2 = await c.request('GET /robots.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n');
			assert.equal(r2.status, 200);
			const r3 = await c.request('GET /robots.txt HTTP/1.0\r\n\r\n');
			assert.equal(r3.status, 200, 'HTTP/1.0 needs no Host');
		} finally {
			c.close();
		}
	});
});
