// cli.test.mjs - the dateline command: help, usage errors, the environment,
// and "article add" refusing bad files with one clear line and no writes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BIN, DEMO_IMAGES, addArticle, addFile, articleText, dbRowsSync, get, listArticles, makeSite,
	removeDir, runCli, tempDir, tryAddArticle,
} from './lib.mjs';
import { jpegWithGps, vipsFields } from './newsroom-lib.mjs';

// Settings that would leak from the caller's environment into the tests.
const ENV_VARS = ['DATELINE_DB', 'DATELINE_LISTEN', 'DATELINE_TEMPLATES', 'DATELINE_STATIC',
	'DATELINE_BASE_URL', 'DATELINE_SITE_NAME', 'DATELINE_TAGLINE', 'DATELINE_THREADS', 'DATELINE_QUIET'];
const cli = (args, opts = {}) => runCli(args, { unsetEnv: ENV_VARS, ...opts });

/* A one-line "error: ..." on stderr matching @re, nothing on stdout. */
function assertOneLineError(r, code, re, what) {
	assert.equal(r.code, code, `${what}: exit ${code}, got ${r.code}; stderr: ${r.stderr}`);
	const lines = r.stderr.split('\n').filter((l) => l !== '');
	assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
	assert.match(lines[0], /^error: \S/, what);
	assert.match(lines[0], re, what);
	assert.ok(r.stderr.endsWith('\n'), `${what}: line ends with a newline`);
	assert.equal(r.stdout, '', `${what}: nothing on stdout`);
}

describe('help and usage errors', () => {
	it('--help on every command exits 0 and prints its usage', async () => {
		const cases = [
			[['--help'], /^usage: dateline <command>/, /init[\s\S]*migrate[\s\S]*serve[\s\S]*article/],
			[['-h'], /^usage: dateline <command>/, /serve/],
			[['help'], /^usage: dateline <command>/, /article/],
			[['init', '--help'], /^usage: dateline init --db PATH/, /--db PATH[\s\S]*DATELINE_DB/],
			[['migrate', '--help'], /^usage: dateline migrate --db PATH/, /--db PATH/],
			[['serve', '--help'], /^usage: dateline serve --db PATH/, /--listen[\s\S]*--templates[\s\S]*--static[\s\S]*--quiet/],
			[['article', '--help'], /^usage: dateline article add --db PATH FILE/, /article list --db PATH/],
			[['article', 'add', '--help'], /^usage: dateline article add/, /--db PATH/],
			[['serve', '--db', 'x.db', '--help'], /^usage: dateline serve/, /--listen/],
		];
		for (const [args, head, body] of cases) {
			const r = await cli(args);
			const what = `dateline ${args.join(' ')}`;
			assert.equal(r.code, 0, `${what}: exit 0; stderr: ${r.stderr}`);
			assert.match(r.stdout, head, what);
			assert.match(r.stdout, body, what);
			assert.equal(r.stderr, '', `${what}: nothing on stderr`);
		}
		const v = await cli(['--version']);
		assert.equal(v.code, 0);
		assert.match(v.stdout, /^dateline \d+\.\d+\.\d+\n$/);
	});

	it('no command at all is a usage error', async () => {
		const r = await cli([]);
		assert.equal(r.code, 2);
		assert.match(r.stdout + r.stderr, /usage: dateline <command>/);
	});

	it('unknown commands and options exit 2 with one line', async () => {
		const cases = [
			[['frobnicate'], /unknown command 'frobnicate'/],
			[['init', '--bogus'], /unknown option '--bogus'/],
			[['init', '--db=x.db', '--bogus=1'], /unknown option '--bogus'/],
			[['init', '-x'], /unknown option '-x'/],
			[['serve', '--db', 'x.db', '--nope'], /unknown option '--nope'/],
			[['serve', '--db', 'x.db', '--quiet=yes'], /'--quiet' takes no value/],
			[['serve', '--db', 'x.db', '--threads', '0'], /--threads/],
			[['init', '--db'], /'--db' needs a value/],
			[['init'], /no database given/],
			[['serve'], /no database given/],
			[['article', 'list'], /no database given/],
			[['init', '--db', 'x.db', 'extra'], /too many arguments/],
			[['article', 'frob', '--db', 'x.db'], /unknown article command 'frob'/],
			[['article', '--db', 'x.db'], /expected 'article add FILE' or 'article list'/],
			[['article', 'add', '--db', 'x.db'], /'article add' needs one FILE/],
			[['article', 'add', '--db', 'x.db', 'a.md', 'b.md'], /too many arguments/],
		];
		const dir = await tempDir();
		try {
			for (const [args, re] of cases)
				assertOneLineError(await cli(args, { cwd: dir }), 2, re, `dateline ${args.join(' ')}`);
			assert.deepEqual(fs.readdirSync(dir), [], 'usage errors create no files');
		} finally {
			await removeDir(dir);
		}
	});
});

describe('environment and setup', () => {
	let dir;

	before(async () => { dir = await tempDir(); });
	after(async () => { await removeDir(dir); });

	it('init creates the database once; init and migrate again change nothing', async () => {
		const db = path.join(dir, 'a.db');
		const r = await cli(['init', '--db', db]);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /created, \d+ migrations? applied/);
		assert.ok(fs.existsSync(db));
		const again = await cli(['init', '--db', db]);
		assert.equal(again.code, 0);
		assert.match(again.stdout, /up to date, 0 migrations applied/);
		const mig = await cli(['migrate', '--db', db]);
		assert.equal(mig.code, 0);
		assert.match(mig.stdout, /up to date, 0 migrations applied/);
		const list = await cli(['article', 'list', '--db', db]);
		assert.equal(list.code, 0);
		assert.match(list.stdout, /^ID\s+STATUS\s+PUBLISHED\s+SLUG \/ HEADLINE\n$/);
	});

	it('DATELINE_DB stands in for --db, and --db wins over it', async () => {
		const db = path.join(dir, 'env.db');
		const other = path.join(dir, 'other.db');
		const env = { DATELINE_DB: db };
		assert.equal((await cli(['init'], { env })).code, 0);
		assert.ok(fs.existsSync(db), 'init used DATELINE_DB');
		await fsp.copyFile(path.join(DEMO_IMAGES, 'aurora.jpg'), path.join(dir, 'aurora.jpg'));
		const file = path.join(dir, 'env.md');
		await fsp.writeFile(file, articleText({ headline: 'Set by the environment', photo: 'aurora.jpg',
			caption: 'Aurora.', published: '2025-01-02T03:04:05Z' }, 'Body.\n'));
		const add = await cli(['article', 'add', file], { env });
		assert.equal(add.code, 0, add.stderr);
		assert.equal(add.stdout, '/news/2025/01/02/set-by-the-environment/\n');
		const list = await cli(['article', 'list'], { env });
		assert.equal(list.code, 0);
		assert.match(list.stdout, /set-by-the-environment\n {3}Set by the environment\n/);

		assert.equal((await cli(['init', '--db', other], { env })).code, 0);
		const empty = await cli(['article', 'list', '--db', other], { env });
		assert.doesNotMatch(empty.stdout, /set-by-the-environment/, '--db wins over DATELINE_DB');

	});

	it('article add stores the photo upright, without its metadata, with responsive copies', async () => {
		const db = path.join(dir, 'photo.db');
		assert.equal((await cli(['init', '--db', db])).code, 0);
		// 1200x800 noise with EXIF orientation 6 (turn right) and a GPS position.
		await fsp.writeFile(path.join(dir, 'gps.jpg'), jpegWithGps(dir, 1200, 800, 6));
		const file = path.join(dir, 'gps.md');
		await fsp.writeFile(file, articleText({ headline: 'Photo from a phone', slug: 'phone-photo',
			photo: 'gps.jpg', caption: 'A file photo.', published: '2025-01-02T03:04:05Z' }, 'Body.\n'));
		const add = await cli(['article', 'add', '--db', db, file]);
		assert.equal(add.code, 0, add.stderr);
		const [[key, width, height]] = dbRowsSync(db, `SELECT m.key, m.width, m.height FROM articles a
			JOIN media m ON m.key = a.photo_key WHERE a.slug = 'phone-photo'`);
		assert.deepEqual([width, height], ['800', '1200'], 'turned upright');
		const stored = path.join(dir, 'stored.jpg');
		const [[hex]] = dbRowsSync(db, `SELECT hex(data) FROM media WHERE key = '${key}'`);
		await fsp.writeFile(stored, Buffer.from(hex, 'hex'));
		assert.doesNotMatch(vipsFields(stored), /GPS|exif-data|orientation/i, 'no metadata left');
		assert.doesNotMatch(fs.readFileSync(stored).toString('latin1'), /Exif\0\0/);
		const variants = dbRowsSync(db, `SELECT type, width FROM photo_variants
			WHERE photo_key = '${key}' ORDER BY type, width`).map((r) => r.join(' '));
		assert.deepEqual(variants, ['image/jpeg 480', 'image/webp 480', 'image/webp 800']);
	});

	it('serve reads DATELINE_DB and DATELINE_LISTEN', async () => {
		const db = path.join(dir, 'env.db');
		const port = await new Promise((resolve) => {
			const s = net.createServer().listen(0, '127.0.0.1', () => {
				const p = s.address().port;
				s.close(() => resolve(p));
			});
		});
		const e = { ...process.env, DATELINE_DB: db, DATELINE_LISTEN: `127.0.0.1:${port}`, DATELINE_QUIET: '1' };
		const p = spawn(BIN, ['serve'], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
		let err = '', out = '';
		p.stderr.on('data', (d) => { err += d; });
		p.stdout.on('data', (d) => { out += d; });
		const exit = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
		try {
			const deadline = Date.now() + 10000;
			while (!/dateline serving/.test(err) && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 20));
			assert.match(err, new RegExp(`dateline serving .*env\\.db.*port ${port}`));
			const r = await get(`http://127.0.0.1:${port}/news/2025/01/02/set-by-the-environment/`);
			assert.match(r.text, /Set by the environment/);
		} finally {
			p.kill('SIGTERM');
		}
		assert.equal(await exit, 0, `serve exits 0: ${err}`);
		assert.equal(out, '', 'DATELINE_QUIET=1 silences the access log');
	});

	it('serve refuses to start with a clear error', async () => {
		const db = path.join(dir, 'env.db');
		const fresh = path.join(dir, 'never-initialised.db');
		const blocker = net.createServer();
		await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
		const busy = blocker.address().port;
		const tdir = path.join(dir, 'badtemplates');
		await fsp.mkdir(tdir);
		await fsp.writeFile(path.join(tdir, 'foot.mustache'), '{{#open}} never closed\n');
		try {
			const cases = [
				[['--db', fresh], /needs migrating|not initialised/],
				[['--db', db, '--listen', `127.0.0.1:${busy}`], /cannot listen/],
				[['--db', db, '--listen', 'nonsense'], /bad listen address/],
				[['--db', db, '--listen', '127.0.0.1:99999'], /bad listen address/],
				[['--db', db, '--templates', path.join(dir, 'missing')], /templates folder/],
				[['--db', db, '--templates', tdir], /foot\.mustache/],
				[['--db', db, '--static', path.join(dir, 'missing')], /static folder/],
				[['--db', path.join(dir, 'no', 'such', 'dir', 'x.db')], /\S/],
			];
			for (const [args, re] of cases) {
				const r = await cli(['serve', '--quiet', '--listen', '127.0.0.1:0', ...args], { timeout: 15000 });
				assert.notEqual(r.code, 0, `serve ${args.join(' ')} must fail`);
				assert.ok(r.code === 1 || r.code === 2, `serve ${args.join(' ')}: exit ${r.code}`);
				let lines = r.stderr.split('\n').filter((l) => l !== '');
				// libmicrohttpd prints its own "Failed to bind" line first
				if (args.includes(`127.0.0.1:${busy}`))
					lines = lines.filter((l) => !/^Failed to bind/.test(l));
				assert.equal(lines.length, 1, `serve ${args.join(' ')}: one line:\n${r.stderr}`);
				assert.match(lines[0], /^error: /);
				assert.match(lines[0], re, `serve ${args.join(' ')}`);
			}
		} finally {
			blocker.close();
		}
	});
});

describe('article add refuses bad files and writes nothing', () => {
	let site, before_;

	before(async () => {
		site = await makeSite();
		// one story already there, so "unchanged" means something
		await addArticle(site, { headline: 'Storm hits coast', slug: 'storm-hits-coast-report',
			published: '2025-03-01T00:00:00Z' }, 'First.\n');
		await addArticle(site, { headline: 'Storm hits coast!', published: '2025-03-02T00:00:00Z' }, 'Second.\n');
		await fsp.copyFile(path.join(DEMO_IMAGES, 'textile.jpg'), path.join(site.dir, 'good.jpg'));
		const jpeg = await fsp.readFile(path.join(DEMO_IMAGES, 'textile.jpg'));
		await fsp.writeFile(path.join(site.dir, 'half.jpg'), jpeg.subarray(0, jpeg.length >> 1));
		await fsp.writeFile(path.join(site.dir, 'text.jpg'), 'this is not a picture at all\n'.repeat(20));
		await fsp.writeFile(path.join(site.dir, 'empty.jpg'), '');
		const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
		await fsp.writeFile(path.join(site.dir, 'pixel.gif'), gif);
		before_ = await cli(['article', 'list', '--db', site.db]);
		assert.equal(before_.code, 0);
	});

	after(async () => {
		if (site)
			await removeDir(site.dir);
	});

	const ok = { headline: 'A perfectly fine story', published: '2025-04-01T00:00:00Z' };
	const raw = (text) => ({ raw: text });

	const cases = [
		['no closing ---', raw('---\nheadline: Never closed\nsummary: s\n'), /line 3: header is not closed with '---'/],
		['no closing --- before the body', raw('---\nheadline: Never closed\n\nBody text.\n'), /line 4: expected 'key: value'/],
		['no opening ---', raw('headline: No fence\n---\nBody.\n'), /line 1: expected '---'/],
		['an empty file', raw(''), /expected '---'/],
		['an unknown key', raw('---\nheadline: X\nhedline: typo\n---\nBody.\n'), /line 3: unknown key 'hedline'/],
		['a repeated key', raw('---\nheadline: X\nheadline: Y\n---\nBody.\n'), /key 'headline' given twice/],
		['a line without a colon', raw('---\nheadline: X\njust words\n---\n'), /line 3: expected 'key: value'/],
		['an unterminated double quote', raw('---\nheadline: "Half quoted\n---\n'), /badly quoted value for 'headline'/],
		['a stray quote inside', raw('---\nheadline: "Say "hi" now"\n---\n'), /badly quoted/],
		['a bad escape', raw('---\nheadline: "Tab\\there"\n---\n'), /badly quoted/],
		['a single quote inside single quotes', raw("---\nheadline: 'it's'\n---\n"), /badly quoted/],
		['invalid UTF-8', raw(Buffer.concat([Buffer.from('---\nheadline: Caf'), Buffer.from([0xe9]),
			Buffer.from('\n---\n')])), /not valid UTF-8/],
		['a bad published date', { ...ok, published: '2025-13-45' }, /'published' is not an ISO 8601 time.*2025-13-45/],
		['a published date that does not exist', { ...ok, published: '2025-02-30T10:00:00Z' }, /'published'/],
		['a published time out of range', { ...ok, published: '2025-11-20T25:00:00Z' }, /'published'/],
		['published in words', { ...ok, published: 'yesterday' }, /'published'/],
		['a bad status', { ...ok, status: 'live' }, /'status' must be draft or published, not 'live'/],
		['a missing photo file', { ...ok, photo: 'nowhere.jpg', caption: 'c' }, /cannot read photo .*nowhere\.jpg/],
		['a text file named .jpg', { ...ok, photo: 'text.jpg', caption: 'c' }, /text\.jpg.* is not a JPEG, PNG or WebP/],
		['an empty photo', { ...ok, photo: 'empty.jpg', caption: 'c' }, /empty\.jpg.* is empty/],
		['a GIF photo', { ...ok, photo: 'pixel.gif', caption: 'c' }, /pixel\.gif.* is not a JPEG, PNG or WebP/],
		['a truncated JPEG', { ...ok, photo: 'half.jpg', caption: 'c' }, /half\.jpg.* is damaged or incomplete/],
		['a photo without a caption', { ...ok, photo: 'good.jpg' }, /a photo needs a 'caption'/],
		['a derived slug used by another headline', { headline: 'Storm hits coast?', published: '2025-04-01' },
			/slug 'storm-hits-coast' is already used by "Storm hits coast!"/],
		['no headline', { summary: 'Lonely summary', published: '2025-04-01' }, /missing required key 'headline'/],
		['an empty headline', { headline: '', published: '2025-04-01' }, /missing required key 'headline'/],
		['a headline with no letters or digits', { headline: '!!! ???' }, /cannot make a slug from the headline/],
		['a bad slug', { ...ok, slug: 'Bad Slug!' }, /slug 'Bad Slug!' must be/],
		['a slug with a double hyphen', { ...ok, slug: 'double--hyphen' }, /slug 'double--hyphen' must be/],
		['a headline over 300 bytes', { ...ok, headline: 'h'.repeat(301) }, /'headline' is longer than 300 bytes/],
		['more than 20 tags', { ...ok, tags: Array.from({ length: 21 }, (_, i) => `tag${i}`).join(', ') },
			/more than 20 tags/],
		['a tag with no letters', { ...ok, tags: 'fine, ---' }, /tag '---' has no letters or digits/],
		['a section with no letters', { ...ok, section: '%%%' }, /section '%%%' has no letters or digits/],
		['a file over 1 MB', { raw: articleText(ok, 'x'.repeat(1024 * 1024)) }, /larger than 1048576 bytes/],
	];

	for (const [name, spec, re] of cases) {
		it(`refuses ${name}`, async () => {
			let r;
			if (spec.raw !== undefined) {
				const file = path.join(site.dir, `raw-${name.replace(/\W+/g, '-')}.md`);
				await fsp.writeFile(file, spec.raw);
				r = await addFile(site.db, file);
				r.file = file;
			} else {
				r = await tryAddArticle(site, spec, 'Some body text.\n');
			}
			assertOneLineError(r, 1, re, name);
			assert.ok(r.stderr.includes(path.basename(r.file)), `${name}: names the file: ${r.stderr}`);
			const now = await cli(['article', 'list', '--db', site.db]);
			assert.equal(now.stdout, before_.stdout, `${name}: article list unchanged`);
		});
	}

	it('refuses a file that does not exist, or a folder', async () => {
		for (const f of [path.join(site.dir, 'missing.md'), site.dir]) {
			const r = await addFile(site.db, f);
			assertOneLineError(r, 1, /cannot read/, f);
		}
	});

	it('refuses a database that was never initialised', async () => {
		const file = path.join(site.dir, 'fine.md');
		await fsp.writeFile(file, articleText(ok, 'Body.\n'));
		const db = path.join(site.dir, 'blank.db');
		const r = await addFile(db, file);
		assertOneLineError(r, 1, /not initialised|needs migrating|init/, 'uninitialised db');
		const l = await cli(['article', 'list', '--db', db]);
		assert.equal(l.code, 1);
		assert.match(l.stderr, /^error: .*not initialised/);
	});

	it('still has exactly the stories it started with', async () => {
		const list = await listArticles(site.db);
		assert.deepEqual(list.map((a) => a.headline), ['Storm hits coast!', 'Storm hits coast']);
	});

	it('accepts the same derived slug for the same headline as an update', async () => {
		const p = await addArticle(site, { headline: 'Storm hits coast!', published: '2025-03-02T00:00:00Z' },
			'Second, revised.\n');
		assert.equal(p, '/news/2025/03/02/storm-hits-coast/');
		const list = await listArticles(site.db);
		assert.equal(list.length, 2, 'updated, not added');
	});

	it('accepts every documented published format and a BOM and CRLF file', async () => {
		const formats = [
			['2025-05-06', '/news/2025/05/06/'],
			['2025-05-06T08:30', '/news/2025/05/06/'],
			['2025-05-06T23:30:00-02:00', '/news/2025/05/07/'],
			['2025-05-06T01:30:00+02:00', '/news/2025/05/05/'],
			['2025-05-06T08:30:00.123Z', '/news/2025/05/06/'],
		];
		for (const [i, [when, prefix]] of formats.entries()) {
			const p = await addArticle(site, { headline: `Format ${i}`, published: when }, 'x\n');
			assert.equal(p, `${prefix}format-${i}/`, when);
		}
		const file = path.join(site.dir, 'crlf.md');
		await fsp.writeFile(file, '\ufeff---\r\nheadline: "Windows \\"line\\" endings"\r\n' +
			"section: 'Économie & Co'\r\npublished: 2025-05-08\r\n---\r\nBody.\r\n");
		const r = await addFile(site.db, file);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout, '/economie-co/2025/05/08/windows-line-endings/\n');
		const list = await listArticles(site.db);
		assert.ok(list.some((a) => a.headline === 'Windows "line" endings'));
	});
});
