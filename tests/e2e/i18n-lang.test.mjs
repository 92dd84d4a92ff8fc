// i18n-lang.test.mjs - languages below the site's: search stems each
// story in its language (FTS5 with the Snowball tokenizer on SQLite, a
// text search configuration per language on PostgreSQL), a story in
// another language than the site's says so (lang, dir), and a newsroom
// user works in the language of their choice while readers keep the
// site's, and a German site's mail (sign-up, password reset) is German in
// its subject and text.  Runs on both backends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, addArticle, get, makeSite, removeDir, startServer, textOf } from './lib.mjs';
import { Client, csrfOf, mailHeader, mailLink, startSmtp } from './accounts-lib.mjs';
import { addUser, loginAs } from './comments-lib.mjs';

/* The headlines the search API finds for @q. */
async function found(url, q) {
	const r = await get(`${url}/api/v1/search?q=${encodeURIComponent(q)}`);
	assert.equal(r.status, 200, `search ${q}: ${r.status}`);
	return JSON.parse(r.text).results.map((h) => h.headline).sort();
}

/* The English source messages of several words and no placeholders, for
 * "no English left" checks (po/dateline.pot). */
function englishSentences() {
	const pot = fs.readFileSync(path.join(ROOT, 'po/dateline.pot'), 'utf8');
	const ids = [];
	for (const m of pot.matchAll(/^msgid ((?:".*"\n)+)/gm)) {
		const id = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]).join('')
			.replace(/\\n/g, '\n').replace(/\\"/g, '"');
		if (/[{%<&]/.test(id) || id.trim().split(/\s+/).length < 3)
			continue;
		ids.push(id);
	}
	return ids;
}

describe('search stems each story in its language', () => {
	let site, srv;

	before(async () => {
		site = await makeSite();
		await addArticle(site, { headline: 'Das Haus am See', slug: 'haus', status: 'published' },
			'Ein kleines Haus steht am Ufer.\n');
		await addArticle(site, { headline: 'Koordinationen der Hilfe', slug: 'hilfe', status: 'published' },
			'Die Koordinationen laufen seit Montag.\n');
		await addArticle(site, { headline: 'Aid coordinations', slug: 'aid', lang: 'en', status: 'published' },
			'The relief coordinations went well.\n');
		await addArticle(site, { headline: 'المكتبات العامة', slug: 'maktaba', lang: 'ar', status: 'published' },
			'افتتحت المكتبات في المدينة.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'de'] });
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('German words find their other forms ("Häuser" finds "Haus")', async () => {
		assert.deepEqual(await found(srv.url, 'Häuser'), ['Das Haus am See']);
		assert.deepEqual(await found(srv.url, 'Hauses'), ['Das Haus am See']);
		assert.deepEqual(await found(srv.url, 'Koordination'), ['Koordinationen der Hilfe']);
		assert.deepEqual(await found(srv.url, 'koordinat*'), ['Koordinationen der Hilfe']);
	});

	test('a story in English on a German site is stemmed in English', async () => {
		assert.deepEqual(await found(srv.url, 'coordination'), ['Aid coordinations']);
		assert.deepEqual(await found(srv.url, 'relieved'), []);
	});

	test('Arabic prefixes and suffixes are handled by the Arabic stemmer', async () => {
		assert.deepEqual(await found(srv.url, 'مكتبة'), ['المكتبات العامة']);
		assert.deepEqual(await found(srv.url, 'المكتبة'), ['المكتبات العامة']);
	});

	test('the site language moved: its stories are stemmed again', async () => {
		await srv.stop();
		srv = await startServer({ db: site.db, args: ['--language', 'en'] });
		assert.deepEqual(await found(srv.url, 'Koordinationen'), ['Koordinationen der Hilfe'],
			'the word as written');
		/* in quotes: the word, not also a prefix of "Koordinationen" */
		assert.deepEqual(await found(srv.url, '"Koordination"'), [], 'stemmed in English now');
		assert.deepEqual(await found(srv.url, 'coordination'), ['Aid coordinations'], 'its own language');
		await srv.stop();
		srv = await startServer({ db: site.db, args: ['--language', 'de'] });
		assert.deepEqual(await found(srv.url, 'Koordination'), ['Koordinationen der Hilfe']);
	});
});

describe('a story in another language than the site\'s', () => {
	let site, srv, en, ar;

	before(async () => {
		site = await makeSite();
		en = await addArticle(site, { headline: 'Port reopens', slug: 'port', lang: 'en',
			summary: 'Ships are back.', status: 'published' }, 'The cranes moved again.\n');
		ar = await addArticle(site, { headline: 'الميناء يعود', slug: 'mina', status: 'published' }, 'نص.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'ar'] });
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('its text carries lang and dir; the page stays in the site\'s language', async () => {
		const html = (await get(srv.url + en)).text;
		assert.match(html, /<html lang="ar" dir="rtl">/);
		assert.match(html, /<h1 lang="en" dir="ltr">Port reopens<\/h1>/);
		assert.match(html, /<p class="standfirst" lang="en" dir="ltr">/);
		assert.match(html, /<div class="story-body" lang="en" dir="ltr">/);
		assert.ok(html.includes('ما رأيك؟'), 'the reaction block in Arabic');
	});

	test('a story in the site\'s language carries neither', async () => {
		const html = (await get(srv.url + ar)).text;
		assert.match(html, /<h1>الميناء يعود<\/h1>/);
		assert.doesNotMatch(html, /class="story-body" lang=/);
	});

	test('front matter refuses a malformed language', async () => {
		await assert.rejects(addArticle(site, { headline: 'Bad', slug: 'bad', lang: 'not a tag' }, 'x\n'),
			/lang 'not a tag' must be a language tag/);
	});
});

describe('the newsroom in its user\'s language', () => {
	let site, srv, editor;

	before(async () => {
		site = await makeSite();
		await addArticle(site, { headline: 'Harbour', slug: 'harbour', status: 'published' }, 'Text.\n');
		await addUser(site.db, 'ed@example.org', 'Edith', 'editor');
		srv = await startServer({ db: site.db, args: ['--language', 'en'] });
		editor = await loginAs(srv.url, 'ed@example.org');
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('the site\'s language until the user chooses one', async () => {
		const html = (await editor.get('/newsroom')).text;
		assert.match(html, /<html lang="en">/);
		assert.ok(html.includes('New story'));
	});

	test('the account page offers the shipped languages, each named in itself', async () => {
		const html = (await editor.get('/account/')).text;
		assert.match(html, /<option value="" selected>The site&#39;s language \(English\)<\/option>|<option value="" selected>The site's language \(English\)<\/option>/);
		assert.match(html, /<option value="de" lang="de">Deutsch<\/option>/);
		assert.match(html, /<option value="ar" lang="ar">العربية<\/option>/);
	});

	test('an unknown language is refused', async () => {
		const r = await editor.submit('/account/', '/account/language', { language: 'xx' });
		assert.equal(r.status, 400);
		assert.ok(r.text.includes('Choose one of the languages listed.'));
	});

	test('German chosen: the newsroom speaks German, readers keep English', async () => {
		const r = await editor.submit('/account/', '/account/language', { language: 'de' });
		assert.equal(r.status, 303);
		const html = (await editor.get('/newsroom')).text;
		assert.match(html, /<html lang="de">/);
		for (const w of ['Neuer Artikel', 'Übersicht', 'Artikel'])
			assert.ok(html.includes(w), `"${w}"`);
		for (const p of ['/newsroom', '/newsroom/new', '/newsroom/dashboard', '/newsroom/comments',
			'/newsroom/no-such-page']) {
			const text = textOf((await editor.get(p)).text);
			for (const id of englishSentences())
				assert.ok(!text.includes(id), `${p}: no English "${id}" in the German newsroom`);
		}
		const edit = (await editor.get('/newsroom/new')).text;
		assert.ok(edit.includes('Überschrift') && edit.includes('Entwurf speichern'));
		const strings = JSON.parse(edit.match(/id="dl-i18n" data-strings="([^"]*)"/)[1]
			.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
		assert.equal(strings.slugFree, 'Dieser Slug ist frei.', 'the editor script\'s words');
		const reader = (await editor.get('/')).text;
		assert.match(reader, /<html lang="en">/, 'reader pages stay in the site\'s language');
	});

	test('German chosen: a refused tag is explained in German', async () => {
		const page = (await editor.get('/newsroom/new')).text;
		const r = await editor.post('/newsroom/save', { csrf: csrfOf(page, '/newsroom/save'),
			headline: 'Schlagwort', body: 'x', tags: 'Hafen, ---', action: 'save' });
		assert.equal(r.status, 422);
		assert.ok(textOf(r.text).includes('Schlagwörter: das Schlagwort „---“ enthält weder Buchstaben noch Ziffern.'),
			textOf(r.text).slice(0, 600));
	});

	test('Arabic chosen: the newsroom is right to left', async () => {
		const r = await editor.submit('/account/', '/account/language', { language: 'ar' });
		assert.equal(r.status, 303);
		const html = (await editor.get('/newsroom')).text;
		assert.match(html, /<html lang="ar" dir="rtl">/);
		assert.ok(html.includes('مقال جديد'));
	});

	test('the editor keeps a story\'s language', async () => {
		const page = (await editor.get('/newsroom/new')).text;
		assert.match(page, /<input id="lang" name="lang" value=""/);
		const bad = await editor.post('/newsroom/save', { csrf: csrfOf(page, '/newsroom/save'),
			headline: 'Bad tag', body: 'x', lang: 'not a tag', action: 'save' });
		assert.equal(bad.status, 422);
	});
});

/* The runs of four or more words between the placeholders and line breaks
 * of every English message (po/dateline.pot): what an English sentence of
 * a mail leaves in its text once its %s are filled in. */
function englishFragments() {
	const pot = fs.readFileSync(path.join(ROOT, 'po/dateline.pot'), 'utf8');
	const out = new Set();
	for (const m of pot.matchAll(/^msgid ((?:".*"\n)+)/gm)) {
		const id = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]).join('')
			.replace(/\\"/g, '"');
		for (const f of id.split(/%[0-9.*]*[a-z]+|\\n|[{}<>]/))
			if (f.trim().split(/\s+/).length >= 4)
				out.add(f.trim());
	}
	return [...out];
}

/* An RFC 2047 subject ("=?UTF-8?B?...?=" words) as text. */
const decodeSubject = (s) => s.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi,
	(_, b) => Buffer.from(b, 'base64').toString('utf8'));

describe('mail from a German site is German', () => {
	let site, srv, smtp;

	before(async () => {
		site = await makeSite();
		smtp = await startSmtp();
		srv = await startServer({ db: site.db, args: ['--language', 'de', '--site-name', 'Der Bote',
			'--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-plain', '--mail-from', 'news@example.com'] });
	});

	after(async () => {
		await srv?.stop();
		await smtp?.close();
		if (site)
			await removeDir(site.dir);
	});

	test('the sign-up and the password reset mails, subject and text', async () => {
		const fragments = englishFragments();
		const check = (m, subject) => {
			const [head, ...rest] = m.raw.split(/\r?\n\r?\n/);
			assert.match(head, /^Content-Type: text\/plain; charset=utf-8/mi);
			assert.equal(decodeSubject(mailHeader(head.replace(/\r?\n[ \t]/g, ' '), 'Subject')), subject);
			const text = rest.join('\n\n').replace(/\r\n/g, '\n');
			for (const f of fragments)
				assert.ok(!text.includes(f), `no English "${f}" in:\n${text}`);
			return text;
		};
		const c = new Client(srv.url);
		const r = await c.submit('/account/signup', '/account/signup',
			{ name: 'Greta', email: 'greta@example.com', password: 'correct horse battery' });
		assert.equal(r.status, 200, r.text.slice(0, 300));
		const signup = await smtp.waitFor('greta@example.com');
		const text = check(signup, 'Bestätigen Sie Ihre E-Mail-Adresse für Der Bote');
		assert.match(text, /^Guten Tag,\n\nSie haben sich bei Der Bote als „Greta“ registriert\./);
		mailLink(signup.raw, 'verify');
		await new Client(srv.url).submit('/account/forgot', '/account/forgot', { email: 'greta@example.com' });
		const reset = await smtp.waitFor('greta@example.com', /account\/reset\//);
		assert.match(check(reset, 'Setzen Sie Ihr Passwort bei Der Bote zurück'), /Passwort/);
	});
});

describe('German pages have no English sentence left', () => {
	let site, srv, story;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, { headline: 'Hafen', slug: 'hafen', author: 'Nour', section: 'Welt',
			published: '2025-11-20T09:00:00Z', status: 'published' }, 'Text.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'de'] });
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('the story, front, search, log in, sign up, forgot and error pages', async () => {
		const english = englishSentences();
		for (const p of [story, '/', '/search?q=Hafen', '/search?q=zzzz', '/account/login', '/account/signup',
			'/account/forgot', '/no/such/page']) {
			const text = textOf((await get(srv.url + p, { status: p.startsWith('/no/') ? 404 : 200 })).text);
			for (const id of english)
				assert.ok(!text.includes(id), `${p}: no English "${id}"`);
		}
	});
});

describe('static pages in German: the newsroom\'s list and editor, the reader\'s page', () => {
	let site, srv, editor;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'ed@example.org', 'Edith', 'editor');
		srv = await startServer({ db: site.db, args: ['--language', 'de'] });
		editor = await loginAs(srv.url, 'ed@example.org');
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	/* No English sentence of the catalogue in @html's text (@where). */
	function noEnglish(html, where) {
		const text = textOf(html);
		for (const id of englishSentences())
			assert.ok(!text.includes(id), `${where}: no English "${id}"`);
	}

	/* The id a page save answered with (303 to /newsroom/pages/ID?done=). */
	function savedId(r) {
		const m = /^\/newsroom\/pages\/(\d+)\?done=/.exec(r.headers.location || '');
		assert.ok(m, `saved: ${r.status} ${r.headers.location}`);
		return m[1];
	}

	test('the list, the editor, its errors and notices speak German', async () => {
		const list = (await editor.get('/newsroom/pages')).text;
		for (const w of ['Seiten', 'Neue Seite', 'Noch keine Seiten.'])
			assert.ok(list.includes(w), `list: "${w}"`);
		noEnglish(list, '/newsroom/pages');
		const form = (await editor.get('/newsroom/pages/new')).text;
		for (const w of ['Titel', 'Übergeordnete Seite', 'Keine (eine Seite der obersten Ebene)'])
			assert.ok(form.includes(w), `editor: "${w}"`);
		noEnglish(form, '/newsroom/pages/new');
		const bad = await editor.submit('/newsroom/pages/new', '/newsroom/pages/save',
			{ id: '0', version: '0', title: '', slug: 'search', parent: '0', body: '', action: 'publish' });
		assert.equal(bad.status, 422);
		for (const w of ['Geben Sie einen Titel ein.', 'Diese Adresse nutzt die Website selbst',
			'Schreiben Sie die Seite, bevor Sie sie veröffentlichen.'])
			assert.ok(bad.text.includes(w), `errors: "${w}"`);
		noEnglish(bad.text, 'the refused save');
		const none = await editor.get('/newsroom/pages/999');
		assert.equal(none.status, 404);
		assert.ok(none.text.includes('Diese Seite gibt es nicht.'));
	});

	test('a published page and its child: German around them, in the footer too', async () => {
		const parent = savedId(await editor.submit('/newsroom/pages/new', '/newsroom/pages/save',
			{ id: '0', version: '0', title: 'Über uns', slug: 'ueber-uns', parent: '0',
			  body: 'Wir berichten.', action: 'publish' }));
		savedId(await editor.submit('/newsroom/pages/new', '/newsroom/pages/save',
			{ id: '0', version: '0', title: 'Redaktion', slug: 'redaktion', parent,
			  body: 'Das Team.', action: 'publish' }));
		const done = (await editor.get(`/newsroom/pages/${parent}?done=publish`)).text;
		assert.ok(done.includes('Veröffentlicht.') && done.includes('Seite bearbeiten'));
		noEnglish(done, 'the editor after publishing');
		const page = (await get(`${srv.url}/ueber-uns/`)).text;
		assert.match(page, /<h2 id="page-children-heading">In diesem Bereich<\/h2>/);
		assert.match(page, /<nav class="foot-pages" aria-label="Seiten">/);
		assert.ok(page.includes('href="/ueber-uns/redaktion/"'));
		noEnglish(page, '/ueber-uns/');
	});
});
