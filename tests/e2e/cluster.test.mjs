// cluster.test.mjs - two `dateline serve` nodes on one PostgreSQL database
// behave like one site: a session made on node A works on node B (and
// ends on both), a reaction made on A shows in B's counts, on B's page
// and on B's live event stream (LISTEN/NOTIFY between the nodes), and
// mail queued by either node is sent exactly once although both run a
// sender.  A comment posted on B reaches A's event stream ("comment" and,
// when one is removed, "comment-count") and A's page; a like on B reaches
// A's stream ("comment-likes") and A's kept comment block.  Failed logins to
// one account spread over both nodes hit the limit (5 a minute) at the
// same count as on one node: the limit is kept in PostgreSQL.  Also the CLI on a postgres:// URL (init, migrate, refusals).
// Runs only when $DATELINE_TEST_PG names a PostgreSQL server (scripts/test
// sets it for its PostgreSQL run).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
	PG, addArticle, dbSql, get, makeSite, openEvents, pgDatabase, removeDir, request, runCli,
	sleep, startServer,
} from './lib.mjs';
import { Client, mainText, startSmtp } from './accounts-lib.mjs';
import { addUser, api, commentBlock, headingCount, loginAs } from './comments-lib.mjs';

const PW = 'a long enough password';
const SLUG = 'shared-story';

async function signup(c, name, email) {
	return c.submit('/account/signup', '/account/signup', { name, email, password: PW });
}

async function login(c, email) {
	return c.submit('/account/login', '/account/login', { email, password: PW });
}

/* The counts JSON of the reactions API of node @srv. */
async function counts(srv) {
	const r = await request(`${srv.url}/api/v1/articles/${SLUG}/reactions`);
	assert.equal(r.status, 200);
	return JSON.parse(r.text);
}

describe('two nodes on one PostgreSQL database', { skip: !PG && 'set DATELINE_TEST_PG to run' }, () => {
	let site, smtp, a, b, storyPath;

	before(async () => {
		smtp = await startSmtp();
		site = await makeSite();
		storyPath = await addArticle(site, {
			headline: 'A shared story', slug: SLUG, summary: 'Seen from two nodes.',
			author: 'Desk', section: 'World', published: '2024-03-04T05:06:07Z',
			status: 'published',
		}, 'Body.\n');
		const args = ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-plain',
			'--mail-from', 'news@example.com', '--login-rate-limit', '1000',
			'--reaction-rate-limit', '0'];
		a = await startServer({ db: site.db, args });
		b = await startServer({ db: site.db, args });
	});

	after(async () => {
		await a?.stop();
		await b?.stop();
		await smtp?.close();
		if (site)
			await removeDir(site.dir);
	});

	test('a session made on A works on B, and logging out on B ends it on A', async () => {
		const onA = new Client(a.url);
		assert.equal((await signup(onA, 'Nia Node', 'nia@example.com')).status, 200);
		assert.equal((await login(onA, 'nia@example.com')).status, 303);
		assert.ok(onA.loggedIn());
		const onB = new Client(b.url);
		onB.jar = new Map(onA.jar);
		const home = await onB.get('/account/');
		assert.equal(home.status, 200);
		assert.match(mainText(home.text), /Nia Node/);
		assert.match(mainText(home.text), /nia@example\.com/);
		// The CSRF secret is shared too: a form from A posts on B.
		const out = await onB.submit('/account/', '/account/logout', {});
		assert.equal(out.status, 303);
		const after = await onA.get('/account/');
		assert.notEqual(after.status, 200, 'the session ended on A as well');
		assert.doesNotMatch(after.text, /nia@example\.com/);
	});

	test('a reaction made on A: counts, page and event stream on B', async () => {
		// Fill B's caches first: they must not keep the old counts.
		assert.equal((await counts(b)).total, 0);
		const before = await get(b.url + storyPath);
		assert.equal(before.status, 200);
		const ev = await openEvents(`${b.url}/api/v1/articles/${SLUG}/events`);
		try {
			assert.equal(ev.status, 200);
			const r = await request(`${a.url}/api/v1/articles/${SLUG}/reactions`, {
				method: 'PUT', body: JSON.stringify({ reaction: 'lol' }),
				headers: { 'Content-Type': 'application/json' },
			});
			assert.equal(r.status, 200, r.text);
			const m = await ev.waitFor(/event: reactions\ndata: (.*)\n\n/);
			const data = JSON.parse(m[1]);
			assert.equal(data.counts.lol, 1);
			assert.equal(data.total, 1);
		} finally {
			ev.close();
		}
		const onB = await counts(b);
		assert.equal(onB.counts.lol, 1);
		assert.equal(onB.total, 1);
		const page = await get(b.url + storyPath);
		assert.match(page.text, /<span data-total>1<\/span>/, 'B renders the new count');
	});

	test('a comment posted on B: event stream and page on A', async () => {
		// A's page cache and comment block hold the story without it.
		const before = await get(a.url + storyPath);
		assert.equal(headingCount(before.text), 0);
		await addUser(site.db, 'carla@example.com', 'Carla Cross');
		const onB = await loginAs(b.url, 'carla@example.com');
		const ev = await openEvents(`${a.url}/api/v1/articles/${SLUG}/events`);
		let id;
		try {
			assert.equal(ev.status, 200);
			const r = await api(onB, 'POST', `/api/v1/articles/${SLUG}/comments`,
				{ body: 'Posted on **node B**.' });
			assert.equal(r.status, 201, r.text);
			id = r.json.comment.id;
			const m = await ev.waitFor(/event: comment\ndata: (.*)\n\n/);
			const data = JSON.parse(m[1]);
			assert.equal(data.id, id);
			assert.equal(data.parent, 0);
			assert.equal(data.count, 1);
			assert.match(data.html, /<strong>node B<\/strong>/);
			assert.match(data.html, /Carla Cross/);
			// Deleted on B: A's stream gets the new count.
			const from = ev.text().length;
			const d = await api(onB, 'DELETE', `/api/v1/comments/${id}`);
			assert.ok(d.status >= 200 && d.status < 300, d.text);
			const c = await ev.waitFor(/event: comment-count\ndata: (.*)\n\n/, 5000, from);
			assert.deepEqual(JSON.parse(c[1]), { count: 0 });
		} finally {
			ev.close();
		}
		// A's page followed both changes: the comment showed, then went.
		const page = await get(a.url + storyPath);
		assert.equal(headingCount(page.text), 0);
		const r2 = await api(onB, 'POST', `/api/v1/articles/${SLUG}/comments`,
			{ body: 'A second word from B.' });
		assert.equal(r2.status, 201, r2.text);
		let shown = '';
		for (let i = 0; i < 50 && !shown.includes('A second word from B.'); i++) {
			shown = commentBlock((await get(a.url + storyPath)).text);
			if (!shown.includes('A second word from B.'))
				await sleep(100);
		}
		assert.match(shown, /A second word from B\./, 'A renders the comment made on B');
		assert.equal(headingCount((await get(a.url + storyPath)).text), 1);
	});

	test('a like on B: event stream and comment block on A', async () => {
		await addUser(site.db, 'lena@example.com', 'Lena Like');
		const onB = await loginAs(b.url, 'lena@example.com');
		const author = await loginAs(a.url, 'carla@example.com');
		const made = await api(author, 'POST', `/api/v1/articles/${SLUG}/comments`, { body: 'Like me from B.' });
		assert.equal(made.status, 201, made.text);
		const id = made.json.comment.id;
		// A keeps the block for anonymous readers with no like yet.
		assert.match(commentBlock((await get(a.url + storyPath)).text),
			new RegExp(`id="comment-${id}"[\\s\\S]*?<span data-likes>0</span> likes`));
		const ev = await openEvents(`${a.url}/api/v1/articles/${SLUG}/events`);
		try {
			const r = await api(onB, 'PUT', `/api/v1/comments/${id}/like`);
			assert.equal(r.status, 200, r.text);
			const m = await ev.waitFor(/event: comment-likes\ndata: (.*)\n\n/);
			assert.deepEqual(JSON.parse(m[1]), { id, likes: 1 });
			const from = ev.text().length;
			await api(onB, 'DELETE', `/api/v1/comments/${id}/like`);
			const m2 = await ev.waitFor(/event: comment-likes\ndata: (.*)\n\n/, 5000, from);
			assert.deepEqual(JSON.parse(m2[1]), { id, likes: 0 });
			// Liked again: A's kept block must not keep the old count.
			const from2 = ev.text().length;
			await api(onB, 'PUT', `/api/v1/comments/${id}/like`);
			await ev.waitFor(/event: comment-likes\ndata: \{"id":\d+,"likes":1\}\n\n/, 5000, from2);
		} finally {
			ev.close();
		}
		assert.match(commentBlock((await get(a.url + storyPath)).text),
			new RegExp(`id="comment-${id}"[\\s\\S]*?<span data-likes>1</span> like<`));
	});

	test('failed logins spread over A and B meet the limit of one node', async () => {
		await addUser(site.db, 'target@example.com', 'Tara Target');
		const tries = [];
		for (let i = 0; i < 8; i++) {
			const c = new Client((i % 2 ? b : a).url);
			const r = await c.submit('/account/login', '/account/login',
				{ email: 'target@example.com', password: 'not the password' });
			tries.push(r.status);
			if (r.status === 429)
				assert.match(r.headers['retry-after'], /^[1-9]\d*$/);
		}
		// Five failures a minute per account, counted on both nodes:
		// each node alone would have allowed five (ten in all).
		assert.deepEqual(tries, [401, 401, 401, 401, 401, 429, 429, 429]);
		// The right password is refused too while the account is limited,
		// on either node.
		for (const s of [a, b]) {
			const c = new Client(s.url);
			const r = await c.submit('/account/login', '/account/login',
				{ email: 'target@example.com', password: 'correct horse battery' });
			assert.equal(r.status, 429);
		}
		// Only a hash of the key is kept, not the address.
		const rows = await dbSql(site.db, "SELECT key FROM rate_limits WHERE key LIKE '%@%'");
		assert.deepEqual(rows, []);
	});

	test('mail queued on either node is sent exactly once', async () => {
		const emails = [];
		for (let i = 0; i < 6; i++) {
			const email = `twice${i}@example.com`;
			emails.push(email);
			const c = new Client((i % 2 ? b : a).url);
			assert.equal((await signup(c, `Reader ${i}`, email)).status, 200);
		}
		for (const e of emails)
			await smtp.waitFor(e, /verify/);
		// Both senders have had their turn once the queue is empty.
		for (let i = 0; i < 100; i++) {
			const [{ n }] = await dbSql(site.db, 'SELECT count(*) AS n FROM outbox');
			if (n === 0)
				break;
			await sleep(100);
		}
		assert.deepEqual(await dbSql(site.db, 'SELECT count(*) AS n FROM outbox'), [{ n: 0 }]);
		for (const e of emails)
			assert.equal(smtp.messages.filter((m) => m.to.includes(e)).length, 1, `one mail to ${e}`);
	});
});

describe('the CLI on a PostgreSQL URL', { skip: !PG && 'set DATELINE_TEST_PG to run' }, () => {
	test('init creates the tables once; migrate and init again change nothing', async () => {
		const db = pgDatabase();
		const serve = await runCli(['serve', '--db', db, '--listen', '127.0.0.1:0']);
		assert.notEqual(serve.code, 0, 'serve refuses a database without tables');
		assert.match(serve.stderr, /migrat/);
		const r = await runCli(['init', '--db', db]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /created, [1-9]\d* migrations? applied/);
		const mig = await runCli(['migrate'], { env: { DATELINE_DB: db } });
		assert.equal(mig.code, 0, mig.stderr);
		assert.match(mig.stdout, /up to date, 0 migrations applied/);
		const again = await runCli(['init', '--db', db]);
		assert.match(again.stdout, /up to date, 0 migrations applied/);
		assert.equal(again.stderr, '', 'no notices on stderr');
		const list = await runCli(['article', 'list', '--db', db]);
		assert.equal(list.code, 0, list.stderr);
		assert.match(list.stdout, /^ID\s+STATUS\s+PUBLISHED\s+SLUG \/ HEADLINE\n$/);
	});

	test('an unreachable server is a one-line error, not a hang', async () => {
		const r = await runCli(['migrate', '--db', 'postgres://nobody@127.0.0.1:1/none']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /^error: .*PostgreSQL/m);
	});
});
