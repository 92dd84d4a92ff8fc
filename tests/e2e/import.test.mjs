// import.test.mjs - "dateline import wordpress": the dry-run summary of the
// three real WordPress exports in ../shared/testdata/wxr (exact counts),
// refusals with FILE:LINE:COLUMN, bad items skipped with a warning naming
// the post, photos found or missing under --uploads, the progress line on
// a terminal, and a dry run leaving the database as it was.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BIN, ROOT, dbSql, get, isPg, makeSite, removeDir, request, runCli, startServer,
	tempDir,
} from './lib.mjs';
import {
	addUser, editorFields, haveVips, jpegWithGps, loginAs, postMultipart,
} from './newsroom-lib.mjs';

const WXR = process.env.DATELINE_WXR_DIR || path.join(ROOT, '../shared/testdata/wxr');
const cli = (args) => runCli(args, { unsetEnv: ['DATELINE_DB', 'DATELINE_UPLOADS'] });

/* The summary lines as an object: {"stories": 5, ...}. */
function summary(stdout) {
	const out = {};
	for (const line of stdout.split('\n')) {
		const m = /^([a-z -]+): (\d+)$/.exec(line);
		if (m)
			out[m[1]] = Number(m[2]);
	}
	return out;
}

const base = {
	stories: 0, pages: 0, drafts: 0, 'in review': 0, scheduled: 0,
	'comments shown': 0, 'comments held': 0, sections: 0, tags: 0, authors: 0,
	'photos imported': 0, 'photos missing': 0, skipped: 0, warnings: 0,
};

describe('import wordpress --dry-run: the real exports', () => {
	const cases = [
		['valid-wxr-1.1.xml', { stories: 1, pages: 1, 'comments shown': 1, sections: 1,
			tags: 1, authors: 1 }],
		['small-export.xml', { stories: 5, pages: 4, drafts: 1, 'comments shown': 1,
			sections: 3, tags: 21, authors: 3, skipped: 1, 'skipped private': 1,
			warnings: 1 }],
		['wxr-comprehensive.xml', { stories: 1, pages: 1, 'comments shown': 1,
			sections: 1, tags: 3, authors: 2 }],
	];
	for (const [file, want] of cases) {
		it(`${file}: exact counts`, async () => {
			const r = await cli(['import', 'wordpress', '--dry-run', path.join(WXR, file)]);
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /^dry run: nothing was written\n/);
			assert.deepEqual(summary(r.stdout), { ...base, ...want });
		});
	}

	it('small-export.xml: the one warning names the post', async () => {
		const f = path.join(WXR, 'small-export.xml');
		const r = await cli(['import', 'wordpress', '--dry-run', f]);
		assert.equal(r.stderr, `warning: ${f}: post 22: 6 tags and categories over the 20 a`
			+ ' story keeps; the last 6 left out\n');
	});

	it('leaves the database as it was', async () => {
		const site = await makeSite();
		const count = async () => (await dbSql(site.db,
			'SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM accounts) AS u,'
			+ ' (SELECT count(*) FROM comments) AS c, (SELECT count(*) FROM tags) AS t'))[0];
		const before = await count();
		const r = await cli(['import', 'wordpress', '--db', site.db, '--dry-run',
			path.join(WXR, 'small-export.xml')]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(await count(), before);
		removeDir(site.dir);
	});
});

describe('import wordpress: refusals and rules', () => {
	let dir;
	before(async () => { dir = await tempDir('dateline-import-'); });
	after(() => removeDir(dir));

	const write = async (name, text) => {
		const f = path.join(dir, name);
		await fsp.writeFile(f, text);
		return f;
	};
	const head = (v = '1.2', ns = `http://wordpress.org/export/${v}/`) =>
		`<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="${ns}"`
		+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
		+ `<wp:wxr_version>${v}</wp:wxr_version>\n`;

	it('usage errors exit 2', async () => {
		for (const [args, re] of [
			[['import'], /expected 'import wordpress FILE.xml'/],
			[['import', 'blogger', 'x.xml'], /unknown import source 'blogger'/],
			[['import', 'wordpress'], /needs one FILE.xml/],
			[['import', 'wordpress', 'x.xml'], /no database given/],
			[['import', 'wordpress', '--nice', '20', 'x.xml'], /--nice wants a whole number from 0 to 19/],
		]) {
			const r = await cli(args);
			assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, re);
		}
		const h = await cli(['import', '--help']);
		assert.equal(h.code, 0);
		assert.match(h.stdout, /^usage: dateline import wordpress --db PATH FILE.xml/);
		assert.match(h.stdout, /--uploads DIR[\s\S]*--dry-run/);
	});

	it('a file that is not well-formed XML: FILE:LINE:COLUMN and the parser\'s words', async () => {
		const f = await write('bad.xml', head() + '<item><title>x</titel></item>\n</channel></rss>\n');
		const r = await cli(['import', 'wordpress', '--dry-run', f]);
		assert.equal(r.code, 1);
		assert.equal(r.stderr, `error: ${f}:5:23: Opening and ending tag mismatch: title line 5`
			+ ' and titel\n');
		assert.equal(r.stdout, '');
	});

	it('no version, or another version, is refused saying so', async () => {
		const none = await write('none.xml', '<rss><channel><item/></channel></rss>');
		let r = await cli(['import', 'wordpress', '--dry-run', none]);
		assert.equal(r.code, 1);
		assert.equal(r.stderr, `error: ${none}: not a WordPress export (no wp:wxr_version in`
			+ ' its channel)\n');
		const v13 = await write('v13.xml', head('1.3') + '</channel></rss>');
		r = await cli(['import', 'wordpress', '--dry-run', v13]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /WXR version '1\.3' is not supported \(1\.0, 1\.1 and 1\.2 are\)/);
		r = await cli(['import', 'wordpress', '--dry-run', path.join(dir, 'missing.xml')]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /missing\.xml: No such file or directory/);
	});

	it('bad items are skipped with a warning naming the post; photos from --uploads', async () => {
		const item = (id, type, extra = '') => `<item><title>T${id}</title>`
			+ `<wp:post_id>${id}</wp:post_id><wp:post_type>${type}</wp:post_type>`
			+ '<wp:status>publish</wp:status>'
			+ `<wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>${extra}</item>\n`;
		const thumb = (id) => `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>`
			+ `<wp:meta_value>${id}</wp:meta_value></wp:postmeta>`;
		const f = await write('rules.xml', head('1.1', 'https://wordpress.org/export/1.1/')
			+ item(1, 'post', thumb(10)) + item(2, 'post', thumb(11))
			+ item(3, 'product')
			+ '<item><wp:post_id>4</wp:post_id><wp:post_type>post</wp:post_type>'
			+ '<wp:status>publish</wp:status><wp:post_date_gmt>2020-13-45 99:00:00'
			+ '</wp:post_date_gmt></item>\n'
			+ item(10, 'attachment', '<wp:attachment_url>http://x/wp-content/uploads/2020/01/'
				+ 'a.jpg</wp:attachment_url>')
			+ item(11, 'attachment', '<wp:postmeta><wp:meta_key>_wp_attached_file'
				+ '</wp:meta_key><wp:meta_value>2020/01/gone.jpg</wp:meta_value></wp:postmeta>')
			+ '</channel></rss>\n');
		const uploads = path.join(dir, 'uploads');
		await fsp.mkdir(path.join(uploads, '2020/01'), { recursive: true });
		await fsp.writeFile(path.join(uploads, '2020/01/a.jpg'), 'x');
		const r = await cli(['import', 'wordpress', '--dry-run', '--uploads', uploads, f]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(summary(r.stdout), { ...base, stories: 2, 'photos imported': 1,
			'photos missing': 1, skipped: 2, 'skipped unknown type': 1, 'skipped unreadable': 1,
			warnings: 3 });
		assert.equal(r.stderr, [
			`warning: ${f}: post 2: photo '2020/01/gone.jpg' is missing`,
			`warning: ${f}: post 3: unknown post type 'product', skipped`,
			`warning: ${f}: post 4: unreadable date '2020-13-45 99:00:00', skipped`,
			''].join('\n'));
	});

	it('on a terminal: a progress line with items/s, percent read and ETA', async (t) => {
		try {
			execFileSync('script', ['--version'], { stdio: 'ignore' });
		} catch {
			t.skip('no script(1) to give the command a terminal');
			return;
		}
		const f = path.join(WXR, 'small-export.xml');
		const out = execFileSync('script', ['-qec',
			`${BIN} import wordpress --dry-run ${f} 2>&1`, '/dev/null'], { encoding: 'utf8' });
		assert.match(out, /\r\x1b\[Kchecking: \d+ items, \d+ items\/s, \d+% read, ETA \d+:\d\d/);
		assert.match(out, /importing: \d+ items/);
		assert.match(out, /stories: 5\r?\n/);
	});
});

// The files must be the unmodified upstream ones (README.md lists their sums).
it('the test exports are the upstream files', () => {
	const readme = fs.readFileSync(path.join(WXR, 'README.md'), 'utf8');
	for (const m of readme.matchAll(/- (\S+\.xml) ([0-9a-f]{64})/g)) {
		const sum = execFileSync('sha256sum', [path.join(WXR, m[1])], { encoding: 'utf8' });
		assert.equal(sum.split(' ')[0], m[2], m[1]);
	}
});

describe('import wordpress: writing stories and authors', () => {
	let site, server, dir;
	const small = path.join(WXR, 'small-export.xml');
	const rows = (q) => dbSql(site.db, q);
	/* A WXR 1.2 file @name holding @items (XML text); its path. */
	const wxrFile = async (name, items) => {
		const f = path.join(dir, name);
		await fsp.writeFile(f, '<?xml version="1.0"?>\n<rss'
			+ ' xmlns:wp="http://wordpress.org/export/1.2/"'
			+ ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
			+ ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
			+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
			+ `<wp:wxr_version>1.2</wp:wxr_version>${items}</channel></rss>\n`);
		return f;
	};

	before(async () => {
		site = await makeSite();
		dir = await tempDir('dateline-import-w-');
		// An account with an author's address is reused as it is.
		await addUser(site.db, 'editor@example.org', 'Ed Itor', 'editor');
	});
	after(async () => {
		if (server)
			assert.equal(await server.stop(), 0);
		removeDir(site.dir);
		removeDir(dir);
	});

	it('brings the stories with their slugs, dates, sections, tags and bylines', async () => {
		const r = await cli(['import', 'wordpress', '--db', site.db, small]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(summary(r.stdout), { ...base, stories: 5, pages: 4, drafts: 1,
			sections: 3, tags: 21, authors: 3, 'comments shown': 1, skipped: 1,
			'skipped private': 1, warnings: 1 });
		assert.deepEqual(await rows('SELECT slug, headline, author, section, section_slug,'
			+ ' status, published FROM articles ORDER BY published'), [
			{ slug: 'hello-world', headline: 'Hello world!', author: 'author', section: '',
				section_slug: '', status: 1, published: 1295336414 },
			{ slug: 'foo-child', headline: 'Foo-child', author: 'editor', section: 'Bar',
				section_slug: 'bar', status: 1, published: 1295336887 },
			{ slug: 'top-level-foo', headline: 'Top-level Foo', author: 'admin', section: 'Foo',
				section_slug: 'foo', status: 1, published: 1295336912 },
			{ slug: 'non-standard-post-format', headline: 'Non-standard post format',
				author: 'admin', section: '', section_slug: '', status: 1, published: 1295336932 },
			{ slug: 'many-categories', headline: 'Many Categories', author: 'admin',
				section: 'alpha', section_slug: 'alpha', status: 1, published: 1295337301 },
		]);
		assert.deepEqual(await rows("SELECT t.slug, t.name FROM tags t JOIN article_tags x"
			+ " ON x.tag_id = t.id JOIN articles a ON a.id = x.article_id"
			+ " WHERE a.slug = 'foo-child'"), [{ slug: 'foo-bar', name: 'Foo' }]);
		assert.equal((await rows("SELECT count(*) AS n FROM article_tags x JOIN articles a"
			+ " ON a.id = x.article_id WHERE a.slug = 'many-categories'"))[0].n, 20);
	});

	it('authors: accounts with role author, verified, no usable password; one reused', async () => {
		assert.deepEqual(await rows('SELECT email, name, role, verified, password FROM accounts'
			+ ' ORDER BY email'), [
			{ email: 'author@example.org', name: 'author', role: 'author', verified: 1,
				password: '!imported' },
			{ email: 'editor@example.org', name: 'Ed Itor', role: 'editor', verified: 1,
				password: (await rows("SELECT password FROM accounts WHERE email"
					+ " = 'editor@example.org'"))[0].password },
			{ email: 'local@host.null', name: 'admin', role: 'author', verified: 1,
				password: '!imported' },
		]);
	});

	it('each story belongs to its author\'s account (an existing one reused)', async () => {
		assert.deepEqual(await rows('SELECT a.slug, u.email FROM articles a LEFT JOIN accounts u'
			+ ' ON u.id = a.owner_id ORDER BY a.slug'), [
			{ slug: 'foo-child', email: 'editor@example.org' },
			{ slug: 'hello-world', email: 'author@example.org' },
			{ slug: 'many-categories', email: 'local@host.null' },
			{ slug: 'non-standard-post-format', email: 'local@host.null' },
			{ slug: 'top-level-foo', email: 'local@host.null' },
		]);
	});

	it('pages become static pages at their paths, a child under its parent', async () => {
		// "Child Page" comes before its parent in the export.
		assert.deepEqual(await rows('SELECT p.path, p.title, p.status, u.email FROM pages p'
			+ ' LEFT JOIN accounts u ON u.id = p.owner_id ORDER BY p.path'), [
			{ path: '1-col-page', title: '1-col page', status: 1, email: 'local@host.null' },
			{ path: 'draft-page', title: 'Draft Page', status: 0, email: 'local@host.null' },
			{ path: 'parent-page', title: 'Parent Page', status: 1, email: 'local@host.null' },
			{ path: 'parent-page/child-page', title: 'Child Page', status: 1,
				email: 'local@host.null' },
			{ path: 'sample-page', title: 'Sample Page', status: 1, email: 'local@host.null' },
		]);
	});

	it('dateline copy carries the pages with their parents', async () => {
		const to = path.join(dir, 'pages-copy.db');
		const r = await cli(['copy', '--from', site.db, '--to', to]);
		assert.equal(r.code, 0, r.stderr);
		const q = 'SELECT id, parent_id, slug, path, title, body, status, owner_id, version'
			+ ' FROM pages ORDER BY id';
		assert.deepEqual(await dbSql(to, q), await rows(q));
	});

	it('the stories are on the site at their dates and sections', async () => {
		server = await startServer({ db: site.db });
		const p = await get(server.url + '/bar/2011/01/18/foo-child/');
		assert.equal(p.status, 200);
		assert.match(p.text, /Post associated with the Foo category that is a child of Bar\./);
		assert.match(p.text, /Foo-child/);
		const s = await get(server.url + '/section/bar/');
		assert.equal(s.status, 200);
		assert.match(s.text, /foo-child/);
		const login = await get(server.url + '/account/login');
		assert.equal(login.status, 200);
	});

	it('published pages are served at their paths, listed in the footer and sitemap', async () => {
		const child = await get(server.url + '/parent-page/child-page/');
		assert.equal(child.status, 200);
		assert.match(child.text, /<h1>Child Page<\/h1>/);
		const parent = await get(server.url + '/parent-page/');
		assert.match(parent.text, /<a href="\/parent-page\/child-page\/">Child Page<\/a>/);
		const foot = (await get(server.url + '/')).text.split('<footer')[1];
		assert.deepEqual([...foot.matchAll(/<li><a href="([^"]+)">/g)].map((m) => m[1]),
			['/1-col-page/', '/parent-page/', '/sample-page/']);
		assert.equal((await request(server.url + '/draft-page/')).status, 404);
		const sm = await get(server.url + '/sitemaps/pages.xml');
		assert.equal(sm.status, 200);
		assert.deepEqual([...sm.text.matchAll(/<loc>[^<]*?(\/[^<]*)<\/loc>/g)].map((m) =>
			m[1].replace(/^\/\/[^/]+/, '')), ['/1-col-page/', '/parent-page/',
			'/parent-page/child-page/', '/sample-page/']);
		assert.match((await get(server.url + '/sitemap.xml')).text, /\/sitemaps\/pages\.xml/);
		for (const [from, to] of [['/?page_id=4', '/parent-page/child-page/'],
			['/?page_id=2', '/sample-page/']]) {
			const r = await request(server.url + from);
			assert.equal(`${r.status} ${r.headers.location}`, `301 ${to}`, from);
		}
	});

	it('importing again updates in place and duplicates nothing', async () => {
		const r = await cli(['import', 'wordpress', '--db', site.db, small]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual((await rows('SELECT count(*) AS n FROM articles'))[0].n, 5);
		assert.deepEqual((await rows('SELECT count(*) AS n FROM accounts'))[0].n, 3);
		assert.deepEqual((await rows('SELECT count(*) AS n FROM tags'))[0].n, 21);
		assert.deepEqual(await rows('SELECT path, version FROM pages ORDER BY path'), [
			{ path: '1-col-page', version: 1 }, { path: 'draft-page', version: 1 },
			{ path: 'parent-page', version: 1 }, { path: 'parent-page/child-page', version: 1 },
			{ path: 'sample-page', version: 1 },
		]);
	});

	it('an imported story saves again unchanged in the newsroom', async () => {
		await addUser(site.db, 'desk@example.org', 'Desk', 'admin');
		const c = await loginAs(server.url, 'desk@example.org');
		const id = (await rows("SELECT id FROM articles WHERE slug = 'many-categories'"))[0].id;
		const before = (await rows(`SELECT body, headline, summary FROM articles WHERE id = ${id}`))[0];
		const page = await c.get(`/newsroom/stories/${id}`);
		assert.equal(page.status, 200);
		const res = await postMultipart(c, '/newsroom/save',
			{ ...editorFields(page.text), action: 'save' });
		assert.equal(res.status, 303, res.text.slice(0, 500));
		assert.deepEqual((await rows(`SELECT body, headline, summary FROM articles WHERE id = ${id}`))[0],
			before);
	});

	it('a slug the newsroom already uses for another story is left alone', async () => {
		const f = await wxrFile('clash.xml', '<item><title>Another story</title>'
			+ '<wp:post_id>77</wp:post_id><wp:post_type>post</wp:post_type><wp:status>draft'
			+ '</wp:status><wp:post_name>hello-world</wp:post_name><content:encoded>Text'
			+ '</content:encoded></item>');
		const r = await cli(['import', 'wordpress', '--db', site.db, f]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(await rows("SELECT slug, headline, status FROM articles WHERE slug"
			+ " LIKE 'hello-world%' ORDER BY slug"), [
			{ slug: 'hello-world', headline: 'Hello world!', status: 1 },
			{ slug: 'hello-world-wp77', headline: 'Another story', status: 0 },
		]);
	});

	it('the featured image becomes the lead photo, without its metadata', async (t) => {
		if (!haveVips()) {
			t.skip('no vips CLI to make a JPEG');
			return;
		}
		const uploads = path.join(dir, 'uploads');
		await fsp.mkdir(path.join(uploads, '2020/01'), { recursive: true });
		await fsp.writeFile(path.join(uploads, '2020/01/lead.jpg'), jpegWithGps(dir));
		const f = await wxrFile('photo.xml', '<item><title>With a photo</title>'
			+ '<wp:post_id>5</wp:post_id><wp:post_type>post'
			+ '</wp:post_type><wp:status>publish</wp:status><wp:post_name>with-photo</wp:post_name>'
			+ '<wp:post_date_gmt>2020-01-05 10:00:00</wp:post_date_gmt><wp:postmeta><wp:meta_key>'
			+ '_thumbnail_id</wp:meta_key><wp:meta_value>6</wp:meta_value></wp:postmeta></item>'
			+ '<item><title>lead</title><wp:post_id>6</wp:post_id><wp:post_type>attachment'
			+ '</wp:post_type><wp:status>inherit</wp:status><excerpt:encoded>Cranes at dusk'
			+ '</excerpt:encoded><wp:attachment_url>http://old/wp-content/uploads/2020/01/lead.jpg'
			+ '</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>'
			+ '<wp:meta_value>Three cranes</wp:meta_value></wp:postmeta></item>');
		const r = await cli(['import', 'wordpress', '--db', site.db, '--uploads', uploads, f]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(summary(r.stdout)['photos imported'], 1);
		const a = (await rows("SELECT photo_key, caption, photo_alt FROM articles WHERE slug = 'with-photo'"))[0];
		assert.match(a.photo_key, /^[0-9a-f]+\.jpg$/);
		assert.equal(a.caption, 'Cranes at dusk');
		assert.equal(a.photo_alt, 'Three cranes');
		const img = await get(`${server.url}/media/${a.photo_key}`);
		assert.equal(img.status, 200);
		assert.equal(img.body.indexOf('Exif'), -1, 'no EXIF left');
	});

	it('images in a body come from the uploads as body photos; a missing one is counted', async (t) => {
		if (!haveVips()) {
			t.skip('no vips CLI to make a JPEG');
			return;
		}
		const uploads = path.join(dir, 'uploads');
		await fsp.mkdir(path.join(uploads, '2021/02'), { recursive: true });
		await fsp.writeFile(path.join(uploads, '2021/02/body.jpg'), jpegWithGps(dir, 900, 600));
		const f = await wxrFile('body.xml', '<item><title>Body photos</title>'
			+ '<wp:post_id>8</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish'
			+ '</wp:status><wp:post_name>body-photos</wp:post_name><wp:post_date_gmt>2021-02-03'
			+ ' 10:00:00</wp:post_date_gmt><content:encoded><![CDATA[<p>One:</p>\n\n'
			+ '<p><img src="http://old/wp-content/uploads/2021/02/body.jpg" alt="First"></p>\n\n'
			+ '<p><img src="https://cdn.example/wp-content/uploads/2021/02/body-300x200.jpg?x=1"'
			+ ' alt="Its resized copy"></p>\n\n<p><img src="/wp-content/uploads/2021/02/gone.jpg"'
			+ ' alt="Gone"> and <img src="https://elsewhere.example/pic.png" alt="Not ours"></p>'
			+ ']]></content:encoded></item>');
		const r = await cli(['import', 'wordpress', '--db', site.db, '--uploads', uploads, f]);
		assert.equal(r.code, 0, r.stderr);
		const sum = summary(r.stdout);
		assert.equal(sum['photos imported'], 2);
		assert.equal(sum['photos missing'], 1);
		assert.match(r.stderr, /post 8: photo '2021\/02\/gone\.jpg' is missing/);
		const body = (await rows("SELECT body FROM articles WHERE slug = 'body-photos'"))[0].body;
		const keys = [...body.matchAll(/!\[[^\]]*\]\(\/media\/([0-9a-f]+\.jpg)\)/g)].map((m) => m[1]);
		assert.equal(keys.length, 2, body);
		assert.equal(keys[0], keys[1], 'the resized copy is the original upload');
		assert.doesNotMatch(body, /gone\.jpg|Gone/);
		assert.match(body, /https:\/\/elsewhere\.example\/pic\.png/);
		const img = await get(`${server.url}/media/${keys[0]}`);
		assert.equal(img.body.indexOf('Exif'), -1, 'no EXIF left');
		assert.ok((await rows(`SELECT count(*) AS n FROM photo_variants WHERE photo_key = '${keys[0]}'`))[0].n > 0,
			'responsive copies made');
		// A dry run finds the same photos and writes nothing.
		const dry = await cli(['import', 'wordpress', '--dry-run', '--uploads', uploads, f]);
		assert.equal(summary(dry.stdout)['photos imported'], 2);
		assert.equal(summary(dry.stdout)['photos missing'], 1);
	});

	it('an author edits their own imported draft in the newsroom, not another\'s', async () => {
		await addUser(site.db, 'writer@example.org', 'Wri Ter', 'author');
		const item = (id, login, name) => `<item><title>Draft ${id}</title><dc:creator>${login}`
			+ `</dc:creator><wp:post_id>${id}</wp:post_id><wp:post_type>post</wp:post_type>`
			+ `<wp:status>draft</wp:status><wp:post_name>${name}</wp:post_name>`
			+ '<content:encoded>Draft text</content:encoded></item>';
		const f = await wxrFile('drafts.xml', '<wp:author><wp:author_login>wri</wp:author_login>'
			+ '<wp:author_email>writer@example.org</wp:author_email></wp:author>'
			+ item(90, 'wri', 'writers-draft') + item(91, 'admin', 'someone-elses-draft'));
		const r = await cli(['import', 'wordpress', '--db', site.db, f]);
		assert.equal(r.code, 0, r.stderr);
		const id = async (slug) => (await rows(`SELECT id FROM articles WHERE slug = '${slug}'`))[0].id;
		const c = await loginAs(server.url, 'writer@example.org');
		const mine = await c.get(`/newsroom/stories/${await id('writers-draft')}`);
		assert.equal(mine.status, 200);
		const res = await postMultipart(c, '/newsroom/save',
			{ ...editorFields(mine.text), body: 'Draft text, revised', action: 'save' });
		assert.equal(res.status, 303, res.text.slice(0, 300));
		assert.equal((await rows("SELECT body FROM articles WHERE slug = 'writers-draft'"))[0].body,
			'Draft text, revised');
		assert.equal((await c.get(`/newsroom/stories/${await id('someone-elses-draft')}`)).status, 403);
	});
});

describe('import wordpress: killed halfway, run again', () => {
	it('ends with exactly the result of one clean run', async () => {
		const dir = await tempDir('dateline-import-k-');
		// Enough items that several batches commit before the kill.
		const n = 5000;
		let items = '';
		for (let i = 1; i <= n; i++)
			items += `<item><title>Story ${i}</title><wp:post_id>${i}</wp:post_id>`
				+ '<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>'
				+ `<wp:post_name>story-${i}</wp:post_name><wp:post_date_gmt>2020-01-01`
				+ ` 00:${String(i % 60).padStart(2, '0')}:00</wp:post_date_gmt>`
				+ `<category domain="category" nicename="s${i % 7}">S${i % 7}</category>`
				+ `<category domain="post_tag" nicename="t${i % 13}">T${i % 13}</category>`
				+ `<content:encoded><![CDATA[<p>Paragraph one of ${i}.</p>\n\n<p>Two.</p>]]>`
				+ '</content:encoded></item>\n';
		const f = path.join(dir, 'many.xml');
		await fsp.writeFile(f, '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"'
			+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
			+ `<wp:wxr_version>1.2</wp:wxr_version>\n${items}</channel></rss>\n`);
		const killed = await makeSite(), clean = await makeSite();
		const count = async (db) => (await dbSql(db, 'SELECT count(*) AS n FROM articles'))[0].n;
		const p = spawn(BIN, ['import', 'wordpress', '--db', killed.db, f], { stdio: 'ignore' });
		const t0 = Date.now();
		while (await count(killed.db) < 10 && Date.now() - t0 < 20000)
			await new Promise((r) => setTimeout(r, 20));
		// It runs 10 below the priority it was started at, each thread.
		const niceOf = (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
		const ours = niceOf(fs.readFileSync('/proc/self/stat', 'utf8'));
		const tasks = fs.readdirSync(`/proc/${p.pid}/task`);
		assert.ok(tasks.length >= 2, `threads: ${tasks}`);
		for (const t of tasks) {
			const stat = fs.readFileSync(`/proc/${p.pid}/task/${t}/stat`, 'utf8');
			assert.equal(niceOf(stat), Math.min(19, ours + 10), `thread ${t}: ${stat}`);
		}
		p.kill('SIGKILL');
		await new Promise((r) => p.on('close', r));
		const part = await count(killed.db);
		assert.ok(part > 0 && part < n, `killed halfway: ${part} of ${n} stories`);
		// Nothing half-written: every story there has its tag.
		assert.deepEqual(await dbSql(killed.db, 'SELECT count(*) AS n FROM articles a WHERE'
			+ ' (SELECT count(*) FROM article_tags x WHERE x.article_id = a.id) <> 1'), [{ n: 0 }]);
		for (const db of [killed.db, clean.db]) {
			const r = await cli(['import', 'wordpress', '--db', db, f]);
			assert.equal(r.code, 0, r.stderr);
		}
		const snapshot = (db) => dbSql(db, 'SELECT slug, headline, body, section, published,'
			+ ' status, version FROM articles ORDER BY slug');
		const tags = (db) => dbSql(db, 'SELECT a.slug, t.slug AS tag FROM article_tags x'
			+ ' JOIN articles a ON a.id = x.article_id JOIN tags t ON t.id = x.tag_id'
			+ ' ORDER BY a.slug, t.slug');
		assert.deepEqual(await snapshot(killed.db), await snapshot(clean.db));
		assert.deepEqual(await tags(killed.db), await tags(clean.db));
		assert.equal(await count(clean.db), n);
		removeDir(dir);
		removeDir(killed.dir);
		removeDir(clean.dir);
	});
});

describe('import wordpress: a story the database refuses', () => {
	it('stops the run naming that post; the batches before it stay, whole', async () => {
		const dir = await tempDir('dateline-import-f-');
		const site = await makeSite();
		// The database refuses one headline, as a full disk would a story.
		await dbSql(site.db, isPg(site.db)
			? 'CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN'
				+ " IF NEW.headline = 'Boom' THEN RAISE EXCEPTION 'refused'; END IF;"
				+ ' RETURN NEW; END$$; CREATE TRIGGER boom BEFORE INSERT ON articles'
				+ ' FOR EACH ROW EXECUTE FUNCTION boom()'
			: 'CREATE TRIGGER boom BEFORE INSERT ON articles'
				+ " WHEN NEW.headline = 'Boom' BEGIN SELECT RAISE(ABORT, 'refused'); END");
		const n = 1500, bad = 1234;
		let items = '';
		for (let i = 1; i <= n; i++)
			items += `<item><title>${i === bad ? 'Boom' : `Story ${i}`}</title>`
				+ `<wp:post_id>${i}</wp:post_id><wp:post_type>post</wp:post_type>`
				+ `<wp:status>publish</wp:status><wp:post_name>story-${i}</wp:post_name>`
				+ '<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>'
				+ `<content:encoded><![CDATA[<p>Text of ${i}.</p>]]></content:encoded>`
				+ `<wp:comment><wp:comment_id>${i}</wp:comment_id>`
				+ '<wp:comment_author>Guest</wp:comment_author>'
				+ '<wp:comment_date_gmt>2020-01-02 00:00:00</wp:comment_date_gmt>'
				+ `<wp:comment_content>On ${i}</wp:comment_content>`
				+ '<wp:comment_approved>1</wp:comment_approved></wp:comment></item>\n';
		const f = path.join(dir, 'refused.xml');
		await fsp.writeFile(f, '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"'
			+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
			+ `<wp:wxr_version>1.2</wp:wxr_version>\n${items}</channel></rss>\n`);
		const r = await cli(['import', 'wordpress', '--db', site.db, f]);
		assert.equal(r.code, 1, r.stdout);
		assert.match(r.stderr, new RegExp(`^error: post ${bad}: cannot be saved: `, 'm'));
		// What stays is whole batches from the start: stories 1 to k, each
		// with its comment, none from the refused one on.
		const got = await dbSql(site.db, 'SELECT count(*) AS n, max(a.comment_count) AS most,'
			+ ' min(a.comment_count) AS least, (SELECT count(*) FROM comments) AS comments'
			+ ' FROM articles a');
		const k = got[0].n;
		assert.ok(k > 0 && k < bad, `${k} stories stayed`);
		assert.deepEqual(got, [{ n: k, most: 1, least: 1, comments: k }]);
		assert.deepEqual(await dbSql(site.db, "SELECT count(*) AS n FROM articles WHERE slug IN"
			+ ` (${Array.from({ length: k }, (_, i) => `'story-${i + 1}'`).join(', ')})`),
		[{ n: k }]);
		removeDir(dir);
		removeDir(site.dir);
	});
});

describe('import wordpress: comments and old addresses', () => {
	let site, server, dir;
	const rows = (q) => dbSql(site.db, q);
	const comment = (id, parent, approved, author, text, extra = '') => '<wp:comment>'
		+ `<wp:comment_id>${id}</wp:comment_id><wp:comment_parent>${parent}</wp:comment_parent>`
		+ `<wp:comment_author>${author}</wp:comment_author><wp:comment_author_email>`
		+ `${author.toLowerCase().replace(/\W/g, '')}@guest.example</wp:comment_author_email>`
		+ `<wp:comment_date_gmt>2020-01-0${1 + (id % 8)} 10:00:00</wp:comment_date_gmt>`
		+ `<wp:comment_approved>${approved}</wp:comment_approved>${extra}`
		+ `<wp:comment_content><![CDATA[${text}]]></wp:comment_content></wp:comment>`;
	const thread = '<item><title>Threads</title><link>http://old.example/2020/01/threads/</link>'
		+ '<wp:post_id>40</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish'
		+ '</wp:status><wp:post_name>threads</wp:post_name><wp:post_date_gmt>2020-01-01 09:00:00'
		+ '</wp:post_date_gmt><category domain="category" nicename="world">World</category>'
		+ '<content:encoded>Body</content:encoded>'
		+ comment(8, 7, 1, 'Late Child', 'listed before its parent')
		+ comment(1, 0, 1, 'Ann', 'top <em>level</em>')
		+ comment(2, 1, 1, 'Bo', 'depth one')
		+ comment(3, 2, 1, 'Cy', 'depth two')
		+ comment(4, 3, 1, 'Di', 'depth three')
		+ comment(5, 4, 1, 'Ed', 'too deep: joins depth three')
		+ comment(6, 0, 0, 'Held Guest', 'waiting for a moderator')
		+ comment(7, 0, 1, 'Parent', 'the parent')
		+ comment(9, 0, 'spam', 'Spammer', 'buy now')
		+ comment(10, 0, 1, 'Pinger', 'ping', '<wp:comment_type>pingback</wp:comment_type>')
		+ '</item>';
	const head = '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"'
		+ ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
		+ '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.example'
		+ '</wp:base_site_url><wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>world'
		+ '</wp:category_nicename><wp:cat_name>World</wp:cat_name></wp:category>'
		+ '<wp:author><wp:author_login>ann</wp:author_login><wp:author_email>ann@old.example'
		+ '</wp:author_email><wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>';
	let f;

	before(async () => {
		site = await makeSite();
		dir = await tempDir('dateline-import-c-');
		f = path.join(dir, 'threads.xml');
		await fsp.writeFile(f, head + thread + '</channel></rss>\n');
		const r = await cli(['import', 'wordpress', '--db', site.db, f]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(summary(r.stdout), { ...base, stories: 1, sections: 1, authors: 1,
			'comments shown': 7, 'comments held': 1, skipped: 2, 'skipped spam comment': 1,
			'skipped pingback or trackback': 1 });
		server = await startServer({ db: site.db });
	});
	after(async () => {
		assert.equal(await server.stop(), 0);
		removeDir(site.dir);
		removeDir(dir);
	});

	it('threads keep their places; deeper replies join the deepest allowed ancestor', async () => {
		const got = await rows('SELECT c.guest_name AS who, c.depth, p.guest_name AS parent,'
			+ ' c.status, c.created FROM comments c LEFT JOIN comments p ON p.id = c.parent_id'
			+ ' ORDER BY c.guest_name');
		assert.deepEqual(got.map((c) => [c.who, c.depth, c.parent, c.status]), [
			['Ann', 0, null, 0], ['Bo', 1, 'Ann', 0], ['Cy', 2, 'Bo', 0], ['Di', 3, 'Cy', 0],
			['Ed', 3, 'Cy', 0], ['Held Guest', 0, null, 1], ['Late Child', 1, 'Parent', 0],
			['Parent', 0, null, 0],
		]);
		assert.equal((await rows("SELECT comment_count AS n FROM articles WHERE slug = 'threads'"))[0].n, 7);
	});

	it('guests show their names, never their e-mail; held comments wait in the queue', async () => {
		const p = await get(server.url + '/world/2020/01/01/threads/');
		assert.match(p.text, /Late Child/);
		assert.match(p.text, /top <em>level<\/em>/);
		assert.doesNotMatch(p.text, /guest\.example/);
		assert.doesNotMatch(p.text, /waiting for a moderator/);
		await addUser(site.db, 'mod@example.org', 'Mod', 'editor');
		const c = await loginAs(server.url, 'mod@example.org');
		const q = await c.get('/newsroom/comments');
		assert.equal(q.status, 200);
		assert.match(q.text, /waiting for a moderator/);
		assert.match(q.text, /Held Guest/);
	});

	it('old addresses answer 301 with the new ones; others stay as they were', async () => {
		const loc = async (p) => {
			const r = await request(server.url + p);
			return `${r.status} ${r.headers.location || ''}`;
		};
		assert.equal(await loc('/2020/01/threads/'), '301 /world/2020/01/01/threads/');
		assert.equal(await loc('/2020/01/threads'), '301 /world/2020/01/01/threads/');
		assert.equal(await loc('/?p=40'), '301 /world/2020/01/01/threads/');
		assert.equal(await loc('/category/world/'), '301 /section/world/');
		assert.equal(await loc('/category/world/feed/'), '301 /section/world/feed.xml');
		assert.equal(await loc('/author/ann/'), '301 /author/Ann%20Lee/');
		assert.equal(await loc('/feed/'), '301 /feed.xml');
		assert.equal(await loc('/?p=41'), '200 ');
		assert.equal(await loc('/no/such/page/'), '404 ');
	});

	it('importing again duplicates nothing, even after the newsroom changed the story', async () => {
		await rows("UPDATE articles SET headline = 'Threads, edited' WHERE slug = 'threads'");
		const r = await cli(['import', 'wordpress', '--db', site.db, f]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal((await rows('SELECT count(*) AS n FROM articles'))[0].n, 1);
		assert.equal((await rows('SELECT count(*) AS n FROM comments'))[0].n, 8);
		assert.equal((await rows('SELECT count(*) AS n FROM redirects'))[0].n > 0, true);
	});

	it('dateline copy carries the redirects, the import map and the guests', async () => {
		const to = path.join(dir, 'copy.db');
		const r = await cli(['copy', '--from', site.db, '--to', to]);
		assert.equal(r.code, 0, r.stderr);
		for (const q of ['SELECT count(*) AS n FROM redirects', 'SELECT count(*) AS n FROM import_items',
			"SELECT count(*) AS n FROM comments WHERE guest_name = 'Late Child'"
			+ " AND guest_email = 'latechild@guest.example'"])
			assert.deepEqual(await dbSql(to, q), await rows(q), q);
	});

	it('a slug changed in the newsroom keeps the old address as a 301', async () => {
		await addUser(site.db, 'desk@example.org', 'Desk', 'admin');
		const c = await loginAs(server.url, 'desk@example.org');
		const id = (await rows("SELECT id FROM articles WHERE slug = 'threads'"))[0].id;
		const page = await c.get(`/newsroom/stories/${id}`);
		const res = await postMultipart(c, '/newsroom/save',
			{ ...editorFields(page.text), slug: 'threads-renamed', action: 'save' });
		assert.equal(res.status, 303, res.text.slice(0, 300));
		const old = await request(server.url + '/world/2020/01/01/threads/');
		assert.equal(old.status, 301);
		assert.equal(old.headers.location, '/world/2020/01/01/threads-renamed/');
		// The imported site's addresses follow the story to its new one.
		const wp = await request(server.url + '/?p=40');
		assert.equal(wp.headers.location, '/world/2020/01/01/threads-renamed/');
	});
});
