// pages-browser.test.mjs - static pages in headless Chromium: an editor
// logs in, opens Pages from the newsroom's navigation, writes an About
// page and publishes it, then edits it (a new body, a child page under
// it) and sees each change served at its address and the page in the
// footer.  Fields and buttons are found by their visible labels.  Runs
// only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';
import { addUser, PW } from './newsroom-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('static pages in a browser', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, browser;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'ed@example.com', 'Ed Editor', 'editor');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000'] });
		browser = await launchBrowser();
	});

	after(async () => {
		if (browser)
			await browser.close();
		if (srv)
			await srv.stop();
		if (site)
			await removeDir(site.dir);
	});

	it('an editor writes, publishes and edits a page; readers see each change', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
		const page = await ctx.newPage();
		try {
			await page.goto(srv.url + '/newsroom');
			await page.getByLabel('Email', { exact: true }).fill('ed@example.com');
			await page.getByLabel('Password', { exact: true }).fill(PW);
			await page.getByRole('button', { name: 'Log in' }).click();
			await page.waitForURL(/\/newsroom$/);

			await page.getByRole('navigation', { name: 'Newsroom' })
				.getByRole('link', { name: 'Pages' }).click();
			await page.waitForURL(/\/newsroom\/pages$/);
			await page.getByRole('link', { name: 'New page' }).click();
			await page.waitForURL(/\/newsroom\/pages\/new$/);
			await page.getByLabel('Title', { exact: true }).fill('About us');
			await page.getByLabel('Slug', { exact: true }).fill('about');
			await page.getByLabel('Body', { exact: true }).fill('We report on the *harbour*.');
			await page.getByRole('button', { name: 'Publish' }).click();
			await page.waitForURL(/\/newsroom\/pages\/\d+\?done=publish$/);
			assert.equal(await page.getByRole('status').first().textContent(), 'Published.');

			const reader = await ctx.newPage();
			const res = await reader.goto(srv.url + '/about/');
			assert.equal(res.status(), 200);
			assert.equal(await reader.getByRole('heading', { level: 1 }).textContent(), 'About us');
			assert.equal(await reader.locator('.static-page em').textContent(), 'harbour');
			await reader.getByRole('navigation', { name: 'Pages' })
				.getByRole('link', { name: 'About us' }).click();
			await reader.waitForURL(/\/about\/$/);

			// Edit it from the list: a new body.
			await page.getByRole('link', { name: 'Pages', exact: true }).click();
			await page.getByRole('table').getByRole('link', { name: 'About us' }).click();
			await page.getByLabel('Body', { exact: true }).fill('We report on the harbour and the hills.');
			await page.getByRole('button', { name: 'Save changes' }).click();
			await page.waitForURL(/\?done=save$/);
			await reader.goto(srv.url + '/about/');
			assert.match(await reader.locator('.static-page').textContent(), /the harbour and the hills/);

			// A child page under it, chosen by its label.
			await page.goto(srv.url + '/newsroom/pages/new');
			await page.getByLabel('Title', { exact: true }).fill('The team');
			await page.getByLabel('Parent page', { exact: true }).selectOption({ label: '/about/' });
			await page.getByLabel('Body', { exact: true }).fill('Ed edits.');
			await page.getByRole('button', { name: 'Publish' }).click();
			await page.waitForURL(/\?done=publish$/);
			const child = await reader.goto(srv.url + '/about/the-team/');
			assert.equal(child.status(), 200);
			assert.equal(await reader.getByRole('heading', { level: 1 }).textContent(), 'The team');
			await reader.goto(srv.url + '/about/');
			await reader.getByRole('navigation', { name: 'In this section' })
				.getByRole('link', { name: 'The team' }).click();
			await reader.waitForURL(/\/about\/the-team\/$/);
		} finally {
			await ctx.close();
		}
	});
});
