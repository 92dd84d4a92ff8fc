// cluster-reactions.test.mjs - two `dateline serve` nodes on one
// PostgreSQL database hammering the reactions of one article through the
// JSON API at once: each reader's requests go to the two nodes in turn,
// all readers at the same time (so both nodes' writers batch changes of
// the same article, and often of the same reader, together).  Every
// request is answered 200 with the reader's new reaction and counts that
// add up; afterwards both nodes report exactly the counts of the readers'
// last changes, which are also the rows in the database, and B's page
// shows them.  Runs only when $DATELINE_TEST_PG names a PostgreSQL server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PG, addArticle, dbSql, get, makeSite, removeDir, request, sleep, startServer } from './lib.mjs';

const SLUG = 'hammered-story';
const KINDS = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];
const READERS = 16;
const ROUNDS = 24;

const api = (srv) => `${srv.url}/api/v1/articles/${SLUG}/reactions`;

/* PUT @kind (or DELETE when null) as @cookie on @srv; the parsed answer. */
async function change(srv, kind, cookie) {
	const headers = { 'Content-Type': 'application/json' };
	if (cookie)
		headers.Cookie = cookie;
	const r = await request(api(srv), {
		method: kind ? 'PUT' : 'DELETE', headers,
		body: kind ? JSON.stringify({ reaction: kind }) : undefined,
	});
	assert.equal(r.status, 200, r.text);
	const set = [].concat(r.headers['set-cookie'] || []);
	return { state: JSON.parse(r.text), cookie: set.length ? set[0].split(';')[0] : null };
}

describe('two nodes hammering one article', { skip: !PG && 'set DATELINE_TEST_PG to run' }, () => {
	let site, a, b, storyPath;

	before(async () => {
		site = await makeSite();
		storyPath = await addArticle(site, {
			headline: 'A hammered story', slug: SLUG, summary: 'Reacted to from two nodes.',
			author: 'Desk', section: 'World', published: '2024-03-04T05:06:07Z',
			status: 'published',
		}, 'Body.\n');
		const args = ['--reaction-rate-limit', '0'];
		a = await startServer({ db: site.db, args });
		b = await startServer({ db: site.db, args });
	});

	after(async () => {
		await a?.stop();
		await b?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('every change is answered, and the counts equal the readers\' rows on both nodes', async () => {
		// B's page is rendered (and its reaction block cached) before.
		assert.equal((await get(b.url + storyPath)).status, 200);
		const last = new Array(READERS).fill(null);
		await Promise.all(Array.from({ length: READERS }, async (_, who) => {
			let cookie = null;
			for (let round = 0; round < ROUNDS; round++) {
				// Readers move through the kinds in opposite directions;
				// every fifth change clears (a first change never does).
				const step = who % 2 ? ROUNDS * KINDS.length - round - who : round + who;
				const kind = round && (round + who) % 5 === 0 ? null : KINDS[step % KINDS.length];
				const srv = (round + who) % 2 ? b : a;
				const r = await change(srv, kind, cookie);
				cookie = cookie || r.cookie;
				assert.ok(cookie, 'the first change sets the reader cookie');
				assert.equal(r.state.mine, kind, `reader ${who} round ${round}`);
				const sum = Object.values(r.state.counts).reduce((x, y) => x + y, 0);
				assert.equal(r.state.total, sum);
				assert.ok(r.state.total <= READERS);
				if (kind)
					assert.ok(r.state.counts[kind] >= 1);
				last[who] = kind;
			}
		}));
		const want = Object.fromEntries(KINDS.map((k) => [k, 0]));
		for (const k of last)
			if (k)
				want[k]++;
		const total = last.filter(Boolean).length;
		for (const srv of [a, b]) {
			const r = await request(api(srv));
			assert.equal(r.status, 200);
			const st = JSON.parse(r.text);
			assert.deepEqual(st.counts, want);
			assert.equal(st.total, total);
		}
		const rows = await dbSql(site.db, 'SELECT kind, count(*)::int AS n FROM reactions GROUP BY kind');
		const counted = await dbSql(site.db, 'SELECT kind, count::int AS n FROM reaction_counts WHERE count > 0');
		const byKind = (list) => Object.fromEntries(KINDS.map((k, i) =>
			[k, (list.find((x) => x.kind === i) || { n: 0 }).n]));
		assert.deepEqual(byKind(rows), want);
		assert.deepEqual(byKind(counted), want);
		// B learns of A's last changes by NOTIFY: its page follows.
		let page;
		for (let i = 0; i < 50; i++) {
			page = await get(b.url + storyPath);
			if (page.text.includes(`<span data-total>${total}</span>`))
				break;
			await sleep(100);
		}
		assert.match(page.text, new RegExp(`<span data-total>${total}</span>`));
	});
});
