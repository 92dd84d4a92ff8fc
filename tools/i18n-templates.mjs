// i18n-templates.mjs - list the messages of templates/*.mustache as a .pot.
//
//   node tools/i18n-templates.mjs templates/*.mustache > templates.pot
//
// A message is the raw text of a {{#_}}...{{/_}} section, or the two
// halves (split at {{|}}) of a {{#_n NAME}}...{{/_n NAME}} plural section,
// exactly as src/render/mustache.c takes them when it compiles a template.
// scripts/i18n-extract merges this with xgettext's list from the C code.
import { readFileSync } from 'node:fs';

const quote = (s) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
	.replace(/\t/g, '\\t').replace(/\n/g, '\\n') + '"';
const entries = new Map();

for (const file of process.argv.slice(2)) {
	const src = readFileSync(file, 'utf8');
	const re = /\{\{#(_|_n [^}]+?)\}\}([\s\S]*?)\{\{\/\1\}\}/g;
	let m;
	while ((m = re.exec(src))) {
		const plural = m[1] !== '_';
		let id = m[2], idPlural = null;
		if (plural) {
			const bar = id.indexOf('{{|}}');
			if (bar < 0) throw new Error(`${file}: plural message without {{|}}`);
			idPlural = id.slice(bar + 5);
			id = id.slice(0, bar);
		}
		const where = file.replace(/^.*?(templates\/)/, '$1');
		const e = entries.get(id) || { id, idPlural, refs: new Set() };
		e.refs.add(where);
		entries.set(id, e);
	}
}
for (const e of entries.values()) {
	console.log(`#: ${[...e.refs].sort().join(' ')}`);
	console.log(`msgid ${quote(e.id)}`);
	if (e.idPlural !== null) {
		console.log(`msgid_plural ${quote(e.idPlural)}`);
		console.log('msgstr[0] ""\nmsgstr[1] ""\n');
	} else {
		console.log('msgstr ""\n');
	}
}
