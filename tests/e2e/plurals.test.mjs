// plurals.test.mjs - every count a reader sees with a noun takes the plural
// form its number calls for, at 0, 1 and 2, in English, French (0 and 1
// singular) and Arabic (0, 1 and 2 each their own form): the comment
// links of story lists, a story's reaction total, the "Most reacted" box
// and the reaction archive's lines; the newsroom dashboard's "Most
// reacted" and "Most commented" lists.  (Search's "N results":
// search-words.test.mjs.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, get, inner, makeSite, removeDir, request, sleep, startServer, textOf } from './lib.mjs';
import { addUser, api, loginAs } from './comments-lib.mjs';

describe('plural forms of counts', () => {
	let site, en, fr, ar;
	const p = {};

	before(async () => {
		site = await makeSite();
		const now = Date.now();
		for (const [k, n] of [['zero', 0], ['one', 1], ['two', 2]])
			p[k] = await addArticle(site, {
				headline: `Story with ${k}`, slug: `story-${k}`, summary: 'A summary.',
				author: 'Desk', section: 'World', status: 'published',
				published: new Date(now - (3 - n) * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
			}, 'Body.\n');
		await addUser(site.db, 'ann@example.com', 'Ann', 'reader');
		await addUser(site.db, 'ed@example.com', 'Ed', 'editor');
		en = await startServer({ db: site.db, args: ['--comment-rate-limit', '1000',
			'--login-rate-limit', '1000'] });
		const ann = await loginAs(en.url, 'ann@example.com');
		for (const [k, n] of [['one', 1], ['two', 2]])
			for (let i = 0; i < n; i++) {
				const r = await api(ann, 'POST', `/api/v1/articles/story-${k}/comments`,
					{ body: `Comment ${i} on ${k}.` });
				assert.ok(r.status === 200 || r.status === 201, `comment: ${r.status} ${r.text}`);
				const put = await request(`${en.url}/api/v1/articles/story-${k}/reactions`, {
					method: 'PUT', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ reaction: 'love' }) });
				assert.equal(put.status, 200, put.text);
			}
		/* reactions are written in batches: wait until the counts show */
		for (let i = 0; i < 50; i++) {
			const j = JSON.parse((await get(`${en.url}/api/v1/articles/story-two/reactions`)).text);
			if (j.total === 2)
				break;
			await sleep(100);
		}
		fr = await startServer({ db: site.db, args: ['--language', 'fr'] });
		ar = await startServer({ db: site.db, args: ['--language', 'ar'] });
	});

	after(async () => {
		for (const s of [en, fr, ar])
			await s?.stop();
		if (site)
			await removeDir(site.dir);
	});

	/* The text of each story's comment link on list page @path of @srv. */
	const commentLinks = async (srv, path) => {
		const html = (await get(srv.url + path)).text;
		const out = {};
		for (const k of ['zero', 'one', 'two']) {
			const m = new RegExp(`<a class="comment-link" href="${p[k]}#comments">([\\s\\S]*?)</a>`).exec(html);
			assert.ok(m, `${path}: a comment link for ${k}`);
			out[k] = textOf(m[1]);
		}
		return out;
	};
	const total = async (srv, k) =>
		textOf(inner((await get(srv.url + p[k])).text, 'p', '[^>]*class="reaction-total"'));

	it('comment links on the front and section pages', async () => {
		for (const path of ['/', '/section/world/']) {
			assert.deepEqual(await commentLinks(en, path),
				{ zero: '0 comments', one: '1 comment', two: '2 comments' });
			assert.deepEqual(await commentLinks(fr, path),
				{ zero: '0 commentaire', one: '1 commentaire', two: '2 commentaires' });
			assert.deepEqual(await commentLinks(ar, path),
				{ zero: 'لا تعليقات (0)', one: 'تعليق واحد (1)', two: 'تعليقان (2)' });
		}
	});

	it('a story\'s reaction total', async () => {
		assert.equal(await total(en, 'zero'), '0 reactions');
		assert.equal(await total(en, 'one'), '1 reaction');
		assert.equal(await total(en, 'two'), '2 reactions');
		assert.equal(await total(fr, 'zero'), '0 réaction');
		assert.equal(await total(fr, 'one'), '1 réaction');
		assert.equal(await total(fr, 'two'), '2 réactions');
		assert.equal(await total(ar, 'one'), 'تفاعل واحد (1)');
		assert.equal(await total(ar, 'two'), 'تفاعلان (2)');
	});

	it('the "Most reacted" box and the reaction archive', async () => {
		const box = async (srv) => textOf(inner((await get(srv.url + '/')).text, 'aside',
			'[^>]*class="most-reacted"'));
		assert.match(await box(en), /Story with two 2 reactions this week/);
		assert.match(await box(en), /Story with one 1 reaction this week/);
		assert.match(await box(fr), /Story with two 2 réactions cette semaine/);
		assert.match(await box(fr), /Story with one 1 réaction cette semaine/);
		const archive = async (srv) => [...inner((await get(srv.url + '/reactions/love/')).text,
			'ol', '[^>]*class="stories[^"]*"').matchAll(/<p class="meta">([\s\S]*?) &middot;/g)]
			.map((m) => textOf(m[1]));
		assert.deepEqual(await archive(en), ['2 Love reactions', '1 Love reaction']);
		const f = await archive(fr);
		assert.equal(f.length, 2);
		assert.match(f[0], /^2 réactions « [^»]+ »$/);
		assert.match(f[1], /^1 réaction « [^»]+ »$/);
		const a = await archive(ar);
		assert.match(a[0], /^تفاعلان «[^»]+» \(2\)$/);
		assert.match(a[1], /^تفاعل «[^»]+» واحد \(1\)$/);
	});

	it('the newsroom dashboard\'s most reacted and most commented', async () => {
		const lists = async (srv) => {
			const ed = await loginAs(srv.url, 'ed@example.com');
			const html = (await ed.get('/newsroom/dashboard')).text;
			const out = {};
			for (const m of html.matchAll(/<li><a href="[^"]*">Story with (one|two)<\/a> <span class="num">([^<]*)<\/span>/g))
				(out[m[1]] ||= []).push(m[2]);
			return out;
		};
		assert.deepEqual(await lists(en), {
			one: ['1 reaction', '1 reaction', '1 comment', '1 comment'],
			two: ['2 reactions', '2 reactions', '2 comments', '2 comments'],
		});
		assert.deepEqual(await lists(fr), {
			one: ['1 réaction', '1 réaction', '1 commentaire', '1 commentaire'],
			two: ['2 réactions', '2 réactions', '2 commentaires', '2 commentaires'],
		});
	});
});
