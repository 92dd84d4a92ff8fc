// section-nav.test.mjs - the masthead's section links say where the
// reader is: aria-current="page" on the section's own page,
// aria-current="true" on a story's page for the story's section, none on
// the front page or for the other sections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, get, inner, makeSite, removeDir, startServer, tags } from './lib.mjs';

describe('the section navigation marks the current section', () => {
	let site, srv, story;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, { headline: 'Relay upset', section: 'Sport',
			published: '2025-11-26T18:45:00Z' }, 'Text.\n');
		await addArticle(site, { headline: 'Harbour news', section: 'World',
			published: '2025-11-25T18:45:00Z' }, 'Text.\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	const current = async (p) => {
		const nav = inner((await get(srv.url + p)).text, 'nav', '[^>]*class="sections"');
		return Object.fromEntries(tags(nav, 'a').map((a) => [a.href, a['aria-current'] ?? null]));
	};

	it('on the section page, a story page and the front page', async () => {
		assert.deepEqual(await current('/section/sport/'),
			{ '/section/sport/': 'page', '/section/world/': null });
		assert.deepEqual(await current(story), { '/section/sport/': 'true', '/section/world/': null });
		assert.deepEqual(await current('/'), { '/section/sport/': null, '/section/world/': null });
	});
});
