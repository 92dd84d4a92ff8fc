// comments-seed.mjs - set-up for bench/comments.sh.
//
//   node bench/comments-seed.mjs accounts N OUT_SQL OUT_TOKENS
//       SQL for N verified accounts, each with a live session, and the
//       session tokens (one a line) for the wrk script.
//   node bench/comments-seed.mjs thread URL SLUG TOKENS TOP REPLIES
//       post TOP top-level comments with REPLIES replies each through the
//       JSON API (distinct accounts, one after the other).
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const [mode, ...args] = process.argv.slice(2);

if (mode === 'accounts') {
	const [n, sqlOut, tokOut] = args;
	const now = Math.floor(Date.now() / 1000);
	const sql = ['BEGIN;'];
	const toks = [];
	for (let i = 1; i <= Number(n); i++) {
		const tok = ('bench' + i).padEnd(43, 'x');
		const hash = createHash('sha256').update(tok).digest('hex');
		sql.push(`INSERT INTO accounts (id, email, name, password, role, verified, created, updated)` +
			` VALUES (${i}, 'u${i}@bench.example', 'Reader ${i}', 'x', 'reader', 1, ${now}, ${now});`);
		sql.push(`INSERT INTO sessions (hash, account_id, created, seen) VALUES ('${hash}', ${i}, ${now}, ${now});`);
		toks.push(tok);
	}
	sql.push('COMMIT;');
	fs.writeFileSync(sqlOut, sql.join('\n') + '\n');
	fs.writeFileSync(tokOut, toks.join('\n') + '\n');
} else if (mode === 'thread') {
	const [url, slug, tokFile, top, replies] = args;
	const toks = fs.readFileSync(tokFile, 'utf8').split('\n').filter(Boolean);
	let k = 0, n = 0;
	const post = async (body, parent) => {
		const tok = toks[k++ % toks.length];
		const r = await fetch(`${url}/api/v1/articles/${slug}/comments`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Cookie: `dl_session=${tok}` },
			body: JSON.stringify(parent ? { body, parent } : { body }),
		});
		if (r.status !== 201)
			throw new Error(`post: ${r.status} ${await r.text()}`);
		n++;
		return (await r.json()).comment.id;
	};
	for (let t = 0; t < Number(top); t++) {
		const id = await post(`Top-level comment ${t}: *a few* words with a [link](https://example.org/${t}).`);
		let parent = id;
		for (let r = 0; r < Number(replies); r++) {
			// Alternate between answering the top and going one deeper.
			const pid = await post(`Reply ${r} in thread ${t}, somewhat longer text to be realistic.`, parent);
			parent = r % 3 === 2 ? id : pid;
		}
	}
	console.log(`comments: ${n}`);
} else {
	console.error('usage: comments-seed.mjs accounts|thread ...');
	process.exit(2);
}
