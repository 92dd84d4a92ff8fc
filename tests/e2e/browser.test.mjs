// browser.test.mjs - an article page in headless Chromium: headline, lead
// photo and caption visible, the photo decoded, no console errors (CSP
// violations included), and a screenshot in test-results/article.png.
// Runs only with DATELINE_BROWSER=1 (scripts/test sets it for one build).
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('article page in a browser', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, browser, articlePath;

	before(async () => {
		site = await makeSite();
		articlePath = await addArticle(site, {
			headline: 'Highland weavers bring a record-length textile to the capital',
			summary: 'Forty metres of hand-woven cloth went on show.',
			dateline: 'INVERNESS', photo: 'textile.jpg',
			caption: 'A file photo of a long patterned textile on a loom.',
			credit: 'Dateline Demo / Generated image', author: 'Morag Fraser',
			section: 'Culture', tags: 'crafts, textiles', published: '2025-11-24T14:00:00Z',
		}, 'The cloth took two winters to weave.\n\nIt goes on show on Monday.\n');
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

	it('shows the headline, the loaded lead photo and its caption, with no console errors', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const problems = [];
		page.on('console', (m) => {
			if (m.type() === 'error' || m.type() === 'warning')
				problems.push(`console ${m.type()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
		page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
		page.on('response', (r) => {
			if (r.status() >= 400)
				problems.push(`HTTP ${r.status()}: ${r.url()}`);
		});
		try {
			const res = await page.goto(srv.url + articlePath, { waitUntil: 'load' });
			assert.equal(res.status(), 200);
			const h1 = page.locator('h1');
			await h1.waitFor({ state: 'visible' });
			assert.equal(await h1.textContent(), 'Highland weavers bring a record-length textile to the capital');

			const img = page.locator('figure.lead-photo img');
			await img.waitFor({ state: 'visible' });
			const natural = await img.evaluate(async (el) => {
				if (!el.complete)
					await new Promise((r) => el.addEventListener('load', r, { once: true }));
				await el.decode().catch(() => {});
				return { w: el.naturalWidth, h: el.naturalHeight, complete: el.complete };
			});
			assert.ok(natural.complete && natural.w > 0 && natural.h > 0,
				`photo decoded: ${JSON.stringify(natural)}`);
			const box = await img.boundingBox();
			assert.ok(box && box.width > 100 && box.height > 50, `photo laid out: ${JSON.stringify(box)}`);

			const cap = page.locator('figure.lead-photo figcaption');
			assert.ok(await cap.isVisible(), 'caption visible');
			assert.match(await cap.textContent(), /A file photo of a long patterned textile on a loom\./);
			assert.match(await cap.textContent(), /Dateline Demo \/ Generated image/);

			// the stylesheet applied (CSP allows 'self' styles)
			const sheets = await page.evaluate(() => document.styleSheets.length);
			assert.ok(sheets >= 1, 'stylesheet loaded');

			await fsp.mkdir(path.join(ROOT, 'test-results'), { recursive: true });
			await page.screenshot({ path: path.join(ROOT, 'test-results', 'article.png'), fullPage: true });
			const shot = await fsp.stat(path.join(ROOT, 'test-results', 'article.png'));
			assert.ok(shot.size > 10000, 'screenshot written');

			await page.waitForTimeout(200);	// late console messages
			assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
		} finally {
			await page.close();
		}
	});

	it('the front page and a 404 page load without console errors', async () => {
		const page = await browser.newPage();
		const problems = [];
		page.on('console', (m) => {
			if (m.type() === 'error' && !/status of 404/.test(m.text()))
				problems.push(`console ${m.type()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
		try {
			const home = await page.goto(srv.url + '/', { waitUntil: 'load' });
			assert.equal(home.status(), 200);
			const link = page.locator(`ol.stories a[href="${articlePath}"]`).first();
			assert.ok(await link.isVisible(), 'story listed on the front page');
			await Promise.all([page.waitForURL(srv.url + articlePath), link.click()]);
			assert.equal(await page.locator('h1').textContent(),
				'Highland weavers bring a record-length textile to the capital');
			const nf = await page.goto(srv.url + '/no/such/page/', { waitUntil: 'load' });
			assert.equal(nf.status(), 404);
			assert.ok(await page.locator('header.masthead').isVisible(), 'site header on the 404 page');
			assert.equal(await page.locator('h1').textContent(), 'Page not found');
			await page.waitForTimeout(200);
			assert.deepEqual(problems, []);
		} finally {
			await page.close();
		}
	});

	it('exits 0 on SIGTERM (no leaks under ASan)', async () => {
		assert.equal(await srv.stop(), 0);
	});
});
