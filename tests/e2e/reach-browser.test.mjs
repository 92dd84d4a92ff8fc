// reach-browser.test.mjs - search in headless Chromium: a reader types in
// the masthead's search box, gets the results page with highlighted
// matches and no console errors (CSP included), follows a result to the
// story; a screenshot goes to test-results/search.png.
// Runs only with DATELINE_BROWSER=1 (scripts/test sets it for one build).
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('search in a browser', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, browser, harbour;

	before(async () => {
		site = await makeSite();
		harbour = await addArticle(site, {
			headline: 'Harbour cranes return to work as port reopens',
			summary: 'Container traffic resumed at dawn after four days of closure.',
			author: 'Nour Haddad', section: 'World', tags: 'ports', photo: 'harbour.jpg',
			caption: 'Cranes at dusk.', published: '2025-11-20T08:30:00Z',
		}, 'The first crane swung back into motion shortly after six, ending a shutdown at the harbour.\n');
		await addArticle(site, {
			headline: 'Fishing fleet waits out the storm', section: 'Business',
			summary: 'Boats stayed tied up for a fourth day.', published: '2025-11-19T07:00:00Z',
		}, 'Skippers said the old harbour wall took the worst of the waves & spray.\n');
		await addArticle(site, {
			headline: 'Weavers bring a long textile to the capital', section: 'Culture',
			published: '2025-11-18T07:00:00Z',
		}, 'Nothing about ports here.\n');
		srv = await startServer({ db: site.db });
		browser = await launchBrowser();
	});

	after(async () => {
		if (browser)
			await browser.close();
		if (srv && srv.alive())
			srv.proc.kill('SIGKILL');
		if (site)
			await removeDir(site.dir);
	});

	it('searches from the masthead, highlights matches and leads to the story', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const problems = [];
		page.on('console', (m) => {
			if (m.type() === 'error' || m.type() === 'warning')
				problems.push(`console ${m.type()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
		page.on('response', (r) => {
			if (r.status() >= 400)
				problems.push(`HTTP ${r.status()}: ${r.url()}`);
		});
		try {
			await page.goto(srv.url + '/', { waitUntil: 'load' });
			const box = page.locator('.masthead input[name="q"]');
			assert.ok(await box.isVisible(), 'the masthead has a search box');
			await box.fill('harbour');
			await Promise.all([page.waitForURL(/\/search\?q=harbour$/), box.press('Enter')]);

			const results = page.locator('.search-results .story h2 a');
			assert.deepEqual(await results.allTextContents(), [
				'Harbour cranes return to work as port reopens',
				'Fishing fleet waits out the storm',
			]);
			const marks = page.locator('.search-results mark');
			assert.ok(await marks.count() >= 1, 'matches are highlighted');
			assert.match((await marks.first().textContent()).toLowerCase(), /harbour/);
			const bg = await marks.first().evaluate((el) => getComputedStyle(el).backgroundColor);
			assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the highlight is styled');
			assert.equal(await page.locator('#search-q').inputValue(), 'harbour');

			await fsp.mkdir(path.join(ROOT, 'test-results'), { recursive: true });
			await page.screenshot({ path: path.join(ROOT, 'test-results/search.png'), fullPage: true });

			// A hostile query is a page with a message, not an error.
			await page.locator('#search-q').fill('NEAR( "" *** ((');
			await Promise.all([page.waitForURL(/\/search\?q=/), page.locator('#search-q').press('Enter')]);
			assert.equal(await page.locator('.search-message').textContent(), 'No stories match your search.');

			await page.goBack();
			await Promise.all([page.waitForURL(srv.url + harbour), results.first().click()]);
			assert.equal(await page.locator('h1').textContent(),
				'Harbour cranes return to work as port reopens');
			assert.deepEqual(problems, []);
		} finally {
			await page.close();
		}
	});
});
