// newsroom.test.mjs - the newsroom end to end: who may do what (reader,
// author, editor, admin against each action), draft -> preview -> publish
// -> on the front page, unpublish -> 410 for readers, the scheduler
// publishing at a time in the site's time zone, the refused second save
// of a story edited by two people, revisions with diff and restore, user
// roles, the dashboard (most reacted with a chart, most commented), comment
// counts in the list, and lead photos: a JPEG with EXIF GPS comes
// out upright, without metadata, with responsive copies in srcset; a text
// file, a truncated JPEG and an over-size file are refused, leaving
// nothing behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isPg, makeSite, removeDir, startServer, request, sleep, runCli, decodeEntities } from './lib.mjs';
import { Client, mainText, sql, haveSqlite3 } from './accounts-lib.mjs';
import { addUser, loginAs, postMultipart, saveStory, storyId, editorFields, jpegWithGps,
	vipsFields, haveVips } from './newsroom-lib.mjs';

const FAST = ['--login-rate-limit', '1000'];
const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '/');

describe('the newsroom', { skip: !haveSqlite3() && 'no sqlite3 shell' }, () => {
	let site, srv;
	const c = {};

	before(async () => {
		site = await makeSite();
		await Promise.all([
			addUser(site.db, 'reader@example.com', 'Rita Reader', 'reader'),
			addUser(site.db, 'author@example.com', 'Ann Author', 'author'),
			addUser(site.db, 'other@example.com', 'Otto Other', 'author'),
			addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor'),
			addUser(site.db, 'editor2@example.com', 'Eve Editor', 'editor'),
			addUser(site.db, 'admin@example.com', 'Ada Admin', 'admin'),
		]);
		srv = await startServer({ db: site.db, args: [...FAST, '--upload-limit', '2',
			'--time-zone', 'Asia/Tokyo'] });
		for (const [k, e] of [['reader', 'reader'], ['author', 'author'], ['other', 'other'],
			['editor', 'editor'], ['editor2', 'editor2'], ['admin', 'admin']])
			c[k] = await loginAs(srv.url, `${e}@example.com`);
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('logged-out visitors are sent to log in, readers get 403', async () => {
		const anon = new Client(srv.url);
		for (const p of ['/newsroom', '/newsroom/new', '/newsroom/dashboard', '/newsroom/users']) {
			const r = await anon.get(p);
			assert.equal(r.status, 303, p);
			assert.equal(r.headers.location, `/account/login?next=${encodeURIComponent(p)}`);
			const rr = await c.reader.get(p);
			assert.equal(rr.status, 403, `reader ${p}`);
		}
		const post = await c.reader.post('/newsroom/save', { action: 'save' });
		assert.equal(post.status, 403);
	});

	test('the shell: navigation by role, labelled editor fields and buttons', async () => {
		const a = await c.author.get('/newsroom/new');
		assert.equal(a.status, 200);
		assert.equal(a.headers['cache-control'], 'no-store');
		for (const l of ['Headline', 'Slug', 'Summary', 'Dateline', 'Section', 'Tags', 'Byline',
			'Body', 'Lead photo', 'Caption', 'Credit', 'Alt text'])
			assert.match(a.text, new RegExp(`<label for="[^"]+">${l}</label>`), l);
		assert.match(a.text, /enctype="multipart\/form-data"/);
		assert.match(a.text, />Save draft</);
		assert.match(a.text, />Preview</);
		assert.match(a.text, />Submit for review</);
		assert.doesNotMatch(a.text, /value="publish"/, 'authors do not get Publish');
		assert.doesNotMatch(a.text, /href="\/newsroom\/users"/, 'authors do not see Users');
		const e = await c.editor.get('/newsroom/new');
		for (const b of ['Save draft', 'Preview', 'Publish', 'Schedule'])
			assert.match(e.text, new RegExp(`>${b}</button>`), b);
		assert.match(e.text, /href="\/newsroom\/comments">Comments</);
		assert.doesNotMatch(e.text, /href="\/newsroom\/users"/);
		const ad = await c.admin.get('/newsroom');
		for (const [h, t] of [['/newsroom', 'Stories'], ['/newsroom/new', 'New story'],
			['/newsroom/dashboard', 'Dashboard'], ['/newsroom/comments', 'Comments'],
			['/newsroom/users', 'Users']])
			assert.match(ad.text, new RegExp(`href="${h}"[^>]*>${t}<`), t);
	});

	test('authors write and submit; only editors publish; authors edit only their own', async () => {
		const r = await saveStory(c.author, { headline: 'Harbour cranes stand idle',
			body: 'The port is *quiet*.', section: 'Business', tags: 'Ports, Strikes' });
		assert.equal(r.status, 303);
		const id = storyId(r);
		assert.match(r.headers.location, /done=save$/);
		let page = await c.author.get(`/newsroom/stories/${id}`);
		assert.match(page.text, /Status: <strong[^>]*>Draft</);
		// Publishing is refused to an author, and nothing changes.
		let p = await saveStory(c.author, {}, 'publish', `/newsroom/stories/${id}`);
		assert.equal(p.status, 403);
		assert.match(mainText(p.text), /Only editors publish/);
		assert.equal(sql(site.db, `SELECT stage, status FROM articles WHERE id = ${id}`)[0].join(), '0,0');
		p = await saveStory(c.author, {}, 'ready', `/newsroom/stories/${id}`);
		assert.equal(p.status, 303);
		assert.equal(sql(site.db, `SELECT stage, status FROM articles WHERE id = ${id}`)[0].join(), '2,0');
		// Another author may not open or save it.
		assert.equal((await c.other.get(`/newsroom/stories/${id}`)).status, 403);
		const f = editorFields(page.text);
		f.csrf = (await import('./accounts-lib.mjs')).csrfOf((await c.other.get('/newsroom/new')).text,
			'/newsroom/save');
		const steal = await postMultipart(c.other, '/newsroom/save', { ...f, headline: 'Mine now',
			action: 'save' });
		assert.equal(steal.status, 403);
		assert.equal(sql(site.db, `SELECT headline FROM articles WHERE id = ${id}`)[0][0],
			'Harbour cranes stand idle');
		// The list shows it with its status; filters work.
		const list = await c.editor.get('/newsroom?status=ready');
		assert.match(list.text, /Harbour cranes stand idle/);
		assert.match(list.text, /Ready for review/);
		assert.doesNotMatch((await c.editor.get('/newsroom?status=published')).text,
			/Harbour cranes stand idle/);
		assert.match((await c.editor.get('/newsroom?q=CRANES')).text, /Harbour cranes/);
		assert.doesNotMatch((await c.editor.get('/newsroom?q=zebra')).text, /Harbour cranes/);
		assert.match((await c.editor.get('/newsroom?author=Ann%20Author&section=business')).text,
			/Harbour cranes/);
		assert.equal((await c.editor.get('/newsroom?status=bogus')).status, 400);
		assert.equal((await c.editor.get('/newsroom?before=x.1')).status, 400);
		// Pages of 50, newest change first, filters kept on the next page.
		for (let i = 0; i < 51; i++)
			await saveStory(c.other, { headline: `Filler ${i}`, body: 'x', section: 'Filler' });
		const p1 = await c.editor.get('/newsroom?section=filler');
		assert.equal([...p1.text.matchAll(/>Filler \d+</g)].length, 50);
		assert.match(p1.text, />Filler 50</);
		const older = /href="([^"]+)" rel="next">Older stories/.exec(p1.text);
		assert.ok(older);
		const p2 = await c.editor.get(decodeEntities(older[1]));
		const rest = [...p2.text.matchAll(/>Filler (\d+)</g)].map((m) => m[1]);
		assert.deepEqual(rest, ['0']);
		assert.doesNotMatch(p2.text, /Older stories/);
		// Without a token the save is refused.
		const forged = await postMultipart(c.editor, '/newsroom/save', { ...f, csrf: 'x', action: 'save' });
		assert.equal(forged.status, 403);
	});

	test('draft -> preview -> publish -> on the front page; unpublish -> 410 for readers', async () => {
		const r = await saveStory(c.editor, { headline: 'Council approves the budget',
			dateline: 'LYON', summary: 'A late vote.', section: 'Politics',
			body: 'The vote was **close**.\n\nSecond paragraph.' });
		const id = storyId(r);
		const home0 = await request(srv.url + '/');
		assert.doesNotMatch(home0.text, /Council approves the budget/);
		// Preview: the public page's template, not saved.
		const pv = await saveStory(c.editor, { body: 'The vote was **very close**.' }, 'preview',
			`/newsroom/stories/${id}`);
		assert.equal(pv.status, 200);
		assert.match(pv.text, /class="story-page"/);
		assert.match(pv.text, /<strong>very close<\/strong>/);
		assert.match(pv.text, /Preview/);
		assert.match(sql(site.db, `SELECT body FROM articles WHERE id = ${id}`)[0][0], /\*\*close\*\*/);
		const pub = await saveStory(c.editor, {}, 'publish', `/newsroom/stories/${id}`);
		assert.equal(pub.status, 303);
		assert.match(pub.headers.location, /done=publish/);
		const home = await request(srv.url + '/');
		assert.match(home.text, /Council approves the budget/);
		const url = `/politics/${today()}/council-approves-the-budget/`;
		const story = await request(srv.url + url);
		assert.equal(story.status, 200);
		assert.match(story.text, /<strong>close<\/strong>/);
		const un = await saveStory(c.editor, {}, 'unpublish', `/newsroom/stories/${id}`);
		assert.equal(un.status, 303);
		const gone = await request(srv.url + url);
		assert.equal(gone.status, 410);
		assert.match(mainText(gone.text), /withdrawn/);
		assert.doesNotMatch(gone.text, /The vote was/);
		assert.doesNotMatch((await request(srv.url + '/')).text, /Council approves the budget/);
		// Drafts are not told apart from stories that never were.
		assert.equal((await request(`${srv.url}/news/${today()}/harbour-cranes-stand-idle/`)).status, 404);
		const list = await c.editor.get('/newsroom?status=unpublished');
		assert.match(list.text, /Council approves the budget/);
	});

	test('a story scheduled in the site time zone appears at its time', async () => {
		const r = await saveStory(c.editor, { headline: 'Night train returns', body: 'All aboard.' });
		const id = storyId(r);
		// A whole second about three seconds from now, as a Tokyo wall
		// clock (UTC+9, no DST).
		const due = Math.floor(Date.now() / 1000) * 1000 + 3000;
		const when = new Date(due + 9 * 3600 * 1000).toISOString().slice(0, 19);
		const past = await saveStory(c.editor, { when: '2001-01-01T10:00' }, 'schedule',
			`/newsroom/stories/${id}`);
		assert.equal(past.status, 422);
		assert.match(mainText(past.text), /Choose a time in the future/);
		const s = await saveStory(c.editor, { when }, 'schedule', `/newsroom/stories/${id}`);
		assert.equal(s.status, 303);
		const row = sql(site.db, `SELECT stage, status, published FROM articles WHERE id = ${id}`)[0];
		assert.equal(row[0], '3');
		assert.equal(row[1], '0');
		assert.equal(Number(row[2]) * 1000, due, 'the time was read as Tokyo time');
		assert.doesNotMatch((await request(srv.url + '/')).text, /Night train returns/);
		const page = await c.editor.get(`/newsroom/stories/${id}`);
		assert.match(page.text, /Scheduled<\/strong> for \d{4}-\d\d-\d\d \d\d:\d\d JST/);
		let seen = false;
		for (let i = 0; i < 40 && !seen; i++) {
			await sleep(250);
			seen = /Night train returns/.test((await request(srv.url + '/')).text);
		}
		assert.ok(seen, 'published by the scheduler');
		assert.equal(sql(site.db, `SELECT stage, status FROM articles WHERE id = ${id}`)[0].join(), '1,1');
		assert.ok(Date.now() >= due, 'not before its time');
	});

	test('the second of two concurrent saves is refused and overwrites nothing', async () => {
		const r = await saveStory(c.editor, { headline: 'Bridge reopens', body: 'Line one.' });
		const id = storyId(r);
		const a = await c.editor.get(`/newsroom/stories/${id}`);
		const b = await c.editor2.get(`/newsroom/stories/${id}`);
		const first = await postMultipart(c.editor, '/newsroom/save', { ...editorFields(a.text),
			body: 'Line one, edited by Ed.', action: 'save' });
		assert.equal(first.status, 303);
		const second = await postMultipart(c.editor2, '/newsroom/save', { ...editorFields(b.text),
			body: 'Line one, edited by Eve.', action: 'save' });
		assert.equal(second.status, 409);
		assert.match(mainText(second.text), /Someone else saved this story.*NOT saved/);
		assert.match(second.text, /Line one, edited by Eve\./, 'the refused text is kept in the form');
		assert.match(second.text, new RegExp(`href="/newsroom/stories/${id}"[^>]*>Open the newest version`));
		assert.equal(sql(site.db, `SELECT body, version FROM articles WHERE id = ${id}`)[0].join('|'),
			'Line one, edited by Ed.|2');
		// The script's autosave gets the same answer as JSON.
		const auto = await postMultipart(c.editor2, '/newsroom/save', { ...editorFields(b.text),
			action: 'autosave' });
		assert.equal(auto.status, 409);
		assert.match(JSON.parse(auto.text).error, /Someone else saved/);
	});

	test('revisions: every save kept, a diff of fields and body, restore', async () => {
		const r = await saveStory(c.author, { headline: 'Storm warning', body: 'Alpha\nBravo\nCharlie\n',
			tags: 'Weather' });
		const id = storyId(r);
		await saveStory(c.author, { headline: 'Storm warning upgraded', body: 'Alpha\nBravo two\nCharlie\nDelta\n',
			lang: 'de' }, 'save', `/newsroom/stories/${id}`);
		const revs = await c.author.get(`/newsroom/stories/${id}/revisions`);
		assert.equal(revs.status, 200);
		const ids = [...revs.text.matchAll(/name="to" value="(\d+)"/g)].map((m) => Number(m[1]));
		assert.equal(ids.length, 2);
		assert.match(mainText(revs.text), /Ann Author/);
		const d = await c.author.get(`/newsroom/stories/${id}/diff?from=${ids[1]}&to=${ids[0]}`);
		assert.equal(d.status, 200);
		assert.match(d.text, /<th scope="row">Headline<\/th><td><del>Storm warning<\/del><\/td><td><ins>Storm warning upgraded<\/ins>/);
		assert.match(d.text, /<del>- Bravo<\/del>/);
		assert.match(d.text, /<ins>\+ Bravo two<\/ins>/);
		assert.match(d.text, /<ins>\+ Delta<\/ins>/);
		assert.match(d.text, /<span>  Alpha<\/span>/);
		assert.match(d.text, /<th scope="row">Language<\/th><td>(<del><\/del>)?<\/td><td><ins>de<\/ins>/, 'the language is kept');
		assert.equal((await c.other.get(`/newsroom/stories/${id}/diff?from=${ids[1]}&to=${ids[0]}`)).status, 403);
		assert.equal((await c.author.get(`/newsroom/stories/${id}/diff?from=999999&to=${ids[0]}`)).status, 404);
		// Restore the first revision: a new revision with its text.
		const { csrfOf } = await import('./accounts-lib.mjs');
		const token = csrfOf(revs.text, `/newsroom/stories/${id}/restore`);
		const version = /name="version" value="(\d+)"/.exec(revs.text)[1];
		const rs = await c.author.post(`/newsroom/stories/${id}/restore`, { csrf: token, version,
			revision: ids[1] });
		assert.equal(rs.status, 303);
		const row = sql(site.db, `SELECT headline, replace(body, ${isPg(site.db) ? 'chr(10)' : 'char(10)'}, '|'), version, lang FROM articles WHERE id = ${id}`)[0];
		assert.deepEqual(row, ['Storm warning', 'Alpha|Bravo|Charlie|', '3', ''], 'restored with its language');
		assert.equal(sql(site.db, `SELECT count(*) FROM revisions WHERE article_id = ${id}`)[0][0], '3');
		// Restoring from a stale page is refused.
		const again = await c.author.post(`/newsroom/stories/${id}/restore`, { csrf: token, version,
			revision: ids[0] });
		assert.equal(again.status, 409);
		assert.equal(sql(site.db, `SELECT headline FROM articles WHERE id = ${id}`)[0][0], 'Storm warning');
	});

	test('admins change roles; nobody else can', async () => {
		const page = await c.admin.get('/newsroom/users');
		assert.equal(page.status, 200);
		assert.match(mainText(page.text), /Rita Reader/);
		const id = sql(site.db, "SELECT id FROM accounts WHERE email = 'reader@example.com'")[0][0];
		const { csrfOf } = await import('./accounts-lib.mjs');
		const token = csrfOf(page.text, `/newsroom/users/${id}/role`);
		const bad = await c.editor.post(`/newsroom/users/${id}/role`, { csrf: token, role: 'admin' });
		assert.equal(bad.status, 403);
		const r = await c.admin.post(`/newsroom/users/${id}/role`, { csrf: token, role: 'author' });
		assert.equal(r.status, 303);
		assert.equal(sql(site.db, `SELECT role FROM accounts WHERE id = ${id}`)[0][0], 'author');
		assert.equal((await c.reader.get('/newsroom')).status, 200, 'the new author gets in');
		const self = sql(site.db, "SELECT id FROM accounts WHERE email = 'admin@example.com'")[0][0];
		const s = await c.admin.post(`/newsroom/users/${self}/role`, { csrf: token, role: 'reader' });
		assert.equal(s.status, 409);
	});

	test('serve refuses an unknown time zone', async () => {
		for (const z of ['Mars/Olympus_Mons', '../etc/passwd', 'Europe/Berlin;x']) {
			const r = await runCli(['serve', '--db', site.db, '--listen', '127.0.0.1:1',
				'--time-zone', z]);
			assert.equal(r.code, 2, z);
			assert.match(r.stderr, /--time-zone wants a zone name/);
		}
	});

	test('the dashboard shows most reacted stories with an SVG chart', async () => {
		const r = await saveStory(c.editor, { headline: 'Comet visible tonight', body: 'Look up.' }, 'publish');
		assert.equal(r.status, 303);
		const slug = 'comet-visible-tonight';
		const put = await request(`${srv.url}/api/v1/articles/${slug}/reactions`, { method: 'PUT',
			headers: { 'Content-Type': 'application/json', Origin: srv.url },
			body: JSON.stringify({ reaction: 'love' }) });
		assert.equal(put.status, 200, put.text);
		let d;
		for (let i = 0; i < 40; i++) {
			d = await c.author.get('/newsroom/dashboard');
			if (/Comet visible tonight/.test(d.text))
				break;
			await sleep(100);
		}
		assert.equal(d.status, 200);
		assert.match(d.text, /Most reacted, last 24 hours/);
		assert.match(d.text, /Comet visible tonight/);
		assert.match(d.text, /<svg class="chart"[^>]*role="img"/);
		assert.match(d.text, /<polyline[^>]*><title>Love<\/title>/);
		// A comment: counted in the list and the dashboard.
		const cm = await request(`${srv.url}/api/v1/articles/${slug}/comments`, { method: 'POST',
			headers: { 'Content-Type': 'application/json', Cookie: c.author.cookieHeader(),
				Origin: srv.url }, body: JSON.stringify({ body: 'What a sight.' }) });
		assert.equal(cm.status, 201, cm.text);
		const list = await c.editor.get('/newsroom?q=comet');
		assert.match(list.text, /<th scope="col">Comments<\/th>/);
		assert.match(list.text, /<td class="num">1<\/td>\s*<td class="num">1<\/td>/, 'one reaction, one comment');
		d = await c.author.get('/newsroom/dashboard');
		assert.match(d.text, /Most commented, last 24 hours<\/h2>\s*<ol class="nr-top">\s*<li><a href="[^"]+">Comet visible tonight<\/a> <span class="num">1 comment<\/span>/);
	});
});

describe('lead photos', { skip: (!haveVips() && 'no vips CLI') || (!haveSqlite3() && 'no sqlite3 shell') }, () => {
	let site, srv, ed;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		srv = await startServer({ db: site.db, args: [...FAST, '--upload-limit', '1'] });
		ed = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	const media = () => Number(sql(site.db, 'SELECT count(*) FROM media')[0][0]);

	test('a JPEG with EXIF GPS is stored upright, without metadata, with srcset copies', async () => {
		const jpg = jpegWithGps(site.dir, 1200, 800, 6);
		const orig = path.join(site.dir, 'orig.jpg');
		fs.writeFileSync(orig, jpg);
		assert.match(vipsFields(orig), /GPS/, 'the test image carries GPS');
		const noAlt = await saveStory(ed, { headline: 'Lighthouse keeper retires', body: 'Forty years.',
			photo: { data: jpg, name: 'keeper.jpg', type: 'image/jpeg' } }, 'publish');
		assert.equal(noAlt.status, 422);
		assert.match(mainText(noAlt.text), /alt text/);
		assert.equal(media(), 0);
		const r = await saveStory(ed, { headline: 'Lighthouse keeper retires', body: 'Forty years.',
			caption: 'The keeper at dawn.', credit: 'A. Photographer', alt: 'A man on a lighthouse gallery',
			photo: { data: jpg, name: 'keeper.jpg', type: 'image/jpeg' } }, 'publish');
		assert.equal(r.status, 303, r.text.slice(0, 500));
		const page = await request(`${srv.url}/news/${today()}/lighthouse-keeper-retires/`);
		assert.equal(page.status, 200);
		const img = /<img src="(\/media\/[0-9a-f]+\.jpg)" srcset="([^"]+)" sizes="[^"]+" width="(\d+)" height="(\d+)" alt="A man on a lighthouse gallery">/.exec(page.text);
		assert.ok(img, 'an img with srcset, sizes, width and height');
		assert.equal(img[3], '800', 'turned upright: 800 wide');
		assert.equal(img[4], '1200');
		assert.match(img[2], /480w/);
		const webp = /<source type="image\/webp" srcset="([^"]+)"/.exec(page.text);
		assert.ok(webp);
		assert.match(webp[1], /480w.*800w/);
		assert.match(page.text, /The keeper at dawn\./);
		const keys = [...new Set([...img[2].matchAll(/\/media\/([0-9a-f]+\.\w+)/g),
			...webp[1].matchAll(/\/media\/([0-9a-f]+\.\w+)/g)].map((m) => m[1]))];
		assert.equal(keys.length, 4, 'main + 480 copies in JPEG and WebP');
		for (const k of keys) {
			const m = await request(`${srv.url}/media/${k}`);
			assert.equal(m.status, 200);
			const f = path.join(site.dir, k);
			fs.writeFileSync(f, m.body);
			const fields = vipsFields(f);
			assert.doesNotMatch(fields, /GPS|exif-data|orientation/i, `${k} has no metadata`);
			assert.doesNotMatch(m.body.toString('latin1'), /Exif\0\0/, `${k} has no EXIF block`);
		}
		const rows = sql(site.db, 'SELECT width, type FROM photo_variants ORDER BY type, width');
		assert.deepEqual(rows, [['480', 'image/jpeg'], ['480', 'image/webp'], ['800', 'image/webp']]);
		// Removing the photo takes it off the page (the images stay stored).
		const id = storyId(r);
		const rm = await saveStory(ed, { remove_photo: '1' }, 'save', `/newsroom/stories/${id}`);
		assert.equal(rm.status, 303);
		const after = await request(`${srv.url}/news/${today()}/lighthouse-keeper-retires/`);
		assert.doesNotMatch(after.text, /<figure class="lead-photo">/);
		assert.doesNotMatch(after.text, /The keeper at dawn/);
	});

	test('a text file named .jpg, a truncated JPEG and an over-size file are refused; nothing is left', async () => {
		const before = media();
		const stories = sql(site.db, 'SELECT count(*) FROM articles')[0][0];
		const text = await saveStory(ed, { headline: 'Not a photo', body: 'x', alt: 'x',
			photo: { data: Buffer.from('hello, this is text\n'.repeat(50)), name: 'fake.jpg', type: 'image/jpeg' } });
		assert.equal(text.status, 422);
		assert.match(mainText(text.text), /not a JPEG, PNG or WebP image/);
		assert.match(mainText(text.text), /nothing was saved/);
		const jpg = jpegWithGps(site.dir, 600, 400, 1);
		const cut = await saveStory(ed, { headline: 'Cut photo', body: 'x', alt: 'x',
			photo: { data: jpg.subarray(0, Math.floor(jpg.length / 2)), name: 'cut.jpg', type: 'image/jpeg' } });
		assert.equal(cut.status, 422);
		assert.match(mainText(cut.text), /damaged or incomplete/);
		const big = Buffer.concat([jpg, Buffer.alloc(1100 * 1024, 7)]);
		const over = await saveStory(ed, { headline: 'Huge photo', body: 'x', alt: 'x',
			photo: { data: big, name: 'big.jpg', type: 'image/jpeg' } });
		assert.equal(over.status, 413);
		assert.match(mainText(over.text), /larger than the 1 MB limit/);
		assert.equal(media(), before, 'no image stored');
		assert.equal(sql(site.db, 'SELECT count(*) FROM articles')[0][0], stories, 'no story stored');
		// Other routes keep the 1 MB body limit and take no multipart.
		const other = await postMultipart(ed, '/newsroom/preview', { body: 'x'.repeat(10) });
		assert.equal(other.status, 403, 'no multipart parsing (and so no token) off the upload route');
	});
});

describe('--authors-publish', { skip: !haveSqlite3() && 'no sqlite3 shell' }, () => {
	let site, srv;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'author@example.com', 'Ann Author', 'author');
		srv = await startServer({ db: site.db, args: [...FAST, '--authors-publish'] });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('lets authors publish and unpublish their own stories', async () => {
		const c = await loginAs(srv.url, 'author@example.com');
		const page = await c.get('/newsroom/new');
		assert.match(page.text, />Publish<\/button>/);
		const r = await saveStory(c, { headline: 'Village fete', body: 'Cakes.' }, 'publish');
		assert.equal(r.status, 303);
		const id = storyId(r);
		assert.equal(sql(site.db, `SELECT stage, status FROM articles WHERE id = ${id}`)[0].join(), '1,1');
		const u = await saveStory(c, {}, 'unpublish', `/newsroom/stories/${id}`);
		assert.equal(u.status, 303);
		assert.equal(sql(site.db, `SELECT stage, status FROM articles WHERE id = ${id}`)[0].join(), '4,0');
	});
});
