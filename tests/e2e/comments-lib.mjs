// comments-lib.mjs - helpers for the comment tests: accounts made with the
// CLI (verified) and logged in as a cookie-keeping client, posting through
// the page's form or the JSON API, the comment block parsed, and a reader
// of the article's event stream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { BIN, addArticle, decodeEntities, request } from './lib.mjs';
import { Client, csrfOf } from './accounts-lib.mjs';

export const PW = 'correct horse battery';

/* A verified account made by `dateline user add`. */
export function addUser(db, email, name, role = 'reader') {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, ['user', 'add', '--db', db, '--email', email, '--name', name,
			'--role', role, '--password-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => code === 0 ? resolve(Number(out.split('\t')[0])) :
			reject(new Error(`user add ${email}: ${err}`)));
		p.stdin.end(PW + '\n');
	});
}

/* A client logged in as @email. */
export async function loginAs(url, email) {
	const c = new Client(url);
	const r = await c.submit('/account/login', '/account/login', { email, password: PW });
	assert.equal(r.status, 303, `log in as ${email}: ${r.status}`);
	return c;
}

/* A published story in the past; its path. */
export function story(site, slug, extra = {}) {
	return addArticle(site, {
		headline: `Story ${slug}`, slug, summary: 'A summary.', author: 'Desk',
		section: 'World', published: '2024-03-04T05:06:07Z', status: 'published',
		...extra,
	}, 'Body text of the story.\n');
}

/* The <section class="comments"> of a page (throws when absent). */
export function commentBlock(html) {
	const m = /<section class="comments"[\s\S]*?<\/section>/.exec(html);
	assert.ok(m, 'the page has a comments section');
	return m[0];
}

/* "Comments N" of a page. */
export function headingCount(html) {
	const m = /<h2 id="comments-heading">Comments <span[^>]*>(\d+)<\/span>/.exec(html);
	assert.ok(m, 'the comments heading');
	return Number(m[1]);
}

/* Comment ids on a page, in page order. */
export const commentIds = (html) =>
	[...commentBlock(html).matchAll(/<li class="comment" id="comment-(\d+)"/g)].map((m) => Number(m[1]));

/* Post @body (a reply to @parent) through the form on @storyPath. */
export async function postForm(c, storyPath, body, { parent = '', website = '', stamp } = {}) {
	const page = await c.get(storyPath);
	const slug = storyPath.split('/').filter(Boolean).pop();
	const action = `/comments/new/${slug}`;
	const csrf = csrfOf(page.text, action);
	const st = stamp ?? decodeEntities(/name="stamp" value="([^"]*)"/.exec(page.text)[1]);
	return c.post(action, { csrf, stamp: st, parent: String(parent), body, website });
}

/* A JSON API call as client @c (cookies kept). */
export async function api(c, method, path, body) {
	const headers = { Cookie: c.cookieHeader() };
	let data;
	if (body !== undefined) {
		data = JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
		headers['Content-Length'] = Buffer.byteLength(data);
	}
	const r = await request(c.base + path, { method, headers, body: data });
	let json = null;
	try { json = JSON.parse(r.text); } catch { /* not JSON */ }
	return { ...r, json };
}

/* An open event stream: text(), waitFor(re, ms, from), close(). */
export function openEvents(url) {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent: false }, (res) => {
			let text = '';
			let wake = null;
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; if (wake) wake(); });
			res.on('error', () => {});
			resolve({
				status: res.statusCode,
				text: () => text,
				async waitFor(re, ms = 5000, from = 0) {
					const deadline = Date.now() + ms;
					let m;
					while (!(m = re.exec(text.slice(from)))) {
						const left = deadline - Date.now();
						if (left <= 0 || res.complete)
							throw new Error(`event stream: no ${re} within ${ms} ms; got ${JSON.stringify(text)}`);
						await new Promise((r) => { const t = setTimeout(r, left); wake = () => { clearTimeout(t); r(); }; });
						wake = null;
					}
					return m;
				},
				close() { req.destroy(); },
			});
		});
		req.on('error', reject);
	});
}
