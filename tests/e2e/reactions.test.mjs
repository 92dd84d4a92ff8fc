// reactions.test.mjs - "What's Your Reaction?": the block on the story page,
// the no-JavaScript form flow (cookie, CSRF token, toggle), the JSON API,
// exact counts under concurrency (checked in SQLite too), the live event
// stream and the per-address rate limit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	ROOT, addArticle, addFile, dbSql, decodeEntities, openEvents, get, inner, makeSite, mapLimit,
	removeDir, request, runCli, sleep, startServer, tags, textOf,
} from './lib.mjs';

const KINDS = ['angry', 'fail', 'geeky', 'lol', 'love', 'scary', 'win'];
const LABELS = ['Angry', 'Fail', 'Geeky', 'Lol', 'Love', 'Scary', 'Win'];
const DEMO = path.join(ROOT, 'demo/articles/harbour-cranes-return.md');
const HARBOUR = 'harbour-cranes-return-to-work';

/* ---- local helpers ---- */

const zero = () => Object.fromEntries(KINDS.map((k) => [k, 0]));

/* The Set-Cookie headers of a response, as an array. */
const setCookies = (r) => [].concat(r.headers['set-cookie'] || []);

/* "dl_reader=<hex>" from a response that set the reader cookie, or null. */
function readerCookie(r) {
	const c = setCookies(r).find((s) => s.startsWith('dl_reader='));
	return c ? c.split(';')[0] : null;
}

/* A published article with @slug, in the past; its URL path. */
function story(site, slug, extra = {}) {
	return addArticle(site, {
		headline: `Story ${slug}`, slug, summary: 'A summary.', author: 'Desk',
		section: 'World', published: '2024-03-04T05:06:07Z', status: 'published',
		...extra,
	}, 'Body text of the story.\n');
}

/* The reaction block of a story page, parsed. */
function parseBlock(html) {
	const sec = /<section class="reactions"[^>]*>([\s\S]*?)<\/section>/.exec(html);
	assert.ok(sec, 'page has <section class="reactions">');
	const forms = [...sec[1].matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
	const buttons = forms.map((f) => {
		const [form] = tags(f[0], 'form');
		const inputs = tags(f[2], 'input');
		const [btn] = tags(f[2], 'button');
		const [img] = tags(f[2], 'img');
		const [meter] = tags(f[2], 'meter');
		const label = /<span class="reaction-label"[^>]*>([\s\S]*?)<\/span>/.exec(f[2]);
		const count = /<span class="reaction-count"[^>]*>([\s\S]*?)<\/span>/.exec(f[2]);
		return {
			form, inputs, btn, img, meter,
			name: btn && btn['data-reaction'],
			pressed: btn && btn['aria-pressed'],
			label: label && textOf(label[1]),
			count: count && Number(textOf(count[1])),
			share: meter && Number(meter.value),
			csrf: (inputs.find((i) => i.name === 'csrf') || {}).value,
			reaction: (inputs.find((i) => i.name === 'reaction') || {}).value,
		};
	});
	const total = /<span data-total>(\d+)<\/span>/.exec(sec[1]);
	return {
		html: sec[0], buttons,
		heading: textOf(inner(sec[0], 'h2') || ''),
		csrf: buttons.length ? buttons[0].csrf : undefined,
		total: total ? Number(total[1]) : NaN,
		counts: Object.fromEntries(buttons.map((b) => [b.name, b.count])),
		mine: (buttons.find((b) => b.pressed === 'true') || {}).name ?? null,
	};
}

/* GET a story page (with @cookie); {res, block}. */
async function page(srv, p, cookie) {
	const res = await get(srv.url + p, { headers: cookie ? { Cookie: cookie } : {} });
	return { res, block: parseBlock(res.text) };
}

/* POST the reaction form: {status, headers, text, cookie}. */
async function react(srv, slug, { csrf, reaction, cookie, headers = {}, raw } = {}) {
	const body = raw ?? new URLSearchParams({
		...(csrf !== undefined ? { csrf } : {}),
		...(reaction !== undefined ? { reaction } : {}),
	}).toString();
	const r = await request(`${srv.url}/react/${slug}`, {
		method: 'POST', body,
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			...(cookie ? { Cookie: cookie } : {}), ...headers,
		},
	});
	return { ...r, cookie: readerCookie(r) };
}

/*
 * Call the reactions API.  @body (object) is sent as JSON unless @raw is
 * given.  Resolves {status, headers, text, json, cookie}.
 */
async function api(srv, slug, method = 'GET', { body, raw, cookie, headers = {} } = {}) {
	const h = { ...(cookie ? { Cookie: cookie } : {}) };
	let data;
	if (raw !== undefined) {
		data = raw;
	} else if (body !== undefined) {
		data = JSON.stringify(body);
		h['Content-Type'] = 'application/json';
	}
	const r = await request(`${srv.url}/api/v1/articles/${slug}/reactions`,
		{ method, body: data, headers: { ...h, ...headers } });
	let json;
	try { json = JSON.parse(r.text); } catch { json = undefined; }
	return { ...r, json, cookie: readerCookie(r) };
}

/* A state object as the API writes it. */
function state(counts, mine) {
	const c = { ...zero(), ...counts };
	const s = { counts: c, total: Object.values(c).reduce((a, b) => a + b, 0) };
	if (mine !== undefined)
		s.mine = mine;
	return s;
}

/* Run SQL on the site database (sqlite3 or psql); the rows as objects. */
const sql = dbSql;

/* Assert that reaction_counts equals the per-reader rows, and none is negative. */
async function assertCountsMatchRows(db) {
	const counts = await sql(db, 'SELECT article_id, kind, count FROM reaction_counts' +
		' WHERE count <> 0 ORDER BY article_id, kind');
	const rows = await sql(db, 'SELECT article_id, kind, count(*) AS count FROM reactions' +
		' GROUP BY article_id, kind ORDER BY article_id, kind');
	assert.deepEqual(counts, rows, 'reaction_counts equals count(*) of reactions per article and kind');
	const neg = await sql(db, 'SELECT count(*) AS n FROM reaction_counts WHERE count < 0');
	assert.equal(neg[0].n, 0, 'no negative count');
	return rows;
}

/* Number of open file descriptors of process @pid (Linux). */
const openFds = (pid) => fs.readdirSync(`/proc/${pid}/fd`).length;

/* All `event: reactions` payloads received so far. */
const reactionEvents = (text) =>
	[...text.matchAll(/event: reactions\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]));

/* ---- the main server (no rate limit) ---- */

describe('reactions', () => {
	let site, srv, harbourPath, draftSlug;
	const paths = {};

	before(async () => {
		site = await makeSite();
		const r = await addFile(site.db, DEMO);
		assert.equal(r.code, 0, r.stderr);
		harbourPath = r.stdout.trim();
		draftSlug = 'unpublished-draft';
		await mapLimit(['form-story', 'api-story', 'refuse-story', 'crowd-story', 'crowd-other',
			'crowd-page', 'events-story', 'events-other', 'single-reader', draftSlug, 'future-story'], 4,
		async (s) => {
			paths[s] = await story(site, s, s === draftSlug ? { status: 'draft' } :
				s === 'future-story' ? { published: '2999-01-01T00:00:00Z' } : {});
		});
		srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
	});

	after(async () => {
		try {
			if (srv)
				assert.equal(await srv.stop(), 0, 'server exits 0 on SIGTERM (no leak under ASan)');
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	describe('the block on the story page', () => {
		let res, block;

		before(async () => {
			({ res, block } = await page(srv, harbourPath));
		});

		it('is the demo story at its canonical path', () => {
			assert.match(harbourPath, new RegExp(`^/world/\\d{4}/\\d\\d/\\d\\d/${HARBOUR}/$`));
		});

		it('has the heading "What\'s Your Reaction?" labelling the section', () => {
			assert.equal(block.heading, "What's Your Reaction?");
			const [sec] = tags(block.html, 'section');
			const [h2] = tags(block.html, 'h2');
			assert.equal(sec.id, 'reactions', 'the block is the #reactions target');
			assert.ok(h2.id && sec['aria-labelledby'] === h2.id, 'section is labelled by its heading');
		});

		it('has seven buttons in order Angry, Fail, Geeky, Lol, Love, Scary, Win', () => {
			assert.deepEqual(block.buttons.map((b) => b.name), KINDS);
			assert.deepEqual(block.buttons.map((b) => b.label), LABELS);
		});

		it('gives every button an icon with alt text, a count, a meter and aria-pressed', async () => {
			for (const [i, b] of block.buttons.entries()) {
				assert.ok(b.img, `${b.name} has an <img>`);
				assert.equal(b.img.alt, LABELS[i], `${b.name} icon alt is its accessible name`);
				assert.match(b.img.src, new RegExp(`^/static/react-${KINDS[i]}(-[0-9a-f]+)?\\.svg$`));
				const icon = await get(srv.url + b.img.src);
				assert.match(icon.headers['content-type'], /^image\/svg\+xml/);
				assert.equal(b.count, 0, `${b.name} count starts at 0`);
				assert.ok(b.meter, `${b.name} has a <meter>`);
				assert.equal(b.meter.min, '0');
				assert.equal(b.meter.max, '100');
				assert.equal(b.share, 0);
				assert.equal(b.pressed, 'false');
				assert.equal(b.btn.type, 'submit');
			}
			assert.equal(block.total, 0);
		});

		it('uses forms that POST /react/{slug} with hidden csrf and reaction fields', () => {
			for (const b of block.buttons) {
				assert.equal(b.form.method.toLowerCase(), 'post');
				assert.equal(b.form.action, `/react/${HARBOUR}`);
				assert.deepEqual(b.inputs.map((i) => [i.type, i.name]),
					[['hidden', 'csrf'], ['hidden', 'reaction']]);
				assert.equal(b.reaction, b.name);
				assert.match(b.csrf, /^[A-Za-z0-9_-]{43}$/);
			}
		});

		it('sets no cookie and stays publicly cacheable for a reader without one', () => {
			assert.deepEqual(setCookies(res), []);
			assert.match(res.headers.vary || '', /Cookie/i);
			assert.doesNotMatch(res.headers['cache-control'] || '', /private/);
		});

		it('loads the site script that enhances the block', () => {
			assert.match(res.text, /<script[^>]+src="\/static\/site(-[0-9a-f]+)?\.js"/);
		});
	});

	it('GET requests never set a cookie', async () => {
		for (const p of ['/', harbourPath, '/section/world/', '/tag/ports/',
			`/api/v1/articles/${HARBOUR}/reactions`, '/no/such/page', paths['form-story']]) {
			const r = await request(srv.url + p);
			assert.ok(r.status === 200 || r.status === 404, `${p}: ${r.status}`);
			assert.deepEqual(setCookies(r), [], `GET ${p} sets no cookie`);
		}
		const ev = await openEvents(`${srv.url}/api/v1/articles/${HARBOUR}/events`);
		ev.close();
		assert.equal(ev.status, 200);
		assert.deepEqual(setCookies(ev), [], 'the event stream sets no cookie');
	});

	describe('the form flow (no JavaScript)', () => {
		const slug = 'form-story';
		let anonToken, cookie, readerToken;

		it('the first reaction answers 303 to the story#reactions and sets the reader cookie', async () => {
			const { block } = await page(srv, paths[slug]);
			anonToken = block.csrf;
			const r = await react(srv, slug, { csrf: anonToken, reaction: 'lol' });
			assert.equal(r.status, 303, r.text.slice(0, 300));
			assert.equal(r.headers.location, `${paths[slug]}#reactions`);
			assert.match(r.headers['cache-control'] || '', /no-store/);
			const sc = setCookies(r);
			assert.equal(sc.length, 1, 'exactly one Set-Cookie');
			const attrs = sc[0].split(';').map((s) => s.trim());
			assert.match(attrs[0], /^dl_reader=[0-9a-f]{32}$/);
			assert.ok(attrs.includes('HttpOnly'), 'cookie is HttpOnly');
			assert.ok(attrs.some((a) => /^SameSite=Lax$/i.test(a)), 'cookie is SameSite=Lax');
			assert.ok(attrs.some((a) => /^Path=\/$/.test(a)), 'cookie is for the whole site');
			assert.ok(!attrs.includes('Secure'), 'no Secure flag on a plain-http site');
			cookie = r.cookie;
		});

		it('the page with the cookie shows the reaction pressed and a reader-bound token', async () => {
			const { res, block } = await page(srv, paths[slug], cookie);
			assert.deepEqual(setCookies(res), [], 'no cookie set again by GET');
			assert.match(res.headers['cache-control'], /private/, 'a personal page is private');
			assert.equal(block.counts.lol, 1);
			assert.equal(block.total, 1);
			assert.equal(block.mine, 'lol');
			assert.deepEqual(block.buttons.filter((b) => b.pressed === 'true').map((b) => b.name), ['lol']);
			assert.equal(block.buttons.find((b) => b.name === 'lol').share, 100);
			readerToken = block.csrf;
			assert.match(readerToken, /^[A-Za-z0-9_-]{43}$/);
			assert.notEqual(readerToken, anonToken, 'the token changes once the reader has an id');
			// Anonymous pages all share the anonymous token.
			const anon = await page(srv, paths[slug]);
			assert.equal(anon.block.csrf, anonToken);
			assert.equal(anon.block.mine, null, 'without the cookie nothing is pressed');
			assert.equal(anon.block.counts.lol, 1);
		});

		it('refuses the old anonymous token when sent with the cookie (403)', async () => {
			const r = await react(srv, slug, { csrf: anonToken, reaction: 'love', cookie });
			assert.equal(r.status, 403);
			assert.match(r.headers['content-type'], /text\/html/);
			assert.equal(r.cookie, null);
			const s = await api(srv, slug, 'GET', { cookie });
			assert.equal(s.json.mine, 'lol', 'nothing changed');
		});

		it('refuses the reader token without the cookie (403)', async () => {
			const r = await react(srv, slug, { csrf: readerToken, reaction: 'love' });
			assert.equal(r.status, 403);
			assert.equal(r.cookie, null, 'no reader made for a refused post');
		});

		it('pressing the same reaction again removes it (toggle)', async () => {
			const r = await react(srv, slug, { csrf: readerToken, reaction: 'lol', cookie });
			assert.equal(r.status, 303);
			assert.equal(r.headers.location, `${paths[slug]}#reactions`);
			assert.deepEqual(setCookies(r), [], 'the cookie is set only at the first reaction');
			const { block } = await page(srv, paths[slug], cookie);
			assert.equal(block.mine, null);
			assert.deepEqual(block.counts, zero());
			assert.equal(block.total, 0);
			assert.equal(block.csrf, readerToken, 'the token stays bound to the same reader');
		});

		it('another reaction moves it', async () => {
			let r = await react(srv, slug, { csrf: readerToken, reaction: 'love', cookie });
			assert.equal(r.status, 303);
			let { block } = await page(srv, paths[slug], cookie);
			assert.equal(block.mine, 'love');
			assert.deepEqual(block.counts, { ...zero(), love: 1 });
			r = await react(srv, slug, { csrf: readerToken, reaction: 'scary', cookie });
			assert.equal(r.status, 303);
			({ block } = await page(srv, paths[slug], cookie));
			assert.equal(block.mine, 'scary');
			assert.deepEqual(block.counts, { ...zero(), scary: 1 });
			assert.equal(block.total, 1);
			assert.equal(block.buttons.find((b) => b.name === 'scary').pressed, 'true');
			assert.equal(block.buttons.find((b) => b.name === 'love').pressed, 'false');
		});

		it('a second reader adds to the counts and the shares add up', async () => {
			const anon = await page(srv, paths[slug]);
			const r = await react(srv, slug, { csrf: anon.block.csrf, reaction: 'win' });
			assert.equal(r.status, 303);
			assert.ok(r.cookie && r.cookie !== cookie, 'a new reader gets its own id');
			const { block } = await page(srv, paths[slug], r.cookie);
			assert.equal(block.mine, 'win');
			assert.deepEqual(block.counts, { ...zero(), scary: 1, win: 1 });
			assert.equal(block.total, 2);
			assert.equal(block.buttons.find((b) => b.name === 'win').share, 50);
			assert.equal(block.buttons.find((b) => b.name === 'scary').share, 50);
		});

		it('accepts a same-origin Origin header', async () => {
			const { block } = await page(srv, paths[slug], cookie);
			const r = await react(srv, slug, { csrf: block.csrf, reaction: 'geeky', cookie,
				headers: { Origin: srv.url, 'Sec-Fetch-Site': 'same-origin' } });
			assert.equal(r.status, 303);
			const s = await api(srv, slug, 'GET', { cookie });
			assert.equal(s.json.mine, 'geeky');
		});
	});

	describe('form refusals', () => {
		const slug = 'refuse-story';
		let token;

		before(async () => {
			token = (await page(srv, paths[slug])).block.csrf;
		});

		/* Post, expect @status, an HTML page, no cookie and no change. */
		async function refused(status, opts, s = slug) {
			const r = await react(srv, s, opts);
			assert.equal(r.status, status, r.text.slice(0, 300));
			assert.match(r.headers['content-type'], /^text\/html/);
			assert.deepEqual(setCookies(r), [], 'a refused post sets no cookie');
			assert.match(r.headers['cache-control'] || '', /no-store/);
			const st = await api(srv, slug);
			assert.deepEqual(st.json, state({}, null), 'nothing was counted');
			return r;
		}

		it('missing csrf token → 403', () => refused(403, { reaction: 'lol' }));
		it('wrong csrf token → 403', () => refused(403, { csrf: 'A'.repeat(43), reaction: 'lol' }));
		it('truncated csrf token → 403', () => refused(403, { csrf: token.slice(0, 42), reaction: 'lol' }));
		it('empty body → 403', () => refused(403, { raw: '' }));
		it('a cross-site Origin → 403 even with a good token', () =>
			refused(403, { csrf: token, reaction: 'lol', headers: { Origin: 'http://evil.example' } }));
		it('Origin "null" → 403', () =>
			refused(403, { csrf: token, reaction: 'lol', headers: { Origin: 'null' } }));
		it('Sec-Fetch-Site: cross-site without Origin → 403', () =>
			refused(403, { csrf: token, reaction: 'lol', headers: { 'Sec-Fetch-Site': 'cross-site' } }));
		it('unknown reaction → 422', async () => {
			const r = await refused(422, { csrf: token, reaction: 'meh' });
			assert.match(textOf(r.text), /not one of the reactions/);
		});
		it('missing reaction → 422', () => refused(422, { csrf: token }));
		it('unknown slug → 404', () => refused(404, { csrf: token, reaction: 'lol' }, 'no-such-story'));
		it('a draft → 404', () => refused(404, { csrf: token, reaction: 'lol' }, draftSlug));
		it('a story published in the future → 404', () =>
			refused(404, { csrf: token, reaction: 'lol' }, 'future-story'));
		it('other methods → 405 with an Allow header naming the ones answered', async () => {
			const api1 = `/api/v1/articles/${slug}`;
			for (const [method, p, allow] of [
				['GET', `/react/${slug}`, 'POST'],
				['PUT', `/react/${slug}`, 'POST'],
				['POST', `${api1}/reactions`, 'GET, HEAD, PUT, DELETE'],
				['PATCH', `${api1}/reactions`, 'GET, HEAD, PUT, DELETE'],
				['POST', `${api1}/events`, 'GET, HEAD'],
			]) {
				const r = await request(srv.url + p, { method, body: method === 'GET' ? undefined : 'x' });
				assert.equal(r.status, 405, `${method} ${p}`);
				assert.equal(r.headers.allow, allow, `${method} ${p}`);
				assert.deepEqual(setCookies(r), []);
			}
		});
	});

	describe('the JSON API', () => {
		const slug = 'api-story';
		let cookie;

		it('GET answers the zero state exactly', async () => {
			const r = await api(srv, slug);
			assert.equal(r.status, 200);
			assert.match(r.headers['content-type'], /^application\/json/);
			assert.match(r.headers['cache-control'], /no-store/);
			assert.equal(r.text, '{"counts":{"angry":0,"fail":0,"geeky":0,"lol":0,"love":0,' +
				'"scary":0,"win":0},"total":0,"mine":null}');
			assert.deepEqual(setCookies(r), []);
		});

		it('PUT {"reaction":"lol"} answers the new state and sets the reader cookie', async () => {
			const r = await api(srv, slug, 'PUT', { body: { reaction: 'lol' } });
			assert.equal(r.status, 200, r.text);
			assert.match(r.headers['content-type'], /^application\/json/);
			assert.equal(r.text, '{"counts":{"angry":0,"fail":0,"geeky":0,"lol":1,"love":0,' +
				'"scary":0,"win":0},"total":1,"mine":"lol"}');
			assert.match(r.cookie || '', /^dl_reader=[0-9a-f]{32}$/);
			assert.match(setCookies(r)[0], /HttpOnly/);
			cookie = r.cookie;
		});

		it('GET with the cookie shows mine; without it mine is null', async () => {
			assert.deepEqual((await api(srv, slug, 'GET', { cookie })).json, state({ lol: 1 }, 'lol'));
			assert.deepEqual((await api(srv, slug)).json, state({ lol: 1 }, null));
		});

		it('PUT the same reaction again is idempotent (no toggle in the API)', async () => {
			const r = await api(srv, slug, 'PUT', { body: { reaction: 'lol' }, cookie });
			assert.equal(r.status, 200);
			assert.deepEqual(r.json, state({ lol: 1 }, 'lol'));
			assert.deepEqual(setCookies(r), [], 'no new cookie for a known reader');
		});

		it('PUT another reaction moves it', async () => {
			const r = await api(srv, slug, 'PUT', { body: { reaction: 'love' }, cookie });
			assert.equal(r.status, 200);
			assert.deepEqual(r.json, state({ love: 1 }, 'love'));
		});

		it('accepts application/json with a charset parameter', async () => {
			const r = await api(srv, slug, 'PUT', { raw: '{"reaction":"win"}', cookie,
				headers: { 'Content-Type': 'application/json; charset=utf-8' } });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json, state({ win: 1 }, 'win'));
		});

		it('DELETE from a reader without a cookie changes nothing and sets no cookie', async () => {
			const r = await api(srv, slug, 'DELETE');
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json, state({ win: 1 }, null));
			assert.deepEqual(setCookies(r), [], 'no reader is made without a reaction');
			const x = await api(srv, slug, 'DELETE', { headers: { Origin: 'http://evil.example' } });
			assert.equal(x.status, 403, 'still refused cross-site');
			const y = await api(srv, 'no-such-story', 'DELETE');
			assert.equal(y.status, 404);
		});

		it('DELETE removes it (mine null), and again is harmless', async () => {
			let r = await api(srv, slug, 'DELETE', { cookie });
			assert.equal(r.status, 200);
			assert.equal(r.text, '{"counts":{"angry":0,"fail":0,"geeky":0,"lol":0,"love":0,' +
				'"scary":0,"win":0},"total":0,"mine":null}');
			r = await api(srv, slug, 'DELETE', { cookie });
			assert.equal(r.status, 200);
			assert.deepEqual(r.json, state({}, null), 'counts never go below zero');
		});

		it('unknown reaction → 422 with a message', async () => {
			for (const body of [{ reaction: 'meh' }, { reaction: 'LOL' }, { reaction: 5 }, {}, { reaction: null }]) {
				const r = await api(srv, slug, 'PUT', { body, cookie });
				assert.equal(r.status, 422, JSON.stringify(body));
				assert.match(r.headers['content-type'], /^application\/json/);
				assert.equal(typeof r.json.error, 'string');
				assert.match(r.json.error, /unknown reaction.*angry, fail, geeky, lol, love, scary, win/);
			}
		});

		it('unknown or unpublished article → 404 JSON', async () => {
			for (const s of ['no-such-story', draftSlug, 'future-story']) {
				for (const [method, body] of [['GET'], ['PUT', { reaction: 'lol' }], ['DELETE']]) {
					const r = await api(srv, s, method, { body });
					assert.equal(r.status, 404, `${method} ${s}`);
					assert.match(r.headers['content-type'], /^application\/json/);
					assert.deepEqual(r.json, { error: 'no such article' });
					assert.deepEqual(setCookies(r), []);
				}
			}
		});

		it('malformed body → 400', async () => {
			for (const raw of ['{', '', 'lol', '[]', '"lol"', '{"reaction":"lol"', '{"reaction":"lol"} x', '\u0000']) {
				const r = await api(srv, slug, 'PUT', { raw, cookie,
					headers: { 'Content-Type': 'application/json' } });
				assert.equal(r.status, 400, JSON.stringify(raw));
				assert.equal(typeof r.json.error, 'string');
			}
		});

		it('Content-Type other than application/json → 415', async () => {
			for (const ct of ['text/plain', 'application/x-www-form-urlencoded',
				'application/jsonx', 'multipart/form-data; boundary=x', undefined]) {
				const r = await api(srv, slug, 'PUT', { raw: '{"reaction":"lol"}', cookie,
					headers: ct ? { 'Content-Type': ct } : {} });
				assert.equal(r.status, 415, String(ct));
				assert.match(r.json.error, /application\/json/);
			}
		});

		it('Origin from another site → 403 (PUT and DELETE)', async () => {
			for (const origin of ['http://evil.example', 'null', `${srv.url}.evil.example`]) {
				let r = await api(srv, slug, 'PUT', { body: { reaction: 'lol' }, cookie, headers: { Origin: origin } });
				assert.equal(r.status, 403, origin);
				assert.match(r.json.error, /cross-site/);
				r = await api(srv, slug, 'DELETE', { cookie, headers: { Origin: origin } });
				assert.equal(r.status, 403, origin);
			}
		});

		it('Sec-Fetch-Site: cross-site (or same-site) without Origin → 403', async () => {
			for (const v of ['cross-site', 'same-site']) {
				const r = await api(srv, slug, 'PUT', { body: { reaction: 'lol' }, cookie,
					headers: { 'Sec-Fetch-Site': v } });
				assert.equal(r.status, 403, v);
			}
		});

		it('same-origin Origin, Sec-Fetch-Site same-origin, or neither header → allowed', async () => {
			let r = await api(srv, slug, 'PUT', { body: { reaction: 'geeky' }, cookie, headers: { Origin: srv.url } });
			assert.equal(r.status, 200, r.text);
			r = await api(srv, slug, 'PUT', { body: { reaction: 'fail' }, cookie, headers: { 'Sec-Fetch-Site': 'same-origin' } });
			assert.equal(r.status, 200, r.text);
			r = await api(srv, slug, 'PUT', { body: { reaction: 'angry' }, cookie });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json, state({ angry: 1 }, 'angry'));
		});

		it('refused calls changed nothing', async () => {
			const r = await api(srv, slug, 'GET', { cookie });
			assert.deepEqual(r.json, state({ angry: 1 }, 'angry'));
		});

		it('a malformed reader cookie is ignored (a new reader is made)', async () => {
			const r = await api(srv, slug, 'PUT', { body: { reaction: 'win' }, cookie: 'dl_reader=NOT-HEX' });
			assert.equal(r.status, 200);
			assert.match(r.cookie || '', /^dl_reader=[0-9a-f]{32}$/);
			assert.deepEqual(r.json, state({ angry: 1, win: 1 }, 'win'));
			const d = await api(srv, slug, 'DELETE', { cookie: r.cookie });
			assert.deepEqual(d.json, state({ angry: 1 }, null));
		});

		it('the API and the form act on the same reader', async () => {
			const { block } = await page(srv, paths[slug], cookie);
			assert.equal(block.mine, 'angry');
			const r = await react(srv, slug, { csrf: block.csrf, reaction: 'angry', cookie });
			assert.equal(r.status, 303);
			assert.deepEqual((await api(srv, slug, 'GET', { cookie })).json, state({}, null));
		});
	});

	describe('exact counts under concurrency', () => {
		const slug = 'crowd-story';
		const N = 200;
		const readers = [];	// {cookie, kind (index or null)}

		it(`${N} concurrent new readers each counted once`, async () => {
			const res = await Promise.all(Array.from({ length: N }, (_, i) =>
				api(srv, slug, 'PUT', { body: { reaction: KINDS[i % 7] } })));
			const want = zero();
			for (const [i, r] of res.entries()) {
				assert.equal(r.status, 200, `reader ${i}: ${r.status} ${r.text}`);
				assert.equal(r.json.mine, KINDS[i % 7]);
				assert.match(r.cookie || '', /^dl_reader=[0-9a-f]{32}$/);
				readers.push({ cookie: r.cookie, kind: i % 7 });
				want[KINDS[i % 7]]++;
			}
			assert.equal(new Set(readers.map((x) => x.cookie)).size, N, 'every reader has its own id');
			const st = await api(srv, slug);
			assert.deepEqual(st.json, state(want, null));
			assert.equal(st.json.total, N);
			// The largest total any answer reported is N: no answer counted
			// a reader twice.
			assert.equal(Math.max(...res.map((r) => r.json.total)), N);
			assert.ok(res.every((r) => r.json.total >= 1 && r.json.total <= N));
		});

		it('concurrent moves, removals and repeats keep counts equal to the readers holding them', async () => {
			// Readers 0..59 move to the next kind, 60..119 remove theirs,
			// 120..159 repeat theirs, 160..199 toggle through the form
			// (removing theirs), and a second article gets readers 0..49.
			const tokens = await mapLimit(readers.slice(160), 20, async (rd) =>
				(await page(srv, paths[slug], rd.cookie)).block.csrf);
			const ops = readers.map((rd, i) => {
				if (i < 60) {
					rd.kind = (rd.kind + 1) % 7;
					return () => api(srv, slug, 'PUT', { body: { reaction: KINDS[rd.kind] }, cookie: rd.cookie });
				}
				if (i < 120) {
					rd.kind = null;
					return () => api(srv, slug, 'DELETE', { cookie: rd.cookie });
				}
				if (i < 160)
					return () => api(srv, slug, 'PUT', { body: { reaction: KINDS[rd.kind] }, cookie: rd.cookie });
				const k = rd.kind;
				rd.kind = null;
				return () => react(srv, slug, { csrf: tokens[i - 160], reaction: KINDS[k], cookie: rd.cookie });
			});
			for (let i = 0; i < 50; i++)
				ops.push(() => api(srv, 'crowd-other', 'PUT', { body: { reaction: 'win' }, cookie: readers[i].cookie }));
			const res = await Promise.all(ops.map((f) => f()));
			for (const r of res)
				assert.ok(r.status === 200 || r.status === 303, `${r.status} ${r.text.slice(0, 200)}`);
			const want = zero();
			for (const rd of readers)
				if (rd.kind !== null)
					want[KINDS[rd.kind]]++;
			assert.deepEqual((await api(srv, slug)).json, state(want, null));
			assert.deepEqual((await api(srv, 'crowd-other')).json, state({ win: 50 }, null));
			// Every reader sees exactly its own reaction.
			const mine = await mapLimit(readers, 25, (rd) => api(srv, slug, 'GET', { cookie: rd.cookie }));
			mine.forEach((r, i) => assert.equal(r.json.mine,
				readers[i].kind === null ? null : KINDS[readers[i].kind], `reader ${i}`));
		});

		it('the page never shows counts older than an acknowledged change', async () => {
			// Readers load the page without pause while changes are made;
			// after each acknowledged change the page must show it.  (A
			// block rendered from counts read just before a commit must not
			// be kept after it.)
			const s = 'crowd-page';
			const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
			const load = () => new Promise((resolve, reject) => {
				http.get(srv.url + paths[s], { agent }, (r) => {
					let t = '';
					r.setEncoding('utf8');
					r.on('data', (d) => { t += d; });
					r.on('end', () => resolve(t));
				}).on('error', reject);
			});
			let stop = false, reads = 0, n = 0;
			const stale = [];
			const readers = Array.from({ length: 16 }, async () => {
				while (!stop) {
					await load();
					reads++;
				}
			});
			try {
				const t0 = Date.now();
				while (Date.now() - t0 < 1500) {
					const res = await Promise.all(Array.from({ length: 4 }, (_, i) =>
						api(srv, s, 'PUT', { body: { reaction: KINDS[(n + i) % 7] } })));
					assert.ok(res.every((r) => r.status === 200));
					n += 4;
					const shown = parseBlock(await load()).total;
					if (shown !== n)
						stale.push(`${shown} shown after ${n} acknowledged`);
				}
			} finally {
				stop = true;
				await Promise.all(readers);
				agent.destroy();
			}
			assert.ok(reads > 100, `the page was read meanwhile (${reads} times)`);
			assert.deepEqual(stale, [], 'stale reaction blocks');
			const { block } = await page(srv, paths[s]);
			assert.deepEqual(block.counts, (await api(srv, s)).json.counts);
		});

		it('one reader sending many changes at once still holds exactly one reaction', async () => {
			const slug1 = 'single-reader';
			const first = await api(srv, slug1, 'PUT', { body: { reaction: 'angry' } });
			const cookie = first.cookie;
			const res = await Promise.all(Array.from({ length: 40 }, (_, i) => i % 5 === 4 ?
				api(srv, slug1, 'DELETE', { cookie }) :
				api(srv, slug1, 'PUT', { body: { reaction: KINDS[i % 7] }, cookie })));
			for (const r of res) {
				assert.equal(r.status, 200);
				assert.ok(r.json.total === 0 || r.json.total === 1, `total ${r.json.total}`);
				assert.ok(Object.values(r.json.counts).every((c) => c === 0 || c === 1));
			}
			const st = (await api(srv, slug1, 'GET', { cookie })).json;
			assert.equal(st.total, st.mine === null ? 0 : 1);
			if (st.mine !== null)
				assert.equal(st.counts[st.mine], 1);
		});

		it('reaction_counts in SQLite equals the per-reader rows and is never negative', async () => {
			const rows = await assertCountsMatchRows(site.db);
			const ids = await sql(site.db, `SELECT id FROM articles WHERE slug = '${slug}'`);
			const api1 = (await api(srv, slug)).json;
			const fromDb = zero();
			for (const r of rows.filter((x) => x.article_id === ids[0].id))
				fromDb[KINDS[r.kind]] = r.count;
			assert.deepEqual(fromDb, api1.counts, 'the API shows the counts stored');
			const distinct = await sql(site.db, 'SELECT count(*) AS n FROM reactions' +
				` WHERE article_id = ${ids[0].id}`);
			assert.equal(distinct[0].n, api1.total);
		});
	});

	describe('the live event stream', () => {
		const slug = 'events-story';

		it('is text/event-stream and sends a change by another reader as `event: reactions`', async () => {
			const ev = await openEvents(`${srv.url}/api/v1/articles/${slug}/events`);
			const other = await openEvents(`${srv.url}/api/v1/articles/events-other/events`);
			try {
				assert.equal(ev.status, 200);
				assert.match(ev.headers['content-type'], /^text\/event-stream/);
				assert.match(ev.headers['cache-control'] || '', /no-store|no-cache/);
				assert.equal(ev.headers['content-encoding'], undefined, 'not compressed');
				await ev.waitFor(/retry: \d+\n/);
				const r = await api(srv, slug, 'PUT', { body: { reaction: 'love' } });
				assert.equal(r.status, 200);
				const m = await ev.waitFor(/event: reactions\ndata: (.*)\n\n/);
				const data = JSON.parse(m[1]);
				assert.deepEqual(data, state({ love: 1 }), 'counts JSON without "mine"');
				// A form change arrives too.
				const tok = (await page(srv, paths[slug])).block.csrf;
				const f = await react(srv, slug, { csrf: tok, reaction: 'geeky' });
				assert.equal(f.status, 303);
				await ev.waitFor(/"geeky":1/);
				assert.deepEqual(reactionEvents(ev.text()).at(-1), state({ love: 1, geeky: 1 }));
				// A refused change sends nothing; the other article heard nothing.
				await api(srv, slug, 'PUT', { body: { reaction: 'nope' } });
				await sleep(200);
				assert.equal(reactionEvents(ev.text()).length, 2);
				assert.equal(reactionEvents(other.text()).length, 0, 'other article heard nothing');
			} finally {
				ev.close();
				other.close();
			}
		});

		it('answers 404 for an unknown article', async () => {
			const r = await request(`${srv.url}/api/v1/articles/no-such-story/events`);
			assert.equal(r.status, 404);
			assert.deepEqual(JSON.parse(r.text), { error: 'no such article' });
		});

		it('200 connects and disconnects free their streams; the server keeps working', async () => {
			const before = (await api(srv, slug)).json.total;
			// Let the server close the socket of that request first.
			await sleep(100);
			const base = openFds(srv.proc.pid);
			const streams = await mapLimit(Array.from({ length: 200 }), 50, () =>
				openEvents(`${srv.url}/api/v1/articles/${slug}/events`));
			assert.ok(streams.every((s) => s.status === 200));
			await Promise.all(streams.map((s) => s.waitFor(/: connected/)));
			assert.ok(openFds(srv.proc.pid) >= base + 200,
				`the server holds a socket per stream (${base} → ${openFds(srv.proc.pid)})`);
			for (const s of streams)
				s.close();
			await sleep(100);
			// A publish writes to every (now dead) stream, which ends them.
			const keeper = await openEvents(`${srv.url}/api/v1/articles/${slug}/events`);
			try {
				for (const k of ['win', 'fail']) {
					const r = await api(srv, slug, 'PUT', { body: { reaction: k } });
					assert.equal(r.status, 200);
					await keeper.waitFor(new RegExp(`"${k}":1`));
				}
				// A write to a vanished client may still succeed once (the
				// peer answers it with a reset); the next one fails and
				// ends the stream.  A few more changes free every socket.
				let n = openFds(srv.proc.pid), cookie = null;
				for (let i = 0; i < 10 && n > base + 10; i++) {
					const from = keeper.text().length;
					const r = await api(srv, slug, 'PUT', { body: { reaction: i % 2 ? 'scary' : 'angry' }, cookie });
					cookie ??= r.cookie;
					await keeper.waitFor(new RegExp(`"${i % 2 ? 'scary' : 'angry'}":1`), 5000, from);
					await sleep(100);
					n = openFds(srv.proc.pid);
				}
				assert.ok(n <= base + 10, `streams of gone clients are freed: ${base} fds before, ${n} after`);
				if (cookie)
					await api(srv, slug, 'DELETE', { cookie });
			} finally {
				keeper.close();
			}
			// Many more short-lived subscribers, sequentially opened and dropped.
			for (let i = 0; i < 50; i++)
				(await openEvents(`${srv.url}/api/v1/articles/${slug}/events`)).close();
			const r = await api(srv, slug);
			assert.equal(r.status, 200);
			assert.equal(r.json.total, before + 2);
			await get(srv.url + paths[slug]);
		});
	});
});

/* ---- rate limit ---- */

describe('reaction rate limit', () => {
	let site, srv, limitedPath;

	before(async () => {
		site = await makeSite();
		limitedPath = await story(site, 'limited');
		await story(site, 'limited-two');
		srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '5'] });
	});

	after(async () => {
		try {
			if (srv)
				assert.equal(await srv.stop(), 0);
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	it('the 6th change within a minute → 429 with Retry-After (JSON for the API, HTML for the form)', async () => {
		const first = await api(srv, 'limited', 'PUT', { body: { reaction: 'lol' } });
		assert.equal(first.status, 200);
		const cookie = first.cookie;
		for (const k of ['love', 'win', 'fail']) {
			const r = await api(srv, 'limited', 'PUT', { body: { reaction: k }, cookie });
			assert.equal(r.status, 200, `change ${k}`);
		}
		const fifth = await api(srv, 'limited-two', 'DELETE', { cookie });
		assert.equal(fifth.status, 200, 'the 5th change (any article) is allowed');

		const sixth = await api(srv, 'limited', 'PUT', { body: { reaction: 'geeky' }, cookie });
		assert.equal(sixth.status, 429);
		assert.match(sixth.headers['content-type'], /^application\/json/);
		assert.match(sixth.json.error, /too many/);
		const retry = Number(sixth.headers['retry-after']);
		assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${sixth.headers['retry-after']}`);

		const del = await api(srv, 'limited', 'DELETE', { cookie });
		assert.equal(del.status, 429);
		assert.ok(del.headers['retry-after']);

		const tok = (await page(srv, limitedPath, cookie)).block.csrf;
		const f = await react(srv, 'limited', { csrf: tok, reaction: 'scary', cookie });
		assert.equal(f.status, 429);
		assert.match(f.headers['content-type'], /^text\/html/);
		assert.match(textOf(f.text), /too fast/);
		assert.ok(Number(f.headers['retry-after']) >= 1);

		// A new reader from the same address is limited too (the limit is per address).
		const fresh = await api(srv, 'limited', 'PUT', { body: { reaction: 'win' } });
		assert.equal(fresh.status, 429);
		assert.deepEqual(setCookies(fresh), [], 'no reader made when limited');

		// Nothing refused was applied, and reading is never limited.
		for (let i = 0; i < 10; i++) {
			const g = await api(srv, 'limited', 'GET', { cookie });
			assert.equal(g.status, 200);
			assert.deepEqual(g.json, state({ fail: 1 }, 'fail'));
		}
	});

	it('checks the request before counting it against the limit', async () => {
		// Refused requests (bad body, bad origin) answer their own error, not 429.
		const r = await api(srv, 'limited', 'PUT', { raw: 'x', headers: { 'Content-Type': 'text/plain' } });
		assert.equal(r.status, 415);
		const r2 = await api(srv, 'no-such', 'PUT', { body: { reaction: 'lol' } });
		assert.equal(r2.status, 404);
	});

	it('SIGTERM ends open event streams and the server exits 0 promptly', async () => {
		const streams = await Promise.all(Array.from({ length: 5 }, () =>
			openEvents(`${srv.url}/api/v1/articles/limited/events`)));
		await Promise.all(streams.map((e) => e.waitFor(/: connected/)));
		const ended = streams.map((e) => new Promise((resolve) => {
			const t = setInterval(() => { if (e.ended()) { clearInterval(t); resolve(); } }, 20);
		}));
		assert.equal(await srv.stop(), 0);
		assert.ok(srv.stopMs < 5000, `stopped in ${srv.stopMs} ms`);
		await Promise.all(ended);
	});
});

describe('--reaction-rate-limit', () => {
	it('refuses a value that is not a number', async () => {
		for (const v of ['abc', '-1', '', '5x']) {
			const r = await runCli(['serve', '--db', '/nonexistent/x.db', '--listen', '127.0.0.1:1',
				'--reaction-rate-limit', v]);
			assert.equal(r.code, 2, `value ${JSON.stringify(v)}: ${r.stderr}`);
			assert.match(r.stderr, /reaction-rate-limit/);
		}
	});
});

/* ---- most-reacted archives, their feeds and the front-page box ---- */

/* The ranked stories of an archive page: [{href, headline, count}]. */
function ranked(html) {
	const list = /<ol class="stories ranked">([\s\S]*?)<\/ol>/.exec(html);
	assert.ok(list, 'page has <ol class="stories ranked">');
	return [...list[1].matchAll(/<h2><a href="([^"]*)">([\s\S]*?)<\/a><\/h2>\s*<p class="meta"><strong>(\d+)<\/strong>/g)]
		.map((m) => ({ href: m[1], headline: textOf(m[2]), count: Number(m[3]) }));
}

describe('most-reacted archives', () => {
	let site, srv;
	const paths = {};
	const FILLERS = 21;

	/* @n new readers each give @kind to @slug. */
	async function give(slug, kind, n) {
		const res = await Promise.all(Array.from({ length: n }, () =>
			api(srv, slug, 'PUT', { body: { reaction: kind } })));
		for (const r of res)
			assert.equal(r.status, 200, r.text);
	}

	before(async () => {
		site = await makeSite();
		for (const [i, s] of ['arc-a', 'arc-b', 'arc-c', 'arc-d', 'arc-e', 'arc-draft'].entries())
			paths[s] = await story(site, s, { published: `2024-01-0${i + 1}T10:00:00Z`,
				status: s === 'arc-draft' ? 'draft' : 'published' });
		await mapLimit(Array.from({ length: FILLERS }, (_, i) => i), 8, async (i) => {
			paths[`fill-${i}`] = await story(site, `fill-${i}`, { published: '2023-06-01T00:00:00Z' });
		});
		srv = await startServer({ db: site.db, args: ['--reaction-rate-limit', '0'] });
		await give('arc-a', 'lol', 3);
		await give('arc-a', 'win', 1);
		await give('arc-b', 'lol', 5);
		await give('arc-c', 'lol', 3);
		await give('arc-d', 'lol', 1);
		await give('arc-e', 'love', 2);
		await mapLimit(Array.from({ length: FILLERS }, (_, i) => i), 8, (i) => give(`fill-${i}`, 'scary', 1));
		// c's reactions were made three days ago, d's a month ago.
		const now = Math.floor(Date.now() / 1000);
		await sql(site.db, `UPDATE reactions SET created = ${now - 3 * 86400} WHERE article_id =` +
			` (SELECT id FROM articles WHERE slug = 'arc-c')`);
		await sql(site.db, `UPDATE reactions SET created = ${now - 30 * 86400} WHERE article_id =` +
			` (SELECT id FROM articles WHERE slug = 'arc-d')`);
	});

	after(async () => {
		try {
			if (srv)
				assert.equal(await srv.stop(), 0);
		} finally {
			if (site)
				await removeDir(site.dir);
		}
	});

	it('lists stories by reactions of one kind in the last 24 hours (the default)', async () => {
		const r = await get(`${srv.url}/reactions/lol/`);
		assert.match(r.headers['content-type'], /^text\/html/);
		assert.deepEqual(setCookies(r), []);
		assert.equal(textOf(inner(r.text, 'h1')), 'Most \u201cLol\u201d reactions');
		assert.deepEqual(ranked(r.text).map((s) => [s.href, s.count]),
			[[paths['arc-b'], 5], [paths['arc-a'], 3]]);
		const current = tags(r.text, 'a').filter((a) => a['aria-current'] === 'page');
		assert.deepEqual(current.map((a) => a.href), ['/reactions/lol/?window=24h']);
		assert.ok(tags(r.text, 'a').some((a) => a.href === '/reactions/lol/feed.xml?window=24h'), 'links its feed');
	});

	it('widens to 7 days and all time; ties go to the newer story', async () => {
		let r = await get(`${srv.url}/reactions/lol/?window=7d`);
		assert.deepEqual(ranked(r.text).map((s) => [s.href, s.count]),
			[[paths['arc-b'], 5], [paths['arc-c'], 3], [paths['arc-a'], 3]]);
		r = await get(`${srv.url}/reactions/lol/?window=all`);
		assert.deepEqual(ranked(r.text).map((s) => [s.href, s.count]),
			[[paths['arc-b'], 5], [paths['arc-c'], 3], [paths['arc-a'], 3], [paths['arc-d'], 1]]);
		assert.deepEqual(tags(r.text, 'a').filter((a) => a['aria-current'] === 'page').map((a) => a.href),
			['/reactions/lol/?window=all']);
	});

	it('follows changes: a moved reaction leaves one list for another, drafts never appear', async () => {
		const r1 = await api(srv, 'arc-e', 'PUT', { body: { reaction: 'love' } });
		await api(srv, 'arc-e', 'PUT', { body: { reaction: 'win' }, cookie: r1.cookie });
		let r = await get(`${srv.url}/reactions/love/?window=all`);
		assert.deepEqual(ranked(r.text).map((s) => [s.href, s.count]), [[paths['arc-e'], 2]]);
		r = await get(`${srv.url}/reactions/win/?window=all`);
		assert.deepEqual(ranked(r.text).map((s) => [s.href, s.count]),
			[[paths['arc-e'], 1], [paths['arc-a'], 1]]);
		r = await get(`${srv.url}/reactions/angry/`);
		assert.deepEqual(ranked(r.text), []);
		assert.match(textOf(r.text), /No stories with this reaction in this period yet/);
		await sql(site.db, 'INSERT INTO reactions (article_id, reader, kind, created) SELECT id,' +
			` 'r:x', 0, ${Math.floor(Date.now() / 1000)} FROM articles WHERE slug = 'arc-draft'`);
		r = await get(`${srv.url}/reactions/angry/?window=all`);
		assert.deepEqual(ranked(r.text), [], 'a draft with reactions is not listed');
	});

	it('pages with a keyset link (20 a page) without repeating or skipping', async () => {
		const seen = [];
		let next = '/reactions/scary/?window=all';
		let pages = 0;
		while (next) {
			const r = await get(srv.url + next);
			const items = ranked(r.text);
			assert.ok(items.length > 0 && items.length <= 20);
			seen.push(...items.map((s) => s.href));
			const m = /<a rel="next" href="([^"]*)">/.exec(r.text);
			next = m ? decodeEntities(m[1]) : null;
			if (next)
				assert.match(next, /^\/reactions\/scary\/\?window=all&before=1\.\d+$/);
			pages++;
		}
		assert.equal(pages, 2);
		assert.equal(seen.length, FILLERS);
		assert.equal(new Set(seen).size, FILLERS, 'no story twice');
	});

	it('refuses unknown reactions, periods and positions', async () => {
		await get(`${srv.url}/reactions/meh/`, { status: 404 });
		await get(`${srv.url}/reactions/LOL/`, { status: 404 });
		await get(`${srv.url}/reactions/meh/feed.xml`, { status: 404 });
		for (const q of ['window=1y', 'window=', 'before=5.', 'before=x.1', 'before=99999999999999999999.1', 'before=1.2.3']) {
			const r = await request(`${srv.url}/reactions/lol/?${q}`);
			assert.equal(r.status, 400, q);
			const f = await request(`${srv.url}/reactions/lol/feed.xml?${q}`);
			assert.equal(f.status, 400, `feed ${q}`);
		}
	});

	it('has an RSS feed per reaction and period', async () => {
		const r = await get(`${srv.url}/reactions/lol/feed.xml?window=all`);
		assert.match(r.headers['content-type'], /^application\/rss\+xml/);
		assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<rss version="2.0"/);
		const items = [...r.text.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => ({
			title: decodeEntities(/<title>([\s\S]*?)<\/title>/.exec(m[1])[1]),
			link: decodeEntities(/<link>([\s\S]*?)<\/link>/.exec(m[1])[1]),
		}));
		assert.deepEqual(items.map((i) => i.link),
			['arc-b', 'arc-c', 'arc-a', 'arc-d'].map((s) => srv.url + paths[s]));
		assert.equal(items[0].title, 'Story arc-b');
		const self = /<atom:link href="([^"]*)"/.exec(r.text);
		assert.equal(decodeEntities(self[1]), `${srv.url}/reactions/lol/feed.xml?window=all`);
		const day = await get(`${srv.url}/reactions/lol/feed.xml`);
		assert.equal([...day.text.matchAll(/<item>/g)].length, 2, 'the default period is 24 hours');
	});

	it('shows a "Most reacted" box on the front page (any reaction, this week)', async () => {
		const r = await get(srv.url + '/');
		const box = /<aside class="most-reacted"[^>]*>([\s\S]*?)<\/aside>/.exec(r.text);
		assert.ok(box, 'front page has the box');
		assert.equal(textOf(inner(box[1], 'h2')), 'Most reacted');
		const found = [...box[1].matchAll(/<li><a href="([^"]*)">[\s\S]*?<\/a> <span class="meta">(\d+) (reactions?) this week<\/span><\/li>/g)];
		const items = found.map((m) => [m[1], Number(m[2])]);
		for (const m of found) assert.equal(m[3], m[2] === '1' ? 'reaction' : 'reactions', 'the plural form of its count');
		assert.equal(items.length, 5, 'five stories');
		assert.deepEqual(items.slice(0, 4), [[paths['arc-b'], 5], [paths['arc-a'], 4],
			[paths['arc-e'], 3], [paths['arc-c'], 3]]);
		assert.ok(!items.some(([h]) => h === paths['arc-d']), 'a month-old reaction is not this week');
		assert.deepEqual(setCookies(r), []);
		// Only the first page of the front page carries the box.
		const older = /<a rel="next" href="([^"]*)">/.exec(r.text);
		if (older) {
			const o = await get(srv.url + decodeEntities(older[1]));
			assert.doesNotMatch(o.text, /class="most-reacted"/);
		}
	});
});
