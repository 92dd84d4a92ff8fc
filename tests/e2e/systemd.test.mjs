// systemd.test.mjs - the packaged service without systemd as PID 1:
// socket activation through systemd-socket-activate (the socket passed in
// LISTEN_FDS; connections made before the server runs are queued and
// answered), the units checked by systemd-analyze (verify clean, exposure
// at most 2.5), the man page without warnings, and photo uploads (libvips)
// working with W^X memory enforced, as MemoryDenyWriteExecute= does
// (prctl PR_SET_MDWE, inherited across exec).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BIN, PG, ROOT, freePort, makeSite, removeDir, request, sleep, tempDir } from './lib.mjs';
import { addUser, haveVips, jpegWithGps, loginAs, saveStory } from './newsroom-lib.mjs';

/* Start @argv as a server; resolves {proc, stderr()} once it logged that it serves. */
function serve(argv, env = {}) {
	return new Promise((resolve, reject) => {
		const proc = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env },
			stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		const t = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`no start: ${err}`)); }, 15000);
		proc.stderr.on('data', (d) => {
			err += d;
			if (/dateline serving/.test(err)) {
				clearTimeout(t);
				resolve({ proc, stderr: () => err });
			}
		});
		proc.on('exit', (c) => { clearTimeout(t); reject(new Error(`exited ${c}: ${err}`)); });
	});
}

async function stop(proc) {
	const exit = new Promise((r) => proc.on('exit', (code) => r(code)));
	proc.kill('SIGTERM');
	return exit;
}

describe('socket activation', () => {
	let site;
	before(async () => { site = await makeSite(); });
	after(() => removeDir(site.dir));

	it('serves the socket systemd passes; connections made before it starts are answered', async () => {
		const port = await freePort();
		const proc = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, BIN, 'serve', '--db', site.db,
			'--quiet', '--listen', '127.0.0.1:1'], { stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		proc.stderr.on('data', (d) => { err += d; });
		try {
			for (let i = 0; i < 100 && !/Listening on/.test(err); i++)
				await sleep(20);
			assert.match(err, /Listening on 127\.0\.0\.1/);
			// these reach the socket before dateline runs: the first wakes it
			const rs = await Promise.all(Array.from({ length: 20 }, () =>
				request(`http://127.0.0.1:${port}/healthz`, { timeout: 20000 })));
			for (const r of rs)
				assert.equal(r.status, 200);
			for (let i = 0; i < 250 && !/dateline serving/.test(err); i++)
				await sleep(20);
			assert.match(err, /dateline serving .* on the socket systemd passed \(port \d+\)/);
			assert.doesNotMatch(err, /on http:\/\/127\.0\.0\.1:1 /, '--listen is not used');
		} finally {
			assert.equal(await stop(proc), 0, err);
		}
	});
});

describe('the units and the man page', () => {
	let dir;
	before(async () => { dir = await tempDir(); });
	after(() => removeDir(dir));

	it('systemd-analyze verify is clean, security exposure is at most 2.5, man has no warnings', async () => {
		// the units as the package installs them, pointing at this build
		const unit = fs.readFileSync(path.join(ROOT, 'debian/dateline.service'), 'utf8')
			.replaceAll('/usr/bin/dateline', BIN)
			.replace('EnvironmentFile=/etc/default/dateline', `EnvironmentFile=${path.join(ROOT, 'debian/dateline.default')}`);
		await fsp.writeFile(path.join(dir, 'dateline.service'), unit);
		await fsp.copyFile(path.join(ROOT, 'debian/dateline.socket'), path.join(dir, 'dateline.socket'));
		await fsp.mkdir(path.join(dir, 'man/man1'), { recursive: true });
		await fsp.copyFile(path.join(ROOT, 'docs/dateline.1'), path.join(dir, 'man/man1/dateline.1'));
		const v = spawnSync('systemd-analyze', ['verify', path.join(dir, 'dateline.service'), path.join(dir, 'dateline.socket')],
			{ encoding: 'utf8', env: { ...process.env, MANPATH: path.join(dir, 'man') } });
		assert.equal(v.status, 0, v.stderr);
		assert.equal((v.stdout + v.stderr).trim(), '', 'verify prints nothing');
		const s = spawnSync('systemd-analyze', ['security', '--offline=yes', path.join(dir, 'dateline.service')],
			{ encoding: 'utf8' });
		const m = /Overall exposure level for dateline\.service: (\d+\.\d+)/.exec(s.stdout);
		assert.ok(m, s.stdout + s.stderr);
		assert.ok(Number(m[1]) <= 2.5, `exposure ${m[1]}`);
		for (const key of ['UMask=0077', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'PrivateTmp=yes',
			'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'SystemCallFilter=@system-service',
			'MemoryDenyWriteExecute=yes', 'EnvironmentFile='])
			assert.ok(unit.includes(key), key);
		const man = spawnSync('man', ['--warnings', '-l', path.join(ROOT, 'docs/dateline.1')], { encoding: 'utf8' });
		assert.equal(man.status, 0);
		assert.equal(man.stderr, '', 'man --warnings prints nothing');
		assert.match(man.stdout, /dateline backup/);
	});
});

describe('photo uploads with W^X memory (MemoryDenyWriteExecute)', { skip: !haveVips() && 'needs libvips-tools' }, () => {
	let site, srv;
	before(async () => { site = await makeSite(); });
	after(async () => {
		if (srv)
			await stop(srv.proc);
		await removeDir(site.dir);
	});

	it('libvips decodes, resizes and encodes under PR_SET_MDWE', async () => {
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		const port = await freePort();
		const mdwe = 'import ctypes, os, sys\n' +
			'libc = ctypes.CDLL(None, use_errno=True)\n' +
			'if libc.prctl(65, 1, 0, 0, 0) != 0: sys.exit("PR_SET_MDWE: %d" % ctypes.get_errno())\n' +
			'os.execv(sys.argv[1], sys.argv[1:])\n';
		srv = await serve(['/usr/bin/python3', '-c', mdwe, BIN, 'serve', '--db', site.db, '--quiet',
			'--listen', `127.0.0.1:${port}`, '--login-rate-limit', '1000',
			...(PG ? ['--maildir', path.join(site.dir, 'mail')] : [])]);
		const status = fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
		const check = spawnSync('/usr/bin/python3', ['-c',
			'import ctypes;print(ctypes.CDLL(None).prctl(66,0,0,0,0))'], { encoding: 'utf8' });
		assert.ok(status.length > 0 && check.status === 0);
		const c = await loginAs(`http://127.0.0.1:${port}`, 'editor@example.com');
		for (const [name, type, data] of [
			['a.jpg', 'image/jpeg', jpegWithGps(site.dir, 1200, 800, 6)],
			['b.png', 'image/png', (execFileSync('vips', ['black', path.join(site.dir, 'b.png'), '900', '600']),
				fs.readFileSync(path.join(site.dir, 'b.png')))],
		]) {
			const r = await saveStory(c, { headline: `Photo ${name}`, body: 'x', caption: 'C.', credit: 'P.',
				alt: 'Alt', photo: { data, name, type } });
			assert.equal(r.status, 303, `${name}: ${r.text.slice(0, 300)}`);
		}
		assert.ok(srv.proc.exitCode === null, 'still running');
	});
});
