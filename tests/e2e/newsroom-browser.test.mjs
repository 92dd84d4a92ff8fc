// newsroom-browser.test.mjs - the newsroom in headless Chromium, by
// keyboard: an author logs in, writes a story with a lead photo (the live
// preview follows the typing, the draft saves itself), and submits it for
// review; an editor with
// JavaScript off opens it from the story list and publishes it; the story
// is on the front page with its photo and caption.  Screenshot of the
// editor in test-results/newsroom-editor.png.  Fields are found by their
// visible labels.  Runs only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, launchBrowser, makeSite, removeDir, startServer, request } from './lib.mjs';
import { addUser, browserLogIn, jpegWithGps, haveVips } from './newsroom-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('the newsroom in a browser', { skip: (!enabled && 'set DATELINE_BROWSER=1 to run') ||
	(!haveVips() && 'no vips CLI') }, () => {
	let site, srv, browser;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'ann@example.com', 'Ann Author', 'author');
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

	const logIn = (page, email) => browserLogIn(page, srv.url, email);

	/* Focus the field labelled @label and type @text. */
	async function type(page, label, text) {
		await page.getByLabel(label, { exact: true }).focus();
		await page.keyboard.type(text);
	}

	it('an author writes and submits, an editor publishes, readers see it', async () => {
		const photo = path.join(site.dir, 'harbour.jpg');
		fs.writeFileSync(photo, jpegWithGps(site.dir, 1600, 1000, 1));
		const actx = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
		const page = await actx.newPage();
		try {
			await logIn(page, 'ann@example.com');
			await page.getByRole('link', { name: 'New story' }).first().focus();
			await page.keyboard.press('Enter');
			await page.waitForURL(/\/newsroom\/new$/);
			await type(page, 'Headline', 'Fishing fleet returns early');
			await type(page, 'Summary', 'Storms cut the season short.');
			await type(page, 'Dateline', 'BERGEN');
			await type(page, 'Section', 'Business');
			await type(page, 'Tags', 'Fishing, Weather');
			await type(page, 'Body', 'Boats came home **three weeks** early.\n\nPrices rose at the market.');
			await page.getByLabel('Lead photo', { exact: true }).setInputFiles(photo);
			await type(page, 'Caption', 'Trawlers in the harbour on Tuesday.');
			await type(page, 'Credit', 'Staff photographer');
			await type(page, 'Alt text', 'Fishing boats moored side by side');
			// The live preview follows the body (rendered by the server).
			await page.locator('#live-preview strong', { hasText: 'three weeks' }).waitFor();
			// A draft saves itself a few seconds after the typing stops,
			// and the page's address becomes the story's.
			await page.locator('.nr-autosave', { hasText: 'Draft saved' }).waitFor({ timeout: 15000 });
			assert.match(page.url(), /\/newsroom\/stories\/\d+$/);
			await page.screenshot({ path: path.join(ROOT, 'test-results', 'newsroom-editor.png'),
				fullPage: true });
			assert.ok(fs.statSync(path.join(ROOT, 'test-results', 'newsroom-editor.png')).size > 10000);
			await page.getByRole('button', { name: 'Submit for review' }).focus();
			await page.keyboard.press('Enter');
			await page.waitForURL(/\/newsroom\/stories\/\d+\?done=/);
			assert.match(await page.locator('.notice').textContent(), /submitted for review/);
			assert.equal(await page.getByRole('button', { name: 'Publish' }).count(), 0);
			await page.goto(srv.url + '/newsroom');
			assert.equal(await page.getByRole('link', { name: 'Fishing fleet returns early' }).count(), 1,
				'the autosaved draft and the submit are one story');
		} finally {
			await actx.close();
		}

		const ectx = await browser.newContext({ javaScriptEnabled: false });
		const ed = await ectx.newPage();
		try {
			await logIn(ed, 'ed@example.com');
			await ed.getByLabel('Status').selectOption('ready');
			await ed.getByRole('button', { name: 'Filter' }).focus();
			await ed.keyboard.press('Enter');
			await ed.getByRole('link', { name: 'Fishing fleet returns early' }).focus();
			await ed.keyboard.press('Enter');
			await ed.waitForURL(/\/newsroom\/stories\/\d+$/);
			await ed.getByRole('button', { name: 'Publish' }).focus();
			await ed.keyboard.press('Enter');
			await ed.waitForURL(/done=publish/);
			assert.match(await ed.locator('.notice').textContent(), /Published/);
			await ed.getByRole('link', { name: 'View on the site' }).focus();
			await ed.keyboard.press('Enter');
			const fig = ed.locator('figure.lead-photo');
			assert.match(await fig.locator('figcaption').textContent(), /Trawlers in the harbour/);
			const img = fig.locator('img');
			assert.equal(await img.getAttribute('width'), '1600');
			assert.match(await img.getAttribute('srcset'), /480w, .* 960w, .* 1600w/);
			assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the photo loads');
		} finally {
			await ectx.close();
		}
		const home = await request(srv.url + '/');
		assert.match(home.text, /Fishing fleet returns early/);
	});
});
