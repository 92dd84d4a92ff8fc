// accounts-lib.mjs - helpers for the reader account tests: a test SMTP
// server (the npm package smtp-server) that keeps every message, a small
// cookie-keeping browser-less client, form token and link extraction, and
// reads of the site database through the sqlite3 shell (psql on PostgreSQL).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { PG, dbRowsSync, request, sleep, decodeEntities } from './lib.mjs';

/*
 * Start an SMTP server on 127.0.0.1:@port (0: any) that wants AUTH with
 * @user/@pass (when given) and keeps each message as {to, raw, tls}.
 * @tls {key, cert} offers STARTTLS (and then refuses AUTH before it);
 * with @secure the connection is TLS from the start (smtps).  Addresses
 * in the set `smtp.refuse` (lower case; @refuse fills it) are refused at
 * RCPT TO with "550 5.1.1"; `smtp.refused` lists each refusal.
 */
export function startSmtp({ port = 0, user, pass, tls, secure = false, refuse = [] } = {}) {
	const messages = [];
	const refusing = new Set(refuse.map((a) => a.toLowerCase()));
	const refused = [];
	const disabled = [];
	if (!tls)
		disabled.push('STARTTLS');
	if (!user)
		disabled.push('AUTH');
	const server = new SMTPServer({
		secure,
		...(tls ? { key: tls.key, cert: tls.cert } : {}),
		disabledCommands: disabled,
		allowInsecureAuth: !tls,
		authOptional: !user,
		logger: false,
		onAuth(auth, session, cb) {
			if (auth.username === user && auth.password === pass)
				return cb(null, { user });
			return cb(new Error('bad credentials'));
		},
		onRcptTo(address, session, cb) {
			if (refusing.has(address.address.toLowerCase())) {
				refused.push(address.address);
				const e = new Error('5.1.1 mailbox unavailable');
				e.responseCode = 550;
				return cb(e);
			}
			return cb();
		},
		onData(stream, session, cb) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => {
				messages.push({
					tls: Boolean(session.secure),
					from: session.envelope.mailFrom.address,
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8'),
					authed: session.user,
				});
				cb();
			});
		},
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			const smtp = {
				port: server.server.address().port,
				messages,
				refuse: refusing,
				refused,
				close: () => new Promise((r) => server.close(r)),
				/* The first message to @to matching @re (subject/body),
				 * not one of @skip, within @timeout ms. */
				async waitFor(to, re = /./, { timeout = 15000, skip = 0 } = {}) {
					const deadline = Date.now() + timeout;
					for (;;) {
						const all = messages.filter((m) => m.to.includes(to) && re.test(m.raw));
						if (all.length > skip)
							return all[skip];
						if (Date.now() > deadline)
							throw new Error(`no mail to ${to} matching ${re} in ${timeout} ms; have ${messages.length}`);
						await sleep(50);
					}
				},
			};
			resolve(smtp);
		});
	});
}

/* The first link to /account/@kind/TOKEN in a message: {url, path, token}. */
export function mailLink(raw, kind) {
	const m = new RegExp(`(https?://[^\\s/]+)(/account/${kind}/([A-Za-z0-9_-]{43}))`).exec(raw);
	if (!m)
		throw new Error(`no ${kind} link in mail:\n${raw}`);
	return { url: m[1] + m[2], base: m[1], path: m[2], token: m[3] };
}

/* Header @name of a raw message. */
export function mailHeader(raw, name) {
	const head = raw.split(/\r?\n\r?\n/)[0];
	const m = new RegExp(`^${name}: (.*)$`, 'mi').exec(head);
	return m ? m[1].trim() : undefined;
}

/* The CSRF token of the first form on @html posting to @action (or any). */
export function csrfOf(html, action) {
	let part = html;
	if (action) {
		const i = html.indexOf(`action="${action}"`);
		if (i < 0)
			throw new Error(`no form posting to ${action}`);
		part = html.slice(i);
	}
	const m = /name="csrf" value="([^"]*)"/.exec(part);
	if (!m)
		throw new Error('no csrf field');
	return decodeEntities(m[1]);
}

/* The text of <main>, tags dropped, white space squeezed. */
export function mainText(html) {
	const m = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html);
	return decodeEntities((m ? m[1] : html).replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/* A client that keeps cookies, like one browser. */
export class Client {
	constructor(base) {
		this.base = base;
		this.jar = new Map();
		this.setCookies = [];
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keep(res) {
		const sc = res.headers['set-cookie'] || [];
		for (const c of sc) {
			this.setCookies.push(c);
			const [pair] = c.split(';');
			const i = pair.indexOf('=');
			const name = pair.slice(0, i), value = pair.slice(i + 1);
			if (/Max-Age=0/i.test(c) || value === '')
				this.jar.delete(name);
			else
				this.jar.set(name, value);
		}
		return res;
	}

	async get(path, headers = {}) {
		const h = { ...headers };
		if (this.jar.size)
			h.Cookie = this.cookieHeader();
		return this.keep(await request(this.base + path, { headers: h }));
	}

	/* POST @form (an object) url-encoded; @csrfFrom: a page path whose
	 * token is added (default: none added). */
	async post(path, form, headers = {}) {
		const body = new URLSearchParams(form).toString();
		const h = { 'Content-Type': 'application/x-www-form-urlencoded',
			'Content-Length': Buffer.byteLength(body), ...headers };
		if (this.jar.size)
			h.Cookie = this.cookieHeader();
		return this.keep(await request(this.base + path, { method: 'POST', headers: h, body }));
	}

	/* GET @page, then POST @form with the page's token to @action. */
	async submit(page, action, form, headers = {}) {
		const p = await this.get(page);
		return this.post(action, { csrf: csrfOf(p.text, action), ...form }, headers);
	}

	loggedIn() {
		return this.jar.has('dl_session');
	}
}

/* Rows of @sql on database @db through its shell (tab-separated). */
export function sql(db, query) {
	return dbRowsSync(db, query);
}

export function haveSqlite3() {
	if (PG)
		return true;	/* psql comes with the PostgreSQL server */
	try {
		execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/* A self-signed certificate for 127.0.0.1 in @dir: {key, cert, certFile}. */
export function selfSignedCert(dir) {
	const keyFile = `${dir}/smtp-key.pem`, certFile = `${dir}/smtp-cert.pem`;
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
		'-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
		'-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
	return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), certFile };
}

export function haveOpenssl() {
	try {
		execFileSync('openssl', ['version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}
