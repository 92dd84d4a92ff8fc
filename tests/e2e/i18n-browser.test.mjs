// i18n-browser.test.mjs - the Arabic story page in Chromium: laid out
// right to left (the reaction list starts at the right edge), the page
// script's words in Arabic, the reaction block usable by keyboard; and
// the story, front and newsroom pages in every language checked by vnu
// and axe.
// Runs only when DATELINE_BROWSER=1; the screenshot is left in the
// site folder (or $DATELINE_SCREENSHOTS) as arabic.png, for a look.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addArticle, axeViolations, launchBrowser, makeSite, removeDir, startServer, vnuErrors } from './lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';

const ENABLED = process.env.DATELINE_BROWSER === '1';

describe('the Arabic page in the browser', { skip: !ENABLED && 'set DATELINE_BROWSER=1' }, () => {
	let site, srv, browser, url;

	before(async () => {
		site = await makeSite();
		const path = await addArticle(site, {
			headline: 'الميناء يعود إلى العمل', slug: 'harbour', author: 'نور حداد', section: 'World',
			published: '2025-11-20T09:00:00Z', status: 'published',
		}, 'بيروت — نص.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'ar', '--reaction-rate-limit', '0',
			'--comment-min-seconds', '0', '--comment-rate-limit', '1000'] });
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

	it('a comment and a reply are written and posted by keyboard, in Arabic', async () => {
		await addUser(site.db, 'noor@example.org', 'نور');
		const reader = await loginAs(srv.url, 'noor@example.org');
		const ctx = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
		await ctx.addCookies([...reader.jar].map(([name, value]) => ({ name, value, url: srv.url })));
		const page = await ctx.newPage();
		try {
			const stream = page.waitForResponse((r) => r.url().endsWith('/events'));
			await page.goto(url);
			await stream;
			const count = () => page.textContent('#comments-heading [data-comment-count]');
			assert.equal(await count(), '0');
			// Into the box, type, Tab to the button, Enter: no pointer involved.
			await page.focus('#comment-body');
			await page.keyboard.type('الرافعات تعمل من جديد.');
			await page.keyboard.press('Tab');
			assert.equal(await page.evaluate(() => document.activeElement.textContent), 'انشر التعليق');
			await Promise.all([page.waitForURL(/#comment-\d+$/), page.keyboard.press('Enter')]);
			assert.equal(await count(), '1');
			// The reply link by keyboard: the form moves under the comment, in Arabic.
			await page.focus('a.comment-reply');
			await page.keyboard.press('Enter');
			await page.locator('li.comment #comment-form').waitFor();
			assert.equal(await page.textContent('[data-comment-replying]'), 'ردًا على نور');
			assert.equal(await page.evaluate(() => document.activeElement.id), 'comment-body',
				'the reply form takes the focus');
			await page.keyboard.type('وأنا أيضًا.');
			await page.keyboard.press('Tab');
			const first = new URL(page.url()).hash;
			await Promise.all([page.waitForURL((u) => /^#comment-\d+$/.test(u.hash) && u.hash !== first),
				page.keyboard.press('Enter')]);
			assert.equal(await count(), '2');
			await page.locator('.comment-replies .comment-body', { hasText: 'وأنا أيضًا' }).waitFor();
		} finally {
			await ctx.close();
		}
	});
});

/*
 * The story, front and newsroom pages in every shipped language: the Nu
 * Html Checker (vnu-jar, on Debian's Java) finds no error and axe-core no
 * violation.  The newsroom is seen by an editor who chose the language;
 * the site's own language is English for it, so every catalogue shows.
 */
describe('every language: no vnu error, no axe violation', { skip: !ENABLED && 'set DATELINE_BROWSER=1' }, () => {
	let site, browser, out;
	const pages = [];	// [label, file]

	before(async () => {
		site = await makeSite();
		out = site.dir;
		await addArticle(site, { headline: 'Harbour cranes return', slug: 'harbour', author: 'Nour Haddad',
			section: 'World', summary: 'Ships are back.', published: '2025-11-20T09:00:00Z',
			status: 'published', tags: ['ports'] }, 'BEIRUT — The cranes moved again.\n');
		await addArticle(site, { headline: 'Port reopens', slug: 'port-en', lang: 'en', section: 'World',
			published: '2025-11-21T09:00:00Z', status: 'published' }, 'In English.\n');
		await addUser(site.db, 'ed@example.org', 'Edith', 'editor');
		browser = await launchBrowser();
	});

	after(async () => {
		try {
			if (browser)
				await browser.close();
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	for (const lang of ['en', 'de', 'fr', 'ar']) {
		it(`${lang}: axe finds nothing on the story, front and newsroom pages`, async () => {
			const srv = await startServer({ db: site.db, args: ['--language', lang === 'en' ? 'ar' : lang,
				'--reaction-rate-limit', '0'] });
			const siteSrv = lang === 'en' ? await startServer({ db: site.db, args: ['--language', 'en'] }) : srv;
			try {
				const editor = await loginAs(srv.url, 'ed@example.org');
				const set = await editor.submit('/account/', '/account/language', { language: lang });
				assert.equal(set.status, 303);
				const story = '/world/2025/11/20/harbour/';
				const targets = [
					['story', siteSrv.url + story, null], ['story-en', siteSrv.url + '/world/2025/11/21/port-en/', null],
					['front', siteSrv.url + '/', null], ['search', siteSrv.url + '/search?q=cranes', null],
					['newsroom', srv.url + '/newsroom', editor], ['editor', srv.url + '/newsroom/new', editor],
					['dashboard', srv.url + '/newsroom/dashboard', editor], ['account', srv.url + '/account/', editor],
				];
				for (const [label, url, who] of targets) {
					const ctx = await browser.newContext({ bypassCSP: true });	// to inject axe
					if (who)
						await ctx.addCookies([...who.jar].map(([name, value]) =>
							({ name, value, url: srv.url })));
					const page = await ctx.newPage();
					const res = await page.goto(url);
					assert.equal(res.status(), 200, `${lang} ${label}`);
					const file = path.join(out, `${lang}-${label}.html`);
					fs.writeFileSync(file, await res.text());
					pages.push([`${lang} ${label}`, file]);
					assert.deepEqual(await axeViolations(page), [], `${lang} ${label}: axe`);
					await ctx.close();
				}
			} finally {
				if (siteSrv !== srv)
					await siteSrv.stop();
				await srv.stop();
			}
		});
	}

	it('vnu finds no error on any of those pages', () => {
		assert.ok(pages.length >= 32, `${pages.length} pages checked`);
		assert.deepEqual(vnuErrors(pages.map((p) => p[1])), []);
	});
});
