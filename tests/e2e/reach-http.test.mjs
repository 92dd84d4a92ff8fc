// reach-http.test.mjs - HTTP caching of public pages (ETag and
// Last-Modified 304s, Cache-Control, Vary, brotli and gzip decoding to the
// identity bytes), structured data and cards on every page type
// (NewsArticle, BreadcrumbList, WebSite, OpenGraph, Twitter, canonical),
// author pages, the oEmbed endpoint, and rel="next"/"prev" on lists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	addArticle, decodeEntities, get, makeSite, meta, olderLink, removeDir, request,
	startServer, tags,
} from './lib.mjs';
import { Client } from './accounts-lib.mjs';
import { BIN } from './lib.mjs';
import { bulkArticles, decode, pipe } from './reach-lib.mjs';

const HARBOUR = {
	headline: 'Harbour <cranes> & "work"', slug: 'harbour-cranes',
	summary: 'Container traffic resumed at dawn.', author: 'Nour Haddad',
	section: 'World', tags: 'ports', dateline: 'BEIRUT', photo: 'harbour.jpg',
	caption: 'Cranes at dusk.', published: '2025-11-20T08:30:00Z', status: 'published',
};

const jsonLd = (html) => [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)]
	.map((m) => JSON.parse(m[1]));

describe('caching, structured data and oEmbed', () => {
	let site, srv, path;

	before(async () => {
		site = await makeSite();
		path = await addArticle(site, HARBOUR, 'The first crane swung back.\n');
		for (let i = 0; i < 3; i++)
			await addArticle(site, { headline: `Other ${i}`, slug: `other-${i}`, section: 'World',
				author: 'Nour Haddad', published: `2025-10-0${i + 1}T00:00:00Z`, status: 'published' },
			'Text.\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	const pages = () => ['/', path, '/section/world/', '/tag/ports/', '/author/Nour%20Haddad/'];

	it('answers If-None-Match and If-Modified-Since with 304 on every public page', async () => {
		for (const p of [...pages(), '/feed.xml', '/sitemap.xml', '/robots.txt']) {
			const r = await get(srv.url + p);
			assert.ok(r.headers.etag, `${p}: ETag`);
			assert.ok(r.headers['last-modified'], `${p}: Last-Modified`);
			const inm = await request(srv.url + p, { headers: { 'if-none-match': r.headers.etag } });
			assert.equal(inm.status, 304, `${p}: If-None-Match`);
			assert.equal(inm.body.length, 0);
			assert.equal(inm.headers.etag, r.headers.etag);
			// Pages with live counts (the front page, stories) change
			// without a new build: their Last-Modified is the answer's time.
			const live = p === '/' || p === path;
			if (live)
				assert.ok(Date.parse(r.headers['last-modified']) >= Date.now() - 5000, `${p}: now`);
			else {
				const ims = await request(srv.url + p, { headers: { 'if-modified-since': r.headers['last-modified'] } });
				assert.equal(ims.status, 304, `${p}: If-Modified-Since`);
			}
			const old = await request(srv.url + p, { headers: { 'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' } });
			assert.equal(old.status, 200, `${p}: modified since 2000`);
			// If-None-Match wins over If-Modified-Since (RFC 9110).
			const both = await request(srv.url + p, { headers: { 'if-none-match': '"other"',
				'if-modified-since': r.headers['last-modified'] } });
			assert.equal(both.status, 200, `${p}: a failed If-None-Match`);
		}
	});

	it('gives a logged-in reader\'s pages no validators, so no stale 304', async () => {
		const add = await pipe(BIN, ['user', 'add', '--db', site.db, '--email', 'ann@example.com',
			'--name', 'Ann', '--password-stdin'], 'ann password 12\n');
		assert.equal(add.code, 0, add.stderr);
		const c = new Client(srv.url);
		await c.submit('/account/login', '/account/login',
			{ email: 'ann@example.com', password: 'ann password 12' });
		assert.ok(c.loggedIn());
		for (const p of pages()) {
			const r = await c.get(p, { 'Accept-Encoding': 'br, gzip' });
			assert.equal(r.status, 200, p);
			assert.match(r.headers['cache-control'], /^private/, p);
			assert.equal(r.headers.etag, undefined, `${p}: no ETag`);
			assert.equal(r.headers['last-modified'], undefined, `${p}: no Last-Modified`);
			const again = await c.get(p, { 'If-Modified-Since': new Date().toUTCString() });
			assert.equal(again.status, 200, `${p}: a date is no reason for a 304`);
		}
	});

	it('gives search answers an ETag and answers 304', async () => {
		for (const p of ['/search?q=crane', '/api/v1/search?q=crane']) {
			const r = await get(srv.url + p);
			assert.match(r.headers.etag, /^"[0-9a-f]{10}"$/, p);
			assert.match(r.headers['cache-control'], /^public/, p);
			const c = await request(srv.url + p, { headers: { 'if-none-match': r.headers.etag } });
			assert.equal(c.status, 304, p);
		}
	});

	it('lets shared caches keep logged-out pages briefly and says what they vary on', async () => {
		for (const p of pages()) {
			const r = await get(srv.url + p);
			assert.match(r.headers['cache-control'], /^public, max-age=0, s-maxage=\d+, must-revalidate$/, p);
			assert.equal(r.headers.vary, 'Accept-Encoding, Cookie', p);
		}
		const feed = await get(srv.url + '/feed.xml');
		assert.equal(feed.headers.vary, 'Accept-Encoding', 'a feed is the same for everyone');
	});

	it('sends brotli and gzip bodies that decode to the identity bytes', async () => {
		// The static files too (compressed once at start, each with a
		// brotli window fitted to its size).
		const home = (await get(srv.url + '/')).text;
		const assets = [...home.matchAll(/(?:href|src)="(\/static\/site-[0-9a-f]+\.(?:css|js))"/g)]
			.map((m) => m[1]);
		assert.equal(new Set(assets.map((a) => a.split('.').pop())).size, 2, `${assets}`);
		for (const p of [...pages(), ...assets, '/feed.json', '/sitemaps/articles-0.xml',
			'/search?q=crane']) {
			const plain = await get(srv.url + p);
			for (const [ae, enc] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'],
				['br;q=0, gzip', 'gzip'], ['*', 'gzip']]) {
				const z = await get(srv.url + p, { headers: { 'accept-encoding': ae } });
				assert.equal(z.headers['content-encoding'], enc, `${p} ${ae}`);
				assert.equal(Number(z.headers['content-length']), z.body.length);
				assert.ok(decode(z).equals(plain.body), `${p} ${ae}: same bytes`);
			}
			// A 304 for the compressed variant too.
			const z = await get(srv.url + p, { headers: { 'accept-encoding': 'br' } });
			if (z.headers.etag) {
				const c = await request(srv.url + p, { headers: { 'accept-encoding': 'br',
					'if-none-match': z.headers.etag } });
				assert.equal(c.status, 304, p);
			}
		}
	});

	it('has NewsArticle and BreadcrumbList JSON-LD on a story page', async () => {
		const html = (await get(srv.url + path)).text;
		const [ld, crumbs] = jsonLd(html);
		assert.equal(ld['@type'], 'NewsArticle');
		assert.equal(ld.headline, HARBOUR.headline);
		assert.match(ld.image[0], new RegExp(`^${srv.url}/media/`));
		assert.equal(ld.datePublished, '2025-11-20T08:30:00Z');
		assert.ok(!Number.isNaN(Date.parse(ld.dateModified)));
		assert.deepEqual(ld.author, [{ '@type': 'Person', name: 'Nour Haddad' }]);
		assert.equal(ld.publisher['@type'], 'NewsMediaOrganization');
		assert.equal(ld.publisher.logo['@type'], 'ImageObject');
		assert.match(ld.publisher.logo.url, /^http:\/\//);
		assert.equal(ld.dateline, 'BEIRUT');
		assert.deepEqual(ld.locationCreated, { '@type': 'Place', name: 'BEIRUT' });
		assert.equal(crumbs['@type'], 'BreadcrumbList');
		assert.deepEqual(crumbs.itemListElement.map((i) => [i.position, i.name, i.item]), [
			[1, 'Dateline', srv.url + '/'],
			[2, 'World', srv.url + '/section/world/'],
			[3, HARBOUR.headline, srv.url + path],
		]);
	});

	it('has cards, canonical links and structured data on every page type', async () => {
		for (const p of [...pages(), '/search?q=crane']) {
			const html = (await get(srv.url + p)).text;
			const canonical = tags(html, 'link').find((l) => l.rel === 'canonical');
			assert.ok(canonical && canonical.href.startsWith(srv.url + '/'), `${p}: canonical`);
			assert.equal(meta(html, 'og:url'), canonical.href, p);
			for (const k of ['og:title', 'og:type', 'og:site_name', 'og:description', 'twitter:card', 'twitter:title'])
				assert.ok(meta(html, k) !== undefined && meta(html, k) !== null, `${p}: ${k}`);
			for (const ld of jsonLd(html))
				assert.equal(ld['@context'], 'https://schema.org', p);
		}
		const home = jsonLd((await get(srv.url + '/')).text);
		assert.equal(home[0]['@type'], 'WebSite');
		assert.equal(home[0].potentialAction.target.urlTemplate, `${srv.url}/search?q={search_term_string}`);
		const tag = jsonLd((await get(srv.url + '/tag/ports/')).text);
		assert.deepEqual(tag[0].itemListElement.map((i) => i.item), [srv.url + '/', srv.url + '/tag/ports/']);
	});

	it('lists an author\'s stories on the author page, linked from the byline', async () => {
		const html = (await get(srv.url + path)).text;
		const by = /<p class="byline">([\s\S]*?)<\/p>/.exec(html)[1];
		assert.ok(tags(by, 'a').some((a) => a.href === '/author/Nour%20Haddad/'));
		const page = (await get(srv.url + '/author/Nour%20Haddad/')).text;
		assert.equal(decodeEntities(/<h1[^>]*>([^<]*)<\/h1>/.exec(page)[1]), 'Nour Haddad');
		assert.equal([...page.matchAll(/<li class="story">/g)].length, 4);
		for (const p of ['/author/Nobody/', '/author/%01/', `/author/${'x'.repeat(201)}/`])
			assert.equal((await request(srv.url + p)).status, 404, p);
	});

	it('offers an oEmbed card for a story and links it from the page', async () => {
		const html = (await get(srv.url + path)).text;
		const link = tags(html, 'link').find((l) => l.type === 'application/json+oembed');
		assert.ok(link, 'discovery link');
		const href = decodeEntities(link.href);
		assert.equal(href, `${srv.url}/oembed?url=${encodeURIComponent(srv.url + path)}&format=json`);
		const r = await get(href);
		assert.match(r.headers['content-type'], /^application\/json/);
		const o = JSON.parse(r.text);
		assert.equal(o.version, '1.0');
		assert.equal(o.type, 'rich');
		assert.equal(o.title, HARBOUR.headline);
		assert.equal(o.provider_name, 'Dateline');
		assert.equal(o.author_name, 'Nour Haddad');
		assert.equal(o.width, 600);
		assert.ok(o.height > 0);
		assert.match(o.thumbnail_url, /\/media\//);
		assert.ok(o.html.includes('Harbour &lt;cranes&gt; &amp; &quot;work&quot;'), 'escaped card');
		assert.ok(o.html.includes(`<a href="${srv.url + path}">`));
		assert.equal(JSON.parse((await get(`${href}&maxwidth=300`)).text).width, 300);
		assert.equal((await request(href, { headers: { 'if-none-match': r.headers.etag } })).status, 304);
		const bad = [
			[`${srv.url}/oembed?url=${encodeURIComponent('http://evil.example' + path)}`, 404],
			[`${srv.url}/oembed?url=${encodeURIComponent(srv.url + '/world/2025/11/20/nope/')}`, 404],
			[`${srv.url}/oembed?url=${encodeURIComponent(srv.url + '/section/world/')}`, 404],
			[`${srv.url}/oembed`, 404],
			[`${href.replace('format=json', 'format=xml')}`, 501],
		];
		for (const [u, status] of bad) {
			const b = await request(u);
			assert.equal(b.status, status, u);
			assert.ok(JSON.parse(b.text).error, u);
		}
	});
});

describe('rel="next" and rel="prev" on paginated lists', () => {
	let site, srv;

	before(async () => {
		site = await makeSite();
		await bulkArticles(site.db, { n: 45, section: 'Bulk', sectionSlug: 'bulk' });
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	const rel = (html, r) => {
		const l = tags(html, 'link').find((x) => x.rel === r);
		return l ? decodeEntities(l.href) : null;
	};

	it('links each page to the next older and the next newer page', async () => {
		for (const base of ['/', '/section/bulk/', '/author/Bulk%20Desk/']) {
			const p1 = (await get(srv.url + base)).text;
			assert.equal(rel(p1, 'prev'), null, `${base}: the first page has no prev`);
			const next1 = rel(p1, 'next');
			assert.equal(next1, srv.url + olderLink(p1));
			const p2 = (await get(next1)).text;
			assert.equal(rel(p2, 'prev'), srv.url + base, `${base}: page 2 leads back to page 1`);
			const next2 = rel(p2, 'next');
			const p3 = (await get(next2)).text;
			assert.equal(rel(p3, 'prev'), next1, `${base}: page 3 leads back to page 2`);
			assert.equal(rel(p3, 'next'), null, `${base}: the last page has no next`);
			assert.match(p3, /<a rel="prev" href="[^"]*">Newer stories<\/a>/);
			assert.equal([...p3.matchAll(/<li class="story">/g)].length, 5);
		}
	});
});
