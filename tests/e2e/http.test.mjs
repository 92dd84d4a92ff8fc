// http.test.mjs - the HTTP layer seen from outside: error pages, methods,
// conditional GET, compression, security headers, HEAD, hostile input,
// keep-alive, the access log, shutdown and the serve options.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';

import {
	RawConn, addArticle, decodeEntities, get, inner, makeSite, meta, rawRequest,
	removeDir, request, sleep, startServer, tags, textOf,
} from './lib.mjs';

const story = {
	headline: 'Tea growers bet on solar dryers', slug: 'tea-solar-dryers',
	summary: 'Growers say the dryers cut costs.', dateline: 'KANDY', photo: 'tea-hills.jpg',
	caption: 'Tea terraces in the hills.', credit: 'Demo', author: 'Amal Perera',
	section: 'Business', tags: 'tea, energy', published: '2025-11-21T06:45:00Z',
};
const storyBody = Array.from({ length: 12 }, (_, i) =>
	`Paragraph ${i + 1}: growers in the hills are trying solar dryers to cut the cost of processing leaves.`).join('\n\n') + '\n';

/* The page is one of ours: masthead, section navigation, footer, CSS. */
function assertSiteDesign(html, what) {
	assert.match(html, /^<!doctype html>/i, `${what}: a full HTML document`);
	assert.match(html, /<header class="masthead">[\s\S]*<a class="brand" href="\/">Dateline<\/a>/, `${what}: masthead`);
	assert.match(inner(html, 'nav', '[^>]*class="sections"') || '', /<a href="\/section\/business\/"[^>]*>Business<\/a>/,
		`${what}: section navigation`);
	assert.match(html, /<footer class="site-foot">/, `${what}: footer`);
	assert.ok(tags(html, 'link').some((l) => l.rel === 'stylesheet' && /^\/static\/site-/.test(l.href)),
		`${what}: stylesheet`);
	assert.match(html, /<\/html>\s*$/, `${what}: complete`);
}

/* The error page: status, design, heading and message. */
async function assertErrorPage(r, status, heading, what) {
	assert.equal(r.status, status, `${what}: status`);
	assert.match(r.headers['content-type'], /^text\/html/, `${what}: HTML`);
	assertSiteDesign(r.text, what);
	const section = inner(r.text, 'section', '[^>]*class="error-page"');
	assert.ok(section, `${what}: error section`);
	assert.equal(textOf(inner(section, 'h1')), heading, `${what}: heading`);
	assert.ok(textOf(inner(section, 'p')).length > 10, `${what}: a message`);
	assert.equal(r.headers['cache-control'], 'no-store', `${what}: not cached`);
}

function assertSecurityHeaders(h, html, what) {
	assert.equal(h['x-content-type-options'], 'nosniff', what);
	assert.equal(h['referrer-policy'], 'strict-origin-when-cross-origin', what);
	assert.equal(h['x-frame-options'], 'DENY', what);
	if (html) {
		const csp = h['content-security-policy'];
		assert.ok(csp, `${what}: CSP`);
		assert.match(csp, /(^|;\s*)frame-ancestors 'none'/, what);
		assert.match(csp, /(^|;\s*)default-src 'self'/, what);
		assert.match(csp, /(^|;\s*)object-src 'none'/, what);
		assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
	}
}

describe('HTTP', () => {
	let site, srv, articlePath, html, mediaSrc, cssHref;

	before(async () => {
		site = await makeSite();
		articlePath = await addArticle(site, story, storyBody);
		srv = await startServer({ db: site.db });
		html = (await get(srv.url + articlePath)).text;
		mediaSrc = tags(inner(html, 'figure'), 'img')[0].src;
		cssHref = tags(html, 'link').find((l) => l.rel === 'stylesheet').href;
	});

	after(async () => {
		if (srv && srv.alive())
			srv.proc.kill('SIGKILL');
		if (site)
			await removeDir(site.dir);
	});

	/* The server still answers normally. */
	async function assertAlive(what) {
		assert.ok(srv.alive(), `${what}: server process still running`);
		const r = await request(srv.url + articlePath);
		assert.equal(r.status, 200, `${what}: server still serves pages`);
		assert.match(r.text, /Tea growers bet on solar dryers/);
	}

	it('answers an unknown address with a 404 page in the site design', async () => {
		for (const p of ['/no/such/page/', '/business/2025/11/21/no-such-story/', '/section/nope/',
			'/tag/nope/', '/static/nope.css', '/media/0123abcd.jpg', '/business/2025/11/21/Bad_Slug/']) {
			const r = await request(srv.url + p);
			await assertErrorPage(r, 404, 'Page not found', p);
			assertSecurityHeaders(r.headers, true, p);
		}
		const r = await request(srv.url + '/no/such/page/');
		assert.match(r.text, /<a href="\/">Go to the front page<\/a>/);
		assert.equal(decodeEntities(inner(r.text, 'title')), 'Page not found \u2014 Dateline');
	});

	it('refuses other methods with 405 and an Allow header', async () => {
		for (const [method, p] of [['POST', '/'], ['PUT', articlePath], ['DELETE', '/'],
			['PATCH', '/section/business/'], ['POST', cssHref]]) {
			const r = await request(srv.url + p, { method, body: method === 'DELETE' ? undefined : 'x=1',
				headers: { 'content-type': 'application/x-www-form-urlencoded' } });
			await assertErrorPage(r, 405, 'Method not allowed', `${method} ${p}`);
			assert.equal(r.headers.allow, 'GET, HEAD', `${method} ${p}`);
		}
		// an unknown route is 404 whatever the method
		const r = await request(srv.url + '/no/such/page/', { method: 'POST', body: 'x' });
		assert.equal(r.status, 404);
	});

	it('answers If-None-Match with 304 and an empty body', async () => {
		for (const p of ['/', articlePath, '/section/business/', '/tag/tea/', mediaSrc, cssHref]) {
			const first = await get(srv.url + p);
			const etag = first.headers.etag;
			assert.match(etag || '', /^(W\/)?"[^"]+"$/, `${p}: has an ETag`);
			const r = await request(srv.url + p, { headers: { 'if-none-match': etag } });
			assert.equal(r.status, 304, `${p}: 304`);
			assert.equal(r.body.length, 0, `${p}: no body`);
			assert.equal(r.headers.etag, etag, `${p}: 304 repeats the ETag`);
			const list = await request(srv.url + p, { headers: { 'if-none-match': `"nope", W/${etag}` } });
			assert.equal(list.status, 304, `${p}: weak match in a list`);
			const other = await request(srv.url + p, { headers: { 'if-none-match': '"something-else"' } });
			assert.equal(other.status, 200, `${p}: other ETag gives the page`);
			assert.ok(other.body.equals(first.body), `${p}: same bytes`);
		}
		// raw: the 304 really carries no body on a kept-alive connection
		const c = await RawConn.open(srv.port);
		try {
			const first = await c.request(`GET ${articlePath} HTTP/1.1\r\nHost: x\r\n\r\n`);
			const r = await c.request(`GET ${articlePath} HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${first.headers.etag}\r\n\r\n`);
			assert.equal(r.status, 304);
			const again = await c.request(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
			assert.equal(again.status, 200, 'connection still in sync after the 304');
		} finally {
			c.close();
		}
	});

	it('compresses with gzip when asked, and the bytes inflate to the identity body', async () => {
		for (const p of ['/', articlePath, '/section/business/', cssHref, '/no/such/page/']) {
			const plain = await request(srv.url + p);
			assert.equal(plain.headers['content-encoding'], undefined, `${p}: identity by default`);
			const gz = await request(srv.url + p, { headers: { 'accept-encoding': 'gzip, deflate' } });
			assert.equal(gz.status, plain.status);
			assert.equal(gz.headers['content-encoding'], 'gzip', `${p}: gzip`);
			assert.match(gz.headers.vary || '', /Accept-Encoding/i, `${p}: Vary`);
			assert.ok(gz.body.length < plain.body.length, `${p}: smaller`);
			assert.equal(Number(gz.headers['content-length']), gz.body.length);
			assert.ok(zlib.gunzipSync(gz.body).equals(plain.body), `${p}: inflates to the same bytes`);
		}
		const no = await request(srv.url + articlePath, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
		assert.equal(no.headers['content-encoding'], undefined, 'gzip;q=0 is a refusal');
		const star = await request(srv.url + articlePath, { headers: { 'accept-encoding': '*' } });
		assert.equal(star.headers['content-encoding'], 'gzip', '* accepts gzip');
		const jpeg = await request(srv.url + mediaSrc, { headers: { 'accept-encoding': 'gzip' } });
		assert.equal(jpeg.headers['content-encoding'], undefined, 'images are not recompressed');
	});

	it('sends the security headers', async () => {
		const html200 = await get(srv.url + articlePath);
		assertSecurityHeaders(html200.headers, true, 'article');
		assertSecurityHeaders((await get(srv.url + '/')).headers, true, 'home');
		assertSecurityHeaders((await request(srv.url + '/%zz/')).headers, true, '400 page');
		assertSecurityHeaders((await get(srv.url + cssHref)).headers, false, 'css');
		assertSecurityHeaders((await get(srv.url + mediaSrc)).headers, false, 'media');
		// the page itself obeys its CSP: no inline script, style or handlers
		assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
		for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g))
			assert.ok(/type="application\/ld\+json"/.test(m[1]) || (/src="\/static\//.test(m[1]) && m[2] === ''),
				`script allowed by CSP: ${m[0].slice(0, 80)}`);
	});

	it('answers HEAD with the headers of GET and no body', async () => {
		for (const p of ['/', articlePath, cssHref, mediaSrc, '/no/such/page/']) {
			const g = await request(srv.url + p);
			const c = await RawConn.open(srv.port);
			try {
				const h = await c.request(`HEAD ${p} HTTP/1.1\r\nHost: x\r\n\r\n`, { head: true });
				assert.equal(h.status, g.status, `${p}: status`);
				assert.equal(h.headers['content-type'], g.headers['content-type'], `${p}: type`);
				assert.equal(Number(h.headers['content-length']), g.body.length, `${p}: length`);
				if (g.status === 200)
					assert.equal(h.headers.etag, g.headers.etag, `${p}: ETag`);
				// had HEAD sent a body, this response would not parse
				const next = await c.request(`GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`);
				assert.equal(next.status, g.status, `${p}: next response in sync`);
				assert.equal(next.body.length, g.body.length);
				assert.equal(c.buf.length, 0, `${p}: no stray bytes`);
			} finally {
				c.close();
			}
		}
	});

	it('serves many requests on one kept-alive connection', async () => {
		const c = await RawConn.open(srv.port);
		try {
			for (let i = 0; i < 20; i++) {
				const p = [articlePath, '/', cssHref, mediaSrc][i % 4];
				const r = await c.request(`GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`);
				assert.equal(r.status, 200, `request ${i}`);
				assert.ok(!c.ended, 'connection kept open');
			}
			// pipelined: three requests in one write
			await c.write(`GET / HTTP/1.1\r\nHost: x\r\n\r\nGET ${cssHref} HTTP/1.1\r\nHost: x\r\n\r\nGET ${articlePath} HTTP/1.1\r\nHost: x\r\n\r\n`);
			const a = await c.readResponse();
			const b = await c.readResponse();
			const d = await c.readResponse();
			assert.deepEqual([a.status, b.status, d.status], [200, 200, 200]);
			assert.match(a.headers['content-type'], /html/);
			assert.match(b.headers['content-type'], /css/);
			assert.match(d.text, /Tea growers bet on solar dryers/);
		} finally {
			c.close();
		}
	});

	it('refuses malformed percent-encoding with a 400 page', async () => {
		for (const p of ['/%zz/', '/%/', '/abc%2', '/%00/', '/section/%g1/', '/%C3%28%zz']) {
			const r = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
			assert.equal(r.status, 400, p);
			assert.match(r.headers['content-type'], /^text\/html/);
			assertSiteDesign(r.text, p);
			assert.equal(textOf(inner(r.text, 'h1')), 'Bad request', p);
			await assertAlive(p);
		}
		const ok = await request(srv.url + '/section/%62usiness/');
		assert.equal(ok.status, 200, 'valid percent-encoding is decoded');
	});

	it('refuses an over-long path with 414', async () => {
		const long = '/' + 'a'.repeat(3000) + '/';
		const r = await rawRequest(srv.port, `GET ${long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
		assert.equal(r.status, 414);
		assertSiteDesign(r.text, '414');
		assert.equal(textOf(inner(r.text, 'h1')), 'Address too long');
		assert.ok(!r.text.includes('a'.repeat(2100)), 'the address is not echoed whole');
		await assertAlive('414');
		// just under the limit is an ordinary 404; just over is 414
		const at = await request(srv.url + '/' + 'b'.repeat(2046) + '/');
		assert.equal(at.status, 404, '2048 bytes');
		const over = await request(srv.url + '/' + 'b'.repeat(2047) + '/');
		assert.equal(over.status, 414, '2049 bytes');
		const q = await request(srv.url + '/?x=' + 'c'.repeat(5000));
		assert.equal(q.status, 414, 'query counts toward the limit');
	});

	it('refuses a huge header with a 4xx and keeps serving', async () => {
		for (const hdr of [
			`X-Big: ${'x'.repeat(70 * 1024)}\r\n`,
			Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${'y'.repeat(20)}\r\n`).join(''),
			`Cookie: ${'c=1; '.repeat(20000)}\r\n`,
		]) {
			let r;
			try {
				r = await rawRequest(srv.port, `GET / HTTP/1.1\r\nHost: x\r\n${hdr}\r\n`);
			} catch (e) {
				assert.fail(`no HTTP answer to a huge header: ${e.message}`);
			}
			assert.ok(r.status === 431 || r.status === 413, `status ${r.status}`);
			await assertAlive('huge header');
		}
	});

	it('refuses a request body over 1 MB with 413', async () => {
		const big = 1024 * 1024 + 1;
		// a polite client waits for 100-continue and gets the refusal instead
		const c = await RawConn.open(srv.port);
		try {
			const r = await c.request(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n` +
				`Content-Length: ${big}\r\nExpect: 100-continue\r\n\r\n`);
			assert.equal(r.status, 413);
			assertSiteDesign(r.text, '413');
			assert.equal(textOf(inner(r.text, 'h1')), 'Too large');
		} finally {
			c.close();
		}
		await assertAlive('413 with Expect');
		// declared length over the limit, body sent at once
		const r2 = await request(srv.url + '/', { method: 'POST', body: Buffer.alloc(big, 'a'),
			headers: { 'content-type': 'application/octet-stream' } }).catch((e) => ({ status: e.code }));
		assert.equal(r2.status, 413, 'Content-Length over 1 MB');
		await assertAlive('413 with body');
		// chunked, so the size is only known while reading
		const c2 = await RawConn.open(srv.port);
		try {
			await c2.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
			const chunk = 'z'.repeat(64 * 1024);
			for (let sent = 0; sent <= big; sent += chunk.length)
				if (!(await c2.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)))
					break;
			await c2.write('0\r\n\r\n');
			const r3 = await c2.readResponse({ timeout: 15000 });
			assert.equal(r3.status, 413, 'chunked body over 1 MB');
		} finally {
			c2.close();
		}
		await assertAlive('413 chunked');
		// a body under the limit reaches the handler (405 here, not 413)
		const small = await request(srv.url + '/', { method: 'POST', body: Buffer.alloc(1024 * 1024, 'a') });
		assert.equal(small.status, 405);
	});

	it('refuses a malformed ?before= cursor with 400', async () => {
		for (const q of ['abc', '', '1.2.3', '-5.1', '17', '.5', '5.', '1e9.3', '12.x', '1;2',
			'9'.repeat(50) + '.1', '99999999999999999999.1', '1.99999999999999999999']) {
			for (const base of ['/', '/section/business/', '/tag/tea/']) {
				const r = await request(`${srv.url}${base}?before=${encodeURIComponent(q)}`);
				assert.equal(r.status, 400, `${base}?before=${q}`);
				assertSiteDesign(r.text, `${base}?before=${q}`);
			}
		}
		const ok = await request(`${srv.url}/?before=4102444800.999999`);
		assert.equal(ok.status, 200, 'a well-formed cursor');
		assert.match(ok.text, /Tea growers bet on solar dryers/);
		await assertAlive('cursor');
	});

	it('survives garbage on the wire', async () => {
		const junk = [
			'GARBAGE\r\n\r\n',
			'GET\r\n\r\n',
			'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
			'GET / HTTP/1.1\r\n\r\n',
			'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
			'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n',
			'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
			'GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n',
			'\x00\x01\x02\x03\r\n\r\n',
			Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
			'GET /\x7f\xff HTTP/1.1\r\nHost: x\r\n\r\n',
		];
		for (const j of junk) {
			const c = await RawConn.open(srv.port);
			try {
				await c.write(j);
				// whatever the answer (or a close), the server must not hang
				// on to it forever nor crash
				await c.readResponse({ timeout: 1000 }).then((r) => {
					assert.ok(r.status >= 200 && r.status < 600);
				}, () => {});
			} finally {
				c.close();
			}
			await assertAlive(JSON.stringify(j.toString()));
		}
		// a client that connects and goes away mid-request
		for (let i = 0; i < 20; i++) {
			const c = await RawConn.open(srv.port);
			await c.write('GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ');
			c.close();
		}
		await sleep(100);
		await assertAlive('half requests');
	});

	it('logs nothing to stdout with --quiet', () => {
		assert.equal(srv.stdout(), '');
	});

	it('exits 0 promptly on SIGTERM with an idle kept-alive connection open', async () => {
		const c = await RawConn.open(srv.port);
		const r = await c.request(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
		assert.equal(r.status, 200);
		try {
			assert.equal(await srv.stop(), 0);
			assert.ok(srv.stopMs < 5000, `stopped in ${srv.stopMs} ms`);
			assert.match(srv.stderr(), /SIGTERM received/);
			assert.ok(await c.closedBy(2000), 'the idle connection is closed');
		} finally {
			c.close();
		}
	});
});

describe('access log', () => {
	let site, srv, articlePath;

	before(async () => {
		site = await makeSite();
		articlePath = await addArticle(site, story, storyBody);
		srv = await startServer({ db: site.db, quiet: false });
	});

	after(async () => {
		if (srv && srv.alive())
			srv.proc.kill('SIGKILL');
		if (site)
			await removeDir(site.dir);
	});

	it('writes exactly one line per request to stdout', async () => {
		const html = (await get(srv.url + articlePath)).text;
		const etag = (await get(srv.url + '/')).headers.etag;
		const media = tags(inner(html, 'figure'), 'img')[0].src;
		const expected = [['GET', articlePath, 200], ['GET', '/', 200]];
		const want = async (method, p, status, opts = {}) => {
			const r = await request(srv.url + p, { method, ...opts });
			assert.equal(r.status, status, `${method} ${p}`);
			expected.push([method, p, status, r]);
		};
		await want('GET', '/', 304, { headers: { 'if-none-match': etag } });
		await want('HEAD', articlePath, 200);
		await want('GET', media, 200);
		await want('GET', '/no/such/page/', 404);
		await want('POST', '/', 405, { body: 'a=b' });
		await want('GET', '/?before=bad', 400);
		await want('GET', '/section/business/?x=1', 200);
		await want('GET', '/%zz/', 400);
		await want('GET', '/' + 'l'.repeat(2100), 414);
		const raw = await rawRequest(srv.port, `GET /raw/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
		assert.equal(raw.status, 404);
		expected.push(['GET', '/raw/', 404]);
		const c = await RawConn.open(srv.port);
		for (let i = 0; i < 5; i++)
			assert.equal((await c.request(`GET /?k=${i} HTTP/1.1\r\nHost: x\r\n\r\n`)).status, 200);
		c.close();
		for (let i = 0; i < 5; i++)
			expected.push(['GET', `/?k=${i}`, 200]);

		const deadline = Date.now() + 5000;
		while (srv.stdoutLines().length < expected.length && Date.now() < deadline)
			await sleep(20);
		await sleep(200);	// and nothing more arrives
		const lines = srv.stdoutLines();
		assert.equal(lines.length, expected.length, `one line per request:\n${lines.join('\n')}`);
		const re = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 "([A-Z]+) (\S+)" (\d{3}) (\d+) \d+\.\d\dms$/;
		const parsed = lines.map((l) => {
			const m = re.exec(l);
			assert.ok(m, `access line format: ${l}`);
			return m;
		});
		const key = (m, p, s) => `${m} ${p.slice(0, 512)} ${s}`;
		assert.deepEqual(parsed.map((m) => key(m[1], m[2], m[3])).sort(),
			expected.map(([m, p, s]) => key(m, p, s)).sort());
		// byte counts: what was sent, 0 for HEAD and 304
		for (const m of parsed) {
			if (m[1] === 'HEAD' || m[3] === '304')
				assert.equal(m[4], '0', m[0]);
			if (m[2] === media)
				assert.equal(Number(m[4]), expected.find((e) => e[1] === media)[3].body.length);
		}
		assert.doesNotMatch(srv.stdout(), /dateline serving|info:/, 'diagnostics stay on stderr');
	});

	it('exits 0 on SIGINT too', async () => {
		assert.equal(await srv.stop({ signal: 'SIGINT' }), 0);
		assert.match(srv.stderr(), /SIGINT received/);
	});
});

describe('serve options', () => {
	let site, articlePath, themeDir;

	before(async () => {
		site = await makeSite();
		articlePath = await addArticle(site, story, storyBody);
		themeDir = path.join(site.dir, 'theme');
		await fsp.mkdir(path.join(themeDir, 'static'), { recursive: true });
		await fsp.mkdir(path.join(themeDir, 'templates'), { recursive: true });
	});

	after(async () => {
		if (site)
			await removeDir(site.dir);
	});

	it('--templates replaces a built-in template and --static a built-in asset', async () => {
		const foot = '</main>\n<footer class="site-foot"><p>THEME-FOOTER {{site.name}}</p></footer>\n</body>\n</html>\n';
		await fsp.writeFile(path.join(themeDir, 'templates', 'foot.mustache'), foot);
		const css = 'body { color: rebeccapurple; }\n';
		await fsp.writeFile(path.join(themeDir, 'static', 'site.css'), css);
		await fsp.writeFile(path.join(themeDir, 'static', 'extra.txt'), 'hello\n');
		const srv = await startServer({ db: site.db, args: ['--templates', path.join(themeDir, 'templates'),
			'--static', path.join(themeDir, 'static')] });
		try {
			const html = (await get(srv.url + articlePath)).text;
			assert.match(html, /THEME-FOOTER Dateline/);
			assert.match(html, /Tea growers bet on solar dryers/, 'other templates still built in');
			const href = tags(html, 'link').find((l) => l.rel === 'stylesheet').href;
			assert.match(href, /^\/static\/site-[0-9a-f]{10}\.css$/);
			const r = await get(srv.url + href);
			assert.equal(r.text, css);
			assert.match(r.headers['cache-control'], /immutable/);
			const extra = await get(srv.url + '/static/extra.txt');
			assert.equal(extra.text, 'hello\n');
			assert.match(extra.headers['content-type'], /^text\/plain/);
		} finally {
			assert.equal(await srv.stop(), 0);
		}
	});

	it('--site-name, --tagline and --base-url shape every page', async () => {
		const srv = await startServer({ db: site.db, args: ['--site-name', 'The Harbour Times',
			'--tagline', 'Tides & tidings', '--base-url', 'https://news.example.org'] });
		try {
			const html = (await get(srv.url + articlePath)).text;
			assert.equal(decodeEntities(inner(html, 'title')), `${story.headline} \u2014 The Harbour Times`);
			assert.equal(tags(html, 'link').find((l) => l.rel === 'canonical').href,
				`https://news.example.org${articlePath}`);
			assert.equal(meta(html, 'og:site_name'), 'The Harbour Times');
			assert.match(meta(html, 'og:image'), /^https:\/\/news\.example\.org\/media\//);
			const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)[1]);
			assert.equal(ld.publisher.name, 'The Harbour Times');
			assert.equal(ld.url, `https://news.example.org${articlePath}`);
			const home = (await get(srv.url + '/')).text;
			assert.equal(decodeEntities(inner(home, 'title')), 'The Harbour Times');
			assert.equal(meta(home, 'description'), 'Tides & tidings');
		} finally {
			assert.equal(await srv.stop(), 0);
		}
	});

	it('settings come from the environment too', async () => {
		const srv = await startServer({ db: site.db, env: { DATELINE_SITE_NAME: 'Env Gazette' } });
		try {
			const html = (await get(srv.url + '/')).text;
			assert.equal(decodeEntities(inner(html, 'title')), 'Env Gazette');
		} finally {
			assert.equal(await srv.stop(), 0);
		}
	});
});
