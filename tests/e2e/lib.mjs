// lib.mjs - helpers for the end-to-end tests: temporary sites, the CLI,
// article files, a server process per suite, HTTP clients (node:http and a
// raw socket one for malformed input), a few HTML extractors and the
// browser of the browser tests (launchBrowser()).
//
// The binary is $DATELINE_BIN (default build/dateline).  With
// $DATELINE_TEST_PG (a postgres:// URL of a server where databases may be
// created, see scripts/pg-cluster) every site is a fresh PostgreSQL
// database instead of a SQLite file, dropped when the test process ends.  Every server is
// stopped with SIGTERM and must exit 0: under ASan a leak makes it exit 86,
// so leaks fail the suite.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.DATELINE_BIN || path.join(ROOT, 'build/dateline');
export const DEMO_IMAGES = path.join(ROOT, 'demo/images');

if (!fs.existsSync(BIN))
	throw new Error(`dateline binary not found at ${BIN} (set DATELINE_BIN)`);

/*
 * The sqlite3 shell needs the stemming tokenizer of the search table to
 * write stories (src/store/sqlite_fts.c): its extension from the normal
 * build (a sanitizer build's cannot load into the shell), else from the
 * binary's folder.  SQLITE_ARGS go before the database argument.
 */
export const FTS_EXT = process.env.DATELINE_FTS_EXT ||
	[path.join(ROOT, 'build/dateline-fts.so'), path.join(path.dirname(BIN), 'dateline-fts.so')]
		.find((f) => fs.existsSync(f)) || '';
export const SQLITE_ARGS = FTS_EXT ? ['-cmd', `.load ${FTS_EXT.replace(/\.so$/, '')}`] : [];

const live = new Set();	// server processes still running
process.on('exit', () => {
	for (const p of live)
		try { p.kill('SIGKILL'); } catch { /* already gone */ }
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* The PostgreSQL server the sites live on, or '' for SQLite files. */
export const PG = process.env.DATELINE_TEST_PG || '';
const PSQL = ['-X', '-q', '-v', 'ON_ERROR_STOP=1'];
const pgDatabases = [];
process.on('exit', () => {
	for (const name of pgDatabases)
		try {
			execFileSync('psql', [...PSQL, PG, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
				{ stdio: 'ignore' });
		} catch { /* the cluster is thrown away anyway */ }
});

/* Whether @db names a PostgreSQL database. */
export const isPg = (db) => /^postgres(ql)?:\/\//.test(db);

/* A new empty database on $DATELINE_TEST_PG; its URL. */
export function pgDatabase() {
	const name = `dl_${process.pid}_${pgDatabases.length}_${Math.random().toString(36).slice(2, 8)}`;
	execFileSync('psql', [...PSQL, PG, '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
	pgDatabases.push(name);
	const u = new URL(PG);
	u.pathname = '/' + name;
	return u.toString();
}

/*
 * Run @query on the site database @db (a SQLite file or a PostgreSQL URL)
 * through its shell (sqlite3 or psql); resolves the rows as objects (an
 * empty array for a statement without rows).
 */
export function dbSql(db, query) {
	let cmd, args;
	if (isPg(db)) {
		const rows = /^\s*(SELECT|WITH)\b/i.test(query);
		cmd = 'psql';
		args = [...PSQL, '-A', '-t', db, '-c', rows ?
			`SELECT coalesce(json_agg(t), '[]'::json) FROM (${query}) t` : query];
	} else {
		cmd = '/usr/bin/sqlite3';
		args = ['-json', '-cmd', '.timeout 5000', ...SQLITE_ARGS, db, query];
	}
	return new Promise((resolve, reject) => {
		execFile(cmd, args, (err, stdout, stderr) => {
			if (err)
				return reject(new Error(`${cmd} failed: ${stderr || err.message}`));
			resolve(stdout.trim() ? JSON.parse(stdout) : []);
		});
	});
}

/* Rows of @query on @db as arrays of strings (tab-separated output). */
export function dbRowsSync(db, query) {
	const out = isPg(db) ?
		execFileSync('psql', [...PSQL, '-A', '-t', '-F', '\t', db, '-c', query], { encoding: 'utf8' }) :
		execFileSync('sqlite3', ['-separator', '\t', ...SQLITE_ARGS, db, query], { encoding: 'utf8' });
	return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/* A TCP port on 127.0.0.1 nobody listens on right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/* A fresh temporary folder; removed by removeDir(). */
export function tempDir(prefix = 'dateline-e2e-') {
	return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
	return fsp.rm(dir, { recursive: true, force: true });
}

/*
 * Run the binary with @args; resolves {code, signal, stdout, stderr} and
 * never rejects for a non-zero exit.
 */
export function runCli(args, { env = {}, cwd, timeout = 30000, unsetEnv = [] } = {}) {
	const e = { ...process.env };
	for (const k of unsetEnv)
		delete e[k];
	Object.assign(e, env);
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, args, { env: e, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
		p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
		p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
		p.on('error', reject);
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/*
 * A temporary folder and an initialised database: {dir, db, maildir}: a
 * SQLite file in the folder, or a new PostgreSQL database when
 * $DATELINE_TEST_PG is set.  @maildir is where a server of the site
 * writes mail without --smtp-url (startServer passes it for PostgreSQL).
 */
export async function makeSite() {
	const dir = await tempDir();
	const db = PG ? pgDatabase() : path.join(dir, 'site.db');
	const r = await runCli(['init', '--db', db]);
	if (r.code !== 0)
		throw new Error(`dateline init failed (${r.code}): ${r.stderr}`);
	const maildir = PG ? path.join(dir, 'mail') : `${db}-mail`;
	if (PG)
		pgMaildirs.set(db, maildir);
	return { dir, db, maildir };
}
const pgMaildirs = new Map();

/* A front-matter value quoted so the parser gives it back unchanged. */
function fmValue(v) {
	const s = String(v);
	if (s !== '' && s === s.trim() && !/^["']/.test(s))
		return s;
	return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/* The text of an article file: front matter from @fm, then @body. */
export function articleText(fm, body = '') {
	const lines = ['---'];
	for (const [k, v] of Object.entries(fm)) {
		if (v === undefined || v === null)
			continue;
		lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : fmValue(v)}`);
	}
	lines.push('---');
	return lines.join('\n') + '\n' + body;
}

let fileSeq = 0;

/*
 * Write an article file into @dir and return its path.  A photo that names
 * a demo image (e.g. "harbour.jpg") and is not already in @dir is copied
 * there first.
 */
export async function writeArticle(dir, fm, body = '') {
	if (fm.photo && !path.isAbsolute(fm.photo) &&
	    !fs.existsSync(path.join(dir, fm.photo)) &&
	    fs.existsSync(path.join(DEMO_IMAGES, fm.photo)))
		await fsp.copyFile(path.join(DEMO_IMAGES, fm.photo), path.join(dir, fm.photo));
	const file = path.join(dir, `article-${process.pid}-${++fileSeq}.md`);
	await fsp.writeFile(file, articleText(fm, body));
	return file;
}

/* Run "article add" on an existing file: the CLI result. */
export function addFile(db, file) {
	return runCli(['article', 'add', '--db', db, file]);
}

/* Write and add an article; the CLI result plus the file. */
export async function tryAddArticle(site, fm, body = '') {
	const file = await writeArticle(site.dir, fm, body);
	return { file, ...(await addFile(site.db, file)) };
}

/* Write and add an article; its canonical URL path.  Throws on failure. */
export async function addArticle(site, fm, body = '') {
	const r = await tryAddArticle(site, fm, body);
	if (r.code !== 0 || r.stderr !== '')
		throw new Error(`article add failed (${r.code}): ${r.stderr}`);
	const p = r.stdout.trim();
	if (!/^\/[a-z0-9-]+\/\d{4}\/\d\d\/\d\d\/[a-z0-9-]+\/$/.test(p))
		throw new Error(`article add printed ${JSON.stringify(r.stdout)}`);
	return p;
}

/* "article list" parsed: [{id, status, published, slug, headline}]. */
export async function listArticles(db) {
	const r = await runCli(['article', 'list', '--db', db]);
	if (r.code !== 0)
		throw new Error(`article list failed (${r.code}): ${r.stderr}`);
	const lines = r.stdout.split('\n');
	if (!/^ID\s+STATUS\s+PUBLISHED/.test(lines[0]))
		throw new Error(`article list: unexpected header ${JSON.stringify(lines[0])}`);
	const out = [];
	for (let i = 1; i < lines.length; i++) {
		const m = /^(\d+)\s+(draft|published)\s+(\S+)\s+(\S+)$/.exec(lines[i]);
		if (!m)
			continue;
		out.push({ id: Number(m[1]), status: m[2], published: m[3], slug: m[4],
			headline: (lines[i + 1] || '').replace(/^ {3}/, '') });
		i++;
	}
	return out;
}

/* Run @fn over @items with at most @n at once; results in order. */
export async function mapLimit(items, n, fn) {
	const out = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
	return out;
}

/* Resolve when something accepts connections on 127.0.0.1:@port. */
function canConnect(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.on('connect', () => { s.destroy(); resolve(true); });
		s.on('error', () => resolve(false));
	});
}

/*
 * Chromium for the browser tests: Debian's /usr/bin/chromium, headless,
 * driven by playwright-core (loaded here, so suites that never launch a
 * browser do not load it).  No sandbox (tests may run as root), no GPU,
 * and none of its own traffic: no QUIC, first-run, background networking,
 * component updates or sync.  Resolves the playwright Browser; the caller
 * closes it.
 */
export async function launchBrowser() {
	const { chromium } = await import('playwright-core');
	return chromium.launch({
		executablePath: '/usr/bin/chromium', headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

/*
 * The Nu Html Checker (vnu-jar, on Debian's Java) on @files, one Java start
 * for all: its errors as "FILE: message (line N)", FILE the base name.
 */
export function vnuErrors(files) {
	const jar = path.join(ROOT, 'node_modules/vnu-jar/build/dist/vnu.jar');
	const r = spawnSync('java', ['-jar', jar, '--format', 'json', '--stdout', ...files],
		{ encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (r.error || !r.stdout)
		throw new Error(`vnu did not run: ${r.error?.message || r.stderr}`);
	return JSON.parse(r.stdout).messages.filter((m) => m.type === 'error' || m.subType === 'fatal')
		.map((m) => `${path.basename(decodeURIComponent(m.url || ''))}: ${m.message} (line ${m.lastLine})`);
}

/*
 * axe-core's violations on the page open in @page (of a browser context
 * made with bypassCSP: our CSP forbids the injected script), as
 * "rule: target, target".
 */
export async function axeViolations(page) {
	await page.addScriptTag({ path: path.join(ROOT, 'node_modules/axe-core/axe.min.js') });
	return page.evaluate(async () => (await window.axe.run()).violations
		.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`));
}

/*
 * Start "dateline serve" on a free loopback port.  @quiet (default true)
 * turns the access log off; @nofile raises the open-file limit of the
 * server; @fsize (bytes) caps the size of every file it writes, as a full
 * disk would (writes past it fail with EFBIG).  Resolves {url, port, proc, stdout(), stderr(), stdoutLines(),
 * stop()}; stop() sends SIGTERM (or @signal) and resolves with the exit
 * code, throwing unless it is 0.
 */
export async function startServer({ db, args = [], quiet = true, env = {}, nofile, fsize } = {}) {
	let lastErr;
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		try {
			return await launch(db, port, args, quiet, env, { nofile, fsize });
		} catch (e) {
			lastErr = e;
			if (!/cannot listen/.test(e.message))
				throw e;
		}
	}
	throw lastErr;
}

async function launch(db, port, args, quiet, env, { nofile, fsize }) {
	const argv = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
		...(quiet ? ['--quiet'] : []), ...args];
	if (pgMaildirs.has(db) && !args.includes('--maildir'))
		argv.push('--maildir', pgMaildirs.get(db));
	const opts = { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] };
	const limits = [...(nofile ? [`ulimit -n ${nofile}`] : []),
		/* dash counts 512-byte blocks; SIGXFSZ ignored: write() fails */
		...(fsize ? [`trap '' XFSZ`, `ulimit -f ${Math.ceil(fsize / 512)}`] : [])];
	const proc = limits.length ?
		spawn('/bin/sh', ['-c', `${limits.join(' && ')} && exec "$0" "$@"`, BIN, ...argv], opts) :
		spawn(BIN, argv, opts);
	live.add(proc);
	let stdout = '', stderr = '';
	let exited = null;
	const exit = new Promise((resolve) => {
		proc.on('exit', (code, signal) => {
			live.delete(proc);
			exited = { code, signal };
			resolve(exited);
		});
	});
	proc.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
	proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });

	const deadline = Date.now() + 15000;
	while (!/dateline serving/.test(stderr)) {
		if (exited)
			throw new Error(`dateline serve exited ${exited.code} before listening: ${stderr.trim()}`);
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`dateline serve did not report listening in 15 s: ${stderr.trim()}`);
		}
		await sleep(20);
	}
	if (!(await canConnect(port))) {
		proc.kill('SIGKILL');
		throw new Error(`dateline serve said it listens but port ${port} refuses connections`);
	}
	const url = `http://127.0.0.1:${port}`;
	return {
		url, port, proc,
		stdout: () => stdout,
		stderr: () => stderr,
		stdoutLines: () => stdout.split('\n').filter((l) => l !== ''),
		alive: () => exited === null,
		exited: () => exit,
		async stop({ signal = 'SIGTERM', timeout = 20000 } = {}) {
			if (!exited)
				proc.kill(signal);
			const t0 = Date.now();
			const timer = setTimeout(() => proc.kill('SIGKILL'), timeout);
			const { code, signal: sig } = await exit;
			clearTimeout(timer);
			this.stopMs = Date.now() - t0;
			if (code !== 0) {
				const why = sig ? `was killed by ${sig}` : `exited ${code}` +
					(code === 86 ? ' (AddressSanitizer: leak or error)' : '');
				throw new Error(`dateline serve ${why} after ${signal}; stderr:\n` +
					stderr.slice(-6000));
			}
			return code;
		},
	};
}

/*
 * One HTTP request over a fresh connection (node:http: no automatic
 * decompression, no redirects followed).  Resolves {status, headers, body
 * (Buffer), text}.
 */
export function request(url, { method = 'GET', headers = {}, body, timeout = 15000 } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers, agent: false, timeout }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				resolve({ status: res.statusCode, headers: res.headers, body: buf,
					text: buf.toString('utf8') });
			});
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		if (body !== undefined)
			req.write(body);
		req.end();
	});
}

/* GET @url and insist on status @want (default 200); the response. */
export async function get(url, opts = {}) {
	const want = opts.status ?? 200;
	const r = await request(url, opts);
	if (r.status !== want)
		throw new Error(`GET ${url}: status ${r.status}, expected ${want}\n${r.text.slice(0, 500)}`);
	return r;
}

/*
 * A raw TCP connection that speaks just enough HTTP/1.1 to read responses
 * (Content-Length, chunked, or until close), for requests node:http will not
 * send and for keep-alive control.
 */
export class RawConn {
	static open(port, { timeout = 10000 } = {}) {
		return new Promise((resolve, reject) => {
			const sock = net.connect(port, '127.0.0.1');
			const t = setTimeout(() => { sock.destroy(); reject(new Error('connect timed out')); }, timeout);
			sock.once('connect', () => { clearTimeout(t); resolve(new RawConn(sock)); });
			sock.once('error', (e) => { clearTimeout(t); reject(e); });
		});
	}

	constructor(sock) {
		this.sock = sock;
		this.buf = Buffer.alloc(0);
		this.ended = false;
		this.error = null;
		this.wake = null;
		sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.poke(); });
		sock.on('end', () => { this.ended = true; this.poke(); });
		sock.on('close', () => { this.ended = true; this.poke(); });
		sock.on('error', (e) => { this.error = e; this.ended = true; this.poke(); });
	}

	poke() {
		const w = this.wake;
		this.wake = null;
		if (w)
			w();
	}

	write(data) {
		return new Promise((resolve) => {
			if (this.ended || this.sock.destroyed)
				return resolve(false);
			this.sock.write(data, (err) => resolve(!err));
		});
	}

	/* Wait until @cond() or the connection ends; false on timeout. */
	async until(cond, deadline) {
		while (!cond()) {
			if (this.ended)
				return cond();
			const left = deadline - Date.now();
			if (left <= 0)
				return false;
			await new Promise((resolve) => {
				const t = setTimeout(resolve, left);
				this.wake = () => { clearTimeout(t); resolve(); };
			});
		}
		return true;
	}

	/*
	 * Read one response (interim 1xx responses are skipped).  @head: the
	 * request was HEAD, so no body follows.  Rejects on timeout or when
	 * the connection ends first.
	 */
	async readResponse({ head = false, timeout = 10000 } = {}) {
		const deadline = Date.now() + timeout;
		for (;;) {
			let end = -1;
			await this.until(() => (end = this.buf.indexOf('\r\n\r\n')) >= 0, deadline);
			if (end < 0) {
				const why = this.error ? this.error.message : this.ended ?
					'connection closed' : 'timed out';
				throw new Error(`no response (${why}); got ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))}`);
			}
			const headText = this.buf.subarray(0, end).toString('latin1');
			const [statusLine, ...hl] = headText.split('\r\n');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
			if (!m)
				throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
			const status = Number(m[1]);
			const headers = {};
			for (const l of hl) {
				const i = l.indexOf(':');
				headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
			}
			this.buf = this.buf.subarray(end + 4);
			if (status >= 100 && status < 200)
				continue;
			let body;
			if (head || status === 204 || status === 304) {
				body = Buffer.alloc(0);
			} else if (headers['content-length'] !== undefined) {
				const n = Number(headers['content-length']);
				if (!(await this.until(() => this.buf.length >= n, deadline)))
					throw new Error(`body cut short: ${this.buf.length} of ${n} bytes`);
				body = this.buf.subarray(0, n);
				this.buf = this.buf.subarray(n);
			} else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
				const parts = [];
				for (;;) {
					let nl = -1;
					if (!(await this.until(() => (nl = this.buf.indexOf('\r\n')) >= 0, deadline)))
						throw new Error('chunked body cut short');
					const size = parseInt(this.buf.subarray(0, nl).toString('latin1'), 16);
					if (!(await this.until(() => this.buf.length >= nl + 2 + size + 2, deadline)))
						throw new Error('chunked body cut short');
					parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
					this.buf = this.buf.subarray(nl + 2 + size + 2);
					if (size === 0)
						break;
				}
				body = Buffer.concat(parts);
			} else {
				await this.until(() => false, deadline);
				body = this.buf;
				this.buf = Buffer.alloc(0);
			}
			return { status, headers, body, text: body.toString('utf8'), statusLine };
		}
	}

	/* Send a request and read its response. */
	async request(data, opts = {}) {
		await this.write(data);
		return this.readResponse(opts);
	}

	/* True when the server closes the connection within @timeout ms. */
	async closedBy(timeout) {
		return this.until(() => false, Date.now() + timeout).then(() => this.ended);
	}

	close() {
		this.sock.destroy();
	}
}

/*
 * Send @data (string or Buffer) on a new connection and read one response;
 * the connection is closed afterwards.
 */
export async function rawRequest(port, data, opts = {}) {
	const c = await RawConn.open(port);
	try {
		return await c.request(data, opts);
	} finally {
		c.close();
	}
}

/* ---- HTML helpers (the pages are our own, regular markup) ---- */

const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
	middot: '\u00b7', mdash: '\u2014', ndash: '\u2013', hellip: '\u2026' };

/*
 * `promtool check metrics` (Debian's prometheus package) over the
 * exposition @text: {code, out} (out empty when it finds nothing).
 */
export function promtool(text) {
	const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
	if (r.error)
		throw new Error(`promtool runs (Debian's prometheus package): ${r.error}`);
	return { code: r.status, out: (r.stdout + r.stderr).trim() };
}

/* The value of the sample @name{@labels} in exposition @text, or undefined. */
export function metricSample(text, name, labels = '') {
	const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	const m = new RegExp(`^${esc(name)}${labels ? esc(`{${labels}}`) : ''} (\\S+)$`, 'm').exec(text);
	return m ? Number(m[1]) : undefined;
}

export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ?
				parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return named[e.toLowerCase()] ?? all;
	});
}

/* Text content of an HTML fragment. */
export function textOf(html) {
	return decodeEntities(html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ''));
}

/* Inner HTML of the first element matching the opening-tag regex source. */
export function inner(html, tag, attrs = '') {
	const re = new RegExp(`<${tag}\\b${attrs}[^>]*>([\\s\\S]*?)</${tag}>`, 'i');
	const m = re.exec(html);
	return m ? m[1] : null;
}

/* All opening tags <@tag ...> as attribute maps (values decoded). */
export function tags(html, tag) {
	const out = [];
	const re = new RegExp(`<${tag}\\b([^>]*)>`, 'gi');
	let m;
	while ((m = re.exec(html))) {
		const a = {};
		const ar = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
		let x;
		while ((x = ar.exec(m[1])))
			a[x[1].toLowerCase()] = decodeEntities(x[2] ?? x[3] ?? x[4] ?? '');
		out.push(a);
	}
	return out;
}

/* content of <meta name|property=@key>, or undefined. */
export function meta(html, key) {
	const t = tags(html, 'meta').find((a) => a.name === key || a.property === key);
	return t ? t.content : undefined;
}

/* The story links of a list page, in order: [{href, headline}]. */
export function storyLinks(html) {
	const list = inner(html, 'ol', '[^>]*class="stories"');
	if (list === null)
		throw new Error('no <ol class="stories"> on the page');
	const out = [];
	const re = /<h2><a href="([^"]*)">([\s\S]*?)<\/a><\/h2>/g;
	let m;
	while ((m = re.exec(list)))
		out.push({ href: decodeEntities(m[1]), headline: textOf(m[2]) });
	return out;
}

/* The href of the "Older stories" link, or null. */
export function olderLink(html) {
	const m = /<a rel="next" href="([^"]*)">Older stories<\/a>/.exec(html);
	return m ? decodeEntities(m[1]) : null;
}

/*
 * An open event stream: {status, headers, text(), waitFor(re, ms), close()}.
 */
export function openEvents(url, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent: false, headers }, (res) => {
			let text = '';
			let wake = null;
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; if (wake) wake(); });
			res.on('error', () => {});
			resolve({
				status: res.statusCode,
				headers: res.headers,
				text: () => text,
				ended: () => res.complete || res.destroyed,
				/* Wait for @re in what arrived after offset @from. */
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
