// reactions-browser.test.mjs - the reaction block in a real browser
// (Chromium through playwright-core): with JavaScript a click updates the
// block in place without leaving the page, other open pages see the counts
// change live, and without JavaScript the plain form still works.
// Runs only when DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';

const ENABLED = process.env.DATELINE_BROWSER === '1';
const KINDS = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];
const LABELS = ['Angry', 'Fail', 'Geeky', 'Lol', 'Love', 'Scary', 'Win'];

/* Poll @fn until it returns a truthy value; that value. */
async function until(fn, what, ms = 5000) {
	const deadline = Date.now() + ms;
	let last;
	for (;;) {
		last = await fn();
		if (last)
			return last;
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

/* The block as the page shows it now: {counts, pressed, shares, total}. */
function blockState(page) {
	return page.evaluate(() => {
		const out = { counts: {}, pressed: [], shares: {}, total: null };
		for (const b of document.querySelectorAll('.reactions button.reaction')) {
			const n = b.getAttribute('data-reaction');
			out.counts[n] = Number(b.querySelector('[data-count]').textContent);
			out.shares[n] = Number(b.querySelector('meter').value);
			if (b.getAttribute('aria-pressed') === 'true')
				out.pressed.push(n);
		}
		const t = document.querySelector('.reactions [data-total]');
		out.total = t ? Number(t.textContent) : null;
		return out;
	});
}

const counts = (c) => ({ ...Object.fromEntries(KINDS.map((k) => [k, 0])), ...c });

/* Wait until @page shows @want counts (and @pressed, when given). */
async function expectBlock(page, want, pressed, label) {
	let last;
	try {
		await until(async () => {
			last = await blockState(page);
			return JSON.stringify(last.counts) === JSON.stringify(counts(want)) &&
				(pressed === undefined || JSON.stringify(last.pressed) === JSON.stringify(pressed));
		}, label);
	} catch (e) {
		throw new Error(`${label}: page shows ${JSON.stringify(last)}, want counts ` +
			`${JSON.stringify(counts(want))} pressed ${JSON.stringify(pressed)}`);
	}
	return last;
}

describe('reactions in the browser', { skip: !ENABLED && 'set DATELINE_BROWSER=1' }, () => {
	let site, srv, browser, storyPath, url;
	const errors = [];

	/* A new page in @ctx that records console errors and navigations. */
	async function openPage(ctx, name) {
		const page = await ctx.newPage();
		page.navigations = 0;
		page.on('console', (m) => {
			if (m.type() === 'error')
				errors.push(`${name} console: ${m.text()}`);
		});
		page.on('pageerror', (e) => errors.push(`${name} page error: ${e.message}`));
		page.on('requestfailed', (r) => {
			// Event streams are cut when a page closes; anything else is an error.
			if (!/\/events$/.test(r.url()))
				errors.push(`${name} request failed: ${r.url()} ${r.failure()?.errorText}`);
		});
		page.on('framenavigated', (f) => {
			if (f === page.mainFrame())
				page.navigations++;
		});
		return page;
	}

	/* Open the story in @page and wait until its live stream is connected. */
	async function openStory(page) {
		const stream = page.waitForResponse((r) => r.url().endsWith('/events'), { timeout: 10000 });
		const res = await page.goto(url, { waitUntil: 'load' });
		assert.equal(res.status(), 200);
		const ev = await stream;
		assert.equal(ev.status(), 200);
		assert.match(ev.headers()['content-type'], /^text\/event-stream/);
	}

	before(async () => {
		site = await makeSite();
		storyPath = await addArticle(site, {
			headline: 'Lighthouse keepers vote to stay on', slug: 'lighthouse-keepers',
			summary: 'The last keepers will remain.', author: 'Desk', section: 'World',
			published: '2024-06-07T08:09:10Z', status: 'published',
		}, 'The keepers voted on Tuesday.\n');
		srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
		url = srv.url + storyPath;
		browser = await launchBrowser();
	});

	after(async () => {
		try {
			if (browser)
				await browser.close();
			if (srv)
				assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM');
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	it('updates in place, live in a second page, with no console errors', async () => {
		const ctxA = await browser.newContext({ viewport: { width: 1000, height: 900 } });
		const ctxB = await browser.newContext();
		try {
			const a = await openPage(ctxA, 'reader A');
			const b = await openPage(ctxB, 'reader B');
			await openStory(a);
			await openStory(b);

			// The block, as assistive technology sees it.
			await a.getByRole('heading', { name: "What's Your Reaction?" }).waitFor();
			const names = await a.locator('.reactions button.reaction').evaluateAll((bs) =>
				bs.map((x) => x.getAttribute('data-reaction')));
			assert.deepEqual(names, KINDS);
			for (const label of LABELS) {
				const btn = a.getByRole('button', { name: new RegExp(`^${label}\\b`) });
				assert.equal(await btn.count(), 1, `one button named ${label}`);
				assert.equal(await btn.getAttribute('aria-pressed'), 'false');
				assert.equal(await btn.getByRole('img', { name: label }).count(), 1, `${label} icon has alt text`);
				const box = await btn.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0);
				assert.ok(box, `${label} icon loaded`);
			}
			assert.equal(await a.locator('.reactions meter').count(), 7);
			await expectBlock(a, {}, [], 'starts at zero');

			// No cookie before the first reaction.
			assert.deepEqual(await ctxA.cookies(), []);
			await a.evaluate(() => { window.__stayed = 'yes'; });
			const navs = a.navigations;

			// Click Lol: up by one and pressed, without leaving the page.
			await a.getByRole('button', { name: /^Lol\b/ }).click();
			let st = await expectBlock(a, { lol: 1 }, ['lol'], 'Lol counted');
			assert.equal(st.total, 1);
			assert.equal(st.shares.lol, 100);
			assert.equal(await a.evaluate(() => window.__stayed), 'yes', 'no page load happened');
			assert.equal(a.navigations, navs, 'no navigation');
			assert.equal(a.url(), url);
			const cookies = await ctxA.cookies();
			assert.equal(cookies.length, 1);
			assert.equal(cookies[0].name, 'dl_reader');
			assert.equal(cookies[0].httpOnly, true);
			assert.equal(cookies[0].sameSite, 'Lax');
			assert.equal(await a.evaluate(() => document.cookie), '', 'not readable from script');

			// Reader B sees it live, with nothing pressed.
			await expectBlock(b, { lol: 1 }, [], 'B sees Lol live');

			// Love moves it.
			await a.getByRole('button', { name: /^Love\b/ }).click();
			st = await expectBlock(a, { love: 1 }, ['love'], 'moved to Love');
			assert.equal(st.shares.love, 100);
			assert.equal(st.shares.lol, 0);
			await expectBlock(b, { love: 1 }, [], 'B sees the move live');

			// B reacts too; A sees it live and keeps its own pressed button.
			await b.getByRole('button', { name: /^Win\b/ }).click();
			await expectBlock(b, { love: 1, win: 1 }, ['win'], 'B counted');
			st = await expectBlock(a, { love: 1, win: 1 }, ['love'], 'A sees B live');
			assert.equal(st.shares.love, 50);
			assert.equal(st.total, 2);

			await fsp.mkdir(path.join(ROOT, 'test-results'), { recursive: true });
			await a.locator('#reactions').scrollIntoViewIfNeeded();
			await a.screenshot({ path: path.join(ROOT, 'test-results/reactions.png') });

			// Love again removes it.
			await a.getByRole('button', { name: /^Love\b/ }).click();
			st = await expectBlock(a, { win: 1 }, [], 'Love removed');
			await expectBlock(b, { win: 1 }, ['win'], 'B sees the removal live');
			assert.equal(await a.evaluate(() => window.__stayed), 'yes');
			assert.equal(a.navigations, navs, 'still no navigation');

			// A reload shows what the server stored, for each reader.
			await a.reload();
			await expectBlock(a, { win: 1 }, [], 'A after reload');
			await b.reload();
			await expectBlock(b, { win: 1 }, ['win'], 'B after reload');

			assert.deepEqual(errors, [], 'no console errors');
		} finally {
			await ctxA.close();
			await ctxB.close();
		}
	});

	it('works without JavaScript through the plain form', async () => {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		try {
			const p = await openPage(ctx, 'no-JS reader');
			await p.goto(url);
			const before = await blockState(p);
			await Promise.all([
				p.waitForURL(`${url}#reactions`),
				p.getByRole('button', { name: /^Geeky\b/ }).click(),
			]);
			await expectBlock(p, { ...before.counts, geeky: before.counts.geeky + 1 }, ['geeky'],
				'the form post counted Geeky');
			// Pressing it again (with the new, reader-bound token) removes it.
			await Promise.all([
				p.waitForResponse((r) => r.url().endsWith('/react/lighthouse-keepers')),
				p.getByRole('button', { name: /^Geeky\b/ }).click(),
			]);
			await p.waitForLoadState('load');
			await expectBlock(p, before.counts, [], 'the second press removed it');
			assert.deepEqual(errors, [], 'no console errors');
		} finally {
			await ctx.close();
		}
	});
});
