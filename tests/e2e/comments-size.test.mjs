// comments-size.test.mjs - no size cliff in a story's comments: a thread
// of 2,000 replies renders whole for a visitor and for a logged-in reader
// (whose page carries a form per comment), on both backends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { dbSql, get, makeSite, removeDir, startServer } from './lib.mjs';
import { addUser, commentIds, loginAs, story } from './comments-lib.mjs';

const REPLIES = 2000;

describe('a thread of 2,000 replies', () => {
	let site, srv, storyPath, reader;
	before(async () => {
		site = await makeSite();
		storyPath = await story(site, 'long-thread');
		const uid = await addUser(site.db, 'reader@example.com', 'Reader');
		const [{ id: art }] = await dbSql(site.db, "SELECT id FROM articles WHERE slug = 'long-thread'");
		// The thread is written before the server starts: its first page
		// view builds the block from the database.
		await dbSql(site.db, 'INSERT INTO comments (article_id, parent_id, root_id, depth,' +
			" account_id, body, html, body_hash, status, created) VALUES" +
			` (${art}, NULL, 0, 0, ${uid}, 'The first word.', '<p>The first word.</p>', 'top', 0, 1700000000)`);
		const [{ id: top }] = await dbSql(site.db, 'SELECT id FROM comments');
		await dbSql(site.db, `UPDATE comments SET root_id = id WHERE id = ${top}`);
		await dbSql(site.db, 'INSERT INTO comments (article_id, parent_id, root_id, depth,' +
			' account_id, body, html, body_hash, status, created)' +
			` SELECT ${art}, ${top}, ${top}, 1, ${uid}, 'Reply ' || n.i, '<p>Reply ' || n.i || '</p>',` +
			` 'h' || n.i, 0, 1700000000 + n.i FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL` +
			` SELECT i + 1 FROM s WHERE i < ${REPLIES}) SELECT i FROM s) AS n`);
		srv = await startServer({ db: site.db, quiet: false });
		reader = await loginAs(srv.url, 'reader@example.com');
	});
	after(async () => {
		await srv?.stop();
		await removeDir(site.dir);
	});

	const whole = (html) => {
		assert.ok(!html.includes('unavailable for a moment'), 'the live part of the page is there');
		const ids = commentIds(html);
		assert.equal(ids.length, REPLIES + 1, 'every reply is on the page');
		assert.match(html, new RegExp(`<p>Reply ${REPLIES}</p>`), 'the last reply too');
	};

	it('renders whole for a visitor', async () => {
		const r = await get(srv.url + storyPath);
		assert.equal(r.status, 200);
		whole(r.text);
	});

	it('renders whole for a logged-in reader, with the forms of each comment', async () => {
		const r = await reader.get(storyPath);
		assert.equal(r.status, 200);
		whole(r.text);
		assert.ok(r.text.length > 1024 * 1024, `a page of over 1 MB (${r.text.length} bytes)`);
		assert.ok(!srv.stderr().includes('could not be built'), 'nothing was refused');
	});
});
