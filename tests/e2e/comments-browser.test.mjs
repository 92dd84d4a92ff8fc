// comments-browser.test.mjs - comments in a real browser (Chromium through
// playwright-core): log in through the story's "Log in to comment" link,
// post a comment, reply to it through the in-place form, see "Comments 2";
// a second browser context on the same story sees both comments arrive
// live, and the likes of a comment change live when another reader likes
// it.  Screenshot: test-results/comments.png.  Runs only when
// DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';
import { PW, addUser, api, loginAs, story } from './comments-lib.mjs';

const ENABLED = process.env.DATELINE_BROWSER === '1';

describe('comments in the browser', { skip: !ENABLED && 'set DATELINE_BROWSER=1' }, () => {
	let site, srv, browser, url;
	const errors = [];

	async function openPage(ctx, name) {
		const page = await ctx.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error')
				errors.push(`${name} console: ${m.text()}`);
		});
		page.on('pageerror', (e) => errors.push(`${name} page error: ${e.message}`));
		return page;
	}

	/* Go to the story and wait for its live stream. */
	async function openStory(page, query = '') {
		const stream = page.waitForResponse((r) => r.url().endsWith('/events'), { timeout: 10000 });
		const res = await page.goto(url + query, { waitUntil: 'load' });
		assert.equal(res.status(), 200);
		assert.equal((await stream).status(), 200);
	}

	const count = (page) => page.locator('#comments-heading [data-comment-count]').textContent();

	before(async () => {
		site = await makeSite();
		url = (await story(site, 'browser-comments', { headline: 'Ferry timetable changes in spring' }));
		await addUser(site.db, 'ann@example.com', 'Ann');
		await addUser(site.db, 'bob@example.com', 'Bob');
		srv = await startServer({ db: site.db, args: ['--comment-min-seconds', '0', '--comment-rate-limit', '1000'] });
		url = srv.url + url;
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

	it('log in, post, reply, count 2; a second context sees it live', async () => {
		const ctxA = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
		const ctxB = await browser.newContext();
		try {
			const a = await openPage(ctxA, 'reader A');
			const b = await openPage(ctxB, 'reader B');
			await openStory(b);
			assert.equal(await count(b), '0');

			await openStory(a);
			await a.getByRole('link', { name: 'Log in to comment' }).click();
			await a.getByLabel('Email').fill('ann@example.com');
			await a.getByLabel('Password').fill(PW);
			await Promise.all([a.waitForURL(/#comments$/), a.getByRole('button', { name: 'Log in' }).click()]);
			assert.equal(new URL(a.url()).pathname, new URL(url).pathname);

			await a.getByLabel('Comment', { exact: true }).fill('The *early* ferry matters most.');
			await Promise.all([a.waitForURL(/#comment-\d+$/), a.getByRole('button', { name: 'Post comment' }).click()]);
			assert.equal(await count(a), '1');
			await a.locator('.comment-body em', { hasText: 'early' }).waitFor();

			// Reader B sees it arrive without reloading.
			await b.locator('.comment-body', { hasText: 'ferry matters most' }).waitFor({ timeout: 5000 });
			assert.equal(await count(b), '1');

			// Reply: the form moves under the comment.
			await a.getByRole('link', { name: 'Reply' }).first().click();
			await a.locator('li.comment #comment-form').waitFor();
			assert.equal(await a.locator('[data-comment-replying]').textContent(), 'Replying to Ann');
			await a.getByLabel('Comment', { exact: true }).fill('Agreed, and the last one too.');
			await Promise.all([a.waitForURL(/#comment-\d+$/), a.getByRole('button', { name: 'Post comment' }).click()]);
			assert.equal(await count(a), '2');
			await a.locator('.comment-replies .comment-body', { hasText: 'last one too' }).waitFor();

			await b.locator('.comment-replies .comment-body', { hasText: 'last one too' }).waitFor({ timeout: 5000 });
			assert.equal(await count(b), '2');

			fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
			await a.locator('#comments').screenshot({ path: path.join(ROOT, 'test-results/comments.png') });
			assert.deepEqual(errors, []);
		} finally {
			await ctxA.close();
			await ctxB.close();
		}
	});

	it('"Show more comments" loads the next comments in place', async () => {
		const c = await loginAs(srv.url, 'ann@example.com');
		for (let i = 0; i < 20; i++) {
			const r = await api(c, 'POST', '/api/v1/articles/browser-comments/comments', { body: `More talk ${i}` });
			assert.equal(r.status, 201);
		}
		const ctx = await browser.newContext();
		try {
			const page = await openPage(ctx, 'reader C');
			await openStory(page);
			const top = page.locator('[data-comment-list] > li.comment');
			assert.equal(await top.count(), 20);
			let navigated = false;
			page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigated = true; });
			await page.getByRole('link', { name: 'Show more comments' }).click();
			await page.locator('.comment-body', { hasText: 'More talk 19' }).waitFor();
			assert.equal(await top.count(), 21);
			assert.equal(await page.getByRole('link', { name: 'Show more comments' }).count(), 0);
			assert.equal(navigated, false, 'loaded in place');
			assert.deepEqual(errors, []);
		} finally {
			await ctx.close();
		}
	});

	it('another reader\'s like changes the count on an open page', async () => {
		const ann = await loginAs(srv.url, 'ann@example.com');
		const bob = await loginAs(srv.url, 'bob@example.com');
		const made = await api(ann, 'POST', '/api/v1/articles/browser-comments/comments', { body: 'Like me live' });
		assert.equal(made.status, 201);
		const id = made.json.comment.id;
		const ctx = await browser.newContext();
		try {
			const page = await openPage(ctx, 'reader D');
			// The newest first: the comments above fill the first page.
			await openStory(page, '?csort=newest');
			const likes = page.locator(`#comment-${id} > .comment-box .comment-likes`);
			assert.equal((await likes.textContent()).trim(), '0 likes');
			assert.equal((await api(bob, 'PUT', `/api/v1/comments/${id}/like`)).status, 200);
			await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === '1 like',
				`#comment-${id} > .comment-box .comment-likes`, { timeout: 5000 });
			assert.equal(await likes.locator('[data-likes]').textContent(), '1');
			assert.equal((await api(bob, 'DELETE', `/api/v1/comments/${id}/like`)).status, 200);
			await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === '0 likes',
				`#comment-${id} > .comment-box .comment-likes`, { timeout: 5000 });
			assert.deepEqual(errors, []);
		} finally {
			await ctx.close();
		}
	});
});
