// reactions-crash.test.mjs - durability of reactions: many concurrent
// readers react (API PUT/DELETE and the form's toggle) while the server is
// killed with SIGKILL mid-load.  After a restart on the same database every
// acknowledged (2xx) change is there, changes that were in flight are
// either fully there or not at all, and the stored counts equal the
// per-reader rows of every article.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, dbSql, isPg, makeSite, mapLimit, removeDir, request, sleep, startServer } from './lib.mjs';

const KINDS = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];
const SLUGS = ['crash-one', 'crash-two', 'crash-three'];
const WORKERS = 40;		// concurrent clients
const READERS_PER_WORKER = 3;	// each client acts for a few readers in turn

/* Run SQL on the site database (sqlite3 or psql); the rows as objects. */
const sql = dbSql;

function readerCookie(r) {
	const c = [].concat(r.headers['set-cookie'] || []).find((s) => s.startsWith('dl_reader='));
	return c ? c.split(';')[0] : null;
}

/*
 * The model of what the server acknowledged.  A reader is {cookie, hex,
 * csrf, acked: {slug: kind|null}, pending: {slug: target}|null}.  Each
 * worker sends one request at a time, so a reader has at most one change
 * in flight.
 */
class Load {
	constructor(srv, paths) {
		this.srv = srv;
		this.paths = paths;
		this.readers = [];		// readers with a known id
		this.unknownPending = 0;	// first changes whose answer never came
		this.unknownBase = 0;		// rows of unknown readers from earlier rounds
		this.acks = 0;
		this.failures = [];		// non-2xx answers before the kill
		this.stopping = false;
		this.sent = 0;
	}

	/* One change for @rd (a reader, or a slot without an id yet). */
	async step(rd, rand) {
		const slug = SLUGS[Math.floor(rand() * SLUGS.length)];
		const kind = KINDS[Math.floor(rand() * KINDS.length)];
		const base = this.srv.url;
		let target, send;
		const p = rand();
		if (!rd.cookie || p < 0.55 || (p >= 0.7 && !rd.csrf)) {
			target = kind;
			send = () => request(`${base}/api/v1/articles/${slug}/reactions`, {
				method: 'PUT', body: JSON.stringify({ reaction: kind }),
				headers: { 'Content-Type': 'application/json', ...(rd.cookie ? { Cookie: rd.cookie } : {}) },
			});
		} else if (p < 0.7) {
			target = null;
			send = () => request(`${base}/api/v1/articles/${slug}/reactions`,
				{ method: 'DELETE', headers: { Cookie: rd.cookie } });
		} else {
			target = (rd.acked[slug] ?? null) === kind ? null : kind;
			send = () => request(`${base}/react/${slug}`, {
				method: 'POST',
				body: new URLSearchParams({ csrf: rd.csrf, reaction: kind }).toString(),
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: rd.cookie },
			});
		}
		const known = Boolean(rd.cookie);
		if (known)
			rd.pending = { slug, target };
		else
			this.unknownPending++;
		this.sent++;
		let r;
		try {
			r = await send();
		} catch (e) {
			if (!this.stopping)
				this.failures.push(`${e.message}`);
			return false;	// no answer: the change may or may not be in
		}
		if (r.status !== 200 && r.status !== 303) {
			// Refused: nothing changed.
			if (!this.stopping)
				this.failures.push(`${r.status} ${r.text.slice(0, 200)}`);
			if (known)
				rd.pending = null;
			else
				this.unknownPending--;
			return false;
		}
		this.acks++;
		if (!known) {
			this.unknownPending--;
			rd.cookie = readerCookie(r);
			assert.ok(rd.cookie, 'the first change sets the reader cookie');
			rd.hex = rd.cookie.slice('dl_reader='.length);
			rd.acked = { [slug]: target };
			this.readers.push(rd);
			// The form token bound to this reader (kept across restarts:
			// the key is in the database).
			try {
				const page = await request(base + this.paths[slug], { headers: { Cookie: rd.cookie } });
				if (page.status === 200)
					rd.csrf = /name="csrf" value="([^"]+)"/.exec(page.text)[1];
			} catch {
				// killed meanwhile: this reader uses the API only
			}
			return true;
		}
		rd.pending = null;
		rd.acked[slug] = target;
		if (r.status === 200) {
			const s = JSON.parse(r.text);
			assert.equal(s.mine, target, 'the answer shows the reader\'s new reaction');
		} else {
			assert.equal(r.headers.location, `${this.paths[slug]}#reactions`);
		}
		return true;
	}

	/* Run the workers until stop(); resolves when every worker is done. */
	run(seed) {
		let x = seed;
		const rand = () => {	// a small deterministic PRNG (mulberry32)
			x = (x + 0x6D2B79F5) | 0;
			let t = Math.imul(x ^ (x >>> 15), 1 | x);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		const worker = async (w) => {
			const mine = this.readers.filter((rd) => rd.worker === w);
			while (mine.length < READERS_PER_WORKER)
				mine.push({ worker: w, cookie: null, acked: {}, pending: null });
			let i = 0;
			while (!this.stopping) {
				const rd = mine[i++ % mine.length];
				if (rd.dead)
					continue;
				const ok = await this.step(rd, rand);
				if (!ok && !rd.cookie)
					rd.dead = true;	// its first answer never came
			}
		};
		this.done = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
		return this.done;
	}
}

/* Check the database and the restarted server against the model. */
async function verify(db, srv, load) {
	const ids = Object.fromEntries((await sql(db, 'SELECT id, slug FROM articles'))
		.map((r) => [r.slug, r.id]));
	const rows = await sql(db, 'SELECT article_id, reader, kind FROM reactions');
	const byReader = new Map();
	for (const r of rows)
		byReader.set(`${r.reader}|${r.article_id}`, KINDS[r.kind]);

	let checked = 0, inFlight = 0;
	for (const rd of load.readers) {
		for (const slug of SLUGS) {
			const stored = byReader.get(`r:${rd.hex}|${ids[slug]}`) ?? null;
			byReader.delete(`r:${rd.hex}|${ids[slug]}`);
			const acked = rd.acked[slug] ?? null;
			if (rd.pending && rd.pending.slug === slug) {
				inFlight++;
				assert.ok(stored === acked || stored === rd.pending.target,
					`reader ${rd.hex} on ${slug}: stored ${stored}, acknowledged ${acked},` +
					` in flight ${rd.pending.target}`);
			} else {
				assert.equal(stored, acked, `reader ${rd.hex} on ${slug}: every acknowledged change survives`);
			}
			checked++;
		}
	}
	// Rows of readers whose first answer never came: at most one each.
	assert.ok(byReader.size <= load.unknownBase + load.unknownPending,
		`${byReader.size} rows of unknown readers, but only ${load.unknownBase} earlier and` +
		` ${load.unknownPending} unanswered first changes`);

	// The counts table equals the rows, per article and kind.
	const counts = await sql(db, 'SELECT article_id, kind, count FROM reaction_counts' +
		' WHERE count <> 0 ORDER BY article_id, kind');
	const grouped = await sql(db, 'SELECT article_id, kind, count(*) AS count FROM reactions' +
		' GROUP BY article_id, kind ORDER BY article_id, kind');
	assert.deepEqual(counts, grouped, 'reaction_counts equals the per-reader rows');
	assert.equal((await sql(db, 'SELECT count(*) AS n FROM reaction_counts WHERE count < 0'))[0].n, 0);
	if (!isPg(db))
		assert.equal((await sql(db, 'PRAGMA integrity_check'))[0].integrity_check, 'ok');

	// The restarted server shows the same, to each reader and to everyone.
	for (const slug of SLUGS) {
		const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`);
		const st = JSON.parse(r.text);
		const want = Object.fromEntries(KINDS.map((k) => [k, 0]));
		for (const g of grouped.filter((x) => x.article_id === ids[slug]))
			want[KINDS[g.kind]] = g.count;
		assert.deepEqual(st.counts, want, `counts of ${slug} after the restart`);
	}
	const sample = load.readers.filter((rd) => !rd.pending).slice(0, 40);
	await mapLimit(sample, 10, async (rd) => {
		for (const slug of SLUGS) {
			const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`,
				{ headers: { Cookie: rd.cookie } });
			assert.equal(JSON.parse(r.text).mine, rd.acked[slug] ?? null, `mine of ${rd.hex} on ${slug}`);
		}
	});
	return { checked, inFlight, unknownRows: byReader.size };
}

describe('reactions survive kill -9', () => {
	let site, srv;
	const paths = {};

	before(async () => {
		site = await makeSite();
		for (const slug of SLUGS)
			paths[slug] = await addArticle(site, {
				headline: `Story ${slug}`, slug, summary: 'A summary.', author: 'Desk',
				section: 'World', published: '2024-05-06T07:08:09Z', status: 'published',
			}, 'Body.\n');
	});

	after(async () => {
		try {
			if (srv && srv.alive())
				assert.equal(await srv.stop(), 0, 'the restarted server exits 0 on SIGTERM');
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	it('keeps every acknowledged reaction and exact counts across two crashes', async (t) => {
		let load = null, unknownRows = 0;
		for (let round = 0; round < 2; round++) {
			srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
			const prev = load;
			load = new Load(srv, paths);
			load.unknownBase = unknownRows;
			if (prev) {	// the readers of the last round carry on
				for (const rd of prev.readers) {
					rd.pending = null;
					load.readers.push(rd);
				}
			}
			const running = load.run(round + 1);
			// Let the load build up, then kill the server mid-flight.
			const t0 = Date.now();
			while ((load.acks < 400 || Date.now() - t0 < 600) && Date.now() - t0 < 15000)
				await sleep(20);
			srv.proc.kill('SIGKILL');
			load.stopping = true;
			const { signal } = await srv.exited();
			assert.equal(signal, 'SIGKILL');
			await running;

			assert.deepEqual(load.failures, [], 'no request failed before the kill');
			assert.ok(load.acks >= 400, `enough acknowledged changes (${load.acks})`);
			const pendingAtKill = load.readers.filter((rd) => rd.pending).length + load.unknownPending;
			assert.ok(pendingAtKill > 0, 'the kill happened with changes in flight');

			srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
			const v = await verify(site.db, srv, load);
			const { checked } = v;
			unknownRows = v.unknownRows;
			t.diagnostic(`round ${round + 1}: ${load.sent} sent, ${load.acks} acknowledged,` +
				` ${pendingAtKill} in flight at the kill; ${checked} reader/article pairs checked`);
			assert.ok(checked >= WORKERS * SLUGS.length, `checked ${checked} reader/article pairs`);

			// Settle what was in flight from what is stored, for the next round.
			const ids = Object.fromEntries((await sql(site.db, 'SELECT id, slug FROM articles'))
				.map((r) => [r.slug, r.id]));
			for (const rd of load.readers) {
				if (!rd.pending)
					continue;
				const row = await sql(site.db, `SELECT kind FROM reactions WHERE reader = 'r:${rd.hex}'` +
					` AND article_id = ${ids[rd.pending.slug]}`);
				rd.acked[rd.pending.slug] = row.length ? KINDS[row[0].kind] : null;
				rd.pending = null;
			}
			// The restarted server takes new reactions.
			const rd = load.readers[0];
			const r = await request(`${srv.url}/api/v1/articles/${SLUGS[0]}/reactions`, {
				method: 'PUT', body: '{"reaction":"win"}',
				headers: { 'Content-Type': 'application/json', Cookie: rd.cookie },
			});
			assert.equal(r.status, 200);
			assert.equal(JSON.parse(r.text).mine, 'win');
			rd.acked[SLUGS[0]] = 'win';
			if (round === 0)
				assert.equal(await srv.stop(), 0, 'a restarted server exits 0 on SIGTERM');
		}
	});
});
