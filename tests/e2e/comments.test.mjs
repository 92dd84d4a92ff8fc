// comments.test.mjs - comments end to end: logged-out, unverified and
// verified posting; replies and the depth limit; the edit window (moved
// on with DATELINE_TEST_CLOCK_FILE); delete keeping the thread; likes;
// every moderation mode, reports, bans and the queue; rate limit,
// honeypot and form age; reply mail through a real SMTP server (none for
// held comments), unsubscribe; counts on every page and in the API; the
// live event.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeSite, removeDir, request, startServer, sleep, decodeEntities, storyLinks } from './lib.mjs';
import { startSmtp, Client, csrfOf, mainText, sql } from './accounts-lib.mjs';
import {
	addUser, loginAs, story, commentBlock, headingCount, commentIds, postForm,
	api, openEvents,
} from './comments-lib.mjs';

const FAST = ['--login-rate-limit', '1000', '--comment-rate-limit', '1000',
	'--comment-min-seconds', '0'];

describe('comments', () => {
	let site, smtp, srv, clock;
	const paths = {};
	const u = {};		// logged-in clients
	const ids = {};		// account ids

	before(async () => {
		site = await makeSite();
		clock = path.join(site.dir, 'clock');
		fs.writeFileSync(clock, '0');
		for (const s of ['open-story', 'reply-story', 'edit-story', 'mod-story', 'first-story',
			'mail-story', 'like-story', 'closed-story'])
			paths[s] = await story(site, s);
		for (const [k, email, name, role] of [['ann', 'ann@example.com', 'Ann', 'reader'],
			['bob', 'bob@example.com', 'Bob', 'reader'],
			['cat', 'cat@example.com', 'Cat', 'reader'],
			['ed', 'ed@example.com', 'Ed', 'editor'],
			['spam', 'spam@example.com', 'Spammer', 'reader']])
			ids[k] = await addUser(site.db, email, name, role);
		smtp = await startSmtp();
		srv = await startServer({ db: site.db, args: [...FAST, '--smtp-url',
			`smtp://127.0.0.1:${smtp.port}`, '--smtp-plain', '--mail-from', 'news@example.com'],
		env: { DATELINE_TEST_CLOCK_FILE: clock } });
		for (const k of ['ann', 'bob', 'cat', 'ed', 'spam'])
			u[k] = await loginAs(srv.url, `${k}@example.com`);
	});
	after(async () => {
		await srv.stop();
		await smtp.close();
		await removeDir(site.dir);
	});

	test('a logged-out reader sees "Comments 0" and a log in link that comes back', async () => {
		const anon = new Client(srv.url);
		const r = await anon.get(paths['open-story']);
		assert.equal(r.status, 200);
		assert.equal(headingCount(r.text), 0);
		const block = commentBlock(r.text);
		const m = /<a href="([^"]*)">Log in to comment<\/a>/.exec(block);
		assert.ok(m, 'Log in to comment link');
		const href = decodeEntities(m[1]);
		const next = new URL(href, srv.url).searchParams.get('next');
		assert.equal(next, `${paths['open-story']}#comments`);
		assert.doesNotMatch(block, /<textarea/);
		// Logging in through that link comes back to the story.
		const lp = await anon.get(href);
		const li = await anon.post('/account/login', { csrf: csrfOf(lp.text, '/account/login'),
			email: 'cat@example.com', password: 'correct horse battery', next });
		assert.equal(li.status, 303);
		assert.equal(li.headers.location, `${paths['open-story']}#comments`);
	});

	test('posting while logged out is refused with a link to log in', async () => {
		const anon = new Client(srv.url);
		const page = await anon.get(paths['open-story']);
		// The anonymous reader's token (printed in the reaction forms).
		const csrf = csrfOf(page.text, '/react/open-story');
		const r = await anon.post('/comments/new/open-story', { csrf, body: 'Hi', stamp: '', parent: '' });
		assert.equal(r.status, 401);
		assert.match(r.text, /href="\/account\/login\?next=[^"]*">Log in to comment</);
		const j = await api(anon, 'POST', '/api/v1/articles/open-story/comments', { body: 'Hi' });
		assert.equal(j.status, 401);
		assert.equal(j.json.error, 'log in to comment');
	});

	test('an unverified account is refused, keeping the text', async () => {
		const c = new Client(srv.url);
		const su = await c.submit('/account/signup', '/account/signup',
			{ name: 'Newbie', email: 'new@example.com', password: 'correct horse battery' });
		assert.equal(su.status, 200);
		const nc = await loginAs(srv.url, 'new@example.com');
		const page = await nc.get(paths['open-story']);
		assert.match(commentBlock(page.text), /Confirm your e-mail address to comment/);
		assert.doesNotMatch(commentBlock(page.text), /<textarea/);
		const csrf = csrfOf(page.text, '/react/open-story');
		const r = await nc.post('/comments/new/open-story', { csrf, body: 'My unverified words', stamp: '', parent: '' });
		assert.equal(r.status, 403);
		assert.match(r.text, /Confirm your e-mail address/);
		assert.match(r.text, /<textarea[^>]*>My unverified words<\/textarea>/);
		const j = await api(nc, 'POST', '/api/v1/articles/open-story/comments', { body: 'x' });
		assert.equal(j.status, 403);
	});

	test('a verified reader posts; the comment shows with name, time and body; counts agree everywhere', async () => {
		const r = await postForm(u.ann, paths['open-story'], 'First! *Nice* story.');
		assert.equal(r.status, 303);
		const m = /#comment-(\d+)$/.exec(r.headers.location);
		assert.ok(m, r.headers.location);
		const page = await u.ann.get(paths['open-story']);
		const block = commentBlock(page.text);
		assert.equal(headingCount(page.text), 1);
		assert.match(block, new RegExp(`id="comment-${m[1]}"`));
		assert.match(block, /<span class="comment-author">Ann<\/span>/);
		assert.match(block, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" title="[^"]+ UTC">just now<\/time>/);
		assert.match(block, /<p>First! <em>Nice<\/em> story.<\/p>/);
		assert.match(block, /Reply<\/a>/);
		assert.match(block, />Edit<\/a>/);
		// The API, an anonymous page, the front page and the section page agree.
		const j = await api(new Client(srv.url), 'GET', '/api/v1/articles/open-story/comments');
		assert.equal(j.status, 200);
		assert.equal(j.json.count, 1);
		assert.equal(j.json.comments[0].author, 'Ann');
		assert.equal(j.json.comments[0].body, 'First! *Nice* story.');
		const anon = await new Client(srv.url).get(paths['open-story']);
		assert.equal(headingCount(anon.text), 1);
		for (const listPath of ['/', '/section/world/']) {
			const list = await new Client(srv.url).get(listPath);
			const re = new RegExp(`href="${paths['open-story']}#comments"><span data-comment-count>(\\d+)</span> comments?</a>`);
			assert.equal(Number(re.exec(list.text)[1]), 1, listPath);
		}
	});

	test('bad bodies are refused beside the field with the text kept', async () => {
		let r = await postForm(u.ann, paths['open-story'], '   ');
		assert.equal(r.status, 422);
		assert.match(r.text, /class="field-error"[^>]*>Write something before posting\./);
		const long = 'x'.repeat(5001);
		r = await postForm(u.ann, paths['open-story'], long);
		assert.equal(r.status, 422);
		assert.match(r.text, /Use at most 5,000 characters/);
		assert.ok(r.text.includes(`>${long}</textarea>`));
		const ok = await api(u.ann, 'POST', '/api/v1/articles/open-story/comments', { body: 'y'.repeat(5000) });
		assert.equal(ok.status, 201);
		r = await api(u.ann, 'POST', '/api/v1/articles/open-story/comments', { body: 'y'.repeat(5000) });
		assert.equal(r.status, 409, 'a duplicate');
		r = await api(u.ann, 'POST', '/api/v1/articles/no-such/comments', { body: 'z' });
		assert.equal(r.status, 404);
	});

	test('replies nest up to three deep; deeper is refused', async () => {
		const top = await api(u.ann, 'POST', '/api/v1/articles/reply-story/comments', { body: 'level 0' });
		assert.equal(top.status, 201);
		let parent = top.json.comment.id;
		const chain = [parent];
		for (const d of [1, 2, 3]) {
			const who = d % 2 ? u.bob : u.ann;
			const r = d === 2 ? await postForm(who, paths['reply-story'], `level ${d}`, { parent }) :
				await api(who, 'POST', '/api/v1/articles/reply-story/comments', { body: `level ${d}`, parent });
			assert.ok(r.status === 201 || r.status === 303, `level ${d}: ${r.status}`);
			parent = r.json ? r.json.comment.id : Number(/#comment-(\d+)/.exec(r.headers.location)[1]);
			chain.push(parent);
		}
		const deep = await api(u.bob, 'POST', '/api/v1/articles/reply-story/comments', { body: 'level 4', parent });
		assert.equal(deep.status, 422);
		assert.match(deep.json.error, /at most 3 deep/);
		const page = await u.ann.get(paths['reply-story']);
		assert.deepEqual(commentIds(page.text), chain);
		const block = commentBlock(page.text);
		// Nested lists, and no Reply on the deepest comment.
		assert.equal((block.match(/<ol class="comment-replies">/g) || []).length, 3);
		const last = block.slice(block.indexOf(`id="comment-${chain[3]}"`));
		assert.doesNotMatch(last.slice(0, last.indexOf('</article>')), /Reply<\/a>/);
		const j = await api(u.ann, 'GET', '/api/v1/articles/reply-story/comments');
		assert.equal(j.json.comments[0].replies[0].replies[0].replies[0].body, 'level 3');
		// The no-JavaScript reply page quotes the comment and carries the parent.
		const rp = await u.bob.get(`/comments/${chain[0]}/reply`);
		assert.equal(rp.status, 200);
		assert.match(rp.text, new RegExp(`name="parent" value="${chain[0]}"`));
		assert.match(rp.text, /Replying to Ann/);
	});

	test('authors edit within 15 minutes (marked edited), not after', async () => {
		fs.writeFileSync(clock, '0');
		const r = await postForm(u.ann, paths['edit-story'], 'Teh typo');
		const id = Number(/#comment-(\d+)/.exec(r.headers.location)[1]);
		const form = await u.ann.get(`/comments/${id}/edit`);
		assert.equal(form.status, 200);
		assert.match(form.text, /<textarea[^>]*>Teh typo<\/textarea>/);
		const other = await u.bob.get(`/comments/${id}/edit`);
		assert.equal(other.status, 403);
		const e = await u.ann.post(`/comments/${id}/edit`, { csrf: csrfOf(form.text, `/comments/${id}/edit`), body: 'The typo, fixed' });
		assert.equal(e.status, 303);
		let page = await u.ann.get(paths['edit-story']);
		assert.match(commentBlock(page.text), /The typo, fixed<\/p>/);
		assert.match(commentBlock(page.text), /\(edited\)/);
		const p = await api(u.ann, 'PATCH', `/api/v1/comments/${id}`, { body: 'Edited by API' });
		assert.equal(p.status, 200);
		assert.ok(p.json.comment.edited);
		const pb = await api(u.bob, 'PATCH', `/api/v1/comments/${id}`, { body: 'Not mine' });
		assert.equal(pb.status, 403);
		// An edit cannot bring in the links a post would be held for.
		const spam = 'Buy https://a.example https://b.example https://c.example';
		const ef = await u.ann.get(`/comments/${id}/edit`);
		const many = await u.ann.post(`/comments/${id}/edit`, { csrf: csrfOf(ef.text, `/comments/${id}/edit`), body: spam });
		assert.equal(many.status, 422);
		assert.match(many.text, /An edit may hold at most 2 links/);
		assert.match(many.text, /<textarea[^>]*>Buy https:\/\/a\.example/, 'the text is kept');
		const pm = await api(u.ann, 'PATCH', `/api/v1/comments/${id}`, { body: spam });
		assert.equal(pm.status, 422);
		page = await u.ann.get(paths['edit-story']);
		assert.match(commentBlock(page.text), /Edited by API/);
		assert.doesNotMatch(page.text, /b\.example/);
		// 16 minutes later.
		fs.writeFileSync(clock, String(16 * 60));
		try {
			page = await u.ann.get(paths['edit-story']);
			assert.doesNotMatch(commentBlock(page.text), />Edit<\/a>/);
			const late = await u.ann.post(`/comments/${id}/edit`, { csrf: csrfOf(page.text, '/comments/new/edit-story'), body: 'Too late now' });
			assert.equal(late.status, 403);
			assert.match(late.text, /15 minutes to edit this comment have passed/);
			assert.match(late.text, /<textarea[^>]*>Too late now<\/textarea>/);
			const lp = await api(u.ann, 'PATCH', `/api/v1/comments/${id}`, { body: 'late' });
			assert.equal(lp.status, 403);
		} finally {
			fs.writeFileSync(clock, '0');
		}
	});

	test('deleting keeps the thread with a [deleted] placeholder; counts follow', async () => {
		const top = await api(u.ann, 'POST', '/api/v1/articles/like-story/comments', { body: 'Parent to delete' });
		const reply = await api(u.bob, 'POST', '/api/v1/articles/like-story/comments', { body: 'A reply stays', parent: top.json.comment.id });
		const lone = await api(u.ann, 'POST', '/api/v1/articles/like-story/comments', { body: 'Lonely' });
		assert.equal(lone.json.count, 3);
		const notMine = await api(u.bob, 'DELETE', `/api/v1/comments/${top.json.comment.id}`);
		assert.equal(notMine.status, 403);
		const page = await u.ann.get(paths['like-story']);
		const del = await u.ann.post(`/comments/${top.json.comment.id}/delete`,
			{ csrf: csrfOf(page.text, `/comments/${top.json.comment.id}/delete`) });
		assert.equal(del.status, 303);
		const d2 = await api(u.ann, 'DELETE', `/api/v1/comments/${lone.json.comment.id}`);
		assert.equal(d2.status, 200);
		assert.equal(d2.json.count, 1);
		const after = await new Client(srv.url).get(paths['like-story']);
		const block = commentBlock(after.text);
		assert.equal(headingCount(after.text), 1);
		assert.match(block, /\[deleted\]/);
		assert.doesNotMatch(block, /Parent to delete|Lonely/);
		assert.match(block, /A reply stays/);
		const j = await api(u.cat, 'GET', '/api/v1/articles/like-story/comments');
		assert.equal(j.json.comments.length, 1);
		assert.equal(j.json.comments[0].deleted, true);
		assert.equal(j.json.comments[0].replies[0].id, reply.json.comment.id);
	});

	test('readers like a comment once, and unlike it', async () => {
		const c = await api(u.ann, 'POST', '/api/v1/articles/like-story/comments', { body: 'Like me' });
		const id = c.json.comment.id;
		let r = await api(u.bob, 'PUT', `/api/v1/comments/${id}/like`);
		assert.deepEqual(r.json, { likes: 1, liked: true });
		r = await api(u.bob, 'PUT', `/api/v1/comments/${id}/like`);
		assert.deepEqual(r.json, { likes: 1, liked: true }, 'once');
		const page = await u.cat.get(paths['like-story']);
		r = await u.cat.post(`/comments/${id}/like`, { csrf: csrfOf(page.text, `/comments/${id}/like`) });
		assert.equal(r.status, 303);
		const anon = await new Client(srv.url).get(paths['like-story']);
		assert.match(commentBlock(anon.text), new RegExp(`id="comment-${id}"[\\s\\S]*?<span data-likes>2</span> likes`));
		r = await u.cat.post(`/comments/${id}/like`, { csrf: csrfOf(page.text, `/comments/${id}/like`) });
		r = await api(u.bob, 'DELETE', `/api/v1/comments/${id}/like`);
		assert.deepEqual(r.json, { likes: 0, liked: false });
		const sorted = await api(u.bob, 'GET', '/api/v1/articles/like-story/comments?sort=liked&limit=1');
		assert.equal(sorted.json.sort, 'liked');
		assert.equal(sorted.json.comments.length, 1);
		const bad = await api(u.bob, 'GET', '/api/v1/articles/like-story/comments?sort=best');
		assert.equal(bad.status, 400);
	});

	test('moderation per article: hold all, then approve from the queue', async () => {
		// Who may see the queue.
		let q = await new Client(srv.url).get('/newsroom/comments');
		assert.equal(q.status, 303);
		assert.match(q.headers.location, /^\/account\/login\?next=/);
		q = await u.ann.get('/newsroom/comments');
		assert.equal(q.status, 403);
		// The editor sets the story to hold everything.
		const page = await u.ed.get(paths['mod-story']);
		assert.match(commentBlock(page.text), /Comment settings for this story/);
		const s = await u.ed.post('/comments/settings/mod-story', { csrf: csrfOf(page.text, '/comments/settings/mod-story'), mode: 'all' });
		assert.equal(s.status, 303);
		const r = await postForm(u.bob, paths['mod-story'], 'Held for review');
		assert.equal(r.status, 303);
		assert.match(r.headers.location, /\?cheld=1#comments$/);
		const held = await u.bob.get(r.headers.location);
		assert.match(commentBlock(held.text), /waiting|moderator has approved/);
		assert.doesNotMatch(commentBlock(held.text), /Held for review/);
		assert.equal(headingCount(held.text), 0);
		q = await u.ed.get('/newsroom/comments');
		assert.equal(q.status, 200);
		assert.match(q.text, /Comments to moderate/);
		const m = new RegExp(`id="queue-(\\d+)"[\\s\\S]*?Held[\\s\\S]*?Held for review`).exec(q.text);
		assert.ok(m, 'the held comment is in the queue');
		const ap = await u.ed.post(`/newsroom/comments/${m[1]}`, { csrf: csrfOf(q.text, `/newsroom/comments/${m[1]}`), action: 'approve' });
		assert.equal(ap.status, 303);
		const shown = await new Client(srv.url).get(paths['mod-story']);
		assert.match(commentBlock(shown.text), /Held for review/);
		assert.equal(headingCount(shown.text), 1);
		// Reject and spam keep a comment away.
		for (const action of ['reject', 'spam']) {
			await postForm(u.cat, paths['mod-story'], `to ${action}`);
			q = await u.ed.get('/newsroom/comments');
			const mm = new RegExp(`id="queue-(\\d+)"[\\s\\S]*?to ${action}`).exec(q.text);
			const a = await u.ed.post(`/newsroom/comments/${mm[1]}`, { csrf: csrfOf(q.text, `/newsroom/comments/${mm[1]}`), action });
			assert.equal(a.status, 303);
		}
		const fin = await new Client(srv.url).get(paths['mod-story']);
		assert.doesNotMatch(commentBlock(fin.text), /to reject|to spam/);
		assert.equal(headingCount(fin.text), 1);
		// Closing the story.
		const p2 = await u.ed.get(paths['closed-story']);
		await u.ed.post('/comments/settings/closed-story', { csrf: csrfOf(p2.text, '/comments/settings/closed-story'), mode: 'site', closed: '1' });
		const closed = await u.bob.get(paths['closed-story']);
		assert.match(commentBlock(closed.text), /Comments are closed\./);
		const cr = await api(u.bob, 'POST', '/api/v1/articles/closed-story/comments', { body: 'closed?' });
		assert.equal(cr.status, 403);
		assert.match(cr.json.error, /closed/);
	});

	test('--comments-close-days closes a story that many days after publication', async () => {
		// The stories were published on 2024-03-04: open for 10 years.
		const clock2 = path.join(site.dir, 'clock2');
		fs.writeFileSync(clock2, '0');
		const s2 = await startServer({ db: site.db, args: [...FAST, '--comments-close-days', '3650'],
			env: { DATELINE_TEST_CLOCK_FILE: clock2 } });
		try {
			const dan = await loginAs(s2.url, 'bob@example.com');
			const ok = await api(dan, 'POST', '/api/v1/articles/like-story/comments', { body: 'Still open' });
			assert.equal(ok.status, 201);
			assert.match(commentBlock((await dan.get(paths['like-story'])).text), /<textarea/);
			// Eleven years after publication.
			fs.writeFileSync(clock2, String(9 * 365 * 86400));
			const page = await dan.get(paths['like-story']);
			assert.match(commentBlock(page.text), /Comments are closed\./);
			assert.doesNotMatch(commentBlock(page.text), /<textarea/);
			const late = await api(dan, 'POST', '/api/v1/articles/like-story/comments', { body: 'Too late' });
			assert.equal(late.status, 403);
			assert.match(late.json.error, /closed/);
		} finally {
			await s2.stop();
		}
	});

	test('moderation "first": a new account\'s first comment is held, later ones are not; many links are held', async () => {
		const page = await u.ed.get(paths['first-story']);
		await u.ed.post('/comments/settings/first-story', { csrf: csrfOf(page.text, '/comments/settings/first-story'), mode: 'first' });
		const fresh = await addUser(site.db, 'fresh@example.com', 'Fresh');
		assert.ok(fresh);
		const f = await loginAs(srv.url, 'fresh@example.com');
		let r = await api(f, 'POST', '/api/v1/articles/first-story/comments', { body: 'my first' });
		assert.equal(r.status, 202);
		assert.equal(r.json.comment.status, 'held');
		// Ann has visible comments already: not held.
		r = await api(u.ann, 'POST', '/api/v1/articles/first-story/comments', { body: 'old hand' });
		assert.equal(r.status, 201);
		const q = await u.ed.get('/newsroom/comments');
		const m = new RegExp(`id="queue-(\\d+)"[\\s\\S]*?my first`).exec(q.text);
		await u.ed.post(`/newsroom/comments/${m[1]}`, { csrf: csrfOf(q.text, `/newsroom/comments/${m[1]}`), action: 'approve' });
		r = await api(f, 'POST', '/api/v1/articles/first-story/comments', { body: 'my second' });
		assert.equal(r.status, 201);
		// More than two links: held whatever the mode.
		r = await api(u.ann, 'POST', '/api/v1/articles/open-story/comments',
			{ body: 'https://a.example https://b.example https://c.example' });
		assert.equal(r.status, 202);
		r = await api(u.ann, 'POST', '/api/v1/articles/open-story/comments',
			{ body: 'https://a.example and https://b.example' });
		assert.equal(r.status, 201);
	});

	test('reports reach the queue; a ban stops comments and ends sessions', async () => {
		const c = await api(u.spam, 'POST', '/api/v1/articles/open-story/comments', { body: 'Buy pills' });
		const id = c.json.comment.id;
		const page = await u.bob.get(paths['open-story']);
		const rep = await u.bob.post(`/comments/${id}/report`, { csrf: csrfOf(page.text, `/comments/${id}/report`) });
		assert.equal(rep.status, 303);
		const thanks = await u.bob.get(rep.headers.location);
		assert.match(commentBlock(thanks.text), /Thank you for the report/);
		const q = await u.ed.get('/newsroom/comments');
		assert.match(q.text, new RegExp(`id="queue-${id}"[\\s\\S]*?Reported[\\s\\S]*?reported 1 time<`));
		const ban = await u.ed.post(`/newsroom/comments/${id}`, { csrf: csrfOf(q.text, `/newsroom/comments/${id}`), action: 'ban' });
		assert.equal(ban.status, 303);
		const after = await new Client(srv.url).get(paths['open-story']);
		assert.doesNotMatch(commentBlock(after.text), /Buy pills/);
		// The session ended; logging in again, posting is refused.
		const gone = await api(u.spam, 'POST', '/api/v1/articles/open-story/comments', { body: 'again' });
		assert.equal(gone.status, 401);
		const again = await loginAs(srv.url, 'spam@example.com');
		// The page says so instead of offering a form; a post is refused.
		const banned = await again.get(paths['open-story']);
		assert.match(commentBlock(banned.text), /Your account is banned/);
		assert.doesNotMatch(commentBlock(banned.text), /<textarea/);
		const refused = await again.post('/comments/new/open-story', { csrf: csrfOf(banned.text,
			'/react/open-story'), stamp: '', parent: '', body: 'Still selling', website: '' });
		assert.equal(refused.status, 403);
		assert.match(refused.text, /may not comment/);
		assert.match(refused.text, /<textarea[^>]*>Still selling<\/textarea>/);
	});

	test('the honeypot and a forged form stamp are refused with the text kept', async () => {
		let r = await postForm(u.cat, paths['open-story'], 'I am a bot', { website: 'http://spam.example' });
		assert.equal(r.status, 400);
		assert.match(r.text, /<textarea[^>]*>I am a bot<\/textarea>/);
		r = await postForm(u.cat, paths['open-story'], 'Forged', { stamp: '1.AAAA' });
		assert.equal(r.status, 400);
		assert.match(r.text, /That was quick/);
		assert.match(r.text, /<textarea[^>]*>Forged<\/textarea>/);
	});

	test('reply mail through SMTP with a working unsubscribe link; none for held replies', async () => {
		// Mail about this story only (other tests reply to Ann too).
		const annMail = () => smtp.messages.filter((m) => m.to.includes('ann@example.com') &&
			/Story mail-story/.test(m.raw)).length;
		const before = annMail();
		const top = await api(u.ann, 'POST', '/api/v1/articles/mail-story/comments', { body: 'Tell me when someone answers' });
		const reply = await api(u.bob, 'POST', '/api/v1/articles/mail-story/comments', { body: 'Here is an answer', parent: top.json.comment.id });
		assert.equal(reply.status, 201);
		const msg = await smtp.waitFor('ann@example.com', /Here is an answer/);
		assert.match(msg.raw, /Bob replied to your comment/);
		assert.match(msg.raw, /Here is an answer/);
		assert.match(msg.raw, new RegExp(`${paths['mail-story']}#comment-${top.json.comment.id}`));
		// Own replies send nothing; a held reply sends nothing until approved.
		await api(u.ann, 'POST', '/api/v1/articles/mail-story/comments', { body: 'self reply', parent: top.json.comment.id });
		const held = await api(u.cat, 'POST', '/api/v1/articles/mail-story/comments',
			{ body: 'held https://a.example https://b.example https://c.example', parent: top.json.comment.id });
		assert.equal(held.status, 202);
		await sleep(700);
		assert.equal(annMail(), before + 1);
		const q = await u.ed.get('/newsroom/comments');
		await u.ed.post(`/newsroom/comments/${held.json.comment.id}`,
			{ csrf: csrfOf(q.text, `/newsroom/comments/${held.json.comment.id}`), action: 'approve' });
		const second = await smtp.waitFor('ann@example.com', /Cat replied/);
		const link = /(http:\/\/[^\s]+\/comments\/unsubscribe\/[0-9]+\.[A-Za-z0-9_-]+)/.exec(second.raw.replace(/=\r?\n/g, ''));
		assert.ok(link, 'an unsubscribe link');
		// One-click headers (RFC 8058) name the same link.
		const headers = second.raw.replace(/\r\n[ \t]+/g, ' ').split('\r\n\r\n')[0];
		assert.ok(headers.split('\r\n').includes(`List-Unsubscribe: <${link[1]}>`), headers);
		assert.match(headers, /\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
		const path = link[1].replace(srv.url, '');
		const bad = await new Client(srv.url).get(path.replace(/.$/, 'x'));
		assert.equal(bad.status, 400);
		// Opening the link only asks (link checkers fetch every link).
		const ask = await new Client(srv.url).get(path);
		assert.equal(ask.status, 200);
		assert.match(mainText(ask.text), /Stop e-mail about replies\?/);
		assert.match(ask.text, new RegExp(`<form method="post" action="${path}"`));
		assert.equal(sql(site.db, `SELECT reply_mail FROM accounts WHERE email = 'ann@example.com'`)[0][0], '1');
		// A mail program's one-click POST: no cookie, no token.
		const body = 'List-Unsubscribe=One-Click';
		const un = await request(srv.url + path, { method: 'POST', body, headers: {
			'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length } });
		assert.equal(un.status, 200);
		assert.match(mainText(un.text), /no more e-mail about replies/);
		await api(u.bob, 'POST', '/api/v1/articles/mail-story/comments', { body: 'after unsubscribing', parent: top.json.comment.id });
		await sleep(700);
		assert.equal(annMail(), before + 2);
	});

	test('a new comment reaches open pages as a `comment` event with the count', async () => {
		const ev = await openEvents(`${srv.url}/api/v1/articles/reply-story/events`);
		try {
			assert.equal(ev.status, 200);
			await ev.waitFor(/: connected/);
			const r = await api(u.cat, 'POST', '/api/v1/articles/reply-story/comments', { body: 'Live *one*' });
			const m = await ev.waitFor(/event: comment\ndata: (.*)\n\n/);
			const d = JSON.parse(m[1]);
			assert.equal(d.id, r.json.comment.id);
			assert.equal(d.count, r.json.count);
			assert.match(d.html, /<li class="comment" id="comment-\d+"/);
			assert.match(d.html, /Live <em>one<\/em>/);
			assert.doesNotMatch(d.html, /name="csrf"/, 'no reader\'s token in a shared event');
			const from = ev.text().length;
			await api(u.cat, 'DELETE', `/api/v1/comments/${r.json.comment.id}`);
			const c = await ev.waitFor(/event: comment-count\ndata: (.*)\n\n/, 5000, from);
			assert.equal(JSON.parse(c[1]).count, r.json.count - 1);
		} finally {
			ev.close();
		}
	});

	test('"Show more comments" pages with a keyset link', async () => {
		const slug = 'open-story';
		for (let i = 0; i < 21; i++)
			await api(u.cat, 'POST', `/api/v1/articles/${slug}/comments`, { body: `filler ${i}` });
		const page = await new Client(srv.url).get(paths[slug]);
		const m = /<a href="([^"]*)" rel="next" data-comment-more>Show more comments<\/a>/.exec(page.text);
		assert.ok(m);
		const first = commentIds(page.text);
		const next = await new Client(srv.url).get(paths[slug] + decodeEntities(m[1]).replace(/#.*/, ''));
		const second = commentIds(next.text);
		assert.ok(second.length > 0);
		assert.ok(second.every((id) => !first.includes(id)));
		const j = await api(u.cat, 'GET', `/api/v1/articles/${slug}/comments`);
		assert.ok(j.json.next);
		const j2 = await api(u.cat, 'GET', j.json.next);
		assert.ok(j2.json.comments.every((c) => !j.json.comments.some((x) => x.id === c.id)));
		assert.equal(j2.json.count, j.json.count);
		assert.equal(headingCount(page.text), j.json.count);
	});
});

describe('comment limits and the site-wide moderation default', () => {
	let site, srv, p;

	before(async () => {
		site = await makeSite();
		p = await story(site, 'limits');
		await addUser(site.db, 'ann@example.com', 'Ann');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000',
			'--comment-rate-limit', '2', '--comment-min-seconds', '30', '--comment-moderation', 'all'] });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('a form posted sooner than --comment-min-seconds is refused; the rate limit answers 429 with the text kept; "all" holds', async () => {
		const c = await loginAs(srv.url, 'ann@example.com');
		const quick = await postForm(c, p, 'Too quick');
		assert.equal(quick.status, 400);
		assert.match(quick.text, /That was quick/);
		// The refused post took one of the two a minute.
		const r = await api(c, 'POST', '/api/v1/articles/limits/comments', { body: 'api 1' });
		assert.equal(r.status, 202, 'held by the site default');
		const over = await api(c, 'POST', '/api/v1/articles/limits/comments', { body: 'api 2' });
		assert.equal(over.status, 429);
		assert.ok(Number(over.headers['retry-after']) >= 1);
		const form = await postForm(c, p, 'Typed with care');
		assert.equal(form.status, 429);
		assert.match(form.text, /commenting too fast/);
		assert.match(form.text, /<textarea[^>]*>Typed with care<\/textarea>/);
		const page = await c.get(p);
		assert.equal(headingCount(page.text), 0);
	});

	test('bad option values are refused', async () => {
		const { runCli } = await import('./lib.mjs');
		for (const args of [['--comment-moderation', 'some'], ['--comment-depth', '0'], ['--comment-rate-limit', 'x']]) {
			const r = await runCli(['serve', '--db', site.db, '--listen', '127.0.0.1:1', ...args]);
			assert.equal(r.code, 2, args.join(' '));
			assert.match(r.stderr, /^error: --comment/);
		}
	});
});
