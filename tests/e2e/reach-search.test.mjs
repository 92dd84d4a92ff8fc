// reach-search.test.mjs - /search and GET /api/v1/search: relevance order
// (headline over summary over body, newest on a tie), phrases, prefixes,
// tags and authors, drafts hidden, snippets highlighted and escaped,
// keyset pagination, and hostile queries answered 200 with a message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	addArticle, decodeEntities, get, makeSite, removeDir, request, startServer, tags,
} from './lib.mjs';
import { bulkArticles, validateXml } from './reach-lib.mjs';

const story = (site, slug, fm, body = 'Nothing to see.\n') => addArticle(site, {
	headline: `Story ${slug}`, slug, section: 'World', status: 'published',
	published: '2025-01-01T00:00:00Z', ...fm,
}, body);

/* The result links of a search page, in order. */
const hits = (html) => [...html.matchAll(/<h2><a href="([^"]*)">/g)].map((m) => m[1]);
const message = (html) => {
	const m = /<p class="search-message" role="status">([^<]*)<\/p>/.exec(html);
	return m ? decodeEntities(m[1]) : null;
};

describe('search', () => {
	let site, srv;
	const p = {};

	before(async () => {
		site = await makeSite();
		p.head = await story(site, 'in-headline', { headline: 'Harbour cranes return',
			published: '2025-01-01T00:00:00Z' });
		p.summary = await story(site, 'in-summary', { summary: 'The harbour reopened.',
			published: '2025-01-03T00:00:00Z' });
		p.body = await story(site, 'in-body', { published: '2025-01-05T00:00:00Z' },
			'Long text about many things and, once, the harbour by the sea.\n');
		p.twinOld = await story(site, 'twin-old', { headline: 'Lighthouse keepers',
			published: '2024-06-01T00:00:00Z' }, 'Twin lighthouse keepers.\n');
		p.twinNew = await story(site, 'twin-new', { headline: 'Lighthouse keepers',
			published: '2024-07-01T00:00:00Z' }, 'Twin lighthouse keepers.\n');
		p.phrase = await story(site, 'phrase', {}, 'A storm surge warning was issued.\n');
		p.apart = await story(site, 'apart', {}, 'A surge of visitors before the storm.\n');
		p.tagged = await story(site, 'tagged', { tags: 'Economy & Trade' });
		p.byline = await story(site, 'byline', { author: 'Nour Haddad' });
		p.nasty = await story(site, 'nasty', {},
			'Tom & Jerry <script>alert(1)</script> visit the aquarium.\n');
		await story(site, 'draft', { status: 'draft', headline: 'Secret zeppelin plans' });
		for (let i = 0; i < 4; i++)
			await story(site, `filler-${i}`, {}, 'Quiet filler about gardens.\n');
		await bulkArticles(site.db, { n: 25, prefix: 'pager', body: 'Paging marmalade',
			headline: 'Marmalade', last: 1600000000 });
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	const search = async (q, extra = '') =>
		(await get(`${srv.url}/search?q=${encodeURIComponent(q)}${extra}`)).text;
	const api = async (q, extra = '') =>
		JSON.parse((await get(`${srv.url}/api/v1/search?q=${encodeURIComponent(q)}${extra}`)).text);

	it('ranks headline over summary over body, though the body match is newest', async () => {
		assert.deepEqual(hits(await search('harbour')), [p.head, p.summary, p.body]);
		assert.deepEqual(hits(await search('HARBOURS')), [p.head, p.summary, p.body], 'stems, any case');
	});

	it('breaks a tie in relevance by recency', async () => {
		assert.deepEqual(hits(await search('lighthouse keepers')), [p.twinNew, p.twinOld]);
		const j = await api('lighthouse keepers');
		assert.equal(j.results[0].score, j.results[1].score);
	});

	it('matches phrases in quotes and prefixes with a star', async () => {
		assert.deepEqual(hits(await search('"storm surge"')), [p.phrase]);
		assert.deepEqual(new Set(hits(await search('storm surge'))), new Set([p.phrase, p.apart]));
		assert.deepEqual(new Set(hits(await search('lighth*'))), new Set([p.twinNew, p.twinOld]));
		/* no star: the last word typed is a prefix, an earlier one is not */
		assert.deepEqual(new Set(hits(await search('lighth'))), new Set([p.twinNew, p.twinOld]));
		assert.deepEqual(hits(await search('lighth twin')), [], 'no star, not last: no prefix');
		assert.deepEqual(hits(await search('"storm surge')), [p.phrase], 'an open quote runs to the end');
	});

	it('finds tags and authors, never drafts', async () => {
		assert.deepEqual(hits(await search('economy trade')), [p.tagged]);
		assert.deepEqual(hits(await search('haddad')), [p.byline]);
		const html = await search('zeppelin');
		assert.deepEqual(hits(html), []);
		assert.equal(message(html), 'No stories match your search.');
	});

	it('highlights matches in snippets and escapes the text around them', async () => {
		const html = await search('aquarium');
		const snip = /<p class="snippet">([\s\S]*?)<\/p>/.exec(html)[1];
		assert.match(snip, /<mark>aquarium<\/mark>/);
		assert.match(snip, /Tom &amp; Jerry &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		assert.doesNotMatch(html, /<script>alert/);
		const j = await api('aquarium');
		assert.match(j.results[0].snippet_html, /&lt;script&gt;.*<mark>aquarium<\/mark>/);
	});

	it('pages through results with a keyset cursor', async () => {
		const seen = [];
		let url = `${srv.url}/search?q=marmalade`;
		for (let page = 0; page < 5 && url; page++) {
			const html = (await get(url)).text;
			seen.push(...hits(html));
			const more = tags(html, 'a').find((a) => a.rel === 'next' && /after=/.test(a.href));
			url = more ? srv.url + decodeEntities(more.href) : null;
		}
		assert.equal(seen.length, 25);
		assert.equal(new Set(seen).size, 25, 'no story twice');
		const all = [];
		let next = null;
		do {
			const j = await api('marmalade', next ? `&after=${next}` : '');
			all.push(...j.results.map((r) => r.url));
			for (let i = 1; i < j.results.length; i++)
				assert.ok(j.results[i - 1].score >= j.results[i].score, 'best first');
			next = j.next;
		} while (next);
		assert.deepEqual(all, seen.map((s) => srv.url + s));
	});

	it('answers hostile and odd queries 200 with a message', async () => {
		const cases = {
			'': 'Type a word or two to search the stories.',
			'   ': 'Type a word or two to search the stories.',
			'"': 'Your search holds no words to look for: try letters or numbers.',
			'*** ((( ))) ^ - + :': 'Your search holds no words to look for: try letters or numbers.',
			'NEAR(harbour storm, 2)': 'No stories match your search.',
			'harbour AND OR NOT': 'No stories match your search.',
			['x'.repeat(10240)]: 'Your search was long: only its first words were used, and no stories match them.',
			['harbour-'.repeat(1200)]: 'Your search was long: only its first words were used.',
			// Cut inside a character by the address limit: still read.
			['harbour ' + '\u20ac'.repeat(300)]: 'Your search was long: only its first words were used.',
		};
		for (const [q, msg] of Object.entries(cases)) {
			const r = await request(`${srv.url}/search?q=${encodeURIComponent(q)}`);
			assert.equal(r.status, 200, JSON.stringify(q.slice(0, 20)));
			assert.equal(message(r.text), msg, JSON.stringify(q.slice(0, 20)));
			const j = await request(`${srv.url}/api/v1/search?q=${encodeURIComponent(q)}`);
			assert.equal(j.status, 200);
			assert.equal(JSON.parse(j.text).message, msg);
		}
		assert.deepEqual(hits(await search('harbour (cranes')), [p.head], 'parentheses are ignored');
		assert.deepEqual(hits(await search('harbour" cranes"')), [p.head]);
		for (const q of ['%ff%fe', '%00', '%zz']) {
			const r = await request(`${srv.url}/search?q=${q}`);
			assert.equal(r.status, 200, q);
			assert.ok(message(r.text), `${q}: a message`);
		}
		const none = await get(`${srv.url}/search`);
		assert.equal(message(none.text), 'Type a word or two to search the stories.');
	});

	it('refuses a malformed cursor with 400', async () => {
		for (const a of ['x', '1.2', '1.2.3.4', '-1.2.3', '99999999999999999999.1.1', '1..2'])
			for (const path of ['/search', '/api/v1/search']) {
				const r = await request(`${srv.url}${path}?q=harbour&after=${a}`);
				assert.equal(r.status, 400, `${path} ${a}`);
			}
	});

	it('describes itself: a search form in every masthead, noindex on results', async () => {
		const home = (await get(srv.url + '/')).text;
		const os = tags(home, 'link').find((l) => l.rel === 'search');
		assert.equal(os.type, 'application/opensearchdescription+xml');
		const d = await get(srv.url + os.href);
		assert.equal(d.headers['content-type'], 'application/opensearchdescription+xml');
		assert.ok((await validateXml(null, d.text)).ok, 'well-formed');
		assert.match(d.text, /<ShortName>Dateline<\/ShortName>/);
		assert.ok(d.text.includes(`<Url type="text/html" method="get" template="${srv.url}/search?q={searchTerms}"/>`));
		assert.match(home, /<form class="site-search" action="\/search" method="get" role="search" aria-label="Search the site">/);
		const html = await search('harbour');
		assert.ok(tags(html, 'meta').some((m) => m.name === 'robots' && m.content === 'noindex'));
		// The title holds at most 80 bytes of the search, never half a character.
		const long = await search('\u00e9'.repeat(60));
		const title = decodeEntities(/<title>([^<]*)<\/title>/.exec(long)[1]);
		assert.equal(title, `Search: ${'\u00e9'.repeat(40)} \u2014 Dateline`);
		assert.ok(tags(html, 'input').some((i) => i.name === 'q' && i.value === 'harbour'));
		const j = await api('harbour');
		assert.deepEqual(Object.keys(j), ['query', 'message', 'results', 'total', 'next']);
		assert.deepEqual(Object.keys(j.results[0]), ['headline', 'url', 'summary', 'snippet_html',
			'author', 'section', 'published', 'score']);
		assert.equal(j.results[0].url, srv.url + p.head);
	});
});
