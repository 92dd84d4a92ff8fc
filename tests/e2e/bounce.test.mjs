// bounce.test.mjs - an address that bounces: the SMTP server (the npm
// smtp-server fake) refuses one reader's address with 550, so the reply
// mail to it fails for good and the account is marked as bouncing; the
// newsroom's users list shows it to admins; further reply mail to it is
// not even queued; the reader, told on their account page, asks for a
// confirmation link, follows it, and reply mail flows again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { makeSite, removeDir, sleep, startServer } from './lib.mjs';
import { Client, csrfOf, mailLink, mainText, sql, startSmtp } from './accounts-lib.mjs';
import { addUser, api, loginAs, story } from './comments-lib.mjs';

const FAST = ['--login-rate-limit', '1000', '--comment-rate-limit', '1000',
	'--comment-min-seconds', '0'];
const BEE = 'bee@example.com';

/* Wait until @fn() is true (polling), or fail with @what. */
async function until(fn, what, ms = 15000) {
	const deadline = Date.now() + ms;
	while (!(await fn())) {
		if (Date.now() > deadline)
			throw new Error(`timed out: ${what}`);
		await sleep(50);
	}
}

describe('mail to an address that bounces', () => {
	let site, smtp, srv, storyPath;
	const u = {};

	before(async () => {
		site = await makeSite();
		storyPath = await story(site, 'bounce-story');
		await addUser(site.db, BEE, 'Bee', 'reader');
		await addUser(site.db, 'bob@example.com', 'Bob', 'reader');
		await addUser(site.db, 'ad@example.com', 'Ad Min', 'admin');
		smtp = await startSmtp({ refuse: [BEE] });
		srv = await startServer({ db: site.db, args: [...FAST, '--smtp-url',
			`smtp://127.0.0.1:${smtp.port}`, '--smtp-plain', '--mail-from', 'news@example.com'] });
		for (const [k, email] of [['bee', BEE], ['bob', 'bob@example.com'], ['ad', 'ad@example.com']])
			u[k] = await loginAs(srv.url, email);
	});
	after(async () => {
		await srv.stop();
		await smtp.close();
		await removeDir(site.dir);
	});

	const outboxTo = (to) => Number(sql(site.db, `SELECT count(*) FROM outbox WHERE recipient = '${to}'`)[0][0]);
	const bounced = () => sql(site.db, `SELECT bounced IS NOT NULL, coalesce(bounce_reason, '') FROM accounts WHERE email = '${BEE}'`)[0];

	test('a 550 marks the address; admins see it; notices stop; confirming again brings them back', async () => {
		const top = await api(u.bee, 'POST', '/api/v1/articles/bounce-story/comments', { body: 'Tell me about answers' });
		assert.equal(top.status, 201, top.text);
		const parent = top.json.comment.id;
		const reply = async (body) => {
			const r = await api(u.bob, 'POST', '/api/v1/articles/bounce-story/comments', { body, parent });
			assert.equal(r.status, 201, r.text);
		};

		// The first reply's mail is refused for good: failed, and the address bounces.
		await reply('First answer');
		await until(() => smtp.refused.length === 1, 'the server refused the reply mail');
		await until(() => bounced()[0] === '1' || bounced()[0] === 't', 'the account is marked');
		assert.match(bounced()[1], /550/);
		await until(() => /address bee@example\.com bounces/.test(srv.stderr()), 'the bounce is logged');
		assert.match(srv.stderr(), /mail \d+ to bee@example\.com failed for good .*550/);
		assert.equal(outboxTo(BEE), 1, 'the refused message stays, as failed');

		// Admins see it in the users list (the reason with it).
		const users = await u.ad.get('/newsroom/users');
		assert.equal(users.status, 200);
		const row = /<tr>\s*<td>Bee<\/td>[\s\S]*?<\/tr>/.exec(users.text);
		assert.ok(row, 'a row for Bee');
		assert.match(mainText(row[0]), /bouncing since \d{4}-\d\d-\d\d \d\d:\d\d UTC : the server answered 550: RCPT failed: 550/);
		assert.doesNotMatch(/<tr>\s*<td>Bob<\/td>[\s\S]*?<\/tr>/.exec(users.text)[0], /bouncing/);

		// Another reply: nothing is queued for Bee, nothing is tried.
		await reply('Second answer');
		await sleep(1500);
		assert.equal(outboxTo(BEE), 1, 'no reply mail queued to an address that bounces');
		assert.equal(smtp.refused.length, 1, 'no new delivery attempt');

		// Bee is told on the account page and asks for a confirmation link
		// (the mailbox works again): that mail is sent even while bouncing.
		const page = await u.bee.get('/account/');
		assert.match(mainText(page.text), /Mail to bee@example\.com was refused on .* \(the server answered 550[^)]*\), so we stopped sending you replies and notices/);
		smtp.refuse.delete(BEE);
		const sent = await u.bee.post('/account/confirm', { csrf: csrfOf(page.text, '/account/confirm') });
		assert.equal(sent.status, 303, sent.text.slice(0, 400));
		assert.equal(sent.headers.location, '/account/?done=confirm');
		assert.match(mainText((await u.bee.get('/account/?done=confirm')).text), /We sent a confirmation link to your address/);
		const msg = await smtp.waitFor(BEE, /Confirm your e-mail address/);
		const link = mailLink(msg.raw.replace(/=\r?\n/g, ''), 'verify');
		const done = await new Client(srv.url).get(link.path);
		assert.equal(done.status, 200);
		assert.match(mainText(done.text), /your e-mail address is confirmed/);
		assert.deepEqual(bounced().map(String).slice(1), ['']);
		assert.ok(bounced()[0] === '0' || bounced()[0] === 'f', 'no longer bouncing');
		assert.doesNotMatch(mainText((await u.bee.get('/account/')).text), /was refused/);
		assert.doesNotMatch((await u.ad.get('/newsroom/users')).text, /bouncing/);

		// Reply mail reaches Bee again.
		await reply('Third answer');
		const again = await smtp.waitFor(BEE, /Third answer/);
		assert.match(again.raw, /Bob replied to your comment/);
		assert.equal(smtp.messages.filter((m) => m.to.includes(BEE) && /Second answer/.test(m.raw)).length, 0,
			'the reply made while bouncing was never sent');
	});

	test('confirming needs a session and the form token', async () => {
		const anon = await new Client(srv.url).post('/account/confirm', { csrf: 'x' });
		assert.equal(anon.status, 303);
		assert.match(anon.headers.location, /^\/account\/login/);
		const forged = await u.bee.post('/account/confirm', { csrf: 'forged' });
		assert.equal(forged.status, 403);
	});
});
