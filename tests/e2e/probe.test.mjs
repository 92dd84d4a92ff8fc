// probe.test.mjs - what a probe of the site found, fixed: authors see
// only their own unpublished stories in the newsroom list; the JSON API
// refuses a body type other than application/json also on calls without a
// body (removing a reaction, liking); a form with invalid UTF-8 is told
// so, not "too long" or "write something".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { makeSite, removeDir, request, startServer } from './lib.mjs';
import { csrfOf, mainText } from './accounts-lib.mjs';
import { api, story } from './comments-lib.mjs';
import { addUser, loginAs, saveStory } from './newsroom-lib.mjs';

const FAST = ['--login-rate-limit', '1000', '--comment-rate-limit', '1000', '--comment-min-seconds', '0',
	'--reaction-rate-limit', '0'];

describe('probe findings', () => {
	let site, srv, ann, bob, ed, path;
	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'ann@example.com', 'Ann Author', 'author');
		await addUser(site.db, 'bob@example.com', 'Bob Author', 'author');
		await addUser(site.db, 'ed@example.com', 'Ed Editor', 'editor');
		path = await story(site, 'probe-story');
		srv = await startServer({ db: site.db, args: FAST });
		ann = await loginAs(srv.url, 'ann@example.com');
		bob = await loginAs(srv.url, 'bob@example.com');
		ed = await loginAs(srv.url, 'ed@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('an author sees only their own drafts in /newsroom; editors see all', async () => {
		assert.equal((await saveStory(ann, { headline: 'Ann secret scoop', body: 'x' })).status, 303);
		assert.equal((await saveStory(bob, { headline: 'Bob secret scoop', body: 'x' })).status, 303);
		const a = mainText((await ann.get('/newsroom')).text);
		assert.match(a, /Ann secret scoop/);
		assert.doesNotMatch(a, /Bob secret scoop/, "another author's draft headline stays hidden");
		assert.match(a, /Story probe-story/, 'published stories are listed for everyone');
		const b = mainText((await bob.get('/newsroom?status=draft')).text);
		assert.match(b, /Bob secret scoop/);
		assert.doesNotMatch(b, /Ann secret scoop/);
		const e = mainText((await ed.get('/newsroom')).text);
		assert.match(e, /Ann secret scoop/);
		assert.match(e, /Bob secret scoop/);
	});

	test('the JSON API refuses other body types, also without a body', async () => {
		const slug = 'probe-story';
		const put = await api(ann, 'PUT', `/api/v1/articles/${slug}/reactions`, { reaction: 'win' });
		assert.equal(put.status, 200, put.text);
		const cookie = ann.cookieHeader();
		for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
			const del = await request(`${srv.url}/api/v1/articles/${slug}/reactions`,
				{ method: 'DELETE', headers: { Cookie: cookie, 'Content-Type': type } });
			assert.equal(del.status, 415, `DELETE reaction as ${type}`);
		}
		const c = await api(bob, 'POST', `/api/v1/articles/${slug}/comments`, { body: 'A comment to like' });
		assert.equal(c.status, 201, c.text);
		const id = c.json.comment.id;
		for (const method of ['PUT', 'DELETE']) {
			const r = await request(`${srv.url}/api/v1/comments/${id}/like`,
				{ method, headers: { Cookie: cookie, 'Content-Type': 'text/plain' }, body: 'x' });
			assert.equal(r.status, 415, `${method} like as text/plain`);
		}
		const like = await api(ann, 'PUT', `/api/v1/comments/${id}/like`);
		assert.equal(like.status, 200, 'without a body and a type it still works');
		const del = await api(ann, 'DELETE', `/api/v1/articles/${slug}/reactions`);
		assert.equal(del.status, 200, 'and so does removing a reaction');
	});

	test('a form field of invalid UTF-8 is named and refused, nothing saved', async () => {
		const page = await ann.get(path);
		const action = '/comments/new/probe-story';
		const csrf = csrfOf(page.text, action);
		const stamp = /name="stamp" value="([^"]*)"/.exec(page.text)[1];
		const send = (bodyField) => request(`${srv.url}${action}`, { method: 'POST',
			headers: { Cookie: ann.cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=${encodeURIComponent(csrf)}&stamp=${encodeURIComponent(stamp.replace(/&amp;/g, '&'))}&parent=&website=&body=${bodyField}` });
		for (const bytes of ['%FF', 'ok%C3', '%C0%AF', '%ED%A0%80', 'x'.repeat(10) + '%F8%88%80%80%80']) {
			const r = await send(bytes);
			assert.equal(r.status, 422, bytes);
			assert.match(mainText(r.text), /The field 'body' is not valid UTF-8/, bytes);
			assert.doesNotMatch(mainText(r.text), /at most 300|Write something/);
		}
		const name = await request(`${srv.url}/account/name`, { method: 'POST',
			headers: { Cookie: ann.cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `csrf=x&name=%FF${'a'.repeat(400)}` });
		assert.equal(name.status, 422);
		assert.match(mainText(name.text), /The field 'name' is not valid UTF-8/);
		const ok = await send(encodeURIComponent('Valid UTF-8: \u00e9\u4e2d'));
		assert.ok(ok.status === 303 || ok.status === 200, `valid text still posts: ${ok.status}`);
	});
});
