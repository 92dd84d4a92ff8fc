// updates.test.mjs - time, updates and corrections, on both backends: the
// story page gives its publication time with the time of day; a save of
// a published story tells readers nothing ("Updated", dateModified, the
// feeds' updated, the sitemap's lastmod stay the publication time) unless
// the editor marks it as an update; a correction is appended with its
// date, shown at the end of the story, in the feeds and in the JSON-LD,
// and marks an update; an autosave or a preview never adds one; front
// matter's `updated:` is an update.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addArticle, get, makeSite, removeDir, startServer } from './lib.mjs';
import { addUser, loginAs, saveStory } from './newsroom-lib.mjs';

const PUBLISHED = '2026-11-20T09:05:00Z';

/* The NewsArticle JSON-LD of a story page. */
function jsonld(html) {
	const m = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
	const all = JSON.parse(m[1]);
	return (Array.isArray(all) ? all : [all]).find((x) => x['@type'] === 'NewsArticle') ?? all;
}

/* The Atom entry's updated and summary for the story at @path. */
async function atomEntry(base, path) {
	const atom = (await get(base + '/atom.xml')).text;
	const e = [...atom.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1])
		.find((x) => x.includes(path));
	return { updated: /<updated>([^<]*)/.exec(e)[1], summary: /<summary[^>]*>([\s\S]*?)<\/summary>/.exec(e)[1] };
}

async function lastmod(base, path) {
	const map = (await get(base + '/sitemaps/articles-0.xml')).text;
	const u = [...map.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => m[1]).find((x) => x.includes(path));
	return /<lastmod>([^<]*)/.exec(u)[1];
}

describe('updates and corrections', () => {
	let site, srv, editor, path, id;

	before(async () => {
		site = await makeSite();
		path = await addArticle(site, { headline: 'Ferry service resumes', slug: 'ferry', section: 'Local',
			summary: 'Boats run again.', published: PUBLISHED, status: 'published' }, 'The first boat left at dawn.\n');
		await addUser(site.db, 'ed@example.org', 'Edna', 'editor');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000'] });
		editor = await loginAs(srv.url, 'ed@example.org');
		id = /\/newsroom\/stories\/(\d+)/.exec((await editor.get('/newsroom')).text)[1];
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	const save = (fields, action = 'save') => saveStory(editor, fields, action, `/newsroom/stories/${id}`);

	it('the story page gives the time of day of its publication', async () => {
		const html = (await get(srv.url + path)).text;
		const m = /<p class="byline">[\s\S]*?<time datetime="([^"]*)">([^<]*)<\/time>/.exec(html);
		assert.equal(m[1], PUBLISHED);
		assert.match(m[2], /20 November 2026.*09:05/);
		assert.doesNotMatch(html, /Updated/);
	});

	it('a save that is not marked as an update tells readers nothing', async () => {
		const r = await save({ body: 'The first boat left at dawn, on time.\n' });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const html = (await get(srv.url + path)).text;
		assert.match(html, /on time/);
		assert.doesNotMatch(html, /Updated/);
		assert.equal(jsonld(html).dateModified, PUBLISHED);
		assert.equal((await atomEntry(srv.url, path)).updated, PUBLISHED);
		assert.equal(await lastmod(srv.url, path), PUBLISHED);
	});

	it('a change marked as an update shows "Updated" with its time everywhere', async () => {
		const before = Date.now();
		const r = await save({ body: 'The first boat left at dawn. A second followed at noon.\n', mark_update: '1' });
		assert.equal(r.status, 303);
		const html = (await get(srv.url + path)).text;
		const m = /Updated <time datetime="([^"]*)">([^<]*)<\/time>/.exec(html);
		assert.ok(m, 'the page says Updated');
		const t = Date.parse(m[1]);
		assert.ok(t >= Math.floor(before / 1000) * 1000 && t <= Date.now(), m[1]);
		assert.match(m[2], /\d\d:\d\d/);
		assert.equal(jsonld(html).dateModified, m[1]);
		assert.equal(jsonld(html).datePublished, PUBLISHED);
		assert.equal((await atomEntry(srv.url, path)).updated, m[1]);
		assert.equal(await lastmod(srv.url, path), m[1]);
	});

	it('a correction is appended, dated, on the page, in the feeds and the JSON-LD', async () => {
		// Neither an autosave nor a preview adds one.
		const auto = await save({ correction: 'Not this one.' }, 'autosave');
		assert.ok(auto.status === 200 || auto.status === 303 || auto.status === 422, String(auto.status));
		const prev = await save({ correction: 'Nor this one.' }, 'preview');
		assert.equal(prev.status, 200);
		const first = 'An earlier version of this story gave the wrong pier.';
		assert.equal((await save({ correction: first })).status, 303);
		const second = 'It also misnamed the ferry "Saint Kilda".';
		assert.equal((await save({ correction: second })).status, 303);
		const html = (await get(srv.url + path)).text;
		assert.doesNotMatch(html, /Not this one|Nor this one/);
		const aside = /<aside class="corrections"[^>]*>([\s\S]*?)<\/aside>/.exec(html)[1];
		assert.match(aside, /<h2 id="corrections-heading">Corrections<\/h2>/);
		const items = [...aside.matchAll(/<li><p><time datetime="([^"]*)">[^<]*<\/time>: <span dir="auto">([^<]*)<\/span>/g)];
		assert.deepEqual(items.map((x) => x[2]), [first, 'It also misnamed the ferry &quot;Saint Kilda&quot;.']);
		const ld = jsonld(html);
		assert.deepEqual(ld.correction.map((c) => [c['@type'], c.text]),
			[['CorrectionComment', first], ['CorrectionComment', second]]);
		assert.equal(ld.correction[0].datePublished, items[0][1]);
		// A correction is an update.
		assert.equal(ld.dateModified, items[1][1]);
		const entry = await atomEntry(srv.url, path);
		assert.match(entry.summary, /Correction, [^:]*\d\d:\d\d[^:]*: An earlier version of this story gave the wrong pier\./);
		assert.equal(entry.updated, items[1][1]);
		const rss = (await get(srv.url + '/feed.xml')).text;
		assert.match(rss, /gave the wrong pier/);
	});

	it('a correction longer than its limit is refused, naming the field', async () => {
		const r = await save({ correction: 'x'.repeat(2001) });
		assert.equal(r.status, 422);
		assert.match(r.text, /Correction: use at most 2000 characters/);
	});

	it("front matter's updated: is an update readers are told of", async () => {
		const p = await addArticle(site, { headline: 'Pier repaired', slug: 'pier', section: 'Local',
			published: PUBLISHED, updated: '2026-11-21T16:30:00Z', status: 'published' }, 'Done.\n');
		const html = (await get(srv.url + p)).text;
		assert.match(html, /Updated <time datetime="2026-11-21T16:30:00Z">[^<]*16:30/);
		assert.equal(jsonld(html).dateModified, '2026-11-21T16:30:00Z');
	});
});
