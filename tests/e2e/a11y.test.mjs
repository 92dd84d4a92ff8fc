// a11y.test.mjs - every kind of page a reader or a reporter sees is valid
// HTML (the Nu Html Checker, vnu: 0 errors) and passes axe-core in
// Chromium (0 violations) at 1280 and 390 px wide, logged out and, for
// the account and newsroom pages, logged in as an admin.  Static pages
// too: a page with a child (its list and the footer's), and the
// newsroom's pages list and editor.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { addArticle, axeViolations, launchBrowser, makeSite, removeDir, request, startServer, tempDir,
	vnuErrors } from './lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

describe('valid and accessible pages', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, browser, editor, storyPath, dir, storyId;
	const publicPages = [];
	const editorPages = [];

	before(async () => {
		site = await makeSite();
		dir = await tempDir('dateline-a11y-');
		storyPath = await addArticle(site, {
			headline: 'Highland weavers bring a record-length textile to the capital',
			summary: 'Forty metres of hand-woven cloth went on show.',
			dateline: 'INVERNESS', photo: 'textile.jpg', alt: 'A long patterned textile on a loom.',
			caption: 'A file photo of a long patterned textile on a loom.',
			credit: 'Dateline Demo / Generated image', author: 'Morag Fraser',
			section: 'Culture', tags: 'crafts, textiles', published: '2025-11-24T14:00:00Z',
		}, 'The cloth took two winters to weave.\n\n## On show\n\nIt goes on show on Monday.\n');
		await addArticle(site, {
			headline: 'Harbour ferry timetable changes for winter', summary: 'Fewer crossings.',
			author: 'Desk', section: 'Local', tags: 'transport', published: '2025-11-20T08:00:00Z',
		}, 'The ferry runs every two hours.\n');
		await addUser(site.db, 'editor@example.com', 'Edna Editor', 'admin');
		srv = await startServer({ db: site.db });
		editor = await loginAs(srv.url, 'editor@example.com');
		const list = await editor.get('/newsroom');
		storyId = /\/newsroom\/stories\/(\d+)/.exec(list.text)?.[1];
		assert.ok(storyId, 'the newsroom lists a story');
		const savePage = async (fields) => {
			const r = await editor.submit('/newsroom/pages/new', '/newsroom/pages/save',
				{ id: '0', version: '0', action: 'publish', ...fields });
			const id = /^\/newsroom\/pages\/(\d+)\?done=/.exec(r.headers.location || '')?.[1];
			assert.ok(id, `page saved: ${r.status}`);
			return id;
		};
		const aboutId = await savePage({ title: 'About us', slug: 'about', parent: '0',
			body: 'We report on the Highlands.\n' });
		await savePage({ title: 'The team', slug: 'team', parent: aboutId, body: 'Who we are.\n' });
		publicPages.push('/', storyPath, '/section/culture/', '/tag/crafts/', '/author/Morag%20Fraser/',
			'/search', '/search?q=cloth', '/search?q=nothingmatchesthis', '/reactions/love/',
			'/account/login', '/account/signup', '/account/forgot', '/no-such-page/', '/about/',
			'/about/team/');
		editorPages.push('/account/', '/newsroom', '/newsroom/new', `/newsroom/stories/${storyId}`,
			`/newsroom/stories/${storyId}/revisions`, '/newsroom/users', '/newsroom/dashboard',
			'/newsroom/comments', '/newsroom/pages', '/newsroom/pages/new',
			`/newsroom/pages/${aboutId}`, storyPath);
		browser = await launchBrowser();
	});

	after(async () => {
		await browser?.close();
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
		if (dir)
			await removeDir(dir);
	});

	it('vnu finds no error in any page', async () => {
		const files = [];
		const fetchAll = async (pages, cookie) => {
			for (const p of pages) {
				const r = await request(srv.url + p, { headers: cookie ? { Cookie: cookie } : {} });
				assert.ok(r.status === 200 || r.status === 404, `${p}: ${r.status}`);
				const f = path.join(dir, `${files.length}.html`);
				await fsp.writeFile(f, r.text);
				files.push({ f, p: (cookie ? 'logged in ' : '') + p });
			}
		};
		await fetchAll(publicPages);
		await fetchAll(editorPages, editor.cookieHeader());
		// A control: the checker does see an error where there is one.
		const control = path.join(dir, 'control.html');
		await fsp.writeFile(control, '<!doctype html><html lang="en"><title>x</title><p><div></p>');
		const all = vnuErrors([...files.map((x) => x.f), control]);
		assert.ok(all.some((e) => e.startsWith('control.html: ')), 'vnu reports the control file');
		const named = all.filter((e) => !e.startsWith('control.html: ')).map((e) => {
			const name = e.slice(0, e.indexOf(':'));
			return `${files.find((x) => path.basename(x.f) === name)?.p}${e.slice(name.length)}`;
		});
		assert.deepEqual(named, []);
	});

	for (const width of [1280, 390]) {
		it(`axe finds no violation at ${width} px`, async () => {
			const problems = [];
			const check = async (pages, cookies) => {
				const ctx = await browser.newContext({ bypassCSP: true,
					viewport: { width, height: 900 } });
				if (cookies)
					await ctx.addCookies(cookies);
				const page = await ctx.newPage();
				for (const p of pages) {
					await page.goto(srv.url + p, { waitUntil: 'load' });
					for (const v of await axeViolations(page))
						problems.push(`${cookies ? 'logged in ' : ''}${p}: ${v}`);
				}
				await ctx.close();
			};
			await check(publicPages);
			await check(editorPages, [...editor.jar].map(([name, value]) =>
				({ name, value, url: srv.url })));
			assert.deepEqual(problems, []);
		});
	}
});
