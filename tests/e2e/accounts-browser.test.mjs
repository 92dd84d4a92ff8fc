// accounts-browser.test.mjs - reader accounts in headless Chromium: log in
// through the form from a story page (returning to it), see the account
// name in the header, log out with the header's button; then "Forgot your
// password?" -> the e-mailed link (caught by a test SMTP server) -> a new
// password -> log in with it.  Fields are found by their visible labels.
// Runs only with DATELINE_BROWSER=1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { BIN, addArticle, launchBrowser, makeSite, removeDir, startServer } from './lib.mjs';
import { mailLink, startSmtp } from './accounts-lib.mjs';

const enabled = process.env.DATELINE_BROWSER === '1';

function addUser(db, email, name, password) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, ['user', 'add', '--db', db, '--email', email, '--name', name,
			'--password-stdin'], { stdio: ['pipe', 'ignore', 'inherit'] });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user add: ${code}`))));
		p.stdin.end(password + '\n');
	});
}

describe('accounts in a browser', { skip: !enabled && 'set DATELINE_BROWSER=1 to run' }, () => {
	let site, srv, smtp, browser, story;

	before(async () => {
		site = await makeSite();
		story = await addArticle(site, { headline: 'Ferry timetable changes', slug: 'ferry-timetable',
			section: 'Local', published: '2025-10-01T08:00:00Z', summary: 'New times from Monday.' },
		'The first boat leaves at six.\n');
		await addUser(site.db, 'iris@example.com', 'Iris Vale', 'first password 1');
		smtp = await startSmtp();
		srv = await startServer({ db: site.db, args: ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`,
			'--smtp-plain', '--mail-from', 'news@example.com'] });
		browser = await launchBrowser();
	});

	after(async () => {
		if (browser)
			await browser.close();
		if (srv)
			await srv.stop();
		if (smtp)
			await smtp.close();
		if (site)
			await removeDir(site.dir);
	});

	it('logs in through the form, shows the name in the header, logs out', async () => {
		const ctx = await browser.newContext({ javaScriptEnabled: false });
		const page = await ctx.newPage();
		try {
			await page.goto(srv.url + story);
			await page.getByRole('link', { name: 'Log in', exact: true }).click();
			await page.getByLabel('Email', { exact: true }).fill('iris@example.com');
			await page.getByLabel('Password', { exact: true }).fill('first password 1');
			await page.getByRole('button', { name: 'Log in', exact: true }).click();
			assert.equal(new URL(page.url()).pathname, story, 'back on the story');
			const name = page.locator('.masthead .account-name');
			assert.equal(await name.textContent(), 'Iris Vale');
			const cookies = await ctx.cookies();
			const s = cookies.find((c) => c.name === 'dl_session');
			assert.ok(s && s.httpOnly && s.sameSite === 'Lax');

			await page.getByRole('button', { name: 'Log out' }).click();
			assert.equal(await page.locator('.masthead .account-name').count(), 0);
			assert.ok(await page.getByRole('link', { name: 'Log in', exact: true }).isVisible());
		} finally {
			await ctx.close();
		}
	});

	it('resets the password through the e-mailed link', async () => {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		try {
			await page.goto(srv.url + '/account/login');
			await page.getByRole('link', { name: 'Forgot your password?' }).click();
			await page.getByLabel('Email', { exact: true }).fill('iris@example.com');
			await page.getByRole('button', { name: 'Send the link' }).click();
			assert.match(await page.locator('main').textContent(), /If an account exists/);
			const link = mailLink((await smtp.waitFor('iris@example.com', /reset/i)).raw, 'reset');
			await page.goto(link.url);
			await page.getByLabel('New password', { exact: true }).fill('second password 2');
			await page.getByRole('button', { name: 'Set the password' }).click();
			assert.match(await page.locator('main').textContent(), /password is changed/);
			await page.getByRole('link', { name: 'Back to log in' }).click();
			await page.getByLabel('Email', { exact: true }).fill('iris@example.com');
			await page.getByLabel('Password', { exact: true }).fill('second password 2');
			await page.getByRole('button', { name: 'Log in', exact: true }).click();
			assert.equal(await page.locator('.masthead .account-name').textContent(), 'Iris Vale');
		} finally {
			await ctx.close();
		}
	});
});
