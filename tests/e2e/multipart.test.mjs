// multipart.test.mjs - a multipart/form-data body arriving in pieces: the
// network may split it anywhere, and a split right after a part's headers
// and a byte or two into its value (libmicrohttpd then hands the part
// over as an empty piece and again from offset 0) must still read as one
// part, not as an empty field followed by a second one of the same name.
// The editor's save is sent over a raw socket in such pieces, with a pause
// between writes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeSite, removeDir, startServer, sleep, RawConn } from './lib.mjs';
import { haveSqlite3 } from './accounts-lib.mjs';
import { addUser, loginAs, editorFields, inputValue, storyId } from './newsroom-lib.mjs';

/* @fields as a multipart body: {type, body}. */
async function multipart(fields) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields))
		fd.append(k, String(v));
	const r = new Response(fd);
	return { type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
}

/* @buf cut @skip bytes after every "\r\n\r\n" (the end of each part's
 * headers). */
function cutAfterHeaders(buf, skip) {
	const pieces = [];
	let from = 0;
	for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n', i + 4)) {
		pieces.push(buf.subarray(from, i + 4 + skip));
		from = i + 4 + skip;
	}
	pieces.push(buf.subarray(from));
	return pieces;
}

describe('multipart bodies in pieces', { skip: !haveSqlite3() && 'no sqlite3 shell' }, () => {
	let site, srv, author;

	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'author@example.com', 'Ann Author', 'author');
		srv = await startServer({ db: site.db, args: ['--login-rate-limit', '1000'] });
		author = await loginAs(srv.url, 'author@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	for (const skip of [0, 1, 2]) test(`a save split ${skip} bytes after each part header keeps every field`, async () => {
		const headline = `Split ${skip} bytes after every header`;
		const form = await author.get('/newsroom/new');
		assert.equal(form.status, 200);
		const fields = { ...editorFields(form.text), headline,
			dateline: 'BEIRUT', summary: 'Each part arrived on its own.',
			body: 'The first paragraph.\n\nThe second.', action: 'save' };
		const { type, body } = await multipart(fields);
		const pieces = cutAfterHeaders(body, skip);
		assert.ok(pieces.length > 10, `${pieces.length} pieces`);
		const conn = await RawConn.open(srv.port);
		try {
			await conn.write(`POST /newsroom/save HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
				`Cookie: ${author.cookieHeader()}\r\nContent-Type: ${type}\r\n` +
				`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
			for (const p of pieces) {
				await sleep(20);
				await conn.write(p);
			}
			const r = await conn.readResponse();
			assert.equal(r.status, 303, r.text.slice(0, 400));
			const id = storyId(r);
			const back = await author.get(`/newsroom/stories/${id}`);
			assert.equal(back.status, 200);
			assert.equal(inputValue(back.text, 'headline'), headline);
			assert.equal(inputValue(back.text, 'dateline'), 'BEIRUT');
			assert.match(back.text, /<textarea[^>]*name="summary"[^>]*>Each part arrived on its own\.<\/textarea>/);
		} finally {
			conn.close();
		}
	});
});
