// newsroom-resave.test.mjs - stories added with "article add" in the
// newsroom, and the dates they carry.  The demo story, a file with a photo
// and a caption but no alt, and an older story stored without alt text all
// open in the editor with an alt text (the file's, else the caption) and
// save unchanged.  Without "updated:" a story's Atom/RSS/JSON Feed
// updated, sitemap lastmod and JSON-LD dateModified are its publication
// time (not the time it was imported); with "updated:" they are that time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, makeSite, removeDir, startServer, request, dbSql, addArticle, addFile,
	tryAddArticle, decodeEntities } from './lib.mjs';
import { addUser, loginAs, saveStory, inputValue } from './newsroom-lib.mjs';

const DEMO = path.join(ROOT, 'demo/articles/harbour-cranes-return.md');

/* The <entry> of Atom feed @xml whose link ends in @pathname. */
function atomEntry(xml, pathname) {
	return xml.split('<entry>').find((e) => e.includes(`${pathname}"/>`));
}

describe('stories from article files in the newsroom', () => {
	let site, srv, ed;
	const paths = {};

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		const r = await addFile(site.db, DEMO);
		assert.equal(r.code, 0, r.stderr);
		paths.demo = r.stdout.trim();
		paths.noalt = await addArticle(site, { headline: 'Ferry timetable changes', slug: 'ferry-times',
			section: 'World', photo: 'harbour.jpg', caption: 'The ferry quay at first light.',
			published: '2026-11-21T06:00:00Z' }, 'New times from Monday.');
		paths.old = await addArticle(site, { headline: 'Quay repairs begin', slug: 'quay-repairs',
			section: 'World', photo: 'harbour.jpg', caption: 'Scaffolding on the old quay.',
			alt: 'Scaffolding', published: '2026-11-22T07:00:00Z' }, 'Work starts today.');
		paths.updated = await addArticle(site, { headline: 'Storm damage assessed', slug: 'storm-damage',
			section: 'World', published: '2026-11-23T08:00:00Z', updated: '2026-11-24T09:30:00Z' },
		'Engineers reported.');
		// As an older version left a story: a photo, no alt text.
		await dbSql(site.db, "UPDATE articles SET photo_alt = '' WHERE slug = 'quay-repairs'");
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000'] });
		ed = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		// Exits cleanly (no leak reports under ASan).
		assert.equal(await srv.stop(), 0);
		await removeDir(site.dir);
	});

	async function idOf(slug) {
		const rows = await dbSql(site.db, `SELECT id FROM articles WHERE slug = '${slug}'`);
		return Number(rows[0].id);
	}

	test('alt: comes from the file, else the caption; the page carries it', async () => {
		const demo = await request(srv.url + paths.demo);
		assert.match(demo.text, /<img[^>]* alt="Three container cranes reflected in still water under a dusk sky"/);
		const noalt = await request(srv.url + paths.noalt);
		assert.match(noalt.text, /<img[^>]* alt="The ferry quay at first light\."/);
	});

	test('updated is the publication time unless the file gives one', async () => {
		const pub = { demo: '2026-11-20T08:30:00Z', noalt: '2026-11-21T06:00:00Z' };
		const atom = (await request(srv.url + '/atom.xml')).text;
		const json = (await request(srv.url + '/feed.json')).text;
		const sitemap = (await request(srv.url + '/sitemaps/articles-0.xml')).text;
		for (const [k, t] of Object.entries(pub)) {
			const e = atomEntry(atom, paths[k]);
			assert.ok(e, `${k} in the Atom feed`);
			assert.match(e, new RegExp(`<updated>${t}</updated>`), `${k} Atom updated`);
			const item = JSON.parse(json).items.find((i) => i.url.endsWith(paths[k]));
			assert.equal(item.date_modified, t, `${k} JSON Feed date_modified`);
			assert.match(sitemap, new RegExp(`${paths[k]}</loc><lastmod>${t}</lastmod>`), `${k} lastmod`);
			const page = (await request(srv.url + paths[k])).text;
			assert.match(page, new RegExp(`"dateModified":"${t}"`), `${k} dateModified`);
		}
		const e = atomEntry(atom, paths.updated);
		assert.match(e, /<published>2026-11-23T08:00:00Z<\/published>/);
		assert.match(e, /<updated>2026-11-24T09:30:00Z<\/updated>/);
		assert.match(sitemap, new RegExp(`${paths.updated}</loc><lastmod>2026-11-24T09:30:00Z</lastmod>`));
		const page = (await request(srv.url + paths.updated)).text;
		assert.match(page, /"dateModified":"2026-11-24T09:30:00Z"/);
	});

	test('each opens in the editor with alt text and saves unchanged (after the dates are checked: a save is a change)', async () => {
		for (const [slug, alt] of [['harbour-cranes-return-to-work',
			'Three container cranes reflected in still water under a dusk sky'],
		['ferry-times', 'The ferry quay at first light.'], ['quay-repairs', 'Scaffolding on the old quay.']]) {
			const page = `/newsroom/stories/${await idOf(slug)}`;
			const p = await ed.get(page);
			assert.equal(p.status, 200, slug);
			assert.equal(inputValue(p.text, 'alt'), alt, slug);
			const r = await saveStory(ed, {}, 'save', page);
			assert.equal(r.status, 303, `${slug}: ${decodeEntities(r.text).match(/field-error">([^<]*)/)?.[1]}`);
			const rows = await dbSql(site.db, `SELECT photo_alt FROM articles WHERE slug = '${slug}'`);
			assert.equal(rows[0].photo_alt, alt, slug);
		}
	});

	test('a malformed updated:, or one before published:, is refused', async () => {
		const bad = await tryAddArticle(site, { headline: 'Bad date', slug: 'bad-date',
			published: '2026-11-23T08:00:00Z', updated: 'yesterday' }, 'Text.');
		assert.notEqual(bad.code, 0);
		assert.match(bad.stderr, /'updated' is not an ISO 8601 time/);
		const early = await tryAddArticle(site, { headline: 'Bad date', slug: 'bad-date',
			published: '2026-11-23T08:00:00Z', updated: '2026-11-22T08:00:00Z' }, 'Text.');
		assert.notEqual(early.code, 0);
		assert.match(early.stderr, /'updated' is before 'published'/);
	});
});
