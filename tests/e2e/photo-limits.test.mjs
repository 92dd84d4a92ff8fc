// photo-limits.test.mjs - lead photos an attacker could use to exhaust
// the server: the pixel count is read from the header and refused in
// milliseconds (--photo-max-pixels, default 40 million), and uploads are
// processed --photo-jobs at a time, the rest queued, not refused (seen on
// /metrics: dateline_photo_jobs_running never above N while others wait).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { makeSite, metricSample, removeDir, request, sleep, startServer } from './lib.mjs';
import { mainText, sql } from './accounts-lib.mjs';
import { addUser, haveVips, jpegWithGps, loginAs, saveStory } from './newsroom-lib.mjs';

const FAST = ['--login-rate-limit', '1000'];
const photoFields = (data, name, type) => ({ caption: 'A caption.', credit: 'A. Photographer', alt: 'Alt text',
	body: 'Text.', photo: { data, name, type } });

describe('photo limits', { skip: !haveVips() && 'needs the vips command (libvips-tools)' }, () => {
	let site, srv, ed;
	before(async () => {
		site = await makeSite();
		await addUser(site.db, 'editor@example.com', 'Ed Editor', 'editor');
		srv = await startServer({ db: site.db, args: [...FAST, '--upload-limit', '5', '--photo-jobs', '1'] });
		ed = await loginAs(srv.url, 'editor@example.com');
	});
	after(async () => {
		await srv.stop();
		await removeDir(site.dir);
	});

	test('a 41-megapixel PNG of a few KB is refused at once, from its header', async () => {
		const file = path.join(site.dir, 'huge.png');
		execFileSync('vips', ['black', file, '6400', '6400']);
		const png = fs.readFileSync(file);
		assert.ok(png.length < 1024 * 1024, `small file: ${png.length} bytes`);
		const t0 = Date.now();
		const r = await saveStory(ed, { headline: 'Huge photo', ...photoFields(png, 'huge.png', 'image/png') });
		const ms = Date.now() - t0;
		assert.equal(r.status, 422, r.text.slice(0, 300));
		assert.match(mainText(r.text), /The image is 6,400 × 6,400 pixels \(41\.0 megapixels\); this site takes photos of at most 40\.0 megapixels\./);
		assert.ok(ms < 2000, `refused in ${ms} ms (decoding it takes tens of seconds)`);
		assert.equal(Number(sql(site.db, 'SELECT count(*) FROM media')[0][0]), 0);
	});

	test('--photo-max-pixels sets the limit; uploads beyond --photo-jobs wait their turn', async () => {
		const small = await startServer({ db: site.db, args: [...FAST, '--photo-max-pixels', '500000', '--photo-jobs', '1'] });
		try {
			const c = await loginAs(small.url, 'editor@example.com');
			const big = jpegWithGps(site.dir, 1000, 600, 1);
			const r = await saveStory(c, { headline: 'Too many pixels', ...photoFields(big, 'a.jpg', 'image/jpeg') });
			assert.equal(r.status, 422);
			assert.match(mainText(r.text), /0\.6 megapixels\); this site takes photos of at most 0\.5 megapixels/);
			// the numbers as the editor's language writes them
			await sql(site.db, "UPDATE accounts SET language = 'de' WHERE email = 'editor@example.com'");
			const de = await saveStory(c, { headline: 'Zu viele Pixel', ...photoFields(big, 'a.jpg', 'image/jpeg') });
			assert.equal(de.status, 422);
			assert.match(mainText(de.text), /Das Bild hat 1\.000 × 600 Pixel \(0,6 Megapixel\); diese Website nimmt Fotos mit höchstens 0,5 Megapixeln an\./);
			await sql(site.db, "UPDATE accounts SET language = '' WHERE email = 'editor@example.com'");
			const ok = jpegWithGps(site.dir, 600, 400, 1);
			// three at once with one photo job: all saved, one after the other
			const rs = await Promise.all([1, 2, 3].map((i) =>
				saveStory(c, { headline: `Queued photo ${i}`, ...photoFields(ok, `q${i}.jpg`, 'image/jpeg') })));
			for (const x of rs)
				assert.equal(x.status, 303, x.text.slice(0, 300));
		} finally {
			await small.stop();
		}
	});

	test('--photo-jobs N: never more than N photos processed at once, the other uploads wait', async (t) => {
		const big = jpegWithGps(site.dir, 1600, 1000, 1);
		for (const [jobs, uploads] of [[1, 3], [2, 3]]) {
			const s = await startServer({ db: site.db, args: [...FAST, '--upload-limit', '20', '--photo-jobs', String(jobs)] });
			try {
				const c = await loginAs(s.url, 'editor@example.com');
				const seen = { running: 0, waiting: 0, samples: 0, lost: [] };
				let polling = true;
				// /metrics shows the photos in work and those waiting for a slot.
				const poll = (async () => {
					while (polling) {
						// A sample lost to the loaded machine is not what this
						// test is about: it counts them and goes on.
						const m = await request(`${s.url}/metrics`).catch((e) => {
							seen.lost.push(String(e));
							return null;
						});
						if (m) {
							seen.running = Math.max(seen.running, metricSample(m.text, 'dateline_photo_jobs_running'));
							seen.waiting = Math.max(seen.waiting, metricSample(m.text, 'dateline_photo_jobs_waiting'));
							seen.samples++;
						}
						await sleep(25);
					}
				})();
				const rs = await Promise.all(Array.from({ length: uploads }, (_, i) =>
					saveStory(c, { headline: `Jobs ${jobs} photo ${i}`, ...photoFields(big, `j${i}.jpg`, 'image/jpeg') })));
				polling = false;
				await poll;
				for (const x of rs)
					assert.equal(x.status, 303, x.text.slice(0, 300));
				assert.ok(seen.samples >= 10, `enough samples: ${JSON.stringify(seen)}`);
				assert.equal(seen.running, jobs, `--photo-jobs ${jobs}: at most ${jobs} at once, and that many (${JSON.stringify(seen)})`);
				assert.ok(seen.waiting >= 1, `--photo-jobs ${jobs}: the other uploads waited (${JSON.stringify(seen)})`);
				if (seen.lost.length)
					t.diagnostic(`--photo-jobs ${jobs}: ${seen.lost.length} /metrics samples lost: ${seen.lost[0]}`);
				const after = (await request(`${s.url}/metrics`)).text;
				assert.equal(metricSample(after, 'dateline_photo_jobs_running'), 0);
				assert.equal(metricSample(after, 'dateline_photo_jobs_waiting'), 0);
			} finally {
				await s.stop();
			}
		}
	});
});
