// proxy.test.mjs - behind a proxy (--trust-proxy) the reader's address is
// the last X-Forwarded-For entry: per-address limits tell readers apart,
// and a client cannot pick its own address by sending the header first.
// Without --trust-proxy the header is ignored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addArticle, makeSite, removeDir, request, startServer } from './lib.mjs';

const SLUG = 'proxied-story';

async function react(srv, xff, kind) {
	const headers = { 'Content-Type': 'application/json' };
	if (xff)
		headers['X-Forwarded-For'] = xff;
	const r = await request(`${srv.url}/api/v1/articles/${SLUG}/reactions`, {
		method: 'PUT', headers, body: JSON.stringify({ reaction: kind }) });
	return r.status;
}

describe('reader addresses behind a proxy', () => {
	let site, trusting, plain;

	before(async () => {
		site = await makeSite();
		await addArticle(site, {
			headline: 'Behind the proxy', slug: SLUG, author: 'Desk', section: 'World',
			published: '2024-03-04T05:06:07Z', status: 'published',
		}, 'Body.\n');
		const args = ['--reaction-rate-limit', '2'];
		trusting = await startServer({ db: site.db, args: [...args, '--trust-proxy'] });
		plain = await startServer({ db: site.db, args });
	});

	after(async () => {
		await trusting?.stop();
		await plain?.stop();
		if (site)
			await removeDir(site.dir);
	});

	test('with --trust-proxy each forwarded address has its own limit', async () => {
		assert.equal(await react(trusting, '203.0.113.1', 'love'), 200);
		assert.equal(await react(trusting, '203.0.113.1', 'win'), 200);
		assert.equal(await react(trusting, '203.0.113.1', 'lol'), 429);
		// Another reader behind the same proxy is not limited by the first.
		assert.equal(await react(trusting, '203.0.113.2', 'love'), 200);
		// A client's own X-Forwarded-For comes first; the proxy's entry counts.
		assert.equal(await react(trusting, '198.51.100.9, 203.0.113.1', 'geeky'), 429);
		assert.equal(await react(trusting, '203.0.113.1, 198.51.100.9', 'geeky'), 200);
		// Junk is not an address: the connection's address is used.
		assert.equal(await react(trusting, '<script>', 'fail'), 200);
	});

	test('without --trust-proxy the header is ignored', async () => {
		assert.equal(await react(plain, '203.0.113.1', 'love'), 200);
		assert.equal(await react(plain, '203.0.113.2', 'win'), 200);
		assert.equal(await react(plain, '203.0.113.3', 'lol'), 429);
	});
});
