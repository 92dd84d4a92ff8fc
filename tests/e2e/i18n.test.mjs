// i18n.test.mjs - --language de, fr and ar: the story page's words come
// from the catalogues (po/), Arabic pages are right to left, dates are in
// the language, and the page script gets its words from the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addArticle, get, makeSite, removeDir, startServer } from './lib.mjs';

const langs = {
	de: { words: ['Wie reagieren Sie?', 'Kommentare', 'Sortieren nach:', 'Zum Kommentieren anmelden', 'Anmelden'],
		date: '20. November 2025', total: '<span data-total>0</span> Reaktionen' },
	fr: { words: ['Quelle est votre réaction ?', 'Commentaires', 'Trier par :', 'Connectez-vous pour commenter'],
		date: '20 novembre 2025', total: '<span data-total>0</span> réaction' },
	ar: { words: ['ما رأيك؟', 'التعليقات', 'الترتيب حسب:', 'سجّل الدخول للتعليق'],
		date: 'نوفمبر', total: 'لا تفاعلات (<span data-total>0</span>)' },
};
const english = ["What's Your Reaction?", 'Sort by:', 'Log in to comment', 'Skip to content', '> reactions<'];

for (const [lang, want] of Object.entries(langs)) {
	describe(`--language ${lang}`, () => {
		let site, srv, story;

		before(async () => {
			site = await makeSite();
			story = await addArticle(site, {
				headline: 'Harbour', slug: 'harbour', author: 'Nour Haddad', section: 'World',
				published: '2025-11-20T09:00:00Z', status: 'published',
			}, 'BEIRUT — Text.\n');
			srv = await startServer({ db: site.db, args: ['--language', lang] });
		});

		after(async () => {
			await srv?.stop();
			if (site)
				await removeDir(site.dir);
		});

		test('the story page is in the language, with no English interface words', async () => {
			const html = (await get(srv.url + story)).text;
			assert.match(html, new RegExp(`<html lang="${lang}"${lang === 'ar' ? ' dir="rtl"' : ''}>`));
			for (const w of want.words)
				assert.ok(html.includes(w), `${lang}: "${w}"`);
			for (const w of english)
				assert.ok(!html.includes(w), `${lang}: no "${w}"`);
			assert.ok(html.includes(want.total), `${lang}: the plural form for 0`);
			assert.ok(html.includes(want.date), `${lang}: the date in the language`);
			assert.match(html, /<time datetime="2025-11-20T09:00:00Z">/, 'machine-readable time unchanged');
			const strings = JSON.parse(html.match(/id="dl-i18n" data-strings="([^"]*)"/)[1]
				.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
			assert.equal(strings.plural.length, 200);
			if (lang === 'ar')
				assert.deepEqual([0, 1, 2, 3, 11, 100].map((n) => strings.plural[n]), [0, 1, 2, 3, 4, 5]);
			if (lang === 'fr')
				assert.deepEqual([0, 1, 2, 3, 11, 100].map((n) => strings.plural[n]), [0, 0, 1, 1, 1, 1]);
			if (lang === 'de')
				assert.deepEqual([0, 1, 2, 3, 11, 100].map((n) => strings.plural[n]), [1, 0, 1, 1, 1, 1]);
		});
	});
}
