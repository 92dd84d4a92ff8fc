// layout-browser.test.mjs - the reader's and the newsroom's layout,
// measured in headless Chromium: the comments as wide as the story
// column; the seven reactions in one row at 1280 px and four and three on
// a 390 px phone; the masthead marks the section a page is in
// (aria-current, underlined); the newsroom's story list leaves the page
// unscrolled sideways at 375 px; the newsroom's fields in dark mode are
// dark with light text; a printed story keeps headline, byline,
// dateline, photo and body and drops the masthead, search box, reactions,
// comments and links to more.  Screenshots of each in test-results/layout-*.png.
// Runs only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';
import { saveStory, storyId } from './newsroom-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';
const SHOTS = path.join(ROOT, 'test-results');

/* WCAG contrast ratio of two "rgb(r, g, b)" colours. */
function contrast(a, b) {
	const lum = (c) => {
		const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
			const s = v / 255;
			return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

describe('layout', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, browser, story, editorCookies, revised;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, {
			headline: 'Desert relay: amateur club upsets favourites over 160 km of dunes',
			summary: 'A team of teachers won the overnight relay.', dateline: 'MUSCAT',
			photo: 'dunes.jpg', alt: 'Dunes at dusk.', caption: 'Dunes at dusk.',
			author: 'Leila Mansour', section: 'Sport', tags: 'running, desert',
			published: '2025-11-26T18:45:00Z',
		}, 'For most of the night it looked like a procession.\n\nThen the leaders lost their way.\n');
		for (let i = 0; i < 4; i++)
			await addArticle(site, {
				headline: `A rather long headline about the harbour authority's winter plans, part ${i}`,
				summary: 'More.', author: 'Desk Reporter With A Long Name', section: 'World',
				published: `2025-11-2${i}T08:00:00Z`,
			}, 'Text.\n');
		await addUser(site.db, 'editor@example.com', 'Edna Editor', 'admin');
		srv = await startServer({ db: site.db });
		const editor = await loginAs(srv.url, 'editor@example.com');
		/* a story saved twice, so that it has revisions to compare */
		revised = storyId(await saveStory(editor, { headline: 'Harbour authority revises its winter plans',
			section: 'World', body: 'First version.\n' }));
		await saveStory(editor, { body: 'Second version.\n' }, 'save', `/newsroom/stories/${revised}`);
		editorCookies = [...editor.jar].map(([name, value]) => ({ name, value, url: srv.url }));
		browser = await launchBrowser();
		fs.mkdirSync(SHOTS, { recursive: true });
	});

	after(async () => {
		await browser?.close();
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	async function open(url, { width = 1280, cookies, colorScheme = 'light' } = {}) {
		const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
		if (cookies)
			await ctx.addCookies(cookies);
		const page = await ctx.newPage();
		await page.goto(srv.url + url, { waitUntil: 'load' });
		return { ctx, page };
	}

	const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `layout-${name}.png`),
		fullPage: true });

	it('the comments are as wide as the story column', async () => {
		for (const width of [1280, 390]) {
			const { ctx, page } = await open(story, { width });
			const w = await page.evaluate(() => ({
				column: document.querySelector('.story-page').getBoundingClientRect().width,
				body: document.querySelector('.story-body').getBoundingClientRect().width,
				reactions: document.querySelector('.reactions').getBoundingClientRect().width,
				comments: document.querySelector('.comments').getBoundingClientRect().width,
			}));
			assert.ok(Math.abs(w.comments - w.body) < 1, `${width} px: comments ${w.comments}, body ${w.body}`);
			assert.ok(Math.abs(w.comments - w.reactions) < 1, `${width} px: comments ${w.comments}, reactions ${w.reactions}`);
			assert.ok(Math.abs(w.comments - w.column) < 1, `${width} px: comments ${w.comments}, column ${w.column}`);
			await shot(page, `story-${width}`);
			await ctx.close();
		}
	});

	it('the reactions are one row at 1280 px, four and three at 390 px', async () => {
		for (const [width, want] of [[1280, [7]], [390, [4, 3]], [360, [4, 3]]]) {
			const { ctx, page } = await open(story, { width });
			const rows = await page.evaluate(() => {
				const tops = new Map();
				for (const b of document.querySelectorAll('.reaction-list .reaction')) {
					const t = Math.round(b.getBoundingClientRect().top);
					tops.set(t, (tops.get(t) || 0) + 1);
				}
				return [...tops.keys()].sort((a, b) => a - b).map((t) => tops.get(t));
			});
			assert.deepEqual(rows, want, `${width} px: buttons per row`);
			const fits = await page.evaluate(() => [...document.querySelectorAll('.reaction-list .reaction')]
				.every((b) => b.scrollWidth <= b.clientWidth + 1));
			assert.ok(fits, `${width} px: every button's content fits it`);
			await ctx.close();
		}
	});

	it('the masthead marks the current section, underlined', async () => {
		const { ctx, page } = await open('/section/sport/');
		const nav = async () => page.evaluate(() => [...document.querySelectorAll('.sections a')].map((a) => ({
			text: a.textContent, current: a.getAttribute('aria-current'),
			shadow: getComputedStyle(a).boxShadow, color: getComputedStyle(a).color,
		})));
		let links = await nav();
		const sport = links.find((l) => l.text === 'Sport');
		const world = links.find((l) => l.text === 'World');
		assert.equal(sport.current, 'page');
		assert.equal(world.current, null);
		assert.notEqual(sport.shadow, 'none', 'the current section is underlined');
		assert.equal(world.shadow, 'none');
		assert.notEqual(sport.color, world.color);
		/* a story's page: its section is the one the reader is in */
		await page.goto(srv.url + story, { waitUntil: 'load' });
		links = await nav();
		assert.equal(links.find((l) => l.text === 'Sport').current, 'true');
		assert.equal(links.find((l) => l.text === 'World').current, null);
		assert.notEqual(links.find((l) => l.text === 'Sport').shadow, 'none');
		await ctx.close();
	});

	it('the newsroom story list and revisions do not scroll the page sideways at 375 px', async () => {
		const { ctx, page } = await open('/newsroom', { width: 375, cookies: editorCookies });
		assert.ok(await page.locator('.nr-table').count(), 'the story table is there');
		const w = await page.evaluate(() => ({
			doc: document.documentElement.scrollWidth,
			body: document.body.scrollWidth,
			table: document.querySelector('.nr-table').getBoundingClientRect().right,
		}));
		assert.ok(w.doc <= 375, `document scrollWidth ${w.doc}`);
		assert.ok(w.body <= 375, `body scrollWidth ${w.body}`);
		assert.ok(w.table <= 375, `the table ends at ${w.table}`);
		await shot(page, 'newsroom-375');
		await page.goto(`${srv.url}/newsroom/stories/${revised}/revisions`, { waitUntil: 'load' });
		assert.ok(await page.locator('.nr-table input[type="radio"]').count() >= 4, 'two revisions to compare');
		const doc = await page.evaluate(() => document.documentElement.scrollWidth);
		const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > 376 && !e.closest('.nr-table')).slice(0, 4)
			.map((e) => `${e.tagName}.${e.className} ${getComputedStyle(e).display}`).join(', '));
		assert.ok(doc <= 375, `revisions: document scrollWidth ${doc} (${wide})`);
		await ctx.close();
	});

	it('the newsroom editor and a reader\'s form in dark mode: dark fields with light text', async () => {
		const { ctx, page } = await open('/newsroom/new', { cookies: editorCookies, colorScheme: 'dark' });
		await page.emulateMedia({ colorScheme: 'dark' });
		const fields = await page.evaluate(() => [...document.querySelectorAll(
			'.newsroom textarea, .newsroom input[type="text"], .newsroom input:not([type]), .newsroom select')]
			.map((e) => ({ id: e.id, bg: getComputedStyle(e).backgroundColor, fg: getComputedStyle(e).color })));
		const page_bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		assert.ok(fields.some((f) => f.id === 'body'), 'the body textarea is measured');
		for (const f of fields) {
			assert.ok(contrast(f.bg, f.fg) >= 4.5, `#${f.id}: ${f.fg} on ${f.bg}`);
			assert.ok(contrast(f.bg, 'rgb(255, 255, 255)') > 4.5, `#${f.id}: background ${f.bg} is dark`);
		}
		assert.ok(contrast(page_bg, 'rgb(255, 255, 255)') > 4.5, 'the page is dark');
		const buttons = await page.evaluate(() => [...document.querySelectorAll('.newsroom button, .newsroom .button')]
			.map((e) => ({ text: e.textContent.trim(), bg: getComputedStyle(e).backgroundColor,
				fg: getComputedStyle(e).color })));
		assert.ok(buttons.length >= 3, 'the editor\'s buttons are measured');
		for (const b of buttons.filter((x) => !/rgba\(0, 0, 0, 0\)/.test(x.bg)))
			assert.ok(contrast(b.bg, b.fg) >= 4.5, `button ${b.text}: ${b.fg} on ${b.bg}`);
		await shot(page, 'newsroom-dark');
		await ctx.close();
		/* a reader's form too: the log-in page */
		const login = await open('/account/login', { colorScheme: 'dark' });
		const els = await login.page.evaluate(() => [...document.querySelectorAll('main input:not([type="hidden"]), main button')]
			.map((e) => ({ tag: e.tagName, bg: getComputedStyle(e).backgroundColor, fg: getComputedStyle(e).color })));
		assert.ok(els.some((e) => e.tag === 'INPUT') && els.some((e) => e.tag === 'BUTTON'), 'fields and a button');
		for (const e of els)
			assert.ok(contrast(e.bg, e.fg) >= 4.5, `log in ${e.tag}: ${e.fg} on ${e.bg}`);
		for (const e of els.filter((x) => x.tag === 'INPUT'))
			assert.ok(contrast(e.bg, 'rgb(255, 255, 255)') > 4.5, `log in field ${e.bg} is dark`);
		await login.ctx.close();
	});

	it('a printed story keeps its text and photo, without the page around it', async () => {
		const { ctx, page } = await open(story);
		const shown = () => page.evaluate(() => {
			const out = {};
			for (const sel of ['.masthead', '.site-search', '.reactions', '.comments', '.comment-link',
				'.read-next', '.site-foot', '.story-head h1', '.byline', '.dateline', '.lead-photo img',
				'.story-body']) {
				const e = document.querySelector(sel);
				out[sel] = e ? e.getClientRects().length > 0 &&
					getComputedStyle(e).visibility !== 'hidden' : null;
			}
			return out;
		});
		const screen = await shown();
		assert.equal(screen['.masthead'], true);
		assert.equal(screen['.reactions'], true);
		assert.equal(screen['.comments'], true);
		await page.emulateMedia({ media: 'print' });
		const print = await shown();
		for (const sel of ['.masthead', '.site-search', '.reactions', '.comments', '.site-foot'])
			assert.equal(print[sel], false, `${sel} is not printed`);
		if (print['.read-next'] !== null)
			assert.equal(print['.read-next'], false, '.read-next is not printed');
		for (const sel of ['.story-head h1', '.byline', '.dateline', '.lead-photo img', '.story-body'])
			assert.equal(print[sel], true, `${sel} is printed`);
		await shot(page, 'story-print');
		await ctx.close();
	});
});
