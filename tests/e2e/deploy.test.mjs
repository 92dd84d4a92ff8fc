// deploy.test.mjs - the deployment of docs/deployment.md, as documented:
// the nginx block cut out of that file (two `server` lines pointed at two
// nodes, the `listen` line at a free port without TLS), two `dateline
// serve` nodes on a PostgreSQL primary with a streaming replica.  Through
// nginx: pages, a log in that holds whichever node answers, a comment the
// writer sees at once, a live event stream fed by the other node, and the
// site still answering when one node is stopped.
// Runs in the PostgreSQL pass of `make test` ($DATELINE_TEST_PG set).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	PG, ROOT, addArticle, freePort, openEvents, request, removeDir, runCli, sleep,
	startServer, tempDir,
} from './lib.mjs';
import { addUser, commentIds, loginAs, postForm } from './comments-lib.mjs';

const CLUSTER = path.join(ROOT, 'scripts/pg-cluster');
const cluster = (...args) => execFileSync(CLUSTER, args, { encoding: 'utf8' }).trim();
const haveNginx = (() => {
	try {
		execFileSync('nginx', ['-v'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

/* The documented nginx block, pointed at @nodes and listening on @port. */
function nginxBlock(nodes, port) {
	const doc = fs.readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
	const m = /<!-- nginx example: tests\/e2e\/deploy\.test\.mjs -->\n```nginx\n([\s\S]*?)```/.exec(doc);
	assert.ok(m, 'docs/deployment.md has the nginx example');
	let conf = m[1];
	const servers = [...conf.matchAll(/^    server 10\.0\.0\.1\d:8080 /gm)];
	assert.equal(servers.length, 2, 'two upstream servers in the example');
	let i = 0;
	conf = conf.replace(/^    server 10\.0\.0\.1\d:8080 /gm, () => `    server 127.0.0.1:${nodes[i++].port} `);
	assert.match(conf, /^    listen 443 ssl;$/m);
	return conf.replace(/^    listen 443 ssl;$/m, `    listen 127.0.0.1:${port};`);
}

async function startNginx(dir, block, port) {
	const conf = path.join(dir, 'nginx.conf');
	await fsp.writeFile(conf, `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${block}
}
`);
	const proc = spawn('nginx', ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
	for (let i = 0; i < 100; i++) {
		try {
			await request(`http://127.0.0.1:${port}/`, { timeout: 2000 });
			return proc;
		} catch {
			await sleep(50);
		}
	}
	proc.kill('SIGKILL');
	throw new Error(`nginx did not start: ${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
}

describe('two nodes behind nginx on a primary and a replica (docs/deployment.md)', {
	skip: (!PG && 'set DATELINE_TEST_PG to run') || (!haveNginx && 'no nginx (scripts/install-deps)'),
}, () => {
	let dir, primary, replica, a, b, nginx, front, storyPath;

	before(async () => {
		dir = await tempDir('dateline-deploy-');
		await fsp.chmod(dir, 0o755);	/* the clusters run as "postgres" */
		primary = cluster('start', path.join(dir, 'primary'));
		const r = await runCli(['init', '--db', primary]);
		assert.equal(r.code, 0, r.stderr);
		storyPath = await addArticle({ dir, db: primary }, {
			headline: 'Seen through the front', slug: 'front-story', summary: 'Proxied.',
			author: 'Desk', section: 'World', published: '2024-03-04T05:06:07Z',
			status: 'published',
		}, 'BEIRUT — Body.\n');
		await addUser(primary, 'reader@example.com', 'Reader');
		replica = cluster('replica', path.join(dir, 'primary'), path.join(dir, 'replica'));
		const port = await freePort();
		front = `http://127.0.0.1:${port}`;
		const args = ['--db-replica', replica, '--trust-proxy', '--base-url', front,
			'--maildir', path.join(dir, 'mail'), '--comment-min-seconds', '0',
			'--reaction-rate-limit', '0'];
		a = await startServer({ db: primary, args });
		b = await startServer({ db: primary, args });
		await fsp.mkdir(path.join(dir, 'nginx'));
		nginx = await startNginx(path.join(dir, 'nginx'), nginxBlock([a, b], port), port);
	});

	after(async () => {
		nginx?.kill('SIGTERM');
		await a?.stop();
		await b?.stop();
		if (dir) {
			for (const d of ['replica', 'primary'])
				try { cluster('stop', path.join(dir, d)); } catch { /* gone */ }
			await removeDir(dir);
		}
	});

	test('pages come through the front, from both nodes', async () => {
		for (let i = 0; i < 6; i++) {
			const r = await request(front + (i % 2 ? storyPath : '/'));
			assert.equal(r.status, 200);
		}
		const page = await request(front + storyPath);
		assert.match(page.text, /Seen through the front/);
		assert.match(page.text, new RegExp(`<link rel="canonical" href="${front}${storyPath}"`));
		// Each node has read public content from the replica.
		const onReplica = execFileSync('psql', ['-X', '-At', replica, '-c',
			"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dateline'"],
		{ encoding: 'utf8' }).trim();
		assert.ok(Number(onReplica) >= 2, `nodes connected to the replica: ${onReplica}`);
	});

	test('a reader logs in, comments and sees the comment, whichever node answers', async () => {
		const c = await loginAs(front, 'reader@example.com');
		for (let i = 0; i < 4; i++) {
			const r = await c.get('/account/');
			assert.equal(r.status, 200, 'the session holds on both nodes');
			assert.match(r.text, /reader@example\.com/);
		}
		const post = await postForm(c, storyPath, 'Through the front door.');
		assert.equal(post.status, 303, post.text);
		for (let i = 0; i < 4; i++) {
			const page = await c.get(storyPath);
			assert.match(page.text, /Through the front door\./);
			assert.equal(commentIds(page.text).length, 1);
		}
	});

	test('a live stream through the front gets a change made on the other node', async () => {
		const ev = await openEvents(`${front}/api/v1/articles/front-story/events`);
		assert.equal(ev.status, 200);
		// Whichever node holds the stream, a change on each node reaches it.
		for (const [node, kind] of [[a, 'win'], [b, 'lol']]) {
			const r = await request(`${node.url}/api/v1/articles/front-story/reactions`, {
				method: 'PUT', headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ reaction: kind }) });
			assert.equal(r.status, 200);
			await ev.waitFor(new RegExp(`event: reactions\\ndata: [^\\n]*"${kind}":1`), 5000);
		}
		ev.close();
	});

	test('with one node stopped the site still answers', async () => {
		await a.stop();
		a = null;
		for (let i = 0; i < 10; i++) {
			const r = await request(front + (i % 2 ? storyPath : '/'));
			assert.equal(r.status, 200, `request ${i} through the front`);
		}
	});
});
