// pages.test.mjs - static pages through the newsroom: an editor writes,
// publishes and nests pages; they answer at their paths (a child under
// its parent), are listed in the footer and the sitemap; a draft answers
// 404; changing a published page's slug or parent keeps its old address
// (and its children's) as a 301; authors write drafts of their own but do
// not publish; the site's own addresses are refused as slugs; a second
// save of an old version is refused.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeSite, removeDir, startServer, request } from './lib.mjs';
import { Client } from './accounts-lib.mjs';
import { addUser, loginAs, inputValue } from './newsroom-lib.mjs';

const FAST = ['--login-rate-limit', '1000'];

/* The page id the save answered with (303 to /newsroom/pages/ID?done=...). */
function pageId(res) {
	const m = /^\/newsroom\/pages\/(\d+)\?done=/.exec(res.headers.location || '');
	assert.ok(m, `saved: ${res.status} ${res.headers.location} ${res.text.slice(0, 300)}`);
	return Number(m[1]);
}

/* Save the page form of @page (the editor's address) with @fields. */
async function savePage(c, page, fields, action) {
	const form = await c.get(page);
	assert.equal(form.status, 200, `${page}: ${form.status}`);
	const current = {
		id: inputValue(form.text, 'id') || '0', version: inputValue(form.text, 'version') || '0',
		title: inputValue(form.text, 'title') || '', slug: inputValue(form.text, 'slug') || '',
		parent: (/<option value="(\d+)" selected>/.exec(form.text) || [0, '0'])[1],
		body: (/<textarea[^>]*name="body"[^>]*>([^<]*)<\/textarea>/.exec(form.text) || [0, ''])[1],
	};
	return c.submit(page, '/newsroom/pages/save', { ...current, ...fields, action });
}

describe('static pages in the newsroom', () => {
	let site, srv;
	const c = {};
	const ids = {};

	before(async () => {
		site = await makeSite();
		await Promise.all([
			addUser(site.db, 'author@example.com', 'Ann Author', 'author'),
			addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor'),
		]);
		srv = await startServer({ db: site.db, args: FAST });
		c.author = await loginAs(srv.url, 'author@example.com');
		c.editor = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('readers and strangers do not reach the pages of the newsroom', async () => {
		const anon = new Client(srv.url);
		for (const p of ['/newsroom/pages', '/newsroom/pages/new']) {
			const r = await anon.get(p);
			assert.equal(r.status, 303, p);
		}
	});

	test('an editor publishes a page and a child page; both answer at their paths', async () => {
		ids.about = pageId(await savePage(c.editor, '/newsroom/pages/new',
			{ title: 'About us', slug: 'about', body: 'We are a *newsroom*.' }, 'publish'));
		ids.team = pageId(await savePage(c.editor, '/newsroom/pages/new',
			{ title: 'The team', slug: 'team', parent: String(ids.about), body: 'Ann and Ed.' },
			'publish'));
		const about = await request(srv.url + '/about/');
		assert.equal(about.status, 200);
		assert.match(about.text, /<h1>About us<\/h1>/);
		assert.match(about.text, /We are a <em>newsroom<\/em>\./);
		assert.match(about.text, /<a href="\/about\/team\/">The team<\/a>/);
		const team = await request(srv.url + '/about/team/');
		assert.equal(team.status, 200);
		assert.match(team.text, /Ann and Ed\./);
		const bare = await request(srv.url + '/about/team');
		assert.equal(`${bare.status} ${bare.headers.location}`, '301 /about/team/');
	});

	test('the footer lists the top-level pages; the sitemap lists them all', async () => {
		const home = await request(srv.url + '/');
		const foot = home.text.split('<footer')[1];
		assert.match(foot, /<nav class="foot-pages" aria-label="Pages">/);
		assert.deepEqual([...foot.matchAll(/<li><a href="([^"]+)">([^<]+)</g)].map((m) => m.slice(1)),
			[['/about/', 'About us']]);
		const sm = await request(srv.url + '/sitemaps/pages.xml');
		assert.equal(sm.status, 200);
		assert.deepEqual([...sm.text.matchAll(/<loc>http:\/\/[^/]+([^<]*)<\/loc>/g)].map((m) => m[1]),
			['/about/', '/about/team/']);
	});

	test('a draft page is not on the site', async () => {
		ids.imprint = pageId(await savePage(c.editor, '/newsroom/pages/new',
			{ title: 'Imprint', body: 'Publisher: us.' }, 'save'));
		assert.equal((await request(srv.url + '/imprint/')).status, 404);
		const foot = (await request(srv.url + '/')).text.split('<footer')[1];
		assert.doesNotMatch(foot, /Imprint/);
	});

	test('a new slug keeps the old addresses (the child\'s too) as 301s', async () => {
		const r = await savePage(c.editor, `/newsroom/pages/${ids.about}`, { slug: 'company' }, 'save');
		assert.equal(pageId(r), ids.about);
		assert.equal((await request(srv.url + '/company/team/')).status, 200);
		for (const [from, to] of [['/about/', '/company/'], ['/about/team/', '/company/team/']]) {
			const old = await request(srv.url + from);
			assert.equal(`${old.status} ${old.headers.location}`, `301 ${to}`, from);
		}
		// Moved under another page: the chain goes straight to the newest address.
		await savePage(c.editor, `/newsroom/pages/${ids.imprint}`, {}, 'publish');
		await savePage(c.editor, `/newsroom/pages/${ids.team}`, { parent: String(ids.imprint) },
			'save');
		for (const from of ['/about/team/', '/company/team/']) {
			const old = await request(srv.url + from);
			assert.equal(`${old.status} ${old.headers.location}`, '301 /imprint/team/', from);
		}
	});

	test('an author writes a draft page but does not publish it', async () => {
		const id = pageId(await savePage(c.author, '/newsroom/pages/new',
			{ title: 'Contact', body: 'Write to us.' }, 'save'));
		const pub = await savePage(c.author, `/newsroom/pages/${id}`, {}, 'publish');
		assert.equal(pub.status, 403);
		assert.equal((await request(srv.url + '/contact/')).status, 404);
		// Another's page: not the author's to edit.
		assert.equal((await c.author.get(`/newsroom/pages/${ids.about}`)).status, 403);
		const list = await c.author.get('/newsroom/pages');
		assert.match(list.text, new RegExp(`href="/newsroom/pages/${id}">Contact<`));
		assert.doesNotMatch(list.text, new RegExp(`href="/newsroom/pages/${ids.about}"`));
	});

	test('the site\'s own addresses, a taken path and a loop are refused', async () => {
		const bad = await savePage(c.editor, '/newsroom/pages/new',
			{ title: 'Search', slug: 'search', body: 'x' }, 'save');
		assert.equal(bad.status, 422);
		assert.match(bad.text, /The site uses this address itself/);
		const taken = await savePage(c.editor, '/newsroom/pages/new',
			{ title: 'Another', slug: 'company', body: 'x' }, 'save');
		assert.equal(taken.status, 409);
		assert.match(taken.text, /Another page has this address/);
		const loop = await savePage(c.editor, `/newsroom/pages/${ids.imprint}`,
			{ parent: String(ids.team) }, 'save');
		assert.equal(loop.status, 422);
	});

	test('a save of an old version is refused, nothing written', async () => {
		const form = await c.editor.get(`/newsroom/pages/${ids.imprint}`);
		const version = inputValue(form.text, 'version');
		await savePage(c.editor, `/newsroom/pages/${ids.imprint}`, { body: 'First edit.' }, 'save');
		const stale = await savePage(c.editor, `/newsroom/pages/${ids.imprint}`,
			{ body: 'Second edit.', version }, 'save');
		assert.equal(stale.status, 409);
		assert.match(stale.text, /Someone else saved this page/);
		assert.match((await request(srv.url + '/imprint/')).text, /First edit\./);
	});
});
