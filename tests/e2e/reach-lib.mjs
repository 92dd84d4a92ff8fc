// reach-lib.mjs - helpers for the feed, sitemap, search and caching tests:
// a real feed parser (Debian's python3-feedparser), XML Schema validation
// (xmllint from libxml2-utils, against the schemas in tests/data/sitemaps/),
// decompression, and a bulk article generator that writes many rows in one
// SQLite transaction (the FTS index is kept by the migration's triggers).
import { spawn } from 'node:child_process';
import path from 'node:path';
import zlib from 'node:zlib';

import { ROOT, SQLITE_ARGS, isPg } from './lib.mjs';

export const SCHEMAS = path.join(ROOT, 'tests/data/sitemaps');
const PYTHON = '/usr/bin/python3';
const XMLLINT = '/usr/bin/xmllint';
const SQLITE = '/usr/bin/sqlite3';

/* Run @cmd with @input on stdin: {code, stdout, stderr}. */
export function pipe(cmd, args, input, { timeout = 60000 } = {}) {
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
		p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
		p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
		p.on('error', reject);
		p.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
		p.stdin.on('error', () => {});
		p.stdin.end(input);
	});
}

const FEEDPARSER = `
import json, sys, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def t(s):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', s) if s else None
print(json.dumps({
  'bozo': bool(d.bozo),
  'bozo_exception': str(d.get('bozo_exception', '')),
  'version': d.version,
  'feed': {'title': d.feed.get('title'), 'link': d.feed.get('link'),
           'updated': t(d.feed.get('updated_parsed'))},
  'entries': [{
    'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'),
    'published': t(e.get('published_parsed')),
    'updated': t(e.get('updated_parsed')),
    'author': e.get('author'), 'summary': e.get('summary'),
    'content': [c.get('value') for c in e.get('content', [])],
    'tags': [x.get('term') for x in e.get('tags', [])],
    'media': [m.get('url') for m in e.get('media_content', [])],
    'enclosures': [{'href': x.get('href'), 'length': x.get('length'), 'type': x.get('type')}
                   for x in e.get('enclosures', [])],
  } for e in d.entries]}))
`;

/* A feed parsed by feedparser: {bozo, version, feed, entries}. */
export async function parseFeed(bytes) {
	const r = await pipe(PYTHON, ['-c', FEEDPARSER], bytes);
	if (r.code !== 0)
		throw new Error(`feedparser failed (${r.code}): ${r.stderr}`);
	return JSON.parse(r.stdout);
}

/* Validate @xml against schema file @xsd (in SCHEMAS), or only check
 * that it is well-formed when @xsd is null: {ok, message}. */
export async function validateXml(xsd, xml) {
	const r = await pipe(XMLLINT, ['--noout', '--huge',
		...(xsd ? ['--schema', path.join(SCHEMAS, xsd)] : []), '-'], xml);
	return { ok: r.code === 0, message: r.stderr.trim() };
}

/* The body of a response decoded by its Content-Encoding. */
export function decode(r) {
	const enc = r.headers['content-encoding'];
	if (enc === 'br')
		return zlib.brotliDecompressSync(r.body);
	if (enc === 'gzip')
		return zlib.gunzipSync(r.body);
	return r.body;
}

/* Run SQL on @db in the sqlite3 shell (psql for a PostgreSQL URL); stdout. */
export async function sqlite(db, sql) {
	const pg = isPg(db);
	const r = pg ? await pipe('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', db], sql) :
		await pipe(SQLITE, ['-batch', '-bail', ...SQLITE_ARGS, db], sql);
	if (r.code !== 0)
		throw new Error(`${pg ? 'psql' : 'sqlite3'} failed (${r.code}): ${r.stderr}`);
	return r.stdout;
}

/*
 * Insert @n published stories in one transaction: slugs "@prefix-1" ...,
 * section @section, published one second apart ending at @last (Unix s),
 * body "@body N".  Bumps the content version so a running server notices.
 */
export function bulkArticles(db, { n, prefix = 'bulk', section = 'Bulk',
	sectionSlug = 'bulk', last = 1700000000, headline = 'Bulk story', body = 'Filler text number' }) {
	const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
	if (isPg(db))
		return sqlite(db, `BEGIN;
INSERT INTO articles (slug, headline, summary, body, author, section,
	section_slug, status, published, created, updated)
SELECT ${q(prefix)} || '-' || i, ${q(headline)} || ' ' || i, '', ${q(body)} || ' ' || i,
	'Bulk Desk', ${q(section)}, ${q(sectionSlug)}, 1, ${last} - ${n} + i,
	${last}, ${last} FROM generate_series(1, ${n}) AS i;
UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'content_version';
COMMIT;
`);
	return sqlite(db, `BEGIN IMMEDIATE;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
INSERT INTO articles (slug, headline, summary, body, author, section,
	section_slug, status, published, created, updated)
SELECT ${q(prefix)} || '-' || i, ${q(headline)} || ' ' || i, '', ${q(body)} || ' ' || i,
	'Bulk Desk', ${q(section)}, ${q(sectionSlug)}, 1, ${last} - ${n} + i,
	${last}, ${last} FROM seq;
UPDATE meta SET value = value + 1 WHERE key = 'content_version';
COMMIT;
`);
}
