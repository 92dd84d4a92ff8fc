// articles.test.mjs - articles added through the CLI, read back as pages:
// headline, photo, dateline, body, byline, tags, metadata, media, assets,
// redirects, drafts, updates, and the paginated lists.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	DEMO_IMAGES, ROOT, addArticle, decodeEntities, get, inner, listArticles,
	makeSite, mapLimit, meta, olderLink, removeDir, request, sleep, startServer,
	storyLinks, tags, textOf,
} from './lib.mjs';

const norm = (s) => s.replace(/\s+/g, ' ').trim();

/* Paragraph texts of the story body, whitespace collapsed. */
function bodyParagraphs(html) {
	const body = inner(html, 'div', '[^>]*class="story-body"');
	assert.ok(body !== null, 'page has <div class="story-body">');
	return [...body.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => norm(textOf(m[1])));
}

/* <script> elements other than JSON-LD data and the site's own files. */
function foreignScripts(html) {
	return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) =>
		!/^\s*type="application\/ld\+json"\s*$/.test(m[1]) &&
		!(/^\s*src="\/static\/[\w.-]+\.js"( defer)?\s*$/.test(m[1]) && m[2] === ''))
		.map((m) => m[0]);
}

/* The JSON-LD blocks of a page, parsed. */
function jsonLd(html) {
	return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)]
		.map((m) => JSON.parse(m[1]));
}

/* GET @url until @pred(text) holds (the server notices CLI writes within
 * about 100 ms); the last response. */
async function eventually(url, pred, ms = 5000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const r = await request(url);
		if (pred(r) || Date.now() > deadline)
			return r;
		await sleep(50);
	}
}

const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

const harbour = {
	headline: 'Harbour cranes return to work as port reopens after storm',
	slug: 'harbour-cranes-return-to-work',
	summary: 'Container traffic resumed at dawn after four days of closure.',
	dateline: 'BEIRUT',
	photo: 'harbour.jpg',
	caption: 'Container cranes at the port at dusk.',
	credit: 'Dateline Demo / Generated image',
	alt: 'Three blue cranes above stacked containers',
	author: 'Nour Haddad',
	section: 'World',
	tags: 'ports, weather, Economy & Trade',
	published: '2025-11-20T08:30:00Z',
	status: 'published',
};

// The body: plain paragraphs (with the text we expect back), a heading, a
// list, a block quote, a table and raw HTML that safe mode must drop.
const paras = [
	'The first ship-to-shore crane swung back into motion shortly after six on Friday morning.',
	'Harbour officials said the main terminal had been inspected overnight & declared "safe" <again>.',
	'Dock workers spent much of Thursday clearing the quays — tarpaulins, pallets, one forklift.',
	'Eleven vessels were waiting at anchor; agents said the queue would be worked in order.',
	'Importers have been watching closely. Café owners in Achrafieh said prices rose 3% overnight.',
	'Forecasters expect calmer conditions through the weekend, and port staff said they would run the terminal around the clock.',
];
const harbourBody = [
	paras[0],
	paras[1].replace('&', '&amp;').replace('<again>', '&lt;again&gt;'),
	'## What happens next',
	paras[2],
	'- first item of a list\n- second item of a list',
	'> "The cranes are turning," said Rami Khoury.',
	paras[3],
	'<script>alert("owned")</script>',
	'| Berth | State |\n|---|---|\n| North | closed |\n| South | open |',
	'Importers have been watching *closely*. Café owners in [Achrafieh](https://example.com/achrafieh) said prices rose 3% overnight.',
	paras[5].replace('and port staff', 'and port\nstaff'),
].join('\n\n') + '\n';
const harbourParas = [
	`BEIRUT — ${paras[0]}`, paras[1], paras[2],
	'"The cranes are turning," said Rami Khoury.', paras[3], paras[4], paras[5],
];

describe('article page', () => {
	let site, srv, harbourPath, html;

	before(async () => {
		site = await makeSite();
		harbourPath = await addArticle(site, harbour, harbourBody);
		srv = await startServer({ db: site.db });
		html = (await get(srv.url + harbourPath)).text;
	});

	after(async () => {
		if (srv && srv.alive())
			srv.proc.kill('SIGKILL');
		if (site)
			await removeDir(site.dir);
	});

	it('article add prints the canonical path: section, UTC date, slug', () => {
		assert.equal(harbourPath, '/world/2025/11/20/harbour-cranes-return-to-work/');
	});

	it('has the headline in <title> and <h1>', () => {
		assert.equal(decodeEntities(inner(html, 'title')), `${harbour.headline} \u2014 Dateline`);
		const h1s = [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)];
		assert.equal(h1s.length, 1, 'exactly one <h1>');
		assert.equal(textOf(h1s[0][1]), harbour.headline);
	});

	it('shows the lead photo in a <figure> with alt text, caption and credit', async () => {
		const fig = inner(html, 'figure');
		assert.ok(fig, 'page has a <figure>');
		const [img] = tags(fig, 'img');
		assert.ok(img, '<figure> holds an <img>');
		assert.equal(img.alt, harbour.alt);
		assert.match(img.src, /^\/media\/[0-9a-f]{32}\.jpg$/);
		assert.equal(img.width, '1600');
		assert.equal(img.height, '900');
		const cap = inner(fig, 'figcaption');
		assert.ok(cap, '<figure> has a <figcaption>');
		assert.equal(norm(textOf(cap)), `${harbour.caption} ${harbour.credit}`);
		assert.equal(textOf(inner(cap, 'span', '[^>]*class="credit"')), harbour.credit);
		const r = await get(srv.url + img.src);
		assert.equal(r.headers['content-type'], 'image/jpeg');
	});

	it('opens the first paragraph with the dateline', () => {
		const body = inner(html, 'div', '[^>]*class="story-body"');
		assert.match(body, /^\s*<p><span class="dateline">BEIRUT \u2014<\/span> The first ship-to-shore crane/);
	});

	it('renders every paragraph of the body, in order', () => {
		assert.deepEqual(bodyParagraphs(html), harbourParas);
		const body = inner(html, 'div', '[^>]*class="story-body"');
		assert.match(body, /<h2>What happens next<\/h2>/);
		assert.match(body, /<li>first item of a list<\/li>\s*<li>second item of a list<\/li>/);
		assert.match(body, /<table>[\s\S]*<td>North<\/td>[\s\S]*<td>open<\/td>[\s\S]*<\/table>/);
		assert.match(body, /<em>closely<\/em>/);
		assert.match(body, /<a href="https:\/\/example\.com\/achrafieh">Achrafieh<\/a>/);
		// the paragraphs appear in source order relative to the other blocks
		const order = ['What happens next', 'first item of a list', 'The cranes are turning',
			'Eleven vessels', '<table>', 'Importers have been'];
		const at = order.map((s) => body.indexOf(s));
		assert.ok(at.every((x) => x > 0), `all blocks present: ${at}`);
		assert.deepEqual([...at].sort((a, b) => a - b), at, 'blocks in source order');
	});

	it('drops raw HTML from the body (safe mode)', () => {
		const body = inner(html, 'div', '[^>]*class="story-body"');
		assert.doesNotMatch(body, /<script/i);
		assert.doesNotMatch(html, /alert\("owned"\)/);
		assert.deepEqual(foreignScripts(html), [], 'only JSON-LD and /static/ scripts');
		assert.deepEqual(jsonLd(html).map((b) => b['@type']), ['NewsArticle', 'BreadcrumbList']);
	});

	it('has a byline with the author and a <time datetime>', () => {
		const by = inner(html, 'p', '[^>]*class="byline"');
		assert.ok(by, 'page has a byline');
		assert.equal(textOf(inner(by, 'span', '[^>]*class="author"')), harbour.author);
		const [t] = tags(by, 'time');
		assert.equal(t.datetime, '2025-11-20T08:30:00Z');
		assert.equal(norm(textOf(by)), 'By Nour Haddad \u00b7 20 November 2025, 08:30 UTC');
	});

	it('links its section and tags, and those pages list the story', async () => {
		const kicker = inner(html, 'p', '[^>]*class="kicker"');
		assert.equal(norm(kicker), '<a href="/section/world/">World</a>');
		const tagList = inner(html, 'ul', '[^>]*class="tags"');
		assert.ok(tagList, 'page has a tag list');
		const links = [...tagList.matchAll(/<a href="([^"]*)" rel="tag">([^<]*)<\/a>/g)]
			.map((m) => [m[1], decodeEntities(m[2])]);
		assert.deepEqual(links, [['/tag/ports/', 'ports'], ['/tag/weather/', 'weather'],
			['/tag/economy-trade/', 'Economy & Trade']]);
		for (const [href, name] of [['/section/world/', 'World'], ...links]) {
			const r = await get(srv.url + href);
			const stories = storyLinks(r.text);
			assert.deepEqual(stories.map((s) => s.href), [harbourPath], `${href} lists the story`);
			assert.equal(stories[0].headline, harbour.headline);
			assert.equal(textOf(inner(r.text, 'h1')), name, `${href} is headed ${name}`);
		}
		// the masthead navigation names the section, as the one the page is in
		const nav = inner(html, 'nav', '[^>]*class="sections"');
		assert.match(nav, /<a href="\/section\/world\/" aria-current="true">World<\/a>/);
	});

	it('has description, canonical link, OpenGraph and Twitter card metadata', () => {
		const canonical = srv.url + harbourPath;
		assert.equal(meta(html, 'description'), harbour.summary);
		const links = tags(html, 'link');
		assert.equal(links.filter((l) => l.rel === 'canonical').length, 1);
		assert.equal(links.find((l) => l.rel === 'canonical').href, canonical);
		const [img] = tags(inner(html, 'figure'), 'img');
		assert.equal(meta(html, 'og:type'), 'article');
		assert.equal(meta(html, 'og:title'), harbour.headline);
		assert.equal(meta(html, 'og:description'), harbour.summary);
		assert.equal(meta(html, 'og:url'), canonical);
		assert.equal(meta(html, 'og:site_name'), 'Dateline');
		assert.equal(meta(html, 'og:image'), srv.url + img.src);
		assert.equal(meta(html, 'og:image:alt'), harbour.alt);
		assert.equal(meta(html, 'twitter:card'), 'summary_large_image');
		assert.equal(meta(html, 'twitter:image'), srv.url + img.src);
		assert.equal(meta(html, 'twitter:title'), harbour.headline);
		assert.equal(meta(html, 'article:published_time'), '2025-11-20T08:30:00Z');
		assert.equal(meta(html, 'article:section'), 'World');
	});

	it('has schema.org NewsArticle JSON-LD', () => {
		const blocks = jsonLd(html);
		assert.deepEqual(blocks.map((b) => b['@type']), ['NewsArticle', 'BreadcrumbList']);
		const ld = blocks[0];
		const [img] = tags(inner(html, 'figure'), 'img');
		assert.equal(ld['@context'], 'https://schema.org');
		assert.equal(ld['@type'], 'NewsArticle');
		assert.equal(ld.headline, harbour.headline);
		assert.equal(ld.description, harbour.summary);
		assert.equal(ld.datePublished, '2025-11-20T08:30:00Z');
		assert.ok(!Number.isNaN(Date.parse(ld.dateModified)), 'dateModified is a date');
		assert.deepEqual(ld.image, [srv.url + img.src]);
		assert.deepEqual(ld.author, [{ '@type': 'Person', name: harbour.author }]);
		assert.equal(ld.url, srv.url + harbourPath);
		assert.equal(ld.mainEntityOfPage, srv.url + harbourPath);
		assert.equal(ld.publisher.name, 'Dateline');
		assert.equal(ld.articleSection, 'World');
		assert.deepEqual(ld.keywords, ['ports', 'weather', 'Economy & Trade']);
		assert.equal(ld.dateline, 'BEIRUT');
	});

	it('escapes markup in every field and keeps JSON-LD parseable', async () => {
		const nasty = {
			headline: 'Rates </script><script>alert(1)</script> & "quotes" \'rise\'',
			slug: 'nasty-markup',
			summary: 'A summary with <b>tags</b> & "quotes" </script>',
			dateline: 'SÃO <PAULO>',
			author: 'O\'Brien <admin@example.com>',
			section: 'Markets',
			tags: '<i>html</i>',
			published: '2025-10-01T12:00:00Z',
		};
		const p = await addArticle(site, nasty, 'Body text.\n');
		const r = await eventually(srv.url + p, (x) => x.status === 200);
		assert.equal(r.status, 200);
		const h = r.text;
		assert.deepEqual(foreignScripts(h), [], 'no injected <script>');
		assert.equal((h.match(/<script/gi) || []).length, (html.match(/<script/gi) || []).length);
		assert.doesNotMatch(h, /<b>tags<\/b>|<i>html<\/i>|<PAULO>|<admin@/);
		assert.equal(textOf(inner(h, 'h1')), nasty.headline);
		assert.equal(decodeEntities(inner(h, 'title')), `${nasty.headline} \u2014 Dateline`);
		assert.equal(meta(h, 'description'), nasty.summary);
		assert.equal(meta(h, 'og:title'), nasty.headline);
		const [ld] = jsonLd(h);
		assert.equal(ld.headline, nasty.headline);
		assert.equal(ld.description, nasty.summary);
		assert.deepEqual(ld.author, [{ '@type': 'Person', name: nasty.author }]);
		assert.deepEqual(ld.keywords, ['<i>html</i>']);
		assert.equal(bodyParagraphs(h)[0], 'SÃO <PAULO> \u2014 Body text.');
		assert.equal(textOf(inner(h, 'span', '[^>]*class="author"')), nasty.author);
	});

	it('has no figure and a summary card when there is no photo', async () => {
		const p = await addArticle(site, {
			headline: 'Council approves new cycle lanes', section: 'World',
			published: '2025-09-01T07:00:00Z',
		}, 'The council voted nine to four on Tuesday.\n\nWork starts in spring.\n');
		const r = await eventually(srv.url + p, (x) => x.status === 200);
		assert.equal(r.status, 200);
		assert.equal(p, '/world/2025/09/01/council-approves-new-cycle-lanes/');
		assert.equal(inner(r.text, 'figure'), null);
		assert.equal(meta(r.text, 'og:image'), undefined);
		assert.equal(meta(r.text, 'twitter:card'), 'summary');
		// no summary: the description is the first paragraph
		assert.equal(meta(r.text, 'description'), 'The council voted nine to four on Tuesday.');
		const [ld] = jsonLd(r.text);
		assert.equal(ld.image, undefined);
		assert.equal(ld.author, undefined);
		assert.deepEqual(bodyParagraphs(r.text), ['The council voted nine to four on Tuesday.',
			'Work starts in spring.']);
		const by = inner(r.text, 'p', '[^>]*class="byline"');
		assert.equal(norm(textOf(by)), '1 September 2025, 07:00 UTC');
	});

	it('renders every paragraph of a very long article', async () => {
		const n = 1500;
		const long = Array.from({ length: n }, (_, i) =>
			`Paragraph ${String(i + 1).padStart(4, '0')} of the long report, with enough words to fill a line or two of text on the page.`);
		const p = await addArticle(site, {
			headline: 'A very long report', dateline: 'GENEVA', published: '2025-08-01T00:00:00Z',
		}, long.join('\n\n') + '\n');
		const r = await eventually(srv.url + p, (x) => x.status === 200);
		assert.equal(r.status, 200);
		const got = bodyParagraphs(r.text);
		assert.equal(got.length, n);
		assert.equal(got[0], `GENEVA \u2014 ${long[0]}`);
		assert.deepEqual(got.slice(1), long.slice(1));
		assert.match(r.text, /<\/html>\s*$/, 'page is complete');
	});

	it('serves the stored photo as image/jpeg with immutable caching', async () => {
		const [img] = tags(inner(html, 'figure'), 'img');
		const r = await get(srv.url + img.src);
		const file = await fsp.readFile(path.join(DEMO_IMAGES, 'harbour.jpg'));
		assert.equal(r.headers['content-type'], 'image/jpeg');
		// The source as stored: a JPEG of its size, metadata dropped.
		assert.ok(r.body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])), 'a JPEG');
		assert.deepEqual([img.width, img.height], ['1600', '900'], 'the size of the source');
		assert.ok(!r.body.includes('Exif\0\0'), 'no EXIF block');
		assert.equal(Number(r.headers['content-length']), r.body.length);
		assert.match(r.headers['cache-control'], /immutable/);
		assert.match(r.headers['cache-control'], /max-age=31536000/);
		assert.equal(r.headers['content-encoding'], undefined, 'JPEG is not gzipped');
		const r2 = await request(srv.url + img.src, { headers: { 'accept-encoding': 'gzip' } });
		assert.ok(r2.body.equals(r.body), 'no compression even when gzip is accepted');
		await get(srv.url + img.src.replace(/[0-9a-f]{6}\.jpg$/, '000000.jpg'), { status: 404 });
		await get(srv.url + '/media/not-a-key.jpg', { status: 404 });
	});

	it('serves the stylesheet at a content-hashed URL with immutable caching', async () => {
		const css = tags(html, 'link').find((l) => l.rel === 'stylesheet');
		assert.match(css.href, /^\/static\/site-[0-9a-f]{10}\.css$/);
		const r = await get(srv.url + css.href);
		assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
		assert.match(r.headers['cache-control'], /max-age=31536000/);
		assert.match(r.headers['cache-control'], /immutable/);
		assert.equal(r.text, await fsp.readFile(path.join(ROOT, 'static/site.css'), 'utf8'));
		const icon = tags(html, 'link').find((l) => l.rel === 'icon');
		assert.match(icon.href, /^\/static\/icon-[0-9a-f]{10}\.svg$/);
		const ri = await get(srv.url + icon.href);
		assert.equal(ri.headers['content-type'], 'image/svg+xml');
		// the unhashed name still works but may change, so it is cached briefly
		const plain = await get(srv.url + '/static/site.css');
		assert.equal(plain.text, r.text);
		assert.doesNotMatch(plain.headers['cache-control'], /immutable/);
		await get(srv.url + css.href.replace(/-[0-9a-f]{10}/, '-0000000000'), { status: 404 });
	});

	it('redirects a wrong date or section to the canonical URL with 301', async () => {
		for (const wrong of [
			'/world/2024/01/01/harbour-cranes-return-to-work/',
			'/world/2025/11/21/harbour-cranes-return-to-work/',
			'/sport/2025/11/20/harbour-cranes-return-to-work/',
		]) {
			const r = await request(srv.url + wrong);
			assert.equal(r.status, 301, wrong);
			assert.equal(new URL(r.headers.location, srv.url + wrong).pathname, harbourPath);
		}
		await get(srv.url + '/world/2025/11/20/no-such-story/', { status: 404 });
	});

	it('never shows drafts', async () => {
		const draft = {
			headline: 'Embargoed: budget figures leak', slug: 'budget-leak', section: 'Secret Desk',
			tags: 'embargo', status: 'draft', published: '2025-12-01T00:00:00Z',
		};
		const p = await addArticle(site, draft, 'Nobody should read this yet.\n');
		assert.equal(p, '/secret-desk/2025/12/01/budget-leak/');
		await sleep(250);	// past the store's change poll
		const r = await request(srv.url + p);
		assert.equal(r.status, 404);
		assert.doesNotMatch(r.text, /Nobody should read this/);
		const home = await get(srv.url + '/');
		assert.ok(!storyLinks(home.text).some((s) => s.href === p), 'draft not on the front page');
		assert.doesNotMatch(home.text, /budget-leak|Secret Desk/);
		await get(srv.url + '/section/secret-desk/', { status: 404 });
		await get(srv.url + '/tag/embargo/', { status: 404 });
		const list = await listArticles(site.db);
		assert.equal(list.find((a) => a.slug === 'budget-leak').status, 'draft');

		// publishing it makes it appear
		await addArticle(site, { ...draft, status: 'published' }, 'Now public.\n');
		const pub = await eventually(srv.url + p, (x) => x.status === 200);
		assert.equal(pub.status, 200);
		const home2 = await eventually(srv.url + '/', (x) => x.text.includes(p));
		assert.ok(storyLinks(home2.text).some((s) => s.href === p), 'published story on the front page');

		// and back to draft hides it again
		await addArticle(site, draft, 'Withdrawn.\n');
		const gone = await eventually(srv.url + p, (x) => x.status === 404);
		assert.equal(gone.status, 404);
	});

	it('keeps a story with a future publication time off the site', async () => {
		const when = iso(Date.now() + 365 * 86400e3);
		const p = await addArticle(site, {
			headline: 'Scheduled story', slug: 'scheduled-story', section: 'World', published: when,
		}, 'Not yet.\n');
		await sleep(250);
		await get(srv.url + p, { status: 404 });
		const home = await get(srv.url + '/');
		assert.ok(!home.text.includes('scheduled-story'), 'not on the front page');
		const world = await get(srv.url + '/section/world/');
		assert.ok(!world.text.includes('scheduled-story'), 'not on its section page');
	});

	it('updates a story added again with the same slug', async () => {
		const fm = {
			headline: 'Bridge closed for repairs', slug: 'bridge-closed', section: 'World',
			dateline: 'LYON', published: '2025-07-01T09:00:00Z',
		};
		const p = await addArticle(site, fm, 'The old bridge shut on Monday.\n\nTraffic is diverted.\n');
		const first = await eventually(srv.url + p, (x) => x.status === 200);
		assert.equal(first.status, 200);
		assert.doesNotMatch(first.text, /Updated/);
		const etag = first.headers.etag;

		const p2 = await addArticle(site, { ...fm, headline: 'Bridge reopens early' },
			'The old bridge reopened on Friday.\n\nEngineers finished a week ahead of plan.\n');
		assert.equal(p2, p, 'same slug, same date: same URL');
		const r = await eventually(srv.url + p, (x) => x.text.includes('reopens early'));
		assert.equal(textOf(inner(r.text, 'h1')), 'Bridge reopens early');
		assert.deepEqual(bodyParagraphs(r.text), ['LYON \u2014 The old bridge reopened on Friday.',
			'Engineers finished a week ahead of plan.']);
		assert.doesNotMatch(r.text, /shut on Monday|Traffic is diverted/);
		assert.notEqual(r.headers.etag, etag, 'new ETag');
		const by = inner(r.text, 'p', '[^>]*class="byline"');
		assert.match(by, /Updated <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
		const list = await listArticles(site.db);
		assert.equal(list.filter((a) => a.slug === 'bridge-closed').length, 1, 'one row, not two');
		const home = await eventually(srv.url + '/', (x) => x.text.includes('Bridge reopens early'));
		assert.ok(!home.text.includes('Bridge closed for repairs'), 'front page shows the new headline');

		// a new publication date moves the story; the old URL redirects
		const p3 = await addArticle(site, { ...fm, headline: 'Bridge reopens early',
			published: '2025-07-04T09:00:00Z' }, 'Moved.\n');
		assert.equal(p3, '/world/2025/07/04/bridge-closed/');
		const old = await eventually(srv.url + p, (x) => x.status === 301);
		assert.equal(old.status, 301);
		assert.equal(new URL(old.headers.location, srv.url).pathname, p3);
		await get(srv.url + p3);
	});

	it('exits 0 on SIGTERM (no leaks under ASan)', async () => {
		assert.equal(await srv.stop(), 0);
	});
});

describe('front page, section and tag lists', () => {
	const N = 47;
	let site, srv, stories;

	before(async () => {
		site = await makeSite();
		await fsp.copyFile(path.join(DEMO_IMAGES, 'lake-dawn.jpg'), path.join(site.dir, 'lake-dawn.jpg'));
		// Groups of three share a publication time, so ties straddle the
		// page boundaries (20 and 40): the cursor must break them by id.
		const base = Date.parse('2025-06-30T12:00:00Z');
		const specs = Array.from({ length: N }, (_, i) => ({
			headline: `Story number ${i + 1}`,
			slug: `story-${i + 1}`,
			section: i % 2 ? 'Odd Desk' : 'Even Desk',
			tags: i % 3 === 0 ? 'thirds, all' : 'all',
			published: iso(base - Math.floor(i / 3) * 3600e3),
			photo: i % 10 === 0 ? 'lake-dawn.jpg' : undefined,
			caption: i % 10 === 0 ? 'A lake at dawn.' : undefined,
		}));
		const paths = await mapLimit(specs, 4, (fm) => addArticle(site, fm, `Body of ${fm.headline}.\n`));
		await addArticle(site, { headline: 'A draft', slug: 'a-draft', section: 'Even Desk',
			tags: 'all', status: 'draft', published: specs[0].published }, 'x\n');
		const ids = new Map((await listArticles(site.db)).map((a) => [a.slug, a.id]));
		stories = specs.map((fm, i) => ({ ...fm, path: paths[i], id: ids.get(fm.slug),
			t: Date.parse(fm.published) }));
		stories.sort((a, b) => b.t - a.t || b.id - a.id);
		srv = await startServer({ db: site.db });
	});

	after(async () => {
		if (srv && srv.alive())
			srv.proc.kill('SIGKILL');
		if (site)
			await removeDir(site.dir);
	});

	/* Follow "Older stories" from @start; the story hrefs of each page. */
	async function walk(start) {
		const pages = [];
		let url = start;
		while (url) {
			assert.ok(pages.length < 10, 'pagination ends');
			const r = await get(new URL(url, srv.url).href);
			pages.push({ url, html: r.text, hrefs: storyLinks(r.text).map((s) => s.href) });
			url = olderLink(r.text);
		}
		return pages;
	}

	it('article list prints every story, newest first', async () => {
		const list = await listArticles(site.db);
		assert.equal(list.length, N + 1);
		const published = list.filter((a) => a.status === 'published').map((a) => a.slug);
		assert.deepEqual(published, stories.map((s) => s.slug));
	});

	it('front page lists the newest 20 stories, newest first', async () => {
		const r = await get(srv.url + '/');
		const got = storyLinks(r.text);
		assert.deepEqual(got.map((s) => s.href), stories.slice(0, 20).map((s) => s.path));
		assert.deepEqual(got.map((s) => s.headline), stories.slice(0, 20).map((s) => s.headline));
		assert.equal(decodeEntities(inner(r.text, 'title')), 'Dateline');
		assert.ok(!r.text.includes('a-draft'), 'no draft');
		// thumbnails for stories with photos, decorative (empty alt)
		const withPhoto = stories.slice(0, 20).filter((s) => s.photo).length;
		const thumbs = tags(inner(r.text, 'ol', '[^>]*class="stories"'), 'img');
		assert.equal(thumbs.length, withPhoto);
		assert.ok(thumbs.every((t) => t.alt === '' && /^\/media\//.test(t.src)));
		// the first story's photo loads at once, the rest when scrolled to
		const imgs = inner(r.text, 'ol', '[^>]*class="stories"').match(/<img[^>]*>/g);
		const firstPhoto = stories[0].photo ? 0 : -1;
		imgs.forEach((t, i) => assert.equal(/loading="lazy"/.test(t), i !== firstPhoto, t));
	});

	it('"Older stories" walks every story exactly once, in order', async () => {
		const pages = await walk('/');
		assert.deepEqual(pages.map((p) => p.hrefs.length), [20, 20, 7]);
		const all = pages.flatMap((p) => p.hrefs);
		assert.equal(new Set(all).size, all.length, 'no duplicates');
		assert.deepEqual(all, stories.map((s) => s.path), 'none missing, newest first');
		for (const p of pages.slice(1)) {
			assert.match(p.url, /^\/\?before=\d+\.\d+$/);
			assert.match(textOf(inner(p.html, 'h1')), /older stories/);
			const canonical = tags(p.html, 'link').find((l) => l.rel === 'canonical');
			assert.ok(canonical, 'older pages have a canonical link');
		}
		const next = tags(pages[0].html, 'link').find((l) => l.rel === 'next');
		assert.equal(next.href, srv.url + pages[1].url, '<link rel=next> matches the pager');
		assert.equal(olderLink(pages[2].html), null, 'last page has no "Older stories"');
	});

	it('paginates section pages', async () => {
		for (const [slug, name] of [['even-desk', 'Even Desk'], ['odd-desk', 'Odd Desk']]) {
			const pages = await walk(`/section/${slug}/`);
			const want = stories.filter((s) => s.section === name).map((s) => s.path);
			assert.deepEqual(pages.flatMap((p) => p.hrefs), want, name);
			assert.equal(pages[0].hrefs.length, 20);
			assert.match(pages[1].url, new RegExp(`^/section/${slug}/\\?before=`));
		}
	});

	it('paginates tag pages', async () => {
		const all = await walk('/tag/all/');
		assert.deepEqual(all.flatMap((p) => p.hrefs), stories.map((s) => s.path));
		const thirds = await walk('/tag/thirds/');
		assert.deepEqual(thirds.flatMap((p) => p.hrefs),
			stories.filter((s) => /thirds/.test(s.tags)).map((s) => s.path));
		assert.equal(thirds.length, 1, '16 stories fit on one page');
	});

	it('lists nothing past the oldest story', async () => {
		const last = stories[stories.length - 1];
		const r = await get(`${srv.url}/?before=${last.t / 1000}.${last.id}`);
		assert.deepEqual(storyLinks(r.text), []);
		assert.match(r.text, /No stories here yet/);
		assert.equal(olderLink(r.text), null);
	});

	it('exits 0 on SIGTERM (no leaks under ASan)', async () => {
		assert.equal(await srv.stop(), 0);
	});
});
