// nginx.test.mjs - deploy/nginx/dateline.conf as it stands (paths, ports
// and nodes replaced): a self-signed certificate, `nginx -t`, then the
// site through it over HTTPS and HTTP/2 (a story page, a photo upload in
// the newsroom, a live stream), and the documented rolling restart of
// two nodes behind it under steady load with no failed request.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BIN, ROOT, addArticle, freePort, makeSite, removeDir, request, sleep } from './lib.mjs';
import { addUser, PW } from './comments-lib.mjs';
import { haveVips, jpegWithGps } from './newsroom-lib.mjs';

const have = (cmd, args) => { try { execFileSync(cmd, args, { stdio: 'ignore' }); return true; } catch { return false; } };
const ready = have('nginx', ['-v']) && have('openssl', ['version']) && have('curl', ['--version']);

/* The site file for @nodes, TLS on @port, plain HTTP on @plain, files in @dir. */
function siteConf(dir, nodes, port, plain) {
	let conf = fs.readFileSync(path.join(ROOT, 'deploy/nginx/dateline.conf'), 'utf8');
	const servers = [...conf.matchAll(/^    server 127\.0\.0\.1:808\d /gm)];
	assert.equal(servers.length, 2, 'two upstream servers in the file');
	let i = 0;
	conf = conf.replace(/^    server 127\.0\.0\.1:808\d /gm, () => `    server 127.0.0.1:${nodes[i++].port} `);
	for (const [from, to] of [
		['/var/cache/nginx/dateline', `${dir}/cache`],
		['/etc/ssl/certs/news.example.org.pem', `${dir}/cert.pem`],
		['/etc/ssl/private/news.example.org.key', `${dir}/key.pem`],
		['    listen 443 ssl http2;\n    listen [::]:443 ssl http2;', `    listen 127.0.0.1:${port} ssl http2;`],
		['    listen 80;\n    listen [::]:80;', `    listen 127.0.0.1:${plain};`],
	]) {
		assert.ok(conf.includes(from), `the file has ${from}`);
		conf = conf.replace(from, to);
	}
	return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${conf}
}
`;
}

/* curl @args against the front; {status, version, body}. */
function curl(args, { timeout = 20000 } = {}) {
	return new Promise((resolve, reject) => {
		execFile('curl', ['-sS', '-k', '--max-time', String(timeout / 1000), '-w', '\n%{http_code} %{http_version}', ...args],
			{ encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
				if (err && !stdout)
					return reject(new Error(`curl ${args.join(' ')}: ${stderr || err.message}`));
				const cut = stdout.lastIndexOf('\n');
				const [status, version] = stdout.slice(cut + 1).split(' ');
				resolve({ status: Number(status), version, body: stdout.slice(0, cut) });
			});
	});
}

/* dateline serve on 127.0.0.1:@port (the same port again after a stop). */
function launchOn(site, port, args) {
	return new Promise((resolve, reject) => {
		const proc = spawn(BIN, ['serve', '--db', site.db, '--listen', `127.0.0.1:${port}`, '--quiet',
			'--maildir', site.maildir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
		let err = '';
		const exit = new Promise((r) => proc.on('exit', (code) => r(code)));
		proc.stderr.on('data', (d) => {
			err += d;
			if (/dateline serving/.test(err))
				resolve({ port, proc, stop: async () => { proc.kill('SIGTERM'); assert.equal(await exit, 0, err); } });
		});
		proc.on('exit', (c) => reject(new Error(`serve on ${port} exited ${c}: ${err}`)));
	});
}

const csrfIn = (html, action) => {
	const form = new RegExp(`<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"[\\s\\S]*?</form>`).exec(html);
	const m = form && /name="csrf" value="([^"]+)"/.exec(form[0]);
	assert.ok(m, `a csrf token for ${action}`);
	return m[1];
};

describe('the nginx site file', { skip: !ready && 'needs nginx, openssl and curl' }, () => {
	let site, dir, nodes = [], nginx, port, front, story;
	const nodeArgs = ['--trust-proxy', '--login-rate-limit', '1000', '--reaction-rate-limit', '0'];

	before(async () => {
		site = await makeSite();
		dir = path.join(site.dir, 'nginx');
		await fsp.mkdir(dir);
		// nginx's workers (not root) keep bodies and the cache in here
		await fsp.chmod(site.dir, 0o755);
		await fsp.chmod(dir, 0o777);
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=news.example.org',
			'-addext', 'subjectAltName=DNS:news.example.org,IP:127.0.0.1',
			'-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
		story = await addArticle(site, { headline: 'Through the front', published: '2025-06-01T08:00:00Z' }, 'Text.\n');
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		for (let i = 0; i < 2; i++)
			nodes.push(await launchOn(site, await freePort(), nodeArgs));
		port = await freePort();
		const conf = path.join(dir, 'nginx.conf');
		await fsp.writeFile(conf, siteConf(dir, nodes, port, await freePort()));
		const t = execFileSync('nginx', ['-t', '-p', dir, '-c', conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		void t;
		nginx = spawn('nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
		front = `https://127.0.0.1:${port}`;
		for (let i = 0; i < 100; i++) {
			try {
				if ((await curl([`${front}/robots.txt`])).status === 200)
					break;
			} catch { /* not yet */ }
			await sleep(50);
		}
	});
	after(async () => {
		nginx?.kill('SIGTERM');
		for (const n of nodes)
			await n.stop();
		await removeDir(site.dir);
	});

	test('nginx -t accepts it; a story page over HTTP/2 with HSTS; /metrics stays inside', async () => {
		const conf = path.join(dir, 'nginx.conf');
		const t = await new Promise((r) => execFile('nginx', ['-t', '-p', dir, '-c', conf], (e, o, s) => r({ e, s })));
		assert.equal(t.e, null, t.s);
		assert.match(t.s, /syntax is ok[\s\S]*test is successful/);
		const page = await curl(['--http2', '-D', '-', `${front}${story}`]);
		assert.equal(page.status, 200, page.body.slice(0, 800) + fs.readFileSync(`${dir}/error.log`, 'utf8').slice(-800));
		assert.equal(page.version, '2', 'HTTP/2');
		assert.match(page.body, /^strict-transport-security: max-age=63072000; includeSubDomains\r$/m);
		assert.match(page.body, /Through the front/);
		assert.match(page.body, /<link rel="canonical"/);
		assert.equal((await curl(['--http2', `${front}/metrics`])).status, 404);
		const css = /href="(\/static\/[^"]+\.css)"/.exec(page.body)[1];
		for (let i = 0; i < 2; i++)
			assert.equal((await curl(['--http2', `${front}${css}`])).status, 200);
	});

	test('a photo upload in the newsroom over HTTP/2', { skip: !haveVips() && 'needs libvips-tools' }, async () => {
		const jar = path.join(dir, 'jar.txt');
		const login = await curl(['--http2', '-c', jar, '-b', jar, `${front}/account/login`]);
		const lr = await curl(['--http2', '-c', jar, '-b', jar, '-o', '/dev/null',
			'--data-urlencode', `csrf=${csrfIn(login.body, '/account/login')}`,
			'--data-urlencode', 'email=editor@example.com', '--data-urlencode', `password=${PW}`,
			`${front}/account/login`]);
		assert.equal(lr.status, 303);
		assert.match(fs.readFileSync(jar, 'utf8'), /#HttpOnly_127\.0\.0\.1\tFALSE\t\/\tTRUE\t/, 'a Secure session cookie behind TLS');
		const form = await curl(['--http2', '-c', jar, '-b', jar, `${front}/newsroom/new`]);
		assert.equal(form.status, 200);
		const photo = path.join(dir, 'photo.jpg');
		fs.writeFileSync(photo, jpegWithGps(dir, 1200, 800, 1));
		const save = await curl(['--http2', '-c', jar, '-b', jar, '-o', '/dev/null',
			'-F', `csrf=${csrfIn(form.body, '/newsroom/save')}`, '-F', 'headline=Uploaded through nginx',
			'-F', 'body=Text.', '-F', 'caption=A caption.', '-F', 'credit=A. Photographer', '-F', 'alt=Alt text',
			'-F', 'action=publish', '-F', `photo=@${photo};type=image/jpeg`, `${front}/newsroom/save`]);
		assert.equal(save.version, '2');
		assert.equal(save.status, 303);
		const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
		const page = await curl(['--http2', `${front}/news/${today}/uploaded-through-nginx/`]);
		assert.equal(page.status, 200);
		const img = /<img src="(\/media\/[0-9a-f]+\.jpg)"/.exec(page.body);
		assert.ok(img, 'the photo is on the page');
		const media = await curl(['--http2', '-o', '/dev/null', `${front}${img[1]}`]);
		assert.equal(media.status, 200);
	});

	test('a live stream over HTTP/2 gets its event at once (no buffering)', async () => {
		const slug = story.split('/').at(-2);
		const out = path.join(dir, 'events.txt');
		const fd = fs.openSync(out, 'w');
		const stream = spawn('curl', ['-sS', '-k', '-N', '--http2', '--max-time', '15',
			`${front}/api/v1/articles/${slug}/events`], { stdio: ['ignore', fd, 'ignore'] });
		try {
			await sleep(700);
			// to each node: live events stay on the node that wrote (SQLite;
			// PostgreSQL carries them to the others), and either has the stream
			for (const n of nodes) {
				const put = await request(`http://127.0.0.1:${n.port}/api/v1/articles/${slug}/reactions`, {
					method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"reaction":"love"}' });
				assert.equal(put.status, 200, put.text);
			}
			let text = '';
			for (let i = 0; i < 100 && !/"love"/.test(text); i++) {
				await sleep(50);
				text = fs.readFileSync(out, 'utf8');
			}
			assert.match(text, /event: /);
			assert.match(text, /"love"/, 'the count reached the stream within 5 s');
		} finally {
			stream.kill('SIGTERM');
			fs.closeSync(fd);
		}
	});

	test('rolling restart of both nodes under steady load: no failed request', async (t) => {
		const agent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });
		const results = { ok: 0, failed: [] };
		let running = true;
		const get = (p) => new Promise((resolve) => {
			const req = https.get(`${front}${p}`, { agent, timeout: 10000 }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode));
			});
			req.on('error', (e) => resolve(e.code || e.message));
			req.on('timeout', () => req.destroy(new Error('timeout')));
		});
		const worker = async () => {
			while (running) {
				const s = await get(results.ok % 3 ? story : '/');
				if (s === 200)
					results.ok++;
				else
					results.failed.push(s);
			}
		};
		const load = Promise.all(Array.from({ length: 6 }, worker));
		try {
			await sleep(500);
			// the documented procedure: one node at a time, back on /readyz
			for (let i = 0; i < 2; i++) {
				const old = nodes[i];
				await old.stop();
				nodes[i] = await launchOn(site, old.port, nodeArgs);
				for (let k = 0; k < 100; k++) {
					const r = await request(`http://127.0.0.1:${old.port}/readyz`).catch(() => ({ status: 0 }));
					if (r.status === 200)
						break;
					await sleep(50);
				}
				// nginx sends it traffic again after fail_timeout (5 s)
				await sleep(6000);
			}
		} finally {
			running = false;
			await load;
			agent.destroy();
		}
		t.diagnostic(`rolling restart: ${results.ok} requests answered 200, ${results.failed.length} failed`);
		assert.ok(results.ok > 100, `steady load (${results.ok} requests)`);
		assert.deepEqual(results.failed.slice(0, 10), [], `no failed request: ${results.failed.length} of ${results.ok + results.failed.length} failed`);
	});
});
