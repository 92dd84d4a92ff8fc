// i18n-browser.test.mjs - the Arabic story page in Chromium: laid out
// right to left (the reaction list starts at the right edge), the page
// script's words in Arabic, the reaction block usable by keyboard.
// Runs only when DATELINE_BROWSER=1; the screenshot is left in the
// site folder (or $DATELINE_SCREENSHOTS) as arabic.png, for a look.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';

const ENABLED = process.env.DATELINE_BROWSER === '1';

describe('the Arabic page in the browser', { skip: !ENABLED && 'set DATELINE_BROWSER=1' }, () => {
	let site, srv, browser, url;

	before(async () => {
		site = await makeSite();
		const path = await addArticle(site, {
			headline: 'الميناء يعود إلى العمل', slug: 'harbour', author: 'نور حداد', section: 'World',
			published: '2025-11-20T09:00:00Z', status: 'published',
		}, 'بيروت — نص.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'ar', '--reaction-rate-limit', '0'] });
		url = srv.url + path;
		browser = await launchBrowser();
	});

	after(async () => {
		try {
			if (browser)
				await browser.close();
			if (srv)
				assert.equal(await srv.stop(), 0);
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	it('is right to left, and a reaction works by keyboard', async () => {
		const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
		await page.goto(url);
		assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).direction), 'rtl');
		const [first, last] = await page.evaluate(() => {
			const items = [...document.querySelectorAll('.reaction-list > li')];
			return [items[0].getBoundingClientRect().right, items.at(-1).getBoundingClientRect().right];
		});
		assert.ok(first > last, 'the first reaction is rightmost');
		await page.screenshot({ path: `${process.env.DATELINE_SCREENSHOTS || site.dir}/arabic.png`, fullPage: true });
		await page.focus('button.reaction[data-reaction="love"]');
		await page.keyboard.press('Enter');
		await page.waitForFunction(() => document.querySelector('button.reaction[data-reaction="love"]')
			.getAttribute('aria-pressed') === 'true');
		assert.match(await page.textContent('.reaction-total'), /تفاعل واحد/);
		await page.close();
	});
});
