// reach-sitemaps.test.mjs - /robots.txt, the sitemap index and every
// sitemap it lists, validated with xmllint against the sitemaps.org 0.9
// and Google News schemas (tests/data/sitemaps/); the split into files of
// at most 50,000 URLs on a site of 50,003 generated stories.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, get, makeSite, removeDir, request, startServer } from './lib.mjs';
import { bulkArticles, validateXml } from './reach-lib.mjs';

const locs = (xml) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

describe('sitemaps', () => {
	let site, srv;
	const paths = {};
	const now = Math.floor(Date.now() / 1000);

	before(async () => {
		site = await makeSite();
		paths.fresh = await addArticle(site, {
			headline: 'Fresh & "new" story', slug: 'fresh-story', section: 'World',
			tags: 'ports, Economy & Trade', published: iso(now - 3600), status: 'published',
		}, 'Body.\n');
		paths.old = await addArticle(site, {
			headline: 'Older story', slug: 'older-story', section: 'Business',
			published: '2024-01-02T03:04:05Z', status: 'published',
		}, 'Body.\n');
		await addArticle(site, {
			headline: 'A draft', slug: 'draft-story', section: 'Secret', tags: 'hidden',
			published: '2024-01-02T03:04:05Z', status: 'draft',
		}, 'Body.\n');
		await addArticle(site, {
			headline: 'Not yet', slug: 'future-story', section: 'World',
			published: iso(now + 86400 * 30), status: 'published',
		}, 'Body.\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	it('points robots.txt at the sitemaps', async () => {
		const r = await get(srv.url + '/robots.txt');
		assert.match(r.headers['content-type'], /^text\/plain/);
		assert.match(r.text, /^User-agent: \*$/m);
		assert.match(r.text, /^Disallow: \/account\/$/m);
		assert.ok(r.text.includes(`\nSitemap: ${srv.url}/sitemap.xml\n`));
		assert.ok(r.text.includes(`\nSitemap: ${srv.url}/sitemaps/news.xml\n`));
	});

	it('has a valid index whose every sitemap is valid and lists public pages only', async () => {
		const index = await get(srv.url + '/sitemap.xml');
		assert.match(index.headers['content-type'], /^application\/xml/);
		const v = await validateXml('siteindex.xsd', index.text);
		assert.ok(v.ok, v.message);
		const files = locs(index.text);
		assert.deepEqual(files, ['sections', 'articles-0', 'tags-0', 'news']
			.map((f) => `${srv.url}/sitemaps/${f}.xml`));
		assert.equal([...index.text.matchAll(/<lastmod>/g)].length, 4, 'each with lastmod');
		const all = [];
		for (const f of files) {
			const r = await get(f);
			const xsd = f.endsWith('news.xml') ? 'sitemap-with-news.xsd' : 'sitemap.xsd';
			const ok = await validateXml(xsd, r.text);
			assert.ok(ok.ok, `${f}: ${ok.message}`);
			all.push(...locs(r.text));
		}
		assert.deepEqual(all.sort(), [
			paths.fresh, paths.old, paths.fresh, // articles, then news
			'/section/business/', '/section/world/',
			'/tag/economy-trade/', '/tag/ports/',
		].map((p) => srv.url + p).sort());
	});

	it('gives stories their lastmod and a News entry for the last 48 hours', async () => {
		const arts = (await get(srv.url + '/sitemaps/articles-0.xml')).text;
		assert.match(arts, /<url><loc>[^<]*older-story\/<\/loc><lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/lastmod><\/url>/);
		const news = (await get(srv.url + '/sitemaps/news.xml')).text;
		assert.equal(locs(news).length, 1, 'only the fresh story');
		assert.match(news, /<news:name>Dateline<\/news:name><news:language>en<\/news:language>/);
		assert.ok(news.includes(`<news:publication_date>${iso(now - 3600)}</news:publication_date>`));
		assert.ok(news.includes('<news:title>Fresh &amp; &quot;new&quot; story</news:title>'));
		// The schema check is real: the News entries need their schema.
		assert.equal((await validateXml('sitemap.xsd', news)).ok, false);
	});

	it('answers 404 for sitemaps that do not exist', async () => {
		for (const f of ['articles-1.xml', 'articles-01.xml', 'articles-x.xml', 'tags-7.xml',
			'articles-99999999999.xml', 'other.xml', 'articles-.xml'])
			assert.equal((await request(`${srv.url}/sitemaps/${f}`)).status, 404, f);
	});
});

describe('sitemaps of a site over 50,000 stories', () => {
	let site, srv;

	before(async () => {
		site = await makeSite();
		await bulkArticles(site.db, { n: 50003 });
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site?.dir);
	});

	it('splits the stories into files of at most 50,000 URLs, each valid', async () => {
		const index = (await get(srv.url + '/sitemap.xml')).text;
		assert.ok((await validateXml('siteindex.xsd', index)).ok);
		const files = locs(index).filter((l) => /articles-/.test(l));
		assert.deepEqual(files, [0, 1].map((n) => `${srv.url}/sitemaps/articles-${n}.xml`));
		const counts = [];
		const seen = new Set();
		for (const f of files) {
			const r = await get(f, { headers: { 'accept-encoding': 'br' } });
			const xml = (await import('node:zlib')).brotliDecompressSync(r.body).toString();
			const v = await validateXml('sitemap.xsd', xml);
			assert.ok(v.ok, `${f}: ${v.message.slice(0, 300)}`);
			const l = locs(xml);
			counts.push(l.length);
			for (const u of l)
				seen.add(u);
		}
		assert.deepEqual(counts, [50000, 3]);
		assert.equal(seen.size, 50003, 'every story once');
		assert.ok(seen.has(`${srv.url}/bulk/2023/11/14/bulk-50003/`));
	});
});
