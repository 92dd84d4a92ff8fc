// newsroom-text.test.mjs - what text a story may carry, end to end.
// Control characters (\x01, \x0b, \x1b...) are refused in every text field
// of the newsroom editor, its autosave (JSON) and the page editor, and by
// "article add", each with a message naming the field; one already stored
// (written into the database directly) never makes the feeds or sitemaps
// malformed XML (checked with xmllint).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isPg, makeSite, removeDir, startServer, request, dbSql, addArticle, tryAddArticle,
	decodeEntities } from './lib.mjs';
import { addUser, loginAs, saveStory, postMultipart, editorFields } from './newsroom-lib.mjs';
import { csrfOf } from './accounts-lib.mjs';

const FAST = ['--login-rate-limit', '1000'];

/* Is @text well-formed XML to xmllint?  Its complaint when not. */
function xmlProblem(text) {
	try {
		execFileSync('xmllint', ['--noout', '-'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
		return null;
	} catch (e) {
		return String(e.stderr || e.message);
	}
}

/* The field error shown for input @id on editor page @html. */
function fieldError(html, id) {
	const re = new RegExp(`<label for="${id}">[\\s\\S]*?<p class="field-error"[^>]*>([^<]*)</p>`);
	const m = re.exec(html);
	return m ? decodeEntities(m[1]) : null;
}

describe('control characters in story text', () => {
	let site, srv, ed;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		await addArticle(site, { headline: 'Clean harbour story', slug: 'clean-harbour',
			summary: 'A quiet day.', author: 'Desk', section: 'World', tags: 'ports',
			published: new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z') },
		'Body text.');
		// A story whose text the database holds with controls in it, as
		// an older version or another tool could have left it.
		const c = (n) => isPg(site.db) ? `chr(${n})` : `char(${n})`;
		await dbSql(site.db, `UPDATE articles SET headline = 'Harbour ' || ${c(1)} || 'cranes'` +
			` || ${c(27)} || '[1m', summary = 'Quiet' || ${c(11)} || 'day', author = 'Desk'` +
			` || ${c(8)}, body = 'Body ' || ${c(12)} || 'text.' WHERE slug = 'clean-harbour'`);
		await dbSql(site.db, `UPDATE tags SET name = 'ports' || ${c(2)} WHERE slug = 'ports'`);
		srv = await startServer({ db: site.db, args: FAST });
		ed = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		// Exits cleanly (no leak reports under ASan).
		assert.equal(await srv.stop(), 0);
		await removeDir(site.dir);
	});

	test('a stored control character never makes a feed or sitemap malformed', async () => {
		const home = await request(srv.url + '/');
		assert.match(home.text, /Harbour .?cranes/);
		for (const p of ['/feed.xml', '/atom.xml', '/section/world/feed.xml', '/section/world/atom.xml',
			'/tag/ports/atom.xml', '/sitemaps/news.xml', '/sitemap.xml', '/sitemaps/articles-0.xml']) {
			const r = await request(srv.url + p);
			assert.equal(r.status, 200, p);
			assert.equal(xmlProblem(r.text), null, `${p} is well-formed XML`);
			assert.doesNotMatch(r.text, /[\x00-\x08\x0b\x0c\x0e-\x1f]/, `${p} carries no control`);
		}
		const news = await request(srv.url + '/sitemaps/news.xml');
		assert.match(news.text, /<news:title>Harbour cranes\[1m<\/news:title>/);
		const atom = await request(srv.url + '/atom.xml');
		assert.match(atom.text, /<category term="ports"\/>/);
	});

	test('the editor refuses a control character in each text field, naming it', async () => {
		const cases = [['headline', 'Headline', 'Storm\x01 warning'], ['summary', 'Summary', 'Gales\x0b today'],
			['tags', 'Tags', 'weather, \x1bports'], ['byline', 'Byline', 'Ann\x07 Author'],
			['caption', 'Caption', 'Waves\x1b[31m at noon'], ['credit', 'Credit', 'Staff\x10'],
			['dateline', 'Dateline', 'BERGEN\x0c'], ['body', 'Body', 'Text\x0b here.']];
		for (const [name, label, value] of cases) {
			const r = await saveStory(ed, { headline: 'Storm warning', body: 'Gales.', [name]: value });
			assert.equal(r.status, 422, name);
			assert.equal(fieldError(r.text, name),
				`${label}: remove the invisible control character (often pasted in with the text).`, name);
		}
		// Line breaks and tabs are text in the body and the summary.
		const ok = await saveStory(ed, { headline: 'Storm warning', summary: 'Gales\r\ntoday',
			body: 'Line one\r\n\r\n\tIndented.' });
		assert.equal(ok.status, 303);
		// The autosave (JSON) refuses the same.
		const p = await ed.get('/newsroom/new');
		const js = await postMultipart(ed, '/newsroom/save', { ...editorFields(p.text),
			headline: 'Tide\x01 table', action: 'autosave' });
		assert.equal(js.status, 422);
		assert.equal(JSON.parse(js.text).error, 'Some fields need attention.');
	});

	test('the page editor refuses them too', async () => {
		const p = await ed.get('/newsroom/pages/new');
		assert.equal(p.status, 200);
		const r = await ed.post('/newsroom/pages/save', { csrf: csrfOf(p.text, '/newsroom/pages/save'),
			id: '', version: '', title: 'About\x01 us', slug: '', parent: '', body: 'Who we are.',
			action: 'save' });
		assert.equal(r.status, 422);
		assert.match(decodeEntities(r.text), /Title: remove the invisible control character/);
	});

	test('article add refuses them, naming the field', async () => {
		for (const [k, v] of [['headline', 'Gale\x01 force'], ['caption', 'Waves\x1b'],
			['author', 'Ann\x08'], ['tags', 'sea, \x02wind']]) {
			const r = await tryAddArticle(site, { headline: 'Gale force', slug: `gale-${k}`, [k]: v },
				'Body.');
			assert.notEqual(r.code, 0, k);
			assert.match(r.stderr, new RegExp(`'${k}' contains a control character`), k);
		}
		const b = await tryAddArticle(site, { headline: 'Gale force', slug: 'gale-body' }, 'A\x0bB');
		assert.notEqual(b.code, 0);
		assert.match(b.stderr, /the body contains a control character/);
		const ok = await tryAddArticle(site, { headline: 'Gale force', slug: 'gale-ok' }, 'A\tB\r\nC');
		assert.equal(ok.code, 0, ok.stderr);
	});
});
