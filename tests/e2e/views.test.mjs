// views.test.mjs - page views and "Most read", on both backends: a GET of
// a story page from a browser counts (200 and 304), robots, HEAD, "DNT: 1",
// "Sec-GPC: 1", prefetches and other pages do not; counts reach the
// database within the flush interval and at shutdown; the "Most read" box
// on the front and story pages follows the views without any content
// change; /metrics counts them; the newsroom dashboard shows views per story and day;
// --no-page-views counts nothing and shows no box.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addArticle, dbRowsSync, get, makeSite, metricSample, promtool, removeDir, request, sleep, startServer } from './lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
	'Chrome/120.0.0.0 Safari/537.36';

/* Each story's views as {slug: n}. */
function views(db) {
	const out = {};
	for (const [slug, n] of dbRowsSync(db, 'SELECT a.slug, sum(v.views) FROM page_views v ' +
		'JOIN articles a ON a.id = v.article_id GROUP BY a.slug'))
		out[slug] = Number(n);
	return out;
}

/* Wait until @cond() holds (polling), or fail saying @what. */
async function until(cond, what, ms = 10000) {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end)
			assert.fail(`${what} within ${ms} ms`);
		await sleep(50);
	}
}

/* The headlines of the "Most read" box of @html, in order. */
function mostRead(html) {
	const m = /<aside class="most-read"[^>]*>([\s\S]*?)<\/aside>/.exec(html);
	return m ? [...m[1].matchAll(/<a href="[^"]*"[^>]*>([^<]*)<\/a>/g)].map((x) => x[1]) : null;
}

const view = (url, headers = {}, method = 'GET') =>
	request(url, { method, headers: { 'User-Agent': BROWSER, ...headers } });

describe('page views', () => {
	let site, srv, alpha, beta, gamma;

	before(async () => {
		site = await makeSite();
		alpha = await addArticle(site, { headline: 'Alpha story', slug: 'alpha', status: 'published' }, 'A.\n');
		beta = await addArticle(site, { headline: 'Beta story', slug: 'beta', status: 'published' }, 'B.\n');
		gamma = await addArticle(site, { headline: 'Gamma story', slug: 'gamma', status: 'published' }, 'C.\n');
		await addUser(site.db, 'ed@example.com', 'Ed Editor', 'editor');
		srv = await startServer({ db: site.db, args: ['--page-views-flush', '100', '--login-rate-limit', '1000'] });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('a browser\'s GET counts; robots, HEAD, DNT, GPC and prefetches do not', async () => {
		for (let i = 0; i < 3; i++)
			assert.equal((await view(srv.url + alpha)).status, 200);
		const first = await view(srv.url + beta);
		assert.equal((await view(srv.url + beta, { 'If-None-Match': first.headers.etag })).status, 304);
		const skipped = [
			[{ 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }],
			[{ 'User-Agent': 'curl/8.5.0' }],
			[{ 'User-Agent': '' }],
			[{ DNT: '1' }],
			[{ 'Sec-GPC': '1' }],
			[{ 'Sec-Purpose': 'prefetch' }],
			[{}, 'HEAD'],
		];
		for (const [h, method] of skipped)
			await view(srv.url + gamma, h, method);
		await view(srv.url + '/');
		await view(srv.url + '/no/such/story/');
		await until(() => views(site.db).alpha === 3 && views(site.db).beta === 2, 'alpha 3 and beta 2 views');
		await sleep(300);	// a few more flushes: nothing else arrives
		assert.deepEqual(views(site.db), { alpha: 3, beta: 2 });
		const metrics = (await get(srv.url + '/metrics')).text;
		assert.equal(promtool(metrics).code, 0, promtool(metrics).out);
		assert.equal(metricSample(metrics, 'dateline_page_views_total'), 5);
		assert.equal(metricSample(metrics, 'dateline_page_views_dropped_total'), 0);
	});

	test('"Most read" on the front and story pages follows the views', async () => {
		let home;
		const end = Date.now() + 10000;
		for (;;) {
			home = (await get(srv.url + '/')).text;
			if (JSON.stringify(mostRead(home)) === JSON.stringify(['Alpha story', 'Beta story']))
				break;
			if (Date.now() > end)
				assert.fail(`the box: ${JSON.stringify(mostRead(home))}`);
			await sleep(100);
		}
		assert.match(home, /<aside class="most-read" aria-labelledby="most-read-heading">\n<h2 id="most-read-heading">Most read<\/h2>/);
		// Gamma overtakes: the cached pages change with no new content.
		for (let i = 0; i < 5; i++)
			await view(srv.url + gamma);
		const end2 = Date.now() + 10000;
		let story;
		for (;;) {
			story = (await get(srv.url + alpha)).text;
			if (JSON.stringify(mostRead(story)) === JSON.stringify(['Gamma story', 'Alpha story', 'Beta story']))
				break;
			if (Date.now() > end2)
				assert.fail(`the story page's box: ${JSON.stringify(mostRead(story))}`);
			await sleep(100);
		}
		assert.deepEqual(mostRead((await get(srv.url + '/')).text), ['Gamma story', 'Alpha story', 'Beta story']);
	});

	test('the dashboard shows views per story and day', async () => {
		const ed = await loginAs(srv.url, 'ed@example.com');
		const html = (await ed.get('/newsroom/dashboard')).text;
		const table = /<table class="nr-table nr-views">([\s\S]*?)<\/table>/.exec(html);
		assert.ok(table, 'a table of views');
		const today = new Date().toISOString().slice(0, 10);
		const heads = [...table[1].matchAll(/<time datetime="([\d-]+)">/g)].map((m) => m[1]);
		assert.equal(heads.length, 7);
		assert.equal(heads[6], today);
		const rows = [...table[1].matchAll(/<tr><th scope="row"><a href="[^"]*">([^<]*)<\/a><\/th>((?:<td class="num">\d+<\/td>)+)<\/tr>/g)]
			.map((m) => [m[1], [...m[2].matchAll(/>(\d+)</g)].map((x) => Number(x[1]))]);
		assert.deepEqual(rows.map((r) => r[0]), ['Gamma story', 'Alpha story', 'Beta story']);
		assert.deepEqual(rows[1][1], [0, 0, 0, 0, 0, 0, 3, 3], 'six empty days, today, the total');
	});

	test('counts still in memory are saved when the server stops', async () => {
		const slow = await startServer({ db: site.db, args: ['--page-views-flush', '600000'] });
		try {
			for (let i = 0; i < 4; i++)
				await view(slow.url + beta);
			await sleep(200);
			assert.equal(views(site.db).beta, 2, 'not flushed yet');
		} finally {
			await slow.stop();
		}
		assert.equal(views(site.db).beta, 6);
	});
});

describe('--no-page-views', () => {
	let site, srv, story;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, { headline: 'Quiet story', slug: 'quiet', status: 'published' }, 'Q.\n');
		srv = await startServer({ db: site.db, args: ['--no-page-views', '--page-views-flush', '100'] });
	});
	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('counts nothing and shows no box', async () => {
		for (let i = 0; i < 3; i++)
			assert.equal((await view(srv.url + story)).status, 200);
		await sleep(400);
		assert.deepEqual(views(site.db), {});
		assert.equal(mostRead((await get(srv.url + story)).text), null);
		assert.equal(mostRead((await get(srv.url + '/')).text), null);
	});
});
