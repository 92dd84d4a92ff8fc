// list-photos.test.mjs - the photos of story lists (front, section) are the
// responsive copies, as on the story page: each img has a srcset of copies
// that answer 200 with sizes, width and height, its src is a copy and not
// the 1600 px original, the first photo loads eagerly and the rest lazily.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { addArticle, get, makeSite, removeDir, startServer, tags } from './lib.mjs';

describe('list photos use the responsive copies', () => {
	let site, srv, originals;

	before(async () => {
		site = await makeSite();
		const photos = ['harbour.jpg', 'aurora.jpg', 'textile.jpg'];
		for (const [i, photo] of photos.entries())
			await addArticle(site, {
				headline: `Photo story ${i}`, summary: 'A story with a photo.', photo,
				alt: 'A demo photo.', caption: 'A demo photo.', author: 'Desk',
				section: 'World', published: `2025-11-2${i}T08:00:00Z`,
			}, 'Body.\n');
		srv = await startServer({ db: site.db });
		/* The originals: what each story page's lead photo names in src. */
		originals = new Set();
		const front = (await get(srv.url + '/')).text;
		for (const m of front.matchAll(/<h2><a href="([^"]+)"/g)) {
			const page = (await get(srv.url + m[1])).text;
			const lead = /<figure class="lead-photo">[\s\S]*?<img src="([^"]+)"/.exec(page);
			assert.ok(lead, `${m[1]} has a lead photo`);
			originals.add(lead[1]);
		}
		assert.equal(originals.size, 3);
	});

	after(async () => {
		await srv?.stop();
		if (site)
			await removeDir(site.dir);
	});

	for (const p of ['/', '/section/world/']) {
		it(`${p}: srcset of copies that answer 200, src not the original`, async () => {
			const html = (await get(srv.url + p)).text;
			const imgs = tags(html, 'img').filter((a) => a.src?.startsWith('/media/'));
			assert.equal(imgs.length, 3, 'one photo per story');
			for (const [i, img] of imgs.entries()) {
				assert.ok(!originals.has(img.src), `${img.src} is not an original`);
				assert.ok(img.sizes, 'sizes is given');
				assert.ok(+img.width > 0 && +img.height > 0, 'width and height');
				if (i === 0)
					assert.equal(img.loading, undefined, 'the first photo is not lazy');
				else
					assert.equal(img.loading, 'lazy', 'photos below the first are lazy');
				const cands = img.srcset.split(',').map((c) => c.trim().split(/\s+/));
				assert.ok(cands.length >= 3, `srcset has the copies: ${img.srcset}`);
				const widths = cands.map(([, w]) => parseInt(w, 10));
				assert.ok(widths.some((w) => w <= 480), `a small copy: ${img.srcset}`);
				assert.ok(cands.some(([u]) => u === img.src), 'src is one of the candidates');
				for (const [u] of cands) {
					const r = await get(srv.url + u);
					assert.match(r.headers['content-type'], /^image\/jpeg/);
				}
				const small = cands.find(([u]) => u === img.src);
				assert.ok(parseInt(small[1], 10) < 1600, 'src is a smaller copy');
			}
			const webp = tags(html, 'source').filter((a) => a.type === 'image/webp');
			assert.equal(webp.length, 3, 'a WebP source per photo');
			for (const s of webp)
				for (const c of s.srcset.split(','))
					await get(srv.url + c.trim().split(/\s+/)[0]);
		});
	}
});
