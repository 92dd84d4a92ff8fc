// search-words.test.mjs - what a reader types into /search: the last word
// is also a prefix ("coordinat" finds "coordination", in an English and a
// German story), "-word" and -"a phrase" leave stories out, and the page
// says how many stories match, "1 result" / "N results" in the site's
// language; GET /api/v1/search gives the same total.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, decodeEntities, get, makeSite, removeDir, startServer } from './lib.mjs';

const story = (site, slug, fm, body) => addArticle(site, {
	headline: `Story ${slug}`, slug, section: 'World', status: 'published',
	published: '2025-01-01T00:00:00Z', ...fm,
}, body);

const hits = (html) => [...html.matchAll(/<h2><a href="([^"]*)">/g)].map((m) => m[1]);
const count = (html) => {
	const m = /<p class="search-count" role="status">([^<]*)<\/p>/.exec(html);
	return m ? decodeEntities(m[1]) : null;
};

describe('search words', () => {
	let site, srv, fr;
	const p = {};

	before(async () => {
		site = await makeSite();
		p.coord = await story(site, 'coord', { published: '2025-01-02T00:00:00Z' },
			'Better coordination of the harbour pilots.\n');
		p.koord = await story(site, 'koord', { lang: 'de', published: '2025-01-03T00:00:00Z' },
			'Die Koordination der Lotsen im Hafen.\n');
		p.storm = await story(site, 'storm', { published: '2025-01-04T00:00:00Z' },
			'The harbour closed before the storm surge.\n');
		p.calm = await story(site, 'calm', { published: '2025-01-05T00:00:00Z' },
			'The harbour was calm, with a surge of visitors.\n');
		p.storms = await story(site, 'storms', { published: '2025-01-06T00:00:00Z' },
			'Two storms passed the harbour.\n');
		srv = await startServer({ db: site.db });
		fr = await startServer({ db: site.db, args: ['--language', 'fr'] });
	});
	after(async () => {
		await srv?.stop();
		await fr?.stop();
		await removeDir(site?.dir);
	});

	const search = async (q, s = srv) =>
		(await get(`${s.url}/search?q=${encodeURIComponent(q)}`)).text;

	it('the last word is a prefix: "coordinat" finds coordination and Koordination', async () => {
		assert.deepEqual(new Set(hits(await search('coordinat'))), new Set([p.coord]));
		assert.deepEqual(new Set(hits(await search('koordinat'))), new Set([p.koord]));
		assert.deepEqual(new Set(hits(await search('harbour pil'))), new Set([p.coord]));
		/* still stemmed: the whole word finds its other forms */
		assert.deepEqual(new Set(hits(await search('coordinations'))), new Set([p.coord]));
		assert.deepEqual(new Set(hits(await search('storm'))), new Set([p.storm, p.storms]));
		/* only the last word: an earlier one is a word */
		assert.deepEqual(hits(await search('coordinat harbour')), []);
	});

	it('-word and -"a phrase" leave stories out', async () => {
		assert.deepEqual(new Set(hits(await search('harbour -storm'))),
			new Set([p.coord, p.calm]));
		/* the excluded word in any of its forms: "storm" leaves out "storms" */
		assert.ok(!hits(await search('harbour -storms')).includes(p.storms));
		assert.deepEqual(new Set(hits(await search('harbour -"storm surge"'))),
			new Set([p.coord, p.calm, p.storms]));
		assert.deepEqual(new Set(hits(await search('surge -calm'))), new Set([p.storm]));
		/* a hyphen inside a word is no exclusion */
		assert.ok(hits(await search('harbour-storm')).includes(p.storm));
		/* exclusions alone look for nothing */
		assert.deepEqual(hits(await search('-harbour')), []);
	});

	it('odd mixes of exclusions, prefixes and phrases are answered 200', async () => {
		for (const q of ['-', '--harbour', '-"', 'harbour -"storm surge" surg*', 'harbour -sto*',
			'"-storm" harbour', '((harbour OR -storm))', 'NOT -NOT harbour', 'harbour - -', 'a -b',
			'-"" harbour', 'harbour -\u20ac\u20ac', '\u0627\u0644\u0645\u064a\u0646\u0627 -storm']) {
			const r = await get(`${srv.url}/api/v1/search?q=${encodeURIComponent(q)}`);
			assert.equal(r.status, 200, q);
			assert.equal(typeof JSON.parse(r.text).total, 'number', q);
		}
		assert.deepEqual(new Set(hits(await search('harbour -surg*'))), new Set([p.coord, p.storms]));
	});

	it('says how many stories match, with plural forms (en, fr)', async () => {
		assert.equal(count(await search('coordinat')), '1 result');
		assert.equal(count(await search('surge')), '2 results');
		assert.equal(count(await search('harbour')), '4 results');
		assert.equal(count(await search('zeppelin')), null, 'no count without hits');
		assert.equal(count(await search('coordinat', fr)), '1 résultat');
		assert.equal(count(await search('surge', fr)), '2 résultats');
		const api = JSON.parse((await get(`${srv.url}/api/v1/search?q=harbour%20-storm`)).text);
		assert.equal(api.total, 2);
		assert.equal(api.results.length, 2);
	});
});
