// reach-feeds.test.mjs - RSS 2.0, Atom and JSON Feed for the site, a
// section, a tag, an author and the most-reacted lists, read by a real feed
// parser (feedparser, no bozo flag); ids stable across an edit; absolute
// links; lead photos as media; autodiscovery links; conditional GET and
// compressed bodies; --feed-content full.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	addArticle, get, makeSite, removeDir, request, sleep, startServer, tags,
} from './lib.mjs';
import { decode, parseFeed } from './reach-lib.mjs';

const HARBOUR = {
	headline: 'Harbour cranes return to work', slug: 'harbour-cranes',
	summary: 'Container traffic resumed at dawn.', author: 'Nour Haddad',
	section: 'World', tags: 'ports, weather', dateline: 'BEIRUT',
	photo: 'harbour.jpg', caption: 'Cranes at dusk.', credit: 'Demo',
	published: '2025-11-20T08:30:00Z', status: 'published',
};
const TEA = {
	headline: 'Tea growers bet on solar dryers', slug: 'tea-growers',
	summary: 'Growers & dryers <in the hills>.', author: 'Amina Otieno',
	section: 'Business', tags: 'ports', published: '2025-11-21T09:00:00Z',
	status: 'published',
};
const DRAFT = {
	headline: 'Unpublished draft', slug: 'secret-draft', section: 'World',
	author: 'Nour Haddad', published: '2025-11-22T09:00:00Z', status: 'draft',
};

describe('feeds', () => {
	let site, srv, paths = {};

	before(async () => {
		site = await makeSite();
		paths.harbour = await addArticle(site, HARBOUR, 'The first crane swung back **into motion**.\n');
		paths.tea = await addArticle(site, TEA, 'Solar dryers cut the drying time.\n');
		await addArticle(site, DRAFT, 'Not yet.\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	const feeds = [
		['/feed.xml', 'rss20', ['tea', 'harbour']],
		['/atom.xml', 'atom10', ['tea', 'harbour']],
		['/section/world/feed.xml', 'rss20', ['harbour']],
		['/section/business/atom.xml', 'atom10', ['tea']],
		['/tag/ports/feed.xml', 'rss20', ['tea', 'harbour']],
		['/author/Nour%20Haddad/feed.xml', 'rss20', ['harbour']],
		['/author/Amina%20Otieno/atom.xml', 'atom10', ['tea']],
	];

	it('parses every RSS and Atom feed without a warning, newest first, drafts left out', async () => {
		for (const [p, version, want] of feeds) {
			const r = await get(srv.url + p);
			assert.match(r.headers['content-type'], version === 'rss20' ?
				/^application\/rss\+xml; charset=utf-8$/ : /^application\/atom\+xml; charset=utf-8$/, p);
			const f = await parseFeed(r.body);
			assert.equal(f.bozo, false, `${p}: ${f.bozo_exception}`);
			assert.equal(f.version, version, p);
			assert.deepEqual(f.entries.map((e) => e.link), want.map((k) => srv.url + paths[k]), p);
			assert.ok(!r.text.includes('secret-draft'), `${p}: no draft`);
		}
	});

	it('gives each item its dates, author, categories, absolute links and the lead photo', async () => {
		for (const p of ['/feed.xml', '/atom.xml']) {
			const f = await parseFeed((await get(srv.url + p)).body);
			const h = f.entries.find((e) => e.title === HARBOUR.headline);
			assert.equal(h.published, '2025-11-20T08:30:00Z', p);
			assert.ok(h.updated, `${p}: updated`);
			assert.equal(h.author, 'Nour Haddad', p);
			assert.deepEqual(h.tags, ['World', 'ports', 'weather'], p);
			assert.match(h.id, /^tag:127\.0\.0\.1,\d{4}-\d\d-\d\d:article:\d+$/, p);
			assert.equal(h.enclosures.length, 1, `${p}: one enclosure`);
			const [enc] = h.enclosures;
			assert.match(enc.href, new RegExp(`^${srv.url}/media/[0-9a-f]+\\.jpg$`));
			assert.equal(enc.type, 'image/jpeg');
			const img = await request(enc.href);
			assert.equal(img.status, 200, 'the photo URL works');
			assert.equal(Number(enc.length), img.body.length, `${p}: the enclosure's length is its size`);
			if (p === '/feed.xml')
				assert.deepEqual(h.media, [enc.href], 'and a Media RSS item');
			const t = f.entries.find((e) => e.title === TEA.headline);
			// RSS descriptions are HTML: the text arrives escaped once
			// more, never as markup; Atom summaries are text.
			if (p === '/feed.xml')
				assert.equal(t.summary, 'Growers &amp; dryers &lt;in the hills&gt;.');
			else
				assert.equal(t.summary, TEA.summary);
			assert.deepEqual(t.content, [], `${p}: summaries only by default`);
		}
		const rss = (await get(srv.url + '/feed.xml')).text;
		assert.match(rss, /<pubDate>Fri, 21 Nov 2025 09:00:00 GMT<\/pubDate>/, 'RFC 822 dates');
		assert.match(rss, /<atom:link href="http:\/\/127\.0\.0\.1:\d+\/feed\.xml" rel="self"/);
	});

	it('has a JSON Feed 1.1 with the same items and ids', async () => {
		const r = await get(srv.url + '/feed.json');
		assert.match(r.headers['content-type'], /^application\/feed\+json/);
		const j = JSON.parse(r.text);
		assert.equal(j.version, 'https://jsonfeed.org/version/1.1');
		assert.equal(j.feed_url, srv.url + '/feed.json');
		assert.equal(j.home_page_url, srv.url + '/');
		const rss = await parseFeed((await get(srv.url + '/feed.xml')).body);
		assert.deepEqual(j.items.map((i) => i.id), rss.entries.map((e) => e.id));
		const h = j.items.find((i) => i.title === HARBOUR.headline);
		assert.equal(h.url, srv.url + paths.harbour);
		assert.equal(h.date_published, '2025-11-20T08:30:00Z');
		assert.equal(h.content_text, HARBOUR.summary);
		assert.deepEqual(h.authors, [{ name: 'Nour Haddad' }]);
		assert.match(h.image, /^http:\/\/127\.0\.0\.1:\d+\/media\//);
		const sec = JSON.parse((await get(srv.url + '/section/world/feed.json')).text);
		assert.deepEqual(sec.items.map((i) => i.title), [HARBOUR.headline]);
	});

	it('answers unknown feeds and lists with 404', async () => {
		for (const p of ['/section/world/feed.rss', '/section/nowhere/feed.xml',
			'/tag/nothing/atom.xml', '/author/Nobody/feed.xml', '/author/%01x/feed.xml',
			'/reactions/lol/feed.txt'])
			assert.equal((await request(srv.url + p)).status, 404, p);
	});

	it('serves the most-reacted feeds through the same builder', async () => {
		const put = await request(`${srv.url}/api/v1/articles/tea-growers/reactions`, {
			method: 'PUT', body: '{"reaction":"lol"}',
			headers: { 'Content-Type': 'application/json' } });
		assert.equal(put.status, 200);
		for (const [file, version] of [['feed.xml', 'rss20'], ['atom.xml', 'atom10']]) {
			const r = await get(`${srv.url}/reactions/lol/${file}?window=all`);
			const f = await parseFeed(r.body);
			assert.equal(f.bozo, false, f.bozo_exception);
			assert.equal(f.version, version);
			assert.deepEqual(f.entries.map((e) => e.title), [TEA.headline]);
			assert.match(f.entries[0].summary, /\(1 Lol\)$/);
			const again = await request(`${srv.url}/reactions/lol/${file}?window=all`,
				{ headers: { 'if-none-match': r.headers.etag } });
			assert.equal(again.status, 304, `${file}: 304 by ETag`);
		}
		const j = JSON.parse((await get(`${srv.url}/reactions/lol/feed.json`)).text);
		assert.equal(j.version, 'https://jsonfeed.org/version/1.1');
	});

	it('links the feeds from every page (autodiscovery)', async () => {
		const alt = (html) => tags(html, 'link').filter((l) => l.rel === 'alternate')
			.map((l) => [l.type, l.href]);
		const site = [['application/rss+xml', srv.url + '/feed.xml'],
			['application/atom+xml', srv.url + '/atom.xml'],
			['application/feed+json', srv.url + '/feed.json']];
		for (const p of ['/', paths.harbour, '/search?q=crane'])
			assert.deepEqual(alt((await get(srv.url + p)).text).filter(([t]) => !/oembed/.test(t)), site, p);
		const sec = alt((await get(srv.url + '/section/world/')).text);
		assert.deepEqual(sec.slice(3), [['application/rss+xml', srv.url + '/section/world/feed.xml'],
			['application/atom+xml', srv.url + '/section/world/atom.xml'],
			['application/feed+json', srv.url + '/section/world/feed.json']]);
		const au = alt((await get(srv.url + '/author/Nour%20Haddad/')).text);
		assert.equal(au[3][1], srv.url + '/author/Nour%20Haddad/feed.xml');
	});

	it('answers conditional requests and compresses', async () => {
		for (const p of ['/feed.xml', '/atom.xml', '/feed.json', '/tag/ports/feed.xml']) {
			const r = await get(srv.url + p);
			assert.ok(r.headers.etag, `${p}: ETag`);
			assert.ok(r.headers['last-modified'], `${p}: Last-Modified`);
			assert.match(r.headers['cache-control'], /^public/);
			assert.equal((await request(srv.url + p, { headers: { 'if-none-match': r.headers.etag } })).status, 304);
			assert.equal((await request(srv.url + p, { headers: { 'if-modified-since': r.headers['last-modified'] } })).status, 304);
			for (const enc of ['gzip', 'br']) {
				const z = await get(srv.url + p, { headers: { 'accept-encoding': enc } });
				assert.equal(z.headers['content-encoding'], enc, `${p}: ${enc}`);
				assert.ok(decode(z).equals(r.body), `${p}: ${enc} decodes to the same bytes`);
			}
		}
	});

	it('keeps an item id when the story is edited (headline, section, time)', async () => {
		const before = await parseFeed((await get(srv.url + '/feed.xml')).body);
		const old = before.entries.find((e) => e.title === HARBOUR.headline);
		const edited = { ...HARBOUR, headline: 'Cranes back at work', section: 'Business',
			published: '2025-11-20T10:00:00Z' };
		const newPath = await addArticle(site, edited, 'Edited body.\n');
		assert.notEqual(newPath, paths.harbour, 'the URL moved');
		let f;
		for (let i = 0; i < 100; i++) {
			f = await parseFeed((await get(srv.url + '/feed.xml')).body);
			if (f.entries.some((e) => e.title === edited.headline))
				break;
			await sleep(50);
		}
		const now = f.entries.find((e) => e.title === edited.headline);
		assert.ok(now, 'the edit shows');
		assert.equal(now.id, old.id, 'same id');
		assert.equal(now.link, srv.url + newPath, 'new link');
		assert.notEqual(now.updated, null);
		assert.equal(f.entries.length, before.entries.length, 'no second item');
		paths.harbour = newPath;
	});
});

describe('feeds with --feed-content full and another --base-url', () => {
	let site, srv;

	before(async () => {
		site = await makeSite();
		await addArticle(site, HARBOUR, 'The first crane swung back **into motion**.\n\n<script>alert(1)</script>\n');
		srv = await startServer({ db: site.db, args: ['--feed-content', 'full',
			'--base-url', 'http://[::1]:8443'] });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	it('carries the whole story as HTML, rendered safely', async () => {
		for (const p of ['/feed.xml', '/atom.xml']) {
			const f = await parseFeed((await get(srv.url + p)).body);
			assert.equal(f.bozo, false, f.bozo_exception);
			const [e] = f.entries;
			assert.equal(e.content.length, 1, p);
			assert.match(e.content[0], /<strong>into motion<\/strong>/, p);
			assert.doesNotMatch(e.content[0], /<script/, p);
			// Links and ids follow --base-url, an IPv6 literal here.
			assert.match(e.link, /^http:\/\/\[::1\]:8443\/world\//, p);
			assert.match(e.id, /^tag:\[::1\],\d{4}-\d\d-\d\d:article:1$/, p);
		}
		const j = JSON.parse((await get(srv.url + '/feed.json')).text);
		assert.match(j.items[0].content_html, /<strong>into motion<\/strong>/);
	});

	it('refuses an unknown --feed-content', async () => {
		const { runCli } = await import('./lib.mjs');
		const r = await runCli(['serve', '--db', site.db, '--feed-content', 'all']);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /--feed-content wants 'summary' or 'full'/);
	});
});
