// accounts.test.mjs - reader accounts end to end, against a real SMTP
// server started here: sign up -> verification mail -> verify -> log out
// -> forgot password -> mail -> reset -> old password fails, new works ->
// the token again fails -> an expired token fails -> other sessions ended.
// Then the security properties (cookie flags, hashes at rest, CSRF, equal
// answers, rate limits, mail surviving an SMTP outage), the CLI, the
// masthead on cached pages and reactions under an account.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, isPg, makeSite, removeDir, startServer, addArticle, request, sleep } from './lib.mjs';
import { startSmtp, mailLink, mailHeader, csrfOf, mainText, Client, sql, haveSqlite3,
	selfSignedCert, haveOpenssl } from './accounts-lib.mjs';

const PW = 'correct horse battery';
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const FAST = ['--login-rate-limit', '1000'];

function smtpArgs(smtp, auth = false) {
	const cred = auth ? 'news:s3cret@' : '';
	return ['--smtp-url', `smtp://${cred}127.0.0.1:${smtp.port}`, '--smtp-plain',
		'--mail-from', 'news@example.com'];
}

async function signup(c, name, email, password = PW) {
	return c.submit('/account/signup', '/account/signup', { name, email, password });
}

async function login(c, email, password = PW, next) {
	return c.submit('/account/login', '/account/login',
		next ? { email, password, next } : { email, password });
}

/* `dateline user ...` with @input on stdin. */
function userCli(args, input = '') {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, ['user', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		p.stdout.on('data', (d) => { stdout += d; });
		p.stderr.on('data', (d) => { stderr += d; });
		p.on('error', reject);
		p.on('close', (code) => resolve({ code, stdout, stderr }));
		p.stdin.end(input);
	});
}

describe('the account flow with e-mail', () => {
	let site, smtp, srv;
	const ann = 'ann@example.com';
	const a = {};		// clients

	before(async () => {
		site = await makeSite();
		smtp = await startSmtp({ user: 'news', pass: 's3cret' });
		srv = await startServer({ db: site.db, args: [...smtpArgs(smtp, true), ...FAST] });
		a.one = new Client(srv.url);
		a.two = new Client(srv.url);
	});
	after(async () => {
		await srv.stop();
		await smtp.close();
		await removeDir(site.dir);
	});

	test('the forms have visible labels and link back to log in', async () => {
		for (const [p, labels] of [['/account/signup', ['Display name', 'Email', 'Password']],
			['/account/login', ['Email', 'Password']], ['/account/forgot', ['Email']]]) {
			const r = await a.one.get(p);
			assert.equal(r.status, 200);
			assert.equal(r.headers['cache-control'], 'no-store');
			for (const l of labels)
				assert.match(r.text, new RegExp(`<label for="[^"]+">${l}</label>`), `${p}: ${l}`);
			assert.match(r.text, /Back to log in|Forgot your password\?/);
		}
		const login = await a.one.get('/account/login');
		assert.match(login.text, /href="\/account\/forgot">Forgot your password\?</);
		assert.match(login.text, /href="\/account\/signup">Sign up</);
		const forgot = await a.one.get('/account/forgot');
		assert.match(forgot.text, /href="\/account\/login">Back to log in</);
	});

	test('a bad field is reported next to it', async () => {
		const r = await signup(a.one, 'Ann', 'not-an-address', 'short');
		assert.equal(r.status, 400);
		assert.match(r.text, /id="signup-email"[^>]*aria-invalid="true" aria-describedby="signup-email-error"/);
		assert.match(r.text, /<p class="field-error" id="signup-email-error">/);
		assert.match(r.text, /<p class="field-error" id="signup-password-error">Use 8 to 256 characters.<\/p>/);
	});

	test('sign up sends a verification mail; unverified readers can log in', async () => {
		const r = await signup(a.one, 'Ann Reader', ann);
		assert.equal(r.status, 200);
		assert.match(mainText(r.text), /We sent a message to ann@example.com/);
		assert.equal(a.one.loggedIn(), false, 'sign up does not log in');
		const m = await smtp.waitFor(ann, /verify/);
		assert.equal(m.authed, 'news', 'the sender used SMTP AUTH');
		assert.equal(m.from, 'news@example.com');
		for (const h of ['Date', 'Message-ID', 'From', 'To', 'Subject'])
			assert.ok(mailHeader(m.raw, h), `header ${h}`);
		assert.match(mailHeader(m.raw, 'Content-Type'), /text\/plain; charset=utf-8/);
		const link = mailLink(m.raw, 'verify');
		assert.equal(link.base, srv.url, 'links are built from the base URL');
		a.verify = link;

		const li = await login(a.one, ann);
		assert.equal(li.status, 303);
		const home = await a.one.get('/account/');
		assert.match(home.text, /not confirmed yet/);
	});

	test('the verification link confirms the address once', async () => {
		const head = await request(srv.url + a.verify.path, { method: 'HEAD' });
		assert.equal(head.status, 200, 'HEAD does not use the link up');
		const r = await a.one.get(a.verify.path);
		assert.equal(r.status, 200);
		assert.match(mainText(r.text), /confirmed/);
		const home = await a.one.get('/account/');
		assert.doesNotMatch(home.text, /not confirmed yet/);
		const again = await a.one.get(a.verify.path);
		assert.equal(again.status, 400);
	});

	test('the header shows the name and a log out button; log out ends the session', async () => {
		const page = await a.one.get('/');
		assert.equal(page.status, 200);
		assert.match(page.text, /<a class="account-name" href="\/account\/">Ann Reader<\/a>/);
		assert.match(page.text, /<form method="post" action="\/account\/logout"/);
		assert.match(page.headers['cache-control'], /private/);
		const cookie = a.one.jar.get('dl_session');
		const out = await a.one.post('/account/logout', { csrf: csrfOf(page.text, '/account/logout') });
		assert.equal(out.status, 303);
		assert.equal(a.one.loggedIn(), false);
		// The old cookie is dead on the server too.
		const replay = await request(srv.url + '/', { headers: { Cookie: `dl_session=${cookie}` } });
		assert.match(replay.text, />Log in</);
		assert.doesNotMatch(replay.text, /Ann Reader/);
	});

	test('after log in the reader returns to the page they came from, same-site only', async () => {
		let r = await login(a.one, ann, PW, '/section/world/');
		assert.equal(r.status, 303);
		assert.equal(r.headers.location, '/section/world/');
		for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
			r = await login(a.two, ann, PW, bad);
			assert.equal(r.headers.location, '/', bad);
		}
		assert.ok(a.one.loggedIn() && a.two.loggedIn());
		const login2 = await a.one.get('/tag/x/');
		assert.match(login2.text, /Ann Reader/);
	});

	test('forgot password -> mail -> reset -> old fails, new works, token dies, sessions end', async () => {
		const anon = new Client(srv.url);
		const f = await anon.submit('/account/forgot', '/account/forgot', { email: ann });
		assert.equal(f.status, 200);
		assert.match(mainText(f.text), /If an account exists for ann@example.com, we sent a link/);
		assert.match(f.text, /href="\/account\/login">Back to log in/);
		const m = await smtp.waitFor(ann, /reset your password/i);
		assert.match(m.raw, /works for 1 hour/);
		const link = mailLink(m.raw, 'reset');

		const form = await anon.get(link.path);
		assert.equal(form.status, 200);
		assert.match(form.text, /<label for="[^"]+">New password<\/label>/);
		assert.ok(!form.text.includes(`id="${link.token}`), 'the token is not in an id');
		assert.match(form.text, /Back to log in/);
		const NEW = 'a much better password';
		const done = await anon.post(link.path, { csrf: csrfOf(form.text), password: NEW });
		assert.equal(done.status, 200, mainText(done.text));
		assert.match(mainText(done.text), /password is changed/);
		await smtp.waitFor(ann, /was changed/);

		assert.equal((await login(new Client(srv.url), ann, PW)).status, 401, 'old password fails');
		assert.equal((await login(new Client(srv.url), ann, NEW)).status, 303, 'new password works');

		const again = await anon.get(link.path);
		assert.equal(again.status, 400, 'the token is single use');
		const post = await anon.post(link.path, { csrf: csrfOf(form.text), password: 'yet another one' });
		assert.equal(post.status, 400);
		assert.equal((await login(new Client(srv.url), ann, 'yet another one')).status, 401);

		// Both earlier devices were logged out.
		for (const c of [a.one, a.two]) {
			const p = await c.get('/');
			assert.doesNotMatch(p.text, /Ann Reader/);
			assert.match(p.text, />Log in</);
		}
		a.password = NEW;
	});

	test('an expired reset token fails', async () => {
		// Tokens carry their expiry; a server with a 1 s lifetime makes one.
		await srv.stop();
		srv = await startServer({ db: site.db, args: [...smtpArgs(smtp, true), ...FAST, '--reset-token-ttl', '1'] });
		const c = new Client(srv.url);
		const before = smtp.messages.length;
		await c.submit('/account/forgot', '/account/forgot', { email: ann });
		const m = await smtp.waitFor(ann, /works for 1 second/);
		assert.ok(smtp.messages.length > before);
		const link = mailLink(m.raw, 'reset');
		await sleep(2200);
		const r = await c.get(link.path);
		assert.equal(r.status, 400);
		assert.match(mainText(r.text), /expired/);
		assert.match(r.text, /Back to log in/);
	});

	test('log out of all devices', async () => {
		await srv.stop();
		srv = await startServer({ db: site.db, args: [...smtpArgs(smtp, true), ...FAST] });
		const x = new Client(srv.url), y = new Client(srv.url);
		await login(x, ann, a.password);
		await login(y, ann, a.password);
		const page = await x.get('/account/');
		const r = await x.post('/account/logout-all', { csrf: csrfOf(page.text, '/account/logout-all') });
		assert.equal(r.status, 303);
		assert.doesNotMatch((await y.get('/')).text, /Ann Reader/);
	});

	test('change name, e-mail (re-verified) and password; delete the account', async () => {
		const c = new Client(srv.url);
		assert.equal((await login(c, ann, a.password)).status, 303);
		let r = await c.submit('/account/', '/account/name', { name: 'Ann B.' });
		assert.equal(r.status, 303);
		assert.match((await c.get('/')).text, />Ann B\.</);

		r = await c.submit('/account/', '/account/email', { email: 'ann.b@example.com', password: 'wrong password' });
		assert.equal(r.status, 400);
		assert.match(r.text, /id="email-email-error"|id="email-password-error"/);
		r = await c.submit('/account/', '/account/email', { email: 'ann.b@example.com', password: a.password });
		assert.equal(r.status, 303);
		const m = await smtp.waitFor('ann.b@example.com', /new e-mail/i);
		assert.equal((await c.get(mailLink(m.raw, 'email').path)).status, 200);
		assert.equal((await login(new Client(srv.url), 'ann.b@example.com', a.password)).status, 303);

		const other = new Client(srv.url);
		await login(other, 'ann.b@example.com', a.password);
		r = await c.submit('/account/', '/account/password', { password: a.password, new_password: 'third password here' });
		assert.equal(r.status, 303);
		assert.ok(c.loggedIn(), 'this device stays logged in');
		assert.match((await c.get('/')).text, /Ann B\./);
		assert.doesNotMatch((await other.get('/')).text, /Ann B\./, 'other devices are logged out');
		await smtp.waitFor('ann.b@example.com', /was changed/);

		r = await c.submit('/account/', '/account/delete', { password: 'third password here' });
		assert.equal(r.status, 200);
		assert.match(mainText(r.text), /deleted/);
		assert.equal((await login(new Client(srv.url), 'ann.b@example.com', 'third password here')).status, 401);
	});
});

describe('account security', () => {
	let site, smtp, srv;

	before(async () => {
		site = await makeSite();
		smtp = await startSmtp();
		srv = await startServer({ db: site.db, args: smtpArgs(smtp) });
	});
	after(async () => {
		await srv.stop();
		await smtp.close();
		await removeDir(site.dir);
	});

	test('the session cookie is HttpOnly, SameSite=Lax, Path=/ (no Secure over plain http)', async () => {
		const c = new Client(srv.url);
		await signup(c, 'Bob', 'bob@example.com');
		const r = await login(c, 'bob@example.com');
		const sc = r.headers['set-cookie'].find((x) => x.startsWith('dl_session='));
		assert.match(sc, /^dl_session=[A-Za-z0-9_-]{43}; /);
		assert.match(sc, /; HttpOnly/);
		assert.match(sc, /; SameSite=Lax/);
		assert.match(sc, /; Path=\//);
		assert.doesNotMatch(sc, /Secure/);
	});

	test('stored values: argon2id passwords, hashes of session and reset tokens', { skip: !haveSqlite3() && 'no sqlite3 shell' }, async () => {
		const c = new Client(srv.url);
		await signup(c, 'Cleo', 'cleo@example.com');
		await login(c, 'cleo@example.com');
		const [[pw]] = sql(site.db, "SELECT password FROM accounts WHERE email = 'cleo@example.com'");
		assert.match(pw, /^\$argon2id\$/);
		const cookie = c.jar.get('dl_session');
		const sessions = sql(site.db, 'SELECT hash FROM sessions').map((r) => r[0]);
		assert.ok(!sessions.includes(cookie), 'the cookie value is not stored');
		assert.ok(sessions.includes(sha256(cookie)), 'its SHA-256 is');
		await new Client(srv.url).submit('/account/forgot', '/account/forgot', { email: 'cleo@example.com' });
		const link = mailLink((await smtp.waitFor('cleo@example.com', /reset/i)).raw, 'reset');
		const tokens = sql(site.db, "SELECT hash FROM account_tokens WHERE purpose = 'reset'").map((r) => r[0]);
		assert.ok(!tokens.includes(link.token));
		assert.ok(tokens.includes(sha256(link.token)));
		if (!isPg(site.db))
			assert.ok(!fs.readFileSync(site.db).includes(Buffer.from(link.token)), 'the token is nowhere in the file');
	});

	test('cross-site and token-less posts are refused', async () => {
		const c = new Client(srv.url);
		const page = await c.get('/account/login');
		const csrf = csrfOf(page.text);
		let r = await c.post('/account/login', { csrf, email: 'bob@example.com', password: PW },
			{ Origin: 'http://evil.example' });
		assert.equal(r.status, 403);
		r = await c.post('/account/login', { csrf, email: 'bob@example.com', password: PW },
			{ 'Sec-Fetch-Site': 'cross-site' });
		assert.equal(r.status, 403);
		r = await c.post('/account/login', { email: 'bob@example.com', password: PW });
		assert.equal(r.status, 403);
		r = await c.post('/account/signup', { csrf: 'x'.repeat(43), name: 'E', email: 'e@example.com', password: PW });
		assert.equal(r.status, 403);
		// A logged-in reader's token is bound to the session.
		const b = new Client(srv.url);
		await login(b, 'bob@example.com');
		r = await b.post('/account/logout', { csrf });
		assert.equal(r.status, 403);
		assert.ok(b.loggedIn());
	});

	test('reset and sign-up answers are the same for known and unknown addresses', async () => {
		const ask = async (email) => {
			const c = new Client(srv.url);
			const t0 = Date.now();
			const r = await c.submit('/account/forgot', '/account/forgot', { email });
			return { status: r.status, text: mainText(r.text).replace(email, 'ADDR'), ms: Date.now() - t0,
				cookies: r.headers['set-cookie'] };
		};
		// Two of each, interleaved: a stall of a loaded machine hits one
		// request, a difference of the code paths hits both.
		const known = await ask('bob@example.com');
		const unknown = await ask('nobody@example.com');
		const known2 = await ask('cleo@example.com');
		const unknown2 = await ask('nobody-else@example.com');
		for (const [k, u] of [[known, unknown], [known2, unknown2], [known, unknown2]]) {
			assert.equal(k.status, u.status);
			assert.equal(k.text.replace(/ADDR/g, ''), u.text.replace(/ADDR/g, ''));
			assert.deepEqual(k.cookies, u.cookies);
		}
		const kms = Math.min(known.ms, known2.ms), ums = Math.min(unknown.ms, unknown2.ms);
		assert.ok(Math.abs(kms - ums) < 250, `timing ${known.ms}/${known2.ms} vs ${unknown.ms}/${unknown2.ms} ms`);

		const su = async (email) => {
			const c = new Client(srv.url);
			const r = await signup(c, 'Someone', email);
			return { status: r.status, text: mainText(r.text).replace(email, 'ADDR'), cookies: r.headers['set-cookie'] };
		};
		const dup = await su('bob@example.com');
		const fresh = await su('dora@example.com');
		assert.equal(dup.status, fresh.status);
		assert.equal(dup.text, fresh.text);
		assert.deepEqual(dup.cookies, fresh.cookies);
		// The owner of the taken address hears of it by mail.
		await smtp.waitFor('bob@example.com', /already has an account/);
	});

	test('log in failures for an account are limited: 429 with Retry-After', async () => {
		let last;
		for (let i = 0; i < 8; i++) {
			last = await login(new Client(srv.url), 'bob@example.com', 'wrong password ' + i);
			if (last.status === 429)
				break;
			assert.equal(last.status, 401);
		}
		assert.equal(last.status, 429);
		assert.ok(Number(last.headers['retry-after']) >= 1);
		// Even the right password waits now.
		assert.equal((await login(new Client(srv.url), 'bob@example.com')).status, 429);
		// An unknown address is limited alike, so a 429 tells nothing.
		for (let i = 0; i < 8; i++) {
			last = await login(new Client(srv.url), 'nobody-here@example.com', 'wrong password ' + i);
			if (last.status === 429)
				break;
		}
		assert.equal(last.status, 429);
	});

	test('reset requests per address are limited', async () => {
		let last;
		for (let i = 0; i < 6; i++) {
			last = await new Client(srv.url).submit('/account/forgot', '/account/forgot', { email: 'limit@example.com' });
			if (last.status === 429)
				break;
		}
		assert.equal(last.status, 429);
		assert.ok(Number(last.headers['retry-after']) >= 1);
	});

	test('Secure cookies over https and behind a trusted proxy', async () => {
		const s2 = await startServer({ db: site.db, args: [...smtpArgs(smtp), '--trust-proxy'] });
		try {
			const c = new Client(s2.url);
			await c.get('/account/login');
			const r = await login(c, 'dora@example.com', PW, undefined);
			assert.equal(r.status, 303);
			assert.doesNotMatch(r.headers['set-cookie'].join(), /Secure/);
			const p = new Client(s2.url);
			const page = await p.get('/account/login');
			const r2 = await p.post('/account/login', { csrf: csrfOf(page.text), email: 'dora@example.com', password: PW },
				{ 'X-Forwarded-Proto': 'https' });
			assert.match(r2.headers['set-cookie'].join(), /; Secure/);
		} finally {
			await s2.stop();
		}
	});
});

describe('mail survives an SMTP outage', () => {
	test('the message waits in the outbox and arrives when the server is back', async () => {
		const site = await makeSite();
		let smtp = await startSmtp();
		const port = smtp.port;
		const srv = await startServer({ db: site.db, args: smtpArgs(smtp) });
		try {
			await smtp.close();
			const c = new Client(srv.url);
			const r = await signup(c, 'Eve', 'eve@example.com');
			assert.equal(r.status, 200);
			await sleep(2500);
			if (haveSqlite3()) {
				const rows = sql(site.db, 'SELECT attempts FROM outbox');
				assert.equal(rows.length, 1, 'queued');
				assert.ok(Number(rows[0][0]) >= 1, 'tried and failed');
			}
			smtp = await startSmtp({ port });
			const m = await smtp.waitFor('eve@example.com', /verify/, { timeout: 20000 });
			assert.ok(m);
			await sleep(300);
			if (haveSqlite3())
				assert.equal(sql(site.db, 'SELECT count(*) FROM outbox')[0][0], '0');
		} finally {
			await srv.stop();
			await smtp.close();
			await removeDir(site.dir);
		}
	});

	test('a queued message is not lost across a restart', async () => {
		const site = await makeSite();
		let srv = await startServer({ db: site.db, args: ['--smtp-url', 'smtp://127.0.0.1:1', '--smtp-plain'] });
		const smtp = await startSmtp();
		try {
			await signup(new Client(srv.url), 'Fay', 'fay@example.com');
			await srv.stop();
			srv = await startServer({ db: site.db, args: smtpArgs(smtp) });
			await smtp.waitFor('fay@example.com', /verify/, { timeout: 20000 });
		} finally {
			await srv.stop();
			await smtp.close();
			await removeDir(site.dir);
		}
	});
});

describe('SMTP over TLS', { skip: !haveOpenssl() && 'no openssl' }, () => {
	let site, tls;

	before(async () => {
		site = await makeSite();
		tls = selfSignedCert(site.dir);
	});
	after(() => removeDir(site.dir));

	for (const [name, secure, scheme] of [['smtp:// with STARTTLS and AUTH', false, 'smtp'],
		['smtps:// with AUTH', true, 'smtps']]) {
		test(name, async () => {
			const smtp = await startSmtp({ user: 'news', pass: 's3cret', tls, secure });
			const srv = await startServer({ db: site.db, args: ['--smtp-url',
				`${scheme}://news:s3cret@127.0.0.1:${smtp.port}`, '--smtp-ca-file', tls.certFile,
				'--mail-from', 'news@example.com'] });
			try {
				const email = `${scheme}@example.com`;
				await signup(new Client(srv.url), 'Tess', email);
				const m = await smtp.waitFor(email, /verify/);
				assert.equal(m.tls, true, 'delivered over TLS');
				assert.equal(m.authed, 'news');
			} finally {
				await srv.stop();
				await smtp.close();
			}
		});
	}

	test('a server without STARTTLS gets nothing (no plain-text fallback)', async () => {
		const smtp = await startSmtp({ user: 'news', pass: 's3cret' });
		const srv = await startServer({ db: site.db, args: ['--smtp-url',
			`smtp://news:s3cret@127.0.0.1:${smtp.port}`, '--mail-from', 'news@example.com'] });
		try {
			await signup(new Client(srv.url), 'Una', 'una@example.com');
			await sleep(2500);
			assert.equal(smtp.messages.filter((m) => m.to.includes('una@example.com')).length, 0);
			assert.match(srv.stderr(), /not delivered/);
		} finally {
			await srv.stop();
			await smtp.close();
		}
	});
});

describe('without SMTP: maildir and the log', () => {
	test('mail goes to DB-mail/new/ and its link to the log', async () => {
		const site = await makeSite();
		const srv = await startServer({ db: site.db });
		try {
			const c = new Client(srv.url);
			await signup(c, 'Gus', 'gus@example.com');
			const dir = `${site.maildir}/new`;
			let files = [];
			for (let i = 0; i < 100 && !files.length; i++) {
				await sleep(50);
				files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
			}
			assert.equal(files.length, 1);
			const raw = fs.readFileSync(path.join(dir, files[0]), 'utf8');
			assert.match(raw, /^Date: /);
			assert.match(raw, /\r\nTo: gus@example.com\r\n/);
			const link = mailLink(raw, 'verify');
			for (let i = 0; i < 50 && !srv.stderr().includes(link.url); i++)
				await sleep(50);
			assert.ok(srv.stderr().includes(link.url), 'the link is in the log');
		} finally {
			await srv.stop();
			await removeDir(site.dir);
		}
	});
});

describe('dateline user', () => {
	test('add (verified, password from stdin), list, set-role; the account logs in', async () => {
		const site = await makeSite();
		try {
			let r = await userCli(['add', '--db', site.db, '--email', 'Admin@Example.com', '--name', 'Site Admin',
				'--role', 'admin', '--password-stdin'], 'admin password 1\n');
			assert.equal(r.code, 0, r.stderr);
			r = await userCli(['add', '--db', site.db, '--email', 'admin@example.com', '--name', 'Again',
				'--password-stdin'], 'admin password 1\n');
			assert.equal(r.code, 1);
			assert.match(r.stderr, /exists already/);
			r = await userCli(['add', '--db', site.db, '--email', 'x@example.com', '--name', 'X',
				'--password-stdin'], 'short\n');
			assert.equal(r.code, 2);
			r = await userCli(['add', '--db', site.db, '--email', 'x@example.com', '--name', 'X',
				'--role', 'king', '--password-stdin'], 'long enough pw\n');
			assert.equal(r.code, 2);
			r = await userCli(['list', '--db', site.db]);
			assert.equal(r.code, 0);
			assert.match(r.stdout, /^ID\tROLE\tVERIFIED/);
			assert.match(r.stdout, /\n1\tadmin\tyes\t[^\t]+\tadmin@example.com\tSite Admin\n/);
			r = await userCli(['set-role', '--db', site.db, '--email', 'admin@example.com', '--role', 'editor']);
			assert.equal(r.code, 0, r.stderr);
			assert.match((await userCli(['list', '--db', site.db])).stdout, /\n1\teditor\tyes/);
			r = await userCli(['set-role', '--db', site.db, '--email', 'nobody@example.com', '--role', 'editor']);
			assert.equal(r.code, 1);
			assert.equal((await userCli(['--help'])).code, 0);

			const srv = await startServer({ db: site.db });
			try {
				const c = new Client(srv.url);
				assert.equal((await login(c, 'admin@example.com', 'admin password 1')).status, 303);
				const home = await c.get('/account/');
				assert.match(home.text, /role editor/);
				assert.doesNotMatch(home.text, /not confirmed/);
			} finally {
				await srv.stop();
			}
		} finally {
			await removeDir(site.dir);
		}
	});
});

describe('accounts on cached pages and reactions', () => {
	let site, srv, storyPath;

	before(async () => {
		site = await makeSite();
		storyPath = await addArticle(site, { headline: 'Harbour reopens', slug: 'harbour-reopens',
			section: 'World', published: '2026-01-02T10:00:00Z', summary: 'Ships return.' }, 'Body text.');
		await userCli(['add', '--db', site.db, '--email', 'hal@example.com', '--name', 'Hal <b>',
			'--password-stdin'], 'hal password 1\n');
		srv = await startServer({ db: site.db });
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('the cached story page is private and personal for a logged-in reader, shared for visitors', async () => {
		const anon = await request(srv.url + storyPath);
		assert.match(anon.text, /href="\/account\/login\?next=%2F[^"]*">Log in</);
		assert.match(anon.headers['cache-control'], /public/);
		const c = new Client(srv.url);
		await login(c, 'hal@example.com', 'hal password 1');
		const { gunzipSync } = await import('node:zlib');
		// A page with a hole (the story), one with a box (the front page)
		// and one with neither (a section): the spliced gzip stream must
		// decode to exactly the identity page.
		for (const p of [storyPath, '/', '/section/world/']) {
			const plain = await c.get(p);
			const gz = await c.get(p, { 'Accept-Encoding': 'gzip' });
			for (const r of [plain, gz]) {
				assert.equal(r.status, 200, p);
				assert.match(r.headers['cache-control'], /private/);
			}
			assert.equal(gz.headers['content-encoding'], 'gzip');
			// The comment form's stamp is the second the form was made
			// (signed), so two requests a second apart differ there only.
			const unstamp = (t) => t.replace(/(name="stamp" value=")[^"]*"/g, '$1"');
			const html = gunzipSync(gz.body).toString();
			assert.equal(unstamp(html), unstamp(plain.text), `${p}: gzip and identity agree`);
			assert.match(html, /class="account-name" href="\/account\/">Hal &lt;b&gt;</);
		}
		assert.match((await c.get(storyPath)).text, /Harbour reopens/);
		const again = await request(srv.url + storyPath);
		assert.doesNotMatch(again.text, /Hal/, 'the cache holds no reader');
		assert.match(again.headers['cache-control'], /public/);
	});

	test('assets stay publicly cacheable for a logged-in reader', async () => {
		const c = new Client(srv.url);
		await login(c, 'hal@example.com', 'hal password 1');
		const page = await c.get('/');
		assert.match(page.headers['cache-control'], /private/);
		const css = /href="(\/static\/[^"]+\.css)"/.exec(page.text)[1];
		const r = await c.get(css);
		assert.equal(r.status, 200);
		assert.match(r.headers['cache-control'], /immutable/);
	});

		test('a logged-in reader reacts as the account', { skip: !haveSqlite3() && 'no sqlite3 shell' }, async () => {
		const c = new Client(srv.url);
		await login(c, 'hal@example.com', 'hal password 1');
		const page = await c.get(storyPath);
		const r = await c.post('/react/harbour-reopens', { csrf: csrfOf(page.text, '/react/harbour-reopens'), reaction: 'love' });
		assert.equal(r.status, 303);
		assert.equal(c.jar.has('dl_reader'), false, 'no anonymous reader id is made');
		const rows = sql(site.db, 'SELECT reader FROM reactions');
		assert.deepEqual(rows, [['u:1']]);
	});
});
