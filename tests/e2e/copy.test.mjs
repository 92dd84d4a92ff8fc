// copy.test.mjs - `dateline copy` moves a whole site: a SQLite site made
// through the HTTP API and the CLI (stories with a photo, accounts,
// reactions, a threaded comment with a like, a queued mail) is copied to
// PostgreSQL and back to a new SQLite file, and each copy serves the same
// site: the story page, counts, comment thread, photo bytes, a session
// made before the copy, a log in, and new rows after the copied ids.
// An interrupted copy run again ends with the same counts; bad arguments
// and a destination holding another site are refused.  Without
// PostgreSQL ($DATELINE_TEST_PG) the copies are SQLite to SQLite.
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	DEMO_IMAGES, PG, addArticle, dbRowsSync, pgDatabase, removeDir, request, runCli,
	startServer, tempDir,
} from './lib.mjs';
import { Client, csrfOf } from './accounts-lib.mjs';
import { PW, addUser, api, commentIds, headingCount, loginAs } from './comments-lib.mjs';

const ARGS = ['--login-rate-limit', '1000', '--comment-rate-limit', '1000',
	'--comment-min-seconds', '0', '--reaction-rate-limit', '0',
	// A mail server that is not there: reply mail stays queued.
	'--smtp-url', 'smtp://127.0.0.1:1', '--smtp-plain', '--mail-from', 'news@example.com'];

const copy = (from, to, extra = [], env = {}) =>
	runCli(['copy', '--from', from, '--to', to, ...extra], { env, timeout: 60000 });

/* A new empty database: PostgreSQL when the run has one, else a file. */
const freshDb = (dir, name) => PG ? pgDatabase() : path.join(dir, `${name}.db`);

/* What a visitor and a reader see of the site served from @db. */
async function snapshot(db, dir, storyPath, bobCookie) {
	const srv = await startServer({ db, args: [...ARGS, '--maildir', path.join(dir, 'mail'),
		'--base-url', 'https://news.example.org'] });
	try {
		const page = await request(srv.url + storyPath);
		assert.equal(page.status, 200);
		const photo = /<img[^>]* src="(\/media\/[^"]+)"/.exec(page.text)[1];
		const img = await request(srv.url + photo);
		const reactions = JSON.parse((await request(
			`${srv.url}/api/v1/articles/copied-story/reactions`)).text).counts;
		const comments = JSON.parse((await request(
			`${srv.url}/api/v1/articles/copied-story/comments`)).text);
		// Bob's session from before the copy still works.
		const bob = await request(srv.url + '/account/', { headers: { Cookie: bobCookie } });
		// Ann logs in with her password; a new comment gets a new id.
		const ann = await loginAs(srv.url, 'ann@example.com');
		const fresh = await api(ann, 'POST', '/api/v1/articles/copied-story/comments',
			{ body: 'Written after the copy' });
		const search = await request(`${srv.url}/search?q=harbour`);
		return {
			headline: /<h1[^>]*>([^<]*)<\/h1>/.exec(page.text)[1],
			ids: commentIds(page.text), count: headingCount(page.text),
			html: page.text.replace(/<input type="hidden" name="stamp"[^>]*>/g, ''),
			photo: img.body, reactions,
			thread: comments.comments.map((c) => [c.id, c.parent, c.author, c.html, c.likes]),
			bobLoggedIn: bob.status === 200 && /bob@example\.com/.test(bob.text),
			freshId: fresh.json?.comment?.id, freshStatus: fresh.status,
			found: /copied-story/.test(search.text),
		};
	} finally {
		await srv.stop();
	}
}

describe('dateline copy', () => {
	let dir, src, storyPath, bobCookie, maxComment;

	before(async () => {
		dir = await tempDir('dateline-copy-');
		src = path.join(dir, 'site.db');
		assert.equal((await runCli(['init', '--db', src])).code, 0);
		await fsp.copyFile(path.join(DEMO_IMAGES, 'harbour.jpg'), path.join(dir, 'harbour.jpg'));
		storyPath = await addArticle({ dir, db: src }, {
			headline: 'A story that moves', slug: 'copied-story', summary: 'Copied.',
			author: 'Desk', section: 'World', tags: 'Harbour, Moving',
			published: '2024-03-04T05:06:07Z', status: 'published',
			photo: 'harbour.jpg', caption: 'A file photo of the harbour.', credit: 'Desk',
		}, 'BEIRUT — The body of the story.\n');
		for (let i = 0; i < 7; i++)
			await addArticle({ dir, db: src }, {
				headline: `Filler story ${i}`, slug: `filler-${i}`, section: 'Sport',
				published: `2024-02-0${i + 1}T00:00:00Z`, status: 'published',
			}, `Filler ${i}.\n`);
		await addUser(src, 'ann@example.com', 'Ann');
		await addUser(src, 'bob@example.com', 'Bob');
		const srv = await startServer({ db: src, args: [...ARGS, '--maildir', path.join(dir, 'mail')] });
		try {
			for (const kind of ['love', 'love', 'win'])
				await request(`${srv.url}/api/v1/articles/copied-story/reactions`, {
					method: 'PUT', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ reaction: kind }) });
			const ann = await loginAs(srv.url, 'ann@example.com');
			const bob = await loginAs(srv.url, 'bob@example.com');
			bobCookie = bob.cookieHeader();
			const top = await api(ann, 'POST', '/api/v1/articles/copied-story/comments',
				{ body: 'A **first** comment' });
			assert.equal(top.status, 201);
			const reply = await api(bob, 'POST', '/api/v1/articles/copied-story/comments',
				{ body: 'A reply', parent: top.json.comment.id });
			assert.equal(reply.status, 201);
			assert.equal((await api(bob, 'PUT', `/api/v1/comments/${top.json.comment.id}/like`)).status, 200);
			// A report an editor has already seen: the queue must not show it again.
			const rp = await bob.get(storyPath);
			assert.equal((await bob.post(`/comments/${top.json.comment.id}/report`,
				{ csrf: csrfOf(rp.text, `/comments/${top.json.comment.id}/report`) })).status, 303);
			maxComment = reply.json.comment.id;
		} finally {
			await srv.stop();
		}
		assert.ok(dbRowsSync(src, 'SELECT count(*) FROM outbox')[0][0] >= 1, 'a queued mail');
		dbRowsSync(src, 'UPDATE comments SET reviewed = 1 WHERE reports > 0');
		// An account in another newsroom language whose address bounces.
		dbRowsSync(src, `UPDATE accounts SET language = 'de', bounced = 1700000000, bounce_reason = '550 no such user' WHERE email = 'ann@example.com'`);
		// A story marked as updated, with a correction.
		dbRowsSync(src, 'UPDATE articles SET update_marked = published + 3600');
		dbRowsSync(src, `INSERT INTO corrections (article_id, created, body) SELECT id, published + 3600, 'It was Tuesday.' FROM articles`);
	});

	after(async () => {
		if (dir)
			await removeDir(dir);
	});

	test('the copy serves the same site, and so does a copy of the copy', async () => {
		const dst = freshDb(dir, 'copy');
		const r = await copy(src, dst);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /done: every table has as many rows as the source/);
		const back = path.join(dir, 'back.db');
		const r2 = await copy(dst, back);
		assert.equal(r2.code, 0, r2.stderr);
		for (const t of ['outbox', 'sessions', 'reactions', 'comment_likes', 'photo_variants', 'media'])
			assert.deepEqual(dbRowsSync(dst, `SELECT count(*) FROM ${t}`),
				dbRowsSync(src, `SELECT count(*) FROM ${t}`), t);
		const acct = 'SELECT id, language, bounced, bounce_reason FROM accounts ORDER BY id';
		assert.ok(dbRowsSync(src, acct).some((r) => r[1] === 'de' && r[2] === '1700000000' && r[3] === '550 no such user'));
		assert.deepEqual(dbRowsSync(dst, acct), dbRowsSync(src, acct), 'languages and bounces copied');
		assert.deepEqual(dbRowsSync(back, acct), dbRowsSync(src, acct), 'and copied back');
		const upd = 'SELECT a.id, a.update_marked, c.id, c.created, c.body FROM articles a JOIN corrections c ON c.article_id = a.id ORDER BY a.id, c.id';
		assert.ok(dbRowsSync(src, upd).length > 0);
		assert.deepEqual(dbRowsSync(dst, upd), dbRowsSync(src, upd), 'updates and corrections copied');
		assert.deepEqual(dbRowsSync(back, upd), dbRowsSync(src, upd), 'and copied back');
		// The snapshots write (a new comment), so take the source's last.
		const a = await snapshot(dst, dir, storyPath, bobCookie);
		const b = await snapshot(back, dir, storyPath, bobCookie);
		const s = await snapshot(src, dir, storyPath, bobCookie);
		for (const x of [a, b]) {
			assert.equal(x.headline, s.headline);
			assert.deepEqual(x.ids, s.ids);
			assert.equal(x.count, s.count);
			assert.equal(x.html, s.html, 'the same story page');
			assert.ok(x.photo.equals(s.photo), 'the same photo bytes');
			assert.deepEqual(x.reactions, s.reactions);
			assert.equal(x.reactions.love, 2);
			assert.ok(x.bobLoggedIn, 'a session made before the copy works');
			assert.equal(x.freshStatus, 201);
			assert.ok(x.freshId > maxComment, `new ids after the copied ones (${x.freshId})`);
			assert.ok(x.found, 'search finds the story');
		}
		assert.deepEqual(a.thread.slice(0, 2), s.thread.slice(0, 2));
		assert.equal(s.ids.length, 2);
		assert.equal(a.thread.find((c) => c[0] === s.ids[0])[4], 1, 'the like');
	});

	test('an interrupted copy run again ends with the same result', async () => {
		const dst = freshDb(dir, 'resumed');
		const cut = await copy(src, dst, ['--batch', '2'], { DATELINE_TEST_COPY_BATCHES: '5' });
		assert.equal(cut.code, 3, cut.stderr);
		const partial = Number(dbRowsSync(dst, 'SELECT count(*) FROM articles')[0][0]);
		assert.ok(partial < 8, `only part copied (${partial} stories)`);
		const again = await copy(src, dst, ['--batch', '2']);
		assert.equal(again.code, 0, again.stderr);
		assert.doesNotMatch(again.stdout, /DIFFERENT/);
		for (const t of ['articles', 'article_tags', 'comments', 'reaction_counts', 'media'])
			assert.deepEqual(dbRowsSync(dst, `SELECT count(*) FROM ${t}`),
				dbRowsSync(src, `SELECT count(*) FROM ${t}`), t);
		assert.deepEqual(dbRowsSync(dst, 'SELECT id, comment_count FROM articles ORDER BY id'),
			dbRowsSync(src, 'SELECT id, comment_count FROM articles ORDER BY id'), 'comment counts');
		assert.deepEqual(dbRowsSync(dst, 'SELECT id, likes, reports, reviewed FROM comments ORDER BY id'),
			dbRowsSync(src, 'SELECT id, likes, reports, reviewed FROM comments ORDER BY id'),
			'likes, reports and their reviewed mark');
		assert.deepEqual(dbRowsSync(src, 'SELECT sum(reports), sum(reviewed) FROM comments'), [['1', '1']]);
		// A third run changes nothing.
		const third = await copy(src, dst);
		assert.equal(third.code, 0, third.stderr);
	});

	test('refusals: same database, missing or bad options, another site, unreachable', async () => {
		let r = await copy(src, src);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /name the same database/);
		r = await runCli(['copy', '--from', src]);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /give both --from and --to/);
		r = await copy(src, path.join(dir, 'x.db'), ['--batch', '0']);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /--batch wants/);
		r = await copy(path.join(dir, 'missing', 'none.db'), path.join(dir, 'y.db'));
		assert.equal(r.code, 1);
		assert.match(r.stderr, /^error: --from: /);
		r = await copy(src, 'postgres://nobody@127.0.0.1:1/none');
		assert.equal(r.code, 1);
		assert.match(r.stderr, /^error: --to: cannot connect/);
		// A destination with a site of its own.
		const other = path.join(dir, 'other.db');
		assert.equal((await runCli(['init', '--db', other])).code, 0);
		await addArticle({ dir, db: other }, { headline: 'Another site', slug: 'other-site',
			published: '2024-01-01T00:00:00Z' }, 'Other.\n');
		r = await copy(src, other);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /already holds a site that is not a copy of this source/);
		assert.deepEqual(dbRowsSync(other, 'SELECT slug FROM articles'), [['other-site']], 'left as it was');
	});
});
