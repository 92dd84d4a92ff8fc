// comments-xss.test.mjs - classic cross-site scripting payloads posted as
// comments and as display names must all come out inert: the served HTML
// of the story page (comments and reply notification aside), the
// moderation queue and the JSON's rendered html hold no element, attribute
// or URL that could run script.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeSite, removeDir, startServer } from './lib.mjs';
import { csrfOf } from './accounts-lib.mjs';
import { addUser, loginAs, story, commentBlock, api } from './comments-lib.mjs';

const PAYLOADS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
	'<img src=x onerror=alert(1)>',
	'<svg onload=alert(1)>',
	'<svg><script>alert(1)</script></svg>',
	'<body onload=alert(1)>',
	'<iframe src="javascript:alert(1)"></iframe>',
	'<a href="javascript:alert(1)">click</a>',
	'[click](javascript:alert(1))',
	'[click](JaVaScRiPt:alert(1))',
	'[click](  javascript:alert(1))',
	'[click](java\tscript:alert(1))',
	'[click](javascript&#58;alert(1))',
	'[click](&#106;avascript:alert(1))',
	'[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
	'[click](vbscript:msgbox(1))',
	'[click](file:///etc/passwd)',
	'![img](javascript:alert(1))',
	'![x](https://evil.example/x.png" onerror="alert(1))',
	'[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
	'<javascript:alert(1)>',
	'<http://a.example/"onmouseover="alert(1)>',
	'www.example.com/<script>alert(1)</script>',
	'https://example.com/"><script>alert(1)</script>',
	'[a]: javascript:alert(1)\n\n[link][a]',
	'<div style="background:url(javascript:alert(1))">x</div>',
	'<style>body{background:red}</style>',
	'<object data="javascript:alert(1)"></object>',
	'<embed src="javascript:alert(1)">',
	'<form action="javascript:alert(1)"><button>x</button></form>',
	'<input onfocus=alert(1) autofocus>',
	'<details open ontoggle=alert(1)>',
	'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	'&lt;script&gt;alert(1)&lt;/script&gt;',
	'&#60;script&#62;alert(1)&#60;/script&#62;',
	'<scr<script>ipt>alert(1)</script>',
	'<img src="x" onerror="alert(1)"',
	'<a href="x" onclick=alert(1)>broken',
	'"><img src=x onerror=alert(1)>',
	"'><svg/onload=alert(1)>",
	'`<script>alert(1)</script>`',
	'```html\n<script>alert(1)</script>\n```',
	'> <script>alert(1)</script>',
	'- <img src=x onerror=alert(1)>',
	'\u202Egnp.exe\u202D <b>bidi</b>',
	'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
	'<base href="javascript:alert(1)//">',
	'<link rel=stylesheet href="javascript:alert(1)">',
];

const NAMES = [
	'<script>alert(1)</script>',
	'"><img src=x onerror=alert(1)>',
	"'onmouseover='alert(1)",
	'\u202Eevil\u202C name',
	'<svg onload=alert(1)>',
];

/* Elements our own comment markup uses. */
const ALLOWED = new Set(['section', 'h2', 'span', 'p', 'nav', 'a', 'ol', 'ul', 'li', 'article',
	'header', 'time', 'div', 'footer', 'form', 'input', 'button', 'em', 'strong', 'code', 'pre',
	'blockquote', 'del', 'br', 'label', 'textarea', 'select', 'option', 'fieldset', 'legend',
	'main', 'h1', 'time']);

/* Every way @html could run script, as a list of findings. */
function executable(html) {
	const found = [];
	for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
		const tag = m[1].toLowerCase();
		if (!ALLOWED.has(tag))
			found.push(`element <${tag}>`);
		for (const a of m[2].matchAll(/([^\s=/"']+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
			const name = a[1].toLowerCase();
			const value = (a[2] || '').replace(/^["']|["']$/g, '');
			if (name.startsWith('on'))
				found.push(`attribute ${name} on <${tag}>`);
			if (name === 'style')
				found.push(`style on <${tag}>`);
			if ((name === 'href' || name === 'src' || name === 'action' || name === 'formaction') &&
			    !/^(https?:\/\/|mailto:|\/|\?|#)/i.test(value))
				found.push(`${name}="${value}" on <${tag}>`);
		}
	}
	if (/[\u202A-\u202E\u2066-\u2069]/.test(html))
		found.push('a bidi control character');
	return found;
}

describe('comments render every payload inert', () => {
	let site, srv, p, ed;
	const ids = [];

	before(async () => {
		site = await makeSite();
		p = await story(site, 'xss');
		await addUser(site.db, 'x@example.com', 'Xavier');
		await addUser(site.db, 'ed@example.com', 'Ed', 'editor');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000',
			'--comment-rate-limit', '1000', '--comment-min-seconds', '0', '--comment-links', '100'] });
		ed = await loginAs(srv.url, 'ed@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test(`${PAYLOADS.length} comment payloads`, async () => {
		assert.ok(PAYLOADS.length >= 40);
		const c = await loginAs(srv.url, 'x@example.com');
		for (const body of PAYLOADS) {
			const r = await api(c, 'POST', '/api/v1/articles/xss/comments', { body });
			assert.equal(r.status, 201, `${body}: ${r.text}`);
			ids.push(r.json.comment.id);
			assert.deepEqual(executable(r.json.comment.html), [], body);
		}
		for (const client of [c, ed]) {
			let url = p, seen = 0;
			while (url) {
				const page = await client.get(url);
				const block = commentBlock(page.text);
				assert.deepEqual(executable(block), [], 'the comment block');
				seen += (block.match(/<li class="comment"/g) || []).length;
				const more = /<a href="([^"]*)" rel="next" data-comment-more>/.exec(block);
				url = more ? p + more[1].replace(/&amp;/g, '&').replace(/#.*/, '') : null;
			}
			assert.equal(seen, PAYLOADS.length);
		}
		// The text stays readable: what was typed shows as text.
		const j = await api(c, 'GET', '/api/v1/articles/xss/comments?limit=100');
		const first = j.json.comments.find((x) => x.id === ids[0]);
		assert.match(first.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		for (const x of j.json.comments)
			assert.deepEqual(executable(x.html), [], x.body);
		const bidi = j.json.comments.find((x) => x.html.includes('gnp.exe'));
		assert.ok(bidi && !/\u202E/.test(bidi.body), 'bidi controls are dropped');
	});

	test(`${NAMES.length} display names, on comments and in the queue`, async () => {
		for (const [i, name] of NAMES.entries()) {
			const email = `n${i}@example.com`;
			await addUser(site.db, email, 'Plain');
			const c = await loginAs(srv.url, email);
			const acct = await c.get('/account/');
			const r = await c.post('/account/name', { csrf: csrfOf(acct.text, '/account/name'), name });
			assert.equal(r.status, 303, `set name ${name}: ${r.status}`);
			const h = await api(c, 'POST', '/api/v1/articles/xss/comments', { body: `hello from ${i}` });
			assert.equal(h.status, 201);
			const page = await c.get(`${p}?csort=newest`);
			const block = commentBlock(page.text);
			assert.deepEqual(executable(block), [], name);
			// Reported: the name also shows in the editor's queue.
			const rep = await api(ed, 'GET', `/api/v1/articles/xss/comments?sort=newest&limit=1`);
			const edPage = await ed.get(p);
			await ed.post(`/comments/${rep.json.comments[0].id}/report`,
				{ csrf: csrfOf(edPage.text, '/comments/new/xss') });
		}
		const q = await ed.get('/newsroom/comments');
		assert.equal(q.status, 200);
		const main = /<main[\s\S]*<\/main>/.exec(q.text)[0];
		assert.equal((main.match(/class="queue-item"/g) || []).length, NAMES.length);
		assert.deepEqual(executable(main), [], 'the queue');
	});
});
