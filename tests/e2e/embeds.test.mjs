// embeds.test.mjs - embeds without tracking, on both backends: a known
// provider's link alone on a line (or its <iframe>) becomes a placeholder
// with the provider's name and the link, the page's Content-Security-
// Policy allows frames from that provider only (and a page without an
// embed none), raw HTML leaves no "<!-- raw HTML omitted -->" behind, and
// the feeds carry the link.  In Chromium (DATELINE_BROWSER=1): nothing is
// requested from a provider until the reader presses "Load content from
// <provider>"; then the frame is made; with JavaScript off it is the link.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addArticle, get, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';

const BODY = [
	'The launch was filmed from the beach.',
	'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
	'<iframe src="https://player.vimeo.com/video/76979871" width="640"></iframe>',
	'<div class="raw">Kept words</div>',
	'A [link with words](https://youtu.be/dQw4w9WgXcQ) stays a link, as does https://example.org/clip.',
	'https://example.org/not-a-provider',
	'',
].join('\n\n');

const frameSrc = (csp) => (/frame-src ([^;]*)/.exec(csp || '') || [])[1] || null;

describe('embeds', () => {
	let site, srv;
	const url = {};

	before(async () => {
		site = await makeSite();
		url.embeds = await addArticle(site, { headline: 'Launch seen from the beach', slug: 'launch',
			section: 'Science', published: '2026-11-20T09:00:00Z', status: 'published' }, BODY);
		url.plain = await addArticle(site, { headline: 'No video here', slug: 'plain',
			section: 'Science', published: '2026-11-19T09:00:00Z', status: 'published' }, 'Text only.\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	it('a provider link or iframe becomes a placeholder; other links stay links', async () => {
		const r = await get(srv.url + url.embeds);
		assert.equal(r.status, 200);
		const figs = [...r.text.matchAll(/<figure class="embed [^"]*"[^>]*>[\s\S]*?<\/figure>/g)].map((m) => m[0]);
		assert.equal(figs.length, 2);
		assert.match(figs[0], /data-embed-src="https:\/\/www\.youtube-nocookie\.com\/embed\/dQw4w9WgXcQ"/);
		assert.match(figs[0], /<figcaption>YouTube<\/figcaption>/);
		assert.match(figs[0], /<a href="https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ">/);
		assert.match(figs[1], /data-embed-provider="Vimeo"/);
		assert.match(figs[1], /<a href="https:\/\/player\.vimeo\.com\/video\/76979871">/);
		assert.doesNotMatch(r.text, /<iframe/);
		assert.doesNotMatch(r.text, /raw HTML omitted/);
		assert.doesNotMatch(r.text, /class="raw"/);
		// An HTML block goes whole (as safe mode always dropped it), the text
		// after it stays.
		assert.doesNotMatch(r.text, /Kept words/);
		assert.match(r.text, /<a href="https:\/\/youtu\.be\/dQw4w9WgXcQ">link with words<\/a>/);
		assert.match(r.text, /<p><a href="https:\/\/example\.org\/not-a-provider">/);
	});

	it('the page allows frames of its providers only; a page without embeds none', async () => {
		for (let i = 0; i < 2; i++) {	// rendered, then from the page cache
			const r = await get(srv.url + url.embeds);
			const csp = r.headers['content-security-policy'];
			assert.deepEqual(frameSrc(csp).split(' ').sort(),
				['https://player.vimeo.com', 'https://www.youtube-nocookie.com']);
			assert.match(csp, /script-src 'self'/);
			assert.match(csp, /frame-ancestors 'none'/);
		}
		const plain = await get(srv.url + url.plain);
		assert.equal(frameSrc(plain.headers['content-security-policy']), null);
		assert.match(plain.headers['content-security-policy'], /default-src 'self'/);
		const front = await get(srv.url + '/');
		assert.equal(frameSrc(front.headers['content-security-policy']), null);
	});

	it('a full-content feed carries the placeholder with its link, never a frame', async () => {
		const full = await startServer({ db: site.db, args: ['--feed-content', 'full'] });
		let atom;
		try {
			atom = await get(full.url + '/atom.xml');
		} finally {
			await full.stop();
		}
		assert.equal(atom.status, 200);
		assert.match(atom.text, /&lt;figure class=&quot;embed embed-video&quot;/);
		assert.match(atom.text, /https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ/);
		assert.doesNotMatch(atom.text, /&lt;iframe/);
	});
});

describe('embeds in the browser', { skip: process.env.DATELINE_BROWSER !== '1' && 'set DATELINE_BROWSER=1' }, () => {
	let site, srv, browser, path;

	before(async () => {
		site = await makeSite();
		path = await addArticle(site, { headline: 'Launch seen from the beach', slug: 'launch',
			section: 'Science', published: '2026-11-20T09:00:00Z', status: 'published' }, BODY);
		srv = await startServer({ db: site.db });
		browser = await launchBrowser();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	it('nothing leaves for a provider until the reader asks; then its frame loads', async () => {
		const ctx = await browser.newContext();
		const foreign = [];
		// The machine has no way out: answer the provider's frame here.
		await ctx.route((u) => !u.href.startsWith(srv.url), (route) => {
			foreign.push(route.request().url());
			route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>player</title>' });
		});
		const page = await ctx.newPage();
		await page.goto(srv.url + path, { waitUntil: 'load' });
		await page.waitForTimeout(500);
		assert.deepEqual(foreign, [], 'no third-party request on load');
		assert.equal(await page.locator('iframe').count(), 0);
		const button = page.getByRole('button', { name: 'Load content from YouTube' });
		assert.ok(await button.isVisible());
		assert.match(await page.locator('figure.embed').first().textContent(),
			/Loading it connects you to YouTube, which may set cookies\./);
		await button.click();
		const frame = page.locator('figure.embed iframe');
		await frame.waitFor();
		assert.equal(await frame.getAttribute('src'), 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ');
		assert.equal(await frame.getAttribute('title'), 'Content from YouTube');
		await page.waitForFunction(() => document.querySelector('figure.embed iframe')
			.contentDocument === null);	// cross-origin: it loaded from the provider
		assert.deepEqual(foreign, ['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ']);
		// The other placeholder is still one, and its provider untouched.
		assert.ok(await page.getByRole('button', { name: 'Load content from Vimeo' }).isVisible());
		await ctx.close();
	});

	it('without JavaScript an embed is its link', async () => {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		const page = await ctx.newPage();
		await page.goto(srv.url + path);
		assert.equal(await page.locator('figure.embed button').count(), 0);
		assert.ok(await page.getByRole('link', { name: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' }).isVisible());
		await ctx.close();
	});
});
