// readnext.test.mjs - somewhere to read next, under a story, on both
// backends: "Related stories" (sharing its tags: two points a shared tag,
// one for its section, the newest among equals), then "More in
// <section>" (the section's newest, none of those again); drafts and
// stories of other sections without a shared tag are left out; each
// link carries its own story's language.
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
			url[slug] = await addArticle(site, { headline: `Story ${slug}`, slug, status: 'published', ...fm }, 'Text.\n');
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
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('related stories by shared tags, then more of the section', async () => {
		const html = (await get(srv.url + url.main)).text;
		assert.deepEqual(box(html, 'related'), ['Story both', 'Story ports', 'Story german [de]', 'Story sport']);
		assert.deepEqual(box(html, 'more-in'), ['Story plain', 'Story older']);
		assert.match(html, /<h2 id="more-in-heading">More in <a href="\/section\/world\/">World<\/a><\/h2>/);
		assert.match(html, /<aside class="read-next related" aria-labelledby="related-heading">\n<h2 id="related-heading">Related stories<\/h2>/);
	});

	test('a story without tags gets its section only; a lone one gets neither', async () => {
		const plain = (await get(srv.url + url.plain)).text;
		assert.equal(box(plain, 'related'), null);
		assert.deepEqual(box(plain, 'more-in'), ['Story ports', 'Story both', 'Story main', 'Story older']);
		const culture = (await get(srv.url + url.culture)).text;
		assert.equal(box(culture, 'related'), null);
		assert.deepEqual(box(culture, 'more-in'), ['Story german [de]']);
		const sport = (await get(srv.url + url.sport)).text;
		assert.deepEqual(box(sport, 'related'), ['Story both', 'Story main']);
		assert.equal(box(sport, 'more-in'), null);
	});
});
