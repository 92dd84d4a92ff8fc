// readnext.test.mjs - somewhere to read next, under a story, on both
// backends: "Related stories" (sharing its tags: two points a shared tag,
// one for its section, the newest among equals), then "More in
// <section>" (the section's newest, none of those again); drafts and
// stories of other sections without a shared tag are left out; each
// link carries its own story's language.  With fewer than four sharing a
// tag, stories alike in words (headline and summary) fill the list.
// Headlines here are "The <slug>": "The" is too short to count as a word.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addArticle, get, makeSite, removeDir, startServer } from './lib.mjs';

/* The links of the <aside class="read-next CLASS"> of @html: [text, lang]. */
function box(html, cls) {
	const m = new RegExp(`<aside class="read-next ${cls}"[^>]*>([\\s\\S]*?)</aside>`).exec(html);
	return m ? [...m[1].matchAll(/<li><a href="[^"]*"( lang="([^"]*)")?[^>]*>([^<]*)<\/a>/g)]
		.map((x) => x[2] ? `${x[3]} [${x[2]}]` : x[3]) : null;
}

describe('read next', () => {
	let site, srv;
	const url = {};

	before(async () => {
		site = await makeSite();
		const add = async (slug, fm) => {
			url[slug] = await addArticle(site, { headline: `The ${slug}`, slug, status: 'published', ...fm }, 'Text.\n');
		};
		let day = 10;
		const at = () => `2026-11-${day++}T09:00:00Z`;
		await add('main', { section: 'World', tags: 'Harbour, Ports', published: at() });
		await add('both', { section: 'World', tags: 'Harbour, Ports', published: at() });	// 2*2 + 1
		await add('sport', { section: 'Sport', tags: 'Harbour', published: at() });		// 2
		await add('ports', { section: 'World', tags: 'Ports', published: at() });		// 2 + 1
		await add('german', { section: 'Culture', tags: 'Ports', published: at(), lang: 'de' });	// 2, newer
		await add('plain', { section: 'World', published: at() });
		await add('older', { section: 'World', published: '2026-11-01T09:00:00Z' });
		await add('culture', { section: 'Culture', published: at() });
		await add('draft', { section: 'World', tags: 'Harbour, Ports', status: 'draft', published: at() });
		await add('keepers', { headline: 'Lighthouse keepers end their strike', section: 'Local', published: at() });
		await add('beacon', { headline: 'The old beacon', section: 'Travel', tags: 'Lighthouse', published: at() });
		await add('summary', { headline: 'The ferry', summary: 'Past the lighthouse on strike.', section: 'Travel2',
			published: at() });
		await add('wordsdraft', { headline: 'Lighthouse strike talks', section: 'Local', status: 'draft', published: at() });
		await add('marks', { headline: '«Lighthouse» —— 🚢🚢 …… ​​ ١٢٣٤', section: 'Odd', published: at() });
		await add('strikes', { headline: 'Rail strikes called off', section: 'Business', published: at() });
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('related stories by shared tags, then more of the section', async () => {
		const html = (await get(srv.url + url.main)).text;
		assert.deepEqual(box(html, 'related'), ['The both', 'The ports', 'The german [de]', 'The sport']);
		assert.deepEqual(box(html, 'more-in'), ['The plain', 'The older']);
		assert.match(html, /<h2 id="more-in-heading">More in <a href="\/section\/world\/">World<\/a><\/h2>/);
		assert.match(html, /<aside class="read-next related" aria-labelledby="related-heading">\n<h2 id="related-heading">Related stories<\/h2>/);
	});

	test('a story without tags gets its section only; a lone one gets neither', async () => {
		const plain = (await get(srv.url + url.plain)).text;
		assert.equal(box(plain, 'related'), null);
		assert.deepEqual(box(plain, 'more-in'), ['The ports', 'The both', 'The main', 'The older']);
		const culture = (await get(srv.url + url.culture)).text;
		assert.equal(box(culture, 'related'), null);
		assert.deepEqual(box(culture, 'more-in'), ['The german [de]']);
		const sport = (await get(srv.url + url.sport)).text;
		assert.deepEqual(box(sport, 'related'), ['The both', 'The main']);
		assert.equal(box(sport, 'more-in'), null);
	});

	test('stories alike in words fill the related list', async () => {
		const html = (await get(srv.url + url.keepers)).text;
		// "lighthouse" and "strike" are shared with the draft (left out);
		// the beacon's tag is "lighthouse", the rail story has "strike"
		// (stemmed); "their" is no topic; words of a summary do not count.
		const related = box(html, 'related');
		assert.deepEqual([...related].sort(), ['Rail strikes called off', 'The old beacon', '«Lighthouse» —— 🚢🚢 …… ​​ ١٢٣٤']);
		assert.equal(box(html, 'more-in'), null, 'the only other Local story is a draft');
		const beacon = (await get(srv.url + url.beacon)).text;
		assert.equal(box(beacon, 'related'), null, '"beacon" is in no other headline or tags');
		// Punctuation, emoji and other non-ASCII runs in a headline are no
		// query syntax for either engine.
		const marks = await get(srv.url + url.marks);
		assert.equal(marks.status, 200);
		assert.ok(box(marks.text, 'related').includes('Lighthouse keepers end their strike'));
	});
});
