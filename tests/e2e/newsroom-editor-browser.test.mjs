// newsroom-editor-browser.test.mjs - the story editor in headless
// Chromium, fields found by their visible labels.  The live preview looks
// like the story page (a "##" heading styled as on the site, not as the
// preview's own label), and it and the Preview tab show the photo chosen
// before the first save.  An autosave that fails says so, keeps the text
// on the device, and the next open of the editor offers it back: Restore
// fills the form, Discard forgets it.  Runs only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { browserSite, browserLogIn, jpegWithGps, haveVips } from './newsroom-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

/* What makes a heading look like itself. */
const LOOK = ['fontFamily', 'fontSize', 'fontWeight', 'textTransform', 'letterSpacing', 'color'];
function look(el) {
	return el.evaluate((e, keys) => {
		const cs = getComputedStyle(e);
		return Object.fromEntries(keys.map((k) => [k, cs[k]]));
	}, LOOK);
}

describe('the story editor in a browser', { skip: (!enabled && 'set DATELINE_BROWSER=1 to run') ||
	(!haveVips() && 'no vips CLI') }, () => {
	let env, site, srv, browser;

	before(async () => {
		env = await browserSite([['ann@example.com', 'Ann Author', 'author']]);
		({ site, srv, browser } = env);
	});
	after(async () => {
		if (env)
			await env.close();
	});

	const logIn = (page) => browserLogIn(page, srv.url, 'ann@example.com');

	async function type(page, label, text) {
		await page.getByLabel(label, { exact: true }).focus();
		await page.keyboard.type(text);
	}

	it('the preview shows headings as the page does, and the chosen photo', async () => {
		const photo = path.join(site.dir, 'quay.jpg');
		fs.writeFileSync(photo, jpegWithGps(site.dir, 1200, 800, 1));
		const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
		const page = await ctx.newPage();
		try {
			await logIn(page);
			await page.goto(srv.url + '/newsroom/new');
			// No autosave in this test: it is about the unsaved story.
			await page.route('**/newsroom/save', (r) => r.request().postData()?.includes('autosave') ?
				r.abort() : r.continue());
			await type(page, 'Headline', 'Quay reopens');
			await type(page, 'Body', 'Crews worked overnight.\n\n## What happens next\n\nShips return.');
			await page.getByLabel('Lead photo', { exact: true }).setInputFiles(photo);
			await type(page, 'Caption', 'The quay at first light.');
			await type(page, 'Alt text', 'Bollards along an empty quay');
			const h2 = page.locator('#live-preview h2', { hasText: 'What happens next' });
			await h2.waitFor();
			const paneImg = page.locator('.nr-preview figure img');
			await paneImg.waitFor();
			assert.equal(await paneImg.evaluate((i) => i.decode().then(() => i.naturalWidth)), 1200,
				'the chosen file in the preview pane');
			assert.equal(await paneImg.getAttribute('alt'), 'Bollards along an empty quay');
			assert.equal(await page.locator('.nr-preview figcaption').textContent(), 'The quay at first light.');
			const paneLook = await look(h2);

			const [tab] = await Promise.all([ctx.waitForEvent('page'),
				page.getByRole('button', { name: 'Preview' }).click()]);
			await tab.waitForLoadState();
			const img = tab.locator('figure.lead-photo img');
			assert.equal(await img.getAttribute('alt'), 'Bollards along an empty quay');
			assert.equal(await img.evaluate((i) => i.decode().then(() => i.naturalWidth)), 1200,
				'the chosen photo in the Preview tab');
			assert.match(await tab.locator('figure.lead-photo figcaption').textContent(),
				/The quay at first light\./);
			const pageLook = await look(tab.locator('.story-body h2', { hasText: 'What happens next' }));
			assert.deepEqual(paneLook, pageLook, 'a ## heading looks the same in the pane and on the page');
			assert.notEqual(paneLook.textTransform, 'uppercase');
		} finally {
			await ctx.close();
		}
	});

	it('a failed autosave keeps the text on the device and offers it back', async () => {
		const ctx = await browser.newContext();
		let page = await ctx.newPage();
		try {
			await logIn(page);
			let tries = 0;
			// A connection that hangs a moment, then drops.
			await page.route('**/newsroom/save', async (r) => {
				tries++;
				await new Promise((done) => setTimeout(done, 1500));
				return r.abort('internetdisconnected');
			});
			await page.goto(srv.url + '/newsroom/new');
			await type(page, 'Headline', 'Night ferry cancelled');
			await type(page, 'Body', 'Gales kept the ferry in port.');
			const status = page.locator('.nr-autosave');
			await status.filter({ hasText: 'Saving…' }).waitFor({ timeout: 15000 });
			await status.filter({ hasText: 'Not saved — kept on this device' }).waitFor({ timeout: 15000 });
			assert.ok(tries >= 1, 'the autosave was tried');
			await page.close();

			// Reopen the editor of that (new, never saved) story.
			page = await ctx.newPage();
			await page.goto(srv.url + '/newsroom/new');
			const offer = page.getByRole('alert').filter({ hasText: 'kept a copy of this story' });
			await offer.waitFor();
			assert.equal(await page.getByLabel('Headline', { exact: true }).inputValue(), '');
			await page.getByRole('button', { name: 'Restore' }).click();
			assert.equal(await page.getByLabel('Headline', { exact: true }).inputValue(), 'Night ferry cancelled');
			assert.equal(await page.getByLabel('Body', { exact: true }).inputValue(), 'Gales kept the ferry in port.');
			assert.equal(await offer.count(), 0, 'the offer is gone');
			// With the connection back, the restored text saves itself and
			// the copy on the device goes.
			await page.unrouteAll();
			await page.locator('.nr-autosave', { hasText: 'Draft saved' }).waitFor({ timeout: 15000 });
			assert.match(page.url(), /\/newsroom\/stories\/\d+$/);
			assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'no copy left');

			// Discard: a copy that is offered and refused is forgotten.
			await page.route('**/newsroom/save', (r) => r.abort('internetdisconnected'));
			await type(page, 'Summary', 'Sailings resume tomorrow.');
			await page.locator('.nr-autosave', { hasText: 'Not saved — kept on this device' })
				.waitFor({ timeout: 15000 });
			const url = page.url();
			await page.close();
			page = await ctx.newPage();
			await page.goto(url);
			await page.getByRole('button', { name: 'Discard' }).click();
			assert.equal(await page.getByLabel('Summary', { exact: true }).inputValue(), '');
			await page.reload();
			assert.equal(await page.getByRole('button', { name: 'Restore' }).count(), 0);
			assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
		} finally {
			await ctx.close();
		}
	});
});
