// reach-language.test.mjs - --language names the site's language everywhere
// a reader's software looks for it: <html lang>, the RSS <language>, the
// Atom xml:lang, the JSON Feed language, the NewsArticle inLanguage, and
// the Google News sitemap (an ISO 639 code there; zh-cn/zh-tw for Chinese).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addArticle, get, makeSite, removeDir, runCli, startServer } from './lib.mjs';

describe('--language', () => {
	let site, srv, story;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, {
			headline: 'Notícia de hoje', slug: 'noticia', author: 'Redação', section: 'Mundo',
			published: new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
			status: 'published',
		}, 'LISBOA — Texto.\n');
		srv = await startServer({ db: site.db, args: ['--language', 'pt-BR'] });
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('pages, feeds, structured data and the News sitemap carry it', async () => {
		for (const p of ['/', story, '/search?q=texto'])
			assert.match((await get(srv.url + p)).text, /^<!DOCTYPE html>\s*<html lang="pt-BR">/i, p);
		const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/g;
		const items = [...(await get(srv.url + story)).text.matchAll(ld)].map((m) => JSON.parse(m[1]));
		assert.equal(items.find((x) => x['@type'] === 'NewsArticle').inLanguage, 'pt-BR');
		assert.match((await get(srv.url + '/feed.xml')).text, /<language>pt-BR<\/language>/);
		assert.match((await get(srv.url + '/atom.xml')).text, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="pt-BR">/);
		assert.equal(JSON.parse((await get(srv.url + '/feed.json')).text).language, 'pt-BR');
		const news = (await get(srv.url + '/sitemaps/news.xml')).text;
		assert.match(news, /<news:language>pt<\/news:language>/);
		assert.match(news, /Notícia de hoje/);
	});

	test('Chinese in the News sitemap is zh-cn or zh-tw', async () => {
		for (const [tag, want] of [['zh-Hant', 'zh-tw'], ['zh-CN', 'zh-cn'], ['zh-Hans-SG', 'zh-cn']]) {
			const s = await startServer({ db: site.db, args: ['--language', tag] });
			try {
				const news = (await get(s.url + '/sitemaps/news.xml')).text;
				assert.match(news, new RegExp(`<news:language>${want}</news:language>`), tag);
				assert.match((await get(s.url + '/')).text, new RegExp(`<html lang="${tag}">`));
			} finally {
				await s.stop();
			}
		}
	});

	test('a malformed tag is refused at start', async () => {
		for (const bad of ['', 'e', 'en_US', 'en-', '-en', 'en--us', 'en-toolongsubtag', '"><script>', '12']) {
			const r = await runCli(['serve', '--db', site.db, '--listen', '127.0.0.1:0', '--language', bad]);
			assert.equal(r.code, 2, `--language '${bad}'`);
			assert.match(r.stderr, /--language wants a language tag/);
		}
	});
});
