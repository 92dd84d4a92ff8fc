// comments-moderation.test.mjs - what moderation leaves for readers: a
// removed comment keeps the replies of others under it as a "[removed]"
// placeholder, and the count (page, API, stream) is what a reader sees; a
// banned account sees the ban where it applies, may not react, like or
// report, and the newsroom users page shows and lifts the ban; likes are
// live for other readers; moderators get mail about held and reported
// comments (once per comment, in the site's language).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeSite, removeDir, sleep, startServer } from './lib.mjs';
import { startSmtp, Client, csrfOf, mailHeader } from './accounts-lib.mjs';
import {
	addUser, loginAs, story, commentBlock, headingCount, commentIds, api, openEvents,
} from './comments-lib.mjs';

const FAST = ['--login-rate-limit', '1000', '--comment-rate-limit', '1000',
	'--comment-min-seconds', '0'];

describe('comment moderation as readers see it', () => {
	let site, smtp, srv;
	const paths = {};
	const u = {};
	const ids = {};
	let annOther;		// a comment of Ann's that stays visible after her ban

	before(async () => {
		site = await makeSite();
		for (const s of ['ban-story', 'gone-story', 'like-story', 'held-story', 'report-story',
			'edit-story'])
			paths[s] = await story(site, s);
		for (const [k, name, role] of [['ann', 'Ann', 'reader'], ['bob', 'Bob', 'reader'],
			['cat', 'Cat', 'reader'], ['ed', 'Ed', 'editor'], ['ada', 'Ada', 'admin']])
			ids[k] = await addUser(site.db, `${k}@example.com`, name, role);
		smtp = await startSmtp();
		srv = await startServer({ db: site.db, args: [...FAST, '--smtp-url',
			`smtp://127.0.0.1:${smtp.port}`, '--smtp-plain', '--mail-from', 'news@example.com'] });
		for (const k of ['ann', 'bob', 'cat', 'ed', 'ada'])
			u[k] = await loginAs(srv.url, `${k}@example.com`);
	});
	after(async () => {
		await srv?.stop();
		await smtp?.close();
		await removeDir(site.dir);
	});

	/* Ban the author of comment @id from the queue (it must be there). */
	async function banFromQueue(id) {
		const q = await u.ed.get('/newsroom/comments');
		const r = await u.ed.post(`/newsroom/comments/${id}`,
			{ csrf: csrfOf(q.text, `/newsroom/comments/${id}`), action: 'ban' });
		assert.equal(r.status, 303);
	}

	test('banning an author keeps the replies of others under a "[removed]" placeholder; counts agree', async () => {
		const top = await api(u.ann, 'POST', '/api/v1/articles/ban-story/comments', { body: 'Words of Ann' });
		assert.equal(top.status, 201);
		const reply = await api(u.bob, 'POST', '/api/v1/articles/ban-story/comments',
			{ body: 'Bob answers', parent: top.json.comment.id });
		assert.equal(reply.status, 201);
		annOther = (await api(u.ann, 'POST', '/api/v1/articles/edit-story/comments', { body: 'Edit me later' })).json.comment.id;
		const page = await u.cat.get(paths['ban-story']);
		await u.cat.post(`/comments/${top.json.comment.id}/report`,
			{ csrf: csrfOf(page.text, `/comments/${top.json.comment.id}/report`) });
		await banFromQueue(top.json.comment.id);

		const anon = await new Client(srv.url).get(paths['ban-story']);
		const block = commentBlock(anon.text);
		assert.equal(headingCount(anon.text), 1);
		assert.deepEqual(commentIds(anon.text), [top.json.comment.id, reply.json.comment.id]);
		assert.match(block, /<p class="comment-deleted">\[removed\]<\/p>/);
		assert.match(block, /Bob answers/);
		assert.doesNotMatch(block, /Words of Ann|>Ann</);
		assert.doesNotMatch(block, /No comments yet/);
		const j = await api(new Client(srv.url), 'GET', '/api/v1/articles/ban-story/comments');
		assert.equal(j.json.count, 1);
		assert.equal(j.json.comments.length, 1);
		const [ph] = j.json.comments;
		assert.equal(ph.id, top.json.comment.id);
		assert.equal(ph.status, 'removed');
		assert.equal(ph.body, '');
		assert.equal(ph.html, '');
		assert.equal(ph.author, '');
		assert.equal(ph.replies.length, 1);
		assert.equal(ph.replies[0].body, 'Bob answers');
		assert.equal(ph.replies[0].author, 'Bob');
	});

	test('a removed comment without visible replies is not shown, nor counted', async () => {
		const top = await api(u.cat, 'POST', '/api/v1/articles/gone-story/comments', { body: 'Cat alone' });
		const page = await u.bob.get(paths['gone-story']);
		await u.bob.post(`/comments/${top.json.comment.id}/report`,
			{ csrf: csrfOf(page.text, `/comments/${top.json.comment.id}/report`) });
		const q = await u.ed.get('/newsroom/comments');
		const r = await u.ed.post(`/newsroom/comments/${top.json.comment.id}`,
			{ csrf: csrfOf(q.text, `/newsroom/comments/${top.json.comment.id}`), action: 'spam' });
		assert.equal(r.status, 303);
		const anon = await new Client(srv.url).get(paths['gone-story']);
		assert.equal(headingCount(anon.text), 0);
		assert.deepEqual(commentIds(anon.text), []);
		assert.match(commentBlock(anon.text), /No comments yet/);
		const j = await api(new Client(srv.url), 'GET', '/api/v1/articles/gone-story/comments');
		assert.deepEqual([j.json.count, j.json.comments.length], [0, 0]);
	});

	test('a banned account sees the ban, may not react, like or report; the users page shows and lifts it', async () => {
		// Ann was banned above; her session ended, she logs in again.
		const ann = await loginAs(srv.url, 'ann@example.com');
		const page = await ann.get(paths['ban-story']);
		const block = commentBlock(page.text);
		assert.match(block, /<p class="comment-login comment-banned" role="note">Your account is banned: you can read, but you cannot comment, react, like or report\.<\/p>/);
		assert.doesNotMatch(block, /<textarea|>Like<|>Report<|>Reply</);
		// The reaction buttons are off, with the same note.
		const rblock = /<section class="reactions"[\s\S]*?<\/section>/.exec(page.text)[0];
		assert.equal((rblock.match(/<button type="submit" class="reaction"[^>]* disabled>/g) || []).length, 7);
		assert.match(rblock, /<p class="reaction-banned" role="note">Your account is banned:/);
		const bobReply = (await api(ann, 'GET', '/api/v1/articles/ban-story/comments')).json.comments[0].replies[0].id;
		let r = await api(ann, 'PUT', `/api/v1/comments/${bobReply}/like`);
		assert.equal(r.status, 403);
		assert.match(r.json.error, /banned/);
		r = await api(ann, 'PUT', '/api/v1/articles/ban-story/reactions', { reaction: 'lol' });
		assert.equal(r.status, 403);
		assert.match(r.json.error, /banned/);
		r = await api(ann, 'DELETE', '/api/v1/articles/ban-story/reactions');
		assert.equal(r.status, 403);
		const csrf = csrfOf(page.text, '/react/ban-story');
		r = await ann.post('/react/ban-story', { csrf, reaction: 'lol' });
		assert.equal(r.status, 403);
		assert.match(r.text, /Your account is banned/);
		r = await ann.post(`/comments/${bobReply}/like`, { csrf });
		assert.equal(r.status, 403);
		assert.match(r.text, /Your account is banned/);
		r = await ann.post(`/comments/${bobReply}/report`, { csrf });
		assert.equal(r.status, 403);
		assert.match(r.text, /Your account is banned/);
		// Nor edit her comments that are still shown (in the edit window).
		r = await api(ann, 'PATCH', `/api/v1/comments/${annOther}`, { body: 'Edited while banned' });
		assert.equal(r.status, 403);
		assert.match(r.json.error, /banned/);
		r = await ann.get(`/comments/${annOther}/edit`);
		assert.equal(r.status, 403);
		assert.match(r.text, /Your account is banned/);
		assert.doesNotMatch(r.text, /<textarea/);
		assert.doesNotMatch(commentBlock((await ann.get(paths['edit-story'])).text), />Edit</);
		// The page without JavaScript to reply says so too, with no form.
		r = await ann.get(`/comments/${bobReply}/reply`);
		assert.equal(r.status, 403);
		assert.match(r.text, /Your account is banned/);
		assert.doesNotMatch(r.text, /<textarea/);
		const j = await api(new Client(srv.url), 'GET', '/api/v1/articles/ban-story/comments');
		assert.equal(j.json.comments[0].replies[0].likes, 0);
		const reactions = await api(new Client(srv.url), 'GET', '/api/v1/articles/ban-story/reactions');
		assert.equal(reactions.json.total, 0);

		// The users page shows the ban and lifts it (a form with a token).
		const users = await u.ada.get('/newsroom/users');
		const row = new RegExp(`<td>Ann <strong class="nr-banned">Banned</strong>\\s*<form method="post" action="/newsroom/users/${ids.ann}/unban"`);
		assert.match(users.text, row);
		assert.doesNotMatch(users.text, new RegExp(`/newsroom/users/${ids.bob}/unban`));
		r = await u.ada.post(`/newsroom/users/${ids.ann}/unban`, { csrf: 'forged' });
		assert.equal(r.status, 403);
		r = await u.bob.post(`/newsroom/users/${ids.ann}/unban`,
			{ csrf: csrfOf(page.text, '/react/ban-story') });
		assert.equal(r.status, 403);
		r = await u.ada.post(`/newsroom/users/${ids.ann}/unban`,
			{ csrf: csrfOf(users.text, `/newsroom/users/${ids.ann}/unban`) });
		assert.equal(r.status, 303);
		assert.equal(r.headers.location, '/newsroom/users?done=unban');
		const after = await u.ada.get(r.headers.location);
		assert.match(after.text, /The ban is lifted\./);
		assert.doesNotMatch(after.text, new RegExp(`/newsroom/users/${ids.ann}/unban`));
		// Ann's session goes on, and she may write again.
		assert.match(commentBlock((await ann.get(paths['ban-story'])).text), /<textarea/);
		r = await api(ann, 'PUT', `/api/v1/comments/${bobReply}/like`);
		assert.equal(r.status, 200);
		r = await api(ann, 'PUT', '/api/v1/articles/ban-story/reactions', { reaction: 'lol' });
		assert.equal(r.status, 200);
	});

	test('an editor finds banned accounts under the queue and lifts a ban there', async () => {
		const c = await api(u.cat, 'POST', '/api/v1/articles/edit-story/comments', { body: 'Cat goes too far' });
		const id = c.json.comment.id;
		const page = await u.bob.get(paths['edit-story']);
		await u.bob.post(`/comments/${id}/report`, { csrf: csrfOf(page.text, `/comments/${id}/report`) });
		await banFromQueue(id);
		const q = await u.ed.get('/newsroom/comments');
		assert.match(q.text, /<h2 id="banned-heading">Banned accounts<\/h2>/);
		assert.match(q.text, new RegExp(`<li><span class="comment-author">Cat</span>\\s*<form method="post" action="/newsroom/users/${ids.cat}/unban"`));
		assert.equal((await u.ed.get('/newsroom/users')).status, 403, 'the users page stays for admins');
		let r = await u.bob.post(`/newsroom/users/${ids.cat}/unban`, { csrf: csrfOf(page.text, `/comments/${id}/report`) });
		assert.equal(r.status, 403, 'readers may not unban');
		r = await u.ed.post(`/newsroom/users/${ids.cat}/unban`, { csrf: csrfOf(q.text, `/newsroom/users/${ids.cat}/unban`) });
		assert.equal(r.status, 303);
		assert.equal(r.headers.location, '/newsroom/comments?done=unban');
		const after = await u.ed.get(r.headers.location);
		assert.match(after.text, /The ban is lifted\./);
		assert.doesNotMatch(after.text, /Banned accounts/);
		// Her session ended with the ban; she logs in again and may write.
		u.cat = await loginAs(srv.url, 'cat@example.com');
		assert.equal((await api(u.cat, 'POST', '/api/v1/articles/edit-story/comments', { body: 'Sorry' })).status, 201);
	});

	test('a like or an unlike reaches the open event streams with the new count', async () => {
		const made = await api(u.cat, 'POST', '/api/v1/articles/like-story/comments', { body: 'Like this' });
		const id = made.json.comment.id;
		const ev = await openEvents(`${srv.url}/api/v1/articles/like-story/events`);
		try {
			assert.equal(ev.status, 200);
			let r = await api(u.bob, 'PUT', `/api/v1/comments/${id}/like`);
			assert.deepEqual(r.json, { likes: 1, liked: true });
			let m = await ev.waitFor(/event: comment-likes\ndata: (.*)\n\n/);
			assert.deepEqual(JSON.parse(m[1]), { id, likes: 1 });
			let from = ev.text().length;
			r = await api(u.ed, 'PUT', `/api/v1/comments/${id}/like`);
			m = await ev.waitFor(/event: comment-likes\ndata: (.*)\n\n/, 5000, from);
			assert.deepEqual(JSON.parse(m[1]), { id, likes: 2 });
			// The form's toggle too.
			from = ev.text().length;
			const page = await u.bob.get(paths['like-story']);
			r = await u.bob.post(`/comments/${id}/like`, { csrf: csrfOf(page.text, `/comments/${id}/like`) });
			assert.equal(r.status, 303);
			m = await ev.waitFor(/event: comment-likes\ndata: (.*)\n\n/, 5000, from);
			assert.deepEqual(JSON.parse(m[1]), { id, likes: 1 });
			// The kept block for anonymous readers follows.
			assert.match(commentBlock((await new Client(srv.url).get(paths['like-story'])).text),
				/<span data-likes>1<\/span> like</);
		} finally {
			ev.close();
		}
	});

	/* A MIME-encoded subject (RFC 2047, base64) as text. */
	const decodeSubject = (s) => s.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi,
		(_, b) => Buffer.from(b, 'base64').toString('utf8'));

	/* Messages to @to whose raw text matches @re. */
	const mails = (to, re) => smtp.messages.filter((m) => m.to.includes(to) && re.test(m.raw));

	test('a held comment mails every moderator once, but not its author', async () => {
		const page = await u.ed.get(paths['held-story']);
		const set = await u.ed.post('/comments/settings/held-story',
			{ csrf: csrfOf(page.text, '/comments/settings/held-story'), mode: 'all' });
		assert.equal(set.status, 303);
		const r = await api(u.cat, 'POST', '/api/v1/articles/held-story/comments', { body: 'Please hold me' });
		assert.equal(r.status, 202);
		for (const to of ['ed@example.com', 'ada@example.com']) {
			const m = await smtp.waitFor(to, /Please hold me/);
			assert.equal(mailHeader(m.raw, 'Subject'), 'A comment on "Story held-story" is waiting for moderation');
			assert.match(m.raw, /Cat wrote this comment on "Story held-story"; it is held until a moderator approves it:/);
			assert.match(m.raw, new RegExp(`${srv.url}/newsroom/comments`));
		}
		// An editor's own held comment goes to the others only.
		const own = await api(u.ed, 'POST', '/api/v1/articles/held-story/comments', { body: 'Held editor words' });
		assert.equal(own.status, 202);
		await smtp.waitFor('ada@example.com', /Held editor words/);
		// Visible comments mail nobody (open story).
		await api(u.cat, 'POST', '/api/v1/articles/report-story/comments', { body: 'Open words' });
		await sleep(500);
		assert.equal(mails('ed@example.com', /Please hold me/).length, 1);
		assert.equal(mails('ada@example.com', /Please hold me/).length, 1);
		assert.equal(mails('ed@example.com', /Held editor words/).length, 0);
		assert.equal(mails('cat@example.com', /moderation/).length, 0);
		assert.equal(smtp.messages.filter((m) => /Open words/.test(m.raw)).length, 0);
	});

	test('the first report mails the moderators; later reports do not, until it is reviewed', async () => {
		const made = await api(u.bob, 'POST', '/api/v1/articles/report-story/comments', { body: 'Report me twice' });
		assert.equal(made.status, 201);
		const id = made.json.comment.id;
		const report = async (c) => {
			const page = await c.get(paths['report-story']);
			const r = await c.post(`/comments/${id}/report`, { csrf: csrfOf(page.text, `/comments/${id}/report`) });
			assert.equal(r.status, 303);
		};
		await report(u.cat);
		const m = await smtp.waitFor('ed@example.com', /Report me twice/);
		assert.equal(mailHeader(m.raw, 'Subject'), 'A comment on "Story report-story" was reported');
		assert.match(m.raw, /A reader reported this comment by Bob on "Story report-story":/);
		await smtp.waitFor('ada@example.com', /Report me twice/);
		await report(await loginAs(srv.url, 'ann@example.com'));	// her session ended with the ban
		await report(u.cat);
		await sleep(500);
		assert.equal(mails('ed@example.com', /Report me twice/).length, 1);
		assert.equal(mails('ada@example.com', /Report me twice/).length, 1);
		assert.equal(mails('bob@example.com', /Report me twice/).length, 0);
		// Approved (reviewed), then reported by someone new: mail again.
		const q = await u.ed.get('/newsroom/comments');
		const ok = await u.ed.post(`/newsroom/comments/${id}`,
			{ csrf: csrfOf(q.text, `/newsroom/comments/${id}`), action: 'approve' });
		assert.equal(ok.status, 303);
		await report(u.ada);
		await smtp.waitFor('ed@example.com', /Report me twice/, { skip: 1 });
		assert.equal(mails('ada@example.com', /Report me twice/).length, 1, 'not to the reporter');
	});

	test('the moderators\' mail is in the site\'s language', async () => {
		const de = await startServer({ db: site.db, args: [...FAST, '--language', 'de', '--smtp-url',
			`smtp://127.0.0.1:${smtp.port}`, '--smtp-plain', '--mail-from', 'news@example.com'] });
		try {
			const cat = await loginAs(de.url, 'cat@example.com');
			const r = await api(cat, 'POST', '/api/v1/articles/held-story/comments', { body: 'Bitte freigeben' });
			assert.equal(r.status, 202);
			const m = await smtp.waitFor('ed@example.com', /Bitte freigeben/);
			const head = m.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]/g, ' ');
			assert.equal(decodeSubject(mailHeader(head, 'Subject')),
				'Ein Kommentar zu „Story held-story“ wartet auf Freigabe');
			assert.match(m.raw, /Cat hat diesen Kommentar zu „Story held-story“ geschrieben; er erscheint erst, wenn ihn die Moderation freigibt:/);
			assert.match(m.raw, /Geben Sie ihn in der Moderationsliste frei oder entfernen Sie ihn:/);
		} finally {
			await de.stop();
		}
	});
});
