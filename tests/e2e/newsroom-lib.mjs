// newsroom-lib.mjs - helpers for the newsroom tests: accounts with roles
// (from comments-lib.mjs), multipart posts of the editor form,
// and a JPEG with EXIF (orientation and GPS) made with the vips CLI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, decodeEntities, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';
import { csrfOf } from './accounts-lib.mjs';

/* Accounts with roles and logged-in clients: the comment tests' helpers. */
import { PW, addUser } from './comments-lib.mjs';
export { PW, addUser, loginAs } from './comments-lib.mjs';

/* The value of input @name on @html (first match), decoded. */
export function inputValue(html, name) {
	const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
	return m ? decodeEntities(m[1]) : undefined;
}

/* POST @fields (object; a {file, name, type} value is a file) to @path as
 * multipart/form-data from client @c. */
export async function postMultipart(c, pathname, fields) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) {
		if (v && typeof v === 'object' && 'data' in v)
			fd.append(k, new Blob([v.data], { type: v.type || 'application/octet-stream' }), v.name);
		else
			fd.append(k, String(v ?? ''));
	}
	const r = new Response(fd);
	const body = Buffer.from(await r.arrayBuffer());
	const headers = { 'Content-Type': r.headers.get('content-type'),
		'Content-Length': body.length, Cookie: c.cookieHeader() };
	return c.keep(await request(c.base + pathname, { method: 'POST', headers, body }));
}

/* The editor form's fields of @html (for a save from it). */
export function editorFields(html) {
	const f = { csrf: csrfOf(html, '/newsroom/save') };
	for (const n of ['id', 'version', 'headline', 'slug', 'dateline', 'section', 'tags', 'byline',
		'caption', 'credit', 'alt'])
		f[n] = inputValue(html, n) ?? '';
	for (const n of ['summary', 'body']) {
		const m = new RegExp(`<textarea[^>]*name="${n}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
		f[n] = m ? decodeEntities(m[1]) : '';
	}
	return f;
}

/* Save a story through the editor of client @c: open @page (default a new
 * story), change @fields, press @action.  The response. */
export async function saveStory(c, fields, action = 'save', page = '/newsroom/new') {
	const p = await c.get(page);
	if (p.status !== 200)
		throw new Error(`GET ${page}: ${p.status}`);
	return postMultipart(c, '/newsroom/save', { ...editorFields(p.text), ...fields, action });
}

/* The story id of a save's redirect. */
export function storyId(res) {
	const m = /\/newsroom\/stories\/(\d+)/.exec(res.headers.location || '');
	if (!m)
		throw new Error(`no story in redirect (${res.status}): ${res.text.slice(0, 300)}`);
	return Number(m[1]);
}

/* A big-endian EXIF block: orientation @orientation and a GPS latitude. */
function exifSegment(orientation) {
	const tiff = Buffer.alloc(92);
	tiff.write('MM', 0, 'latin1');
	tiff.writeUInt16BE(42, 2);
	tiff.writeUInt32BE(8, 4);
	let o = 8;
	tiff.writeUInt16BE(2, o); o += 2;
	tiff.writeUInt16BE(0x0112, o); tiff.writeUInt16BE(3, o + 2); tiff.writeUInt32BE(1, o + 4);
	tiff.writeUInt16BE(orientation, o + 8); o += 12;
	tiff.writeUInt16BE(0x8825, o); tiff.writeUInt16BE(4, o + 2); tiff.writeUInt32BE(1, o + 4);
	tiff.writeUInt32BE(38, o + 8); o += 12;
	tiff.writeUInt32BE(0, o); o += 4;		// o = 38: the GPS IFD
	tiff.writeUInt16BE(2, o); o += 2;
	tiff.writeUInt16BE(0x0001, o); tiff.writeUInt16BE(2, o + 2); tiff.writeUInt32BE(2, o + 4);
	tiff.write('N\0', o + 8, 'latin1'); o += 12;
	tiff.writeUInt16BE(0x0002, o); tiff.writeUInt16BE(5, o + 2); tiff.writeUInt32BE(3, o + 4);
	tiff.writeUInt32BE(68, o + 8); o += 12;
	tiff.writeUInt32BE(0, o); o += 4;		// o = 68: the rationals
	for (const [n, d] of [[48, 1], [51, 1], [2970, 100]]) {
		tiff.writeUInt32BE(n, o); tiff.writeUInt32BE(d, o + 4); o += 8;
	}
	const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
	const head = Buffer.from([0xff, 0xe1, 0, 0]);
	head.writeUInt16BE(body.length + 2, 2);
	return Buffer.concat([head, body]);
}

/* A @w x @h JPEG of noise with EXIF orientation @orientation and GPS. */
export function jpegWithGps(dir, w = 1200, h = 800, orientation = 6) {
	const plain = path.join(dir, `noise-${w}x${h}.jpg`);
	execFileSync('vips', ['gaussnoise', plain + '[Q=70]', String(w), String(h)]);
	const jpg = fs.readFileSync(plain);
	return Buffer.concat([jpg.subarray(0, 2), exifSegment(orientation), jpg.subarray(2)]);
}

/* The metadata fields vipsheader sees in @file. */
export function vipsFields(file) {
	return execFileSync('vipsheader', ['-a', file], { encoding: 'utf8' });
}

export function haveVips() {
	try {
		execFileSync('vips', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/* A site with @users ([email, name, role]), a server and a browser for the
 * browser tests: {site, srv, browser, close()}. */
export async function browserSite(users, args = ['--login-rate-limit', '1000']) {
	const site = await makeSite();
	for (const [email, name, role] of users)
		await addUser(site.db, email, name, role);
	const srv = await startServer({ db: site.db, args });
	const browser = await launchBrowser();
	return { site, srv, browser, async close() {
		await browser.close();
		await srv.stop();
		await removeDir(site.dir);
	} };
}

/* Log @page in at @base as @email by keyboard; waits for the newsroom. */
export async function browserLogIn(page, base, email) {
	await page.goto(base + '/newsroom');
	await page.getByLabel('Email', { exact: true }).focus();
	await page.keyboard.type(email);
	await page.keyboard.press('Tab');
	await page.keyboard.type(PW);
	await page.keyboard.press('Enter');
	await page.waitForURL(/\/newsroom$/);
}
