// gen-site.mjs - SQL for a generated news site, for the reach benchmark:
//
//   node bench/gen-site.mjs N >site.sql     (then: sqlite3 DB <site.sql)
//   node bench/gen-site.mjs --queries K     (K search queries, one a line)
//
// N published stories in one transaction: headline, summary and a body of
// words drawn from a fixed 5,000-word vocabulary with a skewed (Zipf-like)
// frequency, 12 sections, 200 tags (three a story), 300 authors, one a
// minute back from 2026-11-01.  Deterministic (a seeded generator), so
// every run searches the same site.  The search index is filled by the
// migration's triggers as the rows go in.
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'da', 'fe', 'go', 'hu',
	'ji', 'ba', 'pe', 'qu', 'ri', 'so', 'tu', 'wa', 'xe', 'yo', 'ze', 'an', 'el', 'or'];
let seed = 20261128;
function rand() {	// mulberry32
	seed = (seed + 0x6D2B79F5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const V = 5000;
const vocab = [];
const seen = new Set();
while (vocab.length < V) {
	let w = '';
	const n = 2 + Math.floor(rand() * 3);
	for (let i = 0; i < n; i++)
		w += SYL[Math.floor(rand() * SYL.length)];
	if (!seen.has(w)) {
		seen.add(w);
		vocab.push(w);
	}
}
/* A word: rank skewed towards the common end. */
const word = () => vocab[Math.floor(V * Math.pow(rand(), 2.2))];
const words = (n) => Array.from({ length: n }, word).join(' ');
const q = (s) => `'${s.replace(/'/g, "''")}'`;

if (process.argv[2] === '--queries') {
	// Mid-frequency words (ranks 300-3000), pairs, prefixes and phrases.
	const k = Number(process.argv[3] || 200);
	const mid = () => vocab[300 + Math.floor(rand() * 2700)];
	const out = [];
	for (let i = 0; i < k; i++) {
		const kind = i % 4;
		out.push(kind === 0 ? mid() : kind === 1 ? `${mid()} ${mid()}` :
			kind === 2 ? `${mid().slice(0, 5)}*` : `"${word()} ${word()}"`);
	}
	process.stdout.write(out.join('\n') + '\n');
	process.exit(0);
}

const n = Number(process.argv[2] || 100000);
const sections = ['World', 'Business', 'Sport', 'Culture', 'Science', 'Politics',
	'Health', 'Travel', 'Opinion', 'Technology', 'Climate', 'Local'];
const authors = Array.from({ length: 300 }, (_, i) => `Writer ${vocab[i * 7]} ${vocab[i * 11 + 1]}`);
const start = Date.UTC(2026, 10, 1) / 1000;
const out = [];
out.push('BEGIN IMMEDIATE;');
out.push('INSERT OR IGNORE INTO tags (id, slug, name) VALUES ' +
	Array.from({ length: 200 }, (_, i) => `(${i + 1}, 'tag-${i + 1}', ${q('Tag ' + vocab[i * 3])})`).join(',') + ';');
for (let i = 1; i <= n; i++) {
	const sec = sections[i % sections.length];
	const t = start - (n - i) * 60;
	// Tags first (foreign keys are off in the sqlite3 shell): the
	// article's insert trigger then indexes the story once, tags included.
	const tags = new Set([1 + (i % 200), 1 + ((i * 7) % 200), 1 + ((i * 13) % 200)]);
	for (const [pos, tg] of [...tags].entries())
		out.push(`INSERT INTO article_tags (article_id, tag_id, pos) VALUES (${i}, ${tg}, ${pos});`);
	out.push(`INSERT INTO articles (id, slug, headline, summary, body, author, section, section_slug, status, published, created, updated) VALUES (${i}, 'story-${i}', ${q(words(7))}, ${q(words(18))}, ${q(words(60) + '\n\n' + words(60))}, ${q(authors[i % authors.length])}, '${sec}', '${sec.toLowerCase()}', 1, ${t}, ${t}, ${t});`);
	if (out.length > 5000) {
		process.stdout.write(out.join('\n') + '\n');
		out.length = 0;
	}
}
out.push("UPDATE meta SET value = value + 1 WHERE key = 'content_version';");
out.push('COMMIT;');
process.stdout.write(out.join('\n') + '\n');
