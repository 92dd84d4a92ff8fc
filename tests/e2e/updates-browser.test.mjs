// updates-browser.test.mjs - an editor marks a change as an update and
// appends a correction in headless Chromium, fields found by their
// visible labels; the story page then says "Updated" and lists the
// correction, and axe finds no violation on it or on the editor.  Runs
// only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, axeViolations } from './lib.mjs';
import { browserSite, browserLogIn } from './newsroom-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('updates and corrections in the editor', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let env, srv, browser, story;

	before(async () => {
		env = await browserSite([['ed@example.com', 'Edna Editor', 'editor']]);
		({ srv, browser } = env);
		story = await addArticle(env.site, { headline: 'Lighthouse relit', slug: 'lighthouse', section: 'Local',
			summary: 'The lamp shines again.', published: '2026-11-20T09:05:00Z', status: 'published' },
		'The keepers relit the lamp at dusk.\n');
	});
	after(async () => {
		if (env)
			await env.close();
	});

	it('mark as update, then a correction; the page shows both', async () => {
		const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 1000 } });
		const page = await ctx.newPage();
		try {
			await browserLogIn(page, srv.url, 'ed@example.com');
			await page.getByRole('link', { name: 'Lighthouse relit' }).first().click();
			await page.getByLabel('Body', { exact: true }).waitFor();
			assert.deepEqual(await axeViolations(page), [], 'the editor with its update fields');

			// A small fix: not an update.
			await page.getByLabel('Body', { exact: true }).fill('The keepers relit the lamp at dusk on Friday.\n');
			await Promise.all([page.waitForURL(/done=/), page.getByRole('button', { name: 'Save changes' }).click()]);
			await page.goto(srv.url + story);
			assert.equal(await page.getByText('Updated').count(), 0);

			await page.goBack();
			await page.getByLabel('Body', { exact: true }).fill('The keepers relit the lamp at dusk on Friday. Ships saw it at sea.\n');
			await page.getByLabel('This change is an update').check();
			await Promise.all([page.waitForURL(/done=/), page.getByRole('button', { name: 'Save changes' }).click()]);
			await page.goto(srv.url + story);
			assert.match(await page.locator('p.byline').textContent(), /Updated \d+ November|Updated \d+ December/);

			await page.goBack();
			await page.getByLabel('Correction', { exact: true }).fill('An earlier version of this story said the lamp was relit at dawn.');
			await Promise.all([page.waitForURL(/done=/), page.getByRole('button', { name: 'Save changes' }).click()]);
			await page.goto(srv.url + story);
			const box = page.getByRole('complementary', { name: 'Corrections' });
			assert.match(await box.textContent(), /said the lamp was relit at dawn/);
			assert.deepEqual(await axeViolations(page), [], 'the story with its correction');
		} finally {
			await ctx.close();
		}
	});
});
